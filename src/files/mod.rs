//! Writing files safely: the output folder written atomically (`summary.csv`,
//! `by_month.csv`, `paths.csv`, `results.xlsx`, charts and `manifest.json`),
//! temporary files, partial results of sharded runs, and stopping cleanly on
//! a signal.
//!
//! The folder is checked before the run starts (created if missing, probed
//! for write access, existing runway files refused unless forced), so a
//! bad path fails in a second, not after an hour. Every file is written to a
//! temporary name in the folder and renamed into place only when the run has
//! succeeded; an interrupted or failed run removes its temporary files and
//! leaves no partial output.

mod analysis;
mod manifest;
mod paths;
mod rare;
pub mod shard;
pub mod signals;
pub mod temp;
mod update;

pub use analysis::{
    write_backtest_outputs, write_compare_outputs, write_sensitivity_outputs, BACKTEST_FILES,
    COMPARE_FILES, SENSITIVITY_FILES,
};
pub use manifest::{
    now_utc_rfc3339, sha256_hex, stage_workbook, write_run_outputs, Manifest, Provenance,
};
pub use paths::PathRows;
pub use rare::{write_rare_outputs, RARE_FILES};
pub use temp::TempFile;
pub use update::{write_update_outputs, UPDATE_FILES};

use crate::error::{Error, Result, Setting};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The files `runway run --out DIR` writes (and those `runway merge --out
/// DIR` writes).
pub const OUTPUT_FILES: [&str; 12] = [
    "summary.csv",
    "by_month.csv",
    "results.xlsx",
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

/// Names of the files runway may write into an output folder, those of
/// every command (used to recognise its leftover temporaries).
fn known_names(extra: &[&str]) -> Vec<String> {
    OUTPUT_FILES
        .iter()
        .chain(COMPARE_FILES.iter())
        .chain(SENSITIVITY_FILES.iter())
        .chain(BACKTEST_FILES.iter())
        .chain(UPDATE_FILES.iter())
        .chain(extra.iter())
        .map(|s| s.to_string())
        .collect()
}

/// An output folder, checked and ready.
#[derive(Debug)]
pub struct OutputDir {
    dir: PathBuf,
    /// Temporary files not yet renamed into place (removed on drop).
    pending: std::sync::Mutex<Vec<TempFile>>,
    /// The topmost folder that preparing this one created (`None` if the
    /// folder existed): removed again, if still empty, when nothing was
    /// committed, so a refused or failed run leaves no empty folder behind.
    created: Option<PathBuf>,
    /// Whether a commit succeeded.
    committed: std::sync::atomic::AtomicBool,
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
    /// refuses to replace any of `guarded` (files described as `what`): a
    /// [`Setting::Force`] error naming the folder and the files.
    /// Whatever `force`, a guarded name that is a folder is refused, and
    /// leftover temporaries of dead runs are removed (see
    /// [`temp::sweep_stale`]).
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
        let created = dir
            .ancestors()
            .filter(|a| !a.as_os_str().is_empty())
            .take_while(|a| !a.exists())
            .last()
            .map(Path::to_path_buf);
        fs::create_dir_all(dir).map_err(|source| Error::Output {
            path: dir.to_path_buf(),
            action: "cannot create the output folder",
            source,
        })?;
        let made = OutputDir {
            dir: dir.to_path_buf(),
            pending: std::sync::Mutex::new(Vec::new()),
            created,
            committed: std::sync::atomic::AtomicBool::new(false),
        };
        if let Some(name) = guarded.iter().find(|f| dir.join(f).is_dir()) {
            return Err(folder_in_the_way(&dir.join(name)));
        }
        if !force {
            let existing: Vec<&str> = guarded
                .iter()
                .copied()
                .filter(|f| dir.join(f).exists())
                .collect();
            if !existing.is_empty() {
                return Err(Error::Setting {
                    setting: Setting::Force,
                    value: Some(dir.display().to_string()),
                    rule: format!("already holds {what} ({})", existing.join(", ")),
                });
            }
        }
        probe_folder(dir).map_err(|source| Error::Output {
            path: dir.to_path_buf(),
            action: "cannot write into the output folder",
            source,
        })?;
        let names = known_names(guarded);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        temp::sweep_stale(dir, &names);
        Ok(made)
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, Vec<TempFile>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A fresh temporary file (created empty and registered) in the folder
    /// for `name`, removed on drop unless [`OutputDir::commit`] renames it
    /// into place.
    pub fn temp_path(&self, name: &str) -> Result<PathBuf> {
        let mut pending = self.pending();
        // Staging a name twice replaces the earlier temporary.
        let path = self.dir.join(temp::temp_name(name));
        pending.retain(|t| t.path() != path);
        let temp = TempFile::create(&self.dir, name).map_err(|source| Error::Output {
            path: path.clone(),
            action: "cannot create",
            source,
        })?;
        pending.push(temp);
        Ok(path)
    }

    /// Writes `bytes` to a temporary file for `name` (not yet in place).
    pub fn stage(&self, name: &str, bytes: &[u8]) -> Result<PathBuf> {
        let temp = self.temp_path(name)?;
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

    /// Renames every staged file into place (`.NAME.tmp-PID` → `NAME`), all
    /// or nothing: existing targets are first moved aside to
    /// `.NAME.bak-PID`, then the new files are renamed in. If any step
    /// fails, the new files are removed, the previous files are put back and
    /// every remaining temporary is deleted; the error names the file that
    /// failed. A run interrupted by a signal commits nothing.
    pub fn commit(&self) -> Result<()> {
        let _transaction = temp::transaction();
        let staged: Vec<TempFile> = std::mem::take(&mut *self.pending());
        if let Some(signal) = crate::files::signals::received() {
            return Err(Error::Interrupted { signal });
        }
        // Nothing is touched while a target is a folder.
        if let Some(t) = staged.iter().find(|t| t.target().is_dir()) {
            return Err(folder_in_the_way(t.target()));
        }
        // 1. Move existing targets aside.
        let mut backups: Vec<(TempFile, PathBuf)> = Vec::new();
        let restore = |backups: Vec<(TempFile, PathBuf)>| {
            for (backup, target) in backups.into_iter().rev() {
                // A backup that cannot be put back is kept (never lost):
                // the next run into the folder restores it.
                let _ = fs::rename(backup.path(), &target);
                backup.forget();
            }
        };
        for t in &staged {
            let target = t.target().to_path_buf();
            if fs::symlink_metadata(&target).is_err() {
                continue;
            }
            let name = target
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let backup_path = self.dir.join(temp::backup_name(&name));
            if let Err(source) = fs::rename(&target, &backup_path) {
                restore(backups);
                return Err(Error::Output {
                    path: target,
                    action: "cannot move the previous file aside (the folder is unchanged)",
                    source,
                });
            }
            backups.push((TempFile::adopt(backup_path), target));
        }
        // 2. Rename the new files in.
        let mut placed: Vec<PathBuf> = Vec::new();
        let mut staged = staged.into_iter();
        for t in staged.by_ref() {
            let target = t.target().to_path_buf();
            if let Err((_temp, source)) = t.persist() {
                for done in &placed {
                    let _ = fs::remove_file(done);
                }
                restore(backups);
                // `_temp` and the rest of `staged` are removed on drop.
                return Err(Error::Output {
                    path: target,
                    action: "cannot move into place (the folder is unchanged)",
                    source,
                });
            }
            placed.push(target);
        }
        // 3. Success: the previous files go.
        drop(backups);
        self.committed
            .store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }
}

fn folder_in_the_way(path: &Path) -> Error {
    Error::Output {
        path: path.to_path_buf(),
        action: "cannot replace",
        source: std::io::Error::other(
            "it is a folder, not a file; move it away or choose another folder",
        ),
    }
}

/// Can we create, write and remove a file in `dir`?
pub fn probe_folder(dir: &Path) -> std::io::Result<()> {
    let probe = TempFile::probe(dir)?;
    fs::OpenOptions::new()
        .write(true)
        .open(probe.path())
        .and_then(|mut f| f.write_all(b"probe"))
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        // Each pending TempFile removes its file.
        self.pending().clear();
        if self.committed.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        // A folder this run created and never filled goes again, up to the
        // topmost one it created; `remove_dir` leaves a non-empty one alone.
        if let Some(top) = &self.created {
            for folder in self.dir.ancestors() {
                if fs::remove_dir(folder).is_err() || folder == top.as_path() {
                    break;
                }
            }
        }
    }
}
