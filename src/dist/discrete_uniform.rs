//! Discrete uniform: an integer drawn uniformly from min..=max.

use super::{rules, Law};
use crate::sampling::rng::{open01, StreamRng};
use std::fmt;

/// An integer drawn uniformly from min..=max.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiscreteUniform {
    min: i64,
    max: i64,
}

/// Why a discrete uniform was refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DiscreteUniformError {
    /// `min` or `max` is not a finite number.
    NotFinite {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// `min` or `max` is not a whole number (of at most 9e15).
    NotWhole {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// `min` is greater than `max`.
    MinAboveMax {
        /// The lower end.
        min: f64,
        /// The upper end.
        max: f64,
    },
}

impl fmt::Display for DiscreteUniformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DiscreteUniformError::NotFinite { name, value } => rules::not_finite(f, name, value),
            DiscreteUniformError::NotWhole { name, value } => {
                write!(f, "`{name}` must be a whole number, got {value}")
            }
            DiscreteUniformError::MinAboveMax { min, max } => rules::min_above_max(f, min, max),
        }
    }
}

impl std::error::Error for DiscreteUniformError {}

impl DiscreteUniform {
    /// Whole numbers min ≤ max (given as numbers, as a model writes them).
    pub fn new(min: f64, max: f64) -> Result<DiscreteUniform, DiscreteUniformError> {
        for (name, value) in [("min", min), ("max", max)] {
            if !value.is_finite() {
                return Err(DiscreteUniformError::NotFinite { name, value });
            }
            if value.fract() != 0.0 || value.abs() > 9.0e15 {
                return Err(DiscreteUniformError::NotWhole { name, value });
            }
        }
        if !(max >= min) {
            return Err(DiscreteUniformError::MinAboveMax { min, max });
        }
        Ok(DiscreteUniform {
            min: min as i64,
            max: max as i64,
        })
    }

    /// The value, when min == max.
    pub(super) fn as_constant(&self) -> Option<f64> {
        (self.min == self.max).then_some(self.min as f64)
    }
}

impl Law for DiscreteUniform {
    #[inline]
    fn sample(&self, rng: &mut StreamRng) -> f64 {
        let n = (self.max - self.min) as u64 + 1;
        let k = ((open01(rng) * n as f64) as u64).min(n - 1);
        (self.min + k as i64) as f64
    }

    fn cdf(&self, x: f64) -> f64 {
        let (min, max) = (self.min, self.max);
        let k = x.floor();
        if k < min as f64 {
            0.0
        } else if k >= max as f64 {
            1.0
        } else {
            (k - min as f64 + 1.0) / ((max - min) as f64 + 1.0)
        }
    }

    fn quantile(&self, q: f64) -> f64 {
        let (min, max) = (self.min, self.max);
        let n = (max - min) as f64 + 1.0;
        (min as f64 + (q * n).ceil() - 1.0).clamp(min as f64, max as f64)
    }

    fn mean(&self) -> f64 {
        (self.min as f64 + self.max as f64) / 2.0
    }

    fn sd(&self) -> f64 {
        let n = (self.max - self.min) as f64 + 1.0;
        ((n * n - 1.0) / 12.0).sqrt()
    }

    fn support(&self) -> (f64, f64) {
        (self.min as f64, self.max as f64)
    }

    fn label(&self) -> String {
        format!("discrete_uniform({} to {})", self.min, self.max)
    }
}
