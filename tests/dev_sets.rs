//! The shared development sets (`../shared/corpora`), scored by the shared reference scorer.
//! Ignored by default: they need the shared folder beside the repository and `python3`.
//! Run with `cargo test --release -- --ignored`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::*;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// Runs `wirematch match` on a set and scores it with `score.py --json`.
fn score(set: &str, extra: &[&str]) -> serde_json::Value {
    let dir = shared().join("corpora").join(set);
    let pred = tempfile::NamedTempFile::new().unwrap();
    wm().args(["match", "-q", "--format", "jsonl", "-o"])
        .arg(pred.path())
        .arg(dir.join("docs.jsonl"))
        .assert()
        .success();
    let out = Command::new("python3")
        .arg(shared().join("eval/score.py"))
        .args(["--json", "--docs"])
        .arg(dir.join("docs.jsonl"))
        .arg("--labels")
        .arg(dir.join("labels.jsonl"))
        .arg("--pred")
        .arg(pred.path())
        .args(extra)
        .output()
        .expect("python3 runs the scorer");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn f1(s: &serde_json::Value, rel: &str) -> f64 {
    s["per_relation"][rel]["F1"].as_f64().unwrap_or(0.0)
}

#[test]
#[ignore = "needs ../shared and python3"]
fn synth_dev_meets_the_engine_targets() {
    let s = score("synth-dev", &[]);
    assert!(f1(&s, "copy") >= 0.97, "{s}");
    assert!(f1(&s, "partial") >= 0.97, "{s}");
    let rw = &s["per_relation"]["rewrite"];
    assert!(rw["R"].as_f64().unwrap() >= 0.8 && rw["P"].as_f64().unwrap() >= 0.95, "{rw}");
    assert!(s["direction_accuracy"]["acc"].as_f64().unwrap() >= 0.95, "{s}");
}

#[test]
#[ignore = "needs ../shared and python3"]
fn every_identical_body_pair_of_the_reuters_pool_is_found() {
    let s = score("reuters", &[]);
    let copy = &s["per_relation"]["copy"];
    assert_eq!(copy["FN"], 0, "{copy}");
    assert_eq!(copy["TP"], copy["gold"]);
}

#[test]
#[ignore = "needs ../shared and python3"]
fn builtin_eval_agrees_with_the_reference_scorer() {
    for set in ["synth-dev", "reuters"] {
        let dir = shared().join("corpora").join(set);
        let pred = tempfile::NamedTempFile::new().unwrap();
        let ours = wm()
            .args(["eval", "-q", "--json", "-o"])
            .arg(pred.path())
            .arg("--labels")
            .arg(dir.join("labels.jsonl"))
            .arg(dir.join("docs.jsonl"))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let ours: serde_json::Value = serde_json::from_slice(&ours).unwrap();
        let out = Command::new("python3")
            .arg(shared().join("eval/score.py"))
            .args(["--json", "--docs"])
            .arg(dir.join("docs.jsonl"))
            .arg("--labels")
            .arg(dir.join("labels.jsonl"))
            .arg("--pred")
            .arg(pred.path())
            .output()
            .expect("python3");
        let theirs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(ours, theirs, "{set}");
    }
}

#[test]
#[ignore = "needs ../shared, python3 and the model (wirematch model fetch)"]
fn wmt_translations_mixed_with_the_reuters_pool_meet_the_targets() {
    // WMT en-fr documents and the Reuters background in one corpus, labels of WMT only.
    let corpora = shared().join("corpora");
    let tmp = tempfile::tempdir().unwrap();
    let mixed = tmp.path().join("docs.jsonl");
    let mut all = std::fs::read(corpora.join("wmt-enfr-dev/docs.jsonl")).unwrap();
    all.extend(std::fs::read(corpora.join("reuters/docs.jsonl")).unwrap());
    std::fs::write(&mixed, all).unwrap();
    std::fs::copy(corpora.join("wmt-enfr-dev/labels.jsonl"), tmp.path().join("labels.jsonl"))
        .unwrap();
    let pred = tmp.path().join("pred.jsonl");
    wm().args(["match", "--format", "jsonl", "-o"])
        .arg(&pred)
        .arg(&mixed)
        .assert()
        .success()
        .stderr(predicates::str::contains("multilingual Universal Sentence Encoder v3"));
    let out = Command::new("python3")
        .arg(shared().join("eval/score.py"))
        .args(["--json", "--relations", "translation", "--docs"])
        .arg(&mixed)
        .arg("--labels")
        .arg(tmp.path().join("labels.jsonl"))
        .arg("--pred")
        .arg(&pred)
        .output()
        .expect("python3 runs the scorer");
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = &s["per_relation"]["translation"];
    assert!(t["P"].as_f64().unwrap() >= 0.95 && t["R"].as_f64().unwrap() >= 0.95, "{t}");
}

#[test]
#[ignore = "needs ../shared"]
fn index_query_of_half_the_wmt_set_equals_the_full_run() {
    // Odd lines stored, even lines queried (English and French on both sides): the
    // query's pairs — translations included — must be the full run's pairs across the two
    // halves. Character trigrams, so that the result does not depend on the model.
    let docs = shared().join("corpora/wmt-enfr-dev/docs.jsonl");
    let t = TestCorpus::new();
    let (q, s) = (t.path("q.jsonl"), t.path("s.jsonl"));
    let new = split_jsonl(&docs, &q, &s, |i| i % 2 == 1);
    let idx = t.path("idx");
    let no_model = std::ffi::OsStr::new("--no-model");
    build(&[no_model, s.as_os_str()], &idx);
    let got = canonical(&query_output(&idx, &q, &["--no-model"]));
    let expected = cross(&run_match(&[no_model, s.as_os_str(), q.as_os_str()]), &new);
    let translated = expected.iter().filter(|l| l.contains("\"translation\"")).count();
    assert!(translated > 200, "{translated} translated pairs across the halves");
    let only = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter().filter(|l| !b.contains(l)).map(|l| l.chars().take(120).collect()).collect()
    };
    assert!(
        got == expected,
        "query {} pairs, full run {}; only in the query: {:?}; only in the full run: {:?}",
        got.len(),
        expected.len(),
        only(&got, &expected),
        only(&expected, &got)
    );
}

#[test]
#[ignore = "needs ../shared"]
fn the_model_free_threshold_separates_translated_from_unrelated_paragraphs() {
    // Calibration of the character-trigram embedder on the WMT documents of wmt-multi-dev
    // (8 languages, Latin and Cyrillic): fitted to every paragraph, as a run fits it to the
    // paragraphs it compares. Unrelated: paragraphs of two documents in different
    // languages that are not translations of each other (a fixed pseudo-random sample).
    // Translated: paragraph i of two labelled documents with as many paragraphs.
    use wirematch::translate::embed::{Embedder, TrigramEmbedder};
    let dir = shared().join("corpora/wmt-multi-dev");
    let mut docs: Vec<(String, String, Vec<String>)> = Vec::new();
    for line in std::fs::read_to_string(dir.join("docs.jsonl")).unwrap().lines() {
        let d: serde_json::Value = serde_json::from_str(line).unwrap();
        let paras: Vec<String> = d["text"]
            .as_str()
            .unwrap()
            .split('\n')
            .filter(|p| !p.trim().is_empty())
            .map(str::to_string)
            .collect();
        docs.push((d["id"].as_str().unwrap().into(), d["lang"].as_str().unwrap().into(), paras));
    }
    let at: std::collections::HashMap<&str, usize> =
        docs.iter().enumerate().map(|(i, d)| (d.0.as_str(), i)).collect();
    let mut labelled = std::collections::HashSet::new();
    for line in std::fs::read_to_string(dir.join("labels.jsonl")).unwrap().lines() {
        let l: serde_json::Value = serde_json::from_str(line).unwrap();
        let (a, b) = (at[l["a"].as_str().unwrap()], at[l["b"].as_str().unwrap()]);
        labelled.insert((a.min(b), a.max(b)));
    }
    let texts: Vec<&str> = docs.iter().flat_map(|d| d.2.iter().map(String::as_str)).collect();
    let e = TrigramEmbedder::fitted(&texts);
    let vecs: Vec<Vec<_>> = docs
        .iter()
        .map(|d| e.vectors(&d.2.iter().map(String::as_str).collect::<Vec<_>>()))
        .collect();
    let cyrillic = |l: &str| l == "ru";
    let class = |a: usize, b: usize| cyrillic(&docs[a].1) != cyrillic(&docs[b].1);
    let (mut pos, mut neg): ([Vec<f32>; 2], [Vec<f32>; 2]) = Default::default();
    for &(a, b) in &labelled {
        if docs[a].2.len() == docs[b].2.len() {
            for (x, y) in vecs[a].iter().zip(&vecs[b]) {
                pos[class(a, b) as usize].push(x.cosine(y));
            }
        }
    }
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    while neg[0].len() + neg[1].len() < 400_000 {
        let (a, b) = (next(docs.len()), next(docs.len()));
        if docs[a].1 == docs[b].1 || labelled.contains(&(a.min(b), a.max(b))) {
            continue;
        }
        let (i, j) = (next(docs[a].2.len()), next(docs[b].2.len()));
        neg[class(a, b) as usize].push(vecs[a][i].cosine(&vecs[b][j]));
    }
    let q = |v: &mut Vec<f32>, f: f64| {
        v.sort_by(f32::total_cmp);
        v[((v.len() as f64 * f) as usize).min(v.len() - 1)]
    };
    let t = e.paragraph_threshold();
    for (c, name) in [(0, "same script"), (1, "Latin / Cyrillic")] {
        let above = |v: &[f32]| v.iter().filter(|&&c| c >= t).count() as f64 / v.len() as f64;
        eprintln!(
            "{name}: translated n={} p25 {:.3} p50 {:.3} above {:.3}; unrelated n={} p99 {:.3} p99.9 {:.3} p99.99 {:.3} above {:.4}",
            pos[c].len(),
            q(&mut pos[c], 0.25),
            q(&mut pos[c], 0.5),
            above(&pos[c]),
            neg[c].len(),
            q(&mut neg[c], 0.99),
            q(&mut neg[c], 0.999),
            q(&mut neg[c], 0.9999),
            above(&neg[c]),
        );
        // Few unrelated paragraphs reach the threshold; many translated ones do, across
        // scripts too.
        assert!(above(&neg[c]) < 0.05, "{name}: unrelated paragraphs above {t}");
        assert!(above(&pos[c]) > [0.7, 0.4][c], "{name}: translated paragraphs above {t}");
    }
}
