//! Debt, covenants and failure definitions against closed forms: annuity,
//! straight-line and balloon schedules to 1e-9, a credit line that lowers
//! the risk as its limit grows, a minimum-cash covenant that is the floor
//! by another name, P(failure) at least either of its parts, and every new
//! field through threads, shards, `--set`, scenarios, correlation and LHS.

use assert_cmd::Command;
use runway::engine::{simulate, Progress, RunSpec};
use runway::model::{load_str, LoadOptions, Model};
use runway::stats::Tally;

fn model(text: &str) -> Model {
    load_str(text, "test.toml", &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn run_blocks(
    model: &Model,
    paths: u64,
    seed: u64,
    threads: usize,
    blocks: Option<std::ops::Range<u64>>,
) -> Tally {
    let spec = RunSpec {
        paths,
        seed,
        threads,
        fan: false,
        blocks,
    };
    simulate(model, &spec, &Progress::default()).unwrap()
}

fn run(model: &Model, paths: u64, seed: u64) -> Tally {
    run_blocks(model, paths, seed, 1, None)
}

/// A company with constant cash and nothing else but one term loan,
/// simulated to month `horizon` (1 = 2025-01): its exact end cash.
fn cash_after_loan(loan: &str, horizon: u32) -> f64 {
    let end = runway::model::Month::parse("2025-01")
        .unwrap()
        .plus(horizon as i32 - 1);
    let text = format!(
        "[model]\nname = \"loan\"\nstart = \"2025-01\"\nhorizon = \"{end}\"\nunit = \"USD\"\n\n[cash]\ninitial = 1000\nfloor = -1e9\n\n[debt.loan]\nkind = \"term_loan\"\n{loan}\n"
    );
    let tally = run(&model(&text), 1024, 1);
    let (lo, hi) = (tally.end_cash.min().unwrap(), tally.end_cash.max().unwrap());
    assert_eq!(
        lo, hi,
        "a constant model's paths all end with the same cash"
    );
    lo
}

/// A loan of `p` at monthly rate `r`, drawn in month 1, `io` interest-only
/// months, `m` amortising months, balloon fraction `b`, maturity `term`
/// months after the draw, by annuity or straight line.
#[derive(Clone, Copy)]
struct Loan {
    p: f64,
    r: f64,
    io: u32,
    m: u32,
    b: f64,
    term: u32,
    annuity: bool,
}

/// The closed-form cash of `loan` (1 000 at the start) after month `t`.
fn closed_form_cash(loan: &Loan, t: u32) -> f64 {
    let Loan {
        p,
        r,
        io,
        m,
        b,
        term,
        annuity,
    } = *loan;
    let balloon = p * b;
    let payment =
        (p - balloon / (1.0 + r).powi(m as i32)) * r / (1.0 - (1.0 + r).powi(-(m as i32)));
    let mut cash = 1000.0 + p;
    let mut balance = p;
    for k in 1..t.min(term + 1) {
        let interest = balance * r;
        let principal = if k == term {
            balance
        } else if k <= io || k > io + m {
            0.0
        } else if annuity {
            payment - interest
        } else {
            (p - balloon) / f64::from(m)
        };
        cash -= interest + principal;
        balance -= principal;
    }
    // The closed form of the annuity balance after i amortising months.
    if annuity && t > io + 1 && t <= io + m + 1 && t - 1 < term {
        let i = (t - 1 - io) as i32;
        let g = (1.0 + r).powi(i);
        let closed = p * g - payment * (g - 1.0) / r;
        assert!(
            (closed - balance).abs() <= 1e-9 * p,
            "annuity balance {closed} vs {balance}"
        );
    }
    cash
}

#[test]
fn an_annuity_loan_pays_interest_and_principal_to_the_closed_form() {
    let loan = "principal = 500\ndraw = \"2025-01\"\nrate = 0.12\nterm = 24\ninterest_only = 3\namortization = \"annuity\"";
    for t in [1, 2, 4, 5, 10, 17, 24, 25, 26, 30] {
        let got = cash_after_loan(loan, t);
        let want = closed_form_cash(
            &Loan {
                p: 500.0,
                r: 0.01,
                io: 3,
                m: 21,
                b: 0.0,
                term: 24,
                annuity: true,
            },
            t,
        );
        assert!(
            (got - want).abs() <= 1e-9 * 1500.0,
            "month {t}: {got} vs {want}"
        );
    }
    // Paid off: the loan cost exactly its interest, 3 months interest-only
    // plus the annuity's payments less the principal.
    let payment = 500.0 * 0.01 / (1.0 - 1.01f64.powi(-21));
    let paid = 3.0 * 5.0 + 21.0 * payment;
    assert!((cash_after_loan(loan, 30) - (1500.0 - paid)).abs() <= 1e-9 * 1500.0);
}

#[test]
fn a_straight_line_loan_with_a_balloon_matches_the_closed_form() {
    let loan = "principal = 800\ndraw = \"2025-01\"\nrate = 0.09\nterm = 20\ninterest_only = 2\namortization = \"straight_line\"\namortization_months = 12\nballoon = 0.25";
    for t in [1, 2, 3, 4, 8, 14, 15, 16, 20, 21, 22] {
        let got = cash_after_loan(loan, t);
        let want = closed_form_cash(
            &Loan {
                p: 800.0,
                r: 0.0075,
                io: 2,
                m: 12,
                b: 0.25,
                term: 20,
                annuity: false,
            },
            t,
        );
        assert!(
            (got - want).abs() <= 1e-9 * 1800.0,
            "month {t}: {got} vs {want}"
        );
    }
    let annuity = "principal = 800\ndraw = \"2025-01\"\nrate = 0.09\nterm = 20\ninterest_only = 2\nballoon = 0.25";
    for t in [3, 9, 20, 21, 22] {
        let got = cash_after_loan(annuity, t);
        let want = closed_form_cash(
            &Loan {
                p: 800.0,
                r: 0.0075,
                io: 2,
                m: 18,
                b: 0.25,
                term: 20,
                annuity: true,
            },
            t,
        );
        assert!(
            (got - want).abs() <= 1e-9 * 1800.0,
            "annuity with balloon, month {t}: {got} vs {want}"
        );
    }
}

#[test]
fn an_interest_only_loan_costs_its_interest_each_month_and_its_principal_at_maturity() {
    let loan = "principal = 600\ndraw = \"2025-01\"\nrate = 0.06\nterm = 12\ninterest_only = 11";
    for t in [2, 6, 12] {
        let want = 1600.0 - f64::from(t - 1) * 3.0;
        assert!((cash_after_loan(loan, t) - want).abs() <= 1e-9 * 1600.0);
    }
    // Month 13: the last interest and the whole principal.
    assert!((cash_after_loan(loan, 13) - (1600.0 - 36.0 - 600.0)).abs() <= 1e-9 * 1600.0);
}

/// A company that burns an uncertain amount, with a credit line of `limit`.
fn with_line(limit: f64, fee: f64) -> String {
    format!(
        r#"[model]
name = "line"
start = "2025-01"
horizon = "2026-12"
unit = "USD"

[cash]
initial = 1000

[costs.team]
monthly = {{ uniform = {{ min = 40, max = 80 }} }}
growth = {{ normal = {{ mean = 0.01, sd = 0.01 }} }}

[revenue.sales]
monthly = 30
growth = {{ normal = {{ mean = 0.02, sd = 0.03 }} }}

[debt.line]
kind = "revolver"
limit = {limit}
rate = 0.1
commitment_fee = {fee}
repay_above = 200
"#
    )
}

#[test]
fn a_larger_credit_line_never_raises_the_insolvency_risk() {
    let limits = [0.0, 100.0, 200.0, 400.0, 800.0];
    let risks: Vec<u64> = limits
        .iter()
        .map(|&l| run(&model(&with_line(l, 0.0)), 20_000, 7).insolvent())
        .collect();
    assert!(risks.windows(2).all(|w| w[1] <= w[0]), "{risks:?}");
    assert!(
        risks[4] < risks[0],
        "a line of 800 must save some paths: {risks:?}"
    );
}

/// A model whose floor is `floor`, or whose floor is 0 and whose covenant
/// asks for `min_cash`.
fn floor_or_covenant(floor: f64, covenant: Option<f64>) -> Model {
    let mut text = format!(
        "[model]\nname = \"c\"\nstart = \"2025-01\"\nhorizon = \"2026-06\"\nunit = \"USD\"\n\n[cash]\ninitial = {{ uniform = {{ min = 600, max = 1400 }} }}\nfloor = {floor}\n\n[costs.team]\nmonthly = {{ uniform = {{ min = 40, max = 80 }} }}\nnoise = {{ normal = {{ mean = 0, sd = 0.1 }} }}\n"
    );
    if let Some(f) = covenant {
        text.push_str(&format!("\n[covenants.bank]\nmin_cash = {f}\n"));
    }
    model(&text)
}

#[test]
fn a_minimum_cash_covenant_breaches_exactly_where_that_floor_would_be_insolvent() {
    for f in [150.0, 300.0] {
        let floor = run(&floor_or_covenant(f, None), 30_000, 11);
        let covenant = run(&floor_or_covenant(0.0, Some(f)), 30_000, 11);
        let failure = covenant
            .failure
            .as_ref()
            .expect("a model with a covenant counts breaches");
        assert!(floor.failure.is_none());
        assert_eq!(failure.breach_in_month, floor.insolvent_in_month);
        assert!(floor.insolvent() > 0);
    }
}

/// Several models with debt and covenants, for properties over all of them.
fn debt_models() -> Vec<Model> {
    let mut out = vec![model(
        &std::fs::read_to_string("configs/startup_debt.toml").unwrap(),
    )];
    for (limit, cash, burn) in [
        (100.0, 150.0, 90.0),
        (400.0, 50.0, 60.0),
        (0.0, 250.0, 200.0),
    ] {
        let text = with_line(limit, 0.01)
            + &format!("\n[covenants.bank]\nmin_cash = {cash}\nmax_monthly_burn = {burn}\nfrom = \"2025-04\"\n\n[covenants.sales]\nmin_trailing_revenue = {{ amount = 95, months = 3 }}\n");
        out.push(model(&text));
    }
    out
}

#[test]
fn failure_is_at_least_insolvency_and_breach_and_at_most_their_sum() {
    for (i, m) in debt_models().iter().enumerate() {
        for seed in [1, 2, 3] {
            let t = run(m, 8_192, seed);
            let f = t.failure.as_ref().unwrap();
            let (breach, failure): (u64, u64) = (
                f.breach_in_month.iter().sum(),
                f.failure_in_month.iter().sum(),
            );
            assert!(
                failure >= t.insolvent().max(breach),
                "model {i}, seed {seed}"
            );
            assert!(failure <= t.insolvent() + breach, "model {i}, seed {seed}");
            assert_eq!(f.shortfall.count(), failure);
            // Month by month too: the failure curve is never below either.
            let cum = |v: &[u64]| runway::stats::cumulative(v);
            let (ci, cb, cf) = (
                cum(&t.insolvent_in_month),
                cum(&f.breach_in_month),
                cum(&f.failure_in_month),
            );
            assert!(
                (0..ci.len()).all(|k| cf[k] >= ci[k].max(cb[k])),
                "model {i}, seed {seed}"
            );
        }
    }
}

#[test]
fn debt_models_give_the_same_tally_on_any_thread_count_and_shard_split() {
    for m in debt_models() {
        let paths = 5 * 1024 + 100;
        let whole = run_blocks(&m, paths, 5, 1, None);
        assert_eq!(run_blocks(&m, paths, 5, 2, None), whole);
        let mut merged = run_blocks(&m, paths, 5, 1, Some(0..2));
        for blocks in [2..3, 3..5, 5..6] {
            merged.merge(&run_blocks(&m, paths, 5, 2, Some(blocks)));
        }
        assert_eq!(merged, whole);
    }
}

#[test]
fn distribution_valued_debt_inputs_work_with_correlation_and_latin_hypercube() {
    let base = with_line(0.0, 0.0).replace(
        "limit = 0",
        "limit = { uniform = { min = 0, max = 600 } }\nprobability = 0.7",
    );
    let correlated = base.clone()
        + "\n[correlation]\ninputs = [\"debt.line.limit\", \"costs.team.monthly\"]\nmatrix = [[1, 0.6], [0.6, 1]]\n";
    let lhs = base.replace("unit = \"USD\"", "unit = \"USD\"\nsampling = \"lhs\"");
    for text in [base, correlated, lhs] {
        let m = model(&text);
        let t = run(&m, 4_096, 3);
        assert!(t.failure.is_some() && t.insolvent() > 0 && t.insolvent() < t.paths);
        assert_eq!(run_blocks(&m, 4_096, 3, 2, None), t);
    }
}

fn runway_cmd() -> Command {
    Command::cargo_bin("runway").unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = runway_cmd()
        .args(args)
        .args(["-q", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_debt_example_reports_breach_failure_and_shortfall_and_its_fields_take_overrides() {
    let base = json(&["run", "configs/startup_debt.toml", "--paths", "20000"]);
    for key in ["insolvency", "breach", "failure"] {
        assert!(base[key]["probability"].as_f64().is_some(), "{key}");
        assert_eq!(base[key]["by_month"].as_array().unwrap().len(), 24, "{key}");
    }
    assert!(base["shortfall"]["p50"].as_f64().is_some());
    let p = |v: &serde_json::Value, key: &str| v[key]["probability"].as_f64().unwrap();
    let bigger = json(&[
        "run",
        "configs/startup_debt.toml",
        "--paths",
        "20000",
        "--set",
        "debt.bank_line.limit=2000",
        "--set",
        "debt.bank_line.probability=1",
    ]);
    assert!(p(&bigger, "insolvency") < p(&base, "insolvency"));
    let no_line = json(&[
        "run",
        "configs/startup_debt.toml",
        "--paths",
        "20000",
        "--scenario",
        "no_revolver",
    ]);
    assert!(p(&no_line, "insolvency") > p(&base, "insolvency"));
    let lenient = json(&[
        "run",
        "configs/startup_debt.toml",
        "--paths",
        "20000",
        "--set",
        "covenants.venture_loan.min_cash=0",
    ]);
    assert!(p(&lenient, "breach") < p(&base, "breach"));
    runway_cmd()
        .args([
            "run",
            "configs/startup_debt.toml",
            "--set",
            "debt.bank_line.limt=10",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("debt.bank_line.limit"));
}

#[test]
fn a_model_without_debt_reports_no_breach_failure_or_shortfall() {
    let v = json(&["run", "configs/startup_seed.toml", "--paths", "2048"]);
    for key in ["breach", "failure", "shortfall"] {
        assert!(v.get(key).is_none(), "{key}");
    }
}

#[test]
fn check_compare_and_sensitivity_run_the_debt_example_with_its_inputs() {
    let check = runway_cmd()
        .args(["check", "configs/startup_debt.toml"])
        .output()
        .unwrap();
    let text = String::from_utf8(check.stdout).unwrap();
    for input in [
        "debt.venture_loan.rate",
        "debt.bank_line.limit",
        "debt.bank_line.probability",
        "costs.payroll.hiring.fill_rate",
        "costs.payroll.hiring.slip",
    ] {
        assert!(text.contains(input), "check lists {input}");
    }
    // The cost per head is given by quantiles: check shows them fitted back.
    for input in ["Inputs given by quantiles", "costs.payroll.monthly"] {
        assert!(text.contains(input), "check lists {input}");
    }
    runway_cmd()
        .args([
            "compare",
            "configs/startup_debt.toml",
            "--paths",
            "4096",
            "-q",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("no_revolver"));
    runway_cmd()
        .args([
            "sensitivity",
            "configs/startup_debt.toml",
            "--paths",
            "4096",
            "-q",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("debt.venture_loan.rate"));
}

#[test]
fn a_partial_file_of_a_debt_model_carries_its_failure_counts_and_forged_ones_are_refused() {
    use super::shard::{forge, read_body};
    let tmp = tempfile::tempdir().unwrap();
    let parts: Vec<std::path::PathBuf> = (0..2)
        .map(|k| {
            let file = tmp.path().join(format!("p{k}.json"));
            runway_cmd()
                .args([
                    "run",
                    "configs/startup_debt.toml",
                    "--paths",
                    "5000",
                    "-q",
                    "--shard",
                    &format!("{k}/2"),
                    "--partial",
                ])
                .arg(&file)
                .assert()
                .success();
            file
        })
        .collect();
    let merged = runway_cmd()
        .arg("merge")
        .args(&parts)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(merged.status.success());
    let merged: serde_json::Value = serde_json::from_slice(&merged.stdout).unwrap();
    let whole = json(&["run", "configs/startup_debt.toml", "--paths", "5000"]);
    for key in ["insolvency", "breach", "failure", "shortfall"] {
        assert_eq!(merged[key], whole[key], "{key}");
    }
    let original = read_body(&parts[1]);
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit); 3] = [
        ("missing", |v| {
            v["tally"].as_object_mut().unwrap().remove("failure");
        }),
        ("too-many", |v| {
            v["tally"]["failure"]["failure_in_month"][3] = 1_000_000.into()
        }),
        ("short-months", |v| {
            v["tally"]["failure"]["breach_in_month"]
                .as_array_mut()
                .unwrap()
                .pop();
        }),
    ];
    for (name, edit) in cases {
        let mut forged = original.clone();
        edit(&mut forged);
        let path = tmp.path().join(format!("{name}.json"));
        forge(&path, &forged);
        let out = runway_cmd()
            .arg("merge")
            .arg(&parts[0])
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name}");
        assert!(stderr.contains("breach"), "{name}: {stderr}");
    }
}

/// The one end cash of a model whose every input is a constant.
fn constant_end_cash(body: &str, horizon: &str) -> f64 {
    let text = format!(
        "[model]\nname = \"c\"\nstart = \"2025-01\"\nhorizon = \"{horizon}\"\nunit = \"USD\"\n\n{body}"
    );
    let t = run(&model(&text), 1024, 1);
    assert_eq!(t.end_cash.min(), t.end_cash.max());
    t.end_cash.min().unwrap()
}

#[test]
fn a_breach_accelerates_a_loan_and_withdraws_a_line_the_month_after() {
    // Cash 1 400, 1 300, …, 900 in month 6 breaches the 1 000 minimum; in
    // month 7 the accelerated loan's 500 is due.
    let loan = |accelerate: bool| {
        format!("[cash]\ninitial = 1000\nfloor = -1e9\n\n[costs.team]\nmonthly = 100\n\n[debt.loan]\nkind = \"term_loan\"\nprincipal = 500\ndraw = \"2025-01\"\nterm = 24\ninterest_only = 23\naccelerate_on_breach = {accelerate}\n\n[covenants.bank]\nmin_cash = 1000\nfrom = \"2025-03\"\n")
    };
    assert_eq!(constant_end_cash(&loan(true), "2025-07"), 300.0);
    assert_eq!(constant_end_cash(&loan(false), "2025-07"), 800.0);
    // A line drawn 100 in months 2 and 3; the burn of 100 breaches in month
    // 3; in month 4 the withdrawn line's 200 is due, and nothing more is drawn.
    let line = |withdrawn: bool| {
        format!("[cash]\ninitial = 100\nfloor = -1e9\n\n[costs.team]\nmonthly = 100\n\n[debt.line]\nkind = \"revolver\"\nlimit = 1000\ndraw_below = 0\nwithdrawn_on_breach = {withdrawn}\n\n[covenants.bank]\nmax_monthly_burn = 50\nfrom = \"2025-03\"\n")
    };
    assert_eq!(constant_end_cash(&line(true), "2025-05"), -400.0);
    assert_eq!(constant_end_cash(&line(false), "2025-05"), 0.0);
}

#[test]
fn a_trailing_revenue_covenant_breaches_once_its_window_falls_short() {
    // Revenue 80 × 0.5^t: 40, 20, 10, 5; three months sum to 70 in month 3
    // and 35 in month 4, below the minimum of 50.
    let text = "[model]\nname = \"c\"\nstart = \"2025-01\"\nhorizon = \"2025-12\"\nunit = \"USD\"\n\n[cash]\ninitial = 1000\n\n[revenue.sales]\nmonthly = 80\ngrowth = -0.5\n\n[covenants.bank]\nmin_trailing_revenue = { amount = 50, months = 3 }\n";
    let t = run(&model(text), 1024, 1);
    let f = t.failure.unwrap();
    assert_eq!(f.breach_in_month[3], 1024, "{:?}", f.breach_in_month);
    assert_eq!(f.breach_in_month.iter().sum::<u64>(), 1024);
}

#[test]
fn sensitivity_and_explain_rank_the_draw_that_decides_whether_a_credit_line_is_there() {
    for command in ["sensitivity", "explain"] {
        let out = Command::cargo_bin("runway")
            .unwrap()
            .args([
                command,
                "configs/startup_debt.toml",
                "--paths",
                "20000",
                "-q",
            ])
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("\"debt.bank_line.available\""),
            "{command} does not list the line's draw"
        );
    }
}
