#!/usr/bin/env python3
"""Precision and recall of wirematch pairs on a real crawl, from pairs judged by reading.

    tools/eval/score_real.py PAIRS.jsonl [--judged FILE ...] [--show-unjudged N]

PAIRS is `wirematch match` JSONL output. Judged files hold {"a","b","judgement"} with
judgement one of wire_copy, shared_quote, boilerplate, listing, unrelated (the shared
kit's judgements.jsonl uses longer labels; they are mapped). Default judged files: this
folder's real-news/signal-sample.judged.jsonl and, when the shared kit is beside the
repository, ../shared/corpora/real-news/signal-sample/judgements.jsonl.

Precision: of the reported pairs that are judged, the share judged wire_copy (overall and
per relation). A pair reported as `quote` or `listing` (with --quotes/--listings) is right
when judged so. Unjudged reported pairs are counted and can be listed for judging
(tools/eval/judge_view.py). Recall: of the pairs judged wire_copy, the share reported with
a reuse relation (copy, partial, rewrite, translation).
"""
import argparse
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = [
    os.path.join(HERE, "real-news", "signal-sample.judged.jsonl"),
    os.path.join(HERE, "..", "..", "..", "shared", "corpora", "real-news", "signal-sample", "judgements.jsonl"),
]
LONG = {
    "real shared copy": "wire_copy",
    "wire": "wire_copy",
    "boilerplate/template": "boilerplate",
    "template": "boilerplate",
    "shared quote": "shared_quote",
}
REUSE = {"copy", "partial", "rewrite", "translation"}
CATEGORIES = {"wire_copy", "shared_quote", "boilerplate", "listing", "unrelated"}


def key(a, b):
    return (a, b) if a <= b else (b, a)


def load_judged(paths):
    judged = {}
    for path in paths:
        if not os.path.exists(path):
            continue
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            if not line.strip():
                continue
            j = json.loads(line)
            label = LONG.get(j["judgement"], j["judgement"])
            if label not in CATEGORIES:
                sys.exit(f"{path}:{n}: unknown judgement {j['judgement']!r}")
            judged.setdefault(key(j["a"], j["b"]), label)
    return judged


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pairs")
    ap.add_argument("--judged", action="append")
    ap.add_argument("--show-unjudged", type=int, default=0, metavar="N")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args()
    judged = load_judged(args.judged or DEFAULT)
    pairs = [json.loads(l) for l in open(args.pairs, encoding="utf-8") if l.strip()]
    by_rel = collections.defaultdict(lambda: collections.Counter())
    unjudged = []
    reported = {}
    for p in pairs:
        k = key(p["a"], p["b"])
        reported[k] = p["relation"]
        j = judged.get(k)
        if j is None:
            unjudged.append(p)
            by_rel[p["relation"]]["unjudged"] += 1
            continue
        by_rel[p["relation"]][j] += 1
    fig = {"pairs": len(pairs), "judged": len(pairs) - len(unjudged), "by_relation": {}}
    print(f"{len(pairs)} pairs reported, {len(pairs) - len(unjudged)} judged")
    tot_ok = tot = 0
    for rel in sorted(by_rel):
        c = by_rel[rel]
        n = sum(v for k2, v in c.items() if k2 != "unjudged")
        right = c["wire_copy"] if rel in REUSE else c.get({"quote": "shared_quote"}.get(rel, rel), 0)
        tot_ok += right
        tot += n
        prec = right / n if n else float("nan")
        fig["by_relation"][rel] = {"judged": n, "right": right, "precision": prec, "unjudged": c["unjudged"]}
        detail = ", ".join(f"{k2} {v}" for k2, v in sorted(c.items()))
        print(f"  {rel:<12} precision {prec:.3f} ({right}/{n})   [{detail}]")
    fig["precision"] = tot_ok / tot if tot else float("nan")
    print(f"  {'all':<12} precision {fig['precision']:.3f} ({tot_ok}/{tot})")
    wire = [k for k, j in judged.items() if j == "wire_copy"]
    found = [k for k in wire if reported.get(k) in REUSE]
    fig["recall"] = len(found) / len(wire) if wire else float("nan")
    print(f"recall of judged wire copy: {fig['recall']:.3f} ({len(found)}/{len(wire)})")
    missed = [k for k in wire if reported.get(k) not in REUSE]
    if missed:
        print("  missed: " + " ".join(f"{a[:8]}~{b[:8]}" for a, b in missed[:40]))
    if args.show_unjudged:
        with open(sys.stdout.fileno(), "w", closefd=False) as out:
            for p in unjudged[: args.show_unjudged]:
                out.write(json.dumps(p) + "\n")
    if args.json:
        print(json.dumps(fig))


if __name__ == "__main__":
    main()
