//! A family fitted to given quantiles (`{ lognormal = { quantiles = … } }`):
//! least squares on the values at the given probabilities. Closed form
//! where the family is linear in its parameters after a transform (normal
//! and lognormal: the value, or its log, against the normal score;
//! uniform: the value against the probability); a profile search for gamma
//! (the best scale for a shape is closed form, the shape is searched in
//! log space); a grid then Nelder–Mead in log shapes for beta on fixed
//! bounds. Triangular and PERT are refused: their `min` and `max` are the
//! bounds themselves, which interior quantiles do not pin down.

use super::metalog_fit::{check_quantiles, pair};
use super::{
    fmt_num, Beta, Dist, Gamma, Kind, Law, LogNormal, Normal, ParamError, Uniform, MAX_BETA_SHAPE,
    MAX_GAMMA_SHAPE, MAX_METALOG_TERMS, MIN_SHAPE,
};
use std::fmt;

/// Why a family could not be fitted to quantiles.
#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    /// The family takes no `quantiles`, and why.
    NotSupported(&'static str),
    /// Fewer quantiles than the family has parameters, or too many.
    Count {
        /// The family's free parameters.
        need: usize,
        /// The quantiles given.
        got: usize,
    },
    /// The quantiles break a rule (order, range, the family's support).
    Quantiles(String),
    /// No parameters within the family's range fit.
    NoFit(String),
}

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FitError::NotSupported(why) => f.write_str(why),
            FitError::Count { need, got } => write!(
                f,
                "`quantiles` must list {need} to {MAX_METALOG_TERMS} [probability, value] pairs \
                 to fit its {need} parameters, got {got}"
            ),
            FitError::Quantiles(rule) | FitError::NoFit(rule) => f.write_str(rule),
        }
    }
}

impl std::error::Error for FitError {}

/// `kind` fitted to `quantiles` ((probability, value) pairs) by least
/// squares; `min` and `max` fix a beta's range (default [0, 1]).
pub fn fit_quantiles(
    kind: Kind,
    quantiles: &[(f64, f64)],
    min: Option<f64>,
    max: Option<f64>,
) -> Result<Dist, ParamError> {
    let fitted: Dist = match kind {
        Kind::Normal => {
            check(quantiles, 2, None, None)?;
            let (mean, sd) = line(quantiles, normal_score);
            Normal::new(mean, sd)?.into()
        }
        Kind::LogNormal => {
            check(
                quantiles,
                2,
                Some((0.0, "0 (a lognormal is positive)")),
                None,
            )?;
            let logs: Vec<(f64, f64)> = quantiles.iter().map(|&(p, x)| (p, x.ln())).collect();
            let (mu, sigma) = line(&logs, normal_score);
            LogNormal::new(mu.exp(), sigma)?.into()
        }
        Kind::Uniform => {
            check(quantiles, 2, None, None)?;
            let (min, width) = line(quantiles, |p| p);
            Uniform::new(min, min + width)?.into()
        }
        Kind::Gamma => {
            check(quantiles, 2, Some((0.0, "0 (a gamma is positive)")), None)?;
            searchable_probabilities(quantiles)?;
            fit_gamma(quantiles)?.into()
        }
        Kind::Beta => {
            let (lo, hi) = (min.unwrap_or(0.0), max.unwrap_or(1.0));
            let (min_text, max_text) = (
                format!("`min` ({})", fmt_num(lo)),
                format!("`max` ({})", fmt_num(hi)),
            );
            Beta::new(1.0, 1.0, lo, hi)?;
            check(quantiles, 2, Some((lo, &min_text)), Some((hi, &max_text)))?;
            searchable_probabilities(quantiles)?;
            fit_beta(quantiles, lo, hi)?.into()
        }
        Kind::Triangular | Kind::Pert => {
            return Err(FitError::NotSupported(
                "`quantiles` cannot fit it: its `min` and `max` are the bounds themselves, which \
                 quantiles inside them do not pin down; give min, mode and max, or use \
                 `metalog` with `quantiles`, `min` and `max`",
            )
            .into())
        }
        _ => {
            return Err(FitError::NotSupported("`quantiles` fits only continuous families").into())
        }
    };
    let mut dist = fitted;
    dist.label = format!("{}, fit to {} quantiles", dist.label, quantiles.len());
    dist.fitted_to = Some(quantiles.into());
    Ok(dist)
}

/// The count and the order of the quantiles, and the family's support.
fn check(
    quantiles: &[(f64, f64)],
    need: usize,
    lo: Option<(f64, &str)>,
    hi: Option<(f64, &str)>,
) -> Result<(), FitError> {
    if !(need..=MAX_METALOG_TERMS).contains(&quantiles.len()) {
        return Err(FitError::Count {
            need,
            got: quantiles.len(),
        });
    }
    check_quantiles(quantiles, lo, hi).map_err(FitError::Quantiles)
}

/// The searched fits (gamma, beta) evaluate the family's inverse CDF, which
/// is trustworthy for probabilities from 10⁻⁶ to 1 − 10⁻⁶.
fn searchable_probabilities(quantiles: &[(f64, f64)]) -> Result<(), FitError> {
    match quantiles
        .iter()
        .position(|&(p, _)| !(1e-6..=1.0 - 1e-6).contains(&p))
    {
        Some(i) => Err(FitError::Quantiles(format!(
            "`quantiles[{i}]` = {}: a fitted gamma or beta takes probabilities from \
             0.000001 to 0.999999",
            pair(quantiles[i])
        ))),
        None => Ok(()),
    }
}

/// The standard normal quantile.
fn normal_score(p: f64) -> f64 {
    crate::sampling::copula::standard_normal_quantile(p)
}

/// Intercept and slope of the least-squares line of value on score(p).
/// The slope is positive: values and scores both increase.
fn line(quantiles: &[(f64, f64)], score: impl Fn(f64) -> f64) -> (f64, f64) {
    let n = quantiles.len() as f64;
    let s: Vec<f64> = quantiles.iter().map(|&(p, _)| score(p)).collect();
    let s_mean = s.iter().sum::<f64>() / n;
    let x_mean = quantiles.iter().map(|&(_, x)| x).sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (&si, &(_, x)) in s.iter().zip(quantiles) {
        sxy += (si - s_mean) * (x - x_mean);
        sxx += (si - s_mean) * (si - s_mean);
    }
    let slope = sxy / sxx;
    (x_mean - slope * s_mean, slope)
}

/// The sum of squared misses of `law`'s quantiles, relative to the spread
/// of the values given (so that the search's tolerances are scale-free).
fn misses(law: &impl Law, quantiles: &[(f64, f64)], spread: f64) -> f64 {
    quantiles
        .iter()
        .map(|&(p, x)| ((law.quantile(p) - x) / spread).powi(2))
        .sum()
}

fn spread(quantiles: &[(f64, f64)]) -> f64 {
    quantiles[quantiles.len() - 1].1 - quantiles[0].1
}

/// Gamma: for a shape k, the best scale is Σ x·q / Σ q² with q the
/// quantiles of Gamma(k, 1); the shape is searched on a grid in ln k, then
/// by golden section around the best grid point.
fn fit_gamma(quantiles: &[(f64, f64)]) -> Result<Gamma, FitError> {
    let (lo, hi) = (MIN_SHAPE.ln(), MAX_GAMMA_SHAPE.ln());
    let spread = spread(quantiles);
    let at = |log_shape: f64| -> Option<(f64, Gamma)> {
        let unit = Gamma::new(log_shape.exp(), 1.0).ok()?;
        let q: Vec<f64> = quantiles.iter().map(|&(p, _)| unit.quantile(p)).collect();
        let sxq: f64 = q.iter().zip(quantiles).map(|(q, &(_, x))| q * x).sum();
        let sqq: f64 = q.iter().map(|q| q * q).sum();
        let law = Gamma::new(log_shape.exp(), sxq / sqq).ok()?;
        Some((misses(&law, quantiles, spread), law))
    };
    let cost = |s: f64| at(s).map_or(f64::INFINITY, |(c, _)| c);
    let steps = 60;
    let grid: Vec<f64> = (0..=steps)
        .map(|i| lo + (hi - lo) * i as f64 / steps as f64)
        .collect();
    let best = (0..=steps)
        .min_by(|&i, &j| cost(grid[i]).total_cmp(&cost(grid[j])))
        .unwrap_or(0);
    let (a, b) = (grid[best.saturating_sub(1)], grid[(best + 1).min(steps)]);
    let shape = golden(&cost, a, b);
    let edge = 1e-3 * (hi - lo);
    if shape < lo + edge || shape > hi - edge || !cost(shape).is_finite() {
        return Err(no_fit("gamma", "its shape", MIN_SHAPE, MAX_GAMMA_SHAPE));
    }
    at(shape)
        .map(|(_, law)| law)
        .ok_or_else(|| no_fit("gamma", "its shape", MIN_SHAPE, MAX_GAMMA_SHAPE))
}

/// Beta on [lo, hi]: a grid over (ln alpha, ln beta), then Nelder–Mead
/// from the best grid point, each shape kept within beta's range.
fn fit_beta(quantiles: &[(f64, f64)], lo: f64, hi: f64) -> Result<Beta, FitError> {
    let (min_log, max_log) = (MIN_SHAPE.ln(), MAX_BETA_SHAPE.ln());
    let spread = spread(quantiles);
    let law = |v: [f64; 2]| Beta::new(v[0].exp(), v[1].exp(), lo, hi).ok();
    let cost = |v: [f64; 2]| {
        let v = v.map(|s| s.clamp(min_log, max_log));
        law(v).map_or(f64::INFINITY, |l| misses(&l, quantiles, spread))
    };
    let steps = 16;
    let mut best = ([0.0, 0.0], f64::INFINITY);
    for i in 0..=steps {
        for j in 0..=steps {
            let at = |k: usize| min_log + (max_log - min_log) * k as f64 / steps as f64;
            let v = [at(i), at(j)];
            let c = cost(v);
            if c < best.1 {
                best = (v, c);
            }
        }
    }
    let step = (max_log - min_log) / steps as f64;
    let v = nelder_mead(&cost, best.0, step).map(|s| s.clamp(min_log, max_log));
    let edge = 1e-3 * (max_log - min_log);
    if v.iter().any(|&s| s < min_log + edge || s > max_log - edge) || !cost(v).is_finite() {
        return Err(no_fit("beta", "its shapes", MIN_SHAPE, MAX_BETA_SHAPE));
    }
    law(v).ok_or_else(|| no_fit("beta", "its shapes", MIN_SHAPE, MAX_BETA_SHAPE))
}

fn no_fit(family: &str, what: &str, lo: f64, hi: f64) -> FitError {
    FitError::NoFit(format!(
        "no {family} fits these quantiles: the best fit puts {what} at the edge of its range \
         ({} to {}), or misses them by far more than their spread; use `metalog` for this shape",
        fmt_num(lo),
        fmt_num(hi)
    ))
}

/// The minimum of f on [lo, hi], by golden-section search.
fn golden(f: &dyn Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    let ratio = 0.5 * (5f64.sqrt() - 1.0);
    while hi - lo > 1e-12 * (1.0 + lo.abs().max(hi.abs())) {
        let (x1, x2) = (hi - ratio * (hi - lo), lo + ratio * (hi - lo));
        if f(x1) <= f(x2) {
            hi = x2;
        } else {
            lo = x1;
        }
    }
    0.5 * (lo + hi)
}

/// Nelder–Mead in two dimensions from `start` with a first simplex of
/// side `step`: the classic coefficients (reflect 1, expand 2, contract ½,
/// shrink ½), until the simplex's costs agree to 10⁻²⁴ or 400 steps.
fn nelder_mead(f: &dyn Fn([f64; 2]) -> f64, start: [f64; 2], step: f64) -> [f64; 2] {
    let mut simplex = [
        start,
        [start[0] + step, start[1]],
        [start[0], start[1] + step],
    ];
    let mut costs = simplex.map(f);
    let towards =
        |a: [f64; 2], b: [f64; 2], t: f64| [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
    for _ in 0..400 {
        let mut order = [0, 1, 2];
        order.sort_by(|&i, &j| costs[i].total_cmp(&costs[j]));
        simplex = order.map(|i| simplex[i]);
        costs = order.map(|i| costs[i]);
        if costs[2] - costs[0] <= 1e-24 {
            break;
        }
        let centre = towards(simplex[0], simplex[1], 0.5);
        let reflected = towards(simplex[2], centre, 2.0);
        let r = f(reflected);
        if r < costs[0] {
            let expanded = towards(simplex[2], centre, 3.0);
            let e = f(expanded);
            (simplex[2], costs[2]) = if e < r { (expanded, e) } else { (reflected, r) };
        } else if r < costs[1] {
            (simplex[2], costs[2]) = (reflected, r);
        } else {
            let contracted = towards(simplex[2], centre, 0.5);
            let c = f(contracted);
            if c < costs[2] {
                (simplex[2], costs[2]) = (contracted, c);
            } else {
                for k in 1..3 {
                    simplex[k] = towards(simplex[0], simplex[k], 0.5);
                    costs[k] = f(simplex[k]);
                }
            }
        }
    }
    simplex[0]
}
