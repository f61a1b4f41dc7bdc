//! Paths driven by given scores: every random number a path uses, written as
//! one standard normal score per *dimension*, so that a caller can choose
//! the scores itself (importance sampling shifts them, splitting moves them
//! by a Markov chain, a reforecast rejuvenates them) and the engine maps
//! them to the model's draws.
//!
//! A score z becomes a draw through the input's own law: a normal or
//! lognormal input directly (mean + sd·z, exp(μ + σz)), any other through
//! its inverse CDF at Φ(z); a happening happens when Φ(z) is below its
//! probability; a repeating shock strikes in a month when Φ(z) is below its
//! hazard; a one-off shock's first strike is geometric from Φ(z). So scores
//! drawn independently from N(0, 1) give exactly the model's distribution
//! (the plain run draws the same laws from its own streams, with other
//! numbers), and a change of measure on the scores has a likelihood ratio
//! that only the scores decide.
//!
//! The dimensions, in order: the uncertain per-path inputs (by slot;
//! correlated inputs take their *independent* scores, mixed by the
//! correlation's Cholesky factor as in the plain run), the drawn happenings
//! (inflows, then credit lines: [`Plan::drawn_happenings`]), the first
//! strike of each one-off shock, then month by month the uncertain monthly
//! inputs and the repeating shocks.

use super::observe::BlockView;
use super::plan::Plan;
use super::scratch::Scratch;
use super::BLOCK_SIZE;
use crate::error::Result;
use crate::sampling::rng::stream_key;
use crate::stats::Tally;

/// What one standard normal score decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// Per-path input `slot` (as [`Plan::input_paths`]); for a correlated
    /// input, its independent score before the Cholesky mix.
    Input(usize),
    /// Whether happening `index` happens (numbered as
    /// [`BlockView::happens`]: inflows, then credit lines).
    Happening(usize),
    /// The month of one-off shock `shock`'s first strike.
    FirstStrike(usize),
    /// Monthly input `slot` in month `month` (1-based).
    Monthly {
        /// The monthly slot (as [`Plan::monthly_paths`]).
        slot: usize,
        /// The month, 1-based.
        month: u32,
    },
    /// Whether repeating shock `shock` strikes in month `month` (1-based).
    Strike {
        /// The shock, in file order.
        shock: usize,
        /// The month, 1-based.
        month: u32,
    },
}

/// Where each random number of a plan finds its score: the plan's list of
/// dimensions and the index of each draw in it.
#[derive(Debug, Clone)]
pub struct ScoreLayout {
    dimensions: Vec<Dimension>,
    labels: Vec<String>,
    pub(super) input: Vec<Option<usize>>,
    pub(super) happening: Vec<Option<usize>>,
    pub(super) first_strike: Vec<Option<usize>>,
    /// Rank of each monthly slot within a month's dimensions.
    pub(super) monthly: Vec<Option<usize>>,
    /// Rank of each repeating shock within a month's dimensions.
    pub(super) strike: Vec<Option<usize>>,
    month_base: usize,
    per_month: usize,
}

impl ScoreLayout {
    /// The layout of `plan`.
    pub(super) fn new(plan: &Plan) -> ScoreLayout {
        let mut dimensions = Vec::new();
        let mut labels = Vec::new();
        let mut push = |d: Dimension, label: String| {
            dimensions.push(d);
            labels.push(label);
            Some(dimensions.len() - 1)
        };
        let input: Vec<Option<usize>> = (0..plan.slots.len())
            .map(|i| {
                (plan.slots[i].constant.is_none())
                    .then(|| push(Dimension::Input(i), plan.labels[i].clone()))
                    .flatten()
            })
            .collect();
        let drawn = plan.drawn_happenings();
        let happenings = plan.inflows.len() + plan.debt.revolvers.len();
        let mut happening = vec![None; happenings];
        for (k, label) in drawn {
            happening[k] = push(Dimension::Happening(k), label);
        }
        let first_strike: Vec<Option<usize>> = (plan.shocks.iter().enumerate())
            .map(|(k, sh)| {
                (!sh.repeat)
                    .then(|| push(Dimension::FirstStrike(k), plan.shock_labels[k].clone()))
                    .flatten()
            })
            .collect();
        let month_base = input_dims(&input)
            + happening.iter().flatten().count()
            + first_strike.iter().flatten().count();
        let mut rank = 0;
        let monthly: Vec<Option<usize>> = (plan.monthly.iter())
            .map(|slot| {
                slot.constant.is_none().then(|| {
                    rank += 1;
                    rank - 1
                })
            })
            .collect();
        let strike: Vec<Option<usize>> = (plan.shocks.iter())
            .map(|sh| {
                sh.repeat.then(|| {
                    rank += 1;
                    rank - 1
                })
            })
            .collect();
        let per_month = rank;
        for month in 1..=plan.months {
            for (slot, r) in monthly.iter().enumerate() {
                if r.is_some() {
                    let label = format!("{} (month {month})", plan.monthly_labels[slot]);
                    push(Dimension::Monthly { slot, month }, label);
                }
            }
            for (shock, r) in strike.iter().enumerate() {
                if r.is_some() {
                    let label = format!("{} (month {month})", plan.shock_labels[shock]);
                    push(Dimension::Strike { shock, month }, label);
                }
            }
        }
        ScoreLayout {
            dimensions,
            labels,
            input,
            happening,
            first_strike,
            monthly,
            strike,
            month_base,
            per_month,
        }
    }

    /// A layout of no dimensions (a placeholder while a plan is compiled).
    pub(super) fn empty() -> ScoreLayout {
        ScoreLayout {
            dimensions: Vec::new(),
            labels: Vec::new(),
            input: Vec::new(),
            happening: Vec::new(),
            first_strike: Vec::new(),
            monthly: Vec::new(),
            strike: Vec::new(),
            month_base: 0,
            per_month: 0,
        }
    }

    /// How many dimensions (scores per path).
    pub fn len(&self) -> usize {
        self.dimensions.len()
    }

    /// Whether the plan draws nothing at all.
    pub fn is_empty(&self) -> bool {
        self.dimensions.is_empty()
    }

    /// Every dimension, in order.
    pub fn dimensions(&self) -> &[Dimension] {
        &self.dimensions
    }

    /// What dimension `d` decides.
    pub fn dimension(&self, d: usize) -> Dimension {
        self.dimensions[d]
    }

    /// A label of dimension `d` for reports: the field path of its draw,
    /// with the month for monthly draws.
    pub fn label(&self, d: usize) -> &str {
        &self.labels[d]
    }

    /// A stable key of dimension `d`, for drawing its scores from a stream
    /// of their own (FNV-1a of its label): adding a draw to a model leaves
    /// the other dimensions' keys unchanged.
    pub fn key(&self, d: usize) -> u64 {
        stream_key(&self.labels[d])
    }

    /// The dimensions drawn once per path (inputs, happenings, first
    /// strikes): the first `per_path()` of the list; the rest are monthly.
    pub fn per_path(&self) -> usize {
        self.month_base
    }

    /// The dimension of the monthly draw of rank `rank` in month `t`.
    #[inline(always)]
    pub(super) fn monthly_dimension(&self, rank: usize, t: u32) -> usize {
        self.month_base + (t as usize - 1) * self.per_month + rank
    }
}

/// A worker's memory for simulating blocks of [`BLOCK_SIZE`] paths from
/// given scores (see the module's text): fill [`ScoredBlock::scores_mut`],
/// then [`ScoredBlock::simulate`]. Allocated once, reused for every block.
pub struct ScoredBlock {
    scratch: Scratch,
    tally: Tally,
}

impl ScoredBlock {
    /// Memory for blocks of `plan` (a plan made with
    /// [`Plan::driven_by_scores`]).
    pub fn new(plan: &Plan) -> ScoredBlock {
        let mut scratch = Scratch::new(plan);
        scratch.given = vec![vec![0.0; BLOCK_SIZE]; plan.score_layout().len()];
        scratch.scored = true;
        // The tally only checks that every path stays finite; its counts
        // are never read.
        ScoredBlock {
            scratch,
            tally: plan.empty_tally(0, false),
        }
    }

    /// The scores the next block runs on: one column of [`BLOCK_SIZE`]
    /// scores per dimension of [`Plan::score_layout`], in its order.
    pub fn scores_mut(&mut self) -> &mut [Vec<f64>] {
        &mut self.scratch.given
    }

    /// The scores of the last block (as written by the caller).
    pub fn scores(&self) -> &[Vec<f64>] {
        &self.scratch.given
    }

    /// Simulates every path of a block from the scores in
    /// [`ScoredBlock::scores_mut`] and shows the first `paths` of them
    /// (`block` is the number the view carries). Fails, as a run does, on a
    /// path whose cash or funding is not finite.
    pub fn simulate<'a>(
        &'a mut self,
        plan: &'a Plan,
        block: u64,
        paths: usize,
    ) -> Result<BlockView<'a>> {
        if self.scratch.given.len() != plan.score_layout().len() {
            return Err(crate::error::Error::Internal(
                "a scored block needs the plan it was made for".into(),
            ));
        }
        super::block::run_scored_block(plan, block, paths, &mut self.scratch, &mut self.tally)?;
        Ok(BlockView::new(plan, &self.scratch, block, paths))
    }
}

/// How many per-path inputs have a dimension.
fn input_dims(input: &[Option<usize>]) -> usize {
    input.iter().flatten().count()
}
