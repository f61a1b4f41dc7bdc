//! A constant: always the same value.

use super::{fmt_num, rules, Law};
use crate::sampling::rng::StreamRng;
use std::fmt;

/// Always `value`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Constant {
    value: f64,
}

/// Why a constant was refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConstantError {
    /// The value is not a finite number.
    NotFinite(f64),
}

impl fmt::Display for ConstantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ConstantError::NotFinite(value) => rules::not_finite(f, "value", value),
        }
    }
}

impl std::error::Error for ConstantError {}

impl Constant {
    /// The constant `value` (finite).
    pub fn new(value: f64) -> Result<Constant, ConstantError> {
        if !value.is_finite() {
            return Err(ConstantError::NotFinite(value));
        }
        Ok(Constant { value })
    }

    /// The value.
    pub fn value(&self) -> f64 {
        self.value
    }
}

impl Law for Constant {
    #[inline]
    fn sample(&self, _rng: &mut StreamRng) -> f64 {
        self.value
    }

    fn fill(&self, _rng: &mut StreamRng, out: &mut [f64]) {
        out.fill(self.value);
    }

    fn cdf(&self, x: f64) -> f64 {
        f64::from(u8::from(x >= self.value))
    }

    fn quantile(&self, _q: f64) -> f64 {
        self.value
    }

    fn mean(&self) -> f64 {
        self.value
    }

    fn sd(&self) -> f64 {
        0.0
    }

    fn support(&self) -> (f64, f64) {
        (self.value, self.value)
    }

    fn label(&self) -> String {
        fmt_num(self.value)
    }
}
