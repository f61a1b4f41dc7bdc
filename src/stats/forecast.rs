//! Scores of a probabilistic forecast against what happened: the Brier and
//! log scores of a probability, and the Kolmogorov–Smirnov distance of
//! probability integral transforms (PITs) from the uniform distribution.

/// Probabilities are clamped to `[LOG_SCORE_CLAMP, 1 − LOG_SCORE_CLAMP]`
/// before taking the log score, so a forecast of exactly 0 or 1 that turns
/// out wrong scores −ln(10⁻⁶) ≈ 13.8 nats instead of infinity.
pub const LOG_SCORE_CLAMP: f64 = 1e-6;

/// Significance level of [`ks_critical_value`].
pub const KS_ALPHA: f64 = 0.05;

/// Brier score of a probability forecast `p` for an event: (p − outcome)²,
/// outcome 1 if it happened, else 0. 0 is perfect, 1 the worst; always
/// saying 50 % scores 0.25.
pub fn brier_score(p: f64, happened: bool) -> f64 {
    let o = if happened { 1.0 } else { 0.0 };
    (p - o) * (p - o)
}

/// Log score: −ln of the probability the forecast gave to what happened, in
/// nats, with `p` clamped to `[LOG_SCORE_CLAMP, 1 − LOG_SCORE_CLAMP]` so it
/// stays finite. 0 is perfect; lower is better.
pub fn log_score(p: f64, happened: bool) -> f64 {
    let q = if happened { p } else { 1.0 - p };
    -q.clamp(LOG_SCORE_CLAMP, 1.0 - LOG_SCORE_CLAMP).ln()
}

/// The Kolmogorov–Smirnov statistic D = sup |F_n(u) − u| of `values` (in
/// [0, 1]) against U(0, 1); `None` for no values.
pub fn ks_uniform_statistic(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    Some(
        sorted
            .iter()
            .enumerate()
            .map(|(i, &u)| ((i as f64 + 1.0) / n - u).max(u - i as f64 / n))
            .fold(0.0, f64::max),
    )
}

/// Critical value of the Kolmogorov–Smirnov D for `n` values at
/// α = [`KS_ALPHA`], by Stephens' approximation 1.358 / (√n + 0.12 + 0.11/√n).
pub fn ks_critical_value(n: usize) -> f64 {
    let root = (n as f64).sqrt();
    1.358 / (root + 0.12 + 0.11 / root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forecast_of_twenty_percent_scores_by_the_closed_forms() {
        assert!((brier_score(0.2, false) - 0.04).abs() < 1e-15);
        assert!((brier_score(0.2, true) - 0.64).abs() < 1e-15);
        assert!((log_score(0.2, false) + 0.8f64.ln()).abs() < 1e-15);
        assert_eq!(log_score(0.0, true), -LOG_SCORE_CLAMP.ln());
    }

    #[test]
    fn the_ks_statistic_of_an_even_grid_is_half_a_step() {
        let grid: Vec<f64> = (0..100).map(|i| (i as f64 + 0.5) / 100.0).collect();
        let d = ks_uniform_statistic(&grid).unwrap();
        assert!((d - 0.005).abs() < 1e-12);
        assert!(d < ks_critical_value(grid.len()));
        let bunched = vec![0.9; 50];
        assert!((ks_uniform_statistic(&bunched).unwrap() - 0.9).abs() < 1e-12);
        assert!(ks_uniform_statistic(&[]).is_none());
    }

    #[test]
    fn the_ks_critical_value_matches_the_tabulated_asymptote() {
        // For large n the 5 % critical value tends to 1.358 / √n.
        let n = 1_000_000;
        assert!((ks_critical_value(n) * (n as f64).sqrt() - 1.358).abs() < 2e-4);
        // At n = 10 the tabulated exact value is 0.409.
        assert!((ks_critical_value(10) - 0.409).abs() < 1e-3);
    }
}
