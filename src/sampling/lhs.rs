//! Latin hypercube sampling: one uniform in each of a block's equal strata.

use crate::sampling::rng::{open01, StreamRng};

/// Fills `out` with a Latin hypercube sample of U(0, 1): one value in each of
/// the `out.len()` equal strata, in random order.
pub(crate) fn latin_hypercube(rng: &mut StreamRng, out: &mut [f64]) {
    let n = out.len();
    for (k, x) in out.iter_mut().enumerate() {
        *x = k as f64;
    }
    // Fisher–Yates shuffle of the stratum indices.
    for k in (1..n).rev() {
        let r = ((open01(rng) * (k + 1) as f64) as usize).min(k);
        out.swap(k, r);
    }
    for x in out.iter_mut() {
        *x = (*x + open01(rng)) / n as f64;
    }
}
