//! The typical cash path of `runway explain`: median cash at each month's
//! end of the paths that end insolvent against those that survive, each
//! with its 25–75 % band, and the insolvency floor.

use super::axis::{plot, Axis};
use super::frame::{
    group, header, money_label, render, scenario_label, Area, DrawResult, Entry, Glyph, Size,
    BLUE_, INK, PALETTE,
};
use crate::analysis::explain::{CashBand, Explanation};
use crate::output::number::money;
use plotters::prelude::*;

/// Okabe–Ito vermillion: the insolvent paths.
const INSOLVENT: RGBColor = PALETTE[5];

/// (month index, value) of each month a group has.
fn line(
    e: &Explanation,
    pick: fn(&crate::analysis::explain::CashMonth) -> Option<CashBand>,
    f: fn(&CashBand) -> f64,
) -> Vec<(f64, f64)> {
    (e.cash_by_month.iter().enumerate())
        .filter_map(|(i, m)| pick(m).map(|b| (i as f64, f(&b))))
        .filter(|p| p.1.is_finite())
        .collect()
}

/// The chart on a canvas of `size`.
pub fn explain_cash_svg_at(e: &Explanation, size: Size) -> String {
    let title = "The typical cash path: insolvent against surviving paths";
    let at = |pick: fn(&crate::analysis::explain::CashMonth) -> Option<CashBand>, last: bool| {
        let m = if last {
            e.cash_by_month.last()
        } else {
            e.cash_by_month.first()
        };
        m.and_then(pick).map_or("n/a".to_string(), |b| money(b.p50))
    };
    let desc = format!(
        "Line chart of the median cash at the end of each month, {} to {} ({}), of the {} paths that end insolvent (from {} to {}) and of the {} that survive (from {} to {}), each with the band of its middle half. The insolvency floor is {}.",
        e.start,
        e.horizon,
        e.unit,
        group(e.insolvency.count),
        at(|m| m.insolvent, false),
        at(|m| m.insolvent, true),
        group(e.paths - e.insolvency.count),
        at(|m| m.surviving, false),
        at(|m| m.surviving, true),
        money_label(e.floor)
    );
    render(size, title, &desc, |root| draw(root, e, title))
}

fn draw(root: &Area<'_>, e: &Explanation, title: &str) -> DrawResult {
    let legend = [
        Entry::new(Glyph::Line(INSOLVENT, 3), "insolvent paths: median"),
        Entry::new(Glyph::Line(BLUE_, 3), "surviving paths: median"),
        Entry::new(Glyph::Band(INK, 0.15), "25–75 % of each group"),
        Entry::new(
            Glyph::Line(INK, 1),
            format!("insolvency floor ({})", money_label(e.floor)),
        ),
    ];
    let sub = format!(
        "{} · {} · {} paths · seed {}",
        e.model,
        scenario_label(e.scenario.as_deref()),
        group(e.paths),
        e.seed
    );
    let area = header(root, title, &sub, &legend)?;
    let labels: Vec<String> = e.cash_by_month.iter().map(|m| m.month.clone()).collect();
    let x = Axis::month_labels(&labels, root.dim_in_pixel().0, "Month (end of)");
    let lines = [
        (
            INSOLVENT,
            line(e, |m| m.insolvent, |b| b.p25),
            line(e, |m| m.insolvent, |b| b.p50),
            line(e, |m| m.insolvent, |b| b.p75),
        ),
        (
            BLUE_,
            line(e, |m| m.surviving, |b| b.p25),
            line(e, |m| m.surviving, |b| b.p50),
            line(e, |m| m.surviving, |b| b.p75),
        ),
    ];
    let all = lines
        .iter()
        .flat_map(|(_, a, b, c)| a.iter().chain(b).chain(c))
        .map(|p| p.1);
    let (lo, hi) = all.fold((e.floor, e.floor), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = 0.04 * (hi - lo).max(1e-9);
    let y = Axis::money(
        lo - pad,
        hi + pad,
        format!("Cash at month end ({})", e.unit),
    );
    let mut chart = plot(&area, &x, &y)?;
    for (color, p25, _, p75) in &lines {
        if !p25.is_empty() {
            let outline: Vec<(f64, f64)> = p25.iter().chain(p75.iter().rev()).copied().collect();
            chart.draw_series(std::iter::once(Polygon::new(
                outline,
                color.mix(0.15).filled(),
            )))?;
        }
    }
    chart.draw_series(LineSeries::new(
        [(x.lo, e.floor), (x.hi, e.floor)],
        INK.stroke_width(1),
    ))?;
    for (color, _, p50, _) in &lines {
        chart.draw_series(LineSeries::new(p50.iter().copied(), color.stroke_width(3)))?;
    }
    Ok(())
}
