//! What every chart shares: the SVG canvas (wide or narrow) with its
//! `<title>` and `<desc>`, the one palette, the title block with its legend
//! rows, and the number formats of labels.

use super::text::{fit_middle, text_width, wrap};
use crate::analysis::summary::Summary;
use crate::output::number;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Chart width in pixels (the wide variant, the one written to files).
pub const WIDTH: u32 = 800;
/// Chart height in pixels (the wide variant).
pub const HEIGHT: u32 = 500;
/// The only font family the charts use.
pub const FONT: &str = "sans-serif";

/// The pixel size of a chart's canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl Size {
    /// 800 × 500: the files, a desktop report and print.
    pub const WIDE: Size = Size {
        width: WIDTH,
        height: HEIGHT,
    };
    /// 420 × 540: the report on a phone. Drawn at this size with the same
    /// fonts, a 12 px label still reads at 10 px or more in a 360 px column.
    pub const NARROW: Size = Size {
        width: 420,
        height: 540,
    };
}

/// The drawing area every chart draws on.
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
/// Any drawing failure (drawing into a string cannot really fail).
pub(crate) type DrawResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

pub(crate) const INK: RGBColor = RGBColor(34, 34, 34);
pub(crate) const MUTED: RGBColor = RGBColor(90, 90, 90);
pub(crate) const GRID: RGBColor = RGBColor(225, 225, 225);
pub(crate) const AXIS: RGBColor = RGBColor(120, 120, 120);

/// The one palette of every chart: Okabe and Ito's eight colours, safe for
/// the common colour-vision deficiencies, in the order series take them
/// (blue, orange, bluish green, reddish purple, sky blue, vermillion,
/// yellow, black).
pub(crate) const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];
/// The main series (Okabe–Ito blue).
pub(crate) const BLUE_: RGBColor = PALETTE[0];
/// Warnings: the floor, insolvency, the highest decile (Okabe–Ito
/// vermillion; against blue it stays distinct without red–green vision).
pub(crate) const RED_: RGBColor = PALETTE[5];
/// Secondary marks (percentile lines, bars' range).
pub(crate) const GREY_: RGBColor = RGBColor(140, 140, 140);

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

/// Draws into a fresh SVG of `size` and returns its text, with `title` and
/// `desc` (what the chart shows, for screen readers and search) as the
/// document's `<title>` and `<desc>`. A drawing error (which an in-memory
/// SVG should never have) gives a small SVG saying so.
pub(crate) fn render(
    size: Size,
    title: &str,
    desc: &str,
    draw: impl FnOnce(&Area<'_>) -> DrawResult,
) -> String {
    let mut svg = String::new();
    let outcome = {
        let root = SVGBackend::with_string(&mut svg, (size.width, size.height)).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| -> Box<dyn std::error::Error> { Box::new(e) })
            .and_then(|()| draw(&root))
            .and_then(|()| root.present().map_err(|e| e.into()))
    };
    match outcome {
        Ok(()) => with_title(&svg, title, desc),
        Err(e) => failed_svg(size, &e.to_string()),
    }
}

/// `svg` with `<title>` and `<desc>` as the first children of its root, and
/// the root labelled by them (`role="img"`).
fn with_title(svg: &str, title: &str, desc: &str) -> String {
    let Some(end) = svg.find('>') else {
        return svg.to_string();
    };
    let (open, rest) = svg.split_at(end);
    format!(
        "{open} role=\"img\">\n<title>{}</title>\n<desc>{}</desc>{}",
        super::escape(title),
        super::escape(desc),
        &rest[1..]
    )
}

fn failed_svg(size: Size, message: &str) -> String {
    let (w, h) = (size.width, size.height);
    format!(
        "<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n\
         <title>chart could not be drawn</title>\n<desc>{0}</desc>\n\
         <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\"/>\n\
         <text x=\"20\" y=\"40\" font-family=\"{FONT}\" font-size=\"14\">chart could not be drawn: {0}</text>\n</svg>\n",
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

/// Draws the title and the subtitle (each wrapped to the canvas, at most
/// three lines) and, when there is more than one series, the legend rows;
/// returns the area left for the plot.
pub(crate) fn header<'a>(
    root: &Area<'a>,
    title: &str,
    subtitle: &str,
    legend: &[Entry],
) -> DrawResult<Area<'a>> {
    let width = root.dim_in_pixel().0 as i32;
    let room = f64::from(width - 2 * LEFT);
    let top = Pos::new(HPos::Left, VPos::Top);
    let mut y = 12;
    for line in wrap(title, TITLE_PX, room, 3) {
        root.draw(&Text::new(line, (LEFT, y), bold(TITLE_PX).pos(top)))?;
        y += 24;
    }
    y += 2;
    for line in wrap(subtitle, SUBTITLE_PX, room, 3) {
        root.draw(&Text::new(
            line,
            (LEFT, y),
            font(SUBTITLE_PX).color(&MUTED).pos(top),
        ))?;
        y += 18;
    }
    y += 4;
    let mut height = y + 2;
    if legend.len() > 1 {
        let mut x = LEFT;
        for entry in legend {
            let label = fit_middle(&entry.label, LEGEND_PX, room - 30.0);
            let w = 30 + text_width(&label, LEGEND_PX).round() as i32 + 18;
            if x > LEFT && x + w - 18 > width - LEFT {
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
            x += w;
        }
        height = y + 24;
    }
    Ok(root.split_vertically(height).1)
}

/// The subtitle naming the model, the scenario and the run.
pub(crate) fn subtitle(s: &Summary) -> String {
    format!(
        "{} · {} · {} paths · seed {}",
        s.model.name,
        scenario_label(s.model.scenario.as_deref()),
        group(s.paths),
        s.seed
    )
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
    number::count(n)
}

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
    format!("{} %", number::decimal(p * 100.0, d))
}

/// A money tick label: thousands separators, decimals only where the step needs them.
pub(crate) fn money_tick(x: f64, step: f64) -> String {
    number::decimal(x, decimals_for(step))
}

/// An amount for a label: a whole number without decimals (`150`, not
/// `150.0`), anything else as in the terminal report.
pub(crate) fn money_label(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        number::decimal(x, 0)
    } else {
        number::money(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_sizes_print_as_whole_pixels() {
        for px in [11.0, 12.0, 13.25, 14.0, 19.0] {
            assert_eq!(plotters_size(px) / 1.24, px);
        }
    }

    #[test]
    fn the_title_and_desc_become_the_first_children_of_the_root() {
        let svg = "<svg width=\"1\" height=\"1\">\n<rect/>\n</svg>\n";
        let out = with_title(svg, "A & B", "what <it> shows");
        assert!(out.starts_with(
            "<svg width=\"1\" height=\"1\" role=\"img\">\n<title>A &amp; B</title>\n<desc>what &lt;it&gt; shows</desc>\n<rect/>"
        ));
    }

    #[test]
    fn money_ticks_are_grouped_and_keep_the_decimals_of_the_step() {
        assert_eq!(money_tick(-2000.0, 2000.0), "-2,000");
        assert_eq!(money_tick(2.5, 0.5), "2.5");
        assert_eq!(money_label(150.0), "150");
    }
}
