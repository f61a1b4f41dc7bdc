//! `runway update`'s arguments and their checks into its configuration:
//! the model and its actuals, the as-of month, the observation errors, the
//! particles, and the `--out` folder, all checked before anything is
//! simulated.

use super::args::{parse_count, parse_seed, parse_threads, Format, ModelArgs};
use runway::analysis::backtest::{read_actuals, Actuals, Quantity};
use runway::analysis::update::{ObservationErrors, UpdateSpec, DEFAULT_PATHS, MIN_PATHS};
use runway::error::{Error, Result};
use runway::files::{OutputDir, UPDATE_FILES};
use runway::model::{Model, Month};
use std::path::PathBuf;

/// Why `--shard` is refused: the answer is not a sum over paths.
pub const NO_SHARD: &str = "runway update cannot be sharded: resampling weighs every path against all the others after each observed month, so a shard alone cannot weigh its own paths; run it whole (it uses every thread of one machine)";

/// `runway update`.
#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// CSV of what has been observed, as `backtest` reads it: `month`
    /// (YYYY-MM) and any of cash, revenue, cost, users, insolvent.
    #[arg(long, value_name = "FILE.csv")]
    pub actual: PathBuf,
    /// The month the forecast is made in (YYYY-MM): observations up to it
    /// are used, and the company is taken as solvent through it. Default:
    /// the last month the actuals observe.
    #[arg(long, value_name = "YYYY-MM")]
    pub as_of: Option<String>,
    /// Relative error of each observed quantity: QUANTITY=SD, comma-separated
    /// or repeated, e.g. cash=0.02,revenue=0.05 (the defaults; cost and
    /// users 0.05). Smaller trusts the figures more and leaves fewer
    /// effective paths.
    #[arg(long = "error", value_name = "Q=SD", value_delimiter = ',')]
    pub errors: Vec<String>,
    /// Number of paths (particles); memory grows with them.
    #[arg(long, short = 'n', default_value_t = DEFAULT_PATHS, value_parser = parse_count, allow_negative_numbers = true)]
    pub paths: u64,
    /// Seed of the random streams.
    #[arg(long, short = 's', default_value_t = super::args::DEFAULT_SEED, value_parser = parse_seed, allow_negative_numbers = true)]
    pub seed: u64,
    /// Worker threads (default: all logical CPUs). Results do not depend on it.
    #[arg(long, short = 't', value_parser = parse_threads, allow_negative_numbers = true)]
    pub threads: Option<usize>,
    /// Resample the paths when the effective sample size falls below this
    /// share of them (0 < F ≤ 1).
    #[arg(
        long,
        value_name = "F",
        default_value_t = 0.5,
        allow_negative_numbers = true
    )]
    pub resample_below: f64,
    /// Metropolis sweeps over every path after each resampling (0 to 100).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 5,
        allow_negative_numbers = true
    )]
    pub moves: i64,
    /// Report format (csv: the month-by-month table).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write update.csv, update.json and manifest.json into DIR,
    /// atomically. DIR is created if missing.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace update files already in the --out folder.
    #[arg(long)]
    pub force: bool,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Not supported (refused with the reason).
    #[arg(long, value_name = "K/M", hide = true)]
    pub shard: Option<String>,
}

/// `runway update`, checked.
pub struct UpdateConfig {
    /// The model (scenario and `--set` applied).
    pub model: Model,
    /// The observations, checked against the model.
    pub actuals: Actuals,
    /// Paths, seed, threads, as-of month, errors, resampling.
    pub spec: UpdateSpec,
    /// No progress bar.
    pub quiet: bool,
    /// Report format.
    pub format: Format,
    /// The `--out` folder, checked.
    pub out: Option<OutputDir>,
    /// The `--set` overrides, for the manifest.
    pub overrides: Vec<String>,
}

impl TryFrom<UpdateArgs> for UpdateConfig {
    type Error = Error;

    fn try_from(args: UpdateArgs) -> Result<UpdateConfig> {
        if let Some(shard) = &args.shard {
            return Err(Error::Usage(format!("--shard {shard}: {NO_SHARD}")));
        }
        let model = args.model.load()?;
        let actuals = read_actuals(&args.actual, &model)?;
        let as_of = match &args.as_of {
            None => None,
            Some(text) => Some(as_of_month(&model, &actuals, text)?),
        };
        if as_of.is_none() && last_observed(&actuals).is_none() {
            return Err(Error::Input {
                file: actuals.file.clone(),
                rule: "observes nothing (no values and no `insolvent` column); add observed months, or give --as-of".into(),
            });
        }
        if let Some(month) = as_of.or(last_observed(&actuals)) {
            if month >= model.horizon() {
                return Err(Error::Usage(format!(
                    "the forecast would start after {month}, but the model ends at its horizon {}: nothing is left to forecast; give --as-of before {}",
                    model.horizon(),
                    model.horizon()
                )));
            }
        }
        let spec = UpdateSpec {
            paths: check_paths(args.paths)?,
            seed: args.seed,
            threads: super::config::thread_count(args.threads)?,
            as_of,
            errors: parse_errors(&args.errors)?,
            resample_below: check_resample_below(args.resample_below)?,
            moves: check_moves(args.moves)?,
        };
        let out = super::config::analysis_out(
            args.out.as_deref(),
            args.force,
            &UPDATE_FILES,
            "update output",
        )?;
        Ok(UpdateConfig {
            model,
            actuals,
            spec,
            quiet: args.quiet,
            format: args.format,
            out,
            overrides: args.model.overrides,
        })
    }
}

/// The as-of month when `--as-of` is not given: the last month with an
/// observed value, else the last month the `insolvent` column says solvent.
fn last_observed(actuals: &Actuals) -> Option<Month> {
    let values = actuals.observations.iter().map(|o| o.month).max();
    values.or(actuals.insolvency.solvent_through)
}

/// `--as-of`: a month of the model, before its horizon, not before the
/// last observation.
fn as_of_month(model: &Model, actuals: &Actuals, text: &str) -> Result<Month> {
    let month = Month::parse(text.trim()).ok_or_else(|| {
        Error::Usage(format!(
            "--as-of {text}: not a month; write YYYY-MM, e.g. --as-of {}",
            model.start
        ))
    })?;
    if month < model.start || month >= model.horizon() {
        return Err(Error::Usage(format!(
            "--as-of {text}: must be a month from the model's start {} to the month before its horizon {} (the forecast runs from the month after it to the horizon)",
            model.start,
            model.horizon()
        )));
    }
    if let Some(last) = actuals.observations.iter().map(|o| o.month).max() {
        if last > month {
            return Err(Error::Usage(format!(
                "--as-of {text}: {} observes {last}, after it; an update uses every observation up to its as-of month, so give --as-of {last} or later, or remove the later rows",
                actuals.file
            )));
        }
    }
    Ok(month)
}

/// `--paths`: at least [`MIN_PATHS`] (the library refuses, before the
/// run, more than the particles' memory allows).
fn check_paths(paths: u64) -> Result<u64> {
    if paths < MIN_PATHS {
        return Err(Error::Usage(format!(
            "--paths {paths}: an update needs at least {MIN_PATHS} paths (particles) to weigh and resample"
        )));
    }
    Ok(paths)
}

/// `--resample-below`: a share of the paths, 0 < F ≤ 1.
fn check_resample_below(f: f64) -> Result<f64> {
    if f > 0.0 && f <= 1.0 {
        Ok(f)
    } else {
        Err(Error::Usage(format!(
            "--resample-below {f}: must be a share of the paths between 0 (excluded) and 1, e.g. 0.5"
        )))
    }
}

/// `--moves`: 0 to 100 sweeps.
fn check_moves(n: i64) -> Result<usize> {
    match usize::try_from(n) {
        Ok(n) if n <= 100 => Ok(n),
        _ => Err(Error::Usage(format!(
            "--moves {n}: must be a whole number from 0 (no rejuvenation) to 100"
        ))),
    }
}

/// The largest relative error `--error` accepts.
const MAX_ERROR: f64 = 1.0;

/// `--error Q=SD,…`: each quantity at most once, SD in (0, 1]; the others
/// keep their defaults.
pub fn parse_errors(items: &[String]) -> Result<ObservationErrors> {
    let mut errors = ObservationErrors::default();
    let mut seen: Vec<Quantity> = Vec::new();
    let names = Quantity::ALL.map(Quantity::name).join(", ");
    for item in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let (name, value) = item.split_once('=').ok_or_else(|| {
            Error::Usage(format!(
                "--error {item}: write QUANTITY=SD, e.g. --error cash=0.02,revenue=0.05"
            ))
        })?;
        let quantity = Quantity::from_column(name.trim()).ok_or_else(|| {
            Error::Usage(format!(
                "--error {item}: `{}` is not an observed quantity; use one of {names}",
                name.trim()
            ))
        })?;
        if seen.contains(&quantity) {
            return Err(Error::Usage(format!(
                "--error {item}: {} is given twice; give each quantity once",
                quantity.name()
            )));
        }
        seen.push(quantity);
        let sd = match value.trim().parse::<f64>() {
            Ok(sd) if sd > 0.0 && sd <= MAX_ERROR => sd,
            _ => {
                return Err(Error::Usage(format!(
                    "--error {item}: the relative error must be a number above 0 and at most {MAX_ERROR} (0.05 = about ±5 %)"
                )))
            }
        };
        match quantity {
            Quantity::Cash => errors.cash = sd,
            Quantity::Revenue => errors.revenue = sd,
            Quantity::Cost => errors.cost = sd,
            Quantity::Users => errors.users = sd,
        }
    }
    Ok(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Vec<String> {
        text.split(',').map(String::from).collect()
    }

    #[test]
    fn errors_not_given_keep_their_defaults() {
        let e = parse_errors(&items("revenue=0.1")).unwrap();
        assert_eq!(e.revenue, 0.1);
        assert_eq!(e.cash, ObservationErrors::default().cash);
        assert_eq!(e.cost, ObservationErrors::default().cost);
    }

    #[test]
    fn a_bad_error_names_the_flag_the_item_and_the_rule() {
        for (text, says) in [
            ("cash", "write QUANTITY=SD"),
            ("burn=0.1", "not an observed quantity"),
            ("cash=0", "above 0"),
            ("cash=-0.1", "above 0"),
            ("cash=NaN", "above 0"),
            ("cash=2", "at most 1"),
            ("cash=0.1,cash=0.2", "given twice"),
        ] {
            let message = parse_errors(&items(text)).unwrap_err().to_string();
            assert!(message.starts_with("--error "), "{text}: {message}");
            assert!(message.contains(says), "{text}: {message}");
        }
    }

    #[test]
    fn resampling_shares_and_moves_are_checked() {
        assert!(check_resample_below(0.5).is_ok());
        assert!(check_resample_below(1.0).is_ok());
        for f in [0.0, -0.1, 1.5, f64::NAN] {
            assert!(check_resample_below(f).is_err(), "{f}");
        }
        assert_eq!(check_moves(0).unwrap(), 0);
        assert!(check_moves(-1).is_err());
        assert!(check_moves(101).is_err());
    }
}
