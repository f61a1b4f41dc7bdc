//! Triangular on [min, max] with its peak at mode.

use super::{fmt_num, rules, Law};
use crate::sampling::rng::{open01, StreamRng};
use std::fmt;

/// Triangular on [min, max] with its peak at `mode`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Triangular {
    min: f64,
    mode: f64,
    max: f64,
}

/// Why a triangular (or the range of a PERT) was refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TriangularError {
    /// `min`, `mode` or `max` is not a finite number.
    NotFinite {
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
    /// `mode` lies outside [min, max].
    ModeOutside {
        /// The lower end.
        min: f64,
        /// The peak.
        mode: f64,
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

impl fmt::Display for TriangularError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TriangularError::NotFinite { name, value } => rules::not_finite(f, name, value),
            TriangularError::MinNotBelowMax { min, max } => rules::min_not_below_max(f, min, max),
            TriangularError::ModeOutside { min, mode, max } => {
                rules::mode_outside(f, min, mode, max)
            }
            TriangularError::RangeOverflows { min, max } => rules::range_overflows(f, min, max),
        }
    }
}

impl std::error::Error for TriangularError {}

/// min, mode and max finite, min < max, min ≤ mode ≤ max (not the width).
pub(super) fn check_min_mode_max(min: f64, mode: f64, max: f64) -> Result<(), TriangularError> {
    let params = [("min", min), ("mode", mode), ("max", max)];
    if let Some((name, value)) = rules::first_not_finite(params) {
        return Err(TriangularError::NotFinite { name, value });
    }
    if !(max > min) {
        return Err(TriangularError::MinNotBelowMax { min, max });
    }
    if !(mode >= min && mode <= max) {
        return Err(TriangularError::ModeOutside { min, mode, max });
    }
    Ok(())
}

/// `max − min` finite.
pub(super) fn check_width(min: f64, max: f64) -> Result<(), TriangularError> {
    if rules::finite_width(min, max) {
        Ok(())
    } else {
        Err(TriangularError::RangeOverflows { min, max })
    }
}

impl Triangular {
    /// Triangular on [min, max] with peak `mode` (min < max, min ≤ mode ≤ max).
    pub fn new(min: f64, mode: f64, max: f64) -> Result<Triangular, TriangularError> {
        check_min_mode_max(min, mode, max)?;
        check_width(min, max)?;
        Ok(Triangular { min, mode, max })
    }
}

/// The triangular's inverse CDF at u.
fn triangular_inverse(min: f64, mode: f64, max: f64, u: f64) -> f64 {
    let width = max - min;
    let split = (mode - min) / width;
    if u < split {
        min + (u * width * (mode - min)).sqrt()
    } else {
        max - ((1.0 - u) * width * (max - mode)).sqrt()
    }
}

impl Law for Triangular {
    #[inline]
    fn sample(&self, rng: &mut StreamRng) -> f64 {
        triangular_inverse(self.min, self.mode, self.max, open01(rng))
    }

    fn cdf(&self, x: f64) -> f64 {
        let Triangular { min, mode, max } = *self;
        if x <= min {
            0.0
        } else if x >= max {
            1.0
        } else if x <= mode {
            (x - min).powi(2) / ((max - min) * (mode - min))
        } else {
            1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
        }
    }

    fn quantile(&self, q: f64) -> f64 {
        triangular_inverse(self.min, self.mode, self.max, q)
    }

    fn mean(&self) -> f64 {
        self.min / 3.0 + self.mode / 3.0 + self.max / 3.0
    }

    fn sd(&self) -> f64 {
        let Triangular { min, mode, max } = *self;
        let k = min.abs().max(mode.abs()).max(max.abs());
        if k == 0.0 {
            return 0.0;
        }
        let (a, c, b) = (min / k, mode / k, max / k);
        k * ((a * a + b * b + c * c - a * b - a * c - b * c) / 18.0)
            .max(0.0)
            .sqrt()
    }

    fn support(&self) -> (f64, f64) {
        (self.min, self.max)
    }

    fn label(&self) -> String {
        format!(
            "triangular({}, {}, {})",
            fmt_num(self.min),
            fmt_num(self.mode),
            fmt_num(self.max)
        )
    }
}
