#!/usr/bin/env python3
"""Show article pairs with the text they share, for judging them by reading.

    wirematch paragraphs --format jsonl CORPUS > paras.jsonl
    wirematch match CORPUS -o pairs.jsonl
    tools/eval/show_pairs.py paras.jsonl pairs.jsonl [--sample N --seed S] [--relation R]
                             [--unjudged JUDGED.jsonl] [--width CHARS]

For each pair: relation, outlets, dates, titles, coverage, then each aligned paragraph of
a above its partner in b. Texts come from the corpus at run time; nothing is stored.
"""
import argparse
import json
import random
import sys


def load_paragraphs(path):
    docs = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs[d["id"]] = d
    return docs


def clip(text, width):
    text = " ".join(text.split())
    return text if width <= 0 or len(text) <= width else text[: width - 1] + "…"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paragraphs")
    ap.add_argument("pairs")
    ap.add_argument("--sample", type=int, default=0, help="show N pairs drawn at random")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--relation", action="append", help="only these relations")
    ap.add_argument("--unjudged", help="skip pairs judged in this JSONL file")
    ap.add_argument("--width", type=int, default=600)
    ap.add_argument("--context", action="store_true", help="also print the unaligned paragraphs")
    args = ap.parse_args()

    docs = load_paragraphs(args.paragraphs)
    pairs = [json.loads(l) for l in open(args.pairs, encoding="utf-8") if l.strip()]
    if args.relation:
        pairs = [p for p in pairs if p["relation"] in args.relation]
    if args.unjudged:
        judged = set()
        for l in open(args.unjudged, encoding="utf-8"):
            if l.strip():
                j = json.loads(l)
                judged.add(tuple(sorted((j["a"], j["b"]))))
        pairs = [p for p in pairs if tuple(sorted((p["a"], p["b"]))) not in judged]
    if args.sample:
        random.Random(args.seed).shuffle(pairs)
        pairs = pairs[: args.sample]
    out = sys.stdout
    for k, p in enumerate(pairs):
        a, b = docs.get(p["a"]), docs.get(p["b"])
        if a is None or b is None:
            print(f"## {k}: {p['a']} / {p['b']}: not in the paragraphs file", file=out)
            continue
        print(f"## {k} {p['relation']} sim={p['similarity']} cov={p['coverage_a']}/{p['coverage_b']} shared={p['shared']}", file=out)
        for side, d in (("a", a), ("b", b)):
            print(f"  {side}: {d['id']} | {d.get('outlet')} | {d.get('published')} | {clip(d.get('title') or '', 120)}", file=out)
        shown_a, shown_b = set(), set()
        for m in p["paragraphs"]:
            pa, pb = a["paragraphs"][m["a"]], b["paragraphs"][m["b"]]
            print(f"  [{m['a']}~{m['b']} j={m['similarity']}]", file=out)
            if m["a"] not in shown_a:
                print(f"    a: {clip(pa['text'], args.width)}", file=out)
            if m["b"] not in shown_b:
                print(f"    b: {clip(pb['text'], args.width)}", file=out)
            shown_a.add(m["a"])
            shown_b.add(m["b"])
        if args.context:
            for side, d, shown in (("a", a, shown_a), ("b", b, shown_b)):
                rest = [q for q in d["paragraphs"] if q["index"] not in shown and q["kind"] == "body"]
                words = sum(q["words"] for q in rest)
                print(f"  {side} other body ({words} words): {clip(' / '.join(q['text'] for q in rest), args.width)}", file=out)
        print(file=out)


if __name__ == "__main__":
    main()
