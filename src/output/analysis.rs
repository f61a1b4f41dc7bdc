//! Renderers of a scenario comparison and a sensitivity analysis: JSON and
//! CSV (their terminal tables are in `analysis_table`).

use crate::analysis::compare::Comparison;
use crate::analysis::sensitivity::Sensitivity;
use crate::output::csv_number as csv_num;
use crate::output::unit_suffix;

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
