//! Month-by-month plans: `schedule = { "2024-01" = 120, "2024-07" = 150 }`
//! or `schedule = "plans/opex.csv"` (columns `month,value`, relative to the
//! model file), with `schedule_shape`; and the points of a hiring plan,
//! whose keys may also be quarters (`"2024-Q3"`).

use super::Checker;
use crate::error::Result;
use crate::model::{Month, Schedule, ScheduleShape};
use std::path::Path;

/// Whether a table key is a month (`YYYY-MM`) or a quarter (`YYYY-Qn`):
/// such a table is a plan (one value), not a section of the model.
pub(crate) fn is_plan_key(key: &str) -> bool {
    Month::parse(key).is_some() || quarter(key).is_some()
}

/// The first month of quarter `YYYY-Qn`.
fn quarter(key: &str) -> Option<Month> {
    let (year, q) = key.trim().split_once("-Q")?;
    let q: i32 = (q.len() == 1).then(|| q.parse().ok())??;
    if !(1..=4).contains(&q) {
        return None;
    }
    Month::parse(&format!("{year}-{:02}", 3 * q - 2))
}

/// Which values a plan's points may take.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Points {
    /// Amounts or prices that must not be negative.
    NonNegative,
    /// Any amount (a flow: + in, − out).
    Any,
}

impl Checker<'_> {
    /// A line's schedule and its shape (`p` is the line's path).
    pub(super) fn schedule(
        &self,
        p: &str,
        field: &str,
        value: Option<&toml::Value>,
        shape: Option<&String>,
        points: Points,
    ) -> Result<Option<Schedule>> {
        let shape_path = format!("{p}.schedule_shape");
        let shape = match shape.map(String::as_str) {
            None | Some("step") => ScheduleShape::Step,
            Some("linear") => ScheduleShape::Linear,
            Some(other) => {
                return Err(self.err(
                    &shape_path,
                    Some(&toml::Value::String(other.to_string())),
                    "must be \"step\" (each value holds until the next point) or \"linear\" (straight lines between points)",
                ))
            }
        };
        let Some(value) = value else {
            return Ok(None);
        };
        let path = format!("{p}.{field}");
        let mut list = self.plan_points(&path, value, false)?;
        for &(_, x, ref shown) in &list {
            if points == Points::NonNegative && x < 0.0 {
                return Err(self.err(
                    &path,
                    Some(&toml::Value::String(shown.clone())),
                    "a scheduled amount or price must not be negative",
                ));
            }
        }
        list.sort_by_key(|&(m, _, _)| m);
        Ok(Some(Schedule {
            path,
            points: list.into_iter().map(|(m, x, _)| (m, x)).collect(),
            shape,
        }))
    }

    /// The planned hires of each month (index 0 = month 1): month keys add
    /// their number to that month, quarter keys a third of it to each of
    /// the quarter's months.
    pub(super) fn hires(&self, path: &str, value: &toml::Value) -> Result<Vec<f64>> {
        let mut hires = vec![0.0; self.months as usize];
        for (m, x, shown) in self.plan_points(path, value, true)? {
            if x < 0.0 {
                return Err(self.err(
                    path,
                    Some(&toml::Value::String(shown)),
                    "planned hires must not be negative",
                ));
            }
            if m <= self.months as i32 {
                hires[m as usize - 1] += x;
            }
        }
        Ok(hires)
    }

    /// The points of a plan, as (month number, value, the point as written
    /// for messages); a quarter (where `quarters`) gives three points of a
    /// third each. No month may be given twice; months before the start or
    /// after the horizon are kept (a hiring plan refuses those before).
    fn plan_points(
        &self,
        path: &str,
        value: &toml::Value,
        quarters: bool,
    ) -> Result<Vec<(i32, f64, String)>> {
        let rows: Vec<(String, String, String)> = match value {
            toml::Value::Table(t) => t
                .iter()
                .map(|(k, v)| {
                    let shown = format!("\"{k}\" = {}", super::render_value(v));
                    let number = match v {
                        toml::Value::Integer(i) => i.to_string(),
                        toml::Value::Float(x) => x.to_string(),
                        other => format!("not a number: {}", super::render_value(other)),
                    };
                    (k.clone(), number, shown)
                })
                .collect(),
            toml::Value::String(file) => self.plan_csv(path, file)?,
            other => {
                return Err(self.err(
                    path,
                    Some(other),
                    "a plan is a table of months, e.g. { \"2024-01\" = 120, \"2024-07\" = 150 }, or the path of a CSV file with columns month,value",
                ))
            }
        };
        if rows.is_empty() {
            return Err(self.err(path, Some(value), "a plan needs at least one month"));
        }
        let mut out: Vec<(i32, f64, String)> = Vec::new();
        let mut months_given: Vec<i32> = Vec::new();
        for (key, number, shown) in rows {
            let bad =
                |rule: String| self.err(path, Some(&toml::Value::String(shown.clone())), rule);
            let x: f64 = number
                .trim()
                .parse()
                .ok()
                .filter(|x: &f64| x.is_finite())
                .ok_or_else(|| bad("each month's value must be a finite number".into()))?;
            let (first, parts) = match (Month::parse(&key), quarter(&key)) {
                (Some(m), _) => (m, 1),
                (None, Some(q)) if quarters => (q, 3),
                _ if quarters => return Err(bad(
                    "a month is written YYYY-MM (\"2024-03\") and a quarter YYYY-Qn (\"2024-Q3\")"
                        .into(),
                )),
                _ => return Err(bad("a month is written YYYY-MM, e.g. \"2024-03\"".into())),
            };
            for k in 0..parts {
                let m = first.plus(k);
                let n = m.months_since(self.start) + 1;
                if quarters && n < 1 {
                    return Err(bad(format!(
                        "month {m} is before the model's start ({}); count the people hired by then in `start`",
                        self.start
                    )));
                }
                if parts == 1 {
                    if months_given.contains(&n) {
                        return Err(bad(format!("month {m} is given twice")));
                    }
                    months_given.push(n);
                }
                out.push((n, x / f64::from(parts as u8), shown.clone()));
            }
        }
        Ok(out)
    }

    /// The rows of a plan's CSV file (header `month,value`), as (month,
    /// value, the row as written for messages). The file is read relative
    /// to the model file's folder.
    fn plan_csv(&self, path: &str, name: &str) -> Result<Vec<(String, String, String)>> {
        let file = Path::new(self.file)
            .parent()
            .unwrap_or(Path::new(""))
            .join(name);
        let shown = toml::Value::String(name.to_string());
        let text = std::fs::read_to_string(&file).map_err(|e| {
            self.err(
                path,
                Some(&shown),
                format!(
                    "cannot read the plan {} ({e}); a CSV plan is read relative to the model file's folder",
                    file.display()
                ),
            )
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let header_ok = reader.headers().is_ok_and(|h| {
            h.len() == 2 && h[0].eq_ignore_ascii_case("month") && h[1].eq_ignore_ascii_case("value")
        });
        if !header_ok {
            return Err(self.err(
                path,
                Some(&shown),
                format!(
                    "{}: the first line must be the header `month,value`",
                    file.display()
                ),
            ));
        }
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let row = i + 2;
            let record = record.ok().filter(|r| r.len() == 2).ok_or_else(|| {
                self.err(
                    path,
                    Some(&shown),
                    format!("{} row {row}: give two fields, month,value", file.display()),
                )
            })?;
            rows.push((
                record[0].to_string(),
                record[1].to_string(),
                format!(
                    "{} row {row}: {},{}",
                    file.display(),
                    &record[0],
                    &record[1]
                ),
            ));
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_start_in_january_april_july_and_october() {
        let firsts: Vec<String> = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
            .iter()
            .map(|q| quarter(q).unwrap().to_string())
            .collect();
        assert_eq!(firsts, ["2024-01", "2024-04", "2024-07", "2024-10"]);
        for bad in ["2024-Q0", "2024-Q5", "2024-Q12", "2024-q1", "24-Q1"] {
            assert!(quarter(bad).is_none(), "{bad}");
        }
    }
}
