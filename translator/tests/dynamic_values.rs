//! A dynamically typed interpreter in the shape real ones have: tagged values
//! (`enum Value { None, Bool(bool), Int(i64), Float(f64) }`) in a red stack `Vec<Value>`
//! made in the portal, a heap `&mut Vec<Value>` shared with recursive portal calls.
//! `targets/dynlang` keeps its stack and locals in a `Frame` struct built at run time.
//! Translated as written; every program gives the plain interpreter's result and heap
//! with the JIT on either backend.

mod common;
use common::rng;
use std::path::{Path, PathBuf};

const LIB: &str = r#"
//! `dynvm`: a dynamically typed stack machine in the shape of a real interpreter:
//! tagged values in vectors, a heap shared by recursive calls.
//! `0`-`9` push an int; `f` push 0.5; `n` push None; `t` push True; `+` add; `*` multiply;
//! `<` less than; `-` subtract 1; `d` duplicate; `s` swap; `p` pop; `h` pop to the heap;
//! `g` push heap[top mod len] (popping the index); `j` back to the start while the
//! counter `x` is positive (counting it down); `x` push the counter; `c` call: pop `n`;
//! when it is positive, run the program from the start with the counter `n - 1` and push
//! its result, else push 0; `.` return the top.
use hints::{concrete, global_merge_point, portal};

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

#[portal(greens(code, pc))]
pub fn run(code: &[u8], pc: usize, heap: &mut Vec<Value>, x: i64, depth: u32) -> Result<Value, Error> {
    let mut pc = pc;
    let mut x = x;
    let mut stack: Vec<Value> = Vec::with_capacity(code.len());
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
            b'c' => {
                let n = pop(&mut stack)?;
                if depth >= 30 {
                    return Err(Error::TooDeep);
                }
                match n {
                    Value::Int(n) => {
                        if n > 0 {
                            let r = run(code, 0, heap, n - 1, depth + 1)?;
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

fn main() -> ExitCode {
    let args = hints::args();
    let [prog, x] = args.as_slice() else {
        eprintln!("usage: dynvm PROGRAM X");
        return ExitCode::from(2);
    };
    let Ok(x) = x.parse::<i64>() else {
        eprintln!("error: X must be an integer");
        return ExitCode::FAILURE;
    };
    let mut heap = vec![dynvm::Value::Int(1000), dynvm::Value::None];
    let r = dynvm::run(prog.as_bytes(), 0, &mut heap, x, 0);
    let shown: Vec<dynvm::Value> = heap.iter().copied().take(12).collect();
    println!("{r:?} heap {} {shown:?}", heap.len());
    ExitCode::SUCCESS
}
"#;

fn run(bin: &Path, mode: &[&str], prog: &str, x: i64) -> (i32, String, String) {
    common::run_bin(bin, mode, [prog.to_string(), x.to_string()])
}

/// A terminating program and its counter: a loop (`j` counts the counter down), a
/// recursion (`x ... c`: each call runs with a smaller counter), or straight code.
fn generate(next: &mut impl FnMut() -> u64, extra: &[u8]) -> (String, i64) {
    let all: Vec<u8> = b"0123456789fnt+*<-dsphgx"
        .iter()
        .chain(extra)
        .copied()
        .collect();
    let ops_of = &all[..];
    let ops = |next: &mut dyn FnMut() -> u64, n: u64| -> String {
        (0..n)
            .map(|_| {
                // Pushes of ints more often, so arithmetic finds operands.
                if next() % 3 == 0 {
                    (b'0' + (next() % 10) as u8) as char
                } else {
                    ops_of[(next() % ops_of.len() as u64) as usize] as char
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
                format!("x{}c{}", ops(next, a), ops(next, b)),
                (next() % 12) as i64,
            )
        }
        _ => {
            let n = 1 + next() % 20;
            (ops(next, n), (next() % 10) as i64)
        }
    }
}

#[test]
fn tagged_values_in_vectors_and_a_shared_heap() {
    differential("dynvm", LIB, MAIN, b"", &[]);
}

/// `targets/dynlang`, the README's second example: a `Frame` struct built at run time,
/// locals by constant index, a heap shared by calls, `match (a, b)`.
#[test]
fn the_dynlang_target() {
    let dir = std::env::temp_dir().join(format!("dynlang-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("dynlang-c");
    common::translate("targetdynlang", &bin);
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../targets/dynlang/examples");
    let mut cases: Vec<(PathBuf, i64)> = ["sum", "float", "heap", "calls", "recursion"]
        .iter()
        .map(|n| (examples.join(format!("{n}.dyn")), 2_000))
        .collect();
    let mut next = rng(0xd7a1);
    for k in 0..common::programs(300) {
        let (text, x) = generate_dynlang(&mut next);
        let path = dir.join(format!("p{k}.dyn"));
        std::fs::write(&path, text).unwrap();
        cases.push((path, x));
    }
    let mut ok = 0;
    for (path, x) in &cases {
        let p = path.to_str().unwrap();
        let plain = run(&bin, &["--no-jit"], p, *x);
        ok += (plain.0 == 0) as usize;
        for mode in common::JIT_MODES {
            assert_eq!(
                run(&bin, mode, p, *x),
                plain,
                "{} {x} {mode:?}: {}",
                path.display(),
                std::fs::read_to_string(path).unwrap_or_default()
            );
        }
    }
    assert!(
        ok * 4 > cases.len(),
        "{ok} of {} programs ended well",
        cases.len()
    );
    let log = dir.join("jit.log");
    for name in ["sum", "calls", "recursion"] {
        let p = examples.join(format!("{name}.dyn"));
        run(
            &bin,
            &["--jit-threshold", "1", "--jit-log", log.to_str().unwrap()],
            p.to_str().unwrap(),
            100,
        );
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(
            text.contains("run#0: compiled") && !text.contains("not compiled"),
            "{name}: {text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A terminating dynlang program and its counter: a loop (`j`) whose body may call a
/// function once; the function (after `:`) has no loop and calls itself at most once
/// (so calls are at most the counter times the depth limit).
fn generate_dynlang(next: &mut impl FnMut() -> u64) -> (String, i64) {
    const OPS: &[&str] = &[
        "0", "1", "2", "3", "5", "7", "9", "f", "n", "t", "+", "-", "*", "<", "d", "s", "p", "h",
        "g", "H", "x", "?", "l0", "l1", "l2", "l3", "L0", "L1", "L2", "L3", "w",
    ];
    let ops = |next: &mut dyn FnMut() -> u64, n: u64| -> String {
        (0..n)
            .map(|_| {
                if next() % 3 == 0 {
                    ((b'0' + (next() % 10) as u8) as char).to_string()
                } else {
                    OPS[(next() % OPS.len() as u64) as usize].to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let n = 1 + next() % 10;
    let main = ops(next, n);
    let call = if next() % 2 == 0 { " c" } else { "" };
    let n = next() % 4;
    let tail = ops(next, n);
    let func_call = if next() % 2 == 0 { "x d ? c" } else { "" };
    let n = next() % 8;
    let func = ops(next, n);
    (
        format!("{main}{call} {tail} j\nl0 :\n{func_call} {func} .\n"),
        (next() % 200) as i64,
    )
}

/// Translate the interpreter `name` and compare it with its plain interpreter on the
/// shared cases, `more`, and generated programs using the shared operations and `extra`.
fn differential(name: &str, lib: &str, main: &str, extra: &[u8], more: &[(&str, i64)]) {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let krate = common::write_crate(&dir, name, lib, main);
    let bin = dir.join(format!("{name}-c"));
    common::translate(&krate, &bin);
    let mut cases: Vec<(String, i64)> = [
        ("12+.", 0),
        ("1f+d*.", 0),
        ("12<.", 0),
        ("tn<", 0),
        ("5h0g7+.", 0),
        ("1h2h3h0g1g+2g+", 0),
        ("3dh1+j", 4),
        ("xc1+.", 6),
        ("x3*c1+h", 6),
        ("9d*d*d*d*d*d*d*d*d*d*d*", 0),
        // The stack and the heap grow long while compiled code runs.
        ("1f*hf1+dj", 20_000),
        ("xhx0gpj", 5_000),
        ("n.", 0),
        ("", 0),
        ("?", 0),
    ]
    .iter()
    .chain(more)
    .map(|(p, x)| (p.to_string(), *x))
    .collect();
    let mut next = rng(0xd1a9);
    for _ in 0..common::programs(300) {
        cases.push(generate(&mut next, extra));
    }
    let mut ok = 0;
    for (prog, x) in &cases {
        let plain = run(&bin, &["--no-jit"], prog, *x);
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
    // Compiled, with no operation left to the plain interpreter.
    let log = dir.join("jit.log");
    for (prog, x) in [("3dh1+j", 50), ("xc1+.", 8), ("1f*hf1+dj", 100)] {
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
