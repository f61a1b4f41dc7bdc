//! serde's and the TOML parser's messages in the user's words: no internal
//! type names, and a suggestion for a misspelt field.

use super::suggest::did_you_mean;

/// A type the schema expects, in the user's words.
fn expected_words(expected: &str) -> String {
    let e = expected.trim();
    match e {
        "a string" | "a borrowed string" | "a char" => "text".into(),
        "a boolean" => "true or false".into(),
        "f64" | "f32" => "a number".into(),
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128"
        | "isize" => "a whole number".into(),
        "a sequence" => "a list".into(),
        "a map" => "a table".into(),
        _ if e.starts_with("struct ") || e.starts_with("map") => "a table".into(),
        _ if e.starts_with("enum ") => "one of the names listed for this field".into(),
        _ => e.to_string(),
    }
}

/// A value as serde names it (`integer \`5\``, `string "x"`), in the user's words.
fn found_words(found: &str) -> String {
    let f = found.trim();
    let quoted = |prefix: &str| {
        f.strip_prefix(prefix)
            .map(|rest| rest.trim().trim_matches('`').to_string())
    };
    if let Some(n) = quoted("integer").or_else(|| quoted("floating point")) {
        return format!("the number {n}");
    }
    if let Some(b) = quoted("boolean") {
        return format!("{b} (true or false)");
    }
    if let Some(text) = f.strip_prefix("string ") {
        return format!("text {text}");
    }
    match f {
        "map" => "a table".into(),
        "sequence" => "a list".into(),
        other => other.to_string(),
    }
}

/// Rewrites a serde or TOML message so that it names no internal type
/// (`struct RawCost`, `f64`, an untagged enum): "expected a table, got the
/// number 5" instead of "invalid type: integer `5`, expected struct RawCost".
pub fn user_words(message: &str) -> String {
    if let Some(suggested) = suggest_name(message) {
        return suggested;
    }
    if message.contains("did not match any variant of untagged enum OneOrMany") {
        return "expected a name or a list of names, e.g. \"compute\" or [\"compute\", \"payroll\"]"
            .into();
    }
    for kind in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(kind) {
            if let Some((found, expected)) = rest.rsplit_once(", expected ") {
                return format!(
                    "expected {}, got {}",
                    expected_words(expected),
                    found_words(found)
                );
            }
        }
    }
    let mut out = message.to_string();
    for (internal, words) in [
        ("expected f64", "expected a number"),
        ("expected u64", "expected a whole number"),
        ("expected i64", "expected a whole number"),
    ] {
        out = out.replace(internal, words);
    }
    out
}

/// serde's `unknown field `x`, expected one of `a`, `b`, …` (or `unknown
/// variant`, shown as `unknown value`) with the valid name closest to `x` instead of the list, when
/// one is close enough to be the name meant: `unknown field `growht`; did
/// you mean `growth`?`. `None` for any other message, or when no name is
/// close (the list then stays).
fn suggest_name(message: &str) -> Option<String> {
    // A variant is serde's word: the user wrote a value.
    let (what, rest) = [
        ("unknown field `", "unknown field `"),
        ("unknown variant `", "unknown value `"),
    ]
    .into_iter()
    .find_map(|(p, what)| message.strip_prefix(p).map(|rest| (what, rest)))?;
    let (name, expected) = rest.split_once("`, expected ")?;
    let valid: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let hint = did_you_mean(name, valid.iter().copied())?;
    Some(format!("{what}{name}`; {hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_field_gets_the_closest_valid_name() {
        assert_eq!(
            user_words("unknown field `efficency_gain`, expected one of `monthly`, `growth`, `efficiency_gain`"),
            "unknown field `efficency_gain`; did you mean `efficiency_gain`?"
        );
        assert_eq!(
            user_words("unknown field `cash_belw`, expected `runway_below` or `cash_below`"),
            "unknown field `cash_belw`; did you mean `cash_below`?"
        );
    }

    #[test]
    fn a_field_far_from_every_valid_name_keeps_the_list() {
        let message = "unknown field `budget`, expected one of `model`, `cash`, `costs`";
        assert_eq!(user_words(message), message);
    }

    #[test]
    fn a_type_mismatch_names_no_internal_type() {
        assert_eq!(
            user_words("invalid type: integer `5`, expected struct RawCost"),
            "expected a table, got the number 5"
        );
    }
}
