//! Parquet tables: the layout of the Hugging Face news datasets and of Arrow/Spark exports.
//!
//! Each row becomes a JSON object (column name → value) and is read by the JSONL record
//! rules, the same as a CSV row: the same field names, the same `--field` mapping, the same
//! messages. Strings stay strings, numbers numbers; timestamps become ISO 8601 (UTC) and
//! dates `YYYY-MM-DD`, so a `published` column of either type dates the document; nested
//! values (lists, structs) are no document field and are reported as of the wrong type.
//! Rows are located as `FILE:N` (N-th row). The file is read one row group at a time
//! (the parquet crate's record reader), so memory follows the largest row group, not the
//! file.

use std::fs::File;
use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use serde_json::Value;

use super::{FieldMap, Payload, RawRecord, ReadOptions};
use crate::error::{Location, RecordProblem, Result};

/// Whether a file's first bytes are a Parquet file's magic number.
pub(super) fn is_parquet(head: &[u8]) -> bool {
    head.starts_with(b"PAR1")
}

/// Why the file cannot give documents, if it cannot: unreadable metadata, or no text
/// column (checked before any row is read, like a table's header).
pub(super) fn check(path: &Path, fields: &FieldMap) -> std::result::Result<(), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let reader = guarded(|| SerializedFileReader::new(file).map_err(|e| e.to_string()))
        .map_err(|e| format!("not a readable Parquet file: {e}"))?;
    let names: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .root_schema()
        .get_fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    super::table::text_column_problem(&names, fields)
}

/// Reads the rows of a Parquet file, handing batches of records to `f`.
pub(super) fn read_parquet(
    path: &Path,
    opts: &ReadOptions,
    f: &mut dyn FnMut(&[RawRecord<'_>]) -> Result<()>,
) -> Result<()> {
    let at = |line: u64| Location { path: path.to_path_buf(), line };
    let problem = |line: u64, p: RecordProblem| RawRecord {
        location: at(line),
        offset: line,
        payload: Payload::Problem(p),
    };
    let reader = match File::open(path)
        .map_err(|e| e.to_string())
        .and_then(|file| guarded(|| SerializedFileReader::new(file).map_err(|e| e.to_string())))
    {
        Ok(r) => r,
        Err(e) => return f(&[problem(0, RecordProblem::Unreadable(e))]),
    };
    let mut rows = match guarded(|| reader.get_row_iter(None).map_err(|e| e.to_string())) {
        Ok(rows) => rows,
        Err(e) => return f(&[problem(0, RecordProblem::ReadFailed(e))]),
    };
    let mut batch: Vec<super::table::Row> = Vec::new();
    let mut bytes = 0usize;
    for line in 1u64.. {
        let row = match guarded(|| Ok(rows.next())) {
            Ok(None) => break,
            Ok(Some(row)) => row.map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        match row {
            Ok(row) => {
                let mut o = serde_json::Map::new();
                for (name, field) in row.get_column_iter() {
                    if let Some(v) = json_of(field) {
                        o.insert(name.clone(), v);
                    }
                }
                let json = serde_json::to_vec(&o).unwrap_or_default();
                let size = json.len() as u64;
                bytes += json.len();
                batch.push((
                    line,
                    line,
                    if size > opts.max_record_bytes {
                        Err(RecordProblem::TooLarge { bytes: size, limit: opts.max_record_bytes })
                    } else {
                        Ok(json)
                    },
                ));
            }
            Err(e) => {
                // A damaged page ends the file where it broke; rows before it are kept.
                let why = format!("{e} (the rest of this input is lost)");
                batch.push((line, line, Err(RecordProblem::ReadFailed(why))));
                break;
            }
        }
        if bytes >= opts.batch_bytes {
            super::table::hand_out(path, &mut batch, f)?;
            bytes = 0;
        }
    }
    super::table::hand_out(path, &mut batch, f)
}

/// Runs a call into the Parquet decoder, turning a panic on a malformed file (the decoder
/// is a dependency; a damaged page must not take the run down) into an error.
fn guarded<T>(
    call: impl FnOnce() -> std::result::Result<T, String>,
) -> std::result::Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call))
        .unwrap_or_else(|_| Err("the Parquet decoder failed on malformed data".into()))
}

/// A cell as JSON; `None` for a null (an absent field).
fn json_of(field: &Field) -> Option<Value> {
    Some(match field {
        Field::Null => return None,
        Field::Str(s) => Value::String(s.clone()),
        Field::Bytes(b) => Value::String(String::from_utf8_lossy(b.data()).into_owned()),
        Field::Date(days) => {
            let d = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?
                .checked_add_signed(chrono::TimeDelta::try_days(i64::from(*days))?)?;
            Value::String(d.format("%Y-%m-%d").to_string())
        }
        Field::TimestampMillis(ms) => iso(chrono::DateTime::from_timestamp_millis(*ms)?),
        Field::TimestampMicros(us) => iso(chrono::DateTime::from_timestamp_micros(*us)?),
        Field::Bool(b) => Value::Bool(*b),
        Field::Byte(n) => Value::from(*n),
        Field::Short(n) => Value::from(*n),
        Field::Int(n) => Value::from(*n),
        Field::Long(n) => Value::from(*n),
        Field::UByte(n) => Value::from(*n),
        Field::UShort(n) => Value::from(*n),
        Field::UInt(n) => Value::from(*n),
        Field::ULong(n) => Value::from(*n),
        Field::Float(x) => Value::from(f64::from(*x)),
        Field::Double(x) => Value::from(*x),
        // Nested values are no document field: kept as what they are, so a known field
        // of that type is reported as being of the wrong type.
        Field::Group(_) => Value::Object(serde_json::Map::new()),
        Field::ListInternal(_) | Field::MapInternal(_) => Value::Array(Vec::new()),
        other => Value::String(other.to_string()),
    })
}

fn iso(t: chrono::DateTime<chrono::Utc>) -> Value {
    Value::String(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}
