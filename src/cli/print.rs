//! Printing a result on stdout, in the format the user chose.

use super::args::Format;
use runway::error::{Error, Result};
use runway::output::{Render, DEFAULT_WIDTH};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The width of `--wide` tables when stdout is not a terminal.
const WIDE_PIPED: usize = 160;

/// The width of every table this process prints, decided once from
/// `--wide` and stdout (see [`set_table_width`]).
static TABLE_WIDTH: OnceLock<usize> = OnceLock::new();

/// Decides the width of the tables: 80 columns, whatever the terminal;
/// with `wide`, the terminal's width (at least 80), or 160 columns when
/// stdout is not a terminal.
pub fn set_table_width(wide: bool) {
    let width = if !wide {
        DEFAULT_WIDTH
    } else if std::io::stdout().is_terminal() {
        terminal_size::terminal_size()
            .map_or(WIDE_PIPED, |(w, _)| usize::from(w.0))
            .max(DEFAULT_WIDTH)
    } else {
        WIDE_PIPED
    };
    let _ = TABLE_WIDTH.set(width);
}

/// The width of the tables (80 columns unless `--wide`).
pub fn table_width() -> usize {
    TABLE_WIDTH.get().copied().unwrap_or(DEFAULT_WIDTH)
}

/// Prints `result` as a table, CSV or JSON: the one place every command's
/// format is chosen.
pub fn print_result(result: &impl Render, format: Format) -> Result<()> {
    print_stdout(&match format {
        Format::Table => result.table(table_width()),
        Format::Json => result.json(),
        Format::Csv => result.csv(),
    })
}

/// Writes to stdout; a closed pipe (e.g. `| head`) is not an error.
pub fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(Error::Output {
            path: PathBuf::from("<stdout>"),
            action: "cannot write the report",
            source,
        }),
    }
}
