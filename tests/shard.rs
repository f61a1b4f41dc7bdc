//! Sharded runs: separate processes, merged, equal the whole run exactly.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn runway() -> Command {
    Command::cargo_bin("runway").unwrap()
}

const PATHS: &str = "40000";

fn shard(dir: &Path, k: u32, m: u32, extra: &[&str]) -> PathBuf {
    let file = dir.join(format!("part-{k}-of-{m}.json"));
    runway()
        .args([
            "run",
            "configs/openai_2024.toml",
            "--paths",
            PATHS,
            "--seed",
            "17",
            "-q",
            "--shard",
            &format!("{k}/{m}"),
            "--partial",
        ])
        .arg(&file)
        .args(extra)
        .assert()
        .success();
    file
}

fn without_run(json: &[u8]) -> String {
    let mut v: serde_json::Value = serde_json::from_slice(json).unwrap();
    v.as_object_mut().unwrap().remove("run");
    serde_json::to_string(&v).unwrap()
}

#[test]
fn four_shards_merged_equal_the_whole_run_in_report_and_files() {
    let tmp = tempfile::tempdir().unwrap();
    let parts: Vec<PathBuf> = (0..4).map(|k| shard(tmp.path(), k, 4, &[])).collect();
    let whole = runway()
        .args([
            "run",
            "configs/openai_2024.toml",
            "--paths",
            PATHS,
            "--seed",
            "17",
            "-q",
            "--format",
            "json",
            "--out",
        ])
        .arg(tmp.path().join("whole"))
        .output()
        .unwrap();
    assert!(whole.status.success());
    let merged = runway()
        .arg("merge")
        .args(&parts)
        .args(["--format", "json", "--out"])
        .arg(tmp.path().join("merged"))
        .output()
        .unwrap();
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    assert_eq!(without_run(&whole.stdout), without_run(&merged.stdout));
    for file in ["summary.csv", "by_month.csv"] {
        assert_eq!(
            std::fs::read(tmp.path().join("whole").join(file)).unwrap(),
            std::fs::read(tmp.path().join("merged").join(file)).unwrap(),
            "{file} differs"
        );
    }
    // Any order gives the same bytes.
    let mut reversed = parts.clone();
    reversed.reverse();
    let again = runway()
        .arg("merge")
        .args(&reversed)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let first = runway()
        .arg("merge")
        .args(&parts)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(without_run(&again.stdout), without_run(&first.stdout));
}

#[test]
fn a_missing_duplicate_or_foreign_shard_is_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let parts: Vec<PathBuf> = (0..3).map(|k| shard(tmp.path(), k, 3, &[])).collect();
    runway()
        .arg("merge")
        .args(&parts[..2])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing: 2/3"));
    runway()
        .arg("merge")
        .args([&parts[0], &parts[1], &parts[1], &parts[2]])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("given twice"));
    let foreign = tmp.path().join("foreign.json");
    runway()
        .args([
            "run",
            "configs/openai_2024.toml",
            "--paths",
            PATHS,
            "--seed",
            "18",
            "-q",
            "--shard",
            "2/3",
            "--partial",
        ])
        .arg(&foreign)
        .assert()
        .success();
    runway()
        .arg("merge")
        .args([&parts[0], &parts[1], &foreign])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("foreign.json").and(predicate::str::contains("seed differs")),
        );
}

#[test]
fn a_truncated_or_altered_partial_file_is_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let parts: Vec<PathBuf> = (0..2).map(|k| shard(tmp.path(), k, 2, &[])).collect();
    let bytes = std::fs::read(&parts[1]).unwrap();
    let truncated = tmp.path().join("truncated.json");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    runway()
        .arg("merge")
        .args([&parts[0], &truncated])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("truncated.json").and(predicate::str::contains("truncated")),
        );
    let mut altered = bytes.clone();
    let at = altered.iter().position(|&b| b == b'7').unwrap();
    altered[at] = b'8';
    let altered_path = tmp.path().join("altered.json");
    std::fs::write(&altered_path, &altered).unwrap();
    runway()
        .arg("merge")
        .args([&parts[0], &altered_path])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("altered.json").and(predicate::str::contains("checksum")));
}

#[test]
fn malformed_shard_arguments_are_refused_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p.json");
    for (shard, message) in [
        ("3", "K/M"),
        ("4/4", "less than M"),
        ("a/4", "whole number"),
        ("0/0", "at least 1"),
    ] {
        runway()
            .args(["run", "-q", "--shard", shard, "--partial"])
            .arg(&p)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
    runway()
        .args([
            "run",
            "-q",
            "--paths",
            "2000",
            "--shard",
            "0/3",
            "--partial",
        ])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fewer than 3 shards"));
    runway()
        .args(["run", "-q", "--shard", "0/2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--partial"));
    assert!(!p.exists());
}
