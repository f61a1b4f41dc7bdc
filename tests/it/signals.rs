//! Signals and files: a run stopped by SIGINT, SIGTERM or SIGHUP (once or
//! twice), a failed commit, a bad `--partial` target or a run killed
//! outright leaves no half-written or temporary file behind.
#![cfg(unix)]

use assert_cmd::Command as AssertCommand;
use predicates::prelude::*;
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long a run may take to create its temporary, or to exit after a signal.
const PATIENCE: Duration = Duration::from_secs(30);

fn runway() -> AssertCommand {
    AssertCommand::cargo_bin("runway").unwrap()
}

/// A running `runway`, killed with SIGKILL if a test gives up on it.
struct Running {
    child: Option<Child>,
}

impl Running {
    fn start(args: &[OsString]) -> Running {
        let child = Command::new(assert_cmd::cargo::cargo_bin("runway"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runway starts");
        Running { child: Some(child) }
    }

    fn pid(&self) -> i32 {
        self.child.as_ref().unwrap().id() as i32
    }

    fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on our own child's PID (it has not been reaped).
        let rc = unsafe { libc::kill(self.pid(), signal) };
        assert_eq!(rc, 0, "kill({}, {signal}) failed", self.pid());
    }

    /// Waits (bounded) for the exit; returns the status and stderr.
    fn wait(mut self) -> (ExitStatus, String) {
        let deadline = Instant::now() + PATIENCE;
        let mut child = self.child.take().unwrap();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("runway did not exit within {PATIENCE:?} after the signal");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (status, stderr)
    }

    /// Polls until `dir` holds a file named `.NAME.tmp-PID` of this process.
    fn wait_for_temporary(&mut self, dir: &Path, name: &str) {
        let wanted = format!(".{name}.tmp-{}", self.pid());
        let deadline = Instant::now() + PATIENCE;
        while !dir.join(&wanted).exists() {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                let mut stderr = String::new();
                let _ = self
                    .child
                    .as_mut()
                    .unwrap()
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut stderr);
                panic!("runway exited ({status}) before creating {wanted}: {stderr}");
            }
            assert!(
                Instant::now() < deadline,
                "{wanted} never appeared in {} within {PATIENCE:?}",
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The names in `dir`, sorted; none when the folder is gone (a folder the
/// run created and never filled is removed with its temporaries).
fn entries(dir: &Path) -> Vec<String> {
    if !dir.exists() {
        return Vec::new();
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn args(parts: &[&str], dir_arg: &Path) -> Vec<OsString> {
    parts
        .iter()
        .map(|p| {
            if *p == "DIR" {
                dir_arg.as_os_str().to_owned()
            } else {
                OsString::from(p)
            }
        })
        .collect()
}

/// A long per-path export into `DIR/out`, stopped by `signals` (sent
/// back to back): exits with `code` and leaves the folder empty.
fn per_path_export_stopped_by(signals: &[i32], code: i32, name: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut run = Running::start(&args(
        &[
            "run",
            "configs/bench/ref1b.toml",
            "--paths",
            "2G",
            "--out",
            "DIR",
            "--per-path",
            "-q",
        ],
        &out,
    ));
    run.wait_for_temporary(&out, "paths.csv");
    for &s in signals {
        run.signal(s);
    }
    let (status, stderr) = run.wait();
    assert_eq!(status.code(), Some(code), "{status}; stderr: {stderr}");
    assert!(
        stderr.contains(&format!("interrupted by {name}")),
        "stderr: {stderr}"
    );
    assert_eq!(entries(&out), Vec::<String>::new(), "left behind in --out");
}

/// A long shard, stopped by `signals`: exits with `code` and writes neither
/// the partial file nor its temporary.
fn shard_stopped_by(signals: &[i32], code: i32, name: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("parts");
    std::fs::create_dir(&dir).unwrap();
    let mut run = Running::start(&args(LONG_SHARD_RUN, &dir.join("p.json")));
    run.wait_for_temporary(&dir, "p.json");
    for &s in signals {
        run.signal(s);
    }
    let (status, stderr) = run.wait();
    assert_eq!(status.code(), Some(code), "{status}; stderr: {stderr}");
    assert!(
        stderr.contains(&format!("interrupted by {name}")),
        "stderr: {stderr}"
    );
    assert_eq!(entries(&dir), Vec::<String>::new(), "left behind");
}

#[test]
fn sigint_during_a_per_path_export_leaves_no_file_and_exits_130() {
    per_path_export_stopped_by(&[libc::SIGINT], 130, "SIGINT");
}

#[test]
fn sigterm_during_a_per_path_export_leaves_no_file_and_exits_143() {
    per_path_export_stopped_by(&[libc::SIGTERM], 143, "SIGTERM");
}

#[test]
fn sighup_during_a_per_path_export_leaves_no_file_and_exits_129() {
    per_path_export_stopped_by(&[libc::SIGHUP], 129, "SIGHUP");
}

#[test]
fn a_second_sigint_right_after_the_first_still_removes_every_temporary_and_exits_130() {
    per_path_export_stopped_by(&[libc::SIGINT, libc::SIGINT], 130, "SIGINT");
}

#[test]
fn sigint_during_a_shard_leaves_no_partial_file_and_exits_130() {
    shard_stopped_by(&[libc::SIGINT], 130, "SIGINT");
}

#[test]
fn sigterm_during_a_shard_leaves_no_partial_file_and_exits_143() {
    shard_stopped_by(&[libc::SIGTERM], 143, "SIGTERM");
}

#[test]
fn sighup_during_a_shard_leaves_no_partial_file_and_exits_129() {
    shard_stopped_by(&[libc::SIGHUP], 129, "SIGHUP");
}

#[test]
fn a_second_sigterm_right_after_the_first_during_a_shard_leaves_no_file_and_exits_143() {
    shard_stopped_by(&[libc::SIGTERM, libc::SIGTERM], 143, "SIGTERM");
}

/// A shard of a run that would take hours, writing its partial file to
/// `DIR` (replaced by the test's path).
const LONG_SHARD_RUN: &[&str] = &[
    "run",
    "configs/bench/ref1b.toml",
    "--paths",
    "2G",
    "--shard",
    "0/4",
    "--partial",
    "DIR",
    "-q",
];

/// Runs `runway` to completion within a few seconds (the run itself would
/// take hours, so a quick exit proves the check came first).
fn fails_fast(parts: &[&str], dir_arg: &Path) -> (i32, String) {
    let started = Instant::now();
    let run = Running::start(&args(parts, dir_arg));
    let (status, stderr) = run.wait();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}: the check did not come before the run",
        started.elapsed()
    );
    (status.code().expect("an exit code"), stderr)
}

#[test]
fn a_summary_csv_that_is_a_folder_fails_before_the_run_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join("summary.csv")).unwrap();
    std::fs::write(out.join("by_month.csv"), "previous\n").unwrap();
    let (code, stderr) = fails_fast(
        &[
            "run",
            "configs/bench/ref1b.toml",
            "--paths",
            "2G",
            "--out",
            "DIR",
            "--per-path",
            "--force",
            "-q",
        ],
        &out,
    );
    assert_eq!(code, 1, "stderr: {stderr}");
    assert!(
        stderr.contains("summary.csv") && stderr.contains("folder"),
        "stderr: {stderr}"
    );
    assert_eq!(entries(&out), ["by_month.csv", "summary.csv"]);
    assert_eq!(
        std::fs::read_to_string(out.join("by_month.csv")).unwrap(),
        "previous\n"
    );
    assert!(out.join("summary.csv").is_dir());
}

#[test]
fn a_commit_that_fails_halfway_puts_every_previous_file_back_and_removes_every_temporary() {
    use runway::files::OutputDir;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("summary.csv"), "old summary\n").unwrap();
    std::fs::write(dir.join("by_month.csv"), "old by month\n").unwrap();
    let out = OutputDir::prepare(dir, true).unwrap();
    out.stage("summary.csv", b"new summary\n").unwrap();
    let by_month = out.stage("by_month.csv", b"new by month\n").unwrap();
    out.stage("manifest.json", b"{}\n").unwrap();
    // The second rename fails: its staged file has vanished.
    std::fs::remove_file(&by_month).unwrap();
    let err = out.commit().unwrap_err();
    assert_eq!(err.exit_code(), 1);
    assert!(err.to_string().contains("by_month.csv"), "{err}");
    drop(out);
    assert_eq!(entries(dir), ["by_month.csv", "summary.csv"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("summary.csv")).unwrap(),
        "old summary\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("by_month.csv")).unwrap(),
        "old by month\n"
    );
    assert!(
        !runway::files::temp::registered()
            .iter()
            .any(|p| p.starts_with(dir)),
        "temporaries still registered"
    );
}

#[test]
fn a_commit_that_succeeds_replaces_the_files_and_leaves_no_backup() {
    use runway::files::OutputDir;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("summary.csv"), "old\n").unwrap();
    let out = OutputDir::prepare(dir, true).unwrap();
    out.stage("summary.csv", b"new\n").unwrap();
    out.stage("by_month.csv", b"new\n").unwrap();
    out.commit().unwrap();
    drop(out);
    assert_eq!(entries(dir), ["by_month.csv", "summary.csv"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("summary.csv")).unwrap(),
        "new\n"
    );
}

#[test]
fn a_partial_file_that_is_a_folder_fails_before_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("p.json");
    std::fs::create_dir(&target).unwrap();
    let (code, stderr) = fails_fast(LONG_SHARD_RUN, &target);
    assert_eq!(code, 1, "stderr: {stderr}");
    assert!(
        stderr.contains(&target.display().to_string()) && stderr.contains("folder"),
        "stderr: {stderr}"
    );
    assert_eq!(entries(tmp.path()), ["p.json"]);
}

#[test]
fn a_partial_file_in_a_missing_folder_fails_before_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("missing").join("p.json");
    let (code, stderr) = fails_fast(LONG_SHARD_RUN, &target);
    assert_eq!(code, 1, "stderr: {stderr}");
    assert!(
        stderr.contains(&target.display().to_string()),
        "stderr: {stderr}"
    );
    assert_eq!(entries(tmp.path()), Vec::<String>::new());
}

/// A PID above Linux's largest possible PID (2^22): never a live process.
const DEAD_PID: u32 = 99_999_999;

#[cfg(target_os = "linux")]
#[test]
fn a_leftover_temporary_of_a_dead_run_is_removed_and_reported_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    let dead = format!(".paths.csv.tmp-{DEAD_PID}");
    // This test's own process is alive: its temporary must be left alone.
    let live = format!(".summary.csv.tmp-{}", std::process::id());
    let foreign = format!(".notes.txt.tmp-{DEAD_PID}");
    for name in [&dead, &live, &foreign] {
        std::fs::write(out.join(name), "half-written").unwrap();
    }
    runway()
        .args(["run", "--paths", "2000", "-q", "--out"])
        .arg(out)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "runway: removed a leftover temporary {dead} from an interrupted run"
        )));
    let left = entries(out);
    assert!(!left.contains(&dead), "{left:?}");
    assert!(left.contains(&live), "{left:?}");
    assert!(left.contains(&foreign), "not runway's: {left:?}");
    assert!(left.contains(&"summary.csv".to_string()), "{left:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_leftover_partial_temporary_of_a_dead_shard_is_removed_by_the_next_shard() {
    let tmp = tempfile::tempdir().unwrap();
    let dead = format!(".p.json.tmp-{DEAD_PID}");
    std::fs::write(tmp.path().join(&dead), "half-written").unwrap();
    let target: PathBuf = tmp.path().join("p.json");
    runway()
        .args([
            "run",
            "--paths",
            "2000",
            "-q",
            "--shard",
            "0/1",
            "--partial",
        ])
        .arg(&target)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "removed a leftover temporary {dead}"
        )));
    assert_eq!(entries(tmp.path()), ["p.json"]);
}
