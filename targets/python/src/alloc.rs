//! The global allocator: mimalloc, with a per-thread cache of small blocks in front of
//! it. A call's locals and stack, call arguments and object payloads are small blocks
//! made and dropped at a high rate; the cache hands a freed block back to the next
//! request of its size class with a few instructions, without mimalloc's page lookup.
//!
//! Invariants:
//! - A *small* layout has a size of 1 to `GRAIN * CLASSES` bytes and an alignment of at
//!   most [`GRAIN`]. Every block of a small layout was obtained from mimalloc with the
//!   whole size of its class (`(class + 1) * GRAIN` bytes, class `(size - 1) / GRAIN`),
//!   so a freed block can serve any later request of its class.
//! - A cache holds at most [`CACHE_CAP`] blocks per class (a bounded amount of memory per
//!   thread); a full class gives freed blocks back to mimalloc.
//! - Other layouts go to mimalloc directly: its plain entry points when it guarantees
//!   the alignment (at least 16 for blocks of 16 bytes or more, as `malloc`), its
//!   aligned ones otherwise.

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::ffi::c_void;
use std::ptr::null_mut;

/// The step between size classes, and the largest alignment of a small layout.
const GRAIN: usize = 16;
const CLASSES: usize = 16;
/// The largest small block.
#[cfg(test)]
const SMALL_MAX: usize = GRAIN * CLASSES;
/// Blocks kept per class.
const CACHE_CAP: u32 = 64;

/// The free blocks of each class: a list linked through each block's first word.
struct Cache {
    heads: [*mut u8; CLASSES],
    counts: [u32; CLASSES],
}

thread_local! {
    // No destructor: the cache is usable until the thread's last allocation (the
    // blocks of an exiting thread stay allocated, at most CACHE_CAP per class).
    static CACHE: UnsafeCell<Cache> = const {
        UnsafeCell::new(Cache { heads: [null_mut(); CLASSES], counts: [0; CLASSES] })
    };
}

/// The class of a small layout.
#[inline]
fn small_class(layout: Layout) -> Option<usize> {
    let c = layout.size().wrapping_sub(1) / GRAIN;
    (c < CLASSES && layout.align() <= GRAIN).then_some(c)
}

/// The alignment `mi_malloc` gives every block at least as large (`MI_MAX_ALIGN_SIZE`).
const MI_MAX_ALIGN: usize = 16;

fn plain_alignment(layout: Layout) -> bool {
    layout.align() <= MI_MAX_ALIGN && layout.align() <= layout.size()
}

/// A small block of class `c` when the cache has none.
#[cold]
#[inline(never)]
fn small_miss(c: usize) -> *mut u8 {
    // SAFETY: mimalloc's plain entry point, for a size of at least 16 (the alignment
    // of a small layout is at most GRAIN = 16).
    unsafe { mi::mi_malloc((c + 1) * GRAIN) as *mut u8 }
}

#[inline(never)]
fn large_alloc(layout: Layout) -> *mut u8 {
    // SAFETY: the plain entry point only for alignments it guarantees.
    unsafe {
        if plain_alignment(layout) {
            mi::mi_malloc(layout.size()) as *mut u8
        } else {
            mi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }
}

#[inline(never)]
fn free(ptr: *mut u8) {
    // SAFETY: `ptr` is a block of mimalloc's, given back once.
    unsafe { mi::mi_free(ptr as *mut c_void) }
}

pub struct Allocator;

// SAFETY: every block comes from mimalloc and goes back to it (through the cache for
// small layouts, see the invariants above); mimalloc's plain entry points are used only
// for alignments they guarantee.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if let Some(c) = small_class(layout) {
            let p = CACHE.with(|k| {
                let k = &mut *k.get();
                let h = k.heads[c];
                if !h.is_null() {
                    k.heads[c] = *(h as *mut *mut u8);
                    k.counts[c] = k.counts[c].wrapping_sub(1);
                }
                h
            });
            if !p.is_null() {
                return p;
            }
            return small_miss(c);
        }
        large_alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if small_class(layout).is_some() {
            let p = self.alloc(layout);
            if !p.is_null() {
                p.write_bytes(0, layout.size());
            }
            return p;
        }
        if plain_alignment(layout) {
            mi::mi_zalloc(layout.size()) as *mut u8
        } else {
            mi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(c) = small_class(layout) {
            let kept = CACHE.with(|k| {
                let k = &mut *k.get();
                if k.counts[c] < CACHE_CAP {
                    *(ptr as *mut *mut u8) = k.heads[c];
                    k.heads[c] = ptr;
                    k.counts[c] = k.counts[c].wrapping_add(1);
                    true
                } else {
                    false
                }
            });
            if kept {
                return;
            }
        }
        free(ptr)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align_unchecked(new_size, layout.align());
        let (from, to) = (small_class(layout), small_class(new));
        if from.is_some() && from == to {
            // The block has its class's size already.
            return ptr;
        }
        if from.is_some() || to.is_some() {
            // A small block on either side: move it, so that small blocks keep their
            // class's size (a copy of at most GRAIN * CLASSES bytes).
            let p = self.alloc(new);
            if !p.is_null() {
                std::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            return p;
        }
        if plain_alignment(layout) && plain_alignment(new) {
            mi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
        } else {
            mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_classes_cover_sizes_up_to_small_max() {
        let l = |s, a| Layout::from_size_align(s, a).unwrap();
        assert_eq!(small_class(l(1, 1)), Some(0));
        assert_eq!(small_class(l(16, 8)), Some(0));
        assert_eq!(small_class(l(17, 8)), Some(1));
        assert_eq!(small_class(l(SMALL_MAX, 16)), Some(CLASSES - 1));
        assert_eq!(small_class(l(SMALL_MAX + 1, 8)), None);
        assert_eq!(small_class(l(0, 1)), None);
        assert_eq!(small_class(l(64, 32)), None);
    }

    #[test]
    fn a_freed_block_serves_any_request_of_its_class() {
        let a = Allocator;
        unsafe {
            let l17 = Layout::from_size_align(17, 8).unwrap();
            let l32 = Layout::from_size_align(32, 16).unwrap();
            let p = a.alloc(l17);
            a.dealloc(p, l17);
            let q = a.alloc(l32);
            assert_eq!(p, q, "the cache hands the block back");
            q.write_bytes(0xab, 32);
            // Growing out of the small classes and back keeps the contents.
            let r = a.realloc(q, l32, 1000);
            assert_eq!(*r.add(31), 0xab);
            let s = a.realloc(r, Layout::from_size_align(1000, 16).unwrap(), 20);
            assert_eq!(*s.add(19), 0xab);
            a.dealloc(s, Layout::from_size_align(20, 16).unwrap());
        }
    }
}
