//! Reading corpora: JSONL (plain, gzip, zstd, stdin), folders of text/HTML files, and
//! single text/HTML files.
//!
//! Reading is split in two so that the expensive half runs in parallel:
//!
//! 1. [`read_batches`] walks the inputs in order and hands out batches of [`RawRecord`]s:
//!    lines of a plain or compressed file (read, and decompressed, on a separate thread
//!    while the previous batch is processed), or file paths of a folder.
//! 2. [`RawRecord::parse`] turns one record into a [`Document`] (JSON decoding, HTML to
//!    text, encoding repair). The pipeline calls it inside its parallel per-document stage.
//!
//! Problems never abort a read. A record that cannot be used is reported as a
//! [`RecordError`] (`FILE:LINE: problem`) and skipped; a record that can be repaired (bad
//! UTF-8, legacy encoding, an optional field of the wrong type) is kept and reported as a
//! warning. A stream that breaks (truncated gzip) reports where it broke; everything read
//! before that point is kept.

pub mod fields;
pub mod folder;
pub mod html;
mod jsonl;
mod lines;
mod parquet_file;
mod table;
mod warc;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::error::{Error, Location, RecordError, RecordProblem, Result};
use crate::published::Published;

pub use fields::{Field, FieldMap};
pub use jsonl::{parse_json_record, parse_json_record_with};

/// One article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document<'a> {
    /// Unique id (from the record, or the file path relative to its folder).
    pub id: Cow<'a, str>,
    /// Body text; paragraphs separated by blank lines (or one per line).
    pub text: Cow<'a, str>,
    /// Publishing outlet, if known.
    pub outlet: Option<Cow<'a, str>>,
    /// Publication time as given, if any.
    pub published_raw: Option<Cow<'a, str>>,
    /// Parsed publication time, if `published_raw` is a valid ISO 8601 value.
    pub published: Option<Published>,
    /// ISO 639-1 language code, if given.
    pub lang: Option<Cow<'a, str>>,
    /// Headline, if given.
    pub title: Option<Cow<'a, str>>,
    /// URL, if given.
    pub url: Option<Cow<'a, str>>,
}

impl<'a> Document<'a> {
    /// A document with only an id and a text.
    pub fn new(id: impl Into<Cow<'a, str>>, text: impl Into<Cow<'a, str>>) -> Self {
        Document {
            id: id.into(),
            text: text.into(),
            outlet: None,
            published_raw: None,
            published: None,
            lang: None,
            title: None,
            url: None,
        }
    }

    /// Sets the outlet.
    pub fn with_outlet(mut self, outlet: impl Into<Cow<'a, str>>) -> Self {
        self.outlet = Some(outlet.into());
        self
    }

    /// Sets the publication time from its ISO 8601 text (kept unparsed if invalid).
    pub fn with_published(mut self, published: impl Into<Cow<'a, str>>) -> Self {
        let raw = published.into();
        self.published = Published::parse(&raw).ok();
        self.published_raw = Some(raw);
        self
    }

    /// Sets the language code.
    pub fn with_lang(mut self, lang: impl Into<Cow<'a, str>>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    /// Sets the title.
    pub fn with_title(mut self, title: impl Into<Cow<'a, str>>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// A copy that borrows nothing.
    pub fn into_owned(self) -> Document<'static> {
        fn o(c: Cow<'_, str>) -> Cow<'static, str> {
            Cow::Owned(c.into_owned())
        }
        Document {
            id: o(self.id),
            text: o(self.text),
            outlet: self.outlet.map(o),
            published_raw: self.published_raw.map(o),
            published: self.published,
            lang: self.lang.map(o),
            title: self.title.map(o),
            url: self.url.map(o),
        }
    }
}

/// Compression of a JSONL input, detected from its first bytes (not its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain text: memory-mapped.
    None,
    /// gzip (one or more members): streamed.
    Gzip,
    /// Zstandard (one or more frames): streamed.
    Zstd,
}

/// What an input path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKind {
    /// A JSONL file, one document per line.
    Jsonl(Compression),
    /// Standard input, read as JSONL.
    Stdin,
    /// A folder of `.txt` / `.html` files, read recursively.
    Folder,
    /// A single `.txt` / `.html` file holding one document.
    TextFile,
    /// A web archive (WARC or WET), plain or compressed.
    Warc(Compression),
    /// A CSV or TSV table with a header row, plain or compressed, and its delimiter.
    Table(Compression, u8),
    /// A Parquet file.
    Parquet,
}

/// One input of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The path as given (`-` for standard input).
    pub path: PathBuf,
    /// What it holds.
    pub kind: InputKind,
}

/// File extensions read from folders (and accepted as single-document inputs).
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "text"];
/// HTML file extensions.
pub const HTML_EXTENSIONS: &[&str] = &["html", "htm", "xhtml", "shtml"];
/// Extensions of files holding one JSON object, one article (news-please's output).
pub const JSON_EXTENSIONS: &[&str] = &["json"];

fn extension(path: &Path) -> Option<String> {
    path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase())
}

impl Input {
    /// Works out what `path` is: `-` is standard input, a directory is a folder input, a
    /// `.txt`/`.html` file is one document, anything else is JSONL whose compression is
    /// detected from its magic bytes.
    pub fn detect(path: impl Into<PathBuf>) -> Result<Input> {
        Self::detect_with(path, &FieldMap::NONE)
    }

    /// [`Input::detect`] for records whose fields are named by `fields` (a table's header
    /// must have the text's column).
    pub fn detect_with(path: impl Into<PathBuf>, fields: &FieldMap) -> Result<Input> {
        let path = path.into();
        if path.as_os_str() == "-" {
            return Ok(Input { path, kind: InputKind::Stdin });
        }
        let meta = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?;
        if meta.is_dir() {
            return Ok(Input { path, kind: InputKind::Folder });
        }
        if !meta.is_file() {
            return Err(Error::Input { path, problem: "not a regular file or folder".into() });
        }
        if let Some(ext) = extension(&path) {
            if TEXT_EXTENSIONS.contains(&ext.as_str())
                || HTML_EXTENSIONS.contains(&ext.as_str())
                || JSON_EXTENSIONS.contains(&ext.as_str())
            {
                return Ok(Input { path, kind: InputKind::TextFile });
            }
        }
        let mut magic = [0u8; 4];
        let n = {
            use std::io::Read;
            let mut f = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
            let mut n = 0;
            while n < 4 {
                match f.read(&mut magic[n..]) {
                    Ok(0) => break,
                    Ok(k) => n += k,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(Error::io(&path, e)),
                }
            }
            n
        };
        let compression = if n >= 2 && magic[..2] == [0x1f, 0x8b] {
            Compression::Gzip
        } else if n >= 4 && magic == [0x28, 0xb5, 0x2f, 0xfd] {
            Compression::Zstd
        } else {
            Compression::None
        };
        // What the (decompressed) content starts with decides the format; anything that
        // is neither is refused here rather than read as zero documents.
        let head = content_head(&path, compression)?;
        if let Some(delimiter) = table::delimiter_of(&path) {
            return match table::check_header(&head, delimiter, fields) {
                Ok(()) => Ok(Input { path, kind: InputKind::Table(compression, delimiter) }),
                Err(problem) => Err(Error::Input { path, problem }),
            };
        }
        if compression == Compression::None && parquet_file::is_parquet(&head) {
            return match parquet_file::check(&path, fields) {
                Ok(()) => Ok(Input { path, kind: InputKind::Parquet }),
                Err(problem) => Err(Error::Input { path, problem }),
            };
        }
        if warc::is_warc(&head) {
            return Ok(Input { path, kind: InputKind::Warc(compression) });
        }
        let first = head
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&head)
            .iter()
            .find(|b| !b.is_ascii_whitespace());
        match first {
            None | Some(b'{') => Ok(Input { path, kind: InputKind::Jsonl(compression) }),
            Some(_) => Err(Error::Input {
                path,
                problem: "not a format wirematch reads: neither JSONL (one JSON object per \
                          line) nor a web archive (WARC/WET), plain or gzip/zstd-compressed; \
                          CSV/TSV tables are read when named .csv/.tsv, folders of \
                          .txt/.html files too"
                    .into(),
            }),
        }
    }
}

/// The first bytes of `path`'s content, decompressed (at most 4 KiB; fewer when the file
/// is shorter or its compressed stream is damaged, which reading then reports).
fn content_head(path: &Path, compression: Compression) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut head = Vec::with_capacity(4096);
    if let Ok(r) = lines::decoder(file, compression, 0, None) {
        let _ = r.take(4096).read_to_end(&mut head);
    }
    Ok(head)
}

/// How inputs are read: limits, and the names of record fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Largest record (JSONL line or file) accepted, in bytes. Larger ones are reported and
    /// skipped without being held in memory.
    pub max_record_bytes: u64,
    /// Approximate bytes of input per batch handed to the parallel stage.
    pub batch_bytes: usize,
    /// Largest expansion of a compressed input (gzip, zstd): it may decompress to at most
    /// `max_expansion` times its size on disk, and always to [`EXPANSION_ALLOWANCE`]. Past
    /// that, reading the input stops with [`RecordProblem::ExpansionLimit`] (records read
    /// until then are kept), so a small "decompression bomb" cannot keep a run busy for
    /// hours. 0 means no limit. Real news JSONL compresses 3–10× (gzip) and rarely beyond
    /// 20× (zstd), so the default of 100 leaves ample room.
    pub max_expansion: u64,
    /// Which record field holds which document field, where the default names do not
    /// apply (see [`FieldMap`]). Shared, so that options stay cheap to hand around.
    pub fields: std::sync::Arc<FieldMap>,
}

/// Bytes a compressed input may always decompress to, whatever its ratio (see
/// [`ReadOptions::max_expansion`]): small files of very repetitive records stay readable.
pub const EXPANSION_ALLOWANCE: u64 = 256 << 20;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_record_bytes: 64 << 20,
            batch_bytes: 8 << 20,
            max_expansion: 100,
            fields: std::sync::Arc::new(FieldMap::NONE),
        }
    }
}

impl ReadOptions {
    /// The most bytes an input of `compressed` bytes on disk may decompress to, if limited.
    pub fn expansion_limit(&self, compressed: u64) -> Option<u64> {
        (self.max_expansion > 0)
            .then(|| compressed.saturating_mul(self.max_expansion).max(EXPANSION_ALLOWANCE))
    }
}

/// A record as read, before parsing.
#[derive(Debug)]
pub struct RawRecord<'a> {
    /// Where it is.
    pub location: Location,
    /// Byte offset of the record in its (uncompressed) input; 0 for a whole file.
    pub offset: u64,
    /// What it is.
    pub payload: Payload<'a>,
}

/// The content of a [`RawRecord`].
#[derive(Debug)]
pub enum Payload<'a> {
    /// One JSONL line (without its line terminator).
    JsonLine(&'a [u8]),
    /// A text or HTML file holding one document.
    File {
        /// Path to read.
        path: PathBuf,
        /// Document id (path relative to the folder input, `/`-separated).
        id: String,
        /// Outlet (first folder of the relative path), if any.
        outlet: Option<String>,
    },
    /// A record of a web archive (see [`warc`]): its `WARC-Type`, `WARC-Target-URI`,
    /// `Content-Type` (lower case) and content.
    Warc {
        /// `response`, `resource` or `conversion`.
        kind: &'a str,
        /// The page's URI: the document id.
        uri: &'a str,
        /// The record's content type.
        content_type: &'a str,
        /// The record's content (an HTTP message, a page or its text).
        content: &'a [u8],
    },
    /// The reader could not produce the record.
    Problem(RecordProblem),
}

/// A parsed record: the document (if usable) and any problems (warnings if the document is
/// there, the reason it is not otherwise).
#[derive(Debug)]
pub struct Parsed<'a> {
    /// The document, unless the record had to be skipped.
    pub doc: Option<Document<'a>>,
    /// Problems found, with the record's location.
    pub problems: Vec<RecordError>,
}

impl<'a> RawRecord<'a> {
    /// Parses the record into a document.
    pub fn parse(&self, opts: &ReadOptions) -> Parsed<'a> {
        let max_record_bytes = opts.max_record_bytes;
        let err = |p: RecordProblem| RecordError { location: self.location.clone(), problem: p };
        match &self.payload {
            Payload::Problem(p) => Parsed { doc: None, problems: vec![err(p.clone())] },
            Payload::JsonLine(bytes) => match json_document(bytes, &opts.fields) {
                Ok((doc, warnings)) => {
                    Parsed { doc: Some(doc), problems: warnings.into_iter().map(err).collect() }
                }
                Err(p) => Parsed { doc: None, problems: vec![err(p)] },
            },
            Payload::Warc { kind, uri, content_type, content } => {
                if uri.is_empty() {
                    let p = RecordProblem::MissingField("WARC-Target-URI");
                    return Parsed { doc: None, problems: vec![err(p)] };
                }
                let outlet = warc::outlet_of(uri);
                let made = warc::page(kind, content_type, content).and_then(|page| {
                    folder::document_from_bytes(
                        &page.body,
                        page.html,
                        page.charset,
                        uri,
                        outlet.as_deref(),
                    )
                });
                match made {
                    Ok((mut doc, warnings)) => {
                        doc.url = Some(Cow::Owned(uri.to_string()));
                        Parsed { doc: Some(doc), problems: warnings.into_iter().map(err).collect() }
                    }
                    Err(p) => Parsed { doc: None, problems: vec![err(p)] },
                }
            }
            Payload::File { path, id, outlet } => {
                match folder::read_document(
                    path,
                    id,
                    outlet.as_deref(),
                    max_record_bytes,
                    &opts.fields,
                ) {
                    Ok((doc, warnings)) => {
                        Parsed { doc: Some(doc), problems: warnings.into_iter().map(err).collect() }
                    }
                    Err(p) => Parsed { doc: None, problems: vec![err(p)] },
                }
            }
        }
    }
}

/// One JSON object → a document: the JSONL record rules, and a text field carrying HTML
/// turned into text. For JSONL lines, table rows and one-article JSON files alike.
pub(crate) fn json_document<'a>(
    bytes: &'a [u8],
    fields: &FieldMap,
) -> std::result::Result<(Document<'a>, Vec<RecordProblem>), RecordProblem> {
    let (mut doc, warnings) = jsonl::parse_json_record_with(bytes, fields)?;
    if html::looks_like_html(&doc.text) {
        // A whole page in a field (a crawl's raw HTML) is read for its article; a body
        // written with `<p>` markup keeps all its text.
        let text = if html::is_page(&doc.text) {
            html::html_to_text(&doc.text).text
        } else {
            html::fragment_to_text(&doc.text)
        };
        doc.text = Cow::Owned(text);
        // Markup around no visible words (a script, a bare tag) leaves nothing to match:
        // the same rule as for any text.
        if !doc.text.chars().any(crate::normalize::is_word_char) {
            return Err(RecordProblem::EmptyText);
        }
    }
    Ok((doc, warnings))
}

/// Reads `inputs` in order and calls `f` with each batch of raw records. Stops early only
/// if `f` returns an error (which is returned).
pub fn read_batches(
    inputs: &[Input],
    opts: &ReadOptions,
    f: &mut dyn FnMut(&[RawRecord<'_>]) -> Result<()>,
) -> Result<()> {
    for input in inputs {
        match &input.kind {
            InputKind::Jsonl(c) => match open_input(&input.path, *c, opts) {
                Ok((file, bytes, limit)) => {
                    let expected = (*c == Compression::None).then_some(bytes);
                    let c = *c;
                    lines::read_stream(&input.path, opts, f, expected, move || {
                        lines::decoder(file, c, bytes, limit)
                    })?
                }
                Err(e) => f(&[unreadable(&input.path, &e.to_string())])?,
            },
            InputKind::Warc(c) => match open_input(&input.path, *c, opts) {
                Ok((file, bytes, limit)) => {
                    let c = *c;
                    warc::read_warc(&input.path, opts, f, move || {
                        lines::decoder(file, c, bytes, limit)
                    })?
                }
                Err(e) => f(&[unreadable(&input.path, &e.to_string())])?,
            },
            InputKind::Table(c, delimiter) => {
                let opened = open_input(&input.path, *c, opts)
                    .and_then(|(file, bytes, limit)| lines::decoder(file, *c, bytes, limit));
                match opened {
                    Ok(r) => table::read_table(&input.path, opts, *delimiter, r, f)?,
                    Err(e) => f(&[unreadable(&input.path, &e.to_string())])?,
                }
            }
            InputKind::Parquet => parquet_file::read_parquet(&input.path, opts, f)?,
            InputKind::Stdin => lines::read_stream(&input.path, opts, f, None, || {
                Ok(Box::new(std::io::stdin()) as Box<dyn std::io::Read + Send>)
            })?,
            InputKind::Folder => folder::read_folder(&input.path, opts, f)?,
            InputKind::TextFile => {
                let id = input
                    .path
                    .file_name()
                    .map(|n| folder::id_of(Path::new(n)))
                    .unwrap_or_else(|| input.path.display().to_string());
                f(&[RawRecord {
                    location: Location { path: input.path.clone(), line: 0 },
                    offset: 0,
                    payload: Payload::File { path: input.path.clone(), id, outlet: None },
                }])?
            }
        }
    }
    Ok(())
}

/// An input file opened for reading: the file, its size on disk, and the most it may
/// decompress to (a plain file yields its own bytes: nothing to cap).
fn open_input(
    path: &Path,
    c: Compression,
    opts: &ReadOptions,
) -> std::io::Result<(std::fs::File, u64, Option<u64>)> {
    let file = std::fs::File::open(path)?;
    let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    let limit = match c {
        Compression::None => None,
        _ => opts.expansion_limit(bytes),
    };
    Ok((file, bytes, limit))
}

fn unreadable(path: &Path, why: &str) -> RawRecord<'static> {
    RawRecord {
        location: Location { path: path.to_path_buf(), line: 0 },
        offset: 0,
        payload: Payload::Problem(RecordProblem::Unreadable(why.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_fields_with_no_visible_words_are_empty() {
        // Found by fuzzing (fuzz/regressions/jsonl_reader): the record's text had words,
        // but only inside markup; it was kept with an empty text.
        let rec = |line: &'static [u8]| RawRecord {
            location: Location { path: "x.jsonl".into(), line: 3 },
            offset: 0,
            payload: Payload::JsonLine(line),
        };
        let parsed = rec(br#"{"id":"a","text":"<script>var words = 1;</script><p> </p>"}"#)
            .parse(&ReadOptions::default());
        assert!(parsed.doc.is_none());
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].to_string(), "x.jsonl:3: text is empty (no word characters)");
        let parsed =
            rec(br#"{"id":"a","text":"<p>Some words.</p>"}"#).parse(&ReadOptions::default());
        assert_eq!(parsed.doc.unwrap().text, "Some words.");
    }

    #[test]
    fn detect_by_magic_and_extension() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.data");
        std::fs::write(&p, b"{\"id\":1}\n").unwrap();
        assert_eq!(Input::detect(&p).unwrap().kind, InputKind::Jsonl(Compression::None));
        let g = dir.path().join("a.jsonl");
        std::fs::write(&g, [0x1f, 0x8b, 8, 0]).unwrap();
        assert_eq!(Input::detect(&g).unwrap().kind, InputKind::Jsonl(Compression::Gzip));
        let z = dir.path().join("b");
        std::fs::write(&z, [0x28, 0xb5, 0x2f, 0xfd, 0]).unwrap();
        assert_eq!(Input::detect(&z).unwrap().kind, InputKind::Jsonl(Compression::Zstd));
        let t = dir.path().join("story.HTML");
        std::fs::write(&t, b"<p>x</p>").unwrap();
        assert_eq!(Input::detect(&t).unwrap().kind, InputKind::TextFile);
        assert_eq!(Input::detect(dir.path()).unwrap().kind, InputKind::Folder);
        assert_eq!(Input::detect("-").unwrap().kind, InputKind::Stdin);
        assert!(matches!(Input::detect(dir.path().join("missing")), Err(Error::Io { .. })));
    }
}
