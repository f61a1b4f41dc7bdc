//! The sheets of the studies: `comparison` (one row per scenario) and
//! `sensitivity` (one row per input, ranked by |swing|).

use super::{header, money_header, number, probability, Formats};
use crate::analysis::compare::Comparison;
use crate::analysis::sensitivity::Sensitivity;
use rust_xlsxwriter::{RowNum, Worksheet, XlsxError};

type Sheet = std::result::Result<Worksheet, XlsxError>;

/// `comparison`: each scenario's P(insolvent) with its interval, median
/// insolvency month (text), end-cash percentiles, and its paired
/// difference from the first scenario.
pub(crate) fn comparison_sheet(c: &Comparison, f: &Formats) -> Sheet {
    let mut sheet = Worksheet::new();
    sheet.set_name("comparison")?;
    let money = |name: &str| money_header(name, &c.unit);
    let columns: Vec<(String, f64)> = vec![
        ("scenario".into(), 16.0),
        ("description".into(), 40.0),
        (format!("P(insolvent by {})", c.horizon), 12.0),
        ("95 % CI low".into(), 11.0),
        ("95 % CI high".into(), 11.0),
        ("insolvent paths".into(), 11.0),
        ("paths".into(), 11.0),
        ("median insolvency month".into(), 11.0),
        (money("end cash p5"), 12.0),
        (money("end cash p25"), 12.0),
        (money("end cash p50"), 12.0),
        (money("end cash p75"), 12.0),
        (money("end cash p95"), 12.0),
        ("Δ P vs first".into(), 11.0),
        ("Δ P paired 95 % CI low".into(), 11.0),
        ("Δ P paired 95 % CI high".into(), 11.0),
        (money("Δ mean end cash"), 12.0),
        (money("Δ mean end cash 95 % CI low"), 12.0),
        (money("Δ mean end cash 95 % CI high"), 12.0),
    ];
    let named: Vec<(&str, f64)> = columns.iter().map(|(n, w)| (n.as_str(), *w)).collect();
    header(&mut sheet, &named, f)?;
    for (i, row) in c.scenarios.iter().enumerate() {
        let r = i as RowNum + 1;
        sheet.write_string(r, 0, &row.scenario)?;
        sheet.write_string(r, 1, &row.description)?;
        let ins = &row.insolvency;
        probability(&mut sheet, r, 2, ins.probability, ins.ci95, f)?;
        number(&mut sheet, r, 5, Some(ins.count as f64), &f.count)?;
        number(&mut sheet, r, 6, Some(ins.paths as f64), &f.count)?;
        if let Some(month) = &row.median_insolvency_month {
            sheet.write_string(r, 7, month)?;
        }
        let p = &row.end_cash;
        for (k, v) in [p.p5, p.p25, p.p50, p.p75, p.p95].into_iter().enumerate() {
            number(&mut sheet, r, 8 + k as u16, v, &f.money)?;
        }
        let d = &row.difference;
        probability(&mut sheet, r, 13, d.probability, d.probability_ci95, f)?;
        number(&mut sheet, r, 16, Some(d.mean_end_cash), &f.money)?;
        let [low, high] = d.mean_end_cash_ci95;
        number(&mut sheet, r, 17, Some(low), &f.money)?;
        number(&mut sheet, r, 18, Some(high), &f.money)?;
    }
    let note = c.scenarios.len() as RowNum + 2;
    sheet.write_string(note, 0, c.method)?;
    Ok(sheet)
}

/// `sensitivity`: each input's P(insolvent) in its lowest and highest
/// decile (with intervals), the swing, Spearman correlations and the
/// first-order index; the method's notes below the table.
pub(crate) fn sensitivity_sheet(s: &Sensitivity, f: &Formats) -> Sheet {
    let mut sheet = Worksheet::new();
    sheet.set_name("sensitivity")?;
    header(
        &mut sheet,
        &[
            ("input", 40.0),
            ("P(insolvent) | lowest 10 %", 12.0),
            ("95 % CI low", 11.0),
            ("95 % CI high", 11.0),
            ("P(insolvent) | highest 10 %", 12.0),
            ("95 % CI low", 11.0),
            ("95 % CI high", 11.0),
            ("swing (high − low)", 11.0),
            ("swing 95 % CI low", 11.0),
            ("swing 95 % CI high", 11.0),
            ("Spearman ρ with end cash", 11.0),
            ("Spearman ρ with months to insolvency", 11.0),
            ("first-order index S1", 11.0),
        ],
        f,
    )?;
    for (i, d) in s.drivers.iter().enumerate() {
        let r = i as RowNum + 1;
        sheet.write_string(r, 0, &d.input)?;
        let (low, high) = (&d.lowest_decile, &d.highest_decile);
        probability(&mut sheet, r, 1, low.probability, low.ci95, f)?;
        probability(&mut sheet, r, 4, high.probability, high.ci95, f)?;
        probability(&mut sheet, r, 7, d.swing, d.swing_ci95, f)?;
        number(&mut sheet, r, 10, d.spearman_end_cash, &f.number)?;
        number(
            &mut sheet,
            r,
            11,
            d.spearman_months_to_insolvency,
            &f.number,
        )?;
        number(&mut sheet, r, 12, d.first_order_index, &f.number)?;
    }
    let first_note = s.drivers.len() as RowNum + 2;
    for (k, note) in s.notes.iter().enumerate() {
        sheet.write_string(first_note + k as RowNum, 0, *note)?;
    }
    Ok(sheet)
}
