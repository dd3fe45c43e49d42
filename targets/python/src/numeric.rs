//! Arithmetic on ints (unboxed `i64` or big), bools and floats with Python's
//! semantics: floor division and modulo take the divisor's sign, ints grow without
//! overflow, `/` makes floats, and results are normalized (an int that fits an `i64`
//! is always `Value::Int`).

use crate::bytecode::*;
use crate::objects::Object;
use crate::space::Space;
use crate::value::Value;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// An int value of a big int, normalized.
pub fn int_value(vm: &mut Space, b: BigInt) -> Value {
    match b.to_i64() {
        Some(i) => Value::Int(i),
        None => vm.alloc(Object::BigInt(b)),
    }
}

/// The int of an int-like value (int, bool, big int).
pub fn to_bigint(vm: &Space, v: Value) -> Option<BigInt> {
    match v {
        Value::Int(i) => Some(BigInt::from(i)),
        Value::Bool(b) => Some(BigInt::from(b as i64)),
        Value::Obj(_) => match vm.obj(v) {
            Object::BigInt(b) => Some(b.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The float of a number (int, bool, big int, float).
pub fn to_f64(vm: &Space, v: Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(i as f64),
        Value::Bool(b) => Some(b as i64 as f64),
        Value::Float(f) => Some(f),
        Value::Obj(_) => match vm.obj(v) {
            Object::BigInt(b) => Some(b.to_f64().unwrap_or(f64::INFINITY)),
            _ => None,
        },
        _ => None,
    }
}

pub fn is_int(vm: &Space, v: Value) -> bool {
    match v {
        Value::Int(_) | Value::Bool(_) => true,
        Value::Obj(_) => matches!(vm.obj(v), Object::BigInt(_)),
        _ => false,
    }
}

pub fn is_number(vm: &Space, v: Value) -> bool {
    matches!(v, Value::Float(_)) || is_int(vm, v)
}

/// Python's `//` on i64 (`y != 0`; `None` on overflow).
pub fn floordiv_i64(x: i64, y: i64) -> Option<i64> {
    let q = x.checked_div(y)?;
    if (x % y != 0) && ((x < 0) != (y < 0)) {
        Some(q - 1)
    } else {
        Some(q)
    }
}

/// Python's `%` on i64 (`y != 0`).
pub fn mod_i64(x: i64, y: i64) -> i64 {
    if y == -1 {
        return 0;
    }
    let r = x % y;
    if r != 0 && ((r < 0) != (y < 0)) {
        r + y
    } else {
        r
    }
}

/// Python's float `%`.
pub fn fmod_py(x: f64, y: f64) -> f64 {
    let mut m = x % y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m += y;
        }
    } else {
        m = 0.0f64.copysign(y);
    }
    m
}

/// Python's float `//`.
pub fn floordiv_f64(x: f64, y: f64) -> f64 {
    let m = x % y;
    let mut div = (x - m) / y;
    if m != 0.0 && ((y < 0.0) != (m < 0.0)) {
        div -= 1.0;
    }
    if div != 0.0 {
        let f = div.floor();
        if div - f > 0.5 {
            f + 1.0
        } else {
            f
        }
    } else {
        0.0f64.copysign(x / y)
    }
}

/// `a op b` when both are numbers; `None` when either is not.
pub fn binary(vm: &mut Space, op: u32, a: Value, b: Value) -> Option<Result<Value, Value>> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return Some(int_i64(vm, op, x, y));
    }
    if matches!(a, Value::Float(_)) || matches!(b, Value::Float(_)) {
        let x = to_f64(vm, a)?;
        let y = to_f64(vm, b)?;
        if op >= BIN_LSHIFT {
            return None;
        }
        if (x.is_infinite() && !matches!(a, Value::Float(_)))
            || (y.is_infinite() && !matches!(b, Value::Float(_)))
        {
            return Some(Err(
                vm.err("OverflowError", "int too large to convert to float")
            ));
        }
        return Some(float_op(vm, op, x, y));
    }
    let x = to_bigint(vm, a)?;
    let y = to_bigint(vm, b)?;
    Some(int_big(vm, op, x, y))
}

fn int_i64(vm: &mut Space, op: u32, x: i64, y: i64) -> Result<Value, Value> {
    let r = match op {
        BIN_ADD => x.checked_add(y),
        BIN_SUB => x.checked_sub(y),
        BIN_MUL => x.checked_mul(y),
        BIN_TRUEDIV => {
            if y == 0 {
                return Err(vm.err("ZeroDivisionError", "division by zero"));
            }
            if x.unsigned_abs() < (1 << 53) && y.unsigned_abs() < (1 << 53) {
                return Ok(Value::Float(x as f64 / y as f64));
            }
            None
        }
        BIN_FLOORDIV => {
            if y == 0 {
                return Err(vm.err("ZeroDivisionError", "integer division or modulo by zero"));
            }
            floordiv_i64(x, y)
        }
        BIN_MOD => {
            if y == 0 {
                return Err(vm.err("ZeroDivisionError", "integer modulo by zero"));
            }
            Some(mod_i64(x, y))
        }
        BIN_POW => {
            if y < 0 {
                return float_op(vm, op, x as f64, y as f64);
            }
            if y <= u32::MAX as i64 {
                x.checked_pow(y as u32)
            } else {
                None
            }
        }
        BIN_LSHIFT => {
            if y < 0 {
                return Err(vm.value_error("negative shift count"));
            }
            if y < 63 && x.unsigned_abs() < (1u64 << (62 - y)) {
                Some(x << y)
            } else {
                None
            }
        }
        BIN_RSHIFT => {
            if y < 0 {
                return Err(vm.value_error("negative shift count"));
            }
            Some(if y >= 64 {
                if x < 0 {
                    -1
                } else {
                    0
                }
            } else {
                x >> y
            })
        }
        BIN_AND => Some(x & y),
        BIN_OR => Some(x | y),
        BIN_XOR => Some(x ^ y),
        _ => return Err(unsupported(vm, op, Value::Int(x), Value::Int(y))),
    };
    match r {
        Some(v) => Ok(Value::Int(v)),
        None => int_big(vm, op, BigInt::from(x), BigInt::from(y)),
    }
}

fn int_big(vm: &mut Space, op: u32, x: BigInt, y: BigInt) -> Result<Value, Value> {
    let r = match op {
        BIN_ADD => x + y,
        BIN_SUB => x - y,
        BIN_MUL => x * y,
        BIN_TRUEDIV => {
            if y.is_zero() {
                return Err(vm.err("ZeroDivisionError", "division by zero"));
            }
            let f = big_div_f64(&x, &y);
            if f.is_infinite() {
                return Err(vm.err(
                    "OverflowError",
                    "integer division result too large for a float",
                ));
            }
            return Ok(Value::Float(f));
        }
        BIN_FLOORDIV => {
            if y.is_zero() {
                return Err(vm.err("ZeroDivisionError", "integer division or modulo by zero"));
            }
            x.div_floor(&y)
        }
        BIN_MOD => {
            if y.is_zero() {
                return Err(vm.err("ZeroDivisionError", "integer modulo by zero"));
            }
            x.mod_floor(&y)
        }
        BIN_POW => {
            if y.is_negative() {
                let xf = x.to_f64().unwrap_or(f64::INFINITY);
                let yf = y.to_f64().unwrap_or(f64::NEG_INFINITY);
                return float_op(vm, op, xf, yf);
            }
            match y.to_u32() {
                Some(e) => {
                    if x.bits() * e as u64 > 1 << 32 {
                        return Err(vm.err("MemoryError", ""));
                    }
                    num_traits::pow::Pow::pow(&x, e)
                }
                None => {
                    if x.is_zero() || x.is_one() {
                        x
                    } else if x == BigInt::from(-1) {
                        if y.is_even() {
                            BigInt::one()
                        } else {
                            x
                        }
                    } else {
                        return Err(vm.err("MemoryError", ""));
                    }
                }
            }
        }
        BIN_LSHIFT => {
            if y.is_negative() {
                return Err(vm.value_error("negative shift count"));
            }
            match y.to_u32() {
                Some(s) if s < (1 << 30) => x << s as usize,
                _ => {
                    if x.is_zero() {
                        x
                    } else {
                        return Err(vm.err("OverflowError", "too many digits in integer"));
                    }
                }
            }
        }
        BIN_RSHIFT => {
            if y.is_negative() {
                return Err(vm.value_error("negative shift count"));
            }
            match y.to_u64() {
                Some(s) if s < (1 << 40) => {
                    // Floor shift for negatives.
                    if x.is_negative() {
                        let d = BigInt::one() << s as usize;
                        x.div_floor(&d)
                    } else {
                        x >> s as usize
                    }
                }
                _ => {
                    if x.is_negative() {
                        BigInt::from(-1)
                    } else {
                        BigInt::zero()
                    }
                }
            }
        }
        BIN_AND => x & y,
        BIN_OR => x | y,
        BIN_XOR => x ^ y,
        _ => {
            let (a, b) = (int_value(vm, x), int_value(vm, y));
            return Err(unsupported(vm, op, a, b));
        }
    };
    Ok(int_value(vm, r))
}

/// `x / y` of big ints as a float, accurate for big operands.
fn big_div_f64(x: &BigInt, y: &BigInt) -> f64 {
    let (xf, yf) = (
        x.to_f64().unwrap_or(f64::INFINITY),
        y.to_f64().unwrap_or(f64::INFINITY),
    );
    if xf.is_finite() && yf.is_finite() {
        return xf / yf;
    }
    // Scale both down.
    let shift = x.bits().max(y.bits()).saturating_sub(1000);
    let xs = x >> shift as usize;
    let ys = y >> shift as usize;
    xs.to_f64().unwrap_or(f64::INFINITY) / ys.to_f64().unwrap_or(f64::INFINITY)
}

/// `x op y` on floats.
pub fn float_op(vm: &mut Space, op: u32, x: f64, y: f64) -> Result<Value, Value> {
    let r = match op {
        BIN_ADD => x + y,
        BIN_SUB => x - y,
        BIN_MUL => x * y,
        BIN_TRUEDIV => {
            if y == 0.0 {
                return Err(vm.err("ZeroDivisionError", "float division by zero"));
            }
            x / y
        }
        BIN_FLOORDIV => {
            if y == 0.0 {
                return Err(vm.err("ZeroDivisionError", "float floor division by zero"));
            }
            floordiv_f64(x, y)
        }
        BIN_MOD => {
            if y == 0.0 {
                return Err(vm.err("ZeroDivisionError", "float modulo"));
            }
            fmod_py(x, y)
        }
        BIN_POW => {
            if x == 0.0 && y < 0.0 {
                return Err(vm.err(
                    "ZeroDivisionError",
                    "0.0 cannot be raised to a negative power",
                ));
            }
            if x < 0.0 && y.fract() != 0.0 && y.is_finite() {
                return Err(vm.value_error("math domain error"));
            }
            let r = x.powf(y);
            if r.is_infinite() && x.is_finite() && y.is_finite() {
                return Err(vm.err("OverflowError", "(34, 'Numerical result out of range')"));
            }
            r
        }
        _ => return Err(unsupported(vm, op, Value::Float(x), Value::Float(y))),
    };
    Ok(Value::Float(r))
}

/// The symbol of a binary operator in messages.
pub fn op_symbol(op: u32) -> &'static str {
    match op {
        BIN_ADD => "+",
        BIN_SUB => "-",
        BIN_MUL => "*",
        BIN_TRUEDIV => "/",
        BIN_FLOORDIV => "//",
        BIN_MOD => "%",
        BIN_POW => "** or pow()",
        BIN_LSHIFT => "<<",
        BIN_RSHIFT => ">>",
        BIN_AND => "&",
        BIN_OR => "|",
        BIN_XOR => "^",
        _ => "@",
    }
}

/// `TypeError: unsupported operand type(s) for +: 'int' and 'str'`.
pub fn unsupported(vm: &mut Space, op: u32, a: Value, b: Value) -> Value {
    let (ta, tb) = (vm.type_name(a), vm.type_name(b));
    vm.type_error(format!(
        "unsupported operand type(s) for {}: '{ta}' and '{tb}'",
        op_symbol(op)
    ))
}

/// Compare two numbers: `Some(ordering)` (`None` inside for NaN), or `None` when
/// either is not a number.
pub fn num_cmp(vm: &Space, a: Value, b: Value) -> Option<Option<std::cmp::Ordering>> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(Some(x.cmp(&y))),
        (Value::Float(x), Value::Float(y)) => Some(x.partial_cmp(&y)),
        _ => {
            if !is_number(vm, a) || !is_number(vm, b) {
                return None;
            }
            if matches!(a, Value::Float(_)) || matches!(b, Value::Float(_)) {
                // Exact comparison of an int with a float.
                let (fa, fb) = (matches!(a, Value::Float(_)), matches!(b, Value::Float(_)));
                if fa && fb {
                    return Some(to_f64(vm, a)?.partial_cmp(&to_f64(vm, b)?));
                }
                let (f, i, flip) = if fa {
                    (to_f64(vm, a)?, to_bigint(vm, b)?, false)
                } else {
                    (to_f64(vm, b)?, to_bigint(vm, a)?, true)
                };
                let o = if f.is_nan() {
                    None
                } else if f.is_infinite() {
                    Some(if f > 0.0 {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Less
                    })
                } else {
                    let fl = f.floor();
                    let fi: BigInt = num_traits::FromPrimitive::from_f64(fl).unwrap_or_default();
                    match fi.cmp(&i) {
                        std::cmp::Ordering::Equal => {
                            if f > fl {
                                Some(std::cmp::Ordering::Greater)
                            } else {
                                Some(std::cmp::Ordering::Equal)
                            }
                        }
                        o => Some(o),
                    }
                };
                return Some(if flip { o.map(|o| o.reverse()) } else { o });
            }
            Some(Some(to_bigint(vm, a)?.cmp(&to_bigint(vm, b)?)))
        }
    }
}

/// CPython's hash of an int: `n mod (2**61 - 1)` with the sign, -1 becoming -2.
pub fn hash_int(i: i64) -> i64 {
    const M: i64 = (1 << 61) - 1;
    let r = if i >= 0 {
        i % M
    } else {
        -((-(i as i128) % M as i128) as i64)
    };
    if r == -1 {
        -2
    } else {
        r
    }
}

pub fn hash_bigint(b: &BigInt) -> i64 {
    let m = BigInt::from((1i64 << 61) - 1);
    let r = (b.abs() % &m).to_i64().unwrap_or(0);
    let r = if b.is_negative() { -r } else { r };
    if r == -1 {
        -2
    } else {
        r
    }
}

/// CPython's hash of a float (equal to the int's hash when integral).
pub fn hash_float(f: f64) -> i64 {
    if f.is_nan() {
        return 0;
    }
    if f.is_infinite() {
        return if f > 0.0 { 314159 } else { -314159 };
    }
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        return hash_int(f as i64);
    }
    const BITS: i32 = 61;
    const M: u64 = (1 << 61) - 1;
    let (mut m, mut e) = frexp(f.abs());
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & M) | x >> (BITS - 28);
        m *= 268435456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= M {
            x -= M;
        }
    }
    let e = if e >= 0 {
        e % BITS
    } else {
        BITS - 1 - ((-1 - e) % BITS)
    };
    x = ((x << e) & M) | x >> (BITS - e);
    let mut h = x as i64;
    if f < 0.0 {
        h = -h;
    }
    if h == -1 {
        -2
    } else {
        h
    }
}

fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 {
        return (0.0, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp(x * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}
