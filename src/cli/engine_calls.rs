//! The command line's calls into the engine: one run with a progress bar
//! (and a warning when it will be long), and a run that adds paths until it
//! reaches a precision.

use super::progress::with_progress;
use runway::engine::{estimate_seconds, simulate_plans, BlockSink, Plan, RunSpec, SinkObserver};
use runway::error::Result;
use runway::model::Model;
use runway::stats::Tally;
use std::time::Duration;

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
        announce_long_run(&plan, spec);
    }
    with_progress(spec.paths, quiet, |progress| {
        let observer = || sink.map(|sink| SinkObserver::new(sink, progress));
        Ok(simulate_plans(&[&plan], spec, progress, observer)?.into_tally())
    })
}

/// When the whole run will take more than a minute, says how long on
/// stderr (the run then proceeds; Ctrl-C stops it cleanly).
fn announce_long_run(plan: &Plan, spec: &RunSpec) {
    let stop = || runway::files::signals::received().is_some();
    let Some(seconds) = estimate_seconds(plan, spec, stop) else {
        return;
    };
    if seconds > 60.0 {
        let (h, m) = (
            (seconds / 3600.0) as u64,
            (seconds % 3600.0 / 60.0).round() as u64,
        );
        eprintln!(
            "runway: {} paths on {} thread(s) will take about {}; Ctrl-C stops the run cleanly (no partial output).",
            spec.paths_to_run(),
            spec.threads,
            if h > 0 { format!("{h} h {m} min") } else { format!("{m} min") }
        );
    }
}

/// Adds blocks until the 95 % half-width of P(insolvent) is at most
/// `target` or `max_paths` is reached (see
/// [`runway::analysis::precision::run_to_precision`]), each round with its
/// own progress bar.
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
    let mut elapsed = Duration::ZERO;
    let (tally, convergence) =
        runway::analysis::precision::run_to_precision(spec, target, max_paths, |round| {
            let (tally, took) = execute(model, round, quiet, None)?;
            elapsed += took;
            Ok(tally)
        })?;
    if !convergence.reached && !quiet {
        eprintln!("runway: stopped at --max-paths {max_paths} before the 95 % half-width reached {target}; see the convergence trace");
    }
    Ok((tally, elapsed, Some(convergence)))
}
