//! `summary.csv` and `by_month.csv`: pure renderers of a [`Summary`].

use super::rows::{summary_rows, Value};
use crate::analysis::summary::{Percentiles, Summary};

/// A header suffix for the model's money unit: "USD millions" → `usd_millions`.
pub fn unit_suffix(unit: &str) -> String {
    let mut out = String::new();
    for ch in unit.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let trimmed = out.trim_end_matches('_').to_string();
    if trimmed.is_empty() {
        "money".to_string()
    } else {
        trimmed
    }
}

/// A number as plain decimal (shortest form that reads back exactly); an
/// absent or non-finite value is an empty cell.
pub fn num(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => {
            let v = if v == 0.0 { 0.0 } else { v }; // no "-0"
            format!("{v}")
        }
        _ => String::new(),
    }
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().expect("writing to memory cannot fail")
}

/// `summary.csv`: one row per result, with metric, value, ci95_low,
/// ci95_high, unit, month and beyond_horizon columns. `value` holds only
/// numbers: a month row (`start`, `median_insolvency_month`, …) has its
/// month in `month`, and a runway percentile has `beyond_horizon` 1 (and no
/// value) when the paths' cash lasts past the horizon, else 0.
pub fn render_summary_csv(s: &Summary) -> Vec<u8> {
    let mut w = writer();
    w.write_record([
        "metric",
        "value",
        "ci95_low",
        "ci95_high",
        "unit",
        "month",
        "beyond_horizon",
    ])
    .expect("in-memory CSV");
    for row in summary_rows(s) {
        let value = match row.value {
            Some(Value::Count(n)) => n.to_string(),
            Some(Value::Number(x)) => num(Some(x)),
            None => String::new(),
        };
        let [low, high] = row.ci95.map_or([None, None], |c| c.map(Some));
        let month = row.month.map(|m| m.to_string()).unwrap_or_default();
        let beyond = row.beyond_horizon.map_or("", |b| if b { "1" } else { "0" });
        w.write_record([
            row.metric.as_str(),
            &value,
            &num(low),
            &num(high),
            &row.unit,
            &month,
            beyond,
        ])
        .expect("in-memory CSV");
    }
    finish(w)
}

/// `by_month.csv`: one row per month with the cumulative insolvency
/// probability (and interval), the probability of becoming insolvent in that
/// month, and percentiles of cash, revenue and cost (the fan chart's data).
pub fn render_by_month_csv(s: &Summary) -> Vec<u8> {
    let unit = unit_suffix(&s.unit);
    let mut w = writer();
    let mut header: Vec<String> = [
        "month",
        "cumulative_probability",
        "cumulative_ci95_low",
        "cumulative_ci95_high",
        "cumulative_insolvent_paths",
        "probability_in_month",
        "insolvent_paths_in_month",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for quantity in ["cash", "revenue", "cost"] {
        for p in ["p5", "p25", "p50", "p75", "p95"] {
            header.push(format!("{quantity}_{p}_{unit}"));
        }
    }
    w.write_record(&header).expect("in-memory CSV");
    let pct = |p: &Option<Percentiles>| -> Vec<String> {
        match p {
            Some(p) => [p.p5, p.p25, p.p50, p.p75, p.p95]
                .iter()
                .map(|v| num(*v))
                .collect(),
            None => vec![String::new(); 5],
        }
    };
    for r in &s.insolvency.by_month {
        let mut record = vec![
            r.month.to_string(),
            num(Some(r.cumulative_probability)),
            num(Some(r.cumulative_ci95[0])),
            num(Some(r.cumulative_ci95[1])),
            r.cumulative_count.to_string(),
            num(Some(r.probability_in_month)),
            r.count_in_month.to_string(),
        ];
        record.extend(pct(&r.cash));
        record.extend(pct(&r.revenue));
        record.extend(pct(&r.cost));
        w.write_record(&record).expect("in-memory CSV");
    }
    finish(w)
}

/// `convergence.csv`: the trace of a `--precision` run.
pub fn render_convergence_csv(c: &crate::analysis::summary::Convergence) -> Vec<u8> {
    let mut w = writer();
    w.write_record([
        "paths",
        "probability",
        "ci95_low",
        "ci95_high",
        "half_width",
        "target_half_width",
    ])
    .expect("in-memory CSV");
    for p in &c.trace {
        w.write_record([
            p.paths.to_string(),
            num(Some(p.probability)),
            num(Some(p.ci95[0])),
            num(Some(p.ci95[1])),
            num(Some(p.half_width)),
            num(Some(c.target_half_width)),
        ])
        .expect("in-memory CSV");
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_labels_become_header_suffixes() {
        assert_eq!(unit_suffix("USD millions"), "usd_millions");
        assert_eq!(unit_suffix("USD (bn)"), "usd_bn");
        assert_eq!(unit_suffix("€"), "money");
    }

    #[test]
    fn numbers_are_plain_and_missing_values_are_empty() {
        assert_eq!(num(Some(0.25)), "0.25");
        assert_eq!(num(Some(-0.0)), "0");
        assert_eq!(num(Some(1e20)), "100000000000000000000");
        assert_eq!(num(None), "");
        assert_eq!(num(Some(f64::NAN)), "");
    }
}
