//! Every operation on edge values, with operands in registers and as immediates.

use crate::harness::check_all;
use backend::reference::{eval_binary, eval_unary};
use backend::{BinOp, FunctionBuilder, Kind, MemType, OvfOp, Sig, UnOp};

const INTS: [i64; 16] = [
    0,
    1,
    -1,
    2,
    -2,
    3,
    -7,
    63,
    64,
    65,
    1 << 40,
    -(1 << 33),
    i64::MIN,
    i64::MAX,
    i64::MIN + 1,
    0x7fff_ffff,
];
const FLOATS: [f64; 11] = [
    0.0,
    -0.0,
    1.5,
    -2.25,
    1e300,
    -1e-300,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    9.3e18,
    -9.3e18,
];

fn values(k: Kind) -> Vec<u64> {
    match k {
        Kind::Float => FLOATS.iter().map(|f| f.to_bits()).collect(),
        _ => INTS.iter().map(|i| *i as u64).collect(),
    }
}

/// `op(a, b)` with both operands as parameters, then with each operand as a constant.
#[test]
fn binary_ops_on_edge_values() {
    for op in BinOp::ALL {
        let (ka, kb, kr) = op.kinds();
        let mut b = FunctionBuilder::new(op.name(), Sig::new(&[ka, kb], Some(kr)));
        let p = b.params(b.entry()).to_vec();
        let r = b.binary(op, p[0], p[1]).unwrap();
        b.ret(Some(r)).unwrap();
        let f = b.finish().unwrap();
        let inputs: Vec<Vec<u64>> = values(ka)
            .iter()
            .flat_map(|x| values(kb).into_iter().map(move |y| vec![*x, y]))
            .collect();
        let got = check_all(&f, &inputs);
        for (args, r) in inputs.iter().zip(got) {
            assert_eq!(r, eval_binary(op, args[0], args[1]), "{op:?} {args:x?}");
        }
        // Immediate forms: one operand a constant.
        for (i, c) in values(kb).into_iter().enumerate().step_by(3) {
            let mut b = FunctionBuilder::new(op.name(), Sig::new(&[ka], Some(kr)));
            let x = b.params(b.entry())[0];
            let y = const_of(&mut b, kb, c);
            let r = b.binary(op, x, y).unwrap();
            let r2 = {
                let y2 = const_of(&mut b, ka, values(ka)[i % values(ka).len()]);
                b.binary(op, y2, y).unwrap()
            };
            let mix = mix(&mut b, kr, r, r2);
            b.ret(Some(mix)).unwrap();
            let f = b.finish().unwrap();
            let inputs: Vec<Vec<u64>> = values(ka).into_iter().map(|x| vec![x]).collect();
            check_all(&f, &inputs);
        }
    }
}

fn const_of(b: &mut FunctionBuilder, k: Kind, bits: u64) -> backend::Value {
    match k {
        Kind::Int => b.iconst(bits as i64),
        Kind::Ptr => b.pconst(bits as usize),
        Kind::Float => b.fconst(f64::from_bits(bits)),
    }
}

/// Combine two results of kind `k` into one of kind `k`, so both are observed.
fn mix(b: &mut FunctionBuilder, k: Kind, x: backend::Value, y: backend::Value) -> backend::Value {
    match k {
        Kind::Int => {
            let s = b.iconst(13);
            let t = b.binary(BinOp::Shl, y, s).unwrap();
            b.binary(BinOp::Xor, x, t).unwrap()
        }
        Kind::Float => b.binary(BinOp::FSub, x, y).unwrap(),
        Kind::Ptr => {
            let yi = b.unary(UnOp::PtrToInt, y).unwrap();
            b.binary(BinOp::PtrAdd, x, yi).unwrap()
        }
    }
}

#[test]
fn unary_ops_on_edge_values() {
    for op in UnOp::ALL {
        let (ka, kr) = op.kinds();
        let mut b = FunctionBuilder::new(op.name(), Sig::new(&[ka], Some(kr)));
        let x = b.params(b.entry())[0];
        let r = b.unary(op, x).unwrap();
        b.ret(Some(r)).unwrap();
        let f = b.finish().unwrap();
        let mut inputs: Vec<Vec<u64>> = values(ka).into_iter().map(|v| vec![v]).collect();
        if ka == Kind::Float {
            for v in [
                0.5,
                -0.5,
                1e19,
                -1e19,
                9.223372036854775e18,
                -9.223372036854776e18,
                4.5e15,
            ] {
                inputs.push(vec![f64::to_bits(v)]);
            }
        }
        let got = check_all(&f, &inputs);
        for (args, r) in inputs.iter().zip(got) {
            assert_eq!(r, eval_unary(op, args[0]), "{op:?} {args:x?}");
        }
    }
}

/// `float_to_bits` and `float_from_bits` keep every bit, NaN payloads included, whether
/// the operand is a parameter, a constant or (with more values live than registers) in
/// a stack slot: NaN-boxing an integer into a float and back, as an interpreter would.
#[test]
fn bit_moves_keep_every_bit() {
    const BOX: i64 = 0x7ff9_0000_0000_0000u64 as i64;
    const PAYLOAD: i64 = 0x0000_ffff_ffff_ffff;
    for live in [0usize, 24] {
        let mut b = FunctionBuilder::new(
            "nan_box",
            Sig::new(&[Kind::Int, Kind::Float], Some(Kind::Int)),
        );
        let p = b.params(b.entry()).to_vec();
        // Values live across the moves, so that some of them are spilled.
        let mut held = Vec::new();
        for k in 0..live {
            let c = b.fconst(k as f64 + 0.25);
            held.push(b.binary(BinOp::FAdd, p[1], c).unwrap());
        }
        // Box the integer's low 48 bits in a NaN, unbox it, and add what the float
        // parameter's bits and two constants' bits say.
        let m = b.iconst(PAYLOAD);
        let low = b.binary(BinOp::And, p[0], m).unwrap();
        let tag = b.iconst(BOX);
        let boxed_bits = b.binary(BinOp::Or, low, tag).unwrap();
        let boxed = b.unary(UnOp::BitsToFloat, boxed_bits).unwrap();
        let neg = b.unary(UnOp::FNeg, boxed).unwrap();
        let back = b.unary(UnOp::FloatToBits, neg).unwrap();
        let unboxed = b.binary(BinOp::And, back, m).unwrap();
        let pbits = b.unary(UnOp::FloatToBits, p[1]).unwrap();
        let fc = b.fconst(f64::from_bits(0x7ff4_0000_0000_0abc));
        let cbits = b.unary(UnOp::FloatToBits, fc).unwrap();
        let ic = b.iconst(0x3ff8_0000_0000_0000);
        let cf = b.unary(UnOp::BitsToFloat, ic).unwrap();
        let cf2 = b.binary(BinOp::FMul, cf, cf).unwrap();
        let cf2i = b.unary(UnOp::FloatToInt, cf2).unwrap();
        let mut acc = b.binary(BinOp::Xor, unboxed, pbits).unwrap();
        acc = b.binary(BinOp::Add, acc, cbits).unwrap();
        acc = b.binary(BinOp::Add, acc, cf2i).unwrap();
        for h in held {
            let hb = b.unary(UnOp::FloatToBits, h).unwrap();
            acc = b.binary(BinOp::Xor, acc, hb).unwrap();
        }
        let sign = b.binary(BinOp::Xor, back, boxed_bits).unwrap();
        acc = b.binary(BinOp::Add, acc, sign).unwrap();
        b.ret(Some(acc)).unwrap();
        let f = b.finish().unwrap();
        let inputs: Vec<Vec<u64>> = INTS
            .iter()
            .zip(FLOATS.iter().cycle())
            .map(|(i, x)| vec![*i as u64, x.to_bits()])
            .chain([vec![7, f64::from_bits(0x7ff0_0000_dead_beef).to_bits()]])
            .collect();
        let got = check_all(&f, &inputs);
        for (args, r) in inputs.iter().zip(got).filter(|_| live == 0) {
            let want = ((args[0] & PAYLOAD as u64) ^ args[1])
                .wrapping_add(0x7ff4_0000_0000_0abc)
                .wrapping_add(2)
                .wrapping_add(1 << 63);
            assert_eq!(r, want, "{args:x?}");
        }
    }
}

/// Overflow-checked operations: the result, or the side exit.
#[test]
fn overflow_ops_branch_on_overflow() {
    const OVERFLOWED: i64 = 0x0bad;
    for op in OvfOp::ALL {
        for const_rhs in [None, Some(i64::MAX), Some(-1), Some(2), Some(0)] {
            let mut b = FunctionBuilder::new(
                op.name(),
                Sig::new(&[Kind::Int, Kind::Int], Some(Kind::Int)),
            );
            let p = b.params(b.entry()).to_vec();
            let ovf = b.create_block(&[Kind::Int]);
            let y = match const_rhs {
                Some(c) => b.iconst(c),
                None => p[1],
            };
            let r = b.overflow(op, p[0], y, ovf, &[p[0]]).unwrap();
            b.ret(Some(r)).unwrap();
            b.switch_to(ovf).unwrap();
            let a = b.params(ovf)[0];
            let k = b.iconst(OVERFLOWED);
            let m = b.binary(BinOp::Xor, a, k).unwrap();
            b.ret(Some(m)).unwrap();
            let f = b.finish().unwrap();
            let inputs: Vec<Vec<u64>> = INTS
                .iter()
                .flat_map(|x| INTS.iter().map(move |y| vec![*x as u64, *y as u64]))
                .collect();
            let got = check_all(&f, &inputs);
            for (args, r) in inputs.iter().zip(got) {
                let y = const_rhs.unwrap_or(args[1] as i64);
                let want = match op.eval(args[0] as i64, y) {
                    Some(v) => v,
                    None => args[0] as i64 ^ OVERFLOWED,
                };
                assert_eq!(r as i64, want, "{op:?} {args:?} {const_rhs:?}");
            }
        }
    }
}

/// Loads and stores of every width, at offsets and as indexed items, compared
/// byte-for-byte after the call.
#[test]
fn loads_and_stores_of_every_width() {
    for ty in MemType::ALL {
        for (indexed, scale) in [(false, 1u8), (true, 1), (true, 2), (true, 4), (true, 8)] {
            // f(buf, i, v): store v at item i, load item i+1, return its bits mixed in.
            let mut b = FunctionBuilder::new(
                ty.name(),
                Sig::new(&[Kind::Ptr, Kind::Int, ty.kind()], Some(ty.kind())),
            );
            let p = b.params(b.entry()).to_vec();
            let (buf, i, v) = (p[0], p[1], p[2]);
            let loaded = if indexed {
                b.store_indexed(ty, buf, i, scale, 3, v).unwrap();
                let one = b.iconst(1);
                let j = b.binary(BinOp::Add, i, one).unwrap();
                b.load_indexed(ty, buf, j, scale, -2).unwrap()
            } else {
                b.store(ty, buf, 5, v).unwrap();
                b.load(ty, buf, 6).unwrap()
            };
            b.ret(Some(loaded)).unwrap();
            let f = b.finish().unwrap();
            let bs = crate::harness::backends();
            let mut results = Vec::new();
            for be in &bs {
                let id = be.compile(f.clone()).unwrap();
                let mut out = Vec::new();
                for (n, val) in values(ty.kind()).into_iter().enumerate() {
                    let mut mem: Vec<u8> = (0..96u8).map(|x| x.wrapping_mul(37)).collect();
                    let idx = (n % 5) as u64;
                    let r = unsafe { be.call(id, &[mem.as_mut_ptr() as u64, idx, val]) };
                    out.push((r, mem));
                }
                results.push(out);
            }
            for r in &results[1..] {
                assert_eq!(r, &results[0], "{ty:?} indexed={indexed} scale={scale}");
            }
        }
    }
}

/// More values live at once than there are registers, of both kinds.
#[test]
fn more_live_values_than_registers() {
    for n in [5usize, 12, 20, 40] {
        let mut b = FunctionBuilder::new(
            "pressure",
            Sig::new(&[Kind::Int, Kind::Float], Some(Kind::Int)),
        );
        let p = b.params(b.entry()).to_vec();
        let mut ints = Vec::new();
        let mut floats = Vec::new();
        for k in 0..n {
            let c = b.iconst(k as i64 * 7 + 1);
            ints.push(b.binary(BinOp::Mul, p[0], c).unwrap());
            let fc = b.fconst(k as f64 + 0.5);
            floats.push(b.binary(BinOp::FMul, p[1], fc).unwrap());
        }
        // Use them in an order unrelated to their definition, all still live.
        let mut acc = b.iconst(0);
        let mut facc = b.fconst(0.0);
        for k in 0..n {
            let j = (k * 7 + 3) % n;
            let t = b.binary(BinOp::Sub, ints[j], acc).unwrap();
            acc = b.binary(BinOp::Xor, t, ints[(j + 1) % n]).unwrap();
            facc = b
                .binary(BinOp::FAdd, facc, floats[(k * 5 + 1) % n])
                .unwrap();
        }
        let fi = b.unary(UnOp::FloatToInt, facc).unwrap();
        let r = b.binary(BinOp::Add, acc, fi).unwrap();
        b.ret(Some(r)).unwrap();
        let f = b.finish().unwrap();
        let inputs: Vec<Vec<u64>> = [(3i64, 1.25f64), (-9, -0.75), (1 << 40, 3.0e10)]
            .iter()
            .map(|(i, x)| vec![*i as u64, x.to_bits()])
            .collect();
        check_all(&f, &inputs);
    }
}
