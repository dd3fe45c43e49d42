//! Unsupported code in an analysed function is a rustc-style error: `error: ...`,
//! `--> file:line:column`, the source line underlined, and `help:` with what to do
//! instead. One case per kind of refusal, each rendered and snapshotted.

use translator::flow::build::build_fn;
use translator::source::Crate;

/// Build `f` from `src` and return the rendered diagnostic (it must fail).
fn diag(src: &str) -> String {
    let k = Crate::from_source("bad", src).unwrap();
    match build_fn(&k, "f") {
        Ok(_) => panic!("expected a diagnostic for:\n{src}"),
        Err(d) => d.render(&k, false),
    }
}

macro_rules! cases {
    ($($name:ident: $src:expr, $must:expr;)*) => {
        $(
            #[test]
            fn $name() {
                let out = diag($src);
                assert!(out.contains($must), "{out}");
                assert!(out.contains("--> bad.rs:"), "location missing:\n{out}");
                insta::assert_snapshot!(out);
            }
        )*
    };
}

cases! {
    closure: "fn f(a: i64) -> i64 {\n    let g = |x: i64| x + 1;\n    g(a)\n}\n", "a closure is not supported";
    unknown_callee: "fn f(a: i64) -> i64 {\n    std::cmp::max(a, 3)\n}\n", "not a function of the crate";
    io_macro: "fn f(a: i64) -> i64 {\n    println!(\"{}\", a);\n    a\n}\n", "I/O and formatting is not supported";
    untyped_literal: "fn f(a: i64) -> i64 {\n    let x = 5;\n    a + x\n}\n", "cannot tell the type of this integer literal";
    mixed_types: "fn f(a: i64, b: u8) -> i64 {\n    a + b\n}\n", "operands of different types";
    from_bits_of_a_signed_integer: "fn f(a: i64) -> f64 {\n    f64::from_bits(a)\n}\n", "expected `u64`, found `i64`";
    match_guard: "fn f(a: i64) -> i64 {\n    match a {\n        x if x > 3 => 1,\n        _ => 0,\n    }\n}\n", "a match guard is not supported";
    nested_pattern: "enum E { A(Option<i64>) }\nfn f(e: E) -> i64 {\n    match e {\n        E::A(Some(x)) => x,\n        _ => 0,\n    }\n}\n", "a nested pattern is not supported";
    mut_scalar_ref: "fn f(a: &mut i64) -> i64 {\n    *a\n}\n", "a `&mut` reference to a scalar is not supported";
    unsafe_block: "fn f(a: i64) -> i64 {\n    unsafe { a }\n}\n", "an `unsafe` block is not supported";
    generic_fn: "fn f<T>(a: T) -> i64 {\n    0\n}\n", "an async, unsafe or generic function";
    unknown_type: "fn f(a: std::collections::HashMap<i64, i64>) -> i64 {\n    0\n}\n", "the type `HashMap`";
    while_let: "fn f(mut v: Vec<i64>) -> i64 {\n    while let Some(x) = v.pop() {\n        return x;\n    }\n    0\n}\n", "`while let` is not supported";
    for_over_iter: "fn f(v: &[i64]) -> i64 {\n    let mut s: i64 = 0;\n    for x in v.iter() {\n        s += *x;\n    }\n    s\n}\n", "a `for` loop over this is not supported";
    question_conversion: "enum A { X }\nenum B { Y }\nfn g() -> Result<i64, A> { Err(A::X) }\nfn f() -> Result<i64, B> {\n    let x = g()?;\n    Ok(x)\n}\n", "`?` is supported when the error types are the same";
    missing_default_arm: "fn f(a: u8) -> i64 {\n    match a {\n        0 => 1,\n        1 => 2,\n    }\n}\n", "has no `_` arm";
    unknown_method: "fn f(v: &[i64]) -> i64 {\n    v.iter().sum()\n}\n", "method `iter` on a `[i64]`";
    residual_call_of_a_value: "fn f(a: i64) -> i64 {\n    hints::residual_call!(a)\n}\n", "`residual_call!` takes a call of a function of this crate";
    residual_call_of_another_crate: "fn f(a: i64) -> i64 {\n    hints::residual_call!(std::cmp::max(a, 3))\n}\n", "`residual_call!` takes a call of a function of this crate";
    wide_range_pattern: "fn f(a: i64) -> i64 {\n    match a {\n        0..=100000 => 1,\n        _ => 0,\n    }\n}\n", "a range pattern of more than 256 values";
}

#[test]
fn syntax_errors_name_the_place() {
    let e = match Crate::from_source("bad", "fn f( {") {
        Err(e) => e.to_string(),
        Ok(_) => panic!("parsed"),
    };
    assert!(e.starts_with("bad.rs:1:"), "{e}");
    assert!(e.contains("syntax error"), "{e}");
}
