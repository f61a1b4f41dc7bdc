//! `runway update`: the forecast conditioned on the months observed so far.

use super::provenance;
use crate::cli::print::print_result;
use crate::cli::progress::with_progress;
use crate::cli::update_config::UpdateConfig;
use runway::analysis::update::update as reforecast;
use runway::error::Result;
use runway::files::write_update_outputs;
use runway::output::UpdateReport;

/// Runs `runway update`.
pub fn update(config: UpdateConfig) -> Result<()> {
    let UpdateConfig {
        model,
        actuals,
        spec,
        quiet,
        format,
        out,
        overrides,
    } = config;
    let started = provenance(overrides, spec.threads);
    // Paths simulated: the prior, then at most one resampling per step,
    // each followed by `moves` sweeps over every path (the bar may end
    // early when fewer steps resample).
    let steps = {
        let mut months: Vec<_> = actuals.observations.iter().map(|o| o.month).collect();
        months.extend(actuals.insolvency.solvent_through);
        months.extend(spec.as_of);
        months.sort();
        months.dedup();
        months.len().max(1) as u64
    };
    let total = spec
        .paths
        .saturating_mul(1 + steps.saturating_mul(spec.moves as u64));
    let (result, elapsed) =
        with_progress(total, quiet, |p| reforecast(&model, &actuals, &spec, p))?;
    let report = UpdateReport::new(&model, &actuals, &spec, &result);
    if let Some(dir) = &out {
        // Every file appears, or none.
        let provenance = started.finished(elapsed.as_secs_f64());
        write_update_outputs(dir, &model, &report, provenance)?;
    }
    print_result(&report, format)?;
    if result.reliable {
        return Ok(());
    }
    // The numbers are printed (and written), then the command fails, so
    // that no script takes them for sound ones.
    let why = (result.warnings.last().cloned())
        .unwrap_or_else(|| "the posterior rests on too few prior paths".into());
    Err(runway::error::Error::Unreliable(why))
}
