//! The web-archive (WARC/WET) reader end to end (see `harness::warc_reader`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)] // each target uses one function of the harness
#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::warc_reader(harness::scratch("warc_reader"), data));
