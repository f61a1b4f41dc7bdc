//! `--out DIR`: the files, their headers and rows, safety and atomicity.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn runway() -> Command {
    Command::cargo_bin("runway").unwrap()
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn run_out(dir: &Path, extra: &[&str]) {
    runway()
        .args([
            "run",
            "configs/openai_2024.toml",
            "--paths",
            "5000",
            "-q",
            "--out",
        ])
        .arg(dir)
        .args(extra)
        .assert()
        .success();
}

#[test]
fn every_file_has_its_documented_header_and_row_count() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    run_out(&dir, &["--per-path"]);

    let (header, rows) = read_csv(&dir.join("summary.csv"));
    assert_eq!(
        header,
        [
            "metric",
            "value",
            "ci95_low",
            "ci95_high",
            "unit",
            "month",
            "beyond_horizon"
        ]
    );
    let metric = |name: &str| {
        rows.iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone()
    };
    let p = metric("insolvency_probability");
    let (v, lo, hi): (f64, f64, f64) = (
        p[1].parse().unwrap(),
        p[2].parse().unwrap(),
        p[3].parse().unwrap(),
    );
    assert!(lo <= v && v <= hi);
    assert_eq!(metric("paths")[1], "5000");
    assert_eq!(metric("end_cash_p50")[4], "USD millions");
    for name in [
        "insolvent_paths",
        "median_insolvency_month",
        "end_cash_p5",
        "end_cash_p95",
        "lowest_cash_p50",
        "runway_months_p5",
    ] {
        metric(name);
    }

    let (header, rows) = read_csv(&dir.join("by_month.csv"));
    assert_eq!(rows.len(), 17, "one row per model month");
    assert_eq!(rows[0][0], "2023-08");
    assert_eq!(rows[16][0], "2024-12");
    for column in [
        "month",
        "cumulative_probability",
        "cumulative_ci95_low",
        "probability_in_month",
        "cash_p5_usd_millions",
        "cash_p95_usd_millions",
        "revenue_p50_usd_millions",
        "cost_p75_usd_millions",
    ] {
        assert!(
            header.iter().any(|h| h == column),
            "by_month.csv lacks {column}"
        );
    }
    let cumulative: Vec<f64> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    assert!(
        cumulative.windows(2).all(|w| w[0] <= w[1]),
        "cumulative curve never decreases"
    );

    let (header, rows) = read_csv(&dir.join("paths.csv"));
    assert_eq!(rows.len(), 5000);
    assert_eq!(header[0], "path");
    for column in [
        "cash.initial",
        "costs.inference.efficiency_gain",
        "revenue.chatgpt_plus.churn",
        "funding.microsoft.amount",
        "insolvent",
        "insolvency_month",
        "lowest_cash_usd_millions",
        "end_cash_usd_millions",
        "funding_received_usd_millions",
    ] {
        assert!(
            header.iter().any(|h| h == column),
            "paths.csv lacks {column}"
        );
    }
    assert!(
        rows.iter().enumerate().all(|(i, r)| r[0] == i.to_string()),
        "rows in path order"
    );
    let insolvent = header.iter().position(|h| h == "insolvent").unwrap();
    let count = rows.iter().filter(|r| r[insolvent] == "1").count();
    assert_eq!(
        metric("insolvent_paths")[1],
        count.to_string(),
        "paths.csv agrees with summary.csv"
    );

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 2023);
    assert_eq!(manifest["paths"], 5000);
    assert_eq!(manifest["model_sha256"].as_str().unwrap().len(), 64);
    assert!(manifest["command_line"].as_array().unwrap().len() > 3);
    for key in [
        "runway_version",
        "model_file",
        "threads",
        "sampling",
        "generator",
        "started_at",
        "finished_at",
    ] {
        assert!(manifest.get(key).is_some(), "manifest lacks {key}");
    }
}

#[test]
fn no_cell_is_nan_or_infinite_and_numbers_use_a_plain_decimal_point() {
    let tmp = tempfile::tempdir().unwrap();
    run_out(tmp.path(), &["--per-path"]);
    for file in ["summary.csv", "by_month.csv", "paths.csv"] {
        let (_, rows) = read_csv(&tmp.path().join(file));
        for cell in rows.iter().flatten() {
            let numeric = cell.starts_with(|c: char| c.is_ascii_digit() || c == '-');
            if numeric && !cell.contains(|c: char| c == ':' || (c == '-' && cell.len() == 7)) {
                let lower = cell.to_ascii_lowercase();
                assert!(
                    !lower.contains("nan") && !lower.contains("inf") && !lower.contains('e'),
                    "{file}: cell {cell}"
                );
                assert!(!cell.contains(','), "{file}: thousands separator in {cell}");
            }
            assert!(
                cell != "NaN" && cell != "inf" && cell != "-inf",
                "{file}: cell {cell}"
            );
        }
    }
}

#[test]
fn files_are_byte_identical_for_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_out(&a, &["--per-path", "--threads", "1"]);
    run_out(&b, &["--per-path", "--threads", "2"]);
    for file in ["summary.csv", "by_month.csv", "paths.csv", "results.xlsx"] {
        assert_eq!(
            std::fs::read(a.join(file)).unwrap(),
            std::fs::read(b.join(file)).unwrap(),
            "{file} differs"
        );
    }
}

#[test]
fn per_path_limit_writes_only_the_first_rows() {
    let tmp = tempfile::tempdir().unwrap();
    run_out(tmp.path(), &["--per-path", "--per-path-limit", "1500"]);
    let (_, rows) = read_csv(&tmp.path().join("paths.csv"));
    assert_eq!(rows.len(), 1500);
    assert_eq!(rows[1499][0], "1499");
}

#[test]
fn existing_output_is_not_replaced_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    run_out(tmp.path(), &[]);
    let before = std::fs::read(tmp.path().join("summary.csv")).unwrap();
    runway()
        .args(["run", "--paths", "1000", "--seed", "9", "-q", "--out"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        std::fs::read(tmp.path().join("summary.csv")).unwrap(),
        before
    );
    runway()
        .args([
            "run", "--paths", "1000", "--seed", "9", "-q", "--force", "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    assert_ne!(
        std::fs::read(tmp.path().join("summary.csv")).unwrap(),
        before
    );
}

#[test]
fn an_unusable_output_folder_fails_before_the_run_starts() {
    // 10^15 paths would take years: the command can only return by failing first.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a_file");
    std::fs::write(&file, "x").unwrap();
    runway()
        .args(["run", "--paths", "1000000000000000", "-q", "--out"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("a_file"));
    runway()
        .args(["run", "--paths", "1000000000000000", "-q", "--out"])
        .arg(file.join("below"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot create the output folder"));
}

#[test]
fn a_run_that_fails_midway_leaves_no_file_behind() {
    // Revenue that doubles a thousandfold a month overflows to infinity in
    // the first block: the run fails after paths.csv was started.
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("overflow.toml");
    std::fs::write(
        &model,
        "[model]\nname = \"overflow\"\nstart = \"2024-01\"\nhorizon = \"2070-12\"\nunit = \"USD\"\n\
         [cash]\ninitial = 1\n[revenue.boom]\nmonthly = 1\ngrowth = 1000\n[costs.c]\nmonthly = 1\ngrowth = 1000\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    runway()
        .args(["run", "-q", "--paths", "5000", "--per-path", "--out"])
        .arg(&out)
        .arg(&model)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("grew past 1e308"));
    // The folder the run created is gone with its temporaries.
    assert!(
        !out.exists(),
        "left behind: {:?}",
        std::fs::read_dir(&out).map(|d| d.count())
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_long_run_with_code_130_and_no_partial_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("runway"))
        .args([
            "run",
            "--paths",
            "1000000000000",
            "-q",
            "--per-path",
            "--out",
        ])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the run has started writing (its temporary file exists).
    let started = std::time::Instant::now();
    while std::fs::read_dir(&out).map_or(true, |d| d.count() == 0)
        && started.elapsed().as_secs() < 30
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert!(String::from_utf8_lossy(&output.stderr).contains("interrupted"));
    // The folder the run created is gone with its temporaries.
    assert!(
        !out.exists(),
        "left behind: {:?}",
        std::fs::read_dir(&out).map(|d| d.count())
    );
}

/// The correctly rounded sum of `values` (Shewchuk's algorithm, as
/// Python's math.fsum): an oracle independent of runway's accumulator.
fn fsum(values: &[f64]) -> f64 {
    let mut partials: Vec<f64> = Vec::new();
    for &v in values {
        // Halved to keep the partials finite at the top of the range (exact
        // for the normal values this oracle is used on).
        let mut x = v / 2.0;
        let mut kept = 0;
        for i in 0..partials.len() {
            let mut y = partials[i];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        partials.truncate(kept);
        partials.push(x);
    }
    2.0 * partials.iter().rev().fold(0.0, |a, &b| a + b)
}

fn mean_and_oracle(model: &str, paths: &str) -> (f64, f64, f64, f64) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("model.toml");
    std::fs::write(&file, model).unwrap();
    let out = tmp.path().join("out");
    let run = runway()
        .arg("run")
        .arg(&file)
        .args([
            "--paths",
            paths,
            "-q",
            "--format",
            "json",
            "--per-path",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&run.get_output().stdout).unwrap();
    let end = &json["end_cash"];
    let csv = std::fs::read_to_string(out.join("paths.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = header
        .iter()
        .position(|h| h.starts_with("end_cash"))
        .unwrap();
    let values: Vec<f64> = lines
        .map(|l| l.split(',').nth(column).unwrap().parse().unwrap())
        .collect();
    let oracle = fsum(&values) / values.len() as f64;
    (
        end["mean"].as_f64().unwrap(),
        oracle,
        end["min"].as_f64().unwrap(),
        end["max"].as_f64().unwrap(),
    )
}

#[test]
fn the_mean_end_cash_is_exact_for_mixed_sign_values_at_the_scale_of_1e300() {
    let model = r#"
[model]
name = "mixed signs at 1e300"
start = "2024-01"
horizon = "2024-03"
unit = "EUR"

[cash]
initial = { uniform = { min = -1e300, max = 1e300 } }

[costs.small]
monthly = { uniform = { min = 0, max = 1 } }
"#;
    let (mean, oracle, min, max) = mean_and_oracle(model, "5000");
    assert!(min <= mean && mean <= max, "{min} ≤ {mean} ≤ {max}");
    // The oracle rounds twice (the sum, then the division): one ulp apart at most.
    let ulp = f64::from_bits(oracle.abs().to_bits() + 1) - oracle.abs();
    assert!((mean - oracle).abs() <= ulp, "{mean:e} vs {oracle:e}");
}

#[test]
fn the_mean_of_a_constant_beyond_1e31_is_that_constant() {
    // A fixed-point sum wrapped here and printed a mean of -5.96e-08.
    for cash in ["1e35", "-2.5e200", "1e-200"] {
        let model = format!(
            "[model]\nname = \"constant\"\nstart = \"2024-01\"\nhorizon = \"2024-02\"\nunit = \"EUR\"\n\n[cash]\ninitial = {cash}\nfloor = -1e300\n\n[costs.none]\nmonthly = 0\n"
        );
        let (mean, _, min, max) = mean_and_oracle(&model, "3000");
        let value: f64 = cash.parse().unwrap();
        assert_eq!((mean, min, max), (value, value, value), "cash {cash}");
    }
}
