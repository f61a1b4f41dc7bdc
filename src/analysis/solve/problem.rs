//! One solve problem: a lever, its range, and the three levels it searches,
//! from the range's ends through any widening of the range to the end of
//! the search. Pure: it proposes values and is fed their counts.

use super::lever::{Lever, Range};
use super::search::{Level, LevelState, Point};
use crate::stats::wilson;

/// How many times a range without `--min`/`--max` is widened.
const MAX_WIDENINGS: usize = 6;
/// How many times an end of a default range is pulled back to a valid value.
const MAX_PULLBACKS: usize = 6;

/// The three count levels of a target: met when the count is at most the
/// level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    /// Largest count whose Wilson interval's low end is ≤ the target.
    pub low: u64,
    /// Largest count with count / paths ≤ the target.
    pub target: u64,
    /// Largest count whose Wilson interval's high end is < the target
    /// (`None`: every count's interval reaches the target).
    pub high: Option<u64>,
}

impl Levels {
    /// The levels of `target` on `paths` paths.
    pub fn new(target: f64, paths: u64) -> Levels {
        // Largest k in 0..=paths with ok(k), for ok true at 0 and monotone.
        let largest = |ok: &dyn Fn(u64) -> bool| -> Option<u64> {
            if !ok(0) {
                return None;
            }
            let (mut lo, mut hi) = (0u64, paths);
            while lo < hi {
                let mid = lo + (hi - lo).div_ceil(2);
                if ok(mid) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            Some(lo)
        };
        let n = paths as f64;
        Levels {
            low: largest(&|k| wilson(k, paths)[0] <= target).unwrap_or(0),
            target: largest(&|k| k as f64 / n <= target).unwrap_or(0),
            high: largest(&|k| wilson(k, paths)[1] < target),
        }
    }
}

/// Where a problem ended.
#[derive(Debug, Clone)]
pub enum End {
    /// The target is bracketed: its levels' searches.
    Reached {
        /// The target level's search.
        target: Level,
        /// The low-interval level's search.
        low: Level,
        /// The high-interval level's search (`None`: no count is below it).
        high: Option<Level>,
    },
    /// The target is not reached inside the range: the counts at its ends.
    Unreached {
        /// At the range's low end.
        lo: Point,
        /// At the range's high end.
        hi: Point,
        /// Why, in words.
        why: String,
        /// What the user can do about it.
        hint: &'static str,
    },
}

/// How wide, as a share of the answer's magnitude, a bracket may be when
/// the budget runs out for its value to stand as the answer.
const UNSETTLED_SHARE: f64 = 0.01;

enum Phase {
    Ends,
    Widen { end: usize, step: f64, tries: usize },
    Search,
    Done,
}

/// One lever's problem.
pub struct Problem {
    /// The lever.
    pub lever: Lever,
    /// Overrides applied before the lever's (a frontier's first lever).
    pub fixed: Vec<String>,
    /// The range searched (widened when it is the default).
    pub range: Range,
    /// Whether the user gave the range.
    pub given: bool,
    /// Every evaluation, in order.
    pub points: Vec<Point>,
    /// Most evaluations.
    pub budget: usize,
    levels: Levels,
    tolerance: f64,
    phase: Phase,
    widenings: usize,
    pullbacks: [usize; 2],
    search: Option<(Level, Level, Option<Level>)>,
    /// How it ended, once it has.
    pub end: Option<End>,
}

impl Problem {
    /// A problem on `lever` over `range` (`given` by the user or not), for
    /// the count levels `levels`, with at most `budget` evaluations.
    pub fn new(
        lever: Lever,
        fixed: Vec<String>,
        range: Range,
        given: bool,
        levels: Levels,
        budget: usize,
    ) -> Problem {
        let tolerance = if lever.whole {
            1.0
        } else {
            // The absolute part of the stopping width (the relative part
            // is the bracket's own: `Bracket::narrow`).
            1e-12 * (range.max - range.min).abs().max(1e-300)
        };
        Problem {
            lever,
            fixed,
            range,
            given,
            points: Vec::new(),
            budget,
            levels,
            tolerance,
            phase: Phase::Ends,
            widenings: 0,
            pullbacks: [0, 0],
            search: None,
            end: None,
        }
    }

    fn known(&self, value: f64) -> Option<Point> {
        self.points.iter().copied().find(|p| p.value == value)
    }

    fn ends(&self) -> [f64; 2] {
        [self.range.min, self.range.max]
    }

    /// The values to evaluate next (none once done or out of budget).
    pub fn proposals(&mut self) -> Vec<f64> {
        loop {
            let left = self.budget.saturating_sub(self.points.len());
            let wanted: Vec<f64> = match &self.phase {
                Phase::Done => return Vec::new(),
                Phase::Ends => self.ends().to_vec(),
                Phase::Widen { end, step, .. } => vec![self.ends()[*end] + step],
                Phase::Search => {
                    let Some((target, low, high)) = &self.search else {
                        return Vec::new();
                    };
                    let mut out = Vec::new();
                    // The interval's ends need less precision than the value.
                    let loose = if self.lever.whole {
                        1.0
                    } else {
                        self.tolerance * 10.0
                    };
                    let levels = [
                        (Some(target), self.tolerance),
                        (Some(low), loose),
                        (high.as_ref(), loose),
                    ];
                    for (level, tolerance) in levels {
                        let Some(level) = level else { continue };
                        if let Some(x) = level.propose(tolerance, self.lever.whole) {
                            if !out.contains(&x) {
                                out.push(x);
                            }
                        }
                    }
                    out
                }
            };
            let fresh: Vec<f64> = wanted
                .iter()
                .copied()
                .filter(|&v| self.known(v).is_none())
                .collect();
            if fresh.is_empty() && !wanted.is_empty() {
                // Everything wanted is known already: move on with it.
                for v in wanted {
                    let p = self.known(v).expect("known");
                    self.advance(p);
                }
                continue;
            }
            if wanted.is_empty() {
                self.finish_or_refuse_wide();
                return Vec::new();
            }
            if left == 0 {
                if matches!(self.phase, Phase::Search) {
                    self.finish_or_refuse_wide();
                } else {
                    self.stop_unreached(
                        "the evaluation budget ran out before the target was bracketed",
                        "give --min and --max around the answer, or raise --max-evaluations",
                    );
                }
                return Vec::new();
            }
            return fresh.into_iter().take(left).collect();
        }
    }

    /// A candidate value the model refused (a rule of the field): a
    /// default range pulls that end back towards the field's value, or
    /// stops widening; otherwise the error stands.
    pub fn refuse(&mut self, value: f64) -> bool {
        let current = self.lever.current;
        match &mut self.phase {
            Phase::Ends if !self.given => {
                let end = if value == self.range.min { 0 } else { 1 };
                if self.pullbacks[end] >= MAX_PULLBACKS {
                    return false;
                }
                self.pullbacks[end] += 1;
                let pulled = value + 0.5 * (current - value);
                let pulled = if self.lever.whole {
                    pulled.round()
                } else {
                    pulled
                };
                if end == 0 {
                    self.range.min = pulled;
                } else {
                    self.range.max = pulled;
                }
                self.range.min < self.range.max
            }
            Phase::Widen { step, tries, .. } => {
                *tries += 1;
                *step *= 0.5;
                if self.lever.whole {
                    *step = step.trunc();
                }
                if *tries > 4 || *step == 0.0 {
                    self.stop_unreached(
                        "the target is not reached inside the field's valid values",
                        "widen --min/--max or vary another field",
                    );
                }
                true
            }
            _ => false,
        }
    }

    /// The count at `value`, just evaluated.
    pub fn feed(&mut self, value: f64, count: u64) {
        let p = Point { value, count };
        if self.known(value).is_none() {
            self.points.push(p);
        }
        self.advance(p);
    }

    fn advance(&mut self, p: Point) {
        match &mut self.phase {
            Phase::Ends => {
                let [lo, hi] = self.ends();
                if let (Some(a), Some(b)) = (self.known(lo), self.known(hi)) {
                    self.check_ends(a, b);
                }
            }
            Phase::Widen { end, step, .. } => {
                let (end, step) = (*end, *step);
                if p.value == self.ends()[end] + step {
                    if end == 0 {
                        self.range.min = p.value;
                    } else {
                        self.range.max = p.value;
                    }
                    let [lo, hi] = self.ends();
                    let (a, b) = (self.known(lo).expect("lo"), self.known(hi).expect("hi"));
                    self.check_ends(a, b);
                }
            }
            Phase::Search => {
                if let Some((target, low, high)) = &mut self.search {
                    target.update(p);
                    low.update(p);
                    if let Some(h) = high {
                        h.update(p);
                    }
                }
            }
            Phase::Done => {}
        }
    }

    /// The range's ends are known: search, widen, or stop.
    fn check_ends(&mut self, lo: Point, hi: Point) {
        let target = Level::new(self.levels.target, lo, hi);
        match target.state {
            LevelState::Bracketed(_) => {
                let mut low = Level::new(self.levels.low, lo, hi);
                let mut high = self.levels.high.map(|h| Level::new(h, lo, hi));
                for &p in &self.points {
                    low.update(p);
                    if let Some(h) = &mut high {
                        h.update(p);
                    }
                }
                self.search = Some((target, low, high));
                self.phase = Phase::Search;
            }
            state => {
                if self.given || self.widenings >= MAX_WIDENINGS || lo.count == hi.count {
                    let why = if lo.count == hi.count {
                        "the probability is the same at both ends of the range"
                    } else if self.given {
                        "the target is not reached inside --min and --max"
                    } else {
                        "the target is not reached inside the widest range tried"
                    };
                    self.stop_unreached(why, "widen --min/--max or vary another field");
                    return;
                }
                // Widen towards fewer insolvent paths (never met) or more
                // (always met): move the end where the count goes that way.
                let toward_fewer = state == LevelState::NeverMet;
                let end = if (lo.count < hi.count) == toward_fewer {
                    0
                } else {
                    1
                };
                let width = self.range.max - self.range.min;
                let step = if end == 0 { -width } else { width };
                self.widenings += 1;
                self.phase = Phase::Widen {
                    end,
                    step,
                    tries: 0,
                };
            }
        }
    }

    fn stop_unreached(&mut self, why: &str, hint: &'static str) {
        let [lo, hi] = self.ends();
        let point = |v| self.known(v).unwrap_or(Point { value: v, count: 0 });
        self.end = Some(End::Unreached {
            lo: point(lo),
            hi: point(hi),
            why: why.to_string(),
            hint,
        });
        self.phase = Phase::Done;
    }

    /// The budget is spent: the answer stands if the target's bracket is
    /// narrow (within 1 % of the answer's magnitude, or of the field's own
    /// value for an answer near 0); otherwise the search says where the
    /// answer lies instead of giving a value whose P may be far from the
    /// target.
    fn finish_or_refuse_wide(&mut self) {
        let wide = match &self.search {
            Some((target, _, _)) => match &target.state {
                LevelState::Bracketed(b) => {
                    let magnitude = b.met.abs().max(b.not_met.abs());
                    let scale = magnitude.max(self.lever.current.abs());
                    (!self.lever.whole && b.width() > UNSETTLED_SHARE * scale).then_some((
                        b.met,
                        b.met_count,
                        b.not_met,
                        b.not_met_count,
                    ))
                }
                _ => None,
            },
            None => None,
        };
        let Some((met, met_count, not_met, not_met_count)) = wide else {
            self.finish_search();
            return;
        };
        let (lo, hi) = if met < not_met {
            (
                Point {
                    value: met,
                    count: met_count,
                },
                Point {
                    value: not_met,
                    count: not_met_count,
                },
            )
        } else {
            (
                Point {
                    value: not_met,
                    count: not_met_count,
                },
                Point {
                    value: met,
                    count: met_count,
                },
            )
        };
        self.end = Some(End::Unreached {
            lo,
            hi,
            why: format!(
                "the search used its {} evaluations before narrowing the answer to 1 % of its value; it lies between {} and {}",
                self.points.len(),
                super::lever_number(lo.value),
                super::lever_number(hi.value)
            ),
            hint: "give --min and --max closer to the answer, or raise --max-evaluations",
        });
        self.search = None;
        self.phase = Phase::Done;
    }

    fn finish_search(&mut self) {
        if let Some((target, low, high)) = self.search.take() {
            self.end = Some(End::Reached { target, low, high });
        }
        self.phase = Phase::Done;
    }

    /// True once the problem has ended.
    pub fn done(&self) -> bool {
        matches!(self.phase, Phase::Done)
    }
}
