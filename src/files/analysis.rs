//! The `--out` folders of `compare`, `sensitivity` and `backtest`: each
//! command's report as CSV and JSON, its chart, and `manifest.json`
//! listing them, staged and renamed into place together (as
//! [`super::write_run_outputs`] does for `run`). Each command has one list
//! of its files: the folder is guarded with it before the run and the
//! files are written from it after.

use super::manifest::{stage_workbook, Manifest, Provenance};
use super::OutputDir;
use crate::analysis::backtest::Backtest;
use crate::analysis::check::Check;
use crate::analysis::compare::{Comparison, AS_WRITTEN};
use crate::analysis::sensitivity::Sensitivity;
use crate::error::Result;
use crate::model::Model;
use crate::output::chart::Chart;
use crate::output::xlsx::{Sheets, XLSX_FILE};
use crate::output::Render;

/// The files `runway compare --out DIR` writes: one row per scenario (CSV),
/// the report (JSON), the scenarios' insolvency curves, the workbook (the
/// reference's inputs and the comparison sheet), the manifest.
pub const COMPARE_FILES: [&str; 5] = [
    "compare.csv",
    "compare.json",
    "scenario_curves.svg",
    XLSX_FILE,
    "manifest.json",
];

/// The files `runway sensitivity --out DIR` writes: one row per input
/// (CSV), the report (JSON), the tornado chart, the workbook (inputs and
/// sensitivity sheets), the manifest.
pub const SENSITIVITY_FILES: [&str; 5] = [
    "sensitivity.csv",
    "sensitivity.json",
    "tornado.svg",
    XLSX_FILE,
    "manifest.json",
];

/// The files `runway backtest --out DIR` writes: the report as CSV and as
/// JSON, and the manifest.
pub const BACKTEST_FILES: [&str; 3] = ["backtest.csv", "backtest.json", "manifest.json"];

/// Stages a comparison's files in `dir` (see [`COMPARE_FILES`]) and renames
/// them into place together. `models` are the comparison's rows, the
/// reference first; `chart` is their insolvency curves.
pub fn write_compare_outputs(
    dir: &OutputDir,
    models: &[Model],
    report: &Comparison,
    chart: &Chart,
    provenance: Provenance,
) -> Result<()> {
    let scenarios = models
        .iter()
        .map(|m| m.scenario.clone().unwrap_or_else(|| AS_WRITTEN.into()))
        .collect();
    let mut manifest = Manifest::of(&models[0], report.seed, report.paths, provenance);
    manifest.scenario = None;
    manifest.scenarios = Some(scenarios);
    let sheets = Sheets {
        comparison: Some(report),
        ..Sheets::default()
    };
    write_report(
        dir,
        &models[0],
        report,
        COMPARE_FILES,
        chart,
        sheets,
        manifest,
    )
}

/// Stages a sensitivity analysis's files in `dir` (see
/// [`SENSITIVITY_FILES`]) and renames them into place together.
pub fn write_sensitivity_outputs(
    dir: &OutputDir,
    model: &Model,
    report: &Sensitivity,
    chart: &Chart,
    provenance: Provenance,
) -> Result<()> {
    let manifest = Manifest::of(model, report.seed, report.paths, provenance);
    let sheets = Sheets {
        sensitivity: Some(report),
        ..Sheets::default()
    };
    write_report(
        dir,
        model,
        report,
        SENSITIVITY_FILES,
        chart,
        sheets,
        manifest,
    )
}

/// Stages the files of a report with a chart and a workbook: `names` are
/// its CSV, JSON, SVG, workbook and manifest; the workbook gets `sheets`
/// and the inputs of `model`.
fn write_report(
    dir: &OutputDir,
    model: &Model,
    report: &impl Render,
    names: [&str; 5],
    chart: &Chart,
    sheets: Sheets<'_>,
    manifest: Manifest,
) -> Result<()> {
    let [csv, json, svg, _, _] = names;
    let check = Check::of(model);
    let sheets = Sheets {
        check: Some(&check),
        ..sheets
    };
    write_all(
        dir,
        [
            (csv, report.csv()),
            (json, report.json()),
            (svg, chart.svg.clone()),
        ],
        Some(&sheets),
        manifest,
    )
}

/// Stages a backtest's files in `dir` (see [`BACKTEST_FILES`]) and renames
/// them into place together.
pub fn write_backtest_outputs(
    dir: &OutputDir,
    model: &Model,
    report: &Backtest,
    provenance: Provenance,
) -> Result<()> {
    let [csv, json, _] = BACKTEST_FILES;
    let manifest = Manifest::of(model, report.seed, report.paths, provenance);
    write_all(
        dir,
        [(csv, report.csv()), (json, report.json())],
        None,
        manifest,
    )
}

/// Stages `files` and the workbook of `sheets` (if any), then
/// `manifest.json` listing them, then commits.
pub(super) fn write_all<const N: usize>(
    dir: &OutputDir,
    files: [(&str, String); N],
    sheets: Option<&Sheets<'_>>,
    mut manifest: Manifest,
) -> Result<()> {
    for (name, text) in &files {
        dir.stage(name, text.as_bytes())?;
    }
    manifest.files = files.iter().map(|(name, _)| name.to_string()).collect();
    if let Some(sheets) = sheets {
        manifest.files.push(stage_workbook(dir, sheets)?);
    }
    let mut json = serde_json::to_vec_pretty(&manifest).expect("a manifest always serialises");
    json.push(b'\n');
    dir.stage("manifest.json", &json)?;
    dir.commit()
}
