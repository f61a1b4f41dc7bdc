//! Sharded runs: separate processes, merged, equal the whole run exactly.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

pub(crate) fn runway() -> Command {
    Command::cargo_bin("runway").unwrap()
}

pub(crate) const PATHS: &str = "40000";

pub(crate) fn shard(dir: &Path, k: u32, m: u32, extra: &[&str]) -> PathBuf {
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
    for file in ["summary.csv", "by_month.csv", "results.xlsx"] {
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
            predicate::str::contains("foreign.json").and(predicate::str::contains(format!(
                "seed 18, expected 17 (from {})",
                parts[0].display()
            ))),
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

/// Writes `partial` (a JSON value) as a partial file with a valid checksum:
/// the checksum proves nothing, so everything behind it must be checked.
pub(crate) fn forge(path: &Path, partial: &serde_json::Value) {
    let mut body = serde_json::to_vec(partial).unwrap();
    body.push(b'\n');
    let trailer = format!("sha256 {}\n", runway::files::sha256_hex(&body));
    body.extend_from_slice(trailer.as_bytes());
    std::fs::write(path, body).unwrap();
}

/// Writes `partial` as a forged file at `path` and merges it after `good`.
pub(crate) fn merge_forged(
    good: &Path,
    path: &Path,
    partial: &serde_json::Value,
) -> std::process::Output {
    forge(path, partial);
    runway().arg("merge").arg(good).arg(path).output().unwrap()
}

pub(crate) fn read_body(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let body = &text[..text.trim_end().rfind('\n').unwrap()];
    serde_json::from_str(body).unwrap()
}

#[test]
fn forged_partials_with_valid_checksums_are_refused_by_file_and_field_without_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let parts: Vec<PathBuf> = (0..2).map(|k| shard(tmp.path(), k, 2, &[])).collect();
    let original = read_body(&parts[1]);
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit, &str); 15] = [
        (
            "huge-shards",
            |v| v["shards"] = 8_000_000_000_000u64.into(),
            "shards",
        ),
        ("huge-shard", |v| v["shard"] = u64::MAX.into(), "shard"),
        ("zero-paths", |v| v["paths"] = 0.into(), "paths"),
        (
            "bad-blocks",
            |v| v["blocks"] = serde_json::json!([0, 40]),
            "blocks",
        ),
        (
            "bad-sampling",
            |v| v["sampling"] = "quantum".into(),
            "sampling",
        ),
        (
            "huge-bucket-key",
            |v| v["tally"]["end_cash"]["positive"][0][0] = 1_000_000_000_000_000u64.into(),
            "bucket key",
        ),
        (
            "sum-outside-range",
            |v| v["tally"]["end_cash_sum"] = format!("0x{}", "f".repeat(500)).into(),
            "sum of end cash",
        ),
        (
            "min-above-max",
            |v| v["tally"]["lowest_cash"]["min"] = 1e300.into(),
            "min",
        ),
        (
            "too-many-insolvent",
            |v| v["tally"]["insolvent_in_month"][3] = u64::MAX.into(),
            "insolvent",
        ),
        (
            "no-fan",
            |v| v["tally"]["fan"] = serde_json::Value::Null,
            "fan",
        ),
        (
            "count-mismatch",
            |v| v["tally"]["end_cash"]["count"] = 5.into(),
            "count",
        ),
        (
            "inflow-beyond-paths",
            |v| v["tally"]["inflow_arrived"][0] = 1_000_000.into(),
            "inflow",
        ),
        (
            "lowest-above-end",
            |v| {
                // Swapped: each sketch is consistent, but not with the other.
                let end = v["tally"]["end_cash"].clone();
                v["tally"]["end_cash"] = v["tally"]["lowest_cash"].clone();
                v["tally"]["lowest_cash"] = end;
            },
            "lowest cash",
        ),
        (
            "last-month-differs",
            |v| {
                let first = v["tally"]["fan"]["cash"][0].clone();
                let last = v["tally"]["fan"]["cash"].as_array().unwrap().len() - 1;
                v["tally"]["fan"]["cash"][last] = first;
            },
            "end cash",
        ),
        (
            "huge-funding",
            |v| v["tally"]["funding_sum"] = format!("0x7fffffff{}", "f".repeat(560)).into(),
            "funding",
        ),
    ];
    for (name, edit, field) in cases {
        let mut forged = original.clone();
        edit(&mut forged);
        let path = tmp.path().join(format!("{name}.json"));
        let output = merge_forged(&parts[0], &path, &forged);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("{name}.json")) && stderr.contains(field),
            "{name}: the message names neither the file nor `{field}`: {stderr}"
        );
    }
}

#[test]
fn a_partial_whose_embedded_model_is_broken_is_blamed_on_the_partial_file() {
    let tmp = tempfile::tempdir().unwrap();
    let parts: Vec<PathBuf> = (0..2).map(|k| shard(tmp.path(), k, 2, &[])).collect();
    let mut forged = read_body(&parts[0]);
    let text = forged["model_text"]
        .as_str()
        .unwrap()
        .replace("floor = 0 ", "floor = \"nothing\" ");
    assert_ne!(text, forged["model_text"].as_str().unwrap());
    forged["model_sha256"] = runway::files::sha256_hex(text.as_bytes()).into();
    forged["model_text"] = text.into();
    let path = tmp.path().join("broken-model.json");
    forge(&path, &forged);
    runway()
        .arg("merge")
        .arg(&path)
        .arg(&parts[1])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("broken-model.json")
                .and(predicate::str::contains("embedded"))
                .and(predicate::str::contains("cash.floor")),
        );
}

#[test]
fn any_single_forged_number_in_a_partial_gives_exit_0_or_2_and_never_a_crash_or_nan() {
    // A small deterministic fuzzer: every number outside the per-month
    // sketches, and about 40 within them, is replaced by an extreme value,
    // the checksum recomputed.
    let tmp = tempfile::tempdir().unwrap();
    let parts: Vec<PathBuf> = (0..2).map(|k| shard(tmp.path(), k, 2, &[])).collect();
    let original = read_body(&parts[1]);
    fn numbers(v: &serde_json::Value, at: &mut Vec<String>, path: String) {
        match v {
            serde_json::Value::Number(_) => at.push(path),
            serde_json::Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| numbers(x, at, format!("{path}/{i}"))),
            serde_json::Value::Object(o) => o
                .iter()
                .for_each(|(k, x)| numbers(x, at, format!("{path}/{k}"))),
            _ => {}
        }
    }
    let mut leaves = Vec::new();
    numbers(&original, &mut leaves, String::new());
    let replacements = [
        serde_json::json!(0),
        serde_json::json!(u64::MAX),
        serde_json::json!(-1e308),
    ];
    let (fan, rest): (Vec<String>, Vec<String>) = leaves
        .into_iter()
        .partition(|l| l.starts_with("/tally/fan"));
    let outside_fan: Vec<&String> = rest
        .iter()
        .filter(|l| !l.contains("/positive/") && !l.contains("/negative/"))
        .chain(rest.iter().filter(|l| l.contains("/positive/")).step_by(50))
        .collect();
    let chosen = outside_fan
        .into_iter()
        .chain(fan.iter().step_by(fan.len() / 40 + 1));
    let mut tried = 0;
    for (i, leaf) in chosen.enumerate() {
        let mut forged = original.clone();
        *forged.pointer_mut(leaf).unwrap() = replacements[i % 3].clone();
        let output = merge_forged(&parts[0], &tmp.path().join("fuzzed.json"), &forged);
        let code = output.status.code();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            code == Some(0) || code == Some(2),
            "{leaf}: exit {code:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !stdout.contains("NaN") && !stdout.contains("inf"),
            "{leaf}: {stdout}"
        );
        tried += 1;
    }
    assert!(tried > 40, "{tried} forgeries tried");
}

#[cfg(target_os = "linux")]
#[test]
fn a_forged_partial_claiming_thousands_of_wide_sketches_is_refused_in_little_memory() {
    // 3 000 per-month sketches, each spanning every bucket from 1e-12 to
    // 1.8e308 (2 MiB of dense buckets apiece): refused by its shape before
    // any sketch is built, in a small, fixed amount of memory.
    let tmp = tempfile::tempdir().unwrap();
    let parts: Vec<PathBuf> = (0..2).map(|k| shard(tmp.path(), k, 2, &[])).collect();
    let mut forged = read_body(&parts[1]);
    let (lo, hi) = (1e-12f64.to_bits() >> 44, f64::MAX.to_bits() >> 44);
    let wide = serde_json::json!({
        "positive": [[lo, 1], [hi - lo, 1]],
        "negative": [[lo, 1], [hi - lo, 1]],
        "zero": 0, "count": 4, "min": -f64::MAX, "max": f64::MAX
    });
    forged["tally"]["fan"]["cash"] = serde_json::Value::Array(vec![wide; 3000]);
    let path = tmp.path().join("wide.json");
    forge(&path, &forged);
    let started = std::time::Instant::now();
    if !Path::new("/usr/bin/time").exists() {
        // No GNU time here: the exit code and message still count.
        runway()
            .arg("merge")
            .args([&parts[0], &path])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("does not fit"));
        return;
    }
    let output = std::process::Command::new("/usr/bin/time")
        .args(["-f", "peak-kib %M"])
        .arg(assert_cmd::cargo::cargo_bin("runway"))
        .arg("merge")
        .arg(&parts[0])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let peak: u64 = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-kib "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    assert!(
        stderr.contains("wide.json") && stderr.contains("does not fit"),
        "{stderr}"
    );
    assert!(peak < 256 * 1024, "peak {peak} KiB");
    assert!(started.elapsed().as_secs() < 30);
}
