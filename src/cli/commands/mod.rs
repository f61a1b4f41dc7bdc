//! What each subcommand does, one file each; and what several share.

mod backtest;
mod bench;
mod check;
mod compare;
mod merge;
mod report;
mod run;
mod sensitivity;

use super::args::{Cli, Command};
use runway::analysis::summary::{RunInfo, Summary};
use runway::error::Result;
use runway::files::OutputDir;
use runway::model::Model;
use runway::output::chart::Chart;
use runway::stats::Tally;

/// Runs one parsed command line: checks its settings and opens its outputs
/// (see [`super::config`]), then runs the subcommand.
pub fn dispatch(cli: Cli) -> Result<()> {
    super::print::set_table_width(cli.wide);
    match cli.command {
        Command::Run(args) => run::run(args.try_into()?),
        Command::Check(args) => check::check(args),
        Command::Bench(args) => bench::bench(args.try_into()?),
        Command::Compare(args) => compare::compare(args.try_into()?),
        Command::Merge(args) => merge::merge(args.try_into()?),
        Command::Backtest(args) => backtest::backtest_command(args),
        Command::Report(args) => report::report(args.try_into()?),
        Command::Sensitivity(args) => sensitivity::sensitivity(args.try_into()?),
    }
}

/// How a run of `paths` paths on `threads` threads that took `seconds` is
/// reported.
fn run_info(threads: usize, seconds: f64, paths: u64) -> RunInfo {
    RunInfo {
        threads,
        elapsed_seconds: seconds,
        paths_per_second: paths as f64 / seconds.max(1e-9),
    }
}

/// Writes charts as `DIR/NAME.svg`, atomically, into a checked folder.
fn write_charts(dir: &OutputDir, charts: &[Chart]) -> Result<()> {
    for chart in charts {
        dir.stage(&chart.file_name(), chart.svg.as_bytes())?;
    }
    dir.commit()
}

/// The chart of every scenario's insolvency curve, from the scenarios'
/// models and tallies (a comparison's).
fn scenario_chart(models: &[Model], tallies: &[Tally], run: &RunInfo) -> Chart {
    let summaries: Vec<Summary> = models
        .iter()
        .zip(tallies)
        .map(|(m, t)| Summary::new(m, t, run.clone()))
        .collect();
    let named: Vec<(String, &Summary)> = models
        .iter()
        .zip(&summaries)
        .map(|(m, s)| (m.scenario.clone().unwrap_or_default(), s))
        .collect();
    runway::output::chart::compare_chart(&named)
}
