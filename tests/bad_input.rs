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
