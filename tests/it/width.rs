//! Every command's table, piped, fits 80 columns (counted in characters,
//! not bytes) for the built-in model, the startup model and a model of
//! long names and a long unit (`tests/fixtures/long_names.toml`); `--wide`
//! may use more.

use assert_cmd::Command;
use std::path::Path;

/// The three models every command is run on: `None` is the built-in one.
const MODELS: [Option<&str>; 3] = [
    None,
    Some("configs/startup_seed.toml"),
    Some("tests/fixtures/long_names.toml"),
];

/// A backtest of each model that has actuals.
const BACKTESTS: [(&str, &str); 2] = [
    (
        "configs/backtest_example.toml",
        "configs/backtest_example_actual.csv",
    ),
    (
        "tests/fixtures/long_names.toml",
        "tests/fixtures/long_names_actual.csv",
    ),
];

/// stdout of `runway ARGS` (it must succeed), run from the project folder.
pub(crate) fn runway(args: &[&str]) -> String {
    let output = Command::cargo_bin("runway")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "runway {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 tables")
}

/// Every command's table (a description and its text) for each model.
fn every_table(extra: &[&str]) -> Vec<(String, String)> {
    let sim = ["--paths", "2000", "--threads", "2", "-q"];
    let mut tables = Vec::new();
    let mut add = |what: String, args: Vec<&str>| {
        let mut args = args;
        args.extend_from_slice(extra);
        tables.push((what, runway(&args)));
    };
    for model in MODELS {
        let name = model.unwrap_or("the built-in model");
        let m: Vec<&str> = model.into_iter().collect();
        for command in ["run", "compare", "sensitivity"] {
            add(
                format!("{command} {name}"),
                [&[command], &m[..], &sim].concat(),
            );
        }
        add(format!("check {name}"), [&["check"], &m[..]].concat());
        add(
            format!("bench {name}"),
            [
                &["bench"],
                &m[..],
                &["--paths", "1000", "--threads", "1,2", "--repeat", "1", "-q"],
            ]
            .concat(),
        );
    }
    for (model, actual) in BACKTESTS {
        add(
            format!("backtest {model}"),
            [&["backtest", model, "--actual", actual], &sim[..]].concat(),
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    for model in [
        "tests/fixtures/long_names.toml",
        "configs/startup_seed.toml",
    ] {
        let parts: Vec<String> = (0..2)
            .map(|k| shard(tmp.path(), model, k, 2).display().to_string())
            .collect();
        let mut args = vec!["merge"];
        args.extend(parts.iter().map(String::as_str));
        add(format!("merge {model}"), args);
    }
    tables
}

/// Runs shard `k` of `m` of `model` (4,096 paths in all) into a partial
/// file in `dir`, and returns its path.
pub(crate) fn shard(dir: &Path, model: &str, k: u32, m: u32) -> std::path::PathBuf {
    let stem = Path::new(model).file_stem().unwrap().to_string_lossy();
    let path = dir.join(format!("{stem}-{k}.json"));
    let shard = format!("{k}/{m}");
    runway(&[
        "run",
        model,
        "--paths",
        "4096",
        "--threads",
        "2",
        "-q",
        "--shard",
        &shard,
        "--partial",
        path.to_str().unwrap(),
    ]);
    path
}

/// The lines of `text` wider than `width` characters.
fn too_wide(text: &str, width: usize) -> Vec<String> {
    text.lines()
        .filter(|l| l.chars().count() > width)
        .map(|l| format!("{} chars: {l}", l.chars().count()))
        .collect()
}

#[test]
fn every_table_fits_80_columns() {
    let mut failures = Vec::new();
    for (what, text) in every_table(&[]) {
        assert!(text.lines().count() > 3, "{what}: {text}");
        let wide = too_wide(&text, 80);
        if !wide.is_empty() {
            failures.push(format!("{what}:\n  {}", wide.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn wide_tables_fit_160_columns_and_show_the_names_in_full() {
    let mut failures = Vec::new();
    for (what, text) in every_table(&["--wide"]) {
        let wide = too_wide(&text, 160);
        if !wide.is_empty() {
            failures.push(format!("{what}:\n  {}", wide.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let text = runway(&[
        "sensitivity",
        "tests/fixtures/long_names.toml",
        "--paths",
        "2000",
        "-q",
        "--wide",
    ]);
    assert!(
        text.contains("funding.follow_on_investment_from_existing_shareholders_second.delay"),
        "{text}"
    );
    assert!(text.contains("ρ months"), "{text}");
}

#[test]
fn long_names_are_shortened_in_the_middle_and_keep_their_distinct_ends() {
    let text = runway(&[
        "run",
        "tests/fixtures/long_names.toml",
        "--paths",
        "2000",
        "-q",
    ]);
    let lines: Vec<&str> = text.lines().filter(|l| l.contains('…')).collect();
    assert!(
        lines.iter().any(|l| l.contains("shareholders_first ")),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.contains("shareholders_second ")),
        "{text}"
    );
}

#[test]
fn a_discrete_input_s_groups_are_labelled_by_the_share_of_paths_they_hold() {
    let text = runway(&["sensitivity", "--paths", "2000", "-q"]);
    let delay = text
        .lines()
        .find(|l| l.trim_start().starts_with("funding.microsoft.delay"))
        .expect("the delay's line");
    assert!(delay.contains("(low 25 %, high 25 %)"), "{delay}");
    let cash = text
        .lines()
        .find(|l| l.trim_start().starts_with("cash.initial"))
        .expect("the initial cash's line");
    assert!(!cash.contains("(low"), "{cash}");
}

#[test]
fn check_shows_a_discrete_uniform_month_without_rust_range_syntax() {
    let text = runway(&["check"]);
    assert!(text.contains("discrete_uniform(6 to 11)"), "{text}");
    assert!(!text.contains("..="), "{text}");
}
