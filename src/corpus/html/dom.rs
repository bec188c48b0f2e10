//! A page as a flat tree, and the text blocks it shows.
//!
//! The page is parsed by html5ever (into `markup5ever_rcdom`'s tree), the browsers'
//! tree-construction algorithm, so a page breaks where a browser breaks it and no further: an unbalanced tag, a `</header>` typed
//! for `</head>`, a `<title/>` inside an `<svg>` or an `<svg>` never closed end where a
//! browser ends them instead of swallowing the rest of the page. The tree is then laid out
//! in document order in one array, each element knowing where its subtree ends, so the
//! passes that score a page (`content`) walk ranges instead of pointers.

use html5ever::tendril::TendrilSink;
use html5ever::{ParseOpts, QualName, local_name, ns, parse_document, parse_fragment};
use markup5ever_rcdom::{Handle, NodeData, RcDom};

/// One node in document order. The subtree of node `i` is `i + 1 .. nodes[i].end`.
#[derive(Debug)]
pub(super) struct Node {
    pub parent: Option<usize>,
    pub end: usize,
    pub kind: Kind,
}

#[derive(Debug)]
pub(super) enum Kind {
    Element(Element),
    Text(String),
    /// Document, comment, doctype: no text.
    Other,
}

#[derive(Debug)]
pub(super) struct Element {
    /// Local name, lower case.
    pub tag: String,
    /// The `class` and `id` values, lower case, space separated: what a site calls the
    /// element, read by the chrome and content patterns.
    pub hint: String,
    pub attrs: Vec<(String, String)>,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// A parsed page.
#[derive(Debug)]
pub(super) struct Dom {
    pub nodes: Vec<Node>,
}

impl Dom {
    /// Parses a whole page (`fragment = false`) or a piece of markup from a text field.
    pub fn parse(html: &str, fragment: bool) -> Dom {
        let parsed = if fragment {
            let body = QualName::new(None, ns!(html), local_name!("body"));
            parse_fragment(RcDom::default(), ParseOpts::default(), body, Vec::new(), false)
                .one(html)
        } else {
            parse_document(RcDom::default(), ParseOpts::default()).one(html)
        };
        // Preorder without recursion (pages nest deep): a node opens, its children follow,
        // then it closes and learns where its subtree ends.
        enum Step {
            Open(Handle),
            Close(usize),
        }
        let mut nodes: Vec<Node> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        let mut steps = vec![Step::Open(parsed.document.clone())];
        while let Some(step) = steps.pop() {
            match step {
                Step::Open(h) => {
                    let kind = match &h.data {
                        NodeData::Element { name, attrs, .. } => {
                            let attrs: Vec<(String, String)> = attrs
                                .borrow()
                                .iter()
                                .map(|a| {
                                    (
                                        a.name.local.to_string().to_ascii_lowercase(),
                                        a.value.to_string(),
                                    )
                                })
                                .collect();
                            let mut hint = String::new();
                            for (k, v) in &attrs {
                                if k == "class" || k == "id" {
                                    hint.push_str(&v.to_lowercase());
                                    hint.push(' ');
                                }
                            }
                            Kind::Element(Element {
                                tag: name.local.to_string().to_ascii_lowercase(),
                                hint,
                                attrs,
                            })
                        }
                        NodeData::Text { contents } => Kind::Text(contents.borrow().to_string()),
                        _ => Kind::Other,
                    };
                    let me = nodes.len();
                    nodes.push(Node { parent: open.last().copied(), end: 0, kind });
                    open.push(me);
                    steps.push(Step::Close(me));
                    steps.extend(h.children.borrow().iter().rev().map(|c| Step::Open(c.clone())));
                }
                Step::Close(i) => {
                    open.pop();
                    nodes[i].end = nodes.len();
                }
            }
        }
        Dom { nodes }
    }

    pub fn element(&self, i: usize) -> Option<&Element> {
        match &self.nodes[i].kind {
            Kind::Element(e) => Some(e),
            _ => None,
        }
    }

    pub fn tag(&self, i: usize) -> &str {
        self.element(i).map_or("", |e| e.tag.as_str())
    }

    /// The first element named `tag`, in document order.
    pub fn find(&self, tag: &str) -> Option<usize> {
        (0..self.nodes.len()).find(|&i| self.tag(i) == tag)
    }

    /// The children of `i`.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.nodes[i].end;
        let mut next = i + 1;
        std::iter::from_fn(move || {
            (next < end).then(|| {
                let c = next;
                next = self.nodes[c].end.max(c + 1);
                c
            })
        })
    }

    /// All text under `i` as written (a script's source).
    pub fn text_of_raw(&self, i: usize) -> String {
        let mut s = String::new();
        for n in &self.nodes[i..self.nodes[i].end.max(i + 1)] {
            if let Kind::Text(t) = &n.kind {
                s.push_str(t);
            }
        }
        s
    }

    /// All text under `i`, whitespace collapsed.
    pub fn text_of(&self, i: usize) -> String {
        let mut s = String::new();
        for n in &self.nodes[i..self.nodes[i].end.max(i + 1)] {
            if let Kind::Text(t) = &n.kind {
                s.push_str(t);
            }
        }
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The text blocks under `root` in document order, leaving out the subtrees for which
    /// `skip` says so. Block-level elements end a block, `<br>` ends a line.
    pub fn blocks(&self, root: usize, skip: &dyn Fn(usize) -> bool) -> Vec<Block> {
        let mut out = Vec::new();
        let mut cur = Pending::default();
        // Elements still open, and counts kept as they open and close so that no step
        // looks through them all (a page of 60,000 nested `<div>`s stays linear).
        let mut open: Vec<Open> = Vec::new();
        let mut blocks_open: Vec<usize> = Vec::new();
        let (mut links, mut headings) = (0usize, 0usize);
        let end = self.nodes[root].end.max(root + 1);
        let mut i = root + 1;
        while i < end {
            while open.last().is_some_and(|o| o.end <= i) {
                if let Some(o) = open.pop() {
                    if o.block {
                        blocks_open.pop();
                        cur.flush(&mut out, o.element, headings > 0);
                    }
                    links -= usize::from(o.link);
                    headings -= usize::from(o.heading);
                }
            }
            match &self.nodes[i].kind {
                Kind::Element(el) => {
                    if skip(i) {
                        i = self.nodes[i].end.max(i + 1);
                        continue;
                    }
                    let tag = el.tag.as_str();
                    let block = BLOCK.contains(&tag);
                    if block {
                        let inner = blocks_open.last().copied().unwrap_or(root);
                        cur.flush(&mut out, inner, headings > 0);
                        blocks_open.push(i);
                    } else if tag == "br" {
                        cur.text.push('\n');
                    } else if tag == "img" || tag == "input" {
                        cur.text.push(' ');
                    }
                    let o = Open {
                        element: i,
                        end: self.nodes[i].end.max(i + 1),
                        block,
                        link: tag == "a",
                        heading: is_heading(tag),
                    };
                    links += usize::from(o.link);
                    headings += usize::from(o.heading);
                    open.push(o);
                }
                Kind::Text(t) => {
                    cur.text.push_str(t);
                    if links > 0 {
                        cur.link_chars += t.chars().filter(|c| !c.is_whitespace()).count();
                    }
                }
                Kind::Other => {}
            }
            i += 1;
        }
        while let Some(o) = open.pop() {
            if o.block {
                cur.flush(&mut out, o.element, headings > 0);
            }
            headings -= usize::from(o.heading);
        }
        cur.flush(&mut out, root, false);
        out
    }
}

struct Open {
    element: usize,
    end: usize,
    block: bool,
    link: bool,
    heading: bool,
}

fn is_heading(tag: &str) -> bool {
    matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// A paragraph of the page as a reader sees it.
#[derive(Debug, Clone)]
pub(super) struct Block {
    /// Lines (from `<br>`) joined by `\n`, whitespace collapsed.
    pub text: String,
    /// Characters other than whitespace.
    pub chars: usize,
    /// Of which inside links.
    pub link_chars: usize,
    /// The block-level element the text sits in.
    pub element: usize,
    pub heading: bool,
}

impl Block {
    /// A block of `text` in `element` (lines kept, whitespace collapsed, no links), if it
    /// has any text.
    pub fn of_text(text: &str, element: usize) -> Option<Block> {
        let text = text
            .split('\n')
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let chars = text.chars().filter(|c| !c.is_whitespace()).count();
        (!text.is_empty()).then_some(Block { text, chars, link_chars: 0, element, heading: false })
    }

    pub fn link_density(&self) -> f64 {
        self.link_chars as f64 / self.chars.max(1) as f64
    }
}

#[derive(Default)]
struct Pending {
    text: String,
    link_chars: usize,
}

impl Pending {
    /// Ends the pending block, which sat in block element `element` (inside a heading if
    /// `heading`).
    fn flush(&mut self, out: &mut Vec<Block>, element: usize, heading: bool) {
        if let Some(mut b) = Block::of_text(&self.text, element) {
            b.link_chars = self.link_chars.min(b.chars);
            b.heading = heading;
            out.push(b);
        }
        self.text.clear();
        self.link_chars = 0;
    }
}

/// Elements whose content is never text a reader sees in place: code, styling, the head,
/// and ruby annotations (the readings printed above Japanese or Chinese characters, which
/// read inline would double every annotated word). Pages and text-field markup alike.
pub(super) const NO_TEXT: &[&str] =
    &["script", "style", "noscript", "template", "head", "title", "rt", "rp"];

/// Elements that start and end a paragraph.
pub(super) const BLOCK: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "form",
    "tr",
    "table",
    "tbody",
    "pre",
    "figure",
    "figcaption",
    "hr",
    "address",
    "caption",
    "td",
    "th",
    "body",
    "center",
    "details",
    "summary",
    "fieldset",
    "legend",
    "option",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtrees_are_ranges_and_blocks_follow_the_markup() {
        let dom = Dom::parse("<p>One <a href=x>two</a><br>three<div>four</div>five</p>", true);
        let all = dom.blocks(0, &|_| false);
        let texts: Vec<&str> = all.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["One two\nthree", "four", "five"]);
        assert_eq!(all[0].link_chars, 3);
        for (i, n) in dom.nodes.iter().enumerate() {
            assert!(n.end > i, "node {i} ends at {}", n.end);
            if let Some(p) = n.parent {
                assert!(p < i && i < dom.nodes[p].end, "node {i} lies inside its parent {p}");
            }
        }
    }

    #[test]
    fn a_typo_closing_the_head_or_an_unclosed_svg_keeps_the_body() {
        let dom = Dom::parse(
            "<html><head><title>T</title></header><p>Body text here.</p><svg><title/></svg><p>More.</p>",
            false,
        );
        let texts: Vec<String> = dom.blocks(0, &|_| false).into_iter().map(|b| b.text).collect();
        assert!(texts.iter().any(|t| t == "Body text here."), "{texts:?}");
        assert!(texts.iter().any(|t| t == "More."), "{texts:?}");
    }
}
