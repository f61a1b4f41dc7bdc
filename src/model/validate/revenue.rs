//! `[revenue.NAME]`: user-driven lines (users × revenue per user) and plain
//! monthly amounts.

use super::{Checker, Domain};
use crate::error::Result;
use crate::model::schema::RawRevenue;
use crate::model::{Input, RevenueLine};
use indexmap::IndexMap;

impl Checker<'_> {
    /// Every revenue line, in file order.
    pub(super) fn revenues(&self, raw: &IndexMap<String, RawRevenue>) -> Result<Vec<RevenueLine>> {
        raw.iter().map(|(name, r)| self.revenue(name, r)).collect()
    }

    fn revenue(&self, name: &str, r: &RawRevenue) -> Result<RevenueLine> {
        self.check_name("revenue", name)?;
        let p = format!("revenue.{name}");
        let (level, arpu) = self.revenue_level(&p, r)?;
        let seasonal = self.seasonal(&p, r.seasonal.as_deref())?;
        let first_month = self.range(&p, r.from.as_ref(), None)?.0;
        let line = RevenueLine {
            name: name.to_string(),
            level,
            arpu,
            growth: self.optional(&format!("{p}.growth"), r.growth.as_ref(), 0.0, Domain::Any)?,
            growth_half_life: self.half_life(&p, r.growth_half_life.as_ref())?,
            churn: self.optional(
                &format!("{p}.churn"),
                r.churn.as_ref(),
                0.0,
                Domain::Probability,
            )?,
            noise: self.noise(&p, r.noise.as_ref(), r.noise_mode.as_ref())?,
            seasonal,
            first_month,
        };
        self.noise_mode_needs_noise(&p, r.noise.as_ref(), r.noise_mode.as_ref())?;
        Ok(line)
    }

    /// The line's level: `monthly`, or `users` with `arpu` (revenue per
    /// user per month).
    fn revenue_level(&self, p: &str, r: &RawRevenue) -> Result<(Input, Option<Input>)> {
        match (&r.monthly, &r.users, &r.arpu) {
            (Some(m), None, None) => Ok((
                self.input(&format!("{p}.monthly"), m, Domain::NonNegative)?,
                None,
            )),
            (None, Some(u), Some(a)) => Ok((
                self.input(&format!("{p}.users"), u, Domain::NonNegative)?,
                Some(self.input(&format!("{p}.arpu"), a, Domain::NonNegative)?),
            )),
            (None, Some(_), None) => Err(self.err(
                &format!("{p}.arpu"),
                None,
                "a user-driven line needs `arpu` (revenue per user per month)",
            )),
            (None, None, Some(_)) => Err(self.err(
                &format!("{p}.users"),
                None,
                "a line with `arpu` needs `users` (users at the start)",
            )),
            (None, None, None) => Err(self.err(
                p,
                None,
                "a revenue line needs either `monthly` (an amount) or `users` and `arpu`",
            )),
            (Some(_), _, _) => Err(self.err(
                p,
                None,
                "a revenue line takes either `monthly` or `users` and `arpu`, not both",
            )),
        }
    }

    /// Twelve plain, non-negative factors, January to December (all 1 when
    /// absent).
    fn seasonal(&self, p: &str, list: Option<&[toml::Value]>) -> Result<[f64; 12]> {
        let mut seasonal = [1.0; 12];
        let Some(list) = list else {
            return Ok(seasonal);
        };
        if list.len() != 12 {
            return Err(self.err(
                &format!("{p}.seasonal"),
                None,
                format!("give 12 factors, January to December; got {}", list.len()),
            ));
        }
        for (i, v) in list.iter().enumerate() {
            let path = format!("{p}.seasonal[{i}]");
            let x = self.plain_number(&path, v, "seasonal factors are plain numbers")?;
            if !(x >= 0.0) {
                return Err(self.err(&path, Some(v), "seasonal factors must not be negative"));
            }
            seasonal[i] = x;
        }
        Ok(seasonal)
    }
}
