//! Renderers: pure functions from a [`Summary`](crate::summary::Summary) to text.

mod analysis;
mod bench;
mod json;
mod table;

pub use analysis::{
    render_compare_csv, render_compare_json, render_compare_table, render_sensitivity_csv,
    render_sensitivity_json, render_sensitivity_table,
};
pub use bench::{render_bench_csv, render_bench_json, render_bench_table};
pub use json::render_json;
pub use table::{format_count, format_money, format_probability, render_check, render_table};
