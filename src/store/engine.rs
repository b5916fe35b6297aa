//! How SQLite itself is set up, once per process, before the first connection: the binary
//! calls [`configure`] first thing in `main`, while it has one thread. (SQLite's configuration
//! must not change while another thread uses SQLite, so the library never calls it itself.)
//!
//! - Its memory comes from the program's allocator (mimalloc in the binary) instead of the C
//!   library's: a large write makes millions of small allocations (every bound text is copied).
//! - Its memory statistics are off: keeping them takes a global lock on every allocation, and
//!   nothing reads them.
//!
//! If SQLite was already initialised (a connection opened elsewhere first), it keeps its
//! defaults; that changes speed, never results.

use std::alloc::{alloc, dealloc, realloc, Layout};
use std::ffi::{c_int, c_void};
use std::sync::Once;

use rusqlite::ffi;

/// Each block starts with its size; SQLite needs 8-byte alignment.
const HEADER: usize = 8;

fn layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, HEADER).ok()
}

unsafe extern "C" fn x_malloc(size: c_int) -> *mut c_void {
    let Some(layout) = usize::try_from(size).ok().and_then(layout) else {
        return std::ptr::null_mut();
    };
    // SAFETY: the layout has a non-zero size (the header).
    let base = unsafe { alloc(layout) };
    if base.is_null() {
        return base.cast();
    }
    // SAFETY: the block is at least HEADER bytes and 8-aligned.
    unsafe {
        base.cast::<usize>().write(layout.size() - HEADER);
        base.add(HEADER).cast()
    }
}

/// The start of the block behind `p` and the size it was asked with.
///
/// # Safety
/// `p` was returned by [`x_malloc`] or [`x_realloc`] and not freed.
unsafe fn block(p: *mut c_void) -> (*mut u8, usize) {
    let base = unsafe { p.cast::<u8>().sub(HEADER) };
    (base, unsafe { base.cast::<usize>().read() })
}

unsafe extern "C" fn x_free(p: *mut c_void) {
    if p.is_null() {
        return;
    }
    // SAFETY: SQLite frees only what this allocator gave it, once.
    unsafe {
        let (base, size) = block(p);
        dealloc(
            base,
            Layout::from_size_align_unchecked(size + HEADER, HEADER),
        );
    }
}

unsafe extern "C" fn x_realloc(p: *mut c_void, size: c_int) -> *mut c_void {
    if p.is_null() {
        return unsafe { x_malloc(size) };
    }
    let Some(new) = usize::try_from(size).ok().and_then(layout) else {
        return std::ptr::null_mut();
    };
    // SAFETY: `p` came from this allocator; the old layout is the one it was made with.
    unsafe {
        let (base, old) = block(p);
        let moved = realloc(
            base,
            Layout::from_size_align_unchecked(old + HEADER, HEADER),
            new.size(),
        );
        if moved.is_null() {
            return moved.cast();
        }
        moved.cast::<usize>().write(new.size() - HEADER);
        moved.add(HEADER).cast()
    }
}

unsafe extern "C" fn x_size(p: *mut c_void) -> c_int {
    if p.is_null() {
        return 0;
    }
    // SAFETY: SQLite asks only about blocks this allocator gave it.
    let size = unsafe { block(p).1 };
    c_int::try_from(size).unwrap_or(c_int::MAX)
}

unsafe extern "C" fn x_roundup(size: c_int) -> c_int {
    size.saturating_add(7) & !7
}

unsafe extern "C" fn x_init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_shutdown(_: *mut c_void) {}

/// Set SQLite up as described above; later calls do nothing. Call it before any connection
/// is opened and before other threads start.
pub fn configure() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let methods = ffi::sqlite3_mem_methods {
            xMalloc: Some(x_malloc),
            xFree: Some(x_free),
            xRealloc: Some(x_realloc),
            xSize: Some(x_size),
            xRoundup: Some(x_roundup),
            xInit: Some(x_init),
            xShutdown: Some(x_shutdown),
            pAppData: std::ptr::null_mut(),
        };
        // SAFETY: both calls are made before SQLite is initialised (or fail harmlessly with
        // SQLITE_MISUSE if it already is); SQLite copies the methods.
        unsafe {
            ffi::sqlite3_config(ffi::SQLITE_CONFIG_MALLOC, &methods as *const _);
            ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as c_int);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_their_size_through_realloc() {
        unsafe {
            let p = x_malloc(13);
            assert!(!p.is_null());
            assert_eq!(x_size(p), 13);
            std::ptr::write_bytes(p.cast::<u8>(), 7, 13);
            let q = x_realloc(p, 4000);
            assert_eq!(x_size(q), 4000);
            assert_eq!(*q.cast::<u8>().add(12), 7);
            x_free(q);
            assert_eq!(x_roundup(13), 16);
            assert!(x_malloc(-1).is_null());
        }
    }
}
