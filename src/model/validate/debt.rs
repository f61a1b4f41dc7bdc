//! `[debt.NAME]` (revolving credit lines and term loans) and
//! `[covenants.NAME]`: which fields each kind takes, rates in a sane range,
//! months inside the model, a covenant with at least one condition.

use super::{Checker, Domain};
use crate::dist::fmt_num;
use crate::error::Result;
use crate::model::schema::{RawCovenant, RawDebt};
use crate::model::{Amortization, Covenant, Debt, Input, Month, Revolver, TermLoan};
use indexmap::IndexMap;

/// The fields only a revolver takes, and those only a term loan takes.
const REVOLVER_ONLY: [&str; 8] = [
    "limit",
    "commitment_fee",
    "probability",
    "from",
    "draw_below",
    "repay_above",
    "withdrawn_on_breach",
    "counts_as_liquidity",
];
const LOAN_ONLY: [&str; 8] = [
    "principal",
    "draw",
    "term",
    "interest_only",
    "amortization",
    "amortization_months",
    "balloon",
    "accelerate_on_breach",
];

/// The fields of `d` that are set, by name.
fn set_fields(d: &RawDebt) -> Vec<&'static str> {
    let values = [
        ("limit", d.limit.is_some()),
        ("commitment_fee", d.commitment_fee.is_some()),
        ("probability", d.probability.is_some()),
        ("from", d.from.is_some()),
        ("draw_below", d.draw_below.is_some()),
        ("repay_above", d.repay_above.is_some()),
        ("withdrawn_on_breach", d.withdrawn_on_breach.is_some()),
        ("counts_as_liquidity", d.counts_as_liquidity.is_some()),
        ("principal", d.principal.is_some()),
        ("draw", d.draw.is_some()),
        ("term", d.term.is_some()),
        ("interest_only", d.interest_only.is_some()),
        ("amortization", d.amortization.is_some()),
        ("amortization_months", d.amortization_months.is_some()),
        ("balloon", d.balloon.is_some()),
        ("accelerate_on_breach", d.accelerate_on_breach.is_some()),
    ];
    values
        .iter()
        .filter(|(_, set)| *set)
        .map(|(f, _)| *f)
        .collect()
}

impl Checker<'_> {
    /// Every credit line, term loan and covenant, in file order.
    pub(super) fn debt(
        &self,
        raw: &IndexMap<String, RawDebt>,
        covenants: &IndexMap<String, RawCovenant>,
        floor: f64,
    ) -> Result<Debt> {
        let mut debt = Debt::default();
        for (name, d) in raw {
            self.check_name("debt", name)?;
            let p = format!("debt.{name}");
            let (others, kind_name) = match d.kind.as_str() {
                "revolver" => (LOAN_ONLY, "a revolver"),
                "term_loan" => (REVOLVER_ONLY, "a term loan"),
                other => {
                    return Err(self.err(
                        &format!("{p}.kind"),
                        Some(&toml::Value::String(other.to_string())),
                        "must be \"revolver\" (a revolving credit line) or \"term_loan\" (a term loan or venture debt)",
                    ))
                }
            };
            if let Some(f) = set_fields(d).into_iter().find(|f| others.contains(f)) {
                return Err(self.err(
                    &format!("{p}.{f}"),
                    None,
                    format!(
                        "`{f}` is not a field of {kind_name} (`kind = \"{}\"`)",
                        d.kind
                    ),
                ));
            }
            if d.kind == "revolver" {
                debt.revolvers.push(self.revolver(name, &p, d, floor)?);
            } else {
                debt.loans.push(self.term_loan(name, &p, d)?);
            }
        }
        for (name, c) in covenants {
            debt.covenants.push(self.covenant(name, c)?);
        }
        Ok(debt)
    }

    fn revolver(&self, name: &str, p: &str, d: &RawDebt, floor: f64) -> Result<Revolver> {
        let limit = d
            .limit
            .as_ref()
            .ok_or_else(|| self.err(&format!("{p}.limit"), None, "a revolver needs a `limit`"))?;
        let from = match &d.from {
            Some(s) => {
                self.month_number(&format!("{p}.from"), &toml::Value::String(s.clone()), s)? as u32
            }
            None => 1,
        };
        let maturity = self.maturity(p, d.maturity.as_ref())?;
        if maturity <= from {
            return Err(self.err(
                &format!("{p}.maturity"),
                d.maturity.clone().map(toml::Value::String).as_ref(),
                "the maturity must come after `from`, the first month the line may be drawn",
            ));
        }
        let number = |key: &str, v: &Option<toml::Value>| {
            v.as_ref()
                .map(|v| {
                    self.plain_number(
                        &format!("{p}.{key}"),
                        v,
                        "a cash level of a credit line must be a plain number",
                    )
                })
                .transpose()
        };
        let draw_below = number("draw_below", &d.draw_below)?.unwrap_or(floor);
        let repay_above = number("repay_above", &d.repay_above)?;
        if let Some(r) = repay_above.filter(|&r| r < draw_below) {
            return Err(self.err(
                &format!("{p}.repay_above"),
                d.repay_above.as_ref(),
                format!(
                    "{} is below `draw_below` ({}): the line would repay what it has just drawn; make `repay_above` at least `draw_below`",
                    fmt_num(r),
                    fmt_num(draw_below)
                ),
            ));
        }
        Ok(Revolver {
            name: name.to_string(),
            limit: self.input(&format!("{p}.limit"), limit, Domain::NonNegative)?,
            probability: (d.probability.as_ref())
                .map(|v| self.input(&format!("{p}.probability"), v, Domain::Probability))
                .transpose()?,
            happens_key: format!("{p}.available"),
            rate: self.rate(&format!("{p}.rate"), d.rate.as_ref())?,
            commitment_fee: self.rate(&format!("{p}.commitment_fee"), d.commitment_fee.as_ref())?,
            from,
            maturity,
            draw_below,
            repay_above,
            withdrawn_on_breach: d.withdrawn_on_breach.unwrap_or(false),
            counts_as_liquidity: d.counts_as_liquidity.unwrap_or(false),
        })
    }

    /// A revolver's maturity month number: any month after the start (one
    /// after the horizon never comes), `u32::MAX` when absent.
    fn maturity(&self, p: &str, text: Option<&String>) -> Result<u32> {
        let Some(text) = text else {
            return Ok(u32::MAX);
        };
        let value = toml::Value::String(text.clone());
        let m = Month::parse(text).ok_or_else(|| {
            self.err(
                &format!("{p}.maturity"),
                Some(&value),
                "a month is written YYYY-MM, e.g. \"2026-06\"",
            )
        })?;
        let n = m.months_since(self.start) + 1;
        if n < 1 {
            return Err(self.err(
                &format!("{p}.maturity"),
                Some(&value),
                format!(
                    "the maturity must not be before the model's start ({})",
                    self.start
                ),
            ));
        }
        Ok(n as u32)
    }

    fn term_loan(&self, name: &str, p: &str, d: &RawDebt) -> Result<TermLoan> {
        let need = |key: &str, v: &Option<toml::Value>| {
            v.clone().ok_or_else(|| {
                self.err(
                    &format!("{p}.{key}"),
                    None,
                    format!("a term loan needs `{key}`"),
                )
            })
        };
        let principal = need("principal", &d.principal)?;
        let term_value = need("term", &d.term)?;
        let draw_text = d.draw.clone().ok_or_else(|| {
            self.err(
                &format!("{p}.draw"),
                None,
                "a term loan needs `draw`, the month its principal arrives",
            )
        })?;
        let draw = self.month_number(
            &format!("{p}.draw"),
            &toml::Value::String(draw_text.clone()),
            &draw_text,
        )? as u32;
        let term = self.whole_months(&format!("{p}.term"), &term_value, 1)?;
        let interest_only = match &d.interest_only {
            Some(v) => self.whole_months(&format!("{p}.interest_only"), v, 0)?,
            None => 0,
        };
        if interest_only >= term {
            return Err(self.err(
                &format!("{p}.interest_only"),
                d.interest_only.as_ref(),
                format!(
                    "the interest-only months must be fewer than the loan's `term` ({term} months)"
                ),
            ));
        }
        let amortization_months = match &d.amortization_months {
            Some(v) => self.whole_months(&format!("{p}.amortization_months"), v, 1)?,
            None => term - interest_only,
        };
        if amortization_months > term - interest_only {
            return Err(self.err(
                &format!("{p}.amortization_months"),
                d.amortization_months.as_ref(),
                format!(
                    "the amortisation is longer than the loan: {amortization_months} months after {interest_only} interest-only months exceed its `term` of {term} months; shorten it, or leave the rest as a `balloon`"
                ),
            ));
        }
        let amortization =
            match d.amortization.as_deref() {
                None | Some("annuity") => Amortization::Annuity,
                Some("straight_line") => Amortization::StraightLine,
                Some(other) => return Err(self.err(
                    &format!("{p}.amortization"),
                    Some(&toml::Value::String(other.to_string())),
                    "must be \"annuity\" (equal payments) or \"straight_line\" (equal principal)",
                )),
            };
        let balloon = match &d.balloon {
            Some(v) => {
                let b = self.plain_number(
                    &format!("{p}.balloon"),
                    v,
                    "the balloon must be a plain number",
                )?;
                if !(0.0..=1.0).contains(&b) {
                    return Err(self.err(
                        &format!("{p}.balloon"),
                        Some(v),
                        "the balloon is the fraction of the principal due at maturity and must lie in [0, 1]",
                    ));
                }
                b
            }
            None => 0.0,
        };
        Ok(TermLoan {
            name: name.to_string(),
            principal: self.input(&format!("{p}.principal"), &principal, Domain::NonNegative)?,
            rate: self.rate(&format!("{p}.rate"), d.rate.as_ref())?,
            draw,
            term,
            interest_only,
            amortization_months,
            amortization,
            balloon,
            accelerate_on_breach: d.accelerate_on_breach.unwrap_or(false),
        })
    }

    /// A plain whole number of months, at least `min`, at most 6 000.
    fn whole_months(&self, path: &str, value: &toml::Value, min: u32) -> Result<u32> {
        let x = self.plain_number(
            path,
            value,
            "a number of months must be a plain whole number",
        )?;
        if x.fract() != 0.0 || x < f64::from(min) || x > 6000.0 {
            return Err(self.err(
                path,
                Some(value),
                format!("a number of months must be a whole number from {min} to 6000"),
            ));
        }
        Ok(x as u32)
    }

    /// An annual rate as a fraction (0.12 = 12 % a year), in [0, 1]; 0 when
    /// absent.
    fn rate(&self, path: &str, value: Option<&toml::Value>) -> Result<Input> {
        let input = self.optional(path, value, 0.0, Domain::NonNegative)?;
        let (_, hi) = input.dist.support();
        if hi > 1.0 {
            return Err(self.err(
                path,
                value,
                format!(
                    "an annual rate is a fraction (0.12 = 12 % a year) and must lie in [0, 1]; this one reaches {}",
                    fmt_num(hi)
                ),
            ));
        }
        Ok(input)
    }

    fn covenant(&self, name: &str, c: &RawCovenant) -> Result<Covenant> {
        self.check_name("covenants", name)?;
        let p = format!("covenants.{name}");
        if c.min_cash.is_none() && c.min_trailing_revenue.is_none() && c.max_monthly_burn.is_none()
        {
            return Err(self.err(
                &p,
                None,
                "a covenant needs at least one condition: `min_cash`, `min_trailing_revenue = { amount = .., months = .. }` or `max_monthly_burn`",
            ));
        }
        let number = |key: &str, v: &toml::Value| {
            self.plain_number(
                &format!("{p}.{key}"),
                v,
                "a covenant's level must be a plain number",
            )
        };
        let trailing = match &c.min_trailing_revenue {
            None => None,
            Some(t) => {
                let months =
                    self.whole_months(&format!("{p}.min_trailing_revenue.months"), &t.months, 1)?;
                if months > self.months {
                    return Err(self.err(
                        &format!("{p}.min_trailing_revenue.months"),
                        Some(&t.months),
                        format!("the window is longer than the model's {} months, so it would never be checked", self.months),
                    ));
                }
                Some((number("min_trailing_revenue.amount", &t.amount)?, months))
            }
        };
        Ok(Covenant {
            name: name.to_string(),
            min_cash: c
                .min_cash
                .as_ref()
                .map(|v| number("min_cash", v))
                .transpose()?,
            min_trailing_revenue: trailing,
            max_monthly_burn: (c.max_monthly_burn.as_ref())
                .map(|v| number("max_monthly_burn", v))
                .transpose()?,
            active: self.range(&p, c.from.as_ref(), c.until.as_ref())?,
        })
    }
}
