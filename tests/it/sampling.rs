//! Correlated inputs (Gaussian copula), Latin hypercube sampling and
//! precision-controlled runs.

use assert_cmd::Command;
use predicates::prelude::*;
use runway::engine::{simulate, Progress, RunSpec, BLOCK_SIZE};
use runway::model::{load_str, LoadOptions, Model, Sampling, BUILTIN_MODEL_TEXT};

const CORRELATED: &str = r#"
[model]
name = "correlated"
start = "2024-01"
horizon = "2024-12"
unit = "USD"

[cash]
initial = { lognormal = { median = 100, log_sd = 0.5 } }

[costs.c]
monthly = { pert = { min = 1, mode = 3, max = 9 } }
growth = { normal = { mean = 0.02, sd = 0.01 } }

[revenue.r]
monthly = { uniform = { min = 0, max = 5 } }

[correlation]
inputs = ["cash.initial", "costs.c.monthly", "revenue.r.monthly"]
matrix = [
  [ 1.0, -0.6,  0.3],
  [-0.6,  1.0,  0.0],
  [ 0.3,  0.0,  1.0],
]
"#;

fn model(text: &str) -> Model {
    load_str(text, "test.toml", &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Every per-path input of `blocks` blocks, by field path.
fn inputs(m: &Model, blocks: u64, seed: u64) -> Vec<(String, Vec<f64>)> {
    crate::engine::block_inputs(m, 0..blocks, seed)
}

fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut r = vec![0.0; values.len()];
    for (rank, &i) in order.iter().enumerate() {
        r[i] = rank as f64;
    }
    r
}

fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

fn ks_statistic(values: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max)
}

#[test]
fn correlated_inputs_have_the_target_rank_correlations_and_unchanged_marginals() {
    let m = model(CORRELATED);
    let columns = inputs(&m, 98, 3); // 100 352 paths
    let col = |name: &str| columns.iter().find(|(p, _)| p == name).unwrap().1.clone();
    let (cash, cost, rev) = (
        col("cash.initial"),
        col("costs.c.monthly"),
        col("revenue.r.monthly"),
    );
    for (a, b, target) in [(&cash, &cost, -0.6), (&cash, &rev, 0.3), (&cost, &rev, 0.0)] {
        let rho = spearman(a, b);
        assert!(
            (rho - target).abs() <= 0.02,
            "Spearman {rho} vs target {target}"
        );
    }
    // Marginals stay as specified: KS at α = 0.001 (critical value 1.949/√n).
    let n = cash.len() as f64;
    let critical = 1.949 / n.sqrt();
    let inputs = m.path_inputs();
    for (name, values) in [
        ("cash.initial", &cash),
        ("costs.c.monthly", &cost),
        ("revenue.r.monthly", &rev),
    ] {
        let dist = &inputs.iter().find(|i| i.path == name).unwrap().dist;
        let d = ks_statistic(values, |x| dist.cdf(x));
        assert!(d < critical, "{name}: KS D = {d} ≥ {critical}");
    }
    // An uncorrelated input keeps its own independent stream.
    let growth = col("costs.c.growth");
    assert!(spearman(&growth, &cash).abs() < 0.02);
}

#[test]
fn correlation_results_are_identical_for_one_and_two_threads() {
    let m = model(CORRELATED);
    let spec = RunSpec {
        paths: 10_000,
        seed: 4,
        threads: 1,
        fan: false,
        blocks: None,
    };
    let one = simulate(&m, &spec, &Progress::default()).unwrap();
    let two = simulate(&m, &RunSpec { threads: 2, ..spec }, &Progress::default()).unwrap();
    assert_eq!(one, two);
}

#[test]
fn a_matrix_that_is_not_positive_semi_definite_is_refused_with_a_valid_alternative() {
    let bad = CORRELATED.replace(
        "[ 1.0, -0.6,  0.3],\n  [-0.6,  1.0,  0.0],\n  [ 0.3,  0.0,  1.0],",
        "[ 1.0, 0.9, -0.9],\n  [ 0.9, 1.0,  0.9],\n  [-0.9, 0.9,  1.0],",
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, bad).unwrap();
    Command::cargo_bin("runway")
        .unwrap()
        .arg("check")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("correlation.matrix")
                .and(predicate::str::contains("not positive semi-definite"))
                .and(predicate::str::contains(
                    "multiplying every off-diagonal entry by",
                )),
        );
    let asymmetric = CORRELATED.replace("[ 0.3,  0.0,  1.0],", "[ 0.2,  0.0,  1.0],");
    std::fs::write(&file, asymmetric).unwrap();
    Command::cargo_bin("runway")
        .unwrap()
        .arg("check")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("symmetric"));
}

#[test]
fn latin_hypercube_fills_each_stratum_exactly_once_per_block() {
    let without_correlation = CORRELATED.split("[correlation]").next().unwrap();
    let mut m = model(without_correlation);
    m.sampling = Sampling::LatinHypercube;
    let columns = inputs(&m, 3, 9);
    let path_inputs = m.path_inputs();
    for (name, values) in &columns {
        let dist = &path_inputs.iter().find(|i| &i.path == name).unwrap().dist;
        if dist.as_constant().is_some() {
            continue;
        }
        for block in values.chunks(BLOCK_SIZE) {
            let mut seen = vec![false; BLOCK_SIZE];
            for &x in block {
                let stratum = ((dist.cdf(x) * BLOCK_SIZE as f64) as usize).min(BLOCK_SIZE - 1);
                assert!(!seen[stratum], "{name}: stratum {stratum} filled twice");
                seen[stratum] = true;
            }
        }
    }
}

#[test]
fn latin_hypercube_narrows_the_spread_of_mean_end_cash_over_30_seeds() {
    let base = model(BUILTIN_MODEL_TEXT);
    let spread = |sampling: Sampling| {
        let mut m = base.clone();
        m.sampling = sampling;
        let means: Vec<f64> = (0..30u64)
            .map(|seed| {
                let tally = simulate(
                    &m,
                    &RunSpec {
                        paths: 4096,
                        seed,
                        threads: 2,
                        fan: false,
                        blocks: None,
                    },
                    &Progress::default(),
                )
                .unwrap();
                tally.end_cash_sum.divided_by(tally.paths)
            })
            .collect();
        let mean = means.iter().sum::<f64>() / 30.0;
        (means.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 29.0).sqrt()
    };
    let (mc, lhs) = (
        spread(Sampling::MonteCarlo),
        spread(Sampling::LatinHypercube),
    );
    assert!(lhs < mc, "LHS spread {lhs} vs MC {mc}");
}

#[test]
fn precision_runs_stop_below_the_target_at_the_same_paths_for_any_thread_count() {
    let run = |threads: &str| {
        let out = Command::cargo_bin("runway")
            .unwrap()
            .args([
                "run",
                "configs/bench/ref1b.toml",
                "--precision",
                "0.002",
                "--format",
                "json",
                "-q",
                "--threads",
                threads,
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let (one, two) = (run("1"), run("2"));
    assert_eq!(one["paths"], two["paths"]);
    assert_eq!(one["insolvency"], two["insolvency"]);
    let c = &one["convergence"];
    assert_eq!(c["reached"], true);
    let last = c["trace"].as_array().unwrap().last().unwrap();
    assert!(last["half_width"].as_f64().unwrap() <= 0.002);
    assert_eq!(last["paths"], one["paths"]);
    let ci = &one["insolvency"]["ci95"];
    assert!((ci[1].as_f64().unwrap() - ci[0].as_f64().unwrap()) / 2.0 <= 0.002);
}

#[test]
fn a_precision_run_that_hits_max_paths_says_so() {
    let out = Command::cargo_bin("runway")
        .unwrap()
        .args([
            "run",
            "--precision",
            "0.00001",
            "--max-paths",
            "20000",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-paths"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["convergence"]["reached"], false);
    assert_eq!(v["paths"], 20000);
}

#[test]
fn few_insolvent_paths_trigger_a_warning_with_the_paths_needed() {
    let out = Command::cargo_bin("runway")
        .unwrap()
        .args(["run", "--paths", "2000", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning")
            && stderr.contains("paths became insolvent")
            && stderr.contains("10 % relative precision"),
        "{stderr}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["warnings"].as_array().unwrap().is_empty());
}

/// The JSON report of one `runway` call.
fn json_of(args: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("runway")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "runway {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn compare_with_lhs_gives_each_scenario_the_insolvency_of_run_with_lhs_and_differs_from_monte_carlo(
) {
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/openai_2024.toml");
    let common = ["--paths", "8192", "--seed", "5", "-q", "-f", "json"];
    let compare = |extra: &[&str]| json_of(&[&["compare", model][..], &common, extra].concat());
    let lhs = compare(&["--sampling", "lhs"]);
    let mc = compare(&[]);
    let counts = |report: &serde_json::Value| -> Vec<(String, u64)> {
        report["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["scenario"].as_str().unwrap().to_string(),
                    s["insolvency"]["count"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let (lhs_counts, mc_counts) = (counts(&lhs), counts(&mc));
    assert!(lhs_counts.len() >= 2);
    assert_ne!(
        lhs_counts, mc_counts,
        "compare --sampling lhs gave the Monte Carlo counts"
    );
    for (sampling, counts) in [("lhs", &lhs_counts), ("mc", &mc_counts)] {
        for (scenario, count) in counts {
            let run = json_of(
                &[
                    &["run", model, "--scenario", scenario, "--sampling", sampling][..],
                    &common,
                ]
                .concat(),
            );
            assert_eq!(
                run["insolvency"]["count"].as_u64().unwrap(),
                *count,
                "scenario {scenario}, --sampling {sampling}: compare and run disagree"
            );
        }
    }
}
