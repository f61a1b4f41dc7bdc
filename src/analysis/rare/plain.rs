//! The reference method: plain Monte Carlo on scored blocks.
//!
//! Every score is an independent standard normal (from the stream of its
//! block and dimension), so every path has the model's own distribution
//! and weight 1: the estimate is the share of insolvent paths and its
//! standard error the binomial one. It is what the other methods must
//! agree with on ordinary probabilities, and what a rare-event method's
//! gain is measured against; it is no use for the rare events themselves
//! (at P = 10⁻⁶ it needs about 4·10⁸ paths for ±10 %).

use super::{Diagnostics, Method, MethodRun, RareSpec};
use crate::engine::{for_each_block, Plan, Progress, RunSpec, ScoredBlock};
use crate::error::Result;
use crate::sampling::rng::stream;
use crate::sampling::standard_normal;
use crate::stats::WeightedTally;

/// Fewer insolvent paths than this and plain Monte Carlo's interval is
/// not worth reading (its relative error is above about 30 %).
const FEW_EVENTS: u64 = 10;

/// Plain Monte Carlo on scores: `spec.paths` paths of weight 1.
pub fn estimate(plan: &Plan, spec: &RareSpec, progress: &Progress) -> Result<MethodRun> {
    let run = RunSpec {
        paths: spec.paths,
        seed: spec.seed,
        threads: spec.threads,
        fan: false,
        blocks: spec.blocks.clone(),
    };
    let layout = plan.score_layout();
    let (inflows, shocks) = events(plan);
    let empty = || WeightedTally::new(plan.months() as usize, inflows, shocks);
    let states = for_each_block(
        &run,
        progress,
        || (ScoredBlock::new(plan), empty()),
        |(scored, tally), block, n| {
            for (d, column) in scored.scores_mut().iter_mut().enumerate() {
                let mut rng = stream(spec.seed, block, layout.key(d));
                column
                    .iter_mut()
                    .for_each(|z| *z = standard_normal(&mut rng));
            }
            let view = scored.simulate(plan, block, n)?;
            for j in 0..n {
                tally.add_path(
                    view.outcome(j).insolvent_month,
                    1.0,
                    (0..inflows).map(|k| view.arrived(k)[j] != 0),
                    (0..shocks).map(|k| view.struck(k)[j] != 0),
                );
            }
            Ok(())
        },
    )?;
    // Exact sums: the order of the threads' tallies does not matter.
    let mut tally = empty();
    for (_, t) in &states {
        tally.merge(t);
    }
    Ok(MethodRun {
        method: Method::Plain,
        tally,
        diagnostics: Diagnostics::default(),
    })
}

/// Warnings of a plain Monte Carlo tally (from the merged tally, so the
/// same for any shard split): too few insolvent paths to read the interval.
pub fn warnings(tally: &WeightedTally) -> Vec<String> {
    if tally.event_paths >= FEW_EVENTS {
        return Vec::new();
    }
    vec![format!(
        "plain Monte Carlo saw only {} insolvent path(s) in {}: its interval says little; use --rare tilt or --rare split",
        tally.event_paths, tally.units
    )]
}

/// The plan's inflows and shocks (as its tally counts them).
pub(super) fn events(plan: &Plan) -> (usize, usize) {
    let t = plan.empty_tally(0, false);
    (t.inflow_arrived.len(), t.shock_struck.len())
}
