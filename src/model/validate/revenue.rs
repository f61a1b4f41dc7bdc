//! `[revenue.NAME]`: user-driven lines (users × revenue per user) and plain
//! monthly amounts.

use super::schedule::Points;
use super::{Checker, Domain};
use crate::error::Result;
use crate::model::schema::RawRevenue;
use crate::model::{Input, RevenueLine, Schedule};
use indexmap::IndexMap;

impl Checker<'_> {
    /// Every revenue line, in file order.
    pub(super) fn revenues(&self, raw: &IndexMap<String, RawRevenue>) -> Result<Vec<RevenueLine>> {
        raw.iter().map(|(name, r)| self.revenue(name, r)).collect()
    }

    fn revenue(&self, name: &str, r: &RawRevenue) -> Result<RevenueLine> {
        self.check_name("revenue", name)?;
        let p = format!("revenue.{name}");
        let schedule = self.revenue_schedule(&p, r)?;
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
            schedule,
        };
        self.noise_mode_needs_noise(&p, r.noise.as_ref(), r.noise_mode.as_ref())?;
        Ok(line)
    }

    /// The line's level: `monthly`, or `users` with `arpu` (revenue per
    /// user per month).
    fn revenue_level(&self, p: &str, r: &RawRevenue) -> Result<(Input, Option<Input>)> {
        let one = toml::Value::Integer(1);
        // A schedule stands for the scheduled field; that field, if given, is
        // a multiplier of the schedule (1 unless given).
        let monthly = r.monthly.as_ref().or(r.schedule.as_ref().map(|_| &one));
        let arpu = r.arpu.as_ref().or(r.arpu_schedule.as_ref().map(|_| &one));
        match (monthly, &r.users, arpu) {
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

    /// The line's schedule: the amount's (`schedule`, a line without
    /// users) or the price's (`arpu_schedule`, a line with users).
    fn revenue_schedule(&self, p: &str, r: &RawRevenue) -> Result<Option<Schedule>> {
        let (field, value) = match (&r.schedule, &r.arpu_schedule) {
            (Some(_), _) if r.users.is_some() => {
                return Err(self.err(
                    &format!("{p}.schedule"),
                    None,
                    "a line with users schedules its price: use `arpu_schedule`",
                ))
            }
            (_, Some(_)) if r.users.is_none() => return Err(self.err(
                &format!("{p}.arpu_schedule"),
                None,
                "`arpu_schedule` is the price of a line with `users`; a plain line uses `schedule`",
            )),
            (Some(v), _) => ("schedule", Some(v)),
            (_, Some(v)) => ("arpu_schedule", Some(v)),
            (None, None) => ("schedule", None),
        };
        if value.is_none() && r.schedule_shape.is_some() {
            return Err(self.err(
                &format!("{p}.schedule_shape"),
                None,
                "`schedule_shape` needs `schedule` or `arpu_schedule`",
            ));
        }
        self.schedule(
            p,
            field,
            value,
            r.schedule_shape.as_ref(),
            Points::NonNegative,
        )
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
