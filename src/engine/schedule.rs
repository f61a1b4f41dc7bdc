//! Schedules compiled: a line's month-by-month plan becomes one factor per
//! month, computed once per plan; the monthly step multiplies the line's
//! amount by it (lines without a schedule do no work for it).

use crate::model::Schedule;

/// The factor of each month number (index 0 = month 1), or `None` for a
/// line without a schedule.
pub(super) fn month_factors(schedule: Option<&Schedule>, months: u32) -> Option<Vec<f64>> {
    schedule.map(|s| s.values(months))
}

/// The factor of month `t` of a line with a schedule.
#[inline(always)]
pub(super) fn factor_at(factors: &Option<Vec<f64>>, t: u32) -> Option<f64> {
    factors.as_ref().map(|f| f[t as usize - 1])
}
