//! Rare events: P(insolvent by each month) when it is 1e-4 to 1e-8, from
//! 10⁵ paths rather than 10⁹, by sampling aimed at the first month cash
//! goes below the floor.
//!
//! Every method runs on scored blocks ([`crate::engine::ScoredBlock`]):
//! the paths' random numbers as standard normal scores, which a method
//! chooses itself. A method returns a [`MethodRun`]: the weighted tally of
//! its independent units (exact sums, so any thread count and shard split
//! give the same bits) and what its diagnostics found. Pilot stages draw
//! from streams derived from the seed only, so every shard of a run repeats
//! the same pilot and lands on the same tuning.

mod cross_entropy;
pub mod importance;
pub mod splitting;

use crate::stats::WeightedTally;
use std::ops::Range;

/// A rare-event method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Importance sampling: a mean shift of the scores (per-path inputs,
    /// happenings, and each month's noise: an exponential tilt toward
    /// ruin), tuned by the cross-entropy method in a pilot stage, with the
    /// exact likelihood ratio as each path's weight.
    Tilt,
    /// Generalised splitting on the distance to the floor: levels fixed by
    /// a pilot stage, paths that reach a level split by Markov chain moves
    /// in score space; unbiased, and indifferent to triggers and discrete
    /// inputs.
    Split,
    /// Plain Monte Carlo on scores, every path of weight 1: the reference
    /// the other methods are checked and measured against (no use for the
    /// rare events themselves).
    Plain,
}

pub mod gain;
mod methods;
mod plain;
pub mod report;

pub use methods::{auto_method, estimator, Choice, Estimator};
pub use report::{estimate, Chosen, RareReport};

/// What a rare-event run is asked to do.
#[derive(Debug, Clone)]
pub struct RareSpec {
    /// Paths of the estimation stage: importance-sampled paths, or the
    /// starting paths of the splitting replicates (one replicate per block
    /// of [`crate::engine::BLOCK_SIZE`] starting paths).
    pub paths: u64,
    /// The run's seed.
    pub seed: u64,
    /// Worker threads.
    pub threads: usize,
    /// Only these blocks of the estimation stage (a shard); `None` = all.
    pub blocks: Option<Range<u64>>,
}

/// What one method's run gives back: its tally and its diagnostics.
#[derive(Debug, Clone)]
pub struct MethodRun {
    /// The method that ran.
    pub method: Method,
    /// The weighted tally of the estimation stage (mergeable).
    pub tally: WeightedTally,
    /// What the pilot chose and what the checks found.
    pub diagnostics: Diagnostics,
}

/// What a method's pilot chose, and its warnings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diagnostics {
    /// Paths the pilot stage simulated (the same in every shard).
    pub pilot_paths: u64,
    /// The pilot's levels of the distance to the floor: cross-entropy
    /// levels, or the splitting levels (last 0: insolvent).
    pub levels: Vec<f64>,
    /// Importance sampling: the largest mean shifts, (dimension label,
    /// shift in standard deviations), largest first.
    pub shifts: Vec<(String, f64)>,
    /// Splitting: how many copies a path that reaches each level makes.
    pub splitting_factors: Vec<u32>,
    /// Splitting: the Markov chain's acceptance rate at each level.
    pub acceptance: Vec<f64>,
    /// Why the answer may be unreliable (weight degeneracy, too few
    /// effective paths, a pilot that never reached the floor); empty when
    /// every check passed.
    pub warnings: Vec<String>,
}

/// The distance of a path to insolvency, the score both methods aim at: 0
/// for a path insolvent within the horizon, else how far its lowest cash
/// stayed above the floor (never 0, so "distance ≤ 0" is insolvency).
pub fn distance_to_floor(outcome: &crate::engine::PathOutcome, floor: f64) -> f64 {
    match outcome.insolvent_month {
        Some(_) => 0.0,
        None => (outcome.lowest_cash - floor).max(f64::MIN_POSITIVE),
    }
}
