//! The particles simulated: every path's scores in, its log-likelihood of
//! each step, its month of insolvency and its per-path inputs out, block by
//! block on the run's threads and written back by path index (so the
//! result does not depend on the thread count).

use super::likelihood::Likelihood;
use crate::analysis::backtest::Quantity;
use crate::engine::BLOCK_SIZE;
use crate::engine::{for_each_block, BlockView, MonthFigure, Plan, Progress, RunSpec, ScoredBlock};
use crate::error::Result;
use crate::model::Month;
use crate::sampling::rng::stream_key;

/// One step of the filter: the observations of one month, and the month
/// through which the company is known solvent.
#[derive(Debug, Clone)]
pub(super) struct Step {
    /// The calendar month.
    pub month: Month,
    /// Its month number (1-based).
    pub t: u32,
    /// What was observed in it.
    pub observations: Vec<Likelihood>,
}

/// The plan and the steps the particles are scored against.
pub(super) struct Setup {
    pub plan: Plan,
    pub steps: Vec<Step>,
    /// Score dimensions per path.
    pub dims: usize,
    /// The uncertain per-path input slots, in slot order.
    pub inputs: Vec<usize>,
    /// The month number each score dimension belongs to (0 = per path).
    pub month_of: Vec<u32>,
    /// Particles.
    pub paths: usize,
    pub threads: usize,
}

/// What simulating every particle gave, path-major.
#[derive(Debug, Clone, Default)]
pub(super) struct Sims {
    /// ln-likelihood of each step's observations (path i's at
    /// `i * steps + k`), −∞ once the path is insolvent by the step's month.
    pub loglik: Vec<f64>,
    /// Month number of insolvency, 0 = never.
    pub insolvent: Vec<u32>,
    /// The uncertain per-path inputs' values (path i's at `i * inputs + s`).
    pub inputs: Vec<f64>,
    /// The scores simulated (path-major), when kept.
    pub scores: Vec<f64>,
}

impl Sims {
    /// Path `i`'s ln-likelihood of steps `0..=k` together.
    pub fn cumulative(&self, steps: usize, i: usize, k: usize) -> f64 {
        self.loglik[i * steps..i * steps + k + 1].iter().sum()
    }

    /// Copies path `from` of `other` into path `to` of `self`.
    pub fn copy_path(&mut self, to: usize, other: &Sims, from: usize, setup: &Setup) {
        let (k, s, d) = (setup.steps.len(), setup.inputs.len(), setup.dims);
        self.loglik[to * k..(to + 1) * k].copy_from_slice(&other.loglik[from * k..(from + 1) * k]);
        self.inputs[to * s..(to + 1) * s].copy_from_slice(&other.inputs[from * s..(from + 1) * s]);
        self.insolvent[to] = other.insolvent[from];
        if !other.scores.is_empty() && !self.scores.is_empty() {
            self.scores[to * d..(to + 1) * d]
                .copy_from_slice(&other.scores[from * d..(from + 1) * d]);
        }
    }
}

/// The figure a quantity is in the engine's records.
fn figure(q: Quantity) -> MonthFigure {
    match q {
        Quantity::Cash => MonthFigure::Cash,
        Quantity::Revenue => MonthFigure::Revenue,
        Quantity::Cost => MonthFigure::Cost,
        Quantity::Users => MonthFigure::Users,
    }
}

/// A block's share of [`Sims`].
struct BlockSims {
    block: u64,
    sims: Sims,
}

/// Reads a simulated block into `out`.
fn read_block(setup: &Setup, view: &BlockView<'_>, out: &mut Sims) -> Result<()> {
    let n = view.paths();
    let k = setup.steps.len();
    out.loglik = vec![0.0; n * k];
    out.insolvent = (0..n)
        .map(|j| view.outcome(j).insolvent_month.unwrap_or(0))
        .collect();
    for (s, step) in setup.steps.iter().enumerate() {
        for o in &step.observations {
            let values = view.month_end(figure(o.quantity), step.t).ok_or_else(|| {
                crate::error::Error::Internal("an update's plan records its months".into())
            })?;
            for (j, &v) in values.iter().enumerate() {
                out.loglik[j * k + s] += o.ln(v);
            }
        }
        for j in 0..n {
            let m = out.insolvent[j];
            if m != 0 && m <= step.t {
                out.loglik[j * k + s] = f64::NEG_INFINITY;
            }
        }
    }
    let ni = setup.inputs.len();
    out.inputs = vec![0.0; n * ni];
    for (s, &slot) in setup.inputs.iter().enumerate() {
        for (j, &v) in view.input(slot).iter().enumerate() {
            out.inputs[j * ni + s] = v;
        }
    }
    Ok(())
}

/// Simulates every particle: `fill(block, n, columns)` writes the scores of
/// the block's `n` paths (one column per dimension); `keep` keeps them.
pub(super) fn simulate(
    setup: &Setup,
    progress: &Progress,
    keep: bool,
    fill: impl Fn(u64, usize, &mut [Vec<f64>]) + Sync,
) -> Result<Sims> {
    let spec = RunSpec {
        paths: setup.paths as u64,
        seed: 0,
        threads: setup.threads,
        fan: false,
        blocks: None,
    };
    let make = || (ScoredBlock::new(&setup.plan), Vec::<BlockSims>::new());
    let workers = for_each_block(&spec, progress, make, |(scored, done), block, n| {
        fill(block, n, scored.scores_mut());
        let mut sims = Sims::default();
        if keep {
            let d = setup.dims;
            sims.scores = vec![0.0; n * d];
            for (dim, column) in scored.scores().iter().enumerate() {
                for (j, &z) in column[..n].iter().enumerate() {
                    sims.scores[j * d + dim] = z;
                }
            }
        }
        let view = scored.simulate(&setup.plan, block, n)?;
        read_block(setup, &view, &mut sims)?;
        done.push(BlockSims { block, sims });
        Ok(())
    })?;
    let mut blocks: Vec<BlockSims> = workers.into_iter().flat_map(|(_, done)| done).collect();
    blocks.sort_by_key(|b| b.block);
    let mut all = Sims::default();
    for b in blocks {
        all.loglik.extend_from_slice(&b.sims.loglik);
        all.insolvent.extend_from_slice(&b.sims.insolvent);
        all.inputs.extend_from_slice(&b.sims.inputs);
        all.scores.extend_from_slice(&b.sims.scores);
    }
    Ok(all)
}

/// Copies the scores of block `block`'s `n` paths from the path-major
/// `scores` into `columns`.
pub(super) fn to_columns(
    scores: &[f64],
    dims: usize,
    block: u64,
    n: usize,
    columns: &mut [Vec<f64>],
) {
    let first = block as usize * BLOCK_SIZE;
    for (d, column) in columns.iter_mut().enumerate() {
        for (j, z) in column[..n].iter_mut().enumerate() {
            *z = scores[(first + j) * dims + d];
        }
    }
}

/// A seed derived from the run's `seed` for one purpose and its numbers
/// (a step, a sweep): every random number of an update comes from streams
/// of such seeds, keyed by block and dimension, never by thread.
pub(super) fn derived_seed(seed: u64, purpose: &str, numbers: &[u64]) -> u64 {
    stream_key(&format!("runway update {purpose} {seed} {numbers:?}"))
}
