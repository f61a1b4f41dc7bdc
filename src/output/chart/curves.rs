//! Month-by-month charts: the insolvency curve, the cash fan and the
//! scenario curves.

use super::axis::{plot, Axis, Plot};
use super::frame::{
    font, group, header, money_label, render, scenario_label, subtitle, Area, DrawResult, Entry,
    Glyph, Size, BLUE_, INK, PALETTE, RED_,
};
use super::text::{fit_middle, text_width};
use crate::analysis::summary::{Percentiles, Summary};
use crate::output::number::probability as format_probability;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The closed outline of a band between `low` and `high` over months.
fn band(low: &[(f64, f64)], high: &[(f64, f64)]) -> Vec<(f64, f64)> {
    low.iter().chain(high.iter().rev()).copied().collect()
}

/// Draws a cumulative-probability curve with its 95 % band.
fn draw_curve(
    chart: &mut Plot<'_, '_>,
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
    insolvency_curve_svg_at(summary, Size::WIDE)
}

/// [`insolvency_curve_svg`] drawn on a canvas of `size`.
pub fn insolvency_curve_svg_at(summary: &Summary, size: Size) -> String {
    let title = format!("Probability of running out of money by {}", summary.horizon);
    render(size, &title, &curve_desc(summary), |root| {
        draw_insolvency_curve(root, summary, &title)
    })
}

/// What the insolvency curve shows, in words.
fn curve_desc(s: &Summary) -> String {
    let ins = &s.insolvency;
    let first = ins
        .by_month
        .first()
        .map_or(0.0, |r| r.cumulative_probability);
    format!(
        "Line chart of the probability that a path has fallen below the floor by the end of each month, {} to {}: {} in {}, rising to {} by {} (95 % Wilson interval {} – {}; {} of {} paths).",
        s.start,
        s.horizon,
        format_probability(first),
        s.start,
        format_probability(ins.probability),
        s.horizon,
        format_probability(ins.ci95[0]),
        format_probability(ins.ci95[1]),
        group(ins.count),
        group(s.paths)
    )
}

fn draw_insolvency_curve(root: &Area<'_>, s: &Summary, title: &str) -> DrawResult {
    let legend = [
        Entry::new(
            Glyph::Line(BLUE_, 3),
            "P(insolvent by the end of the month)",
        ),
        Entry::new(Glyph::Band(BLUE_, 0.25), "95 % Wilson interval"),
    ];
    let area = header(root, title, &subtitle(s), &legend)?;
    let x = Axis::months(s, root.dim_in_pixel().0, "Month (end of)");
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
    let plot_area = chart.plotting_area().strip_coord_spec();
    let room = f64::from(plot_area.dim_in_pixel().0) - 24.0;
    let mut note = format!(
        "By {}: {} (95 % CI {} – {}), {} of {} paths",
        s.horizon,
        format_probability(ins.probability),
        format_probability(ins.ci95[0]),
        format_probability(ins.ci95[1]),
        group(ins.count),
        group(s.paths)
    );
    if text_width(&note, 13.25) > room {
        note = format!(
            "By {}: {} ({} – {})",
            s.horizon,
            format_probability(ins.probability),
            format_probability(ins.ci95[0]),
            format_probability(ins.ci95[1])
        );
    }
    // On a white box, in case the curve rises early.
    let (left, top) = (10, 8);
    let width = text_width(&note, 13.25).round() as i32;
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

/// How the cash fan's money axis maps amounts to height.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MoneyScale {
    /// Symmetric log when the fan spans two orders of magnitude or more
    /// (its largest |amount| at least 100 times the first month's median,
    /// as in a ten-year model whose best paths grow without bound), else
    /// linear.
    #[default]
    Auto,
    /// In proportion.
    Linear,
    /// Symmetric log: sign(x) · log(1 + |x| / c), c three decades below the
    /// largest |amount|. Not a plain log scale because cash can be negative:
    /// insolvent paths go on being simulated and their cash keeps falling.
    SymLog,
}

/// The cash fan: median cash at the end of each month with its 25–75 % and
/// 5–95 % bands, and the insolvency floor as a vermillion line; an 800 × 500
/// SVG in the model's money unit, on the [`MoneyScale::Auto`] scale. `None`
/// when the run kept no per-month sketches (`by_month[i].cash` absent: run
/// with the fan on).
pub fn cash_fan_svg(summary: &Summary) -> Option<String> {
    cash_fan_svg_at(summary, Size::WIDE, MoneyScale::Auto)
}

/// [`cash_fan_svg`] drawn on a canvas of `size` with the money axis on `scale`.
pub fn cash_fan_svg_at(summary: &Summary, size: Size, scale: MoneyScale) -> Option<String> {
    let rows = &summary.insolvency.by_month;
    if rows.is_empty() || rows.iter().any(|r| r.cash.is_none()) {
        return None;
    }
    let fan = Fan::of(summary);
    let symlog = match scale {
        MoneyScale::Auto => fan.spans_decades(),
        MoneyScale::Linear => false,
        MoneyScale::SymLog => true,
    };
    let title = "Cash at the end of each month";
    Some(render(size, title, &fan.desc(summary, symlog), |root| {
        draw_cash_fan(root, summary, &fan, symlog, title)
    }))
}

/// The fan's percentile lines, (month index, amount) each.
struct Fan {
    p5: Vec<(f64, f64)>,
    p25: Vec<(f64, f64)>,
    p50: Vec<(f64, f64)>,
    p75: Vec<(f64, f64)>,
    p95: Vec<(f64, f64)>,
}

impl Fan {
    fn of(s: &Summary) -> Fan {
        let pct = |f: fn(&Percentiles) -> Option<f64>| -> Vec<(f64, f64)> {
            s.insolvency
                .by_month
                .iter()
                .enumerate()
                .filter_map(|(i, r)| r.cash.as_ref().and_then(f).map(|v| (i as f64, v)))
                .filter(|p| p.1.is_finite())
                .collect()
        };
        Fan {
            p5: pct(|p| p.p5),
            p25: pct(|p| p.p25),
            p50: pct(|p| p.p50),
            p75: pct(|p| p.p75),
            p95: pct(|p| p.p95),
        }
    }

    /// The lowest and highest amount drawn (the floor included).
    fn range(&self, floor: f64) -> (f64, f64) {
        let lo = self.p5.iter().map(|p| p.1).fold(floor, f64::min);
        let hi = self.p95.iter().map(|p| p.1).fold(floor, f64::max);
        (lo, hi)
    }

    /// Whether the largest |amount| is 100 times the first median or more.
    fn spans_decades(&self) -> bool {
        let (lo, hi) = self.range(0.0);
        let first = self.p50.first().map_or(0.0, |p| p.1.abs());
        let reference = if first > 0.0 {
            first
        } else {
            self.p50
                .iter()
                .map(|p| p.1.abs())
                .filter(|&v| v > 0.0)
                .fold(f64::INFINITY, f64::min)
        };
        reference.is_finite() && lo.abs().max(hi.abs()) >= 100.0 * reference
    }

    fn desc(&self, s: &Summary, symlog: bool) -> String {
        let at = |line: &[(f64, f64)], first: bool| {
            let point = if first { line.first() } else { line.last() };
            point.map_or_else(|| "n/a".to_string(), |p| crate::output::number::money(p.1))
        };
        format!(
            "Fan chart of cash at the end of each month, {} to {} ({}): the median goes from {} to {}; at {} half of the paths lie between {} and {} and 90 % between {} and {}. The insolvency floor is {}. Money axis: {}.",
            s.start,
            s.horizon,
            s.unit,
            at(&self.p50, true),
            at(&self.p50, false),
            s.horizon,
            at(&self.p25, false),
            at(&self.p75, false),
            at(&self.p5, false),
            at(&self.p95, false),
            money_label(s.floor),
            if symlog { "symmetric log scale" } else { "linear" }
        )
    }
}

fn draw_cash_fan(root: &Area<'_>, s: &Summary, fan: &Fan, symlog: bool, title: &str) -> DrawResult {
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
    let area = header(root, title, &subtitle(s), &legend)?;
    let (lo, hi) = fan.range(s.floor);
    let x = Axis::months(s, root.dim_in_pixel().0, "Month (end of)");
    let y = if symlog {
        Axis::symlog_money(
            lo,
            hi,
            format!("Cash at month end ({}), symmetric log scale", s.unit),
        )
    } else {
        let pad = 0.04 * (hi - lo);
        Axis::money(
            lo - pad,
            hi + pad,
            format!("Cash at month end ({})", s.unit),
        )
    };
    let mut chart = plot(&area, &x, &y)?;
    chart.draw_series(std::iter::once(Polygon::new(
        band(&fan.p5, &fan.p95),
        fan_color.mix(0.15).filled(),
    )))?;
    chart.draw_series(std::iter::once(Polygon::new(
        band(&fan.p25, &fan.p75),
        fan_color.mix(0.40).filled(),
    )))?;
    chart.draw_series(LineSeries::new(
        [(x.lo, s.floor), (x.hi, s.floor)],
        RED_.stroke_width(2),
    ))?;
    chart.draw_series(LineSeries::new(
        fan.p50.iter().copied(),
        fan_color.stroke_width(3),
    ))?;
    Ok(())
}

/// Several scenarios' cumulative insolvency curves on one chart, each with
/// its 95 % band lightly shaded, and a legend giving each scenario's value at
/// the horizon; an 800 × 500 SVG. `scenarios` pairs a scenario label with its
/// summary; all should share the model's months (the first sets the axis).
pub fn compare_curves_svg(scenarios: &[(String, &Summary)]) -> String {
    compare_curves_svg_at(scenarios, Size::WIDE)
}

/// [`compare_curves_svg`] drawn on a canvas of `size`.
pub fn compare_curves_svg_at(scenarios: &[(String, &Summary)], size: Size) -> String {
    let title = match scenarios.first() {
        Some((_, s)) => format!(
            "Probability of running out of money by {}, by scenario",
            s.horizon
        ),
        None => "Probability of running out of money, by scenario".to_string(),
    };
    let desc = if scenarios.is_empty() {
        "No scenarios to compare.".to_string()
    } else {
        let each: Vec<String> = scenarios
            .iter()
            .map(|(name, s)| {
                let ins = &s.insolvency;
                format!(
                    "{name} {} (95 % CI {} – {})",
                    format_probability(ins.probability),
                    format_probability(ins.ci95[0]),
                    format_probability(ins.ci95[1])
                )
            })
            .collect();
        format!(
            "Line chart of P(insolvent by the end of each month), one line per scenario, run on the same random numbers. By {}: {}.",
            scenarios[0].1.horizon,
            each.join("; ")
        )
    };
    render(size, &title, &desc, |root| {
        draw_compare(root, scenarios, &title)
    })
}

fn draw_compare(root: &Area<'_>, scenarios: &[(String, &Summary)], title: &str) -> DrawResult {
    let Some((_, first)) = scenarios.first() else {
        header(root, title, "no scenarios", &[])?;
        return Ok(());
    };
    let width = f64::from(root.dim_in_pixel().0);
    let legend: Vec<Entry> = scenarios
        .iter()
        .enumerate()
        .map(|(i, (name, s))| {
            let value = format!(": {}", format_probability(s.insolvency.probability));
            let room = 0.7 * (width - 80.0) - text_width(&value, 13.25);
            Entry::new(
                Glyph::Line(PALETTE[i % PALETTE.len()], 3),
                format!("{}{value}", fit_middle(name, 13.25, room)),
            )
        })
        .chain(std::iter::once(Entry::new(
            Glyph::Band(INK, 0.12),
            "95 % Wilson interval",
        )))
        .collect();
    let sub = format!(
        "{} · {} · {} paths each · seed {}",
        first.model.name,
        if scenarios.len() == 1 {
            scenario_label(Some(&scenarios[0].0))
        } else {
            format!("{} scenarios", scenarios.len())
        },
        group(first.paths),
        first.seed
    );
    let area = header(root, title, &sub, &legend)?;
    let longest = scenarios
        .iter()
        .map(|(_, s)| *s)
        .max_by_key(|s| s.insolvency.by_month.len())
        .unwrap_or(first);
    let x = Axis::months(longest, root.dim_in_pixel().0, "Month (end of)");
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
