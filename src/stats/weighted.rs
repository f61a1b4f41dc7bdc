//! The mergeable tally of a rare-event estimator, and its estimates.
//!
//! A rare-event run is made of independent *units*: under importance
//! sampling a unit is one path, under splitting one replicate of the
//! splitting algorithm. Each unit u gives, for every month m, a contribution
//! C_u(m) ≥ 0 whose expectation is P(insolvent by month m) (under
//! importance sampling C_u(m) = w_u · 1{insolvent by m}, w_u the path's
//! likelihood ratio). The estimate is the mean of the contributions and its
//! standard error comes from their spread, so the tally keeps, by month, the
//! exact sums Σ C_u(m) and Σ C_u(m)²: a merge of any split is exact, and
//! the thread count or shard split never shows in a result.

use super::exact::{ExactSquareSum, ExactSum};
use super::proportion::Z_95;
use serde::Serialize;

/// What a rare-event run accumulates (see the module's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightedTally {
    /// Independent units (paths under importance sampling, replicates under
    /// splitting).
    pub units: u64,
    /// Σ C_u(m), by month (index m − 1): cumulative, P(insolvent by m).
    pub by_month: Vec<ExactSum>,
    /// Σ C_u(m)², by month.
    pub by_month_squares: Vec<ExactSquareSum>,
    /// Σ W_u, each unit's total weight (under importance sampling the
    /// likelihood ratio of every path, insolvent or not: its mean is 1 when
    /// the change of measure is sound).
    pub weights: ExactSum,
    /// Σ W_u².
    pub weight_squares: ExactSquareSum,
    /// Paths simulated in the estimation stage (every path, Markov chain
    /// candidates included): the work behind the estimate.
    pub simulated_paths: u64,
    /// Paths that ended insolvent by the horizon (the evidence behind it).
    pub event_paths: u64,
    /// Σ over units of the contribution to P(insolvent by the horizon and
    /// inflow k arrived), by inflow.
    pub inflow_in_event: Vec<ExactSum>,
    /// The same for each shock having struck, by shock.
    pub shock_in_event: Vec<ExactSum>,
}

impl WeightedTally {
    /// An empty tally for `months` months, `inflows` inflows and `shocks`
    /// shocks.
    pub fn new(months: usize, inflows: usize, shocks: usize) -> WeightedTally {
        WeightedTally {
            units: 0,
            by_month: vec![ExactSum::new(); months],
            by_month_squares: vec![ExactSquareSum::new(); months],
            weights: ExactSum::new(),
            weight_squares: ExactSquareSum::new(),
            simulated_paths: 0,
            event_paths: 0,
            inflow_in_event: vec![ExactSum::new(); inflows],
            shock_in_event: vec![ExactSum::new(); shocks],
        }
    }

    /// Months of the tally.
    pub fn months(&self) -> usize {
        self.by_month.len()
    }

    /// Adds one importance-sampled path of likelihood ratio `weight`: its
    /// first insolvent month (`None` when solvent), and which inflows
    /// arrived and which shocks struck on it. Counts one simulated path.
    pub fn add_path(
        &mut self,
        insolvent_month: Option<u32>,
        weight: f64,
        arrived: impl Iterator<Item = bool>,
        struck: impl Iterator<Item = bool>,
    ) {
        self.units += 1;
        self.simulated_paths += 1;
        self.weights.add(weight);
        self.weight_squares.add_square(weight);
        let Some(month) = insolvent_month else {
            return;
        };
        self.event_paths += 1;
        for m in (month as usize - 1)..self.by_month.len() {
            self.by_month[m].add(weight);
            self.by_month_squares[m].add_square(weight);
        }
        for (sum, happened) in self.inflow_in_event.iter_mut().zip(arrived) {
            if happened {
                sum.add(weight);
            }
        }
        for (sum, happened) in self.shock_in_event.iter_mut().zip(struck) {
            if happened {
                sum.add(weight);
            }
        }
    }

    /// Adds one unit whose contributions to P(insolvent by month m) are
    /// `cumulative[m − 1]` (non-decreasing), to the inflow and shock shares
    /// `inflows` and `shocks`, and whose total weight is `weight`.
    pub fn add_unit(&mut self, cumulative: &[f64], weight: f64, inflows: &[f64], shocks: &[f64]) {
        self.units += 1;
        self.weights.add(weight);
        self.weight_squares.add_square(weight);
        for ((sum, squares), &c) in (self.by_month.iter_mut())
            .zip(self.by_month_squares.iter_mut())
            .zip(cumulative)
        {
            sum.add(c);
            squares.add_square(c);
        }
        for (sum, &c) in self.inflow_in_event.iter_mut().zip(inflows) {
            sum.add(c);
        }
        for (sum, &c) in self.shock_in_event.iter_mut().zip(shocks) {
            sum.add(c);
        }
    }

    /// Adds `other` into `self`, exactly.
    pub fn merge(&mut self, other: &WeightedTally) {
        self.units += other.units;
        self.simulated_paths += other.simulated_paths;
        self.event_paths += other.event_paths;
        self.weights.merge(&other.weights);
        self.weight_squares.merge(&other.weight_squares);
        for (a, b) in self.by_month.iter_mut().zip(&other.by_month) {
            a.merge(b);
        }
        for (a, b) in (self.by_month_squares.iter_mut()).zip(&other.by_month_squares) {
            a.merge(b);
        }
        for (a, b) in self.inflow_in_event.iter_mut().zip(&other.inflow_in_event) {
            a.merge(b);
        }
        for (a, b) in self.shock_in_event.iter_mut().zip(&other.shock_in_event) {
            a.merge(b);
        }
    }

    /// The estimate of P(insolvent by month `month`) (1-based).
    pub fn by_month_estimate(&self, month: usize) -> WeightedEstimate {
        WeightedEstimate::new(
            &self.by_month[month - 1],
            &self.by_month_squares[month - 1],
            self.units,
        )
    }

    /// The estimate of P(insolvent by the horizon).
    pub fn horizon_estimate(&self) -> WeightedEstimate {
        self.by_month_estimate(self.months())
    }

    /// The mean weight (1 for a sound change of measure, up to noise).
    pub fn mean_weight(&self) -> f64 {
        self.weights.divided_by(self.units)
    }

    /// Kish's effective sample size of the weights, (Σw)² / Σw².
    pub fn weight_ess(&self) -> f64 {
        let mean = self.mean_weight();
        let sd = self.weights.population_sd(&self.weight_squares, self.units);
        let n = self.units as f64;
        // (Σw)²/Σw² = n · mean² / (mean² + sd²).
        if mean == 0.0 {
            0.0
        } else {
            n * mean * mean / (mean * mean + sd * sd)
        }
    }
}

/// An estimated probability with its normal-theory 95 % interval: the mean
/// of U unit contributions ± 1.96 standard errors (the standard error from
/// their sample standard deviation), the interval cut at 0 and 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WeightedEstimate {
    /// The estimate, Σ C_u / U.
    pub probability: f64,
    /// Its standard error, s / √U.
    pub standard_error: f64,
    /// The 95 % interval [low, high].
    pub ci95: [f64; 2],
    /// The standard error relative to the estimate (0 when it is 0).
    pub relative_error: f64,
    /// The paths plain Monte Carlo would need for the same standard error,
    /// p (1 − p) / se² (the number of units when se is 0).
    pub effective_paths: f64,
    /// U: the independent units behind it.
    pub units: u64,
}

impl WeightedEstimate {
    /// The estimate from Σ C_u, Σ C_u² and U.
    pub fn new(sum: &ExactSum, squares: &ExactSquareSum, units: u64) -> WeightedEstimate {
        let p = sum.divided_by(units);
        let sd = if units > 1 {
            sum.population_sd(squares, units) * (units as f64 / (units - 1) as f64).sqrt()
        } else {
            0.0
        };
        let se = if units == 0 {
            0.0
        } else {
            sd / (units as f64).sqrt()
        };
        WeightedEstimate {
            probability: p,
            standard_error: se,
            ci95: [
                (p - Z_95 * se).clamp(0.0, 1.0),
                (p + Z_95 * se).clamp(0.0, 1.0),
            ],
            relative_error: if p > 0.0 { se / p } else { 0.0 },
            effective_paths: if se > 0.0 {
                p * (1.0 - p) / (se * se)
            } else {
                units as f64
            },
            units,
        }
    }

    /// Half the width of the interval before it is cut: 1.96 se.
    pub fn half_width(&self) -> f64 {
        Z_95 * self.standard_error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_weights_give_the_plain_proportion_and_its_standard_error() {
        let mut t = WeightedTally::new(2, 0, 0);
        for j in 0..1000 {
            let month = match j % 10 {
                0 => Some(1),
                1 | 2 => Some(2),
                _ => None,
            };
            t.add_path(month, 1.0, std::iter::empty(), std::iter::empty());
        }
        let by_1 = t.by_month_estimate(1);
        let by_2 = t.horizon_estimate();
        assert_eq!(by_1.probability, 0.1);
        assert_eq!(by_2.probability, 0.3);
        let se = (0.3f64 * 0.7 / 999.0).sqrt();
        assert!((by_2.standard_error - se).abs() < 1e-12);
        assert_eq!(t.mean_weight(), 1.0);
        assert!((t.weight_ess() - 1000.0).abs() < 1e-9);
        assert_eq!(t.event_paths, 300);
    }

    #[test]
    fn a_merge_of_any_split_is_the_tally_of_the_whole() {
        let add = |t: &mut WeightedTally, j: u64| {
            let w = 1.0 / (1.0 + j as f64).sqrt();
            let month = j.is_multiple_of(3).then_some(1 + (j % 2) as u32);
            t.add_path(
                month,
                w,
                [j.is_multiple_of(5)].into_iter(),
                std::iter::empty(),
            );
        };
        let mut whole = WeightedTally::new(2, 1, 0);
        (0..100).for_each(|j| add(&mut whole, j));
        let mut a = WeightedTally::new(2, 1, 0);
        let mut b = WeightedTally::new(2, 1, 0);
        (0..37).for_each(|j| add(&mut b, j));
        (37..100).for_each(|j| add(&mut a, j));
        a.merge(&b);
        assert_eq!(a, whole);
    }
}
