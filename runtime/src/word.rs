//! Red values at compile time.
//!
//! A red variable of the interpreter is a [`Red`]: the list of machine words its type
//! flattens to (see `translator::timeshift::layout`). Each word is a constant, when its
//! value is known while compiling, or a backend value of the block being emitted.
//! **Invariant:** an integer word holds its value extended to 64 bits (sign-extended for
//! signed types, zero-extended for unsigned ones); a bool is 0 or 1; a char its code.

use backend::{Kind, Value};

#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Word {
    Const(u64, Kind),
    Var(Value, Kind),
}

impl Word {
    pub fn int(v: i64) -> Word {
        Word::Const(v as u64, Kind::Int)
    }
    pub fn kind(self) -> Kind {
        match self {
            Word::Const(_, k) | Word::Var(_, k) => k,
        }
    }
    pub fn as_const(self) -> Option<u64> {
        match self {
            Word::Const(v, _) => Some(v),
            Word::Var(..) => None,
        }
    }
}

/// A red value: its words, in layout order.
pub type Red = Vec<Word>;

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
        Stop::Panic(msg.into(), Vec::new())
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
