//! The compiler: Python source → [`Module`], a table of code objects in an intermediate
//! form ([`CompiledCode`]: constants as [`Const`], names as strings) that a loader turns
//! into [`crate::bytecode::Code`]s. It does not depend on the object space.
//!
//! Stages: the parser (`ruff_python_parser`) gives the AST; [`symtable`] resolves the
//! scope of every name; [`codegen`] emits the bytecode of every scope; [`verify`]
//! checks the stack discipline of the result.
//!
//! Stack discipline (the invariant [`verify`] checks): the stack depth at each
//! instruction is the same on every path reaching it; a statement starts and ends at
//! the depth of its block (the iterators of enclosing `for` loops and the `__exit__`
//! methods of enclosing `with` blocks are the only values kept across statements); a
//! handler's target is reached with its `depth` values plus the exception.
//!
//! Every error in the program is returned as a [`SyntaxError`]; nothing panics on user
//! input. The parser and the compiler recurse on the nesting of the program (bounded
//! by [`symtable::MAX_NESTING`]): callers must run them on a thread with a large
//! stack (64 MB is plenty).

use std::fmt::Write as _;

use crate::bytecode::*;

mod codegen;
pub mod symtable;

/// A constant of a code object.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    None,
    Bool(bool),
    Int(i64),
    BigInt(num_bigint::BigInt),
    Float(f64),
    Str(String),
    Tuple(Vec<Const>),
    Ellipsis,
}

/// A compiled code object: [`crate::bytecode::Code`] before loading.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledCode {
    pub ops: Vec<u32>,
    pub consts: Vec<Const>,
    pub names: Vec<String>,
    pub handlers: Vec<Handler>,
    pub nlocals: u32,
    pub info: CodeInfo,
    /// The largest stack depth the code reaches (as computed by [`verify`]).
    pub stacksize: u32,
}

/// A compiled program.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// `[0]` is the module body; `MAKE_FUNCTION`'s code index is an index into this table.
    pub codes: Vec<CompiledCode>,
    /// Module names named by import statements, in order of first mention.
    pub imports: Vec<String>,
}

/// A syntax error (also used for constructs the interpreter does not support).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// The exception class: `SyntaxError`, or `IndentationError` for indentation.
    pub kind: &'static str,
    pub msg: String,
    pub filename: String,
    /// 1-based.
    pub line: u32,
    /// 1-based, in characters.
    pub col: u32,
    /// The offending source line, without its line break.
    pub text: String,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "  File \"{}\", line {}\n    {}\n{}: {}",
            self.filename,
            self.line,
            self.text.trim(),
            self.kind,
            self.msg
        )
    }
}

/// Compiles a module.
pub fn compile_module(src: &str, filename: &str) -> Result<Module, SyntaxError> {
    codegen::compile(src, filename, false)
}

/// Compiles the input of the interactive prompt: as a module, but an expression
/// statement at top level passes its value to `__displayhook__` (a builtin).
pub fn compile_interactive(src: &str, filename: &str) -> Result<Module, SyntaxError> {
    codegen::compile(src, filename, true)
}

/// The name of an opcode.
pub fn opname(op: u8) -> &'static str {
    match op {
        NOP => "NOP",
        LOAD_CONST => "LOAD_CONST",
        LOAD_FAST => "LOAD_FAST",
        STORE_FAST => "STORE_FAST",
        DELETE_FAST => "DELETE_FAST",
        LOAD_DEREF => "LOAD_DEREF",
        STORE_DEREF => "STORE_DEREF",
        LOAD_CLOSURE => "LOAD_CLOSURE",
        LOAD_GLOBAL => "LOAD_GLOBAL",
        STORE_GLOBAL => "STORE_GLOBAL",
        DELETE_GLOBAL => "DELETE_GLOBAL",
        LOAD_NAME => "LOAD_NAME",
        STORE_NAME => "STORE_NAME",
        DELETE_NAME => "DELETE_NAME",
        LOAD_BUILTIN => "LOAD_BUILTIN",
        LOAD_ATTR => "LOAD_ATTR",
        STORE_ATTR => "STORE_ATTR",
        DELETE_ATTR => "DELETE_ATTR",
        BINARY => "BINARY",
        INPLACE => "INPLACE",
        UNARY => "UNARY",
        COMPARE => "COMPARE",
        BINARY_SUBSCR => "BINARY_SUBSCR",
        STORE_SUBSCR => "STORE_SUBSCR",
        DELETE_SUBSCR => "DELETE_SUBSCR",
        BUILD_SLICE => "BUILD_SLICE",
        BUILD_TUPLE => "BUILD_TUPLE",
        BUILD_LIST => "BUILD_LIST",
        BUILD_SET => "BUILD_SET",
        BUILD_MAP => "BUILD_MAP",
        BUILD_STRING => "BUILD_STRING",
        LIST_APPEND => "LIST_APPEND",
        SET_ADD => "SET_ADD",
        MAP_ADD => "MAP_ADD",
        LIST_EXTEND => "LIST_EXTEND",
        SET_UPDATE => "SET_UPDATE",
        DICT_UPDATE => "DICT_UPDATE",
        LIST_TO_TUPLE => "LIST_TO_TUPLE",
        FORMAT_VALUE => "FORMAT_VALUE",
        UNPACK_SEQUENCE => "UNPACK_SEQUENCE",
        UNPACK_EX => "UNPACK_EX",
        JUMP => "JUMP",
        POP_JUMP_IF_FALSE => "POP_JUMP_IF_FALSE",
        POP_JUMP_IF_TRUE => "POP_JUMP_IF_TRUE",
        JUMP_IF_FALSE_OR_POP => "JUMP_IF_FALSE_OR_POP",
        JUMP_IF_TRUE_OR_POP => "JUMP_IF_TRUE_OR_POP",
        GET_ITER => "GET_ITER",
        FOR_ITER => "FOR_ITER",
        POP_TOP => "POP_TOP",
        DUP_TOP => "DUP_TOP",
        DUP_TOP_TWO => "DUP_TOP_TWO",
        ROT_TWO => "ROT_TWO",
        ROT_THREE => "ROT_THREE",
        ROT_FOUR => "ROT_FOUR",
        CALL => "CALL",
        CALL_KW => "CALL_KW",
        CALL_EX => "CALL_EX",
        LOAD_METHOD => "LOAD_METHOD",
        CALL_METHOD => "CALL_METHOD",
        MAKE_FUNCTION => "MAKE_FUNCTION",
        BUILD_CLASS => "BUILD_CLASS",
        RETURN_VALUE => "RETURN_VALUE",
        RAISE => "RAISE",
        EXC_MATCH => "EXC_MATCH",
        IMPORT_NAME => "IMPORT_NAME",
        IMPORT_FROM => "IMPORT_FROM",
        IMPORT_STAR => "IMPORT_STAR",
        MAKE_CELL => "MAKE_CELL",
        COPY_FREE_VARS => "COPY_FREE_VARS",
        PUSH_EXC_INFO => "PUSH_EXC_INFO",
        POP_EXC_INFO => "POP_EXC_INFO",
        _ => "?",
    }
}

/// Whether an opcode's argument is a jump target.
pub fn is_jump(op: u8) -> bool {
    matches!(
        op,
        JUMP | POP_JUMP_IF_FALSE
            | POP_JUMP_IF_TRUE
            | JUMP_IF_FALSE_OR_POP
            | JUMP_IF_TRUE_OR_POP
            | FOR_ITER
    )
}

/// Whether control never falls through to the next instruction.
pub fn is_terminal(op: u8) -> bool {
    matches!(op, JUMP | RETURN_VALUE | RAISE)
}

/// The change of stack depth an instruction makes: on its fall-through path
/// (`jumped` = false) or when it jumps. `None` for an unknown opcode.
pub fn stack_effect(op: u8, arg: u32, jumped: bool) -> Option<i32> {
    let a = arg as i32;
    Some(match op {
        NOP | DELETE_FAST | DELETE_GLOBAL | DELETE_NAME | LOAD_ATTR | UNARY | LIST_TO_TUPLE
        | GET_ITER | ROT_TWO | ROT_THREE | ROT_FOUR | EXC_MATCH | MAKE_CELL | COPY_FREE_VARS
        | JUMP | POP_EXC_INFO => 0,
        LOAD_CONST | LOAD_FAST | LOAD_DEREF | LOAD_CLOSURE | LOAD_GLOBAL | LOAD_NAME
        | LOAD_BUILTIN | DUP_TOP | IMPORT_NAME | IMPORT_FROM => 1,
        STORE_FAST | STORE_DEREF | STORE_GLOBAL | STORE_NAME | DELETE_ATTR | BINARY | INPLACE
        | COMPARE | BINARY_SUBSCR | LIST_APPEND | SET_ADD | LIST_EXTEND | SET_UPDATE
        | DICT_UPDATE | POP_TOP | POP_JUMP_IF_FALSE | POP_JUMP_IF_TRUE | IMPORT_STAR
        | RETURN_VALUE | PUSH_EXC_INFO => -1,
        STORE_ATTR | DELETE_SUBSCR | MAP_ADD | CALL_EX | BUILD_CLASS => -2,
        STORE_SUBSCR => -3,
        BUILD_SLICE => 1 - a,
        BUILD_TUPLE | BUILD_LIST | BUILD_SET | BUILD_STRING => 1 - a,
        BUILD_MAP => 1 - 2 * a,
        FORMAT_VALUE => {
            if a & 4 != 0 {
                -1
            } else {
                0
            }
        }
        UNPACK_SEQUENCE => a - 1,
        UNPACK_EX => (a & 0xff) + (a >> 8),
        JUMP_IF_FALSE_OR_POP | JUMP_IF_TRUE_OR_POP => {
            if jumped {
                0
            } else {
                -1
            }
        }
        FOR_ITER => {
            if jumped {
                -1
            } else {
                1
            }
        }
        DUP_TOP_TWO => 2,
        CALL => -a,
        CALL_KW => -a - 1,
        LOAD_METHOD => 1,
        CALL_METHOD => -a - 1,
        MAKE_FUNCTION => {
            let f = arg >> FN_FLAG_SHIFT;
            1 - (f & FN_DEFAULTS != 0) as i32
                - (f & FN_KWDEFAULTS != 0) as i32
                - (f & FN_CLOSURE != 0) as i32
        }
        RAISE => {
            if a == 2 {
                -2
            } else {
                -1
            }
        }
        _ => return None,
    })
}

/// Checks the invariants of one code object of a table of `ncodes`: instruction
/// arguments in range, every reachable instruction reached with one stack depth that
/// never goes negative, handlers consistent with the depths of their ranges, no path
/// running off the end. Returns the largest depth.
pub fn verify_code(c: &CompiledCode, ncodes: usize) -> Result<u32, String> {
    let n = c.ops.len();
    if c.info.lines.len() != n {
        return Err(format!(
            "{} lines for {} instructions",
            c.info.lines.len(),
            n
        ));
    }
    if c.info.varnames.len() != c.nlocals as usize {
        return Err(format!(
            "{} varnames for {} locals",
            c.info.varnames.len(),
            c.nlocals
        ));
    }
    if c.info.nfree > c.nlocals {
        return Err("more free variables than locals".into());
    }
    for &s in &c.info.cells {
        if s >= c.nlocals {
            return Err(format!("cell slot {s} out of range"));
        }
    }
    for (pc, &w) in c.ops.iter().enumerate() {
        let (op, arg) = (opcode(w), oparg(w));
        let bad = match op {
            LOAD_CONST => arg >= c.consts.len(),
            LOAD_FAST | STORE_FAST | DELETE_FAST | LOAD_DEREF | STORE_DEREF | LOAD_CLOSURE
            | MAKE_CELL => arg >= c.nlocals as usize,
            LOAD_GLOBAL | STORE_GLOBAL | DELETE_GLOBAL | LOAD_NAME | STORE_NAME | DELETE_NAME
            | LOAD_BUILTIN | LOAD_ATTR | LOAD_METHOD | STORE_ATTR | DELETE_ATTR | IMPORT_NAME
            | IMPORT_FROM => arg >= c.names.len(),
            MAKE_FUNCTION => (arg & 0xfffff) >= ncodes,
            COPY_FREE_VARS => arg as u32 != c.info.nfree,
            _ => is_jump(op) && arg >= n,
        };
        if bad {
            return Err(format!("pc {pc}: {} {arg} out of range", opname(op)));
        }
        if stack_effect(op, arg as u32, false).is_none() {
            return Err(format!("pc {pc}: unknown opcode {op}"));
        }
    }
    for h in &c.handlers {
        if h.start > h.end || h.end as usize > n || h.target as usize >= n {
            return Err(format!("handler {h:?} out of range"));
        }
    }
    let mut depth: Vec<Option<i32>> = vec![None; n];
    let mut work: Vec<usize> = Vec::new();
    let mut max = 0i32;
    let set = |depth: &mut Vec<Option<i32>>,
               work: &mut Vec<usize>,
               pc: usize,
               d: i32,
               from: usize|
     -> Result<(), String> {
        if pc >= n {
            return Err(format!("pc {from}: control runs off the end"));
        }
        if d < 0 {
            return Err(format!("pc {from}: stack underflow"));
        }
        match depth[pc] {
            Some(old) if old != d => Err(format!(
                "pc {pc}: reached with depth {old} and {d} (from {from})"
            )),
            Some(_) => Ok(()),
            None => {
                depth[pc] = Some(d);
                work.push(pc);
                Ok(())
            }
        }
    };
    if n == 0 {
        return Err("empty code".into());
    }
    set(&mut depth, &mut work, 0, 0, 0)?;
    loop {
        while let Some(pc) = work.pop() {
            let d = depth[pc].unwrap();
            max = max.max(d);
            let w = c.ops[pc];
            let (op, arg) = (opcode(w), oparg(w) as u32);
            // What the instruction pops must be there.
            let pops = match op {
                CALL => arg as i32 + 1,
                CALL_KW | CALL_METHOD => arg as i32 + 2,
                BUILD_TUPLE | BUILD_LIST | BUILD_SET | BUILD_STRING | BUILD_SLICE => arg as i32,
                BUILD_MAP => 2 * arg as i32,
                ROT_FOUR => 4,
                ROT_THREE | STORE_SUBSCR | BUILD_CLASS => 3,
                ROT_TWO | DUP_TOP_TWO => 2,
                LIST_APPEND | SET_ADD => arg as i32 + 1,
                MAP_ADD => arg as i32 + 2,
                _ => 0,
            };
            if d < pops {
                return Err(format!(
                    "pc {pc}: {} needs {pops} values, has {d}",
                    opname(op)
                ));
            }
            if is_jump(op) {
                let e = stack_effect(op, arg, true).unwrap();
                set(&mut depth, &mut work, arg as usize, d + e, pc)?;
            }
            if !is_terminal(op) {
                let e = stack_effect(op, arg, false).unwrap();
                set(&mut depth, &mut work, pc + 1, d + e, pc)?;
                max = max.max(d + e);
            }
        }
        // Handlers whose range holds a reached instruction are reached too.
        let mut more = false;
        for h in &c.handlers {
            let mut reached = false;
            for pc in h.start..h.end {
                if let Some(d) = depth[pc as usize] {
                    reached = true;
                    if d < h.depth as i32 {
                        return Err(format!(
                            "pc {pc}: depth {d} below its handler's depth {}",
                            h.depth
                        ));
                    }
                }
            }
            if reached && depth[h.target as usize].is_none() {
                set(
                    &mut depth,
                    &mut work,
                    h.target as usize,
                    h.depth as i32 + 1,
                    h.start as usize,
                )?;
                more = true;
            } else if reached && depth[h.target as usize] != Some(h.depth as i32 + 1) {
                return Err(format!(
                    "handler target {} reached with another depth",
                    h.target
                ));
            }
        }
        if !more {
            break;
        }
    }
    Ok(max as u32)
}

/// Checks every code object of a module (see [`verify_code`]).
pub fn verify(m: &Module) -> Result<(), String> {
    for (i, c) in m.codes.iter().enumerate() {
        let s = verify_code(c, m.codes.len())
            .map_err(|e| format!("code {i} ({}): {e}", c.info.qualname))?;
        if s != c.stacksize {
            return Err(format!(
                "code {i}: stacksize {} but verify computes {s}",
                c.stacksize
            ));
        }
    }
    Ok(())
}

fn const_repr(c: &Const) -> String {
    match c {
        Const::None => "None".into(),
        Const::Bool(b) => if *b { "True" } else { "False" }.into(),
        Const::Int(i) => i.to_string(),
        Const::BigInt(i) => i.to_string(),
        Const::Float(f) => format!("{f:?}"),
        Const::Str(s) => format!("{s:?}"),
        Const::Ellipsis => "Ellipsis".into(),
        Const::Tuple(t) => {
            let items: Vec<String> = t.iter().map(const_repr).collect();
            if items.len() == 1 {
                format!("({},)", items[0])
            } else {
                format!("({})", items.join(", "))
            }
        }
    }
}

/// A readable listing of every code object of a module.
pub fn dis(m: &Module) -> String {
    let mut out = String::new();
    for (i, c) in m.codes.iter().enumerate() {
        let inf = &c.info;
        let _ = writeln!(
            out,
            "code {i} {} (line {}) args={} kwonly={}{}{} nlocals={} stack={}{}",
            inf.qualname,
            inf.first_line,
            inf.argcount,
            inf.kwonlyargcount,
            if inf.varargs { " *args" } else { "" },
            if inf.varkw { " **kw" } else { "" },
            c.nlocals,
            c.stacksize,
            if inf.is_class_body { " class" } else { "" },
        );
        if !inf.varnames.is_empty() {
            let _ = writeln!(out, "  locals: {}", inf.varnames.join(", "));
        }
        if !inf.cells.is_empty() || inf.nfree > 0 {
            let _ = writeln!(out, "  cells: {:?} nfree: {}", inf.cells, inf.nfree);
        }
        let mut last_line = 0;
        for (pc, &w) in c.ops.iter().enumerate() {
            let (op, arg) = (opcode(w), oparg(w));
            let line = inf.lines.get(pc).copied().unwrap_or(0);
            let l = if line != last_line {
                format!("{line:>4}")
            } else {
                "    ".into()
            };
            last_line = line;
            let detail = match op {
                LOAD_CONST => c.consts.get(arg).map(const_repr).unwrap_or_default(),
                CALL_KW => String::new(),
                LOAD_FAST | STORE_FAST | DELETE_FAST | LOAD_DEREF | STORE_DEREF | LOAD_CLOSURE
                | MAKE_CELL => inf.varnames.get(arg).cloned().unwrap_or_default(),
                LOAD_GLOBAL | STORE_GLOBAL | DELETE_GLOBAL | LOAD_NAME | STORE_NAME
                | DELETE_NAME | LOAD_BUILTIN | LOAD_ATTR | LOAD_METHOD | STORE_ATTR
                | DELETE_ATTR | IMPORT_NAME | IMPORT_FROM => {
                    c.names.get(arg).cloned().unwrap_or_default()
                }
                BINARY | INPLACE => [
                    "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "@",
                ]
                .get(arg)
                .unwrap_or(&"?")
                .to_string(),
                UNARY => ["-", "+", "not", "~"].get(arg).unwrap_or(&"?").to_string(),
                COMPARE => [
                    "<", "<=", "==", "!=", ">", ">=", "in", "not in", "is", "is not",
                ]
                .get(arg)
                .unwrap_or(&"?")
                .to_string(),
                MAKE_FUNCTION => format!("code {} flags {}", arg & 0xfffff, arg >> FN_FLAG_SHIFT),
                _ => String::new(),
            };
            let arg_s = if op == MAKE_FUNCTION {
                String::new()
            } else {
                arg.to_string()
            };
            let _ = writeln!(
                out,
                "{l} {pc:>5} {:<20} {arg_s}{}{detail}",
                opname(op),
                if detail.is_empty() || arg_s.is_empty() {
                    ""
                } else {
                    " "
                }
            );
        }
        for h in &c.handlers {
            let _ = writeln!(
                out,
                "  handler {}..{} -> {} depth {}",
                h.start, h.end, h.target, h.depth
            );
        }
    }
    out
}
