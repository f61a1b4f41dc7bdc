//! Renderers: pure functions from a [`Summary`](crate::summary::Summary) to text.

mod json;
mod table;

pub use json::render_json;
pub use table::{format_money, format_probability, render_check, render_table};
