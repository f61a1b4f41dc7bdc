//! Charts and the one-file HTML report: pure functions from runway's result
//! structs to text.
//!
//! Every chart is an SVG document of 800 × 500 pixels ([`Size::WIDE`], the
//! files), or 420 × 540 ([`Size::NARROW`], the report on a phone), drawn
//! with plotters' SVG backend in the `sans-serif` font family, in one
//! colour-blind-safe palette (Okabe–Ito). Each carries a `<title>` and a
//! `<desc>` that says in words what it shows, and draws a title and a
//! subtitle naming the model and the scenario (wrapped, never cut), axis
//! titles with units (the model's money unit, or % for probabilities) set
//! horizontally and wrapped so a long unit stays on the canvas, months
//! labelled `YYYY-MM` (the horizon always among them, as many as fit), and
//! legend rows under the title when it shows more than one series. Long
//! names are shortened in the middle, keeping the end where they differ.
//! Output depends only on the input: the same summary gives the same bytes
//! (no timestamps, random ids or hash order; the run's thread count and
//! timing are never drawn).
//!
//! - [`insolvency_curve_svg`]: P(insolvent by month) with its Wilson band;
//! - [`cash_fan_svg`]: median cash with 25–75 % and 5–95 % bands and the floor;
//! - [`end_cash_histogram_svg`]: cash at the horizon, from its [`Histogram`];
//! - [`insolvency_month_svg`]: the month of first insolvency;
//! - [`tornado_svg`]: the drivers of a sensitivity analysis;
//! - [`explain_cash_svg_at`]: the typical cash path of insolvent and surviving paths;
//! - [`compare_curves_svg`]: several scenarios' curves on one chart;
//! - [`frontier_svg`]: the frontier of `runway solve` with two levers;
//! - [`report_html`]: one self-contained HTML file with the tables and charts;
//! - [`sparkline`]: a one-line text curve for the terminal.

mod assumptions;
mod axis;
mod cells;
mod curves;
mod distribution;
mod explain;
mod frame;
mod frontier;
mod html;
mod html_explain;
mod text;
mod tornado;

pub use assumptions::Assumptions;
pub use curves::{
    cash_fan_svg, cash_fan_svg_at, compare_curves_svg, compare_curves_svg_at, insolvency_curve_svg,
    insolvency_curve_svg_at, MoneyScale,
};
pub use distribution::{
    end_cash_histogram_svg, end_cash_histogram_svg_at, insolvency_month_svg,
    insolvency_month_svg_at,
};
pub use explain::explain_cash_svg_at;
pub use frame::{Size, FONT, HEIGHT, WIDTH};
pub use frontier::{frontier_svg, frontier_svg_at};
pub use html::{explained_report_html, report_html};
pub use tornado::{tornado_svg, tornado_svg_at, TORNADO_DRIVERS};

use crate::analysis::histogram::Histogram;
use crate::analysis::sensitivity::Sensitivity;
use crate::analysis::summary::Summary;

/// One rendered chart, ready to write as `NAME.svg` or to inline in HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// File stem, e.g. `insolvency_curve` (a plain ASCII identifier).
    pub name: &'static str,
    /// What the chart shows, in one sentence (the HTML figure caption).
    pub caption: String,
    /// The SVG document, [`Size::WIDE`].
    pub svg: String,
    /// The same chart drawn [`Size::NARROW`], for the report on a phone.
    pub narrow: String,
}

impl Chart {
    /// The file name to write the chart to: `NAME.svg`.
    pub fn file_name(&self) -> String {
        format!("{}.svg", self.name)
    }
}

/// The charts of one run, in report order: the insolvency curve, the month
/// of insolvency, the cash fan (when `summary` has per-month cash, i.e. the
/// run kept the fan) and the end-cash histogram (when `end_cash`, the
/// histogram of the tally's `end_cash`, is given: see
/// [`Histogram::from_sketch`]).
pub fn run_charts(summary: &Summary, end_cash: Option<&Histogram>) -> Vec<Chart> {
    let both = |draw: &dyn Fn(Size) -> String| (draw(Size::WIDE), draw(Size::NARROW));
    let chart = |name, caption, (svg, narrow): (String, String)| Chart {
        name,
        caption,
        svg,
        narrow,
    };
    let mut charts = vec![
        chart(
            "insolvency_curve",
            format!(
                "Probability of insolvency by the end of each month, {} to {}, with its 95 % Wilson interval.",
                summary.start, summary.horizon
            ),
            both(&|size| insolvency_curve_svg_at(summary, size)),
        ),
        chart(
            "insolvency_month",
            "Share of all paths that first fell below the floor in each month.".into(),
            both(&|size| insolvency_month_svg_at(summary, size)),
        ),
    ];
    let fan = |size| cash_fan_svg_at(summary, size, MoneyScale::Auto);
    if let (Some(svg), Some(narrow)) = (fan(Size::WIDE), fan(Size::NARROW)) {
        charts.push(chart(
            "cash_fan",
            format!(
                "Cash at the end of each month ({}): median, 25–75 % and 5–95 % of paths, and the insolvency floor.",
                summary.unit
            ),
            (svg, narrow),
        ));
    }
    if let Some(histogram) = end_cash {
        charts.push(chart(
            "end_cash_histogram",
            format!(
                "Distribution of cash at the end of {} ({}) over all paths; the bars at the ends hold the paths beyond the bins.",
                summary.horizon, summary.unit
            ),
            both(&|size| end_cash_histogram_svg_at(summary, histogram, size)),
        ));
    }
    charts
}

/// The tornado of a sensitivity analysis as a [`Chart`] named `tornado`.
pub fn tornado_chart(sensitivity: &Sensitivity) -> Chart {
    Chart {
        name: "tornado",
        caption: format!(
            "P(insolvent by {}) with each input in its lowest and highest decile, for the inputs with the largest swing.",
            sensitivity.horizon
        ),
        svg: tornado_svg_at(sensitivity, Size::WIDE),
        narrow: tornado_svg_at(sensitivity, Size::NARROW),
    }
}

/// The typical cash paths of `runway explain` as a [`Chart`] named
/// `explain_cash`.
pub fn explain_chart(explanation: &crate::analysis::explain::Explanation) -> Chart {
    Chart {
        name: "explain_cash",
        caption: format!(
            "Median cash at the end of each month ({}) of the paths that end insolvent by {} and of those that survive, each with its 25–75 % band.",
            explanation.unit, explanation.horizon
        ),
        svg: explain_cash_svg_at(explanation, Size::WIDE),
        narrow: explain_cash_svg_at(explanation, Size::NARROW),
    }
}

/// Scenario curves as a [`Chart`] named `scenario_curves`.
pub fn compare_chart(scenarios: &[(String, &Summary)]) -> Chart {
    Chart {
        name: "scenario_curves",
        caption: "Probability of insolvency by the end of each month, one curve per scenario (same seed and paths: common random numbers).".into(),
        svg: compare_curves_svg_at(scenarios, Size::WIDE),
        narrow: compare_curves_svg_at(scenarios, Size::NARROW),
    }
}

/// A one-line text sparkline of `values` with the eight block characters
/// `▁▂▃▄▅▆▇█`, one character per value: the scale runs from the smaller of 0
/// and the smallest value (▁) to the largest value (█), so a probability
/// curve's bars are in proportion. A value that is not finite is a space;
/// when every value is equal and not above 0 all are `▁`.
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let lo = finite.clone().fold(0.0, f64::min);
    let hi = finite.fold(f64::NEG_INFINITY, f64::max);
    values
        .iter()
        .map(|&v| {
            if !v.is_finite() {
                ' '
            } else if hi > lo {
                BARS[(((v - lo) / (hi - lo)) * 7.0).round().clamp(0.0, 7.0) as usize]
            } else {
                BARS[0]
            }
        })
        .collect()
}

/// Escapes text for HTML and XML (`& < > " '`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_from_zero_to_the_largest_value() {
        assert_eq!(sparkline(&[0.0, 0.5, 1.0]), "▁▅█");
        assert_eq!(sparkline(&[0.0, 0.0]), "▁▁");
        assert_eq!(sparkline(&[]), "");
        assert_eq!(sparkline(&[1.0, f64::NAN, 2.0]), "▅ █");
        assert_eq!(sparkline(&[-1.0, 1.0]), "▁█");
    }

    #[test]
    fn escape_covers_markup_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;"
        );
    }
}
