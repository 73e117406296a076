//! UTF-16 text (Excel's "Unicode Text", some CRM and Windows exports) read as UTF-8, so
//! every reader of an input sees the text it would see in a UTF-8 file: the same lines,
//! the same fields. The byte-order mark is dropped; a character UTF-16 cannot hold
//! (a lone surrogate) or a file cut in the middle of one is refused, with its byte.

use std::io::{self, Read};

/// The order of a UTF-16 file's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ByteOrder {
    Little,
    Big,
}

/// How a file's first bytes say it is UTF-16: a byte-order mark (FF FE, FE FF; its two
/// bytes are not text), or ASCII text with every other byte zero, as UTF-16 writes it.
/// Returns the order and how many bytes the mark takes. UTF-32's mark (FF FE 00 00) is not UTF-16.
pub(crate) fn sniff(start: &[u8]) -> Option<(ByteOrder, usize)> {
    let text = |b: u8| b != 0 && b.is_ascii();
    match start {
        [0xFF, 0xFE, 0, 0, ..] => None,
        [0xFF, 0xFE, ..] => Some((ByteOrder::Little, 2)),
        [0xFE, 0xFF, ..] => Some((ByteOrder::Big, 2)),
        [a, 0, b, 0, ..] if text(*a) && text(*b) => Some((ByteOrder::Little, 0)),
        [0, a, 0, b, ..] if text(*a) && text(*b) => Some((ByteOrder::Big, 0)),
        _ => None,
    }
}

/// UTF-16 bytes from `inner` (after the byte-order mark), handed on as UTF-8.
pub(crate) struct Utf16ToUtf8<R> {
    inner: R,
    order: ByteOrder,
    /// Bytes read but not yet decoded: an odd byte, or the first half of a surrogate pair.
    carry: Vec<u8>,
    /// Decoded text not yet handed on, from `handed`.
    decoded: Vec<u8>,
    handed: usize,
    /// Bytes of the file decoded so far (the mark included), and the line they reached, for errors.
    position: u64,
    line: u64,
    raw: Vec<u8>,
    ended: bool,
}

impl<R: Read> Utf16ToUtf8<R> {
    /// `inner` positioned after the mark, which took `mark` bytes.
    pub(crate) fn new(inner: R, order: ByteOrder, mark: usize) -> Self {
        Utf16ToUtf8 { inner, order, carry: Vec::new(), decoded: Vec::new(), handed: 0, position: mark as u64, line: 1, raw: vec![0; 1 << 16], ended: false }
    }

    /// Decode the next run of the file into `decoded`; false at its end.
    fn fill(&mut self) -> io::Result<bool> {
        self.decoded.clear();
        self.handed = 0;
        while self.decoded.is_empty() {
            if self.ended {
                return Ok(false);
            }
            let n = loop {
                match self.inner.read(&mut self.raw) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            if n == 0 {
                self.ended = true;
                if !self.carry.is_empty() {
                    let what = if self.carry.len() % 2 == 1 { "in the middle of a character" } else { "after the first half of a surrogate pair" };
                    return Err(invalid(format!("line {} (byte {}): the UTF-16 text ends {what}: a download or copy cut short?", self.line, self.position + 1)));
                }
                return Ok(false);
            }
            self.carry.extend_from_slice(&self.raw[..n]);
            self.decode()?;
        }
        Ok(true)
    }

    /// Decode the whole code units in `carry`, keeping an odd byte, or a high surrogate
    /// at the end (its pair may be in the next read), for later.
    fn decode(&mut self) -> io::Result<()> {
        let order = self.order;
        let unit = |pair: &[u8]| match order {
            ByteOrder::Little => u16::from_le_bytes([pair[0], pair[1]]),
            ByteOrder::Big => u16::from_be_bytes([pair[0], pair[1]]),
        };
        let mut whole = self.carry.len() / 2 * 2;
        if whole >= 2 && (0xD800..0xDC00).contains(&unit(&self.carry[whole - 2..whole])) {
            whole -= 2;
        }
        let units = self.carry[..whole].chunks_exact(2).map(unit);
        let mut at = self.position;
        self.decoded.reserve(whole);
        for decoded in char::decode_utf16(units) {
            match decoded {
                // Most of an export is ASCII: one byte each, as UTF-8 writes it.
                Ok(c) if c.is_ascii() => {
                    self.decoded.push(c as u8);
                    at += 2;
                    self.line += u64::from(c == '\n');
                }
                Ok(c) => {
                    let mut buf = [0; 4];
                    self.decoded.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    at += c.len_utf16() as u64 * 2;
                    self.line += u64::from(c == '\n');
                }
                Err(e) => {
                    return Err(invalid(format!(
                        "line {} (byte {}): {:04X} is half of a UTF-16 surrogate pair without its other half, which no character is: the file is damaged, or not UTF-16",
                        self.line,
                        at + 1,
                        e.unpaired_surrogate()
                    )))
                }
            }
        }
        self.position = at;
        self.carry.drain(..whole);
        Ok(())
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

impl<R: Read> Read for Utf16ToUtf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.handed == self.decoded.len() && !self.fill()? {
            return Ok(0);
        }
        let n = buf.len().min(self.decoded.len() - self.handed);
        buf[..n].copy_from_slice(&self.decoded[self.handed..self.handed + n]);
        self.handed += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands on at most `step` bytes a read, as a pipe or a decoder may.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn encode(text: &str, order: ByteOrder, mark: bool) -> Vec<u8> {
        let units = mark.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
        units.flat_map(|u: u16| if order == ByteOrder::Big { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
    }

    fn decode(bytes: &[u8], step: usize) -> io::Result<String> {
        let (order, mark) = sniff(bytes).expect("UTF-16");
        let mut out = String::new();
        Utf16ToUtf8::new(Trickle { bytes: &bytes[mark..], step }, order, mark).read_to_string(&mut out)?;
        Ok(out)
    }

    #[test]
    fn every_character_reads_as_its_utf8_however_the_bytes_arrive() {
        // ASCII, Latin-1, CJK, and characters outside the BMP (surrogate pairs), with the line ends Excel writes.
        let text = "lead_id\tcompany\tnote\r\nL1\tZürich AG\t\u{1F600} ok\r\nL2\t東京\t\u{10FFFF}\u{E000}\"q\"\r\n";
        for order in [ByteOrder::Little, ByteOrder::Big] {
            for mark in [true, false] {
                let bytes = encode(text, order, mark);
                assert_eq!(sniff(&bytes), Some((order, if mark { 2 } else { 0 })));
                for step in [1, 2, 3, 5, 7, 64, 1 << 16] {
                    assert_eq!(decode(&bytes, step).unwrap(), text, "{order:?}, mark {mark}, {step} bytes a read");
                }
            }
        }
    }

    #[test]
    fn not_utf16_is_left_alone() {
        for start in [&b"lead_id,outcome"[..], b"\xEF\xBB\xBFid", b"\xFF\xFE\0\0", b"a\0", b"", b"\0\0\0\0", b"a\0\xC3\0"] {
            assert_eq!(sniff(start), None, "{start:?}");
        }
    }

    #[test]
    fn a_lone_surrogate_or_a_cut_character_is_named_with_its_byte() {
        let mut bytes = encode("id\nL1\n", ByteOrder::Little, true);
        bytes.extend_from_slice(&0xDC00u16.to_le_bytes());
        bytes.extend_from_slice(&encode("x\n", ByteOrder::Little, false));
        let e = decode(&bytes, 3).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().starts_with("line 3 (byte 15): DC00 is half of a UTF-16 surrogate pair"), "{e}");
        // A high surrogate followed by an ordinary character.
        let mut bytes = encode("id\n", ByteOrder::Big, false);
        bytes.extend_from_slice(&0xD83Du16.to_be_bytes());
        bytes.extend_from_slice(&encode("x", ByteOrder::Big, false));
        assert!(decode(&bytes, 1).unwrap_err().to_string().starts_with("line 2 (byte 7): D83D is half"));
        // Cut short: an odd byte, or a pair's first half at the end.
        let bytes = encode("id\nL1", ByteOrder::Little, true);
        let e = decode(&bytes[..bytes.len() - 1], 4).unwrap_err().to_string();
        assert!(e.starts_with("line 2 (byte 11): the UTF-16 text ends in the middle of a character"), "{e}");
        let mut bytes = encode("id\n", ByteOrder::Little, false);
        bytes.extend_from_slice(&0xD83Du16.to_le_bytes());
        let e = decode(&bytes, 5).unwrap_err().to_string();
        assert!(e.starts_with("line 2 (byte 7): the UTF-16 text ends after the first half of a surrogate pair"), "{e}");
    }
}
