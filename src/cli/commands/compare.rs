//! `runway compare`: scenarios side by side, with common random numbers.

use super::{run_info, scenario_chart, write_charts};
use crate::cli::config::CompareConfig;
use crate::cli::print::print_result;
use crate::cli::progress::with_progress;
use runway::analysis::compare::{run_compare, Comparison};
use runway::error::Result;

/// Runs `runway compare`.
pub fn compare(config: CompareConfig) -> Result<()> {
    let CompareConfig {
        models,
        spec,
        quiet,
        format,
        plots,
    } = config;
    let total = spec.paths * models.len() as u64;
    let (result, elapsed) = with_progress(total, quiet, |p| run_compare(&models, &spec, p))?;
    let run = run_info(spec.threads, elapsed.as_secs_f64(), total);
    let report = Comparison::new(&models, &result, run);
    if let Some(dir) = &plots {
        let chart = scenario_chart(&models, &result.tallies, &report.run);
        write_charts(dir, &[chart])?;
    }
    print_result(&report, format)
}
