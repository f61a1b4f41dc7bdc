//! Cash: the starting position, the month's flows, and the end of each
//! month (new cash, lowest cash, the first month below the floor).

use super::months::part;
use super::plan::{FlowAmount, Plan};
use super::schedule::factor_at;
use super::scratch::Scratch;
use std::ops::Range;

/// Sets each path's cash to its initial cash, with nothing received and no
/// insolvency yet.
#[inline(always)]
pub(super) fn start_cash(plan: &Plan, inputs: &[Vec<f64>], s: &mut Scratch) {
    s.cash.copy_from_slice(&inputs[plan.initial_cash]);
    s.lowest.copy_from_slice(&s.cash);
    s.funding.fill(0.0);
    s.insolvent_month.fill(0);
}

/// Adds the flows active in month `t` into `s.net_flow`, for paths `r`.
#[inline(always)]
pub(super) fn flows_month(
    plan: &Plan,
    inputs: &[Vec<f64>],
    s: &mut Scratch,
    r: &Range<usize>,
    t: u32,
) {
    let n = r.len();
    for f in &plan.flows {
        if t < f.active.0 || t > f.active.1 {
            continue;
        }
        let amount = match f.amount {
            FlowAmount::PerPath(i) => part(&inputs[i], r),
            FlowAmount::Monthly(i) => &s.monthly[i][r.clone()],
        };
        let net_flow = &mut s.net_flow[r.clone()];
        if let Some(k) = factor_at(&f.schedule, t) {
            for j in 0..n {
                net_flow[j] += amount[j] * k;
            }
            continue;
        }
        for j in 0..n {
            net_flow[j] += amount[j];
        }
    }
}

/// The month's cost that leaves cash on paths `r`: the cost net of
/// credits when the model has credits, else the whole cost. The one place
/// that chooses, for the close, the debt's settlement, the covenants and
/// the triggers.
#[inline(always)]
pub(super) fn paid_in_cash<'a>(
    cost: &'a [f64],
    cost_cash: &'a [f64],
    r: &Range<usize>,
    has_credits: bool,
) -> &'a [f64] {
    if has_credits {
        &cost_cash[r.clone()]
    } else {
        &cost[r.clone()]
    }
}

/// Ends month `t` on paths `r`: cash + revenue − cost paid in cash (+ flows
/// − one-off costs, when the model has any), and the insolvency it means.
#[inline(always)]
pub(super) fn close_month(
    plan: &Plan,
    s: &mut Scratch,
    r: &Range<usize>,
    t: u32,
    has_credits: bool,
    has_other: bool,
) {
    let n = r.len();
    let paid = paid_in_cash(&s.cost, &s.cost_cash, r, has_credits);
    let floor = plan.floor;
    let (cash, lowest, insolvent, revenue) = (
        &mut s.cash[r.clone()],
        &mut s.lowest[r.clone()],
        &mut s.insolvent_month[r.clone()],
        &s.revenue[r.clone()],
    );
    if has_other {
        let (flow, one_off) = (&s.net_flow[r.clone()], &s.one_off[r.clone()]);
        for j in 0..n {
            let c = cash[j] + revenue[j] - paid[j] + flow[j] - one_off[j];
            step_cash(c, t, floor, &mut cash[j], &mut lowest[j], &mut insolvent[j]);
        }
    } else {
        for j in 0..n {
            let c = cash[j] + revenue[j] - paid[j];
            step_cash(c, t, floor, &mut cash[j], &mut lowest[j], &mut insolvent[j]);
        }
    }
}

/// Ends a month for one path: new cash, lowest cash, first insolvency month.
#[inline(always)]
pub(super) fn step_cash(
    new_cash: f64,
    t: u32,
    floor: f64,
    cash: &mut f64,
    lowest: &mut f64,
    insolvent: &mut u32,
) {
    *cash = new_cash;
    *lowest = lowest.min(new_cash);
    if *insolvent == 0 && new_cash < floor {
        *insolvent = t;
    }
}
