//! `runway update` as a user meets it: its flags checked before the run
//! (exit code 2, the flag, the value and the rule), `--shard` refused with
//! the reason, its table within 80 columns, its JSON keys and their
//! independence of the thread count, and `--out` written whole or not at
//! all. The renderers are also tested on a reforecast built by hand, so
//! that their layout does not depend on the filter's numbers.

use assert_cmd::Command;
use predicates::prelude::*;
use runway::analysis::backtest::{Actuals, InsolvencyOutcome, Observation, Quantity};
use runway::analysis::update::{
    Forecast, InputPosterior, MonthProbability, Spread, StepDiagnostics, Update, UpdateSpec,
};
use runway::files::UPDATE_FILES;
use runway::model::{load_str, LoadOptions, Model, Month};
use runway::output::{Render, UpdateReport};
use std::path::{Path, PathBuf};

fn runway() -> Command {
    let mut c = Command::cargo_bin("runway").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// A year with a real chance of running out: uncertain cash, sales and burn.
const MODEL: &str = r#"
[model]
name = "a year of burn"
start = "2024-01"
horizon = "2024-12"
unit = "USD thousands"

[cash]
initial = { uniform = { min = 80, max = 200 } }

[revenue.sales]
monthly = { uniform = { min = 5, max = 15 } }

[costs.burn]
monthly = { uniform = { min = 15, max = 25 } }
"#;

/// What was observed in the first three months (cash and revenue).
const ACTUALS: &str = "month,cash,revenue\n2024-01,130,9\n2024-02,121,9.5\n2024-03,112,9.2\n";

/// The model and actuals written into `dir`.
fn files(dir: &Path, actuals: &str) -> (PathBuf, PathBuf) {
    let model = dir.join("year.toml");
    let actual = dir.join("actual.csv");
    std::fs::write(&model, MODEL).unwrap();
    std::fs::write(&actual, actuals).unwrap();
    (model, actual)
}

/// `runway update MODEL --actual ACTUAL` with `args`, on 2 000 paths
/// unless `args` say how many.
fn update(model: &Path, actual: &Path, args: &[&str]) -> Command {
    let mut c = runway();
    c.arg("update")
        .arg(model)
        .arg("--actual")
        .arg(actual)
        .arg("-q");
    if !args.contains(&"--paths") {
        c.args(["--paths", "2000"]);
    }
    c.args(args);
    c
}

#[test]
fn bad_flags_are_refused_before_the_run_naming_the_flag_value_and_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let (model, actual) = files(tmp.path(), ACTUALS);
    for (args, says) in [
        (
            &["--as-of", "2025-03"][..],
            "--as-of 2025-03: must be a month from the model's start 2024-01",
        ),
        (&["--as-of", "2024-12"], "--as-of 2024-12: must be a month"),
        (&["--as-of", "2023-12"], "--as-of 2023-12: must be a month"),
        (
            &["--as-of", "March"],
            "--as-of March: not a month; write YYYY-MM",
        ),
        (&["--as-of", "2024-02"], "observes 2024-03, after it"),
        (
            &["--error", "cash=0"],
            "--error cash=0: the relative error must be a number above 0",
        ),
        (
            &["--error", "burn=0.1"],
            "`burn` is not an observed quantity",
        ),
        (
            &["--error", "revenue=0.1,revenue=0.2"],
            "revenue is given twice",
        ),
        (
            &["--resample-below", "1.5"],
            "--resample-below 1.5: must be a share",
        ),
        (
            &["--moves", "-2"],
            "--moves -2: must be a whole number from 0",
        ),
        (&["--paths", "10"], "--paths 10: an update needs at least"),
        (&["--threads", "0"], "--threads must be at least 1"),
    ] {
        update(&model, &actual, args)
            .timeout(std::time::Duration::from_secs(30))
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(says));
    }
}

#[test]
fn a_sharded_update_is_refused_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let (model, actual) = files(tmp.path(), ACTUALS);
    update(&model, &actual, &["--shard", "0/4"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--shard 0/4: runway update cannot be sharded")
                .and(predicate::str::contains("resampling weighs every path")),
        );
}

#[test]
fn actuals_the_model_cannot_simulate_are_refused_naming_the_column() {
    let tmp = tempfile::tempdir().unwrap();
    for (actuals, says) in [
        // The model has no users × arpu line.
        ("month,users\n2024-02,1000\n", "users"),
        ("month,headcount\n2024-02,12\n", "unknown column"),
        ("month,cash\n2025-02,100\n", "2025-02"),
        ("month,cash,insolvent\n2024-02,-5,2024-02\n", "insolvent"),
    ] {
        let (model, actual) = files(tmp.path(), actuals);
        update(&model, &actual, &[])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("actual.csv").and(predicate::str::contains(says)));
    }
}

#[test]
fn an_unusable_out_folder_is_refused_before_the_run_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (model, actual) = files(tmp.path(), ACTUALS);
    let file = tmp.path().join("a_file");
    std::fs::write(&file, "x").unwrap();
    // 10^15 paths would not fit in memory: only a refusal before the run
    // comes back, and it must be the folder's.
    for (out, says) in [
        (file.join("below"), "cannot create the output folder"),
        (file.clone(), "a_file"),
    ] {
        runway()
            .arg("update")
            .arg(&model)
            .arg("--actual")
            .arg(&actual)
            .args(["--paths", "1000000000000000", "-q", "--out"])
            .arg(&out)
            .timeout(std::time::Duration::from_secs(30))
            .assert()
            .code(1)
            .stderr(predicate::str::contains(says));
    }
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
}

#[test]
fn a_failed_update_leaves_no_out_folder_and_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    // No path of the model shows no revenue (sales at least 5 a month):
    // the lognormal error cannot reach 0.
    let (model, actual) = files(tmp.path(), "month,revenue\n2024-02,0\n");
    let out = tmp.path().join("out");
    update(&model, &actual, &["--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no path of the model can show revenue 0",
        ))
        .stdout(predicate::str::is_empty());
    assert!(!out.exists(), "a failed update created {}", out.display());
    let existing = tmp.path().join("existing");
    std::fs::create_dir(&existing).unwrap();
    update(&model, &actual, &["--out"])
        .arg(&existing)
        .assert()
        .failure();
    assert_eq!(std::fs::read_dir(&existing).unwrap().count(), 0);
}

/// The JSON of an update of the test model on `threads` threads.
fn json(model: &Path, actual: &Path, threads: &str) -> serde_json::Value {
    let out = update(model, actual, &["--format", "json", "--threads", threads])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_json_has_the_issues_keys_and_is_the_same_for_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let (model, actual) = files(tmp.path(), ACTUALS);
    let one = json(&model, &actual, "1");
    assert_eq!(
        one,
        json(&model, &actual, "2"),
        "threads changed the result"
    );
    assert_eq!(one["as_of"], "2024-03");
    assert!(one["effective_paths"].as_f64().unwrap() > 0.0);
    for key in ["prior", "prior_solvent", "posterior"] {
        let ins = &one[key]["insolvency"];
        assert!(ins["probability"].is_number(), "{key}");
        assert_eq!(ins["ci95"].as_array().unwrap().len(), 2, "{key}");
        let months = ins["by_month"].as_array().unwrap();
        assert_eq!(months.len(), 9, "{key}: April to December");
        assert_eq!(months[0]["month"], "2024-04");
        for field in [
            "cumulative_probability",
            "cumulative_ci95",
            "effective_paths",
        ] {
            assert!(!months[0][field].is_null(), "{key}.{field}");
        }
    }
    let inputs = one["posterior"]["inputs"].as_array().unwrap();
    assert!(inputs.iter().any(|i| i["path"] == "cash.initial"));
    for side in ["prior", "posterior"] {
        for q in ["p5", "median", "p95"] {
            assert!(inputs[0][side][q].is_number(), "{side}.{q}");
        }
    }
    assert!(one["steps"].as_array().is_some_and(|s| !s.is_empty()));
    assert!(one["warnings"].is_array());
    assert_eq!(one["method"]["observation_errors"]["cash"], 0.02);
    assert!(one["method"]["resampling"].is_string());
    assert!(one["method"]["rejuvenation"].is_string());
}

#[test]
fn the_json_keeps_the_per_month_keys_of_a_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (model, actual) = files(tmp.path(), ACTUALS);
    let run = runway()
        .arg("run")
        .arg(&model)
        .args(["--paths", "2000", "-q", "--format", "json"])
        .output()
        .unwrap();
    let run: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let updated = json(&model, &actual, "2");
    for key in ["month", "cumulative_probability", "cumulative_ci95"] {
        assert!(!run["insolvency"]["by_month"][0][key].is_null(), "{key}");
        let month = &updated["posterior"]["insolvency"]["by_month"][0];
        assert!(!month[key].is_null(), "{key}");
    }
    for key in ["probability", "ci95", "interval_method", "by_month"] {
        assert!(!run["insolvency"][key].is_null(), "{key}");
        assert!(!updated["posterior"]["insolvency"][key].is_null(), "{key}");
    }
}

#[test]
fn out_writes_the_update_files_and_a_manifest_that_lists_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (model, actual) = files(tmp.path(), ACTUALS);
    let out = tmp.path().join("out");
    let printed = update(
        &model,
        &actual,
        &["--format", "json", "--threads", "2", "--out"],
    )
    .arg(&out)
    .output()
    .unwrap();
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = UPDATE_FILES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected);
    assert_eq!(
        std::fs::read(out.join("update.json")).unwrap(),
        printed.stdout
    );
    let csv = std::fs::read_to_string(out.join("update.csv")).unwrap();
    assert!(csv.starts_with("month,prior,"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 9);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let listed: Vec<&str> = (manifest["files"].as_array().unwrap().iter())
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(listed, ["update.csv", "update.json"]);
    update(&model, &actual, &["--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
}

/// Every line of `table` within `width` characters.
fn assert_fits(table: &str, width: usize, what: &str) {
    for line in table.lines() {
        assert!(
            line.chars().count() <= width,
            "{what}: a line of {} characters:\n{line}\n\n{table}",
            line.chars().count()
        );
    }
}

#[test]
fn the_table_of_a_real_update_fits_80_columns_and_names_the_headline() {
    let tmp = tempfile::tempdir().unwrap();
    let (model, actual) = files(tmp.path(), ACTUALS);
    let out = update(&model, &actual, &["--threads", "2"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert_fits(&table, 80, "update");
    for says in [
        "as of 2024-03",
        "P(insolvent by 2024-12)",
        "posterior",
        "change since the prior",
        "effective paths",
        "cash.initial",
    ] {
        assert!(table.contains(says), "no `{says}` in\n{table}");
    }
}

// --- The renderers on a reforecast built by hand ---------------------------

fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

fn curve(months: &[&str], p: f64, ess: f64) -> Forecast {
    let insolvency: Vec<MonthProbability> = months
        .iter()
        .enumerate()
        .map(|(i, m)| MonthProbability {
            month: month(m),
            probability: p * (i + 1) as f64,
            ci95: [p * i as f64 * 0.9, p * (i + 1) as f64 * 1.1],
            effective_paths: ess,
        })
        .collect();
    Forecast {
        horizon: insolvency.last().unwrap().clone(),
        insolvency,
    }
}

fn model_with_long_names() -> Model {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/long_names.toml"),
    )
    .unwrap();
    load_str(
        &text,
        "tests/fixtures/long_names.toml",
        &LoadOptions::default(),
    )
    .unwrap()
}

/// A reforecast whose sample collapsed: long input names, large amounts.
fn collapsed(model: &Model) -> Update {
    let months = [
        "2027-07", "2027-08", "2027-09", "2027-10", "2027-11", "2027-12",
    ];
    let spread = |m: f64| Spread {
        median: m,
        p5: m * 0.2,
        p95: m * 9.0,
    };
    let update = Update {
        as_of: month("2027-06"),
        paths: 20_000,
        prior: curve(&months, 0.01, 20_000.0),
        prior_solvent: curve(&months, 0.009, 19_950.0),
        posterior: curve(&months, 0.04, 312.4),
        inputs: vec![
            InputPosterior {
                path: "costs.subsidiary_operations_and_support_staff_northern_region.monthly"
                    .into(),
                prior: spread(123_456_789.0),
                posterior: spread(98_765_432.0),
            },
            InputPosterior {
                path: "funding.follow_on_investment_from_existing_shareholders_first.probability"
                    .into(),
                prior: spread(0.5),
                posterior: spread(0.0123),
            },
        ],
        effective_paths: 312.4,
        steps: vec![
            StepDiagnostics {
                month: month("2025-06"),
                observations: 2,
                ess: 9_000.0,
                resampled: false,
                acceptance: None,
            },
            StepDiagnostics {
                month: month("2027-06"),
                observations: 1,
                ess: 312.4,
                resampled: true,
                acceptance: Some(0.31),
            },
        ],
        warnings: vec!["the effective sample size fell to 312 of 20000 paths (1.6 %) at 2027-06: the figures of that month are far in the model's tails or the observation errors are small; treat the posterior with care, or run more paths".into()],
        reliable: true,
    };
    assert_eq!(
        update.prior.horizon.month,
        model.horizon(),
        "built for the model"
    );
    update
}

fn actuals() -> Actuals {
    let observation = |m: &str, quantity, value| Observation {
        month: month(m),
        quantity,
        value,
        line: None,
    };
    Actuals {
        file: "tests/fixtures/long_names_actual.csv".into(),
        observations: vec![
            observation("2025-06", Quantity::Cash, 1650.0),
            observation("2025-06", Quantity::Revenue, 82.5),
            observation("2026-06", Quantity::Cash, 900.0),
        ],
        insolvency: InsolvencyOutcome::default(),
    }
}

#[test]
fn every_line_of_the_table_fits_80_columns_with_long_names_and_large_amounts() {
    let model = model_with_long_names();
    let update = collapsed(&model);
    let spec = UpdateSpec::default();
    let report = UpdateReport::new(&model, &actuals(), &spec, &update);
    let table = report.table(80);
    assert_fits(&table, 80, "long names");
    assert!(
        table.contains("3 value(s) of cash, revenue in 2 month(s)"),
        "{table}"
    );
    assert!(table.contains("+"), "the change has a sign:\n{table}");
    let wide = report.table(160);
    assert_fits(&wide, 160, "wide");
}

#[test]
fn a_collapsed_sample_is_a_warning_line_not_a_silent_answer() {
    let model = model_with_long_names();
    let update = collapsed(&model);
    let spec = UpdateSpec::default();
    let report = UpdateReport::new(&model, &actuals(), &spec, &update);
    let table = report.table(80);
    assert!(
        table.contains("Warning: the effective sample size fell to 312"),
        "{table}"
    );
    assert!(
        table.contains("effective paths 312 of 20,000 (1.6 %)"),
        "{table}"
    );
    let json: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
    assert_eq!(json["warnings"].as_array().unwrap().len(), 1);
    assert_eq!(json["effective_paths"], 312.4);
}

#[test]
fn the_csv_has_one_row_per_month_after_the_as_of_month() {
    let model = model_with_long_names();
    let update = collapsed(&model);
    let report = UpdateReport::new(&model, &actuals(), &UpdateSpec::default(), &update);
    let csv = report.csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 6);
    assert_eq!(lines[0].split(',').count(), 11);
    assert!(lines[1].starts_with("2027-07,0.01,"), "{}", lines[1]);
    assert!(lines[6].ends_with(",312.4"), "{}", lines[6]);
}

#[test]
fn update_is_in_the_help_examples_the_completions_and_the_manual() {
    let help = runway().arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("runway update MODEL --actual"), "{help}");
    let bash = runway().args(["completions", "bash"]).output().unwrap();
    let bash = String::from_utf8(bash.stdout).unwrap();
    assert!(bash.contains("update") && bash.contains("--as-of"));
    let page = runway().args(["man", "update"]).output().unwrap();
    assert!(page.status.success());
    let page = String::from_utf8(page.stdout).unwrap();
    assert!(
        page.contains("runway\\-update") && page.contains("as\\-of"),
        "{page}"
    );
}
