//! Query latency of the persistent index: one new article against a stored corpus.
//!
//! By default the index is built (in a temporary folder) from the repository sample minus
//! every fifth article, and those articles are the queries; the bench checks the answer
//! (the number of pairs found) against a full run over the union, so that a change in
//! behaviour cannot pass for a change in speed.
//!
//! For the figures in BENCHMARKS.md, point it at a big index and held-out articles:
//!
//! ```text
//! WIREMATCH_BENCH_INDEX=DIR WIREMATCH_BENCH_QUERIES=q.jsonl cargo bench --bench index
//! ```
//!
//! Before the criterion runs, every query article is timed alone (after one warm-up pass)
//! and the median and 95th percentile are printed. Translated copy is verified with
//! character trigrams unless `WIREMATCH_BENCH_MODEL=1` asks for the installed multilingual
//! model (as `index query` uses it by default).

use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use wirematch::corpus::{Input, ReadOptions};
use wirematch::error::Location;
use wirematch::index::{self, Index};
use wirematch::translate::embed::EmbedderChoice;
use wirematch::{Detector, Document, Quiet};

type Queries = Vec<(Document<'static>, Location)>;

fn read(detector: &Detector, path: &Path) -> Queries {
    let input = Input::detect(path).expect("query input");
    index::read_documents(&[input], &ReadOptions::default(), detector, &Quiet).expect("read")
}

/// The index folder and query file: from the environment, or built from the sample.
fn setup() -> (PathBuf, PathBuf, Option<tempfile::TempDir>) {
    if let (Ok(dir), Ok(q)) =
        (std::env::var("WIREMATCH_BENCH_INDEX"), std::env::var("WIREMATCH_BENCH_QUERIES"))
    {
        return (dir.into(), q.into(), None);
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample/docs.jsonl");
    let text = std::fs::read_to_string(sample).expect("sample");
    let (mut s, mut q) = (String::new(), String::new());
    for (i, l) in text.lines().enumerate() {
        let out = if i % 5 == 0 { &mut q } else { &mut s };
        out.push_str(l);
        out.push('\n');
    }
    let (sp, qp) = (tmp.path().join("s.jsonl"), tmp.path().join("q.jsonl"));
    std::fs::write(&sp, s).expect("write");
    std::fs::write(&qp, q).expect("write");
    let detector = Detector::new(Default::default()).expect("config").with_kept_texts(true);
    let run = detector.run(&[Input::detect(&sp).expect("input")], &Quiet).expect("run");
    let dir = tmp.path().join("idx");
    index::write(&dir, &detector, &run).expect("write index");
    // The answer a full run over the union gives for the cross pairs.
    let all = detector
        .run(&[Input::detect(&sp).expect("input"), Input::detect(&qp).expect("input")], &Quiet)
        .expect("run");
    let held: std::collections::HashSet<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, _)| i % 5 == 0)
        .filter_map(|(_, l)| l.split("\"id\": \"").nth(1)?.split('"').next())
        .collect();
    let cross = all
        .matches
        .iter()
        .filter(|m| {
            let id = |d: u32| &*all.store.docs[d as usize].id;
            held.contains(id(m.a)) != held.contains(id(m.b))
        })
        .count();
    let index = Index::open(&dir).expect("open");
    let queries = read(&detector, &qp);
    let (got, _) = index.query(&detector, queries, &Quiet).expect("query");
    assert_eq!(got.matches.len(), cross, "the index answers as a full run does");
    (dir, qp, Some(tmp))
}

fn bench(c: &mut Criterion) {
    let (dir, qpath, _tmp) = setup();
    let t = Instant::now();
    let index = Index::open(&dir).expect("open index");
    let opened = t.elapsed();
    let embedder = match std::env::var("WIREMATCH_BENCH_MODEL").as_deref() {
        Ok("1") => EmbedderChoice::default_model(),
        _ => EmbedderChoice::Fallback,
    };
    println!("translated copy verified with {embedder:?}");
    let detector = Detector::new(index.config().clone()).expect("config").with_embedder(embedder);
    let queries = read(&detector, &qpath);
    let h = index.header();
    println!(
        "index: {} documents, {} paragraphs, {} unique; opened and verified in {:.1} ms",
        h.docs,
        h.paragraphs,
        h.uniques,
        opened.as_secs_f64() * 1e3
    );
    let one = |q: &(Document<'static>, Location)| {
        index.query(&detector, vec![q.clone()], &Quiet).expect("query").0.matches.len()
    };
    for q in &queries {
        black_box(one(q));
    }
    let mut times = Vec::new();
    let mut pairs = 0;
    for q in &queries {
        let t = Instant::now();
        pairs += one(q);
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "one article per query, {} queries: median {:.2} ms, p95 {:.2} ms, max {:.2} ms; {pairs} pairs",
        times.len(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
    let mut i = 0;
    c.bench_function("index/query_one_article", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            black_box(one(&queries[i]))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
