//! Distributions: end cash as a histogram, and the month of insolvency.

use super::axis::{plot, plot_width, y_label_width, Axis};
use super::frame::{
    font, group, header, money_label, money_tick, render, subtitle, Area, DrawResult, Entry, Glyph,
    Size, BLUE_, GREY_, INK, RED_,
};
use super::text::text_width;
use crate::analysis::histogram::Histogram;
use crate::analysis::summary::Summary;
use crate::output::number::probability as format_probability;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Bins of room the tail bars (paths beyond the bins) take at each end.
const TAIL_BINS: f64 = 3.0;

/// A histogram of cash at the horizon, drawn from the bins of the run's
/// end cash (see [`Histogram::from_sketch`]: the 0.5th to 99.5th
/// percentile, widened to show the insolvency floor when some path ended
/// below it). The paths beyond the bins are drawn too, as a vermillion bar
/// at the left ("below X: share") and a grey one at the right, so the
/// lowest paths (those far below the floor: insolvent paths go on being
/// simulated) are never off the chart. Lines mark the floor, the median and
/// the 5th and 95th percentiles. An 800 × 500 SVG.
pub fn end_cash_histogram_svg(summary: &Summary, end_cash: &Histogram) -> String {
    end_cash_histogram_svg_at(summary, end_cash, Size::WIDE)
}

/// [`end_cash_histogram_svg`] drawn on a canvas of `size`.
pub fn end_cash_histogram_svg_at(summary: &Summary, end_cash: &Histogram, size: Size) -> String {
    let title = format!("Cash at the end of {}, over all paths", summary.horizon);
    render(size, &title, &histogram_desc(summary, end_cash), |root| {
        draw_histogram(root, summary, end_cash, &title)
    })
}

fn histogram_desc(s: &Summary, b: &Histogram) -> String {
    if b.is_empty() {
        return "No paths were simulated.".to_string();
    }
    let mut desc = format!(
        "Histogram of cash at the end of {} ({}) over all paths: median {}, 5th percentile {}, 95th percentile {}; the insolvency floor is {}.",
        s.horizon,
        s.unit,
        money_label(b.p50),
        money_label(b.p5),
        money_label(b.p95),
        money_label(s.floor)
    );
    if b.below > 0.0 {
        desc.push_str(&format!(
            " {} of paths ended below {} (insolvent paths go on being simulated, so their cash keeps falling).",
            format_probability(b.below),
            money_label(b.edges[0])
        ));
    }
    if b.above > 0.0 {
        desc.push_str(&format!(
            " {} ended above {}.",
            format_probability(b.above),
            money_label(b.edges[b.edges.len() - 1])
        ));
    }
    desc
}

/// The histogram's legend: the bins, the median, the percentiles, the
/// floor (when shown) and the tails.
fn histogram_legend(s: &Summary, b: &Histogram, floor_shown: bool) -> Vec<Entry> {
    let step = b.edges[1] - b.edges[0];
    let (first, last) = (b.edges[0], b.edges[b.edges.len() - 1]);
    let (p5, p50, p95) = (b.p5, b.p50, b.p95);
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
    if b.below > 0.0 {
        legend.push(Entry::new(
            Glyph::Band(RED_, 0.6),
            format!(
                "below {}: {} of paths",
                money_label(first),
                format_probability(b.below)
            ),
        ));
    }
    if b.above > 0.0 {
        legend.push(Entry::new(
            Glyph::Band(GREY_, 0.6),
            format!(
                "above {}: {} of paths",
                money_label(last),
                format_probability(b.above)
            ),
        ));
    }
    legend
}

fn draw_histogram(root: &Area<'_>, s: &Summary, b: &Histogram, title: &str) -> DrawResult {
    if b.is_empty() {
        header(root, title, &subtitle(s), &[])?;
        root.draw(&Text::new("no paths were simulated", (16, 100), font(14.0)))?;
        return Ok(());
    }
    let (p5, p50, p95) = (b.p5, b.p50, b.p95);
    let step = b.edges[1] - b.edges[0];
    let (first, last) = (b.edges[0], b.edges[b.edges.len() - 1]);
    let left = if b.below > 0.0 { TAIL_BINS * step } else { 0.0 };
    let right = if b.above > 0.0 { TAIL_BINS * step } else { 0.0 };
    let floor_shown = s.floor >= first - left && s.floor <= last + right;
    let legend = histogram_legend(s, b, floor_shown);
    let area = header(root, title, &subtitle(s), &legend)?;
    let top = b
        .shares
        .iter()
        .copied()
        .chain([b.below, b.above])
        .fold(0.0, f64::max);
    let y = Axis::percent(0.0, top * 1.08, "Share of paths in the bin, %");
    let plot_px = plot_width(area.dim_in_pixel().0, y_label_width(&y.labels));
    let desc = format!("Cash at the end of {} ({})", s.horizon, s.unit);
    let mut x = Axis::fitting(plot_px, 8, |t| Axis::money_with(first, last, t, &desc));
    let inside = |t: f64| t >= first - 1e-9 * step && t <= last + 1e-9 * step;
    let kept: Vec<(f64, String)> = x
        .ticks
        .iter()
        .copied()
        .zip(x.labels.iter().cloned())
        .filter(|(t, _)| inside(*t))
        .collect();
    (x.ticks, x.labels) = kept.into_iter().unzip();
    (x.lo, x.hi) = (first - left, last + right);
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
    // The tails, one bar each, a bin clear of the histogram.
    if b.below > 0.0 {
        chart.draw_series(std::iter::once(Rectangle::new(
            [
                (first - (TAIL_BINS - 0.4) * step, 0.0),
                (first - step, b.below),
            ],
            RED_.mix(0.6).filled(),
        )))?;
    }
    if b.above > 0.0 {
        chart.draw_series(std::iter::once(Rectangle::new(
            [
                (last + step, 0.0),
                (last + (TAIL_BINS - 0.4) * step, b.above),
            ],
            GREY_.mix(0.6).filled(),
        )))?;
    }
    let vertical =
        |v: f64, color: RGBColor| LineSeries::new([(v, y.lo), (v, y.hi)], color.stroke_width(2));
    for v in [p5, p95] {
        if v.is_finite() && v >= first && v <= last {
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
/// the counts written above them when they fit. An 800 × 500 SVG.
pub fn insolvency_month_svg(summary: &Summary) -> String {
    insolvency_month_svg_at(summary, Size::WIDE)
}

/// [`insolvency_month_svg`] drawn on a canvas of `size`.
pub fn insolvency_month_svg_at(summary: &Summary, size: Size) -> String {
    let title = "When paths run out of money: month of first insolvency";
    let ins = &summary.insolvency;
    let desc = match (ins.median_month, ins.peak_month) {
        (Some(median), Some(peak)) => format!(
            "Bar chart of the share of all paths that first fell below the floor in each month, {} to {}: {} of {} paths in all; median month {median}, most often {peak}.",
            summary.start,
            summary.horizon,
            group(ins.count),
            group(summary.paths)
        ),
        _ => format!(
            "Bar chart of the month of first insolvency, {} to {}: no path became insolvent.",
            summary.start, summary.horizon
        ),
    };
    render(size, title, &desc, |root| draw_months(root, summary, title))
}

fn draw_months(root: &Area<'_>, s: &Summary, title: &str) -> DrawResult {
    let ins = &s.insolvency;
    let area = header(root, title, &subtitle(s), &[])?;
    let mut desc = "Month in which cash first falls below the floor".to_string();
    if let (Some(median), Some(peak)) = (ins.median_month, ins.peak_month) {
        desc.push_str(&format!(" · median {median}, most often {peak}"));
    } else {
        desc.push_str(" · no path became insolvent");
    }
    let x = Axis::months(s, root.dim_in_pixel().0, desc);
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
        .map(|r| text_width(&group(r.count_in_month), 12.0))
        .fold(0.0, f64::max);
    if widest <= 0.9 * slot {
        let style = font(12.0).pos(Pos::new(HPos::Center, VPos::Bottom));
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
