//! `[flows.NAME]`: generic amounts (+ in, − out), once or each month.

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
            flows.push(Flow {
                name: name.clone(),
                amount: self.input(&format!("{p}.amount"), &f.amount, Domain::Any)?,
                each_month: f.each_month.unwrap_or(false),
                active: self.range(&p, f.from.as_ref(), f.until.as_ref())?,
            });
        }
        Ok(flows)
    }
}
