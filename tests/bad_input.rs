//! Bad input: every problem is reported with file and line, never panics, and every good
//! record is still processed.

use std::io::Write;

use predicates::prelude::*;

use crate::util::*;

fn rec(id: &str, text: &str) -> String {
    serde_json::json!({"id": id, "outlet": format!("o-{id}"), "published": "2024-01-01", "text": text}).to_string()
}

/// The good records of every bad-input corpus: a wire and its copy (one pair).
fn good() -> (String, String) {
    (rec("good-wire", &wire_text()), rec("good-copy", &copy_text()))
}

fn run_ok(path: &std::path::Path, extra: &[&str]) -> (Vec<serde_json::Value>, String) {
    let out = wm()
        .args(["match", "--format", "jsonl"])
        .args(extra)
        .arg(path)
        .assert()
        .success()
        .get_output()
        .clone();
    (lines(&out.stdout), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn each_bad_line_is_reported_with_file_and_line_and_the_rest_survives() {
    let c = TestCorpus::new();
    let (w, cp) = good();
    let mut body: Vec<u8> = Vec::new();
    let lines_in: Vec<Vec<u8>> = vec![
        w.into_bytes(),                                                               // 1
        b"this is not json".to_vec(),                                                 // 2
        b"[1, 2, 3]".to_vec(),                                                        // 3
        br#"{"text": "no id here"}"#.to_vec(),                                        // 4
        br#"{"id": "no-text"}"#.to_vec(),                                             // 5
        br#"{"id": "empty", "text": "   "}"#.to_vec(),                                // 6
        br#"{"id": "good-wire", "text": "a second record with a used id"}"#.to_vec(), // 7
        br#"{"id": {"x": 1}, "text": "id of the wrong type"}"#.to_vec(),              // 8
        b"{\"id\": \"latin1\", \"text\": \"caf\xe9 cr\xe8me, repaired\"}".to_vec(),   // 9
        cp.into_bytes(),                                                              // 10
    ];
    for l in &lines_in {
        body.extend_from_slice(l);
        body.push(b'\n');
    }
    let path = c.write("dirty.jsonl", &body);
    let (pairs, err) = run_ok(&path, &[]);
    assert_eq!(pairs.len(), 1, "the good pair is still found");
    let p = path.display().to_string();
    for (line, what) in [
        (2, "not valid JSON"),
        (3, "expected a JSON object, found an array"),
        (4, "missing required field `id`"),
        (5, "missing required field `text`"),
        (6, "text is empty"),
        (7, "duplicate id \"good-wire\""),
        (8, "field `id` must be a string, found an object"),
        (9, "invalid UTF-8 replaced"),
    ] {
        let needle = format!("{p}:{line}: ");
        let found = err.lines().find(|l| l.contains(&needle));
        assert!(found.is_some_and(|l| l.contains(what)), "line {line}: want {what:?} in\n{err}");
    }
    assert!(
        err.contains(&format!("{p}:7: duplicate id \"good-wire\" (first seen at {p}:1)")),
        "{err}"
    );
    assert!(err.contains("7 records skipped, 1 repaired"), "{err}");
    // --strict turns the first skipped record into a failure (exit code 2).
    wm().args(["match", "--strict"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{p}:2: not valid JSON")));
}

#[test]
fn an_enormous_line_is_skipped_without_losing_its_neighbours() {
    let c = TestCorpus::new();
    let (w, cp) = good();
    let huge = rec("huge", &"word ".repeat(300_000)); // 1.5 MB on one line
    let path = c.write("huge.jsonl", format!("{w}\n{huge}\n{cp}\n"));
    let (pairs, err) = run_ok(&path, &["--max-record-size", "1M"]);
    assert_eq!(pairs.len(), 1);
    assert!(
        err.contains(&format!("{}:2: record is", path.display())) && err.contains("over the limit"),
        "{err}"
    );
    // Under the default limit the same line is read and processed.
    let (pairs, err) = run_ok(&path, &[]);
    assert_eq!(pairs.len(), 1);
    assert!(err.contains("0 records skipped"), "{err}");
}

#[test]
fn a_truncated_gzip_keeps_what_was_read_and_says_where_it_broke() {
    let c = TestCorpus::new();
    let (w, cp) = good();
    let mut body = format!("{w}\n{cp}\n");
    for i in 0..3000 {
        body.push_str(&rec(
            &format!("filler-{i}"),
            &format!("Filler record number {i} about nothing in particular at all."),
        ));
        body.push('\n');
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(body.as_bytes()).unwrap();
    let full = gz.finish().unwrap();
    let path = c.write("cut.jsonl.gz", &full[..full.len() * 2 / 3]);
    let (pairs, err) = run_ok(&path, &[]);
    assert_eq!(pairs.len(), 1, "records before the break are processed");
    assert!(
        err.contains(&format!("{}:", path.display())) && err.contains("reading stopped"),
        "{err}"
    );
    assert!(err.contains("the rest of this input is lost"), "{err}");
}

#[test]
fn unreadable_and_empty_inputs() {
    let c = TestCorpus::new();
    let (w, cp) = good();
    let good_path = c.write("good.jsonl", format!("{w}\n{cp}\n"));
    let empty = c.write("empty.jsonl", "");
    let (pairs, _) = run_ok(&good_path, &[]);
    assert_eq!(pairs.len(), 1);
    // An empty file is a valid, empty corpus.
    let out = wm()
        .args(["match", "--format", "jsonl"])
        .arg(&empty)
        .arg(&good_path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(lines(&out).len(), 1);
    // A folder with an unreadable sub-folder (skipped when running as root, which can read anything).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = c.path("site/locked");
        std::fs::create_dir_all(&locked).unwrap();
        c.write("site/wire/a.txt", wire_text());
        c.write("site/gazette/b.txt", copy_text());
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        let readable = std::fs::read_dir(&locked).is_ok();
        let out = wm()
            .args(["match", "--format", "jsonl"])
            .arg(c.path("site"))
            .assert()
            .success()
            .get_output()
            .clone();
        assert_eq!(lines(&out.stdout).len(), 1);
        if !readable {
            assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
        }
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// The summary line's "N records skipped, M repaired" counts ("1 record skipped" in the
/// singular).
fn skipped_repaired(stderr: &str) -> (u64, u64) {
    let line = stderr
        .lines()
        .find(|l| l.contains(" skipped, ") && l.contains(" repaired"))
        .unwrap_or_else(|| panic!("no summary line in\n{stderr}"));
    let (before, after) = line.split_once(" skipped, ").unwrap();
    let before = before.trim_end_matches(" records").trim_end_matches(" record");
    let skipped = before.rsplit(' ').next().unwrap().replace(',', "").parse().unwrap();
    let repaired = after.split(' ').next().unwrap().replace(',', "").parse().unwrap();
    (skipped, repaired)
}

/// The ids of documents in any reported pair.
fn ids_in(pairs: &[serde_json::Value]) -> std::collections::BTreeSet<String> {
    pairs
        .iter()
        .flat_map(|p| [p["a"].as_str().unwrap().to_string(), p["b"].as_str().unwrap().to_string()])
        .collect()
}

/// Asserts that `stderr` has a line naming `loc` (FILE:LINE) with `what` in it.
#[track_caller]
fn reported(stderr: &str, loc: &str, what: &str) {
    let needle = format!("{loc}: ");
    assert!(
        stderr.lines().any(|l| l.contains(&needle) && l.contains(what)),
        "want {what:?} at {loc} in\n{stderr}"
    );
}

#[test]
fn encodings_line_ends_and_control_bytes() {
    // BOM on the first and on a later line (files joined with cat), CRLF line ends, a raw
    // NUL byte inside a string (invalid JSON), a line of NULs, an escaped NUL (valid JSON:
    // the record is kept), invalid UTF-8 between good lines.
    let c = TestCorpus::new();
    let (w, cp) = good();
    let mut body: Vec<u8> = Vec::new();
    body.extend_from_slice(b"\xEF\xBB\xBF");
    body.extend_from_slice(w.as_bytes()); // 1: BOM + the wire
    body.extend_from_slice(b"\r\n");
    body.extend_from_slice(b"{\"id\": \"nul-raw\", \"text\": \"a\x00b and more words here\"}\r\n"); // 2
    body.extend_from_slice(b"\x00\x00\x00\x00\r\n"); // 3
    body.extend_from_slice(rec("nul-escaped", "text with \u{0} an escaped NUL in it").as_bytes()); // 4
    body.extend_from_slice(b"\r\n");
    body.extend_from_slice(b"{\"id\": \"bad-utf8\", \"text\": \"ok \xff\xfe\xc3 bytes\"}\r\n"); // 5
    body.extend_from_slice(b"\xEF\xBB\xBF");
    body.extend_from_slice(cp.as_bytes()); // 6: BOM + the copy
    body.extend_from_slice(b"\r\n");
    let path = c.write("crlf.jsonl", &body);
    let (pairs, err) = run_ok(&path, &[]);
    let p = path.display().to_string();
    assert_eq!(ids_in(&pairs), ["good-copy", "good-wire"].map(String::from).into());
    reported(&err, &format!("{p}:2"), "not valid JSON: control character");
    reported(&err, &format!("{p}:3"), "not valid JSON");
    reported(&err, &format!("{p}:5"), "invalid UTF-8 replaced");
    assert!(!err.contains(&format!("{p}:1:")) && !err.contains(&format!("{p}:4:")), "{err}");
    assert!(!err.contains(&format!("{p}:6:")), "BOM and CRLF are not problems\n{err}");
    assert_eq!(skipped_repaired(&err), (2, 1), "{err}");
    assert!(err.contains("wirematch: 4 documents"), "4 records kept\n{err}");
    // The same bytes through gzip (the streaming reader) give the same pairs and reports.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&body).unwrap();
    let gz_path = c.write("crlf.jsonl.gz", gz.finish().unwrap());
    let (gz_pairs, gz_err) = run_ok(&gz_path, &[]);
    assert_eq!(gz_pairs, pairs);
    reported(&gz_err, &format!("{}:5", gz_path.display()), "invalid UTF-8 replaced");
    assert_eq!(skipped_repaired(&gz_err), (2, 1));
}

#[test]
fn json_values_and_field_types_that_do_not_fit() {
    let c = TestCorpus::new();
    let (w, cp) = good();
    let bad: &[(&str, &str)] = &[
        ("42", "expected a JSON object, found a number"),
        ("\"just a string\"", "expected a JSON object, found a string"),
        ("null", "expected a JSON object, found null"),
        ("true", "expected a JSON object, found a boolean"),
        (r#"{"id": "t-num", "text": 12345}"#, "field `text` must be a string, found a number"),
        (r#"{"id": "t-arr", "text": ["a", "b"]}"#, "field `text` must be a string, found an array"),
        (r#"{"id": true, "text": "words words"}"#, "field `id` must be a string, found a boolean"),
        (r#"{"id": "", "text": "an empty id"}"#, "missing required field `id`"),
        (r#"{"id": "t-empty", "text": ""}"#, "text is empty"),
        (r#"{"id": "t-null", "text": null}"#, "missing required field `text`"),
        (r#"{"id": "t-trunc", "text": "cut off"#, "not valid JSON"),
        (r#"{"id": "t-trail", "text": "x"} trailing"#, "not valid JSON"),
        (r#"{}"#, "missing required field `id`"),
    ];
    let mut body = format!("{w}\n");
    for (line, _) in bad {
        body.push_str(line);
        body.push('\n');
    }
    // Kept with a warning: optional fields of the wrong type.
    body.push_str(
        r#"{"id": "opt", "text": "Some words of a record to keep.", "outlet": [1], "published": {"y": 2024}, "lang": 7}"#,
    );
    body.push('\n');
    body.push_str(&cp);
    body.push('\n');
    let path = c.write("types.jsonl", body);
    let (pairs, err) = run_ok(&path, &[]);
    assert_eq!(ids_in(&pairs), ["good-copy", "good-wire"].map(String::from).into());
    let p = path.display();
    for (i, (_, what)) in bad.iter().enumerate() {
        reported(&err, &format!("{p}:{}", i + 2), what);
    }
    let opt = format!("{p}:{}", bad.len() + 2);
    reported(&err, &opt, "field `outlet` ignored: expected a string, found an array");
    reported(&err, &opt, "field `published` ignored: expected a string, found an object");
    // Every bad line is counted; the record with ignored fields is kept, not "repaired".
    assert_eq!(skipped_repaired(&err).0, bad.len() as u64, "{err}");
    assert!(err.contains("wirematch: 3 documents"), "{err}");
}

#[test]
fn duplicate_ids_across_files_keep_the_first_in_input_order() {
    let c = TestCorpus::new();
    let (w, cp) = good();
    let first = c.write("first.jsonl", format!("{w}\n"));
    // The second file repeats the wire's id with other text, then has the copy.
    let second = c.write("second.jsonl", format!("{}\n{cp}\n", rec("good-wire", unrelated_text())));
    let (pairs, err) = {
        let out = wm()
            .args(["match", "--format", "jsonl"])
            .arg(&first)
            .arg(&second)
            .assert()
            .success()
            .get_output()
            .clone();
        (lines(&out.stdout), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // The first occurrence is kept: the wire still matches the copy.
    assert_eq!(ids_in(&pairs), ["good-copy", "good-wire"].map(String::from).into());
    assert!(
        err.contains(&format!(
            "{}:1: duplicate id \"good-wire\" (first seen at {}:1)",
            second.display(),
            first.display()
        )),
        "{err}"
    );
    assert_eq!(skipped_repaired(&err), (1, 0));
    // The same file given twice: every record of the second copy is a duplicate.
    let out = wm()
        .args(["match", "--format", "jsonl"])
        .arg(&second)
        .arg(&second)
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(skipped_repaired(&String::from_utf8_lossy(&out.stderr)), (2, 0));
}

#[test]
fn tiny_documents_are_kept_and_do_not_match_by_accident() {
    // Shorter than one 5-word shingle, one word, one character: processed, never a panic,
    // and they do not match each other or the good pair on a shared word.
    let c = TestCorpus::new();
    let (w, cp) = good();
    let tiny = [
        rec("t1", "Rates rise."),
        rec("t2", "Rates rise."),
        rec("t3", "x"),
        rec("t4", "The central bank"),
        rec("t5", "é"),
    ];
    let path = c.write("tiny.jsonl", format!("{w}\n{}\n{cp}\n", tiny.join("\n")));
    let (pairs, err) = run_ok(&path, &[]);
    assert!(err.contains("wirematch: 7 documents"), "all kept\n{err}");
    assert_eq!(skipped_repaired(&err), (0, 0));
    assert!(ids_in(&pairs).is_superset(&["good-copy", "good-wire"].map(String::from).into()));
    assert!(!ids_in(&pairs).contains("t4") && !ids_in(&pairs).contains("t3"), "{pairs:?}");
    // Nothing but tiny documents: a valid run with no pair (and --fail-if-none says so).
    let only = c.write("only-tiny.jsonl", tiny.join("\n"));
    wm().args(["match", "--format", "jsonl", "--fail-if-none"])
        .arg(&only)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("5 documents"));
}

#[test]
fn a_100_mb_line_is_skipped_under_the_default_limit_and_its_neighbours_survive() {
    let c = TestCorpus::new();
    let (w, cp) = good();
    let huge_len = 100usize << 20;
    let mut body = Vec::with_capacity(huge_len + 10_000);
    body.extend_from_slice(w.as_bytes());
    body.push(b'\n');
    body.extend_from_slice(br#"{"id": "huge", "text": ""#);
    body.resize(body.len() + huge_len, b'a');
    body.extend_from_slice(b"\"}\n");
    body.extend_from_slice(cp.as_bytes());
    body.push(b'\n');
    let plain = c.write("huge.jsonl", &body);
    // Concatenated gzip members: the 100 MB line compresses to ~100 KB in no time.
    let member = |bytes: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    };
    let gz = c.write("huge.jsonl.gz", member(&body));
    drop(body);
    for path in [&plain, &gz] {
        let (pairs, err) = run_ok(path, &[]);
        assert_eq!(ids_in(&pairs), ["good-copy", "good-wire"].map(String::from).into());
        reported(&err, &format!("{}:2", path.display()), "over the limit of 67108864 bytes");
        assert_eq!(skipped_repaired(&err), (1, 0), "{err}");
    }
}

/// Concatenated gzip members (or zstd frames) decompress to the concatenation: a bomb is a
/// small block repeated.
fn gzip_member(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn a_decompression_bomb_is_capped_and_reported() {
    let c = TestCorpus::new();
    let (w, cp) = good();
    // The good pair, then 1 GiB of spaces on one line from a ~1 MB file, then a record
    // that the cap makes unreachable.
    let spaces = gzip_member(&vec![b' '; 1 << 20]);
    let mut gz = gzip_member(format!("{w}\n{cp}\n").as_bytes());
    for _ in 0..1024 {
        gz.extend_from_slice(&spaces);
    }
    gz.extend_from_slice(&gzip_member(format!("\n{}\n", rec("after", "lost words")).as_bytes()));
    assert!(gz.len() < 2 << 20, "{} bytes", gz.len());
    let path = c.write("bomb.jsonl.gz", &gz);
    let started = std::time::Instant::now();
    let (pairs, err) = run_ok(&path, &[]);
    let took = started.elapsed();
    assert_eq!(ids_in(&pairs), ["good-copy", "good-wire"].map(String::from).into());
    let limit = (gz.len() as u64 * 100).max(256 << 20);
    reported(
        &err,
        &format!("{}:3", path.display()),
        &format!("decompressed past {limit} bytes (--max-expansion; a decompression bomb?)"),
    );
    assert!(err.contains("after 2 complete lines; the rest of this input is lost"), "{err}");
    assert_eq!(skipped_repaired(&err), (1, 0), "{err}");
    assert!(took.as_secs() < 20, "the cap bounds the work: {took:?}");
    // --strict makes it fatal; --max-expansion 0 lifts the limit (the line is then over the
    // record limit and skipped, and the record after it is read).
    wm().args(["match", "--strict"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{}:3: reading stopped", path.display())));
    // A zstd bomb (concatenated frames) is capped the same way. With the limit lifted
    // (--max-expansion 0) the whole stream is read: the long line is over the record limit
    // and skipped without being held, and the record after it is found.
    let mut zst = zstd::encode_all(format!("{w}\n{cp}\n").as_bytes(), 3).unwrap();
    let block = zstd::encode_all(&vec![b' '; 1 << 20][..], 19).unwrap();
    for _ in 0..300 {
        zst.extend_from_slice(&block);
    }
    zst.extend_from_slice(
        &zstd::encode_all(format!("\n{}\n", rec("after", "Found after all.")).as_bytes(), 3)
            .unwrap(),
    );
    let zpath = c.write("bomb.jsonl.zst", &zst);
    let (pairs, err) = run_ok(&zpath, &[]);
    assert_eq!(pairs.len(), 1);
    reported(&err, &format!("{}:3", zpath.display()), "(--max-expansion; a decompression bomb?)");
    assert!(err.contains("wirematch: 2 documents"), "{err}");
    let (pairs, err) = run_ok(&zpath, &["--max-expansion", "0"]);
    assert_eq!(pairs.len(), 1);
    reported(&err, &format!("{}:3", zpath.display()), "over the limit");
    assert!(err.contains("wirematch: 3 documents"), "{err}");
    assert_eq!(skipped_repaired(&err), (1, 0), "{err}");
}

#[test]
fn a_truncated_zstd_keeps_what_was_read_and_says_where_it_broke() {
    let c = TestCorpus::new();
    let (w, cp) = good();
    let mut body = format!("{w}\n{cp}\n");
    for i in 0..3000 {
        body.push_str(&rec(&format!("filler-{i}"), &format!("Filler record {i} of nothing much.")));
        body.push('\n');
    }
    let full = zstd::encode_all(body.as_bytes(), 3).unwrap();
    let path = c.write("cut.jsonl.zst", &full[..full.len() * 2 / 3]);
    let (pairs, err) = run_ok(&path, &[]);
    assert_eq!(ids_in(&pairs), ["good-copy", "good-wire"].map(String::from).into());
    assert!(
        err.lines().any(|l| l.contains(&format!("{}:", path.display()))
            && l.contains("reading stopped")
            && l.contains("the rest of this input is lost")),
        "{err}"
    );
    assert_eq!(skipped_repaired(&err).0, 1, "{err}");
    // A file that is only a compression header.
    let stub = c.write("stub.jsonl.gz", [0x1f, 0x8b, 8, 0]);
    let (pairs, err) = run_ok(&stub, &[]);
    assert!(pairs.is_empty());
    assert!(err.contains(&format!("{}:1: reading stopped", stub.display())), "{err}");
}

/// Whether this process can read anything regardless of permissions (root). The permission
/// checks then cannot fail and are skipped; run the test binary as another user to make
/// them count (`runuser -u nobody -- target/release/deps/tests-* unreadable`).
#[cfg(unix)]
fn reads_everything(c: &TestCorpus) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = c.write("probe.txt", "x");
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let can = std::fs::read(&probe).is_ok();
    std::fs::remove_file(&probe).unwrap();
    can
}

#[cfg(unix)]
#[test]
fn unreadable_input_files_are_skipped_and_counted() {
    use std::os::unix::fs::PermissionsExt;
    let c = TestCorpus::new();
    let (w, cp) = good();
    let good_path = c.write("good.jsonl", format!("{w}\n{cp}\n"));
    let locked = c.write("locked.jsonl", format!("{}\n", rec("hidden", &wire_text())));
    let locked_gz = c.write("locked.jsonl.gz", gzip_member(rec("hidden2", "x").as_bytes()));
    c.write("site/wire/a.txt", wire_text());
    let locked_txt = c.write("site/gazette/b.txt", copy_text());
    for p in [&locked, &locked_gz, &locked_txt] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    let root = reads_everything(&c);
    let out = wm()
        .args(["match", "--format", "jsonl"])
        .arg(&locked)
        .arg(&good_path)
        .arg(&locked_gz)
        .arg(c.path("site"))
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    let pairs = lines(&out.stdout);
    assert!(ids_in(&pairs).is_superset(&["good-copy", "good-wire"].map(String::from).into()));
    if root {
        eprintln!("running as root: permissions are not enforced, unreadable-file checks skipped");
    } else {
        for p in [&locked, &locked_gz, &locked_txt] {
            assert!(
                err.lines().any(
                    |l| l.contains(&p.display().to_string()) && l.contains("Permission denied")
                ),
                "{} not reported in\n{err}",
                p.display()
            );
        }
        assert_eq!(skipped_repaired(&err).0, 3, "{err}");
        wm().args(["match", "--strict"]).arg(&good_path).arg(&locked).assert().code(2);
    }
}

#[test]
fn an_output_that_cannot_be_written_fails_with_code_2_and_names_it() {
    let c = TestCorpus::new();
    let (w, cp) = good();
    let corpus = c.write("good.jsonl", format!("{w}\n{cp}\n"));
    // An existing folder where the output file should go (fails even for root, at the
    // rename); nothing is left behind in it.
    let dir_out = c.path("taken.jsonl");
    std::fs::create_dir(&dir_out).unwrap();
    wm().args(["match", "-o"])
        .arg(&dir_out)
        .arg(&corpus)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("writing {}", dir_out.display())));
    assert!(dir_out.is_dir() && std::fs::read_dir(&dir_out).unwrap().next().is_none());
    let leftovers: Vec<_> = std::fs::read_dir(c.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".wirematch-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // A path below a regular file.
    wm().args(["match", "-o"])
        .arg(corpus.join("out.jsonl"))
        .arg(&corpus)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("out.jsonl"));
    // A read-only folder (not enforced for root).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = c.path("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::write(ro.join("out.jsonl"), "old\n").unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        if !reads_everything(&c) {
            wm().args(["match", "-o"])
                .arg(ro.join("out.jsonl"))
                .arg(&corpus)
                .assert()
                .code(2)
                .stderr(predicate::str::contains("Permission denied"));
            assert_eq!(std::fs::read(ro.join("out.jsonl")).unwrap(), b"old\n");
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // The exit codes are those documented in --help.
    wm().args(["match", "--help"]).assert().success().stdout(
        predicate::str::contains("Exit codes")
            .and(predicate::str::contains("0  success"))
            .and(predicate::str::contains("2  error")),
    );
}
