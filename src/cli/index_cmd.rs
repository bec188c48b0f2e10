//! `wirematch index build|add|query`: a persistent index of a corpus.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use wirematch::index;

use super::args::{IndexAddArgs, IndexBuildArgs, IndexCommand, IndexQueryArgs};
use super::match_cmd;

pub fn run(cmd: IndexCommand, verbose: u8, quiet: bool) -> Result<ExitCode> {
    match cmd {
        IndexCommand::Build(a) => build(&a, verbose, quiet),
        IndexCommand::Add(a) => add(&a, verbose, quiet),
        IndexCommand::Query(a) => query(&a, verbose, quiet),
    }
}

fn size_of(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn build(args: &IndexBuildArgs, verbose: u8, quiet: bool) -> Result<ExitCode> {
    index::WriteLock::check_destination(&args.output)?;
    let (detector, reporter, inputs) = super::prepare(&args.corpus, false, None, verbose, quiet)?;
    let detector = detector.with_kept_texts(true);
    let start = Instant::now();
    let run = detector.run(&inputs, &reporter).context("matching failed")?;
    reporter.finish();
    let data = index::write(&args.output, &detector, &run)
        .with_context(|| format!("writing the index to {}", args.output.display()))?;
    reporter.summary(&run);
    if !quiet {
        say!(
            "index: {} documents, {} paragraphs → {} ({} bytes, {:.1} s)",
            run.store.docs.len(),
            run.store.paragraphs.len(),
            data.display(),
            size_of(&data),
            start.elapsed().as_secs_f64()
        );
    }
    std::mem::forget(run);
    Ok(ExitCode::SUCCESS)
}

fn add(args: &IndexAddArgs, verbose: u8, quiet: bool) -> Result<ExitCode> {
    // Held from before the index is read until the new one is in place: a concurrent add
    // waits, then adds onto what this one wrote.
    let lock = index::WriteLock::acquire(&args.dir, || {
        if !quiet {
            say!("{}: another process is writing this index; waiting", args.dir.display());
        }
    })
    .with_context(|| format!("locking {}", args.dir.display()))?;
    let index = super::open_index(&args.dir, &args.corpus)?;
    let (detector, reporter, inputs) =
        super::prepare(&args.corpus, false, Some(index.config().clone()), verbose, quiet)?;
    drop(index);
    let added = index::live::add(lock, &detector, &inputs, None, &reporter)
        .with_context(|| format!("adding to the index in {}", args.dir.display()))?;
    reporter.finish();
    let (run, data) = (&added.run, &added.data);
    if !quiet {
        say!(
            "index: {} documents added, {} in all → {} ({} bytes)",
            added.added(),
            run.store.docs.len(),
            data.display(),
            size_of(data)
        );
    }
    std::mem::forget(added);
    Ok(ExitCode::SUCCESS)
}

fn query(args: &IndexQueryArgs, verbose: u8, quiet: bool) -> Result<ExitCode> {
    match_cmd::check_output(&args.out)?;
    let start = Instant::now();
    let index = super::open_index(&args.dir, &args.corpus)?;
    let (detector, reporter, inputs) =
        super::prepare(&args.corpus, false, Some(index.config().clone()), verbose, quiet)?;
    let opened = start.elapsed();
    let read = args.corpus.read_options(detector.config())?;
    let docs = index::read_documents(&inputs, &read, &detector, &reporter)
        .context("reading the articles to query")?;
    let (run, stats) = index.query(&detector, docs, &reporter).context("query failed")?;
    reporter.finish();
    match_cmd::emit(&run, &args.out)?;
    if !quiet {
        say!(
            "{} articles queried against {} stored: {} pairs, {} of them translated ({} candidate \
             paragraph pairs, {} stored articles aligned, {} in other languages checked for \
             translation{}); opened in {:.1} ms, queried in {:.1} ms",
            stats.queried,
            index.len(),
            run.matches.len(),
            stats.translations,
            stats.candidates,
            stats.stored_loaded,
            stats.translation_partners,
            match (&run.stats.translation.skipped, run.stats.translation.embedder.as_str()) {
                (Some(why), _) => format!(": {why}"),
                (None, "") => String::new(),
                (None, e) => format!(" with {e}"),
            },
            opened.as_secs_f64() * 1e3,
            (start.elapsed() - opened).as_secs_f64() * 1e3
        );
        if let Some(note) = &run.stats.translation.note {
            say!("note: {note}");
        }
    }
    Ok(match_cmd::exit_code(&run, &args.out))
}
