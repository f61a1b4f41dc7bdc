//! `runway update`: the forecast conditioned on the months observed so far.
//!
//! The question a monthly reforecast asks: given the cash, revenue, cost and
//! users reported for the months up to now (the actuals `backtest` reads),
//! what is P(insolvent by each later month)? The answer is Bayesian: the
//! model's paths are the prior, the observations weight them by their
//! likelihood, and the forecast is the weighted paths' future.
//!
//! **Particles.** A path is its vector of standard normal scores, one per
//! dimension of the plan's [`crate::engine::ScoreLayout`] (per-path inputs,
//! happenings, first strikes, then each month's noise and strikes); the
//! prior draws every score from N(0, 1), from streams keyed by the run's
//! seed, the block and the dimension. The particles are kept in memory:
//! paths × dimensions × 8 bytes, about three times over during a move (the
//! scores, the proposals, a copy), e.g. 20 000 paths × 150 dimensions =
//! 24 MB each time. Memory grows with the paths by nature (a resampling
//! needs them all at once); more than [`MAX_PARTICLE_BYTES`] is refused.
//!
//! **Steps.** One step per observed month k₁ < k₂ < …, and one for the
//! as-of month (the company is taken as solvent through it: it reports as
//! of then) and for the last month the `insolvent` column says solvent.
//! A step multiplies each particle's weight by the likelihood of that
//! month's observations, and by 0 if the path was insolvent by that month
//! (an observation means the company was still there). Weights are kept
//! as logarithms and normalised after subtracting their largest, so no
//! likelihood underflows.
//!
//! **Observation errors** ([`ObservationErrors`]): revenue, cost and users
//! are lognormal, ln(observed) ~ N(ln(simulated), σ²), default σ = 5 %;
//! cash, which can be negative, is normal with sd σ·max(|observed|, 1 % of
//! the median opening cash), default σ = 2 %. The error is what lets a
//! model that never reproduces a figure exactly be conditioned on it: a
//! smaller σ trusts the figures more and narrows the posterior, but thins
//! the sample (fewer paths come close), down to a warning; a larger σ
//! keeps more paths and moves the forecast less.
//!
//! **Resampling and moves.** When the effective sample size (Σw)²/Σw² falls
//! below `resample_below` × paths, the particles are resampled
//! systematically (one uniform from a stream of the step) and rejuvenated by
//! `moves` Metropolis sweeps that keep the posterior so far invariant: the
//! scores of later months are drawn afresh (the data so far do not touch
//! them), the others take a Crank–Nicolson proposal around a Gaussian fitted
//! to the particles (see the `moves` module's text), adapted towards an
//! acceptance of 25–50 %. Every random number comes from streams keyed by
//! (seed, step, sweep, block, dimension), and every sum runs in path order,
//! so the result is the same for any thread count. A shard split is not
//! possible: resampling needs every particle at once.
//!
//! **Forecast.** After the last step the later months' scores are drawn
//! afresh once more and every particle is simulated to the horizon; the
//! posterior P(insolvent by m) is the weighted share of paths insolvent by
//! m, for the months after the as-of month. Its 95 % interval is Wilson's
//! with n = the effective sample size of that estimate: P(1 − P)/V, V the
//! cluster-robust variance of the weighted mean, clustered by the prior
//! particle each final particle descends from (copies a resampling made
//! are not independent, even after moves). The prior forecast is the
//! model's own at its start, over the same months, unconditioned (P by m
//! counts paths insolvent before the as-of month too); `prior_solvent` is
//! the prior given only survival through the as-of month, to tell what the
//! figures say from what surviving says. The inputs' posterior is the
//! weighted 5th, 50th and 95th percentile of the particles' values, their
//! prior the distribution's exact quantiles.
//!
//! **Warnings and errors.** A step whose effective sample size falls below
//! 5 % of the paths adds a warning (the figures are far in the model's
//! tails, or the errors are small). When no particle survives a step (every
//! path insolvent by then, or a figure the error model cannot reach), the
//! update fails with an input error (exit 2) naming the month and figures:
//! the actuals contradict the model, and no forecast would be honest.

mod likelihood;
mod moves;
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
    /// The effective sample size behind it (the paths' count for the
    /// prior; for the posterior, P(1 − P) over the clustered variance of
    /// the weighted estimate, see the module's text).
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
    /// Effective sample size of the posterior P(insolvent by the horizon)
    /// (its `effective_paths`): P(1 − P)/V, V the variance of the weighted
    /// estimate clustered by the prior particle each particle descends
    /// from, at most Kish's (Σw)²/Σw² (see the module's text).
    pub effective_paths: f64,
    /// One entry per step (observed month), in month order.
    pub steps: Vec<StepDiagnostics>,
    /// What to keep in mind: a collapsed sample, and the like.
    pub warnings: Vec<String>,
    /// False when the posterior descends from fewer than
    /// 20 prior paths (`MIN_LINEAGES`): its numbers are then not to be
    /// used (the command fails with code 1 after printing them).
    pub reliable: bool,
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
