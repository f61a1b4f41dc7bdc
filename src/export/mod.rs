//! Files for spreadsheets and scripts: `summary.csv`, `by_month.csv`,
//! `paths.csv` and `manifest.json`, written atomically into one folder.
//!
//! The folder is checked before the run starts (created if missing, probed
//! for write access, existing runway files refused without `--force`), so a
//! bad path fails in a second, not after an hour. Every file is written to a
//! temporary name in the folder and renamed into place only when the run has
//! succeeded; an interrupted or failed run removes its temporary files and
//! leaves no partial output.

mod csv_files;
mod manifest;
mod paths;

pub use csv_files::{
    num as csv_number, render_by_month_csv, render_convergence_csv, render_summary_csv, unit_suffix,
};
pub use manifest::{now_utc_rfc3339, sha256_hex, Manifest};
pub use paths::PathRows;

use crate::error::{Error, Result};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The files runway writes into an output folder.
pub const OUTPUT_FILES: [&str; 11] = [
    "summary.csv",
    "by_month.csv",
    "paths.csv",
    "convergence.csv",
    "manifest.json",
    "insolvency_curve.svg",
    "insolvency_month.svg",
    "cash_fan.svg",
    "end_cash_histogram.svg",
    "tornado.svg",
    "scenario_curves.svg",
];

/// An output folder, checked and ready.
#[derive(Debug)]
pub struct OutputDir {
    dir: PathBuf,
    /// Temporary files not yet renamed into place (removed on drop).
    pending: std::sync::Mutex<Vec<PathBuf>>,
}

impl OutputDir {
    /// Creates `dir` if needed, checks it is writable, and refuses to replace
    /// existing runway output files unless `force`.
    pub fn prepare(dir: &Path, force: bool) -> Result<OutputDir> {
        OutputDir::prepare_guarding(dir, force, &OUTPUT_FILES, "runway output")
    }

    /// A folder that will receive files of other names (charts, a report):
    /// created if missing and probed for write access, nothing refused.
    pub fn prepare_for_file(dir: &Path) -> Result<OutputDir> {
        OutputDir::prepare_guarding(dir, true, &[], "")
    }

    /// Creates `dir` if needed, checks it is writable, and unless `force`
    /// refuses to replace any of `guarded` (files described as `what`).
    pub fn prepare_guarding(
        dir: &Path,
        force: bool,
        guarded: &[&str],
        what: &str,
    ) -> Result<OutputDir> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Output {
                path: dir.to_path_buf(),
                action: "cannot use as output folder",
                source: std::io::Error::other("it is a file, not a folder"),
            });
        }
        fs::create_dir_all(dir).map_err(|source| Error::Output {
            path: dir.to_path_buf(),
            action: "cannot create the output folder",
            source,
        })?;
        if !force {
            let existing: Vec<&str> = guarded
                .iter()
                .copied()
                .filter(|f| dir.join(f).exists())
                .collect();
            if !existing.is_empty() {
                return Err(Error::Usage(format!(
                    "{}: already holds {what} ({}); pass --force to replace it, or choose another folder",
                    dir.display(),
                    existing.join(", ")
                )));
            }
        }
        // Probe: can we create, write and remove a file here?
        let probe = dir.join(format!(".runway-probe-{}", std::process::id()));
        fs::File::create(&probe)
            .and_then(|mut f| f.write_all(b"probe"))
            .map_err(|source| Error::Output {
                path: dir.to_path_buf(),
                action: "cannot write into the output folder",
                source,
            })?;
        let _ = fs::remove_file(&probe);
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            pending: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// A fresh temporary path in the folder for `name`, removed on drop
    /// unless [`OutputDir::commit`] renames it into place.
    pub fn temp_path(&self, name: &str) -> PathBuf {
        let path = self.dir.join(format!(".{name}.tmp-{}", std::process::id()));
        self.pending.lock().expect("lock").push(path.clone());
        path
    }

    /// Writes `bytes` to a temporary file for `name` (not yet in place).
    pub fn stage(&self, name: &str, bytes: &[u8]) -> Result<PathBuf> {
        let temp = self.temp_path(name);
        let mut file = fs::File::create(&temp).map_err(|source| Error::Output {
            path: temp.clone(),
            action: "cannot create",
            source,
        })?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|source| Error::Output {
                path: self.dir.join(name),
                action: "cannot write",
                source,
            })?;
        Ok(temp)
    }

    /// Renames every staged file into place (`.NAME.tmp-PID` → `NAME`).
    pub fn commit(&self) -> Result<()> {
        let mut pending = self.pending.lock().expect("lock");
        for temp in pending.drain(..) {
            let name = temp
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix('.'))
                .and_then(|n| n.rsplit_once(".tmp-"))
                .map(|(n, _)| n.to_string())
                .expect("temporary names are made by temp_path");
            let target = self.dir.join(name);
            fs::rename(&temp, &target).map_err(|source| Error::Output {
                path: target,
                action: "cannot move into place",
                source,
            })?;
        }
        Ok(())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if let Ok(pending) = self.pending.lock() {
            for temp in pending.iter() {
                let _ = fs::remove_file(temp);
            }
        }
    }
}
