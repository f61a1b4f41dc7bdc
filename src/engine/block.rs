//! One block of paths: draw its inputs, set its starting state, step it
//! through the months, and add it to a tally (or say why a path left the
//! range of finite numbers).

use super::cash::start_cash;
use super::costs::start_costs;
use super::draws::{draw_inputs, inputs_from_scores};
use super::funding::start_inflows;
use super::months::step_months;
use super::plan::Plan;
use super::revenue::start_revenues;
use super::scratch::Scratch;
use super::shocks::start_shocks;
use super::BLOCK_SIZE;
use crate::error::{Error, Result};
use crate::stats::{Fan, Tally};

/// Simulates block `block` (all [`BLOCK_SIZE`] paths; callers tally only the
/// first `n` of a partial last block) and adds its first `n` paths to `tally`.
/// Compiled once per vector code and run under the one decision of
/// [`crate::simd::dispatch`]: every version does the same IEEE operations in
/// the same order (Rust never fuses a multiply and an add on its own;
/// explicit `mul_add`s are fused in all), so they give the same bits.
pub(crate) fn run_block(
    plan: &Plan,
    seed: u64,
    block: u64,
    n: usize,
    s: &mut Scratch,
    tally: &mut Tally,
) -> Result<()> {
    crate::simd::dispatch(
        #[inline(always)]
        || run_block_body(plan, seed, block, n, s, tally),
    )
}

/// Simulates a scored block (its scores already in `s.given`, see
/// [`super::scores`]) and adds its first `n` paths to `tally`, under the
/// same vector-code decision as [`run_block`].
pub(crate) fn run_scored_block(
    plan: &Plan,
    block: u64,
    n: usize,
    s: &mut Scratch,
    tally: &mut Tally,
) -> Result<()> {
    debug_assert!(s.scored);
    crate::simd::dispatch(
        #[inline(always)]
        || run_block_body(plan, 0, block, n, s, tally),
    )
}

/// The body of [`run_block`], inlined into each of its compiled versions.
#[inline(always)]
fn run_block_body(
    plan: &Plan,
    seed: u64,
    block: u64,
    n: usize,
    s: &mut Scratch,
    tally: &mut Tally,
) -> Result<()> {
    simulate_block_body(plan, seed, block, s, tally.fan.as_mut().map(|f| (f, n)));
    tally_block(plan, seed, block, n, s, tally)
}

/// Simulates every path of the block into `s`; `fan`, with the number of
/// paths that count, receives the per-month figures.
#[inline(always)]
fn simulate_block_body(
    plan: &Plan,
    seed: u64,
    block: u64,
    s: &mut Scratch,
    fan: Option<(&mut Fan, usize)>,
) {
    // 1. Per-path inputs, each from its own stream (or from the given
    // scores).
    if s.scored {
        inputs_from_scores(plan, s);
    } else {
        draw_inputs(plan, seed, block, s);
    }
    // 2. Derived per-path factors and starting state. (The inputs are moved
    // out, so that they can be read while the rest of the scratch is
    // written; moving a Vec copies no elements.)
    let inputs = std::mem::take(&mut s.inputs);
    start_revenues(plan, &inputs, s);
    start_costs(plan, &inputs, s);
    start_inflows(plan, seed, block, &inputs, s);
    start_cash(plan, &inputs, s);
    if s.scored {
        start_shocks::<true>(plan, &inputs, s);
    } else {
        start_shocks::<false>(plan, &inputs, s);
    }
    if plan.debt.any() {
        super::debt::start_debt(plan, seed, block, &inputs, s);
    }
    // 3. Month by month.
    if s.scored {
        step_months::<true>(plan, &inputs, s, fan);
    } else {
        step_months::<false>(plan, &inputs, s, fan);
    }
    s.inputs = inputs;
}

/// Adds the first `n` paths of the block in `s` to `tally`; fails on the
/// first path whose cash, lowest cash or funding is not finite.
#[inline(always)]
fn tally_block(
    plan: &Plan,
    seed: u64,
    block: u64,
    n: usize,
    s: &Scratch,
    tally: &mut Tally,
) -> Result<()> {
    let (cash, lowest, funding) = (&s.cash[..n], &s.lowest[..n], &s.funding[..n]);
    let finite = |v: &[f64]| v.iter().fold(true, |ok, x| ok & x.is_finite());
    if !(finite(cash) && finite(lowest) && finite(funding)) {
        let j = (0..n)
            .find(|&j| !(cash[j].is_finite() && lowest[j].is_finite() && funding[j].is_finite()))
            .unwrap_or(0);
        return Err(Error::NonFinite {
            file: plan.file.clone(),
            path: block * BLOCK_SIZE as u64 + j as u64,
            seed,
            cause: diagnose_non_finite(plan, s, j),
        });
    }
    for &month in &s.insolvent_month[..n] {
        if month > 0 {
            tally.insolvent_in_month[month as usize - 1] += 1;
        }
    }
    if let Some(failure) = tally.failure.as_mut() {
        super::debt::tally_failures(plan, s, n, failure);
    }
    tally.end_cash_sum.add_all(cash);
    tally.funding_sum.add_all(funding);
    tally.end_cash.add_all(cash);
    tally.lowest_cash.add_all(lowest);
    for (count, arrived) in tally.inflow_arrived.iter_mut().zip(&s.arrived) {
        *count += arrived[..n].iter().map(|&a| u64::from(a)).sum::<u64>();
    }
    for (count, fired) in tally.shock_struck.iter_mut().zip(&s.fired) {
        *count += fired[..n].iter().map(|&a| u64::from(a)).sum::<u64>();
    }
    tally.paths += n as u64;
    Ok(())
}

/// Says why path `j` of the block in `s` ended with a non-finite amount:
/// a per-path input that drew a non-finite or overwhelming value (the
/// input is to blame, not growth), else a revenue or cost line whose level
/// left the double range (its growth compounded it), else the sum itself.
fn diagnose_non_finite(plan: &Plan, s: &Scratch, j: usize) -> String {
    let drawn = plan
        .labels
        .iter()
        .zip(&s.inputs)
        .map(|(label, values)| (label, values[j]));
    if let Some((label, x)) = drawn.clone().find(|(_, x)| !x.is_finite()).or_else(|| {
        drawn
            .filter(|(_, x)| x.abs() >= 1e300)
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
    }) {
        return format!(
            "field `{label}` drew {x:e} on this path, and its cash left the range of finite numbers (about ±1.8e308); give `{label}` a distribution whose values stay within a realistic scale"
        );
    }
    let (revenues, costs) = &plan.line_labels;
    let levels = revenues
        .iter()
        .zip(&s.rev_level)
        .chain(costs.iter().zip(&s.cost_level));
    if let Some((label, _)) = levels
        .clone()
        .find(|(_, v)| !v[j].is_finite())
        .or_else(|| levels.clone().find(|(_, v)| v[j].abs() >= 1e300))
    {
        return format!(
            "line `{label}` grew past 1e308 within the {} months: its `growth` compounds it beyond the range of finite numbers; lower the growth or shorten the horizon",
            plan.months
        );
    }
    format!(
        "its cash left the range of finite numbers (about ±1.8e308) within the {} months; check the scale of the model's amounts",
        plan.months
    )
}
