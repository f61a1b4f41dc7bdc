//! A sharded run, merged, is the single run: for generated models (with
//! and without a users line, with funding by month and by trigger, shocks,
//! flows, correlation, schedules and a hiring plan, Latin hypercube
//! sampling) and several seeds, merging
//! M ∈ {2, 3, 7, 13} shards gives JSON (minus the timing) and `--out` files
//! byte-identical to the unsharded run's.

use crate::golden::{manifest_without_times, without_timing};
use assert_cmd::Command;
use std::path::Path;

/// 13 full blocks and a partial one, so that 13 shards are possible.
const PATHS: &str = "14000";

/// One model feature the generator can switch on.
#[derive(Clone, Copy)]
enum Feature {
    Users,
    FundingByMonth,
    FundingByTrigger,
    Shocks,
    Flows,
    Correlation,
    Plans,
}

fn model_text(features: &[Feature], scale: f64) -> String {
    let has = |f: Feature| {
        features
            .iter()
            .any(|g| std::mem::discriminant(g) == std::mem::discriminant(&f))
    };
    let mut text = format!(
        r#"[model]
name = "generated"
start = "2024-01"
horizon = "2025-06"
unit = "EUR"

[cash]
initial = {{ lognormal = {{ p5 = {a}, p95 = {b} }} }}
floor = 0

[costs.staff]
monthly = {{ normal = {{ mean = {c}, sd = {d} }}, truncate = {{ min = 0 }} }}
growth = {{ uniform = {{ min = 0.0, max = 0.04 }} }}
growth_half_life = {{ uniform = {{ min = 0, max = 24 }} }}
noise = {{ normal = {{ mean = 0, sd = 0.05 }} }}

[revenue.sales]
monthly = {{ lognormal = {{ p5 = {e}, p95 = {f} }} }}
growth = {{ normal = {{ mean = 0.03, sd = 0.03 }} }}
churn = {{ uniform = {{ min = 0, max = 0.05 }} }}
noise = {{ normal = {{ mean = 0, sd = 0.08 }} }}
"#,
        a = 300.0 * scale,
        b = 2000.0 * scale,
        c = 120.0 * scale,
        d = 30.0 * scale,
        e = 20.0 * scale,
        f = 90.0 * scale,
    );
    if has(Feature::Users) {
        text += &format!(
            r#"
[revenue.subscriptions]
users = {{ lognormal = {{ p5 = 100, p95 = 900 }} }}
arpu = {{ uniform = {{ min = {lo}, max = {hi} }} }}
growth = {{ pert = {{ min = 0.0, mode = 0.05, max = 0.12 }} }}
growth_half_life = {{ lognormal = {{ p5 = 3, p95 = 30 }} }}
churn = {{ beta = {{ alpha = 2, beta = 60 }} }}
"#,
            lo = 0.02 * scale,
            hi = 0.08 * scale
        );
    }
    if has(Feature::FundingByMonth) {
        text += &format!(
            r#"
[funding.bridge]
probability = 0.4
month = {{ discrete_uniform = {{ min = 3, max = 12 }} }}
amount = {{ lognormal = {{ p5 = {lo}, p95 = {hi} }} }}
"#,
            lo = 200.0 * scale,
            hi = 1500.0 * scale
        );
    }
    if has(Feature::FundingByTrigger) {
        text += &format!(
            r#"
[funding.series_a]
probability = {{ beta = {{ alpha = 6, beta = 4 }} }}
trigger = {{ runway_below = 6 }}
delay = {{ discrete_uniform = {{ min = 1, max = 4 }} }}
amount = {{ lognormal = {{ p5 = {lo}, p95 = {hi} }} }}
"#,
            lo = 500.0 * scale,
            hi = 3000.0 * scale
        );
    }
    if has(Feature::Shocks) {
        text += &format!(
            r#"
[shocks.outage]
hazard = 0.03
repeat = true
cost = {{ lognormal = {{ p5 = {lo}, p95 = {hi} }} }}

[shocks.lost_customer]
hazard = 0.02
revenue_hit = {{ uniform = {{ min = 0.05, max = 0.3 }} }}
duration = 3
"#,
            lo = 10.0 * scale,
            hi = 200.0 * scale
        );
    }
    if has(Feature::Flows) {
        text += &format!(
            r#"
[flows.interest]
amount = {{ uniform = {{ min = 0, max = {hi} }} }}

[flows.fx]
amount = {{ normal = {{ mean = 0, sd = {sd} }} }}
each_month = true
"#,
            hi = 5.0 * scale,
            sd = 8.0 * scale
        );
    }
    if has(Feature::Plans) {
        text += &format!(
            r#"
[costs.team]
monthly = {{ normal = {{ mean = {c}, sd = {d} }}, truncate = {{ min = 0 }} }}
schedule = {{ "2024-01" = 1, "2024-09" = 1.1 }}
[costs.team.hiring]
start = {{ uniform = {{ min = 3, max = 6 }} }}
hires = {{ "2024-03" = 2, "2024-Q3" = 3, "2025-02" = 1 }}
slip = {{ discrete_uniform = {{ min = 0, max = 4 }} }}
fill_rate = {{ beta = {{ alpha = 8, beta = 2 }} }}
attrition = {{ uniform = {{ min = 0, max = 0.03 }} }}

[costs.ads]
schedule = {{ "2024-01" = {a}, "2024-12" = {b} }}
schedule_shape = "linear"
monthly = {{ uniform = {{ min = 0.8, max = 1.2 }} }}
"#,
            a = 5.0 * scale,
            b = 25.0 * scale,
            c = 10.0 * scale,
            d = 2.0 * scale,
        );
    }
    if has(Feature::Correlation) {
        text += r#"
[correlation]
inputs = ["revenue.sales.growth", "costs.staff.growth"]
matrix = [[1.0, 0.5], [0.5, 1.0]]
"#;
    }
    text
}

fn runway() -> Command {
    Command::cargo_bin("runway").unwrap()
}

/// Every file of an --out folder, the manifest without its timing,
/// command line and thread count.
fn out_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            let mut bytes = std::fs::read(e.path()).unwrap();
            if name == "manifest.json" {
                bytes = manifest_without_times(&bytes);
            }
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

fn check_merges_equal_the_single_run(features: &[Feature], scale: f64, seed: u64, lhs: bool) {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.toml");
    std::fs::write(&model, model_text(features, scale)).unwrap();
    let seed = seed.to_string();
    let mut common: Vec<&str> = vec!["--paths", PATHS, "--seed", &seed, "-q"];
    if lhs {
        common.extend(["--sampling", "lhs"]);
    }
    let single_out = dir.path().join("single");
    let single = runway()
        .arg("run")
        .arg(&model)
        .args(&common)
        .args(["--format", "json", "--out"])
        .arg(&single_out)
        .assert()
        .success();
    let expected = without_timing(&single.get_output().stdout);
    let expected_files = out_files(&single_out);
    assert!(expected_files.len() >= 4, "the single run wrote its files");
    for shards in [2u64, 3, 7, 13] {
        let mut partials = Vec::new();
        for k in 0..shards {
            let partial = dir.path().join(format!("m{shards}-{k}.json"));
            runway()
                .arg("run")
                .arg(&model)
                .args(&common)
                .args(["--shard", &format!("{k}/{shards}"), "--partial"])
                .arg(&partial)
                .args(["--threads", if k % 2 == 0 { "1" } else { "2" }])
                .assert()
                .success();
            partials.push(partial);
        }
        // Merge in reverse order: the order of the files must not matter.
        partials.reverse();
        let merged_out = dir.path().join(format!("merged{shards}"));
        let merged = runway()
            .arg("merge")
            .args(&partials)
            .args(["--format", "json", "--out"])
            .arg(&merged_out)
            .assert()
            .success();
        let got = without_timing(&merged.get_output().stdout);
        assert_eq!(got, expected, "{shards} shards, seed {seed}, lhs {lhs}");
        let got_files = out_files(&merged_out);
        let names = |f: &[(String, Vec<u8>)]| f.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
        assert_eq!(names(&got_files), names(&expected_files));
        for ((name, a), (_, b)) in got_files.iter().zip(&expected_files) {
            assert!(
                a == b,
                "{name} differs after merging {shards} shards (seed {seed})"
            );
        }
    }
}

#[test]
fn a_model_without_a_users_line_merges_into_the_single_run() {
    check_merges_equal_the_single_run(&[Feature::FundingByMonth], 1.0, 11, false);
}

#[test]
fn a_model_with_users_funding_and_shocks_merges_into_the_single_run_for_several_seeds() {
    let features = [Feature::Users, Feature::FundingByTrigger, Feature::Shocks];
    for seed in [11, 2023, 7] {
        check_merges_equal_the_single_run(&features, 1.0, seed, false);
    }
}

#[test]
fn every_feature_with_correlation_and_latin_hypercube_merges_into_the_single_run() {
    let all = [
        Feature::Users,
        Feature::FundingByMonth,
        Feature::FundingByTrigger,
        Feature::Shocks,
        Feature::Flows,
        Feature::Correlation,
    ];
    check_merges_equal_the_single_run(&all, 1.0, 11, true);
    check_merges_equal_the_single_run(&all, 1.0, 5, false);
}

#[test]
fn a_model_with_schedules_and_a_hiring_plan_merges_into_the_single_run() {
    let features = [Feature::Users, Feature::Plans, Feature::Correlation];
    check_merges_equal_the_single_run(&features, 1.0, 19, false);
    check_merges_equal_the_single_run(&[Feature::Plans], 1.0, 4, true);
}

#[test]
fn models_in_billions_and_in_cents_merge_into_the_single_run() {
    // Amounts whose last bits are at very different scales: the floats of
    // the partial files must read back to the same bits.
    let features = [Feature::Users, Feature::Flows, Feature::Shocks];
    check_merges_equal_the_single_run(&features, 1e-6, 3, false);
    check_merges_equal_the_single_run(&features, 1e9, 12, false);
}
