//! Reading a sketch: quantiles, fractions below a value, mid-ranks.

use super::{bucket_mid, key_of, Sketch, ZERO_THRESHOLD};

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
/// bucket plus half the bucket (ties at bucket resolution share a rank).
#[derive(Debug, Clone)]
pub struct RankLookup {
    /// (key, mid-rank, fraction at or below the bucket), keys ascending
    /// (for negative values: closest to zero first).
    negative: Vec<(i64, f64, f64)>,
    zero: (f64, f64),
    positive: Vec<(i64, f64, f64)>,
}

impl RankLookup {
    /// The mid-rank in [0, 1] of `x` among the sketch's values; a value in a
    /// bucket no value fell in gets the fraction of values below it.
    pub fn mid_rank(&self, x: f64) -> f64 {
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
        let n = self.count.max(1) as f64;
        let mut below = 0u64;
        let mut negative: Vec<(i64, f64, f64)> = Vec::new();
        for (key, c) in self.negative.iter().rev() {
            negative.push((
                key,
                (below as f64 + 0.5 * c as f64) / n,
                (below + c) as f64 / n,
            ));
            below += c;
        }
        negative.reverse();
        let zero = (
            (below as f64 + 0.5 * self.zero as f64) / n,
            (below + self.zero) as f64 / n,
        );
        below += self.zero;
        let mut positive = Vec::new();
        for (key, c) in self.positive.iter() {
            positive.push((
                key,
                (below as f64 + 0.5 * c as f64) / n,
                (below + c) as f64 / n,
            ));
            below += c;
        }
        RankLookup {
            negative,
            zero,
            positive,
        }
    }
}
