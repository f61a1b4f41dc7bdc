//! What a merge compares across partial files, and what it reports of
//! their times: refusals that quote both values, the build identifier, one
//! model under several file names, the wall-clock span of the shards.

use super::shard::{forge, merge_forged, read_body, runway, shard, PATHS};
use std::path::PathBuf;

#[test]
fn every_field_a_merge_compares_is_refused_with_both_values_quoted() {
    let tmp = tempfile::tempdir().unwrap();
    let parts: Vec<PathBuf> = (0..2).map(|k| shard(tmp.path(), k, 2, &[])).collect();
    let original = read_body(&parts[1]);
    let build = original["build"].as_str().unwrap().to_string();
    assert!(build.starts_with(&format!("{}+", env!("CARGO_PKG_VERSION"))));
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit, String); 8] = [
        (
            "build",
            |v| v["build"] = "0.1.0+0000000000000000".into(),
            format!("build 0.1.0+0000000000000000, expected {build}"),
        ),
        (
            "version",
            |v| v["runway_version"] = "0.0.9".into(),
            "runway version 0.0.9, expected 0.1.0".into(),
        ),
        (
            "scenario",
            |v| v["scenario"] = "bear".into(),
            "scenario bear, expected none".into(),
        ),
        (
            "overrides",
            |v| v["overrides"] = serde_json::json!(["cash.floor=1"]),
            "overrides [cash.floor=1], expected none".into(),
        ),
        (
            "paths",
            |v| v["paths"] = 40_960.into(),
            "paths 40960, expected 40000".into(),
        ),
        (
            "sampling",
            |v| {
                let other = if v["sampling"].as_str().unwrap().starts_with("Monte") {
                    "Latin hypercube (stratified within each block of 1024 paths)"
                } else {
                    "Monte Carlo (independent draws)"
                };
                v["sampling"] = other.into();
            },
            "sampling ".into(),
        ),
        (
            "seed",
            |v| v["seed"] = 12.into(),
            "seed 12, expected 17".into(),
        ),
        (
            "model",
            |v| {
                let text = format!("{}\n# edited\n", v["model_text"].as_str().unwrap());
                v["model_sha256"] = runway::files::sha256_hex(text.as_bytes()).into();
                v["model_text"] = text.into();
            },
            "model SHA-256 ".into(),
        ),
    ];
    for (name, edit, expected) in cases {
        let mut forged = original.clone();
        edit(&mut forged);
        let path = tmp.path().join(format!("{name}.json"));
        let output = merge_forged(&parts[0], &path, &forged);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        let from = format!("(from {})", parts[0].display());
        assert!(
            stderr.contains(&format!("{name}.json"))
                && stderr.contains(&expected)
                && stderr.contains(&from),
            "{name}: expected `{expected}` … `{from}` in: {stderr}"
        );
    }
}

#[test]
fn one_model_read_under_two_file_names_merges_and_records_both_names() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("copy.toml");
    std::fs::copy("configs/openai_2024.toml", &copy).unwrap();
    let first = shard(tmp.path(), 0, 2, &[]);
    let second = tmp.path().join("second.json");
    runway()
        .arg("run")
        .arg(&copy)
        .args(["--paths", PATHS, "--seed", "17", "-q", "--shard", "1/2"])
        .arg("--partial")
        .arg(&second)
        .assert()
        .success();
    let json = |files: [&PathBuf; 2]| {
        let out = runway()
            .arg("merge")
            .args(files)
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let expected = format!("configs/openai_2024.toml, {}", copy.display());
    // Named in shard order, whatever the order of the files.
    for v in [json([&first, &second]), json([&second, &first])] {
        assert_eq!(v["model"]["file"], expected.as_str());
    }
}

#[test]
fn a_merge_reports_the_wall_clock_span_and_the_summed_shard_times_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let parts: Vec<PathBuf> = (0..2).map(|k| shard(tmp.path(), k, 2, &[])).collect();
    // Two shards of 30 s and 40 s, overlapping: the run took 60 s.
    let times = [(1_000_000u64, 30.0, 2u64), (1_020_000, 40.0, 4)];
    for (path, (start, seconds, threads)) in parts.iter().zip(times) {
        let mut v = read_body(path);
        v["started_unix_ms"] = start.into();
        v["finished_unix_ms"] = (start + (seconds * 1000.0) as u64).into();
        v["elapsed_seconds"] = seconds.into();
        v["threads"] = threads.into();
        forge(path, &v);
    }
    let out = runway()
        .arg("merge")
        .args(&parts)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &v["run"];
    assert_eq!(run["elapsed_seconds"], 60.0);
    assert_eq!(run["threads"], 4);
    assert_eq!(run["shards"]["count"], 2);
    assert_eq!(run["shards"]["shard_seconds"], 70.0);
    assert_eq!(run["shards"]["thread_seconds"], 220.0);
    let table = runway().arg("merge").args(&parts).output().unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("60.00 s wall") && text.contains("70.00 s summed over shards"),
        "{text}"
    );
}

#[test]
fn a_refused_merge_or_run_leaves_no_empty_output_folder_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let part = shard(tmp.path(), 0, 2, &[]);
    // Shard 1 of 2 is missing: the merge is refused after --out was prepared.
    let out = tmp.path().join("new").join("merged");
    runway()
        .arg("merge")
        .arg(&part)
        .arg("--out")
        .arg(&out)
        .assert()
        .failure();
    assert!(
        !tmp.path().join("new").exists(),
        "the folders the merge created were left behind"
    );
    // A run whose model is refused after --out and --plots were prepared.
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "[model]\nname = 1\n").unwrap();
    runway()
        .args(["run", "-q", "--out"])
        .arg(tmp.path().join("out"))
        .arg("--plots")
        .arg(tmp.path().join("plots"))
        .arg(&bad)
        .assert()
        .failure();
    assert!(!tmp.path().join("out").exists() && !tmp.path().join("plots").exists());
    // A folder that existed is kept, and a successful merge's folder stays.
    let kept = tmp.path().join("kept");
    std::fs::create_dir(&kept).unwrap();
    runway()
        .arg("merge")
        .arg(&part)
        .arg("--out")
        .arg(&kept)
        .assert()
        .failure();
    assert!(kept.is_dir());
}
