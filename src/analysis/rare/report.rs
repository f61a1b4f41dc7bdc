//! The result of `runway run --rare`: a method's tally read out as the
//! insolvency curve with its intervals, the time to insolvency, what the
//! insolvent paths had in common, and whether the diagnostics trust it.
//!
//! A report is a function of the model, the run's settings, the method's
//! diagnostics (which depend on its pilot, so on the seed only) and the
//! merged tally; a sharded run's merge therefore gives the same report as
//! the unsharded run, bit for bit.
//!
//! **Reliable or not.** Every warning (the method's own, and the checks
//! here on the merged tally: no insolvent path at all, a relative error
//! too large for a normal interval to mean anything) makes the report
//! *unreliable*: it is still shown in full, so the user sees what went
//! wrong, but marked so, and the command line exits with code 1.

use super::methods::{auto_method, estimator, Choice};
use super::{plain, Diagnostics, Method, MethodRun, RareSpec};
use crate::analysis::summary::{ModelInfo, RunInfo};
use crate::engine::{Plan, Progress, BLOCK_SIZE};
use crate::error::Result;
use crate::model::{Model, Month};
use crate::sampling::rng::GENERATOR_NAME;
use crate::stats::{WeightedEstimate, WeightedTally};
use serde::Serialize;

/// How every interval of a rare-event report is made.
pub const INTERVAL: &str = "normal, ±1.96 standard errors of the mean of independent units";

/// Above this relative standard error the normal interval is not to be
/// trusted (its coverage falls well below 95 %).
pub const MAX_RELATIVE_ERROR: f64 = 0.3;

/// One month of the rare-event insolvency curve (the keys of the run
/// report's `insolvency.by_month`, without its counts: weighted paths
/// have none, and with the estimate's spread).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RareMonth {
    /// The month.
    pub month: Month,
    /// P(insolvent by the end of this month).
    pub cumulative_probability: f64,
    /// Its 95 % interval (see [`INTERVAL`]).
    pub cumulative_ci95: [f64; 2],
    /// Its standard error.
    pub cumulative_standard_error: f64,
    /// The standard error relative to the estimate.
    pub cumulative_relative_error: f64,
    /// The paths plain Monte Carlo would need for the same standard error.
    pub cumulative_effective_paths: f64,
    /// P(first insolvent in this month): the difference of two months'
    /// estimates.
    pub probability_in_month: f64,
    /// The share of the insolvent paths first insolvent in this month (the
    /// time to insolvency among insolvent paths).
    pub share_of_insolvencies: f64,
    /// Kish's effective number of units behind this month's estimate,
    /// (Σ C)² / Σ C² (under importance sampling: of the insolvent paths'
    /// weights; under splitting: of the replicates' contributions).
    pub effective_events: f64,
    /// Whether `effective_events` reaches the method's bar
    /// ([`Method::min_effective_events`]): below it the month's estimate
    /// rests on a few units and its interval is too narrow (importance
    /// sampling aimed at the horizon sees early insolvency badly).
    pub reliable: bool,
    /// The estimate as the tally gives it.
    #[serde(skip)]
    pub estimate: WeightedEstimate,
}

/// The rare-event insolvency result (the keys of the run report's
/// `insolvency`, without its counts).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RareInsolvency {
    /// P(insolvent by the horizon).
    pub probability: f64,
    /// Its 95 % interval.
    pub ci95: [f64; 2],
    /// Its standard error.
    pub standard_error: f64,
    /// The standard error relative to the estimate.
    pub relative_error: f64,
    /// The paths plain Monte Carlo would need for the same standard error.
    pub effective_paths: f64,
    /// How the interval is computed ([`INTERVAL`]).
    pub interval_method: &'static str,
    /// Month by month.
    pub by_month: Vec<RareMonth>,
    /// Median month of insolvency among insolvent paths.
    pub median_month: Option<Month>,
    /// Most likely month of insolvency.
    pub peak_month: Option<Month>,
}

/// An inflow's or shock's share among the insolvent paths: the ratio of
/// the weighted sums (a point estimate, no interval).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventShare {
    /// Field path, e.g. `funding.series_a` or `shocks.NAME`.
    pub name: String,
    /// P(it happened | insolvent by the horizon); `None` when no path was
    /// insolvent.
    pub share: Option<f64>,
}

/// A mean shift of one dimension (importance sampling).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Shift {
    /// The dimension's label.
    pub dimension: String,
    /// The shift in standard deviations.
    pub shift: f64,
}

/// What the method did: its choice, its work and its diagnostics.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RareInfo {
    /// `tilt`, `split` or `plain`.
    pub method: &'static str,
    /// The method in words.
    pub description: &'static str,
    /// Why this method: asked for, or `--rare auto`'s reason.
    pub chosen_by: String,
    /// How the intervals are made ([`INTERVAL`]).
    pub interval: &'static str,
    /// Independent units (paths, or splitting replicates).
    pub units: u64,
    /// At the horizon: the paths plain Monte Carlo would need for the same
    /// standard error.
    pub effective_paths: f64,
    /// At the horizon: the standard error relative to the estimate.
    pub relative_error: f64,
    /// Paths of the pilot stage (each shard repeats it).
    pub pilot_paths: u64,
    /// Paths of the estimation stage (Markov chain candidates included).
    pub simulated_paths: u64,
    /// Insolvent paths seen in the estimation stage.
    pub event_paths: u64,
    /// The mean of the units' total weights (1 for a sound change of
    /// measure, up to noise).
    pub mean_weight: f64,
    /// Kish's effective sample size of the units' weights.
    pub weight_effective_paths: f64,
    /// The effective units a month's estimate needs before it is trusted
    /// ([`Method::min_effective_events`]).
    pub min_effective_events: f64,
    /// The pilot's levels of the distance to the floor.
    pub levels: Vec<f64>,
    /// Importance sampling: the largest mean shifts.
    pub shifts: Vec<Shift>,
    /// Splitting: copies per path reaching each level.
    pub splitting_factors: Vec<u32>,
    /// Splitting: the Markov chain's acceptance rate at each level.
    pub acceptance: Vec<f64>,
    /// The method's own warnings.
    pub warnings: Vec<String>,
}

/// Random numbers and blocks.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RareMethodNotes {
    /// Random generator and seeding.
    pub generator: &'static str,
    /// Paths per block (the unit of sharding).
    pub block_size: usize,
}

/// Everything `runway run --rare` reports.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RareReport {
    /// runway version.
    pub runway_version: &'static str,
    /// Model name, file and scenario.
    pub model: ModelInfo,
    /// Paths of the estimation stage, as asked.
    pub paths: u64,
    /// Seed.
    pub seed: u64,
    /// First month.
    pub start: Month,
    /// Last month.
    pub horizon: Month,
    /// Money unit.
    pub unit: String,
    /// The insolvency floor.
    pub floor: f64,
    /// Insolvency probability and curve.
    pub insolvency: RareInsolvency,
    /// Each inflow's share among the insolvent paths.
    pub inflows_among_insolvent: Vec<EventShare>,
    /// Each shock's share among the insolvent paths.
    pub shocks_among_insolvent: Vec<EventShare>,
    /// The method and its diagnostics.
    pub rare: RareInfo,
    /// Random numbers and blocks.
    pub method: RareMethodNotes,
    /// False when any warning says the answer may be wrong.
    pub reliable: bool,
    /// Every warning: the method's, then the checks on the merged tally.
    pub warnings: Vec<String>,
    /// Timing of this run (the only part that differs between identical
    /// runs).
    pub run: RunInfo,
}

/// A method's run as a report needs it: the run, the method chosen and
/// why.
#[derive(Debug, Clone)]
pub struct Chosen {
    /// The method's tally and diagnostics.
    pub run: MethodRun,
    /// Why this method ran.
    pub chosen_by: String,
}

/// Runs the rare-event estimator `choice` names on `plan` (made with
/// [`Plan::driven_by_scores`] from `model`) and reads out its report.
/// `seconds` times it (the estimation and the pilot).
pub fn estimate(
    model: &Model,
    plan: &Plan,
    spec: &RareSpec,
    choice: Choice,
    progress: &Progress,
) -> Result<(Chosen, f64)> {
    let (method, chosen_by) = match choice {
        Choice::Auto => auto_method(model, plan),
        Choice::Use(m) => (m, format!("asked for with --rare {}", m.name())),
    };
    let run_method = estimator(method);
    let started = std::time::Instant::now();
    let run = run_method(plan, spec, progress)?;
    Ok((Chosen { run, chosen_by }, started.elapsed().as_secs_f64()))
}

impl RareReport {
    /// The report of `chosen` (the merged tally of every shard), for a run
    /// of `paths` paths and `seed` on `model`; `run` times it.
    pub fn new(model: &Model, paths: u64, seed: u64, chosen: &Chosen, run: RunInfo) -> RareReport {
        let MethodRun {
            method,
            tally,
            diagnostics,
        } = &chosen.run;
        let insolvency = insolvency(model, *method, tally);
        let total = tally.by_month.last().map_or(0.0, |s| s.value());
        let shares = |sums: &[crate::stats::ExactSum], names: Vec<String>| {
            (names.into_iter().zip(sums))
                .map(|(name, s)| EventShare {
                    name,
                    share: (total > 0.0).then(|| s.value() / total),
                })
                .collect()
        };
        let mut warnings = diagnostics.warnings.clone();
        warnings.extend(checks(*method, tally, &insolvency));
        RareReport {
            runway_version: env!("CARGO_PKG_VERSION"),
            model: ModelInfo {
                name: model.name.clone(),
                file: model.source.label.clone(),
                scenario: model.scenario.clone(),
            },
            paths,
            seed,
            start: model.start,
            horizon: model.horizon(),
            unit: model.unit.clone(),
            floor: model.floor,
            inflows_among_insolvent: shares(
                &tally.inflow_in_event,
                model.inflows.iter().map(|f| f.path.clone()).collect(),
            ),
            shocks_among_insolvent: shares(
                &tally.shock_in_event,
                (model.shocks.iter())
                    .map(|s| format!("shocks.{}", s.name))
                    .collect(),
            ),
            rare: info(
                *method,
                &chosen.chosen_by,
                tally,
                diagnostics,
                &insolvency,
                &warnings,
            ),
            insolvency,
            method: RareMethodNotes {
                generator: GENERATOR_NAME,
                block_size: BLOCK_SIZE,
            },
            reliable: warnings.is_empty(),
            warnings,
            run,
        }
    }
}

/// The insolvency curve of a tally.
fn insolvency(model: &Model, method: Method, tally: &WeightedTally) -> RareInsolvency {
    let months = tally.months();
    let estimates: Vec<WeightedEstimate> =
        (1..=months).map(|m| tally.by_month_estimate(m)).collect();
    let total = estimates.last().map_or(0.0, |e| e.probability);
    let in_month: Vec<f64> = (estimates.iter().enumerate())
        .map(|(i, e)| {
            let before = if i == 0 {
                0.0
            } else {
                estimates[i - 1].probability
            };
            (e.probability - before).max(0.0)
        })
        .collect();
    let by_month: Vec<RareMonth> = (estimates.iter().zip(&in_month).enumerate())
        .map(|(i, (e, &p))| RareMonth {
            month: model.month_label(i as u32 + 1),
            cumulative_probability: e.probability,
            cumulative_ci95: e.ci95,
            cumulative_standard_error: e.standard_error,
            cumulative_relative_error: e.relative_error,
            cumulative_effective_paths: e.effective_paths,
            probability_in_month: p,
            share_of_insolvencies: if total > 0.0 { p / total } else { 0.0 },
            effective_events: super::importance::event_ess_by(tally, i + 1),
            reliable: super::importance::event_ess_by(tally, i + 1)
                >= method.min_effective_events(),
            estimate: *e,
        })
        .collect();
    let median = (total > 0.0)
        .then(|| estimates.iter().position(|e| e.probability >= total / 2.0))
        .flatten();
    let peak = (in_month.iter().enumerate())
        .filter(|(_, &p)| p > 0.0)
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i);
    let horizon = estimates.last().copied().unwrap_or(WeightedEstimate {
        probability: 0.0,
        standard_error: 0.0,
        ci95: [0.0, 0.0],
        relative_error: 0.0,
        effective_paths: 0.0,
        units: 0,
    });
    RareInsolvency {
        probability: horizon.probability,
        ci95: horizon.ci95,
        standard_error: horizon.standard_error,
        relative_error: horizon.relative_error,
        effective_paths: horizon.effective_paths,
        interval_method: INTERVAL,
        by_month,
        median_month: median.map(|i| model.month_label(i as u32 + 1)),
        peak_month: peak.map(|i| model.month_label(i as u32 + 1)),
    }
}

/// The checks on the merged tally, whatever the method: insolvent paths
/// seen at all, and a relative error a normal interval can stand.
fn checks(method: Method, tally: &WeightedTally, insolvency: &RareInsolvency) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(match method {
        Method::Plain => plain::warnings(tally),
        Method::Tilt => super::importance::weight_warnings(tally),
        Method::Split => super::splitting::replicate_warnings(tally),
    });
    if tally.event_paths == 0 {
        out.push(format!(
            "no path of {} reached insolvency: the estimate 0 is not a bound on P; the method did not reach the floor",
            tally.simulated_paths
        ));
    } else if insolvency.relative_error > MAX_RELATIVE_ERROR {
        out.push(format!(
            "the standard error is {:.0} % of the estimate, more than {:.0} %: the normal interval does not hold; use more paths",
            insolvency.relative_error * 100.0,
            MAX_RELATIVE_ERROR * 100.0
        ));
    }
    out
}

/// The method's part of the report.
fn info(
    method: Method,
    chosen_by: &str,
    tally: &WeightedTally,
    d: &Diagnostics,
    insolvency: &RareInsolvency,
    warnings: &[String],
) -> RareInfo {
    RareInfo {
        method: method.name(),
        description: method.describe(),
        chosen_by: chosen_by.to_string(),
        interval: INTERVAL,
        units: tally.units,
        effective_paths: insolvency.effective_paths,
        relative_error: insolvency.relative_error,
        pilot_paths: d.pilot_paths,
        simulated_paths: tally.simulated_paths,
        event_paths: tally.event_paths,
        mean_weight: tally.mean_weight(),
        weight_effective_paths: tally.weight_ess(),
        min_effective_events: method.min_effective_events(),
        levels: d.levels.clone(),
        shifts: (d.shifts.iter())
            .map(|(dimension, shift)| Shift {
                dimension: dimension.clone(),
                shift: *shift,
            })
            .collect(),
        splitting_factors: d.splitting_factors.clone(),
        acceptance: d.acceptance.clone(),
        // Every warning of the report: the pilot's and the merged tally's.
        warnings: warnings.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{load_str, LoadOptions};

    const WALK: &str = r#"
[model]
name = "walk"
start = "2025-01"
horizon = "2025-03"
unit = "units"

[cash]
initial = 3

[flows.walk]
amount = { normal = { mean = -0.25, sd = 1 } }
each_month = true
"#;

    /// A stand-in method's run: units whose contributions are fractions,
    /// as a splitting replicate's are.
    fn chosen(units: &[[f64; 3]]) -> Chosen {
        let mut tally = WeightedTally::new(3, 0, 0);
        for c in units {
            tally.add_unit(c, 1.0, &[], &[]);
            tally.simulated_paths += 4;
            tally.event_paths += u64::from(c[2] > 0.0);
        }
        Chosen {
            run: MethodRun {
                method: Method::Split,
                tally,
                diagnostics: Diagnostics::default(),
            },
            chosen_by: "asked for with --rare split".into(),
        }
    }

    fn report(units: &[[f64; 3]]) -> RareReport {
        let model = load_str(WALK, "walk.toml", &LoadOptions::default()).unwrap();
        let run = RunInfo {
            threads: 1,
            elapsed_seconds: 1.0,
            paths_per_second: 1.0,
            shards: None,
        };
        RareReport::new(&model, 1024, 7, &chosen(units), run)
    }

    #[test]
    fn the_time_to_insolvency_comes_from_the_differences_of_the_months_estimates() {
        // Thirty replicates, enough for splitting's bar.
        let units = [[0.0, 0.25, 0.5], [0.25, 0.25, 0.5], [0.0, 0.0, 0.25]].repeat(10);
        let r = report(&units);
        let months = &r.insolvency.by_month;
        // P by month: 1/12, 1/6, 5/12; new in each: 1/12, 1/12, 1/4.
        assert!((months[2].cumulative_probability - 5.0 / 12.0).abs() < 1e-15);
        let shares: Vec<f64> = months.iter().map(|m| m.share_of_insolvencies).collect();
        assert!((shares[0] - 0.2).abs() < 1e-12 && (shares[2] - 0.6).abs() < 1e-12);
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(r.insolvency.median_month.unwrap().to_string(), "2025-03");
        assert_eq!(r.insolvency.peak_month.unwrap().to_string(), "2025-03");
        assert!(r.reliable, "{:?}", r.warnings);
        assert_eq!(r.rare.method, "split");
    }

    #[test]
    fn no_insolvent_path_makes_the_report_unreliable_and_says_why() {
        let r = report(&[[0.0; 3], [0.0; 3]]);
        assert!(!r.reliable);
        assert!(
            r.warnings.iter().any(|w| w.contains("no path")),
            "{:?}",
            r.warnings
        );
        assert_eq!(r.insolvency.median_month, None);
    }

    #[test]
    fn a_relative_error_too_large_for_a_normal_interval_makes_it_unreliable() {
        let mut units = vec![[0.0; 3]; 20];
        units[0] = [0.0, 0.0, 1.0];
        let r = report(&units);
        assert!(r.insolvency.relative_error > MAX_RELATIVE_ERROR);
        assert!(!r.reliable);
        assert!(
            r.warnings.iter().any(|w| w.contains("normal interval")),
            "{:?}",
            r.warnings
        );
    }
}
