//! `wirematch serve` end to end: a real server process on a loopback port, spoken to over
//! HTTP/1.1 from plain sockets, its answers compared with the CLI's.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::util::{TestCorpus, build, canonical, query_output, sample, wm};

/// A running `wirematch serve` (killed when dropped).
struct Server {
    child: Child,
    addr: String,
    log: std::sync::Mutex<std::sync::mpsc::Receiver<String>>,
}

/// An HTTP answer.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or_default().to_string()
    }
}

impl Server {
    fn start(dir: &Path, extra: &[&str]) -> Server {
        let bin = assert_cmd::cargo::cargo_bin("wirematch");
        let mut child = std::process::Command::new(bin)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .arg(dir)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start the server");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let first = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let Some(addr) = first.split("http://").nth(1).map(|a| a.trim().to_string()) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not say where it listens: {first:?}");
        };
        Server { child, addr, log: std::sync::Mutex::new(rx) }
    }

    fn request(&self, method: &str, path: &str, body: &[u8]) -> Reply {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(120))).expect("timeout");
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        s.write_all(head.as_bytes()).expect("send");
        // A server may answer (413) before reading all of a body it refuses.
        let _ = s.write_all(body);
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a header block");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|c| c.parse().ok())
            .expect("a status line");
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        Reply { status, headers, body: raw[split + 4..].to_vec() }
    }

    /// Sends a request with the bytes of `file` and returns the connection, unread.
    fn send(&self, method: &str, path: &str, file: &Path) -> TcpStream {
        let mut conn = TcpStream::connect(&self.addr).expect("connect");
        let body = std::fs::read(file).expect("read");
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        conn.write_all(head.as_bytes()).and_then(|_| conn.write_all(&body)).expect("send");
        conn
    }

    fn post(&self, path: &str, file: &Path) -> Reply {
        self.request("POST", path, &std::fs::read(file).expect("read body"))
    }

    /// Sends SIGTERM and waits for the process; returns whether it exited with 0 and its
    /// remaining log.
    fn stop(mut self) -> (bool, Vec<String>) {
        // SAFETY: kill(2) on our own child's pid, no memory involved.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        // A server that does not stop fails the test instead of hanging it.
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if start.elapsed() > Duration::from_secs(120) {
                let _ = self.child.kill();
                panic!("the server did not stop within 120 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        // Everything the process wrote: the reader thread ends at the pipe's end.
        let mut log = Vec::new();
        if let Ok(rx) = self.log.lock() {
            while let Ok(line) = rx.recv_timeout(Duration::from_secs(30)) {
                log.push(line);
            }
        }
        (status.success(), log)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The sample split in three: 100 articles to index, 2 to query, 20 to add.
struct Split {
    corpus: TestCorpus,
    base: PathBuf,
    queried: PathBuf,
    added: PathBuf,
}

fn split() -> Split {
    let corpus = TestCorpus::new();
    let text = std::fs::read_to_string(sample()).expect("sample");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let part = |name: &str, range: std::ops::Range<usize>| {
        corpus.write(name, lines[range].iter().map(|l| format!("{l}\n")).collect::<String>())
    };
    let base = part("base.jsonl", 0..100);
    let queried = part("queried.jsonl", 100..102);
    let added = part("added.jsonl", 102..lines.len());
    Split { corpus, base, queried, added }
}

/// The split, and an index of its 100 stored articles.
fn indexed() -> (Split, PathBuf) {
    let s = split();
    let dir = s.corpus.path("idx");
    build(&[&s.base], &dir);
    (s, dir)
}

/// A copy of the index folder `from` at `to`.
fn copy_index(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
    }
}

/// Waits until an addition to the index in `dir` holds its write lock (true), or has
/// already committed generation 2 (false).
fn addition_started(dir: &Path) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        let held = std::fs::File::open(dir.join("write.lock")).is_ok_and(|f| {
            // SAFETY: flock(2) on a file we opened: a shared, non-blocking probe, released
            // when `f` closes.
            let r = unsafe {
                libc::flock(std::os::fd::AsRawFd::as_raw_fd(&f), libc::LOCK_SH | libc::LOCK_NB)
            };
            r != 0
        });
        if held {
            return true;
        }
        if dir.join("index-2.wmi").exists() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    panic!("the addition did not start");
}

#[test]
fn a_query_over_http_answers_what_index_query_prints() {
    let (s, dir) = indexed();
    let server = Server::start(&dir, &[]);
    let health = server.request("GET", "/health", b"");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["documents"], 100);
    assert_eq!(health.json()["generation"], 1);

    let r = server.post("/query", &s.queried);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(r.header("x-wirematch-generation"), Some("1"));
    let cli = query_output(&dir, &s.queried, &[]);
    assert!(!canonical(&cli).is_empty(), "the queried articles have stored partners");
    assert_eq!(r.body, cli, "the same lines in the same order");

    // With the texts, as `--with-text`.
    let r = server.post("/query?text=true", &s.queried);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, query_output(&dir, &s.queried, &["--with-text"]));

    let stats = server.request("GET", "/stats", b"").json();
    assert_eq!(stats["queries"], 2);
    assert_eq!(stats["articles_queried"], 4);
    assert_eq!(stats["latency_ms"]["queries"], 2);
    let (clean, _) = server.stop();
    assert!(clean, "SIGTERM stops the server with status 0");
}

#[test]
fn an_addition_is_durable_and_seen_by_the_next_query() {
    let (s, dir) = indexed();
    // What the CLI makes of the same addition, on a copy.
    let copy = s.corpus.path("copy");
    copy_index(&dir, &copy);
    wm().args(["-q", "index", "add"]).arg(&copy).arg(&s.added).assert().success();
    let expected = query_output(&copy, &s.queried, &[]);

    let server = Server::start(&dir, &[]);
    let before = server.post("/query", &s.queried);
    let added = server.post("/documents", &s.added);
    assert_eq!(added.status, 200, "{}", String::from_utf8_lossy(&added.body));
    let a = added.json();
    assert_eq!(
        (a["added"].as_u64(), a["documents"].as_u64(), a["generation"].as_u64()),
        (Some(20), Some(120), Some(2))
    );
    let after = server.post("/query", &s.queried);
    assert_eq!(after.header("x-wirematch-generation"), Some("2"));
    assert_eq!(after.body, expected, "the query sees the added articles, as the CLI's index");
    assert_ne!(before.body, after.body, "the added articles are partners of the queried ones");

    // The same ids again: refused, nothing changes.
    let again = server.post("/documents", &s.added);
    assert_eq!(again.status, 409);
    assert!(again.error().contains("already stored"), "{}", again.error());
    let (clean, _) = server.stop();
    assert!(clean);

    // Durable: a new server (and the CLI) find the added articles.
    assert_eq!(query_output(&dir, &s.queried, &[]), expected);
    let server = Server::start(&dir, &[]);
    assert_eq!(server.request("GET", "/health", b"").json()["documents"], 120);
}

#[test]
fn a_commit_by_another_process_is_picked_up() {
    let (s, dir) = indexed();
    let server = Server::start(&dir, &[]);
    assert_eq!(server.request("GET", "/health", b"").json()["generation"], 1);
    wm().args(["-q", "index", "add"]).arg(&dir).arg(&s.added).assert().success();
    let h = server.request("GET", "/health", b"").json();
    assert_eq!((h["generation"].as_u64(), h["documents"].as_u64()), (Some(2), Some(120)));
    let r = server.post("/query", &s.queried);
    assert_eq!(r.body, query_output(&dir, &s.queried, &[]));
}

#[test]
fn queries_during_an_addition_each_see_one_whole_generation() {
    let (s, dir) = indexed();
    let before = query_output(&dir, &s.queried, &[]);
    let copy = s.corpus.path("copy");
    copy_index(&dir, &copy);
    wm().args(["-q", "index", "add"]).arg(&copy).arg(&s.added).assert().success();
    let after = query_output(&copy, &s.queried, &[]);
    assert_ne!(before, after);

    let server = std::sync::Arc::new(Server::start(&dir, &[]));
    let adding = {
        let (server, added) = (std::sync::Arc::clone(&server), s.added.clone());
        std::thread::spawn(move || server.post("/documents", &added))
    };
    let mut seen = [0usize; 2];
    let mut after_commit = 0;
    while after_commit < 3 {
        let done = adding.is_finished();
        let r = server.post("/query", &s.queried);
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        match r.header("x-wirematch-generation") {
            Some("1") => {
                assert_eq!(
                    r.body, before,
                    "a generation-1 answer is the index before the addition"
                );
                seen[0] += 1;
            }
            Some("2") => {
                assert_eq!(r.body, after, "a generation-2 answer is the index after it");
                seen[1] += 1;
            }
            other => panic!("unexpected generation {other:?}"),
        }
        if done {
            after_commit += 1;
        }
    }
    assert_eq!(adding.join().expect("the adding thread").status, 200);
    assert!(seen[1] >= 3, "queries after the commit see it: {seen:?}");
}

#[test]
fn malformed_requests_get_4xx_with_a_message_and_the_server_carries_on() {
    let (s, dir) = indexed();
    let server = Server::start(&dir, &["--max-body", "64K"]);
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "POST",
            "/query",
            b"{\"id\":\"x\",\"text\":\"one\"}\n{not json\n".to_vec(),
            400,
            "line 2: not valid JSON",
        ),
        (
            "POST",
            "/query",
            b"{\"id\":\"x\"}\n".to_vec(),
            400,
            "line 1: missing required field `text`",
        ),
        ("POST", "/query", b"  \n".to_vec(), 400, "empty body"),
        ("POST", "/query", b"\x00\x01binary".to_vec(), 400, "not a format wirematch reads"),
        ("POST", "/query?text=maybe", b"{}".to_vec(), 400, "true or false"),
        ("POST", "/query?limit=3", b"{}".to_vec(), 400, "unknown parameter"),
        ("POST", "/query", vec![b'x'; 100_000], 413, "over --max-body (65536 bytes)"),
        (
            "POST",
            "/documents",
            b"{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"a\",\"text\":\"y\"}\n".to_vec(),
            409,
            "repeats line 1",
        ),
        ("GET", "/nowhere", Vec::new(), 404, "POST /query"),
        ("GET", "/query", Vec::new(), 405, "/query takes POST only"),
        ("POST", "/query", vec![0x1f, 0x8b, 8, 0, 0, 0], 415, "send it uncompressed"),
        (
            "POST",
            "/documents",
            b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n".to_vec(),
            415,
            "must be JSONL",
        ),
    ];
    for (method, path, body, status, message) in cases {
        let r = server.request(method, path, &body);
        assert_eq!(r.status, status, "{method} {path}: {}", String::from_utf8_lossy(&r.body));
        assert!(r.error().contains(message), "{method} {path}: {:?} lacks {message:?}", r.error());
    }
    // An id already stored cannot be queried as new (it would pair with itself).
    let first = std::fs::read_to_string(&s.base).expect("read");
    let first = first.lines().next().expect("a line");
    let stored = server.request("POST", "/query", first.as_bytes());
    assert_eq!(stored.status, 409, "{}", String::from_utf8_lossy(&stored.body));
    assert!(stored.error().contains("already stored"), "{}", stored.error());
    // Nothing was added, the server answers as before.
    let h = server.request("GET", "/health", b"").json();
    assert_eq!((h["generation"].as_u64(), h["documents"].as_u64()), (Some(1), Some(100)));
    assert_eq!(server.post("/query", &s.queried).body, query_output(&dir, &s.queried, &[]));
    let stats = server.request("GET", "/stats", b"").json();
    assert!(stats["client_errors"].as_u64() >= Some(10), "{stats}");
    assert_eq!(stats["server_errors"], 0);
}

#[test]
fn a_full_server_refuses_with_503_and_retry_after() {
    let (s, dir) = indexed();
    // One addition at a time and none waiting: a second one during the first is refused.
    let server = std::sync::Arc::new(Server::start(&dir, &["--max-queued-adds", "1"]));
    let first = {
        let (server, added) = (std::sync::Arc::clone(&server), s.added.clone());
        std::thread::spawn(move || server.post("/documents", &added))
    };
    let other = s.corpus.write(
        "other.jsonl",
        "{\"id\":\"zz\",\"text\":\"An unrelated note of five words or more here.\"}\n",
    );
    // The first addition holds the index's write lock, so it holds the only slot too.
    assert!(addition_started(&dir), "the first addition committed before it was seen");
    let second = server.post("/documents", &other);
    assert_eq!(first.join().expect("thread").status, 200);
    assert_eq!(second.status, 503, "{}", String::from_utf8_lossy(&second.body));
    assert_eq!(second.header("retry-after"), Some("1"));
    assert!(second.error().contains("busy"), "{}", second.error());
    assert_eq!(server.request("GET", "/stats", b"").json()["refused_busy"], 1);
    // The refused addition changed nothing; the first one is whole.
    let h = server.request("GET", "/health", b"").json();
    assert_eq!(h["documents"].as_u64(), Some(120));
}

#[test]
fn sigterm_lets_an_addition_in_progress_commit() {
    let (s, dir) = indexed();
    let server = Server::start(&dir, &[]);
    let mut conn = server.send("POST", "/documents", &s.added);
    // Stop it while the addition is in progress.
    assert!(addition_started(&dir), "the addition committed before it was seen");
    let (clean, log) = server.stop();
    assert!(clean, "{log:?}");
    let mut reply = String::new();
    let _ = conn.read_to_string(&mut reply);
    assert!(reply.starts_with("HTTP/1.1 200"), "the addition was answered: {reply}");
    let h = wirematch::index::Index::open(&dir).expect("open");
    assert_eq!((h.generation(), h.len()), (2, 120));
}

/// Replaces the folder `dir` by a fresh index of `inputs` (generation 1 again) and checks
/// that the server serves it from the next request.
fn swap_in(server: &Server, s: &Split, dir: &Path, name: &str, inputs: &[&PathBuf], docs: u64) {
    let other = s.corpus.path(name);
    build(inputs, &other);
    std::fs::remove_dir_all(dir).expect("remove");
    copy_index(&other, dir);
    let h = server.request("GET", "/health", b"").json();
    assert_eq!((h["generation"].as_u64(), h["documents"].as_u64()), (Some(1), Some(docs)));
    assert_eq!(server.post("/query", &s.queried).body, query_output(dir, &s.queried, &[]));
    assert_eq!(server.request("GET", "/stats", b"").json()["index"]["documents"], docs);
}

#[test]
fn a_folder_replaced_by_another_index_is_served_from_the_next_request() {
    let (s, dir) = indexed();
    let server = Server::start(&dir, &[]);
    // Another index with the same data file name (`index-1.wmi`).
    swap_in(&server, &s, &dir, "other", &[&s.added], 20);
    // After an addition (generation 2), one restored from elsewhere, counting from 1.
    assert_eq!(server.post("/documents", &s.base).status, 200);
    assert_eq!(server.request("GET", "/health", b"").json()["generation"], 2);
    swap_in(&server, &s, &dir, "third", &[&s.base], 100);
}

#[test]
fn with_v_each_request_is_logged() {
    let (s, dir) = indexed();
    let server = Server::start(&dir, &["-v"]);
    assert_eq!(server.post("/query", &s.queried).status, 200);
    assert_eq!(server.request("GET", "/nowhere", b"").status, 404);
    let (clean, log) = server.stop();
    assert!(clean);
    let has = |needle: &str| log.iter().any(|l| l.contains(needle));
    assert!(has("POST /query 200 generation 1 "), "{log:?}");
    assert!(has("GET /nowhere 404 "), "{log:?}");
}

#[test]
fn a_client_that_sends_too_slowly_is_cut_off() {
    let (_s, dir) = indexed();
    let server = Server::start(&dir, &["--timeout", "1"]);
    // Half a header block, then nothing: the connection is closed.
    let mut half = TcpStream::connect(&server.addr).expect("connect");
    half.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    half.write_all(b"POST /query HTTP/1.1\r\nHost: x\r\n").expect("send");
    let start = std::time::Instant::now();
    let mut rest = Vec::new();
    let _ = half.read_to_end(&mut rest);
    assert!(start.elapsed() < Duration::from_secs(15), "closed after {:?}", start.elapsed());
    // A body that stops short of its length: 408.
    let mut slow = TcpStream::connect(&server.addr).expect("connect");
    slow.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    slow.write_all(b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id\":")
        .expect("send");
    let mut reply = String::new();
    let _ = slow.read_to_string(&mut reply);
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("--timeout (1 s)"), "{reply}");
    // The server answers others all along.
    assert_eq!(server.request("GET", "/health", b"").status, 200);
}

#[test]
fn a_server_killed_during_an_addition_leaves_a_whole_index() {
    let (s, dir) = indexed();
    let before = query_output(&dir, &s.queried, &[]);
    let mut server = Server::start(&dir, &[]);
    let _conn = server.send("POST", "/documents", &s.added);
    let mid_addition = addition_started(&dir);
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("wait");
    // The index opens whole: the generation before the addition (or, if the kill came
    // after the commit, the one after), and answers as the CLI does.
    let index = wirematch::index::Index::open(&dir).expect("the index opens");
    let generation = index.generation();
    drop(index);
    if mid_addition && generation == 1 {
        assert_eq!(query_output(&dir, &s.queried, &[]), before);
    } else {
        assert_eq!(generation, 2);
    }
    // The next writer clears what the killed one left and adds on.
    let other = s.corpus.write(
        "other.jsonl",
        "{\"id\":\"zz\",\"text\":\"An unrelated note of five words or more here.\"}\n",
    );
    wm().args(["-q", "index", "add"]).arg(&dir).arg(&other).assert().success();
    let leftovers: Vec<String> = std::fs::read_dir(&dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "manifest.json" && n != "write.lock" && !n.ends_with(".wmi"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let wmi = std::fs::read_dir(&dir)
        .expect("read dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".wmi"))
        .count();
    assert_eq!(wmi, 1, "one data file");
}

#[test]
fn concurrent_additions_commit_one_after_another_and_a_repeated_id_is_refused() {
    let (s, dir) = indexed();
    let server = std::sync::Arc::new(Server::start(&dir, &["--max-queued-adds", "5"]));
    let text = std::fs::read_to_string(&s.added).expect("read");
    let lines: Vec<&str> = text.lines().collect();
    // Four additions at once (5 new articles each), and one repeating the first's ids.
    let mut bodies: Vec<String> =
        lines.chunks(5).map(|c| c.iter().map(|l| format!("{l}\n")).collect()).collect();
    bodies.push(bodies[0].clone());
    let threads: Vec<_> = bodies
        .into_iter()
        .map(|b| {
            let server = std::sync::Arc::clone(&server);
            std::thread::spawn(move || server.request("POST", "/documents", b.as_bytes()))
        })
        .collect();
    let mut statuses: Vec<u16> =
        threads.into_iter().map(|t| t.join().expect("thread").status).collect();
    statuses.sort_unstable();
    // Whichever of the two with the same ids checks second is refused: never stored twice.
    assert_eq!(statuses, [200, 200, 200, 200, 409]);
    let h = server.request("GET", "/health", b"").json();
    assert_eq!(h["documents"], 120);
    assert_eq!(h["generation"], 5);
}

#[test]
fn an_addition_is_recorded_under_a_request_name_not_a_temporary_path() {
    let (s, dir) = indexed();
    let server = Server::start(&dir, &[]);
    assert_eq!(server.post("/documents", &s.added).status, 200);
    drop(server);
    // Adding the same articles again names where they were first seen.
    let out = wm().args(["index", "add"]).arg(&dir).arg(&s.added).output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("first seen at POST /documents 20"), "{err}");
    assert!(!err.contains("wirematch-serve-"), "{err}");
}
