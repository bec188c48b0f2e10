//! A synthetic news corpus for speed benchmarks (`wirematch bench`), not for accuracy.
//!
//! It has the shape that drives wirematch's cost: wire stories of 4–12 paragraphs, each
//! syndicated by a few outlets as light copies (0–4 % of words edited per paragraph) or
//! rewrites (8–20 %), with paragraphs dropped and copies truncated; outlet-only stories
//! that are never syndicated; per-outlet boilerplate lines; copies shuffled away from their
//! originals. About a third of the paragraphs are duplicated, as in real news crawls.
//!
//! Prose is drawn word by word from a Zipf-distributed vocabulary of pronounceable
//! pseudo-words, so independent stories do not share long runs of words: the candidate
//! count grows linearly with the corpus, which is what a scaling benchmark must isolate.
//! (Generators that reuse a fixed pool of real sentences create near-duplicate families
//! that grow with the corpus; see BENCHMARKS.md.)
//!
//! Deterministic: the same seed and size give the same bytes on every platform and
//! version, which is why the generator carries its own small PRNG (SplitMix64) rather than
//! a library whose streams may change between releases. Streaming: memory is the
//! vocabulary plus a bounded shuffle buffer, whatever the size.

use std::io::Write;

/// SplitMix64: tiny, fast, and with a stream fixed by its definition.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() >> 32) * n) >> 32
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// Settings of the generator.
#[derive(Debug, Clone, Copy)]
pub struct SynthOptions {
    /// Bytes of JSONL to write (the last record may overshoot by one article).
    pub bytes: u64,
    /// Seed of every random choice.
    pub seed: u64,
    /// Outlets besides the wire.
    pub outlets: usize,
    /// Share of stories that are wire stories syndicated by other outlets.
    pub syndicated: f64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions { bytes: 100_000_000, seed: 1, outlets: 120, syndicated: 0.15 }
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SynthStats {
    /// Records (articles).
    pub records: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Wire stories that were syndicated.
    pub wire_stories: u64,
    /// Syndicated copies (light copies and rewrites).
    pub copies: u64,
}

const VOCABULARY: usize = 40_000;
const SHUFFLE: usize = 4_096;

struct Generator {
    rng: Rng,
    words: Vec<String>,
    /// Cumulative Zipf weights (s = 1.05) over `words`, scaled to u32.
    cumulative: Vec<u32>,
    outlets: Vec<String>,
    boilerplate: Vec<Vec<String>>,
    minutes: u64,
    next_id: u64,
}

impl Generator {
    fn new(opts: &SynthOptions) -> Generator {
        let mut rng = Rng(opts.seed ^ 0x7779_7265_6d61_7463);
        const ONSETS: [&str; 20] = [
            "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br",
            "st", "tr", "ch",
        ];
        const VOWELS: [&str; 8] = ["a", "e", "i", "o", "u", "ai", "ea", "ou"];
        let mut seen = ahash::AHashSet::new();
        let mut words = Vec::with_capacity(VOCABULARY);
        while words.len() < VOCABULARY {
            let syllables = 1 + rng.below(3) + u64::from(words.len() > 2_000);
            let mut w = String::new();
            for _ in 0..syllables {
                w.push_str(ONSETS[rng.below(ONSETS.len() as u64) as usize]);
                w.push_str(VOWELS[rng.below(VOWELS.len() as u64) as usize]);
            }
            if rng.chance(0.3) {
                w.push_str(["n", "r", "s", "t", "l"][rng.below(5) as usize]);
            }
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let weights: Vec<f64> = (1..=VOCABULARY).map(|r| 1.0 / (r as f64).powf(1.05)).collect();
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w / total;
                (acc * f64::from(u32::MAX)).min(f64::from(u32::MAX)) as u32
            })
            .collect();
        let mut g = Generator {
            rng,
            words,
            cumulative,
            outlets: Vec::new(),
            boilerplate: Vec::new(),
            minutes: 0,
            next_id: 0,
        };
        for i in 0..opts.outlets {
            let name =
                format!("{} {}", g.title_word(), ["Daily", "Herald", "Post", "Times"][i % 4]);
            g.outlets.push(name);
            let lines = (0..1 + g.rng.below(2))
                .map(|k| {
                    let head = ["Sign up for our newsletter.", "Follow us on social media."];
                    format!("{} {}", head[k as usize % 2], g.sentence())
                })
                .collect();
            g.boilerplate.push(lines);
        }
        g
    }

    fn word(&mut self) -> &str {
        let x = (self.rng.next() >> 32) as u32;
        let i = self.cumulative.partition_point(|&c| c < x).min(VOCABULARY - 1);
        &self.words[i]
    }

    fn title_word(&mut self) -> String {
        let w = self.word().to_string();
        let mut c = w.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or(w)
    }

    fn sentence(&mut self) -> String {
        let n = self.rng.range(12, 30);
        let mut s = self.title_word();
        for i in 1..n {
            s.push(' ');
            if self.rng.chance(0.04) {
                let v = self.rng.range(2, 9_999);
                s.push_str(&v.to_string());
            } else if i + 1 < n && self.rng.chance(0.05) {
                s.push_str(&self.title_word());
            } else {
                let w = self.word().to_string();
                s.push_str(&w);
            }
            if i + 1 < n && self.rng.chance(0.06) {
                s.push(',');
            }
        }
        s.push('.');
        s
    }

    fn paragraph(&mut self) -> String {
        let n = self.rng.range(1, 4);
        let mut p = self.sentence();
        for _ in 1..n {
            p.push(' ');
            p.push_str(&self.sentence());
        }
        p
    }

    /// Replaces about `rate` of the words of `p`.
    fn edit(&mut self, p: &str, rate: f64) -> String {
        let mut out = String::with_capacity(p.len() + 16);
        for (i, w) in p.split(' ').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            if self.rng.chance(rate) {
                let r = self.word().to_string();
                out.push_str(&r);
                if w.ends_with('.') || w.ends_with(',') {
                    out.push_str(&w[w.len() - 1..]);
                }
            } else {
                out.push_str(w);
            }
        }
        out
    }

    fn record(
        &mut self,
        outlet: Option<usize>,
        minutes: u64,
        title: &str,
        paras: &[String],
    ) -> String {
        self.next_id += 1;
        let mut paras = paras.to_vec();
        let outlet_name = match outlet {
            Some(o) => {
                if self.rng.chance(0.6) {
                    paras.extend(self.boilerplate[o].iter().cloned());
                }
                self.outlets[o].clone()
            }
            None => "Wire Service".to_string(),
        };
        let (day, minute) = (minutes / 1440, minutes % 1440);
        let published = format!(
            "2024-{:02}-{:02}T{:02}:{:02}:00Z",
            1 + (day / 28) % 12,
            1 + day % 28,
            minute / 60,
            minute % 60
        );
        let rec = serde_json::json!({
            "id": format!("n{:09}", self.next_id),
            "outlet": outlet_name,
            "published": published,
            "lang": "en",
            "title": title,
            "text": paras.join("\n\n"),
        });
        rec.to_string()
    }

    /// One story: a wire story and its copies, or one outlet's own article.
    fn story(&mut self, opts: &SynthOptions, out: &mut Vec<String>, stats: &mut SynthStats) {
        self.minutes += self.rng.range(1, 4);
        let t = self.minutes;
        let title =
            (0..self.rng.range(4, 9)).map(|_| self.title_word()).collect::<Vec<_>>().join(" ");
        let paras: Vec<String> = (0..self.rng.range(4, 12)).map(|_| self.paragraph()).collect();
        if !self.rng.chance(opts.syndicated) {
            let o = self.rng.below(self.outlets.len() as u64) as usize;
            out.push(self.record(Some(o), t, &title, &paras));
            return;
        }
        stats.wire_stories += 1;
        let city = self.title_word().to_uppercase();
        let mut wire = paras;
        wire[0] = format!("{city} (Wire) - {}", wire[0]);
        out.push(self.record(None, t, &title, &wire));
        let mut copies = 1;
        while copies < 40 && self.rng.chance(0.6) {
            copies += 1;
        }
        for _ in 0..copies {
            stats.copies += 1;
            let rewrite = self.rng.chance(0.15);
            let (lo, hi, drop) = if rewrite { (8, 20, 0.25) } else { (0, 4, 0.10) };
            let mut paras: Vec<String> = Vec::new();
            for p in &wire {
                if paras.is_empty() || !self.rng.chance(drop) {
                    let rate = self.rng.range(lo, hi) as f64 / 100.0;
                    paras.push(self.edit(p, rate));
                }
            }
            if paras.len() > 3 && self.rng.chance(0.3) {
                let keep = self.rng.range(3, paras.len() as u64) as usize;
                paras.truncate(keep);
            }
            if self.rng.chance(0.2) {
                let lede = self.paragraph();
                paras.insert(0, lede);
            }
            let o = self.rng.below(self.outlets.len() as u64) as usize;
            let later = t + self.rng.range(5, 600);
            out.push(self.record(Some(o), later, &title, &paras));
        }
    }
}

/// Writes a synthetic corpus of about `opts.bytes` bytes of JSONL to `w`.
pub fn write_corpus(opts: &SynthOptions, w: &mut dyn Write) -> std::io::Result<SynthStats> {
    let mut g = Generator::new(opts);
    let mut stats = SynthStats::default();
    let mut buffer: Vec<String> = Vec::with_capacity(SHUFFLE + 64);
    let mut fresh = Vec::new();
    let emit = |line: String, stats: &mut SynthStats, w: &mut dyn Write| {
        stats.records += 1;
        stats.bytes += line.len() as u64 + 1;
        w.write_all(line.as_bytes())?;
        w.write_all(b"\n")
    };
    while stats.bytes + buffer.iter().map(|l| l.len() as u64 + 1).sum::<u64>() < opts.bytes {
        g.story(opts, &mut fresh, &mut stats);
        for line in fresh.drain(..) {
            buffer.push(line);
            if buffer.len() > SHUFFLE {
                let i = g.rng.below(buffer.len() as u64) as usize;
                let line = buffer.swap_remove(i);
                emit(line, &mut stats, w)?;
            }
        }
    }
    while !buffer.is_empty() {
        let i = g.rng.below(buffer.len() as u64) as usize;
        let line = buffer.swap_remove(i);
        emit(line, &mut stats, w)?;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(bytes: u64, seed: u64) -> (Vec<u8>, SynthStats) {
        let mut out = Vec::new();
        let opts = SynthOptions { bytes, seed, ..SynthOptions::default() };
        let stats = write_corpus(&opts, &mut out).expect("in memory");
        (out, stats)
    }

    #[test]
    fn same_seed_same_bytes_and_the_size_is_reached() {
        let (a, sa) = corpus(300_000, 3);
        let (b, _) = corpus(300_000, 3);
        let (c, _) = corpus(300_000, 4);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(sa.bytes, a.len() as u64);
        assert!(a.len() >= 300_000 && a.len() < 400_000, "{}", a.len());
        assert_eq!(sa.records as usize, a.iter().filter(|&&b| b == b'\n').count());
    }

    #[test]
    fn records_are_valid_articles_with_unique_ids_and_copies() {
        let (a, s) = corpus(500_000, 1);
        let mut ids = ahash::AHashSet::new();
        for line in a.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let v: serde_json::Value = serde_json::from_slice(line).expect("JSON");
            assert!(ids.insert(v["id"].as_str().expect("id").to_string()));
            let text = v["text"].as_str().expect("text");
            assert!(text.split("\n\n").count() >= 1 && text.len() > 50);
        }
        assert!(s.wire_stories > 0 && s.copies >= s.wire_stories, "{s:?}");
    }
}
