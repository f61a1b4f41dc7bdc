//! The one-file HTML report.

use super::assumptions::{assumptions_section, glossary, Assumptions};
use super::cells::{cells, table, Cell};
use super::{escape, sparkline, Chart};
use crate::analysis::compare::Comparison;
use crate::analysis::explain::Explanation;
use crate::analysis::sensitivity::Sensitivity;
use crate::analysis::summary::{EventRate, MoneyStats, Summary};
use crate::output::number::{money as format_money, probability as format_probability};
use std::fmt::Write as _;

const STYLE: &str = "
body { font-family: sans-serif; color: #222; background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 860px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.6em; margin: 0.2em 0 0.1em; overflow-wrap: anywhere; }
h2 { font-size: 1.2em; margin: 1.8em 0 0.5em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
p.meta { color: #555; margin: 0.2em 0; font-size: 0.92em; overflow-wrap: anywhere; }
p.headline { font-size: 1.25em; margin: 1em 0 0.2em; }
p.headline strong { font-size: 1.3em; }
p.note, p.description { color: #555; font-size: 0.9em; overflow-wrap: anywhere; }
p.description { color: #222; font-size: 1em; }
code { font-size: 0.95em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; max-width: 100%; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e6e6e6; text-align: left; vertical-align: top; }
th { background: #f4f4f4; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
td.w { white-space: normal; }
td.name { overflow-wrap: anywhere; }
tr.group td { background: #fafafa; color: #444; font-size: 0.95em; padding-top: 6px; }
span.spark { font-family: monospace; letter-spacing: 0; overflow-wrap: anywhere; }
figure { margin: 1.2em 0; }
figure svg { display: block; width: 100%; max-width: 100%; height: auto; border: 1px solid #eee; }
figure .narrow { display: none; }
figcaption { color: #555; font-size: 0.9em; margin-top: 0.3em; }
ul.notes { color: #555; font-size: 0.9em; }
dl.glossary { font-size: 0.92em; }
dl.glossary dt { font-weight: 600; margin-top: 0.4em; }
dl.glossary dd { margin: 0 0 0 1.5em; color: #333; }
footer { color: #777; font-size: 0.85em; margin-top: 3em; }
@media (max-width: 640px) {
  main { padding: 12px 12px 32px; }
  h1 { font-size: 1.35em; }
  figure .wide { display: none; }
  figure .narrow { display: block; }
  table.reflow, table.reflow tbody, table.reflow tr, table.reflow td { display: block; width: auto; }
  table.reflow thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.reflow tr { border: 1px solid #ddd; border-radius: 4px; margin: 0 0 0.6em; padding: 4px 8px; }
  table.reflow tr.group { border: none; padding: 0; margin: 1em 0 0.3em; }
  table.reflow td { border: none; padding: 2px 0; text-align: right; white-space: normal; display: flex; justify-content: space-between; gap: 1em; }
  table.reflow td[data-label]::before { content: attr(data-label); font-weight: 600; color: #555; text-align: left; flex: 0 0 auto; max-width: 50%; }
  table.reflow td:first-child { font-weight: 600; text-align: left; display: block; }
  table.reflow td:first-child::before { content: none; }
  table.reflow tr.group td { font-weight: normal; background: none; }
}
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 9.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h2 + p.meta, h2 + p.description { break-after: avoid; page-break-after: avoid; }
  table, figure, dl.glossary { break-inside: avoid; page-break-inside: avoid; }
  table.long { break-inside: auto; page-break-inside: auto; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  table { font-size: 8.5pt; }
  th, td { padding: 2px 5px; }
  figure .wide { display: block; }
  figure .narrow { display: none; }
  figure svg { border: none; width: 100%; max-height: 125mm; }
}
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

fn money_row(label: &str, m: &MoneyStats) -> Vec<String> {
    let p = &m.percentiles;
    vec![
        label.to_string(),
        format!("#{}", opt_money(p.p5)),
        format!("#{}", opt_money(p.p25)),
        format!("#{}", opt_money(p.p50)),
        format!("#{}", opt_money(p.p75)),
        format!("#{}", opt_money(p.p95)),
        format!("#{}", opt_money(m.mean)),
        format!("#{}", opt_money(m.min)),
        format!("#{}", opt_money(m.max)),
    ]
}

fn events(out: &mut String, id: &str, title: &str, list: &[EventRate]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h2>{}</h2>", escape(title));
    let rows: Vec<Vec<Cell>> = list
        .iter()
        .map(|e| {
            let p = &e.share;
            vec![
                Cell::Name(e.name.clone()),
                Cell::Number(format_probability(p.probability)),
                Cell::Range(interval(p.ci95)),
                Cell::Range(format!("{} of {}", count(p.count), count(p.paths))),
            ]
        })
        .collect();
    table(
        out,
        id,
        &["event", "#share of paths", "#95 % CI (Wilson)", "#paths"],
        &rows,
    );
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
    out.push_str("<h2>Summary</h2>\n");
    let r = &s.runway_months;
    let months =
        |m: Option<u32>| m.map_or_else(|| format!("> {}", r.horizon_months), |v| v.to_string());
    let rows = vec![
        vec![
            format!("P(insolvent by {})", s.horizon),
            format!(
                "{} (95 % CI {}; {} of {} paths)",
                format_probability(ins.probability),
                interval(ins.ci95),
                count(ins.count),
                count(s.paths)
            ),
        ],
        vec![
            "When insolvent".into(),
            match (ins.median_month, ins.peak_month) {
                (Some(m), Some(p)) => format!("median month {m}, most often {p}"),
                _ => "no path became insolvent".into(),
            },
        ],
        vec![
            "Runway (months until cash falls below the floor)".into(),
            format!(
                "p5 {}, p25 {}, median {}",
                months(r.p5),
                months(r.p25),
                months(r.p50)
            ),
        ],
        vec![
            "Mean funding received".into(),
            format!("{} {}", format_money(s.mean_funding_received), s.unit),
        ],
    ];
    table(out, "summary", &["measure", "value"], &cells(rows));
    let _ = writeln!(out, "<h2>Cash ({})</h2>", escape(&s.unit));
    table(
        out,
        "cash",
        &[
            "", "#p5", "#p25", "#median", "#p75", "#p95", "#mean", "#min", "#max",
        ],
        &cells(vec![
            money_row(&format!("end cash ({})", s.horizon), &s.end_cash),
            money_row("lowest cash", &s.lowest_cash),
        ]),
    );
    if s.end_cash.min.is_some_and(|m| m < s.floor) {
        let _ = writeln!(
            out,
            "<p class=\"note\">Minima below the floor are paths that became insolvent and went on being simulated to the horizon (see <a href=\"#glossary\">Reading the numbers</a>).</p>"
        );
    }
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
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.month.to_string(),
                format!("#{}", format_probability(r.cumulative_probability)),
                format!("#~{}", interval(r.cumulative_ci95)),
                format!("#{}", count(r.cumulative_count)),
                format!("#{}", count(r.count_in_month)),
            ]
        })
        .collect();
    table(
        out,
        "months",
        &[
            "month",
            "#P(insolvent by)",
            "#95 % CI",
            "#paths insolvent by",
            "#new in month",
        ],
        &cells(body),
    );
}

fn comparison_section(out: &mut String, c: &Comparison) {
    out.push_str("<h2>Scenarios</h2>\n");
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} paths per scenario, seed {} (common random numbers, CRN) · horizon {} · money in {} · differences against the first scenario, paired path by path</p>",
        count(c.paths),
        c.seed,
        escape(&c.horizon),
        escape(&c.unit)
    );
    let risk: Vec<Vec<Cell>> = c
        .scenarios
        .iter()
        .map(|r| {
            let p = &r.insolvency;
            vec![
                Cell::Name(r.scenario.clone()),
                Cell::Number(format_probability(p.probability)),
                Cell::Range(interval(p.ci95)),
                Cell::Range(format!("{} of {}", count(p.count), count(p.paths))),
                Cell::Number(r.median_insolvency_month.as_deref().unwrap_or("–").into()),
            ]
        })
        .collect();
    table(
        out,
        "scenarios",
        &[
            "scenario",
            "#P(insolvent)",
            "#95 % CI",
            "#paths",
            "#median month",
        ],
        &risk,
    );
    let versus: Vec<Vec<Cell>> = c
        .scenarios
        .iter()
        .map(|r| {
            let d = &r.difference;
            vec![
                Cell::Name(r.scenario.clone()),
                Cell::Number(opt_money(r.end_cash.p5)),
                Cell::Number(opt_money(r.end_cash.p50)),
                Cell::Number(points(d.probability)),
                Cell::Range(format!(
                    "{} to {}",
                    points(d.probability_ci95[0]),
                    points(d.probability_ci95[1])
                )),
                Cell::Range(format!(
                    "{} ({} to {})",
                    format_money(d.mean_end_cash),
                    format_money(d.mean_end_cash_ci95[0]),
                    format_money(d.mean_end_cash_ci95[1])
                )),
            ]
        })
        .collect();
    table(
        out,
        "differences",
        &[
            "scenario",
            "#end cash p5",
            "#end cash median",
            "#Δ P vs first",
            "#paired 95 % CI",
            "#Δ mean end cash (95 % CI)",
        ],
        &versus,
    );
    if c.scenarios.iter().any(|r| !r.description.is_empty()) {
        let rows: Vec<Vec<Cell>> = c
            .scenarios
            .iter()
            .filter(|r| !r.description.is_empty())
            .map(|r| {
                vec![
                    Cell::Name(r.scenario.clone()),
                    Cell::Text(r.description.clone()),
                ]
            })
            .collect();
        table(
            out,
            "scenario-notes",
            &["scenario", "what it stands for"],
            &rows,
        );
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
    let signed = |x: Option<f64>| x.map_or_else(|| "–".into(), |v| format!("{v:+.3}"));
    let rows: Vec<Vec<Cell>> = s
        .drivers
        .iter()
        .take(super::TORNADO_DRIVERS)
        .map(|d| {
            vec![
                Cell::Name(d.input.clone()),
                Cell::Number(format_probability(d.lowest_decile.probability)),
                Cell::Number(format_probability(d.highest_decile.probability)),
                Cell::Number(points(d.swing)),
                Cell::Range(format!(
                    "{} to {}",
                    points(d.swing_ci95[0]),
                    points(d.swing_ci95[1])
                )),
                Cell::Number(signed(d.spearman_end_cash)),
                Cell::Number(signed(d.spearman_months_to_insolvency)),
                Cell::Number(
                    d.first_order_index
                        .map_or_else(|| "–".into(), |v| format!("{v:.3}")),
                ),
            ]
        })
        .collect();
    table(
        out,
        "drivers",
        &[
            "input",
            "#P | lowest 10 %",
            "#P | highest 10 %",
            "#swing",
            "#swing 95 % CI",
            "#ρ end cash",
            "#ρ months",
            "#S1",
        ],
        &rows,
    );
    out.push_str("<p class=\"note\">swing = P(insolvent | input in its highest decile) − P(insolvent | lowest decile), in percentage points (pp); ρ = Spearman rank correlation; S1 = first-order index of the insolvency indicator.</p>\n<ul class=\"notes\">\n");
    for note in &s.notes {
        let _ = writeln!(out, "<li>{}</li>", escape(note));
    }
    out.push_str("</ul>\n");
}

/// Writes each chart in a `<figure>`: the wide SVG, the narrow one (shown
/// instead on a narrow screen) and the caption.
fn figures(out: &mut String, charts: &[Chart]) {
    if charts.is_empty() {
        return;
    }
    out.push_str("<h2>Charts</h2>\n");
    for chart in charts {
        let _ = writeln!(
            out,
            "<figure id=\"{}\">\n<div class=\"wide\">\n{}\n</div>",
            escape(chart.name),
            chart.svg.trim_end()
        );
        if !chart.narrow.is_empty() {
            let _ = writeln!(
                out,
                "<div class=\"narrow\" aria-hidden=\"true\">\n{}\n</div>",
                chart.narrow.trim_end()
            );
        }
        let _ = writeln!(
            out,
            "<figcaption>{}</figcaption>\n</figure>",
            escape(&chart.caption)
        );
    }
}

/// One self-contained HTML5 report: the title and run settings, the
/// insolvency probability with its 95 % interval and k of n, the summary and
/// cash tables (percentiles of end cash and lowest cash), every chart in
/// `charts` inline (in the order given, each in a `<figure>` with its
/// caption, and its narrow variant for phones), the month-by-month table
/// with a [`sparkline`], money arriving and shocks, the scenario comparison
/// and the top drivers when given, the model's assumptions when given (every
/// uncertain input with its distribution, quantiles and the model file's
/// comment), the glossary and the method notes.
///
/// The layout fits an 860 px column, a phone and an A4 page: every table
/// has the `reflow` class (on a screen under 640 px each row becomes a card
/// of label–value lines), charts scale to the column (and switch to their
/// narrow variant on a phone), and a print stylesheet keeps tables and
/// charts whole on A4. The file has no scripts, no external URLs or web
/// fonts (the only `http` in it is the SVG namespace) and only inline CSS;
/// every text from the model is escaped. It is well-formed XML
/// (XHTML-style markup), so XML tools can read it. The run's timing and
/// thread count are left out, so the same results give the same bytes.
pub fn report_html(
    summary: &Summary,
    charts: &[Chart],
    comparison: Option<&Comparison>,
    sensitivity: Option<&Sensitivity>,
    assumptions: Option<&Assumptions<'_>>,
) -> String {
    explained_report_html(summary, charts, comparison, sensitivity, None, assumptions)
}

/// [`report_html`] with a section on how the company runs out of money
/// (`explanation`, after the drivers) when given.
pub fn explained_report_html(
    summary: &Summary,
    charts: &[Chart],
    comparison: Option<&Comparison>,
    sensitivity: Option<&Sensitivity>,
    explanation: Option<&Explanation>,
    assumptions: Option<&Assumptions<'_>>,
) -> String {
    let s = summary;
    let mut out = String::with_capacity(
        64 * 1024
            + charts
                .iter()
                .map(|c| c.svg.len() + c.narrow.len())
                .sum::<usize>(),
    );
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
    figures(&mut out, charts);
    month_section(&mut out, s);
    events(
        &mut out,
        "inflows",
        "Money arriving within the horizon",
        &s.inflows,
    );
    events(
        &mut out,
        "shocks",
        "Shocks that struck at least once",
        &s.shocks,
    );
    if let Some(c) = comparison {
        comparison_section(&mut out, c);
    }
    if let Some(sens) = sensitivity {
        sensitivity_section(&mut out, sens);
    }
    if let Some(e) = explanation {
        super::html_explain::explain_section(&mut out, e);
    }
    if let Some(a) = assumptions {
        assumptions_section(&mut out, a);
    }
    glossary(&mut out, s.floor);
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
