//! The model's weights, read from `weights.npz` (a zip of `.npy` arrays).
//!
//! The 128,010-row embedding table is stored as 17 uint8 chunks `q1..q17` of 7,530 rows,
//! row `r` of the table being row `r / 17` of chunk `r % 17`, with one affine
//! dequantization (`scale`, `lo`) per chunk. The chunks are kept as they are (65 MB of
//! bytes) and rows are dequantized on use, instead of holding a 262 MB `f32` table.
//! Everything else is small `f32` matrices, row-major `(in, out)`, used as `x @ W`.
//!
//! Every array's dtype and shape is checked against the architecture, so a garbled or
//! foreign file is refused at load instead of producing wrong vectors.

use std::io::{Cursor, Read};

use rayon::prelude::*;
use zip::ZipArchive;

use super::error::EncoderError;
use super::npy::{self, Dtype};

/// Quantized chunks of the embedding table.
pub(crate) const CHUNKS: usize = 17;
/// Rows per chunk.
pub(crate) const CHUNK_ROWS: usize = 7530;
/// Rows of the embedding table (ids the model can embed).
pub(crate) const TABLE_ROWS: usize = CHUNKS * CHUNK_ROWS;
/// Width of a token embedding and of the output.
pub(crate) const EMB_DIM: usize = 512;
/// Width of each CNN branch.
pub(crate) const CNN_DIM: usize = 256;
/// `(n-gram order, left context)` of the three CNN branches.
pub(crate) const ORDERS: [(usize, usize); 3] = [(2, 0), (3, 1), (5, 2)];
/// Width of the projected input of the branches.
pub(crate) const PROJ_DIM: usize = ORDERS.len() * CNN_DIM;
/// Width of the per-token features: raw embedding then the three branches.
pub(crate) const FEAT_DIM: usize = EMB_DIM + PROJ_DIM;
/// Width of the dense head's hidden layers.
pub(crate) const HIDDEN: usize = 320;

const FILE: &str = "weights.npz";

/// One CNN branch: two n-gram convolutions, each `(order * 256, 256)` plus bias.
#[derive(Debug)]
pub(crate) struct Branch {
    pub w1: Vec<f32>,
    pub b1: Vec<f32>,
    pub w2: Vec<f32>,
    pub b2: Vec<f32>,
}

/// All weights, dequantization parameters and constants of the network.
#[derive(Debug)]
pub(crate) struct Weights {
    /// `q1..q17`, each `CHUNK_ROWS * EMB_DIM` bytes.
    pub chunks: Vec<Vec<u8>>,
    pub scale: [f32; CHUNKS],
    pub lo: [f32; CHUNKS],
    /// `proj2 | proj3 | proj5` side by side: `(512, 768)`, and its bias.
    pub proj_w: Vec<f32>,
    pub proj_b: Vec<f32>,
    /// Layernorm over the projected 768 columns (one norm over all three branches).
    pub proj_ln_g: Vec<f32>,
    pub proj_ln_b: Vec<f32>,
    pub branches: Vec<Branch>,
    /// Layernorm over the 1280 token features.
    pub ln_g: Vec<f32>,
    pub ln_b: Vec<f32>,
    pub cnn_w: Vec<f32>,
    pub cnn_b: Vec<f32>,
    pub d0: Vec<f32>,
    pub d1: Vec<f32>,
    pub p1: Vec<f32>,
    pub d2: Vec<f32>,
    pub p3: Vec<f32>,
    pub d3: Vec<f32>,
    /// Stored as `f64`; the reference adds it to `f32` arrays as a weak scalar, i.e. as f32.
    pub eps: f32,
}

/// What an entry must be.
struct Spec {
    name: String,
    dtype: Dtype,
    shape: Vec<usize>,
}

fn spec(name: impl Into<String>, dtype: Dtype, shape: &[usize]) -> Spec {
    Spec { name: name.into(), dtype, shape: shape.to_vec() }
}

/// Every array the network uses, in a fixed order (the `bits` entry is not used).
fn specs() -> Vec<Spec> {
    let mut v: Vec<Spec> =
        (1..=CHUNKS).map(|i| spec(format!("q{i}"), Dtype::U8, &[CHUNK_ROWS, EMB_DIM])).collect();
    v.push(spec("scale", Dtype::F32, &[CHUNKS]));
    v.push(spec("lo", Dtype::F32, &[CHUNKS]));
    for (n, _) in ORDERS {
        v.push(spec(format!("proj{n}"), Dtype::F32, &[EMB_DIM, CNN_DIM]));
        for p in ["proj_b", "ln_g", "ln_b", "b1_", "b2_"] {
            v.push(spec(format!("{p}{n}"), Dtype::F32, &[CNN_DIM]));
        }
        v.push(spec(format!("w1_{n}"), Dtype::F32, &[n * CNN_DIM, CNN_DIM]));
        v.push(spec(format!("w2_{n}"), Dtype::F32, &[n * CNN_DIM, CNN_DIM]));
    }
    v.push(spec("ln_g", Dtype::F32, &[FEAT_DIM]));
    v.push(spec("ln_b", Dtype::F32, &[FEAT_DIM]));
    v.push(spec("cnn_W", Dtype::F32, &[FEAT_DIM, EMB_DIM]));
    v.push(spec("cnn_b", Dtype::F32, &[EMB_DIM]));
    v.push(spec("d0", Dtype::F32, &[EMB_DIM, HIDDEN]));
    v.push(spec("d1", Dtype::F32, &[HIDDEN, HIDDEN]));
    v.push(spec("p1", Dtype::F32, &[EMB_DIM, HIDDEN]));
    v.push(spec("d2", Dtype::F32, &[HIDDEN, EMB_DIM]));
    v.push(spec("p3", Dtype::F32, &[HIDDEN, EMB_DIM]));
    v.push(spec("d3", Dtype::F32, &[EMB_DIM, EMB_DIM]));
    v.push(spec("eps", Dtype::F64, &[]));
    v
}

/// A decompressed, checked entry: the `.npy` bytes and where its data starts.
struct Entry {
    bytes: Vec<u8>,
    data_start: usize,
}

fn read_entry(archive: &ZipArchive<Cursor<&[u8]>>, spec: &Spec) -> Result<Entry, EncoderError> {
    let name = &spec.name;
    let bad = |problem: String| EncoderError::format(FILE, format!("{name}.npy: {problem}"));
    let mut archive = archive.clone();
    let mut file = archive.by_name(&format!("{name}.npy")).map_err(|e| match e {
        zip::result::ZipError::FileNotFound => bad("missing".into()),
        e => bad(e.to_string()),
    })?;
    // Refuse sizes the shape cannot explain before allocating (an npy header is < 64 KiB).
    let elems: usize = spec.shape.iter().product();
    let limit = elems * spec.dtype.size() + 65_536;
    if file.size() > limit as u64 {
        return Err(bad(format!("{} bytes is too large for shape {:?}", file.size(), spec.shape)));
    }
    let mut bytes = Vec::with_capacity(file.size() as usize);
    (&mut file).take(limit as u64 + 1).read_to_end(&mut bytes).map_err(|e| bad(e.to_string()))?;
    let array = npy::parse(&bytes).map_err(bad)?;
    if array.dtype != spec.dtype || array.shape != spec.shape {
        return Err(bad(format!(
            "dtype {} shape {:?}, expected dtype {} shape {:?}",
            array.dtype.name(),
            array.shape,
            spec.dtype.name(),
            spec.shape
        )));
    }
    let data_start = bytes.len() - array.data.len();
    Ok(Entry { bytes, data_start })
}

/// The checked entries by name, taken out one by one while assembling [`Weights`].
struct Entries(std::collections::HashMap<String, Entry>);

impl Entries {
    fn take(&mut self, name: &str) -> Result<Entry, EncoderError> {
        self.0
            .remove(name)
            .ok_or_else(|| EncoderError::format(FILE, format!("{name}.npy: missing")))
    }

    fn f32s(&mut self, name: &str) -> Result<Vec<f32>, EncoderError> {
        let e = self.take(name)?;
        Ok(npy::f32s(&e.bytes[e.data_start..]))
    }

    /// `{prefix}2`, `{prefix}3`, `{prefix}5`: one array per CNN branch.
    fn by_order(&mut self, prefix: &str) -> Result<[Vec<f32>; 3], EncoderError> {
        let [a, b, c] = ORDERS.map(|(n, _)| format!("{prefix}{n}"));
        Ok([self.f32s(&a)?, self.f32s(&b)?, self.f32s(&c)?])
    }
}

impl Weights {
    /// Reads and checks every array of a `weights.npz` held in memory. The entries are
    /// decompressed in parallel (the embedding chunks are most of the load time).
    pub(crate) fn from_npz(npz: &[u8]) -> Result<Weights, EncoderError> {
        let archive = ZipArchive::new(Cursor::new(npz))
            .map_err(|e| EncoderError::format(FILE, format!("not a readable zip archive: {e}")))?;
        let specs = specs();
        let entries: Vec<Entry> =
            specs.par_iter().map(|s| read_entry(&archive, s)).collect::<Result<_, _>>()?;
        let mut e = Entries(specs.iter().map(|s| s.name.clone()).zip(entries).collect());

        let mut chunks = Vec::with_capacity(CHUNKS);
        for i in 1..=CHUNKS {
            let mut q = e.take(&format!("q{i}"))?;
            q.bytes.drain(..q.data_start);
            chunks.push(q.bytes);
        }
        let mut scale = [0f32; CHUNKS];
        scale.copy_from_slice(&e.f32s("scale")?);
        let mut lo = [0f32; CHUNKS];
        lo.copy_from_slice(&e.f32s("lo")?);
        let proj = e.by_order("proj")?;
        let rows = |p: &Vec<f32>, r: usize| p[r * CNN_DIM..(r + 1) * CNN_DIM].to_vec();
        let proj_w = (0..EMB_DIM).flat_map(|r| proj.iter().flat_map(move |p| rows(p, r))).collect();
        let branches = ORDERS
            .iter()
            .map(|(n, _)| {
                Ok(Branch {
                    w1: e.f32s(&format!("w1_{n}"))?,
                    b1: e.f32s(&format!("b1_{n}"))?,
                    w2: e.f32s(&format!("w2_{n}"))?,
                    b2: e.f32s(&format!("b2_{n}"))?,
                })
            })
            .collect::<Result<Vec<_>, EncoderError>>()?;
        let eps_entry = e.take("eps")?;
        let eps_bytes: [u8; 8] =
            eps_entry.bytes[eps_entry.data_start..].try_into().unwrap_or([0xFF; 8]);
        let eps = f64::from_le_bytes(eps_bytes);
        if !(eps.is_finite() && eps >= 0.0) {
            return Err(EncoderError::format(
                FILE,
                format!("eps.npy: {eps} is not a valid epsilon"),
            ));
        }
        let w = Weights {
            chunks,
            scale,
            lo,
            proj_w,
            proj_b: e.by_order("proj_b")?.concat(),
            proj_ln_g: e.by_order("ln_g")?.concat(),
            proj_ln_b: e.by_order("ln_b")?.concat(),
            branches,
            ln_g: e.f32s("ln_g")?,
            ln_b: e.f32s("ln_b")?,
            cnn_w: e.f32s("cnn_W")?,
            cnn_b: e.f32s("cnn_b")?,
            d0: e.f32s("d0")?,
            d1: e.f32s("d1")?,
            p1: e.f32s("p1")?,
            d2: e.f32s("d2")?,
            p3: e.f32s("p3")?,
            d3: e.f32s("d3")?,
            eps: eps as f32,
        };
        Ok(w)
    }

    /// Bytes held (for reporting memory use).
    pub(crate) fn heap_bytes(&self) -> usize {
        let f = |v: &Vec<f32>| v.len() * 4;
        self.chunks.iter().map(Vec::len).sum::<usize>()
            + [&self.proj_w, &self.proj_b, &self.proj_ln_g, &self.proj_ln_b, &self.ln_g, &self.ln_b]
                .into_iter()
                .map(f)
                .sum::<usize>()
            + self.branches.iter().map(|b| f(&b.w1) + f(&b.b1) + f(&b.w2) + f(&b.b2)).sum::<usize>()
            + [&self.cnn_w, &self.cnn_b, &self.d0, &self.d1, &self.p1, &self.d2, &self.p3, &self.d3]
                .into_iter()
                .map(f)
                .sum::<usize>()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::encoder::npy::tests::npy;
    use std::io::Write;

    fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            z.start_file(name.as_str(), opts).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap();
        buf.into_inner()
    }

    /// A structurally valid weights archive (zeros, eps 1e-12).
    pub(crate) fn fake_npz(skip: Option<&str>, wrong_shape: Option<&str>) -> Vec<u8> {
        let entries: Vec<(String, Vec<u8>)> = specs()
            .into_iter()
            .filter(|s| Some(s.name.as_str()) != skip)
            .map(|s| {
                let mut shape = s.shape.clone();
                if Some(s.name.as_str()) == wrong_shape {
                    shape[0] += 1;
                }
                let n: usize = shape.iter().product::<usize>() * s.dtype.size();
                let data = if s.dtype == Dtype::F64 {
                    1e-12f64.to_le_bytes().to_vec()
                } else {
                    vec![0; n]
                };
                (format!("{}.npy", s.name), npy(s.dtype.name(), &shape, &data))
            })
            .collect();
        zip_of(&entries)
    }

    #[test]
    fn reads_a_complete_archive() {
        let w = Weights::from_npz(&fake_npz(None, None)).unwrap();
        assert_eq!(w.chunks.len(), CHUNKS);
        assert_eq!(w.chunks[16].len(), CHUNK_ROWS * EMB_DIM);
        assert_eq!(w.proj_w.len(), EMB_DIM * PROJ_DIM);
        assert_eq!(w.branches[2].w1.len(), 5 * CNN_DIM * CNN_DIM);
        assert_eq!(w.eps, 1e-12f32);
        assert!(w.heap_bytes() > TABLE_ROWS * EMB_DIM);
    }

    #[test]
    fn missing_and_misshapen_entries_are_named() {
        let e = Weights::from_npz(&fake_npz(Some("d3"), None)).unwrap_err().to_string();
        assert!(e.contains("d3.npy: missing"), "{e}");
        let e = Weights::from_npz(&fake_npz(None, Some("w1_3"))).unwrap_err().to_string();
        assert!(e.contains("w1_3.npy") && e.contains("expected"), "{e}");
        let e = Weights::from_npz(b"PK\x03\x04 garbage").unwrap_err().to_string();
        assert!(e.contains("weights.npz"), "{e}");
    }

    #[test]
    fn garbled_compressed_data_is_an_error() {
        let mut z = fake_npz(None, None);
        // Flip bytes in the middle of the archive (inside some deflate stream).
        let mid = z.len() / 2;
        for b in &mut z[mid..mid + 16] {
            *b ^= 0x5A;
        }
        assert!(Weights::from_npz(&z).is_err());
    }
}
