//! `[flows.NAME]`: generic amounts (+ in, − out), once or each month.

use super::schedule::Points;
use super::{Checker, Domain};
use crate::error::Result;
use crate::model::schema::RawFlow;
use crate::model::Flow;
use indexmap::IndexMap;

impl Checker<'_> {
    /// Every flow, in file order.
    pub(super) fn flows(&self, raw: &IndexMap<String, RawFlow>) -> Result<Vec<Flow>> {
        let mut flows = Vec::new();
        for (name, f) in raw {
            self.check_name("flows", name)?;
            let p = format!("flows.{name}");
            if f.amount.is_none() && f.schedule.is_none() {
                return Err(self.err(
                    &p,
                    None,
                    "missing field `amount` (+ in, − out), or give a `schedule`",
                ));
            }
            flows.push(Flow {
                name: name.clone(),
                amount: self.optional(
                    &format!("{p}.amount"),
                    f.amount.as_ref(),
                    1.0,
                    Domain::Any,
                )?,
                each_month: f.each_month.unwrap_or(false),
                active: self.range(&p, f.from.as_ref(), f.until.as_ref())?,
                schedule: self.schedule(
                    &p,
                    "schedule",
                    f.schedule.as_ref(),
                    f.schedule_shape.as_ref(),
                    Points::Any,
                )?,
            });
        }
        Ok(flows)
    }
}
