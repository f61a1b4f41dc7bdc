//! The bad-input corpus: every way a user can get a model or the command line
//! wrong must end in exit code 2 and a message that names the field and the
//! rule, never in a panic or a report.
//!
//! Model files live in `tests/bad_input/*.toml`. Each is a small model with
//! exactly one thing wrong; its leading comment lines hold the expectations:
//!
//! ```toml
//! # expect: field `costs.payroll.efficiency_gain`
//! # expect: must not exceed 1
//! # case: an efficiency gain that can exceed 1
//! [model]
//! ...
//! ```
//!
//! Every `# expect:` fragment must appear in stderr, together with the file's
//! name. To add a case, drop a file into the folder; no code changes needed.
//! Cases that are not model files (overrides, scenarios, unreadable files,
//! bad flags) are listed in [`argument_cases`].

use assert_cmd::Command;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The files of the corpus must cover at least this many cases.
const MIN_CORPUS_SIZE: usize = 45;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn corpus_files() -> Vec<PathBuf> {
    let dir = manifest_dir().join("tests").join("bad_input");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

/// The `# expect:` fragments of the file's leading comment block.
fn expectations(text: &str) -> Vec<String> {
    text.lines()
        .take_while(|line| line.starts_with('#'))
        .filter_map(|line| line.strip_prefix("# expect:"))
        .map(|fragment| fragment.trim().to_string())
        .filter(|fragment| !fragment.is_empty())
        .collect()
}

/// What one run of the binary did.
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn runway<I, S>(args: I) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let output = Command::cargo_bin("runway")
        .expect("the runway binary is built")
        .args(&args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("runway starts");
    Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Every way `outcome` falls short of a clean refusal; empty when it is one.
fn refusal_problems(outcome: &Outcome, fragments: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    if outcome.code != Some(2) {
        problems.push(format!("exit code {:?}, expected 2", outcome.code));
    }
    if outcome.stderr.contains("panicked") {
        problems.push("the program panicked".to_string());
    }
    if !outcome.stdout.is_empty() {
        problems.push(format!(
            "stdout is not empty ({} bytes)",
            outcome.stdout.len()
        ));
    }
    for fragment in fragments {
        if !outcome.stderr.contains(fragment.as_str()) {
            problems.push(format!("stderr lacks {fragment:?}"));
        }
    }
    problems
}

/// Collects the failures of every case, so that one run shows all of them.
#[derive(Default)]
struct Failures {
    report: String,
    count: usize,
}

impl Failures {
    fn record(&mut self, case: &str, args: &[String], outcome: &Outcome, problems: Vec<String>) {
        if problems.is_empty() {
            return;
        }
        self.count += 1;
        let _ = writeln!(self.report, "\n--- {case}\n    runway {}", args.join(" "));
        for problem in problems {
            let _ = writeln!(self.report, "    * {problem}");
        }
        let _ = writeln!(self.report, "    stderr: {}", outcome.stderr.trim_end());
    }

    fn fail_if_any(self, cases: usize) {
        assert!(
            self.count == 0,
            "{} of {cases} bad-input runs were not refused cleanly:\n{}",
            self.count,
            self.report
        );
    }
}

#[test]
fn every_bad_model_file_is_refused_with_exit_code_2_and_a_message_naming_the_field_and_the_rule() {
    let files = corpus_files();
    assert!(
        files.len() >= MIN_CORPUS_SIZE,
        "tests/bad_input holds {} model files; the corpus needs at least {MIN_CORPUS_SIZE}",
        files.len()
    );
    let mut failures = Failures::default();
    let mut runs = 0;
    for file in &files {
        let name = file
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let mut fragments = expectations(&text);
        let missing_expectations = fragments.is_empty();
        fragments.push(name.clone());
        let path = file.display().to_string();
        let commands: [Vec<String>; 2] = [
            vec!["check".into(), path.clone()],
            vec![
                "run".into(),
                path.clone(),
                "--paths".into(),
                "100".into(),
                "-q".into(),
            ],
        ];
        for args in commands {
            runs += 1;
            let outcome = runway(&args);
            let mut problems = refusal_problems(&outcome, &fragments);
            if missing_expectations {
                problems.push("the file has no `# expect:` line".to_string());
            }
            failures.record(&name, &args, &outcome, problems);
        }
    }
    failures.fail_if_any(runs);
}

/// A bad command line: its arguments and the fragments its stderr must hold.
struct ArgumentCase {
    name: &'static str,
    args: Vec<String>,
    expect: Vec<String>,
}

/// Makes one case per subcommand (`check`, and `run` with a small quiet run)
/// from the model arguments `model_args`.
fn for_check_and_run(
    name: &'static str,
    model_args: &[&str],
    expect: &[&str],
) -> Vec<ArgumentCase> {
    let model_args: Vec<String> = model_args.iter().map(|s| s.to_string()).collect();
    let expect: Vec<String> = expect.iter().map(|s| s.to_string()).collect();
    let mut check = vec!["check".to_string()];
    check.extend(model_args.iter().cloned());
    let mut run = vec!["run".to_string()];
    run.extend(model_args.iter().cloned());
    run.extend(["--paths", "100", "-q"].map(String::from));
    vec![
        ArgumentCase {
            name,
            args: check,
            expect: expect.clone(),
        },
        ArgumentCase {
            name,
            args: run,
            expect,
        },
    ]
}

fn run_only(name: &'static str, args: &[&str], expect: &[&str]) -> ArgumentCase {
    let mut full = vec!["run".to_string()];
    full.extend(args.iter().map(|s| s.to_string()));
    ArgumentCase {
        name,
        args: full,
        expect: expect.iter().map(|s| s.to_string()).collect(),
    }
}

/// Every non-file case; files it needs are written into `dir`.
fn argument_cases(dir: &Path) -> Vec<ArgumentCase> {
    let seed = manifest_dir().join("configs").join("startup_seed.toml");
    let seed = seed.to_str().expect("a UTF-8 path");
    let bench = manifest_dir()
        .join("configs")
        .join("bench")
        .join("ref1b.toml");
    let bench = bench.to_str().expect("a UTF-8 path");

    let write = |name: &str, bytes: &[u8]| -> String {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write a temporary file");
        path.to_str().expect("a UTF-8 path").to_string()
    };
    let minimal = "[model]\nname = \"x\"\nstart = \"2025-01\"\nhorizon = \"2025-12\"\nunit = \"USD\"\n\n[cash]\ninitial = 100\n\n[costs.payroll]\nmonthly = 10\n";
    let binary = write("binary.toml", b"\xff\xfe[model]\x00\x01\xc3\x28\n");
    let empty = write("empty.toml", b"");
    let blank = write("blank.toml", b"  \n\n\t\n");
    let flat_scenario = write(
        "flat_scenario.toml",
        format!("{minimal}\n[scenarios]\nflat = 5\n").as_bytes(),
    );
    let nested_scenario = write(
        "nested_scenario.toml",
        format!("{minimal}\n[scenarios.nest.scenarios.inner]\ncash.initial = 5\n").as_bytes(),
    );
    let bad_scenario = write(
        "bad_scenario.toml",
        format!(
            "{minimal}\n[scenarios.wild]\ncash.initial = {{ normal = {{ mean = 1, sd = -1 }} }}\n"
        )
        .as_bytes(),
    );
    let typo_scenario = write(
        "typo_scenario.toml",
        format!("{minimal}\n[scenarios.typo]\ncosts.payrol.monthly = 5\n").as_bytes(),
    );
    let missing = dir.join("missing.toml");
    let missing = missing.to_str().expect("a UTF-8 path");
    let folder = dir.to_str().expect("a UTF-8 path");

    let mut cases = Vec::new();

    // A scenario that misspells a line must not add a new line.
    cases.extend(for_check_and_run(
        "a scenario naming a line the model lacks",
        &[&typo_scenario, "--scenario", "typo"],
        &[
            "[scenarios.typo]",
            "field `costs.payrol`",
            "the model has no such section",
            "payroll",
        ],
    ));

    // --set FIELD=VALUE
    cases.extend(for_check_and_run(
        "--set without `=`",
        &[seed, "--set", "costs.payroll.monthly"],
        &[
            "--set",
            "field `costs.payroll.monthly`",
            "write an override as FIELD=VALUE",
        ],
    ));
    cases.extend(for_check_and_run(
        "--set without a field",
        &[seed, "--set", "=5"],
        &["--set", "write an override as FIELD=VALUE"],
    ));
    cases.extend(for_check_and_run(
        "--set without a value",
        &[seed, "--set", "costs.payroll.monthly="],
        &[
            "--set",
            "field `costs.payroll.monthly=`",
            "write an override as FIELD=VALUE",
        ],
    ));
    cases.extend(for_check_and_run(
        "--set naming an unknown section",
        &[seed, "--set", "staff.payroll.monthly=5"],
        &[
            "--set: field `staff.payroll.monthly` = 5",
            "the model has no field `staff.payroll.monthly`",
            "closest valid paths are `costs.payroll.monthly`",
        ],
    ));
    cases.extend(for_check_and_run(
        "--set naming an unknown line",
        &[seed, "--set", "costs.rent.monthly=5"],
        &[
            "--set: field `costs.rent.monthly` = 5",
            "the model has no field `costs.rent.monthly`",
            "closest valid paths are",
        ],
    ));
    cases.extend(for_check_and_run(
        "--set reaching inside a value",
        &[seed, "--set", "costs.payroll.monthly.normal=5"],
        &[
            "--set: field `costs.payroll.monthly.normal` = 5",
            "the model has no field `costs.payroll.monthly.normal`",
            "`costs.payroll.monthly`",
        ],
    ));
    cases.extend(for_check_and_run(
        "--set naming an unknown field",
        &[seed, "--set", "costs.payroll.monthy=5"],
        &[
            "--set: field `costs.payroll.monthy`",
            "closest valid paths are `costs.payroll.monthly`",
        ],
    ));
    cases.extend(for_check_and_run(
        "--set to a negative cost",
        &[seed, "--set", "costs.payroll.monthly=-5"],
        &[
            "--set costs.payroll.monthly=-5: field `costs.payroll.monthly` = -5",
            "must not be negative",
        ],
    ));
    cases.extend(for_check_and_run(
        "--set to an invalid distribution",
        &[
            seed,
            "--set",
            "costs.payroll.growth={normal={mean=0.01,sd=0}}",
        ],
        &[
            "field `costs.payroll.growth`",
            "normal: `sd` must be greater than 0, got 0",
        ],
    ));
    cases.extend(for_check_and_run(
        "--set a probability to 2",
        &[seed, "--set", "funding.series_a.probability=2"],
        &[
            "field `funding.series_a.probability` = 2",
            "must lie in [0, 1]",
        ],
    ));
    cases.extend(for_check_and_run(
        "--set to a word where a number belongs",
        &[seed, "--set", "costs.payroll.monthly=lots"],
        &[
            "field `costs.payroll.monthly` = \"lots\"",
            "got text \"lots\"",
        ],
    ));
    cases.extend(for_check_and_run(
        "--set a month to month 13",
        &[seed, "--set", "model.horizon=2026-13"],
        &[
            "field `model.horizon` = \"2026-13\"",
            "a month is written YYYY-MM",
        ],
    ));
    cases.extend(for_check_and_run(
        "--set to an unclosed inline table",
        &[seed, "--set", "costs.payroll.monthly={normal={mean=1,sd=1}"],
        &[
            "--set: field `costs.payroll.monthly` = {normal={mean=1,sd=1}",
            "the value is not valid TOML",
        ],
    ));
    cases.extend(for_check_and_run(
        "--set to an unclosed array",
        &[seed, "--set", "revenue.subscriptions.seasonal=[1,2"],
        &[
            "--set: field `revenue.subscriptions.seasonal` = [1,2",
            "the value is not valid TOML",
        ],
    ));

    // --scenario NAME
    cases.extend(for_check_and_run(
        "an unknown scenario",
        &[seed, "--scenario", "ipo"],
        &[
            "startup_seed.toml",
            "no scenario named `ipo`",
            "the file defines `no_series_a`, `faster_hiring`",
        ],
    ));
    cases.extend(for_check_and_run(
        "a scenario in a file that defines none",
        &[bench, "--scenario", "ipo"],
        &[
            "ref1b.toml",
            "no scenario named `ipo`",
            "the file defines none",
        ],
    ));
    cases.extend(for_check_and_run(
        "a scenario that is not a table",
        &[&flat_scenario, "--scenario", "flat"],
        &[
            "flat_scenario.toml",
            "field `scenarios.flat` = 5",
            "a scenario is a table of fields to override",
        ],
    ));
    cases.extend(for_check_and_run(
        "a scenario that defines scenarios",
        &[&nested_scenario, "--scenario", "nest"],
        &[
            "nested_scenario.toml",
            "field `scenarios.nest.scenarios`",
            "a scenario cannot define scenarios",
        ],
    ));
    cases.extend(for_check_and_run(
        "a scenario that sets an invalid value",
        &[&bad_scenario, "--scenario", "wild"],
        &[
            "bad_scenario.toml",
            "field `cash.initial`",
            "normal: `sd` must be greater than 0, got -1",
        ],
    ));

    // Files that cannot be read as a model.
    cases.extend(for_check_and_run(
        "a folder as the model",
        &[folder],
        &[folder, "cannot read the model file", "this is a folder"],
    ));
    cases.extend(for_check_and_run(
        "a model file that does not exist",
        &[missing],
        &["missing.toml", "cannot read the model file"],
    ));
    cases.extend(for_check_and_run(
        "a binary file",
        &[&binary],
        &["binary.toml", "cannot read the model file", "not UTF-8"],
    ));
    cases.extend(for_check_and_run(
        "an empty file",
        &[&empty],
        &["empty.toml", "field `model`", "the file holds no settings"],
    ));
    cases.extend(for_check_and_run(
        "a file of blank lines",
        &[&blank],
        &["blank.toml", "field `model`", "the file holds no settings"],
    ));

    // Flags of `run`.
    cases.push(run_only(
        "--paths 0",
        &[seed, "--paths", "0"],
        &["--paths", "`0` must be a whole number from 1 to 10^15"],
    ));
    cases.push(run_only(
        "--paths abc",
        &[seed, "--paths", "abc"],
        &["--paths", "`abc` is not a count"],
    ));
    cases.push(run_only(
        "--paths 1.5",
        &[seed, "--paths", "1.5"],
        &["--paths", "`1.5` must be a whole number"],
    ));
    cases.push(run_only(
        "--threads 0",
        &[seed, "--paths", "100", "-q", "--threads", "0"],
        &["--threads must be at least 1"],
    ));
    cases.push(run_only(
        "--threads 5000",
        &[seed, "--paths", "100", "-q", "--threads", "5000"],
        &["--threads 5000 is more than 1024"],
    ));
    cases.push(run_only(
        "--threads abc",
        &[seed, "--paths", "100", "-q", "--threads", "abc"],
        &["--threads", "'abc'"],
    ));
    // Negative numbers reach the flag's own rule (not clap's "use -- -1" tip,
    // which would take -1 for the model file).
    for (flag, value, rule) in [
        (
            "--seed",
            "-1",
            "must be a whole number from 0 to 18446744073709551615",
        ),
        ("--paths", "-5", "must be a whole number from 1 to 10^15"),
        ("--threads", "-2", "must be a whole number from 1 to 1024"),
        (
            "--precision",
            "-1",
            "must be a number between 0 and 0.5 (both excluded)",
        ),
        (
            "--max-paths",
            "-1",
            "must be a whole number from 1 to 10^15",
        ),
    ] {
        cases.push(ArgumentCase {
            name: "a negative number for a numeric flag",
            args: ["run", seed, "-q", flag, value].map(String::from).to_vec(),
            expect: [flag, &format!("'{value}'"), rule]
                .map(String::from)
                .to_vec(),
        });
    }
    for (command, flag, value, rule) in [
        ("compare", "--seed", "-1", "must be a whole number from 0"),
        (
            "sensitivity",
            "--paths",
            "-1",
            "must be a whole number from 1",
        ),
        (
            "bench",
            "--repeat",
            "-1",
            "must be a whole number, at least 1",
        ),
        (
            "bench",
            "--threads",
            "1,-1",
            "must be a whole number from 1 to 1024",
        ),
        ("bench", "--seed", "-7", "must be a whole number from 0"),
    ] {
        cases.push(ArgumentCase {
            name: "a negative number for a numeric flag of another command",
            args: [command, seed, "-q", flag, value]
                .map(String::from)
                .to_vec(),
            expect: [flag, rule].map(String::from).to_vec(),
        });
    }
    // compare takes its options through the same handling as run.
    for command in ["run", "compare", "sensitivity", "report", "backtest"] {
        cases.push(ArgumentCase {
            name: "--sampling bogus",
            args: [command, seed, "-q", "--sampling", "bogus"]
                .map(String::from)
                .to_vec(),
            expect: ["--sampling", "'bogus'", "use mc (Monte Carlo) or lhs"]
                .map(String::from)
                .to_vec(),
        });
    }
    cases.extend(for_check_and_run(
        "--set a number beyond the range of 64-bit floats",
        &[seed, "--set", "costs.payroll.monthly=1e400"],
        &[
            "--set",
            "field `costs.payroll.monthly` = 1e400",
            "the number is out of range: finite numbers only, |x| ≤ 1.8e308",
        ],
    ));
    cases.push(run_only(
        "--seed abc",
        &[seed, "--paths", "100", "-q", "--seed", "abc"],
        &["--seed", "'abc'"],
    ));
    cases.push(run_only(
        "--format xml",
        &[seed, "--paths", "100", "-q", "--format", "xml"],
        &["--format", "'xml'", "table", "json"],
    ));
    cases.push(run_only(
        "a misspelt flag",
        &[seed, "--pathz", "100"],
        &["unexpected argument '--pathz'"],
    ));
    cases
}

#[test]
fn bad_arguments_overrides_scenarios_and_unreadable_files_are_refused_with_exit_code_2() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let cases = argument_cases(dir.path());
    let mut failures = Failures::default();
    for case in &cases {
        let outcome = runway(&case.args);
        let problems = refusal_problems(&outcome, &case.expect);
        failures.record(case.name, &case.args, &outcome, problems);
    }
    failures.fail_if_any(cases.len());
}

#[test]
fn the_shipped_example_models_pass_check() {
    for config in [
        "configs/openai_2024.toml",
        "configs/startup_seed.toml",
        "configs/bench/ref1b.toml",
    ] {
        let path = manifest_dir().join(config);
        let outcome = runway([OsString::from("check"), path.into_os_string()]);
        assert_eq!(
            outcome.code,
            Some(0),
            "runway check {config} failed:\n{}",
            outcome.stderr
        );
        assert!(
            outcome.stdout.contains("valid"),
            "runway check {config} did not report the model valid:\n{}",
            outcome.stdout
        );
        assert!(
            !outcome.stderr.contains("panicked"),
            "runway check {config} panicked:\n{}",
            outcome.stderr
        );
    }
}

/// Words of the program's own types that must never reach a user.
const INTERNAL_WORDS: &[&str] = &["Raw", "f64", "u64", "i64", "struct", "enum", "variant"];

#[test]
fn no_message_for_the_bad_input_corpus_names_an_internal_type() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut runs: Vec<(String, Vec<String>)> = corpus_files()
        .iter()
        .map(|file| {
            let name = file
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            (name, vec!["check".to_string(), file.display().to_string()])
        })
        .collect();
    runs.extend(
        argument_cases(dir.path())
            .into_iter()
            .map(|case| (case.name.to_string(), case.args)),
    );
    let mut leaks = Vec::new();
    for (name, args) in &runs {
        let outcome = runway(args);
        // The file's own name is the user's word, not ours.
        let message = args.iter().fold(outcome.stderr.clone(), |text, arg| {
            text.replace(arg.as_str(), "")
        });
        for word in INTERNAL_WORDS {
            if message.contains(word) {
                leaks.push(format!(
                    "{name}: `{word}` in: {}",
                    outcome.stderr.trim_end()
                ));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "messages name internal types:\n{}",
        leaks.join("\n")
    );
}

#[test]
fn every_command_refuses_a_file_with_a_broken_scenario_before_simulating() {
    let file = manifest_dir()
        .join("tests")
        .join("bad_input")
        .join("scenario_broken.toml");
    let file = file.to_str().expect("a UTF-8 path");
    let actual = manifest_dir()
        .join("configs")
        .join("backtest_example_actual.csv");
    let actual = actual.to_str().expect("a UTF-8 path");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let report = dir.path().join("report.html");
    let report = report.to_str().expect("a UTF-8 path");
    // Ten million paths: a command that simulated first would not come back
    // within the test's timeout.
    let many = ["--paths", "10M", "-q"];
    let commands: Vec<Vec<&str>> = vec![
        vec!["check", file],
        [&["run", file][..], &many].concat(),
        [&["compare", file][..], &many].concat(),
        [&["sensitivity", file][..], &many].concat(),
        [&["report", file, "--out", report][..], &many].concat(),
        [&["backtest", file, "--actual", actual][..], &many].concat(),
        vec!["bench", file, "--paths", "10M", "-q"],
        // Another scenario selected: the broken one is still checked.
        vec!["check", file, "--scenario", "calm"],
        [&["run", file, "--scenario", "calm"][..], &many].concat(),
    ];
    let mut failures = Failures::default();
    let expect: Vec<String> = [
        "scenario_broken.toml [scenarios.pessimistic]",
        "field `costs.payroll.monthly` = -5",
        "must not be negative",
    ]
    .map(String::from)
    .to_vec();
    for args in &commands {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let started = std::time::Instant::now();
        let outcome = runway(&args);
        let mut problems = refusal_problems(&outcome, &expect);
        if started.elapsed() > std::time::Duration::from_secs(20) {
            problems.push(format!("took {:?}: it simulated first", started.elapsed()));
        }
        failures.record(args[0].as_str(), &args, &outcome, problems);
    }
    failures.fail_if_any(commands.len());
}

#[test]
fn check_output_for_every_shipped_config_contains_no_nan_or_inf() {
    let mut configs = Vec::new();
    let mut folders = vec![manifest_dir().join("configs")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("configs/ is readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                configs.push(path);
            }
        }
    }
    assert!(configs.len() >= 3, "found only {configs:?}");
    for config in configs {
        let outcome = runway([OsString::from("check"), config.clone().into_os_string()]);
        assert_eq!(
            outcome.code,
            Some(0),
            "{}: {}",
            config.display(),
            outcome.stderr
        );
        let lower = outcome.stdout.to_lowercase();
        for word in ["nan", "inf"] {
            let hits: Vec<&str> = lower
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| *w == word)
                .collect();
            assert!(
                hits.is_empty(),
                "runway check {} prints `{word}`:\n{}",
                config.display(),
                outcome.stdout
            );
        }
    }
}
