//! Helpers: temporary corpora and running the built binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The sample corpus shipped in `corpora/`.
pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/sample/docs.jsonl")
}

/// The sample's labels.
pub fn sample_labels() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/sample/labels.jsonl")
}

/// The `wirematch` binary.
pub fn wm() -> Command {
    Command::cargo_bin("wirematch").expect("the binary is built by cargo test")
}

/// A temporary folder holding corpus files.
pub struct TestCorpus {
    pub dir: tempfile::TempDir,
}

impl TestCorpus {
    pub fn new() -> Self {
        TestCorpus { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes raw bytes to `name` and returns its path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, bytes).expect("write");
        p
    }

    /// Writes `(id, outlet, published, text)` records as JSONL.
    pub fn jsonl(&self, name: &str, docs: &[(&str, &str, &str, &str)]) -> PathBuf {
        let mut s = String::new();
        for (id, outlet, published, text) in docs {
            s.push_str(&serde_json::json!({"id": id, "outlet": outlet, "published": published, "text": text}).to_string());
            s.push('\n');
        }
        self.write(name, s)
    }
}

/// Parses JSONL output into values.
pub fn lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

/// A wire story of four paragraphs and texts built from it.
pub const WIRE: [&str; 4] = [
    "The central bank raised its main interest rate by half a percentage point on Tuesday, citing stubborn inflation in services and a tight labour market.",
    "Economists polled last week had expected a smaller move of a quarter point, and two-year bond yields jumped after the announcement in the capital.",
    "The governor said further increases could not be ruled out if wage growth stayed at its current pace of about 6 percent through the summer months.",
    "Shares of the country's largest lenders rose sharply in afternoon trading as investors bet on wider lending margins for the rest of the year.",
];

pub fn wire_text() -> String {
    WIRE.join("\n\n")
}

/// The wire with a local lede, share buttons and a footer: a copy.
pub fn copy_text() -> String {
    format!(
        "Share on facebook\nShare on twitter\n\nOur town's view of the decision comes first, from the harbour office where traders gathered early.\n\n{}\n\nCopyright 2024 Harbour Gazette. All rights reserved.",
        WIRE[..3].join("\n\n")
    )
}

/// One wire paragraph inside unrelated local copy: a partial copy.
pub fn partial_text() -> String {
    format!(
        "The city council voted on Monday to extend the summer festival by two days after a record number of visitors last year.\n\n{}\n\nOrganisers said ticket sales for the opening concert had already passed twelve thousand and more volunteers were needed.\n\nThe council also approved a new cycle lane along the river promenade, to be finished before the festival begins.",
        WIRE[0]
    )
}

/// An unrelated article on the same topic.
pub fn unrelated_text() -> &'static str {
    "Mortgage lenders in the north reported a fall in new applications for the third month running, according to an industry survey published on Wednesday.\n\nThe survey's authors blamed higher borrowing costs and said first-time buyers were the most affected group across all regions."
}

/// The hand-written bilingual sample: an English wire story, its French, Spanish and
/// German translations, an English copy, a same-day French article on the same event that
/// is not a translation, and an unrelated article.
pub fn bilingual() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/bilingual/docs.jsonl")
}

/// An English wire story, its Russian translation and an unrelated Russian article
/// (tests/data/cyrillic.jsonl, no language fields).
pub fn cyrillic() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cyrillic.jsonl")
}

/// Two English–French translations that compete for one article (corpora/partners).
pub fn partners() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/partners/docs.jsonl")
}

/// Writes the lines of JSONL `src` for which `pick(line number from 0)` holds to `dst`,
/// and the others to `rest`; returns the ids written to `dst`.
pub fn split_jsonl(
    src: &Path,
    dst: &Path,
    rest: &Path,
    pick: impl Fn(usize) -> bool,
) -> std::collections::BTreeSet<String> {
    let text = std::fs::read_to_string(src).expect("read corpus");
    let (mut a, mut b) = (String::new(), String::new());
    let mut ids = std::collections::BTreeSet::new();
    for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let out = if pick(i) { &mut a } else { &mut b };
        out.push_str(line);
        out.push('\n');
        if pick(i) {
            let v: serde_json::Value = serde_json::from_str(line).expect("corpus line is JSON");
            ids.insert(v["id"].as_str().expect("id").to_string());
        }
    }
    std::fs::write(dst, a).expect("write part");
    std::fs::write(rest, b).expect("write rest");
    ids
}

/// JSONL report lines as canonical strings (sorted keys), sorted.
pub fn canonical(out: &[u8]) -> Vec<String> {
    let mut v: Vec<String> = lines(out).iter().map(|l| l.to_string()).collect();
    v.sort();
    v
}

/// `index build INPUTS… -o DIR` (quiet), which must succeed.
pub fn build<P: AsRef<std::ffi::OsStr>>(inputs: &[P], dir: &Path) {
    let mut c = wm();
    c.arg("-q").arg("index").arg("build");
    for i in inputs {
        c.arg(i);
    }
    c.arg("-o").arg(dir).assert().success();
}

/// The sorted JSONL lines of `index query DIR Q`.
pub fn query(dir: &Path, q: &Path) -> Vec<String> {
    canonical(&query_output(dir, q, &[]))
}

/// The JSONL that `index query DIR Q` with `extra` options prints.
pub fn query_output(dir: &Path, q: &Path, extra: &[&str]) -> Vec<u8> {
    let out = wm()
        .args(["-q", "index", "query", "--format", "jsonl"])
        .args(extra)
        .arg(dir)
        .arg(q)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The sorted JSONL lines of `match ARGS…`.
pub fn run_match<P: AsRef<std::ffi::OsStr>>(args: &[P]) -> Vec<String> {
    let mut c = wm();
    c.args(["-q", "match", "--format", "jsonl"]);
    for a in args {
        c.arg(a);
    }
    let out = c.output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    canonical(&out.stdout)
}

/// Pairs of a full run with exactly one side among `new`.
pub fn cross(all: &[String], new: &std::collections::BTreeSet<String>) -> Vec<String> {
    all.iter()
        .filter(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            let inq = |k: &str| new.contains(v[k].as_str().unwrap_or(""));
            inq("a") != inq("b")
        })
        .cloned()
        .collect()
}
