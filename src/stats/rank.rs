//! Mid-ranks: where a value falls among others, ties sharing a rank.
//!
//! Values come in groups of ties (a sketch's buckets, the months of
//! insolvency), taken in ascending order. A value in a group of `tied`
//! values with `below` values under it, among `n`, has the mid-rank
//! (below + tied / 2) / n: the fraction below it plus half its ties. This
//! is the one formula every mid-rank of runway uses.

/// Mid-ranks of groups of tied values, taken in ascending order of value.
#[derive(Debug, Clone)]
pub struct MidRanks {
    below: u64,
    n: f64,
}

impl MidRanks {
    /// Ranks among `n` values (at least one is assumed, so an empty set
    /// ranks everything at 0).
    pub fn among(n: u64) -> MidRanks {
        MidRanks {
            below: 0,
            n: n.max(1) as f64,
        }
    }

    /// The next group of `tied` values: its mid-rank, (below + tied / 2) / n,
    /// and the fraction of values at or below it, (below + tied) / n.
    pub fn next_group(&mut self, tied: u64) -> (f64, f64) {
        let mid = (self.below as f64 + 0.5 * tied as f64) / self.n;
        let at_or_below = (self.below + tied) as f64 / self.n;
        self.below += tied;
        (mid, at_or_below)
    }
}

/// The mid-rank of each group of tied values whose counts are `counts`
/// (ascending order of value), among `n` values.
pub fn mid_ranks(counts: &[u64], n: u64) -> Vec<f64> {
    let mut ranks = MidRanks::among(n);
    counts.iter().map(|&c| ranks.next_group(c).0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mid_ranks_are_the_fraction_below_plus_half_the_ties() {
        // 1 value, then 2 tied, then 0, then 5 tied: among 8.
        assert_eq!(
            mid_ranks(&[1, 2, 0, 5], 8),
            vec![0.5 / 8.0, 2.0 / 8.0, 3.0 / 8.0, 5.5 / 8.0]
        );
        let mut ranks = MidRanks::among(4);
        assert_eq!(ranks.next_group(4), (0.5, 1.0));
    }

    #[test]
    fn distinct_values_rank_at_the_middle_of_their_step() {
        let n = 1000u64;
        let ranks = mid_ranks(&vec![1; n as usize], n);
        for (i, r) in ranks.iter().enumerate() {
            assert_eq!(*r, (i as f64 + 0.5) / n as f64);
        }
        // Their mean is exactly one half.
        let mean = ranks.iter().sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 1e-12);
    }

    #[test]
    fn an_empty_set_ranks_everything_at_zero() {
        assert_eq!(mid_ranks(&[0, 0], 0), vec![0.0, 0.0]);
    }
}
