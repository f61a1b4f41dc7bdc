//! The update's figures from its particles: weighted insolvency
//! probabilities with their intervals, the inputs' spreads, the effective
//! sample size.

use super::particles::Setup;
use super::{Forecast, InputPosterior, MonthProbability, Spread};
use crate::model::Model;
use crate::stats::Z_95;
use std::collections::HashMap;

/// The 95 % Wilson score interval of a proportion `p` estimated from `n`
/// effective observations (n need not be whole).
pub(super) fn wilson(p: f64, n: f64) -> [f64; 2] {
    if n <= 0.0 {
        return [0.0, 1.0];
    }
    let z2 = Z_95 * Z_95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z_95 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let low = if p <= 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if p >= 1.0 {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    [low, high]
}

/// The months after `as_of_t`, each with P(insolvent by it) and its
/// effective sample size, from `estimate(t)` = (P, effective paths).
fn months_after(
    model: &Model,
    as_of_t: u32,
    mut estimate: impl FnMut(u32) -> (f64, f64),
) -> Forecast {
    let insolvency: Vec<MonthProbability> = (as_of_t + 1..=model.months)
        .map(|t| {
            let (p, n) = estimate(t);
            MonthProbability {
                month: model.month_label(t),
                probability: p,
                ci95: wilson(p, n),
                effective_paths: n,
            }
        })
        .collect();
    let horizon = insolvency.last().cloned().unwrap_or_else(|| {
        let (p, n) = estimate(model.months);
        MonthProbability {
            month: model.horizon(),
            probability: p,
            ci95: wilson(p, n),
            effective_paths: n,
        }
    });
    Forecast {
        insolvency,
        horizon,
    }
}

/// The prior forecast: P(insolvent by each month after the as-of month)
/// of equally weighted particles whose months of insolvency are
/// `insolvent` (0 = never), counting only the paths solvent through month
/// `solvent_through` when it is given.
pub(super) fn forecast(
    model: &Model,
    as_of_t: u32,
    insolvent: &[u32],
    solvent_through: Option<u32>,
) -> Forecast {
    let keep = |m: u32| solvent_through.is_none_or(|s| m == 0 || m > s);
    let kept = insolvent.iter().filter(|&&m| keep(m)).count();
    months_after(model, as_of_t, |t| {
        let by = (insolvent.iter())
            .filter(|&&m| keep(m) && m != 0 && m <= t)
            .count();
        (by as f64 / kept.max(1) as f64, kept as f64)
    })
}

/// The posterior forecast from the weighted particles (`weights` sum to
/// 1), each descending from prior particle `roots[i]`. The effective
/// sample size of each month's P is P(1 − P)/V, V the cluster-robust
/// variance of the weighted mean Σ_g (Σ_{i∈g} w_i (x_i − P))² over the
/// prior particles g (copies of one particle, moved or not, are not
/// independent); where P is 0 or 1, Kish's size over those clusters. It
/// is never more than Kish's size of the weights, and never more than the
/// number of prior particles the posterior descends from when those are
/// fewer than [`MIN_LINEAGES`] (a variance from so few clusters cannot
/// vouch for more).
pub(super) fn posterior(
    model: &Model,
    as_of_t: u32,
    insolvent: &[u32],
    weights: &[f64],
    roots: &[u64],
) -> Forecast {
    let kish = 1.0 / weights.iter().map(|w| w * w).sum::<f64>();
    let clusters = grouped_ess(weights, roots);
    let lineages = lineages(weights, roots);
    let mut by_root = vec![0.0; weights.len()];
    months_after(model, as_of_t, |t| {
        let hit = |m: u32| m != 0 && m <= t;
        let p: f64 = (insolvent.iter().zip(weights))
            .filter(|(&m, _)| hit(m))
            .map(|(_, w)| w)
            // (+ 0: an empty sum is −0, which a report must not show.)
            .fold(0.0, |sum, w| sum + w)
            .clamp(0.0, 1.0);
        by_root.iter_mut().for_each(|x| *x = 0.0);
        for ((&m, &w), &r) in insolvent.iter().zip(weights).zip(roots) {
            let x = if hit(m) { 1.0 } else { 0.0 };
            by_root[r as usize] += w * (x - p);
        }
        let v: f64 = by_root.iter().map(|x| x * x).sum();
        let n = if v > 0.0 && p > 0.0 && p < 1.0 {
            (p * (1.0 - p) / v).min(kish)
        } else {
            clusters
        };
        if lineages < MIN_LINEAGES {
            (p, n.min(lineages as f64))
        } else {
            (p, n)
        }
    })
}

/// Below this many prior particles behind the posterior, its effective
/// sample size is capped at their number (see [`posterior`]): the
/// variance clustered by prior particle then has too few clusters to be
/// estimated (a tight error once gave 20 000 "effective" paths from 7).
pub const MIN_LINEAGES: usize = 20;

/// How many distinct prior particles (`roots`) the particles of positive
/// weight descend from.
pub(super) fn lineages(weights: &[f64], roots: &[u64]) -> usize {
    let mut seen: Vec<u64> = (weights.iter().zip(roots))
        .filter(|(&w, _)| w > 0.0)
        .map(|(_, &r)| r)
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// Kish's effective sample size over the distinct particles: the weights
/// of copies of one particle (the same `id`) summed first.
pub(super) fn grouped_ess(weights: &[f64], ids: &[u64]) -> f64 {
    let mut groups: HashMap<u64, f64> = HashMap::new();
    let mut order = Vec::new();
    for (&w, &id) in weights.iter().zip(ids) {
        let entry = groups.entry(id).or_insert_with(|| {
            order.push(id);
            0.0
        });
        *entry += w;
    }
    let total: f64 = weights.iter().sum();
    let squares: f64 = order.iter().map(|id| groups[id] * groups[id]).sum();
    total * total / squares
}

/// The `q`-quantile of `values` with `weights`: the smallest value whose
/// cumulative weight reaches q of the total.
pub(super) fn weighted_quantile(values: &[f64], weights: &[f64], q: f64) -> f64 {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let total: f64 = weights.iter().sum();
    let mut cumulative = 0.0;
    for &i in &order {
        cumulative += weights[i];
        if cumulative >= q * total {
            return values[i];
        }
    }
    order.last().map_or(f64::NAN, |&i| values[i])
}

/// Each uncertain per-path input: its exact prior quantiles and the
/// posterior particles' weighted ones.
pub(super) fn inputs(setup: &Setup, posterior: &[f64], weights: &[f64]) -> Vec<InputPosterior> {
    let ni = setup.inputs.len();
    (setup.inputs.iter().enumerate())
        .map(|(s, &slot)| {
            let dist = setup.plan.slot_dist(slot);
            let values: Vec<f64> = (0..setup.paths).map(|i| posterior[i * ni + s]).collect();
            let at = |q| weighted_quantile(&values, weights, q);
            InputPosterior {
                path: setup.plan.input_paths()[slot].clone(),
                prior: Spread {
                    median: dist.quantile(0.5),
                    p5: dist.quantile(0.05),
                    p95: dist.quantile(0.95),
                },
                posterior: Spread {
                    median: at(0.5),
                    p5: at(0.05),
                    p95: at(0.95),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_of_one_particle_count_once() {
        let w = [0.25; 4];
        assert!((grouped_ess(&w, &[0, 1, 2, 3]) - 4.0).abs() < 1e-12);
        assert!((grouped_ess(&w, &[0, 0, 1, 1]) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn a_weighted_median_follows_the_weights() {
        let v = [1.0, 2.0, 3.0];
        assert_eq!(weighted_quantile(&v, &[0.1, 0.1, 0.8], 0.5), 3.0);
        assert_eq!(weighted_quantile(&v, &[0.6, 0.2, 0.2], 0.5), 1.0);
    }

    #[test]
    fn the_wilson_interval_matches_the_integer_one() {
        let a = wilson(0.3, 100.0);
        let b = crate::stats::wilson(30, 100);
        assert!((a[0] - b[0]).abs() < 1e-12 && (a[1] - b[1]).abs() < 1e-12);
    }
}
