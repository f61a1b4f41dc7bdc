//! Reading a sketch: quantiles, fractions below a value, mid-ranks.

use super::{bucket_mid, key_of, Sketch, ZERO_THRESHOLD};
use crate::stats::rank::MidRanks;

impl Sketch {
    /// The q-quantile (0 ≤ q ≤ 1) by the nearest-rank rule: the value of
    /// rank ⌈q·n⌉ (at least 1), within
    /// [`RELATIVE_ERROR`](super::RELATIVE_ERROR) of the exact value and
    /// clamped to the exact minimum and maximum. `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        if q <= 0.0 {
            return Some(self.min);
        }
        if q >= 1.0 {
            return Some(self.max);
        }
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0u64;
        let clamp = |x: f64| x.clamp(self.min, self.max);
        for (key, c) in self.negative.iter().rev() {
            seen += c;
            if seen >= rank {
                return Some(clamp(-bucket_mid(key)));
            }
        }
        seen += self.zero;
        if seen >= rank {
            return Some(clamp(0.0));
        }
        for (key, c) in self.positive.iter() {
            seen += c;
            if seen >= rank {
                return Some(clamp(bucket_mid(key)));
            }
        }
        Some(self.max)
    }

    /// Fraction of values strictly below `x` (bucket resolution).
    pub fn fraction_below(&self, x: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let mut below = 0u64;
        for (key, c) in self.negative.iter() {
            if -bucket_mid(key) < x {
                below += c;
            }
        }
        if 0.0 < x {
            below += self.zero;
        }
        for (key, c) in self.positive.iter() {
            if bucket_mid(key) < x {
                below += c;
            }
        }
        Some(below as f64 / self.count as f64)
    }
}

/// Mid-ranks of a sketch's buckets: the fraction of values below a value's
/// bucket plus half the bucket (ties at bucket resolution share a rank, see
/// [`MidRanks`]); exactly 0 below the sketch's minimum and 1 above its
/// maximum (both exact).
#[derive(Debug, Clone)]
pub struct RankLookup {
    /// (key, mid-rank, fraction at or below the bucket), keys ascending
    /// (for negative values: closest to zero first).
    negative: Vec<(i64, f64, f64)>,
    zero: (f64, f64),
    positive: Vec<(i64, f64, f64)>,
    /// The exact extremes (∞ and −∞ for an empty sketch).
    min: f64,
    max: f64,
}

impl RankLookup {
    /// The mid-rank in [0, 1] of `x` among the sketch's values: 0 below the
    /// minimum, 1 above the maximum; a value in a bucket no value fell in
    /// gets the fraction of values below it.
    pub fn mid_rank(&self, x: f64) -> f64 {
        if x < self.min {
            return 0.0;
        }
        if x > self.max {
            return 1.0;
        }
        let magnitude = x.abs();
        if magnitude < ZERO_THRESHOLD {
            return self.zero.0;
        }
        let key = key_of(magnitude);
        if x > 0.0 {
            match self.positive.binary_search_by_key(&key, |e| e.0) {
                Ok(i) => self.positive[i].1,
                Err(0) => self.zero.1,
                Err(i) => self.positive[i - 1].2,
            }
        } else {
            match self.negative.binary_search_by_key(&key, |e| e.0) {
                Ok(i) => self.negative[i].1,
                // Below x lie the buckets farther from zero (larger keys).
                Err(i) => self.negative.get(i).map_or(0.0, |e| e.2),
            }
        }
    }
}

impl Sketch {
    /// Mid-rank lookup over this sketch's values.
    pub fn rank_lookup(&self) -> RankLookup {
        let mut ranks = MidRanks::among(self.count);
        let mut negative: Vec<(i64, f64, f64)> = Vec::new();
        for (key, c) in self.negative.iter().rev() {
            let (mid, at_or_below) = ranks.next_group(c);
            negative.push((key, mid, at_or_below));
        }
        negative.reverse();
        let zero = ranks.next_group(self.zero);
        let mut positive = Vec::new();
        for (key, c) in self.positive.iter() {
            let (mid, at_or_below) = ranks.next_group(c);
            positive.push((key, mid, at_or_below));
        }
        RankLookup {
            negative,
            zero,
            positive,
            min: self.min,
            max: self.max,
        }
    }

    /// The mid-rank in [0, 1] of `x` among this sketch's values (see
    /// [`RankLookup::mid_rank`]); `None` for an empty sketch. To rank many
    /// values, build the [`Sketch::rank_lookup`] once.
    pub fn mid_rank(&self, x: f64) -> Option<f64> {
        (self.count > 0).then(|| self.rank_lookup().mid_rank(x))
    }
}
