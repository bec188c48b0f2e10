//! # wirematch
//!
//! Finds republished, rewritten and translated wire copy in a news corpus, paragraph by
//! paragraph: which articles carry the same copy, who published it first, and how much of
//! each article came from where.
//!
//! The pipeline is one module per stage, data flowing one way:
//!
//! ```text
//! corpus → fingerprint (normalize, segment, boilerplate, shingle) → store
//!        → minhash → lsh → verify → align → cluster → report
//! ```
//!
//! ```
//! use wirematch::{Config, Detector, Document, Quiet};
//!
//! let wire = "The central bank raised its main interest rate by half a point on Tuesday.\n\n\
//!             Economists had expected a smaller move, and bond yields rose after the news.";
//! let copy = format!("Share on facebook\n\nOur town's view of the decision, first.\n\n{wire}");
//! let docs = vec![
//!     Document::new("wire-1", wire).with_outlet("Wire").with_published("2024-05-07T09:00:00Z"),
//!     Document::new("daily-7", copy).with_outlet("Daily").with_published("2024-05-07T11:30:00Z"),
//! ];
//! let run = Detector::new(Config::default())?.run_documents(docs, &Quiet)?;
//! let m = &run.matches[0];
//! assert_eq!(&*run.store.docs[m.a as usize].id, "wire-1"); // the source comes first
//! assert_eq!(m.relation.name(), "copy");
//! assert_eq!(m.paragraphs.len(), 2);
//! # Ok::<(), wirematch::Error>(())
//! ```
#![deny(missing_docs)]

pub mod align;
pub mod aligner;
pub mod anchors;
pub mod article_pairs;
pub mod atomic;
pub mod boilerplate;
pub mod cluster;
pub mod config;
pub mod corpus;
pub mod encoder;
pub mod error;
pub mod eval;
pub mod fingerprint;
pub mod headline;
pub mod index;
pub mod lang;
pub mod listing;
pub mod lsh;
pub mod memory;
pub mod minhash;
pub mod normalize;
pub mod oracle;
pub mod pipeline;
pub mod published;
pub mod quotes;
pub mod recurring;
pub mod report;
pub mod segment;
pub mod shingle;
pub mod spill;
pub mod store;
pub mod synth;
pub mod texts;
pub mod translate;
pub mod transliterate;
pub mod verify;
pub mod vocabulary;

pub use align::{ArticleMatch, ParagraphMatch, Relation};
pub use cluster::Story;
pub use config::Config;
pub use corpus::{Document, Input};
pub use error::{Error, IndexProblem, RecordError, RecordProblem, Result};
pub use pipeline::{Detector, MatchRun, Observer, Quiet, RunStats};
