//! Where a field is written in a model file, so that a message can show the
//! line with a caret under the value.
//!
//! The checks work on parsed values, which have forgotten their place in
//! the text; an error names its field by path instead
//! (`costs.compute.growth`, `correlation.matrix[1][0]`). [`locate`] parses
//! the text again, keeping positions (`toml_edit`), and follows the path:
//! through sections, dotted keys, inline tables, arrays and arrays of
//! tables, however the file spells its keys (`"quoted"`, bare, dotted).

use std::ops::Range;
use toml_edit::{ImDocument, Item, Table, TableLike, Value};

/// Which part of an entry to point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The key (an unknown or misspelt field).
    Key,
    /// The value (a value that breaks a rule).
    Value,
}

/// Where `path` is written in `source`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte range in the source.
    pub span: Range<usize>,
    /// True when the whole path was found; false when only a leading part
    /// of it was (a missing field: the section that lacks it).
    pub exact: bool,
}

/// The bytes of `source` where the field at `path` is written: its key or
/// its value as `part` says (the other when that one has no place, e.g. a
/// section known only from a longer header); the deepest section on the
/// path when the field itself is absent. `None` when the text does not
/// parse or not even the first key is in it.
pub fn locate(source: &str, path: &str, part: Part) -> Option<Found> {
    let doc = ImDocument::parse(source).ok()?;
    let segments = segments(path)?;
    let mut node = Node::Table(doc.as_table());
    let mut best: Option<Range<usize>> = None;
    let mut i = 0;
    while i < segments.len() {
        let step = match &segments[i] {
            Segment::Index(n) => node.index(*n).map(|next| (next, None, 1)),
            Segment::Key(_) => key_step(&node, &segments[i..]),
        };
        let Some((next, key_span, used)) = step else {
            return best.map(|span| Found { span, exact: false });
        };
        let value_span = next.span();
        let span = match part {
            Part::Key => key_span.or(value_span),
            Part::Value => value_span.or(key_span),
        };
        best = span.or(best);
        node = next;
        i += used;
    }
    best.map(|span| Found { span, exact: true })
}

/// The entry for the key at the start of `rest`, trying the key alone and
/// then joined with the keys after it (a key that holds a dot, `"a.b"`):
/// the entry, its key's span and how many segments it used.
fn key_step<'a>(
    node: &Node<'a>,
    rest: &[Segment],
) -> Option<(Node<'a>, Option<Range<usize>>, usize)> {
    let table = node.table_like()?;
    let mut key = String::new();
    for (used, segment) in rest.iter().enumerate() {
        let Segment::Key(part) = segment else {
            return None;
        };
        if used > 0 {
            key.push('.');
        }
        key.push_str(part);
        if let Some((k, item)) = table.get_key_value(&key) {
            return Some((Node::Item(item), k.span(), used + 1));
        }
    }
    None
}

/// One step of a path: a key or an index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// `a."b c".d[2][0]` → `a`, `b c`, `d`, 2, 0; `None` for a path that is
/// not one (`(top level)`).
fn segments(path: &str) -> Option<Vec<Segment>> {
    if path.starts_with('(') {
        return None;
    }
    let mut out = Vec::new();
    let mut chars = path.chars().peekable();
    let mut key = String::new();
    let mut after_index = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                    key.push(c);
                }
            }
            '.' => {
                if !after_index {
                    out.push(Segment::Key(std::mem::take(&mut key)));
                }
                after_index = false;
            }
            '[' => {
                if !after_index {
                    out.push(Segment::Key(std::mem::take(&mut key)));
                }
                let digits: String = chars.by_ref().take_while(|c| *c != ']').collect();
                out.push(Segment::Index(digits.trim().parse().ok()?));
                after_index = true;
            }
            c => {
                after_index = false;
                key.push(c);
            }
        }
    }
    if !after_index {
        out.push(Segment::Key(key));
    }
    if out
        .iter()
        .any(|s| matches!(s, Segment::Key(k) if k.is_empty()))
    {
        return None;
    }
    Some(out)
}

/// A place in the parsed document: an item, a table of an array of
/// tables, or a value inside an array or inline table.
enum Node<'a> {
    Item(&'a Item),
    Table(&'a Table),
    Value(&'a Value),
}

impl<'a> Node<'a> {
    fn table_like(&self) -> Option<&'a dyn TableLike> {
        match *self {
            Node::Item(item) => item.as_table_like(),
            Node::Table(table) => Some(table),
            Node::Value(value) => value.as_inline_table().map(|t| t as &dyn TableLike),
        }
    }

    fn index(&self, n: usize) -> Option<Node<'a>> {
        match *self {
            Node::Item(Item::ArrayOfTables(tables)) => tables.get(n).map(Node::Table),
            Node::Item(Item::Value(Value::Array(values))) | Node::Value(Value::Array(values)) => {
                values.get(n).map(Node::Value)
            }
            _ => None,
        }
    }

    fn span(&self) -> Option<Range<usize>> {
        match self {
            Node::Item(item) => item.span(),
            Node::Table(table) => table.span(),
            Node::Value(value) => value.span(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text `locate` points at, and whether the whole path was found.
    fn at(source: &str, path: &str, part: Part) -> Option<(String, bool)> {
        locate(source, path, part).map(|f| (source[f.span].to_string(), f.exact))
    }

    fn value(source: &str, path: &str) -> String {
        at(source, path, Part::Value)
            .filter(|(_, exact)| *exact)
            .unwrap_or_else(|| panic!("{path} not found"))
            .0
    }

    const NESTED: &str = "[model]\nname = \"x\"\n\n[costs.compute]\nmonthly = 10\ngrowth = { normal = { mean = 0.01, sd = -1 } }\n";

    #[test]
    fn a_value_in_a_nested_section_is_found() {
        assert_eq!(value(NESTED, "costs.compute.monthly"), "10");
        assert_eq!(
            value(NESTED, "costs.compute.growth"),
            "{ normal = { mean = 0.01, sd = -1 } }"
        );
    }

    #[test]
    fn a_path_into_an_inline_table_reaches_its_innermost_value() {
        assert_eq!(value(NESTED, "costs.compute.growth.normal.sd"), "-1");
    }

    #[test]
    fn a_key_is_found_when_the_key_is_asked_for() {
        assert_eq!(
            at(NESTED, "costs.compute.growth", Part::Key),
            Some(("growth".into(), true))
        );
    }

    #[test]
    fn a_missing_field_points_at_the_deepest_section_that_exists() {
        let (text, exact) = at(NESTED, "costs.compute.efficiency_gain", Part::Value).unwrap();
        assert!(!exact);
        assert!(text.contains("compute"), "{text:?}");
        assert_eq!(at(NESTED, "revenue.api", Part::Value), None);
    }

    #[test]
    fn dotted_keys_and_quoted_keys_are_followed() {
        let source = "[scenarios.calm]\ncosts.\"pay roll\".monthly = 5\n\"cash\".initial = 7\n";
        assert_eq!(
            value(source, "scenarios.calm.costs.\"pay roll\".monthly"),
            "5"
        );
        assert_eq!(value(source, "scenarios.calm.costs.pay roll.monthly"), "5");
        assert_eq!(value(source, "scenarios.calm.cash.initial"), "7");
    }

    #[test]
    fn a_key_that_holds_a_dot_is_found() {
        let source = "[costs]\n\"a.b\" = { monthly = 3 }\n";
        assert_eq!(value(source, "costs.a.b.monthly"), "3");
    }

    #[test]
    fn array_elements_and_arrays_of_tables_are_indexed() {
        let source = "[correlation]\nmatrix = [[1, 0.5],\n  [0.5, 1]]\n\n[[shock]]\ncost = 1\n\n[[shock]]\ncost = 2\n";
        assert_eq!(value(source, "correlation.matrix[1][0]"), "0.5");
        assert_eq!(value(source, "correlation.matrix[1]"), "[0.5, 1]");
        assert_eq!(value(source, "shock[1].cost"), "2");
        let (_, exact) = at(source, "shock[5].cost", Part::Value).unwrap();
        assert!(!exact);
    }

    #[test]
    fn a_path_that_is_not_one_is_not_located() {
        assert_eq!(at(NESTED, "(top level)", Part::Value), None);
        assert_eq!(at("not = [toml", "not", Part::Value), None);
    }
}
