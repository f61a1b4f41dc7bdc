//! The inverse CDF where a library's is not to be trusted: confirmed by the
//! CDF, else found by bisection.

/// Accepts a library's inverse-CDF value `guess` when the CDF confirms it
/// (statrs returns NaN or inaccurate values in some tails); otherwise finds
/// x in [lo, hi] with cdf(x) = q by bisection, geometric where the bracket
/// spans orders of magnitude so that tiny quantiles keep their precision.
pub(super) fn checked_inverse(
    cdf: impl Fn(f64) -> f64,
    guess: f64,
    q: f64,
    lo: f64,
    hi: f64,
) -> f64 {
    let tolerance = 1e-10 * q.min(1.0 - q).max(1e-300);
    if guess.is_finite() && guess >= lo && guess <= hi && (cdf(guess) - q).abs() <= tolerance {
        return guess;
    }
    let (mut lo, mut hi) = (lo.max(1e-300), hi);
    if cdf(lo) >= q {
        return lo;
    }
    for _ in 0..400 {
        let mid = if hi > 4.0 * lo {
            (lo * hi).sqrt()
        } else {
            0.5 * (lo + hi)
        };
        if mid <= lo || mid >= hi {
            break;
        }
        if cdf(mid) < q {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-15 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}
