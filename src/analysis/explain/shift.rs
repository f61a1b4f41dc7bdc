//! How an input's distribution among a group of paths (insolvent, early,
//! late) differs from its distribution over all paths: the mean shift in
//! standard deviations, the shift of the median, the Kolmogorov–Smirnov
//! distance; each with an interval or a noise level.

use super::observe::{InputAcc, Source, BINS};
use crate::stats::{ExactSquareSum, ExactSum, Z_95};
use serde::Serialize;

/// The 95 % critical value of the two-sample KS statistic, c(0.05).
const KS_95: f64 = 1.358;

/// One input among one group of paths, against all paths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GroupShift {
    /// Paths in the group.
    pub paths: u64,
    /// Mean of the input in the group.
    pub mean: f64,
    /// (group mean − mean over all paths) / standard deviation over all paths.
    pub mean_shift_sd: f64,
    /// 95 % interval of the mean shift (normal, from the group and the rest).
    pub mean_shift_sd_ci95: [f64; 2],
    /// Median of the input in the group (from 200 equal-probability bins).
    pub median: f64,
    /// Group median − median over all paths.
    pub median_shift: f64,
    /// 95 % distribution-free interval of the shift (order statistics of
    /// the group; the all-path median taken as known).
    pub median_shift_ci95: [f64; 2],
    /// Largest gap between the group's CDF and the all-path CDF of the
    /// input (at the bins' edges).
    pub ks: f64,
    /// The gap that chance alone exceeds 5 % of the time for a group this
    /// size: 1.358 · (1 − f) · √(1/n_group + 1/n_rest).
    pub ks_noise_95: f64,
}

/// An input's bins, sums and count over a set of insolvency months.
struct Pooled {
    counts: [u64; BINS],
    n: u64,
    sum: ExactSum,
    squares: ExactSquareSum,
}

impl Pooled {
    fn of(acc: &InputAcc, months: impl Iterator<Item = usize>) -> Pooled {
        let mut p = Pooled {
            counts: [0; BINS],
            n: 0,
            sum: ExactSum::new(),
            squares: ExactSquareSum::new(),
        };
        for m in months {
            for (c, &k) in p.counts.iter_mut().zip(&acc.bins[m * BINS..(m + 1) * BINS]) {
                *c += k;
                p.n += k;
            }
            p.sum.merge(&acc.sums[m]);
            p.squares.merge(&acc.squares[m]);
        }
        p
    }

    fn mean(&self) -> f64 {
        self.sum.divided_by(self.n)
    }

    fn variance(&self) -> f64 {
        self.sum.population_sd(&self.squares, self.n).powi(2)
    }

    /// The rank below which a share `q` of the group lies (linear within a bin).
    fn rank_quantile(&self, q: f64) -> f64 {
        let target = q.clamp(0.0, 1.0) * self.n as f64;
        let mut below = 0.0;
        for (b, &c) in self.counts.iter().enumerate() {
            let c = c as f64;
            if c > 0.0 && below + c >= target {
                return (b as f64 + ((target - below) / c).clamp(0.0, 1.0)) / BINS as f64;
            }
            below += c;
        }
        1.0
    }

    fn cdf_at_edges(&self) -> impl Iterator<Item = f64> + '_ {
        let n = self.n.max(1) as f64;
        self.counts.iter().scan(0u64, move |cum, &c| {
            *cum += c;
            Some(*cum as f64 / n)
        })
    }
}

/// The value of `source` at rank `u`.
pub(super) fn value_at(source: &Source, u: f64) -> f64 {
    match source {
        Source::Slot(_, dist) => dist.quantile(u.clamp(1e-12, 1.0 - 1e-12)),
        Source::Happening(_) | Source::Dummy => u,
    }
}

/// An input over all paths: mean, standard deviation, median.
pub(super) fn overall(acc: &InputAcc, months: usize, source: &Source) -> (f64, f64, f64) {
    let all = Pooled::of(acc, 0..=months);
    let median = value_at(source, all.rank_quantile(0.5));
    (all.mean(), all.variance().sqrt(), median)
}

/// The group of paths whose insolvency month lies in `group` (months as in
/// [`InputAcc`]), against all paths; `None` for an empty group.
pub(super) fn group_shift(
    acc: &InputAcc,
    months: usize,
    group: &[usize],
    source: &Source,
) -> Option<GroupShift> {
    let g = Pooled::of(acc, group.iter().copied());
    if g.n == 0 {
        return None;
    }
    let rest = Pooled::of(acc, (0..=months).filter(|m| !group.contains(m)));
    let all = Pooled::of(acc, 0..=months);
    let sd = all.variance().sqrt();
    let f = g.n as f64 / all.n as f64;
    let (mean_shift_sd, mean_shift_sd_ci95) = if sd > 0.0 {
        let shift = (g.mean() - all.mean()) / sd;
        let se = if rest.n > 0 {
            (1.0 - f) * (g.variance() / g.n as f64 + rest.variance() / rest.n as f64).sqrt() / sd
        } else {
            0.0
        };
        (shift, [shift - Z_95 * se, shift + Z_95 * se])
    } else {
        (0.0, [0.0, 0.0])
    };
    let all_median = value_at(source, all.rank_quantile(0.5));
    let median = value_at(source, g.rank_quantile(0.5));
    let half = 0.5 * Z_95 / (g.n as f64).sqrt();
    let lo = value_at(source, g.rank_quantile(0.5 - half)) - all_median;
    let hi = value_at(source, g.rank_quantile(0.5 + half)) - all_median;
    let ks = g
        .cdf_at_edges()
        .zip(all.cdf_at_edges())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let ks_noise_95 = if rest.n > 0 {
        KS_95 * (1.0 - f) * (1.0 / g.n as f64 + 1.0 / rest.n as f64).sqrt()
    } else {
        0.0
    };
    Some(GroupShift {
        paths: g.n,
        mean: g.mean(),
        mean_shift_sd,
        mean_shift_sd_ci95,
        median,
        median_shift: median - all_median,
        median_shift_ci95: [lo.min(hi), lo.max(hi)],
        ks,
        ks_noise_95,
    })
}
