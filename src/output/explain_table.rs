//! The terminal table of `runway explain`, laid out within a width.

use super::layout::{abbreviate, pack, width_of, wrap, Align, Table};
use super::number::{count, decimal, money, probability, signed, Money};
use super::table::ci_cells;
use crate::analysis::explain::{Explanation, InputShift, OutcomeEffects};
use std::fmt::Write as _;

/// A signed figure with two decimals and its interval: `+0.52 (+0.48, +0.56)`.
fn with_ci(x: f64, [lo, hi]: [f64; 2]) -> String {
    format!("{} ({}, {})", signed(x, 2), signed(lo, 2), signed(hi, 2))
}

/// The table of the shifts: one row per input, the dummy last.
fn shift_table(e: &Explanation, names: bool) -> Table {
    let rows: Vec<&InputShift> = e.inputs.iter().chain(std::iter::once(&e.dummy)).collect();
    let mut t = Table::new(if names { 2 } else { 4 });
    if names {
        t = t.column("input (sorted by KS)", Align::Left, 0);
    }
    t = t
        .column("median\nall", Align::Right, 2)
        .column("median\ninsolvent", Align::Right, 2)
        .column("mean shift, SD\n(95 % CI)", Align::Right, 2)
        .column("KS\ninsolv.", Align::Right, 2)
        .column("KS\nearly", Align::Right, 2)
        .column("KS\nlate", Align::Right, 2);
    let ks = |g: Option<crate::analysis::explain::GroupShift>| {
        g.map_or("–".into(), |g| {
            let mark = if g.ks > g.ks_noise_95 { "" } else { "·" };
            format!("{}{mark}", decimal(g.ks, 3))
        })
    };
    for r in rows {
        let col = Money::column([r.median, r.insolvent.map_or(r.median, |g| g.median)]);
        let mut cells = if names {
            vec![r.input.clone()]
        } else {
            Vec::new()
        };
        cells.extend([
            col.fmt(r.median),
            r.insolvent.map_or("–".into(), |g| col.fmt(g.median)),
            r.insolvent.map_or("–".into(), |g| {
                with_ci(g.mean_shift_sd, g.mean_shift_sd_ci95)
            }),
            ks(r.insolvent),
            ks(r.early),
            ks(r.late),
        ]);
        t.row(cells);
    }
    t
}

/// The Shapley table: one row per input in the game, then the dummy and
/// the inputs together.
fn effects_table(ins: &OutcomeEffects, months: Option<&OutcomeEffects>, names: bool) -> Table {
    let share = |s: crate::analysis::explain::Share, flag: bool| {
        format!(
            "{} ({}, {}){}",
            decimal(s.value, 3),
            decimal(s.ci95[0], 3),
            decimal(s.ci95[1], 3),
            if flag { "*" } else { " " }
        )
    };
    let mut t = Table::new(if names { 2 } else { 4 });
    if names {
        t = t.column("input", Align::Left, 0);
    }
    t = t.column("insolvency\n(95 % CI)", Align::Right, 2).column(
        "month of insolvency\n(95 % CI)",
        Align::Right,
        2,
    );
    for e in &ins.effects {
        let m = months
            .and_then(|m| m.effects.iter().find(|x| x.input == e.input))
            .map_or("–".into(), |x| {
                share(x.shapley, x.indistinguishable_from_dummy)
            });
        let mut cells = if names {
            vec![e.input.clone()]
        } else {
            Vec::new()
        };
        cells.extend([share(e.shapley, e.indistinguishable_from_dummy), m]);
        t.row(cells);
    }
    let m = |f: fn(&OutcomeEffects) -> crate::analysis::explain::Share| {
        months.map_or("–".into(), |m| share(f(m), false))
    };
    for (name, f) in [
        ("dummy (noise)", (|o| o.dummy) as fn(&OutcomeEffects) -> _),
        ("all inputs together", |o| o.explained),
    ] {
        let mut cells = if names { vec![name.into()] } else { Vec::new() };
        cells.extend([share(f(ins), false), m(f)]);
        t.row(cells);
    }
    t
}

/// The names of the effects table's rows.
fn effect_names(ins: &OutcomeEffects) -> Vec<String> {
    (ins.effects.iter().map(|e| e.input.clone()))
        .chain(["dummy (noise)".into(), "all inputs together".into()])
        .collect()
}

/// The typical cash paths: median cash at each month's end.
fn cash_table(e: &Explanation) -> Table {
    let values = e
        .cash_by_month
        .iter()
        .flat_map(|m| [m.insolvent.map(|b| b.p50), m.surviving.map(|b| b.p50)])
        .flatten();
    let col = Money::column(values);
    let mut t = Table::new(2)
        .column("month", Align::Left, 0)
        .column(
            &format!("insolvent paths\n(median, {})", e.unit),
            Align::Right,
            2,
        )
        .column(
            &format!("surviving paths\n(median, {})", e.unit),
            Align::Right,
            2,
        );
    for m in &e.cash_by_month {
        t.row(vec![
            m.month.clone(),
            col.opt(m.insolvent.map(|b| b.p50)),
            col.opt(m.surviving.map(|b| b.p50)),
        ]);
    }
    t
}

/// A table with its names in the first column where it fits `width`, else
/// each name (`names`, one per row) on a line of its own above its figures.
fn fitted(build: impl Fn(bool) -> Table, names: &[String], head: &str, width: usize) -> String {
    let one_line = build(true);
    if one_line.width() <= width {
        return one_line.render();
    }
    let text = build(false).render();
    let mut out = format!("  {head}\n");
    let mut lines = text.lines();
    for line in lines.by_ref().take(2) {
        let _ = writeln!(out, "{line}");
    }
    for (line, name) in lines.zip(names) {
        let _ = writeln!(out, "  {}", abbreviate(name, width.saturating_sub(2)));
        let _ = writeln!(out, "{line}");
    }
    out
}

/// The `explain` report as a terminal table, every line within `width`.
pub fn render_explain_table(e: &Explanation, width: usize) -> String {
    let mut out = String::new();
    out.push_str(&wrap(
        &format!("runway {} explain · {}", e.runway_version, e.model),
        width,
        "",
        "  ",
    ));
    let parts = [
        format!("model {}", e.file),
        format!("scenario {}", e.scenario.as_deref().unwrap_or("(none)")),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    let parts = [
        format!("{} paths", count(e.paths)),
        format!("seed {}", e.seed),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    let headline = [
        format!(
            "P(insolvent by {}) = {}",
            e.horizon,
            probability(e.insolvency.probability)
        ),
        format!(
            "95 % CI {}",
            ci_cells(&[e.insolvency.ci95]).remove(0).trim_start()
        ),
        format!("{} of {} paths", count(e.insolvency.count), count(e.paths)),
    ];
    out.push_str(&pack(&headline, "   ", width, "  "));
    let _ = writeln!(out);
    let Some(month) = &e.median_insolvency_month else {
        let text = format!(
            "No path became insolvent by {}: there is nothing to explain. The 95 % interval of P(insolvent) reaches {}; run more paths, or a harsher scenario, to see how the company could fail.",
            e.horizon,
            probability(e.insolvency.ci95[1])
        );
        out.push_str(&wrap(&text, width, "", ""));
        return out;
    };
    let early = e.dummy.early.map_or(0, |g| g.paths);
    let late = e.dummy.late.map_or(0, |g| g.paths);
    let text = format!(
        "Half of the insolvent paths fail by {month}: early = in or before {month} ({} paths), late = after it ({} paths).",
        count(early),
        count(late)
    );
    out.push_str(&wrap(&text, width, "", ""));
    let _ = writeln!(out);
    let _ = writeln!(out, "How the insolvent paths differ from all paths");
    let names: Vec<String> = (e.inputs.iter().chain(std::iter::once(&e.dummy)))
        .map(|r| r.input.clone())
        .collect();
    out.push_str(&fitted(
        |n| shift_table(e, n),
        &names,
        "input (sorted by KS)",
        width,
    ));
    let legend = "KS = largest gap between the input's CDF among insolvent (early, late) paths and over all paths; · = within the noise a group that size shows by chance (95 %). The dummy is drawn from a stream the model never reads.";
    out.push_str(&wrap(legend, width, "", ""));
    if let Some(ins) = &e.importance.insolvency {
        let _ = writeln!(out);
        let head = format!(
            "What drives it: Shapley effects, share of variance (first {} paths)",
            count(e.importance.sample_paths)
        );
        out.push_str(&wrap(&head, width, "", ""));
        let months = e.importance.months_to_insolvency.as_ref();
        out.push_str(&fitted(
            |n| effects_table(ins, months, n),
            &effect_names(ins),
            "input",
            width,
        ));
        out.push_str(&wrap(
            "* = its interval reaches zero or the dummy's: not distinguishable from no effect.",
            width,
            "",
            "",
        ));
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "The typical cash path: insolvent against surviving");
    out.push_str(&cash_table(e).render());
    if let Some(floor) = Some(e.floor).filter(|f| *f != 0.0) {
        let _ = writeln!(out, "  (insolvency floor {})", money(floor));
    }
    let _ = writeln!(out);
    for note in &e.notes {
        let text = format!("Note: {note}");
        if width_of(&text) > 0 {
            out.push_str(&wrap(&text, width, "", "  "));
        }
    }
    out
}
