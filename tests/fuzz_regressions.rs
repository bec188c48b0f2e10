//! Fuzzing findings, replayed: every input in `fuzz/regressions/<target>/` and
//! `fuzz/seeds/<target>/` goes through the same harness function the fuzz target calls
//! (`fuzz/harness.rs`), which panics where the fuzzer would report a crash.

use std::path::{Path, PathBuf};

#[allow(dead_code)] // each fuzz target uses one function of the harness
#[path = "../fuzz/harness.rs"]
mod harness;

type Target = fn(&Path, &[u8]);

const TARGETS: &[(&str, Target)] = &[
    ("jsonl_reader", |dir, data| harness::jsonl_reader(dir, data)),
    ("warc_reader", |dir, data| harness::warc_reader(dir, data)),
    ("table_reader", |dir, data| harness::table_reader(dir, data)),
    ("parquet_reader", |dir, data| harness::parquet_reader(dir, data)),
    ("normalize_segment", |_, data| harness::normalize_segment(data)),
    ("html_to_text", |_, data| harness::html_to_text_target(data)),
    ("index_reader", |dir, data| harness::index_reader(dir, data)),
];

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(kind).join(target);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

#[test]
fn fuzz_findings_and_seeds_stay_fixed() {
    let scratch = tempfile::tempdir().unwrap();
    let mut replayed = 0;
    for (target, run) in TARGETS {
        let seeds = inputs("seeds", target);
        assert!(!seeds.is_empty(), "{target} has seeds");
        for path in seeds.iter().chain(&inputs("regressions", target)) {
            let data = std::fs::read(path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(scratch.path(), &data));
            assert!(outcome.is_ok(), "{target}: {} fails again", path.display());
            replayed += 1;
        }
    }
    assert!(replayed >= 10, "{replayed}");
    assert!(!inputs("regressions", "jsonl_reader").is_empty());
}

#[test]
fn the_index_seed_is_a_valid_index_of_this_format() {
    // A seed of an older format would be refused at the version check, and the fuzzer
    // would never get past the header. Rebuild it with `wirematch index build` on two
    // articles (one English, one French) when the format changes.
    let scratch = tempfile::tempdir().unwrap();
    for path in inputs("seeds", "index_reader") {
        let data = std::fs::read(&path).unwrap();
        let idx = scratch.path().join("idx");
        std::fs::create_dir_all(&idx).unwrap();
        std::fs::write(idx.join("index-1.wmi"), &data).unwrap();
        let sum = wirematch::index::format::parse_header(&data)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .2;
        std::fs::write(
            idx.join("manifest.json"),
            format!(
                r#"{{"format": "wirematch-index", "version": {}, "data": "index-1.wmi", "header_checksum": "{sum:016x}"}}"#,
                wirematch::index::format::FORMAT_VERSION
            ),
        )
        .unwrap();
        let index = wirematch::index::Index::open(&idx)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(index.len(), 2, "{}", path.display());
    }
}
