//! Lead rows by their ids' hash: an open-addressed table whose slot for a hash is known
//! before it is read, so that a reader can ask for it from memory a few events ahead.
//! An events export in time order (as most are) names a lead far from the last at every
//! event; a million leads' slots are 48 MB, and each lookup waited on memory for its
//! slot. [`IdSlots::prefetch`] starts that wait while the lines before are still parsed,
//! and the slots lie on huge pages (`crate::random_reads`).

/// A lead's row with its id's length and first bytes, as the table matches them (ASCII
/// letters folded when case is ignored). An id of up to [`INLINE_ID`] bytes is compared
/// here alone: reading the id itself costs two cache misses (the `String`, then its bytes).
#[derive(Clone, Copy)]
pub(crate) struct Slot {
    pub(crate) row: u32,
    /// The length, 255 for any longer.
    len: u8,
    head: [u8; INLINE_ID],
}

/// Ids up to this long are compared in their [`Slot`], without reading them: Salesforce's
/// 18 characters, HubSpot's and Marketo's numbers, most databases' keys.
pub(crate) const INLINE_ID: usize = 19;

/// The row of an empty slot: no lead's (rows are numbered below the lead count, itself at most `u32::MAX`).
const EMPTY: u32 = u32::MAX;

impl Slot {
    pub(crate) fn new(row: u32, key: &[u8]) -> Slot {
        let mut head = [0u8; INLINE_ID];
        let n = key.len().min(INLINE_ID);
        head[..n].copy_from_slice(&key[..n]);
        Slot { row, len: key.len().min(255) as u8, head }
    }

    /// This slot's id is the one whose matched form is `key` (as [`Slot::new`] lays it
    /// out): decided here for a short id; a longer one whose first bytes agree is compared
    /// whole by `whole(row)`.
    #[inline]
    pub(crate) fn holds(&self, key: &Slot, whole: impl FnOnce(usize) -> bool) -> bool {
        self.len == key.len && self.head == key.head && (usize::from(key.len) <= INLINE_ID || whole(self.row as usize))
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
        IdSlots { slots: crate::random_reads::filled(len, Slot { row: EMPTY, len: 0, head: [0; INLINE_ID] }), mask: len - 1 }
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
