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

/// Abbreviations whose final period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "no", "vs", "etc", "inc", "corp", "ltd", "gen",
    "gov", "sen", "rep", "lt", "col", "sgt", "jan", "feb", "mar", "apr", "aug", "sept", "sep",
    "oct", "nov", "dec", "u.s", "u.k", "e.g", "i.e", "mt", "ft", "fig",
];

/// Splits `span` of `text` into sentences (byte spans, whitespace between them dropped).
/// A sentence ends at `.`, `!` or `?` (after closing quotes and brackets) followed by
/// whitespace and an upper-case letter, digit or opening quote — unless the period closes
/// an initial or a common abbreviation — and at every line break.
pub fn sentences(text: &str, span: Range<usize>) -> Vec<Range<usize>> {
    let s = &text[span.clone()];
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    let push = |from: usize, to: usize, out: &mut Vec<Range<usize>>| {
        let piece = &s[from..to];
        let lead = piece.len() - piece.trim_start().len();
        let trail = piece.len() - piece.trim_end().len();
        if lead + trail < piece.len() {
            out.push(span.start + from + lead..span.start + to - trail);
        }
    };
    while i < b.len() {
        let c = b[i];
        if c == b'\n' || c == b'\r' {
            push(start, i, &mut out);
            start = i + 1;
            i += 1;
            continue;
        }
        if matches!(c, b'.' | b'!' | b'?') {
            let mut j = i + 1;
            while j < b.len() && matches!(b[j], b'"' | b'\'' | b')' | b']') {
                j += 1;
            }
            // Closing curly quotes are multi-byte.
            while s[j..].starts_with(['”', '’', '»']) {
                j += s[j..].chars().next().map_or(1, char::len_utf8);
            }
            if j < b.len() && b[j].is_ascii_whitespace() {
                let mut k = j;
                while k < b.len() && b[k].is_ascii_whitespace() && b[k] != b'\n' {
                    k += 1;
                }
                let next = s[k..].chars().next();
                let word_before =
                    s[start..i].rsplit(|ch: char| ch.is_whitespace()).next().unwrap_or("");
                let word =
                    word_before.trim_start_matches(|ch: char| !ch.is_alphanumeric()).to_lowercase();
                let initial = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
                let abbreviation = c == b'.' && (initial || ABBREVIATIONS.contains(&word.as_str()));
                if !abbreviation
                    && next.is_some_and(|ch| {
                        ch.is_uppercase() || ch.is_numeric() || "\"'“‘«(".contains(ch)
                    })
                {
                    push(start, j, &mut out);
                    start = k;
                    i = k;
                    continue;
                }
            }
        }
        i += 1;
    }
    push(start, b.len(), &mut out);
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
    fn sentences_end_at_stops_and_line_breaks_but_not_abbreviations() {
        let t = "Alpha beta. \"Gamma,\" he said. U.S. Treasury bills rose! Mr. Smith left? Up 4. 4 more.\nShare\nNext line";
        let got: Vec<&str> = sentences(t, 0..t.len()).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            got,
            vec![
                "Alpha beta.",
                "\"Gamma,\" he said.",
                "U.S. Treasury bills rose!",
                "Mr. Smith left?",
                "Up 4.",
                "4 more.",
                "Share",
                "Next line"
            ]
        );
        let u = "Il a dit « oui ». Puis il est parti… fin";
        assert_eq!(sentences(u, 0..u.len()).len(), 2);
        assert!(sentences("   ", 0..3).is_empty());
    }
}
