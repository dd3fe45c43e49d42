//! `square` of PyPy's TLR, side by side: `tlr-c` (the translated interpreter with its
//! JIT on the x86-64 backend), `tlr-c --no-jit` (the same binary interpreting), the
//! plain interpreter called in-process, and the same loop written in native Rust.
//! Prints time per loop iteration and ratios; `cargo bench -p benches --bench tlr_square`.
//!
//! The bench translates `tlr` first (`translate tlr`, release build), so it measures
//! what a user gets. `SQUARE_N` sets the argument (default 20,000,000).

use benches::{best_of, print_table, repo, translate, Row};
use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// One iteration of `square`'s loop in native Rust: the counter, the copy of `a`, the
/// accumulator, with the same overflow checks.
#[inline(never)]
fn native_square(a: i64) -> Option<i64> {
    let (mut counter, copy, mut acc) = (a, a, 0i64);
    loop {
        counter = black_box(counter.checked_add(-1)?);
        acc = acc.checked_add(copy)?;
        if counter == 0 {
            return Some(acc);
        }
    }
}

/// The best time of running `tlr-c MODE square.tlr n`, checking its output.
fn time_binary(bin: &Path, mode: &[&str], n: i64, expect: &str) -> Duration {
    let square = repo().join("targets/tlr/examples/square.tlr");
    best_of(3, || {
        let o = Command::new(bin)
            .args(mode)
            .arg(&square)
            .arg(n.to_string())
            .output()
            .expect("run tlr-c");
        assert_eq!(String::from_utf8_lossy(&o.stdout), expect, "tlr-c {mode:?}");
    })
    .0
}

fn main() {
    let n: i64 = std::env::var("SQUARE_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000_000);
    let expect = format!("{}\n", n * n);
    let bin = translate("tlr");
    let t_jit = time_binary(&bin, &[], n, &expect);
    let t_nojit = time_binary(&bin, &["--no-jit"], n, &expect);
    let code = tlr::asm::assemble(
        &std::fs::read_to_string(repo().join("targets/tlr/examples/square.tlr")).unwrap(),
    )
    .unwrap();
    let (t_plain, r) = best_of(3, || tlr::interpret(black_box(&code), 0, black_box(n)));
    assert_eq!(r, Ok(n * n));
    let (t_native, r) = best_of(3, || native_square(black_box(n)));
    assert_eq!(r, Some(n * n));
    let rows = [
        Row::new("native Rust", t_native, n as u64),
        Row::new("tlr-c (JIT, x86-64)", t_jit, n as u64),
        Row::new("tlr-c --no-jit", t_nojit, n as u64),
        Row::new("tlr::interpret in-process", t_plain, n as u64),
    ];
    print_table(
        &format!("tlr square({n}): time per loop iteration"),
        "iter",
        &rows,
        "native Rust",
    );
    println!(
        "\nJIT speed-up over --no-jit: {:.2}x (goal >= 10x); JIT / native Rust: {:.2}x (goal <= 1.5x)",
        t_nojit.as_secs_f64() / t_jit.as_secs_f64(),
        t_jit.as_secs_f64() / t_native.as_secs_f64()
    );
}
