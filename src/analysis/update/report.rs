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

/// P(insolvent by each month after the as-of month `as_of_t`) of the
/// particles whose months of insolvency are `insolvent` (0 = never):
/// equally weighted when `weighted` is `None`, and counting only the paths
/// solvent through month `solvent_through` when it is given.
pub(super) fn forecast(
    model: &Model,
    as_of_t: u32,
    insolvent: &[u32],
    weighted: Option<(&[f64], f64)>,
    solvent_through: Option<u32>,
) -> Forecast {
    let keep = |m: u32| solvent_through.is_none_or(|s| m == 0 || m > s);
    let (weights, ess): (Vec<f64>, f64) = match weighted {
        Some((w, ess)) => (w.to_vec(), ess),
        None => {
            let kept = insolvent.iter().filter(|&&m| keep(m)).count() as f64;
            let w = insolvent
                .iter()
                .map(|&m| if keep(m) { 1.0 / kept } else { 0.0 })
                .collect();
            (w, kept)
        }
    };
    let months = model.months;
    // Weight of the paths first insolvent in each month, summed in path
    // order.
    let mut by_month = vec![0.0; months as usize + 1];
    for (&m, &w) in insolvent.iter().zip(&weights) {
        if m != 0 {
            by_month[m as usize] += w;
        }
    }
    let mut cumulative = 0.0;
    let mut insolvency = Vec::new();
    for t in 1..=months {
        cumulative += by_month[t as usize];
        if t > as_of_t {
            let p = cumulative.clamp(0.0, 1.0);
            insolvency.push(MonthProbability {
                month: model.month_label(t),
                probability: p,
                ci95: wilson(p, ess),
                effective_paths: ess,
            });
        }
    }
    let horizon = insolvency.last().cloned().unwrap_or(MonthProbability {
        month: model.horizon(),
        probability: cumulative,
        ci95: wilson(cumulative, ess),
        effective_paths: ess,
    });
    Forecast {
        insolvency,
        horizon,
    }
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
