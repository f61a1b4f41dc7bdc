//! Renderers of a [`BenchReport`]: table, JSON, CSV.

use super::layout::{pack, wrap, Align, Table};
use super::number::{count, decimal};
use crate::analysis::bench::BenchReport;
use std::fmt::Write as _;

/// Millions per second with two decimals (`2.98`): the unit is in the
/// column's header.
fn millions(x: f64) -> String {
    decimal(x / 1e6, 2)
}

/// The benchmark as a terminal table, every line within `width` columns.
pub fn render_bench_table(r: &BenchReport, width: usize) -> String {
    let mut out = String::new();
    let title = format!("runway {} bench · {}", r.runway_version, r.model);
    out.push_str(&wrap(&title, width, "", "  "));
    let parts = [
        format!("model {}", r.file),
        format!("{} paths × {} months per run", count(r.paths), r.months),
        format!("seed {}", r.seed),
        format!("{} logical CPUs", r.logical_cpus),
        format!("vector code {}", r.vector_code),
        format!(
            "peak memory {}",
            r.peak_rss_mib
                .map_or_else(|| "n/a".to_string(), |m| format!("{} MiB", decimal(m, 1)))
        ),
    ];
    out.push_str(&pack(&parts, " · ", width, ""));
    let _ = writeln!(out);
    let mut table = Table::new(2)
        .column("threads", Align::Right, 0)
        .column("runs", Align::Right, 2)
        .column("M paths/s\nmedian", Align::Right, 2)
        .column("\nmin", Align::Right, 2)
        .column("\nmax", Align::Right, 2)
        .column("M path-months/s\nmedian", Align::Right, 2)
        .column("speed-up", Align::Right, 2)
        .column("efficiency", Align::Right, 2);
    for row in &r.rows {
        table.row(vec![
            row.threads.to_string(),
            count(row.runs as u64),
            millions(row.paths_per_second_median),
            millions(row.paths_per_second_min),
            millions(row.paths_per_second_max),
            millions(row.path_months_per_second_median),
            row.speedup
                .map_or_else(|| "–".into(), |s| format!("{}×", decimal(s, 2))),
            row.efficiency
                .map_or_else(|| "–".into(), |e| format!("{} %", decimal(e * 100.0, 0))),
        ]);
    }
    out.push_str(&table.render());
    let _ = writeln!(out);
    let identical = format!(
        "Results identical across every run and thread count: {}",
        if r.identical_results {
            "yes"
        } else {
            "NO (please report this as a bug)"
        }
    );
    out.push_str(&wrap(&identical, width, "", "  "));
    out
}

/// The benchmark as pretty JSON.
pub fn render_bench_json(r: &BenchReport) -> String {
    let mut text = serde_json::to_string_pretty(r).expect("a bench report always serialises");
    text.push('\n');
    text
}

/// The benchmark as CSV, one row per thread count.
pub fn render_bench_csv(r: &BenchReport) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "model_file",
        "paths",
        "months",
        "threads",
        "runs",
        "paths_per_second_median",
        "paths_per_second_min",
        "paths_per_second_max",
        "path_months_per_second_median",
        "seconds_median",
        "speedup",
        "efficiency",
        "logical_cpus",
        "peak_rss_mib",
        "identical_results",
    ]);
    let opt = |x: Option<f64>| x.map_or_else(String::new, |v| format!("{v:.6}"));
    for row in &r.rows {
        let _ = w.write_record([
            r.file.clone(),
            r.paths.to_string(),
            r.months.to_string(),
            row.threads.to_string(),
            row.runs.to_string(),
            format!("{:.1}", row.paths_per_second_median),
            format!("{:.1}", row.paths_per_second_min),
            format!("{:.1}", row.paths_per_second_max),
            format!("{:.1}", row.path_months_per_second_median),
            format!("{:.6}", row.seconds_median),
            opt(row.speedup),
            opt(row.efficiency),
            r.logical_cpus.to_string(),
            opt(r.peak_rss_mib),
            r.identical_results.to_string(),
        ]);
    }
    String::from_utf8(w.into_inner().expect("writing to memory cannot fail")).expect("CSV is UTF-8")
}
