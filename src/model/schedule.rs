//! Month-by-month plans of a line: a schedule of amounts (or prices) and a
//! hiring plan, in their checked form.
//!
//! A schedule is a list of points (month number, value); between points it
//! holds (`step`) or interpolates (`linear`), before the first point it has
//! the first value and after the last the last. A hiring plan is the number
//! of planned hires of each month with the per-path inputs that move the
//! headcount (its start, the slip of the plan, the fill rate, attrition).

use super::Input;

/// How a schedule runs between its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScheduleShape {
    /// A point's value holds until the next point.
    #[default]
    Step,
    /// Straight lines between points.
    Linear,
}

/// A month-by-month plan of a line's amount or price.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// Field path, e.g. `costs.opex.schedule`.
    pub path: String,
    /// (month number, value), month numbers increasing (1 = the first
    /// simulated month; points before the start or after the horizon are
    /// kept, they shape the months between), at least one point.
    pub points: Vec<(i32, f64)>,
    /// Step or linear between points.
    pub shape: ScheduleShape,
}

impl Schedule {
    /// The schedule's value in months 1..=`months` (index 0 = month 1).
    pub fn values(&self, months: u32) -> Vec<f64> {
        (1..=months).map(|t| self.at(t)).collect()
    }

    /// The value in month `t`.
    pub fn at(&self, t: u32) -> f64 {
        let t = t as i32;
        let (first, last) = (self.points[0], self.points[self.points.len() - 1]);
        if t <= first.0 {
            return first.1;
        }
        if t >= last.0 {
            return last.1;
        }
        let next = self.points.partition_point(|&(m, _)| m <= t);
        let (a, b) = (self.points[next - 1], self.points[next]);
        match self.shape {
            ScheduleShape::Step => a.1,
            ScheduleShape::Linear => {
                let w = f64::from(t - a.0) / f64::from(b.0 - a.0);
                a.1 + (b.1 - a.1) * w
            }
        }
    }
}

/// A cost line's hiring plan: the line's amount is its cost per head
/// times the path's headcount.
#[derive(Debug, Clone)]
pub struct Hiring {
    /// Headcount before the first month, drawn per path.
    pub start: Input,
    /// Planned hires of each simulated month (index 0 = month 1); hires
    /// planned after the horizon are not kept.
    pub hires: Vec<f64>,
    /// Months by which every hire of the plan slips, drawn per path and
    /// rounded to whole months.
    pub slip: Input,
    /// Fraction of planned hires that join, drawn per path.
    pub fill_rate: Input,
    /// Fraction of the headcount that leaves each month (not replaced),
    /// drawn per path.
    pub attrition: Input,
}

impl Hiring {
    /// The per-path inputs of the plan, in the model's input order.
    pub fn inputs(&self) -> [&Input; 4] {
        [&self.start, &self.slip, &self.fill_rate, &self.attrition]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(shape: ScheduleShape) -> Schedule {
        Schedule {
            path: "costs.x.schedule".into(),
            points: vec![(3, 10.0), (7, 30.0), (8, 5.0)],
            shape,
        }
    }

    #[test]
    fn a_step_schedule_holds_each_value_until_the_next_point() {
        let v = schedule(ScheduleShape::Step).values(10);
        assert_eq!(v, [10., 10., 10., 10., 10., 10., 30., 5., 5., 5.]);
    }

    #[test]
    fn a_linear_schedule_interpolates_and_holds_outside_its_points() {
        let v = schedule(ScheduleShape::Linear).values(10);
        assert_eq!(v, [10., 10., 10., 15., 20., 25., 30., 5., 5., 5.]);
    }
}
