//! `runway solve`: the value of a field that gives a target risk, or a
//! frontier of two.

use crate::cli::print::print_result;
use crate::cli::progress::with_progress;
use crate::cli::solve_config::SolveConfig;
use runway::analysis::solve::{frontier, solve as solve_one, Base};
use runway::error::{Error, Result};

/// Runs `runway solve`.
pub fn solve(config: SolveConfig) -> Result<()> {
    let SolveConfig {
        model,
        overrides,
        levers,
        spec,
        run,
        steps,
        quiet,
        format,
        plot,
    } = config;
    let base = Base {
        model: &model,
        overrides: &overrides,
    };
    let evaluations =
        spec.max_evaluations as u64 * if levers.len() == 2 { steps as u64 } else { 1 };
    let total = run.paths.saturating_mul(evaluations);
    if let [first, second] = &levers[..] {
        let (result, _) = with_progress(total, quiet, |p| {
            frontier(&base, [first, second], steps, &spec, &run, p)
        })?;
        if let Some((dir, name)) = &plot {
            let svg = runway::output::chart::frontier_svg(&result);
            dir.stage(name, svg.as_bytes())?;
            dir.commit()?;
        }
        return print_result(&result, format);
    }
    let (result, _) = with_progress(total, quiet, |p| {
        solve_one(&base, &levers[0], &spec, &run, p)
    })?;
    if let Some(why) = &result.unreached {
        return Err(Error::Usage(format!(
            "the target P(insolvent by {}) = {} is not reached: {why}",
            result.setting.by,
            runway::output::number::probability(spec.target),
        )));
    }
    print_result(&result, format)
}
