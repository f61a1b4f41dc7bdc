//! The comments of a model file, by field path.
//!
//! A model file explains its numbers in comments (sources, reasoning), and
//! the report shows them next to the assumptions. The `toml` crate drops
//! comments; `toml_edit` (the parser `toml` itself uses) keeps them as the
//! decor around tables and keys, with the key path, so this reads them from
//! the model's source text. A pure function of the text: no file is read.

use indexmap::IndexMap;
use toml_edit::{DocumentMut, Item, Table, Value};

/// The comments of a model file, keyed by dotted field path, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comments {
    by_path: IndexMap<String, String>,
}

impl Comments {
    /// The comments of `source` (a model file's text): for every table, the
    /// comment block right above its `[header]`; for every key, the block
    /// right above its line and the comment at the end of it (joined by a
    /// space). A block is the comment lines with no blank line between them
    /// and the header or key; `#` and the space after it are removed, lines
    /// are joined with spaces, and divider lines (`# --- Costs ---`) are left
    /// out. Text that is not TOML gives no comments.
    pub fn of(source: &str) -> Comments {
        let mut by_path = IndexMap::new();
        if let Ok(doc) = source.parse::<DocumentMut>() {
            walk(doc.as_table(), "", &mut by_path);
        }
        Comments { by_path }
    }

    /// The comment of exactly this field path.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.by_path.get(path).map(String::as_str)
    }

    /// The comment nearest to `path`: its own, else that of the closest
    /// enclosing table or key (`funding.x.trigger.runway_below` → the
    /// comment on `trigger`, else above `[funding.x]`), with the path it
    /// belongs to.
    pub fn nearest<'a>(&'a self, path: &'a str) -> Option<(&'a str, &'a str)> {
        let mut at = path;
        loop {
            if let Some(comment) = self.get(at) {
                return Some((at, comment));
            }
            at = &at[..at.rfind('.')?];
        }
    }

    /// Every (field path, comment), in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.by_path.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Whether the file has no comments.
    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(table: &Table, path: &str, out: &mut IndexMap<String, String>) {
    for (key, item) in table.iter() {
        let at = join(path, key);
        let above = table.key(key).and_then(|k| k.leaf_decor().prefix());
        let mut text = above
            .and_then(|raw| raw.as_str())
            .map(block)
            .unwrap_or_default();
        match item {
            Item::Table(t) => {
                if let Some(prefix) = t.decor().prefix().and_then(|raw| raw.as_str()) {
                    add(&mut text, &block(prefix));
                }
                put(out, &at, text);
                walk(t, &at, out);
            }
            Item::Value(v) => {
                if let Some(suffix) = v.decor().suffix().and_then(|raw| raw.as_str()) {
                    add(&mut text, &block(suffix));
                }
                put(out, &at, text);
                if let Value::InlineTable(inline) = v {
                    if inline.is_dotted() {
                        walk_inline(inline, &at, out);
                    }
                }
            }
            Item::ArrayOfTables(tables) => {
                for t in tables.iter() {
                    walk(t, &at, out);
                }
            }
            Item::None => {}
        }
    }
}

/// The keys of a dotted-key table (`a.b.c = 1` under a header).
fn walk_inline(table: &toml_edit::InlineTable, path: &str, out: &mut IndexMap<String, String>) {
    for (key, value) in table.iter() {
        let at = join(path, key);
        let mut text = table
            .key(key)
            .and_then(|k| k.leaf_decor().prefix())
            .and_then(|raw| raw.as_str())
            .map(block)
            .unwrap_or_default();
        if let Some(suffix) = value.decor().suffix().and_then(|raw| raw.as_str()) {
            add(&mut text, &block(suffix));
        }
        put(out, &at, text);
        if let Value::InlineTable(inline) = value {
            if inline.is_dotted() {
                walk_inline(inline, &at, out);
            }
        }
    }
}

fn add(text: &mut String, more: &str) {
    if more.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(more);
}

fn put(out: &mut IndexMap<String, String>, path: &str, text: String) {
    if !text.is_empty() {
        out.insert(path.to_string(), text);
    }
}

/// The last block of comment lines in `decor` (whitespace and comments
/// around a key or header), as one line of text.
fn block(decor: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for line in decor.lines().map(str::trim) {
        if line.is_empty() {
            lines.clear();
        } else if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim();
            if !is_divider(comment) {
                lines.push(comment);
            }
        }
    }
    lines
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A line drawn to separate sections: `--- Costs ---`, `=====`.
fn is_divider(comment: &str) -> bool {
    let marks = comment.chars().filter(|c| "-=*#~_".contains(*c)).count();
    comment.starts_with("---") || comment.starts_with("===") || marks * 2 > comment.len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# The file's header.\n\
        \n\
        [model]\n\
        name = \"x\"\n\
        horizon = \"2024-12\"   # A4: the end of 2024\n\
        \n\
        [cash]\n\
        # Cash in the bank is not public:\n\
        # a wide range.\n\
        initial = { lognormal = { p5 = 1, p95 = 5 } }\n\
        \n\
        # --- Costs -------------------------------------------\n\
        \n\
        # A1: inference, about 21 M a month.\n\
        [costs.inference]\n\
        monthly = 20\n\
        \n\
        [funding.microsoft]\n\
        trigger = { runway_below = 9 }   # when runway is short\n\
        \n\
        [scenarios.article]\n\
        # no new money\n\
        funding.microsoft.probability = 0\n";

    #[test]
    fn a_comment_above_a_key_or_at_its_end_belongs_to_the_key() {
        let c = Comments::of(FILE);
        assert_eq!(
            c.get("cash.initial"),
            Some("Cash in the bank is not public: a wide range.")
        );
        assert_eq!(c.get("model.horizon"), Some("A4: the end of 2024"));
        assert_eq!(
            c.get("funding.microsoft.trigger"),
            Some("when runway is short")
        );
        assert_eq!(c.get("model.name"), None);
    }

    #[test]
    fn a_comment_above_a_header_belongs_to_the_table_without_the_divider() {
        let c = Comments::of(FILE);
        assert_eq!(
            c.get("costs.inference"),
            Some("A1: inference, about 21 M a month.")
        );
        // The file's header is parted from `[model]` by a blank line.
        assert_eq!(c.get("model"), None);
        assert_eq!(
            c.get("scenarios.article.funding.microsoft.probability"),
            Some("no new money"),
            "a dotted key's comment belongs to its whole path"
        );
    }

    #[test]
    fn the_nearest_comment_is_found_through_the_enclosing_tables() {
        let c = Comments::of(FILE);
        assert_eq!(
            c.nearest("costs.inference.monthly"),
            Some(("costs.inference", "A1: inference, about 21 M a month."))
        );
        assert_eq!(
            c.nearest("funding.microsoft.trigger.runway_below"),
            Some(("funding.microsoft.trigger", "when runway is short"))
        );
        assert_eq!(c.nearest("revenue.api.growth"), None);
    }

    #[test]
    fn text_that_is_not_toml_has_no_comments() {
        assert!(Comments::of("[model\n# x").is_empty());
        assert!(Comments::of("").is_empty());
    }

    #[test]
    fn the_shipped_models_explain_their_inputs() {
        let c = Comments::of(crate::model::BUILTIN_MODEL_TEXT);
        assert!(c
            .nearest("costs.inference.efficiency_gain")
            .is_some_and(|(_, text)| text.contains("Gary Marcus")));
        assert!(c.get("cash.initial").is_some_and(|t| t.contains("K6-K8")));
        assert!(c.iter().all(|(_, text)| !text.contains("---")));
    }
}
