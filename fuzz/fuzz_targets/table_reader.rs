//! The CSV/TSV reader end to end (see `harness::table_reader`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)] // each target uses one function of the harness
#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::table_reader(harness::scratch("table_reader"), data));
