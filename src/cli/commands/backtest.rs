//! `runway backtest`: score a forecast against what happened.

use super::provenance;
use crate::cli::args::BacktestArgs;
use crate::cli::config::analysis_out;
use crate::cli::print::print_result;
use crate::cli::progress::with_progress;
use runway::analysis::backtest::{read_actuals, run_backtest};
use runway::error::Result;
use runway::files::{write_backtest_outputs, BACKTEST_FILES};

/// Runs `runway backtest`.
pub fn backtest_command(args: BacktestArgs) -> Result<()> {
    let model = args.sim.load(&args.model)?;
    let actual = read_actuals(&args.actual, &model)?;
    let spec = args.sim.spec(true)?;
    // Check the output folder before the run. A run's own files
    // (summary.csv, …) are not touched, so they do not block a backtest in
    // the same folder; its manifest.json would be replaced, so it does.
    let out = analysis_out(
        args.out.as_deref(),
        args.force,
        &BACKTEST_FILES,
        "backtest output",
    )?;
    let started = provenance(args.model.overrides.clone(), spec.threads);
    let (report, elapsed) = with_progress(spec.paths, args.sim.quiet, |p| {
        run_backtest(&model, &actual, &spec, p)
    })?;
    if let Some(dir) = &out {
        // Every file appears, or none.
        let provenance = started.finished(elapsed.as_secs_f64());
        write_backtest_outputs(dir, &model, &report, provenance)?;
    }
    print_result(&report, args.format)
}
