//! `results.xlsx`: a native Excel workbook of a run's results, for the
//! spreadsheet users whose locale reads a CSV's `.` decimals wrongly.
//!
//! Every number is a number cell with a number format (probabilities as
//! percent, money with the unit in the column's header), every month a text
//! cell `YYYY-MM`, so no locale can turn a value into text or a date. The
//! workbook is built from whichever results a command has (a run's
//! [`Summary`] and its model's [`Check`], a [`Comparison`], a
//! [`Sensitivity`]); `render_xlsx` only reads them and returns the file's
//! bytes. The bytes are deterministic: the document's creation time is
//! fixed (1980-01-01, the zip format's epoch, as rust_xlsxwriter stamps
//! every zip entry), so the same results give the same file; the run's real
//! times are in `manifest.json`.

mod analysis;
mod run;

use crate::analysis::check::Check;
use crate::analysis::compare::Comparison;
use crate::analysis::sensitivity::Sensitivity;
use crate::analysis::summary::Summary;
use crate::error::{Error, Result};
use rust_xlsxwriter::{ColNum, DocProperties, ExcelDateTime, Format, RowNum, Workbook, Worksheet};
use rust_xlsxwriter::{FormatAlign, XlsxError};

/// The results a workbook shows; each part present adds its sheets.
///
/// - `summary`: the sheets `summary` (with the survival-curve and cash-fan
///   charts), `by month` and `about`;
/// - `check`: `inputs` (every drawn input with its p5, median, p95 and
///   distribution, as `runway check` lists them);
/// - `comparison`: `comparison` (one row per scenario);
/// - `sensitivity`: `sensitivity` (one row per input, ranked).
#[derive(Debug, Clone, Copy, Default)]
pub struct Sheets<'a> {
    /// A run's summary.
    pub summary: Option<&'a Summary>,
    /// The run's model's inputs.
    pub check: Option<&'a Check<'a>>,
    /// A scenario comparison.
    pub comparison: Option<&'a Comparison>,
    /// A sensitivity ranking.
    pub sensitivity: Option<&'a Sensitivity>,
}

/// The workbook file's name in an output folder.
pub const XLSX_FILE: &str = "results.xlsx";

/// The workbook of `sheets` as the bytes of an `.xlsx` file.
pub fn render_xlsx(sheets: &Sheets<'_>) -> Result<Vec<u8>> {
    build(sheets).map_err(|e| Error::Internal(format!("cannot build {XLSX_FILE}: {e}")))
}

fn build(sheets: &Sheets<'_>) -> std::result::Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    let title = sheets
        .summary
        .map(|s| s.model.name.clone())
        .or_else(|| sheets.comparison.map(|c| c.model.clone()))
        .or_else(|| sheets.sensitivity.map(|s| s.model.clone()))
        .unwrap_or_default();
    book.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author(format!("runway {}", env!("CARGO_PKG_VERSION")))
            .set_creation_datetime(&ExcelDateTime::from_ymd(1980, 1, 1)?),
    );
    if let Some(summary) = sheets.summary {
        book.push_worksheet(run::summary_sheet(summary, &formats)?);
        book.push_worksheet(run::by_month_sheet(summary, &formats)?);
    }
    if let Some(check) = sheets.check {
        book.push_worksheet(run::inputs_sheet(check, &formats)?);
    }
    if let Some(comparison) = sheets.comparison {
        book.push_worksheet(analysis::comparison_sheet(comparison, &formats)?);
    }
    if let Some(sensitivity) = sheets.sensitivity {
        book.push_worksheet(analysis::sensitivity_sheet(sensitivity, &formats)?);
    }
    if let Some(summary) = sheets.summary {
        book.push_worksheet(run::about_sheet(summary, &formats)?);
    }
    if book.worksheets().is_empty() {
        // A workbook needs a sheet; an empty one says why it is empty.
        let mut sheet = Worksheet::new();
        sheet.set_name("about")?;
        sheet.write_string(0, 0, "no results")?;
        book.push_worksheet(sheet);
    }
    book.save_to_buffer()
}

/// The cell formats every sheet uses.
pub(crate) struct Formats {
    /// A column header: bold, wrapped.
    pub header: Format,
    /// A probability: percent with three decimals (0.536 %).
    pub percent: Format,
    /// Money: thousands grouped, two decimals.
    pub money: Format,
    /// A count: thousands grouped.
    pub count: Format,
    /// A whole number without grouping (a seed, months).
    pub whole: Format,
    /// A plain number (an input's quantiles, a correlation).
    pub number: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            percent: Format::new().set_num_format("0.000%"),
            money: Format::new().set_num_format("#,##0.00"),
            count: Format::new().set_num_format("#,##0"),
            whole: Format::new().set_num_format("0"),
            number: Format::new().set_num_format("0.0000"),
        }
    }
}

/// Writes the header row of a table and freezes it, with column widths.
pub(crate) fn header(
    sheet: &mut Worksheet,
    columns: &[(&str, f64)],
    formats: &Formats,
) -> std::result::Result<(), XlsxError> {
    for (col, (name, width)) in columns.iter().enumerate() {
        let col = col as ColNum;
        sheet.write_string_with_format(0, col, *name, &formats.header)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Writes a number with `format`; an absent or non-finite value is an
/// empty cell (Excel has no NaN).
pub(crate) fn number(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    value: Option<f64>,
    format: &Format,
) -> std::result::Result<(), XlsxError> {
    match value {
        Some(v) if v.is_finite() => {
            sheet.write_number_with_format(row, col, v, format)?;
        }
        _ => {}
    }
    Ok(())
}

/// A probability and its interval in three cells from `col` on.
pub(crate) fn probability(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    p: f64,
    ci95: [f64; 2],
    formats: &Formats,
) -> std::result::Result<(), XlsxError> {
    number(sheet, row, col, Some(p), &formats.percent)?;
    number(sheet, row, col + 1, Some(ci95[0]), &formats.percent)?;
    number(sheet, row, col + 2, Some(ci95[1]), &formats.percent)
}

/// A column header for money: `NAME (UNIT)`.
pub(crate) fn money_header(name: &str, unit: &str) -> String {
    format!("{name} ({unit})")
}
