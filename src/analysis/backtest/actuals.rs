//! The actual outcomes: read from a CSV file and checked against the model.

use super::Quantity;
use crate::error::{Error, Result};
use crate::model::{Model, Month};
use std::path::Path;

/// Columns the actual-outcomes CSV may have (`month` is required).
pub const ALLOWED_COLUMNS: [&str; 6] = ["month", "cash", "revenue", "cost", "users", "insolvent"];

/// One observed value.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The month.
    pub month: Month,
    /// What was observed.
    pub quantity: Quantity,
    /// The value, in the model's unit (users: a count).
    pub value: f64,
    /// 1-based line of the CSV file it came from (`None` if not from a file).
    pub line: Option<u64>,
}

/// What is known about the company's insolvency: the last month it is known
/// to have been solvent and the first month by which it is known to have
/// been insolvent. "Insolvent by month m" is known to be false for months up
/// to `solvent_through`, true from `insolvent_by` on, unknown in between.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct InsolvencyOutcome {
    /// Last month known solvent (cash at or above the floor at the end of
    /// every month up to it).
    pub solvent_through: Option<Month>,
    /// First month by which it is known to have been insolvent.
    pub insolvent_by: Option<Month>,
    /// The month it became insolvent, when the actuals name it.
    pub insolvent_in: Option<Month>,
}

impl InsolvencyOutcome {
    /// Whether the company was insolvent by the end of `month`, when known.
    pub fn known_by(&self, month: Month) -> Option<bool> {
        if self.insolvent_by.is_some_and(|m| month >= m) {
            Some(true)
        } else if self.solvent_through.is_some_and(|m| month <= m) {
            Some(false)
        } else {
            None
        }
    }

    /// True when nothing is known.
    pub fn is_empty(&self) -> bool {
        self.solvent_through.is_none() && self.insolvent_by.is_none()
    }

    /// The outcome in words.
    pub fn describe(&self) -> String {
        match (self.insolvent_in, self.insolvent_by, self.solvent_through) {
            (Some(m), _, _) => format!("insolvent in {m}"),
            (None, Some(by), Some(st)) => {
                format!("solvent through {st}, insolvent by {by}")
            }
            (None, Some(by), None) => format!("insolvent by {by}"),
            (None, None, Some(st)) => format!("solvent through {st}"),
            (None, None, None) => "not given (no `insolvent` values in the actuals)".into(),
        }
    }
}

/// The actual outcomes read from a CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct Actuals {
    /// The file as the user named it.
    pub file: String,
    /// Observed values (empty cells are not observations).
    pub observations: Vec<Observation>,
    /// What the `insolvent` column says.
    pub insolvency: InsolvencyOutcome,
}

/// A cell or line of the actuals file that breaks a rule, at `place`
/// (`line 4, column cash`).
fn cell_error(file: &str, place: String, value: Option<&str>, rule: String) -> Error {
    Error::Field {
        file: file.to_string(),
        path: place,
        value: value.map(|v| format!("{v:?}")),
        rule,
        at: None,
    }
}

/// Reads the actual-outcomes CSV at `path` and checks it against `model`.
pub fn read_actuals(path: &Path, model: &Model) -> Result<Actuals> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::Input {
        file: file.clone(),
        rule: format!("cannot read the actual-outcomes file: {e}"),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| Error::Input {
        file: file.clone(),
        rule: format!(
            "not UTF-8 text (byte {}); save the actual outcomes as a UTF-8 CSV file",
            e.utf8_error().valid_up_to()
        ),
    })?;
    parse_actuals(&text, &file, model)
}

fn months_text(model: &Model) -> String {
    format!("{} to {}", model.start, model.horizon())
}

fn in_range(model: &Model, m: Month) -> bool {
    m >= model.start && m <= model.horizon()
}

fn model_has_users(model: &Model) -> bool {
    model.revenues.iter().any(|r| r.arpu.is_some())
}

const USERS_RULE: &str = "the model has no users × arpu revenue line, so it forecasts no users to score against; remove the column or add `users` and `arpu` to a revenue line";

/// Line numbers of the CSV text for the reader's record positions.
///
/// The reader gives each record the byte where the material before it
/// begins, blank and comment lines included, and its own line count is off
/// after blank lines and in CRLF files (rust-csv issues 208 and 395); so a
/// record's line is the first line from that byte on that is neither blank
/// nor a comment.
struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of every line's start.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The 1-based line of what the reader placed at `position`, or
    /// `otherwise` when it gave none.
    fn line(&self, position: Option<&csv::Position>, otherwise: u64) -> u64 {
        let Some(position) = position else {
            return otherwise;
        };
        let mut at = (position.byte() as usize).min(self.text.len());
        // Lines that start at or before `at`: the 1-based line of `at`.
        let mut line = self.starts.partition_point(|&s| s <= at);
        while let Some(&next) = self.starts.get(line) {
            let rest = &self.text[at..next - 1];
            if !(rest.trim().is_empty() || rest.starts_with('#')) {
                break;
            }
            at = next;
            line += 1;
        }
        line as u64
    }
}

/// A claim about insolvency made by one line, for contradiction messages.
#[derive(Debug, Clone, Copy)]
struct Claim {
    month: Month,
    line: u64,
    named_month: bool,
}

fn describe_claim(claim: &Claim, solvent: bool) -> String {
    if claim.named_month {
        format!(
            "line {} says it became insolvent in {}",
            claim.line,
            if solvent {
                claim.month.plus(1)
            } else {
                claim.month
            }
        )
    } else if solvent {
        format!(
            "line {} says it was still solvent (0) in {}",
            claim.line, claim.month
        )
    } else {
        format!(
            "line {} says it was insolvent (1) by {}",
            claim.line, claim.month
        )
    }
}

/// What the `insolvent` cells so far say: the latest month claimed solvent,
/// the earliest claimed insolvent, and the month named as the one of
/// insolvency.
#[derive(Debug, Default)]
struct InsolvencyClaims {
    solvent: Option<Claim>,
    insolvent: Option<Claim>,
    named: Option<Claim>,
}

impl InsolvencyClaims {
    /// Adds the `insolvent` cell of `month` on `line`; the error is the rule
    /// it breaks.
    fn add(&mut self, model: &Model, cell: &str, month: Month, line: u64) -> Result<(), String> {
        let (new_solvent, new_insolvent) = match cell {
            "0" => (Some(month), None),
            "1" => (None, Some(month)),
            other => {
                let m = self.named_month(model, other, line)?;
                (Some(m.plus(-1)), Some(m))
            }
        };
        let named_month = new_solvent.is_some() && new_insolvent.is_some();
        let claim = |month| Claim {
            month,
            line,
            named_month,
        };
        if let Some(m) = new_solvent {
            if self.solvent.is_none_or(|c| m > c.month) {
                self.solvent = Some(claim(m));
            }
        }
        if let Some(m) = new_insolvent {
            if self.insolvent.is_none_or(|c| m < c.month) {
                self.insolvent = Some(claim(m));
            }
        }
        if let (Some(s), Some(i)) = (self.solvent, self.insolvent) {
            if s.month >= i.month {
                let other = if s.line != line {
                    describe_claim(&s, true)
                } else {
                    describe_claim(&i, false)
                };
                return Err(format!(
                    "contradicts an earlier row: {other}. `insolvent` is 1 from the month cash first fell below the floor onwards, 0 before it"
                ));
            }
        }
        Ok(())
    }

    /// Reads a cell that names the month of insolvency.
    fn named_month(&mut self, model: &Model, cell: &str, line: u64) -> Result<Month, String> {
        let Some(m) = Month::parse(cell) else {
            return Err("write 0 (not insolvent by the end of this month), 1 (insolvent by then) or the month it became insolvent as YYYY-MM".into());
        };
        if !in_range(model, m) {
            return Err(format!(
                "the month of insolvency is outside the model's months {}",
                months_text(model)
            ));
        }
        if let Some(prev) = self.named.filter(|c| c.month != m) {
            return Err(format!(
                "line {} names another month of insolvency, {}; a company becomes insolvent once",
                prev.line, prev.month
            ));
        }
        self.named = Some(Claim {
            month: m,
            line,
            named_month: true,
        });
        Ok(m)
    }

    fn outcome(&self) -> InsolvencyOutcome {
        InsolvencyOutcome {
            solvent_through: self.solvent.map(|c| c.month),
            insolvent_by: self.insolvent.map(|c| c.month),
            insolvent_in: self.named.map(|c| c.month),
        }
    }
}

/// Reads an observed value; the error is the rule it breaks.
fn parse_value(quantity: Quantity, cell: &str) -> Result<f64, String> {
    let value: f64 = cell.parse().map_err(|_| {
        "not a number; write a plain number in the model's unit, e.g. 1234.5 (no thousands separators, currency signs or units)".to_string()
    })?;
    if !value.is_finite() {
        return Err("not a finite number (NaN and infinity cannot be observed); leave the cell empty when there is no value".into());
    }
    if quantity != Quantity::Cash && value < 0.0 {
        return Err(format!("{} cannot be negative", quantity.name()));
    }
    Ok(value)
}

/// A row with every cell empty (`,,,`, as spreadsheets export) says nothing.
fn is_blank(record: &csv::StringRecord) -> bool {
    record.iter().all(str::is_empty)
}

/// The header: lower-cased column names and where `month` is.
struct Header {
    columns: Vec<String>,
    month: usize,
    line: u64,
}

impl Header {
    fn parse(record: &csv::StringRecord, line: u64, file: &str, model: &Model) -> Result<Header> {
        let mut columns: Vec<String> = Vec::with_capacity(record.len());
        for name in record.iter() {
            let key = name.to_ascii_lowercase();
            let at = |column: &str| format!("line {line}, column {column}");
            if !ALLOWED_COLUMNS.contains(&key.as_str()) {
                return Err(cell_error(
                    file,
                    at(name),
                    None,
                    format!(
                        "unknown column; allowed columns: {} (month required)",
                        ALLOWED_COLUMNS.join(", ")
                    ),
                ));
            }
            if columns.contains(&key) {
                return Err(cell_error(
                    file,
                    at(name),
                    None,
                    "this column appears twice in the header; give each column once".into(),
                ));
            }
            if key == "users" && !model_has_users(model) {
                return Err(cell_error(file, at("users"), None, USERS_RULE.into()));
            }
            columns.push(key);
        }
        let Some(month) = columns.iter().position(|c| c == "month") else {
            return Err(cell_error(
                file,
                format!("line {line}"),
                None,
                format!(
                    "no `month` column; the header must name `month` (YYYY-MM) and any of: {}",
                    ALLOWED_COLUMNS[1..].join(", ")
                ),
            ));
        };
        Ok(Header {
            columns,
            month,
            line,
        })
    }
}

/// The rows read so far.
struct Rows<'a> {
    file: &'a str,
    model: &'a Model,
    header: Header,
    /// Each month seen, with its line.
    seen: Vec<(Month, u64)>,
    observations: Vec<Observation>,
    claims: InsolvencyClaims,
}

impl Rows<'_> {
    /// Reads one row (not blank) on `line`.
    fn add(&mut self, record: &csv::StringRecord, line: u64) -> Result<()> {
        let columns = self.header.columns.len();
        if record.len() != columns {
            return Err(cell_error(
                self.file,
                format!("line {line}"),
                None,
                format!(
                    "this row has {} cells but the header (line {}) has {columns} columns; leave a cell empty (`,,`) when there is no value",
                    record.len(),
                    self.header.line,
                ),
            ));
        }
        let month = self.month(&record[self.header.month], line)?;
        for (col, cell) in self.header.columns.iter().zip(record.iter()) {
            if cell.is_empty() || col == "month" {
                continue;
            }
            let rule = if col == "insolvent" {
                self.claims.add(self.model, cell, month, line).err()
            } else {
                let quantity = Quantity::from_column(col).expect("columns were checked");
                match parse_value(quantity, cell) {
                    Ok(value) => {
                        self.observations.push(Observation {
                            month,
                            quantity,
                            value,
                            line: Some(line),
                        });
                        None
                    }
                    Err(rule) => Some(rule),
                }
            };
            if let Some(rule) = rule {
                let place = format!("line {line}, column {col}");
                return Err(cell_error(self.file, place, Some(cell), rule));
            }
        }
        Ok(())
    }

    /// Reads the month cell of a row: a month of the model, not seen before.
    fn month(&mut self, text: &str, line: u64) -> Result<Month> {
        let place = || format!("line {line}, column month");
        let wrong = |rule: String| cell_error(self.file, place(), Some(text), rule);
        if text.is_empty() {
            return Err(cell_error(
                self.file,
                place(),
                None,
                "every row needs a month (YYYY-MM)".into(),
            ));
        }
        let month = Month::parse(text)
            .ok_or_else(|| wrong("not a month; write YYYY-MM, e.g. 2024-03".into()))?;
        if !in_range(self.model, month) {
            return Err(wrong(format!(
                "outside the model's months {}",
                months_text(self.model)
            )));
        }
        if let Some((_, first)) = self.seen.iter().find(|(m, _)| *m == month) {
            return Err(wrong(format!(
                "{month} already appears on line {first}; give each month one row"
            )));
        }
        self.seen.push((month, line));
        Ok(month)
    }

    /// The actuals, once every row is read.
    fn finish(mut self) -> Result<Actuals> {
        let at_header = format!("line {}", self.header.line);
        if self.seen.is_empty() {
            return Err(cell_error(
                self.file,
                at_header,
                None,
                "the file has a header but no rows; add one row per observed month".into(),
            ));
        }
        let insolvency = self.claims.outcome();
        if self.observations.is_empty() && insolvency.is_empty() {
            return Err(cell_error(
                self.file,
                at_header,
                None,
                "every cell besides `month` is empty: there is nothing to score".into(),
            ));
        }
        self.observations.sort_by_key(|o| (o.month, o.quantity));
        Ok(Actuals {
            file: self.file.to_string(),
            observations: self.observations,
            insolvency,
        })
    }
}

/// Parses the actual-outcomes CSV `text` (`file` names it in messages) and
/// checks it against `model`: known columns, months within the model's
/// range, finite numbers, one row per month, a consistent `insolvent` column.
pub fn parse_actuals(text: &str, file: &str, model: &Model) -> Result<Actuals> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = LineIndex::new(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| {
        let line = lines.line(e.position(), 1);
        cell_error(
            file,
            format!("line {line}"),
            None,
            format!("not valid CSV: {e}"),
        )
    };
    let mut records = reader.records();
    let header = match records.find(|r| !matches!(r, Ok(record) if is_blank(record))) {
        None => {
            return Err(cell_error(
                file,
                "line 1".into(),
                None,
                format!(
                    "the file is empty; the first line must be a header such as `month,cash,revenue,insolvent` (allowed columns: {})",
                    ALLOWED_COLUMNS.join(", ")
                ),
            ))
        }
        Some(r) => r.map_err(csv_error)?,
    };
    let header_line = lines.line(header.position(), 1);
    let mut rows = Rows {
        file,
        model,
        header: Header::parse(&header, header_line, file, model)?,
        seen: Vec::new(),
        observations: Vec::new(),
        claims: InsolvencyClaims::default(),
    };
    for record in records {
        let record = record.map_err(csv_error)?;
        if !is_blank(&record) {
            rows.add(&record, lines.line(record.position(), 0))?;
        }
    }
    rows.finish()
}

/// Checks actuals built in code (or read for another model) against `model`.
pub(super) fn check_against(model: &Model, actual: &Actuals) -> Result<()> {
    let place = |line: Option<u64>, col: &str| match line {
        Some(l) => format!("line {l}, column {col}"),
        None => format!("column {col}"),
    };
    for o in &actual.observations {
        if !in_range(model, o.month) {
            return Err(cell_error(
                &actual.file,
                place(o.line, "month"),
                Some(&o.month.to_string()),
                format!("outside the model's months {}", months_text(model)),
            ));
        }
        if !o.value.is_finite() {
            return Err(cell_error(
                &actual.file,
                place(o.line, o.quantity.name()),
                Some(&o.value.to_string()),
                "not a finite number".into(),
            ));
        }
        if o.quantity == Quantity::Users && !model_has_users(model) {
            return Err(cell_error(
                &actual.file,
                place(o.line, "users"),
                None,
                USERS_RULE.into(),
            ));
        }
    }
    Ok(())
}
