//! `runway report`: one HTML file with the summary, charts, the scenario
//! comparison, the top drivers and how the company runs out of money.

use super::{run_info, scenario_chart};
use crate::cli::config::ReportConfig;
use crate::cli::engine_calls::execute;
use crate::cli::progress::with_progress;
use runway::analysis::check::Check;
use runway::analysis::compare::{run_compare, Comparison};
use runway::analysis::explain::{has_uncertain_inputs, run_explain};
use runway::analysis::histogram::Histogram;
use runway::analysis::sensitivity::rank_inputs;
use runway::analysis::summary::Summary;
use runway::error::Result;
use runway::model::Comments;
use runway::output::chart::{
    explain_chart, explained_report_html, run_charts, tornado_chart, Assumptions,
};

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
    // How the company runs out of money: one more pass over the same paths
    // (a model with nothing uncertain has no such section).
    let mut explanation = None;
    if has_uncertain_inputs(&model) {
        let (e, _) = with_progress(spec.paths, quiet, |p| {
            run_explain(&model, &analysis_spec, p)
        })?;
        charts.push(explain_chart(&e));
        explanation = Some(e);
    }
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
    let html = explained_report_html(
        &summary,
        &charts,
        comparison.as_ref(),
        Some(&sensitivity),
        explanation.as_ref(),
        Some(&assumptions),
    );
    dir.stage(&name, html.as_bytes())?;
    dir.commit()?;
    if !quiet {
        eprintln!("runway: wrote {}", path.display());
    }
    Ok(())
}
