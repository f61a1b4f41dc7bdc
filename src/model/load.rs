//! Reading a model: file → TOML table → scenario and overrides → checked model.

use super::schema::RawModel;
use super::span::{locate, Part};
use super::suggest::{did_you_mean, edit_distance};
use super::validate::{is_plan_key, render_value, validate, BETWEEN, TRUNCATE};
use super::words::user_words;
use super::Model;
use crate::dist::Kind;
use crate::error::{Error, Location, Result, Setting};
use std::path::Path;
use std::sync::Arc;

/// The built-in model: OpenAI, August 2023 to December 2024.
pub const BUILTIN_MODEL_TEXT: &str = include_str!("../../configs/openai_2024.toml");

/// How the built-in model is named in reports.
pub const BUILTIN_MODEL_NAME: &str = "configs/openai_2024.toml (built in)";

/// Where a model came from: a label for messages and the exact text.
#[derive(Debug, Clone)]
pub struct ModelSource {
    /// The file as the user named it, or the built-in label.
    pub label: String,
    /// The model file's text, byte for byte.
    pub text: Arc<str>,
}

/// What to change in the file before checking it.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// A scenario defined under `[scenarios.NAME]`.
    pub scenario: Option<String>,
    /// `FIELD=VALUE` overrides, applied after the scenario, in order.
    pub overrides: Vec<String>,
}

/// Reads and checks a model file.
pub fn load_file(path: &Path, options: &LoadOptions) -> Result<Model> {
    let label = path.display().to_string();
    if path.is_dir() {
        return Err(Error::ReadModel {
            file: label,
            source: std::io::Error::other("this is a folder; name a model file (.toml) inside it"),
        });
    }
    let bytes = std::fs::read(path).map_err(|source| Error::ReadModel {
        file: label.clone(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| Error::ReadModel {
        file: label.clone(),
        source: std::io::Error::other("the file is not UTF-8 text; a model file is TOML text"),
    })?;
    load_str(&text, &label, options)
}

/// Checks a model given as text; `label` names it in messages.
///
/// Every variant of the file is checked, not only the one selected: the
/// base model and each `[scenarios.NAME]` merged over it (with the same
/// overrides), so that a broken scenario is refused by every command before
/// anything is simulated. Checking is cheap next to any simulation.
pub fn load_str(text: &str, label: &str, options: &LoadOptions) -> Result<Model> {
    load_all(text, label, options).map_err(|e| with_location(e, text, label))
}

fn load_all(text: &str, label: &str, options: &LoadOptions) -> Result<Model> {
    let table: toml::Table = toml::from_str(text).map_err(|e| syntax_error(label, text, &e))?;
    if table.is_empty() {
        return Err(Error::Field {
            file: label.to_string(),
            path: "model".into(),
            value: None,
            rule: "the file holds no settings; a model needs at least [model] and [cash] sections (see configs/startup_seed.toml)".into(),
            at: None,
        });
    }
    let model = load_variant(table.clone(), text, label, options)?;
    let mut others: Vec<Option<String>> = vec![None];
    if let Some(scenarios) = table.get("scenarios").and_then(|s| s.as_table()) {
        others.extend(scenarios.keys().cloned().map(Some));
    }
    for scenario in others {
        if scenario == options.scenario {
            continue;
        }
        let variant = LoadOptions {
            scenario: scenario.clone(),
            overrides: options.overrides.clone(),
        };
        load_variant(table.clone(), text, label, &variant).map_err(|e| match (e, &scenario) {
            // A rule broken only in this scenario: name it.
            (
                Error::Field {
                    file,
                    path,
                    value,
                    rule,
                    at,
                },
                Some(name),
            ) if file == label => Error::Field {
                file: format!("{label} [scenarios.{name}]"),
                path,
                value,
                rule,
                at,
            },
            (e, _) => e,
        })?;
    }
    Ok(model)
}

/// The error with the place in the file where its field is written: in
/// the scenario that set it (when it names one), else in the base model.
/// A field set by `--set` has no place in the file.
fn with_location(e: Error, text: &str, label: &str) -> Error {
    let Error::Field {
        file,
        path,
        value,
        rule,
        at: None,
    } = e
    else {
        return e;
    };
    let part = if rule.starts_with("unknown field") || rule.contains("has no such section") {
        Part::Key
    } else {
        Part::Value
    };
    let scenario = file
        .strip_prefix(label)
        .and_then(|rest| rest.strip_prefix(" [scenarios."))
        .and_then(|rest| rest.strip_suffix(']'));
    let mut tries: Vec<String> = Vec::new();
    if let Some(name) = scenario {
        tries.push(format!("scenarios.\"{name}\".{path}"));
    }
    if file == label || scenario.is_some() {
        tries.push(path.clone());
    }
    let found: Vec<_> = tries.iter().filter_map(|p| locate(text, p, part)).collect();
    let at = found
        .iter()
        .find(|f| f.exact)
        .or(found.first())
        .map(|f| Box::new(Location::of_span(label, text, f.span.clone())));
    Error::Field {
        file,
        path,
        value,
        rule,
        at,
    }
}

/// Checks one variant of the model: the base with `options` applied.
fn load_variant(
    mut table: toml::Table,
    text: &str,
    label: &str,
    options: &LoadOptions,
) -> Result<Model> {
    if table.is_empty() {
        return Err(Error::Field {
            file: label.to_string(),
            path: "model".into(),
            value: None,
            rule: "the file holds no settings; a model needs at least [model] and [cash] sections (see configs/startup_seed.toml)".into(),
            at: None,
        });
    }
    // Which fields were changed, and by what, so that an error in a changed
    // field blames the scenario or the --set that wrote it, not the file.
    let mut origins: Vec<(String, String)> = Vec::new();
    let scenario = options.scenario.clone();
    if let Some(name) = &scenario {
        for path in apply_scenario(&mut table, name, label)? {
            origins.push((path, format!("{label} [scenarios.{name}]")));
        }
    }
    for text in &options.overrides {
        let path = apply_override(&mut table, text)?;
        origins.push((path, format!("--set {text}")));
    }
    let blame = |e: Error| match e {
        Error::Field {
            file,
            path,
            value,
            rule,
            at,
        } => {
            let origin = origins
                .iter()
                .rev()
                .find(|(changed, _)| {
                    path == *changed
                        || path.starts_with(&format!("{changed}."))
                        || path.starts_with(&format!("{changed}["))
                })
                .map(|(_, origin)| origin.clone());
            Error::Field {
                file: origin.unwrap_or(file),
                path,
                value,
                rule,
                at,
            }
        }
        other => other,
    };
    let raw: RawModel = serde_path_to_error::deserialize(toml::Value::Table(table))
        .map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            Error::Field {
                file: label.to_string(),
                path: if path == "." {
                    "(top level)".into()
                } else {
                    path
                },
                value: None,
                rule: user_words(inner.message().trim()),
                at: None,
            }
        })
        .map_err(blame)?;
    let source = ModelSource {
        label: label.to_string(),
        text: Arc::from(text),
    };
    validate(raw, source, scenario).map_err(blame)
}

fn syntax_error(label: &str, text: &str, e: &toml::de::Error) -> Error {
    let at = e.span().map(|span| Location::of_span(label, text, span));
    Error::Syntax {
        file: label.to_string(),
        line: at.as_ref().map_or(1, |a| a.line),
        column: at.as_ref().map_or(1, |a| a.column),
        message: {
            let message = e.message().trim();
            if message.contains("floating-point number") {
                format!("{message} (numbers must be finite, |x| ≤ 1.8e308)")
            } else {
                message.to_string()
            }
        },
        at: at.map(Box::new),
    }
}

/// Whether `key` marks a TOML table as a value (a distribution, a
/// truncation or a month drawn `between` two) rather than a section.
fn is_value_key(key: &str) -> bool {
    Kind::parse(key).is_some() || key == TRUNCATE || key == BETWEEN || is_plan_key(key)
}

fn is_value(v: &toml::Value) -> bool {
    match v {
        toml::Value::Table(t) => is_value_table(t),
        _ => true,
    }
}

fn is_value_table(t: &toml::Table) -> bool {
    t.keys().any(|k| is_value_key(k))
}

/// Applies `[scenarios.NAME]`; returns the dotted paths of the values it set.
fn apply_scenario(table: &mut toml::Table, name: &str, label: &str) -> Result<Vec<String>> {
    let scenarios = table
        .get("scenarios")
        .and_then(|s| s.as_table())
        .cloned()
        .unwrap_or_default();
    let Some(overlay) = scenarios.get(name) else {
        let known: Vec<String> = scenarios.keys().map(|k| format!("`{k}`")).collect();
        let known = if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        };
        let rule = match did_you_mean(name, scenarios.keys().map(String::as_str)) {
            Some(hint) => {
                format!("{label} has no scenario named `{name}`; {hint} (the file defines {known})")
            }
            None => format!("{label} has no scenario named `{name}`; the file defines {known}"),
        };
        return Err(Error::Setting {
            setting: Setting::Scenario,
            value: Some(name.to_string()),
            rule,
        });
    };
    let Some(overlay) = overlay.as_table() else {
        return Err(Error::Field {
            file: label.to_string(),
            path: format!("scenarios.{name}"),
            value: Some(render_value(overlay)),
            rule: "a scenario is a table of fields to override".into(),
            at: None,
        });
    };
    let mut overlay = overlay.clone();
    overlay.remove("description");
    if overlay.contains_key("scenarios") {
        return Err(Error::Field {
            file: label.to_string(),
            path: format!("scenarios.{name}.scenarios"),
            value: None,
            rule: "a scenario cannot define scenarios".into(),
            at: None,
        });
    }
    let mut changed = Vec::new();
    merge(table, &overlay, "", &mut changed).map_err(|(path, known)| {
        let last = path.rsplit('.').next().unwrap_or(&path);
        let hint = did_you_mean(last, known.iter().map(String::as_str))
            .map(|h| format!("{h} "))
            .unwrap_or_default();
        Error::Field {
            file: format!("{label} [scenarios.{name}]"),
            path: path.clone(),
            value: None,
            rule: format!(
                "the model has no such section, so the scenario would add a new one instead of changing it; {hint}at that level the model has: {}",
                if known.is_empty() { "nothing".to_string() } else { known.join(", ") }
            ),
            at: None,
        }
    })?;
    Ok(changed)
}

/// Deep-merges `overlay` into `base`: sections merge key by key, values
/// (numbers, strings, distribution tables) replace what was there. A section
/// the base lacks is refused (it would be a misspelt name silently added):
/// the error carries its path and the keys that do exist there.
fn merge(
    base: &mut toml::Table,
    overlay: &toml::Table,
    prefix: &str,
    changed: &mut Vec<String>,
) -> std::result::Result<(), (String, Vec<String>)> {
    for (key, value) in overlay {
        let here = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let overlay_is_section = matches!(value, toml::Value::Table(_)) && !is_value(value);
        match base.get_mut(key) {
            Some(toml::Value::Table(b)) if overlay_is_section && !is_value_table(b) => {
                if let toml::Value::Table(o) = value {
                    merge(b, o, &here, changed)?;
                }
            }
            // A whole credit line, loan or covenant is a what-if a scenario
            // may add (it must then be complete: `kind` and its fields).
            None if overlay_is_section && !adds_debt(prefix, key) => {
                return Err((here, base.keys().cloned().collect()))
            }
            _ => {
                base.insert(key.clone(), value.clone());
                changed.push(here);
            }
        }
    }
    Ok(())
}

/// Whether a scenario's new section `key` under `prefix` is a `[debt]` or
/// `[covenants]` section, or a named entry of one.
fn adds_debt(prefix: &str, key: &str) -> bool {
    let sections = ["debt", "covenants"];
    (prefix.is_empty() && sections.contains(&key)) || sections.contains(&prefix)
}

/// Every field path a `--set` may name in this model.
pub fn valid_paths(table: &toml::Table) -> Vec<String> {
    use super::schema::fields;
    let mut out: Vec<String> = fields::model()
        .iter()
        .map(|f| format!("model.{f}"))
        .collect();
    out.extend(fields::cash().iter().map(|f| format!("cash.{f}")));
    let names = |path: &[&str]| -> Vec<String> {
        let mut node = Some(table);
        for key in path {
            node = node.and_then(|t| t.get(*key)).and_then(|v| v.as_table());
        }
        node.map(|t| t.keys().cloned().collect())
            .unwrap_or_default()
    };
    for (section, list) in [
        (&["cash", "tranches"][..], fields::tranche()),
        (&["costs"][..], fields::cost()),
        (&["revenue"][..], fields::revenue()),
        (&["funding"][..], fields::funding()),
        (&["shocks"][..], fields::shock()),
        (&["flows"][..], fields::flow()),
        (&["debt"][..], fields::debt()),
        (&["covenants"][..], fields::covenant()),
    ] {
        for name in names(section) {
            out.extend(
                list.iter()
                    .map(|f| format!("{}.{name}.{f}", section.join("."))),
            );
        }
    }
    out
}

/// The three valid paths closest to `path` (by edit distance).
pub fn closest_paths(table: &toml::Table, path: &str) -> Vec<String> {
    let mut scored: Vec<(usize, String)> = valid_paths(table)
        .into_iter()
        .map(|p| (edit_distance(path, &p), p))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, p)| p).collect()
}

/// Applies one `FIELD=VALUE` override to the table; returns FIELD.
fn apply_override(table: &mut toml::Table, text: &str) -> Result<String> {
    let usage = |rule: String| Error::Field {
        file: "--set".into(),
        path: text.to_string(),
        value: None,
        rule,
        at: None,
    };
    let Some((path, value_text)) = text.split_once('=') else {
        return Err(usage(
            "write an override as FIELD=VALUE, e.g. funding.microsoft.probability=0".into(),
        ));
    };
    let path = path.trim();
    let value_text = value_text.trim();
    if path.is_empty() || value_text.is_empty() {
        return Err(usage(
            "write an override as FIELD=VALUE, e.g. funding.microsoft.probability=0".into(),
        ));
    }
    let out_of_range = value_text.parse::<f64>().is_ok_and(|x| !x.is_finite())
        && !value_text
            .trim_start_matches(['+', '-'])
            .eq_ignore_ascii_case("inf")
        && !value_text
            .trim_start_matches(['+', '-'])
            .eq_ignore_ascii_case("nan");
    if out_of_range {
        return Err(Error::Field {
            file: "--set".into(),
            path: path.to_string(),
            value: Some(value_text.to_string()),
            rule: "the number is out of range: finite numbers only, |x| ≤ 1.8e308".into(),
            at: None,
        });
    }
    let value = match toml::from_str::<toml::Table>(&format!("v = {value_text}")) {
        Ok(mut t) => t.remove("v").expect("parsed key"),
        Err(_) if !value_text.contains(['{', '[', '"', '=']) => {
            toml::Value::String(value_text.to_string())
        }
        Err(e) => {
            return Err(Error::Field {
                file: "--set".into(),
                path: path.to_string(),
                value: Some(value_text.to_string()),
                rule: format!("the value is not valid TOML: {}", e.message().trim()),
                at: None,
            })
        }
    };
    let valid = valid_paths(table);
    let is_valid = valid.iter().any(|v| v == path);
    if !is_valid {
        let near = closest_paths(table, path);
        let listed = near
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let rule = match did_you_mean(path, valid.iter().map(String::as_str)) {
            Some(hint) => format!(
                "the model has no field `{path}`; {hint} (the closest valid paths are {listed}; `runway check MODEL` lists the inputs)"
            ),
            None => format!(
                "the model has no field `{path}`; the closest valid paths are {listed} (`runway check MODEL` lists the inputs)"
            ),
        };
        return Err(Error::Field {
            file: "--set".into(),
            path: path.to_string(),
            value: Some(value_text.to_string()),
            rule,
            at: None,
        });
    }
    let keys: Vec<&str> = path.split('.').collect();
    let mut node = table;
    for (i, key) in keys.iter().enumerate() {
        let so_far = keys[..=i].join(".");
        if i + 1 == keys.len() {
            node.insert((*key).to_string(), value);
            return Ok(path.to_string());
        }
        let known: Vec<String> = node.keys().cloned().collect();
        match node.get_mut(*key) {
            Some(toml::Value::Table(t)) if !is_value_table(t) => node = t,
            Some(_) => {
                return Err(Error::Field {
                    file: "--set".into(),
                    path: path.to_string(),
                    value: Some(value_text.to_string()),
                    rule: format!("`{so_far}` is a value, not a section; set `{so_far}` itself"),
                    at: None,
                })
            }
            None => {
                return Err(Error::Field {
                    file: "--set".into(),
                    path: path.to_string(),
                    value: Some(value_text.to_string()),
                    rule: format!(
                        "the model has no section `{so_far}`; at that level it has: {}",
                        if known.is_empty() {
                            "nothing".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                    at: None,
                })
            }
        }
    }
    Ok(path.to_string())
}
