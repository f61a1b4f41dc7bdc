//! What every chart shares: the 800 × 500 SVG canvas, the title block with
//! its legend row, tick choice, number formats and the month axis.

use crate::analysis::summary::Summary;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;

/// Chart width in pixels.
pub const WIDTH: u32 = 800;
/// Chart height in pixels.
pub const HEIGHT: u32 = 500;
/// The only font family the charts use.
pub const FONT: &str = "sans-serif";

/// The drawing area every chart draws on.
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
/// Any drawing failure (drawing into a string cannot really fail).
pub(crate) type DrawResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

pub(crate) const INK: RGBColor = RGBColor(34, 34, 34);
pub(crate) const MUTED: RGBColor = RGBColor(90, 90, 90);
pub(crate) const GRID: RGBColor = RGBColor(225, 225, 225);
pub(crate) const AXIS: RGBColor = RGBColor(120, 120, 120);
pub(crate) const BLUE_: RGBColor = RGBColor(31, 119, 180);
pub(crate) const RED_: RGBColor = RGBColor(200, 30, 40);
pub(crate) const GREY_: RGBColor = RGBColor(140, 140, 140);

/// Series colours, in order (Tableau 10: distinct and colour-blind aware).
pub(crate) const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// A text style whose SVG `font-size` is `px` (plotters divides by 1.24).
pub(crate) fn font(px: f64) -> TextStyle<'static> {
    TextStyle::from((FONT, plotters_size(px)).into_font()).color(&INK)
}

/// The size to give plotters so that the SVG says `font-size="px"` exactly
/// (it writes size / 1.24, and `13.0 * 1.24 / 1.24` prints as 13.000000000000002: pick sizes that round-trip).
fn plotters_size(px: f64) -> f64 {
    let mut size = px * 1.24;
    for _ in 0..8 {
        let back = size / 1.24;
        if back == px {
            break;
        }
        let bits = size.to_bits();
        size = f64::from_bits(if back > px { bits - 1 } else { bits + 1 });
    }
    size
}

/// A bold text style whose SVG `font-size` is `px`.
pub(crate) fn bold(px: f64) -> TextStyle<'static> {
    TextStyle::from(FontDesc::new(
        FontFamily::SansSerif,
        px * 1.24,
        FontStyle::Bold,
    ))
    .color(&INK)
}

/// Estimated width in pixels of `text` at `px` (generous for common sans fonts).
pub(crate) fn text_width(text: &str, px: f64) -> f64 {
    text.chars().count() as f64 * px * 0.6
}

/// Cuts `text` to at most `max` characters, ending with `…` when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Draws into a fresh 800 × 500 SVG and returns its text. A drawing error
/// (which an in-memory SVG should never have) gives a small SVG saying so.
pub(crate) fn render(draw: impl FnOnce(&Area<'_>) -> DrawResult) -> String {
    let mut svg = String::new();
    let outcome = {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| -> Box<dyn std::error::Error> { Box::new(e) })
            .and_then(|()| draw(&root))
            .and_then(|()| root.present().map_err(|e| e.into()))
    };
    match outcome {
        Ok(()) => svg,
        Err(e) => failed_svg(&e.to_string()),
    }
}

fn failed_svg(message: &str) -> String {
    format!(
        "<svg width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#FFFFFF\"/>\n\
         <text x=\"20\" y=\"40\" font-family=\"{FONT}\" font-size=\"14\">chart could not be drawn: {}</text>\n</svg>\n",
        super::escape(message)
    )
}

/// The mark drawn before a legend label.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Glyph {
    /// A line of this colour and width.
    Line(RGBColor, u32),
    /// A filled box of this colour and opacity.
    Band(RGBColor, f64),
    /// A dot of this colour.
    Dot(RGBColor),
}

/// One legend entry.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub glyph: Glyph,
    pub label: String,
}

impl Entry {
    pub fn new(glyph: Glyph, label: impl Into<String>) -> Entry {
        Entry {
            glyph,
            label: label.into(),
        }
    }
}

const TITLE_PX: f64 = 19.0;
const SUBTITLE_PX: f64 = 13.25;
const LEGEND_PX: f64 = 13.25;
const LEFT: i32 = 16;

/// Draws the title, the subtitle and (when there is more than one series)
/// the legend row; returns the area left for the plot.
pub(crate) fn header<'a>(
    root: &Area<'a>,
    title: &str,
    subtitle: &str,
    legend: &[Entry],
) -> DrawResult<Area<'a>> {
    let top = Pos::new(HPos::Left, VPos::Top);
    root.draw(&Text::new(
        truncate(title, 68),
        (LEFT, 12),
        bold(TITLE_PX).pos(top),
    ))?;
    root.draw(&Text::new(
        truncate(subtitle, SUBTITLE_CHARS),
        (LEFT, 38),
        font(SUBTITLE_PX).color(&MUTED).pos(top),
    ))?;
    let mut y = 60;
    let mut height = 62;
    if legend.len() > 1 {
        let mut x = LEFT;
        for entry in legend {
            let label = truncate(&entry.label, 60);
            let width = 30 + text_width(&label, LEGEND_PX).round() as i32 + 18;
            if x > LEFT && x + width > WIDTH as i32 - LEFT {
                x = LEFT;
                y += 20;
            }
            let mid = y + 8;
            match entry.glyph {
                Glyph::Line(color, w) => root.draw(&PathElement::new(
                    vec![(x, mid), (x + 24, mid)],
                    color.stroke_width(w),
                ))?,
                Glyph::Band(color, alpha) => root.draw(&Rectangle::new(
                    [(x, mid - 6), (x + 24, mid + 6)],
                    color.mix(alpha).filled(),
                ))?,
                Glyph::Dot(color) => root.draw(&Circle::new((x + 12, mid), 5, color.filled()))?,
            }
            root.draw(&Text::new(
                label,
                (x + 30, mid),
                font(LEGEND_PX).pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
            x += width;
        }
        height = y + 24;
    }
    Ok(root.split_vertically(height).1)
}

/// The subtitle naming the model, the scenario and the run.
pub(crate) fn subtitle(s: &Summary) -> String {
    fitted(
        &s.model.name,
        &format!(
            " · {} · {} paths · seed {}",
            scenario_label(s.model.scenario.as_deref()),
            group(s.paths),
            s.seed
        ),
    )
}

/// Characters that fit on the subtitle line.
const SUBTITLE_CHARS: usize = 96;

/// `name` followed by `rest`, shortening the name (not the rest) to fit the
/// subtitle line.
pub(crate) fn fitted(name: &str, rest: &str) -> String {
    let room = SUBTITLE_CHARS.saturating_sub(rest.chars().count()).max(24);
    format!("{}{rest}", truncate(name, room))
}

/// "scenario NAME" or "no scenario".
pub(crate) fn scenario_label(scenario: Option<&str>) -> String {
    match scenario {
        Some(name) => format!("scenario {name}"),
        None => "no scenario".to_string(),
    }
}

/// A whole number with thousands separators.
pub(crate) fn group(n: u64) -> String {
    crate::output::format_count(n)
}

/// Evenly spaced "nice" ticks covering [lo, hi]: (axis low, axis high,
/// ticks, step); the same round grid as the histogram's bin edges.
pub(crate) use crate::analysis::histogram::round_grid as ticks;

/// Decimals needed to print multiples of `step` exactly (at most 6).
fn decimals_for(step: f64) -> usize {
    (0..=6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(6)
}

/// A probability tick label in percent, with as many decimals as the step needs.
pub(crate) fn percent_tick(p: f64, step: f64) -> String {
    let d = decimals_for(step * 100.0);
    let v = p * 100.0;
    format!("{:.*} %", d, if v.abs() < 1e-12 { 0.0 } else { v })
}

/// A money tick label: thousands separators, decimals only where the step needs them.
pub(crate) fn money_tick(x: f64, step: f64) -> String {
    let d = decimals_for(step);
    let x = if x.abs() < 1e-9 * step.abs() { 0.0 } else { x };
    if d == 0 {
        let whole = x.round();
        let sign = if whole < 0.0 { "-" } else { "" };
        format!("{sign}{}", group(whole.abs() as u64))
    } else {
        format!("{x:.d$}")
    }
}

/// An amount for a label: a whole number without decimals (`150`, not
/// `150.0`), anything else as in the terminal report.
pub(crate) fn money_label(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        money_tick(x, 1.0)
    } else {
        crate::output::format_money(x)
    }
}

/// The month axis: which month indices get a label (always the last one,
/// the horizon), at 1, 2, 3, 4, 6, 12, … month steps, at most about ten.
pub(crate) fn month_ticks(months: usize) -> Vec<f64> {
    if months == 0 {
        return Vec::new();
    }
    let step = [1, 2, 3, 4, 6, 12, 24, 36, 60, 120, 240]
        .into_iter()
        .find(|&s| months.div_ceil(s) <= 10)
        .unwrap_or(600);
    let mut out: Vec<f64> = (0..months).rev().step_by(step).map(|i| i as f64).collect();
    out.reverse();
    out
}

/// Width of a y label area that fits these tick labels and the rotated axis title.
pub(crate) fn y_label_width(labels: &[String]) -> u32 {
    let widest = labels
        .iter()
        .map(|l| text_width(l, TICK_PX))
        .fold(0.0, f64::max);
    (widest + 40.0).round().clamp(60.0, 340.0) as u32
}

/// Font size of tick labels.
pub(crate) const TICK_PX: f64 = 12.0;
/// Font size of axis titles.
pub(crate) const AXIS_PX: f64 = 13.25;

/// One axis: its range, where its labels go, the labels and its title.
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    pub labels: Vec<String>,
    pub desc: String,
}

impl Axis {
    /// A probability axis from 0 (or `lo`) to at least `hi`, labelled in percent.
    /// The axis never goes past 100 %.
    pub fn percent(lo: f64, hi: f64, desc: impl Into<String>) -> Axis {
        let hi = if hi > lo { hi.min(1.0) } else { lo + 0.01 };
        let (lo, mut hi, mut ticks, step) = ticks(lo, hi, 6);
        if hi > 1.0 {
            ticks.retain(|&t| t <= 1.0 + 1e-9);
            hi = 1.0;
        }
        let labels = ticks.iter().map(|&t| percent_tick(t, step)).collect();
        Axis {
            lo,
            hi,
            ticks,
            labels,
            desc: desc.into(),
        }
    }

    /// A money axis covering [lo, hi], labelled with thousands separators.
    pub fn money(lo: f64, hi: f64, desc: impl Into<String>) -> Axis {
        Axis::money_with(lo, hi, 6, desc)
    }

    /// A money axis with about `target` ticks.
    pub fn money_with(lo: f64, hi: f64, target: usize, desc: impl Into<String>) -> Axis {
        let (lo, hi, ticks, step) = ticks(lo, hi, target);
        let labels = ticks.iter().map(|&t| money_tick(t, step)).collect();
        Axis {
            lo,
            hi,
            ticks,
            labels,
            desc: desc.into(),
        }
    }

    /// The month axis of a summary: one slot per month, labelled `YYYY-MM`.
    pub fn months(s: &Summary, desc: impl Into<String>) -> Axis {
        let n = s.insolvency.by_month.len();
        let ticks = month_ticks(n);
        let labels = ticks
            .iter()
            .map(|&t| s.insolvency.by_month[t as usize].month.to_string())
            .collect();
        Axis {
            lo: -0.5,
            hi: n.max(1) as f64 - 0.5,
            ticks,
            labels,
            desc: desc.into(),
        }
    }

    pub fn label_of(&self, v: f64) -> String {
        let tolerance = 1e-9 * (self.hi - self.lo).abs().max(1e-300);
        self.ticks
            .iter()
            .position(|t| (t - v).abs() <= tolerance)
            .map(|i| self.labels[i].clone())
            .unwrap_or_default()
    }
}

/// A linear coordinate from `lo` to `hi` whose grid lines and labels sit
/// exactly at `ticks` (plotters' own tick choice is not used).
#[derive(Debug, Clone)]
pub(crate) struct Ticked {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi - self.lo;
        if !(span > 0.0) {
            return (limit.0 + limit.1) / 2;
        }
        let t = (value - self.lo) / span;
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

impl Axis {
    pub fn coord(&self) -> Ticked {
        Ticked {
            lo: self.lo,
            hi: self.hi,
            ticks: self.ticks.clone(),
        }
    }
}

/// A plot with labelled key-point axes.
pub(crate) type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Ticked, Ticked>>;

/// Builds a plot on `area` and draws its grid, axes, tick labels and axis titles.
pub(crate) fn plot<'a, 'b>(area: &'a Area<'b>, x: &Axis, y: &Axis) -> DrawResult<Plot<'a, 'b>> {
    let mut chart = ChartBuilder::on(area)
        .margin_top(6)
        .margin_right(28)
        .margin_bottom(6)
        .margin_left(10)
        .x_label_area_size(50)
        .y_label_area_size(y_label_width(&y.labels))
        .build_cartesian_2d(x.coord(), y.coord())?;
    let x_fmt = |v: &f64| x.label_of(*v);
    let y_fmt = |v: &f64| y.label_of(*v);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .label_style(font(TICK_PX))
        .axis_desc_style(font(AXIS_PX))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc(x.desc.clone())
        .y_desc(y.desc.clone())
        .draw()?;
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
    fn font_sizes_print_as_whole_pixels() {
        for px in [11.0, 12.0, 13.25, 14.0, 19.0] {
            assert_eq!(plotters_size(px) / 1.24, px);
        }
    }

    #[test]
    fn month_ticks_always_include_the_horizon() {
        assert_eq!(month_ticks(17).last(), Some(&16.0));
        assert_eq!(month_ticks(17).len(), 9);
        assert_eq!(month_ticks(3), vec![0.0, 1.0, 2.0]);
        assert!(month_ticks(600).len() <= 10);
        assert_eq!(month_ticks(600).last(), Some(&599.0));
    }
}
