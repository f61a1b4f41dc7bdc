//! A number or a distribution table → a checked [`Dist`]: the family's
//! parameters by [`Kind`], then the optional `truncate`.

use super::quantiles::{fit_by_quantiles, metalog};
use super::values::{check_finite_values, describe_value};
use crate::dist::{
    Bernoulli, Beta, Constant, Discrete, DiscreteUniform, Dist, Gamma, Kind, LogNormal, Normal,
    Pert, Triangular, Uniform,
};
use std::fmt::Display;

/// The key of a distribution table's optional truncation.
pub(crate) const TRUNCATE: &str = "truncate";

/// The rule a value breaks, in words.
type Rule = String;

/// Parses a number or a distribution table. The error is the rule broken.
pub(crate) fn parse_dist(value: &toml::Value) -> Result<Dist, Rule> {
    let dist = parse_family(value)?;
    check_finite_values(&dist)?;
    Ok(dist)
}

/// A TOML integer or float as a number.
pub(super) fn number(value: &toml::Value) -> Option<f64> {
    match value {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn parse_family(value: &toml::Value) -> Result<Dist, Rule> {
    if let Some(x) = number(value) {
        return Dist::constant(x)
            .map_err(|_| format!("must be a finite number (|x| ≤ 1.8e308), got {x}"));
    }
    let table = match value {
        toml::Value::Table(t) => t,
        _ => {
            return Err(format!(
                "expected a number or a distribution such as {{ normal = {{ mean = 0, sd = 1 }} }}, got {}",
                describe_value(value)
            ))
        }
    };
    let name = family_name(table)?;
    let kind = Kind::parse(name);
    let params = table[name].as_table().ok_or_else(|| {
        format!(
            "`{name}` takes a table of parameters, e.g. {}",
            kind.unwrap_or(Kind::Constant).example()
        )
    })?;
    let kind = kind.ok_or_else(|| {
        let names = Kind::ALL.into_iter().map(Kind::name);
        match crate::model::suggest::did_you_mean(name, names) {
            Some(hint) => format!(
                "unknown distribution `{name}`; {hint} (known families: {})",
                Kind::listed()
            ),
            None => format!(
                "unknown distribution `{name}`; known families: {}",
                Kind::listed()
            ),
        }
    })?;
    let params = Params {
        kind,
        table: params,
    };
    params.allow_only_its_parameters()?;
    if params.kind != Kind::Metalog && params.has(QUANTILES) {
        let dist = fit_by_quantiles(&params)?;
        if table.contains_key(TRUNCATE) {
            return Err(format!(
                "`{name}` fitted to `quantiles` takes no `truncate`: truncating moves the fitted \
                 quantiles; for bounded quantiles use `metalog` with `min` and/or `max`"
            ));
        }
        return Ok(dist);
    }
    let dist = build(&params)?;
    truncate(dist, table.get(TRUNCATE))
}

/// The one family a distribution table names (besides `truncate`).
fn family_name(table: &toml::Table) -> Result<&str, Rule> {
    let families: Vec<&String> = table.keys().filter(|k| k.as_str() != TRUNCATE).collect();
    if families.len() != 1 {
        let found = if families.is_empty() {
            "none".to_string()
        } else {
            families
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(format!(
            "a distribution table names exactly one family ({}) and optionally `truncate`; found {found}",
            Kind::listed()
        ));
    }
    Ok(families[0].as_str())
}

/// The key of a list of (probability, value) pairs.
pub(super) const QUANTILES: &str = "quantiles";

/// A family's table of parameters.
pub(super) struct Params<'a> {
    pub(super) kind: Kind,
    pub(super) table: &'a toml::Table,
}

impl Params<'_> {
    pub(super) fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    /// An optional number.
    pub(super) fn get(&self, key: &str) -> Result<Option<f64>, Rule> {
        match self.table.get(key) {
            None => Ok(None),
            Some(v) => number(v).map(Some).ok_or_else(|| {
                format!(
                    "`{}.{key}` must be a number, got {}",
                    self.kind.name(),
                    describe_value(v)
                )
            }),
        }
    }

    /// A number the family needs.
    fn need(&self, key: &str) -> Result<f64, Rule> {
        self.get(key)?.ok_or_else(|| self.missing(key))
    }

    pub(super) fn missing(&self, key: &str) -> Rule {
        format!(
            "`{}` needs `{key}`, e.g. {}",
            self.kind.name(),
            self.kind.example()
        )
    }

    /// An optional list of numbers.
    fn list(&self, key: &str) -> Result<Option<Vec<f64>>, Rule> {
        let family = self.kind.name();
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::Array(a)) => a
                .iter()
                .map(|v| number(v).ok_or_else(|| format!("`{family}.{key}` must list numbers")))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(format!("`{family}.{key}` must be a list of numbers")),
        }
    }

    /// Refuses a key the family does not take.
    fn allow_only_its_parameters(&self) -> Result<(), Rule> {
        let keys = self.kind.parameters();
        for k in self.table.keys() {
            if !keys.contains(&k.as_str()) {
                let hint = crate::model::suggest::did_you_mean(k, keys.iter().copied())
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                return Err(format!(
                    "`{}` has no parameter `{k}`; it takes {}{hint}",
                    self.kind.name(),
                    keys.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// Refuses both ways of giving a family at once: `usual` (e.g. mean and
    /// sd) and p5 and p95. True when p5 or p95 is given.
    fn by_percentiles(&self, usual: [&str; 2]) -> Result<bool, Rule> {
        let by_percentiles = self.has("p5") || self.has("p95");
        if by_percentiles && usual.iter().any(|k| self.has(k)) {
            return Err(format!(
                "`{}` takes either {} and {}, or p5 and p95, not both",
                self.kind.name(),
                usual[0],
                usual[1]
            ));
        }
        Ok(by_percentiles)
    }

    /// A family's struct as a [`Dist`], or its error as the rule broken.
    pub(super) fn made<T: Into<Dist>, E: Display>(&self, law: Result<T, E>) -> Result<Dist, Rule> {
        law.map(Into::into)
            .map_err(|e| format!("{}: {e}", self.kind.name()))
    }
}

/// The family `p` names, from its parameters.
fn build(p: &Params) -> Result<Dist, Rule> {
    match p.kind {
        Kind::Constant => p.made(Constant::new(p.need("value")?)),
        Kind::Uniform => p.made(Uniform::new(p.need("min")?, p.need("max")?)),
        Kind::Normal => {
            if p.by_percentiles(["mean", "sd"])? {
                p.made(Normal::from_p5_p95(p.need("p5")?, p.need("p95")?))
            } else {
                p.made(Normal::new(p.need("mean")?, p.need("sd")?))
            }
        }
        Kind::LogNormal => {
            if p.by_percentiles(["median", "log_sd"])? {
                p.made(LogNormal::from_p5_p95(p.need("p5")?, p.need("p95")?))
            } else {
                p.made(LogNormal::new(p.need("median")?, p.need("log_sd")?))
            }
        }
        Kind::Triangular => p.made(Triangular::new(
            p.need("min")?,
            p.need("mode")?,
            p.need("max")?,
        )),
        Kind::Pert => p.made(Pert::new(
            p.need("min")?,
            p.need("mode")?,
            p.need("max")?,
            p.get("lambda")?.unwrap_or(4.0),
        )),
        Kind::Beta => p.made(Beta::new(
            p.need("alpha")?,
            p.need("beta")?,
            p.get("min")?.unwrap_or(0.0),
            p.get("max")?.unwrap_or(1.0),
        )),
        Kind::Gamma => p.made(Gamma::new(p.need("shape")?, p.need("scale")?)),
        Kind::Bernoulli => p.made(Bernoulli::new(p.need("p")?)),
        Kind::DiscreteUniform => p.made(DiscreteUniform::new(p.need("min")?, p.need("max")?)),
        Kind::Discrete => {
            let values = p.list("values")?.ok_or_else(|| p.missing("values"))?;
            let weights = p.list("weights")?;
            p.made(Discrete::new(&values, weights.as_deref()))
        }
        Kind::Metalog => metalog(p),
    }
}

/// `dist` truncated as `truncate = { min = .., max = .. }` says, if given.
fn truncate(dist: Dist, truncate: Option<&toml::Value>) -> Result<Dist, Rule> {
    match truncate {
        None => Ok(dist),
        Some(toml::Value::Table(t)) => {
            for k in t.keys() {
                if k != "min" && k != "max" {
                    return Err(format!("`truncate` takes `min` and/or `max`, not `{k}`"));
                }
            }
            let bound = |k: &str, default: f64| -> Result<f64, Rule> {
                match t.get(k) {
                    None => Ok(default),
                    Some(v) => number(v).ok_or_else(|| format!("`truncate.{k}` must be a number")),
                }
            };
            let lo = bound("min", f64::NEG_INFINITY)?;
            let hi = bound("max", f64::INFINITY)?;
            if !t.contains_key("min") && !t.contains_key("max") {
                return Err("`truncate` needs `min`, `max` or both".into());
            }
            dist.truncated(lo, hi).map_err(|e| e.to_string())
        }
        Some(_) => Err("`truncate` takes a table, e.g. truncate = { min = 0 }".into()),
    }
}
