//! Per-stage benchmarks on the repository sample (`corpora/sample`).
//!
//! `cargo bench` runs them; CI compiles them (`cargo bench --no-run`). Throughput is in
//! bytes of article text for the text stages and in elements (shingles, items) for the
//! hashing and index stages. The end-to-end case checks its answer (the number of matched
//! pairs) so that a change in behaviour cannot pass for a change in speed.
//!
//! `WIREMATCH_BENCH_CORPUS=FILE.jsonl` adds the text stages on the first 20 MB of that
//! corpus (e.g. one from the peers' generator): the sample is small and half French, so
//! it says little about the fast paths news copy in English takes.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use wirematch::aligner;
use wirematch::fingerprint::Fingerprinter;
use wirematch::lsh::{self, BandKeys, KeyWidth, LshParams};
use wirematch::minhash::MinHasher;
use wirematch::normalize::Normalizer;
use wirematch::shingle::Shingler;
use wirematch::verify::Overlap;
use wirematch::{Config, Detector, Document, Quiet, Relation};

/// Expected article pairs on the sample with default settings (see tests/pipeline.rs).
const SAMPLE_PAIRS: usize = 544;

fn sample_docs() -> Vec<Document<'static>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample/docs.jsonl");
    let text = std::fs::read_to_string(path).expect("sample corpus");
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            Document::new(s("id"), s("text"))
                .with_outlet(s("outlet"))
                .with_published(s("published"))
        })
        .collect()
}

/// Deterministic pseudo-random u32s.
fn randoms(n: usize, seed: u64) -> Vec<u32> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 32) as u32
        })
        .collect()
}

/// Texts and declared languages of the first 20 MB of the JSONL corpus named by
/// `WIREMATCH_BENCH_CORPUS`.
fn corpus_texts() -> Option<Vec<(String, Option<String>)>> {
    let path = std::env::var("WIREMATCH_BENCH_CORPUS").ok()?;
    let file = std::fs::File::open(&path).expect("WIREMATCH_BENCH_CORPUS is readable");
    let mut texts = Vec::new();
    let mut bytes = 0;
    for line in std::io::BufRead::lines(std::io::BufReader::new(file)) {
        let v: serde_json::Value = serde_json::from_str(&line.expect("line")).expect("json");
        let t = v["text"].as_str().unwrap_or_default().to_string();
        bytes += t.len();
        texts.push((t, v["lang"].as_str().map(str::to_string)));
        if bytes > 20 << 20 {
            break;
        }
    }
    Some(texts)
}

fn text_stages(c: &mut Criterion) {
    if let Some(texts) = corpus_texts() {
        let mut g = c.benchmark_group("corpus_text");
        g.throughput(Throughput::Bytes(texts.iter().map(|t| t.0.len() as u64).sum()));
        g.sample_size(10);
        g.bench_function("fingerprint", |b| {
            let mut f = Fingerprinter::new(Shingler::new(5, 1));
            b.iter(|| {
                texts
                    .iter()
                    .map(|(t, lang)| f.fingerprint_lang(t, lang.as_deref()).shingles.len())
                    .sum::<usize>()
            })
        });
        g.finish();
    }
    let docs = sample_docs();
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("tokenize", |b| {
        let mut n = Normalizer::new();
        b.iter(|| docs.iter().map(|d| n.tokenize(&d.text).len()).sum::<usize>())
    });
    g.bench_function("fingerprint", |b| {
        let mut f = Fingerprinter::new(Shingler::new(5, 1));
        b.iter(|| docs.iter().map(|d| f.fingerprint(&d.text).shingles.len()).sum::<usize>())
    });
    g.finish();
}

/// A news page around `text` as sites serve it: scripts and styles in the head, menus, a
/// share bar, teaser boxes, comments, a footer — about 40 KB, most of it not the article.
fn page_around(i: usize, title: &str, text: &str) -> String {
    let body: String = text.split("\n\n").map(|p| format!("<p>{p}</p>\n")).collect();
    let links: String = (0..60)
        .map(|k| format!("<li class=\"menu-item\"><a href=\"/section/{k}\">Section {k}</a></li>"))
        .collect();
    let teasers: String = (0..20)
        .map(|k| {
            format!(
                "<div class=\"teaser\"><a href=\"/story/{i}/{k}\"><h4>Another story number {k} \
                 of the day</h4></a><span>A short standfirst for story {k}.</span></div>"
            )
        })
        .collect();
    let comments: String = (0..10)
        .map(|k| {
            format!(
                "<div class=\"comment\"><b>reader{k}</b><p>Comment {k}: I do not agree with \
                 any of this, and I have said so before on this site many times.</p></div>"
            )
        })
        .collect();
    let script =
        "var x = {a: 1, b: [1, 2, 3]}; function f(y) { return y < 3 && y > 1; }\n".repeat(150);
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>{title}</title><meta charset=\"utf-8\">\
         <script>{script}</script><style>.a{{color:red}} .b{{margin:0}}</style>\
         <script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"datePublished\":\
         \"2024-05-01T08:00:00Z\"}}</script></head><body><header><nav><ul>{links}</ul></nav></header>\
         <main><article><h1>{title}</h1><div class=\"share\">Share Tweet Email</div>\
         <div class=\"article-body\">{body}</div></article><aside>{teasers}</aside>\
         <section id=\"comments\">{comments}</section></main><footer>© 2024</footer></body></html>"
    )
}

/// HTML pages → article text (parse, metadata, article extraction), in bytes of HTML per
/// second. `WIREMATCH_BENCH_PAGES=DIR` adds the pages of a folder (e.g. real pages).
fn html_pages(c: &mut Criterion) {
    let docs = sample_docs();
    let pages: Vec<String> =
        docs.iter().take(200).enumerate().map(|(i, d)| page_around(i, &d.id, &d.text)).collect();
    let mut g = c.benchmark_group("html");
    g.sample_size(10);
    let mut sets = vec![("generated", pages)];
    if let Ok(dir) = std::env::var("WIREMATCH_BENCH_PAGES") {
        let mut real: Vec<String> = std::fs::read_dir(&dir)
            .expect("WIREMATCH_BENCH_PAGES is a folder")
            .filter_map(|e| std::fs::read(e.ok()?.path()).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .collect();
        real.sort();
        sets.push(("folder", real));
    }
    for (name, pages) in &sets {
        let bytes: usize = pages.iter().map(String::len).sum();
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_with_input(BenchmarkId::new("page_to_article", name), pages, |b, pages| {
            b.iter(|| {
                pages
                    .iter()
                    .map(|p| wirematch::corpus::html::html_to_text(p).text.len())
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

fn minhash(c: &mut Criterion) {
    let mut g = c.benchmark_group("minhash");
    for &k in &[64usize, 128, 256] {
        let h = MinHasher::new(k, 1);
        let sets: Vec<Vec<u32>> = (0..1000).map(|i| randoms(40, i)).collect();
        g.throughput(Throughput::Elements(40 * 1000));
        g.bench_with_input(BenchmarkId::new("sign_40_shingles", k), &k, |b, _| {
            let mut out = vec![0u32; k];
            b.iter(|| {
                for s in &sets {
                    h.sign_into(black_box(s), &mut out);
                }
                out[0]
            })
        });
    }
    g.finish();
}

fn lsh_stage(c: &mut Criterion) {
    let params = LshParams { bands: 28, rows: 2 };
    let h = MinHasher::new(128, 1);
    // Enough items that the band columns leave the caches, as in a real corpus. Half the
    // items are near-duplicates of another so that buckets are not all singletons.
    let n = 200_000;
    let sigs: Vec<Vec<u32>> = (0..n)
        .map(|i| {
            let mut s = randoms(40, (i / 2) as u64);
            if i % 2 == 1 {
                s[0] ^= 1;
            }
            h.sign(&s)
        })
        .collect();
    let fill = |i: usize, out: &mut [u64]| {
        for (band, k) in out.iter_mut().enumerate() {
            *k = params.band_key(&sigs[i], band);
        }
    };
    let mut g = c.benchmark_group("lsh");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(20);
    for (name, width) in [("narrow", KeyWidth::Narrow), ("wide", KeyWidth::Wide)] {
        g.bench_function(format!("band_keys_{name}"), |b| {
            b.iter(|| BandKeys::build(n, params, width, fill).len())
        });
        let keys = BandKeys::build(n, params, width, fill);
        g.bench_function(format!("candidates_{name}"), |b| {
            b.iter(|| lsh::candidates(&keys, 500, |i| i).0.len())
        });
    }
    g.finish();
}

/// Verification (exact overlap of candidate paragraph pairs) and alignment (article pairs
/// view by view) on the sample's own candidates and matches.
fn verify_and_align(c: &mut Criterion) {
    let cfg = Config::default();
    let det = Detector::new(cfg.clone()).expect("config");
    let run = det.run_documents(sample_docs(), &Quiet).expect("run");
    let store = &run.store;
    // The candidate paragraph pairs a run verifies: the sample's signed paragraphs
    // through the same signatures and band join.
    let params = det.lsh_params();
    let hasher = det.hasher();
    let eligible: Vec<u32> = (0..store.uniques.len() as u32)
        .filter(|&u| !store.uniques[u as usize].is_template() && !store.set(u).is_empty())
        .collect();
    let keys = BandKeys::build(eligible.len(), params, KeyWidth::Narrow, |i, out| {
        let sig = hasher.sign(store.set(eligible[i]));
        for (band, k) in out.iter_mut().enumerate() {
            *k = params.band_key(&sig, band);
        }
    });
    let (cands, _) = lsh::candidates(&keys, cfg.max_bucket, |i| i);
    let pairs: Vec<(u32, u32)> =
        cands.iter().map(|&(i, j)| (eligible[i as usize], eligible[j as usize])).collect();
    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("verify", |b| {
        b.iter(|| {
            pairs
                .iter()
                .filter(|&&(u, v)| {
                    Overlap::of(store.set(u), store.set(v)).jaccard() >= cfg.threshold
                })
                .count()
        })
    });
    let articles: Vec<(u32, u32)> = run
        .matches
        .iter()
        .filter(|m| m.relation != Relation::Translation)
        .map(|m| (m.a.min(m.b), m.a.max(m.b)))
        .collect();
    g.throughput(Throughput::Elements(articles.len() as u64));
    g.bench_function("align", |b| {
        b.iter(|| aligner::align_pairs(store, &cfg, &articles, 512 << 20, |m| m.shared).len())
    });
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let docs = sample_docs();
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    let det = Detector::new(Config::default()).expect("config");
    let run = det.run_documents(docs.clone(), &Quiet).expect("run");
    assert_eq!(run.matches.len(), SAMPLE_PAIRS, "the sample's answer changed");
    let mut g = c.benchmark_group("end_to_end");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(20);
    g.bench_function("sample", |b| {
        b.iter(|| det.run_documents(docs.clone(), &Quiet).expect("run").matches.len())
    });
    g.finish();
}

criterion_group!(
    benches,
    text_stages,
    html_pages,
    minhash,
    lsh_stage,
    verify_and_align,
    end_to_end
);
criterion_main!(benches);
