//! Proportions k of n with their 95 % intervals: the Wilson score interval
//! of one proportion and Newcombe's hybrid score interval of the difference
//! of two, paired or independent.

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

/// 95 % interval of p(second) − p(first) by Newcombe's hybrid score method
/// (Newcombe 1998, Statistics in Medicine 17:2635 and 17:873): each side
/// combines the two Wilson intervals, corrected by `phi`, the correlation of
/// the two indicators on the same trial (0 for independent samples).
fn hybrid_score_difference(first: &Proportion, second: &Proportion, phi: f64) -> [f64; 2] {
    let (p1, [l1, u1]) = (first.probability, first.ci95);
    let (p2, [l2, u2]) = (second.probability, second.ci95);
    let delta = p2 - p1;
    let low = delta
        - ((p2 - l2).powi(2) - 2.0 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1).powi(2))
            .max(0.0)
            .sqrt();
    let high = delta
        + ((u2 - p2).powi(2) - 2.0 * phi * (u2 - p2) * (p1 - l1) + (p1 - l1).powi(2))
            .max(0.0)
            .sqrt();
    [low.max(-1.0), high.min(1.0)]
}

/// 95 % interval of p(second) − p(first) for two independent samples
/// (Newcombe's method 10): `k₂/n₂ − k₁/n₁`, each proportion with its Wilson
/// interval.
pub fn newcombe_independent(first: &Proportion, second: &Proportion) -> [f64; 2] {
    hybrid_score_difference(first, second, 0.0)
}

/// 95 % interval of p(second) − p(first) for two events observed on the
/// same n trials (paired; Newcombe's paired method 10), from the 2×2
/// counts: trials where `both` happened, the `first_only`, the
/// `second_only`, and `neither`. With no trial, [−1, 1].
pub fn newcombe_paired(both: u64, first_only: u64, second_only: u64, neither: u64) -> [f64; 2] {
    let n = both + first_only + second_only + neither;
    if n == 0 {
        return [-1.0, 1.0];
    }
    let (a, b, c, d) = (
        both as f64,
        first_only as f64,
        second_only as f64,
        neither as f64,
    );
    let first = Proportion::new(both + first_only, n);
    let second = Proportion::new(both + second_only, n);
    let denom = ((a + b) * (c + d) * (a + c) * (b + d)).sqrt();
    let phi = if denom > 0.0 {
        (a * d - b * c) / denom
    } else {
        0.0
    };
    hybrid_score_difference(&first, &second, phi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_near(got: [f64; 2], want: [f64; 2], tolerance: f64) {
        assert!(
            (got[0] - want[0]).abs() < tolerance && (got[1] - want[1]).abs() < tolerance,
            "{got:?} vs {want:?}"
        );
    }

    #[test]
    fn wilson_matches_a_published_value() {
        // Newcombe (1998), Table I: 81/263 → 0.2553 to 0.3662.
        assert_near(wilson(81, 263), [0.2553, 0.3662], 5e-4);
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

    #[test]
    fn the_independent_difference_matches_newcombes_published_examples() {
        // Newcombe (1998b), Table II, method 10: 56/70 − 48/80 → 0.0524 to
        // 0.3339; 9/10 − 3/10 → 0.1705 to 0.8090.
        let diff = |k1, n1, k2, n2| {
            newcombe_independent(&Proportion::new(k2, n2), &Proportion::new(k1, n1))
        };
        assert_near(diff(56, 70, 48, 80), [0.0524, 0.3339], 5e-4);
        assert_near(diff(9, 10, 3, 10), [0.1705, 0.8090], 5e-4);
    }

    #[test]
    fn uncorrelated_pairs_give_the_independent_interval() {
        // a·d = b·c: the indicators are uncorrelated (φ = 0).
        let paired = newcombe_paired(4, 2, 2, 1);
        let independent = newcombe_independent(&Proportion::new(6, 9), &Proportion::new(6, 9));
        assert_eq!(paired, independent);
    }

    #[test]
    fn perfect_agreement_gives_the_closed_form_interval_around_zero() {
        // Every trial agrees (φ = 1): the sides are ±|(p − l) − (u − p)|.
        let p = Proportion::new(30, 50);
        let [l, u] = p.ci95;
        let side = ((p.probability - l) - (u - p.probability)).abs();
        assert_near(newcombe_paired(30, 0, 0, 20), [-side, side], 1e-12);
    }

    #[test]
    fn swapping_the_two_events_negates_the_paired_interval() {
        for (a, b, c, d) in [(36, 12, 2, 0), (5, 5, 0, 0), (9, 3, 9, 19)] {
            let [lo, hi] = newcombe_paired(a, b, c, d);
            assert_near(newcombe_paired(a, c, b, d), [-hi, -lo], 1e-15);
            assert!(lo < (c as f64 - b as f64) / (a + b + c + d) as f64 && hi > lo);
        }
    }

    #[test]
    fn without_trials_the_paired_difference_is_anything() {
        assert_eq!(newcombe_paired(0, 0, 0, 0), [-1.0, 1.0]);
    }
}
