//! What a run shows of its blocks: each simulated block, read-only, to an
//! [`Observer`] of the worker that ran it, or to a [`BlockSink`] that the
//! whole run shares.

use super::plan::Plan;
use super::scratch::Scratch;
use super::{Progress, BLOCK_SIZE};
use crate::error::Result;
use std::sync::atomic::AtomicBool;

/// Watches the blocks one worker runs (per-path output, statistics beyond
/// the tally). Each worker of a run makes its own observer; the run hands
/// them all back (see [`Run::observers`](super::Run::observers)), to be
/// merged by the caller, so that what they gather can stay exact and free
/// of the thread count.
pub trait Observer: Send {
    /// A block has been simulated and tallied: one view per plan of the run,
    /// in the order of the plans, all of the same block (the same paths, the
    /// same random numbers for the inputs the plans share). A worker's
    /// blocks arrive in increasing order. An error stops the run.
    fn observe(&mut self, blocks: &[BlockView<'_>]) -> Result<()>;
}

/// Watches nothing: a run that needs only its tallies.
impl Observer for () {
    fn observe(&mut self, _: &[BlockView<'_>]) -> Result<()> {
        Ok(())
    }
}

/// An observer that may be absent.
impl<O: Observer> Observer for Option<O> {
    fn observe(&mut self, blocks: &[BlockView<'_>]) -> Result<()> {
        match self {
            Some(observer) => observer.observe(blocks),
            None => Ok(()),
        }
    }
}

/// One simulated block of one plan, read-only: the block's place in the
/// run, the per-path inputs drawn, the happening draws of the inflows and
/// each path's outcome. Only the paths that count are shown (a run's last
/// block may be partial).
#[derive(Clone, Copy)]
pub struct BlockView<'a> {
    plan: &'a Plan,
    scratch: &'a Scratch,
    block: u64,
    paths: usize,
}

impl<'a> BlockView<'a> {
    /// The view of block `block`, just simulated into `scratch`, whose first
    /// `paths` paths count.
    pub(super) fn new(plan: &'a Plan, scratch: &'a Scratch, block: u64, paths: usize) -> Self {
        BlockView {
            plan,
            scratch,
            block,
            paths,
        }
    }

    /// The plan simulated.
    pub fn plan(&self) -> &'a Plan {
        self.plan
    }

    /// The block's index in the run.
    pub fn block(&self) -> u64 {
        self.block
    }

    /// Index of the block's first path in the run.
    pub fn first_path(&self) -> u64 {
        self.block * BLOCK_SIZE as u64
    }

    /// How many of the block's paths count (all [`BLOCK_SIZE`], except in a
    /// partial last block).
    pub fn paths(&self) -> usize {
        self.paths
    }

    /// The values per-path input `slot` drew, one per path that counts
    /// (slots as in [`Plan::input_paths`]).
    pub fn input(&self, slot: usize) -> &'a [f64] {
        &self.scratch.inputs[slot][..self.paths]
    }

    /// Every per-path input, by slot (see [`BlockView::input`]).
    pub fn inputs(&self) -> impl ExactSizeIterator<Item = &'a [f64]> + 'a {
        let paths = self.paths;
        self.scratch
            .inputs
            .iter()
            .map(move |values| &values[..paths])
    }

    /// The uniform draws that decided whether inflow `inflow` happens (it
    /// happens when the draw is below its probability), one per path that
    /// counts; meaningful only for inflows whose happening is drawn (see
    /// [`Plan::drawn_happenings`]).
    ///
    /// Numbers past the inflows are the credit lines whose existence is
    /// drawn (`debt.NAME.available`: the line is there when the draw is
    /// below its probability).
    pub fn happens(&self, inflow: usize) -> &'a [f64] {
        match inflow.checked_sub(self.plan.inflows.len()) {
            None => &self.scratch.happens[inflow][..self.paths],
            Some(line) => &self.scratch.debt.available[line][..self.paths],
        }
    }

    /// Each path's cash at the end of month `month` (1-based), one per path
    /// that counts; `None` unless the plan records it
    /// ([`Plan::recording_monthly_cash`]) or for a month outside the horizon.
    pub fn cash_at_month_end(&self, month: u32) -> Option<&'a [f64]> {
        let m = (month as usize).checked_sub(1)?;
        self.scratch.cash_by_month.get(m).map(|c| &c[..self.paths])
    }

    /// Each path's figure `figure` in month `month` (1-based; cash at the
    /// month's end), one per path that counts; `None` unless the plan
    /// records its months ([`Plan::recording_months`]; cash also with
    /// [`Plan::recording_monthly_cash`]) or for a month outside the horizon.
    pub fn month_end(&self, figure: MonthFigure, month: u32) -> Option<&'a [f64]> {
        let m = (month as usize).checked_sub(1)?;
        let by_month = match figure {
            MonthFigure::Cash => &self.scratch.cash_by_month,
            MonthFigure::Revenue => &self.scratch.revenue_by_month,
            MonthFigure::Cost => &self.scratch.cost_by_month,
            MonthFigure::Users => &self.scratch.users_by_month,
        };
        by_month.get(m).map(|c| &c[..self.paths])
    }

    /// Whether inflow `inflow` arrived on each path that counts (0 or 1).
    pub fn arrived(&self, inflow: usize) -> &'a [u8] {
        &self.scratch.arrived[inflow][..self.paths]
    }

    /// Whether shock `shock` struck each path that counts (0 or 1).
    pub fn struck(&self, shock: usize) -> &'a [u8] {
        &self.scratch.fired[shock][..self.paths]
    }

    /// What happened on path `j` of the block (`j` < [`BlockView::paths`]).
    pub fn outcome(&self, j: usize) -> PathOutcome {
        debug_assert!(j < self.paths, "path {j} of the block does not count");
        self.scratch.outcome(j)
    }
}

/// A monthly figure a plan can record for its observers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthFigure {
    /// Cash at the month's end.
    Cash,
    /// The month's revenue.
    Revenue,
    /// The month's cost.
    Cost,
    /// Users at the month's end (lines with users, summed).
    Users,
}

/// What happened on one path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathOutcome {
    /// Month number (1-based) the path first fell below the floor.
    pub insolvent_month: Option<u32>,
    /// Lowest cash at the start or the end of any month.
    pub lowest_cash: f64,
    /// Cash at the horizon.
    pub end_cash: f64,
    /// Funding (cash and credits) received within the horizon.
    pub funding_received: f64,
}

/// A destination of blocks that the whole run shares (a file written in
/// path order): every worker hands it each block it finishes, from its own
/// thread and in any order; the sink puts them in order itself. Each worker
/// reaches it through a [`SinkObserver`].
pub trait BlockSink: Sync {
    /// Takes the views of one block (as [`Observer::observe`]). May wait, to
    /// bound memory, but must give up once `cancel` is set.
    fn take(&self, blocks: &[BlockView<'_>], cancel: &AtomicBool) -> Result<()>;
}

/// A worker's [`Observer`] that hands every block to a shared [`BlockSink`].
pub struct SinkObserver<'a, S: ?Sized> {
    sink: &'a S,
    cancel: &'a AtomicBool,
}

impl<'a, S: BlockSink + ?Sized> SinkObserver<'a, S> {
    /// An observer writing into `sink`, which stops waiting once the run's
    /// `progress` is cancelled.
    pub fn new(sink: &'a S, progress: &'a Progress) -> Self {
        SinkObserver {
            sink,
            cancel: &progress.cancel,
        }
    }
}

impl<S: BlockSink + ?Sized> Observer for SinkObserver<'_, S> {
    fn observe(&mut self, blocks: &[BlockView<'_>]) -> Result<()> {
        self.sink.take(blocks, self.cancel)
    }
}
