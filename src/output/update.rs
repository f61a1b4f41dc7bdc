//! The reforecast (`runway update`) as JSON and CSV; its table is in
//! `update_table.rs`.
//!
//! An [`UpdateReport`] is the [`Update`] with what it was made from (the
//! model, the actuals, the settings), so that the report names its
//! provenance; the renderers only read it.

use super::{csv_number, Render};
use crate::analysis::backtest::{Actuals, Quantity};
use crate::analysis::summary::ModelInfo;
use crate::analysis::update::{
    Forecast, InputPosterior, MonthProbability, ObservationErrors, StepDiagnostics, Update,
    UpdateSpec,
};
use crate::model::{Model, Month};
use serde::Serialize;

/// How the intervals of an update are computed.
pub const UPDATE_INTERVAL_METHOD: &str =
    "Wilson score, 95 %, with n = the effective sample size (Kish's (Σw)²/Σw²): Monte Carlo error of the weighted paths only";

/// A reforecast with its provenance, as the reports show it.
#[derive(Debug, Clone)]
pub struct UpdateReport<'a> {
    /// The reforecast.
    pub update: &'a Update,
    /// The model's name, file and scenario.
    pub model: ModelInfo,
    /// The actuals file as the user named it.
    pub actual_file: String,
    /// The seed of the run.
    pub seed: u64,
    /// The model's first month.
    pub start: Month,
    /// The model's last month.
    pub horizon: Month,
    /// Money unit.
    pub unit: String,
    /// The insolvency floor.
    pub floor: f64,
    /// The observed values used (those up to the as-of month).
    pub values: usize,
    /// The months they fall in, in order.
    pub months: Vec<Month>,
    /// The quantities observed, in report order.
    pub quantities: Vec<Quantity>,
    /// The observation errors.
    pub errors: ObservationErrors,
    /// The resampling threshold (share of the paths).
    pub resample_below: f64,
    /// Metropolis sweeps after each resampling.
    pub moves: usize,
}

impl<'a> UpdateReport<'a> {
    /// The report of `update`, made from `model`, `actuals` and `spec`.
    pub fn new(
        model: &Model,
        actuals: &Actuals,
        spec: &UpdateSpec,
        update: &'a Update,
    ) -> UpdateReport<'a> {
        let used: Vec<_> = (actuals.observations.iter())
            .filter(|o| o.month <= update.as_of)
            .collect();
        let mut months: Vec<Month> = used.iter().map(|o| o.month).collect();
        months.sort();
        months.dedup();
        let quantities = Quantity::ALL
            .into_iter()
            .filter(|q| used.iter().any(|o| o.quantity == *q))
            .collect();
        UpdateReport {
            update,
            model: ModelInfo {
                name: model.name.clone(),
                file: model.source.label.clone(),
                scenario: model.scenario.clone(),
            },
            actual_file: actuals.file.clone(),
            seed: spec.seed,
            start: model.start,
            horizon: model.horizon(),
            unit: model.unit.clone(),
            floor: model.floor,
            values: used.len(),
            months,
            quantities,
            errors: spec.errors,
            resample_below: spec.resample_below,
            moves: spec.moves,
        }
    }
}

impl Render for UpdateReport<'_> {
    fn table(&self, width: usize) -> String {
        super::update_table::render_update_table(self, width)
    }
    fn csv(&self) -> String {
        render_update_csv(self)
    }
    fn json(&self) -> String {
        render_update_json(self)
    }
}

/// One month of an insolvency curve, in the keys of `runway run`'s
/// `insolvency.by_month` (its counts become the effective sample size).
#[derive(Serialize)]
struct MonthJson {
    month: Month,
    cumulative_probability: f64,
    cumulative_ci95: [f64; 2],
    effective_paths: f64,
}

/// An insolvency forecast in the shape of `runway run`'s `insolvency`.
#[derive(Serialize)]
struct InsolvencyJson {
    /// P(insolvent by the horizon).
    probability: f64,
    ci95: [f64; 2],
    effective_paths: f64,
    interval_method: &'static str,
    by_month: Vec<MonthJson>,
}

impl InsolvencyJson {
    fn of(f: &Forecast) -> InsolvencyJson {
        let h = &f.horizon;
        InsolvencyJson {
            probability: h.probability,
            ci95: h.ci95,
            effective_paths: h.effective_paths,
            interval_method: UPDATE_INTERVAL_METHOD,
            by_month: f.insolvency.iter().map(MonthJson::of).collect(),
        }
    }
}

impl MonthJson {
    fn of(m: &MonthProbability) -> MonthJson {
        MonthJson {
            month: m.month,
            cumulative_probability: m.probability,
            cumulative_ci95: m.ci95,
            effective_paths: m.effective_paths,
        }
    }
}

#[derive(Serialize)]
struct PriorJson {
    insolvency: InsolvencyJson,
}

#[derive(Serialize)]
struct PosteriorJson<'a> {
    insolvency: InsolvencyJson,
    inputs: &'a [InputPosterior],
}

#[derive(Serialize)]
struct ObservationsJson<'a> {
    file: &'a str,
    values: usize,
    months: &'a [Month],
    quantities: Vec<&'static str>,
}

/// How the numbers were made, in words, with the settings used.
#[derive(Serialize)]
struct MethodJson {
    observation_errors: ObservationErrors,
    observation_error_model: &'static str,
    weighting: &'static str,
    resampling: &'static str,
    resample_below: f64,
    rejuvenation: &'static str,
    moves: usize,
    effective_paths: &'static str,
    intervals: &'static str,
}

/// What the method descriptions say (the settings are added beside them).
const OBSERVATION_ERROR_MODEL: &str = "each figure is the model's figure of that month times a relative error: revenue, cost and users lognormal, ln(observed) ~ N(ln(simulated), σ²); cash normal with standard deviation σ · max(|observed|, 1 % of the median opening cash or 1 money unit); σ per quantity as in observation_errors";
const WEIGHTING: &str = "sequential importance sampling over the paths: each observed month multiplies a path's weight by the likelihood of the month's figures; a path insolvent by a month the company is known solvent (every observed month, the as-of month) gets weight 0";
const RESAMPLING: &str =
    "systematic resampling when the effective sample size falls below resample_below × paths";
const REJUVENATION: &str = "after each resampling, `moves` Metropolis sweeps that keep the posterior so far invariant, on every path's standard normal scores (the copula space): the scores of later months drawn afresh, the others a Crank–Nicolson proposal around a Gaussian fitted to the paths, its step adapted towards an acceptance of 25–50 %";
const EFFECTIVE_PATHS: &str = "of an estimate: P(1 − P)/V, V the variance of the weighted estimate clustered by the prior path each path descends from, at most Kish's (Σw)²/Σw²; `effective_paths` is that of P(insolvent by the horizon); a step's `ess` is Kish's after weighting by that month";

#[derive(Serialize)]
struct UpdateJson<'a> {
    runway_version: &'static str,
    model: &'a ModelInfo,
    paths: u64,
    seed: u64,
    start: Month,
    horizon: Month,
    unit: &'a str,
    floor: f64,
    as_of: Month,
    observations: ObservationsJson<'a>,
    effective_paths: f64,
    /// Posterior − prior P(insolvent by the horizon).
    change: f64,
    prior: PriorJson,
    prior_solvent: PriorJson,
    posterior: PosteriorJson<'a>,
    steps: &'a [StepDiagnostics],
    warnings: &'a [String],
    /// False when the posterior rests on too few prior paths (exit code 1).
    reliable: bool,
    method: MethodJson,
}

/// The reforecast as pretty JSON (with a trailing newline).
pub fn render_update_json(r: &UpdateReport<'_>) -> String {
    let u = r.update;
    let json = UpdateJson {
        runway_version: env!("CARGO_PKG_VERSION"),
        model: &r.model,
        paths: u.paths,
        seed: r.seed,
        start: r.start,
        horizon: r.horizon,
        unit: &r.unit,
        floor: r.floor,
        as_of: u.as_of,
        observations: ObservationsJson {
            file: &r.actual_file,
            values: r.values,
            months: &r.months,
            quantities: r.quantities.iter().map(|q| q.name()).collect(),
        },
        effective_paths: u.effective_paths,
        change: u.change(),
        prior: PriorJson {
            insolvency: InsolvencyJson::of(&u.prior),
        },
        prior_solvent: PriorJson {
            insolvency: InsolvencyJson::of(&u.prior_solvent),
        },
        posterior: PosteriorJson {
            insolvency: InsolvencyJson::of(&u.posterior),
            inputs: &u.inputs,
        },
        steps: &u.steps,
        warnings: &u.warnings,
        reliable: u.reliable,
        method: MethodJson {
            observation_errors: r.errors,
            observation_error_model: OBSERVATION_ERROR_MODEL,
            weighting: WEIGHTING,
            resampling: RESAMPLING,
            resample_below: r.resample_below,
            rejuvenation: REJUVENATION,
            moves: r.moves,
            effective_paths: EFFECTIVE_PATHS,
            intervals: UPDATE_INTERVAL_METHOD,
        },
    };
    let mut text = serde_json::to_string_pretty(&json).expect("an update always serialises");
    text.push('\n');
    text
}

/// The month-by-month table: month, then P(insolvent by the month) and its
/// 95 % interval under the prior, the prior given solvency through the
/// as-of month, and the posterior, then the posterior's effective paths.
pub fn render_update_csv(r: &UpdateReport<'_>) -> String {
    let u = r.update;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record([
        "month",
        "prior",
        "prior_ci_low",
        "prior_ci_high",
        "prior_solvent",
        "prior_solvent_ci_low",
        "prior_solvent_ci_high",
        "posterior",
        "posterior_ci_low",
        "posterior_ci_high",
        "effective_paths",
    ])
    .expect("in-memory CSV");
    let rows = u
        .posterior
        .insolvency
        .iter()
        .zip(&u.prior.insolvency)
        .zip(&u.prior_solvent.insolvency);
    for ((post, prior), solvent) in rows {
        let mut record = vec![post.month.to_string()];
        for m in [prior, solvent, post] {
            record.extend([m.probability, m.ci95[0], m.ci95[1]].map(|x| csv_number(Some(x))));
        }
        record.push(csv_number(Some(post.effective_paths)));
        w.write_record(&record).expect("in-memory CSV");
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV is UTF-8")
}
