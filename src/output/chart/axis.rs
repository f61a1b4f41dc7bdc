//! Axes: round ticks, the month axis, the linear and symmetric-log scales,
//! and the plot with its axis titles (horizontal and wrapped, never
//! rotated, so a long unit cannot run off the canvas or into the legend).

use super::frame::{font, money_label, money_tick, percent_tick, Area, DrawResult};
use super::frame::{AXIS, GRID};
use super::text::{text_width, wrap};
use crate::analysis::summary::Summary;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;

/// Evenly spaced "nice" ticks covering [lo, hi]: (axis low, axis high,
/// ticks, step); the same round grid as the histogram's bin edges.
pub(crate) use crate::analysis::histogram::round_grid as ticks;

/// Font size of tick labels.
pub(crate) const TICK_PX: f64 = 12.0;
/// Font size of axis titles.
pub(crate) const AXIS_PX: f64 = 13.25;
/// Line height of axis titles.
const AXIS_LINE: u32 = 17;
/// Plot margins: left and right of the plot, where no label is drawn.
const MARGIN_LEFT: u32 = 10;
const MARGIN_RIGHT: u32 = 28;

/// How values map to pixels along an axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scale {
    /// In proportion.
    Linear,
    /// Symmetric log with linear threshold `c`: sign(v) · log10(1 + |v| / c).
    /// Linear near zero (|v| ≲ c), logarithmic beyond, defined for negative
    /// values, so a fan whose lower band dips below zero keeps it on the axis.
    SymLog(f64),
}

impl Scale {
    fn apply(self, v: f64) -> f64 {
        match self {
            Scale::Linear => v,
            Scale::SymLog(c) => v.signum() * (v.abs() / c).ln_1p(),
        }
    }
}

/// The month axis: which month indices get a label (always the last one,
/// the horizon), at 1, 2, 3, 4, 6, 12, … month steps, at most `max_labels`.
pub(crate) fn month_ticks(months: usize, max_labels: usize) -> Vec<f64> {
    if months == 0 {
        return Vec::new();
    }
    let step = [1, 2, 3, 4, 6, 12, 24, 36, 60, 120, 240]
        .into_iter()
        .find(|&s| months.div_ceil(s) <= max_labels.max(2))
        .unwrap_or(600);
    let mut out: Vec<f64> = (0..months).rev().step_by(step).map(|i| i as f64).collect();
    out.reverse();
    out
}

/// Width of a y label area that fits these tick labels.
pub(crate) fn y_label_width(labels: &[String]) -> u32 {
    let widest = labels
        .iter()
        .map(|l| text_width(l, TICK_PX))
        .fold(0.0, f64::max);
    (widest + 16.0).round().clamp(40.0, 340.0) as u32
}

/// The width of the plotting area on a canvas `width` wide whose y tick
/// labels need `y_labels` pixels.
pub(crate) fn plot_width(width: u32, y_labels: u32) -> f64 {
    f64::from(
        width
            .saturating_sub(MARGIN_LEFT + MARGIN_RIGHT + y_labels)
            .max(40),
    )
}

/// One axis: its range, scale, where its labels go, the labels and its title.
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    pub labels: Vec<String>,
    pub desc: String,
    pub scale: Scale,
}

impl Axis {
    fn linear(lo: f64, hi: f64, ticks: Vec<f64>, labels: Vec<String>, desc: String) -> Axis {
        Axis {
            lo,
            hi,
            ticks,
            labels,
            desc,
            scale: Scale::Linear,
        }
    }

    /// A probability axis from 0 (or `lo`) to at least `hi`, labelled in
    /// percent, with about `target` ticks. The axis never goes past 100 %.
    pub fn percent_with(lo: f64, hi: f64, target: usize, desc: impl Into<String>) -> Axis {
        let hi = if hi > lo { hi.min(1.0) } else { lo + 0.01 };
        let (lo, mut hi, mut ticks, step) = ticks(lo, hi, target);
        if hi > 1.0 {
            ticks.retain(|&t| t <= 1.0 + 1e-9);
            hi = 1.0;
        }
        let labels = ticks.iter().map(|&t| percent_tick(t, step)).collect();
        Axis::linear(lo, hi, ticks, labels, desc.into())
    }

    /// A probability axis with about six ticks.
    pub fn percent(lo: f64, hi: f64, desc: impl Into<String>) -> Axis {
        Axis::percent_with(lo, hi, 6, desc)
    }

    /// A money axis covering [lo, hi], labelled with thousands separators.
    pub fn money(lo: f64, hi: f64, desc: impl Into<String>) -> Axis {
        Axis::money_with(lo, hi, 6, desc)
    }

    /// A money axis with about `target` ticks.
    pub fn money_with(lo: f64, hi: f64, target: usize, desc: impl Into<String>) -> Axis {
        let (lo, hi, ticks, step) = ticks(lo, hi, target);
        let labels = ticks.iter().map(|&t| money_tick(t, step)).collect();
        Axis::linear(lo, hi, ticks, labels, desc.into())
    }

    /// A symmetric-log money axis covering [lo, hi]: ticks at 0 and at
    /// ± c, 10 c, 100 c, …, with c three decades below the largest |value|.
    pub fn symlog_money(lo: f64, hi: f64, desc: impl Into<String>) -> Axis {
        let top = lo.abs().max(hi.abs()).max(1e-300);
        let c = 10f64.powf((top.log10() - 3.0).floor());
        let decade_at_or_above = |v: f64| {
            let mut d = c;
            while d < v * (1.0 - 1e-12) {
                d *= 10.0;
            }
            d
        };
        let axis_hi = if hi > 0.0 {
            decade_at_or_above(hi)
        } else {
            0.0
        };
        let axis_lo = if lo < 0.0 {
            -decade_at_or_above(-lo)
        } else {
            0.0
        };
        let mut ticks = Vec::new();
        let mut d = c;
        while d <= -axis_lo * (1.0 + 1e-12) {
            ticks.push(-d);
            d *= 10.0;
        }
        ticks.reverse();
        ticks.push(0.0);
        let mut d = c;
        while d <= axis_hi * (1.0 + 1e-12) {
            ticks.push(d);
            d *= 10.0;
        }
        let labels = ticks.iter().map(|&t| money_label(t)).collect();
        Axis {
            lo: axis_lo,
            hi: axis_hi,
            ticks,
            labels,
            desc: desc.into(),
            scale: Scale::SymLog(c),
        }
    }

    /// The axis `build(target)` gives for the largest `target` (at most
    /// `max`) whose tick labels fit side by side on `plot_px` pixels.
    pub fn fitting(plot_px: f64, max: usize, build: impl Fn(usize) -> Axis) -> Axis {
        let mut target = max.max(2);
        loop {
            let axis = build(target);
            let widest = axis
                .labels
                .iter()
                .map(|l| text_width(l, TICK_PX))
                .fold(0.0, f64::max);
            if target <= 2 || (widest + 14.0) * axis.ticks.len() as f64 <= plot_px {
                return axis;
            }
            target -= 1;
        }
    }

    /// The month axis of a summary on a canvas `width` pixels wide: one slot
    /// per month, labelled `YYYY-MM`, as many labels as fit.
    pub fn months(s: &Summary, width: u32, desc: impl Into<String>) -> Axis {
        let n = s.insolvency.by_month.len();
        let slot = text_width("2023-08", TICK_PX) + 14.0;
        let fit = (plot_width(width, 80) / slot).floor() as usize;
        let ticks = month_ticks(n, fit.min(10));
        let labels = ticks
            .iter()
            .map(|&t| s.insolvency.by_month[t as usize].month.to_string())
            .collect();
        Axis::linear(-0.5, n.max(1) as f64 - 0.5, ticks, labels, desc.into())
    }

    /// A month axis over `labels` (one per month, YYYY-MM), as [`Axis::months`].
    pub fn month_labels(labels: &[String], width: u32, desc: impl Into<String>) -> Axis {
        let n = labels.len();
        let slot = text_width("2023-08", TICK_PX) + 14.0;
        let fit = (plot_width(width, 80) / slot).floor() as usize;
        let ticks = month_ticks(n, fit.min(10));
        let shown = ticks.iter().map(|&t| labels[t as usize].clone()).collect();
        Axis::linear(-0.5, n.max(1) as f64 - 0.5, ticks, shown, desc.into())
    }

    pub fn label_of(&self, v: f64) -> String {
        let tolerance = 1e-9 * (self.hi - self.lo).abs().max(1e-300);
        self.ticks
            .iter()
            .position(|t| (t - v).abs() <= tolerance.max(1e-12 * t.abs()))
            .map(|i| self.labels[i].clone())
            .unwrap_or_default()
    }

    pub fn coord(&self) -> Ticked {
        Ticked {
            lo: self.lo,
            hi: self.hi,
            ticks: self.ticks.clone(),
            scale: self.scale,
        }
    }
}

/// A coordinate from `lo` to `hi` on a scale whose grid lines and labels
/// sit exactly at `ticks` (plotters' own tick choice is not used).
#[derive(Debug, Clone)]
pub(crate) struct Ticked {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    pub scale: Scale,
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let (lo, hi) = (self.scale.apply(self.lo), self.scale.apply(self.hi));
        let span = hi - lo;
        if !(span > 0.0) {
            return (limit.0 + limit.1) / 2;
        }
        let t = (self.scale.apply(*value) - lo) / span;
        let pixels = f64::from(limit.1 - limit.0) * t;
        limit.0 + (pixels + 1e-3).floor().clamp(-1e6, 1e6) as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// A plot with labelled key-point axes.
pub(crate) type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Ticked, Ticked>>;

/// Builds a plot on `area` and draws its grid, axes and tick labels, the y
/// axis title above the plot and the x axis title under its tick labels
/// (both wrapped to fit: at most two lines above, three below).
pub(crate) fn plot<'a, 'b>(area: &'a Area<'b>, x: &Axis, y: &Axis) -> DrawResult<Plot<'a, 'b>> {
    let y_area = y_label_width(&y.labels);
    plot_with(area, x, y.coord(), y_area, &y.desc, &|v| y.label_of(*v))
}

/// [`plot`] with a y coordinate, label width, title and label text of the
/// caller's (the tornado's rows of names: with an empty title, the grid
/// lines are vertical).
pub(crate) fn plot_with<'a, 'b>(
    area: &'a Area<'b>,
    x: &Axis,
    y: Ticked,
    y_area: u32,
    y_desc: &str,
    y_fmt: &dyn Fn(&f64) -> String,
) -> DrawResult<Plot<'a, 'b>> {
    let (width, height) = area.dim_in_pixel();
    let plot_px = plot_width(width, y_area);
    let y_lines = if y_desc.is_empty() {
        Vec::new()
    } else {
        wrap(y_desc, AXIS_PX, f64::from(width - 2 * MARGIN_LEFT), 2)
    };
    let x_lines = if x.desc.is_empty() {
        Vec::new()
    } else {
        wrap(&x.desc, AXIS_PX, plot_px, 3)
    };
    let top = 8 + AXIS_LINE * y_lines.len() as u32;
    let x_area = 26 + AXIS_LINE * x_lines.len() as u32;
    let rows = y_desc.is_empty();
    let mut chart = ChartBuilder::on(area)
        .margin_top(top)
        .margin_right(MARGIN_RIGHT)
        .margin_bottom(4)
        .margin_left(MARGIN_LEFT)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x.coord(), y)?;
    let x_fmt = |v: &f64| x.label_of(*v);
    let mut mesh = chart.configure_mesh();
    // Grid lines across the value axis: horizontal on a plot over months,
    // vertical on the tornado's rows of names (no y title).
    if rows {
        mesh.disable_y_mesh();
    } else {
        mesh.disable_x_mesh();
    }
    mesh.bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .label_style(font(TICK_PX))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(y_fmt)
        .draw()?;
    let top_left = Pos::new(HPos::Left, VPos::Top);
    for (i, line) in y_lines.into_iter().enumerate() {
        let y = 4 + AXIS_LINE as i32 * i as i32;
        area.draw(&Text::new(
            line,
            (MARGIN_LEFT as i32, y),
            font(AXIS_PX).pos(top_left),
        ))?;
    }
    let centre = (MARGIN_LEFT + y_area) as i32 + (plot_px / 2.0) as i32;
    let first = height as i32 - 4 - x_area as i32 + 24;
    for (i, line) in x_lines.into_iter().enumerate() {
        area.draw(&Text::new(
            line,
            (centre, first + AXIS_LINE as i32 * i as i32),
            font(AXIS_PX).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    Ok(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_cover_the_range_with_round_steps() {
        let (lo, hi, t, step) = ticks(0.0, 0.0053, 6);
        assert_eq!(lo, 0.0);
        assert!(hi >= 0.0053);
        assert_eq!(step, 0.001);
        assert_eq!(t.len(), 7);
        assert_eq!(percent_tick(t[3], step), "0.3 %");
        let (_, _, t, step) = ticks(-1234.0, 8900.0, 6);
        assert_eq!(step, 2000.0);
        assert_eq!(money_tick(t[0], step), "-2,000");
    }

    #[test]
    fn month_ticks_always_include_the_horizon() {
        assert_eq!(month_ticks(17, 10).last(), Some(&16.0));
        assert_eq!(month_ticks(17, 10).len(), 9);
        assert_eq!(month_ticks(3, 10), vec![0.0, 1.0, 2.0]);
        assert!(month_ticks(600, 10).len() <= 10);
        assert_eq!(month_ticks(600, 10).last(), Some(&599.0));
        assert!(month_ticks(120, 4).len() <= 4);
    }

    #[test]
    fn a_symlog_axis_has_decade_ticks_on_both_sides_of_zero() {
        let a = Axis::symlog_money(-25_000.0, 3_000_000.0, "cash");
        assert_eq!(a.scale, Scale::SymLog(1000.0));
        assert_eq!(a.lo, -100_000.0);
        assert_eq!(a.hi, 10_000_000.0);
        assert_eq!(a.labels.first().map(String::as_str), Some("-100,000"));
        assert!(a.labels.iter().any(|l| l == "0"));
        assert_eq!(a.labels.last().map(String::as_str), Some("10,000,000"));
        let c = a.coord();
        // Zero sits where sign·log puts it; each decade takes the same room.
        let px = |v: f64| c.map(&v, (0, 1000));
        assert!(px(0.0) > px(-1000.0) && px(0.0) < px(1000.0));
        let d1 = px(100_000.0) - px(10_000.0);
        let d2 = px(1_000_000.0) - px(100_000.0);
        assert!((d1 - d2).abs() * 20 <= d1, "{d1} {d2}");
    }

    #[test]
    fn fitted_axes_drop_ticks_until_their_labels_fit() {
        let a = Axis::fitting(300.0, 8, |t| Axis::money_with(0.0, 1e6, t, "x"));
        let widest = a
            .labels
            .iter()
            .map(|l| text_width(l, TICK_PX))
            .fold(0.0, f64::max);
        assert!(
            (widest + 14.0) * a.ticks.len() as f64 <= 300.0,
            "{:?}",
            a.labels
        );
        assert!(a.ticks.len() < Axis::money_with(0.0, 1e6, 8, "x").ticks.len());
    }
}
