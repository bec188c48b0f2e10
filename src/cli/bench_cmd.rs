//! `wirematch bench`: seconds, MB/s and resident memory per stage on a given or generated
//! corpus. The figures come from the pipeline's own stage timer, so they are the stages a
//! `match` run pays for, not a re-implementation of them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use wirematch::corpus::Input;
use wirematch::synth::{SynthOptions, write_corpus};
use wirematch::{Config, Detector, Quiet, RunStats};

use super::args::BenchArgs;

/// The corpus a bench runs on, and the temporary file that holds it, if generated.
struct Corpus {
    inputs: Vec<Input>,
    label: String,
    _temp: Option<tempfile::TempPath>,
}

fn corpus(args: &BenchArgs, quiet: bool) -> Result<Corpus> {
    if !args.inputs.is_empty() {
        let inputs = args
            .inputs
            .iter()
            .map(|p| {
                anyhow::ensure!(p.exists(), "{}: no such file or folder", p.display());
                Ok(Input::detect(p)?)
            })
            .collect::<Result<Vec<_>>>()?;
        let label = args.inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>();
        return Ok(Corpus { inputs, label: label.join(" "), _temp: None });
    }
    let opts =
        SynthOptions { bytes: args.generate, seed: args.corpus_seed, ..SynthOptions::default() };
    let label = format!("generated news, seed {}", args.corpus_seed);
    let generate = |path: &Path| -> Result<()> {
        if !quiet {
            say!(
                "wirematch bench: generating {:.1} MB of news in {}",
                mb(opts.bytes),
                path.display()
            );
        }
        let t = Instant::now();
        let stats =
            wirematch::atomic::write_atomically(path, |w| write_corpus(&opts, w).map(|_| ()))
                .with_context(|| format!("writing {}", path.display()));
        stats?;
        if !quiet {
            say!("wirematch bench: generated in {:.1} s", t.elapsed().as_secs_f64());
        }
        Ok(())
    };
    let (path, temp): (PathBuf, Option<tempfile::TempPath>) = match &args.keep {
        Some(p) if p.exists() => (p.clone(), None),
        Some(p) => {
            generate(p)?;
            (p.clone(), None)
        }
        None => {
            let t = tempfile::Builder::new()
                .prefix("wirematch-bench-")
                .suffix(".jsonl")
                .tempfile()
                .context("creating a temporary file for the generated corpus")?
                .into_temp_path();
            generate(&t)?;
            (t.to_path_buf(), Some(t))
        }
    };
    let input = Input::detect(&path)?;
    Ok(Corpus { inputs: vec![input], label, _temp: temp })
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

pub fn run(args: &BenchArgs, quiet: bool) -> Result<ExitCode> {
    let mut config = match &args.config {
        Some(p) => super::args::read_config(p)?,
        None => Config::default(),
    };
    if let Some(t) = args.threshold {
        config.threshold = t;
    }
    let detector = args.memory.apply(Detector::new(config).context("invalid options")?)?;
    let corpus = corpus(args, quiet)?;
    let bytes = super::input_bytes(&corpus.inputs);
    if args.rounds == 0 {
        // Only the corpus was asked for (with --keep).
        return Ok(ExitCode::SUCCESS);
    }
    let rounds = args.rounds;
    let mut walls = Vec::new();
    let mut runs: Vec<RunStats> = Vec::new();
    let mut oracle = None;
    for r in 0..rounds {
        let t = Instant::now();
        let run = detector.run(&corpus.inputs, &Quiet).context("benchmark run failed")?;
        walls.push(t.elapsed().as_secs_f64());
        if !quiet {
            say!("wirematch bench: round {}/{rounds}: {:.2} s", r + 1, walls[r]);
        }
        runs.push(run.stats.clone());
        if args.oracle && r + 1 == rounds {
            oracle = Some(exact_agreement(&run, quiet));
        }
        // Freed before the next round so that rounds do not stack their memory.
        drop(run);
    }
    let first = &runs[0];
    let stages: Vec<(&str, f64, u64)> = first
        .seconds
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let secs = median(runs.iter().filter_map(|s| s.seconds.get(i).map(|x| x.1)).collect());
            (*name, secs, first.resident.get(i).copied().unwrap_or(0))
        })
        .collect();
    let wall = median(walls);
    let peak = wirematch::memory::peak();
    let threads = rayon::current_num_threads();
    if args.json {
        let v = serde_json::json!({
            "corpus": corpus.label,
            "bytes": bytes,
            "threads": threads,
            "rounds": rounds,
            "memory_budget": args.memory.memory_budget,
            "seconds": wall,
            "mb_per_second": mb(bytes) / wall,
            "peak_resident_bytes": peak,
            "stages": stages.iter().map(|(n, s, r)| serde_json::json!({
                "stage": n, "seconds": s, "mb_per_second": mb(bytes) / s.max(1e-9), "resident_bytes": r,
            })).collect::<Vec<_>>(),
            "documents": first.corpus.documents,
            "paragraphs": first.corpus.paragraphs,
            "unique_paragraphs": first.corpus.unique_paragraphs,
            "candidate_pairs": first.candidates.pairs,
            "verified_pairs": first.paragraph_pairs,
            "article_pairs": first.article_pairs,
            "index_pairs_j50": first.paragraph_pairs_at_least(5),
            "oracle_pairs_j50": oracle,
        });
        out!("{v}");
        return Ok(ExitCode::SUCCESS);
    }
    out!(
        "wirematch bench: {:.1} MB ({}), {threads} threads, median of {rounds} round{}",
        mb(bytes),
        corpus.label,
        if rounds == 1 { "" } else { "s" }
    );
    out!("{:<18} {:>9} {:>10} {:>7} {:>12}", "stage", "seconds", "MB/s", "share", "resident");
    let total: f64 = stages.iter().map(|s| s.1).sum();
    for (name, secs, res) in &stages {
        out!(
            "{:<18} {:>9.3} {:>10.1} {:>6.1}% {:>9.0} MB",
            name,
            secs,
            mb(bytes) / secs.max(1e-9),
            100.0 * secs / total.max(1e-9),
            mb(*res)
        );
    }
    out!("{:<18} {:>9.3} {:>10.1}", "end to end", wall, mb(bytes) / wall.max(1e-9));
    out!(
        "{} documents, {} paragraphs ({} unique), {} candidate paragraph pairs, {} verified, {} article pairs; peak memory {}",
        first.corpus.documents,
        first.corpus.paragraphs,
        first.corpus.unique_paragraphs,
        first.candidates.pairs,
        first.paragraph_pairs,
        first.article_pairs,
        peak.map(|p| format!("{:.0} MB", mb(p))).unwrap_or_else(|| "unknown".into())
    );
    if let Some(exact) = oracle {
        let found = first.paragraph_pairs_at_least(5);
        out!(
            "exact oracle: {exact} paragraph pairs with Jaccard >= 0.5; the index verified {found} of them ({:.2} %)",
            100.0 * found as f64 / exact.max(1) as f64
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Paragraph pairs with Jaccard ≥ 0.5 among the signed unique paragraphs, found exactly
/// (the index's verified pairs at that level are a subset: the ratio is its recall).
fn exact_agreement(run: &wirematch::MatchRun, quiet: bool) -> u64 {
    let store = &run.store;
    let k = run.config.shingle_size;
    let sets: Vec<&[u32]> = (0..store.uniques.len() as u32)
        .filter(|&u| {
            let e = &store.uniques[u as usize];
            !e.is_template() && e.tokens as usize >= k
        })
        .map(|u| store.set(u))
        .collect();
    let t = Instant::now();
    let pairs = wirematch::oracle::similar_pairs(&sets, 0.5);
    if !quiet {
        say!("wirematch bench: exact oracle in {:.1} s", t.elapsed().as_secs_f64());
    }
    // Counted as the run counts its own pairs (by tenths of Jaccard).
    pairs
        .iter()
        .filter(|&&(i, j)| {
            let o = wirematch::verify::Overlap::of(sets[i as usize], sets[j as usize]);
            (o.jaccard() * 10.0) as usize >= 5
        })
        .count() as u64
}
