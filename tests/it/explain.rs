//! `runway explain`: the inputs of the paths that fail, against cases whose
//! answer is known; the same bits for any thread count; bad input.

use assert_cmd::Command;
use runway::analysis::explain::{run_explain, Explanation};
use runway::engine::{Progress, RunSpec};
use runway::model::{load_str, LoadOptions, Model, BUILTIN_MODEL_TEXT};
use runway::output::Render;

fn model(text: &str, scenario: Option<&str>) -> Model {
    let options = LoadOptions {
        scenario: scenario.map(String::from),
        overrides: Vec::new(),
    };
    load_str(text, "test.toml", &options).unwrap_or_else(|e| panic!("{e}"))
}

fn explain(m: &Model, paths: u64, seed: u64, threads: usize) -> Explanation {
    let spec = RunSpec {
        paths,
        seed,
        threads,
        fan: false,
        blocks: None,
    };
    run_explain(m, &spec, &Progress::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Insolvent when cash.initial < 57 + 19 · costs.small.monthly (19 months
/// of 3 + small): cash.initial decides most, the small cost a little
/// (first-order share about 0.05), and the cost of a shock that never
/// strikes nothing.
const THREE_INPUTS: &str = r#"
[model]
name = "one dominates, one a little, one noise"
start = "2024-01"
horizon = "2025-07"
unit = "USD"

[cash]
initial = { uniform = { min = 0, max = 200 } }

[costs.burn]
monthly = 3

[costs.small]
monthly = { uniform = { min = 0, max = 4 } }

[shocks.never]
hazard = 0
cost = { uniform = { min = 0, max = 1 } }
"#;

#[test]
fn the_dominant_the_small_and_the_noise_input_rank_in_that_order_over_ten_seeds() {
    let m = model(THREE_INPUTS, None);
    for seed in 1..=10 {
        let e = explain(&m, 40_000, seed, 2);
        let effects = e.importance.insolvency.as_ref().expect("effects");
        let order: Vec<&str> = effects.effects.iter().map(|x| x.input.as_str()).collect();
        assert_eq!(
            order,
            ["cash.initial", "costs.small.monthly", "shocks.never.cost"],
            "seed {seed}: {effects:?}"
        );
        let [dominant, small, noise] = [0, 1, 2].map(|i| &effects.effects[i]);
        assert!(dominant.shapley.value > 0.7, "seed {seed}: {dominant:?}");
        assert!(
            !small.indistinguishable_from_dummy,
            "seed {seed}: {small:?}"
        );
        assert!(
            noise.shapley.ci95[0] <= 0.0 || noise.indistinguishable_from_dummy,
            "seed {seed}: {noise:?}"
        );
        let by_ks: Vec<&str> = e.inputs.iter().map(|x| x.input.as_str()).collect();
        assert_eq!(by_ks[..2], ["cash.initial", "costs.small.monthly"]);
        let months = e.importance.months_to_insolvency.as_ref().expect("effects");
        assert_eq!(months.effects[0].input, "cash.initial");
    }
}

#[test]
fn the_insolvent_paths_start_with_less_cash_and_their_cash_path_lies_below() {
    let m = model(THREE_INPUTS, None);
    let e = explain(&m, 20_000, 3, 2);
    let cash = e.inputs.iter().find(|x| x.input == "cash.initial").unwrap();
    let ins = cash.insolvent.unwrap();
    // Insolvent paths have A below about 95 on average (uniform on 0–200 overall).
    assert!(ins.mean < 60.0 && ins.mean_shift_sd < -0.5, "{ins:?}");
    assert!(ins.mean_shift_sd_ci95[0] < ins.mean_shift_sd);
    assert!(ins.mean_shift_sd < ins.mean_shift_sd_ci95[1]);
    assert!(ins.ks > ins.ks_noise_95);
    assert!(ins.median_shift_ci95[0] <= ins.median_shift);
    assert!(ins.median_shift <= ins.median_shift_ci95[1]);
    assert!(e.median_insolvency_month.is_some());
    for month in &e.cash_by_month {
        let (i, s) = (month.insolvent.unwrap(), month.surviving.unwrap());
        assert!(i.p50 < s.p50, "{month:?}");
    }
}

#[test]
fn the_json_report_is_bit_identical_for_one_and_two_threads() {
    let m = model(BUILTIN_MODEL_TEXT, Some("article"));
    let one = explain(&m, 40_000, 7, 1).json();
    let two = explain(&m, 40_000, 7, 2).json();
    assert_eq!(one, two);
    assert!(!one.contains("NaN") && one.contains("\"shapley\""));
}

fn runway() -> Command {
    Command::cargo_bin("runway").expect("the runway binary")
}

#[test]
fn explain_prints_a_table_within_80_columns_and_writes_its_chart() {
    let dir = tempfile::tempdir().unwrap();
    let plots = dir.path().join("plots");
    let out = runway()
        .args([
            "explain",
            "--scenario",
            "article",
            "-n",
            "20k",
            "-q",
            "--plots",
        ])
        .arg(&plots)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("How the insolvent paths differ from all paths"));
    assert!(text.contains("Shapley effects"));
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
    let svg = std::fs::read_to_string(plots.join("explain_cash.svg")).unwrap();
    assert!(svg.contains("<title>") && svg.contains("<desc>"));
}

#[test]
fn explain_writes_csv_with_one_row_per_input_and_group() {
    let out = runway()
        .args(["explain", "-n", "5k", "-q", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("input,group,paths,mean,"));
    assert!(text.contains("cash.initial,insolvent,"));
    assert!(text.contains("dummy (noise),late,"));
}

#[test]
fn an_unknown_scenario_is_refused_with_exit_code_2() {
    let out = runway()
        .args(["explain", "--scenario", "nope", "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}

const CONSTANT: &str = r#"
[model]
name = "nothing uncertain"
start = "2024-01"
horizon = "2024-12"
unit = "USD"

[cash]
initial = 100

[costs.burn]
monthly = 10
"#;

#[test]
fn a_model_without_uncertain_inputs_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("constant.toml");
    std::fs::write(&file, CONSTANT).unwrap();
    let out = runway()
        .arg("explain")
        .arg(&file)
        .args(["-q", "-n", "2k"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("constant.toml") && err.contains("uncertain"),
        "{err}"
    );
}

#[test]
fn a_run_where_no_path_fails_says_there_is_nothing_to_explain() {
    let text = THREE_INPUTS.replace("min = 0, max = 200", "min = 1000, max = 2000");
    let m = model(&text, None);
    let e = explain(&m, 5_000, 1, 2);
    assert_eq!(e.insolvency.count, 0);
    assert!(e.importance.insolvency.is_none() && e.median_insolvency_month.is_none());
    assert!(e.inputs.iter().all(|x| x.insolvent.is_none()));
    let table = e.table(80);
    assert!(table.contains("nothing to explain"), "{table}");
    let json = e.json();
    assert!(!json.contains("NaN"));
    assert!(!e.csv().contains("NaN"));
}

/// Checks that the kept month-end cash of the horizon is each path's end
/// cash, and counts the blocks it saw.
struct EndCash(u64);

impl runway::engine::Observer for EndCash {
    fn observe(&mut self, blocks: &[runway::engine::BlockView<'_>]) -> runway::error::Result<()> {
        let view = &blocks[0];
        assert!(view.cash_at_month_end(0).is_none());
        let last = (1..=1000u32)
            .take_while(|&t| view.cash_at_month_end(t).is_some())
            .last()
            .expect("the plan keeps the monthly cash");
        let cash = view.cash_at_month_end(last).unwrap();
        for (j, &c) in cash.iter().enumerate() {
            assert_eq!(c.to_bits(), view.outcome(j).end_cash.to_bits());
        }
        self.0 += 1;
        Ok(())
    }
}

#[test]
fn keeping_the_monthly_cash_changes_no_result_and_ends_at_each_paths_end_cash() {
    use runway::engine::{simulate_plans, Plan};
    let m = model(BUILTIN_MODEL_TEXT, None);
    let spec = RunSpec {
        paths: 5_000,
        seed: 9,
        threads: 2,
        fan: true,
        blocks: None,
    };
    let plain = Plan::new(&m);
    let kept = Plan::new(&m).recording_monthly_cash();
    let progress = Progress::default();
    let a = simulate_plans(&[&plain], &spec, &progress, || ()).unwrap();
    let b = simulate_plans(&[&kept], &spec, &progress, || EndCash(0)).unwrap();
    assert_eq!(b.observers.iter().map(|o| o.0).sum::<u64>(), 5);
    assert_eq!(a.into_tally(), b.into_tally());
}

#[test]
fn the_report_has_a_section_on_how_the_company_runs_out_of_money() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.html");
    let out = runway()
        .args([
            "report",
            "--scenario",
            "article",
            "-n",
            "10k",
            "-q",
            "--out",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.contains("<h2>How the company runs out of money</h2>"));
    assert!(html.contains("id=\"explain_cash\""));
    assert!(html.contains("Shapley effects"));
}
