//! `runway backtest`: score a forecast against what happened.

use crate::cli::args::BacktestArgs;
use crate::cli::print::print_result;
use crate::cli::progress::with_progress;
use runway::analysis::backtest::{read_actuals, run_backtest};
use runway::error::Result;
use runway::files::{OutputDir, BACKTEST_FILES};
use runway::output::Render;

/// Runs `runway backtest`.
pub fn backtest_command(args: BacktestArgs) -> Result<()> {
    let model = args.sim.load(&args.model)?;
    let actual = read_actuals(&args.actual, &model)?;
    let spec = args.sim.spec(true)?;
    // Check the output folder before the run. The run's own files
    // (summary.csv, …) are not touched, so they do not block a backtest in
    // the same folder.
    let out = args
        .out
        .as_deref()
        .map(|dir| OutputDir::prepare_guarding(dir, args.force, &BACKTEST_FILES, "backtest output"))
        .transpose()?;
    let (report, _) = with_progress(spec.paths, args.sim.quiet, |p| {
        run_backtest(&model, &actual, &spec, p)
    })?;
    if let Some(dir) = &out {
        // Both files appear, or neither.
        let [csv_file, json_file] = BACKTEST_FILES;
        dir.stage(csv_file, report.csv().as_bytes())?;
        dir.stage(json_file, report.json().as_bytes())?;
        dir.commit()?;
    }
    print_result(&report, args.format)
}
