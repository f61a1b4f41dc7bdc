//! The accumulator a run fills: integer counts, sketches and exact sums.
//!
//! Every field merges exactly (integer addition, sketch bucket counts, exact
//! min/max, exact sums of doubles), so the merged result does not depend on
//! which thread tallied which block, nor on the order of merging. Sums of
//! money are [`ExactSum`]s for the same reason: a floating-point sum would
//! change in its last bits with the merge order, and a fixed-point one
//! cannot hold every finite amount.

use super::{ExactSum, FailureTally, FailureWire, Sketch, SketchWire};
use serde::{Deserialize, Serialize};

/// Per-month sketches of cash, revenue and cost (the fan chart's data).
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// The seed of the run whose paths these are: a tally knows where it
    /// came from, so a summary cannot be given another run's seed.
    pub seed: u64,
    /// Paths tallied.
    pub paths: u64,
    /// Paths that first fell below the floor in month t (index t − 1).
    pub insolvent_in_month: Vec<u64>,
    /// Cash at the horizon.
    pub end_cash: Sketch,
    /// Lowest cash over the start and every month.
    pub lowest_cash: Sketch,
    /// Exact sum of end cash.
    pub end_cash_sum: ExactSum,
    /// Exact sum of funding received (cash and credits) within the horizon.
    pub funding_sum: ExactSum,
    /// Paths in which each inflow arrived within the horizon.
    pub inflow_arrived: Vec<u64>,
    /// Paths in which each shock struck at least once.
    pub shock_struck: Vec<u64>,
    /// Per-month sketches, when asked for.
    pub fan: Option<Fan>,
    /// Breach and failure counts, for a model with debt or covenants.
    pub failure: Option<FailureTally>,
}

impl Tally {
    /// An empty tally for the run of `seed`.
    pub fn new(seed: u64, months: usize, inflows: usize, shocks: usize, with_fan: bool) -> Tally {
        Tally {
            seed,
            paths: 0,
            insolvent_in_month: vec![0; months],
            end_cash: Sketch::new(),
            lowest_cash: Sketch::new(),
            end_cash_sum: ExactSum::new(),
            funding_sum: ExactSum::new(),
            inflow_arrived: vec![0; inflows],
            shock_struck: vec![0; shocks],
            fan: with_fan.then(|| Fan::new(months)),
            failure: None,
        }
    }

    /// Adds `other` into `self`. Exact: the order of merges never matters.
    ///
    /// # Panics
    /// When the two tallies come from runs of different seeds (their paths
    /// are not parts of one run).
    pub fn merge(&mut self, other: &Tally) {
        assert_eq!(
            self.seed, other.seed,
            "tallies of runs with different seeds do not merge"
        );
        self.paths += other.paths;
        add_counts(&mut self.insolvent_in_month, &other.insolvent_in_month);
        self.end_cash.merge(&other.end_cash);
        self.lowest_cash.merge(&other.lowest_cash);
        self.end_cash_sum.merge(&other.end_cash_sum);
        self.funding_sum.merge(&other.funding_sum);
        add_counts(&mut self.inflow_arrived, &other.inflow_arrived);
        add_counts(&mut self.shock_struck, &other.shock_struck);
        match (&mut self.fan, &other.fan) {
            (Some(a), Some(b)) => a.merge(b),
            (None, Some(b)) => self.fan = Some(b.clone()),
            _ => {}
        }
        match (&mut self.failure, &other.failure) {
            (Some(a), Some(b)) => a.merge(b),
            (None, Some(b)) => self.failure = Some(b.clone()),
            _ => {}
        }
    }

    /// Paths insolvent by the horizon.
    pub fn insolvent(&self) -> u64 {
        self.insolvent_in_month
            .iter()
            .fold(0u64, |a, &b| a.saturating_add(b))
    }

    /// The cumulative insolvency curve: paths insolvent by the end of each
    /// month (the last is [`Tally::insolvent`]).
    pub fn insolvent_by_month(&self) -> Vec<u64> {
        self.insolvent_in_month
            .iter()
            .scan(0u64, |by, &k| {
                *by = by.saturating_add(k);
                Some(*by)
            })
            .collect()
    }

    /// The first month (1-based) by whose end at least `rank` paths are
    /// insolvent; `None` for rank 0 or more than are ever insolvent.
    pub fn month_reaching(&self, rank: u64) -> Option<u32> {
        if rank == 0 {
            return None;
        }
        let by_month = self.insolvent_by_month();
        let i = by_month.partition_point(|&k| k < rank);
        (i < by_month.len()).then_some(i as u32 + 1)
    }
}

fn add_counts(a: &mut [u64], b: &[u64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

/// The serialised form of a [`Tally`] (in partial files): its sketches as
/// [`SketchWire`]s, which take memory in proportion to the file and are
/// turned into sketches only by [`TallyWire::into_tally`], once the reader
/// has checked the shape (months, inflows, shocks) against its model.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyWire {
    /// Paths tallied.
    pub paths: u64,
    /// Paths first insolvent in each month.
    pub insolvent_in_month: Vec<u64>,
    /// Cash at the horizon.
    pub end_cash: SketchWire,
    /// Lowest cash.
    pub lowest_cash: SketchWire,
    /// Exact sum of end cash.
    pub end_cash_sum: ExactSum,
    /// Exact sum of funding received.
    pub funding_sum: ExactSum,
    /// Paths in which each inflow arrived.
    pub inflow_arrived: Vec<u64>,
    /// Paths in which each shock struck.
    pub shock_struck: Vec<u64>,
    /// Per-month sketches: cash, revenue, cost, users.
    pub fan: Option<FanWire>,
    /// Breach and failure counts (a model with debt or covenants only: the
    /// key is absent otherwise, so such partial files are as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureWire>,
}

/// The serialised form of a [`Fan`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FanWire {
    /// Cash at the end of each month.
    pub cash: Vec<SketchWire>,
    /// Revenue in each month.
    pub revenue: Vec<SketchWire>,
    /// Cost in each month.
    pub cost: Vec<SketchWire>,
    /// Users at the end of each month.
    pub users: Vec<SketchWire>,
}

impl From<&Tally> for TallyWire {
    fn from(t: &Tally) -> TallyWire {
        let wires = |v: &[Sketch]| v.iter().cloned().map(SketchWire::from).collect();
        TallyWire {
            paths: t.paths,
            insolvent_in_month: t.insolvent_in_month.clone(),
            end_cash: t.end_cash.clone().into(),
            lowest_cash: t.lowest_cash.clone().into(),
            end_cash_sum: t.end_cash_sum.clone(),
            funding_sum: t.funding_sum.clone(),
            inflow_arrived: t.inflow_arrived.clone(),
            shock_struck: t.shock_struck.clone(),
            fan: t.fan.as_ref().map(|f| FanWire {
                cash: wires(&f.cash),
                revenue: wires(&f.revenue),
                cost: wires(&f.cost),
                users: wires(&f.users),
            }),
            failure: t.failure.as_ref().map(FailureWire::from),
        }
    }
}

impl TallyWire {
    /// Builds the tally of the run of `seed` (the partial file's header
    /// holds it), checking every sketch ([`Sketch::from_wire`]); the error
    /// names the sketch.
    pub fn into_tally(self, seed: u64) -> Result<Tally, String> {
        let sketch = |w: SketchWire, what: &str| {
            Sketch::from_wire(w).map_err(|e| format!("sketch `{what}`: {e}"))
        };
        let sketches = |v: Vec<SketchWire>, what: &str| {
            v.into_iter()
                .enumerate()
                .map(|(i, w)| sketch(w, &format!("fan.{what}[{i}]")))
                .collect::<Result<Vec<_>, String>>()
        };
        let fan = match self.fan {
            None => None,
            Some(f) => Some(Fan {
                cash: sketches(f.cash, "cash")?,
                revenue: sketches(f.revenue, "revenue")?,
                cost: sketches(f.cost, "cost")?,
                users: sketches(f.users, "users")?,
            }),
        };
        Ok(Tally {
            seed,
            paths: self.paths,
            insolvent_in_month: self.insolvent_in_month,
            end_cash: sketch(self.end_cash, "end_cash")?,
            lowest_cash: sketch(self.lowest_cash, "lowest_cash")?,
            end_cash_sum: self.end_cash_sum,
            funding_sum: self.funding_sum,
            inflow_arrived: self.inflow_arrived,
            shock_struck: self.shock_struck,
            fan,
            failure: self.failure.map(FailureWire::into_tally).transpose()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cumulative_curve_is_the_running_sum_of_the_months() {
        let mut t = Tally::new(1, 4, 0, 0, false);
        t.insolvent_in_month = vec![2, 0, 3, 1];
        t.paths = 10;
        assert_eq!(t.insolvent_by_month(), vec![2, 2, 5, 6]);
        assert_eq!(*t.insolvent_by_month().last().unwrap(), t.insolvent());
        assert_eq!(t.month_reaching(0), None);
        assert_eq!(t.month_reaching(1), Some(1));
        assert_eq!(t.month_reaching(3), Some(3));
        assert_eq!(t.month_reaching(6), Some(4));
        assert_eq!(t.month_reaching(7), None);
    }
}
