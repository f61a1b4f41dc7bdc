//! Metalog (Keelin 2016): a distribution given by its quantiles, with a
//! closed-form quantile function, unbounded, bounded on one side (a log
//! transform) or on both (a logit transform).
//!
//! With y the probability, c = y − ½ and L = ln(y / (1 − y)), the metalog
//! of k terms is M(y) = a1 + a2·L + a3·c·L + a4·c + a5·c² + a6·c²·L + …
//! (odd terms from the fifth add c^((j−1)/2), even ones c^(j/2−1)·L).
//! Grouped by L, M(y) = A(c) + L·B(c) for two polynomials of degree ≤ 4,
//! which is how it is stored and evaluated: a logarithm and two Horner
//! sums. The quantile function is Q = M unbounded, min + e^M with a `min`,
//! max − e^(−M) with a `max`, and (min + max·e^M) / (1 + e^M) with both.
//! The coefficients are fitted to the given quantiles by least squares on
//! the transformed values (exactly through them when terms = quantiles),
//! once, when the model loads; [`super::metalog_fit`] holds that fit and
//! the check that the result is a distribution (M increasing in y).

use super::metalog_fit::{self, Transformed};
use super::{fmt_num, Law};
use crate::sampling::rng::{open01, StreamRng};
use crate::simd::fastmath;
use std::fmt;

/// The most quantiles (and terms) a metalog takes.
pub const MAX_METALOG_TERMS: usize = 10;

/// Where a metalog is bounded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetalogBounds {
    /// No bound: Q = M.
    Unbounded,
    /// Bounded below: Q = min + e^M.
    Lower(f64),
    /// Bounded above: Q = max − e^(−M).
    Upper(f64),
    /// Bounded on both sides: Q = min + (max − min)·e^M / (1 + e^M).
    Bounded(f64, f64),
}

impl MetalogBounds {
    /// The bounds as `min` and `max` give them.
    pub fn new(min: Option<f64>, max: Option<f64>) -> MetalogBounds {
        match (min, max) {
            (None, None) => MetalogBounds::Unbounded,
            (Some(lo), None) => MetalogBounds::Lower(lo),
            (None, Some(hi)) => MetalogBounds::Upper(hi),
            (Some(lo), Some(hi)) => MetalogBounds::Bounded(lo, hi),
        }
    }

    /// The value at M (the inverse of [`MetalogBounds::transform`]).
    #[inline(always)]
    pub(super) fn value(self, m: f64) -> f64 {
        match self {
            MetalogBounds::Unbounded => m,
            MetalogBounds::Lower(lo) => lo + fastmath::exp(m),
            MetalogBounds::Upper(hi) => hi - fastmath::exp(-m),
            MetalogBounds::Bounded(lo, hi) => {
                // Written from the nearer bound, so that values close to
                // either keep their precision (branch-free, so that a
                // batch of them vectorises).
                let e = fastmath::exp(-m.abs());
                let part = (hi - lo) * (e / (1.0 + e));
                if m <= 0.0 {
                    lo + part
                } else {
                    hi - part
                }
            }
        }
    }

    /// The value x in the space where the metalog is a plain one: x,
    /// ln(x − min), −ln(max − x) or ln((x − min) / (max − x)). NaN outside
    /// the bounds.
    pub(super) fn transform(self, x: f64) -> f64 {
        match self {
            MetalogBounds::Unbounded => x,
            MetalogBounds::Lower(lo) => (x - lo).ln(),
            MetalogBounds::Upper(hi) => -(hi - x).ln(),
            MetalogBounds::Bounded(lo, hi) => ((x - lo) / (hi - x)).ln(),
        }
    }

    /// Smallest and largest values.
    fn support(self) -> (f64, f64) {
        match self {
            MetalogBounds::Unbounded => (f64::NEG_INFINITY, f64::INFINITY),
            MetalogBounds::Lower(lo) => (lo, f64::INFINITY),
            MetalogBounds::Upper(hi) => (f64::NEG_INFINITY, hi),
            MetalogBounds::Bounded(lo, hi) => (lo, hi),
        }
    }
}

/// A metalog distribution with checked, fitted coefficients.
#[derive(Debug, Clone, PartialEq)]
pub struct Metalog {
    /// A(c), ascending powers of c: a1, a4, a5, a7, a9.
    a: [f64; 5],
    /// B(c), ascending powers of c: a2, a3, a6, a8, a10.
    b: [f64; 5],
    bounds: MetalogBounds,
    terms: usize,
    /// The quantiles given, (probability, value), for the label.
    quantiles: Vec<(f64, f64)>,
    mean: f64,
    sd: f64,
}

/// Why a metalog was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum MetalogError {
    /// Fewer than 2 or more than 10 quantiles.
    QuantileCount(usize),
    /// `terms` outside 2..=quantiles.
    Terms {
        /// The terms asked for.
        terms: usize,
        /// The quantiles given.
        quantiles: usize,
    },
    /// A bound or an entry is not finite, or min ≥ max.
    Bounds(String),
    /// The quantiles break a rule (order, range, bounds).
    Quantiles(String),
    /// The fitted quantile function is not increasing.
    NotMonotone(String),
    /// The fit has no unique solution for this many terms.
    Singular {
        /// The terms asked for.
        terms: usize,
    },
    /// A one-sided metalog whose open tail is too heavy for a finite mean.
    HeavyTail {
        /// "upper" or "lower".
        side: &'static str,
        /// The tail exponent b: values grow like (tail probability)^−b.
        exponent: f64,
    },
}

impl fmt::Display for MetalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetalogError::QuantileCount(n) => write!(
                f,
                "`quantiles` must list 2 to {MAX_METALOG_TERMS} [probability, value] pairs, got {n}"
            ),
            MetalogError::Terms { terms, quantiles } => write!(
                f,
                "`terms` ({terms}) must lie between 2 and the number of quantiles ({quantiles}): \
                 each term needs a quantile to fit it"
            ),
            MetalogError::Bounds(rule) | MetalogError::Quantiles(rule) => f.write_str(rule),
            MetalogError::NotMonotone(rule) => write!(
                f,
                "these quantiles do not give a distribution: {rule}; spread the values more \
                 evenly, add quantiles, use fewer `terms`, or bound it with `min`/`max`"
            ),
            MetalogError::Singular { terms } => write!(
                f,
                "the quantiles do not determine {terms} terms (the fit has no unique \
                 solution); use fewer `terms`"
            ),
            MetalogError::HeavyTail { side, exponent } => write!(
                f,
                "its {side} tail is too heavy for a finite mean: values grow like \
                 (tail probability)^−{} and a finite mean needs an exponent below 1; \
                 bound that side too, or give a less spread-out {side} quantile",
                fmt_num(*exponent)
            ),
        }
    }
}

impl std::error::Error for MetalogError {}

/// c = y − ½ and L = ln(y / (1 − y)) at probability y (0 < y < 1): the
/// fast logarithm where its argument is a normal number, as every draw's is.
#[inline(always)]
pub(super) fn basis_point(y: f64) -> (f64, f64) {
    let ratio = y / (1.0 - y);
    let l = if (f64::MIN_POSITIVE..f64::MAX).contains(&ratio) {
        fastmath::ln(ratio)
    } else {
        ratio.ln()
    };
    (y - 0.5, l)
}

/// p(c) for ascending coefficients, by Horner's rule.
#[inline(always)]
pub(super) fn horner(p: &[f64; 5], c: f64) -> f64 {
    (((p[4] * c + p[3]) * c + p[2]) * c + p[1]) * c + p[0]
}

/// p'(c) for ascending coefficients.
#[inline(always)]
pub(super) fn horner_slope(p: &[f64; 5], c: f64) -> f64 {
    ((4.0 * p[4] * c + 3.0 * p[3]) * c + 2.0 * p[2]) * c + p[1]
}

/// The slot of term j (1-based) in A (false) or B (true), and its power of c.
pub(super) fn slot(j: usize) -> (bool, usize) {
    match j {
        1 => (false, 0),
        2 => (true, 0),
        3 => (true, 1),
        4 => (false, 1),
        _ if j % 2 == 1 => (false, (j - 1) / 2),
        _ => (true, j / 2 - 1),
    }
}

impl Metalog {
    /// The metalog through `quantiles` ((probability, value) pairs), bounded
    /// as `bounds` says, with `terms` terms (default: one per quantile).
    pub fn new(
        quantiles: &[(f64, f64)],
        bounds: MetalogBounds,
        terms: Option<usize>,
    ) -> Result<Metalog, MetalogError> {
        let Transformed { y, z } = metalog_fit::transformed(quantiles, bounds)?;
        let terms = terms.unwrap_or(quantiles.len());
        if !(2..=quantiles.len()).contains(&terms) {
            return Err(MetalogError::Terms {
                terms,
                quantiles: quantiles.len(),
            });
        }
        let coefficients = metalog_fit::least_squares(&y, &z, terms)?;
        let (mut a, mut b) = ([0.0; 5], [0.0; 5]);
        for (j, &value) in (1..=terms).zip(coefficients.iter()) {
            match slot(j) {
                (false, p) => a[p] = value,
                (true, p) => b[p] = value,
            }
        }
        metalog_fit::check_increasing(&a, &b)?;
        let mut law = Metalog {
            a,
            b,
            bounds,
            terms,
            quantiles: quantiles.to_vec(),
            mean: f64::NAN,
            sd: f64::NAN,
        };
        law.check_precision()?;
        (law.mean, law.sd) = metalog_fit::moments(&a, &b, bounds)?;
        Ok(law)
    }

    /// M at probability y.
    #[inline(always)]
    fn m(&self, y: f64) -> f64 {
        let (c, l) = basis_point(y);
        horner(&self.a, c) + l * horner(&self.b, c)
    }

    /// The value at probability y (0 < y < 1).
    #[inline(always)]
    fn at(&self, y: f64) -> f64 {
        self.bounds.value(self.m(y))
    }

    /// Refuses a fit whose values the fast exponential cannot reproduce at
    /// the given probabilities (it saturates below e^−708: bounds some
    /// 10³⁰⁸ wide around tiny values): each must agree with the same value
    /// computed by the standard library to 10⁻⁹.
    fn check_precision(&self) -> Result<(), MetalogError> {
        for &(p, x) in &self.quantiles {
            let m = self.m(p);
            let exact = match self.bounds {
                MetalogBounds::Unbounded => m,
                MetalogBounds::Lower(lo) => lo + m.exp(),
                MetalogBounds::Upper(hi) => hi - (-m).exp(),
                MetalogBounds::Bounded(lo, hi) => lo + (hi - lo) / (1.0 + (-m).exp()),
            };
            let fast = self.at(p);
            let scale = x.abs().max(exact.abs()).max(f64::MIN_POSITIVE);
            if !((fast - exact).abs() <= 1e-9 * scale) {
                return Err(MetalogError::Quantiles(format!(
                    "the quantile at {p} ({}) cannot be computed precisely in a range this \
                     wide (it lies within 10⁻³⁰⁷ of the range's width from a bound); narrow \
                     `min`/`max`",
                    fmt_num(x)
                )));
            }
        }
        Ok(())
    }

    /// The fitted coefficients a1 … a_k, in the metalog's term order.
    pub fn coefficients(&self) -> Vec<f64> {
        (1..=self.terms)
            .map(|j| match slot(j) {
                (false, p) => self.a[p],
                (true, p) => self.b[p],
            })
            .collect()
    }

    /// The quantiles given, (probability, value).
    pub fn given(&self) -> &[(f64, f64)] {
        &self.quantiles
    }
}

impl Law for Metalog {
    // Each draw runs under the vector code's dispatch: there the fused
    // multiply-adds of `exp` are single instructions rather than library
    // calls (the same bits either way).
    #[inline]
    fn sample(&self, rng: &mut StreamRng) -> f64 {
        crate::simd::dispatch(
            #[inline(always)]
            || self.at(open01(rng)),
        )
    }

    /// The same numbers as [`Law::sample`], computed in passes over the
    /// batch (uniforms, then M, then the bounds' transform) so that the
    /// last two vectorise.
    fn fill(&self, rng: &mut StreamRng, out: &mut [f64]) {
        crate::simd::dispatch(
            #[inline(always)]
            || {
                for x in out.iter_mut() {
                    *x = open01(rng);
                }
                // open01 keeps y / (1 − y) a normal number: the fast log
                // needs no fallback.
                for x in out.iter_mut() {
                    let y = *x;
                    let c = y - 0.5;
                    let l = fastmath::ln(y / (1.0 - y));
                    *x = horner(&self.a, c) + l * horner(&self.b, c);
                }
                let bounds = self.bounds;
                match bounds {
                    MetalogBounds::Unbounded => {}
                    _ => {
                        for x in out.iter_mut() {
                            *x = bounds.value(*x);
                        }
                    }
                }
            },
        )
    }

    fn cdf(&self, x: f64) -> f64 {
        let (lo, hi) = self.bounds.support();
        if x.is_nan() {
            return f64::NAN;
        }
        if x <= lo {
            return 0.0;
        }
        if x >= hi {
            return 1.0;
        }
        metalog_fit::probability_of(&self.a, &self.b, self.bounds.transform(x))
    }

    fn quantile(&self, q: f64) -> f64 {
        let (lo, hi) = self.bounds.support();
        if q.is_nan() {
            f64::NAN
        } else if q <= 0.0 {
            lo
        } else if q >= 1.0 {
            hi
        } else {
            crate::simd::dispatch(
                #[inline(always)]
                || self.at(q),
            )
        }
    }

    fn mean(&self) -> f64 {
        self.mean
    }

    fn sd(&self) -> f64 {
        self.sd
    }

    fn support(&self) -> (f64, f64) {
        self.bounds.support()
    }

    fn label(&self) -> String {
        let mut parts: Vec<String> = self
            .quantiles
            .iter()
            .map(|&(p, x)| format!("p{} {}", fmt_num(100.0 * p), fmt_num(x)))
            .collect();
        match self.bounds {
            MetalogBounds::Unbounded => {}
            MetalogBounds::Lower(lo) => parts.push(format!("min {}", fmt_num(lo))),
            MetalogBounds::Upper(hi) => parts.push(format!("max {}", fmt_num(hi))),
            MetalogBounds::Bounded(lo, hi) => {
                parts.push(format!("min {}", fmt_num(lo)));
                parts.push(format!("max {}", fmt_num(hi)));
            }
        }
        if self.terms < self.quantiles.len() {
            parts.push(format!("{} terms", self.terms));
        }
        format!("metalog({})", parts.join(", "))
    }
}
