//! Money that arrives: `[cash.tranches.NAME]` (committed, on a schedule) and
//! `[funding.NAME]` (that may arrive, dated or triggered), and the cost
//! lines their credits pay for.

use super::{unknown_name, Checker, Domain};
use crate::error::Result;
use crate::model::schema::{OneOrMany, RawCost, RawFunding, RawTranche, RawTrigger};
use crate::model::{Inflow, Timing, TriggerCondition};
use indexmap::IndexMap;

impl Checker<'_> {
    /// Every tranche, in file order; `costs` resolves `credit_for`.
    pub(super) fn tranches(
        &self,
        raw: &IndexMap<String, RawTranche>,
        costs: &IndexMap<String, RawCost>,
    ) -> Result<Vec<Inflow>> {
        let mut inflows = Vec::new();
        for (name, t) in raw {
            self.check_name("cash.tranches", name)?;
            let p = format!("cash.tranches.{name}");
            inflows.push(Inflow {
                name: name.clone(),
                path: p.clone(),
                probability: None,
                happens_key: format!("{p}.happens"),
                timing: Timing::Month(self.month_input(&format!("{p}.month"), &t.month)?),
                amount: self.input(&format!("{p}.amount"), &t.amount, Domain::NonNegative)?,
                credit_for: self.credit_target(
                    &format!("{p}.credit_for"),
                    t.credit_for.as_ref(),
                    costs,
                )?,
            });
        }
        Ok(inflows)
    }

    /// Every funding event, in file order; `costs` resolves `credit_for`.
    pub(super) fn funding(
        &self,
        raw: &IndexMap<String, RawFunding>,
        costs: &IndexMap<String, RawCost>,
    ) -> Result<Vec<Inflow>> {
        let mut inflows = Vec::new();
        for (name, f) in raw {
            self.check_name("funding", name)?;
            let p = format!("funding.{name}");
            let timing = self.funding_timing(&p, f)?;
            inflows.push(Inflow {
                name: name.clone(),
                path: p.clone(),
                probability: match &f.probability {
                    None => None,
                    Some(v) => {
                        Some(self.input(&format!("{p}.probability"), v, Domain::Probability)?)
                    }
                },
                happens_key: format!("{p}.happens"),
                timing,
                amount: self.input(&format!("{p}.amount"), &f.amount, Domain::NonNegative)?,
                credit_for: self.credit_target(
                    &format!("{p}.credit_for"),
                    f.credit_for.as_ref(),
                    costs,
                )?,
            });
        }
        Ok(inflows)
    }

    /// When a funding event arrives: a `month`, or a `trigger` with its
    /// optional `delay`.
    fn funding_timing(&self, p: &str, f: &RawFunding) -> Result<Timing> {
        match (&f.month, &f.trigger) {
            (Some(m), None) => {
                if f.delay.is_some() {
                    return Err(self.err(
                        &format!("{p}.delay"),
                        None,
                        "`delay` goes with `trigger`; a dated event has its delay in `month`",
                    ));
                }
                Ok(Timing::Month(self.month_input(&format!("{p}.month"), m)?))
            }
            (None, Some(trigger)) => {
                let (condition, threshold) = self.trigger(p, trigger)?;
                Ok(Timing::Trigger {
                    condition,
                    threshold,
                    delay: self.optional(
                        &format!("{p}.delay"),
                        f.delay.as_ref(),
                        0.0,
                        Domain::NonNegative,
                    )?,
                })
            }
            (Some(_), Some(_)) => Err(self.err(
                p,
                None,
                "give either `month` or `trigger`, not both",
            )),
            (None, None) => Err(self.err(
                p,
                None,
                "a funding event needs `month` (a date or distribution) or `trigger` (e.g. { runway_below = 6 })",
            )),
        }
    }

    /// A trigger's condition and threshold.
    fn trigger(
        &self,
        p: &str,
        trigger: &RawTrigger,
    ) -> Result<(TriggerCondition, crate::model::Input)> {
        match (&trigger.runway_below, &trigger.cash_below) {
            (Some(v), None) => Ok((
                TriggerCondition::RunwayBelow,
                self.input(&format!("{p}.trigger.runway_below"), v, Domain::NonNegative)?,
            )),
            (None, Some(v)) => Ok((
                TriggerCondition::CashBelow,
                self.input(&format!("{p}.trigger.cash_below"), v, Domain::Any)?,
            )),
            _ => Err(self.err(
                &format!("{p}.trigger"),
                None,
                "a trigger takes exactly one of `runway_below` (months) or `cash_below` (money)",
            )),
        }
    }

    /// The cost lines a credit pays for, as sorted indices (none: cash).
    fn credit_target(
        &self,
        path: &str,
        target: Option<&OneOrMany>,
        costs: &IndexMap<String, RawCost>,
    ) -> Result<Vec<usize>> {
        let Some(target) = target else {
            return Ok(Vec::new());
        };
        let names_given = target.names();
        if names_given.is_empty() {
            return Err(self.err(
                path,
                None,
                "name at least one cost line, or remove `credit_for` for cash",
            ));
        }
        let mut lines = Vec::new();
        for t in names_given {
            let i = costs.get_index_of(t.as_str()).ok_or_else(|| {
                self.err(
                    path,
                    Some(&toml::Value::String(t.clone())),
                    unknown_name("cost line", &t, costs),
                )
            })?;
            if !lines.contains(&i) {
                lines.push(i);
            }
        }
        lines.sort_unstable();
        Ok(lines)
    }

    /// Credits that cover some of the same cost lines must cover the same
    /// ones, to share one credit balance.
    pub(super) fn check_shared_credits(&self, inflows: &[Inflow]) -> Result<()> {
        for (a, first) in inflows.iter().enumerate() {
            for second in &inflows[a + 1..] {
                let overlap = first
                    .credit_for
                    .iter()
                    .any(|c| second.credit_for.contains(c));
                if overlap && first.credit_for != second.credit_for {
                    return Err(self.err(
                        &format!("{}.credit_for", second.path),
                        None,
                        format!(
                            "credits of `{}` and `{}` cover overlapping but different cost lines; give both the same list so they share one credit balance",
                            first.path, second.path
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}
