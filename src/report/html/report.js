"use strict";
// wirematch report: unpacks the run's data (gzip + base64 inside this page) and renders its
// views from the URL's hash: #/overview, #/pairs, #/pair/N, #/stories, #/story/N, #/outlets.
// Lists are filtered in memory and paginated; a pair's word differences are computed when
// the pair is opened. Nothing is fetched from anywhere.
(function () {
  const PAGE = 100;
  const started = performance.now();
  const errors = [];
  function fail(message) {
    errors.push(String(message));
    const el = document.getElementById("wm-error");
    el.hidden = false;
    el.textContent = "The report could not be shown: " + message;
  }
  window.addEventListener("error", (e) => fail(e.message || e.error));
  window.addEventListener("unhandledrejection", (e) => fail((e.reason && e.reason.message) || e.reason));

  // ---- small DOM helpers ----
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    }
    append(el, children);
    return el;
  }
  function append(el, ...children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return el;
  }
  const fmt = (n) => Number(n).toLocaleString("en-US");
  const pct = (x) => (100 * x).toFixed(x >= 0.995 || x === 0 ? 0 : 1) + " %";
  const plural = (n, one, many) => fmt(n) + " " + (n === 1 ? one : many || one + "s");

  // ---- data ----
  let D = null;
  // Meanings come with the data, from the same words the terminal's legend uses.
  let RELATIONS = {};
  let SET_ASIDE = {};

  async function unpack() {
    const b64 = document.getElementById("wm-data").textContent.trim();
    if (typeof DecompressionStream === "undefined") {
      throw new Error("this browser cannot unpack the report's data (no DecompressionStream); " +
        "open it in a current Chrome, Edge, Firefox or Safari");
    }
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  function prepare(data) {
    D = data;
    RELATIONS = Object.fromEntries(D.relations);
    SET_ASIDE = Object.fromEntries(D.corpus.set_aside.map(([r, , meaning]) => [r, meaning]));
    D.storyOf = new Int32Array(D.docs.length).fill(-1);
    D.stories.forEach((s, i) => s.members.forEach((m) => (D.storyOf[m] = i)));
    D.relCount = {};
    for (const p of D.pairs) D.relCount[p.relation] = (D.relCount[p.relation] || 0) + 1;
    D.outletName = (d) => (D.docs[d].outlet === null ? "(unknown)" : D.outlets[D.docs[d].outlet]);
    D.pairsOf = D.docs.map(() => []);
    D.pairs.forEach((p, i) => { D.pairsOf[p.a].push(i); D.pairsOf[p.b].push(i); });
  }
  function docLabel(d) {
    const doc = D.docs[d];
    return doc.title || doc.id;
  }
  function dateOf(d) {
    const doc = D.docs[d];
    return doc.published || "undated";
  }
  const relBadge = (r) => h("span", { class: "rel rel-" + r, title: RELATIONS[r] || r }, r);

  // ---- routing ----
  function route() {
    const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ""));
    const [path, query] = hash.split("?");
    const params = new URLSearchParams(query || "");
    const [view, arg] = path.split("/");
    const main = document.getElementById("main");
    main.replaceChildren();
    const landing = D.open === "pairs" ? "overview" : D.open;
    const v = view || landing;
    nav(v === "pair" ? "pairs" : v === "story" ? "stories" : v);
    if (v === "pair") pairView(main, Number(arg));
    else if (v === "story") storyView(main, Number(arg));
    else if (v === "pairs") pairsView(main, params);
    else if (v === "stories") storiesView(main);
    else if (v === "outlets") outletsView(main);
    else overview(main);
    document.title = (main.querySelector("h1") || { textContent: "" }).textContent + " · wirematch report";
    if (params.has("probe")) {
      // The browser tests press keys this way: `press=j` sends the key once, then the
      // page is probed where it lands.
      const key = params.get("press");
      if (key) {
        params.delete("press");
        history.replaceState(null, "", "#/" + path + "?" + params.toString());
        document.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
      } else probe(v);
    }
  }
  function nav(active) {
    const n = document.getElementById("views");
    const link = (id, label) => h("a", { href: "#/" + id, "aria-current": active === id ? "page" : null }, label);
    n.replaceChildren(
      link("overview", "Overview"),
      link("pairs", "Pairs (" + fmt(D.pairs.length) + ")"),
      link("stories", "Stories (" + fmt(D.stories.length) + ")"),
      link("outlets", "Outlets (" + fmt(D.outlet_report.length) + ")"),
    );
  }

  // ---- overview ----
  function overview(main) {
    const c = D.corpus;
    const matched = D.docs.length;
    append(main, [
      h("h1", {}, "Syndication report"),
      h("p", { class: "sub" }, "Corpus: ", c.inputs.join(", ") || "standard input", " · made by ", c.generated_by),
      h("div", { class: "figures" },
        figure(c.documents, "articles read"), figure(c.outlets, "outlets"),
        figure(matched, "articles matched"), figure(D.pairs.length, "article pairs"),
        figure(D.stories.length, "stories")),
      h("h2", {}, "Pairs by relation"),
      table(["Relation", "Pairs", "What it means"], Object.keys(RELATIONS).filter((r) => D.relCount[r]).map((r) => [
        h("a", { href: "#/pairs?relation=" + r }, relBadge(r)), num(D.relCount[r]), RELATIONS[r]]),
        "Each pair of articles that share copy, by how they share it.", [false, true, false]),
      h("h2", {}, "Set aside"),
      table(["Reason", "Paragraphs", "What it is"], c.set_aside.filter(([, n]) => n > 0).map(([r, n]) => [r, num(n), SET_ASIDE[r] || ""]),
        fmt(c.body_paragraphs) + " of " + fmt(c.paragraphs) + " paragraphs are article text; the others were set aside and are never evidence of reuse." +
        (c.records_skipped ? " " + plural(c.records_skipped, "record") + " of the input were skipped (see the run's messages)." : ""),
        [false, true, false]),
    ]);
    if (D.stories.length) {
      append(main, h("h2", {}, "Largest stories"),
        table(["Story", "Articles", "Outlets", "First published by"], D.stories.slice(0, 8).map((s, i) => [
          h("a", { href: "#/story/" + i }, docLabel(s.origin !== null ? s.origin : s.members[0])),
          num(s.members.length), num(s.outlets), s.origin !== null ? D.outletName(s.origin) + " · " + dateOf(s.origin) : "unknown"]),
        "Stories are groups of articles linked by pairs.", [false, true, true, false]));
    }
    const sources = new Map();
    for (const o of D.outlet_report) for (const s of o.sources) sources.set(s.outlet, (sources.get(s.outlet) || 0) + s.articles);
    const top = [...sources].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 8);
    if (top.length) {
      append(main, h("h2", {}, "Most reused sources"),
        table(["Source outlet", "Articles elsewhere that carry its copy"], top.map(([o, n]) => [o, num(n)]),
          "Counted over directed pairs only (the source surely published first).", [false, true]));
    }
  }
  function figure(n, label) {
    return h("div", { class: "figure" }, h("span", { class: "n" }, fmt(n)), h("span", { class: "l" }, label));
  }
  function num(n) { return { num: true, v: fmt(n) }; }
  // A table with column headers; cells may be nodes, strings, or {num, v} for numbers.
  function table(head, rows, caption, numeric, cls) {
    return scroll(h("table", { class: cls || null },
      caption ? h("caption", {}, caption) : null,
      h("thead", {}, h("tr", {}, head.map((t, i) => h("th", { scope: "col", class: numeric && numeric[i] ? "num" : null }, t)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => (c && c.num ? h("td", { class: "num" }, c.v) : h("td", {}, c))))))));
  }
  // Wide tables scroll sideways inside the page rather than widening it.
  const scroll = (t) => h("div", { class: "scroll" }, t);

  // ---- pairs ----
  const pairState = { q: "", relation: "", outlet: "", story: "", from: "", to: "", sort: "similarity", desc: true, page: 0 };
  function pairsView(main, params) {
    for (const k of ["relation", "outlet", "story", "q"]) if (params.has(k)) { pairState[k] = params.get(k); pairState.page = 0; }
    const outlets = [...new Set(D.docs.map((d) => d.outlet).filter((o) => o !== null))].map((o) => D.outlets[o]).sort();
    const input = (name, label, type, extra) => h("label", {}, label, h("input", Object.assign({ name, type, value: pairState[name] }, extra || {})));
    const select = (name, label, options) => h("label", {}, label, h("select", { name },
      h("option", { value: "" }, "any"), options.map((o) => h("option", { value: o, selected: pairState[name] === o ? "" : null }, o))));
    const form = h("form", { class: "filters", role: "search", "aria-label": "Filter pairs", onsubmit: (e) => e.preventDefault() },
      input("q", "Search ids, titles, outlets", "search", { id: "search", placeholder: "press / to search" }),
      select("relation", "Relation", Object.keys(RELATIONS).filter((r) => D.relCount[r])),
      select("outlet", "Outlet (either side)", outlets),
      input("story", "Story number", "text", { inputmode: "numeric", size: 6 }),
      input("from", "Published from", "date"), input("to", "to", "date"),
      h("button", { class: "plain", type: "button", onclick: () => { Object.assign(pairState, { q: "", relation: "", outlet: "", story: "", from: "", to: "", page: 0 }); location.hash = "#/pairs"; route(); } }, "Clear"));
    const out = h("div", {});
    form.addEventListener("input", (e) => { pairState[e.target.name] = e.target.value; pairState.page = 0; renderPairs(out); });
    append(main, h("h1", {}, "Article pairs"),
      h("p", { class: "sub" }, "Side a is the source when the dates tell (→), else the larger original (↔). Coverage: share of each article's text in aligned paragraphs."),
      form, out);
    renderPairs(out);
  }
  function pairMatches(p) {
    const s = pairState;
    if (s.relation && p.relation !== s.relation) return false;
    if (s.outlet && D.outletName(p.a) !== s.outlet && D.outletName(p.b) !== s.outlet) return false;
    if (s.story !== "" && String(D.storyOf[p.a] + 1) !== s.story.trim()) return false;
    if (s.from || s.to) {
      const lo = s.from ? Date.parse(s.from) / 1000 : -Infinity;
      const hi = s.to ? Date.parse(s.to) / 1000 + 86400 : Infinity;
      const inside = (d) => D.docs[d].time !== null && D.docs[d].time >= lo && D.docs[d].time < hi;
      if (!inside(p.a) && !inside(p.b)) return false;
    }
    if (s.q) {
      const q = s.q.toLowerCase();
      const hay = (d) => (D.docs[d].id + " " + (D.docs[d].title || "") + " " + D.outletName(d)).toLowerCase();
      if (!hay(p.a).includes(q) && !hay(p.b).includes(q)) return false;
    }
    return true;
  }
  const PAIR_COLUMNS = [
    ["Pair", null], ["Relation", "relation"], ["Similarity", "similarity"], ["Cov. a", "coverage_a"], ["Cov. b", "coverage_b"],
    ["Side a (source →)", null], ["Side b", null], ["Paragraphs", "paragraphs"],
  ];
  function renderPairs(out) {
    const idx = [];
    D.pairs.forEach((p, i) => { if (pairMatches(p)) idx.push(i); });
    const key = pairState.sort;
    const val = (i) => (key === "paragraphs" ? D.pairs[i].paragraphs.length : D.pairs[i][key]);
    const dir = pairState.desc ? -1 : 1;
    idx.sort((x, y) => { const a = val(x), b = val(y); return a < b ? -dir : a > b ? dir : x - y; });
    const pages = Math.max(1, Math.ceil(idx.length / PAGE));
    pairState.page = Math.min(pairState.page, pages - 1);
    const shown = idx.slice(pairState.page * PAGE, (pairState.page + 1) * PAGE);
    const head = PAIR_COLUMNS.map(([label, k]) => {
      const th = h("th", { scope: "col", class: k && k !== "relation" ? "num" : null,
        "aria-sort": k === key ? (pairState.desc ? "descending" : "ascending") : null });
      if (!k) return append(th, [label]);
      return append(th, [h("button", { type: "button", onclick: () => {
        if (pairState.sort === k) pairState.desc = !pairState.desc; else { pairState.sort = k; pairState.desc = true; }
        renderPairs(out);
      } }, label)]);
    });
    const side = (d) => [h("div", {}, D.outletName(d), " · ", dateOf(d)), h("div", { class: D.docs[d].title ? "title" : "id" }, docLabel(d))];
    const rows = shown.map((i) => {
      const p = D.pairs[i];
      return h("tr", {},
        h("td", {}, h("a", { href: "#/pair/" + i }, "#" + (i + 1))), h("td", {}, relBadge(p.relation)),
        h("td", { class: "num" }, pct(p.similarity)), h("td", { class: "num" }, pct(p.coverage_a)), h("td", { class: "num" }, pct(p.coverage_b)),
        h("td", {}, side(p.a), p.directed ? null : h("span", { class: "note", title: p.why || "" }, "↔ no direction")),
        h("td", {}, side(p.b)), h("td", { class: "num" }, fmt(p.paragraphs.length)));
    });
    out.replaceChildren(
      h("p", { class: "count", "aria-live": "polite" }, fmt(idx.length) + " of " + plural(D.pairs.length, "pair") + " shown" + (idx.length > PAGE ? ", page " + (pairState.page + 1) + " of " + pages : "")),
      scroll(h("table", { class: "pairs" }, h("caption", {}, "Article pairs; open one to read the shared copy side by side."),
        h("thead", {}, h("tr", {}, head)), h("tbody", {}, rows))),
      pager(pairState, pages, () => renderPairs(out)));
  }
  function pager(state, pages, again) {
    if (pages <= 1) return null;
    return h("div", { class: "pager" },
      h("button", { class: "plain", type: "button", disabled: state.page === 0 ? "" : null, onclick: () => { state.page--; again(); } }, "← Previous"),
      h("span", {}, "Page " + (state.page + 1) + " of " + pages),
      h("button", { class: "plain", type: "button", disabled: state.page >= pages - 1 ? "" : null, onclick: () => { state.page++; again(); } }, "Next →"));
  }

  // ---- one pair ----
  function pairView(main, i) {
    const p = D.pairs[i];
    if (!p) { append(main, h("h1", {}, "No such pair"), h("p", {}, h("a", { href: "#/pairs" }, "Back to the pairs"))); return; }
    const [da, db] = [D.docs[p.a], D.docs[p.b]];
    const story = D.storyOf[p.a];
    append(main,
      h("p", {}, h("a", { href: "#/pairs" }, "← All pairs"), " · ",
        i > 0 ? h("a", { href: "#/pair/" + (i - 1), rel: "prev" }, "previous pair") : "previous pair", " · ",
        i + 1 < D.pairs.length ? h("a", { href: "#/pair/" + (i + 1), rel: "next" }, "next pair") : "next pair",
        " ", h("span", { class: "note" }, "(keys ", h("kbd", {}, "k"), " and ", h("kbd", {}, "j"), ")"),
        story >= 0 ? [" · ", h("a", { href: "#/story/" + story }, "story #" + (story + 1))] : null),
      h("h1", {}, relBadge(p.relation), " ", docLabel(p.b)),
      h("div", { class: "sides" }, sideCard(p.a, p.directed ? "Source" : "Article a"), sideCard(p.b, p.directed ? "Copy" : "Article b")),
      p.directed
        ? h("p", { class: "direction" }, "→ ", D.outletName(p.a), " surely published first (", dateOf(p.a), " before ", dateOf(p.b), ").")
        : h("p", { class: "direction none" }, "↔ No direction: ", p.why || "the dates cannot tell", ". Side a is the article less covered by the other (the larger original)."),
      h("div", { class: "figures" }, figure(Math.round(p.similarity * 100), p.relation === "translation"
        ? "% similarity of the translated paragraphs" : "% similarity (verbatim share of the copy)"),
        figure(Math.round(p.coverage_a * 100), "% of a in aligned paragraphs"), figure(Math.round(p.coverage_b * 100), "% of b in aligned paragraphs"),
        figure(p.paragraphs.length, "aligned paragraph pairs")),
      h("p", { class: "note" }, RELATIONS[p.relation] ? p.relation + ": " + RELATIONS[p.relation] + "." : ""),
      legend(p.relation));
    if (!da.paragraphs || !db.paragraphs) {
      append(main, h("p", { class: "missing" }, "The text of " + (!da.paragraphs ? da.id : db.id) +
        " could not be read again from the input when this report was written; its paragraphs are shown by number only."));
    }
    const diff = p.relation !== "translation";
    const rows = p.paragraphs.map(([pa, pb, sim]) => {
      const [ta, tb] = [para(da, pa), para(db, pb)];
      const [ma, mb] = diff && ta && tb ? wordDiff(ta.t, tb.t) : [null, null];
      return h("tr", {},
        h("td", { class: "num" }, "¶" + pa), h("td", { class: "text para-a", lang: da.lang !== "?" ? da.lang : null }, render(ta, ma)),
        h("td", { class: "text para-b", lang: db.lang !== "?" ? db.lang : null }, render(tb, mb)), h("td", { class: "num" }, "¶" + pb),
        h("td", { class: "num" }, pct(sim)));
    });
    append(main, h("h2", {}, "Aligned paragraphs"),
      h("table", { class: "aligned" }, h("caption", {}, "Each row is a paragraph of a and the paragraph of b it matches."),
        h("colgroup", {}, h("col", { class: "n" }), h("col", {}), h("col", {}), h("col", { class: "n" }), h("col", { class: "s" })),
        h("thead", {}, h("tr", {}, h("th", { scope: "col", class: "num" }, "a ¶"), h("th", { scope: "col" }, "Side a: " + D.outletName(p.a)),
          h("th", { scope: "col" }, "Side b: " + D.outletName(p.b)), h("th", { scope: "col", class: "num" }, "b ¶"), h("th", { scope: "col", class: "num" }, "Jaccard"))),
        h("tbody", {}, rows)),
      h("h2", {}, "Whole articles"),
      h("p", { class: "note" }, "Paragraphs are numbered from 0, as in `wirematch paragraphs` and the JSONL pairs. Aligned paragraphs are marked at the left; set-aside paragraphs are grey with their reason."),
      h("div", { class: "articles" }, wholeArticle(da, new Set(p.paragraphs.map((x) => x[0])), "a"), wholeArticle(db, new Set(p.paragraphs.map((x) => x[1])), "b")));
  }
  function sideCard(d, role) {
    const doc = D.docs[d];
    return h("section", { class: "side", "aria-label": role },
      h("div", { class: "role" }, role), h("h2", {}, docLabel(d)),
      h("dl", {}, h("dt", {}, "Outlet"), h("dd", {}, D.outletName(d)), h("dt", {}, "Published"), h("dd", {}, dateOf(d)),
        h("dt", {}, "Id"), h("dd", { class: "id" }, doc.id), doc.lang !== "?" ? [h("dt", {}, "Language"), h("dd", {}, doc.lang)] : null,
        doc.url ? [h("dt", {}, "URL"), h("dd", {}, h("a", { href: doc.url, rel: "noopener noreferrer", target: "_blank" }, doc.url))] : null));
  }
  function legend(relation) {
    const sw = (cls) => h("span", { class: "sw " + cls });
    return h("div", { class: "legend" },
      relation !== "translation" ? h("span", {}, h("mark", { class: "d" }, "words"), " differ between the two sides") : h("span", {}, "A translation: the two sides are shown without word differences."),
      h("span", {}, h("span", { class: "q" }, "quoted"), " = inside quotation marks (a quote shared by two articles is not evidence of reuse)"),
      h("span", {}, sw("") , h("span", { class: "tag" }, "reason"), " = set aside, never evidence"));
  }
  const para = (doc, i) => (doc.paragraphs ? doc.paragraphs[i] : null);
  // Renders a paragraph's text with the differing words and the quoted spans marked.
  function render(p, marks) {
    if (!p) return h("span", { class: "missing" }, "text not available");
    const text = p.t;
    const quoted = new Uint8Array(text.length + 1);
    for (const [s, e] of p.q || []) quoted.fill(1, s, e);
    const toks = tokens(text);
    const out = [];
    let run = "", cls = null;
    const flush = () => {
      if (!run) return;
      if (!cls) out.push(run);
      else if (cls === "d") out.push(h("mark", { class: "d" }, run));
      else if (cls === "q") out.push(h("span", { class: "q" }, run));
      else out.push(h("span", { class: "q" }, h("mark", { class: "d" }, run)));
      run = "";
    };
    toks.forEach((t, i) => {
      const q = quoted[t.at] ? "q" : "";
      const d = marks && marks[i] && t.word ? "d" : "";
      const c = q && d ? "qd" : q || d || null;
      if (c !== cls) { flush(); cls = c; }
      run += t.s;
    });
    flush();
    return out;
  }
  function tokens(text) {
    const out = [];
    const re = /\s+|[^\s]+/g;
    let m;
    while ((m = re.exec(text))) out.push({ s: m[0], at: m.index, word: !/^\s/.test(m[0]) });
    return out;
  }
  // Marks, for each token of each side, whether it is a word outside their longest common
  // word sequence (compared without case and surrounding punctuation).
  function wordDiff(a, b) {
    const ta = tokens(a), tb = tokens(b);
    const wa = [], wb = [];
    ta.forEach((t, i) => t.word && wa.push(i));
    tb.forEach((t, i) => t.word && wb.push(i));
    const norm = (t) => t.s.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    const na = wa.map((i) => norm(ta[i])), nb = wb.map((i) => norm(tb[i]));
    const n = na.length, m = nb.length;
    const ma = new Uint8Array(ta.length), mb = new Uint8Array(tb.length);
    if (n * m > 4e6) return [null, null];
    const L = new Uint16Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        L[i * (m + 1) + j] = na[i] === nb[j] ? L[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(L[(i + 1) * (m + 1) + j], L[i * (m + 1) + j + 1]);
    let i = 0, j = 0;
    const keepA = new Uint8Array(n), keepB = new Uint8Array(m);
    while (i < n && j < m) {
      if (na[i] === nb[j]) { keepA[i++] = 1; keepB[j++] = 1; }
      else if (L[(i + 1) * (m + 1) + j] >= L[i * (m + 1) + j + 1]) i++;
      else j++;
    }
    wa.forEach((t, k) => (ma[t] = keepA[k] ? 0 : 1));
    wb.forEach((t, k) => (mb[t] = keepB[k] ? 0 : 1));
    return [ma, mb];
  }
  function wholeArticle(doc, aligned, side) {
    const head = h("h3", {}, "Side " + side + ": " + (doc.title || doc.id));
    if (!doc.paragraphs) return h("section", {}, head, h("p", { class: "missing" }, "Text not available."));
    return h("section", { "aria-label": "Whole article, side " + side }, head,
      h("ol", { start: 0 }, doc.paragraphs.map((p, i) => h("li", { class: aligned.has(i) ? "aligned" : p.k !== "body" ? "set" : null, lang: doc.lang !== "?" ? doc.lang : null },
        p.k !== "body" ? h("span", { class: "tag", title: SET_ASIDE[p.k] || "" }, p.k) : null, render(p, null)))));
  }

  // ---- stories ----
  const storyState = { q: "", page: 0 };
  function storiesView(main) {
    const out = h("div", {});
    const form = h("form", { class: "filters", role: "search", "aria-label": "Filter stories", onsubmit: (e) => e.preventDefault() },
      h("label", {}, "Search titles, ids, outlets", h("input", { id: "search", name: "q", type: "search", value: storyState.q, placeholder: "press / to search" })));
    form.addEventListener("input", (e) => { storyState.q = e.target.value; storyState.page = 0; renderStories(out); });
    append(main, h("h1", {}, "Stories"), h("p", { class: "sub" }, "Groups of articles linked by pairs, largest first; the origin is the earliest dated article."), form, out);
    renderStories(out);
  }
  function renderStories(out) {
    const q = storyState.q.toLowerCase();
    const idx = [];
    D.stories.forEach((s, i) => {
      if (!q || s.members.some((d) => (D.docs[d].id + " " + (D.docs[d].title || "") + " " + D.outletName(d)).toLowerCase().includes(q))) idx.push(i);
    });
    const pages = Math.max(1, Math.ceil(idx.length / PAGE));
    storyState.page = Math.min(storyState.page, pages - 1);
    const rows = idx.slice(storyState.page * PAGE, (storyState.page + 1) * PAGE).map((i) => {
      const s = D.stories[i];
      const o = s.origin !== null ? s.origin : s.members[0];
      return [h("a", { href: "#/story/" + i }, "#" + (i + 1) + " " + docLabel(o)), num(s.members.length), num(s.outlets), num(s.pairs),
        s.origin !== null ? D.outletName(s.origin) + " · " + dateOf(s.origin) + (s.origin_certain ? "" : " (not certain)") : "unknown (no dates)"];
    });
    out.replaceChildren(h("p", { class: "count", "aria-live": "polite" }, fmt(idx.length) + " of " + plural(D.stories.length, "story", "stories") + " shown"),
      table(["Story", "Articles", "Outlets", "Pairs", "Origin"], rows, null, [false, true, true, true, false]),
      pager(storyState, pages, () => renderStories(out)));
  }
  function storyView(main, i) {
    const s = D.stories[i];
    if (!s) { append(main, h("h1", {}, "No such story"), h("p", {}, h("a", { href: "#/stories" }, "Back to the stories"))); return; }
    const origin = s.origin;
    append(main, h("p", {}, h("a", { href: "#/stories" }, "← All stories"), " · ", h("a", { href: "#/pairs?story=" + (i + 1) }, "its " + plural(s.pairs, "pair"))),
      h("h1", {}, "Story #" + (i + 1) + ": " + docLabel(origin !== null ? origin : s.members[0])),
      h("p", { class: "sub" }, plural(s.members.length, "article") + " from " + plural(s.outlets, "outlet") + "; " +
        (origin !== null ? "first published by " + D.outletName(origin) + " (" + dateOf(origin) + ")" + (s.origin_certain ? "." : ", though the dates cannot say so for certain.") : "no member is dated.")));
    const dated = s.members.filter((d) => D.docs[d].time !== null);
    if (dated.length > 1) append(main, h("h2", {}, "Timeline"), timeline(dated, origin));
    const pairWith = (d) => D.pairsOf[d].map((k) => D.pairs[k]).find((p) => (p.a === origin && p.b === d) || (p.b === origin && p.a === d));
    const rows = s.members.map((d) => {
      const withOrigin = origin !== null && d !== origin ? pairWith(d) : null;
      const k = withOrigin ? D.pairs.indexOf(withOrigin) : -1;
      const rel = d === origin ? h("strong", {}, s.origin_certain ? "origin" : "earliest dated")
        : withOrigin ? h("a", { href: "#/pair/" + k }, relBadge(withOrigin.relation), " with the origin")
          : h("span", {}, "linked through ", D.pairsOf[d].slice(0, 3).map((k2, j) => [j ? ", " : "", h("a", { href: "#/pair/" + k2 }, "pair #" + (k2 + 1))]));
      return [D.outletName(d), dateOf(d), h("span", {}, docLabel(d)), rel];
    });
    append(main, h("h2", {}, "Articles, earliest first"), table(["Outlet", "Published", "Article", "Relation"], rows, "Undated articles come last."));
  }
  function timeline(dated, origin) {
    const times = dated.map((d) => D.docs[d].time);
    const lo = Math.min(...times), hi = Math.max(...times);
    const x = (t) => (hi === lo ? 50 : (100 * (t - lo)) / (hi - lo));
    const line = h("div", { class: "timeline", role: "img", "aria-label": "Publication times from " + new Date(lo * 1000).toISOString() + " to " + new Date(hi * 1000).toISOString() });
    for (const d of dated) {
      line.appendChild(h("span", { class: "dot" + (d === origin ? " origin" : ""), style: "left:" + x(D.docs[d].time).toFixed(2) + "%",
        title: D.outletName(d) + " · " + dateOf(d) }));
    }
    const iso = (t) => new Date(t * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC";
    line.appendChild(h("span", { class: "tick first", style: "left:0%" }, iso(lo)));
    if (hi > lo) line.appendChild(h("span", { class: "tick last", style: "left:100%" }, iso(hi)));
    return line;
  }

  // ---- outlets ----
  function outletsView(main) {
    const rows = D.outlet_report.map((o) => [o.outlet, num(o.articles), num(o.articles_reusing), num(o.paragraphs_reused), num(o.articles_undirected),
      num(o.stories_first), num(o.articles_translated)]);
    append(main, h("h1", {}, "Outlets"),
      h("p", { class: "sub" }, "How much of each outlet's output carries copy from an earlier article, and from whom."),
      table(["Outlet", "Articles", "Reusing", "Paragraphs reused", "Undirected", "First in stories", "Translated"], rows,
        "Reusing: articles carrying copy from a surely earlier article. Undirected: matched only where the dates cannot tell who was first. First in stories: stories whose certain origin is this outlet's.",
        [false, true, true, true, true, true, true]));
    heatMap(main);
  }
  function heatMap(main) {
    const takers = D.outlet_report.filter((o) => o.sources.length).sort((a, b) => b.articles_reusing - a.articles_reusing || (a.outlet < b.outlet ? -1 : 1)).slice(0, 30);
    if (!takers.length) { append(main, h("p", { class: "note" }, "No directed reuse: the heat map of sources needs pairs whose dates tell who was first.")); return; }
    const totals = new Map();
    for (const o of takers) for (const s of o.sources) totals.set(s.outlet, (totals.get(s.outlet) || 0) + s.articles);
    const sources = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 30).map((x) => x[0]);
    const rows = takers.map((o) => {
      const by = new Map(o.sources.map((s) => [s.outlet, s.articles]));
      return h("tr", {}, h("th", { scope: "row", class: "row" }, o.outlet), sources.map((src) => {
        const n = by.get(src) || 0;
        const share = n / Math.max(1, o.articles);
        return h("td", { style: n ? "background: rgba(180, 35, 44, " + (0.12 + 0.88 * share).toFixed(3) + ");" + (share > 0.5 ? "color:#fff" : "") : null,
          title: n ? o.outlet + ": " + plural(n, "article") + " (" + pct(share) + " of its articles) carry copy from " + src : null }, n ? fmt(n) : "");
      }));
    });
    append(main, h("h2", {}, "Outlet × source"),
      h("p", { class: "note" }, "Rows: outlets carrying copy; columns: where it came from. Each cell counts the row outlet's articles taking copy from the column outlet; the shade is their share of all its articles. The 30 largest of each are shown."),
      scroll(h("table", { class: "heat" }, h("caption", { class: "sr-only" }, "Articles of each outlet (rows) carrying copy from each source (columns)"),
        h("thead", {}, h("tr", {}, h("td", {}), sources.map((s) => h("th", { scope: "col", class: "col" }, s)))), h("tbody", {}, rows))));
  }

  // ---- keyboard ----
  document.addEventListener("keydown", (e) => {
    if (e.target.closest && e.target.closest("input, select, textarea")) return;
    if (e.key === "/") { const s = document.getElementById("search"); if (s) { e.preventDefault(); s.focus(); } }
    const m = location.hash.match(/^#\/pair\/(\d+)(\?.*)?$/);
    if (m && (e.key === "j" || e.key === "k")) {
      const n = Number(m[1]) + (e.key === "j" ? 1 : -1);
      if (n >= 0 && n < D.pairs.length) location.hash = "#/pair/" + n + (m[2] || "");
    }
    if (e.key === "Escape" && m) location.hash = "#/pairs";
  });

  // ---- layout probe (for the browser tests: #/view?probe) ----
  function probe(view) {
    const box = (sel) => {
      const all = document.querySelectorAll(sel);
      if (!all.length) return { n: 0 };
      const r = all[0].getBoundingClientRect();
      return { n: all.length, x: Math.round(r.left), y: Math.round(r.top), w: Math.round(r.width), h: Math.round(r.height), text: all[0].textContent.slice(0, 200) };
    };
    const facts = {
      view, errors, ms: Math.round(performance.now() - started),
      overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
      h1: box("main h1"), nav: box("#views a[aria-current=page]"), th: document.querySelectorAll("main th[scope]").length,
      rows: document.querySelectorAll("main tbody tr").length,
      a: box("td.para-a"), b: box("td.para-b"), diff: box("table.aligned mark.d"), quote: box("main .articles .q, table.aligned .q"), set: box("li.set"),
      dot: box(".timeline .dot"), heat: box("table.heat td[title]"), links: document.querySelectorAll("main a[href]").length,
    };
    let pre = document.getElementById("wm-probe");
    if (!pre) { pre = h("pre", { id: "wm-probe", hidden: true }); document.body.appendChild(pre); }
    pre.textContent = JSON.stringify(facts);
  }

  unpack().then((data) => {
    prepare(data);
    window.addEventListener("hashchange", () => { route(); document.getElementById("main").focus({ preventScroll: false }); });
    route();
  }).catch((e) => fail(e.message || e));
})();
