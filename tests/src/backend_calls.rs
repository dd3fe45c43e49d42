//! Calls to `extern "C"` helpers: 0 to 12 arguments (past the six argument registers),
//! mixed kinds, indirect calls, void calls, and values kept live across calls.

use crate::harness::check_all;
use backend::{BinOp, FunctionBuilder, Helper, Kind, MemType, Sig, UnOp};

macro_rules! weighted_helpers {
    ($($name:ident($($a:ident),*)),* $(,)?) => {
        $(
            extern "C" fn $name($($a: i64),*) -> i64 {
                #[allow(unused_mut)]
                let mut acc: i64 = 0x1234;
                #[allow(unused_mut, unused_assignments)]
                let mut w: i64 = 1;
                $( acc = acc.wrapping_mul(31).wrapping_add($a.wrapping_mul(w)); w += 1; )*
                let _ = w;
                acc
            }
        )*
    };
}

weighted_helpers!(
    h0(),
    h1(a),
    h2(a, b),
    h3(a, b, c),
    h4(a, b, c, d),
    h5(a, b, c, d, e),
    h6(a, b, c, d, e, f),
    h7(a, b, c, d, e, f, g),
    h8(a, b, c, d, e, f, g, h),
    h9(a, b, c, d, e, f, g, h, i),
    h10(a, b, c, d, e, f, g, h, i, j),
    h12(a, b, c, d, e, f, g, h, i, j, k, l),
);

fn int_helpers() -> Vec<Helper> {
    let addrs: [(usize, usize); 12] = [
        (0, h0 as *const () as usize),
        (1, h1 as *const () as usize),
        (2, h2 as *const () as usize),
        (3, h3 as *const () as usize),
        (4, h4 as *const () as usize),
        (5, h5 as *const () as usize),
        (6, h6 as *const () as usize),
        (7, h7 as *const () as usize),
        (8, h8 as *const () as usize),
        (9, h9 as *const () as usize),
        (10, h10 as *const () as usize),
        (12, h12 as *const () as usize),
    ];
    addrs
        .iter()
        .map(|(n, a)| {
            Helper::new(
                &format!("h{n}"),
                *a,
                Sig::new(&vec![Kind::Int; *n], Some(Kind::Int)),
            )
        })
        .collect()
}

extern "C" fn fmix(
    a: f64,
    n: i64,
    b: f64,
    c: f64,
    m: i64,
    d: f64,
    e: f64,
    f: f64,
    g: f64,
    h: f64,
    i: f64,
) -> f64 {
    a * 2.0 + n as f64 - b * 3.0 + c + m as f64 * 0.5 - d + e * 7.0 + f - g * 11.0 + h + i * 13.0
}

extern "C" fn record(p: *mut i64, v: i64) {
    unsafe { *p += v };
}

/// For each arity: call the helper with arguments derived from the parameters while
/// other values stay live across the call.
#[test]
fn calls_with_0_to_12_arguments() {
    for h in int_helpers() {
        let n = h.sig.params.len();
        let mut b =
            FunctionBuilder::new(&h.name, Sig::new(&[Kind::Int, Kind::Int], Some(Kind::Int)));
        let p = b.params(b.entry()).to_vec();
        let mut args = Vec::new();
        for k in 0..n {
            let c = b.iconst(k as i64 + 1);
            let v = if k % 3 == 2 {
                c
            } else {
                b.binary(BinOp::Mul, p[k % 2], c).unwrap()
            };
            args.push(v);
        }
        let live: Vec<_> = (0..8)
            .map(|k| {
                let c = b.iconst(k * 1000 + 17);
                b.binary(BinOp::Add, p[0], c).unwrap()
            })
            .collect();
        let r = b.call(&h, &args).unwrap().unwrap();
        let r2 = b.call(&h, &args).unwrap().unwrap();
        let mut acc = b.binary(BinOp::Sub, r, r2).unwrap();
        acc = b.binary(BinOp::Add, acc, r).unwrap();
        for v in live {
            acc = b.binary(BinOp::Xor, acc, v).unwrap();
        }
        b.ret(Some(acc)).unwrap();
        let f = b.finish().unwrap();
        check_all(&f, &[vec![3, 5], vec![u64::MAX, 1 << 62], vec![0, 0]]);
    }
}

#[test]
fn float_and_int_arguments_mixed_and_on_the_stack() {
    use Kind::*;
    let h = Helper::new(
        "fmix",
        fmix as *const () as usize,
        Sig::new(
            &[
                Float, Int, Float, Float, Int, Float, Float, Float, Float, Float, Float,
            ],
            Some(Float),
        ),
    );
    let mut b = FunctionBuilder::new("fcall", Sig::new(&[Float, Int], Some(Float)));
    let p = b.params(b.entry()).to_vec();
    let mut args = Vec::new();
    for (k, kind) in h.sig.params.iter().enumerate() {
        args.push(match kind {
            Float => {
                let c = b.fconst(k as f64 + 0.25);
                b.binary(BinOp::FAdd, p[0], c).unwrap()
            }
            _ => {
                let c = b.iconst(k as i64);
                b.binary(BinOp::Sub, p[1], c).unwrap()
            }
        });
    }
    let keep = b.binary(BinOp::FMul, p[0], p[0]).unwrap();
    let r = b.call(&h, &args).unwrap().unwrap();
    let r = b.binary(BinOp::FAdd, r, keep).unwrap();
    b.ret(Some(r)).unwrap();
    let f = b.finish().unwrap();
    let got = check_all(
        &f,
        &[
            vec![1.5f64.to_bits(), 7],
            vec![(-3.0f64).to_bits(), -2i64 as u64],
        ],
    );
    let x = 1.5f64;
    let want = fmix(
        x + 0.25,
        6,
        x + 2.25,
        x + 3.25,
        3,
        x + 5.25,
        x + 6.25,
        x + 7.25,
        x + 8.25,
        x + 9.25,
        x + 10.25,
    ) + x * x;
    assert_eq!(f64::from_bits(got[0]), want);
}

#[test]
fn indirect_and_void_calls() {
    let mut b = FunctionBuilder::new(
        "indirect",
        Sig::new(&[Kind::Ptr, Kind::Ptr, Kind::Int], Some(Kind::Int)),
    );
    let p = b.params(b.entry()).to_vec();
    let (fnp, cell, x) = (p[0], p[1], p[2]);
    let sig = Sig::new(&[Kind::Int, Kind::Int, Kind::Int], Some(Kind::Int));
    let two = b.iconst(2);
    let r = b.call_indirect(&sig, fnp, &[x, two, x]).unwrap().unwrap();
    let rec = Helper::new(
        "record",
        record as *const () as usize,
        Sig::new(&[Kind::Ptr, Kind::Int], None),
    );
    assert!(b.call(&rec, &[cell, r]).unwrap().is_none());
    let stored = b.load(MemType::I64, cell, 0).unwrap();
    let neg = b.unary(UnOp::Neg, stored).unwrap();
    b.ret(Some(neg)).unwrap();
    let f = b.finish().unwrap();
    for be in crate::harness::backends() {
        let id = be.compile(f.clone()).unwrap();
        let mut cell: i64 = 100;
        let r = unsafe {
            be.call(
                id,
                &[
                    h3 as *const () as usize as u64,
                    &mut cell as *mut i64 as u64,
                    9,
                ],
            )
        };
        assert_eq!(cell, 100 + h3(9, 2, 9), "{}", be.name());
        assert_eq!(r as i64, -cell, "{}", be.name());
    }
}
