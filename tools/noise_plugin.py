"""Extra noise for make_syndication.py (--plugin): a robustness check for wirematch.

The labelled development set has clean structure: blank-line paragraphs, ASCII quotes,
boilerplate from a fixed list. Real crawls do not, and held-out evaluation sets add noise we
do not see. This plugin adds independent, plausible noise so that defaults can be checked
for robustness instead of being fitted to the clean set:

  * paragraph separators per outlet: blank lines, single newlines, CRLF, blank lines with
    stray spaces, or everything on one line;
  * HTML remnants: entities (&amp; &#8217; &nbsp;), <p>/<br> tags;
  * typography: curly quotes, em dashes, NBSP / narrow NBSP inside numbers;
  * number formats: 1,000 <-> 1000, "pct" -> "%";
  * typos at a per-outlet rate (substitution, deletion, transposition);
  * an ALL-CAPS lede at some outlets;
  * boilerplate the rules were not written for ("Follow us on X", "Updated: 10:32 AM",
    "Listen to this article", photo credits, "Originally published on ...", cookie notices);
  * paragraph splits at sentence ends and merges of neighbours.

Provenance (Para.prov) and boilerplate flags are preserved, so labels stay exact.
"""
import re

EXTRA_BOILER = [
    "Follow us on Twitter @{handle} and Facebook for the latest updates.",
    "Updated: {h}:{m:02d} AM ET",
    "Listen to this article · {n} min",
    "Photo: {name}/AP",
    "This article was originally published on {o}.",
    "We use cookies to improve your experience. By continuing you accept our cookie policy.",
    "Click here to get the {o} app.",
    "Report an error",
    "Loading...",
    "Image copyright Getty Images",
]
NAMES = ["John Smith", "Ana Ruiz", "Lee Wong", "Omar Haddad", "Eva Novak"]


def outlet_style(rng, o):
    return {
        "sep": rng.choices(["\n\n", "\n", "\r\n\r\n", "\n \n", " "], weights=[55, 25, 8, 8, 4])[0],
        "typo_rate": rng.choice([0.0, 0.0, 0.003, 0.01, 0.02]),
        "html": rng.random() < 0.2,
        "curly": rng.random() < 0.5,
        "numfmt": rng.random() < 0.3,
        "caps_lede": rng.random() < 0.1,
        "extra_boiler": rng.sample(EXTRA_BOILER, rng.randint(0, 3)),
        "resegment": rng.random() < 0.3,
        "handle": re.sub(r"\W", "", o["name"])[:12],
    }


def typo(rng, word):
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.random()
    if op < 0.4:
        return word[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[i + 1:]
    if op < 0.7:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def noisy_text(rng, o, text):
    rate = o.get("typo_rate", 0.0)
    if rate:
        text = " ".join(typo(rng, w) if rng.random() < rate else w for w in text.split(" "))
    if o.get("numfmt"):
        text = re.sub(r"\b(\d{1,3}),(\d{3})\b", r"\1\2", text)
        text = re.sub(r"\bpct\b", "%", text)
    if o.get("curly"):
        text = re.sub(r'"(\w)', "\u201c\\1", text)
        text = text.replace('"', "\u201d").replace("'", "\u2019").replace(" - ", " \u2014 ")
        text = re.sub(r"(\d) (\d{3})\b", "\\1\u202f\\2", text)
    if o.get("html"):
        text = text.replace("&", "&amp;").replace("\u2019", "&#8217;")
    return text


def apply(rng, o, story, kind, paras):
    Para = type(paras[0]) if paras else None
    if Para is None:
        return paras, "\n\n"
    out = []
    for p in paras:
        text = p.text if p.boiler else noisy_text(rng, o, p.text)
        out.append(Para(text, p.prov, p.boiler, p.local))
    if o.get("resegment") and len(out) > 3:
        body = [i for i, p in enumerate(out) if not p.boiler]
        if len(body) > 2 and rng.random() < 0.5:
            i = rng.choice(body[:-1])
            if i + 1 < len(out) and not out[i + 1].boiler:
                a, b = out[i], out[i + 1]
                out[i:i + 2] = [Para(a.text + " " + b.text, a.prov | b.prov, False, a.local and b.local)]
        else:
            i = rng.choice(body)
            parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\u201c\"])", out[i].text)
            if len(parts) > 1:
                k = rng.randrange(1, len(parts))
                p = out[i]
                out[i:i + 1] = [Para(" ".join(parts[:k]), p.prov, False, p.local), Para(" ".join(parts[k:]), p.prov, False, p.local)]
    if o.get("caps_lede") and out and not out[0].boiler:
        out[0] = Para(out[0].text.upper(), out[0].prov, False, out[0].local)
    for b in o.get("extra_boiler", []):
        text = b.format(handle=o.get("handle", "news"), h=rng.randint(1, 12), m=rng.randint(0, 59),
                        n=rng.randint(2, 9), name=rng.choice(NAMES), o=o["name"])
        at = rng.choice([0, len(out)]) if rng.random() < 0.7 else rng.randrange(len(out) + 1)
        out.insert(at, Para(text, frozenset(), True, False))
    if o.get("html"):
        out = [Para("<p>" + p.text + "</p>", p.prov, p.boiler, p.local) for p in out]
    return out, o.get("sep", "\n\n")
