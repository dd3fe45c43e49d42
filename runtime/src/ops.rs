//! Red operations: each folds when its words are constants (through
//! [`crate::green::eval`], so folding and running agree) and otherwise emits backend code
//! with the same semantics, panics included.

use crate::cx::{Cx, Virtual, MAX_VIRTUAL_LEN};
use crate::frame;
use crate::green::{self, IntOp};
use crate::word::{IntTy, Red, Stop, Word};
use backend::{BinOp, Helper, Kind, MemType, OvfOp, Sig, UnOp, Value};
use smallvec::smallvec;

pub(crate) fn helper(name: &str, addr: usize, params: &[Kind], ret: Option<Kind>) -> Helper {
    Helper::new(name, addr, Sig::new(params, ret))
}

/// A scalar type, for casts and vector elements.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Scalar {
    Int(IntTy),
    Bool,
    Char,
    F64,
}

impl Scalar {
    /// How an element of this type is stored in a vector.
    pub fn mem(self) -> MemType {
        match self {
            Scalar::Bool => MemType::U8,
            Scalar::Char => MemType::U32,
            Scalar::F64 => MemType::F64,
            Scalar::Int(t) => match (t.bits(), t.signed()) {
                (8, true) => MemType::I8,
                (8, false) => MemType::U8,
                (16, true) => MemType::I16,
                (16, false) => MemType::U16,
                (32, true) => MemType::I32,
                (32, false) => MemType::U32,
                _ => MemType::I64,
            },
        }
    }
    /// A number for the type, for keys.
    pub fn code(self) -> u64 {
        match self {
            Scalar::Int(t) => t as u64,
            Scalar::Bool => 100,
            Scalar::Char => 101,
            Scalar::F64 => 102,
        }
    }
    pub fn kind(self) -> Kind {
        match self {
            Scalar::F64 => Kind::Float,
            _ => Kind::Int,
        }
    }
}

/// The type of a red vector's elements: a scalar, stored packed as `Vec<T>` stores it,
/// or a value of several words (an enum, a tuple), one 8-byte slot a word. Virtual
/// vectors hold `width` words an element.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Elem {
    Scalar(Scalar),
    Words(&'static [Kind]),
}

impl From<Scalar> for Elem {
    fn from(s: Scalar) -> Elem {
        Elem::Scalar(s)
    }
}

impl Elem {
    /// Words an element.
    pub fn width(self) -> usize {
        match self {
            Elem::Scalar(_) => 1,
            Elem::Words(k) => k.len(),
        }
    }
    /// Bytes an element in memory.
    pub fn size(self) -> usize {
        match self {
            Elem::Scalar(s) => s.mem().size(),
            Elem::Words(k) => 8 * k.len(),
        }
    }
    /// A number for the type, for keys.
    pub fn code(self) -> u64 {
        match self {
            Elem::Scalar(s) => s.code(),
            Elem::Words(k) => k.iter().fold(1 << 32, |h, k| {
                (h ^ (*k as u64 + 1)).wrapping_mul(0x100_0000_01b3)
            }),
        }
    }
    /// The kind of word `j` of an element.
    pub fn kind(self, j: usize) -> Kind {
        match self {
            Elem::Scalar(s) => s.kind(),
            Elem::Words(k) => k[j],
        }
    }
    /// How word `j` of an element is stored, and where in the element.
    pub(crate) fn mem(self, j: usize) -> (MemType, i32) {
        match self {
            Elem::Scalar(s) => (s.mem(), 0),
            Elem::Words(k) => (crate::cx::word_mem(k[j]), 8 * j as i32),
        }
    }
    fn zeros(self) -> Red {
        (0..self.width())
            .map(|j| Word::Const(0, self.kind(j)))
            .collect()
    }
}

/// The byte offset of element `wi` of elements of several words, when `wi` is a constant
/// small enough for a displacement.
fn constant_offset(elem: Elem, wi: Word) -> Option<i32> {
    let at = wi.as_const()?.checked_mul(elem.size() as u64)?;
    i32::try_from(at).ok().filter(|a| *a < i32::MAX - 64)
}

fn word0(r: &Red) -> Result<Word, Stop> {
    r.first()
        .copied()
        .ok_or_else(|| Stop::fail("empty red value where a scalar was expected"))
}

fn int_of(w: Word, ty: IntTy) -> Option<i128> {
    w.as_const().map(|c| ty.from_word(c))
}

impl<'j> Cx<'j> {
    fn ovf_exit(&mut self, op: OvfOp, a: Value, b: Value, msg: &str) -> Result<Value, Stop> {
        let (blk, args) = self.panic_block(msg)?;
        self.tick()?;
        Ok(self.b.overflow(op, a, b, blk, &args)?)
    }

    /// 1 when `r` (computed exactly in 64 bits) is outside a narrow type's range.
    fn out_of_range(&mut self, r: Value, ty: IntTy) -> Result<Value, Stop> {
        if ty.signed() {
            let lo = self.bin_i(BinOp::Lt, r, ty.min() as i64)?;
            let hi = self.bin_i(BinOp::Gt, r, ty.max() as i64)?;
            self.bin(BinOp::Or, lo, hi)
        } else {
            self.bin_i(BinOp::Ugt, r, ty.max() as i64)
        }
    }

    /// `r` reduced to a narrow type (two's complement), as a word of that type.
    fn wrap(&mut self, r: Value, ty: IntTy) -> Result<Value, Stop> {
        if ty.bits() == 64 {
            return Ok(r);
        }
        if ty.signed() {
            let s = 64 - ty.bits() as i64;
            let x = self.bin_i(BinOp::Shl, r, s)?;
            self.bin_i(BinOp::Sar, x, s)
        } else {
            self.bin_i(BinOp::And, r, ((1u64 << ty.bits()) - 1) as i64)
        }
    }

    fn cmp_op(op: IntOp, unsigned: bool) -> BinOp {
        match (op, unsigned) {
            (IntOp::Eq, _) => BinOp::Eq,
            (IntOp::Ne, _) => BinOp::Ne,
            (IntOp::Lt, false) => BinOp::Lt,
            (IntOp::Le, false) => BinOp::Le,
            (IntOp::Gt, false) => BinOp::Gt,
            (IntOp::Ge, false) => BinOp::Ge,
            (IntOp::Lt, true) => BinOp::Ult,
            (IntOp::Le, true) => BinOp::Ule,
            (IntOp::Gt, true) => BinOp::Ugt,
            _ => BinOp::Uge,
        }
    }

    /// The overflow flag (0/1) and the 64-bit result of `a op b` for add/sub/mul.
    fn arith_flag(
        &mut self,
        op: IntOp,
        ty: IntTy,
        a: Value,
        b: Value,
    ) -> Result<(Value, Value), Stop> {
        use IntOp::*;
        let base = match op {
            Add | AddChecked => BinOp::Add,
            Sub | SubChecked => BinOp::Sub,
            _ => BinOp::Mul,
        };
        let r = self.bin(base, a, b)?;
        let flag = if ty.is_i64() {
            let test = match base {
                BinOp::Add => BinOp::AddOverflows,
                BinOp::Sub => BinOp::SubOverflows,
                _ => BinOp::MulOverflows,
            };
            self.bin(test, a, b)?
        } else if ty.is_u64() {
            match base {
                BinOp::Add => self.bin(BinOp::UAddOverflows, a, b)?,
                BinOp::Sub => self.bin(BinOp::USubOverflows, a, b)?,
                _ => {
                    let h = helper(
                        "u64_mul_overflows",
                        frame::u64_mul_overflows as *const () as usize,
                        &[Kind::Int, Kind::Int],
                        Some(Kind::Int),
                    );
                    self.call(&h, &[a, b])?.unwrap()
                }
            }
        } else {
            self.out_of_range(r, ty)?
        };
        Ok((flag, r))
    }

    /// 1 when `a / b` overflows a signed type (`MIN / -1`); constant 0 for unsigned.
    fn div_ovf_flag(&mut self, ty: IntTy, a: Value, b: Value) -> Result<Option<Value>, Stop> {
        if !ty.signed() {
            return Ok(None);
        }
        let x = self.bin_i(BinOp::Eq, a, ty.min() as i64)?;
        let y = self.bin_i(BinOp::Eq, b, -1)?;
        Ok(Some(self.bin(BinOp::And, x, y)?))
    }

    fn divide(&mut self, op: IntOp, ty: IntTy, a: Value, b: Value) -> Result<Value, Stop> {
        use IntOp::*;
        let rem = matches!(op, Rem | RemChecked | RemEuclid);
        if ty.is_u64() {
            let (name, addr) = if rem {
                ("u64_rem", frame::u64_rem as *const () as usize)
            } else {
                ("u64_div", frame::u64_div as *const () as usize)
            };
            let h = helper(name, addr, &[Kind::Int, Kind::Int], Some(Kind::Int));
            return Ok(self.call(&h, &[a, b])?.unwrap());
        }
        match op {
            // In line, without branches (the divisor is nonzero and the quotient does
            // not overflow: checked before). With `r = a % b` (the sign of `a`) and
            // `neg` all ones when `r < 0`: `a.rem_euclid(b) = r + (neg & |b|)` and
            // `a.div_euclid(b) = a / b - (neg & signum(b))`, wrapping (the result fits).
            DivEuclid | RemEuclid => {
                let r = self.bin(BinOp::Rem, a, b)?;
                let neg = self.bin_i(BinOp::Sar, r, 63)?;
                let bs = self.bin_i(BinOp::Sar, b, 63)?;
                if rem {
                    let flip = self.bin(BinOp::Xor, b, bs)?;
                    let abs = self.bin(BinOp::Sub, flip, bs)?;
                    let adj = self.bin(BinOp::And, neg, abs)?;
                    self.bin(BinOp::Add, r, adj)
                } else {
                    let q = self.bin(BinOp::Div, a, b)?;
                    let sign = self.bin_i(BinOp::Or, bs, 1)?;
                    let adj = self.bin(BinOp::And, neg, sign)?;
                    self.bin(BinOp::Sub, q, adj)
                }
            }
            _ => self.bin(if rem { BinOp::Rem } else { BinOp::Div }, a, b),
        }
    }

    /// An integer operation of the flow graph on red words (`b` unused for unary ops).
    /// Comparisons give a bool word; checked ops an `Option` ([tag, value]).
    pub fn int(&mut self, op: IntOp, ty: IntTy, a: &Red, b: &Red) -> Result<Red, Stop> {
        // The same operation on the same words again in a block: its result (a check
        // it makes has passed already).
        let key = (
            op,
            ty,
            word0(a)?,
            if op.is_unary() {
                Word::int(0)
            } else {
                word0(b)?
            },
        );
        if let Some(r) = self.pure.get(&key) {
            return Ok(r.clone());
        }
        let r = self.int_emit(op, ty, a, b)?;
        self.pure.insert(key, r.clone());
        Ok(r)
    }

    fn int_emit(&mut self, op: IntOp, ty: IntTy, a: &Red, b: &Red) -> Result<Red, Stop> {
        use IntOp::*;
        let wa = word0(a)?;
        let wb = if op.is_unary() {
            Word::int(0)
        } else {
            word0(b)?
        };
        // The shift count is of its own type; its value is what matters.
        let bty = if matches!(op, Shl | Shr | ShlWrap | ShrWrap) {
            IntTy::I64
        } else {
            ty
        };
        if let (Some(x), Some(y)) = (int_of(wa, ty), int_of(wb, bty)) {
            let r = green::eval(op, ty, x, y)?;
            return Ok(if op.is_checked() {
                smallvec![
                    Word::int(r.is_some() as i64),
                    Word::int(ty.to_word(r.unwrap_or(0)) as i64),
                ]
            } else {
                smallvec![Word::int(ty.to_word(r.unwrap_or(0)) as i64)]
            });
        }
        let a = self.val(wa)?;
        let b = self.val(wb)?;
        let r = match op {
            Add | Sub | Mul if ty.is_i64() => {
                let (o, msg) = match op {
                    Add => (OvfOp::AddOvf, green::ADD_OVF),
                    Sub => (OvfOp::SubOvf, green::SUB_OVF),
                    _ => (OvfOp::MulOvf, green::MUL_OVF),
                };
                self.ovf_exit(o, a, b, msg)?
            }
            // `x - k` of an unsigned `x` known to be at least `k` cannot overflow; its
            // bounds follow from `x`'s.
            Sub if !ty.signed() && wb.as_const().is_some_and(|k| self.low_of(a) >= k) => {
                let k = wb.as_const().unwrap();
                let r = self.bin(BinOp::Sub, a, b)?;
                self.low(r, self.low_of(a) - k);
                if let Some(c) = self.bounds.get(&a).copied() {
                    self.bound(r, c);
                }
                r
            }
            // `x + k` of an unsigned 64-bit `x` known below `c` cannot overflow when
            // `c + k` fits.
            Add if ty.bits() == 64
                && !ty.signed()
                && wb.as_const().is_some_and(|k| {
                    self.bounds
                        .get(&a)
                        .is_some_and(|c| c.checked_add(k).is_some())
                }) =>
            {
                let k = wb.as_const().unwrap();
                let c = self.bounds[&a];
                let r = self.bin(BinOp::Add, a, b)?;
                self.bound(r, c + k);
                self.low(r, self.low_of(a).saturating_add(k));
                r
            }
            Add | Sub | Mul => {
                let (flag, r) = self.arith_flag(op, ty, a, b)?;
                let msg = match op {
                    Add => green::ADD_OVF,
                    Sub => green::SUB_OVF,
                    _ => green::MUL_OVF,
                };
                self.panic_if(flag, msg, &[])?;
                // Past the check, an unsigned `x + k` is at least `k` more than `x`.
                if let (Add, false, Some(k)) = (op, ty.signed(), wb.as_const()) {
                    self.low(r, self.low_of(a).saturating_add(k));
                }
                r
            }
            AddChecked | SubChecked | MulChecked => {
                let (flag, r) = self.arith_flag(op, ty, a, b)?;
                let tag = self.bin_i(BinOp::Eq, flag, 0)?;
                return Ok(smallvec![
                    Word::Var(tag, Kind::Int),
                    Word::Var(r, Kind::Int)
                ]);
            }
            Div | Rem | DivEuclid | RemEuclid => {
                let rem = matches!(op, Rem | RemEuclid);
                let z = self.bin_i(BinOp::Eq, b, 0)?;
                self.panic_if(
                    z,
                    if rem {
                        green::REM_ZERO
                    } else {
                        green::DIV_ZERO
                    },
                    &[],
                )?;
                if let Some(f) = self.div_ovf_flag(ty, a, b)? {
                    self.panic_if(f, if rem { green::REM_OVF } else { green::DIV_OVF }, &[])?;
                }
                self.divide(op, ty, a, b)?
            }
            DivChecked | RemChecked => {
                let nz = self.bin_i(BinOp::Ne, b, 0)?;
                let ok = match self.div_ovf_flag(ty, a, b)? {
                    Some(f) => {
                        let nf = self.bin_i(BinOp::Xor, f, 1)?;
                        self.bin(BinOp::And, nz, nf)?
                    }
                    None => nz,
                };
                let r = self.divide(op, ty, a, b)?;
                return Ok(smallvec![Word::Var(ok, Kind::Int), Word::Var(r, Kind::Int)]);
            }
            Shl | Shr | ShlWrap | ShrWrap => {
                let count = if matches!(op, Shl | Shr) {
                    let f = self.bin_i(BinOp::Uge, b, ty.bits() as i64)?;
                    self.panic_if(
                        f,
                        if op == Shl {
                            green::SHL_OVF
                        } else {
                            green::SHR_OVF
                        },
                        &[],
                    )?;
                    b
                } else {
                    self.bin_i(BinOp::And, b, ty.bits() as i64 - 1)?
                };
                if matches!(op, Shl | ShlWrap) {
                    let r = self.bin(BinOp::Shl, a, count)?;
                    self.wrap(r, ty)?
                } else if ty.signed() {
                    self.bin(BinOp::Sar, a, count)?
                } else {
                    self.bin(BinOp::Shr, a, count)?
                }
            }
            AddWrap | SubWrap | MulWrap => {
                let base = match op {
                    AddWrap => BinOp::Add,
                    SubWrap => BinOp::Sub,
                    _ => BinOp::Mul,
                };
                let r = self.bin(base, a, b)?;
                self.wrap(r, ty)?
            }
            And => self.bin(BinOp::And, a, b)?,
            Or => self.bin(BinOp::Or, a, b)?,
            Xor => self.bin(BinOp::Xor, a, b)?,
            Min | Max => {
                let lt = Self::cmp_op(Lt, ty.is_u64());
                let c = self.bin(lt, a, b)?;
                let zero = self.b.iconst(0);
                let m = self.bin(BinOp::Sub, zero, c)?;
                let x = self.bin(BinOp::Xor, a, b)?;
                let y = self.bin(BinOp::And, x, m)?;
                // min = b ^ ((a ^ b) & -(a < b)); max = a ^ (same)
                self.bin(BinOp::Xor, if op == Min { b } else { a }, y)?
            }
            Neg if ty.is_i64() => {
                let zero = self.b.iconst(0);
                self.ovf_exit(OvfOp::SubOvf, zero, a, green::NEG_OVF)?
            }
            Neg | NegChecked | NegWrap => {
                let zero = self.b.iconst(0);
                let r = self.bin(BinOp::Sub, zero, a)?;
                if op == NegWrap {
                    self.wrap(r, ty)?
                } else {
                    let flag = if ty.is_i64() {
                        self.bin_i(BinOp::Eq, a, i64::MIN)?
                    } else if ty.is_u64() {
                        self.bin_i(BinOp::Ne, a, 0)?
                    } else {
                        self.out_of_range(r, ty)?
                    };
                    if op == NegChecked {
                        let tag = self.bin_i(BinOp::Eq, flag, 0)?;
                        return Ok(smallvec![
                            Word::Var(tag, Kind::Int),
                            Word::Var(r, Kind::Int)
                        ]);
                    }
                    self.panic_if(flag, green::NEG_OVF, &[])?;
                    r
                }
            }
            Invert => {
                let r = self.bin_i(BinOp::Xor, a, -1)?;
                if ty.signed() {
                    r
                } else {
                    self.wrap(r, ty)?
                }
            }
            Abs => {
                if ty.signed() {
                    let f = self.bin_i(BinOp::Eq, a, ty.min() as i64)?;
                    self.panic_if(f, green::NEG_OVF, &[])?;
                    let s = self.bin_i(BinOp::Sar, a, 63)?;
                    let x = self.bin(BinOp::Xor, a, s)?;
                    self.bin(BinOp::Sub, x, s)?
                } else {
                    a
                }
            }
            Eq | Ne | Lt | Le | Gt | Ge => {
                let c = Self::cmp_op(op, ty.is_u64());
                // Decided by what the path knows of `a`'s bounds (unsigned comparisons
                // and equality only).
                if let Some(k) = wb.as_const() {
                    let unsigned = !ty.signed() || matches!(op, Eq | Ne);
                    if let Some(t) = unsigned.then(|| self.decide(c, a, k)).flatten() {
                        return Ok(smallvec![Word::int(t as i64)]);
                    }
                }
                let r = self.bin(c, a, b)?;
                if let Some(k) = wb.as_const() {
                    self.tests.insert(r, (c, a, k));
                }
                r
            }
        };
        Ok(smallvec![Word::Var(r, Kind::Int)])
    }

    /// Bool operations: `not`, `and`, `or`, `xor`, `eq`, `ne` (by name).
    pub fn bool_op(&mut self, op: &str, a: &Red, b: &Red) -> Result<Red, Stop> {
        let wa = word0(a)?;
        let wb = if op == "not" { Word::int(0) } else { word0(b)? };
        if let (Some(x), Some(y)) = (wa.as_const(), wb.as_const()) {
            let r = match op {
                "not" => x ^ 1,
                "and" => x & y,
                "or" => x | y,
                "xor" | "ne" => x ^ y,
                _ => (x == y) as u64,
            };
            return Ok(smallvec![Word::int(r as i64)]);
        }
        let (x, y) = (self.val(wa)?, self.val(wb)?);
        let r = match op {
            "not" => self.bin_i(BinOp::Xor, x, 1)?,
            "and" => self.bin(BinOp::And, x, y)?,
            "or" => self.bin(BinOp::Or, x, y)?,
            "xor" | "ne" => self.bin(BinOp::Xor, x, y)?,
            _ => self.bin(BinOp::Eq, x, y)?,
        };
        Ok(smallvec![Word::Var(r, Kind::Int)])
    }

    /// Float operations by flow-graph name without the `float_` prefix.
    pub fn float_op(&mut self, op: &str, a: &Red, b: &Red) -> Result<Red, Stop> {
        let wa = word0(a)?;
        let wb = if op == "neg" {
            Word::Const(0, Kind::Float)
        } else {
            word0(b)?
        };
        if let (Some(x), Some(y)) = (wa.as_const(), wb.as_const()) {
            let (x, y) = (f64::from_bits(x), f64::from_bits(y));
            let f = |v: f64| Ok(smallvec![Word::Const(v.to_bits(), Kind::Float)]);
            let c = |v: bool| Ok(smallvec![Word::int(v as i64)]);
            return match op {
                "add" => f(x + y),
                "sub" => f(x - y),
                "mul" => f(x * y),
                "div" => f(x / y),
                "rem" => f(x % y),
                "neg" => f(-x),
                "eq" => c(x == y),
                "ne" => c(x != y),
                "lt" => c(x < y),
                "le" => c(x <= y),
                "gt" => c(x > y),
                _ => c(x >= y),
            };
        }
        let (x, y) = (self.val(wa)?, self.val(wb)?);
        let (r, k) = match op {
            "neg" => {
                self.tick()?;
                (self.b.unary(UnOp::FNeg, x)?, Kind::Float)
            }
            "rem" => {
                let h = helper(
                    "f64_rem",
                    frame::f64_rem as *const () as usize,
                    &[Kind::Float, Kind::Float],
                    Some(Kind::Float),
                );
                (self.call(&h, &[x, y])?.unwrap(), Kind::Float)
            }
            _ => {
                let (bop, k) = match op {
                    "add" => (BinOp::FAdd, Kind::Float),
                    "sub" => (BinOp::FSub, Kind::Float),
                    "mul" => (BinOp::FMul, Kind::Float),
                    "div" => (BinOp::FDiv, Kind::Float),
                    "eq" => (BinOp::FEq, Kind::Int),
                    "ne" => (BinOp::FNe, Kind::Int),
                    "lt" => (BinOp::FLt, Kind::Int),
                    "le" => (BinOp::FLe, Kind::Int),
                    "gt" => (BinOp::FGt, Kind::Int),
                    _ => (BinOp::FGe, Kind::Int),
                };
                (self.bin(bop, x, y)?, k)
            }
        };
        Ok(smallvec![Word::Var(r, k)])
    }

    /// `a as to`, for `a` of type `from`.
    pub fn cast(&mut self, from: Scalar, to: Scalar, a: &Red) -> Result<Red, Stop> {
        let w = word0(a)?;
        if let Some(c) = w.as_const() {
            let r: u64 = match (from, to) {
                (Scalar::F64, Scalar::F64) => c,
                (Scalar::F64, Scalar::Int(t)) => frame::f64_to_int(f64::from_bits(c), t as u64),
                (Scalar::Int(f), Scalar::F64) => (f.from_word(c) as f64).to_bits(),
                (Scalar::Int(f), Scalar::Int(t)) => t.to_word(t.wrap(f.from_word(c))),
                (Scalar::Int(_), Scalar::Char) | (Scalar::Bool | Scalar::Char, _) => c,
                _ => return Err(Stop::fail(format!("cast from {from:?} to {to:?}"))),
            };
            let k = to.kind();
            return Ok(smallvec![Word::Const(r, k)]);
        }
        let x = self.val(w)?;
        let r = match (from, to) {
            (Scalar::F64, Scalar::F64) => x,
            (Scalar::F64, Scalar::Int(t)) => {
                let h = helper(
                    "f64_to_int",
                    frame::f64_to_int as *const () as usize,
                    &[Kind::Float, Kind::Int],
                    Some(Kind::Int),
                );
                let ty = self.b.iconst(t as i64);
                self.call(&h, &[x, ty])?.unwrap()
            }
            (Scalar::Int(f), Scalar::F64) if f.is_u64() => {
                let h = helper(
                    "u64_to_f64",
                    frame::u64_to_f64 as *const () as usize,
                    &[Kind::Int],
                    Some(Kind::Float),
                );
                self.call(&h, &[x])?.unwrap()
            }
            (Scalar::Int(_), Scalar::F64) => {
                self.tick()?;
                self.b.unary(UnOp::IntToFloat, x)?
            }
            (Scalar::Int(_) | Scalar::Bool | Scalar::Char, Scalar::Int(t)) => self.wrap(x, t)?,
            (Scalar::Int(_), Scalar::Char) => x,
            _ => return Err(Stop::fail(format!("cast from {from:?} to {to:?}"))),
        };
        Ok(smallvec![Word::Var(r, to.kind())])
    }

    /// The words of a value as an enum's payload holds them: each `Float` word as its
    /// bits in an `Int` word (so variants with an int and a float share a word).
    pub fn payload_words(&mut self, a: &Red) -> Result<Red, Stop> {
        let mut out = Red::new();
        for w in a {
            out.push(match self.resolve(*w) {
                Word::Const(c, Kind::Float) => Word::Const(c, Kind::Int),
                Word::Var(v, Kind::Float) => {
                    self.tick()?;
                    Word::Var(self.b.unary(UnOp::FloatToBits, v)?, Kind::Int)
                }
                _ => *w,
            });
        }
        Ok(out)
    }

    /// The words of an enum's field read from its payload (see [`Cx::payload_words`]):
    /// those `floats` marks are floats again.
    pub fn field_words(&mut self, a: &[Word], floats: &[bool]) -> Result<Red, Stop> {
        let mut out = Red::new();
        for (w, f) in a.iter().zip(floats.iter().chain(std::iter::repeat(&false))) {
            out.push(match (self.resolve(*w), f) {
                (Word::Const(c, Kind::Int), true) => Word::Const(c, Kind::Float),
                (Word::Var(v, Kind::Int), true) => {
                    self.tick()?;
                    Word::Var(self.b.unary(UnOp::BitsToFloat, v)?, Kind::Float)
                }
                _ => *w,
            });
        }
        Ok(out)
    }

    /// `f64::to_bits(a)` (`to_bits`) or `f64::from_bits(a)`: the same 64 bits as a word
    /// of the other kind (a `u64` word is its bits), folded when `a` is a constant.
    pub fn float_bits(&mut self, to_bits: bool, a: &Red) -> Result<Red, Stop> {
        let w = word0(a)?;
        let (op, k) = if to_bits {
            (UnOp::FloatToBits, Kind::Int)
        } else {
            (UnOp::BitsToFloat, Kind::Float)
        };
        if let Some(c) = w.as_const() {
            return Ok(smallvec![Word::Const(c, k)]);
        }
        let x = self.val(w)?;
        self.tick()?;
        Ok(smallvec![Word::Var(self.b.unary(op, x)?, k)])
    }

    fn vec_ptr(&mut self, v: &Red) -> Result<Value, Stop> {
        let w = word0(v)?;
        self.val(w)
    }

    /// `vec![x; n]`: virtual when `n` is a constant and the vector has at most
    /// [`MAX_VIRTUAL_LEN`] words; allocated, but of a length known while compiling, for a
    /// larger constant (of scalars).
    pub fn vec_repeat(&mut self, elem: Elem, x: &Red, n: &Red) -> Result<Red, Stop> {
        let n = word0(n)?;
        let x = self.element_words(elem, x)?;
        let w = elem.width();
        if let Some(len) = n
            .as_const()
            .filter(|l| (*l as usize).saturating_mul(w) <= MAX_VIRTUAL_LEN)
        {
            let mut items = Vec::with_capacity(len as usize * w);
            for _ in 0..len {
                items.extend_from_slice(&x);
            }
            return Ok(smallvec![self.new_virtual(elem, items)]);
        }
        let Elem::Scalar(scalar) = elem else {
            let p = self.repeat_slots(elem, &x, n)?;
            if let Some(len) = n.as_const() {
                let pv = self.val(p)?;
                let data = self.load(MemType::Ptr, pv, 0)?;
                return Ok(smallvec![self.new_sized(
                    elem,
                    len as usize,
                    p,
                    Word::Var(data, Kind::Ptr)
                )]);
            }
            return Ok(smallvec![p]);
        };
        let p = self.repeat_call(scalar, x[0], n)?;
        if let Some(len) = n.as_const() {
            let pv = self.val(p)?;
            let data = self.load(MemType::Ptr, pv, 0)?;
            return Ok(smallvec![self.new_sized(
                elem,
                len as usize,
                p,
                Word::Var(data, Kind::Ptr),
            )]);
        }
        Ok(smallvec![p])
    }

    /// The words of an element value `x` (virtual vectors in it forced).
    fn element_words(&mut self, elem: Elem, x: &Red) -> Result<Red, Stop> {
        if x.len() != elem.width() {
            return Err(Stop::fail(format!(
                "an element of {} words where {} were expected",
                x.len(),
                elem.width()
            )));
        }
        self.concrete_words(x)
    }

    /// A vector allocated by compiled code: `vec![x; n]`.
    fn repeat_call(&mut self, elem: Scalar, x: Word, n: Word) -> Result<Word, Stop> {
        let (x, n) = (self.val(x)?, self.val(n)?);
        let size = self.b.iconst(elem.mem().size() as i64);
        let fr = self.frame;
        let x = if elem.kind() == Kind::Float {
            // Stored by bits: pass the float's bits as an integer.
            self.tick()?;
            self.b.unary(UnOp::FloatToBits, x)?
        } else {
            x
        };
        let h = helper(
            "rvec_repeat",
            frame::rvec_repeat as *const () as usize,
            &[Kind::Ptr, Kind::Int, Kind::Int, Kind::Int],
            Some(Kind::Ptr),
        );
        self.allocating();
        let p = self.call(&h, &[fr, x, n, size])?.unwrap();
        self.propagate_null(p)?;
        Ok(Word::Var(p, Kind::Ptr))
    }

    /// After a helper that returns a null pointer when it panicked: exit with the panic.
    fn propagate_null(&mut self, p: Value) -> Result<(), Stop> {
        let pi = self.b.unary(UnOp::PtrToInt, p)?;
        let null = self.bin_i(BinOp::Eq, pi, 0)?;
        self.propagate_if(null)
    }

    /// `vec![x; n]` of elements of several words: `x`'s words go through the frame's
    /// `out` to the helper.
    fn repeat_slots(&mut self, elem: Elem, x: &[Word], n: Word) -> Result<Word, Stop> {
        for (j, w) in x.iter().enumerate() {
            let v = self.val(*w)?;
            self.tick()?;
            self.b.store(
                crate::cx::word_mem(elem.kind(j)),
                self.frame,
                8 * j as i32,
                v,
            )?;
        }
        let n = self.val(n)?;
        let width = self.b.iconst(elem.width() as i64);
        let fr = self.frame;
        let h = helper(
            "rvec_repeat_slots",
            frame::rvec_repeat_slots as *const () as usize,
            &[Kind::Ptr, Kind::Int, Kind::Int],
            Some(Kind::Ptr),
        );
        self.allocating();
        let p = self.call(&h, &[fr, n, width])?.unwrap();
        self.propagate_null(p)?;
        Ok(Word::Var(p, Kind::Ptr))
    }

    /// Allocate a vector holding `items` (the forcing of a virtual vector).
    pub(crate) fn alloc_vec(&mut self, elem: Elem, items: &[Word]) -> Result<Word, Stop> {
        let zeros = elem.zeros();
        let w = elem.width();
        let n = Word::int((items.len() / w) as i64);
        // Fill with the first element when all are that same constant, else with zero.
        let fill: Red = match items.get(..w) {
            Some(f)
                if f.iter().all(|x| x.as_const().is_some()) && items.chunks(w).all(|c| c == f) =>
            {
                f.into()
            }
            _ => zeros,
        };
        let p = match elem {
            Elem::Scalar(s) => self.repeat_call(s, fill[0], n)?,
            Elem::Words(_) => self.repeat_slots(elem, &fill, n)?,
        };
        if items.chunks(w).all(|c| *c == fill[..]) {
            return Ok(p);
        }
        let pv = self.val(p)?;
        let data = self.load(MemType::Ptr, pv, 0)?;
        for (k, x) in items.iter().enumerate() {
            if *x == fill[k % w] {
                continue;
            }
            let (mt, off) = elem.mem(k % w);
            let xv = self.val(*x)?;
            self.tick()?;
            self.b
                .store(mt, data, ((k / w) * elem.size()) as i32 + off, xv)?;
        }
        Ok(p)
    }

    /// `vec![a, b, ...]` (`Vec::new()` for none): virtual up to [`MAX_VIRTUAL_LEN`] words.
    pub fn vec_lit(&mut self, elem: Elem, items: &[Red]) -> Result<Red, Stop> {
        let mut words = Vec::with_capacity(items.len() * elem.width());
        for x in items {
            words.extend(self.element_words(elem, x)?);
        }
        if words.len() <= MAX_VIRTUAL_LEN {
            return Ok(smallvec![self.new_virtual(elem, words)]);
        }
        Ok(smallvec![self.alloc_vec(elem, &words)?])
    }

    pub fn vec_len(&mut self, v: &Red) -> Result<Red, Stop> {
        if let Some((elem, items)) = self.virtual_vec(word0(v)?) {
            return Ok(smallvec![Word::int((items.len() / elem.width()) as i64)]);
        }
        if let Some((len, _)) = self.sized_vec(word0(v)?) {
            return Ok(smallvec![Word::int(len as i64)]);
        }
        let p = self.vec_ptr(v)?;
        let n = self.load(MemType::I64, p, 8)?;
        Ok(smallvec![Word::Var(n, Kind::Int)])
    }

    /// The number of a virtual vector `v` and the position of the first word of its
    /// element at a constant index `i`, after the bounds check (which panics now, since
    /// both are known); `None` when `v` is not virtual or `i` not constant.
    fn virtual_index(&self, v: &Red, i: &Red) -> Result<Option<(u32, usize)>, Stop> {
        let (wv, wi) = (word0(v)?, word0(i)?);
        let (Some((elem, items)), Some(ix)) = (self.virtual_vec(wv), wi.as_const()) else {
            return Ok(None);
        };
        let len = items.len() / elem.width();
        if ix >= len as u64 {
            return Err(Stop::Panic(
                green::INDEX_OOB.to_string(),
                smallvec![Word::int(len as i64), wi],
            ));
        }
        let Word::Virtual(n) = self.resolve(wv) else {
            return Ok(None);
        };
        Ok(Some((n, ix as usize * elem.width())))
    }

    fn virtual_items(&mut self, n: u32) -> &mut Vec<Word> {
        match &mut self.heap[n as usize] {
            Virtual::Vec { items, .. } => items,
            Virtual::Sized { .. }
            | Virtual::Forced(_)
            | Virtual::Struct { .. }
            | Virtual::Slice { .. } => {
                unreachable!("virtual_index and virtual_vec find virtual vectors only")
            }
        }
    }

    /// The elements pointer and index of element `i` after the bounds check (a panic
    /// exit).
    fn element(&mut self, v: &Red, i: &Red) -> Result<(Value, Value), Stop> {
        let wi = word0(i)?;
        if let Some((len, data)) = self.sized_vec(word0(v)?) {
            // Against the known length: no check for a constant index in range, one
            // check per index value in a block.
            if let Some(ix) = wi.as_const() {
                if ix >= len as u64 {
                    return Err(Stop::Panic(
                        green::INDEX_OOB.to_string(),
                        smallvec![Word::int(len as i64), wi],
                    ));
                }
            }
            let iv = self.val(wi)?;
            if wi.as_const().is_none() && !self.below(iv, len as u64) {
                let oob = self.bin_i(BinOp::Uge, iv, len as i64)?;
                self.panic_if(oob, green::INDEX_OOB, &[Word::int(len as i64), wi])?;
                self.bound(iv, len as u64);
            }
            return Ok((self.val(data)?, iv));
        }
        let p = self.vec_ptr(v)?;
        let iv = self.val(wi)?;
        let n = self.load(MemType::I64, p, 8)?;
        let oob = self.bin(BinOp::Uge, iv, n)?;
        self.panic_if(oob, green::INDEX_OOB, &[Word::Var(n, Kind::Int), wi])?;
        let data = self.load(MemType::Ptr, p, 0)?;
        Ok((data, iv))
    }

    /// The index of an element's first 8-byte slot (`iv * width`), for elements of
    /// several words.
    fn slot_index(&mut self, elem: Elem, iv: Value) -> Result<Value, Stop> {
        Ok(match elem.width() {
            1 => iv,
            w => self.bin_i(BinOp::Mul, iv, w as i64)?,
        })
    }

    /// The words of element `iv` (the word `wi`) of elements of several words at
    /// `data`: at constant offsets for a constant index.
    fn load_slots(&mut self, elem: Elem, data: Value, iv: Value, wi: Word) -> Result<Red, Stop> {
        let mut out = Red::with_capacity(elem.width());
        if let Some(at) = constant_offset(elem, wi) {
            for j in 0..elem.width() {
                let (mt, off) = elem.mem(j);
                let x = self.load(mt, data, at + off)?;
                out.push(Word::Var(x, elem.kind(j)));
            }
            return Ok(out);
        }
        let ix = self.slot_index(elem, iv)?;
        for j in 0..elem.width() {
            let (mt, off) = elem.mem(j);
            self.tick()?;
            let x = self.b.load_indexed(mt, data, ix, 8, off)?;
            out.push(Word::Var(x, elem.kind(j)));
        }
        Ok(out)
    }

    pub fn vec_get(&mut self, elem: Elem, v: &Red, i: &Red) -> Result<Red, Stop> {
        if let Some((n, at)) = self.virtual_index(v, i)? {
            let w = elem.width();
            return Ok(self.virtual_items(n)[at..at + w].into());
        }
        let (data, iv) = self.element(v, i)?;
        let Elem::Scalar(scalar) = elem else {
            return self.load_slots(elem, data, iv, word0(i)?);
        };
        let key = (data, word0(i)?);
        if let Some(w) = self.memory.get(&key) {
            return Ok(smallvec![*w]);
        }
        let mt = scalar.mem();
        self.tick()?;
        let r = Word::Var(
            self.b.load_indexed(mt, data, iv, mt.size() as u8, 0)?,
            scalar.kind(),
        );
        self.memory.insert(key, r);
        Ok(smallvec![r])
    }

    pub fn vec_set(&mut self, elem: Elem, v: &Red, i: &Red, x: &Red) -> Result<(), Stop> {
        if let Some((n, at)) = self.virtual_index(v, i)? {
            let x = self.element_words(elem, x)?;
            self.virtual_items(n)[at..at + x.len()].copy_from_slice(&x);
            return Ok(());
        }
        let (data, iv) = self.element(v, i)?;
        let x = self.element_words(elem, x)?;
        let Elem::Scalar(scalar) = elem else {
            if let Some(at) = constant_offset(elem, word0(i)?) {
                for (j, w) in x.iter().enumerate() {
                    let (mt, off) = elem.mem(j);
                    let xv = self.val(*w)?;
                    self.tick()?;
                    self.b.store(mt, data, at + off, xv)?;
                }
                self.memory.clear();
                return Ok(());
            }
            let ix = self.slot_index(elem, iv)?;
            for (j, w) in x.iter().enumerate() {
                let (mt, off) = elem.mem(j);
                let xv = self.val(*w)?;
                self.tick()?;
                self.b.store_indexed(mt, data, ix, 8, off, xv)?;
            }
            self.memory.clear();
            return Ok(());
        };
        let xv = self.val(x[0])?;
        let mt = scalar.mem();
        self.tick()?;
        self.b.store_indexed(mt, data, iv, mt.size() as u8, 0, xv)?;
        // Another element pointer could be the same memory: forget every other.
        self.memory.clear();
        self.memory.insert((data, word0(i)?), x[0]);
        Ok(())
    }

    pub fn vec_push(&mut self, elem: Elem, v: &Red, x: &Red) -> Result<(), Stop> {
        let x = self.element_words(elem, x)?;
        if let Some((_, items)) = self.virtual_vec(word0(v)?) {
            if items.len() + x.len() <= MAX_VIRTUAL_LEN {
                let Word::Virtual(n) = self.resolve(word0(v)?) else {
                    unreachable!("virtual_vec found a virtual vector")
                };
                self.virtual_items(n).extend_from_slice(&x);
                return Ok(());
            }
        }
        let p = self.vec_ptr(v)?;
        let fr = self.frame;
        let h = helper(
            "rvec_push_slot",
            frame::rvec_push_slot as *const () as usize,
            &[Kind::Ptr, Kind::Ptr],
            Some(Kind::Ptr),
        );
        let slot = self.call(&h, &[fr, p])?.unwrap();
        self.propagate_null(slot)?;
        for (j, w) in x.iter().enumerate() {
            let (mt, off) = elem.mem(j);
            let xv = self.val(*w)?;
            self.tick()?;
            self.b.store(mt, slot, off, xv)?;
        }
        Ok(())
    }

    /// `v.pop()`: an `Option` ([tag, the element's words as its payload holds them]).
    pub fn vec_pop(&mut self, elem: Elem, v: &Red) -> Result<Red, Stop> {
        if let Some((_, items)) = self.virtual_vec(word0(v)?) {
            if items.is_empty() {
                let mut out: Red = smallvec![Word::int(0)];
                out.extend(self.payload_words(&elem.zeros())?);
                return Ok(out);
            }
            let Word::Virtual(n) = self.resolve(word0(v)?) else {
                unreachable!("virtual_vec found a virtual vector")
            };
            let items = self.virtual_items(n);
            let rest = items.len() - elem.width();
            let popped: Red = items.drain(rest..).collect();
            let mut out: Red = smallvec![Word::int(1)];
            out.extend(self.payload_words(&popped)?);
            return Ok(out);
        }
        let p = self.vec_ptr(v)?;
        let n = self.load(MemType::I64, p, 8)?;
        let tag = self.bin_i(BinOp::Ne, n, 0)?;
        let h = helper(
            "rvec_pop_slot",
            frame::rvec_pop_slot as *const () as usize,
            &[Kind::Ptr],
            Some(Kind::Ptr),
        );
        // The element stays in the buffer until the next push; read it at once.
        let slot = self.call(&h, &[p])?.unwrap();
        let mut out: Red = smallvec![Word::Var(tag, Kind::Int)];
        // Floats are loaded as their bits: the `Option`'s payload holds them so.
        for j in 0..elem.width() {
            let (mt, off) = elem.mem(j);
            let (mt, k) = match mt {
                MemType::F64 => (MemType::I64, Kind::Int),
                mt => (mt, elem.kind(j)),
            };
            let x = self.load(mt, slot, off)?;
            out.push(Word::Var(x, k));
        }
        Ok(out)
    }
}

/// Scalar fields of structs compiled code holds by their address (opaque structs): read
/// and written in place, at the offset Rust gives the field, as Rust stores it.
impl<'j> Cx<'j> {
    fn opaque_address(&mut self, p: &Red) -> Result<Value, Stop> {
        let w = self.val(word0(p)?)?;
        match word0(p)?.kind() {
            Kind::Ptr => Ok(w),
            _ => {
                self.tick()?;
                Ok(self.b.unary(UnOp::IntToPtr, w)?)
            }
        }
    }

    /// The scalar `s` at byte `offset` of the struct at address `p`.
    pub fn opaque_load(&mut self, p: &Red, offset: usize, s: Scalar) -> Result<Red, Stop> {
        let pv = self.opaque_address(p)?;
        let v = self.load(s.mem(), pv, offset as i32)?;
        Ok(smallvec![Word::Var(v, s.kind())])
    }

    /// Store `x` (a scalar `s`) at byte `offset` of the struct at address `p`.
    pub fn opaque_store(&mut self, p: &Red, offset: usize, s: Scalar, x: &Red) -> Result<(), Stop> {
        let pv = self.opaque_address(p)?;
        let xv = self.val(word0(x)?)?;
        self.tick()?;
        self.b.store(s.mem(), pv, offset as i32, xv)?;
        // Rust may have kept a copy of this memory: forget what the block remembers.
        self.memory.clear();
        Ok(())
    }
}

/// Red structs: virtual (a [`Virtual::Struct`] of the path's heap) until they escape,
/// then allocated (see [`frame::rstruct_new`]): a field is the words at its offset.
impl<'j> Cx<'j> {
    /// A new struct of fields `fields` (in declaration order), of word kinds `kinds`.
    pub fn struct_new(&mut self, kinds: &'static [Kind], fields: &[&Red]) -> Result<Red, Stop> {
        let words: Vec<Word> = fields.iter().flat_map(|f| f.iter().copied()).collect();
        if words.len() != kinds.len() {
            return Err(Stop::fail("a struct's fields do not match its layout"));
        }
        self.heap.push(Virtual::Struct {
            kinds,
            fields: words,
        });
        Ok(smallvec![Word::Virtual(self.heap.len() as u32 - 1)])
    }

    /// Allocate a struct holding `fields` (the forcing of a virtual struct).
    pub(crate) fn alloc_struct(&mut self, kinds: &[Kind], fields: &[Word]) -> Result<Word, Stop> {
        let n = self.b.iconst(kinds.len() as i64);
        let fr = self.frame;
        let h = helper(
            "rstruct_new",
            frame::rstruct_new as *const () as usize,
            &[Kind::Ptr, Kind::Int],
            Some(Kind::Ptr),
        );
        self.allocating();
        let p = self.call(&h, &[fr, n])?.unwrap();
        for (j, w) in fields.iter().enumerate() {
            if w.as_const() == Some(0) {
                continue;
            }
            let x = self.val(*w)?;
            self.tick()?;
            self.b
                .store(crate::cx::word_mem(kinds[j]), p, 8 * j as i32, x)?;
        }
        Ok(Word::Var(p, Kind::Ptr))
    }

    /// Field words `at..at + n` of the struct `s` (of word kinds `kinds`).
    pub fn struct_get(
        &mut self,
        kinds: &'static [Kind],
        s: &Red,
        at: usize,
        n: usize,
    ) -> Result<Red, Stop> {
        let w = self.resolve(word0(s)?);
        if let Word::Virtual(k) = w {
            if let Some(Virtual::Struct { fields, .. }) = self.heap.get(k as usize) {
                return Ok(fields[at..at + n].into());
            }
            return Err(Stop::fail("a struct that is not one"));
        }
        let p = self.val(w)?;
        let mut out = Red::with_capacity(n);
        for j in at..at + n {
            let x = self.load(crate::cx::word_mem(kinds[j]), p, 8 * j as i32)?;
            out.push(Word::Var(x, kinds[j]));
        }
        Ok(out)
    }

    /// Set field words `at..` of the struct `s` (of word kinds `kinds`) to `x`.
    pub fn struct_set(
        &mut self,
        kinds: &'static [Kind],
        s: &Red,
        at: usize,
        x: &Red,
    ) -> Result<(), Stop> {
        let w = self.resolve(word0(s)?);
        if let Word::Virtual(k) = w {
            let x: Red = x.clone();
            if let Some(Virtual::Struct { fields, .. }) = self.heap.get_mut(k as usize) {
                fields[at..at + x.len()].copy_from_slice(&x);
                return Ok(());
            }
            return Err(Stop::fail("a struct that is not one"));
        }
        let x = self.concrete_words(x)?;
        let p = self.val(w)?;
        for (j, word) in x.iter().enumerate() {
            let v = self.val(*word)?;
            self.tick()?;
            self.b.store(
                crate::cx::word_mem(kinds[at + j]),
                p,
                8 * (at + j) as i32,
                v,
            )?;
        }
        Ok(())
    }

    /// A copy of the struct `s` (`let b = a` of a `Copy` struct): a new struct with its
    /// field words.
    pub fn struct_copy(&mut self, kinds: &'static [Kind], s: &Red) -> Result<Red, Stop> {
        let words = self.struct_get(kinds, s, 0, kinds.len())?;
        self.struct_new(kinds, &[&words])
    }
}

impl<'j> Cx<'j> {
    /// `s[i]` for a slice given as (pointer to its first element, length) words, of
    /// elements `elem` (packed scalars, or 8-byte slots).
    pub fn slice_get(&mut self, elem: Elem, s: &Red, i: &Red) -> Result<Red, Stop> {
        if s.len() < 2 {
            return Err(Stop::fail("bad slice value"));
        }
        let wi = word0(i)?;
        if let (Some(ix), Some(n)) = (wi.as_const(), s[1].as_const()) {
            if ix >= n {
                return Err(Stop::Panic(
                    green::INDEX_OOB.to_string(),
                    smallvec![s[1], wi],
                ));
            }
            if let Some(items) = self.virtual_slice(s[0]) {
                let w = elem.width();
                let at = ix as usize * w;
                return Ok(items[at..at + w].into());
            }
        }
        let p = self.val(s[0])?;
        let iv = self.val(wi)?;
        let decided = wi.as_const().is_some() && s[1].as_const().is_some()
            || s[1].as_const().is_some_and(|n| self.below(iv, n));
        if !decided {
            let n = self.val(s[1])?;
            let oob = self.bin(BinOp::Uge, iv, n)?;
            self.panic_if(oob, green::INDEX_OOB, &[s[1], wi])?;
        }
        let Elem::Scalar(scalar) = elem else {
            return self.load_slots(elem, p, iv, wi);
        };
        let mt = scalar.mem();
        self.tick()?;
        let r = self.b.load_indexed(mt, p, iv, mt.size() as u8, 0)?;
        Ok(smallvec![Word::Var(r, scalar.kind())])
    }

    /// `&s[lo..hi]` (every range form: `a..` is `a..s.len()`), `s` being a vector
    /// (`of_vec`) or a slice ((pointer, length) words): the slice (pointer to element
    /// `lo`, length `hi - lo`), after Rust's checks in Rust's order (start within the
    /// length, end within it, start not after end), each a panic exit with Rust's
    /// message. A virtual vector is allocated first.
    pub fn subslice(
        &mut self,
        elem: Elem,
        of_vec: bool,
        s: &Red,
        lo: &Red,
        hi: &Red,
    ) -> Result<Red, Stop> {
        if let Some(r) = self.virtual_subslice(elem, of_vec, s, lo, hi)? {
            return Ok(r);
        }
        let (data, n) = if of_vec {
            let w = word0(s)?;
            if let Some((len, data)) = self.sized_vec(w) {
                (data, Word::int(len as i64))
            } else {
                let p = self.vec_ptr(s)?;
                let n = self.load(MemType::I64, p, 8)?;
                let data = self.load(MemType::Ptr, p, 0)?;
                (Word::Var(data, Kind::Ptr), Word::Var(n, Kind::Int))
            }
        } else {
            if s.len() < 2 {
                return Err(Stop::fail("bad slice value"));
            }
            (s[0], s[1])
        };
        let (wl, wh) = (word0(lo)?, word0(hi)?);
        // Checks whose outcome the words decide are made now: a failing one panics
        // here, a passing one costs nothing.
        let checks = [
            (wl, n, green::SLICE_START_OOB, [wl, n]),
            (wh, n, green::SLICE_END_OOB, [wh, n]),
            (wl, wh, green::SLICE_ORDER, [wl, wh]),
        ];
        for (a, b, msg, args) in checks {
            if a == b {
                continue;
            }
            if let (Some(x), Some(y)) = (a.as_const(), b.as_const()) {
                if x > y {
                    return Err(Stop::Panic(msg.to_string(), args.into_iter().collect()));
                }
                continue;
            }
            let (av, bv) = (self.val(a)?, self.val(b)?);
            let decided = match (a.as_const(), b.as_const()) {
                (Some(0), _) => true,
                (None, Some(y)) => self.decide(BinOp::Ugt, av, y) == Some(false),
                _ => false,
            };
            if decided {
                continue;
            }
            let bad = self.bin(BinOp::Ugt, av, bv)?;
            self.panic_if(bad, msg, &args)?;
        }
        let len = match (wl.as_const(), wh.as_const()) {
            (Some(x), Some(y)) => Word::int((y - x) as i64),
            (Some(0), _) => wh,
            _ => {
                let (lv, hv) = (self.val(wl)?, self.val(wh)?);
                Word::Var(self.bin(BinOp::Sub, hv, lv)?, Kind::Int)
            }
        };
        let ptr = match wl.as_const() {
            Some(0) => data,
            _ => {
                let dv = self.val(data)?;
                let lv = self.val(wl)?;
                let off = match elem.size() {
                    1 => lv,
                    k => self.bin_i(BinOp::Mul, lv, k as i64)?,
                };
                Word::Var(self.bin(BinOp::PtrAdd, dv, off)?, Kind::Ptr)
            }
        };
        Ok(smallvec![ptr, len])
    }

    /// The elements of a slice whose pointer word is `w`, when it is a slice of a virtual
    /// vector.
    fn virtual_slice(&self, w: Word) -> Option<&[Word]> {
        match self.resolve(w) {
            Word::Virtual(n) => match self.heap.get(n as usize) {
                Some(Virtual::Slice { items, .. }) => Some(items),
                _ => None,
            },
            _ => None,
        }
    }

    /// A slice at constant bounds of a virtual vector or of a slice of one: a
    /// [`Virtual::Slice`] of its elements; `None` otherwise. Bounds out of order or
    /// past the end panic now, with Rust's messages in Rust's order.
    fn virtual_subslice(
        &mut self,
        elem: Elem,
        of_vec: bool,
        s: &Red,
        lo: &Red,
        hi: &Red,
    ) -> Result<Option<Red>, Stop> {
        let w = elem.width();
        let items: Vec<Word> = if of_vec {
            match self.virtual_vec(word0(s)?) {
                Some((_, items)) => items.to_vec(),
                None => return Ok(None),
            }
        } else {
            match (s.len() >= 2).then(|| self.virtual_slice(s[0])).flatten() {
                Some(items) => items.to_vec(),
                None => return Ok(None),
            }
        };
        let (Some(l), Some(h)) = (word0(lo)?.as_const(), word0(hi)?.as_const()) else {
            return Ok(None);
        };
        let n = (items.len() / w) as u64;
        let checks = [
            (l > n, green::SLICE_START_OOB, [l, n]),
            (h > n, green::SLICE_END_OOB, [h, n]),
            (l > h, green::SLICE_ORDER, [l, h]),
        ];
        for (bad, msg, args) in checks {
            if bad {
                let args = args.iter().map(|x| Word::int(*x as i64)).collect();
                return Err(Stop::Panic(msg.to_string(), args));
            }
        }
        let part = items[l as usize * w..h as usize * w].to_vec();
        self.heap.push(Virtual::Slice { elem, items: part });
        let v = Word::Virtual(self.heap.len() as u32 - 1);
        Ok(Some(smallvec![v, Word::int((h - l) as i64)]))
    }

    /// `v.truncate(n)`: a virtual vector drops its last elements (for a constant `n`);
    /// otherwise the vector's length becomes `min(n, len)` (a store).
    pub fn vec_truncate(&mut self, v: &Red, n: &Red) -> Result<(), Stop> {
        let wv = word0(v)?;
        let wn = word0(n)?;
        if let (Some((e, items)), Some(k)) = (self.virtual_vec(wv), wn.as_const()) {
            let keep = (k as usize).min(items.len() / e.width()) * e.width();
            let Word::Virtual(h) = self.resolve(wv) else {
                unreachable!("virtual_vec found a virtual vector")
            };
            self.virtual_items(h).truncate(keep);
            return Ok(());
        }
        if let (Some((len, _)), Some(k)) = (self.sized_vec(wv), wn.as_const()) {
            if k >= len as u64 {
                return Ok(());
            }
        }
        // Allocated (a vector of known length is known by its pointer from now on).
        let p = self.vec_ptr(v)?;
        let old = self.load(MemType::I64, p, 8)?;
        let new = match wn.as_const() {
            Some(0) => self.b.iconst(0),
            _ => {
                // min(n, old), unsigned: old ^ ((n ^ old) & -(n < old)).
                let nv = self.val(wn)?;
                let c = self.bin(BinOp::Ult, nv, old)?;
                let zero = self.b.iconst(0);
                let m = self.bin(BinOp::Sub, zero, c)?;
                let x = self.bin(BinOp::Xor, nv, old)?;
                let y = self.bin(BinOp::And, x, m)?;
                self.bin(BinOp::Xor, old, y)?
            }
        };
        self.tick()?;
        self.b.store(MemType::I64, p, 8, new)?;
        self.memory.clear();
        Ok(())
    }
}
