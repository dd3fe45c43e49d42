//! An object space the JIT never looks into: a portal that takes `vm: &mut Space`, a
//! struct with a `HashMap` and `String`s (fields compiled code cannot hold), and passes
//! it to residual helpers (which change it) and to recursive portal calls. Compiled
//! code holds the space by its address (an opaque struct), so every helper sees and
//! changes the caller's space; a scalar field of the space (`vm.count += 1`) is read
//! and written in place. Results, errors and the space agree with the plain
//! interpreter in every JIT mode. Analysed code that reads a field compiled code
//! cannot copy (a `Vec<String>`) gets an error that says why the struct is opaque.

mod common;
use std::path::Path;

const LIB: &str = r#"//! `ospace`: a stack machine whose objects live in an object space the dispatch loop
//! never looks into: strings and a dictionary of globals, reached only through
//! residual calls that take the space by `&mut`.
use hints::{concrete, global_merge_point, portal, promote, residual};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Undef,
    None,
    Int(i64),
    Float(f64),
    Obj(u32),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Code {
    pub ops: Vec<u32>,
    pub consts: Vec<Value>,
    pub nlocals: u32,
}

/// The object space: anything Rust can hold.
pub struct Space {
    pub strings: Vec<String>,
    pub globals: HashMap<String, Value>,
    pub out: String,
    pub count: i64,
}

pub const PUSH: u8 = 0;
pub const ADD: u8 = 1;
pub const LOAD: u8 = 2;
pub const STORE: u8 = 3;
pub const JUMP_IF: u8 = 4;
pub const CALL: u8 = 5;
pub const RET: u8 = 6;
pub const SETG: u8 = 7;
pub const GETG: u8 = 8;
pub const PRINT: u8 = 9;
pub const SPLIT: u8 = 10;

#[residual]
pub fn add_slow(vm: &mut Space, a: Value, b: Value) -> Result<Value, Value> {
    match (a, b) {
        (Value::Obj(x), Value::Obj(y)) => {
            let s = format!("{}{}", vm.strings[x as usize], vm.strings[y as usize]);
            vm.strings.push(s);
            Ok(Value::Obj(vm.strings.len() as u32 - 1))
        }
        (Value::Int(x), Value::Int(y)) => Ok(Value::Float(x as f64 + y as f64)),
        _ => {
            vm.strings.push("TypeError".to_string());
            Err(Value::Obj(vm.strings.len() as u32 - 1))
        }
    }
}

#[residual]
pub fn set_global(vm: &mut Space, k: i64, v: Value) -> Result<(), Value> {
    vm.globals.insert(format!("g{k}"), v);
    Ok(())
}

#[residual]
pub fn get_global(vm: &mut Space, k: i64) -> Result<Value, Value> {
    match vm.globals.get(&format!("g{k}")) {
        Some(v) => Ok(*v),
        None => Err(Value::Int(k)),
    }
}

#[residual]
pub fn print_all(vm: &mut Space, vals: &[Value]) {
    for v in vals {
        vm.out.push_str(&format!("{v:?} "));
    }
    vm.out.push('\n');
}

#[residual]
pub fn split_top(vm: &mut Space, v: Value, stack: &mut Vec<Value>) -> Result<(), Value> {
    match v {
        Value::Int(i) => {
            stack.push(Value::Int(i / 2));
            stack.push(Value::Int(i - i / 2));
            vm.out.push('s');
            Ok(())
        }
        _ => Err(Value::None),
    }
}

#[residual]
pub fn callee_of(vm: &mut Space, v: Value) -> i64 {
    let _ = vm;
    match v {
        Value::Int(i) => i,
        _ => -1,
    }
}

#[portal(greens(codes, f))]
pub fn run(codes: &[Code], f: usize, vm: &mut Space, args: &[Value], depth: u32) -> Result<Value, Value> {
    let code = &codes[f];
    let mut locals = vec![Value::Undef; code.nlocals as usize];
    for i in 0..args.len() {
        locals[i] = args[i];
    }
    let mut stack: Vec<Value> = Vec::new();
    let mut pc: usize = 0;
    loop {
        global_merge_point!(greens(codes, f, pc));
        let code = &codes[f];
        let w = concrete!(code.ops[pc]);
        let op = (w & 0xff) as u8;
        let arg = (w >> 8) as usize;
        pc += 1;
        let r: Result<(), Value> = match op {
            PUSH => {
                stack.push(code.consts[arg]);
                Ok(())
            }
            ADD => {
                let b = stack.pop().unwrap();
                let a = stack.pop().unwrap();
                match (a, b) {
                    (Value::Int(x), Value::Int(y)) => match x.checked_add(y) {
                        Some(z) => {
                            stack.push(Value::Int(z));
                            Ok(())
                        }
                        None => match add_slow(vm, a, b) {
                            Ok(v) => {
                                stack.push(v);
                                Ok(())
                            }
                            Err(e) => Err(e),
                        },
                    },
                    (Value::Float(x), Value::Float(y)) => {
                        stack.push(Value::Float(x + y));
                        Ok(())
                    }
                    _ => match add_slow(vm, a, b) {
                        Ok(v) => {
                            stack.push(v);
                            Ok(())
                        }
                        Err(e) => Err(e),
                    },
                }
            }
            LOAD => {
                stack.push(locals[arg]);
                Ok(())
            }
            STORE => {
                locals[arg] = stack.pop().unwrap();
                Ok(())
            }
            JUMP_IF => match stack.pop().unwrap() {
                Value::Int(0) | Value::None => Ok(()),
                _ => {
                    pc = arg;
                    Ok(())
                }
            },
            CALL => {
                let callee = stack.pop().unwrap();
                let g = callee_of(vm, callee);
                if g < 0 || g as usize >= codes.len() || depth > 50 {
                    Err(Value::None)
                } else {
                    let g = promote!(g) as usize;
                    let mut callargs: Vec<Value> = Vec::new();
                    for _ in 0..arg {
                        callargs.push(stack.pop().unwrap());
                    }
                    match run(codes, g, vm, &callargs, depth + 1) {
                        Ok(v) => {
                            stack.push(v);
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
            }
            RET => {
                vm.count += 1;
                let r = stack.pop().unwrap_or(Value::None);
                return Ok(match r { Value::Int(x) => Value::Int(x.wrapping_add(vm.count)), v => v });
            }
            SETG => {
                let v = stack.pop().unwrap();
                set_global(vm, arg as i64, v)
            }
            GETG => match get_global(vm, arg as i64) {
                Ok(v) => {
                    stack.push(v);
                    Ok(())
                }
                Err(e) => Err(e),
            },
            PRINT => {
                let mut vals: Vec<Value> = Vec::new();
                for _ in 0..arg {
                    vals.push(stack.pop().unwrap());
                }
                print_all(vm, &vals);
                Ok(())
            }
            SPLIT => {
                let v = stack.pop().unwrap();
                split_top(vm, v, &mut stack)
            }
            _ => Err(Value::Int(op as i64)),
        };
        if let Err(e) = r {
            return Err(e);
        }
    }
}
"#;

const MAIN: &str = r#"use ospace::*;
use std::collections::HashMap;

fn i(op: u8, arg: u32) -> u32 {
    op as u32 | arg << 8
}

fn main() {
    let args = hints::args();
    let n: i64 = args[0].parse().unwrap();
    let missing = args.get(1).is_some();
    let main_code = Code {
        ops: vec![
            i(LOAD, 1), i(LOAD, 0), i(ADD, 0), i(STORE, 1),
            i(LOAD, 0), i(PUSH, 1), i(CALL, 1), i(LOAD, 1), i(ADD, 0), i(STORE, 1),
            i(LOAD, 1), i(SETG, 3), i(GETG, if missing { 4 } else { 3 }), i(STORE, 1),
            i(LOAD, 0), i(SPLIT, 0), i(ADD, 0), i(STORE, 2),
            i(LOAD, 0), i(PUSH, 0), i(ADD, 0), i(STORE, 0), i(LOAD, 0), i(JUMP_IF, 0),
            i(PUSH, 2), i(PUSH, 3), i(ADD, 0), i(LOAD, 1), i(LOAD, 2), i(PRINT, 3),
            i(LOAD, 1), i(RET, 0),
        ],
        consts: vec![Value::Int(-1), Value::Int(1), Value::Obj(0), Value::Obj(1)],
        nlocals: 3,
    };
    let double = Code {
        ops: vec![i(LOAD, 0), i(LOAD, 0), i(ADD, 0), i(RET, 0)],
        consts: vec![],
        nlocals: 1,
    };
    let codes = vec![main_code, double];
    let mut vm = Space {
        strings: vec!["ab".into(), "cd".into()],
        globals: HashMap::new(),
        out: String::new(), count: 0,
    };
    let r = run(&codes, 0, &mut vm, &[Value::Int(n), Value::Int(0)], 0);
    println!("{r:?} count {} {} strings, out {}", vm.count, vm.strings.len(), vm.out.len());
}
"#;

fn run(bin: &Path, mode: &[&str], args: &[&str]) -> (i32, String, String) {
    common::run_bin(bin, mode, args.iter().map(|s| s.to_string()))
}

#[test]
fn a_space_held_by_its_address_is_changed_by_helpers_and_recursive_calls() {
    let dir = std::env::temp_dir().join(format!("ospace-{}", std::process::id()));
    let krate = common::write_crate(&dir, "ospace", LIB, MAIN);
    let bin = dir.join("ospace-c");
    common::translate(&krate, &bin);
    let (_, out, _) = run(&bin, &["--no-jit"], &["10"]);
    assert_eq!(out, "Ok(Int(231)) count 11 3 strings, out 34\n");
    let cases: &[&[&str]] = &[
        &["1000"],
        &["1000", "missing"],
        &["4611686018427387904"],
        &["3"],
        &["1"],
        &["20000"],
    ];
    for args in cases {
        let plain = run(&bin, &["--no-jit"], args);
        for mode in common::JIT_MODES {
            assert_eq!(run(&bin, mode, args), plain, "{args:?} {mode:?}");
        }
    }
    let log = dir.join("jit.log");
    run(
        &bin,
        &["--jit-threshold", "2", "--jit-log", log.to_str().unwrap()],
        &["1000"],
    );
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        text.contains("compiled") && !text.contains("not compiled"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reading_a_field_of_an_opaque_struct_is_an_error_that_says_why() {
    let dir = std::env::temp_dir().join(format!("ospace-field-{}", std::process::id()));
    let lib = LIB.replace("vm.count += 1;", "vm.count += vm.strings.len() as i64;");
    assert_ne!(lib, LIB);
    let krate = common::write_crate(
        &dir,
        "ospacef",
        &lib,
        &MAIN.replace("ospace::", "ospacef::"),
    );
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_translate"))
        .arg(&krate)
        .args(["-q", "-o"])
        .arg(dir.join("x-c"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("compiled code cannot read or write the field `strings` of a `Space`")
            && err.contains("its field `globals` holds the type `HashMap`"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
