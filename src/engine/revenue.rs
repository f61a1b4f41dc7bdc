//! Revenue lines: each path's starting level and monthly factor, and each
//! month's revenue (level × revenue per user × season × noise).

use super::months::{monthly_decay, part};
use super::plan::Plan;
use super::schedule::factor_at;
use super::scratch::Scratch;
use super::BLOCK_SIZE;
use std::ops::Range;

/// Sets each revenue line's starting level, its monthly factor
/// max(0, 1 + growth − churn) and 1 / the starting level.
#[inline(always)]
pub(super) fn start_revenues(plan: &Plan, inputs: &[Vec<f64>], s: &mut Scratch) {
    for (i, r) in plan.revenues.iter().enumerate() {
        let (level, factor, inv) = (
            &mut s.rev_level[i],
            &mut s.rev_factor[i],
            &mut s.inv_level0[i],
        );
        level.copy_from_slice(&inputs[r.level]);
        let (g, c) = (&inputs[r.growth], &inputs[r.churn]);
        for j in 0..BLOCK_SIZE {
            factor[j] = (1.0 + g[j] - c[j]).max(0.0);
            inv[j] = if level[j] > 0.0 { 1.0 / level[j] } else { 0.0 };
        }
        if let Some(h) = r.half_life {
            s.rev_growth[i].copy_from_slice(&inputs[r.growth]);
            monthly_decay(&inputs[h], &mut s.rev_decay[i]);
        }
    }
}

/// A month after the first of a line whose growth decays: the growth rate
/// decays and the level's monthly factor becomes max(0, 1 + growth − churn).
#[inline(always)]
fn decay_growth(growth: &mut [f64], decay: &[f64], churn: &[f64], factor: &mut [f64]) {
    let n = growth.len();
    let (decay, churn, factor) = (&decay[..n], &churn[..n], &mut factor[..n]);
    for j in 0..n {
        growth[j] *= decay[j];
        factor[j] = (1.0 + growth[j] - churn[j]).max(0.0);
    }
}

/// Month `t` (calendar month `cal`) of every revenue line, for paths `r`:
/// moves each line's level and writes the month's total into `s.revenue`.
#[inline(always)]
pub(super) fn revenue_month(
    plan: &Plan,
    inputs: &[Vec<f64>],
    s: &mut Scratch,
    r: &Range<usize>,
    t: u32,
    cal: usize,
) {
    let n = r.len();
    let mut assign = true;
    for (i, rp) in plan.revenues.iter().enumerate() {
        if t < rp.first {
            continue;
        }
        if rp.half_life.is_some() && t > rp.first {
            decay_growth(
                &mut s.rev_growth[i][r.clone()],
                &s.rev_decay[i][r.clone()],
                part(&inputs[rp.churn], r),
                &mut s.rev_factor[i][r.clone()],
            );
        }
        let arpu = rp.arpu.map_or(&s.ones[..n], |a| part(&inputs[a], r));
        let (noise, persistent) = match rp.noise {
            Some(np) => (&s.monthly[np.monthly][r.clone()], np.persistent),
            None => (&s.ones[..n], true),
        };
        let args = (
            &mut s.rev_level[i][r.clone()],
            &s.rev_factor[i][r.clone()],
            arpu,
            noise,
            match factor_at(&rp.schedule, t) {
                Some(k) => rp.seasonal[cal] * k,
                None => rp.seasonal[cal],
            },
            &mut s.revenue[r.clone()],
        );
        match (persistent, assign) {
            (true, true) => revenue_pass::<true, true>(args),
            (true, false) => revenue_pass::<true, false>(args),
            (false, true) => revenue_pass::<false, true>(args),
            (false, false) => revenue_pass::<false, false>(args),
        }
        assign = false;
    }
    if assign {
        s.revenue[r.clone()].fill(0.0);
    }
}

/// A revenue line's arrays for one month: level, factor, arpu, noise,
/// seasonal factor, and the revenue total it adds into.
type RevenueArgs<'a> = (
    &'a mut [f64],
    &'a [f64],
    &'a [f64],
    &'a [f64],
    f64,
    &'a mut [f64],
);

/// One month of one revenue line over a block: the level moves by its
/// factor (and persistent noise); the month's revenue is level × arpu ×
/// season (× transient noise), written to or added into `out`. A line's
/// schedule comes in through `season`: the seasonal factor × the
/// schedule's factor of the month.
#[inline(always)]
fn revenue_pass<const PERSISTENT: bool, const ASSIGN: bool>(
    (level, factor, arpu, noise, season, out): RevenueArgs<'_>,
) {
    let n = level.len();
    let (factor, arpu, noise, out) = (&factor[..n], &arpu[..n], &noise[..n], &mut out[..n]);
    for j in 0..n {
        let amount = if PERSISTENT {
            level[j] *= factor[j] * noise[j];
            level[j] * arpu[j] * season
        } else {
            level[j] *= factor[j];
            level[j] * arpu[j] * season * noise[j]
        };
        if ASSIGN {
            out[j] = amount;
        } else {
            out[j] += amount;
        }
    }
}
