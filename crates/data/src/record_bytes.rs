//! Where a plain CSV text's records and fields end: the positions of its line-end bytes
//! (`\n`, `\r`) and of its delimiter, in order, as `memchr::memchr3_iter` finds them.
//!
//! An events line is about 40 bytes with three such bytes, so `memchr3_iter` stops every
//! 13 bytes and starts a vector search again each time. Here every 64 bytes are compared
//! once, into a bit mask whose set bits are then read off one by one. On the first 200 MB
//! of the 1M-lead benchmark's events, in a throwaway comparison, that took 0.026 s against
//! memchr3's 0.08-0.10 s; `mqlcal score` on the benchmark took 0.90 of its wall time,
//! paired (issue 18's note).

/// The positions of `\n`, `\r` and `delimiter` in `bytes`, ascending.
pub(crate) struct RecordBytes<'b> {
    bytes: &'b [u8],
    delimiter: u8,
    /// Where the block of `mask` starts.
    block: usize,
    /// The block's positions not yet handed out, one bit each (bit i = `block + i`).
    mask: u64,
    /// Where the next block starts.
    next: usize,
}

/// Bytes compared at a time (the bits of the mask).
const BLOCK: usize = 64;

impl<'b> RecordBytes<'b> {
    pub(crate) fn new(bytes: &'b [u8], delimiter: u8) -> RecordBytes<'b> {
        RecordBytes { bytes, delimiter, block: 0, mask: 0, next: 0 }
    }
}

impl Iterator for RecordBytes<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            if self.next >= self.bytes.len() {
                return None;
            }
            self.block = self.next;
            self.mask = block_mask(&self.bytes[self.block..(self.block + BLOCK).min(self.bytes.len())], self.delimiter);
            self.next += BLOCK;
        }
        let at = self.block + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

/// Bit i set when `block[i]` (at most 64 bytes) is a line end or the delimiter.
#[inline]
fn block_mask(block: &[u8], delimiter: u8) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if block.len() == BLOCK {
        // SAFETY: SSE2 is part of x86-64, and the block has the 64 bytes the loads read.
        return unsafe { whole_block_mask(block.as_ptr(), delimiter) };
    }
    block
        .iter()
        .enumerate()
        .fold(0u64, |mask, (i, &b)| mask | (u64::from(b == b'\n' || b == b'\r' || b == delimiter) << i))
}

/// [`block_mask`] of the 64 bytes at `p`, 16 compared at a time.
#[cfg(target_arch = "x86_64")]
#[inline]
unsafe fn whole_block_mask(p: *const u8, delimiter: u8) -> u64 {
    use std::arch::x86_64::*;
    let (newline, carriage_return, delimiter) =
        (_mm_set1_epi8(b'\n' as i8), _mm_set1_epi8(b'\r' as i8), _mm_set1_epi8(delimiter as i8));
    let mut mask = 0u64;
    for quarter in 0..4 {
        let bytes = _mm_loadu_si128(p.add(16 * quarter) as *const __m128i);
        let found = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(bytes, newline), _mm_cmpeq_epi8(bytes, carriage_return)),
            _mm_cmpeq_epi8(bytes, delimiter),
        );
        mask |= u64::from(_mm_movemask_epi8(found) as u16) << (16 * quarter);
    }
    mask
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    use super::*;

    #[test]
    fn the_positions_are_memchr3s_for_every_length_and_delimiter() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(64);
        // Lengths around whole blocks; bytes from a small alphabet so that every kind of
        // position is common, high bytes (negative as i8) among them.
        let alphabet = [b'a', b'\n', b'\r', b',', b';', b'\t', b'|', 0x00, 0x80, 0xff, b'"', b' '];
        for len in (0..200).chain([511, 512, 513, 4096 + 17]) {
            for delimiter in [b',', b';', b'\t', b'|', 0x80, 0xff] {
                let bytes: Vec<u8> = (0..len).map(|_| alphabet[rng.random_range(0..alphabet.len())]).collect();
                let ours: Vec<usize> = RecordBytes::new(&bytes, delimiter).collect();
                let theirs: Vec<usize> = memchr::memchr3_iter(b'\n', b'\r', delimiter, &bytes).collect();
                assert_eq!(ours, theirs, "{len} bytes, delimiter {delimiter:#x}");
            }
        }
    }

    #[test]
    fn a_run_of_positions_fills_whole_blocks() {
        let bytes = vec![b','; 130];
        assert_eq!(RecordBytes::new(&bytes, b',').collect::<Vec<_>>(), (0..130).collect::<Vec<_>>());
        assert_eq!(RecordBytes::new(b"", b',').next(), None);
        assert_eq!(RecordBytes::new(&[b'x'; 64], b',').next(), None);
    }
}
