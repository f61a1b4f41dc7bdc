//! `runway solve` against an oracle: on a Gaussian-walk ruin model the
//! probability of ruin by the horizon is computed by density propagation
//! (the surviving density of cash, month by month, on a fine grid), and the
//! starting cash the solver finds for a target must agree with it. Also:
//! the same bytes for any thread count, shift and scale keep the paths, and
//! bad input is refused with exit code 2.

use assert_cmd::Command;
use serde_json::Value;
use statrs::distribution::{ContinuousCDF, Normal};
use std::path::PathBuf;

const MEAN: f64 = -0.25;
const SD: f64 = 1.0;
const MONTHS: usize = 24;

/// The walk: cash.initial = 5, each month + N(−0.25, 1), insolvent below 0.
const WALK: &str = r#"
[model]
name = "Gaussian walk"
start = "2025-01"
horizon = "2026-12"
unit = "units"

[cash]
initial = 5

[flows.walk]
amount = { normal = { mean = -0.25, sd = 1 } }
each_month = true

[costs.rent]
monthly = 0.5
growth = { normal = { mean = 0.01, sd = 0.005 } }

[scenarios.free]
costs.rent.monthly = 0
"#;

fn walk_file() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("walk.toml");
    std::fs::write(&path, WALK).unwrap();
    (dir, path)
}

/// P(cash falls below 0 in one of `months` months | cash c at the start),
/// by propagating the surviving density on a grid of step `h` (Simpson's
/// rule for the convolution with the normal step, error O(h⁴)).
fn ruin_probability(c: f64, months: usize, h: f64) -> f64 {
    let top = c + 12.0 + 6.0 * SD * (months as f64).sqrt();
    // An odd number of points for Simpson's rule.
    let n = ((top / h).ceil() as usize / 2) * 2 + 1;
    let xs: Vec<f64> = (0..n).map(|i| i as f64 * h).collect();
    let weights: Vec<f64> = (0..n)
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
        .collect();
    let phi = |z: f64| (-0.5 * z * z).exp() / (SD * (2.0 * std::f64::consts::PI).sqrt());
    // Month 1: from the point mass at c.
    let mut density: Vec<f64> = xs.iter().map(|&y| phi((y - c - MEAN) / SD)).collect();
    for _ in 1..months {
        let weighted: Vec<f64> = density.iter().zip(&weights).map(|(d, w)| d * w).collect();
        density = xs
            .iter()
            .map(|&y| {
                xs.iter()
                    .zip(&weighted)
                    .map(|(&x, &d)| d * phi((y - x - MEAN) / SD))
                    .sum()
            })
            .collect();
    }
    let survive: f64 = density.iter().zip(&weights).map(|(d, w)| d * w).sum();
    1.0 - survive
}

/// The starting cash at which the oracle's ruin probability is `target`.
fn oracle_cash(target: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 40.0);
    while hi - lo > 1e-4 {
        let mid = 0.5 * (lo + hi);
        if ruin_probability(mid, MONTHS, 0.05) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

fn solve_json(args: &[&str]) -> (Value, Vec<u8>) {
    let out = Command::cargo_bin("runway")
        .unwrap()
        .args(["solve", "-q", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (serde_json::from_slice(&out.stdout).unwrap(), out.stdout)
}

fn refused(args: &[&str]) -> String {
    let out = Command::cargo_bin("runway")
        .unwrap()
        .arg("solve")
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{:?}", out);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_oracle_matches_the_closed_form_of_one_month_and_its_own_finer_grid() {
    let normal = Normal::new(0.0, 1.0).unwrap();
    for c in [0.5, 1.0, 2.5] {
        let exact = normal.cdf((-c - MEAN) / SD);
        let grid = ruin_probability(c, 1, 0.05);
        assert!((grid - exact).abs() < 1e-7, "c {c}: {grid} vs {exact}");
    }
    let coarse = ruin_probability(12.0, MONTHS, 0.05);
    let fine = ruin_probability(12.0, MONTHS, 0.025);
    assert!((coarse - fine).abs() < 1e-6, "{coarse} vs {fine}");
}

#[test]
fn solve_finds_the_starting_cash_of_the_gaussian_walk_within_the_oracles_tolerance() {
    let (_dir, path) = walk_file();
    let file = path.to_str().unwrap();
    for (target, tolerance) in [(0.10, 0.05), (0.05, 0.05), (0.01, 0.12)] {
        let oracle = oracle_cash(target);
        let t = target.to_string();
        let (v, _) = solve_json(&[
            file,
            "--scenario",
            "free",
            "--vary",
            "cash.initial",
            "--target",
            &t,
            "--paths",
            "200000",
        ]);
        let value = v["value"].as_f64().unwrap();
        let ci = [
            v["value_ci95"][0].as_f64().unwrap(),
            v["value_ci95"][1].as_f64().unwrap(),
        ];
        assert!(
            (value - oracle).abs() <= tolerance,
            "target {target}: solve {value}, oracle {oracle}"
        );
        assert!(
            ci[0] <= oracle && oracle <= ci[1],
            "target {target}: oracle {oracle} outside {ci:?}"
        );
        assert!(v["evaluations"].as_u64().unwrap() <= 25);
        let p = v["probability"].as_f64().unwrap();
        assert!(p <= target, "P {p} above the target {target}");
    }
}

#[test]
fn solve_gives_the_same_bytes_for_one_and_two_threads() {
    let (_dir, path) = walk_file();
    let file = path.to_str().unwrap();
    let args = |t: &'static str| {
        [
            file,
            "--vary",
            "cash.initial",
            "--target",
            "0.05",
            "--paths",
            "50000",
            "--threads",
            t,
        ]
    };
    let (_, one) = solve_json(&args("1"));
    let (_, two) = solve_json(&args("2"));
    assert_eq!(one, two);
}

#[test]
fn a_shift_of_a_distribution_keeps_the_paths_and_moves_every_draw() {
    // Shifting the walk's mean by +0.25 each month: the same normals, so
    // the answer lies where the walk has no drift.
    let (_dir, path) = walk_file();
    let file = path.to_str().unwrap();
    let (v, _) = solve_json(&[
        file,
        "--scenario",
        "free",
        "--vary",
        "flows.walk.amount",
        "--shift",
        "--target",
        "0.05",
        "--min",
        "0",
        "--max",
        "1",
        "--paths",
        "20000",
    ]);
    let value = v["value"].as_f64().unwrap();
    assert!(value > 0.0 && value < 1.0, "{value}");
    assert_eq!(v["mode"], "shift");
    let label = v["field_at_value"].as_str().unwrap();
    assert!(label.starts_with("normal(mean "), "{label}");
    // With --scale the field's sd stretches too.
    let (s, _) = solve_json(&[
        file,
        "--set",
        "cash.initial=20",
        "--vary",
        "scale:costs.rent.growth",
        "--target",
        "0.5",
        "--min",
        "0.1",
        "--max",
        "50",
        "--paths",
        "20000",
    ]);
    assert_eq!(s["mode"], "scale");
    let k = s["value"].as_f64().unwrap();
    assert!(k > 0.1 && k < 50.0, "{k}");
    let label = s["field_at_value"].as_str().unwrap();
    assert!(label.starts_with("normal(mean "), "{label}");
}

#[test]
fn a_frontier_of_two_levers_gives_a_row_per_step() {
    let (dir, path) = walk_file();
    let file = path.to_str().unwrap();
    let svg = dir.path().join("frontier.svg");
    let (v, _) = solve_json(&[
        file,
        "--vary",
        "costs.rent.monthly",
        "--min",
        "0",
        "--max",
        "1",
        "--vary",
        "cash.initial",
        "--min",
        "0",
        "--max",
        "60",
        "--steps",
        "4",
        "--target",
        "0.05",
        "--paths",
        "20000",
        "--plot",
        svg.to_str().unwrap(),
    ]);
    let rows = v["frontier"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let values: Vec<f64> = rows.iter().map(|r| r["value"].as_f64().unwrap()).collect();
    assert!(values.windows(2).all(|w| w[0] < w[1]), "{values:?}");
    let text = std::fs::read_to_string(svg).unwrap();
    assert!(text.contains("<title>") && text.contains("<desc>"));
}

#[test]
fn bad_solve_input_is_refused_with_exit_code_2_and_a_clear_message() {
    let (_dir, path) = walk_file();
    let file = path.to_str().unwrap();
    let base = |extra: &[&str]| {
        let mut a = vec![file, "--paths", "5000", "-q"];
        a.extend_from_slice(extra);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run = |extra: &[&str]| {
        let args = base(extra);
        refused(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let unknown = run(&["--vary", "cash.intial", "--target", "0.05"]);
    assert!(unknown.contains("did you mean `cash.initial`"), "{unknown}");
    let text = run(&["--vary", "model.name", "--target", "0.05"]);
    assert!(text.contains("not a number the solver can vary"), "{text}");
    let dist = run(&["--vary", "flows.walk.amount", "--target", "0.05"]);
    assert!(dist.contains("--shift"), "{dist}");
    for bad in ["0", "1", "1.5", "-0.1", "abc"] {
        let t = run(&["--vary", "cash.initial", "--target", bad]);
        assert!(t.contains("between 0 and 1"), "{t}");
    }
    let order = run(&[
        "--vary",
        "cash.initial",
        "--target",
        "0.05",
        "--min",
        "9",
        "--max",
        "3",
    ]);
    assert!(order.contains("must be below --max"), "{order}");
    let far = run(&[
        "--vary",
        "cash.initial",
        "--target",
        "0.05",
        "--min",
        "100",
        "--max",
        "200",
    ]);
    assert!(far.contains("not reached"), "{far}");
    let invalid = run(&[
        "--vary",
        "costs.rent.monthly",
        "--target",
        "0.05",
        "--min",
        "-5",
        "--max",
        "3",
    ]);
    assert!(invalid.contains("costs.rent.monthly"), "{invalid}");
    let lognormal_shift = run(&[
        "--vary",
        "shift:cash.initial",
        "--target",
        "0.05",
        "--set",
        "cash.initial={lognormal={median=5,log_sd=0.2}}",
    ]);
    assert!(
        lognormal_shift.contains("no location parameter"),
        "{lognormal_shift}"
    );
}

#[test]
fn solve_works_with_a_scenario_overrides_and_latin_hypercube_on_the_openai_model() {
    let args = |sampling: &'static str| {
        [
            "--scenario",
            "article",
            "--set",
            "funding.microsoft.probability=1",
            "--set",
            "funding.microsoft.amount=5000",
            "--vary",
            "funding.microsoft.amount",
            "--target",
            "0.02",
            "--paths",
            "20000",
            "--sampling",
            sampling,
        ]
    };
    let (mc, _) = solve_json(&args("mc"));
    let (lhs, _) = solve_json(&args("lhs"));
    for v in [&mc, &lhs] {
        assert_eq!(v["setting"]["scenario"], "article");
        let value = v["value"].as_f64().unwrap();
        assert!(value > 0.0 && value < 10_000.0, "{value}");
        assert!(v["probability"].as_f64().unwrap() <= 0.02);
    }
    assert!(lhs["setting"]["sampling"]
        .as_str()
        .unwrap()
        .starts_with("Latin hypercube"));
    // The two samplings draw different paths, so their answers differ a
    // little, each inside the other's value interval or close to it.
    let (a, b) = (
        mc["value"].as_f64().unwrap(),
        lhs["value"].as_f64().unwrap(),
    );
    assert!((a - b).abs() < 0.2 * a, "{a} vs {b}");
}

#[test]
fn inputs_given_by_quantiles_are_scaled_through_their_given_values() {
    // A lognormal fitted to two quantiles, scaled: the solver's answer is
    // the same model as the scaled quantiles written by hand (same count).
    let fixture = "tests/fixtures/metalog_inputs.toml";
    let (v, _) = solve_json(&[
        fixture,
        "--vary",
        "revenue.sales.monthly",
        "--scale",
        "--target",
        "0.05",
        "--paths",
        "20000",
    ]);
    let k = v["value"].as_f64().unwrap();
    let by_hand = format!(
        "revenue.sales.monthly={{ lognormal = {{ quantiles = [[0.05, {:?}], [0.95, {:?}]] }} }}",
        20.0 * k,
        90.0 * k
    );
    let out = Command::cargo_bin("runway")
        .unwrap()
        .args(["run", fixture, "--paths", "20000", "-q", "--format", "json"])
        .args(["--set", &by_hand])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(run["insolvency"]["probability"], v["probability"]);
    // A metalog shifts: its given values and its lower bound move.
    let (m, _) = solve_json(&[
        fixture,
        "--vary",
        "cash.initial",
        "--shift",
        "--target",
        "0.05",
        "--paths",
        "20000",
    ]);
    let label = m["field_at_value"].as_str().unwrap();
    assert!(label.starts_with("metalog("), "{label}");
}

#[test]
fn a_search_that_cannot_narrow_the_answer_says_where_it_lies_instead_of_answering() {
    let (_dir, path) = walk_file();
    let file = path.to_str().unwrap();
    let message = refused(&[
        file,
        "--vary",
        "cash.initial",
        "--min",
        "0",
        "--max",
        "1e12",
        "--target",
        "0.1",
        "--paths",
        "20000",
        "-q",
    ]);
    assert!(message.contains("before narrowing the answer"), "{message}");
    assert!(message.contains("raise --max-evaluations"), "{message}");
    let message = refused(&[
        file,
        "--vary",
        "cash.initial",
        "--min=-1e308",
        "--max=1e308",
        "--target",
        "0.1",
    ]);
    assert!(message.contains("too wide to search"), "{message}");
    let message = refused(&[
        file,
        "--vary",
        "cash.initial",
        "--vary",
        "cash.initial",
        "--target",
        "0.1",
    ]);
    assert!(message.contains("two different fields"), "{message}");
}
