//! From parsed arguments to validated run configurations.
//!
//! Clap refuses the combinations of flags it can express (`requires`,
//! `conflicts_with` in [`super::args`]); every other check of the settings
//! runs here, before anything is simulated, and every output target (an
//! `--out` folder, a `--plots` folder, a partial file, a report file,
//! `paths.csv`) is opened and checked here, so that a bad path fails in a
//! second, not after an hour.

use super::args::{
    BenchArgs, CompareArgs, ExplainArgs, Format, MergeArgs, ModelArgs, ReportArgs, RunArgs,
    SensitivityArgs, SimArgs,
};
use runway::analysis::bench::BenchSpec;
use runway::engine::{Plan, RunSpec};
use runway::error::{Error, Result, Setting};
use runway::files::shard::{check_partial_path, PartialTarget, Shard};
use runway::files::{OutputDir, PathRows, COMPARE_FILES, SENSITIVITY_FILES};
use runway::model::{
    load_file, load_str, LoadOptions, Model, BUILTIN_MODEL_NAME, BUILTIN_MODEL_TEXT,
};
use std::path::{Path, PathBuf};

/// The most worker threads a run may use.
const MAX_THREADS: usize = 1024;

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

impl SimArgs {
    /// Loads and checks a model and applies these options to it (`--sampling`):
    /// the one way every simulating command (run, compare, sensitivity,
    /// report, backtest) turns its model arguments into the model it runs.
    pub fn load(&self, model: &ModelArgs) -> Result<Model> {
        let mut loaded = model.load()?;
        if let Some(sampling) = self.sampling {
            loaded.sampling = sampling;
        }
        Ok(loaded)
    }

    /// The run's paths, seed and threads (checked), as every simulating
    /// command uses them; `fan` keeps per-month percentiles. The one place
    /// a command's [`RunSpec`] is made.
    pub fn spec(&self, fan: bool) -> Result<RunSpec> {
        Ok(RunSpec {
            paths: self.paths,
            seed: self.seed,
            threads: self.thread_count()?,
            fan,
            blocks: None,
        })
    }

    /// The thread count to use: `--threads` (checked), else every logical CPU.
    pub fn thread_count(&self) -> Result<usize> {
        thread_count(self.threads)
    }
}

/// The thread count to use: `threads` (checked), else every logical CPU.
pub fn thread_count(threads: Option<usize>) -> Result<usize> {
    match threads {
        Some(t) => check_thread_count(t),
        None => Ok(logical_cpus()),
    }
}

/// A thread count given on the command line, from 1 to [`MAX_THREADS`].
fn check_thread_count(threads: usize) -> Result<usize> {
    match threads {
        0 => Err(Error::Usage("--threads must be at least 1".into())),
        t if t > MAX_THREADS => Err(Error::Usage(format!(
            "--threads {t} is more than {MAX_THREADS}; use at most the machine's CPUs"
        ))),
        t => Ok(t),
    }
}

fn logical_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The folder `--plots` names, created if missing and checked.
fn plots_folder(plots: Option<&Path>) -> Result<Option<OutputDir>> {
    plots.map(OutputDir::prepare_for_file).transpose()
}

/// The folder `--out` names, created if missing and checked (its runway
/// files refused unless `force`).
fn out_folder(out: Option<&Path>, force: bool) -> Result<Option<OutputDir>> {
    out.map(|dir| OutputDir::prepare(dir, force)).transpose()
}

/// `runway run`, checked: the model, the run and where its results go.
pub struct RunConfig {
    /// The model, `--sampling` applied.
    pub model: Model,
    /// Paths, seed, threads, fan; a shard's blocks.
    pub spec: RunSpec,
    /// No progress bar, no messages on stderr.
    pub quiet: bool,
    /// Report format on stdout.
    pub format: Format,
    /// The `--set` overrides, for the manifest or partial file.
    pub overrides: Vec<String>,
    /// One shard, or the whole run.
    pub kind: RunKind,
}

/// What `runway run` does.
pub enum RunKind {
    /// Simulate one shard and write its partial file (nothing else).
    Shard {
        /// Which shard.
        shard: Shard,
        /// Its partial file, checked and ready.
        target: PartialTarget,
    },
    /// Simulate the whole run and report it.
    Whole(Box<WholeRun>),
}

/// The outputs of a whole run, each checked and ready.
pub struct WholeRun {
    /// Add paths until this precision (`--precision`, `--max-paths`).
    pub precision: Option<Precision>,
    /// The `--out` folder.
    pub out: Option<OutputDir>,
    /// The `--plots` folder.
    pub plots: Option<OutputDir>,
    /// `paths.csv`, streamed into the `--out` folder (`--per-path`).
    pub paths_file: Option<PathRows>,
}

/// A run to a precision: `--precision H --max-paths N`.
#[derive(Debug, Clone, Copy)]
pub struct Precision {
    /// The target half-width of the 95 % interval of P(insolvent).
    pub half_width: f64,
    /// The most paths the run may use.
    pub max_paths: u64,
}

impl TryFrom<RunArgs> for RunConfig {
    type Error = Error;

    fn try_from(args: RunArgs) -> Result<RunConfig> {
        let model = args.sim.load(&args.model)?;
        let shard = args.shard;
        let fan = args.fan || args.out.is_some() || args.plots.is_some() || shard.is_some();
        let mut spec = args.sim.spec(fan)?;
        let kind = match (shard, &args.partial) {
            (Some(shard), Some(partial)) => {
                spec.blocks = Some(shard.blocks(spec.block_count())?);
                RunKind::Shard {
                    shard,
                    target: check_partial_path(partial)?,
                }
            }
            // Clap makes --shard and --partial go together.
            _ => RunKind::Whole(Box::new(whole_run(&args, &model, &spec)?)),
        };
        Ok(RunConfig {
            model,
            spec,
            quiet: args.sim.quiet,
            format: args.format,
            overrides: args.model.overrides,
            kind,
        })
    }
}

/// The outputs of a whole run, opened in order: `--out`, `--plots`, then
/// `paths.csv` in the `--out` folder.
fn whole_run(args: &RunArgs, model: &Model, spec: &RunSpec) -> Result<WholeRun> {
    let out = out_folder(args.out.as_deref(), args.force)?;
    let plots = plots_folder(args.plots.as_deref())?;
    let paths_file = match (&out, args.per_path) {
        (Some(dir), true) => Some(PathRows::create(
            &dir.temp_path("paths.csv")?,
            &Plan::new(model),
            model,
            0,
            spec.paths,
            args.per_path_limit.unwrap_or(u64::MAX),
            spec.threads,
        )?),
        _ => None,
    };
    Ok(WholeRun {
        precision: args.precision.map(|half_width| Precision {
            half_width,
            max_paths: args.max_paths,
        }),
        out,
        plots,
        paths_file,
    })
}

/// The `--out` folder of an analysis (compare, sensitivity, backtest),
/// created if missing and checked, `files` (the command's own) refused
/// unless `force`.
pub fn analysis_out(
    out: Option<&Path>,
    force: bool,
    files: &[&str],
    what: &str,
) -> Result<Option<OutputDir>> {
    out.map(|dir| OutputDir::prepare_guarding(dir, force, files, what))
        .transpose()
}

/// `runway compare`, checked.
pub struct CompareConfig {
    /// One model per scenario, the reference first.
    pub models: Vec<Model>,
    /// The run of every scenario (the same paths and seed).
    pub spec: RunSpec,
    /// No progress bar.
    pub quiet: bool,
    /// Report format.
    pub format: Format,
    /// The `--plots` folder.
    pub plots: Option<OutputDir>,
    /// The `--out` folder.
    pub out: Option<OutputDir>,
    /// The `--set` overrides, for the manifest.
    pub overrides: Vec<String>,
}

impl TryFrom<CompareArgs> for CompareConfig {
    type Error = Error;

    fn try_from(args: CompareArgs) -> Result<CompareConfig> {
        let base = ModelArgs {
            model: args.model.clone(),
            scenario: None,
            overrides: args.overrides.clone(),
        };
        let plain = args.sim.load(&base)?;
        let named = !args.scenarios.is_empty();
        let names: Vec<String> = if named {
            args.scenarios.clone()
        } else {
            plain.scenarios.iter().map(|(k, _)| k.clone()).collect()
        };
        if names.is_empty() {
            return Err(Error::Usage(format!(
                "{}: the model defines no scenarios; add [scenarios.NAME] sections or name them with --scenarios",
                plain.source.label
            )));
        }
        // The same option handling as every other command: --sampling
        // applies to every scenario alike, so common random numbers still
        // pair paths.
        let scenarios = scenario_models(&args.sim, &base, &names)?;
        // The reference row: the first of --scenarios when they are named;
        // else the model as written (a scenario of the file that changes
        // nothing is that row, under its own name).
        let models = if named {
            scenarios
        } else {
            runway::analysis::compare::with_reference(plain, scenarios)
        };
        let spec = args.sim.spec(false)?;
        Ok(CompareConfig {
            models,
            spec,
            quiet: args.sim.quiet,
            format: args.format,
            out: analysis_out(
                args.out.as_deref(),
                args.force,
                &COMPARE_FILES,
                "compare output",
            )?,
            plots: plots_folder(args.plots.as_deref())?,
            overrides: args.overrides,
        })
    }
}

/// The model of each scenario in `names`, loaded from `base` as `sim` says.
fn scenario_models(sim: &SimArgs, base: &ModelArgs, names: &[String]) -> Result<Vec<Model>> {
    names
        .iter()
        .map(|name| {
            sim.load(&ModelArgs {
                scenario: Some(name.clone()),
                ..base.clone()
            })
        })
        .collect()
}

/// `runway sensitivity`, checked.
pub struct SensitivityConfig {
    /// The model.
    pub model: Model,
    /// The run (no fan).
    pub spec: RunSpec,
    /// No progress bar.
    pub quiet: bool,
    /// Report format.
    pub format: Format,
    /// The `--plots` folder.
    pub plots: Option<OutputDir>,
    /// The `--out` folder.
    pub out: Option<OutputDir>,
    /// The `--set` overrides, for the manifest.
    pub overrides: Vec<String>,
}

impl TryFrom<SensitivityArgs> for SensitivityConfig {
    type Error = Error;

    fn try_from(args: SensitivityArgs) -> Result<SensitivityConfig> {
        let model = args.sim.load(&args.model)?;
        let spec = args.sim.spec(false)?;
        Ok(SensitivityConfig {
            model,
            spec,
            quiet: args.sim.quiet,
            format: args.format,
            out: analysis_out(
                args.out.as_deref(),
                args.force,
                &SENSITIVITY_FILES,
                "sensitivity output",
            )?,
            plots: plots_folder(args.plots.as_deref())?,
            overrides: args.model.overrides,
        })
    }
}

/// `runway explain`, checked.
pub struct ExplainConfig {
    /// The model.
    pub model: Model,
    /// The run (no fan).
    pub spec: RunSpec,
    /// No progress bar.
    pub quiet: bool,
    /// Report format.
    pub format: Format,
    /// The `--plots` folder.
    pub plots: Option<OutputDir>,
}

impl TryFrom<ExplainArgs> for ExplainConfig {
    type Error = Error;

    fn try_from(args: ExplainArgs) -> Result<ExplainConfig> {
        Ok(ExplainConfig {
            model: args.sim.load(&args.model)?,
            spec: args.sim.spec(false)?,
            quiet: args.sim.quiet,
            format: args.format,
            plots: plots_folder(args.plots.as_deref())?,
        })
    }
}

/// `runway report`, checked.
pub struct ReportConfig {
    /// The model.
    pub model: Model,
    /// The run (with its fan, for the charts).
    pub spec: RunSpec,
    /// The same run without the fan, for the sensitivity analysis and the
    /// comparison.
    pub analysis_spec: RunSpec,
    /// No progress bar, no message on stderr.
    pub quiet: bool,
    /// One model per scenario of the file, the model as written first,
    /// when it defines scenarios and none was chosen (the report then
    /// compares them).
    pub scenarios: Vec<Model>,
    /// The folder of the report file, checked.
    pub dir: OutputDir,
    /// The report file's name in `dir`.
    pub name: String,
    /// The report file as the user named it.
    pub path: PathBuf,
}

impl TryFrom<ReportArgs> for ReportConfig {
    type Error = Error;

    fn try_from(args: ReportArgs) -> Result<ReportConfig> {
        let model = args.sim.load(&args.model)?;
        let spec = args.sim.spec(true)?;
        if args.out.is_dir() {
            return Err(Error::Output {
                path: args.out.clone(),
                action: "cannot write the report",
                source: std::io::Error::other("it is a folder; name a file, e.g. DIR/report.html"),
            });
        }
        if args.out.exists() && !args.force {
            return Err(Error::Setting {
                setting: Setting::Force,
                value: Some(args.out.display().to_string()),
                rule: "exists".into(),
            });
        }
        let parent = args
            .out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let dir = OutputDir::prepare_for_file(parent)?;
        let name = args
            .out
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("report.html")
            .to_string();
        runway::files::temp::sweep_stale(parent, &[&name]);
        let scenarios = if model.scenario.is_none() && !model.scenarios.is_empty() {
            let names: Vec<String> = model.scenarios.iter().map(|(n, _)| n.clone()).collect();
            // As `runway compare`: measured against the model as written.
            let scenarios = scenario_models(&args.sim, &args.model, &names)?;
            runway::analysis::compare::with_reference(model.clone(), scenarios)
        } else {
            Vec::new()
        };
        Ok(ReportConfig {
            model,
            spec,
            analysis_spec: args.sim.spec(false)?,
            quiet: args.sim.quiet,
            scenarios,
            dir,
            name,
            path: args.out,
        })
    }
}

/// `runway merge`, checked.
pub struct MergeConfig {
    /// The partial files, in the order given.
    pub files: Vec<PathBuf>,
    /// Report format.
    pub format: Format,
    /// The `--out` folder.
    pub out: Option<OutputDir>,
    /// Keep per-month percentiles in the report (`--fan`, or `--out`).
    pub fan: bool,
}

impl TryFrom<MergeArgs> for MergeConfig {
    type Error = Error;

    fn try_from(args: MergeArgs) -> Result<MergeConfig> {
        let out = out_folder(args.out.as_deref(), args.force)?;
        Ok(MergeConfig {
            fan: args.fan || out.is_some(),
            files: args.files,
            format: args.format,
            out,
        })
    }
}

/// `runway bench`, checked.
pub struct BenchConfig {
    /// The model.
    pub model: Model,
    /// Paths, seed, thread counts and repeats.
    pub spec: BenchSpec,
    /// No progress lines on stderr.
    pub quiet: bool,
    /// Report format.
    pub format: Format,
}

impl TryFrom<BenchArgs> for BenchConfig {
    type Error = Error;

    fn try_from(args: BenchArgs) -> Result<BenchConfig> {
        let model = args.model.load()?;
        let threads = if args.threads.is_empty() {
            let cpus = logical_cpus();
            if cpus > 1 {
                vec![1, cpus]
            } else {
                vec![1]
            }
        } else {
            args.threads
                .iter()
                .map(|&t| check_thread_count(t))
                .collect::<Result<_>>()?
        };
        Ok(BenchConfig {
            model,
            spec: BenchSpec {
                paths: args.paths,
                seed: args.seed,
                threads,
                // clap's parser refuses a repeat of 0.
                repeat: args.repeat,
            },
            quiet: args.quiet,
            format: args.format.into(),
        })
    }
}
