//! Renderers: pure functions from result structs to text (tables, CSV,
//! JSON), to a workbook (`results.xlsx`, see [`xlsx`]) and to charts (SVG,
//! the one-file HTML report).

mod analysis;
mod analysis_table;
mod backtest;
mod bench;
pub mod chart;
mod check;
mod check_table;
mod csv;
mod explain;
mod explain_table;
mod failure_table;
mod json;
pub mod layout;
pub mod number;
mod rare;
mod rare_gain;
mod rare_table;
mod rows;
mod solve;
mod table;
mod update;
mod update_table;
pub mod xlsx;

pub use analysis::{
    render_compare_csv, render_compare_json, render_sensitivity_csv, render_sensitivity_json,
};
pub use analysis_table::{render_compare_table, render_sensitivity_table};
pub use backtest::{render_backtest_csv, render_backtest_json, render_backtest_table};
pub use bench::{render_bench_csv, render_bench_json, render_bench_table};
pub use check::{render_check_csv, render_check_json};
pub use check_table::render_check;
pub use csv::{
    num as csv_number, render_by_month_csv, render_convergence_csv, render_summary_csv, unit_suffix,
};
pub use explain::{render_explain_csv, render_explain_json};
pub use explain_table::render_explain_table;
pub use json::render_json;
pub use layout::DEFAULT_WIDTH;
pub use rare::{render_rare_csv, render_rare_json};
pub use rare_table::render_rare_table;
pub use solve::{
    render_frontier_csv, render_frontier_json, render_frontier_table, render_solve_csv,
    render_solve_json, render_solve_table,
};
pub use table::render_table;
pub use update::{render_update_csv, render_update_json, UpdateReport, UPDATE_INTERVAL_METHOD};
pub use update_table::render_update_table;

use crate::analysis::bench::BenchReport;
use crate::analysis::check::Check;
use crate::analysis::compare::Comparison;
use crate::analysis::sensitivity::Sensitivity;
use crate::analysis::summary::Summary;

/// A result as the three text formats every command prints: a terminal
/// table, CSV and JSON. Every result struct implements it, so a command
/// picks the format in one place.
pub trait Render {
    /// The terminal table, every line at most `width` characters (at
    /// least [`DEFAULT_WIDTH`]; wider shows more columns and full names).
    fn table(&self, width: usize) -> String;
    /// CSV: a header row, then one row per record.
    fn csv(&self) -> String;
    /// JSON, pretty-printed.
    fn json(&self) -> String;
}

impl Render for Summary {
    fn table(&self, width: usize) -> String {
        render_table(self, width)
    }
    fn csv(&self) -> String {
        String::from_utf8(render_summary_csv(self)).expect("CSV is UTF-8")
    }
    fn json(&self) -> String {
        render_json(self)
    }
}

impl Render for Comparison {
    fn table(&self, width: usize) -> String {
        render_compare_table(self, width)
    }
    fn csv(&self) -> String {
        render_compare_csv(self)
    }
    fn json(&self) -> String {
        render_compare_json(self)
    }
}

impl Render for Sensitivity {
    fn table(&self, width: usize) -> String {
        render_sensitivity_table(self, width)
    }
    fn csv(&self) -> String {
        render_sensitivity_csv(self)
    }
    fn json(&self) -> String {
        render_sensitivity_json(self)
    }
}

impl Render for BenchReport {
    fn table(&self, width: usize) -> String {
        render_bench_table(self, width)
    }
    fn csv(&self) -> String {
        render_bench_csv(self)
    }
    fn json(&self) -> String {
        render_bench_json(self)
    }
}

impl Render for Check<'_> {
    fn table(&self, width: usize) -> String {
        render_check(self, width)
    }
    fn csv(&self) -> String {
        render_check_csv(self)
    }
    fn json(&self) -> String {
        render_check_json(self)
    }
}
