//! Unsupported code in an analysed function is a rustc-style error: `error: ...`,
//! `--> file:line:column`, the source line underlined, and `help:` with what to do
//! instead. One case per kind of refusal, each rendered and snapshotted.

use translator::flow::build::{build_fn, build_program};
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
    slice_pattern: "fn f(v: &[i64]) -> i64 {\n    match v {\n        [a, _] => *a,\n        _ => 0,\n    }\n}\n", "this pattern is not supported";
    from_bits_of_a_signed_integer: "fn f(a: i64) -> f64 {\n    f64::from_bits(a)\n}\n", "expected `u64`, found `i64`";
    mut_scalar_ref: "fn f(a: &mut i64) -> i64 {\n    *a\n}\n", "a `&mut` reference to a scalar is not supported";
    unsafe_block: "fn f(a: i64) -> i64 {\n    unsafe { a }\n}\n", "an `unsafe` block is not supported";
    generic_fn: "fn f<T>(a: T) -> i64 {\n    0\n}\n", "an async, unsafe or generic function";
    unknown_type: "fn f(a: std::collections::HashMap<i64, i64>) -> i64 {\n    0\n}\n", "the type `HashMap`";
    for_over_iter: "fn f(v: &[i64]) -> i64 {\n    let mut s: i64 = 0;\n    for x in v.iter() {\n        s += *x;\n    }\n    s\n}\n", "a `for` loop over this is not supported";
    question_conversion: "enum A { X }\nenum B { Y }\nfn g() -> Result<i64, A> { Err(A::X) }\nfn f() -> Result<i64, B> {\n    let x = g()?;\n    Ok(x)\n}\n", "`?` is supported when the error types are the same";
    missing_default_arm: "fn f(a: u8) -> i64 {\n    match a {\n        0 => 1,\n        1 => 2,\n    }\n}\n", "has no `_` arm";
    unknown_method: "fn f(v: &[i64]) -> i64 {\n    v.iter().sum()\n}\n", "method `iter` on a `[i64]`";
    residual_call_of_a_value: "fn f(a: i64) -> i64 {\n    hints::residual_call!(a)\n}\n", "`residual_call!` takes a call of a function of this crate";
    residual_call_of_another_crate: "fn f(a: i64) -> i64 {\n    hints::residual_call!(std::cmp::max(a, 3))\n}\n", "`residual_call!` takes a call of a function of this crate";
    with_capacity_of_unknown_items: "fn f(n: usize) -> usize {\n    let v = Vec::with_capacity(n);\n    v.len()\n}\n", "cannot tell the item type of this `Vec::with_capacity(..)`";
    with_capacity_of_a_signed_count: "fn f(n: i64) -> usize {\n    let v: Vec<i64> = Vec::with_capacity(n);\n    v.len()\n}\n", "expected `usize`, found `i64`";
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

/// Unsupported code in three functions, two pieces of it in one: one run reports all
/// four, each once, in source order, and none of the names the failed statements would
/// have bound (`g`, `y`, `z`) is reported again where it is used.
#[test]
fn every_error_of_every_function_is_reported() {
    let src = r#"#[portal(greens(pc))]
pub fn run(pc: usize, a: i64) -> i64 {
    let b = first(a);
    let c = second(b);
    third(c) + pc as i64
}

fn first(a: i64) -> i64 {
    let g = |x: i64| x + 1;
    let y = g(a);
    let z = std::cmp::max(a, 3);
    y + z
}

fn second(a: i64) -> i64 {
    let b = unsafe { a };
    b
}

fn third(a: i64) -> i64 {
    let x = 5;
    a + x
}
"#;
    let k = Crate::from_source("bad", src).unwrap();
    let (prog, diags) = build_program(&k, &["run".to_string()]);
    assert!(prog.graphs.contains_key("run"));
    let out = match translator::driver::render_all(&k, &diags, false) {
        translator::driver::Failure(s) => s,
    };
    assert_eq!(diags.len(), 4, "{out}");
    assert!(
        out.ends_with("error: could not translate `bad` due to 4 previous errors"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}
