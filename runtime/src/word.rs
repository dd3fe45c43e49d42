//! Red values at compile time.
//!
//! A red variable of the interpreter is a [`Red`]: the list of machine words its type
//! flattens to (see `translator::timeshift::layout`). Each word is a constant, when its
//! value is known while compiling, or a backend value of the block being emitted.
//! **Invariant:** an integer word holds its value extended to 64 bits (sign-extended for
//! signed types, zero-extended for unsigned ones); a bool is 0 or 1; a char its code.

use backend::{Kind, Value};

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Word {
    Const(u64, Kind),
    Var(Value, Kind),
    /// A vector the compiled code has not allocated: number `n` of the path's virtual
    /// vectors (see [`crate::cx::Cx::virtual_vec`]). Its kind is `Ptr`, the kind of the
    /// vector once it is allocated.
    Virtual(u32),
}

impl Word {
    pub fn int(v: i64) -> Word {
        Word::Const(v as u64, Kind::Int)
    }
    pub fn kind(self) -> Kind {
        match self {
            Word::Const(_, k) | Word::Var(_, k) => k,
            Word::Virtual(_) => Kind::Ptr,
        }
    }
    pub fn as_const(self) -> Option<u64> {
        match self {
            Word::Const(v, _) => Some(v),
            Word::Var(..) | Word::Virtual(_) => None,
        }
    }
}

/// A red value: its words, in layout order (most are one or two words: held in place,
/// so copying one between states allocates nothing).
pub type Red = smallvec::SmallVec<[Word; 2]>;

/// The constant words of a layout, all zero (the filler of unused enum slots).
pub fn zeros(kinds: &[Kind]) -> Red {
    kinds.iter().map(|k| Word::Const(0, *k)).collect()
}

/// A red value made of the constant words `bits`, of kinds `kinds`.
pub fn consts(kinds: &[Kind], bits: &[u64]) -> Red {
    kinds
        .iter()
        .zip(bits)
        .map(|(k, b)| Word::Const(*b, *k))
        .collect()
}

/// Why generating code stopped following a path.
#[derive(Clone, Debug, PartialEq)]
pub enum Stop {
    /// The path panics when run: the message template (`{}` holes) and the words that
    /// fill it. Compiled code exits with this panic; it is not a compile error.
    Panic(String, Red),
    /// The unit cannot be compiled; the portal falls back to the plain interpreter.
    Fail(String),
}

impl Stop {
    pub fn panic(msg: impl Into<String>) -> Stop {
        Stop::Panic(msg.into(), Red::new())
    }
    pub fn fail(msg: impl Into<String>) -> Stop {
        Stop::Fail(msg.into())
    }
}

impl From<backend::BuildError> for Stop {
    fn from(e: backend::BuildError) -> Stop {
        Stop::Fail(format!("backend: {e}"))
    }
}

/// Integer types, as the red operations need them.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum IntTy {
    I8,
    I16,
    I32,
    I64,
    Isize,
    U8,
    U16,
    U32,
    U64,
    Usize,
}

impl IntTy {
    pub fn bits(self) -> u32 {
        match self {
            IntTy::I8 | IntTy::U8 => 8,
            IntTy::I16 | IntTy::U16 => 16,
            IntTy::I32 | IntTy::U32 => 32,
            _ => 64,
        }
    }
    pub fn signed(self) -> bool {
        matches!(
            self,
            IntTy::I8 | IntTy::I16 | IntTy::I32 | IntTy::I64 | IntTy::Isize
        )
    }
    pub fn min(self) -> i128 {
        if self.signed() {
            -(1i128 << (self.bits() - 1))
        } else {
            0
        }
    }
    pub fn max(self) -> i128 {
        if self.signed() {
            (1i128 << (self.bits() - 1)) - 1
        } else {
            (1i128 << self.bits()) - 1
        }
    }
    /// `v` reduced to this type (two's complement).
    pub fn wrap(self, v: i128) -> i128 {
        let bits = self.bits();
        let m = v & ((1i128 << bits) - 1);
        if self.signed() && m >= 1i128 << (bits - 1) {
            m - (1i128 << bits)
        } else {
            m
        }
    }
    /// The value of a word of this type.
    pub fn from_word(self, w: u64) -> i128 {
        if self.signed() {
            w as i64 as i128
        } else if self.bits() == 64 {
            w as i128
        } else {
            (w & ((1u64 << self.bits()) - 1)) as i128
        }
    }
    /// The word of a value of this type (which must be in range).
    pub fn to_word(self, v: i128) -> u64 {
        v as i64 as u64
    }
    /// A 64-bit type whose values can exceed `i64::MAX` (unsigned compares needed).
    pub fn is_u64(self) -> bool {
        matches!(self, IntTy::U64 | IntTy::Usize)
    }
    pub fn is_i64(self) -> bool {
        matches!(self, IntTy::I64 | IntTy::Isize)
    }
    pub fn name(self) -> &'static str {
        match self {
            IntTy::I8 => "i8",
            IntTy::I16 => "i16",
            IntTy::I32 => "i32",
            IntTy::I64 => "i64",
            IntTy::Isize => "isize",
            IntTy::U8 => "u8",
            IntTy::U16 => "u16",
            IntTy::U32 => "u32",
            IntTy::U64 => "u64",
            IntTy::Usize => "usize",
        }
    }
}

/// The words of the red values `reds`, in order: a state's red words (a generated
/// state holds its block's red inputs in one array).
pub fn flat(reds: &[Red]) -> Vec<Word> {
    let mut w = Vec::with_capacity(reds.iter().map(|r| r.len()).sum());
    for r in reds {
        w.extend_from_slice(r);
    }
    w
}

/// Replace the words of `reds` in place by the next words of `it`, in [`flat`] order
/// (kinds kept; a word `it` runs out for keeps its value).
pub fn replace_each(reds: &mut [Red], it: &mut dyn Iterator<Item = Word>) {
    for r in reds {
        for w in r.iter_mut() {
            if let Some(x) = it.next() {
                *w = x;
            }
        }
    }
}

/// The merge key of a state at block `block` whose green inputs are `greens`.
pub fn state_key<K: GreenKey + ?Sized>(block: u32, greens: &K) -> crate::MergeKey {
    let mut k = Vec::new();
    greens.key(&mut k);
    (block, k)
}

/// The value of an enum layout: `tag`, then `fields` at word `offset`, zeros elsewhere.
pub fn variant(kinds: &[Kind], tag: i64, offset: usize, fields: &[&Red]) -> Red {
    let mut w = zeros(kinds);
    if let Some(t) = w.first_mut() {
        *t = Word::int(tag);
    }
    let mut i = offset;
    for f in fields {
        for x in f.iter() {
            if i < w.len() {
                w[i] = *x;
            }
            i += 1;
        }
    }
    w
}

/// Skip `n` words of an encoded value.
pub fn skip(it: &mut Words<'_>, n: usize) {
    it.at += n;
}

/// The value of a two-word type laid out as its tag word then its payload word (an
/// enum the translator lends in place), made from those words. It is built in one
/// 16-byte register and stored whole: a callee that takes it by reference loads it
/// whole, and a load that spans two smaller stores would wait for both to retire.
///
/// # Safety
/// `T` is 16 bytes, and `(tag, payload)` is a valid value of it: `tag` a variant's
/// index and `payload` (its low bytes) a valid value of that variant's field, if any.
#[inline(always)]
pub unsafe fn from_tag_and_payload<T>(tag: u64, payload: u64) -> T {
    const { assert!(std::mem::size_of::<T>() == 16) };
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::_mm_set_epi64x;
        // SAFETY: SSE2 is part of x86-64; the caller vouches for the value.
        std::mem::transmute_copy(&_mm_set_epi64x(payload as i64, tag as i64))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        std::mem::transmute_copy(&[tag, payload])
    }
}

/// The words of encoded values, read in order by generated decoders: past the end,
/// zeros (a decoder given too few words reads zeros, as for a dead variable).
pub struct Words<'a> {
    words: &'a [u64],
    at: usize,
}

impl<'a> Words<'a> {
    #[inline]
    pub fn new(words: &'a [u64]) -> Words<'a> {
        Words { words, at: 0 }
    }

    /// The next word (zero past the end).
    #[inline]
    pub fn next(&mut self) -> Option<u64> {
        let w = self.words.get(self.at).copied();
        self.at += 1;
        w
    }
}

/// Values decoded for a residual call that borrows them as a slice: on the stack when
/// there are few.
pub type Items<T> = smallvec::SmallVec<[T; 8]>;

/// Where generated encoders write a value's words: a `Vec`, or the frame's `out`
/// ([`crate::frame::OutWords`]) for a residual call's result, which costs no allocation.
pub trait Sink {
    fn push(&mut self, w: u64);
    fn len(&self) -> usize;
    /// Pad with `w` (or cut) to `n` words.
    fn resize(&mut self, n: usize, w: u64);
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Sink for Vec<u64> {
    #[inline]
    fn push(&mut self, w: u64) {
        Vec::push(self, w)
    }
    #[inline]
    fn len(&self) -> usize {
        Vec::len(self)
    }
    #[inline]
    fn resize(&mut self, n: usize, w: u64) {
        Vec::resize(self, n, w)
    }
}

/// Green values that can be part of a merge key.
pub trait GreenKey {
    fn key(&self, out: &mut Vec<u64>);
    /// `h` with the words [`GreenKey::key`] writes mixed in, in order (see
    /// [`crate::hot::mix`]), without writing them anywhere.
    fn mix(&self, h: u64) -> u64;
    /// Whether `words` starts with the words [`GreenKey::key`] writes; if so they are
    /// taken off its front. Compares in place, without writing the key anywhere.
    fn matches(&self, words: &mut &[u64]) -> bool;
}

/// Take word `w` off the front of `words`, if it is the first.
#[inline(always)]
fn take_word(words: &mut &[u64], w: u64) -> bool {
    match words.split_first() {
        Some((first, rest)) if *first == w => {
            *words = rest;
            true
        }
        _ => false,
    }
}

macro_rules! key_scalar {
    ($($t:ty),*) => {$(
        impl GreenKey for $t {
            #[inline]
            fn key(&self, out: &mut Vec<u64>) { out.push(*self as u64) }
            #[inline]
            fn mix(&self, h: u64) -> u64 { crate::hot::mix(h, *self as u64) }
            #[inline]
            fn matches(&self, words: &mut &[u64]) -> bool { take_word(words, *self as u64) }
        }
    )*};
}
key_scalar!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, bool, char);

impl GreenKey for f64 {
    #[inline]
    fn key(&self, out: &mut Vec<u64>) {
        out.push(self.to_bits())
    }
    #[inline]
    fn mix(&self, h: u64) -> u64 {
        crate::hot::mix(h, self.to_bits())
    }
    #[inline]
    fn matches(&self, words: &mut &[u64]) -> bool {
        take_word(words, self.to_bits())
    }
}
impl GreenKey for () {
    #[inline]
    fn key(&self, _: &mut Vec<u64>) {}
    #[inline]
    fn mix(&self, h: u64) -> u64 {
        h
    }
    #[inline]
    fn matches(&self, _: &mut &[u64]) -> bool {
        true
    }
}
/// Green slices are interned (see `Jit::intern`): the address stands for the contents.
impl<T> GreenKey for &'static [T] {
    #[inline]
    fn key(&self, out: &mut Vec<u64>) {
        out.push(self.as_ptr() as u64);
        out.push(self.len() as u64);
    }
    #[inline]
    fn mix(&self, h: u64) -> u64 {
        crate::hot::mix(crate::hot::mix(h, self.as_ptr() as u64), self.len() as u64)
    }
    #[inline]
    fn matches(&self, words: &mut &[u64]) -> bool {
        take_word(words, self.as_ptr() as u64) && take_word(words, self.len() as u64)
    }
}
/// Green structs, vectors and arrays are borrowed from interned data (never written or
/// freed): the address stands for the contents.
impl<T> GreenKey for &'static T {
    #[inline]
    fn key(&self, out: &mut Vec<u64>) {
        out.push(*self as *const T as u64);
    }
    #[inline]
    fn mix(&self, h: u64) -> u64 {
        crate::hot::mix(h, *self as *const T as u64)
    }
    #[inline]
    fn matches(&self, words: &mut &[u64]) -> bool {
        take_word(words, *self as *const T as u64)
    }
}
impl GreenKey for &'static str {
    #[inline]
    fn key(&self, out: &mut Vec<u64>) {
        out.push(self.as_ptr() as u64);
        out.push(self.len() as u64);
    }
    #[inline]
    fn mix(&self, h: u64) -> u64 {
        crate::hot::mix(crate::hot::mix(h, self.as_ptr() as u64), self.len() as u64)
    }
    #[inline]
    fn matches(&self, words: &mut &[u64]) -> bool {
        take_word(words, self.as_ptr() as u64) && take_word(words, self.len() as u64)
    }
}

/// A generated state's green inputs are a tuple (tuples of more than twelve are nested):
/// its key is its items' keys in order.
macro_rules! key_tuple {
    ($($i:tt $t:ident),+) => {
        impl<$($t: GreenKey),+> GreenKey for ($($t,)+) {
            #[inline]
            fn key(&self, out: &mut Vec<u64>) {
                $(self.$i.key(out);)+
            }
            #[inline]
            fn mix(&self, h: u64) -> u64 {
                let h = h;
                $(let h = self.$i.mix(h);)+
                h
            }
            #[inline]
            fn matches(&self, words: &mut &[u64]) -> bool {
                $(self.$i.matches(words))&&+
            }
        }
    };
}
key_tuple!(0 A);
key_tuple!(0 A, 1 B);
key_tuple!(0 A, 1 B, 2 C);
key_tuple!(0 A, 1 B, 2 C, 3 D);
key_tuple!(0 A, 1 B, 2 C, 3 D, 4 E);
key_tuple!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F);
key_tuple!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G);
key_tuple!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H);
key_tuple!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I);
key_tuple!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J);
key_tuple!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K);
key_tuple!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L);

#[cfg(test)]
mod tests {
    use super::*;

    fn red(ws: &[u64]) -> Red {
        ws.iter().map(|w| Word::Const(*w, Kind::Int)).collect()
    }

    #[test]
    fn a_tagged_word_is_its_tag_and_payload() {
        #[derive(Debug, PartialEq)]
        #[repr(u64)]
        #[allow(dead_code)]
        enum V {
            Empty,
            Int(i64),
            Float(f64),
            Handle(u32),
        }
        let v = |t, p| unsafe { from_tag_and_payload::<V>(t, p) };
        assert_eq!(v(0, 99), V::Empty);
        assert_eq!(v(1, -5i64 as u64), V::Int(-5));
        assert_eq!(v(2, 2.5f64.to_bits()), V::Float(2.5));
        // A short field is the payload word's low bytes.
        assert_eq!(v(3, 0xdead_0000_0007), V::Handle(7));
    }

    #[test]
    fn flat_and_replace_each_agree_on_order() {
        let mut reds = [red(&[1, 2]), red(&[]), red(&[3])];
        assert_eq!(flat(&reds), red(&[1, 2, 3]).to_vec());
        replace_each(&mut reds, &mut red(&[7, 8]).into_iter());
        assert_eq!(flat(&reds), red(&[7, 8, 3]).to_vec());
    }

    #[test]
    fn nested_green_tuples_key_like_flat_ones() {
        let flat_key = state_key(4, &(1u8, 2i64, true, 'a'));
        let nested = state_key(4, &((1u8, 2i64), (true,), ('a',)));
        assert_eq!(flat_key, (4, vec![1, 2, 1, 'a' as u64]));
        assert_eq!(flat_key, nested);
        assert_ne!(state_key(5, &()), state_key(4, &()));
        let g = ((1u8, 2i64), (true,), ('a',));
        assert_eq!(
            g.mix(crate::hot::start(4)),
            crate::hot::key_hash(4, &flat_key.1)
        );
    }

    #[test]
    fn matches_takes_exactly_the_key_words() {
        static CODE: [u8; 3] = [1, 2, 3];
        let g = ((&CODE[..], 7usize), (-1i64, 2.5f64));
        let mut key = Vec::new();
        g.key(&mut key);
        let mut longer = key.clone();
        longer.push(99);
        let mut rest = &longer[..];
        assert!(g.matches(&mut rest));
        assert_eq!(rest, &[99]);
        for i in 0..key.len() {
            let mut other = key.clone();
            other[i] ^= 1;
            assert!(!g.matches(&mut &other[..]), "word {i} differs");
        }
        assert!(!g.matches(&mut &key[..key.len() - 1]));
    }
}
