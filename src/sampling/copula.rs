//! The Gaussian copula's arithmetic: independent normal scores from one
//! stream, mixed by a row of a lower Cholesky factor, and the standard normal
//! CDF Φ and quantile Φ⁻¹ that carry scores to and from uniforms.
//!
//! Which inputs are correlated, and how a uniform becomes an input's value
//! (its inverse CDF), is the engine's business; this module knows only
//! scores and uniforms.

use crate::sampling::lhs::latin_hypercube;
use crate::sampling::rng::StreamRng;

/// Fills `scores` with independent standard normal scores from `rng`: Latin
/// hypercube scores (Φ⁻¹ of a stratified uniform sample, drawn into
/// `strata`) when `lhs`, else ziggurat normals.
#[inline(always)]
pub(crate) fn independent_scores(
    rng: &mut StreamRng,
    lhs: bool,
    strata: &mut [f64],
    scores: &mut [f64],
) {
    if lhs {
        latin_hypercube(rng, strata);
        for (zj, &u) in scores.iter_mut().zip(strata.iter()) {
            *zj = standard_normal_quantile(u);
        }
    } else {
        for zj in scores.iter_mut() {
            *zj = crate::sampling::ziggurat::standard_normal(rng);
        }
    }
}

/// The correlated score of path `j` for input `row` of the copula: row `row`
/// of the lower Cholesky factor (`factor_row`) times the independent scores
/// of inputs `0..=row`.
#[inline(always)]
pub(crate) fn correlated_score(
    factor_row: &[f64],
    scores: &[Vec<f64>],
    row: usize,
    j: usize,
) -> f64 {
    (0..=row).map(|c| factor_row[c] * scores[c][j]).sum()
}

/// The uniform Φ(score), kept inside (0, 1) so that any inverse CDF takes it.
#[inline(always)]
pub(crate) fn score_to_uniform(score: f64) -> f64 {
    standard_normal_cdf(score).clamp(1e-300, 1.0 - 1e-16)
}

/// Φ(x), the standard normal CDF.
pub fn standard_normal_cdf(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

/// Φ⁻¹(u), the standard normal quantile.
pub fn standard_normal_quantile(u: f64) -> f64 {
    -std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * u)
}
