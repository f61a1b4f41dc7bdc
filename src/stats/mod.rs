//! Streaming, mergeable statistics: proportions with intervals, quantile
//! sketches, and the per-run tally the engine fills.

mod exact;
mod sketch;
mod tally;

pub use exact::{ExactSquareSum, ExactSum};
pub use sketch::{
    RankLookup, Sketch, SketchWire, RELATIVE_ERROR as SKETCH_RELATIVE_ERROR,
    ZERO_THRESHOLD as SKETCH_ZERO_THRESHOLD,
};
pub use tally::{Fan, FanWire, Tally, TallyWire};

use serde::Serialize;

/// z for a two-sided 95 % interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// A proportion k/n with its 95 % Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proportion {
    /// k / n (0 when n = 0).
    pub probability: f64,
    /// The 95 % Wilson score interval [low, high].
    pub ci95: [f64; 2],
    /// k: paths where the event happened.
    pub count: u64,
    /// n: paths simulated.
    pub paths: u64,
}

impl Proportion {
    /// k of n with its Wilson interval.
    pub fn new(count: u64, paths: u64) -> Proportion {
        Proportion {
            probability: if paths == 0 {
                0.0
            } else {
                count as f64 / paths as f64
            },
            ci95: wilson(count, paths),
            count,
            paths,
        }
    }

    /// Half the width of the interval.
    pub fn half_width(&self) -> f64 {
        (self.ci95[1] - self.ci95[0]) / 2.0
    }
}

/// The 95 % Wilson score interval for k successes in n trials. It stays
/// inside [0, 1] and is honest at k = 0 and k = n, unlike the Wald interval.
pub fn wilson(k: u64, n: u64) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let n_f = n as f64;
    let p = k as f64 / n_f;
    let z2 = Z_95 * Z_95;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = Z_95 / denom * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt();
    let low = if k == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if k == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    [low, high]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_a_published_value() {
        // Newcombe (1998), Table I: 81/263 → 0.2553 to 0.3662.
        let [lo, hi] = wilson(81, 263);
        assert!(
            (lo - 0.2553).abs() < 5e-4 && (hi - 0.3662).abs() < 5e-4,
            "{lo} {hi}"
        );
    }

    #[test]
    fn wilson_is_inside_zero_one_at_the_edges() {
        let [lo, hi] = wilson(0, 10);
        assert_eq!(lo, 0.0);
        assert!(hi > 0.2 && hi < 0.35);
        let [lo, hi] = wilson(10, 10);
        assert_eq!(hi, 1.0);
        assert!(lo > 0.65);
    }
}
