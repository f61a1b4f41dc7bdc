//! Model text → parse → validate → a 16-path run: a clean error or a finite
//! report, never a panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;
use runway::model::{load_str, LoadOptions};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(model) = load_str(text, "fuzz.toml", &LoadOptions::default()) {
        // Keep runs short: the fuzzer explores inputs, not long horizons.
        if model.months <= 120 {
            common::run_and_check(&model);
        }
    }
});
