//! Uniform on [min, max].

use super::{fmt_num, rules, Law};
use crate::sampling::rng::{open01, StreamRng};
use std::fmt;

/// Uniform on [min, max]; min == max is allowed (a constant).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Uniform {
    min: f64,
    max: f64,
}

/// Why a uniform was refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UniformError {
    /// `min` or `max` is not a finite number.
    NotFinite {
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
    /// `max − min` overflows.
    RangeOverflows {
        /// The lower end.
        min: f64,
        /// The upper end.
        max: f64,
    },
}

impl fmt::Display for UniformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            UniformError::NotFinite { name, value } => rules::not_finite(f, name, value),
            UniformError::MinAboveMax { min, max } => rules::min_above_max(f, min, max),
            UniformError::RangeOverflows { min, max } => rules::range_overflows(f, min, max),
        }
    }
}

impl std::error::Error for UniformError {}

impl Uniform {
    /// Uniform on [min, max] (finite, min ≤ max, max − min finite).
    pub fn new(min: f64, max: f64) -> Result<Uniform, UniformError> {
        if let Some((name, value)) = rules::first_not_finite([("min", min), ("max", max)]) {
            return Err(UniformError::NotFinite { name, value });
        }
        if !(max >= min) {
            return Err(UniformError::MinAboveMax { min, max });
        }
        if !rules::finite_width(min, max) {
            return Err(UniformError::RangeOverflows { min, max });
        }
        Ok(Uniform { min, max })
    }

    /// The value, when min == max.
    pub(super) fn as_constant(&self) -> Option<f64> {
        (self.min == self.max).then_some(self.min)
    }
}

impl Law for Uniform {
    #[inline]
    fn sample(&self, rng: &mut StreamRng) -> f64 {
        self.min + (self.max - self.min) * open01(rng)
    }

    fn fill(&self, rng: &mut StreamRng, out: &mut [f64]) {
        let (min, width) = (self.min, self.max - self.min);
        for x in out.iter_mut() {
            *x = min + width * open01(rng);
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        let Uniform { min, max } = *self;
        if x < min {
            0.0
        } else if x >= max {
            1.0
        } else {
            (x - min) / (max - min)
        }
    }

    fn quantile(&self, q: f64) -> f64 {
        self.min + (self.max - self.min) * q
    }

    fn mean(&self) -> f64 {
        self.min / 2.0 + self.max / 2.0
    }

    fn sd(&self) -> f64 {
        (self.max / 2.0 - self.min / 2.0) / 3f64.sqrt()
    }

    fn support(&self) -> (f64, f64) {
        (self.min, self.max)
    }

    fn label(&self) -> String {
        format!("uniform({}, {})", fmt_num(self.min), fmt_num(self.max))
    }
}
