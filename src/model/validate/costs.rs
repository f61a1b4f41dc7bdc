//! `[costs.NAME]`: monthly cost lines, on their own growth or following a
//! revenue line's demand.

use super::schedule::Points;
use super::{unknown_name, Checker, Domain};
use crate::error::Result;
use crate::model::schema::{RawCost, RawRevenue};
use crate::model::CostLine;
use indexmap::IndexMap;

impl Checker<'_> {
    /// Every cost line, in file order; `revenue` resolves `follows`.
    pub(super) fn costs(
        &self,
        raw: &IndexMap<String, RawCost>,
        revenue: &IndexMap<String, RawRevenue>,
    ) -> Result<Vec<CostLine>> {
        raw.iter()
            .map(|(name, k)| self.cost(name, k, revenue))
            .collect()
    }

    fn cost(
        &self,
        name: &str,
        k: &RawCost,
        revenue: &IndexMap<String, RawRevenue>,
    ) -> Result<CostLine> {
        self.check_name("costs", name)?;
        let p = format!("costs.{name}");
        let follows = match &k.follows {
            None => None,
            Some(target) => Some(revenue.get_index_of(target.as_str()).ok_or_else(|| {
                self.err(
                    &format!("{p}.follows"),
                    Some(&toml::Value::String(target.clone())),
                    unknown_name("revenue line", target, revenue),
                )
            })?),
        };
        for (field, given) in [
            ("growth", k.growth.is_some()),
            ("growth_half_life", k.growth_half_life.is_some()),
        ] {
            if follows.is_some() && given {
                return Err(self.err(
                    &format!("{p}.{field}"),
                    None,
                    format!("a line that `follows` a revenue line takes its demand growth from it; remove `{field}`"),
                ));
            }
        }
        self.noise_mode_needs_noise(&p, k.noise.as_ref(), k.noise_mode.as_ref())?;
        let monthly = match (&k.monthly, &k.schedule, &k.hiring) {
            (None, _, Some(_)) => Err(self.err(
                &format!("{p}.monthly"),
                None,
                "a line with a hiring plan needs `monthly`: the cost of one head per month",
            )),
            (None, None, None) => Err(self.err(
                &p,
                None,
                "missing field `monthly` (the amount per month), or give a `schedule`",
            )),
            _ => self.optional(
                &format!("{p}.monthly"),
                k.monthly.as_ref(),
                1.0,
                Domain::NonNegative,
            ),
        }?;
        Ok(CostLine {
            name: name.to_string(),
            monthly,
            growth: self.optional(&format!("{p}.growth"), k.growth.as_ref(), 0.0, Domain::Any)?,
            growth_half_life: self.half_life(&p, k.growth_half_life.as_ref())?,
            efficiency_gain: self.optional(
                &format!("{p}.efficiency_gain"),
                k.efficiency_gain.as_ref(),
                0.0,
                Domain::AtMostOne,
            )?,
            follows,
            noise: self.noise(&p, k.noise.as_ref(), k.noise_mode.as_ref())?,
            active: self.range(&p, k.from.as_ref(), k.until.as_ref())?,
            schedule: self.schedule(
                &p,
                "schedule",
                k.schedule.as_ref(),
                k.schedule_shape.as_ref(),
                Points::NonNegative,
            )?,
            hiring: k.hiring.as_ref().map(|h| self.hiring(&p, h)).transpose()?,
        })
    }
}
