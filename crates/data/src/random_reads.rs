//! Tables read at random places. An events export in time order names a lead far from
//! the last at every event, and each event then waits on memory for that lead's slot in
//! the id table, its id, its creation time and its sums: a few hundred nanoseconds an
//! event, one event after another. Readers that know which lead comes a few events later
//! ask for its memory now ([`prefetch_at`]), and the wait overlaps the work between. The
//! largest such tables are laid on huge pages where the system gives them ([`filled`]):
//! a lookup in 48 MB of 4 KiB pages also missed the processor's table of pages.

/// Ask for the cache lines of `value` (a value may straddle two). A hint: it changes
/// nothing read.
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

/// `len` copies of `value`, in memory asked to be laid on huge pages (Linux's transparent
/// huge pages, asked for before the memory is first written; where the system gives none,
/// or another system, ordinary pages): a million leads' 48 MB of id slots are 12,288 pages
/// of 4 KiB and 24 of 2 MiB, and a lookup at random missed the processor's table of pages
/// as well as its caches. Every element is written here, so each page is in place before
/// the readers on other cores touch it.
pub(crate) fn filled<T: Clone>(len: usize, value: T) -> Vec<T> {
    let mut items: Vec<T> = Vec::with_capacity(len);
    // Refused (a kernel without transparent huge pages): ordinary pages, nothing to do.
    let _ = advise_huge_pages(items.as_ptr().cast::<u8>(), len.saturating_mul(std::mem::size_of::<T>()));
    items.resize(len, value);
    items
}

/// A huge page: 2 MiB on x86-64 (and on arm64 with 4 KiB pages), a multiple of any base
/// page, so a range of whole huge pages is one madvise takes.
const HUGE_PAGE: usize = 2 << 20;

/// Only tables this large are asked onto huge pages: at least one whole huge page lies in them.
const HUGE_PAGES_FROM: usize = 2 * HUGE_PAGE;

/// Ask that the whole huge pages inside the `bytes` from `start` be backed by huge pages.
fn advise_huge_pages(start: *const u8, bytes: usize) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    if bytes >= HUGE_PAGES_FROM {
        let (from, to) = ((start as usize).next_multiple_of(HUGE_PAGE), (start as usize + bytes) / HUGE_PAGE * HUGE_PAGE);
        // SAFETY: the range (at least one huge page, as `bytes` spans two) lies inside an
        // allocation this process owns; the advice changes how it is backed, never what it holds.
        if unsafe { libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, bytes);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The range asked for is one the kernel takes: accepted, or refused only for a kernel
    /// without transparent huge pages (EINVAL), never as lying outside the allocation.
    #[test]
    fn huge_pages_are_asked_for_inside_the_allocation() {
        for len in [HUGE_PAGES_FROM, HUGE_PAGES_FROM + 1, 5 * HUGE_PAGE + 4_097, 64 * HUGE_PAGE] {
            let items: Vec<u8> = Vec::with_capacity(len);
            match advise_huge_pages(items.as_ptr(), len) {
                Ok(()) => {}
                Err(e) => assert_eq!(e.raw_os_error(), Some(libc::EINVAL), "{len}: {e}"),
            }
        }
    }

    #[test]
    fn a_filled_table_holds_its_value_everywhere_at_any_size() {
        for len in [0, 1, 4_095, (HUGE_PAGES_FROM / 8) + 3, 3 * HUGE_PAGES_FROM / 8] {
            let table = filled(len, 0.5f64);
            assert_eq!(table.len(), len);
            assert!(table.iter().all(|&v| v == 0.5), "{len}");
            prefetch_at(&table, len / 2);
            prefetch_at(&table, len);
        }
    }
}
