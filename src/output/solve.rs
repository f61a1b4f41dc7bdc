//! Renderers of `runway solve`: one lever's answer, or a frontier of two,
//! as a terminal table, CSV and JSON.

use super::layout::{definitions, pack, wrap, Align, Table};
use super::number::{count, decimal, probability};
use super::Render;
use crate::analysis::solve::{Answer, Frontier, Mode, Setting, Solution};
use crate::output::csv_number as csv_num;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// Decimals that show a value to a tenth of its interval's width (0 to 6).
fn decimals_for(width: f64) -> usize {
    if !(width > 0.0) || !width.is_finite() {
        return 4;
    }
    (1.0 - width.log10()).ceil().clamp(0.0, 6.0) as usize
}

/// How a lever's value reads: `cash.initial = 14.37`, `shift by +0.25`.
fn mode_words(mode: Mode) -> &'static str {
    match mode {
        Mode::Set => "set to v",
        Mode::Shift => "every draw + v",
        Mode::Scale => "every draw × v",
    }
}

fn header(out: &mut String, what: &str, s: &Setting, width: usize) {
    let title = format!("runway {} solve · {}", env!("CARGO_PKG_VERSION"), s.model);
    out.push_str(&wrap(&title, width, "", "  "));
    let parts = [
        format!("model {}", s.file),
        format!("scenario {}", s.scenario.as_deref().unwrap_or("(none)")),
        format!("money in {}", s.unit),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    let parts = [
        format!("{} paths per evaluation", count(s.paths)),
        format!("seed {} (common random numbers)", s.seed),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    out.push_str(&wrap(
        &format!(
            "target: P(insolvent by {}) = {}",
            s.by,
            probability(s.target)
        ),
        width,
        "",
        "  ",
    ));
    out.push_str(&wrap(what, width, "", "  "));
}

fn answer_lines(a: &Answer) -> (String, String, String) {
    let d = decimals_for(a.value_ci95[1] - a.value_ci95[0]);
    let open = |at_end: bool, text: String| {
        if at_end {
            format!("{text} (range end)")
        } else {
            text
        }
    };
    (
        decimal(a.value, d),
        format!(
            "{} – {}",
            open(a.value_ci95_at_range_end[0], decimal(a.value_ci95[0], d)),
            open(a.value_ci95_at_range_end[1], decimal(a.value_ci95[1], d))
        ),
        format!(
            "{} (95 % CI {} – {})",
            probability(a.probability),
            probability(a.probability_ci95[0]),
            probability(a.probability_ci95[1])
        ),
    )
}

/// One lever's answer as a terminal table.
pub fn render_solve_table(s: &Solution, width: usize) -> String {
    let mut out = String::new();
    header(
        &mut out,
        &format!("lever: {} ({})", s.field, mode_words(s.mode)),
        &s.setting,
        width,
    );
    let mut rows: Vec<(String, String)> = Vec::new();
    match &s.answer {
        Some(a) => {
            let (value, interval, p) = answer_lines(a);
            rows.push((format!("value ({})", s.mode.name()), value));
            if let Some(f) = s
                .field_at_value
                .as_ref()
                .filter(|_| s.mode != Mode::Set || s.field.ends_with(".month"))
            {
                rows.push(("the field is then".into(), f.clone()));
            }
            rows.push(("95 % interval of value".into(), interval));
            rows.push(("P(insolvent) there".into(), p));
            rows.push((
                "P as the value rises".into(),
                if a.decreasing { "falls" } else { "rises" }.into(),
            ));
            rows.push((
                "bracket width".into(),
                format!(
                    "{} (exact for the sample within it)",
                    crate::analysis::solve::lever_number(a.resolution)
                ),
            ));
        }
        None => {
            rows.push(("answer".into(), "target not reached".into()));
        }
    }
    rows.push((
        "range searched".into(),
        format!(
            "{} to {}{}",
            crate::analysis::solve::lever_number(s.range.min),
            crate::analysis::solve::lever_number(s.range.max),
            if s.range_given {
                " (--min, --max)"
            } else {
                " (default, widened as needed)"
            }
        ),
    ));
    rows.push((
        "evaluations".into(),
        format!(
            "{} × {} paths, {} passes",
            s.evaluations,
            count(s.setting.paths),
            s.passes
        ),
    ));
    // Names and values as definitions: a long value (a distribution's
    // label) wraps under itself instead of squeezing the names.
    out.push('\n');
    out.push_str(&definitions(&rows, width, "  "));
    if let Some(why) = &s.unreached {
        let _ = writeln!(out);
        out.push_str(&wrap(why, width, "", ""));
    }
    let _ = writeln!(out);
    out.push_str(&wrap(
        "The value interval holds the values whose 95 % interval of P contains the target (Wilson); every value was simulated on the same paths.",
        width,
        "",
        "",
    ));
    out
}

fn setting_json(s: &Setting) -> Value {
    json!({
        "model": s.model,
        "file": s.file,
        "scenario": s.scenario,
        "unit": s.unit,
        "target": s.target,
        "by": s.by,
        "paths": s.paths,
        "seed": s.seed,
        "sampling": s.sampling,
    })
}

/// One lever's answer as pretty JSON: `value`, `value_ci95`,
/// `probability`, `probability_ci95` and `evaluations` first.
pub fn render_solve_json(s: &Solution) -> String {
    let a = s.answer.as_ref();
    let doc = json!({
        "value": a.map(|a| a.value),
        "value_ci95": a.map(|a| a.value_ci95),
        "probability": a.map(|a| a.probability),
        "probability_ci95": a.map(|a| a.probability_ci95),
        "evaluations": s.evaluations,
        "reached": a.is_some(),
        "unreached": s.unreached,
        "field": s.field,
        "mode": s.mode,
        "field_at_value": s.field_at_value,
        "value_ci95_at_range_end": a.map(|a| a.value_ci95_at_range_end),
        "resolution": a.map(|a| a.resolution),
        "probability_falls_as_value_rises": a.map(|a| a.decreasing),
        "range": s.range,
        "range_given": s.range_given,
        "passes": s.passes,
        "setting": setting_json(&s.setting),
        "trace": s.trace,
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON");
    text.push('\n');
    text
}

/// One lever's answer as CSV: one row.
pub fn render_solve_csv(s: &Solution) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record([
        "field",
        "mode",
        "target",
        "by",
        "value",
        "value_ci95_low",
        "value_ci95_high",
        "probability",
        "probability_ci95_low",
        "probability_ci95_high",
        "evaluations",
        "paths",
        "seed",
    ])
    .expect("in-memory CSV");
    let a = s.answer.as_ref();
    w.write_record([
        s.field.clone(),
        s.mode.name().into(),
        csv_num(Some(s.setting.target)),
        s.setting.by.clone(),
        csv_num(a.map(|a| a.value)),
        csv_num(a.map(|a| a.value_ci95[0])),
        csv_num(a.map(|a| a.value_ci95[1])),
        csv_num(a.map(|a| a.probability)),
        csv_num(a.map(|a| a.probability_ci95[0])),
        csv_num(a.map(|a| a.probability_ci95[1])),
        s.evaluations.to_string(),
        s.setting.paths.to_string(),
        s.setting.seed.to_string(),
    ])
    .expect("in-memory CSV");
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV is UTF-8")
}

/// A frontier as a terminal table.
pub fn render_frontier_table(f: &Frontier, width: usize) -> String {
    let mut out = String::new();
    let what = format!(
        "levers: {} ({}) at each value of {} ({})",
        f.second.0,
        mode_words(f.second.1),
        f.first.0,
        f.first.1.name()
    );
    header(&mut out, &what, &f.setting, width);
    let _ = writeln!(out);
    let widths: Vec<f64> = f
        .rows
        .iter()
        .filter_map(|r| r.answer.as_ref())
        .map(|a| a.value_ci95[1] - a.value_ci95[0])
        .collect();
    let d = decimals_for(widths.iter().copied().fold(f64::INFINITY, f64::min));
    let first_d = decimals_for((f.first.2.max - f.first.2.min) / 10.0);
    let short = |name: &str| super::layout::abbreviate(name, 18);
    let mut table = Table::new(2)
        .column(&short(&f.first.0), Align::Right, 0)
        .column(&short(&f.second.0), Align::Right, 2)
        .column("95 % interval", Align::Left, 2)
        .column(
            &format!("P(insolvent\nby {})", f.setting.by),
            Align::Right,
            2,
        )
        .column("evals", Align::Right, 2);
    for row in &f.rows {
        let cells = match &row.answer {
            Some(a) => vec![
                decimal(row.first, first_d),
                decimal(a.value, d),
                format!(
                    "{}{} – {}{}",
                    if a.value_ci95_at_range_end[0] {
                        "≤ "
                    } else {
                        ""
                    },
                    decimal(a.value_ci95[0], d),
                    decimal(a.value_ci95[1], d),
                    if a.value_ci95_at_range_end[1] {
                        " ≤"
                    } else {
                        ""
                    },
                ),
                probability(a.probability),
                row.evaluations.to_string(),
            ],
            None => vec![
                decimal(row.first, first_d),
                "not reached".into(),
                "–".into(),
                "–".into(),
                row.evaluations.to_string(),
            ],
        };
        table.row(cells);
    }
    table.fit(0, width, 10);
    out.push_str(&table.render());
    let _ = writeln!(out);
    out.push_str(&wrap(
        &format!(
            "{} evaluations of {} paths each, in {} passes over the same blocks. \"not reached\": the target lies outside the second lever's range ({} to {}) at that value.",
            f.evaluations,
            count(f.setting.paths),
            f.passes,
            crate::analysis::solve::lever_number(f.second.2.min),
            crate::analysis::solve::lever_number(f.second.2.max),
        ),
        width,
        "",
        "",
    ));
    out
}

/// A frontier as pretty JSON.
pub fn render_frontier_json(f: &Frontier) -> String {
    let rows: Vec<Value> = f
        .rows
        .iter()
        .map(|r| {
            let a = r.answer.as_ref();
            json!({
                "first": r.first,
                "value": a.map(|a| a.value),
                "value_ci95": a.map(|a| a.value_ci95),
                "probability": a.map(|a| a.probability),
                "probability_ci95": a.map(|a| a.probability_ci95),
                "evaluations": r.evaluations,
            })
        })
        .collect();
    let doc = json!({
        "first": { "field": f.first.0, "mode": f.first.1, "range": f.first.2 },
        "second": { "field": f.second.0, "mode": f.second.1, "range": f.second.2 },
        "frontier": rows,
        "evaluations": f.evaluations,
        "passes": f.passes,
        "setting": setting_json(&f.setting),
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON");
    text.push('\n');
    text
}

/// A frontier as CSV: one row per value of the first lever.
pub fn render_frontier_csv(f: &Frontier) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record([
        f.first.0.as_str(),
        f.second.0.as_str(),
        "value_ci95_low",
        "value_ci95_high",
        "probability",
        "probability_ci95_low",
        "probability_ci95_high",
        "evaluations",
    ])
    .expect("in-memory CSV");
    for r in &f.rows {
        let a = r.answer.as_ref();
        w.write_record([
            csv_num(Some(r.first)),
            csv_num(a.map(|a| a.value)),
            csv_num(a.map(|a| a.value_ci95[0])),
            csv_num(a.map(|a| a.value_ci95[1])),
            csv_num(a.map(|a| a.probability)),
            csv_num(a.map(|a| a.probability_ci95[0])),
            csv_num(a.map(|a| a.probability_ci95[1])),
            r.evaluations.to_string(),
        ])
        .expect("in-memory CSV");
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV is UTF-8")
}

impl Render for Solution {
    fn table(&self, width: usize) -> String {
        render_solve_table(self, width)
    }
    fn csv(&self) -> String {
        render_solve_csv(self)
    }
    fn json(&self) -> String {
        render_solve_json(self)
    }
}

impl Render for Frontier {
    fn table(&self, width: usize) -> String {
        render_frontier_table(self, width)
    }
    fn csv(&self) -> String {
        render_frontier_csv(self)
    }
    fn json(&self) -> String {
        render_frontier_json(self)
    }
}
