//! The engine against closed forms, and its reproducibility guarantees.
//!
//! Statistical checks use fixed seeds and a tolerance of 4 standard errors of
//! a proportion, sqrt(p(1-p)/n): with fixed seeds they cannot flake, and a
//! correct engine passes them with near certainty for any seed.

use runway::engine::{
    simulate, simulate_plans, BlockView, Observer, Plan, Progress, RunSpec, BLOCK_SIZE,
};
use runway::model::{load_str, LoadOptions, Model};
use runway::stats::Tally;
use statrs::distribution::{ContinuousCDF, Normal};

fn model(text: &str) -> Model {
    load_str(text, "test.toml", &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn run(model: &Model, paths: u64, seed: u64, threads: usize) -> Tally {
    let spec = RunSpec {
        paths,
        seed,
        threads,
        fan: false,
        blocks: None,
    };
    simulate(model, &spec, &Progress::default()).unwrap()
}

/// Gathers every per-path input of the blocks it sees, by slot.
struct Inputs(Vec<Vec<f64>>);

impl Observer for Inputs {
    fn observe(&mut self, blocks: &[BlockView<'_>]) -> runway::Result<()> {
        for (column, values) in self.0.iter_mut().zip(blocks[0].inputs()) {
            column.extend_from_slice(values);
        }
        Ok(())
    }
}

/// Every per-path input of the (whole) blocks `blocks` of `m`, by field
/// path, in path order.
pub fn block_inputs(m: &Model, blocks: std::ops::Range<u64>, seed: u64) -> Vec<(String, Vec<f64>)> {
    let plan = Plan::new(m);
    let spec = RunSpec {
        paths: blocks.end * BLOCK_SIZE as u64,
        seed,
        threads: 1,
        fan: false,
        blocks: Some(blocks),
    };
    let slots = plan.input_paths().len();
    let run = simulate_plans(&[&plan], &spec, &Progress::default(), || {
        Inputs(vec![Vec::new(); slots])
    })
    .unwrap();
    // One thread: one observer, which saw every block in order.
    let Inputs(columns) = run.observers.into_iter().next().unwrap();
    plan.input_paths().iter().cloned().zip(columns).collect()
}

fn cumulative(tally: &Tally) -> Vec<f64> {
    let mut k = 0;
    tally
        .insolvent_in_month
        .iter()
        .map(|c| {
            k += c;
            k as f64 / tally.paths as f64
        })
        .collect()
}

fn assert_within_4_se(observed: f64, expected: f64, n: u64, what: &str) {
    let se = (expected * (1.0 - expected) / n as f64).sqrt().max(1e-12);
    assert!(
        (observed - expected).abs() <= 4.0 * se + 1e-12,
        "{what}: observed {observed}, expected {expected}, 4 SE = {}",
        4.0 * se
    );
}

const HEADER: &str = r#"
[model]
name = "closed form"
start = "2024-01"
horizon = "2024-12"
unit = "USD"
"#;

#[test]
fn normal_initial_cash_with_constant_burn_matches_the_normal_cdf_every_month() {
    // P(insolvent by T) = P(cash0 - T c < 0) = Φ((T c - m) / s).
    let (m, s, c) = (100.0, 30.0, 8.0);
    let text = format!("{HEADER}\n[cash]\ninitial = {{ normal = {{ mean = {m}, sd = {s} }} }}\n[costs.burn]\nmonthly = {c}\n");
    let n = 200_000;
    let tally = run(&model(&text), n, 11, 2);
    let phi = Normal::new(0.0, 1.0).unwrap();
    for (i, p) in cumulative(&tally).iter().enumerate() {
        let t = (i + 1) as f64;
        assert_within_4_se(*p, phi.cdf((t * c - m) / s), n, &format!("month {}", i + 1));
    }
}

#[test]
fn uniform_initial_cash_gives_a_probability_linear_in_months_of_burn() {
    // cash0 ~ U(a, b): P(insolvent by T) = clamp((T c - a) / (b - a), 0, 1).
    let (a, b, c) = (20.0, 110.0, 7.5);
    let text = format!("{HEADER}\n[cash]\ninitial = {{ uniform = {{ min = {a}, max = {b} }} }}\n[costs.burn]\nmonthly = {c}\n");
    let n = 200_000;
    let tally = run(&model(&text), n, 12, 2);
    for (i, p) in cumulative(&tally).iter().enumerate() {
        let t = (i + 1) as f64;
        let expected = ((t * c - a) / (b - a)).clamp(0.0, 1.0);
        assert_within_4_se(*p, expected, n, &format!("month {}", i + 1));
    }
}

#[test]
fn a_rescue_with_probability_p_scales_the_insolvency_probability_by_one_minus_p() {
    // A certain-to-save injection in the first month with probability p.
    let (m, s, c, p) = (60.0, 25.0, 6.0, 0.35);
    let base = format!("{HEADER}\n[cash]\ninitial = {{ normal = {{ mean = {m}, sd = {s} }} }}\n[costs.burn]\nmonthly = {c}\n");
    let rescued = format!(
        "{base}\n[funding.rescue]\nprobability = {p}\nmonth = \"2024-01\"\namount = 1000000\n"
    );
    let n = 200_000;
    let tally = run(&model(&rescued), n, 13, 2);
    let phi = Normal::new(0.0, 1.0).unwrap();
    let expected = (1.0 - p) * phi.cdf((12.0 * c - m) / s);
    assert_within_4_se(
        cumulative(&tally)[11],
        expected,
        n,
        "P(insolvent by 2024-12)",
    );
    assert_within_4_se(
        tally.inflow_arrived[0] as f64 / n as f64,
        p,
        n,
        "P(rescue arrives)",
    );
}

fn single_path_end_cash(text: &str) -> f64 {
    let tally = run(&model(text), 3, 1, 1);
    let (lo, hi) = (tally.end_cash.min().unwrap(), tally.end_cash.max().unwrap());
    assert_eq!(lo, hi, "a model without uncertainty gives one end cash");
    lo
}

#[test]
fn growth_efficiency_and_revenue_compound_exactly_as_documented() {
    let text = format!(
        "{HEADER}\n[cash]\ninitial = 100\n[costs.compute]\nmonthly = 10\ngrowth = 0.02\nefficiency_gain = 0.2\n\
         [revenue.sales]\nmonthly = 5\ngrowth = 0.03\nchurn = 0.01\n"
    );
    let mut cash = 100.0_f64;
    let (mut cost, mut revenue) = (10.0_f64, 5.0_f64);
    for _ in 0..12 {
        cost *= 1.02 * 0.8_f64.powf(1.0 / 12.0);
        revenue *= 1.0 + 0.03 - 0.01;
        cash += revenue - cost;
    }
    let got = single_path_end_cash(&text);
    assert!((got - cash).abs() <= 1e-9 * cash.abs(), "{got} vs {cash}");
}

#[test]
fn a_decaying_growth_rate_halves_every_half_life_from_the_lines_first_month() {
    // Revenue launches in month 4 (2024-04); both lines' growth rates halve
    // every 3 months (revenue) and 2 months (cost), counted from their own
    // first month; the revenue line's churn does not decay.
    let text = format!(
        "{HEADER}\n[cash]\ninitial = 100\n[costs.compute]\nmonthly = 10\ngrowth = 0.2\ngrowth_half_life = 2\n\
         efficiency_gain = 0.2\n[revenue.sales]\nmonthly = 5\ngrowth = 0.3\ngrowth_half_life = 3\nchurn = 0.02\n\
         from = \"2024-04\"\n"
    );
    let mut cash = 100.0_f64;
    let (mut cost, mut revenue) = (10.0_f64, 5.0_f64);
    for t in 1..=12 {
        let cost_growth = 0.2 * 0.5_f64.powf((t - 1) as f64 / 2.0);
        cost *= (1.0 + cost_growth) * 0.8_f64.powf(1.0 / 12.0);
        if t >= 4 {
            let revenue_growth = 0.3 * 0.5_f64.powf((t - 4) as f64 / 3.0);
            revenue *= 1.0 + revenue_growth - 0.02;
            cash += revenue;
        }
        cash -= cost;
    }
    let got = single_path_end_cash(&text);
    assert!((got - cash).abs() <= 1e-9 * cash.abs(), "{got} vs {cash}");
}

#[test]
fn a_half_life_of_zero_grows_in_the_first_month_only() {
    let text = format!(
        "{HEADER}\n[cash]\ninitial = 0\n[revenue.sales]\nmonthly = 10\ngrowth = 0.5\ngrowth_half_life = 0\n"
    );
    // 15 a month from month 1 on: 12 × 15.
    let got = single_path_end_cash(&text);
    assert!((got - 180.0).abs() <= 1e-9, "{got}");
}

#[test]
fn users_times_arpu_drive_revenue_and_a_following_cost_line_scales_with_users() {
    let text = format!(
        "{HEADER}\n[cash]\ninitial = 0\n[revenue.subs]\nusers = 100\narpu = 2\ngrowth = 0.1\nchurn = 0.05\n\
         [costs.serving]\nmonthly = 50\nfollows = \"subs\"\n"
    );
    // Revenue 200·1.05^t, cost 50·1.05^t: cash grows by 150·1.05^t a month.
    let expected: f64 = (1..=12).map(|t| 150.0 * 1.05_f64.powi(t)).sum();
    let got = single_path_end_cash(&text);
    assert!(
        (got - expected).abs() <= expected * 2e-3,
        "{got} vs {expected}"
    );
}

#[test]
fn compute_credits_pay_only_their_cost_line_and_run_out() {
    let text = format!(
        "{HEADER}\n[cash]\ninitial = 100\n[cash.tranches.credits]\nmonth = \"2024-01\"\namount = 50\ncredit_for = \"compute\"\n\
         [costs.compute]\nmonthly = 10\n[costs.staff]\nmonthly = 1\n"
    );
    // 120 of compute, 50 of it from credits; 12 of staff: 100 - 70 - 12 = 18.
    assert!((single_path_end_cash(&text) - 18.0).abs() < 1e-9);
}

#[test]
fn a_runway_trigger_brings_money_after_its_delay() {
    let text = format!(
        "{HEADER}\n[cash]\ninitial = 100\n[costs.burn]\nmonthly = 10\n\
         [funding.bridge]\ntrigger = {{ runway_below = 3 }}\ndelay = 1\namount = 1000\n"
    );
    // Cash 20 after month 8 (< 3 months of 10) fires; arrives in month 8 + 1 + 1 = 10.
    let m = model(&text);
    let tally = run(&m, 2, 1, 1);
    assert_eq!(tally.insolvent(), 0);
    assert_eq!(tally.inflow_arrived, vec![2]);
    assert!((tally.end_cash.min().unwrap() - (100.0 - 120.0 + 1000.0)).abs() < 1e-9);
    assert!(
        (tally.lowest_cash.min().unwrap() - 10.0).abs() < 1e-9,
        "lowest is after month 9"
    );
}

#[test]
fn a_certain_shock_costs_once_unless_it_repeats() {
    let once = format!("{HEADER}\n[cash]\ninitial = 100\n[shocks.fine]\nhazard = 1\ncost = 30\n");
    assert!((single_path_end_cash(&once) - 70.0).abs() < 1e-9);
    let repeat = format!(
        "{HEADER}\n[cash]\ninitial = 1000\n[shocks.fine]\nhazard = 1\nrepeat = true\ncost = 30\n"
    );
    assert!((single_path_end_cash(&repeat) - (1000.0 - 360.0)).abs() < 1e-9);
}

#[test]
fn a_shock_that_delays_funding_can_make_the_company_insolvent() {
    let text = format!(
        "{HEADER}\n[cash]\ninitial = 25\n[costs.burn]\nmonthly = 10\n\
         [funding.round]\nmonth = \"2024-03\"\namount = 1000\n\
         [shocks.crisis]\nhazard = 1\nfunding_delay = 2\n"
    );
    // Without the delay the round lands in March (cash 25 - 30 + 1000).
    // With it, cash is -5 at the end of March: insolvent in month 3.
    let tally = run(&model(&text), 4, 1, 1);
    assert_eq!(tally.insolvent_in_month[2], 4);
}

#[test]
fn results_are_bit_identical_for_one_two_and_three_threads() {
    let m = runway::model::load_str(
        runway::model::BUILTIN_MODEL_TEXT,
        "builtin",
        &LoadOptions::default(),
    )
    .unwrap();
    let paths = 10 * BLOCK_SIZE as u64 + 123;
    let one = run(&m, paths, 99, 1);
    assert_eq!(one, run(&m, paths, 99, 2));
    assert_eq!(one, run(&m, paths, 99, 3));
    assert_eq!(one.paths, paths);
}

#[test]
fn shards_of_blocks_merge_to_exactly_the_whole_run() {
    let m = runway::model::load_str(
        runway::model::BUILTIN_MODEL_TEXT,
        "builtin",
        &LoadOptions::default(),
    )
    .unwrap();
    let paths = 7 * BLOCK_SIZE as u64 + 5;
    let whole = run(&m, paths, 5, 2);
    let mut merged: Option<Tally> = None;
    for range in [4..8, 0..1, 1..4] {
        let spec = RunSpec {
            paths,
            seed: 5,
            threads: 2,
            fan: false,
            blocks: Some(range),
        };
        let part = simulate(&m, &spec, &Progress::default()).unwrap();
        match &mut merged {
            Some(t) => t.merge(&part),
            None => merged = Some(part),
        }
    }
    assert_eq!(merged.unwrap(), whole);
}

#[test]
fn a_different_seed_gives_a_different_result() {
    let m = runway::model::load_str(
        runway::model::BUILTIN_MODEL_TEXT,
        "builtin",
        &LoadOptions::default(),
    )
    .unwrap();
    assert_ne!(run(&m, 5000, 1, 2), run(&m, 5000, 2, 2));
}

#[test]
fn changing_one_input_leaves_the_random_numbers_of_the_others_unchanged() {
    let a = format!(
        "{HEADER}\n[cash]\ninitial = {{ uniform = {{ min = 0, max = 100 }} }}\n\
         [costs.c]\nmonthly = {{ uniform = {{ min = 1, max = 2 }} }}\n[revenue.r]\nmonthly = {{ gamma = {{ shape = 2, scale = 1 }} }}\n"
    );
    let b = a.replace(
        "monthly = { uniform = { min = 1, max = 2 } }",
        "monthly = { pert = { min = 1, mode = 3, max = 9 } }",
    );
    let inputs = |text: &str| block_inputs(&model(text), 3..4, 77);
    let (ia, ib) = (inputs(&a), inputs(&b));
    let slot =
        |v: &[(String, Vec<f64>)], name: &str| v.iter().find(|(p, _)| p == name).unwrap().1.clone();
    assert_eq!(slot(&ia, "cash.initial"), slot(&ib, "cash.initial"));
    assert_eq!(
        slot(&ia, "revenue.r.monthly"),
        slot(&ib, "revenue.r.monthly")
    );
    assert_ne!(slot(&ia, "costs.c.monthly"), slot(&ib, "costs.c.monthly"));
}

/// Records the blocks it sees and how many of their paths count.
struct Blocks(Vec<(u64, usize)>);

impl Observer for Blocks {
    fn observe(&mut self, blocks: &[BlockView<'_>]) -> runway::Result<()> {
        self.0.push((blocks[0].block(), blocks[0].paths()));
        Ok(())
    }
}

#[test]
fn every_block_reaches_one_observer_in_increasing_order_and_shows_only_the_paths_that_count() {
    let m = model(&format!(
        "{HEADER}\n[cash]\ninitial = {{ uniform = {{ min = 0, max = 100 }} }}\n[costs.c]\nmonthly = 5\n"
    ));
    let plan = Plan::new(&m);
    let paths = 10 * BLOCK_SIZE as u64 + 7;
    let spec = RunSpec {
        paths,
        seed: 5,
        threads: 3,
        fan: false,
        blocks: None,
    };
    let run = simulate_plans(&[&plan], &spec, &Progress::default(), || Blocks(Vec::new())).unwrap();
    let mut seen: Vec<(u64, usize)> = Vec::new();
    for Blocks(blocks) in &run.observers {
        assert!(blocks.windows(2).all(|w| w[0].0 < w[1].0), "{blocks:?}");
        seen.extend(blocks);
    }
    seen.sort();
    let expected: Vec<(u64, usize)> = (0..11)
        .map(|b| (b, if b < 10 { BLOCK_SIZE } else { 7 }))
        .collect();
    assert_eq!(seen, expected);
    let plain = simulate(&m, &spec, &Progress::default()).unwrap();
    assert_eq!(run.into_tally(), plain);
}

#[test]
fn a_run_on_no_threads_is_refused_as_a_threads_setting() {
    let m = model(&format!(
        "{HEADER}\n[cash]\ninitial = 100\n[costs.c]\nmonthly = 5\n"
    ));
    let spec = RunSpec {
        paths: 10,
        seed: 1,
        threads: 0,
        fan: false,
        blocks: None,
    };
    match simulate(&m, &spec, &Progress::default()) {
        Err(runway::Error::Setting { setting, .. }) => {
            assert_eq!(setting, runway::Setting::Threads)
        }
        other => panic!("expected a threads setting error, got {other:?}"),
    }
}

#[test]
fn the_run_time_estimate_is_positive_and_gives_way_to_a_stop() {
    let m = model(&format!(
        "{HEADER}\n[cash]\ninitial = {{ uniform = {{ min = 0, max = 100 }} }}\n[costs.c]\nmonthly = 5\n"
    ));
    let plan = Plan::new(&m);
    let spec = RunSpec {
        paths: 1_000_000,
        seed: 1,
        threads: 2,
        fan: false,
        blocks: None,
    };
    let seconds = runway::engine::estimate_seconds(&plan, &spec, || false).unwrap();
    assert!(seconds > 0.0 && seconds.is_finite(), "{seconds}");
    assert_eq!(
        runway::engine::estimate_seconds(&plan, &spec, || true),
        None
    );
}
