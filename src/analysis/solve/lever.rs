//! A lever: one numeric field of the model, and how a candidate value is
//! written into it as a `--set` override.
//!
//! A candidate goes through the model's own loading (the file, its
//! scenario, the user's `--set` overrides, then the lever's override), so
//! every rule of the field is checked again and an error names the field,
//! the value and the rule. The lever keeps the field's random stream: the
//! stream is keyed by the field path, and a shift or a scale changes only
//! the distribution's location or scale parameters, so the same uniforms
//! and normals give the same draws moved or stretched (normal: mean + sd·z;
//! lognormal: median·e^(σz); gamma: scale·G; uniform, triangular, PERT and
//! beta: min + (max − min)·B; discrete: the listed values; a metalog or a
//! `quantiles` fit: the given values), under Monte
//! Carlo, Latin hypercube and the Gaussian copula alike.

use crate::dist::Kind;
use crate::error::{Error, Result};
use crate::model::Model;
use serde::Serialize;

/// How a lever changes its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The field is set to the value (a constant field).
    Set,
    /// The field's distribution is moved by the value (every draw + v).
    Shift,
    /// The field's distribution is multiplied by the value (every draw × v).
    Scale,
}

impl Mode {
    /// `set`, `shift` or `scale`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Set => "set",
            Mode::Shift => "shift",
            Mode::Scale => "scale",
        }
    }
}

/// One field of the model that the solver varies.
#[derive(Debug, Clone)]
pub struct Lever {
    /// The field path, e.g. `cash.initial`.
    pub field: String,
    /// How it is varied.
    pub mode: Mode,
    /// The field as the model holds it (after the scenario and `--set`).
    raw: toml::Value,
    /// Whether the values are whole numbers (a month, a shift of whole
    /// numbers).
    pub whole: bool,
    /// The field's value as written (set), 0 (shift) or 1 (scale).
    pub current: f64,
    /// A typical size of the field's values: where a search without a
    /// range starts.
    pub spread: f64,
}

/// Where the search of a lever may go: the range and whether the user
/// gave it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Range {
    /// Lowest value.
    pub min: f64,
    /// Highest value.
    pub max: f64,
}

const TRIGGERS: [&str; 2] = [".trigger.runway_below", ".trigger.cash_below"];

impl Lever {
    /// The lever on `field` of `model` (loaded with `overrides`), checked:
    /// the field must be one of the model's numeric inputs, and the mode
    /// must fit what it holds.
    pub fn new(model: &Model, overrides: &[String], field: &str, mode: Mode) -> Result<Lever> {
        let inputs: Vec<_> = model
            .path_inputs()
            .into_iter()
            .chain(model.monthly_inputs())
            .collect();
        let Some(input) = inputs.iter().find(|i| i.path == field) else {
            return Err(unknown_field(model, field, &inputs));
        };
        let raw = match (raw_value(model, overrides, field), mode) {
            (Some(raw), _) => raw,
            (None, Mode::Set) => toml::Value::Float(0.0),
            (None, _) => return Err(lever_error(field, None, "the field keeps its default (it is not written in the model file, its scenario or --set); write it first (e.g. --set FIELD=VALUE) to shift or scale it".into())),
        };
        let is_month = field.ends_with(".month");
        let constant = input.dist.as_constant();
        let whole = is_month || (mode == Mode::Shift && input.dist.is_discrete());
        let (current, spread) = match mode {
            Mode::Set => {
                let Some(value) = constant else {
                    return Err(lever_error(
                        field,
                        Some(input.dist.label().to_string()),
                        "the field holds a distribution; vary it with --shift (every draw + v) or --scale (every draw × v), or set it to a number with --set first".into(),
                    ));
                };
                (value, value.abs())
            }
            Mode::Shift | Mode::Scale => {
                // Check now that the family can be moved or scaled.
                transform(&raw, mode, if mode == Mode::Shift { 0.0 } else { 1.0 })
                    .map_err(|rule| lever_error(field, Some(input.dist.label().into()), rule))?;
                let spread = input
                    .dist
                    .sd()
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .unwrap_or_else(|| {
                        (input.dist.quantile(0.95) - input.dist.quantile(0.05)).abs() / 3.29
                    });
                if mode == Mode::Shift {
                    (0.0, spread)
                } else {
                    (1.0, 1.0)
                }
            }
        };
        Ok(Lever {
            field: field.to_string(),
            mode,
            raw,
            whole,
            current,
            spread,
        })
    }

    /// The `--set` override that gives the field the candidate `value`.
    pub fn override_for(&self, value: f64) -> Result<String> {
        let written = match self.mode {
            Mode::Set => toml::Value::Float(value),
            mode => transform(&self.raw, mode, value)
                .map_err(|rule| lever_error(&self.field, Some(number(value)), rule))?,
        };
        let written = if self.whole && value == value.round() && self.mode == Mode::Set {
            toml::Value::Integer(value as i64)
        } else {
            written
        };
        // A trigger's level is set through the trigger itself.
        for suffix in TRIGGERS {
            if let Some(parent) = self.field.strip_suffix(suffix) {
                let key = &suffix[".trigger.".len()..];
                let mut table = toml::Table::new();
                table.insert(key.to_string(), written);
                return Ok(format!(
                    "{parent}.trigger={}",
                    inline(&toml::Value::Table(table))
                ));
            }
        }
        Ok(format!("{}={}", self.field, inline(&written)))
    }

    /// The range a search starts from when the user gives none: around the
    /// field's current value, kept at or above 0 for a non-negative value.
    pub fn default_range(&self, months: u32) -> Range {
        if self.field.ends_with(".month") && self.mode == Mode::Set {
            return Range {
                min: 1.0,
                max: f64::from(months),
            };
        }
        match self.mode {
            Mode::Scale => Range { min: 0.5, max: 2.0 },
            Mode::Shift => {
                let s = if self.whole {
                    self.spread.ceil().max(1.0)
                } else {
                    self.spread
                };
                Range {
                    min: -2.0 * s,
                    max: 2.0 * s,
                }
            }
            Mode::Set => {
                let v = self.current;
                let s = if v == 0.0 { 1.0 } else { v.abs() };
                if v >= 0.0 {
                    Range {
                        min: 0.0,
                        max: v + s,
                    }
                } else {
                    Range {
                        min: v - s,
                        max: v + s,
                    }
                }
            }
        }
    }
}

/// The error of a lever's field.
fn lever_error(field: &str, value: Option<String>, rule: String) -> Error {
    Error::Field {
        file: "--vary".into(),
        path: field.to_string(),
        value,
        rule,
        at: None,
    }
}

/// An unknown or non-numeric field, with the closest numeric one.
fn unknown_field(model: &Model, field: &str, inputs: &[&crate::model::Input]) -> Error {
    let names: Vec<&str> = inputs.iter().map(|i| i.path.as_str()).collect();
    let hint = crate::model::suggest::did_you_mean(field, names.iter().copied())
        .map(|h| format!("; {h}"))
        .unwrap_or_default();
    let exists = raw_value(model, &[], field).is_some()
        || field.starts_with("model.")
        || field.ends_with(".credit_for")
        || field.ends_with(".noise_mode")
        || field.ends_with(".seasonal")
        || field.ends_with(".follows")
        || field.ends_with(".repeat")
        || field.ends_with(".each_month");
    let rule = if exists {
        format!("the field is not a number the solver can vary: it varies the model's inputs, the values `runway check MODEL` lists{hint}")
    } else {
        format!("the model has no numeric field `{field}`{hint} (`runway check MODEL` lists the numeric inputs)")
    };
    lever_error(field, None, rule)
}

/// The field as the model holds it: the last `--set` that names it, else
/// the scenario's value, else the file's.
fn raw_value(model: &Model, overrides: &[String], field: &str) -> Option<toml::Value> {
    let (key, leaf) = match TRIGGERS.iter().find(|s| field.ends_with(*s)) {
        Some(suffix) => (
            format!("{}.trigger", &field[..field.len() - suffix.len()]),
            Some(&suffix[".trigger.".len()..]),
        ),
        None => (field.to_string(), None),
    };
    let pick = |v: toml::Value| match leaf {
        Some(leaf) => v.get(leaf).cloned(),
        None => Some(v),
    };
    for text in overrides.iter().rev() {
        if let Some((path, value)) = text.split_once('=') {
            if path.trim() == key {
                let parsed = toml::from_str::<toml::Table>(&format!("v = {}", value.trim()))
                    .ok()
                    .and_then(|mut t| t.remove("v"))
                    .unwrap_or_else(|| toml::Value::String(value.trim().to_string()));
                return pick(parsed);
            }
        }
    }
    let table: toml::Table = toml::from_str(&model.source.text).ok()?;
    let walk = |root: &toml::Table, path: &str| -> Option<toml::Value> {
        let mut node = root;
        let keys: Vec<&str> = path.split('.').collect();
        for (i, k) in keys.iter().enumerate() {
            let v = node.get(*k)?;
            if i + 1 == keys.len() {
                return Some(v.clone());
            }
            node = v.as_table()?;
        }
        None
    };
    if let Some(name) = &model.scenario {
        let scenario = table
            .get("scenarios")
            .and_then(|s| s.get(name.as_str()))
            .and_then(|s| s.as_table());
        if let Some(v) = scenario.and_then(|s| walk(s, &key)) {
            return pick(v);
        }
    }
    walk(&table, &key).and_then(pick)
}

/// `raw` moved (shift) or stretched (scale) by `v`, family by family: the
/// parameters that locate or scale it change, the shape stays. An error
/// names what cannot be moved or scaled.
fn transform(raw: &toml::Value, mode: Mode, v: f64) -> std::result::Result<toml::Value, String> {
    let apply = |x: f64| if mode == Mode::Shift { x + v } else { x * v };
    let num = |x: &toml::Value| x.as_float().or_else(|| x.as_integer().map(|i| i as f64));
    match raw {
        toml::Value::Integer(_) | toml::Value::Float(_) => {
            Ok(toml::Value::Float(apply(num(raw).unwrap_or(0.0))))
        }
        toml::Value::String(_) => Err(
            "a month written YYYY-MM is a constant: vary it as it is (without --shift or --scale)"
                .into(),
        ),
        toml::Value::Table(t) => {
            let mut out = toml::Table::new();
            for (family, params) in t {
                if family == "truncate" {
                    let mut bounds = params.as_table().cloned().unwrap_or_default();
                    for (_, bound) in bounds.iter_mut() {
                        if let Some(x) = num(bound) {
                            *bound = toml::Value::Float(apply(x));
                        }
                    }
                    out.insert(family.clone(), toml::Value::Table(bounds));
                    continue;
                }
                let moved = family_params(family, params, mode, v)?;
                out.insert(family.clone(), moved);
            }
            Ok(toml::Value::Table(out))
        }
        _ => Err("the field holds no number or distribution".into()),
    }
}

/// The parameters of one family moved or scaled.
fn family_params(
    family: &str,
    params: &toml::Value,
    mode: Mode,
    v: f64,
) -> std::result::Result<toml::Value, String> {
    let shift = mode == Mode::Shift;
    if family == "between" {
        return Err(
            "a month drawn `between` two months cannot be moved; write it as a distribution over month numbers (e.g. { discrete_uniform = { min = 3, max = 9 } }) to shift it".into(),
        );
    }
    let kind = Kind::parse(family);
    let (location, scale) = kind.map_or((&[][..], &[][..]), |k| {
        (k.location_parameters(), k.scale_parameters())
    });
    let keys = if shift { location } else { scale };
    if keys.is_empty() {
        return Err(match (family, shift) {
            ("lognormal" | "gamma", true) => format!("a {family} has no location parameter, so it cannot be shifted; use --scale (every draw × v)"),
            (_, true) => format!("a {family} cannot be shifted"),
            ("discrete_uniform", false) => "a discrete_uniform draws whole numbers, so it cannot be scaled; use --shift by whole numbers".into(),
            _ => format!("a {family} cannot be scaled (its values are fixed)"),
        });
    }
    if shift && family == "discrete_uniform" && v != v.round() {
        return Err("a discrete_uniform draws whole numbers; shift it by whole numbers".into());
    }
    let mut table = params.as_table().cloned().unwrap_or_default();
    // A beta without a range is on [0, 1]: write the range to move it.
    if family == "beta" {
        table.entry("min").or_insert(toml::Value::Float(0.0));
        table.entry("max").or_insert(toml::Value::Float(1.0));
    }
    let apply = |x: f64| if shift { x + v } else { x * v };
    for key in keys {
        let Some(value) = table.get(*key).cloned() else {
            continue;
        };
        let moved = match &value {
            toml::Value::Array(items) => {
                toml::Value::Array(items.iter().map(|x| moved_item(x, &apply)).collect())
            }
            toml::Value::Integer(i) if family == "discrete_uniform" => {
                toml::Value::Integer(*i + v as i64)
            }
            other => match other
                .as_float()
                .or_else(|| other.as_integer().map(|i| i as f64))
            {
                Some(x) => toml::Value::Float(apply(x)),
                None => other.clone(),
            },
        };
        table.insert((*key).to_string(), moved);
    }
    Ok(toml::Value::Table(table))
}

/// One item of a listed parameter moved: a number (a `discrete` value), or
/// the value of a (probability, value) pair of `quantiles` (the
/// probability stays).
fn moved_item(item: &toml::Value, apply: &impl Fn(f64) -> f64) -> toml::Value {
    let num = |x: &toml::Value| x.as_float().or_else(|| x.as_integer().map(|i| i as f64));
    match item {
        toml::Value::Array(pair) if pair.len() == 2 => match num(&pair[1]) {
            Some(x) => toml::Value::Array(vec![pair[0].clone(), toml::Value::Float(apply(x))]),
            None => item.clone(),
        },
        _ => num(item).map_or(item.clone(), |x| toml::Value::Float(apply(x))),
    }
}

/// A TOML value on one line (inline tables), as `--set` takes it.
fn inline(value: &toml::Value) -> String {
    match value {
        toml::Value::Table(t) => {
            let parts: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{k} = {}", inline(v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        toml::Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", parts.join(", "))
        }
        toml::Value::Float(x) => number(*x),
        other => other.to_string(),
    }
}

/// A float as TOML writes it exactly (shortest round-trip form).
fn number(x: f64) -> String {
    let text = format!("{x:?}");
    if x.is_finite() {
        text
    } else {
        "nan".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> toml::Value {
        toml::from_str::<toml::Table>(&format!("v = {text}")).unwrap()["v"].clone()
    }

    #[test]
    fn a_shift_moves_the_location_parameters_and_the_truncation() {
        let raw = value("{ pert = { min = 0, mode = 1, max = 2 }, truncate = { min = 0.5 } }");
        let moved = transform(&raw, Mode::Shift, 1.5).unwrap();
        assert_eq!(
            inline(&moved),
            "{ pert = { min = 1.5, mode = 2.5, max = 3.5 }, truncate = { min = 2.0 } }"
        );
        let beta = transform(
            &value("{ beta = { alpha = 2, beta = 5 } }"),
            Mode::Shift,
            1.0,
        );
        assert_eq!(
            inline(&beta.unwrap()),
            "{ beta = { alpha = 2, beta = 5, min = 1.0, max = 2.0 } }"
        );
    }

    #[test]
    fn a_scale_stretches_the_scale_parameters_and_keeps_the_shape() {
        let normal = transform(
            &value("{ normal = { mean = 2, sd = 0.5 } }"),
            Mode::Scale,
            3.0,
        );
        assert_eq!(
            inline(&normal.unwrap()),
            "{ normal = { mean = 6.0, sd = 1.5 } }"
        );
        let gamma = transform(
            &value("{ gamma = { shape = 2, scale = 1.5 } }"),
            Mode::Scale,
            2.0,
        );
        assert_eq!(
            inline(&gamma.unwrap()),
            "{ gamma = { shape = 2, scale = 3.0 } }"
        );
    }

    #[test]
    fn families_without_a_location_or_a_scale_are_refused_in_words() {
        let lognormal = value("{ lognormal = { median = 5, log_sd = 0.2 } }");
        let error = transform(&lognormal, Mode::Shift, 1.0).unwrap_err();
        assert!(error.contains("no location parameter"), "{error}");
        let whole = value("{ discrete_uniform = { min = 1, max = 4 } }");
        assert!(transform(&whole, Mode::Scale, 2.0).is_err());
        assert!(transform(&whole, Mode::Shift, 0.5).is_err());
        let month = value("\"2024-03\"");
        assert!(transform(&month, Mode::Shift, 1.0).is_err());
    }

    #[test]
    fn quantile_inputs_move_their_values_and_keep_their_probabilities() {
        let metalog =
            value("{ metalog = { quantiles = [[0.1, 5], [0.5, 10], [0.9, 30]], min = 0 } }");
        assert_eq!(
            inline(&transform(&metalog, Mode::Scale, 2.0).unwrap()),
            "{ metalog = { quantiles = [[0.1, 10.0], [0.5, 20.0], [0.9, 60.0]], min = 0.0 } }"
        );
        assert_eq!(
            inline(&transform(&metalog, Mode::Shift, 1.0).unwrap()),
            "{ metalog = { quantiles = [[0.1, 6.0], [0.5, 11.0], [0.9, 31.0]], min = 1.0 } }"
        );
        let fitted = value("{ lognormal = { quantiles = [[0.05, 2], [0.95, 10]] } }");
        assert_eq!(
            inline(&transform(&fitted, Mode::Scale, 0.5).unwrap()),
            "{ lognormal = { quantiles = [[0.05, 1.0], [0.95, 5.0]] } }"
        );
        assert!(transform(&fitted, Mode::Shift, 1.0).is_err());
    }
}
