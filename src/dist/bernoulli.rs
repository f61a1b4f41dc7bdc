//! Bernoulli: 1 with probability p, else 0.

use super::{fmt_num, rules, Law, ParamError};
use crate::sampling::rng::{open01, StreamRng};
use std::fmt;

/// 1 with probability p, else 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bernoulli {
    p: f64,
}

/// Why a Bernoulli was refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BernoulliError {
    /// `p` is not in [0, 1] (or is NaN).
    NotProbability(f64),
}

impl fmt::Display for BernoulliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BernoulliError::NotProbability(p) => rules::not_probability(f, "p", p),
        }
    }
}

impl std::error::Error for BernoulliError {}

/// Checks 0 ≤ p ≤ 1 (NaN fails).
pub fn check_probability(name: &str, p: f64) -> Result<f64, ParamError> {
    if !(0.0..=1.0).contains(&p) {
        return Err(ParamError(format!(
            "`{name}` is a probability and must lie in [0, 1], got {p}"
        )));
    }
    Ok(p)
}

impl Bernoulli {
    /// 1 with probability p (0 ≤ p ≤ 1), else 0.
    pub fn new(p: f64) -> Result<Bernoulli, BernoulliError> {
        if !(0.0..=1.0).contains(&p) {
            return Err(BernoulliError::NotProbability(p));
        }
        Ok(Bernoulli { p })
    }
}

impl Law for Bernoulli {
    #[inline]
    fn sample(&self, rng: &mut StreamRng) -> f64 {
        f64::from(u8::from(open01(rng) < self.p))
    }

    fn cdf(&self, x: f64) -> f64 {
        if x < 0.0 {
            0.0
        } else if x < 1.0 {
            1.0 - self.p
        } else {
            1.0
        }
    }

    fn quantile(&self, q: f64) -> f64 {
        f64::from(u8::from(q > 1.0 - self.p))
    }

    fn mean(&self) -> f64 {
        self.p
    }

    fn sd(&self) -> f64 {
        (self.p * (1.0 - self.p)).sqrt()
    }

    fn support(&self) -> (f64, f64) {
        let p = self.p;
        (
            if p < 1.0 { 0.0 } else { 1.0 },
            if p > 0.0 { 1.0 } else { 0.0 },
        )
    }

    fn label(&self) -> String {
        format!("bernoulli({})", fmt_num(self.p))
    }
}
