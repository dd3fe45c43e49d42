//! The operations of flow graphs. Every op has a stable name (its `Display`), used in the
//! text form, in DOT output and by later phases; the evaluator in [`super::eval`] defines
//! what each one does.
//!
//! Integer arithmetic follows Rust with overflow checks on (the semantics of a debug
//! build, kept in translated binaries): `int_add` and friends panic on overflow,
//! `int_*_wrap` wrap, `int_*_checked` give an `Option`. Division and remainder by zero
//! panic. Indexing out of bounds panics. A panic ends the function with an error.
//! `float_to_bits` (`f64` to `u64`) and `float_from_bits` (`u64` to `f64`) keep every
//! bit, NaN payloads included.

use super::types::Ty;
use std::fmt;

macro_rules! prims {
    ($($variant:ident => $name:literal,)*) => {
        /// Scalar operations, by stable name.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum Prim { $($variant,)* }
        impl Prim {
            pub const ALL: &'static [Prim] = &[$(Prim::$variant,)*];
            pub fn name(self) -> &'static str {
                match self { $(Prim::$variant => $name,)* }
            }
        }
    };
}

prims! {
    IntAdd => "int_add", IntSub => "int_sub", IntMul => "int_mul", IntDiv => "int_div",
    IntRem => "int_rem", IntNeg => "int_neg", IntAnd => "int_and", IntOr => "int_or",
    IntXor => "int_xor", IntShl => "int_shl", IntShr => "int_shr", IntInvert => "int_invert",
    IntEq => "int_eq", IntNe => "int_ne", IntLt => "int_lt", IntLe => "int_le",
    IntGt => "int_gt", IntGe => "int_ge",
    IntAddWrap => "int_add_wrap", IntSubWrap => "int_sub_wrap", IntMulWrap => "int_mul_wrap",
    IntNegWrap => "int_neg_wrap", IntShlWrap => "int_shl_wrap", IntShrWrap => "int_shr_wrap",
    IntAddChecked => "int_add_checked", IntSubChecked => "int_sub_checked",
    IntMulChecked => "int_mul_checked", IntDivChecked => "int_div_checked",
    IntRemChecked => "int_rem_checked", IntNegChecked => "int_neg_checked",
    IntMin => "int_min", IntMax => "int_max", IntAbs => "int_abs",
    IntRemEuclid => "int_rem_euclid", IntDivEuclid => "int_div_euclid",
    FloatAdd => "float_add", FloatSub => "float_sub", FloatMul => "float_mul",
    FloatDiv => "float_div", FloatRem => "float_rem", FloatNeg => "float_neg",
    FloatEq => "float_eq", FloatNe => "float_ne", FloatLt => "float_lt", FloatLe => "float_le",
    FloatGt => "float_gt", FloatGe => "float_ge",
    FloatToBits => "float_to_bits", FloatFromBits => "float_from_bits",
    BoolNot => "bool_not", BoolEq => "bool_eq", BoolNe => "bool_ne", BoolAnd => "bool_and",
    BoolOr => "bool_or", BoolXor => "bool_xor",
    CharEq => "char_eq", CharNe => "char_ne", CharLt => "char_lt", CharLe => "char_le",
    CharGt => "char_gt", CharGe => "char_ge",
}

/// Hints that survive into the graph (see the `hints-macros` crate).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum HintKind {
    Promote,
    Concrete,
    Deepfreeze,
}

/// How `global_merge_point!` says which variables stay green there (see `bta`). The
/// op's arguments are the listed variables: the greens, then the reds.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum MergeRule {
    /// `global_merge_point!()`: the values named like a green of the portal; no arguments.
    ByName,
    /// `global_merge_point!(greens(..))` with `greens` variables, and with `reds(..)` when
    /// `reds` is given.
    Listed { greens: usize, reds: Option<usize> },
}

/// What an op does.
#[derive(Clone, Debug, PartialEq)]
pub enum OpKind {
    Prim(Prim),
    /// `value as T`.
    Cast(Ty),
    /// Copy of a value (a `let` of a variable, a by-value array copy).
    SameAs,
    /// A copy of an aggregate held by value (arrays, tuples, `Copy` structs).
    Copy,
    GetField(String),
    SetField(String),
    /// `seq[i]` for arrays, slices and vectors.
    GetItem,
    SetItem,
    /// `seq[a..b]` as a slice.
    SubSlice,
    Len,
    VecPush,
    /// `v.pop()`, an `Option`.
    VecPop,
    /// `v.truncate(n)` (`v.clear()` is `v.truncate(0)`): a no-op when `n` is at least
    /// the length.
    VecTruncate,
    /// `[x; n]`.
    ArrayRepeat,
    /// `[a, b, c]`.
    ArrayLit,
    /// `vec![x; n]`.
    VecRepeat,
    /// `vec![a, b]`, `Vec::new()`.
    VecLit,
    /// `S { f: a, g: b }` with fields in declaration order.
    NewStruct(String),
    NewTuple,
    TupleGet(usize),
    /// `Enum::Variant(fields)` (also `Some`, `None`, `Ok`, `Err`).
    NewVariant(String, String),
    /// The variant name of an enum value, to switch on.
    VariantTag,
    /// Field `i` of a value known to be variant `name`.
    VariantField(String, usize),
    /// A call to a function of the crate that is analysed.
    Call(String),
    /// A call that is not looked into (outside the crate, or marked `residual`).
    ResidualCall(String),
    Hint(HintKind),
    /// The portal's global merge point: compilation states merge here by green key.
    GlobalMergePoint(MergeRule),
    /// `panic!` and friends: the function ends with an error.
    Panic,
}

impl fmt::Display for OpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpKind::Prim(p) => f.write_str(p.name()),
            OpKind::Cast(t) => write!(f, "cast<{t}>"),
            OpKind::SameAs => f.write_str("same_as"),
            OpKind::Copy => f.write_str("copy"),
            OpKind::GetField(n) => write!(f, "getfield.{n}"),
            OpKind::SetField(n) => write!(f, "setfield.{n}"),
            OpKind::GetItem => f.write_str("getitem"),
            OpKind::SetItem => f.write_str("setitem"),
            OpKind::SubSlice => f.write_str("subslice"),
            OpKind::Len => f.write_str("len"),
            OpKind::VecPush => f.write_str("vec_push"),
            OpKind::VecPop => f.write_str("vec_pop"),
            OpKind::VecTruncate => f.write_str("vec_truncate"),
            OpKind::ArrayRepeat => f.write_str("array_repeat"),
            OpKind::ArrayLit => f.write_str("array_lit"),
            OpKind::VecRepeat => f.write_str("vec_repeat"),
            OpKind::VecLit => f.write_str("vec_lit"),
            OpKind::NewStruct(s) => write!(f, "new_struct.{s}"),
            OpKind::NewTuple => f.write_str("new_tuple"),
            OpKind::TupleGet(i) => write!(f, "tuple_get.{i}"),
            OpKind::NewVariant(e, v) => write!(f, "new_variant.{e}::{v}"),
            OpKind::VariantTag => f.write_str("variant_tag"),
            OpKind::VariantField(v, i) => write!(f, "variant_field.{v}.{i}"),
            OpKind::Call(n) => write!(f, "call.{n}"),
            OpKind::ResidualCall(n) => write!(f, "residual_call.{n}"),
            OpKind::Hint(HintKind::Promote) => f.write_str("hint_promote"),
            OpKind::Hint(HintKind::Concrete) => f.write_str("hint_concrete"),
            OpKind::Hint(HintKind::Deepfreeze) => f.write_str("hint_deepfreeze"),
            OpKind::GlobalMergePoint(MergeRule::ByName) => f.write_str("global_merge_point"),
            OpKind::GlobalMergePoint(MergeRule::Listed { greens, reds: None }) => {
                write!(f, "global_merge_point<greens {greens}>")
            }
            OpKind::GlobalMergePoint(MergeRule::Listed {
                greens,
                reds: Some(reds),
            }) => write!(f, "global_merge_point<greens {greens}, reds {reds}>"),
            OpKind::Panic => f.write_str("panic"),
        }
    }
}
