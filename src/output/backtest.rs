//! The backtest report as a terminal table, CSV and JSON.

use super::layout::{intervals, pack, wrap, Align, Table};
use super::number::{count, decimal, money, probability, Money, Percent};
use super::table::{bar, ci_cells};
use super::{csv_number, Render};
use crate::analysis::backtest::{Backtest, InsolvencyScores, PitSummary};
use crate::model::Month;
use std::fmt::Write as _;

impl Render for Backtest {
    fn table(&self, width: usize) -> String {
        render_backtest_table(self, width)
    }
    fn csv(&self) -> String {
        render_backtest_csv(self)
    }
    fn json(&self) -> String {
        render_backtest_json(self)
    }
}

fn csv_flag(x: Option<bool>) -> String {
    x.map_or_else(String::new, |b| if b { "1" } else { "0" }.to_string())
}

/// One row per observation: month, quantity, observed, pit, p5, p25, p50,
/// p75, p95, in_50, in_90 (1 = inside, 0 = outside; empty = not computed).
pub fn render_backtest_csv(b: &Backtest) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record([
        "month", "quantity", "observed", "pit", "p5", "p25", "p50", "p75", "p95", "in_50", "in_90",
    ])
    .expect("in-memory CSV");
    for o in &b.observations {
        let f = &o.forecast;
        w.write_record([
            o.month.to_string(),
            o.quantity.name().to_string(),
            csv_number(Some(o.observed)),
            csv_number(o.pit),
            csv_number(f.p5),
            csv_number(f.p25),
            csv_number(f.p50),
            csv_number(f.p75),
            csv_number(f.p95),
            csv_flag(o.in_50),
            csv_flag(o.in_90),
        ])
        .expect("in-memory CSV");
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV is UTF-8")
}

/// The report as pretty JSON.
pub fn render_backtest_json(b: &Backtest) -> String {
    let mut text = serde_json::to_string_pretty(b).expect("a backtest always serialises");
    text.push('\n');
    text
}

/// The three header lines: model, actuals and run.
fn header(out: &mut String, b: &Backtest, width: usize) {
    let title = format!("runway {} backtest · {}", b.runway_version, b.model.name);
    out.push_str(&wrap(&title, width, "", "  "));
    let parts = [
        format!("model {}", b.model.file),
        format!("actuals {}", b.actual_file),
        format!(
            "scenario {}",
            b.model.scenario.as_deref().unwrap_or("(none)")
        ),
        format!("{} to {}", b.start, b.horizon),
        format!("money in {}", b.unit),
        format!("insolvent below {}", money(b.floor)),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    let quantities: Vec<&str> = b.by_quantity.iter().map(|q| q.quantity.name()).collect();
    let months = {
        let mut m: Vec<Month> = b.observations.iter().map(|o| o.month).collect();
        m.dedup();
        m.len()
    };
    let parts = [
        format!("{} paths", count(b.paths)),
        format!("seed {}", b.seed),
        format!(
            "{} observation(s){}{}",
            count(b.observations.len() as u64),
            if quantities.is_empty() {
                String::new()
            } else {
                format!(" of {}", quantities.join(", "))
            },
            if months == 0 {
                String::new()
            } else {
                format!(" in {months} month(s)")
            }
        ),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    let _ = writeln!(out);
}

/// Every observation with its forecast's percentiles, PIT and bands; the
/// quartiles only where the width holds them. The values of one quantity
/// share their decimals (each quantity is in its own unit).
fn observation_rows(out: &mut String, b: &Backtest, width: usize) {
    let flag = |x: Option<bool>| match x {
        Some(true) => "in",
        Some(false) => "out",
        None => "–",
    };
    let formats: Vec<Money> = b
        .observations
        .iter()
        .map(|o| {
            let same = b.observations.iter().filter(|x| x.quantity == o.quantity);
            Money::column(same.flat_map(|x| {
                let f = &x.forecast;
                [Some(x.observed), f.p5, f.p25, f.p50, f.p75, f.p95]
                    .into_iter()
                    .flatten()
            }))
        })
        .collect();
    let table = |quartiles: bool| {
        let mut t = Table::new(2)
            .column("month", Align::Left, 0)
            .column("quantity", Align::Left, 2)
            .column("observed", Align::Right, 2)
            .column("p5", Align::Right, 2);
        if quartiles {
            t = t.column("p25", Align::Right, 2);
        }
        t = t.column("median", Align::Right, 2);
        if quartiles {
            t = t.column("p75", Align::Right, 2);
        }
        t = t
            .column("p95", Align::Right, 2)
            .column("PIT", Align::Right, 2)
            .column("50 %", Align::Left, 2)
            .column("90 %", Align::Left, 2);
        for (o, m) in b.observations.iter().zip(&formats) {
            let f = &o.forecast;
            let mut cells = vec![
                o.month.to_string(),
                o.quantity.name().to_string(),
                m.fmt(o.observed),
                m.opt(f.p5),
            ];
            if quartiles {
                cells.push(m.opt(f.p25));
            }
            cells.push(m.opt(f.p50));
            if quartiles {
                cells.push(m.opt(f.p75));
            }
            cells.extend([
                m.opt(f.p95),
                o.pit.map_or("–".into(), |p| decimal(p, 3)),
                flag(o.in_50).to_string(),
                flag(o.in_90).to_string(),
            ]);
            t.row(cells);
        }
        t
    };
    let table = match table(true) {
        t if t.width() <= width => t,
        _ => table(false),
    };
    out.push_str(&table.render());
    let _ = writeln!(out);
}

/// Coverage of the two bands, overall and per quantity.
fn coverage(out: &mut String, b: &Backtest, width: usize) {
    out.push_str(&wrap(
        "Coverage: share of observations inside each central band of the forecast",
        width,
        "",
        "  ",
    ));
    let bands = [&b.coverage.band_50, &b.coverage.band_90];
    let share = Percent::with_decimals(1);
    let mut table = Table::new(2)
        .column("band", Align::Left, 0)
        .column("inside", Align::Right, 2)
        .column("share", Align::Right, 2)
        .column("95 % CI", Align::Left, 3)
        .column("nominal", Align::Right, 2);
    let cis: Vec<(String, String)> = bands
        .iter()
        .map(|c| {
            c.ci95.map_or(("–".into(), "–".into()), |[lo, hi]| {
                (share.fmt(lo), share.fmt(hi))
            })
        })
        .collect();
    for (c, ci) in bands.iter().zip(intervals(&cis)) {
        table.row(vec![
            c.band.to_string(),
            format!("{} of {}", count(c.inside), count(c.observations)),
            share.opt(c.rate),
            ci,
            Percent::with_decimals(0).fmt(c.nominal),
        ]);
    }
    let text = table.render();
    let mut lines = text.lines();
    for line in lines.by_ref().take(1) {
        let _ = writeln!(out, "{line}");
    }
    for (line, c) in lines.zip(bands) {
        let _ = writeln!(out, "{line}");
        out.push_str(&wrap(c.verdict, width, "      → ", "        "));
    }
    if b.by_quantity.len() > 1 {
        let _ = writeln!(out);
        let mut table = Table::new(2)
            .column("quantity", Align::Left, 0)
            .column("observations", Align::Right, 2)
            .column("in 50 %", Align::Right, 3)
            .column("in 90 %", Align::Right, 3)
            .column("mean PIT", Align::Right, 3);
        for q in &b.by_quantity {
            table.row(vec![
                q.quantity.name().to_string(),
                count(q.observations),
                count(q.inside_50),
                count(q.inside_90),
                q.mean_pit.map_or("–".into(), |m| decimal(m, 3)),
            ]);
        }
        out.push_str(&table.render());
    }
    let _ = writeln!(out);
}

/// The PIT summary: mean, histogram and uniformity test.
fn pit(out: &mut String, p: &PitSummary, width: usize) {
    out.push_str(&wrap(
        "PIT: where each observation fell in its forecast (0 = below every path, 1 = above every path)",
        width,
        "",
        "  ",
    ));
    let text = match (p.mean, p.mean_se_if_calibrated) {
        (Some(m), Some(se)) => format!(
            "mean {} over {} observation(s) (0.500 if calibrated, standard error {}); below 0.5: outcomes fell low in the fan, above: high",
            decimal(m, 3),
            count(p.observations),
            decimal(se, 3)
        ),
        _ => "no PITs to summarise".to_string(),
    };
    out.push_str(&wrap(&text, width, "  ", "  "));
    if p.point_forecasts_left_out > 0 {
        let text = format!(
            "{} observation(s) on a single-valued forecast left out",
            count(p.point_forecasts_left_out)
        );
        out.push_str(&wrap(&text, width, "  ", "  "));
    }
    if p.observations > 0 {
        let most = p.histogram.iter().copied().max().unwrap_or(0).max(1);
        for (i, &k) in p.histogram.iter().enumerate() {
            let line = format!(
                "  {:.1}–{:.1} {:>5}  {}",
                i as f64 / 10.0,
                (i + 1) as f64 / 10.0,
                count(k),
                bar(k as f64 / most as f64, 30)
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    if let Some(u) = &p.uniformity {
        let text = format!(
            "{}: D = {}, critical value {} at α = {} (n = {}): {}",
            u.test,
            decimal(u.statistic, 3),
            decimal(u.critical_value, 3),
            u.alpha,
            count(u.n),
            if u.rejects_uniformity {
                "uniformity rejected: the forecast is miscalibrated"
            } else {
                "uniformity not rejected"
            }
        );
        out.push_str(&wrap(&text, width, "  ", "    "));
        out.push_str(&wrap(&format!("({})", u.note), width, "  ", "   "));
    }
    let _ = writeln!(out);
}

/// The insolvency forecast by the horizon and month by month.
fn insolvency(out: &mut String, ins: &InsolvencyScores, width: usize) {
    let title = format!("Insolvency forecast · outcome: {}", ins.outcome);
    out.push_str(&wrap(&title, width, "", "  "));
    let h = &ins.by_horizon;
    let scores = match (h.observed, h.brier, h.log_score) {
        (Some(o), Some(br), Some(ls)) => vec![
            format!("observed {}", if o { "insolvent" } else { "solvent" }),
            format!("Brier {}", decimal(br, 4)),
            format!("log score {} nats", decimal(ls, 3)),
        ],
        _ => vec!["outcome not known: not scored".into()],
    };
    let mut parts = vec![
        format!(
            "  by {} (horizon): P = {}",
            h.month,
            probability(h.probability)
        ),
        format!("95 % CI {}", ci_cells(&[h.ci95]).remove(0).trim_start()),
        format!("{} of {} paths", count(h.count), count(h.paths)),
    ];
    parts.extend(scores);
    out.push_str(&pack(&parts, " · ", width, "    "));
    if !ins.by_month.is_empty() {
        let parts = [
            format!(
                "  month by month ({} month(s) with a known outcome)",
                ins.by_month.len()
            ),
            format!(
                "mean Brier {}",
                ins.mean_brier_by_month
                    .map_or("–".into(), |v| decimal(v, 4))
            ),
            format!(
                "mean log score {} nats",
                ins.mean_log_score_by_month
                    .map_or("–".into(), |v| decimal(v, 3))
            ),
        ];
        out.push_str(&pack(&parts, " · ", width, "    "));
        let mut table = Table::new(4)
            .column("month", Align::Left, 0)
            .column("P(insolvent\nby month)", Align::Right, 2)
            .column("observed", Align::Right, 2)
            .column("Brier", Align::Right, 2)
            .column("log score", Align::Right, 2);
        let p = Percent::column(ins.by_month.iter().map(|s| s.probability));
        for s in &ins.by_month {
            table.row(vec![
                s.month.to_string(),
                p.fmt(s.probability),
                match s.observed {
                    Some(true) => "1",
                    Some(false) => "0",
                    None => "–",
                }
                .to_string(),
                s.brier.map_or("–".into(), |v| decimal(v, 4)),
                s.log_score.map_or("–".into(), |v| decimal(v, 3)),
            ]);
        }
        out.push_str(&table.render());
    }
    let clamp = decimal(ins.log_score_clamp, 6);
    let legend = format!(
        "Brier = (P − outcome)², log score = −ln P(outcome) with P clamped to [{clamp}, 1 − {clamp}]; 0 is perfect, lower is better."
    );
    out.push_str(&wrap(&legend, width, "  ", "  "));
    let _ = writeln!(out);
}

/// The report as a terminal table, every line within `width` columns.
pub fn render_backtest_table(b: &Backtest, width: usize) -> String {
    let mut out = String::new();
    header(&mut out, b, width);
    if !b.observations.is_empty() {
        observation_rows(&mut out, b, width);
        coverage(&mut out, b, width);
        pit(&mut out, &b.pit, width);
    }
    insolvency(&mut out, &b.insolvency, width);
    for note in &b.notes {
        out.push_str(&wrap(&format!("Note: {note}"), width, "", "  "));
    }
    out
}
