//! The Parquet reader end to end (see `harness::parquet_reader`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)] // each target uses one function of the harness
#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::parquet_reader(harness::scratch("parquet_reader"), data));
