//! PERT: a scaled beta on [min, max] set from a most likely value and a
//! shape lambda.

use super::beta::{Beta, MAX_BETA_SHAPE, MIN_SHAPE};
use super::triangular::{check_min_mode_max, check_width, TriangularError};
use super::{fmt_num, rules, Law};
use crate::sampling::rng::StreamRng;
use std::fmt;

/// PERT on [min, max] with most likely value `mode` and shape `lambda`: the
/// beta with shapes 1 + lambda·(mode − min)/(max − min) and
/// 1 + lambda·(max − mode)/(max − min).
#[derive(Debug, Clone)]
pub struct Pert {
    min: f64,
    mode: f64,
    max: f64,
    beta: Beta,
}

/// Why a PERT was refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PertError {
    /// `min`, `mode` and `max` break a triangular's rules.
    Range(TriangularError),
    /// `lambda` is not a finite number.
    LambdaNotFinite(f64),
    /// `lambda` is not greater than 0.
    LambdaNotPositive(f64),
    /// `lambda` is above `MAX_BETA_SHAPE − 1`.
    LambdaTooLarge(f64),
    /// The derived shapes fall outside beta's range (or are not finite).
    Shapes {
        /// 1 + lambda·(mode − min)/(max − min).
        alpha: f64,
        /// 1 + lambda·(max − mode)/(max − min).
        beta: f64,
    },
}

impl fmt::Display for PertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PertError::Range(e) => e.fmt(f),
            PertError::LambdaNotFinite(lambda) => rules::not_finite(f, "lambda", lambda),
            PertError::LambdaNotPositive(lambda) => rules::not_positive(f, "lambda", lambda),
            PertError::LambdaTooLarge(lambda) => write!(
                f,
                "`lambda` must be greater than 0 and at most {} (PERT's shapes 1 + lambda·(mode − min)/(max − min) and 1 + lambda·(max − mode)/(max − min) must stay within beta's {} to {}), got {}",
                fmt_num(MAX_BETA_SHAPE - 1.0),
                MIN_SHAPE,
                fmt_num(MAX_BETA_SHAPE),
                fmt_num(lambda)
            ),
            PertError::Shapes { alpha, beta } => write!(
                f,
                "the shapes PERT derives from `min`, `mode`, `max` and `lambda` (1 + lambda·(mode − min)/(max − min) = {}, 1 + lambda·(max − mode)/(max − min) = {}) must be finite numbers within beta's {} to {}: use smaller amounts (a larger unit) or a smaller `lambda`",
                fmt_num(alpha),
                fmt_num(beta),
                MIN_SHAPE,
                fmt_num(MAX_BETA_SHAPE)
            ),
        }
    }
}

impl std::error::Error for PertError {}

impl From<TriangularError> for PertError {
    fn from(e: TriangularError) -> PertError {
        PertError::Range(e)
    }
}

impl Pert {
    /// PERT on [min, max] with most likely value `mode` and shape `lambda`
    /// (4 is the classic PERT; 0 < lambda ≤ `MAX_BETA_SHAPE − 1`).
    pub fn new(min: f64, mode: f64, max: f64, lambda: f64) -> Result<Pert, PertError> {
        check_min_mode_max(min, mode, max)?;
        if !lambda.is_finite() {
            return Err(PertError::LambdaNotFinite(lambda));
        }
        if !(lambda > 0.0) {
            return Err(PertError::LambdaNotPositive(lambda));
        }
        check_width(min, max)?;
        // The derived shapes lie in [1, 1 + lambda]: beta's range caps lambda.
        if !(lambda <= MAX_BETA_SHAPE - 1.0) {
            return Err(PertError::LambdaTooLarge(lambda));
        }
        let alpha = 1.0 + lambda * (mode - min) / (max - min);
        let beta = 1.0 + lambda * (max - mode) / (max - min);
        // Name what the user wrote, not the shapes derived from it.
        let beta_law =
            Beta::new(alpha, beta, min, max).map_err(|_| PertError::Shapes { alpha, beta })?;
        Ok(Pert {
            min,
            mode,
            max,
            beta: beta_law,
        })
    }

    /// The scaled beta it is.
    pub fn into_beta(self) -> Beta {
        self.beta
    }
}

impl Law for Pert {
    #[inline]
    fn sample(&self, rng: &mut StreamRng) -> f64 {
        self.beta.sample(rng)
    }

    fn fill(&self, rng: &mut StreamRng, out: &mut [f64]) {
        self.beta.fill(rng, out);
    }

    fn cdf(&self, x: f64) -> f64 {
        self.beta.cdf(x)
    }

    fn quantile(&self, q: f64) -> f64 {
        self.beta.quantile(q)
    }

    fn mean(&self) -> f64 {
        self.beta.mean()
    }

    fn sd(&self) -> f64 {
        self.beta.sd()
    }

    fn support(&self) -> (f64, f64) {
        self.beta.support()
    }

    fn label(&self) -> String {
        format!(
            "pert({}, {}, {})",
            fmt_num(self.min),
            fmt_num(self.mode),
            fmt_num(self.max)
        )
    }
}
