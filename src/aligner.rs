//! Aligning many article pairs with a bounded working set.
//!
//! Alignment reads each article as a [`DocView`] (8 bytes per shingle of its body).
//! Building the views of every involved article at once costs as much memory as the
//! shingle arena again, so articles are cut into blocks of consecutive indices whose views
//! fit in half the budget, and pairs are aligned block pair by block pair: the views of
//! block `i` stay while, for each later block `j` paired with it, the views its pairs need
//! are built, used and dropped. With `k` blocks a view is built at most `1 + k/2` times
//! on average instead of once; below the budget there is one block and this is the plain
//! algorithm. Results do not depend on the budget: each pair is aligned exactly once.

use rayon::prelude::*;

use crate::align::{self, AlignScratch, ArticleMatch, DocView};
use crate::config::Config;
use crate::fingerprint::Kind;
use crate::store::{PageGuard, Store};

/// Bytes of the view of document `d`, bounded from its paragraphs' token counts without
/// building it (a set has at most `tokens - k + 1` shingles). Reading the set sizes
/// instead would touch every unique paragraph's record: a gigabyte of a spilled store at
/// 10 GB of news, for an estimate.
fn view_bytes(store: &Store, d: u32, k: usize) -> u64 {
    let mut entries = 0u64;
    let mut paras = 0u64;
    for p in store.doc_paragraphs(d).iter().filter(|p| p.kind == Kind::Body) {
        entries += (p.tokens as u64 + 1).saturating_sub(k as u64);
        paras += 1;
    }
    entries * 8 + paras * 16 + std::mem::size_of::<DocView>() as u64
}

/// Views of the wanted documents of one block of consecutive documents `lo..`.
struct Block {
    lo: u32,
    /// Per document of the block: index of its view in `views`, or `u32::MAX`.
    slot: Vec<u32>,
    views: Vec<DocView>,
}

/// Documents whose views are built between two looks at the process's memory (a wave
/// reads ~10 paragraphs a document, each a unique record and a shingle set, and each touch
/// can map 64 KB of a spilled store: ~150 MB at worst).
const VIEW_WAVE: usize = 128;

impl Block {
    fn build(
        store: &Store,
        lo: u32,
        hi: u32,
        guard: &PageGuard,
        wanted: impl Fn(u32) -> bool + Sync,
    ) -> Block {
        // Only wanted views are built and held: a block can span every document of the
        // corpus while a few thousand pairs need views.
        let docs: Vec<u32> = (lo..hi).filter(|&d| wanted(d)).collect();
        let mut slot = vec![u32::MAX; (hi - lo) as usize];
        for (i, &d) in docs.iter().enumerate() {
            slot[(d - lo) as usize] = i as u32;
        }
        // A document's sets lie anywhere in a spilled arena (a paragraph is stored where it
        // was first seen), so a view of 200 bytes can touch pages worth 100 times that: the
        // views are copies, and the pages are released when they add up (a no-op on the
        // heap).
        let mut views = Vec::with_capacity(docs.len());
        for wave in docs.chunks(guard.slice(VIEW_WAVE)) {
            views.par_extend(wave.par_iter().map(|&d| DocView::build(store, d)));
            guard.check(store);
        }
        Block { lo, slot, views }
    }

    fn get(&self, d: u32) -> &DocView {
        &self.views[self.slot[(d - self.lo) as usize] as usize]
    }
}

/// Article pairs aligned between two looks at the process's memory (each reads the fact
/// keys of its aligned paragraphs: a few touches of a spilled store).
const ALIGN_SLICE: usize = 2048;

/// Aligns every pair of `pairs` (each `(x, y)` with `x < y`) and returns `keep(m)` for each
/// match, in an order that depends only on the pairs. Views held at once stay under
/// `budget` bytes (at least one document's view per side).
pub fn align_pairs<T: Send>(
    store: &Store,
    cfg: &Config,
    pairs: &[(u32, u32)],
    budget: u64,
    keep: impl Fn(ArticleMatch) -> T + Sync,
) -> Vec<T> {
    let n = store.docs.len();
    let mut involved = vec![false; n];
    for &(x, y) in pairs {
        involved[x as usize] = true;
        involved[y as usize] = true;
    }
    // Blocks of consecutive documents whose involved views fit in half the budget.
    let sizes: Vec<u64> = (0..n as u32)
        .into_par_iter()
        .map(|d| if involved[d as usize] { view_bytes(store, d, cfg.shingle_size) } else { 0 })
        .collect();
    let half = (budget / 2).max(1);
    let mut bounds = vec![0u32];
    let mut acc = 0u64;
    for (d, &s) in sizes.iter().enumerate() {
        if acc + s > half && acc > 0 {
            bounds.push(d as u32);
            acc = 0;
        }
        acc += s;
    }
    bounds.push(n as u32);
    drop(sizes);
    let block_of = |d: u32| bounds.partition_point(|&b| b <= d) - 1;
    let mut order: Vec<(u32, u32, u32, u32)> =
        pairs.par_iter().map(|&(x, y)| (block_of(x) as u32, block_of(y) as u32, x, y)).collect();
    order.par_sort_unstable();

    // The views take up to the budget; pages of a spilled store touched while building
    // them or checking facts may add a quarter more before they are handed back.
    let guard = PageGuard::new(store, budget.saturating_add(budget / 4));
    let align_group = |group: &[(u32, u32, u32, u32)], bx: &Block, by: &Block| -> Vec<T> {
        let mut out = Vec::new();
        // Aligning reads the paragraphs' fact keys from the store: in slices, with a look
        // at memory between them.
        for slice in group.chunks(guard.slice(ALIGN_SLICE)) {
            out.par_extend(
                slice
                    .par_iter()
                    .map_init(AlignScratch::default, |s, &(_, _, x, y)| {
                        align::align(store, cfg, (x, bx.get(x)), (y, by.get(y)), s).map(&keep)
                    })
                    .flatten(),
            );
            guard.check(store);
        }
        out
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let bx = order[i].0;
        let end = i + order[i..].partition_point(|e| e.0 == bx);
        let (lo, hi) = (bounds[bx as usize], bounds[bx as usize + 1]);
        let home = Block::build(store, lo, hi, &guard, |d| involved[d as usize]);
        let mut j = i;
        while j < end {
            let by = order[j].1;
            let gend = j + order[j..end].partition_point(|e| e.1 == by);
            let group = &order[j..gend];
            if by == bx {
                out.extend(align_group(group, &home, &home));
            } else {
                let (ylo, yhi) = (bounds[by as usize], bounds[by as usize + 1]);
                let mut need = vec![false; (yhi - ylo) as usize];
                for e in group {
                    need[(e.3 - ylo) as usize] = true;
                }
                let other = Block::build(store, ylo, yhi, &guard, |d| need[(d - ylo) as usize]);
                out.extend(align_group(group, &home, &other));
            }
            j = gend;
        }
        // A spilled shingle arena's pages go back to the system with each block's views.
        store.release();
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Document;
    use crate::error::Location;
    use crate::fingerprint::Fingerprinter;
    use crate::shingle::Shingler;
    use crate::store::SourceRef;

    #[test]
    fn results_do_not_depend_on_the_budget() {
        let base = [
            "The central bank raised its main interest rate by half a percentage point on Tuesday, citing stubborn inflation in services.",
            "Economists polled last week had expected a smaller move, and bond yields jumped after the announcement in the capital.",
            "The governor said further increases could not be ruled out if wage growth stayed at its current pace through the summer.",
        ];
        let mut store = Store::new(vec![]);
        let mut fp = Fingerprinter::new(Shingler::new(5, 1));
        for i in 0..12 {
            let text = if i % 3 == 0 {
                base.join("\n\n")
            } else {
                format!("Local lede number {i} of this outlet, its own words.\n\n{}", base[i % 3])
            };
            let loc = Location { path: "t".into(), line: i as u64 + 1 };
            let doc = Document::new(format!("d{i}"), text.as_str());
            store
                .add(
                    &doc,
                    fp.fingerprint(&text),
                    SourceRef { input: 0, line: i as u64 + 1, offset: 0 },
                    &loc,
                )
                .unwrap();
        }
        let pairs: Vec<(u32, u32)> =
            (0..12).flat_map(|x| (x + 1..12).map(move |y| (x, y))).collect();
        let cfg = Config::default();
        let run = |budget| {
            let mut v = align_pairs(&store, &cfg, &pairs, budget, |m| {
                (m.a.min(m.b), m.a.max(m.b), m.shared)
            });
            v.sort_unstable();
            v
        };
        let all = run(u64::MAX);
        assert!(all.len() >= 20, "{}", all.len());
        // A budget of a few views makes many blocks.
        assert_eq!(run(3000), all);
        assert_eq!(run(1), all);
    }
}
