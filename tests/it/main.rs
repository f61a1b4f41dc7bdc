//! The integration tests, one binary (linked once): each file a module.

mod analysis;
mod analysis_out;
mod architecture;
mod backtest;
mod bad_input;
mod chart_layout;
mod charts;
mod cli;
mod distributions;
mod engine;
mod export;
mod golden;
mod golden_tables;
mod locations;
mod merge_identity;
mod properties;
mod rand_distr_oracle;
mod sampling;
mod shard;
mod shard_checks;
mod signals;
mod solve;
mod spreadsheets;
mod width;
