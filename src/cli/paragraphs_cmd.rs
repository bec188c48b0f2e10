//! `wirematch paragraphs`: how documents are segmented and what is set aside.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use wirematch::config::Config;
use wirematch::corpus::{self, Input, ReadOptions};
use wirematch::fingerprint::{Fingerprinter, Kind};
use wirematch::shingle::Shingler;

use super::args::ParagraphsArgs;

pub fn run(args: &ParagraphsArgs) -> Result<ExitCode> {
    let inputs: Vec<Input> = args
        .inputs
        .iter()
        .map(Input::detect)
        .collect::<Result<_, _>>()
        .context("reading inputs")?;
    let cfg = Config::default();
    let mut fp = Fingerprinter::new(Shingler::new(cfg.shingle_size, cfg.seed));
    let read = ReadOptions::default();
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    let mut result = Ok(());
    corpus::read_batches(&inputs, &read, &mut |batch| {
        for rec in batch {
            let parsed = rec.parse(read.max_record_bytes);
            for p in &parsed.problems {
                eprintln!("wirematch: {p}");
            }
            let Some(doc) = parsed.doc else { continue };
            if !args.ids.is_empty() && !args.ids.iter().any(|i| *i == doc.id) {
                continue;
            }
            let f = fp.fingerprint_lang(&doc.text, doc.lang.as_deref());
            let r = (|| -> std::io::Result<()> {
                writeln!(
                    w,
                    "{} ({}; language {}; {} paragraphs)",
                    doc.id,
                    rec.location,
                    f.lang,
                    f.paragraphs.len()
                )?;
                for (i, p) in f.paragraphs.iter().enumerate() {
                    let kind = match p.kind {
                        Kind::Body => "body".to_string(),
                        Kind::Boilerplate(b) => format!("-{b}"),
                    };
                    let text: String =
                        doc.text[p.span.clone()].split_whitespace().collect::<Vec<_>>().join(" ");
                    let shown: String = if args.width == 0 {
                        text
                    } else {
                        text.chars().take(args.width).collect()
                    };
                    writeln!(
                        w,
                        "  {i:>3}  {kind:<13} {:<3} {:>4}w  {shown}",
                        p.lang.to_string(),
                        p.tokens
                    )?;
                }
                Ok(())
            })();
            if let Err(e) = r {
                result = Err(e);
                return Ok(());
            }
        }
        Ok(())
    })?;
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.context("writing to standard output")?,
    }
    w.flush().ok();
    Ok(ExitCode::SUCCESS)
}
