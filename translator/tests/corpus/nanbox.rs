//! `acc` again, as a NaN-boxing interpreter: the registers x and y are `f64` words that
//! hold either a float or, in the payload of a NaN tagged as an integer, a 48-bit
//! integer. The program is a byte string: `+` x += y, `-` y -= 1, `*` x *= 2 (integers
//! that outgrow 48 bits become floats), `~` swap x and y, `f` x becomes a float, `i` x
//! becomes an integer (truncated), `h` x /= 2 as a float, `n` x = NaN, `b` x = the bits
//! of y as an integer, low 48 bits, `<` back to the start when y is not zero, `.` stop.
//! The result is x's integer, or the bits of x's float.
use hints::{concrete, global_merge_point, portal};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Overflow,
    BadOp(u8),
}

const QNAN: u64 = 0x7ff8_0000_0000_0000;
const TAG: u64 = 0x0001_0000_0000_0000;
const PAYLOAD: u64 = 0x0000_ffff_ffff_ffff;
const LIMIT: i64 = 1 << 47;

pub fn is_int(w: f64) -> bool {
    w.to_bits() & (QNAN | TAG) == QNAN | TAG
}

pub fn box_int(i: i64) -> f64 {
    f64::from_bits(QNAN | TAG | (i as u64 & PAYLOAD))
}

pub fn unbox(w: f64) -> i64 {
    ((f64::to_bits(w) & PAYLOAD) << 16) as i64 >> 16
}

/// An integer result: boxed when it fits in 48 bits, else a float.
pub fn int_result(i: i64) -> f64 {
    if i >= -LIMIT && i < LIMIT {
        box_int(i)
    } else {
        i as f64
    }
}

pub fn as_float(w: f64) -> f64 {
    if is_int(w) {
        unbox(w) as f64
    } else {
        w
    }
}

pub fn add(a: f64, b: f64) -> Result<f64, Error> {
    if is_int(a) && is_int(b) {
        Ok(int_result(unbox(a).checked_add(unbox(b)).ok_or(Error::Overflow)?))
    } else {
        Ok(as_float(a) + as_float(b))
    }
}

pub fn is_zero(w: f64) -> bool {
    if is_int(w) {
        unbox(w) == 0
    } else {
        w == 0.0
    }
}

#[portal(greens(code, pc))]
pub fn run(code: &[u8], pc: usize, x: i64, y: i64) -> Result<i64, Error> {
    let mut pc = pc;
    let mut x = int_result(x);
    let mut y = int_result(y);
    let minus_one = box_int(-1);
    while pc < code.len() {
        global_merge_point!();
        let op = concrete!(code[pc]);
        pc += 1;
        match op {
            b'+' => x = add(x, y)?,
            b'-' => y = add(y, minus_one)?,
            b'*' => x = add(x, x)?,
            b'~' => {
                let t = x;
                x = y;
                y = t;
            }
            b'f' => x = as_float(x),
            b'i' => {
                if !is_int(x) {
                    x = int_result(x as i64);
                }
            }
            b'h' => x = as_float(x) / 2.0,
            b'n' => x = f64::NAN,
            b'b' => x = box_int((y.to_bits() & PAYLOAD) as i64),
            b'<' => {
                if !is_zero(y) {
                    pc = 0;
                }
            }
            b'.' => break,
            _ => return Err(Error::BadOp(op)),
        }
    }
    if x.is_nan() && is_int(x) {
        Ok(unbox(x))
    } else {
        Ok(x.to_bits() as i64)
    }
}
