//! Importance sampling ([`Method::Tilt`]): every score of a path drawn from
//! a normal law shifted toward ruin, each path weighted by its exact
//! likelihood ratio. See [`estimate`].

use super::cross_entropy::{self, Pilot};
use super::{Diagnostics, Method, MethodRun, RareSpec};
use crate::engine::{for_each_block, Plan, Progress, RunSpec, ScoredBlock, BLOCK_SIZE};
use crate::error::{Error, Result};
use crate::sampling::rng::stream;
use crate::sampling::standard_normal;
use crate::stats::WeightedTally;

/// Fewer insolvent paths than this in the estimation stage, or an effective
/// sample size of the insolvent paths below it, and the interval itself is
/// not to be trusted.
pub const MIN_EVENT_PATHS: f64 = 50.0;

/// How many of the largest shifts the diagnostics list.
const SHIFTS_LISTED: usize = 10;

/// The largest log-likelihood ratio kept: a weight stays finite, so that
/// its square can be summed exactly (no path of a sound tilt comes near).
const MAX_LOG_WEIGHT: f64 = 700.0;

/// P(insolvent by each month) by importance sampling: a mean shift of the
/// scores tuned by the cross-entropy method, with the exact likelihood
/// ratio as each path's weight.
///
/// The change of measure: each score dimension d of the plan's
/// [`ScoreLayout`](crate::engine::ScoreLayout) (per-path inputs in the
/// copula's standard-normal space, happenings, first strikes, and each
/// month's noise and repeating-shock strikes) is drawn as z = ε + θ_d with ε
/// standard normal, instead of z = ε. A mean shift of a monthly noise score
/// is the exponential tilt of that month's noise. The path's weight is
/// φ(z)/φ(z − θ) = exp(Σ_d (−θ_d ε_d − θ_d²/2)), exact, so the estimator is
/// unbiased for any θ; θ only decides its variance.
///
/// θ comes from a multilevel cross-entropy pilot (Rubinstein and Kroese):
/// from θ = 0, a batch of paths is ranked by the distance to the floor
/// ([`super::distance_to_floor`]), the level is the 10 % quantile of the
/// distances (0 once a tenth of the batch is insolvent), and θ moves to the
/// weighted mean of the scores of the paths at or below the level (the
/// likelihood ratio to the model's own law as their weight), smoothed, until
/// a batch reaches the floor. The pilot draws from streams of a seed derived
/// from the run's seed only, and reduces its blocks in block order, so every
/// thread count and every shard lands on the same θ. Shifts within noise of
/// 0 (two standard errors of the elite mean) are dropped, so that the many
/// monthly dimensions of a large model do not add noise to the weights.
///
/// Diagnostics: the pilot's paths and levels, the largest shifts, and
/// warnings ([`weight_warnings`]) when the pilot never reached the floor,
/// the estimation stage saw fewer than [`MIN_EVENT_PATHS`] insolvent paths
/// or their effective sample size (Σw)²/Σw² is below it (weight
/// degeneracy: a few paths carry the estimate and the interval is too
/// narrow; a path holding more than 14 % of the event weight brings the
/// effective size below 50, so this also catches one dominant weight). The
/// mean weight of all paths ([`WeightedTally::mean_weight`]) is no check:
/// under a strong shift its expectation 1 is made of paths far from ruin
/// that a run never draws, so it sits well below 1 while the estimate of
/// the event is sound (0.25 to 0.9 on the walk at 1e-6, whose estimates
/// agree with the oracle). A shift aimed at the horizon sees early months
/// through few large weights: [`event_ess_by`] says which months' estimates
/// rest on enough effective paths (the walk's months agree with the
/// oracle from an effective size of about 200).
///
/// The scored mode draws every score independently: `sampling = "lhs"` is
/// ignored here (the estimator stays unbiased; Latin hypercube strata would
/// not survive the shift anyway).
pub fn estimate(plan: &Plan, spec: &RareSpec, progress: &Progress) -> Result<MethodRun> {
    let layout = plan.score_layout();
    let keys: Vec<u64> = (0..layout.len()).map(|d| layout.key(d)).collect();
    let pilot = cross_entropy::tune(plan, &keys, spec, progress)?;
    let tally = estimation_stage(plan, &keys, &pilot.theta, spec, progress)?;
    let warnings = pilot.warnings.clone();
    // The tally's own warnings are the report's (rare::report), on the
    // merged tally: a shard's would differ from the whole run's.
    let diagnostics = Diagnostics {
        pilot_paths: pilot.paths,
        levels: pilot.levels.clone(),
        shifts: largest_shifts(plan, &pilot),
        warnings,
        ..Diagnostics::default()
    };
    Ok(MethodRun {
        method: Method::Tilt,
        tally,
        diagnostics,
    })
}

/// The importance-sampled paths of `spec`'s blocks under the shift `theta`,
/// tallied with their weights (exact sums: any thread count gives the same
/// tally).
pub(super) fn estimation_stage(
    plan: &Plan,
    keys: &[u64],
    theta: &[f64],
    spec: &RareSpec,
    progress: &Progress,
) -> Result<WeightedTally> {
    let run = RunSpec {
        paths: spec.paths,
        seed: spec.seed,
        threads: spec.threads,
        fan: false,
        blocks: spec.blocks.clone(),
    };
    let shape = plan.empty_tally(0, false);
    let (inflows, shocks) = (shape.inflow_arrived.len(), shape.shock_struck.len());
    let empty = || WeightedTally::new(plan.months() as usize, inflows, shocks);
    let workers = for_each_block(
        &run,
        progress,
        || (ScoredBlock::new(plan), vec![0.0; BLOCK_SIZE], empty()),
        |(scored, log_w, tally), block, n| {
            draw_shifted(scored, keys, theta, spec.seed, block, log_w);
            let view = scored.simulate(plan, block, n)?;
            for (j, lw) in log_w[..n].iter().enumerate() {
                tally.add_path(
                    view.outcome(j).insolvent_month,
                    lw.exp(),
                    (0..inflows).map(|k| view.arrived(k)[j] != 0),
                    (0..shocks).map(|k| view.struck(k)[j] != 0),
                );
            }
            Ok(())
        },
    )?;
    let mut merged = empty();
    for (_, _, tally) in &workers {
        merged.merge(tally);
    }
    Ok(merged)
}

/// Fills `scored` with block `block`'s scores shifted by `theta` (dimension
/// d from the stream of `keys[d]`) and `log_w` with each path's
/// log-likelihood ratio of the model's law to the shifted one.
pub(super) fn draw_shifted(
    scored: &mut ScoredBlock,
    keys: &[u64],
    theta: &[f64],
    seed: u64,
    block: u64,
    log_w: &mut [f64],
) {
    log_w.fill(0.0);
    for ((column, &key), &shift) in scored.scores_mut().iter_mut().zip(keys).zip(theta) {
        let mut rng = stream(seed, block, key);
        if shift == 0.0 {
            column
                .iter_mut()
                .for_each(|z| *z = standard_normal(&mut rng));
            continue;
        }
        let half_square = 0.5 * shift * shift;
        for (z, lw) in column.iter_mut().zip(log_w.iter_mut()) {
            let eps = standard_normal(&mut rng);
            *z = eps + shift;
            *lw -= shift * eps + half_square;
        }
    }
    log_w.iter_mut().for_each(|lw| *lw = lw.min(MAX_LOG_WEIGHT));
}

/// What the weights of a (merged) estimation stage say about its answer:
/// empty when every check passed. Depends on the tally only, so the merge
/// of a run's shards can be checked again.
pub fn weight_warnings(tally: &WeightedTally) -> Vec<String> {
    let mut warnings = Vec::new();
    let months = tally.months();
    if months == 0 || tally.units == 0 {
        return warnings;
    }
    let events = tally.event_paths;
    if events == 0 {
        warnings.push(format!(
            "none of the {} importance-sampled paths was insolvent: the probability is \
             below what this run can see, not 0",
            tally.units
        ));
        return warnings;
    }
    if (events as f64) < MIN_EVENT_PATHS {
        warnings.push(format!(
            "only {events} importance-sampled paths were insolvent (fewer than {MIN_EVENT_PATHS}): \
             the interval is unreliable; run more paths"
        ));
    }
    let ess = event_ess(tally);
    if ess < MIN_EVENT_PATHS {
        warnings.push(format!(
            "weight degeneracy: the insolvent paths' weights count as {ess:.1} equally \
             weighted paths (fewer than {MIN_EVENT_PATHS}): a few paths carry the estimate \
             and its interval is too narrow"
        ));
    }
    warnings
}

/// The effective sample size of the paths insolvent by the horizon,
/// (Σ w 1A)² / Σ w² 1A (0 when none).
pub fn event_ess(tally: &WeightedTally) -> f64 {
    event_ess_by(tally, tally.months())
}

/// The effective sample size of the paths insolvent by month `month`
/// (1-based; 0 when none): below [`MIN_EVENT_PATHS`], that month's
/// estimate rests on a few weights and its interval is too narrow (a shift
/// aimed at the horizon sees early insolvency badly).
pub fn event_ess_by(tally: &WeightedTally, month: usize) -> f64 {
    let Some(m) = month.checked_sub(1).filter(|&m| m < tally.months()) else {
        return 0.0;
    };
    let n = tally.units;
    let mean = tally.by_month[m].divided_by(n);
    let sd = tally.by_month[m].population_sd(&tally.by_month_squares[m], n);
    if mean > 0.0 {
        n as f64 * mean * mean / (mean * mean + sd * sd)
    } else {
        0.0
    }
}

/// The largest shifts of the pilot, (label, θ), largest |θ| first.
fn largest_shifts(plan: &Plan, pilot: &Pilot) -> Vec<(String, f64)> {
    let layout = plan.score_layout();
    let mut order: Vec<usize> = (0..pilot.theta.len())
        .filter(|&d| pilot.theta[d] != 0.0)
        .collect();
    order.sort_by(|&a, &b| pilot.theta[b].abs().total_cmp(&pilot.theta[a].abs()));
    order
        .into_iter()
        .take(SHIFTS_LISTED)
        .map(|d| (layout.label(d).to_string(), pilot.theta[d]))
        .collect()
}

/// The error of a stage stopped from outside.
pub(super) fn cancelled(progress: &Progress) -> Result<()> {
    if progress.cancel.load(std::sync::atomic::Ordering::Relaxed) {
        Err(Error::Cancelled)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally_of(weights: &[(f64, bool)]) -> WeightedTally {
        let mut t = WeightedTally::new(3, 0, 0);
        for &(w, event) in weights {
            t.add_path(
                event.then_some(3),
                w,
                std::iter::empty(),
                std::iter::empty(),
            );
        }
        t
    }

    #[test]
    fn many_even_event_weights_pass_every_check() {
        let paths: Vec<(f64, bool)> = (0..1000).map(|j| (1e-3, j % 4 == 0)).collect();
        let t = tally_of(&paths);
        assert!((event_ess(&t) - 250.0).abs() < 1e-6);
        assert!(weight_warnings(&t).is_empty(), "{:?}", weight_warnings(&t));
    }

    #[test]
    fn one_dominant_weight_is_weight_degeneracy() {
        let mut paths: Vec<(f64, bool)> = (0..1000).map(|j| (1e-3, j % 4 == 0)).collect();
        paths[1] = (1.0, true);
        let warnings = weight_warnings(&tally_of(&paths));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].starts_with("weight degeneracy"), "{warnings:?}");
    }

    #[test]
    fn few_or_no_insolvent_paths_are_reported() {
        let few: Vec<(f64, bool)> = (0..1000).map(|j| (1e-3, j % 100 == 0)).collect();
        let warnings = weight_warnings(&tally_of(&few));
        assert!(
            warnings.iter().any(|w| w.starts_with("only 10 ")),
            "{warnings:?}"
        );
        let none = weight_warnings(&tally_of(&[(1.0, false); 10]));
        assert!(none[0].starts_with("none of the 10"), "{none:?}");
        assert_eq!(event_ess_by(&tally_of(&[(1.0, false); 10]), 3), 0.0);
    }
}
