//! Writes every chart and the HTML report of the built-in model to a folder,
//! to look at them or regenerate them:
//!
//! ```sh
//! cargo run --release --example charts -- target/charts [PATHS] [MODEL.toml]
//! ```
//!
//! Files: `insolvency_curve.svg`, `insolvency_month.svg`, `cash_fan.svg`,
//! `end_cash_histogram.svg`, `tornado.svg`, `scenario_curves.svg` and
//! `report.html`. PATHS defaults to 100 000 (seed 2023); MODEL to the
//! built-in model. The scenario chart compares the model's scenarios (or
//! shows the model alone when it defines none).

use runway::chart::{compare_chart, report_html, run_charts, tornado_chart};
use runway::compare::{run_compare, Comparison};
use runway::engine::{simulate, Progress, RunSpec};
use runway::model::{
    load_file, load_str, LoadOptions, Model, BUILTIN_MODEL_NAME, BUILTIN_MODEL_TEXT,
};
use runway::sensitivity::run_sensitivity;
use runway::summary::{RunInfo, Summary};
use std::path::PathBuf;

fn load(file: Option<&PathBuf>, scenario: Option<&str>) -> Result<Model, runway::Error> {
    let options = LoadOptions {
        scenario: scenario.map(String::from),
        overrides: Vec::new(),
    };
    match file {
        Some(path) => load_file(path, &options),
        None => load_str(BUILTIN_MODEL_TEXT, BUILTIN_MODEL_NAME, &options),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "target/charts".into()));
    let paths: u64 = args.next().map_or(Ok(100_000), |p| p.parse())?;
    let file = args.next().map(PathBuf::from);
    std::fs::create_dir_all(&dir)?;
    let seed = 2023;
    let spec = RunSpec {
        paths,
        seed,
        threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
        fan: true,
        blocks: None,
    };
    let run = RunInfo {
        threads: spec.threads,
        elapsed_seconds: 0.0,
        paths_per_second: 0.0,
    };
    let progress = Progress::default();

    let model = load(file.as_ref(), None)?;
    let tally = simulate(&model, &spec, &progress)?;
    let summary = Summary::new(&model, &tally, seed, run.clone());
    let sensitivity = run_sensitivity(
        &model,
        &RunSpec {
            fan: false,
            ..spec.clone()
        },
        &progress,
    )?;

    // Every scenario the file defines (the model as written when it defines none).
    let mut models = model
        .scenarios
        .iter()
        .map(|(name, _)| load(file.as_ref(), Some(name)))
        .collect::<Result<Vec<Model>, _>>()?;
    if models.is_empty() {
        models.push(model.clone());
    }
    let compared = run_compare(
        &models,
        &RunSpec {
            fan: false,
            ..spec.clone()
        },
        &progress,
    )?;
    let comparison = Comparison::new(&models, &compared, seed, run.clone());
    let summaries: Vec<Summary> = models
        .iter()
        .zip(&compared.tallies)
        .map(|(m, t)| Summary::new(m, t, seed, run.clone()))
        .collect();
    let labelled: Vec<(String, &Summary)> = comparison
        .scenarios
        .iter()
        .map(|row| row.scenario.clone())
        .zip(&summaries)
        .collect();

    let mut charts = run_charts(&summary, Some(&tally.end_cash));
    charts.push(tornado_chart(&sensitivity));
    charts.push(compare_chart(&labelled));
    for chart in &charts {
        let file = dir.join(chart.file_name());
        std::fs::write(&file, &chart.svg)?;
        println!("{}", file.display());
    }
    let html = report_html(&summary, &charts, Some(&comparison), Some(&sensitivity));
    let file = dir.join("report.html");
    std::fs::write(&file, html)?;
    println!("{}", file.display());
    Ok(())
}
