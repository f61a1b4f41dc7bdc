//! `runway update`: the forecast conditioned on the months observed so far.
//!
//! METHOD-DOC

mod likelihood;
mod particles;
mod report;
mod steps;

pub use likelihood::ObservationErrors;

use crate::analysis::backtest::Actuals;
use crate::engine::Progress;
use crate::error::Result;
use crate::model::{Model, Month};
use serde::Serialize;

/// Particles an update uses when the caller does not say.
pub const DEFAULT_PATHS: u64 = 20_000;

/// The fewest particles an update takes.
pub const MIN_PATHS: u64 = 100;

/// The most memory the particles' scores may take (bytes): paths × score
/// dimensions × 8 bytes, with the copies a move makes.
pub const MAX_PARTICLE_BYTES: u64 = 4 << 30;

/// What an update is asked to do.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateSpec {
    /// Particles (paths), from [`MIN_PATHS`] up; memory grows with them
    /// (see the module's text).
    pub paths: u64,
    /// The run's seed.
    pub seed: u64,
    /// Worker threads (the result is the same for any count).
    pub threads: usize,
    /// The month the forecast is made in; `None` = the last month the
    /// actuals observe. The company is taken as solvent through it.
    pub as_of: Option<Month>,
    /// The observation-error model.
    pub errors: ObservationErrors,
    /// Resample when the effective sample size falls below this fraction
    /// of the paths (0 < f ≤ 1).
    pub resample_below: f64,
    /// Metropolis sweeps over every particle after each resampling.
    pub moves: usize,
}

impl Default for UpdateSpec {
    fn default() -> UpdateSpec {
        UpdateSpec {
            paths: DEFAULT_PATHS,
            seed: 1,
            threads: 1,
            as_of: None,
            errors: ObservationErrors::default(),
            resample_below: 0.5,
            moves: 5,
        }
    }
}

/// P(insolvent by a month), estimated from weighted particles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthProbability {
    /// The month.
    pub month: Month,
    /// P(insolvent by the end of it).
    pub probability: f64,
    /// 95 % Wilson interval with n = the effective paths (Monte Carlo
    /// error only).
    pub ci95: [f64; 2],
    /// The effective sample size behind it.
    pub effective_paths: f64,
}

/// An insolvency forecast: by month, and by the horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    /// P(insolvent by each month), from the month after the as-of month to
    /// the horizon.
    pub insolvency: Vec<MonthProbability>,
    /// P(insolvent by the horizon).
    pub horizon: MonthProbability,
}

/// The median and 90 % range of an input.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// The median.
    pub median: f64,
    /// The 5th percentile.
    pub p5: f64,
    /// The 95th percentile.
    pub p95: f64,
}

/// One uncertain per-path input, before and after the observations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputPosterior {
    /// The input's field path.
    pub path: String,
    /// Its distribution in the model (exact quantiles, as `check` shows).
    pub prior: Spread,
    /// Its distribution given the observations (weighted quantiles of the
    /// particles).
    pub posterior: Spread,
}

/// What one observed month did to the particles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepDiagnostics {
    /// The month.
    pub month: Month,
    /// Values observed in it (0 for a month that only says the company
    /// was solvent: the as-of month, or the `insolvent` column's).
    pub observations: usize,
    /// Effective sample size after weighting by the month's likelihood,
    /// before any resampling.
    pub ess: f64,
    /// Whether the particles were resampled and moved after it.
    pub resampled: bool,
    /// Share of the Metropolis proposals accepted (over the sweeps);
    /// `None` when nothing was moved.
    pub acceptance: Option<f64>,
}

/// The reforecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Update {
    /// The month the forecast is made in.
    pub as_of: Month,
    /// Particles (paths).
    pub paths: u64,
    /// The forecast the model makes at its start, before any observation
    /// (unconditioned, by the same months).
    pub prior: Forecast,
    /// The prior forecast given only that the company was solvent through
    /// the as-of month (what survival alone says, without the figures).
    pub prior_solvent: Forecast,
    /// The forecast given the observations.
    pub posterior: Forecast,
    /// Each uncertain per-path input, prior against posterior.
    pub inputs: Vec<InputPosterior>,
    /// Effective sample size of the posterior: Kish's (Σw)²/Σw² over the
    /// distinct particles (copies a resampling made and no move changed
    /// count once).
    pub effective_paths: f64,
    /// One entry per step (observed month), in month order.
    pub steps: Vec<StepDiagnostics>,
    /// What to keep in mind: a collapsed sample, and the like.
    pub warnings: Vec<String>,
}

impl Update {
    /// Change of P(insolvent by the horizon): posterior − prior.
    pub fn change(&self) -> f64 {
        self.posterior.horizon.probability - self.prior.horizon.probability
    }
}

/// The posterior particles themselves: each path's scores and weight, for
/// callers that want more than the report (the tests' oracles).
#[derive(Debug, Clone)]
pub struct Particles {
    /// Score dimensions per path (as the plan's
    /// [`crate::engine::ScoreLayout`]).
    pub dims: usize,
    /// Scores, path-major: path i's are `scores[i * dims..(i + 1) * dims]`.
    pub scores: Vec<f64>,
    /// Normalised weights (sum 1), one per path.
    pub weights: Vec<f64>,
}

/// The forecast of `model` conditioned on `actuals` (see the module's
/// text). Errors: bad settings or actuals that do not fit the model
/// (exit 2), and observations no path of the model can reproduce (exit 2).
pub fn update(
    model: &Model,
    actuals: &Actuals,
    spec: &UpdateSpec,
    progress: &Progress,
) -> Result<Update> {
    Ok(update_with_particles(model, actuals, spec, progress)?.0)
}

/// [`update`], with the posterior particles.
pub fn update_with_particles(
    model: &Model,
    actuals: &Actuals,
    spec: &UpdateSpec,
    progress: &Progress,
) -> Result<(Update, Particles)> {
    steps::run(model, actuals, spec, progress)
}
