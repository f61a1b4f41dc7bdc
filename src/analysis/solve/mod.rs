//! `runway solve`: the value of one field (a lever) at which the
//! probability of insolvency by a month equals a target; with two levers,
//! the second lever's answer over a grid of the first (a frontier).
//!
//! Every candidate value is loaded as the model plus one `--set` override
//! (see [`lever`]) and simulated on the same seed and blocks as every
//! other candidate: common random numbers, so the count of insolvent paths
//! is a step function of the value on this sample and the search (see
//! [`search`]) is exact for it, and bit-identical for any thread count.
//! Candidates of one round are simulated together in one pass over the
//! blocks (`engine::simulate_plans` with several plans). An *evaluation*
//! is one candidate simulated on all the run's paths.
//!
//! Besides the value, the result gives the probability there with its
//! Wilson interval, and an interval for the value: the values whose
//! sample interval still contains the target (found by the same search,
//! on the two counts where the Wilson interval's ends cross the target).

pub mod lever;
mod problem;
pub mod search;

pub use lever::{Lever, Mode, Range};
pub use problem::Levels;

use crate::engine::{simulate_plans, BlockView, Observer, Plan, Progress, RunSpec};
use crate::error::{Error, Result};
use crate::model::{load_str, LoadOptions, Model};
use crate::stats::Proportion;
use problem::{End, Problem};
use search::{Level, LevelState, Point};
use serde::Serialize;

/// The question: the target and the month.
#[derive(Debug, Clone)]
pub struct SolveSpec {
    /// The target P(insolvent by the month), in (0, 1).
    pub target: f64,
    /// The month (1-based month number) by which insolvency counts.
    pub by: u32,
    /// Most evaluations of each search.
    pub max_evaluations: usize,
}

/// One lever as the command line gives it: the field, the mode, the range
/// (`None`: a default range around the field's value, widened as needed).
#[derive(Debug, Clone)]
pub struct LeverSpec {
    /// The field path.
    pub field: String,
    /// Set, shift or scale.
    pub mode: Mode,
    /// `--min` and `--max`.
    pub range: Option<Range>,
}

/// One evaluation as reported: a value and P(insolvent by the month) there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The lever's value.
    pub value: f64,
    /// Paths insolvent by the month, of `paths`.
    pub count: u64,
    /// count / paths.
    pub probability: f64,
}

/// The answer of one search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// The value: the end of the final bracket where P ≤ target.
    pub value: f64,
    /// The values whose 95 % interval of P contains the target.
    pub value_ci95: [f64; 2],
    /// Whether each end of `value_ci95` is the end of the searched range
    /// (the interval may reach beyond it).
    pub value_ci95_at_range_end: [bool; 2],
    /// P(insolvent by the month) at `value`.
    pub probability: f64,
    /// Its 95 % Wilson interval.
    pub probability_ci95: [f64; 2],
    /// The width of the final bracket: the answer is exact for the sample
    /// to within it.
    pub resolution: f64,
    /// True when P falls as the value rises.
    pub decreasing: bool,
}

/// What the model as solved is, for the reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting {
    /// The model's name.
    pub model: String,
    /// Where the model came from.
    pub file: String,
    /// The scenario applied.
    pub scenario: Option<String>,
    /// The money unit.
    pub unit: String,
    /// The target probability.
    pub target: f64,
    /// The month by which insolvency counts, `YYYY-MM`.
    pub by: String,
    /// Paths per evaluation.
    pub paths: u64,
    /// The seed (common random numbers).
    pub seed: u64,
    /// How inputs are sampled.
    pub sampling: String,
}

/// The result of `runway solve` with one lever.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solution {
    /// The field varied.
    pub field: String,
    /// How.
    pub mode: Mode,
    /// The range searched (after any widening).
    pub range: Range,
    /// Whether the range is the user's (`--min`, `--max`).
    pub range_given: bool,
    /// The answer; `None` when the target is not reached in the range.
    pub answer: Option<Answer>,
    /// Why the target was not reached, when it was not.
    pub unreached: Option<String>,
    /// The field at the answer, as the model then holds it (a
    /// distribution's label, or a month).
    pub field_at_value: Option<String>,
    /// Evaluations (one value on every path).
    pub evaluations: usize,
    /// Passes over the blocks (several evaluations share a pass).
    pub passes: usize,
    /// Every evaluation, in the order made.
    pub trace: Vec<Evaluation>,
    /// The model and the run.
    pub setting: Setting,
}

/// One row of a frontier: the first lever's value and the second's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrontierRow {
    /// The first lever's value.
    pub first: f64,
    /// The second lever's answer there (`None`: not reached in its range).
    pub answer: Option<Answer>,
    /// Evaluations of this row's search.
    pub evaluations: usize,
}

/// The result of `runway solve` with two levers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Frontier {
    /// The first lever's field, mode and grid range.
    pub first: (String, Mode, Range),
    /// The second lever's field, mode and range.
    pub second: (String, Mode, Range),
    /// One row per grid value of the first lever.
    pub rows: Vec<FrontierRow>,
    /// Evaluations in all.
    pub evaluations: usize,
    /// Passes over the blocks.
    pub passes: usize,
    /// The model and the run.
    pub setting: Setting,
}

/// The model, the user's overrides, and how a candidate is loaded.
pub struct Base<'a> {
    /// The model as loaded (scenario, `--set` and `--sampling` applied).
    pub model: &'a Model,
    /// The user's `--set` overrides.
    pub overrides: &'a [String],
}

impl Base<'_> {
    /// The model with `extra` overrides after the user's.
    fn load(&self, extra: &[String]) -> Result<Model> {
        let mut overrides = self.overrides.to_vec();
        overrides.extend_from_slice(extra);
        let options = LoadOptions {
            scenario: self.model.scenario.clone(),
            overrides,
        };
        let mut model = load_str(&self.model.source.text, &self.model.source.label, &options)?;
        model.sampling = self.model.sampling;
        Ok(model)
    }

    fn setting(&self, spec: &SolveSpec, run: &RunSpec) -> Setting {
        let m = self.model;
        Setting {
            model: m.name.clone(),
            file: m.source.label.clone(),
            scenario: m.scenario.clone(),
            unit: m.unit.clone(),
            target: spec.target,
            by: m.month_label(spec.by).to_string(),
            paths: run.paths,
            seed: run.seed,
            sampling: m.sampling.describe().to_string(),
        }
    }
}

/// Counts each plan's paths insolvent by a month.
struct Insolvent {
    by: u32,
    counts: Vec<u64>,
}

impl Observer for Insolvent {
    fn observe(&mut self, blocks: &[BlockView<'_>]) -> Result<()> {
        for (count, block) in self.counts.iter_mut().zip(blocks) {
            for j in 0..block.paths() {
                if block
                    .outcome(j)
                    .insolvent_month
                    .is_some_and(|m| m <= self.by)
                {
                    *count += 1;
                }
            }
        }
        Ok(())
    }
}

/// Runs every problem to its end, one pass over the blocks per round;
/// returns the number of passes.
fn drive(
    base: &Base<'_>,
    problems: &mut [Problem],
    by: u32,
    run: &RunSpec,
    progress: &Progress,
) -> Result<usize> {
    let mut passes = 0;
    for _ in 0..10_000 {
        let mut batch: Vec<(usize, f64, Model)> = Vec::new();
        for (i, p) in problems.iter_mut().enumerate() {
            for value in p.proposals() {
                let mut extra = p.fixed.clone();
                extra.push(p.lever.override_for(value)?);
                match base.load(&extra) {
                    Ok(model) => batch.push((i, value, model)),
                    Err(e) => {
                        if !p.refuse(value) {
                            return Err(candidate_error(e, &p.lever, value));
                        }
                    }
                }
            }
        }
        if batch.is_empty() {
            if problems.iter().all(Problem::done) {
                return Ok(passes);
            }
            continue;
        }
        let plans: Vec<Plan> = batch.iter().map(|(_, _, m)| Plan::new(m)).collect();
        let plans: Vec<&Plan> = plans.iter().collect();
        let spec = RunSpec {
            fan: false,
            blocks: None,
            ..run.clone()
        };
        let result = simulate_plans(&plans, &spec, progress, || Insolvent {
            by,
            counts: vec![0; plans.len()],
        })?;
        passes += 1;
        let mut counts = vec![0u64; plans.len()];
        for observer in &result.observers {
            for (into, from) in counts.iter_mut().zip(&observer.counts) {
                *into += from;
            }
        }
        for ((i, value, _), count) in batch.iter().zip(counts) {
            problems[*i].feed(*value, count);
        }
    }
    Err(Error::Internal("the solver's search did not end".into()))
}

/// A candidate's load error, named as the lever's.
fn candidate_error(e: Error, lever: &Lever, value: f64) -> Error {
    match e {
        Error::Field {
            file,
            path,
            value: shown,
            rule,
            at,
        } if file.starts_with("--set ") && path.starts_with(&lever.field) => Error::Field {
            file: format!("--vary {} ({} {})", lever.field, lever.mode.name(), value),
            path,
            value: shown,
            rule: format!("{rule} (a value the search tried: keep --min and --max inside the field's valid values)"),
            at,
        },
        other => other,
    }
}

/// The problem of `lever` with `fixed` overrides before it.
fn problem(
    base: &Base<'_>,
    spec: &SolveSpec,
    run: &RunSpec,
    lever: &LeverSpec,
    fixed: Vec<String>,
) -> Result<Problem> {
    let lever_model = if fixed.is_empty() {
        base.model.clone()
    } else {
        base.load(&fixed)?
    };
    let mut overrides = base.overrides.to_vec();
    overrides.extend(fixed.iter().cloned());
    let built = Lever::new(&lever_model, &overrides, &lever.field, lever.mode)?;
    let range = lever
        .range
        .unwrap_or_else(|| built.default_range(base.model.months));
    Ok(Problem::new(
        built,
        fixed,
        range,
        lever.range.is_some(),
        Levels::new(spec.target, run.paths),
        spec.max_evaluations,
    ))
}

/// The answer of an ended problem (`None` when not reached).
fn answer(p: &Problem, paths: u64) -> Option<Answer> {
    let Some(End::Reached { target, low, high }) = &p.end else {
        return None;
    };
    let LevelState::Bracketed(t) = target.state else {
        return None;
    };
    let decreasing = t.met > t.not_met;
    let (met_end, not_met_end) = if decreasing {
        (p.range.max, p.range.min)
    } else {
        (p.range.min, p.range.max)
    };
    // Each end of the interval is the outer end of its level's bracket, so
    // that the interval holds every value whose interval holds the target
    // even when the budget ran out before the bracket was narrow.
    let end_of = |level: Option<&Level>, low_level: bool| match level.map(|l| &l.state) {
        Some(LevelState::Bracketed(b)) => (if low_level { b.not_met } else { b.met }, false),
        _ => (if low_level { not_met_end } else { met_end }, true),
    };
    let (a, a_end) = end_of(Some(low), true);
    let (b, b_end) = end_of(high.as_ref(), false);
    let (lo, hi, flags) = if a <= b {
        (a, b, [a_end, b_end])
    } else {
        (b, a, [b_end, a_end])
    };
    let at = Proportion::new(t.met_count, paths);
    Some(Answer {
        value: t.met,
        value_ci95: [lo, hi],
        value_ci95_at_range_end: flags,
        probability: at.probability,
        probability_ci95: at.ci95,
        resolution: t.width(),
        decreasing,
    })
}

fn trace(points: &[Point], paths: u64) -> Vec<Evaluation> {
    points
        .iter()
        .map(|p| Evaluation {
            value: p.value,
            count: p.count,
            probability: p.count as f64 / paths as f64,
        })
        .collect()
}

/// Solves for one lever.
pub fn solve(
    base: &Base<'_>,
    lever: &LeverSpec,
    spec: &SolveSpec,
    run: &RunSpec,
    progress: &Progress,
) -> Result<Solution> {
    let mut problems = vec![problem(base, spec, run, lever, Vec::new())?];
    let passes = drive(base, &mut problems, spec.by, run, progress)?;
    let p = &problems[0];
    let answer = answer(p, run.paths);
    let field_at_value = match &answer {
        Some(a) => {
            let model = base.load(&[p.lever.override_for(a.value)?])?;
            describe_field(&model, &p.lever.field, a.value)
        }
        None => None,
    };
    let unreached = match &p.end {
        Some(End::Unreached { lo, hi, why, hint }) => {
            Some(unreached_text(p, *lo, *hi, why, run.paths) + "; " + hint)
        }
        _ => None,
    };
    Ok(Solution {
        field: p.lever.field.clone(),
        mode: p.lever.mode,
        range: p.range,
        range_given: p.given,
        answer,
        unreached,
        field_at_value,
        evaluations: p.points.len(),
        passes,
        trace: trace(&p.points, run.paths),
        setting: base.setting(spec, run),
    })
}

/// Solves for the second lever at each of `steps` values of the first.
pub fn frontier(
    base: &Base<'_>,
    levers: [&LeverSpec; 2],
    steps: usize,
    spec: &SolveSpec,
    run: &RunSpec,
    progress: &Progress,
) -> Result<Frontier> {
    let first = Lever::new(base.model, base.overrides, &levers[0].field, levers[0].mode)?;
    let grid_range = levers[0]
        .range
        .unwrap_or_else(|| first.default_range(base.model.months));
    let steps = steps.max(2);
    let grid: Vec<f64> = (0..steps)
        .map(|i| {
            let x =
                grid_range.min + (grid_range.max - grid_range.min) * i as f64 / (steps - 1) as f64;
            if first.whole {
                x.round()
            } else {
                x
            }
        })
        .collect();
    let mut problems = Vec::with_capacity(grid.len());
    for &g in &grid {
        let fixed = vec![first.override_for(g)?];
        base.load(&fixed)
            .map_err(|e| candidate_error(e, &first, g))?;
        problems.push(problem(base, spec, run, levers[1], fixed)?);
    }
    let passes = drive(base, &mut problems, spec.by, run, progress)?;
    let rows: Vec<FrontierRow> = grid
        .iter()
        .zip(&problems)
        .map(|(&g, p)| FrontierRow {
            first: g,
            answer: answer(p, run.paths),
            evaluations: p.points.len(),
        })
        .collect();
    let second_range = problems
        .first()
        .map_or(Range { min: 0.0, max: 0.0 }, |p| p.range);
    Ok(Frontier {
        first: (first.field.clone(), first.mode, grid_range),
        second: (levers[1].field.clone(), levers[1].mode, second_range),
        evaluations: rows.iter().map(|r| r.evaluations).sum(),
        rows,
        passes,
        setting: base.setting(spec, run),
    })
}

/// The field at the answer: its month, or its distribution's label.
fn describe_field(model: &Model, field: &str, value: f64) -> Option<String> {
    let input = model
        .path_inputs()
        .into_iter()
        .chain(model.monthly_inputs())
        .find(|i| i.path == field)?;
    if field.ends_with(".month") && input.is_constant() && value >= 1.0 {
        return Some(model.month_label(value as u32).to_string());
    }
    Some(input.dist.label().to_string())
}

/// Why the target was not reached, with the probabilities at the range's ends.
fn unreached_text(p: &Problem, lo: Point, hi: Point, why: &str, paths: u64) -> String {
    let pct = |c: u64| 100.0 * c as f64 / paths as f64;
    format!(
        "{why}: P(insolvent) is {:.3} % at {} = {} and {:.3} % at {}",
        pct(lo.count),
        p.lever.field,
        lever_number(lo.value),
        pct(hi.count),
        lever_number(hi.value)
    )
}

/// A lever's value in a message (shortest form).
pub fn lever_number(x: f64) -> String {
    crate::dist::fmt_num(x)
}
