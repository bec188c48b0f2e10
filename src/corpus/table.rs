//! CSV and TSV exports (Media Cloud, GDELT, spreadsheets, in-house dumps): a header row
//! naming the columns, one article per row.
//!
//! Each row becomes the JSON object of its columns (header name → cell) and is parsed by
//! the JSONL record rules ([`super::jsonl::parse_json_record`]): the same field names and
//! alternatives (`text` or `maintext`, `outlet` or `source_domain`…), the same checks and
//! messages. A header without a text column is refused before any row is read, naming the
//! columns it has. Cells may hold quoted line breaks, so rows are read by the `csv` crate,
//! not by lines; a row is located by the line it starts on.

use std::io::Read;
use std::path::Path;

use super::{Payload, RawRecord, ReadOptions};
use crate::error::{Location, RecordProblem, Result};

/// A row read: its line, byte offset, and JSON object (or why there is none).
pub(super) type Row = (u64, u64, std::result::Result<Vec<u8>, RecordProblem>);

/// The column delimiter a file name asks for: `.tsv`/`.tab` (also compressed) are
/// tab-separated, `.csv` comma-separated; `None` for other names.
pub fn delimiter_of(path: &Path) -> Option<u8> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let base = ["", ".gz", ".zst", ".zstd"]
        .iter()
        .find_map(|c| name.strip_suffix(c).filter(|_| !c.is_empty()))
        .unwrap_or(&name);
    if base.ends_with(".tsv") || base.ends_with(".tab") {
        Some(b'\t')
    } else if base.ends_with(".csv") {
        Some(b',')
    } else {
        None
    }
}

/// Why a header cannot give documents, if it cannot.
pub fn check_header(
    head: &[u8],
    delimiter: u8,
    fields: &super::FieldMap,
) -> std::result::Result<(), String> {
    let mut r = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(head);
    let names: Vec<String> = match r.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
        Err(e) => return Err(format!("its header row cannot be read: {e}")),
    };
    text_column_problem(&names, fields)
}

/// Why a table with columns `names` has no text to read, if it has none: the mapped text
/// column, else `text` or `maintext`, must be among them. For CSV/TSV headers and Parquet
/// schemas alike.
pub(super) fn text_column_problem(
    names: &[String],
    fields: &super::FieldMap,
) -> std::result::Result<(), String> {
    let has = |c: &str| names.iter().any(|n| n == c);
    match fields.text.as_deref() {
        Some(t) if has(t) => Ok(()),
        Some(t) => Err(format!(
            "its header has no `{t}` column (mapped as the text), only: {}",
            names.join(", ")
        )),
        None if has("text") || has("maintext") => Ok(()),
        None => Err(format!(
            "its header has no `text` (or `maintext`) column, only: {}; name the text's column \
             with --field text=NAME",
            names.join(", ")
        )),
    }
}

/// Reads a CSV/TSV stream, handing batches of rows (as JSON objects) to `f`.
pub(super) fn read_table(
    path: &Path,
    opts: &ReadOptions,
    delimiter: u8,
    reader: Box<dyn Read + Send>,
    f: &mut dyn FnMut(&[RawRecord<'_>]) -> Result<()>,
) -> Result<()> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(reader);
    let at = |line: u64| Location { path: path.to_path_buf(), line };
    let headers: Vec<String> = match r.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
        Err(e) => {
            let p = RecordProblem::ReadFailed(format!("header row: {e}"));
            return f(&[RawRecord { location: at(1), offset: 0, payload: Payload::Problem(p) }]);
        }
    };
    let mut rows: Vec<Row> = Vec::new();
    let mut bytes = 0usize;
    let mut record = csv::ByteRecord::new();
    loop {
        let line = r.position().line();
        let offset = r.position().byte();
        match r.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let size = record.as_slice().len() as u64;
                let row = if size > opts.max_record_bytes {
                    Err(RecordProblem::TooLarge { bytes: size, limit: opts.max_record_bytes })
                } else {
                    Ok(row_json(&headers, &record))
                };
                bytes += size as usize;
                rows.push((line, offset, row));
            }
            Err(e) => {
                // A broken row (bad quoting, bad UTF-8 is fine: cells are bytes) ends the
                // input where it broke, like a broken compressed stream.
                rows.push((
                    line,
                    offset,
                    Err(RecordProblem::ReadFailed(format!("{e} (the rest of this input is lost)"))),
                ));
                break;
            }
        }
        if bytes >= opts.batch_bytes {
            hand_out(path, &mut rows, f)?;
            bytes = 0;
        }
    }
    hand_out(path, &mut rows, f)
}

/// Hands a batch of rows — (line, byte offset, the row's JSON or why it has none) — to `f`
/// as records, and empties it. For CSV/TSV and Parquet rows alike.
pub(super) fn hand_out(
    path: &Path,
    rows: &mut Vec<Row>,
    f: &mut dyn FnMut(&[RawRecord<'_>]) -> Result<()>,
) -> Result<()> {
    let recs: Vec<RawRecord<'_>> = rows
        .iter()
        .map(|(line, offset, row)| RawRecord {
            location: Location { path: path.to_path_buf(), line: *line },
            offset: *offset,
            payload: match row {
                Ok(json) => Payload::JsonLine(json),
                Err(p) => Payload::Problem(p.clone()),
            },
        })
        .collect();
    f(&recs)?;
    rows.clear();
    Ok(())
}

/// The JSON object of one row: header name → cell (as text; invalid UTF-8 replaced).
/// Empty cells are left out, so an empty optional column is simply absent.
fn row_json(headers: &[String], row: &csv::ByteRecord) -> Vec<u8> {
    let mut o = serde_json::Map::new();
    for (name, cell) in headers.iter().zip(row.iter()) {
        if name.is_empty() || cell.is_empty() {
            continue;
        }
        o.insert(name.clone(), String::from_utf8_lossy(cell).into_owned().into());
    }
    serde_json::to_vec(&o).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_headers() {
        assert_eq!(delimiter_of(Path::new("a/export.csv")), Some(b','));
        assert_eq!(delimiter_of(Path::new("export.TSV.gz")), Some(b'\t'));
        assert_eq!(delimiter_of(Path::new("export.jsonl")), None);
        assert!(check_header(b"id,title,text\n", b',', &crate::corpus::FieldMap::NONE).is_ok());
        let e = check_header(b"id,title,media_name\n", b',', &crate::corpus::FieldMap::NONE)
            .unwrap_err();
        assert!(e.contains("id, title, media_name"), "{e}");
    }

    #[test]
    fn rows_become_records_with_quoted_line_breaks_and_their_lines() {
        let data =
            "id,outlet,text\n1,Daily,\"First para.\n\nSecond para.\"\n2,,Other text\n3,\"broken\n";
        let mut seen = Vec::new();
        read_table(
            Path::new("t.csv"),
            &ReadOptions::default(),
            b',',
            Box::new(std::io::Cursor::new(data.as_bytes().to_vec())),
            &mut |recs| {
                for r in recs {
                    let parsed = r.parse(&ReadOptions::default());
                    seen.push((
                        r.location.line,
                        parsed.doc.map(|d| {
                            (d.id.to_string(), d.outlet.map(|o| o.to_string()), d.text.to_string())
                        }),
                    ));
                }
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(
            seen[0],
            (2, Some(("1".into(), Some("Daily".into()), "First para.\n\nSecond para.".into())))
        );
        assert_eq!(seen[1], (5, Some(("2".into(), None, "Other text".into()))));
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert_eq!(seen[2].0, 6);
        assert!(seen[2].1.is_none());
    }
}
