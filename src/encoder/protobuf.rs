//! A minimal, bounds-checked protocol-buffer reader, just enough for a SentencePiece model.
//!
//! The reference reads the model with an ad-hoc parser that indexes past the end of a
//! truncated file. Here every varint and every length is checked against the buffer, so a
//! corrupt model yields an error string instead of a panic. Tags are read as full varints;
//! on the bundled model (whose parsed messages only use field numbers below 16) this gives
//! exactly the fields the reference sees.

/// One field of a message, borrowing from the message buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1 (little-endian bytes).
    Fixed64([u8; 8]),
    /// Wire type 2: strings, bytes and sub-messages.
    Bytes(&'a [u8]),
    /// Wire type 5 (little-endian bytes).
    Fixed32([u8; 4]),
}

/// Iterates over the `(field number, value)` pairs of one message.
pub(crate) struct Fields<'a> {
    data: &'a [u8],
    pos: usize,
    failed: bool,
}

/// Reads the fields of the message encoded in `data`.
pub(crate) fn fields(data: &[u8]) -> Fields<'_> {
    Fields { data, pos: 0, failed: false }
}

impl<'a> Fields<'a> {
    fn varint(&mut self) -> Result<u64, String> {
        let mut result = 0u64;
        for shift in (0..70).step_by(7) {
            let Some(&b) = self.data.get(self.pos) else {
                return Err(format!("truncated varint at byte {}", self.pos));
            };
            self.pos += 1;
            if shift == 63 && b > 1 {
                return Err(format!("varint overflows 64 bits at byte {}", self.pos - 1));
            }
            result |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Ok(result);
            }
        }
        Err(format!("varint longer than 10 bytes at byte {}", self.pos))
    }

    fn take(&mut self, len: u64) -> Result<&'a [u8], String> {
        let start = self.pos;
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| start.checked_add(l))
            .filter(|&e| e <= self.data.len())
            .ok_or_else(|| {
                format!(
                    "field of {len} bytes at byte {start} runs past the end ({} bytes)",
                    self.data.len()
                )
            })?;
        self.pos = end;
        Ok(&self.data[start..end])
    }

    fn next_field(&mut self) -> Result<(u32, Value<'a>), String> {
        let at = self.pos;
        let tag = self.varint()?;
        let number =
            u32::try_from(tag >> 3).map_err(|_| format!("field number too large at byte {at}"))?;
        if number == 0 {
            return Err(format!("field number 0 at byte {at}"));
        }
        let value = match tag & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                Value::Fixed64(a)
            }
            2 => {
                let len = self.varint()?;
                Value::Bytes(self.take(len)?)
            }
            5 => {
                let b = self.take(4)?;
                let mut a = [0u8; 4];
                a.copy_from_slice(b);
                Value::Fixed32(a)
            }
            w => return Err(format!("unsupported wire type {w} at byte {at}")),
        };
        Ok((number, value))
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u32, Value<'a>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.data.len() {
            return None;
        }
        let r = self.next_field();
        self.failed = r.is_err();
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(data: &[u8]) -> Result<Vec<(u32, Value<'_>)>, String> {
        fields(data).collect()
    }

    #[test]
    fn reads_every_wire_type() {
        // field 1 varint 300, field 2 bytes "hi", field 3 fixed32, field 4 fixed64,
        // field 20 (two-byte tag) varint 1.
        let msg = [
            0x08, 0xAC, 0x02, 0x12, 0x02, b'h', b'i', 0x1D, 1, 2, 3, 4, 0x21, 1, 2, 3, 4, 5, 6, 7,
            8, 0xA0, 0x01, 0x01,
        ];
        let f = all(&msg).unwrap();
        assert_eq!(f[0], (1, Value::Varint(300)));
        assert_eq!(f[1], (2, Value::Bytes(b"hi")));
        assert_eq!(f[2], (3, Value::Fixed32([1, 2, 3, 4])));
        assert_eq!(f[3], (4, Value::Fixed64([1, 2, 3, 4, 5, 6, 7, 8])));
        assert_eq!(f[4], (20, Value::Varint(1)));
        assert_eq!(f.len(), 5);
    }

    #[test]
    fn nested_message() {
        let inner = [0x0A, 0x01, b'a', 0x15, 0, 0, 0x80, 0x3F];
        let mut outer = vec![0x0A, inner.len() as u8];
        outer.extend_from_slice(&inner);
        let f = all(&outer).unwrap();
        let Value::Bytes(b) = f[0].1 else { panic!("not bytes") };
        let g = all(b).unwrap();
        assert_eq!(g[0], (1, Value::Bytes(b"a")));
        assert_eq!(g[1], (2, Value::Fixed32(1.0f32.to_le_bytes())));
    }

    #[test]
    fn corrupt_input_is_an_error_not_a_panic() {
        let cases: &[&[u8]] = &[
            &[0x0A, 0x05, b'a'],                   // length past the end
            &[0x08],                               // missing varint
            &[0x08, 0xFF, 0xFF],                   // truncated varint
            &[0x1D, 1, 2],                         // short fixed32
            &[0x09, 1, 2, 3],                      // short fixed64
            &[0x0B],                               // group (wire type 3)
            &[0x00, 0x01],                         // field 0
            &[0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], // huge length
            &[0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], // > 64 bits
        ];
        for c in cases {
            assert!(all(c).is_err(), "{c:?} should fail");
        }
        // The iterator stops after the first error.
        assert_eq!(fields(&[0x0B, 0x08, 0x01]).count(), 1);
    }
}
