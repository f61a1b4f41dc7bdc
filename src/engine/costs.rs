//! Cost lines: each path's starting level and monthly factor (demand growth
//! × efficiency), each month's cost, and the part of it that credits pay.

use super::headcount::{start_headcounts, Headcount};
use super::months::{monthly_decay, part};
use super::plan::{CostPlan, Plan};
use super::schedule::factor_at;
use super::scratch::Scratch;
use super::BLOCK_SIZE;
use std::ops::Range;

/// Sets each cost line's starting level and its monthly factor: demand
/// growth (unless it follows a revenue line) × (1 − efficiency gain)^(1/12).
#[inline(always)]
pub(super) fn start_costs(plan: &Plan, inputs: &[Vec<f64>], s: &mut Scratch) {
    const B: usize = BLOCK_SIZE;
    for (i, c) in plan.costs.iter().enumerate() {
        let (level, factor) = (&mut s.cost_level[i], &mut s.cost_factor[i]);
        level.copy_from_slice(&inputs[c.monthly]);
        let (g, e) = (&inputs[c.growth][..B], &inputs[c.efficiency][..B]);
        let factor = &mut factor[..B];
        let demand_growth = c.follows.is_none();
        // (1 - g)^(1/12) as exp(ln(1 - g) / 12), branch-free so that the
        // loop vectorises; a gain of 1 or more stops the line.
        let monthly_efficiency = |gain: f64| {
            let keep = 1.0 - gain;
            let runs = keep > 0.0;
            let rate = crate::simd::fastmath::ln(if runs { keep } else { 1.0 }) / 12.0;
            let eff = crate::simd::fastmath::exp(rate);
            if runs {
                eff
            } else {
                0.0
            }
        };
        let demand = |growth: f64| {
            if demand_growth {
                (1.0 + growth).max(0.0)
            } else {
                1.0
            }
        };
        let constant_efficiency = plan.slots[c.efficiency].constant.map(monthly_efficiency);
        if let Some(h) = c.half_life {
            // Decaying growth recomputes the factor each month from the
            // efficiency, so it is kept (computed once) and the first
            // month's factor is made from it (`follows` is excluded here).
            let efficiency = &mut s.cost_efficiency[i][..B];
            match constant_efficiency {
                Some(eff) => efficiency.fill(eff),
                None => {
                    for j in 0..B {
                        efficiency[j] = monthly_efficiency(e[j]);
                    }
                }
            }
            for j in 0..B {
                factor[j] = (1.0 + g[j]).max(0.0) * efficiency[j];
            }
            s.cost_growth[i].copy_from_slice(g);
            monthly_decay(&inputs[h], &mut s.cost_decay[i]);
            continue;
        }
        match constant_efficiency {
            Some(eff) => {
                for j in 0..B {
                    factor[j] = demand(g[j]) * eff;
                }
            }
            None => {
                for j in 0..B {
                    factor[j] = demand(g[j]) * monthly_efficiency(e[j]);
                }
            }
        }
    }
    start_headcounts(plan, inputs, s);
}

/// A month after the first of a cost line whose growth decays: the growth
/// rate decays and the level's monthly factor becomes
/// max(0, 1 + growth) × efficiency.
#[inline(always)]
fn decay_growth(growth: &mut [f64], decay: &[f64], efficiency: &[f64], factor: &mut [f64]) {
    let n = growth.len();
    let (decay, efficiency, factor) = (&decay[..n], &efficiency[..n], &mut factor[..n]);
    for j in 0..n {
        growth[j] *= decay[j];
        factor[j] = (1.0 + growth[j]).max(0.0) * efficiency[j];
    }
}

/// Month `t` of every active cost line, for paths `r`: moves each line's
/// level and writes the month's total into `s.cost`; with credit balances,
/// also the part paid in cash into `s.cost_cash`.
#[inline(always)]
pub(super) fn costs_month(
    plan: &Plan,
    s: &mut Scratch,
    r: &Range<usize>,
    t: u32,
    has_credits: bool,
) {
    // Lines with a schedule or a hiring plan take a version of their own,
    // so that a model without them runs the loops it always ran.
    if (plan.costs.iter()).any(|c| c.schedule.is_some() || c.hiring.is_some()) {
        for (c, heads) in plan.costs.iter().zip(s.headcount.iter_mut()) {
            if let Some(h) = &c.hiring {
                heads.month(&h.planned, r, t);
            }
        }
        costs_month_body::<true>(plan, s, r, t, has_credits);
    } else {
        costs_month_body::<false>(plan, s, r, t, has_credits);
    }
}

/// [`costs_month`], with `SCALED` false when no line has a schedule or a
/// hiring plan.
#[inline(always)]
fn costs_month_body<const SCALED: bool>(
    plan: &Plan,
    s: &mut Scratch,
    r: &Range<usize>,
    t: u32,
    has_credits: bool,
) {
    let mut assign = true;
    for (i, c) in plan.costs.iter().enumerate() {
        if t < c.active.0 || t > c.active.1 {
            continue;
        }
        if c.half_life.is_some() && t > c.active.0 {
            decay_growth(
                &mut s.cost_growth[i][r.clone()],
                &s.cost_decay[i][r.clone()],
                &s.cost_efficiency[i][r.clone()],
                &mut s.cost_factor[i][r.clone()],
            );
        }
        let (now, inv, noise, persistent) =
            cost_drivers(plan, c, t, &s.rev_level, &s.inv_level0, &s.monthly, &s.ones);
        let (now, inv, noise) = (part(now, r), part(inv, r), part(noise, r));
        let level = &mut s.cost_level[i][r.clone()];
        let factor = &s.cost_factor[i][r.clone()];
        let cost = &mut s.cost[r.clone()];
        let args = (level, factor, now, inv, noise, cost);
        let scaled = if SCALED {
            scaling(c, t, &s.headcount[i], &s.ones, r)
        } else {
            None
        };
        match (persistent, assign, scaled) {
            (true, true, None) => pass::<true, true, false>(args, 1.0, now),
            (true, false, None) => pass::<true, false, false>(args, 1.0, now),
            (false, true, None) => pass::<false, true, false>(args, 1.0, now),
            (false, false, None) => pass::<false, false, false>(args, 1.0, now),
            (true, true, Some((k, h))) => pass::<true, true, true>(args, k, h),
            (true, false, Some((k, h))) => pass::<true, false, true>(args, k, h),
            (false, true, Some((k, h))) => pass::<false, true, true>(args, k, h),
            (false, false, Some((k, h))) => pass::<false, false, true>(args, k, h),
        }
        assign = false;
    }
    if assign {
        s.cost[r.clone()].fill(0.0);
    }
    if has_credits {
        spend_credits::<SCALED>(plan, s, r, t);
    }
}

/// Cash part of this month's cost: each line with a credit balance first
/// spends credits (in line order). Recomputed per line from the level, so
/// credits apply line by line.
#[inline(always)]
fn spend_credits<const SCALED: bool>(plan: &Plan, s: &mut Scratch, r: &Range<usize>, t: u32) {
    let n = r.len();
    s.cost_cash[r.clone()].copy_from_slice(&s.cost[r.clone()]);
    for (i, c) in plan.costs.iter().enumerate() {
        let Some(p) = c.credit_pool else { continue };
        if t < c.active.0 || t > c.active.1 {
            continue;
        }
        let (now, inv, noise, persistent) =
            cost_drivers(plan, c, t, &s.rev_level, &s.inv_level0, &s.monthly, &s.ones);
        let (now, inv, noise) = (part(now, r), part(inv, r), part(noise, r));
        let (level, pool) = (&s.cost_level[i][r.clone()], &mut s.credit[p][r.clone()]);
        let cost_cash = &mut s.cost_cash[r.clone()];
        let scaled = if SCALED {
            scaling(c, t, &s.headcount[i], &s.ones, r)
        } else {
            None
        };
        if let Some((k, heads)) = scaled {
            for j in 0..n {
                let amount = line_amount(level[j], now[j], inv[j], noise[j], persistent);
                let used = pool[j].min(amount * k * heads[j]);
                pool[j] -= used;
                cost_cash[j] -= used;
            }
            continue;
        }
        for j in 0..n {
            let amount = line_amount(level[j], now[j], inv[j], noise[j], persistent);
            let used = pool[j].min(amount);
            pool[j] -= used;
            cost_cash[j] -= used;
        }
    }
}

/// What moves a cost line in month `t`: the followed revenue line's level and
/// 1 / its starting level (or ones), and the line's noise (or ones) with
/// whether it persists.
#[inline(always)]
#[allow(clippy::type_complexity)]
fn cost_drivers<'a>(
    plan: &Plan,
    c: &CostPlan,
    t: u32,
    rev_level: &'a [Vec<f64>],
    inv_level0: &'a [Vec<f64>],
    monthly: &'a [Vec<f64>],
    ones: &'a [f64],
) -> (&'a [f64], &'a [f64], &'a [f64], bool) {
    let (now, inv) = match c.follows {
        Some(r) if t >= plan.revenues[r].first => (&rev_level[r][..], &inv_level0[r][..]),
        _ => (ones, ones),
    };
    let (noise, persistent) = match c.noise {
        Some(np) => (&monthly[np.monthly][..], np.persistent),
        None => (ones, true),
    };
    (now, inv, noise, persistent)
}

/// The month's amount of a cost line from its (already moved) level.
#[inline(always)]
fn line_amount(level: f64, now: f64, inv_start: f64, noise: f64, persistent: bool) -> f64 {
    let demand = if inv_start > 0.0 {
        now * inv_start
    } else {
        1.0
    };
    if persistent {
        level * demand
    } else {
        level * demand * noise
    }
}

/// What multiplies a line's amount in month `t`, for paths `r`: its
/// schedule's factor and its headcount (ones without a hiring plan);
/// `None` for a line with neither.
#[inline(always)]
fn scaling<'a>(
    c: &CostPlan,
    t: u32,
    heads: &'a Headcount,
    ones: &'a [f64],
    r: &Range<usize>,
) -> Option<(f64, &'a [f64])> {
    let k = factor_at(&c.schedule, t);
    if k.is_none() && c.hiring.is_none() {
        return None;
    }
    let heads = match c.hiring {
        Some(_) => &heads.heads[r.clone()],
        None => &ones[..r.len()],
    };
    Some((k.unwrap_or(1.0), heads))
}

/// A cost line's arrays for one month: level, factor, the followed line's
/// level and 1 / its start, noise, and the cost total it adds into.
type CostArgs<'a> = (
    &'a mut [f64],
    &'a [f64],
    &'a [f64],
    &'a [f64],
    &'a [f64],
    &'a mut [f64],
);

/// [`cost_pass`] with its arrays unpacked.
#[inline(always)]
fn pass<const PERSISTENT: bool, const ASSIGN: bool, const SCALED: bool>(
    (level, factor, now, inv_start, noise, out): CostArgs<'_>,
    k: f64,
    heads: &[f64],
) {
    cost_pass::<PERSISTENT, ASSIGN, SCALED>(level, factor, now, inv_start, noise, out, k, heads);
}

/// One month of one cost line over a block: the level moves by its factor
/// (and persistent noise); the month's cost (× the schedule's factor `k`
/// and the headcount, when `SCALED`) is written to or added into `out`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn cost_pass<const PERSISTENT: bool, const ASSIGN: bool, const SCALED: bool>(
    level: &mut [f64],
    factor: &[f64],
    now: &[f64],
    inv_start: &[f64],
    noise: &[f64],
    out: &mut [f64],
    k: f64,
    heads: &[f64],
) {
    let n = level.len();
    let (factor, now, inv_start, noise, out) = (
        &factor[..n],
        &now[..n],
        &inv_start[..n],
        &noise[..n],
        &mut out[..n],
    );
    let heads = if SCALED { &heads[..n] } else { heads };
    for j in 0..n {
        level[j] *= if PERSISTENT {
            factor[j] * noise[j]
        } else {
            factor[j]
        };
        let amount = line_amount(level[j], now[j], inv_start[j], noise[j], PERSISTENT);
        let amount = if SCALED {
            amount * k * heads[j]
        } else {
            amount
        };
        if ASSIGN {
            out[j] = amount;
        } else {
            out[j] += amount;
        }
    }
}
