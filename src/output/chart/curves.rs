//! Month-by-month charts: the insolvency curve, the cash fan and the
//! scenario curves.

use super::frame::{
    fitted, font, header, money_label, plot, render, scenario_label, subtitle, truncate, Area,
    Axis, DrawResult, Entry, Glyph, BLUE_, INK, PALETTE, RED_,
};
use crate::analysis::summary::{Percentiles, Summary};
use crate::output::format_probability;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The closed outline of a band between `low` and `high` over months.
fn band(low: &[(f64, f64)], high: &[(f64, f64)]) -> Vec<(f64, f64)> {
    low.iter().chain(high.iter().rev()).copied().collect()
}

/// Draws a cumulative-probability curve with its 95 % band.
fn draw_curve(
    chart: &mut super::frame::Plot<'_, '_>,
    s: &Summary,
    color: RGBColor,
    band_alpha: f64,
    markers: bool,
) -> DrawResult {
    let rows = &s.insolvency.by_month;
    let low: Vec<(f64, f64)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i as f64, r.cumulative_ci95[0]))
        .collect();
    let high: Vec<(f64, f64)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i as f64, r.cumulative_ci95[1]))
        .collect();
    chart.draw_series(std::iter::once(Polygon::new(
        band(&low, &high),
        color.mix(band_alpha).filled(),
    )))?;
    let line: Vec<(f64, f64)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i as f64, r.cumulative_probability))
        .collect();
    chart.draw_series(LineSeries::new(line.clone(), color.stroke_width(3)))?;
    if markers {
        chart.draw_series(line.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
    }
    Ok(())
}

fn top_of_bands<'a>(summaries: impl Iterator<Item = &'a Summary>) -> f64 {
    summaries
        .flat_map(|s| s.insolvency.by_month.iter().map(|r| r.cumulative_ci95[1]))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

/// The cumulative probability of insolvency by month, P(insolvent by the end
/// of the month), as a line with its 95 % Wilson band shaded; an 800 × 500
/// SVG. The title names the model and scenario, the y axis is in percent and
/// the x axis is labelled with `YYYY-MM` months (always including the horizon).
pub fn insolvency_curve_svg(summary: &Summary) -> String {
    render(|root| draw_insolvency_curve(root, summary))
}

fn draw_insolvency_curve(root: &Area<'_>, s: &Summary) -> DrawResult {
    let legend = [
        Entry::new(
            Glyph::Line(BLUE_, 3),
            "P(insolvent by the end of the month)",
        ),
        Entry::new(Glyph::Band(BLUE_, 0.25), "95 % Wilson interval"),
    ];
    let area = header(
        root,
        &format!("Probability of running out of money by {}", s.horizon),
        &subtitle(s),
        &legend,
    )?;
    let x = Axis::months(s, "Month (end of)");
    let y = Axis::percent(
        0.0,
        top_of_bands(std::iter::once(s)) * 1.05,
        "P(insolvent by the month), % of paths",
    );
    let mut chart = plot(&area, &x, &y)?;
    draw_curve(
        &mut chart,
        s,
        BLUE_,
        0.25,
        s.insolvency.by_month.len() <= 36,
    )?;
    let ins = &s.insolvency;
    let note = format!(
        "By {}: {} (95 % CI {} – {}), {} of {} paths",
        s.horizon,
        format_probability(ins.probability),
        format_probability(ins.ci95[0]),
        format_probability(ins.ci95[1]),
        super::frame::group(ins.count),
        super::frame::group(s.paths)
    );
    // On a white box, in case the curve rises early.
    let (left, top) = (10, 8);
    let width = super::frame::text_width(&note, 13.25).round() as i32;
    let plot_area = chart.plotting_area().strip_coord_spec();
    plot_area.draw(&Rectangle::new(
        [(left - 4, top - 3), (left + width + 4, top + 19)],
        WHITE.mix(0.85).filled(),
    ))?;
    plot_area.draw(&Text::new(
        note,
        (left, top),
        font(13.25).pos(Pos::new(HPos::Left, VPos::Top)),
    ))?;
    Ok(())
}

/// The cash fan: median cash at the end of each month with its 25–75 % and
/// 5–95 % bands, and the insolvency floor as a red line; an 800 × 500 SVG in
/// the model's money unit. `None` when the run kept no per-month sketches
/// (`by_month[i].cash` absent: run with the fan on).
pub fn cash_fan_svg(summary: &Summary) -> Option<String> {
    let rows = &summary.insolvency.by_month;
    if rows.is_empty() || rows.iter().any(|r| r.cash.is_none()) {
        return None;
    }
    Some(render(|root| draw_cash_fan(root, summary)))
}

fn draw_cash_fan(root: &Area<'_>, s: &Summary) -> DrawResult {
    let fan_color = BLUE_;
    let legend = [
        Entry::new(Glyph::Line(fan_color, 3), "median"),
        Entry::new(Glyph::Band(fan_color, 0.40), "25–75 % of paths"),
        Entry::new(Glyph::Band(fan_color, 0.15), "5–95 % of paths"),
        Entry::new(
            Glyph::Line(RED_, 2),
            format!("insolvency floor ({})", money_label(s.floor)),
        ),
    ];
    let area = header(root, "Cash at the end of each month", &subtitle(s), &legend)?;
    let pct = |f: fn(&Percentiles) -> Option<f64>| -> Vec<(f64, f64)> {
        s.insolvency
            .by_month
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.cash.as_ref().and_then(f).map(|v| (i as f64, v)))
            .filter(|p| p.1.is_finite())
            .collect()
    };
    let (p5, p25, p50, p75, p95) = (
        pct(|p| p.p5),
        pct(|p| p.p25),
        pct(|p| p.p50),
        pct(|p| p.p75),
        pct(|p| p.p95),
    );
    let lo = p5.iter().map(|p| p.1).fold(s.floor, f64::min);
    let hi = p95.iter().map(|p| p.1).fold(s.floor, f64::max);
    let pad = 0.04 * (hi - lo);
    let x = Axis::months(s, "Month (end of)");
    let y = Axis::money(
        lo - pad,
        hi + pad,
        format!("Cash at month end ({})", s.unit),
    );
    let mut chart = plot(&area, &x, &y)?;
    chart.draw_series(std::iter::once(Polygon::new(
        band(&p5, &p95),
        fan_color.mix(0.15).filled(),
    )))?;
    chart.draw_series(std::iter::once(Polygon::new(
        band(&p25, &p75),
        fan_color.mix(0.40).filled(),
    )))?;
    chart.draw_series(LineSeries::new(
        [(x.lo, s.floor), (x.hi, s.floor)],
        RED_.stroke_width(2),
    ))?;
    chart.draw_series(LineSeries::new(p50, fan_color.stroke_width(3)))?;
    Ok(())
}

/// Several scenarios' cumulative insolvency curves on one chart, each with
/// its 95 % band lightly shaded, and a legend giving each scenario's value at
/// the horizon; an 800 × 500 SVG. `scenarios` pairs a scenario label with its
/// summary; all should share the model's months (the first sets the axis).
pub fn compare_curves_svg(scenarios: &[(String, &Summary)]) -> String {
    render(|root| draw_compare(root, scenarios))
}

fn draw_compare(root: &Area<'_>, scenarios: &[(String, &Summary)]) -> DrawResult {
    let Some((_, first)) = scenarios.first() else {
        header(
            root,
            "Probability of running out of money, by scenario",
            "no scenarios",
            &[],
        )?;
        return Ok(());
    };
    let legend: Vec<Entry> = scenarios
        .iter()
        .enumerate()
        .map(|(i, (name, s))| {
            Entry::new(
                Glyph::Line(PALETTE[i % PALETTE.len()], 3),
                format!(
                    "{}: {}",
                    truncate(name, 28),
                    format_probability(s.insolvency.probability)
                ),
            )
        })
        .chain(std::iter::once(Entry::new(
            Glyph::Band(INK, 0.12),
            "95 % Wilson interval",
        )))
        .collect();
    let sub = fitted(
        &first.model.name,
        &format!(
            " · {} · {} paths each · seed {}",
            if scenarios.len() == 1 {
                scenario_label(Some(&scenarios[0].0))
            } else {
                format!("{} scenarios", scenarios.len())
            },
            super::frame::group(first.paths),
            first.seed
        ),
    );
    let area = header(
        root,
        &format!(
            "Probability of running out of money by {}, by scenario",
            first.horizon
        ),
        &sub,
        &legend,
    )?;
    let longest = scenarios
        .iter()
        .map(|(_, s)| *s)
        .max_by_key(|s| s.insolvency.by_month.len())
        .unwrap_or(first);
    let x = Axis::months(longest, "Month (end of)");
    let y = Axis::percent(
        0.0,
        top_of_bands(scenarios.iter().map(|(_, s)| *s)) * 1.05,
        "P(insolvent by the month), % of paths",
    );
    let mut chart = plot(&area, &x, &y)?;
    let months = longest.insolvency.by_month.len();
    for (i, (_, s)) in scenarios.iter().enumerate() {
        draw_curve(
            &mut chart,
            s,
            PALETTE[i % PALETTE.len()],
            0.12,
            months <= 24,
        )?;
    }
    Ok(())
}
