//! Freeing the red vectors and structs a running loop no longer reaches.
//!
//! Compiled code allocates red vectors and structs in its frame (see [`Frame`]), and
//! the frame frees them when the portal call returns. A loop that makes a vector each
//! turn would hold every one of them until then; so when the frame has made enough
//! since the last sweep ([`Frame::sweep_due`]), compiled code sweeps at its next jump
//! to a merge block, where every value it still needs is an argument of the jump.
//!
//! The sweep is conservative: the roots are the jump's words (and the constants the
//! block keeps), and a word keeps an object when it points at its header, into its
//! elements, or one past them (a slice at its end). What a kept object holds is scanned
//! the same way: each 8-byte word of a vector's live elements, each word of a struct.
//! A word that only looks like a pointer keeps an object too, which costs memory and
//! never correctness.
//!
//! **Invariants:** objects the frame had when compiled code last started running are
//! pinned ([`Frame::pin`]): Rust may hold them (a loan, a copy to write back, the
//! entry's words), so they are never freed by a sweep and what they hold is a root.
//! A sweep is due again once the frame holds twice the objects or twice the bytes the
//! last one kept (at least `--jit-sweep-at` bytes, [`DEFAULT_SWEEP_AT`] by default, or
//! one object per [`BYTES_PER_OBJECT`] of them), so sweeping costs a bounded amount per
//! allocation.

use super::{Frame, RVec, FRAME_WORDS};

use std::sync::atomic::{AtomicUsize, Ordering};

/// The default of `--jit-sweep-at`: the bytes of elements and fields a frame holds
/// before its first sweep.
pub const DEFAULT_SWEEP_AT: usize = 2 << 20;

/// Bytes per object of the count of objects that also makes a sweep due (so the
/// default lets a frame hold 4096 small objects).
const BYTES_PER_OBJECT: usize = 512;

static SWEEP_AT: AtomicUsize = AtomicUsize::new(DEFAULT_SWEEP_AT);

/// Sweeps run and objects they freed, in the process (for the JIT log).
static SWEEPS: AtomicUsize = AtomicUsize::new(0);
static FREED: AtomicUsize = AtomicUsize::new(0);

/// How many sweeps ran in the process, and how many vectors and structs they freed.
pub fn stats() -> (usize, usize) {
    (
        SWEEPS.load(Ordering::Relaxed),
        FREED.load(Ordering::Relaxed),
    )
}

/// Set the bytes a frame holds before its first sweep (`--jit-sweep-at`); frames made
/// afterwards use it.
pub fn set_sweep_at(bytes: usize) {
    SWEEP_AT.store(bytes.max(1), Ordering::Relaxed);
}

/// The bytes, and the number of objects, a frame holds before its first sweep.
#[inline]
pub(super) fn first_sweep() -> (usize, usize) {
    let b = SWEEP_AT.load(Ordering::Relaxed);
    (b, (b / BYTES_PER_OBJECT).max(1))
}

/// Add the first `n` words of the frame's `out` to the roots of the coming sweep.
pub extern "C" fn sweep_roots(frame: *mut Frame, n: u64) {
    let f = unsafe { &mut *frame };
    let n = (n as usize).min(FRAME_WORDS);
    let Frame { out, roots, .. } = f;
    roots.extend_from_slice(&out[..n]);
}

/// Free every unpinned red vector and struct of the frame that the roots given since
/// the last sweep do not reach.
pub extern "C" fn sweep(frame: *mut Frame) {
    let f = unsafe { &mut *frame };
    let roots = std::mem::take(&mut f.roots);
    let freed = f.sweep_unreached(&roots);
    SWEEPS.fetch_add(1, Ordering::Relaxed);
    FREED.fetch_add(freed, Ordering::Relaxed);
    f.roots = roots;
    f.roots.clear();
}

/// An object a sweep may free: a vector of the arena or a struct, by index.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Obj {
    Vec(usize),
    Struct(usize),
}

/// The address ranges that keep each unpinned object, sorted by start; an end is
/// inclusive (one past the elements still points into them).
struct Ranges(Vec<(usize, usize, Obj)>);

impl Ranges {
    fn of(f: &Frame) -> Ranges {
        let mut r = Vec::new();
        for (i, &v) in f.arena.iter().enumerate().skip(f.pinned.0) {
            let hdr = v as usize;
            r.push((hdr, hdr + std::mem::size_of::<RVec>() - 1, Obj::Vec(i)));
            let rv = unsafe { &*v };
            if rv.cap > 0 {
                let p = rv.ptr as usize;
                r.push((p, p + rv.cap * rv.size, Obj::Vec(i)));
            }
        }
        for (i, s) in f.structs.iter().enumerate().skip(f.pinned.1) {
            if !s.is_empty() {
                let p = s.as_ptr() as usize;
                r.push((p, p + 8 * s.len(), Obj::Struct(i)));
            }
        }
        r.sort_unstable_by_key(|e| e.0);
        Ranges(r)
    }

    /// The objects word `w` keeps: at most two (the end of one allocation can be the
    /// start of the next).
    fn hits(&self, w: u64, mut each: impl FnMut(Obj)) {
        let w = w as usize;
        // Most words are small integers or floats, below every allocation.
        if self.0.first().is_none_or(|e| w < e.0) {
            return;
        }
        let i = self.0.partition_point(|e| e.0 <= w);
        for e in self.0[..i].iter().rev().take(2) {
            if w <= e.1 {
                each(e.2);
            }
        }
    }
}

/// The 8-byte words of a vector's live elements (none for elements narrower than a
/// word: they hold no pointers).
fn vec_words(v: *const RVec) -> &'static [u64] {
    let v = unsafe { &*v };
    if v.size < 8 || v.len == 0 {
        return &[];
    }
    unsafe { std::slice::from_raw_parts(v.ptr as *const u64, v.len * v.size / 8) }
}

impl Frame {
    /// Mark from `roots` and the pinned objects, free what is unmarked; returns how
    /// many objects were freed.
    fn sweep_unreached(&mut self, roots: &[u64]) -> usize {
        let ranges = Ranges::of(self);
        let mut vec_marks = vec![false; self.arena.len()];
        let mut struct_marks = vec![false; self.structs.len()];
        let mut work: Vec<Obj> = Vec::new();
        let mut visit = |w: u64, work: &mut Vec<Obj>| {
            ranges.hits(w, |o| {
                let m = match o {
                    Obj::Vec(i) => &mut vec_marks[i],
                    Obj::Struct(i) => &mut struct_marks[i],
                };
                if !*m {
                    *m = true;
                    work.push(o);
                }
            })
        };
        for &w in roots {
            visit(w, &mut work);
        }
        for &v in &self.arena[..self.pinned.0] {
            for &w in vec_words(v) {
                visit(w, &mut work);
            }
        }
        for s in &self.structs[..self.pinned.1] {
            for &w in s.iter() {
                visit(w, &mut work);
            }
        }
        while let Some(o) = work.pop() {
            let words: &[u64] = match o {
                Obj::Vec(i) => vec_words(self.arena[i]),
                Obj::Struct(i) => &self.structs[i],
            };
            for &w in words {
                visit(w, &mut work);
            }
        }
        let before = self.arena.len() + self.structs.len();
        let mut i = 0;
        let pinned = self.pinned;
        self.arena.retain(|&v| {
            let keep = i < pinned.0 || vec_marks[i];
            if !keep {
                unsafe { RVec::free(v) };
            }
            i += 1;
            keep
        });
        let mut i = 0;
        self.structs.retain(|_| {
            let keep = i < pinned.1 || struct_marks[i];
            i += 1;
            keep
        });
        let after = self.arena.len() + self.structs.len();
        self.bytes = self
            .arena
            .iter()
            .map(|v| unsafe { (**v).cap * (**v).size })
            .sum::<usize>()
            + self.structs.iter().map(|s| 8 * s.len()).sum::<usize>();
        self.sweep_due = 0;
        let (bytes, objects) = first_sweep();
        self.sweep_at = (2 * after).max(objects);
        self.sweep_at_bytes = (2 * self.bytes).max(bytes);
        before - after
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;

    fn frame() -> Box<Frame> {
        Box::default()
    }

    fn roots(f: &mut Frame, words: &[u64]) {
        f.out[..words.len()].copy_from_slice(words);
        sweep_roots(f, words.len() as u64);
    }

    #[test]
    fn a_sweep_frees_what_the_roots_do_not_reach() {
        let mut f = frame();
        let fr: *mut Frame = &mut *f;
        let kept = rvec_repeat(fr, 7, 10, 8);
        let _dropped = rvec_repeat(fr, 9, 10, 8);
        // Reached through a kept vector's element.
        let inner = rvec_repeat(fr, 3, 4, 4);
        unsafe { *((*kept).ptr as *mut u64).add(2) = inner as u64 };
        // Reached through a pointer into a struct's words, one past its end.
        let s = rstruct_new(fr, 2);
        let in_struct = rvec_zeroed(fr, 1, 8);
        unsafe { *s.add(1) = in_struct as u64 };
        roots(&mut f, &[kept as u64, unsafe { s.add(2) } as u64]);
        sweep(fr);
        assert_eq!(f.arena, vec![kept, inner, in_struct]);
        assert_eq!(f.structs.len(), 1);
        assert_eq!(unsafe { (*kept).read(0, false) }, 7);
        assert_eq!(f.sweep_due, 0);
        assert!(f.roots.is_empty());
    }

    #[test]
    fn an_element_pointer_keeps_its_vector_and_pinned_objects_stay() {
        let mut f = frame();
        let fr: *mut Frame = &mut *f;
        let pinned = rvec_zeroed(fr, 2, 8);
        f.pin();
        let held = rvec_zeroed(fr, 1, 8);
        unsafe { *((*pinned).ptr as *mut u64) = held as u64 };
        let sliced = rvec_repeat(fr, 5, 8, 8);
        let _free = rvec_zeroed(fr, 3, 8);
        roots(&mut f, &[unsafe { (*sliced).ptr.add(24) } as u64]);
        sweep(fr);
        assert_eq!(f.arena, vec![pinned, held, sliced]);
    }

    #[test]
    fn a_sweep_is_due_when_the_frame_doubles() {
        let mut f = frame();
        let fr: *mut Frame = &mut *f;
        let (_, objects) = first_sweep();
        for _ in 0..objects - 1 {
            rvec_zeroed(fr, 0, 8);
        }
        assert_eq!(f.sweep_due, 0);
        let v = rvec_zeroed(fr, 0, 8);
        assert_eq!(f.sweep_due, 1);
        roots(&mut f, &[v as u64]);
        sweep(fr);
        assert_eq!(f.arena.len(), 1);
        assert_eq!(f.sweep_at, objects);
        f.reset();
        assert_eq!(f.pinned, (0, 0));
    }

    #[test]
    fn large_vectors_make_a_sweep_due_sooner() {
        let mut f = frame();
        let fr: *mut Frame = &mut *f;
        let (bytes, _) = first_sweep();
        let n = (bytes / 8 / 4) as u64;
        for _ in 0..3 {
            rvec_zeroed(fr, n, 8);
        }
        assert_eq!(f.sweep_due, 0);
        let v = rvec_zeroed(fr, n, 8);
        assert_eq!(f.sweep_due, 1);
        roots(&mut f, &[v as u64]);
        sweep(fr);
        assert_eq!((f.arena.len(), f.bytes), (1, bytes / 4));
        assert_eq!(f.sweep_at_bytes, bytes);
    }
}
