//! The failure counts of a model with debt or covenants: paths whose first
//! covenant breach, and whose first failure (insolvency or breach, the
//! earlier), fell in each month, and the shortfall of the failing paths.
//! Integers and sketch buckets only, so it merges exactly.

use super::{Sketch, SketchWire};
use serde::{Deserialize, Serialize};

/// Breach and failure counts by month, and the failing paths' shortfall.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureTally {
    /// Paths that first breached a covenant in month t (index t − 1).
    pub breach_in_month: Vec<u64>,
    /// Paths that first failed (insolvent or in breach) in month t.
    pub failure_in_month: Vec<u64>,
    /// floor − lowest cash of each failing path: the money it would have
    /// needed at its worst to stay at the floor (0 or less for a path that
    /// failed by a breach alone, its cash above the floor throughout).
    pub shortfall: Sketch,
}

impl FailureTally {
    /// An empty tally for `months` months.
    pub fn new(months: usize) -> FailureTally {
        FailureTally {
            breach_in_month: vec![0; months],
            failure_in_month: vec![0; months],
            shortfall: Sketch::new(),
        }
    }

    /// Adds `other` into `self` (exact).
    pub fn merge(&mut self, other: &FailureTally) {
        for (a, b) in [
            (&mut self.breach_in_month, &other.breach_in_month),
            (&mut self.failure_in_month, &other.failure_in_month),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        self.shortfall.merge(&other.shortfall);
    }
}

/// The serialised form of a [`FailureTally`] (in partial files).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailureWire {
    /// Paths first in breach in each month.
    pub breach_in_month: Vec<u64>,
    /// Paths first failed in each month.
    pub failure_in_month: Vec<u64>,
    /// The failing paths' shortfall.
    pub shortfall: SketchWire,
}

impl From<&FailureTally> for FailureWire {
    fn from(f: &FailureTally) -> FailureWire {
        FailureWire {
            breach_in_month: f.breach_in_month.clone(),
            failure_in_month: f.failure_in_month.clone(),
            shortfall: f.shortfall.clone().into(),
        }
    }
}

impl FailureWire {
    /// The tally, its sketch checked ([`Sketch::from_wire`]).
    pub fn into_tally(self) -> Result<FailureTally, String> {
        Ok(FailureTally {
            breach_in_month: self.breach_in_month,
            failure_in_month: self.failure_in_month,
            shortfall: Sketch::from_wire(self.shortfall)
                .map_err(|e| format!("sketch `failure.shortfall`: {e}"))?,
        })
    }
}

/// The running sum of per-month counts (a cumulative curve).
pub fn cumulative(counts: &[u64]) -> Vec<u64> {
    counts
        .iter()
        .scan(0u64, |by, &k| {
            *by = by.saturating_add(k);
            Some(*by)
        })
        .collect()
}
