//! Splitting an article into paragraphs.
//!
//! The paragraph is wirematch's unit because wire copy is reused paragraph by paragraph: an
//! outlet adds a local lede, drops the last three paragraphs, inserts an advert line. Texts
//! mark paragraphs with blank lines; texts that have no blank line at all (many scraped
//! corpora) put one paragraph per line. Both are handled, per text.
//!
//! A block that is far longer than any real paragraph (a text with no line breaks at all)
//! is cut at sentence ends into passages of a bounded size, so that one copied paragraph
//! can still be found inside it.
//!
//! Every piece keeps its byte span in the original text, so reports can quote the source.

use std::ops::Range;

/// A line of a block: its byte span in the original text.
pub type Line = Range<usize>;

/// Splits `text` into blocks of non-blank lines. Returns, per block, the spans of its lines
/// (without line terminators). Blank lines separate blocks; when `text` has no blank line
/// between two non-blank lines, every line is its own block.
pub fn blocks(text: &str) -> Vec<Vec<Line>> {
    let lines = lines(text);
    let blank = |l: &Line| text[l.clone()].chars().all(is_blank_char);
    // Does a blank line separate two non-blank lines anywhere?
    let mut seen_content = false;
    let mut pending_blank = false;
    let mut separated = false;
    for l in &lines {
        if blank(l) {
            pending_blank = seen_content;
        } else {
            if pending_blank {
                separated = true;
                break;
            }
            seen_content = true;
        }
    }
    let mut out: Vec<Vec<Line>> = Vec::new();
    let mut cur: Vec<Line> = Vec::new();
    for l in lines {
        if blank(&l) {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else if separated {
            cur.push(l);
        } else {
            out.push(vec![l]);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn is_blank_char(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{2060}')
}

/// Line spans of `text`; `\n`, `\r\n` and a lone `\r` all end a line.
fn lines(text: &str) -> Vec<Line> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(off) = memchr::memchr2(b'\n', b'\r', &b[i..]) {
        let at = i + off;
        out.push(start..at);
        i = if b[at] == b'\r' && b.get(at + 1) == Some(&b'\n') { at + 2 } else { at + 1 };
        start = i;
    }
    if start < b.len() {
        out.push(start..b.len());
    }
    out
}

/// Cuts `span` of `text` at sentence ends into pieces of about `target` words, none much
/// longer unless a single sentence is. Used for blocks longer than any real paragraph.
pub fn split_long(text: &str, span: Range<usize>, target: usize) -> Vec<Range<usize>> {
    let s = &text[span.clone()];
    let mut out = Vec::new();
    let mut piece_start = 0usize;
    let mut words = 0usize;
    let mut in_word = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let space = c.is_ascii_whitespace();
        if !space && !in_word {
            words += 1;
        }
        in_word = !space;
        if words >= target && matches!(c, b'.' | b'!' | b'?') {
            // Skip closing quotes/brackets, then require whitespace and an upper-case or
            // digit or quote start of the next sentence.
            let mut j = i + 1;
            while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b')' | b']') {
                j += 1;
            }
            if j < bytes.len() && bytes[j].is_ascii_whitespace() {
                let mut k = j;
                while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                    k += 1;
                }
                let next = s[k..].chars().next();
                if next.is_some_and(|ch| {
                    ch.is_uppercase() || ch.is_numeric() || "\"'“‘«(".contains(ch)
                }) {
                    out.push(span.start + piece_start..span.start + j);
                    piece_start = k;
                    words = 0;
                    i = k;
                    in_word = false;
                    continue;
                }
            }
        }
        i += 1;
    }
    if piece_start < s.len() {
        out.push(span.start + piece_start..span.end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(t: &'a str, bs: &[Vec<Line>]) -> Vec<Vec<&'a str>> {
        bs.iter().map(|b| b.iter().map(|l| &t[l.clone()]).collect()).collect()
    }

    #[test]
    fn blank_lines_separate_paragraphs_and_keep_inner_lines() {
        let t =
            "Share on facebook\nShare on twitter\nCaption\n\nFirst para.\n \t\nSecond\nwrapped.\n";
        assert_eq!(
            texts(t, &blocks(t)),
            vec![
                vec!["Share on facebook", "Share on twitter", "Caption"],
                vec!["First para."],
                vec!["Second", "wrapped."],
            ]
        );
    }

    #[test]
    fn without_blank_lines_every_line_is_a_paragraph() {
        let t = "\n\nOne.\r\nTwo.\rThree.\n\n";
        assert_eq!(texts(t, &blocks(t)), vec![vec!["One."], vec!["Two."], vec!["Three."]]);
    }

    #[test]
    fn crlf_blank_lines_count() {
        let t = "One.\r\n\r\nTwo.\r\nmore";
        assert_eq!(texts(t, &blocks(t)), vec![vec!["One."], vec!["Two.", "more"]]);
    }

    #[test]
    fn empty_and_blank_texts_have_no_blocks() {
        assert!(blocks("").is_empty());
        assert!(blocks(" \n\u{a0}\n\t").is_empty());
    }

    #[test]
    fn long_blocks_are_cut_at_sentence_ends() {
        let t =
            "Alpha beta gamma. Delta epsilon zeta. \"Eta theta,\" he said. iota kappa. Lambda mu.";
        let parts: Vec<&str> = split_long(t, 0..t.len(), 3).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            parts,
            vec![
                "Alpha beta gamma.",
                "Delta epsilon zeta.",
                "\"Eta theta,\" he said. iota kappa.",
                "Lambda mu."
            ]
        );
        // Nothing is lost: the pieces cover every word.
        let joined: String = parts.join(" ");
        assert_eq!(joined.split_whitespace().count(), t.split_whitespace().count());
    }
}
