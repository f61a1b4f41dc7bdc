//! `runway check --format json|csv`: the [`Check`] of a model as JSON (its
//! shape and every input) and as CSV (one row per input).

use crate::analysis::check::{Check, Drawn, FittedQuantile};
use crate::output::csv_number as num;
use serde::Serialize;

/// The JSON document of a check.
#[derive(Serialize)]
struct CheckJson<'a> {
    runway_version: &'static str,
    valid: bool,
    model: ModelJson<'a>,
    scenarios: Vec<ScenarioJson<'a>>,
    inputs: Vec<InputJson<'a>>,
}

#[derive(Serialize)]
struct ModelJson<'a> {
    name: &'a str,
    file: &'a str,
    description: &'a str,
    scenario: Option<&'a str>,
    start: String,
    horizon: String,
    months: u32,
    unit: &'a str,
    floor: f64,
    cost_lines: usize,
    revenue_lines: usize,
    inflows: usize,
    shocks: usize,
    flows: usize,
}

#[derive(Serialize)]
struct ScenarioJson<'a> {
    name: &'a str,
    description: &'a str,
}

#[derive(Serialize)]
struct InputJson<'a> {
    input: &'a str,
    drawn: &'static str,
    p5: f64,
    median: f64,
    p95: f64,
    distribution: &'a str,
    /// The quantiles an input was given by, with the fitted ones.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fit: Vec<FitJson>,
}

#[derive(Serialize)]
struct FitJson {
    probability: f64,
    given: f64,
    fitted: f64,
}

impl From<&FittedQuantile> for FitJson {
    fn from(q: &FittedQuantile) -> FitJson {
        FitJson {
            probability: q.probability,
            given: q.given,
            fitted: q.fitted,
        }
    }
}

/// How often an input is drawn, as the JSON and CSV write it.
fn drawn(d: Drawn) -> &'static str {
    match d {
        Drawn::PerPath => "per_path",
        Drawn::Monthly => "monthly",
    }
}

/// The check as pretty JSON (with a trailing newline).
pub fn render_check_json(check: &Check<'_>) -> String {
    let m = check.model;
    let doc = CheckJson {
        runway_version: env!("CARGO_PKG_VERSION"),
        valid: true,
        model: ModelJson {
            name: &m.name,
            file: &m.source.label,
            description: m.description.trim(),
            scenario: m.scenario.as_deref(),
            start: m.start.to_string(),
            horizon: m.horizon().to_string(),
            months: m.months,
            unit: &m.unit,
            floor: m.floor,
            cost_lines: m.costs.len(),
            revenue_lines: m.revenues.len(),
            inflows: m.inflows.len(),
            shocks: m.shocks.len(),
            flows: m.flows.len(),
        },
        scenarios: m
            .scenarios
            .iter()
            .map(|(name, description)| ScenarioJson { name, description })
            .collect(),
        inputs: check
            .inputs
            .iter()
            .map(|row| InputJson {
                input: &row.input.path,
                drawn: drawn(row.drawn),
                p5: row.p5,
                median: row.median,
                p95: row.p95,
                distribution: row.input.dist.label(),
                fit: row.fit.iter().map(FitJson::from).collect(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("a check always serialises");
    text.push('\n');
    text
}

/// The check's inputs as CSV: `input,drawn,p5,median,p95,distribution`.
pub fn render_check_csv(check: &Check<'_>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = ["input", "drawn", "p5", "median", "p95", "distribution"];
    w.write_record(header).expect("in-memory CSV");
    for row in &check.inputs {
        w.write_record([
            row.input.path.as_str(),
            drawn(row.drawn),
            &num(Some(row.p5)),
            &num(Some(row.median)),
            &num(Some(row.p95)),
            row.input.dist.label(),
        ])
        .expect("in-memory CSV");
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV is UTF-8")
}
