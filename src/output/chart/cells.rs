//! The report's tables: cells that know how they align and break, and
//! tables that reflow into cards on a narrow screen.

use super::escape;
use std::fmt::Write as _;

/// One cell of a report table.
#[derive(Debug, Clone)]
pub(crate) enum Cell {
    /// Plain text.
    Text(String),
    /// A field path or other name: may break after `.` and `_`.
    Name(String),
    /// A number (right-aligned, kept on one line).
    Number(String),
    /// A number that may wrap (an interval).
    Range(String),
    /// A row of its own across the table (a group's note).
    Note(String),
}

impl From<String> for Cell {
    /// Text; `#` at the start marks a number, `#~` a number that may wrap.
    fn from(text: String) -> Cell {
        if let Some(rest) = text.strip_prefix("#~") {
            Cell::Range(rest.to_string())
        } else if let Some(rest) = text.strip_prefix('#') {
            Cell::Number(rest.to_string())
        } else {
            Cell::Text(text)
        }
    }
}

/// `text` escaped, with a break opportunity after each `.` and `_`.
pub(crate) fn cell_names(text: &str) -> String {
    escape(text).replace('.', ".<wbr/>").replace('_', "_<wbr/>")
}

/// Writes a table that reflows: `headers` (a `#` prefix right-aligns a
/// column) and `rows`; each cell carries its column's header as
/// `data-label`, so on a narrow screen each row becomes a card of label and
/// value lines. A table of more than 30 rows may break across printed pages.
pub(crate) fn table(out: &mut String, id: &str, headers: &[&str], rows: &[Vec<Cell>]) {
    let labels: Vec<&str> = headers
        .iter()
        .map(|h| h.strip_prefix('#').unwrap_or(h))
        .collect();
    let long = if rows.len() > 30 { " long" } else { "" };
    let _ = writeln!(out, "<table class=\"reflow{long}\" id=\"t-{id}\">");
    out.push_str("<thead><tr>");
    for h in headers {
        match h.strip_prefix('#') {
            Some(rest) => {
                let _ = write!(out, "<th class=\"n\">{}</th>", escape(rest));
            }
            None => {
                let _ = write!(out, "<th>{}</th>", escape(h));
            }
        }
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for cells in rows {
        if let [Cell::Note(text)] = cells.as_slice() {
            let _ = writeln!(
                out,
                "<tr class=\"group\"><td colspan=\"{}\">{}</td></tr>",
                headers.len(),
                escape(text)
            );
            continue;
        }
        out.push_str("<tr>");
        for (i, cell) in cells.iter().enumerate() {
            let label = labels.get(i).copied().unwrap_or("");
            let data = if label.is_empty() {
                String::new()
            } else {
                format!(" data-label=\"{}\"", escape(label))
            };
            let (class, body) = match cell {
                Cell::Text(t) | Cell::Note(t) => ("", escape(t)),
                Cell::Name(t) => (" class=\"name\"", cell_names(t)),
                Cell::Number(t) => (" class=\"n\"", glued(t)),
                Cell::Range(t) => (" class=\"n w\"", glued(t)),
            };
            let _ = write!(out, "<td{class}{data}>{body}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// `text` escaped, its numbers kept with their units (`0.5 %`, `+2 pp`):
/// a wrapping interval breaks between the numbers, never before a unit.
fn glued(text: &str) -> String {
    escape(text)
        .replace(" %", "\u{a0}%")
        .replace(" pp", "\u{a0}pp")
}

/// Rows of plain strings (see [`Cell::from`]) as cells.
pub(crate) fn cells(rows: Vec<Vec<String>>) -> Vec<Vec<Cell>> {
    rows.into_iter()
        .map(|r| r.into_iter().map(Cell::from).collect())
        .collect()
}
