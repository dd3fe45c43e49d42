//! Types of flow-graph variables, as far as the analysis needs them.

use std::fmt;

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
    pub fn from_name(s: &str) -> Option<IntTy> {
        Some(match s {
            "i8" => IntTy::I8,
            "i16" => IntTy::I16,
            "i32" => IntTy::I32,
            "i64" => IntTy::I64,
            "isize" => IntTy::Isize,
            "u8" => IntTy::U8,
            "u16" => IntTy::U16,
            "u32" => IntTy::U32,
            "u64" => IntTy::U64,
            "usize" => IntTy::Usize,
            _ => return None,
        })
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

    /// `v` reduced to this type, two's complement.
    pub fn wrap(self, v: i128) -> i128 {
        let bits = self.bits();
        let m = v & ((1i128 << bits) - 1);
        if self.signed() && m >= 1i128 << (bits - 1) {
            m - (1i128 << bits)
        } else {
            m
        }
    }

    pub fn contains(self, v: i128) -> bool {
        v >= self.min() && v <= self.max()
    }
}

/// The type of a variable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    Int(IntTy),
    Bool,
    F64,
    Char,
    Unit,
    /// The type of an expression that does not return (`return`, `break`, `panic!`).
    Never,
    /// A string literal (`&'static str`).
    Str,
    /// `&T` / `&mut T`. References to aggregates are the aggregates themselves in the
    /// graph (objects are passed by reference anyway).
    Ref(bool, Box<Ty>),
    Array(Box<Ty>, usize),
    Slice(Box<Ty>),
    Vec(Box<Ty>),
    Tuple(Vec<Ty>),
    /// A struct or enum of the crate, by name.
    Adt(String),
    Option(Box<Ty>),
    Result(Box<Ty>, Box<Ty>),
}

impl Ty {
    pub fn int(&self) -> Option<IntTy> {
        match self.strip_ref() {
            Ty::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The type behind any number of references.
    pub fn strip_ref(&self) -> &Ty {
        match self {
            Ty::Ref(_, t) => t.strip_ref(),
            t => t,
        }
    }

    /// The item type of an indexable type.
    pub fn item(&self) -> Option<&Ty> {
        match self.strip_ref() {
            Ty::Array(t, _) | Ty::Slice(t) | Ty::Vec(t) => Some(t),
            _ => None,
        }
    }

    pub fn is_scalar(&self) -> bool {
        matches!(self, Ty::Int(_) | Ty::Bool | Ty::F64 | Ty::Char | Ty::Unit)
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Int(i) => f.write_str(i.name()),
            Ty::Bool => f.write_str("bool"),
            Ty::F64 => f.write_str("f64"),
            Ty::Char => f.write_str("char"),
            Ty::Unit => f.write_str("()"),
            Ty::Never => f.write_str("!"),
            Ty::Str => f.write_str("&str"),
            Ty::Ref(m, t) => write!(f, "&{}{t}", if *m { "mut " } else { "" }),
            Ty::Array(t, n) => write!(f, "[{t}; {n}]"),
            Ty::Slice(t) => write!(f, "[{t}]"),
            Ty::Vec(t) => write!(f, "Vec<{t}>"),
            Ty::Tuple(ts) => {
                let parts: Vec<String> = ts.iter().map(|t| t.to_string()).collect();
                write!(f, "({})", parts.join(", "))
            }
            Ty::Adt(n) => f.write_str(n),
            Ty::Option(t) => write!(f, "Option<{t}>"),
            Ty::Result(t, e) => write!(f, "Result<{t}, {e}>"),
        }
    }
}
