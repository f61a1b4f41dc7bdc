//! The search of one lever: where the count of insolvent paths crosses
//! three levels (the target, and the two ends of the value's interval).
//!
//! With common random numbers the count C(v) of paths insolvent by the
//! month is a step function of the lever's value v on the sample. A level
//! L (a whole number of paths) is *met* at v when C(v) ≤ L. The search keeps,
//! for each level, a bracket: a value where it is not met and one where it
//! is; each evaluation (one value, all paths) narrows every bracket it falls
//! in, whichever level proposed it. A level proposes its next value by
//! regula falsi on the counts at its bracket's ends (the Illinois variant,
//! so that one end cannot stay put for long), which for a smooth-looking
//! step function converges in a few evaluations and, once the bracket holds
//! a single step, becomes bisection. The search is pure: no simulation, no
//! randomness, so the same counts give the same values.

/// A bracket of one level: the values where it is not met and met, with
/// their counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bracket {
    /// A value where C > L.
    pub not_met: f64,
    /// C at `not_met`.
    pub not_met_count: u64,
    /// A value where C ≤ L.
    pub met: f64,
    /// C at `met`.
    pub met_count: u64,
    /// Illinois weights of the two ends (halved when an end stays).
    weights: [f64; 2],
    /// Which end the last evaluation moved (0 not met, 1 met).
    last_moved: Option<usize>,
}

impl Bracket {
    /// Width of the bracket.
    pub fn width(&self) -> f64 {
        (self.met - self.not_met).abs()
    }

    /// True when the bracket is at most `tolerance` wide, or within a
    /// millionth of its ends' magnitude: a range given far wider than the
    /// answer (0 to 10⁸ for a cash of 3 000) still narrows to the answer's
    /// own scale, not to a share of the range.
    pub fn narrow(&self, tolerance: f64) -> bool {
        let magnitude = self.met.abs().max(self.not_met.abs());
        self.width() <= tolerance.max(RELATIVE_TOLERANCE * magnitude)
    }
}

/// The bracket width, relative to its ends' magnitude, at which a level's
/// search stops.
const RELATIVE_TOLERANCE: f64 = 1e-6;

/// The search state of one level.
#[derive(Debug, Clone, PartialEq)]
pub enum LevelState {
    /// Both ends of the range meet the level (C ≤ L everywhere evaluated).
    AlwaysMet,
    /// Neither end meets it.
    NeverMet,
    /// A crossing is bracketed.
    Bracketed(Bracket),
}

/// One level's search.
#[derive(Debug, Clone)]
pub struct Level {
    /// The level: met when C ≤ `count`.
    pub count: u64,
    /// Where it stands.
    pub state: LevelState,
}

/// One evaluation: a value and its count of insolvent paths.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The lever's value.
    pub value: f64,
    /// Paths insolvent by the month.
    pub count: u64,
}

impl Level {
    /// The level's state after evaluating the range's two ends.
    pub fn new(count: u64, lo: Point, hi: Point) -> Level {
        let state = match (lo.count <= count, hi.count <= count) {
            (true, true) => LevelState::AlwaysMet,
            (false, false) => LevelState::NeverMet,
            (lo_met, _) => {
                let (not_met, met) = if lo_met { (hi, lo) } else { (lo, hi) };
                LevelState::Bracketed(Bracket {
                    not_met: not_met.value,
                    not_met_count: not_met.count,
                    met: met.value,
                    met_count: met.count,
                    weights: [1.0, 1.0],
                    last_moved: None,
                })
            }
        };
        Level { count, state }
    }

    /// True when the level's bracket is at most `tolerance` wide (or it has
    /// none): it proposes no more values.
    pub fn settled(&self, tolerance: f64) -> bool {
        match &self.state {
            LevelState::Bracketed(b) => b.narrow(tolerance),
            _ => true,
        }
    }

    /// The next value to evaluate: regula falsi on the bracket's counts,
    /// kept at least a tenth of the width inside it (whole numbers when
    /// `whole`). `None` when settled.
    pub fn propose(&self, tolerance: f64, whole: bool) -> Option<f64> {
        let LevelState::Bracketed(b) = &self.state else {
            return None;
        };
        if b.narrow(tolerance) {
            return None;
        }
        // Where the line through the weighted ends crosses L + 1/2, on a
        // log scale of the count: a tail probability is close to
        // exponential in a lever, so the line fits it far better there.
        let scale = |c: f64| (c + 0.5).ln();
        let goal = scale(self.count as f64 + 0.5);
        let c0 = scale(b.not_met_count as f64) * b.weights[0] + goal * (1.0 - b.weights[0]);
        let c1 = scale(b.met_count as f64) * b.weights[1] + goal * (1.0 - b.weights[1]);
        let share = if c0 > c1 {
            (c0 - goal) / (c0 - c1)
        } else {
            0.5
        };
        let share = share.clamp(0.02, 0.98);
        let mut x = b.not_met + share * (b.met - b.not_met);
        if whole {
            x = x.round();
            let (lo, hi) = (b.not_met.min(b.met), b.not_met.max(b.met));
            if x <= lo {
                x = lo + 1.0;
            }
            if x >= hi {
                x = hi - 1.0;
            }
            if x <= lo || x >= hi {
                return None;
            }
        }
        Some(x)
    }

    /// Narrows the bracket with an evaluation inside it.
    pub fn update(&mut self, point: Point) {
        let LevelState::Bracketed(b) = &mut self.state else {
            return;
        };
        let (lo, hi) = (b.not_met.min(b.met), b.not_met.max(b.met));
        if !(point.value > lo && point.value < hi) {
            return;
        }
        let moved = if point.count <= self.count {
            b.met = point.value;
            b.met_count = point.count;
            1
        } else {
            b.not_met = point.value;
            b.not_met_count = point.count;
            0
        };
        b.weights[moved] = 1.0;
        if b.last_moved == Some(moved) {
            b.weights[1 - moved] *= 0.5;
        }
        b.last_moved = Some(moved);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a search of one level on a count function until settled.
    fn solve(count: u64, f: impl Fn(f64) -> u64, lo: f64, hi: f64, tol: f64) -> (Level, usize) {
        let p = |v: f64| Point {
            value: v,
            count: f(v),
        };
        let mut level = Level::new(count, p(lo), p(hi));
        let mut evaluations = 2;
        while let Some(x) = level.propose(tol, false) {
            level.update(p(x));
            evaluations += 1;
            assert!(evaluations < 200, "the search does not settle");
        }
        (level, evaluations)
    }

    #[test]
    fn a_smooth_decreasing_count_is_bracketed_to_the_tolerance_in_few_steps() {
        // C(v) = floor(100 000 · exp(−v)): C ≤ 10 000 from v = ln(100 000 / 10 001).
        let f = |v: f64| (100_000.0 * (-v).exp()).floor() as u64;
        let (level, evaluations) = solve(10_000, f, 0.0, 20.0, 1e-6);
        let LevelState::Bracketed(b) = level.state else {
            panic!("not bracketed")
        };
        assert!(f(b.met) <= 10_000 && f(b.not_met) > 10_000);
        assert!(
            (b.met - (100_000f64 / 10_001.0).ln()).abs() < 1e-5,
            "{}",
            b.met
        );
        assert!(evaluations <= 16, "{evaluations} evaluations");
    }

    #[test]
    fn an_increasing_count_is_met_on_the_low_side() {
        let f = |v: f64| (v * 1000.0).floor() as u64;
        let (level, _) = solve(2500, f, 0.0, 10.0, 1e-7);
        let LevelState::Bracketed(b) = level.state else {
            panic!("not bracketed")
        };
        assert!(b.met < b.not_met);
        assert!((b.met - 2.501).abs() < 1e-6, "{}", b.met);
    }

    #[test]
    fn a_level_outside_the_counts_of_the_range_is_reported_as_such() {
        let f = |v: f64| (100.0 - v) as u64;
        assert_eq!(solve(5, f, 0.0, 10.0, 1e-6).0.state, LevelState::NeverMet);
        assert_eq!(
            solve(500, f, 0.0, 10.0, 1e-6).0.state,
            LevelState::AlwaysMet
        );
    }

    #[test]
    fn whole_number_levers_settle_on_neighbouring_values() {
        let f = |v: f64| if v < 7.0 { 50 } else { 10 };
        let p = |v: f64| Point {
            value: v,
            count: f(v),
        };
        let mut level = Level::new(20, p(1.0), p(18.0));
        while let Some(x) = level.propose(1.0, true) {
            assert_eq!(x, x.round());
            level.update(p(x));
        }
        let LevelState::Bracketed(b) = level.state else {
            panic!("not bracketed")
        };
        assert_eq!((b.not_met, b.met), (6.0, 7.0));
    }
}
