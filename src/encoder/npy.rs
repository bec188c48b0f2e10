//! Reader for the `.npy` arrays inside `weights.npz`.
//!
//! Only what the model needs: little-endian `f4`, `f8`, and one-byte `u1`/`i1` arrays in C
//! order. The header is a Python dict literal; it is parsed strictly (unknown dtype,
//! Fortran order, inconsistent size are errors) because a silently misread weight matrix
//! would produce plausible but wrong embeddings.

/// The element types found in the model's arrays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dtype {
    /// `<f4`
    F32,
    /// `<f8`
    F64,
    /// `|u1`
    U8,
    /// `|i1`
    I8,
}

impl Dtype {
    fn parse(descr: &str) -> Result<Self, String> {
        Ok(match descr {
            "<f4" => Dtype::F32,
            "<f8" => Dtype::F64,
            "|u1" | "<u1" | "=u1" | "u1" => Dtype::U8,
            "|i1" | "<i1" | "=i1" | "i1" => Dtype::I8,
            other => return Err(format!("unsupported dtype {other:?}")),
        })
    }

    pub(crate) fn size(self) -> usize {
        match self {
            Dtype::F32 => 4,
            Dtype::F64 => 8,
            Dtype::U8 | Dtype::I8 => 1,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Dtype::F32 => "<f4",
            Dtype::F64 => "<f8",
            Dtype::U8 => "|u1",
            Dtype::I8 => "|i1",
        }
    }
}

/// A parsed array: its type, shape, and raw little-endian data.
#[derive(Debug)]
pub(crate) struct Array<'a> {
    pub dtype: Dtype,
    pub shape: Vec<usize>,
    pub data: &'a [u8],
}

/// Parses a whole `.npy` file.
pub(crate) fn parse(file: &[u8]) -> Result<Array<'_>, String> {
    let Some(rest) = file.strip_prefix(b"\x93NUMPY") else {
        return Err("not a .npy file (bad magic)".into());
    };
    let (major, rest) = match rest {
        [major, _minor, rest @ ..] => (*major, rest),
        _ => return Err("truncated .npy preamble".into()),
    };
    let (header_len, rest) = match (major, rest) {
        (1, [a, b, rest @ ..]) => (usize::from(u16::from_le_bytes([*a, *b])), rest),
        (2 | 3, [a, b, c, d, rest @ ..]) => (u32::from_le_bytes([*a, *b, *c, *d]) as usize, rest),
        (1..=3, _) => return Err("truncated .npy preamble".into()),
        (v, _) => return Err(format!("unsupported .npy version {v}")),
    };
    if header_len > rest.len() {
        return Err(format!("header of {header_len} bytes runs past the end"));
    }
    let (header, data) = rest.split_at(header_len);
    let header = std::str::from_utf8(header).map_err(|_| "header is not UTF-8".to_string())?;
    let (dtype, fortran, shape) = parse_header(header)?;
    if fortran {
        return Err("Fortran-order arrays are not supported".into());
    }
    let expected = shape
        .iter()
        .try_fold(dtype.size(), |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| format!("shape {shape:?} overflows"))?;
    if data.len() != expected {
        return Err(format!(
            "{} data bytes for dtype {} and shape {shape:?} (expected {expected})",
            data.len(),
            dtype.name()
        ));
    }
    Ok(Array { dtype, shape, data })
}

/// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` (any key order,
/// either quote style, trailing commas, padding).
fn parse_header(h: &str) -> Result<(Dtype, bool, Vec<usize>), String> {
    let mut p = Lexer { s: h.as_bytes(), pos: 0 };
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    p.expect(b'{')?;
    loop {
        p.skip_ws();
        if p.eat(b'}') {
            break;
        }
        let key = p.string()?;
        p.skip_ws();
        p.expect(b':')?;
        p.skip_ws();
        match key.as_str() {
            "descr" => descr = Some(Dtype::parse(&p.string()?)?),
            "fortran_order" => fortran = Some(p.boolean()?),
            "shape" => shape = Some(p.tuple()?),
            other => return Err(format!("unexpected header key {other:?}")),
        }
        p.skip_ws();
        if !p.eat(b',') {
            p.skip_ws();
            p.expect(b'}')?;
            break;
        }
    }
    if !p.s[p.pos..].iter().all(u8::is_ascii_whitespace) {
        return Err("trailing bytes after the header dict".into());
    }
    match (descr, fortran, shape) {
        (Some(d), Some(f), Some(s)) => Ok((d, f, s)),
        _ => Err("header lacks descr, fortran_order or shape".into()),
    }
}

struct Lexer<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Lexer<'_> {
    fn skip_ws(&mut self) {
        while self.s.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.s.get(self.pos) == Some(&b);
        self.pos += usize::from(hit);
        hit
    }

    fn expect(&mut self, b: u8) -> Result<(), String> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(format!("malformed header: expected {:?} at byte {}", char::from(b), self.pos))
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let quote = match self.s.get(self.pos) {
            Some(&q @ (b'\'' | b'"')) => q,
            _ => return Err(format!("malformed header: expected a string at byte {}", self.pos)),
        };
        let start = self.pos + 1;
        let len = self.s[start..]
            .iter()
            .position(|&b| b == quote)
            .ok_or_else(|| "malformed header: unterminated string".to_string())?;
        self.pos = start + len + 1;
        Ok(String::from_utf8_lossy(&self.s[start..start + len]).into_owned())
    }

    fn boolean(&mut self) -> Result<bool, String> {
        for (word, v) in [(&b"True"[..], true), (&b"False"[..], false)] {
            if self.s[self.pos..].starts_with(word) {
                self.pos += word.len();
                return Ok(v);
            }
        }
        Err(format!("malformed header: expected True or False at byte {}", self.pos))
    }

    fn tuple(&mut self) -> Result<Vec<usize>, String> {
        self.expect(b'(')?;
        let mut dims = Vec::new();
        loop {
            self.skip_ws();
            if self.eat(b')') {
                return Ok(dims);
            }
            let start = self.pos;
            while self.s.get(self.pos).is_some_and(u8::is_ascii_digit) {
                self.pos += 1;
            }
            let digits = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or_default();
            let d = digits
                .parse::<usize>()
                .map_err(|_| format!("malformed header: bad dimension at byte {start}"))?;
            dims.push(d);
            self.skip_ws();
            if !self.eat(b',') {
                self.skip_ws();
                self.expect(b')')?;
                return Ok(dims);
            }
        }
    }
}

/// Little-endian `f32` values of `data` (length a multiple of 4, checked by [`parse`]).
pub(crate) fn f32s(data: &[u8]) -> Vec<f32> {
    data.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A version-1 `.npy` file as numpy writes it (header padded to 64 bytes).
    pub(crate) fn npy(descr: &str, shape: &[usize], data: &[u8]) -> Vec<u8> {
        let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        let shape = match dims.len() {
            1 => format!("({},)", dims[0]),
            _ => format!("({})", dims.join(", ")),
        };
        let mut h = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
        while (10 + h.len() + 1) % 64 != 0 {
            h.push(' ');
        }
        h.push('\n');
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend_from_slice(&(h.len() as u16).to_le_bytes());
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn parses_numpy_headers() {
        let data: Vec<u8> =
            [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        let f = npy("<f4", &[2, 3], &data);
        let a = parse(&f).unwrap();
        assert_eq!((a.dtype, a.shape.clone()), (Dtype::F32, vec![2, 3]));
        assert_eq!(f32s(a.data), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);

        let f = npy("<f8", &[], &1e-12f64.to_le_bytes());
        let a = parse(&f).unwrap();
        assert_eq!((a.dtype, a.shape.len()), (Dtype::F64, 0));
        let f = npy("|u1", &[4], &[1, 2, 3, 4]);
        let a = parse(&f).unwrap();
        assert_eq!((a.dtype, a.shape.clone(), a.data), (Dtype::U8, vec![4], &[1u8, 2, 3, 4][..]));
        let f = npy("|i1", &[1], &[8]);
        assert_eq!(parse(&f).unwrap().dtype, Dtype::I8);
    }

    #[test]
    fn header_variants() {
        let (d, f, s) = parse_header(
            "{\"shape\": ( 2 , 3 ), \"fortran_order\": False, \"descr\": \"<f4\"}  \n",
        )
        .unwrap();
        assert_eq!((d, f, s), (Dtype::F32, false, vec![2, 3]));
        assert!(parse_header("{'descr':'<f4','fortran_order':True,'shape':()}").unwrap().1);
    }

    #[test]
    fn garbled_arrays_are_errors() {
        let good = npy("<f4", &[2], &[0; 8]);
        assert!(parse(&good).is_ok());
        for cut in 0..good.len() {
            assert!(parse(&good[..cut]).is_err(), "truncated at {cut}");
        }
        assert!(parse(&npy(">f4", &[2], &[0; 8])).is_err()); // big-endian
        assert!(parse(&npy("<f4", &[3], &[0; 8])).is_err()); // size mismatch
        assert!(parse(&npy("<i8", &[1], &[0; 8])).is_err()); // unsupported dtype
        let mut fortran = npy("<f4", &[2], &[0; 8]);
        let at = fortran.windows(5).position(|w| w == b"False").unwrap();
        fortran[at..at + 5].copy_from_slice(b"True ");
        assert!(parse(&fortran).is_err());
        assert!(parse_header("{'descr': '<f4', 'shape': (2,)}").is_err()); // missing key
        assert!(parse_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,-1)}").is_err());
        assert!(parse_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,) x").is_err());
        assert!(parse_header("{'descr': '<f4', 'fortran_order': Fals").is_err());
        assert!(parse_header("{'descr: '<f4'}").is_err());
        let huge = format!(
            "{{'descr': '<f4', 'fortran_order': False, 'shape': ({}, {}), }}",
            usize::MAX,
            2
        );
        let (d, _, s) = parse_header(&huge).unwrap();
        assert!(s.iter().try_fold(d.size(), |a, &x| a.checked_mul(x)).is_none());
        let mut bad_magic = good.clone();
        bad_magic[1] = b'X';
        assert!(parse(&bad_magic).is_err());
        let mut v9 = good;
        v9[6] = 9;
        assert!(parse(&v9).is_err());
    }
}
