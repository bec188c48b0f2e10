//! Binary-only code: commands, terminal output, exit codes.

pub mod args;
mod eval_cmd;
mod match_cmd;
mod model_cmd;
mod paragraphs_cmd;
mod progress;

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use wirematch::corpus::Input;
use wirematch::translate::embed::EmbedderChoice;
use wirematch::{Detector, MatchRun};

use args::{Cli, Command, CorpusArgs};
use progress::Reporter;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("setting up the thread pool")?;
    }
    match cli.command {
        Command::Match(a) => match_cmd::run(&a, cli.verbose, cli.quiet),
        Command::Eval(a) => eval_cmd::run(&a, cli.verbose, cli.quiet),
        Command::Model(m) => model_cmd::run(m, cli.quiet),
        Command::Paragraphs(a) => paragraphs_cmd::run(&a),
    }
}

/// Resolves inputs. A path that does not exist is an error (most likely a typo); one that
/// exists but cannot be opened is reported and skipped like a bad record.
fn resolve_inputs(args: &CorpusArgs, reporter: &Reporter) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    for p in &args.inputs {
        if p.as_os_str() != "-" && !p.exists() && std::fs::symlink_metadata(p).is_err() {
            bail!("{}: no such file or folder", p.display());
        }
        match Input::detect(p) {
            Ok(i) => out.push(i),
            Err(e) if args.strict => return Err(e).context("reading inputs (--strict)"),
            Err(e) => reporter.input_skipped(&e.to_string()),
        }
    }
    Ok(out)
}

/// Runs the matching pipeline with the CLI's reporting.
fn run_match(args: &CorpusArgs, verbose: u8, quiet: bool) -> Result<(MatchRun, Reporter)> {
    let config = args.config()?;
    let detector = Detector::new(config).context("invalid options")?;
    let read = args.read_options();
    let embedder = match (&args.model, args.no_model) {
        (_, true) => EmbedderChoice::Fallback,
        (Some(dir), _) => {
            anyhow::ensure!(
                dir.join("weights.npz").exists(),
                "{}: no model there (wirematch model fetch --dir …)",
                dir.display()
            );
            EmbedderChoice::Model(dir.clone())
        }
        (None, false) => EmbedderChoice::default_model(),
    };
    let detector = detector.with_read_options(read).strict(args.strict).with_embedder(embedder);
    if let Some(w) = detector.config().lsh_warning(detector.lsh_params()) {
        eprintln!("wirematch: warning: {w}");
    }
    if (args.explain || verbose > 0) && !quiet {
        eprint!(
            "{}",
            detector.lsh_params().explain(detector.config().threshold, detector.config().num_perm)
        );
    }
    let reporter = Reporter::new(quiet, verbose, std::io::stderr().is_terminal());
    let inputs = resolve_inputs(args, &reporter)?;
    reporter.set_total(
        inputs
            .iter()
            .filter_map(|i| std::fs::metadata(&i.path).ok())
            .filter(|m| m.is_file())
            .map(|m| m.len())
            .sum(),
    );
    let run = detector.run(&inputs, &reporter).context("matching failed")?;
    reporter.finish();
    Ok((run, reporter))
}

/// True when writing to `path` (or stdout) should be treated as a terminal.
fn stdout_is_terminal(output: Option<&Path>) -> bool {
    output.is_none() && std::io::stdout().is_terminal()
}
