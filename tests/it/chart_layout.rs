//! Layout of the charts and the report without a browser: every text of
//! every chart stays on its canvas and clear of the others, even with long
//! names, a long unit and a ten-year horizon; every chart says what it shows
//! (`<title>`, `<desc>`); the report's tables reflow, it has phone and print
//! styles, and it lists every uncertain input with its comment.
//!
//! Text extents are estimated as characters × font size × 0.6 (a generous
//! average glyph width for sans-serif fonts, bold included), placed by
//! `text-anchor` and plotters' `dy` (top, middle or bottom).

use runway::analysis::check::Check;
use runway::analysis::compare::{run_compare, Comparison};
use runway::analysis::histogram::Histogram;
use runway::analysis::sensitivity::{run_sensitivity, Sensitivity};
use runway::analysis::summary::{RunInfo, Summary};
use runway::engine::{simulate, Progress, RunSpec};
use runway::model::{load_str, Comments, LoadOptions, Model, BUILTIN_MODEL_TEXT};
use runway::output::chart::{
    compare_chart, report_html, run_charts, tornado_chart, Assumptions, Chart,
};
use std::sync::OnceLock;

const STARTUP: &str = include_str!("../../configs/startup_seed.toml");

/// The startup model with a long name, a long unit, long cost names that
/// differ only near their end, a long scenario name and a ten-year horizon.
fn long_text() -> String {
    STARTUP
        .replace(
            "unit = \"USD thousands\"",
            "unit = \"EUR thousands (nominal, excluding VAT)\"",
        )
        .replace(
            "name = \"Seed-stage SaaS startup\"",
            "name = \"Seed-stage SaaS startup with a deliberately long model name for layout tests\"",
        )
        .replace("horizon = \"2026-12\"", "horizon = \"2034-12\"")
        .replace(
            "[costs.payroll]",
            "[costs.engineering_payroll_for_the_berlin_office]",
        )
        .replace(
            "costs.payroll.growth",
            "costs.engineering_payroll_for_the_berlin_office.growth",
        )
        .replace(
            "[costs.cloud]",
            "[costs.engineering_payroll_for_the_lisbon_office]\nmonthly = { uniform = { min = 20, max = 40 } }\ngrowth = { uniform = { min = 0.0, max = 0.02 } }\n\n[costs.cloud]",
        )
        .replace(
            "[scenarios.faster_hiring]",
            "[scenarios.faster_hiring_in_every_office_with_a_very_long_scenario_name]",
        )
}

fn load(text: &str, scenario: Option<&str>) -> Model {
    let options = LoadOptions {
        scenario: scenario.map(String::from),
        overrides: Vec::new(),
    };
    load_str(text, "long.toml", &options).unwrap_or_else(|e| panic!("{e}"))
}

fn spec() -> RunSpec {
    RunSpec {
        paths: 4096,
        seed: 5,
        threads: 2,
        fan: true,
        blocks: None,
    }
}

fn info() -> RunInfo {
    RunInfo {
        threads: 2,
        elapsed_seconds: 1.0,
        paths_per_second: 1.0,
        shards: None,
    }
}

/// Every chart of a model: the run's, the tornado and the scenarios'.
fn all_charts(text: &str, scenarios: &[&str]) -> (Summary, Vec<Chart>, Comparison, Sensitivity) {
    let model = load(text, None);
    let tally = simulate(&model, &spec(), &Progress::default()).unwrap();
    let summary = Summary::new(&model, &tally, info());
    let mut charts = run_charts(
        &summary,
        Some(&Histogram::from_sketch(&tally.end_cash, summary.floor)),
    );
    let sensitivity = run_sensitivity(&model, &spec(), &Progress::default()).unwrap();
    charts.push(tornado_chart(&sensitivity));
    let models: Vec<Model> = scenarios.iter().map(|s| load(text, Some(s))).collect();
    let result = run_compare(&models, &spec(), &Progress::default()).unwrap();
    let comparison = Comparison::new(&models, &result, info());
    let summaries: Vec<Summary> = models
        .iter()
        .zip(&result.tallies)
        .map(|(m, t)| Summary::new(m, t, info()))
        .collect();
    let named: Vec<(String, &Summary)> = models
        .iter()
        .zip(&summaries)
        .map(|(m, s)| (m.scenario.clone().unwrap_or_default(), s))
        .collect();
    charts.push(compare_chart(&named));
    (summary, charts, comparison, sensitivity)
}

fn long() -> &'static (Summary, Vec<Chart>, Comparison, Sensitivity) {
    static LONG: OnceLock<(Summary, Vec<Chart>, Comparison, Sensitivity)> = OnceLock::new();
    LONG.get_or_init(|| {
        all_charts(
            &long_text(),
            &[
                "no_series_a",
                "faster_hiring_in_every_office_with_a_very_long_scenario_name",
            ],
        )
    })
}

fn builtin() -> &'static (Summary, Vec<Chart>, Comparison, Sensitivity) {
    static BUILTIN: OnceLock<(Summary, Vec<Chart>, Comparison, Sensitivity)> = OnceLock::new();
    BUILTIN.get_or_init(|| all_charts(BUILTIN_MODEL_TEXT, &["baseline", "article", "marcus"]))
}

/// A text's estimated box: (text, left, top, right, bottom).
type TextBox = (String, f64, f64, f64, f64);

fn number(node: roxmltree::Node<'_, '_>, name: &str) -> f64 {
    node.attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("<{}> without a numeric {name}", node.tag_name().name()))
}

/// The canvas size and every text's estimated box.
fn text_boxes(svg: &str) -> ((f64, f64), Vec<TextBox>) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}"));
    let root = doc.root_element();
    let size = (number(root, "width"), number(root, "height"));
    let boxes = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            let text = n.text().unwrap_or("").trim().to_string();
            assert!(
                n.attribute("transform").is_none(),
                "rotated text {text:?}: axis titles are set horizontally"
            );
            let (x, y, px) = (number(n, "x"), number(n, "y"), number(n, "font-size"));
            let width = text.chars().count() as f64 * px * 0.6;
            let left = match n.attribute("text-anchor") {
                Some("middle") => x - width / 2.0,
                Some("end") => x - width,
                _ => x,
            };
            let top = match n.attribute("dy") {
                Some("0.76em") => y,
                Some("0.5ex") => y - px / 2.0,
                Some("-0.5ex") => y - px,
                _ => y - 0.8 * px,
            };
            (text, left, top, left + width, top + px)
        })
        .collect();
    (size, boxes)
}

/// Every text on the canvas and no two texts overlapping (1 px slack).
fn assert_texts_fit(name: &str, svg: &str) {
    let ((w, h), boxes) = text_boxes(svg);
    assert!(boxes.len() > 8, "{name}: only {} texts", boxes.len());
    for (text, left, top, right, bottom) in &boxes {
        assert!(
            *left >= -0.5 && *right <= w + 0.5 && *top >= -0.5 && *bottom <= h + 0.5,
            "{name}: {text:?} leaves the {w} × {h} canvas: x {left:.0}–{right:.0}, y {top:.0}–{bottom:.0}"
        );
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart =
                a.3 <= b.1 + 1.0 || b.3 <= a.1 + 1.0 || a.4 <= b.2 + 1.0 || b.4 <= a.2 + 1.0;
            assert!(apart, "{name}: {:?} overlaps {:?}", a, b);
        }
    }
}

#[test]
fn no_chart_text_leaves_the_canvas_or_overlaps_with_long_names_and_a_long_unit() {
    for (summary, charts, _, _) in [long(), builtin()] {
        assert!(!charts.is_empty());
        for chart in charts {
            assert_texts_fit(&format!("{} (wide)", chart.name), &chart.svg);
            assert_texts_fit(&format!("{} (narrow)", chart.name), &chart.narrow);
        }
        assert!(summary.insolvency.by_month.len() >= 17);
    }
}

#[test]
fn long_names_keep_their_distinguishing_end_and_the_desc_has_them_in_full() {
    let (_, charts, _, sensitivity) = long();
    let tornado = charts.iter().find(|c| c.name == "tornado").unwrap();
    for svg in [&tornado.svg, &tornado.narrow] {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let desc = doc
            .descendants()
            .find(|n| n.has_tag_name("desc"))
            .and_then(|n| n.text())
            .unwrap_or("");
        for d in sensitivity.drivers.iter().take(12) {
            assert!(desc.contains(&d.input), "the desc lacks {}", d.input);
        }
    }
    // On the narrow tornado, shortened names end as the full names do.
    let (_, boxes) = text_boxes(&tornado.narrow);
    let shortened: Vec<&String> = boxes
        .iter()
        .map(|b| &b.0)
        .filter(|t| t.contains('…') && t.contains('.'))
        .collect();
    assert!(!shortened.is_empty(), "nothing was shortened");
    for short in shortened {
        let tail = short.rsplit('…').next().unwrap();
        assert!(
            sensitivity.drivers.iter().any(|d| d.input.ends_with(tail)),
            "{short} does not keep the end of a name"
        );
    }
}

#[test]
fn every_chart_has_a_title_and_a_desc_that_says_what_it_shows() {
    for (summary, charts, _, _) in [long(), builtin()] {
        for chart in charts {
            for svg in [&chart.svg, &chart.narrow] {
                let doc = roxmltree::Document::parse(svg).unwrap();
                let root = doc.root_element();
                assert_eq!(root.attribute("role"), Some("img"), "{}", chart.name);
                let children: Vec<_> = root.children().filter(|n| n.is_element()).collect();
                assert!(children[0].has_tag_name("title"), "{}", chart.name);
                assert!(children[1].has_tag_name("desc"), "{}", chart.name);
                let title = children[0].text().unwrap_or("");
                let desc = children[1].text().unwrap_or("");
                assert!(title.len() > 10, "{}: title {title:?}", chart.name);
                assert!(desc.len() > 40, "{}: desc {desc:?}", chart.name);
                assert!(
                    desc.contains(&summary.horizon.to_string()),
                    "{}: the desc does not name the horizon: {desc}",
                    chart.name
                );
            }
        }
    }
}

#[test]
fn a_fan_spanning_decades_gets_a_symmetric_log_axis_and_a_short_one_stays_linear() {
    let fan = |charts: &[Chart]| {
        charts
            .iter()
            .find(|c| c.name == "cash_fan")
            .unwrap()
            .svg
            .clone()
    };
    assert!(fan(&long().1).contains("symmetric log scale"));
    assert!(!fan(&builtin().1).contains("symmetric log scale"));
}

#[test]
fn the_end_cash_histogram_shows_the_paths_below_its_bins() {
    let (summary, charts, _, _) = builtin();
    let tally = simulate(
        &load(BUILTIN_MODEL_TEXT, None),
        &spec(),
        &Progress::default(),
    )
    .unwrap();
    let h = Histogram::from_sketch(&tally.end_cash, summary.floor);
    let svg = &charts
        .iter()
        .find(|c| c.name == "end_cash_histogram")
        .unwrap()
        .svg;
    if h.below > 0.0 {
        assert!(svg.contains("below "), "no below-the-bins bar label");
        assert!(svg.contains("fill=\"#D55E00\""), "no below-the-bins bar");
    }
    let (_, boxes) = text_boxes(svg);
    assert!(boxes.iter().any(|b| b.0.contains("insolvency floor")));
}

/// The report of the long model, with assumptions.
fn report(
    text: &str,
    (summary, charts, comparison, sensitivity): &(Summary, Vec<Chart>, Comparison, Sensitivity),
) -> String {
    let model = load(text, None);
    let check = Check::of(&model);
    let comments = Comments::of(text);
    let assumptions = Assumptions {
        check: &check,
        comments: &comments,
    };
    report_html(
        summary,
        charts,
        Some(comparison),
        Some(sensitivity),
        Some(&assumptions),
    )
}

fn parse_html(html: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse_with_options(
        html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("the report is not well-formed: {e}"))
}

/// All the text under a node (names carry `<wbr/>` break points).
fn all_text(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants().filter_map(|n| n.text()).collect()
}

#[test]
fn the_report_has_phone_and_print_styles_and_every_table_reflows() {
    let html = report(&long_text(), long());
    let doc = parse_html(&html);
    let style = all_text(doc.descendants().find(|n| n.has_tag_name("style")).unwrap());
    for rule in [
        "@media (max-width: 640px)",
        "@media print",
        "@page { size: A4",
        "break-inside: avoid",
        "max-width: 100%",
    ] {
        assert!(style.contains(rule), "no {rule:?} in the style");
    }
    let tables: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("table"))
        .collect();
    assert!(tables.len() >= 8);
    for table in &tables {
        assert!(
            table
                .attribute("class")
                .is_some_and(|c| c.split(' ').any(|w| w == "reflow")),
            "a table without the reflow class: {:?}",
            table.attribute("id")
        );
        let headers = table.descendants().filter(|n| n.has_tag_name("th")).count();
        for row in table.descendants().filter(|n| n.has_tag_name("tr")) {
            let cells: Vec<_> = row.children().filter(|n| n.has_tag_name("td")).collect();
            if cells.len() == 1 && cells[0].attribute("colspan").is_some() {
                continue;
            }
            if !cells.is_empty() {
                assert_eq!(cells.len(), headers, "{:?}", table.attribute("id"));
            }
            for (i, cell) in cells.iter().enumerate().skip(1) {
                assert!(
                    cell.attribute("data-label").is_some(),
                    "cell {i} without a label"
                );
            }
        }
    }
    // Each figure: the wide chart and the narrow one.
    for figure in doc.descendants().filter(|n| n.has_tag_name("figure")) {
        let variants: Vec<_> = figure
            .children()
            .filter(|n| n.has_tag_name("div"))
            .filter_map(|n| n.attribute("class"))
            .collect();
        assert_eq!(variants, ["wide", "narrow"]);
    }
}

#[test]
fn the_report_lists_every_uncertain_input_with_its_distribution_and_comment() {
    let (summary, ..) = builtin();
    let html = report(BUILTIN_MODEL_TEXT, builtin());
    let doc = parse_html(&html);
    let table = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("t-assumptions"))
        .expect("an assumptions table");
    let text = all_text(table);
    let model = load(BUILTIN_MODEL_TEXT, None);
    let check = Check::of(&model);
    for spread in check.inputs.iter().filter(|s| !s.input.is_constant()) {
        assert!(
            text.contains(&spread.input.path),
            "{} missing",
            spread.input.path
        );
        assert!(
            text.contains(spread.input.dist.label()),
            "{} missing",
            spread.input.dist.label()
        );
    }
    assert!(
        text.contains("Gary Marcus"),
        "the comment on efficiency gains"
    );
    assert!(html.contains(&model.description));
    let page = all_text(doc.root_element());
    for term in [
        "percentage points",
        "Wilson",
        "common random numbers",
        "go on being simulated",
    ] {
        assert!(page.contains(term), "the glossary lacks {term:?}");
    }
    assert!(page.contains(&summary.model.name));
}
