//! The terminal report of one run: a readable table of one summary, laid
//! out within a width (see [`super::layout`]).

use super::layout::{intervals, pack, width_of, wrap, Align, Table};
use super::number::{count, money, probability, rate, seconds, Money, Percent};
use crate::analysis::summary::{EventRate, MoneyStats, Summary};
use std::fmt::Write as _;

/// A horizontal bar of `fraction` × `width` cells, in eighths of a cell.
pub(crate) fn bar(fraction: f64, width: usize) -> String {
    const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let eighths = (fraction.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    s.push_str(PARTS[eighths % 8]);
    s
}

/// Probability intervals as aligned `low – high` cells, all in one format.
pub(crate) fn ci_cells(cis: &[[f64; 2]]) -> Vec<String> {
    let format = Percent::column(cis.iter().flatten().copied());
    let pairs: Vec<(String, String)> = cis
        .iter()
        .map(|[lo, hi]| (format.fmt(*lo), format.fmt(*hi)))
        .collect();
    intervals(&pairs)
}

/// A titled table of event shares (inflows, shocks), nothing when empty.
fn event_rows(out: &mut String, title: &str, events: &[EventRate], width: usize) {
    if events.is_empty() {
        return;
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{title}");
    let mut table = Table::new(2)
        .column("", Align::Left, 0)
        .column("share", Align::Right, 2)
        .column("95 % CI", Align::Left, 3)
        .column("paths", Align::Right, 3);
    let shares = Percent::column(events.iter().map(|e| e.share.probability));
    let cis: Vec<[f64; 2]> = events.iter().map(|e| e.share.ci95).collect();
    for (e, ci) in events.iter().zip(ci_cells(&cis)) {
        table.row(vec![
            e.name.clone(),
            shares.fmt(e.share.probability),
            ci,
            count(e.share.count),
        ]);
    }
    table.fit(0, width, 16);
    out.push_str(&table.render());
}

/// The full terminal report, every line within `width` columns.
pub fn render_table(s: &Summary, width: usize) -> String {
    let mut out = String::new();
    run_header(&mut out, s, width);
    insolvency_by_month(&mut out, s, width);
    when_insolvent(&mut out, s, width);
    super::failure_table::failure_rows(&mut out, s, width);
    cash_percentiles(&mut out, s, width);
    event_rows(
        &mut out,
        "Money arriving within the horizon (share of paths):",
        &s.inflows,
        width,
    );
    event_rows(
        &mut out,
        "Shocks that struck at least once (share of paths):",
        &s.shocks,
        width,
    );
    precision_trace(&mut out, s, width);
    for w in &s.warnings {
        let _ = writeln!(out);
        out.push_str(&wrap(&format!("Warning: {w}"), width, "", "  "));
    }
    let _ = writeln!(out);
    let method = format!(
        "Sampling: {}. Quantiles: {}. Generator: {}.",
        s.method.sampling, s.method.quantiles, s.method.generator
    );
    out.push_str(&wrap(&method, width, "", ""));
    out
}

/// The model, the run and its speed.
fn run_header(out: &mut String, s: &Summary, width: usize) {
    let title = format!("runway {} · {}", s.runway_version, s.model.name);
    out.push_str(&wrap(&title, width, "", "  "));
    let parts = [
        format!("model {}", s.model.file),
        format!(
            "scenario {}",
            s.model.scenario.as_deref().unwrap_or("(none)")
        ),
        format!("{} to {}", s.start, s.horizon),
        format!("money in {}", s.unit),
        format!("insolvent below {}", money(s.floor)),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    let mut parts = vec![
        format!("{} paths", count(s.paths)),
        format!("seed {}", s.seed),
        format!(
            "{} thread{}",
            s.run.threads,
            if s.run.threads == 1 { "" } else { "s" }
        ),
        seconds(s.run.elapsed_seconds),
        rate(s.run.paths_per_second, "paths"),
    ];
    // A merged run: elapsed is the wall-clock span of its shards; their
    // summed times follow, named as such.
    if let Some(shards) = &s.run.shards {
        parts[2] = format!(
            "{} shards of ≤ {} thread{}",
            shards.count,
            s.run.threads,
            if s.run.threads == 1 { "" } else { "s" }
        );
        parts[3] = format!("{} wall", seconds(s.run.elapsed_seconds));
        parts.push(format!(
            "{} summed over shards",
            seconds(shards.shard_seconds)
        ));
        parts.push(format!(
            "{} thread-seconds",
            fixed_seconds(shards.thread_seconds)
        ));
    }
    out.push_str(&pack(&parts, " · ", width, ""));
}

/// Seconds as a bare number (`12.34`), for a unit named after it.
fn fixed_seconds(s: f64) -> String {
    seconds(s).trim_end_matches(" s").to_string()
}

/// The headline probability, its sparkline and the month-by-month table
/// with bars in proportion to the final value.
fn insolvency_by_month(out: &mut String, s: &Summary, width: usize) {
    let ins = &s.insolvency;
    let _ = writeln!(out);
    let headline = [
        format!(
            "P(insolvent by {}) = {}",
            s.horizon,
            probability(ins.probability)
        ),
        format!(
            "95 % CI {} (Wilson)",
            ci_cells(&[ins.ci95]).remove(0).trim_start()
        ),
        format!("{} of {} paths", count(ins.count), count(s.paths)),
    ];
    out.push_str(&pack(&headline, "   ", width, "  "));
    let curve: Vec<f64> = ins
        .by_month
        .iter()
        .map(|r| r.cumulative_probability)
        .collect();
    let spark = crate::output::chart::sparkline(&curve);
    let line = format!("  {} → {}   {spark}", s.start, s.horizon);
    if width_of(&line) <= width {
        let _ = writeln!(out, "{line}");
    } else if width_of(&spark) + 2 <= width {
        let _ = writeln!(out, "  {spark}");
    }
    let _ = writeln!(out);
    let top = ins
        .by_month
        .last()
        .map_or(0.0, |r| r.cumulative_probability);
    let mut table = Table::new(2)
        .column("month", Align::Left, 0)
        .column("P(insolvent\nby month)", Align::Right, 2)
        .column("95 % CI", Align::Left, 3)
        .column("new in\nmonth", Align::Right, 2);
    let p = Percent::column(curve.iter().copied());
    let cis: Vec<[f64; 2]> = ins.by_month.iter().map(|r| r.cumulative_ci95).collect();
    for (row, ci) in ins.by_month.iter().zip(ci_cells(&cis)) {
        table.row(vec![
            row.month.to_string(),
            p.fmt(row.cumulative_probability),
            ci,
            count(row.count_in_month),
        ]);
    }
    // The bars take what is left of the width, at most 40 cells.
    let bar_width = width.saturating_sub(table.width() + 3).clamp(8, 40);
    let fractions = ins.by_month.iter().map(|r| {
        if top > 0.0 {
            r.cumulative_probability / top
        } else {
            0.0
        }
    });
    let bars: Vec<String> = fractions.map(|f| bar(f, bar_width)).collect();
    let table = table.column_with("share of the\nfinal value", Align::Left, 3, bars);
    out.push_str(&table.render());
}

/// When paths become insolvent, and the runway's percentiles in months.
fn when_insolvent(out: &mut String, s: &Summary, width: usize) {
    let ins = &s.insolvency;
    let _ = writeln!(out);
    let when = match (ins.median_month, ins.peak_month) {
        (Some(median), Some(peak)) => {
            format!("When insolvent: median month {median}, most often {peak}")
        }
        _ => "When insolvent: no path became insolvent".to_string(),
    };
    out.push_str(&wrap(&when, width, "", "  "));
    let r = &s.runway_months;
    let months =
        |m: Option<u32>| m.map_or_else(|| format!("> {}", r.horizon_months), |v| v.to_string());
    let parts = [
        "Runway (months until cash falls below the floor):".to_string(),
        format!(
            "p5 {}, p25 {}, median {}",
            months(r.p5),
            months(r.p25),
            months(r.p50)
        ),
    ];
    out.push_str(&pack(&parts, " ", width, "  "));
}

/// End and lowest cash at five percentiles, and the means.
fn cash_percentiles(out: &mut String, s: &Summary, width: usize) {
    let _ = writeln!(out);
    out.push_str(&wrap(&format!("Cash ({}):", s.unit), width, "", "  "));
    let rows: [(&str, &MoneyStats); 2] =
        [("end cash", &s.end_cash), ("lowest cash", &s.lowest_cash)];
    let all = rows.iter().flat_map(|(_, m)| {
        let p = &m.percentiles;
        [p.p5, p.p25, p.p50, p.p75, p.p95]
    });
    let format = Money::column(all.flatten());
    let mut table = Table::new(2).column("", Align::Left, 0);
    for head in ["p5", "p25", "median", "p75", "p95"] {
        table = table.column(head, Align::Right, 3);
    }
    for (label, m) in rows {
        let p = &m.percentiles;
        let mut cells = vec![label.to_string()];
        cells.extend([p.p5, p.p25, p.p50, p.p75, p.p95].map(|v| format.opt(v)));
        table.row(cells);
    }
    out.push_str(&table.render());
    if let Some(mean) = s.end_cash.mean {
        let means = Money::column([mean, s.mean_funding_received]);
        let parts = [
            format!("  mean end cash {}", means.fmt(mean)),
            format!(
                "mean funding received {}",
                means.fmt(s.mean_funding_received)
            ),
        ];
        out.push_str(&pack(&parts, " · ", width, "  "));
    }
}

/// The precision target and the checks of a `--precision` run, if any.
fn precision_trace(out: &mut String, s: &Summary, width: usize) {
    let Some(c) = &s.convergence else {
        return;
    };
    let _ = writeln!(out);
    let text = format!(
        "Precision: target 95 % half-width {} {} after {} paths (checks at 16, 32, 64, … blocks):",
        probability(c.target_half_width),
        if c.reached {
            "reached"
        } else {
            "NOT reached (--max-paths)"
        },
        count(s.paths)
    );
    out.push_str(&wrap(&text, width, "", "  "));
    let mut table = Table::new(2)
        .column("paths", Align::Right, 0)
        .column("P(insolvent)", Align::Right, 3)
        .column("± (95 %)", Align::Right, 3);
    let p = Percent::column(c.trace.iter().map(|t| t.probability));
    let h = Percent::column(c.trace.iter().map(|t| t.half_width));
    for t in &c.trace {
        table.row(vec![
            count(t.paths),
            p.fmt(t.probability),
            h.fmt(t.half_width),
        ]);
    }
    out.push_str(&table.render());
}
