//! The README's backtest example: scores `configs/backtest_example.toml`
//! against `configs/backtest_example_actual.csv` (20 000 paths, seed 2023).
//!
//! `cargo run --release --example backtest_example [table|json|csv]`

use runway::backtest::{
    read_actuals, render_backtest_csv, render_backtest_json, render_backtest_table, run_backtest,
};
use runway::engine::{Progress, RunSpec};
use runway::model::{load_file, LoadOptions};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Relative paths, so that the report names the files as the README does.
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR"))?;
    let model = load_file(
        Path::new("configs/backtest_example.toml"),
        &LoadOptions::default(),
    )?;
    let actual = read_actuals(Path::new("configs/backtest_example_actual.csv"), &model)?;
    let spec = RunSpec {
        paths: 20_000,
        seed: 2023,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        fan: true,
        blocks: None,
    };
    let report = run_backtest(&model, &actual, &spec, &Progress::default())?;
    let format = std::env::args().nth(1).unwrap_or_else(|| "table".into());
    print!(
        "{}",
        match format.as_str() {
            "json" => render_backtest_json(&report),
            "csv" => render_backtest_csv(&report),
            _ => render_backtest_table(&report),
        }
    );
    Ok(())
}
