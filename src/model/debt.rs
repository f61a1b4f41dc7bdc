//! Debt and covenants, checked: revolving credit lines, term loans and the
//! conditions whose breach is a failure of its own (`[debt.NAME]`,
//! `[covenants.NAME]`).
//!
//! Rates are annual fractions (0.12 = 12 % a year); the engine charges
//! rate / 12 a month (a nominal annual rate compounded monthly).

use super::Input;

/// How a term loan's principal is repaid after its interest-only months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amortization {
    /// Equal monthly payments of interest and principal (an annuity).
    Annuity,
    /// Equal monthly principal, plus the interest on what is left.
    StraightLine,
}

/// A revolving credit line: drawn to keep cash up, repaid when cash allows
/// or at maturity.
#[derive(Debug, Clone)]
pub struct Revolver {
    /// Name (the key under `[debt]`).
    pub name: String,
    /// The most that may be drawn at once.
    pub limit: Input,
    /// The chance the line exists at all (drawn per path), `None` = certain.
    pub probability: Option<Input>,
    /// The per-path uniform draw compared with `probability`.
    pub happens_key: String,
    /// Annual interest rate on the drawn balance.
    pub rate: Input,
    /// Annual fee on the undrawn part of the limit.
    pub commitment_fee: Input,
    /// First month number it may be drawn.
    pub from: u32,
    /// Month number its balance is repaid in full and it closes
    /// (`u32::MAX`: beyond the horizon).
    pub maturity: u32,
    /// Cash level the line draws to keep.
    pub draw_below: f64,
    /// Cash above which the balance is repaid (`None`: only at maturity).
    pub repay_above: Option<f64>,
    /// Whether a covenant breach closes it (the month after the breach: no
    /// more draws, the balance due).
    pub withdrawn_on_breach: bool,
    /// Whether its undrawn part counts as cash for funding triggers.
    pub counts_as_liquidity: bool,
}

/// A term loan (bank or venture debt): one draw, interest-only months,
/// amortisation, a balloon at maturity.
#[derive(Debug, Clone)]
pub struct TermLoan {
    /// Name (the key under `[debt]`).
    pub name: String,
    /// Principal, received as cash in the draw month.
    pub principal: Input,
    /// Annual interest rate.
    pub rate: Input,
    /// Month number of the draw.
    pub draw: u32,
    /// Months from the draw to maturity.
    pub term: u32,
    /// Months after the draw with interest only.
    pub interest_only: u32,
    /// Months of amortisation after the interest-only months.
    pub amortization_months: u32,
    /// How the principal is amortised.
    pub amortization: Amortization,
    /// Fraction of the principal left by the amortisation, due at maturity.
    pub balloon: f64,
    /// Whether a covenant breach makes the whole balance due the month after.
    pub accelerate_on_breach: bool,
}

/// A covenant: conditions checked at the end of each month it applies;
/// the first month one fails is the path's breach.
#[derive(Debug, Clone)]
pub struct Covenant {
    /// Name (the key under `[covenants]`).
    pub name: String,
    /// Breached when cash ends a month below this.
    pub min_cash: Option<f64>,
    /// Breached when revenue over the last `months` months (this one
    /// included) is below `amount`; checked once that many months exist.
    pub min_trailing_revenue: Option<(f64, u32)>,
    /// Breached when a month's operating burn (costs paid and one-off
    /// costs, less revenue and flows) exceeds this.
    pub max_monthly_burn: Option<f64>,
    /// First and last month number it applies.
    pub active: (u32, u32),
}

/// A model's debt and covenants (all empty for a model without them).
#[derive(Debug, Clone, Default)]
pub struct Debt {
    /// Credit lines, in file order.
    pub revolvers: Vec<Revolver>,
    /// Term loans, in file order.
    pub loans: Vec<TermLoan>,
    /// Covenants, in file order.
    pub covenants: Vec<Covenant>,
}

impl Debt {
    /// Whether the model has any debt or covenant (its report then gives
    /// breach, failure and shortfall).
    pub fn is_empty(&self) -> bool {
        self.revolvers.is_empty() && self.loans.is_empty() && self.covenants.is_empty()
    }

    /// The per-path inputs of the debt, in a fixed order (after every other
    /// input of the model, so that they move no existing stream).
    pub fn path_inputs(&self) -> Vec<&Input> {
        let mut out = Vec::new();
        for r in &self.revolvers {
            out.push(&r.limit);
            out.extend(r.probability.iter());
            out.push(&r.rate);
            out.push(&r.commitment_fee);
        }
        for l in &self.loans {
            out.push(&l.principal);
            out.push(&l.rate);
        }
        out
    }
}
