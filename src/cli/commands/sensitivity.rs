//! `runway sensitivity`: which inputs drive the risk.

use super::write_charts;
use crate::cli::config::SensitivityConfig;
use crate::cli::print::print_result;
use crate::cli::progress::with_progress;
use runway::analysis::sensitivity::run_sensitivity;
use runway::error::Result;
use runway::output::chart::tornado_chart;

/// Runs `runway sensitivity`.
pub fn sensitivity(config: SensitivityConfig) -> Result<()> {
    let SensitivityConfig {
        model,
        spec,
        quiet,
        format,
        plots,
    } = config;
    let (report, _) = with_progress(spec.paths, quiet, |p| run_sensitivity(&model, &spec, p))?;
    if let Some(dir) = &plots {
        write_charts(dir, &[tornado_chart(&report)])?;
    }
    print_result(&report, format)
}
