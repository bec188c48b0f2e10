//! Faults and hostile conditions an operator meets: concurrent writers, killed runs,
//! outputs that are not files, files that change under a run, odd names, absurd options.
//! Each asserts a clear error or the documented behaviour, and that no document is lost.

use std::path::Path;

use crate::util::{TestCorpus, sample, wm};

/// The number of documents a run over `args` read, from its summary.
fn documents_read(args: &[&std::ffi::OsStr]) -> usize {
    let out = wm().arg("match").args(args).arg("-o").arg("/dev/stdout").output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err.lines().find(|l| l.starts_with("wirematch: ")).expect("summary line");
    line["wirematch: ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.replace(',', "").parse().ok())
        .expect("a count")
}

/// The sample split into `parts` JSONL files, round robin.
fn split_sample(c: &TestCorpus, parts: usize) -> Vec<std::path::PathBuf> {
    let text = std::fs::read_to_string(sample()).expect("sample");
    let mut files = vec![String::new(); parts];
    for (i, line) in text.lines().enumerate() {
        files[i % parts].push_str(line);
        files[i % parts].push('\n');
    }
    files.iter().enumerate().map(|(i, f)| c.write(&format!("part{i}.jsonl"), f)).collect()
}

#[test]
fn concurrent_index_adds_are_serialised_and_lose_no_document() {
    let c = TestCorpus::new();
    let parts = split_sample(&c, 3);
    let idx = c.path("idx");
    wm().args(["-q", "index", "build"]).arg(&parts[0]).arg("-o").arg(&idx).assert().success();
    let bin = assert_cmd::cargo::cargo_bin("wirematch");
    let adds: Vec<std::process::Child> = parts[1..]
        .iter()
        .map(|p| {
            std::process::Command::new(&bin)
                .args(["-q", "index", "add"])
                .arg(&idx)
                .arg(p)
                .spawn()
                .expect("spawn")
        })
        .collect();
    // Readers keep working while the writers swap data files under them.
    let mut queries = 0;
    while queries < 40 {
        let out =
            wm().args(["-q", "index", "query"]).arg(&idx).arg(&parts[0]).output().expect("query");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        queries += 1;
    }
    for mut a in adds {
        assert!(a.wait().expect("wait").success());
    }
    let stored = documents_read(&["--index".as_ref(), idx.as_os_str()]);
    let all = documents_read(&[sample().as_os_str()]);
    assert_eq!(stored, all, "every added document is in the index");
    // One data file, the manifest, the lock: nothing else left behind.
    let mut names: Vec<String> = std::fs::read_dir(&idx)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(
        names.contains(&"manifest.json".to_string()) && names.contains(&"write.lock".to_string())
    );
}

#[test]
fn what_killed_writers_left_is_cleared_by_the_next_one() {
    let c = TestCorpus::new();
    let parts = split_sample(&c, 2);
    let idx = c.path("idx");
    wm().args(["-q", "index", "build"]).arg(&parts[0]).arg("-o").arg(&idx).assert().success();
    // A killed writer's temporary file and a data file no manifest names.
    std::fs::write(idx.join(".wirematch-4000000-abcdef.tmp"), vec![0u8; 4096]).expect("write");
    std::fs::write(idx.join("index-77.wmi"), vec![0u8; 4096]).expect("write");
    wm().args(["-q", "index", "add"]).arg(&idx).arg(&parts[1]).assert().success();
    assert!(!idx.join(".wirematch-4000000-abcdef.tmp").exists());
    assert!(!idx.join("index-77.wmi").exists());
    // A killed `match -o` run's temporary file beside the output is removed by the next
    // write there; a running process's is not.
    let dead = {
        let mut child = std::process::Command::new("true").spawn().expect("spawn");
        let id = child.id();
        child.wait().expect("wait");
        id
    };
    let stale = c.path(&format!(".wirematch-{dead}-zzzzzz.tmp"));
    let live = c.path(&format!(".wirematch-{}-yyyyyy.tmp", std::process::id()));
    std::fs::write(&stale, "partial").expect("write");
    std::fs::write(&live, "partial").expect("write");
    wm().args(["-q", "match"]).arg(sample()).arg("-o").arg(c.path("out.jsonl")).assert().success();
    assert!(!stale.exists(), "a dead run's temporary file is removed");
    assert!(live.exists(), "a running process's temporary file is kept");
}

#[test]
fn an_add_to_a_missing_index_creates_nothing() {
    let c = TestCorpus::new();
    let idx = c.path("nothing-here");
    let out = wm().args(["index", "add"]).arg(&idx).arg(sample()).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing-here"));
    assert!(!idx.exists());
}

#[cfg(unix)]
fn make_node(path: &Path) -> bool {
    // A character device (the null device's numbers) where the test may create one (as
    // root); a FIFO otherwise. Never the real /dev/null.
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).expect("path");
    // SAFETY: a valid NUL-terminated path.
    let dev = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) } == 0;
    if !dev {
        // SAFETY: as above.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o666) }, 0, "mkfifo");
    }
    dev
}

#[test]
#[cfg(unix)]
fn an_output_that_is_a_device_or_fifo_is_written_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let c = TestCorpus::new();
    let node = c.path("node");
    let device = make_node(&node);
    let reader = (!device).then(|| {
        let node = node.clone();
        std::thread::spawn(move || std::fs::read(node).expect("read the fifo").len())
    });
    wm().args(["-q", "match"]).arg(sample()).arg("-o").arg(&node).assert().success();
    if let Some(r) = reader {
        assert!(r.join().expect("reader") > 1000, "the pairs went through the FIFO");
    }
    let t = std::fs::symlink_metadata(&node).expect("node").file_type();
    assert!(if device { t.is_char_device() } else { t.is_fifo() }, "the node is still there");
}

/// Two articles of one wire story, for the cases below.
fn pair_corpus(c: &TestCorpus, outlet_a: &str, date_a: &str) -> std::path::PathBuf {
    let story = "The central bank raised its main interest rate by half a point on Tuesday, \
        the third increase this year, citing inflation that has stayed above its target for \
        eighteen months and a labour market that officials described as unusually tight.\n\n\
        Markets had expected a smaller move, and the currency rose sharply against the dollar \
        after the announcement, while shares of the largest lenders fell in afternoon trading.";
    c.jsonl(
        "pair.jsonl",
        &[("a", outlet_a, date_a, story), ("b", "Second Paper", "2015-03-04", story)],
    )
}

#[test]
fn absurd_options_and_settings_are_refused() {
    let c = TestCorpus::new();
    let corpus = pair_corpus(&c, "First Paper", "2015-03-03");
    for (args, says) in [
        (vec!["--threads", "100000"], "1..=1024"),
        (vec!["--threads", "0"], "1..=1024"),
        (vec!["--bands", "4611686018427387904", "--rows", "4"], "exceeds the signature length"),
    ] {
        let out = wm().arg("match").args(&args).arg(&corpus).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    for (settings, says) in [
        ("[0.5, 5]", "JSON object"),
        (r#"{"treshold": 0.3}"#, "did you mean `threshold`"),
        (r#"{"bands": 18446744073709551615, "rows": 2}"#, "exceeds the signature length"),
    ] {
        let file = c.write("settings.json", settings);
        let out = wm().arg("match").arg("--config").arg(&file).arg(&corpus).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{settings}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{settings}: {err}");
        assert!(err.contains("settings.json") || says.contains("exceeds"), "{err}");
    }
}

#[test]
fn a_full_standard_error_does_not_stop_the_run() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        return; // not a Linux-like system: nothing to test with
    }
    let c = TestCorpus::new();
    let corpus = pair_corpus(&c, "First Paper", "2015-03-03");
    let out_file = c.path("out.jsonl");
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("wirematch"))
        .args(["match", "-vv"])
        .arg(&corpus)
        .arg("-o")
        .arg(&out_file)
        .stderr(std::fs::File::create(full).expect("open /dev/full"))
        .status()
        .expect("run");
    assert!(status.success(), "{status:?}");
    assert_eq!(std::fs::read_to_string(&out_file).expect("output").lines().count(), 1);
    // A full standard output is an error of the run (exit 2), not a panic (101).
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("wirematch"))
        .arg("match")
        .arg(&corpus)
        .stdout(std::fs::File::create(full).expect("open /dev/full"))
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run");
    assert_eq!(status.code(), Some(2));
}

#[test]
fn control_characters_from_the_corpus_never_reach_the_terminal() {
    let c = TestCorpus::new();
    let corpus = pair_corpus(&c, "Evil\u{1b}]0;owned\u{7}\r Daily\u{9b}2J", "2015-03-03");
    let out = wm().args(["match", "--format", "table"]).arg(&corpus).output().expect("run");
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(table.contains("Evil\u{FFFD}]0;owned\u{FFFD}\u{FFFD} Daily\u{FFFD}2J"), "{table}");
    assert!(!table.chars().any(|ch| ch.is_control() && ch != '\n'), "{table:?}");
    // The JSONL output keeps the name as given (escaped by JSON).
    let out = wm().args(["match", "--format", "jsonl"]).arg(&corpus).output().expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        v["outlet_a"].as_str().or(v["outlet_b"].as_str()).map(|s| s.contains('\u{1b}')),
        Some(true)
    );
}

#[test]
fn a_date_outside_news_history_is_ignored_with_a_warning_not_made_the_source() {
    let c = TestCorpus::new();
    let corpus = pair_corpus(&c, "First Paper", "-0500-03-03");
    let out = wm().args(["match", "--format", "jsonl"]).arg(&corpus).output().expect("run");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pair.jsonl:1") && err.contains("-0500-03-03"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one pair");
    assert_eq!(v["source"], serde_json::Value::Null, "an undated article is no source: {v}");
}

#[test]
fn eval_refuses_label_lines_that_are_not_pairs() {
    let c = TestCorpus::new();
    let corpus = pair_corpus(&c, "First Paper", "2015-03-03");
    for bad in [
        "[\"a\", \"b\"]",
        r#"{"a": "a"}"#,
        r#"{"a": "a", "b": "b", "relation": "banana"}"#,
        r#"{"a": "a", "b": "b", "source": "z"}"#,
    ] {
        let labels = c.write(
            "labels.jsonl",
            format!("{{\"a\":\"a\",\"b\":\"b\",\"relation\":\"copy\"}}\n{bad}\n"),
        );
        let out = wm().arg("eval").arg("--labels").arg(&labels).arg(&corpus).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("labels.jsonl:2"), "{bad}: {err}");
    }
}

#[test]
fn an_input_truncated_while_it_is_read_gives_a_located_error_not_a_signal() {
    let c = TestCorpus::new();
    // 40 MB of generated news: reading it takes long enough to be caught midway.
    let path = c.path("big.jsonl");
    wm().args(["-q", "bench", "--generate", "40M", "--rounds", "0", "--keep"])
        .arg(&path)
        .assert()
        .success();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("wirematch"))
        .arg("match")
        .arg(&path)
        .arg("-o")
        .arg(c.path("out.jsonl"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(100));
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_len(1 << 20))
        .expect("truncate");
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    // Never a signal (a mapped file that shrinks raises SIGBUS): an exit code, and when the
    // truncation came while reading, the file and the problem named.
    assert!(out.status.code().is_some(), "killed by a signal: {:?} {err}", out.status);
    if out.status.code() == Some(0) && err.contains("shrank") {
        assert!(err.contains("big.jsonl"), "{err}");
    }
}

/// A 1 MiB tmpfs mounted for the test, unmounted when dropped; `None` where the test may
/// not mount one (not root, no mount permission in the container).
struct SmallFs(std::path::PathBuf);

impl SmallFs {
    fn mount(at: &Path) -> Option<SmallFs> {
        std::fs::create_dir_all(at).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| SmallFs(at.to_path_buf()))
    }
}

impl Drop for SmallFs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_spill_folder_is_an_error_naming_it_not_a_crash() {
    let c = TestCorpus::new();
    let Some(fs) = SmallFs::mount(&c.path("small")) else {
        eprintln!("skipped: cannot mount a small filesystem here");
        return;
    };
    let corpus = c.path("news.jsonl");
    wm().args(["-q", "bench", "--generate", "20M", "--rounds", "0", "--keep"])
        .arg(&corpus)
        .assert()
        .success();
    let out = wm()
        .args(["match", "--memory-budget", "16M", "--spill-dir"])
        .arg(&fs.0)
        .arg(&corpus)
        .arg("-o")
        .arg(c.path("out.jsonl"))
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("small") && err.contains("No space left"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!c.path("out.jsonl").exists(), "no partial output");
}

#[test]
#[cfg(unix)]
fn files_whose_names_are_not_utf8_are_all_read_and_binary_files_skipped() {
    use std::os::unix::ffi::OsStrExt;
    let c = TestCorpus::new();
    let site = c.path("site/wire");
    std::fs::create_dir_all(&site).expect("mkdir");
    let text = "The central bank raised its main interest rate by half a point on Tuesday, the \
        third increase this year, citing inflation above its target for eighteen months.";
    // Two names that a lossy conversion makes one ("caf\u{FFFD}.txt").
    for name in [&b"caf\xe9.txt"[..], &b"caf\xe8.txt"[..]] {
        std::fs::write(site.join(std::ffi::OsStr::from_bytes(name)), text).expect("write");
    }
    // Random bytes named like a page.
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let noise: Vec<u8> = (0..200_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(site.join("broken.html"), noise).expect("write");
    let out = wm().args(["match", "--format", "jsonl"]).arg(c.path("site")).output().expect("run");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.html") && err.contains("binary data"), "{err}");
    assert!(err.contains("wirematch: 2 documents"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one pair");
    let mut ids = [v["a"].as_str().unwrap_or(""), v["b"].as_str().unwrap_or("")];
    ids.sort();
    assert_eq!(ids, ["wire/caf\\xe8.txt", "wire/caf\\xe9.txt"]);
}

#[test]
#[cfg(unix)]
fn running_out_of_memory_is_an_error_that_says_so() {
    let c = TestCorpus::new();
    let out_file = c.path("out.jsonl");
    std::fs::write(&out_file, "old\n").expect("write");
    // Address-space limits from too small for a run to enough: every run ends with an exit
    // code (0, or 2 with the reason), never a signal.
    let mut refused = 0;
    for mb in [20, 24, 28, 32, 40, 48, 64] {
        std::fs::write(&out_file, "old\n").expect("write");
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -v {} && exec \"$0\" match \"$1\" -o \"$2\"", mb * 1024))
            .arg(assert_cmd::cargo::cargo_bin("wirematch"))
            .arg(sample())
            .arg(&out_file)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => {}
            Some(2) => {
                assert!(err.contains("out of memory") || err.contains("allocate"), "{err}");
                assert_eq!(std::fs::read_to_string(&out_file).expect("read"), "old\n");
                refused += 1;
            }
            other => panic!("{mb} MB: {other:?} {:?}: {err}", out.status),
        }
    }
    assert!(refused > 0, "no limit was small enough to test anything");
}

#[test]
#[cfg(unix)]
fn an_index_data_file_that_is_a_fifo_is_refused_not_waited_on() {
    let c = TestCorpus::new();
    let idx = c.path("idx");
    wm().args(["-q", "index", "build"]).arg(sample()).arg("-o").arg(&idx).assert().success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(idx.join("manifest.json")).expect("manifest"))
            .expect("JSON");
    let data = idx.join(manifest["data"].as_str().expect("data file name"));
    std::fs::remove_file(&data).expect("remove");
    let name = std::ffi::CString::new(data.as_os_str().as_encoded_bytes()).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o644) }, 0);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("wirematch"))
        .args(["index", "query"])
        .arg(&idx)
        .arg(sample())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("the reader hangs on a FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err)
        .expect("read");
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
}
