//! The command line, end to end through the built binary.

use std::io::Write;

use predicates::prelude::*;

use crate::util::*;

fn small_corpus(c: &TestCorpus) -> std::path::PathBuf {
    c.jsonl(
        "news.jsonl",
        &[
            ("wire-1", "Wire", "2024-05-07T09:00:00Z", &wire_text()),
            ("gazette-7", "Harbour Gazette", "2024-05-07T11:30:00Z", &copy_text()),
            ("courier-3", "Daily Courier", "2024-05-08", &partial_text()),
            ("post-9", "Morning Post", "2024-05-07T10:00:00Z", unrelated_text()),
        ],
    )
}

#[test]
fn jsonl_output_follows_the_contract() {
    let c = TestCorpus::new();
    let corpus = small_corpus(&c);
    let out = wm()
        .args(["match", "--format", "jsonl"])
        .arg(&corpus)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let pairs = lines(&out);
    let key = |p: &serde_json::Value| {
        (p["a"].as_str().unwrap().to_string(), p["b"].as_str().unwrap().to_string())
    };
    let keys: Vec<(String, String)> = pairs.iter().map(key).collect();
    assert_eq!(
        keys,
        vec![
            ("gazette-7".into(), "courier-3".into()),
            ("wire-1".into(), "courier-3".into()),
            ("wire-1".into(), "gazette-7".into()),
        ]
    );
    let copy = &pairs[2];
    for field in [
        "a",
        "b",
        "relation",
        "source",
        "similarity",
        "coverage_a",
        "coverage_b",
        "outlet_a",
        "outlet_b",
        "published_a",
        "published_b",
        "paragraphs",
    ] {
        assert!(copy.get(field).is_some(), "missing {field}");
    }
    assert_eq!(copy["relation"], "copy");
    assert_eq!(copy["source"], "wire-1");
    assert_eq!(copy["outlet_b"], "Harbour Gazette");
    assert_eq!(copy["published_a"], "2024-05-07T09:00:00Z");
    // Paragraph indices count every paragraph of the text, boilerplate included:
    // the copy's share buttons are paragraph 0 and its lede paragraph 1.
    let paras: Vec<(u64, u64)> = copy["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["a"].as_u64().unwrap(), p["b"].as_u64().unwrap()))
        .collect();
    assert_eq!(paras, vec![(0, 2), (1, 3), (2, 4)]);
    // The partial: one paragraph, published a day later by date only, so direction is
    // known against the wire (09:00 UTC is before any time zone's May 8).
    assert_eq!(pairs[1]["relation"], "partial");
    assert_eq!(pairs[1]["source"], "wire-1");
    assert_eq!(pairs[1]["paragraphs"].as_array().unwrap().len(), 1);
}

#[test]
fn csv_table_stories_and_outlets_reports() {
    let c = TestCorpus::new();
    let corpus = small_corpus(&c);
    wm().args(["match", "--format", "csv"]).arg(&corpus).assert().success().stdout(
        predicate::str::starts_with("a,b,relation,source,similarity,coverage_a,coverage_b,shared,outlet_a,outlet_b,published_a,published_b,paragraphs\n")
            .and(predicate::str::contains("wire-1,gazette-7,copy,wire-1")),
    );
    let table = wm().args(["match", "--format", "table"]).arg(&corpus).output().unwrap();
    assert!(table.status.success());
    // The notes under the tables wrap: compare with whitespace collapsed.
    let table = String::from_utf8(table.stdout).unwrap();
    let flat = table.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "4 articles · 4 outlets",
        "3 article pairs in 1 story —",
        "Harbour Gazette",
        "Outlets",
        // The legend says what the columns and arrows mean, and why a pair has no
        // direction (courier-3 gives a date only, which overlaps the others' times).
        "cov.a b: share of each article's text in aligned paragraphs",
        "→ a surely published first (a is the source) · ↔ the dates cannot tell",
        "↔ 1 pair: their publication times overlap once their precision is allowed for",
        "undirected: articles matched only where the dates cannot tell who was first",
    ] {
        assert!(flat.contains(want), "{want:?} not in\n{table}");
    }
    let stories = wm()
        .args(["match", "--report", "stories", "--format", "jsonl"])
        .arg(&corpus)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let stories = lines(&stories);
    assert_eq!(stories.len(), 1);
    assert_eq!(stories[0]["id"], "courier-3", "canonical id is the smallest member id");
    assert_eq!(stories[0]["origin"], "wire-1");
    assert_eq!(stories[0]["articles"], 3);
    let outlets = wm()
        .args(["match", "--report", "outlets", "--format", "jsonl"])
        .arg(&corpus)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let outlets = lines(&outlets);
    let gazette = outlets.iter().find(|o| o["outlet"] == "Harbour Gazette").unwrap();
    assert_eq!(gazette["articles_reusing"], 1);
    assert_eq!(gazette["sources"][0]["outlet"], "Wire");
    assert_eq!(gazette["paragraphs_reused"], 3);
    let wire = outlets.iter().find(|o| o["outlet"] == "Wire").unwrap();
    assert_eq!(wire["stories_first"], 1);
}

#[test]
fn output_file_is_written_and_equals_stdout() {
    let c = TestCorpus::new();
    let corpus = small_corpus(&c);
    let out = c.path("pairs.jsonl");
    wm().args(["match", "-q", "-o"]).arg(&out).arg(&corpus).assert().success().stdout("");
    let stdout = wm()
        .args(["match", "--format", "jsonl"])
        .arg(&corpus)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(std::fs::read(&out).unwrap(), stdout);
    let csv = c.path("pairs.csv");
    wm().args(["match", "-q", "-o"]).arg(&csv).arg(&corpus).assert().success();
    assert!(std::fs::read_to_string(&csv).unwrap().starts_with("a,b,relation"));
    // An output folder that does not exist fails before any work, with exit code 2.
    wm().args(["match", "-o"])
        .arg(c.path("no/such/dir/out.jsonl"))
        .arg(&corpus)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
}

#[test]
fn summary_explain_and_exit_codes() {
    let c = TestCorpus::new();
    let corpus = small_corpus(&c);
    wm().args(["match", "--explain", "--format", "jsonl"]).arg(&corpus).assert().success().stderr(
        predicate::str::contains("28 bands × 2 rows")
            .and(predicate::str::contains("S-curve"))
            .and(predicate::str::contains("pairs: "))
            .and(predicate::str::contains("4 documents")),
    );
    wm().args(["match", "--bands", "16", "--rows", "4", "--format", "jsonl"])
        .arg(&corpus)
        .assert()
        .success();
    wm().args(["match", "--bands", "64", "--rows", "4"])
        .arg(&corpus)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exceeds"));
    wm().args(["match", "--threshold", "1.5"])
        .arg(&corpus)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("threshold"));
    let lonely = c.jsonl("one.jsonl", &[("x", "A", "2024-01-01", unrelated_text())]);
    wm().args(["match", "--fail-if-none", "--format", "jsonl"])
        .arg(&lonely)
        .assert()
        .code(1)
        .stdout("");
    wm().args(["match"])
        .arg(c.path("missing.jsonl"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
    wm().arg("--help").assert().success().stdout(predicate::str::contains("Exit codes"));
}

#[test]
fn compressed_stdin_and_folder_inputs_give_the_same_pairs() {
    let c = TestCorpus::new();
    let corpus = small_corpus(&c);
    let plain = std::fs::read(&corpus).unwrap();
    let run = |arg: &std::path::Path| {
        lines(
            &wm()
                .args(["match", "--format", "jsonl", "-q"])
                .arg(arg)
                .assert()
                .success()
                .get_output()
                .stdout
                .clone(),
        )
    };
    let want = run(&corpus);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz_path = c.write("news.jsonl.gz", gz.finish().unwrap());
    assert_eq!(run(&gz_path), want);
    let zst_path = c.write("news.jsonl.zst", zstd::encode_all(&plain[..], 3).unwrap());
    assert_eq!(run(&zst_path), want);
    let stdin = wm()
        .args(["match", "--format", "jsonl", "-q", "-"])
        .write_stdin(plain)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(lines(&stdin), want);

    // A folder: id = relative path, outlet = first folder; HTML reduced to its text.
    let html: String = format!(
        "<html><head><title>Rates</title></head><body><nav>Home</nav><article>{}</article><footer>© Gazette</footer></body></html>",
        copy_text().split("\n\n").map(|p| format!("<p>{p}</p>")).collect::<String>()
    );
    c.write("site/wire/rates.txt", wire_text());
    c.write("site/gazette/2024/rates.html", html);
    c.write("site/post/mortgages.txt", unrelated_text());
    c.write("site/post/photo.jpg", [0xffu8, 0xd8, 0xff]);
    let out = wm()
        .args(["match", "--format", "jsonl"])
        .arg(c.path("site"))
        .assert()
        .success()
        .stderr(predicate::str::contains("1 file(s) not read"))
        .get_output()
        .stdout
        .clone();
    let pairs = lines(&out);
    assert_eq!(pairs.len(), 1);
    let ids = [pairs[0]["a"].as_str().unwrap(), pairs[0]["b"].as_str().unwrap()];
    assert!(ids.contains(&"wire/rates.txt") && ids.contains(&"gazette/2024/rates.html"), "{ids:?}");
    assert_eq!(pairs[0]["relation"], "copy");
    assert_eq!(pairs[0]["source"], serde_json::Value::Null, "files have no dates");
    let outlets = [pairs[0]["outlet_a"].as_str().unwrap(), pairs[0]["outlet_b"].as_str().unwrap()];
    assert!(outlets.contains(&"wire") && outlets.contains(&"gazette"));
}

#[test]
fn sample_runs_and_eval_reports_scores() {
    // The README's first command, and the built-in scorer on the sample's labels.
    let out = wm()
        .args(["match", "--format", "jsonl", "-q"])
        .arg(sample())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(lines(&out).len() > 400);
    let json = wm()
        .args(["eval", "-q", "--json", "--labels"])
        .arg(sample_labels())
        .arg(sample())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let score: serde_json::Value = serde_json::from_slice(&json).unwrap();
    for rel in ["copy", "partial", "rewrite"] {
        let row = &score["per_relation"][rel];
        assert!(row["F1"].as_f64().unwrap() >= 0.97, "{rel}: {row}");
    }
    assert!(score["direction_accuracy"]["acc"].as_f64().unwrap() >= 0.95);
    // Scoring a predictions file gives the same figures as matching in the same run.
    let c = TestCorpus::new();
    let pred = c.path("pred.jsonl");
    wm().args(["eval", "-q", "--json", "-o"])
        .arg(&pred)
        .arg("--labels")
        .arg(sample_labels())
        .arg(sample())
        .assert()
        .success();
    let again = wm()
        .args(["eval", "-q", "--json", "--pred"])
        .arg(&pred)
        .arg("--labels")
        .arg(sample_labels())
        .arg(sample())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&again).unwrap(), score);
    // The text table says what counts as a true positive, and where relation mix-ups go.
    let table =
        wm().arg("eval").arg("--labels").arg(sample_labels()).arg(sample()).output().unwrap();
    assert!(String::from_utf8_lossy(&table.stdout).contains("confusion gold->pred"));
    let legend =
        String::from_utf8_lossy(&table.stderr).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        legend.contains(
            "a predicted pair is a true positive (TP) when its two articles form a labelled pair"
        ),
        "{legend}"
    );
    assert!(legend.contains("a gold rewrite predicted as copy is a TP of `rewrite`"), "{legend}");
}

#[test]
fn bench_generates_a_corpus_and_reports_every_stage() {
    let c = TestCorpus::new();
    let kept = c.path("bench.jsonl");
    let out = wm()
        .args(["bench", "--generate", "2M", "--rounds", "2", "--json", "-q", "--keep"])
        .arg(&kept)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = &lines(&out)[0];
    let bytes = v["bytes"].as_u64().expect("bytes");
    assert_eq!(bytes, std::fs::metadata(&kept).expect("the corpus is kept").len());
    assert!(bytes >= 2 << 20, "{bytes}");
    let stages: Vec<&str> = v["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .filter_map(|s| s["stage"].as_str())
        .collect();
    for s in ["read+fingerprint", "sign", "candidates", "verify", "align"] {
        assert!(stages.contains(&s), "{stages:?}");
    }
    // The generated corpus is syndicated news: copies are found.
    assert!(v["article_pairs"].as_u64().expect("pairs") > 50, "{v}");
    assert!(v["verified_pairs"].as_u64() <= v["candidate_pairs"].as_u64());
    // The same corpus, read back as an input, gives the same answer; the exact oracle finds
    // every pair the index verified at Jaccard >= 0.5, and the index misses almost none.
    let again = wm()
        .args(["bench", "--rounds", "1", "--json", "-q", "--oracle"])
        .arg(&kept)
        .assert()
        .success();
    let w = &lines(&again.get_output().stdout)[0];
    assert_eq!(w["article_pairs"], v["article_pairs"]);
    let (index, exact) = (
        w["index_pairs_j50"].as_u64().expect("index"),
        w["oracle_pairs_j50"].as_u64().expect("oracle"),
    );
    assert!(
        index <= exact && exact > 100 && index as f64 >= 0.99 * exact as f64,
        "{index} of {exact}"
    );
}

#[test]
fn a_memory_budget_spills_to_disk_and_changes_nothing() {
    let c = TestCorpus::new();
    let spill = c.path("spill");
    std::fs::create_dir(&spill).expect("spill folder");
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample/docs.jsonl");
    let run = |extra: &[&std::ffi::OsStr]| {
        wm().args(["match", "--format", "jsonl", "-q", sample])
            .args(extra)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let free = run(&[]);
    // A budget far below the corpus: every spillable column goes to disk.
    let bounded = run(&[
        "--memory-budget".as_ref(),
        "1M".as_ref(),
        "--spill-dir".as_ref(),
        spill.as_os_str(),
    ]);
    assert!(lines(&free).len() > 100);
    assert_eq!(free, bounded, "byte-identical output");
    // The spill files are unlinked from creation: nothing is left behind.
    assert_eq!(std::fs::read_dir(&spill).expect("read").count(), 0);
    // A budget below what the metadata needs cannot be met: the run says so.
    wm().args(["match", "--format", "jsonl", sample, "--memory-budget", "1M"])
        .assert()
        .success()
        .stderr(predicate::str::contains("exceeded --memory-budget (1 MB)"));
    // A spill folder that is not a folder is refused up front.
    wm().args(["match", "-q", sample, "--memory-budget", "1M", "--spill-dir"])
        .arg(c.path("missing"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--spill-dir is not a folder"));
}

/// A run killed while it writes its output leaves the previous output untouched: the new
/// one goes to a hidden temporary file that is renamed into place only when complete.
#[test]
fn a_run_killed_while_writing_leaves_the_old_output_intact() {
    let c = TestCorpus::new();
    // 600 copies of the wire: 179,700 pairs, ~60 MB of JSONL, so the write takes a while.
    let mut body = String::new();
    for i in 0..600 {
        body.push_str(
            &serde_json::json!({"id": format!("d{i:04}"), "outlet": format!("o{}", i % 50),
                "published": "2024-05-07", "text": wire_text()})
            .to_string(),
        );
        body.push('\n');
    }
    let corpus = c.write("many.jsonl", body);
    let out_dir = c.path("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("pairs.jsonl");
    let old = b"{\"the\": \"previous output\"}\n".repeat(1000);
    std::fs::write(&out, &old).unwrap();
    let temps = || -> Vec<String> {
        std::fs::read_dir(&out_dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "pairs.jsonl")
            .collect()
    };
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("wirematch"))
        .args(["--threads", "1", "match", "-q", "--format", "jsonl", "-o"])
        .arg(&out)
        .arg(&corpus)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill as soon as the temporary output has some bytes in it.
    let started = std::time::Instant::now();
    let seen = loop {
        let t = temps();
        let growing = t
            .iter()
            .any(|n| std::fs::metadata(out_dir.join(n)).map(|m| m.len() > 0).unwrap_or(false));
        if growing {
            child.kill().unwrap();
            break t;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before it was caught writing; make the corpus larger");
        }
        assert!(started.elapsed().as_secs() < 120, "no temporary output appeared");
        std::thread::sleep(std::time::Duration::from_micros(200));
    };
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed, not finished");
    assert_eq!(std::fs::read(&out).unwrap(), old, "the old output is byte-identical");
    // What the killed run leaves is only its hidden temporary file, never the output name.
    assert_eq!(seen.len(), 1, "{seen:?}");
    for name in temps() {
        assert!(name.starts_with(".wirematch-") && name.ends_with(".tmp"), "{name}");
    }
    // A complete run replaces the output with the whole new report.
    wm().args(["--threads", "1", "match", "-q", "--format", "jsonl", "-o"])
        .arg(&out)
        .arg(&corpus)
        .assert()
        .success();
    let new = std::fs::read(&out).unwrap();
    assert_eq!(new.iter().filter(|&&b| b == b'\n').count(), 600 * 599 / 2);
    assert!(new.ends_with(b"}\n"));
}

/// The text layout of `paragraphs` is read by the shared extraction scorer: a header
/// `NAME (PATH; language xx; N paragraphs)` whose PATH ends with NAME, then N lines
/// `  IDX  KIND  LANG  NNw  TEXT`. A change to it silently zeroes that benchmark.
#[test]
fn paragraphs_text_layout_is_the_one_the_extraction_scorer_reads() {
    let c = TestCorpus::new();
    c.write(
        "pages/a page.html",
        "<html><body><nav>Home | World</nav><p>The central bank raised its main rate by half a \
         point on Tuesday, the third increase this year.</p><p>Markets had expected less.</p>\
         </body></html>",
    );
    let out = wm().args(["paragraphs", "--width", "0"]).arg(c.path("pages")).output().expect("run");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    let (head, tail) = header.rsplit_once("; language ").expect("language");
    let (name, path) = head.split_once(" (").expect("NAME (PATH");
    assert_eq!(name, "a page.html");
    assert!(path.ends_with("/a page.html"), "{header}");
    let n: usize = tail
        .split("; ")
        .nth(1)
        .and_then(|t| t.strip_suffix(" paragraphs)"))
        .and_then(|n| n.parse().ok())
        .expect("N paragraphs");
    let paras: Vec<&str> = lines.collect();
    assert_eq!(paras.len(), n, "{text}");
    for p in paras {
        let fields: Vec<&str> = p.split_whitespace().collect();
        assert!(fields[0].parse::<usize>().is_ok() && fields[3].ends_with('w'), "{p}");
    }
    assert!(text.contains("body") && text.contains("third increase"), "{text}");
}

#[test]
fn the_output_format_follows_the_file_name_or_is_refused() {
    let c = TestCorpus::new();
    let corpus = small_corpus(&c);
    // Known extensions choose the format.
    for (name, first) in [("p.jsonl", "{"), ("p.csv", "a,b,"), ("p.txt", "4 articles")] {
        let out = c.path(name);
        wm().args(["-q", "match", "-o"]).arg(&out).arg(&corpus).assert().success();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.starts_with(first), "{name}: {}", &text[..text.len().min(80)]);
    }
    // A name without one is refused before the run (it would have been a table on a
    // terminal and JSONL in a script), and nothing is written.
    for name in ["report.pdf", "pairs.parquet", "pairs"] {
        let out = c.path(name);
        wm().args(["-q", "match", "-o"])
            .arg(&out)
            .arg(&corpus)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("name the file .jsonl, .csv, .html or .txt"));
        assert!(!out.exists(), "{name} was written");
    }
    // --format decides whatever the name.
    let out = c.path("pairs");
    wm().args(["-q", "match", "--format", "jsonl", "-o"]).arg(&out).arg(&corpus).assert().success();
    assert!(std::fs::read_to_string(&out).unwrap().starts_with('{'));
}

#[test]
fn the_defaults_print_as_a_config_file_that_reads_back() {
    let c = TestCorpus::new();
    let corpus = small_corpus(&c);
    let defaults =
        wm().args(["config", "--defaults"]).assert().success().get_output().stdout.clone();
    let cfg: serde_json::Value = serde_json::from_slice(&defaults).unwrap();
    assert_eq!(cfg["shingle_size"], 5);
    let file = c.write("defaults.json", &defaults);
    // Checked and printed back unchanged; a run with it equals a run without it.
    wm().args(["config", "--check"])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::eq(String::from_utf8(defaults).unwrap()));
    let run = |extra: &[&std::ffi::OsStr]| {
        wm().args(["-q", "match", "--format", "jsonl"])
            .args(extra)
            .arg(&corpus)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(run(&["--config".as_ref(), file.as_os_str()]), run(&[]));
    // An absurd setting is refused with the reason.
    let bad = c.write("bad.json", "{\"threshold\": 1.5}");
    wm().args(["config", "--check"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("threshold must be in (0, 1)"));
}

#[test]
fn explain_prints_the_s_curve_even_when_quiet() {
    let c = TestCorpus::new();
    let corpus = small_corpus(&c);
    wm().args(["-q", "match", "--explain", "--format", "jsonl"])
        .arg(&corpus)
        .assert()
        .success()
        .stderr(predicate::str::contains("S-curve P(candidate | Jaccard s)"));
}

#[test]
fn rfc_2822_dates_of_feeds_give_directions_without_warnings() {
    let c = TestCorpus::new();
    let corpus = c.jsonl(
        "feed.jsonl",
        &[
            ("wire-1", "Wire", "Tue, 07 May 2024 09:00:00 GMT", &wire_text()),
            ("gazette-7", "Harbour Gazette", "Tue, 07 May 2024 13:30:00 +0200", &copy_text()),
        ],
    );
    let o = wm().args(["match", "--format", "jsonl"]).arg(&corpus).output().unwrap();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("warning"), "{err}");
    let pairs = lines(&o.stdout);
    assert_eq!(pairs.len(), 1);
    assert_eq!(pairs[0]["source"], "wire-1", "09:00 GMT is before 11:30 GMT");
}

#[test]
fn with_text_quotes_the_aligned_paragraphs_in_jsonl_and_csv() {
    let c = TestCorpus::new();
    let corpus = small_corpus(&c);
    let out = wm()
        .args(["match", "--with-text", "--format", "jsonl", "-q"])
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(out.status.success());
    let pairs = lines(&out.stdout);
    assert_eq!(pairs.len(), 3);
    let paragraph = |id: &str, i: u64| -> String {
        let o = wm()
            .args(["paragraphs", "--format", "jsonl", "--id", id])
            .arg(&corpus)
            .output()
            .unwrap();
        let rec: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        rec["paragraphs"][i as usize]["text"].as_str().unwrap().to_string()
    };
    for p in &pairs {
        for q in p["paragraphs"].as_array().unwrap() {
            let (a, b) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
            assert_eq!(q["text_a"].as_str().unwrap(), paragraph(a, q["a"].as_u64().unwrap()));
            assert_eq!(q["text_b"].as_str().unwrap(), paragraph(b, q["b"].as_u64().unwrap()));
        }
    }
    // Without the option the contract is unchanged: no text fields.
    let plain = wm().args(["match", "--format", "jsonl", "-q"]).arg(&corpus).output().unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("text_a"));
    // CSV: two more columns, the aligned paragraphs of each side.
    let csv =
        wm().args(["match", "--with-text", "--format", "csv", "-q"]).arg(&corpus).output().unwrap();
    let mut r = csv::Reader::from_reader(&csv.stdout[..]);
    let headers = r.headers().unwrap().clone();
    assert_eq!(&headers[13], "texts_a");
    assert_eq!(&headers[14], "texts_b");
    let first = r.records().next().unwrap().unwrap();
    let want = pairs[0]["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["text_a"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n\n");
    assert_eq!(&first[13], want);
    // Where texts have no place, the option is refused before the run.
    for args in [
        &["--format", "table"][..],
        &["--format", "html"],
        &["--report", "stories", "--format", "jsonl"],
    ] {
        wm().args(["match", "--with-text"])
            .args(args)
            .arg(&corpus)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--with-text"));
    }
}

#[test]
fn completions_and_manual_pages_come_from_the_command_definitions() {
    for (shell, marker) in
        [("bash", "_wirematch()"), ("zsh", "#compdef wirematch"), ("fish", "complete -c wirematch")]
    {
        let o = wm().args(["completions", shell]).output().unwrap();
        assert!(o.status.success(), "{shell}");
        let script = String::from_utf8(o.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: {}", &script[..script.len().min(200)]);
        assert!(
            script.contains("with-text") && script.contains("memory-budget"),
            "{shell}: options missing"
        );
    }
    wm().args(["completions", "tcsh"]).assert().code(2);
    let c = TestCorpus::new();
    let dir = c.path("man1");
    std::fs::create_dir(&dir).unwrap();
    wm().args(["man", "--dir"]).arg(&dir).assert().success();
    for page in [
        "wirematch",
        "wirematch-match",
        "wirematch-index-query",
        "wirematch-model-fetch",
        "wirematch-completions",
    ] {
        let text = std::fs::read_to_string(dir.join(format!("{page}.1"))).unwrap();
        assert!(text.starts_with(".ie") || text.contains(".TH"), "{page}");
    }
    let query = std::fs::read_to_string(dir.join("wirematch-index-query.1")).unwrap();
    assert!(query.contains("wirematch index query") && query.contains("with\\-text"), "{query}");
    let main = wm().arg("man").output().unwrap();
    assert!(String::from_utf8_lossy(&main.stdout).contains(".TH wirematch 1"));
    wm().args(["man", "--dir"]).arg(c.path("missing")).assert().code(2);
}

#[test]
fn an_id_is_taken_whole_or_by_a_unique_beginning() {
    let c = TestCorpus::new();
    let corpus = small_corpus(&c);
    let first_line = |args: &[&str]| {
        let o = wm()
            .args(["paragraphs", "--format", "jsonl"])
            .args(args)
            .arg(&corpus)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).to_string(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    // "gaz" begins one id only: that document.
    let (code, out, _) = first_line(&["--id", "gaz"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("\"id\":\"gazette-7\""), "{out}");
    // The whole id still works, and wins over longer ids it begins.
    let (_, out, _) = first_line(&["--id", "wire-1"]);
    assert!(out.contains("\"id\":\"wire-1\""), "{out}");
    // Ambiguous or unknown: exit 2 and a message saying which.
    let two = c.jsonl(
        "two.jsonl",
        &[
            ("story-10", "A", "2024-01-01", unrelated_text()),
            ("story-11", "B", "2024-01-01", unrelated_text()),
        ],
    );
    let o = wm().args(["paragraphs", "--id", "story-1"]).arg(&two).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("begins 2 document ids (story-10, story-11)"), "{err}");
    let (code, _, err) = first_line(&["--id", "nope"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no document id is or begins with \"nope\""), "{err}");
}
