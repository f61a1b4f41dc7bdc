//! Importance sampling of rare insolvency (`analysis::rare::importance`)
//! against oracles: on a Gaussian-walk ruin model, P(insolvent by month m)
//! by density propagation (the surviving density of cash on a grid, the
//! mass killed below 0 each month summed directly, so a probability of 1e-6
//! keeps its relative accuracy); on REF-1b, plain Monte Carlo and a second
//! seed. Tolerances are in standard errors of the estimate; the seeds are
//! fixed.

use runway::analysis::rare::importance::{estimate, event_ess, event_ess_by};
use runway::analysis::rare::{MethodRun, RareSpec};
use runway::engine::{simulate, Plan, Progress, RunSpec, BLOCK_SIZE};
use runway::model::{load_file, load_str, LoadOptions, Model};
use runway::stats::{WeightedEstimate, WeightedTally, Z_95};
use statrs::distribution::{ContinuousCDF, Normal};
use std::path::Path;
use std::time::Instant;

const MEAN: f64 = -0.25;
const SD: f64 = 1.0;
const MONTHS: usize = 17;

/// The walk: cash.initial = c, each month + N(−0.25, 1), insolvent below 0,
/// 17 months.
fn walk(c: f64) -> Model {
    let text = format!(
        r#"
[model]
name = "Gaussian walk"
start = "2025-01"
horizon = "2026-05"
unit = "units"

[cash]
initial = {c}

[flows.walk]
amount = {{ normal = {{ mean = -0.25, sd = 1 }} }}
each_month = true
"#
    );
    load_str(&text, "walk.toml", &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn ref1b(overrides: &[&str]) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/bench/ref1b.toml");
    let options = LoadOptions {
        scenario: None,
        overrides: overrides.iter().map(|s| s.to_string()).collect(),
    };
    load_file(&path, &options).unwrap_or_else(|e| panic!("{e}"))
}

/// P(insolvent by month m) for m = 1..=`months` of the walk from cash `c`
/// (the shared density-propagation oracle, grid step `h`).
fn ruin_by_month(c: f64, months: usize, h: f64) -> Vec<f64> {
    crate::walk_oracle::ruin_by_month(c, MEAN, SD, months, h)
}

/// The starting cash at which the walk's ruin by the horizon is `target`.
fn oracle_cash(target: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 40.0);
    while hi - lo > 1e-3 {
        let mid = 0.5 * (lo + hi);
        if ruin_by_month(mid, MONTHS, 0.05)[MONTHS - 1] > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

fn rare_run(model: &Model, paths: u64, seed: u64, threads: usize) -> MethodRun {
    let plan = Plan::new(model).driven_by_scores();
    let spec = RareSpec {
        paths,
        seed,
        threads,
        blocks: None,
    };
    estimate(&plan, &spec, &Progress::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Relative variance per path: n · se² / p² (plain Monte Carlo: (1 − p)/p).
fn relative_variance(e: &WeightedEstimate) -> f64 {
    e.units as f64 * (e.standard_error / e.probability).powi(2)
}

fn describe(what: &str, run: &MethodRun, seconds: f64) -> String {
    let e = run.tally.horizon_estimate();
    format!(
        "{what}: P = {:.4e} ± {:.2} % (95 %), se {:.3e}, event ESS {:.0}, {} event paths, \
         mean weight {:.4}, pilot {} paths, levels {:?}, {:.2} s, shifts {:?}, warnings {:?}",
        e.probability,
        100.0 * e.half_width() / e.probability,
        e.standard_error,
        event_ess(&run.tally),
        run.tally.event_paths,
        run.tally.mean_weight(),
        run.diagnostics.pilot_paths,
        run.diagnostics.levels,
        seconds,
        &run.diagnostics.shifts[..run.diagnostics.shifts.len().min(4)],
        run.diagnostics.warnings,
    )
}

#[test]
fn the_oracle_matches_the_closed_form_of_one_month_and_its_own_finer_grid() {
    let normal = Normal::new(0.0, 1.0).unwrap();
    let one = ruin_by_month(1.0, 2, 0.05);
    assert_eq!(one[0], normal.cdf(-1.0 - MEAN));
    // Two months: P(X1 < 0) + ∫₀^∞ φ(x − 1 − μ) Φ(−x − μ) dx, by the
    // midpoint rule on a far finer grid.
    let h = 1e-4;
    let second: f64 = (0..200_000)
        .map(|i| {
            let x = (i as f64 + 0.5) * h;
            h * (-0.5 * (x - 1.0 - MEAN).powi(2)).exp() / (2.0 * std::f64::consts::PI).sqrt()
                * normal.cdf(-x - MEAN)
        })
        .sum();
    assert!(
        (one[1] - one[0] - second).abs() < 1e-8,
        "{one:?} vs {second}"
    );
    let coarse = ruin_by_month(20.0, MONTHS, 0.05);
    let fine = ruin_by_month(20.0, MONTHS, 0.025);
    for m in [5, 10, MONTHS] {
        let (a, b) = (coarse[m - 1], fine[m - 1]);
        assert!((a - b).abs() <= 1e-4 * b, "month {m}: {a} vs {b}");
    }
}

#[test]
fn the_gaussian_walk_at_one_in_a_million_is_within_five_percent_with_a_hundred_thousand_paths() {
    let c = oracle_cash(1e-6);
    let oracle = ruin_by_month(c, MONTHS, 0.05);
    let started = Instant::now();
    let run = rare_run(&walk(c), 100_000, 1, 1);
    let seconds = started.elapsed().as_secs_f64();
    eprintln!("{} (cash {c:.3})", describe("walk 1e-6", &run, seconds));
    let e = run.tally.horizon_estimate();
    let p = oracle[MONTHS - 1];
    assert!(e.half_width() <= 0.05 * p, "half-width {}", e.half_width());
    assert!(
        (e.probability - p).abs() <= 4.0 * e.standard_error,
        "{} vs the oracle's {p}",
        e.probability
    );
    // A shift aimed at the horizon sees early insolvency through a few
    // large weights (month 12 of this walk is 1 000 times rarer than the
    // horizon): every month whose event ESS is at least 200 must agree.
    let mut checked = 0;
    for m in 1..=MONTHS {
        let e = run.tally.by_month_estimate(m);
        let p = oracle[m - 1];
        if event_ess_by(&run.tally, m) >= 200.0 {
            checked += 1;
            assert!(
                (e.probability - p).abs() <= 4.0 * e.standard_error,
                "month {m}: {} ± {} vs the oracle's {p}",
                e.probability,
                e.standard_error
            );
        }
    }
    assert!(checked >= 3, "{checked} months checked");
    assert!(run.diagnostics.warnings.is_empty());
    assert_eq!(run.diagnostics.levels.last(), Some(&0.0));
    // Variance per path against plain Monte Carlo's (1 − p)/p.
    let gain = (1.0 - p) / p / relative_variance(&e);
    let (per_path, _) = plain_run(&walk(c), 100_000, 1);
    eprintln!(
        "walk 1e-6: variance gain per path {gain:.3e}, work-normalised gain {:.3e}",
        work_normalised_gain(&run, seconds, p, per_path)
    );
    assert!(gain > 1e4, "gain {gain}");
}

/// The work-normalised variance gain of `run` (which took `seconds`, pilot
/// included) over plain Monte Carlo of `plain_seconds_per_path` at the
/// true probability `p`: (relative variance × time) of plain Monte Carlo
/// over that of importance sampling.
fn work_normalised_gain(run: &MethodRun, seconds: f64, p: f64, plain_seconds_per_path: f64) -> f64 {
    let e = run.tally.horizon_estimate();
    let is_work = (e.standard_error / e.probability).powi(2) * seconds;
    (1.0 - p) / p * plain_seconds_per_path / is_work
}

/// Seconds per path of a plain run of `model` (`paths` paths, one thread)
/// and its tally.
fn plain_run(model: &Model, paths: u64, seed: u64) -> (f64, runway::stats::Tally) {
    let spec = RunSpec {
        paths,
        seed,
        threads: 1,
        fan: false,
        blocks: None,
    };
    let started = Instant::now();
    let tally = simulate(model, &spec, &Progress::default()).unwrap();
    (started.elapsed().as_secs_f64() / paths as f64, tally)
}

#[test]
fn ref1b_with_eight_to_twelve_billion_is_within_ten_percent_with_two_hundred_thousand_paths() {
    let model = ref1b(&["cash.initial={uniform={min=8,max=12}}"]);
    let started = Instant::now();
    let run = rare_run(&model, 200_000, 1, 1);
    let seconds = started.elapsed().as_secs_f64();
    eprintln!("{}", describe("ref1b U(8, 12)", &run, seconds));
    let e = run.tally.horizon_estimate();
    assert!(e.probability > 1e-5 && e.probability < 2e-4, "{e:?}");
    assert!(e.half_width() <= 0.10 * e.probability, "{e:?}");
    assert!(run.diagnostics.warnings.is_empty(), "{:?}", run.diagnostics);
    // Plain Monte Carlo of 2·10⁸ paths (`runway run configs/bench/ref1b.toml
    // --set 'cash.initial={uniform={min=8,max=12}}' -n 200M -f json`):
    // 10 297 insolvent paths.
    let (plain, plain_se) = (5.1485e-5, (5.1485e-5f64 * (1.0 - 5.1485e-5) / 2e8).sqrt());
    let se = (e.standard_error.powi(2) + plain_se.powi(2)).sqrt();
    assert!(
        (e.probability - plain).abs() <= 4.0 * se,
        "{e:?} vs plain {plain}"
    );
    // A second seed agrees within the intervals.
    let other = rare_run(&model, 200_000, 2, 1).tally.horizon_estimate();
    let se = (e.standard_error.powi(2) + other.standard_error.powi(2)).sqrt();
    assert!(
        (e.probability - other.probability).abs() <= Z_95 * se,
        "{e:?} vs {other:?}"
    );
    let (per_path, _) = plain_run(&model, 20 * BLOCK_SIZE as u64, 1);
    let p = 0.5 * (e.probability + other.probability);
    eprintln!(
        "ref1b U(8, 12): variance gain per path {:.3e}, work-normalised gain {:.3e}",
        (1.0 - p) / p / relative_variance(&e),
        work_normalised_gain(&run, seconds, p, per_path)
    );
}

#[test]
fn on_an_ordinary_probability_importance_sampling_agrees_with_plain_monte_carlo() {
    let model = ref1b(&[]);
    let started = Instant::now();
    let run = rare_run(&model, 100_000, 3, 1);
    let seconds = started.elapsed().as_secs_f64();
    eprintln!("{}", describe("ref1b", &run, seconds));
    let (per_path, plain) = plain_run(&model, 400_000, 4);
    let e = run.tally.horizon_estimate();
    let p = plain.insolvent() as f64 / plain.paths as f64;
    let plain_se = (p * (1.0 - p) / plain.paths as f64).sqrt();
    assert!(p > 0.1 && p < 0.2, "{p}");
    let se = (e.standard_error.powi(2) + plain_se.powi(2)).sqrt();
    assert!(
        (e.probability - p).abs() <= Z_95 * se,
        "{e:?} vs plain {p} ± {plain_se}"
    );
    for m in [6, 12] {
        let e = run.tally.by_month_estimate(m);
        let q = plain.insolvent_in_month[..m].iter().sum::<u64>() as f64 / plain.paths as f64;
        let se = (e.standard_error.powi(2) + q * (1.0 - q) / plain.paths as f64).sqrt();
        assert!(
            (e.probability - q).abs() <= 3.0 * se,
            "month {m}: {e:?} vs {q}"
        );
    }
    assert!(run.diagnostics.warnings.is_empty(), "{:?}", run.diagnostics);
    eprintln!(
        "ref1b: variance gain per path {:.3}, work-normalised gain {:.3}",
        (1.0 - p) / p / relative_variance(&e),
        work_normalised_gain(&run, seconds, p, per_path)
    );
}

#[test]
fn nominal_95_percent_intervals_cover_the_walks_ruin_probability_over_200_seeds() {
    let c = oracle_cash(1e-4);
    let p = ruin_by_month(c, MONTHS, 0.05)[MONTHS - 1];
    let model = walk(c);
    let plan = Plan::new(&model).driven_by_scores();
    let mut covered = 0;
    for seed in 0..200 {
        let spec = RareSpec {
            paths: 4 * BLOCK_SIZE as u64,
            seed,
            threads: 1,
            blocks: None,
        };
        let run = estimate(&plan, &spec, &Progress::default()).unwrap();
        let [low, high] = run.tally.horizon_estimate().ci95;
        covered += usize::from(low <= p && p <= high);
    }
    eprintln!("walk 1e-4: {covered} of 200 intervals cover {p:.4e}");
    assert!(covered >= 186, "{covered} of 200");
}

#[test]
fn tallies_are_bit_identical_for_any_thread_count_and_shard_split() {
    let model = ref1b(&[]);
    let plan = Plan::new(&model).driven_by_scores();
    let paths = 64 * BLOCK_SIZE as u64 - 100;
    let run = |threads: usize, blocks: Option<std::ops::Range<u64>>| {
        let spec = RareSpec {
            paths,
            seed: 9,
            threads,
            blocks,
        };
        estimate(&plan, &spec, &Progress::default()).unwrap()
    };
    let whole = run(1, None);
    assert!(whole.tally.event_paths > 0);
    for threads in [2, 16] {
        let other = run(threads, None);
        assert_eq!(other.tally, whole.tally, "{threads} threads");
        assert_eq!(other.diagnostics, whole.diagnostics, "{threads} threads");
    }
    for shards in [4u64, 64] {
        let size = 64 / shards;
        let mut merged: Option<WeightedTally> = None;
        for k in (0..shards).rev() {
            let part = run(2, Some(k * size..(k + 1) * size));
            assert_eq!(part.diagnostics.levels, whole.diagnostics.levels);
            match &mut merged {
                None => merged = Some(part.tally),
                Some(m) => m.merge(&part.tally),
            }
        }
        assert_eq!(merged.as_ref(), Some(&whole.tally), "{shards} shards");
    }
}

#[test]
fn a_pilot_that_never_reaches_the_floor_warns_instead_of_answering() {
    // Cash 30 and a walk that gains 2 a month: 4 standard deviations of
    // shift a month cannot bring it to 0.
    let text = r#"
[model]
name = "safe walk"
start = "2025-01"
horizon = "2025-06"
unit = "units"

[cash]
initial = 30

[flows.walk]
amount = { normal = { mean = 2, sd = 0.5 } }
each_month = true
"#;
    let model = load_str(text, "safe.toml", &LoadOptions::default()).unwrap();
    let run = rare_run(&model, BLOCK_SIZE as u64, 1, 1);
    assert_eq!(run.tally.event_paths, 0);
    assert!(run.diagnostics.levels.iter().all(|&l| l > 0.0));
    let warnings = &run.diagnostics.warnings;
    assert!(
        warnings[0].starts_with("the cross-entropy pilot did not reach the floor"),
        "{warnings:?}"
    );
    // The tally's own warning (the report's, on the merged tally).
    let tally_warnings = runway::analysis::rare::importance::weight_warnings(&run.tally);
    assert!(
        tally_warnings
            .iter()
            .any(|w| w.starts_with("none of the 1024")),
        "{tally_warnings:?}"
    );
}
