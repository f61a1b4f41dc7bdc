//! Distributions given by quantiles: `metalog`, and the `quantiles` fit
//! of the other continuous families.

use super::family::{number, Params, QUANTILES};
use super::values::describe_value;
use crate::dist::{fit_quantiles, Dist, Kind};

/// The rule a value breaks, in words.
type Rule = String;

/// The `quantiles` list: [probability, value] pairs.
fn pairs(p: &Params) -> Result<Vec<(f64, f64)>, Rule> {
    let family = p.kind.name();
    let shape = format!(
        "`{family}.quantiles` must be a list of [probability, value] pairs, e.g. [[0.1, 5], [0.5, 10], [0.9, 30]]"
    );
    let list = match p.table.get(QUANTILES) {
        None => return Err(p.missing(QUANTILES)),
        Some(toml::Value::Array(list)) => list,
        Some(other) => return Err(format!("{shape}; got {}", describe_value(other))),
    };
    list.iter()
        .enumerate()
        .map(|(i, entry)| match entry {
            toml::Value::Array(pair) if pair.len() == 2 => {
                match (number(&pair[0]), number(&pair[1])) {
                    (Some(prob), Some(value)) => Ok((prob, value)),
                    _ => Err(format!(
                        "{shape}; entry {i} holds something other than numbers"
                    )),
                }
            }
            other => Err(format!("{shape}; entry {i} is {}", describe_value(other))),
        })
        .collect()
}

/// `{ metalog = { quantiles = .., min = .., max = .., terms = .. } }`.
pub(super) fn metalog(p: &Params) -> Result<Dist, Rule> {
    let quantiles = pairs(p)?;
    let terms = match p.get("terms")? {
        None => None,
        Some(t) if t == t.trunc() && (0.0..=1e6).contains(&t) => Some(t as usize),
        Some(t) => {
            return Err(format!(
                "`metalog.terms` must be a whole number from 2 to the number of quantiles, got {t}"
            ))
        }
    };
    let (min, max) = (p.get("min")?, p.get("max")?);
    p.made(Dist::metalog(&quantiles, min, max, terms))
}

/// A family other than metalog fitted to its `quantiles`: only beta's
/// `min` and `max` (its fixed range) may come with them.
pub(super) fn fit_by_quantiles(p: &Params) -> Result<Dist, Rule> {
    let with = |key: &str| p.kind == Kind::Beta && (key == "min" || key == "max");
    if let Some(other) = p.table.keys().find(|k| *k != QUANTILES && !with(k)) {
        return Err(format!(
            "`{}` takes either `quantiles` or its parameters, not both (found `{other}`)",
            p.kind.name()
        ));
    }
    let quantiles = pairs(p)?;
    let (min, max) = (p.get("min")?, p.get("max")?);
    p.made(fit_quantiles(p.kind, &quantiles, min, max))
}
