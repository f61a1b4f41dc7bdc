//! Printing a result on stdout, in the format the user chose.

use super::args::Format;
use runway::error::{Error, Result};
use runway::output::Render;
use std::io::Write;
use std::path::PathBuf;

/// Prints `result` as a table, CSV or JSON: the one place every command's
/// format is chosen.
pub fn print_result(result: &impl Render, format: Format) -> Result<()> {
    print_stdout(&match format {
        Format::Table => result.table(),
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
