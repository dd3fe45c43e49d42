//! Control flow: loops, nested loops, branches on every kind of condition, jumps with
//! permuted arguments (parallel moves with cycles).

use crate::harness::check_all;
use backend::{BinOp, FunctionBuilder, Kind, OvfOp, Sig};

/// `sum(n) = 1 + 2 + ... + n`, a loop of one block.
pub fn sum_loop() -> backend::Function {
    let mut b = FunctionBuilder::new("sum", Sig::new(&[Kind::Int], Some(Kind::Int)));
    let n = b.params(b.entry())[0];
    let head = b.create_block(&[Kind::Int, Kind::Int, Kind::Int]);
    let exit = b.create_block(&[Kind::Int]);
    let zero = b.iconst(0);
    let one = b.iconst(1);
    b.jump(head, &[one, zero, n]).unwrap();
    b.switch_to(head).unwrap();
    let p = b.params(head).to_vec();
    let (i, acc, n) = (p[0], p[1], p[2]);
    let acc2 = b.binary(BinOp::Add, acc, i).unwrap();
    let i2 = b.binary(BinOp::Add, i, one).unwrap();
    let more = b.binary(BinOp::Le, i2, n).unwrap();
    b.branch(more, head, &[i2, acc2, n], exit, &[acc2]).unwrap();
    b.switch_to(exit).unwrap();
    let r = b.params(exit)[0];
    b.ret(Some(r)).unwrap();
    b.finish().unwrap()
}

#[test]
fn sum_loop_matches_formula() {
    let f = sum_loop();
    let ns = [1i64, 2, 10, 1000, 100_000];
    let got = check_all(&f, &ns.iter().map(|n| vec![*n as u64]).collect::<Vec<_>>());
    for (n, r) in ns.iter().zip(got) {
        assert_eq!(r as i64, n * (n + 1) / 2);
    }
}

/// Factorial with overflow detection: returns -1 when n! does not fit.
#[test]
fn factorial_with_overflow_exit() {
    let mut b = FunctionBuilder::new("fact", Sig::new(&[Kind::Int], Some(Kind::Int)));
    let n = b.params(b.entry())[0];
    let head = b.create_block(&[Kind::Int, Kind::Int]);
    let body = b.create_block(&[Kind::Int, Kind::Int]);
    let done = b.create_block(&[Kind::Int]);
    let one = b.iconst(1);
    b.jump(head, &[n, one]).unwrap();
    b.switch_to(head).unwrap();
    let p = b.params(head).to_vec();
    let c = b.binary(BinOp::Gt, p[0], one).unwrap();
    b.branch(c, body, &[p[0], p[1]], done, &[p[1]]).unwrap();
    b.switch_to(body).unwrap();
    let q = b.params(body).to_vec();
    let minus1 = b.iconst(-1);
    let m = b
        .overflow(OvfOp::MulOvf, q[1], q[0], done, &[minus1])
        .unwrap();
    let k = b.binary(BinOp::Sub, q[0], one).unwrap();
    b.jump(head, &[k, m]).unwrap();
    b.switch_to(done).unwrap();
    let r = b.params(done)[0];
    b.ret(Some(r)).unwrap();
    let f = b.finish().unwrap();
    let got = check_all(&f, &(0..25u64).map(|n| vec![n]).collect::<Vec<_>>());
    for (n, r) in got.iter().enumerate() {
        let want = (1..=n as i64)
            .try_fold(1i64, |a, k| a.checked_mul(k))
            .unwrap_or(-1);
        assert_eq!(*r as i64, want, "{n}!");
    }
}

/// Nested loops whose jumps rotate their arguments, so the moves form cycles.
#[test]
fn nested_loops_with_rotating_arguments() {
    let mut b = FunctionBuilder::new(
        "nest",
        Sig::new(&[Kind::Int, Kind::Int, Kind::Float], Some(Kind::Int)),
    );
    let p = b.params(b.entry()).to_vec();
    let outer = b.create_block(&[Kind::Int, Kind::Int, Kind::Int, Kind::Int, Kind::Float]);
    let inner = b.create_block(&[
        Kind::Int,
        Kind::Int,
        Kind::Int,
        Kind::Int,
        Kind::Int,
        Kind::Float,
    ]);
    let exit = b.create_block(&[Kind::Int, Kind::Float]);
    let zero = b.iconst(0);
    b.jump(outer, &[p[0], zero, p[1], zero, p[2]]).unwrap();

    b.switch_to(outer).unwrap();
    let o = b.params(outer).to_vec(); // i, a, b, acc, x
    let done = b.binary(BinOp::Le, o[0], zero).unwrap();
    let j0 = b.iconst(5);
    b.branch(
        done,
        exit,
        &[o[3], o[4]],
        inner,
        &[o[0], j0, o[1], o[2], o[3], o[4]],
    )
    .unwrap();

    b.switch_to(inner).unwrap();
    let q = b.params(inner).to_vec(); // i, j, a, b, acc, x
    let one = b.iconst(1);
    let j1 = b.binary(BinOp::Sub, q[1], one).unwrap();
    let t = b.binary(BinOp::Mul, q[2], q[1]).unwrap();
    let acc = b.binary(BinOp::Add, q[4], t).unwrap();
    let xs = b.fconst(1.5);
    let x = b.binary(BinOp::FMul, q[5], xs).unwrap();
    let again = b.binary(BinOp::Gt, j1, zero).unwrap();
    let i1 = b.binary(BinOp::Sub, q[0], one).unwrap();
    // Swap a and b on every inner step, and again between inner and outer.
    b.branch(
        again,
        inner,
        &[q[0], j1, q[3], q[2], acc, x],
        outer,
        &[i1, q[3], q[2], acc, x],
    )
    .unwrap();

    b.switch_to(exit).unwrap();
    let e = b.params(exit).to_vec();
    let xi = b.unary(backend::UnOp::FloatToInt, e[1]).unwrap();
    let r = b.binary(BinOp::Xor, e[0], xi).unwrap();
    b.ret(Some(r)).unwrap();
    let f = b.finish().unwrap();
    check_all(
        &f,
        &[
            vec![3, 7, 1.0f64.to_bits()],
            vec![10, u64::MAX, 0.5f64.to_bits()],
            vec![0, 1, 2.0f64.to_bits()],
        ],
    );
}
