//! Scenario comparison (common random numbers, paired intervals) and
//! sensitivity analysis, against cases whose answer is known.

use assert_cmd::Command;
use runway::analysis::compare::{paired_difference_ci, run_compare};
use runway::analysis::sensitivity::run_sensitivity;
use runway::engine::{simulate, Progress, RunSpec};
use runway::model::{load_str, LoadOptions, Model, BUILTIN_MODEL_TEXT};
use runway::stats::{wilson, ExactSquareSum, ExactSum};

fn model(text: &str, scenario: Option<&str>, overrides: &[&str]) -> Model {
    let options = LoadOptions {
        scenario: scenario.map(String::from),
        overrides: overrides.iter().map(|s| s.to_string()).collect(),
    };
    load_str(text, "test.toml", &options).unwrap_or_else(|e| panic!("{e}"))
}

fn spec(paths: u64, seed: u64) -> RunSpec {
    RunSpec {
        paths,
        seed,
        threads: 2,
        fan: false,
        blocks: None,
    }
}

/// Insolvent exactly when cash.initial < 190 (19 months of 10); a shock that
/// never strikes carries an input that cannot matter.
const ONLY_A: &str = r#"
[model]
name = "only A matters"
start = "2024-01"
horizon = "2025-07"
unit = "USD"

[cash]
initial = { uniform = { min = 0, max = 200 } }

[costs.burn]
monthly = 10

[shocks.never]
hazard = 0
cost = { uniform = { min = 0, max = 1 } }
"#;

#[test]
fn the_only_input_that_matters_ranks_first_with_its_analytic_swing() {
    let m = model(ONLY_A, None, &[]);
    let report = run_sensitivity(&m, &spec(200_000, 4), &Progress::default()).unwrap();
    let first = &report.drivers[0];
    assert_eq!(first.input, "cash.initial");
    // Lowest decile (A < 20): always insolvent. Highest (A > 180): insolvent
    // when A < 190, half the time. Swing = 0.5 - 1 = -0.5.
    let n_high = first.highest_decile.paths as f64;
    let se = (0.25 / n_high).sqrt();
    assert!(
        (first.swing - (-0.5)).abs() <= 4.0 * se,
        "swing {} vs -0.5, 4 SE = {}",
        first.swing,
        4.0 * se
    );
    assert!(
        first.spearman_end_cash.unwrap() > 0.99,
        "end cash is a linear function of A"
    );

    let unrelated = report
        .drivers
        .iter()
        .find(|d| d.input == "shocks.never.cost")
        .unwrap();
    let p = report.insolvency.probability;
    let (nl, nh) = (
        unrelated.lowest_decile.paths as f64,
        unrelated.highest_decile.paths as f64,
    );
    let se = (p * (1.0 - p) * (1.0 / nl + 1.0 / nh)).sqrt();
    assert!(
        unrelated.swing.abs() <= 4.0 * se,
        "unrelated swing {} exceeds 4 SE = {}",
        unrelated.swing,
        4.0 * se
    );
    assert!(unrelated.first_order_index.unwrap() < 0.01);
    assert!(first.first_order_index.unwrap() > 0.5);
}

#[test]
fn sensitivity_is_identical_for_one_and_two_threads() {
    let m = model(BUILTIN_MODEL_TEXT, None, &[]);
    let one = run_sensitivity(
        &m,
        &RunSpec {
            threads: 1,
            ..spec(20_000, 3)
        },
        &Progress::default(),
    )
    .unwrap();
    let two = run_sensitivity(&m, &spec(20_000, 3), &Progress::default()).unwrap();
    assert_eq!(
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&two).unwrap()
    );
}

#[test]
fn comparing_a_scenario_with_itself_gives_a_difference_of_exactly_zero() {
    let a = model(BUILTIN_MODEL_TEXT, Some("article"), &[]);
    let result = run_compare(&[a.clone(), a], &spec(20_000, 5), &Progress::default()).unwrap();
    let pair = &result.paired[1];
    assert_eq!(pair.first_only, 0);
    assert_eq!(pair.this_only, 0);
    assert_eq!(pair.end_cash_diff_sum, ExactSum::new());
    assert_eq!(result.tallies[0], result.tallies[1]);
}

#[test]
fn the_paired_interval_is_narrower_than_comparing_independent_runs() {
    let base = model(BUILTIN_MODEL_TEXT, Some("article"), &[]);
    let close = model(
        BUILTIN_MODEL_TEXT,
        Some("article"),
        &["costs.staff_and_other.growth={uniform={min=0.015,max=0.045}}"],
    );
    let n = 100_000;
    let result = run_compare(
        &[base.clone(), close.clone()],
        &spec(n, 6),
        &Progress::default(),
    )
    .unwrap();
    let [lo, hi] = paired_difference_ci(&result.paired[1]);
    let paired_width = hi - lo;
    // The same two scenarios run independently (different seeds), same size,
    // with Newcombe's unpaired hybrid score interval.
    let ka = simulate(&base, &spec(n, 7), &Progress::default())
        .unwrap()
        .insolvent();
    let kb = simulate(&close, &spec(n, 8), &Progress::default())
        .unwrap()
        .insolvent();
    let (pa, pb) = (ka as f64 / n as f64, kb as f64 / n as f64);
    let ([la, ua], [lb, ub]) = (wilson(ka, n), wilson(kb, n));
    let independent_width = ((pb - lb).powi(2) + (ua - pa).powi(2)).sqrt()
        + ((ub - pb).powi(2) + (pa - la).powi(2)).sqrt();
    assert!(
        paired_width < independent_width,
        "paired {paired_width} vs independent {independent_width}"
    );
    assert!(
        paired_width < 0.5 * independent_width,
        "common random numbers should more than halve it"
    );
}

#[test]
fn common_random_numbers_keep_shared_inputs_identical_across_scenarios() {
    // With no follow-on funding in either, a different funding amount (a new
    // distribution: other random numbers for that input) changes nothing on
    // any path, because every other input keeps its own stream.
    let none = [
        "funding.microsoft.probability=0",
        "funding.new_investors.probability=0",
    ];
    let base = model(BUILTIN_MODEL_TEXT, None, &none);
    let changed = model(
        BUILTIN_MODEL_TEXT,
        None,
        &[
            none[0],
            none[1],
            "funding.microsoft.amount={gamma={shape=2,scale=900}}",
        ],
    );
    let result = run_compare(&[base, changed], &spec(5_000, 9), &Progress::default()).unwrap();
    assert_eq!(result.paired[1].end_cash_diff_sq_sum, ExactSquareSum::new());
    assert_eq!(result.paired[1].end_cash_diff_sum, ExactSum::new());
}

#[test]
fn compare_prints_every_scenario_in_each_format_and_refuses_unknown_ones() {
    let out = Command::cargo_bin("runway")
        .unwrap()
        .args(["compare", "--paths", "5000", "-q", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scenario"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "baseline",
            "article",
            "marcus",
            "pessimistic",
            "revolver_2024"
        ]
    );
    assert_eq!(v["scenarios"][0]["difference"]["probability"], 0.0);
    let csv = Command::cargo_bin("runway")
        .unwrap()
        .args([
            "compare",
            "--scenarios",
            "article,marcus",
            "--paths",
            "3000",
            "-q",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(csv.status.success());
    let mut reader = csv::Reader::from_reader(&csv.stdout[..]);
    assert_eq!(reader.records().count(), 2);
    Command::cargo_bin("runway")
        .unwrap()
        .args(["compare", "--scenarios", "baseline,optimistic", "-q"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no scenario named `optimistic`"));
}

#[test]
fn sensitivity_prints_drivers_in_each_format() {
    let out = Command::cargo_bin("runway")
        .unwrap()
        .args(["sensitivity", "--paths", "5000", "-q", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    assert!(reader
        .headers()
        .unwrap()
        .iter()
        .any(|h| h == "swing_ci95_low"));
    assert!(reader.records().count() > 10);
    let table = Command::cargo_bin("runway")
        .unwrap()
        .args([
            "sensitivity",
            "--scenario",
            "article",
            "--paths",
            "5000",
            "-q",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("scenario article") && text.contains("correlated"));
}

#[test]
fn the_mean_difference_interval_keeps_per_path_differences_far_below_one_money_unit() {
    // A model in billions whose second scenario adds a monthly amount drawn
    // once per path with sd 1e-5 (USD 10 000), so end cash differs by 12
    // times it: the interval of the mean difference must have the width of
    // that spread, 2 · 1.96 · 12e-5 / √n, not collapse to zero.
    let text = r#"
[model]
name = "tiny differences"
start = "2024-01"
horizon = "2024-12"
unit = "USD billions"

[cash]
initial = { uniform = { min = 2, max = 6 } }

[costs.total]
monthly = { lognormal = { median = 0.35, log_sd = 0.2 } }

[flows.adjustment]
amount = 0

[scenarios.tiny]
description = "a per-path adjustment of about USD 10 000"
flows.adjustment.amount = { normal = { mean = 0, sd = 1e-5 } }
"#;
    let (a, b) = (model(text, None, &[]), model(text, Some("tiny"), &[]));
    let paths = 40_960u64;
    let result = run_compare(
        &[a.clone(), b.clone()],
        &spec(paths, 3),
        &Progress::default(),
    )
    .unwrap();
    let run = runway::analysis::summary::RunInfo {
        threads: 2,
        elapsed_seconds: 1.0,
        paths_per_second: 1.0,
        shards: None,
    };
    let report = runway::analysis::compare::Comparison::new(&[a, b], &result, run);
    let d = &report.scenarios[1].difference;
    let width = d.mean_end_cash_ci95[1] - d.mean_end_cash_ci95[0];
    let sd = 12.0 * 1e-5;
    let expected = 2.0 * 1.959_964 * sd / (paths as f64).sqrt();
    // The sample sd of 40 960 normal draws is within 2 % of sd (5 SE ≈ 1.7 %).
    assert!(
        (width / expected - 1.0).abs() < 0.02,
        "width {width:e}, expected {expected:e}"
    );
    // The mean difference is a mean of N(0, sd) draws: within 5 SE of 0.
    assert!(d.mean_end_cash.abs() < 5.0 * sd / (paths as f64).sqrt());
}
