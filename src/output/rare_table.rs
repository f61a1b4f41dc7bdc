//! The terminal report of a rare-event run, within a width.
//!
//! Probabilities are shown by [`SmallProbability`]: percentages when
//! every value of a line or table is 0.1 % or more, else scientific
//! notation (`1.23e-6`), never `0.00 %`. An
//! unreliable report opens and closes with its warnings.

use super::layout::{pack, wrap, Align, Table};
use super::number::{count, money, seconds, SmallProbability};
use crate::analysis::rare::report::EventShare;
use crate::analysis::rare::RareReport;
use std::fmt::Write as _;

/// The full terminal report, every line within `width` columns.
pub fn render_rare_table(r: &RareReport, width: usize) -> String {
    let mut out = String::new();
    header(&mut out, r, width);
    unreliable_banner(&mut out, r, width);
    headline(&mut out, r, width);
    by_month(&mut out, r, width);
    shares(
        &mut out,
        "Money arriving within the horizon (share of the insolvent paths):",
        &r.inflows_among_insolvent,
        width,
    );
    shares(
        &mut out,
        "Shocks that struck (share of the insolvent paths):",
        &r.shocks_among_insolvent,
        width,
    );
    diagnostics(&mut out, r, width);
    for w in &r.warnings {
        let _ = writeln!(out);
        out.push_str(&wrap(&format!("Warning: {w}"), width, "", "  "));
    }
    out
}

/// The model, the run, the method and its work.
fn header(out: &mut String, r: &RareReport, width: usize) {
    let title = format!("runway {} · {}", r.runway_version, r.model.name);
    out.push_str(&wrap(&title, width, "", "  "));
    let parts = [
        format!("model {}", r.model.file),
        format!(
            "scenario {}",
            r.model.scenario.as_deref().unwrap_or("(none)")
        ),
        format!("{} to {}", r.start, r.horizon),
        format!("money in {}", r.unit),
        format!("insolvent below {}", money(r.floor)),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    let threads = r.run.threads;
    let mut parts = vec![
        format!("{} paths", count(r.paths)),
        format!("seed {}", r.seed),
        format!("{threads} thread{}", if threads == 1 { "" } else { "s" }),
        seconds(r.run.elapsed_seconds),
    ];
    if let Some(shards) = &r.run.shards {
        parts[2] = format!("{} shards", shards.count);
        parts[3] = format!("{} wall", seconds(r.run.elapsed_seconds));
    }
    out.push_str(&pack(&parts, " · ", width, ""));
    let method = format!("Rare events: {}; {}.", r.rare.description, r.rare.chosen_by);
    out.push_str(&wrap(&method, width, "", "  "));
}

/// A banner for an unreliable report, before the number it qualifies.
fn unreliable_banner(out: &mut String, r: &RareReport, width: usize) {
    if r.reliable {
        return;
    }
    let _ = writeln!(out);
    let text = format!(
        "UNRELIABLE: {} warning{} below; do not use these numbers as they stand.",
        r.warnings.len(),
        if r.warnings.len() == 1 { "" } else { "s" }
    );
    out.push_str(&wrap(&text, width, "!! ", "   "));
}

/// The horizon's estimate with its interval, spread and effective paths.
fn headline(out: &mut String, r: &RareReport, width: usize) {
    let ins = &r.insolvency;
    let _ = writeln!(out);
    let f = SmallProbability::column([ins.probability, ins.ci95[0], ins.ci95[1]]);
    let parts = [
        format!("P(insolvent by {}) = {}", r.horizon, f.fmt(ins.probability)),
        format!(
            "95 % CI {} – {} (normal, ±1.96 se)",
            f.fmt(ins.ci95[0]),
            f.fmt(ins.ci95[1])
        ),
        format!(
            "relative error {}",
            relative_error(ins.relative_error, ins.probability)
        ),
        format!(
            "plain Monte Carlo would need {} paths for this precision",
            effective(ins.effective_paths)
        ),
    ];
    out.push_str(&pack(&parts, "   ", width, "  "));
}

/// Effective paths: a count up to 10⁹, then scientific (`3.1e11`).
fn effective(n: f64) -> String {
    if n < 1e9 {
        count(n.round() as u64)
    } else {
        format!("{n:.1e}")
    }
}

/// A relative error as a percentage; "n/a" for an estimate of 0, where it
/// is undefined.
fn relative_error(relative: f64, estimate: f64) -> String {
    if estimate > 0.0 {
        format!("{:.1} %", relative * 100.0)
    } else {
        "n/a".into()
    }
}

/// A share as a percentage, never "0.0 %" for a positive share.
fn share(s: f64) -> String {
    if s > 0.0 && s < 0.0005 {
        "< 0.1 %".into()
    } else {
        format!("{:.1} %", s * 100.0)
    }
}

/// The curve month by month (months with nothing yet folded into one line).
fn by_month(out: &mut String, r: &RareReport, width: usize) {
    let rows = &r.insolvency.by_month;
    let _ = writeln!(out);
    let mut table = Table::new(2)
        .column("month", Align::Left, 0)
        .column("P(insolvent\nby month)", Align::Right, 2)
        .column("95 % CI", Align::Left, 3)
        .column("relative\nerror", Align::Right, 2)
        .column("share of\ninsolvencies", Align::Right, 2);
    let first = rows.iter().position(|m| m.cumulative_probability > 0.0);
    let shown = &rows[first.unwrap_or(rows.len().saturating_sub(1))..];
    let f = SmallProbability::column((shown.iter()).flat_map(|m| {
        [
            m.cumulative_probability,
            m.cumulative_ci95[0],
            m.cumulative_ci95[1],
        ]
    }));
    if let Some(f) = first.filter(|&f| f > 0) {
        table.row(vec![
            format!("to {}", rows[f - 1].month),
            "0".into(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    for m in shown {
        let mark = if m.reliable { "" } else { "*" };
        table.row(vec![
            m.month.to_string(),
            format!("{}{mark}", f.fmt(m.cumulative_probability)),
            format!(
                "{} – {}",
                f.fmt(m.cumulative_ci95[0]),
                f.fmt(m.cumulative_ci95[1])
            ),
            relative_error(m.cumulative_relative_error, m.cumulative_probability),
            share(m.share_of_insolvencies),
        ]);
    }
    table.fit(2, width, 10);
    out.push_str(&table.render());
    if shown
        .iter()
        .any(|m| !m.reliable && m.cumulative_probability > 0.0)
    {
        let line = format!(
            "* too few effective insolvent units behind this month (fewer than {}): its estimate and interval are not to be trusted",
            count(r.rare.min_effective_events as u64)
        );
        out.push_str(&wrap(&line, width, "", "  "));
    }
    let months = [
        r.insolvency
            .median_month
            .map(|m| format!("median month {m}")),
        r.insolvency.peak_month.map(|m| format!("most often {m}")),
    ];
    let months: Vec<String> = months.into_iter().flatten().collect();
    if !months.is_empty() {
        let _ = writeln!(out);
        let line = format!("When insolvent: {}", months.join(", "));
        out.push_str(&wrap(&line, width, "", "  "));
    }
}

/// Shares of inflows or shocks among the insolvent paths.
fn shares(out: &mut String, title: &str, events: &[EventShare], width: usize) {
    if events.is_empty() {
        return;
    }
    let _ = writeln!(out);
    out.push_str(&wrap(title, width, "", "  "));
    let mut table = Table::new(2)
        .column("", Align::Left, 0)
        .column("share", Align::Right, 2);
    for e in events {
        let share = e
            .share
            .map_or_else(|| "–".into(), |s| format!("{:.1} %", s * 100.0));
        table.row(vec![e.name.clone(), share]);
    }
    table.fit(0, width, 16);
    out.push_str(&table.render());
}

/// The method's work and what its pilot chose.
fn diagnostics(out: &mut String, r: &RareReport, width: usize) {
    let d = &r.rare;
    let _ = writeln!(out);
    let mut parts = vec![
        format!("Diagnostics: {} units", count(d.units)),
        format!("{} paths simulated", count(d.simulated_paths)),
        format!("pilot {} paths", count(d.pilot_paths)),
        format!("{} insolvent paths seen", count(d.event_paths)),
        if d.method == "split" {
            // A replicate's weight is its own estimate, not a likelihood ratio.
            String::new()
        } else {
            format!("mean weight {:.3}", d.mean_weight)
        },
        format!("weight ESS {}", effective(d.weight_effective_paths)),
    ];
    if !d.levels.is_empty() {
        let levels: Vec<String> = d.levels.iter().map(|&l| money(l)).collect();
        parts.push(format!("levels {}", levels.join(", ")));
    }
    if !d.splitting_factors.is_empty() {
        let f: Vec<String> = d.splitting_factors.iter().map(u32::to_string).collect();
        parts.push(format!("splitting factors {}", f.join(", ")));
    }
    if !d.acceptance.is_empty() {
        let a: Vec<String> = (d.acceptance.iter())
            .map(|a| format!("{:.0} %", a * 100.0))
            .collect();
        parts.push(format!("acceptance {}", a.join(", ")));
    }
    for s in d.shifts.iter().take(5) {
        parts.push(format!("shift {} {:+.2} sd", s.dimension, s.shift));
    }
    // A part too long for a line (many levels) is wrapped on lines of its
    // own; the others are packed.
    let (long, short): (Vec<String>, Vec<String>) =
        (parts.into_iter()).partition(|p| p.chars().count() + 2 > width);
    out.push_str(&pack(&short, " · ", width, "  "));
    for part in &long {
        out.push_str(&wrap(&format!("  {part}"), width, "", "    "));
    }
    out.push_str(&wrap(
        &format!("Intervals: {}.", d.interval),
        width,
        "",
        "  ",
    ));
}
