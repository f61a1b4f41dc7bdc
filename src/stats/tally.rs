//! The accumulator a run fills: integer counts, sketches and fixed-point sums.
//!
//! Every field merges exactly (integer addition, sketch bucket counts, exact
//! min/max), so the merged result does not depend on which thread tallied
//! which block, nor on the order of merging. Sums of money are kept in fixed
//! point (units of 2^-24 of the model's money unit) for the same reason: a
//! floating-point sum would change in its last bits with the merge order.

use super::Sketch;
use serde::{Deserialize, Serialize};

/// Fixed-point scale of money sums: one unit is 2^-24 of the model's unit.
pub const FIXED_POINT_SCALE: f64 = (1u64 << 24) as f64;

/// Converts money to fixed point, rounding half away from zero (as
/// `f64::round`), saturating far beyond any real amount.
#[inline(always)]
pub fn to_fixed(x: f64) -> i128 {
    let y = x * FIXED_POINT_SCALE;
    if y.abs() < 9.0e18 {
        // Without a libm call or an unpredictable branch: exact, since
        // y - trunc(y) is exact.
        let whole = y as i64;
        let frac = y - whole as f64;
        let step = i64::from(frac >= 0.5) - i64::from(frac <= -0.5);
        i128::from(whole + step)
    } else {
        y.round() as i128
    }
}

/// The sum of `to_fixed` over `values`.
#[inline(always)]
pub fn sum_fixed(values: &[f64]) -> i128 {
    values.iter().map(|&x| to_fixed(x)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_point_sum_equals_the_sum_of_single_conversions() {
        let values = [
            0.0,
            -0.0,
            1.5,
            -1.5,
            2.5e-8,
            -2.5e-8,
            1e-300,
            3.3,
            -7.25,
            1e12,
            -1e12,
            1e300,
            -1e300,
            0.5 / FIXED_POINT_SCALE,
            -0.5 / FIXED_POINT_SCALE,
            1.5 / FIXED_POINT_SCALE,
        ];
        let one_by_one: i128 = values.iter().map(|&x| to_fixed(x)).sum();
        assert_eq!(sum_fixed(&values), one_by_one);
        assert_eq!(sum_fixed(&[]), 0);
    }

    #[test]
    fn fixed_point_rounds_like_f64_round() {
        let scale = FIXED_POINT_SCALE;
        for x in [
            0.0,
            1.0,
            -1.0,
            0.5 / scale,
            -0.5 / scale,
            1.5 / scale,
            -2.5 / scale,
            123.456_789,
            -9.87e9,
            3.0e11,
            1e200,
            -1e200,
        ] {
            assert_eq!(to_fixed(x), (x * scale).round() as i128, "{x}");
        }
    }
}

/// Per-month sketches of cash, revenue and cost (the fan chart's data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fan {
    /// Cash at the end of each month.
    pub cash: Vec<Sketch>,
    /// Revenue earned in each month.
    pub revenue: Vec<Sketch>,
    /// Cost incurred in each month (whether paid in cash or credits).
    pub cost: Vec<Sketch>,
    /// Users at the end of each month: the sum over user-driven revenue lines
    /// (empty sketches when the model has none).
    pub users: Vec<Sketch>,
}

impl Fan {
    /// An empty fan for `months` months.
    pub fn new(months: usize) -> Fan {
        Fan {
            cash: vec![Sketch::new(); months],
            revenue: vec![Sketch::new(); months],
            cost: vec![Sketch::new(); months],
            users: vec![Sketch::new(); months],
        }
    }

    fn merge(&mut self, other: &Fan) {
        for (a, b) in [
            (&mut self.cash, &other.cash),
            (&mut self.revenue, &other.revenue),
            (&mut self.cost, &other.cost),
            (&mut self.users, &other.users),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
    }
}

/// Everything a run accumulates over its paths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Paths tallied.
    pub paths: u64,
    /// Paths that first fell below the floor in month t (index t − 1).
    pub insolvent_in_month: Vec<u64>,
    /// Cash at the horizon.
    pub end_cash: Sketch,
    /// Lowest cash over the start and every month.
    pub lowest_cash: Sketch,
    /// Sum of end cash, fixed point.
    pub end_cash_sum: i128,
    /// Sum of funding received (cash and credits) within the horizon, fixed point.
    pub funding_sum: i128,
    /// Paths in which each inflow arrived within the horizon.
    pub inflow_arrived: Vec<u64>,
    /// Paths in which each shock struck at least once.
    pub shock_struck: Vec<u64>,
    /// Per-month sketches, when asked for.
    pub fan: Option<Fan>,
}

impl Tally {
    /// An empty tally.
    pub fn new(months: usize, inflows: usize, shocks: usize, with_fan: bool) -> Tally {
        Tally {
            paths: 0,
            insolvent_in_month: vec![0; months],
            end_cash: Sketch::new(),
            lowest_cash: Sketch::new(),
            end_cash_sum: 0,
            funding_sum: 0,
            inflow_arrived: vec![0; inflows],
            shock_struck: vec![0; shocks],
            fan: with_fan.then(|| Fan::new(months)),
        }
    }

    /// Adds `other` into `self`. Exact: the order of merges never matters.
    pub fn merge(&mut self, other: &Tally) {
        self.paths += other.paths;
        add_counts(&mut self.insolvent_in_month, &other.insolvent_in_month);
        self.end_cash.merge(&other.end_cash);
        self.lowest_cash.merge(&other.lowest_cash);
        self.end_cash_sum += other.end_cash_sum;
        self.funding_sum += other.funding_sum;
        add_counts(&mut self.inflow_arrived, &other.inflow_arrived);
        add_counts(&mut self.shock_struck, &other.shock_struck);
        match (&mut self.fan, &other.fan) {
            (Some(a), Some(b)) => a.merge(b),
            (None, Some(b)) => self.fan = Some(b.clone()),
            _ => {}
        }
    }

    /// Paths insolvent by the horizon.
    pub fn insolvent(&self) -> u64 {
        self.insolvent_in_month
            .iter()
            .fold(0u64, |a, &b| a.saturating_add(b))
    }

    /// Whether every sketch is internally consistent (see [`Sketch::is_consistent`]).
    pub fn sketches_consistent(&self) -> bool {
        let fan_ok = self.fan.as_ref().is_none_or(|f| {
            [&f.cash, &f.revenue, &f.cost, &f.users]
                .iter()
                .all(|v| v.iter().all(Sketch::is_consistent))
        });
        self.end_cash.is_consistent() && self.lowest_cash.is_consistent() && fan_ok
    }
}

fn add_counts(a: &mut [u64], b: &[u64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}
