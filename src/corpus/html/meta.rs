//! What a page says about itself: title, language, publication time, site name, canonical
//! URL, and the article body some sites hand to search engines in JSON-LD.
//!
//! Publication time is taken in order of trust: JSON-LD `datePublished` of the article, then
//! `article:published_time` and the common meta tags, then the first `<time datetime>` (a
//! page's first `<time>` is usually its own date; a sidebar's come later).

use serde_json::Value;

use super::dom::{Dom, Kind};

/// The page's metadata.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Meta {
    pub title: Option<String>,
    pub lang: Option<String>,
    pub published: Option<String>,
    pub site_name: Option<String>,
    pub canonical: Option<String>,
    /// JSON-LD `articleBody` of the page's article, if it has one.
    pub article_body: Option<String>,
}

const PUBLISHED_META: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
];

/// JSON-LD types that are an article (schema.org `Article` and its kinds).
const ARTICLE_TYPES: &[&str] = &[
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "socialmediaposting",
    "liveblogposting",
    "scholarlyarticle",
    "techarticle",
    "report",
];

pub(super) fn read(dom: &Dom) -> Meta {
    let mut m = Meta::default();
    let mut meta_published: Option<String> = None;
    let mut time_published: Option<String> = None;
    let mut ld_published: Option<String> = None;
    for i in 0..dom.nodes.len() {
        let Kind::Element(e) = &dom.nodes[i].kind else { continue };
        match e.tag.as_str() {
            "html" => {
                if let Some(l) = e.attr("lang").or_else(|| e.attr("xml:lang")) {
                    let primary = l.split(['-', '_']).next().unwrap_or("").trim().to_lowercase();
                    if !primary.is_empty() && m.lang.is_none() {
                        m.lang = Some(primary);
                    }
                }
            }
            "title" if m.title.is_none() && !in_svg(dom, i) => {
                let t = dom.text_of(i);
                if !t.is_empty() {
                    m.title = Some(t);
                }
            }
            "meta" => {
                let key = e.attr("property").or(e.attr("name")).or(e.attr("itemprop"));
                let value = e.attr("content").or(e.attr("datetime")).map(str::trim);
                if let (Some(k), Some(v)) = (key, value) {
                    let k = k.trim().to_ascii_lowercase();
                    if v.is_empty() {
                        continue;
                    }
                    if meta_published.is_none() && PUBLISHED_META.contains(&k.as_str()) {
                        meta_published = Some(v.to_string());
                    } else if k == "og:site_name" && m.site_name.is_none() {
                        m.site_name = Some(v.to_string());
                    } else if k == "og:url" && m.canonical.is_none() {
                        m.canonical = Some(v.to_string());
                    }
                }
            }
            "link" => {
                let canonical = e.attr("rel").is_some_and(|r| {
                    r.split_whitespace().any(|r| r.eq_ignore_ascii_case("canonical"))
                });
                if canonical {
                    if let Some(h) = e.attr("href").map(str::trim).filter(|h| !h.is_empty()) {
                        m.canonical = Some(h.to_string());
                    }
                }
            }
            "time" if time_published.is_none() => {
                if let Some(d) = e.attr("datetime").map(str::trim).filter(|d| !d.is_empty()) {
                    time_published = Some(d.to_string());
                }
            }
            "script" => {
                let ld = e
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                if ld {
                    if let Ok(v) = serde_json::from_str::<Value>(dom.text_of_raw(i).trim()) {
                        json_ld(&v, &mut m, &mut ld_published, 0);
                    }
                }
            }
            _ => {}
        }
    }
    m.published = ld_published.or(meta_published).or(time_published);
    m
}

fn in_svg(dom: &Dom, i: usize) -> bool {
    let mut p = dom.nodes[i].parent;
    while let Some(a) = p {
        if dom.tag(a) == "svg" {
            return true;
        }
        p = dom.nodes[a].parent;
    }
    false
}

/// Reads the article objects of a JSON-LD value (a list, an `@graph`, nested values).
fn json_ld(v: &Value, m: &mut Meta, published: &mut Option<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(items) => {
            for x in items {
                json_ld(x, m, published, depth + 1);
            }
        }
        Value::Object(o) => {
            let is_article = match o.get("@type") {
                Some(Value::String(t)) => ARTICLE_TYPES.contains(&t.to_ascii_lowercase().as_str()),
                Some(Value::Array(ts)) => ts.iter().any(|t| {
                    t.as_str()
                        .is_some_and(|t| ARTICLE_TYPES.contains(&t.to_ascii_lowercase().as_str()))
                }),
                _ => false,
            };
            if is_article {
                let text = |k: &str| {
                    o.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
                };
                if published.is_none() {
                    *published = text("datePublished").map(str::to_string);
                }
                if m.article_body.is_none() {
                    m.article_body = text("articleBody").map(str::to_string);
                }
                if m.site_name.is_none() {
                    m.site_name = o
                        .get("publisher")
                        .and_then(|p| p.get("name"))
                        .and_then(Value::as_str)
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string);
                }
            }
            if let Some(g) = o.get("@graph") {
                json_ld(g, m, published, depth + 1);
            }
            if let Some(e) = o.get("mainEntity") {
                json_ld(e, m, published, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_comes_from_json_ld_first_then_meta_tags_then_time() {
        let page = r#"<html lang="de-AT"><head><title> Der  Titel </title>
            <meta property="article:published_time" content="2025-09-03T10:00:00Z">
            <meta property="og:site_name" content="Die Zeitung">
            <link rel="canonical" href="https://example.at/a/1">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebPage","name":"x"},
              {"@type":["NewsArticle"],"datePublished":"2025-09-02T08:00:00+02:00",
               "articleBody":"Der ganze Text.","publisher":{"name":"Zeitung GmbH"}}]}</script>
            </head><body><svg><title>icon</title></svg><time datetime="2025-01-01">x</time></body></html>"#;
        let m = read(&Dom::parse(page, false));
        assert_eq!(m.title.as_deref(), Some("Der Titel"));
        assert_eq!(m.lang.as_deref(), Some("de"));
        assert_eq!(m.published.as_deref(), Some("2025-09-02T08:00:00+02:00"));
        assert_eq!(m.site_name.as_deref(), Some("Die Zeitung"));
        assert_eq!(m.canonical.as_deref(), Some("https://example.at/a/1"));
        assert_eq!(m.article_body.as_deref(), Some("Der ganze Text."));

        let m = read(&Dom::parse("<p><time datetime=\"2024-05-06\">6 May</time></p>", false));
        assert_eq!(m.published.as_deref(), Some("2024-05-06"));
        assert_eq!(m.title, None);
    }
}
