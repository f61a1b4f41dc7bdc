//! `runway bench`: simulation throughput per thread count.

use crate::cli::config::BenchConfig;
use crate::cli::print::print_result;
use runway::analysis::bench::run_bench;
use runway::error::Result;
use runway::output::number;

/// Runs `runway bench`.
pub fn bench(config: BenchConfig) -> Result<()> {
    let quiet = config.quiet;
    let report = run_bench(&config.model, &config.spec, |threads, run, rate| {
        if !quiet {
            eprintln!(
                "  {threads} thread(s), run {run}: {}",
                number::rate(rate, "paths")
            );
        }
    })?;
    print_result(&report, config.format)
}
