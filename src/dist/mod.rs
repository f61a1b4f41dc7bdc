//! The distribution families a model value may take.
//!
//! Every uncertain number in a model is a [`Dist`]: one family, optionally
//! truncated, with a label for reports. Each family lives in its own file
//! with its struct, its parameter checks (an error enum per family, as
//! `rand_distr` has) and its maths, behind the [`Law`] trait that [`Dist`]
//! dispatches to; [`Kind`] is the one list of the families' names.
//!
//! Parameters are checked when the model loads (never trusting `rand_distr`
//! or `statrs` to reject them: `rand_distr::Normal` accepts a negative
//! standard deviation), with each check written as `!(x > 0)` style so that
//! NaN fails too. Sampling is written for speed: PERT and beta go through two
//! gamma draws, lognormal through one normal draw, and [`Dist::fill`] matches
//! the family once per batch rather than once per number.

mod bernoulli;
mod beta;
mod constant;
mod discrete;
mod discrete_uniform;
mod gamma;
mod inverse;
mod kind;
mod lognormal;
mod metalog;
mod metalog_fit;
mod normal;
mod pert;
mod quantile_fit;
mod quantile_table;
mod rules;
mod triangular;
mod truncate;
mod uniform;

pub use bernoulli::{check_probability, Bernoulli, BernoulliError};
pub use beta::{Beta, BetaError, MAX_BETA_SHAPE, MIN_SHAPE};
pub use constant::{Constant, ConstantError};
pub use discrete::{Discrete, DiscreteError};
pub use discrete_uniform::{DiscreteUniform, DiscreteUniformError};
pub use gamma::{Gamma, GammaError, MAX_GAMMA_SHAPE};
pub use kind::Kind;
pub use lognormal::{LogNormal, LogNormalError};
pub use metalog::{Metalog, MetalogBounds, MetalogError, MAX_METALOG_TERMS};
pub use normal::{Normal, NormalError, NormalScoreMap, Z95};
pub use pert::{Pert, PertError};
pub use quantile_fit::{fit_quantiles, FitError};
pub use quantile_table::QuantileTable;
pub use triangular::{Triangular, TriangularError};
pub use truncate::TruncateError;
pub use uniform::{Uniform, UniformError};

use crate::sampling::rng::StreamRng;
use std::fmt;
use truncate::Truncation;

/// Why a distribution's parameters were refused: a sentence naming the rule
/// (the words of the family's own error, e.g. [`NormalError`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ParamError(pub String);

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `From<FamilyError> for ParamError`: the error's sentence.
macro_rules! param_error_from {
    ($($error:ty),* $(,)?) => {
        $(impl From<$error> for ParamError {
            fn from(error: $error) -> ParamError {
                ParamError(error.to_string())
            }
        })*
    };
}

param_error_from!(
    ConstantError,
    UniformError,
    NormalError,
    LogNormalError,
    TriangularError,
    PertError,
    BetaError,
    GammaError,
    BernoulliError,
    DiscreteUniformError,
    DiscreteError,
    TruncateError,
    MetalogError,
    FitError,
);

/// The probability law of one family: what every family file implements
/// and [`Dist`] dispatches to (untruncated; [`Dist`] adds truncation).
pub trait Law {
    /// One draw.
    fn sample(&self, rng: &mut StreamRng) -> f64;

    /// Fills `out` with independent draws, in order (the same numbers as
    /// that many calls of [`Law::sample`] unless the family says otherwise).
    fn fill(&self, rng: &mut StreamRng, out: &mut [f64]) {
        for x in out.iter_mut() {
            *x = self.sample(rng);
        }
    }

    /// Cumulative distribution function P(X ≤ x).
    fn cdf(&self, x: f64) -> f64;

    /// The value below which a fraction `q` (0 ≤ q ≤ 1) of draws fall.
    fn quantile(&self, q: f64) -> f64;

    /// The analytic mean, computed so that it overflows only when the mean
    /// itself does.
    fn mean(&self) -> f64;

    /// The analytic standard deviation, computed so that it overflows only
    /// when the deviation itself does.
    fn sd(&self) -> f64;

    /// Smallest and largest values the family can produce.
    fn support(&self) -> (f64, f64);

    /// Short description for reports, e.g. `normal(mean 0, sd 1)`.
    fn label(&self) -> String;
}

/// One distribution family with checked parameters.
#[derive(Debug, Clone)]
pub enum Family {
    /// Always the same value.
    Constant(Constant),
    /// Uniform on [min, max].
    Uniform(Uniform),
    /// Normal with mean and standard deviation.
    Normal(Normal),
    /// exp(Normal(mu, sigma)): median e^mu, log-sd sigma.
    LogNormal(LogNormal),
    /// Triangular on [min, max] with its peak at mode.
    Triangular(Triangular),
    /// Scaled beta: min + (max - min)·Beta(alpha, beta). PERT is this family
    /// with alpha and beta set from (min, mode, max, lambda).
    ScaledBeta(Beta),
    /// Gamma with shape and scale.
    Gamma(Gamma),
    /// 1 with probability p, else 0.
    Bernoulli(Bernoulli),
    /// An integer drawn uniformly from min..=max.
    DiscreteUniform(DiscreteUniform),
    /// One of a list of values, with weights.
    Discrete(Discrete),
    /// A metalog through given quantiles (boxed: its coefficients would
    /// double the size of every distribution).
    Metalog(Box<Metalog>),
}

/// `$body` with `$law` bound to the family's struct, whichever it is.
macro_rules! with_law {
    ($family:expr, $law:ident => $body:expr) => {
        match $family {
            Family::Constant($law) => $body,
            Family::Uniform($law) => $body,
            Family::Normal($law) => $body,
            Family::LogNormal($law) => $body,
            Family::Triangular($law) => $body,
            Family::ScaledBeta($law) => $body,
            Family::Gamma($law) => $body,
            Family::Bernoulli($law) => $body,
            Family::DiscreteUniform($law) => $body,
            Family::Discrete($law) => $body,
            Family::Metalog($law) => $body,
        }
    };
}

/// `impl From<Struct> for Dist`: the family untruncated, with its label.
macro_rules! dist_from {
    ($($law:ident => $variant:ident),* $(,)?) => {
        $(impl From<$law> for Dist {
            fn from(law: $law) -> Dist {
                let label = law.label();
                Dist::plain(Family::$variant(law), label)
            }
        })*
    };
}

dist_from!(
    Constant => Constant,
    Uniform => Uniform,
    Normal => Normal,
    LogNormal => LogNormal,
    Triangular => Triangular,
    Beta => ScaledBeta,
    Gamma => Gamma,
    Bernoulli => Bernoulli,
    DiscreteUniform => DiscreteUniform,
    Discrete => Discrete,
);

impl From<Metalog> for Dist {
    /// The metalog, with the quantiles it was fitted to.
    fn from(law: Metalog) -> Dist {
        let label = law.label();
        let given = law.given().into();
        let mut dist = Dist::plain(Family::Metalog(Box::new(law)), label);
        dist.fitted_to = Some(given);
        dist
    }
}

impl From<Pert> for Dist {
    /// The scaled beta PERT derives, labelled with what the user wrote.
    fn from(pert: Pert) -> Dist {
        let label = pert.label();
        Dist::plain(Family::ScaledBeta(pert.into_beta()), label)
    }
}

/// A distribution: a family, optionally truncated to [lo, hi].
#[derive(Debug, Clone)]
pub struct Dist {
    family: Family,
    truncation: Option<Truncation>,
    /// Short description for reports, e.g. `pert(min 0, mode 0.3, max 0.7)`.
    label: String,
    /// The quantiles (probability, value) the distribution was fitted to,
    /// when it was given by them (a metalog, a `quantiles` fit).
    fitted_to: Option<Box<[(f64, f64)]>>,
}

impl Dist {
    /// A constant.
    pub fn constant(value: f64) -> Result<Dist, ParamError> {
        Ok(Constant::new(value)?.into())
    }

    /// Uniform on [min, max]; min == max is allowed (a constant).
    pub fn uniform(min: f64, max: f64) -> Result<Dist, ParamError> {
        Ok(Uniform::new(min, max)?.into())
    }

    /// Normal with mean and standard deviation (sd > 0).
    pub fn normal(mean: f64, sd: f64) -> Result<Dist, ParamError> {
        Ok(Normal::new(mean, sd)?.into())
    }

    /// Normal whose 5th and 95th percentiles are p5 and p95.
    pub fn normal_from_p5_p95(p5: f64, p95: f64) -> Result<Dist, ParamError> {
        Ok(Normal::from_p5_p95(p5, p95)?.into())
    }

    /// Lognormal with the given median (> 0) and log-sd (> 0).
    pub fn lognormal(median: f64, log_sd: f64) -> Result<Dist, ParamError> {
        Ok(LogNormal::new(median, log_sd)?.into())
    }

    /// Lognormal whose 5th and 95th percentiles are p5 and p95 (0 < p5 < p95).
    pub fn lognormal_from_p5_p95(p5: f64, p95: f64) -> Result<Dist, ParamError> {
        Ok(LogNormal::from_p5_p95(p5, p95)?.into())
    }

    /// Triangular on [min, max] with peak `mode` (min < max, min ≤ mode ≤ max).
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Dist, ParamError> {
        Ok(Triangular::new(min, mode, max)?.into())
    }

    /// PERT on [min, max] with most likely value `mode` and shape `lambda`
    /// (4 is the classic PERT).
    pub fn pert(min: f64, mode: f64, max: f64, lambda: f64) -> Result<Dist, ParamError> {
        Ok(Pert::new(min, mode, max, lambda)?.into())
    }

    /// Beta(alpha, beta) rescaled to [min, max] (default [0, 1]).
    pub fn scaled_beta(alpha: f64, beta: f64, min: f64, max: f64) -> Result<Dist, ParamError> {
        Ok(Beta::new(alpha, beta, min, max)?.into())
    }

    /// Gamma with shape > 0 and scale > 0.
    pub fn gamma(shape: f64, scale: f64) -> Result<Dist, ParamError> {
        Ok(Gamma::new(shape, scale)?.into())
    }

    /// 1 with probability p (0 ≤ p ≤ 1), else 0.
    pub fn bernoulli(p: f64) -> Result<Dist, ParamError> {
        Ok(Bernoulli::new(p)?.into())
    }

    /// An integer drawn uniformly from min..=max.
    pub fn discrete_uniform(min: f64, max: f64) -> Result<Dist, ParamError> {
        Ok(DiscreteUniform::new(min, max)?.into())
    }

    /// One of `values` with probability proportional to `weights`
    /// (equal weights when `weights` is `None`).
    pub fn discrete(values: &[f64], weights: Option<&[f64]>) -> Result<Dist, ParamError> {
        Ok(Discrete::new(values, weights)?.into())
    }

    fn plain(family: Family, label: String) -> Dist {
        Dist {
            family,
            truncation: None,
            label,
            fitted_to: None,
        }
    }

    /// A metalog through `quantiles` ((probability, value) pairs) with
    /// optional bounds and number of terms (default: one per quantile).
    pub fn metalog(
        quantiles: &[(f64, f64)],
        min: Option<f64>,
        max: Option<f64>,
        terms: Option<usize>,
    ) -> Result<Dist, ParamError> {
        Ok(Metalog::new(quantiles, MetalogBounds::new(min, max), terms)?.into())
    }

    /// The quantiles (probability, value) the distribution was fitted to,
    /// when it was given by them; `check` shows the fitted ones beside them.
    pub fn fitted_to(&self) -> Option<&[(f64, f64)]> {
        self.fitted_to.as_deref()
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
        match &self.family {
            Family::Constant(c) => Some(c.value()),
            Family::Uniform(u) => u.as_constant(),
            Family::DiscreteUniform(d) => d.as_constant(),
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
        match &self.family {
            Family::Normal(n) => Some(n.score_map()),
            Family::LogNormal(l) => Some(l.score_map()),
            _ => None,
        }
    }

    /// True when the variance is infinite (a metalog bounded on one side
    /// whose open tail grows like (tail probability)^−b with ½ ≤ b < 1).
    pub fn has_infinite_variance(&self) -> bool {
        matches!(&self.family, Family::Metalog(m) if m.sd() == f64::INFINITY)
    }

    /// True for families whose values are whole numbers or a finite list.
    pub fn is_discrete(&self) -> bool {
        matches!(
            self.family,
            Family::Bernoulli(_) | Family::DiscreteUniform(_) | Family::Discrete(_)
        )
    }

    /// Smallest and largest values the distribution can produce.
    pub fn support(&self) -> (f64, f64) {
        let (lo, hi) = with_law!(&self.family, law => law.support());
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
            Some(t) => t.cdf(raw, x),
        }
    }

    fn family_cdf(&self, x: f64) -> f64 {
        with_law!(&self.family, law => law.cdf(x))
    }

    /// P(X < x) and P(X ≤ x): equal for a continuous distribution; for a
    /// discrete one they differ by the probability of the value x.
    pub fn rank_bounds(&self, x: f64) -> (f64, f64) {
        let upper = self.cdf(x);
        if !self.is_discrete() && self.as_constant().is_none() {
            return (upper, upper);
        }
        let mass = match &self.family {
            Family::Discrete(d) => d.mass_at(x),
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
            Family::ScaledBeta(b) => b.density()?,
            Family::Gamma(g) => g.density()?,
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
        with_law!(&self.family, law => law.quantile(q))
    }

    /// The analytic mean of the untruncated family (`None` when truncated),
    /// computed so that it overflows only when the mean itself does (a
    /// uniform over [1e308, 1.7e308] has a finite mean).
    pub fn mean(&self) -> Option<f64> {
        if self.truncation.is_some() {
            return None;
        }
        Some(with_law!(&self.family, law => law.mean()))
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
        Some(with_law!(&self.family, law => law.sd()))
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
        with_law!(&self.family, law => law.fill(rng, out))
    }

    /// As [`Dist::fill`], for a stream drawn in several fills (a block's
    /// months, chunk by chunk): normal and lognormal values come from
    /// `normals`, lanes that carry on from one fill to the next; every other
    /// family draws from `rng` as `fill` does.
    // Inlined into the engine's block (compiled per vector code), so that
    // the scaling loop after the normal draws is vectorised there too.
    #[inline(always)]
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
        with_law!(&self.family, law => law.sample(rng))
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
