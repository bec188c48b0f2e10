//! `wirematch paragraphs`: how documents are segmented and what is set aside.
//!
//! The corpus is matched as `match` would match it, so that the kinds shown include the
//! decisions only the whole corpus can make (an outlet's templates, text many outlets share
//! without sharing a story), and the indices are those of the match reports.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use wirematch::fingerprint::Kind;
use wirematch::report::{ParagraphRecord, paragraph_records};

use super::args::{ParagraphsArgs, ParagraphsFormat};

/// Documents whose texts are read back at a time (bounds the texts held in memory).
const CHUNK: usize = 4096;

pub fn run(args: &ParagraphsArgs, verbose: u8, quiet: bool) -> Result<ExitCode> {
    let (run, _reporter) = super::run_match(&args.corpus, None, verbose, quiet)?;
    let store = &run.store;
    let wanted: Vec<u32> = if args.ids.is_empty() {
        (0..store.docs.len() as u32).collect()
    } else {
        let mut out = Vec::new();
        for id in &args.ids {
            match store.doc_by_id_or_prefix(id) {
                Ok(d) => out.push(d),
                Err(several) if several.len() > 1 => {
                    let shown: Vec<&str> =
                        several.iter().take(5).map(|&d| &*store.docs[d as usize].id).collect();
                    anyhow::bail!(
                        "{id:?} begins {} document ids ({}{}); give more of the id",
                        several.len(),
                        shown.join(", "),
                        if several.len() > 5 { ", …" } else { "" }
                    )
                }
                Err(_) => anyhow::bail!("no document id is or begins with {id:?} in the inputs"),
            }
        }
        out
    };
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    let written = (|| -> Result<()> {
        for chunk in wanted.chunks(CHUNK) {
            let texts = run.texts(chunk).context("reading the documents' texts again")?;
            for &d in chunk {
                let Some(text) = texts.get(&d) else {
                    say!(
                        "wirematch: {}: its text could not be read again; skipped",
                        store.docs[d as usize].id
                    );
                    continue;
                };
                let record = paragraph_records(&run, d, text);
                match args.format {
                    ParagraphsFormat::Jsonl => {
                        serde_json::to_writer(&mut w, &record)?;
                        writeln!(w)?;
                    }
                    ParagraphsFormat::Text => {
                        write_text(&mut w, &record, &store.location(d), args.width)?
                    }
                }
            }
        }
        Ok(())
    })();
    match written {
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) => {}
        Err(e)
            if e.downcast_ref::<serde_json::Error>()
                .and_then(|e| e.io_error_kind())
                .is_some_and(|k| k == std::io::ErrorKind::BrokenPipe) => {}
        other => other.context("writing to standard output")?,
    }
    w.flush().ok();
    Ok(ExitCode::SUCCESS)
}

/// One document as text: `ID (LOCATION; language xx; N paragraphs)`, then a line per
/// paragraph (the shared extraction scorer reads this layout).
fn write_text(
    w: &mut dyn Write,
    r: &ParagraphRecord<'_>,
    location: &wirematch::error::Location,
    width: usize,
) -> std::io::Result<()> {
    writeln!(w, "{} ({location}; language {}; {} paragraphs)", r.id, r.lang, r.paragraphs.len())?;
    for p in &r.paragraphs {
        let kind =
            if p.kind == Kind::Body.name() { "body".to_string() } else { format!("-{}", p.kind) };
        let text: String = p.text.split_whitespace().collect::<Vec<_>>().join(" ");
        let shown: String = if width == 0 { text } else { text.chars().take(width).collect() };
        writeln!(w, "  {:>3}  {kind:<13} {:<3} {:>4}w  {shown}", p.index, p.lang, p.words)?;
    }
    Ok(())
}
