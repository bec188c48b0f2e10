//! The normaliser and the paragraph splitter (see `harness::normalize_segment`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)] // each target uses one function of the harness
#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::normalize_segment(data));
