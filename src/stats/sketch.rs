//! A mergeable quantile sketch with a fixed relative error and exact merges.
//!
//! Each value falls into a bucket made from its sign, binary exponent and top
//! [`MANTISSA_BITS`] mantissa bits, so a bucket spans a relative width of
//! 2^-8 and the midpoint reported for it is within 0.2 % of any value in it.
//! Counts are integers, so merging two sketches is exact and gives the same
//! bits in any order: this is what lets blocks of paths be tallied by any
//! thread, on any machine, and still reproduce a run bit for bit. Memory
//! depends on the spread of the values, never on how many there are.

use super::rank::MidRanks;
use serde::{Deserialize, Serialize};

/// Mantissa bits kept per bucket.
pub const MANTISSA_BITS: u32 = 8;

/// Largest relative error of a reported quantile (half a bucket).
pub const RELATIVE_ERROR: f64 = 1.0 / (1u64 << (MANTISSA_BITS + 1)) as f64;

/// Magnitudes below this are counted as exactly zero.
pub const ZERO_THRESHOLD: f64 = 1.0e-12;

const SHIFT: u32 = 52 - MANTISSA_BITS;

/// Buckets a store adds beyond the one it needs when it grows.
const GROWTH_MARGIN: usize = 1 << MANTISSA_BITS;

#[inline(always)]
fn key_of(magnitude: f64) -> i64 {
    (magnitude.to_bits() >> SHIFT) as i64
}

fn bucket_mid(key: i64) -> f64 {
    let lo = f64::from_bits((key as u64) << SHIFT);
    let hi = f64::from_bits(((key + 1) as u64) << SHIFT);
    if hi.is_finite() {
        0.5 * (lo + hi)
    } else {
        lo
    }
}

/// The lowest bucket key a counted magnitude can have.
fn lowest_key() -> i64 {
    key_of(ZERO_THRESHOLD)
}

/// The highest bucket key a finite magnitude can have.
fn highest_key() -> i64 {
    key_of(f64::MAX)
}

/// Counts over a contiguous window of bucket keys, grown on demand. The
/// window's size depends on the order values arrived in; equality compares
/// only the buckets that hold a count.
#[derive(Debug, Clone, Default)]
struct Store {
    offset: i64,
    counts: Vec<u64>,
}

impl PartialEq for Store {
    fn eq(&self, other: &Store) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Store {
    #[inline]
    fn add(&mut self, key: i64, n: u64) {
        if self.counts.is_empty() {
            self.offset = key - 32;
            self.counts = vec![0; 64];
        }
        // Grow to what is needed plus a margin of one octave (256 buckets,
        // 2 KiB), so that a widening tail does not reallocate at every new
        // extreme: memory follows the spread of the values, never their number.
        if key < self.offset {
            let grow = (self.offset - key) as usize + GROWTH_MARGIN;
            let mut counts = vec![0; grow + self.counts.len()];
            counts[grow..].copy_from_slice(&self.counts);
            self.counts = counts;
            self.offset -= grow as i64;
        } else if key >= self.offset + self.counts.len() as i64 {
            let new_len = (key - self.offset) as usize + 1 + GROWTH_MARGIN;
            self.counts.reserve_exact(new_len - self.counts.len());
            self.counts.resize(new_len, 0);
        }
        self.counts[(key - self.offset) as usize] += n;
    }

    /// Makes room for keys in `lo..=hi` (no-op for an empty range).
    fn reserve_keys(&mut self, lo: i64, hi: i64) {
        if lo <= hi {
            self.add(lo, 0);
            self.add(hi, 0);
        }
    }

    /// Widens the window to hold keys `lo..=hi` in one allocation of zeroed
    /// memory, which the system maps only where a count is written: a wide
    /// but sparse window (as a forged file may claim) costs little.
    fn widen_to(&mut self, lo: i64, hi: i64) {
        let (old_lo, old_len) = (self.offset, self.counts.len() as i64);
        let (new_lo, new_hi) = if old_len == 0 {
            (lo, hi)
        } else {
            (lo.min(old_lo), hi.max(old_lo + old_len - 1))
        };
        if old_len > 0 && new_lo == old_lo && new_hi == old_lo + old_len - 1 {
            return;
        }
        let mut counts = vec![0; (new_hi - new_lo + 1) as usize];
        if old_len > 0 {
            let at = (old_lo - new_lo) as usize;
            counts[at..at + old_len as usize].copy_from_slice(&self.counts);
        }
        self.counts = counts;
        self.offset = new_lo;
    }

    fn merge(&mut self, other: &Store) {
        if let (Some((lo, _)), Some((hi, _))) = (other.iter().next(), other.iter().next_back()) {
            self.widen_to(lo, hi);
        }
        for (i, &c) in other.counts.iter().enumerate() {
            if c > 0 {
                self.add(other.offset + i as i64, c);
            }
        }
    }

    /// (key, count) pairs with a count, lowest key first.
    fn iter(&self) -> impl DoubleEndedIterator<Item = (i64, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(move |(i, c)| (self.offset + i as i64, *c))
    }
}

/// A quantile sketch of finite values.
///
/// Serialised (in partial files) as a [`SketchWire`]: its non-empty
/// buckets, min/max `null` when empty; [`Sketch::from_wire`] checks every
/// field of one read back, so a damaged or forged file is refused, never
/// trusted.
#[derive(Debug, Clone, PartialEq)]
pub struct Sketch {
    positive: Store,
    negative: Store,
    zero: u64,
    count: u64,
    min: f64,
    max: f64,
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch::new()
    }
}

/// The serialised form of a [`Sketch`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SketchWire {
    /// Non-empty buckets of positive values as `[step, count]`: the first
    /// step is the bucket's key, each later one the distance from the
    /// previous key (at least 1), which keeps the file small.
    positive: Vec<[u64; 2]>,
    /// Non-empty buckets of negative values (by magnitude), the same way.
    negative: Vec<[u64; 2]>,
    /// Values counted as zero.
    zero: u64,
    /// Values in all.
    count: u64,
    /// Smallest value, `null` when empty.
    min: Option<f64>,
    /// Largest value, `null` when empty.
    max: Option<f64>,
}

impl From<Sketch> for SketchWire {
    fn from(s: Sketch) -> SketchWire {
        let pairs = |store: &Store| {
            let mut previous = 0i64;
            store
                .iter()
                .map(|(key, c)| {
                    let step = key - previous;
                    previous = key;
                    [step as u64, c]
                })
                .collect::<Vec<_>>()
        };
        SketchWire {
            positive: pairs(&s.positive),
            negative: pairs(&s.negative),
            zero: s.zero,
            count: s.count,
            min: s.min(),
            max: s.max(),
        }
    }
}

/// Checks one store's `[step, count]` buckets: keys in the range finite
/// magnitudes can have, strictly increasing, counts positive; returns the
/// (key, count) pairs and their total count.
fn check_buckets(pairs: &[[u64; 2]], which: &str) -> Result<(Vec<(i64, u64)>, u64), String> {
    let (lo, hi) = (lowest_key() as u64, highest_key() as u64);
    let mut key = 0u64;
    let mut total = 0u64;
    let mut buckets = Vec::with_capacity(pairs.len());
    for (i, &[step, count]) in pairs.iter().enumerate() {
        if i > 0 && step == 0 {
            return Err(format!("{which} bucket keys are not strictly increasing"));
        }
        key = key.saturating_add(step);
        if !(lo..=hi).contains(&key) {
            return Err(format!(
                "{which} bucket key {key} is outside {lo}..={hi}, the keys of finite values"
            ));
        }
        if count == 0 {
            return Err(format!("{which} bucket {key} has a zero count"));
        }
        total = total
            .checked_add(count)
            .ok_or_else(|| format!("{which} bucket counts overflow"))?;
        buckets.push((key as i64, count));
    }
    Ok((buckets, total))
}

impl Sketch {
    /// Rebuilds a sketch from its serialised form, checking that it could
    /// have come from adding finite values: bucket keys in range and
    /// increasing, counts adding up, min and max finite, ordered and lying
    /// in the lowest and highest buckets. Memory is bounded by the key
    /// range, whatever the file says.
    pub fn from_wire(w: SketchWire) -> Result<Sketch, String> {
        let (positive_buckets, positive) = check_buckets(&w.positive, "positive")?;
        let (negative_buckets, negative) = check_buckets(&w.negative, "negative")?;
        let total = positive
            .checked_add(negative)
            .and_then(|t| t.checked_add(w.zero));
        if total != Some(w.count) {
            return Err(format!(
                "its buckets hold {} values but its count is {}",
                total.map_or("more than 2^64".to_string(), |t| t.to_string()),
                w.count
            ));
        }
        let (min, max) =
            match (w.count, w.min, w.max) {
                (0, None, None) => (f64::INFINITY, f64::NEG_INFINITY),
                (0, _, _) => return Err("it is empty but has a min or max".into()),
                (_, Some(min), Some(max)) if min.is_finite() && max.is_finite() && min <= max => {
                    (min, max)
                }
                _ => return Err(
                    "its min and max must be finite numbers with min ≤ max when it holds values"
                        .into(),
                ),
            };
        let mut sketch = Sketch::new();
        for (buckets, store) in [
            (&positive_buckets, &mut sketch.positive),
            (&negative_buckets, &mut sketch.negative),
        ] {
            if let (Some(first), Some(last)) = (buckets.first(), buckets.last()) {
                store.widen_to(first.0, last.0);
                for &(key, count) in buckets {
                    store.add(key, count);
                }
            }
        }
        sketch.zero = w.zero;
        sketch.count = w.count;
        sketch.min = min;
        sketch.max = max;
        if w.count > 0
            && (sketch.lowest_bucket() != Self::bucket_of(min)
                || sketch.highest_bucket() != Self::bucket_of(max))
        {
            return Err(format!(
                "its min {min} and max {max} are not in its lowest and highest buckets"
            ));
        }
        Ok(sketch)
    }

    fn bucket_of(x: f64) -> Bucket {
        if x.abs() < ZERO_THRESHOLD {
            Bucket::Zero
        } else if x > 0.0 {
            Bucket::Positive(key_of(x))
        } else {
            Bucket::Negative(key_of(-x))
        }
    }

    /// The bucket of the smallest values (the sketch holds at least one).
    fn lowest_bucket(&self) -> Bucket {
        if let Some((k, _)) = self.negative.iter().next_back() {
            Bucket::Negative(k)
        } else if self.zero > 0 {
            Bucket::Zero
        } else {
            Bucket::Positive(self.positive.iter().next().map_or(0, |(k, _)| k))
        }
    }

    /// The bucket of the largest values (the sketch holds at least one).
    fn highest_bucket(&self) -> Bucket {
        if let Some((k, _)) = self.positive.iter().next_back() {
            Bucket::Positive(k)
        } else if self.zero > 0 {
            Bucket::Zero
        } else {
            Bucket::Negative(self.negative.iter().next().map_or(0, |(k, _)| k))
        }
    }
}

/// Which bucket a value falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bucket {
    Zero,
    Positive(i64),
    Negative(i64),
}

impl Sketch {
    /// An empty sketch.
    pub fn new() -> Sketch {
        Sketch {
            positive: Store::default(),
            negative: Store::default(),
            zero: 0,
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Adds one finite value.
    #[inline]
    pub fn add(&mut self, x: f64) {
        debug_assert!(x.is_finite());
        self.count += 1;
        if x < self.min {
            self.min = x;
        }
        if x > self.max {
            self.max = x;
        }
        let magnitude = x.abs();
        if magnitude < ZERO_THRESHOLD {
            self.zero += 1;
        } else if x > 0.0 {
            self.positive.add(key_of(magnitude), 1);
        } else {
            self.negative.add(key_of(magnitude), 1);
        }
    }

    /// Adds every value of `values` (all finite); the same result as
    /// adding them one by one, in fewer steps: the bucket range is found
    /// first (a loop the compiler vectorises), then the counts are bumped
    /// without growth checks.
    #[inline(always)]
    pub fn add_all(&mut self, values: &[f64]) {
        let (mut lo, mut hi) = (self.min, self.max);
        let (mut pos_lo, mut pos_hi) = (i64::MAX, i64::MIN);
        let (mut neg_lo, mut neg_hi) = (i64::MAX, i64::MIN);
        for &x in values {
            debug_assert!(x.is_finite());
            lo = if x < lo { x } else { lo };
            hi = if x > hi { x } else { hi };
            let key = key_of(x.abs());
            let counted = x.abs() >= ZERO_THRESHOLD;
            let (pos, neg) = (counted && x > 0.0, counted && x < 0.0);
            pos_lo = if pos && key < pos_lo { key } else { pos_lo };
            pos_hi = if pos && key > pos_hi { key } else { pos_hi };
            neg_lo = if neg && key < neg_lo { key } else { neg_lo };
            neg_hi = if neg && key > neg_hi { key } else { neg_hi };
        }
        self.min = lo;
        self.max = hi;
        self.count += values.len() as u64;
        self.positive.reserve_keys(pos_lo, pos_hi);
        self.negative.reserve_keys(neg_lo, neg_hi);
        for &x in values {
            let key = key_of(x.abs());
            if x.abs() < ZERO_THRESHOLD {
                self.zero += 1;
            } else if x > 0.0 {
                self.positive.counts[(key - self.positive.offset) as usize] += 1;
            } else {
                self.negative.counts[(key - self.negative.offset) as usize] += 1;
            }
        }
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &Sketch) {
        self.positive.merge(&other.positive);
        self.negative.merge(&other.negative);
        self.zero += other.zero;
        self.count += other.count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Number of values added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Smallest value added (exact), `None` when empty.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// Largest value added (exact), `None` when empty.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// The q-quantile (0 ≤ q ≤ 1) by the nearest-rank rule: the value of
    /// rank ⌈q·n⌉ (at least 1), within [`RELATIVE_ERROR`] of the exact value
    /// and clamped to the exact minimum and maximum. `None` when empty.
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

#[cfg(test)]
mod tests;
