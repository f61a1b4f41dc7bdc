//! The sheets of one run: `summary` (with its charts), `by month`,
//! `inputs` and `about`.

use super::{header, money_header, number, probability, Formats};
use crate::analysis::check::{Check, Drawn};
use crate::analysis::summary::{Percentiles, Summary};
use crate::output::rows::{summary_rows, Kind, Value};
use rust_xlsxwriter::{
    Chart, ChartLegendPosition, ChartLine, ChartLineDashType, ChartType, ColNum, Color, RowNum,
    Worksheet, XlsxError,
};

type Sheet = std::result::Result<Worksheet, XlsxError>;

/// The name of the month-by-month sheet (the charts read it).
const BY_MONTH: &str = "by month";

/// Seeds above this are written as text: a number cell holds a double, and
/// a larger whole number would lose digits.
const EXACT_IN_A_DOUBLE: u64 = 1 << 53;

/// `summary`: the rows of `summary.csv`, with a number format per row, and
/// the charts of the survival curve and the cash fan beside them.
pub(crate) fn summary_sheet(s: &Summary, f: &Formats) -> Sheet {
    let mut sheet = Worksheet::new();
    sheet.set_name("summary")?;
    header(
        &mut sheet,
        &[
            ("metric", 40.0),
            ("value", 14.0),
            ("95 % CI low", 12.0),
            ("95 % CI high", 12.0),
            ("unit", 14.0),
            ("month", 10.0),
            ("beyond horizon", 10.0),
        ],
        f,
    )?;
    let rows = summary_rows(s);
    for (i, row) in rows.iter().enumerate() {
        let r = i as RowNum + 1;
        sheet.write_string(r, 0, &row.metric)?;
        let format = match row.kind {
            Kind::Probability => &f.percent,
            Kind::Paths => &f.count,
            Kind::Money => &f.money,
            Kind::Seed | Kind::Months | Kind::Month => &f.whole,
        };
        match row.value {
            Some(Value::Count(n)) if row.kind == Kind::Seed && n > EXACT_IN_A_DOUBLE => {
                sheet.write_string(r, 1, n.to_string())?;
            }
            Some(Value::Count(n)) => number(&mut sheet, r, 1, Some(n as f64), format)?,
            Some(Value::Number(x)) => number(&mut sheet, r, 1, Some(x), format)?,
            None => {}
        }
        if let Some([low, high]) = row.ci95 {
            number(&mut sheet, r, 2, Some(low), format)?;
            number(&mut sheet, r, 3, Some(high), format)?;
        }
        sheet.write_string(r, 4, &row.unit)?;
        if let Some(month) = row.month {
            sheet.write_string(r, 5, month.to_string())?;
        }
        if let Some(beyond) = row.beyond_horizon {
            sheet.write_boolean(r, 6, beyond)?;
        }
    }
    let months = s.insolvency.by_month.len() as RowNum;
    if months > 0 {
        sheet.insert_chart(1, 8, &survival_chart(months))?;
        if s.insolvency.by_month[0].cash.is_some() {
            sheet.insert_chart(17, 8, &cash_fan_chart(months, &s.unit))?;
        }
    }
    Ok(sheet)
}

/// The columns of `by month` before the percentiles.
const MONTH_COLUMNS: [(&str, f64); 7] = [
    ("month", 9.0),
    ("P(insolvent by month)", 12.0),
    ("95 % CI low", 11.0),
    ("95 % CI high", 11.0),
    ("insolvent paths by month", 12.0),
    ("P(first insolvent in month)", 12.0),
    ("paths first insolvent in month", 12.0),
];

/// The first column of the cash percentiles (p5 … p95).
const CASH_P5: ColNum = MONTH_COLUMNS.len() as ColNum;

/// `by month`: one row per month, the columns of `by_month.csv` (the
/// percentile columns only when the run kept them).
pub(crate) fn by_month_sheet(s: &Summary, f: &Formats) -> Sheet {
    let mut sheet = Worksheet::new();
    sheet.set_name(BY_MONTH)?;
    let rows = &s.insolvency.by_month;
    let fan = rows.first().is_some_and(|r| r.cash.is_some());
    let mut columns: Vec<(String, f64)> = MONTH_COLUMNS
        .iter()
        .map(|(n, w)| (n.to_string(), *w))
        .collect();
    if fan {
        for quantity in ["cash", "revenue", "cost"] {
            for p in ["p5", "p25", "p50", "p75", "p95"] {
                columns.push((money_header(&format!("{quantity} {p}"), &s.unit), 12.0));
            }
        }
    }
    let named: Vec<(&str, f64)> = columns.iter().map(|(n, w)| (n.as_str(), *w)).collect();
    header(&mut sheet, &named, f)?;
    for (i, row) in rows.iter().enumerate() {
        let r = i as RowNum + 1;
        sheet.write_string(r, 0, row.month.to_string())?;
        let p = row.cumulative_probability;
        probability(&mut sheet, r, 1, p, row.cumulative_ci95, f)?;
        number(
            &mut sheet,
            r,
            4,
            Some(row.cumulative_count as f64),
            &f.count,
        )?;
        number(&mut sheet, r, 5, Some(row.probability_in_month), &f.percent)?;
        number(&mut sheet, r, 6, Some(row.count_in_month as f64), &f.count)?;
        if fan {
            for (k, pct) in [&row.cash, &row.revenue, &row.cost].iter().enumerate() {
                let col = CASH_P5 + 5 * k as ColNum;
                percentiles(&mut sheet, r, col, pct.as_ref(), f)?;
            }
        }
    }
    Ok(sheet)
}

/// Five percentiles (p5 … p95) as money from `col` on.
fn percentiles(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    p: Option<&Percentiles>,
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    let Some(p) = p else { return Ok(()) };
    for (k, v) in [p.p5, p.p25, p.p50, p.p75, p.p95].into_iter().enumerate() {
        number(sheet, row, col + k as ColNum, v, &f.money)?;
    }
    Ok(())
}

/// The charts' line colours: one blue, three strengths.
const DARK: Color = Color::RGB(0x1f_4e_79);
const MID: Color = Color::RGB(0x5b_9b_d5);
const LIGHT: Color = Color::RGB(0xa9_c8_e8);

/// The survival curve: P(insolvent by month) with its 95 % interval.
fn survival_chart(months: RowNum) -> Chart {
    let mut chart = Chart::new(ChartType::Line);
    chart.title().set_name("P(insolvent by month)");
    for (col, name) in [
        (1, "P(insolvent by month)"),
        (2, "95 % CI low"),
        (3, "95 % CI high"),
    ] {
        let series = chart
            .add_series()
            .set_categories((BY_MONTH, 1, 0, months, 0))
            .set_values((BY_MONTH, 1, col, months, col))
            .set_name(name);
        if col > 1 {
            series.set_format(
                ChartLine::new()
                    .set_color(Color::RGB(0x80_80_80))
                    .set_dash_type(ChartLineDashType::Dash)
                    .set_width(0.75),
            );
        } else {
            series.set_format(ChartLine::new().set_color(DARK).set_width(2.25));
        }
    }
    chart
        .y_axis()
        .set_num_format("0.0%")
        .set_name("probability");
    chart.x_axis().set_name("month");
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.set_width(640).set_height(300);
    chart
}

/// The cash fan: the 5th, 25th, 50th, 75th and 95th percentiles of cash at
/// the end of each month.
fn cash_fan_chart(months: RowNum, unit: &str) -> Chart {
    let mut chart = Chart::new(ChartType::Line);
    chart.title().set_name("Cash at the end of each month");
    // The median dark and thick, the quartiles lighter, the 5th and 95th
    // percentiles lightest: one hue, so the fan reads as one spread.
    let lines = [
        ("p5", LIGHT, 1.0),
        ("p25", MID, 1.25),
        ("median", DARK, 2.25),
        ("p75", MID, 1.25),
        ("p95", LIGHT, 1.0),
    ];
    for (k, (name, color, width)) in lines.into_iter().enumerate() {
        let col = CASH_P5 + k as ColNum;
        chart
            .add_series()
            .set_categories((BY_MONTH, 1, 0, months, 0))
            .set_values((BY_MONTH, 1, col, months, col))
            .set_name(name)
            .set_format(ChartLine::new().set_color(color).set_width(width));
    }
    chart.y_axis().set_num_format("#,##0").set_name(unit);
    chart.x_axis().set_name("month");
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.set_width(640).set_height(300);
    chart
}

/// `inputs`: every drawn input, as `runway check` lists it.
pub(crate) fn inputs_sheet(check: &Check<'_>, f: &Formats) -> Sheet {
    let mut sheet = Worksheet::new();
    sheet.set_name("inputs")?;
    header(
        &mut sheet,
        &[
            ("input", 44.0),
            ("drawn", 10.0),
            ("p5", 12.0),
            ("median", 12.0),
            ("p95", 12.0),
            ("distribution", 50.0),
        ],
        f,
    )?;
    for (i, row) in check.inputs.iter().enumerate() {
        let r = i as RowNum + 1;
        sheet.write_string(r, 0, &row.input.path)?;
        let drawn = match row.drawn {
            Drawn::PerPath => "per path",
            Drawn::Monthly => "monthly",
        };
        sheet.write_string(r, 1, drawn)?;
        number(&mut sheet, r, 2, Some(row.p5), &f.number)?;
        number(&mut sheet, r, 3, Some(row.median), &f.number)?;
        number(&mut sheet, r, 4, Some(row.p95), &f.number)?;
        sheet.write_string(r, 5, row.input.dist.label())?;
    }
    Ok(sheet)
}

/// `about`: what was run and how, as text (the seed too, so that every
/// digit survives).
pub(crate) fn about_sheet(s: &Summary, f: &Formats) -> Sheet {
    let mut sheet = Worksheet::new();
    sheet.set_name("about")?;
    header(&mut sheet, &[("item", 22.0), ("value", 90.0)], f)?;
    let mut items: Vec<(&str, String)> = vec![
        ("runway version", s.runway_version.to_string()),
        ("model", s.model.name.clone()),
        ("model file", s.model.file.clone()),
        (
            "scenario",
            s.model.scenario.clone().unwrap_or_else(|| "(none)".into()),
        ),
        ("paths", s.paths.to_string()),
        ("seed", s.seed.to_string()),
        ("months", format!("{} to {}", s.start, s.horizon)),
        ("money unit", s.unit.clone()),
        ("sampling", s.method.sampling.to_string()),
        ("generator", s.method.generator.to_string()),
        ("block size", s.method.block_size.to_string()),
        ("quantiles", s.method.quantiles.clone()),
        ("intervals", s.insolvency.interval_method.to_string()),
        (
            "cells",
            "probabilities are fractions shown as percent; money is in the unit above; months are text YYYY-MM".into(),
        ),
    ];
    items.extend(s.warnings.iter().map(|w| ("warning", w.clone())));
    for (i, (item, value)) in items.iter().enumerate() {
        let r = i as RowNum + 1;
        sheet.write_string(r, 0, *item)?;
        sheet.write_string(r, 1, value)?;
    }
    Ok(sheet)
}
