//! `runway merge`: the partial files of a sharded run into its report.

use super::{run_info, run_out_charts};
use crate::cli::config::MergeConfig;
use crate::cli::print::print_result;
use runway::analysis::summary::{ShardTimes, Summary};
use runway::error::Result;
use runway::files::shard::merge_partials;
use runway::files::{now_utc_rfc3339, write_run_outputs, Provenance};

/// Runs `runway merge`.
pub fn merge(config: MergeConfig) -> Result<()> {
    let started_at = now_utc_rfc3339();
    let mut merged = merge_partials(&config.files)?;
    // As `run`: per-month percentiles appear with --fan or --out only.
    if !config.fan {
        merged.tally.fan = None;
    }
    // Elapsed is the wall-clock span of the shards; their summed times
    // are reported beside it, never as elapsed.
    let mut run = run_info(merged.threads, merged.wall_seconds, merged.tally.paths);
    run.shards = Some(ShardTimes {
        count: merged.header.shards,
        shard_seconds: merged.shard_seconds,
        thread_seconds: merged.thread_seconds,
    });
    let summary = Summary::new(&merged.model, &merged.tally, run);
    if let Some(dir) = &config.out {
        let provenance = Provenance {
            overrides: merged.header.overrides.clone(),
            command_line: std::env::args().collect(),
            started_at,
            threads: merged.threads,
            elapsed_seconds: merged.wall_seconds,
        };
        // The same files as the unsharded run's --out, charts included.
        let charts = run_out_charts(&summary, &merged.tally);
        write_run_outputs(dir, &merged.model, &summary, &charts, None, provenance)?;
    }
    print_result(&summary, config.format)
}
