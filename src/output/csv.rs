//! `summary.csv` and `by_month.csv`: pure renderers of a [`Summary`].

use crate::analysis::summary::{MoneyStats, Percentiles, Summary};

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
/// ci95_high and unit columns.
pub fn render_summary_csv(s: &Summary) -> Vec<u8> {
    let mut rows = SummaryRows(writer());
    rows.record(["metric", "value", "ci95_low", "ci95_high", "unit"]);
    let ins = &s.insolvency;
    rows.probability("insolvency_probability", ins.probability, ins.ci95);
    run_rows(&mut rows, s);
    rows.money("end_cash", &s.end_cash, &s.unit);
    rows.money("lowest_cash", &s.lowest_cash, &s.unit);
    rows.value(
        "mean_funding_received",
        num(Some(s.mean_funding_received)),
        &s.unit,
    );
    for e in &s.inflows {
        let p = &e.share;
        rows.probability(&format!("arrives:{}", e.name), p.probability, p.ci95);
    }
    for e in &s.shocks {
        let p = &e.share;
        rows.probability(&format!("strikes:{}", e.name), p.probability, p.ci95);
    }
    finish(rows.0)
}

/// The counts, months and floor of a run, and when its paths ran out.
fn run_rows(rows: &mut SummaryRows, s: &Summary) {
    let ins = &s.insolvency;
    rows.value("insolvent_paths", ins.count.to_string(), "paths");
    rows.value("paths", s.paths.to_string(), "paths");
    rows.value("seed", s.seed.to_string(), "");
    rows.value("start", s.start.to_string(), "month");
    rows.value("horizon", s.horizon.to_string(), "month");
    rows.value("floor", num(Some(s.floor)), &s.unit);
    let month = |m: Option<crate::model::Month>| m.map(|m| m.to_string()).unwrap_or_default();
    rows.value("median_insolvency_month", month(ins.median_month), "month");
    rows.value("peak_insolvency_month", month(ins.peak_month), "month");
    let months = |m: Option<u32>| m.map(|v| v.to_string()).unwrap_or_default();
    let r = &s.runway_months;
    rows.value("runway_months_p5", months(r.p5), "months");
    rows.value("runway_months_p25", months(r.p25), "months");
    rows.value("runway_months_p50", months(r.p50), "months");
}

/// The rows of `summary.csv` as they are written.
struct SummaryRows(csv::Writer<Vec<u8>>);

impl SummaryRows {
    fn record(&mut self, cells: [&str; 5]) {
        self.0.write_record(cells).expect("in-memory CSV");
    }

    /// A value without an interval.
    fn value(&mut self, metric: &str, value: String, unit: &str) {
        self.record([metric, &value, "", "", unit]);
    }

    /// A probability with its 95 % interval.
    fn probability(&mut self, metric: &str, p: f64, ci95: [f64; 2]) {
        let cells = [num(Some(p)), num(Some(ci95[0])), num(Some(ci95[1]))];
        self.record([metric, &cells[0], &cells[1], &cells[2], "probability"]);
    }

    /// `PREFIX_p5` … `PREFIX_max` of an amount of money (no mean row when
    /// it has none).
    fn money(&mut self, prefix: &str, m: &MoneyStats, unit: &str) {
        let p = &m.percentiles;
        for (name, value) in [
            ("p5", p.p5),
            ("p25", p.p25),
            ("p50", p.p50),
            ("p75", p.p75),
            ("p95", p.p95),
            ("mean", m.mean),
            ("min", m.min),
            ("max", m.max),
        ] {
            if name == "mean" && m.mean.is_none() {
                continue;
            }
            self.value(&format!("{prefix}_{name}"), num(value), unit);
        }
    }
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
