//! SentencePiece's `nmt_nfkc` normalizer, driven by the model's precompiled charsmap.
//!
//! The charsmap is a darts-clone double-array trie over UTF-8 byte strings whose leaves
//! point into a blob of NUL-terminated replacement strings. At each input position the
//! longest key that matches wins ("normalize prefix"); input that no key matches is copied
//! one UTF-8 character at a time. Around that sits SentencePiece's whitespace handling:
//! leading and repeated spaces are dropped, a space is prepended (`add_dummy_prefix`), and
//! spaces become U+2581 `▁`.
//!
//! This is a line-by-line port of the reference (`pure_tokenizer._Normalizer`), including
//! its ASCII fast path, with one difference in kind: every trie access is bounds-checked
//! (an out-of-range unit counts as a label mismatch), so a corrupt charsmap cannot panic.

/// U+2581 LOWER ONE EIGHTH BLOCK: SentencePiece's visible space.
pub(crate) const SPACE_SYMBOL: &[u8] = "\u{2581}".as_bytes();

/// The normalizer: trie units, replacement blob, and the tables of the ASCII fast path.
#[derive(Debug, Clone)]
pub(crate) struct Normalizer {
    /// Double-array units; empty when the model has no charsmap (identity normalization).
    units: Vec<u32>,
    /// NUL-terminated replacement strings, addressed by leaf values.
    normalized: Vec<u8>,
    /// For ASCII byte `b` on its own: `Some((start, end))` of its replacement in
    /// `normalized`, or `None` when it maps to itself.
    ascii: [Option<(u32, u32)>; 128],
    /// For ASCII byte `b`, a 256-bit set of the bytes `c` such that some key starts with
    /// `b c`, i.e. the only cases in which the walk can go beyond `b`.
    two_byte: Box<[[u64; 4]; 128]>,
}

impl Normalizer {
    /// Builds the normalizer from a precompiled charsmap (`None` or empty: identity).
    ///
    /// Layout: `u32` little-endian trie size in bytes, the trie units, then the blob.
    pub(crate) fn new(charsmap: Option<&[u8]>) -> Result<Self, String> {
        let (units, normalized) = match charsmap {
            None | Some([]) => (Vec::new(), Vec::new()),
            Some(cm) => {
                let Some((size, rest)) = cm.split_first_chunk::<4>() else {
                    return Err(format!("charsmap of {} bytes has no trie size", cm.len()));
                };
                let size = u32::from_le_bytes(*size) as usize;
                if size % 4 != 0 || size == 0 || size > rest.len() {
                    return Err(format!(
                        "charsmap trie size {size} is not a positive multiple of 4 within the {} bytes that follow",
                        rest.len()
                    ));
                }
                let (trie, blob) = rest.split_at(size);
                let units = trie
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect();
                (units, blob.to_vec())
            }
        };
        let mut n = Normalizer {
            units,
            normalized,
            ascii: [None; 128],
            two_byte: Box::new([[0u64; 4]; 128]),
        };
        n.build_ascii_tables();
        Ok(n)
    }

    /// Approximate heap memory held, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.units.len() * 4 + self.normalized.len() + 128 * 32
    }

    #[inline]
    fn offset(unit: u32) -> u32 {
        (unit >> 10) << ((unit & 0x200) >> 6)
    }

    /// Follows label `c` from node `node_pos`: the new node position and whether it has a
    /// leaf, or `None` on a label mismatch (or an out-of-range unit).
    #[inline]
    fn step(&self, node_pos: u32, c: u8) -> Option<(u32, bool)> {
        let p = node_pos ^ u32::from(c);
        let unit = *self.units.get(p as usize)?;
        if unit & 0x8000_00FF != u32::from(c) {
            return None;
        }
        Some((p ^ Self::offset(unit), unit & 0x100 != 0))
    }

    #[inline]
    fn root(&self) -> Option<u32> {
        self.units.first().map(|&u| Self::offset(u))
    }

    #[inline]
    fn leaf_value(&self, node_pos: u32) -> Option<usize> {
        self.units.get(node_pos as usize).map(|&u| (u & 0x7FFF_FFFF) as usize)
    }

    /// The replacement string starting at `value` (up to the next NUL, or the blob's end).
    fn replacement_range(&self, value: usize) -> (usize, usize) {
        let tail = &self.normalized[value..];
        let len = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
        (value, value + len)
    }

    fn build_ascii_tables(&mut self) {
        let Some(root) = self.root() else { return };
        for b in 0u8..128 {
            let Some((child, has_leaf)) = self.step(root, b) else { continue };
            if has_leaf
                && let Some(value) = self.leaf_value(child)
                && value < self.normalized.len()
            {
                let (s, e) = self.replacement_range(value);
                self.ascii[b as usize] = Some((s as u32, e as u32));
            }
            for c in 0..=255u8 {
                if self.step(child, c).is_some() {
                    self.two_byte[b as usize][(c >> 6) as usize] |= 1u64 << (c & 63);
                }
            }
        }
    }

    /// What `data[pos..]` starts with after normalization, and how many input bytes that
    /// consumed (at least 1 while `pos < data.len()`).
    pub(crate) fn normalize_prefix<'a>(&'a self, data: &'a [u8], pos: usize) -> (&'a [u8], usize) {
        let n = data.len();
        if pos >= n {
            return (&[], 0);
        }
        let mut best_len = 0usize;
        let mut best_value = 0usize;
        if let Some(mut node) = self.root() {
            for (i, &c) in data[pos..].iter().enumerate() {
                let Some((next, has_leaf)) = self.step(node, c) else { break };
                node = next;
                if has_leaf {
                    best_len = i + 1;
                    // An out-of-range leaf counts like a value past the blob: no match.
                    best_value = self.leaf_value(node).unwrap_or(usize::MAX);
                }
            }
        }
        if best_len == 0 || best_value >= self.normalized.len() {
            let length = utf8_char_len(data, pos);
            return (&data[pos..pos + length], length);
        }
        let (s, e) = self.replacement_range(best_value);
        (&self.normalized[s..e], best_len)
    }

    /// The ASCII fast path: when no key continues `b data[pos+1]`, the walk cannot match
    /// more than `b` itself and its answer is in a table.
    #[inline]
    fn prefix_fast<'a>(&'a self, data: &'a [u8], pos: usize) -> (&'a [u8], usize) {
        let b = data[pos];
        if b < 0x80 {
            let continues = match data.get(pos + 1) {
                None => false,
                Some(&c) => self.two_byte[b as usize][(c >> 6) as usize] >> (c & 63) & 1 != 0,
            };
            if !continues {
                return match self.ascii[b as usize] {
                    Some((s, e)) => (&self.normalized[s as usize..e as usize], 1),
                    None => (&data[pos..pos + 1], 1),
                };
            }
        }
        self.normalize_prefix(data, pos)
    }

    /// Normalizes `text` into `out` (cleared first): the byte string the unigram model
    /// segments. Empty when the text normalizes to nothing but whitespace.
    pub(crate) fn normalize_into(&self, text: &str, out: &mut Vec<u8>) {
        out.clear();
        let raw = text.as_bytes();
        let n = raw.len();
        let mut pos = 0;
        // Drop leading whitespace (remove_extra_whitespaces).
        while pos < n {
            let (p, adv) = self.normalize_prefix(raw, pos);
            if p != b" " {
                break;
            }
            pos += adv;
        }
        if pos >= n {
            return;
        }
        out.extend_from_slice(SPACE_SYMBOL); // add_dummy_prefix
        let mut is_prev_space = true;
        while pos < n {
            let (mut p, adv) = self.prefix_fast(raw, pos);
            pos += adv;
            // Remove heading spaces only if the previous piece ended in whitespace.
            if is_prev_space {
                while let [b' ', rest @ ..] = p {
                    p = rest;
                }
            }
            if let Some(&last) = p.last() {
                if p.contains(&b' ') {
                    for &byte in p {
                        if byte == b' ' {
                            out.extend_from_slice(SPACE_SYMBOL);
                        } else {
                            out.push(byte);
                        }
                    }
                    is_prev_space = last == b' ';
                } else {
                    out.extend_from_slice(p);
                    is_prev_space = false;
                }
            }
        }
        while out.ends_with(SPACE_SYMBOL) {
            out.truncate(out.len() - SPACE_SYMBOL.len());
        }
    }
}

/// Length of the UTF-8 character at `data[pos]`, or 1 for a malformed sequence (the
/// reference's rule; `pos` must be in range).
fn utf8_char_len(data: &[u8], pos: usize) -> usize {
    let first = data[pos];
    let length = if first < 0x80 {
        1
    } else if first >> 5 == 0x6 {
        2
    } else if first >> 4 == 0xE {
        3
    } else if first >> 3 == 0x1E {
        4
    } else {
        1
    };
    for k in 1..length {
        match data.get(pos + k) {
            Some(&b) if b & 0xC0 == 0x80 => {}
            _ => return 1,
        }
    }
    length
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(n: &Normalizer, s: &str) -> String {
        let mut out = Vec::new();
        n.normalize_into(s, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn identity_normalizer_handles_whitespace() {
        let n = Normalizer::new(None).unwrap();
        assert_eq!(norm(&n, ""), "");
        assert_eq!(norm(&n, "   "), "");
        assert_eq!(norm(&n, "a"), "▁a");
        assert_eq!(norm(&n, "  Hello   world  "), "▁Hello▁world");
        assert_eq!(norm(&n, "é x"), "▁é▁x");
    }

    #[test]
    fn malformed_charsmaps_are_errors() {
        assert!(Normalizer::new(Some(&[1, 0])).is_err());
        assert!(Normalizer::new(Some(&[8, 0, 0, 0, 1, 2, 3, 4])).is_err()); // too short
        assert!(Normalizer::new(Some(&[3, 0, 0, 0, 1, 2, 3])).is_err()); // not a multiple of 4
        assert!(Normalizer::new(Some(&[0, 0, 0, 0])).is_err()); // empty trie
    }

    #[test]
    fn garbage_trie_never_panics() {
        // Units chosen to point everywhere, including out of range.
        let mut cm = Vec::new();
        let units: Vec<u32> = (0..64u32).map(|i| i.wrapping_mul(0x9E37_79B9) | 0x100).collect();
        cm.extend_from_slice(&((units.len() * 4) as u32).to_le_bytes());
        for u in &units {
            cm.extend_from_slice(&u.to_le_bytes());
        }
        cm.extend_from_slice(b"x\0yy");
        let n = Normalizer::new(Some(&cm)).unwrap();
        for s in ["", " ", "abc", "héllo wörld", "\u{0}\u{1}\u{7f}", "日本語 テキスト"] {
            let _ = norm_bytes(&n, s);
        }
    }

    fn norm_bytes(n: &Normalizer, s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        n.normalize_into(s, &mut out);
        out
    }

    #[test]
    fn utf8_lengths() {
        assert_eq!(utf8_char_len("a".as_bytes(), 0), 1);
        assert_eq!(utf8_char_len("é".as_bytes(), 0), 2);
        assert_eq!(utf8_char_len("日".as_bytes(), 0), 3);
        assert_eq!(utf8_char_len("😀".as_bytes(), 0), 4);
        assert_eq!(utf8_char_len(&[0xE6, 0x97], 0), 1); // truncated
        assert_eq!(utf8_char_len(&[0x80], 0), 1);
    }
}
