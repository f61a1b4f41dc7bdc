//! The density-propagation oracle of the Gaussian walk's ruin, which the
//! rare-event and solve tests check their estimates against: the
//! surviving density of cash on a grid, the mass each month sends below 0
//! summed month by month (no cancellation of 1 − survival, so tiny
//! probabilities keep their digits).

use statrs::distribution::{ContinuousCDF, Normal};

/// P(insolvent by month m) for m = 1..=`months` of the walk from cash `c`
/// with N(`mean`, `sd`) steps, insolvent when cash ends a month below 0:
/// the surviving sub-density on a grid of step `h` over [0, top], each
/// month's convolution with the normal step and the mass it sends below 0
/// by Simpson's rule (error O(h⁴), relative to each month's killed mass).
pub(crate) fn ruin_by_month(c: f64, mean: f64, sd: f64, months: usize, h: f64) -> Vec<f64> {
    let normal = Normal::new(0.0, 1.0).unwrap();
    let top = c + 12.0 + 6.0 * sd * (months as f64).sqrt() + mean.max(0.0) * months as f64;
    let n = ((top / h).ceil() as usize / 2) * 2 + 1;
    let simpson: Vec<f64> = (0..n)
        .map(|i| {
            let w = match i {
                0 => 1.0,
                i if i == n - 1 => 1.0,
                i if i % 2 == 1 => 4.0,
                _ => 2.0,
            };
            w * h / 3.0
        })
        .collect();
    let phi = |z: f64| (-0.5 * z * z).exp() / (sd * (2.0 * std::f64::consts::PI).sqrt());
    // The step's density by grid offset k = i − j, index k + n − 1.
    let kernel: Vec<f64> = (0..2 * n - 1)
        .map(|k| phi(((k as f64 - (n - 1) as f64) * h - mean) / sd))
        .collect();
    // Below 0 from x: Φ((−x − μ)/σ).
    let kill: Vec<f64> = (0..n)
        .map(|i| normal.cdf((-(i as f64) * h - mean) / sd))
        .collect();
    let mut density: Vec<f64> = (0..n)
        .map(|i| phi((i as f64 * h - c - mean) / sd))
        .collect();
    let mut cumulative = vec![normal.cdf((-c - mean) / sd)];
    for _ in 1..months {
        let weighted: Vec<f64> = density.iter().zip(&simpson).map(|(d, w)| d * w).collect();
        let killed: f64 = weighted.iter().zip(&kill).map(|(d, k)| d * k).sum();
        cumulative.push(cumulative.last().unwrap() + killed);
        density = (0..n)
            .map(|i| {
                let row = &kernel[i..i + n];
                // kernel[i − j + n − 1] for j = 0..n, reversed.
                weighted
                    .iter()
                    .zip(row.iter().rev())
                    .map(|(d, k)| d * k)
                    .sum()
            })
            .collect();
    }
    cumulative
}
