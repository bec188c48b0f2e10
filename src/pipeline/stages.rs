//! The stages of a run after reading, in order, each a method named after what it does:
//! [`Detector::finish`](super::Detector) calls them one after the other.
//!
//! ```text
//! templates → sign → candidates → verify → article pairs → align → neighbours
//!   → one story? (listings, headlines) → corroborate → translations → stories
//! ```
//!
//! A stage takes what the stages before it produced and returns what it makes; the
//! corpus ([`Store`]), the figures ([`RunStats`]) and the clock travel with the run in
//! [`Stages`]. Each stage announces itself to the observer, hands a spilled store's pages
//! back when it ends and records its time and memory. The rules the stages apply live in
//! their own modules (an index query applies the same ones to stored ∪ new documents).

use rayon::prelude::*;

use super::{Detector, MatchRun, Observer, RunStats, TextOrigin, Timer, VERIFY_SLICE};
use crate::align::ArticleMatch;
use crate::aligner;
use crate::article_pairs::{self, Link, Proposed};
use crate::cluster::{self, Story};
use crate::error::Result;
use crate::fingerprint::Kind;
use crate::lsh::{self, BandKeys, KeyWidth};
use crate::recurring;
use crate::store::Store;
use crate::texts::TextSource;
use crate::translate;
use crate::verify::Overlap;

/// A run between reading and its result: the corpus, the figures and the clock, and the
/// detector whose settings every stage applies.
pub(super) struct Stages<'d> {
    det: &'d Detector,
    obs: &'d dyn Observer,
    pub(super) store: Store,
    pub(super) stats: RunStats,
    t: Timer,
}

/// The article matches of the alignment stages, sorted into what they can be used for.
#[derive(Default)]
pub(super) struct Aligned {
    /// Matches that stand on their own evidence, or were vouched for.
    pub(super) matches: Vec<ArticleMatch>,
    /// Pairs whose match rests on one reworded paragraph: kept only if corroborated.
    pub(super) weak: Vec<(u32, u32)>,
    /// Matches that are not reuse (quote-only, listings; reported on request): they
    /// neither propose neighbours nor corroborate anything.
    pub(super) apart: Vec<ArticleMatch>,
    /// The evident matches as `(lower doc, higher doc, round)` (see [`MatchRun`]).
    pub(super) evident: Vec<(u32, u32, u8)>,
}

impl<'d> Stages<'d> {
    pub(super) fn new(
        det: &'d Detector,
        obs: &'d dyn Observer,
        store: Store,
        stats: RunStats,
        t: Timer,
    ) -> Self {
        Stages { det, obs, store, stats, t }
    }

    /// Ends stage `name`: a spilled store's pages handed back, time and memory recorded.
    fn lap(&mut self, name: &'static str) {
        self.store.release();
        self.t.lap(name);
    }

    /// Outlet templates: a paragraph an outlet prints in several articles with different
    /// content is boilerplate everywhere ([`Store::mark_templates`]).
    pub(super) fn templates(&mut self) {
        self.store.finish_reading();
        self.obs.stage("templates");
        self.store.mark_templates(self.det.config.template_min_articles);
        self.stats.corpus = self.store.stats();
        log::debug!("store heap bytes: {:?}", self.store.heap_bytes());
        self.lap("templates");
    }

    /// MinHash signatures of the unique body paragraphs with at least one full shingle
    /// (by [`Store::signed`], the one signing rule), as LSH band keys. Returns the signed
    /// paragraphs (the keys' items) and the keys.
    pub(super) fn sign(&mut self) -> Result<(Vec<u32>, BandKeys)> {
        self.obs.stage("sign");
        let (det, cfg, store) = (self.det, &self.det.config, &self.store);
        let eligible = store.signed(cfg.shingle_size);
        self.stats.signed = eligible.len() as u64;
        self.stats.lsh = Some(det.lsh);
        let params = det.lsh;
        let width = KeyWidth::for_items(eligible.len(), cfg.wide_keys_from);
        self.stats.key_width = Some(width);
        let fill = |i: usize, out: &mut [u64]| {
            let mut buf = [0u32; 1024];
            let sig = &mut buf[..det.hasher.num_perm()];
            det.hasher.sign_into(store.set(eligible[i]), sig);
            for (b, k) in out.iter_mut().enumerate() {
                *k = params.band_key(sig, b);
            }
        };
        let keys = match &det.spill {
            None => BandKeys::build(eligible.len(), params, width, fill),
            Some(dir) => BandKeys::build_spilled(eligible.len(), params, width, dir, fill, || {
                store.release()
            })?,
        };
        self.lap("sign");
        Ok((eligible, keys))
    }

    /// Candidate pairs of signed paragraphs: sharing a band key, through hubs in oversized
    /// buckets ([`lsh::candidates`]).
    pub(super) fn candidates(&mut self, eligible: &[u32], keys: BandKeys) -> Vec<(u32, u32)> {
        self.obs.stage("candidates");
        let store = &self.store;
        let (cands, cstats) = lsh::candidates(&keys, self.det.config.max_bucket, |i| {
            store.uniques[eligible[i as usize] as usize].key
        });
        drop(keys);
        self.stats.candidates = cstats;
        self.lap("candidates");
        cands
    }

    /// Candidates verified on their shingle sets: the paragraph pairs the accept rule
    /// ([`Overlap::accepted`]) keeps.
    pub(super) fn verify(&mut self, eligible: &[u32], cands: Vec<(u32, u32)>) -> Vec<Link> {
        self.obs.stage("verify");
        let (cfg, store) = (&self.det.config, &self.store);
        // Candidates come sorted by their first item, the second anywhere: they are verified
        // in slices, and a spilled store's pages released when they add up (see PageGuard).
        let verify_slice = |slice: &[(u32, u32)]| -> Vec<Link> {
            slice
                .par_iter()
                .filter_map(|&(i, j)| {
                    let (u, v) = (eligible[i as usize], eligible[j as usize]);
                    let o = Overlap::of(store.set(u), store.set(v));
                    let tokens = |u: u32| store.uniques[u as usize].tokens;
                    o.accepted(cfg).then(|| Link {
                        u,
                        v,
                        overlap: o,
                        tokens: (tokens(u), tokens(v)),
                    })
                })
                .collect()
        };
        let mut links: Vec<Link> = Vec::new();
        let guard = crate::store::PageGuard::new(store, self.det.view_budget);
        for slice in cands.chunks(guard.slice(VERIFY_SLICE)) {
            links.extend(verify_slice(slice));
            guard.check(store);
        }
        drop(cands);
        self.stats.paragraph_pairs = links.len() as u64;
        for l in &links {
            self.stats.jaccard_deciles[((l.overlap.jaccard() * 10.0) as usize).min(9)] += 1;
        }
        self.t.lap("verify");
        links
    }

    /// Article pairs worth aligning, now or once corroborated
    /// ([`article_pairs::candidates`]; every pair with `exhaustive`).
    pub(super) fn article_pairs(&mut self, eligible: &[u32], links: Vec<Link>) -> Proposed {
        self.obs.stage("article pairs");
        let cfg = &self.det.config;
        let proposed = if cfg.exhaustive {
            let n = self.store.docs.len() as u32;
            let now = (0..n).flat_map(|x| (x + 1..n).map(move |y| (x, y))).collect();
            Proposed { now, ..Default::default() }
        } else {
            article_pairs::candidates(&self.store, eligible, &links, cfg)
        };
        drop(links);
        self.stats.frequent_paragraphs = proposed.frequent_paragraphs;
        self.stats.article_candidates = (proposed.now.len() + proposed.deferred.len()) as u64;
        self.stats.deferred_candidates = proposed.deferred.len() as u64;
        self.lap("article pairs");
        proposed
    }

    /// Aligns the proposed pairs, then learns what the matches show to be furniture —
    /// text recurring across news cycles in several outlets ([`recurring::find`]), the
    /// words of everything set aside ([`Store::learn_vocabulary`]) — and aligns again the
    /// matches whose shared text lost weight by it.
    pub(super) fn align(&mut self, pairs: &[(u32, u32)]) -> Result<Aligned> {
        self.obs.stage("align");
        let cfg = &self.det.config;
        let budget = self.det.view_budget;
        // Matches that stand on their own evidence are kept whole; those resting on one
        // reworded paragraph are only remembered as pairs (in a large corpus they are most
        // of the matches and nearly all set aside) and aligned again if corroborated.
        let clock = std::time::Instant::now();
        let first = super::align_round(&self.store, cfg, pairs, budget);
        log::debug!("align: first round {:.2?}", clock.elapsed());
        let (mut matches, mut weak, mut apart) = (first.evident, first.weak, first.apart);
        // Text that recurs across news cycles in several outlets' articles is furniture:
        // found from the matches that span cycles, it stops counting as evidence, and the
        // matches resting on it are aligned again.
        let recurring = recurring::find(&self.store, &matches, cfg);
        log::debug!("align: recurring found {:.2?}", clock.elapsed());
        let found_recurring = !recurring.is_empty();
        if found_recurring {
            self.stats.recurring_shingles = recurring.len() as u64;
            self.stats.recurring_paragraphs = self.store.set_recurring(recurring);
            if let Some(e) = self.store.take_error() {
                return Err(e);
            }
            self.stats.corpus = self.store.stats();
        }
        // What the corpus's furniture reads like, learned from everything set aside so far:
        // shared words that read like it are no evidence either.
        log::debug!("align: recurring set {:.2?}", clock.elapsed());
        self.stats.vocabulary = self.store.learn_vocabulary();
        log::debug!("align: vocabulary learned {:.2?}", clock.elapsed());
        if found_recurring || self.stats.vocabulary {
            // Only the matches whose aligned paragraphs now carry less evidence are
            // aligned again: a paragraph set aside, a recurring shingle or furniture words
            // among what they share.
            let store = &self.store;
            let flags: Vec<bool> = matches.par_iter().map(|m| lost_evidence(store, m)).collect();
            let mut again: Vec<(u32, u32)> = Vec::new();
            let mut kept = Vec::with_capacity(matches.len());
            for (m, hit) in matches.into_iter().zip(flags) {
                if hit {
                    again.push((m.a.min(m.b), m.a.max(m.b)));
                } else {
                    kept.push(m);
                }
            }
            again.par_sort_unstable();
            self.stats.realigned = again.len() as u64;
            log::debug!("align: {} affected {:.2?}", again.len(), clock.elapsed());
            let second = super::align_round(store, cfg, &again, budget);
            log::debug!("align: realigned {:.2?}", clock.elapsed());
            matches = kept;
            matches.extend(second.evident);
            weak.extend(second.weak);
            apart.extend(second.apart);
        }
        let evident = matches.iter().map(|m| (m.a.min(m.b), m.a.max(m.b), 1)).collect();
        self.lap("align");
        Ok(Aligned { matches, weak, apart, evident })
    }

    /// Two articles that each match a third are likely one story: their pair is proposed
    /// too ([`article_pairs::neighbours`]; `done`: the pairs aligned already) and decided
    /// by the same rules, so a pair the index missed by chance is recovered. Pairs it
    /// aligns leave `deferred`.
    pub(super) fn neighbours(
        &mut self,
        done: &[(u32, u32)],
        deferred: &mut Vec<(u32, u32)>,
        found: &mut Aligned,
    ) {
        self.obs.stage("neighbours");
        let cfg = &self.det.config;
        let n = self.store.docs.len();
        let extra = article_pairs::neighbours(n, &found.matches, done, cfg.max_neighbours);
        self.stats.neighbour_candidates = extra.len() as u64;
        log::debug!(
            "neighbours: {} pairs proposed, resident {:?}",
            extra.len(),
            crate::memory::resident()
        );
        deferred.retain(|p| extra.binary_search(p).is_err());
        let round = super::align_round(&self.store, cfg, &extra, self.det.view_budget);
        self.stats.neighbour_pairs = (round.evident.len() + round.weak.len()) as u64;
        found.evident.extend(round.evident.iter().map(|m| (m.a.min(m.b), m.a.max(m.b), 2)));
        found.matches.extend(round.evident);
        found.weak.extend(round.weak);
        found.apart.extend(round.apart);
        self.lap("neighbours");
    }

    /// Matches that are not one story reused — a listing page with the stories it lists,
    /// articles whose headlines tell different stories ([`super::split_stories`]) — are
    /// set apart (listings reported on request), and must not corroborate pairs either.
    pub(super) fn one_story(&mut self, found: &mut Aligned) {
        let matches = std::mem::take(&mut found.matches);
        let split = super::split_stories(&self.store, matches, &self.det.config, |_, _| false);
        self.stats.listing_pairs = split.listing_pairs;
        self.stats.different_stories = split.different_stories;
        if split.listing_pairs + split.different_stories > 0 {
            let mut kept: Vec<(u32, u32)> =
                split.kept.iter().map(|m| (m.a.min(m.b), m.a.max(m.b))).collect();
            kept.par_sort_unstable();
            found.evident.retain(|e| kept.binary_search(&(e.0, e.1)).is_ok());
        }
        found.matches = split.kept;
        found.apart.extend(split.listings);
    }

    /// Weak and deferred pairs whose two articles evidently match a common third
    /// ([`article_pairs::corroborated`]) are aligned; the rest are set aside. Returns every
    /// match, sorted by the ids of its articles.
    pub(super) fn corroborate(
        &mut self,
        deferred: Vec<(u32, u32)>,
        found: Aligned,
    ) -> (Vec<ArticleMatch>, Vec<(u32, u32, u8)>) {
        let Aligned { mut matches, mut weak, apart, mut evident } = found;
        weak.extend(deferred);
        if !weak.is_empty() {
            self.obs.stage("corroborate");
            let kept = article_pairs::corroborated(self.store.docs.len(), &matches, &weak);
            self.stats.uncorroborated = (weak.len() - kept.len()) as u64;
            drop(weak);
            let found = aligner::align_pairs(
                &self.store,
                &self.det.config,
                &kept,
                self.det.view_budget,
                |m| m,
            );
            matches.extend(found.into_iter().filter(|m| m.relation.is_reuse()));
            self.lap("corroborate");
        }
        matches.extend(apart);
        self.sort_by_ids(&mut matches);
        self.stats.article_pairs = matches.len() as u64;
        evident.par_sort_unstable();
        (matches, evident)
    }

    /// Translated copy between the corpus's languages ([`translate::find`]), added to
    /// `matches` (kept sorted by ids).
    pub(super) fn translations(
        &mut self,
        matches: &mut Vec<ArticleMatch>,
        texts: &TextSource<'_>,
    ) -> Result<()> {
        self.obs.stage("translations");
        let (found, tstats) =
            translate::find(&self.store, texts, &self.det.config, &self.det.embedder)?;
        self.stats.article_pairs += found.len() as u64;
        matches.extend(found);
        self.stats.relations = super::relation_counts(matches);
        self.sort_by_ids(matches);
        self.stats.translation = tstats;
        self.lap("translations");
        Ok(())
    }

    /// Stories: the connected groups of matched articles ([`cluster::stories`]).
    pub(super) fn stories(&mut self, matches: &[ArticleMatch]) -> Vec<Story> {
        self.obs.stage("stories");
        let stories = cluster::stories(&self.store, matches);
        self.stats.stories = stories.len() as u64;
        self.t.lap("stories");
        stories
    }

    /// The run's result, with the time and memory of each stage.
    pub(super) fn result(
        mut self,
        matches: Vec<ArticleMatch>,
        stories: Vec<Story>,
        evident: Vec<(u32, u32, u8)>,
    ) -> MatchRun {
        self.stats.seconds = self.t.0;
        self.stats.resident = self.t.2;
        MatchRun {
            queried: 0,
            config: self.det.config.clone(),
            store: self.store,
            matches,
            stories,
            stats: self.stats,
            text_origin: TextOrigin::Memory(Vec::new()),
            evident,
        }
    }

    /// Sorts matches by (id of a, id of b): the order of every report.
    fn sort_by_ids(&self, matches: &mut [ArticleMatch]) {
        let store = &self.store;
        matches.par_sort_by(|m, n| {
            let id = |d: u32| &store.docs[d as usize].id;
            (id(m.a), id(m.b)).cmp(&(id(n.a), id(n.b)))
        });
    }
}

/// Whether match `m` now carries less evidence than when it was aligned: one of its
/// aligned paragraphs was set aside, or what a pair of them shares is furniture words or
/// holds a recurring shingle.
fn lost_evidence(store: &Store, m: &ArticleMatch) -> bool {
    let (pa, pb) = (store.doc_paragraphs(m.a), store.doc_paragraphs(m.b));
    let mut shared = Vec::new();
    m.paragraphs.iter().any(|p| {
        let (Some(x), Some(y)) = (pa.get(p.a as usize), pb.get(p.b as usize)) else {
            return true;
        };
        if x.kind != Kind::Body || y.kind != Kind::Body {
            return true;
        }
        if store.shared_is_furniture(x.unique, y.unique) {
            return true;
        }
        shared.clear();
        crate::verify::intersect_into(store.set(x.unique), store.set(y.unique), &mut shared);
        shared.iter().any(|&h| store.is_recurring(h))
    })
}
