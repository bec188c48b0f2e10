//! `wirematch serve DIR`: an index over HTTP (axum on tokio).
//!
//! The network side (two tokio threads) only moves bytes. Every query and addition runs
//! on a blocking thread that hands its work to the `--threads` worker pool, and the
//! number of each at once is bounded (`--max-in-flight`, `--max-queued-adds`): a full
//! server answers 503 at once instead of queueing without bound. Queries run on one
//! generation of the index each and additions commit one at a time
//! ([`wirematch::index::live`]), so a query during an addition sees the index before it,
//! whole, and the next query sees the one after.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::Semaphore;
use wirematch::corpus::{Compression, Document, Input, InputKind};
use wirematch::error::{Location, RecordError};
use wirematch::index::live::LiveIndex;
use wirematch::pipeline::Observer;
use wirematch::report;

use super::args::ServeArgs;

/// Queries whose latency `/stats` keeps for its percentiles (the most recent ones).
const LATENCY_WINDOW: usize = 10_000;

pub fn run(
    args: &ServeArgs,
    workers: Arc<rayon::ThreadPool>,
    verbose: u8,
    quiet: bool,
) -> Result<ExitCode> {
    anyhow::ensure!(
        args.corpus.inputs.is_empty(),
        "serve takes no INPUT: articles are sent to POST /query and POST /documents"
    );
    let index = super::open_index(&args.dir, &args.corpus)?;
    let config = index.config().clone();
    drop(index);
    let (detector, _reporter, _) = super::prepare(&args.corpus, true, Some(config), verbose, true)?;
    let live = LiveIndex::open(&args.dir, detector)
        .with_context(|| format!("opening the index in {}", args.dir.display()))?;
    let adders = addition_workers(workers.current_num_threads())?;
    let service = Arc::new(Service {
        live,
        workers,
        adders,
        add_turn: Mutex::new(()),
        queries: Arc::new(Semaphore::new(args.max_in_flight as usize)),
        adds: Arc::new(Semaphore::new(args.max_queued_adds as usize)),
        timeout: Duration::from_secs(args.timeout),
        max_body: args.max_body,
        started: Instant::now(),
        counters: Counters::default(),
        quiet,
        log_requests: verbose > 0 && !quiet,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(args.max_in_flight as usize + args.max_queued_adds as usize + 4)
        .enable_all()
        .build()
        .context("starting the network threads")?;
    runtime.block_on(serve(args, service))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(args: &ServeArgs, service: Arc<Service>) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let addr = listener.local_addr().context("reading the address listened on")?;
    // Registered before the address is printed: a SIGTERM right after it stops cleanly.
    let stop = stop_signal(Arc::clone(&service))?;
    let index = service.live.held();
    // Printed even with -q: a caller that asked for port 0 needs the port.
    say!(
        "wirematch: serving {} (generation {}, {} documents) on http://{addr}",
        args.dir.display(),
        index.generation(),
        index.len()
    );
    if !addr.ip().is_loopback() && !service.quiet {
        say!(
            "wirematch: warning: {addr} is reachable from other machines and the service has \
             no authentication"
        );
    }
    drop(index);
    let app = Router::new()
        .route("/query", post(query))
        .route("/documents", post(documents))
        .route("/health", get(health))
        .route("/stats", get(stats))
        .fallback(not_found)
        .method_not_allowed_fallback(wrong_method)
        .layer(axum::middleware::from_fn_with_state(Arc::clone(&service), log_request))
        .with_state(Arc::clone(&service));
    let header_timeout = HEADER_TIMEOUT.min(service.timeout);
    let grace = service.timeout + Duration::from_secs(5);
    accept(listener, app, header_timeout, grace, stop).await;
    if !service.quiet {
        say!("wirematch: stopped");
    }
    Ok(())
}

/// Longest a client may take to send a request's header block (or --timeout, if
/// shorter); a connection that sends less — a stuck client, or one holding connections
/// open on purpose — is closed.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves connections on `listener` until `stop` resolves, then stops accepting and waits
/// for the connections open to finish their request in progress (idle kept-alive ones
/// are closed). Each connection is HTTP/1.1 with a `header_timeout`: `axum::serve` sets
/// no timer, so its connections waited for a header block forever.
async fn accept(
    listener: tokio::net::TcpListener,
    app: Router,
    header_timeout: Duration,
    grace: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors, say: wait rather than spin.
                        log::warn!("accepting a connection failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let service = hyper_util::service::TowerToHyperService::new(app.clone());
                let mut builder = hyper::server::conn::http1::Builder::new();
                builder.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(header_timeout);
                let conn = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        log::debug!("connection ended: {e}");
                    }
                });
            }
            _ = &mut stop => break,
        }
    }
    drop(listener);
    // A client that stops reading its answer would hold the process open for good: the
    // connections get `grace` to finish (the work of requests in progress — an addition
    // committing — is waited for anyway when the runtime shuts down).
    if tokio::time::timeout(grace, graceful.shutdown()).await.is_err() {
        log::warn!("connections still open {} s after the stop signal: closed", grace.as_secs());
    }
}

/// A future resolving on SIGTERM or Ctrl-C (registered now); the server then stops
/// accepting connections and finishes the requests in progress (an addition commits
/// before the process exits).
fn stop_signal(service: Arc<Service>) -> Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("watching for SIGTERM")?;
    Ok(async move {
        #[cfg(unix)]
        let term = term.recv();
        #[cfg(not(unix))]
        let term = std::future::pending::<Option<()>>();
        tokio::select! {
            _ = term => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        if !service.quiet {
            say!("wirematch: stopping: finishing the requests in progress");
        }
    })
}

/// The pool additions run on: as many threads as the query workers, at a lower CPU
/// priority (nice 10). On a shared pool a worker blocked in a query's join steals whatever
/// is queued, and an addition's pieces run for seconds: one query waited 26 s. On a pool
/// of its own at the same priority, queries during an addition ran at 250/s (p99 49 ms);
/// niced, at 420/s (p99 36 ms; 588/s in the final build) while the addition took 68 s
/// instead of 29–51 s — a query service answers first and stores second (BENCHMARKS.md).
fn addition_workers(threads: usize) -> Result<Arc<rayon::ThreadPool>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(8 << 20)
        .thread_name(|i| format!("wirematch-add-{i}"))
        .start_handler(|_| {
            // On Linux a nice value belongs to a thread (`who` 0: the calling one). Left
            // unlowered, an addition costs query latency, not results.
            #[cfg(target_os = "linux")]
            // SAFETY: setpriority(2) on the calling thread; no memory is involved.
            unsafe {
                libc::setpriority(libc::PRIO_PROCESS, 0, 10);
            }
        })
        .build()
        .context("starting the addition threads")?;
    Ok(Arc::new(pool))
}

struct Service {
    live: LiveIndex,
    workers: Arc<rayon::ThreadPool>,
    adders: Arc<rayon::ThreadPool>,
    /// Held from an addition's id check to its commit, so that two requests adding the
    /// same id cannot both pass the check (additions in other processes can still race
    /// it: their duplicates are skipped and counted in the answer).
    add_turn: Mutex<()>,
    queries: Arc<Semaphore>,
    adds: Arc<Semaphore>,
    timeout: Duration,
    max_body: u64,
    started: Instant,
    counters: Counters,
    quiet: bool,
    /// One line per request on stderr (`-v`).
    log_requests: bool,
}

#[derive(Default)]
struct Counters {
    queries: AtomicU64,
    articles_queried: AtomicU64,
    pairs: AtomicU64,
    additions: AtomicU64,
    documents_added: AtomicU64,
    refused_busy: AtomicU64,
    timed_out: AtomicU64,
    client_errors: AtomicU64,
    server_errors: AtomicU64,
    /// Milliseconds of the last [`LATENCY_WINDOW`] answered queries (a ring).
    latencies: Mutex<(Vec<f64>, usize)>,
}

impl Counters {
    fn latency(&self, ms: f64) {
        let mut l = self.latencies.lock().unwrap_or_else(|p| p.into_inner());
        let (ring, next) = &mut *l;
        if ring.len() < LATENCY_WINDOW {
            ring.push(ms);
        } else {
            ring[*next] = ms;
        }
        *next = (*next + 1) % LATENCY_WINDOW;
    }

    fn percentiles(&self) -> serde_json::Value {
        let mut v = self.latencies.lock().unwrap_or_else(|p| p.into_inner()).0.clone();
        if v.is_empty() {
            return serde_json::Value::Null;
        }
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        serde_json::json!({
            "queries": v.len(), "p50": at(0.5), "p90": at(0.9), "p99": at(0.99),
            "max": v[v.len() - 1],
        })
    }
}

/// An answer other than 200: a status and a message, as JSON `{"error": …}`.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: String,
    /// Refused for want of room (503 before any work), as opposed to timed out.
    busy: bool,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into(), busy: false }
    }

    fn busy(message: impl Into<String>) -> ApiError {
        ApiError { busy: true, ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message) }
    }

    fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    fn internal(e: impl std::fmt::Display) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message }).to_string() + "\n";
        let mut r =
            (self.status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
        if self.busy {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        r
    }
}

impl Service {
    /// Counts an error answer by its kind.
    fn count(&self, e: &ApiError) {
        let c = &self.counters;
        let counter = match e.status {
            _ if e.busy => &c.refused_busy,
            StatusCode::SERVICE_UNAVAILABLE => &c.timed_out,
            s if s.is_server_error() => &c.server_errors,
            _ => &c.client_errors,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Runs `work` on a blocking thread (the network threads must not block); `work`
    /// hands its parallel parts to a worker pool itself.
    async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&Service) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || work(&me))
            .await
            .map_err(|e| ApiError::internal(format!("the request's worker failed: {e}")))?
    }
}

/// Record problems of a request body, collected.
#[derive(Default)]
struct Problems(Mutex<Vec<RecordError>>);

impl Observer for Problems {
    fn problem(&self, e: &RecordError) {
        if !e.problem.is_warning() {
            self.0.lock().unwrap_or_else(|p| p.into_inner()).push(e.clone());
        }
    }
}

impl Problems {
    /// 400 naming each skipped record by its line, if there is one.
    fn check(self) -> Result<(), ApiError> {
        let problems = self.0.into_inner().unwrap_or_else(|p| p.into_inner());
        if problems.is_empty() {
            return Ok(());
        }
        let shown: Vec<String> = problems
            .iter()
            .take(20)
            .map(|e| format!("line {}: {}", e.location.line, e.problem))
            .collect();
        let more = problems.len().saturating_sub(shown.len());
        Err(ApiError::bad(format!(
            "{} record(s) cannot be used, nothing was done: {}{}",
            problems.len(),
            shown.join("; "),
            if more > 0 { format!("; and {more} more") } else { String::new() }
        )))
    }
}

/// A request body saved as a JSONL file (the readers take files), its input and its
/// documents. Every skipped record is a 400: a client must not believe an article was
/// queried or stored when it was not.
struct Body {
    _dir: tempfile::TempDir,
    input: Input,
    docs: Vec<(Document<'static>, Location)>,
}

impl Body {
    fn read(live: &LiveIndex, bytes: &[u8], name: &str) -> Result<Body, ApiError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad("empty body: send one JSON article per line"));
        }
        // A compressed body would expand beyond --max-body (up to 100 times, by the
        // readers' limit for files); HTTP clients compress the connection instead.
        if bytes.starts_with(&[0x1f, 0x8b]) || bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "a gzip or zstd body: send it uncompressed",
            ));
        }
        let dir = tempfile::Builder::new().prefix("wirematch-serve-").tempdir().map_err(|e| {
            ApiError::internal(format!("cannot save the request in a temporary folder: {e}"))
        })?;
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).map_err(|e| {
            ApiError::internal(format!("cannot save the request in a temporary folder: {e}"))
        })?;
        let detector = live.detector();
        let read = detector.read_options();
        let input = Input::detect_with(&path, &read.fields)
            .map_err(|e| ApiError::bad(without_path(&e.to_string(), &path)))?;
        // JSONL only: a web archive's records or a Parquet file's pages carry compressed
        // content of their own, which would expand beyond --max-body.
        if input.kind != InputKind::Jsonl(Compression::None) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the body must be JSONL: one JSON article per line",
            ));
        }
        let problems = Problems::default();
        let docs = wirematch::index::read_documents(
            std::slice::from_ref(&input),
            read,
            detector,
            &problems,
        )
        .map_err(|e| ApiError::bad(without_path(&e.to_string(), &path)))?;
        problems.check()?;
        if docs.is_empty() {
            return Err(ApiError::bad("no article in the body"));
        }
        Ok(Body { _dir: dir, input, docs })
    }

    /// 409 when an id is repeated in the body or already stored in `index`.
    fn check_ids(&self, index: &wirematch::index::Index) -> Result<(), ApiError> {
        let mut seen = ahash::AHashMap::new();
        for (d, loc) in &self.docs {
            if let Some(first) = seen.insert(d.id.as_ref(), loc.line) {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    format!("line {}: id {:?} repeats line {first}", loc.line, d.id),
                ));
            }
            if index.find_id(&d.id).map_err(ApiError::internal)?.is_some() {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    format!(
                        "line {}: id {:?} is already stored in the index (generation {})",
                        loc.line,
                        d.id,
                        index.generation()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A message about the temporary file, with the file called "body".
fn without_path(message: &str, path: &Path) -> String {
    message.replace(&path.display().to_string(), "body")
}

/// The request body, read within --timeout and --max-body: a body that trickles in is a
/// 408, one that is too big a 413 (before more than --max-body is held).
async fn read_body(service: &Service, body: axum::body::Body) -> Result<Bytes, ApiError> {
    let limit = usize::try_from(service.max_body).unwrap_or(usize::MAX);
    match tokio::time::timeout(service.timeout, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => {
            let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            let mut over = false;
            while let Some(c) = cause {
                over |= c.is::<http_body_util::LengthLimitError>();
                cause = c.source();
            }
            Err(if over {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the body is over --max-body ({} bytes)", service.max_body),
                )
            } else {
                ApiError::bad(format!("cannot read the body: {e}"))
            })
        }
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the body took longer than --timeout ({} s) to arrive",
                service.timeout.as_secs()
            ),
        )),
    }
}

async fn query(
    State(service): State<Arc<Service>>,
    Query(params): Query<HashMap<String, String>>,
    body: axum::body::Body,
) -> Response {
    let start = Instant::now();
    let answer = async {
        let with_text = match params.get("text").map(String::as_str) {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => return Err(ApiError::bad(format!("text={other:?}: true or false"))),
        };
        if let Some(k) = params.keys().find(|k| k.as_str() != "text") {
            return Err(ApiError::bad(format!("unknown parameter {k:?} (known: text)")));
        }
        // The slot is taken before the body is read: at most --max-in-flight bodies of a
        // query are held at once.
        let permit = Arc::clone(&service.queries).try_acquire_owned().map_err(|_| {
            ApiError::busy("busy: --max-in-flight queries are running; retry shortly")
        })?;
        let body = read_body(&service, body).await?;
        let work = service.blocking(move |s| {
            // Released when the work ends, even after the client was told it timed out:
            // the bound is on work, not on answers.
            let _permit = permit;
            s.workers.install(|| {
                let body = Body::read(&s.live, &body, "query.jsonl")?;
                let index = s.live.current().map_err(ApiError::internal)?;
                body.check_ids(&index)?;
                let n = body.docs.len();
                let (run, _) = index
                    .query(s.live.detector(), body.docs, &wirematch::pipeline::Quiet)
                    .map_err(ApiError::internal)?;
                let mut out = Vec::new();
                let written = if with_text {
                    let texts = report::PairTexts::of(&run).map_err(ApiError::internal)?;
                    report::write_pairs_jsonl_quoting(&run, Some(&texts), &mut out)
                } else {
                    report::write_pairs_jsonl(&run, &mut out)
                };
                written.map_err(ApiError::internal)?;
                Ok((out, n, index.generation()))
            })
        });
        match tokio::time::timeout(service.timeout, work).await {
            Ok(r) => r,
            // No Retry-After: the work goes on, and retrying at once would add to it.
            Err(_) => Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("the query took longer than --timeout ({} s)", service.timeout.as_secs()),
            )),
        }
    }
    .await;
    match answer {
        Ok((out, n, generation)) => {
            let c = &service.counters;
            c.queries.fetch_add(1, Ordering::Relaxed);
            c.articles_queried.fetch_add(n as u64, Ordering::Relaxed);
            c.pairs
                .fetch_add(out.iter().filter(|&&b| b == b'\n').count() as u64, Ordering::Relaxed);
            c.latency(start.elapsed().as_secs_f64() * 1e3);
            let mut r = (StatusCode::OK, [(header::CONTENT_TYPE, "application/x-ndjson")], out)
                .into_response();
            r.headers_mut().insert("x-wirematch-generation", HeaderValue::from(generation));
            r
        }
        Err(e) => {
            service.count(&e);
            e.into_response()
        }
    }
}

/// What an index records as the input of an addition made by a request (the body's
/// temporary file will be gone): `POST /documents <time>`.
fn request_name() -> String {
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let at = chrono::DateTime::from_timestamp(now.as_secs() as i64, now.subsec_nanos())
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default();
    format!("POST /documents {at}")
}

async fn documents(State(service): State<Arc<Service>>, body: axum::body::Body) -> Response {
    let answer = async {
        let permit = Arc::clone(&service.adds).try_acquire_owned().map_err(|_| {
            ApiError::busy("busy: --max-queued-adds additions are waiting to commit; retry later")
        })?;
        let body = read_body(&service, body).await?;
        let start = Instant::now();
        // Not cut short by --timeout: the client is answered once the addition is
        // committed (or failed), so that an answer always says what happened.
        service
            .blocking(move |s| {
                let _permit = permit;
                let body = s.workers.install(|| Body::read(&s.live, &body, "documents.jsonl"))?;
                let _turn = s.add_turn.lock().unwrap_or_else(|p| p.into_inner());
                let current = s.workers.install(|| s.live.current()).map_err(ApiError::internal)?;
                body.check_ids(&current)?;
                drop(current);
                // Only the temporary file is read again by the addition.
                let Body { _dir, input, docs } = body;
                drop(docs);
                let body = Body { _dir, input, docs: Vec::new() };
                let problems = Problems::default();
                let name = [request_name()];
                let added = s
                    .live
                    .add(&s.adders, std::slice::from_ref(&body.input), Some(&name), &problems)
                    .map_err(|e| {
                        ApiError::internal(without_path(&e.to_string(), body.input.path.as_path()))
                    })?;
                let answer = serde_json::json!({
                    "added": added.added(),
                    "documents": added.run.store.docs.len(),
                    "generation": added.generation,
                    "skipped": problems.0.into_inner().unwrap_or_else(|p| p.into_inner()).len(),
                    "seconds": (start.elapsed().as_secs_f64() * 1e3).round() / 1e3,
                });
                s.counters.additions.fetch_add(1, Ordering::Relaxed);
                s.counters.documents_added.fetch_add(added.added() as u64, Ordering::Relaxed);
                Ok(answer)
            })
            .await
    }
    .await;
    match answer {
        Ok(json) => json_response(StatusCode::OK, &json),
        Err(e) => {
            service.count(&e);
            e.into_response()
        }
    }
}

fn json_response(status: StatusCode, json: &serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], json.to_string() + "\n").into_response()
}

async fn health(State(service): State<Arc<Service>>) -> Response {
    let current = service
        .blocking(|s| s.workers.install(|| s.live.current()).map_err(ApiError::internal))
        .await;
    match current {
        Ok(index) => json_response(
            StatusCode::OK,
            &serde_json::json!({
                "status": "ok", "generation": index.generation(), "documents": index.len(),
            }),
        ),
        Err(e) => {
            let e = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.message);
            service.count(&e);
            e.into_response()
        }
    }
}

async fn stats(State(service): State<Arc<Service>>) -> Response {
    let index = match service
        .blocking(|s| s.workers.install(|| s.live.current()).map_err(ApiError::internal))
        .await
    {
        Ok(index) => index,
        Err(e) => {
            service.count(&e);
            return e.into_response();
        }
    };
    let h = index.header();
    let c = &service.counters;
    let n = |a: &AtomicU64| a.load(Ordering::Relaxed);
    json_response(
        StatusCode::OK,
        &serde_json::json!({
            "index": {
                "dir": service.live.dir().display().to_string(),
                "generation": index.generation(),
                "documents": h.docs,
                "paragraphs": h.paragraphs,
                "unique_paragraphs": h.uniques,
            },
            "uptime_seconds": service.started.elapsed().as_secs(),
            "queries": n(&c.queries),
            "articles_queried": n(&c.articles_queried),
            "pairs_reported": n(&c.pairs),
            "additions": n(&c.additions),
            "documents_added": n(&c.documents_added),
            "refused_busy": n(&c.refused_busy),
            "timed_out": n(&c.timed_out),
            "client_errors": n(&c.client_errors),
            "server_errors": n(&c.server_errors),
            "free_query_slots": service.queries.available_permits(),
            "latency_ms": c.percentiles(),
        }),
    )
}

/// With `-v`: method, path, status, generation answered (when one was) and time, one
/// line per request.
async fn log_request(
    State(service): State<Arc<Service>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !service.log_requests {
        return next.run(request).await;
    }
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let start = Instant::now();
    let response = next.run(request).await;
    let generation = response
        .headers()
        .get("x-wirematch-generation")
        .and_then(|v| v.to_str().ok())
        .map(|g| format!(" generation {g}"))
        .unwrap_or_default();
    say!(
        "wirematch: {method} {path} {}{generation} {:.1} ms",
        response.status().as_u16(),
        start.elapsed().as_secs_f64() * 1e3
    );
    response
}

async fn wrong_method(State(service): State<Arc<Service>>, uri: axum::http::Uri) -> Response {
    let allowed = match uri.path() {
        "/query" | "/documents" => "POST",
        _ => "GET",
    };
    let e = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} takes {allowed} only", uri.path()),
    );
    service.count(&e);
    let mut r = e.into_response();
    r.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allowed));
    r
}

async fn not_found(State(service): State<Arc<Service>>, uri: axum::http::Uri) -> Response {
    let e = ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "no such endpoint {}: POST /query, POST /documents, GET /health, GET /stats",
            uri.path()
        ),
    );
    service.count(&e);
    e.into_response()
}
