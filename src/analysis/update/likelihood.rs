//! The observation-error model: how likely an observed figure is when a
//! path simulated another.

use crate::analysis::backtest::Quantity;
use serde::Serialize;

/// The relative standard deviation of the error of each observed quantity:
/// how far a reported figure may be from the model's own figure of that
/// month (accounting differences, timing, rounding, and the model being a
/// model).
///
/// Revenue, cost and users take a lognormal error: ln(observed) ~
/// N(ln(simulated), σ²), so σ = 0.05 means "within about ±5 %". Cash, which
/// can be negative, takes a normal error of standard deviation σ ·
/// max(|observed|, scale), scale being 1 % of the opening cash (its median)
/// or one money unit, whichever is larger.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ObservationErrors {
    /// Cash: 0.02 by default (a bank balance is known well).
    pub cash: f64,
    /// Revenue: 0.05 by default.
    pub revenue: f64,
    /// Cost: 0.05 by default.
    pub cost: f64,
    /// Users: 0.05 by default.
    pub users: f64,
}

impl Default for ObservationErrors {
    fn default() -> ObservationErrors {
        ObservationErrors {
            cash: 0.02,
            revenue: 0.05,
            cost: 0.05,
            users: 0.05,
        }
    }
}

impl ObservationErrors {
    /// The relative error of `quantity`.
    pub fn of(&self, quantity: Quantity) -> f64 {
        match quantity {
            Quantity::Cash => self.cash,
            Quantity::Revenue => self.revenue,
            Quantity::Cost => self.cost,
            Quantity::Users => self.users,
        }
    }
}

/// One observation, ready to score simulated values against.
#[derive(Debug, Clone, Copy)]
pub(super) struct Likelihood {
    pub quantity: Quantity,
    pub observed: f64,
    /// Cash: the error's sd; the others: σ of the log error.
    sd: f64,
}

impl Likelihood {
    /// The likelihood of observing `observed` of `quantity` with relative
    /// error `sigma`; `cash_scale` is the smallest scale of a cash error.
    pub fn new(quantity: Quantity, observed: f64, sigma: f64, cash_scale: f64) -> Likelihood {
        let sd = match quantity {
            Quantity::Cash => sigma * observed.abs().max(cash_scale),
            _ => sigma,
        };
        Likelihood {
            quantity,
            observed,
            sd,
        }
    }

    /// ln p(observed | simulated), up to a constant that does not depend on
    /// the simulated value; −∞ where the error model cannot reach the
    /// observed value (a positive figure from a simulated zero).
    pub fn ln(&self, simulated: f64) -> f64 {
        match self.quantity {
            Quantity::Cash => {
                let r = (self.observed - simulated) / self.sd;
                -0.5 * r * r
            }
            _ => {
                if self.observed > 0.0 && simulated > 0.0 {
                    let r = (self.observed.ln() - simulated.ln()) / self.sd;
                    -0.5 * r * r
                } else if self.observed == 0.0 && simulated == 0.0 {
                    0.0
                } else {
                    f64::NEG_INFINITY
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lognormal_error_is_symmetric_in_the_ratio() {
        let l = Likelihood::new(Quantity::Revenue, 100.0, 0.05, 1.0);
        assert!((l.ln(105.0) - l.ln(100.0 * 100.0 / 105.0)).abs() < 1e-12);
        assert_eq!(l.ln(100.0), 0.0);
        assert_eq!(l.ln(0.0), f64::NEG_INFINITY);
    }

    #[test]
    fn a_cash_error_scales_with_the_observed_figure() {
        let l = Likelihood::new(Quantity::Cash, -1000.0, 0.02, 10.0);
        assert!((l.ln(-980.0) + 0.5).abs() < 1e-12);
        let small = Likelihood::new(Quantity::Cash, 0.0, 0.02, 10.0);
        assert!((small.ln(0.2) + 0.5).abs() < 1e-12);
    }
}
