//! Pages nested too deep for a tree.
//!
//! The HTML tree builder looks down its stack of open elements at every block tag (is a
//! `<p>` open in scope?), so a page of N unclosed `<div>`s costs N² steps: 60,000 of them —
//! 360 KB of garbage a crawl does meet — took 6 s, and a 10 MB one would take hours.
//! Browsers cap the depth for the same reason. Such a page is recognised by one linear scan
//! of its tags and read without a tree: the text between its tags, block tags ending
//! paragraphs, scripts and styles left out. It loses the article/chrome distinction, never
//! the text.

use memchr::memchr_iter;

/// Nesting from which a page is read without a tree. Real pages nest a few dozen deep;
/// at this depth the tree builder's quadratic cost is still a fraction of a second.
pub(super) const MAX_DEPTH: usize = 5_000;

/// Tags that never nest: void elements, and those a following one of their kind closes.
const FLAT: &[&[u8]] = &[
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
    b"source", b"track", b"wbr", b"p", b"li", b"dt", b"dd", b"option", b"tr", b"td", b"th",
];

/// The deepest nesting of the page's tags, as a scan of start and end tags estimates it.
pub(super) fn depth(html: &str) -> usize {
    let b = html.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    for i in memchr_iter(b'<', b) {
        let rest = &b[i + 1..];
        let closing = rest.first() == Some(&b'/');
        let name_start = usize::from(closing);
        let name: Vec<u8> = rest[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'!' || **c == b'?')
            .take(16)
            .map(u8::to_ascii_lowercase)
            .collect();
        // Comments, doctypes and processing instructions open nothing.
        if name.is_empty() || name[0] == b'!' || name[0] == b'?' || FLAT.contains(&name.as_slice())
        {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// The page's text without a tree: what lies between its tags, entities decoded, block
/// tags and `<br>` ending paragraphs and lines, `<script>`/`<style>` contents dropped.
pub(super) fn flat_text(html: &str) -> String {
    let mut out = String::new();
    let mut para = String::new();
    let mut rest = html;
    let flush = |para: &mut String, out: &mut String| {
        let t = para.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&html_escape::decode_html_entities(&t));
        }
        para.clear();
    };
    while let Some(lt) = rest.find('<') {
        para.push_str(&rest[..lt]);
        let tag_end = rest[lt..].find('>').map_or(rest.len(), |e| lt + e + 1);
        let tag = rest[lt + 1..tag_end.saturating_sub(1).max(lt + 1)].to_ascii_lowercase();
        let name: String =
            tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        rest = &rest[tag_end..];
        if (name == "script" || name == "style") && !tag.starts_with('/') {
            let close = format!("</{name}");
            let end = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
            rest = &rest[end..];
            continue;
        }
        if super::dom::BLOCK.contains(&name.as_str()) || name == "br" {
            flush(&mut para, &mut out);
        }
    }
    para.push_str(rest);
    flush(&mut para, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_nesting_not_paragraphs() {
        assert_eq!(depth("<html><body><div><p>a<p>b<br><img src=x></div></body></html>"), 3);
        assert_eq!(depth(&"<div>x".repeat(100)), 100);
        assert_eq!(depth(&"<p>x".repeat(10_000)), 0);
        assert_eq!(depth("<!doctype html><!-- c --><a>x</a>"), 1);
        assert_eq!(depth("<pre><picture>x</picture></pre>"), 2);
    }

    #[test]
    fn flat_text_keeps_the_words_and_the_paragraphs() {
        let page = format!(
            "<html><head><script>var a = '<p>no</p>';</script><style>p{{}}</style></head><body>{}Caf&eacute; one.<br>Two &amp; three.</body></html>",
            "<div>".repeat(3)
        );
        assert_eq!(flat_text(&page), "Café one.\n\nTwo & three.");
    }
}
