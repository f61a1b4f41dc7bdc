//! The command line as a user meets it.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn runway() -> Command {
    Command::cargo_bin("runway").unwrap()
}

fn json_run(args: &[&str]) -> Value {
    let out = runway()
        .args(["run", "--format", "json", "-q"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn without_run_keys(mut v: Value) -> String {
    v.as_object_mut().unwrap().remove("run");
    serde_json::to_string(&v).unwrap()
}

#[test]
fn the_default_run_reports_the_openai_probability_with_interval_and_curve() {
    runway()
        .args(["run", "--paths", "20000", "-q"])
        .assert()
        .success()
        .stdout(predicate::str::contains("P(insolvent by 2024-12)"))
        .stdout(predicate::str::contains("95 % CI"))
        .stdout(predicate::str::contains("2024-06"))
        .stdout(predicate::str::contains("seed 2023"));
}

#[test]
fn json_has_the_documented_keys() {
    let v = json_run(&["--paths", "5000"]);
    for pointer in [
        "/paths",
        "/seed",
        "/horizon",
        "/insolvency/probability",
        "/insolvency/ci95/0",
        "/insolvency/ci95/1",
        "/insolvency/count",
        "/insolvency/by_month/0/month",
        "/insolvency/by_month/0/cumulative_probability",
        "/end_cash/p5",
        "/end_cash/p50",
        "/end_cash/p95",
        "/run/threads",
        "/run/elapsed_seconds",
        "/run/paths_per_second",
    ] {
        assert!(v.pointer(pointer).is_some(), "missing {pointer}");
    }
    assert_eq!(v["paths"], 5000);
    assert_eq!(v["horizon"], "2024-12");
    assert_eq!(v["insolvency"]["by_month"].as_array().unwrap().len(), 17);
    let p = v["insolvency"]["probability"].as_f64().unwrap();
    let ci = &v["insolvency"]["ci95"];
    assert!(ci[0].as_f64().unwrap() <= p && p <= ci[1].as_f64().unwrap());
}

#[test]
fn json_without_run_keys_is_byte_identical_for_one_and_two_threads_and_across_runs() {
    let args = [
        "configs/bench/ref1b.toml",
        "--paths",
        "50000",
        "--seed",
        "42",
        "--fan",
    ];
    let one = without_run_keys(json_run(&[&args[..], &["--threads", "1"]].concat()));
    let two = without_run_keys(json_run(&[&args[..], &["--threads", "2"]].concat()));
    let again = without_run_keys(json_run(&[&args[..], &["--threads", "2"]].concat()));
    assert_eq!(one, two);
    assert_eq!(two, again);
}

#[test]
fn the_builtin_model_is_the_file_in_configs() {
    let builtin = without_run_keys(json_run(&["--paths", "3000"]));
    let file = without_run_keys(json_run(&["configs/openai_2024.toml", "--paths", "3000"]));
    let strip = |s: &str| {
        s.replace(
            "configs/openai_2024.toml (built in)",
            "configs/openai_2024.toml",
        )
    };
    assert_eq!(strip(&builtin), strip(&file));
}

#[test]
fn check_lists_every_input_with_its_median_and_range() {
    runway()
        .args(["check", "configs/openai_2024.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("valid"))
        .stdout(predicate::str::contains("costs.inference.efficiency_gain"))
        .stdout(predicate::str::contains("funding.microsoft.probability"))
        .stdout(predicate::str::contains("revenue.chatgpt_plus.churn"))
        .stdout(predicate::str::contains("median"));
}

#[test]
fn each_scenario_of_the_openai_model_runs_and_names_itself() {
    for scenario in ["baseline", "article", "marcus", "pessimistic"] {
        let v = json_run(&["--scenario", scenario, "--paths", "2000"]);
        assert_eq!(v["model"]["scenario"], scenario);
    }
}

#[test]
fn the_article_premise_is_riskier_than_marcus_reply() {
    let p = |s: &str| {
        json_run(&["--scenario", s, "--paths", "40000"])["insolvency"]["probability"]
            .as_f64()
            .unwrap()
    };
    assert!(p("article") > p("marcus"));
}

#[test]
fn an_override_changes_the_result_and_is_validated() {
    let base = json_run(&["--paths", "20000"]);
    let none = json_run(&[
        "--paths",
        "20000",
        "--set",
        "funding.microsoft.probability=0",
        "--set",
        "funding.new_investors.probability=0",
    ]);
    assert!(none["insolvency"]["count"].as_u64() >= base["insolvency"]["count"].as_u64());
    runway()
        .args(["run", "--set", "funding.microsoft.probability=1.5", "-q"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("funding.microsoft.probability"))
        .stderr(predicate::str::contains("[0, 1]"));
}

#[test]
fn help_shows_examples_and_version_prints() {
    runway()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    runway()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn an_unknown_subcommand_or_flag_exits_with_code_2() {
    runway().arg("frobnicate").assert().code(2);
    runway().args(["run", "--no-such-flag"]).assert().code(2);
}

#[test]
fn stdout_carries_only_the_report_so_json_can_be_piped() {
    let out = runway()
        .args(["run", "--format", "json", "--paths", "3000"])
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice::<Value>(&out.stdout).expect("stdout is pure JSON");
}

#[test]
fn path_counts_accept_suffixes_and_scientific_notation() {
    assert_eq!(json_run(&["--paths", "2k"])["paths"], 2000);
    assert_eq!(json_run(&["--paths", "3e3"])["paths"], 3000);
}

#[test]
fn bench_reports_every_thread_count_and_identical_results_in_each_format() {
    let out = runway()
        .args([
            "bench",
            "configs/bench/ref1b.toml",
            "--paths",
            "20k",
            "--threads",
            "1,2",
            "--repeat",
            "2",
            "--format",
            "json",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["identical_results"], true);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["speedup"].as_f64(), Some(1.0));
    for row in rows {
        let (lo, mid, hi) = (
            row["paths_per_second_min"].as_f64().unwrap(),
            row["paths_per_second_median"].as_f64().unwrap(),
            row["paths_per_second_max"].as_f64().unwrap(),
        );
        assert!(lo <= mid && mid <= hi);
    }
    let csv = runway()
        .args([
            "bench",
            "configs/bench/ref1b.toml",
            "--paths",
            "10k",
            "--threads",
            "1",
            "--repeat",
            "1",
            "--format",
            "csv",
            "-q",
        ])
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(&csv.stdout[..]);
    assert!(reader
        .headers()
        .unwrap()
        .iter()
        .any(|h| h == "paths_per_second_median"));
    assert_eq!(reader.records().count(), 1);
}

#[test]
fn bench_refuses_zero_threads_and_zero_repeats() {
    runway()
        .args(["bench", "--threads", "0", "-q"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--threads"));
    runway()
        .args(["bench", "--repeat", "0", "-q"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--repeat"));
}

#[test]
fn an_overflow_names_the_file_and_the_line_and_the_same_first_path_for_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("explosive.toml");
    std::fs::write(
        &model,
        r#"
[model]
name = "explosive growth"
start = "2024-01"
horizon = "2030-12"
unit = "EUR"

[cash]
initial = 100

[costs.staff]
monthly = 10

[revenue.sales]
monthly = 5
# Rare explosive growth: about 1 path in 2 000 overflows, the first
# one deep in the run, so threads finish other blocks first.
growth = { lognormal = { median = 0.01, log_sd = 4 } }
"#,
    )
    .unwrap();
    let stderr_for = |threads: &str| {
        let output = Command::cargo_bin("runway")
            .unwrap()
            .arg("run")
            .arg(&model)
            .args(["--paths", "50000", "-q", "--threads", threads])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "threads {threads}");
        String::from_utf8(output.stderr).unwrap()
    };
    let one = stderr_for("1");
    assert!(
        one.contains("explosive.toml") && one.contains("`revenue.sales`") && one.contains("growth"),
        "{one}"
    );
    for threads in ["2", "3"] {
        assert_eq!(stderr_for(threads), one, "threads {threads}");
    }
}

#[test]
fn an_overflow_caused_by_an_input_blames_that_input_not_growth() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("huge.toml");
    std::fs::write(
        &model,
        r#"
[model]
name = "huge cash"
start = "2024-01"
horizon = "2024-06"
unit = "EUR"

[cash]
initial = { uniform = { min = 1e308, max = 1.7e308 } }

[costs.staff]
monthly = 10

[revenue.sales]
monthly = 1e308
"#,
    )
    .unwrap();
    Command::cargo_bin("runway")
        .unwrap()
        .arg("run")
        .arg(&model)
        .args(["--paths", "5000", "-q"])
        .assert()
        .code(1)
        .stderr(
            predicates::str::contains("huge.toml")
                .and(predicates::str::contains("`cash.initial` drew"))
                .and(predicates::str::contains("growth").not()),
        );
}

#[test]
fn bash_completions_name_every_subcommand() {
    let out = runway().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    let script = String::from_utf8(out.stdout).unwrap();
    for name in [
        "run",
        "check",
        "compare",
        "sensitivity",
        "backtest",
        "report",
        "merge",
        "bench",
        "completions",
        "man",
    ] {
        assert!(script.contains(name), "no {name} in the bash completions");
    }
    assert!(script.contains("--per-path"), "options are completed too");
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let out = runway().args(["completions", shell]).output().unwrap();
        assert!(out.status.success() && !out.stdout.is_empty(), "{shell}");
    }
}

#[test]
fn the_man_page_is_roff_with_a_title_line() {
    for args in [&["man"][..], &["man", "run"]] {
        let out = runway().args(args).output().unwrap();
        assert!(out.status.success());
        let page = String::from_utf8(out.stdout).unwrap();
        // clap_mangen opens with the two-line quote-string preamble
        // (`.ie` / `.el`), then the title.
        let title = page
            .lines()
            .find(|l| !l.starts_with(".ie") && !l.starts_with(".el"))
            .unwrap();
        assert!(title.starts_with(".TH runway"), "{args:?}: {title}");
    }
    let out = runway().args(["man"]).output().unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains("sensitivity"), "the subcommands are listed");
    runway()
        .args(["man", "bogus"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a subcommand"));
}

#[test]
fn check_as_json_lists_the_model_and_every_input() {
    let out = runway()
        .args(["check", "configs/startup_seed.toml", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["model"]["file"], "configs/startup_seed.toml");
    for key in ["name", "start", "horizon", "months", "unit", "floor"] {
        assert!(!v["model"][key].is_null(), "model.{key}");
    }
    let inputs = v["inputs"].as_array().unwrap();
    assert!(!inputs.is_empty());
    for input in inputs {
        let (p5, median, p95) = (
            input["p5"].as_f64().unwrap(),
            input["median"].as_f64().unwrap(),
            input["p95"].as_f64().unwrap(),
        );
        assert!(p5 <= median && median <= p95, "{input}");
        assert!(input["drawn"] == "per_path" || input["drawn"] == "monthly");
        assert!(input["distribution"].is_string() && input["input"].is_string());
    }

    let out = runway()
        .args(["check", "configs/startup_seed.toml", "--format", "csv"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("input,drawn,p5,median,p95,distribution\r\n"));
    assert_eq!(text.lines().count(), inputs.len() + 1);
}
