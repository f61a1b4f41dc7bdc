//! `runway report`: one HTML file with the summary, charts, the scenario
//! comparison and the top drivers.

use super::{run_info, scenario_chart};
use crate::cli::config::ReportConfig;
use crate::cli::engine_calls::execute;
use crate::cli::progress::with_progress;
use runway::analysis::check::Check;
use runway::analysis::compare::{run_compare, Comparison};
use runway::analysis::histogram::Histogram;
use runway::analysis::sensitivity::rank_inputs;
use runway::analysis::summary::Summary;
use runway::error::Result;
use runway::model::Comments;
use runway::output::chart::{report_html, run_charts, tornado_chart, Assumptions};

/// Runs `runway report`.
pub fn report(config: ReportConfig) -> Result<()> {
    let ReportConfig {
        model,
        spec,
        analysis_spec,
        quiet,
        scenarios,
        dir,
        name,
        path,
    } = config;
    let (tally, elapsed) = execute(&model, &spec, quiet, None)?;
    let run = run_info(spec.threads, elapsed.as_secs_f64(), tally.paths);
    let summary = Summary::new(&model, &tally, run.clone());
    let mut charts = run_charts(
        &summary,
        Some(&Histogram::from_sketch(&tally.end_cash, summary.floor)),
    );
    // The run above is the sensitivity's first pass (same seed, paths and
    // blocks): only its second pass is simulated here.
    let (sensitivity, _) = with_progress(spec.paths, quiet, |p| {
        rank_inputs(&model, &analysis_spec, p, &tally)
    })?;
    charts.push(tornado_chart(&sensitivity));
    // Scenario comparison, when the file defines scenarios and none was chosen.
    let mut comparison = None;
    if !scenarios.is_empty() {
        let total = spec.paths * scenarios.len() as u64;
        let (result, _) =
            with_progress(total, quiet, |p| run_compare(&scenarios, &analysis_spec, p))?;
        charts.push(scenario_chart(&scenarios, &result.tallies, &run));
        comparison = Some(Comparison::new(&scenarios, &result, run));
    }
    let check = Check::of(&model);
    let comments = Comments::of(&model.source.text);
    let assumptions = Assumptions {
        check: &check,
        comments: &comments,
    };
    let html = report_html(
        &summary,
        &charts,
        comparison.as_ref(),
        Some(&sensitivity),
        Some(&assumptions),
    );
    dir.stage(&name, html.as_bytes())?;
    dir.commit()?;
    if !quiet {
        eprintln!("runway: wrote {}", path.display());
    }
    Ok(())
}
