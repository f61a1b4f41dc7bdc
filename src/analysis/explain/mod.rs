//! `runway explain`: what the paths that run out of money have in common.
//!
//! One pass over the paths (the same seed, so the same paths as `run`),
//! with the plan keeping each path's cash at every month end. Per uncertain
//! per-path input (and each drawn funding happening), and for a dummy input
//! drawn from a stream of its own that the model never reads:
//!
//! - its distribution among the insolvent paths against all paths, and
//!   among those that failed early or late (in or before the median month
//!   of insolvency, or after it): mean shift in standard deviations, median
//!   shift, KS distance, each with an interval or a noise level (the dummy
//!   shows what chance alone gives);
//! - the median cash by month of the paths that end insolvent and of those
//!   that survive (quantile sketches: memory does not grow with paths);
//! - Shapley effects of the inputs on the insolvency indicator and on the
//!   month of insolvency, from given data (see [`shapley`]) on the first
//!   [`SAMPLE_PATHS`] paths: no extra model runs.
//!
//! Bins are integer counts, sums exact, sketches mergeable, and the sample
//! is taken in block order, so the result is the same for any thread count.
mod assemble;
mod observe;
pub mod shapley;
mod shift;

pub use shapley::Share;
pub use shift::GroupShift;

use crate::engine::{simulate_plans, Plan, Progress, RunSpec, BLOCK_SIZE};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::stats::Proportion;
use observe::{Source, Watch};
use serde::Serialize;

/// Paths of the sample the importance is estimated from (the first ones).
pub const SAMPLE_PATHS: u64 = 1 << 15;
/// Most inputs in the Shapley game (the dummy is one more): 2^6 − 1 = 63
/// neighbour searches of the sample.
pub const MAX_PLAYERS: usize = 5;

/// One input's distribution shifts.
#[derive(Debug, Clone, Serialize)]
pub struct InputShift {
    /// Field path of the input.
    pub input: String,
    /// Mean over all paths.
    pub mean: f64,
    /// Standard deviation over all paths.
    pub sd: f64,
    /// Median over all paths.
    pub median: f64,
    /// Among the paths insolvent by the horizon.
    pub insolvent: Option<GroupShift>,
    /// Among those insolvent in or before the median insolvency month.
    pub early: Option<GroupShift>,
    /// Among those insolvent after it.
    pub late: Option<GroupShift>,
}

/// Cash at a month's end among a group of paths: quartiles and median.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CashBand {
    /// Paths in the group.
    pub paths: u64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
}

/// One month of the typical cash paths.
#[derive(Debug, Clone, Serialize)]
pub struct CashMonth {
    /// The month (YYYY-MM).
    pub month: String,
    /// The paths insolvent by the horizon.
    pub insolvent: Option<CashBand>,
    /// The paths that survive.
    pub surviving: Option<CashBand>,
}

/// One input's Shapley effect on one outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Effect {
    /// Field path of the input.
    pub input: String,
    /// Share of the outcome's variance, with its 95 % interval.
    pub shapley: Share,
    /// Whether its interval reaches the dummy's or zero (no effect shown).
    pub indistinguishable_from_dummy: bool,
}

/// The Shapley effects of the inputs on one outcome.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeEffects {
    /// Variance of the outcome over the sample.
    pub variance: f64,
    /// The share the inputs in the game explain together.
    pub explained: Share,
    /// The dummy's effect: what the estimator gives an input of no effect.
    pub dummy: Share,
    /// The inputs, largest effect first.
    pub effects: Vec<Effect>,
}

/// The variance-based importance.
#[derive(Debug, Clone, Serialize)]
pub struct Importance {
    /// Paths of the sample (the first of the run).
    pub sample_paths: u64,
    /// Uncertain inputs of the model; when more than [`MAX_PLAYERS`], the
    /// game holds those with the largest KS distance among insolvent paths.
    pub inputs_screened: usize,
    /// On the insolvency indicator.
    pub insolvency: Option<OutcomeEffects>,
    /// On the month of insolvency (horizon + 1 for a path that survives).
    pub months_to_insolvency: Option<OutcomeEffects>,
}

/// The `explain` report.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// runway version.
    pub runway_version: &'static str,
    /// Model name.
    pub model: String,
    /// Model file.
    pub file: String,
    /// Scenario, if any.
    pub scenario: Option<String>,
    /// Paths.
    pub paths: u64,
    /// Seed.
    pub seed: u64,
    /// Sampling of the per-path inputs.
    pub sampling: &'static str,
    /// First month.
    pub start: String,
    /// Horizon.
    pub horizon: String,
    /// Money unit.
    pub unit: String,
    /// The insolvency floor.
    pub floor: f64,
    /// P(insolvent by the horizon).
    pub insolvency: Proportion,
    /// The median month of insolvency among insolvent paths: early is in
    /// or before it, late after it.
    pub median_insolvency_month: Option<String>,
    /// Inputs by the KS distance among insolvent paths, largest first.
    pub inputs: Vec<InputShift>,
    /// The dummy input's row: what chance alone gives.
    pub dummy: InputShift,
    /// Median cash by month, insolvent against surviving paths.
    pub cash_by_month: Vec<CashMonth>,
    /// Shapley effects.
    pub importance: Importance,
    /// What each measure assumes.
    pub notes: Vec<&'static str>,
}

/// Every uncertain per-path input of the plan and each drawn happening,
/// then the dummy.
fn sources(plan: &Plan) -> Vec<(String, Source)> {
    let mut sources: Vec<(String, Source)> = (plan.input_paths().iter().enumerate())
        .filter(|(i, _)| !plan.slot_is_constant(*i))
        .map(|(i, name)| (name.clone(), Source::Slot(i, plan.slot_dist(i).clone())))
        .collect();
    sources.extend(
        (plan.drawn_happenings().into_iter()).map(|(i, name)| (name, Source::Happening(i))),
    );
    sources.push(("dummy (noise)".into(), Source::Dummy));
    sources
}

/// Whether `model` has an uncertain per-path input for [`run_explain`] to
/// look at.
pub fn has_uncertain_inputs(model: &Model) -> bool {
    sources(&Plan::new(model)).len() > 1
}

/// Runs the pass and explains how the model's paths fail. Fails (exit 2)
/// on a model without uncertain per-path inputs.
pub fn run_explain(model: &Model, spec: &RunSpec, progress: &Progress) -> Result<Explanation> {
    let plan = Plan::new(model).recording_monthly_cash();
    let sources = sources(&plan);
    if sources.len() == 1 {
        return Err(Error::Input {
            file: model.source.label.clone(),
            rule: "explain needs at least one uncertain per-path input (a distribution, or a funding event whose probability is neither 0 nor 1); every input of this model is a constant, so no input can explain its insolvencies".into(),
        });
    }
    let spec = RunSpec {
        fan: false,
        ..spec.clone()
    };
    let sample_blocks = SAMPLE_PATHS / BLOCK_SIZE as u64;
    let run = simulate_plans(&[&plan], &spec, progress, || {
        Watch::new(&sources, spec.seed, model.months, sample_blocks)
    })?;
    let mut observers = run.observers;
    let mut watch = Watch::new(&sources, spec.seed, model.months, sample_blocks);
    for other in &mut observers {
        watch.merge(other);
    }
    let tally = run.tallies.into_iter().next().expect("one plan");
    Ok(assemble::explanation(
        model, &spec, &tally, &sources, &watch,
    ))
}
