//! `runway bench`: simulation throughput, measured like hyperfine measures
//! commands: a warm-up, then repeated timed runs per thread count, with the
//! median, minimum and maximum, speed-up and parallel efficiency.

use crate::engine::{simulate_plans, Plan, Progress, RunSpec};
use crate::error::Result;
use crate::model::Model;
use crate::stats::Tally;
use serde::Serialize;
use std::time::Instant;

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchSpec {
    /// Paths per timed run.
    pub paths: u64,
    /// Seed.
    pub seed: u64,
    /// Thread counts to measure, in order.
    pub threads: Vec<usize>,
    /// Timed runs per thread count.
    pub repeat: usize,
}

/// Throughput at one thread count.
#[derive(Debug, Clone, Serialize)]
pub struct BenchRow {
    /// Worker threads.
    pub threads: usize,
    /// Timed runs.
    pub runs: usize,
    /// Median paths per second.
    pub paths_per_second_median: f64,
    /// Slowest run's paths per second.
    pub paths_per_second_min: f64,
    /// Fastest run's paths per second.
    pub paths_per_second_max: f64,
    /// Median path-months per second (paths × months).
    pub path_months_per_second_median: f64,
    /// Median wall-clock seconds of one run.
    pub seconds_median: f64,
    /// Median throughput relative to one thread (when 1 was measured).
    pub speedup: Option<f64>,
    /// Speed-up divided by threads.
    pub efficiency: Option<f64>,
}

/// The whole benchmark.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// runway version.
    pub runway_version: &'static str,
    /// Model name and file.
    pub model: String,
    /// Model file label.
    pub file: String,
    /// Months per path.
    pub months: u32,
    /// Paths per timed run.
    pub paths: u64,
    /// Seed.
    pub seed: u64,
    /// Logical CPUs of this machine.
    pub logical_cpus: usize,
    /// The vector code the engine ran (see [`crate::simd::fastmath::vector_code`]).
    pub vector_code: &'static str,
    /// Peak resident memory of the process, MiB (Linux; `None` elsewhere).
    pub peak_rss_mib: Option<f64>,
    /// Whether every run, at every thread count, gave the identical result.
    pub identical_results: bool,
    /// One row per thread count.
    pub rows: Vec<BenchRow>,
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
    }
}

/// Runs the benchmark. `on_run` is called after each timed run (for progress).
pub fn run_bench(
    model: &Model,
    spec: &BenchSpec,
    mut on_run: impl FnMut(usize, usize, f64),
) -> Result<BenchReport> {
    let plan = Plan::new(model);
    let run = |threads: usize| -> Result<(Tally, f64)> {
        let run_spec = RunSpec {
            paths: spec.paths,
            seed: spec.seed,
            threads,
            fan: false,
            blocks: None,
        };
        let started = Instant::now();
        let tally = simulate_plans(&[&plan], &run_spec, &Progress::default(), || ())?.into_tally();
        Ok((tally, started.elapsed().as_secs_f64()))
    };
    // Warm-up: page in code and data, start the thread pool's threads once.
    let warm_threads = spec.threads.iter().copied().max().unwrap_or(1);
    let (reference, _) = run(warm_threads)?;
    let mut identical = true;
    let mut rows = Vec::new();
    for &threads in &spec.threads {
        let mut rates = Vec::with_capacity(spec.repeat);
        let mut seconds = Vec::with_capacity(spec.repeat);
        for _ in 0..spec.repeat {
            let (tally, elapsed) = run(threads)?;
            identical &= tally == reference;
            let rate = spec.paths as f64 / elapsed.max(1e-9);
            on_run(threads, rates.len() + 1, rate);
            rates.push(rate);
            seconds.push(elapsed);
        }
        rates.sort_by(f64::total_cmp);
        seconds.sort_by(f64::total_cmp);
        let m = median(&rates);
        rows.push(BenchRow {
            threads,
            runs: spec.repeat,
            paths_per_second_median: m,
            paths_per_second_min: rates[0],
            paths_per_second_max: rates[rates.len() - 1],
            path_months_per_second_median: m * f64::from(model.months),
            seconds_median: median(&seconds),
            speedup: None,
            efficiency: None,
        });
    }
    if let Some(base) = rows
        .iter()
        .find(|r| r.threads == 1)
        .map(|r| r.paths_per_second_median)
    {
        for row in &mut rows {
            let speedup = row.paths_per_second_median / base;
            row.speedup = Some(speedup);
            row.efficiency = Some(speedup / row.threads as f64);
        }
    }
    Ok(BenchReport {
        runway_version: env!("CARGO_PKG_VERSION"),
        model: model.name.clone(),
        file: model.source.label.clone(),
        months: model.months,
        paths: spec.paths,
        seed: spec.seed,
        logical_cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        vector_code: crate::simd::fastmath::vector_code(),
        peak_rss_mib: peak_rss_mib(),
        identical_results: identical,
        rows,
    })
}

/// Peak resident set size of this process in MiB (`VmHWM`), on Linux.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
