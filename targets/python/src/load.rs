//! The loader: a compiled [`Module`] becomes part of the object space's code table.
//! Constants become values (strings interned, so equal constant strings are one
//! object), names become symbol ids, `MAKE_FUNCTION` code indexes are rebased by the
//! table's length before loading, and the `.py` modules named by imports that exist
//! beside the program are compiled and loaded too, once each, recursively (they run
//! on first import, see [`crate::modules`]).

use crate::bytecode::*;
use crate::compile::{self, CompiledCode, Const, Module, SyntaxError};
use crate::objects::Object;
use crate::space::Space;
use crate::value::Value;

fn const_value(vm: &mut Space, c: &Const) -> Value {
    match c {
        Const::None => Value::None,
        Const::Bool(b) => Value::Bool(*b),
        Const::Int(i) => Value::Int(*i),
        Const::BigInt(b) => crate::numeric::int_value(vm, b.clone()),
        Const::Float(f) => Value::Float(*f),
        Const::Str(s) => {
            let id = vm.intern(s);
            vm.sym_str(id)
        }
        Const::Tuple(items) => {
            let vals: Vec<Value> = items.iter().map(|c| const_value(vm, c)).collect();
            vm.new_tuple(vals)
        }
        Const::Ellipsis => vm.builtin_value("Ellipsis"),
    }
}

fn load_code(vm: &mut Space, c: &CompiledCode, base: u32) -> (Code, CodeInfo) {
    let consts = c.consts.iter().map(|k| const_value(vm, k)).collect();
    let names = c.names.iter().map(|n| vm.intern(n)).collect();
    let ops = c
        .ops
        .iter()
        .map(|&w| {
            if opcode(w) == MAKE_FUNCTION {
                let arg = oparg(w) as u32;
                let idx = (arg & 0xfffff) + base;
                instr(MAKE_FUNCTION, (arg & !0xfffff) | (idx & 0xfffff))
            } else {
                w
            }
        })
        .collect();
    let mut ops: Vec<u32> = ops;
    swap_without_tuples(&mut ops, &c.handlers);
    fuse_pairs(&mut ops);
    let code = Code {
        ops,
        consts,
        names,
        handlers: c.handlers.clone(),
        nlocals: c.nlocals,
        nparams: if c.info.is_class_body {
            1
        } else {
            c.info.argcount + c.info.kwonlyargcount + c.info.varargs as u32 + c.info.varkw as u32
        },
    };
    (code, c.info.clone())
}

/// `a, b = b, a` without a tuple: `BUILD_TUPLE n; UNPACK_SEQUENCE n` (n = 2 or 3, no
/// jump or handler landing on the unpack) reverses the top n values in place.
fn swap_without_tuples(ops: &mut [u32], handlers: &[Handler]) {
    let is_target = |ops: &[u32], i: usize| {
        handlers.iter().any(|h| h.target as usize == i)
            || ops.iter().any(|&w| {
                matches!(
                    opcode(w),
                    JUMP | POP_JUMP_IF_FALSE
                        | POP_JUMP_IF_TRUE
                        | JUMP_IF_FALSE_OR_POP
                        | JUMP_IF_TRUE_OR_POP
                        | FOR_ITER
                ) && oparg(w) == i
            })
    };
    for i in 0..ops.len().saturating_sub(1) {
        let (a, b) = (ops[i], ops[i + 1]);
        if opcode(a) == BUILD_TUPLE
            && opcode(b) == UNPACK_SEQUENCE
            && oparg(a) == oparg(b)
            && !is_target(ops, i + 1)
        {
            match oparg(a) {
                2 => {
                    ops[i] = instr(ROT_TWO, 0);
                    ops[i + 1] = instr(NOP, 0);
                }
                3 => {
                    ops[i] = instr(ROT_THREE, 0);
                    ops[i + 1] = instr(ROT_TWO, 0);
                }
                _ => {}
            }
        }
    }
}

/// Append the codes of `m` to the code table; the index of its module body.
pub fn load(vm: &mut Space, m: &Module) -> u32 {
    let base = vm.codes.len() as u32;
    let mut new = Vec::with_capacity(m.codes.len());
    for c in &m.codes {
        new.push(load_code(vm, c, base));
    }
    let mut codes = Vec::with_capacity(vm.codes.len() + new.len());
    codes.extend_from_slice(vm.codes);
    for (code, info) in new {
        codes.push(code);
        vm.infos.push(info);
    }
    vm.codes = Box::leak(codes.into_boxed_slice());
    base
}

/// Remember the source lines of `filename` for tracebacks.
pub fn add_source(vm: &mut Space, filename: &str, src: &str) {
    vm.sources.insert(
        filename.to_string(),
        src.lines().map(|l| l.to_string()).collect(),
    );
}

/// Compile and load a program and the `.py` modules it imports from `dir`; the code
/// index of its module body.
pub fn load_program(
    vm: &mut Space,
    src: &str,
    filename: &str,
    dir: &str,
) -> Result<u32, SyntaxError> {
    let m = compile::compile_module(src, filename)?;
    add_source(vm, filename, src);
    if vm.codes.len() + m.codes.len() > 0xfffff {
        return Err(too_big(filename));
    }
    let idx = load(vm, &m);
    load_imports(vm, &m.imports, dir)?;
    Ok(idx)
}

fn too_big(filename: &str) -> SyntaxError {
    SyntaxError {
        kind: "SyntaxError",
        msg: "too many code objects".to_string(),
        filename: filename.to_string(),
        line: 1,
        col: 1,
        text: String::new(),
    }
}

/// Load the modules named in `imports` that exist as `dir/NAME.py`.
pub fn load_imports(vm: &mut Space, imports: &[String], dir: &str) -> Result<(), SyntaxError> {
    for name in imports {
        let first = name.split('.').next().unwrap_or(name);
        if vm.pending.contains_key(first)
            || matches!(
                first,
                "sys" | "math" | "time" | "pyrsjit" | "typing" | "__future__"
            )
        {
            continue;
        }
        let path = std::path::Path::new(dir).join(format!("{first}.py"));
        let (src, fname) = match std::fs::read_to_string(&path) {
            Ok(src) => (src, path.to_string_lossy().to_string()),
            Err(_) => match crate::stdlib::source(first) {
                Some(src) => (src.to_string(), format!("<{first}>")),
                None => continue,
            },
        };
        let m = compile::compile_module(&src, &fname)?;
        if vm.codes.len() + m.codes.len() > 0xfffff {
            return Err(too_big(&fname));
        }
        add_source(vm, &fname, &src);
        let idx = load(vm, &m);
        vm.pending.insert(first.to_string(), idx);
        load_imports(vm, &m.imports, dir)?;
    }
    Ok(())
}

/// A module-level function running code `idx` with a fresh `__main__` namespace (or
/// `globals` when given).
pub fn main_function(vm: &mut Space, idx: u32, globals: Option<Value>, file: &str) -> Value {
    let g = match globals {
        Some(g) => g,
        None => {
            let g = crate::proto::new_dict(vm);
            let set = |vm: &mut Space, k: &str, v: Value| {
                let s = vm.intern(k);
                let ks = vm.sym_str(s);
                let _ = crate::proto::dict_set(vm, g, ks, v);
            };
            let main = vm.sym_str(crate::space::S_MAIN);
            set(vm, "__name__", main);
            let b = vm.builtins;
            set(vm, "__builtins__", b);
            let f = vm.new_str(file.to_string());
            set(vm, "__file__", f);
            set(vm, "__doc__", Value::None);
            g
        }
    };
    let _ = Object::Free;
    crate::ops::new_function(vm, g, idx, Value::Undef, Value::Undef, Value::Undef)
}
