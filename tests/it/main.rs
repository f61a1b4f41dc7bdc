//! The integration tests, one binary (linked once): each file a module.

mod analysis;
mod analysis_out;
mod architecture;
mod backtest;
mod bad_input;
mod chart_layout;
mod charts;
mod cli;
mod debt;
mod distributions;
mod engine;
mod explain;
mod export;
mod golden;
mod golden_tables;
mod locations;
mod merge_identity;
mod metalog;
mod properties;
mod rand_distr_oracle;
mod sampling;
mod shard;
mod shard_checks;
mod signals;
mod spreadsheets;
mod width;
