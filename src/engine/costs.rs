//! Cost lines: each path's starting level and monthly factor (demand growth
//! × efficiency), each month's cost, and the part of it that credits pay.

use super::months::{monthly_decay, part};
use super::plan::{CostPlan, Plan};
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
        match (persistent, assign) {
            (true, true) => cost_pass::<true, true>(level, factor, now, inv, noise, cost),
            (true, false) => cost_pass::<true, false>(level, factor, now, inv, noise, cost),
            (false, true) => cost_pass::<false, true>(level, factor, now, inv, noise, cost),
            (false, false) => cost_pass::<false, false>(level, factor, now, inv, noise, cost),
        }
        assign = false;
    }
    if assign {
        s.cost[r.clone()].fill(0.0);
    }
    if has_credits {
        spend_credits(plan, s, r, t);
    }
}

/// Cash part of this month's cost: each line with a credit balance first
/// spends credits (in line order). Recomputed per line from the level, so
/// credits apply line by line.
#[inline(always)]
fn spend_credits(plan: &Plan, s: &mut Scratch, r: &Range<usize>, t: u32) {
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

/// One month of one cost line over a block: the level moves by its factor
/// (and persistent noise); the month's cost is written to or added into `out`.
#[inline(always)]
fn cost_pass<const PERSISTENT: bool, const ASSIGN: bool>(
    level: &mut [f64],
    factor: &[f64],
    now: &[f64],
    inv_start: &[f64],
    noise: &[f64],
    out: &mut [f64],
) {
    let n = level.len();
    let (factor, now, inv_start, noise, out) = (
        &factor[..n],
        &now[..n],
        &inv_start[..n],
        &noise[..n],
        &mut out[..n],
    );
    for j in 0..n {
        level[j] *= if PERSISTENT {
            factor[j] * noise[j]
        } else {
            factor[j]
        };
        let amount = line_amount(level[j], now[j], inv_start[j], noise[j], PERSISTENT);
        if ASSIGN {
            out[j] = amount;
        } else {
            out[j] += amount;
        }
    }
}
