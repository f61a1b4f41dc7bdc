//! The tornado chart of a sensitivity analysis.

use super::frame::{
    fitted, font, group, header, percent_tick, render, scenario_label, ticks, truncate,
    y_label_width, Area, Axis, DrawResult, Entry, Glyph, Ticked, AXIS, AXIS_PX, BLUE_, GREY_, GRID,
    RED_, TICK_PX,
};
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
/// right, and a dashed line at P(insolvent) over all paths. An 800 × 500 SVG.
pub fn tornado_svg(s: &Sensitivity) -> String {
    render(|root| draw_tornado(root, s))
}

fn draw_tornado(root: &Area<'_>, s: &Sensitivity) -> DrawResult {
    let drivers = &s.drivers[..s.drivers.len().min(TORNADO_DRIVERS)];
    let area = tornado_header(root, s, drivers.len())?;
    if drivers.is_empty() {
        area.draw(&Text::new(
            "no uncertain inputs to rank",
            (16, 40),
            font(14.0),
        ))?;
        return Ok(());
    }
    let n = drivers.len();
    let names: Vec<String> = drivers.iter().map(|d| truncate(&d.input, 44)).collect();
    let swings: Vec<String> = drivers
        .iter()
        .map(|d| format!("{:+.2} pp", d.swing * 100.0))
        .collect();
    let label_area = y_label_width(&names) - 20;
    let plot_px = f64::from(area.dim_in_pixel().0) - 38.0 - f64::from(label_area);
    let x = probability_axis(s, drivers, plot_px);
    let (x_lo, x_hi) = (x.lo, x.hi);
    let y = Ticked {
        lo: -0.6,
        hi: n as f64 - 0.4,
        ticks: (0..n).map(|i| i as f64).collect(),
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
    let x_fmt = |v: &f64| x.label_of(*v);
    let mut chart = ChartBuilder::on(&area)
        .margin_top(6)
        .margin_right(28)
        .margin_bottom(6)
        .margin_left(10)
        .x_label_area_size(50)
        .y_label_area_size(label_area)
        .build_cartesian_2d(x.coord(), y)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .label_style(font(TICK_PX))
        .axis_desc_style(font(AXIS_PX))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&name_of)
        .x_desc(x.desc.clone())
        .draw()?;
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

/// The title block: the legend, and a title naming how many inputs are shown
/// (`shown` of the analysis's drivers).
fn tornado_header<'a>(root: &Area<'a>, s: &Sensitivity, shown: usize) -> DrawResult<Area<'a>> {
    let legend = [
        Entry::new(Glyph::Dot(BLUE_), "input in its lowest 10 %"),
        Entry::new(Glyph::Dot(RED_), "input in its highest 10 %"),
        Entry::new(Glyph::Line(GREY_, 1), "95 % interval"),
        Entry::new(
            Glyph::Line(AXIS, 2),
            format!(
                "all paths {}",
                crate::output::format_probability(s.insolvency.probability)
            ),
        ),
    ];
    let title = if s.drivers.len() > shown {
        format!("top {} of {} inputs", shown, s.drivers.len())
    } else if shown == 1 {
        "1 input".to_string()
    } else {
        format!("all {shown} inputs")
    };
    header(
        root,
        &format!(
            "What drives the risk of insolvency by {}: {title}",
            s.horizon
        ),
        &fitted(
            &s.model,
            &format!(
                " · {} · {} paths · seed {}",
                scenario_label(s.scenario.as_deref()),
                group(s.paths),
                s.seed
            ),
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
    let (x_lo, ticks_hi, x_ticks, step) = ticks(0.0, hi, 6);
    let room = (LABEL_ROOM_PX / plot_px).clamp(0.0, 0.5);
    let x_hi = ticks_hi.max(x_lo + (hi - x_lo) / (1.0 - room));
    Axis {
        lo: x_lo,
        hi: x_hi,
        labels: x_ticks.iter().map(|&t| percent_tick(t, step)).collect(),
        ticks: x_ticks,
        desc: format!(
            "P(insolvent by {}) among paths with the input in that decile, %",
            s.horizon
        ),
    }
}
