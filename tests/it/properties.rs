//! Properties that hold for every valid model: generated models, small runs.

use proptest::prelude::*;
use runway::analysis::summary::{RunInfo, Summary};
use runway::engine::{simulate, Progress, RunSpec};
use runway::model::{load_str, LoadOptions};

/// A valid model with random (but legal) parameters and optional sections.
fn model_text() -> impl Strategy<Value = String> {
    (
        (-50.0f64..500.0, 1.0f64..200.0),
        (0.0f64..50.0, -0.05f64..0.1, 0.0f64..0.9),
        (0.0f64..80.0, 0.0f64..0.2, 0.0f64..0.3),
        (0.0f64..1.0, 1u32..24, 0.0f64..500.0),
        (0.0f64..0.2, 0.0f64..100.0, any::<bool>()),
        (1u32..36, -20.0f64..20.0, 0.0f64..0.3),
    )
        .prop_map(
            |(
                (cash, cash_sd),
                (cost, growth, gain),
                (rev, rgrowth, churn),
                (p, month, amount),
                (hazard, shock, repeat),
                (months, floor, noise),
            )| {
                let end = 2024 * 12 + months as i32 - 1;
                let horizon = format!("{:04}-{:02}", end / 12, end % 12 + 1);
                let month = month.min(months);
                format!(
                    r#"
[model]
name = "generated"
start = "2024-01"
horizon = "{horizon}"
unit = "USD"

[cash]
initial = {{ normal = {{ mean = {cash}, sd = {cash_sd} }} }}
floor = {floor}

[costs.ops]
monthly = {{ lognormal = {{ median = {cost_median}, log_sd = 0.3 }} }}
growth = {growth}
efficiency_gain = {{ pert = {{ min = 0, mode = {gain_mode}, max = {gain} }} }}
noise = {{ normal = {{ mean = 0, sd = {noise_sd} }} }}

[revenue.sales]
monthly = {{ uniform = {{ min = 0, max = {rev} }} }}
growth = {{ normal = {{ mean = {rgrowth}, sd = 0.02 }} }}
churn = {{ uniform = {{ min = 0, max = {churn} }} }}

[funding.round]
probability = {p}
month = {{ discrete_uniform = {{ min = 1, max = {month} }} }}
amount = {{ gamma = {{ shape = 2, scale = {amount_scale} }} }}

[shocks.hit]
hazard = {hazard}
repeat = {repeat}
cost = {shock}
"#,
                    cost_median = cost.max(0.01),
                    gain_mode = gain / 2.0,
                    gain = gain.max(1e-6),
                    noise_sd = noise.max(1e-6),
                    amount_scale = amount.max(1e-3) / 2.0,
                )
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_report_is_consistent_and_thread_independent(text in model_text(), seed in 0u64..1000) {
        let model = load_str(&text, "generated.toml", &LoadOptions::default()).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let spec = RunSpec { paths: 3000, seed, threads: 1, fan: true, blocks: None };
        let one = simulate(&model, &spec, &Progress::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let two = simulate(&model, &RunSpec { threads: 2, ..spec.clone() }, &Progress::default()).unwrap();
        prop_assert_eq!(&one, &two);
        let info = RunInfo { threads: 1, elapsed_seconds: 1.0, paths_per_second: 1.0, shards: None };
        let s = Summary::new(&model, &one, info);
        prop_assert!(s.insolvency.count <= s.paths);
        prop_assert!((0.0..=1.0).contains(&s.insolvency.probability));
        prop_assert!(s.insolvency.ci95[0] <= s.insolvency.probability && s.insolvency.probability <= s.insolvency.ci95[1]);
        let mut last = 0.0;
        for row in &s.insolvency.by_month {
            prop_assert!((0.0..=1.0).contains(&row.cumulative_probability));
            prop_assert!(row.cumulative_probability >= last, "cumulative curve decreased");
            last = row.cumulative_probability;
            for p in [&row.cash, &row.revenue, &row.cost].into_iter().flatten() {
                let v = [p.p5, p.p25, p.p50, p.p75, p.p95].map(|x| x.unwrap());
                prop_assert!(v.windows(2).all(|w| w[0] <= w[1]), "percentiles out of order: {:?}", v);
                prop_assert!(v.iter().all(|x| x.is_finite()));
            }
        }
        for m in [&s.end_cash, &s.lowest_cash] {
            let p = &m.percentiles;
            let v = [p.p5, p.p25, p.p50, p.p75, p.p95].map(|x| x.unwrap());
            prop_assert!(v.windows(2).all(|w| w[0] <= w[1]));
            prop_assert!(m.min.unwrap() <= v[0] && v[4] <= m.max.unwrap());
        }
        // Lowest cash is at most end cash on every path, so in every quantile.
        prop_assert!(s.lowest_cash.percentiles.p50.unwrap() <= s.end_cash.percentiles.p50.unwrap());
        let json: serde_json::Value = serde_json::from_str(&runway::output::render_json(&s)).unwrap();
        prop_assert!(json["insolvency"]["probability"].is_f64());
        prop_assert!(json["end_cash"]["p50"].is_f64(), "a report number is missing or not finite");
    }
}
