//! Memory that compiled code shares with Rust.
//!
//! A [`Frame`] is made for each call of compiled code; its address is the compiled
//! function's first argument and is passed along every block. Compiled code writes its
//! result (or a panic) into `out`, and red vectors live in the frame's arena as
//! [`RVec`]s. **Invariants:** `out` is at offset 0; an `RVec`'s `ptr`, `len`, `cap` are at
//! offsets 0, 8, 16, and `len <= cap`; the arena frees every vector when the frame drops.

use std::any::Any;

/// Words of `Frame::out`: the largest result, panic or residual-call result.
pub const FRAME_WORDS: usize = 64;

/// Where in `out` a compiled unit finds the first of its red words: after the entry
/// point and the promoted value that an exit to the JIT writes before them (see
/// `jit::Status::Continue`), so a unit reads its words where such an exit left them.
pub const ENTRY_WORDS_AT: usize = 2;

/// Whether a state with `words` red words can go from unit to unit through `out`.
pub fn entry_fits(words: usize) -> bool {
    ENTRY_WORDS_AT + words <= FRAME_WORDS
}

#[repr(C)]
pub struct Frame {
    pub out: [u64; FRAME_WORDS],
    /// The payload of a panic caught in a residual call (status 2).
    pub panic: Option<Box<dyn Any + Send>>,
    arena: Vec<*mut RVec>,
}

impl Default for Frame {
    fn default() -> Self {
        Frame {
            out: [0; FRAME_WORDS],
            panic: None,
            arena: Vec::new(),
        }
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        for v in self.arena.drain(..) {
            unsafe { RVec::free(v) };
        }
    }
}

/// A vector of scalars made by compiled code (a red `Vec<T>`), elements of `size` bytes.
#[repr(C)]
pub struct RVec {
    pub ptr: *mut u8,
    pub len: usize,
    pub cap: usize,
    pub size: usize,
}

impl RVec {
    fn layout(cap: usize, size: usize) -> Option<std::alloc::Layout> {
        std::alloc::Layout::from_size_align(cap.checked_mul(size)?.max(8), 8).ok()
    }

    fn with_capacity(cap: usize, size: usize) -> Box<RVec> {
        let layout = Self::layout(cap, size).unwrap_or_else(|| panic!("capacity overflow"));
        if layout.size() > isize::MAX as usize {
            panic!("capacity overflow");
        }
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        if ptr.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        Box::new(RVec {
            ptr,
            len: 0,
            cap,
            size,
        })
    }

    unsafe fn free(v: *mut RVec) {
        let b = Box::from_raw(v);
        if let Some(l) = Self::layout(b.cap, b.size) {
            std::alloc::dealloc(b.ptr, l);
        }
    }

    fn grow(&mut self) {
        let cap = (self.cap * 2).max(4);
        let mut n = Self::with_capacity(cap, self.size);
        unsafe {
            std::ptr::copy_nonoverlapping(self.ptr, n.ptr, self.len * self.size);
            std::mem::swap(&mut self.ptr, &mut n.ptr);
            std::mem::swap(&mut self.cap, &mut n.cap);
        }
        // `n` now owns the old buffer.
        n.len = 0;
        unsafe { RVec::free(Box::into_raw(n)) };
    }

    unsafe fn write(&mut self, i: usize, bits: u64) {
        let p = self.ptr.add(i * self.size);
        match self.size {
            1 => *p = bits as u8,
            2 => (p as *mut u16).write_unaligned(bits as u16),
            4 => (p as *mut u32).write_unaligned(bits as u32),
            _ => (p as *mut u64).write_unaligned(bits),
        }
    }

    /// Element `i` as a word, extended by `signed`.
    pub unsafe fn read(&self, i: usize, signed: bool) -> u64 {
        let p = self.ptr.add(i * self.size);
        match (self.size, signed) {
            (1, false) => *p as u64,
            (1, true) => *p as i8 as i64 as u64,
            (2, false) => (p as *const u16).read_unaligned() as u64,
            (2, true) => (p as *const i16).read_unaligned() as i64 as u64,
            (4, false) => (p as *const u32).read_unaligned() as u64,
            (4, true) => (p as *const i32).read_unaligned() as i64 as u64,
            _ => (p as *const u64).read_unaligned(),
        }
    }
}

fn own(frame: *mut Frame, v: Box<RVec>) -> *mut RVec {
    let p = Box::into_raw(v);
    unsafe { (*frame).arena.push(p) };
    p
}

/// Run `f`; a panic is caught into the frame and reported as `None`.
fn guarded<T>(frame: *mut Frame, f: impl FnOnce() -> T) -> Option<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(v) => Some(v),
        Err(p) => {
            unsafe { (*frame).panic = Some(p) };
            None
        }
    }
}

/// `vec![0; n]` of elements of `size` bytes (all zero); a null pointer when that panics
/// (the panic is in the frame).
pub extern "C" fn rvec_zeroed(frame: *mut Frame, n: u64, size: u64) -> *mut RVec {
    guarded(frame, || {
        let mut v = RVec::with_capacity(n as usize, size as usize);
        v.len = n as usize;
        own(frame, v)
    })
    .unwrap_or(std::ptr::null_mut())
}

/// `vec![x; n]`.
pub extern "C" fn rvec_repeat(frame: *mut Frame, x: u64, n: u64, size: u64) -> *mut RVec {
    let v = rvec_zeroed(frame, n, size);
    if !v.is_null() && x != 0 {
        let v = unsafe { &mut *v };
        for i in 0..v.len {
            unsafe { v.write(i, x) };
        }
    }
    v
}

/// `v.push(x)`; 0, or 1 when it panicked.
pub extern "C" fn rvec_push(frame: *mut Frame, v: *mut RVec, x: u64) -> u64 {
    let v = unsafe { &mut *v };
    guarded(frame, || {
        if v.len == v.cap {
            v.grow();
        }
        unsafe { v.write(v.len, x) };
        v.len += 1;
    })
    .map_or(1, |_| 0)
}

/// The last element of `v`, removed (a word extended by `signed`); 0 when `v` is empty.
pub extern "C" fn rvec_pop(v: *mut RVec, signed: u64) -> u64 {
    let v = unsafe { &mut *v };
    if v.len == 0 {
        return 0;
    }
    v.len -= 1;
    unsafe { v.read(v.len, signed != 0) }
}

/// A red vector holding a copy of `items` (as words).
pub fn rvec_from_words(frame: *mut Frame, items: &[u64], size: usize) -> *mut RVec {
    let mut v = RVec::with_capacity(items.len(), size);
    for (i, x) in items.iter().enumerate() {
        unsafe { v.write(i, *x) };
    }
    v.len = items.len();
    own(frame, v)
}

/// The elements of a red vector as words.
pub fn rvec_to_words(v: *const RVec, signed: bool) -> Vec<u64> {
    let v = unsafe { &*v };
    (0..v.len).map(|i| unsafe { v.read(i, signed) }).collect()
}

/// Unsigned 64-bit division (the backend's division is signed); 0 for a zero divisor.
pub extern "C" fn u64_div(a: u64, b: u64) -> u64 {
    a.checked_div(b).unwrap_or(0)
}
pub extern "C" fn u64_rem(a: u64, b: u64) -> u64 {
    a.checked_rem(b).unwrap_or(0)
}
/// 1 when `a * b` overflows as unsigned 64-bit.
pub extern "C" fn u64_mul_overflows(a: u64, b: u64) -> u64 {
    a.checked_mul(b).is_none() as u64
}
pub extern "C" fn i64_div_euclid(a: i64, b: i64) -> i64 {
    a.checked_div_euclid(b).unwrap_or(0)
}
pub extern "C" fn i64_rem_euclid(a: i64, b: i64) -> i64 {
    a.checked_rem_euclid(b).unwrap_or(0)
}
pub extern "C" fn f64_rem(a: f64, b: f64) -> f64 {
    a % b
}
/// `x as T` from `f64` (saturating, NaN to 0), for the integer type numbered `ty` in
/// [`crate::IntTy`] order.
pub extern "C" fn f64_to_int(x: f64, ty: u64) -> u64 {
    match ty {
        0 => x as i8 as i64 as u64,
        1 => x as i16 as i64 as u64,
        2 => x as i32 as i64 as u64,
        3 | 4 => x as i64 as u64,
        5 => x as u8 as u64,
        6 => x as u16 as u64,
        7 => x as u32 as u64,
        _ => x as u64,
    }
}
pub extern "C" fn u64_to_f64(x: u64) -> f64 {
    x as f64
}
