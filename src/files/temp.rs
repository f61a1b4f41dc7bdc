//! One registry of every temporary file runway creates.
//!
//! Output is never written in place: each file is first written under a
//! hidden temporary name in its folder and renamed into place only when the
//! run has succeeded. The names are
//!
//! - `.NAME.tmp-PID`: the file `NAME` being written (export files, the
//!   streamed `paths.csv`, a shard's partial file);
//! - `.NAME.bak-PID`: the previous `NAME`, moved aside for the moment a
//!   commit replaces it (restored if the commit fails);
//! - `.runway-probe-PID`: a write-access probe.
//!
//! A [`TempFile`] guard registers its path when it is created and
//! deregisters it when it is renamed into place ([`TempFile::persist`]) or
//! dropped (which removes the file). Errors therefore clean up by
//! unwinding, and the signal thread, which exits the process without
//! unwinding, calls [`remove_all`] first. A commit of several files holds
//! [`transaction`] while it renames, so that exit waits for the folder to be
//! consistent again.
//!
//! A run killed outright (SIGKILL, power loss) cannot clean up; the next
//! run into the same folder calls [`sweep_stale`], which removes runway
//! temporaries whose process is gone and says so on stderr.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Every temporary file that exists now and is not yet renamed or removed.
static REGISTRY: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Held while a commit renames files (see [`transaction`]).
static COMMIT: Mutex<()> = Mutex::new(());

fn registry() -> MutexGuard<'static, BTreeSet<PathBuf>> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Registers `path` as a temporary (it will be removed by [`remove_all`]).
pub fn register(path: &Path) {
    registry().insert(path.to_path_buf());
}

/// Forgets `path` (it was renamed into place or removed).
pub fn deregister(path: &Path) {
    registry().remove(path);
}

/// The temporaries registered now (for tests and diagnostics).
pub fn registered() -> Vec<PathBuf> {
    registry().iter().cloned().collect()
}

/// Proof that every temporary was removed; while it lives no temporary can
/// be created or committed (hold it until the process exits).
pub struct Cleared {
    _commit: MutexGuard<'static, ()>,
    _files: MutexGuard<'static, BTreeSet<PathBuf>>,
}

/// Removes every registered temporary. Called by the signal thread just
/// before it exits the process; takes [`transaction`] first, so a commit
/// under way finishes (or rolls back) before the files are removed. Keep
/// the returned guard until `exit`: it blocks new temporaries and commits.
pub fn remove_all() -> Cleared {
    let commit = transaction();
    let mut files = registry();
    for path in files.iter() {
        let _ = std::fs::remove_file(path);
    }
    files.clear();
    Cleared {
        _commit: commit,
        _files: files,
    }
}

/// A lock held while several files are renamed into place together.
pub fn transaction() -> MutexGuard<'static, ()> {
    COMMIT.lock().unwrap_or_else(|e| e.into_inner())
}

/// `.NAME.tmp-PID` for this process.
pub fn temp_name(name: &str) -> String {
    format!(".{name}.tmp-{}", std::process::id())
}

/// `.NAME.bak-PID` for this process.
pub fn backup_name(name: &str) -> String {
    format!(".{name}.bak-{}", std::process::id())
}

/// `.runway-probe-PID` for this process.
pub fn probe_name() -> String {
    format!(".runway-probe-{}", std::process::id())
}

/// What a runway temporary's file name says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TempKind {
    /// `.NAME.tmp-PID`: `NAME` being written.
    Staged(String),
    /// `.NAME.bak-PID`: the previous `NAME`, moved aside.
    Backup(String),
    /// `.runway-probe-PID`.
    Probe,
}

/// Parses a runway temporary's file name into its kind and PID.
pub fn parse_name(file_name: &str) -> Option<(TempKind, u32)> {
    let rest = file_name.strip_prefix('.')?;
    let digits = |s: &str| -> Option<u32> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    if let Some(pid) = rest.strip_prefix("runway-probe-") {
        return Some((TempKind::Probe, digits(pid)?));
    }
    if let Some((name, pid)) = rest.rsplit_once(".tmp-") {
        if !name.is_empty() {
            return Some((TempKind::Staged(name.to_string()), digits(pid)?));
        }
    }
    if let Some((name, pid)) = rest.rsplit_once(".bak-") {
        if !name.is_empty() {
            return Some((TempKind::Backup(name.to_string()), digits(pid)?));
        }
    }
    None
}

/// A registered temporary file: removed when dropped, unless it was renamed
/// into place with [`TempFile::persist`].
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
    /// The file it becomes (`dir/NAME`).
    target: PathBuf,
}

impl TempFile {
    /// Creates (empty) and registers `dir/.NAME.tmp-PID`, the temporary of
    /// `dir/NAME`. The file is created under the registry's lock, so a
    /// concurrent [`remove_all`] sees it or it is never created.
    pub fn create(dir: &Path, name: &str) -> std::io::Result<TempFile> {
        TempFile::create_at(dir.join(temp_name(name)), dir.join(name))
    }

    /// Creates and registers the write probe `dir/.runway-probe-PID`.
    pub fn probe(dir: &Path) -> std::io::Result<TempFile> {
        let path = dir.join(probe_name());
        TempFile::create_at(path.clone(), path)
    }

    fn create_at(path: PathBuf, target: PathBuf) -> std::io::Result<TempFile> {
        let mut files = registry();
        std::fs::File::create(&path)?;
        files.insert(path.clone());
        Ok(TempFile { path, target })
    }

    /// Registers an existing file (e.g. a backup) as a temporary: removed
    /// on drop.
    pub fn adopt(path: PathBuf) -> TempFile {
        register(&path);
        TempFile {
            target: path.clone(),
            path,
        }
    }

    /// Deregisters the file and leaves it where it is (if it still exists).
    pub fn forget(self) {
        deregister(&self.path);
        std::mem::forget(self);
    }

    /// The temporary path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path it is renamed to by [`TempFile::persist`].
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Renames the file into place; on failure the guard is handed back
    /// (still registered) with the reason.
    pub fn persist(self) -> Result<(), (TempFile, std::io::Error)> {
        match std::fs::rename(&self.path, &self.target) {
            Ok(()) => {
                self.forget();
                Ok(())
            }
            Err(e) => Err((self, e)),
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        deregister(&self.path);
    }
}

/// Whether process `pid` may still be running. On Linux, `/proc/PID`
/// tells; elsewhere (or without `/proc`) every process counts as alive, so
/// nothing is removed.
fn may_be_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") && Path::new("/proc/self").exists() {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    true
}

/// Looks in `dir` for runway temporaries of files named in `names` (and
/// write probes) left by a process that no longer runs: removes them (a
/// backup whose file is missing is put back instead) and says so on stderr,
/// one line each. Temporaries of live processes are left alone. Where
/// liveness cannot be told (no `/proc`), leftovers are only reported.
pub fn sweep_stale(dir: &Path, names: &[&str]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let checkable = cfg!(target_os = "linux") && Path::new("/proc/self").exists();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let Some((kind, pid)) = parse_name(file_name) else {
            continue;
        };
        let ours = match &kind {
            TempKind::Probe => true,
            TempKind::Staged(n) | TempKind::Backup(n) => names.contains(&n.as_str()),
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !ours || !is_file || (checkable && may_be_alive(pid)) || pid == std::process::id() {
            continue;
        }
        let path = entry.path();
        let mut err = std::io::stderr().lock();
        if !checkable {
            let _ = writeln!(
                err,
                "runway: found a leftover temporary {file_name} (process {pid}); remove it if no runway run is writing there"
            );
            continue;
        }
        match kind {
            TempKind::Backup(name) if !dir.join(&name).exists() => {
                if std::fs::rename(&path, dir.join(&name)).is_ok() {
                    let _ = writeln!(
                        err,
                        "runway: restored {name} from {file_name}, left by an interrupted run"
                    );
                }
            }
            _ => {
                if std::fs::remove_file(&path).is_ok() {
                    let _ = writeln!(
                        err,
                        "runway: removed a leftover temporary {file_name} from an interrupted run"
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back() {
        assert_eq!(
            parse_name(".paths.csv.tmp-1234"),
            Some((TempKind::Staged("paths.csv".into()), 1234))
        );
        assert_eq!(
            parse_name(".summary.csv.bak-7"),
            Some((TempKind::Backup("summary.csv".into()), 7))
        );
        assert_eq!(parse_name(".runway-probe-9"), Some((TempKind::Probe, 9)));
        for bad in ["paths.csv", ".paths.csv.tmp-", ".x.tmp-12a", ".tmp-3"] {
            assert_eq!(parse_name(bad), None, "{bad}");
        }
    }
}
