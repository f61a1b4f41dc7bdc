//! Normal, and the value of a normal or lognormal at a standard normal score.

use super::{fmt_num, rules, Law};
use crate::sampling::rng::StreamRng;
use crate::sampling::ziggurat::{standard_normal, NormalLanes};
use statrs::distribution::{ContinuousCDF, Normal as NormalCdf};
use std::fmt;

/// z such that Φ(z) = 0.95.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// Normal with mean and standard deviation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Normal {
    mean: f64,
    sd: f64,
}

/// Why a normal was refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NormalError {
    /// A parameter (`mean`, `sd`, `p5` or `p95`) is not a finite number.
    NotFinite {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// `sd` is not greater than 0.
    SdNotPositive(f64),
    /// `p5` is not less than `p95`.
    P5NotBelowP95 {
        /// The 5th percentile given.
        p5: f64,
        /// The 95th percentile given.
        p95: f64,
    },
}

impl fmt::Display for NormalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            NormalError::NotFinite { name, value } => rules::not_finite(f, name, value),
            NormalError::SdNotPositive(sd) => rules::not_positive(f, "sd", sd),
            NormalError::P5NotBelowP95 { p5, p95 } => rules::p5_not_below_p95(f, p5, p95),
        }
    }
}

impl std::error::Error for NormalError {}

impl Normal {
    /// Normal with a finite mean and a finite sd > 0.
    pub fn new(mean: f64, sd: f64) -> Result<Normal, NormalError> {
        if let Some((name, value)) = rules::first_not_finite([("mean", mean), ("sd", sd)]) {
            return Err(NormalError::NotFinite { name, value });
        }
        if !(sd > 0.0) {
            return Err(NormalError::SdNotPositive(sd));
        }
        Ok(Normal { mean, sd })
    }

    /// Normal whose 5th and 95th percentiles are p5 and p95.
    pub fn from_p5_p95(p5: f64, p95: f64) -> Result<Normal, NormalError> {
        if let Some((name, value)) = rules::first_not_finite([("p5", p5), ("p95", p95)]) {
            return Err(NormalError::NotFinite { name, value });
        }
        if !(p95 > p5) {
            return Err(NormalError::P5NotBelowP95 { p5, p95 });
        }
        Normal::new((p5 + p95) / 2.0, (p95 - p5) / (2.0 * Z95))
    }

    /// mean + sd·z.
    pub(super) fn score_map(&self) -> NormalScoreMap {
        NormalScoreMap::Linear {
            mean: self.mean,
            sd: self.sd,
        }
    }
}

impl Law for Normal {
    #[inline]
    fn sample(&self, rng: &mut StreamRng) -> f64 {
        let z = standard_normal(rng);
        self.mean + self.sd * z
    }

    fn fill(&self, rng: &mut StreamRng, out: &mut [f64]) {
        self.score_map().fill(&mut NormalLanes::new(rng), out);
    }

    fn cdf(&self, x: f64) -> f64 {
        NormalCdf::new(self.mean, self.sd).map_or(f64::NAN, |d| d.cdf(x))
    }

    fn quantile(&self, q: f64) -> f64 {
        NormalCdf::new(self.mean, self.sd).map_or(f64::NAN, |d| d.inverse_cdf(q))
    }

    fn mean(&self) -> f64 {
        self.mean
    }

    fn sd(&self) -> f64 {
        self.sd
    }

    fn support(&self) -> (f64, f64) {
        (f64::NEG_INFINITY, f64::INFINITY)
    }

    fn label(&self) -> String {
        format!(
            "normal(mean {}, sd {})",
            fmt_num(self.mean),
            fmt_num(self.sd)
        )
    }
}

/// A distribution's value as a function of a standard normal score z (see
/// [`Dist::normal_score_map`](super::Dist::normal_score_map)).
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
    // Inlined into the engine's block (compiled per vector code), so that
    // the scaling loop after the normal draws is vectorised there too.
    #[inline(always)]
    pub(super) fn fill(self, normals: &mut NormalLanes, out: &mut [f64]) {
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
