//! Raw model → checked [`Model`]: every rule, with the field path in the error.

use super::schema::*;
use super::{
    Correlation, CostLine, Flow, Inflow, Input, Model, ModelSource, Month, Noise, NoiseMode,
    RevenueLine, Sampling, Shock, Timing, TriggerCondition, MAX_MONTHS,
};
use crate::dist::{Dist, ParamError};
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

/// Names of the distribution families, for error messages.
const FAMILIES: &str = "uniform, normal, lognormal, triangular, pert, beta, gamma, bernoulli, discrete_uniform, discrete";

struct Checker<'a> {
    file: &'a str,
    start: Month,
    months: u32,
}

impl<'a> Checker<'a> {
    fn err(&self, path: &str, value: Option<&toml::Value>, rule: impl Into<String>) -> Error {
        Error::Field {
            file: self.file.to_string(),
            path: path.to_string(),
            value: value.map(render_value),
            rule: rule.into(),
        }
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
                    crate::dist::fmt_num(lo),
                    crate::dist::fmt_num(hi)
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

    /// A month: `"YYYY-MM"`, `{ between = ["YYYY-MM", "YYYY-MM"] }`, or a
    /// distribution over month numbers (1 = the first simulated month).
    fn month_input(&self, path: &str, value: &toml::Value) -> Result<Input> {
        let dist = match value {
            toml::Value::String(s) => {
                let n = self.month_number(path, value, s)?;
                Dist::constant(f64::from(n)).expect("finite")
            }
            toml::Value::Table(t) if t.contains_key("between") => {
                let bad = || {
                    self.err(
                        path,
                        Some(value),
                        "`between` takes two months, e.g. { between = [\"2023-10\", \"2024-06\"] }",
                    )
                };
                if t.len() != 1 {
                    return Err(bad());
                }
                let arr = t["between"].as_array().ok_or_else(bad)?;
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
                Dist::discrete_uniform(f64::from(a), f64::from(b))
                    .expect("checked whole month numbers")
            }
            _ => self.dist(path, value)?,
        };
        Ok(Input {
            path: path.to_string(),
            dist,
        })
    }

    /// Month number of `YYYY-MM` (1 = start); must lie inside the model's range.
    fn month_number(&self, path: &str, value: &toml::Value, text: &str) -> Result<i32> {
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

    fn range(
        &self,
        path: &str,
        from: Option<&String>,
        until: Option<&String>,
    ) -> Result<(u32, u32)> {
        let first = match from {
            Some(s) => {
                self.month_number(&format!("{path}.from"), &toml::Value::String(s.clone()), s)?
                    as u32
            }
            None => 1,
        };
        let last = match until {
            Some(s) => {
                self.month_number(&format!("{path}.until"), &toml::Value::String(s.clone()), s)?
                    as u32
            }
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
}

/// Parses a number or a distribution table. The error is the rule broken.
pub(crate) fn parse_dist(value: &toml::Value) -> std::result::Result<Dist, String> {
    let dist = parse_family(value)?;
    check_finite_values(&dist)?;
    Ok(dist)
}

/// The one rule for every family: the numbers runway computes from a
/// distribution (its mean and standard deviation, and the 5th, 50th and 95th
/// percentiles `check` lists) must be finite, or draws and reports would
/// overflow to inf or NaN.
fn check_finite_values(dist: &Dist) -> std::result::Result<(), String> {
    if dist.as_constant().is_some() {
        return Ok(());
    }
    let values = [
        ("mean", dist.mean()),
        ("standard deviation", dist.sd()),
        ("5th percentile", Some(dist.quantile(0.05))),
        ("median", Some(dist.quantile(0.5))),
        ("95th percentile", Some(dist.quantile(0.95))),
    ];
    for (what, value) in values {
        match value {
            Some(x) if x.is_nan() => {
                return Err(format!(
                    "its values overflow: the {what} cannot be computed (the numbers pass 1.8e308); amounts must stay finite"
                ))
            }
            Some(x) if x.is_infinite() => {
                return Err(format!(
                    "its values overflow: the {what} is beyond {}1.8e308; amounts must stay finite",
                    if x < 0.0 { "-" } else { "" }
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// A value's kind in the user's words, for "got ..." in messages.
pub(crate) fn describe_value(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("text \"{s}\""),
        toml::Value::Integer(i) => format!("the number {i}"),
        toml::Value::Float(x) => format!("the number {x}"),
        toml::Value::Boolean(b) => format!("{b} (true or false)"),
        toml::Value::Datetime(d) => format!("the date {d}"),
        toml::Value::Array(_) => "a list".into(),
        toml::Value::Table(_) => "a table".into(),
    }
}

fn parse_family(value: &toml::Value) -> std::result::Result<Dist, String> {
    let number = |v: &toml::Value| -> Option<f64> {
        match v {
            toml::Value::Integer(i) => Some(*i as f64),
            toml::Value::Float(f) => Some(*f),
            _ => None,
        }
    };
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
    let families: Vec<&String> = table.keys().filter(|k| k.as_str() != "truncate").collect();
    if families.len() != 1 {
        return Err(format!(
            "a distribution table names exactly one family ({FAMILIES}) and optionally `truncate`; found {}",
            if families.is_empty() { "none".to_string() } else { families.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ") }
        ));
    }
    let family = families[0].as_str();
    let params = table[family].as_table().ok_or_else(|| {
        format!(
            "`{family}` takes a table of parameters, e.g. {}",
            example(family)
        )
    })?;
    let get = |key: &str| -> std::result::Result<Option<f64>, String> {
        match params.get(key) {
            None => Ok(None),
            Some(v) => number(v).map(Some).ok_or_else(|| {
                format!(
                    "`{family}.{key}` must be a number, got {}",
                    describe_value(v)
                )
            }),
        }
    };
    let need = |key: &str| -> std::result::Result<f64, String> {
        get(key)?.ok_or_else(|| format!("`{family}` needs `{key}`, e.g. {}", example(family)))
    };
    let allow = |keys: &[&str]| -> std::result::Result<(), String> {
        for k in params.keys() {
            if !keys.contains(&k.as_str()) {
                return Err(format!(
                    "`{family}` has no parameter `{k}`; it takes {}",
                    keys.join(", ")
                ));
            }
        }
        Ok(())
    };
    let pe = |e: ParamError| format!("{family}: {e}");
    let dist = match family {
        "constant" => {
            allow(&["value"])?;
            Dist::constant(need("value")?).map_err(pe)?
        }
        "uniform" => {
            allow(&["min", "max"])?;
            Dist::uniform(need("min")?, need("max")?).map_err(pe)?
        }
        "normal" => {
            allow(&["mean", "sd", "p5", "p95"])?;
            if params.contains_key("p5") || params.contains_key("p95") {
                if params.contains_key("mean") || params.contains_key("sd") {
                    return Err("`normal` takes either mean and sd, or p5 and p95, not both".into());
                }
                Dist::normal_from_p5_p95(need("p5")?, need("p95")?).map_err(pe)?
            } else {
                Dist::normal(need("mean")?, need("sd")?).map_err(pe)?
            }
        }
        "lognormal" => {
            allow(&["median", "log_sd", "p5", "p95"])?;
            if params.contains_key("p5") || params.contains_key("p95") {
                if params.contains_key("median") || params.contains_key("log_sd") {
                    return Err(
                        "`lognormal` takes either median and log_sd, or p5 and p95, not both"
                            .into(),
                    );
                }
                Dist::lognormal_from_p5_p95(need("p5")?, need("p95")?).map_err(pe)?
            } else {
                Dist::lognormal(need("median")?, need("log_sd")?).map_err(pe)?
            }
        }
        "triangular" => {
            allow(&["min", "mode", "max"])?;
            Dist::triangular(need("min")?, need("mode")?, need("max")?).map_err(pe)?
        }
        "pert" => {
            allow(&["min", "mode", "max", "lambda"])?;
            Dist::pert(
                need("min")?,
                need("mode")?,
                need("max")?,
                get("lambda")?.unwrap_or(4.0),
            )
            .map_err(pe)?
        }
        "beta" => {
            allow(&["alpha", "beta", "min", "max"])?;
            Dist::scaled_beta(
                need("alpha")?,
                need("beta")?,
                get("min")?.unwrap_or(0.0),
                get("max")?.unwrap_or(1.0),
            )
            .map_err(pe)?
        }
        "gamma" => {
            allow(&["shape", "scale"])?;
            Dist::gamma(need("shape")?, need("scale")?).map_err(pe)?
        }
        "bernoulli" => {
            allow(&["p"])?;
            Dist::bernoulli(need("p")?).map_err(pe)?
        }
        "discrete_uniform" => {
            allow(&["min", "max"])?;
            Dist::discrete_uniform(need("min")?, need("max")?).map_err(pe)?
        }
        "discrete" => {
            allow(&["values", "weights"])?;
            let list = |key: &str| -> std::result::Result<Option<Vec<f64>>, String> {
                match params.get(key) {
                    None => Ok(None),
                    Some(toml::Value::Array(a)) => a
                        .iter()
                        .map(|v| {
                            number(v).ok_or_else(|| format!("`discrete.{key}` must list numbers"))
                        })
                        .collect::<std::result::Result<Vec<_>, _>>()
                        .map(Some),
                    Some(_) => Err(format!("`discrete.{key}` must be a list of numbers")),
                }
            };
            let values = list("values")?.ok_or("`discrete` needs `values`, e.g. { discrete = { values = [0, 1], weights = [3, 1] } }")?;
            let weights = list("weights")?;
            Dist::discrete(&values, weights.as_deref()).map_err(pe)?
        }
        other => {
            return Err(format!(
                "unknown distribution `{other}`; known families: {FAMILIES}"
            ));
        }
    };
    match table.get("truncate") {
        None => Ok(dist),
        Some(toml::Value::Table(t)) => {
            for k in t.keys() {
                if k != "min" && k != "max" {
                    return Err(format!("`truncate` takes `min` and/or `max`, not `{k}`"));
                }
            }
            let bound = |k: &str, default: f64| -> std::result::Result<f64, String> {
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
            dist.truncated(lo, hi).map_err(|e| e.0)
        }
        Some(_) => Err("`truncate` takes a table, e.g. truncate = { min = 0 }".into()),
    }
}

fn example(family: &str) -> &'static str {
    match family {
        "uniform" => "{ uniform = { min = 2, max = 6 } }",
        "normal" => "{ normal = { mean = 0.05, sd = 0.03 } }",
        "lognormal" => "{ lognormal = { median = 350, log_sd = 0.2 } }",
        "triangular" => "{ triangular = { min = 0, mode = 0.3, max = 0.7 } }",
        "pert" => "{ pert = { min = 0, mode = 0.3, max = 0.7 } }",
        "beta" => "{ beta = { alpha = 2, beta = 5 } }",
        "gamma" => "{ gamma = { shape = 2, scale = 1.5 } }",
        "bernoulli" => "{ bernoulli = { p = 0.3 } }",
        "discrete_uniform" => "{ discrete_uniform = { min = 1, max = 17 } }",
        "discrete" => "{ discrete = { values = [0, 1], weights = [3, 1] } }",
        _ => "{ constant = { value = 1 } }",
    }
}

/// Renders a TOML value on one line for error messages.
pub(crate) fn render_value(value: &toml::Value) -> String {
    match value {
        toml::Value::Table(t) => {
            let inner: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{k} = {}", render_value(v)))
                .collect();
            format!("{{ {} }}", inner.join(", "))
        }
        toml::Value::Array(a) => format!(
            "[{}]",
            a.iter().map(render_value).collect::<Vec<_>>().join(", ")
        ),
        toml::Value::Float(x)
            if x.is_finite() && (x.abs() >= 1e16 || (x.abs() < 1e-6 && *x != 0.0)) =>
        {
            format!("{x:e}")
        }
        other => other.to_string(),
    }
}

fn index_of<T>(map: &IndexMap<String, T>, name: &str) -> Option<usize> {
    map.get_index_of(name)
}

/// Checks a raw model and builds the typed [`Model`].
pub(crate) fn validate(
    raw: RawModel,
    source: ModelSource,
    scenario: Option<String>,
) -> Result<Model> {
    let file = source.label.clone();
    let field = |path: &str, value: Option<toml::Value>, rule: String| Error::Field {
        file: file.clone(),
        path: path.to_string(),
        value: value.as_ref().map(render_value),
        rule,
    };
    let start = Month::parse(&raw.model.start).ok_or_else(|| {
        field(
            "model.start",
            Some(toml::Value::String(raw.model.start.clone())),
            "a month is written YYYY-MM, e.g. \"2023-08\"".into(),
        )
    })?;
    let horizon = Month::parse(&raw.model.horizon).ok_or_else(|| {
        field(
            "model.horizon",
            Some(toml::Value::String(raw.model.horizon.clone())),
            "a month is written YYYY-MM, e.g. \"2024-12\"".into(),
        )
    })?;
    if horizon < start {
        return Err(field(
            "model.horizon",
            Some(toml::Value::String(raw.model.horizon.clone())),
            format!("the horizon must not be before the start ({start})"),
        ));
    }
    let months = (horizon.months_since(start) + 1) as u32;
    if months > MAX_MONTHS {
        return Err(field(
            "model.horizon",
            Some(toml::Value::String(raw.model.horizon.clone())),
            format!("the model spans {months} months; at most {MAX_MONTHS} (50 years) are allowed"),
        ));
    }
    if raw.model.unit.trim().is_empty() {
        return Err(field(
            "model.unit",
            None,
            "name the money unit, e.g. \"USD millions\"".into(),
        ));
    }
    let c = Checker {
        file: &file,
        start,
        months,
    };

    let initial_cash = c.input("cash.initial", &raw.cash.initial, Domain::Any)?;
    let floor = match &raw.cash.floor {
        None => 0.0,
        Some(v) => {
            let d = c.dist("cash.floor", v)?;
            d.as_constant().ok_or_else(|| {
                c.err(
                    "cash.floor",
                    Some(v),
                    "the insolvency floor must be a plain number",
                )
            })?
        }
    };

    let check_name = |kind: &str, name: &str| -> Result<()> {
        let ok = !name.is_empty()
            && name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
        if ok {
            Ok(())
        } else {
            Err(field(
                &format!("{kind}.{name}"),
                None,
                "names may use letters, digits, `_` and `-` only".into(),
            ))
        }
    };

    let mut revenues = Vec::new();
    for (name, r) in &raw.revenue {
        check_name("revenue", name)?;
        let p = format!("revenue.{name}");
        let (level, arpu) = match (&r.monthly, &r.users, &r.arpu) {
            (Some(m), None, None) => (
                c.input(&format!("{p}.monthly"), m, Domain::NonNegative)?,
                None,
            ),
            (None, Some(u), Some(a)) => (
                c.input(&format!("{p}.users"), u, Domain::NonNegative)?,
                Some(c.input(&format!("{p}.arpu"), a, Domain::NonNegative)?),
            ),
            (None, Some(_), None) => {
                return Err(field(
                    &format!("{p}.arpu"),
                    None,
                    "a user-driven line needs `arpu` (revenue per user per month)".into(),
                ))
            }
            (None, None, Some(_)) => {
                return Err(field(
                    &format!("{p}.users"),
                    None,
                    "a line with `arpu` needs `users` (users at the start)".into(),
                ))
            }
            (None, None, None) => {
                return Err(field(
                    &p,
                    None,
                    "a revenue line needs either `monthly` (an amount) or `users` and `arpu`"
                        .into(),
                ))
            }
            (Some(_), _, _) => {
                return Err(field(
                    &p,
                    None,
                    "a revenue line takes either `monthly` or `users` and `arpu`, not both".into(),
                ))
            }
        };
        let mut seasonal = [1.0; 12];
        if let Some(list) = &r.seasonal {
            if list.len() != 12 {
                return Err(field(
                    &format!("{p}.seasonal"),
                    None,
                    format!("give 12 factors, January to December; got {}", list.len()),
                ));
            }
            for (i, v) in list.iter().enumerate() {
                let path = format!("{p}.seasonal[{i}]");
                let d = c.dist(&path, v)?;
                let x = d
                    .as_constant()
                    .ok_or_else(|| c.err(&path, Some(v), "seasonal factors are plain numbers"))?;
                if !(x >= 0.0) {
                    return Err(c.err(&path, Some(v), "seasonal factors must not be negative"));
                }
                seasonal[i] = x;
            }
        }
        let first_month = c.range(&p, r.from.as_ref(), None)?.0;
        revenues.push(RevenueLine {
            name: name.clone(),
            level,
            arpu,
            growth: c.optional(&format!("{p}.growth"), r.growth.as_ref(), 0.0, Domain::Any)?,
            churn: c.optional(
                &format!("{p}.churn"),
                r.churn.as_ref(),
                0.0,
                Domain::Probability,
            )?,
            noise: c.noise(&p, r.noise.as_ref(), r.noise_mode.as_ref())?,
            seasonal,
            first_month,
        });
        if r.noise.is_none() && r.noise_mode.is_some() {
            return Err(field(
                &format!("{p}.noise_mode"),
                None,
                "`noise_mode` needs `noise`".into(),
            ));
        }
    }

    let mut costs = Vec::new();
    for (name, k) in &raw.costs {
        check_name("costs", name)?;
        let p = format!("costs.{name}");
        let follows = match &k.follows {
            None => None,
            Some(target) => Some(index_of(&raw.revenue, target).ok_or_else(|| {
                field(
                    &format!("{p}.follows"),
                    Some(toml::Value::String(target.clone())),
                    format!(
                        "no revenue line is named `{target}`; known: {}",
                        names(&raw.revenue)
                    ),
                )
            })?),
        };
        if follows.is_some() && k.growth.is_some() {
            return Err(field(&format!("{p}.growth"), None, "a line that `follows` a revenue line takes its demand growth from it; remove `growth`".into()));
        }
        if k.noise.is_none() && k.noise_mode.is_some() {
            return Err(field(
                &format!("{p}.noise_mode"),
                None,
                "`noise_mode` needs `noise`".into(),
            ));
        }
        costs.push(CostLine {
            name: name.clone(),
            monthly: c.input(&format!("{p}.monthly"), &k.monthly, Domain::NonNegative)?,
            growth: c.optional(&format!("{p}.growth"), k.growth.as_ref(), 0.0, Domain::Any)?,
            efficiency_gain: c.optional(
                &format!("{p}.efficiency_gain"),
                k.efficiency_gain.as_ref(),
                0.0,
                Domain::AtMostOne,
            )?,
            follows,
            noise: c.noise(&p, k.noise.as_ref(), k.noise_mode.as_ref())?,
            active: c.range(&p, k.from.as_ref(), k.until.as_ref())?,
        });
    }

    let credit_target = |path: &str, target: &Option<OneOrMany>| -> Result<Vec<usize>> {
        let Some(target) = target else {
            return Ok(Vec::new());
        };
        let names_given = target.names();
        if names_given.is_empty() {
            return Err(field(
                path,
                None,
                "name at least one cost line, or remove `credit_for` for cash".into(),
            ));
        }
        let mut lines = Vec::new();
        for t in names_given {
            let i = index_of(&raw.costs, &t).ok_or_else(|| {
                field(
                    path,
                    Some(toml::Value::String(t.clone())),
                    format!("no cost line is named `{t}`; known: {}", names(&raw.costs)),
                )
            })?;
            if !lines.contains(&i) {
                lines.push(i);
            }
        }
        lines.sort_unstable();
        Ok(lines)
    };

    let mut inflows = Vec::new();
    for (name, t) in &raw.cash.tranches {
        check_name("cash.tranches", name)?;
        let p = format!("cash.tranches.{name}");
        inflows.push(Inflow {
            name: name.clone(),
            path: p.clone(),
            probability: None,
            happens_key: format!("{p}.happens"),
            timing: Timing::Month(c.month_input(&format!("{p}.month"), &t.month)?),
            amount: c.input(&format!("{p}.amount"), &t.amount, Domain::NonNegative)?,
            credit_for: credit_target(&format!("{p}.credit_for"), &t.credit_for)?,
        });
    }
    for (name, f) in &raw.funding {
        check_name("funding", name)?;
        let p = format!("funding.{name}");
        let timing = match (&f.month, &f.trigger) {
            (Some(m), None) => {
                if f.delay.is_some() {
                    return Err(field(&format!("{p}.delay"), None, "`delay` goes with `trigger`; a dated event has its delay in `month`".into()));
                }
                Timing::Month(c.month_input(&format!("{p}.month"), m)?)
            }
            (None, Some(trig)) => {
                let (condition, threshold) = match (&trig.runway_below, &trig.cash_below) {
                    (Some(v), None) => (TriggerCondition::RunwayBelow, c.input(&format!("{p}.trigger.runway_below"), v, Domain::NonNegative)?),
                    (None, Some(v)) => (TriggerCondition::CashBelow, c.input(&format!("{p}.trigger.cash_below"), v, Domain::Any)?),
                    _ => {
                        return Err(field(
                            &format!("{p}.trigger"),
                            None,
                            "a trigger takes exactly one of `runway_below` (months) or `cash_below` (money)".into(),
                        ))
                    }
                };
                Timing::Trigger {
                    condition,
                    threshold,
                    delay: c.optional(&format!("{p}.delay"), f.delay.as_ref(), 0.0, Domain::NonNegative)?,
                }
            }
            (Some(_), Some(_)) => return Err(field(&p, None, "give either `month` or `trigger`, not both".into())),
            (None, None) => {
                return Err(field(&p, None, "a funding event needs `month` (a date or distribution) or `trigger` (e.g. { runway_below = 6 })".into()))
            }
        };
        inflows.push(Inflow {
            name: name.clone(),
            path: p.clone(),
            probability: match &f.probability {
                None => None,
                Some(v) => Some(c.input(&format!("{p}.probability"), v, Domain::Probability)?),
            },
            happens_key: format!("{p}.happens"),
            timing,
            amount: c.input(&format!("{p}.amount"), &f.amount, Domain::NonNegative)?,
            credit_for: credit_target(&format!("{p}.credit_for"), &f.credit_for)?,
        });
    }

    for (a, first) in inflows.iter().enumerate() {
        for second in &inflows[a + 1..] {
            let overlap = first
                .credit_for
                .iter()
                .any(|c| second.credit_for.contains(c));
            if overlap && first.credit_for != second.credit_for {
                return Err(field(
                    &format!("{}.credit_for", second.path),
                    None,
                    format!(
                        "credits of `{}` and `{}` cover overlapping but different cost lines; give both the same list so they share one credit balance",
                        first.path, second.path
                    ),
                ));
            }
        }
    }

    let mut shocks = Vec::new();
    for (name, s) in &raw.shocks {
        check_name("shocks", name)?;
        let p = format!("shocks.{name}");
        if s.cost.is_none() && s.revenue_hit.is_none() && s.funding_delay.is_none() {
            return Err(field(
                &p,
                None,
                "a shock needs at least one effect: `cost`, `revenue_hit` or `funding_delay`"
                    .into(),
            ));
        }
        if s.duration.is_some() && s.revenue_hit.is_none() {
            return Err(field(
                &format!("{p}.duration"),
                None,
                "`duration` is the length of a `revenue_hit`; add one or remove it".into(),
            ));
        }
        shocks.push(Shock {
            name: name.clone(),
            hazard: c.input(&format!("{p}.hazard"), &s.hazard, Domain::Probability)?,
            repeat: s.repeat.unwrap_or(false),
            cost: s
                .cost
                .as_ref()
                .map(|v| c.input(&format!("{p}.cost"), v, Domain::NonNegative))
                .transpose()?,
            revenue_hit: s
                .revenue_hit
                .as_ref()
                .map(|v| c.input(&format!("{p}.revenue_hit"), v, Domain::Probability))
                .transpose()?,
            duration: c.optional(
                &format!("{p}.duration"),
                s.duration.as_ref(),
                1.0,
                Domain::NonNegative,
            )?,
            funding_delay: s
                .funding_delay
                .as_ref()
                .map(|v| c.input(&format!("{p}.funding_delay"), v, Domain::NonNegative))
                .transpose()?,
            strike_key: format!("{p}.strikes"),
        });
    }

    let mut flows = Vec::new();
    for (name, f) in &raw.flows {
        check_name("flows", name)?;
        let p = format!("flows.{name}");
        flows.push(Flow {
            name: name.clone(),
            amount: c.input(&format!("{p}.amount"), &f.amount, Domain::Any)?,
            each_month: f.each_month.unwrap_or(false),
            active: c.range(&p, f.from.as_ref(), f.until.as_ref())?,
        });
    }

    let scenarios = raw
        .scenarios
        .iter()
        .map(|(k, v)| {
            let d = v
                .get("description")
                .and_then(|d| d.as_str())
                .unwrap_or("")
                .to_string();
            (k.clone(), d)
        })
        .collect();

    let sampling = match raw.model.sampling.as_deref() {
        None => Sampling::MonteCarlo,
        Some(text) => Sampling::parse(text).ok_or_else(|| {
            field(
                "model.sampling",
                Some(toml::Value::String(text.to_string())),
                "must be \"mc\" (Monte Carlo) or \"lhs\" (Latin hypercube)".into(),
            )
        })?,
    };
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
    };
    if let Some(c) = raw.correlation {
        model.correlation = Some(check_correlation(&model, c, &file)?);
    }
    Ok(model)
}

/// Checks a correlation matrix: named uncertain per-path inputs, square,
/// symmetric, unit diagonal, entries in [-1, 1], and positive semi-definite
/// on the normal scale (where it is used).
#[allow(clippy::needless_range_loop)] // i and j index the matrix both ways
fn check_correlation(model: &Model, raw: RawCorrelation, file: &str) -> Result<Correlation> {
    let err = |path: &str, rule: String| Error::Field {
        file: file.to_string(),
        path: path.to_string(),
        value: None,
        rule,
    };
    let inputs = model.path_inputs();
    let n = raw.inputs.len();
    if n < 2 {
        return Err(err(
            "correlation.inputs",
            "name at least two per-path inputs to correlate".into(),
        ));
    }
    for (i, name) in raw.inputs.iter().enumerate() {
        let Some(input) = inputs.iter().find(|x| &x.path == name) else {
            let uncertain: Vec<&str> = inputs
                .iter()
                .filter(|x| !x.is_constant())
                .map(|x| x.path.as_str())
                .collect();
            return Err(err(
                &format!("correlation.inputs[{i}]"),
                format!(
                    "`{name}` is not a per-path input of this model; uncertain inputs are: {}",
                    uncertain.join(", ")
                ),
            ));
        };
        if input.is_constant() {
            return Err(err(
                &format!("correlation.inputs[{i}]"),
                format!("`{name}` is a constant; only uncertain inputs can be correlated"),
            ));
        }
        if raw.inputs[..i].contains(name) {
            return Err(err(
                &format!("correlation.inputs[{i}]"),
                format!("`{name}` is listed twice"),
            ));
        }
    }
    if raw.matrix.len() != n || raw.matrix.iter().any(|row| row.len() != n) {
        return Err(err(
            "correlation.matrix",
            format!("must be a {n} × {n} matrix, one row and column per input"),
        ));
    }
    let m = &raw.matrix;
    for i in 0..n {
        for j in 0..n {
            let v = m[i][j];
            let at = format!("correlation.matrix[{i}][{j}]");
            if !(-1.0..=1.0).contains(&v) {
                return Err(err(
                    &at,
                    format!("{v} is not a correlation: entries lie in [-1, 1]"),
                ));
            }
            if i == j && v != 1.0 {
                return Err(err(&at, format!("the diagonal must be 1, got {v}")));
            }
            if (v - m[j][i]).abs() > 1e-12 {
                return Err(err(
                    &at,
                    format!(
                        "the matrix must be symmetric: [{i}][{j}] = {v} but [{j}][{i}] = {}",
                        m[j][i]
                    ),
                ));
            }
        }
    }
    let normal: Vec<Vec<f64>> = m
        .iter()
        .map(|row| {
            row.iter()
                .map(|&rho| 2.0 * (std::f64::consts::PI * rho / 6.0).sin())
                .collect()
        })
        .collect();
    let Some(cholesky) = cholesky(&normal) else {
        // The largest shrink λ toward the identity that makes it valid.
        let shrunk = |lambda: f64| -> Vec<Vec<f64>> {
            normal
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    row.iter()
                        .enumerate()
                        .map(|(j, &r)| if i == j { 1.0 } else { lambda * r })
                        .collect()
                })
                .collect()
        };
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..50 {
            let mid = 0.5 * (lo + hi);
            if cholesky(&shrunk(mid)).is_some() {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return Err(err(
            "correlation.matrix",
            format!(
                "is not positive semi-definite: no set of inputs can have these correlations together; multiplying every off-diagonal entry by {:.3} (or less) gives a valid matrix",
                (lo * 1000.0).floor() / 1000.0
            ),
        ));
    };
    Ok(Correlation {
        inputs: raw.inputs,
        rank: raw.matrix,
        cholesky,
    })
}

#[allow(clippy::needless_range_loop)] // the textbook index form is clearest here
/// Lower Cholesky factor of a symmetric matrix; `None` if it is not
/// positive semi-definite (a tiny negative pivot from rounding is allowed).
fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - sum;
                if d < -1e-10 {
                    return None;
                }
                l[i][j] = d.max(0.0).sqrt();
            } else if l[j][j] > 1e-12 {
                l[i][j] = (a[i][j] - sum) / l[j][j];
            } else if (a[i][j] - sum).abs() > 1e-10 {
                return None;
            }
        }
    }
    Some(l)
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
