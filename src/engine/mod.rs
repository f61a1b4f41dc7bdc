//! The simulation: a model compiled to flat arrays, stepped month by month
//! over blocks of paths, run on a pool of threads.
//!
//! Paths are simulated in blocks of [`BLOCK_SIZE`]. Within a block every
//! quantity is a structure of arrays (one `f64` per path), so each month is
//! a handful of tight loops over contiguous memory. A block's random numbers
//! come from streams keyed by (seed, block, input path) only; a block's
//! result is a [`Tally`] of integers that merges exactly. Together these make
//! a run bit-identical for any number of threads, and for any split of its
//! blocks into shards. A worker allocates its scratch once and reuses it for
//! every block, so the per-path loop allocates nothing and memory does not
//! grow with the number of paths.
//!
//! The entry points:
//! - [`simulate`]: a model's merged [`Tally`], the plain run;
//! - [`simulate_plans`]: one or more compiled [`Plan`]s on the same blocks
//!   (common random numbers), each worker with an [`Observer`] that sees
//!   every block through read-only [`BlockView`]s; a destination that the
//!   whole run shares (a file in path order) is a [`BlockSink`], which each
//!   worker reaches through a [`SinkObserver`];
//! - [`estimate_seconds`]: how long a run will take, from a few timed blocks.
//!
//! The code, in the order a block runs: `plan` (the model compiled to
//! slots), `scratch` (a worker's memory), `block` (one block: draw, step,
//! tally), `draws` (its random inputs), `months` (the monthly step, by concern: `revenue`, `costs`,
//! `funding`, `shocks`, `cash`; `schedule` and `headcount` for lines with a
//! plan), `observe` (what observers see) and `driver` (blocks on threads).

// Per-path loops index several parallel arrays at once (structure of
// arrays); an index loop is the clearest way to write that.
#![allow(clippy::needless_range_loop)]

mod block;
mod cash;
mod costs;
mod covenants;
mod debt;
mod draws;
mod driver;
mod funding;
mod headcount;
mod months;
mod observe;
mod plan;
mod revenue;
mod schedule;
mod scores;
mod scratch;
mod shocks;

pub use driver::{estimate_seconds, for_each_block, simulate_plans, Run};
pub use observe::{BlockSink, BlockView, MonthFigure, Observer, PathOutcome, SinkObserver};
pub use plan::Plan;
pub use scores::{Dimension, ScoreLayout, ScoredBlock};

use crate::error::Result;
use crate::model::Model;
use crate::stats::Tally;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64};

/// Paths per block. Part of the reproducibility contract: changing it
/// changes every result.
pub const BLOCK_SIZE: usize = 1024;

/// Arrival month meaning "never within the horizon".
const NEVER: u32 = u32::MAX;
/// Arrival month meaning "waiting for its trigger".
const PENDING: u32 = 0;

/// Which paths to run and how.
#[derive(Debug, Clone)]
pub struct RunSpec {
    /// Total paths of the run (the last block may be partial).
    pub paths: u64,
    /// The run's seed.
    pub seed: u64,
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Keep per-month sketches of cash, revenue and cost.
    pub fan: bool,
    /// Run only these blocks (a shard); `None` = every block.
    pub blocks: Option<Range<u64>>,
}

impl RunSpec {
    /// Number of blocks the run's paths fill.
    pub fn block_count(&self) -> u64 {
        self.paths.div_ceil(BLOCK_SIZE as u64)
    }

    /// The blocks this run simulates: [`RunSpec::blocks`], or every block.
    pub fn block_range(&self) -> Range<u64> {
        self.blocks.clone().unwrap_or(0..self.block_count())
    }

    /// Paths in the blocks this run simulates (at most [`RunSpec::paths`]).
    pub fn paths_to_run(&self) -> u64 {
        let blocks = self.block_range();
        (blocks.end.saturating_sub(blocks.start) * BLOCK_SIZE as u64).min(self.paths)
    }
}

/// Shared progress and cancellation between the run and its caller.
#[derive(Debug, Default)]
pub struct Progress {
    /// Paths finished so far.
    pub paths_done: AtomicU64,
    /// Set to stop the run at the next block boundary (the run also sets it
    /// when a block fails, so that no worker waits for that block).
    pub cancel: AtomicBool,
}

/// Runs the blocks of `spec` on `spec.threads` threads and returns the
/// merged tally. Bit-identical for any thread count.
pub fn simulate(model: &Model, spec: &RunSpec, progress: &Progress) -> Result<Tally> {
    let plan = Plan::new(model);
    Ok(simulate_plans(&[&plan], spec, progress, || ())?.into_tally())
}
