//! Scoring the actuals against a finished run's per-month sketches.

use super::actuals::check_against;
use super::{
    Actuals, Backtest, BacktestMethod, BandCoverage, Coverage, InsolvencyScore, InsolvencyScores,
    Observation, ObservationScore, PitSummary, Quantity, QuantityScore, UniformityTest,
};
use crate::analysis::summary::{ModelInfo, Percentiles};
use crate::error::{Error, Result, Setting};
use crate::model::{Model, Month};
use crate::stats::{
    brier_score, ks_critical_value, ks_uniform_statistic, log_score, wilson, Fan, Tally, KS_ALPHA,
    LOG_SCORE_CLAMP,
};
use std::fmt::Write as _;

/// How the scores are computed.
const METHOD: BacktestMethod = BacktestMethod {
    pit: "mid-rank of the observed value among the simulated values of its month and quantity, at the sketch's resolution (buckets 0.4 % wide): fraction below plus half the ties; 0 below the simulated minimum, 1 above the maximum (both exact)",
    bands: "central 50 % band [p25, p75] and 90 % band [p5, p95], inclusive, from the sketch quantiles (relative error at most 0.2 %)",
    coverage_interval: "Wilson score 95 % for k of n, assuming independent observations",
    uniformity: "Kolmogorov–Smirnov D of the PITs against U(0, 1); critical value at α = 0.05 by Stephens' approximation 1.358 / (√n + 0.12 + 0.11/√n); approximate",
    probability_scores: "Brier = (P − outcome)²; log score = −ln P(outcome) in nats with P clamped to [1e-6, 1 − 1e-6]; lower is better for both",
};

impl BandCoverage {
    fn new(band: &'static str, nominal: f64, inside: u64, n: u64) -> BandCoverage {
        let ci = (n > 0).then(|| wilson(inside, n));
        let verdict = match ci {
            None => "no observations",
            Some([lo, _]) if nominal < lo => {
                "more observations inside than nominal: the band is too wide (underconfident)"
            }
            Some([_, hi]) if nominal > hi => {
                "fewer observations inside than nominal: the band is too narrow (overconfident)"
            }
            Some(_) => "consistent with nominal",
        };
        BandCoverage {
            band,
            nominal,
            inside,
            observations: n,
            rate: (n > 0).then(|| inside as f64 / n as f64),
            ci95: ci,
            verdict,
        }
    }
}

impl InsolvencyScore {
    fn new(month: Month, count: u64, paths: u64, observed: Option<bool>) -> InsolvencyScore {
        let p = count as f64 / paths as f64;
        InsolvencyScore {
            month,
            probability: p,
            ci95: wilson(count, paths),
            count,
            paths,
            observed,
            brier: observed.map(|o| brier_score(p, o)),
            log_score: observed.map(|o| log_score(p, o)),
        }
    }
}

/// The Kolmogorov–Smirnov test of `values` (in [0, 1]) against U(0, 1) at
/// α = [`KS_ALPHA`]; `None` for no values.
fn ks_uniform(values: &[f64]) -> Option<UniformityTest> {
    let statistic = ks_uniform_statistic(values)?;
    let critical_value = ks_critical_value(values.len());
    let mut note = String::from(
        "approximate: assumes independent observations and a continuous forecast; the critical value is Stephens' approximation",
    );
    if values.len() < 20 {
        let _ = write!(
            note,
            "; with only {} points the test can miss even a badly calibrated forecast",
            values.len()
        );
    }
    Some(UniformityTest {
        test: "Kolmogorov–Smirnov against U(0, 1)",
        n: values.len() as u64,
        statistic,
        alpha: KS_ALPHA,
        critical_value,
        rejects_uniformity: statistic > critical_value,
        note,
    })
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// One observation placed in its month's forecast.
fn score_observation(model: &Model, fan: &Fan, o: &Observation) -> ObservationScore {
    let t = o.month.months_since(model.start) as usize;
    let sketch = &o.quantity.sketches(fan)[t];
    let forecast = Percentiles::of(sketch);
    let x = o.value;
    let inside = |a: Option<f64>, b: Option<f64>| Some(a? <= x && x <= b?);
    ObservationScore {
        month: o.month,
        quantity: o.quantity,
        observed: x,
        pit: sketch.mid_rank(x),
        in_50: inside(forecast.p25, forecast.p75),
        in_90: inside(forecast.p5, forecast.p95),
        forecast,
        point_forecast: sketch.count() > 0 && sketch.min() == sketch.max(),
    }
}

fn coverage(scored: &[ObservationScore]) -> Coverage {
    let count = |f: &dyn Fn(&ObservationScore) -> bool| scored.iter().filter(|s| f(s)).count();
    let n_scored = count(&|s| s.in_50.is_some()) as u64;
    Coverage {
        band_50: BandCoverage::new(
            "central 50 %: [p25, p75]",
            0.5,
            count(&|s| s.in_50 == Some(true)) as u64,
            n_scored,
        ),
        band_90: BandCoverage::new(
            "central 90 %: [p5, p95]",
            0.9,
            count(&|s| s.in_90 == Some(true)) as u64,
            n_scored,
        ),
    }
}

/// The PITs of quantity `q` (of all quantities for `None`), point forecasts
/// left out.
fn pit_values(scored: &[ObservationScore], q: Option<Quantity>) -> Vec<f64> {
    scored
        .iter()
        .filter(|s| !s.point_forecast && q.is_none_or(|q| s.quantity == q))
        .filter_map(|s| s.pit)
        .collect()
}

fn by_quantity(scored: &[ObservationScore]) -> Vec<QuantityScore> {
    Quantity::ALL
        .into_iter()
        .filter_map(|q| {
            let of_q: Vec<&ObservationScore> = scored
                .iter()
                .filter(|s| s.quantity == q && s.in_50.is_some())
                .collect();
            if of_q.is_empty() {
                return None;
            }
            let n = of_q.len() as u64;
            let k50 = of_q.iter().filter(|s| s.in_50 == Some(true)).count() as u64;
            let k90 = of_q.iter().filter(|s| s.in_90 == Some(true)).count() as u64;
            Some(QuantityScore {
                quantity: q,
                observations: n,
                inside_50: k50,
                inside_90: k90,
                rate_50: Some(k50 as f64 / n as f64),
                rate_90: Some(k90 as f64 / n as f64),
                mean_pit: mean(&pit_values(scored, Some(q))),
            })
        })
        .collect()
}

fn pit_summary(scored: &[ObservationScore]) -> PitSummary {
    let pits = pit_values(scored, None);
    let mut histogram = [0u64; 10];
    for &u in &pits {
        histogram[((u * 10.0).floor() as usize).min(9)] += 1;
    }
    PitSummary {
        observations: pits.len() as u64,
        point_forecasts_left_out: scored
            .iter()
            .filter(|s| s.point_forecast && s.pit.is_some())
            .count() as u64,
        mean: mean(&pits),
        mean_se_if_calibrated: (!pits.is_empty())
            .then(|| (12.0 * pits.len() as f64).sqrt().recip()),
        histogram,
        uniformity: ks_uniform(&pits),
    }
}

/// The cumulative insolvency forecast against what the actuals say: by the
/// horizon, and by each month whose outcome is known.
fn insolvency_scores(model: &Model, tally: &Tally, actual: &Actuals) -> InsolvencyScores {
    let paths = tally.paths;
    let outcome = &actual.insolvency;
    let by_month: Vec<InsolvencyScore> = tally
        .insolvent_by_month()
        .into_iter()
        .enumerate()
        .filter_map(|(i, count)| {
            let month = model.month_label(i as u32 + 1);
            let o = outcome.known_by(month)?;
            Some(InsolvencyScore::new(month, count, paths, Some(o)))
        })
        .collect();
    let horizon = model.horizon();
    let by_horizon =
        InsolvencyScore::new(horizon, tally.insolvent(), paths, outcome.known_by(horizon));
    let briers: Vec<f64> = by_month.iter().filter_map(|s| s.brier).collect();
    let logs: Vec<f64> = by_month.iter().filter_map(|s| s.log_score).collect();
    InsolvencyScores {
        outcome: outcome.describe(),
        by_horizon,
        mean_brier_by_month: mean(&briers),
        mean_log_score_by_month: mean(&logs),
        by_month,
        log_score_clamp: LOG_SCORE_CLAMP,
    }
}

fn notes(model: &Model, actual: &Actuals, pit: &PitSummary, ins: &InsolvencyScores) -> Vec<String> {
    let mut notes = vec![
        "Intervals and the uniformity test treat observations as independent. Months of one company's history are not (cash this month carries last month's), so with real actuals read them as optimistic: the evidence is weaker than k of n suggests.".to_string(),
        format!(
            "Observations are compared with the forecast made by this model file as it is now, for the same months; values are in the model's unit ({}).",
            model.unit
        ),
    ];
    let point_forecasts = pit.point_forecasts_left_out;
    if point_forecasts > 0 {
        notes.push(format!(
            "{point_forecasts} observation(s) fell on a month where every path had the same value; they count for coverage but not for the PIT summary."
        ));
    }
    if actual.insolvency.is_empty() {
        notes.push("The actuals have no `insolvent` values, so the insolvency forecast is shown but not scored.".into());
    } else if ins.by_horizon.observed.is_none() {
        notes.push(format!(
            "The outcome by the horizon {} is not known from the actuals ({}), so only the months with a known outcome are scored.",
            model.horizon(),
            actual.insolvency.describe()
        ));
    }
    if ins.by_month.len() > 1 {
        notes.push("Month-by-month insolvency scores are cumulative (insolvent by that month) and strongly dependent from month to month; their mean is a summary, not a sum of independent trials.".into());
    }
    notes
}

/// Scores `actual` against a finished run's tally (which must have its fan).
pub fn score(model: &Model, tally: &Tally, actual: &Actuals, seed: u64) -> Result<Backtest> {
    check_against(model, actual)?;
    let fan = tally.fan.as_ref().ok_or_else(|| {
        Error::Internal(
            "a backtest needs the per-month sketches: score a tally simulated with fan = true"
                .into(),
        )
    })?;
    if tally.paths == 0 {
        return Err(Error::Setting {
            setting: Setting::Paths,
            value: Some("0".into()),
            rule: "a backtest needs at least one simulated path".into(),
        });
    }
    let mut observations: Vec<&Observation> = actual.observations.iter().collect();
    observations.sort_by_key(|o| (o.month, o.quantity));
    let scored: Vec<ObservationScore> = observations
        .iter()
        .map(|o| score_observation(model, fan, o))
        .collect();
    let pit = pit_summary(&scored);
    let insolvency = insolvency_scores(model, tally, actual);
    Ok(Backtest {
        runway_version: env!("CARGO_PKG_VERSION"),
        model: ModelInfo {
            name: model.name.clone(),
            file: model.source.label.clone(),
            scenario: model.scenario.clone(),
        },
        actual_file: actual.file.clone(),
        paths: tally.paths,
        seed,
        start: model.start,
        horizon: model.horizon(),
        unit: model.unit.clone(),
        floor: model.floor,
        coverage: coverage(&scored),
        by_quantity: by_quantity(&scored),
        notes: notes(model, actual, &pit, &insolvency),
        observations: scored,
        pit,
        insolvency,
        method: METHOD,
    })
}
