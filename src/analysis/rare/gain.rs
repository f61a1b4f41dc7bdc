//! `runway bench --rare`: the work-normalised variance gain of a
//! rare-event method over plain Monte Carlo,
//!
//! gain = (relative variance × seconds) of plain Monte Carlo
//!      ÷ (relative variance × seconds) of the method,
//!
//! each measured on the same model, paths, seed and threads: how many
//! times less computer time the method needs for the same relative
//! precision. Plain Monte Carlo's relative variance over n paths is
//! (1 − p) / (n p); p is plain Monte Carlo's own estimate when it saw at
//! least [`MIN_EVENTS`] insolvent paths, else the method's estimate (plain
//! Monte Carlo's measured variance is then meaningless; the report says
//! which).

use super::{estimate, Choice, Chosen, RareSpec};
use crate::engine::{simulate, Plan, Progress, RunSpec};
use crate::error::Result;
use crate::model::Model;
use serde::Serialize;
use std::time::Instant;

/// Plain Monte Carlo's own p is used when it saw at least this many
/// insolvent paths.
pub const MIN_EVENTS: u64 = 100;

/// What `bench --rare` measured.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RareGain {
    /// Model name.
    pub model: String,
    /// Scenario, if any.
    pub scenario: Option<String>,
    /// Paths of each run.
    pub paths: u64,
    /// Seed.
    pub seed: u64,
    /// Worker threads.
    pub threads: usize,
    /// The method measured.
    pub method: &'static str,
    /// Plain Monte Carlo: P(insolvent by the horizon).
    pub plain_probability: f64,
    /// Plain Monte Carlo: insolvent paths seen.
    pub plain_events: u64,
    /// Plain Monte Carlo: seconds.
    pub plain_seconds: f64,
    /// Plain Monte Carlo: relative variance of its estimate, (1 − p)/(n p).
    pub plain_relative_variance: f64,
    /// Which p that relative variance uses: `plain` or `rare` (plain Monte
    /// Carlo saw fewer than [`MIN_EVENTS`] insolvent paths).
    pub plain_variance_from: &'static str,
    /// The method: P(insolvent by the horizon).
    pub rare_probability: f64,
    /// The method: its 95 % interval.
    pub rare_ci95: [f64; 2],
    /// The method: seconds (pilot included).
    pub rare_seconds: f64,
    /// The method: relative variance of its estimate (relative error²).
    pub rare_relative_variance: f64,
    /// Whether the method's report is reliable.
    pub rare_reliable: bool,
    /// (relative variance × seconds) of plain Monte Carlo over the method's.
    pub gain: f64,
}

/// Measures plain Monte Carlo and the method `choice` on `model`.
pub fn measure(model: &Model, spec: &RareSpec, choice: Choice) -> Result<RareGain> {
    let plain_spec = RunSpec {
        paths: spec.paths,
        seed: spec.seed,
        threads: spec.threads,
        fan: false,
        blocks: None,
    };
    let started = Instant::now();
    let tally = simulate(model, &plain_spec, &Progress::default())?;
    let plain_seconds = started.elapsed().as_secs_f64();
    let plan = Plan::new(model).driven_by_scores();
    let (chosen, rare_seconds) = estimate(model, &plan, spec, choice, &Progress::default())?;
    let report = report_of(model, spec, &chosen, rare_seconds);
    let n = tally.paths as f64;
    let plain_p = tally.insolvent() as f64 / n;
    let rare = &report.insolvency;
    let (p, from) = if tally.insolvent() >= MIN_EVENTS {
        (plain_p, "plain")
    } else {
        (rare.probability, "rare")
    };
    let plain_relative_variance = if p > 0.0 {
        (1.0 - p) / (n * p)
    } else {
        f64::INFINITY
    };
    let rare_relative_variance = rare.relative_error * rare.relative_error;
    Ok(RareGain {
        model: model.name.clone(),
        scenario: model.scenario.clone(),
        paths: spec.paths,
        seed: spec.seed,
        threads: spec.threads,
        method: chosen.run.method.name(),
        plain_probability: plain_p,
        plain_events: tally.insolvent(),
        plain_seconds,
        plain_relative_variance,
        plain_variance_from: from,
        rare_probability: rare.probability,
        rare_ci95: rare.ci95,
        rare_seconds,
        rare_relative_variance,
        rare_reliable: report.reliable,
        gain: plain_relative_variance * plain_seconds
            / (rare_relative_variance * rare_seconds).max(f64::MIN_POSITIVE),
    })
}

fn report_of(model: &Model, spec: &RareSpec, chosen: &Chosen, seconds: f64) -> super::RareReport {
    let run = crate::analysis::summary::RunInfo {
        threads: spec.threads,
        elapsed_seconds: seconds,
        paths_per_second: spec.paths as f64 / seconds.max(1e-9),
        shards: None,
    };
    super::RareReport::new(model, spec.paths, spec.seed, chosen, run)
}
