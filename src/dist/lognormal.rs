//! Lognormal: exp(Normal(mu, sigma)), median e^mu, log-sd sigma.

use super::normal::{NormalScoreMap, Z95};
use super::{fmt_num, rules, Law};
use crate::sampling::rng::StreamRng;
use crate::sampling::ziggurat::{standard_normal, NormalLanes};
use statrs::distribution::{ContinuousCDF, LogNormal as LogNormalCdf, Normal as NormalCdf};
use std::fmt;

/// exp(Normal(mu, sigma)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogNormal {
    mu: f64,
    sigma: f64,
    /// The median as given (its label shows it).
    median: f64,
    /// The 5th and 95th percentiles, when it was given by them (its label
    /// names them).
    percentiles: Option<(f64, f64)>,
}

/// Why a lognormal was refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LogNormalError {
    /// A parameter (`median`, `log_sd`, `p5` or `p95`) is not a finite number.
    NotFinite {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// A parameter is not greater than 0.
    NotPositive {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// `p5` is not less than `p95`.
    P5NotBelowP95 {
        /// The 5th percentile given.
        p5: f64,
        /// The 95th percentile given.
        p95: f64,
    },
}

impl fmt::Display for LogNormalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LogNormalError::NotFinite { name, value } => rules::not_finite(f, name, value),
            LogNormalError::NotPositive { name, value } => rules::not_positive(f, name, value),
            LogNormalError::P5NotBelowP95 { p5, p95 } => rules::p5_not_below_p95(f, p5, p95),
        }
    }
}

impl std::error::Error for LogNormalError {}

/// Each of `params` in turn must be finite and greater than 0.
fn check_positive<const N: usize>(params: [(&'static str, f64); N]) -> Result<(), LogNormalError> {
    for (name, value) in params {
        if !value.is_finite() {
            return Err(LogNormalError::NotFinite { name, value });
        }
        if !(value > 0.0) {
            return Err(LogNormalError::NotPositive { name, value });
        }
    }
    Ok(())
}

impl LogNormal {
    /// Lognormal with the given median (> 0) and log-sd (> 0).
    pub fn new(median: f64, log_sd: f64) -> Result<LogNormal, LogNormalError> {
        check_positive([("median", median), ("log_sd", log_sd)])?;
        Ok(LogNormal {
            mu: median.ln(),
            sigma: log_sd,
            median,
            percentiles: None,
        })
    }

    /// Lognormal whose 5th and 95th percentiles are p5 and p95 (0 < p5 < p95).
    pub fn from_p5_p95(p5: f64, p95: f64) -> Result<LogNormal, LogNormalError> {
        check_positive([("p5", p5), ("p95", p95)])?;
        if !(p95 > p5) {
            return Err(LogNormalError::P5NotBelowP95 { p5, p95 });
        }
        let median = (p5 * p95).sqrt();
        let log_sd = (p95.ln() - p5.ln()) / (2.0 * Z95);
        let mut law = LogNormal::new(median, log_sd)?;
        law.percentiles = Some((p5, p95));
        Ok(law)
    }

    /// exp(mu + sigma·z).
    pub(super) fn score_map(&self) -> NormalScoreMap {
        NormalScoreMap::Exp {
            mu: self.mu,
            sigma: self.sigma,
        }
    }
}

impl Law for LogNormal {
    #[inline]
    fn sample(&self, rng: &mut StreamRng) -> f64 {
        let z = standard_normal(rng);
        crate::simd::fastmath::exp(self.mu + self.sigma * z)
    }

    fn fill(&self, rng: &mut StreamRng, out: &mut [f64]) {
        self.score_map().fill(&mut NormalLanes::new(rng), out);
    }

    fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            0.0
        } else {
            LogNormalCdf::new(self.mu, self.sigma).map_or(f64::NAN, |d| d.cdf(x))
        }
    }

    fn quantile(&self, q: f64) -> f64 {
        let z = NormalCdf::new(0.0, 1.0).map_or(f64::NAN, |d| d.inverse_cdf(q));
        (self.mu + self.sigma * z).exp()
    }

    fn mean(&self) -> f64 {
        (self.mu + self.sigma * self.sigma / 2.0).exp()
    }

    fn sd(&self) -> f64 {
        let LogNormal { mu, sigma, .. } = *self;
        // e^(μ + σ²/2) · √(e^(σ²) − 1), in logs.
        (mu + sigma * sigma / 2.0 + 0.5 * (sigma * sigma).exp_m1().ln()).exp()
    }

    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }

    fn label(&self) -> String {
        match self.percentiles {
            Some((p5, p95)) => format!("lognormal(p5 {}, p95 {})", fmt_num(p5), fmt_num(p95)),
            None => format!(
                "lognormal(median {}, log-sd {})",
                fmt_num(self.median),
                fmt_num(self.sigma)
            ),
        }
    }
}
