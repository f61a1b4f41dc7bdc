//! The JSON report: the [`Summary`] as it is, pretty-printed.

use crate::analysis::summary::Summary;

/// The summary as pretty JSON (with a trailing newline).
pub fn render_json(summary: &Summary) -> String {
    let mut text = serde_json::to_string_pretty(summary).expect("a summary always serialises");
    text.push('\n');
    text
}
