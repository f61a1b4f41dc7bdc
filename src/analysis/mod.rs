//! The studies runway answers, each a function from a model (and a run
//! specification) to a result struct: the summary of a run, a scenario
//! comparison, a sensitivity analysis, a backtest, a throughput benchmark,
//! and a run that adds paths until it reaches a precision.

pub mod backtest;
pub mod bench;
pub mod compare;
pub mod precision;
pub mod sensitivity;
pub mod summary;
