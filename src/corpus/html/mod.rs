//! HTML → the article's text with paragraph breaks, and the page's metadata.
//!
//! A page is parsed into a tree the way a browser parses it ([`dom`]), its metadata read
//! ([`meta`]) and its article told apart from the page around it ([`content`]). Markup in
//! a text field (a feed's `<p>`-separated body) is not a page: all its text is kept.

mod content;
mod deep;
mod dom;
mod meta;

use dom::{Block, Dom};

/// What a page yields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlText {
    /// The article's text; paragraphs separated by blank lines, lines within a paragraph
    /// (`<br>`) by one newline.
    pub text: String,
    /// `<title>` text.
    pub title: Option<String>,
    /// `<html lang>` (primary subtag, lower case).
    pub lang: Option<String>,
    /// Publication time as the page gives it: JSON-LD `datePublished`, else
    /// `article:published_time` or a common meta tag, else the first `<time datetime>`.
    pub published: Option<String>,
    /// `og:site_name`, else the JSON-LD publisher's name.
    pub site_name: Option<String>,
    /// `<link rel=canonical>`, else `og:url`.
    pub canonical: Option<String>,
}

/// The article of a web page and its metadata.
pub fn html_to_text(html: &str) -> HtmlText {
    if deep::depth(html) > deep::MAX_DEPTH {
        return HtmlText { text: deep::flat_text(html), ..HtmlText::default() };
    }
    let dom = Dom::parse(html, false);
    let meta = meta::read(&dom);
    let blocks = content::article(&dom, meta.article_body.as_deref());
    HtmlText {
        text: join(&blocks),
        title: meta.title,
        lang: meta.lang,
        published: meta.published,
        site_name: meta.site_name,
        canonical: meta.canonical,
    }
}

/// The text of markup that is not a whole page (a text field's `<p>` paragraphs): every
/// block is kept.
pub fn fragment_to_text(html: &str) -> String {
    if deep::depth(html) > deep::MAX_DEPTH {
        return deep::flat_text(html);
    }
    let dom = Dom::parse(html, true);
    let never = |i: usize| dom::NO_TEXT.contains(&dom.tag(i));
    join(&dom.blocks(0, &never))
}

/// Whether markup is a whole page (it has a `<html>`, `<head>` or `<body>` tag) rather than
/// a piece of one.
pub fn is_page(text: &str) -> bool {
    let head = &text.as_bytes()[..text.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    [b"<html".as_slice(), b"<head", b"<body", b"<!doctype html"]
        .iter()
        .any(|t| memchr::memmem::find(&lower, t).is_some())
}

fn join(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&b.text);
    }
    out
}

/// Whether a text field carries HTML paragraph markup (`<p>`, `<br>`, `<div>`), in which
/// case it is read as HTML: tags give the paragraph breaks and entities are decoded. A
/// stray `<PZL>` (a Reuters ticker) is not markup.
pub fn looks_like_html(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'<', b).any(|i| {
        let rest = &b[i + 1..b.len().min(i + 6)];
        let lower: Vec<u8> = rest.iter().map(u8::to_ascii_lowercase).collect();
        lower.starts_with(b"p>")
            || lower.starts_with(b"p ")
            || lower.starts_with(b"/p>")
            || lower.starts_with(b"br")
            || lower.starts_with(b"div")
            || lower.starts_with(b"/div")
    })
}

/// How far into a page its charset declaration is looked for. Browsers look at the first
/// 1,024 bytes; archived pages put a replay toolbar's scripts before the page's own
/// `<head>`, so we look further.
const CHARSET_SCAN: usize = 16 * 1024;

/// The charset a page declares in its first kilobytes (`<meta charset>` or the
/// `http-equiv` content type), if any. Only `<meta>` tags count: a
/// `<script charset="utf-8">` says how that script is encoded, not the page.
pub fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(CHARSET_SCAN)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    memchr::memmem::find_iter(&lower, b"<meta").find_map(|at| {
        let tag = &lower[at..];
        let tag = &tag[..memchr::memchr(b'>', tag).unwrap_or(tag.len())];
        let pos = memchr::memmem::find(tag, b"charset=")?;
        let rest = &tag[pos + 8..];
        let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
        let end = rest
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
            .unwrap_or(rest.len());
        encoding_rs::Encoding::for_label(&rest[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_paragraphs_and_furniture_is_dropped() {
        let page = r#"<!doctype html><html lang="fr-FR"><head><title> Le  titre </title>
            <meta property="article:published_time" content="2025-09-03T10:00:00Z">
            <meta property="og:site_name" content="Le Site">
            <script>var a = "<p>not text</p>"; if (a < b) {}</script><style>p{}</style></head>
            <body><nav><a href="/">Accueil</a></nav>
            <article><h1>Titre</h1><p>Premier paragraphe avec &eacute;t&eacute; et&nbsp;espace.</p>
            <p>Deuxième<br>ligne</p><div>Un <b>mot</b> en gras</div></article>
            <aside><p>Lire aussi</p></aside><footer>© Le Site</footer></body></html>"#;
        let t = html_to_text(page);
        assert_eq!(
            t.text,
            "Titre\n\nPremier paragraphe avec été et espace.\n\nDeuxième\nligne\n\nUn mot en gras"
        );
        assert_eq!(t.title.as_deref(), Some("Le titre"));
        assert_eq!(t.lang.as_deref(), Some("fr"));
        assert_eq!(t.published.as_deref(), Some("2025-09-03T10:00:00Z"));
        assert_eq!(t.site_name.as_deref(), Some("Le Site"));
    }

    #[test]
    fn broken_html_still_yields_text() {
        assert_eq!(
            fragment_to_text("<p>one <i>two<p>three</div></span> four"),
            "one two\n\nthree four"
        );
        assert_eq!(html_to_text("").text, "");
        assert_eq!(html_to_text("plain text, no tags").text, "plain text, no tags");
    }

    #[test]
    fn ruby_readings_in_a_text_field_are_not_read_inline() {
        assert_eq!(fragment_to_text("<p><ruby>子<rt>こ</rt></ruby>ども</p>"), "子ども");
    }

    #[test]
    fn markup_in_text_fields_is_recognised() {
        assert!(looks_like_html("<p>One.</p><p>Two.</p>"));
        assert!(looks_like_html("One.<br/>Two."));
        assert!(looks_like_html("<DIV class=x>One</DIV>"));
        assert!(!looks_like_html("Pennzoil Co <PZL> said 3 < 4 and <b>"));
        assert_eq!(
            fragment_to_text("<p>One &amp; two.</p>\n<p>Three.</p>"),
            "One & two.\n\nThree."
        );
        assert!(is_page("<!DOCTYPE html><html><body><p>x</p></body></html>"));
        assert!(!is_page("<p>One.</p><p>Two.</p>"));
    }

    #[test]
    fn a_page_nested_too_deep_for_a_tree_keeps_its_words() {
        let n = deep::MAX_DEPTH + 10;
        let page = format!("<html><body>{}</body></html>", "<div>word ".repeat(n));
        let t = html_to_text(&page).text;
        assert_eq!(t.split_whitespace().count(), n);
        let fragment = "<span>w ".repeat(n);
        assert_eq!(fragment_to_text(&fragment).split_whitespace().count(), n);
    }

    #[test]
    fn charset_declarations_are_found() {
        assert_eq!(
            declared_charset(b"<meta charset=\"ISO-8859-1\">"),
            Some(encoding_rs::WINDOWS_1252)
        );
        assert_eq!(
            declared_charset(
                b"<meta http-equiv=Content-Type content='text/html; charset=windows-1251'>"
            ),
            Some(encoding_rs::WINDOWS_1251)
        );
        assert_eq!(declared_charset(b"<p>no charset</p>"), None);
        // An archive's toolbar scripts come first; their charset is theirs.
        let archived = format!(
            "<head><script src=a.js charset=\"utf-8\"></script>{}\
             <meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"/>",
            "<script>var x = 1;</script>".repeat(200)
        );
        assert_eq!(declared_charset(archived.as_bytes()), Some(encoding_rs::GBK));
    }

    #[test]
    fn a_page_wrapped_in_one_form_keeps_its_article_and_a_search_form_is_dropped() {
        let article = "<p>The central bank raised its main interest rate by half a point on \
            Tuesday, the third increase this year, citing inflation that has stayed above its \
            target for eighteen months and a labour market that officials described as tight.</p>\
            <p>Markets had expected a smaller move, and the currency rose sharply against the \
            dollar after the announcement, while shares of the largest lenders fell.</p>";
        let aspnet = format!(
            "<html><body><form id=\"aspnetForm\" method=\"post\">{article}</form></body></html>"
        );
        let t = html_to_text(&aspnet).text;
        assert!(t.contains("third increase") && t.contains("largest lenders"), "{t}");
        let search = format!(
            "<html><body><form action=\"/search\"><label>Search this site for news</label></form>{article}</body></html>"
        );
        let t = html_to_text(&search).text;
        assert!(t.contains("third increase") && !t.contains("Search this site"), "{t}");
    }
}
