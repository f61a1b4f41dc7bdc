//! Values as the user wrote them, for messages, and the rule that every
//! number runway computes from a distribution is finite.

use crate::dist::Dist;

/// The one rule for every family: the numbers runway computes from a
/// distribution (its mean and standard deviation, and the 5th, 50th and 95th
/// percentiles `check` lists) must be finite, or draws and reports would
/// overflow to inf or NaN.
pub(super) fn check_finite_values(dist: &Dist) -> std::result::Result<(), String> {
    if dist.as_constant().is_some() {
        return Ok(());
    }
    let values = [
        ("mean", dist.mean()),
        // A metalog's heavy tail may make it infinite: a fact, not an overflow.
        (
            "standard deviation",
            dist.sd().filter(|_| !dist.has_infinite_variance()),
        ),
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
pub(super) fn describe_value(value: &toml::Value) -> String {
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
