//! Web archives: WARC files of crawled pages (CC-NEWS, Heritrix, wget) and WET files of
//! their extracted text.
//!
//! A WARC file is a sequence of records, each a `WARC/1.x` line, named header fields, a
//! blank line, `Content-Length` bytes of content and two line ends; compressed files are
//! one gzip member per record, which the multi-member gzip decoder reads as one stream.
//! The reader thread only splits records (it never holds more than one batch): it reads
//! the header, takes the content into the batch buffer and moves on. What a record *means*
//! is decided in the parallel stage ([`page`]):
//!
//! * `response` records holding an HTTP message (`Content-Type: application/http`): the
//!   status must be 2xx and the body HTML (`text/html`, `application/xhtml+xml`) or text;
//!   chunked transfer coding and gzip, deflate or brotli content coding are undone; the
//!   charset the server declared is a hint for pages that are not UTF-8 and declare none.
//! * `resource` records holding a page directly, and `conversion` records (WET: the text
//!   of a page) as text.
//! * `warcinfo`, `request`, `metadata`, `revisit` and other records carry no article: they
//!   are skipped and counted, and each input's counts are reported once at its end.
//!
//! The document id is the record's `WARC-Target-URI`; its outlet is the URI's registrable
//! domain (the public suffix list: `news.bbc.co.uk` → `bbc.co.uk`). `WARC-Date` is when
//! the page was fetched, an upper bound of publication, not a publication date: the date
//! comes from the page's own metadata when it has one.
//!
//! Records are located as `FILE:N`, N counting the records of the input from 1. A damaged
//! record (no `WARC/` line, a missing or bad `Content-Length`) is reported with its byte
//! offset in the (decompressed) stream and the reader looks for the next record header; a
//! stream that ends inside a record is reported where it ends.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use std::ops::Range;
use std::path::Path;

use super::{Payload, RawRecord, ReadOptions};
use crate::error::{Location, RecordProblem, Result};

/// Whether a stream starting with `head` (decompressed) is a WARC file.
pub fn is_warc(head: &[u8]) -> bool {
    head.starts_with(b"WARC/")
}

/// One record split by the reader: its header fields that matter and its content.
#[derive(Debug, Clone, Default)]
struct Split {
    /// Byte offset of the record in the decompressed stream.
    offset: u64,
    /// 1-based number of the record in its input: its location (`FILE:N`).
    number: u64,
    kind: String,
    uri: String,
    content_type: String,
    content: Range<usize>,
}

/// What the reader thread hands over.
enum Item {
    Record(Split),
    /// A problem and the number of the record it concerns (0: the whole input).
    Problem(u64, RecordProblem),
}

struct Batch {
    data: Vec<u8>,
    items: Vec<Item>,
}

/// Record kinds that carry no article, counted per input.
#[derive(Default)]
struct Skipped(BTreeMap<String, u64>);

/// Reads the WARC stream `open` builds, on a separate thread, handing batches of records
/// to `f` (as [`super::lines::read_stream`] does for JSONL).
pub(super) fn read_warc<O>(
    path: &Path,
    opts: &ReadOptions,
    f: &mut dyn FnMut(&[RawRecord<'_>]) -> Result<()>,
    open: O,
) -> Result<()>
where
    O: FnOnce() -> std::io::Result<Box<dyn Read + Send>> + Send,
{
    let max = opts.max_record_bytes;
    let batch_bytes = opts.batch_bytes;
    super::lines::on_reader_thread(
        path,
        move |tx: std::sync::mpsc::SyncSender<Batch>| {
            let new_batch =
                || Batch { data: Vec::with_capacity(batch_bytes + 4096), items: Vec::new() };
            let mut batch = new_batch();
            let reader = match open() {
                Ok(r) => r,
                Err(e) => {
                    batch.items.push(Item::Problem(0, RecordProblem::Unreadable(e.to_string())));
                    let _ = tx.send(batch);
                    return;
                }
            };
            let mut r = Counting {
                inner: std::io::BufReader::with_capacity(1 << 20, reader),
                pos: 0,
                records: 0,
            };
            let mut skipped = Skipped::default();
            loop {
                match next_record(&mut r, &mut batch, max, &mut skipped) {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err((at, problem)) => {
                        batch.items.push(Item::Problem(at, problem));
                        break;
                    }
                }
                if batch.data.len() >= batch_bytes
                    && tx.send(std::mem::replace(&mut batch, new_batch())).is_err()
                {
                    return; // the consumer stopped (strict mode)
                }
            }
            if !skipped.0.is_empty() {
                let counts: Vec<String> =
                    skipped.0.iter().map(|(k, n)| format!("{k} {n}")).collect();
                batch.items.push(Item::Problem(
                    0,
                    RecordProblem::NotADocument(format!(
                        "WARC records that hold no page, not read: {}",
                        counts.join(", ")
                    )),
                ));
            }
            let _ = tx.send(batch);
        },
        |batch| {
            let recs: Vec<RawRecord<'_>> = batch
                .items
                .iter()
                .map(|item| match item {
                    Item::Record(s) => RawRecord {
                        location: Location { path: path.to_path_buf(), line: s.number },
                        offset: s.offset,
                        payload: Payload::Warc {
                            kind: &s.kind,
                            uri: &s.uri,
                            content_type: &s.content_type,
                            content: &batch.data[s.content.clone()],
                        },
                    },
                    Item::Problem(number, p) => RawRecord {
                        location: Location { path: path.to_path_buf(), line: *number },
                        offset: 0,
                        payload: Payload::Problem(p.clone()),
                    },
                })
                .collect();
            f(&recs)
        },
    )
}

/// A buffered reader that knows how many bytes it has handed out.
struct Counting<R> {
    inner: R,
    pos: u64,
    /// Records begun so far.
    records: u64,
}

impl<R: BufRead> Counting<R> {
    /// One line (up to `limit` bytes, line end included), appended to `out`; 0 at the end.
    fn line(&mut self, out: &mut Vec<u8>, limit: u64) -> std::io::Result<usize> {
        let n = (&mut self.inner).take(limit).read_until(b'\n', out)?;
        self.pos += n as u64;
        Ok(n)
    }

    /// Up to `n` bytes appended to `out` (fewer only at the end of the stream).
    fn exact(&mut self, out: &mut Vec<u8>, n: u64) -> std::io::Result<u64> {
        let got = (&mut self.inner).take(n).read_to_end(out)? as u64;
        self.pos += got;
        Ok(got)
    }

    /// Skips up to `n` bytes; returns how many there were.
    fn skip(&mut self, n: u64) -> std::io::Result<u64> {
        let got = std::io::copy(&mut (&mut self.inner).take(n), &mut std::io::sink())?;
        self.pos += got;
        Ok(got)
    }
}

/// Longest header line accepted: a longer one is damage, not a header.
const MAX_LINE: u64 = 64 << 10;

fn damaged(at: u64, why: String) -> RecordProblem {
    RecordProblem::ReadFailed(format!(
        "damaged WARC record at byte {at} of the (decompressed) input: {why}; skipped"
    ))
}

/// Reads the next record into `batch` (a record, or the problem that stood in its way).
/// `Ok(false)` at the end of the stream; an `Err` ends it (it broke mid-record).
fn next_record<R: BufRead>(
    r: &mut Counting<R>,
    batch: &mut Batch,
    max: u64,
    skipped: &mut Skipped,
) -> std::result::Result<bool, (u64, RecordProblem)> {
    let broke = |n: u64, e: std::io::Error| {
        (n, RecordProblem::ReadFailed(format!("{e} (the rest of this input is lost)")))
    };
    let mut line = Vec::new();
    // The version line, after the blank lines that end the previous record. Anything else
    // is damage (a wrong Content-Length before, garbage): skip to the next record header.
    let mut damage_at = None;
    let start = loop {
        line.clear();
        let at = r.pos;
        if r.line(&mut line, MAX_LINE).map_err(|e| broke(r.records, e))? == 0 {
            if let Some(d) = damage_at {
                let p = damaged(d, "no record header follows".into());
                batch.items.push(Item::Problem(r.records, p));
            }
            return Ok(false);
        }
        if line.starts_with(b"WARC/") {
            break at;
        }
        if damage_at.is_none() && !line.iter().all(u8::is_ascii_whitespace) {
            damage_at = Some(at);
        }
    };
    if let Some(d) = damage_at {
        let p = damaged(d, format!("{} bytes that belong to no record", start - d));
        batch.items.push(Item::Problem(r.records, p));
    }
    r.records += 1;
    let number = r.records;
    // Header fields up to the blank line.
    let mut split = Split { offset: start, number, ..Split::default() };
    let mut length: Option<u64> = None;
    let mut bad_length = None;
    loop {
        line.clear();
        if r.line(&mut line, MAX_LINE).map_err(|e| broke(number, e))? == 0 {
            return Err((number, damaged(start, "the input ends inside its header".into())));
        }
        let l = String::from_utf8_lossy(&line);
        let l = l.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        let Some((name, value)) = l.split_once(':') else { continue };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "warc-type" => split.kind = value.to_ascii_lowercase(),
            "warc-target-uri" => {
                split.uri = value.trim_start_matches('<').trim_end_matches('>').to_string()
            }
            "content-type" => split.content_type = value.to_ascii_lowercase(),
            "content-length" => match value.parse() {
                Ok(n) => length = Some(n),
                Err(_) => bad_length = Some(value.to_string()),
            },
            _ => {}
        }
    }
    let Some(length) = length else {
        let why = match bad_length {
            Some(v) => format!("Content-Length {v:?} is not a number"),
            None => "no Content-Length".into(),
        };
        batch.items.push(Item::Problem(number, damaged(start, why)));
        return Ok(true);
    };
    let ends_short = |got: u64| {
        (number, damaged(start, format!("the input ends after {got} of its {length} bytes")))
    };
    let keep = matches!(split.kind.as_str(), "response" | "resource" | "conversion");
    if !keep || length > max {
        let got = r.skip(length).map_err(|e| broke(number, e))?;
        if got < length {
            return Err(ends_short(got));
        }
        if keep {
            batch
                .items
                .push(Item::Problem(number, RecordProblem::TooLarge { bytes: length, limit: max }));
        } else {
            let kind = if split.kind.is_empty() { "untyped".to_string() } else { split.kind };
            *skipped.0.entry(kind).or_default() += 1;
        }
        return Ok(true);
    }
    let from = batch.data.len();
    let got = r.exact(&mut batch.data, length).map_err(|e| broke(number, e))?;
    if got < length {
        batch.data.truncate(from);
        return Err(ends_short(got));
    }
    split.content = from..batch.data.len();
    batch.items.push(Item::Record(split));
    Ok(true)
}

/// A record whose page cannot be decoded.
fn bad_payload(why: String) -> RecordProblem {
    RecordProblem::ReadFailed(format!("damaged WARC record: {why}; skipped"))
}

/// What a kept record holds, decided in the parallel stage.
pub(super) struct Page<'a> {
    /// The page (HTML or text), decoded from its transfer and content codings.
    pub body: std::borrow::Cow<'a, [u8]>,
    /// Whether it is HTML (else plain text).
    pub html: bool,
    /// The charset the server declared, if any.
    pub charset: Option<&'static encoding_rs::Encoding>,
}

/// The page a `response`, `resource` or `conversion` record holds, or why it holds none.
pub(super) fn page<'a>(
    kind: &str,
    content_type: &str,
    content: &'a [u8],
) -> std::result::Result<Page<'a>, RecordProblem> {
    let skip = |why: String| RecordProblem::NotADocument(format!("record not read: {why}"));
    if kind == "response" && content_type.starts_with("application/http") {
        let (status, headers, body) = http(content)
            .ok_or_else(|| bad_payload("its HTTP message has no header end".into()))?;
        if !(200..300).contains(&status) {
            return Err(skip(format!("HTTP status {status}: no page")));
        }
        let ctype = headers.get("content-type").map(String::as_str).unwrap_or("text/html");
        let html = is_html(ctype);
        if !html && !ctype.starts_with("text/plain") {
            return Err(skip(format!("not a page ({ctype})")));
        }
        let mut body = std::borrow::Cow::Borrowed(body);
        if headers.get("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
            body = std::borrow::Cow::Owned(
                dechunk(&body).ok_or_else(|| bad_payload("bad chunked transfer coding".into()))?,
            );
        }
        if let Some(coding) = headers.get("content-encoding") {
            body = std::borrow::Cow::Owned(decode(coding, &body)?);
        }
        return Ok(Page { body, html, charset: charset_of(ctype) });
    }
    // A resource is the page itself; a conversion is its text.
    let html = kind != "conversion" && is_html(content_type);
    Ok(Page { body: std::borrow::Cow::Borrowed(content), html, charset: charset_of(content_type) })
}

fn is_html(content_type: &str) -> bool {
    content_type.starts_with("text/html") || content_type.starts_with("application/xhtml")
}

fn charset_of(content_type: &str) -> Option<&'static encoding_rs::Encoding> {
    let at = content_type.find("charset=")?;
    let v = content_type[at + 8..].split(';').next()?.trim().trim_matches('"');
    encoding_rs::Encoding::for_label(v.as_bytes())
}

/// Status, header fields (lower-cased names; repeated ones joined by commas) and body of
/// an HTTP response message.
fn http(msg: &[u8]) -> Option<(u16, BTreeMap<String, String>, &[u8])> {
    let end = memchr::memmem::find(msg, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| memchr::memmem::find(msg, b"\n\n").map(|i| (i, i + 2)))?;
    let head = String::from_utf8_lossy(&msg[..end.0]);
    let mut lines = head.lines();
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            let v = v.trim().to_ascii_lowercase();
            headers
                .entry(k.trim().to_ascii_lowercase())
                .and_modify(|e| {
                    e.push_str(", ");
                    e.push_str(&v);
                })
                .or_insert(v);
        }
    }
    Some((status, headers, &msg[end.1..]))
}

/// The body of a chunked transfer coding; `None` when it is not one.
fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    loop {
        let eol = memchr::memchr(b'\n', b)?;
        let size_text = std::str::from_utf8(&b[..eol]).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        b = &b[eol + 1..];
        if size == 0 {
            return Some(out);
        }
        // A last chunk cut short by the crawler keeps what there is.
        let take = size.min(b.len());
        out.extend_from_slice(&b[..take]);
        b = &b[take..];
        if take < size {
            return Some(out);
        }
        b = b.strip_prefix(b"\r\n").or_else(|| b.strip_prefix(b"\n")).unwrap_or(b);
    }
}

/// Most bytes a page's content coding may expand to: a crawled page is a few hundred KB;
/// a few KB that decode to gigabytes (a compression bomb in one record) are refused
/// before they are held. The same floor as a compressed input's expansion limit.
const MAX_DECODED: u64 = 256 << 20;

/// Undoes a content coding (gzip, deflate, brotli; `identity` is nothing to undo).
fn decode(coding: &str, body: &[u8]) -> std::result::Result<Vec<u8>, RecordProblem> {
    let mut out = Vec::new();
    let cap = MAX_DECODED + 1;
    let result = match coding.trim() {
        "gzip" | "x-gzip" => {
            flate2::read::MultiGzDecoder::new(body).take(cap).read_to_end(&mut out)
        }
        // "deflate" is zlib-wrapped by the standard, raw by many servers: try both.
        "deflate" => {
            flate2::read::ZlibDecoder::new(body).take(cap).read_to_end(&mut out).or_else(|_| {
                out.clear();
                flate2::read::DeflateDecoder::new(body).take(cap).read_to_end(&mut out)
            })
        }
        "br" => {
            brotli_decompressor::Decompressor::new(body, 1 << 16).take(cap).read_to_end(&mut out)
        }
        "identity" | "" => return Ok(body.to_vec()),
        other => {
            return Err(RecordProblem::FieldIgnored {
                field: "record",
                why: format!("content coding {other:?} is not supported"),
            });
        }
    };
    let out = result
        .map(|_| out)
        .map_err(|e| bad_payload(format!("its {coding} content coding: {e}")))?;
    if out.len() as u64 > MAX_DECODED {
        return Err(bad_payload(format!(
            "its {coding} content coding expands beyond {} MiB (a compression bomb?)",
            MAX_DECODED >> 20
        )));
    }
    Ok(out)
}

/// The registrable domain of `uri` ("https://news.bbc.co.uk/a" → "bbc.co.uk"), else its
/// host.
pub(super) fn outlet_of(uri: &str) -> Option<String> {
    let rest = uri.split_once("://").map_or(uri, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() {
        return None;
    }
    let domain = psl::domain_str(&host).unwrap_or(&host);
    Some(domain.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_content_coding_that_expands_past_the_cap_is_refused() {
        use std::io::Write as _;
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..(MAX_DECODED >> 20) + 1 {
            z.write_all(&zeros).expect("compress");
        }
        let bomb = z.finish().expect("compress");
        assert!(bomb.len() < 4 << 20, "{} bytes", bomb.len());
        let e = decode("gzip", &bomb).expect_err("refused");
        assert!(e.to_string().contains("expands beyond 256 MiB"), "{e}");
        // Within the cap, decoded.
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(b"<p>page</p>").expect("compress");
        assert_eq!(decode("gzip", &z.finish().expect("gz")).expect("decoded"), b"<p>page</p>");
    }
}
