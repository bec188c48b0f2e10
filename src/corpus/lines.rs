//! Line sources for JSONL: plain files, compressed files and standard input, all streamed.
//!
//! Every input is read on a separate thread into batch buffers while the previous batch is
//! being processed (compressed ones decompressed there). Plain files are read, not
//! memory-mapped: a mapped file that another process truncates kills the reader with
//! SIGBUS, and crawl files do change under long jobs; reading costs one copy of the bytes
//! (a few milliseconds per 100 MB) and reports a short file as the end of its input.
//! Either way a line longer than the record limit is reported and skipped — for a stream,
//! without ever holding it in memory — and a stream that breaks (truncated gzip, I/O error)
//! is reported at the line where it broke.

use std::io::{BufRead, BufReader, Read};
use std::ops::Range;
use std::path::Path;

use super::{Compression, Payload, RawRecord, ReadOptions};
use crate::error::{Location, RecordProblem, Result};

fn record<'a>(path: &Path, line: u64, offset: u64, payload: Payload<'a>) -> RawRecord<'a> {
    RawRecord { location: Location { path: path.to_path_buf(), line }, offset, payload }
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// A decompressing reader for a compressed JSONL file of `compressed` bytes, failing with
/// [`Expanded`] once it has produced more than `limit` bytes.
pub(super) fn decoder(
    file: std::fs::File,
    c: Compression,
    compressed: u64,
    limit: Option<u64>,
) -> std::io::Result<Box<dyn Read + Send>> {
    let buffered = BufReader::with_capacity(1 << 16, file);
    let inner: Box<dyn Read + Send> = match c {
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(buffered)?),
        Compression::None => Box::new(buffered),
    };
    Ok(match limit {
        Some(limit) => Box::new(Capped { inner, produced: 0, limit, compressed }),
        None => inner,
    })
}

/// The error a [`Capped`] reader fails with (inside an `io::Error`).
#[derive(Debug)]
pub(super) struct Expanded {
    compressed: u64,
    limit: u64,
}

impl std::fmt::Display for Expanded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "decompressed past {} bytes from {} bytes", self.limit, self.compressed)
    }
}

impl std::error::Error for Expanded {}

/// A reader that fails once its inner reader has produced more than `limit` bytes.
struct Capped<R> {
    inner: R,
    produced: u64,
    limit: u64,
    compressed: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.produced >= self.limit {
            // One byte more tells a stream that ends exactly at the limit from one that
            // goes on.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other(Expanded {
                    compressed: self.compressed,
                    limit: self.limit,
                })),
            };
        }
        let room = usize::try_from(self.limit - self.produced).unwrap_or(usize::MAX);
        let want = buf.len().min(room);
        let n = self.inner.read(&mut buf[..want])?;
        self.produced += n as u64;
        Ok(n)
    }
}

/// A batch of lines in one buffer.
struct Batch {
    data: Vec<u8>,
    /// Line number, offset of the line in the stream, its bytes in `data`.
    lines: Vec<(u64, u64, Range<usize>)>,
    problems: Vec<(u64, RecordProblem)>,
}

enum LineEnd {
    /// A complete line (or the last line without a terminator).
    Line,
    /// A line over the limit; its bytes were discarded.
    TooLarge(u64),
    /// End of input.
    Eof,
}

/// Reads one line into `out` (appending), discarding it if it exceeds `max` bytes. Adds the
/// bytes taken from `r` (the line and its terminator) to `pos`.
fn read_line_capped(
    r: &mut impl BufRead,
    out: &mut Vec<u8>,
    max: u64,
    pos: &mut u64,
) -> std::io::Result<LineEnd> {
    let start = out.len();
    let mut total = 0u64;
    let mut over = false;
    let mut any = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                out.truncate(start);
                return Err(e);
            }
        };
        if avail.is_empty() {
            return Ok(if !any {
                LineEnd::Eof
            } else if over {
                LineEnd::TooLarge(total)
            } else {
                LineEnd::Line
            });
        }
        any = true;
        let (chunk, found) = match memchr::memchr(b'\n', avail) {
            Some(i) => (&avail[..i], true),
            None => (avail, false),
        };
        total += chunk.len() as u64;
        if !over && total <= max {
            out.extend_from_slice(chunk);
        } else if !over {
            over = true;
            out.truncate(start);
        }
        let consumed = chunk.len() + found as usize;
        r.consume(consumed);
        *pos += consumed as u64;
        if found {
            return Ok(if over { LineEnd::TooLarge(total) } else { LineEnd::Line });
        }
    }
}

/// Reads a stream of JSONL lines on a separate thread; `open` builds the reader there.
/// `expected`: the bytes a plain file had when opened; ending short of them means the
/// file shrank while being read, which is reported (the lines it lost are unknown).
pub(super) fn read_stream<O>(
    path: &Path,
    opts: &ReadOptions,
    f: &mut dyn FnMut(&[RawRecord<'_>]) -> Result<()>,
    expected: Option<u64>,
    open: O,
) -> Result<()>
where
    O: FnOnce() -> std::io::Result<Box<dyn Read + Send>> + Send,
{
    let max = opts.max_record_bytes;
    let batch_bytes = opts.batch_bytes;
    on_reader_thread(
        path,
        move |tx: std::sync::mpsc::SyncSender<Batch>| {
            let mut line_no = 0u64;
            let new_batch = || Batch {
                data: Vec::with_capacity(batch_bytes + 4096),
                lines: Vec::new(),
                problems: Vec::new(),
            };
            let mut batch = new_batch();
            let reader = match open() {
                Ok(r) => r,
                Err(e) => {
                    batch.problems.push((0, RecordProblem::Unreadable(e.to_string())));
                    let _ = tx.send(batch);
                    return;
                }
            };
            let mut r = BufReader::with_capacity(1 << 20, reader);
            let mut pos = 0u64;
            loop {
                let start = batch.data.len();
                let offset = pos;
                match read_line_capped(&mut r, &mut batch.data, max, &mut pos) {
                    Ok(LineEnd::Eof) => {
                        if let Some(bytes) = expected.filter(|&b| pos < b) {
                            batch.problems.push((
                                line_no + 1,
                                RecordProblem::ReadFailed(format!(
                                    "the file shrank from {bytes} to {pos} bytes while it was \
                                     being read (after {line_no} lines; what it held beyond \
                                     is lost, and the last line read may be cut short)"
                                )),
                            ));
                        }
                        break;
                    }
                    Ok(LineEnd::Line) => {
                        line_no += 1;
                        let mut end = batch.data.len();
                        if batch.data[start..end].ends_with(b"\r") {
                            end -= 1;
                        }
                        if is_blank(&batch.data[start..end]) {
                            batch.data.truncate(start);
                        } else {
                            batch.lines.push((line_no, offset, start..end));
                        }
                    }
                    Ok(LineEnd::TooLarge(n)) => {
                        line_no += 1;
                        batch
                            .problems
                            .push((line_no, RecordProblem::TooLarge { bytes: n, limit: max }));
                    }
                    Err(e) => {
                        let problem = match e.get_ref().and_then(|i| i.downcast_ref::<Expanded>()) {
                            Some(x) => RecordProblem::ExpansionLimit {
                                compressed: x.compressed,
                                limit: x.limit,
                                lines_read: line_no,
                            },
                            None => RecordProblem::ReadFailed(format!(
                                "{e} (after {line_no} complete lines; the rest of this input \
                                 is lost)"
                            )),
                        };
                        batch.problems.push((line_no + 1, problem));
                        break;
                    }
                }
                if batch.data.len() >= batch_bytes
                    && tx.send(std::mem::replace(&mut batch, new_batch())).is_err()
                {
                    return; // the consumer stopped (strict mode)
                }
            }
            let _ = tx.send(batch);
        },
        |batch| {
            let mut recs: Vec<RawRecord<'_>> =
                Vec::with_capacity(batch.lines.len() + batch.problems.len());
            // Merge lines and problems in line order.
            let mut pi = batch.problems.iter().peekable();
            for (no, offset, range) in &batch.lines {
                while let Some((pno, p)) = pi.peek() {
                    if pno < no {
                        recs.push(record(path, *pno, 0, Payload::Problem(p.clone())));
                        pi.next();
                    } else {
                        break;
                    }
                }
                recs.push(record(
                    path,
                    *no,
                    *offset,
                    Payload::JsonLine(&batch.data[range.clone()]),
                ));
            }
            for (pno, p) in pi {
                recs.push(record(path, *pno, 0, Payload::Problem(p.clone())));
            }
            f(&recs)
        },
    )
}

/// Runs `produce` on a reader thread that hands batches over a channel of two, while
/// `consume` takes them on this thread: the next batch is read while the last one is
/// processed. `produce` stops when a send fails (the consumer gave up). A thread the
/// system refuses (a process or memory limit) is an error naming `path`, not a panic.
pub(super) fn on_reader_thread<B: Send>(
    path: &Path,
    produce: impl FnOnce(std::sync::mpsc::SyncSender<B>) + Send,
    mut consume: impl FnMut(B) -> Result<()>,
) -> Result<()> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<B>(2);
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("reader".into())
            .spawn_scoped(s, move || produce(tx))
            .map_err(|e| {
                let why = format!(
                    "cannot start the reader thread: out of memory or a process limit ({e})"
                );
                crate::error::Error::io(path, std::io::Error::new(e.kind(), why))
            })?;
        for batch in rx {
            consume(batch)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::super::EXPANSION_ALLOWANCE;
    use super::*;

    #[test]
    fn a_file_that_ends_short_of_its_size_is_reported_at_the_line_it_stopped() {
        let data: &'static [u8] = b"{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"te";
        let mut seen = Vec::new();
        read_stream(
            Path::new("f.jsonl"),
            &ReadOptions::default(),
            &mut |recs| {
                for r in recs {
                    seen.push((
                        r.location.line,
                        r.offset,
                        matches!(r.payload, Payload::Problem(_)),
                    ));
                }
                Ok(())
            },
            Some(1000),
            move || Ok(Box::new(data) as Box<dyn Read + Send>),
        )
        .unwrap();
        // Two lines read (the second cut short), then the problem at line 3.
        assert_eq!(seen, vec![(1, 0, false), (2, 22, false), (3, 0, true)]);
    }

    #[test]
    fn capped_lines_are_discarded_whole() {
        let input = b"short\nthis line is long\nok\r\nlast";
        let mut r = BufReader::with_capacity(4, &input[..]);
        let mut out = Vec::new();
        let mut seen = Vec::new();
        loop {
            out.clear();
            match read_line_capped(&mut r, &mut out, 8, &mut 0).unwrap() {
                LineEnd::Eof => break,
                LineEnd::Line => seen.push(String::from_utf8(out.clone()).unwrap()),
                LineEnd::TooLarge(n) => seen.push(format!("<{n}>")),
            }
        }
        assert_eq!(seen, vec!["short", "<17>", "ok\r", "last"]);
    }

    fn collect(path: &Path, opts: &ReadOptions) -> Vec<String> {
        let input = super::super::Input::detect(path).unwrap();
        let mut out = Vec::new();
        super::super::read_batches(&[input], opts, &mut |recs| {
            for r in recs {
                out.push(match &r.payload {
                    Payload::JsonLine(b) => {
                        format!("{}:{}", r.location.line, String::from_utf8_lossy(b))
                    }
                    Payload::Problem(p) => format!("{}!{p}", r.location.line),
                    Payload::File { .. } | Payload::Warc { .. } => unreachable!(),
                });
            }
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn plain_gzip_and_zstd_read_the_same_lines() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let body = b"{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\":3}";
        let plain = dir.path().join("x.jsonl");
        std::fs::write(&plain, body).unwrap();
        let gz = dir.path().join("x.jsonl.gz");
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(body).unwrap();
        std::fs::write(&gz, e.finish().unwrap()).unwrap();
        let zst = dir.path().join("x.jsonl.zst");
        std::fs::write(&zst, zstd::encode_all(&body[..], 3).unwrap()).unwrap();
        let opts = ReadOptions { batch_bytes: 5, ..Default::default() };
        let want = vec!["1:{\"a\":1}", "4:{\"b\":2}", "5:{\"c\":3}"];
        assert_eq!(collect(&plain, &opts), want);
        assert_eq!(collect(&gz, &opts), want);
        assert_eq!(collect(&zst, &opts), want);
    }

    #[test]
    fn truncated_gzip_keeps_what_was_read_and_says_where() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let mut body = Vec::new();
        for i in 0..2000 {
            body.extend_from_slice(
                format!("{{\"id\":\"{i}\",\"text\":\"line number {i} of the file\"}}\n").as_bytes(),
            );
        }
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&body).unwrap();
        let full = e.finish().unwrap();
        let gz = dir.path().join("cut.jsonl.gz");
        std::fs::write(&gz, &full[..full.len() / 2]).unwrap();
        let got = collect(&gz, &ReadOptions::default());
        let last = got.last().unwrap();
        assert!(last.contains("reading stopped"), "{last}");
        let good = got.iter().filter(|l| !l.contains('!')).count();
        assert!(good > 100 && good < 2000, "{good} lines survived");
        // Lines are numbered consecutively up to the break.
        assert!(got[good - 1].starts_with(&format!("{good}:")));
    }

    #[test]
    fn a_decompression_bomb_is_cut_at_the_limit_and_keeps_the_lines_before() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        // Two good lines, then 16 MiB of newlines (blank lines are never held in memory,
        // they only cost time), then one more line.
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(b"{\"a\":1}\n{\"b\":2}\n").unwrap();
        let block = vec![b'\n'; 1 << 20];
        for _ in 0..16 {
            e.write_all(&block).unwrap();
        }
        e.write_all(b"{\"c\":3}\n").unwrap();
        let gz = dir.path().join("bomb.jsonl.gz");
        std::fs::write(&gz, e.finish().unwrap()).unwrap();
        let compressed = std::fs::metadata(&gz).unwrap().len();
        assert!(compressed < 100 << 10, "{compressed} bytes");
        // 16 MiB is within the 256 MiB every input may expand to: the default reads it all.
        let all = collect(&gz, &ReadOptions::default());
        assert_eq!(all.last().unwrap(), &format!("{}:{{\"c\":3}}", (16 << 20) + 3));
        // Ratio 16 of a small file is below the allowance, which then applies.
        let opts = ReadOptions { max_expansion: 16, ..Default::default() };
        assert_eq!(opts.expansion_limit(compressed), Some(EXPANSION_ALLOWANCE));
        assert_eq!(opts.expansion_limit(1 << 30), Some(16 << 30));
        assert_eq!(ReadOptions { max_expansion: 0, ..opts }.expansion_limit(1), None);
        // The reader itself, at a limit of 16 × the file: cut exactly there.
        let limit = compressed * 16;
        let file = std::fs::File::open(&gz).unwrap();
        let mut r =
            BufReader::new(decoder(file, Compression::Gzip, compressed, Some(limit)).unwrap());
        let mut out = Vec::new();
        let err = r.read_to_end(&mut out).unwrap_err();
        assert_eq!(out.len() as u64, limit, "exactly the limit is produced");
        assert!(err.get_ref().unwrap().downcast_ref::<Expanded>().is_some());
        // A stream ending exactly at the limit is not an error.
        let file = std::fs::File::open(&gz).unwrap();
        let total = (16u64 << 20) + 24;
        let mut r = decoder(file, Compression::Gzip, compressed, Some(total)).unwrap();
        assert_eq!(std::io::copy(&mut r, &mut std::io::sink()).unwrap(), total);
    }

    #[test]
    fn the_expansion_limit_reports_file_and_line_through_read_batches() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let zst = dir.path().join("bomb.jsonl.zst");
        let mut e = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
        e.write_all(b"{\"a\":1}\n{\"b\":2}\n").unwrap();
        let spaces = vec![b' '; 1 << 20];
        for _ in 0..300 {
            e.write_all(&spaces).unwrap(); // one 300 MiB line of spaces
        }
        e.write_all(b"\n{\"c\":3}\n").unwrap();
        std::fs::write(&zst, e.finish().unwrap()).unwrap();
        let got = collect(&zst, &ReadOptions::default());
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(&got[..2], ["1:{\"a\":1}", "2:{\"b\":2}"]);
        assert!(
            got[2].starts_with("3!reading stopped: a ")
                && got[2].contains(&format!("decompressed past {EXPANSION_ALLOWANCE} bytes"))
                && got[2].contains("after 2 complete lines"),
            "{}",
            got[2]
        );
        // Without a limit the same file reads through (the long line is over the record
        // limit and skipped without being held in memory).
        let got = collect(&zst, &ReadOptions { max_expansion: 0, ..Default::default() });
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(got[2].starts_with("3!record is"), "{}", got[2]);
        assert_eq!(got[3], "4:{\"c\":3}");
    }

    #[test]
    fn oversized_lines_are_reported_in_both_paths() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let body = format!("{{\"a\":1}}\n{}\n{{\"b\":2}}\n", "x".repeat(100));
        let plain = dir.path().join("big.jsonl");
        std::fs::write(&plain, &body).unwrap();
        let gz = dir.path().join("big.jsonl.gz");
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(body.as_bytes()).unwrap();
        std::fs::write(&gz, e.finish().unwrap()).unwrap();
        let opts = ReadOptions { max_record_bytes: 50, ..Default::default() };
        for p in [&plain, &gz] {
            let got = collect(p, &opts);
            assert_eq!(got.len(), 3);
            assert!(got[1].starts_with("2!record is 100 bytes"), "{}", got[1]);
            assert_eq!(got[2], "3:{\"b\":2}");
        }
    }
}
