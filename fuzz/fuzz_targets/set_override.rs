//! `--set FIELD=VALUE` strings (and a scenario name) on the built-in model.
#![no_main]
use libfuzzer_sys::fuzz_target;
use runway::model::{load_str, LoadOptions, BUILTIN_MODEL_TEXT};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut lines = text.split('\n');
    let scenario = lines.next().filter(|s| !s.is_empty()).map(String::from);
    let overrides: Vec<String> = lines.map(String::from).collect();
    let options = LoadOptions { scenario, overrides };
    if let Ok(model) = load_str(BUILTIN_MODEL_TEXT, "builtin", &options) {
        if model.months <= 120 {
            common::run_and_check(&model);
        }
    }
});
