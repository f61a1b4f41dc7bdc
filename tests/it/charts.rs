//! Charts and the HTML report: well-formed SVG of the right size, the
//! expected series and labels, a self-contained report, identical bytes.

use runway::analysis::compare::{run_compare, Comparison};
use runway::analysis::histogram::Histogram;
use runway::analysis::sensitivity::{run_sensitivity, Sensitivity};
use runway::analysis::summary::{RunInfo, Summary};
use runway::engine::{simulate, Progress, RunSpec};
use runway::model::{load_str, LoadOptions, Model, BUILTIN_MODEL_TEXT};
use runway::output::chart::{
    cash_fan_svg, compare_chart, compare_curves_svg, end_cash_histogram_svg, escape,
    insolvency_curve_svg, insolvency_month_svg, report_html, run_charts, sparkline, tornado_chart,
    tornado_svg, Chart, TORNADO_DRIVERS,
};
use runway::stats::Tally;
use std::sync::OnceLock;

const PATHS: u64 = 20_000;
const SEED: u64 = 1;

fn model(scenario: Option<&str>) -> Model {
    let options = LoadOptions {
        scenario: scenario.map(String::from),
        overrides: Vec::new(),
    };
    load_str(BUILTIN_MODEL_TEXT, "builtin", &options).unwrap_or_else(|e| panic!("{e}"))
}

fn spec(threads: usize, fan: bool) -> RunSpec {
    RunSpec {
        paths: PATHS,
        seed: SEED,
        threads,
        fan,
        blocks: None,
    }
}

fn run_info(threads: usize) -> RunInfo {
    RunInfo {
        threads,
        elapsed_seconds: threads as f64 * 0.123_456_7,
        paths_per_second: 1e6 / threads as f64,
        shards: None,
    }
}

fn run(threads: usize, fan: bool) -> (Summary, Tally) {
    let m = model(None);
    let tally = simulate(&m, &spec(threads, fan), &Progress::default()).unwrap();
    (Summary::new(&m, &tally, run_info(threads)), tally)
}

/// The built-in model run once with the fan (2 threads), shared by the tests.
fn base() -> &'static (Summary, Tally) {
    static BASE: OnceLock<(Summary, Tally)> = OnceLock::new();
    BASE.get_or_init(|| run(2, true))
}

fn sensitivity() -> &'static Sensitivity {
    static SENS: OnceLock<Sensitivity> = OnceLock::new();
    SENS.get_or_init(|| {
        run_sensitivity(&model(None), &spec(2, false), &Progress::default()).unwrap()
    })
}

/// The built-in model's scenarios compared: the report and one summary each.
fn comparison() -> &'static (Comparison, Vec<(String, Summary)>) {
    static CMP: OnceLock<(Comparison, Vec<(String, Summary)>)> = OnceLock::new();
    CMP.get_or_init(|| {
        let models: Vec<Model> = ["baseline", "article", "marcus"]
            .into_iter()
            .map(|s| model(Some(s)))
            .collect();
        let result = run_compare(&models, &spec(2, false), &Progress::default()).unwrap();
        let c = Comparison::new(&models, &result, run_info(2));
        let summaries = models
            .iter()
            .zip(&result.tallies)
            .zip(&c.scenarios)
            .map(|((m, t), row)| (row.scenario.clone(), Summary::new(m, t, run_info(2))))
            .collect();
        (c, summaries)
    })
}

fn labelled(summaries: &[(String, Summary)]) -> Vec<(String, &Summary)> {
    summaries.iter().map(|(n, s)| (n.clone(), s)).collect()
}

/// Parses an SVG and checks the root: `<svg width="800" height="500">`.
fn parse(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("800"));
    assert_eq!(root.attribute("height"), Some("500"));
    doc
}

/// Every `<text>` of a document, trimmed.
fn texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

fn count(
    doc: &roxmltree::Document<'_>,
    tag: &str,
    pred: impl Fn(roxmltree::Node) -> bool,
) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && pred(*n))
        .count()
}

/// The end-cash histogram of a run, as the command line draws it.
fn end_cash(s: &Summary, tally: &Tally) -> Histogram {
    Histogram::from_sketch(&tally.end_cash, s.floor)
}

fn has_text(texts: &[String], needle: &str) -> bool {
    texts.iter().any(|t| t.contains(needle))
}

/// The colour of the first scenario curve (the palette's first colour).
const FIRST: &str = "#0072B2";

#[test]
fn every_chart_is_an_800_by_500_svg_in_sans_serif_that_parses_as_xml() {
    let (s, tally) = base();
    let (_, summaries) = comparison();
    let mut all = run_charts(s, Some(&end_cash(s, tally)));
    assert_eq!(
        all.iter().map(|c| c.name).collect::<Vec<_>>(),
        [
            "insolvency_curve",
            "insolvency_month",
            "cash_fan",
            "end_cash_histogram"
        ]
    );
    all.push(tornado_chart(sensitivity()));
    all.push(compare_chart(&labelled(summaries)));
    for chart in &all {
        let doc = parse(&chart.svg);
        for text in doc.descendants().filter(|n| n.has_tag_name("text")) {
            assert_eq!(
                text.attribute("font-family"),
                Some("sans-serif"),
                "{}",
                chart.name
            );
        }
        let t = texts(&doc);
        assert!(
            has_text(&t, &s.model.name),
            "{}: no model name in {t:?}",
            chart.name
        );
        assert!(has_text(&t, "2024-12"), "{}: no 2024-12 label", chart.name);
        assert!(chart.file_name().ends_with(".svg"));
    }
}

#[test]
fn the_insolvency_curve_has_one_line_with_its_band_month_labels_and_percent_axis() {
    let (s, _) = base();
    let svg = insolvency_curve_svg(s);
    let doc = parse(&svg);
    let t = texts(&doc);
    // One curve: its line and the line in the legend, one band polygon.
    assert_eq!(
        count(&doc, "polyline", |n| n.attribute("stroke") == Some(FIRST)),
        2
    );
    assert_eq!(count(&doc, "polygon", |_| true), 1);
    // Two legend entries.
    assert!(has_text(&t, "P(insolvent by the end of the month)"));
    assert!(has_text(&t, "95 % Wilson interval"));
    assert!(t.iter().any(|x| x == "2023-08"), "{t:?}");
    assert!(t.iter().any(|x| x == "2024-12"), "{t:?}");
    assert!(has_text(&t, "no scenario"));
    // Probabilities in percent, on the axis and its title.
    assert!(
        t.iter()
            .any(|x| x == "0.0 %" || x == "0 %" || x == "0.00 %"),
        "{t:?}"
    );
    assert!(has_text(&t, "% of paths"));
}

#[test]
fn the_cash_fan_has_a_median_two_bands_the_floor_and_the_money_unit() {
    let (s, _) = base();
    let svg = cash_fan_svg(s).expect("the run kept the fan");
    let doc = parse(&svg);
    let t = texts(&doc);
    assert_eq!(count(&doc, "polygon", |_| true), 2, "5–95 and 25–75 bands");
    for label in [
        "median",
        "25–75 % of paths",
        "5–95 % of paths",
        "insolvency floor",
    ] {
        assert!(has_text(&t, label), "no legend entry {label}: {t:?}");
    }
    assert!(has_text(&t, "(USD millions)"), "unit on the axis: {t:?}");
    assert!(t.iter().any(|x| x == "2024-12"));
}

#[test]
fn the_cash_fan_is_absent_without_per_month_sketches() {
    let m = model(None);
    let tally = simulate(
        &m,
        &RunSpec {
            paths: 2048,
            ..spec(1, false)
        },
        &Progress::default(),
    )
    .unwrap();
    let s = Summary::new(&m, &tally, run_info(1));
    assert!(cash_fan_svg(&s).is_none());
    assert_eq!(
        run_charts(&s, None)
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>(),
        ["insolvency_curve", "insolvency_month"]
    );
}

#[test]
fn the_end_cash_histogram_has_bars_in_the_money_unit_and_marks_the_median_and_floor() {
    let (s, tally) = base();
    let svg = end_cash_histogram_svg(s, &end_cash(s, tally));
    let doc = parse(&svg);
    let t = texts(&doc);
    let bars = count(&doc, "rect", |n| n.attribute("fill") == Some(FIRST));
    // The legend's box plus some 20 to 80 bars.
    assert!((20..=82).contains(&bars), "{bars} bars");
    assert!(has_text(&t, "USD millions"), "{t:?}");
    assert!(has_text(&t, "median 4,"), "{t:?}");
    assert!(has_text(&t, "insolvency floor 0"), "{t:?}");
    assert!(has_text(&t, "Cash at the end of 2024-12"));
}

#[test]
fn the_insolvency_month_chart_has_one_bar_per_month_with_insolvent_paths() {
    let (s, _) = base();
    let svg = insolvency_month_svg(s);
    let doc = parse(&svg);
    let months_with_paths = s
        .insolvency
        .by_month
        .iter()
        .filter(|r| r.count_in_month > 0)
        .count();
    assert!(months_with_paths > 5);
    // Bars are the red rectangles; the background and the plot are white.
    let bars = count(&doc, "rect", |n| n.attribute("fill") == Some("#D55E00"));
    assert_eq!(bars, months_with_paths);
    let t = texts(&doc);
    assert!(has_text(&t, "% of all paths"));
    assert!(t.iter().any(|x| x == "2024-12"));
}

#[test]
fn the_tornado_shows_the_top_drivers_in_order_with_both_deciles() {
    let s = sensitivity();
    assert!(
        s.drivers.len() > TORNADO_DRIVERS,
        "the built-in model has many inputs"
    );
    let svg = tornado_svg(s);
    let doc = parse(&svg);
    let t = texts(&doc);
    // The driver labels, top to bottom, are the first drivers in their order.
    let mut labels: Vec<(f64, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| {
            let text = n.text()?.trim().to_string();
            let y: f64 = n.attribute("y")?.parse().ok()?;
            s.drivers
                .iter()
                .any(|d| d.input == text)
                .then_some((y, text))
        })
        .collect();
    labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    let shown: Vec<&str> = labels.iter().map(|(_, t)| t.as_str()).collect();
    let expected: Vec<&str> = s.drivers[..TORNADO_DRIVERS]
        .iter()
        .map(|d| d.input.as_str())
        .collect();
    assert_eq!(shown, expected);
    // Two dots per driver (lowest and highest decile) plus two in the legend.
    assert_eq!(count(&doc, "circle", |_| true), 2 * TORNADO_DRIVERS + 2);
    assert!(has_text(&t, "input in its lowest 10 %"));
    assert!(has_text(&t, "input in its highest 10 %"));
    assert!(has_text(&t, "P(insolvent by 2024-12)"));
    assert!(has_text(&t, &s.model));
    assert!(has_text(&t, " pp"));
}

#[test]
fn the_scenario_chart_draws_one_curve_per_scenario_with_a_legend_entry_each() {
    let (_, summaries) = comparison();
    let pairs = labelled(summaries);
    let svg = compare_curves_svg(&pairs);
    let doc = parse(&svg);
    assert_eq!(
        count(&doc, "polygon", |_| true),
        pairs.len(),
        "one band each"
    );
    let t = texts(&doc);
    for (name, _) in &pairs {
        assert!(
            t.iter()
                .any(|x| x.starts_with(&format!("{name}: ")) && x.ends_with('%')),
            "no legend entry for {name}: {t:?}"
        );
    }
    // Each colour: the curve and its legend line.
    assert_eq!(
        count(&doc, "polyline", |n| n.attribute("stroke") == Some(FIRST)),
        2
    );
    assert!(t.iter().any(|x| x == "2024-12"));
    assert!(has_text(&t, "3 scenarios"));
}

#[test]
fn the_report_is_well_formed_self_contained_and_holds_every_chart_and_table() {
    let (s, tally) = base();
    let (c, summaries) = comparison();
    let mut charts = run_charts(s, Some(&end_cash(s, tally)));
    charts.push(tornado_chart(sensitivity()));
    charts.push(compare_chart(&labelled(summaries)));
    let html = report_html(s, &charts, Some(c), Some(sensitivity()), None);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    let doc = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("the report is not well-formed: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "html");
    for chart in &charts {
        assert!(
            html.contains(chart.svg.trim_end()),
            "{} not inline",
            chart.name
        );
    }
    // Each chart twice: wide, and narrow for phones.
    assert_eq!(count(&doc, "svg", |_| true), 2 * charts.len());
    assert_eq!(count(&doc, "figure", |_| true), charts.len());
    assert!(!html.to_lowercase().contains("<script"));
    assert!(!html.contains("<link"));
    assert!(!html.contains("@import") && !html.contains("@font-face") && !html.contains("url("));
    let external = html
        .match_indices("http")
        .filter(|(i, _)| !html[*i..].starts_with("http://www.w3.org/2000/svg\""))
        .count();
    assert_eq!(external, 0, "only the SVG namespace may name a URL");
    for needle in [
        "P(insolvent by 2024-12)",
        "95 % CI",
        &format!(" of {} paths", "20,000"),
        "end cash (2024-12)",
        "lowest cash",
        "Scenarios",
        "article",
        "What drives the risk",
        &sensitivity().drivers[0].input,
        "2024-12",
    ] {
        assert!(html.contains(needle), "report lacks {needle:?}");
    }
    // The run's timing and thread count are not in it.
    assert!(!html.contains("0.24691") && !html.contains("threads"));
}

#[test]
fn text_from_the_model_is_escaped_in_charts_and_report() {
    let text =
        BUILTIN_MODEL_TEXT.replacen("name = \"", "name = \"<b>Acme & \\\"Sons\\\"</b> 'Ltd' ", 1);
    let m = load_str(&text, "a<b>.toml", &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let tally = simulate(
        &m,
        &RunSpec {
            paths: 2048,
            ..spec(1, true)
        },
        &Progress::default(),
    )
    .unwrap();
    let s = Summary::new(&m, &tally, run_info(1));
    assert!(s.model.name.contains("<b>Acme &"));
    let charts = run_charts(&s, Some(&end_cash(&s, &tally)));
    for chart in &charts {
        let doc = parse(&chart.svg);
        assert!(
            has_text(&texts(&doc), "<b>Acme & \"Sons\"</b>"),
            "{}",
            chart.name
        );
    }
    let html = report_html(&s, &charts, None, None, None);
    assert!(!html.contains("<b>"));
    assert!(html.contains(&escape("<b>Acme & \"Sons\"</b> 'Ltd'")));
    assert!(html.contains("a&lt;b&gt;.toml"));
    roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap();
}

#[test]
fn output_is_byte_identical_for_one_thread_and_two() {
    let (one, tally_one) = run(1, true);
    let (two, tally_two) = base();
    assert_ne!(one.run, two.run);
    let a = run_charts(&one, Some(&end_cash(&one, &tally_one)));
    let b = run_charts(two, Some(&end_cash(two, tally_two)));
    assert_eq!(a, b);
    assert_eq!(
        report_html(&one, &a, None, None, None),
        report_html(two, &b, None, None, None)
    );
    // And a second rendering of the same input is the same.
    assert_eq!(insolvency_curve_svg(two), insolvency_curve_svg(two));
    assert_eq!(tornado_svg(sensitivity()), tornado_svg(sensitivity()));
}

#[test]
fn the_sparkline_has_one_block_character_per_month_rising_with_the_curve() {
    let (s, _) = base();
    let curve: Vec<f64> = s
        .insolvency
        .by_month
        .iter()
        .map(|r| r.cumulative_probability)
        .collect();
    let line = sparkline(&curve);
    assert_eq!(line.chars().count(), curve.len());
    assert!(line.chars().all(|c| "▁▂▃▄▅▆▇█".contains(c)));
    assert_eq!(line.chars().last(), Some('█'));
    let levels: Vec<usize> = line
        .chars()
        .map(|c| "▁▂▃▄▅▆▇█".chars().position(|b| b == c).unwrap())
        .collect();
    assert!(levels.windows(2).all(|w| w[0] <= w[1]), "{line}");
    assert_eq!(sparkline(&[0.0, 0.25, 0.5, 1.0]), "▁▃▅█");
}

#[test]
fn an_empty_comparison_and_an_empty_sensitivity_still_give_valid_svg() {
    parse(&compare_curves_svg(&[]));
    let mut s = sensitivity().clone();
    s.drivers.clear();
    parse(&tornado_svg(&s));
    let chart = Chart {
        name: "x",
        caption: "c".into(),
        svg: String::new(),
        narrow: String::new(),
    };
    assert_eq!(chart.file_name(), "x.svg");
}
