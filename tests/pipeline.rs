//! The library pipeline against its exact oracle, and its invariances.

use std::collections::BTreeSet;

use proptest::prelude::*;
use wirematch::corpus::Input;
use wirematch::report::write_pairs_jsonl;
use wirematch::{Config, Detector, Document, MatchRun, Quiet};

use crate::util::*;

fn run_file(cfg: Config, path: &std::path::Path) -> MatchRun {
    let input = Input::detect(path).expect("input");
    Detector::new(cfg).expect("config").run(&[input], &Quiet).expect("run")
}

fn pairs(run: &MatchRun) -> BTreeSet<(String, String)> {
    run.matches
        .iter()
        .map(|m| {
            (
                run.store.docs[m.a as usize].id.to_string(),
                run.store.docs[m.b as usize].id.to_string(),
            )
        })
        .collect()
}

fn jsonl(run: &MatchRun) -> Vec<u8> {
    let mut out = Vec::new();
    write_pairs_jsonl(run, &mut out).expect("write");
    out
}

#[test]
fn lsh_results_are_a_subset_of_the_exact_oracle_with_full_recall_on_the_sample() {
    let lsh = run_file(Config::default(), &sample());
    let exact = run_file(Config { exhaustive: true, ..Config::default() }, &sample());
    let (l, e) = (pairs(&lsh), pairs(&exact));
    assert!(
        l.is_subset(&e),
        "LSH found pairs the exact matcher rejects: {:?}",
        l.difference(&e).take(5).collect::<Vec<_>>()
    );
    assert_eq!(l.len(), e.len(), "LSH missed {:?}", e.difference(&l).take(5).collect::<Vec<_>>());
    // Same pairs, same verdicts: the index changes only which pairs are looked at.
    assert_eq!(jsonl(&lsh), jsonl(&exact));
    // And the oracle examined every pair of the 122 documents.
    assert_eq!(exact.stats.article_candidates, 122 * 121 / 2);
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let runs: Vec<Vec<u8>> = [1, 2, 8]
        .iter()
        .map(|&n| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(n).build().expect("pool");
            pool.install(|| jsonl(&run_file(Config::default(), &sample())))
        })
        .collect();
    assert!(runs[0].len() > 10_000);
    assert_eq!(runs[0], runs[1]);
    assert_eq!(runs[0], runs[2]);
}

#[test]
fn output_does_not_depend_on_input_order() {
    let text = std::fs::read_to_string(sample()).expect("sample");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.reverse();
    // Interleave so that neither the original nor the reversed order survives.
    let (even, odd): (Vec<_>, Vec<_>) = lines.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let shuffled: Vec<&str> = odd.into_iter().chain(even).map(|(_, l)| *l).collect();
    let c = TestCorpus::new();
    let a = c.write("a.jsonl", shuffled[..60].join("\n"));
    let b = c.write("b.jsonl", shuffled[60..].join("\n"));
    let det = Detector::new(Config::default()).unwrap();
    let split = det.run(&[Input::detect(&b).unwrap(), Input::detect(&a).unwrap()], &Quiet).unwrap();
    let whole = run_file(Config::default(), &sample());
    assert_eq!(jsonl(&split), jsonl(&whole));
}

#[test]
fn labelled_reuse_in_the_sample_is_found() {
    let run = run_file(Config::default(), &sample());
    let found = pairs(&run);
    let labels = std::fs::read_to_string(sample_labels()).unwrap();
    let (mut total, mut hit) = (0, 0);
    for l in labels.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let (a, b) = (v["a"].as_str().unwrap().to_string(), v["b"].as_str().unwrap().to_string());
        total += 1;
        hit += (found.contains(&(a.clone(), b.clone())) || found.contains(&(b, a))) as usize;
    }
    assert!(hit as f64 / total as f64 >= 0.99, "{hit}/{total}");
    assert!(found.len() <= total, "no unlabelled pairs on the sample");
}

fn doc(id: &str, published: &str, paras: &[&str]) -> Document<'static> {
    Document::new(id.to_string(), paras.join("\n\n"))
        .with_outlet(format!("outlet-{id}"))
        .with_published(published.to_string())
}

/// Paragraph pool for generated corpora: paragraphs of the sample's wire articles, which
/// are distinct real stories sharing no text with each other.
fn pool() -> Vec<String> {
    let text = std::fs::read_to_string(sample()).unwrap();
    let mut out = Vec::new();
    for l in text.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        if v["outlet"] != "Reuters" {
            continue;
        }
        for p in v["text"].as_str().unwrap().split("\n\n") {
            if p.split_whitespace().count() > 25 && !out.contains(&p.to_string()) {
                out.push(p.to_string());
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// Documents made of random draws from a paragraph pool: the matches do not depend on
    /// the order of the documents, and every reported pair really shares a paragraph.
    #[test]
    fn matches_are_order_independent_and_grounded(
        picks in proptest::collection::vec(proptest::collection::vec(0usize..60, 1..5), 2..8),
        rotate in 0usize..8,
    ) {
        let pool = pool();
        let docs: Vec<(String, Vec<usize>)> = picks.iter().enumerate()
            .map(|(i, p)| (format!("d{i}"), p.iter().map(|&x| x % pool.len()).collect()))
            .collect();
        let make = |order: &[usize]| -> Vec<Document<'static>> {
            order.iter().map(|&i| {
                let (id, ps) = &docs[i];
                let texts: Vec<&str> = ps.iter().map(|&x| pool[x].as_str()).collect();
                doc(id, &format!("2024-01-{:02}", i + 1), &texts)
            }).collect()
        };
        let n = docs.len();
        let forward: Vec<usize> = (0..n).collect();
        let rotated: Vec<usize> = (0..n).map(|i| (i + rotate) % n).collect();
        let det = Detector::new(Config::default()).unwrap();
        let r1 = det.run_documents(make(&forward), &Quiet).unwrap();
        let r2 = det.run_documents(make(&rotated), &Quiet).unwrap();
        prop_assert_eq!(jsonl(&r1), jsonl(&r2));
        for m in &r1.matches {
            let ia: usize = r1.store.docs[m.a as usize].id[1..].parse().unwrap();
            let ib: usize = r1.store.docs[m.b as usize].id[1..].parse().unwrap();
            let shared = docs[ia].1.iter().any(|p| docs[ib].1.contains(p));
            prop_assert!(shared, "{} and {} share no paragraph", ia, ib);
        }
    }
}

#[test]
fn alignment_is_symmetric() {
    // Running the pair in both orders gives the same match (sides are chosen by content).
    let a = doc(
        "a",
        "2024-01-01",
        &[
            WIRE[0],
            WIRE[1],
            "A local paragraph about the weather in the hills, written by the paper itself.",
        ],
    );
    let b = doc("b", "2024-01-01", &[WIRE[1], WIRE[0]]);
    let det = Detector::new(Config::default()).unwrap();
    let r1 = det.run_documents(vec![a.clone(), b.clone()], &Quiet).unwrap();
    let r2 = det.run_documents(vec![b, a], &Quiet).unwrap();
    assert_eq!(jsonl(&r1), jsonl(&r2));
    assert_eq!(r1.matches.len(), 1);
    assert_eq!(r1.matches[0].source, None, "same date: undirected");
    assert_eq!(&*r1.store.docs[r1.matches[0].a as usize].id, "a", "the less-covered side is a");
}

#[test]
fn very_short_paragraphs_neither_vanish_nor_all_match() {
    let shorts = ["Reuters", "He said.", "More soon", "Shares fell.", "Editing by staff"];
    let docs: Vec<Document<'static>> = (0..5)
        .map(|i| {
            doc(
                &format!("s{i}"),
                "2024-01-01",
                &[shorts[i], shorts[(i + 1) % 5], unrelated_text()]
                    .iter()
                    .copied()
                    .take(if i == 0 { 3 } else { 2 })
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let run = Detector::new(Config::default()).unwrap().run_documents(docs, &Quiet).unwrap();
    assert!(run.matches.is_empty(), "short paragraphs alone make no match");
    // They are kept as paragraphs of their documents.
    assert!(run.store.paragraphs.len() >= 10);
}

/// The wire paragraphs of the corroboration test and a reworded version of the second
/// (about one word in six changed: Jaccard well below 0.5, most of it not verbatim).
const WIRE: [&str; 4] = [
    "The central bank raised its main interest rate by half a percentage point on Tuesday, citing stubborn inflation in services and a tight labour market.",
    "Economists polled by the agency last week had expected a smaller move, and bond yields jumped sharply after the announcement in the capital on Tuesday afternoon.",
    "The governor said further increases could not be ruled out if wage growth stayed at its current pace through the summer and into the autumn months.",
    "Shares of the country's largest lenders rose in afternoon trading as investors bet on wider lending margins, while property stocks fell to a two-year low.",
];
const REWORDED: &str = "Economists surveyed by the agency last week had expected a smaller move, and bond yields climbed sharply after the announcement in the capital on Tuesday afternoon.";

#[test]
fn one_reworded_paragraph_needs_a_story_to_vouch_for_it() {
    let own = |tag: &str, i: usize| -> String {
        let lines = [
            "Volunteers repainted the harbour railings before the regatta drew crowds from three valleys.",
            "The school board postponed its vote on bus routes after parents filled the gymnasium for hours.",
            "A bakery on Mill Street celebrated fifty years with free bread and a brass band at dawn.",
            "Floodwater closed the river path again, and the parks office asked cyclists to use the ridge trail.",
        ];
        let k = if tag == "harbour" { 0 } else { 1 };
        lines[(k * 2 + i - 1) % 4].to_string()
    };
    // Two unrelated articles that share one reworded paragraph: set aside.
    let a = doc("a", "2024-05-07T10:00:00Z", &[&own("harbour", 1), WIRE[1], &own("harbour", 2)]);
    let b = doc("b", "2024-05-07T12:00:00Z", &[&own("school", 1), &own("school", 2), REWORDED]);
    let run = Detector::new(Config::default())
        .unwrap()
        .run_documents([a.clone(), b.clone()], &Quiet)
        .unwrap();
    assert!(run.matches.is_empty(), "{:?}", run.matches);
    assert_eq!(run.stats.uncorroborated, 1);
    // With corroboration off the weak pair is reported.
    let cfg = Config { corroborate: false, ..Config::default() };
    let run = Detector::new(cfg).unwrap().run_documents([a.clone(), b.clone()], &Quiet).unwrap();
    assert_eq!(pairs(&run).len(), 1);
    // The same two articles, both evidently taken from one wire story: the wire vouches
    // for the weak link between them.
    let w = doc("w", "2024-05-07T09:00:00Z", &WIRE);
    let a2 = doc("a", "2024-05-07T10:00:00Z", &[WIRE[0], WIRE[1], &own("harbour", 2)]);
    let b2 = doc("b", "2024-05-07T12:00:00Z", &[REWORDED, WIRE[2], WIRE[3]]);
    let run = Detector::new(Config::default()).unwrap().run_documents([w, a2, b2], &Quiet).unwrap();
    let found = pairs(&run);
    assert!(found.contains(&("a".to_string(), "b".to_string())), "{found:?}");
    assert_eq!(found.len(), 3, "{found:?}");
}

/// Under a memory budget the growing columns really leave the heap, and nothing else
/// changes: the same matches as an unbounded run on the sample corpus.
#[test]
fn a_memory_budget_spills_the_arena_and_keeps_every_match() {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/sample/docs.jsonl");
    let inputs = [wirematch::Input::detect(&sample).expect("sample")];
    let free = Detector::new(Config::default()).unwrap().run(&inputs, &Quiet).unwrap();
    let spill = tempfile::tempdir().expect("spill folder");
    let bounded = Detector::new(Config::default())
        .unwrap()
        .with_memory_budget(1 << 20, Some(spill.path().to_path_buf()))
        .run(&inputs, &Quiet)
        .unwrap();
    assert!(!free.store.arena.is_spilled());
    assert!(bounded.store.arena.is_spilled());
    assert_eq!(bounded.store.arena.heap_bytes(), 0);
    assert_eq!(bounded.store.arena.as_slice(), free.store.arena.as_slice());
    assert!(free.matches.len() > 500);
    assert_eq!(bounded.matches, free.matches);
}
