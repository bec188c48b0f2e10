//! One integration-test binary: the CLI end to end, the pipeline against its oracle,
//! bad input, and (ignored by default) the shared development sets.

mod bad_input;
mod cli;
mod dev_sets;
mod encoder;
mod index;
mod pipeline;
mod translation;
mod util;
