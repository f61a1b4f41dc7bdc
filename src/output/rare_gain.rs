//! `runway bench --rare` as a table, CSV and JSON.

use super::layout::{pack, wrap};
use super::number::{seconds, SmallProbability};
use super::Render;
use crate::analysis::rare::gain::RareGain;
use std::fmt::Write as _;

impl Render for RareGain {
    fn table(&self, width: usize) -> String {
        let mut out = String::new();
        let title = format!(
            "runway bench --rare · {}{}",
            self.model,
            self.scenario
                .as_deref()
                .map(|s| format!(" · scenario {s}"))
                .unwrap_or_default()
        );
        out.push_str(&wrap(&title, width, "", "  "));
        let f = SmallProbability::column([
            self.plain_probability,
            self.rare_probability,
            self.rare_ci95[0],
            self.rare_ci95[1],
        ]);
        let head = [
            format!("{} paths each", self.paths),
            format!("seed {}", self.seed),
            format!("{} thread(s)", self.threads),
        ];
        out.push_str(&pack(&head, " · ", width, ""));
        let _ = writeln!(out);
        let plain = [
            format!("plain Monte Carlo: P = {}", f.fmt(self.plain_probability)),
            format!("{} insolvent paths", self.plain_events),
            seconds(self.plain_seconds),
            format!(
                "relative variance {:.3e} (p from {})",
                self.plain_relative_variance, self.plain_variance_from
            ),
        ];
        out.push_str(&pack(&plain, " · ", width, "  "));
        let rare = [
            format!(
                "--rare {}: P = {} ({} – {})",
                self.method,
                f.fmt(self.rare_probability),
                f.fmt(self.rare_ci95[0]),
                f.fmt(self.rare_ci95[1])
            ),
            seconds(self.rare_seconds),
            format!("relative variance {:.3e}", self.rare_relative_variance),
            (if self.rare_reliable {
                "reliable"
            } else {
                "UNRELIABLE"
            })
            .to_string(),
        ];
        out.push_str(&pack(&rare, " · ", width, "  "));
        let _ = writeln!(out);
        let gain = format!(
            "Work-normalised variance gain (relative variance × seconds of plain Monte Carlo over --rare {}): {:.3e}",
            self.method, self.gain
        );
        out.push_str(&wrap(&gain, width, "", "  "));
        if self.plain_variance_from == "rare" {
            out.push_str(&wrap(
                "Plain Monte Carlo saw too few insolvent paths to measure its variance: it is (1 − p)/(n p) with p from the --rare estimate.",
                width,
                "",
                "  ",
            ));
        }
        out
    }

    fn csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(CsvRow::of(self))
            .expect("writing to memory cannot fail");
        String::from_utf8(w.into_inner().expect("in memory")).expect("CSV is UTF-8")
    }

    fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("always serialises");
        text.push('\n');
        text
    }
}

/// One CSV row: the flat fields.
#[derive(serde::Serialize)]
struct CsvRow<'a> {
    model: &'a str,
    paths: u64,
    seed: u64,
    threads: usize,
    method: &'a str,
    plain_probability: f64,
    plain_events: u64,
    plain_seconds: f64,
    plain_relative_variance: f64,
    plain_variance_from: &'a str,
    rare_probability: f64,
    rare_ci95_low: f64,
    rare_ci95_high: f64,
    rare_seconds: f64,
    rare_relative_variance: f64,
    rare_reliable: bool,
    gain: f64,
}

impl<'a> CsvRow<'a> {
    fn of(g: &'a RareGain) -> CsvRow<'a> {
        CsvRow {
            model: &g.model,
            paths: g.paths,
            seed: g.seed,
            threads: g.threads,
            method: g.method,
            plain_probability: g.plain_probability,
            plain_events: g.plain_events,
            plain_seconds: g.plain_seconds,
            plain_relative_variance: g.plain_relative_variance,
            plain_variance_from: g.plain_variance_from,
            rare_probability: g.rare_probability,
            rare_ci95_low: g.rare_ci95[0],
            rare_ci95_high: g.rare_ci95[1],
            rare_seconds: g.rare_seconds,
            rare_relative_variance: g.rare_relative_variance,
            rare_reliable: g.rare_reliable,
            gain: g.gain,
        }
    }
}
