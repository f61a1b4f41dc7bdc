//! The distribution families a model value may take.
//!
//! Every uncertain number in a model is a [`Dist`]. Parameters are checked
//! when the model loads (never trusting `rand_distr` or `statrs` to reject
//! them: `rand_distr::Normal` accepts a negative standard deviation), with
//! each check written as `!(x > 0)` style so that NaN fails too. Sampling is
//! written for speed: PERT and beta go through two gamma draws, lognormal
//! through one normal draw, and [`Dist::fill`] matches the family once per
//! batch rather than once per number.

use crate::sampling::gamma::Gamma as GammaSampler;
use crate::sampling::rng::{open01, StreamRng};
use statrs::distribution::{
    Beta as BetaCdf, Continuous, ContinuousCDF, Gamma as GammaCdf, LogNormal as LogNormalCdf,
    Normal as NormalCdf,
};
use std::fmt;

/// z such that Φ(z) = 0.95.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// Why a distribution's parameters were refused: a sentence naming the rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamError(pub String);

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn fail<T>(msg: impl Into<String>) -> Result<T, ParamError> {
    Err(ParamError(msg.into()))
}

fn finite(name: &str, x: f64) -> Result<f64, ParamError> {
    if x.is_finite() {
        Ok(x)
    } else {
        fail(format!("`{name}` must be a finite number, got {x}"))
    }
}

fn positive(name: &str, x: f64) -> Result<f64, ParamError> {
    finite(name, x)?;
    if !(x > 0.0) {
        return fail(format!("`{name}` must be greater than 0, got {x}"));
    }
    Ok(x)
}

/// `max − min` must be a finite number (it scales every draw).
fn finite_width(min: f64, max: f64) -> Result<(), ParamError> {
    if (max - min).is_finite() {
        Ok(())
    } else {
        fail(format!(
            "`max` − `min` ({} − {}) overflows: the range must be at most 1.8e308 wide",
            fmt_num(max),
            fmt_num(min)
        ))
    }
}

/// Smallest shape of beta (alpha, beta) and gamma: below it the sampler's
/// power U^(1/shape) underflows and the percentiles lose their precision
/// (tested: moments within 5 standard errors and exact percentiles at 0.01;
/// at 0.001 the sampled variance is hundreds of standard errors off and
/// gamma's 5th percentile collapses to the search floor).
pub const MIN_SHAPE: f64 = 0.01;
/// Largest shape of beta: above it the beta CDF the percentiles come from
/// drifts (Beta(1e6, 1e6)'s median comes out 1.5 % of a standard deviation
/// off centre; at 1e5 within 1e-6 of one), and near 1e10 it does not return
/// in minutes.
pub const MAX_BETA_SHAPE: f64 = 1e5;
/// Largest shape of gamma: above it the incomplete-gamma series behind the
/// percentiles is cut short (Gamma(1e5)'s median is 0.2 % of a standard
/// deviation off; at 3e4 it is exact to 1e-9 of one).
pub const MAX_GAMMA_SHAPE: f64 = 1e4;

/// One draw of min + (max − min)·X / (X + Y), X and Y gamma draws.
#[inline(always)]
fn scaled_beta_draw(
    min: f64,
    max: f64,
    gamma_alpha: &GammaSampler,
    gamma_beta: &GammaSampler,
    rng: &mut StreamRng,
) -> f64 {
    let x = gamma_alpha.sample(rng);
    let y = gamma_beta.sample(rng);
    scaled_beta(min, max, x, y)
}

/// min + (max − min)·x / (x + y) for gamma draws x and y.
#[inline(always)]
fn scaled_beta(min: f64, max: f64, x: f64, y: f64) -> f64 {
    let sum = x + y;
    // Both gammas can underflow to 0 for tiny shapes: split evenly.
    let b = if sum > 0.0 { x / sum } else { 0.5 };
    min + (max - min) * b
}

/// A distribution's value as a function of a standard normal score z (see
/// [`Dist::normal_score_map`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NormalScoreMap {
    /// mean + sd·z.
    Linear { mean: f64, sd: f64 },
    /// exp(mu + sigma·z).
    Exp { mu: f64, sigma: f64 },
}

impl NormalScoreMap {
    /// The value at score `z`.
    #[inline]
    pub fn at(self, z: f64) -> f64 {
        match self {
            NormalScoreMap::Linear { mean, sd } => mean + sd * z,
            NormalScoreMap::Exp { mu, sigma } => crate::simd::fastmath::exp(mu + sigma * z),
        }
    }

    /// Fills `out` with values at standard normal scores drawn from `normals`
    /// (the exponential taken for the whole batch at once).
    fn fill(self, normals: &mut crate::sampling::ziggurat::NormalLanes, out: &mut [f64]) {
        normals.fill(out);
        match self {
            NormalScoreMap::Linear { mean, sd } => {
                for x in out.iter_mut() {
                    *x = mean + sd * *x;
                }
            }
            NormalScoreMap::Exp { mu, sigma } => {
                for x in out.iter_mut() {
                    *x = mu + sigma * *x;
                }
                crate::simd::fastmath::exp_in_place(out);
            }
        }
    }
}

/// One distribution family with checked parameters.
#[derive(Debug, Clone)]
pub enum Family {
    /// Always the same value.
    Constant(f64),
    /// Uniform on [min, max].
    Uniform { min: f64, max: f64 },
    /// Normal with mean and standard deviation.
    Normal { mean: f64, sd: f64 },
    /// exp(Normal(mu, sigma)): median e^mu, log-sd sigma.
    LogNormal { mu: f64, sigma: f64 },
    /// Triangular on [min, max] with its peak at mode.
    Triangular { min: f64, mode: f64, max: f64 },
    /// Scaled beta: min + (max - min)·Beta(alpha, beta). PERT is this family
    /// with alpha and beta set from (min, mode, max, lambda).
    ScaledBeta {
        min: f64,
        max: f64,
        alpha: f64,
        beta: f64,
        gamma_alpha: GammaSampler,
        gamma_beta: GammaSampler,
    },
    /// Gamma with shape and scale.
    Gamma {
        shape: f64,
        scale: f64,
        sampler: GammaSampler,
    },
    /// 1 with probability p, else 0.
    Bernoulli { p: f64 },
    /// An integer drawn uniformly from min..=max.
    DiscreteUniform { min: i64, max: i64 },
    /// One of `values`, with cumulative weights `cumulative` (last = 1).
    Discrete {
        values: Vec<f64>,
        cumulative: Vec<f64>,
    },
}

/// A distribution: a family, optionally truncated to [lo, hi].
#[derive(Debug, Clone)]
pub struct Dist {
    family: Family,
    truncation: Option<Truncation>,
    /// Short description for reports, e.g. `pert(min 0, mode 0.3, max 0.7)`.
    label: String,
}

#[derive(Debug, Clone)]
struct Truncation {
    lo: f64,
    hi: f64,
    cdf_lo: f64,
    mass: f64,
}

/// Tries with rejection before a truncated draw falls back to the inverse CDF.
const REJECTION_TRIES: usize = 64;

impl Dist {
    /// A constant.
    pub fn constant(value: f64) -> Result<Dist, ParamError> {
        finite("value", value)?;
        Ok(Dist::plain(Family::Constant(value), fmt_num(value)))
    }

    /// Uniform on [min, max]; min == max is allowed (a constant).
    pub fn uniform(min: f64, max: f64) -> Result<Dist, ParamError> {
        finite("min", min)?;
        finite("max", max)?;
        if !(max >= min) {
            return fail(format!(
                "`min` ({min}) must not be greater than `max` ({max})"
            ));
        }
        finite_width(min, max)?;
        Ok(Dist::plain(
            Family::Uniform { min, max },
            format!("uniform({}, {})", fmt_num(min), fmt_num(max)),
        ))
    }

    /// Normal with mean and standard deviation (sd > 0).
    pub fn normal(mean: f64, sd: f64) -> Result<Dist, ParamError> {
        finite("mean", mean)?;
        positive("sd", sd)?;
        Ok(Dist::plain(
            Family::Normal { mean, sd },
            format!("normal(mean {}, sd {})", fmt_num(mean), fmt_num(sd)),
        ))
    }

    /// Normal whose 5th and 95th percentiles are p5 and p95.
    pub fn normal_from_p5_p95(p5: f64, p95: f64) -> Result<Dist, ParamError> {
        finite("p5", p5)?;
        finite("p95", p95)?;
        if !(p95 > p5) {
            return fail(format!("`p5` ({p5}) must be less than `p95` ({p95})"));
        }
        Dist::normal((p5 + p95) / 2.0, (p95 - p5) / (2.0 * Z95))
    }

    /// Lognormal with the given median (> 0) and log-sd (> 0).
    pub fn lognormal(median: f64, log_sd: f64) -> Result<Dist, ParamError> {
        positive("median", median)?;
        positive("log_sd", log_sd)?;
        Ok(Dist::plain(
            Family::LogNormal {
                mu: median.ln(),
                sigma: log_sd,
            },
            format!(
                "lognormal(median {}, log-sd {})",
                fmt_num(median),
                fmt_num(log_sd)
            ),
        ))
    }

    /// Lognormal whose 5th and 95th percentiles are p5 and p95 (0 < p5 < p95).
    pub fn lognormal_from_p5_p95(p5: f64, p95: f64) -> Result<Dist, ParamError> {
        positive("p5", p5)?;
        positive("p95", p95)?;
        if !(p95 > p5) {
            return fail(format!("`p5` ({p5}) must be less than `p95` ({p95})"));
        }
        let median = (p5 * p95).sqrt();
        let log_sd = (p95.ln() - p5.ln()) / (2.0 * Z95);
        let mut d = Dist::lognormal(median, log_sd)?;
        d.label = format!("lognormal(p5 {}, p95 {})", fmt_num(p5), fmt_num(p95));
        Ok(d)
    }

    /// Triangular on [min, max] with peak `mode` (min < max, min ≤ mode ≤ max).
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Dist, ParamError> {
        check_min_mode_max(min, mode, max)?;
        finite_width(min, max)?;
        Ok(Dist::plain(
            Family::Triangular { min, mode, max },
            format!(
                "triangular({}, {}, {})",
                fmt_num(min),
                fmt_num(mode),
                fmt_num(max)
            ),
        ))
    }

    /// PERT on [min, max] with most likely value `mode` and shape `lambda`
    /// (4 is the classic PERT).
    pub fn pert(min: f64, mode: f64, max: f64, lambda: f64) -> Result<Dist, ParamError> {
        check_min_mode_max(min, mode, max)?;
        positive("lambda", lambda)?;
        finite_width(min, max)?;
        // The derived shapes lie in [1, 1 + lambda]: beta's range caps lambda.
        if !(lambda <= MAX_BETA_SHAPE - 1.0) {
            return fail(format!(
                "`lambda` must be greater than 0 and at most {} (PERT's shapes 1 + lambda·(mode − min)/(max − min) and 1 + lambda·(max − mode)/(max − min) must stay within beta's {} to {}), got {}",
                fmt_num(MAX_BETA_SHAPE - 1.0),
                MIN_SHAPE,
                fmt_num(MAX_BETA_SHAPE),
                fmt_num(lambda)
            ));
        }
        let alpha = 1.0 + lambda * (mode - min) / (max - min);
        let beta = 1.0 + lambda * (max - mode) / (max - min);
        // Name what the user wrote, not the shapes derived from it.
        let mut d = Dist::scaled_beta(alpha, beta, min, max).map_err(|_| {
            ParamError(format!(
                "the shapes PERT derives from `min`, `mode`, `max` and `lambda` (1 + lambda·(mode − min)/(max − min) = {}, 1 + lambda·(max − mode)/(max − min) = {}) must be finite numbers within beta's {} to {}: use smaller amounts (a larger unit) or a smaller `lambda`",
                fmt_num(alpha),
                fmt_num(beta),
                MIN_SHAPE,
                fmt_num(MAX_BETA_SHAPE)
            ))
        })?;
        d.label = format!(
            "pert({}, {}, {})",
            fmt_num(min),
            fmt_num(mode),
            fmt_num(max)
        );
        Ok(d)
    }

    /// Beta(alpha, beta) rescaled to [min, max] (default [0, 1]).
    pub fn scaled_beta(alpha: f64, beta: f64, min: f64, max: f64) -> Result<Dist, ParamError> {
        positive("alpha", alpha)?;
        positive("beta", beta)?;
        for (name, x) in [("alpha", alpha), ("beta", beta)] {
            if !(MIN_SHAPE..=MAX_BETA_SHAPE).contains(&x) {
                return fail(format!(
                    "`alpha` and `beta` must be between {MIN_SHAPE} and {} (outside that range its draws or percentiles are not accurate), got {name} = {}",
                    fmt_num(MAX_BETA_SHAPE),
                    fmt_num(x)
                ));
            }
        }
        finite("min", min)?;
        finite("max", max)?;
        if !(max > min) {
            return fail(format!("`min` ({min}) must be less than `max` ({max})"));
        }
        finite_width(min, max)?;
        let label = if min == 0.0 && max == 1.0 {
            format!("beta({}, {})", fmt_num(alpha), fmt_num(beta))
        } else {
            format!(
                "beta({}, {}) on [{}, {}]",
                fmt_num(alpha),
                fmt_num(beta),
                fmt_num(min),
                fmt_num(max)
            )
        };
        Ok(Dist::plain(
            Family::ScaledBeta {
                min,
                max,
                alpha,
                beta,
                gamma_alpha: GammaSampler::new(alpha, 1.0),
                gamma_beta: GammaSampler::new(beta, 1.0),
            },
            label,
        ))
    }

    /// Gamma with shape > 0 and scale > 0.
    pub fn gamma(shape: f64, scale: f64) -> Result<Dist, ParamError> {
        positive("shape", shape)?;
        positive("scale", scale)?;
        if !(MIN_SHAPE..=MAX_GAMMA_SHAPE).contains(&shape) {
            return fail(format!(
                "`shape` must be between {MIN_SHAPE} and {} (outside that range its draws or percentiles are not accurate), got {}",
                fmt_num(MAX_GAMMA_SHAPE),
                fmt_num(shape)
            ));
        }
        let sampler = GammaSampler::new(shape, scale);
        Ok(Dist::plain(
            Family::Gamma {
                shape,
                scale,
                sampler,
            },
            format!("gamma(shape {}, scale {})", fmt_num(shape), fmt_num(scale)),
        ))
    }

    /// 1 with probability p (0 ≤ p ≤ 1), else 0.
    pub fn bernoulli(p: f64) -> Result<Dist, ParamError> {
        check_probability("p", p)?;
        Ok(Dist::plain(
            Family::Bernoulli { p },
            format!("bernoulli({})", fmt_num(p)),
        ))
    }

    /// An integer drawn uniformly from min..=max.
    pub fn discrete_uniform(min: f64, max: f64) -> Result<Dist, ParamError> {
        for (name, x) in [("min", min), ("max", max)] {
            finite(name, x)?;
            if x.fract() != 0.0 || x.abs() > 9.0e15 {
                return fail(format!("`{name}` must be a whole number, got {x}"));
            }
        }
        if !(max >= min) {
            return fail(format!(
                "`min` ({min}) must not be greater than `max` ({max})"
            ));
        }
        Ok(Dist::plain(
            Family::DiscreteUniform {
                min: min as i64,
                max: max as i64,
            },
            format!("discrete_uniform({}..={})", min as i64, max as i64),
        ))
    }

    /// One of `values` with probability proportional to `weights`
    /// (equal weights when `weights` is `None`).
    pub fn discrete(values: &[f64], weights: Option<&[f64]>) -> Result<Dist, ParamError> {
        if values.is_empty() {
            return fail("`values` must list at least one value");
        }
        for (i, &v) in values.iter().enumerate() {
            finite(&format!("values[{i}]"), v)?;
        }
        let weights: Vec<f64> = match weights {
            Some(w) => {
                if w.len() != values.len() {
                    return fail(format!(
                        "`weights` has {} entries but `values` has {}; give one weight per value",
                        w.len(),
                        values.len()
                    ));
                }
                for (i, &x) in w.iter().enumerate() {
                    finite(&format!("weights[{i}]"), x)?;
                    if !(x >= 0.0) {
                        return fail(format!("`weights[{i}]` must not be negative, got {x}"));
                    }
                }
                w.to_vec()
            }
            None => vec![1.0; values.len()],
        };
        let total: f64 = weights.iter().sum();
        if !(total > 0.0) || !total.is_finite() {
            return fail("`weights` must add up to a finite number greater than 0");
        }
        let mut acc = 0.0;
        let mut cumulative: Vec<f64> = weights
            .iter()
            .map(|w| {
                acc += w;
                acc / total
            })
            .collect();
        *cumulative.last_mut().expect("non-empty") = 1.0;
        let label = format!(
            "discrete({})",
            values
                .iter()
                .map(|v| fmt_num(*v))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(Dist::plain(
            Family::Discrete {
                values: values.to_vec(),
                cumulative,
            },
            label,
        ))
    }

    fn plain(family: Family, label: String) -> Dist {
        Dist {
            family,
            truncation: None,
            label,
        }
    }

    /// Restricts a continuous distribution to [lo, hi] (either side may be
    /// infinite). Fails for discrete families and bounds with no mass.
    pub fn truncated(mut self, lo: f64, hi: f64) -> Result<Dist, ParamError> {
        if self.is_discrete() {
            return fail("`truncate` applies to continuous distributions only");
        }
        if lo.is_nan() || hi.is_nan() {
            return fail("truncation bounds must be numbers");
        }
        if !(hi > lo) {
            return fail(format!(
                "truncation `min` ({lo}) must be less than `max` ({hi})"
            ));
        }
        let cdf_lo = self.cdf(lo);
        let mass = self.cdf(hi) - cdf_lo;
        if !(mass > 1e-9) {
            return fail(format!(
                "truncation to [{}, {}] leaves no probability mass for {}",
                fmt_num(lo),
                fmt_num(hi),
                self.label
            ));
        }
        self.label = format!(
            "{} truncated to [{}, {}]",
            self.label,
            fmt_num(lo),
            fmt_num(hi)
        );
        self.truncation = Some(Truncation {
            lo,
            hi,
            cdf_lo,
            mass,
        });
        Ok(self)
    }

    /// Short human description, e.g. `pert(0, 0.3, 0.7)`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The family.
    pub fn family(&self) -> &Family {
        &self.family
    }

    /// The constant value, if this distribution is a constant.
    pub fn as_constant(&self) -> Option<f64> {
        match self.family {
            Family::Constant(v) => Some(v),
            Family::Uniform { min, max } if min == max => Some(min),
            Family::DiscreteUniform { min, max } if min == max => Some(min as f64),
            _ => None,
        }
    }

    /// For an untruncated normal or lognormal, the value at standard normal
    /// score z in closed form: the inverse CDF at Φ(z), with no Φ to compute
    /// (the Gaussian copula draws inputs from scores). `None` otherwise.
    pub fn normal_score_map(&self) -> Option<NormalScoreMap> {
        if self.truncation.is_some() {
            return None;
        }
        match self.family {
            Family::Normal { mean, sd } => Some(NormalScoreMap::Linear { mean, sd }),
            Family::LogNormal { mu, sigma } => Some(NormalScoreMap::Exp { mu, sigma }),
            _ => None,
        }
    }

    /// True for families whose values are whole numbers or a finite list.
    pub fn is_discrete(&self) -> bool {
        matches!(
            self.family,
            Family::Bernoulli { .. } | Family::DiscreteUniform { .. } | Family::Discrete { .. }
        )
    }

    /// Smallest and largest values the distribution can produce.
    pub fn support(&self) -> (f64, f64) {
        let (lo, hi) = match &self.family {
            Family::Constant(v) => (*v, *v),
            Family::Uniform { min, max } | Family::Triangular { min, max, .. } => (*min, *max),
            Family::ScaledBeta { min, max, .. } => (*min, *max),
            Family::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Family::LogNormal { .. } | Family::Gamma { .. } => (0.0, f64::INFINITY),
            Family::Bernoulli { p } => (
                if *p < 1.0 { 0.0 } else { 1.0 },
                if *p > 0.0 { 1.0 } else { 0.0 },
            ),
            Family::DiscreteUniform { min, max } => (*min as f64, *max as f64),
            Family::Discrete { values, cumulative } => {
                let mut lo = f64::INFINITY;
                let mut hi = f64::NEG_INFINITY;
                let mut prev = 0.0;
                for (v, c) in values.iter().zip(cumulative) {
                    if *c > prev {
                        lo = lo.min(*v);
                        hi = hi.max(*v);
                    }
                    prev = *c;
                }
                (lo, hi)
            }
        };
        match &self.truncation {
            Some(t) => (lo.max(t.lo), hi.min(t.hi)),
            None => (lo, hi),
        }
    }

    /// Cumulative distribution function P(X ≤ x) of the (truncated) distribution.
    pub fn cdf(&self, x: f64) -> f64 {
        let raw = self.family_cdf(x);
        match &self.truncation {
            None => raw,
            Some(t) => {
                if x < t.lo {
                    0.0
                } else if x >= t.hi {
                    1.0
                } else {
                    ((raw - t.cdf_lo) / t.mass).clamp(0.0, 1.0)
                }
            }
        }
    }

    fn family_cdf(&self, x: f64) -> f64 {
        match &self.family {
            Family::Constant(v) => f64::from(u8::from(x >= *v)),
            Family::Uniform { min, max } => {
                if x < *min {
                    0.0
                } else if x >= *max {
                    1.0
                } else {
                    (x - min) / (max - min)
                }
            }
            Family::Normal { mean, sd } => {
                NormalCdf::new(*mean, *sd).map_or(f64::NAN, |d| d.cdf(x))
            }
            Family::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    0.0
                } else {
                    LogNormalCdf::new(*mu, *sigma).map_or(f64::NAN, |d| d.cdf(x))
                }
            }
            Family::Triangular { min, mode, max } => {
                if x <= *min {
                    0.0
                } else if x >= *max {
                    1.0
                } else if x <= *mode {
                    (x - min).powi(2) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
                }
            }
            Family::ScaledBeta {
                min,
                max,
                alpha,
                beta,
                ..
            } => {
                let y = ((x - min) / (max - min)).clamp(0.0, 1.0);
                BetaCdf::new(*alpha, *beta).map_or(f64::NAN, |d| d.cdf(y))
            }
            Family::Gamma { shape, scale, .. } => {
                if x <= 0.0 {
                    0.0
                } else if x / scale < shape + 1.0 {
                    lower_gamma_series(*shape, x / scale)
                } else {
                    GammaCdf::new(*shape, 1.0 / scale).map_or(f64::NAN, |d| d.cdf(x))
                }
            }
            Family::Bernoulli { p } => {
                if x < 0.0 {
                    0.0
                } else if x < 1.0 {
                    1.0 - p
                } else {
                    1.0
                }
            }
            Family::DiscreteUniform { min, max } => {
                let k = x.floor();
                if k < *min as f64 {
                    0.0
                } else if k >= *max as f64 {
                    1.0
                } else {
                    (k - *min as f64 + 1.0) / ((max - min) as f64 + 1.0)
                }
            }
            Family::Discrete { values, cumulative } => {
                let mut acc = 0.0;
                let mut prev = 0.0;
                for (v, c) in values.iter().zip(cumulative) {
                    if *v <= x {
                        acc += c - prev;
                    }
                    prev = *c;
                }
                acc.min(1.0)
            }
        }
    }

    /// P(X < x) and P(X ≤ x): equal for a continuous distribution; for a
    /// discrete one they differ by the probability of the value x.
    pub fn rank_bounds(&self, x: f64) -> (f64, f64) {
        let upper = self.cdf(x);
        if !self.is_discrete() && self.as_constant().is_none() {
            return (upper, upper);
        }
        let mass = match &self.family {
            Family::Discrete { values, cumulative } => {
                let mut prev = 0.0;
                let mut m = 0.0;
                for (v, c) in values.iter().zip(cumulative) {
                    if *v == x {
                        m += c - prev;
                    }
                    prev = *c;
                }
                m
            }
            // Whole-number families: the mass at x is the CDF's jump there.
            _ => upper - self.cdf(x - 0.5),
        };
        ((upper - mass).clamp(0.0, 1.0), upper)
    }

    /// The mid-rank of `x`: P(X < x) + P(X = x)/2 (the CDF for a continuous
    /// distribution; tied values of a discrete one share a rank).
    pub fn mid_rank(&self, x: f64) -> f64 {
        let (below, upper) = self.rank_bounds(x);
        0.5 * (below + upper)
    }

    /// A fast inverse CDF for the families whose exact one is slow (beta,
    /// PERT, gamma), used where every draw goes through the inverse CDF
    /// (Latin hypercube, correlated inputs). `None` for other families.
    pub fn quantile_table(&self) -> Option<QuantileTable> {
        if self.truncation.is_some() {
            return None;
        }
        let pdf: Box<dyn Fn(f64) -> f64> = match &self.family {
            Family::ScaledBeta {
                min,
                max,
                alpha,
                beta,
                ..
            } => {
                let d = BetaCdf::new(*alpha, *beta).ok()?;
                let (min, width) = (*min, max - min);
                Box::new(move |x| d.pdf((x - min) / width) / width)
            }
            Family::Gamma { shape, scale, .. } => {
                let d = GammaCdf::new(*shape, 1.0 / scale).ok()?;
                Box::new(move |x| d.pdf(x))
            }
            _ => return None,
        };
        QuantileTable::build(self, &*pdf)
    }

    /// The value below which a fraction `q` (0 < q < 1) of draws fall.
    pub fn quantile(&self, q: f64) -> f64 {
        let q = match &self.truncation {
            Some(t) => t.cdf_lo + q * t.mass,
            None => q,
        };
        let x = self.family_quantile(q.clamp(0.0, 1.0));
        match &self.truncation {
            Some(t) => x.clamp(t.lo, t.hi),
            None => x,
        }
    }

    fn family_quantile(&self, q: f64) -> f64 {
        match &self.family {
            Family::Constant(v) => *v,
            Family::Uniform { min, max } => min + (max - min) * q,
            Family::Normal { mean, sd } => {
                NormalCdf::new(*mean, *sd).map_or(f64::NAN, |d| d.inverse_cdf(q))
            }
            Family::LogNormal { mu, sigma } => {
                (mu + sigma * NormalCdf::new(0.0, 1.0).map_or(f64::NAN, |d| d.inverse_cdf(q))).exp()
            }
            Family::Triangular { min, mode, max } => triangular_inverse(*min, *mode, *max, q),
            Family::ScaledBeta {
                min,
                max,
                alpha,
                beta,
                ..
            } => {
                let unit = BetaCdf::new(*alpha, *beta).map_or(f64::NAN, |d| {
                    checked_inverse(|x| d.cdf(x), d.inverse_cdf(q), q, 0.0, 1.0)
                });
                min + (max - min) * unit
            }
            Family::Gamma { shape, scale, .. } => {
                GammaCdf::new(*shape, 1.0 / scale).map_or(f64::NAN, |d| {
                    let cdf = |x: f64| self.family_cdf(x);
                    let mut hi = (shape * scale).max(*scale).max(1e-300);
                    while cdf(hi) < q && hi < 1e300 {
                        hi *= 4.0;
                    }
                    checked_inverse(cdf, d.inverse_cdf(q), q, 0.0, hi)
                })
            }
            Family::Bernoulli { p } => f64::from(u8::from(q > 1.0 - p)),
            Family::DiscreteUniform { min, max } => {
                let n = (max - min) as f64 + 1.0;
                (*min as f64 + (q * n).ceil() - 1.0).clamp(*min as f64, *max as f64)
            }
            Family::Discrete { values, cumulative } => {
                // Values are taken in listed order; sort by value for a true quantile.
                let mut pairs: Vec<(f64, f64)> = Vec::with_capacity(values.len());
                let mut prev = 0.0;
                for (v, c) in values.iter().zip(cumulative) {
                    pairs.push((*v, c - prev));
                    prev = *c;
                }
                pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut acc = 0.0;
                for (v, w) in &pairs {
                    acc += w;
                    if acc >= q - 1e-12 && *w > 0.0 {
                        return *v;
                    }
                }
                pairs.last().map_or(f64::NAN, |p| p.0)
            }
        }
    }

    /// The analytic mean of the untruncated family (`None` when truncated),
    /// computed so that it overflows only when the mean itself does (a
    /// uniform over [1e308, 1.7e308] has a finite mean).
    pub fn mean(&self) -> Option<f64> {
        if self.truncation.is_some() {
            return None;
        }
        Some(match &self.family {
            Family::Constant(v) => *v,
            Family::Uniform { min, max } => min / 2.0 + max / 2.0,
            Family::Normal { mean, .. } => *mean,
            Family::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Family::Triangular { min, mode, max } => min / 3.0 + mode / 3.0 + max / 3.0,
            Family::ScaledBeta {
                min,
                max,
                alpha,
                beta,
                ..
            } => {
                // A convex combination of min and max: never past either.
                let w = alpha / (alpha + beta);
                min * (1.0 - w) + max * w
            }
            Family::Gamma { shape, scale, .. } => shape * scale,
            Family::Bernoulli { p } => *p,
            Family::DiscreteUniform { min, max } => (*min as f64 + *max as f64) / 2.0,
            Family::Discrete { values, cumulative } => {
                let mut prev = 0.0;
                values
                    .iter()
                    .zip(cumulative)
                    .map(|(v, c)| {
                        let w = c - prev;
                        prev = *c;
                        v * w
                    })
                    .sum()
            }
        })
    }

    /// The analytic variance of the untruncated family (`None` when truncated).
    pub fn variance(&self) -> Option<f64> {
        self.sd().map(|sd| sd * sd)
    }

    /// The analytic standard deviation of the untruncated family (`None`
    /// when truncated), computed on values scaled to at most 1 where the
    /// family allows, so it overflows only when the deviation itself does.
    pub fn sd(&self) -> Option<f64> {
        if self.truncation.is_some() {
            return None;
        }
        let half_range = |min: f64, max: f64| max / 2.0 - min / 2.0;
        Some(match &self.family {
            Family::Uniform { min, max } => half_range(*min, *max) / 3f64.sqrt(),
            Family::Normal { sd, .. } => *sd,
            Family::LogNormal { mu, sigma } => {
                // e^(μ + σ²/2) · √(e^(σ²) − 1), in logs.
                (mu + sigma * sigma / 2.0 + 0.5 * (sigma * sigma).exp_m1().ln()).exp()
            }
            Family::Triangular { min, mode, max } => {
                let k = min.abs().max(mode.abs()).max(max.abs());
                if k == 0.0 {
                    return Some(0.0);
                }
                let (a, c, b) = (min / k, mode / k, max / k);
                k * ((a * a + b * b + c * c - a * b - a * c - b * c) / 18.0)
                    .max(0.0)
                    .sqrt()
            }
            Family::ScaledBeta {
                min,
                max,
                alpha,
                beta,
                ..
            } => {
                let s = alpha + beta;
                half_range(*min, *max) * (2.0 * (alpha * beta / (s * s * (s + 1.0))).sqrt())
            }
            Family::Gamma { shape, scale, .. } => shape.sqrt() * scale,
            Family::Constant(_) => 0.0,
            Family::Bernoulli { p } => (p * (1.0 - p)).sqrt(),
            Family::DiscreteUniform { min, max } => {
                let n = (max - min) as f64 + 1.0;
                ((n * n - 1.0) / 12.0).sqrt()
            }
            Family::Discrete { values, cumulative } => {
                // Σ w·(v − mean)² on values scaled to at most 1.
                let k = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                if k == 0.0 {
                    return Some(0.0);
                }
                let weights = cumulative
                    .iter()
                    .scan(0.0, |prev, &c| {
                        let w = c - *prev;
                        *prev = c;
                        Some(w)
                    })
                    .collect::<Vec<_>>();
                let mean: f64 = values.iter().zip(&weights).map(|(v, w)| v / k * w).sum();
                let variance: f64 = values
                    .iter()
                    .zip(&weights)
                    .map(|(v, w)| (v / k - mean).powi(2) * w)
                    .sum();
                k * variance.max(0.0).sqrt()
            }
        })
    }

    /// One draw.
    #[inline]
    pub fn sample(&self, rng: &mut StreamRng) -> f64 {
        match &self.truncation {
            None => self.family_sample(rng),
            Some(t) => self.truncated_sample(t, rng),
        }
    }

    /// Fills `out` with independent draws, in order.
    pub fn fill(&self, rng: &mut StreamRng, out: &mut [f64]) {
        if self.truncation.is_some() {
            for x in out.iter_mut() {
                *x = self.sample(rng);
            }
            return;
        }
        match &self.family {
            Family::Constant(v) => out.fill(*v),
            Family::Uniform { min, max } => {
                let width = max - min;
                for x in out.iter_mut() {
                    *x = min + width * open01(rng);
                }
            }
            Family::Normal { .. } | Family::LogNormal { .. } => {
                let map = self.normal_score_map().expect("an untruncated normal");
                map.fill(&mut crate::sampling::ziggurat::NormalLanes::new(rng), out);
            }
            Family::Triangular { min, mode, max } => {
                for x in out.iter_mut() {
                    *x = triangular_inverse(*min, *mode, *max, open01(rng));
                }
            }
            Family::Bernoulli { p } => {
                for x in out.iter_mut() {
                    *x = f64::from(u8::from(open01(rng) < *p));
                }
            }
            Family::DiscreteUniform { min, max } => {
                let n = (max - min) as u64 + 1;
                for x in out.iter_mut() {
                    let k = ((open01(rng) * n as f64) as u64).min(n - 1);
                    *x = (*min + k as i64) as f64;
                }
            }
            Family::ScaledBeta {
                min,
                max,
                gamma_alpha,
                gamma_beta,
                ..
            } => {
                // X / (X + Y) of two gamma batches.
                let mut streams = crate::sampling::gamma::GammaStreams::new(rng);
                let mut y = [0.0; 128];
                for chunk in out.chunks_mut(y.len()) {
                    let y = &mut y[..chunk.len()];
                    gamma_alpha.fill(rng, &mut streams, chunk);
                    gamma_beta.fill(rng, &mut streams, y);
                    for (x, &y) in chunk.iter_mut().zip(y.iter()) {
                        *x = scaled_beta(*min, *max, *x, y);
                    }
                }
            }
            Family::Gamma { sampler, .. } => {
                let mut streams = crate::sampling::gamma::GammaStreams::new(rng);
                sampler.fill(rng, &mut streams, out);
            }
            _ => {
                for x in out.iter_mut() {
                    *x = self.family_sample(rng);
                }
            }
        }
    }

    /// As [`Dist::fill`], for a stream drawn in several fills (a block's
    /// months, chunk by chunk): normal and lognormal values come from
    /// `normals`, lanes that carry on from one fill to the next; every other
    /// family draws from `rng` as `fill` does.
    pub(crate) fn fill_continuing(
        &self,
        rng: &mut StreamRng,
        normals: &mut crate::sampling::ziggurat::NormalLanes,
        out: &mut [f64],
    ) {
        match self.normal_score_map() {
            Some(map) => map.fill(normals, out),
            None => self.fill(rng, out),
        }
    }

    #[inline]
    fn family_sample(&self, rng: &mut StreamRng) -> f64 {
        match &self.family {
            Family::Constant(v) => *v,
            Family::Uniform { min, max } => min + (max - min) * open01(rng),
            Family::Normal { mean, sd } => {
                let z = crate::sampling::ziggurat::standard_normal(rng);
                mean + sd * z
            }
            Family::LogNormal { mu, sigma } => {
                let z = crate::sampling::ziggurat::standard_normal(rng);
                crate::simd::fastmath::exp(mu + sigma * z)
            }
            Family::Triangular { min, mode, max } => {
                triangular_inverse(*min, *mode, *max, open01(rng))
            }
            Family::ScaledBeta {
                min,
                max,
                gamma_alpha,
                gamma_beta,
                ..
            } => scaled_beta_draw(*min, *max, gamma_alpha, gamma_beta, rng),
            Family::Gamma { sampler, .. } => sampler.sample(rng),
            Family::Bernoulli { p } => f64::from(u8::from(open01(rng) < *p)),
            Family::DiscreteUniform { min, max } => {
                let n = (max - min) as u64 + 1;
                let k = ((open01(rng) * n as f64) as u64).min(n - 1);
                (*min + k as i64) as f64
            }
            Family::Discrete { values, cumulative } => {
                let u = open01(rng);
                let i = cumulative.partition_point(|c| *c < u).min(values.len() - 1);
                values[i]
            }
        }
    }

    fn truncated_sample(&self, t: &Truncation, rng: &mut StreamRng) -> f64 {
        if t.mass >= 0.25 {
            for _ in 0..REJECTION_TRIES {
                let x = self.family_sample(rng);
                if x >= t.lo && x <= t.hi {
                    return x;
                }
            }
        }
        let q = t.cdf_lo + open01(rng) * t.mass;
        self.family_quantile(q).clamp(t.lo, t.hi)
    }
}

/// The regularised lower incomplete gamma P(a, x) by its power series,
/// accurate for x < a + 1 down to the smallest x (where statrs returns 0).
fn lower_gamma_series(a: f64, x: f64) -> f64 {
    let log_prefix = a * x.ln() - x - statrs::function::gamma::ln_gamma(a + 1.0);
    let (mut term, mut sum) = (1.0, 1.0);
    for n in 1..1000 {
        term *= x / (a + n as f64);
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    (log_prefix.exp() * sum).min(1.0)
}

/// Accepts a library's inverse-CDF value `guess` when the CDF confirms it
/// (statrs returns NaN or inaccurate values in some tails); otherwise finds
/// x in [lo, hi] with cdf(x) = q by bisection, geometric where the bracket
/// spans orders of magnitude so that tiny quantiles keep their precision.
fn checked_inverse(cdf: impl Fn(f64) -> f64, guess: f64, q: f64, lo: f64, hi: f64) -> f64 {
    let tolerance = 1e-10 * q.min(1.0 - q).max(1e-300);
    if guess.is_finite() && guess >= lo && guess <= hi && (cdf(guess) - q).abs() <= tolerance {
        return guess;
    }
    let (mut lo, mut hi) = (lo.max(1e-300), hi);
    if cdf(lo) >= q {
        return lo;
    }
    for _ in 0..400 {
        let mid = if hi > 4.0 * lo {
            (lo * hi).sqrt()
        } else {
            0.5 * (lo + hi)
        };
        if mid <= lo || mid >= hi {
            break;
        }
        if cdf(mid) < q {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-15 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// An inverse CDF tabulated at 2 048 equal steps of probability, with the
/// slope dq/du = 1/pdf(q) at each knot, and evaluated by cubic Hermite
/// interpolation: within 1e-7 of the exact quantile (relative to the larger
/// of the value and the interquartile range; tested). In the first and last
/// 16 steps, where the slope grows without bound, a second table takes over
/// with knots spaced evenly in log2 of the tail probability (8 per halving,
/// down to 2^-40); it is checked against the exact quantile between every
/// pair of knots when built and left out where it misses the 1e-7 bound.
/// Beyond it (and without it) the exact quantile is used.
#[derive(Debug, Clone)]
pub struct QuantileTable {
    q: Vec<f64>,
    slope: Vec<f64>,
    lower: Option<TailTable>,
    upper: Option<TailTable>,
}

/// Steps of a [`QuantileTable`].
const TABLE_STEPS: usize = 2048;
/// Steps at each end covered by the tail tables: 1.6 % of draws.
const TABLE_TAIL: usize = 16;
/// The tail tables start at tail probability 2^-TAIL_START = TABLE_TAIL / TABLE_STEPS …
const TAIL_START: f64 = (TABLE_STEPS / TABLE_TAIL).ilog2() as f64;
/// … with this many knots per halving of the tail probability …
const TAIL_PER_OCTAVE: f64 = 8.0;
/// … over this many halvings (down to 2^-40, about 1e-12: deeper in the
/// upper tail, u = 1 − v no longer holds v to 1e-7).
const TAIL_OCTAVES: usize = 33;

/// The quantile as a function of s = −log2(v), v the probability beyond it
/// (v = u in the lower tail, 1 − u in the upper), at knots s = 7 + m/8.
#[derive(Debug, Clone)]
struct TailTable {
    x: Vec<f64>,
    dx_ds: Vec<f64>,
}

/// Cubic Hermite interpolation on [0, 1] between (x0, slope m0) and
/// (x1, slope m1) (slopes already scaled to the step), kept inside the
/// knots' interval.
#[inline(always)]
fn hermite(t: f64, x0: f64, x1: f64, m0: f64, m1: f64) -> f64 {
    let (t2, t3) = (t * t, t * t * t);
    let value = (2.0 * t3 - 3.0 * t2 + 1.0) * x0
        + (t3 - 2.0 * t2 + t) * m0
        + (-2.0 * t3 + 3.0 * t2) * x1
        + (t3 - t2) * m1;
    value.clamp(x0.min(x1), x0.max(x1))
}

impl TailTable {
    /// Builds the table of one tail and checks it against the exact
    /// quantile halfway between knots; `None` where it is not accurate.
    fn build(dist: &Dist, pdf: &dyn Fn(f64) -> f64, upper: bool, scale: f64) -> Option<TailTable> {
        let knots = TAIL_OCTAVES * TAIL_PER_OCTAVE as usize;
        let probability = |s: f64| {
            let v = (-s).exp2();
            if upper {
                1.0 - v
            } else {
                v
            }
        };
        let mut x = Vec::with_capacity(knots + 1);
        let mut dx_ds = Vec::with_capacity(knots + 1);
        for m in 0..=knots {
            let s = TAIL_START + m as f64 / TAIL_PER_OCTAVE;
            let q = dist.quantile(probability(s));
            let density = pdf(q);
            if !(q.is_finite() && density.is_finite() && density > 0.0) {
                return None;
            }
            // dv/ds = −v ln 2; du/ds = ∓ that.
            let dv_ds = -(-s).exp2() * std::f64::consts::LN_2;
            let du_ds = if upper { -dv_ds } else { dv_ds };
            x.push(q);
            dx_ds.push(du_ds / density);
        }
        let table = TailTable { x, dx_ds };
        for m in 0..knots {
            let s = TAIL_START + (m as f64 + 0.5) / TAIL_PER_OCTAVE;
            let exact = dist.quantile(probability(s));
            let tolerance = 1e-7 * exact.abs().max(scale);
            if !((table.at(s) - exact).abs() <= tolerance) {
                return None;
            }
        }
        Some(table)
    }

    /// The quantile at s = −log2(v), TAIL_START ≤ s ≤ TAIL_START + TAIL_OCTAVES.
    #[inline]
    fn at(&self, s: f64) -> f64 {
        let position = (s - TAIL_START) * TAIL_PER_OCTAVE;
        let m = (position as usize).min(self.x.len() - 2);
        let t = position - m as f64;
        let h = 1.0 / TAIL_PER_OCTAVE;
        hermite(
            t,
            self.x[m],
            self.x[m + 1],
            self.dx_ds[m] * h,
            self.dx_ds[m + 1] * h,
        )
    }

    /// The quantile at tail probability v, if v is within the table.
    #[inline]
    fn quantile(&self, v: f64) -> Option<f64> {
        let s = -v.log2();
        (s <= TAIL_START + TAIL_OCTAVES as f64).then(|| self.at(s))
    }
}

impl QuantileTable {
    fn build(dist: &Dist, pdf: &dyn Fn(f64) -> f64) -> Option<QuantileTable> {
        let n = TABLE_STEPS;
        let mut q = Vec::with_capacity(n + 1);
        let mut slope = Vec::with_capacity(n + 1);
        for i in 0..=n {
            if i == 0 || i == n {
                q.push(f64::NAN);
                slope.push(f64::NAN);
                continue;
            }
            let x = dist.quantile(i as f64 / n as f64);
            let density = pdf(x);
            if !(x.is_finite() && density.is_finite() && density > 0.0) {
                return None;
            }
            q.push(x);
            slope.push(1.0 / density);
        }
        let iqr = q[3 * n / 4] - q[n / 4];
        Some(QuantileTable {
            lower: TailTable::build(dist, pdf, false, iqr),
            upper: TailTable::build(dist, pdf, true, iqr),
            q,
            slope,
        })
    }

    /// The quantile at `u` (0 < u < 1).
    #[inline]
    pub fn quantile(&self, dist: &Dist, u: f64) -> f64 {
        let n = TABLE_STEPS;
        let x = u * n as f64;
        let k = x as usize;
        if k < TABLE_TAIL {
            return self
                .lower
                .as_ref()
                .and_then(|t| t.quantile(u))
                .unwrap_or_else(|| dist.quantile(u));
        }
        if k >= n - TABLE_TAIL {
            // 1 − u is exact here (u ≥ 1/2).
            return self
                .upper
                .as_ref()
                .and_then(|t| t.quantile(1.0 - u))
                .unwrap_or_else(|| dist.quantile(u));
        }
        let t = x - k as f64;
        let h = 1.0 / n as f64;
        hermite(
            t,
            self.q[k],
            self.q[k + 1],
            self.slope[k] * h,
            self.slope[k + 1] * h,
        )
    }

    /// Whether the lower and upper tail tables were kept (for tests).
    #[cfg(test)]
    fn has_tails(&self) -> (bool, bool) {
        (self.lower.is_some(), self.upper.is_some())
    }
}

fn check_min_mode_max(min: f64, mode: f64, max: f64) -> Result<(), ParamError> {
    finite("min", min)?;
    finite("mode", mode)?;
    finite("max", max)?;
    if !(max > min) {
        return fail(format!("`min` ({min}) must be less than `max` ({max})"));
    }
    if !(mode >= min && mode <= max) {
        return fail(format!(
            "`mode` ({mode}) must lie between `min` ({min}) and `max` ({max})"
        ));
    }
    Ok(())
}

/// Checks 0 ≤ p ≤ 1 (NaN fails).
pub fn check_probability(name: &str, p: f64) -> Result<f64, ParamError> {
    if !(0.0..=1.0).contains(&p) {
        return fail(format!(
            "`{name}` is a probability and must lie in [0, 1], got {p}"
        ));
    }
    Ok(p)
}

fn triangular_inverse(min: f64, mode: f64, max: f64, u: f64) -> f64 {
    let width = max - min;
    let split = (mode - min) / width;
    if u < split {
        min + (u * width * (mode - min)).sqrt()
    } else {
        max - ((1.0 - u) * width * (max - mode)).sqrt()
    }
}

/// A number written compactly for labels (up to 6 significant digits).
pub fn fmt_num(x: f64) -> String {
    // Never "inf" or "NaN" in a report (an open truncation bound is infinite).
    if x.is_nan() {
        return "undefined".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞" } else { "-∞" }.into();
    }
    if x == x.trunc() && x.abs() < 1e15 {
        return format!("{}", x as i64);
    }
    if x.abs() < 1e-3 || x.abs() >= 1e15 {
        return format!("{x:.3e}");
    }
    let s = format!("{:.6}", x);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabulated_quantiles_agree_with_the_exact_ones() {
        for dist in [
            Dist::pert(0.02, 0.06, 0.15, 4.0).unwrap(),
            Dist::pert(0.0, 0.0, 0.7, 4.0).unwrap(),
            Dist::scaled_beta(2.0, 5.0, -3.0, 12.0).unwrap(),
            Dist::gamma(3.0, 2.0).unwrap(),
            Dist::gamma(1.5, 0.5).unwrap(),
        ] {
            let table = dist
                .quantile_table()
                .expect("a table for beta, PERT and gamma");
            let iqr = dist.quantile(0.75) - dist.quantile(0.25);
            let check = |u: f64| {
                let (fast, exact) = (table.quantile(&dist, u), dist.quantile(u));
                assert!(
                    (fast - exact).abs() <= 1e-7 * exact.abs().max(iqr),
                    "{}: u={u}: {fast} vs {exact}",
                    dist.label()
                );
            };
            let mut u = 1e-5;
            while u < 1.0 {
                check(u);
                u += 0.000_731;
            }
            // The tails, down to 1e-16 on each side (tables to 2^-40, exact beyond).
            let mut v = 1e-16;
            while v < 0.01 {
                check(v);
                check(1.0 - v);
                v *= 1.093;
            }
        }
        // PERT-like shapes keep both tail tables.
        let pert = Dist::pert(0.02, 0.06, 0.15, 4.0).unwrap();
        assert_eq!(pert.quantile_table().unwrap().has_tails(), (true, true));
        assert!(Dist::normal(0.0, 1.0).unwrap().quantile_table().is_none());
    }
}
