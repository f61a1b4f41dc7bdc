//! Inputs given by quantiles: the metalog (its fit through the quantiles,
//! its draws against its own CDF, its moments against closed forms, the
//! monotonicity rule) and the `quantiles` fit of the other families; a
//! model using them runs the same on any thread count and shard split.

use crate::golden::without_timing;
use assert_cmd::Command;
use runway::dist::Dist;
use runway::sampling::rng::{stream, stream_key};
use std::f64::consts::PI;

/// KS critical value at alpha = 0.001, times √n.
const KS_C_ALPHA_0_001: f64 = 1.9495;

fn metalog(q: &[(f64, f64)], min: Option<f64>, max: Option<f64>, terms: Option<usize>) -> Dist {
    Dist::metalog(q, min, max, terms).unwrap_or_else(|e| panic!("{q:?}: {e}"))
}

/// Quantiles ((probability, value) pairs) with a metalog's `min` and `max`.
type Case = (Vec<(f64, f64)>, Option<f64>, Option<f64>);

/// Quantile sets of every shape the tests use, each a feasible metalog
/// under every bound given with it.
fn cases() -> Vec<Case> {
    let three = vec![(0.1, 5.0), (0.5, 10.0), (0.9, 30.0)];
    let five = vec![
        (0.05, 80.0),
        (0.25, 95.0),
        (0.5, 105.0),
        (0.75, 118.0),
        (0.95, 140.0),
    ];
    let ten: Vec<(f64, f64)> = (1..=10)
        .map(|i| {
            let p = (i as f64 - 0.5) / 10.0;
            // A lognormal's quantiles, to 4 digits: a smooth, skewed shape.
            let z = runway_normal_quantile(p);
            (p, ((2.0 + 0.4 * z).exp() * 1e4).round() / 1e4)
        })
        .collect();
    vec![
        (three.clone(), None, None),
        (three.clone(), Some(0.0), None),
        (three.clone(), None, Some(80.0)),
        (three, Some(0.0), Some(100.0)),
        (five.clone(), None, None),
        (five, Some(50.0), Some(200.0)),
        (ten.clone(), None, None),
        (ten, Some(0.0), None),
        (vec![(0.25, -3.0), (0.75, 4.0)], None, None),
    ]
}

fn runway_normal_quantile(p: f64) -> f64 {
    Dist::normal(0.0, 1.0).unwrap().quantile(p)
}

#[test]
fn a_metalog_passes_through_its_quantiles_to_1e_12_when_terms_equal_quantiles() {
    for (q, min, max) in cases() {
        let dist = metalog(&q, min, max, None);
        for &(p, x) in &q {
            let got = dist.quantile(p);
            assert!(
                (got - x).abs() <= 1e-12 * x.abs().max(1.0),
                "{}: Q({p}) = {got}, given {x}",
                dist.label()
            );
        }
    }
}

#[test]
fn a_metalog_with_fewer_terms_is_the_least_squares_fit() {
    // Two terms on symmetric probabilities: a1 is the mean value, a2 the
    // regression on L = ln(p / (1 − p)), in closed form.
    let q = [(0.1, 5.0), (0.5, 10.0), (0.9, 30.0)];
    let dist = metalog(&q, None, None, Some(2));
    let l = 9f64.ln();
    let (a1, a2) = (15.0, 25.0 / (2.0 * l));
    for (p, want) in [(0.1, a1 - a2 * l), (0.5, a1), (0.9, a1 + a2 * l)] {
        assert!((dist.quantile(p) - want).abs() < 1e-12 * want.abs());
    }
    // The check lists the given quantiles beside these fitted ones.
    assert_eq!(dist.fitted_to(), Some(&q[..]));
}

#[test]
fn metalog_draws_pass_a_ks_test_against_the_metalogs_own_cdf() {
    let n = 100_000;
    for (i, (q, min, max)) in cases().into_iter().enumerate() {
        let dist = metalog(&q, min, max, None);
        let mut rng = stream(2024, i as u64, stream_key("metalog ks"));
        let mut samples = vec![f64::NAN; n];
        dist.fill(&mut rng, &mut samples);
        let (lo, hi) = dist.support();
        assert!(
            samples.iter().all(|&x| x > lo && x < hi),
            "{}",
            dist.label()
        );
        samples.sort_by(f64::total_cmp);
        let d = samples.iter().enumerate().fold(0.0f64, |d, (k, &x)| {
            let f = dist.cdf(x);
            d.max((k as f64 + 1.0) / n as f64 - f)
                .max(f - k as f64 / n as f64)
        });
        let critical = KS_C_ALPHA_0_001 / (n as f64).sqrt();
        assert!(d < critical, "{}: D = {d} ≥ {critical}", dist.label());
    }
}

#[test]
fn the_metalog_cdf_inverts_its_quantile_function_deep_into_both_tails() {
    for (q, min, max) in cases() {
        let dist = metalog(&q, min, max, None);
        for u in [1e-12, 1e-6, 0.001, 0.1, 0.37, 0.5, 0.8, 0.999, 1.0 - 1e-9] {
            let back = dist.cdf(dist.quantile(u));
            assert!(
                (back - u).abs() <= 1e-9 * u.min(1.0 - u) + 1e-15,
                "{}: cdf(Q({u})) = {back}",
                dist.label()
            );
        }
    }
}

#[test]
fn two_term_metalogs_have_the_logistic_and_log_logistic_moments() {
    // Q = a1 + a2·L is the logistic: mean a1, sd a2·π/√3.
    let l = 3f64.ln();
    let logistic = metalog(
        &[(0.25, 10.0 - 2.0 * l), (0.75, 10.0 + 2.0 * l)],
        None,
        None,
        None,
    );
    assert!((logistic.mean().unwrap() - 10.0).abs() < 1e-12);
    assert!((logistic.sd().unwrap() - 2.0 * PI / 3f64.sqrt()).abs() < 1e-11);
    // Q = min + e^(a1)·(p / (1 − p))^a2 is the log-logistic: with b = a2 < ½,
    // mean min + e^a1·πb / sin(πb), variance e^(2a1)·(2πb / sin 2πb − (πb / sin πb)²).
    let (a1, b) = (1.0f64, 0.3f64);
    let at = |p: f64| 5.0 + (a1 + b * (p / (1.0 - p)).ln()).exp();
    let dist = metalog(&[(0.2, at(0.2)), (0.7, at(0.7))], Some(5.0), None, None);
    let m = (PI * b) / (PI * b).sin();
    let var = (2.0 * a1).exp() * ((2.0 * PI * b) / (2.0 * PI * b).sin() - m * m);
    assert!((dist.mean().unwrap() - (5.0 + a1.exp() * m)).abs() < 1e-10);
    assert!((dist.sd().unwrap() - var.sqrt()).abs() < 1e-10);
}

#[test]
fn a_metalog_is_feasible_exactly_within_keelins_three_term_bound() {
    // Symmetric probabilities 0.1, 0.5, 0.9 and values 0, m, 1 give
    // |a3| / a2 = 2.5·(1 − 2m); the three-term metalog is a distribution
    // exactly when that ratio is below 1.66711 (Keelin 2016).
    let q = |m: f64| [(0.1, 0.0), (0.5, m), (0.9, 1.0)];
    assert!(Dist::metalog(&q(0.1669), None, None, None).is_ok()); // ratio 1.6655
    let refused = Dist::metalog(&q(0.1662), None, None, None).unwrap_err(); // ratio 1.669
    assert!(
        refused.0.contains("do not give a distribution"),
        "{refused}"
    );
    assert!(refused.0.contains("decreases"), "{refused}");
}

#[test]
fn infeasible_or_malformed_quantiles_are_refused_with_the_rule() {
    let three = [(0.1, 5.0), (0.5, 10.0), (0.9, 30.0)];
    for (q, min, max, terms, rule) in [
        (&[(0.5, 10.0)][..], None, None, None, "2 to 10"),
        (&three[..], None, None, Some(4), "`terms` (4)"),
        (&three[..], Some(6.0), None, None, "above `min` (6)"),
        (&three[..], None, Some(30.0), None, "below `max` (30)"),
        (
            &[(0.1, 1.0), (0.5, 2.0), (0.9, 3.0)][..],
            Some(0.0),
            Some(1e308),
            None,
            "this wide",
        ),
        (
            &[(0.1, 5.0), (0.1, 6.0)][..],
            None,
            None,
            None,
            "probabilities must increase",
        ),
        (
            &[(0.1, 5.0), (0.5, 4.0)][..],
            None,
            None,
            None,
            "values must increase",
        ),
        (
            &[(0.0, 5.0), (0.5, 6.0)][..],
            None,
            None,
            None,
            "strictly between 0 and 1",
        ),
        (
            &[(0.1, 9.0), (0.5, 10.0), (0.9, 30.0)][..],
            None,
            None,
            None,
            "lower tail",
        ),
        (
            &[(0.1, 5.0), (0.5, 10.0), (0.9, 300.0)][..],
            Some(0.0),
            None,
            None,
            "finite mean",
        ),
    ] {
        let error = Dist::metalog(q, min, max, terms).unwrap_err();
        assert!(error.0.contains(rule), "{q:?}: {error}");
    }
}

#[test]
fn two_quantile_fits_of_normal_lognormal_and_uniform_are_exact() {
    use runway::dist::{fit_quantiles, Kind};
    for (kind, q) in [
        (Kind::Normal, [(0.05, -3.0), (0.8, 7.0)]),
        (Kind::LogNormal, [(0.05, 2.0), (0.95, 10.0)]),
        (Kind::Uniform, [(0.2, 4.0), (0.6, 8.0)]),
    ] {
        let dist = fit_quantiles(kind, &q, None, None).unwrap();
        for (p, x) in q {
            assert!(
                (dist.quantile(p) - x).abs() < 1e-12 * x.abs(),
                "{}",
                dist.label()
            );
        }
    }
    // Through 3 quantiles: the least-squares line of value on normal score.
    let q = [(0.1, 1.0), (0.5, 2.5), (0.9, 3.0)];
    let dist = fit_quantiles(Kind::Normal, &q, None, None).unwrap();
    let z = runway_normal_quantile(0.9);
    assert!((dist.mean().unwrap() - 6.5 / 3.0).abs() < 1e-12);
    assert!((dist.sd().unwrap() - 2.0 * z / (2.0 * z * z)).abs() < 1e-12);
}

#[test]
fn gamma_and_beta_fits_recover_the_family_their_quantiles_came_from() {
    use runway::dist::{fit_quantiles, Kind};
    let probabilities = [0.05, 0.3, 0.6, 0.95];
    let at = |d: &Dist| probabilities.map(|p| (p, d.quantile(p)));
    let gamma = Dist::gamma(3.0, 2.0).unwrap();
    let fitted = fit_quantiles(Kind::Gamma, &at(&gamma), None, None).unwrap();
    let beta = Dist::scaled_beta(2.0, 5.0, 10.0, 20.0).unwrap();
    let fitted_beta = fit_quantiles(Kind::Beta, &at(&beta), Some(10.0), Some(20.0)).unwrap();
    for (truth, fit) in [(gamma, fitted), (beta, fitted_beta)] {
        for p in probabilities {
            let (want, got) = (truth.quantile(p), fit.quantile(p));
            assert!(
                (got - want).abs() < 1e-6 * want,
                "{}: {got} vs {want}",
                fit.label()
            );
        }
    }
    let refused = fit_quantiles(Kind::Pert, &at(&Dist::gamma(3.0, 2.0).unwrap()), None, None);
    assert!(refused.unwrap_err().0.contains("cannot fit it"));
}

fn runway() -> Command {
    Command::cargo_bin("runway").expect("the runway binary is built")
}

const FIXTURE: &str = "tests/fixtures/metalog_inputs.toml";

/// The JSON report of a run of the fixture, without its timing.
fn report(args: &[&str]) -> String {
    let out = runway()
        .args([
            "run", FIXTURE, "--paths", "12000", "--seed", "5", "--format", "json", "-q",
        ])
        .args(args)
        .output()
        .expect("runway starts");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    without_timing(&out.stdout)
}

#[test]
fn a_correlated_lhs_model_with_metalogs_gives_the_same_report_on_1_and_2_threads() {
    let one = report(&["--threads", "1"]);
    assert_eq!(one, report(&["--threads", "2"]));
    assert!(one.contains("\"insolvency\""));
}

#[test]
fn a_model_with_metalogs_merged_from_two_shards_equals_the_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut parts = Vec::new();
    for k in 0..2 {
        let file = dir.path().join(format!("part-{k}.json"));
        runway()
            .args(["run", FIXTURE, "--paths", "12000", "--seed", "5", "-q"])
            .args(["--shard", &format!("{k}/2"), "--partial"])
            .arg(&file)
            .assert()
            .success();
        parts.push(file);
    }
    let merged = runway()
        .arg("merge")
        .args(&parts)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    assert_eq!(without_timing(&merged.stdout), report(&[]));
}

#[test]
fn check_set_scenarios_compare_and_sensitivity_take_metalog_inputs() {
    let set = "cash.initial={ metalog = { quantiles = [[0.1, 800], [0.5, 1000], [0.9, 1500]], min = 0, max = 5000 } }";
    let check = runway()
        .args(["check", FIXTURE, "--format", "json", "--set", set])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let cash = &json["inputs"].as_array().unwrap()[0];
    assert_eq!(cash["input"], "cash.initial");
    let fit = cash["fit"].as_array().unwrap();
    assert_eq!(fit.len(), 3);
    for q in fit {
        let (given, fitted) = (q["given"].as_f64().unwrap(), q["fitted"].as_f64().unwrap());
        assert!((given - fitted).abs() < 1e-9 * given);
    }
    assert!((cash["median"].as_f64().unwrap() - 1000.0).abs() < 1e-9);
    for args in [
        &[
            "compare",
            FIXTURE,
            "--scenarios",
            "lean",
            "--paths",
            "4096",
            "-q",
        ][..],
        &["sensitivity", FIXTURE, "--paths", "4096", "-q"][..],
        &[
            "run",
            FIXTURE,
            "--scenario",
            "lean",
            "--paths",
            "4096",
            "-q",
            "--set",
            set,
        ][..],
    ] {
        let out = runway().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn a_metalog_batch_holds_the_same_bits_as_draws_one_at_a_time() {
    for (i, (q, min, max)) in cases().into_iter().enumerate() {
        let dist = metalog(&q, min, max, None);
        let key = stream_key("metalog batch");
        let mut batch = vec![f64::NAN; 1000];
        dist.fill(&mut stream(9, i as u64, key), &mut batch);
        let mut rng = stream(9, i as u64, key);
        for (k, &x) in batch.iter().enumerate() {
            let one = dist.sample(&mut rng);
            assert_eq!(x.to_bits(), one.to_bits(), "{}: draw {k}", dist.label());
        }
    }
}

#[test]
fn check_lists_each_given_quantile_beside_the_fitted_one_within_80_columns() {
    let out = runway().args(["check", FIXTURE]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let section = text
        .split("Inputs given by quantiles:")
        .nth(1)
        .expect("a section of inputs given by quantiles");
    // 3 + 5 + 3 + 2 + 3 + 3 quantiles in the fixture, one row each.
    assert_eq!(
        section
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count(),
        19
    );
    assert!(section.contains("cash.initial") && section.contains("revenue.sales.churn"));
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "{line}");
    }
}
