//! The SentencePiece unigram tokenizer of the multilingual USE, ported from the reference
//! (`pure_tokenizer.UsePureTokenizer`) for bit-identical ids.
//!
//! Reading the model: `ModelProto` field 1 holds the pieces (piece string in field 1, score
//! in field 2 as a float), field 3 the normalizer spec whose field 2 is the precompiled
//! charsmap. Like the reference, piece types are ignored (control pieces such as `<s>` are
//! matchable text), a piece without a string is skipped, and a duplicated piece string
//! maps to its last id.
//!
//! Segmentation is the reference's left-to-right Viterbi over character positions with
//! `f64` scores and strict-greater tie breaking. Positions here are byte offsets, of which
//! only character starts are ever used: the same lattice, without decoding characters.
//! Pieces are found with a byte trie laid out breadth-first (children contiguous and
//! sorted), so a walk costs one short search per byte and no allocation.

use super::error::EncoderError;
use super::normalizer::Normalizer;
use super::protobuf::{self, Value};

/// Id of `<unk>`.
pub const UNK_ID: u32 = 0;
/// Id of `<s>`, prepended to every encoding.
pub const BOS_ID: u32 = 1;
/// Id of `</s>`, appended to every encoding.
pub const EOS_ID: u32 = 2;

const NO_PIECE: u32 = u32::MAX;
const FILE: &str = "sp.model";

/// A trie node; the children of a node are the contiguous nodes
/// `first_child .. first_child + n_children`, sorted by label.
#[derive(Debug, Clone, Copy)]
struct Node {
    first_child: u32,
    piece: u32,
    n_children: u16,
    label: u8,
}

/// A loaded SentencePiece unigram model: normalizer, pieces and scores.
#[derive(Debug, Clone)]
pub struct SentencePiece {
    normalizer: Normalizer,
    scores: Vec<f32>,
    nodes: Vec<Node>,
    /// Node reached from the root by each first byte (`NO_PIECE` if none).
    root_children: Box<[u32; 256]>,
    unk_score: f64,
}

/// Reusable buffers of one encoding, so that a batch allocates once.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    normalized: Vec<u8>,
    best: Vec<f64>,
    start_of: Vec<u32>,
    piece_of: Vec<u32>,
}

impl SentencePiece {
    /// Parses a serialized SentencePiece `ModelProto` (the `sp.model` file).
    pub fn from_bytes(data: &[u8]) -> Result<Self, EncoderError> {
        let bad = |problem: String| EncoderError::format(FILE, problem);
        let mut pieces: Vec<&[u8]> = Vec::new();
        let mut scores: Vec<f32> = Vec::new();
        let mut charsmap: Option<&[u8]> = None;
        let mut seen_normalizer = false;
        for field in protobuf::fields(data) {
            match field.map_err(bad)? {
                (1, Value::Bytes(msg)) => {
                    let mut piece = None;
                    let mut score = None;
                    for f in protobuf::fields(msg) {
                        match f.map_err(|e| bad(format!("piece {}: {e}", pieces.len())))? {
                            (1, Value::Bytes(s)) => {
                                piece.get_or_insert(s);
                            }
                            (2, Value::Fixed32(b)) => {
                                score.get_or_insert(f32::from_le_bytes(b));
                            }
                            (1 | 2, _) => {
                                return Err(bad(format!(
                                    "piece {}: piece or score has the wrong wire type",
                                    pieces.len()
                                )));
                            }
                            _ => {}
                        }
                    }
                    if let Some(p) = piece {
                        if std::str::from_utf8(p).is_err() {
                            return Err(bad(format!("piece {} is not UTF-8", pieces.len())));
                        }
                        pieces.push(p);
                        scores.push(score.unwrap_or(0.0));
                    }
                }
                (3, Value::Bytes(msg)) if !seen_normalizer => {
                    seen_normalizer = true;
                    for f in protobuf::fields(msg) {
                        if let (2, Value::Bytes(cm)) =
                            f.map_err(|e| bad(format!("normalizer spec: {e}")))?
                        {
                            charsmap.get_or_insert(cm);
                        }
                    }
                }
                _ => {}
            }
        }
        if pieces.len() <= EOS_ID as usize {
            return Err(bad(format!("{} pieces: not a SentencePiece model", pieces.len())));
        }
        if pieces.len() >= NO_PIECE as usize {
            return Err(bad(format!("{} pieces is too many", pieces.len())));
        }
        if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
            return Err(bad(format!("piece {i} has a non-finite score")));
        }
        let normalizer =
            Normalizer::new(charsmap).map_err(|e| bad(format!("precompiled charsmap: {e}")))?;
        let unk_score = scores.iter().fold(f64::INFINITY, |m, &s| m.min(f64::from(s))) - 10.0;
        let (nodes, root_children) = build_trie(&pieces);
        Ok(SentencePiece { normalizer, scores, nodes, root_children, unk_score })
    }

    /// Number of pieces (the largest id plus one).
    pub fn vocab_size(&self) -> usize {
        self.scores.len()
    }

    /// Approximate heap memory held, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.normalizer.heap_bytes()
            + self.scores.len() * 4
            + self.nodes.len() * std::mem::size_of::<Node>()
            + 256 * 4
    }

    /// Token ids of `text`: `<s>`, the pieces, `</s>`. Text that normalizes to nothing
    /// (empty, only whitespace) encodes as `<s> <unk> </s>`, as in the reference.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        self.encode_into(text, &mut Scratch::default(), &mut ids);
        ids
    }

    /// [`SentencePiece::encode`] into `ids` (cleared first), reusing `scratch`.
    pub(crate) fn encode_into(&self, text: &str, scratch: &mut Scratch, ids: &mut Vec<u32>) {
        ids.clear();
        ids.push(BOS_ID);
        let mut normalized = std::mem::take(&mut scratch.normalized);
        self.normalizer.normalize_into(text, &mut normalized);
        if normalized.is_empty() {
            ids.push(UNK_ID);
        } else {
            self.viterbi(&normalized, scratch, ids);
        }
        scratch.normalized = normalized;
        ids.push(EOS_ID);
    }

    #[inline]
    fn child(&self, node: u32, byte: u8) -> Option<u32> {
        let n = &self.nodes[node as usize];
        let first = n.first_child as usize;
        let kids = &self.nodes[first..first + n.n_children as usize];
        let k = if kids.len() <= 8 {
            kids.iter().position(|c| c.label == byte)?
        } else {
            kids.binary_search_by_key(&byte, |c| c.label).ok()?
        };
        Some((first + k) as u32)
    }

    /// Appends the best segmentation of `s` (non-empty normalized text) to `ids`.
    fn viterbi(&self, s: &[u8], scratch: &mut Scratch, ids: &mut Vec<u32>) {
        let n = s.len();
        let Scratch { best, start_of, piece_of, .. } = scratch;
        best.clear();
        best.resize(n + 1, -1e38);
        best[0] = 0.0;
        start_of.clear();
        start_of.resize(n + 1, 0);
        piece_of.clear();
        piece_of.resize(n + 1, 0);
        let mut i = 0;
        while i < n {
            // The next character start: one character is the length of an UNK node.
            let mut next = i + 1;
            while next < n && s[next] & 0xC0 == 0x80 {
                next += 1;
            }
            let base = best[i];
            let mut has_single = false;
            let mut node = self.root_children[s[i] as usize];
            let mut j = i + 1;
            while node != NO_PIECE {
                let pid = self.nodes[node as usize].piece;
                if pid != NO_PIECE {
                    let score = base + f64::from(self.scores[pid as usize]);
                    if score > best[j] {
                        best[j] = score;
                        start_of[j] = i as u32;
                        piece_of[j] = pid;
                    }
                    has_single |= j == next;
                }
                if j >= n {
                    break;
                }
                node = self.child(node, s[j]).unwrap_or(NO_PIECE);
                j += 1;
            }
            if !has_single {
                let score = base + self.unk_score;
                if score > best[next] {
                    best[next] = score;
                    start_of[next] = i as u32;
                    piece_of[next] = UNK_ID;
                }
            }
            i = next;
        }
        let from = ids.len();
        let mut p = n;
        while p > 0 {
            ids.push(piece_of[p]);
            p = start_of[p] as usize;
        }
        ids[from..].reverse();
    }
}

/// Builds the breadth-first byte trie of `pieces` (empty pieces are unreachable and left
/// out; for a repeated string the last id wins).
fn build_trie(pieces: &[&[u8]]) -> (Vec<Node>, Box<[u32; 256]>) {
    let mut order: Vec<u32> =
        (0..pieces.len() as u32).filter(|&i| !pieces[i as usize].is_empty()).collect();
    // Sort by bytes, then id, so that equal strings are adjacent with the last id last.
    order.sort_unstable_by(|&a, &b| pieces[a as usize].cmp(pieces[b as usize]).then(a.cmp(&b)));
    let mut nodes = vec![Node { first_child: 0, piece: NO_PIECE, n_children: 0, label: 0 }];
    // Queue of (node, range of `order` sharing the node's prefix, depth).
    let mut queue = std::collections::VecDeque::from([(0u32, 0usize, order.len(), 0usize)]);
    while let Some((node, mut lo, hi, depth)) = queue.pop_front() {
        // Strings that end here sort first; the last of them carries the largest id.
        while lo < hi && pieces[order[lo] as usize].len() == depth {
            nodes[node as usize].piece = order[lo];
            lo += 1;
        }
        let first_child = nodes.len() as u32;
        let mut k = lo;
        while k < hi {
            let label = pieces[order[k] as usize][depth];
            let mut end = k + 1;
            while end < hi && pieces[order[end] as usize][depth] == label {
                end += 1;
            }
            let id = nodes.len() as u32;
            nodes.push(Node { first_child: 0, piece: NO_PIECE, n_children: 0, label });
            queue.push_back((id, k, end, depth + 1));
            k = end;
        }
        // At most 256 distinct byte labels, so the count fits a u16.
        let n_children = (nodes.len() as u32 - first_child) as u16;
        let n = &mut nodes[node as usize];
        n.first_child = first_child;
        n.n_children = n_children;
    }
    let mut root_children = Box::new([NO_PIECE; 256]);
    let root = nodes[0];
    for id in root.first_child..root.first_child + u32::from(root.n_children) {
        root_children[nodes[id as usize].label as usize] = id;
    }
    (nodes, root_children)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Serializes a toy model: pieces with scores, no charsmap (identity normalizer).
    pub(crate) fn toy_model(pieces: &[(&str, f32)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (p, s) in pieces {
            let mut msg = vec![0x0A, p.len() as u8];
            msg.extend_from_slice(p.as_bytes());
            msg.push(0x15);
            msg.extend_from_slice(&s.to_le_bytes());
            out.push(0x0A);
            out.push(msg.len() as u8);
            out.extend_from_slice(&msg);
        }
        out
    }

    fn toy() -> SentencePiece {
        let m = toy_model(&[
            ("<unk>", 0.0),
            ("<s>", 0.0),
            ("</s>", 0.0),
            ("▁", -2.0),
            ("a", -1.0),
            ("b", -1.0),
            ("ab", -1.5),
            ("▁ab", -1.0),
            ("c", -3.0),
            ("abc", -5.0),
            ("é", -1.0),
        ]);
        SentencePiece::from_bytes(&m).unwrap()
    }

    #[test]
    fn viterbi_on_a_toy_vocabulary() {
        let sp = toy();
        // "▁ab" as one piece (-1) beats "▁"+"ab" (-3.5) and "▁"+"a"+"b" (-4).
        assert_eq!(sp.encode("ab"), vec![1, 7, 2]);
        // "▁ab"+"c" = -4 beats "▁"+"abc" = -7.
        assert_eq!(sp.encode("abc"), vec![1, 7, 8, 2]);
        // Unknown character: one UNK node of one character (min score - 10).
        assert_eq!(sp.encode("ab日"), vec![1, 7, 0, 2]);
        assert_eq!(sp.encode("é"), vec![1, 3, 10, 2]);
        assert_eq!(sp.encode("ab ab"), vec![1, 7, 7, 2]);
        // Nothing left after normalization.
        assert_eq!(sp.encode(""), vec![1, 0, 2]);
        assert_eq!(sp.encode("   "), vec![1, 0, 2]);
        assert_eq!(sp.vocab_size(), 11);
    }

    #[test]
    fn ties_keep_the_earliest_start() {
        // "▁" + "xy" and "▁x" + "y" both score -2. Nodes ending at the same position are
        // offered in order of their start, and only a strictly better score replaces the
        // one kept: "xy" (starting earlier) wins.
        let m = toy_model(&[
            ("<unk>", 0.0),
            ("<s>", 0.0),
            ("</s>", 0.0),
            ("▁", -1.0),
            ("xy", -1.0),
            ("▁x", -1.0),
            ("y", -1.0),
            ("x", -5.0),
        ]);
        let sp = SentencePiece::from_bytes(&m).unwrap();
        assert_eq!(sp.encode("xy"), vec![1, 3, 4, 2]);
    }

    #[test]
    fn duplicate_pieces_map_to_the_last_id() {
        let m =
            toy_model(&[("<unk>", 0.0), ("<s>", 0.0), ("</s>", 0.0), ("▁z", -1.0), ("▁z", -1.0)]);
        let sp = SentencePiece::from_bytes(&m).unwrap();
        assert_eq!(sp.encode("z"), vec![1, 4, 2]);
    }

    #[test]
    fn corrupt_models_are_errors() {
        let good = toy_model(&[("<unk>", 0.0), ("<s>", 0.0), ("</s>", 0.0), ("a", -1.0)]);
        assert!(SentencePiece::from_bytes(&good).is_ok());
        for cut in 1..good.len() {
            // Every truncation either fails cleanly or parses fewer pieces.
            let _ = SentencePiece::from_bytes(&good[..cut]);
        }
        assert!(SentencePiece::from_bytes(&good[..good.len() - 1]).is_err());
        assert!(SentencePiece::from_bytes(b"").is_err());
        assert!(SentencePiece::from_bytes(b"not a model at all").is_err());
        let mut bad_utf8 = toy_model(&[("<unk>", 0.0), ("<s>", 0.0), ("</s>", 0.0), ("a", -1.0)]);
        let at = bad_utf8.iter().rposition(|&b| b == b'a').unwrap();
        bad_utf8[at] = 0xFF;
        assert!(matches!(
            SentencePiece::from_bytes(&bad_utf8),
            Err(EncoderError::ModelFormat { .. })
        ));
        let nan = toy_model(&[("<unk>", 0.0), ("<s>", 0.0), ("</s>", f32::NAN)]);
        assert!(SentencePiece::from_bytes(&nan).is_err());
    }
}
