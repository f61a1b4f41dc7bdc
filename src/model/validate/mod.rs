//! Raw model → checked [`Model`]: every rule, with the field path in the error.
//!
//! One file per concern: [`months`] (the model's months, month fields and
//! ranges), [`values`] (showing values, the finite-values rule), [`family`]
//! (a number or distribution table → [`Dist`]), [`revenue`], [`costs`],
//! [`funding`] (tranches and funding events), [`shocks`], [`flows`],
//! [`schedule`] (month-by-month plans), [`hiring`] and [`correlation`]. Rules are checked in the order of the file's sections, so
//! the first broken rule is the one reported.

mod correlation;
mod costs;
mod debt;
mod family;
mod flows;
mod funding;
mod hiring;
mod months;
mod quantiles;
mod revenue;
mod schedule;
mod shocks;
mod values;

pub(crate) use family::{parse_dist, TRUNCATE};
pub(crate) use months::BETWEEN;
pub(crate) use schedule::is_plan_key;
pub(crate) use values::render_value;

use super::schema::{RawCash, RawModel};
use super::{Input, Model, ModelSource, Month, Noise, NoiseMode, Sampling};
use crate::dist::{fmt_num, Dist};
use crate::error::{Error, Result};
use indexmap::IndexMap;

/// The values a field may take, checked against a distribution's support.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Domain {
    Any,
    NonNegative,
    Probability,
    AtMostOne,
}

impl Domain {
    fn contains(self, lo: f64, hi: f64) -> bool {
        match self {
            Domain::Any => true,
            Domain::NonNegative => lo >= 0.0,
            Domain::Probability => lo >= 0.0 && hi <= 1.0,
            Domain::AtMostOne => hi <= 1.0,
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Domain::Any => "any number",
            Domain::NonNegative => "must not be negative",
            Domain::Probability => "is a probability or fraction and must lie in [0, 1]",
            Domain::AtMostOne => "must not exceed 1 (a gain of 1 means the cost falls to zero)",
        }
    }
}

/// A field that breaks a rule: the file, the field's path, the value as
/// written (when there is one) and the rule.
fn field_error(
    file: &str,
    path: &str,
    value: Option<&toml::Value>,
    rule: impl Into<String>,
) -> Error {
    Error::Field {
        file: file.to_string(),
        path: path.to_string(),
        value: value.map(render_value),
        rule: rule.into(),
        at: None,
    }
}

/// The checks of one model: its file (for messages) and its months.
struct Checker<'a> {
    file: &'a str,
    start: Month,
    months: u32,
}

impl Checker<'_> {
    fn err(&self, path: &str, value: Option<&toml::Value>, rule: impl Into<String>) -> Error {
        field_error(self.file, path, value, rule)
    }

    /// A value that is a number or a distribution, whose support must lie in `domain`.
    fn input(&self, path: &str, value: &toml::Value, domain: Domain) -> Result<Input> {
        let dist = self.dist(path, value)?;
        let (lo, hi) = dist.support();
        if !domain.contains(lo, hi) {
            let hint = if dist.as_constant().is_some() {
                String::new()
            } else {
                format!(
                    "; {} can produce values in [{}, {}]: choose a bounded family or add `truncate = {{ min = .., max = .. }}`",
                    dist.label(),
                    fmt_num(lo),
                    fmt_num(hi)
                )
            };
            return Err(self.err(
                path,
                Some(value),
                format!("this field {}{hint}", domain.rule()),
            ));
        }
        Ok(Input {
            path: path.to_string(),
            dist,
        })
    }

    /// [`Checker::input`] for an optional field, `default` when it is absent.
    fn optional(
        &self,
        path: &str,
        value: Option<&toml::Value>,
        default: f64,
        domain: Domain,
    ) -> Result<Input> {
        match value {
            Some(v) => self.input(path, v, domain),
            None => Ok(Input {
                path: path.to_string(),
                dist: Dist::constant(default).expect("finite default"),
            }),
        }
    }

    fn dist(&self, path: &str, value: &toml::Value) -> Result<Dist> {
        parse_dist(value).map_err(|rule| self.err(path, Some(value), rule))
    }

    /// A plain number (a distribution there is refused with `rule`).
    fn plain_number(&self, path: &str, value: &toml::Value, rule: &str) -> Result<f64> {
        let dist = self.dist(path, value)?;
        dist.as_constant()
            .ok_or_else(|| self.err(path, Some(value), rule))
    }

    /// A line's name (the key under `[kind]`).
    fn check_name(&self, kind: &str, name: &str) -> Result<()> {
        let ok = !name.is_empty()
            && name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
        if ok {
            Ok(())
        } else {
            Err(self.err(
                &format!("{kind}.{name}"),
                None,
                "names may use letters, digits, `_` and `-` only",
            ))
        }
    }

    /// A line's month-to-month noise and its mode.
    fn noise(
        &self,
        path: &str,
        noise: Option<&toml::Value>,
        mode: Option<&String>,
    ) -> Result<Option<Noise>> {
        let mode = match mode.map(String::as_str) {
            None | Some("persistent") => NoiseMode::Persistent,
            Some("transient") => NoiseMode::Transient,
            Some(other) => {
                return Err(self.err(
                    &format!("{path}.noise_mode"),
                    Some(&toml::Value::String(other.to_string())),
                    "must be \"persistent\" (the level keeps each shock) or \"transient\" (only that month's amount)",
                ))
            }
        };
        match noise {
            None => Ok(None),
            Some(v) => Ok(Some(Noise {
                epsilon: self.input(&format!("{path}.noise"), v, Domain::Any)?,
                mode,
            })),
        }
    }

    /// A line's optional `growth_half_life`: months (≥ 0) in which its
    /// growth rate halves.
    fn half_life(&self, path: &str, value: Option<&toml::Value>) -> Result<Option<Input>> {
        value
            .map(|v| self.input(&format!("{path}.growth_half_life"), v, Domain::NonNegative))
            .transpose()
    }

    /// `noise_mode` without `noise` is refused.
    fn noise_mode_needs_noise(
        &self,
        path: &str,
        noise: Option<&toml::Value>,
        mode: Option<&String>,
    ) -> Result<()> {
        if noise.is_none() && mode.is_some() {
            return Err(self.err(
                &format!("{path}.noise_mode"),
                None,
                "`noise_mode` needs `noise`",
            ));
        }
        Ok(())
    }

    /// `[cash]`: the starting cash and the insolvency floor.
    fn cash(&self, cash: &RawCash) -> Result<(Input, f64)> {
        let initial = self.input("cash.initial", &cash.initial, Domain::Any)?;
        let floor = match &cash.floor {
            None => 0.0,
            Some(v) => self.plain_number(
                "cash.floor",
                v,
                "the insolvency floor must be a plain number",
            )?,
        };
        Ok((initial, floor))
    }

    /// `model.sampling`.
    fn sampling(&self, text: Option<&str>) -> Result<Sampling> {
        match text {
            None => Ok(Sampling::MonteCarlo),
            Some(text) => Sampling::parse(text).ok_or_else(|| {
                self.err(
                    "model.sampling",
                    Some(&toml::Value::String(text.to_string())),
                    "must be \"mc\" (Monte Carlo) or \"lhs\" (Latin hypercube)",
                )
            }),
        }
    }
}

/// The names of a section's lines, for "known: ..." in messages.
/// `no LINE is named `x`; did you mean `y`? (known: …)`, or with only the
/// list when no name is close: the rule for a reference to a missing line.
fn unknown_name<T>(line: &str, name: &str, map: &IndexMap<String, T>) -> String {
    match crate::model::suggest::did_you_mean(name, map.keys().map(String::as_str)) {
        Some(hint) => format!(
            "no {line} is named `{name}`; {hint} (known: {})",
            names(map)
        ),
        None => format!("no {line} is named `{name}`; known: {}", names(map)),
    }
}

fn names<T>(map: &IndexMap<String, T>) -> String {
    if map.is_empty() {
        "none".to_string()
    } else {
        map.keys()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Each scenario's name and description.
fn scenario_descriptions(scenarios: &IndexMap<String, toml::Value>) -> Vec<(String, String)> {
    scenarios
        .iter()
        .map(|(k, v)| {
            let d = v
                .get("description")
                .and_then(|d| d.as_str())
                .unwrap_or("")
                .to_string();
            (k.clone(), d)
        })
        .collect()
}

/// Checks a raw model and builds the typed [`Model`].
pub(crate) fn validate(
    raw: RawModel,
    source: ModelSource,
    scenario: Option<String>,
) -> Result<Model> {
    let file = source.label.clone();
    let c = Checker::new(&file, &raw.model)?;
    let (initial_cash, floor) = c.cash(&raw.cash)?;
    let revenues = c.revenues(&raw.revenue)?;
    let costs = c.costs(&raw.costs, &raw.revenue)?;
    let mut inflows = c.tranches(&raw.cash.tranches, &raw.costs)?;
    inflows.extend(c.funding(&raw.funding, &raw.costs)?);
    c.check_shared_credits(&inflows)?;
    let shocks = c.shocks(&raw.shocks)?;
    let flows = c.flows(&raw.flows)?;
    let debt = c.debt(&raw.debt, &raw.covenants, floor)?;
    let scenarios = scenario_descriptions(&raw.scenarios);
    let sampling = c.sampling(raw.model.sampling.as_deref())?;
    let (start, months) = (c.start, c.months);
    let mut model = Model {
        name: raw.model.name,
        description: raw.model.description,
        unit: raw.model.unit,
        start,
        months,
        initial_cash,
        floor,
        costs,
        revenues,
        inflows,
        shocks,
        flows,
        scenario,
        scenarios,
        source,
        sampling,
        correlation: None,
        debt,
    };
    if let Some(c) = raw.correlation {
        model.correlation = Some(correlation::check_correlation(&model, c, &file)?);
    }
    Ok(model)
}

#[cfg(test)]
mod tests;
