//! `wirematch config`: the settings file `--config` reads, written out so that a user
//! can start from the defaults or see what a file of theirs amounts to.

use std::process::ExitCode;

use anyhow::{Context, Result};
use wirematch::Config;

use super::args::{ConfigArgs, read_config};

pub fn run(args: &ConfigArgs) -> Result<ExitCode> {
    let config = match &args.check {
        Some(path) => read_config(path)?,
        None => Config::default(),
    };
    // The same check a run makes before it starts: a file that passes here runs.
    config.lsh_params().context("these settings would be refused by a run")?;
    let json = serde_json::to_string_pretty(&config).context("writing the settings as JSON")?;
    out!("{json}");
    Ok(ExitCode::SUCCESS)
}
