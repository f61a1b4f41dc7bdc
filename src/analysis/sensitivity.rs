//! `runway sensitivity`: which uncertain inputs drive the risk.
//!
//! Two passes over the same paths (same seed, so the same numbers): the
//! first tallies the run; the second ranks each path's outcome against the
//! first pass's distribution and accumulates, per input:
//!
//! - a **tornado**: P(insolvent) among paths with the input in its lowest
//!   decile vs its highest decile, each with a Wilson interval; their
//!   difference (the swing) with a Newcombe hybrid score interval;
//! - **Spearman rank correlations** of the input with end cash and with
//!   months to insolvency (censored at the horizon);
//! - a **first-order index** of the insolvency indicator, Var(E[I | input]) /
//!   Var(I), by binning the input into 20 equal-probability bins (minus the
//!   bias that binning noise adds).
//!
//! An input's rank is its exact CDF value (mid-rank for discrete inputs), so
//! deciles and bins need no sorting and memory stays flat. All sums are in
//! fixed point, so the result does not depend on the thread count.

use crate::dist::Dist;
use crate::engine::{
    simulate, simulate_plans, BlockView, Observer, Plan, Progress, RunSpec, BLOCK_SIZE,
};
use crate::error::Result;
use crate::model::Model;
use crate::stats::{mid_ranks, newcombe_independent, Proportion, RankLookup, Tally};
use serde::Serialize;

const BINS: usize = 20;
/// Fixed-point scale of rank sums (ranks lie in [0, 1]).
const RANK_SCALE: f64 = (1u64 << 32) as f64;

#[derive(Debug, Clone)]
enum Source {
    Slot(usize, Dist),
    Happening(usize),
}

#[derive(Debug, Clone, Default)]
struct Acc {
    low: (u64, u64),
    high: (u64, u64),
    bins: [(u64, u64); BINS],
    /// Σ ux, Σ ux², Σ uy, Σ uy², Σ ux·uy for end cash; then the same for months.
    cash: [i128; 5],
    months: [i128; 5],
}

impl Acc {
    fn merge(&mut self, o: &Acc) {
        self.low = (self.low.0 + o.low.0, self.low.1 + o.low.1);
        self.high = (self.high.0 + o.high.0, self.high.1 + o.high.1);
        for (a, b) in self.bins.iter_mut().zip(&o.bins) {
            *a = (a.0 + b.0, a.1 + b.1);
        }
        for (a, b) in self
            .cash
            .iter_mut()
            .zip(&o.cash)
            .chain(self.months.iter_mut().zip(&o.months))
        {
            *a += b;
        }
    }
}

fn fixed(x: f64) -> i128 {
    (x * RANK_SCALE).round() as i128
}

fn add_pair(sums: &mut [i128; 5], ux: f64, uy: f64) {
    sums[0] += fixed(ux);
    sums[1] += fixed(ux * ux);
    sums[2] += fixed(uy);
    sums[3] += fixed(uy * uy);
    sums[4] += fixed(ux * uy);
}

fn spearman(sums: &[i128; 5], n: u64) -> Option<f64> {
    let n = n as f64;
    let m = |i: usize| sums[i] as f64 / RANK_SCALE / n;
    let (mx, mxx, my, myy, mxy) = (m(0), m(1), m(2), m(3), m(4));
    let (vx, vy) = (mxx - mx * mx, myy - my * my);
    (vx > 1e-12 && vy > 1e-12).then(|| ((mxy - mx * my) / (vx * vy).sqrt()).clamp(-1.0, 1.0))
}

/// One input's influence.
#[derive(Debug, Clone, Serialize)]
pub struct Driver {
    /// Field path of the input.
    pub input: String,
    /// P(insolvent) with the input in its lowest decile.
    pub lowest_decile: Proportion,
    /// P(insolvent) with the input in its highest decile.
    pub highest_decile: Proportion,
    /// highest − lowest.
    pub swing: f64,
    /// 95 % interval of the swing (Newcombe hybrid score).
    pub swing_ci95: [f64; 2],
    /// Spearman correlation with end cash.
    pub spearman_end_cash: Option<f64>,
    /// Spearman correlation with months to insolvency (horizon + 1 if none).
    pub spearman_months_to_insolvency: Option<f64>,
    /// First-order index of the insolvency indicator (binned, bias-corrected).
    pub first_order_index: Option<f64>,
    /// The share of paths the input's distribution puts in its low and high
    /// groups: 0.1 each for a continuous input; for a discrete one, the
    /// probability of the values that reach into the bottom or top 10 %
    /// (e.g. 0.25 for the lowest of four equally likely values). For the
    /// table's labels; not in the JSON report.
    #[serde(skip)]
    pub group_shares: [f64; 2],
}

/// The sensitivity report.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
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
    /// Horizon.
    pub horizon: String,
    /// P(insolvent by the horizon) over all paths.
    pub insolvency: Proportion,
    /// Drivers sorted by |swing|, largest first.
    pub drivers: Vec<Driver>,
    /// What each measure assumes.
    pub notes: Vec<&'static str>,
}

/// The second pass of one worker: each source's accumulators over the
/// blocks it runs.
struct Ranking<'a> {
    sources: &'a [(String, Source)],
    /// Mid-ranks of end cash in the first pass.
    end_cash_ranks: &'a RankLookup,
    /// Mid-rank of each insolvency month (the last: solvent), first pass.
    month_ranks: &'a [f64],
    /// Month counted for a path that stays solvent (horizon + 1).
    solvent_month: u32,
    accs: Vec<Acc>,
    /// Scratch: each path's (lower, upper) rank bound of the input.
    bounds: Vec<(f64, f64)>,
}

impl Observer for Ranking<'_> {
    fn observe(&mut self, blocks: &[BlockView<'_>]) -> Result<()> {
        let view = &blocks[0];
        let n = view.paths();
        for ((_, source), acc) in self.sources.iter().zip(self.accs.iter_mut()) {
            let bounds = &mut self.bounds;
            match source {
                Source::Slot(i, dist) => {
                    for (b, &x) in bounds.iter_mut().zip(view.input(*i)) {
                        *b = dist.rank_bounds(x);
                    }
                }
                Source::Happening(i) => {
                    for (b, &u) in bounds.iter_mut().zip(view.happens(*i)) {
                        *b = (u, u);
                    }
                }
            }
            for (j, &(below, upper)) in bounds[..n].iter().enumerate() {
                let u = 0.5 * (below + upper);
                let outcome = view.outcome(j);
                let insolvent = u64::from(outcome.insolvent_month.is_some());
                // A value belongs to the lowest decile when some of its
                // probability lies there (for a continuous input: u < 0.1);
                // so the extreme values of a discrete input form the groups.
                if below < 0.1 {
                    acc.low = (acc.low.0 + 1, acc.low.1 + insolvent);
                } else if upper > 0.9 {
                    acc.high = (acc.high.0 + 1, acc.high.1 + insolvent);
                }
                let bin = ((u * BINS as f64) as usize).min(BINS - 1);
                acc.bins[bin] = (acc.bins[bin].0 + 1, acc.bins[bin].1 + insolvent);
                add_pair(
                    &mut acc.cash,
                    u,
                    self.end_cash_ranks.mid_rank(outcome.end_cash),
                );
                let month = outcome.insolvent_month.unwrap_or(self.solvent_month);
                add_pair(&mut acc.months, u, self.month_ranks[month as usize - 1]);
            }
        }
        Ok(())
    }
}

/// Every uncertain per-path input of the plan, and each drawn happening.
fn sources(plan: &Plan) -> Vec<(String, Source)> {
    let mut sources: Vec<(String, Source)> = plan
        .input_paths()
        .iter()
        .enumerate()
        .filter(|(i, _)| !plan.slot_is_constant(*i))
        .map(|(i, name)| (name.clone(), Source::Slot(i, plan.slot_dist(i).clone())))
        .collect();
    sources.extend(
        plan.drawn_happenings()
            .into_iter()
            .map(|(i, name)| (name, Source::Happening(i))),
    );
    sources
}

/// One input's figures from its accumulators over all `n` paths, where the
/// run's P(insolvent) is `p`.
/// The nominal shares of paths in a source's low and high groups (see
/// [`Driver::group_shares`]), from its distribution: the low group is the
/// values whose probability starts below 0.1, the high group those whose
/// probability ends above 0.9.
fn group_shares(source: &Source) -> [f64; 2] {
    match source {
        Source::Happening(_) => [0.1, 0.1],
        Source::Slot(_, dist) => {
            let (_, low_upper) = dist.rank_bounds(dist.quantile(0.1));
            let (high_below, _) = dist.rank_bounds(dist.quantile(0.9 + 1e-9));
            [low_upper, 1.0 - high_below]
        }
    }
}

fn driver(name: &str, source: &Source, acc: &Acc, n: u64, p: f64) -> Driver {
    let low = Proportion::new(acc.low.1, acc.low.0);
    let high = Proportion::new(acc.high.1, acc.high.0);
    let swing = high.probability - low.probability;
    let swing_ci95 = newcombe_independent(&low, &high);
    let var = p * (1.0 - p);
    let first_order_index = (var > 0.0).then(|| {
        let between: f64 = acc
            .bins
            .iter()
            .filter(|b| b.0 > 0)
            .map(|&(m, k)| (m as f64 / n as f64) * (k as f64 / m as f64 - p).powi(2))
            .sum();
        ((between - (BINS as f64 - 1.0) * var / n as f64) / var).clamp(0.0, 1.0)
    });
    Driver {
        input: name.to_string(),
        lowest_decile: low,
        highest_decile: high,
        swing,
        swing_ci95,
        spearman_end_cash: spearman(&acc.cash, n),
        spearman_months_to_insolvency: spearman(&acc.months, n),
        first_order_index,
        group_shares: group_shares(source),
    }
}

/// Runs the two passes and ranks every uncertain per-path input.
pub fn run_sensitivity(model: &Model, spec: &RunSpec, progress: &Progress) -> Result<Sensitivity> {
    let first_pass = simulate(model, spec, progress)?;
    progress
        .paths_done
        .store(0, std::sync::atomic::Ordering::Relaxed);
    rank_inputs(model, spec, progress, &first_pass)
}

/// The second pass of [`run_sensitivity`], given the first: `first_pass`
/// must be the tally of the same model, seed, paths and blocks as `spec`
/// (with or without the fan), e.g. that of the run being reported.
pub fn rank_inputs(
    model: &Model,
    spec: &RunSpec,
    progress: &Progress,
    first_pass: &Tally,
) -> Result<Sensitivity> {
    let plan = Plan::new(model);
    let end_cash_ranks = first_pass.end_cash.rank_lookup();
    let month_ranks = month_mid_ranks(first_pass);
    let sources = sources(&plan);
    let second_pass = RunSpec {
        fan: false,
        ..spec.clone()
    };
    let run = simulate_plans(&[&plan], &second_pass, progress, || Ranking {
        sources: &sources,
        end_cash_ranks: &end_cash_ranks,
        month_ranks: &month_ranks,
        solvent_month: model.months + 1,
        accs: vec![Acc::default(); sources.len()],
        bounds: vec![(0.0, 0.0); BLOCK_SIZE],
    })?;
    let mut accs = vec![Acc::default(); sources.len()];
    for ranking in &run.observers {
        for (into, from) in accs.iter_mut().zip(&ranking.accs) {
            into.merge(from);
        }
    }
    let n = first_pass.paths;
    let total = Proportion::new(first_pass.insolvent(), n);
    let p = total.probability;
    let mut drivers: Vec<Driver> = sources
        .iter()
        .zip(&accs)
        .map(|((name, source), acc)| driver(name, source, acc, n, p))
        .collect();
    drivers.sort_by(|a, b| {
        b.swing
            .abs()
            .total_cmp(&a.swing.abs())
            .then_with(|| a.input.cmp(&b.input))
    });
    Ok(Sensitivity {
        runway_version: env!("CARGO_PKG_VERSION"),
        model: model.name.clone(),
        file: model.source.label.clone(),
        scenario: model.scenario.clone(),
        paths: n,
        seed: spec.seed,
        horizon: model.horizon().to_string(),
        insolvency: total,
        drivers,
        notes: vec![
            "Inputs are ranked by their exact CDF value (mid-rank for discrete inputs); deciles and bins are of each input's own distribution. For a discrete input the lowest and highest deciles are the values whose probability reaches into the bottom or top 10 %.",
            "The tornado and the first-order index look at one input at a time: if inputs are correlated, an input's figures include the effect of the inputs that move with it.",
            "Spearman correlations are rank correlations over all paths; months to insolvency counts paths that stay solvent as horizon + 1.",
            "funding.NAME.happens is the uniform draw that decides whether a funding event happens (it happens when the draw is below its probability): a low draw means the money comes.",
            "Monthly noise is drawn afresh each month and is not ranked here.",
        ],
    })
}

/// Mid-ranks of the months to insolvency, month 1 to the horizon, then
/// horizon + 1 for the paths that stay solvent.
fn month_mid_ranks(tally: &Tally) -> Vec<f64> {
    let mut counts: Vec<u64> = tally.insolvent_in_month.clone();
    counts.push(tally.paths - tally.insolvent());
    mid_ranks(&counts, tally.paths)
}
