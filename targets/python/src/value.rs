//! Values as the dispatch loop holds them: a tag and a payload, copied freely. Small
//! ints and floats are unboxed (the JIT keeps them in registers); everything else is
//! a handle of an object in the object space's heap ([`crate::objects`]).

/// A Python value. `Undef` is the content of an unbound local slot, never a value a
/// program sees. The tag is a whole word (`repr(u64)`), so every payload sits in the
/// second word and a value moves as two plain words.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(u64)]
pub enum Value {
    Undef,
    None,
    Bool(bool),
    /// An int that fits in an `i64`; larger ints are `Obj` handles of big ints, so an
    /// int has exactly one representation.
    Int(i64),
    Float(f64),
    /// The handle of a heap object (str, big int, list, tuple, dict, function, class,
    /// instance, ...): an index into the object space's heap.
    Obj(u32),
}
