//! Green data made of structs: a program of functions, each a `Code` object with its
//! bytecode, constants and argument count, given to the portal as a green `&[Code]`
//! and read as greens (`funcs[f].ops[pc]`, `code.consts[k]`, `code.nargs`), with
//! recursive portal calls to other functions and a red `&[i64]` of arguments. The
//! interpreter is translated and run with and without the JIT on many programs.
//! What the generated code needs of the interpreter's types (`Clone` and `PartialEq` of
//! green data) is checked by the translator, with an error at the type's definition.

mod common;
use common::rng;
use std::path::Path;
use translator::driver::{annotated_portal, find_portals};
use translator::flow::build::build_program;
use translator::source::Crate;

const LIB: &str = r#"
//! `funi`: functions of a two-register machine. Each function is a `Code`: pairs
//! (opcode, operand) in `ops`, its constants, and how many arguments it takes.
//! 0 k: a = consts[k]; 1 k: a = args[k]; 2 k: a += consts[k]; 3: swap a and b;
//! 4: a += b; 5 t: jump to t when a != 0; 6 g: a = function g called with (a, b)
//! (as many as it takes); 7: return a; 8: a = nargs + the length of ops;
//! 9 k: a = the sum of the constants of function k. Falling off the end returns a.
use hints::{concrete, global_merge_point, portal};

#[derive(Clone, Debug, PartialEq)]
pub struct Code {
    pub ops: Vec<i64>,
    pub consts: Vec<i64>,
    pub nargs: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Overflow,
    TooDeep,
    BadOp(i64),
    BadArg,
}

/// The sum of the constants of `code` (analysed: its reads are green).
pub fn total(code: &Code) -> i64 {
    let mut s: i64 = 0;
    for i in 0..code.consts.len() {
        s = s.wrapping_add(code.consts[i]);
    }
    s
}

#[portal(greens(funcs, f, pc))]
pub fn run(funcs: &[Code], f: usize, pc: usize, args: &[i64], depth: u32) -> Result<i64, Error> {
    let mut pc = pc;
    let mut a: i64 = 0;
    let mut b: i64 = 0;
    loop {
        global_merge_point!();
        let code = &funcs[f];
        if pc + 1 >= code.ops.len() {
            return Ok(a);
        }
        let op = concrete!(code.ops[pc]);
        let k = concrete!(funcs[f].ops[pc + 1]);
        pc += 2;
        match op {
            0 => a = code.consts[k as usize],
            1 => {
                if k as usize >= code.nargs {
                    return Err(Error::BadArg);
                }
                a = args[k as usize];
            }
            2 => a = a.checked_add(funcs[f].consts[k as usize]).ok_or(Error::Overflow)?,
            3 => {
                let t = a;
                a = b;
                b = t;
            }
            4 => a = a.checked_add(b).ok_or(Error::Overflow)?,
            5 => {
                if a != 0 {
                    pc = k as usize;
                }
            }
            6 => {
                if depth >= 40 {
                    return Err(Error::TooDeep);
                }
                let g = k as usize;
                let mut callargs: Vec<i64> = Vec::new();
                if funcs[g].nargs >= 1 {
                    callargs.push(a);
                }
                if funcs[g].nargs >= 2 {
                    callargs.push(b);
                }
                a = run(funcs, g, 0, &callargs, depth + 1)?;
            }
            7 => return Ok(a),
            8 => a = funcs[f].nargs as i64 + code.ops.len() as i64,
            9 => a = total(&funcs[k as usize]),
            _ => return Err(Error::BadOp(op)),
        }
    }
}

/// One function alone, given as a green `&Code`: `a` starts at `x`; the opcodes 0, 2,
/// 5 and 7 only.
#[portal(greens(code, pc))]
pub fn one(code: &Code, pc: usize, x: i64) -> Result<i64, Error> {
    let mut pc = pc;
    let mut a = x;
    while pc + 1 < code.ops.len() {
        global_merge_point!();
        let op = concrete!(code.ops[pc]);
        let k = concrete!(code.ops[pc + 1]) as usize;
        pc += 2;
        match op {
            0 => a = code.consts[k],
            2 => a = a.checked_add(code.consts[k]).ok_or(Error::Overflow)?,
            5 => {
                if a != 0 {
                    pc = k;
                }
            }
            7 => return Ok(a),
            _ => return Err(Error::BadOp(op)),
        }
    }
    Ok(a)
}
"#;

const MAIN: &str = r#"
use std::process::ExitCode;

/// `funi PROGRAM ARGS..`: PROGRAM is `nargs;ops;consts` per function, separated by
/// `|`, each list comma-separated; function 0 runs with ARGS. `funi @PROGRAM X` runs
/// function 0 alone (`one`).
fn main() -> ExitCode {
    let args = hints::args();
    let Some((prog, rest)) = args.split_first() else {
        eprintln!("usage: funi PROGRAM ARGS..");
        return ExitCode::from(2);
    };
    let nums = |s: Option<&str>| -> Vec<i64> {
        s.unwrap_or("")
            .split(',')
            .filter(|x| !x.is_empty())
            .map(|x| x.trim().parse().expect("a number"))
            .collect()
    };
    let (alone, prog) = match prog.strip_prefix('@') {
        Some(p) => (true, p),
        None => (false, prog.as_str()),
    };
    let mut funcs = Vec::new();
    for f in prog.split('|') {
        let mut parts = f.split(';');
        let nargs = parts.next().unwrap_or("0").trim().parse().expect("nargs");
        let ops = nums(parts.next());
        let consts = nums(parts.next());
        funcs.push(funi::Code { ops, consts, nargs });
    }
    let xs: Vec<i64> = rest.iter().map(|x| x.parse().expect("an argument")).collect();
    let r = if alone {
        funi::one(&funcs[0], 0, xs.first().copied().unwrap_or(0))
    } else {
        funi::run(&funcs, 0, 0, &xs, 0)
    };
    println!("{r:?}");
    ExitCode::SUCCESS
}
"#;

fn run(bin: &Path, mode: &[&str], prog: &str, xs: &[i64]) -> (i32, String, String) {
    let args = std::iter::once(prog.to_string()).chain(xs.iter().map(|x| x.to_string()));
    common::run_bin(bin, mode, args)
}

/// A program of 1..=4 functions and arguments for function 0. Function `i` calls only
/// functions after it, and loops count `a` down from a small constant, so programs
/// terminate.
fn generate(next: &mut impl FnMut() -> u64) -> (String, Vec<i64>) {
    let nf = 1 + next() % 4;
    let mut funcs = Vec::new();
    for i in 0..nf {
        let nargs = next() % 3;
        let nconsts = 1 + next() % 4;
        let mut consts: Vec<i64> = (0..nconsts)
            .map(|_| match next() % 4 {
                0 => i64::MAX - (next() % 3) as i64,
                _ => (next() % 41) as i64 - 20,
            })
            .collect();
        consts.push(-1);
        let minus_one = consts.len() - 1;
        consts.push(1 + (next() % 40) as i64);
        let count = consts.len() - 1;
        let mut ops: Vec<i64> = Vec::new();
        let n = 1 + next() % 10;
        for _ in 0..n {
            let (op, k) = match next() % 13 {
                0 | 1 => (0, next() % consts.len() as u64),
                2 => (1, next() % 3),
                3 | 4 => (2, next() % consts.len() as u64),
                5 => (3, 0),
                6 => (4, 0),
                7 => {
                    // A countdown loop: a = small; loop { a += -1; if a != 0 jump }.
                    let start = ops.len() as i64 + 2;
                    ops.extend([0, count as i64]);
                    ops.extend([2, minus_one as i64]);
                    (5, start as u64)
                }
                8 if i + 1 < nf => (6, i + 1 + next() % (nf - i - 1)),
                9 => (8, 0),
                10 => (9, next() % nf),
                _ => (if next() % 4 == 0 { 11 } else { 7 }, 0),
            };
            ops.push(op as i64);
            ops.push(k as i64);
        }
        let join = |v: &[i64]| {
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        funcs.push(format!("{nargs};{};{}", join(&ops), join(&consts)));
    }
    let xs = (0..2).map(|_| (next() % 201) as i64 - 100).collect();
    (funcs.join("|"), xs)
}

#[test]
fn code_objects_read_as_greens() {
    let dir = std::env::temp_dir().join(format!("funi-{}", std::process::id()));
    let krate = common::write_crate(&dir, "funi", LIB, MAIN);
    let bin = dir.join("funi-c");
    common::translate(&krate, &bin);
    let mut cases: Vec<(String, Vec<i64>)> = vec![
        // A countdown in one function.
        ("1;1,0,2,0,5,2,7,0;-1".into(), vec![100_000]),
        // Calls with one and two arguments; the callee reads its nargs and code length.
        (
            "1;1,0,3,0,0,0,6,1,4,0,7,0;5|2;1,0,3,0,1,1,4,0,8,0,4,0;".into(),
            vec![7],
        ),
        // Recursion into itself until too deep.
        ("1;1,0,3,0,0,1,6,0,7,0;0,-1".into(), vec![30]),
        // A loop that calls another function on every turn.
        (
            "1;1,0,6,1,2,1,5,2;0,-1|1;1,0,3,0,9,0,4,0;3,4".into(),
            vec![1000],
        ),
        ("0;0,0,2,0,7,0;9223372036854775807".into(), vec![]),
        ("0;1,0;".into(), vec![]),
        ("0;42,0;".into(), vec![]),
    ];
    let mut next = rng(0xf0c0);
    for _ in 0..common::programs(200) {
        cases.push(generate(&mut next));
    }
    // Each program also runs its first function alone (a green `&Code` parameter).
    let alone: Vec<(String, Vec<i64>)> = cases
        .iter()
        .map(|(p, xs)| (format!("@{p}"), xs.clone()))
        .collect();
    cases.extend(alone);
    let mut oks = 0;
    for (prog, xs) in &cases {
        let plain = run(&bin, &["--no-jit"], prog, xs);
        oks += plain.1.starts_with("Ok(") as usize;
        for mode in common::JIT_MODES {
            assert_eq!(run(&bin, mode, prog, xs), plain, "{prog:?} {xs:?} {mode:?}");
        }
    }
    // Many programs run to their end (the rest stop at an error, as most of those
    // that run alone do).
    assert!(
        oks * 3 > cases.len(),
        "{oks} of {} programs return",
        cases.len()
    );
    // Compiled, calls included, and every call of function 1 shares its unit.
    let log = dir.join("jit.log");
    let prog = "1;1,0,6,1,2,1,5,2;0,-1|1;1,0,3,0,9,0,4,0;3,4";
    let (_, out, _) = run(
        &bin,
        &["--jit-threshold", "1", "--jit-log", log.to_str().unwrap()],
        prog,
        &[500],
    );
    assert_eq!(out, "Ok(0)\n");
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        text.contains("run#0: compiled")
            && text.contains("run#1: compiled")
            && !text.contains("not compiled"),
        "{text}"
    );
    assert!(!text.contains("run#2"), "a unit per call:\n{text}");
    // The lone function: its `&Code` is part of the green key, by address.
    let log = dir.join("one.log");
    let prog = "@0;0,0,2,1,5,2,7,0;500,-1";
    let (_, out, _) = run(
        &bin,
        &["--jit-threshold", "1", "--jit-log", log.to_str().unwrap()],
        prog,
        &[],
    );
    assert_eq!(out, "Ok(0)\n");
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        text.contains("one#0: compiled") && !text.contains("not compiled"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The crate of `src` (named `name`) and what generating its JIT frontend gives.
fn generated(name: &str, src: &str) -> (Crate, Result<String, Vec<translator::diag::Diagnostic>>) {
    let k = Crate::from_source(name, src).unwrap();
    let portals = find_portals(&k).unwrap_or_else(|d| panic!("{d:?}"));
    let (prog, diags) = build_program(&k, &portals);
    assert!(diags.is_empty(), "{diags:?}");
    let (g, greens, a) =
        annotated_portal(&k, &prog, &portals[0]).unwrap_or_else(|d| panic!("{d:?}"));
    let p = translator::timeshift::Portal {
        name: portals[0].clone(),
        graph: &g,
        ann: &a,
        greens,
    };
    let r = translator::timeshift::generate(&k, &[p]);
    (k, r)
}

/// The generated frontend of `src` (which must translate).
fn frontend(src: &str) -> String {
    generated("ok", src).1.unwrap_or_else(|d| panic!("{d:?}"))
}

/// Green data behind a `&'static` reference of a type without interior mutability can
/// never change or be freed: the portal's entry keys it by address (`intern_static`),
/// with nothing compared or copied, so a call's cost does not grow with the program.
/// Any other green slice or struct (a shorter lifetime, or a `Cell` anywhere inside,
/// through the crate's own types too) is compared with the copies made before.
#[test]
fn static_frozen_greens_are_keyed_by_address() {
    let portal = |code_ty: &str, param: &str| {
        format!(
            "use hints::portal;\n#[derive(Clone, PartialEq)]\npub struct Inner {{ pub x: {code_ty} }}\n#[derive(Clone, PartialEq)]\npub struct Code {{ pub ops: Vec<i64>, pub inner: Vec<Inner> }}\n#[portal(greens(funcs, f))]\npub fn run(funcs: {param}, f: usize) -> i64 {{\n    funcs[f].ops[0]\n}}\n"
        )
    };
    let by_address = frontend(&portal("u32", "&'static [Code]"));
    assert!(by_address.contains("jit.intern_static(p0)"), "{by_address}");
    for (code_ty, param) in [
        ("u32", "&[Code]"),
        ("u32", "&'a [Code]"),
        ("std::cell::Cell<u32>", "&'static [Code]"),
        ("Vec<std::sync::atomic::AtomicU32>", "&'static [Code]"),
        ("std::rc::Rc<std::cell::RefCell<u32>>", "&'static [Code]"),
    ] {
        let src = portal(code_ty, param).replace(
            "pub fn run(",
            if param.contains("'a") {
                "pub fn run<'a>("
            } else {
                "pub fn run("
            },
        );
        let k = Crate::from_source("ok", &src).unwrap();
        let f = &k.fns["run"].item;
        let syn::FnArg::Typed(pt) = &f.sig.inputs[0] else {
            unreachable!()
        };
        assert!(
            !translator::timeshift::green::is_static_frozen(&k, &pt.ty),
            "{code_ty} in {param} counted as frozen"
        );
    }
}

/// Translate `src` as far as the generated frontend, which must fail; the rendered
/// errors.
fn diag(src: &str) -> String {
    match generated("bad", src) {
        (_, Ok(_)) => panic!("expected a diagnostic for:\n{src}"),
        (k, Err(ds)) => ds.iter().map(|d| d.render(&k, false)).collect(),
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
    green_struct_without_partial_eq:
        "#[derive(Clone)]\npub struct Code {\n    pub ops: Vec<i64>,\n}\n\n#[portal(greens(funcs, f))]\npub fn run(funcs: &[Code], f: usize) -> i64 {\n    funcs[f].ops[0]\n}\n",
        "add `#[derive(PartialEq)]` to `Code`";
    green_struct_without_clone_or_partial_eq:
        "pub struct Code {\n    pub ops: Vec<i64>,\n}\n\n#[portal(greens(code))]\npub fn run(code: &Code, x: i64) -> i64 {\n    code.ops[0] + x\n}\n",
        "add `#[derive(Clone, PartialEq)]` to `Code`";
    green_enum_without_clone:
        "#[derive(PartialEq)]\npub enum Op {\n    Add,\n    Halt,\n}\n\n#[portal(greens(code))]\npub fn run(code: &[Op], x: i64) -> i64 {\n    match code[0] {\n        Op::Add => x + 1,\n        Op::Halt => x,\n    }\n}\n",
        "add `#[derive(Clone)]` to `Op`";
    green_struct_with_a_lifetime:
        "#[derive(Clone, PartialEq)]\npub struct Code<'a> {\n    pub ops: &'a [i64],\n}\n\n#[portal(greens(funcs, f))]\npub fn run(funcs: &[Code], f: usize) -> i64 {\n    funcs[f].ops[0]\n}\n",
        "green data must be of types without lifetimes";
    green_struct_made_by_a_call:
        "#[derive(Clone, PartialEq)]\npub struct Code {\n    pub ops: Vec<i64>,\n}\n\n#[residual]\n#[elidable]\npub fn first(funcs: &[Code]) -> Code {\n    funcs[0].clone()\n}\n\n#[portal(greens(funcs))]\npub fn run(funcs: &[Code], x: i64) -> i64 {\n    let code = first(funcs);\n    code.ops[0] + x\n}\n",
        "which the JIT cannot hold as a green value";
    green_vector_used_as_red:
        "#[derive(Clone, PartialEq)]\npub struct Code {\n    pub ops: Vec<i64>,\n}\n\n#[residual]\npub fn sum(v: &[i64]) -> i64 {\n    v.iter().sum()\n}\n\n#[portal(greens(code))]\npub fn run(code: &Code, x: i64) -> i64 {\n    sum(&code.ops) + x\n}\n",
        "the JIT cannot make red vectors from green data";
}
