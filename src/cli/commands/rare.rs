//! `runway run --rare` and `runway merge` of its shards: a rare-event
//! estimate, reported with its diagnostics; an unreliable one is reported
//! in full and then fails (exit code 1).

use super::run_info;
use crate::cli::print::print_result;
use crate::cli::progress::with_progress;
use crate::cli::rare_config::{RareConfig, RareKind, RareMergeConfig};
use runway::analysis::rare::{estimate, RareReport};
use runway::analysis::summary::ShardTimes;
use runway::engine::Plan;
use runway::error::{Error, Result};
use runway::files::shard::{merge_rare_partials, write_partial, Partial};
use runway::files::{now_utc_rfc3339, write_rare_outputs, Provenance};
use runway::output::number;

/// Runs `runway run --rare`.
pub fn rare(config: RareConfig) -> Result<()> {
    let RareConfig {
        model,
        spec,
        choice,
        quiet,
        format,
        overrides,
        kind,
    } = config;
    let provenance = Provenance {
        overrides,
        command_line: std::env::args().collect(),
        started_at: now_utc_rfc3339(),
        threads: spec.threads,
        elapsed_seconds: 0.0,
    };
    let plan = Plan::new(&model).driven_by_scores();
    let ((chosen, _), elapsed) = with_progress(spec.paths, quiet, |progress| {
        estimate(&model, &plan, &spec, choice, progress)
    })?;
    let seconds = elapsed.as_secs_f64();
    let provenance = Provenance {
        elapsed_seconds: seconds,
        ..provenance
    };
    match kind {
        RareKind::Shard { shard, target } => {
            let partial =
                Partial::of_rare_shard(&model, spec.paths, spec.seed, shard, &chosen, &provenance)?;
            let path = target.path().to_path_buf();
            write_partial(target, &partial)?;
            if !quiet {
                eprintln!(
                    "shard {shard} ({}): blocks {} to {} in {} → {}",
                    chosen.run.method.name(),
                    partial.blocks[0],
                    partial.blocks[1].saturating_sub(1),
                    number::seconds(seconds),
                    path.display()
                );
            }
            Ok(())
        }
        RareKind::Whole { out } => {
            let work = chosen.run.tally.simulated_paths + chosen.run.diagnostics.pilot_paths;
            let report = RareReport::new(
                &model,
                spec.paths,
                spec.seed,
                &chosen,
                run_info(spec.threads, seconds, work),
            );
            if let Some(dir) = &out {
                write_rare_outputs(dir, &model, &report, provenance)?;
            }
            finish(&report, format, quiet)
        }
    }
}

/// Runs `runway merge` of a rare-event run's partial files.
pub fn merge_rare(config: RareMergeConfig) -> Result<()> {
    let started_at = now_utc_rfc3339();
    let merged = merge_rare_partials(&config.files)?;
    let run = &merged.chosen.run;
    let work = run.tally.simulated_paths + run.diagnostics.pilot_paths * merged.header.shards;
    let mut info = run_info(merged.threads, merged.wall_seconds, work);
    info.shards = Some(ShardTimes {
        count: merged.header.shards,
        shard_seconds: merged.shard_seconds,
        thread_seconds: merged.thread_seconds,
    });
    let report = RareReport::new(
        &merged.model,
        merged.paths,
        merged.seed,
        &merged.chosen,
        info,
    );
    if let Some(dir) = &config.out {
        let provenance = Provenance {
            overrides: merged.header.overrides.clone(),
            command_line: std::env::args().collect(),
            started_at,
            threads: merged.threads,
            elapsed_seconds: merged.wall_seconds,
        };
        write_rare_outputs(dir, &merged.model, &report, provenance)?;
    }
    finish(&report, config.format, false)
}

/// Prints the report; an unreliable one then fails with its first warning.
fn finish(report: &RareReport, format: crate::cli::args::Format, quiet: bool) -> Result<()> {
    print_result(report, format)?;
    match report.warnings.first() {
        Some(first) if !report.reliable => {
            if !quiet {
                for w in &report.warnings[1..] {
                    eprintln!("runway: warning: {w}");
                }
            }
            Err(Error::Unreliable(first.clone()))
        }
        _ => Ok(()),
    }
}

/// Runs `runway bench --rare`: plain Monte Carlo and the method, once each.
pub fn bench_rare(args: crate::cli::args::BenchArgs) -> Result<()> {
    let choice = args.rare.rare.map_or(
        runway::analysis::rare::Choice::Auto,
        crate::cli::rare_args::RareMethod::choice,
    );
    let format = args.format.into();
    let config: crate::cli::config::BenchConfig = args.try_into()?;
    let spec = runway::analysis::rare::RareSpec {
        paths: config.spec.paths,
        seed: config.spec.seed,
        threads: config.spec.threads.last().copied().unwrap_or(1),
        blocks: None,
    };
    let gain = runway::analysis::rare::gain::measure(&config.model, &spec, choice)?;
    print_result(&gain, format)
}
