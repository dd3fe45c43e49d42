//! An interpreter that passes values in slices, the way real ones pass a call's
//! arguments: `&stack[base..]` with a base known only at run time given to a recursive
//! portal call (a red `&[Value]` portal parameter) and to a residual helper, slices of
//! the shared heap, `&stack[a..b]` that may panic with Rust's messages, an analysed
//! helper reading a slice of `Value`s, and `truncate`/`clear` of the stack and the heap.
//! Translated as written; every program gives the plain interpreter's result, panic
//! message and heap with the JIT on either backend.

mod common;
use common::rng;
use std::path::Path;

const LIB: &str = r#"
//! `slicevm`: `0`-`9` push an int; `f` push 0.5; `n` push None; `t` push True; `+` add;
//! `*` multiply; `<` less than; `-` subtract 1; `d` duplicate; `s` swap; `p` pop; `h` pop
//! to the heap; `g` push heap[top mod len] (popping the index); `j` back to the start
//! while the counter `x` is positive (counting it down); `x` push the counter; `.` return
//! the top. Slices (`k`, `a`, `b` popped, mod 8): `a` push args[k mod len] (None when there
//! are no arguments); `A` push the number of arguments; `r` push the total of the
//! arguments after the first; `S` push the total of the heap's last `k` values; `m` push
//! the total of stack[a..b] (Rust's panics when out of range); `F` push what `ends`
//! makes of the stack's last `k` values; `E` push what it makes of the whole stack; `T` truncate the stack to `k`; `K`
//! drop the heap's last `k` values; `C` clear the stack; `c` call: pop `n`; when it is
//! positive, run the program from the start with the counter `n - 1` and the stack's top
//! two values (fewer if it has fewer) as arguments, which the call replaces with its
//! result, else push 0.
use hints::{concrete, global_merge_point, portal, residual};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Type,
    Overflow,
    Underflow,
    TooDeep,
    BadOp(u8),
}

/// Called, not analysed: the total of the ints, floats and trues of `vs`.
#[residual]
pub fn total(vs: &[Value]) -> Value {
    let mut ints = 0i64;
    let mut floats = 0.0;
    let mut float = false;
    for v in vs {
        match v {
            Value::Int(i) => ints = ints.wrapping_add(*i),
            Value::Float(f) => {
                floats += f;
                float = true;
            }
            Value::Bool(true) => ints = ints.wrapping_add(1),
            _ => {}
        }
    }
    if float {
        Value::Float(floats + ints as f64)
    } else {
        Value::Int(ints)
    }
}

/// Analysed: compiled code reads the slice's values, the last at a run-time index.
/// (No loop over the slice: its counter would be green, unrolled on a red length.)
fn ends(vs: &[Value]) -> i64 {
    if vs.is_empty() {
        return -1;
    }
    match vs[0] {
        Value::Int(x) => x,
        _ => match vs[vs.len() - 1] {
            Value::Int(y) => y,
            Value::Float(f) => f as i64,
            _ => -2,
        },
    }
}

fn count(v: Value) -> Result<usize, Error> {
    match v {
        Value::Int(i) => Ok(i.rem_euclid(8) as usize),
        _ => Err(Error::Type),
    }
}

#[portal(greens(code, pc))]
pub fn run(
    code: &[u8],
    pc: usize,
    args: &[Value],
    heap: &mut Vec<Value>,
    x: i64,
    depth: u32,
) -> Result<Value, Error> {
    let mut pc = pc;
    let mut x = x;
    let mut stack: Vec<Value> = Vec::new();
    while pc < code.len() {
        global_merge_point!();
        let op = concrete!(code[pc]);
        pc += 1;
        match op {
            b'0'..=b'9' => stack.push(Value::Int((op - b'0') as i64)),
            b'f' => stack.push(Value::Float(0.5)),
            b'n' => stack.push(Value::None),
            b't' => stack.push(Value::Bool(true)),
            b'+' => {
                let b = pop(&mut stack)?;
                let a = pop(&mut stack)?;
                stack.push(add(a, b)?);
            }
            b'*' => {
                let b = pop(&mut stack)?;
                let a = pop(&mut stack)?;
                stack.push(mul(a, b)?);
            }
            b'<' => {
                let b = pop(&mut stack)?;
                let a = pop(&mut stack)?;
                stack.push(Value::Bool(less(a, b)?));
            }
            b'-' => {
                let a = pop(&mut stack)?;
                stack.push(add(a, Value::Int(-1))?);
            }
            b'd' => {
                let a = pop(&mut stack)?;
                stack.push(a);
                stack.push(a);
            }
            b's' => {
                let b = pop(&mut stack)?;
                let a = pop(&mut stack)?;
                stack.push(b);
                stack.push(a);
            }
            b'p' => {
                pop(&mut stack)?;
            }
            b'h' => {
                let a = pop(&mut stack)?;
                heap.push(a);
            }
            b'g' => {
                let i = pop(&mut stack)?;
                let n = heap.len() as i64;
                match i {
                    Value::Int(i) => {
                        if n == 0 {
                            return Err(Error::Underflow);
                        }
                        let v = heap[i.rem_euclid(n) as usize];
                        stack.push(v);
                    }
                    _ => return Err(Error::Type),
                }
            }
            b'j' => {
                if x > 0 {
                    x -= 1;
                    pc = 0;
                }
            }
            b'x' => stack.push(Value::Int(x)),
            b'a' => {
                let k = count(pop(&mut stack)?)?;
                if args.is_empty() {
                    stack.push(Value::None);
                } else {
                    stack.push(args[k % args.len()]);
                }
            }
            b'A' => stack.push(Value::Int(args.len() as i64)),
            b'r' => {
                if args.is_empty() {
                    stack.push(Value::None);
                } else {
                    stack.push(total(&args[1..]));
                }
            }
            b'S' => {
                let k = count(pop(&mut stack)?)?;
                let n = heap.len();
                stack.push(total(&heap[n - k.min(n)..]));
            }
            b'm' => {
                let b = count(pop(&mut stack)?)?;
                let a = count(pop(&mut stack)?)?;
                let t = total(&stack[a..b]);
                stack.push(t);
            }
            b'E' => {
                // The whole stack for the helper's slice (rustc's deref coercion).
                let v = ends(&stack);
                stack.push(Value::Int(v));
            }
            b'F' => {
                let k = count(pop(&mut stack)?)?;
                let n = stack.len();
                let v = ends(&stack[n - k.min(n)..]);
                stack.push(Value::Int(v));
            }
            b'T' => {
                let k = count(pop(&mut stack)?)?;
                stack.truncate(k);
            }
            b'K' => {
                let k = count(pop(&mut stack)?)?;
                let n = heap.len();
                heap.truncate(n - k.min(n));
            }
            b'C' => stack.clear(),
            b'c' => {
                let n = pop(&mut stack)?;
                if depth >= 30 {
                    return Err(Error::TooDeep);
                }
                match n {
                    Value::Int(n) => {
                        if n > 0 {
                            let base = stack.len() - stack.len().min(2);
                            let r = run(code, 0, &stack[base..], heap, n - 1, depth + 1)?;
                            stack.truncate(base);
                            stack.push(r);
                        } else {
                            stack.push(Value::Int(0));
                        }
                    }
                    _ => return Err(Error::Type),
                }
            }
            b'.' => return pop(&mut stack),
            _ => return Err(Error::BadOp(op)),
        }
    }
    match stack.pop() {
        Some(v) => Ok(v),
        None => Ok(Value::None),
    }
}

fn pop(stack: &mut Vec<Value>) -> Result<Value, Error> {
    match stack.pop() {
        Some(v) => Ok(v),
        None => Err(Error::Underflow),
    }
}

fn add(a: Value, b: Value) -> Result<Value, Error> {
    match a {
        Value::Int(x) => match b {
            Value::Int(y) => Ok(Value::Int(x.checked_add(y).ok_or(Error::Overflow)?)),
            Value::Float(y) => Ok(Value::Float(x as f64 + y)),
            _ => Err(Error::Type),
        },
        Value::Float(x) => match b {
            Value::Int(y) => Ok(Value::Float(x + y as f64)),
            Value::Float(y) => Ok(Value::Float(x + y)),
            _ => Err(Error::Type),
        },
        _ => Err(Error::Type),
    }
}

fn mul(a: Value, b: Value) -> Result<Value, Error> {
    match a {
        Value::Int(x) => match b {
            Value::Int(y) => Ok(Value::Int(x.checked_mul(y).ok_or(Error::Overflow)?)),
            Value::Float(y) => Ok(Value::Float(x as f64 * y)),
            _ => Err(Error::Type),
        },
        Value::Float(x) => match b {
            Value::Int(y) => Ok(Value::Float(x * y as f64)),
            Value::Float(y) => Ok(Value::Float(x * y)),
            _ => Err(Error::Type),
        },
        _ => Err(Error::Type),
    }
}

fn less(a: Value, b: Value) -> Result<bool, Error> {
    match a {
        Value::Int(x) => match b {
            Value::Int(y) => Ok(x < y),
            Value::Float(y) => Ok((x as f64) < y),
            _ => Err(Error::Type),
        },
        Value::Float(x) => match b {
            Value::Int(y) => Ok(x < y as f64),
            Value::Float(y) => Ok(x < y),
            _ => Err(Error::Type),
        },
        Value::Bool(x) => match b {
            Value::Bool(y) => Ok(!x & y),
            _ => Err(Error::Type),
        },
        Value::None => Err(Error::Type),
    }
}
"#;

const MAIN: &str = r#"
use std::process::ExitCode;
use slicevm::Value;

fn main() -> ExitCode {
    let args = hints::args();
    let [prog, x] = args.as_slice() else {
        eprintln!("usage: slicevm PROGRAM X");
        return ExitCode::from(2);
    };
    let Ok(x) = x.parse::<i64>() else {
        eprintln!("error: X must be an integer");
        return ExitCode::FAILURE;
    };
    // Panics are results: their messages are printed, the same with the JIT or not.
    std::panic::set_hook(Box::new(|_| {}));
    let mut heap = vec![Value::Int(1000), Value::None, Value::Float(1.5)];
    let init = [Value::Int(7), Value::Float(0.25), Value::Bool(true)];
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        slicevm::run(prog.as_bytes(), 0, &init, &mut heap, x, 0)
    }));
    let shown: Vec<Value> = heap.iter().copied().take(12).collect();
    match r {
        Ok(r) => println!("{r:?} heap {} {shown:?}", heap.len()),
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            println!("panic: {msg} heap {} {shown:?}", heap.len());
        }
    }
    ExitCode::SUCCESS
}
"#;

fn run(bin: &Path, mode: &[&str], prog: &str, x: i64) -> (i32, String, String) {
    common::run_bin(bin, mode, [prog.to_string(), x.to_string()])
}

/// A terminating program and its counter: a loop (`j` counts the counter down), a
/// recursion (`x ... c`: each call runs with a smaller counter), or straight code.
fn generate(next: &mut impl FnMut() -> u64) -> (String, i64) {
    let all = b"0123456789fnt+*<-dsphgxaArSmEFTKC";
    let ops = |next: &mut dyn FnMut() -> u64, n: u64| -> String {
        (0..n)
            .map(|_| {
                // Pushes of ints more often, so arithmetic finds operands.
                if next() % 3 == 0 {
                    (b'0' + (next() % 10) as u8) as char
                } else {
                    all[(next() % all.len() as u64) as usize] as char
                }
            })
            .collect()
    };
    match next() % 3 {
        0 => {
            let n = 1 + next() % 12;
            (format!("{}j", ops(next, n)), (next() % 300) as i64)
        }
        1 => {
            let (a, b) = (next() % 6, next() % 6);
            (
                format!("{}x{}c{}", ops(next, a), ops(next, 2), ops(next, b)),
                (next() % 10) as i64,
            )
        }
        _ => {
            let n = 1 + next() % 20;
            (ops(next, n), (next() % 10) as i64)
        }
    }
}

#[test]
fn values_passed_in_slices_with_run_time_bounds() {
    let name = "slicevm";
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let krate = common::write_crate(&dir, name, LIB, MAIN);
    let bin = dir.join(format!("{name}-c"));
    common::translate(&krate, &bin);
    let mut cases: Vec<(String, i64)> = [
        ("0a1a+.", 0),
        ("A.", 0),
        ("r.", 0),
        ("3S.", 0),
        ("5h6h2S.", 0),
        ("7S.", 0),
        ("12345615m.", 0),
        // stack[3..1], stack[5..], stack[0..7] of a stack of two or three values.
        ("12331m", 0),
        ("1257m", 0),
        ("1207m", 0),
        ("12f3F.", 0),
        ("ff2F.", 0),
        ("12342T+.", 0),
        ("5h5h5h2K0g.", 0),
        ("7K0g", 0),
        ("123C4.", 0),
        ("12xc.", 5),
        ("0a1a+xc.", 4),
        ("1a0a*xc1a+.", 6),
        ("Ar0axc+.", 6),
        // Loops: the heap's length and the stack's base known only at run time.
        ("x1+h3Spj", 200),
        ("x1+h3Sp4K5Fpj", 150),
        ("12345678T3Tj", 100),
        ("x9hd2FpCj", 100),
        ("x1+fx3F+hCj", 100),
        ("1f*hf1+dj", 2_000),
        // The whole stack given for a slice parameter.
        ("f2E.", 0),
        ("x1+EpCj", 100),
    ]
    .iter()
    .map(|(p, x)| (p.to_string(), *x))
    .collect();
    let mut next = rng(0x511ce);
    for _ in 0..common::programs(300) {
        cases.push(generate(&mut next));
    }
    let mut ok = 0;
    for (prog, x) in &cases {
        let plain = run(&bin, &["--no-jit"], prog, *x);
        assert_eq!(plain.0, 0, "{prog:?} {x}: {plain:?}");
        ok += plain.1.starts_with("Ok") as usize;
        for mode in common::JIT_MODES {
            assert_eq!(run(&bin, mode, prog, *x), plain, "{prog:?} {x} {mode:?}");
        }
    }
    // The generator makes programs that finish, not only errors.
    assert!(
        ok * 4 > cases.len(),
        "{ok} of {} programs ended well",
        cases.len()
    );
    // The slices' panics are Rust's.
    for (prog, want) in [
        ("12331m", "slice index starts at 3 but ends at 1"),
        (
            "1257m",
            "range start index 5 out of range for slice of length 2",
        ),
        (
            "1207m",
            "range end index 7 out of range for slice of length 2",
        ),
    ] {
        let out = run(&bin, &["--backend", "x86"], prog, 0).1;
        assert!(out.starts_with(&format!("panic: {want} ")), "{prog}: {out}");
    }
    // Compiled, with no operation left to the plain interpreter.
    let log = dir.join("jit.log");
    for (prog, x) in [
        ("x1+h3Sp4K5Fpj", 50),
        ("0a1a+xc.", 8),
        ("12345678T3Tj", 20),
        ("12EpCj", 20),
    ] {
        run(
            &bin,
            &["--jit-threshold", "1", "--jit-log", log.to_str().unwrap()],
            prog,
            x,
        );
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(
            text.contains("run#0: compiled") && !text.contains("not compiled"),
            "{prog}: {text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Which elements a residual call borrows in place (`Types::lends_in_place`): an enum
/// whose 8-byte slots are its Rust layout, the tag word first (`repr(u64)` and its
/// kin, no explicit discriminant) and at most one scalar field a variant after it.
/// Every other element type is decoded into a copy.
#[test]
fn word_laid_out_enums_are_lent_in_place() {
    use translator::flow::types::Ty;
    use translator::source::Crate;
    use translator::timeshift::layout::Types;
    let cases = [
        (
            "#[repr(u64)] pub enum V { A, B(bool), C(i64), D(f64), E(u32) }",
            true,
        ),
        ("#[repr(C, u64)] pub enum V { A, B(i64) }", true),
        ("#[repr(usize)] pub enum V { A, B }", true),
        ("pub enum V { A, B(i64) }", false),
        ("#[repr(u8)] pub enum V { A, B(i64) }", false),
        ("#[repr(u64)] pub enum V { A = 3, B(i64) }", false),
        ("#[repr(u64)] pub enum V { A, B(i64, i64) }", false),
        (
            "#[repr(u64)] pub enum V { A, B(W) }\n#[repr(u64)] pub enum W { X, Y(i64) }",
            false,
        ),
    ];
    for (src, want) in cases {
        let k = Crate::from_source("lend", src).unwrap();
        let t = Types::new(&k);
        assert_eq!(t.lends_in_place(&Ty::Adt("V".into())), want, "{src}");
    }
}
