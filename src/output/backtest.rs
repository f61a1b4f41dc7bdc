//! The backtest report as a terminal table, CSV and JSON.

use super::table::{bar, opt_money};
use super::{csv_number, format_count as count, format_money, format_probability, Render};
use crate::analysis::backtest::{Backtest, BandCoverage, InsolvencyScores, PitSummary};
use crate::model::Month;
use std::fmt::Write as _;

impl Render for Backtest {
    fn table(&self) -> String {
        render_backtest_table(self)
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

fn percent(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

/// The three header lines: model, actuals and run.
fn header(out: &mut String, b: &Backtest) {
    let _ = writeln!(
        out,
        "runway {} backtest · {} ({})",
        b.runway_version, b.model.name, b.model.file
    );
    let _ = writeln!(
        out,
        "actuals {} · scenario {} · {} to {} · money in {} · insolvent below {}",
        b.actual_file,
        b.model.scenario.as_deref().unwrap_or("(none)"),
        b.start,
        b.horizon,
        b.unit,
        format_money(b.floor)
    );
    let quantities: Vec<&str> = b.by_quantity.iter().map(|q| q.quantity.name()).collect();
    let months = {
        let mut m: Vec<Month> = b.observations.iter().map(|o| o.month).collect();
        m.dedup();
        m.len()
    };
    let _ = writeln!(
        out,
        "{} paths · seed {} · {} observation(s){}{}",
        count(b.paths),
        b.seed,
        b.observations.len(),
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
    );
    let _ = writeln!(out);
}

/// Every observation with its forecast's percentiles, PIT and bands.
fn observation_rows(out: &mut String, b: &Backtest) {
    let _ = writeln!(
        out,
        "  {:<8} {:<8} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>7}  {:<4} {:<4}",
        "month", "quantity", "observed", "p5", "p25", "median", "p75", "p95", "PIT", "50 %", "90 %"
    );
    let flag = |x: Option<bool>| match x {
        Some(true) => "in",
        Some(false) => "out",
        None => "–",
    };
    for o in &b.observations {
        let f = &o.forecast;
        let _ = writeln!(
            out,
            "  {:<8} {:<8} {:>11} {:>11} {:>11} {:>11} {:>11} {:>11} {:>7}  {:<4} {:<4}",
            o.month.to_string(),
            o.quantity.name(),
            format_money(o.observed),
            opt_money(f.p5),
            opt_money(f.p25),
            opt_money(f.p50),
            opt_money(f.p75),
            opt_money(f.p95),
            o.pit.map_or("–".into(), |p| format!("{p:.3}")),
            flag(o.in_50),
            flag(o.in_90),
        );
    }
    let _ = writeln!(out);
}

fn band_line(out: &mut String, c: &BandCoverage) {
    let rate = c.rate.map_or("–".into(), percent);
    let ci = c.ci95.map_or("–".into(), |[lo, hi]| {
        format!("{} – {}", percent(lo), percent(hi))
    });
    let _ = writeln!(
        out,
        "  {:<26} {:>4} of {:<4} {:>7}   95 % CI {:<15}  nominal {:<5}  {}",
        c.band,
        c.inside,
        c.observations,
        rate,
        ci,
        percent(c.nominal).replace(".0 ", " "),
        c.verdict
    );
}

/// Coverage of the two bands, overall and per quantity.
fn coverage(out: &mut String, b: &Backtest) {
    let _ = writeln!(
        out,
        "Coverage: share of observations inside each central band of the forecast"
    );
    band_line(out, &b.coverage.band_50);
    band_line(out, &b.coverage.band_90);
    if b.by_quantity.len() > 1 {
        for q in &b.by_quantity {
            let _ = writeln!(
                out,
                "    {:<8} {:>4} obs   50 %: {:>4} of {:<4}  90 %: {:>4} of {:<4}  mean PIT {}",
                q.quantity.name(),
                q.observations,
                q.inside_50,
                q.observations,
                q.inside_90,
                q.observations,
                q.mean_pit.map_or("–".into(), |m| format!("{m:.3}"))
            );
        }
    }
    let _ = writeln!(out);
}

/// The PIT summary: mean, histogram and uniformity test.
fn pit(out: &mut String, p: &PitSummary) {
    let _ = writeln!(
        out,
        "PIT: where each observation fell in its forecast (0 = below every path, 1 = above every path)"
    );
    match (p.mean, p.mean_se_if_calibrated) {
        (Some(m), Some(se)) => {
            let _ = writeln!(
                out,
                "  mean {m:.3} over {} observation(s) (0.500 if calibrated, standard error {se:.3}); below 0.5: outcomes fell low in the fan, above: high",
                p.observations
            );
        }
        _ => {
            let _ = writeln!(out, "  no PITs to summarise");
        }
    }
    if p.point_forecasts_left_out > 0 {
        let _ = writeln!(
            out,
            "  {} observation(s) on a single-valued forecast left out",
            p.point_forecasts_left_out
        );
    }
    if p.observations > 0 {
        let most = p.histogram.iter().copied().max().unwrap_or(0).max(1);
        for (i, &k) in p.histogram.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {:.1}–{:.1} {:>5}  {}",
                i as f64 / 10.0,
                (i + 1) as f64 / 10.0,
                k,
                bar(k as f64 / most as f64, 30)
            );
        }
    }
    if let Some(u) = &p.uniformity {
        let _ = writeln!(
            out,
            "  {}: D = {:.3}, critical value {:.3} at α = {} (n = {}): {}",
            u.test,
            u.statistic,
            u.critical_value,
            u.alpha,
            u.n,
            if u.rejects_uniformity {
                "uniformity rejected: the forecast is miscalibrated"
            } else {
                "uniformity not rejected"
            }
        );
        let _ = writeln!(out, "  ({})", u.note);
    }
    let _ = writeln!(out);
}

/// The insolvency forecast by the horizon and month by month.
fn insolvency(out: &mut String, ins: &InsolvencyScores) {
    let _ = writeln!(out, "Insolvency forecast · outcome: {}", ins.outcome);
    let h = &ins.by_horizon;
    let _ = writeln!(
        out,
        "  by {} (horizon): P = {} (95 % CI {} – {}, {} of {} paths) · {}",
        h.month,
        format_probability(h.probability),
        format_probability(h.ci95[0]),
        format_probability(h.ci95[1]),
        count(h.count),
        count(h.paths),
        match (h.observed, h.brier, h.log_score) {
            (Some(o), Some(br), Some(ls)) => format!(
                "observed {} · Brier {br:.4} · log score {ls:.3} nats",
                if o { "insolvent" } else { "solvent" }
            ),
            _ => "outcome not known: not scored".into(),
        }
    );
    if !ins.by_month.is_empty() {
        let _ = writeln!(
            out,
            "  month by month ({} month(s) with a known outcome): mean Brier {} · mean log score {} nats",
            ins.by_month.len(),
            ins.mean_brier_by_month.map_or("–".into(), |v| format!("{v:.4}")),
            ins.mean_log_score_by_month.map_or("–".into(), |v| format!("{v:.3}")),
        );
        let _ = writeln!(
            out,
            "    {:<8} {:>14} {:>9} {:>8} {:>10}",
            "month", "P(insolv. by)", "observed", "Brier", "log score"
        );
        for s in &ins.by_month {
            let _ = writeln!(
                out,
                "    {:<8} {:>14} {:>9} {:>8} {:>10}",
                s.month.to_string(),
                format_probability(s.probability),
                match s.observed {
                    Some(true) => "1",
                    Some(false) => "0",
                    None => "–",
                },
                s.brier.map_or("–".into(), |v| format!("{v:.4}")),
                s.log_score.map_or("–".into(), |v| format!("{v:.3}")),
            );
        }
    }
    let _ = writeln!(
        out,
        "  Brier = (P − outcome)², log score = −ln P(outcome) with P clamped to [{:e}, 1 − {:e}]; 0 is perfect, lower is better.",
        ins.log_score_clamp, ins.log_score_clamp
    );
    let _ = writeln!(out);
}

/// The report as a terminal table.
pub fn render_backtest_table(b: &Backtest) -> String {
    let mut out = String::new();
    header(&mut out, b);
    if !b.observations.is_empty() {
        observation_rows(&mut out, b);
        coverage(&mut out, b);
        pit(&mut out, &b.pit);
    }
    insolvency(&mut out, &b.insolvency);
    for note in &b.notes {
        let _ = writeln!(out, "Note: {note}");
    }
    // Padded last columns leave trailing spaces.
    let mut trimmed: String = out
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    trimmed.push('\n');
    trimmed
}
