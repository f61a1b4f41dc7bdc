//! A run to a precision: paths are added until the 95 % interval of
//! P(insolvent) is narrow enough, or a cap on paths is reached.
//!
//! The interval is checked at fixed block counts (16, 32, 64, … blocks), so
//! the same seed stops at the same place for any thread count.

use crate::analysis::summary::{Convergence, ConvergencePoint};
use crate::engine::{RunSpec, BLOCK_SIZE};
use crate::error::Result;
use crate::stats::{Proportion, Tally};

/// Blocks simulated before the first check; each later check comes after
/// twice as many blocks in all.
const FIRST_CHECK_BLOCKS: u64 = 16;

/// Adds blocks until the 95 % half-width of P(insolvent) is at most
/// `target_half_width` or `max_paths` is reached. `run_round` simulates
/// the blocks between two checks: it is given `spec` with `blocks` set to
/// them (and `paths` to the paths up to their end) and returns their tally.
/// Returns the merged tally and the trace of the checks.
pub fn run_to_precision(
    spec: &RunSpec,
    target_half_width: f64,
    max_paths: u64,
    mut run_round: impl FnMut(&RunSpec) -> Result<Tally>,
) -> Result<(Tally, Convergence)> {
    let max_blocks = max_paths.div_ceil(BLOCK_SIZE as u64);
    let mut merged: Option<Tally> = None;
    let mut trace = Vec::new();
    let (mut done, mut next) = (0u64, FIRST_CHECK_BLOCKS.min(max_blocks));
    let reached = loop {
        let round = RunSpec {
            paths: (next * BLOCK_SIZE as u64).min(max_paths),
            blocks: Some(done..next),
            ..spec.clone()
        };
        let part = run_round(&round)?;
        let tally = match merged.as_mut() {
            Some(tally) => {
                tally.merge(&part);
                tally
            }
            None => merged.insert(part),
        };
        let p = Proportion::new(tally.insolvent(), tally.paths);
        let half = p.half_width();
        trace.push(ConvergencePoint {
            paths: tally.paths,
            probability: p.probability,
            ci95: p.ci95,
            half_width: half,
        });
        if half <= target_half_width {
            break true;
        }
        if next >= max_blocks {
            break false;
        }
        done = next;
        next = (next * 2).min(max_blocks);
    };
    let convergence = Convergence {
        target_half_width,
        reached,
        max_paths,
        trace,
    };
    Ok((merged.expect("at least one round ran"), convergence))
}
