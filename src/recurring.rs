//! Text a corpus repeats across news cycles: site and distributor furniture, not reuse.
//!
//! News copy is reused within its news cycle: a wire story is reprinted the day it runs,
//! the next day at the latest. Text that several outlets' articles share *across* cycles —
//! a publishing system's paywall notice printed by dozens of small papers all month, a
//! press-release distributor's footer, a legal disclaimer, a video widget — recurs because
//! it is furniture, whatever the articles around it are about. Such text may sit in its own
//! paragraph or be glued into one (a teaser followed by the notice), so it is found shingle
//! by shingle:
//!
//! * pairs of matched articles published more than [`Config::news_cycle_days`] apart
//!   (surely: see [`crate::published`]) contribute the prose shingles they share, with
//!   both articles.
//! * a shingle contributed with at least [`Config::recurring_min_docs`] dated documents of
//!   at least two outlets recurs when its documents are *not bursty*: at most half of them
//!   fall within one news cycle, and at least three fall outside it. A wire story is
//!   reprinted in a burst, with a few stragglers (a weekly, a late pick-up) days later; a
//!   paywall notice or a distributor's footer is spread over the whole period the corpus
//!   covers.
//! * recurring shingles no longer count as evidence of reuse anywhere in the corpus (they
//!   still align paragraphs and count in coverage), and a paragraph made mostly of them is
//!   set aside as [`crate::boilerplate::Boilerplate::Recurring`].
//!
//! Within one cycle, shared text is judged by the other rules (quotations, templates, the
//! position of the evidence). Cost: one pass over the aligned paragraphs of the matched
//! pairs that span cycles (in a corpus of syndicated news, few), and a sort of what they
//! share; nothing when no pair spans cycles.

use crate::align::ArticleMatch;
use crate::config::Config;
use crate::store::Store;
use crate::verify;

/// Share of a paragraph's prose shingles that must recur for the paragraph to be set aside.
pub const PARAGRAPH_SHARE: f64 = 0.8;

/// The prose shingles that recur across news cycles in several outlets' documents (see the
/// module documentation), sorted and distinct.
pub fn find(store: &Store, matches: &[ArticleMatch], cfg: &Config) -> Vec<u32> {
    let cycle = cfg.news_cycle_days * 86_400.0;
    // (shingle, document)
    let mut rows: Vec<(u32, u32)> = Vec::new();
    let mut shared: Vec<u32> = Vec::new();
    for m in matches {
        let (da, db) = (&store.docs[m.a as usize], &store.docs[m.b as usize]);
        let (Some(ta), Some(tb)) = (da.published, db.published) else { continue };
        if ta.surely_apart_by(tb) <= cycle {
            continue;
        }
        let (pa, pb) = (store.doc_paragraphs(m.a), store.doc_paragraphs(m.b));
        for p in &m.paragraphs {
            let (Some(x), Some(y)) = (pa.get(p.a as usize), pb.get(p.b as usize)) else {
                continue;
            };
            shared.clear();
            verify::intersect_into(store.set(x.unique), store.set(y.unique), &mut shared);
            for &h in shared.iter().filter(|&&h| crate::shingle::is_prose(h)) {
                rows.push((h, m.a));
                rows.push((h, m.b));
            }
        }
    }
    rows.sort_unstable();
    rows.dedup();
    let mut out = Vec::new();
    let mut times: Vec<i64> = Vec::new();
    for group in rows.chunk_by(|x, y| x.0 == y.0) {
        let mut docs: Vec<u32> = group.iter().map(|r| r.1).collect();
        docs.dedup();
        if docs.len() < cfg.recurring_min_docs {
            continue;
        }
        let first = store.docs[docs[0] as usize].outlet;
        if !docs.iter().any(|&d| store.docs[d as usize].outlet != first) {
            continue;
        }
        times.clear();
        times.extend(
            docs.iter().filter_map(|&d| store.docs[d as usize].published.map(|p| p.bounds().0)),
        );
        if times.len() >= cfg.recurring_min_docs && !bursty(&mut times, cycle) {
            out.push(group[0].0);
        }
    }
    out
}

/// Whether publication times are concentrated the way news is: more than half of them
/// within one news cycle (`cycle` seconds), or fewer than [`STRAGGLERS`] outside it. A
/// wire story is reprinted the day it runs, with a few stragglers days later; furniture
/// is spread over the whole period.
fn bursty(times: &mut [i64], cycle: f64) -> bool {
    times.sort_unstable();
    let mut best = 0;
    let mut lo = 0;
    for hi in 0..times.len() {
        while (times[hi] - times[lo]) as f64 > cycle {
            lo += 1;
        }
        best = best.max(hi + 1 - lo);
    }
    best * 2 > times.len() || times.len() - best < STRAGGLERS
}

/// Documents outside the densest news cycle below which text is still a story with its
/// stragglers (a weekly, a late pick-up).
const STRAGGLERS: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Document;
    use crate::{Detector, pipeline::Quiet};

    const NOTICE: &str = "Subscription required. An online service is needed to view this article in its entirety. You need an online service to view this article in its entirety. Login or create an account now.";

    fn story(i: usize) -> String {
        format!(
            "Story {i} reports on the council meeting number {i} in town {i}, where members discussed the budget {i} at length.\n\n\
             Residents of district {i} said the plan {i} would raise taxes by {i} percent over the coming year, officials added."
        )
    }

    #[test]
    fn a_notice_printed_all_month_by_unrelated_papers_makes_no_pair() {
        let docs: Vec<Document<'static>> = (0..6)
            .map(|i| {
                let s = story(i);
                let (first, second) = s.split_once("\n\n").unwrap();
                // The notice in the middle: not a tail, so only its recurrence can tell.
                Document::new(format!("d{i}"), format!("{first}\n\n{NOTICE}\n\n{second}"))
                    .with_outlet(format!("Paper {i}"))
                    .with_published(format!("2015-09-{:02}T10:00:00Z", 1 + 5 * i))
            })
            .collect();
        let run = Detector::new(Config::default()).unwrap().run_documents(docs, &Quiet).unwrap();
        assert!(run.matches.is_empty(), "{:?}", run.matches);
        assert!(run.stats.recurring_shingles > 0);
    }
}
