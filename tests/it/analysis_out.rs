//! `--out DIR` of compare, sensitivity and backtest (CSV, JSON, chart and a
//! manifest listing them, checked before the run), merge's `--out` next to
//! run's, and compare's reference row.

use assert_cmd::Command;
use predicates::prelude::*;
use runway::files::{BACKTEST_FILES, COMPARE_FILES, OUTPUT_FILES, SENSITIVITY_FILES};
use std::path::Path;

fn runway() -> Command {
    Command::cargo_bin("runway").unwrap()
}

/// The arguments of each analysis command on a small run, without `--out`.
fn commands() -> Vec<(&'static str, Vec<&'static str>, &'static [&'static str])> {
    vec![
        (
            "compare",
            vec![
                "compare",
                "configs/startup_seed.toml",
                "--paths",
                "3000",
                "-q",
            ],
            &COMPARE_FILES,
        ),
        (
            "sensitivity",
            vec![
                "sensitivity",
                "configs/startup_seed.toml",
                "--paths",
                "3000",
                "-q",
            ],
            &SENSITIVITY_FILES,
        ),
        (
            "backtest",
            vec![
                "backtest",
                "configs/backtest_example.toml",
                "--actual",
                "configs/backtest_example_actual.csv",
                "--paths",
                "3000",
                "-q",
            ],
            &BACKTEST_FILES,
        ),
    ]
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn each_analysis_writes_its_files_and_a_manifest_that_lists_them() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, args, files) in commands() {
        let dir = tmp.path().join(name);
        let printed = runway()
            .args(&args)
            .args(["--format", "json", "--out"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            printed.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&printed.stderr)
        );
        assert_eq!(names_in(&dir), sorted(files), "{name}");
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        let listed: Vec<&str> = manifest["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        let others: Vec<&str> = files
            .iter()
            .copied()
            .filter(|f| *f != "manifest.json")
            .collect();
        assert_eq!(
            listed, others,
            "{name}: the manifest lists every other file"
        );
        assert_eq!(manifest["paths"], 3000, "{name}");
        assert_eq!(manifest["seed"], 2023, "{name}");
        // The JSON file is the report printed with --format json.
        let json = files
            .iter()
            .find(|f| f.ends_with(".json") && **f != "manifest.json");
        let written = std::fs::read(dir.join(json.unwrap())).unwrap();
        assert_eq!(
            without_timing(&written),
            without_timing(&printed.stdout),
            "{name}"
        );
        for svg in files.iter().filter(|f| f.ends_with(".svg")) {
            let text = std::fs::read_to_string(dir.join(svg)).unwrap();
            assert!(text.starts_with("<svg"), "{name}: {svg}");
        }
    }
}

/// A report's JSON without its `run` timing (which differs between runs).
fn without_timing(json: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(json).unwrap();
    if let Some(o) = v.as_object_mut() {
        o.remove("run");
    }
    v
}

#[test]
fn an_unusable_out_folder_fails_every_analysis_before_it_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a_file");
    std::fs::write(&file, "x").unwrap();
    for (name, args, _) in commands() {
        // 10^15 paths would take years: only a refusal comes back in time.
        let mut args = args.clone();
        let at = args.iter().position(|a| *a == "3000").unwrap();
        args[at] = "1000000000000000";
        runway()
            .args(&args)
            .arg("--out")
            .arg(file.join("below"))
            .timeout(std::time::Duration::from_secs(30))
            .assert()
            .code(1)
            .stderr(predicate::str::contains("cannot create the output folder"));
        runway()
            .args(&args)
            .arg("--out")
            .arg(&file)
            .timeout(std::time::Duration::from_secs(30))
            .assert()
            .code(1)
            .stderr(predicate::str::contains("a_file"));
        assert!(std::fs::read(&file).unwrap() == b"x", "{name}");
    }
}

#[test]
fn an_analysis_does_not_replace_its_own_output_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, args, _) in commands() {
        let dir = tmp.path().join(name);
        runway()
            .args(&args)
            .arg("--out")
            .arg(&dir)
            .assert()
            .success();
        let before = std::fs::read(dir.join("manifest.json")).unwrap();
        runway()
            .args(&args)
            .arg("--out")
            .arg(&dir)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--force"));
        assert_eq!(std::fs::read(dir.join("manifest.json")).unwrap(), before);
        runway()
            .args(&args)
            .args(["--force", "--out"])
            .arg(&dir)
            .assert()
            .success();
    }
}

#[test]
fn merge_out_writes_the_same_files_and_charts_as_run_out() {
    let tmp = tempfile::tempdir().unwrap();
    let common = ["configs/startup_seed.toml", "--paths", "4096", "-q"];
    runway()
        .arg("run")
        .args(common)
        .arg("--out")
        .arg(tmp.path().join("whole"))
        .assert()
        .success();
    let mut parts = Vec::new();
    for k in 0..2 {
        let part = tmp.path().join(format!("part-{k}.json"));
        runway()
            .arg("run")
            .args(common)
            .args(["--shard", &format!("{k}/2"), "--partial"])
            .arg(&part)
            .assert()
            .success();
        parts.push(part);
    }
    runway()
        .arg("merge")
        .args(&parts)
        .args(["-f", "json", "--out"])
        .arg(tmp.path().join("merged"))
        .assert()
        .success();
    let whole = names_in(&tmp.path().join("whole"));
    assert_eq!(whole, names_in(&tmp.path().join("merged")));
    let charts: Vec<&String> = whole.iter().filter(|f| f.ends_with(".svg")).collect();
    assert!(charts.len() >= 4, "run --out writes its charts: {whole:?}");
    for file in whole.iter().filter(|f| *f != "manifest.json") {
        assert!(OUTPUT_FILES.contains(&file.as_str()), "{file}");
        assert_eq!(
            std::fs::read(tmp.path().join("whole").join(file)).unwrap(),
            std::fs::read(tmp.path().join("merged").join(file)).unwrap(),
            "{file} differs"
        );
    }
}

/// The `scenario` of each row of `runway compare ARGS --format json`, and
/// the first row's difference from the reference.
fn compare_rows(args: &[&str]) -> (Vec<String>, f64) {
    let out = runway()
        .arg("compare")
        .args(args)
        .args(["--paths", "2000", "-q", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v["scenarios"].as_array().unwrap();
    let names = rows
        .iter()
        .map(|r| r["scenario"].as_str().unwrap().to_string())
        .collect();
    (
        names,
        rows[0]["difference"]["probability"].as_f64().unwrap(),
    )
}

#[test]
fn compare_measures_every_scenario_against_the_model_as_written() {
    let (names, first) = compare_rows(&["configs/startup_seed.toml"]);
    assert_eq!(names, ["(as written)", "no_series_a", "faster_hiring"]);
    assert_eq!(first, 0.0);
}

#[test]
fn a_scenario_that_changes_nothing_is_the_reference_row_under_its_own_name() {
    let (names, _) = compare_rows(&[]);
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
}

#[test]
fn scenarios_named_on_the_command_line_take_the_first_as_the_reference() {
    let (names, first) = compare_rows(&[
        "configs/startup_seed.toml",
        "--scenarios",
        "faster_hiring,no_series_a",
    ]);
    assert_eq!(names, ["faster_hiring", "no_series_a"]);
    assert_eq!(first, 0.0);
}

#[test]
fn the_report_compares_the_scenarios_against_the_model_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("report.html");
    runway()
        .args([
            "report",
            "configs/startup_seed.toml",
            "--paths",
            "3000",
            "-q",
            "--out",
        ])
        .arg(&html)
        .assert()
        .success();
    let text = std::fs::read_to_string(&html).unwrap();
    let reference = text
        .find("(as written)")
        .expect("a row for the model as written");
    let scenario = text.find("no_series_a").expect("a row per scenario");
    assert!(reference < scenario, "the model as written comes first");
}
