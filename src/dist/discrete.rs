//! Discrete: one of a list of values, with weights.

use super::{fmt_num, rules, Law};
use crate::sampling::rng::{open01, StreamRng};
use std::fmt;

/// One of `values`, with cumulative weights `cumulative` (last = 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Discrete {
    values: Vec<f64>,
    cumulative: Vec<f64>,
}

/// Why a discrete distribution was refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DiscreteError {
    /// `values` is empty.
    NoValues,
    /// `values[index]` is not a finite number.
    ValueNotFinite {
        /// Its place in the list.
        index: usize,
        /// The value.
        value: f64,
    },
    /// `weights` and `values` differ in length.
    WeightCount {
        /// How many weights.
        weights: usize,
        /// How many values.
        values: usize,
    },
    /// `weights[index]` is not a finite number.
    WeightNotFinite {
        /// Its place in the list.
        index: usize,
        /// The weight.
        weight: f64,
    },
    /// `weights[index]` is negative.
    WeightNegative {
        /// Its place in the list.
        index: usize,
        /// The weight.
        weight: f64,
    },
    /// The weights add up to 0 or to more than a finite number.
    WeightsSum,
}

impl fmt::Display for DiscreteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DiscreteError::NoValues => f.write_str("`values` must list at least one value"),
            DiscreteError::ValueNotFinite { index, value } => {
                rules::not_finite(f, format_args!("values[{index}]"), value)
            }
            DiscreteError::WeightCount { weights, values } => write!(
                f,
                "`weights` has {weights} entries but `values` has {values}; give one weight per value"
            ),
            DiscreteError::WeightNotFinite { index, weight } => {
                rules::not_finite(f, format_args!("weights[{index}]"), weight)
            }
            DiscreteError::WeightNegative { index, weight } => {
                write!(f, "`weights[{index}]` must not be negative, got {weight}")
            }
            DiscreteError::WeightsSum => {
                f.write_str("`weights` must add up to a finite number greater than 0")
            }
        }
    }
}

impl std::error::Error for DiscreteError {}

impl Discrete {
    /// One of `values` with probability proportional to `weights` (equal
    /// weights when `weights` is `None`).
    pub fn new(values: &[f64], weights: Option<&[f64]>) -> Result<Discrete, DiscreteError> {
        if values.is_empty() {
            return Err(DiscreteError::NoValues);
        }
        if let Some((index, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(DiscreteError::ValueNotFinite { index, value });
        }
        let weights: Vec<f64> = match weights {
            Some(w) => {
                check_weights(w, values.len())?;
                w.to_vec()
            }
            None => vec![1.0; values.len()],
        };
        let total: f64 = weights.iter().sum();
        if !(total > 0.0) || !total.is_finite() {
            return Err(DiscreteError::WeightsSum);
        }
        let mut acc = 0.0;
        let mut cumulative: Vec<f64> = weights
            .iter()
            .map(|w| {
                acc += w;
                acc / total
            })
            .collect();
        *cumulative.last_mut().expect("non-empty") = 1.0;
        Ok(Discrete {
            values: values.to_vec(),
            cumulative,
        })
    }

    /// Each value with its probability, in listed order.
    fn weighted(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.values
            .iter()
            .zip(&self.cumulative)
            .scan(0.0, |prev, (&v, &c)| {
                let w = c - *prev;
                *prev = c;
                Some((v, w))
            })
    }

    /// P(X = x).
    pub(super) fn mass_at(&self, x: f64) -> f64 {
        let mut m = 0.0;
        for (v, w) in self.weighted() {
            if v == x {
                m += w;
            }
        }
        m
    }
}

/// One finite, non-negative weight per value.
fn check_weights(weights: &[f64], values: usize) -> Result<(), DiscreteError> {
    if weights.len() != values {
        return Err(DiscreteError::WeightCount {
            weights: weights.len(),
            values,
        });
    }
    for (index, &weight) in weights.iter().enumerate() {
        if !weight.is_finite() {
            return Err(DiscreteError::WeightNotFinite { index, weight });
        }
        if !(weight >= 0.0) {
            return Err(DiscreteError::WeightNegative { index, weight });
        }
    }
    Ok(())
}

impl Law for Discrete {
    #[inline]
    fn sample(&self, rng: &mut StreamRng) -> f64 {
        let u = open01(rng);
        let i = self
            .cumulative
            .partition_point(|c| *c < u)
            .min(self.values.len() - 1);
        self.values[i]
    }

    fn cdf(&self, x: f64) -> f64 {
        let mut acc = 0.0;
        for (v, w) in self.weighted() {
            if v <= x {
                acc += w;
            }
        }
        acc.min(1.0)
    }

    fn quantile(&self, q: f64) -> f64 {
        // Values are taken in listed order; sort by value for a true quantile.
        let mut pairs: Vec<(f64, f64)> = self.weighted().collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut acc = 0.0;
        for (v, w) in &pairs {
            acc += w;
            if acc >= q - 1e-12 && *w > 0.0 {
                return *v;
            }
        }
        pairs.last().map_or(f64::NAN, |p| p.0)
    }

    fn mean(&self) -> f64 {
        self.weighted().map(|(v, w)| v * w).sum()
    }

    fn sd(&self) -> f64 {
        // Σ w·(v − mean)² on values scaled to at most 1.
        let k = self.values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if k == 0.0 {
            return 0.0;
        }
        let weights = self.weighted().map(|(_, w)| w).collect::<Vec<_>>();
        let mean: f64 = self
            .values
            .iter()
            .zip(&weights)
            .map(|(v, w)| v / k * w)
            .sum();
        let variance: f64 = self
            .values
            .iter()
            .zip(&weights)
            .map(|(v, w)| (v / k - mean).powi(2) * w)
            .sum();
        k * variance.max(0.0).sqrt()
    }

    fn support(&self) -> (f64, f64) {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for (v, w) in self.weighted() {
            if w > 0.0 {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        (lo, hi)
    }

    fn label(&self) -> String {
        format!(
            "discrete({})",
            self.values
                .iter()
                .map(|v| fmt_num(*v))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}
