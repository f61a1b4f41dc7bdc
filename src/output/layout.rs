//! Laying text out within a width: the column tables, the wrapping of prose
//! and of `a · b · c` header lines, and the shortening of long names. Every
//! terminal renderer takes a width (columns of characters, [`DEFAULT_WIDTH`]
//! unless the command line asks for more) and keeps every line within it.

/// The width every table fits by default, whatever the terminal.
pub const DEFAULT_WIDTH: usize = 80;

/// The width of `s` in columns: its characters (every character runway
/// prints, `█`, `–`, `ρ` included, takes one column).
pub fn width_of(s: &str) -> usize {
    s.chars().count()
}

/// `name` shortened to at most `max` characters by an ellipsis in the
/// middle, keeping more of its end (the part that tells apart
/// `funding.microsoft.probability` and `funding.microsoft.amount`).
pub fn abbreviate(name: &str, max: usize) -> String {
    let n = width_of(name);
    if n <= max || max < 5 {
        return name.to_string();
    }
    let keep = max - 1;
    let head = keep / 3;
    let tail = keep - head;
    let chars: Vec<char> = name.chars().collect();
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[n - tail..]);
    out
}

/// Words of `text` filled into lines of at most `width` characters: the
/// first line starts with `first`, the others with `rest` (a hanging
/// indent). A word longer than a line stays whole, on its own line.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        let prefix_only = empty;
        if !prefix_only && width_of(&line) + 1 + width_of(word) > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// Parts joined by `sep` into lines of at most `width` characters, each
/// part whole on one line; continuation lines start with `indent`.
pub fn pack(parts: &[String], sep: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for part in parts.iter().filter(|p| !p.is_empty()) {
        if line.is_empty() {
            line.push_str(part);
        } else if width_of(&line) + width_of(sep) + width_of(part) <= width {
            line.push_str(sep);
            line.push_str(part);
        } else {
            out.push_str(&line);
            out.push('\n');
            line = format!("{indent}{part}");
        }
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// Named descriptions, one per name: the name, then its description
/// wrapped with a hanging indent; names longer than 24 characters push
/// their description along.
pub fn definitions(items: &[(String, String)], width: usize, indent: &str) -> String {
    let name_width = items.iter().map(|(n, _)| width_of(n)).max().unwrap_or(0);
    let name_width = name_width.min(24);
    let hang = " ".repeat(width_of(indent) + name_width + 2);
    let mut out = String::new();
    for (name, description) in items {
        let name = abbreviate(name, width.saturating_sub(width_of(indent) + 2));
        let first = format!("{indent}{name:<name_width$}  ");
        out.push_str(&wrap(description, width, &first, &hang));
    }
    out
}

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text: flush left.
    Left,
    /// Numbers: flush right.
    Right,
}

/// One column: its header (one or more lines, bottom-aligned with the
/// other columns' headers), alignment and the spaces before it.
#[derive(Debug, Clone)]
struct Column {
    head: Vec<String>,
    align: Align,
    gap: usize,
}

/// A table of text cells: every column as wide as its widest cell or
/// header line, columns separated by gaps, the whole indented.
#[derive(Debug, Clone)]
pub struct Table {
    indent: usize,
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table whose lines start with `indent` spaces.
    pub fn new(indent: usize) -> Table {
        Table {
            indent,
            columns: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Adds a column: `head` lines separated by `\n`, `gap` spaces before
    /// it (ignored for the first).
    pub fn column(mut self, head: &str, align: Align, gap: usize) -> Table {
        self.columns.push(Column {
            head: head.split('\n').map(str::to_string).collect(),
            align,
            gap,
        });
        self
    }

    /// Adds a column with its cells, one per row already added.
    pub fn column_with(
        mut self,
        head: &str,
        align: Align,
        gap: usize,
        cells: Vec<String>,
    ) -> Table {
        debug_assert_eq!(cells.len(), self.rows.len());
        self = self.column(head, align, gap);
        for (row, cell) in self.rows.iter_mut().zip(cells) {
            row.push(cell);
        }
        self
    }

    /// Adds a row of cells, one per column.
    pub fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.columns.len());
        self.rows.push(cells);
    }

    fn widths(&self) -> Vec<usize> {
        self.columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let head = c.head.iter().map(|h| width_of(h)).max().unwrap_or(0);
                let cells = self.rows.iter().map(|r| width_of(&r[i])).max();
                head.max(cells.unwrap_or(0))
            })
            .collect()
    }

    /// The width of the widest line.
    pub fn width(&self) -> usize {
        let gaps: usize = self.columns.iter().skip(1).map(|c| c.gap).sum();
        self.indent + gaps + self.widths().iter().sum::<usize>()
    }

    /// Shortens the cells of column `col` (names, abbreviated in the
    /// middle) until the table fits `width`, but not below `min`
    /// characters. Headers are not shortened.
    pub fn fit(&mut self, col: usize, width: usize, min: usize) {
        let excess = self.width().saturating_sub(width);
        if excess == 0 {
            return;
        }
        let current = self.widths()[col];
        let head = self.columns[col]
            .head
            .iter()
            .map(|h| width_of(h))
            .max()
            .unwrap_or(0);
        let target = current.saturating_sub(excess).max(min).max(head);
        for row in &mut self.rows {
            row[col] = abbreviate(&row[col], target);
        }
    }

    /// The table's lines, trailing spaces removed.
    pub fn render(&self) -> String {
        let widths = self.widths();
        let head_lines = self.columns.iter().map(|c| c.head.len()).max();
        let head_lines = head_lines.unwrap_or(0);
        let mut out = String::new();
        for line in 0..head_lines {
            let cells: Vec<String> = self
                .columns
                .iter()
                .map(|c| {
                    let skip = head_lines - c.head.len();
                    if line < skip {
                        String::new()
                    } else {
                        c.head[line - skip].clone()
                    }
                })
                .collect();
            self.line(&mut out, &widths, &cells);
        }
        for row in &self.rows {
            self.line(&mut out, &widths, row);
        }
        out
    }

    fn line(&self, out: &mut String, widths: &[usize], cells: &[String]) {
        let mut line = " ".repeat(self.indent);
        for (i, (c, cell)) in self.columns.iter().zip(cells).enumerate() {
            if i > 0 {
                line.push_str(&" ".repeat(c.gap));
            }
            let pad = " ".repeat(widths[i].saturating_sub(width_of(cell)));
            match c.align {
                Align::Left => {
                    line.push_str(cell);
                    line.push_str(&pad);
                }
                Align::Right => {
                    line.push_str(&pad);
                    line.push_str(cell);
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// Intervals `low – high` whose lows and highs line up in a column: each
/// low right-aligned to the widest low.
pub fn intervals(pairs: &[(String, String)]) -> Vec<String> {
    let low = pairs.iter().map(|(l, _)| width_of(l)).max().unwrap_or(0);
    let high = pairs.iter().map(|(_, h)| width_of(h)).max().unwrap_or(0);
    pairs
        .iter()
        .map(|(l, h)| format!("{l:>low$} – {h:>high$}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_name_keeps_its_end_after_an_ellipsis() {
        let short = abbreviate("funding.microsoft.probability", 24);
        assert_eq!(width_of(&short), 24);
        assert!(short.ends_with("probability"), "{short}");
        assert!(short.contains('…'), "{short}");
        assert_eq!(abbreviate("cash.initial", 24), "cash.initial");
    }

    #[test]
    fn prose_wraps_at_words_with_a_hanging_indent() {
        let text = wrap("one two three four five six", 11, "Note: ", "      ");
        assert_eq!(
            text,
            "Note: one\n      two\n      three\n      four\n      five\n      six\n"
        );
        for line in wrap(&"word ".repeat(40), 30, "", "  ").lines() {
            assert!(width_of(line) <= 30, "{line}");
        }
    }

    #[test]
    fn parts_pack_into_lines_without_splitting_a_part() {
        let parts: Vec<String> = ["100,000 paths", "seed 2023", "2 threads"]
            .map(String::from)
            .into();
        assert_eq!(
            pack(&parts, " · ", 80, ""),
            "100,000 paths · seed 2023 · 2 threads\n"
        );
        assert_eq!(
            pack(&parts, " · ", 26, "  "),
            "100,000 paths · seed 2023\n  2 threads\n"
        );
    }

    #[test]
    fn a_table_aligns_its_columns_and_fits_a_width_by_shortening_names() {
        let mut t = Table::new(2).column("input", Align::Left, 0).column(
            "P(insolvent\nby 2024-12)",
            Align::Right,
            2,
        );
        t.row(vec![
            "funding.microsoft.probability".into(),
            "0.536 %".into(),
        ]);
        t.row(vec!["cash.initial".into(), "12.00 %".into()]);
        let wide = t.render();
        assert_eq!(
            wide.lines().nth(2),
            Some("  funding.microsoft.probability      0.536 %")
        );
        t.fit(0, 30, 10);
        assert!(t.width() <= 30, "{}", t.render());
        assert!(t.render().lines().all(|l| width_of(l) <= 30));
    }
}
