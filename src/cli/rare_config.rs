//! `runway run --rare` and the merge of its shards, checked: the flags
//! that do not apply to a rare-event run are refused with the reason
//! (exit code 2), before anything is simulated.
//!
//! | flag | under `--rare` |
//! |---|---|
//! | `--paths`, `--seed`, `--threads`, `--scenario`, `--set` | as `run` |
//! | `--out DIR` | rare.csv, rare.json, manifest.json |
//! | `--shard K/M --partial FILE` | a rare-event partial file; `merge` |
//! | `--precision`, `--max-paths` | refused: a rare-event run has a fixed number of paths |
//! | `--fan`, `--per-path`, `--plots` | refused: they describe unweighted paths |
//! | `--sampling` | refused: the method chooses every score |

use super::args::{Format, MergeArgs, RunArgs};
use super::config::analysis_out;
use runway::analysis::rare::{Choice, RareSpec};
use runway::engine::BLOCK_SIZE;
use runway::error::{Error, Result};
use runway::files::shard::{check_partial_path, PartialTarget, Shard};
use runway::files::{OutputDir, RARE_FILES};
use runway::model::Model;
use std::path::PathBuf;

/// Why the percentiles, paths and charts of a run are not available under
/// `--rare`.
const WEIGHTED: &str = "under --rare the paths are aimed at ruin and carry weights, so their percentiles, rows and charts would describe ruin, not the company; run without --rare for them";

/// `runway run --rare`, checked.
pub struct RareConfig {
    /// The model.
    pub model: Model,
    /// Paths, seed, threads; a shard's blocks.
    pub spec: RareSpec,
    /// The method asked for.
    pub choice: Choice,
    /// No progress bar, no messages on stderr.
    pub quiet: bool,
    /// Report format on stdout.
    pub format: Format,
    /// The `--set` overrides, for the manifest or partial file.
    pub overrides: Vec<String>,
    /// One shard (its partial file), or the whole run (its `--out` folder).
    pub kind: RareKind,
}

/// What `runway run --rare` does.
pub enum RareKind {
    /// Estimate one shard's blocks and write its partial file.
    Shard {
        /// Which shard.
        shard: Shard,
        /// Its partial file, checked and ready.
        target: PartialTarget,
    },
    /// Estimate the whole run, report it and write the `--out` files.
    Whole {
        /// The `--out` folder.
        out: Option<OutputDir>,
    },
}

/// The first flag of `args` that `--rare` refuses, with the reason.
fn refused(args: &RunArgs) -> Option<String> {
    let flag = |given: bool, name: &str, why: &str| given.then(|| format!("{name}: {why}"));
    flag(
        args.precision.is_some(),
        "--precision",
        "a rare-event run estimates from a fixed number of paths (its interval is relative to P: see rare.relative_error); use --paths",
    )
    .or_else(|| flag(args.fan, "--fan", WEIGHTED))
    .or_else(|| flag(args.per_path, "--per-path", WEIGHTED))
    .or_else(|| flag(args.plots.is_some(), "--plots", WEIGHTED))
    .or_else(|| {
        flag(
            args.sim.sampling.is_some(),
            "--sampling",
            "the rare-event method chooses every path's scores itself, so Latin hypercube or plain sampling does not apply",
        )
    })
}

impl TryFrom<RunArgs> for RareConfig {
    type Error = Error;

    fn try_from(args: RunArgs) -> Result<RareConfig> {
        if let Some(why) = refused(&args) {
            return Err(Error::Usage(format!("--rare does not take {why}")));
        }
        let model = args.model.load()?;
        let choice = args
            .rare
            .rare
            .map_or(Choice::Auto, super::rare_args::RareMethod::choice);
        let mut spec = RareSpec {
            paths: args.sim.paths,
            seed: args.sim.seed,
            threads: args.sim.thread_count()?,
            blocks: None,
        };
        let kind = match (args.shard, &args.partial) {
            (Some(shard), Some(partial)) => {
                spec.blocks = Some(shard.blocks(spec.paths.div_ceil(BLOCK_SIZE as u64))?);
                RareKind::Shard {
                    shard,
                    target: check_partial_path(partial)?,
                }
            }
            // Clap makes --shard and --partial go together.
            _ => RareKind::Whole {
                out: rare_out(args.out.as_deref(), args.force)?,
            },
        };
        Ok(RareConfig {
            model,
            spec,
            choice,
            quiet: args.sim.quiet,
            format: args.format,
            overrides: args.model.overrides,
            kind,
        })
    }
}

/// The `--out` folder of a rare-event run, its files refused unless `force`.
fn rare_out(out: Option<&std::path::Path>, force: bool) -> Result<Option<OutputDir>> {
    analysis_out(out, force, &RARE_FILES, "rare-event output")
}

/// `runway merge` of a rare-event run's partial files, checked.
pub struct RareMergeConfig {
    /// The partial files, in the order given.
    pub files: Vec<PathBuf>,
    /// Report format.
    pub format: Format,
    /// The `--out` folder.
    pub out: Option<OutputDir>,
}

impl TryFrom<MergeArgs> for RareMergeConfig {
    type Error = Error;

    fn try_from(args: MergeArgs) -> Result<RareMergeConfig> {
        if args.fan {
            return Err(Error::Usage(format!(
                "merge of a rare-event run does not take --fan: {WEIGHTED}"
            )));
        }
        Ok(RareMergeConfig {
            out: rare_out(args.out.as_deref(), args.force)?,
            files: args.files,
            format: args.format,
        })
    }
}

/// Whether `runway merge` is given the shards of a rare-event run (its
/// first file says).
pub fn is_rare_merge(args: &MergeArgs) -> bool {
    (args.files.first()).is_some_and(|f| runway::files::shard::is_rare_partial(f))
}

/// The reason `compare` refuses `--rare`.
pub const COMPARE_REFUSED: &str = "compare --rare: compare pairs the scenarios on common random numbers and reports paired differences of unweighted paths; a rare-event method aims each scenario's paths at its own ruin, so no pairing is left. Estimate each scenario on its own (runway run MODEL --scenario NAME --rare) and compare their intervals";

/// The reason `sensitivity` refuses `--rare`.
pub const SENSITIVITY_REFUSED: &str = "sensitivity --rare: sensitivity ranks inputs by their association with insolvency on unweighted paths; under --rare the paths are weighted and aimed at ruin, so the ranks would mislead. Run sensitivity without --rare (or see the shifts in runway run --rare's diagnostics: the inputs a tilt moved most)";
