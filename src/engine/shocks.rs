//! Shocks: when each strikes (a one-off shock's month drawn at the start, a
//! repeating one drawn each month), and what a strike does: a one-off cost,
//! a revenue hit for some months, a delay to funding still to come.

use super::months::{any_equal, round_month};
use super::plan::{Plan, ShockPlan};
use super::scratch::Scratch;
use super::{BLOCK_SIZE, NEVER, PENDING};
use crate::sampling::copula::score_to_uniform;
use crate::sampling::rng::open01;
use std::ops::Range;

/// Clears the shocks' state and draws the month of each one-off shock's
/// first strike (from its score when `SCORED`), once per path, as a geometric variable:
/// P(first strike in month t) = (1 − h)^(t − 1) h.
#[inline(always)]
pub(super) fn start_shocks<const SCORED: bool>(plan: &Plan, inputs: &[Vec<f64>], s: &mut Scratch) {
    s.hit_until.fill(0);
    s.hit_frac.fill(0.0);
    for fired in s.fired.iter_mut() {
        fired.fill(0);
    }
    for (k, sh) in plan.shocks.iter().enumerate() {
        if sh.repeat {
            continue;
        }
        let (rng, hazard, at) = (
            &mut s.strike_rngs[k],
            &inputs[sh.hazard],
            &mut s.strike_at[k],
        );
        if SCORED {
            let d = plan.layout.first_strike[k].expect("a one-off shock has a dimension");
            for ((at, &h), &z) in at.iter_mut().zip(hazard).zip(&s.given[d]) {
                *at = first_strike_month(score_to_uniform(z), h);
            }
            continue;
        }
        for j in 0..BLOCK_SIZE {
            at[j] = first_strike_month(open01(rng), hazard[j]);
        }
    }
}

/// The month of a first strike at hazard `h` from the uniform `u`: the
/// geometric variable ⌈ln u / ln(1 − h)⌉ (month 1 at h ≥ 1, never at h ≤ 0).
#[inline(always)]
fn first_strike_month(u: f64, h: f64) -> u32 {
    if h >= 1.0 {
        1
    } else if h > 0.0 {
        (crate::simd::fastmath::ln(u) / (-h).ln_1p())
            .ceil()
            .clamp(1.0, f64::from(NEVER - 1)) as u32
    } else {
        NEVER
    }
}

/// The shocks that strike in month `t` on paths `r`, and the revenue they
/// take (after this month's revenue is known).
#[inline(always)]
pub(super) fn shocks_month<const SCORED: bool>(
    plan: &Plan,
    inputs: &[Vec<f64>],
    s: &mut Scratch,
    r: &Range<usize>,
    t: u32,
    has_hits: bool,
) {
    for (k, sh) in plan.shocks.iter().enumerate() {
        if sh.repeat {
            // A repeating shock: one draw per path and month.
            let hazard = &inputs[sh.hazard];
            if SCORED {
                strikes_from_scores(plan, inputs, s, r, t, k);
                continue;
            }
            for p in r.clone() {
                if open01(&mut s.strike_rngs[k]) < hazard[p] {
                    strike(sh, k, inputs, s, p, t);
                }
            }
        } else {
            // A one-off shock strikes in the month drawn at the start.
            if !any_equal(&s.strike_at[k][r.clone()], t) {
                continue;
            }
            for p in r.clone() {
                if s.strike_at[k][p] == t {
                    strike(sh, k, inputs, s, p, t);
                }
            }
        }
    }
    if has_hits {
        let n = r.len();
        let (revenue, until, frac) = (
            &mut s.revenue[r.clone()],
            &s.hit_until[r.clone()],
            &s.hit_frac[r.clone()],
        );
        for j in 0..n {
            if t <= until[j] {
                revenue[j] *= 1.0 - frac[j];
            }
        }
    }
}

/// Repeating shock `k`'s strikes in month `t` on paths `r` of a scored
/// block.
#[inline(always)]
fn strikes_from_scores(
    plan: &Plan,
    inputs: &[Vec<f64>],
    s: &mut Scratch,
    r: &Range<usize>,
    t: u32,
    k: usize,
) {
    let sh = &plan.shocks[k];
    let rank = plan.layout.strike[k].expect("a repeating shock has a rank");
    let d = plan.layout.monthly_dimension(rank, t);
    for p in r.clone() {
        if score_to_uniform(s.given[d][p]) < inputs[sh.hazard][p] {
            strike(sh, k, inputs, s, p, t);
        }
    }
}

/// Shock `k` strikes path `p` in month `t`: its cost, its revenue hit and
/// its delay to funding still to come.
#[inline(always)]
fn strike(sh: &ShockPlan, k: usize, inputs: &[Vec<f64>], s: &mut Scratch, p: usize, t: u32) {
    s.fired[k][p] = 1;
    if let Some(c) = sh.cost {
        s.one_off[p] += inputs[c][p];
    }
    if let Some(h) = sh.hit {
        let duration = round_month(inputs[sh.duration][p]).max(1) as u32;
        s.hit_until[p] = t.saturating_add(duration - 1);
        s.hit_frac[p] = inputs[h][p];
    }
    if let Some(d) = sh.delay {
        let delay = round_month(inputs[d][p]).max(0) as u32;
        for arrival in s.arrival.iter_mut() {
            if arrival[p] != NEVER && arrival[p] != PENDING && arrival[p] > t {
                arrival[p] = arrival[p].saturating_add(delay).min(NEVER - 1);
            }
        }
    }
}
