//! The report's account of what was assumed (every uncertain input, its
//! distribution as `runway check` shows it, its 5/50/95 % quantiles and
//! the model file's comment on it) and the glossary of its terms.

use super::cells::{cell_names, table, Cell};
use super::escape;
use crate::analysis::check::{Check, Drawn, InputSpread};
use crate::model::Comments;
use crate::output::number::money as format_money;
use std::fmt::Write as _;

/// What the report needs to show a model's assumptions.
#[derive(Debug, Clone, Copy)]
pub struct Assumptions<'a> {
    /// The checked model and its inputs' quantiles (`runway check`'s).
    pub check: &'a Check<'a>,
    /// The model file's comments (see [`Comments::of`]).
    pub comments: &'a Comments,
}

/// A comment (the path it belongs to and its text) and the inputs it explains.
type Group<'a> = (Option<(&'a str, &'a str)>, Vec<&'a InputSpread<'a>>);

/// The uncertain inputs grouped by the comment that explains them: the
/// path the comment belongs to and the comment (`None`: uncommented), each
/// with its inputs in `runway check`'s order; groups in order of first use.
fn groups<'a>(a: &Assumptions<'a>) -> Vec<Group<'a>> {
    let mut out: Vec<Group<'a>> = Vec::new();
    for spread in a.check.inputs.iter().filter(|s| !s.input.is_constant()) {
        let note = a.comments.nearest(&spread.input.path);
        match out.iter_mut().find(|(n, _)| *n == note) {
            Some((_, list)) => list.push(spread),
            None => out.push((note, vec![spread])),
        }
    }
    // Uncommented inputs last.
    out.sort_by_key(|(note, _)| note.is_none());
    out
}

/// Writes the assumptions section.
pub(crate) fn assumptions_section(out: &mut String, a: &Assumptions<'_>) {
    let model = a.check.model;
    out.push_str("<h2 id=\"assumptions\">Assumptions</h2>\n");
    if !model.description.trim().is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"description\">{}</p>",
            escape(model.description.trim())
        );
    }
    let uncertain = a
        .check
        .inputs
        .iter()
        .filter(|s| !s.input.is_constant())
        .count();
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} uncertain input(s), each with the distribution it is drawn from (as <code>runway check</code> shows it) and its 5th percentile, median and 95th percentile (in the model's units: money in {}, rates as fractions, months as numbers). The notes are the model file's comments.</p>",
        uncertain,
        escape(&model.unit)
    );
    let headers = ["input", "drawn", "#p5", "#median", "#p95", "distribution"];
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for (note, inputs) in groups(a) {
        if let Some((path, text)) = note {
            rows.push(vec![Cell::Note(format!("{path}: {text}"))]);
        } else if !a.comments.is_empty() {
            rows.push(vec![Cell::Note(
                "Inputs without a comment in the model file.".into(),
            )]);
        }
        for s in inputs {
            rows.push(vec![
                Cell::Name(s.input.path.clone()),
                Cell::Text(
                    match s.drawn {
                        Drawn::PerPath => "per path",
                        Drawn::Monthly => "monthly",
                    }
                    .into(),
                ),
                Cell::Number(format_money(s.p5)),
                Cell::Number(format_money(s.median)),
                Cell::Number(format_money(s.p95)),
                Cell::Text(s.input.dist.label().to_string()),
            ]);
        }
    }
    table(out, "assumptions", &headers, &rows);
    let fixed: Vec<String> = a
        .check
        .inputs
        .iter()
        .filter(|s| s.input.is_constant())
        .map(|s| format!("{} = {}", s.input.path, s.input.dist.label()))
        .collect();
    if !fixed.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"note\">Fixed values: {}.</p>",
            cell_names(&fixed.join(", "))
        );
    }
}

/// The glossary: the report's abbreviations, and why end cash can be
/// negative.
pub(crate) fn glossary(out: &mut String, floor: f64) {
    out.push_str("<h2 id=\"glossary\">Reading the numbers</h2>\n<dl class=\"glossary\">\n");
    for (term, text) in [
        (
            "pp",
            "percentage points: the difference of two percentages (5 % to 7 % is +2 pp, not +40 %).".to_string(),
        ),
        (
            "Wilson interval",
            "the 95 % interval of a share of paths (Wilson score interval). It measures only the Monte Carlo error of the estimate, not whether the model's assumptions are right; more paths make it narrower.".to_string(),
        ),
        (
            "CRN",
            "common random numbers: scenarios are run on the same random draws path by path, so their difference shows the change of assumptions, not chance; differences have paired intervals.".to_string(),
        ),
        (
            "p5, median, p95",
            "the 5th, 50th and 95th percentiles over all paths: 5 % of paths lie below p5.".to_string(),
        ),
        (
            "negative cash",
            format!(
                "a path that falls below the floor ({}) counts as insolvent from that month on, but it goes on being simulated to the horizon, so its cash keeps falling: that is why the lowest and the end cash of some paths are far below zero.",
                format_money(floor)
            ),
        ),
    ] {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(term), escape(&text));
    }
    out.push_str("</dl>\n");
}
