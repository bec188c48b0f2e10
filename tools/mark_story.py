#!/usr/bin/env python3
"""Relabel generated pairs that share too little text as `story` (neutral for the scorer).

make_syndication.py labels every pair of documents of one story that share a wire
paragraph. The published development sets then mark as `story` the pairs that share fewer
than about 14 consecutive words; this script does the same with the scorer's own shingles
(fewer than 10 shared 5-word shingles of lower-cased \\w+ tokens).

usage: mark_story.py DIR   (rewrites DIR/labels.jsonl in place, keeps DIR/labels.orig.jsonl)
"""
import json, os, re, sys

TOKEN = re.compile(r"\w+")


def shingles(t):
    w = TOKEN.findall(t.lower())
    return {" ".join(w[i:i + 5]) for i in range(len(w) - 4)}


d = sys.argv[1]
texts = {j["id"]: j["text"] for j in map(json.loads, open(os.path.join(d, "docs.jsonl")))}
sh = {}
orig = os.path.join(d, "labels.orig.jsonl")
if not os.path.exists(orig):
    os.rename(os.path.join(d, "labels.jsonl"), orig)
n = 0
with open(os.path.join(d, "labels.jsonl"), "w") as out:
    for line in open(orig):
        l = json.loads(line)
        for x in (l["a"], l["b"]):
            if x not in sh:
                sh[x] = shingles(texts[x])
        if len(sh[l["a"]] & sh[l["b"]]) < 10:
            l["relation"] = "story"
            n += 1
        out.write(json.dumps(l) + "\n")
print(f"{n} pairs marked story", file=sys.stderr)
