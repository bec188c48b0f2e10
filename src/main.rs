//! The `wirematch` command line.

mod cli;

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: cli::oom::Reporting = cli::oom::Reporting;

fn main() -> ExitCode {
    let cli = cli::args::Cli::parse();
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0 | 1) => "warn",
        (false, 2) => "debug",
        _ => "trace",
    };
    // html5ever reports the repairs it makes to broken pages (its log, at warn); a crawl is
    // full of broken pages and the repairs are the point, not news.
    let filter = format!("{level},html5ever=error");
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(filter))
        .format_timestamp(None)
        .init();
    match cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Not eprintln!: a standard error that cannot be written must not panic.
            use std::io::Write as _;
            let message = format!("wirematch: error: {}", chain(&e));
            let _ = writeln!(std::io::stderr(), "{}", wirematch::report::printable(&message));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, `: `-separated, leaving out a cause whose text the message
/// before it already ends with (library errors name their cause in their own message).
fn chain(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.ends_with(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}
