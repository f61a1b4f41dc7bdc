//! Scaled beta: min + (max − min)·Beta(alpha, beta), drawn as X / (X + Y)
//! of two gamma draws.

use super::inverse::checked_inverse;
use super::{fmt_num, rules, Law};
use crate::sampling::gamma::{Gamma as GammaSampler, GammaStreams};
use crate::sampling::rng::StreamRng;
use statrs::distribution::{Beta as BetaCdf, Continuous, ContinuousCDF};
use std::fmt;

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

/// Beta(alpha, beta) rescaled to [min, max].
#[derive(Debug, Clone)]
pub struct Beta {
    min: f64,
    max: f64,
    alpha: f64,
    beta: f64,
    gamma_alpha: GammaSampler,
    gamma_beta: GammaSampler,
}

/// Why a beta was refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BetaError {
    /// A parameter (`alpha`, `beta`, `min` or `max`) is not a finite number.
    NotFinite {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// `alpha` or `beta` is not greater than 0.
    NotPositive {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// `alpha` or `beta` lies outside [`MIN_SHAPE`]..=[`MAX_BETA_SHAPE`].
    ShapeOutOfRange {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// `min` is not less than `max`.
    MinNotBelowMax {
        /// The lower end.
        min: f64,
        /// The upper end.
        max: f64,
    },
    /// `max − min` overflows.
    RangeOverflows {
        /// The lower end.
        min: f64,
        /// The upper end.
        max: f64,
    },
}

impl fmt::Display for BetaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BetaError::NotFinite { name, value } => rules::not_finite(f, name, value),
            BetaError::NotPositive { name, value } => rules::not_positive(f, name, value),
            BetaError::ShapeOutOfRange { name, value } => write!(
                f,
                "`alpha` and `beta` must be between {MIN_SHAPE} and {} (outside that range its draws or percentiles are not accurate), got {name} = {}",
                fmt_num(MAX_BETA_SHAPE),
                fmt_num(value)
            ),
            BetaError::MinNotBelowMax { min, max } => rules::min_not_below_max(f, min, max),
            BetaError::RangeOverflows { min, max } => rules::range_overflows(f, min, max),
        }
    }
}

impl std::error::Error for BetaError {}

impl Beta {
    /// Beta(alpha, beta) rescaled to [min, max] ([0, 1] is the plain beta).
    pub fn new(alpha: f64, beta: f64, min: f64, max: f64) -> Result<Beta, BetaError> {
        for (name, value) in [("alpha", alpha), ("beta", beta)] {
            if !value.is_finite() {
                return Err(BetaError::NotFinite { name, value });
            }
            if !(value > 0.0) {
                return Err(BetaError::NotPositive { name, value });
            }
        }
        for (name, value) in [("alpha", alpha), ("beta", beta)] {
            if !(MIN_SHAPE..=MAX_BETA_SHAPE).contains(&value) {
                return Err(BetaError::ShapeOutOfRange { name, value });
            }
        }
        if let Some((name, value)) = rules::first_not_finite([("min", min), ("max", max)]) {
            return Err(BetaError::NotFinite { name, value });
        }
        if !(max > min) {
            return Err(BetaError::MinNotBelowMax { min, max });
        }
        if !rules::finite_width(min, max) {
            return Err(BetaError::RangeOverflows { min, max });
        }
        Ok(Beta {
            min,
            max,
            alpha,
            beta,
            gamma_alpha: GammaSampler::new(alpha, 1.0),
            gamma_beta: GammaSampler::new(beta, 1.0),
        })
    }

    /// The density on [min, max], for a quantile table.
    pub(super) fn density(&self) -> Option<Box<dyn Fn(f64) -> f64>> {
        let d = BetaCdf::new(self.alpha, self.beta).ok()?;
        let (min, width) = (self.min, self.max - self.min);
        Some(Box::new(move |x| d.pdf((x - min) / width) / width))
    }
}

/// min + (max − min)·x / (x + y) for gamma draws x and y.
#[inline(always)]
fn scaled_beta(min: f64, max: f64, x: f64, y: f64) -> f64 {
    let sum = x + y;
    // Both gammas can underflow to 0 for tiny shapes: split evenly.
    let b = if sum > 0.0 { x / sum } else { 0.5 };
    min + (max - min) * b
}

impl Law for Beta {
    /// One draw of min + (max − min)·X / (X + Y), X and Y gamma draws.
    #[inline]
    fn sample(&self, rng: &mut StreamRng) -> f64 {
        let x = self.gamma_alpha.sample(rng);
        let y = self.gamma_beta.sample(rng);
        scaled_beta(self.min, self.max, x, y)
    }

    /// X / (X + Y) of two gamma batches.
    fn fill(&self, rng: &mut StreamRng, out: &mut [f64]) {
        let mut streams = GammaStreams::new(rng);
        let mut y = [0.0; 128];
        for chunk in out.chunks_mut(y.len()) {
            let y = &mut y[..chunk.len()];
            self.gamma_alpha.fill(rng, &mut streams, chunk);
            self.gamma_beta.fill(rng, &mut streams, y);
            for (x, &y) in chunk.iter_mut().zip(y.iter()) {
                *x = scaled_beta(self.min, self.max, *x, y);
            }
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        let y = ((x - self.min) / (self.max - self.min)).clamp(0.0, 1.0);
        BetaCdf::new(self.alpha, self.beta).map_or(f64::NAN, |d| d.cdf(y))
    }

    fn quantile(&self, q: f64) -> f64 {
        let unit = BetaCdf::new(self.alpha, self.beta).map_or(f64::NAN, |d| {
            checked_inverse(|x| d.cdf(x), d.inverse_cdf(q), q, 0.0, 1.0)
        });
        self.min + (self.max - self.min) * unit
    }

    fn mean(&self) -> f64 {
        // A convex combination of min and max: never past either.
        let w = self.alpha / (self.alpha + self.beta);
        self.min * (1.0 - w) + self.max * w
    }

    fn sd(&self) -> f64 {
        let (alpha, beta) = (self.alpha, self.beta);
        let s = alpha + beta;
        let half_range = self.max / 2.0 - self.min / 2.0;
        half_range * (2.0 * (alpha * beta / (s * s * (s + 1.0))).sqrt())
    }

    fn support(&self) -> (f64, f64) {
        (self.min, self.max)
    }

    fn label(&self) -> String {
        if self.min == 0.0 && self.max == 1.0 {
            format!("beta({}, {})", fmt_num(self.alpha), fmt_num(self.beta))
        } else {
            format!(
                "beta({}, {}) on [{}, {}]",
                fmt_num(self.alpha),
                fmt_num(self.beta),
                fmt_num(self.min),
                fmt_num(self.max)
            )
        }
    }
}
