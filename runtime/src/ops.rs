//! Red operations: each folds when its words are constants (through
//! [`crate::green::eval`], so folding and running agree) and otherwise emits backend code
//! with the same semantics, panics included.

use crate::cx::{Cx, Virtual, MAX_VIRTUAL_LEN};
use crate::frame;
use crate::green::{self, IntOp};
use crate::word::{IntTy, Red, Stop, Word};
use backend::{BinOp, Helper, Kind, MemType, OvfOp, Sig, UnOp, Value};
use smallvec::smallvec;

fn helper(name: &str, addr: usize, params: &[Kind], ret: Option<Kind>) -> Helper {
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
    fn signed(self) -> bool {
        matches!(self, Scalar::Int(t) if t.signed())
    }
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
            DivEuclid | RemEuclid => {
                let (name, addr) = if rem {
                    (
                        "i64_rem_euclid",
                        frame::i64_rem_euclid as *const () as usize,
                    )
                } else {
                    (
                        "i64_div_euclid",
                        frame::i64_div_euclid as *const () as usize,
                    )
                };
                let h = helper(name, addr, &[Kind::Int, Kind::Int], Some(Kind::Int));
                Ok(self.call(&h, &[a, b])?.unwrap())
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

    /// `vec![x; n]`: virtual when `n` is a constant of at most [`MAX_VIRTUAL_LEN`];
    /// allocated, but of a length known while compiling, for a larger constant.
    pub fn vec_repeat(&mut self, elem: Scalar, x: &Red, n: &Red) -> Result<Red, Stop> {
        let (x, n) = (word0(x)?, word0(n)?);
        if let Some(len) = n.as_const().filter(|l| *l as usize <= MAX_VIRTUAL_LEN) {
            let x = self.concrete(x)?;
            return Ok(smallvec![self.new_virtual(elem, vec![x; len as usize])]);
        }
        let p = self.repeat_call(elem, x, n)?;
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

    /// A vector allocated by compiled code: `vec![x; n]`.
    fn repeat_call(&mut self, elem: Scalar, x: Word, n: Word) -> Result<Word, Stop> {
        let (x, n) = (self.val(x)?, self.val(n)?);
        let size = self.b.iconst(elem.mem().size() as i64);
        let fr = self.frame;
        let x = if elem.kind() == Kind::Float {
            // Stored by bits: pass the float's bits as an integer.
            let h2 = helper(
                "f64_bits",
                f64_bits as *const () as usize,
                &[Kind::Float],
                Some(Kind::Int),
            );
            self.call(&h2, &[x])?.unwrap()
        } else {
            x
        };
        let h = helper(
            "rvec_repeat",
            frame::rvec_repeat as *const () as usize,
            &[Kind::Ptr, Kind::Int, Kind::Int, Kind::Int],
            Some(Kind::Ptr),
        );
        let p = self.call(&h, &[fr, x, n, size])?.unwrap();
        let pi = self.b.unary(UnOp::PtrToInt, p)?;
        let null = self.bin_i(BinOp::Eq, pi, 0)?;
        self.propagate_if(null)?;
        Ok(Word::Var(p, Kind::Ptr))
    }

    /// Allocate a vector holding `items` (the forcing of a virtual vector).
    pub(crate) fn alloc_vec(&mut self, elem: Scalar, items: &[Word]) -> Result<Word, Stop> {
        let zero = Word::Const(0, elem.kind());
        // Fill with the first item when all are that same constant, else with zero.
        let fill = match items.first() {
            Some(f) if f.as_const().is_some() && items.iter().all(|w| w == f) => *f,
            _ => zero,
        };
        let p = self.repeat_call(elem, fill, Word::int(items.len() as i64))?;
        if items.iter().all(|w| *w == fill) {
            return Ok(p);
        }
        let pv = self.val(p)?;
        let data = self.load(MemType::Ptr, pv, 0)?;
        let mt = elem.mem();
        for (i, w) in items.iter().enumerate() {
            if *w == fill {
                continue;
            }
            let x = self.val(*w)?;
            self.tick()?;
            self.b.store(mt, data, (i * mt.size()) as i32, x)?;
        }
        Ok(p)
    }

    /// `vec![a, b, ...]` (`Vec::new()` for none): virtual up to [`MAX_VIRTUAL_LEN`].
    pub fn vec_lit(&mut self, elem: Scalar, items: &[Red]) -> Result<Red, Stop> {
        let words: Vec<Word> = items.iter().map(word0).collect::<Result<_, _>>()?;
        let words = self.concrete_words(&words)?;
        if words.len() <= MAX_VIRTUAL_LEN {
            return Ok(smallvec![self.new_virtual(elem, words.into_vec())]);
        }
        Ok(smallvec![self.alloc_vec(elem, &words)?])
    }

    pub fn vec_len(&mut self, v: &Red) -> Result<Red, Stop> {
        if let Some((_, items)) = self.virtual_vec(word0(v)?) {
            return Ok(smallvec![Word::int(items.len() as i64)]);
        }
        if let Some((len, _)) = self.sized_vec(word0(v)?) {
            return Ok(smallvec![Word::int(len as i64)]);
        }
        let p = self.vec_ptr(v)?;
        let n = self.load(MemType::I64, p, 8)?;
        Ok(smallvec![Word::Var(n, Kind::Int)])
    }

    /// The element number of a virtual vector `v` at a constant index `i`, after the
    /// bounds check (which panics now, since both are known); `None` when `v` is not
    /// virtual or `i` not constant.
    fn virtual_index(&self, v: &Red, i: &Red) -> Result<Option<(u32, usize)>, Stop> {
        let (wv, wi) = (word0(v)?, word0(i)?);
        let (Some((_, items)), Some(ix)) = (self.virtual_vec(wv), wi.as_const()) else {
            return Ok(None);
        };
        if ix >= items.len() as u64 {
            return Err(Stop::Panic(
                green::INDEX_OOB.to_string(),
                smallvec![Word::int(items.len() as i64), wi],
            ));
        }
        let Word::Virtual(n) = self.resolve(wv) else {
            return Ok(None);
        };
        Ok(Some((n, ix as usize)))
    }

    fn virtual_items(&mut self, n: u32) -> &mut Vec<Word> {
        match &mut self.heap[n as usize] {
            Virtual::Vec { items, .. } => items,
            Virtual::Sized { .. } | Virtual::Forced(_) => {
                unreachable!("virtual_index and virtual_vec resolve forced vectors")
            }
        }
    }

    /// The address of element `i` after the bounds check (a panic exit).
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

    pub fn vec_get(&mut self, elem: Scalar, v: &Red, i: &Red) -> Result<Red, Stop> {
        if let Some((n, ix)) = self.virtual_index(v, i)? {
            return Ok(smallvec![self.virtual_items(n)[ix]]);
        }
        let (data, iv) = self.element(v, i)?;
        let key = (data, word0(i)?);
        if let Some(w) = self.memory.get(&key) {
            return Ok(smallvec![*w]);
        }
        let mt = elem.mem();
        self.tick()?;
        let r = Word::Var(
            self.b.load_indexed(mt, data, iv, mt.size() as u8, 0)?,
            elem.kind(),
        );
        self.memory.insert(key, r);
        Ok(smallvec![r])
    }

    pub fn vec_set(&mut self, elem: Scalar, v: &Red, i: &Red, x: &Red) -> Result<(), Stop> {
        let wx = word0(x)?;
        if let Some((n, ix)) = self.virtual_index(v, i)? {
            let wx = self.concrete(wx)?;
            self.virtual_items(n)[ix] = wx;
            return Ok(());
        }
        let (data, iv) = self.element(v, i)?;
        let wx = self.concrete(wx)?;
        let xv = self.val(wx)?;
        let mt = elem.mem();
        self.tick()?;
        self.b.store_indexed(mt, data, iv, mt.size() as u8, 0, xv)?;
        // Another element pointer could be the same memory: forget every other.
        self.memory.clear();
        self.memory.insert((data, word0(i)?), wx);
        Ok(())
    }

    pub fn vec_push(&mut self, elem: Scalar, v: &Red, x: &Red) -> Result<(), Stop> {
        let wx = word0(x)?;
        if let Some((_, items)) = self.virtual_vec(word0(v)?) {
            if items.len() < MAX_VIRTUAL_LEN {
                let wx = self.concrete(wx)?;
                let Word::Virtual(n) = self.resolve(word0(v)?) else {
                    unreachable!("virtual_vec found a virtual vector")
                };
                self.virtual_items(n).push(wx);
                return Ok(());
            }
        }
        if elem.kind() == Kind::Float {
            return Err(Stop::fail("push of a float onto a red vector"));
        }
        let p = self.vec_ptr(v)?;
        let xv = self.val(wx)?;
        let fr = self.frame;
        let h = helper(
            "rvec_push",
            frame::rvec_push as *const () as usize,
            &[Kind::Ptr, Kind::Ptr, Kind::Int],
            Some(Kind::Int),
        );
        let st = self.call(&h, &[fr, p, xv])?.unwrap();
        self.propagate_if(st)
    }

    /// `v.pop()`: an `Option` ([tag, value]).
    pub fn vec_pop(&mut self, elem: Scalar, v: &Red) -> Result<Red, Stop> {
        if let Some((_, items)) = self.virtual_vec(word0(v)?) {
            if items.is_empty() {
                return Ok(smallvec![Word::int(0), Word::Const(0, elem.kind())]);
            }
            let Word::Virtual(n) = self.resolve(word0(v)?) else {
                unreachable!("virtual_vec found a virtual vector")
            };
            let x = self.virtual_items(n).pop().expect("not empty");
            return Ok(smallvec![Word::int(1), x]);
        }
        if elem.kind() == Kind::Float {
            return Err(Stop::fail("pop of a float from a red vector"));
        }
        let p = self.vec_ptr(v)?;
        let n = self.load(MemType::I64, p, 8)?;
        let tag = self.bin_i(BinOp::Ne, n, 0)?;
        let signed = self.b.iconst(elem.signed() as i64);
        let h = helper(
            "rvec_pop",
            frame::rvec_pop as *const () as usize,
            &[Kind::Ptr, Kind::Int],
            Some(Kind::Int),
        );
        let x = self.call(&h, &[p, signed])?.unwrap();
        Ok(smallvec![
            Word::Var(tag, Kind::Int),
            Word::Var(x, Kind::Int)
        ])
    }
}

extern "C" fn f64_bits(x: f64) -> u64 {
    x.to_bits()
}

impl<'j> Cx<'j> {
    /// `s[i]` for a slice given as (pointer, length) words.
    pub fn slice_get(&mut self, elem: Scalar, s: &Red, i: &Red) -> Result<Red, Stop> {
        if s.len() < 2 {
            return Err(Stop::fail("bad slice value"));
        }
        let wi = word0(i)?;
        let p = self.val(s[0])?;
        let n = self.val(s[1])?;
        let iv = self.val(wi)?;
        let oob = self.bin(BinOp::Uge, iv, n)?;
        self.panic_if(oob, green::INDEX_OOB, &[s[1], wi])?;
        let mt = elem.mem();
        self.tick()?;
        let r = self.b.load_indexed(mt, p, iv, mt.size() as u8, 0)?;
        Ok(smallvec![Word::Var(r, elem.kind())])
    }
}
