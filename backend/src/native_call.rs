//! Calling native code with a signature known only at run time (System V x86-64).
//!
//! Under System V, integer and pointer arguments fill `rdi, rsi, rdx, rcx, r8, r9` in
//! order, floats fill `xmm0..xmm7` in order, and every argument that finds no register
//! goes on the stack, 8 bytes each, in argument order. So any signature of at most
//! [`MAX_ARGS`] arguments can be called as
//! `extern "C" fn(6 x u64, 8 x f64, n x u64) -> R` once the arguments are sorted into
//! those three groups: unused registers are ignored by the callee, and a float on the
//! stack has the same 8 bytes as its bit pattern.

use crate::ir::{Kind, Sig, MAX_ARGS};

const INT_REGS: usize = 6;
const FLOAT_REGS: usize = 8;

/// Call `addr`, a function of signature `sig`, with `args` (raw 64-bit patterns, one per
/// parameter). Returns the raw result (0 for a function returning nothing).
///
/// # Safety
/// `addr` must be a function with exactly signature `sig` under the C calling
/// convention, and calling it with these arguments must be safe.
pub unsafe fn call(addr: usize, sig: &Sig, args: &[u64]) -> u64 {
    call_kinds(addr, &sig.params, sig.ret, args)
}

/// [`call`] with the signature as its parameter kinds and result kind.
///
/// # Safety
/// As [`call`].
pub unsafe fn call_kinds(addr: usize, params: &[Kind], ret: Option<Kind>, args: &[u64]) -> u64 {
    assert_eq!(args.len(), params.len(), "argument count");
    assert!(args.len() <= MAX_ARGS, "too many arguments");
    let mut ints = [0u64; INT_REGS];
    let mut floats = [0f64; FLOAT_REGS];
    let mut stack = [0u64; MAX_ARGS];
    let (mut ni, mut nf, mut ns) = (0, 0, 0);
    for (a, k) in args.iter().zip(params) {
        match k {
            Kind::Int | Kind::Ptr if ni < INT_REGS => {
                ints[ni] = *a;
                ni += 1;
            }
            Kind::Float if nf < FLOAT_REGS => {
                floats[nf] = f64::from_bits(*a);
                nf += 1;
            }
            _ => {
                stack[ns] = *a;
                ns += 1;
            }
        }
    }
    let float_ret = ret == Some(Kind::Float);
    call_sorted(addr, &ints, &floats, &stack[..ns], float_ret)
}

macro_rules! dispatch_stack_count {
    ($addr:expr, $i:expr, $f:expr, $s:expr, $float_ret:expr; $($n:literal => [$($k:literal),*]),* $(,)?) => {
        match $s.len() {
            $(
                $n => {
                    if $float_ret {
                        let f: extern "C" fn(u64, u64, u64, u64, u64, u64,
                                             f64, f64, f64, f64, f64, f64, f64, f64
                                             $(, dispatch_stack_count!(@ty $k))*) -> f64 =
                            std::mem::transmute($addr);
                        f($i[0], $i[1], $i[2], $i[3], $i[4], $i[5],
                          $f[0], $f[1], $f[2], $f[3], $f[4], $f[5], $f[6], $f[7]
                          $(, $s[$k])*).to_bits()
                    } else {
                        let f: extern "C" fn(u64, u64, u64, u64, u64, u64,
                                             f64, f64, f64, f64, f64, f64, f64, f64
                                             $(, dispatch_stack_count!(@ty $k))*) -> u64 =
                            std::mem::transmute($addr);
                        f($i[0], $i[1], $i[2], $i[3], $i[4], $i[5],
                          $f[0], $f[1], $f[2], $f[3], $f[4], $f[5], $f[6], $f[7]
                          $(, $s[$k])*)
                    }
                }
            )*
            n => unreachable!("{n} stack arguments"),
        }
    };
    (@ty $k:literal) => { u64 };
}

unsafe fn call_sorted(
    addr: usize,
    ints: &[u64; INT_REGS],
    floats: &[f64; FLOAT_REGS],
    stack: &[u64],
    float_ret: bool,
) -> u64 {
    dispatch_stack_count!(addr, ints, floats, stack, float_ret;
        0 => [],
        1 => [0],
        2 => [0, 1],
        3 => [0, 1, 2],
        4 => [0, 1, 2, 3],
        5 => [0, 1, 2, 3, 4],
        6 => [0, 1, 2, 3, 4, 5],
        7 => [0, 1, 2, 3, 4, 5, 6],
        8 => [0, 1, 2, 3, 4, 5, 6, 7],
        9 => [0, 1, 2, 3, 4, 5, 6, 7, 8],
        10 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        11 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        12 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        13 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        14 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
        15 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
        16 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        17 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
        18 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
        19 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18],
        20 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
        21 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
        22 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21],
        23 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22],
        24 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23],
        25 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24],
        26 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25],
        27 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26],
        28 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27],
        29 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28],
        30 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29],
        31 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30],
        32 => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    extern "C" fn mixed(a: i64, x: f64, b: i64, y: f64) -> f64 {
        a as f64 * x + b as f64 * y
    }

    extern "C" fn many(
        a0: i64,
        a1: i64,
        a2: i64,
        a3: i64,
        a4: i64,
        a5: i64,
        a6: i64,
        a7: i64,
        a8: i64,
        a9: i64,
    ) -> i64 {
        a0 + 2 * a1 + 3 * a2 + 4 * a3 + 5 * a4 + 6 * a5 + 7 * a6 + 8 * a7 + 9 * a8 + 10 * a9
    }

    #[test]
    fn mixed_kinds() {
        use Kind::*;
        let sig = Sig::new(&[Int, Float, Int, Float], Some(Float));
        let r = unsafe {
            call(
                mixed as *const () as usize,
                &sig,
                &[3, 0.5f64.to_bits(), 4, 0.25f64.to_bits()],
            )
        };
        assert_eq!(f64::from_bits(r), 2.5);
    }

    #[test]
    fn stack_arguments() {
        let sig = Sig::new(&[Kind::Int; 10], Some(Kind::Int));
        let args: Vec<u64> = (1..=10).collect();
        let r = unsafe { call(many as *const () as usize, &sig, &args) };
        assert_eq!(r as i64, (1..=10).map(|i| i * i).sum::<i64>());
    }
}
