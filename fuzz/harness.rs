//! The fuzz targets' bodies, shared with the main crate's tests: `cargo test` replays every
//! input of `fuzz/regressions/<target>/` (and the seeds) through these same functions, so a
//! crash found once stays fixed. Each function panics exactly when the target would report
//! a crash: on a panic inside wirematch or a broken invariant checked here.
//!
//! Add a target: a function here, a file in `fuzz_targets/` calling it, a `[[bin]]` in
//! `fuzz/Cargo.toml`, and its name in the `TARGETS` table of `tests/fuzz_regressions.rs`.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use wirematch::corpus::html::{declared_charset, html_to_text, looks_like_html};
use wirematch::corpus::{Input, Payload, ReadOptions, read_batches};
use wirematch::fingerprint::Fingerprinter;
use wirematch::normalize::{Normalizer, is_word_char, normalize_text};
use wirematch::segment::{blocks, sentences};
use wirematch::shingle::Shingler;

/// A scratch folder for this fuzzing process (named after `target`; one target per
/// process, inputs one after another), for the targets that need files.
pub fn scratch(target: &str) -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("wirematch-fuzz-{target}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        dir
    })
}

/// The JSONL reader end to end on any bytes (see [`reader`]).
pub fn jsonl_reader(dir: &Path, data: &[u8]) {
    reader(dir, "input.jsonl", data)
}

/// The web-archive reader end to end on any bytes (see [`reader`]).
pub fn warc_reader(dir: &Path, data: &[u8]) {
    reader(dir, "input.warc", data)
}

/// The CSV/TSV reader end to end on any bytes (see [`reader`]).
pub fn table_reader(dir: &Path, data: &[u8]) {
    reader(dir, "input.csv", data)
}

/// The Parquet reader end to end on any bytes (see [`reader`]).
pub fn parquet_reader(dir: &Path, data: &[u8]) {
    reader(dir, "input.parquet", data)
}

/// An input file of `data` read and parsed as a run would: reading never fails as a whole,
/// records come in order, each kept document has an id and words, each skipped record says
/// why, and the record limit holds.
fn reader(dir: &Path, name: &str, data: &[u8]) {
    let path = dir.join(name);
    std::fs::write(&path, data).expect("write scratch input");
    let Ok(input) = Input::detect(&path) else { return };
    // Small limits so that the fuzzer reaches them; the first byte varies them.
    let k = data.first().copied().unwrap_or(0) as u64;
    let opts = ReadOptions {
        max_record_bytes: 64 + k * 16,
        batch_bytes: 1 + (k as usize) * 8,
        max_expansion: k % 4,
        ..ReadOptions::default()
    };
    let mut last_line = 0u64;
    let read = read_batches(&[input], &opts, &mut |batch| {
        for rec in batch {
            // Records come in order, each once (0: a note about the whole input).
            let line = rec.location.line;
            assert!(line >= last_line || line == 0, "record {line} after {last_line}");
            last_line = last_line.max(line);
            let parsed = rec.parse(&opts);
            match (&parsed.doc, &rec.payload) {
                (Some(doc), _) => {
                    assert!(!doc.id.trim().is_empty(), "a kept document has an id");
                    assert!(doc.text.chars().any(is_word_char), "a kept document has words");
                    assert!(parsed.problems.iter().all(|p| p.problem.is_warning()));
                }
                // A reader's note about the input (records it skipped): a warning.
                (None, Payload::Problem(p)) if p.is_warning() => {}
                (None, _) => {
                    assert!(
                        parsed.problems.iter().any(|p| !p.problem.is_warning()),
                        "a skipped record says why"
                    );
                }
            }
            match rec.payload {
                Payload::JsonLine(line) => {
                    assert!(line.len() as u64 <= opts.max_record_bytes, "the record limit holds")
                }
                Payload::Warc { content, .. } => {
                    assert!(content.len() as u64 <= opts.max_record_bytes, "the record limit holds")
                }
                _ => {}
            }
        }
        Ok(())
    });
    assert!(read.is_ok(), "reading never fails as a whole: {read:?}");
}

fn check_span(text: &str, span: &Range<usize>) {
    assert!(span.start <= span.end && span.end <= text.len(), "{span:?} of {}", text.len());
    assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "{span:?}");
}

/// The normaliser and the paragraph splitter on any text: every span they return lies
/// inside the text, on character boundaries, in order; shingle sets are sorted sets.
pub fn normalize_segment(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let _ = normalize_text(text);
    let toks = Normalizer::new().tokenize(text);
    let mut hashes = Vec::new();
    Shingler::new(5, 1).hashes(&toks, 0..toks.len(), &mut hashes);
    let mut prev_end = 0;
    for block in blocks(text) {
        assert!(!block.is_empty(), "no empty block");
        for line in &block {
            check_span(text, line);
            assert!(line.start >= prev_end, "lines overlap or go back");
            prev_end = line.end;
            for s in sentences(text, line.clone()) {
                check_span(text, &s);
                assert!(s.start >= line.start && s.end <= line.end, "sentence outside its line");
            }
        }
    }
    let mut fp = Fingerprinter::new(Shingler::new(5, 1));
    let declared = ["en", "fr", "zz", ""][data.first().map_or(0, |b| *b as usize % 4)];
    let out = fp.fingerprint_lang(text, Some(declared));
    let mut prev_end = 0;
    for (i, p) in out.paragraphs.iter().enumerate() {
        check_span(text, &p.span);
        assert!(p.span.start >= prev_end, "paragraphs overlap or go back");
        prev_end = p.span.end;
        assert!(p.shingles.end as usize <= out.shingles.len());
        assert!(p.numbers.end as usize <= out.numbers.len());
        assert!(out.set(i).windows(2).all(|w| w[0] < w[1]), "shingle sets are sorted sets");
    }
}

/// HTML to text on any bytes: the charset sniffer on the raw bytes, then text extraction
/// on their (lossy) UTF-8 decoding.
pub fn html_to_text_target(data: &[u8]) {
    if let Some(enc) = declared_charset(data) {
        let _ = enc.decode(data);
    }
    let html = String::from_utf8_lossy(data);
    let _ = looks_like_html(&html);
    let out = html_to_text(&html);
    assert!(!out.text.contains("\n\n\n"), "paragraphs are separated by one blank line");
}

/// The index reader: `data` is written as an index's data file, with a manifest naming it
/// as a build would (its header checksum computed from `data`, when `data` has a header),
/// then opened — manifest, header, section table, every checksum — and, if it opens,
/// loaded and queried with one document. Any problem must be a typed error, not a panic.
/// Checksums make a mutated file fail early; the seeds are whole valid indexes, so the
/// fuzzer starts past the checks and mutates the header and table too.
pub fn index_reader(dir: &Path, data: &[u8]) {
    use wirematch::index::format::{FORMAT_VERSION, parse_header};
    let idx = dir.join("index");
    let _ = std::fs::remove_dir_all(&idx);
    std::fs::create_dir_all(&idx).expect("scratch index folder");
    std::fs::write(idx.join("index-1.wmi"), data).expect("write scratch data file");
    let sum = parse_header(data).map(|(_, _, s)| format!("{s:016x}")).unwrap_or_default();
    let manifest = format!(
        r#"{{"format": "wirematch-index", "version": {FORMAT_VERSION}, "data": "index-1.wmi", "header_checksum": "{sum}"}}"#
    );
    std::fs::write(idx.join("manifest.json"), manifest).expect("write manifest");
    let Ok(index) = wirematch::index::Index::open(&idx) else { return };
    let _ = index.load_store();
    let Ok(detector) = wirematch::Detector::new(index.config().clone()) else { return };
    let text = "The central bank raised its main interest rate by half a percentage point on \
                Tuesday, citing stubborn inflation in services and a tight labour market.";
    let doc = wirematch::Document::new("q", text).with_outlet("Q");
    let loc = wirematch::error::Location { path: "<fuzz>".into(), line: 1 };
    let _ = index.query(&detector, vec![(doc.into_owned(), loc)], &wirematch::Quiet);
}
