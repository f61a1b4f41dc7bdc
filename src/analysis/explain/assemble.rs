//! The `explain` report from the merged gatherings of a run.

use super::observe::{Source, Watch};
use super::shapley::shapley_effects;
use super::shift::{group_shift, overall};
use super::{
    CashBand, CashMonth, Effect, Explanation, Importance, InputShift, OutcomeEffects, MAX_PLAYERS,
};
use crate::engine::RunSpec;
use crate::model::Model;
use crate::stats::{Proportion, Sketch, Tally};

/// The report of a run of `model` as `spec` says, from its tally and the
/// merged watch of its paths.
pub(super) fn explanation(
    model: &Model,
    spec: &RunSpec,
    tally: &Tally,
    sources: &[(String, Source)],
    watch: &Watch<'_>,
) -> Explanation {
    let h = model.months as usize;
    let insolvency = Proportion::new(tally.insolvent(), tally.paths);
    let median_month = median_month(&tally.insolvent_in_month);
    let insolvent: Vec<usize> = (1..=h).collect();
    let (early, late): (Vec<usize>, Vec<usize>) = match median_month {
        Some(m) => ((1..=m).collect(), (m + 1..=h).collect()),
        None => (Vec::new(), Vec::new()),
    };
    let shift = |s: usize| {
        let (name, source) = &sources[s];
        let acc = &watch.inputs[s];
        let (mean, sd, median) = overall(acc, h, source);
        InputShift {
            input: name.clone(),
            mean,
            sd,
            median,
            insolvent: group_shift(acc, h, &insolvent, source),
            early: group_shift(acc, h, &early, source),
            late: group_shift(acc, h, &late, source),
        }
    };
    let real = sources.len() - 1;
    let mut inputs: Vec<InputShift> = (0..real).map(shift).collect();
    let ks: Vec<f64> = (inputs.iter())
        .map(|s| s.insolvent.map_or(0.0, |g| g.ks))
        .collect();
    // On the run's threads (a pool that cannot start: on the shared one);
    // the result does not depend on them.
    let importance = match rayon::ThreadPoolBuilder::new()
        .num_threads(spec.threads.max(1))
        .build()
    {
        Ok(pool) => pool.install(|| importance(sources, watch, &ks)),
        Err(_) => importance(sources, watch, &ks),
    };
    inputs.sort_by(|a, b| {
        let ks = |s: &InputShift| s.insolvent.map_or(0.0, |g| g.ks);
        ks(b).total_cmp(&ks(a)).then_with(|| a.input.cmp(&b.input))
    });
    let cash_by_month = (0..h)
        .map(|m| CashMonth {
            month: model.month_label(m as u32 + 1).to_string(),
            insolvent: band(&watch.cash_insolvent[m]),
            surviving: band(&watch.cash_surviving[m]),
        })
        .collect();
    Explanation {
        runway_version: env!("CARGO_PKG_VERSION"),
        model: model.name.clone(),
        file: model.source.label.clone(),
        scenario: model.scenario.clone(),
        paths: tally.paths,
        seed: spec.seed,
        sampling: model.sampling.describe(),
        start: model.month_label(1).to_string(),
        horizon: model.horizon().to_string(),
        unit: model.unit.clone(),
        floor: model.floor,
        insolvency,
        median_insolvency_month: median_month.map(|m| model.month_label(m as u32).to_string()),
        inputs,
        dummy: shift(real),
        cash_by_month,
        importance,
        notes: NOTES.to_vec(),
    }
}

/// The lower median month (1-based) of the insolvency months; `None` when
/// no path became insolvent.
fn median_month(counts: &[u64]) -> Option<usize> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let mut cum = 0;
    (counts.iter())
        .position(|&c| {
            cum += c;
            2 * cum >= total
        })
        .map(|i| i + 1)
}

fn band(sketch: &Sketch) -> Option<CashBand> {
    Some(CashBand {
        paths: sketch.count(),
        p25: sketch.quantile(0.25)?,
        p50: sketch.quantile(0.5)?,
        p75: sketch.quantile(0.75)?,
    })
}

/// The Shapley effects on the sample: every uncertain input when there are
/// at most [`MAX_PLAYERS`], else those with the largest KS distance among
/// the insolvent paths of the whole run (`ks`, by source); the dummy always.
fn importance(sources: &[(String, Source)], watch: &Watch<'_>, ks: &[f64]) -> Importance {
    let real = sources.len() - 1;
    let column = |s: usize| -> Vec<f64> {
        (watch.sample.iter())
            .flat_map(|b| b.ranks[s].iter().copied())
            .collect()
    };
    let ins: Vec<f64> = (watch.sample.iter())
        .flat_map(|b| b.insolvent.iter().copied())
        .collect();
    let months: Vec<f64> = (watch.sample.iter())
        .flat_map(|b| b.months.iter().copied())
        .collect();
    let mut players: Vec<usize> = (0..real).collect();
    players.sort_by(|&a, &b| ks[b].total_cmp(&ks[a]).then(a.cmp(&b)));
    players.truncate(MAX_PLAYERS);
    players.sort_unstable();
    players.push(real);
    let game: Vec<Vec<f64>> = players.iter().map(|&s| column(s)).collect();
    let outcome = |y: &[f64]| {
        let effects = shapley_effects(&game, y)?;
        let dummy = *effects.shapley.last()?;
        let mut shown: Vec<Effect> = (players.iter().zip(&effects.shapley))
            .take(players.len() - 1)
            .map(|(&s, share)| Effect {
                input: sources[s].0.clone(),
                shapley: *share,
                // An interval reaching the dummy's, or reaching zero (a
                // negative estimate is the estimator's bias, not an effect).
                indistinguishable_from_dummy: share.ci95[0] <= dummy.ci95[1].max(0.0),
            })
            .collect();
        shown.sort_by(|a, b| {
            (b.shapley.value)
                .total_cmp(&a.shapley.value)
                .then_with(|| a.input.cmp(&b.input))
        });
        Some(OutcomeEffects {
            variance: effects.variance,
            explained: effects.explained,
            dummy,
            effects: shown,
        })
    };
    Importance {
        // The estimator uses whole batches of the sample only.
        sample_paths: (ins.len() / super::shapley::BATCHES * super::shapley::BATCHES) as u64,
        inputs_screened: real,
        insolvency: outcome(&ins),
        months_to_insolvency: outcome(&months),
    }
}

const NOTES: [&str; 6] = [
    "Early: insolvent in or before the median month of insolvency among insolvent paths; late: after it.",
    "Mean shift: (group mean − mean of all paths) / standard deviation of all paths, with a normal 95 % interval. Median shift: group median − median of all paths, with a distribution-free 95 % interval of the group's median; both from 200 equal-probability bins of the input's rank.",
    "KS: the largest gap between the input's CDF in the group and over all paths; noise 95 %: the gap chance exceeds 5 % of the time for a group that size. The dummy is an input drawn from a stream of its own that the model never reads: its row shows what chance gives.",
    "Shapley effects from given data on the first paths of the run (at most 32 768): Var(E[Y | X_S]) by nearest neighbours on the inputs' ranks for every subset S of the inputs in the game, no extra model runs; intervals by 32 batch means. They add up to the share the inputs explain together; the rest is monthly noise, or inputs left out of the game.",
    "With more than five uncertain inputs, the game holds the five with the largest KS distance among insolvent paths; the others are not conditioned on (their effect, and an input's that acts only through them, goes to the unexplained rest).",
    "Months to insolvency counts a path that survives as horizon + 1. funding.NAME.happens is the uniform draw that decides whether a funding event happens: a low draw means the money comes.",
];
