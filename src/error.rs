//! Library errors.
//!
//! Two kinds of failure exist and they are kept apart on purpose:
//!
//! * [`Error`] stops an operation: an input that cannot be opened at all, a configuration
//!   that makes no sense, an output that cannot be written.
//! * [`RecordProblem`] concerns one record of an input (one JSONL line, one file of a
//!   folder). The reader reports it with its location and goes on with the next record, so
//!   one bad line never costs the rest of a corpus. Callers decide whether a problem is fatal
//!   (the CLI's `--strict`).

use std::fmt;
use std::path::PathBuf;

/// Result alias used across the library.
pub type Result<T> = std::result::Result<T, Error>;

/// An error that stops the operation that returned it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A configuration value is invalid (out of range, inconsistent with another value).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// An input cannot be used at all (unknown kind, not a file or folder).
    #[error("{}: {problem}", path.display())]
    Input {
        /// The input path as given.
        path: PathBuf,
        /// Why it cannot be read.
        problem: String,
    },
    /// A record problem that the caller asked to treat as fatal (strict mode).
    #[error("{0}")]
    Record(#[from] RecordError),
    /// A persistent index cannot be used: not an index, another format or configuration,
    /// or corrupt.
    #[error("{}: {problem}", path.display())]
    Index {
        /// The index file concerned.
        path: PathBuf,
        /// What is wrong with it.
        problem: IndexProblem,
    },
    /// A labels or predictions file for evaluation is malformed.
    #[error("{}:{line}: {problem}", path.display())]
    Labels {
        /// The file concerned.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What is wrong with the line.
        problem: String,
    },
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

/// Why a persistent index was refused (see [`crate::index`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum IndexProblem {
    /// The file does not start with the index magic number.
    #[error("not a wirematch index (bad magic number)")]
    BadMagic,
    /// The file is shorter than its header or a section it declares.
    #[error("truncated: {0}")]
    Truncated(String),
    /// Written by another version of the index format.
    #[error("index format version {found}, this build reads version {expected}")]
    Version {
        /// The version this build reads.
        expected: u32,
        /// The version in the file.
        found: u32,
    },
    /// A parameter of the index differs from the run's configuration.
    #[error(
        "built with {name} = {found}, but this run uses {expected}; rebuild the index or run with the index's settings"
    )]
    Parameter {
        /// The parameter.
        name: &'static str,
        /// The run's value.
        expected: String,
        /// The index's value.
        found: String,
    },
    /// A checksum does not match: the bytes were changed after writing.
    #[error("corrupt: checksum mismatch in {0}")]
    Checksum(&'static str),
    /// A section's content is inconsistent (an offset out of range, bad JSON).
    #[error("malformed {section}: {detail}")]
    Malformed {
        /// The section.
        section: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// The directory has no index manifest.
    #[error("no index here (missing {0})")]
    Missing(&'static str),
}

/// Where a record came from: the input file and the 1-based line (JSONL) or the file itself
/// (folder inputs, where `line` is 0).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// Path of the file that holds the record.
    pub path: PathBuf,
    /// 1-based line number; 0 for a record that is a whole file.
    pub line: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.path.display())
        } else {
            write!(f, "{}:{}", self.path.display(), self.line)
        }
    }
}

/// A problem with one record. Records with a problem are skipped (or, for warnings, kept
/// with the problem repaired) and reported as `FILE:LINE: problem`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {problem}")]
pub struct RecordError {
    /// Where the record is.
    pub location: Location,
    /// What is wrong with it.
    pub problem: RecordProblem,
}

/// What is wrong with a record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordProblem {
    /// The line is not valid JSON.
    NotJson(String),
    /// The line is JSON but not an object.
    NotAnObject(&'static str),
    /// A required field is absent or null.
    MissingField(&'static str),
    /// A field has the wrong JSON type.
    WrongType {
        /// Field name.
        field: &'static str,
        /// Type that was found.
        found: &'static str,
    },
    /// The text has no word characters at all.
    EmptyText,
    /// The id was already used by an earlier record.
    DuplicateId {
        /// The repeated id.
        id: String,
        /// Where it was first seen.
        first: Location,
    },
    /// The record is longer than the configured limit.
    TooLarge {
        /// Size of the record in bytes (at least this many).
        bytes: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// Reading the input failed at this point (truncated or corrupt compressed stream, I/O
    /// error). Records before it were read; the rest of this input is lost.
    ReadFailed(String),
    /// A compressed input decompressed to more than its limit (a likely decompression
    /// bomb, see `ReadOptions::max_expansion`). Records before this line were read; the
    /// rest of this input is lost.
    ExpansionLimit {
        /// Size of the compressed input on disk, in bytes.
        compressed: u64,
        /// The limit on its decompressed size, in bytes.
        limit: u64,
        /// Complete lines read before the limit was reached.
        lines_read: u64,
    },
    /// The input is a folder or file that could not be read.
    Unreadable(String),
    /// The file holds binary data, not text (what gave it away): skipped, as decoding it
    /// would only feed noise to every later stage.
    Binary(String),
    /// Bytes that are not valid UTF-8 were replaced by U+FFFD (the record is kept).
    InvalidUtf8Repaired,
    /// The text was decoded from a legacy encoding (the record is kept).
    Transcoded(&'static str),
    /// Part of an input that holds no document, said once so that nothing is dropped
    /// silently: files of a folder that are not documents, archive records that hold no
    /// page. A note: neither a skipped nor a repaired record.
    NotADocument(String),
    /// An optional field was ignored because of its type or value (the record is kept).
    FieldIgnored {
        /// Field name.
        field: &'static str,
        /// Why.
        why: String,
    },
}

impl RecordProblem {
    /// Whether the record is kept despite the problem (a warning) or skipped.
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            RecordProblem::InvalidUtf8Repaired
                | RecordProblem::Transcoded(_)
                | RecordProblem::FieldIgnored { .. }
                | RecordProblem::NotADocument(_)
        )
    }

    /// Whether this is a note about input that holds no document (nothing lost, nothing
    /// repaired).
    pub fn is_note(&self) -> bool {
        matches!(self, RecordProblem::NotADocument(_))
    }
}

impl fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordProblem::NotJson(e) => write!(f, "not valid JSON: {e}"),
            RecordProblem::NotAnObject(found) => write!(f, "expected a JSON object, found {found}"),
            RecordProblem::MissingField(name) => write!(f, "missing required field `{name}`"),
            RecordProblem::WrongType { field, found } => {
                write!(f, "field `{field}` must be a string, found {found}")
            }
            RecordProblem::EmptyText => write!(f, "text is empty (no word characters)"),
            RecordProblem::DuplicateId { id, first } => {
                write!(f, "duplicate id {id:?} (first seen at {first}); record skipped")
            }
            RecordProblem::TooLarge { bytes, limit } => write!(
                f,
                "record is {bytes} bytes, over the limit of {limit} bytes (--max-record-size)"
            ),
            RecordProblem::ReadFailed(e) => write!(f, "reading stopped: {e}"),
            RecordProblem::ExpansionLimit { compressed, limit, lines_read } => write!(
                f,
                "reading stopped: a {compressed}-byte compressed input decompressed past {limit} \
                 bytes (--max-expansion; a decompression bomb?) after {lines_read} complete \
                 lines; the rest of this input is lost"
            ),
            RecordProblem::Unreadable(e) => write!(f, "cannot read: {e}"),
            RecordProblem::Binary(why) => write!(f, "binary data, not text ({why})"),
            RecordProblem::InvalidUtf8Repaired => {
                write!(f, "invalid UTF-8 replaced by U+FFFD (record kept)")
            }
            RecordProblem::Transcoded(enc) => {
                write!(f, "not UTF-8; decoded as {enc} (record kept)")
            }
            RecordProblem::NotADocument(why) => write!(f, "{why}"),
            RecordProblem::FieldIgnored { field, why } => {
                write!(f, "field `{field}` ignored: {why} (record kept)")
            }
        }
    }
}
