//! The splitting method of `--rare` (`analysis::rare::splitting`) against
//! oracles: on a Gaussian-walk ruin model the probability of ruin by each
//! month comes from density propagation (the surviving density of cash,
//! month by month, on a fine grid); on REF-1b, whose funding is a Bernoulli
//! happening at a discrete month, from a second seed and from plain Monte
//! Carlo. Also: the nominal 95 % intervals cover the oracle, and the tally
//! is the same to the bit for any thread count and shard split.
//!
//! Tolerances are in standard errors of the estimate (4 σ, or the two
//! intervals' combined standard error).

use runway::analysis::rare::splitting::{estimate, replicate_warnings};
use runway::analysis::rare::{MethodRun, RareSpec};
use runway::engine::{simulate, Plan, Progress, RunSpec, BLOCK_SIZE};
use runway::model::{load_str, LoadOptions, Model};
use runway::stats::WeightedTally;

const SD: f64 = 1.0;
const MONTHS: usize = 17;

/// The walk: cash.initial = `cash`, each month + N(−0.25, 1), insolvent
/// below 0 at a month's end, 17 months.
fn walk(cash: f64) -> Model {
    walk_with_drift(cash, -0.25)
}

fn walk_with_drift(cash: f64, drift: f64) -> Model {
    let text = format!(
        r#"
[model]
name = "Gaussian walk"
start = "2025-01"
horizon = "2026-05"
unit = "units"

[cash]
initial = {cash}

[flows.walk]
amount = {{ normal = {{ mean = {drift}, sd = 1 }} }}
each_month = true
"#
    );
    load_str(&text, "walk.toml", &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// REF-1b (`configs/bench/ref1b.toml`), its starting cash uniform on
/// [`low`, `high`].
fn ref1b(low: f64, high: f64) -> Model {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/bench/ref1b.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.replace(
        "initial = { uniform = { min = 2, max = 6 } }",
        &format!("initial = {{ uniform = {{ min = {low}, max = {high} }} }}"),
    );
    assert!(text.contains(&format!("min = {low}")));
    load_str(&text, "ref1b.toml", &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// P(cash ends a month below 0 in one of the first m months | cash c at the
/// start) of the walk of drift −0.25, for m = 1..=`months` (see
/// [`ruin_with_drift`]).
fn ruin_by_month(c: f64, months: usize, h: f64) -> Vec<f64> {
    ruin_with_drift(c, -0.25, months, h)
}

/// The same for a walk of drift `drift` (the shared density-propagation
/// oracle, grid step `h`).
fn ruin_with_drift(c: f64, drift: f64, months: usize, h: f64) -> Vec<f64> {
    crate::walk_oracle::ruin_by_month(c, drift, SD, months, h)
}

fn spec(paths: u64, seed: u64, threads: usize) -> RareSpec {
    RareSpec {
        paths,
        seed,
        threads,
        blocks: None,
    }
}

fn split(model: &Model, spec: &RareSpec) -> MethodRun {
    let plan = Plan::new(model).driven_by_scores();
    estimate(&plan, spec, &Progress::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn plain(model: &Model, paths: u64, seed: u64) -> (f64, f64) {
    let spec = RunSpec {
        paths,
        seed,
        threads: 1,
        fan: false,
        blocks: None,
    };
    let tally = simulate(model, &spec, &Progress::default()).unwrap();
    let p = tally.insolvent() as f64 / tally.paths as f64;
    (p, (p * (1.0 - p) / tally.paths as f64).sqrt())
}

/// The starting cash of the walk at which P(ruin by month 17) ≈ 1e-6
/// (9.07e-7 by the oracle).
const ONE_IN_A_MILLION: f64 = 24.0;

/// |a − b| in standard errors of the difference.
fn sigmas(a: f64, se_a: f64, b: f64, se_b: f64) -> f64 {
    (a - b).abs() / (se_a * se_a + se_b * se_b).sqrt()
}

/// The work-normalised variance gain over plain Monte Carlo, path for
/// path: (relative variance × paths) of plain Monte Carlo, (1 − p)/p, over
/// the same of the run (every simulated path counted, pilot included).
fn gain_per_path(run: &MethodRun) -> f64 {
    let e = run.tally.horizon_estimate();
    let paths = (run.tally.simulated_paths + run.diagnostics.pilot_paths) as f64;
    (1.0 - e.probability) / e.probability / (e.relative_error.powi(2) * paths)
}

#[test]
fn the_oracle_matches_the_closed_form_of_one_month_and_its_own_finer_grid() {
    for c in [0.5, 1.0, 2.5] {
        // Φ((−c − μ)/σ) by the oracle's own erf-free route: a finer grid of
        // the first month is exact up to the grid's truncation.
        let one = ruin_by_month(c, 1, 0.05)[0];
        let exact = statrs::function::erf::erfc((c - 0.25) / (SD * 2f64.sqrt())) / 2.0;
        assert!((one - exact).abs() < 1e-7, "c {c}: {one} vs {exact}");
    }
    let coarse = ruin_by_month(ONE_IN_A_MILLION, MONTHS, 0.05);
    let fine = ruin_by_month(ONE_IN_A_MILLION, MONTHS, 0.025);
    for m in [10, 17] {
        let (a, b) = (coarse[m - 1], fine[m - 1]);
        assert!((a - b).abs() < 1e-4 * b, "month {m}: {a} vs {b}");
    }
    assert!(coarse[16] > 5e-7 && coarse[16] < 2e-6, "{}", coarse[16]);
}

#[test]
fn splitting_estimates_a_one_in_a_million_walk_ruin_within_4_sigma_of_the_oracle() {
    let oracle = ruin_by_month(ONE_IN_A_MILLION, MONTHS, 0.05);
    let run = split(
        &walk(ONE_IN_A_MILLION),
        &spec(256 * BLOCK_SIZE as u64, 3, 1),
    );
    for month in [12, 15, MONTHS] {
        let e = run.tally.by_month_estimate(month);
        let z = (e.probability - oracle[month - 1]).abs() / e.standard_error;
        assert!(
            z <= 4.0,
            "month {month}: {e:?} vs the oracle {}",
            oracle[month - 1]
        );
    }
    let e = run.tally.horizon_estimate();
    let d = &run.diagnostics;
    println!(
        "walk 1e-6: {:.4e} ± {:.2} % (oracle {:.4e}), {} replicates, {} paths + {} pilot, \
         gain per path {:.0}, levels {:?}, factors {:?}, acceptance {:?}",
        e.probability,
        100.0 * e.half_width() / e.probability,
        oracle[MONTHS - 1],
        e.units,
        run.tally.simulated_paths,
        d.pilot_paths,
        gain_per_path(&run),
        d.levels,
        d.splitting_factors,
        d.acceptance
    );
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert!(d.levels.len() >= 5 && d.levels.last() == Some(&0.0));
    assert_eq!(d.splitting_factors.len(), d.levels.len() - 1);
    assert!(d.acceptance.iter().all(|&a| (0.2..0.7).contains(&a)));
    assert!(e.half_width() < 0.06 * e.probability, "{e:?}");
    assert!(gain_per_path(&run) > 100.0, "{}", gain_per_path(&run));
    assert!(run.tally.event_paths > 1000);
}

#[test]
fn on_ref1b_with_cash_8_to_12_two_seeds_and_plain_monte_carlo_agree() {
    // A Bernoulli funding at a discrete month: the chain moves the scores
    // and the engine maps them to the happening and its month.
    let model = ref1b(8.0, 12.0);
    let a = split(&model, &spec(64 * BLOCK_SIZE as u64, 1, 1));
    let b = split(&model, &spec(64 * BLOCK_SIZE as u64, 2, 1));
    let (ea, eb) = (a.tally.horizon_estimate(), b.tally.horizon_estimate());
    let z = sigmas(
        ea.probability,
        ea.standard_error,
        eb.probability,
        eb.standard_error,
    );
    assert!(z <= 4.0, "{ea:?} vs {eb:?}");
    let (p, se) = plain(&model, 4_000_000, 9);
    let z_plain = sigmas(ea.probability, ea.standard_error, p, se);
    assert!(z_plain <= 4.0, "{ea:?} vs plain {p} ± {se}");
    println!(
        "ref1b cash U[8, 12]: {:.4e} ± {:.2} % and {:.4e} ± {:.2} % (two seeds), plain \
         {p:.4e} ± {:.1} % (4e6 paths); {} paths + {} pilot; gain per path {:.0}, {:.0}",
        ea.probability,
        100.0 * ea.half_width() / ea.probability,
        eb.probability,
        100.0 * eb.half_width() / eb.probability,
        196.0 * se / p,
        a.tally.simulated_paths,
        a.diagnostics.pilot_paths,
        gain_per_path(&a),
        gain_per_path(&b)
    );
    assert!(ea.probability > 1e-5 && ea.probability < 2e-4, "{ea:?}");
    assert!(gain_per_path(&a) > 5.0, "{}", gain_per_path(&a));
    // Paths that ran out of cash mostly missed their funding: its share of
    // the event is an estimate of P(insolvent and funded) ≤ P(insolvent).
    let funded = a.tally.inflow_in_event[0].divided_by(a.tally.units);
    assert!(funded >= 0.0 && funded < ea.probability, "{funded}");
}

#[test]
fn over_200_seeds_the_95_percent_intervals_cover_the_oracle() {
    // P ≈ 1.1e-3: two levels and the floor; 32 replicates a seed.
    let cash = 17.0;
    let oracle = ruin_by_month(cash, MONTHS, 0.05)[MONTHS - 1];
    let model = walk(cash);
    let plan = Plan::new(&model).driven_by_scores();
    let mut covered = 0;
    for seed in 0..200 {
        let run = estimate(
            &plan,
            &spec(32 * BLOCK_SIZE as u64, 1000 + seed, 1),
            &Progress::default(),
        )
        .unwrap();
        let [low, high] = run.tally.horizon_estimate().ci95;
        covered += usize::from(low <= oracle && oracle <= high);
    }
    println!("coverage of P = {oracle:.4e}: {covered} of 200");
    assert!(covered >= 186, "{covered} of 200 intervals cover {oracle}");
}

#[test]
fn on_ref1b_as_shipped_splitting_agrees_with_plain_monte_carlo() {
    // P ≈ 0.15: the pilot's first level is the floor itself, so each
    // replicate is a block of plain paths on scores.
    let model = ref1b(2.0, 6.0);
    let run = split(&model, &spec(32 * BLOCK_SIZE as u64, 4, 2));
    assert_eq!(run.diagnostics.levels, vec![0.0]);
    let (p, se) = plain(&model, 200_000, 4);
    for month in [9, 17] {
        let e = run.tally.by_month_estimate(month);
        assert!(e.probability > 0.0);
        if month == 17 {
            let z = sigmas(e.probability, e.standard_error, p, se);
            assert!(z <= 4.0, "{e:?} vs plain {p} ± {se}");
        }
    }
    assert_eq!(run.tally.simulated_paths, 32 * BLOCK_SIZE as u64);
    assert!(replicate_warnings(&run.tally).is_empty());
}

fn shard(model: &Model, seed: u64, replicates: u64, shards: u64, threads: usize) -> WeightedTally {
    let plan = Plan::new(model).driven_by_scores();
    let per = replicates / shards;
    let mut merged: Option<WeightedTally> = None;
    for k in 0..shards {
        let spec = RareSpec {
            paths: replicates * BLOCK_SIZE as u64,
            seed,
            threads,
            blocks: Some(k * per..(k + 1) * per),
        };
        let run = estimate(&plan, &spec, &Progress::default()).unwrap();
        match merged.as_mut() {
            None => merged = Some(run.tally),
            Some(m) => m.merge(&run.tally),
        }
    }
    merged.unwrap()
}

#[test]
fn the_tally_is_the_same_to_the_bit_for_any_thread_count_and_shard_split() {
    let model = walk(20.0);
    let one = shard(&model, 8, 64, 1, 1);
    assert!(one.event_paths > 0 && one.units == 64);
    for (shards, threads) in [(1, 2), (1, 16), (4, 1), (64, 1), (4, 2)] {
        let other = shard(&model, 8, 64, shards, threads);
        assert_eq!(other, one, "{shards} shards, {threads} threads");
    }
    // A model with an inflow (its share is tallied too) on fewer blocks.
    let model = ref1b(8.0, 12.0);
    let one = shard(&model, 8, 8, 1, 1);
    assert_eq!(shard(&model, 8, 8, 2, 2), one);
    assert_eq!(shard(&model, 8, 8, 1, 16), one);
}

#[test]
fn a_population_that_never_reaches_the_floor_is_reported() {
    // P ≈ 1e-30: the pilot runs out of levels or the replicates die out.
    let run = split(&walk(200.0), &spec(2 * BLOCK_SIZE as u64, 1, 1));
    assert!(!run.diagnostics.warnings.is_empty());
    assert!(run.tally.horizon_estimate().probability < 1e-12);
}

#[test]
fn an_atom_of_the_distance_at_the_starting_cash_does_not_stall_the_pilot() {
    // Drift +2: 98 % of the paths never go below their starting cash, so
    // the distance to the floor has an atom there; P ≈ 3.5e-6, nearly all
    // of it a first month below −2.5.
    let oracle = ruin_with_drift(2.5, 2.0, MONTHS, 0.05)[MONTHS - 1];
    let run = split(
        &walk_with_drift(2.5, 2.0),
        &spec(64 * BLOCK_SIZE as u64, 5, 1),
    );
    let e = run.tally.horizon_estimate();
    assert!(run.diagnostics.warnings.is_empty(), "{:?}", run.diagnostics);
    assert!(run.diagnostics.levels[0] < 2.5, "{:?}", run.diagnostics);
    let z = (e.probability - oracle).abs() / e.standard_error;
    assert!(z <= 4.0, "{e:?} vs the oracle {oracle}");
}
