//! A mergeable quantile sketch with a fixed relative error and exact merges.
//!
//! Each value falls into a bucket made from its sign, binary exponent and top
//! [`MANTISSA_BITS`] mantissa bits, so a bucket spans a relative width of
//! 2^-8 and the midpoint reported for it is within 0.2 % of any value in it.
//! Counts are integers, so merging two sketches is exact and gives the same
//! bits in any order: this is what lets blocks of paths be tallied by any
//! thread, on any machine, and still reproduce a run bit for bit. Memory
//! depends on the spread of the values, never on how many there are.

mod quantile;
mod store;
#[cfg(test)]
mod tests;
mod wire;

pub use quantile::RankLookup;
use store::Store;
pub use wire::SketchWire;

/// Mantissa bits kept per bucket.
pub const MANTISSA_BITS: u32 = 8;

/// Largest relative error of a reported quantile (half a bucket).
pub const RELATIVE_ERROR: f64 = 1.0 / (1u64 << (MANTISSA_BITS + 1)) as f64;

/// Magnitudes below this are counted as exactly zero.
pub const ZERO_THRESHOLD: f64 = 1.0e-12;

/// The mantissa bits below a bucket's: a key is a magnitude's bits shifted right by this.
const SHIFT: u32 = 52 - MANTISSA_BITS;

/// The bucket key of a magnitude: its exponent and top mantissa bits.
#[inline(always)]
fn key_of(magnitude: f64) -> i64 {
    (magnitude.to_bits() >> SHIFT) as i64
}

/// The value reported for a bucket: the midpoint of its edges (its low edge
/// for the highest finite bucket).
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
}
