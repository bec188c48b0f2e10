//! One integration-test binary: the CLI end to end, the pipeline against its oracle,
//! bad input, and (ignored by default) the shared development sets.

mod bad_input;
mod cli;
mod determinism;
mod dev_sets;
mod encoder;
mod faults;
mod fuzz_regressions;
mod index;
mod parquet;
mod pipeline;
mod real_news;
mod report;
#[cfg(target_os = "linux")]
mod serve;
mod translation;
mod util;
mod warc;
