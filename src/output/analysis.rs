//! Renderers of a scenario comparison and a sensitivity analysis.

use super::table::{format_money, format_probability};
use crate::analysis::compare::Comparison;
use crate::analysis::sensitivity::Sensitivity;
use crate::output::unit_suffix;
use std::fmt::Write as _;

fn signed_points(x: f64) -> String {
    format!("{:+.2} pp", x * 100.0)
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| format!("{v:+.3}"))
}

use crate::output::csv_number as csv_num;

/// The comparison as a terminal table.
pub fn render_compare_table(c: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "runway {} compare · {} ({})",
        c.runway_version, c.model, c.file
    );
    let _ = writeln!(
        out,
        "{} paths per scenario · seed {} (common random numbers) · horizon {} · money in {} · {:.2} s",
        c.paths, c.seed, c.horizon, c.unit, c.run.elapsed_seconds
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  {:<14} {:>10} {:>21} {:>10} {:>11} {:>11}   {:>12} {:>24}   {:>14}",
        "scenario",
        "P(insolv.)",
        "95 % CI",
        "median mo",
        "end p5",
        "end p50",
        "Δ P vs first",
        "paired 95 % CI",
        "Δ mean end cash"
    );
    for row in &c.scenarios {
        let p = &row.insolvency;
        let d = &row.difference;
        let _ = writeln!(
            out,
            "  {:<14} {:>10} {:>21} {:>10} {:>11} {:>11}   {:>12} {:>24}   {:>14}",
            row.scenario,
            format_probability(p.probability),
            format!(
                "{} – {}",
                format_probability(p.ci95[0]),
                format_probability(p.ci95[1])
            ),
            row.median_insolvency_month.as_deref().unwrap_or("–"),
            row.end_cash.p5.map_or("–".into(), format_money),
            row.end_cash.p50.map_or("–".into(), format_money),
            signed_points(d.probability),
            format!(
                "{} to {}",
                signed_points(d.probability_ci95[0]),
                signed_points(d.probability_ci95[1])
            ),
            format_money(d.mean_end_cash),
        );
    }
    let _ = writeln!(out);
    for row in &c.scenarios {
        if !row.description.is_empty() {
            let _ = writeln!(out, "  {:<14} {}", row.scenario, row.description);
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Differences: {}.", c.method);
    out
}

/// The comparison as pretty JSON.
pub fn render_compare_json(c: &Comparison) -> String {
    let mut text = serde_json::to_string_pretty(c).expect("a comparison always serialises");
    text.push('\n');
    text
}

/// The comparison as CSV, one row per scenario.
pub fn render_compare_csv(c: &Comparison) -> String {
    let unit = unit_suffix(&c.unit);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = vec![
        "scenario".to_string(),
        "paths".into(),
        "insolvent_paths".into(),
        "insolvency_probability".into(),
        "ci95_low".into(),
        "ci95_high".into(),
        "median_insolvency_month".into(),
        format!("end_cash_p5_{unit}"),
        format!("end_cash_p50_{unit}"),
        format!("end_cash_p95_{unit}"),
        "difference_probability".into(),
        "difference_ci95_low".into(),
        "difference_ci95_high".into(),
        "paths_insolvent_in_first_only".into(),
        "paths_insolvent_in_this_only".into(),
        format!("difference_mean_end_cash_{unit}"),
        format!("difference_mean_end_cash_ci95_low_{unit}"),
        format!("difference_mean_end_cash_ci95_high_{unit}"),
    ];
    w.write_record(&header).expect("in-memory CSV");
    for row in &c.scenarios {
        let (p, d) = (&row.insolvency, &row.difference);
        w.write_record([
            row.scenario.clone(),
            p.paths.to_string(),
            p.count.to_string(),
            csv_num(Some(p.probability)),
            csv_num(Some(p.ci95[0])),
            csv_num(Some(p.ci95[1])),
            row.median_insolvency_month.clone().unwrap_or_default(),
            csv_num(row.end_cash.p5),
            csv_num(row.end_cash.p50),
            csv_num(row.end_cash.p95),
            csv_num(Some(d.probability)),
            csv_num(Some(d.probability_ci95[0])),
            csv_num(Some(d.probability_ci95[1])),
            d.paths.first_only.to_string(),
            d.paths.this_only.to_string(),
            csv_num(Some(d.mean_end_cash)),
            csv_num(Some(d.mean_end_cash_ci95[0])),
            csv_num(Some(d.mean_end_cash_ci95[1])),
        ])
        .expect("in-memory CSV");
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV is UTF-8")
}

/// The sensitivity analysis as a terminal table.
pub fn render_sensitivity_table(s: &Sensitivity) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "runway {} sensitivity · {} ({})",
        s.runway_version, s.model, s.file
    );
    let _ = writeln!(
        out,
        "scenario {} · {} paths · seed {} · P(insolvent by {}) = {} (95 % CI {} – {})",
        s.scenario.as_deref().unwrap_or("(none)"),
        s.paths,
        s.seed,
        s.horizon,
        format_probability(s.insolvency.probability),
        format_probability(s.insolvency.ci95[0]),
        format_probability(s.insolvency.ci95[1])
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  {:<40} {:>12} {:>12} {:>10} {:>22}  {:>9} {:>9} {:>7}",
        "input (sorted by |swing|)",
        "P | low 10%",
        "P | high 10%",
        "swing",
        "swing 95 % CI",
        "ρ end cash",
        "ρ months",
        "S1"
    );
    for d in &s.drivers {
        let _ = writeln!(
            out,
            "  {:<40} {:>12} {:>12} {:>10} {:>22}  {:>9} {:>9} {:>7}",
            d.input,
            format_probability(d.lowest_decile.probability),
            format_probability(d.highest_decile.probability),
            signed_points(d.swing),
            format!(
                "{} to {}",
                signed_points(d.swing_ci95[0]),
                signed_points(d.swing_ci95[1])
            ),
            opt(d.spearman_end_cash),
            opt(d.spearman_months_to_insolvency),
            d.first_order_index
                .map_or("–".into(), |v| format!("{v:.3}")),
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "swing = P(insolvent | input in its highest decile) − P(insolvent | lowest decile); ρ = Spearman; S1 = first-order index of insolvency.");
    for note in &s.notes {
        let _ = writeln!(out, "Note: {note}");
    }
    out
}

/// The sensitivity analysis as pretty JSON.
pub fn render_sensitivity_json(s: &Sensitivity) -> String {
    let mut text = serde_json::to_string_pretty(s).expect("a sensitivity report always serialises");
    text.push('\n');
    text
}

/// The sensitivity analysis as CSV, one row per input.
pub fn render_sensitivity_csv(s: &Sensitivity) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record([
        "input",
        "paths_lowest_decile",
        "insolvent_lowest_decile",
        "probability_lowest_decile",
        "paths_highest_decile",
        "insolvent_highest_decile",
        "probability_highest_decile",
        "swing",
        "swing_ci95_low",
        "swing_ci95_high",
        "spearman_end_cash",
        "spearman_months_to_insolvency",
        "first_order_index",
    ])
    .expect("in-memory CSV");
    for d in &s.drivers {
        w.write_record([
            d.input.clone(),
            d.lowest_decile.paths.to_string(),
            d.lowest_decile.count.to_string(),
            csv_num(Some(d.lowest_decile.probability)),
            d.highest_decile.paths.to_string(),
            d.highest_decile.count.to_string(),
            csv_num(Some(d.highest_decile.probability)),
            csv_num(Some(d.swing)),
            csv_num(Some(d.swing_ci95[0])),
            csv_num(Some(d.swing_ci95[1])),
            csv_num(d.spearman_end_cash),
            csv_num(d.spearman_months_to_insolvency),
            csv_num(d.first_order_index),
        ])
        .expect("in-memory CSV");
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV is UTF-8")
}
