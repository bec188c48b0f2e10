//! The HTML report end to end: written by the CLI, then (ignored by default; CI runs them
//! with Chromium installed) loaded in headless Chromium.
//!
//! What the browser tests expect of each view, checked through the page's layout probe
//! (`#/view?probe`, which records element boxes after rendering) rather than pixels:
//! * every view: no script error, the error banner hidden, the navigation marks the view,
//!   every table header cell has a `scope`, the page is not wider than the window;
//! * overview: the title "Syndication report" and the relation and set-aside tables;
//! * pairs: one page of 100 rows of the sample's pairs, each a link;
//! * a pair: side a's paragraph left of side b's on the same row, both about half the
//!   width, showing the texts `wirematch paragraphs` prints for the aligned paragraphs, the
//!   differing words marked; `j` moves to the next pair;
//! * a story: one dot on the timeline per dated member;
//! * outlets: the heat map's cells.
//!
//! Screenshots of the overview and of a pair page are written to
//! `target/report-screenshots/` for people to look at.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use serde_json::Value;

use crate::util::{TestCorpus, sample, wm};

/// Writes the sample's report and returns its path.
fn sample_report(c: &TestCorpus, extra: &[&str]) -> PathBuf {
    let out = c.path("report.html");
    wm().arg("match").arg(sample()).arg("-o").arg(&out).args(extra).arg("-q").assert().success();
    out
}

/// The report's data, unpacked as the page's script does.
fn data(page: &str) -> Value {
    let start = page.find("id=\"wm-data\">").expect("data element") + 13;
    let end = start + page[start..].find("</script>").expect("end of data");
    let gz = base64::engine::general_purpose::STANDARD.decode(&page[start..end]).expect("base64");
    let mut json = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut json)
        .expect("gzip");
    serde_json::from_slice(&json).expect("json")
}

#[test]
fn the_report_is_one_self_contained_page_with_every_pair() {
    let c = TestCorpus::new();
    let out = sample_report(&c, &[]);
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    for outside in ["<script src", "<link", "@import", "url(", "<img", "http://", "https://"] {
        assert!(!page.contains(outside), "the page refers outside itself: {outside}");
    }
    let d = data(&page);
    let jsonl = wm().arg("match").arg(sample()).args(["--format", "jsonl", "-q"]).output().unwrap();
    let lines = String::from_utf8(jsonl.stdout).unwrap();
    let pairs: Vec<Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(d["pairs"].as_array().unwrap().len(), pairs.len());
    // Same pairs, same order, same sides.
    for (p, j) in d["pairs"].as_array().unwrap().iter().zip(&pairs) {
        let id = |k: &str| d["docs"][p[k].as_u64().unwrap() as usize]["id"].clone();
        assert_eq!((id("a"), id("b")), (j["a"].clone(), j["b"].clone()));
        assert_eq!(p["relation"], j["relation"]);
    }
    assert_eq!(d["open"], "pairs");
    assert!(d["stories"].as_array().unwrap().len() >= 5);
}

#[test]
fn the_report_opens_on_the_view_asked_for_and_follows_the_extension() {
    let c = TestCorpus::new();
    let out = sample_report(&c, &["--report", "stories"]);
    assert_eq!(data(&std::fs::read_to_string(out).unwrap())["open"], "stories");
    // --format html to standard output.
    let o = wm()
        .arg("match")
        .arg(sample())
        .args(["--format", "html", "--report", "outlets", "-q"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(data(&String::from_utf8(o.stdout).unwrap())["open"], "outlets");
    // .htm is HTML too.
    let htm = c.path("r.htm");
    wm().arg("match").arg(sample()).arg("-o").arg(&htm).arg("-q").assert().success();
    assert!(std::fs::read_to_string(htm).unwrap().starts_with("<!DOCTYPE html>"));
}

#[test]
fn an_index_query_writes_the_same_report() {
    let c = TestCorpus::new();
    let lines: Vec<String> =
        std::fs::read_to_string(sample()).unwrap().lines().map(str::to_string).collect();
    let stored = c.write("stored.jsonl", lines[..100].join("\n"));
    let query = c.write("query.jsonl", lines[100..].join("\n"));
    let idx = c.path("idx");
    wm().args(["index", "build"]).arg(&stored).arg("-o").arg(&idx).arg("-q").assert().success();
    let out = c.path("q.html");
    wm().args(["index", "query"])
        .arg(&idx)
        .arg(&query)
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    let d = data(&std::fs::read_to_string(out).unwrap());
    assert!(!d["pairs"].as_array().unwrap().is_empty());
    // Every matched article's text is there to quote, the stored ones included.
    for doc in d["docs"].as_array().unwrap() {
        assert!(doc["paragraphs"].is_array(), "no text for {}", doc["id"]);
    }
}

// ---- in the browser ----

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("WIREMATCH_CHROMIUM") {
        return p.into();
    }
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
        let found = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output();
        if let Some(o) = found.ok().filter(|o| o.status.success()) {
            return PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
        }
    }
    panic!("the browser tests need Chromium (apt-get install chromium, or set WIREMATCH_CHROMIUM)")
}

fn headless(page: &Path, fragment: &str, mode: &[&str], profile: &Path) -> std::process::Output {
    let url = format!("file://{}#/{fragment}", page.display());
    Command::new(chromium())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"])
        .args(["--no-first-run", "--window-size=1280,1000", "--virtual-time-budget=10000"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(mode)
        .arg(url)
        .output()
        .expect("run chromium")
}

/// Loads `fragment` of the page and returns what its layout probe recorded.
fn probe(page: &Path, fragment: &str) -> Value {
    let profile = tempfile::tempdir().unwrap();
    let sep = if fragment.contains('?') { "&" } else { "?" };
    let o = headless(page, &format!("{fragment}{sep}probe"), &["--dump-dom"], profile.path());
    let dom = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "chromium failed on {fragment}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        dom.contains("id=\"wm-error\" role=\"alert\" hidden"),
        "{fragment}: the error banner shows: {}",
        dom.split("id=\"wm-error\"").nth(1).unwrap_or("").chars().take(300).collect::<String>()
    );
    let start = dom
        .find("<pre id=\"wm-probe\" hidden=\"\">")
        .unwrap_or_else(|| panic!("{fragment}: no probe in {dom:.2000}"))
        + 29;
    let end = start + dom[start..].find("</pre>").unwrap();
    let text = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let v: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{fragment}: {e}: {text}"));
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(0), "{fragment}: {v}");
    assert_eq!(v["overflow"], false, "{fragment}: the page is wider than the window");
    eprintln!("{fragment}: rendered {} ms after the script started", v["ms"]);
    v
}

/// Text of paragraph `i` of document `id`, as `wirematch paragraphs` prints it.
fn paragraph_text(id: &str, i: u64) -> String {
    let o = wm()
        .arg("paragraphs")
        .arg(sample())
        .args(["--id", id, "--format", "jsonl"])
        .output()
        .unwrap();
    let rec: Value = serde_json::from_str(String::from_utf8(o.stdout).unwrap().trim()).unwrap();
    rec["paragraphs"][i as usize]["text"].as_str().unwrap().to_string()
}

#[test]
#[ignore = "needs Chromium; run by CI (cargo test -- --ignored browser)"]
fn browser_every_view_renders_without_errors_and_with_accessible_tables() {
    let c = TestCorpus::new();
    let page = sample_report(&c, &[]);
    let all_scoped = |v: &Value, view: &str| {
        assert!(v["th"].as_u64().unwrap() > 0, "{view}: no table headers with scope");
    };
    let v = probe(&page, "");
    assert_eq!(v["view"], "overview");
    assert_eq!(v["h1"]["text"], "Syndication report");
    assert_eq!(v["nav"]["text"], "Overview");
    assert!(v["rows"].as_u64().unwrap() >= 3);
    all_scoped(&v, "overview");

    let v = probe(&page, "pairs");
    assert_eq!(v["rows"], 100, "one page of the sample's 544 pairs");
    assert_eq!(v["links"], 100);
    assert!(v["nav"]["text"].as_str().unwrap().starts_with("Pairs"));
    all_scoped(&v, "pairs");

    let v = probe(&page, "story/0");
    assert!(v["h1"]["text"].as_str().unwrap().starts_with("Story #1"));
    let d = data(&std::fs::read_to_string(&page).unwrap());
    let dated = d["stories"][0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| !d["docs"][m.as_u64().unwrap() as usize]["time"].is_null())
        .count();
    assert_eq!(v["dot"]["n"].as_u64().unwrap() as usize, dated);

    let v = probe(&page, "outlets");
    assert!(v["heat"]["n"].as_u64().unwrap() > 0, "the heat map has cells");
    all_scoped(&v, "outlets");
}

#[test]
#[ignore = "needs Chromium; run by CI (cargo test -- --ignored browser)"]
fn browser_a_pair_shows_both_texts_side_by_side_and_keys_move_between_pairs() {
    let c = TestCorpus::new();
    let page = sample_report(&c, &[]);
    let d = data(&std::fs::read_to_string(&page).unwrap());
    // A reworded pair: its differing words are marked.
    let k = d["pairs"].as_array().unwrap().iter().position(|p| p["relation"] == "rewrite").unwrap();
    let v = probe(&page, &format!("pair/{k}"));
    let p = &d["pairs"][k];
    let (a, b) = (&v["a"], &v["b"]);
    assert_eq!(a["n"], p["paragraphs"].as_array().unwrap().len() as u64);
    assert_eq!(a["n"], b["n"]);
    assert!(a["x"].as_i64() < b["x"].as_i64(), "side a left of side b: {a} {b}");
    assert_eq!(a["y"], b["y"], "the two sides of a row start on one line");
    let (wa, wb) = (a["w"].as_i64().unwrap(), b["w"].as_i64().unwrap());
    assert!(wa > 400 && (wa - wb).abs() <= 2, "half the width each: {wa} {wb}");
    for (side, shown) in [("a", a), ("b", b)] {
        let doc = &d["docs"][p[side].as_u64().unwrap() as usize]["id"];
        let first = p["paragraphs"][0][if side == "a" { 0 } else { 1 }].as_u64().unwrap();
        let want = paragraph_text(doc.as_str().unwrap(), first);
        let got = shown["text"].as_str().unwrap();
        assert!(!got.is_empty() && want.starts_with(got), "side {side}: {got:?} is not {want:?}");
    }
    assert!(v["diff"]["n"].as_u64().unwrap() > 0, "a rewrite marks its differing words");
    assert!(v["set"]["n"].as_u64().unwrap() > 0, "set-aside paragraphs are shown as such");
    // `j` opens the next pair.
    let next = probe(&page, &format!("pair/{k}?press=j"));
    assert_eq!(next["view"], "pair");
    let title = |i: usize| {
        let doc = &d["docs"][d["pairs"][i]["b"].as_u64().unwrap() as usize];
        doc["title"].as_str().unwrap_or(doc["id"].as_str().unwrap()).to_string()
    };
    assert!(next["h1"]["text"].as_str().unwrap().ends_with(&title(k + 1)), "{}", next["h1"]);

    // Screenshots for people (the layout is asserted above).
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (name, fragment) in [("overview", String::new()), ("pair", format!("pair/{k}"))] {
        let file = shots.join(format!("{name}.png"));
        let profile = tempfile::tempdir().unwrap();
        let o = headless(
            &page,
            &fragment,
            &[&format!("--screenshot={}", file.display())],
            profile.path(),
        );
        assert!(o.status.success());
        let png = std::fs::read(&file).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        assert_eq!(width, 1280);
    }
}
