//! Green integer operations: what the generating extension runs while compiling, with
//! the semantics of Rust with overflow checks on. A panic becomes [`Stop::Panic`]: the
//! path being compiled ends with that panic in the compiled code, exactly where the
//! interpreter would have panicked.
//!
//! [`eval`] is also how red operations fold when all their words are constants, so
//! green and red arithmetic cannot disagree.

use crate::word::{IntTy, Stop};

/// Integer operations, by the flow-graph op they implement (`int_add` is [`IntOp::Add`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum IntOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
    DivEuclid,
    RemEuclid,
    AddWrap,
    SubWrap,
    MulWrap,
    ShlWrap,
    ShrWrap,
    And,
    Or,
    Xor,
    Min,
    Max,
    Neg,
    NegWrap,
    Invert,
    Abs,
    AddChecked,
    SubChecked,
    MulChecked,
    DivChecked,
    RemChecked,
    NegChecked,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl IntOp {
    /// Gives an `Option` (`Some` when the result fits).
    pub fn is_checked(self) -> bool {
        use IntOp::*;
        matches!(
            self,
            AddChecked | SubChecked | MulChecked | DivChecked | RemChecked | NegChecked
        )
    }
    pub fn is_comparison(self) -> bool {
        use IntOp::*;
        matches!(self, Eq | Ne | Lt | Le | Gt | Ge)
    }
    pub fn is_unary(self) -> bool {
        use IntOp::*;
        matches!(self, Neg | NegWrap | Invert | Abs | NegChecked)
    }
}

pub(crate) const ADD_OVF: &str = "attempt to add with overflow";
pub(crate) const SUB_OVF: &str = "attempt to subtract with overflow";
pub(crate) const MUL_OVF: &str = "attempt to multiply with overflow";
pub(crate) const DIV_ZERO: &str = "attempt to divide by zero";
pub(crate) const DIV_OVF: &str = "attempt to divide with overflow";
pub(crate) const REM_ZERO: &str = "attempt to calculate the remainder with a divisor of zero";
pub(crate) const REM_OVF: &str = "attempt to calculate the remainder with overflow";
pub(crate) const NEG_OVF: &str = "attempt to negate with overflow";
pub(crate) const SHL_OVF: &str = "attempt to shift left with overflow";
pub(crate) const SHR_OVF: &str = "attempt to shift right with overflow";
pub(crate) const INDEX_OOB: &str = "index out of bounds: the len is {} but the index is {}";
pub(crate) const SLICE_START_OOB: &str = "range start index {} out of range for slice of length {}";
pub(crate) const SLICE_END_OOB: &str = "range end index {} out of range for slice of length {}";
pub(crate) const SLICE_ORDER: &str = "slice index starts at {} but ends at {}";

/// `op` on values of type `ty` (`b` is ignored by unary ops; shift counts are of any
/// integer type, passed as their value). Comparisons give 0 or 1; checked ops give `None`
/// for Rust's `None`.
pub fn eval(op: IntOp, ty: IntTy, a: i128, b: i128) -> Result<Option<i128>, Stop> {
    use IntOp::*;
    let fits = |v: i128| v >= ty.min() && v <= ty.max();
    let strict = |v: i128, msg: &str| {
        if fits(v) {
            Ok(Some(v))
        } else {
            Err(Stop::panic(msg))
        }
    };
    let checked = |v: Option<i128>| -> Result<Option<i128>, Stop> { Ok(v.filter(|v| fits(*v))) };
    let shift_ok = |b: i128| b >= 0 && b < ty.bits() as i128;
    let wrap_count = |b: i128| b.rem_euclid(ty.bits() as i128) as u32;
    let div_ovf = ty.signed() && a == ty.min() && b == -1;
    match op {
        Add => strict(a + b, ADD_OVF),
        Sub => strict(a - b, SUB_OVF),
        Mul => strict(a * b, MUL_OVF),
        Div if b == 0 => Err(Stop::panic(DIV_ZERO)),
        Div if div_ovf => Err(Stop::panic(DIV_OVF)),
        Div => Ok(Some(a / b)),
        Rem if b == 0 => Err(Stop::panic(REM_ZERO)),
        Rem if div_ovf => Err(Stop::panic(REM_OVF)),
        Rem => Ok(Some(a % b)),
        DivEuclid if b == 0 => Err(Stop::panic(DIV_ZERO)),
        DivEuclid if div_ovf => Err(Stop::panic(DIV_OVF)),
        DivEuclid => Ok(Some(a.div_euclid(b))),
        RemEuclid if b == 0 => Err(Stop::panic(REM_ZERO)),
        RemEuclid if div_ovf => Err(Stop::panic(REM_OVF)),
        RemEuclid => Ok(Some(a.rem_euclid(b))),
        Shl if !shift_ok(b) => Err(Stop::panic(SHL_OVF)),
        Shl => Ok(Some(ty.wrap(a << b))),
        Shr if !shift_ok(b) => Err(Stop::panic(SHR_OVF)),
        Shr => Ok(Some(a >> b)),
        ShlWrap => Ok(Some(ty.wrap(a << wrap_count(b)))),
        ShrWrap => Ok(Some(a >> wrap_count(b))),
        AddWrap => Ok(Some(ty.wrap(a + b))),
        SubWrap => Ok(Some(ty.wrap(a - b))),
        MulWrap => Ok(Some(ty.wrap(a.wrapping_mul(b)))),
        And => Ok(Some(a & b)),
        Or => Ok(Some(a | b)),
        Xor => Ok(Some(a ^ b)),
        Min => Ok(Some(a.min(b))),
        Max => Ok(Some(a.max(b))),
        Neg => strict(-a, NEG_OVF),
        NegWrap => Ok(Some(ty.wrap(-a))),
        Invert => Ok(Some(ty.wrap(!a))),
        Abs => strict(a.abs(), NEG_OVF),
        AddChecked => checked(Some(a + b)),
        SubChecked => checked(Some(a - b)),
        MulChecked => checked(Some(a * b)),
        DivChecked => checked(if b == 0 || div_ovf { None } else { Some(a / b) }),
        RemChecked => checked(if b == 0 || div_ovf { None } else { Some(a % b) }),
        NegChecked => checked(Some(-a)),
        Eq => Ok(Some((a == b) as i128)),
        Ne => Ok(Some((a != b) as i128)),
        Lt => Ok(Some((a < b) as i128)),
        Le => Ok(Some((a <= b) as i128)),
        Gt => Ok(Some((a > b) as i128)),
        Ge => Ok(Some((a >= b) as i128)),
    }
}

/// Rust integer types as green values.
pub trait GInt: Copy {
    const TY: IntTy;
    fn to_i128(self) -> i128;
    fn from_i128(v: i128) -> Self;
}

macro_rules! gint {
    ($($t:ty => $v:ident),*) => {$(
        impl GInt for $t {
            const TY: IntTy = IntTy::$v;
            fn to_i128(self) -> i128 { self as i128 }
            fn from_i128(v: i128) -> Self { v as $t }
        }
    )*};
}
gint!(i8 => I8, i16 => I16, i32 => I32, i64 => I64, isize => Isize,
      u8 => U8, u16 => U16, u32 => U32, u64 => U64, usize => Usize);

/// A green arithmetic op whose result has the operands' type.
pub fn int<T: GInt, U: GInt>(op: IntOp, a: T, b: U) -> Result<T, Stop> {
    Ok(T::from_i128(
        eval(op, T::TY, a.to_i128(), b.to_i128())?.unwrap_or(0),
    ))
}

/// A green unary op.
pub fn int1<T: GInt>(op: IntOp, a: T) -> Result<T, Stop> {
    Ok(T::from_i128(eval(op, T::TY, a.to_i128(), 0)?.unwrap_or(0)))
}

/// A green checked op (`checked_add` and friends).
pub fn checked<T: GInt>(op: IntOp, a: T, b: T) -> Result<Option<T>, Stop> {
    Ok(eval(op, T::TY, a.to_i128(), b.to_i128())?.map(T::from_i128))
}

/// A green comparison.
pub fn cmp<T: GInt>(op: IntOp, a: T, b: T) -> bool {
    eval(op, T::TY, a.to_i128(), b.to_i128()) == Ok(Some(1))
}

/// `seq[i]` on green data, with Rust's panic when `i` is out of bounds.
pub fn index<T: Clone>(seq: &[T], i: usize) -> Result<T, Stop> {
    seq.get(i).cloned().ok_or_else(|| {
        Stop::panic(format!(
            "index out of bounds: the len is {} but the index is {i}",
            seq.len()
        ))
    })
}

/// `&seq[lo..hi]` on green data, with Rust's panics (its checks in its order).
pub fn subslice<T>(seq: &'static [T], lo: usize, hi: usize) -> Result<&'static [T], Stop> {
    let n = seq.len();
    let fill = |t: &str, a: usize, b: usize| {
        Stop::panic(
            t.replacen("{}", &a.to_string(), 1)
                .replacen("{}", &b.to_string(), 1),
        )
    };
    if lo > n {
        return Err(fill(SLICE_START_OOB, lo, n));
    }
    if hi > n {
        return Err(fill(SLICE_END_OOB, hi, n));
    }
    if lo > hi {
        return Err(fill(SLICE_ORDER, lo, hi));
    }
    Ok(&seq[lo..hi])
}

/// A panic message given as `panic!` tokens: a lone string literal is its text.
pub fn panic_text(tokens: &str) -> String {
    let t = tokens.trim();
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') && !t[1..t.len() - 1].contains('"') {
        t[1..t.len() - 1].to_string()
    } else {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subslices_of_green_data_panic_as_rust_does() {
        static V: [i64; 3] = [1, 2, 3];
        let msg = |lo, hi| match subslice(&V, lo, hi) {
            Ok(s) => format!("{s:?}"),
            Err(Stop::Panic(m, _)) => m,
            Err(_) => "other".into(),
        };
        assert_eq!(msg(1, 3), "[2, 3]");
        assert_eq!(msg(3, 3), "[]");
        assert_eq!(
            msg(4, 2),
            "range start index 4 out of range for slice of length 3"
        );
        assert_eq!(
            msg(1, 5),
            "range end index 5 out of range for slice of length 3"
        );
        assert_eq!(msg(2, 1), "slice index starts at 2 but ends at 1");
    }
}
