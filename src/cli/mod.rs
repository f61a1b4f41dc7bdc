//! The command line: arguments (clap) and what each subcommand does.

use clap::{Args, Parser, Subcommand, ValueEnum};
use runway::analysis::summary::{RunInfo, Summary};
use runway::engine::{
    estimate_seconds, simulate_plans, BlockSink, Plan, Progress, RunSpec, SinkObserver,
};
use runway::error::{Error, Result};
use runway::files::{now_utc_rfc3339, Manifest, OutputDir, PathRows};
use runway::model::{
    load_file, load_str, LoadOptions, Model, BUILTIN_MODEL_NAME, BUILTIN_MODEL_TEXT,
};
use runway::output::{render_check, render_json, render_table};
use runway::stats::Tally;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Default number of paths.
pub const DEFAULT_PATHS: u64 = 100_000;
/// Default seed (printed in every report).
pub const DEFAULT_SEED: u64 = 2023;

const EXAMPLES: &str = "\
Examples:
  runway run                                   the built-in OpenAI 2023–2024 model
  runway run configs/startup_seed.toml --paths 1M --seed 7
  runway run --scenario article                the article's premise: no new money
  runway run --set funding.microsoft.probability=0 --format json
  runway run --out results/ --per-path         CSV files, manifest and charts in results/
  runway run --precision 0.001                 add paths until the 95 % CI is ±0.1 pp
  runway compare                               every scenario side by side (paired)
  runway sensitivity                           which inputs drive the risk
  runway report --out report.html              one HTML file to mail to a colleague
  runway backtest MODEL --actual actual.csv    score an old forecast against what happened
  runway run --paths 1e10 --shard 3/64 --partial p3.json   then: runway merge p*.json
  runway check configs/openai_2024.toml        validate and list every input

Exit codes: 0 success, 2 invalid model file or arguments, 1 other failure,
130/143/129 stopped by SIGINT (Ctrl-C)/SIGTERM/SIGHUP (no output file left).";

/// runway: how likely is a company to run out of money, when, and why.
#[derive(Debug, Parser)]
#[command(name = "runway", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a model and report the probability of running out of money.
    #[command(after_help = EXAMPLES)]
    Run(RunArgs),
    /// Validate a model and list its inputs with their medians and 90 % ranges.
    Check(CheckArgs),
    /// Run several scenarios with common random numbers and compare them side by side.
    Compare(CompareArgs),
    /// Rank the uncertain inputs by how much they move the risk (tornado, Spearman, first-order index).
    Sensitivity(SensitivityArgs),
    /// Score a forecast against what happened: PIT, coverage of the 50 % and
    /// 90 % bands, Brier and log scores of the insolvency forecast.
    Backtest(BacktestArgs),
    /// Write a one-file HTML report: summary, charts, scenario comparison and top drivers.
    Report(ReportArgs),
    /// Merge the partial results of a sharded run into the full report.
    Merge(MergeArgs),
    /// Measure simulation throughput: warm-up, then repeated timed runs per
    /// thread count (median, min, max, speed-up, efficiency, peak memory).
    Bench(BenchArgs),
}

/// Which model, and what to change in it.
#[derive(Debug, Args, Clone)]
pub struct ModelArgs {
    /// Model file (TOML). Default: the built-in OpenAI model (configs/openai_2024.toml).
    pub model: Option<PathBuf>,
    /// Apply a scenario defined in the model file under [scenarios.NAME].
    #[arg(long, value_name = "NAME")]
    pub scenario: Option<String>,
    /// Override a field: FIELD=VALUE, VALUE a number, a "YYYY-MM" month or an
    /// inline TOML distribution, e.g. 'costs.inference.efficiency_gain={pert={min=0.1,mode=0.4,max=0.8}}'.
    /// Repeatable; applied after --scenario.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub overrides: Vec<String>,
}

impl ModelArgs {
    /// Loads and checks the model.
    pub fn load(&self) -> Result<Model> {
        let options = LoadOptions {
            scenario: self.scenario.clone(),
            overrides: self.overrides.clone(),
        };
        match &self.model {
            Some(path) => load_file(path, &options),
            None => load_str(BUILTIN_MODEL_TEXT, BUILTIN_MODEL_NAME, &options),
        }
    }
}

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable table for the terminal.
    Table,
    /// The full report as JSON on stdout.
    Json,
    /// summary.csv on stdout (for pipes).
    Csv,
}

/// Options shared by every simulating subcommand.
#[derive(Debug, Args, Clone)]
pub struct SimArgs {
    /// Number of paths (accepts 1e6, 250k, 2M).
    #[arg(long, short = 'n', default_value_t = DEFAULT_PATHS, value_parser = parse_count, allow_negative_numbers = true)]
    pub paths: u64,
    /// Seed of the random streams.
    #[arg(long, short = 's', default_value_t = DEFAULT_SEED, value_parser = parse_seed, allow_negative_numbers = true)]
    pub seed: u64,
    /// Worker threads (default: all logical CPUs). Results do not depend on it.
    #[arg(long, short = 't', value_parser = parse_threads, allow_negative_numbers = true)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Sampling of per-path inputs: mc (independent draws) or lhs (Latin
    /// hypercube, stratified within each block). Default: the model's
    /// `[model] sampling`, else mc.
    #[arg(long, value_name = "mc|lhs", value_parser = parse_sampling)]
    pub sampling: Option<runway::model::Sampling>,
}

impl SimArgs {
    /// Applies `--sampling` to a loaded model.
    pub fn apply(&self, model: &mut Model) -> Result<()> {
        if let Some(sampling) = self.sampling {
            model.sampling = sampling;
        }
        Ok(())
    }

    /// Loads and checks a model and applies these options to it: the one way
    /// every simulating command (run, compare, sensitivity, report,
    /// backtest) turns its model arguments into the model it runs.
    pub fn load(&self, model: &ModelArgs) -> Result<Model> {
        let mut loaded = model.load()?;
        self.apply(&mut loaded)?;
        Ok(loaded)
    }

    /// The run's paths, seed and threads (checked), as every simulating
    /// command uses them; `fan` keeps per-month percentiles.
    pub fn spec(&self, fan: bool) -> Result<RunSpec> {
        Ok(RunSpec {
            paths: self.paths,
            seed: self.seed,
            threads: self.thread_count()?,
            fan,
            blocks: None,
        })
    }

    /// The thread count to use.
    pub fn thread_count(&self) -> Result<usize> {
        match self.threads {
            Some(0) => Err(Error::Usage("--threads must be at least 1".into())),
            Some(t) if t > 1024 => Err(Error::Usage(format!(
                "--threads {t} is more than 1024; use at most the machine's CPUs"
            ))),
            Some(t) => Ok(t),
            None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
        }
    }
}

/// `runway run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Include per-month percentiles of cash, revenue and cost in the JSON report.
    #[arg(long)]
    pub fan: bool,
    /// Write summary.csv, by_month.csv and manifest.json (and paths.csv with
    /// --per-path) into DIR, atomically. DIR is created if missing.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace runway files already in the --out folder.
    #[arg(long)]
    pub force: bool,
    /// Also write paths.csv: one row per path with its sampled inputs and outcome.
    #[arg(long)]
    pub per_path: bool,
    /// Write only the first N paths to paths.csv (the run still simulates all).
    #[arg(long, value_name = "N", value_parser = parse_count, allow_negative_numbers = true)]
    pub per_path_limit: Option<u64>,
    /// Run only shard K of M (0-based): a contiguous range of the run's
    /// blocks. Needs --partial; combine the shards with `runway merge`.
    #[arg(long, value_name = "K/M")]
    pub shard: Option<String>,
    /// Where a shard writes its partial result (versioned, checksummed).
    #[arg(long, value_name = "FILE")]
    pub partial: Option<PathBuf>,
    /// Write SVG charts (insolvency curve, months, cash fan, end-cash
    /// histogram) into DIR. With --out they are written there as well.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    /// Keep adding paths until the 95 % interval of P(insolvent) has at most
    /// this half-width (e.g. 0.001), checking at 16, 32, 64, … blocks.
    #[arg(long, value_name = "H", value_parser = parse_precision, allow_negative_numbers = true)]
    pub precision: Option<f64>,
    /// Most paths a --precision run may use.
    #[arg(long, value_name = "N", default_value = "1G", value_parser = parse_count, allow_negative_numbers = true)]
    pub max_paths: u64,
}

/// `runway backtest`.
#[derive(Debug, Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// CSV of what happened: `month` (YYYY-MM) and any of cash, revenue,
    /// cost, users (in the model's unit) and insolvent (0/1, or the month).
    #[arg(long, value_name = "FILE.csv")]
    pub actual: PathBuf,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Report format (csv: one row per observation).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write backtest.csv and backtest.json into DIR, atomically.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace backtest files already in the --out folder.
    #[arg(long)]
    pub force: bool,
}

/// `runway report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub sim: SimArgs,
    /// The HTML file to write.
    #[arg(long, value_name = "FILE", default_value = "report.html")]
    pub out: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `runway merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The partial files of every shard (any order).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write summary.csv, by_month.csv and manifest.json into DIR.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace runway files already in the --out folder.
    #[arg(long)]
    pub force: bool,
    /// Include per-month percentiles of cash, revenue and cost in the JSON report.
    #[arg(long)]
    pub fan: bool,
}

/// `runway compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Model file (TOML). Default: the built-in OpenAI model.
    pub model: Option<PathBuf>,
    /// Scenarios to compare, comma-separated; the first is the reference
    /// (default: every scenario the file defines, in file order).
    #[arg(long, value_delimiter = ',', value_name = "A,B,...")]
    pub scenarios: Vec<String>,
    /// Override a field in every scenario: FIELD=VALUE (repeatable).
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub overrides: Vec<String>,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the scenarios' insolvency curves (scenario_curves.svg) into DIR.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
}

/// `runway sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the tornado chart (tornado.svg) into DIR.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
}

/// `runway bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Paths per timed run (accepts 1e6, 250k, 2M).
    #[arg(long, short = 'n', default_value = "2M", value_parser = parse_count, allow_negative_numbers = true)]
    pub paths: u64,
    /// Seed of the random streams.
    #[arg(long, short = 's', default_value_t = DEFAULT_SEED, value_parser = parse_seed, allow_negative_numbers = true)]
    pub seed: u64,
    /// Thread counts to measure, comma-separated (default: 1 and all logical CPUs).
    #[arg(long, short = 't', value_delimiter = ',', value_parser = parse_threads, allow_negative_numbers = true)]
    pub threads: Vec<usize>,
    /// Timed runs per thread count.
    #[arg(long, short = 'r', default_value_t = 5, value_parser = parse_repeat, allow_negative_numbers = true)]
    pub repeat: usize,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = BenchFormat::Table)]
    pub format: BenchFormat,
    /// No progress lines on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Output format of `runway bench`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchFormat {
    /// A readable table.
    Table,
    /// JSON on stdout.
    Json,
    /// CSV on stdout, one row per thread count.
    Csv,
}

/// `runway check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Parses `--sampling`: `mc` or `lhs`.
pub fn parse_sampling(text: &str) -> std::result::Result<runway::model::Sampling, String> {
    runway::model::Sampling::parse(text)
        .ok_or_else(|| "use mc (Monte Carlo) or lhs (Latin hypercube)".to_string())
}

/// Parses `--seed`: a whole number that fits in 64 bits.
pub fn parse_seed(text: &str) -> std::result::Result<u64, String> {
    text.trim()
        .parse::<u64>()
        .map_err(|_| format!("must be a whole number from 0 to {}", u64::MAX))
}

/// Parses a thread count (its range is checked where it is used).
pub fn parse_threads(text: &str) -> std::result::Result<usize, String> {
    text.trim()
        .parse::<usize>()
        .map_err(|_| "must be a whole number from 1 to 1024".to_string())
}

/// Parses `--repeat`: a whole number, at least 1.
pub fn parse_repeat(text: &str) -> std::result::Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("must be a whole number, at least 1".to_string()),
    }
}

/// Parses `--precision`: the target half-width, between 0 and 0.5.
pub fn parse_precision(text: &str) -> std::result::Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(h) if h > 0.0 && h < 0.5 => Ok(h),
        _ => Err("the target half-width of the 95 % interval must be a number between 0 and 0.5 (both excluded), e.g. 0.001".to_string()),
    }
}

/// Parses a path count: `100000`, `1_000_000`, `1e6`, `250k`, `2M`, `1G`.
pub fn parse_count(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim().replace('_', "");
    let (number, factor) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1e3),
        Some('m' | 'M') => (&t[..t.len() - 1], 1e6),
        Some('g' | 'G' | 'b' | 'B') => (&t[..t.len() - 1], 1e9),
        _ => (t.as_str(), 1.0),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a count; write e.g. 100000, 1e6, 250k or 2M"))?;
    let total = value * factor;
    if !(total >= 1.0) || total.fract() != 0.0 || total > 1e15 {
        return Err(format!("`{text}` must be a whole number from 1 to 10^15"));
    }
    Ok(total as u64)
}

/// Runs the simulation with a progress bar on stderr when it helps.
pub fn execute(
    model: &Model,
    spec: &RunSpec,
    quiet: bool,
    sink: Option<&dyn BlockSink>,
) -> Result<(Tally, Duration)> {
    let _watching = runway::files::signals::Watching::start();
    let plan = Plan::new(model);
    if !quiet && spec.paths >= 10_000_000 {
        announce_long_run(&plan, spec);
    }
    with_progress(spec.paths, quiet, |progress| {
        let observer = || sink.map(|sink| SinkObserver::new(sink, progress));
        Ok(simulate_plans(&[&plan], spec, progress, observer)?.into_tally())
    })
}

/// When the whole run will take more than a minute, says how long on
/// stderr (the run then proceeds; Ctrl-C stops it cleanly).
fn announce_long_run(plan: &Plan, spec: &RunSpec) {
    let stop = || runway::files::signals::received().is_some();
    let Some(seconds) = estimate_seconds(plan, spec, stop) else {
        return;
    };
    if seconds > 60.0 {
        let (h, m) = (
            (seconds / 3600.0) as u64,
            (seconds % 3600.0 / 60.0).round() as u64,
        );
        eprintln!(
            "runway: {} paths on {} thread(s) will take about {}; Ctrl-C stops the run cleanly (no partial output).",
            spec.paths_to_run(),
            spec.threads,
            if h > 0 { format!("{h} h {m} min") } else { format!("{m} min") }
        );
    }
}

/// Installs the handling of SIGINT, SIGTERM and SIGHUP once (see
/// [`runway::signals`]): the first signal stops the run cleanly at its next
/// block (no output file, exit code 128 + the signal number: 130, 143,
/// 129); a second one removes every temporary file and exits at once.
pub fn install_interrupt_handler() {
    runway::files::signals::install();
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run_command(args),
        Command::Check(args) => {
            let model = args.model.load()?;
            print_stdout(&render_check(&model))
        }
        Command::Bench(args) => bench_command(args),
        Command::Compare(args) => compare_command(args),
        Command::Merge(args) => merge_command(args),
        Command::Backtest(args) => backtest_command(args),
        Command::Report(args) => report_command(args),
        Command::Sensitivity(args) => sensitivity_command(args),
    }
}

/// Runs `f` on a worker thread while this one shows a progress bar (on a
/// terminal, unless `quiet`) and passes a stop signal on to `f` through
/// [`Progress::cancel`]; `f` then stops at its next block.
fn with_progress<T: Send>(
    total: u64,
    quiet: bool,
    f: impl FnOnce(&Progress) -> Result<T> + Send,
) -> Result<(T, Duration)> {
    let _watching = runway::files::signals::Watching::start();
    let progress = Progress::default();
    let show = !quiet && std::io::stderr().is_terminal();
    let started = Instant::now();
    let stop_requested = || runway::files::signals::received().is_some();
    if stop_requested() {
        return Err(runway::files::signals::interrupted());
    }
    let result = std::thread::scope(|scope| {
        let progress = &progress;
        let worker = scope.spawn(move || f(progress));
        let mut bar: Option<indicatif::ProgressBar> = None;
        while !worker.is_finished() {
            std::thread::sleep(Duration::from_millis(50));
            if stop_requested() {
                progress.cancel.store(true, Ordering::Relaxed);
            }
            if show && bar.is_none() && started.elapsed() > Duration::from_millis(700) {
                let b = indicatif::ProgressBar::with_draw_target(
                    Some(total),
                    indicatif::ProgressDrawTarget::stderr(),
                );
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} {bar:40} {human_pos}/{human_len} paths · {per_sec} · eta {eta}",
                    )
                    .expect("valid template"),
                );
                bar = Some(b);
            }
            if let Some(b) = &bar {
                b.set_position(progress.paths_done.load(Ordering::Relaxed).min(total));
            }
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        worker
            .join()
            .unwrap_or_else(|_| Err(Error::Internal("a worker thread panicked".into())))
    });
    // A signal that came after the last block was taken still stops the
    // command: it exits with the signal's code, not 0.
    if runway::files::signals::received().is_some()
        && matches!(result, Ok(_) | Err(Error::Cancelled))
    {
        return Err(runway::files::signals::interrupted());
    }
    result.map(|v| (v, started.elapsed()))
}

fn compare_command(args: CompareArgs) -> Result<()> {
    let base = ModelArgs {
        model: args.model.clone(),
        scenario: None,
        overrides: args.overrides.clone(),
    };
    let plain = base.load()?;
    let names: Vec<String> = if args.scenarios.is_empty() {
        plain.scenarios.iter().map(|(k, _)| k.clone()).collect()
    } else {
        args.scenarios.clone()
    };
    if names.is_empty() {
        return Err(Error::Usage(format!(
            "{}: the model defines no scenarios; add [scenarios.NAME] sections or name them with --scenarios",
            plain.source.label
        )));
    }
    // The same option handling as every other command: --sampling applies
    // to every scenario alike, so common random numbers still pair paths.
    let models = names
        .iter()
        .map(|name| {
            args.sim.load(&ModelArgs {
                scenario: Some(name.clone()),
                ..base.clone()
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let spec = args.sim.spec(false)?;
    let threads = spec.threads;
    let plots = args
        .plots
        .as_deref()
        .map(OutputDir::prepare_for_file)
        .transpose()?;
    let total = spec.paths * models.len() as u64;
    let (result, elapsed) = with_progress(total, args.sim.quiet, |p| {
        runway::analysis::compare::run_compare(&models, &spec, p)
    })?;
    let seconds = elapsed.as_secs_f64();
    let report = runway::analysis::compare::Comparison::new(
        &models,
        &result,
        spec.seed,
        RunInfo {
            threads,
            elapsed_seconds: seconds,
            paths_per_second: total as f64 / seconds.max(1e-9),
        },
    );
    if let Some(dir) = &plots {
        let summaries: Vec<Summary> = models
            .iter()
            .zip(&result.tallies)
            .map(|(m, t)| Summary::new(m, t, spec.seed, report.run.clone()))
            .collect();
        let named: Vec<(String, &Summary)> = models
            .iter()
            .zip(&summaries)
            .map(|(m, s)| (m.scenario.clone().unwrap_or_default(), s))
            .collect();
        write_charts(dir, &[runway::output::chart::compare_chart(&named)])?;
    }
    print_stdout(&match args.format {
        Format::Table => runway::output::render_compare_table(&report),
        Format::Json => runway::output::render_compare_json(&report),
        Format::Csv => runway::output::render_compare_csv(&report),
    })
}

fn sensitivity_command(args: SensitivityArgs) -> Result<()> {
    let model = args.sim.load(&args.model)?;
    let spec = args.sim.spec(false)?;
    let plots = args
        .plots
        .as_deref()
        .map(OutputDir::prepare_for_file)
        .transpose()?;
    let (report, _) = with_progress(spec.paths, args.sim.quiet, |p| {
        runway::analysis::sensitivity::run_sensitivity(&model, &spec, p)
    })?;
    if let Some(dir) = &plots {
        write_charts(dir, &[runway::output::chart::tornado_chart(&report)])?;
    }
    print_stdout(&match args.format {
        Format::Table => runway::output::render_sensitivity_table(&report),
        Format::Json => runway::output::render_sensitivity_json(&report),
        Format::Csv => runway::output::render_sensitivity_csv(&report),
    })
}

fn bench_command(args: BenchArgs) -> Result<()> {
    let model = args.model.load()?;
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = if args.threads.is_empty() {
        if cpus > 1 {
            vec![1, cpus]
        } else {
            vec![1]
        }
    } else {
        args.threads.clone()
    };
    if let Some(bad) = threads.iter().find(|&&t| t == 0 || t > 1024) {
        return Err(Error::Usage(format!(
            "--threads {bad}: each thread count must be from 1 to 1024"
        )));
    }
    if args.repeat == 0 {
        return Err(Error::Usage("--repeat must be at least 1".into()));
    }
    let spec = runway::analysis::bench::BenchSpec {
        paths: args.paths,
        seed: args.seed,
        threads,
        repeat: args.repeat,
    };
    let quiet = args.quiet;
    let report = runway::analysis::bench::run_bench(&model, &spec, |threads, run, rate| {
        if !quiet {
            eprintln!(
                "  {threads} thread(s), run {run}: {:.2} M paths/s",
                rate / 1e6
            );
        }
    })?;
    let text = match args.format {
        BenchFormat::Table => runway::output::render_bench_table(&report),
        BenchFormat::Json => runway::output::render_bench_json(&report),
        BenchFormat::Csv => runway::output::render_bench_csv(&report),
    };
    print_stdout(&text)
}

fn run_command(args: RunArgs) -> Result<()> {
    let model = args.sim.load(&args.model)?;
    if args.precision.is_some() && (args.shard.is_some() || args.per_path) {
        return Err(Error::Usage("--precision decides the number of paths as it goes; it cannot be combined with --shard or --per-path".into()));
    }
    let threads = args.sim.thread_count()?;
    if args.per_path && args.out.is_none() {
        return Err(Error::Usage(
            "--per-path writes paths.csv into the --out folder; add --out DIR".into(),
        ));
    }
    if args.per_path_limit.is_some() && !args.per_path {
        return Err(Error::Usage("--per-path-limit goes with --per-path".into()));
    }
    let shard = match (&args.shard, &args.partial) {
        (Some(text), Some(_)) => Some(runway::files::shard::Shard::parse(text)?),
        (None, None) => None,
        (Some(_), None) => {
            return Err(Error::Usage(
                "--shard needs --partial FILE: where this shard's result goes".into(),
            ))
        }
        (None, Some(_)) => return Err(Error::Usage("--partial goes with --shard K/M".into())),
    };
    if shard.is_some() && (args.out.is_some() || args.per_path) {
        return Err(Error::Usage(
            "a shard writes only its --partial file; give --out to `runway merge`".into(),
        ));
    }
    let mut spec = args
        .sim
        .spec(args.fan || args.out.is_some() || args.plots.is_some() || shard.is_some())?;
    if let Some(shard) = shard {
        spec.blocks = Some(shard.blocks(spec.block_count())?);
    }
    // Check every output target before the (possibly long) run.
    let partial_target = args
        .partial
        .as_deref()
        .map(runway::files::shard::check_partial_path)
        .transpose()?;
    let out = args
        .out
        .as_deref()
        .map(|dir| OutputDir::prepare(dir, args.force))
        .transpose()?;
    let plots = args
        .plots
        .as_deref()
        .map(OutputDir::prepare_for_file)
        .transpose()?;
    if shard.is_some() && plots.is_some() {
        return Err(Error::Usage(
            "a shard writes only its --partial file; draw charts after `runway merge`".into(),
        ));
    }
    let started_at = now_utc_rfc3339();
    let paths_file = match (&out, args.per_path) {
        (Some(dir), true) => {
            let temp = dir.temp_path("paths.csv")?;
            let limit = args.per_path_limit.unwrap_or(u64::MAX);
            Some(PathRows::create(
                &temp,
                &Plan::new(&model),
                &model,
                0,
                spec.paths,
                limit,
                threads,
            )?)
        }
        _ => None,
    };
    let (tally, elapsed, convergence) = match args.precision {
        None => {
            let (t, e) = execute(
                &model,
                &spec,
                args.sim.quiet,
                paths_file.as_ref().map(|p| p as &dyn BlockSink),
            )?;
            (t, e, None)
        }
        Some(target) => run_to_precision(&model, &spec, target, args.max_paths, args.sim.quiet)?,
    };
    let seconds = elapsed.as_secs_f64();
    if let (Some(shard), Some(target)) = (shard, partial_target) {
        let blocks = spec.blocks.clone().expect("a shard has blocks");
        let partial = runway::files::shard::Partial {
            format: runway::files::shard::PARTIAL_FORMAT.into(),
            format_version: runway::files::shard::PARTIAL_VERSION,
            runway_version: env!("CARGO_PKG_VERSION").into(),
            model_file: model.source.label.clone(),
            model_sha256: runway::files::sha256_hex(model.source.text.as_bytes()),
            model_text: model.source.text.to_string(),
            scenario: model.scenario.clone(),
            overrides: args.model.overrides.clone(),
            seed: spec.seed,
            paths: spec.paths,
            shards: shard.count,
            shard: shard.index,
            blocks: [blocks.start, blocks.end],
            sampling: model.sampling.describe().into(),
            threads,
            elapsed_seconds: seconds,
            tally: (&tally).into(),
        };
        let path = target.path().to_path_buf();
        runway::files::shard::write_partial(target, &partial)?;
        if !args.sim.quiet {
            eprintln!(
                "shard {}/{}: blocks {}..{} ({} paths) in {:.2} s → {}",
                shard.index,
                shard.count,
                blocks.start,
                blocks.end,
                partial.tally.paths,
                seconds,
                path.display()
            );
        }
        return Ok(());
    }
    let run = RunInfo {
        threads,
        elapsed_seconds: seconds,
        paths_per_second: tally.paths as f64 / seconds.max(1e-9),
    };
    let mut summary = Summary::new(&model, &tally, spec.seed, run);
    summary.convergence = convergence;
    if !args.sim.quiet {
        for w in &summary.warnings {
            eprintln!("runway: warning: {w}");
        }
    }
    let charts = if out.is_some() || plots.is_some() {
        runway::output::chart::run_charts(&summary, Some(&tally.end_cash))
    } else {
        Vec::new()
    };
    if let Some(dir) = &plots {
        write_charts(dir, &charts)?;
    }
    if let Some(dir) = &out {
        let provenance = Provenance {
            overrides: args.model.overrides.clone(),
            started_at,
            threads,
            elapsed_seconds: seconds,
        };
        for chart in &charts {
            dir.stage(&chart.file_name(), chart.svg.as_bytes())?;
        }
        write_outputs(dir, &model, &summary, paths_file, provenance)?;
    }
    print_report(&summary, args.format)
}

/// Adds blocks until the 95 % half-width of P(insolvent) is at most
/// `target` or `max_paths` is reached (see
/// [`runway::analysis::precision::run_to_precision`]), each round with its
/// own progress bar.
fn run_to_precision(
    model: &Model,
    spec: &RunSpec,
    target: f64,
    max_paths: u64,
    quiet: bool,
) -> Result<(
    Tally,
    Duration,
    Option<runway::analysis::summary::Convergence>,
)> {
    let mut elapsed = Duration::ZERO;
    let (tally, convergence) =
        runway::analysis::precision::run_to_precision(spec, target, max_paths, |round| {
            let (tally, took) = execute(model, round, quiet, None)?;
            elapsed += took;
            Ok(tally)
        })?;
    if !convergence.reached && !quiet {
        eprintln!("runway: stopped at --max-paths {max_paths} before the 95 % half-width reached {target}; see the convergence trace");
    }
    Ok((tally, elapsed, Some(convergence)))
}

/// What a manifest records about how the files were made.
struct Provenance {
    overrides: Vec<String>,
    started_at: String,
    threads: usize,
    elapsed_seconds: f64,
}

/// Stages summary.csv, by_month.csv, manifest.json (and the streamed
/// paths.csv) in `dir` and renames them into place together.
fn write_outputs(
    dir: &OutputDir,
    model: &Model,
    summary: &Summary,
    paths_file: Option<PathRows>,
    p: Provenance,
) -> Result<()> {
    let mut files = vec!["summary.csv".to_string(), "by_month.csv".to_string()];
    if let Some(rows) = paths_file {
        rows.finish()?;
        files.push("paths.csv".into());
    }
    dir.stage("summary.csv", &runway::output::render_summary_csv(summary))?;
    dir.stage(
        "by_month.csv",
        &runway::output::render_by_month_csv(summary),
    )?;
    if let Some(c) = &summary.convergence {
        dir.stage(
            "convergence.csv",
            &runway::output::render_convergence_csv(c),
        )?;
        files.push("convergence.csv".into());
    }
    let manifest = Manifest {
        runway_version: env!("CARGO_PKG_VERSION"),
        model_file: model.source.label.clone(),
        model_sha256: runway::files::sha256_hex(model.source.text.as_bytes()),
        scenario: model.scenario.clone(),
        overrides: p.overrides,
        seed: summary.seed,
        paths: summary.paths,
        threads: p.threads,
        sampling: summary.method.sampling,
        generator: summary.method.generator,
        block_size: summary.method.block_size,
        started_at: p.started_at,
        finished_at: now_utc_rfc3339(),
        elapsed_seconds: p.elapsed_seconds,
        command_line: std::env::args().collect(),
        files,
    };
    let mut json = serde_json::to_vec_pretty(&manifest).expect("a manifest always serialises");
    json.push(b'\n');
    dir.stage("manifest.json", &json)?;
    dir.commit()
}

fn print_report(summary: &Summary, format: Format) -> Result<()> {
    let text = match format {
        Format::Table => render_table(summary),
        Format::Json => render_json(summary),
        Format::Csv => {
            String::from_utf8(runway::output::render_summary_csv(summary)).expect("CSV is UTF-8")
        }
    };
    print_stdout(&text)
}

fn backtest_command(args: BacktestArgs) -> Result<()> {
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

/// Writes charts as `DIR/NAME.svg`, atomically, into a checked folder.
fn write_charts(dir: &OutputDir, charts: &[runway::output::chart::Chart]) -> Result<()> {
    for chart in charts {
        dir.stage(&chart.file_name(), chart.svg.as_bytes())?;
    }
    dir.commit()
}

fn report_command(args: ReportArgs) -> Result<()> {
    let model = args.sim.load(&args.model)?;
    let spec = args.sim.spec(true)?;
    let threads = spec.threads;
    if args.out.is_dir() {
        return Err(Error::Output {
            path: args.out.clone(),
            action: "cannot write the report",
            source: std::io::Error::other("it is a folder; name a file, e.g. DIR/report.html"),
        });
    }
    if args.out.exists() && !args.force {
        return Err(Error::Usage(format!(
            "{}: exists; pass --force to replace it",
            args.out.display()
        )));
    }
    let parent = args
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let dir = OutputDir::prepare_for_file(parent)?;
    let name = args
        .out
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("report.html")
        .to_string();
    runway::files::temp::sweep_stale(parent, &[&name]);
    let (tally, elapsed) = execute(&model, &spec, args.sim.quiet, None)?;
    let seconds = elapsed.as_secs_f64();
    let run = RunInfo {
        threads,
        elapsed_seconds: seconds,
        paths_per_second: tally.paths as f64 / seconds.max(1e-9),
    };
    let summary = Summary::new(&model, &tally, spec.seed, run.clone());
    let mut charts = runway::output::chart::run_charts(&summary, Some(&tally.end_cash));
    let sensitivity_spec = RunSpec {
        fan: false,
        ..spec.clone()
    };
    let (sensitivity, _) = with_progress(spec.paths, args.sim.quiet, |p| {
        runway::analysis::sensitivity::run_sensitivity(&model, &sensitivity_spec, p)
    })?;
    charts.push(runway::output::chart::tornado_chart(&sensitivity));
    // Scenario comparison, when the file defines scenarios and none was chosen.
    let mut comparison = None;
    if model.scenario.is_none() && !model.scenarios.is_empty() {
        let mut models = Vec::new();
        for (name, _) in &model.scenarios {
            models.push(args.sim.load(&ModelArgs {
                scenario: Some(name.clone()),
                ..args.model.clone()
            })?);
        }
        let (result, _) = with_progress(spec.paths * models.len() as u64, args.sim.quiet, |p| {
            runway::analysis::compare::run_compare(&models, &sensitivity_spec, p)
        })?;
        let summaries: Vec<Summary> = models
            .iter()
            .zip(&result.tallies)
            .map(|(m, t)| Summary::new(m, t, spec.seed, run.clone()))
            .collect();
        let named: Vec<(String, &Summary)> = models
            .iter()
            .zip(&summaries)
            .map(|(m, s)| (m.scenario.clone().unwrap_or_default(), s))
            .collect();
        charts.push(runway::output::chart::compare_chart(&named));
        comparison = Some(runway::analysis::compare::Comparison::new(
            &models,
            &result,
            spec.seed,
            run.clone(),
        ));
    }
    let html = runway::output::chart::report_html(
        &summary,
        &charts,
        comparison.as_ref(),
        Some(&sensitivity),
    );
    dir.stage(&name, html.as_bytes())?;
    dir.commit()?;
    if !args.sim.quiet {
        eprintln!("runway: wrote {}", args.out.display());
    }
    Ok(())
}

fn merge_command(args: MergeArgs) -> Result<()> {
    let out = args
        .out
        .as_deref()
        .map(|dir| OutputDir::prepare(dir, args.force))
        .transpose()?;
    let started_at = now_utc_rfc3339();
    let mut merged = runway::files::shard::merge_partials(&args.files)?;
    // As `run`: per-month percentiles appear with --fan or --out only.
    if !(args.fan || out.is_some()) {
        merged.tally.fan = None;
    }
    let run = RunInfo {
        threads: merged.threads,
        elapsed_seconds: merged.elapsed_seconds,
        paths_per_second: merged.tally.paths as f64 / merged.elapsed_seconds.max(1e-9),
    };
    let summary = Summary::new(&merged.model, &merged.tally, merged.seed, run);
    if let Some(dir) = &out {
        let provenance = Provenance {
            overrides: merged.header.overrides.clone(),
            started_at,
            threads: merged.threads,
            elapsed_seconds: merged.elapsed_seconds,
        };
        // The same files as the unsharded run's --out, charts included.
        for chart in runway::output::chart::run_charts(&summary, Some(&merged.tally.end_cash)) {
            dir.stage(&chart.file_name(), chart.svg.as_bytes())?;
        }
        write_outputs(dir, &merged.model, &summary, None, provenance)?;
    }
    print_report(&summary, args.format)
}

/// Writes to stdout; a closed pipe (e.g. `| head`) is not an error.
pub fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(Error::Output {
            path: PathBuf::from("<stdout>"),
            action: "cannot write the report",
            source,
        }),
    }
}
