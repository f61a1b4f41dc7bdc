//! `runway explain`: how the company runs out of money.

use super::write_charts;
use crate::cli::config::ExplainConfig;
use crate::cli::print::print_result;
use crate::cli::progress::with_progress;
use runway::analysis::explain::run_explain;
use runway::error::Result;
use runway::output::chart::explain_chart;

/// Runs `runway explain`.
pub fn explain(config: ExplainConfig) -> Result<()> {
    let ExplainConfig {
        model,
        spec,
        quiet,
        format,
        plots,
    } = config;
    let (report, _) = with_progress(spec.paths, quiet, |p| run_explain(&model, &spec, p))?;
    if let Some(dir) = &plots {
        write_charts(dir, &[explain_chart(&report)])?;
    }
    print_result(&report, format)
}
