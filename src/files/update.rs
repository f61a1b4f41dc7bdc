//! The `--out` folder of `runway update`: the month-by-month table (CSV),
//! the report (JSON) and `manifest.json` listing them, staged and renamed
//! into place together.

use super::analysis::write_all;
use super::manifest::{Manifest, Provenance};
use super::OutputDir;
use crate::error::Result;
use crate::model::Model;
use crate::output::{Render, UpdateReport};

/// The files `runway update --out DIR` writes: the month-by-month table as
/// CSV, the report as JSON, and the manifest.
pub const UPDATE_FILES: [&str; 3] = ["update.csv", "update.json", "manifest.json"];

/// Stages a reforecast's files in `dir` (see [`UPDATE_FILES`]) and renames
/// them into place together.
pub fn write_update_outputs(
    dir: &OutputDir,
    model: &Model,
    report: &UpdateReport<'_>,
    provenance: Provenance,
) -> Result<()> {
    let [csv, json, _] = UPDATE_FILES;
    let manifest = Manifest::of(model, report.seed, report.update.paths, provenance);
    write_all(
        dir,
        [(csv, report.csv()), (json, report.json())],
        None,
        manifest,
    )
}
