//! `[costs.NAME.hiring]`: a hiring plan (planned hires by month or
//! quarter), its start, slip, fill rate and attrition.

use super::{Checker, Domain};
use crate::error::Result;
use crate::model::schema::RawHiring;
use crate::model::Hiring;

impl Checker<'_> {
    /// The hiring plan of cost line `p`.
    pub(super) fn hiring(&self, p: &str, raw: &RawHiring) -> Result<Hiring> {
        let p = format!("{p}.hiring");
        let field = |name: &str| format!("{p}.{name}");
        Ok(Hiring {
            start: self.optional(
                &field("start"),
                raw.start.as_ref(),
                0.0,
                Domain::NonNegative,
            )?,
            hires: self.hires(&field("hires"), &raw.hires)?,
            slip: self.optional(&field("slip"), raw.slip.as_ref(), 0.0, Domain::NonNegative)?,
            fill_rate: self.optional(
                &field("fill_rate"),
                raw.fill_rate.as_ref(),
                1.0,
                Domain::Probability,
            )?,
            attrition: self.optional(
                &field("attrition"),
                raw.attrition.as_ref(),
                0.0,
                Domain::Probability,
            )?,
        })
    }
}
