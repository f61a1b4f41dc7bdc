//! `manifest.json`: everything needed to reproduce the files beside it,
//! and the files of a run's output folder written together with it.

use crate::analysis::check::Check;
use crate::analysis::summary::Summary;
use crate::engine::BLOCK_SIZE;
use crate::error::Result;
use crate::files::{OutputDir, PathRows};
use crate::model::Model;
use crate::output::chart::Chart;
use crate::output::xlsx::{render_xlsx, Sheets, XLSX_FILE};
use crate::output::{render_by_month_csv, render_convergence_csv, render_summary_csv};
use crate::sampling::rng::GENERATOR_NAME;
use serde::Serialize;
use std::time::{SystemTime, UNIX_EPOCH};

/// The run's provenance.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// runway version.
    pub runway_version: &'static str,
    /// Model file as given (or the built-in label).
    pub model_file: String,
    /// SHA-256 of the model file's bytes, lowercase hex.
    pub model_sha256: String,
    /// Scenario applied, if any.
    pub scenario: Option<String>,
    /// The scenarios of a comparison, its reference first (only there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenarios: Option<Vec<String>>,
    /// Overrides (`FIELD=VALUE`) applied after the scenario, in order.
    pub overrides: Vec<String>,
    /// Seed.
    pub seed: u64,
    /// Paths simulated.
    pub paths: u64,
    /// Worker threads (does not affect results).
    pub threads: usize,
    /// Sampling method.
    pub sampling: &'static str,
    /// Random generator and seeding scheme.
    pub generator: &'static str,
    /// Paths per block.
    pub block_size: usize,
    /// When the run started, UTC (RFC 3339).
    pub started_at: String,
    /// When the run ended, UTC (RFC 3339).
    pub finished_at: String,
    /// Wall-clock seconds.
    pub elapsed_seconds: f64,
    /// The full command line.
    pub command_line: Vec<String>,
    /// Every file written beside this one, in the order written: the
    /// CSVs, `results.xlsx`, the charts.
    pub files: Vec<String>,
}

/// How a run was made, besides its model and its paths and seed: what a
/// manifest or a partial file records (none of it changes a result).
#[derive(Debug, Clone)]
pub struct Provenance {
    /// Overrides (`FIELD=VALUE`) applied after the scenario, in order.
    pub overrides: Vec<String>,
    /// The command that made the run, as the program received it.
    pub command_line: Vec<String>,
    /// When the run started, UTC (RFC 3339).
    pub started_at: String,
    /// Worker threads (at most the most any shard used).
    pub threads: usize,
    /// Wall-clock seconds (for a merged run, from its first shard's start
    /// to its last one's finish).
    pub elapsed_seconds: f64,
}

/// Stages a run's files in `dir`: its `charts`, `summary.csv`,
/// `by_month.csv`, `convergence.csv` (for a run to a precision), the
/// streamed `paths.csv` when there is one, `results.xlsx` (the summary, the
/// months and the model's inputs) and `manifest.json` listing them all;
/// then renames them all into place together.
pub fn write_run_outputs(
    dir: &OutputDir,
    model: &Model,
    summary: &Summary,
    charts: &[Chart],
    paths_file: Option<PathRows>,
    provenance: Provenance,
) -> Result<()> {
    let mut files = vec!["summary.csv".to_string(), "by_month.csv".to_string()];
    if let Some(rows) = paths_file {
        rows.finish()?;
        files.push("paths.csv".into());
    }
    dir.stage("summary.csv", &render_summary_csv(summary))?;
    dir.stage("by_month.csv", &render_by_month_csv(summary))?;
    if let Some(c) = &summary.convergence {
        dir.stage("convergence.csv", &render_convergence_csv(c))?;
        files.push("convergence.csv".into());
    }
    let check = Check::of(model);
    let sheets = Sheets {
        summary: Some(summary),
        check: Some(&check),
        ..Sheets::default()
    };
    files.push(stage_workbook(dir, &sheets)?);
    for chart in charts {
        dir.stage(&chart.file_name(), chart.svg.as_bytes())?;
        files.push(chart.file_name());
    }
    let manifest = Manifest::of_run(model, summary, provenance, files);
    let mut json = serde_json::to_vec_pretty(&manifest).expect("a manifest always serialises");
    json.push(b'\n');
    dir.stage("manifest.json", &json)?;
    dir.commit()
}

/// Stages `results.xlsx`, the workbook of `sheets`, in `dir` (renamed into
/// place by the folder's [`OutputDir::commit`]) and returns its name for
/// the manifest. Any command that writes an output folder calls it with the
/// results it has: a run its summary and inputs, `compare` its
/// [`Comparison`](crate::analysis::compare::Comparison), `sensitivity` its
/// [`Sensitivity`](crate::analysis::sensitivity::Sensitivity) (and its
/// run's summary).
pub fn stage_workbook(dir: &OutputDir, sheets: &Sheets<'_>) -> Result<String> {
    dir.stage(XLSX_FILE, &render_xlsx(sheets)?)?;
    Ok(XLSX_FILE.to_string())
}

impl Manifest {
    /// The manifest of a run of `model` summarised in `summary`, listing
    /// `files`; it is finished now.
    pub fn of_run(
        model: &Model,
        summary: &Summary,
        provenance: Provenance,
        files: Vec<String>,
    ) -> Manifest {
        Manifest {
            sampling: summary.method.sampling,
            generator: summary.method.generator,
            block_size: summary.method.block_size,
            files,
            ..Manifest::of(model, summary.seed, summary.paths, provenance)
        }
    }

    /// The manifest of `model` simulated over `paths` paths from `seed`,
    /// listing no files yet; it is finished now.
    pub fn of(model: &Model, seed: u64, paths: u64, provenance: Provenance) -> Manifest {
        Manifest {
            runway_version: env!("CARGO_PKG_VERSION"),
            model_file: model.source.label.clone(),
            model_sha256: sha256_hex(model.source.text.as_bytes()),
            scenario: model.scenario.clone(),
            scenarios: None,
            overrides: provenance.overrides,
            seed,
            paths,
            threads: provenance.threads,
            sampling: model.sampling.describe(),
            generator: GENERATOR_NAME,
            block_size: BLOCK_SIZE,
            started_at: provenance.started_at,
            finished_at: now_utc_rfc3339(),
            elapsed_seconds: provenance.elapsed_seconds,
            command_line: provenance.command_line,
            files: Vec::new(),
        }
    }
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The current time in UTC as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_utc_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_a_known_string() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn timestamps_look_like_rfc3339() {
        let t = now_utc_rfc3339();
        assert_eq!(t.len(), 20);
        assert!(t.starts_with("20") && t.ends_with('Z') && &t[10..11] == "T");
    }
}
