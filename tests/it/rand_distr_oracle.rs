//! runway's samplers against an independent implementation: `rand_distr`.
//!
//! runway draws normals by its own ziggurat, gammas by its own Marsaglia and
//! Tsang (batched), beta and PERT as X / (X + Y) of two gammas, and the
//! triangular by inversion. `rand_distr` implements the same families on its
//! own, so a two-sample Kolmogorov–Smirnov test between the two sets of
//! draws checks the samplers against an oracle that shares none of runway's
//! code. Both the batch path (`fill`, what the engine uses) and the one-draw
//! path (`sample`) are tested.
//!
//! The critical value is set at a false-alarm probability of 1e-6,
//! D = c(α)·√((n + m)/(n·m)) with c(α) = √(−ln(α/2)/2); every stream is
//! seeded with a fixed seed, so each test draws the same numbers on every run.

use rand_distr::Distribution;
use runway::dist::Dist;
use runway::sampling::rng::{stream, stream_key, StreamRng};

/// Draws from each side.
const N: usize = 100_000;

/// The run seed every stream in this file derives from.
const SEED: u64 = 20_251_201;

/// The probability that the test fails for samplers of the same law.
const FALSE_ALARM: f64 = 1e-6;

/// The stream of one side of one case: runway's (block 0) or rand_distr's
/// (block 1), keyed by the case's label.
fn rng_for(label: &str, block: u64) -> StreamRng {
    stream(SEED, block, stream_key(label))
}

/// The two-sample KS statistic sup |F_a − F_b| (ties handled).
fn ks_statistic(mut a: Vec<f64>, mut b: Vec<f64>) -> f64 {
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (n, m) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / n - j as f64 / m).abs());
    }
    d
}

/// The KS critical value for samples of sizes n and m at [`FALSE_ALARM`].
fn ks_critical(n: usize, m: usize) -> f64 {
    let c = (-(FALSE_ALARM / 2.0).ln() / 2.0).sqrt();
    let (n, m) = (n as f64, m as f64);
    c * ((n + m) / (n * m)).sqrt()
}

/// runway's draws of `dist` by `fill` and by `sample`, each against as many
/// draws of `oracle`.
fn assert_same_law(label: &str, dist: &Dist, oracle: &impl Distribution<f64>) {
    let reference = |path: &str| -> Vec<f64> {
        let mut rng = rng_for(&format!("{label} {path}"), 1);
        (0..N).map(|_| oracle.sample(&mut rng)).collect()
    };
    let mut filled = vec![0.0; N];
    dist.fill(&mut rng_for(&format!("{label} fill"), 0), &mut filled);
    let mut rng = rng_for(&format!("{label} sample"), 0);
    let sampled: Vec<f64> = (0..N).map(|_| dist.sample(&mut rng)).collect();
    let critical = ks_critical(N, N);
    for (path, draws) in [("fill", filled), ("sample", sampled)] {
        let d = ks_statistic(draws, reference(path));
        assert!(
            d < critical,
            "{label} ({path}): KS D = {d:.5} is not below {critical:.5}"
        );
    }
}

#[test]
fn normal_draws_match_rand_distrs_normal() {
    let oracle = rand_distr::Normal::new(1000.0, 250.0).unwrap();
    assert_same_law("normal", &Dist::normal(1000.0, 250.0).unwrap(), &oracle);
}

#[test]
fn lognormal_draws_match_rand_distrs_lognormal() {
    let oracle = rand_distr::LogNormal::new(350f64.ln(), 0.2).unwrap();
    assert_same_law("lognormal", &Dist::lognormal(350.0, 0.2).unwrap(), &oracle);
}

#[test]
fn gamma_draws_match_rand_distrs_gamma_for_small_unit_and_large_shapes() {
    for (shape, scale) in [
        (0.05, 3.0),
        (0.5, 2.0),
        (1.0, 1.0),
        (3.0, 1.5),
        (1000.0, 0.01),
    ] {
        let oracle = rand_distr::Gamma::new(shape, scale).unwrap();
        let dist = Dist::gamma(shape, scale).unwrap();
        assert_same_law(&format!("gamma({shape}, {scale})"), &dist, &oracle);
    }
}

/// rand_distr's beta on [0, 1], moved to [min, max].
struct ScaledBeta {
    unit: rand_distr::Beta<f64>,
    min: f64,
    max: f64,
}

impl Distribution<f64> for ScaledBeta {
    fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.min + (self.max - self.min) * self.unit.sample(rng)
    }
}

#[test]
fn beta_draws_match_rand_distrs_beta() {
    for (alpha, beta, min, max) in [
        (2.0, 5.0, 0.0, 1.0),
        (0.7, 2.5, -1.0, 3.0),
        (0.05, 0.08, 0.0, 1.0),
        (300.0, 40.0, 0.0, 10.0),
    ] {
        let oracle = ScaledBeta {
            unit: rand_distr::Beta::new(alpha, beta).unwrap(),
            min,
            max,
        };
        let dist = Dist::scaled_beta(alpha, beta, min, max).unwrap();
        assert_same_law(
            &format!("beta({alpha}, {beta}) on [{min}, {max}]"),
            &dist,
            &oracle,
        );
    }
}

#[test]
fn pert_draws_match_rand_distrs_pert() {
    for (min, mode, max, lambda) in [
        (10.0, 25.0, 70.0, 4.0),
        (0.0, 0.0, 0.7, 4.0),
        (1.0, 2.0, 9.0, 12.0),
    ] {
        let oracle = rand_distr::Pert::new(min, max)
            .with_shape(lambda)
            .with_mode(mode)
            .unwrap();
        let dist = Dist::pert(min, mode, max, lambda).unwrap();
        assert_same_law(
            &format!("pert({min}, {mode}, {max}, {lambda})"),
            &dist,
            &oracle,
        );
    }
}

#[test]
fn triangular_draws_match_rand_distrs_triangular() {
    let oracle = rand_distr::Triangular::new(0.0, 3.0, 1.0).unwrap();
    let dist = Dist::triangular(0.0, 1.0, 3.0).unwrap();
    assert_same_law("triangular", &dist, &oracle);
}

#[test]
fn the_ks_test_tells_apart_laws_that_differ_slightly() {
    // A shift of the mean by 5 % of a standard deviation is found at this size.
    let oracle = rand_distr::Normal::new(0.05, 1.0).unwrap();
    let dist = Dist::normal(0.0, 1.0).unwrap();
    let mut runway = vec![0.0; N];
    dist.fill(&mut rng_for("shifted", 0), &mut runway);
    let mut rng = rng_for("shifted", 1);
    let reference: Vec<f64> = (0..N).map(|_| oracle.sample(&mut rng)).collect();
    let d = ks_statistic(runway, reference);
    assert!(d > ks_critical(N, N), "D = {d:.5}");
}
