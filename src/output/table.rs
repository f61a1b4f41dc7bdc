//! The terminal report: a readable table of one summary.

use crate::analysis::check::{Check, Drawn};
use crate::analysis::summary::{EventRate, MoneyStats, Summary};
use std::fmt::Write as _;

/// A probability as a percentage with sensible precision.
pub fn format_probability(p: f64) -> String {
    if p == 0.0 {
        "0 %".to_string()
    } else if p < 1e-4 {
        format!("{:.1e} %", p * 100.0)
    } else if p < 0.01 {
        format!("{:.3} %", p * 100.0)
    } else {
        format!("{:.2} %", p * 100.0)
    }
}

/// An amount of money with thousands separators and 3–4 significant digits.
pub fn format_money(x: f64) -> String {
    // Validation keeps every shown amount finite; never print inf or NaN.
    if !x.is_finite() {
        return "n/a".into();
    }
    let magnitude = x.abs();
    let decimals = if magnitude >= 1000.0 {
        0
    } else if magnitude >= 100.0 {
        1
    } else if magnitude >= 1.0 {
        2
    } else if magnitude >= 0.01 {
        3
    } else if magnitude == 0.0 {
        0
    } else {
        return format!("{x:.2e}");
    };
    let text = format!("{:.*}", decimals, magnitude);
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(a, b)| (a, Some(b)));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if x < 0.0 && text.chars().any(|c| c != '0' && c != '.') {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A whole number with thousands separators.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A money amount, or a dash when there is none.
pub(crate) fn opt_money(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), format_money)
}

/// A horizontal bar of `fraction` × `width` cells, in eighths of a cell.
pub(crate) fn bar(fraction: f64, width: usize) -> String {
    const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let eighths = (fraction.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    s.push_str(PARTS[eighths % 8]);
    s
}

fn money_row(out: &mut String, label: &str, m: &MoneyStats) {
    let p = &m.percentiles;
    let _ = writeln!(
        out,
        "  {label:<13} {:>12} {:>12} {:>12} {:>12} {:>12}",
        opt_money(p.p5),
        opt_money(p.p25),
        opt_money(p.p50),
        opt_money(p.p75),
        opt_money(p.p95)
    );
}

/// A titled list of event shares (inflows, shocks), nothing when empty.
fn event_rows(out: &mut String, title: &str, events: &[EventRate]) {
    if events.is_empty() {
        return;
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{title}");
    for e in events {
        let p = &e.share;
        let _ = writeln!(
            out,
            "  {:<36} {:>9}   95 % CI {} – {}   {} of {}",
            e.name,
            format_probability(p.probability),
            format_probability(p.ci95[0]),
            format_probability(p.ci95[1]),
            format_count(p.count),
            format_count(p.paths)
        );
    }
}

/// The full terminal report.
pub fn render_table(s: &Summary) -> String {
    let mut out = String::new();
    run_header(&mut out, s);
    insolvency_by_month(&mut out, s);
    when_insolvent(&mut out, s);
    cash_percentiles(&mut out, s);
    event_rows(
        &mut out,
        "Money arriving within the horizon (share of paths):",
        &s.inflows,
    );
    event_rows(
        &mut out,
        "Shocks that struck at least once (share of paths):",
        &s.shocks,
    );
    precision_trace(&mut out, s);
    for w in &s.warnings {
        let _ = writeln!(out);
        let _ = writeln!(out, "Warning: {w}");
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Sampling: {}. Quantiles: {}.",
        s.method.sampling, s.method.quantiles
    );
    let _ = writeln!(out, "Generator: {}.", s.method.generator);
    out
}

/// The model, the run and its speed.
fn run_header(out: &mut String, s: &Summary) {
    let _ = writeln!(out, "runway {} · {}", s.runway_version, s.model.name);
    let _ = writeln!(
        out,
        "model {} · scenario {} · {} to {} · money in {} · insolvent below {}",
        s.model.file,
        s.model.scenario.as_deref().unwrap_or("(none)"),
        s.start,
        s.horizon,
        s.unit,
        format_money(s.floor)
    );
    let _ = writeln!(
        out,
        "{} paths · seed {} · {} thread{} · {:.2} s · {} paths/s",
        format_count(s.paths),
        s.seed,
        s.run.threads,
        if s.run.threads == 1 { "" } else { "s" },
        s.run.elapsed_seconds,
        format_count(s.run.paths_per_second.round() as u64)
    );
}

/// The headline probability, its sparkline and the month-by-month table
/// with bars in proportion to the final value.
fn insolvency_by_month(out: &mut String, s: &Summary) {
    let ins = &s.insolvency;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "P(insolvent by {}) = {}   95 % CI {} – {} (Wilson)   {} of {} paths",
        s.horizon,
        format_probability(ins.probability),
        format_probability(ins.ci95[0]),
        format_probability(ins.ci95[1]),
        format_count(ins.count),
        format_count(s.paths)
    );
    let curve: Vec<f64> = ins
        .by_month
        .iter()
        .map(|r| r.cumulative_probability)
        .collect();
    let _ = writeln!(
        out,
        "  {} → {}   {}",
        s.start,
        s.horizon,
        crate::output::chart::sparkline(&curve)
    );
    let _ = writeln!(out);
    let top = ins
        .by_month
        .last()
        .map_or(0.0, |r| r.cumulative_probability);
    let _ = writeln!(out, "  month    P(insolvent by)   95 % CI                 new in month   (bar: share of the final value)");
    for row in &ins.by_month {
        let _ = writeln!(
            out,
            "  {}  {:>10}        {:>8} – {:<10}  {:>10}     {}",
            row.month,
            format_probability(row.cumulative_probability),
            format_probability(row.cumulative_ci95[0]),
            format_probability(row.cumulative_ci95[1]),
            format_count(row.count_in_month),
            bar(
                if top > 0.0 {
                    row.cumulative_probability / top
                } else {
                    0.0
                },
                24
            )
        );
    }
}

/// When paths become insolvent, and the runway's percentiles in months.
fn when_insolvent(out: &mut String, s: &Summary) {
    let ins = &s.insolvency;
    let _ = writeln!(out);
    match (ins.median_month, ins.peak_month) {
        (Some(median), Some(peak)) => {
            let _ = writeln!(
                out,
                "When insolvent: median month {median}, most often {peak}"
            );
        }
        _ => {
            let _ = writeln!(out, "When insolvent: no path became insolvent");
        }
    }
    let r = &s.runway_months;
    let months =
        |m: Option<u32>| m.map_or_else(|| format!("> {}", r.horizon_months), |v| v.to_string());
    let _ = writeln!(
        out,
        "Runway (months until cash falls below the floor): p5 {}, p25 {}, median {}",
        months(r.p5),
        months(r.p25),
        months(r.p50)
    );
}

/// End and lowest cash at five percentiles, and the means.
fn cash_percentiles(out: &mut String, s: &Summary) {
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  {:<13} {:>12} {:>12} {:>12} {:>12} {:>12}   ({})",
        "", "p5", "p25", "median", "p75", "p95", s.unit
    );
    money_row(out, "end cash", &s.end_cash);
    money_row(out, "lowest cash", &s.lowest_cash);
    if let Some(mean) = s.end_cash.mean {
        let _ = writeln!(
            out,
            "  mean end cash {} · mean funding received {}",
            format_money(mean),
            format_money(s.mean_funding_received)
        );
    }
}

/// The precision target and the checks of a `--precision` run, if any.
fn precision_trace(out: &mut String, s: &Summary) {
    let Some(c) = &s.convergence else {
        return;
    };
    let _ = writeln!(out);
    let _ =
        writeln!(
        out,
        "Precision: target 95 % half-width {} {} after {} paths (checks at 16, 32, 64, … blocks):",
        format_probability(c.target_half_width),
        if c.reached { "reached" } else { "NOT reached (--max-paths)" },
        format_count(s.paths)
    );
    for p in &c.trace {
        let _ = writeln!(
            out,
            "  {:>14} paths   P = {:>9}   ± {}",
            format_count(p.paths),
            format_probability(p.probability),
            format_probability(p.half_width)
        );
    }
}

/// The `check` listing: the model's shape and every input with its spread.
pub fn render_check(check: &Check<'_>) -> String {
    let model = check.model;
    let mut out = String::new();
    let _ = writeln!(out, "{}: valid", model.source.label);
    let _ = writeln!(out, "  {}", model.name);
    if !model.description.is_empty() {
        let _ = writeln!(out, "  {}", model.description.trim());
    }
    let _ = writeln!(
        out,
        "  {} to {} ({} months) · money in {} · insolvent below {}",
        model.start,
        model.horizon(),
        model.months,
        model.unit,
        format_money(model.floor)
    );
    let _ = writeln!(
        out,
        "  {} cost line(s), {} revenue line(s), {} inflow(s), {} shock(s), {} flow(s)",
        model.costs.len(),
        model.revenues.len(),
        model.inflows.len(),
        model.shocks.len(),
        model.flows.len()
    );
    if let Some(s) = &model.scenario {
        let _ = writeln!(out, "  scenario: {s}");
    }
    if !model.scenarios.is_empty() {
        let _ = writeln!(out, "  scenarios defined:");
        for (name, description) in &model.scenarios {
            let _ = writeln!(out, "    {name:<14} {description}");
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  {:<44} {:<8} {:>11} {:>11} {:>11}   distribution",
        "input", "drawn", "p5", "median", "p95"
    );
    for row in &check.inputs {
        let when = match row.drawn {
            Drawn::PerPath => "per path",
            Drawn::Monthly => "monthly",
        };
        let _ = writeln!(
            out,
            "  {:<44} {:<8} {:>11} {:>11} {:>11}   {}",
            row.input.path,
            when,
            format_money(row.p5),
            format_money(row.median),
            format_money(row.p95),
            row.input.dist.label()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_in_thousands_with_a_sign() {
        assert_eq!(format_money(1234567.0), "1,234,567");
        assert_eq!(format_money(-4321.4), "-4,321");
        assert_eq!(format_money(12.345), "12.35");
        assert_eq!(format_money(0.0), "0");
    }

    #[test]
    fn probabilities_keep_significant_digits_when_small() {
        assert_eq!(format_probability(0.1234), "12.34 %");
        assert_eq!(format_probability(0.00123), "0.123 %");
        assert_eq!(format_probability(0.0), "0 %");
    }
}
