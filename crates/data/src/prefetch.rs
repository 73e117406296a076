//! Asking for memory a little before it is read. An events export in time order names a
//! lead far from the last at every event, and each event then waits on memory for that
//! lead's slot in the id table, its id, its creation time and its sums: a few hundred
//! nanoseconds an event, one event after another. Readers that know which lead comes a
//! few events later ask for its memory now ([`prefetch_at`]), and the wait overlaps the
//! work between. A hint: it changes nothing read.

/// Ask for the cache lines of `value` (a value may straddle two).
#[inline]
pub(crate) fn prefetch<T>(value: &T) {
    let first: *const T = value;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch reads nothing into the program and cannot fault; both
        // addresses lie within `value`.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(first.cast::<i8>());
            _mm_prefetch::<_MM_HINT_T0>(first.cast::<i8>().add(std::mem::size_of::<T>().saturating_sub(1)));
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = first;
}

/// [`prefetch`] of `items[at]`; nothing when `at` is past the end.
#[inline]
pub(crate) fn prefetch_at<T>(items: &[T], at: usize) {
    if let Some(value) = items.get(at) {
        prefetch(value);
    }
}
