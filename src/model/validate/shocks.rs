//! `[shocks.NAME]`: events with a monthly hazard and at least one effect.

use super::{Checker, Domain};
use crate::error::Result;
use crate::model::schema::RawShock;
use crate::model::Shock;
use indexmap::IndexMap;

impl Checker<'_> {
    /// Every shock, in file order.
    pub(super) fn shocks(&self, raw: &IndexMap<String, RawShock>) -> Result<Vec<Shock>> {
        raw.iter().map(|(name, s)| self.shock(name, s)).collect()
    }

    fn shock(&self, name: &str, s: &RawShock) -> Result<Shock> {
        self.check_name("shocks", name)?;
        let p = format!("shocks.{name}");
        if s.cost.is_none() && s.revenue_hit.is_none() && s.funding_delay.is_none() {
            return Err(self.err(
                &p,
                None,
                "a shock needs at least one effect: `cost`, `revenue_hit` or `funding_delay`",
            ));
        }
        if s.duration.is_some() && s.revenue_hit.is_none() {
            return Err(self.err(
                &format!("{p}.duration"),
                None,
                "`duration` is the length of a `revenue_hit`; add one or remove it",
            ));
        }
        let effect = |key: &str, value: &Option<toml::Value>, domain: Domain| {
            value
                .as_ref()
                .map(|v| self.input(&format!("{p}.{key}"), v, domain))
                .transpose()
        };
        Ok(Shock {
            name: name.to_string(),
            hazard: self.input(&format!("{p}.hazard"), &s.hazard, Domain::Probability)?,
            repeat: s.repeat.unwrap_or(false),
            cost: effect("cost", &s.cost, Domain::NonNegative)?,
            revenue_hit: effect("revenue_hit", &s.revenue_hit, Domain::Probability)?,
            duration: self.optional(
                &format!("{p}.duration"),
                s.duration.as_ref(),
                1.0,
                Domain::NonNegative,
            )?,
            funding_delay: effect("funding_delay", &s.funding_delay, Domain::NonNegative)?,
            strike_key: format!("{p}.strikes"),
        })
    }
}
