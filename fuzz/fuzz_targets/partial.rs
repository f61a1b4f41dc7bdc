//! Partial-result files for `merge`: a clean error or a merged report.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("runway-fuzz-partial-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("part.json");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(merged) = runway::shard::merge_partials(&[path]) {
        let info = runway::summary::RunInfo { threads: 1, elapsed_seconds: 1.0, paths_per_second: 1.0 };
        let summary = runway::summary::Summary::new(&merged.model, &merged.tally, merged.seed, info);
        assert!((0.0..=1.0).contains(&summary.insolvency.probability));
        let _ = runway::report::render_json(&summary);
    }
});
