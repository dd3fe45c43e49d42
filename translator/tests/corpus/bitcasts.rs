//! Bit casts between `f64` and `u64` and the primitive types' constants. Like
//! `constructs.rs`, this file is compiled into the test binary and also read by the
//! translator: the graphs, evaluated, must agree with the compiled functions.
#![allow(dead_code, clippy::all)]

const QNAN: u64 = 0x7ff8_0000_0000_0000;
const TAG_INT: u64 = 0x0001_0000_0000_0000;
const PAYLOAD: u64 = 0x0000_ffff_ffff_ffff;
const TOP: u64 = u64::MAX;

/// An integer of 48 bits NaN-boxed into a float, the way an interpreter keeps integers
/// and floats in one `f64` word.
pub fn box_int(i: i64) -> f64 {
    f64::from_bits(QNAN | TAG_INT | (i as u64 & PAYLOAD))
}

/// The integer boxed in `x`, sign-extended from 48 bits, or `None` for a plain float.
pub fn unbox_int(x: f64) -> Option<i64> {
    let b = x.to_bits();
    if x.is_nan() && b & (QNAN | TAG_INT) == QNAN | TAG_INT {
        Some(((b & PAYLOAD) << 16) as i64 >> 16)
    } else {
        None
    }
}

/// Both directions, by method and by path, with the integer casts around them.
pub fn bitcasts(x: f64, u: u64) -> (u64, f64) {
    let b = x.to_bits();
    let sign = (b as i64 >> 63) as u64;
    let y = f64::from_bits(u);
    let back = f64::to_bits(y) ^ (TOP >> 1);
    let i = unbox_int(box_int(u as i64)).unwrap_or(0);
    (b ^ sign ^ back ^ (i as u64), y)
}

/// The constants of `f64` and of the integer types.
pub fn constants(x: f64) -> i64 {
    let mut n: i64 = 0;
    if x.is_nan() {
        n += 1;
    }
    if x == f64::INFINITY {
        n += 2;
    }
    if x == f64::NEG_INFINITY {
        n += 4;
    }
    if x > f64::MAX || x < f64::MIN {
        n += 8;
    }
    if x != 0.0 && x < f64::MIN_POSITIVE && x > -f64::MIN_POSITIVE {
        n += 16;
    }
    if x - 1.0 < f64::EPSILON && 1.0 - x < f64::EPSILON {
        n += 32;
    }
    if x.to_bits() == f64::NAN.to_bits() {
        n += 64;
    }
    let limits = (u8::MAX as i64) + (i8::MIN as i64) + (u32::BITS as i64) - (i64::MAX >> 60);
    n + limits * 128 + (std::f64::consts::PI * 1000.0) as i64 * 100_000
}
