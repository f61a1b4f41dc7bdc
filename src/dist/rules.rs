//! The parameter rules several families share, worded once: each family's
//! error enum writes its variants with these, so that the same rule reads
//! the same in every family.

use super::fmt_num;
use std::fmt::{self, Display, Formatter};

/// `` `name` must be a finite number, got x``.
pub(super) fn not_finite(f: &mut Formatter<'_>, name: impl Display, value: f64) -> fmt::Result {
    write!(f, "`{name}` must be a finite number, got {value}")
}

/// `` `name` must be greater than 0, got x``.
pub(super) fn not_positive(f: &mut Formatter<'_>, name: &str, value: f64) -> fmt::Result {
    write!(f, "`{name}` must be greater than 0, got {value}")
}

/// `` `name` is a probability and must lie in [0, 1], got p``.
pub(super) fn not_probability(f: &mut Formatter<'_>, name: &str, value: f64) -> fmt::Result {
    write!(
        f,
        "`{name}` is a probability and must lie in [0, 1], got {value}"
    )
}

/// For ranges that may be a single point: min ≤ max.
pub(super) fn min_above_max(f: &mut Formatter<'_>, min: f64, max: f64) -> fmt::Result {
    write!(f, "`min` ({min}) must not be greater than `max` ({max})")
}

/// For ranges that must have a width: min < max.
pub(super) fn min_not_below_max(f: &mut Formatter<'_>, min: f64, max: f64) -> fmt::Result {
    write!(f, "`min` ({min}) must be less than `max` ({max})")
}

/// min ≤ mode ≤ max.
pub(super) fn mode_outside(f: &mut Formatter<'_>, min: f64, mode: f64, max: f64) -> fmt::Result {
    write!(
        f,
        "`mode` ({mode}) must lie between `min` ({min}) and `max` ({max})"
    )
}

/// `max − min` must be a finite number (it scales every draw).
pub(super) fn range_overflows(f: &mut Formatter<'_>, min: f64, max: f64) -> fmt::Result {
    write!(
        f,
        "`max` − `min` ({} − {}) overflows: the range must be at most 1.8e308 wide",
        fmt_num(max),
        fmt_num(min)
    )
}

/// p5 < p95.
pub(super) fn p5_not_below_p95(f: &mut Formatter<'_>, p5: f64, p95: f64) -> fmt::Result {
    write!(f, "`p5` ({p5}) must be less than `p95` ({p95})")
}

/// The first of `params` that is not a finite number.
pub(super) fn first_not_finite<const N: usize>(
    params: [(&'static str, f64); N],
) -> Option<(&'static str, f64)> {
    params.into_iter().find(|(_, value)| !value.is_finite())
}

/// Whether `max − min` is a finite number.
pub(super) fn finite_width(min: f64, max: f64) -> bool {
    (max - min).is_finite()
}
