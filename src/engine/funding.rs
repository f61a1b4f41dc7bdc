//! Inflows (tranches and funding rounds): whether and when each arrives on
//! each path, and the triggers that set an arrival month from the company's
//! position. (The money arriving each month is added in the month loop,
//! `months.rs`.)

use super::cash::paid_in_cash;
use super::months::{part, round_month};
use super::plan::{Plan, TimingPlan};
use super::scratch::Scratch;
use super::{BLOCK_SIZE, NEVER, PENDING};
use crate::model::TriggerCondition;
use crate::sampling::rng::{open01, stream};
use std::ops::Range;

/// Sets each inflow's arrival: `NEVER` when it does not happen (its
/// happening drawn from its own stream), its drawn month for a timed
/// inflow, `PENDING` for a triggered one (with its wait from the trigger);
/// empties the credit balances.
#[inline(always)]
pub(super) fn start_inflows(
    plan: &Plan,
    seed: u64,
    block: u64,
    inputs: &[Vec<f64>],
    s: &mut Scratch,
) {
    const B: usize = BLOCK_SIZE;
    let months = plan.months;
    for credit in s.credit.iter_mut() {
        credit.fill(0.0);
    }
    for (i, f) in plan.inflows.iter().enumerate() {
        let arrival = &mut s.arrival[i];
        match f.probability.map(|p| (p, plan.slots[p].constant)) {
            None | Some((_, Some(1.0))) => arrival.fill(PENDING),
            Some((_, Some(0.0))) => arrival.fill(NEVER),
            Some((p, _)) => {
                let (prob, draws) = (&inputs[p], &mut s.happens[i]);
                if s.scored {
                    uniforms_from_scores(plan.layout.happening[i], &s.given, draws);
                } else {
                    let mut rng = stream(seed, block, f.happens_key);
                    for u in draws.iter_mut() {
                        *u = open01(&mut rng);
                    }
                }
                for j in 0..B {
                    arrival[j] = if draws[j] < prob[j] { PENDING } else { NEVER };
                }
            }
        }
        if let TimingPlan::Month(m) = f.timing {
            let month = &inputs[m];
            for j in 0..B {
                if arrival[j] == PENDING {
                    let t = round_month(month[j]);
                    arrival[j] = if (1..=i64::from(months)).contains(&t) {
                        t as u32
                    } else {
                        NEVER
                    };
                }
            }
        }
        s.arrived[i].fill(0);
        if let TimingPlan::Trigger { delay, .. } = f.timing {
            // Month offset from the trigger month to arrival: 1 + delay.
            for (w, &d) in s.wait[i].iter_mut().zip(&inputs[delay]) {
                *w = (1 + round_month(d).max(0)).min(i64::from(NEVER / 2)) as u32;
            }
        }
    }
}

/// The uniforms Φ(z) of dimension `d`'s scores in a scored block; ½ for a
/// draw without a dimension (a probability of 0 or 1, which no uniform
/// changes).
#[inline(always)]
pub(super) fn uniforms_from_scores(d: Option<usize>, given: &[Vec<f64>], out: &mut [f64]) {
    match d {
        Some(d) => {
            for (u, &z) in out.iter_mut().zip(&given[d]) {
                *u = crate::sampling::copula::score_to_uniform(z);
            }
        }
        None => out.fill(0.5),
    }
}

/// The triggers at the end of month `t` on paths `r`: a pending inflow
/// whose condition holds (cash, or months of runway, below its threshold)
/// is set to arrive after its wait.
#[inline(always)]
pub(super) fn triggers(
    plan: &Plan,
    inputs: &[Vec<f64>],
    s: &mut Scratch,
    r: &Range<usize>,
    t: u32,
    has_credits: bool,
    has_other: bool,
) {
    let n = r.len();
    let paid = paid_in_cash(&s.cost, &s.cost_cash, r, has_credits);
    for (i, f) in plan.inflows.iter().enumerate() {
        if let TimingPlan::Trigger {
            condition,
            threshold,
            ..
        } = f.timing
        {
            let (thr, wait) = (part(&inputs[threshold], r), &s.wait[i][r.clone()]);
            let arrival = &mut s.arrival[i][r.clone()];
            // Cash, or cash and undrawn credit where a line counts as liquidity.
            let cash = if plan.debt.liquidity {
                &s.debt.liquidity
            } else {
                &s.cash
            };
            let (cash, revenue, flow) = (
                &cash[r.clone()],
                &s.revenue[r.clone()],
                &s.net_flow[r.clone()],
            );
            // Branch-free (the pending/never pattern is random per path).
            match condition {
                TriggerCondition::CashBelow => {
                    for j in 0..n {
                        let fire = arrival[j] == PENDING && cash[j] < thr[j];
                        arrival[j] = if fire {
                            t.saturating_add(wait[j])
                        } else {
                            arrival[j]
                        };
                    }
                }
                TriggerCondition::RunwayBelow => {
                    for j in 0..n {
                        let burn = paid[j] - revenue[j] - if has_other { flow[j] } else { 0.0 };
                        let fire = arrival[j] == PENDING && burn > 0.0 && cash[j] < thr[j] * burn;
                        arrival[j] = if fire {
                            t.saturating_add(wait[j])
                        } else {
                            arrival[j]
                        };
                    }
                }
            }
        }
    }
}
