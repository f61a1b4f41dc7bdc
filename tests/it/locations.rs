//! An error in a model file shows where: `file:line:col`, the line, and a
//! caret under the value (or under the key of an unknown field); a name
//! one typo away from a valid one gets "did you mean".

use assert_cmd::Command;
use std::path::Path;

const MINIMAL: &str = "[model]\nname = \"x\"\nstart = \"2025-01\"\nhorizon = \"2025-12\"\nunit = \"USD\"\n\n[cash]\ninitial = 100\n\n[costs.payroll]\nmonthly = 10\n";

/// `runway ARGS` with the model `text` written to a file: exit code and stderr.
fn check(dir: &Path, text: &str, extra: &[&str]) -> (Option<i32>, String) {
    let file = dir.join("model.toml");
    std::fs::write(&file, text).expect("write the model");
    let output = Command::cargo_bin("runway")
        .expect("the binary is built")
        .arg("check")
        .arg(&file)
        .args(extra)
        .output()
        .expect("runway starts");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The message's lines from the location on (`--> file:line:col`, then the
/// snippet); the message before it may take more than one line.
fn snippet(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("--> "))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_value_that_breaks_a_rule_is_shown_with_a_caret_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{MINIMAL}growth = {{ normal = {{ mean = 0.01, sd = -1 }} }}\n");
    let (code, stderr) = check(dir.path(), &text, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("field `costs.payroll.growth`"),
        "the first line keeps its content: {stderr}"
    );
    let lines = snippet(&stderr);
    assert!(lines[0].ends_with("model.toml:12:10"), "{stderr}");
    assert_eq!(
        lines[2],
        "12 | growth = { normal = { mean = 0.01, sd = -1 } }"
    );
    assert_eq!(
        lines[3],
        "   |          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
    );
}

#[test]
fn an_unknown_field_points_at_its_key_and_suggests_the_field_meant() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{MINIMAL}efficency_gain = 0.2\n");
    let (code, stderr) = check(dir.path(), &text, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("unknown field `efficency_gain`; did you mean `efficiency_gain`?"),
        "{stderr}"
    );
    let lines = snippet(&stderr);
    assert!(lines[0].ends_with("model.toml:12:1"), "{stderr}");
    assert_eq!(lines[3], "   | ^^^^^^^^^^^^^^");
}

#[test]
fn a_field_far_from_every_valid_name_lists_the_valid_fields() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{MINIMAL}zzz = 1\n");
    let (_, stderr) = check(dir.path(), &text, &[]);
    assert!(!stderr.contains("did you mean"), "{stderr}");
    assert!(stderr.contains("expected one of `monthly`"), "{stderr}");
}

#[test]
fn a_wrong_type_in_an_array_of_values_points_at_the_element() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{MINIMAL}\n[revenue.subscriptions]\nmonthly = 5\nseasonal = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, \"x\"]\n"
    );
    let (code, stderr) = check(dir.path(), &text, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    let lines = snippet(&stderr);
    assert!(lines[0].contains("model.toml:15:"), "{stderr}");
    assert!(lines[3].trim_end().ends_with('^'), "{stderr}");
}

#[test]
fn a_toml_syntax_error_shows_the_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[model]\nname = \"x\"\nstart = 2025-01\"\n";
    let (code, stderr) = check(dir.path(), text, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("model.toml:3:16: not valid TOML"),
        "{stderr}"
    );
    let lines = snippet(&stderr);
    assert_eq!(lines[2], "3 | start = 2025-01\"");
    assert_eq!(lines[3], "  |                ^");
}

#[test]
fn an_error_in_a_scenario_points_into_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{MINIMAL}\n[scenarios.lean]\ncosts.payroll.monthly = -5\n");
    let (code, stderr) = check(dir.path(), &text, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("[scenarios.lean]"), "{stderr}");
    let lines = snippet(&stderr);
    assert!(lines[0].ends_with("model.toml:14:25"), "{stderr}");
    assert_eq!(lines[3], "   |                         ^^");
}

#[test]
fn an_error_from_set_names_the_override_and_no_place_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = check(dir.path(), MINIMAL, &["--set", "costs.payroll.monthly=-5"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: --set costs.payroll.monthly=-5: field"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "no snippet: {stderr}");
    assert!(snippet(&stderr).is_empty(), "{stderr}");
}

#[test]
fn a_misspelt_set_path_scenario_or_family_suggests_the_name_meant() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{MINIMAL}\n[scenarios.no_series_a]\ncash.initial = 50\n");
    let (_, stderr) = check(dir.path(), &text, &["--set", "costs.payroll.monthy=5"]);
    assert!(
        stderr.contains("did you mean `costs.payroll.monthly`?"),
        "{stderr}"
    );
    let (_, stderr) = check(dir.path(), &text, &["--scenario", "no_seriesa"]);
    assert!(stderr.contains("did you mean `no_series_a`?"), "{stderr}");
    let family = format!("{MINIMAL}growth = {{ lognormall = {{ median = 1, p95 = 2 }} }}\n");
    let (_, stderr) = check(dir.path(), &family, &[]);
    assert!(stderr.contains("did you mean `lognormal`?"), "{stderr}");
    let line = format!("{MINIMAL}follows = \"payrol\"\n[revenue.payroll_fees]\nmonthly = 1\n");
    let line = line.replace("follows = \"payrol\"", "follows = \"payroll_fee\"");
    let (_, stderr) = check(dir.path(), &line, &[]);
    assert!(
        stderr.contains("no revenue line is named `payroll_fee`; did you mean `payroll_fees`?"),
        "{stderr}"
    );
}

/// Corpus files whose error has no place in the file to point at.
const NOWHERE: &[&str] = &[
    // No settings at all.
    "comments_only.toml",
    // A whole section missing.
    "missing_cash_section.toml",
];

#[test]
fn every_error_in_the_bad_input_corpus_shows_its_line_unless_it_has_none() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_input");
    let mut missing = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".toml") || NOWHERE.contains(&name.as_str()) {
            continue;
        }
        files += 1;
        let output = Command::cargo_bin("runway")
            .unwrap()
            .arg("check")
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines = snippet(&stderr);
        let shown = lines.len() >= 4
            && lines[0].contains(&format!("{name}:"))
            && lines[3].trim_end().ends_with('^');
        if !shown {
            missing.push(format!("{name}: {stderr}"));
        }
    }
    assert!(files > 90, "only {files} corpus files");
    assert!(missing.is_empty(), "no location:\n{}", missing.join("\n"));
}
