//! Terminal tables: readable, aligned, the most useful rows first.

use std::io::{self, Write};

use super::OutletReport;
use crate::pipeline::MatchRun;

/// `s` with control characters (ESC, BEL, CR, C1 controls…) shown as U+FFFD: outlet
/// names, ids and texts come from the corpus, and a terminal obeys the controls in them
/// (moving the cursor, rewriting lines, changing the title). Line feeds and tabs stay.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\n' && c != '\t';
    if s.contains(bad) {
        s.chars().map(|c| if bad(c) { '\u{FFFD}' } else { c }).collect::<String>().into()
    } else {
        s.into()
    }
}

/// A writer that passes text through [`printable`]. Formatting hands it whole `str`
/// pieces, so a character is never split between two writes.
struct Printable<'a>(&'a mut dyn Write);

impl Write for Printable<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(s) => self.0.write_all(printable(s).as_bytes())?,
            Err(_) => self.0.write_all(printable(&String::from_utf8_lossy(buf)).as_bytes())?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Terminal columns `s` takes: CJK ideographs and most emoji take two, combining marks none.
fn columns(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Cuts `s` to `width` terminal columns (with an ellipsis) and pads it.
fn cell(s: &str, width: usize) -> String {
    let n = columns(s);
    if n <= width {
        return format!("{s}{}", " ".repeat(width - n));
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width.saturating_sub(1) {
            break;
        }
        cut.push(c);
        used += w;
    }
    format!("{cut}…{}", " ".repeat(width.saturating_sub(used + 1)))
}

/// `n` and the noun, singular or plural: "1 story", "2 stories", "1,204 articles".
pub fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// `12345` → `12,345`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn doc_label(run: &MatchRun, d: u32) -> String {
    let doc = &run.store.docs[d as usize];
    let outlet = run.store.outlet_of(d).unwrap_or("?");
    let date = doc.published_raw.as_deref().map(|p| p.get(..10).unwrap_or(p)).unwrap_or("undated");
    format!("{outlet} · {date} · {}", doc.id)
}

/// Summary lines, the top `top` pairs (most shared text first) and the outlet summary.
pub fn write_pairs_table(
    run: &MatchRun,
    outlets: &[OutletReport],
    top: usize,
    w: &mut dyn Write,
) -> io::Result<()> {
    let w: &mut dyn Write = &mut Printable(w);
    let st = &run.stats;
    let boiler: u64 = st.corpus.boilerplate.iter().map(|b| b.1).sum();
    writeln!(
        w,
        "{} · {} · {} ({} set aside as boilerplate)",
        counted(st.corpus.documents, "article", "articles"),
        counted(run.store.outlets.len() as u64, "outlet", "outlets"),
        counted(st.corpus.paragraphs, "paragraph", "paragraphs"),
        thousands(boiler)
    )?;
    let rel: Vec<String> =
        st.relations.iter().map(|(r, n)| format!("{} {}", r.name(), thousands(*n))).collect();
    let directed = run.matches.iter().filter(|m| m.source.is_some()).count() as u64;
    if run.matches.is_empty() {
        return match run.queried {
            0 => writeln!(w, "No article pairs: no two articles share copy."),
            1 => writeln!(
                w,
                "No article pairs: the queried article shares no copy with a stored one."
            ),
            n => writeln!(
                w,
                "No article pairs: none of the {} queried articles shares copy with a stored one.",
                thousands(u64::from(n))
            ),
        };
    }
    writeln!(
        w,
        "{} in {} — {}; source known for {}",
        counted(st.article_pairs, "article pair", "article pairs"),
        counted(st.stories, "story", "stories"),
        rel.join(" · "),
        thousands(directed)
    )?;
    let mut order: Vec<usize> = (0..run.matches.len()).collect();
    order.sort_by(|&x, &y| {
        let (mx, my) = (&run.matches[x], &run.matches[y]);
        my.shared.cmp(&mx.shared).then(x.cmp(&y))
    });
    // Show the breadth of the corpus first: at most two pairs per story, then the rest.
    let mut story_of = vec![usize::MAX; run.store.docs.len()];
    for (i, s) in run.stories.iter().enumerate() {
        for &d in &s.members {
            story_of[d as usize] = i;
        }
    }
    let mut shown = vec![0u8; run.stories.len()];
    let (mut first, mut rest) = (Vec::new(), Vec::new());
    for i in order {
        let s = story_of[run.matches[i].a as usize];
        if s < shown.len() && shown[s] < 2 {
            shown[s] += 1;
            first.push(i);
        } else {
            rest.push(i);
        }
    }
    first.extend(rest);
    let order = first;
    writeln!(w)?;
    writeln!(
        w,
        "Top {} of {}, most shared text first",
        top.min(order.len()),
        counted(order.len() as u64, "pair", "pairs")
    )?;
    // A query's table keeps the stored article in column a and the queried one in b, the
    // arrow pointing from whichever was surely first.
    let query = run.queried > 0;
    let (head_a, head_b) = if query {
        ("a: stored article: outlet · date · id", "b: queried article")
    } else {
        ("a (source when known): outlet · date · id", "b: outlet · date · id")
    };
    writeln!(
        w,
        "{}  {:>6}  {:>4}  {:>4} {:>4}  {}  {head_b}",
        cell("relation", 8),
        "shared",
        "sim",
        "cov.a",
        "b",
        cell(head_a, 46),
    )?;
    for &i in order.iter().take(top) {
        let m = &run.matches[i];
        let flip = query && m.a < run.queried;
        let (a, b, cov_a, cov_b) = if flip {
            (m.b, m.a, m.coverage_b, m.coverage_a)
        } else {
            (m.a, m.b, m.coverage_a, m.coverage_b)
        };
        let arrow = match (m.source.is_some(), flip) {
            (false, _) => "↔",
            (true, false) => "→",
            (true, true) => "←",
        };
        writeln!(
            w,
            "{}  {:>6}  {:>4.2}  {:>4.2} {:>4.2}  {} {} {}",
            cell(m.relation.name(), 8),
            m.shared,
            m.similarity,
            cov_a,
            cov_b,
            cell(&doc_label(run, a), 44),
            arrow,
            cell(&doc_label(run, b), 60).trim_end()
        )?;
    }
    write_pairs_legend(run, w)?;
    writeln!(w)?;
    write_translations(run, 3, 3, w)?;
    write_outlets_table(outlets, 15, w)?;
    write_outlets_legend(w)
}

/// What the pair table's columns and arrows mean, and why the pairs without a direction
/// have none.
fn write_pairs_legend(run: &MatchRun, w: &mut dyn Write) -> io::Result<()> {
    let relations: Vec<String> = crate::align::Relation::ALL
        .iter()
        .filter(|r| r.is_reuse())
        .map(|r| format!("{} = {}", r.name(), r.meaning()))
        .collect();
    note(
        w,
        &format!(
            "relation: {}. shared: 5-word shingles the two share in aligned paragraphs · sim: \
             verbatim share of the copy (1.00 = word for word) · cov.a b: share of each \
             article's text in aligned paragraphs. → a surely published first (a is the \
             source) · ↔ the dates cannot tell who was first (a is then the larger original).",
            relations.join(" · ")
        ),
    )?;
    if run.queried > 0 {
        note(
            w,
            "← the queried article b was surely published first: the stored one carries its copy.",
        )?;
    }
    let mut why: Vec<(&'static str, u64)> = Vec::new();
    for m in run.matches.iter().filter(|m| m.source.is_none()) {
        let (pa, pb) =
            (run.store.docs[m.a as usize].published, run.store.docs[m.b as usize].published);
        let reason = crate::published::why_undirected(pa, pb).unwrap_or("the dates cannot tell");
        match why.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => why.push((reason, 1)),
        }
    }
    why.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    for (reason, n) in why {
        note(w, &format!("↔ {}: {reason}.", counted(n, "pair", "pairs")))?;
    }
    Ok(())
}

/// What the outlet table's columns mean.
fn write_outlets_legend(w: &mut dyn Write) -> io::Result<()> {
    note(
        w,
        "reusing: articles carrying copy from a surely earlier article · paras reused: their \
         aligned paragraphs / all body paragraphs · translated: articles translating an earlier \
         one · undirected: articles matched only where the dates cannot tell who was first · \
         first: stories whose certain origin is this outlet's article.",
    )
}

/// Writes `text` indented and wrapped to [`NOTE_WIDTH`] columns.
pub fn note(w: &mut dyn Write, text: &str) -> io::Result<()> {
    for line in wrap(text, NOTE_WIDTH, usize::MAX) {
        writeln!(w, "  {}", line.trim_end())?;
    }
    Ok(())
}

/// Width of the explanatory notes under the tables.
const NOTE_WIDTH: usize = 96;

/// Wraps `text` (whitespace collapsed) into lines of at most `width` characters.
fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && columns(&cur) + 1 + columns(word) > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            *last = cell(&format!("{last}…"), width).trim_end().to_string();
        }
    }
    lines.iter().map(|l| cell(l, width)).collect()
}

/// The best translated pairs, their aligned paragraphs side by side: source | translation.
fn write_translations(
    run: &MatchRun,
    pairs: usize,
    paras: usize,
    w: &mut dyn Write,
) -> io::Result<()> {
    let mut tr: Vec<&crate::align::ArticleMatch> =
        run.matches.iter().filter(|m| m.relation == crate::align::Relation::Translation).collect();
    if tr.is_empty() {
        return Ok(());
    }
    tr.sort_by(|x, y| {
        let s =
            |m: &crate::align::ArticleMatch| m.paragraphs.iter().map(|p| p.similarity).sum::<f32>();
        s(y).total_cmp(&s(x))
            .then_with(|| run.store.docs[x.a as usize].id.cmp(&run.store.docs[y.a as usize].id))
    });
    tr.truncate(pairs);
    let docs: Vec<u32> = tr.iter().flat_map(|m| [m.a, m.b]).collect();
    let texts = run.texts(&docs).unwrap_or_default();
    let para = |d: u32, i: u32| -> String {
        let Some(t) = texts.get(&d) else { return "(text not available)".into() };
        let p = &run.store.doc_paragraphs(d)[i as usize];
        p.text_in(t).unwrap_or("").to_string()
    };
    let lang = |d: u32| run.store.docs[d as usize].language.to_string();
    writeln!(
        w,
        "Translated copy, side by side ({} of {} pairs)",
        tr.len(),
        thousands(
            run.matches.iter().filter(|m| m.relation == crate::align::Relation::Translation).count()
                as u64
        )
    )?;
    const W: usize = 56;
    for m in tr {
        writeln!(
            w,
            "  {} [{}] {} {} [{}]   similarity {:.2}, {} paragraphs aligned",
            doc_label(run, m.a),
            lang(m.a),
            if m.source.is_some() { "→" } else { "↔" },
            doc_label(run, m.b),
            lang(m.b),
            m.similarity,
            m.paragraphs.len()
        )?;
        for p in m.paragraphs.iter().take(paras) {
            let (left, right) = (wrap(&para(m.a, p.a), W, 3), wrap(&para(m.b, p.b), W, 3));
            for k in 0..left.len().max(right.len()) {
                let l = left.get(k).cloned().unwrap_or_else(|| " ".repeat(W));
                let r = right.get(k).map(String::as_str).unwrap_or("").trim_end();
                let tag =
                    if k == 0 { format!("{:>3}|{:<3}", p.a, p.b) } else { "       ".to_string() };
                writeln!(w, "  {tag} {l} │ {r}")?;
            }
        }
        if m.paragraphs.len() > paras {
            writeln!(w, "          … {} more aligned paragraphs", m.paragraphs.len() - paras)?;
        }
    }
    writeln!(w)
}

/// The outlet report as a table (`top` outlets).
pub fn write_outlets_table(
    outlets: &[OutletReport],
    top: usize,
    w: &mut dyn Write,
) -> io::Result<()> {
    let w: &mut dyn Write = &mut Printable(w);
    writeln!(w, "Outlets, most articles carrying earlier copy first")?;
    writeln!(
        w,
        "{}  {:>8}  {:>7}  {:>13}  {:>10}  {:>10}  {:>5}  main sources (articles)",
        cell("outlet", 28),
        "articles",
        "reusing",
        "paras reused",
        "translated",
        "undirected",
        "first",
    )?;
    for o in outlets.iter().take(top) {
        let mut src: Vec<String> =
            o.sources.iter().take(3).map(|s| format!("{} {}", s.outlet, s.articles)).collect();
        src.extend(
            o.translated_from
                .iter()
                .take(2)
                .map(|s| format!("{} {} (translated)", s.outlet, s.articles)),
        );
        writeln!(
            w,
            "{}  {:>8}  {:>7}  {:>13}  {:>10}  {:>10}  {:>5}  {}",
            cell(&o.outlet, 28),
            thousands(o.articles),
            thousands(o.articles_reusing),
            format!("{}/{}", thousands(o.paragraphs_reused), thousands(o.body_paragraphs)),
            thousands(o.articles_translated),
            thousands(o.articles_undirected),
            thousands(o.stories_first),
            src.join(", ")
        )?;
    }
    if outlets.len() > top {
        writeln!(w, "… {} more outlets (use --report outlets for all)", outlets.len() - top)?;
    }
    Ok(())
}

/// Stories as a table (`top` largest).
pub fn write_stories_table(run: &MatchRun, top: usize, w: &mut dyn Write) -> io::Result<()> {
    let w: &mut dyn Write = &mut Printable(w);
    writeln!(w, "{}, largest first", counted(run.stories.len() as u64, "story", "stories"))?;
    writeln!(
        w,
        "{}  {:>8}  {:>7}  {:>6}  origin: outlet · date · id",
        cell("story", 24),
        "articles",
        "outlets",
        "pairs"
    )?;
    for s in run.stories.iter().take(top) {
        let origin = match s.origin {
            Some(o) => format!(
                "{}{}",
                doc_label(run, o),
                if s.origin_certain { "" } else { " (uncertain)" }
            ),
            None => "unknown".to_string(),
        };
        writeln!(
            w,
            "{}  {:>8}  {:>7}  {:>6}  {}",
            cell(&s.id, 24),
            s.members.len(),
            s.outlets,
            thousands(s.pairs as u64),
            origin
        )?;
    }
    if run.stories.len() > top {
        writeln!(w, "… {} more (use --format jsonl for all)", run.stories.len() - top)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_numbers() {
        assert_eq!(cell("abc", 5), "abc  ");
        assert_eq!(cell("abcdef", 4), "abc…");
        assert_eq!(cell("élan", 4), "élan");
        // CJK characters take two columns each: cut and padded by columns, not characters.
        assert_eq!(cell("東京新聞", 8), "東京新聞");
        assert_eq!(cell("東京新聞", 10), "東京新聞  ");
        assert_eq!(cell("東京新聞社", 8), "東京新… ");
        assert_eq!(columns(&cell("東京新聞社", 7)), 7);
        assert_eq!(counted(1, "story", "stories"), "1 story");
        assert_eq!(counted(1200, "story", "stories"), "1,200 stories");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(
            printable("Daily\x1b[2J News\x07\r\u{9b}31m"),
            "Daily\u{FFFD}[2J News\u{FFFD}\u{FFFD}\u{FFFD}31m"
        );
        assert_eq!(printable("a\tb\nc"), "a\tb\nc");
        let mut out = Vec::new();
        let name = "Evil\x1b]0;pwned\x07";
        writeln!(Printable(&mut out), "{name} · {}", 3).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "Evil\u{FFFD}]0;pwned\u{FFFD} · 3\n");
    }
}
