//! State shared by reference: a portal that takes its heap as `&mut Vec<i64>` and calls
//! itself recursively with it. The JIT changes the caller's vector in place (no copy in
//! or out), and a recursive portal call from compiled code sees and makes changes to
//! the same heap; every program gives the plain interpreter's result and heap.

mod common;
use common::rng;
use std::path::Path;

const LIB: &str = r#"
//! `heapi`: one register `x`, a scratch `y`, and a heap of integers shared by
//! recursive calls. `h` push x; `p` y = pop (or -1); `s` heap[x mod len] = y;
//! `g` y = heap[x mod len]; `+`/`-` x += 1 / x -= 1; `a` x += y; `<` back to the
//! start while x > 0; `e` x = x rem_euclid y + 7 * (x div_euclid y) when y != 0; `F`
//! x = fib-like recursion: run(code, 0, heap, x - 1) +
//! run(code, 0, heap, x - 2) when x >= 2; `.` stop.
use hints::{concrete, global_merge_point, portal};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Overflow,
    TooDeep,
    BadOp(u8),
}

#[portal(greens(code, pc))]
pub fn run(code: &[u8], pc: usize, heap: &mut Vec<i64>, x: i64, depth: u32) -> Result<i64, Error> {
    let mut pc = pc;
    let mut x = x;
    let mut y: i64 = 0;
    while pc < code.len() {
        global_merge_point!();
        let op = concrete!(code[pc]);
        pc += 1;
        match op {
            b'h' => heap.push(x),
            b'p' => y = heap.pop().unwrap_or(-1),
            b's' => {
                let n = heap.len() as i64;
                if n > 0 {
                    heap[x.rem_euclid(n) as usize] = y;
                }
            }
            b'g' => {
                let n = heap.len() as i64;
                if n > 0 {
                    y = heap[x.rem_euclid(n) as usize];
                }
            }
            b'+' => x = x.checked_add(1).ok_or(Error::Overflow)?,
            b'-' => x = x.checked_sub(1).ok_or(Error::Overflow)?,
            b'a' => x = x.checked_add(y).ok_or(Error::Overflow)?,
            b'e' => {
                if y != 0 {
                    x = x.rem_euclid(y).wrapping_add(x.div_euclid(y).wrapping_mul(7));
                }
            }
            b'<' => {
                if x > 0 {
                    pc = 0;
                }
            }
            b'F' => {
                if x >= 2 {
                    if depth >= 200 {
                        return Err(Error::TooDeep);
                    }
                    let a = run(code, 0, heap, x - 1, depth + 1)?;
                    let b = run(code, 0, heap, x - 2, depth + 1)?;
                    x = a.checked_add(b).ok_or(Error::Overflow)?;
                }
            }
            b'.' => return Ok(x),
            _ => return Err(Error::BadOp(op)),
        }
    }
    Ok(x)
}
"#;

const MAIN: &str = r#"
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = hints::args();
    let [prog, x] = args.as_slice() else {
        eprintln!("usage: heapi PROGRAM X");
        return ExitCode::from(2);
    };
    let Ok(x) = x.parse::<i64>() else {
        eprintln!("error: X must be an integer");
        return ExitCode::FAILURE;
    };
    let mut heap = vec![1000i64];
    let r = heapi::run(prog.as_bytes(), 0, &mut heap, x, 0);
    let shown: Vec<i64> = heap.iter().copied().take(20).collect();
    println!("{r:?} heap {} {shown:?}", heap.len());
    ExitCode::SUCCESS
}
"#;

fn run(bin: &Path, mode: &[&str], prog: &str, x: i64) -> (i32, String, String) {
    common::run_bin(bin, mode, [prog.to_string(), x.to_string()])
}

/// A terminating program and its argument: a loop that counts `x` down, straight code
/// with additions, or straight code that recurses (`F`) on a small `x`.
fn generate(next: &mut impl FnMut() -> u64) -> (String, i64) {
    let pick = |next: &mut dyn FnMut() -> u64, from: &[u8], n: u64| -> String {
        (0..n)
            .map(|_| from[(next() % from.len() as u64) as usize] as char)
            .collect()
    };
    match next() % 3 {
        0 => {
            let n = 1 + next() % 12;
            let body = pick(next, b"hpsg-", n);
            let x = (next() % 300) as i64 - 20;
            (
                format!("{body}-<{}", if next() % 2 == 0 { "." } else { "" }),
                x,
            )
        }
        1 => {
            let n = 1 + next() % 16;
            (pick(next, b"hpsg+-ae", n), (next() % 2000) as i64 - 1000)
        }
        _ => {
            let n = 1 + next() % 8;
            (pick(next, b"hpsg-F+", n), (next() % 10) as i64)
        }
    }
}

#[test]
fn a_heap_passed_by_mut_ref_and_shared_by_recursive_calls() {
    let dir = std::env::temp_dir().join(format!("heapi-{}", std::process::id()));
    let krate = common::write_crate(&dir, "heapi", LIB, MAIN);
    let bin = dir.join("heapi-c");
    common::translate(&krate, &bin);
    // The issue's first case: pushes and stores the JIT must give back.
    let (_, out, _) = run(&bin, &[], "hhh-<.", 3);
    assert_eq!(out, "Ok(0) heap 10 [1000, 3, 3, 3, 2, 2, 2, 1, 1, 1]\n");
    let mut cases: Vec<(String, i64)> = vec![
        ("hhh-<.".into(), 7),
        ("h-<gs.".into(), 5),
        ("hF.".into(), 10),
        ("hFpa.".into(), 12),
        ("ppppp.".into(), 1),
        ("gpsF".into(), 9),
        // A long loop: the heap grows to 100,000 elements while compiled code runs.
        ("h-<".into(), 100_000),
        ("+++++++++++++++++++++++++++++F".into(), 1),
        ("F?".into(), 5),
        // Euclidean division by negative and positive divisors.
        ("h-hppe".into(), -7),
        ("hhppe".into(), -13),
        ("h+++hpe".into(), -1000),
    ];
    let mut next = rng(0x4ea9);
    for _ in 0..common::programs(300) {
        cases.push(generate(&mut next));
    }
    for (prog, x) in &cases {
        let plain = run(&bin, &["--no-jit"], prog, *x);
        for mode in common::JIT_MODES {
            assert_eq!(run(&bin, mode, prog, *x), plain, "{prog:?} {x} {mode:?}");
        }
    }
    // Compiled, recursive calls included: the log has the portal's units and no
    // fallback to the plain interpreter.
    let log = dir.join("jit.log");
    run(
        &bin,
        &["--jit-threshold", "1", "--jit-log", log.to_str().unwrap()],
        "hF.",
        12,
    );
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        text.contains("run#0: compiled") && !text.contains("not compiled"),
        "{text}"
    );
    // Every depth of the recursion enters the same unit: one green key, one unit.
    assert!(!text.contains("run#1"), "a unit per depth:\n{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
