//! Binary-only code: commands, terminal output, exit codes.

/// Writes to standard error. A standard error that cannot be written (a full device, a
/// closed pipe) loses the message, not the run: `eprintln!` would panic.
/// Control characters from the corpus (ids, outlet names in warnings) are shown as
/// U+FFFD, not obeyed by the terminal.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let line = format!($($t)*);
        let _ = writeln!(std::io::stderr(), "{}", wirematch::report::printable(&line));
    }};
}

/// [`say!`] without the line end.
macro_rules! say_part {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let text = format!($($t)*);
        let _ = write!(std::io::stderr(), "{}", wirematch::report::printable(&text));
    }};
}

/// Writes a line of results to standard output; failing to (a full device, a closed
/// pipe) is an error of the command, not a panic as with `println!`.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($t)*).context("writing to standard output")?;
    }};
}

pub mod args;
mod bench_cmd;
mod config_cmd;
mod docs_cmd;
mod eval_cmd;
mod index_cmd;
mod match_cmd;
mod model_cmd;
pub mod oom;
mod paragraphs_cmd;
mod progress;
mod serve_cmd;

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use wirematch::corpus::Input;
use wirematch::translate::embed::EmbedderChoice;
use wirematch::{Detector, MatchRun};

use args::{Cli, Command, CorpusArgs};
use progress::Reporter;

/// Starts the worker threads: `threads`, or one per core. Where the system refuses that
/// many (a process limit, a tight memory limit) fewer are started, down to one, and the
/// run goes on (results do not depend on the count); only when not even one can start is
/// it an error. Left to itself the pool would panic on its first use. The pool is our own,
/// not rayon's global one, which can be set up only once, even when setting it up failed.
fn start_workers(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut n =
        threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    loop {
        // The commands run on a worker: give workers the main thread's usual stack.
        match rayon::ThreadPoolBuilder::new().num_threads(n).stack_size(8 << 20).build() {
            Ok(pool) => return Ok(pool),
            Err(e) if n > 1 => {
                log::warn!("could not start {n} worker threads ({e}); trying {}", n / 2);
                n /= 2;
            }
            Err(e) => {
                return Err(anyhow::anyhow!(
                    "cannot start a worker thread: {e} (out of memory, or at the limit of \
                     processes this user may run)"
                ));
            }
        }
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let workers = start_workers(cli.threads.map(usize::from))?;
    if let Command::Serve(a) = &cli.command {
        // Requests arrive on network threads and hand their work to the pool.
        return serve_cmd::run(a, std::sync::Arc::new(workers), cli.verbose, cli.quiet);
    }
    workers.install(|| match cli.command {
        Command::Match(a) => match_cmd::run(&a, cli.verbose, cli.quiet),
        Command::Eval(a) => eval_cmd::run(&a, cli.verbose, cli.quiet),
        Command::Model(m) => model_cmd::run(m, cli.quiet),
        Command::Paragraphs(a) => paragraphs_cmd::run(&a, cli.verbose, cli.quiet),
        Command::Bench(a) => bench_cmd::run(&a, cli.quiet),
        Command::Index(c) => index_cmd::run(c, cli.verbose, cli.quiet),
        Command::Config(a) => config_cmd::run(&a),
        Command::Completions { shell } => docs_cmd::completions(shell),
        Command::Man { dir } => docs_cmd::man(dir.as_deref()),
        Command::Serve(_) => unreachable!("served above"),
    })
}

/// Resolves inputs. A path that does not exist is an error (most likely a typo), as is one
/// in no format wirematch reads; one that exists but cannot be opened is reported and
/// skipped like a bad record.
fn resolve_inputs(
    args: &CorpusArgs,
    fields: &wirematch::corpus::FieldMap,
    reporter: &Reporter,
) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    for p in &args.inputs {
        if p.as_os_str() != "-" && !p.exists() && std::fs::symlink_metadata(p).is_err() {
            bail!("{}: no such file or folder", p.display());
        }
        match Input::detect_with(p, fields) {
            Ok(i) => out.push(i),
            // A file in no format wirematch reads (or not a file at all) is refused: read
            // anyway it would be zero documents and a run that looks fine.
            Err(e @ wirematch::Error::Input { .. }) => return Err(e.into()),
            Err(e) if args.strict => return Err(e).context("reading inputs (--strict)"),
            Err(e) => reporter.input_skipped(&e.to_string()),
        }
    }
    Ok(out)
}

/// Runs the matching pipeline with the CLI's reporting: over the inputs, or over the
/// documents of an index plus the inputs.
fn run_match(
    args: &CorpusArgs,
    index: Option<&Path>,
    verbose: u8,
    quiet: bool,
) -> Result<(MatchRun, Reporter)> {
    let index = index.map(|d| open_index(d, args).map(|i| (d, i))).transpose()?;
    let base = index.as_ref().map(|(_, i)| i.config().clone());
    let (detector, reporter, inputs) = prepare(args, index.is_some(), base, verbose, quiet)?;
    let run = match index {
        Some((dir, index)) => {
            let base = index.load_store().with_context(|| format!("reading {}", dir.display()))?;
            detector.run_onto(Some(base), &inputs, &reporter)
        }
        None => detector.run(&inputs, &reporter),
    }
    .context("matching failed")?;
    reporter.finish();
    warn_over_budget(args, &run, quiet);
    Ok((run, reporter))
}

/// The records of documents and paragraphs stay on the heap (only the per-paragraph
/// columns spill): say so when they, with the working sets, broke the budget. Sizes are in
/// MB of 10⁶ bytes like the rest of the summary (`4G` is 4,295 MB).
fn warn_over_budget(args: &CorpusArgs, run: &MatchRun, quiet: bool) {
    if let (Some(budget), Some(peak)) = (args.memory.memory_budget, wirematch::memory::peak()) {
        if peak > budget && !quiet {
            say!(
                "wirematch: warning: peak memory {:.0} MB exceeded --memory-budget ({:.0} MB): \
                 document and paragraph records stay in memory (about 70 bytes per \
                 paragraph, {} paragraphs here)",
                peak as f64 / 1e6,
                budget as f64 / 1e6,
                run.stats.corpus.paragraphs
            );
        }
    }
}

/// Opens the index in `dir` and checks the run's settings (the index's, with the flags of
/// `args` over them) against it.
fn open_index(dir: &Path, args: &CorpusArgs) -> Result<wirematch::index::Index> {
    let index = wirematch::index::Index::open(dir).context("opening the index")?;
    let config = args.config_over(index.config().clone())?;
    index.check_config(&config).context("the settings contradict the index")?;
    Ok(index)
}

/// The detector, reporter and resolved inputs of a command. `base` is the configuration
/// the flags apply over (an index's); `inputs_optional` allows no INPUT.
fn prepare(
    args: &CorpusArgs,
    inputs_optional: bool,
    base: Option<wirematch::Config>,
    verbose: u8,
    quiet: bool,
) -> Result<(Detector, Reporter, Vec<Input>)> {
    anyhow::ensure!(inputs_optional || !args.inputs.is_empty(), "at least one INPUT is needed");
    let config = match base {
        Some(b) => args.config_over(b)?,
        None => args.config()?,
    };
    let read = args.read_options(&config).context("invalid --field")?;
    let fields = std::sync::Arc::clone(&read.fields);
    let detector = Detector::new(config).context("invalid options")?;
    let embedder = match (&args.model, args.no_model) {
        (_, true) => EmbedderChoice::Fallback,
        (Some(dir), _) => {
            anyhow::ensure!(
                dir.join("weights.npz").exists(),
                "{}: no model there (wirematch model fetch --dir …)",
                dir.display()
            );
            EmbedderChoice::Model(dir.clone())
        }
        (None, false) => EmbedderChoice::default_model(),
    };
    let detector = args
        .memory
        .apply(detector.with_read_options(read).strict(args.strict).with_embedder(embedder))?;
    if let Some(w) = detector.config().lsh_warning(detector.lsh_params()) {
        say!("wirematch: warning: {w}");
    }
    // Asked for by name, the explanation is printed even with -q (which quiets progress).
    if args.explain || (verbose > 0 && !quiet) {
        say_part!(
            "{}",
            detector.lsh_params().explain(detector.config().threshold, detector.config().num_perm)
        );
    }
    let reporter = Reporter::new(quiet, verbose, std::io::stderr().is_terminal());
    let inputs = resolve_inputs(args, &fields, &reporter)?;
    reporter.set_total(input_bytes(&inputs));
    Ok((detector, reporter, inputs))
}

/// Bytes of the inputs that are files (standard input and folders count 0).
fn input_bytes(inputs: &[Input]) -> u64 {
    inputs
        .iter()
        .filter_map(|i| std::fs::metadata(&i.path).ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// True when writing to `path` (or stdout) should be treated as a terminal.
fn stdout_is_terminal(output: Option<&Path>) -> bool {
    output.is_none() && std::io::stdout().is_terminal()
}
