#!/usr/bin/env python3
"""Print article pairs for judging by reading: what the two articles share, and what else
each of them says.

    tools/eval/judge_view.py DOCS.jsonl PAIRS.jsonl [--paragraphs PARAS.jsonl] [--width N]

PAIRS holds {"a","b"} objects (wirematch pair output, or any list of id pairs). For each
pair: outlets, dates, titles; the passages both texts contain word for word (runs of 8 or
more words, longest first); when PAIRS is wirematch output and --paragraphs is the
`wirematch paragraphs --format jsonl` of the same corpus, the aligned paragraphs too (for
rewrites, which share few verbatim runs); then the start of each article's text outside
the shared passages. Texts are read from the corpus at run time: nothing is stored.

Judgement categories (the project's, see tools/eval/README.md): wire_copy, shared_quote,
boilerplate, listing, unrelated.
"""
import argparse
import json
import re
import sys

WORD = re.compile(r"\w+", re.UNICODE)
K = 8


def words(text):
    return [(m.group(0).lower(), m.start(), m.end()) for m in WORD.finditer(text)]


def common_runs(ta, tb):
    """Maximal runs of >= K words that occur in both texts: (start, end) word indices in a,
    character spans in a and in b."""
    wa, wb = words(ta), words(tb)
    grams = {}
    for i in range(len(wb) - K + 1):
        grams.setdefault(tuple(w for w, _, _ in wb[i : i + K]), i)
    hits = []
    for i in range(len(wa) - K + 1):
        j = grams.get(tuple(w for w, _, _ in wa[i : i + K]))
        if j is not None:
            hits.append((i, j))
    runs = []
    for i, j in hits:
        if runs and runs[-1][1] == i + K - 1 and runs[-1][3] == j + K - 1:
            runs[-1][1] += 1
            runs[-1][3] += 1
        else:
            runs.append([i, i + K, j, j + K])
    out = []
    covered_a, covered_b = set(), set()
    for i, e, j, f in sorted(runs, key=lambda r: r[0] - r[1]):
        if any(x in covered_a for x in range(i, e)):
            continue
        covered_a.update(range(i, e))
        covered_b.update(range(j, f))
        out.append((e - i, ta[wa[i][1] : wa[e - 1][2]]))
    return out, covered_a, covered_b, wa, wb


def rest(text, w, covered, width):
    parts, cur = [], []
    for k, (_, s, e) in enumerate(w):
        if k in covered:
            if cur:
                parts.append(text[cur[0] : cur[1]])
                cur = []
        else:
            cur = [cur[0] if cur else s, e]
    if cur:
        parts.append(text[cur[0] : cur[1]])
    joined = " / ".join(" ".join(p.split()) for p in parts)
    n = len(w) - len(covered)
    return n, joined[:width]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("docs")
    ap.add_argument("pairs")
    ap.add_argument("--paragraphs")
    ap.add_argument("--width", type=int, default=700)
    args = ap.parse_args()
    docs = {}
    for line in open(args.docs, encoding="utf-8"):
        d = json.loads(line)
        docs[d["id"]] = d
    paras = {}
    if args.paragraphs:
        for line in open(args.paragraphs, encoding="utf-8"):
            d = json.loads(line)
            paras[d["id"]] = d["paragraphs"]
    for k, line in enumerate(l for l in open(args.pairs, encoding="utf-8") if l.strip()):
        p = json.loads(line)
        a, b = docs[p["a"]], docs[p["b"]]
        head = f"## {k}"
        if "relation" in p:
            head += f" tool says: {p['relation']} (coverage {p.get('coverage_a')}/{p.get('coverage_b')})"
        print(head)
        for side, d in (("A", a), ("B", b)):
            print(f"  {side}: {d['id']} | {d.get('outlet')} | {d.get('published')} | {' '.join((d.get('title') or '').split())[:150]}")
        runs, ca, cb, wa, wb = common_runs(a["text"], b["text"])
        print(f"  shared word-for-word ({sum(n for n, _ in runs)} of {len(wa)} / {len(wb)} words):")
        for n, t in runs[:8]:
            print(f"    [{n}w] {' '.join(t.split())[: args.width]}")
        if len(runs) > 8:
            print(f"    … {len(runs) - 8} more runs")
        if paras and p.get("relation") in ("rewrite", "translation") and p["a"] in paras and p["b"] in paras:
            for m in p["paragraphs"][:3]:
                pa, pb = paras[p["a"]][m["a"]]["text"], paras[p["b"]][m["b"]]["text"]
                print(f"  aligned paragraphs {m['a']}~{m['b']}:")
                print(f"    A: {' '.join(pa.split())[: args.width]}")
                print(f"    B: {' '.join(pb.split())[: args.width]}")
        for side, t, w, c in (("A", a["text"], wa, ca), ("B", b["text"], wb, cb)):
            n, r = rest(t, w, c, args.width)
            print(f"  {side} otherwise ({n} words): {r}")
        print()


if __name__ == "__main__":
    main()
