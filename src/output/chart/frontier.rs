//! The frontier of `runway solve` with two levers: the second lever's
//! answer (with its value interval as a band) over the first lever's grid.

use super::axis::{plot, Axis};
use super::frame::{
    group, header, render, scenario_label, Area, DrawResult, Entry, Glyph, Size, BLUE_,
};
use crate::analysis::solve::{lever_number, Frontier};
use crate::output::number::probability;
use plotters::prelude::*;

/// The frontier as an 800 × 500 SVG: for each value of the first lever
/// (x), the second lever's value that gives the target (y), a line with
/// markers, and the values whose 95 % interval holds the target as a band.
/// Grid values where the target is not reached are left out (the desc
/// says which).
pub fn frontier_svg(f: &Frontier) -> String {
    frontier_svg_at(f, Size::WIDE)
}

/// [`frontier_svg`] drawn on a canvas of `size`.
pub fn frontier_svg_at(f: &Frontier, size: Size) -> String {
    let title = format!(
        "{} needed for P(insolvent by {}) = {}, by {}",
        f.second.0,
        f.setting.by,
        // A no-break space keeps the number and its % on one line.
        probability(f.setting.target).replace(' ', "\u{a0}"),
        f.first.0
    );
    render(size, &title, &desc(f), |root| draw(root, f, &title))
}

fn desc(f: &Frontier) -> String {
    let each: Vec<String> = f
        .rows
        .iter()
        .map(|r| match &r.answer {
            Some(a) => format!(
                "at {} {}: {} (95 % interval {} to {})",
                f.first.0,
                lever_number(r.first),
                lever_number(a.value),
                lever_number(a.value_ci95[0]),
                lever_number(a.value_ci95[1])
            ),
            None => format!("at {} {}: not reached", f.first.0, lever_number(r.first)),
        })
        .collect();
    format!(
        "Line chart of the value of {} ({}) at which P(insolvent by {}) is {}, for each value of {} ({}); every value simulated on the same {} paths (seed {}). {}.",
        f.second.0,
        f.second.1.name(),
        f.setting.by,
        probability(f.setting.target),
        f.first.0,
        f.first.1.name(),
        group(f.setting.paths),
        f.setting.seed,
        each.join("; ")
    )
}

fn draw(root: &Area<'_>, f: &Frontier, title: &str) -> DrawResult {
    let legend = [
        Entry::new(
            Glyph::Line(BLUE_, 3),
            format!("{} at the target", f.second.0),
        ),
        Entry::new(
            Glyph::Band(BLUE_, 0.25),
            "values whose 95 % interval holds the target",
        ),
    ];
    let sub = format!(
        "{} · {} · {} paths per evaluation · seed {}",
        f.setting.model,
        scenario_label(f.setting.scenario.as_deref()),
        group(f.setting.paths),
        f.setting.seed
    );
    let area = header(root, title, &sub, &legend)?;
    let reached: Vec<(f64, &crate::analysis::solve::Answer)> = f
        .rows
        .iter()
        .filter_map(|r| r.answer.as_ref().map(|a| (r.first, a)))
        .collect();
    let (mut lo, mut hi) = reached
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, a)| {
            (lo.min(a.value_ci95[0]), hi.max(a.value_ci95[1]))
        });
    if !(lo < hi) {
        lo = f.second.2.min;
        hi = f.second.2.max;
    }
    let pad = 0.05 * (hi - lo);
    let x = Axis::money(
        f.first.2.min,
        f.first.2.max,
        format!("{} ({})", f.first.0, f.first.1.name()),
    );
    let y = Axis::money(
        lo - pad,
        hi + pad,
        format!("{} ({})", f.second.0, f.second.1.name()),
    );
    let mut chart = plot(&area, &x, &y)?;
    if reached.len() >= 2 {
        let band: Vec<(f64, f64)> = reached
            .iter()
            .map(|(g, a)| (*g, a.value_ci95[0]))
            .chain(reached.iter().rev().map(|(g, a)| (*g, a.value_ci95[1])))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            band,
            BLUE_.mix(0.25).filled(),
        )))?;
    }
    let line: Vec<(f64, f64)> = reached.iter().map(|(g, a)| (*g, a.value)).collect();
    chart.draw_series(LineSeries::new(line.clone(), BLUE_.stroke_width(3)))?;
    chart.draw_series(line.iter().map(|&p| Circle::new(p, 4, BLUE_.filled())))?;
    Ok(())
}
