//! `wirematch match`: run the pipeline and write pairs, stories or outlets.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use wirematch::MatchRun;
use wirematch::atomic::write_atomically;
use wirematch::report::{self, Format};

use super::args::{FormatArg, MatchArgs, OutputArgs, ReportArg};

/// The output format: `--format`, else the extension of `-o`'s file (`.jsonl`/`.json`/
/// `.ndjson`, `.csv`, `.html`/`.htm`, `.txt` for the table; JSONL into a device or FIFO), else a table on
/// a terminal and JSONL otherwise. A file named without one of those extensions and no `--format` is refused:
/// its format would otherwise depend on where the command runs.
pub fn format_for(args: &OutputArgs) -> Result<Format> {
    if let Some(f) = args.format {
        return Ok(match f {
            FormatArg::Table => Format::Table,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
            FormatArg::Html => Format::Html,
        });
    }
    let Some(path) = args.output.as_deref() else {
        return Ok(if super::stdout_is_terminal(None) { Format::Table } else { Format::Jsonl });
    };
    // A device or a FIFO (`-o /dev/stdout`, a named pipe) is a stream, not a file with a
    // name to go by: JSONL, as for a pipe.
    let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
    if special {
        return Ok(Format::Jsonl);
    }
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("jsonl" | "json" | "ndjson") => Ok(Format::Jsonl),
        Some("csv") => Ok(Format::Csv),
        Some("txt") => Ok(Format::Table),
        Some("html" | "htm") => Ok(Format::Html),
        Some(other) => anyhow::bail!(
            "{}: wirematch writes jsonl, csv, html or a text table, not .{other}; name the \
             file .jsonl, .csv, .html or .txt, or give --format",
            path.display()
        ),
        None => anyhow::bail!(
            "{}: no extension to tell the format by; name the file .jsonl, .csv, .html or \
             .txt, or give --format",
            path.display()
        ),
    }
}

/// Writes the requested report in the requested format.
pub fn write_report(
    run: &MatchRun,
    out: &OutputArgs,
    format: Format,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let (report, top) = (out.report, out.top);
    if out.with_text {
        let texts = report::PairTexts::of(run).map_err(std::io::Error::other)?;
        return match format {
            Format::Csv => report::write_pairs_csv_quoting(run, Some(&texts), w),
            _ => report::write_pairs_jsonl_quoting(run, Some(&texts), w),
        };
    }
    match (report, format) {
        (_, Format::Html) => {
            let open = match report {
                ReportArg::Pairs => report::HtmlView::Pairs,
                ReportArg::Stories => report::HtmlView::Stories,
                ReportArg::Outlets => report::HtmlView::Outlets,
            };
            report::write_html(run, open, w).map(|_| ())
        }
        (ReportArg::Pairs, Format::Jsonl) => report::write_pairs_jsonl(run, w),
        (ReportArg::Pairs, Format::Csv) => report::write_pairs_csv(run, w),
        (ReportArg::Pairs, Format::Table) => {
            report::write_pairs_table(run, &report::outlet_report(run), top, w)
        }
        (ReportArg::Stories, Format::Jsonl) => report::write_stories_jsonl(run, w),
        (ReportArg::Stories, Format::Csv) => report::write_stories_csv(run, w),
        (ReportArg::Stories, Format::Table) => report::write_stories_table(run, top, w),
        (ReportArg::Outlets, Format::Jsonl) => {
            report::write_outlets_jsonl(&report::outlet_report(run), w)
        }
        (ReportArg::Outlets, Format::Csv) => {
            report::write_outlets_csv(&report::outlet_report(run), w)
        }
        (ReportArg::Outlets, Format::Table) => {
            report::write_outlets_table(&report::outlet_report(run), usize::MAX, w)
        }
    }
}

pub fn run(args: &MatchArgs, verbose: u8, quiet: bool) -> Result<ExitCode> {
    check_output(&args.out)?;
    let (run, reporter) = super::run_match(&args.corpus, args.index.as_deref(), verbose, quiet)?;
    emit(&run, &args.out)?;
    reporter.summary(&run);
    let code = exit_code(&run, &args.out);
    // The process ends here: handing hundreds of megabytes back to the allocator one
    // structure at a time would only delay the exit.
    std::mem::forget(run);
    Ok(code)
}

/// Fails before the work if the output cannot be created.
pub fn check_output(out: &OutputArgs) -> Result<()> {
    let format = format_for(out)?;
    if out.with_text {
        anyhow::ensure!(
            out.report == ReportArg::Pairs && matches!(format, Format::Jsonl | Format::Csv),
            "--with-text puts paragraph texts in the pairs as JSONL or CSV; {} (the HTML \
             report always quotes them)",
            if out.report == ReportArg::Pairs {
                "not in a table or an HTML page"
            } else {
                "stories and outlets have no paragraphs"
            }
        );
    }
    if let Some(out) = &out.output {
        let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        anyhow::ensure!(
            dir.is_dir(),
            "{}: the folder for the output does not exist",
            out.display()
        );
    }
    Ok(())
}

/// Writes the report `out` asks for.
pub fn emit(run: &MatchRun, out: &OutputArgs) -> Result<()> {
    let format = format_for(out)?;
    match &out.output {
        Some(path) => write_atomically(path, |w| write_report(run, out, format, w))
            .with_context(|| format!("writing {}", path.display()))?,
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
            let r = write_report(run, out, format, &mut w).and_then(|_| w.flush());
            match r {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other.context("writing to standard output")?,
            }
        }
    }
    Ok(())
}

/// 1 when nothing was found and `--fail-if-none` was given.
pub fn exit_code(run: &MatchRun, out: &OutputArgs) -> ExitCode {
    if out.fail_if_none && run.matches.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
