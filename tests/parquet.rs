//! Parquet input: rows read by the JSONL record rules, typed columns (timestamps, nulls),
//! the field mapping, and files that cannot give documents.

use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use crate::util::{TestCorpus, lines, wm};

const STORY: &str = "The central bank raised its main interest rate by half a point on Tuesday, \
    the third increase this year, citing inflation that has stayed above its target.\n\n\
    Markets had expected a smaller move, and the currency rose sharply against the dollar \
    after the announcement, while shares of the largest lenders fell in afternoon trading.";

/// A string column's values, `None` for null.
type Strings<'a> = Vec<Option<&'a str>>;

/// Writes a Parquet file (snappy-compressed, two row groups) with string columns `url`,
/// `text`, `domain` and a millisecond UTC timestamp column `date`, in the layout of the
/// Hugging Face news datasets.
fn write(
    path: &std::path::Path,
    url: Strings,
    text: Strings,
    domain: Strings,
    date: Vec<Option<i64>>,
) {
    let schema = parse_message_type(
        "message doc { OPTIONAL BYTE_ARRAY url (UTF8); OPTIONAL BYTE_ARRAY text (UTF8); \
         OPTIONAL BYTE_ARRAY domain (UTF8); OPTIONAL INT64 date (TIMESTAMP(MILLIS,true)); }",
    )
    .expect("schema");
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let file = std::fs::File::create(path).expect("create");
    let mut w = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props)).expect("writer");
    let n = url.len();
    for range in [0..n / 2, n / 2..n] {
        let mut rg = w.next_row_group().expect("row group");
        for col in [&url, &text, &domain] {
            let part = &col[range.clone()];
            let defs: Vec<i16> = part.iter().map(|v| i16::from(v.is_some())).collect();
            let vals: Vec<ByteArray> = part.iter().flatten().map(|s| ByteArray::from(*s)).collect();
            let mut c = rg.next_column().expect("column").expect("a column");
            c.typed::<ByteArrayType>().write_batch(&vals, Some(&defs), None).expect("write");
            c.close().expect("close");
        }
        let part = &date[range.clone()];
        let defs: Vec<i16> = part.iter().map(|v| i16::from(v.is_some())).collect();
        let vals: Vec<i64> = part.iter().flatten().copied().collect();
        let mut c = rg.next_column().expect("column").expect("a column");
        c.typed::<Int64Type>().write_batch(&vals, Some(&defs), None).expect("write");
        c.close().expect("close");
        rg.close().expect("close row group");
    }
    w.close().expect("close file");
}

#[test]
fn parquet_rows_are_documents_read_by_the_record_rules() {
    let c = TestCorpus::new();
    let path = c.path("news.parquet");
    // 2024-05-01T08:00Z and three days later.
    let (t1, t2) = (1_714_550_400_000, 1_714_550_400_000 + 3 * 86_400_000);
    write(
        &path,
        vec![
            Some("https://one.example/a"),
            Some("https://two.example/b"),
            Some("https://three.example/c"),
            None,
        ],
        vec![Some(STORY), Some(STORY), None, Some("A row with no url and no id.")],
        vec![Some("one.example"), Some("two.example"), Some("three.example"), None],
        vec![Some(t1), Some(t2), None, None],
    );
    let out = wm()
        .args(["match", "--format", "jsonl", "--field", "outlet=domain"])
        .arg(&path)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pairs = lines(&out.stdout);
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(
        (&pairs[0]["outlet_a"], &pairs[0]["outlet_b"]),
        (&"one.example".into(), &"two.example".into())
    );
    assert_eq!(pairs[0]["source"], "https://one.example/a", "the timestamp column dates the rows");
    // Rows without a text or an id are reported by row, and the run goes on.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("news.parquet:3") && err.contains("text"), "{err}");
    assert!(err.contains("news.parquet:4") && err.contains("id"), "{err}");
    // The documents as `paragraphs` sees them: the url is the id, the date ISO 8601.
    let out = wm().args(["paragraphs", "--format", "jsonl"]).arg(&path).output().expect("run");
    let docs = lines(&out.stdout);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["id"], "https://one.example/a");
    assert_eq!(docs[0]["published"], "2024-05-01T08:00:00Z");
}

#[test]
fn a_parquet_file_without_a_text_column_is_refused() {
    let c = TestCorpus::new();
    let path = c.path("urls.parquet");
    write(&path, vec![Some("https://e.com/1")], vec![None], vec![Some("e.com")], vec![None]);
    // `text` exists but is null everywhere: the file is read, the row reported.
    let out = wm().arg("match").arg(&path).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Mapped to a column it does not have: refused before reading, naming the columns.
    let out = wm().args(["match", "--field", "text=body"]).arg(&path).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no `body` column") && err.contains("url, text, domain, date"), "{err}");
    // Not a Parquet file past its magic number.
    let broken = c.write("broken.parquet", b"PAR1 and then nothing of the kind");
    let out = wm().arg("match").arg(&broken).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a readable Parquet file"));
}
