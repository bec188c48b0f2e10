//! HTML to text (see `harness::html_to_text_target`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)] // each target uses one function of the harness
#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::html_to_text_target(data));
