//! Lead rows by their ids' hash: an open-addressed table whose slot for a hash is known
//! before it is read, so that a reader can ask for it from memory a few events ahead.
//! An events export in time order (as most are) names a lead far from the last at every
//! event; a million leads' slots are 48 MB, and each lookup waited on memory for its
//! slot. [`IdSlots::prefetch`] starts that wait while the lines before are still parsed,
//! and the slots lie on huge pages (`crate::random_reads`).

/// A lead's row with its id's length and first bytes, as the table matches them (ASCII
/// letters folded when case is ignored). An id of up to [`INLINE_ID`] bytes is compared
/// here alone: reading the id itself costs two cache misses (the `String`, then its bytes).
/// The bytes are held as words, which an id looked up is laid out into and compared as
/// in registers (bytes copied into an array on the stack and read back as words stalled
/// each lookup on the store's forwarding).
#[derive(Clone, Copy)]
pub(crate) struct Slot {
    /// The id's first 16 bytes, zero past its end.
    head: [u64; 2],
    /// Its bytes 16 to 18 (zero past its end) and, in the top byte, its length (255 for any longer).
    tail: u32,
    pub(crate) row: u32,
}

/// Ids up to this long are compared in their [`Slot`], without reading them: Salesforce's
/// 18 characters, HubSpot's and Marketo's numbers, most databases' keys.
pub(crate) const INLINE_ID: usize = 19;

/// The row of an empty slot: no lead's (rows are numbered below the lead count, itself at most `u32::MAX`).
const EMPTY: u32 = u32::MAX;

/// The first 8 bytes of `bytes` (all of them when fewer, zero past their end) as a
/// little-endian word, read without a copy: two overlapping reads for 4 to 7 bytes, three
/// for 1 to 3.
#[inline(always)]
fn word(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let at = |k: usize| u64::from(bytes[k]);
    let four = |k: usize| u64::from(u32::from_le_bytes([bytes[k], bytes[k + 1], bytes[k + 2], bytes[k + 3]]));
    match n {
        0 => 0,
        1..=3 => at(0) | at(n / 2) << (n / 2 * 8) | at(n - 1) << ((n - 1) * 8),
        4..=7 => four(0) | four(n - 4) << ((n - 4) * 8),
        _ => u64::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]]),
    }
}

impl Slot {
    #[inline(always)]
    pub(crate) fn new(row: u32, key: &[u8]) -> Slot {
        let from = |k: usize| key.get(k..).unwrap_or_default();
        let len = key.len().min(255) as u32;
        Slot { head: [word(key), word(from(8))], tail: (word(from(16)) & 0xFF_FFFF) as u32 | len << 24, row }
    }

    /// This slot's id is the one whose matched form is `key` (as [`Slot::new`] lays it
    /// out): decided here for a short id; a longer one whose first bytes agree is compared
    /// whole by `whole(row)`.
    #[inline]
    pub(crate) fn holds(&self, key: &Slot, whole: impl FnOnce(usize) -> bool) -> bool {
        self.head == key.head && self.tail == key.tail && ((key.tail >> 24) as usize <= INLINE_ID || whole(self.row as usize))
    }
}

/// Slots found by linear probing from the hash's low bits, at most three quarters full.
pub(crate) struct IdSlots {
    slots: Vec<Slot>,
    mask: usize,
}

/// The result of [`IdSlots::entry`].
pub(crate) enum Entry<'a> {
    Occupied(&'a mut Slot),
    Vacant(&'a mut Slot),
}

impl IdSlots {
    /// Room for `leads` ids: a power of two of slots, at least a quarter of them empty.
    /// (hashbrown's table filled to seven eighths: from 0.75 to 0.875 of a power of two
    /// leads, this one takes twice its slots, 48 MB at 800,000 leads where it took 24 MB.
    /// Linear probing that full would look past many slots for an id no lead has.)
    pub(crate) fn with_leads(leads: usize) -> IdSlots {
        let len = (leads.saturating_add(leads / 3) + 1).next_power_of_two().max(8);
        IdSlots { slots: crate::random_reads::filled(len, Slot { head: [0; 2], tail: 0, row: EMPTY }), mask: len - 1 }
    }

    /// The slot holding what `holds` accepts, probing from `hash`.
    #[inline]
    pub(crate) fn find(&self, hash: u64, mut holds: impl FnMut(&Slot) -> bool) -> Option<&Slot> {
        let mut at = hash as usize & self.mask;
        loop {
            let slot = &self.slots[at];
            if slot.row == EMPTY {
                return None;
            }
            if holds(slot) {
                return Some(slot);
            }
            at = (at + 1) & self.mask;
        }
    }

    /// The slot holding what `holds` accepts, or else the empty one where it would go.
    /// The table never fills: [`IdSlots::with_leads`] left a quarter of it empty.
    pub(crate) fn entry(&mut self, hash: u64, mut holds: impl FnMut(&Slot) -> bool) -> Entry<'_> {
        let mut at = hash as usize & self.mask;
        while self.slots[at].row != EMPTY && !holds(&self.slots[at]) {
            at = (at + 1) & self.mask;
        }
        match self.slots[at].row {
            EMPTY => Entry::Vacant(&mut self.slots[at]),
            _ => Entry::Occupied(&mut self.slots[at]),
        }
    }

    /// Ask for the memory of `hash`'s first slot, to be read a little later: a hint that
    /// changes nothing the table gives.
    #[inline]
    pub(crate) fn prefetch(&self, hash: u64) {
        crate::random_reads::prefetch(&self.slots[hash as usize & self.mask]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length's layout is the id's bytes as copied into a zeroed array, and two ids
    /// differing in any one inline byte or in length are told apart.
    #[test]
    fn an_id_is_laid_out_as_its_bytes_copied_at_every_length() {
        let bytes: Vec<u8> = (1..=40u8).map(|b| b.wrapping_mul(37) | 1).collect();
        for n in 0..=bytes.len() {
            let key = &bytes[..n];
            let slot = Slot::new(7, key);
            let mut copied = [0u8; 24];
            copied[..n.min(INLINE_ID)].copy_from_slice(&key[..n.min(INLINE_ID)]);
            copied[INLINE_ID] = n.min(255) as u8;
            let mut laid_out = [0u8; 20];
            laid_out[..8].copy_from_slice(&slot.head[0].to_le_bytes());
            laid_out[8..16].copy_from_slice(&slot.head[1].to_le_bytes());
            laid_out[16..].copy_from_slice(&slot.tail.to_le_bytes());
            assert_eq!(laid_out, copied[..20], "{n}");
            assert_eq!(slot.row, 7);
            for k in 0..n.min(INLINE_ID) {
                let mut other = key.to_vec();
                other[k] ^= 0x40;
                assert!(!slot.holds(&Slot::new(0, &other), |_| true), "{n} {k}");
            }
            assert!(slot.holds(&Slot::new(0, key), |_| false) == (n <= INLINE_ID), "{n}");
            // A zero byte added is another id (another length).
            assert!(!slot.holds(&Slot::new(0, &[key, &[0]].concat()), |_| true), "{n}");
        }
        assert_eq!(Slot::new(0, &[b'x'; 300]).tail >> 24, 255);
    }

    #[test]
    fn slots_are_found_by_probing_past_others_of_the_same_hash() {
        let mut table = IdSlots::with_leads(5);
        assert_eq!(table.slots.len(), 8);
        // The two long ids share their length and first 19 bytes: only the whole ids tell them apart.
        let keys: [&[u8]; 5] = [b"a", b"b", b"c", b"an id longer than nineteen bytes, A", b"an id longer than nineteen bytes, B"];
        // Every key on the same hash, and the last slot first: probing wraps around.
        let hash = 7;
        for (row, key) in (0u32..).zip(keys) {
            let laid_out = Slot::new(row, key);
            match table.entry(hash, |slot| slot.holds(&laid_out, |at| keys[at] == key)) {
                Entry::Vacant(slot) => *slot = laid_out,
                Entry::Occupied(_) => panic!("{key:?} found before it was put"),
            }
        }
        for (row, key) in (0u32..).zip(keys) {
            let laid_out = Slot::new(0, key);
            assert_eq!(table.find(hash, |slot| slot.holds(&laid_out, |at| keys[at] == key)).map(|slot| slot.row), Some(row));
            table.prefetch(hash);
        }
        // An id of the same length and first 19 bytes, given to none, is found by none.
        let missing: &[u8] = b"an id longer than nineteen bytes, C";
        assert!(table.find(hash, |slot| slot.holds(&Slot::new(0, missing), |at| keys[at] == missing)).is_none());
        assert!(table.find(3, |slot| slot.holds(&Slot::new(0, b"z"), |_| true)).is_none());
        match table.entry(hash, |slot| slot.holds(&Slot::new(0, b"b"), |_| true)) {
            Entry::Occupied(slot) => assert_eq!(slot.row, 1),
            Entry::Vacant(_) => panic!("b was put"),
        }
        assert_eq!(IdSlots::with_leads(0).slots.len(), 8);
        assert_eq!(IdSlots::with_leads(1_000_000).slots.len(), 1 << 21);
        assert_eq!(IdSlots::with_leads(1_600_000).slots.len(), 1 << 22);
    }
}
