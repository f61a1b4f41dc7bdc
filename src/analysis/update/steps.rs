//! The filter itself: prior particles, then one step per observed month
//! (reweight, and when the sample has thinned, resample and move).

use super::likelihood::Likelihood;
use super::moves::rejuvenate;
use super::particles::{derived_seed, simulate, to_columns, Setup, Sims, Step};
use super::{report, Particles, StepDiagnostics, Update, UpdateSpec};
use super::{MAX_PARTICLE_BYTES, MIN_PATHS};
use crate::analysis::backtest::{Actuals, Quantity};
use crate::engine::{Dimension, Plan, Progress};
use crate::error::{Error, Result, Setting};
use crate::model::{Model, Month};
use crate::sampling::rng::{open01, stream, stream_key};
use crate::sampling::standard_normal;

/// A warning is given when a step's effective sample size falls below
/// this share of the paths.
pub(super) const COLLAPSE_SHARE: f64 = 0.05;

/// Runs the update (see the module's text).
pub(super) fn run(
    model: &Model,
    actuals: &Actuals,
    spec: &UpdateSpec,
    progress: &Progress,
) -> Result<(Update, Particles)> {
    check_spec(spec)?;
    let plan = Plan::new(model).driven_by_scores().recording_months();
    let dims = plan.score_layout().len();
    check_memory(spec.paths, dims)?;
    let (as_of, steps) = build_steps(model, actuals, spec)?;
    let inputs = (0..plan.input_paths().len())
        .filter(|&s| !plan.slot_is_constant(s))
        .collect();
    let month_of = (plan.score_layout().dimensions().iter())
        .map(|d| match *d {
            Dimension::Monthly { month, .. } | Dimension::Strike { month, .. } => month,
            _ => 0,
        })
        .collect();
    let setup = Setup {
        plan,
        steps,
        dims,
        inputs,
        month_of,
        paths: spec.paths as usize,
        threads: spec.threads,
    };
    let layout = setup.plan.score_layout().clone();
    let prior_seed = derived_seed(spec.seed, "prior", &[]);
    let prior = simulate(&setup, progress, true, |block, n, columns| {
        for (d, column) in columns.iter_mut().enumerate() {
            let mut rng = stream(prior_seed, block, layout.key(d));
            column[..n]
                .iter_mut()
                .for_each(|z| *z = standard_normal(&mut rng));
        }
    })?;
    let as_of_t = as_of.months_since(model.start) as u32 + 1;
    let mut filter = Filter {
        setup: &setup,
        spec,
        sims: prior.clone(),
        logw: vec![0.0; setup.paths],
        roots: (0..setup.paths as u64).collect(),
        diagnostics: Vec::new(),
        warnings: Vec::new(),
    };
    for k in 0..setup.steps.len() {
        filter.step(k, actuals, progress)?;
    }
    // The posterior predictive: the months after the as-of month touch no
    // observation, so their scores are drawn afresh from their prior.
    let future_seed = derived_seed(spec.seed, "future", &[]);
    let current = &filter.sims.scores;
    let month_of = &setup.month_of;
    let last = simulate(&setup, progress, true, |block, n, columns| {
        to_columns(current, dims, block, n, columns);
        for (d, column) in columns.iter_mut().enumerate() {
            if month_of[d] > as_of_t {
                let mut rng = stream(future_seed, block, layout.key(d));
                column[..n]
                    .iter_mut()
                    .for_each(|z| *z = standard_normal(&mut rng));
            }
        }
    })?;
    filter.sims = last;
    let weights = normalised(&filter.logw);
    let posterior = report::posterior(
        model,
        as_of_t,
        &filter.sims.insolvent,
        &weights,
        &filter.roots,
    );
    let mut warnings = filter.warnings;
    let lineages = report::lineages(&weights, &filter.roots);
    if lineages < report::MIN_LINEAGES {
        warnings.push(format!(
            "the posterior descends from only {lineages} of the prior paths (fewer than {}): its probabilities and intervals rest on too few independent paths to be trusted; loosen --error or add --paths",
            report::MIN_LINEAGES
        ));
    }
    let update = Update {
        as_of,
        paths: spec.paths,
        prior: report::forecast(model, as_of_t, &prior.insolvent, None),
        prior_solvent: report::forecast(model, as_of_t, &prior.insolvent, Some(as_of_t)),
        effective_paths: posterior.horizon.effective_paths,
        posterior,
        inputs: report::inputs(&setup, &filter.sims.inputs, &weights),
        steps: filter.diagnostics,
        warnings,
        reliable: lineages >= report::MIN_LINEAGES,
    };
    let particles = Particles {
        dims,
        scores: filter.sims.scores,
        weights,
    };
    Ok((update, particles))
}

/// The particles between steps.
struct Filter<'a> {
    setup: &'a Setup,
    spec: &'a UpdateSpec,
    /// The particles' scores and what they simulated.
    sims: Sims,
    /// ln-weights (not normalised).
    logw: Vec<f64>,
    /// The prior particle each particle descends from (through the
    /// resamplings): the clusters of the posterior's variance.
    roots: Vec<u64>,
    diagnostics: Vec<StepDiagnostics>,
    warnings: Vec<String>,
}

impl Filter<'_> {
    /// Step `k`: weight by its likelihood, then resample and move if the
    /// effective sample size has fallen below the threshold.
    fn step(&mut self, k: usize, actuals: &Actuals, progress: &Progress) -> Result<()> {
        let steps = self.setup.steps.len();
        for (i, lw) in self.logw.iter_mut().enumerate() {
            *lw += self.sims.loglik[i * steps + k];
        }
        let step = &self.setup.steps[k];
        if self.logw.iter().all(|w| *w == f64::NEG_INFINITY) {
            return Err(impossible(actuals, step, &self.sims));
        }
        let weights = normalised(&self.logw);
        let ess = kish(&weights);
        let n = self.setup.paths as f64;
        if ess < COLLAPSE_SHARE * n {
            self.warnings.push(format!(
                "the effective sample size fell to {ess:.0} of {n:.0} paths ({:.1} %) at {}: the figures of that month are far in the model's tails or the observation errors are small; treat the posterior with care, or run more paths",
                100.0 * ess / n,
                step.month
            ));
        }
        let resampled = ess < self.spec.resample_below * n;
        let mut acceptance = None;
        if resampled {
            self.resample(&weights, k);
            let moved = rejuvenate(
                self.setup,
                &mut self.sims,
                k,
                self.spec.moves,
                self.spec.seed,
                progress,
            )?;
            acceptance = Some(moved.acceptance);
        }
        self.diagnostics.push(StepDiagnostics {
            month: step.month,
            observations: step.observations.len(),
            ess,
            resampled,
            acceptance,
        });
        Ok(())
    }

    /// Systematic resampling: one uniform from a stream of the step, N
    /// equally spaced points on the cumulative weights.
    fn resample(&mut self, weights: &[f64], k: usize) {
        let n = self.setup.paths;
        let seed = derived_seed(self.spec.seed, "resample", &[k as u64]);
        let u = open01(&mut stream(seed, 0, stream_key("resample")));
        let old = self.sims.clone();
        let old_roots = self.roots.clone();
        let mut cumulative = 0.0;
        let mut parent = 0;
        for i in 0..n {
            let point = (i as f64 + u) / n as f64;
            while parent + 1 < n && cumulative + weights[parent] < point {
                cumulative += weights[parent];
                parent += 1;
            }
            self.sims.copy_path(i, &old, parent, self.setup);
            self.roots[i] = old_roots[parent];
        }
        self.logw.iter_mut().for_each(|w| *w = 0.0);
    }
}

/// exp(lw − max lw), normalised to sum 1.
pub(super) fn normalised(logw: &[f64]) -> Vec<f64> {
    let max = logw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = logw.iter().map(|&l| (l - max).exp()).collect();
    let total: f64 = w.iter().sum();
    w.into_iter().map(|x| x / total).collect()
}

/// Kish's effective sample size of normalised weights: 1 / Σw².
pub(super) fn kish(weights: &[f64]) -> f64 {
    1.0 / weights.iter().map(|w| w * w).sum::<f64>()
}

/// The error for a step no particle survives.
fn impossible(actuals: &Actuals, step: &Step, sims: &Sims) -> Error {
    let insolvent = sims
        .insolvent
        .iter()
        .filter(|&&m| m != 0 && m <= step.t)
        .count();
    let figures: Vec<String> = (step.observations.iter())
        .map(|o| format!("{} {}", o.quantity.name(), o.observed))
        .collect();
    let cause = if insolvent == sims.insolvent.len() {
        format!("every path of the model was insolvent by {}", step.month)
    } else if figures.is_empty() {
        format!(
            "no path stays solvent through {} and fits the months before",
            step.month
        )
    } else {
        format!(
            "no path of the model can show {} in {} and fit the months before (a figure the error model cannot reach, such as revenue above 0 where every path has none, or every fitting path insolvent by then)",
            figures.join(", "),
            step.month
        )
    };
    Error::Input {
        file: actuals.file.clone(),
        rule: format!("{cause}; check the figures and the model, or widen the observation error"),
    }
}

/// Checks the settings of an update.
fn check_spec(spec: &UpdateSpec) -> Result<()> {
    if spec.paths < MIN_PATHS {
        return Err(Error::Setting {
            setting: Setting::Paths,
            value: Some(spec.paths.to_string()),
            rule: format!("an update needs at least {MIN_PATHS} paths (particles)"),
        });
    }
    if !(spec.resample_below > 0.0 && spec.resample_below <= 1.0) {
        return Err(Error::Usage(format!(
            "resampling threshold {}: write a share of the paths above 0 and at most 1 (0.5 resamples when the effective sample size falls below half the paths)",
            spec.resample_below
        )));
    }
    for q in Quantity::ALL {
        let sigma = spec.errors.of(q);
        if !(sigma.is_finite() && sigma > 0.0) {
            return Err(Error::Usage(format!(
                "observation error of {} = {sigma}: write a relative standard deviation above 0, e.g. 0.05 for about 5 %",
                q.name()
            )));
        }
    }
    Ok(())
}

/// Refuses particle sets whose scores would not fit in memory.
fn check_memory(paths: u64, dims: usize) -> Result<()> {
    // The scores, the proposals of a move and the copy a resampling makes.
    let bytes = paths.saturating_mul(dims as u64).saturating_mul(8 * 3);
    if bytes > MAX_PARTICLE_BYTES {
        return Err(Error::Setting {
            setting: Setting::Paths,
            value: Some(paths.to_string()),
            rule: format!(
                "an update keeps every path's {dims} scores in memory: {paths} paths would take {:.1} GiB (at most {} GiB); use fewer paths",
                bytes as f64 / (1u64 << 30) as f64,
                MAX_PARTICLE_BYTES >> 30
            ),
        });
    }
    Ok(())
}

/// The as-of month and the steps: every observed month, the last month
/// the `insolvent` column says solvent, and the as-of month, in order.
fn build_steps(model: &Model, actuals: &Actuals, spec: &UpdateSpec) -> Result<(Month, Vec<Step>)> {
    let last_seen = actuals.observations.iter().map(|o| o.month).max();
    let as_of = spec
        .as_of
        .or(last_seen)
        .or(actuals.insolvency.solvent_through)
        .ok_or_else(|| Error::Input {
            file: actuals.file.clone(),
            rule: "nothing observed: give at least one month's cash, revenue, cost or users".into(),
        })?;
    if as_of < model.start || as_of >= model.horizon() {
        return Err(Error::Usage(format!(
            "as-of {as_of}: the forecast month must be within the model's months {} to {} and before the last, so that there is a month left to forecast",
            model.start,
            model.horizon()
        )));
    }
    if let Some(by) = actuals.insolvency.insolvent_by.filter(|&m| m <= as_of) {
        return Err(Error::Input {
            file: actuals.file.clone(),
            rule: format!("the `insolvent` column says the company was insolvent by {by}, at or before the as-of month {as_of}: an update forecasts a company still solvent"),
        });
    }
    let has_users = model.revenues.iter().any(|r| r.arpu.is_some());
    let cash_scale = (0.01 * model.initial_cash.dist.quantile(0.5).abs()).max(1.0);
    let mut steps: Vec<Step> = Vec::new();
    for o in &actuals.observations {
        let place = |col: &str| match o.line {
            Some(l) => format!("line {l}, column {col}"),
            None => format!("column {col}"),
        };
        if o.month > as_of {
            return Err(Error::Field {
                file: actuals.file.clone(),
                path: place("month"),
                value: Some(o.month.to_string()),
                rule: format!("after the as-of month {as_of}: an update conditions on months up to it; drop the row or move the as-of month"),
                at: None,
            });
        }
        if o.month < model.start || !o.value.is_finite() {
            return Err(Error::Field {
                file: actuals.file.clone(),
                path: place(o.quantity.name()),
                value: Some(o.value.to_string()),
                rule: format!(
                    "a finite value in the model's months {} to {}",
                    model.start,
                    model.horizon()
                ),
                at: None,
            });
        }
        if o.quantity == Quantity::Cash && o.value < model.floor {
            return Err(Error::Field {
                file: actuals.file.clone(),
                path: place("cash"),
                value: Some(o.value.to_string()),
                rule: format!(
                    "below the cash floor {}: the company was insolvent in {}, and an update forecasts a company still solvent through the as-of month {as_of}; end the actuals before that month, or judge the old forecast with `runway backtest`",
                    crate::dist::fmt_num(model.floor),
                    o.month
                ),
                at: None,
            });
        }
        if o.quantity == Quantity::Users && !has_users {
            return Err(Error::Field {
                file: actuals.file.clone(),
                path: place("users"),
                value: None,
                rule: "the model has no users × arpu revenue line, so it forecasts no users to condition on; remove the column or add `users` and `arpu` to a revenue line".into(),
                at: None,
            });
        }
        let sigma = spec.errors.of(o.quantity);
        let l = Likelihood::new(o.quantity, o.value, sigma, cash_scale);
        step_at(&mut steps, model, o.month).observations.push(l);
    }
    if let Some(m) = actuals.insolvency.solvent_through.filter(|&m| m <= as_of) {
        step_at(&mut steps, model, m);
    }
    step_at(&mut steps, model, as_of);
    steps.sort_by_key(|s| s.t);
    Ok((as_of, steps))
}

/// The step of `month`, made if there is none yet.
fn step_at<'a>(steps: &'a mut Vec<Step>, model: &Model, month: Month) -> &'a mut Step {
    let t = month.months_since(model.start) as u32 + 1;
    let at = match steps.iter().position(|s| s.t == t) {
        Some(i) => i,
        None => {
            steps.push(Step {
                month,
                t,
                observations: Vec::new(),
            });
            steps.len() - 1
        }
    };
    &mut steps[at]
}
