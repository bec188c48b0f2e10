//! `wirematch completions SHELL` and `wirematch man`: shell completions and manual pages,
//! generated from the same command definitions as `--help`, so they never drift from it.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::CommandFactory;
use wirematch::atomic::write_atomically;

use super::args::Cli;

/// Prints the completion script for `shell` on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut cmd, "wirematch", &mut out);
    out.flush().context("writing to standard output")?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the manual pages into `dir` (one per command), or the main page on stdout.
pub fn man(dir: Option<&Path>) -> Result<ExitCode> {
    let cmd = Cli::command();
    let Some(dir) = dir else {
        let mut out = std::io::stdout().lock();
        clap_mangen::Man::new(cmd).render(&mut out).context("writing to standard output")?;
        out.flush().context("writing to standard output")?;
        return Ok(ExitCode::SUCCESS);
    };
    anyhow::ensure!(dir.is_dir(), "{}: not a folder (create it first)", dir.display());
    let mut pages = vec![("wirematch".to_string(), cmd.clone())];
    collect(&cmd, "wirematch", "wirematch", &mut pages);
    for (name, page) in pages {
        let path = dir.join(format!("{name}.1"));
        write_atomically(&path, |w| clap_mangen::Man::new(page).render(w))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Every subcommand of `cmd`, named as man pages are (`wirematch-index-query`) and shown
/// as typed (`wirematch index query`).
fn collect(cmd: &clap::Command, prefix: &str, typed: &str, out: &mut Vec<(String, clap::Command)>) {
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("{prefix}-{}", sub.get_name());
        let shown = format!("{typed} {}", sub.get_name());
        out.push((name.clone(), sub.clone().name(name.clone()).bin_name(shown.clone())));
        collect(sub, &name, &shown, out);
    }
}
