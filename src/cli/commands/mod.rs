//! What each subcommand does, one file each; and what several share.

mod backtest;
mod bench;
mod check;
mod compare;
mod completions;
mod explain;
mod man;
mod merge;
mod rare;
mod report;
mod run;
mod sensitivity;
mod solve;
mod update;

use super::args::{Cli, Command};
use super::rare_config::{is_rare_merge, COMPARE_REFUSED, SENSITIVITY_REFUSED};
use runway::analysis::summary::{RunInfo, Summary};
use runway::error::Result;
use runway::files::{now_utc_rfc3339, OutputDir, Provenance};
use runway::model::Model;
use runway::output::chart::Chart;
use runway::stats::Tally;

/// Runs one parsed command line: checks its settings and opens its outputs
/// (see [`super::config`]), then runs the subcommand.
pub fn dispatch(cli: Cli) -> Result<()> {
    super::print::set_table_width(cli.wide);
    match cli.command {
        Command::Run(args) if args.rare.rare.is_some() => rare::rare(args.try_into()?),
        Command::Run(args) => run::run(args.try_into()?),
        Command::Check(args) => check::check(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => man::man(args),
        Command::Bench(args) if args.rare.rare.is_some() => rare::bench_rare(args),
        Command::Bench(args) => bench::bench(args.try_into()?),
        Command::Compare(args) if args.rare.rare.is_some() => Err(rare_refused(COMPARE_REFUSED)),
        Command::Compare(args) => compare::compare(args.try_into()?),
        Command::Merge(args) if is_rare_merge(&args) => rare::merge_rare(args.try_into()?),
        Command::Merge(args) => merge::merge(args.try_into()?),
        Command::Backtest(args) => backtest::backtest_command(args),
        Command::Report(args) => report::report(args.try_into()?),
        Command::Sensitivity(args) if args.rare.rare.is_some() => {
            Err(rare_refused(SENSITIVITY_REFUSED))
        }
        Command::Sensitivity(args) => sensitivity::sensitivity(args.try_into()?),
        Command::Explain(args) => explain::explain(args.try_into()?),
        Command::Solve(args) => solve::solve(args.try_into()?),
        Command::Update(args) => update::update(args.try_into()?),
    }
}

/// A command that refuses `--rare`, and why (exit code 2).
fn rare_refused(why: &str) -> runway::Error {
    runway::Error::Usage(why.to_string())
}

/// How a run of `paths` paths on `threads` threads that took `seconds` is
/// reported.
fn run_info(threads: usize, seconds: f64, paths: u64) -> RunInfo {
    RunInfo {
        threads,
        elapsed_seconds: seconds,
        paths_per_second: paths as f64 / seconds.max(1e-9),
        shards: None,
    }
}

/// What a manifest records of a command starting now: its `--set`
/// overrides, its command line, the time and its threads (the seconds
/// are filled in by [`Started::finished`]).
fn provenance(overrides: Vec<String>, threads: usize) -> Started {
    Started(Provenance {
        overrides,
        command_line: std::env::args().collect(),
        started_at: now_utc_rfc3339(),
        threads,
        elapsed_seconds: 0.0,
    })
}

/// The provenance of a command that has started.
struct Started(Provenance);

impl Started {
    /// The provenance of the command, finished after `seconds`.
    fn finished(self, seconds: f64) -> Provenance {
        Provenance {
            elapsed_seconds: seconds,
            ..self.0
        }
    }
}

/// The charts `run --out` and `merge --out` write (and `run --plots`):
/// the run's charts with its end-cash histogram, from its summary and tally.
fn run_out_charts(summary: &Summary, tally: &Tally) -> Vec<Chart> {
    runway::output::chart::run_charts(
        summary,
        Some(&runway::analysis::histogram::Histogram::from_sketch(
            &tally.end_cash,
            summary.floor,
        )),
    )
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
        .map(|(m, s)| {
            let name = m
                .scenario
                .as_deref()
                .unwrap_or(runway::analysis::compare::AS_WRITTEN);
            (name.to_string(), s)
        })
        .collect();
    runway::output::chart::compare_chart(&named)
}
