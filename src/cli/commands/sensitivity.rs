//! `runway sensitivity`: which inputs drive the risk.

use super::{provenance, write_charts};
use crate::cli::config::SensitivityConfig;
use crate::cli::print::print_result;
use crate::cli::progress::with_progress;
use runway::analysis::sensitivity::run_sensitivity;
use runway::error::Result;
use runway::files::write_sensitivity_outputs;
use runway::output::chart::tornado_chart;

/// Runs `runway sensitivity`.
pub fn sensitivity(config: SensitivityConfig) -> Result<()> {
    let SensitivityConfig {
        model,
        spec,
        quiet,
        format,
        plots,
        out,
        overrides,
    } = config;
    let started = provenance(overrides, spec.threads);
    let (report, elapsed) =
        with_progress(spec.paths, quiet, |p| run_sensitivity(&model, &spec, p))?;
    if plots.is_some() || out.is_some() {
        let chart = tornado_chart(&report);
        if let Some(dir) = &plots {
            write_charts(dir, std::slice::from_ref(&chart))?;
        }
        if let Some(dir) = &out {
            let provenance = started.finished(elapsed.as_secs_f64());
            write_sensitivity_outputs(dir, &model, &report, &chart, provenance)?;
        }
    }
    print_result(&report, format)
}
