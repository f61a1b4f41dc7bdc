//! The rows of `summary.csv`, typed: one list that the CSV and the
//! workbook's summary sheet both write, so the two cannot drift apart.
//!
//! A row's `value` is always a number (or absent); a month goes in its own
//! cell, and a runway percentile beyond the horizon says so in its own cell
//! instead of leaving the value empty without a reason.

use crate::analysis::summary::{MoneyStats, Summary};
use crate::model::Month;

/// What a row's value is, for the cell's number format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A probability (a fraction), with its interval.
    Probability,
    /// A count of paths.
    Paths,
    /// The seed: a whole number that identifies the run.
    Seed,
    /// Money, in the model's unit.
    Money,
    /// A number of months.
    Months,
    /// A calendar month (the value is empty, the month cell holds it).
    Month,
}

/// A row's number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value {
    /// A whole number, written exactly.
    Count(u64),
    /// Any other number.
    Number(f64),
}

/// One row of `summary.csv`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SummaryRow {
    /// The metric's name (`insolvency_probability`, `end_cash_p5`, …).
    pub metric: String,
    /// Its value; `None` when it does not exist (no insolvent path, a
    /// percentile beyond the horizon) or is a month.
    pub value: Option<Value>,
    /// Its 95 % interval, for a probability.
    pub ci95: Option<[f64; 2]>,
    /// The unit (`probability`, `paths`, `months`, `month` or the money
    /// unit; empty for the seed).
    pub unit: String,
    /// The month, for a month row.
    pub month: Option<Month>,
    /// For a runway percentile: whether it lies beyond the horizon.
    pub beyond_horizon: Option<bool>,
    /// What the value is.
    pub kind: Kind,
}

impl SummaryRow {
    fn new(metric: &str, value: Option<Value>, unit: &str, kind: Kind) -> SummaryRow {
        SummaryRow {
            metric: metric.to_string(),
            value,
            ci95: None,
            unit: unit.to_string(),
            month: None,
            beyond_horizon: None,
            kind,
        }
    }

    fn probability(metric: &str, p: f64, ci95: [f64; 2]) -> SummaryRow {
        SummaryRow {
            ci95: Some(ci95),
            ..SummaryRow::new(
                metric,
                Some(Value::Number(p)),
                "probability",
                Kind::Probability,
            )
        }
    }

    fn month(metric: &str, month: Option<Month>) -> SummaryRow {
        SummaryRow {
            month,
            ..SummaryRow::new(metric, None, "month", Kind::Month)
        }
    }

    fn money(metric: &str, value: Option<f64>, unit: &str) -> SummaryRow {
        SummaryRow::new(metric, value.map(Value::Number), unit, Kind::Money)
    }

    fn count(metric: &str, n: u64, unit: &str, kind: Kind) -> SummaryRow {
        SummaryRow::new(metric, Some(Value::Count(n)), unit, kind)
    }
}

/// The rows of `summary.csv`, in order.
pub(crate) fn summary_rows(s: &Summary) -> Vec<SummaryRow> {
    let ins = &s.insolvency;
    let mut rows = vec![
        SummaryRow::probability("insolvency_probability", ins.probability, ins.ci95),
        SummaryRow::count("insolvent_paths", ins.count, "paths", Kind::Paths),
        SummaryRow::count("paths", s.paths, "paths", Kind::Paths),
        SummaryRow::count("seed", s.seed, "", Kind::Seed),
        SummaryRow::month("start", Some(s.start)),
        SummaryRow::month("horizon", Some(s.horizon)),
        SummaryRow::money("floor", Some(s.floor), &s.unit),
        SummaryRow::month("median_insolvency_month", ins.median_month),
        SummaryRow::month("peak_insolvency_month", ins.peak_month),
    ];
    let r = &s.runway_months;
    let horizon = u64::from(r.horizon_months);
    rows.push(SummaryRow::count(
        "horizon_months",
        horizon,
        "months",
        Kind::Months,
    ));
    for (name, months) in [("p5", r.p5), ("p25", r.p25), ("p50", r.p50)] {
        rows.push(SummaryRow {
            beyond_horizon: Some(months.is_none()),
            ..SummaryRow::new(
                &format!("runway_months_{name}"),
                months.map(|m| Value::Count(u64::from(m))),
                "months",
                Kind::Months,
            )
        });
    }
    money_rows(&mut rows, "end_cash", &s.end_cash, &s.unit);
    money_rows(&mut rows, "lowest_cash", &s.lowest_cash, &s.unit);
    rows.push(SummaryRow::money(
        "mean_funding_received",
        Some(s.mean_funding_received),
        &s.unit,
    ));
    for e in &s.inflows {
        let p = &e.share;
        let metric = format!("arrives:{}", e.name);
        rows.push(SummaryRow::probability(&metric, p.probability, p.ci95));
    }
    for e in &s.shocks {
        let p = &e.share;
        let metric = format!("strikes:{}", e.name);
        rows.push(SummaryRow::probability(&metric, p.probability, p.ci95));
    }
    // A model with debt or covenants: breach, failure and shortfall.
    if let (Some(b), Some(f), Some(short)) = (&s.breach, &s.failure, &s.shortfall) {
        for (name, r) in [("breach", b), ("failure", f)] {
            rows.push(SummaryRow::probability(
                &format!("{name}_probability"),
                r.probability,
                r.ci95,
            ));
            rows.push(SummaryRow::count(
                &format!("{name}_paths"),
                r.count,
                "paths",
                Kind::Paths,
            ));
            rows.push(SummaryRow::month(
                &format!("median_{name}_month"),
                r.median_month,
            ));
        }
        money_rows(&mut rows, "shortfall", short, &s.unit);
    }
    rows
}

/// `PREFIX_p5` … `PREFIX_max` of an amount of money (no mean row when it
/// has none).
fn money_rows(rows: &mut Vec<SummaryRow>, prefix: &str, m: &MoneyStats, unit: &str) {
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
        rows.push(SummaryRow::money(&format!("{prefix}_{name}"), value, unit));
    }
}
