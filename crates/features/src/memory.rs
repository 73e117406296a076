//! Freed memory handed back to the system between stages.
//!
//! glibc keeps freed heap memory for reuse. After reading a million leads, its arenas
//! held about 360 MiB free, pinned between live allocations, and about 500 MiB once the
//! lead files were dropped: every later stage's peak counted it. The stages that leave
//! that much behind (reading, validating, fitting, each walk-forward step's sub-table)
//! hand it back here. Pages handed back cost a page fault when they are used again,
//! which is why this runs between stages and never inside a loop over rows.

/// Return the pages the allocator holds free to the system.
pub fn return_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers; it only releases pages the allocator holds free.
    unsafe {
        libc::malloc_trim(0);
    }
}
