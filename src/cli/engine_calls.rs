//! The command line's calls into the engine: one run with a progress bar
//! (and a warning when it will be long), and a run that adds paths until it
//! reaches a precision.

use super::progress::with_progress;
use runway::engine::{simulate_with_sink, BlockSink, Plan, RunSpec};
use runway::error::Result;
use runway::model::Model;
use runway::stats::Tally;
use std::time::{Duration, Instant};

/// Runs the simulation with a progress bar on stderr when it helps.
pub fn execute(
    model: &Model,
    spec: &RunSpec,
    quiet: bool,
    sink: Option<&dyn BlockSink>,
) -> Result<(Tally, Duration)> {
    let _watching = runway::files::signals::Watching::start();
    let plan = Plan::new(model);
    if !quiet && spec.paths >= 10_000_000 {
        announce_long_run(&plan, model, spec);
    }
    with_progress(spec.paths, quiet, |progress| {
        simulate_with_sink(&plan, model, spec, progress, sink)
    })
}

/// Times a few blocks and, when the whole run will take more than a minute,
/// says how long on stderr (the run then proceeds; Ctrl-C stops it cleanly).
fn announce_long_run(plan: &Plan, model: &Model, spec: &RunSpec) {
    let mut scratch = runway::engine::Scratch::new(plan);
    let mut tally = runway::engine::empty_tally(model, spec.fan);
    let started = Instant::now();
    let probe_blocks = 8u64;
    for block in 0..probe_blocks {
        if runway::files::signals::received().is_some() {
            return;
        }
        if runway::engine::run_block(
            plan,
            spec.seed,
            block,
            runway::engine::BLOCK_SIZE,
            &mut scratch,
            &mut tally,
        )
        .is_err()
        {
            return;
        }
    }
    let per_path =
        started.elapsed().as_secs_f64() / (probe_blocks * runway::engine::BLOCK_SIZE as u64) as f64;
    let blocks = spec
        .blocks
        .clone()
        .map_or(spec.block_count(), |r| r.end - r.start);
    let paths = (blocks * runway::engine::BLOCK_SIZE as u64).min(spec.paths);
    let seconds = per_path * paths as f64 / spec.threads as f64;
    if seconds > 60.0 {
        let (h, m) = (
            (seconds / 3600.0) as u64,
            (seconds % 3600.0 / 60.0).round() as u64,
        );
        eprintln!(
            "runway: {} paths on {} thread(s) will take about {}; Ctrl-C stops the run cleanly (no partial output).",
            paths,
            spec.threads,
            if h > 0 { format!("{h} h {m} min") } else { format!("{m} min") }
        );
    }
}

/// Adds blocks until the 95 % half-width of P(insolvent) is at most
/// `target` or `max_paths` is reached. Checks happen at fixed block counts
/// (16, 32, 64, … blocks), so the same seed stops at the same place for any
/// thread count.
pub fn run_to_precision(
    model: &Model,
    spec: &RunSpec,
    target: f64,
    max_paths: u64,
    quiet: bool,
) -> Result<(
    Tally,
    Duration,
    Option<runway::analysis::summary::Convergence>,
)> {
    use runway::engine::BLOCK_SIZE;
    let max_blocks = max_paths.div_ceil(BLOCK_SIZE as u64);
    let mut tally = runway::engine::empty_tally(model, spec.fan);
    let mut trace = Vec::new();
    let (mut done, mut next) = (0u64, 16u64.min(max_blocks));
    let mut elapsed = Duration::ZERO;
    let reached = loop {
        let round = RunSpec {
            paths: (next * BLOCK_SIZE as u64).min(max_paths),
            blocks: Some(done..next),
            ..spec.clone()
        };
        let (part, took) = execute(model, &round, quiet, None)?;
        tally.merge(&part);
        elapsed += took;
        let p = runway::stats::Proportion::new(tally.insolvent(), tally.paths);
        let half = p.half_width();
        trace.push(runway::analysis::summary::ConvergencePoint {
            paths: tally.paths,
            probability: p.probability,
            ci95: p.ci95,
            half_width: half,
        });
        if half <= target {
            break true;
        }
        if next >= max_blocks {
            break false;
        }
        done = next;
        next = (next * 2).min(max_blocks);
    };
    if !reached && !quiet {
        eprintln!("runway: stopped at --max-paths {max_paths} before the 95 % half-width reached {target}; see the convergence trace");
    }
    let convergence = runway::analysis::summary::Convergence {
        target_half_width: target,
        reached,
        max_paths,
        trace,
    };
    Ok((tally, elapsed, Some(convergence)))
}
