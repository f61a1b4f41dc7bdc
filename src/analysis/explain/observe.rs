//! What `explain` gathers from each block: per input, its ranks binned and
//! its values summed exactly, by the month each path became insolvent (or
//! not); per month, sketches of the cash of the paths that end insolvent
//! and of those that survive; and the rows of the first paths, for the
//! variance-based importance. Everything merges exactly and in any order.

use crate::dist::Dist;
use crate::engine::{BlockView, Observer, BLOCK_SIZE};
use crate::error::Result;
use crate::sampling::rng::{open01, stream, stream_key};
use crate::stats::{ExactSquareSum, ExactSum, Sketch};

/// Equal-probability bins of an input's rank.
pub const BINS: usize = 200;

/// Where an input's values come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A per-path input slot with its distribution.
    Slot(usize, Dist),
    /// The uniform draw deciding whether an inflow happens.
    Happening(usize),
    /// The dummy: a uniform draw from a stream of its own that the model
    /// never reads.
    Dummy,
}

/// The stream key of the dummy input (no model field has this path).
pub fn dummy_key() -> u64 {
    stream_key("explain:dummy")
}

/// One input's bins and sums, by insolvency month (0: solvent at the
/// horizon; 1..=H: the month of first insolvency).
#[derive(Debug, Clone)]
pub struct InputAcc {
    /// Counts, `(months + 1) × BINS`, month-major.
    pub bins: Vec<u64>,
    /// Σx by month.
    pub sums: Vec<ExactSum>,
    /// Σx² by month.
    pub squares: Vec<ExactSquareSum>,
}

impl InputAcc {
    fn new(months: usize) -> InputAcc {
        InputAcc {
            bins: vec![0; (months + 1) * BINS],
            sums: vec![ExactSum::new(); months + 1],
            squares: vec![ExactSquareSum::new(); months + 1],
        }
    }

    fn merge(&mut self, o: &InputAcc) {
        for (a, b) in self.bins.iter_mut().zip(&o.bins) {
            *a += b;
        }
        for (a, b) in self.sums.iter_mut().zip(&o.sums) {
            a.merge(b);
        }
        for (a, b) in self.squares.iter_mut().zip(&o.squares) {
            a.merge(b);
        }
    }
}

/// The rows of one block of the sample: each source's rank, and the two
/// outcomes.
#[derive(Debug, Clone)]
pub struct SampleBlock {
    /// The block's index.
    pub block: u64,
    /// Ranks by source (the dummy last), one per path.
    pub ranks: Vec<Vec<f64>>,
    /// 1 for a path insolvent by the horizon, else 0.
    pub insolvent: Vec<f64>,
    /// Month of first insolvency, horizon + 1 for a path that survives.
    pub months: Vec<f64>,
}

/// A worker's gatherings.
pub struct Watch<'a> {
    pub(super) sources: &'a [(String, Source)],
    pub(super) seed: u64,
    pub(super) months: u32,
    pub(super) sample_blocks: u64,
    /// By source, the dummy last.
    pub(super) inputs: Vec<InputAcc>,
    /// Cash at each month's end of the paths insolvent by the horizon.
    pub(super) cash_insolvent: Vec<Sketch>,
    /// The same for the paths that survive.
    pub(super) cash_surviving: Vec<Sketch>,
    pub(super) sample: Vec<SampleBlock>,
    values: Vec<f64>,
    ranks: Vec<f64>,
}

impl<'a> Watch<'a> {
    /// An empty watch of a run of `months` months seeded `seed`, keeping
    /// the rows of blocks below `sample_blocks`.
    pub fn new(
        sources: &'a [(String, Source)],
        seed: u64,
        months: u32,
        sample_blocks: u64,
    ) -> Self {
        let h = months as usize;
        Watch {
            sources,
            seed,
            months,
            sample_blocks,
            inputs: vec![InputAcc::new(h); sources.len()],
            cash_insolvent: vec![Sketch::new(); h],
            cash_surviving: vec![Sketch::new(); h],
            sample: Vec::new(),
            values: vec![0.0; BLOCK_SIZE],
            ranks: vec![0.0; BLOCK_SIZE],
        }
    }

    /// Adds `other`'s gatherings to these (exact, in any order).
    pub fn merge(&mut self, other: &mut Watch<'_>) {
        for (a, b) in self.inputs.iter_mut().zip(&other.inputs) {
            a.merge(b);
        }
        for (a, b) in (self.cash_insolvent.iter_mut().zip(&other.cash_insolvent))
            .chain(self.cash_surviving.iter_mut().zip(&other.cash_surviving))
        {
            a.merge(b);
        }
        self.sample.append(&mut other.sample);
        self.sample.sort_by_key(|b| b.block);
    }

    /// Each path's value and rank of source `s` in `view`, into the buffers.
    fn fill(&mut self, s: usize, view: &BlockView<'_>) {
        let n = view.paths();
        let (values, ranks) = (&mut self.values[..n], &mut self.ranks[..n]);
        match &self.sources[s].1 {
            Source::Slot(i, dist) => {
                for ((v, r), &x) in values.iter_mut().zip(ranks.iter_mut()).zip(view.input(*i)) {
                    *v = x;
                    *r = dist.mid_rank(x);
                }
            }
            Source::Happening(i) => {
                values.copy_from_slice(view.happens(*i));
                ranks.copy_from_slice(view.happens(*i));
            }
            Source::Dummy => {
                let mut rng = stream(self.seed, view.block(), dummy_key());
                for (v, r) in values.iter_mut().zip(ranks.iter_mut()) {
                    *v = open01(&mut rng);
                    *r = *v;
                }
            }
        }
    }
}

impl Observer for Watch<'_> {
    fn observe(&mut self, blocks: &[BlockView<'_>]) -> Result<()> {
        let view = &blocks[0];
        let n = view.paths();
        let month_of: Vec<usize> = (0..n)
            .map(|j| view.outcome(j).insolvent_month.map_or(0, |m| m as usize))
            .collect();
        let sampled = view.block() < self.sample_blocks;
        let mut sample_ranks = Vec::new();
        for s in 0..self.sources.len() {
            self.fill(s, view);
            let acc = &mut self.inputs[s];
            for (j, &m) in month_of.iter().enumerate() {
                let (x, u) = (self.values[j], self.ranks[j]);
                let bin = ((u * BINS as f64) as usize).min(BINS - 1);
                acc.bins[m * BINS + bin] += 1;
                acc.sums[m].add(x);
                acc.squares[m].add_square(x);
            }
            if sampled {
                sample_ranks.push(self.ranks[..n].to_vec());
            }
        }
        for t in 1..=self.months {
            let Some(cash) = view.cash_at_month_end(t) else {
                break;
            };
            let (ins, sur) = (
                &mut self.cash_insolvent[t as usize - 1],
                &mut self.cash_surviving[t as usize - 1],
            );
            for (&c, &m) in cash.iter().zip(&month_of) {
                if c.is_finite() {
                    if m > 0 {
                        ins.add(c);
                    } else {
                        sur.add(c);
                    }
                }
            }
        }
        if sampled {
            let solvent = f64::from(self.months + 1);
            self.sample.push(SampleBlock {
                block: view.block(),
                ranks: sample_ranks,
                insolvent: month_of
                    .iter()
                    .map(|&m| f64::from(u8::from(m > 0)))
                    .collect(),
                months: (month_of.iter())
                    .map(|&m| if m > 0 { m as f64 } else { solvent })
                    .collect(),
            });
        }
        Ok(())
    }
}
