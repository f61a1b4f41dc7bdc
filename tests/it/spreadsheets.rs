//! What spreadsheets read: `results.xlsx` read back with calamine (numbers
//! are number cells, months are text), `summary.csv`'s value column holding
//! only numbers, and the manifest listing every file of the folder.

use assert_cmd::Command;
use calamine::{open_workbook, open_workbook_from_rs, Data, Range, Reader, Xlsx};
use runway::analysis::check::Check;
use runway::analysis::compare::{run_compare, Comparison};
use runway::analysis::sensitivity::run_sensitivity;
use runway::analysis::summary::{RunInfo, Summary};
use runway::engine::{simulate, Progress, RunSpec};
use runway::model::{load_str, LoadOptions, Model, BUILTIN_MODEL_TEXT};
use runway::output::xlsx::{render_xlsx, Sheets};
use std::io::Cursor;
use std::path::Path;

fn run_out(dir: &Path, extra: &[&str]) {
    Command::cargo_bin("runway")
        .unwrap()
        .args(["run", "--paths", "5000", "-q", "--out"])
        .arg(dir)
        .args(extra)
        .assert()
        .success();
}

fn model(scenario: Option<&str>) -> Model {
    let options = LoadOptions {
        scenario: scenario.map(String::from),
        overrides: Vec::new(),
    };
    load_str(BUILTIN_MODEL_TEXT, "openai.toml", &options).unwrap()
}

fn spec(paths: u64) -> RunSpec {
    RunSpec {
        paths,
        seed: 3,
        threads: 2,
        fan: true,
        blocks: None,
    }
}

fn run_info() -> RunInfo {
    RunInfo {
        threads: 2,
        elapsed_seconds: 1.0,
        paths_per_second: 1.0,
        shards: None,
    }
}

/// The cells of column `col` below the header row.
fn column(range: &Range<Data>, col: usize) -> Vec<&Data> {
    (1..range.height())
        .map(|r| range.get((r, col)).unwrap_or(&Data::Empty))
        .collect()
}

fn is_month(cell: &Data) -> bool {
    matches!(cell, Data::String(s) if s.len() == 7 && s.as_bytes()[4] == b'-')
}

#[test]
fn results_xlsx_holds_numbers_as_number_cells_and_months_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    run_out(tmp.path(), &[]);
    let mut book: Xlsx<_> = open_workbook(tmp.path().join("results.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["summary", "by month", "inputs", "about"]
    );

    let summary = book.worksheet_range("summary").unwrap();
    assert_eq!(summary.get((0, 0)), Some(&Data::String("metric".into())));
    let metric = |name: &str| {
        (1..summary.height())
            .find(|&r| summary.get((r, 0)) == Some(&Data::String(name.into())))
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let p = summary.get((metric("insolvency_probability"), 1)).unwrap();
    assert!(
        matches!(p, Data::Float(v) if (0.0..=1.0).contains(v)),
        "{p:?}"
    );
    assert_eq!(
        summary.get((metric("paths"), 1)),
        Some(&Data::Float(5000.0))
    );
    assert_eq!(
        summary.get((metric("start"), 5)),
        Some(&Data::String("2023-08".into()))
    );
    assert!(matches!(
        summary.get((metric("runway_months_p50"), 6)),
        Some(Data::Bool(_))
    ));
    for cell in column(&summary, 1) {
        assert!(
            matches!(cell, Data::Float(_) | Data::Empty),
            "value {cell:?}"
        );
    }
    for cell in column(&summary, 5) {
        assert!(is_month(cell) || cell == &Data::Empty, "month {cell:?}");
    }

    let by_month = book.worksheet_range("by month").unwrap();
    assert_eq!(by_month.height(), 18, "a header and 17 months");
    assert!(column(&by_month, 0).into_iter().all(is_month));
    assert!(by_month.width() > 7, "the percentile columns are there");
    for col in 1..by_month.width() {
        for cell in column(&by_month, col) {
            assert!(
                matches!(cell, Data::Float(_)),
                "by month col {col}: {cell:?}"
            );
        }
    }
    let header = |col| by_month.get((0, col)).unwrap().to_string();
    assert_eq!(header(7), "cash p5 (USD millions)");

    let inputs = book.worksheet_range("inputs").unwrap();
    assert_eq!(
        inputs.get((1, 0)),
        Some(&Data::String("cash.initial".into()))
    );
    for col in 2..5 {
        for cell in column(&inputs, col) {
            assert!(matches!(cell, Data::Float(_)), "inputs col {col}: {cell:?}");
        }
    }
}

#[test]
fn the_workbook_has_comparison_and_sensitivity_sheets_when_given_them() {
    let models: Vec<Model> = [None, Some("article")].map(model).into();
    let spec = spec(8192);
    let tally = run_compare(&models, &spec, &Progress::default()).unwrap();
    let comparison = Comparison::new(&models, &tally, run_info());
    let sensitivity = run_sensitivity(&models[0], &spec, &Progress::default()).unwrap();
    let sheets = Sheets {
        comparison: Some(&comparison),
        sensitivity: Some(&sensitivity),
        ..Sheets::default()
    };
    let bytes = render_xlsx(&sheets).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["comparison", "sensitivity"]);

    let c = book.worksheet_range("comparison").unwrap();
    assert_eq!(c.get((2, 0)), Some(&Data::String("article".into())));
    for col in [2, 3, 4, 5, 10, 13, 16] {
        for r in 1..=2 {
            let cell = c.get((r, col)).unwrap();
            assert!(
                matches!(cell, Data::Float(_)),
                "comparison ({r}, {col}): {cell:?}"
            );
        }
    }
    assert_eq!(
        c.get((1, 13)),
        Some(&Data::Float(0.0)),
        "the first scenario is its own reference"
    );

    let s = book.worksheet_range("sensitivity").unwrap();
    let first = &sensitivity.drivers[0];
    assert_eq!(s.get((1, 0)), Some(&Data::String(first.input.clone())));
    assert_eq!(s.get((1, 7)), Some(&Data::Float(first.swing)));
}

#[test]
fn the_same_results_give_the_same_workbook_bytes() {
    let m = model(None);
    let tally = simulate(&m, &spec(4096), &Progress::default()).unwrap();
    let summary = Summary::new(&m, &tally, run_info());
    let check = Check::of(&m);
    let sheets = Sheets {
        summary: Some(&summary),
        check: Some(&check),
        ..Sheets::default()
    };
    let first = render_xlsx(&sheets).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(first, render_xlsx(&sheets).unwrap());
}

#[test]
fn summary_csv_values_are_numbers_with_months_and_the_horizon_in_their_own_columns() {
    let tmp = tempfile::tempdir().unwrap();
    run_out(tmp.path(), &[]);
    let mut reader = csv::Reader::from_path(tmp.path().join("summary.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
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
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    for row in &rows {
        assert!(
            row[1].is_empty() || row[1].parse::<f64>().is_ok(),
            "{}: value {}",
            row[0],
            row[1]
        );
        if row[4] == "month" {
            assert!(row[1].is_empty(), "{}: a month row has no value", row[0]);
        }
        if row[0].starts_with("runway_months_") {
            assert!(row[6] == "0" || row[6] == "1", "{}: {}", row[0], row[6]);
            assert_eq!(row[6] == "1", row[1].is_empty(), "{}", row[0]);
        } else {
            assert!(row[6].is_empty(), "{}", row[0]);
        }
    }
    let row = |name: &str| rows.iter().find(|r| r[0] == name).unwrap();
    assert_eq!(row("horizon")[5], "2024-12");
    assert_eq!(row("horizon_months")[1], "17");
}

#[test]
fn the_manifest_lists_every_file_written_beside_it() {
    let tmp = tempfile::tempdir().unwrap();
    run_out(tmp.path(), &["--per-path"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("manifest.json")).unwrap()).unwrap();
    let mut listed: Vec<String> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    listed.sort();
    let mut present: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "manifest.json")
        .collect();
    present.sort();
    assert_eq!(listed, present);
    assert!(present.contains(&"results.xlsx".to_string()));
    assert!(present.contains(&"cash_fan.svg".to_string()));
}

#[test]
fn compare_and_sensitivity_out_folders_hold_a_workbook_with_their_own_sheet() {
    for (command, sheet) in [("compare", "comparison"), ("sensitivity", "sensitivity")] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        Command::cargo_bin("runway")
            .unwrap()
            .args([command, "--paths", "3000", "-q", "--out"])
            .arg(&out)
            .assert()
            .success();
        let book: Xlsx<_> = open_workbook(out.join("results.xlsx")).unwrap();
        let names = book.sheet_names();
        assert!(
            names.iter().any(|n| n == sheet) && names.iter().any(|n| n == "inputs"),
            "{command}: sheets {names:?}"
        );
    }
}
