//! Today's outputs, pinned: the JSON reports of the shipped models (the
//! timing section removed) and every file their `--out` folders hold
//! (charts, CSVs, the manifest without its times, and the first rows of
//! paths.csv, which pin the first draws of every per-path input) must not
//! change unless on purpose. After an intended change, rewrite them with
//! `UPDATE_GOLDEN=1 cargo test --release --test it golden` and say why in the
//! commit. Every case runs under each vector code (`RUNWAY_ISA` avx512,
//! avx2 and portable, capped by what this processor has): all must give the
//! pinned bytes.

use assert_cmd::Command;
use std::path::Path;

/// The vector codes every case runs under (see `runway::isa`).
const ISAS: [&str; 3] = ["avx512", "avx2", "portable"];

/// (golden file, arguments after `runway`).
const CASES: &[(&str, &[&str])] = &[
    (
        "run_openai.json",
        &["run", "--paths", "30000", "--seed", "7"],
    ),
    (
        "run_openai_article_lhs.json",
        &[
            "run",
            "--scenario",
            "article",
            "--sampling",
            "lhs",
            "--paths",
            "20000",
            "--seed",
            "3",
        ],
    ),
    (
        "run_startup_fan.json",
        &[
            "run",
            "configs/startup_seed.toml",
            "--fan",
            "--paths",
            "20000",
            "--seed",
            "11",
        ],
    ),
    (
        "run_ref1b.json",
        &[
            "run",
            "configs/bench/ref1b.toml",
            "--paths",
            "50000",
            "--seed",
            "2",
        ],
    ),
    (
        "run_backtest_example.json",
        &[
            "run",
            "configs/backtest_example.toml",
            "--paths",
            "20000",
            "--seed",
            "5",
        ],
    ),
    (
        "backtest_example.json",
        &[
            "backtest",
            "configs/backtest_example.toml",
            "--actual",
            "configs/backtest_example_actual.csv",
            "--paths",
            "20000",
            "--seed",
            "5",
        ],
    ),
    (
        "compare_openai.json",
        &["compare", "--paths", "20000", "--seed", "9"],
    ),
    (
        "sensitivity_openai.json",
        &["sensitivity", "--paths", "20000", "--seed", "4"],
    ),
];

/// (golden folder, arguments after `runway`; `--out DIR` is added).
const OUT_CASES: &[(&str, &[&str])] = &[
    (
        "out_openai_mc",
        &[
            "run",
            "--paths",
            "30000",
            "--seed",
            "7",
            "--per-path",
            "--per-path-limit",
            "5",
        ],
    ),
    (
        "out_openai_lhs",
        &[
            "run",
            "--sampling",
            "lhs",
            "--paths",
            "20000",
            "--seed",
            "3",
        ],
    ),
    (
        "out_openai_pessimistic",
        &[
            "run",
            "--scenario",
            "pessimistic",
            "--paths",
            "20000",
            "--seed",
            "2",
        ],
    ),
    (
        "out_startup",
        &[
            "run",
            "configs/startup_seed.toml",
            "--paths",
            "20000",
            "--seed",
            "11",
            "--per-path",
            "--per-path-limit",
            "5",
        ],
    ),
    (
        "out_ref1b",
        &[
            "run",
            "configs/bench/ref1b.toml",
            "--paths",
            "50000",
            "--seed",
            "2",
            "--per-path",
            "--per-path-limit",
            "5",
        ],
    ),
];

/// The manifest without what differs between identical runs.
pub(crate) fn manifest_without_times(bytes: &[u8]) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).expect("a JSON manifest");
    let o = v.as_object_mut().unwrap();
    for key in [
        "started_at",
        "finished_at",
        "elapsed_seconds",
        "command_line",
        "threads",
    ] {
        o.remove(key);
    }
    (serde_json::to_string_pretty(&v).unwrap() + "\n").into_bytes()
}

/// Each case with each vector code to run it under (only the first when
/// rewriting the pinned files).
fn under_each_isa<C>(update: bool) -> impl Fn(C) -> Vec<(C, &'static str)>
where
    C: Copy,
{
    move |case| {
        let isas = if update { &ISAS[..1] } else { &ISAS[..] };
        isas.iter().map(|isa| (case, *isa)).collect()
    }
}

#[test]
fn the_shipped_models_out_folders_are_unchanged() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut changed = Vec::new();
    for ((case, args), isa) in OUT_CASES.iter().flat_map(under_each_isa(update)) {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let output = Command::cargo_bin("runway")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(*args)
            .args(["-q", "--threads", "2", "--out"])
            .arg(&out)
            .env("RUNWAY_ISA", isa)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{case}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let dir = golden.join(case);
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        if update {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
        }
        let mut pinned: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.map(|e| e.unwrap().file_name().into_string().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        pinned.sort();
        if !update && pinned != names {
            changed.push(format!(
                "{case} ({isa}): files {names:?}, pinned {pinned:?}"
            ));
            continue;
        }
        for name in &names {
            let mut bytes = std::fs::read(out.join(name)).unwrap();
            if name == "manifest.json" {
                bytes = manifest_without_times(&bytes);
            }
            let path = dir.join(name);
            if update {
                std::fs::write(&path, &bytes).unwrap();
            } else if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
                changed.push(format!("{case}/{name} ({isa})"));
            }
        }
    }
    assert!(
        changed.is_empty(),
        "outputs changed: {changed:?}; if on purpose, rerun with UPDATE_GOLDEN=1 and say why"
    );
}

/// A JSON report without its timing section, pretty-printed.
pub(crate) fn without_timing(bytes: &[u8]) -> String {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).expect("a JSON report");
    if let Some(o) = v.as_object_mut() {
        o.remove("run");
    }
    serde_json::to_string_pretty(&v).unwrap() + "\n"
}

#[test]
fn the_shipped_models_reports_are_unchanged() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut changed = Vec::new();
    for ((file, args), isa) in CASES.iter().flat_map(under_each_isa(update)) {
        let output = Command::cargo_bin("runway")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(*args)
            .args(["--format", "json", "-q", "--threads", "2"])
            .env("RUNWAY_ISA", isa)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let got = without_timing(&output.stdout);
        let path = dir.join(file);
        if update {
            std::fs::write(&path, &got).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(got.as_str()) {
            changed.push(format!("{file} ({isa})"));
        }
    }
    assert!(
        changed.is_empty(),
        "outputs changed: {changed:?}; if on purpose, rerun with UPDATE_GOLDEN=1 and say why"
    );
}
