//! Scoring predicted article pairs against labels.
//!
//! A port of the project's reference scorer (`eval/score.py` in the shared evaluation kit),
//! rule for rule, so that `wirematch eval` and the scorer agree on the same predictions:
//!
//! * pairs are unordered; duplicates and self-pairs in the predictions are ignored (first
//!   occurrence wins);
//! * a labelled prediction is a TP under its *gold* relation; an unlabelled one is an FP
//!   under its *predicted* relation — unless both documents are background documents and an
//!   exact oracle finds that they really share text (5-word shingles of lower-cased `\w+`
//!   tokens, containment over the smaller set ≥ 0.5): then it is "unlabelled true reuse";
//! * gold pairs of relation `story` are neutral: predicting them is neither rewarded nor
//!   punished;
//! * relation accuracy over TPs that carry a relation, exact and grouped (copy/partial/
//!   rewrite → reuse); direction accuracy over TPs where both gold and prediction name a
//!   source.
//!
//! Label format: one JSON object per line, `{"a", "b", "relation", "source"}`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// A labelled or predicted pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// One document id.
    pub a: String,
    /// The other document id.
    pub b: String,
    /// Relation, if given.
    pub relation: Option<String>,
    /// Id of the earlier document, if given.
    pub source: Option<String>,
}

fn key(a: &str, b: &str) -> (String, String) {
    if a <= b { (a.to_string(), b.to_string()) } else { (b.to_string(), a.to_string()) }
}

/// Reads a labels or predictions JSONL file.
pub fn read_pairs(path: &Path) -> Result<Vec<Pair>> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    for (n, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |problem: String| Error::Labels {
            path: path.to_path_buf(),
            line: n as u64 + 1,
            problem,
        };
        let v: Value = serde_json::from_str(&line).map_err(|e| bad(format!("bad JSON: {e}")))?;
        out.push(pair_of(&v).map_err(bad)?);
    }
    Ok(out)
}

/// Relations a label or prediction may carry: the pipeline's, and "story" (same wire
/// story, too little shared text to be a pair: neutral in scoring).
pub const RELATIONS: [&str; 7] =
    ["copy", "partial", "rewrite", "translation", "quote", "listing", "story"];

/// One pair from its JSON record, refused when it is not one: a pair that counted as gold
/// or as a prediction without being one would falsify every figure.
fn pair_of(v: &Value) -> std::result::Result<Pair, String> {
    let Some(o) = v.as_object() else {
        return Err("not a JSON object with \"a\" and \"b\"".into());
    };
    let id = |k: &str| match o.get(k) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(_) => Err(format!("\"{k}\" is not a document id")),
        None => Err(format!("no \"{k}\"")),
    };
    let (a, b) = (id("a")?, id("b")?);
    if a == b {
        return Err(format!("a document paired with itself ({a})"));
    }
    let relation = match o.get("relation") {
        None | Some(Value::Null) => None,
        Some(Value::String(r)) if RELATIONS.contains(&r.as_str()) => Some(r.clone()),
        Some(r) => {
            return Err(format!("unknown relation {r} (one of {})", RELATIONS.join(", ")));
        }
    };
    let source = match o.get("source") {
        None | Some(Value::Null) => None,
        Some(_) => {
            let s = id("source")?;
            if s != a && s != b {
                return Err(format!("source {s} is neither a ({a}) nor b ({b})"));
            }
            Some(s)
        }
    };
    Ok(Pair { a, b, relation, source })
}

/// Which documents count as background for the oracle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Background {
    /// `background.txt` beside the labels if it exists (empty switches the oracle off),
    /// else every document in no label.
    Auto,
    /// Every document.
    All,
    /// No document (oracle off).
    None,
    /// The ids listed in a file.
    File(PathBuf),
}

impl std::str::FromStr for Background {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s {
            "auto" => Background::Auto,
            "all" => Background::All,
            "none" => Background::None,
            f => Background::File(PathBuf::from(f)),
        })
    }
}

/// Scoring options (the scorer's flags).
#[derive(Debug, Clone)]
pub struct Options {
    /// Score only these gold relations.
    pub relations: Option<Vec<String>>,
    /// Background rule.
    pub background: Background,
    /// Known-unrelated pairs to count FPs on.
    pub negatives: Option<PathBuf>,
    /// Oracle containment threshold.
    pub oracle_threshold: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            relations: None,
            background: Background::Auto,
            negatives: None,
            oracle_threshold: 0.5,
        }
    }
}

/// One row of the score table.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Row {
    /// Gold pairs (TP + FN).
    pub gold: u64,
    /// True positives.
    #[serde(rename = "TP")]
    pub tp: u64,
    /// False positives.
    #[serde(rename = "FP")]
    pub fp: u64,
    /// False negatives.
    #[serde(rename = "FN")]
    pub fn_: u64,
    /// Precision.
    #[serde(rename = "P")]
    pub p: f64,
    /// Recall.
    #[serde(rename = "R")]
    pub r: f64,
    /// F1.
    #[serde(rename = "F1")]
    pub f1: f64,
}

/// Rounds like Python's `round(x, 4)` (correctly rounded decimal).
fn round4(x: f64) -> f64 {
    format!("{x:.4}").parse().unwrap_or(x)
}

fn prf(tp: u64, fp: u64, fn_: u64) -> (f64, f64, f64) {
    let p = if tp + fp > 0 { tp as f64 / (tp + fp) as f64 } else { 0.0 };
    let r = if tp + fn_ > 0 { tp as f64 / (tp + fn_) as f64 } else { 0.0 };
    let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    (round4(p), round4(r), round4(f))
}

/// The full score, shaped like the scorer's `--json` output.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    /// Per relation (gold for TP/FN, predicted for FP) and `overall`.
    pub per_relation: BTreeMap<String, Row>,
    /// Unlabelled predictions the oracle confirms among background documents.
    pub unlabelled_reuse: u64,
    /// Predictions ignored by `--relations` or hitting a neutral gold pair.
    pub ignored_by_relation_filter: u64,
    /// Distinct predicted pairs.
    pub pred_pairs: u64,
    /// Predictions naming an id not in the documents.
    pub pred_with_unknown_ids: u64,
    /// FPs among known negatives (when given).
    pub fp_on_known_negatives: Option<u64>,
    /// Relation accuracy.
    pub relation_accuracy: RelationAccuracy,
    /// Direction accuracy.
    pub direction_accuracy: DirectionAccuracy,
    /// Background rule and size.
    pub background: BackgroundInfo,
}

/// Relation accuracy over TPs with a predicted relation.
#[derive(Debug, Clone, Serialize)]
pub struct RelationAccuracy {
    /// TPs counted.
    pub n: u64,
    /// Share with exactly the gold relation.
    pub exact: Option<f64>,
    /// Share with the gold relation's group (reuse / translation).
    pub grouped: Option<f64>,
    /// `gold->pred` counts.
    pub confusion: BTreeMap<String, u64>,
}

/// Direction accuracy.
#[derive(Debug, Clone, Serialize)]
pub struct DirectionAccuracy {
    /// TPs where gold and prediction both name a source.
    pub n: u64,
    /// Share naming the gold source.
    pub acc: Option<f64>,
    /// TPs naming a source where the gold is undirected.
    pub pred_source_where_gold_undirected: u64,
}

/// Background rule and size.
#[derive(Debug, Clone, Serialize)]
pub struct BackgroundInfo {
    /// Which rule was used.
    pub rule: String,
    /// Background documents.
    pub docs: u64,
    /// Oracle threshold.
    pub oracle_threshold: f64,
}

const NEUTRAL: &str = "story";

fn group(rel: &str) -> &str {
    if matches!(rel, "copy" | "partial" | "rewrite") { "reuse" } else { rel }
}

/// The scorer's oracle: sorted 5-word shingles of lower-cased `\w+` tokens.
fn oracle_shingles(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let toks: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect();
    let mut out: Vec<String> = toks.windows(5).map(|w| w.join(" ")).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn oracle_containment(a: &str, b: &str) -> f64 {
    let (sa, sb) = (oracle_shingles(a), oracle_shingles(b));
    let (small, large) = if sa.len() <= sb.len() { (sa, sb) } else { (sb, sa) };
    if small.is_empty() {
        return 0.0;
    }
    let large: HashSet<&String> = large.iter().collect();
    small.iter().filter(|s| large.contains(s)).count() as f64 / small.len() as f64
}

fn read_ids(path: &Path) -> Result<HashSet<String>> {
    let s = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Ok(s.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect())
}

/// Scores `preds` against the labels at `labels_path`. `texts` maps every document id to its
/// text (the oracle reads them).
pub fn score(
    texts: &HashMap<String, String>,
    labels_path: &Path,
    preds: &[Pair],
    opts: &Options,
) -> Result<Score> {
    let labels = read_pairs(labels_path)?;
    let mut gold: HashMap<(String, String), (String, Option<String>)> = HashMap::new();
    let mut labelled: HashSet<String> = HashSet::new();
    for l in &labels {
        let k = key(&l.a, &l.b);
        labelled.insert(k.0.clone());
        labelled.insert(k.1.clone());
        gold.entry(k).or_insert((l.relation.clone().unwrap_or_default(), l.source.clone()));
    }
    let only: Option<HashSet<&str>> =
        opts.relations.as_ref().map(|v| v.iter().map(String::as_str).collect());
    let bg_file = labels_path.parent().unwrap_or(Path::new(".")).join("background.txt");
    let (background, rule): (HashSet<String>, String) = match &opts.background {
        Background::Auto if bg_file.exists() => (read_ids(&bg_file)?, "background.txt".into()),
        Background::Auto => (
            texts.keys().filter(|d| !labelled.contains(*d)).cloned().collect(),
            "docs in no label".into(),
        ),
        Background::All => (texts.keys().cloned().collect(), "all docs".into()),
        Background::None => (HashSet::new(), "none".into()),
        Background::File(f) => (read_ids(f)?, f.display().to_string()),
    };
    let negatives: HashSet<(String, String)> = match &opts.negatives {
        Some(p) => read_pairs(p)?.iter().map(|l| key(&l.a, &l.b)).collect(),
        None => HashSet::new(),
    };
    let mut tp: BTreeMap<String, u64> = BTreeMap::new();
    let mut fp: BTreeMap<String, u64> = BTreeMap::new();
    let mut fn_: BTreeMap<String, u64> = BTreeMap::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let (mut ignored, mut unknown, mut unlabelled, mut neg_hits) = (0u64, 0u64, 0u64, 0u64);
    let mut conf: BTreeMap<String, u64> = BTreeMap::new();
    let (mut rel_exact, mut rel_group, mut rel_n) = (0u64, 0u64, 0u64);
    let (mut dir_ok, mut dir_n, mut dir_extra) = (0u64, 0u64, 0u64);
    let empty = String::new();
    for p in preds {
        if p.a.is_empty() || p.b.is_empty() || p.a == p.b {
            continue;
        }
        let k = key(&p.a, &p.b);
        if !seen.insert(k.clone()) {
            continue;
        }
        let prel = p.relation.as_deref();
        let g = gold.get(&k);
        if g.is_some_and(|g| g.0 == NEUTRAL) {
            ignored += 1;
            continue;
        }
        if let Some(only) = &only {
            let gold_out = g.is_some_and(|g| !only.contains(g.0.as_str()));
            let pred_out = g.is_none() && prel.is_some_and(|r| !only.contains(r));
            if gold_out || pred_out {
                ignored += 1;
                continue;
            }
        }
        let Some((grel, gsrc)) = g else {
            if !texts.contains_key(&p.a) || !texts.contains_key(&p.b) {
                unknown += 1;
            }
            if background.contains(&p.a)
                && background.contains(&p.b)
                && oracle_containment(
                    texts.get(&p.a).unwrap_or(&empty),
                    texts.get(&p.b).unwrap_or(&empty),
                ) >= opts.oracle_threshold
            {
                unlabelled += 1;
                continue;
            }
            *fp.entry(prel.unwrap_or("(none)").to_string()).or_default() += 1;
            if negatives.contains(&k) {
                neg_hits += 1;
            }
            continue;
        };
        *tp.entry(grel.clone()).or_default() += 1;
        if let Some(prel) = prel {
            rel_n += 1;
            rel_exact += (prel == grel) as u64;
            rel_group += (group(prel) == group(grel)) as u64;
            *conf.entry(format!("{grel}->{prel}")).or_default() += 1;
        }
        if let Some(psrc) = &p.source {
            match gsrc {
                Some(gs) => {
                    dir_n += 1;
                    dir_ok += (psrc == gs) as u64;
                }
                None => dir_extra += 1,
            }
        }
    }
    for (k, (grel, _)) in &gold {
        if grel == NEUTRAL || only.as_ref().is_some_and(|o| !o.contains(grel.as_str())) {
            continue;
        }
        if !seen.contains(k) {
            *fn_.entry(grel.clone()).or_default() += 1;
        }
    }
    let rels: std::collections::BTreeSet<&String> =
        tp.keys().chain(fn_.keys()).chain(fp.keys()).collect();
    let mut per_relation = BTreeMap::new();
    let get = |m: &BTreeMap<String, u64>, r: &str| m.get(r).copied().unwrap_or(0);
    for r in rels {
        let (t, f, n) = (get(&tp, r), get(&fp, r), get(&fn_, r));
        let (p, rr, f1) = prf(t, f, n);
        per_relation.insert(r.clone(), Row { gold: t + n, tp: t, fp: f, fn_: n, p, r: rr, f1 });
    }
    let (t, f, n) = (tp.values().sum::<u64>(), fp.values().sum::<u64>(), fn_.values().sum::<u64>());
    let (p, r, f1) = prf(t, f, n);
    per_relation.insert("overall".into(), Row { gold: t + n, tp: t, fp: f, fn_: n, p, r, f1 });
    let ratio = |a: u64, b: u64| (b > 0).then(|| round4(a as f64 / b as f64));
    Ok(Score {
        per_relation,
        unlabelled_reuse: unlabelled,
        ignored_by_relation_filter: ignored,
        pred_pairs: seen.len() as u64,
        pred_with_unknown_ids: unknown,
        fp_on_known_negatives: opts.negatives.as_ref().map(|_| neg_hits),
        relation_accuracy: RelationAccuracy {
            n: rel_n,
            exact: ratio(rel_exact, rel_n),
            grouped: ratio(rel_group, rel_n),
            confusion: conf,
        },
        direction_accuracy: DirectionAccuracy {
            n: dir_n,
            acc: ratio(dir_ok, dir_n),
            pred_source_where_gold_undirected: dir_extra,
        },
        background: BackgroundInfo {
            rule,
            docs: background.iter().filter(|d| texts.contains_key(*d)).count() as u64,
            oracle_threshold: opts.oracle_threshold,
        },
    })
}

impl Score {
    /// The scorer's text table.
    pub fn table(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<12}{:>8}{:>8}{:>8}{:>8}{:>8}{:>8}{:>8}",
            "relation", "gold", "TP", "FP", "FN", "P", "R", "F1"
        );
        let mut rows: Vec<(&String, &Row)> =
            self.per_relation.iter().filter(|(k, _)| *k != "overall").collect();
        if let Some(o) = self.per_relation.get_key_value("overall") {
            rows.push(o);
        }
        for (r, v) in rows {
            let _ = writeln!(
                s,
                "{r:<12}{:>8}{:>8}{:>8}{:>8}{:>8.3}{:>8.3}{:>8.3}",
                v.gold, v.tp, v.fp, v.fn_, v.p, v.r, v.f1
            );
        }
        let fmt = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.3}"));
        let _ = writeln!(
            s,
            "unlabelled true reuse (background, oracle >= {}): {}   pred pairs: {}   ignored by filter: {}   unknown ids: {}",
            self.background.oracle_threshold,
            self.unlabelled_reuse,
            self.pred_pairs,
            self.ignored_by_relation_filter,
            self.pred_with_unknown_ids
        );
        let ra = &self.relation_accuracy;
        let _ = writeln!(
            s,
            "relation accuracy on {} TPs: exact {}, reuse/translation {}",
            ra.n,
            fmt(ra.exact),
            fmt(ra.grouped)
        );
        if !ra.confusion.is_empty() {
            let c: Vec<String> = ra.confusion.iter().map(|(k, v)| format!("{k} {v}")).collect();
            let _ = writeln!(s, "  confusion gold->pred: {}", c.join(", "));
        }
        let da = &self.direction_accuracy;
        let _ = writeln!(
            s,
            "direction accuracy on {} TPs: {}   (source given where gold is undirected: {})",
            da.n,
            fmt(da.acc),
            da.pred_source_where_gold_undirected
        );
        if let Some(n) = self.fp_on_known_negatives {
            let _ = writeln!(s, "FPs on known negatives: {n}");
        }
        let _ = writeln!(s, "background docs: {} ({})", self.background.docs, self.background.rule);
        s
    }

    /// What the table's counts mean, for people reading it.
    pub fn legend() -> &'static str {
        "How to read it: a predicted pair is a true positive (TP) when its two articles form a \
         labelled pair, in either order and whatever relation was predicted; it counts in the \
         row of its gold relation, so a gold rewrite predicted as copy is a TP of `rewrite` \
         (the confusion line lists such mix-ups, relation accuracy is the share of TPs whose \
         predicted relation is the gold one). A predicted pair with no label is a false \
         positive (FP) in the row of its predicted relation, unless both articles are in no \
         label and share text (unlabelled true reuse). A labelled pair not predicted is a \
         false negative (FN). Direction accuracy: share of TPs whose predicted source is the \
         gold one, where both name one."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, lines: &[&str]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
        p
    }

    fn pair(a: &str, b: &str, rel: &str, src: Option<&str>) -> Pair {
        Pair { a: a.into(), b: b.into(), relation: Some(rel.into()), source: src.map(Into::into) }
    }

    #[test]
    fn counts_follow_the_reference_rules() {
        let dir = tempfile::tempdir().unwrap();
        let labels = write(
            dir.path(),
            "labels.jsonl",
            &[
                r#"{"a":"w","b":"c","relation":"copy","source":"w"}"#,
                r#"{"a":"w","b":"p","relation":"partial","source":null}"#,
                r#"{"a":"w","b":"s","relation":"story","source":null}"#,
            ],
        );
        let shared = "one two three four five six seven eight nine ten";
        let texts: HashMap<String, String> = [
            ("w", shared),
            ("c", shared),
            ("p", "x"),
            ("s", "y"),
            ("bg1", shared),
            ("bg2", shared),
            ("bg3", "unrelated words only here"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let preds = vec![
            pair("c", "w", "rewrite", Some("w")), // TP copy (gold relation), wrong relation, right source
            pair("w", "c", "copy", None),         // duplicate: ignored
            pair("s", "w", "partial", None),      // neutral story: ignored
            pair("bg1", "bg2", "copy", None),     // unlabelled, oracle confirms: not an FP
            pair("bg1", "bg3", "partial", None),  // FP under predicted relation
            pair("w", "w", "copy", None),         // self pair: ignored
        ];
        let s = score(&texts, &labels, &preds, &Options::default()).unwrap();
        let row = |r: &str| s.per_relation[r];
        assert_eq!((row("copy").tp, row("copy").fn_), (1, 0));
        assert_eq!((row("partial").fp, row("partial").fn_), (1, 1));
        assert_eq!(row("overall").tp + row("overall").fp + row("overall").fn_, 3);
        assert_eq!(s.unlabelled_reuse, 1);
        assert_eq!(s.ignored_by_relation_filter, 1);
        assert_eq!(s.pred_pairs, 4, "the duplicate and the self pair do not count");
        assert_eq!(s.relation_accuracy.exact, Some(0.0));
        assert_eq!(s.direction_accuracy.acc, Some(1.0));
        assert_eq!(s.background.docs, 3);
        assert!(s.table().contains("overall"));
    }

    #[test]
    fn rounding_is_pythons() {
        assert_eq!(round4(2.0 / 3.0), 0.6667);
        assert_eq!(prf(1, 2, 0), (0.3333, 1.0, 0.5));
    }

    #[test]
    fn label_lines_that_are_not_pairs_are_refused_with_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let good = r#"{"a":"x","b":"y","relation":"copy","source":"x"}"#;
        for (bad, says) in [
            ("[1,2]", "not a JSON object"),
            (r#"{"a":"x"}"#, "no \"b\""),
            (r#"{"a":"x","b":"y","relation":"banana"}"#, "unknown relation"),
            (r#"{"a":"x","b":"y","source":"z"}"#, "neither a"),
            (r#"{"a":"x","b":"x"}"#, "itself"),
            (r#"{"a":"x","b":{"id":1}}"#, "not a document id"),
        ] {
            let p = dir.path().join("labels.jsonl");
            std::fs::write(&p, format!("{good}\n\n{bad}\n")).unwrap();
            let e = read_pairs(&p).unwrap_err().to_string();
            assert!(e.contains(":3") && e.contains(says), "{bad}: {e}");
        }
        let p = dir.path().join("ok.jsonl");
        std::fs::write(&p, format!("{good}\n{{\"a\":\"y\",\"b\":\"z\",\"source\":null}}\n"))
            .unwrap();
        assert_eq!(read_pairs(&p).unwrap().len(), 2);
    }
}
