//! Covenants at the end of each month: minimum cash, minimum trailing
//! revenue, maximum monthly burn; the first month one fails is the path's
//! breach (a failure of its own, and what withdraws a line or accelerates a
//! loan from the next month). A model without covenants never comes here.

use super::cash::paid_in_cash;
use super::plan::Plan;
use super::scratch::Scratch;
use std::ops::Range;

/// Checks every covenant that applies in month `t` on paths `r` (cash as
/// the month ended, this month's revenue and burn), and keeps this month's
/// revenue for the trailing windows.
#[inline(always)]
pub(super) fn covenants_month(
    plan: &Plan,
    s: &mut Scratch,
    r: &Range<usize>,
    t: u32,
    has_credits: bool,
    has_other: bool,
) {
    let n = r.len();
    let window = plan.debt.window;
    if window > 0 {
        let ring = &mut s.debt.revenue_ring[(t as usize - 1) % window][r.clone()];
        ring.copy_from_slice(&s.revenue[r.clone()]);
    }
    let paid = paid_in_cash(&s.cost, &s.cost_cash, r, has_credits);
    let (cash, revenue) = (&s.cash[r.clone()], &s.revenue[r.clone()]);
    let (flow, one_off) = (&s.net_flow[r.clone()], &s.one_off[r.clone()]);
    let breach = &mut s.debt.breach_month[r.clone()];
    for c in &plan.debt.covenants {
        if t < c.active.0 || t > c.active.1 {
            continue;
        }
        if let Some(min) = c.min_cash {
            for j in 0..n {
                if breach[j] == 0 && cash[j] < min {
                    breach[j] = t;
                }
            }
        }
        if let Some(max) = c.max_monthly_burn {
            for j in 0..n {
                let mut burn = paid[j] - revenue[j];
                if has_other {
                    burn = burn - flow[j] + one_off[j];
                }
                if breach[j] == 0 && burn > max {
                    breach[j] = t;
                }
            }
        }
        if let Some((min, months)) = c.min_trailing_revenue.filter(|&(_, m)| t >= m) {
            for j in 0..n {
                let mut sum = 0.0;
                for back in 0..months as usize {
                    sum += s.debt.revenue_ring[(t as usize - 1 - back) % window][r.start + j];
                }
                if breach[j] == 0 && sum < min {
                    breach[j] = t;
                }
            }
        }
    }
}
