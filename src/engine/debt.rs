//! Debt in the monthly step: term loans (their draw, interest, amortisation
//! and balloon) and revolving credit lines (drawn to keep cash up, repaid
//! when cash allows or at maturity), settled inside the end of each month,
//! before cash is compared with the floor. A model without debt never comes
//! here: `months.rs` decides once, before the month loop.
//!
//! Rates are annual; a month charges rate / 12 on the balance at the start
//! of the month (a nominal annual rate compounded monthly).

use super::cash::paid_in_cash;
use super::cash::step_cash;
use super::plan::Plan;
use super::scratch::Scratch;
use super::BLOCK_SIZE;
use crate::model::{Amortization, Debt, Input};
use crate::sampling::rng::{open01, stream, stream_key};
use std::ops::Range;

/// A term loan compiled: its slots and months.
#[derive(Debug, Clone)]
pub(super) struct LoanPlan {
    pub(super) principal: usize,
    pub(super) rate: usize,
    pub(super) draw: u32,
    pub(super) term: u32,
    pub(super) interest_only: u32,
    pub(super) amortization_months: u32,
    pub(super) annuity: bool,
    pub(super) balloon: f64,
    pub(super) accelerate: bool,
}

/// A revolving credit line compiled: its slots, levels and months.
#[derive(Debug, Clone)]
pub(super) struct RevolverPlan {
    pub(super) limit: usize,
    pub(super) probability: Option<usize>,
    pub(super) happens_key: u64,
    /// The field path of the draw that decides whether the line is there
    /// (`debt.NAME.available`), as sensitivity and explain name it.
    pub(super) happens_label: String,
    pub(super) rate: usize,
    pub(super) fee: usize,
    pub(super) from: u32,
    pub(super) maturity: u32,
    pub(super) draw_below: f64,
    pub(super) repay_above: Option<f64>,
    pub(super) withdrawn_on_breach: bool,
    pub(super) counts_as_liquidity: bool,
}

/// A covenant compiled (see [`crate::model::Covenant`]).
#[derive(Debug, Clone)]
pub(super) struct CovenantPlan {
    pub(super) min_cash: Option<f64>,
    pub(super) min_trailing_revenue: Option<(f64, u32)>,
    pub(super) max_monthly_burn: Option<f64>,
    pub(super) active: (u32, u32),
}

/// A model's debt and covenants, compiled.
#[derive(Debug, Clone, Default)]
pub(super) struct DebtPlan {
    pub(super) loans: Vec<LoanPlan>,
    pub(super) revolvers: Vec<RevolverPlan>,
    pub(super) covenants: Vec<CovenantPlan>,
    /// Whether any line's undrawn part counts as cash for triggers.
    pub(super) liquidity: bool,
    /// The longest trailing-revenue window of the covenants (0: none).
    pub(super) window: usize,
}

impl DebtPlan {
    /// Compiles `debt`, `slot` giving each input's per-path slot.
    pub(super) fn new(debt: &Debt, slot: impl Fn(&Input) -> usize) -> DebtPlan {
        DebtPlan {
            loans: (debt.loans.iter())
                .map(|l| LoanPlan {
                    principal: slot(&l.principal),
                    rate: slot(&l.rate),
                    draw: l.draw,
                    term: l.term,
                    interest_only: l.interest_only,
                    amortization_months: l.amortization_months,
                    annuity: l.amortization == Amortization::Annuity,
                    balloon: l.balloon,
                    accelerate: l.accelerate_on_breach,
                })
                .collect(),
            revolvers: (debt.revolvers.iter())
                .map(|r| RevolverPlan {
                    limit: slot(&r.limit),
                    probability: r.probability.as_ref().map(&slot),
                    happens_key: stream_key(&r.happens_key),
                    happens_label: r.happens_key.clone(),
                    rate: slot(&r.rate),
                    fee: slot(&r.commitment_fee),
                    from: r.from,
                    maturity: r.maturity,
                    draw_below: r.draw_below,
                    repay_above: r.repay_above,
                    withdrawn_on_breach: r.withdrawn_on_breach,
                    counts_as_liquidity: r.counts_as_liquidity,
                })
                .collect(),
            covenants: (debt.covenants.iter())
                .map(|c| CovenantPlan {
                    min_cash: c.min_cash,
                    min_trailing_revenue: c.min_trailing_revenue,
                    max_monthly_burn: c.max_monthly_burn,
                    active: c.active,
                })
                .collect(),
            liquidity: debt.revolvers.iter().any(|r| r.counts_as_liquidity),
            window: (debt.covenants.iter())
                .filter_map(|c| c.min_trailing_revenue.map(|(_, m)| m as usize))
                .max()
                .unwrap_or(0),
        }
    }

    /// Whether the model has debt (loans or lines) to settle each month.
    pub(super) fn has_debt(&self) -> bool {
        !(self.loans.is_empty() && self.revolvers.is_empty())
    }

    /// Whether the model has debt or covenants (its tally counts failures).
    pub(super) fn any(&self) -> bool {
        self.has_debt() || !self.covenants.is_empty()
    }
}

/// The debt's per-path state, by loan and by line.
#[derive(Debug, Clone, Default)]
pub(crate) struct DebtScratch {
    /// Each loan's balance.
    pub(super) balance: Vec<Vec<f64>>,
    /// Each loan's monthly payment (annuity) or monthly principal (straight line).
    pub(super) payment: Vec<Vec<f64>>,
    /// Each loan's monthly rate.
    pub(super) loan_rate: Vec<Vec<f64>>,
    /// Each line's limit on the path (0 where it is not there, or withdrawn).
    pub(super) limit: Vec<Vec<f64>>,
    /// Each line's drawn balance.
    pub(super) drawn: Vec<Vec<f64>>,
    /// The uniform draw that decided whether each line is there (below its
    /// probability: it is), for observers; 0 for a line that is certain.
    pub(super) available: Vec<Vec<f64>>,
    /// Each line's monthly interest rate and monthly commitment fee.
    pub(super) line_rate: Vec<Vec<f64>>,
    pub(super) line_fee: Vec<Vec<f64>>,
    /// Cash before the month's debt is settled.
    pub(super) pre: Vec<f64>,
    /// Cash plus the undrawn credit that counts as liquidity.
    pub(super) liquidity: Vec<f64>,
    /// First month of a covenant breach (0 = none yet).
    pub(super) breach_month: Vec<u32>,
    /// The last months' revenue, a ring of `window` months.
    pub(super) revenue_ring: Vec<Vec<f64>>,
}

impl DebtScratch {
    /// Scratch for `debt` (empty arrays for a model without it).
    pub(super) fn new(debt: &DebtPlan) -> DebtScratch {
        let f = |n: usize| vec![vec![0.0; BLOCK_SIZE]; n];
        let any = debt.any();
        let one = |needed: bool| {
            if needed {
                vec![0.0; BLOCK_SIZE]
            } else {
                Vec::new()
            }
        };
        DebtScratch {
            balance: f(debt.loans.len()),
            payment: f(debt.loans.len()),
            loan_rate: f(debt.loans.len()),
            limit: f(debt.revolvers.len()),
            drawn: f(debt.revolvers.len()),
            available: f(debt.revolvers.len()),
            line_rate: f(debt.revolvers.len()),
            line_fee: f(debt.revolvers.len()),
            pre: one(debt.has_debt()),
            liquidity: one(debt.liquidity),
            breach_month: if any { vec![0; BLOCK_SIZE] } else { Vec::new() },
            revenue_ring: f(debt.window),
        }
    }
}

/// x^n for a whole n ≥ 0, by repeated squaring (the same bits everywhere).
#[inline]
pub(crate) fn power(x: f64, n: u32) -> f64 {
    let (mut base, mut n, mut out) = (x, n, 1.0);
    while n > 0 {
        if n & 1 == 1 {
            out *= base;
        }
        base *= base;
        n >>= 1;
    }
    out
}

/// The constant monthly payment that takes a balance of `principal` to
/// `balloon` in `months` months at monthly rate `r`:
/// (P − B v^m) r / (1 − v^m) with v = 1 / (1 + r); (P − B) / m when r = 0.
#[inline]
pub(crate) fn annuity_payment(principal: f64, balloon: f64, r: f64, months: u32) -> f64 {
    if r == 0.0 {
        return (principal - balloon) / f64::from(months);
    }
    let v = 1.0 / power(1.0 + r, months);
    (principal - balloon * v) * r / (1.0 - v)
}

/// Sets each path's debt at the start of a block: nothing drawn, each
/// loan's payment and monthly rate, each line's limit (0 on a path where
/// it does not exist, drawn from its own stream) and rates; no breach.
pub(super) fn start_debt(plan: &Plan, seed: u64, block: u64, inputs: &[Vec<f64>], s: &mut Scratch) {
    let (debt, d, given) = (&plan.debt, &mut s.debt, &s.given);
    d.breach_month.fill(0);
    for (i, l) in debt.loans.iter().enumerate() {
        d.balance[i].fill(0.0);
        let (p, rate) = (&inputs[l.principal], &inputs[l.rate]);
        for j in 0..BLOCK_SIZE {
            let r = rate[j] / 12.0;
            let balloon = p[j] * l.balloon;
            d.loan_rate[i][j] = r;
            d.payment[i][j] = if l.annuity {
                annuity_payment(p[j], balloon, r, l.amortization_months)
            } else {
                (p[j] - balloon) / f64::from(l.amortization_months)
            };
        }
    }
    for (i, r) in debt.revolvers.iter().enumerate() {
        d.drawn[i].fill(0.0);
        d.limit[i].copy_from_slice(&inputs[r.limit]);
        for j in 0..BLOCK_SIZE {
            d.line_rate[i][j] = inputs[r.rate][j] / 12.0;
            d.line_fee[i][j] = inputs[r.fee][j] / 12.0;
        }
        if let Some(p) = r
            .probability
            .filter(|&p| plan.slots[p].constant != Some(1.0))
        {
            if s.scored {
                let dim = plan.layout.happening[plan.inflows.len() + i];
                super::funding::uniforms_from_scores(dim, given, &mut d.available[i]);
            } else {
                let mut rng = stream(seed, block, r.happens_key);
                for u in d.available[i].iter_mut() {
                    *u = open01(&mut rng);
                }
            }
            for j in 0..BLOCK_SIZE {
                if d.available[i][j] >= inputs[p][j] {
                    d.limit[i][j] = 0.0;
                }
            }
        }
    }
}

/// Ends month `t` on paths `r` for a model with debt: the month's cash
/// before debt (as `close_month`), then each loan and each line in file
/// order, then the floor; the liquidity that triggers see.
#[inline(always)]
pub(super) fn close_month_with_debt(
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
    let (cash, revenue) = (&s.cash[r.clone()], &s.revenue[r.clone()]);
    let pre = &mut s.debt.pre[r.clone()];
    for j in 0..n {
        pre[j] = cash[j] + revenue[j] - paid[j];
    }
    if has_other {
        let (flow, one_off) = (&s.net_flow[r.clone()], &s.one_off[r.clone()]);
        for j in 0..n {
            pre[j] = pre[j] + flow[j] - one_off[j];
        }
    }
    for (i, l) in plan.debt.loans.iter().enumerate() {
        loan_month(l, inputs, &mut s.debt, i, r, t);
    }
    for (i, line) in plan.debt.revolvers.iter().enumerate() {
        line_month(line, &mut s.debt, i, r, t);
    }
    let floor = plan.floor;
    let (cash, lowest, insolvent) = (
        &mut s.cash[r.clone()],
        &mut s.lowest[r.clone()],
        &mut s.insolvent_month[r.clone()],
    );
    let pre = &s.debt.pre[r.clone()];
    for j in 0..n {
        step_cash(
            pre[j],
            t,
            floor,
            &mut cash[j],
            &mut lowest[j],
            &mut insolvent[j],
        );
    }
    if plan.debt.liquidity {
        let liquidity = &mut s.debt.liquidity[r.clone()];
        liquidity.copy_from_slice(cash);
        for (i, line) in plan.debt.revolvers.iter().enumerate() {
            if line.counts_as_liquidity && t >= line.from && t < line.maturity {
                let (limit, drawn) = (&s.debt.limit[i][r.clone()], &s.debt.drawn[i][r.clone()]);
                for j in 0..n {
                    liquidity[j] += limit[j] - drawn[j];
                }
            }
        }
    }
}

/// Loan `i` in month `t`: the principal arrives in the draw month; after
/// it, interest on the balance, principal by the schedule (none in the
/// interest-only months, the rest at maturity, all of it the month after a
/// breach when the loan accelerates).
#[inline(always)]
fn loan_month(
    l: &LoanPlan,
    inputs: &[Vec<f64>],
    d: &mut DebtScratch,
    i: usize,
    r: &Range<usize>,
    t: u32,
) {
    let n = r.len();
    let pre = &mut d.pre[r.clone()];
    let balance = &mut d.balance[i][r.clone()];
    if t == l.draw {
        let principal = &inputs[l.principal][r.clone()];
        for j in 0..n {
            pre[j] += principal[j];
        }
        balance.copy_from_slice(principal);
        return;
    }
    if t < l.draw || t - l.draw > l.term {
        return;
    }
    let k = t - l.draw;
    let (rate, payment) = (&d.loan_rate[i][r.clone()], &d.payment[i][r.clone()]);
    let maturity = k == l.term;
    let amortizing = k > l.interest_only && k <= l.interest_only + l.amortization_months;
    let breach = &d.breach_month[r.clone()];
    for j in 0..n {
        let interest = balance[j] * rate[j];
        let scheduled = if !amortizing {
            0.0
        } else if l.annuity {
            payment[j] - interest
        } else {
            payment[j]
        };
        let accelerated = l.accelerate && breach[j] != 0 && breach[j] < t;
        let principal = if maturity || accelerated {
            balance[j]
        } else {
            scheduled.min(balance[j])
        };
        pre[j] -= interest + principal;
        balance[j] -= principal;
    }
}

/// Line `i` in month `t`, from its first month: interest on the drawn
/// balance and the fee on the undrawn part; then the whole balance at
/// maturity or once withdrawn after a breach; else a draw up to the limit
/// when cash is below `draw_below`, or a repayment out of cash above
/// `repay_above`.
#[inline(always)]
fn line_month(line: &RevolverPlan, d: &mut DebtScratch, i: usize, r: &Range<usize>, t: u32) {
    if t < line.from {
        return;
    }
    let n = r.len();
    let pre = &mut d.pre[r.clone()];
    let (limit, drawn) = (&mut d.limit[i][r.clone()], &mut d.drawn[i][r.clone()]);
    let (rate, fee) = (&d.line_rate[i][r.clone()], &d.line_fee[i][r.clone()]);
    let breach = &d.breach_month[r.clone()];
    let matured = t >= line.maturity;
    let (below, above) = (line.draw_below, line.repay_above.unwrap_or(f64::INFINITY));
    for j in 0..n {
        if matured || (line.withdrawn_on_breach && breach[j] != 0 && breach[j] < t) {
            limit[j] = 0.0;
        }
        let c = pre[j] - drawn[j] * rate[j] - (limit[j] - drawn[j]).max(0.0) * fee[j];
        let (c, b) = if drawn[j] > limit[j] {
            (c - drawn[j], 0.0)
        } else if c < below {
            let x = (below - c).min(limit[j] - drawn[j]);
            (c + x, drawn[j] + x)
        } else if c > above {
            let y = (c - above).min(drawn[j]);
            (c - y, drawn[j] - y)
        } else {
            (c, drawn[j])
        };
        pre[j] = c;
        drawn[j] = b;
    }
}

/// Adds the first `n` paths of the block to the failure counts: the month
/// of the first breach, the month of the first failure (insolvency or
/// breach, whichever came first), and each failing path's shortfall,
/// floor − lowest cash.
pub(super) fn tally_failures(
    plan: &Plan,
    s: &Scratch,
    n: usize,
    tally: &mut crate::stats::FailureTally,
) {
    let (insolvent, breach) = (&s.insolvent_month[..n], &s.debt.breach_month[..n]);
    for j in 0..n {
        if breach[j] > 0 {
            tally.breach_in_month[breach[j] as usize - 1] += 1;
        }
        let failed = match (insolvent[j], breach[j]) {
            (0, b) => b,
            (i, 0) => i,
            (i, b) => i.min(b),
        };
        if failed > 0 {
            tally.failure_in_month[failed as usize - 1] += 1;
            tally.shortfall.add(plan.floor - s.lowest[j]);
        }
    }
}
