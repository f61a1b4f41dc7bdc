//! The one result every renderer reads: a [`Summary`] built from a tally.

use crate::engine::BLOCK_SIZE;
use crate::model::{Model, Month};
use crate::sampling::rng::GENERATOR_NAME;
use crate::stats::{ExactSum, Proportion, Sketch, Tally, SKETCH_RELATIVE_ERROR, Z_95};
use serde::Serialize;

/// Percentiles of a money quantity, in the model's unit.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Percentiles {
    /// 5th percentile.
    pub p5: Option<f64>,
    /// 25th percentile.
    pub p25: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 75th percentile.
    pub p75: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
}

impl Percentiles {
    /// Reads the five percentiles from a sketch.
    pub fn of(sketch: &Sketch) -> Percentiles {
        Percentiles {
            p5: sketch.quantile(0.05),
            p25: sketch.quantile(0.25),
            p50: sketch.quantile(0.50),
            p75: sketch.quantile(0.75),
            p95: sketch.quantile(0.95),
        }
    }
}

/// A money quantity's distribution over paths.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MoneyStats {
    /// Percentiles.
    #[serde(flatten)]
    pub percentiles: Percentiles,
    /// Mean, when known: the exact sum over paths divided by their number,
    /// correctly rounded (so always within [min, max]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// Smallest value over all paths.
    pub min: Option<f64>,
    /// Largest value over all paths.
    pub max: Option<f64>,
}

impl MoneyStats {
    fn of(sketch: &Sketch, mean: Option<f64>) -> MoneyStats {
        MoneyStats {
            percentiles: Percentiles::of(sketch),
            mean,
            min: sketch.min(),
            max: sketch.max(),
        }
    }
}

/// One month of the insolvency curve.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MonthRow {
    /// The month.
    pub month: Month,
    /// P(insolvent by the end of this month).
    pub cumulative_probability: f64,
    /// Its 95 % Wilson interval.
    pub cumulative_ci95: [f64; 2],
    /// Paths insolvent by the end of this month.
    pub cumulative_count: u64,
    /// P(first insolvent in this month).
    pub probability_in_month: f64,
    /// Paths first insolvent in this month.
    pub count_in_month: u64,
    /// Per-month percentiles of cash, revenue and cost (with `--out` or JSON fan).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cash: Option<Percentiles>,
    /// Revenue earned in the month, percentiles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revenue: Option<Percentiles>,
    /// Cost incurred in the month, percentiles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Percentiles>,
}

/// The insolvency result.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Insolvency {
    /// P(insolvent by the horizon).
    pub probability: f64,
    /// 95 % interval.
    pub ci95: [f64; 2],
    /// k: paths insolvent by the horizon.
    pub count: u64,
    /// How the interval is computed.
    pub interval_method: &'static str,
    /// Month by month.
    pub by_month: Vec<MonthRow>,
    /// Median month of insolvency among insolvent paths.
    pub median_month: Option<Month>,
    /// Most likely month of insolvency (largest count).
    pub peak_month: Option<Month>,
}

/// Months of runway: months until cash first falls below the floor.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Runway {
    /// 5th percentile in months; `None` = beyond the horizon.
    pub p5: Option<u32>,
    /// 25th percentile.
    pub p25: Option<u32>,
    /// Median.
    pub p50: Option<u32>,
    /// Months simulated: a runway beyond this is reported as `None`.
    pub horizon_months: u32,
}

/// How often a named event happened.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventRate {
    /// Field path of the event, e.g. `funding.microsoft`.
    pub name: String,
    /// Share of paths (with interval and counts).
    #[serde(flatten)]
    pub share: Proportion,
}

/// How the run was made (only `run.*` may differ between identical runs).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RunInfo {
    /// Worker threads.
    pub threads: usize,
    /// Wall-clock seconds of the simulation.
    pub elapsed_seconds: f64,
    /// Paths per second.
    pub paths_per_second: f64,
    /// For a merged run: its shards' times (`elapsed_seconds` is then the
    /// span from the first shard's start to the last one's finish).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shards: Option<ShardTimes>,
}

/// The times of a merged run's shards.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct ShardTimes {
    /// Number of shards.
    pub count: u64,
    /// Their seconds, summed.
    pub shard_seconds: f64,
    /// Their seconds × their threads, summed: processor time reserved.
    pub thread_seconds: f64,
}

/// Everything a report shows.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    /// runway version.
    pub runway_version: &'static str,
    /// Model name, file and scenario.
    pub model: ModelInfo,
    /// Paths simulated.
    pub paths: u64,
    /// Seed.
    pub seed: u64,
    /// First month.
    pub start: Month,
    /// Last month.
    pub horizon: Month,
    /// Money unit.
    pub unit: String,
    /// The insolvency floor.
    pub floor: f64,
    /// Insolvency probability and curve.
    pub insolvency: Insolvency,
    /// A model with debt or covenants: P(first covenant breach), the same
    /// shape as `insolvency` (absent for a model without them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breach: Option<Insolvency>,
    /// P(insolvent or in breach, whichever comes first), the same shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Insolvency>,
    /// The failing paths' shortfall, floor − lowest cash: the money each
    /// would have needed at its worst.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortfall: Option<MoneyStats>,
    /// Cash at the horizon.
    pub end_cash: MoneyStats,
    /// Lowest cash reached.
    pub lowest_cash: MoneyStats,
    /// Months of runway.
    pub runway_months: Runway,
    /// Mean funding received per path.
    pub mean_funding_received: f64,
    /// How often each inflow arrived within the horizon.
    pub inflows: Vec<EventRate>,
    /// How often each shock struck.
    pub shocks: Vec<EventRate>,
    /// Method notes: generator, block size, quantile error.
    pub method: Method,
    /// With `--precision`: the target, whether it was met, and the trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub convergence: Option<Convergence>,
    /// Warnings about the result's precision (also printed on stderr).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Timing of this run.
    pub run: RunInfo,
}

/// A precision-controlled run: paths were added until the 95 % interval of
/// P(insolvent) was narrow enough.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Convergence {
    /// Target half-width of the 95 % interval.
    pub target_half_width: f64,
    /// Whether the target was met (else `max_paths` was reached).
    pub reached: bool,
    /// The cap on paths.
    pub max_paths: u64,
    /// The interval after each check, at fixed block counts.
    pub trace: Vec<ConvergencePoint>,
}

/// One check of a precision-controlled run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ConvergencePoint {
    /// Paths simulated so far.
    pub paths: u64,
    /// P(insolvent) so far.
    pub probability: f64,
    /// Its 95 % interval.
    pub ci95: [f64; 2],
    /// Half the interval's width.
    pub half_width: f64,
}

/// A warning when few paths are insolvent: the count, and about how many
/// paths a 10 % relative precision (95 % half-width = P / 10) would need.
pub fn few_events_warning(insolvent: u64, paths: u64) -> Option<String> {
    if insolvent >= 100 || paths == 0 {
        return None;
    }
    let p = insolvent as f64 / paths as f64;
    let needed = if insolvent == 0 {
        "at least ".to_string()
            + &format!("{}", (3.0 * 384.0 * paths as f64).max(1e6) as u64)
            + " (no insolvent path yet, so P is below about 3/n)"
    } else {
        format!(
            "about {}",
            (Z_95.powi(2) * (1.0 - p) / (0.01 * p)).ceil() as u64
        )
    };
    Some(format!(
        "only {insolvent} of {paths} paths became insolvent: the relative precision of P is poor; for ±10 % relative precision (95 %) you need {needed} paths: simulate more paths, or set a precision target"
    ))
}

/// Model identification.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ModelInfo {
    /// Display name.
    pub name: String,
    /// File label.
    pub file: String,
    /// Scenario, if any.
    pub scenario: Option<String>,
}

/// How numbers were made.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Method {
    /// Random generator and seeding.
    pub generator: &'static str,
    /// Paths per block.
    pub block_size: usize,
    /// Sampling method.
    pub sampling: &'static str,
    /// Quantile method and its error bound.
    pub quantiles: String,
}

impl Summary {
    /// Builds the summary of a finished run (its seed is the tally's own).
    pub fn new(model: &Model, tally: &Tally, run: RunInfo) -> Summary {
        let seed = tally.seed;
        let n = tally.paths;
        let fan = tally.fan.as_ref();
        let by_month: Vec<MonthRow> = tally
            .insolvent_in_month
            .iter()
            .zip(tally.insolvent_by_month())
            .enumerate()
            .map(|(i, (&k, cumulative))| {
                let p = Proportion::new(cumulative, n);
                MonthRow {
                    month: model.month_label(i as u32 + 1),
                    cumulative_probability: p.probability,
                    cumulative_ci95: p.ci95,
                    cumulative_count: cumulative,
                    probability_in_month: if n == 0 { 0.0 } else { k as f64 / n as f64 },
                    count_in_month: k,
                    cash: fan.map(|f| Percentiles::of(&f.cash[i])),
                    revenue: fan.map(|f| Percentiles::of(&f.revenue[i])),
                    cost: fan.map(|f| Percentiles::of(&f.cost[i])),
                }
            })
            .collect();
        let total = Proportion::new(tally.insolvent(), n);
        let insolvent = tally.insolvent();
        let runway_pct = |q: f64| tally.month_reaching(((q * n as f64).ceil() as u64).max(1));
        let peak = tally
            .insolvent_in_month
            .iter()
            .enumerate()
            .filter(|(_, &k)| k > 0)
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
            .map(|(i, _)| model.month_label(i as u32 + 1));
        let mean = |sum: &ExactSum| (n > 0).then(|| sum.divided_by(n));
        Summary {
            runway_version: env!("CARGO_PKG_VERSION"),
            model: ModelInfo {
                name: model.name.clone(),
                file: model.source.label.clone(),
                scenario: model.scenario.clone(),
            },
            paths: n,
            seed,
            start: model.start,
            horizon: model.horizon(),
            unit: model.unit.clone(),
            floor: model.floor,
            breach: (tally.failure.as_ref()).map(|f| failure_curve(model, &f.breach_in_month, n)),
            failure: (tally.failure.as_ref()).map(|f| failure_curve(model, &f.failure_in_month, n)),
            shortfall: (tally.failure.as_ref()).map(|f| MoneyStats::of(&f.shortfall, None)),
            insolvency: Insolvency {
                probability: total.probability,
                ci95: total.ci95,
                count: total.count,
                interval_method: "Wilson score, 95 %",
                by_month,
                median_month: tally
                    .month_reaching(insolvent.div_ceil(2))
                    .map(|t| model.month_label(t)),
                peak_month: peak,
            },
            end_cash: MoneyStats::of(&tally.end_cash, mean(&tally.end_cash_sum)),
            lowest_cash: MoneyStats::of(&tally.lowest_cash, None),
            runway_months: Runway {
                p5: runway_pct(0.05),
                p25: runway_pct(0.25),
                p50: runway_pct(0.5),
                horizon_months: model.months,
            },
            mean_funding_received: mean(&tally.funding_sum).unwrap_or(0.0),
            inflows: model
                .inflows
                .iter()
                .zip(&tally.inflow_arrived)
                .map(|(f, &k)| EventRate {
                    name: f.path.clone(),
                    share: Proportion::new(k, n),
                })
                .collect(),
            shocks: model
                .shocks
                .iter()
                .zip(&tally.shock_struck)
                .map(|(s, &k)| EventRate {
                    name: format!("shocks.{}", s.name),
                    share: Proportion::new(k, n),
                })
                .collect(),
            method: Method {
                generator: GENERATOR_NAME,
                block_size: BLOCK_SIZE,
                sampling: model.sampling.describe(),
                quantiles: format!(
                    "log-bucket sketch, relative error at most {:.2} %, exact min and max",
                    SKETCH_RELATIVE_ERROR * 100.0
                ),
            },
            convergence: None,
            warnings: few_events_warning(tally.insolvent(), n)
                .into_iter()
                .collect(),
            run,
        }
    }
}

/// The curve of a failure other than insolvency (a breach, or either),
/// from its counts of paths by first month: the shape of
/// [`Summary::insolvency`], without the per-month percentiles.
fn failure_curve(model: &Model, in_month: &[u64], n: u64) -> Insolvency {
    let by_month = crate::stats::cumulative(in_month);
    let total = by_month.last().copied().unwrap_or(0);
    let reaching = |rank: u64| {
        (rank > 0)
            .then(|| by_month.partition_point(|&k| k < rank))
            .filter(|&i| i < by_month.len())
            .map(|i| model.month_label(i as u32 + 1))
    };
    let peak = (in_month.iter().enumerate())
        .filter(|(_, &k)| k > 0)
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| model.month_label(i as u32 + 1));
    let p = Proportion::new(total, n);
    Insolvency {
        probability: p.probability,
        ci95: p.ci95,
        count: p.count,
        interval_method: "Wilson score, 95 %",
        by_month: (in_month.iter().zip(&by_month).enumerate())
            .map(|(i, (&k, &cumulative))| {
                let c = Proportion::new(cumulative, n);
                MonthRow {
                    month: model.month_label(i as u32 + 1),
                    cumulative_probability: c.probability,
                    cumulative_ci95: c.ci95,
                    cumulative_count: cumulative,
                    probability_in_month: if n == 0 { 0.0 } else { k as f64 / n as f64 },
                    count_in_month: k,
                    cash: None,
                    revenue: None,
                    cost: None,
                }
            })
            .collect(),
        median_month: reaching(total.div_ceil(2)),
        peak_month: peak,
    }
}
