//! Distributions: end cash as a histogram, and the month of insolvency.

use super::frame::{
    font, group, header, money_label, money_tick, plot, render, subtitle, Area, Axis, DrawResult,
    Entry, Glyph, BLUE_, GREY_, INK, RED_,
};
use crate::analysis::histogram::Histogram;
use crate::analysis::summary::Summary;
use crate::output::format_probability;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A histogram of cash at the horizon, drawn from the bins of the run's
/// end cash (see [`Histogram::from_sketch`]: the 0.5th to 99.5th
/// percentile, widened to show the insolvency floor when some path ended
/// below it); the share of paths outside is written under the axis. Lines
/// mark the floor, the median and the 5th and 95th percentiles. An
/// 800 × 500 SVG.
pub fn end_cash_histogram_svg(summary: &Summary, end_cash: &Histogram) -> String {
    render(|root| draw_histogram(root, summary, end_cash))
}

fn draw_histogram(root: &Area<'_>, s: &Summary, b: &Histogram) -> DrawResult {
    let title = format!("Cash at the end of {}, over all paths", s.horizon);
    if b.is_empty() {
        header(root, &title, &subtitle(s), &[])?;
        root.draw(&Text::new("no paths were simulated", (16, 100), font(14.0)))?;
        return Ok(());
    }
    let (p5, p50, p95) = (b.p5, b.p50, b.p95);
    let step = b.edges[1] - b.edges[0];
    let (first, last) = (b.edges[0], b.edges[b.edges.len() - 1]);
    let floor_shown = s.floor >= first && s.floor <= last;
    let mut legend = vec![
        Entry::new(
            Glyph::Band(BLUE_, 0.75),
            format!(
                "share of paths per {} {} bin",
                money_tick(step, step),
                s.unit
            ),
        ),
        Entry::new(Glyph::Line(INK, 2), format!("median {}", money_label(p50))),
        Entry::new(
            Glyph::Line(GREY_, 2),
            format!(
                "5th, 95th percentile {} · {}",
                money_label(p5),
                money_label(p95)
            ),
        ),
    ];
    if floor_shown {
        legend.push(Entry::new(
            Glyph::Line(RED_, 2),
            format!("insolvency floor {}", money_label(s.floor)),
        ));
    }
    let area = header(root, &title, &subtitle(s), &legend)?;
    let mut desc = format!("Cash at the end of {} ({})", s.horizon, s.unit);
    if b.below > 0.0 || b.above > 0.0 {
        desc.push_str(&format!(
            " · outside the chart: {} of paths below, {} above",
            format_probability(b.below),
            format_probability(b.above)
        ));
    }
    let x = Axis::money_with(first, last, 8, desc);
    let top = b.shares.iter().copied().fold(0.0, f64::max);
    let y = Axis::percent(0.0, top * 1.08, "Share of paths in the bin, %");
    let mut chart = plot(&area, &x, &y)?;
    let gap = 0.06 * step;
    chart.draw_series(
        b.edges
            .windows(2)
            .zip(&b.shares)
            .filter(|(_, &share)| share > 0.0)
            .map(|(e, &share)| {
                Rectangle::new(
                    [(e[0] + gap, 0.0), (e[1] - gap, share)],
                    BLUE_.mix(0.75).filled(),
                )
            }),
    )?;
    let vertical =
        |v: f64, color: RGBColor| LineSeries::new([(v, y.lo), (v, y.hi)], color.stroke_width(2));
    for v in [p5, p95] {
        if v.is_finite() && v >= x.lo && v <= x.hi {
            chart.draw_series(vertical(v, GREY_))?;
        }
    }
    if p50.is_finite() {
        chart.draw_series(vertical(p50, INK))?;
    }
    if floor_shown {
        chart.draw_series(vertical(s.floor, RED_))?;
    }
    Ok(())
}

/// When paths run out of money: for each month, the share of all paths
/// that first fell below the floor in it (`count_in_month`), as bars, with
/// the counts written above them when there are at most 24 months. An
/// 800 × 500 SVG.
pub fn insolvency_month_svg(summary: &Summary) -> String {
    render(|root| draw_months(root, summary))
}

fn draw_months(root: &Area<'_>, s: &Summary) -> DrawResult {
    let ins = &s.insolvency;
    let area = header(
        root,
        "When paths run out of money: month of first insolvency",
        &subtitle(s),
        &[],
    )?;
    let mut desc = "Month in which cash first falls below the floor".to_string();
    if let (Some(median), Some(peak)) = (ins.median_month, ins.peak_month) {
        desc.push_str(&format!(" · median {median}, most often {peak}"));
    } else {
        desc.push_str(" · no path became insolvent");
    }
    let x = Axis::months(s, desc);
    let top = ins
        .by_month
        .iter()
        .map(|r| r.probability_in_month)
        .fold(0.0, f64::max);
    let top = if top > 0.0 {
        top * 1.15
    } else {
        1.0 / s.paths.max(100) as f64
    };
    let y = Axis::percent(0.0, top, "First insolvent in the month, % of all paths");
    let mut chart = plot(&area, &x, &y)?;
    chart.draw_series(
        ins.by_month
            .iter()
            .enumerate()
            .filter(|(_, r)| r.count_in_month > 0)
            .map(|(i, r)| {
                let i = i as f64;
                Rectangle::new(
                    [(i - 0.38, 0.0), (i + 0.38, r.probability_in_month)],
                    RED_.mix(0.75).filled(),
                )
            }),
    )?;
    // Counts above the bars, when the widest fits over its bar.
    let slot = f64::from(chart.plotting_area().dim_in_pixel().0) / (x.hi - x.lo);
    let widest = ins
        .by_month
        .iter()
        .map(|r| super::frame::text_width(&group(r.count_in_month), 11.0))
        .fold(0.0, f64::max);
    if widest <= 0.9 * slot {
        let style = font(11.0).pos(Pos::new(HPos::Center, VPos::Bottom));
        for (i, r) in ins.by_month.iter().enumerate() {
            if r.count_in_month > 0 {
                chart.plotting_area().draw(&Text::new(
                    group(r.count_in_month),
                    (i as f64, r.probability_in_month),
                    style.clone(),
                ))?;
            }
        }
    }
    Ok(())
}
