//! `runway backtest`: score a forecast against what happened.

use crate::cli::args::{BacktestArgs, Format};
use crate::cli::print::print_stdout;
use crate::cli::progress::with_progress;
use runway::error::Result;

/// Runs `runway backtest`.
pub fn backtest_command(args: BacktestArgs) -> Result<()> {
    let model = args.sim.load(&args.model)?;
    let actual = runway::analysis::backtest::read_actuals(&args.actual, &model)?;
    let spec = args.sim.spec(true)?;
    // Check the output folder before the run.
    let out = args
        .out
        .as_deref()
        .map(|dir| runway::analysis::backtest::prepare_backtest_out(dir, args.force))
        .transpose()?;
    let (report, _) = with_progress(spec.paths, args.sim.quiet, |p| {
        runway::analysis::backtest::run_backtest(&model, &actual, &spec, p)
    })?;
    if let Some(dir) = &out {
        runway::analysis::backtest::write_backtest_out(dir, &report)?;
    }
    print_stdout(&match args.format {
        Format::Table => runway::analysis::backtest::render_backtest_table(&report),
        Format::Json => runway::analysis::backtest::render_backtest_json(&report),
        Format::Csv => runway::analysis::backtest::render_backtest_csv(&report),
    })
}
