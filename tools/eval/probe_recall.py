#!/usr/bin/env python3
"""Recall of wire reprints on a real crawl, from the shared kit's recall probes.

    tools/eval/probe_recall.py PAIRS.jsonl [--docs DOCS.jsonl] [--probes PROBES.txt] [--judged FILE ...]

A probe is an article carrying a wire or press-release credit and a 12-word passage of its
body (`key='…'` in the probes file). Every other article of the crawl whose text holds that
passage is another printing of the same copy; the probe asks whether `wirematch match`
(PAIRS, its JSONL output) paired the probe article with each of them under a reuse relation
(copy, partial, rewrite, translation).

Texts are compared squashed (lower case, letters and digits only), so punctuation and
spacing do not hide a printing. Some passages are not a story's: a widget line or a
distributor's notice printed by many outlets. Where the judged files (the same as
score_real.py's) judge a probe pair, that judgement is shown and the recall of wire copy
counts only the pairs not judged boilerplate, listing, shared quote or unrelated. Two
probes that print the same copy find each other: each pair is counted once.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score_real import DEFAULT, REUSE, key, load_judged  # noqa: E402

KIT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                   "corpora", "real-news", "signal-sample")
PROBE = re.compile(r"^(\S+) .*?key='([^']*)'")
NOT_ALNUM = re.compile(r"[\W_]+")


def squash(text):
    return NOT_ALNUM.sub("", text.lower())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pairs")
    ap.add_argument("--docs", default=os.path.join(KIT, "docs.jsonl"))
    ap.add_argument("--probes", default=os.path.join(KIT, "recall_probes.txt"))
    ap.add_argument("--judged", action="append")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args()
    probes = []
    for n, line in enumerate(open(args.probes, encoding="utf-8"), 1):
        m = PROBE.match(line)
        if m:
            probes.append((m.group(1), squash(m.group(2))))
        elif line.strip() and not line.startswith("articles "):
            sys.exit(f"{args.probes}:{n}: not a probe line")
    if not probes:
        sys.exit(f"{args.probes}: no probes")
    docs = {}
    for line in open(args.docs, encoding="utf-8"):
        d = json.loads(line)
        docs[d["id"]] = (d.get("outlet", ""), squash(d.get("title", "") + " " + d.get("text", "")))
    reported = {}
    for line in open(args.pairs, encoding="utf-8"):
        if line.strip():
            p = json.loads(line)
            reported[key(p["a"], p["b"])] = p["relation"]
    judged = load_judged(args.judged or DEFAULT)
    # Two probes printing the same copy find each other: a pair is counted once.
    printings = 0
    pairs = {}
    for probe, passage in probes:
        if probe not in docs:
            sys.exit(f"{args.probes}: probe {probe} is not in {args.docs}")
        for other, (outlet, text) in docs.items():
            if other == probe or passage not in text:
                continue
            printings += 1
            pairs.setdefault(key(probe, other), (probe, other, outlet))
    paired = wire = wire_paired = 0
    missed = []
    for k, (probe, other, outlet) in sorted(pairs.items()):
        found = reported.get(k) in REUSE
        j = judged.get(k, "unjudged")
        paired += found
        if j in ("wire_copy", "unjudged"):
            wire += 1
            wire_paired += found
        if not found:
            missed.append((probe, other, outlet, j, reported.get(k, "-")))
    ratio = lambda a, b: a / b if b else None  # noqa: E731
    fig = {
        "probes": len(probes),
        "printings": printings,
        "pairs": len(pairs),
        "paired": paired,
        "recall": ratio(paired, len(pairs)),
        "wire_pairs": wire,
        "wire_paired": wire_paired,
        "wire_recall": ratio(wire_paired, wire),
    }
    show = lambda x: "-" if x is None else f"{x:.3f}"  # noqa: E731
    print(f"probes {len(probes)}: other printings {printings}, distinct pairs {len(pairs)}, "
          f"paired {paired} (recall {show(fig['recall'])})")
    print(f"pairs not judged other than wire copy: {wire}, paired {wire_paired} "
          f"(recall {show(fig['wire_recall'])})")
    for probe, other, outlet, j, rel in missed:
        print(f"  not paired: {probe[:8]}~{other[:8]} {outlet!r} judged {j}, reported {rel}")
    if args.json:
        print(json.dumps(fig))


if __name__ == "__main__":
    main()
