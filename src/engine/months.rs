//! The monthly step: a block's paths, a chunk at a time, through every
//! month, each month in a fixed order of concerns: the monthly draws, money
//! arriving, revenue, shocks, costs, flows, cash, funding triggers, the fan.

use super::cash::{close_month, flows_month};
use super::costs::costs_month;
use super::covenants::covenants_month;
use super::debt::close_month_with_debt;
use super::draws::draw_monthly;
use super::funding::triggers;
use super::plan::{Plan, TimingPlan};
use super::revenue::revenue_month;
use super::scratch::Scratch;
use super::shocks::shocks_month;
use super::BLOCK_SIZE;
use crate::stats::Fan;
use std::ops::Range;

/// Paths per chunk of the monthly loop. Part of the reproducibility
/// contract (monthly streams are drawn chunk by chunk).
const CHUNK: usize = 128;

/// Steps every path of the block through every month (a scored block when
/// `SCORED`: compiled apart, so that the plain run's loop carries none of
/// the scored block's code), a chunk of paths at a time: a chunk's arrays stay in the first-level cache through all of its
/// months. `fan`, with the number of paths that count, receives each
/// month's cash, revenue, cost and users.
#[inline(always)]
pub(super) fn step_months<const SCORED: bool>(
    plan: &Plan,
    inputs: &[Vec<f64>],
    s: &mut Scratch,
    fan: Option<(&mut Fan, usize)>,
) {
    let mut fan = fan;
    for lo in (0..BLOCK_SIZE).step_by(CHUNK) {
        let fan = fan
            .as_mut()
            .map(|(f, n)| (&mut **f, (*n).clamp(lo, lo + CHUNK) - lo));
        simulate_months::<SCORED>(plan, inputs, s, lo..lo + CHUNK, fan);
    }
}

/// Steps paths `r` of a block (inputs and starting state already set)
/// through every month.
#[inline(always)]
fn simulate_months<const SCORED: bool>(
    plan: &Plan,
    inputs: &[Vec<f64>],
    s: &mut Scratch,
    r: Range<usize>,
    mut fan: Option<(&mut Fan, usize)>,
) {
    let n = r.len();
    let has_credits = plan.credit_pools > 0;
    let has_other = !plan.flows.is_empty() || !plan.shocks.is_empty();
    let has_hits = plan.shocks.iter().any(|sh| sh.hit.is_some());
    let has_triggers =
        (plan.inflows.iter()).any(|f| matches!(f.timing, TimingPlan::Trigger { .. }));
    let (has_debt, has_covenants) = (plan.debt.has_debt(), !plan.debt.covenants.is_empty());
    for t in 1..=plan.months {
        let cal = plan.calendar[t as usize - 1];
        draw_monthly::<SCORED>(plan, s, &r, t);
        // Money arriving this month: cash, or credits for some cost lines.
        // (Written out here: as a function of its own, in funding.rs, the
        // compiler keeps less of the month loop's set-up out of the loop,
        // and a run takes about 0.4 % more instructions.)
        for (i, f) in plan.inflows.iter().enumerate() {
            let (arrival, amount) = (&s.arrival[i][r.clone()], part(&inputs[f.amount], &r));
            let arrived = &mut s.arrived[i][r.clone()];
            let funding = &mut s.funding[r.clone()];
            let target = match f.credit_pool {
                Some(p) => &mut s.credit[p][r.clone()],
                None => &mut s.cash[r.clone()],
            };
            if !any_equal(arrival, t) {
                continue;
            }
            // Branch-free: arrivals are scattered at random over the paths.
            for j in 0..n {
                let now = arrival[j] == t;
                let add = if now { amount[j] } else { 0.0 };
                target[j] += add;
                funding[j] += add;
                arrived[j] |= u8::from(now);
            }
        }
        revenue_month(plan, inputs, s, &r, t, cal);
        if has_other {
            s.one_off[r.clone()].fill(0.0);
            s.net_flow[r.clone()].fill(0.0);
        }
        shocks_month::<SCORED>(plan, inputs, s, &r, t, has_hits);
        costs_month(plan, s, &r, t, has_credits);
        flows_month(plan, inputs, s, &r, t);
        if has_debt {
            close_month_with_debt(plan, inputs, s, &r, t, has_credits, has_other);
        } else {
            close_month(plan, s, &r, t, has_credits, has_other);
        }
        if has_covenants {
            covenants_month(plan, s, &r, t, has_credits, has_other);
        }
        if has_triggers {
            triggers(plan, inputs, s, &r, t, has_credits, has_other);
        }
        if let Some(kept) = s.cash_by_month.get_mut(t as usize - 1) {
            kept[r.clone()].copy_from_slice(&s.cash[r.clone()]);
        }
        if plan.record_months {
            record_month(plan, s, t, &r);
        }
        if let Some((fan, counted)) = fan.as_mut() {
            record_fan(plan, s, fan, t, r.start..r.start + *counted);
        }
    }
}

/// Keeps month `t`'s revenue, cost and users of paths `r` (a plan that
/// records its months).
fn record_month(plan: &Plan, s: &mut Scratch, t: u32, r: &Range<usize>) {
    let m = t as usize - 1;
    s.revenue_by_month[m][r.clone()].copy_from_slice(&s.revenue[r.clone()]);
    s.cost_by_month[m][r.clone()].copy_from_slice(&s.cost[r.clone()]);
    for j in r.clone() {
        s.users_by_month[m][j] = (plan.revenues.iter().enumerate())
            .filter(|(_, rp)| rp.arpu.is_some())
            .map(|(i, _)| s.rev_level[i][j])
            .sum();
    }
}

/// Adds month `t` of the `counted` paths to the fan: cash, revenue, cost
/// and (for lines with users) users, non-finite values as 0.
#[inline(always)]
fn record_fan(plan: &Plan, s: &Scratch, fan: &mut Fan, t: u32, counted: Range<usize>) {
    let m = t as usize - 1;
    for j in counted.clone() {
        fan.cash[m].add(finite_or_zero(s.cash[j]));
        fan.revenue[m].add(finite_or_zero(s.revenue[j]));
        fan.cost[m].add(finite_or_zero(s.cost[j]));
    }
    if plan.revenues.iter().any(|rp| rp.arpu.is_some()) {
        for j in counted {
            let users: f64 = plan
                .revenues
                .iter()
                .enumerate()
                .filter(|(_, rp)| rp.arpu.is_some())
                .map(|(i, _)| s.rev_level[i][j])
                .sum();
            fan.users[m].add(finite_or_zero(users));
        }
    }
}

/// Whether any of `values` equals `x` (a loop without an early exit, so
/// that it vectorises).
#[inline(always)]
pub(super) fn any_equal(values: &[u32], x: u32) -> bool {
    values.iter().fold(false, |any, &v| any | (v == x))
}

/// The paths `r` of a per-path array.
#[inline(always)]
pub(super) fn part<'a>(values: &'a [f64], r: &Range<usize>) -> &'a [f64] {
    &values[r.clone()]
}

/// Each path's monthly decay of a growth rate, 2^(−1/h) for a half-life of
/// h months (0 for h = 0: the growth of the first month only).
#[inline(always)]
pub(super) fn monthly_decay(half_life: &[f64], decay: &mut [f64]) {
    for (d, &h) in decay.iter_mut().zip(half_life) {
        *d = if h > 0.0 {
            crate::simd::fastmath::exp(-std::f64::consts::LN_2 / h)
        } else {
            0.0
        };
    }
}

/// A drawn number of months rounded to a whole number, clamped to ±10⁹;
/// `i64::MAX` when it is not finite.
#[inline]
pub(super) fn round_month(x: f64) -> i64 {
    if x.is_finite() {
        x.round().clamp(-1.0e9, 1.0e9) as i64
    } else {
        i64::MAX
    }
}

/// `x`, or 0 where it is not finite.
#[inline]
fn finite_or_zero(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}
