//! What a partial file must satisfy before its tally is merged: a header
//! in range, the same run as the first file, a tally of the model's shape
//! and with values one shard could have produced.

use super::{invalid, Partial, Shard};
use crate::engine::BLOCK_SIZE;
use crate::error::Result;
use crate::files::sha256_hex;
use crate::model::{Model, Sampling};
use crate::stats::{ExactSum, Tally, TallyWire};
use std::path::Path;

/// The most paths a run can have (as the command line allows).
const MAX_PATHS: u64 = 1_000_000_000_000_000;

/// Checks a partial's header on its own: counts in range, its blocks those
/// of its shard, a known sampling method, its model text matching its
/// SHA-256. Nothing is allocated from the file's numbers before this.
pub(super) fn check_header(path: &Path, p: &Partial) -> Result<()> {
    if !(1..=MAX_PATHS).contains(&p.paths) {
        return Err(invalid(
            path,
            format!("`paths` = {}: must be from 1 to 10^15", p.paths),
        ));
    }
    let total_blocks = p.paths.div_ceil(BLOCK_SIZE as u64);
    if !(1..=total_blocks).contains(&p.shards) {
        return Err(invalid(
            path,
            format!(
                "`shards` = {}: a run of {} paths has {total_blocks} block(s), so from 1 to {total_blocks} shards",
                p.shards, p.paths
            ),
        ));
    }
    if p.shard >= p.shards {
        return Err(invalid(
            path,
            format!(
                "`shard` = {}: must be below `shards` = {} (shards are numbered from 0)",
                p.shard, p.shards
            ),
        ));
    }
    let expected = Shard {
        index: p.shard,
        count: p.shards,
    }
    .blocks(total_blocks)?;
    if p.blocks != [expected.start, expected.end] {
        return Err(invalid(
            path,
            format!(
                "`blocks` = {:?}: shard {}/{} of {} paths covers blocks [{}, {})",
                p.blocks, p.shard, p.shards, p.paths, expected.start, expected.end
            ),
        ));
    }
    if Sampling::from_description(&p.sampling).is_none() {
        return Err(invalid(
            path,
            format!(
                "`sampling` = {:?} is not a sampling method of runway",
                p.sampling
            ),
        ));
    }
    if p.threads == 0 || !(p.elapsed_seconds.is_finite() && p.elapsed_seconds >= 0.0) {
        return Err(invalid(
            path,
            format!(
                "`threads` = {} and `elapsed_seconds` = {} must be at least 1 and a finite number of seconds",
                p.threads, p.elapsed_seconds
            ),
        ));
    }
    if p.started_unix_ms > p.finished_unix_ms {
        return Err(invalid(
            path,
            format!(
                "`started_unix_ms` = {} is after `finished_unix_ms` = {}",
                p.started_unix_ms, p.finished_unix_ms
            ),
        ));
    }
    if sha256_hex(p.model_text.as_bytes()) != p.model_sha256 {
        return Err(invalid(
            path,
            "its model text does not match its model SHA-256",
        ));
    }
    Ok(())
}

/// A partial must come from the same run, and the same build, as the first
/// one. The refusal quotes both values: `seed 12, expected 11 (from FIRST)`.
pub(super) fn check_same_run(
    path: &Path,
    p: &Partial,
    first_path: &Path,
    first: &Partial,
) -> Result<()> {
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            format!("[{}]", v.join(", "))
        }
    };
    let scenario = |s: &Option<String>| s.as_deref().unwrap_or("none").to_string();
    let model = |q: &Partial| format!("SHA-256 {} ({})", q.model_sha256, q.model_file);
    let rare = |q: &Partial| {
        q.rare
            .as_ref()
            .map_or("none (a run without --rare)".to_string(), |r| {
                r.method.clone()
            })
    };
    let fields: [(&str, String, String); 10] = [
        (
            "runway version",
            p.runway_version.clone(),
            first.runway_version.clone(),
        ),
        ("build", p.build.clone(), first.build.clone()),
        ("model", model(p), model(first)),
        ("scenario", scenario(&p.scenario), scenario(&first.scenario)),
        ("overrides", list(&p.overrides), list(&first.overrides)),
        ("seed", p.seed.to_string(), first.seed.to_string()),
        ("paths", p.paths.to_string(), first.paths.to_string()),
        (
            "number of shards",
            p.shards.to_string(),
            first.shards.to_string(),
        ),
        ("sampling", p.sampling.clone(), first.sampling.clone()),
        ("rare-event method", rare(p), rare(first)),
    ];
    // The model is the same if its text is: the file name may differ from
    // machine to machine (the merge records every name).
    let same = |what: &str, a: &str, b: &str| {
        if what == "model" {
            p.model_sha256 == first.model_sha256
        } else {
            a == b
        }
    };
    match fields.iter().find(|(what, a, b)| !same(what, a, b)) {
        Some((what, this, expected)) => {
            let hint = if *what == "build" || *what == "runway version" {
                "; every shard of a run must be computed by the same runway build"
            } else {
                ""
            };
            Err(invalid(
                path,
                format!(
                    "belongs to another run: {what} {this}, expected {expected} (from {}){hint}",
                    first_path.display()
                ),
            ))
        }
        None => Ok(()),
    }
}

/// A partial's tally must have the model's shape (months, inflows, shocks,
/// a fan) and values that one shard of the run could have produced: every
/// count within its paths, every sketch holding its paths, the sum of end
/// cash between paths × min and paths × max. Anything else is a damaged or
/// forged file (its checksum proves nothing: anyone can recompute it).
pub(super) fn check_tally(path: &Path, p: &Partial, t: &Tally, model: &Model) -> Result<()> {
    let refuse = |rule: String| Err(invalid(path, format!("its tally {rule}")));
    let Some(fan) = &t.fan else {
        return refuse("has no per-month sketches (`fan`), which every shard writes".into());
    };
    let first_path = p.blocks[0] * BLOCK_SIZE as u64;
    let expected_paths =
        ((p.blocks[1] - p.blocks[0]) * BLOCK_SIZE as u64).min(p.paths.saturating_sub(first_path));
    if t.paths != expected_paths {
        return refuse(format!(
            "counts {} paths; blocks {}..{} of a {}-path run hold {expected_paths}",
            t.paths, p.blocks[0], p.blocks[1], p.paths
        ));
    }
    let insolvent = t
        .insolvent_in_month
        .iter()
        .try_fold(0u64, |a, &b| a.checked_add(b));
    if insolvent.is_none_or(|k| k > t.paths) {
        return refuse("counts more insolvent paths than paths".into());
    }
    if let Some(k) = t
        .inflow_arrived
        .iter()
        .chain(&t.shock_struck)
        .find(|&&k| k > t.paths)
    {
        return refuse(format!(
            "counts an inflow or shock in {k} paths, more than its {}",
            t.paths
        ));
    }
    if let Some(f) = &t.failure {
        let total = |v: &[u64]| v.iter().try_fold(0u64, |a, &b| a.checked_add(b));
        let (breached, failed) = (total(&f.breach_in_month), total(&f.failure_in_month));
        let ok = breached
            .zip(failed)
            .zip(insolvent)
            .is_some_and(|((b, f_), i)| f_ <= t.paths && b <= f_ && i <= f_);
        if !ok || f.shortfall.count() != failed.unwrap_or(0) {
            return refuse(
                "has breach and failure counts that do not fit its paths (failures at most paths, at least the breaches and the insolvencies, one shortfall each)".into(),
            );
        }
    }
    let sketches_hold = |s: &crate::stats::Sketch| s.count() == t.paths;
    // Users are tallied only for models with a users × arpu line.
    let user_paths = if model.revenues.iter().any(|r| r.arpu.is_some()) {
        t.paths
    } else {
        0
    };
    let users_ok = fan.users.iter().all(|s| s.count() == user_paths);
    if !(sketches_hold(&t.end_cash)
        && sketches_hold(&t.lowest_cash)
        && [&fan.cash, &fan.revenue, &fan.cost]
            .iter()
            .all(|v| v.iter().all(sketches_hold))
        && users_ok)
    {
        return refuse(format!(
            "has a sketch that does not hold its {} paths",
            t.paths
        ));
    }
    // Each path's lowest cash is at most its end cash, and the last month's
    // cash is its end cash: the sketches must agree.
    let ordered = |a: Option<f64>, b: Option<f64>| a.zip(b).is_none_or(|(a, b)| a <= b);
    if !(ordered(t.lowest_cash.min(), t.end_cash.min())
        && ordered(t.lowest_cash.max(), t.end_cash.max()))
    {
        return refuse("has a lowest cash above the end cash".into());
    }
    if fan.cash.last().is_some_and(|last| *last != t.end_cash) {
        return refuse("has a last month's cash that differs from its end cash".into());
    }
    if let (Some(min), Some(max)) = (t.end_cash.min(), t.end_cash.max()) {
        let (mut low, mut high) = (ExactSum::new(), ExactSum::new());
        low.add_times(min, t.paths);
        high.add_times(max, t.paths);
        if t.end_cash_sum.compare(&low).is_lt() || t.end_cash_sum.compare(&high).is_gt() {
            return refuse(format!(
                "has a sum of end cash outside paths × [min, max] = {} × [{min}, {max}]",
                t.paths
            ));
        }
    }
    let mean_funding = t.funding_sum.divided_by(t.paths);
    if !(mean_funding >= 0.0 && mean_funding.is_finite()) {
        return refuse(format!(
            "has a sum of funding received whose mean over its paths ({mean_funding:e}) is negative or not finite"
        ));
    }
    Ok(())
}

/// A partial's tally must have the model's shape (months, inflows, shocks,
/// a fan of four per-month sketches): checked before any sketch is built,
/// so that a forged file cannot make the reader build more than the model
/// has.
pub(super) fn check_shape(path: &Path, t: &TallyWire, model: &Model) -> Result<()> {
    let months = model.months as usize;
    let refuse = |rule: String| Err(invalid(path, format!("its tally {rule}")));
    let Some(fan) = &t.fan else {
        return refuse("has no per-month sketches (`fan`), which every shard writes".into());
    };
    let per_month = [&fan.cash, &fan.revenue, &fan.cost, &fan.users];
    if t.insolvent_in_month.len() != months
        || t.inflow_arrived.len() != model.inflows.len()
        || t.shock_struck.len() != model.shocks.len()
        || per_month.iter().any(|v| v.len() != months)
    {
        return refuse(format!(
            "does not fit its model ({months} months, {} inflows, {} shocks)",
            model.inflows.len(),
            model.shocks.len()
        ));
    }
    // Breach and failure counts: exactly when the model has debt or covenants.
    match (&t.failure, model.debt.is_empty()) {
        (None, true) => {}
        (Some(f), false)
            if f.breach_in_month.len() == months && f.failure_in_month.len() == months => {}
        (Some(_), true) => {
            return refuse("has breach counts, but its model has no debt or covenants".into())
        }
        _ => {
            return refuse(format!(
                "does not have the breach and failure counts of its model's debt and covenants, {months} months each"
            ))
        }
    }
    Ok(())
}
