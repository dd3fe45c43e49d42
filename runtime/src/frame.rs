//! Memory that compiled code shares with Rust.
//!
//! A [`Frame`] is made for each call of compiled code; its address is the compiled
//! function's first argument and is passed along every block. Compiled code writes its
//! result (or a panic) into `out`, and red vectors live in the frame's arena as
//! [`RVec`]s. **Invariants:** `out` is at offset 0; an `RVec`'s `ptr`, `len`, `cap` are at
//! offsets 0, 8, 16, and `len <= cap`; the arena frees every vector when the frame drops
//! or is reset, and a sweep frees earlier those compiled code no longer reaches.
//! The `lent` vectors are the frame's own: compiled code fills one (header and elements)
//! right before a residual call borrows it, and nothing else refers to it afterwards.

use std::any::Any;

pub mod sweep;
pub use sweep::{sweep, sweep_roots};

/// Words of `Frame::out`: the largest result, panic or residual-call result.
pub const FRAME_WORDS: usize = 64;

/// Where in `out` a compiled unit finds the first of its red words: after the entry
/// point and the promoted value that an exit to the JIT writes before them (see
/// `jit::Status::Continue`), so a unit reads its words where such an exit left them.
pub const ENTRY_WORDS_AT: usize = 2;

/// Copy `src` into `dst` (of the same length) a word at a time. Compiled code stores
/// words one by one; a wider load that spans two of them (what `copy_from_slice` of a
/// few words compiles to) waits until both stores have retired, where word loads are
/// served from the stores at once.
#[inline(always)]
pub fn copy_words(dst: &mut [u64], src: &[u64]) {
    assert_eq!(dst.len(), src.len());
    for (d, s) in dst.iter_mut().zip(src) {
        // SAFETY: `s` is a valid reference. Volatile, so that the loads stay word loads.
        *d = unsafe { std::ptr::read_volatile(s) };
    }
}

/// Whether a state with `words` red words can go from unit to unit through `out`.
pub fn entry_fits(words: usize) -> bool {
    ENTRY_WORDS_AT + words <= FRAME_WORDS
}

/// How many vectors one residual call can borrow from compiled code that keeps them
/// virtual ([`Frame::lent`]), and the words each holds at most.
pub const LENT_VECS: usize = 4;
pub const LENT_WORDS: usize = 32;

#[repr(C)]
pub struct Frame {
    pub out: [u64; FRAME_WORDS],
    /// Vectors compiled code keeps virtual, written out for one residual call that takes
    /// them by `&` (a `&Vec<T>` or a `&[T]`): headers pointing into `lent_words`. They
    /// never grow or free, so the borrowing callee sees an ordinary red vector.
    pub lent: [RVec; LENT_VECS],
    pub lent_words: [[u64; LENT_WORDS]; LENT_VECS],
    /// The payload of a panic caught in a residual call (status 2).
    pub panic: Option<Box<dyn Any + Send>>,
    /// Nonzero when the arena has grown enough since the last sweep that compiled code
    /// should sweep it at its next jump to a merge block (see [`sweep`]).
    pub sweep_due: u64,
    /// Where compiled code enters the unit it calls: 0 at its start, else a case of the
    /// unit's entry switch (see `jit::Unit::entry`).
    pub entry_case: u64,
    arena: Vec<*mut RVec>,
    /// Red structs compiled code allocated: each the words of its fields.
    structs: Vec<Box<[u64]>>,
    /// What a sweep may free: `arena[pinned.0..]` and `structs[pinned.1..]`. The others
    /// were made before compiled code last started running, and Rust may hold them.
    pinned: (usize, usize),
    /// The arena's and the structs' length together at which a sweep is due.
    sweep_at: usize,
    /// The bytes of the elements and fields the frame holds (as allocated), and the
    /// number at which a sweep is due.
    bytes: usize,
    sweep_at_bytes: usize,
    /// The roots compiled code gave for the sweep it is about to ask for.
    roots: Vec<u64>,
    /// The `jit::Jit` that lent the frame (null for a frame made outside one): compiled
    /// code running in it calls the portal again through that JIT without looking up
    /// its thread's.
    pub owner: *const (),
}

impl Default for Frame {
    fn default() -> Self {
        let (sweep_at_bytes, sweep_at) = sweep::first_sweep();
        Frame {
            out: [0; FRAME_WORDS],
            lent: std::array::from_fn(|_| RVec {
                ptr: RVec::dangling(8),
                len: 0,
                cap: 0,
                size: 8,
            }),
            lent_words: [[0; LENT_WORDS]; LENT_VECS],
            panic: None,
            sweep_due: 0,
            entry_case: 0,
            arena: Vec::new(),
            structs: Vec::new(),
            pinned: (0, 0),
            sweep_at,
            bytes: 0,
            sweep_at_bytes,
            roots: Vec::new(),
            owner: std::ptr::null(),
        }
    }
}

impl Frame {
    /// Byte offsets in a frame of lent vector `k`'s header and of its elements.
    pub fn lent_offsets(k: usize) -> (usize, usize) {
        (
            std::mem::offset_of!(Frame, lent) + k * std::mem::size_of::<RVec>(),
            std::mem::offset_of!(Frame, lent_words) + k * LENT_WORDS * 8,
        )
    }

    /// Free what compiled code allocated in the frame and forget a caught panic, so the
    /// frame can serve another call (its `out` words are left as they are).
    #[inline]
    pub fn reset(&mut self) {
        if !self.arena.is_empty() {
            for v in self.arena.drain(..) {
                unsafe { RVec::free(v) };
            }
        }
        if !self.structs.is_empty() {
            self.structs.clear();
        }
        if self.panic.is_some() {
            self.panic = None;
        }
        self.pinned = (0, 0);
        (self.sweep_at_bytes, self.sweep_at) = sweep::first_sweep();
        self.bytes = 0;
        self.sweep_due = 0;
        self.entry_case = 0;
    }

    /// Keep what the frame holds now from sweeps: compiled code is about to run, and
    /// Rust may hold any of it (a loan, a copy to write back, the entry's words).
    #[inline]
    pub fn pin(&mut self) {
        self.pinned = (self.arena.len(), self.structs.len());
    }

    /// The byte offset of [`Frame::sweep_due`].
    pub fn sweep_due_offset() -> i32 {
        std::mem::offset_of!(Frame, sweep_due) as i32
    }

    /// The byte offset of [`Frame::entry_case`].
    pub fn entry_case_offset() -> i32 {
        std::mem::offset_of!(Frame, entry_case) as i32
    }

    fn allocated(&mut self, bytes: usize) {
        self.bytes += bytes;
        if self.arena.len() + self.structs.len() >= self.sweep_at
            || self.bytes >= self.sweep_at_bytes
        {
            self.sweep_due = 1;
        }
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        self.reset();
    }
}

/// A residual call's result words, written by a generated encoder straight into the
/// frame's `out` (the translator refuses results of more than [`FRAME_WORDS`] words).
pub struct OutWords {
    out: *mut u64,
    n: usize,
}

impl OutWords {
    /// # Safety
    /// `frame` is live while the result is written, and nothing else holds a reference
    /// to its `out`.
    #[inline]
    pub unsafe fn new(frame: *mut Frame) -> OutWords {
        OutWords {
            out: std::ptr::addr_of_mut!((*frame).out) as *mut u64,
            n: 0,
        }
    }
}

impl crate::word::Sink for OutWords {
    #[inline]
    fn push(&mut self, w: u64) {
        assert!(self.n < FRAME_WORDS, "a result too large for the JIT frame");
        // SAFETY: in bounds of `out`, which `new`'s caller vouched for.
        unsafe { *self.out.add(self.n) = w };
        self.n += 1;
    }
    #[inline]
    fn len(&self) -> usize {
        self.n
    }
    #[inline]
    fn resize(&mut self, n: usize, w: u64) {
        while self.n < n {
            self.push(w);
        }
        self.n = n;
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
    /// The allocation of `cap` elements of `size` bytes: `Vec<T>`'s for a scalar `T`
    /// (whose alignment is its size), so a buffer moves between an `RVec` and a `Vec`
    /// without a copy (see [`LentVec`], [`TakenVec`]); elements of several words are
    /// 8-aligned. `None` for no allocation (`cap` 0: the pointer is dangling, as `Vec`'s).
    fn layout(cap: usize, size: usize) -> Option<std::alloc::Layout> {
        if cap == 0 {
            return None;
        }
        std::alloc::Layout::from_size_align(cap.checked_mul(size)?, Self::align(size)).ok()
    }

    fn align(size: usize) -> usize {
        size.clamp(1, 8)
    }

    /// The dangling pointer of an empty buffer of elements of `size` bytes.
    fn dangling(size: usize) -> *mut u8 {
        Self::align(size) as *mut u8
    }

    /// Word `j` of element `i` of a vector of elements of several words.
    unsafe fn slot(&self, i: usize, j: usize) -> *mut u64 {
        self.ptr.add(i * self.size + 8 * j) as *mut u64
    }

    fn with_capacity(cap: usize, size: usize) -> Box<RVec> {
        let ptr = if cap == 0 {
            Self::dangling(size)
        } else {
            let layout = cap
                .checked_mul(size)
                .filter(|n| *n <= isize::MAX as usize)
                .and_then(|_| Self::layout(cap, size))
                .unwrap_or_else(|| panic!("capacity overflow"));
            let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
            if ptr.is_null() {
                std::alloc::handle_alloc_error(layout);
            }
            ptr
        };
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

    /// Leave the vector empty without its buffer (now owned elsewhere).
    fn forget_buffer(&mut self) {
        self.ptr = Self::dangling(self.size);
        self.len = 0;
        self.cap = 0;
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

    /// Write `items` as the first elements (capacity permitting).
    fn set_words(&mut self, items: &[u64]) {
        if self.size > 8 {
            let width = self.size / 8;
            for (k, x) in items.iter().enumerate().take(self.cap * width) {
                unsafe { *self.slot(k / width, k % width) = *x };
            }
        } else {
            for (i, x) in items.iter().enumerate().take(self.cap) {
                unsafe { self.write(i, *x) };
            }
        }
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
    unsafe {
        (*frame).arena.push(p);
        (*frame).allocated((*p).cap * (*p).size);
    }
    p
}

/// Scalar types whose `Vec`s share their buffers with red vectors: a value's bytes are
/// what [`RVec::read`] and the compiled code's stores give, and its alignment is its
/// size (so `Vec<T>`'s allocation is [`RVec`]'s).
///
/// # Safety
/// Only for types with those two properties.
pub unsafe trait Element: Copy + 'static {}
macro_rules! elements {
    ($($t:ty),*) => {$(
        unsafe impl Element for $t {}
        const _: () = assert!(std::mem::size_of::<$t>() == std::mem::align_of::<$t>());
    )*};
}
elements!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, bool, char, f64);

/// A Rust `&mut Vec<T>` lent to compiled code for one portal call: its buffer moves into
/// a red vector of the frame (no copy), and back into the `Vec`, with whatever compiled
/// code did to it, when the loan drops (a panic included). **Invariant:** the frame
/// outlives the loan (drop the loan first), and nothing touches the `Vec` meanwhile.
pub struct LentVec<T: Element> {
    rv: *mut RVec,
    v: *mut Vec<T>,
}

impl<T: Element> LentVec<T> {
    /// Lend `v` to compiled code running in `frame`.
    ///
    /// # Safety
    /// `frame` is live, and outlives the loan; `v` is not used until the loan drops.
    pub unsafe fn new(frame: *mut Frame, v: &mut Vec<T>) -> LentVec<T> {
        let mut taken = std::mem::ManuallyDrop::new(std::mem::take(v));
        let size = std::mem::size_of::<T>();
        let rv = Box::new(RVec {
            ptr: taken.as_mut_ptr() as *mut u8,
            len: taken.len(),
            cap: taken.capacity(),
            size,
        });
        LentVec {
            rv: own(frame, rv),
            v,
        }
    }

    /// The red vector's word (its pointer), as compiled code takes it.
    pub fn word(&self) -> u64 {
        self.rv as u64
    }
}

impl<T: Element> Drop for LentVec<T> {
    fn drop(&mut self) {
        unsafe {
            let rv = &mut *self.rv;
            *self.v = Vec::from_raw_parts(rv.ptr as *mut T, rv.len, rv.cap);
            rv.forget_buffer();
        }
    }
}

/// A Rust `&mut T` (a `Vec` of values of several words, which compiled code stores in
/// its own layout) passed to compiled code as a copy, the red vector `word`: when this
/// drops (a panic included), the value is decoded back into the `&mut`, with compiled
/// code's changes. **Invariant:** the frame outlives it.
pub struct CopiedBack<'a, T> {
    target: &'a mut T,
    word: u64,
    frame: *mut Frame,
    dec: fn(&mut crate::word::Words<'_>, *mut Frame) -> T,
}

impl<'a, T> CopiedBack<'a, T> {
    pub fn new(
        target: &'a mut T,
        word: u64,
        frame: *mut Frame,
        dec: fn(&mut crate::word::Words<'_>, *mut Frame) -> T,
    ) -> Self {
        CopiedBack {
            target,
            word,
            frame,
            dec,
        }
    }
}

impl<T> Drop for CopiedBack<'_, T> {
    fn drop(&mut self) {
        *self.target = (self.dec)(&mut crate::word::Words::new(&[self.word]), self.frame);
    }
}

/// Compiled code's red vector lent to Rust as a `Vec<T>` for a residual call that takes
/// it by `&mut` (a recursive portal call sharing a heap): the buffer moves into the
/// `Vec` (no copy) and back into the red vector when this drops, so compiled code sees
/// the callee's changes. Dereferences to the `Vec`.
pub struct TakenVec<T: Element> {
    rv: *mut RVec,
    v: Vec<T>,
}

impl<T: Element> TakenVec<T> {
    /// Take the buffer of the red vector `rv` (its word in compiled code).
    ///
    /// # Safety
    /// `rv` is a live red vector of elements of `T`'s size, not used until this drops.
    pub unsafe fn new(rv: u64) -> TakenVec<T> {
        let rv = rv as *mut RVec;
        let r = &mut *rv;
        assert_eq!(
            r.size,
            std::mem::size_of::<T>(),
            "red vector of another element size"
        );
        let v = Vec::from_raw_parts(r.ptr as *mut T, r.len, r.cap);
        r.forget_buffer();
        TakenVec { rv, v }
    }
}

impl<T: Element> std::ops::Deref for TakenVec<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.v
    }
}

impl<T: Element> std::ops::DerefMut for TakenVec<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.v
    }
}

impl<T: Element> Drop for TakenVec<T> {
    fn drop(&mut self) {
        let mut v = std::mem::ManuallyDrop::new(std::mem::take(&mut self.v));
        let r = unsafe { &mut *self.rv };
        r.ptr = v.as_mut_ptr() as *mut u8;
        r.len = v.len();
        r.cap = v.capacity();
    }
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

/// `v.push(..)`: the address of the new last element (its words are the caller's to
/// store); null when that panics (the panic is in the frame).
pub extern "C" fn rvec_push_slot(frame: *mut Frame, v: *mut RVec) -> *mut u8 {
    let v = unsafe { &mut *v };
    guarded(frame, || {
        if v.len == v.cap {
            v.grow();
        }
        v.len += 1;
        unsafe { v.ptr.add((v.len - 1) * v.size) }
    })
    .unwrap_or(std::ptr::null_mut())
}

/// Zeros to read an empty vector's `pop` from: as wide as the widest element.
static ZEROS: [u64; FRAME_WORDS] = [0; FRAME_WORDS];

/// `v.pop()`: the address of the element removed (valid until the vector next grows),
/// or of zeros when `v` is empty.
pub extern "C" fn rvec_pop_slot(v: *mut RVec) -> *const u8 {
    let v = unsafe { &mut *v };
    if v.len == 0 {
        return ZEROS.as_ptr() as *const u8;
    }
    v.len -= 1;
    unsafe { v.ptr.add(v.len * v.size) }
}

/// `vec![x; n]` of elements of `width` words, `x` being the first `width` words of the
/// frame's `out`; a null pointer when that panics.
pub extern "C" fn rvec_repeat_slots(frame: *mut Frame, n: u64, width: u64) -> *mut RVec {
    let width = width as usize;
    let x: Vec<u64> = unsafe { (&(*frame).out)[..width.min(FRAME_WORDS)].to_vec() };
    let v = rvec_zeroed(frame, n, 8 * width as u64);
    if !v.is_null() && x.iter().any(|w| *w != 0) {
        let v = unsafe { &mut *v };
        for i in 0..v.len {
            for (j, w) in x.iter().enumerate() {
                unsafe { *v.slot(i, j) = *w };
            }
        }
    }
    v
}

/// A red struct of `words` words, all zero (its fields' words are the caller's to
/// store); it lives as long as the frame.
pub extern "C" fn rstruct_new(frame: *mut Frame, words: u64) -> *mut u64 {
    rstruct_from_words(frame, &vec![0; words as usize])
}

/// A red struct holding `words`.
pub fn rstruct_from_words(frame: *mut Frame, words: &[u64]) -> *mut u64 {
    let mut b: Box<[u64]> = words.into();
    let p = b.as_mut_ptr();
    unsafe {
        (*frame).allocated(8 * b.len());
        (*frame).structs.push(b);
    }
    p
}

/// A copy of `words` that lives as long as the frame: the 8-byte slots of a red slice
/// of values of several words (a Rust `&[T]` encoded for compiled code).
pub fn slots_from_words(frame: *mut Frame, words: &[u64]) -> *const u64 {
    rstruct_from_words(frame, words)
}

/// The words of the red slice (`p`, `n` elements of `width` words), in place.
///
/// # Safety
/// `p` points to `n * width` live words (or `n` is 0), unchanged while the slice is used.
pub unsafe fn slots<'a>(p: *const u64, n: usize, width: usize) -> &'a [u64] {
    if n == 0 {
        return &[];
    }
    std::slice::from_raw_parts(p, n * width)
}

/// The red slice (`p`, `n` elements of `W` words) as the Rust slice it already is: for
/// an element type whose words, one 8-byte slot each, are a valid Rust value at the
/// same address (the translator checks the type: `Types::lends_in_place`). Checked
/// when the generated code is built: `T` is `W` words in size, aligned within a word.
///
/// # Safety
/// `p` points to `n * W` live words (or `n` is 0) that hold valid `T`s, unchanged while
/// the slice is used.
pub unsafe fn slots_as<'a, T, const W: usize>(p: *const u64, n: usize) -> &'a [T] {
    const {
        assert!(std::mem::size_of::<T>() == 8 * W && std::mem::align_of::<T>() <= 8);
    }
    if n == 0 {
        return &[];
    }
    std::slice::from_raw_parts(p as *const T, n)
}

/// The red vector `v` as the Rust slice its elements already are (see [`slots_as`]).
///
/// # Safety
/// `v` is a live red vector of `T`s laid out as [`slots_as`] requires, unchanged while
/// the slice is used.
pub unsafe fn rvec_as<'a, T, const W: usize>(v: *const RVec) -> &'a [T] {
    let v = &*v;
    debug_assert_eq!(v.size, 8 * W);
    slots_as::<T, W>(v.ptr as *const u64, v.len)
}

/// The `n` words of the red struct `p`.
pub fn rstruct_words(p: *const u64, n: usize) -> Vec<u64> {
    (0..n).map(|i| unsafe { *p.add(i) }).collect()
}

/// Overwrite the words of the red struct `p` (what a residual call that took it by
/// `&mut` left in its copy).
pub fn rstruct_set_words(p: *mut u64, words: &[u64]) {
    for (i, w) in words.iter().enumerate() {
        unsafe { *p.add(i) = *w };
    }
}

/// A red vector holding a copy of `items` (as words): one element a word for elements
/// of up to 8 bytes, else `size / 8` words an element.
pub fn rvec_from_words(frame: *mut Frame, items: &[u64], size: usize) -> *mut RVec {
    let width = (size / 8).max(1);
    let n = items.len() / width;
    let mut v = RVec::with_capacity(n, size);
    v.len = n;
    v.set_words(items);
    own(frame, v)
}

/// The elements of a red vector as words (all words of each element, in order).
pub fn rvec_to_words(v: *const RVec, signed: bool) -> Vec<u64> {
    let v = unsafe { &*v };
    if v.size > 8 {
        let width = v.size / 8;
        return (0..v.len)
            .flat_map(|i| (0..width).map(move |j| unsafe { *v.slot(i, j) }))
            .collect();
    }
    (0..v.len).map(|i| unsafe { v.read(i, signed) }).collect()
}

/// The words of a red vector of elements of several words, in place (`len * width`
/// of them), for decoding it without a copy. **Invariant:** nothing changes the vector
/// while the slice is used.
///
/// # Safety
/// `v` is a live red vector of elements of more than 8 bytes.
pub unsafe fn rvec_slots<'a>(v: *const RVec) -> &'a [u64] {
    let v = &*v;
    if v.len == 0 {
        return &[];
    }
    std::slice::from_raw_parts(v.ptr as *const u64, v.len * v.size / 8)
}

/// Replace the contents of the red vector `v` with `items` (as [`rvec_from_words`]
/// reads them): what a residual call that took it by `&mut` left in its copy.
pub fn rvec_set_words(v: *mut RVec, items: &[u64]) {
    let v = unsafe { &mut *v };
    let width = (v.size / 8).max(1);
    let n = items.len() / width;
    if n > v.cap {
        let mut fresh = RVec::with_capacity(n, v.size);
        std::mem::swap(&mut v.ptr, &mut fresh.ptr);
        std::mem::swap(&mut v.cap, &mut fresh.cap);
        fresh.len = 0;
        unsafe { RVec::free(Box::into_raw(fresh)) };
    }
    v.len = n;
    v.set_words(items);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_words_copies_every_word() {
        let src = [1u64, 2, 3, u64::MAX];
        let mut dst = [0u64; 4];
        copy_words(&mut dst[1..], &src[..3]);
        assert_eq!(dst, [0, 1, 2, 3]);
    }

    /// `v.push(x)` of a scalar (its word); 0, or 1 when it panicked.
    fn rvec_push(frame: *mut Frame, v: *mut RVec, x: u64) -> u64 {
        let p = rvec_push_slot(frame, v);
        if p.is_null() {
            return 1;
        }
        let v = unsafe { &mut *v };
        unsafe { v.write(v.len - 1, x) };
        0
    }

    /// The last element of a vector of scalars, removed (a word extended by `signed`); 0
    /// when `v` is empty.
    fn rvec_pop(v: *mut RVec, signed: u64) -> u64 {
        let v = unsafe { &mut *v };
        if v.len == 0 {
            return 0;
        }
        v.len -= 1;
        unsafe { v.read(v.len, signed != 0) }
    }

    #[test]
    fn a_lent_vec_comes_back_with_compiled_codes_changes() {
        let mut frame = Frame::default();
        let fr: *mut Frame = &mut frame;
        for start in [vec![], vec![1i64], vec![1, 2, 3, 4]] {
            let mut v: Vec<i64> = start.clone();
            {
                let loan = unsafe { LentVec::new(fr, &mut v) };
                let rv = loan.word() as *mut RVec;
                for x in 10..20 {
                    assert_eq!(rvec_push(fr, rv, x as u64), 0);
                }
                assert_eq!(rvec_pop(rv, 1), 19);
            }
            let mut want = start.clone();
            want.extend(10..19);
            assert_eq!(v, want);
        }
        // The frame frees its (now empty) red vectors; the `Vec`s own their buffers.
        drop(frame);
    }

    #[test]
    fn a_taken_vec_gives_rust_changes_back_to_compiled_code() {
        let mut frame = Frame::default();
        let fr: *mut Frame = &mut frame;
        for items in [vec![], vec![7u64], vec![1, 2, 3]] {
            let rv = rvec_from_words(fr, &items, 1);
            {
                let mut t = unsafe { TakenVec::<u8>::new(rv as u64) };
                assert_eq!(t.len(), items.len());
                t.extend(100..140u8);
                t.remove(0);
            }
            let mut want: Vec<u64> = items.clone();
            want.extend(100..140);
            want.remove(0);
            assert_eq!(rvec_to_words(rv, false), want);
            // Compiled code goes on using it.
            assert_eq!(rvec_push(fr, rv, 5), 0);
            assert_eq!(rvec_to_words(rv, false).last(), Some(&5));
        }
    }

    #[test]
    fn empty_red_vectors_allocate_nothing() {
        let mut frame = Frame::default();
        let fr: *mut Frame = &mut frame;
        let rv = rvec_zeroed(fr, 0, 4);
        let t = unsafe { TakenVec::<char>::new(rv as u64) };
        assert_eq!(t.as_ptr() as usize, 4);
        drop(t);
        assert_eq!(rvec_push(fr, rv, 'x' as u64), 0);
        assert_eq!(rvec_to_words(rv, false), vec!['x' as u64]);
    }
}
