//! Statistical validation of every distribution family in `runway::dist`.
//!
//! Each continuous family is sampled 200 000 times from a fixed stream and
//! checked four ways:
//!
//! * a one-sample Kolmogorov–Smirnov test of the draws against `Dist::cdf`,
//!   with D required to stay below the critical value at alpha = 0.001,
//!   c(α)/√n with c(0.001) = 1.949;
//! * `Dist::cdf` itself compared, at several points, with an independent CDF
//!   (a `statrs` distribution or a closed form written here) to within 1e-9,
//!   so that the KS test is not merely checking the sampler against itself;
//! * the sample mean within 5 standard errors (SE = √(variance / n)) of the
//!   analytic mean, and `Dist::mean` compared with a closed form written here;
//! * `cdf(quantile(q))` within 1e-6 of q for q in {0.05, 0.5, 0.95}, and every
//!   draw inside `support()` (and inside the truncation bounds).
//!
//! Discrete families get a chi-square goodness-of-fit test at alpha = 0.001
//! against probabilities computed here (not by `Dist`), plus the mean check.
//!
//! Every stream is seeded with a fixed seed, so each test draws the same
//! numbers on every run: a test that passes once passes always.

use runway::dist::Dist;
use runway::sampling::rng::{stream, stream_key, StreamRng};
use statrs::distribution::{
    Beta, ChiSquared, ContinuousCDF, Gamma, LogNormal, Normal, Triangular, Uniform,
};
use statrs::function::erf::erf;
use std::f64::consts::PI;

/// Draws per family.
const N: usize = 200_000;

/// The run seed every stream in this file derives from.
const SEED: u64 = 20_240_611;

/// KS critical value factor at alpha = 0.001 (the asymptotic c(α)).
const KS_C_ALPHA_0_001: f64 = 1.949;

/// How close `Dist::cdf` must be to an independent CDF.
const CDF_TOLERANCE: f64 = 1e-9;

/// How close `cdf(quantile(q))` must come back to q.
const QUANTILE_TOLERANCE: f64 = 1e-6;

/// How many standard errors the sample mean may stray from the analytic mean.
const MEAN_SE_LIMIT: f64 = 5.0;

/// How close `Dist::mean`/`Dist::variance` must be to a closed form written
/// here, relative to the size of the value (both are a handful of flops).
const MOMENT_REL_TOLERANCE: f64 = 1e-12;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A fixed stream per test, keyed by the test's own label.
fn rng_for(label: &str) -> StreamRng {
    stream(SEED, 0, stream_key(label))
}

/// N draws made with `fill`.
fn draw(label: &str, dist: &Dist) -> Vec<f64> {
    let mut out = vec![f64::NAN; N];
    dist.fill(&mut rng_for(label), &mut out);
    out
}

/// The one-sample KS statistic D = sup |F_n(x) − F(x)|.
fn ks_statistic(samples: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    sorted.iter().enumerate().fold(0.0_f64, |d, (i, &x)| {
        let f = cdf(x);
        let above = (i as f64 + 1.0) / n - f;
        let below = f - i as f64 / n;
        d.max(above).max(below)
    })
}

fn assert_ks_passes(label: &str, dist: &Dist, samples: &[f64]) {
    let d = ks_statistic(samples, |x| dist.cdf(x));
    let critical = KS_C_ALPHA_0_001 / (samples.len() as f64).sqrt();
    assert!(
        d < critical,
        "{label}: KS statistic D = {d:.6} is not below the alpha = 0.001 critical value {critical:.6}"
    );
}

fn assert_inside(label: &str, samples: &[f64], lo: f64, hi: f64) {
    for (i, &x) in samples.iter().enumerate() {
        assert!(
            x >= lo && x <= hi,
            "{label}: draw {i} = {x} lies outside [{lo}, {hi}]"
        );
    }
}

fn assert_inside_support(label: &str, dist: &Dist, samples: &[f64]) {
    let (lo, hi) = dist.support();
    assert!(lo <= hi, "{label}: support ({lo}, {hi}) is empty");
    assert_inside(label, samples, lo, hi);
}

/// |cdf(quantile(q)) − q| ≤ 1e-6 at q = 0.05, 0.5 and 0.95.
fn assert_quantiles_round_trip(label: &str, dist: &Dist) {
    for q in [0.05, 0.5, 0.95] {
        let x = dist.quantile(q);
        let back = dist.cdf(x);
        assert!(
            (back - q).abs() <= QUANTILE_TOLERANCE,
            "{label}: cdf(quantile({q})) = cdf({x}) = {back}, off by {:e}",
            (back - q).abs()
        );
    }
}

/// |Dist::cdf(x) − reference(x)| ≤ 1e-9 at every point.
fn assert_cdf_agrees(label: &str, dist: &Dist, reference: impl Fn(f64) -> f64, points: &[f64]) {
    for &x in points {
        let (got, want) = (dist.cdf(x), reference(x));
        assert!(
            (got - want).abs() <= CDF_TOLERANCE,
            "{label}: cdf({x}) = {got} but the independent CDF gives {want} (off by {:e})",
            (got - want).abs()
        );
    }
}

/// Sample mean within 5 standard errors of `mean`, SE = √(variance / n).
fn assert_mean_within_5_se(label: &str, samples: &[f64], mean: f64, variance: f64) {
    let n = samples.len() as f64;
    let sample_mean = samples.iter().sum::<f64>() / n;
    let se = (variance / n).sqrt();
    assert!(
        (sample_mean - mean).abs() <= MEAN_SE_LIMIT * se,
        "{label}: sample mean {sample_mean} is {:.2} standard errors from the analytic mean {mean} (SE {se})",
        (sample_mean - mean).abs() / se
    );
}

/// Relative closeness for moments computed two ways.
fn assert_close(label: &str, what: &str, got: f64, want: f64) {
    let scale = want.abs().max(1.0);
    assert!(
        (got - want).abs() <= MOMENT_REL_TOLERANCE * scale,
        "{label}: {what} is {got}, the closed form gives {want}"
    );
}

/// The checks every untruncated continuous family gets: draws inside the
/// support, KS against `Dist::cdf`, quantile round trip, and the sample mean
/// within 5 SE of `Dist::mean` using `Dist::variance`. Returns the draws.
fn check_continuous(label: &str, dist: &Dist) -> Vec<f64> {
    let samples = draw(label, dist);
    assert_inside_support(label, dist, &samples);
    assert_ks_passes(label, dist, &samples);
    assert_quantiles_round_trip(label, dist);
    let mean = dist.mean().expect("an untruncated family has a mean");
    let variance = dist
        .variance()
        .expect("an untruncated family has a variance");
    assert!(
        variance > 0.0,
        "{label}: variance {variance} is not positive"
    );
    assert_mean_within_5_se(label, &samples, mean, variance);
    samples
}

/// Points spread over the bulk and the tails of `dist`, plus `extra`.
fn probe_points(dist: &Dist, extra: &[f64]) -> Vec<f64> {
    let mut points: Vec<f64> = [0.001, 0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98, 0.999]
        .iter()
        .map(|&q| dist.quantile(q))
        .collect();
    points.extend_from_slice(extra);
    points
}

/// Chi-square goodness of fit of `samples` against the categories
/// `(value, probability)` (probabilities worked out by the caller), at alpha
/// = 0.001 with the critical value from statrs' ChiSquared::inverse_cdf(0.999).
/// Every draw must equal one of the values with positive probability.
fn assert_chi_square_passes(label: &str, samples: &[f64], categories: &[(f64, f64)]) {
    let total: f64 = categories.iter().map(|c| c.1).sum();
    assert!(
        (total - 1.0).abs() < 1e-12,
        "{label}: probabilities add to {total}"
    );
    let mut counts = vec![0_u64; categories.len()];
    for &x in samples {
        let i = categories
            .iter()
            .position(|&(v, p)| v == x && p > 0.0)
            .unwrap_or_else(|| {
                panic!("{label}: draw {x} is not a value with positive probability")
            });
        counts[i] += 1;
    }
    let n = samples.len() as f64;
    let mut stat = 0.0;
    let mut cells = 0;
    for (&(_, p), &observed) in categories.iter().zip(&counts) {
        if p > 0.0 {
            let expected = n * p;
            stat += (observed as f64 - expected).powi(2) / expected;
            cells += 1;
        }
    }
    let df = f64::from(cells - 1);
    let critical = ChiSquared::new(df)
        .expect("at least two cells")
        .inverse_cdf(0.999);
    assert!(
        stat < critical,
        "{label}: chi-square {stat:.3} on {df} df is not below the alpha = 0.001 critical value {critical:.3}; counts {counts:?}"
    );
}

/// Standard normal density and CDF, for the truncated-normal closed forms.
fn std_normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
}

fn std_normal_cdf(z: f64) -> f64 {
    Normal::new(0.0, 1.0).unwrap().cdf(z)
}

/// z with Φ(z) = 0.95, from statrs rather than from `runway::dist::Z95`.
fn z95() -> f64 {
    Normal::new(0.0, 1.0).unwrap().inverse_cdf(0.95)
}

/// Mean and variance of Normal(mu, sigma) truncated to [a, b] (textbook
/// formulas; z·φ(z) is taken as 0 at an infinite bound).
fn truncated_normal_moments(mu: f64, sigma: f64, a: f64, b: f64) -> (f64, f64) {
    let alpha = (a - mu) / sigma;
    let beta = (b - mu) / sigma;
    let z = std_normal_cdf(beta) - std_normal_cdf(alpha);
    let zphi = |t: f64| {
        if t.is_finite() {
            t * std_normal_pdf(t)
        } else {
            0.0
        }
    };
    let shift = (std_normal_pdf(alpha) - std_normal_pdf(beta)) / z;
    let mean = mu + sigma * shift;
    let variance = sigma * sigma * (1.0 + (zphi(alpha) - zphi(beta)) / z - shift * shift);
    (mean, variance)
}

// ---------------------------------------------------------------------------
// Constant
// ---------------------------------------------------------------------------

#[test]
fn constant_distributions_always_return_their_value() {
    let dist = Dist::constant(-1234.5).unwrap();
    let samples = draw("constant", &dist);
    assert!(
        samples.iter().all(|&x| x == -1234.5),
        "a constant drew another value"
    );
    let mut rng = rng_for("constant sample");
    assert!((0..1000).all(|_| dist.sample(&mut rng) == -1234.5));
    assert_eq!(dist.support(), (-1234.5, -1234.5));
    assert_eq!(dist.mean(), Some(-1234.5));
    assert_eq!(dist.variance(), Some(0.0));
    assert_eq!(dist.cdf(-1234.6), 0.0);
    assert_eq!(dist.cdf(-1234.5), 1.0);
    assert_eq!(dist.quantile(0.5), -1234.5);

    // A uniform with min == max is documented to be a constant too.
    let degenerate = Dist::uniform(3.0, 3.0).unwrap();
    let samples = draw("degenerate uniform", &degenerate);
    assert!(
        samples.iter().all(|&x| x == 3.0),
        "uniform(3, 3) drew another value"
    );
    assert_eq!(degenerate.as_constant(), Some(3.0));
}

// ---------------------------------------------------------------------------
// Continuous families
// ---------------------------------------------------------------------------

#[test]
fn uniform_samples_match_their_cdf_and_mean() {
    let (min, max) = (-2.5, 7.5);
    let dist = Dist::uniform(min, max).unwrap();
    check_continuous("uniform", &dist);
    let reference = Uniform::new(min, max).unwrap();
    assert_cdf_agrees(
        "uniform",
        &dist,
        |x| reference.cdf(x),
        &probe_points(&dist, &[-10.0, min, 0.0, max, 10.0]),
    );
    assert_close("uniform", "mean", dist.mean().unwrap(), (min + max) / 2.0);
    assert_close(
        "uniform",
        "variance",
        dist.variance().unwrap(),
        (max - min) * (max - min) / 12.0,
    );
}

#[test]
fn normal_samples_match_their_cdf_and_mean() {
    let (mean, sd) = (1000.0, 250.0);
    let dist = Dist::normal(mean, sd).unwrap();
    check_continuous("normal", &dist);
    let reference = Normal::new(mean, sd).unwrap();
    assert_cdf_agrees(
        "normal",
        &dist,
        |x| reference.cdf(x),
        &probe_points(&dist, &[-1000.0, 0.0, 1000.0, 1400.0, 3000.0]),
    );
    assert_close("normal", "mean", dist.mean().unwrap(), mean);
    assert_close("normal", "variance", dist.variance().unwrap(), sd * sd);
}

#[test]
fn normal_from_p5_p95_puts_the_percentiles_where_asked_and_samples_match() {
    let (p5, p95) = (-20.0, 80.0);
    let dist = Dist::normal_from_p5_p95(p5, p95).unwrap();
    check_continuous("normal from p5/p95", &dist);
    // The percentiles land where asked (1e-9 in probability).
    assert!(
        (dist.cdf(p5) - 0.05).abs() <= CDF_TOLERANCE,
        "cdf(p5) = {}",
        dist.cdf(p5)
    );
    assert!(
        (dist.cdf(p95) - 0.95).abs() <= CDF_TOLERANCE,
        "cdf(p95) = {}",
        dist.cdf(p95)
    );
    let sd = (p95 - p5) / (2.0 * z95());
    let reference = Normal::new((p5 + p95) / 2.0, sd).unwrap();
    assert_cdf_agrees(
        "normal from p5/p95",
        &dist,
        |x| reference.cdf(x),
        &probe_points(&dist, &[p5, 30.0, p95]),
    );
    assert_close("normal from p5/p95", "mean", dist.mean().unwrap(), 30.0);
    assert_close(
        "normal from p5/p95",
        "variance",
        dist.variance().unwrap(),
        sd * sd,
    );
}

#[test]
fn lognormal_samples_match_their_cdf_and_mean() {
    let (median, log_sd) = (50_000.0_f64, 0.4_f64);
    let dist = Dist::lognormal(median, log_sd).unwrap();
    check_continuous("lognormal", &dist);
    let reference = LogNormal::new(median.ln(), log_sd).unwrap();
    assert_cdf_agrees(
        "lognormal",
        &dist,
        |x| reference.cdf(x),
        &probe_points(&dist, &[-1.0, 0.0, 1.0, median, 200_000.0]),
    );
    // The median really is the median.
    assert!((dist.cdf(median) - 0.5).abs() <= CDF_TOLERANCE);
    // E[X] = median · e^{σ²/2}; Var[X] = (e^{σ²} − 1) · median² · e^{σ²}.
    let s2 = log_sd * log_sd;
    assert_close(
        "lognormal",
        "mean",
        dist.mean().unwrap(),
        median * (s2 / 2.0).exp(),
    );
    assert_close(
        "lognormal",
        "variance",
        dist.variance().unwrap(),
        (s2.exp() - 1.0) * median * median * s2.exp(),
    );
}

#[test]
fn lognormal_from_p5_p95_puts_the_percentiles_where_asked_and_samples_match() {
    let (p5, p95) = (2.0_f64, 30.0_f64);
    let dist = Dist::lognormal_from_p5_p95(p5, p95).unwrap();
    check_continuous("lognormal from p5/p95", &dist);
    assert!(
        (dist.cdf(p5) - 0.05).abs() <= CDF_TOLERANCE,
        "cdf(p5) = {}",
        dist.cdf(p5)
    );
    assert!(
        (dist.cdf(p95) - 0.95).abs() <= CDF_TOLERANCE,
        "cdf(p95) = {}",
        dist.cdf(p95)
    );
    let mu = (p5.ln() + p95.ln()) / 2.0;
    let sigma = (p95.ln() - p5.ln()) / (2.0 * z95());
    let reference = LogNormal::new(mu, sigma).unwrap();
    assert_cdf_agrees(
        "lognormal from p5/p95",
        &dist,
        |x| reference.cdf(x),
        &probe_points(&dist, &[0.0, p5, 7.0, p95, 100.0]),
    );
    assert_close(
        "lognormal from p5/p95",
        "mean",
        dist.mean().unwrap(),
        (mu + sigma * sigma / 2.0).exp(),
    );
}

#[test]
fn triangular_samples_match_their_cdf_and_mean() {
    let (min, mode, max) = (2.0, 3.0, 10.0);
    let dist = Dist::triangular(min, mode, max).unwrap();
    check_continuous("triangular", &dist);
    let reference = Triangular::new(min, max, mode).unwrap();
    assert_cdf_agrees(
        "triangular",
        &dist,
        |x| reference.cdf(x),
        &probe_points(&dist, &[0.0, min, 2.5, mode, 6.0, max, 11.0]),
    );
    assert_close("triangular", "mean", dist.mean().unwrap(), 5.0);
    // Var = (a² + b² + c² − ab − ac − bc) / 18 = (4 + 9 + 100 − 6 − 20 − 30) / 18.
    assert_close(
        "triangular",
        "variance",
        dist.variance().unwrap(),
        57.0 / 18.0,
    );
}

#[test]
fn triangular_with_the_mode_at_an_edge_samples_match_their_cdf_and_mean() {
    for (label, min, mode, max) in [
        ("triangular mode = min", 0.0, 0.0, 5.0),
        ("triangular mode = max", -4.0, 6.0, 6.0),
    ] {
        let dist = Dist::triangular(min, mode, max).unwrap();
        check_continuous(label, &dist);
        let reference = Triangular::new(min, max, mode).unwrap();
        assert_cdf_agrees(
            label,
            &dist,
            |x| reference.cdf(x),
            &probe_points(&dist, &[min - 1.0, min, (min + max) / 2.0, max, max + 1.0]),
        );
        assert_close(
            label,
            "mean",
            dist.mean().unwrap(),
            (min + mode + max) / 3.0,
        );
    }
}

/// PERT(min, mode, max, λ) is Beta(1 + λ(mode − min)/(max − min),
/// 1 + λ(max − mode)/(max − min)) on [min, max], with mean
/// (min + λ·mode + max) / (λ + 2).
fn check_pert(label: &str, min: f64, mode: f64, max: f64, lambda: f64) {
    let dist = Dist::pert(min, mode, max, lambda).unwrap();
    check_continuous(label, &dist);
    let width = max - min;
    let a = 1.0 + lambda * (mode - min) / width;
    let b = 1.0 + lambda * (max - mode) / width;
    let reference = Beta::new(a, b).unwrap();
    assert_cdf_agrees(
        label,
        &dist,
        |x| reference.cdf(((x - min) / width).clamp(0.0, 1.0)),
        &probe_points(&dist, &[min - 1.0, min, mode, max, max + 1.0]),
    );
    assert_close(
        label,
        "mean",
        dist.mean().unwrap(),
        (min + lambda * mode + max) / (lambda + 2.0),
    );
    assert_close(
        label,
        "variance",
        dist.variance().unwrap(),
        width * width * a * b / ((a + b) * (a + b) * (a + b + 1.0)),
    );
}

#[test]
fn pert_samples_match_their_cdf_and_mean() {
    // Classic PERT (λ = 4): mean (min + 4·mode + max) / 6 = 30.
    check_pert("pert λ=4", 10.0, 25.0, 70.0, 4.0);
    assert_close(
        "pert λ=4",
        "mean",
        Dist::pert(10.0, 25.0, 70.0, 4.0).unwrap().mean().unwrap(),
        30.0,
    );
}

#[test]
fn pert_with_another_lambda_samples_match_their_cdf_and_mean() {
    check_pert("pert λ=1.5", -5.0, 0.0, 20.0, 1.5);
    check_pert("pert λ=10", 0.0, 0.8, 1.0, 10.0);
}

#[test]
fn unscaled_beta_samples_match_their_cdf_and_mean() {
    let dist = Dist::scaled_beta(2.0, 5.0, 0.0, 1.0).unwrap();
    check_continuous("beta(2, 5)", &dist);
    let reference = Beta::new(2.0, 5.0).unwrap();
    let points = probe_points(&dist, &[-0.5, 0.0, 0.3, 1.0, 1.5]);
    assert_cdf_agrees(
        "beta(2, 5)",
        &dist,
        |x| reference.cdf(x.clamp(0.0, 1.0)),
        &points,
    );
    // Closed form: I_x(2, 5) = 1 − (1 − x)⁶ − 6x(1 − x)⁵ on [0, 1].
    let closed = |x: f64| {
        let x = x.clamp(0.0, 1.0);
        1.0 - (1.0 - x).powi(6) - 6.0 * x * (1.0 - x).powi(5)
    };
    assert_cdf_agrees("beta(2, 5) closed form", &dist, closed, &points);
    assert_close("beta(2, 5)", "mean", dist.mean().unwrap(), 2.0 / 7.0);
    assert_close(
        "beta(2, 5)",
        "variance",
        dist.variance().unwrap(),
        10.0 / (49.0 * 8.0),
    );
}

#[test]
fn scaled_beta_samples_match_their_cdf_and_mean() {
    // Shapes below 1 (U-shaped, infinite density at both ends) on [−3, 12].
    let (a, b, min, max) = (0.7, 1.8, -3.0, 12.0);
    let dist = Dist::scaled_beta(a, b, min, max).unwrap();
    check_continuous("scaled beta", &dist);
    let reference = Beta::new(a, b).unwrap();
    assert_cdf_agrees(
        "scaled beta",
        &dist,
        |x| reference.cdf(((x - min) / (max - min)).clamp(0.0, 1.0)),
        &probe_points(&dist, &[-5.0, min, 0.0, 4.5, max, 13.0]),
    );
    assert_close(
        "scaled beta",
        "mean",
        dist.mean().unwrap(),
        min + (max - min) * a / (a + b),
    );
}

#[test]
fn gamma_with_shape_below_one_samples_match_their_cdf_and_mean() {
    let (shape, scale) = (0.5, 2.0);
    let dist = Dist::gamma(shape, scale).unwrap();
    check_continuous("gamma shape 0.5", &dist);
    let reference = Gamma::new(shape, 1.0 / scale).unwrap();
    // Fixed points rather than `probe_points`: `quantile` is NaN up to about
    // q ≈ 0.027 for this shape (see the regression tests further down).
    let points = [
        -1.0, 0.0, 1e-9, 1e-6, 1e-4, 1e-2, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0,
    ];
    assert_cdf_agrees("gamma shape 0.5", &dist, |x| reference.cdf(x), &points);
    // Closed form: Gamma(1/2, θ) has CDF erf(√(x/θ)) for x ≥ 0.
    let closed = |x: f64| {
        if x <= 0.0 {
            0.0
        } else {
            erf((x / scale).sqrt())
        }
    };
    assert_cdf_agrees("gamma shape 0.5 closed form", &dist, closed, &points);
    assert_close("gamma shape 0.5", "mean", dist.mean().unwrap(), 1.0);
    assert_close("gamma shape 0.5", "variance", dist.variance().unwrap(), 2.0);
}

#[test]
fn gamma_with_shape_above_one_samples_match_their_cdf_and_mean() {
    let (shape, scale) = (3.0, 1.5);
    let dist = Dist::gamma(shape, scale).unwrap();
    check_continuous("gamma shape 3", &dist);
    let reference = Gamma::new(shape, 1.0 / scale).unwrap();
    let points = probe_points(&dist, &[-1.0, 0.0, 1.0, 4.5, 20.0]);
    assert_cdf_agrees("gamma shape 3", &dist, |x| reference.cdf(x), &points);
    // Closed form: Gamma(3, θ) has CDF 1 − e^{−y}(1 + y + y²/2), y = x/θ.
    let closed = |x: f64| {
        if x <= 0.0 {
            0.0
        } else {
            let y = x / scale;
            1.0 - (-y).exp() * (1.0 + y + y * y / 2.0)
        }
    };
    assert_cdf_agrees("gamma shape 3 closed form", &dist, closed, &points);
    assert_close("gamma shape 3", "mean", dist.mean().unwrap(), 4.5);
    assert_close("gamma shape 3", "variance", dist.variance().unwrap(), 6.75);
}

/// Regression (found by this suite, fixed in src/dist.rs): statrs alone gave NaN here.
/// `Dist::quantile` for a gamma with shape < 1 returned NaN in the lower tail,
/// because it handed the work to statrs' `Gamma::inverse_cdf`, which returns
/// NaN there: for shape 0.5 up to q ≈ 0.027, for shape 0.2 up to q ≈ 0.26
/// (so even the report's p5 of a gamma(0.2, ·) input is NaN).
#[test]
fn gamma_with_shape_below_one_has_finite_quantiles_in_the_lower_tail() {
    for shape in [0.2, 0.5] {
        let dist = Dist::gamma(shape, 2.0).unwrap();
        for q in [1e-6, 0.001, 0.01, 0.02, 0.05, 0.1, 0.25] {
            let x = dist.quantile(q);
            assert!(
                x.is_finite(),
                "gamma(shape {shape}, scale 2).quantile({q}) = {x}"
            );
            assert!(
                (dist.cdf(x) - q).abs() <= QUANTILE_TOLERANCE * q,
                "gamma(shape {shape}, scale 2): cdf(quantile({q})) = {}",
                dist.cdf(x)
            );
        }
    }
}

/// Regression, the visible consequence of the one above: a gamma with shape
/// < 1 truncated to a band near zero (small mass, so the inverse-CDF path)
/// draws NaN. Gamma(0.5, 1) on [0, 0.001] has mass ≈ 0.036 and every draw is
/// NaN; Gamma(0.5, 2) on [0, 0.01] draws NaN about a third of the time.
#[test]
fn gamma_with_shape_below_one_truncated_near_zero_draws_inside_the_bounds() {
    let (shape, scale, lo, hi) = (0.5, 2.0, 0.0, 0.01);
    let dist = Dist::gamma(shape, scale)
        .unwrap()
        .truncated(lo, hi)
        .unwrap();
    let samples = draw("gamma shape 0.5 truncated to [0, 0.01]", &dist);
    let nan = samples.iter().filter(|x| x.is_nan()).count();
    assert_eq!(nan, 0, "{nan} of {} draws are NaN", samples.len());
    assert_inside("gamma shape 0.5 truncated to [0, 0.01]", &samples, lo, hi);
    assert_ks_passes("gamma shape 0.5 truncated to [0, 0.01]", &dist, &samples);
}

/// Regression (milder): `Dist::quantile` for a beta with a very small shape is
/// far off in the lower tail, because statrs' `Beta::inverse_cdf` is: for
/// Beta(0.05, 2), quantile(0.05) ≈ 1.8e-17 where cdf is ≈ 0.153 (the true
/// 5th percentile is ≈ 3.5e-27). This feeds truncated sampling and reports.
#[test]
fn beta_with_a_tiny_shape_has_accurate_quantiles_in_the_lower_tail() {
    for (a, b) in [(0.05, 2.0), (0.2, 0.3)] {
        let dist = Dist::scaled_beta(a, b, 0.0, 1.0).unwrap();
        for q in [1e-6, 0.001, 0.05] {
            let x = dist.quantile(q);
            assert!(
                (dist.cdf(x) - q).abs() <= QUANTILE_TOLERANCE * q,
                "beta({a}, {b}): cdf(quantile({q})) = cdf({x}) = {}",
                dist.cdf(x)
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Truncated continuous families
// ---------------------------------------------------------------------------

/// The checks for a truncated distribution: draws inside the bounds and the
/// support, KS against the truncated `Dist::cdf`, that cdf compared with
/// (F(x) − F(lo)) / (F(hi) − F(lo)) from an independent F, the quantile
/// round trip, and no untruncated moments reported. Returns the draws.
fn check_truncated(
    label: &str,
    dist: &Dist,
    lo: f64,
    hi: f64,
    independent_cdf: impl Fn(f64) -> f64,
    extra_points: &[f64],
) -> Vec<f64> {
    let samples = draw(label, dist);
    assert_inside(label, &samples, lo, hi);
    assert_inside_support(label, dist, &samples);
    let (s_lo, s_hi) = dist.support();
    assert!(
        s_lo >= lo && s_hi <= hi,
        "{label}: support ({s_lo}, {s_hi}) exceeds [{lo}, {hi}]"
    );
    assert_ks_passes(label, dist, &samples);
    assert_quantiles_round_trip(label, dist);
    let (f_lo, f_hi) = (independent_cdf(lo), independent_cdf(hi));
    let truncated = |x: f64| {
        if x < lo {
            0.0
        } else if x >= hi {
            1.0
        } else {
            ((independent_cdf(x) - f_lo) / (f_hi - f_lo)).clamp(0.0, 1.0)
        }
    };
    // Dividing by a small mass magnifies rounding, so allow 1e-9 relative to
    // that mass scale only through the 1e-9 absolute tolerance on the result.
    assert_cdf_agrees(label, dist, truncated, &probe_points(dist, extra_points));
    assert_eq!(
        dist.mean(),
        None,
        "{label}: a truncated distribution reports no mean"
    );
    assert_eq!(
        dist.variance(),
        None,
        "{label}: a truncated distribution reports no variance"
    );
    samples
}

#[test]
fn normal_truncated_to_non_negative_values_samples_match_their_cdf_and_mean() {
    let (mu, sigma) = (1.0, 2.0);
    let dist = Dist::normal(mu, sigma)
        .unwrap()
        .truncated(0.0, f64::INFINITY)
        .unwrap();
    let reference = Normal::new(mu, sigma).unwrap();
    let samples = check_truncated(
        "normal truncated to [0, ∞)",
        &dist,
        0.0,
        f64::INFINITY,
        |x| reference.cdf(x),
        &[-1.0, 0.0, 1.0, 5.0],
    );
    assert_eq!(dist.cdf(-1e-12), 0.0);
    let (mean, variance) = truncated_normal_moments(mu, sigma, 0.0, f64::INFINITY);
    assert_mean_within_5_se("normal truncated to [0, ∞)", &samples, mean, variance);
}

#[test]
fn normal_truncated_to_a_narrow_tail_band_samples_match_their_cdf_and_mean() {
    // Φ(3) − Φ(2) ≈ 0.021 of the mass: the inverse-CDF path, two finite bounds.
    let untruncated = Dist::normal(0.0, 1.0).unwrap();
    let mass = untruncated.cdf(3.0) - untruncated.cdf(2.0);
    assert!(
        mass < 0.25,
        "the band should be small enough for the inverse-CDF path"
    );
    let dist = untruncated.truncated(2.0, 3.0).unwrap();
    let reference = Normal::new(0.0, 1.0).unwrap();
    let samples = check_truncated(
        "normal truncated to [2, 3]",
        &dist,
        2.0,
        3.0,
        |x| reference.cdf(x),
        &[1.0, 2.0, 2.5, 3.0, 4.0],
    );
    let (mean, variance) = truncated_normal_moments(0.0, 1.0, 2.0, 3.0);
    assert_mean_within_5_se("normal truncated to [2, 3]", &samples, mean, variance);
}

#[test]
fn lognormal_truncated_to_a_small_upper_tail_samples_match_their_cdf_and_mean() {
    // P(X > 2.5) = 1 − Φ(ln 2.5 / 0.5) ≈ 0.033: the inverse-CDF path.
    let (median, sigma, lo) = (1.0_f64, 0.5_f64, 2.5_f64);
    let untruncated = Dist::lognormal(median, sigma).unwrap();
    let mass = 1.0 - untruncated.cdf(lo);
    assert!(
        mass < 0.25,
        "the tail should be small enough for the inverse-CDF path"
    );
    let dist = untruncated.truncated(lo, f64::INFINITY).unwrap();
    let mu = median.ln();
    let reference = LogNormal::new(mu, sigma).unwrap();
    let samples = check_truncated(
        "lognormal truncated to [2.5, ∞)",
        &dist,
        lo,
        f64::INFINITY,
        |x| reference.cdf(x),
        &[1.0, lo, 3.0, 5.0, 10.0],
    );
    // E[X | X > a] = e^{μ + σ²/2} Φ(σ − α) / (1 − Φ(α)),
    // E[X² | X > a] = e^{2μ + 2σ²} Φ(2σ − α) / (1 − Φ(α)), α = (ln a − μ)/σ.
    let alpha = (lo.ln() - mu) / sigma;
    let tail = 1.0 - std_normal_cdf(alpha);
    let mean = (mu + sigma * sigma / 2.0).exp() * std_normal_cdf(sigma - alpha) / tail;
    let second =
        (2.0 * mu + 2.0 * sigma * sigma).exp() * std_normal_cdf(2.0 * sigma - alpha) / tail;
    assert_mean_within_5_se(
        "lognormal truncated to [2.5, ∞)",
        &samples,
        mean,
        second - mean * mean,
    );
}

#[test]
fn gamma_truncated_to_a_band_samples_match_their_cdf() {
    // Gamma(2, 1) on [1, 4]: about 64% of the mass, the rejection path.
    let untruncated = Dist::gamma(2.0, 1.0).unwrap();
    let mass = untruncated.cdf(4.0) - untruncated.cdf(1.0);
    assert!(
        mass >= 0.25,
        "the band should be wide enough for the rejection path"
    );
    let dist = untruncated.truncated(1.0, 4.0).unwrap();
    // Closed form: Gamma(2, 1) has CDF 1 − e^{−x}(1 + x).
    check_truncated(
        "gamma truncated to [1, 4]",
        &dist,
        1.0,
        4.0,
        |x: f64| {
            if x <= 0.0 {
                0.0
            } else {
                1.0 - (-x).exp() * (1.0 + x)
            }
        },
        &[0.5, 1.0, 2.0, 4.0, 5.0],
    );
}

// ---------------------------------------------------------------------------
// Discrete families
// ---------------------------------------------------------------------------

#[test]
fn bernoulli_counts_match_p_and_the_mean() {
    let p = 0.3;
    let dist = Dist::bernoulli(p).unwrap();
    let samples = draw("bernoulli", &dist);
    assert_inside_support("bernoulli", &dist, &samples);
    assert_chi_square_passes("bernoulli", &samples, &[(0.0, 1.0 - p), (1.0, p)]);
    assert_close("bernoulli", "mean", dist.mean().unwrap(), p);
    assert_close(
        "bernoulli",
        "variance",
        dist.variance().unwrap(),
        p * (1.0 - p),
    );
    assert_mean_within_5_se("bernoulli", &samples, p, p * (1.0 - p));
    assert!((dist.cdf(0.0) - 0.7).abs() <= CDF_TOLERANCE);
    assert_eq!(dist.cdf(-0.1), 0.0);
    assert_eq!(dist.cdf(1.0), 1.0);

    // The degenerate ends never draw the other value.
    for (p, only) in [(0.0, 0.0), (1.0, 1.0)] {
        let d = Dist::bernoulli(p).unwrap();
        assert!(draw("bernoulli edge", &d).iter().all(|&x| x == only));
        assert_eq!(d.support(), (only, only));
    }
}

#[test]
fn discrete_uniform_counts_are_flat_and_match_the_mean() {
    let (min, max) = (-2_i32, 7_i32);
    let dist = Dist::discrete_uniform(f64::from(min), f64::from(max)).unwrap();
    let samples = draw("discrete uniform", &dist);
    assert_inside_support("discrete uniform", &dist, &samples);
    let k = f64::from(max - min + 1);
    let categories: Vec<(f64, f64)> = (min..=max).map(|v| (f64::from(v), 1.0 / k)).collect();
    assert_chi_square_passes("discrete uniform", &samples, &categories);
    // Mean (min + max)/2 = 2.5, variance (k² − 1)/12 with k = 10 values.
    assert_close("discrete uniform", "mean", dist.mean().unwrap(), 2.5);
    assert_close(
        "discrete uniform",
        "variance",
        dist.variance().unwrap(),
        99.0 / 12.0,
    );
    assert_mean_within_5_se("discrete uniform", &samples, 2.5, 99.0 / 12.0);
    for (x, want) in [
        (-3.0, 0.0),
        (-2.0, 0.1),
        (0.5, 0.3),
        (6.99, 0.9),
        (7.0, 1.0),
    ] {
        assert!(
            (dist.cdf(x) - want).abs() <= CDF_TOLERANCE,
            "cdf({x}) = {}",
            dist.cdf(x)
        );
    }
}

#[test]
fn weighted_discrete_counts_match_their_weights_and_the_mean() {
    // Unsorted values and a zero weight, which must never be drawn.
    let values = [10.0, -5.0, 3.5, 0.0, 42.0];
    let weights = [1.0, 2.0, 0.0, 3.0, 4.0];
    let total: f64 = weights.iter().sum();
    let dist = Dist::discrete(&values, Some(&weights)).unwrap();
    let samples = draw("weighted discrete", &dist);
    assert_inside_support("weighted discrete", &dist, &samples);
    assert_eq!(dist.support(), (-5.0, 42.0));
    let categories: Vec<(f64, f64)> = values
        .iter()
        .zip(&weights)
        .map(|(&v, &w)| (v, w / total))
        .collect();
    assert_chi_square_passes("weighted discrete", &samples, &categories);
    assert!(!samples.contains(&3.5), "a value with weight 0 was drawn");

    let mean: f64 = categories.iter().map(|(v, p)| v * p).sum();
    let variance: f64 = categories.iter().map(|(v, p)| p * (v - mean).powi(2)).sum();
    assert_close("weighted discrete", "mean", dist.mean().unwrap(), mean);
    assert_close(
        "weighted discrete",
        "variance",
        dist.variance().unwrap(),
        variance,
    );
    assert_mean_within_5_se("weighted discrete", &samples, mean, variance);
    // CDF: the weight of every value ≤ x.
    for x in [-6.0, -5.0, -1.0, 0.0, 3.5, 9.9, 10.0, 41.0, 42.0, 50.0] {
        let want: f64 = categories
            .iter()
            .filter(|(v, _)| *v <= x)
            .map(|c| c.1)
            .sum();
        assert!(
            (dist.cdf(x) - want).abs() <= CDF_TOLERANCE,
            "cdf({x}) = {}, want {want}",
            dist.cdf(x)
        );
    }
}

#[test]
fn equally_weighted_discrete_counts_are_flat() {
    let values = [0.25, 100.0, -7.0];
    let dist = Dist::discrete(&values, None).unwrap();
    let samples = draw("equal discrete", &dist);
    let categories: Vec<(f64, f64)> = values.iter().map(|&v| (v, 1.0 / 3.0)).collect();
    assert_chi_square_passes("equal discrete", &samples, &categories);
    let mean = (0.25 + 100.0 - 7.0) / 3.0;
    let variance: f64 = values.iter().map(|v| (v - mean).powi(2) / 3.0).sum();
    assert_mean_within_5_se("equal discrete", &samples, mean, variance);
}

// ---------------------------------------------------------------------------
// sample and fill agree
// ---------------------------------------------------------------------------

/// Normal and lognormal batches draw from eight vectorised lanes, and gamma,
/// beta and PERT batches take their candidates from such lanes too (for
/// speed), so their `fill` is a different, equally valid sequence from
/// repeated `sample` (see the next test); every other family draws the same
/// numbers either way.
#[test]
fn sample_produces_the_same_sequence_as_fill() {
    let cases = [
        ("uniform", Dist::uniform(-1.0, 4.0).unwrap()),
        ("triangular", Dist::triangular(0.0, 1.0, 3.0).unwrap()),
        ("bernoulli", Dist::bernoulli(0.4).unwrap()),
        (
            "discrete uniform",
            Dist::discrete_uniform(1.0, 6.0).unwrap(),
        ),
        (
            "discrete",
            Dist::discrete(&[1.0, 2.0, 3.0], Some(&[0.2, 0.5, 0.3])).unwrap(),
        ),
        (
            "truncated normal",
            Dist::normal(1.0, 2.0)
                .unwrap()
                .truncated(0.0, f64::INFINITY)
                .unwrap(),
        ),
        (
            "truncated lognormal",
            Dist::lognormal(1.0, 0.5)
                .unwrap()
                .truncated(2.5, f64::INFINITY)
                .unwrap(),
        ),
    ];
    for (label, dist) in &cases {
        let mut filled = vec![f64::NAN; 2_000];
        let mut fill_rng = rng_for(label);
        dist.fill(&mut fill_rng, &mut filled);
        let mut sample_rng = rng_for(label);
        for (i, &f) in filled.iter().enumerate() {
            let s = dist.sample(&mut sample_rng);
            assert_eq!(
                s.to_bits(),
                f.to_bits(),
                "{label}: draw {i} is {s} from sample but {f} from fill"
            );
        }
        // Both left their streams at the same place.
        let next = |rng: &mut StreamRng| rand::RngCore::next_u64(rng);
        assert_eq!(
            next(&mut fill_rng),
            next(&mut sample_rng),
            "{label}: streams diverged"
        );
    }
}

/// `sample` (used one value at a time, e.g. under truncation) draws the
/// families whose batches take another route from the same distribution.
#[test]
fn one_at_a_time_draws_of_batched_families_match_their_cdf() {
    for (label, dist) in [
        ("sampled normal", Dist::normal(1.0, 2.0).unwrap()),
        ("sampled lognormal", Dist::lognormal(2.0, 0.4).unwrap()),
        ("sampled pert", Dist::pert(10.0, 25.0, 70.0, 4.0).unwrap()),
        (
            "sampled beta",
            Dist::scaled_beta(0.7, 2.5, -1.0, 3.0).unwrap(),
        ),
        ("sampled gamma", Dist::gamma(0.5, 2.0).unwrap()),
        ("sampled gamma, large shape", Dist::gamma(7.5, 0.3).unwrap()),
    ] {
        let mut rng = rng_for(label);
        let samples: Vec<f64> = (0..N).map(|_| dist.sample(&mut rng)).collect();
        assert_ks_passes(label, &dist, &samples);
        let (mean, variance) = (dist.mean().unwrap(), dist.variance().unwrap());
        assert_mean_within_5_se(label, &samples, mean, variance);
    }
}

// ---------------------------------------------------------------------------
// The accepted range of beta, PERT and gamma shapes
// ---------------------------------------------------------------------------

/// Sample variance within 5 standard errors of `variance`, the standard
/// error estimated from the sample's fourth central moment.
fn assert_variance_within_5_se(label: &str, samples: &[f64], variance: f64) {
    let n = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / n;
    let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let m4 = samples.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n;
    let se = ((m4 - var * var) / n).sqrt();
    assert!(
        (var - variance).abs() <= MEAN_SE_LIMIT * se,
        "{label}: sample variance {var} is {:.2} standard errors from the analytic {variance}",
        (var - variance).abs() / se
    );
}

#[test]
fn beta_pert_and_gamma_at_the_ends_of_their_accepted_ranges_draw_correct_moments_quickly() {
    let edges = [
        (
            "beta(0.01, 0.01) on [0, 200]",
            Dist::scaled_beta(0.01, 0.01, 0.0, 200.0).unwrap(),
        ),
        (
            "beta(0.01, 5) on [0, 200]",
            Dist::scaled_beta(0.01, 5.0, 0.0, 200.0).unwrap(),
        ),
        (
            "beta(1e5, 1e5) on [0, 200]",
            Dist::scaled_beta(1e5, 1e5, 0.0, 200.0).unwrap(),
        ),
        (
            "beta(1e5, 0.01)",
            Dist::scaled_beta(1e5, 0.01, 0.0, 1.0).unwrap(),
        ),
        ("gamma(0.01, 3)", Dist::gamma(0.01, 3.0).unwrap()),
        ("gamma(1e4, 0.01)", Dist::gamma(1e4, 0.01).unwrap()),
        (
            "pert(0, 3, 9) with lambda 99999",
            Dist::pert(0.0, 3.0, 9.0, 99_999.0).unwrap(),
        ),
    ];
    for (label, dist) in &edges {
        let started = std::time::Instant::now();
        // No KS test here: with a shape of 0.01 about a third of the draws lie
        // within 1e-16 of an end and round to it, so the sample has ties a
        // continuous CDF cannot match; the moments still must.
        let samples = draw(label, dist);
        assert_inside_support(label, dist, &samples);
        assert_mean_within_5_se(
            label,
            &samples,
            dist.mean().unwrap(),
            dist.variance().unwrap(),
        );
        assert_variance_within_5_se(label, &samples, dist.variance().unwrap());
        // Each percentile round-trips through the CDF, except where it lies
        // within a few doubles of an end of the support (with shape 0.01 the
        // 95th percentile of beta(0.01, 0.01) is 1 − 1e-100 or so: the
        // nearest doubles are the end itself, where the CDF is 1).
        let (lo, hi) = dist.support();
        for q in [0.05, 0.5, 0.95] {
            let x = dist.quantile(q);
            let at_an_end = (hi.is_finite() && (hi - x).abs() <= 4.0 * f64::EPSILON * hi.abs())
                || (lo.is_finite() && (x - lo).abs() <= 4.0 * f64::EPSILON * lo.abs().max(1e-300));
            assert!(
                at_an_end || (dist.cdf(x) - q).abs() <= QUANTILE_TOLERANCE,
                "{label}: cdf(quantile({q})) = cdf({x}) = {}",
                dist.cdf(x)
            );
        }
        // The table LHS and the copula draw through: built, and close to
        // the exact quantile (relative to the spread) at stratum centres.
        let table = dist.quantile_table();
        let spread = (dist.quantile(0.95) - dist.quantile(0.05)).max(f64::MIN_POSITIVE);
        for i in 0..1024 {
            let u = (i as f64 + 0.5) / 1024.0;
            let exact = dist.quantile(u);
            if let Some(t) = &table {
                let tabulated = t.quantile(dist, u);
                assert!(
                    (tabulated - exact).abs() <= 1e-6 * spread.max(exact.abs()),
                    "{label}: tabulated quantile({u}) = {tabulated}, exact {exact}"
                );
            }
        }
        let took = started.elapsed();
        assert!(
            took < std::time::Duration::from_secs(10),
            "{label}: the checks took {took:?}"
        );
    }
}

#[test]
fn beta_pert_and_gamma_shapes_outside_the_accepted_range_are_refused_with_the_rule() {
    let beta_rule = "`alpha` and `beta` must be between 0.01 and 100000";
    let gamma_rule = "`shape` must be between 0.01 and 10000";
    let cases = [
        (Dist::scaled_beta(0.0099, 1.0, 0.0, 1.0).err(), beta_rule),
        (Dist::scaled_beta(1e-8, 1e-8, 0.0, 200.0).err(), beta_rule),
        (Dist::scaled_beta(2.0, 100_001.0, 0.0, 1.0).err(), beta_rule),
        (Dist::scaled_beta(1e10, 1e10, 0.0, 1.0).err(), beta_rule),
        (Dist::gamma(0.0099, 1.0).err(), gamma_rule),
        (Dist::gamma(10_001.0, 1.0).err(), gamma_rule),
        (
            Dist::pert(0.0, 1.0, 2.0, 100_000.0).err(),
            "`lambda` must be greater than 0 and at most 99999",
        ),
        (
            Dist::pert(0.0, 1e305, 1.5e305, 99_999.0).err(),
            "the shapes PERT derives from `min`, `mode`, `max` and `lambda`",
        ),
        (
            Dist::pert(-1e308, 1e308, 1e308, 4.0).err(),
            "the range must be at most 1.8e308 wide",
        ),
    ];
    for (error, rule) in cases {
        let error = error.expect("the parameters are refused");
        assert!(error.0.contains(rule), "{error} lacks {rule:?}");
    }
}
