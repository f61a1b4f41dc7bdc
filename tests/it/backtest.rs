//! Backtests: scoring a forecast against observed outcomes.
//!
//! Statistical checks use fixed seeds and tolerances of 4.5 standard errors,
//! so they cannot flake, and a correct scorer passes them with near
//! certainty for any seed.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use runway::analysis::backtest::{
    parse_actuals, read_actuals, run_backtest, score, Actuals, InsolvencyOutcome, Observation,
    Quantity,
};
use runway::engine::{simulate, Progress, RunSpec};
use runway::model::{load_file, load_str, LoadOptions, Model, Month};
use runway::output::{render_backtest_csv, render_backtest_json, render_backtest_table};
use runway::stats::{brier_score, log_score, Tally, LOG_SCORE_CLAMP};
use runway::{Error, Setting};
use std::path::Path;

fn model(text: &str) -> Model {
    load_str(text, "test.toml", &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn spec(paths: u64, seed: u64, threads: usize) -> RunSpec {
    RunSpec {
        paths,
        seed,
        threads,
        fan: false,
        blocks: None,
    }
}

/// Ten years, every quantity continuous in every month: normal starting
/// cash, noisy revenue and users, noisy costs, a random monthly flow.
const LONG: &str = r#"
[model]
name = "ten years"
start = "2020-01"
horizon = "2029-12"
unit = "USD thousands"

[cash]
initial = { normal = { mean = 5000, sd = 800 } }

[revenue.subscriptions]
users = { uniform = { min = 800, max = 1200 } }
arpu = 0.25
growth = { uniform = { min = 0.01, max = 0.03 } }
churn = 0.015
noise = { normal = { mean = 0, sd = 0.04 } }

[costs.staff]
monthly = { uniform = { min = 150, max = 250 } }
growth = 0.004
noise = { normal = { mean = 0, sd = 0.05 } }
noise_mode = "transient"

[flows.other]
amount = { normal = { mean = 0, sd = 40 } }
each_month = true
"#;

/// A short model with a real chance of insolvency.
const SHORT: &str = r#"
[model]
name = "short"
start = "2024-01"
horizon = "2024-12"
unit = "USD"

[cash]
initial = { uniform = { min = 50, max = 200 } }

[revenue.sales]
monthly = { uniform = { min = 5, max = 15 } }

[costs.burn]
monthly = { uniform = { min = 15, max = 25 } }
"#;

fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

fn assert_within(observed: f64, expected: f64, se: f64, sigmas: f64, what: &str) {
    assert!(
        (observed - expected).abs() <= sigmas * se,
        "{what}: observed {observed}, expected {expected}, {sigmas} SE = {}",
        sigmas * se
    );
}

#[test]
fn observations_drawn_from_the_model_itself_are_covered_at_the_nominal_rates_and_look_uniform() {
    let m = model(LONG);
    // The "truth": a separate run with another seed; in every month, a value
    // at a random quantile of its cash, revenue, cost and users distribution
    // is a draw from the model's own marginal for that month.
    let truth = simulate(
        &m,
        &RunSpec {
            fan: true,
            ..spec(20_000, 99, 2)
        },
        &Progress::default(),
    )
    .unwrap();
    let fan = truth.fan.as_ref().unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let mut observations = Vec::new();
    for t in 0..m.months as usize {
        for q in Quantity::ALL {
            let u: f64 = rng.random();
            observations.push(Observation {
                month: m.month_label(t as u32 + 1),
                quantity: q,
                value: q.sketches(fan)[t].quantile(u).unwrap(),
                line: None,
            });
        }
    }
    let n = observations.len() as f64;
    assert_eq!(n, 480.0);
    let actual = Actuals {
        file: "drawn.csv".into(),
        observations,
        insolvency: InsolvencyOutcome::default(),
    };
    let b = run_backtest(&m, &actual, &spec(20_000, 2023, 2), &Progress::default()).unwrap();
    assert_eq!(b.coverage.band_90.observations, 480);
    for (band, nominal) in [(&b.coverage.band_50, 0.5), (&b.coverage.band_90, 0.9)] {
        let se = (nominal * (1.0 - nominal) / n).sqrt();
        assert_within(band.rate.unwrap(), nominal, se, 4.5, band.band);
    }
    let pit = &b.pit;
    assert_eq!(pit.observations, 480);
    assert_within(
        pit.mean.unwrap(),
        0.5,
        (1.0 / (12.0 * n)).sqrt(),
        4.5,
        "mean PIT",
    );
    let ks = pit.uniformity.as_ref().unwrap();
    assert!(
        !ks.rejects_uniformity,
        "KS D = {} above {}",
        ks.statistic, ks.critical_value
    );
}

#[test]
fn observations_far_outside_the_fan_are_at_the_extremes_and_outside_both_bands() {
    let m = model(LONG);
    let obs = |month_text: &str, quantity, value| Observation {
        month: month(month_text),
        quantity,
        value,
        line: None,
    };
    let actual = Actuals {
        file: "extreme.csv".into(),
        observations: vec![
            obs("2020-06", Quantity::Cash, 1e9),
            obs("2021-06", Quantity::Cash, -1e9),
            obs("2022-06", Quantity::Revenue, 1e9),
            obs("2023-06", Quantity::Revenue, 0.0),
            obs("2024-06", Quantity::Cost, 1e9),
            obs("2025-06", Quantity::Cost, 0.0),
            obs("2026-06", Quantity::Users, 1e9),
            obs("2027-06", Quantity::Users, 0.0),
        ],
        insolvency: InsolvencyOutcome::default(),
    };
    let b = run_backtest(&m, &actual, &spec(5_000, 1, 2), &Progress::default()).unwrap();
    assert_eq!(b.observations.len(), 8);
    for o in &b.observations {
        let pit = o.pit.unwrap();
        assert!(pit <= 0.01 || pit >= 0.99, "{o:?}");
        assert_eq!(o.in_50, Some(false), "{o:?}");
        assert_eq!(o.in_90, Some(false), "{o:?}");
    }
    assert_eq!(b.coverage.band_90.inside, 0);
    assert!(b.pit.uniformity.as_ref().unwrap().rejects_uniformity);
}

#[test]
fn a_forecast_of_twenty_percent_for_an_event_that_did_not_happen_scores_brier_0_04() {
    assert!((brier_score(0.2, false) - 0.04).abs() < 1e-15);
    assert!((brier_score(0.2, true) - 0.64).abs() < 1e-15);
    assert!((log_score(0.2, false) - -(0.8f64.ln())).abs() < 1e-15);
    // A certain forecast that is wrong stays finite: clamped at 1e-6.
    assert_eq!(log_score(0.0, true), -LOG_SCORE_CLAMP.ln());
    assert_eq!(log_score(1.0, false), -LOG_SCORE_CLAMP.ln());
    assert!(log_score(1.0, true) < 1e-5);
}

#[test]
fn insolvency_is_scored_by_the_horizon_and_for_each_month_with_a_known_outcome() {
    let m = model(SHORT);
    let text = "month,cash,insolvent\n2024-03,120,0\n2024-06,,0\n";
    let actual = parse_actuals(text, "a.csv", &m).unwrap();
    let b = run_backtest(&m, &actual, &spec(20_000, 5, 2), &Progress::default()).unwrap();
    let ins = &b.insolvency;
    // Known solvent through June, unknown after.
    assert_eq!(ins.by_month.len(), 6);
    assert!(ins.by_month.iter().all(|s| s.observed == Some(false)));
    assert_eq!(ins.by_horizon.observed, None);
    assert_eq!(ins.by_horizon.brier, None);
    let june = &ins.by_month[5];
    assert!((june.brier.unwrap() - june.probability.powi(2)).abs() < 1e-15);
    // The scores by the horizon use P(insolvent by the horizon).
    let text = "month,insolvent\n2024-09,2024-09\n";
    let actual = parse_actuals(text, "a.csv", &m).unwrap();
    assert_eq!(actual.insolvency.known_by(month("2024-08")), Some(false));
    assert_eq!(actual.insolvency.known_by(month("2024-09")), Some(true));
    let b = run_backtest(&m, &actual, &spec(20_000, 5, 2), &Progress::default()).unwrap();
    let h = &b.insolvency.by_horizon;
    assert_eq!(h.observed, Some(true));
    assert_eq!(h.probability, h.count as f64 / 20_000.0);
    assert!((h.brier.unwrap() - (1.0 - h.probability).powi(2)).abs() < 1e-15);
    assert_eq!(b.insolvency.by_month.len(), 12);
    // No observations of values: no PITs, and still no NaN anywhere.
    let json = render_backtest_json(&b);
    assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
    assert!(b.coverage.band_50.rate.is_none());
}

#[test]
fn empty_cells_are_skipped_and_rows_are_sorted_by_month() {
    let m = model(LONG);
    let text = "# actuals\n\nMonth, cash ,revenue,users\n2020-03,4800,,1020\n\n# January\n2020-01,5100,260,\n2020-02,,,\n,,,\n";
    let a = parse_actuals(text, "a.csv", &m).unwrap();
    let got: Vec<(String, Quantity, f64, Option<u64>)> = a
        .observations
        .iter()
        .map(|o| (o.month.to_string(), o.quantity, o.value, o.line))
        .collect();
    assert_eq!(
        got,
        vec![
            ("2020-01".into(), Quantity::Cash, 5100.0, Some(7)),
            ("2020-01".into(), Quantity::Revenue, 260.0, Some(7)),
            ("2020-03".into(), Quantity::Cash, 4800.0, Some(4)),
            ("2020-03".into(), Quantity::Users, 1020.0, Some(4)),
        ]
    );
    assert!(a.insolvency.is_empty());
    // Line numbers count blank and comment lines, with either line ending.
    let text = "\n# note\nmonth,cash\n\n2024-01,1\n   \n# more\n2024-02,x\n";
    let (path, _) = bad(text);
    assert_eq!(path, "line 8, column cash");
    let (path, _) = bad(&text.replace('\n', "\r\n"));
    assert_eq!(path, "line 8, column cash");
    let (path, _) = bad("month,cash\r\n\r\n# x\r\n2024-01,\"1\r\n2\"\r\n2024-02,y\r\n");
    assert_eq!(path, "line 4, column cash");
}

/// Parses `text` against the short model and returns the error's (path, message).
fn bad(text: &str) -> (String, String) {
    let m = model(SHORT);
    match parse_actuals(text, "actual.csv", &m) {
        Ok(a) => panic!("accepted {text:?}: {a:?}"),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            let Error::Field { file, path, .. } = &e else {
                panic!("not a field error: {e:?}")
            };
            assert_eq!(file, "actual.csv");
            (path.clone(), e.to_string())
        }
    }
}

#[test]
fn bad_actuals_give_exit_code_2_errors_naming_the_file_the_line_and_the_problem() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "",
            "line 1",
            &["empty", "month, cash, revenue, cost, users, insolvent"],
        ),
        ("# only a comment\n", "line 1", &["empty"]),
        (
            "month,cash,revnue\n2024-01,1,2\n",
            "line 1, column revnue",
            &[
                "unknown column",
                "month, cash, revenue, cost, users, insolvent",
            ],
        ),
        ("cash,revenue\n100,20\n", "line 1", &["no `month` column"]),
        (
            "month,cash,cash\n2024-01,1,2\n",
            "line 1, column cash",
            &["twice"],
        ),
        ("month,cash\n", "line 1", &["no rows"]),
        (
            "month,cash\n2024-01,100\n2023-12,90\n",
            "line 3, column month",
            &["outside the model's months 2024-01 to 2024-12"],
        ),
        (
            "month,cash\n2024-01,100\n2025-01,90\n",
            "line 3, column month",
            &["2024-01 to 2024-12"],
        ),
        (
            "month,cash\n2024-1,100\n",
            "line 2, column month",
            &["YYYY-MM"],
        ),
        (
            "month,cash\n2024-01,100\n2024-02,\n2024-03,abc\n",
            "line 4, column cash",
            &["\"abc\"", "not a number"],
        ),
        (
            "month,cash\n2024-01,\"1,000\"\n",
            "line 2, column cash",
            &["not a number"],
        ),
        (
            "month,revenue\n2024-01,NaN\n",
            "line 2, column revenue",
            &["not a finite number"],
        ),
        (
            "month,cost\n2024-01,inf\n",
            "line 2, column cost",
            &["not a finite number"],
        ),
        (
            "month,cost\n2024-01,-infinity\n",
            "line 2, column cost",
            &["not a finite number"],
        ),
        (
            "month,cost\n2024-01,-5\n",
            "line 2, column cost",
            &["cannot be negative"],
        ),
        (
            "month,cash\n2024-01,100\n2024-02,90\n2024-01,80\n",
            "line 4, column month",
            &["2024-01 already appears on line 2"],
        ),
        (
            "month,cash\n,100\n",
            "line 2, column month",
            &["needs a month"],
        ),
        (
            "month,cash\n2024-01,100,7\n",
            "line 2",
            &["3 cells", "2 columns"],
        ),
        (
            "month,users\n2024-01,100\n",
            "line 1, column users",
            &["no users × arpu revenue line"],
        ),
        (
            "month,insolvent\n2024-01,2\n",
            "line 2, column insolvent",
            &["write 0"],
        ),
        (
            "month,insolvent\n2024-01,2026-01\n",
            "line 2, column insolvent",
            &["outside the model's months"],
        ),
        (
            "month,insolvent\n2024-03,1\n2024-05,0\n",
            "line 3, column insolvent",
            &["line 2 says it was insolvent (1) by 2024-03"],
        ),
        (
            "month,insolvent\n2024-03,2024-06\n2024-04,1\n",
            "line 3, column insolvent",
            &["line 2 says it became insolvent in 2024-06"],
        ),
        (
            "month,insolvent\n2024-03,2024-06\n2024-04,2024-07\n",
            "line 3, column insolvent",
            &["another month of insolvency, 2024-06"],
        ),
        ("month,cash\n2024-01,\n", "line 1", &["nothing to score"]),
    ];
    for (text, path, needles) in cases {
        let (got_path, message) = bad(text);
        assert_eq!(&got_path, path, "{text:?}: {message}");
        assert!(message.starts_with("actual.csv: "), "{message}");
        for needle in *needles {
            assert!(
                message.contains(needle),
                "{text:?}: {message} lacks {needle:?}"
            );
        }
    }
}

#[test]
fn a_missing_actuals_file_is_an_exit_code_2_error_naming_it() {
    let m = model(SHORT);
    let e = read_actuals(Path::new("no/such/actual.csv"), &m).unwrap_err();
    assert!(matches!(e, Error::Input { .. }), "{e:?}");
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().contains("no/such/actual.csv"), "{e}");
}

#[test]
fn the_backtest_is_identical_for_one_and_two_threads() {
    let m = model(LONG);
    let text = "month,cash,revenue,cost,users\n2020-06,5200,300,210,1100\n2022-01,4000,,,\n2025-12,,900,260,3000\n2029-12,-1500,2500,300,7000\n";
    let actual = parse_actuals(text, "a.csv", &m).unwrap();
    let one = run_backtest(&m, &actual, &spec(10_000, 11, 1), &Progress::default()).unwrap();
    let two = run_backtest(&m, &actual, &spec(10_000, 11, 2), &Progress::default()).unwrap();
    assert_eq!(one, two);
    assert_eq!(render_backtest_json(&one), render_backtest_json(&two));
    assert_eq!(render_backtest_csv(&one), render_backtest_csv(&two));
    assert_eq!(
        render_backtest_table(&one, 80),
        render_backtest_table(&two, 80)
    );
}

#[test]
fn the_csv_has_one_row_per_observation_with_the_documented_columns() {
    let m = model(SHORT);
    let actual = parse_actuals(
        "month,cash,revenue\n2024-02,130,9\n2024-04,,12\n",
        "a.csv",
        &m,
    )
    .unwrap();
    let b = run_backtest(&m, &actual, &spec(4_000, 3, 2), &Progress::default()).unwrap();
    let csv = render_backtest_csv(&b);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "month,quantity,observed,pit,p5,p25,p50,p75,p95,in_50,in_90"
    );
    assert_eq!(lines.len(), 4);
    assert!(lines[1].starts_with("2024-02,cash,130,"), "{}", lines[1]);
    assert!(lines[3].starts_with("2024-04,revenue,12,"), "{}", lines[3]);
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 11);
        assert!(cells[3..9]
            .iter()
            .all(|c| c.parse::<f64>().is_ok_and(f64::is_finite)));
        assert!(["0", "1"].contains(&cells[9]) && ["0", "1"].contains(&cells[10]));
    }
}

#[test]
fn score_refuses_a_tally_without_per_month_sketches() {
    let m = model(SHORT);
    let tally = simulate(&m, &spec(1_000, 1, 1), &Progress::default()).unwrap();
    let actual = parse_actuals("month,cash\n2024-02,130\n", "a.csv", &m).unwrap();
    let e = score(&m, &tally, &actual, 1).unwrap_err();
    assert!(matches!(e, Error::Internal(_)), "{e:?}");
}

#[test]
fn score_refuses_a_tally_of_no_paths_as_a_paths_setting() {
    let m = model(SHORT);
    let empty = Tally::new(1, m.months as usize, m.inflows.len(), m.shocks.len(), true);
    let actual = parse_actuals("month,cash\n2024-02,130\n", "a.csv", &m).unwrap();
    let e = score(&m, &empty, &actual, 1).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Setting {
                setting: Setting::Paths,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.exit_code(), 2);
}

#[test]
fn the_worked_example_in_configs_runs_and_prints_every_section() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let m = load_file(
        &root.join("configs/backtest_example.toml"),
        &LoadOptions::default(),
    )
    .unwrap();
    let actual = read_actuals(&root.join("configs/backtest_example_actual.csv"), &m).unwrap();
    let b = run_backtest(&m, &actual, &spec(20_000, 2023, 2), &Progress::default()).unwrap();
    let table = render_backtest_table(&b, 80);
    for needle in [
        "Coverage",
        "PIT",
        "Kolmogorov",
        "Insolvency forecast",
        "Brier",
    ] {
        assert!(table.contains(needle), "{table}");
    }
    let json = render_backtest_json(&b);
    assert!(!json.contains("NaN"));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    for key in [
        "observations",
        "coverage",
        "by_quantity",
        "pit",
        "insolvency",
        "method",
        "notes",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
}
