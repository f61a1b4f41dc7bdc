//! A mergeable quantile sketch with a fixed relative error and exact merges.
//!
//! Each value falls into a bucket made from its sign, binary exponent and top
//! [`MANTISSA_BITS`] mantissa bits, so a bucket spans a relative width of
//! 2^-8 and the midpoint reported for it is within 0.2 % of any value in it.
//! Counts are integers, so merging two sketches is exact and gives the same
//! bits in any order: this is what lets blocks of paths be tallied by any
//! thread, on any machine, and still reproduce a run bit for bit. Memory
//! depends on the spread of the values, never on how many there are.

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

    /// The edges [low, high) of the bucket that holds magnitudes like `m`
    /// (m ≥ the zero threshold): values are counted at this resolution.
    pub fn bucket_bounds(m: f64) -> (f64, f64) {
        let key = key_of(m);
        (
            f64::from_bits((key as u64) << SHIFT),
            f64::from_bits(((key + 1) as u64) << SHIFT),
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    fn exact_quantile(sorted: &[f64], q: f64) -> f64 {
        let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    #[test]
    fn quantiles_are_within_the_stated_relative_error_of_exact_ones() {
        let values: Vec<f64> = (0..20_000)
            .map(|i| ((i * 7919) % 20_000) as f64 * 0.37 - 2_500.0)
            .collect();
        let mut sketch = Sketch::new();
        values.iter().for_each(|&x| sketch.add(x));
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] {
            let exact = exact_quantile(&sorted, q);
            let got = sketch.quantile(q).unwrap();
            assert!(
                (got - exact).abs() <= exact.abs() * RELATIVE_ERROR + 1e-9,
                "q={q}: {got} vs {exact}"
            );
        }
        assert_eq!(sketch.quantile(0.0), Some(sorted[0]));
        assert_eq!(sketch.quantile(1.0), Some(*sorted.last().unwrap()));
    }

    #[test]
    fn merging_in_any_order_gives_identical_sketches() {
        let parts: Vec<Sketch> = (0..4)
            .map(|p| {
                let mut s = Sketch::new();
                for i in 0..1000 {
                    s.add(((i * 31 + p * 977) % 1703) as f64 - 300.0 + 1e-3 * p as f64);
                }
                s
            })
            .collect();
        let mut forward = Sketch::new();
        parts.iter().for_each(|s| forward.merge(s));
        let mut backward = Sketch::new();
        parts.iter().rev().for_each(|s| backward.merge(s));
        for q in [0.1, 0.5, 0.9] {
            assert_eq!(
                forward.quantile(q).unwrap().to_bits(),
                backward.quantile(q).unwrap().to_bits()
            );
        }
        assert_eq!(forward.count(), 4000);
    }

    #[test]
    fn mid_ranks_increase_with_the_value() {
        let mut s = Sketch::new();
        for i in -500..500 {
            s.add(i as f64 * 1.7);
        }
        let r = s.rank_lookup();
        let ranks: Vec<f64> = (-500..500).map(|i| r.mid_rank(i as f64 * 1.7)).collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]));
        assert!(ranks[0] < 0.01 && ranks[999] > 0.99);
        assert!((r.mid_rank(0.0) - 0.5).abs() < 0.01);
        // Values beyond the extremes, and in empty gaps, rank by what lies below.
        assert_eq!(r.mid_rank(-1e9), 0.0);
        assert_eq!(r.mid_rank(1e9), 1.0);
        let gap = s.rank_lookup().mid_rank(-0.3);
        assert!((gap - 0.5).abs() < 0.01, "{gap}");
    }

    #[test]
    fn adding_a_slice_equals_adding_its_values_one_by_one() {
        let values: Vec<f64> = (0..3000)
            .map(|i| match i % 7 {
                0 => 0.0,
                1 => 5e-13,
                2 => -1e-12,
                _ => ((i * 7919) % 3001) as f64 * 0.91 - 1_200.0,
            })
            .collect();
        let (mut one_by_one, mut batched) = (Sketch::new(), Sketch::new());
        values.iter().for_each(|&x| one_by_one.add(x));
        values.chunks(1024).for_each(|c| batched.add_all(c));
        batched.add_all(&[]);
        assert_eq!(one_by_one, batched);
        assert_eq!(one_by_one.zero, batched.zero);
        assert_eq!(one_by_one.min(), batched.min());
        assert_eq!(one_by_one.max(), batched.max());
        let wire = SketchWire::from(batched.clone());
        assert_eq!(Sketch::from_wire(wire), Ok(batched));
    }

    #[test]
    fn a_constant_is_reported_exactly() {
        let mut s = Sketch::new();
        (0..10).for_each(|_| s.add(3.3));
        assert_eq!(s.quantile(0.5), Some(3.3));
        let empty = Sketch::new();
        assert_eq!(empty.quantile(0.5), None);
    }

    #[test]
    fn a_sketch_reads_back_from_json_to_the_same_bits_for_any_finite_values() {
        // Random bit patterns cover every exponent, subnormals and signs.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        for _ in 0..200 {
            let mut sketch = Sketch::new();
            for _ in 0..50 {
                let x = f64::from_bits(next());
                if x.is_finite() {
                    sketch.add(x);
                }
            }
            let json = serde_json::to_string(&SketchWire::from(sketch.clone())).unwrap();
            let back = Sketch::from_wire(serde_json::from_str(&json).unwrap()).unwrap();
            assert_eq!(back, sketch);
            assert_eq!(back.min().map(f64::to_bits), sketch.min().map(f64::to_bits));
            assert_eq!(back.max().map(f64::to_bits), sketch.max().map(f64::to_bits));
        }
        let json = serde_json::to_string(&SketchWire::from(Sketch::new())).unwrap();
        let empty = Sketch::from_wire(serde_json::from_str(&json).unwrap()).unwrap();
        assert_eq!(empty.count(), 0);
        assert_eq!(empty.min(), None);
    }

    #[test]
    fn a_forged_sketch_is_refused_with_the_rule_it_breaks() {
        let mut s = Sketch::new();
        [1.0, 2.0, -3.0, 0.0].iter().for_each(|&x| s.add(x));
        let good = serde_json::to_value(SketchWire::from(s)).unwrap();
        let cases: [(&str, serde_json::Value); 6] = [
            ("count", serde_json::json!({"count": 5})),
            (
                "outside",
                serde_json::json!({"positive": [[1u64 << 40, 1], [1, 1]]}),
            ),
            (
                "increasing",
                serde_json::json!({"positive": [[good["positive"][0][0].clone(), 1], [0, 1]]}),
            ),
            ("min", serde_json::json!({"min": 1.5})),
            ("finite", serde_json::json!({"max": null})),
            (
                "zero count",
                serde_json::json!({"negative": [[good["negative"][0][0].clone(), 0]], "count": 3}),
            ),
        ];
        for (rule, patch) in cases {
            let mut forged = good.clone();
            for (k, v) in patch.as_object().unwrap() {
                forged[k] = v.clone();
            }
            let err = serde_json::from_value::<SketchWire>(forged)
                .map_err(|e| e.to_string())
                .and_then(Sketch::from_wire)
                .unwrap_err();
            assert!(err.contains(rule), "{rule}: {err}");
        }
    }
}
