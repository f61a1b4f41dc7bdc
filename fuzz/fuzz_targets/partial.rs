//! Partial-result files for `merge`: a clean error or a merged report.
//!
//! The input is the file's JSON body; the target appends a valid checksum
//! line, so the fuzzer reaches every check behind it (a checksum proves
//! nothing: anyone can recompute it).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("runway-fuzz-partial-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("part.json");
    let mut bytes = data.to_vec();
    if bytes.last() != Some(&b'\n') {
        bytes.push(b'\n');
    }
    let trailer = format!("sha256 {}\n", runway::files::sha256_hex(&bytes));
    bytes.extend_from_slice(trailer.as_bytes());
    if std::fs::write(&path, &bytes).is_err() {
        return;
    }
    match runway::files::shard::merge_partials(&[path]) {
        Err(e) => assert_eq!(e.exit_code(), 2, "a bad partial is a usage error: {e}"),
        Ok(merged) => {
            let info = runway::analysis::summary::RunInfo { threads: 1, elapsed_seconds: 1.0, paths_per_second: 1.0, shards: None };
            let summary = runway::analysis::summary::Summary::new(&merged.model, &merged.tally, info);
            assert!((0.0..=1.0).contains(&summary.insolvency.probability));
            let end = &summary.end_cash;
            if let (Some(mean), Some(min), Some(max)) = (end.mean, end.min, end.max) {
                assert!(min <= mean && mean <= max, "mean {mean} outside [{min}, {max}]");
            }
            let table = runway::output::render_table(&summary, runway::output::DEFAULT_WIDTH);
            assert!(!table.contains("NaN") && !table.contains("inf"), "{table}");
            let _ = runway::output::render_json(&summary);
        }
    }
});
