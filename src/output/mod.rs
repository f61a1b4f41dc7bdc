//! Renderers: pure functions from result structs to text (tables, CSV,
//! JSON) and to charts (SVG, the one-file HTML report).

mod analysis;
mod bench;
pub mod chart;
mod csv;
mod json;
mod table;

pub use analysis::{
    render_compare_csv, render_compare_json, render_compare_table, render_sensitivity_csv,
    render_sensitivity_json, render_sensitivity_table,
};
pub use bench::{render_bench_csv, render_bench_json, render_bench_table};
pub use csv::{
    num as csv_number, render_by_month_csv, render_convergence_csv, render_summary_csv, unit_suffix,
};
pub use json::render_json;
pub use table::{format_count, format_money, format_probability, render_check, render_table};
