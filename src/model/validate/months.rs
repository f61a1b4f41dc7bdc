//! The model's months, month fields and the ranges of months a line is active.

use super::{field_error, Checker};
use crate::dist::Dist;
use crate::error::Result;
use crate::model::schema::RawMeta;
use crate::model::{Input, Month, MAX_MONTHS};

/// The key of a month drawn between two months, `{ between = [.., ..] }`.
pub(crate) const BETWEEN: &str = "between";

impl<'a> Checker<'a> {
    /// The checks of the model in `file` whose `[model]` is `meta`: its start,
    /// horizon and unit.
    pub(super) fn new(file: &'a str, meta: &RawMeta) -> Result<Checker<'a>> {
        let month = |path: &str, text: &str, example: &str| {
            Month::parse(text).ok_or_else(|| {
                field_error(
                    file,
                    path,
                    Some(&toml::Value::String(text.to_string())),
                    format!("a month is written YYYY-MM, e.g. \"{example}\""),
                )
            })
        };
        let start = month("model.start", &meta.start, "2023-08")?;
        let horizon = month("model.horizon", &meta.horizon, "2024-12")?;
        let horizon_error = |rule: String| {
            field_error(
                file,
                "model.horizon",
                Some(&toml::Value::String(meta.horizon.clone())),
                rule,
            )
        };
        if horizon < start {
            return Err(horizon_error(format!(
                "the horizon must not be before the start ({start})"
            )));
        }
        let months = (horizon.months_since(start) + 1) as u32;
        if months > MAX_MONTHS {
            return Err(horizon_error(format!(
                "the model spans {months} months; at most {MAX_MONTHS} (50 years) are allowed"
            )));
        }
        if meta.unit.trim().is_empty() {
            return Err(field_error(
                file,
                "model.unit",
                None,
                "name the money unit, e.g. \"USD millions\"",
            ));
        }
        Ok(Checker {
            file,
            start,
            months,
        })
    }

    /// A month: `"YYYY-MM"`, `{ between = ["YYYY-MM", "YYYY-MM"] }`, or a
    /// distribution over month numbers (1 = the first simulated month).
    pub(super) fn month_input(&self, path: &str, value: &toml::Value) -> Result<Input> {
        let dist = match value {
            toml::Value::String(s) => {
                let n = self.month_number(path, value, s)?;
                Dist::constant(f64::from(n)).expect("finite")
            }
            toml::Value::Table(t) if t.contains_key(BETWEEN) => self.between(path, value, t)?,
            _ => self.dist(path, value)?,
        };
        Ok(Input {
            path: path.to_string(),
            dist,
        })
    }

    /// `{ between = ["YYYY-MM", "YYYY-MM"] }`: a month drawn uniformly
    /// between the two, inclusive.
    fn between(&self, path: &str, value: &toml::Value, table: &toml::Table) -> Result<Dist> {
        let bad = || {
            self.err(
                path,
                Some(value),
                "`between` takes two months, e.g. { between = [\"2023-10\", \"2024-06\"] }",
            )
        };
        if table.len() != 1 {
            return Err(bad());
        }
        let arr = table[BETWEEN].as_array().ok_or_else(bad)?;
        if arr.len() != 2 {
            return Err(bad());
        }
        let (first, last) = (
            arr[0].as_str().ok_or_else(bad)?,
            arr[1].as_str().ok_or_else(bad)?,
        );
        let a = self.month_number(path, value, first)?;
        let b = self.month_number(path, value, last)?;
        if a > b {
            return Err(self.err(
                path,
                Some(value),
                format!("the first month ({first}) must not be after the second ({last})"),
            ));
        }
        Ok(
            Dist::discrete_uniform(f64::from(a), f64::from(b))
                .expect("checked whole month numbers"),
        )
    }

    /// Month number of `YYYY-MM` (1 = start); must lie inside the model's range.
    pub(super) fn month_number(&self, path: &str, value: &toml::Value, text: &str) -> Result<i32> {
        let m = Month::parse(text).ok_or_else(|| {
            self.err(
                path,
                Some(value),
                "a month is written YYYY-MM, e.g. \"2024-03\"",
            )
        })?;
        let n = m.months_since(self.start) + 1;
        if n < 1 || n > self.months as i32 {
            return Err(self.err(
                path,
                Some(value),
                format!(
                    "month {m} lies outside the model's months {} to {}",
                    self.start,
                    self.start.plus(self.months as i32 - 1)
                ),
            ));
        }
        Ok(n)
    }

    /// The first and last month numbers of `from` and `until` (the whole
    /// model where they are absent).
    pub(super) fn range(
        &self,
        path: &str,
        from: Option<&String>,
        until: Option<&String>,
    ) -> Result<(u32, u32)> {
        let month = |key: &str, s: &String| {
            let path = format!("{path}.{key}");
            self.month_number(&path, &toml::Value::String(s.clone()), s)
                .map(|n| n as u32)
        };
        let first = match from {
            Some(s) => month("from", s)?,
            None => 1,
        };
        let last = match until {
            Some(s) => month("until", s)?,
            None => self.months,
        };
        if first > last {
            return Err(self.err(
                &format!("{path}.until"),
                until.map(|s| toml::Value::String(s.clone())).as_ref(),
                "`until` must not be before `from`",
            ));
        }
        Ok((first, last))
    }
}
