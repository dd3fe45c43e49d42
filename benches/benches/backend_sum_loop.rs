//! The sum of 1..n as a loop built through the code generation interface, compiled by
//! the x86-64 backend and interpreted by the reference backend, against the same loop
//! in native Rust. Prints time per iteration and ratios; `cargo bench -p benches`.

use backend::{new_backend, BackendKind, BinOp, FunctionBuilder, Kind, Sig};
use benches::{best_of, print_table, Row};
use std::hint::black_box;

fn sum_function() -> backend::Function {
    let mut b = FunctionBuilder::new("sum", Sig::new(&[Kind::Int], Some(Kind::Int)));
    let n = b.params(b.entry())[0];
    let head = b.create_block(&[Kind::Int, Kind::Int, Kind::Int]);
    let exit = b.create_block(&[Kind::Int]);
    let zero = b.iconst(0);
    let one = b.iconst(1);
    b.jump(head, &[one, zero, n]).unwrap();
    b.switch_to(head).unwrap();
    let p = b.params(head).to_vec();
    let acc = b.binary(BinOp::Add, p[1], p[0]).unwrap();
    let i = b.binary(BinOp::Add, p[0], one).unwrap();
    let more = b.binary(BinOp::Le, i, p[2]).unwrap();
    b.branch(more, head, &[i, acc, p[2]], exit, &[acc]).unwrap();
    b.switch_to(exit).unwrap();
    let r = b.params(exit)[0];
    b.ret(Some(r)).unwrap();
    b.finish().unwrap()
}

#[inline(never)]
fn native_sum(n: i64) -> i64 {
    let mut acc: i64 = 0;
    let mut i: i64 = 1;
    while i <= n {
        // black_box keeps the loop a loop (LLVM would otherwise use the closed form).
        acc = black_box(acc.wrapping_add(i));
        i += 1;
    }
    acc
}

fn main() {
    let n: i64 = std::env::var("SUM_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000_000);
    let n_ref = n / 200;
    let expect = |n: i64| n.wrapping_mul(n + 1) / 2;

    // SUM_JITLOG=FILE keeps the machine code for `viewcode FILE`.
    let log = backend::jitlog::JitLog::from_env("SUM_JITLOG").expect("log file");
    let x86 = new_backend(BackendKind::X86, log).expect("x86 backend");
    let reference = new_backend(BackendKind::Reference, None).unwrap();
    let fx = x86.compile(sum_function()).unwrap();
    let fr = reference.compile(sum_function()).unwrap();

    let (t_native, r) = best_of(5, || native_sum(black_box(n)));
    assert_eq!(r, expect(n));
    let (t_x86, r) = best_of(5, || unsafe { x86.call(fx, &[n as u64]) } as i64);
    assert_eq!(r, expect(n));
    let (t_ref, r) = best_of(3, || unsafe { reference.call(fr, &[n_ref as u64]) } as i64);
    assert_eq!(r, expect(n_ref));

    let rows = vec![
        Row::new("native Rust", t_native, n as u64),
        Row::new("x86 backend", t_x86, n as u64),
        Row::new("reference backend", t_ref, n_ref as u64),
    ];
    print_table(
        &format!("sum of 1..n (n = {n}; reference backend n = {n_ref})"),
        "iteration",
        &rows,
        "native Rust",
    );
}
