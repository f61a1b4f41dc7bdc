//! Streaming, mergeable statistics and every estimator runway reports:
//! proportions with Wilson and Newcombe intervals, quantile sketches,
//! mid-ranks, forecast scores (Brier, log score, Kolmogorov–Smirnov), and
//! the per-run tally the engine fills with its cumulative insolvency curve.

mod exact;
mod failure;
mod forecast;
mod proportion;
mod rank;
mod sketch;
mod tally;
mod weighted;

pub use exact::{ExactSquareSum, ExactSum};
pub use failure::{cumulative, FailureTally, FailureWire};
pub use forecast::{
    brier_score, ks_critical_value, ks_uniform_statistic, log_score, KS_ALPHA, LOG_SCORE_CLAMP,
};
pub use proportion::{newcombe_independent, newcombe_paired, wilson, Proportion, Z_95};
pub use rank::{mid_ranks, MidRanks};
pub use sketch::{
    RankLookup, Sketch, SketchWire, RELATIVE_ERROR as SKETCH_RELATIVE_ERROR,
    ZERO_THRESHOLD as SKETCH_ZERO_THRESHOLD,
};
pub use tally::{Fan, FanWire, Tally, TallyWire};
pub use weighted::{WeightedEstimate, WeightedTally};
