//! `runway solve`'s arguments checked into its configuration: the model,
//! the levers with their ranges, the target and month, the run, and the
//! chart file, opened before anything is simulated.

use super::args::{Format, SolveArgs};
use runway::analysis::solve::{LeverSpec, Mode, Range, SolveSpec};
use runway::engine::RunSpec;
use runway::error::{Error, Result, Setting};
use runway::files::OutputDir;
use runway::model::{Model, Month};
use std::path::{Path, PathBuf};

/// `runway solve`, checked.
pub struct SolveConfig {
    /// The model (scenario, `--set`, `--sampling` applied).
    pub model: Model,
    /// The user's `--set` overrides.
    pub overrides: Vec<String>,
    /// One lever, or two (a frontier).
    pub levers: Vec<LeverSpec>,
    /// The target, the month, the evaluation budget.
    pub spec: SolveSpec,
    /// Paths, seed, threads.
    pub run: RunSpec,
    /// Values of the first lever in a frontier.
    pub steps: usize,
    /// No progress bar.
    pub quiet: bool,
    /// Report format.
    pub format: Format,
    /// The chart's folder (checked) and file name.
    pub plot: Option<(OutputDir, String)>,
}

impl TryFrom<SolveArgs> for SolveConfig {
    type Error = Error;

    fn try_from(args: SolveArgs) -> Result<SolveConfig> {
        let model = args.sim.load(&args.model)?;
        if args.vary.len() > 2 {
            return Err(Error::Usage(format!(
                "--vary is given {} times; give one field (an answer) or two (a frontier)",
                args.vary.len()
            )));
        }
        if (args.shift || args.scale) && args.vary.len() == 2 {
            return Err(Error::Usage(
                "with two levers write each one's mode in --vary (shift:FIELD, scale:FIELD) instead of --shift/--scale".into(),
            ));
        }
        for (flag, given) in [("--min", args.min.len()), ("--max", args.max.len())] {
            if given != 0 && given != args.vary.len() {
                return Err(Error::Usage(format!(
                    "{flag} is given {} for {} --vary; give it once per --vary, in the same order, or not at all",
                    times(given),
                    args.vary.len()
                )));
            }
        }
        if args.min.len() != args.max.len() {
            return Err(Error::Usage(
                "give --min and --max together (both or neither)".into(),
            ));
        }
        let mut levers = Vec::new();
        for (i, text) in args.vary.iter().enumerate() {
            let (mode, field) = match text.split_once(':') {
                Some(("shift", f)) => (Mode::Shift, f),
                Some(("scale", f)) => (Mode::Scale, f),
                Some((other, _)) => {
                    return Err(Error::Usage(format!(
                        "--vary {text}: `{other}:` is not a mode; write FIELD, shift:FIELD or scale:FIELD"
                    )))
                }
                None if args.shift => (Mode::Shift, text.as_str()),
                None if args.scale => (Mode::Scale, text.as_str()),
                None => (Mode::Set, text.as_str()),
            };
            let range = match (args.min.get(i), args.max.get(i)) {
                (Some(lo), Some(hi)) => Some(range(&model, field, mode, lo, hi)?),
                _ => None,
            };
            levers.push(LeverSpec {
                field: field.trim().to_string(),
                mode,
                range,
            });
        }
        if let [a, b] = &levers[..] {
            if a.field == b.field {
                return Err(Error::Usage(format!(
                    "--vary {} is given twice; a frontier needs two different fields",
                    a.field
                )));
            }
        }
        let by = match &args.by {
            None => model.months,
            Some(text) => month_number(&model, "--by", text)?,
        };
        let plot =
            match &args.plot {
                Some(_) if args.vary.len() == 1 => return Err(Error::Usage(
                    "--plot draws a frontier: give --vary twice (one lever's answer is its table)"
                        .into(),
                )),
                None => None,
                Some(path) => Some(plot_file(path, args.force)?),
            };
        Ok(SolveConfig {
            run: args.sim.spec(false)?,
            overrides: args.model.overrides.clone(),
            levers,
            spec: SolveSpec {
                target: args.target,
                by,
                max_evaluations: args.max_evaluations,
            },
            steps: args.steps,
            quiet: args.sim.quiet,
            format: args.format,
            plot,
            model,
        })
    }
}

/// A month of the model as its month number (1 = the start), within the
/// horizon.
fn month_number(model: &Model, flag: &str, text: &str) -> Result<u32> {
    let horizon = model.horizon();
    let month = Month::parse(text.trim()).ok_or_else(|| {
        Error::Usage(format!(
            "{flag} {text}: a month is written YYYY-MM, e.g. {horizon}"
        ))
    })?;
    let n = month.months_since(model.start) + 1;
    if n < 1 || n > model.months as i32 {
        return Err(Error::Usage(format!(
            "{flag} {text}: the month must lie within the model's months, {} to {horizon}",
            model.start
        )));
    }
    Ok(n as u32)
}

/// `--min`/`--max` of one lever: numbers (months for a month field set to
/// a value), min below max, a scale above 0.
fn range(model: &Model, field: &str, mode: Mode, lo: &str, hi: &str) -> Result<Range> {
    let value = |flag: &str, text: &str| -> Result<f64> {
        if let Ok(x) = text.trim().parse::<f64>() {
            if x.is_finite() {
                return Ok(x);
            }
        }
        if field.ends_with(".month") && mode == Mode::Set {
            let m = Month::parse(text.trim()).ok_or_else(|| {
                Error::Usage(format!(
                    "{flag} {text}: write a month as YYYY-MM or a month number (1 = {})",
                    model.start
                ))
            })?;
            return Ok(f64::from(m.months_since(model.start) + 1));
        }
        Err(Error::Usage(format!(
            "{flag} {text}: not a number; write a finite number, e.g. {flag} 0"
        )))
    };
    let (min, max) = (value("--min", lo)?, value("--max", hi)?);
    if !(min < max) {
        return Err(Error::Usage(format!(
            "--min {lo} must be below --max {hi} (the range searched for {field})"
        )));
    }
    if !(max - min).is_finite() {
        return Err(Error::Usage(format!(
            "--min {lo} --max {hi}: the range is too wide to search (its width is not a finite number); give a range around the answer's scale"
        )));
    }
    if mode == Mode::Scale && !(min > 0.0) {
        return Err(Error::Usage(format!(
            "--min {lo}: a scale factor must be above 0 (every draw × v)"
        )));
    }
    Ok(Range { min, max })
}

/// The chart file's folder, checked, and its name.
fn plot_file(path: &Path, force: bool) -> Result<(OutputDir, String)> {
    if path.is_dir() {
        return Err(Error::Output {
            path: path.to_path_buf(),
            action: "cannot write the chart",
            source: std::io::Error::other("it is a folder; name a file, e.g. DIR/frontier.svg"),
        });
    }
    if path.exists() && !force {
        return Err(Error::Setting {
            setting: Setting::Force,
            value: Some(path.display().to_string()),
            rule: "exists".into(),
        });
    }
    let parent: PathBuf = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let dir = OutputDir::prepare_for_file(&parent)?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("frontier.svg")
        .to_string();
    Ok((dir, name))
}

/// "once", "twice", "3 times".
fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}
