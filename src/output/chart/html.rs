//! The one-file HTML report.

use super::{escape, sparkline, Chart};
use crate::analysis::compare::Comparison;
use crate::analysis::sensitivity::Sensitivity;
use crate::analysis::summary::{EventRate, MoneyStats, Summary};
use crate::output::{format_money, format_probability};
use std::fmt::Write as _;

const STYLE: &str = "
body { font-family: sans-serif; color: #222; background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 860px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.6em; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.2em; margin: 1.8em 0 0.5em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
p.meta { color: #555; margin: 0.2em 0; font-size: 0.92em; }
p.headline { font-size: 1.25em; margin: 1em 0 0.2em; }
p.headline strong { font-size: 1.3em; }
p.note { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e6e6e6; text-align: left; vertical-align: top; }
th { background: #f4f4f4; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
span.spark { font-family: monospace; letter-spacing: 0; white-space: nowrap; }
figure { margin: 1.2em 0; }
figure svg { display: block; max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9em; margin-top: 0.3em; }
ul.notes { color: #555; font-size: 0.9em; }
footer { color: #777; font-size: 0.85em; margin-top: 3em; }
";

/// A whole number with thousands separators.
fn count(n: u64) -> String {
    super::frame::group(n)
}

fn opt_money(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), format_money)
}

fn interval(ci: [f64; 2]) -> String {
    format!(
        "{} – {}",
        format_probability(ci[0]),
        format_probability(ci[1])
    )
}

fn points(x: f64) -> String {
    format!("{:+.2} pp", x * 100.0)
}

/// Writes a table row; cells starting with `#` are numeric (right-aligned).
fn row(out: &mut String, cells: &[String], header: bool) {
    let tag = if header { "th" } else { "td" };
    out.push_str("<tr>");
    for cell in cells {
        let (class, text) = match cell.strip_prefix('#') {
            Some(rest) => (" class=\"n\"", rest),
            None => ("", cell.as_str()),
        };
        let _ = write!(out, "<{tag}{class}>{}</{tag}>", escape(text));
    }
    out.push_str("</tr>\n");
}

fn money_row(out: &mut String, label: &str, m: &MoneyStats) {
    let p = &m.percentiles;
    row(
        out,
        &[
            label.to_string(),
            format!("#{}", opt_money(p.p5)),
            format!("#{}", opt_money(p.p25)),
            format!("#{}", opt_money(p.p50)),
            format!("#{}", opt_money(p.p75)),
            format!("#{}", opt_money(p.p95)),
            format!("#{}", opt_money(m.mean)),
            format!("#{}", opt_money(m.min)),
            format!("#{}", opt_money(m.max)),
        ],
        false,
    );
}

fn events(out: &mut String, title: &str, list: &[EventRate]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h2>{}</h2>", escape(title));
    out.push_str("<table>\n");
    row(
        out,
        &[
            "event".into(),
            "#share of paths".into(),
            "#95 % CI (Wilson)".into(),
            "#paths".into(),
        ],
        true,
    );
    for e in list {
        let p = &e.share;
        row(
            out,
            &[
                e.name.clone(),
                format!("#{}", format_probability(p.probability)),
                format!("#{}", interval(p.ci95)),
                format!("#{} of {}", count(p.count), count(p.paths)),
            ],
            false,
        );
    }
    out.push_str("</table>\n");
}

fn summary_section(out: &mut String, s: &Summary) {
    let ins = &s.insolvency;
    let _ = writeln!(
        out,
        "<p class=\"headline\">P(insolvent by {}) = <strong>{}</strong></p>",
        s.horizon,
        escape(&format_probability(ins.probability))
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">95 % CI {} (Wilson score) · {} of {} paths fell below the floor of {} at the end of some month</p>",
        escape(&interval(ins.ci95)),
        count(ins.count),
        count(s.paths),
        escape(&format_money(s.floor))
    );
    out.push_str("<h2>Summary</h2>\n<table>\n");
    row(out, &["measure".into(), "value".into()], true);
    let mut line = |label: &str, value: String| row(out, &[label.to_string(), value], false);
    line(
        &format!("P(insolvent by {})", s.horizon),
        format!(
            "{} (95 % CI {}; {} of {} paths)",
            format_probability(ins.probability),
            interval(ins.ci95),
            count(ins.count),
            count(s.paths)
        ),
    );
    line(
        "When insolvent",
        match (ins.median_month, ins.peak_month) {
            (Some(m), Some(p)) => format!("median month {m}, most often {p}"),
            _ => "no path became insolvent".into(),
        },
    );
    let r = &s.runway_months;
    let months =
        |m: Option<u32>| m.map_or_else(|| format!("> {}", r.horizon_months), |v| v.to_string());
    line(
        "Runway (months until cash falls below the floor)",
        format!(
            "p5 {}, p25 {}, median {}",
            months(r.p5),
            months(r.p25),
            months(r.p50)
        ),
    );
    line(
        "Mean funding received",
        format!("{} {}", format_money(s.mean_funding_received), s.unit),
    );
    out.push_str("</table>\n");

    let _ = writeln!(out, "<h2>Cash ({})</h2>\n<table>", escape(&s.unit));
    row(
        out,
        &[
            String::new(),
            "#p5".into(),
            "#p25".into(),
            "#median".into(),
            "#p75".into(),
            "#p95".into(),
            "#mean".into(),
            "#min".into(),
            "#max".into(),
        ],
        true,
    );
    money_row(out, &format!("end cash ({})", s.horizon), &s.end_cash);
    money_row(out, "lowest cash", &s.lowest_cash);
    out.push_str("</table>\n");
}

fn month_section(out: &mut String, s: &Summary) {
    let rows = &s.insolvency.by_month;
    let curve: Vec<f64> = rows.iter().map(|r| r.cumulative_probability).collect();
    out.push_str("<h2>Month by month</h2>\n");
    let _ = writeln!(
        out,
        "<p class=\"meta\">P(insolvent by the end of each month): <span class=\"spark\">{}</span></p>",
        escape(&sparkline(&curve))
    );
    out.push_str("<table>\n");
    row(
        out,
        &[
            "month".into(),
            "#P(insolvent by)".into(),
            "#95 % CI".into(),
            "#paths insolvent by".into(),
            "#new in month".into(),
        ],
        true,
    );
    for r in rows {
        row(
            out,
            &[
                r.month.to_string(),
                format!("#{}", format_probability(r.cumulative_probability)),
                format!("#{}", interval(r.cumulative_ci95)),
                format!("#{}", count(r.cumulative_count)),
                format!("#{}", count(r.count_in_month)),
            ],
            false,
        );
    }
    out.push_str("</table>\n");
}

fn comparison_section(out: &mut String, c: &Comparison) {
    out.push_str("<h2>Scenarios</h2>\n");
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} paths per scenario, seed {} (common random numbers) · horizon {} · money in {} · differences against the first scenario, paired path by path</p>",
        count(c.paths),
        c.seed,
        escape(&c.horizon),
        escape(&c.unit)
    );
    out.push_str("<table>\n");
    row(
        out,
        &[
            "scenario".into(),
            "#P(insolvent)".into(),
            "#95 % CI".into(),
            "#paths".into(),
            "#median month".into(),
            "#end cash p5".into(),
            "#end cash median".into(),
            "#Δ P vs first".into(),
            "#paired 95 % CI".into(),
            "#Δ mean end cash".into(),
        ],
        true,
    );
    for r in &c.scenarios {
        let (p, d) = (&r.insolvency, &r.difference);
        row(
            out,
            &[
                r.scenario.clone(),
                format!("#{}", format_probability(p.probability)),
                format!("#{}", interval(p.ci95)),
                format!("#{} of {}", count(p.count), count(p.paths)),
                format!("#{}", r.median_insolvency_month.as_deref().unwrap_or("–")),
                format!("#{}", opt_money(r.end_cash.p5)),
                format!("#{}", opt_money(r.end_cash.p50)),
                format!("#{}", points(d.probability)),
                format!(
                    "#{} to {}",
                    points(d.probability_ci95[0]),
                    points(d.probability_ci95[1])
                ),
                format!(
                    "#{} ({} to {})",
                    format_money(d.mean_end_cash),
                    format_money(d.mean_end_cash_ci95[0]),
                    format_money(d.mean_end_cash_ci95[1])
                ),
            ],
            false,
        );
    }
    out.push_str("</table>\n");
    if c.scenarios.iter().any(|r| !r.description.is_empty()) {
        out.push_str("<table>\n");
        row(out, &["scenario".into(), "what it stands for".into()], true);
        for r in c.scenarios.iter().filter(|r| !r.description.is_empty()) {
            row(out, &[r.scenario.clone(), r.description.clone()], false);
        }
        out.push_str("</table>\n");
    }
    let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(c.method));
}

fn sensitivity_section(out: &mut String, s: &Sensitivity) {
    out.push_str("<h2>What drives the risk</h2>\n");
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} · {} paths, seed {} · P(insolvent by {}) = {} (95 % CI {}) · inputs sorted by |swing|{}</p>",
        escape(&super::frame::scenario_label(s.scenario.as_deref())),
        count(s.paths),
        s.seed,
        escape(&s.horizon),
        escape(&format_probability(s.insolvency.probability)),
        escape(&interval(s.insolvency.ci95)),
        if s.drivers.len() > super::TORNADO_DRIVERS {
            format!(", top {} of {}", super::TORNADO_DRIVERS, s.drivers.len())
        } else {
            String::new()
        }
    );
    out.push_str("<table>\n");
    row(
        out,
        &[
            "input".into(),
            "#P | lowest 10 %".into(),
            "#P | highest 10 %".into(),
            "#swing".into(),
            "#swing 95 % CI".into(),
            "#ρ end cash".into(),
            "#ρ months".into(),
            "#S1".into(),
        ],
        true,
    );
    let signed = |x: Option<f64>| x.map_or_else(|| "–".into(), |v| format!("{v:+.3}"));
    for d in s.drivers.iter().take(super::TORNADO_DRIVERS) {
        row(
            out,
            &[
                d.input.clone(),
                format!("#{}", format_probability(d.lowest_decile.probability)),
                format!("#{}", format_probability(d.highest_decile.probability)),
                format!("#{}", points(d.swing)),
                format!(
                    "#{} to {}",
                    points(d.swing_ci95[0]),
                    points(d.swing_ci95[1])
                ),
                format!("#{}", signed(d.spearman_end_cash)),
                format!("#{}", signed(d.spearman_months_to_insolvency)),
                format!(
                    "#{}",
                    d.first_order_index
                        .map_or_else(|| "–".into(), |v| format!("{v:.3}"))
                ),
            ],
            false,
        );
    }
    out.push_str("</table>\n");
    out.push_str("<p class=\"note\">swing = P(insolvent | input in its highest decile) − P(insolvent | lowest decile); ρ = Spearman rank correlation; S1 = first-order index of the insolvency indicator.</p>\n<ul class=\"notes\">\n");
    for note in &s.notes {
        let _ = writeln!(out, "<li>{}</li>", escape(note));
    }
    out.push_str("</ul>\n");
}

/// One self-contained HTML5 report: the title and run settings, the
/// insolvency probability with its 95 % interval and k of n, the summary and
/// cash tables (percentiles of end cash and lowest cash), the month-by-month
/// table with a [`sparkline`], money arriving and shocks, every chart in
/// `charts` inline (in the order given, each in a `<figure>` with its
/// caption), the scenario comparison and the top drivers when given, and the
/// method notes.
///
/// The file has no scripts, no external URLs or web fonts (the only `http`
/// in it is the SVG namespace) and only inline CSS; every text from the
/// model is escaped. It is well-formed XML (XHTML-style markup), so XML
/// tools can read it. The run's timing and thread count are left out, so the
/// same results give the same bytes.
pub fn report_html(
    summary: &Summary,
    charts: &[Chart],
    comparison: Option<&Comparison>,
    sensitivity: Option<&Sensitivity>,
) -> String {
    let s = summary;
    let mut out =
        String::with_capacity(64 * 1024 + charts.iter().map(|c| c.svg.len()).sum::<usize>());
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    let _ = writeln!(
        out,
        "<meta name=\"generator\" content=\"runway {}\"/>",
        escape(s.runway_version)
    );
    let _ = writeln!(
        out,
        "<title>runway report · {}</title>",
        escape(&s.model.name)
    );
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>\n<main>");
    let _ = writeln!(out, "<h1>{}</h1>", escape(&s.model.name));
    let _ = writeln!(
        out,
        "<p class=\"meta\">model {} · {} · {} to {} · money in {} · insolvent below {}</p>",
        escape(&s.model.file),
        escape(&super::frame::scenario_label(s.model.scenario.as_deref())),
        s.start,
        s.horizon,
        escape(&s.unit),
        escape(&format_money(s.floor))
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} paths · seed {} · runway {}</p>",
        count(s.paths),
        s.seed,
        escape(s.runway_version)
    );
    summary_section(&mut out, s);
    if !charts.is_empty() {
        out.push_str("<h2>Charts</h2>\n");
        for chart in charts {
            let _ = writeln!(
                out,
                "<figure id=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
                escape(chart.name),
                chart.svg.trim_end(),
                escape(&chart.caption)
            );
        }
    }
    month_section(&mut out, s);
    events(&mut out, "Money arriving within the horizon", &s.inflows);
    events(&mut out, "Shocks that struck at least once", &s.shocks);
    if let Some(c) = comparison {
        comparison_section(&mut out, c);
    }
    if let Some(sens) = sensitivity {
        sensitivity_section(&mut out, sens);
    }
    out.push_str("<h2>Method</h2>\n<ul class=\"notes\">\n");
    for note in [
        format!(
            "Insolvency: a path is insolvent the first month its cash falls below the floor ({}). Intervals: {}; they measure Monte Carlo error only, not whether the model's assumptions are right.",
            format_money(s.floor),
            s.insolvency.interval_method
        ),
        format!("Sampling: {}; generator {}; blocks of {} paths.", s.method.sampling, s.method.generator, s.method.block_size),
        format!("Quantiles: {}.", s.method.quantiles),
    ] {
        let _ = writeln!(out, "<li>{}</li>", escape(&note));
    }
    out.push_str("</ul>\n");
    let _ = writeln!(
        out,
        "<footer>Made by runway {} from {} with seed {}.</footer>\n</main>\n</body>\n</html>",
        escape(s.runway_version),
        escape(&s.model.file),
        s.seed
    );
    out
}
