//! The studies runway answers, each a function from a model (and a run
//! specification) to a result struct: the summary of a run, a scenario
//! comparison, a sensitivity analysis, a backtest, a throughput benchmark,
//! a run that adds paths until it reaches a precision; and the numbers behind
//! the end-cash histogram and the `check` listing.

pub mod backtest;
pub mod bench;
pub mod check;
pub mod compare;
pub mod explain;
pub mod histogram;
pub mod precision;
pub mod rare;
pub mod sensitivity;
pub mod solve;
pub mod summary;
pub mod update;
