//! Folders of `.txt` / `.html` files: one document per file.
//!
//! The id is the path relative to the folder (with `/` separators, so it is the same on
//! every platform) and the outlet is the first folder of that path (`bbc/2024/x.html` →
//! `bbc`). Files are visited in sorted order so that runs are reproducible. Files with
//! other extensions are not read but are reported (once per folder, with a count), so that
//! nothing is dropped without a word. Symbolic links to folders are not followed (no
//! cycles).
//!
//! Text that is not UTF-8 is decoded from the charset an HTML page declares, else from
//! Windows-1252 (the usual legacy encoding of Western news sites), with a warning.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::html::{declared_charset, html_to_text};
use super::{
    Document, HTML_EXTENSIONS, JSON_EXTENSIONS, Payload, RawRecord, ReadOptions, TEXT_EXTENSIONS,
    extension,
};
use crate::error::{Location, RecordProblem, Result};
use crate::published::Published;

/// Files per batch handed to the parallel stage.
const FILES_PER_BATCH: usize = 256;

/// Walks `root` and hands its text/HTML files out in batches.
pub(super) fn read_folder(
    root: &Path,
    _opts: &ReadOptions,
    f: &mut dyn FnMut(&[RawRecord<'_>]) -> Result<()>,
) -> Result<()> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    walk(root, root, &mut files, &mut problems);
    files.sort();
    if !problems.is_empty() {
        f(&problems)?;
    }
    for chunk in files.chunks(FILES_PER_BATCH) {
        let recs: Vec<RawRecord<'_>> = chunk
            .iter()
            .map(|(id, path)| {
                let outlet = id.split_once('/').map(|(o, _)| o.to_string());
                RawRecord {
                    location: Location { path: path.clone(), line: 0 },
                    offset: 0,
                    payload: Payload::File { path: path.clone(), id: id.clone(), outlet },
                }
            })
            .collect();
        f(&recs)?;
    }
    Ok(())
}

fn walk(
    root: &Path,
    dir: &Path,
    files: &mut Vec<(String, PathBuf)>,
    problems: &mut Vec<RawRecord<'static>>,
) {
    let problem = |path: &Path, p: RecordProblem| RawRecord {
        location: Location { path: path.to_path_buf(), line: 0 },
        offset: 0,
        payload: Payload::Problem(p),
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(problem(dir, RecordProblem::Unreadable(e.to_string())));
            return;
        }
    };
    let mut others = 0usize;
    let mut subdirs = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(problem(dir, RecordProblem::Unreadable(e.to_string())));
                continue;
            }
        };
        let path = entry.path();
        let ft = match entry.file_type() {
            Ok(t) => t,
            Err(e) => {
                problems.push(problem(&path, RecordProblem::Unreadable(e.to_string())));
                continue;
            }
        };
        if ft.is_dir() {
            subdirs.push(path);
            continue;
        }
        let is_file = ft.is_file() || (ft.is_symlink() && path.is_file());
        let known = extension(&path).is_some_and(|e| {
            TEXT_EXTENSIONS.contains(&e.as_str())
                || HTML_EXTENSIONS.contains(&e.as_str())
                || JSON_EXTENSIONS.contains(&e.as_str())
        });
        if is_file && known {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            files.push((id_of(rel), path));
        } else if is_file && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            others += 1;
        }
    }
    if others > 0 {
        problems.push(problem(
            dir,
            RecordProblem::NotADocument(format!(
                "{others} file(s) not read: only .txt/.text, .html/.htm and .json files are documents"
            )),
        ));
    }
    subdirs.sort();
    for d in subdirs {
        walk(root, &d, files, problems);
    }
}

/// Reads one text or HTML file into a document.
pub(super) fn read_document(
    path: &Path,
    id: &str,
    outlet: Option<&str>,
    max_bytes: u64,
    fields: &super::FieldMap,
) -> std::result::Result<(Document<'static>, Vec<RecordProblem>), RecordProblem> {
    let meta = std::fs::metadata(path).map_err(|e| RecordProblem::Unreadable(e.to_string()))?;
    if meta.len() > max_bytes {
        return Err(RecordProblem::TooLarge { bytes: meta.len(), limit: max_bytes });
    }
    let bytes = std::fs::read(path).map_err(|e| RecordProblem::Unreadable(e.to_string()))?;
    if extension(path).is_some_and(|e| JSON_EXTENSIONS.contains(&e.as_str())) {
        // One article as a JSON object (news-please): its own id (else its url), else the
        // file's; the folder's outlet when it names none.
        let (doc, warnings) = match super::json_document(&bytes, fields) {
            Err(RecordProblem::MissingField("id")) => {
                let mut v: serde_json::Value = serde_json::from_slice(&bytes)
                    .map_err(|e| RecordProblem::NotJson(e.to_string()))?;
                if let Some(o) = v.as_object_mut() {
                    o.insert("id".into(), id.into());
                }
                let bytes = serde_json::to_vec(&v).unwrap_or_default();
                let (doc, warnings) = super::json_document(&bytes, fields)?;
                (doc.into_owned(), warnings)
            }
            other => {
                let (doc, warnings) = other?;
                (doc.into_owned(), warnings)
            }
        };
        let mut doc = doc;
        if doc.outlet.is_none() {
            doc.outlet = outlet.map(|o| Cow::Owned(o.to_string()));
        }
        return Ok((doc, warnings));
    }
    let is_html = extension(path).is_some_and(|e| HTML_EXTENSIONS.contains(&e.as_str()));
    document_from_bytes(&bytes, is_html, None, id, outlet)
}

/// One document from the bytes of a text or HTML page: decoded (UTF-8, a UTF-16 byte-order
/// mark, the charset the page declares, else `charset` — what a server said — else UTF-8
/// with its few bad bytes replaced when most of the non-ASCII text is UTF-8, else
/// windows-1252), HTML turned into text with the page's metadata. Binary data and pages
/// without words are refused. The one place where a page becomes a document, for folders
/// and web archives alike.
pub(super) fn document_from_bytes(
    bytes: &[u8],
    is_html: bool,
    charset: Option<&'static encoding_rs::Encoding>,
    id: &str,
    outlet: Option<&str>,
) -> std::result::Result<(Document<'static>, Vec<RecordProblem>), RecordProblem> {
    let mut warnings = Vec::new();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text: String = if let Some(enc) = utf16(body) {
        // A UTF-16 file (its byte-order mark says so) is text full of NUL bytes.
        let (decoded, _, _) = enc.decode(body);
        warnings.push(RecordProblem::Transcoded(enc.name()));
        decoded.into_owned()
    } else if let Some(why) = binary(body) {
        return Err(RecordProblem::Binary(why));
    } else {
        match std::str::from_utf8(body) {
            Ok(s) => s.to_string(),
            Err(_) => {
                let declared = if is_html { declared_charset(body) } else { None }
                    .or(charset)
                    .filter(|e| *e != encoding_rs::UTF_8);
                let enc = declared.unwrap_or(if mostly_utf8(body) {
                    encoding_rs::UTF_8
                } else {
                    encoding_rs::WINDOWS_1252
                });
                let (decoded, _, _) = enc.decode(body);
                warnings.push(if enc == encoding_rs::UTF_8 {
                    RecordProblem::InvalidUtf8Repaired
                } else {
                    RecordProblem::Transcoded(enc.name())
                });
                decoded.into_owned()
            }
        }
    };
    let mut doc = Document::new(id.to_string(), String::new());
    doc.outlet = outlet.map(|o| Cow::Owned(o.to_string()));
    if is_html {
        let h = html_to_text(&text);
        doc.text = Cow::Owned(h.text);
        doc.title = h.title.map(Cow::Owned);
        doc.lang = h.lang.map(Cow::Owned);
        if let Some(p) = h.published {
            doc.published = Published::parse(&p).ok();
            doc.published_raw = Some(Cow::Owned(p));
        }
        if doc.outlet.is_none() {
            doc.outlet = h.site_name.map(Cow::Owned);
        }
        // The page's own address; a web archive's record URI replaces it.
        doc.url = h.canonical.map(Cow::Owned);
    } else {
        doc.text = Cow::Owned(text);
    }
    if !doc.text.chars().any(crate::normalize::is_word_char) {
        return Err(RecordProblem::EmptyText);
    }
    Ok((doc, warnings))
}

/// Whether bytes that are not valid UTF-8 are still UTF-8 with a few bad bytes (a page
/// pasted together from two sources) rather than a legacy encoding: more of the non-ASCII
/// text decodes as UTF-8 characters than fails to. Read as windows-1252, such a page turns
/// every accented letter into two wrong ones; read as UTF-8, only the bad bytes are lost.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    valid > invalid
}

/// The id of the file at `rel` (relative to the folder): its components joined by `/`.
/// Names that are not valid UTF-8 keep their bytes as `\xNN` escapes (and a backslash is
/// written `\\`), so two files never share an id and the id leads back to the file
/// ([`relative_path`]); a lossy conversion made two such names one and dropped a file.
pub fn id_of(rel: &Path) -> String {
    rel.components().map(|c| escape(c.as_os_str())).collect::<Vec<_>>().join("/")
}

fn escape(name: &std::ffi::OsStr) -> String {
    let bytes = name.as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// The path, relative to its folder, of the file whose id is `id` ([`id_of`] reversed).
pub fn relative_path(id: &str) -> PathBuf {
    id.split('/').map(|part| PathBuf::from(unescape(part))).collect()
}

fn unescape(part: &str) -> std::ffi::OsString {
    let b = part.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            if b.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
                continue;
            }
            let hex = b.get(i + 2..i + 4).and_then(|h| std::str::from_utf8(h).ok());
            if let (Some(b'x'), Some(v)) =
                (b.get(i + 1), hex.and_then(|h| u8::from_str_radix(h, 16).ok()))
            {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    os_string(out)
}

#[cfg(unix)]
fn os_string(bytes: Vec<u8>) -> std::ffi::OsString {
    std::os::unix::ffi::OsStringExt::from_vec(bytes)
}

#[cfg(not(unix))]
fn os_string(bytes: Vec<u8>) -> std::ffi::OsString {
    String::from_utf8_lossy(&bytes).into_owned().into()
}

/// The UTF-16 encoding a byte-order mark declares.
fn utf16(body: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    match body {
        [0xFF, 0xFE, ..] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// Why `body` is binary data rather than text in some encoding, if it is: more than 2 %
/// of its first 64 KiB are control characters (NUL included) other than tab, line and
/// page breaks. Text in any single-byte or multi-byte encoding has next to none (a real
/// page may carry a stray NUL); images, archives, executables and random bytes have about
/// one in eight.
fn binary(body: &[u8]) -> Option<String> {
    let head = &body[..body.len().min(64 << 10)];
    let controls =
        head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)).count();
    (controls * 50 > head.len())
        .then(|| format!("{controls} control characters in its first {} bytes", head.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn ids_keep_names_that_are_not_utf8_apart_and_lead_back_to_them() {
        use std::os::unix::ffi::OsStrExt;
        let names: [&[u8]; 4] =
            [b"caf\xe9.txt", b"caf\xe8.txt", b"caf\\xe9.txt", "café.txt".as_bytes()];
        let ids: Vec<String> = names
            .iter()
            .map(|n| id_of(&Path::new("outlet").join(std::ffi::OsStr::from_bytes(n))))
            .collect();
        assert_eq!(ids[0], "outlet/caf\\xe9.txt");
        assert_eq!(ids[2], "outlet/caf\\\\xe9.txt");
        assert_eq!(ids[3], "outlet/café.txt");
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), 4, "{ids:?}");
        for (id, n) in ids.iter().zip(names) {
            assert_eq!(relative_path(id), Path::new("outlet").join(std::ffi::OsStr::from_bytes(n)));
        }
    }

    #[test]
    fn binary_files_are_skipped_and_utf16_is_decoded() {
        let dir = tempfile::tempdir().unwrap();
        // Pseudo-random bytes, as a corrupt or mislabelled download would be.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let noise: Vec<u8> = (0..100_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let p = dir.path().join("page.html");
        std::fs::write(&p, &noise).unwrap();
        let e = read_document(&p, "page.html", None, 1 << 30, &crate::corpus::FieldMap::NONE)
            .unwrap_err();
        assert!(matches!(&e, RecordProblem::Binary(why) if why.contains("control")), "{e}");
        // A page with a stray NUL byte is still a page.
        let mut page = b"<p>The central bank raised its main rate on Tuesday.</p>".repeat(50);
        page[700] = 0;
        std::fs::write(&p, &page).unwrap();
        assert!(
            read_document(&p, "page.html", None, 1 << 30, &crate::corpus::FieldMap::NONE).is_ok()
        );
        // UTF-16 text is text.
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("Le gouvernement a annoncé mardi.".encode_utf16().flat_map(u16::to_le_bytes));
        let p = dir.path().join("note.txt");
        std::fs::write(&p, &utf16).unwrap();
        let (doc, warnings) =
            read_document(&p, "note.txt", None, 1 << 30, &crate::corpus::FieldMap::NONE).unwrap();
        assert_eq!(doc.text, "Le gouvernement a annoncé mardi.");
        assert_eq!(warnings, vec![RecordProblem::Transcoded("UTF-16LE")]);
    }

    #[test]
    fn ids_outlets_order_and_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        std::fs::create_dir_all(r.join("bbc/2024")).unwrap();
        std::fs::create_dir_all(r.join("afp")).unwrap();
        std::fs::write(r.join("bbc/2024/b.html"), "<p>Hello there.</p>").unwrap();
        std::fs::write(r.join("afp/a.txt"), "Bonjour.").unwrap();
        std::fs::write(r.join("top.TXT"), "Top level.").unwrap();
        std::fs::write(r.join("afp/image.jpg"), [0u8, 1, 2]).unwrap();
        let mut seen = Vec::new();
        read_folder(r, &ReadOptions::default(), &mut |recs| {
            for rec in recs {
                match &rec.payload {
                    Payload::File { id, outlet, .. } => seen.push(format!("{id}|{outlet:?}")),
                    Payload::Problem(p) => seen.push(format!("! {p}")),
                    Payload::JsonLine(_) | Payload::Warc { .. } => unreachable!(),
                }
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            vec![
                "! 1 file(s) not read: only .txt/.text, .html/.htm and .json files are documents",
                "afp/a.txt|Some(\"afp\")",
                "bbc/2024/b.html|Some(\"bbc\")",
                "top.TXT|None",
            ]
        );
    }

    #[test]
    fn legacy_encodings_are_decoded_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.txt");
        std::fs::write(&p, b"Caf\xe9 cr\xe8me, d\xe9j\xe0 vu.").unwrap();
        let (d, w) =
            read_document(&p, "l.txt", None, 1 << 20, &crate::corpus::FieldMap::NONE).unwrap();
        assert_eq!(d.text, "Café crème, déjà vu.");
        assert_eq!(w, vec![RecordProblem::Transcoded("windows-1252")]);
        let h = dir.path().join("h.html");
        std::fs::write(&h, b"<meta charset=koi8-r><p>\xf0\xd2\xc9\xd7\xc5\xd4</p>").unwrap();
        let (d, _) =
            read_document(&h, "h.html", None, 1 << 20, &crate::corpus::FieldMap::NONE).unwrap();
        assert_eq!(d.text, "Привет");
        assert!(matches!(
            read_document(&p, "l", None, 3, &crate::corpus::FieldMap::NONE),
            Err(RecordProblem::TooLarge { .. })
        ));
        // UTF-8 with one stray Latin-1 byte stays UTF-8: one letter lost, not every one.
        let u = dir.path().join("u.html");
        std::fs::write(
            &u,
            "<p>Müller über Gebühren für Bäder, déjà \u{e9}t\u{e9}</p>"
                .replace("déjà", "d\u{1}j\u{e0}"),
        )
        .unwrap();
        let mut bytes = std::fs::read(&u).unwrap();
        let at = bytes.iter().position(|&b| b == 1).unwrap();
        bytes[at] = 0xe9;
        std::fs::write(&u, &bytes).unwrap();
        let (d, w) =
            read_document(&u, "u.html", None, 1 << 20, &crate::corpus::FieldMap::NONE).unwrap();
        assert_eq!(d.text, "Müller über Gebühren für Bäder, d\u{fffd}jà été");
        assert_eq!(w, vec![RecordProblem::InvalidUtf8Repaired]);
        let e = dir.path().join("e.txt");
        std::fs::write(&e, b"  \n ").unwrap();
        assert_eq!(
            read_document(&e, "e", None, 100, &crate::corpus::FieldMap::NONE).unwrap_err(),
            RecordProblem::EmptyText
        );
    }
}
