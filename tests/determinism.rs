//! Same input, same bytes out: the CLI's output does not depend on the thread count, on the
//! order of the input files, on the order of lines within them, or on the run.

use std::path::{Path, PathBuf};

use crate::util::*;

/// The sample (same-language reuse) and the bilingual corpus (the translation stage).
fn corpus_files() -> [PathBuf; 2] {
    [sample(), bilingual()]
}

/// Runs `wirematch --threads N match ARGS INPUTS` and returns stdout (exit code 0).
fn run(threads: usize, args: &[&str], inputs: &[&Path]) -> Vec<u8> {
    wm().arg("--threads")
        .arg(threads.to_string())
        .args(["match", "-q"])
        .args(args)
        .args(inputs)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

/// A fixed pseudo-random permutation of `0..n` (splitmix64-driven Fisher–Yates).
fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        p.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    p
}

/// Where two outputs first differ, for a readable failure.
#[track_caller]
fn same(want: &[u8], got: &[u8], what: &str) {
    if want != got {
        let (w, g) = (String::from_utf8_lossy(want), String::from_utf8_lossy(got));
        let line = w.lines().zip(g.lines()).position(|(a, b)| a != b);
        panic!(
            "{what}: output differs ({} vs {} bytes), first at line {line:?}:\n  want {:?}\n  got  {:?}",
            want.len(),
            got.len(),
            line.and_then(|i| w.lines().nth(i)),
            line.and_then(|i| g.lines().nth(i)),
        );
    }
}

#[test]
fn match_output_is_byte_identical_across_threads_input_order_and_runs() {
    let [s, b] = corpus_files();
    let c = TestCorpus::new();
    // The same records shuffled: every line of both files in a fixed random order, cut
    // into two files of uneven size.
    let all: Vec<String> = [&s, &b]
        .iter()
        .flat_map(|p| {
            std::fs::read_to_string(p).unwrap().lines().map(String::from).collect::<Vec<_>>()
        })
        .filter(|l| !l.trim().is_empty())
        .collect();
    let perm = permutation(all.len(), 20240507);
    assert_ne!(perm, (0..all.len()).collect::<Vec<_>>());
    let shuffled: Vec<&str> = perm.iter().map(|&i| all[i].as_str()).collect();
    let cut = shuffled.len() / 3;
    let x = c.write("x.jsonl", shuffled[..cut].join("\n") + "\n");
    let y = c.write("y.jsonl", shuffled[cut..].join("\n") + "\n");

    // Pairs: every variation.
    let args = &["--format", "jsonl"][..];
    let want = run(1, args, &[&s, &b]);
    assert!(lines(&want).len() > 400);
    for threads in [2, 8] {
        same(&want, &run(threads, args, &[&s, &b]), &format!("--threads {threads}"));
    }
    same(&want, &run(2, args, &[&b, &s]), "files swapped");
    same(&want, &run(8, args, &[&x, &y]), "lines shuffled");
    same(&want, &run(1, args, &[&y, &x]), "lines shuffled, files swapped");
    // The other reports and formats: one thread in order against 8 threads shuffled.
    for args in [
        &["--format", "csv"][..],
        &["--report", "stories", "--format", "jsonl"],
        &["--report", "outlets", "--format", "jsonl"],
    ] {
        let want = run(1, args, &[&s, &b]);
        assert!(want.len() > 1_000, "{args:?}: {} bytes", want.len());
        same(&want, &run(8, args, &[&y, &x]), &format!("{args:?}, shuffled, 8 threads"));
    }
    // Repeated runs at the most parallel setting.
    let first = run(8, &["--format", "jsonl"], &[&s, &b]);
    for i in 0..3 {
        same(&first, &run(8, &["--format", "jsonl"], &[&s, &b]), &format!("repeat {i}"));
    }
    // The pairs include translations, so the multilingual stage is covered too.
    assert!(lines(&first).iter().any(|p| p["relation"] == "translation"));
}

#[test]
fn compressed_and_plain_inputs_give_the_same_bytes() {
    // The streaming reader (gzip) and the memory-mapped one must not change what is found,
    // nor the order of the report, at any thread count.
    use std::io::Write;
    let [s, b] = corpus_files();
    let c = TestCorpus::new();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&std::fs::read(&s).unwrap()).unwrap();
    let sgz = c.write("sample.jsonl.gz", gz.finish().unwrap());
    let want = run(1, &["--format", "jsonl"], &[&s, &b]);
    same(&want, &run(8, &["--format", "jsonl"], &[&sgz, &b]), "gzip, 8 threads");
}
