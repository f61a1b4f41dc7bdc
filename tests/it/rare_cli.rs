//! `runway run --rare` as a user meets it: the flags it refuses and why
//! (exit code 2), the JSON's keys, tables within 80 columns, the same bytes
//! for any thread count and any shard split, atomic `--out`, the merge's
//! refusals, and an unreliable estimate reported and failed (exit code 1).
//!
//! The identity checks run every method in [`METHODS`] (the estimators a
//! build has; each new method is added there).

use assert_cmd::Command;
use runway::analysis::rare::{auto_method, Method};
use runway::engine::Plan;
use runway::model::{load_file, LoadOptions};
use serde_json::Value;
use std::path::Path;

/// The methods whose results must not depend on threads or shards.
const METHODS: [&str; 3] = ["plain", "tilt", "split"];

fn runway() -> Command {
    let mut c = Command::cargo_bin("runway").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// The exit code, stdout and stderr of `runway ARGS`.
fn outcome(args: &[&str]) -> (Option<i32>, String, String) {
    let out = runway().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// stdout of `runway ARGS`, which must succeed.
fn ok(args: &[&str]) -> String {
    let (code, stdout, stderr) = outcome(args);
    assert_eq!(code, Some(0), "runway {args:?}: {stderr}");
    stdout
}

/// The JSON of a successful rare-event command, without its `run` timing.
fn json_without_run(args: &[&str]) -> String {
    let mut v: Value = serde_json::from_str(&ok(args)).unwrap();
    v.as_object_mut().unwrap().remove("run");
    serde_json::to_string(&v).unwrap()
}

fn refused_with(args: &[&str], words: &[&str]) {
    let (code, stdout, stderr) = outcome(args);
    assert_eq!(code, Some(2), "runway {args:?}: {stderr}");
    assert!(stdout.is_empty(), "runway {args:?} printed {stdout}");
    for w in words {
        assert!(stderr.contains(w), "runway {args:?}: `{w}` not in {stderr}");
    }
}

#[test]
fn flags_that_need_unweighted_paths_or_a_precision_loop_are_refused_with_the_reason() {
    let m = "configs/startup_seed.toml";
    let base = ["run", m, "-q", "-n", "2000", "--rare", "plain"];
    fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        [base, extra].concat()
    }
    refused_with(
        &with(&base, &["--precision", "0.01"]),
        &["--precision", "--paths"],
    );
    refused_with(&with(&base, &["--fan"]), &["--fan", "weights"]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    refused_with(&with(&base, &["--out", out, "--per-path"]), &["--per-path"]);
    refused_with(&with(&base, &["--plots", out]), &["--plots"]);
    refused_with(
        &with(&base, &["--sampling", "lhs"]),
        &["--sampling", "scores"],
    );
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn compare_and_sensitivity_refuse_rare_and_say_why() {
    let m = "configs/startup_seed.toml";
    refused_with(
        &["compare", m, "--rare", "-q"],
        &["common random numbers", "--scenario NAME --rare"],
    );
    refused_with(
        &["sensitivity", m, "--rare=tilt", "-q"],
        &["weighted", "without --rare"],
    );
}

#[test]
fn an_unknown_method_is_refused_by_the_parser() {
    let (code, _, stderr) = outcome(&["run", "configs/startup_seed.toml", "--rare", "ce"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("auto") && stderr.contains("split"),
        "{stderr}"
    );
}

#[test]
fn json_keeps_the_run_reports_keys_and_adds_the_rare_object() {
    let text = ok(&[
        "run",
        "configs/startup_seed.toml",
        "--rare",
        "plain",
        "-n",
        "4096",
        "-q",
        "-f",
        "json",
    ]);
    let v: Value = serde_json::from_str(&text).unwrap();
    for key in [
        "runway_version",
        "model",
        "paths",
        "seed",
        "start",
        "horizon",
        "unit",
        "floor",
        "insolvency",
        "rare",
        "reliable",
        "warnings",
        "run",
    ] {
        assert!(v.get(key).is_some(), "no `{key}` in {text}");
    }
    let ins = &v["insolvency"];
    for key in [
        "probability",
        "ci95",
        "interval_method",
        "by_month",
        "median_month",
    ] {
        assert!(ins.get(key).is_some(), "no insolvency.{key}");
    }
    let month = &ins["by_month"][0];
    for key in [
        "month",
        "cumulative_probability",
        "cumulative_ci95",
        "cumulative_standard_error",
        "cumulative_relative_error",
        "cumulative_effective_paths",
        "probability_in_month",
        "share_of_insolvencies",
    ] {
        assert!(month.get(key).is_some(), "no by_month[].{key}");
    }
    let rare = &v["rare"];
    for key in [
        "method",
        "interval",
        "effective_paths",
        "relative_error",
        "pilot_paths",
        "simulated_paths",
        "levels",
        "shifts",
        "splitting_factors",
        "acceptance",
        "warnings",
    ] {
        assert!(rare.get(key).is_some(), "no rare.{key}");
    }
    assert_eq!(rare["method"], "plain");
    assert_eq!(
        rare["interval"],
        "normal, ±1.96 standard errors of the mean of independent units"
    );
    assert_eq!(v["reliable"], true);
    // Plain Monte Carlo: the estimate is the share of insolvent paths.
    let p = ins["probability"].as_f64().unwrap();
    let seen = rare["event_paths"].as_f64().unwrap();
    assert_eq!(p, seen / 4096.0);
}

#[test]
fn every_rare_table_fits_80_columns() {
    for model in [
        "configs/openai_2024.toml",
        "configs/startup_seed.toml",
        "tests/fixtures/long_names.toml",
    ] {
        let table = ok(&["run", model, "--rare", "plain", "-n", "2048", "-q"]);
        for line in table.lines() {
            assert!(
                line.chars().count() <= 80,
                "{model}: {} columns:\n{line}",
                line.chars().count()
            );
        }
        assert!(table.contains("P(insolvent by"), "{table}");
    }
}

#[test]
fn json_is_identical_for_one_two_and_sixteen_threads() {
    for method in METHODS {
        let run = |threads: &str| {
            json_without_run(&[
                "run",
                "configs/startup_seed.toml",
                "--rare",
                method,
                "-n",
                // 40 blocks: splitting's 40 replicates reach its bar of 30.
                "40960",
                "-t",
                threads,
                "-q",
                "-f",
                "json",
            ])
        };
        let one = run("1");
        assert_eq!(one, run("2"), "{method}: 2 threads");
        assert_eq!(one, run("16"), "{method}: 16 threads");
    }
}

/// The merged JSON (without `run`) of `shards` shards of a rare run.
fn merged(method: &str, paths: &str, shards: u64, dir: &Path) -> String {
    let mut files = Vec::new();
    for k in 0..shards {
        let file = dir.join(format!("{method}-{shards}-{k}.json"));
        let shard = format!("{k}/{shards}");
        ok(&[
            "run",
            "configs/startup_seed.toml",
            "--rare",
            method,
            "-n",
            paths,
            "-t",
            "1",
            "-q",
            "--shard",
            &shard,
            "--partial",
            file.to_str().unwrap(),
        ]);
        files.push(file.to_str().unwrap().to_string());
    }
    // Any order of the files.
    files.reverse();
    let mut args = vec!["merge", "-f", "json"];
    args.extend(files.iter().map(String::as_str));
    json_without_run(&args)
}

#[test]
fn one_four_and_sixty_four_shards_merge_into_the_unsharded_json() {
    let dir = tempfile::tempdir().unwrap();
    let paths = "65536";
    for method in METHODS {
        let whole = json_without_run(&[
            "run",
            "configs/startup_seed.toml",
            "--rare",
            method,
            "-n",
            paths,
            "-q",
            "-f",
            "json",
        ]);
        for shards in [1, 4, 64] {
            assert_eq!(
                whole,
                merged(method, paths, shards, dir.path()),
                "{method}: {shards} shards"
            );
        }
    }
}

#[test]
fn merge_refuses_a_mix_of_rare_and_plain_shards_a_duplicate_and_a_missing_shard() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let shard = |rare: bool, k: u64, name: &str| {
        let shard = format!("{k}/2");
        let mut args = vec![
            "run",
            "configs/startup_seed.toml",
            "-n",
            "4096",
            "-q",
            "--shard",
            &shard,
        ];
        let path = file(name);
        args.extend(["--partial", &path]);
        if rare {
            args.extend(["--rare", "plain"]);
        }
        ok(&args);
    };
    shard(true, 0, "r0.json");
    shard(true, 1, "r1.json");
    shard(false, 1, "p1.json");
    refused_with(
        &["merge", &file("r0.json"), &file("p1.json")],
        &["another run", "rare-event method"],
    );
    refused_with(
        &["merge", &file("p1.json"), &file("r0.json")],
        &["another run", "rare-event method"],
    );
    refused_with(
        &["merge", &file("r0.json"), &file("r0.json")],
        &["given twice"],
    );
    refused_with(&["merge", &file("r0.json")], &["missing", "1/2"]);
    refused_with(
        &["merge", "--fan", &file("r0.json"), &file("r1.json")],
        &["--fan"],
    );
    let both = ok(&["merge", &file("r1.json"), &file("r0.json")]);
    assert!(both.contains("2 shards"), "{both}");
}

#[test]
fn out_writes_the_report_files_together_and_refuses_to_replace_them_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rare");
    let out_s = out.to_str().unwrap();
    let args = [
        "run",
        "configs/startup_seed.toml",
        "--rare",
        "plain",
        "-n",
        "4096",
        "-q",
        "-f",
        "json",
        "--out",
        out_s,
    ];
    let printed = ok(&args);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["manifest.json", "rare.csv", "rare.json"]);
    assert_eq!(
        std::fs::read_to_string(out.join("rare.json")).unwrap(),
        printed
    );
    let csv = std::fs::read_to_string(out.join("rare.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + 24,
        "a header and 24 months:\n{csv}"
    );
    refused_with(&args, &["--force", "rare.json"]);
    ok(&[&args[..], &["--force"]].concat());
}

#[test]
fn an_estimate_its_diagnostics_distrust_is_shown_marked_and_exits_with_code_1() {
    // Plain Monte Carlo on the rare walk sees no insolvent path at all.
    let (code, stdout, stderr) = outcome(&[
        "run",
        "configs/rare_walk.toml",
        "--rare",
        "plain",
        "-n",
        "4096",
        "-q",
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.contains("UNRELIABLE"), "{stdout}");
    assert!(stdout.contains("P(insolvent by 2026-05) = 0"), "{stdout}");
    assert!(stderr.contains("unreliable"), "{stderr}");
    let (code, json, _) = outcome(&[
        "run",
        "configs/rare_walk.toml",
        "--rare=plain",
        "-n",
        "4096",
        "-q",
        "-f",
        "json",
    ]);
    assert_eq!(code, Some(1));
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["reliable"], false);
    assert!(!v["warnings"].as_array().unwrap().is_empty());
}

#[test]
fn auto_picks_splitting_for_triggers_repeating_shocks_and_debt_and_tilting_for_a_walk() {
    let method = |name: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
        let model = load_file(&path, &LoadOptions::default()).unwrap();
        let plan = Plan::new(&model).driven_by_scores();
        auto_method(&model, &plan)
    };
    let (walk, why) = method("configs/rare_walk.toml");
    assert_eq!(walk, Method::Tilt, "{why}");
    for name in ["configs/startup_seed.toml", "configs/startup_debt.toml"] {
        let (m, why) = method(name);
        assert_eq!(m, Method::Split, "{name}: {why}");
        assert!(why.starts_with("auto: "), "{why}");
    }
}

/// P(a walk from `c` with N(`mean`, `sd`) steps goes below 0 within
/// `months` months): the shared density-propagation oracle, grid step `h`.
/// The oracle of `configs/rare_walk.toml`.
fn walk_ruin_probability(c: f64, mean: f64, sd: f64, months: usize, h: f64) -> f64 {
    crate::walk_oracle::ruin_by_month(c, mean, sd, months, h)[months - 1]
}

#[test]
fn the_rare_walks_oracle_is_the_value_its_config_states_and_agrees_with_plain_monte_carlo() {
    let p = walk_ruin_probability(24.0, -0.25, 1.0, 17, 0.05);
    assert!((p - 9.0726e-7).abs() < 1e-10, "oracle {p:e}");
    let config = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/rare_walk.toml"),
    )
    .unwrap();
    assert!(config.contains("9.0726e-7"), "{config}");
    // From cash 8 the ruin is common: plain Monte Carlo checks the oracle.
    let p8 = walk_ruin_probability(8.0, -0.25, 1.0, 17, 0.05);
    let v: Value = serde_json::from_str(&ok(&[
        "run",
        "configs/rare_walk.toml",
        "--set",
        "cash.initial=8",
        "--rare",
        "plain",
        "-n",
        "100000",
        "-q",
        "-f",
        "json",
    ]))
    .unwrap();
    let ins = &v["insolvency"];
    let (estimate, se) = (
        ins["probability"].as_f64().unwrap(),
        ins["standard_error"].as_f64().unwrap(),
    );
    assert!(
        (estimate - p8).abs() <= 4.0 * se,
        "oracle {p8}, plain Monte Carlo {estimate} ± {se}"
    );
}

#[test]
fn bench_rare_reports_the_gain_and_where_plain_monte_carlos_p_came_from() {
    let v: Value = serde_json::from_str(&ok(&[
        "bench",
        "configs/startup_seed.toml",
        "--rare",
        "plain",
        "-n",
        "20000",
        "-t",
        "2",
        "-f",
        "json",
    ]))
    .unwrap();
    assert_eq!(v["method"], "plain");
    assert_eq!(v["plain_variance_from"], "plain");
    let gain = v["gain"].as_f64().unwrap();
    // The same estimator twice: the gain is the ratio of the times alone,
    // within the noise of two runs.
    assert!(gain > 0.0 && gain.is_finite(), "{v}");
    let table = ok(&[
        "bench",
        "configs/rare_walk.toml",
        "--rare",
        "plain",
        "-n",
        "2048",
    ]);
    assert!(table.contains("p from rare"), "{table}");
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
}
