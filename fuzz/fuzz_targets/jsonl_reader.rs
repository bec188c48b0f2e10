//! The JSONL reader end to end (see `harness::jsonl_reader`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)] // each target uses one function of the harness
#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::jsonl_reader(harness::scratch("jsonl_reader"), data));
