//! Truncation of a continuous distribution to [lo, hi].

use super::{fmt_num, Dist};
use crate::sampling::rng::{open01, StreamRng};
use std::fmt;

/// The bounds and the family's probability mass between them.
#[derive(Debug, Clone)]
pub(super) struct Truncation {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) cdf_lo: f64,
    pub(super) mass: f64,
}

/// Tries with rejection before a truncated draw falls back to the inverse CDF.
const REJECTION_TRIES: usize = 64;

/// Why a truncation was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum TruncateError {
    /// The family is discrete.
    Discrete,
    /// A bound is NaN.
    BoundNotNumber,
    /// `min` is not less than `max`.
    MinNotBelowMax {
        /// The lower bound.
        lo: f64,
        /// The upper bound.
        hi: f64,
    },
    /// The family has (almost) no probability between the bounds.
    NoMass {
        /// The lower bound.
        lo: f64,
        /// The upper bound.
        hi: f64,
        /// The untruncated distribution's label.
        label: String,
    },
}

impl fmt::Display for TruncateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TruncateError::Discrete => {
                f.write_str("`truncate` applies to continuous distributions only")
            }
            TruncateError::BoundNotNumber => f.write_str("truncation bounds must be numbers"),
            TruncateError::MinNotBelowMax { lo, hi } => {
                write!(f, "truncation `min` ({lo}) must be less than `max` ({hi})")
            }
            TruncateError::NoMass { lo, hi, label } => write!(
                f,
                "truncation to [{}, {}] leaves no probability mass for {label}",
                fmt_num(*lo),
                fmt_num(*hi)
            ),
        }
    }
}

impl std::error::Error for TruncateError {}

impl Truncation {
    /// The truncated CDF at x, from the family's CDF `raw` at x.
    pub(super) fn cdf(&self, raw: f64, x: f64) -> f64 {
        if x < self.lo {
            0.0
        } else if x >= self.hi {
            1.0
        } else {
            ((raw - self.cdf_lo) / self.mass).clamp(0.0, 1.0)
        }
    }
}

impl Dist {
    /// Restricts a continuous distribution to [lo, hi] (either side may be
    /// infinite). Fails for discrete families and bounds with no mass.
    pub fn truncated(mut self, lo: f64, hi: f64) -> Result<Dist, TruncateError> {
        if self.is_discrete() {
            return Err(TruncateError::Discrete);
        }
        if lo.is_nan() || hi.is_nan() {
            return Err(TruncateError::BoundNotNumber);
        }
        if !(hi > lo) {
            return Err(TruncateError::MinNotBelowMax { lo, hi });
        }
        let cdf_lo = self.cdf(lo);
        let mass = self.cdf(hi) - cdf_lo;
        if !(mass > 1e-9) {
            return Err(TruncateError::NoMass {
                lo,
                hi,
                label: self.label,
            });
        }
        let (bounded_below, bounded_above) = (lo > f64::NEG_INFINITY, hi < f64::INFINITY);
        let bounds = match (bounded_below, bounded_above) {
            (true, true) => format!("to [{}, {}]", fmt_num(lo), fmt_num(hi)),
            (true, false) => format!("below {}", fmt_num(lo)),
            (false, true) => format!("above {}", fmt_num(hi)),
            (false, false) => "to [-∞, ∞]".to_string(),
        };
        self.label = format!("{} truncated {bounds}", self.label);
        self.truncation = Some(Truncation {
            lo,
            hi,
            cdf_lo,
            mass,
        });
        Ok(self)
    }

    /// One draw of the truncated distribution: by rejection where the mass
    /// is large, else (or after [`REJECTION_TRIES`]) by the inverse CDF.
    pub(super) fn truncated_sample(&self, t: &Truncation, rng: &mut StreamRng) -> f64 {
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
