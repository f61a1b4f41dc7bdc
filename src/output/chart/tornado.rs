//! The tornado chart of a sensitivity analysis.

use super::axis::{plot_width, plot_with, Axis, Scale, Ticked, TICK_PX};
use super::frame::{
    font, group, header, render, scenario_label, Area, DrawResult, Entry, Glyph, Size, AXIS, BLUE_,
    GREY_, RED_,
};
use super::text::{fit_names, text_width};
use crate::analysis::sensitivity::{Driver, Sensitivity};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Pixels kept free at the right of the largest whisker for the swing label.
const LABEL_ROOM_PX: f64 = 78.0;

/// Inputs shown in the tornado (the largest |swing| first).
pub const TORNADO_DRIVERS: usize = 12;

/// The tornado of a sensitivity analysis: for each of the first
/// [`TORNADO_DRIVERS`] drivers (as sorted in `drivers`, largest |swing|
/// first, top to bottom), a bar from P(insolvent | input in its lowest
/// decile) (blue dot) to P(insolvent | highest decile) (red dot), each
/// with its 95 % Wilson interval as a whisker, the swing written at the
/// right, and a line at P(insolvent) over all paths. Names too long for
/// the label column are shortened in the middle (the end, where inputs of
/// one table differ, is kept); the `<desc>` lists them in full. An
/// 800 × 500 SVG.
pub fn tornado_svg(s: &Sensitivity) -> String {
    tornado_svg_at(s, Size::WIDE)
}

/// [`tornado_svg`] drawn on a canvas of `size`.
pub fn tornado_svg_at(s: &Sensitivity, size: Size) -> String {
    let drivers = &s.drivers[..s.drivers.len().min(TORNADO_DRIVERS)];
    let title = tornado_title(s, drivers.len());
    let each: Vec<String> = drivers
        .iter()
        .map(|d| {
            format!(
                "{} {} to {} (swing {:+.2} pp)",
                d.input,
                crate::output::number::probability(d.lowest_decile.probability),
                crate::output::number::probability(d.highest_decile.probability),
                d.swing * 100.0
            )
        })
        .collect();
    let desc = if each.is_empty() {
        "No uncertain inputs to rank.".to_string()
    } else {
        format!(
            "Tornado chart: P(insolvent by {}) when each input is in its lowest and its highest 10 % (all paths: {}), largest swing first: {}.",
            s.horizon,
            crate::output::number::probability(s.insolvency.probability),
            each.join("; ")
        )
    };
    render(size, &title, &desc, |root| draw_tornado(root, s, &title))
}

fn draw_tornado(root: &Area<'_>, s: &Sensitivity, title: &str) -> DrawResult {
    let drivers = &s.drivers[..s.drivers.len().min(TORNADO_DRIVERS)];
    let area = tornado_header(root, s, title)?;
    if drivers.is_empty() {
        area.draw(&Text::new(
            "no uncertain inputs to rank",
            (16, 40),
            font(14.0),
        ))?;
        return Ok(());
    }
    let n = drivers.len();
    // The label column: as wide as the longest name, at most 38 % of the canvas.
    let room = 0.38 * f64::from(area.dim_in_pixel().0);
    let full: Vec<String> = drivers.iter().map(|d| d.input.clone()).collect();
    let names = fit_names(&full, TICK_PX, room);
    let widest = names
        .iter()
        .map(|n| text_width(n, TICK_PX))
        .fold(0.0, f64::max);
    let label_area = (widest + 14.0).round() as u32;
    let swings: Vec<String> = drivers
        .iter()
        .map(|d| format!("{:+.2} pp", d.swing * 100.0))
        .collect();
    let plot_px = plot_width(area.dim_in_pixel().0, label_area);
    let x = probability_axis(s, drivers, plot_px);
    let (x_lo, x_hi) = (x.lo, x.hi);
    let y = Ticked {
        lo: -0.6,
        hi: n as f64 - 0.4,
        ticks: (0..n).map(|i| i as f64).collect(),
        scale: Scale::Linear,
    };
    // Row i from the top is drawn at y = n - 1 - i.
    let name_of = |v: &f64| {
        let row = n as f64 - 1.0 - v.round();
        if row >= 0.0 && (row as usize) < n && (v - v.round()).abs() < 1e-9 {
            names[row as usize].clone()
        } else {
            String::new()
        }
    };
    let mut chart = plot_with(&area, &x, y, label_area, "", &name_of)?;
    let p = s.insolvency.probability;
    chart.draw_series(LineSeries::new(
        [(p, -0.6), (p, n as f64 - 0.4)],
        AXIS.stroke_width(2),
    ))?;
    // 10 px: clear of the dot (radius 5) at the end of a whisker.
    let gap = 10.0 * (x_hi - x_lo) / f64::from(chart.plotting_area().dim_in_pixel().0.max(1));
    for (i, d) in drivers.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let (pl, ph) = (d.lowest_decile.probability, d.highest_decile.probability);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(pl.min(ph), y - 0.28), (pl.max(ph), y + 0.28)],
            GREY_.mix(0.35).filled(),
        )))?;
        for (prop, color, dy) in [
            (&d.lowest_decile, BLUE_, 0.14),
            (&d.highest_decile, RED_, -0.14),
        ] {
            let [lo, hi] = prop.ci95;
            chart.draw_series(LineSeries::new(
                [(lo, y + dy), (hi, y + dy)],
                color.stroke_width(1),
            ))?;
            chart.draw_series(std::iter::once(Circle::new(
                (prop.probability, y + dy),
                5,
                color.filled(),
            )))?;
        }
        let right = d.lowest_decile.ci95[1].max(d.highest_decile.ci95[1]);
        chart.plotting_area().draw(&Text::new(
            swings[i].clone(),
            (right + gap, y),
            font(12.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(())
}

/// The title, naming how many inputs are shown (`shown` of the analysis's
/// drivers).
fn tornado_title(s: &Sensitivity, shown: usize) -> String {
    let count = if s.drivers.len() > shown {
        format!("top {} of {} inputs", shown, s.drivers.len())
    } else if shown == 1 {
        "1 input".to_string()
    } else {
        format!("all {shown} inputs")
    };
    format!(
        "What drives the risk of insolvency by {}: {count}",
        s.horizon
    )
}

/// The title block with its legend.
fn tornado_header<'a>(root: &Area<'a>, s: &Sensitivity, title: &str) -> DrawResult<Area<'a>> {
    let legend = [
        Entry::new(Glyph::Dot(BLUE_), "input in its lowest 10 %"),
        Entry::new(Glyph::Dot(RED_), "input in its highest 10 %"),
        Entry::new(Glyph::Line(GREY_, 1), "95 % interval"),
        Entry::new(
            Glyph::Line(AXIS, 2),
            format!(
                "all paths {}",
                crate::output::number::probability(s.insolvency.probability)
            ),
        ),
    ];
    header(
        root,
        title,
        &format!(
            "{} · {} · {} paths · seed {}",
            s.model,
            scenario_label(s.scenario.as_deref()),
            group(s.paths),
            s.seed
        ),
        &legend,
    )
}

/// The probability axis: round ticks from 0 to past the largest whisker and
/// P(insolvent), with room at the right of the largest whisker for a swing
/// label, beyond the last tick if need be (the label never needs a tick past
/// 100 %), on a plot `plot_px` pixels wide.
fn probability_axis(s: &Sensitivity, drivers: &[Driver], plot_px: f64) -> Axis {
    let hi = drivers
        .iter()
        .flat_map(|d| [d.lowest_decile.ci95[1], d.highest_decile.ci95[1]])
        .chain([s.insolvency.probability])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let hi = if hi > 0.0 { hi } else { 0.01 };
    let desc = format!(
        "P(insolvent by {}) among paths with the input in that decile, %",
        s.horizon
    );
    let room = (LABEL_ROOM_PX / plot_px).clamp(0.0, 0.5);
    let fitted = Axis::fitting(plot_px * (1.0 - room), 6, |target| {
        Axis::percent_with(0.0, hi, target, desc.clone())
    });
    let x_hi = fitted.hi.max(fitted.lo + (hi - fitted.lo) / (1.0 - room));
    Axis { hi: x_hi, ..fitted }
}
