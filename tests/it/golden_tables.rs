//! Today's terminal tables, pinned byte for byte like the JSON reports
//! (tests/it/golden.rs): `tests/golden/table_*.txt`, their timings (seconds
//! and paths per second) masked. After an intended change, rewrite them with
//! `UPDATE_GOLDEN=1 cargo test --release --test it golden` and say why.
//! `bench` measures timings only, so its table is pinned from a fixed
//! report instead (`table_bench.txt`).

use super::width::{runway, shard};
use runway::analysis::bench::{BenchReport, BenchRow};
use runway::output::{Render, DEFAULT_WIDTH};
use std::path::Path;

/// (golden file, arguments after `runway`).
const CASES: &[(&str, &[&str])] = &[
    (
        "table_run_openai.txt",
        &["run", "--paths", "30000", "--seed", "7"],
    ),
    (
        "table_run_long_names.txt",
        &["run", "tests/fixtures/long_names.toml", "--paths", "5000"],
    ),
    (
        "table_compare_openai.txt",
        &["compare", "--paths", "20000", "--seed", "9"],
    ),
    (
        "table_sensitivity_openai.txt",
        &["sensitivity", "--paths", "20000", "--seed", "4"],
    ),
    ("table_check_openai.txt", &["check"]),
    (
        "table_check_long_names.txt",
        &["check", "tests/fixtures/long_names.toml"],
    ),
    (
        "table_backtest_example.txt",
        &[
            "backtest",
            "configs/backtest_example.toml",
            "--actual",
            "configs/backtest_example_actual.csv",
            "--paths",
            "20000",
            "--seed",
            "5",
        ],
    ),
];

/// `text` with its timings masked: in every ` · `-separated part, a number
/// of seconds (`0.05 s`) and a speed (`1,889,680 paths/s`).
fn mask_timings(text: &str) -> String {
    let mask = |part: &str| -> String {
        let number = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        };
        // A merged run's wall-clock span and summed shard times.
        for suffix in [" s wall", " s summed over shards", " thread-seconds"] {
            if part.strip_suffix(suffix).is_some_and(number) {
                return format!("<seconds>{suffix}");
            }
        }
        match part.rsplit_once(' ') {
            Some((n, "s")) if number(n) => "<seconds> s".into(),
            Some((n, "paths/s")) if number(n) => "<speed> paths/s".into(),
            _ => part.to_string(),
        }
    };
    let mut out: String = text
        .lines()
        .map(|line| line.split(" · ").map(mask).collect::<Vec<_>>().join(" · "))
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

/// Compares `got` with the pinned file `name` (or rewrites it), noting a
/// difference in `changed`.
fn check(name: &str, got: &str, update: bool, changed: &mut Vec<String>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if update {
        std::fs::write(&path, got).unwrap();
    } else if std::fs::read_to_string(&path).ok().as_deref() != Some(got) {
        changed.push(name.to_string());
    }
}

#[test]
fn the_shipped_models_tables_are_unchanged() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut changed = Vec::new();
    for (file, args) in CASES {
        let mut args = args.to_vec();
        if args[0] != "check" {
            args.extend(["-q", "--threads", "2"]);
        }
        check(file, &mask_timings(&runway(&args)), update, &mut changed);
    }
    let tmp = tempfile::tempdir().unwrap();
    let model = "configs/startup_seed.toml";
    let parts: Vec<String> = (0..2)
        .map(|k| shard(tmp.path(), model, k, 2).display().to_string())
        .collect();
    let merged = runway(&["merge", &parts[0], &parts[1]]);
    check(
        "table_merge_startup.txt",
        &mask_timings(&merged),
        update,
        &mut changed,
    );
    assert!(
        changed.is_empty(),
        "tables changed: {changed:?}; if on purpose, rerun with UPDATE_GOLDEN=1 and say why"
    );
}

/// A bench report with fixed figures (a real one's are timings).
fn fixed_bench_report() -> BenchReport {
    let row = |threads: usize, median: f64, speedup: Option<f64>| BenchRow {
        threads,
        runs: 5,
        paths_per_second_median: median,
        paths_per_second_min: median * 0.97,
        paths_per_second_max: median * 1.02,
        path_months_per_second_median: median * 17.0,
        seconds_median: 2e6 / median,
        speedup,
        efficiency: speedup.map(|s| s / threads as f64),
    };
    BenchReport {
        runway_version: "0.1.0",
        model: "OpenAI, Aug 2023 to Dec 2024 (as known in Aug 2023)".into(),
        file: "configs/openai_2024.toml (built in)".into(),
        months: 17,
        paths: 2_000_000,
        seed: 2023,
        logical_cpus: 16,
        vector_code: "AVX-512 + AVX2/FMA",
        peak_rss_mib: Some(8.04),
        identical_results: true,
        rows: vec![
            row(1, 1_493_210.5, Some(1.0)),
            row(16, 19_876_543.2, Some(13.31)),
        ],
    }
}

#[test]
fn the_bench_table_of_a_fixed_report_is_unchanged() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut changed = Vec::new();
    let text = fixed_bench_report().table(DEFAULT_WIDTH);
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    check("table_bench.txt", &text, update, &mut changed);
    assert!(changed.is_empty(), "tables changed: {changed:?}");
}
