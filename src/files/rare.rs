//! The `--out` folder of `run --rare` (and of the merge of its shards):
//! the report as CSV (the insolvency curve) and JSON, and `manifest.json`,
//! staged and renamed into place together.

use super::analysis::write_all;
use super::manifest::{Manifest, Provenance};
use super::OutputDir;
use crate::analysis::rare::RareReport;
use crate::error::Result;
use crate::model::Model;
use crate::output::Render;

/// The files `runway run --rare --out DIR` writes: the insolvency curve
/// with its intervals (CSV), the full report (JSON), the manifest.
pub const RARE_FILES: [&str; 3] = ["rare.csv", "rare.json", "manifest.json"];

/// Stages a rare-event report's files in `dir` (see [`RARE_FILES`]) and
/// renames them into place together.
pub fn write_rare_outputs(
    dir: &OutputDir,
    model: &Model,
    report: &RareReport,
    provenance: Provenance,
) -> Result<()> {
    let [csv, json, _] = RARE_FILES;
    let mut manifest = Manifest::of(model, report.seed, report.paths, provenance);
    manifest.sampling = "scores chosen by the rare-event method";
    write_all(
        dir,
        [(csv, report.csv()), (json, report.json())],
        None,
        manifest,
    )
}
