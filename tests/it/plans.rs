//! Schedules and hiring plans against their closed forms, and the new
//! inputs through `--set`, scenarios, correlation, LHS, compare and threads.
//!
//! The closed forms read each month's amount from the cash: a model with no
//! other uncertainty, run to each horizon in turn, ends with its initial
//! cash minus the amounts of the months up to that horizon.

use crate::engine::block_inputs;
use assert_cmd::Command;
use runway::engine::{simulate_plans, BlockView, Observer, Plan, Progress, RunSpec, BLOCK_SIZE};
use runway::model::{load_str, LoadOptions, Model};

const FIXTURE: &str = "tests/fixtures/hiring_plan.toml";

fn model(text: &str) -> Model {
    load_str(text, "test.toml", &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// End cash of every path of one block.
struct EndCash(Vec<f64>);

impl Observer for EndCash {
    fn observe(&mut self, blocks: &[BlockView<'_>]) -> runway::Result<()> {
        let b = &blocks[0];
        self.0.extend((0..b.paths()).map(|j| b.outcome(j).end_cash));
        Ok(())
    }
}

fn end_cash(m: &Model) -> Vec<f64> {
    let plan = Plan::new(m);
    let spec = RunSpec {
        paths: BLOCK_SIZE as u64,
        seed: 7,
        threads: 1,
        fan: false,
        blocks: None,
    };
    let run = simulate_plans(
        &[&plan],
        &spec,
        &Progress::default(),
        || EndCash(Vec::new()),
    )
    .unwrap();
    run.observers.into_iter().next().unwrap().0
}

/// Each month's net outflow (initial cash − cash at its end, month by
/// month) of `body` in a model from 2025-01 with 12 months' horizon; every
/// path must agree.
fn monthly_outflow(body: &str) -> Vec<f64> {
    let mut cumulative = Vec::new();
    for k in 1..=12 {
        let text = format!(
            "[model]\nname = \"t\"\nstart = \"2025-01\"\nhorizon = \"2025-{k:02}\"\nunit = \"USD\"\n[cash]\ninitial = 100000\n{body}"
        );
        let cash = end_cash(&model(&text));
        assert!(cash.iter().all(|&c| c == cash[0]), "paths differ");
        cumulative.push(100000.0 - cash[0]);
    }
    let mut out = vec![cumulative[0]];
    out.extend(cumulative.windows(2).map(|w| w[1] - w[0]));
    out
}

fn assert_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (t, (g, w)) in got.iter().zip(want).enumerate() {
        let scale = w.abs().max(1.0);
        assert!(
            (g - w).abs() <= 1e-9 * scale * 100.0,
            "month {}: got {g}, want {w}",
            t + 1
        );
    }
}

/// The cumulative headcount of a plan: start + every hire up to month t.
fn planned_heads(start: f64, hires: &[(usize, f64)]) -> Vec<f64> {
    (1..=12)
        .map(|t| start + hires.iter().filter(|h| h.0 <= t).map(|h| h.1).sum::<f64>())
        .collect()
}

const HIRES: &str = r#"hires = { "2025-02" = 3, "2025-Q2" = 3, "2025-09" = 2 }"#;

fn hires() -> Vec<(usize, f64)> {
    vec![(2, 3.0), (4, 1.0), (5, 1.0), (6, 1.0), (9, 2.0)]
}

#[test]
fn a_hiring_plan_without_slip_fill_loss_or_attrition_gives_the_exact_headcount_cost() {
    let got = monthly_outflow(&format!(
        "[costs.team]\nmonthly = 12.5\n[costs.team.hiring]\nstart = 4\n{HIRES}\n"
    ));
    let want: Vec<f64> = planned_heads(4.0, &hires())
        .iter()
        .map(|h| h * 12.5)
        .collect();
    assert_close(&got, &want);
}

#[test]
fn a_constant_slip_of_k_months_shifts_the_headcount_path_by_k() {
    let got = monthly_outflow(&format!(
        "[costs.team]\nmonthly = 10\n[costs.team.hiring]\nstart = 1\nslip = 2\n{HIRES}\n"
    ));
    let shifted: Vec<(usize, f64)> = hires().iter().map(|&(m, n)| (m + 2, n)).collect();
    let want: Vec<f64> = planned_heads(1.0, &shifted)
        .iter()
        .map(|h| h * 10.0)
        .collect();
    assert_close(&got, &want);
}

#[test]
fn a_constant_fill_rate_f_gives_f_times_the_planned_hires() {
    let got = monthly_outflow(&format!(
        "[costs.team]\nmonthly = 10\n[costs.team.hiring]\nfill_rate = 0.6\n{HIRES}\n"
    ));
    let want: Vec<f64> = planned_heads(0.0, &hires())
        .iter()
        .map(|h| h * 6.0)
        .collect();
    assert_close(&got, &want);
}

#[test]
fn attrition_takes_its_fraction_of_the_headcount_each_month_before_the_hires() {
    let got = monthly_outflow(&format!(
        "[costs.team]\nmonthly = 10\n[costs.team.hiring]\nstart = 8\nattrition = 0.05\n{HIRES}\n"
    ));
    let mut heads = 8.0;
    let want: Vec<f64> = (1..=12)
        .map(|t| {
            let joining: f64 = hires().iter().filter(|h| h.0 == t).map(|h| h.1).sum();
            heads = heads * 0.95 + joining;
            heads * 10.0
        })
        .collect();
    assert_close(&got, &want);
}

#[test]
fn a_step_schedule_gives_each_value_until_the_next_point() {
    let got = monthly_outflow(
        "[costs.rent]\nschedule = { \"2025-03\" = 20, \"2025-07\" = 35 }\nmonthly = 2\n",
    );
    let want: Vec<f64> = (1..=12).map(|t| if t < 7 { 40.0 } else { 70.0 }).collect();
    assert_close(&got, &want);
}

#[test]
fn a_linear_schedule_interpolates_between_points_and_holds_after_the_last() {
    let got = monthly_outflow(
        "[costs.ads]\nschedule = { \"2025-02\" = 10, \"2025-06\" = 30 }\nschedule_shape = \"linear\"\n",
    );
    let want: Vec<f64> = (1..=12)
        .map(|t: i32| match t {
            1 | 2 => 10.0,
            3..=6 => 10.0 + 5.0 * f64::from(t - 2),
            _ => 30.0,
        })
        .collect();
    assert_close(&got, &want);
}

#[test]
fn revenue_price_and_flow_schedules_multiply_the_month_s_amount() {
    // A users line at a scheduled price, a plain line and a flow on
    // schedules: all of it enters the cash, so the outflow is its negative.
    let got = monthly_outflow(concat!(
        "[revenue.subs]\nusers = 100\narpu_schedule = { \"2025-01\" = 2, \"2025-05\" = 3 }\n",
        "[revenue.services]\nschedule = { \"2025-01\" = 10, \"2025-04\" = 40 }\nschedule_shape = \"linear\"\nmonthly = 0.5\n",
        "[flows.grant]\nschedule = { \"2025-01\" = 0, \"2025-03\" = 7, \"2025-04\" = 0 }\n",
    ));
    let want: Vec<f64> = (1..=12)
        .map(|t: i32| {
            let subs = if t < 5 { 200.0 } else { 300.0 };
            let services = 0.5
                * if t <= 4 {
                    10.0 + 10.0 * f64::from(t - 1)
                } else {
                    40.0
                };
            let grant = if t == 3 { 7.0 } else { 0.0 };
            -(subs + services + grant)
        })
        .collect();
    assert_close(&got, &want);
}

#[test]
fn a_csv_schedule_reads_like_the_same_schedule_written_inline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("opex.csv"),
        "month,value\n2025-01,5\n2025-06,9\n",
    )
    .unwrap();
    let body = "[model]\nname = \"t\"\nstart = \"2025-01\"\nhorizon = \"2025-12\"\nunit = \"USD\"\n[cash]\ninitial = 1000\n";
    let file = dir.path().join("m.toml");
    std::fs::write(
        &file,
        format!("{body}[costs.opex]\nschedule = \"opex.csv\"\n"),
    )
    .unwrap();
    let from_csv = runway::model::load_file(&file, &LoadOptions::default()).unwrap();
    let inline = model(&format!(
        "{body}[costs.opex]\nschedule = {{ \"2025-01\" = 5, \"2025-06\" = 9 }}\n"
    ));
    assert_eq!(end_cash(&from_csv), end_cash(&inline));
    assert_eq!(end_cash(&inline)[0], 1000.0 - 5.0 * 5.0 - 7.0 * 9.0);
}

fn runway() -> Command {
    Command::cargo_bin("runway").unwrap()
}

fn json(args: &[&str]) -> String {
    let out = runway().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_object_mut().unwrap().remove("run");
    serde_json::to_string(&v).unwrap()
}

#[test]
fn a_model_with_plans_gives_the_same_json_on_one_and_two_threads() {
    let run = |t: &str| {
        json(&[
            "run", FIXTURE, "-n", "30000", "-t", t, "-q", "--format", "json",
        ])
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn set_and_scenarios_change_the_hiring_plan() {
    let base = json(&["run", FIXTURE, "-n", "20000", "-q", "--format", "json"]);
    let slipped = json(&[
        "run",
        FIXTURE,
        "-n",
        "20000",
        "-q",
        "--format",
        "json",
        "--set",
        "costs.engineers.hiring.slip=12",
        "--set",
        "costs.rent.schedule={ \"2025-01\" = 15 }",
    ]);
    let frozen = json(&[
        "run",
        FIXTURE,
        "-n",
        "20000",
        "-q",
        "--format",
        "json",
        "--scenario",
        "hiring_freeze",
    ]);
    assert_ne!(base, slipped);
    assert_ne!(base, frozen);
    assert!(frozen.contains("hiring_freeze"));
}

#[test]
fn check_lists_the_hiring_inputs_and_compare_runs_the_plan_scenarios() {
    let out = runway().args(["check", FIXTURE]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for input in [
        "costs.engineers.hiring.slip",
        "costs.engineers.hiring.fill_rate",
    ] {
        assert!(text.contains(input), "check does not list {input}");
    }
    let compare = json(&["compare", FIXTURE, "-n", "10000", "-q", "--format", "json"]);
    assert!(compare.contains("hiring_freeze"));
}

#[test]
fn correlation_and_latin_hypercube_sampling_reach_the_hiring_inputs() {
    let text = std::fs::read_to_string(FIXTURE).unwrap().replace(
        "[scenarios.hiring_freeze]",
        "[correlation]\ninputs = [\"costs.engineers.hiring.fill_rate\", \"costs.engineers.hiring.attrition\"]\nmatrix = [[1, -0.8], [-0.8, 1]]\n\n[scenarios.hiring_freeze]",
    );
    let fixture = |text: &str| load_str(text, FIXTURE, &LoadOptions::default()).unwrap();
    let m = fixture(&text);
    let inputs = block_inputs(&m, 0..4, 11);
    let column = |name: &str| &inputs.iter().find(|(p, _)| p == name).unwrap().1;
    let (fill, attrition) = (
        column("costs.engineers.hiring.fill_rate"),
        column("costs.engineers.hiring.attrition"),
    );
    let rank = |v: &[f64]| {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let mut r = vec![0.0; v.len()];
        for (k, &i) in idx.iter().enumerate() {
            r[i] = k as f64;
        }
        r
    };
    let (a, b) = (rank(fill), rank(attrition));
    let n = a.len() as f64;
    let mean = (n - 1.0) / 2.0;
    let cov: f64 = a.iter().zip(&b).map(|(x, y)| (x - mean) * (y - mean)).sum();
    let var: f64 = a.iter().map(|x| (x - mean) * (x - mean)).sum();
    let rho = cov / var;
    assert!((rho + 0.8).abs() < 0.05, "Spearman {rho}");

    let lhs = text.replace(
        "unit = \"USD thousands\"",
        "unit = \"USD thousands\"\nsampling = \"lhs\"",
    );
    let lhs_inputs = block_inputs(&fixture(&lhs), 0..1, 11);
    let slip = &lhs_inputs
        .iter()
        .find(|(p, _)| p == "costs.sales.hiring.slip")
        .unwrap()
        .1;
    // One draw in each of the block's strata: exactly one below the
    // distribution's 1/1024 quantile region per stratum, so the sorted
    // uniforms sit one per stratum.
    let dist = &m
        .path_inputs()
        .into_iter()
        .find(|i| i.path == "costs.sales.hiring.slip")
        .unwrap()
        .dist
        .clone();
    let mut u: Vec<f64> = slip.iter().map(|&x| dist.cdf(x)).collect();
    u.sort_by(f64::total_cmp);
    for (k, &x) in u.iter().enumerate() {
        let k = k as f64 / BLOCK_SIZE as f64;
        assert!(
            x >= k - 1e-6 && x <= k + 1.0 / BLOCK_SIZE as f64 + 1e-6,
            "{x} not in stratum {k}"
        );
    }
}
