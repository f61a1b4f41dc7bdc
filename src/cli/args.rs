//! The command line's arguments: one clap struct per subcommand, the
//! formats, and a parser for every flag whose value is parsed.

use clap::{Args, Parser, Subcommand, ValueEnum};
use runway::files::shard::Shard;
use runway::model::Sampling;
use std::path::PathBuf;

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
  runway run --out results/ --per-path         CSVs, results.xlsx, charts, manifest in results/
  runway run --precision 0.001                 add paths until the 95 % CI is ±0.1 pp
  runway compare                               every scenario side by side (paired)
  runway sensitivity                           which inputs drive the risk
  runway explain --scenario article            how the company runs out of money
  runway report --out report.html              one HTML file to mail to a colleague
  runway backtest MODEL --actual actual.csv    score an old forecast against what happened
  runway update MODEL --actual actual.csv      reforecast given the months observed so far
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
    /// Tables as wide as the terminal (more columns, names in full) instead
    /// of 80 columns; 160 columns when stdout is not a terminal.
    #[arg(long, global = true)]
    pub wide: bool,
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
    /// Explain how the company runs out of money: how the inputs of the
    /// insolvent paths differ, their typical cash path, and Shapley effects.
    Explain(ExplainArgs),
    /// Find the value of a field (cash, a round's size or month, a cost) at
    /// which P(insolvent) equals a target; two levers give a frontier.
    Solve(SolveArgs),
    /// Score a forecast against what happened: PIT, coverage of the 50 % and
    /// 90 % bands, Brier and log scores of the insolvency forecast.
    Backtest(BacktestArgs),
    /// Reforecast given the months observed so far: the paths weighted by
    /// how well they match the actuals (sequential Monte Carlo), the
    /// posterior P(insolvent) by month and each input's posterior.
    Update(super::update_config::UpdateArgs),
    /// Write a one-file HTML report: summary, charts, scenario comparison and top drivers.
    Report(ReportArgs),
    /// Merge the partial results of a sharded run into the full report.
    Merge(MergeArgs),
    /// Measure simulation throughput: warm-up, then repeated timed runs per
    /// thread count (median, min, max, speed-up, efficiency, peak memory).
    Bench(BenchArgs),
    /// Print a shell completion script on stdout, e.g.
    /// `runway completions bash > /etc/bash_completion.d/runway`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on stdout, e.g. `runway man | man -l -`;
    /// `runway man run` prints the page of one subcommand.
    Man(ManArgs),
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
    pub sampling: Option<Sampling>,
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
    /// Write summary.csv, by_month.csv, results.xlsx (an Excel workbook of
    /// the same results), the charts and manifest.json (and paths.csv with
    /// --per-path) into DIR, atomically. DIR is created if missing.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace runway files already in the --out folder.
    #[arg(long)]
    pub force: bool,
    /// Also write paths.csv into the --out folder: one row per path with its
    /// sampled inputs and outcome.
    #[arg(long)]
    pub per_path: bool,
    /// Write only the first N paths to paths.csv (the run still simulates all).
    #[arg(long, value_name = "N", value_parser = parse_count, allow_negative_numbers = true, requires = "per_path")]
    pub per_path_limit: Option<u64>,
    /// Run only shard K of M (0-based): a contiguous range of the run's
    /// blocks. Needs --partial and writes nothing else: `runway merge`
    /// combines the shards and writes the --out files and charts.
    #[arg(long, value_name = "K/M", value_parser = parse_shard, requires = "partial", conflicts_with_all = ["out", "per_path", "plots"])]
    pub shard: Option<Shard>,
    /// Where a shard writes its partial result (versioned, checksummed).
    #[arg(long, value_name = "FILE", requires = "shard")]
    pub partial: Option<PathBuf>,
    /// Write SVG charts (insolvency curve, months, cash fan, end-cash
    /// histogram) into DIR. With --out they are written there as well.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    /// Keep adding paths until the 95 % interval of P(insolvent) has at most
    /// this half-width (e.g. 0.001), checking at 16, 32, 64, … blocks. It
    /// decides the number of paths as it goes: not with --shard or --per-path.
    #[arg(long, value_name = "H", value_parser = parse_precision, allow_negative_numbers = true, conflicts_with_all = ["shard", "per_path"])]
    pub precision: Option<f64>,
    /// Most paths a --precision run may use.
    #[arg(long, value_name = "N", default_value = "1G", value_parser = parse_count, allow_negative_numbers = true)]
    pub max_paths: u64,
    #[command(flatten)]
    pub rare: super::rare_args::RareArgs,
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
    /// Write backtest.csv, backtest.json and manifest.json into DIR,
    /// atomically. DIR is created if missing.
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
    /// Write summary.csv, by_month.csv, results.xlsx, the charts and
    /// manifest.json into DIR, as the unsharded run's --out.
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
    /// Scenarios to compare, comma-separated; the first is the reference.
    /// Default: the model as written (the reference) and every scenario the
    /// file defines, in file order.
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
    /// Write compare.csv, compare.json, scenario_curves.svg and
    /// manifest.json into DIR, atomically. DIR is created if missing.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace runway files already in the --out folder.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub rare: super::rare_args::RareArgs,
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
    /// Write sensitivity.csv, sensitivity.json, tornado.svg and
    /// manifest.json into DIR, atomically. DIR is created if missing.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace runway files already in the --out folder.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub rare: super::rare_args::RareArgs,
}

/// `runway explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the typical cash paths chart (explain_cash.svg) into DIR.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
}

/// `runway solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// The field to vary, e.g. cash.initial, funding.microsoft.amount,
    /// funding.NAME.month, costs.NAME.monthly. A constant is set to each
    /// candidate; a distribution needs --shift or --scale (or write
    /// shift:FIELD, scale:FIELD). Give it twice for a frontier: the second
    /// field's answer at each of --steps values of the first.
    #[arg(long, value_name = "FIELD", required = true)]
    pub vary: Vec<String>,
    /// The target P(insolvent by the month), between 0 and 1 (0.01 or 1%).
    #[arg(long, value_name = "P", value_parser = parse_target, allow_negative_numbers = true)]
    pub target: f64,
    /// The month by which insolvency counts (YYYY-MM). Default: the horizon.
    #[arg(long, value_name = "YYYY-MM")]
    pub by: Option<String>,
    /// Lowest value to search (a number, or YYYY-MM for a month); once per
    /// --vary, in order. Default: a range around the field's value,
    /// widened until the target is bracketed.
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub min: Vec<String>,
    /// Highest value to search; once per --vary, in order.
    #[arg(long, value_name = "Y", allow_negative_numbers = true)]
    pub max: Vec<String>,
    /// Move the field's distribution: every draw + v (the same random
    /// numbers, so the same paths, moved).
    #[arg(long, conflicts_with = "scale")]
    pub shift: bool,
    /// Stretch the field's distribution: every draw × v (v > 0).
    #[arg(long)]
    pub scale: bool,
    /// Values of the first lever in a frontier.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = parse_steps)]
    pub steps: usize,
    /// Most evaluations (one value on every path) of each search.
    #[arg(long, value_name = "N", default_value_t = 25, value_parser = parse_evaluations)]
    pub max_evaluations: usize,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the frontier (two levers) as an SVG chart to this file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Replace the --plot file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Parses `--target`: a probability between 0 and 1 (both excluded),
/// written 0.01 or 1%.
pub fn parse_target(text: &str) -> std::result::Result<f64, String> {
    let t = text.trim();
    let value = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|x| x / 100.0),
        None => t.parse::<f64>(),
    };
    match value {
        Ok(p) if p > 0.0 && p < 1.0 => Ok(p),
        _ => Err("the target probability must lie between 0 and 1 (both excluded): write e.g. 0.01 or 1%".to_string()),
    }
}

/// Parses `--steps`: 2 to 50.
pub fn parse_steps(text: &str) -> std::result::Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (2..=50).contains(&n) => Ok(n),
        _ => Err("must be a whole number from 2 to 50".to_string()),
    }
}

/// Parses `--max-evaluations`: 3 to 200.
pub fn parse_evaluations(text: &str) -> std::result::Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (3..=200).contains(&n) => Ok(n),
        _ => Err("must be a whole number from 3 to 200 (two go to the range's ends)".to_string()),
    }
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
    /// Measure a rare-event method's work-normalised variance gain over
    /// plain Monte Carlo instead (one run of each, --paths paths, on the
    /// last --threads count: by default every logical CPU).
    #[command(flatten)]
    pub rare: super::rare_args::RareArgs,
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
    /// Output format (json: the model and every input; csv: one row per input).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `runway completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `runway man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// A subcommand whose page to print (default: runway's own page, which
    /// lists the subcommands).
    #[arg(value_name = "SUBCOMMAND", value_parser = parse_subcommand)]
    pub subcommand: Option<String>,
}

/// Parses the name of one of runway's subcommands.
pub fn parse_subcommand(text: &str) -> std::result::Result<String, String> {
    use clap::CommandFactory;
    let cli = Cli::command();
    let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    if names.contains(&text) {
        Ok(text.to_string())
    } else {
        Err(format!("not a subcommand; use one of {}", names.join(", ")))
    }
}

/// Parses `--sampling`: `mc` or `lhs`.
pub fn parse_sampling(text: &str) -> std::result::Result<Sampling, String> {
    Sampling::parse(text).ok_or_else(|| "use mc (Monte Carlo) or lhs (Latin hypercube)".to_string())
}

/// Parses `--seed`: a whole number that fits in 64 bits.
pub fn parse_seed(text: &str) -> std::result::Result<u64, String> {
    text.trim()
        .parse::<u64>()
        .map_err(|_| format!("must be a whole number from 0 to {}", u64::MAX))
}

/// Parses a thread count (its range, 1 to 1024, is checked with the other
/// settings: see `config`).
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

/// Parses `--shard`: `K/M` with 0 ≤ K < M.
pub fn parse_shard(text: &str) -> std::result::Result<Shard, String> {
    Shard::parse(text).map_err(|e| match e {
        runway::Error::Setting { rule, .. } => {
            format!("{rule}; write K/M with 0 ≤ K < M, e.g. --shard 3/64")
        }
        other => other.to_string(),
    })
}

impl From<BenchFormat> for Format {
    fn from(format: BenchFormat) -> Format {
        match format {
            BenchFormat::Table => Format::Table,
            BenchFormat::Json => Format::Json,
            BenchFormat::Csv => Format::Csv,
        }
    }
}
