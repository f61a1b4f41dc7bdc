//! `runway backtest`: score a forecast against what happened.
//!
//! The actual outcomes come as a CSV file: a `month` column (`YYYY-MM`) and
//! any of `cash`, `revenue`, `cost`, `users` (the model's unit) and
//! `insolvent`. The model is simulated with per-month sketches (the fan),
//! and every observed value is placed within the simulated distribution of
//! its month and quantity:
//!
//! - its **PIT** (probability integral transform): the mid-rank of the value
//!   among the simulated values, 0 = below every path, 1 = above every path.
//!   A calibrated forecast gives PITs spread evenly over (0, 1);
//! - whether it lies inside the central **50 %** band `[p25, p75]` and the
//!   central **90 %** band `[p5, p95]`; a calibrated forecast holds about 50 %
//!   and 90 % of the observations in them.
//!
//! The insolvency forecast is scored with the **Brier score** (P − outcome)²
//! and the **log score** −ln P(what happened), by the horizon and month by
//! month where the outcome is known.
//!
//! Everything here is a pure function of the model, the tally and the
//! observations: the same seed and paths give the same report for any
//! thread count.

mod actuals;
mod score;

pub use actuals::{
    parse_actuals, read_actuals, Actuals, InsolvencyOutcome, Observation, ALLOWED_COLUMNS,
};
pub use score::score;

use crate::analysis::summary::{ModelInfo, Percentiles};
use crate::engine::{simulate, Progress, RunSpec};
use crate::error::Result;
use crate::model::{Model, Month};
use crate::stats::{Fan, Sketch};
use serde::Serialize;

/// A monthly quantity that the fan tracks and the actuals can observe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Quantity {
    /// Cash at the end of the month.
    Cash,
    /// Revenue earned in the month.
    Revenue,
    /// Cost incurred in the month (whether paid in cash or credits).
    Cost,
    /// Users at the end of the month (sum over users × arpu revenue lines).
    Users,
}

impl Quantity {
    /// Every quantity, in report order.
    pub const ALL: [Quantity; 4] = [
        Quantity::Cash,
        Quantity::Revenue,
        Quantity::Cost,
        Quantity::Users,
    ];

    /// The column name.
    pub fn name(self) -> &'static str {
        match self {
            Quantity::Cash => "cash",
            Quantity::Revenue => "revenue",
            Quantity::Cost => "cost",
            Quantity::Users => "users",
        }
    }

    /// The quantity a column names, if any.
    pub fn from_column(name: &str) -> Option<Quantity> {
        Quantity::ALL.into_iter().find(|q| q.name() == name)
    }

    /// The fan's sketches of this quantity, one per month.
    pub fn sketches(self, fan: &Fan) -> &[Sketch] {
        match self {
            Quantity::Cash => &fan.cash,
            Quantity::Revenue => &fan.revenue,
            Quantity::Cost => &fan.cost,
            Quantity::Users => &fan.users,
        }
    }
}

/// One observation scored against its month's forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObservationScore {
    /// The month.
    pub month: Month,
    /// What was observed.
    pub quantity: Quantity,
    /// The observed value.
    pub observed: f64,
    /// Mid-rank of the value among the simulated values (0 = below all
    /// paths, 1 = above all); `None` when nothing was simulated.
    pub pit: Option<f64>,
    /// The forecast's percentiles for that month.
    #[serde(flatten)]
    pub forecast: Percentiles,
    /// Inside [p25, p75].
    pub in_50: Option<bool>,
    /// Inside [p5, p95].
    pub in_90: Option<bool>,
    /// The forecast is a single value (every path the same); such
    /// observations count for coverage but not in the PIT summary.
    pub point_forecast: bool,
}

/// How many observations fell inside a central band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandCoverage {
    /// Which band.
    pub band: &'static str,
    /// Share a calibrated forecast holds: 0.5 or 0.9.
    pub nominal: f64,
    /// k: observations inside.
    pub inside: u64,
    /// n: observations scored.
    pub observations: u64,
    /// k / n; `None` when n = 0.
    pub rate: Option<f64>,
    /// 95 % Wilson interval of the rate (assumes independent observations).
    pub ci95: Option<[f64; 2]>,
    /// What the interval says about the nominal share.
    pub verdict: &'static str,
}

/// Coverage of the two central bands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// The 50 % band [p25, p75].
    pub band_50: BandCoverage,
    /// The 90 % band [p5, p95].
    pub band_90: BandCoverage,
}

/// Coverage and mean PIT of one quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuantityScore {
    /// The quantity.
    pub quantity: Quantity,
    /// Observations of it.
    pub observations: u64,
    /// Inside the 50 % band.
    pub inside_50: u64,
    /// Inside the 90 % band.
    pub inside_90: u64,
    /// inside_50 / observations.
    pub rate_50: Option<f64>,
    /// inside_90 / observations.
    pub rate_90: Option<f64>,
    /// Mean PIT (point forecasts left out).
    pub mean_pit: Option<f64>,
}

/// A test of the PITs against the uniform distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UniformityTest {
    /// The test.
    pub test: &'static str,
    /// PITs tested.
    pub n: u64,
    /// The statistic D = sup |F_n(u) − u|.
    pub statistic: f64,
    /// Significance level.
    pub alpha: f64,
    /// Critical value of D at `alpha` for this n.
    pub critical_value: f64,
    /// D above the critical value: the PITs are not uniform.
    pub rejects_uniformity: bool,
    /// How far to trust it.
    pub note: String,
}

/// The PITs summarised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PitSummary {
    /// PITs summarised (point forecasts left out).
    pub observations: u64,
    /// Observations left out because every path had the same value.
    pub point_forecasts_left_out: u64,
    /// Mean PIT; 0.5 for a calibrated forecast.
    pub mean: Option<f64>,
    /// Standard error of the mean if the PITs were independent U(0, 1):
    /// 1/√(12 n).
    pub mean_se_if_calibrated: Option<f64>,
    /// Counts in ten bins [0, 0.1), …, [0.9, 1].
    pub histogram: [u64; 10],
    /// Kolmogorov–Smirnov test against U(0, 1).
    pub uniformity: Option<UniformityTest>,
}

/// The insolvency forecast for one month scored against the outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InsolvencyScore {
    /// The month.
    pub month: Month,
    /// Forecast P(insolvent by the end of this month).
    pub probability: f64,
    /// Its 95 % Wilson interval (Monte Carlo error only).
    pub ci95: [f64; 2],
    /// Paths insolvent by this month.
    pub count: u64,
    /// Paths simulated.
    pub paths: u64,
    /// Whether the company was insolvent by then; `None` = not known.
    pub observed: Option<bool>,
    /// (P − outcome)².
    pub brier: Option<f64>,
    /// −ln P(outcome), nats, P clamped by `LOG_SCORE_CLAMP`.
    pub log_score: Option<f64>,
}

/// The insolvency forecast scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InsolvencyScores {
    /// What the actuals say happened.
    pub outcome: String,
    /// P(insolvent by the horizon) against the outcome by the horizon.
    pub by_horizon: InsolvencyScore,
    /// Cumulative P by each month against the outcome by that month, for
    /// the months where it is known.
    pub by_month: Vec<InsolvencyScore>,
    /// Mean Brier score over `by_month`.
    pub mean_brier_by_month: Option<f64>,
    /// Mean log score over `by_month`.
    pub mean_log_score_by_month: Option<f64>,
    /// Probabilities are clamped to [c, 1 − c] for the log score.
    pub log_score_clamp: f64,
}

/// How the scores are computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestMethod {
    /// PIT.
    pub pit: &'static str,
    /// Bands.
    pub bands: &'static str,
    /// Coverage intervals.
    pub coverage_interval: &'static str,
    /// Uniformity test.
    pub uniformity: &'static str,
    /// Probability scores.
    pub probability_scores: &'static str,
}

/// The backtest report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    /// runway version.
    pub runway_version: &'static str,
    /// The model run.
    pub model: ModelInfo,
    /// The actual-outcomes file.
    pub actual_file: String,
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
    /// Every observation, by month then quantity.
    pub observations: Vec<ObservationScore>,
    /// Coverage of the 50 % and 90 % bands.
    pub coverage: Coverage,
    /// Per quantity.
    pub by_quantity: Vec<QuantityScore>,
    /// The PITs summarised.
    pub pit: PitSummary,
    /// The insolvency forecast scored.
    pub insolvency: InsolvencyScores,
    /// How it is computed.
    pub method: BacktestMethod,
    /// What to keep in mind.
    pub notes: Vec<String>,
}

/// Simulates `model` with per-month sketches (forcing `fan`) and scores
/// `actual` against it.
pub fn run_backtest(
    model: &Model,
    actual: &Actuals,
    spec: &RunSpec,
    progress: &Progress,
) -> Result<Backtest> {
    actuals::check_against(model, actual)?;
    let spec = RunSpec {
        fan: true,
        ..spec.clone()
    };
    let tally = simulate(model, &spec, progress)?;
    score(model, &tally, actual, spec.seed)
}
