//! Today's outputs, pinned: the JSON reports of the shipped models (the
//! timing section removed) must not change unless on purpose. After an
//! intended change, rewrite them with `UPDATE_GOLDEN=1 cargo test --release
//! --test golden` and say why in the commit.

use assert_cmd::Command;
use std::path::Path;

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
        "compare_openai.json",
        &["compare", "--paths", "20000", "--seed", "9"],
    ),
    (
        "sensitivity_openai.json",
        &["sensitivity", "--paths", "20000", "--seed", "4"],
    ),
];

fn without_timing(bytes: &[u8]) -> String {
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
    for (file, args) in CASES {
        let output = Command::cargo_bin("runway")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(*args)
            .args(["--format", "json", "-q", "--threads", "2"])
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
            changed.push(*file);
        }
    }
    assert!(
        changed.is_empty(),
        "outputs changed: {changed:?}; if on purpose, rerun with UPDATE_GOLDEN=1 and say why"
    );
}
