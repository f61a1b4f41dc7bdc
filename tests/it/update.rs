//! `analysis::update` against closed forms and against itself:
//!
//! - a per-path drift μ ~ N(m0, s0²) with N(0, s²) monthly noise, cash
//!   observed at month k: the posterior of μ against normal-normal
//!   conjugacy, and the posterior P(insolvent by later months) against
//!   density propagation of the surviving cash, mixed over the posterior of
//!   μ and of the cash at k;
//! - a funding round whose arrival the observed cash reveals: the posterior
//!   P(insolvent) against a plain run of the model with the round certain;
//! - calibration: on histories simulated from the model itself, the
//!   posterior predictive PIT of the next month's figure is uniform;
//! - the same result for any thread count; warnings and errors.
//!
//! Monte Carlo tolerances are 5 standard errors from the effective sample
//! size.

use runway::analysis::backtest::{Actuals, InsolvencyOutcome, Observation, Quantity};
use runway::analysis::update::{
    update, update_with_particles, ObservationErrors, Particles, UpdateSpec,
};
use runway::engine::BLOCK_SIZE;
use runway::engine::{simulate, BlockView, MonthFigure, Plan, Progress, RunSpec, ScoredBlock};
use runway::model::{load_str, LoadOptions, Model, Month};
use runway::sampling::rng::{stream, stream_key};
use runway::sampling::{standard_normal, standard_normal_cdf};
use runway::stats::{ks_critical_value, ks_uniform_statistic};

fn model(text: &str) -> Model {
    load_str(text, "test.toml", &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

fn actuals(observed: &[(&str, Quantity, f64)]) -> Actuals {
    Actuals {
        file: "actual.csv".into(),
        observations: observed
            .iter()
            .map(|&(m, quantity, value)| Observation {
                month: month(m),
                quantity,
                value,
                line: None,
            })
            .collect(),
        insolvency: InsolvencyOutcome::default(),
    }
}

/// Simulates the particles' scores and gives `read(view, j)` of each path.
fn over_particles<T>(
    plan: &Plan,
    particles: &Particles,
    read: impl Fn(&BlockView<'_>, usize) -> T,
) -> Vec<T> {
    let n = particles.weights.len();
    let d = particles.dims;
    let mut scored = ScoredBlock::new(plan);
    let mut out = Vec::with_capacity(n);
    for block in 0..n.div_ceil(BLOCK_SIZE) {
        let first = block * BLOCK_SIZE;
        let paths = (n - first).min(BLOCK_SIZE);
        for (dim, column) in scored.scores_mut().iter_mut().enumerate() {
            for (j, z) in column[..paths].iter_mut().enumerate() {
                *z = particles.scores[(first + j) * d + dim];
            }
        }
        let view = scored.simulate(plan, block as u64, paths).unwrap();
        out.extend((0..paths).map(|j| read(&view, j)));
    }
    out
}

fn weighted_mean_sd(values: &[f64], weights: &[f64]) -> (f64, f64) {
    let mean: f64 = values.iter().zip(weights).map(|(v, w)| v * w).sum();
    let var: f64 = (values.iter().zip(weights))
        .map(|(v, w)| w * (v - mean) * (v - mean))
        .sum();
    (mean, var.sqrt())
}

// ---------------------------------------------------------------------------
// (a) A per-path drift with monthly noise, cash observed at month K.

const C0: f64 = 20.0;
const M0: f64 = -0.5;
const S0: f64 = 0.5;
const S: f64 = 1.0;
const K: usize = 6;
const MONTHS: usize = 24;
const OBSERVED: f64 = 14.0;

const DRIFT: &str = r#"
[model]
name = "drift"
start = "2025-01"
horizon = "2026-12"
unit = "units"

[cash]
initial = 20

[flows.drift]
amount = { normal = { mean = -0.5, sd = 0.5 } }

[flows.noise]
amount = { normal = { mean = 0, sd = 1 } }
each_month = true
"#;

/// The posterior of (μ, cash at K) given cash observed at K with error sd
/// `tau`: means, sds and their covariance (normal-normal conjugacy).
struct Conjugate {
    mu: f64,
    mu_sd: f64,
    cash: f64,
    cash_sd: f64,
    cov: f64,
}

fn conjugate(tau: f64) -> Conjugate {
    let k = K as f64;
    let (var_mu, cov_mu_u) = (S0 * S0, k * S0 * S0);
    let var_u = k * k * S0 * S0 + k * S * S;
    let var_y = var_u + tau * tau;
    let surprise = OBSERVED - (C0 + k * M0);
    Conjugate {
        mu: M0 + cov_mu_u / var_y * surprise,
        mu_sd: (var_mu - cov_mu_u * cov_mu_u / var_y).sqrt(),
        cash: C0 + k * M0 + var_u / var_y * surprise,
        cash_sd: (var_u - var_u * var_u / var_y).sqrt(),
        cov: cov_mu_u - cov_mu_u * var_u / var_y,
    }
}

/// Simpson weights of `n` (odd) points of step `h`.
fn simpson(n: usize, h: f64) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let w = if i == 0 || i == n - 1 {
                1.0
            } else if i % 2 == 1 {
                4.0
            } else {
                2.0
            };
            w * h / 3.0
        })
        .collect()
}

fn normal_density(x: f64, sd: f64) -> f64 {
    (-0.5 * (x / sd).powi(2)).exp() / (sd * (2.0 * std::f64::consts::PI).sqrt())
}

/// The oracle: P(insolvent by month m | the observation), for m = K+1 …
/// MONTHS, mixing over the posterior of μ (Simpson's rule over ±7 sd) the
/// ruin probability of the walk from the cash at K given μ, itself by
/// propagating the surviving density on a grid of step `h`.
fn oracle(post: &Conjugate, h: f64) -> Vec<f64> {
    let top = post.cash
        + 6.0 * post.cash_sd
        + (MONTHS - K) as f64 * (post.mu + 7.0 * post.mu_sd)
        + 7.0 * S * ((MONTHS - K) as f64).sqrt();
    let n = ((top / h).ceil() as usize / 2) * 2 + 1;
    let xs: Vec<f64> = (0..n).map(|i| i as f64 * h).collect();
    let wx = simpson(n, h);
    let nodes = 57;
    let mu_step = 14.0 * post.mu_sd / (nodes - 1) as f64;
    let wmu = simpson(nodes, mu_step);
    let beta = post.cov / (post.mu_sd * post.mu_sd);
    let cond_sd = (post.cash_sd.powi(2) - post.cov * post.cov / post.mu_sd.powi(2)).sqrt();
    let mut ruin = [0.0; MONTHS - K];
    let mut mass = 0.0;
    for (i, w_mu) in wmu.iter().enumerate() {
        let mu = post.mu - 7.0 * post.mu_sd + i as f64 * mu_step;
        let p_mu = normal_density(mu - post.mu, post.mu_sd) * w_mu;
        mass += p_mu;
        let centre = post.cash + beta * (mu - post.mu);
        let mut density: Vec<f64> = xs
            .iter()
            .map(|&x| normal_density(x - centre, cond_sd))
            .collect();
        for r in ruin.iter_mut() {
            let weighted: Vec<f64> = density.iter().zip(&wx).map(|(d, w)| d * w).collect();
            density = xs
                .iter()
                .map(|&y| {
                    (xs.iter().zip(&weighted))
                        .map(|(&x, &d)| d * normal_density(y - x - mu, S))
                        .sum()
                })
                .collect();
            let survive: f64 = density.iter().zip(&wx).map(|(d, w)| d * w).sum();
            *r += p_mu * (1.0 - survive);
        }
    }
    ruin.iter().map(|r| r / mass).collect()
}

#[test]
fn the_posterior_of_an_unknown_drift_and_the_later_ruin_match_conjugacy_and_density_propagation() {
    let m = model(DRIFT);
    let observed = actuals(&[("2025-06", Quantity::Cash, OBSERVED)]);
    let spec = UpdateSpec::default();
    let (result, particles) =
        update_with_particles(&m, &observed, &spec, &Progress::default()).unwrap();
    let tau = spec.errors.cash * OBSERVED;
    let post = conjugate(tau);
    let plan = Plan::new(&m).driven_by_scores();
    let slot = plan
        .input_paths()
        .iter()
        .position(|p| p == "flows.drift.amount")
        .unwrap();
    let mu = over_particles(&plan, &particles, |view, j| view.input(slot)[j]);
    let (mean, sd) = weighted_mean_sd(&mu, &particles.weights);
    let ess = result.effective_paths;
    eprintln!(
        "drift: posterior mean {mean:.4} (conjugate {:.4}), sd {sd:.4} ({:.4}); ESS {ess:.0} of {} ({:.0} %); steps {:?}",
        post.mu,
        post.mu_sd,
        result.paths,
        100.0 * ess / result.paths as f64,
        result.steps
    );
    assert!(
        (mean - post.mu).abs() < 5.0 * post.mu_sd / ess.sqrt(),
        "mean {mean} vs {}",
        post.mu
    );
    assert!(
        (sd / post.mu_sd - 1.0).abs() < 5.0 / (2.0 * ess).sqrt(),
        "sd {sd} vs {}",
        post.mu_sd
    );
    assert!(ess >= 0.2 * result.paths as f64, "ESS {ess}");
    assert!(result.warnings.is_empty(), "{:?}", result.warnings);
    let want = oracle(&post, 0.1);
    assert_eq!(result.posterior.insolvency.len(), MONTHS - K);
    assert_eq!(result.posterior.insolvency[0].month, month("2025-07"));
    for (got, &p) in result.posterior.insolvency.iter().zip(&want) {
        let se = (p * (1.0 - p) / ess).sqrt().max(1e-4);
        eprintln!(
            "  {}: {:.4} vs oracle {p:.4} (se {se:.4})",
            got.month, got.probability
        );
        assert!(
            (got.probability - p).abs() < 5.0 * se,
            "{}: {} vs {p}",
            got.month,
            got.probability
        );
    }
    // The prior forecast: the unconditioned model, here P(insolvent by
    // the horizon) well below the posterior's (the observed cash is low).
    assert!(result.prior.horizon.probability < result.posterior.horizon.probability);
    assert!(result.change() > 0.0);
    let drift = result
        .inputs
        .iter()
        .find(|i| i.path == "flows.drift.amount")
        .unwrap();
    assert!((drift.prior.median - M0).abs() < 1e-9);
    assert!((drift.posterior.median - post.mu).abs() < 5.0 * post.mu_sd * 1.25 / ess.sqrt());
}

// ---------------------------------------------------------------------------
// (b) A funding round whose arrival the cash reveals.

const ROUND: &str = r#"
[model]
name = "round"
start = "2025-01"
horizon = "2026-12"
unit = "units"

[cash]
initial = 10

[costs.base]
monthly = 0.5

[funding.round]
probability = 0.4
month = "2025-04"
amount = 8

[flows.later]
amount = { normal = { mean = -0.3, sd = 0.3 } }
from = "2025-07"
"#;

fn plain_insolvency(m: &Model, paths: u64) -> f64 {
    let spec = RunSpec {
        paths,
        seed: 5,
        threads: 1,
        fan: false,
        blocks: None,
    };
    let tally = simulate(m, &spec, &Progress::default()).unwrap();
    tally.insolvent() as f64 / tally.paths as f64
}

#[test]
fn an_observed_funding_round_gives_the_probability_of_its_branch() {
    let m = model(ROUND);
    // 10 − 5 × 0.5 + 8: the round arrived.
    let observed = actuals(&[("2025-05", Quantity::Cash, 15.5)]);
    let result = update(&m, &observed, &UpdateSpec::default(), &Progress::default()).unwrap();
    let branch = model(&ROUND.replace("probability = 0.4", "probability = 1"));
    let want = plain_insolvency(&branch, 200_000);
    let got = result.posterior.horizon.probability;
    let ess = result.effective_paths;
    let se = (want * (1.0 - want) * (1.0 / ess + 1.0 / 200_000.0)).sqrt();
    eprintln!(
        "round: posterior {got:.4} vs branch {want:.4} (se {se:.4}); prior {:.4}; ESS {ess:.0} ({:.0} %); steps {:?}",
        result.prior.horizon.probability,
        100.0 * ess / result.paths as f64,
        result.steps
    );
    assert!((got - want).abs() < 5.0 * se, "{got} vs {want}");
    assert!(ess >= 0.2 * result.paths as f64, "ESS {ess}");
    let prior = plain_insolvency(&m, 200_000);
    let prior_se = (prior * (1.0 - prior) * 2.0 / 200_000.0).sqrt();
    assert!((result.prior.horizon.probability - prior).abs() < 5.0 * prior_se);
    // Cash of 7.5: the round did not come; the other branch.
    let broke = actuals(&[("2025-05", Quantity::Cash, 7.5)]);
    let without = update(&m, &broke, &UpdateSpec::default(), &Progress::default()).unwrap();
    let other = plain_insolvency(
        &model(&ROUND.replace("probability = 0.4", "probability = 0")),
        200_000,
    );
    let (got, ess) = (
        without.posterior.horizon.probability,
        without.effective_paths,
    );
    let se = (other * (1.0 - other) * (1.0 / ess + 1.0 / 200_000.0)).sqrt();
    eprintln!(
        "round not arrived: posterior {got:.4} vs branch {other:.4} (se {se:.4}), ESS {ess:.0}"
    );
    assert!((got - other).abs() < 5.0 * se, "{got} vs {other}");
}

// ---------------------------------------------------------------------------
// Calibration on histories simulated from the model.

const SALES: &str = r#"
[model]
name = "sales"
start = "2025-01"
horizon = "2025-06"
unit = "units"

[cash]
initial = 100

[revenue.sales]
monthly = { lognormal = { median = 10, log_sd = 0.2 } }
growth = { normal = { mean = 0.02, sd = 0.05 } }
noise = { normal = { mean = 0, sd = 0.05 } }
"#;

/// The PIT of month 3's observed revenue under the posterior predictive
/// given months 1 and 2, for the history drawn with seed `h`.
fn pit_of_history(m: &Model, plan: &Plan, h: u64, sigma: f64) -> f64 {
    let layout = plan.score_layout().clone();
    let mut scored = ScoredBlock::new(plan);
    for (d, column) in scored.scores_mut().iter_mut().enumerate() {
        let mut rng = stream(h, 99, layout.key(d));
        column
            .iter_mut()
            .for_each(|z| *z = standard_normal(&mut rng));
    }
    let view = scored.simulate(plan, 0, 1).unwrap();
    let mut noise = stream(h, 0, stream_key("observation error"));
    let observed: Vec<f64> = (1..=3)
        .map(|t| {
            view.month_end(MonthFigure::Revenue, t).unwrap()[0]
                * (sigma * standard_normal(&mut noise)).exp()
        })
        .collect();
    let history = actuals(&[
        ("2025-01", Quantity::Revenue, observed[0]),
        ("2025-02", Quantity::Revenue, observed[1]),
    ]);
    let spec = UpdateSpec {
        paths: 512,
        seed: h,
        ..UpdateSpec::default()
    };
    let (_, particles) = update_with_particles(m, &history, &spec, &Progress::default()).unwrap();
    let next = over_particles(plan, &particles, |view, j| {
        view.month_end(MonthFigure::Revenue, 3).unwrap()[j]
    });
    (next.iter().zip(&particles.weights))
        .map(|(&sim, &w)| w * standard_normal_cdf((observed[2].ln() - sim.ln()) / sigma))
        .sum()
}

#[test]
fn the_posterior_predictive_of_the_next_month_is_calibrated_on_simulated_histories() {
    let m = model(SALES);
    let plan = Plan::new(&m).driven_by_scores().recording_months();
    let sigma = ObservationErrors::default().revenue;
    let pits: Vec<f64> = (0..200)
        .map(|h| pit_of_history(&m, &plan, h, sigma))
        .collect();
    let d = ks_uniform_statistic(&pits).unwrap();
    let n = pits.len() as f64;
    let critical_1 = 1.628 / (n.sqrt() + 0.12 + 0.11 / n.sqrt());
    eprintln!(
        "calibration: KS D = {d:.4}, critical {critical_1:.4} at 1 %, {:.4} at 5 %; mean PIT {:.3}",
        ks_critical_value(pits.len()),
        pits.iter().sum::<f64>() / n
    );
    assert!(d < critical_1, "D {d} ≥ {critical_1}");
}

// ---------------------------------------------------------------------------
// Determinism, warnings, errors.

#[test]
fn an_update_is_the_same_for_one_two_and_sixteen_threads() {
    let m = model(DRIFT);
    let observed = actuals(&[
        ("2025-03", Quantity::Cash, 18.0),
        ("2025-06", Quantity::Cash, 14.0),
    ]);
    let run = |threads| {
        let spec = UpdateSpec {
            paths: 3000,
            threads,
            ..UpdateSpec::default()
        };
        update(&m, &observed, &spec, &Progress::default()).unwrap()
    };
    let one = run(1);
    assert!(one.steps.iter().any(|s| s.resampled));
    assert_eq!(one, run(2));
    assert_eq!(one, run(16));
}

#[test]
fn a_collapsed_sample_is_reported_as_a_warning() {
    let m = model(DRIFT);
    let observed = actuals(&[("2025-06", Quantity::Cash, OBSERVED)]);
    let spec = UpdateSpec {
        paths: 2000,
        errors: ObservationErrors {
            cash: 1e-4,
            ..ObservationErrors::default()
        },
        ..UpdateSpec::default()
    };
    let result = update(&m, &observed, &spec, &Progress::default()).unwrap();
    assert!(result.steps[0].ess < 0.05 * 2000.0, "{:?}", result.steps);
    assert!(
        result
            .warnings
            .iter()
            .any(|w| w.contains("effective sample size fell")),
        "{:?}",
        result.warnings
    );
}

#[test]
fn observations_no_path_can_show_are_refused_naming_the_month_and_figure() {
    let m = model(ROUND);
    let observed = actuals(&[("2025-03", Quantity::Revenue, 5.0)]);
    let e = update(&m, &observed, &UpdateSpec::default(), &Progress::default()).unwrap_err();
    let text = e.to_string();
    assert_eq!(e.exit_code(), 2, "{text}");
    assert!(
        text.contains("revenue 5") && text.contains("2025-03"),
        "{text}"
    );
}

#[test]
fn bad_settings_and_actuals_are_refused_with_exit_code_2() {
    let m = model(DRIFT);
    let observed = actuals(&[("2025-06", Quantity::Cash, 14.0)]);
    let cases: Vec<(UpdateSpec, Actuals, &str)> = vec![
        (
            UpdateSpec {
                as_of: Some(month("2026-12")),
                ..UpdateSpec::default()
            },
            observed.clone(),
            "before the last",
        ),
        (
            UpdateSpec {
                as_of: Some(month("2025-04")),
                ..UpdateSpec::default()
            },
            observed.clone(),
            "after the as-of month",
        ),
        (
            UpdateSpec::default(),
            actuals(&[("2025-06", Quantity::Users, 100.0)]),
            "users",
        ),
        (
            UpdateSpec {
                paths: 10,
                ..UpdateSpec::default()
            },
            observed.clone(),
            "at least 100",
        ),
        (
            UpdateSpec {
                errors: ObservationErrors {
                    revenue: 0.0,
                    ..ObservationErrors::default()
                },
                ..UpdateSpec::default()
            },
            observed.clone(),
            "observation error of revenue",
        ),
    ];
    for (spec, actual, needle) in cases {
        let e = update(&m, &actual, &spec, &Progress::default()).unwrap_err();
        let text = e.to_string();
        assert_eq!(e.exit_code(), 2, "{text}");
        assert!(text.contains(needle), "{needle}: {text}");
    }
}

#[test]
fn the_openai_model_updates_on_made_up_figures_of_four_months() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/openai_2024.toml");
    let m = runway::model::load_file(&path, &LoadOptions::default()).unwrap();
    // Made-up figures, not data: cash and revenue for August to November
    // 2023.
    let observed = actuals(&[
        ("2023-08", Quantity::Cash, 1600.0),
        ("2023-08", Quantity::Revenue, 82.0),
        ("2023-09", Quantity::Cash, 1500.0),
        ("2023-09", Quantity::Revenue, 86.0),
        ("2023-10", Quantity::Cash, 1380.0),
        ("2023-10", Quantity::Revenue, 88.0),
        ("2023-11", Quantity::Cash, 1250.0),
        ("2023-11", Quantity::Revenue, 90.0),
    ]);
    let paths = 4000;
    let spec = UpdateSpec {
        paths,
        threads: 2,
        ..UpdateSpec::default()
    };
    let started = std::time::Instant::now();
    let result = update(&m, &observed, &spec, &Progress::default()).unwrap();
    eprintln!(
        "openai: {paths} paths in {:.2} s; prior {:.4}, posterior {:.4} {:?}, ESS {:.0}; steps {:?}; warnings {:?}",
        started.elapsed().as_secs_f64(),
        result.prior.horizon.probability,
        result.posterior.horizon.probability,
        result.posterior.horizon.ci95,
        result.effective_paths,
        result.steps,
        result.warnings
    );
    for i in &result.inputs {
        eprintln!(
            "  {}: prior {:?} posterior {:?}",
            i.path, i.prior, i.posterior
        );
    }
    assert_eq!(result.as_of, month("2023-11"));
    assert_eq!(result.steps.len(), 4);
    assert_eq!(result.posterior.insolvency[0].month, month("2023-12"));
    // Cash known to 2 % each month thins the sample at every step (a
    // warning says so), but the moves keep a usable posterior.
    assert!(result.effective_paths > 0.01 * paths as f64, "{result:?}");
    let opening = result
        .inputs
        .iter()
        .find(|i| i.path == "cash.initial")
        .unwrap();
    assert!(
        opening.posterior.p95 - opening.posterior.p5 < 0.2 * (opening.prior.p95 - opening.prior.p5)
    );
    // Cash below the model's median and sliding: a higher risk than the
    // prior's.
    assert!(result.posterior.horizon.probability > result.prior.horizon.probability);
}
