//! The histogram of a run's cash at the horizon, read from the tally's
//! end-cash sketch: round bin edges, the share of paths in each bin, the
//! shares beyond the bins and the percentiles a chart marks.

use crate::stats::Sketch;

/// Bins the end-cash histogram aims for.
const TARGET_BINS: usize = 40;

/// The histogram of the values in a sketch (see [`Histogram::from_sketch`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// Bin edges: evenly spaced round values ([`round_grid`]), lowest first;
    /// empty when the sketch holds no value.
    pub edges: Vec<f64>,
    /// `shares[i]`: the share of values in [`edges[i]`, `edges[i + 1]`).
    pub shares: Vec<f64>,
    /// The share of values below the first edge.
    pub below: f64,
    /// The share of values at or above the last edge.
    pub above: f64,
    /// The 5th percentile (NaN when empty).
    pub p5: f64,
    /// The median (NaN when empty).
    pub p50: f64,
    /// The 95th percentile (NaN when empty).
    pub p95: f64,
}

impl Histogram {
    /// The histogram of `sketch`'s values: about 40 round bins
    /// over the 0.5th to 99.5th percentile, widened to show `floor` when
    /// some value lies beyond it (or, above, at it). Shares are read with
    /// [`Sketch::fraction_below`], so they are exact to the sketch's 0.2 %
    /// resolution.
    pub fn from_sketch(sketch: &Sketch, floor: f64) -> Histogram {
        let q = |p: f64| sketch.quantile(p).unwrap_or(f64::NAN);
        let (p5, p50, p95) = (q(0.05), q(0.5), q(0.95));
        let Some(edges) = edges(sketch, floor) else {
            return Histogram {
                edges: Vec::new(),
                shares: Vec::new(),
                below: 0.0,
                above: 0.0,
                p5,
                p50,
                p95,
            };
        };
        let below_of = |x: f64| sketch.fraction_below(x).unwrap_or(0.0);
        let cumulative: Vec<f64> = edges.iter().map(|&e| below_of(e)).collect();
        let shares = cumulative
            .windows(2)
            .map(|w| (w[1] - w[0]).max(0.0))
            .collect();
        let below = cumulative.first().copied().unwrap_or(0.0);
        let above = 1.0 - cumulative.last().copied().unwrap_or(1.0);
        Histogram {
            edges,
            shares,
            below,
            above,
            p5,
            p50,
            p95,
        }
    }

    /// Whether there is nothing to draw (the sketch held no value).
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }
}

/// The bin edges for [`Histogram::from_sketch`]; `None` when empty.
fn edges(sketch: &Sketch, floor: f64) -> Option<Vec<f64>> {
    let (min, max) = (sketch.min()?, sketch.max()?);
    let mut lo = sketch.quantile(0.005)?;
    let mut hi = sketch.quantile(0.995)?;
    // Show the floor whenever some path ended below it (or, above, at it).
    if floor >= min && floor < lo {
        lo = floor;
    }
    if floor <= max && floor > hi {
        hi = floor;
    }
    if !(hi > lo) {
        let half = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo -= half;
        hi += half;
    }
    let (_, _, edges, _) = round_grid(lo, hi, TARGET_BINS);
    Some(edges)
}

/// Evenly spaced round values (steps of 1, 2, 2.5 or 5 times a power of
/// ten) covering [lo, hi] in about `target` steps: (grid low, grid high,
/// the values, the step). The charts' axis ticks and the histogram's bin
/// edges.
pub fn round_grid(lo: f64, hi: f64, target: usize) -> (f64, f64, Vec<f64>, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo.min(hi), lo.max(hi))
    } else {
        (0.0, 1.0)
    };
    let span = if hi > lo {
        hi - lo
    } else if lo != 0.0 {
        lo.abs() * 0.2
    } else {
        1.0
    };
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - span / 2.0, hi + span / 2.0)
    };
    let step = round_step(span, target.max(2));
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    let values: Vec<f64> = (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            if v == 0.0 {
                0.0
            } else {
                v
            }
        })
        .collect();
    (first as f64 * step, last as f64 * step, values, step)
}

/// The round step (1, 2, 2.5, 5 or 10 times a power of ten) at or above
/// `span / target`.
fn round_step(span: f64, target: usize) -> f64 {
    let raw = span / target as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 2.5 {
        2.5
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_sketch_gives_an_empty_histogram() {
        let h = Histogram::from_sketch(&Sketch::new(), 0.0);
        assert!(h.is_empty());
        assert!(h.shares.is_empty());
        assert!(h.p50.is_nan());
    }

    #[test]
    fn the_shares_and_the_tails_add_up_to_one() {
        let mut sketch = Sketch::new();
        for i in 0..10_000 {
            sketch.add(f64::from(i) * 0.37 - 500.0);
        }
        let h = Histogram::from_sketch(&sketch, 0.0);
        assert_eq!(h.edges.len(), h.shares.len() + 1);
        let total = h.shares.iter().sum::<f64>() + h.below + h.above;
        assert!((total - 1.0).abs() < 1e-12, "{total}");
        assert!(h.edges[0] <= h.p5 && h.p95 <= h.edges[h.edges.len() - 1]);
    }

    #[test]
    fn the_bins_widen_to_show_a_floor_some_values_fell_below() {
        let mut sketch = Sketch::new();
        for i in 0..1000 {
            sketch.add(100.0 + f64::from(i));
        }
        sketch.add(-50.0);
        let h = Histogram::from_sketch(&sketch, 0.0);
        assert!(h.edges[0] <= 0.0, "{:?}", h.edges.first());
    }
}
