//! Headcount of cost lines with a hiring plan: each path's headcount starts
//! at its drawn start and, each month t,
//!
//! ```text
//! H_t = H_{t−1} × (1 − attrition) + fill_rate × planned(t − slip)
//! ```
//!
//! with `planned(m)` the plan's hires of month m (0 before the first
//! month) and slip the path's drawn slip rounded to whole months. The
//! headcount is fractional (the expected headcount given the path's
//! inputs); the line's amount is its level (cost per head) × H_t.

use super::months::{part, round_month};
use super::scratch::Scratch;
use super::BLOCK_SIZE;
use crate::model::Hiring;
use std::ops::Range;

/// A hiring plan compiled: the slots of its per-path inputs and the
/// planned hires by month number (index 0, before the first month, is 0).
#[derive(Debug, Clone)]
pub(super) struct HiringPlan {
    pub(super) start: usize,
    pub(super) slip: usize,
    pub(super) fill_rate: usize,
    pub(super) attrition: usize,
    pub(super) planned: Vec<f64>,
}

impl HiringPlan {
    /// The plan of `hiring`, with `slot` the per-path slot of an input.
    pub(super) fn new(hiring: &Hiring, slot: impl Fn(&crate::model::Input) -> usize) -> HiringPlan {
        let mut planned = vec![0.0];
        planned.extend_from_slice(&hiring.hires);
        HiringPlan {
            start: slot(&hiring.start),
            slip: slot(&hiring.slip),
            fill_rate: slot(&hiring.fill_rate),
            attrition: slot(&hiring.attrition),
            planned,
        }
    }
}

/// The arrays of one line's headcount (empty for a line without a plan).
#[derive(Clone, Default)]
pub(crate) struct Headcount {
    /// The headcount this month.
    pub(super) heads: Vec<f64>,
    /// 1 − attrition.
    keep: Vec<f64>,
    /// The fill rate.
    fill: Vec<f64>,
    /// The slip in whole months, clamped to 0..=months + 1.
    slip: Vec<u32>,
}

impl Headcount {
    /// Arrays for a line with a plan (`true`) or none.
    pub(super) fn new(has_plan: bool) -> Headcount {
        if !has_plan {
            return Headcount::default();
        }
        Headcount {
            heads: vec![0.0; BLOCK_SIZE],
            keep: vec![0.0; BLOCK_SIZE],
            fill: vec![0.0; BLOCK_SIZE],
            slip: vec![0; BLOCK_SIZE],
        }
    }

    /// Sets each path's start, keep, fill rate and slip from its inputs.
    pub(super) fn start(&mut self, h: &HiringPlan, inputs: &[Vec<f64>], months: u32) {
        self.heads.copy_from_slice(&inputs[h.start]);
        let (a, f, s) = (&inputs[h.attrition], &inputs[h.fill_rate], &inputs[h.slip]);
        for j in 0..BLOCK_SIZE {
            self.keep[j] = 1.0 - a[j];
            self.fill[j] = f[j];
            self.slip[j] = round_month(s[j]).clamp(0, i64::from(months) + 1) as u32;
        }
    }

    /// Month `t` for paths `r`: attrition, then the month's (slipped) hires.
    #[inline(always)]
    pub(super) fn month(&mut self, planned: &[f64], r: &Range<usize>, t: u32) {
        let heads = &mut self.heads[r.clone()];
        let (keep, fill) = (part(&self.keep, r), part(&self.fill, r));
        let slip = &self.slip[r.clone()];
        for j in 0..heads.len() {
            let m = t.saturating_sub(slip[j]);
            heads[j] = heads[j] * keep[j] + fill[j] * planned[m as usize];
        }
    }
}

/// Starts the headcount of every line with a plan.
pub(super) fn start_headcounts(plan: &super::plan::Plan, inputs: &[Vec<f64>], s: &mut Scratch) {
    for (c, hc) in plan.costs.iter().zip(s.headcount.iter_mut()) {
        if let Some(h) = &c.hiring {
            hc.start(h, inputs, plan.months);
        }
    }
}
