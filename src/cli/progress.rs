//! Progress and problems on stderr, and the end-of-run summary.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wirematch::error::RecordError;
use wirematch::pipeline::{MatchRun, Observer};

/// The pipeline's stages in order, as [`Observer::stage`] names them.
const STAGES: &[&str] = &[
    "read",
    "templates",
    "sign",
    "candidates",
    "verify",
    "article pairs",
    "align",
    "neighbours",
    "corroborate",
    "translations",
    "stories",
];

/// What the progress line says during stage `name`: "align (stage 7 of 11)".
fn stage_message(name: &str) -> String {
    match STAGES.iter().position(|s| *s == name) {
        Some(0) => name.to_string(),
        Some(i) => format!("{name} (stage {} of {})", i + 1, STAGES.len()),
        None => name.to_string(),
    }
}

/// Problems printed in full before they are only counted.
const SHOWN_PROBLEMS: u64 = 100;

/// Stderr reporter: progress bar on a terminal, record problems as they happen.
pub struct Reporter {
    quiet: bool,
    verbose: u8,
    bar: Option<ProgressBar>,
    problems: AtomicU64,
    inputs_skipped: AtomicU64,
    started: std::time::Instant,
    last_stage: Mutex<&'static str>,
}

impl Reporter {
    pub fn new(quiet: bool, verbose: u8, terminal: bool) -> Self {
        let bar = (terminal && !quiet).then(|| {
            let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} {msg:12} {bytes}/{total_bytes} {bytes_per_sec} [{elapsed}]",
                )
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        });
        Reporter {
            quiet,
            verbose,
            bar,
            problems: AtomicU64::new(0),
            inputs_skipped: AtomicU64::new(0),
            started: std::time::Instant::now(),
            last_stage: Mutex::new(""),
        }
    }

    pub fn set_total(&self, bytes: u64) {
        if let Some(b) = &self.bar {
            b.set_length(bytes);
        }
    }

    fn say(&self, line: &str) {
        match &self.bar {
            Some(b) => b.suspend(|| say!("{line}")),
            None => say!("{line}"),
        }
    }

    pub fn input_skipped(&self, why: &str) {
        self.inputs_skipped.fetch_add(1, Ordering::Relaxed);
        if !self.quiet {
            self.say(&format!("wirematch: skipped input: {why}"));
        }
    }

    pub fn inputs_skipped(&self) -> u64 {
        self.inputs_skipped.load(Ordering::Relaxed)
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }

    /// The end-of-run summary (stderr). Its last line is the peer-comparable pair count.
    pub fn summary(&self, run: &MatchRun) {
        if self.quiet {
            return;
        }
        let s = &run.stats;
        let t = |n: u64| wirematch::report::thousands(n);
        let c = wirematch::report::counted;
        let secs = self.started.elapsed().as_secs_f64();
        let mb = s.corpus.text_bytes as f64 / 1e6;
        let mut lines = vec![format!(
            "wirematch: {} ({mb:.1} MB of text) in {secs:.2} s; {} skipped, {} repaired{}; peak memory {}",
            c(s.corpus.documents, "document", "documents"),
            c(s.records_skipped + self.inputs_skipped(), "record", "records"),
            t(s.records_repaired),
            if self.problems.load(Ordering::Relaxed) > SHOWN_PROBLEMS {
                format!(
                    " ({} problems, first {SHOWN_PROBLEMS} shown)",
                    t(self.problems.load(Ordering::Relaxed))
                )
            } else {
                String::new()
            },
            wirematch::memory::peak()
                .map_or("unknown".into(), |b| format!("{:.0} MB", b as f64 / 1e6)),
        )];
        let boiler: Vec<String> =
            s.corpus.boilerplate.iter().map(|(b, n)| format!("{b} {}", t(*n))).collect();
        let boiler_total: u64 = s.corpus.boilerplate.iter().map(|b| b.1).sum();
        lines.push(format!(
            "  paragraphs: {} ({} body, {} boilerplate set aside{}{}); {} distinct body texts",
            t(s.corpus.paragraphs),
            t(s.corpus.body_paragraphs),
            t(boiler_total),
            if boiler.is_empty() { "" } else { ": " },
            boiler.join(", "),
            t(s.corpus.unique_paragraphs)
        ));
        if let Some(p) = s.lsh {
            lines.push(format!(
                "  index: {} × {} LSH ({}-bit keys) over {} paragraphs; {} candidate pairs{} → {} verified paragraph pairs",
                p.bands,
                p.rows,
                s.key_width.map_or(32, |w| w.bits()),
                t(s.signed),
                t(s.candidates.pairs),
                if s.candidates.oversized_buckets > 0 {
                    format!(" ({} oversized buckets linked by hub)", t(s.candidates.oversized_buckets))
                } else {
                    String::new()
                },
                t(s.paragraph_pairs)
            ));
        }
        if s.frequent_paragraphs > 0 {
            lines.push(format!(
                "  {} paragraphs occur in more than {} documents and were not expanded into pairs",
                t(s.frequent_paragraphs),
                run.config.max_occurrences
            ));
        }
        let rel: Vec<String> =
            s.relations.iter().map(|(r, n)| format!("{} {}", r.name(), t(*n))).collect();
        lines.push(format!(
            "  matches: {}{} in {}, from {} (+{} through shared neighbours, {} matched)",
            c(s.article_pairs, "article pair", "article pairs"),
            if rel.is_empty() { String::new() } else { format!(" ({})", rel.join(", ")) },
            c(s.stories, "story", "stories"),
            c(s.article_candidates, "candidate", "candidates"),
            t(s.neighbour_candidates),
            t(s.neighbour_pairs)
        ));
        if s.uncorroborated > 0 {
            lines.push(format!(
                "  {} resting on one reworded paragraph set aside: no common third article corroborates them",
                c(s.uncorroborated, "article pair", "article pairs")
            ));
        }
        if s.recurring_shingles > 0 {
            lines.push(format!(
                "  text recurring across news cycles in several outlets (no evidence of reuse): {} shingles, {} paragraphs set aside",
                t(s.recurring_shingles),
                t(s.recurring_paragraphs)
            ));
        }
        if s.different_stories > 0 {
            lines.push(format!(
                "  {} of articles whose headlines tell different stories set aside: what they share is no story's (a form, a notice, a site's furniture)",
                c(s.different_stories, "pair", "pairs")
            ));
        }
        if s.listing_pairs > 0 {
            lines.push(format!(
                "  {} of a listing page with a story it lists (not reuse{})",
                c(s.listing_pairs, "pair", "pairs"),
                if s.relations.iter().any(|r| r.0 == wirematch::align::Relation::Listing) {
                    "; reported as listing"
                } else {
                    "; --listings reports them"
                }
            ));
        }
        let tr = &s.translation;
        let langs: Vec<String> =
            tr.languages.iter().take(5).map(|(l, n)| format!("{l} {}", t(*n))).collect();
        match &tr.skipped {
            Some(why) if self.verbose > 0 || why != "one language in the corpus" => {
                lines.push(format!("  translations: not looked for ({why}); paragraphs by language: {}", langs.join(", ")))
            }
            Some(_) => {}
            None => lines.push(format!(
                "  translations: {} pairs; languages {}; {} documents read again; {} anchor-pair candidates → {} confirmed paragraph pairs, {} article candidates (+{} by article vectors); {} paragraphs embedded with {}{}",
                t(tr.matches),
                langs.join(", "),
                t(tr.documents_read),
                t(tr.index.paragraph_candidates),
                t(tr.paragraph_links),
                t(tr.article_candidates),
                t(tr.vector_candidates),
                t(tr.embedded),
                tr.embedder,
                tr.note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
            ) + &if tr.trigram_languages.is_empty() {
                String::new()
            } else {
                format!(
                    "; pairs with {} (not known to it) verified with character trigrams ({} paragraphs)",
                    tr.trigram_languages.join(", "),
                    t(tr.trigram_embedded)
                )
            }),
        }
        if !tr.unread.is_empty() {
            let some: Vec<&str> = tr.unread.iter().take(5).map(String::as_str).collect();
            lines.push(format!(
                "  warning: {} documents could not be read again as first read (their input changed or went away during the run); no translation was looked for with them: {}{}",
                t(tr.unread.len() as u64),
                some.join(", "),
                if tr.unread.len() > some.len() { ", …" } else { "" }
            ));
        }
        if self.verbose > 0 {
            let st: Vec<String> = s
                .seconds
                .iter()
                .zip(&s.resident)
                .map(|((n, x), m)| format!("{n} {x:.2}s/{:.0}MB", *m as f64 / 1e6))
                .collect();
            lines.push(format!("  stages (seconds/resident memory after): {}", st.join(", ")));
        }
        lines.push(format!(
            "  pairs: {}  (distinct paragraph pairs with Jaccard >= 0.5, the peers' measure)",
            s.paragraph_pairs_at_least(5)
        ));
        for l in lines {
            say!("{l}");
        }
    }
}

impl Observer for Reporter {
    fn problem(&self, e: &RecordError) {
        let n = self.problems.fetch_add(1, Ordering::Relaxed) + 1;
        if self.quiet || n > SHOWN_PROBLEMS {
            return;
        }
        let kind = if e.problem.is_note() {
            "note"
        } else if e.problem.is_warning() {
            "warning"
        } else {
            "skipped"
        };
        self.say(&format!("wirematch: {kind}: {e}"));
        if n == SHOWN_PROBLEMS {
            self.say("wirematch: further problems are counted, not shown");
        }
    }

    fn stage(&self, name: &'static str) {
        if let Ok(mut s) = self.last_stage.lock() {
            *s = name;
        }
        if let Some(b) = &self.bar {
            // Bytes count only while reading; after that the bar follows the stages, so
            // that alignment and translation do not look like a frozen byte counter.
            if name != "read" {
                b.set_style(
                    ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
            }
            b.set_message(stage_message(name));
        }
        log::debug!("stage {name}");
    }

    fn progress(&self, bytes: u64) {
        if let Some(b) = &self.bar {
            b.set_position(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_line_names_the_stage_and_how_far_the_run_is() {
        assert_eq!(stage_message("read"), "read");
        assert_eq!(stage_message("align"), "align (stage 7 of 11)");
        assert_eq!(stage_message("stories"), "stories (stage 11 of 11)");
    }

    #[test]
    fn every_stage_the_pipeline_announces_is_known() {
        // Reading is announced by the pipeline, the stages after it in their module, in
        // the order they run.
        let pipeline =
            [include_str!("../pipeline.rs"), include_str!("../pipeline/stages.rs")].concat();
        let announced: Vec<&str> = pipeline
            .split("obs.stage(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert!(announced.len() >= 8);
        for (i, name) in announced.iter().enumerate() {
            assert_eq!(STAGES.get(i), Some(name), "stage {i} of the pipeline");
        }
    }
}
