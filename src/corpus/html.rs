//! HTML → plain text with paragraph breaks.
//!
//! Uses html5gum (a WHATWG-compliant tokenizer) rather than a DOM: a news page is read once,
//! front to back, and all that matters is which text sits in which block. Block-level tags
//! (`p`, `div`, headings, list items…) end a paragraph and `br` ends a line; text inside `script`, `style`,
//! `nav`, `aside`, `footer`, `form` and similar page furniture is dropped; entities are
//! decoded by the tokenizer. The `<title>`, `<html lang>` and the common publication-time
//! and site-name `<meta>` tags are picked up on the way.

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// What a page yields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlText {
    /// Visible text; blocks separated by blank lines.
    pub text: String,
    /// `<title>` text.
    pub title: Option<String>,
    /// `<html lang>` (primary subtag, lower case).
    pub lang: Option<String>,
    /// `article:published_time` / `datePublished` / `pubdate` meta value.
    pub published: Option<String>,
    /// `og:site_name` meta value.
    pub site_name: Option<String>,
}

const SKIP: &[&[u8]] = &[
    b"script",
    b"style",
    b"noscript",
    b"template",
    b"nav",
    b"aside",
    b"footer",
    b"button",
    b"select",
    b"svg",
    b"iframe",
    b"object",
    b"canvas",
    b"head",
];
const BLOCK: &[&[u8]] = &[
    b"p",
    b"div",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"li",
    b"ul",
    b"ol",
    b"dl",
    b"dt",
    b"dd",
    b"blockquote",
    b"section",
    b"article",
    b"header",
    b"main",
    b"tr",
    b"table",
    b"pre",
    b"figure",
    b"figcaption",
    b"hr",
    b"address",
    b"caption",
    b"td",
    b"th",
];
const PUBLISHED_META: &[&[u8]] =
    &[b"article:published_time", b"datepublished", b"pubdate", b"publishdate", b"date", b"dc.date"];

/// Extracts the text of an HTML page.
pub fn html_to_text(html: &str) -> HtmlText {
    let out = extract(html, true);
    // Forms are search boxes and comment fields, except on sites that wrap the whole page
    // in one (ASP.NET): there, skipping forms loses the article. A page left with almost
    // no words is read again with forms kept.
    if words(&out.text) < FORM_FALLBACK_WORDS {
        let again = extract(html, false);
        if words(&again.text) > words(&out.text) {
            return again;
        }
    }
    out
}

/// Below this many words of text, a page is read again with its forms (see
/// [`html_to_text`]).
const FORM_FALLBACK_WORDS: usize = 50;

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

fn extract(html: &str, skip_forms: bool) -> HtmlText {
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let mut out = HtmlText::default();
    let mut skip_depth = 0usize;
    let mut skip_name: Vec<u8> = Vec::new();
    let mut in_title = false;
    let mut title = String::new();
    let mut block = String::new();
    let flush = |block: &mut String, out: &mut HtmlText| {
        // `<br>` left single newlines: lines of one paragraph.
        let t = block
            .split('\n')
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if !t.is_empty() {
            if !out.text.is_empty() {
                out.text.push_str("\n\n");
            }
            out.text.push_str(&t);
        }
        block.clear();
    };
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = tag.name.to_ascii_lowercase();
                if name == b"html" {
                    if let Some(l) = tag.attributes.get(b"lang".as_slice()) {
                        let l = String::from_utf8_lossy(l).to_ascii_lowercase();
                        let primary = l.split(['-', '_']).next().unwrap_or("").to_string();
                        if !primary.is_empty() {
                            out.lang = Some(primary);
                        }
                    }
                }
                if name == b"meta" {
                    let attr = |k: &[u8]| {
                        tag.attributes.get(k).map(|v| String::from_utf8_lossy(v).trim().to_string())
                    };
                    let key =
                        attr(b"property").or_else(|| attr(b"name")).or_else(|| attr(b"itemprop"));
                    if let (Some(k), Some(v)) = (key, attr(b"content")) {
                        let k = k.to_ascii_lowercase();
                        if out.published.is_none()
                            && PUBLISHED_META.contains(&k.as_bytes())
                            && !v.is_empty()
                        {
                            out.published = Some(v);
                        } else if k == "og:site_name" && out.site_name.is_none() && !v.is_empty() {
                            out.site_name = Some(v);
                        }
                    }
                }
                if name == b"title" && skip_depth <= 1 {
                    in_title = true;
                }
                if skip_depth > 0 {
                    if name == skip_name && !tag.self_closing {
                        skip_depth += 1;
                    }
                    continue;
                }
                let skipped = SKIP.contains(&name.as_slice()) || (skip_forms && name == b"form");
                if skipped && !tag.self_closing {
                    skip_depth = 1;
                    skip_name = name;
                    continue;
                }
                if BLOCK.contains(&name.as_slice()) {
                    flush(&mut block, &mut out);
                } else if name == b"br" {
                    block.push('\n');
                }
            }
            Token::EndTag(tag) => {
                let name = tag.name.to_ascii_lowercase();
                if name == b"title" {
                    in_title = false;
                }
                if skip_depth > 0 {
                    if name == skip_name {
                        skip_depth -= 1;
                    }
                    continue;
                }
                if BLOCK.contains(&name.as_slice()) {
                    flush(&mut block, &mut out);
                }
            }
            Token::String(s) => {
                let s = String::from_utf8_lossy(&s);
                if in_title {
                    title.push_str(&s);
                } else if skip_depth == 0 {
                    block.push_str(&s);
                }
            }
            _ => {}
        }
    }
    flush(&mut block, &mut out);
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if !title.is_empty() {
        out.title = Some(title);
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

/// The charset a page declares in its first kilobytes (`<meta charset>` or the
/// `http-equiv` content type), if any.
pub fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let pos = memchr::memmem::find(&lower, b"charset=")?;
    let rest = &head[pos + 8..];
    let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
        .unwrap_or(rest.len());
    encoding_rs::Encoding::for_label(&rest[..end])
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
        let t = html_to_text("<p>one <i>two<p>three</div></span> four");
        assert_eq!(t.text, "one two\n\nthree\n\nfour");
        assert_eq!(html_to_text("").text, "");
        assert_eq!(html_to_text("plain text, no tags").text, "plain text, no tags");
    }

    #[test]
    fn markup_in_text_fields_is_recognised() {
        assert!(looks_like_html("<p>One.</p><p>Two.</p>"));
        assert!(looks_like_html("One.<br/>Two."));
        assert!(looks_like_html("<DIV class=x>One</DIV>"));
        assert!(!looks_like_html("Pennzoil Co <PZL> said 3 < 4 and <b>"));
        assert_eq!(
            html_to_text("<p>One &amp; two.</p>\n<p>Three.</p>").text,
            "One & two.\n\nThree."
        );
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
