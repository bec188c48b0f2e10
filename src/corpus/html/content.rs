//! The article in a page: which text blocks are its text and which are the page around it
//! (menus, "related" and "most read" lists, comments, share bars, cookie and paywall
//! banners, author boxes, footers).
//!
//! The signals are the ones the best extractors use (text and link density, semantic
//! elements, class/id names), combined in steps:
//!
//! 1. **Prose.** A block of at least [`PROSE_CHARS`] characters with few of them in links
//!    reads as article-like prose; menus and teaser lists are short or mostly links. Every
//!    element learns how much prose it holds ([`Tally`]).
//! 2. **Chrome by name.** Elements that the page marks as furniture — by tag (`nav`,
//!    `aside`, `footer`, `form`, `figcaption`), ARIA role, hidden-ness, or a class/id such
//!    as `comments`, `share-bar`, `related`, `sidebar` — are set aside, *unless* they hold a
//!    marked article or half the page's prose: a site that wraps the whole page in one
//!    `<form>` (ASP.NET) or gives the article's wrapper a name like `content-with-sidebar`
//!    keeps its article. Comments are the exception: they can outweigh the article.
//! 3. **The container.** An element the page marks as the article body (`itemprop=
//!    articleBody`, class/id names like `article-body`, `entry-content`, `story-body`), else
//!    `<article>`, else `<main>`, is taken when it is the only one so marked (a short
//!    article beside a rail of teasers is still the article) or holds at least half the
//!    prose left; otherwise the deepest element holding [`DENSE_SHARE`] of it. Siblings of the
//!    container that hold prose and are not mostly links continue it (a lead and a body in
//!    two elements; TYPO3 marks each paragraph `bodytext`).
//! 4. **Inside the container**, lists of links go with their labels ("More on this
//!    topic:"), and headings after the last prose title what follows the article.
//!
//! If that leaves almost nothing, the page's JSON-LD `articleBody` or, failing that, every
//! block that is not mostly links is the text: a page never loses its article to a wrong
//! guess about its layout.
//!
//! On the 990-page extraction benchmark these steps (and the paragraph rules of
//! [`crate::boilerplate`]) score F 0.933 (trafilatura 2.2: 0.924);
//! BENCHMARKS.md has the figures and the command.

use super::dom::{Block, Dom, Element, NO_TEXT};

/// Characters (not counting spaces) from which a block that is not mostly links reads as
/// prose. Menu items, bylines, dates and teaser headlines are shorter; paragraphs longer.
const PROSE_CHARS: usize = 80;
/// Characters from which a sentence just before the article's body is its standfirst.
const LEAD_CHARS: usize = 40;
/// Share of a prose block's characters that may sit in links (inline links in a
/// paragraph stay well below; teaser paragraphs are links).
const PROSE_LINK_DENSITY: f64 = 0.3;
/// A block with more of its characters in links than this is a list of links.
const LINK_LIST_DENSITY: f64 = 0.5;
/// An element named like furniture keeps its text if it holds this share of the page's
/// prose: it is the page's wrapper, not a part of it.
const WRAPPER_SHARE: f64 = 0.5;
/// Without a marked container, the deepest element holding this share of the prose is
/// the article.
const DENSE_SHARE: f64 = 0.75;
/// Below this many characters the chosen text is not trusted and the fallbacks are tried.
const MIN_ARTICLE_CHARS: usize = 200;

/// Elements whose text is never a page's article, besides [`NO_TEXT`]: form controls,
/// embedded objects, widgets.
const WIDGETS: &[&str] = &[
    "button", "select", "option", "textarea", "input", "svg", "math", "iframe", "object", "embed",
    "canvas", "video", "audio", "picture", "map", "dialog", "menu",
];

fn never_article(tag: &str) -> bool {
    NO_TEXT.contains(&tag) || WIDGETS.contains(&tag)
}

/// Elements that are page furniture by their tag.
const CHROME_TAGS: &[&str] = &["nav", "aside", "footer", "form", "figcaption"];

/// ARIA roles of page furniture.
const CHROME_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "menu",
    "menubar",
    "search",
    "dialog",
    "alertdialog",
    "toolbar",
    "tablist",
];

/// Class/id words that name page furniture, matched against whole words of the names.
const CHROME_WORDS: &[&str] = &[
    "ad",
    "ads",
    "adv",
    "advert",
    "advertisement",
    "anzeige",
    "author",
    "authors",
    "banner",
    "bio",
    "breadcrumb",
    "breadcrumbs",
    "byline",
    "caption",
    "comment",
    "comments",
    "community",
    "copyright",
    "credit",
    "credits",
    "footer",
    "keywords",
    "login",
    "masthead",
    "meta",
    "modal",
    "nav",
    "navi",
    "navigation",
    "newsletter",
    "overlay",
    "pager",
    "pagination",
    "popup",
    "promo",
    "rating",
    "related",
    "replies",
    "respond",
    "share",
    "sharing",
    "sidebar",
    "signin",
    "skip",
    "social",
    "sponsor",
    "sponsored",
    "subscribe",
    "tags",
    "toolbar",
    "tools",
    "widget",
    "widgets",
];

/// Class/id word beginnings that name page furniture (`comments-list`, `sharebar`,
/// `relatedposts`, `newsletterbox`…).
const CHROME_PREFIXES: &[&str] = &[
    "advert",
    "breadcrumb",
    "comment",
    "cookie",
    "consent",
    "disqus",
    "footer",
    "gdpr",
    "kommentare",
    "menu",
    "mostread",
    "navbar",
    "navigation",
    "newsletter",
    "outbrain",
    "pagination",
    "paywall",
    "plista",
    "popular",
    "promo",
    "recommend",
    "related",
    "share",
    "shariff",
    "sidebar",
    "social",
    "sponsor",
    "subscri",
    "taboola",
    "tagcloud",
    "trending",
];

/// Class/id word beginnings that name readers' comments.
const COMMENT_PREFIXES: &[&str] =
    &["comment", "community", "disqus", "kommentare", "replies", "respond"];

/// Whole class values of text that is hidden from sight (a word like `hidden` inside a
/// longer name, as in Drupal's `field--label-hidden`, says something else).
const HIDDEN_CLASSES: &[&str] = &[
    "hidden",
    "hide",
    "invisible",
    "sr-only",
    "visually-hidden",
    "visuallyhidden",
    "screen-reader-text",
    "element-invisible",
    "offscreen",
];

/// Class/id words that begin like furniture but are article text.
const NOT_CHROME: &[&str] = &["commentary", "commentaries", "menuitem"];

/// Class/id names of an article's body, with `_` and `__` written as `-` (sites write
/// `article_body`, `article__body` and `article-body` alike; [`names_body`] reads them so).
const BODY_NAMES: &[&str] = &[
    "articlebody",
    "article-body",
    "articlecontent",
    "article-content",
    "articletext",
    "article-text",
    "entry-content",
    "entrycontent",
    "post-content",
    "postcontent",
    "post-body",
    "postbody",
    "post-text",
    "post-entry",
    "story-body",
    "storybody",
    "story-content",
    "storycontent",
    "story-text",
    "body-text",
    "bodytext",
    "text-content",
    "content-body",
    "contentbody",
    "main-content",
    "maincontent",
    "content-main",
    "page-content",
    "field-body",
    "fulltext",
    "full-text",
    "single-content",
    "blog-content",
    "rich-text",
    "richtext",
    "article-main",
    "artikel",
    "article-detail",
];

/// The article's text blocks, in page order.
pub(super) fn article(dom: &Dom, json_ld_body: Option<&str>) -> Vec<Block> {
    let Some(body) = dom.find("body") else { return Vec::new() };
    let n = dom.nodes.len();
    let never = |i: usize| dom.element(i).is_some_and(|e| never_article(&e.tag));
    let everything = dom.blocks(body, &never);
    let prose_everywhere = Tally::new(dom, &everything).prose;
    let total = prose_everywhere[body];
    // A furniture name does not hide what holds the article (a layout wrapper called
    // `content-with-sidebar`, an ASP.NET page-wide `<form>`): an element keeps its text if a
    // marked article is inside it, or half the page's prose is (unless it is named as comments).
    let marked: Vec<bool> =
        (0..n).map(|i| dom.element(i).is_some_and(|e| marks_body(e) || marks_article(e))).collect();
    let holds_marked = subtree_any(dom, &marked);
    // A teaser card (a linked headline over a standfirst) advertises another article; an
    // element named `teaser` without one is often this article's own lead.
    let linked_heading: Vec<bool> = (0..n).map(|i| is_linked_heading(dom, i)).collect();
    let holds_linked_heading = subtree_any(dom, &linked_heading);
    let chrome: Vec<bool> = (0..n)
        .map(|i| {
            (is_chrome(dom, i) || (holds_linked_heading[i] && names_teaser(dom, i)))
                && !holds_marked[i]
                && (names_comments(dom, i)
                    || (prose_everywhere[i] as f64) < WRAPPER_SHARE * total.max(1) as f64)
        })
        .collect();
    if log::log_enabled!(log::Level::Trace) {
        for i in (0..n).filter(|&i| chrome[i] && prose_everywhere[i] > 0) {
            if !dom.nodes[i].parent.is_some_and(|p| chrome[p]) {
                log::trace!(
                    "set aside as furniture: <{}> {:?} holding prose {} of {}",
                    dom.tag(i),
                    dom.element(i).map_or("", |e| e.hint.as_str()),
                    prose_everywhere[i],
                    total
                );
            }
        }
    }
    let skip = |i: usize| never(i) || chrome[i];
    let blocks = dom.blocks(body, &skip);
    let tally = Tally::new(dom, &blocks);
    let prose = &tally.prose;
    let chosen_by_markup = marked_container(dom, body, &tally, &chrome);
    let container = chosen_by_markup.unwrap_or_else(|| dense_container(dom, body, prose));
    let parts = with_siblings(dom, body, container, &tally, &chrome);
    log::trace!(
        "article container: <{}> {:?} with {} sibling parts; prose {} of {}",
        dom.tag(container),
        dom.element(container).map_or("", |e| e.hint.as_str()),
        parts.len() - 1,
        tally.prose[container],
        tally.prose[body]
    );
    // Parts are disjoint subtrees: one mark per node.
    let mut in_parts = vec![false; n];
    for &p in &parts {
        in_parts[p..dom.nodes[p].end.max(p + 1)].fill(true);
    }
    let boxed = link_boxes(dom, &tally, &parts);
    let inside: Vec<Block> = blocks.into_iter().filter(|b| in_parts[b.element]).collect();
    let links: Vec<bool> =
        inside.iter().map(|b| b.link_density() > LINK_LIST_DENSITY || boxed[b.element]).collect();
    // A short line just before a list of links is the list's label ("Read more:",
    // "Related coverage") and goes with it.
    let chosen: Vec<Block> = inside
        .into_iter()
        .enumerate()
        .filter(|&(i, ref b)| {
            let labels_links = is_label(b) && links.get(i + 1).copied().unwrap_or(false);
            !(links[i] || labels_links)
        })
        .map(|(_, b)| b)
        .collect();
    let chosen = without_trailing_headings(chosen);
    // A short text is trusted when the page marked where its article is.
    if chars(&chosen) >= MIN_ARTICLE_CHARS || (chosen_by_markup.is_some() && !chosen.is_empty()) {
        return chosen;
    }
    // Too little to trust: each fallback in turn is taken when it holds at least twice as
    // much — the JSON-LD `articleBody`, markup a script keeps for later (Blogger renders
    // its posts from a `text/template`), the page's text outside its furniture, and last
    // all of its text that is not mostly links.
    let mut best = chosen;
    let from_json_ld = || {
        json_ld_body.map_or_else(Vec::new, |text| {
            text.lines().filter_map(|l| Block::of_text(l, body)).collect()
        })
    };
    let not_links = |bs: Vec<Block>| -> Vec<Block> {
        bs.into_iter().filter(|b| b.link_density() <= LINK_LIST_DENSITY).collect()
    };
    let fallbacks: [&dyn Fn() -> Vec<Block>; 4] = [
        &from_json_ld,
        &|| not_links(templates(dom, body)),
        &|| not_links(dom.blocks(body, &skip)),
        &|| not_links(everything.clone()),
    ];
    for fallback in fallbacks {
        let candidate = fallback();
        if chars(&candidate) >= 2 * chars(&best) && !candidate.is_empty() {
            best = candidate;
        }
    }
    best
}

/// The text blocks of the markup that `<script type="text/template">` elements hold: a
/// page that renders its article from such a template has no other copy of it.
fn templates(dom: &Dom, body: usize) -> Vec<Block> {
    let mut out = Vec::new();
    for i in body..dom.nodes[body].end {
        let is_template = dom.element(i).is_some_and(|e| {
            e.tag == "script"
                && e.attr("type").is_some_and(|t| {
                    matches!(t.trim().to_ascii_lowercase().as_str(), "text/template" | "text/html")
                })
        });
        if is_template {
            let inner = Dom::parse(&dom.text_of_raw(i), true);
            let never = |j: usize| never_article(inner.tag(j));
            out.extend(inner.blocks(0, &never).into_iter().map(|mut b| {
                b.element = i;
                b
            }));
        }
    }
    out
}

/// Drops the headings after the article's last prose: they title what follows it ("Related
/// articles", "Comments", "More from the section"), not its text.
fn without_trailing_headings(mut blocks: Vec<Block>) -> Vec<Block> {
    if let Some(last) = blocks.iter().rposition(is_prose) {
        let mut i = 0;
        blocks.retain(|b| {
            i += 1;
            i <= last + 1 || !b.heading
        });
    }
    blocks
}

/// A short line that names what follows rather than saying something: a heading, or a
/// few words that do not end as a sentence or an introduction (`:`) does.
fn is_label(b: &Block) -> bool {
    b.chars < PROSE_CHARS
        && (b.heading
            || !b
                .text
                .trim_end()
                .ends_with(['.', ':', '!', '?', '…', '。', '"', '”', '»', '«', ')']))
}

fn chars(blocks: &[Block]) -> usize {
    blocks.iter().map(|b| b.chars).sum()
}

fn is_prose(b: &Block) -> bool {
    b.chars >= PROSE_CHARS && b.link_density() <= PROSE_LINK_DENSITY
}

/// What each element holds, from the blocks under it: characters, characters in links,
/// characters of prose.
struct Tally {
    chars: Vec<usize>,
    links: Vec<usize>,
    prose: Vec<usize>,
}

impl Tally {
    fn new(dom: &Dom, blocks: &[Block]) -> Tally {
        let n = dom.nodes.len();
        let mut t = Tally { chars: vec![0; n], links: vec![0; n], prose: vec![0; n] };
        for b in blocks {
            t.chars[b.element] += b.chars;
            t.links[b.element] += b.link_chars;
            t.prose[b.element] += if is_prose(b) { b.chars } else { 0 };
        }
        // Children come after their parent in document order: one backward pass sums
        // every subtree (no walk up from each block: deep pages stay linear).
        for i in (1..n).rev() {
            if let Some(p) = dom.nodes[i].parent {
                t.chars[p] += t.chars[i];
                t.links[p] += t.links[i];
                t.prose[p] += t.prose[i];
            }
        }
        t
    }

    fn link_density(&self, i: usize) -> f64 {
        self.links[i] as f64 / self.chars[i].max(1) as f64
    }
}

/// Whether element `i` is page furniture by its tag, role, visibility or name.
fn is_chrome(dom: &Dom, i: usize) -> bool {
    let Some(e) = dom.element(i) else { return false };
    if CHROME_TAGS.contains(&e.tag.as_str()) {
        return true;
    }
    if e.attr("hidden").is_some() || e.attr("aria-hidden").is_some_and(|v| v.trim() == "true") {
        return true;
    }
    if let Some(style) = e.attr("style") {
        let s: String =
            style.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    if e.attr("role")
        .is_some_and(|r| CHROME_ROLES.contains(&r.trim().to_ascii_lowercase().as_str()))
    {
        return true;
    }
    // An `<article>` or `<main>` is the page's own word for its content: its class names
    // (a blog's `category-newsletter`, `post-meta` on the post itself) do not overrule it.
    if matches!(e.tag.as_str(), "article" | "main") || is_body_itemprop(e) {
        return false;
    }
    names_chrome(&e.hint)
}

fn is_body_itemprop(e: &Element) -> bool {
    e.attr("itemprop").is_some_and(|p| p.trim().eq_ignore_ascii_case("articlebody"))
}

/// An element the page names as its article's body.
fn marks_body(e: &Element) -> bool {
    is_body_itemprop(e) || names_body(&e.hint)
}

/// Whether a class/id value names an article's body. A search form's field
/// (`views-widget-filter-search_api_views_fulltext`) or a teaser of another page
/// (`s-node--page-content--teaser-nav`) is not one, whatever words it uses.
fn names_body(hint: &str) -> bool {
    !names_teaser_view(hint)
        && hint.split_whitespace().any(|name| {
            let name = name.replace("__", "-").replace('_', "-");
            !name.contains("search") && BODY_NAMES.iter().any(|b| name.contains(b))
        })
}

/// An element that is an article (`<article>`, schema.org microdata).
fn marks_article(e: &Element) -> bool {
    (e.tag == "article" && !names_teaser_view(&e.hint))
        || e.attr("itemtype").is_some_and(|t| t.contains("Article") || t.contains("BlogPosting"))
}

/// Whether a class value names a teaser rendering of an article (Drupal's
/// `node--view-mode-teaser`, `teaser-nav`): an `<article>` that advertises another page.
fn names_teaser_view(hint: &str) -> bool {
    hint.split(|c: char| !c.is_alphanumeric()).any(|w| w.starts_with("teaser"))
}

/// The page's main region.
fn marks_main(e: &Element) -> bool {
    e.tag == "main" || e.attr("role").is_some_and(|r| r.trim().eq_ignore_ascii_case("main"))
}

/// For each node, whether it or a node in its subtree has `flag`.
fn subtree_any(dom: &Dom, flag: &[bool]) -> Vec<bool> {
    let mut out = flag.to_vec();
    for i in (0..dom.nodes.len()).rev() {
        if out[i] {
            if let Some(p) = dom.nodes[i].parent {
                out[p] = true;
            }
        }
    }
    out
}

/// The container and the siblings that continue it: an article's lead, its body and its
/// closing lines often sit in sibling elements (TYPO3 marks every paragraph `bodytext`);
/// a sibling that holds prose and is not mostly links is part of the same text.
fn with_siblings(
    dom: &Dom,
    body: usize,
    container: usize,
    tally: &Tally,
    chrome: &[bool],
) -> Vec<usize> {
    let Some(parent) = dom.nodes[container].parent.filter(|_| container != body) else {
        return vec![container];
    };
    let text_like = |c: usize| !chrome[c] && tally.link_density(c) <= PROSE_LINK_DENSITY;
    // The standfirst just before the body: shorter than a paragraph of prose, but a
    // sentence (a date or an author line does not end like one).
    let lead = dom
        .children(parent)
        .take_while(|&c| c != container)
        .filter(|&c| tally.chars[c] > 0)
        .last()
        .filter(|&c| {
            text_like(c)
                && tally.chars[c] >= LEAD_CHARS
                && dom.text_of(c).ends_with(['.', '!', '?', '…', '。', '"', '”', '»', '«'])
        });
    dom.children(parent)
        .filter(|&c| c == container || Some(c) == lead || (tally.prose[c] > 0 && text_like(c)))
        .collect()
}

/// For every node, whether it sits in a box of links inside the article — "More on this
/// topic" over a list of headlines, a tag list under its label: an element below the
/// container with no prose and more than half its text in links (its heading goes with
/// its links). One forward pass: a node is boxed if it or an ancestor below its part is
/// such a box.
fn link_boxes(dom: &Dom, tally: &Tally, parts: &[usize]) -> Vec<bool> {
    let mut boxed = vec![false; dom.nodes.len()];
    for &p in parts {
        for i in p + 1..dom.nodes[p].end.max(p + 1) {
            let inherited = dom.nodes[i].parent.is_some_and(|a| a != p && boxed[a]);
            boxed[i] =
                inherited || (tally.prose[i] == 0 && tally.link_density(i) > LINK_LIST_DENSITY);
        }
    }
    boxed
}

/// Whether node `i` is a heading inside a link or a link inside a heading (within three
/// levels): a headline that leads to another page.
fn is_linked_heading(dom: &Dom, i: usize) -> bool {
    let tag = dom.tag(i);
    let wanted: fn(&str) -> bool = if tag == "a" {
        |t| matches!(t, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
    } else if matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
        |t| t == "a"
    } else {
        return false;
    };
    let mut at = dom.nodes[i].parent;
    for _ in 0..3 {
        let Some(p) = at else { return false };
        if wanted(dom.tag(p)) {
            return true;
        }
        at = dom.nodes[p].parent;
    }
    false
}

/// Whether element `i` is named as a teaser (`teaser`, `teaser-item`, `c-teaser`).
fn names_teaser(dom: &Dom, i: usize) -> bool {
    dom.element(i).is_some_and(|e| {
        !matches!(e.tag.as_str(), "article" | "main")
            && !names_body(&e.hint)
            && e.hint.split(|c: char| !c.is_alphanumeric()).any(|w| w.starts_with("teaser"))
    })
}

/// Whether element `i` is named as readers' comments. Comments can outweigh the article
/// they follow, so their name is trusted whatever share of the page they hold.
fn names_comments(dom: &Dom, i: usize) -> bool {
    dom.element(i).is_some_and(|e| {
        e.hint.split(|c: char| !c.is_alphanumeric()).any(|w| {
            COMMENT_PREFIXES.iter().any(|p| w.starts_with(p))
                && !NOT_CHROME.iter().any(|x| w.starts_with(x))
        })
    })
}

/// Whether a class/id value names page furniture.
fn names_chrome(hint: &str) -> bool {
    if names_body(hint) {
        return false;
    }
    if hint.split_whitespace().any(|c| HIDDEN_CLASSES.contains(&c)) {
        return true;
    }
    hint.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).any(|w| {
        !NOT_CHROME.iter().any(|x| w.starts_with(x))
            && (CHROME_WORDS.contains(&w) || CHROME_PREFIXES.iter().any(|p| w.starts_with(p)))
    })
}

/// The element the page marks as its article — body names, else `<article>`, else
/// `<main>`: the only one of its tier, or the one holding at least half the prose.
fn marked_container(dom: &Dom, body: usize, tally: &Tally, chrome: &[bool]) -> Option<usize> {
    let prose = &tally.prose;
    let total = prose[body];
    let tiers: [fn(&Element) -> bool; 3] = [marks_body, marks_article, marks_main];
    let inside = body..dom.nodes[body].end;
    for tier in tiers {
        let candidates: Vec<usize> =
            inside.clone().filter(|&i| !chrome[i] && dom.element(i).is_some_and(tier)).collect();
        // One marked element (with any nested in it) is the page's word for its article,
        // however short the article is next to a rail of teasers — if it holds a paragraph
        // or an article's worth of text: a date line in a teaser named `article-content`
        // is not the article of a page whose prose is elsewhere.
        let mut outermost = candidates
            .iter()
            .copied()
            .filter(|&c| !candidates.iter().any(|&o| o < c && c < dom.nodes[o].end));
        if let (Some(only), None) = (outermost.next(), outermost.next()) {
            if prose[only] > 0 || tally.chars[only] >= MIN_ARTICLE_CHARS {
                return Some(only);
            }
        }
        // Several (a listing of teasers, an article and its related ones): the outermost
        // of those holding the most prose, if that is at least half the page's.
        let best =
            candidates.iter().copied().max_by(|&a, &b| prose[a].cmp(&prose[b]).then(b.cmp(&a)));
        if let Some(c) = best.filter(|&c| total > 0 && prose[c] * 2 >= total) {
            return Some(c);
        }
    }
    None
}

/// The deepest element holding [`DENSE_SHARE`] of the prose.
fn dense_container(dom: &Dom, body: usize, prose: &[usize]) -> usize {
    let need = (prose[body] as f64 * DENSE_SHARE).ceil() as usize;
    let mut at = body;
    while let Some(c) = dom.children(at).find(|&c| prose[c] >= need.max(1)) {
        at = c;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(page: &str) -> String {
        article(&Dom::parse(page, false), None)
            .into_iter()
            .map(|b| b.text)
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    const PARA1: &str = "The central bank raised its main interest rate by half a point on Tuesday, \
        the third increase this year, citing inflation that has stayed above target.";
    const PARA2: &str = "Markets had expected a smaller move, and the currency rose sharply against \
        the dollar after the announcement, while shares of the largest lenders fell.";

    #[test]
    fn menus_related_lists_comments_and_footers_are_left_out() {
        let page = format!(
            r#"<html><body><div class="site-header"><a href="/">Home</a> <a href="/world">World</a></div>
            <ul class="menu"><li><a href="/a">Politics</a></li><li><a href="/b">Business</a></li></ul>
            <div class="content"><div class="article-body"><h2>Rates up again</h2><p>{PARA1}</p>
            <p>{PARA2}</p></div>
            <div class="share-bar">Share on Facebook</div>
            <div class="related"><h3>Related</h3><p><a href="/x">Another story about the central bank and its long history of decisions</a></p></div>
            <div id="comments"><p>I think this is a terrible decision by people who never had to pay a mortgage in their lives.</p></div></div>
            <footer>© 2025 The Paper. All rights reserved.</footer></body></html>"#
        );
        assert_eq!(text(&page), format!("Rates up again\n\n{PARA1}\n\n{PARA2}"));
    }

    #[test]
    fn without_marks_the_densest_element_is_the_article() {
        let page = format!(
            r#"<body><div><a href="/">Home</a> | <a href="/n">News</a></div>
            <div><div><p>{PARA1}</p><p>{PARA2}</p><p>Short line.</p></div>
            <div><a href="/1">Most read one</a><br><a href="/2">Most read two</a></div></div></body>"#
        );
        assert_eq!(text(&page), format!("{PARA1}\n\n{PARA2}\n\nShort line."));
    }

    #[test]
    fn a_short_article_beside_a_rail_of_teasers_is_still_the_article() {
        let dek = "A standfirst of another story, long enough to read like a paragraph of \
            prose in its own right, with a full sentence and more.";
        let rail: String =
            (0..8).map(|k| format!("<div class=\"dek\"><p>{k}: {dek}</p></div>")).collect();
        let page = format!(
            r#"<body><div class="layout"><div class="rail">{rail}</div>
            <article><h1>Short</h1><div class="article-body"><p>{PARA1}</p></div></article></div></body>"#
        );
        assert_eq!(text(&page), PARA1);
    }

    #[test]
    fn furniture_holding_the_article_keeps_it() {
        let page = format!(
            r#"<body><form id="aspnetForm"><div class="hidden md:block field--label-hidden"><p>{PARA1}</p><p>{PARA2}</p></div></form>
            <form action="/search"><label>Search this site for news</label></form></body>"#
        );
        assert_eq!(text(&page), format!("{PARA1}\n\n{PARA2}"));
    }

    #[test]
    fn a_search_field_named_fulltext_is_not_the_article_body() {
        let page = format!(
            r#"<body><div class="views-widget-filter-search_api_views_fulltext"><label>Search</label></div>
            <div class="node"><p>{PARA1}</p><p>{PARA2}</p></div></body>"#
        );
        assert_eq!(text(&page), format!("{PARA1}\n\n{PARA2}"));
    }

    #[test]
    fn body_names_are_read_whatever_the_separator() {
        // The body is named `entry__content` (BEM) and also `paywall-container`; the
        // comments below it outweigh it, so only its name keeps it.
        let comment = format!("<div class=\"comment-content\"><p>{PARA2} {PARA2}</p></div>");
        let page = format!(
            r#"<body><main><article><div class="entry__content paywall-container"><p>{PARA1}</p></div></article>
            <section>{}</section></main></body>"#,
            comment.repeat(4)
        );
        assert_eq!(text(&page), PARA1);
        assert!(names_body("entry__content "));
        assert!(names_body("c-article_body "));
        assert!(!names_body("search_api_views_fulltext "));
    }

    #[test]
    fn a_post_kept_in_a_script_template_is_read_from_it() {
        let page = format!(
            r#"<body><div class="post-body"><script type="text/template"><p>{PARA1}</p><p>{PARA2}</p></script></div>
            <div class="sidebar">Archive</div></body>"#
        );
        assert_eq!(text(&page), format!("{PARA1}\n\n{PARA2}"));
    }

    #[test]
    fn a_teaser_card_is_set_aside_but_a_lead_named_teaser_is_kept() {
        let lead = "The bank moved again.";
        let page = format!(
            r#"<body><div class="story"><p class="teaser">{lead} It surprised the markets.</p>
            <div class="text"><p>{PARA1}</p><p>{PARA2}</p></div>
            <div class="teaser-item"><h3><a href="/other">Another story entirely</a></h3>
            <p>{PARA2} And a little more text of the other story here.</p></div></div></body>"#
        );
        assert_eq!(text(&page), format!("{lead} It surprised the markets.\n\n{PARA1}\n\n{PARA2}"));
    }

    #[test]
    fn an_article_rendered_as_a_teaser_is_not_the_article() {
        // Drupal renders other pages' teasers as `<article>`s whose names also read like a
        // body (`page-content`); the page's own text has no mark at all.
        let page = format!(
            r#"<body><div class="nav-block"><article class="s-node s-node--type--page-content s-node--view-mode--teaser-nav">
            <a href="/tasks">Tasks</a><div>The agency supports the federal ministry in all matters of nature conservation, landscape care and research.</div></article></div>
            <div class="field--name-field-text"><p>{PARA1}</p><p>{PARA2}</p></div></body>"#
        );
        assert_eq!(text(&page), format!("{PARA1}\n\n{PARA2}"));
        assert!(!names_body("s-node--type--page-content s-node--view-mode--teaser-nav "));
    }

    #[test]
    fn a_standfirst_before_the_marked_body_is_kept_and_a_date_line_is_not() {
        let lead = "Two young drivers were stopped on Saturday night.";
        let page = format!(
            r#"<body><div class="wrap"><h1>Title</h1><div class="meta">3 May 2021, 10:20</div>
            <div class="intro">{lead}</div><div class="article-content"><p>{PARA1}</p></div>
            <div class="meta">Author: Max</div></div></body>"#
        );
        assert_eq!(text(&page), format!("{lead}\n\n{PARA1}"));
    }

    #[test]
    fn ruby_readings_are_not_read_inline() {
        let page = format!(
            "<body><article><p><ruby>子<rp>(</rp><rt>こ</rt><rp>)</rp></ruby>どもの{PARA1}</p></article></body>"
        );
        assert_eq!(text(&page), format!("子どもの{PARA1}"));
    }

    #[test]
    fn names_of_furniture_are_whole_words_or_known_beginnings() {
        assert!(names_chrome("comments-area "));
        assert!(names_chrome("sharebar "));
        assert!(names_chrome("post-meta "));
        assert!(!names_chrome("commentary-body "));
        assert!(!names_chrome("headline "));
        assert!(!names_chrome("article-body share "));
        assert!(!names_chrome("badge "));
    }
}
