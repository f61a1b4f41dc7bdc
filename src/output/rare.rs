//! The rare-event report as JSON and CSV (the table is in
//! [`super::rare_table`]).
//!
//! The JSON keeps the run report's keys where they mean the same thing
//! (`model`, `paths`, `seed`, `start`, `horizon`, `unit`, `floor`,
//! `insolvency.probability`, `insolvency.ci95`, `insolvency.by_month[].
//! cumulative_probability`, …, `warnings`, `run`) and adds the estimates'
//! spread and a `rare` object: the method, its interval, its work and its
//! diagnostics. Counts of insolvent paths are left out of `insolvency`:
//! the paths carry weights, so a count is no estimate of anything
//! (`rare.event_paths` says how many were seen).

use super::csv::num;
use super::Render;
use crate::analysis::rare::RareReport;

/// The report as pretty JSON (with a trailing newline).
pub fn render_rare_json(report: &RareReport) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("a report always serialises");
    text.push('\n');
    text
}

/// The insolvency curve as CSV: one row per month (estimate, standard
/// error, interval, relative error, effective paths, new in the month and
/// its share of the insolvencies), with the method and whether the
/// report is reliable on every row.
pub fn render_rare_csv(report: &RareReport) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let head = [
        "month",
        "cumulative_probability",
        "standard_error",
        "ci95_low",
        "ci95_high",
        "relative_error",
        "effective_paths",
        "probability_in_month",
        "share_of_insolvencies",
        "method",
        "reliable",
    ];
    w.write_record(head).expect("writing to memory cannot fail");
    let method = report.rare.method;
    let reliable = if report.reliable { "1" } else { "0" };
    for row in &report.insolvency.by_month {
        w.write_record([
            row.month.to_string(),
            num(Some(row.cumulative_probability)),
            num(Some(row.cumulative_standard_error)),
            num(Some(row.cumulative_ci95[0])),
            num(Some(row.cumulative_ci95[1])),
            num(Some(row.cumulative_relative_error)),
            num(Some(row.cumulative_effective_paths)),
            num(Some(row.probability_in_month)),
            num(Some(row.share_of_insolvencies)),
            method.to_string(),
            reliable.to_string(),
        ])
        .expect("writing to memory cannot fail");
    }
    let bytes = w.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("CSV is UTF-8")
}

impl Render for RareReport {
    fn table(&self, width: usize) -> String {
        super::rare_table::render_rare_table(self, width)
    }
    fn csv(&self) -> String {
        render_rare_csv(self)
    }
    fn json(&self) -> String {
        render_rare_json(self)
    }
}
