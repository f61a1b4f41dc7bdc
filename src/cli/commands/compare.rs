//! `runway compare`: scenarios side by side, with common random numbers.

use super::{provenance, run_info, scenario_chart, write_charts};
use crate::cli::config::CompareConfig;
use crate::cli::print::print_result;
use crate::cli::progress::with_progress;
use runway::analysis::compare::{run_compare, Comparison};
use runway::error::Result;
use runway::files::write_compare_outputs;

/// Runs `runway compare`.
pub fn compare(config: CompareConfig) -> Result<()> {
    let CompareConfig {
        models,
        spec,
        quiet,
        format,
        plots,
        out,
        overrides,
    } = config;
    let started = provenance(overrides, spec.threads);
    let total = spec.paths * models.len() as u64;
    let (result, elapsed) = with_progress(total, quiet, |p| run_compare(&models, &spec, p))?;
    let run = run_info(spec.threads, elapsed.as_secs_f64(), total);
    let report = Comparison::new(&models, &result, run);
    if plots.is_some() || out.is_some() {
        let chart = scenario_chart(&models, &result.tallies, &report.run);
        if let Some(dir) = &plots {
            write_charts(dir, std::slice::from_ref(&chart))?;
        }
        if let Some(dir) = &out {
            let provenance = started.finished(elapsed.as_secs_f64());
            write_compare_outputs(dir, &models, &report, &chart, provenance)?;
        }
    }
    print_result(&report, format)
}
