//! The counts of one sign's buckets: a window of bucket keys, grown on demand.

use super::MANTISSA_BITS;

/// Buckets a store adds beyond the one it needs when it grows.
const GROWTH_MARGIN: usize = 1 << MANTISSA_BITS;

/// Counts over a contiguous window of bucket keys, grown on demand. The
/// window's size depends on the order values arrived in; equality compares
/// only the buckets that hold a count.
#[derive(Debug, Clone, Default)]
pub(super) struct Store {
    /// The key of `counts[0]`.
    pub(super) offset: i64,
    /// The count of each key in the window.
    pub(super) counts: Vec<u64>,
}

impl PartialEq for Store {
    fn eq(&self, other: &Store) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Store {
    #[inline]
    pub(super) fn add(&mut self, key: i64, n: u64) {
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
    pub(super) fn reserve_keys(&mut self, lo: i64, hi: i64) {
        if lo <= hi {
            self.add(lo, 0);
            self.add(hi, 0);
        }
    }

    /// Widens the window to hold keys `lo..=hi` in one allocation of zeroed
    /// memory, which the system maps only where a count is written: a wide
    /// but sparse window (as a forged file may claim) costs little.
    pub(super) fn widen_to(&mut self, lo: i64, hi: i64) {
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

    pub(super) fn merge(&mut self, other: &Store) {
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
    pub(super) fn iter(&self) -> impl DoubleEndedIterator<Item = (i64, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(move |(i, c)| (self.offset + i as i64, *c))
    }
}
