//! `runway run`: simulate a model (or one shard of its run) and report it.

use super::{run_info, run_out_charts, write_charts};
use crate::cli::config::{RunConfig, RunKind, WholeRun};
use crate::cli::engine_calls::{execute, run_to_precision};
use crate::cli::print::print_result;
use runway::analysis::summary::Summary;
use runway::engine::{BlockSink, RunSpec};
use runway::error::Result;
use runway::files::shard::{write_partial, Partial, PartialTarget, Shard};
use runway::files::{now_utc_rfc3339, write_run_outputs, Provenance};
use runway::model::Model;
use runway::output::number;

/// Runs `runway run`.
pub fn run(config: RunConfig) -> Result<()> {
    let RunConfig {
        model,
        spec,
        quiet,
        format,
        overrides,
        kind,
    } = config;
    // Filled in with the run's seconds once it has finished.
    let provenance = Provenance {
        overrides,
        command_line: std::env::args().collect(),
        started_at: now_utc_rfc3339(),
        threads: spec.threads,
        elapsed_seconds: 0.0,
    };
    let whole = match kind {
        RunKind::Shard { shard, target } => {
            return run_shard(&model, &spec, quiet, shard, target, provenance)
        }
        RunKind::Whole(whole) => whole,
    };
    let WholeRun {
        precision,
        out,
        plots,
        paths_file,
    } = *whole;
    let (tally, elapsed, convergence) = match precision {
        None => {
            let sink = paths_file.as_ref().map(|p| p as &dyn BlockSink);
            let (t, e) = execute(&model, &spec, quiet, sink)?;
            (t, e, None)
        }
        Some(p) => run_to_precision(&model, &spec, p.half_width, p.max_paths, quiet)?,
    };
    let seconds = elapsed.as_secs_f64();
    let run = run_info(spec.threads, seconds, tally.paths);
    let mut summary = Summary::new(&model, &tally, run);
    summary.convergence = convergence;
    if !quiet {
        for w in &summary.warnings {
            eprintln!("runway: warning: {w}");
        }
    }
    let charts = if out.is_some() || plots.is_some() {
        run_out_charts(&summary, &tally)
    } else {
        Vec::new()
    };
    if let Some(dir) = &plots {
        write_charts(dir, &charts)?;
    }
    if let Some(dir) = &out {
        let provenance = Provenance {
            elapsed_seconds: seconds,
            ..provenance
        };
        write_run_outputs(dir, &model, &summary, &charts, paths_file, provenance)?;
    }
    print_result(&summary, format)
}

/// Simulates one shard and writes its partial file.
fn run_shard(
    model: &Model,
    spec: &RunSpec,
    quiet: bool,
    shard: Shard,
    target: PartialTarget,
    provenance: Provenance,
) -> Result<()> {
    let (tally, elapsed) = execute(model, spec, quiet, None)?;
    let seconds = elapsed.as_secs_f64();
    let provenance = Provenance {
        elapsed_seconds: seconds,
        ..provenance
    };
    let partial = Partial::of_shard(model, spec, shard, &tally, &provenance)?;
    let path = target.path().to_path_buf();
    write_partial(target, &partial)?;
    if !quiet {
        eprintln!(
            "shard {shard}: blocks {} to {} ({} paths) in {} → {}",
            partial.blocks[0],
            partial.blocks[1].saturating_sub(1),
            number::count(partial.tally.paths),
            number::seconds(seconds),
            path.display()
        );
    }
    Ok(())
}
