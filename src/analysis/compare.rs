//! `runway compare`: scenarios side by side, with common random numbers.
//!
//! Every scenario simulates the same blocks with the same seed, and each
//! input draws from a stream keyed by its field path, so an input that two
//! scenarios share takes the same value on the same path in both. The
//! difference between two scenarios is then measured path by path (paired),
//! which gives a much narrower interval than comparing independent runs.

use crate::analysis::summary::{Percentiles, RunInfo, Summary};
use crate::engine::{simulate_plans, BlockView, Observer, Plan, Progress, RunSpec};
use crate::error::Result;
use crate::model::Model;
use crate::stats::{newcombe_paired, ExactSquareSum, ExactSum, Proportion, Tally, Z_95};
use serde::Serialize;

/// Path-by-path comparison of one scenario with the first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Paired {
    /// Paths insolvent in both.
    pub both: u64,
    /// Insolvent in the first scenario only.
    pub first_only: u64,
    /// Insolvent in this scenario only.
    pub this_only: u64,
    /// Insolvent in neither.
    pub neither: u64,
    /// Σ (end cash here − end cash in the first), exact.
    #[serde(skip)]
    pub end_cash_diff_sum: ExactSum,
    /// Σ (difference)², exact: the interval keeps differences of any scale.
    #[serde(skip)]
    pub end_cash_diff_sq_sum: ExactSquareSum,
}

impl Paired {
    fn merge(&mut self, o: &Paired) {
        self.both += o.both;
        self.first_only += o.first_only;
        self.this_only += o.this_only;
        self.neither += o.neither;
        self.end_cash_diff_sum.merge(&o.end_cash_diff_sum);
        self.end_cash_diff_sq_sum.merge(&o.end_cash_diff_sq_sum);
    }

    fn n(&self) -> u64 {
        self.both + self.first_only + self.this_only + self.neither
    }
}

/// 95 % interval for the difference of two paired proportions,
/// p(this) − p(first), by Newcombe's hybrid score method, from the 2×2
/// counts (see [`newcombe_paired`]).
pub fn paired_difference_ci(p: &Paired) -> [f64; 2] {
    newcombe_paired(p.both, p.first_only, p.this_only, p.neither)
}

/// The merged result of a comparison.
#[derive(Debug, Clone)]
pub struct CompareTally {
    /// One tally per scenario, in order.
    pub tallies: Vec<Tally>,
    /// Paired counts of each scenario against the first (the first against
    /// itself is all agreement).
    pub paired: Vec<Paired>,
}

/// Counts the paired outcomes of every scenario against the first, over the
/// blocks one worker runs.
struct Pairing(Vec<Paired>);

impl Observer for Pairing {
    fn observe(&mut self, blocks: &[BlockView<'_>]) -> Result<()> {
        let first = &blocks[0];
        for (pair, other) in self.0.iter_mut().zip(blocks) {
            for j in 0..first.paths() {
                let (a, b) = (first.outcome(j), other.outcome(j));
                match (a.insolvent_month.is_some(), b.insolvent_month.is_some()) {
                    (true, true) => pair.both += 1,
                    (true, false) => pair.first_only += 1,
                    (false, true) => pair.this_only += 1,
                    (false, false) => pair.neither += 1,
                }
                // b − a may overflow where a and b do not: sum the two
                // and (b − a)² = b² − 2ab + a² exactly instead.
                pair.end_cash_diff_sum.add(b.end_cash);
                pair.end_cash_diff_sum.add(-a.end_cash);
                pair.end_cash_diff_sq_sum
                    .add_difference_square(b.end_cash, a.end_cash);
            }
        }
        Ok(())
    }
}

/// The label of the row of the model as written (no scenario applied).
pub const AS_WRITTEN: &str = "(as written)";

/// The rows of a comparison of every scenario of a file: the reference
/// first, the model as written (`plain`), so that every difference reads
/// as "this scenario against the model as written"; then `scenarios` in
/// order. A scenario that changes nothing is the model as written: it
/// becomes the reference row, under its own name, instead of a second copy.
pub fn with_reference(plain: Model, scenarios: Vec<Model>) -> Vec<Model> {
    let same = scenarios.iter().position(|m| {
        m.scenario
            .as_deref()
            .is_some_and(|name| m.scenario_changes_nothing(name))
    });
    let mut rows = scenarios;
    match same {
        Some(i) => {
            let reference = rows.remove(i);
            rows.insert(0, reference);
        }
        None => rows.insert(0, plain),
    }
    rows
}

/// Simulates every model (scenario) on the same blocks and pairs them path by path.
pub fn run_compare(models: &[Model], spec: &RunSpec, progress: &Progress) -> Result<CompareTally> {
    let plans: Vec<Plan> = models.iter().map(Plan::new).collect();
    let plans: Vec<&Plan> = plans.iter().collect();
    let spec = RunSpec {
        fan: false,
        ..spec.clone()
    };
    let run = simulate_plans(&plans, &spec, progress, || {
        Pairing(vec![Paired::default(); models.len()])
    })?;
    let mut paired = vec![Paired::default(); models.len()];
    for Pairing(from) in &run.observers {
        for (into, from) in paired.iter_mut().zip(from) {
            into.merge(from);
        }
    }
    Ok(CompareTally {
        tallies: run.tallies,
        paired,
    })
}

/// One scenario's row of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioRow {
    /// Scenario name.
    pub scenario: String,
    /// What it stands for.
    pub description: String,
    /// P(insolvent by the horizon) with interval and counts.
    pub insolvency: Proportion,
    /// Median insolvency month among insolvent paths.
    pub median_insolvency_month: Option<String>,
    /// End cash percentiles.
    pub end_cash: Percentiles,
    /// Difference from the first scenario, paired path by path.
    pub difference: Difference,
}

/// A scenario's difference from the first, paired path by path.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    /// p(this) − p(first).
    pub probability: f64,
    /// Its 95 % interval (Newcombe hybrid score, paired).
    pub probability_ci95: [f64; 2],
    /// The 2×2 counts behind it.
    pub paths: Paired,
    /// Mean of (end cash here − end cash in the first).
    pub mean_end_cash: f64,
    /// Its 95 % interval (normal approximation, paired).
    pub mean_end_cash_ci95: [f64; 2],
}

/// The comparison report.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// runway version.
    pub runway_version: &'static str,
    /// Model name.
    pub model: String,
    /// Model file.
    pub file: String,
    /// Paths per scenario.
    pub paths: u64,
    /// Seed (shared: common random numbers).
    pub seed: u64,
    /// Horizon.
    pub horizon: String,
    /// Money unit.
    pub unit: String,
    /// How the differences are computed.
    pub method: &'static str,
    /// One row per scenario; the first is the reference.
    pub scenarios: Vec<ScenarioRow>,
    /// Timing.
    pub run: RunInfo,
}

impl Comparison {
    /// Builds the report from a finished comparison.
    pub fn new(models: &[Model], result: &CompareTally, run: RunInfo) -> Comparison {
        // Every scenario runs with the one seed of the comparison.
        let seed = result.tallies.first().map_or(0, |t| t.seed);
        let rows = models
            .iter()
            .zip(&result.tallies)
            .zip(&result.paired)
            .map(|((model, tally), pair)| {
                let summary = Summary::new(model, tally, run.clone());
                let count = pair.n();
                let n = count.max(1) as f64;
                let mean = pair.end_cash_diff_sum.divided_by(count);
                // The population sd (as before), from exact sums: neither a
                // tiny spread nor a large offset is lost.
                let sd = pair
                    .end_cash_diff_sum
                    .population_sd(&pair.end_cash_diff_sq_sum, count);
                let half = Z_95 * sd / n.sqrt();
                let name = model.scenario.clone().unwrap_or_else(|| AS_WRITTEN.into());
                let description = match &model.scenario {
                    None => "The model as written, no scenario applied".into(),
                    Some(name) => model
                        .scenarios
                        .iter()
                        .find(|(k, _)| k == name)
                        .map(|(_, d)| d.clone())
                        .unwrap_or_default(),
                };
                ScenarioRow {
                    scenario: name,
                    description,
                    insolvency: Proportion::new(tally.insolvent(), tally.paths),
                    median_insolvency_month: summary.insolvency.median_month.map(|m| m.to_string()),
                    end_cash: summary.end_cash.percentiles.clone(),
                    difference: Difference {
                        probability: (pair.this_only as f64 - pair.first_only as f64) / n,
                        probability_ci95: paired_difference_ci(pair),
                        paths: pair.clone(),
                        mean_end_cash: mean,
                        mean_end_cash_ci95: [mean - half, mean + half],
                    },
                }
            })
            .collect();
        let first = &models[0];
        Comparison {
            runway_version: env!("CARGO_PKG_VERSION"),
            model: first.name.clone(),
            file: first.source.label.clone(),
            paths: result.tallies[0].paths,
            seed,
            horizon: first.horizon().to_string(),
            unit: first.unit.clone(),
            method: "common random numbers: every scenario uses the same seed and per-input streams; differences are paired path by path (Newcombe hybrid score interval for the probability)",
            scenarios: rows,
            run,
        }
    }
}
