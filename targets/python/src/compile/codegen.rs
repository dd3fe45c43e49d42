//! Code generation: one [`Unit`] per scope being compiled (a stack of them, the
//! innermost last), each emitting instructions with symbolic labels and provisional
//! slots that [`Compiler::finish_unit`] resolves.
//!
//! Slots: parameters first, then the other locals of the scope, then hidden
//! temporaries (`.exc0`, `.ret`, ...), then cells that are not parameters, then free
//! variables. Cells and free variables get provisional numbers (`CELL_BASE + i`,
//! `FREE_BASE + i`) while the unit is open, as the number of temporaries is only known
//! at its end.
//!
//! Exceptions: a `try` body, an `except ... as name` body, a `finally`-protected region
//! and a `with` body are protected ranges ([`Prot`]) with a handler at the depth of the
//! statement. Leaving such a region by `break`, `continue` or `return` closes its range
//! for the code that leaves (which runs `finally` bodies inline and calls `__exit__`)
//! and reopens it after.

use std::collections::HashMap;

use num_bigint::BigInt;
use num_traits::{Num, ToPrimitive};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_python_parser::{Mode, ParseError, ParseErrorType, ParseOptions};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::symtable::{
    self, key_of, ScopeKind, Sym, SymbolTable, COMP_ARG, K_CLASS, K_COMP, K_FUNC, K_LAMBDA,
};
use super::{verify_code, CompiledCode, Const, Module, SyntaxError};
use crate::bytecode::*;

const CELL_BASE: u32 = 0xC0_0000;
const FREE_BASE: u32 = 0xE0_0000;
/// Code indexes that fit in a `MAKE_FUNCTION` argument.
const MAX_CODES: usize = 1 << FN_FLAG_SHIFT;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Label(usize);

/// A protected region: its handler target, the stack depth of the region, the ranges
/// of instructions it covers so far and the start of the range being emitted.
struct Prot {
    target: Label,
    depth: u32,
    ranges: Vec<(u32, u32)>,
    open: Option<u32>,
}

/// What a `break`, `continue` or `return` must undo when it leaves a block.
#[derive(Clone)]
enum FBlock<'a> {
    /// A loop; a `for` loop keeps its iterator on the stack.
    Loop {
        brk: Label,
        cont: Label,
        is_for: bool,
    },
    /// The body of a `try` with `except` clauses.
    TryBody(usize),
    /// A region protected by a `finally` body.
    Finally(&'a [Stmt], usize),
    /// An `except` clause body (or a `finally` body run for an exception): the caught
    /// exception is in local slot `exc` and handled at nesting level `level`; a named
    /// one binds `name`, cleared when leaving (its region `prot` does that on errors).
    Handler {
        exc: u32,
        name: Option<&'a str>,
        prot: Option<usize>,
        level: u32,
    },
    /// A `with` body: the `__exit__` method is on top of the stack at statement level.
    With(usize),
}

#[derive(Clone, Copy)]
enum Ctx {
    Load,
    Store,
    Del,
}

struct Unit<'a> {
    scope: usize,
    kind: ScopeKind,
    ops: Vec<u32>,
    lines: Vec<u32>,
    consts: Vec<Const>,
    const_map: HashMap<String, u32>,
    names: Vec<String>,
    name_map: HashMap<String, u32>,
    varnames: Vec<String>,
    slots: HashMap<String, u32>,
    /// Cells and free variables by name, with provisional slots.
    cell_slot: HashMap<String, u32>,
    ncells_extra: Vec<String>,
    free_names: Vec<String>,
    labels: Vec<Option<u32>>,
    label_depth: Vec<Option<i32>>,
    fixups: Vec<usize>,
    prots: Vec<Prot>,
    closed: Vec<usize>,
    fblocks: Vec<FBlock<'a>>,
    depth: i32,
    /// How many caught exceptions are held in `.excN` slots around the current point.
    exc_level: usize,
    info: CodeInfo,
    /// Set when an argument overflows or the stack discipline breaks (a compiler bug).
    overflow: bool,
    broken: Option<String>,
}

struct Compiler<'a> {
    src: &'a str,
    filename: String,
    line_starts: Vec<u32>,
    st: SymbolTable,
    units: Vec<Unit<'a>>,
    codes: Vec<CompiledCode>,
    imports: Vec<String>,
    interactive: bool,
    nesting: usize,
    line: u32,
}

type R<T = ()> = Result<T, SyntaxError>;

/// Builds the syntax error at byte offset `at` of `src`.
pub(super) fn make_error(src: &str, filename: &str, at: usize, msg: String) -> SyntaxError {
    let at = at.min(src.len());
    let at = (0..=at)
        .rev()
        .find(|&i| src.is_char_boundary(i))
        .unwrap_or(0);
    let line_start = src[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = src[at..].find('\n').map(|i| at + i).unwrap_or(src.len());
    let line = src[..at].matches('\n').count() as u32 + 1;
    let col = src[line_start..at].chars().count() as u32 + 1;
    SyntaxError {
        kind: "SyntaxError",
        msg,
        filename: filename.to_string(),
        line,
        col,
        text: src[line_start..line_end].trim_end_matches('\r').to_string(),
    }
}

fn line_of(src: &str, at: usize) -> usize {
    src.as_bytes()[..at.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// CPython's wording for the parser's errors, where it is known; the offset it is at.
fn parse_error(src: &str, e: &ParseError, tokens: &[ast::token::Token]) -> (String, usize) {
    use ast::token::TokenKind as T;
    use ruff_python_parser::{InterpolatedStringErrorType as F, LexicalErrorType as L};
    let at = u32::from(e.location.start()) as usize;
    let text_at = |r: TextRange| {
        src.get(u32::from(r.start()) as usize..u32::from(r.end()) as usize)
            .unwrap_or("")
    };
    let invalid = ("invalid syntax".to_string(), at);
    // As CPython: a generic error after a bracket left open on an earlier line is
    // reported as that bracket never closed.
    let unclosed = |fallback: (String, usize)| -> (String, usize) {
        let mut open: Vec<(T, usize)> = Vec::new();
        for t in tokens {
            if u32::from(t.range().start()) as usize >= at {
                break;
            }
            match t.kind() {
                T::Lpar | T::Lsqb | T::Lbrace => {
                    open.push((t.kind(), u32::from(t.range().start()) as usize))
                }
                T::Rpar | T::Rsqb | T::Rbrace => {
                    open.pop();
                }
                _ => {}
            }
        }
        match open.first() {
            Some((k, pos))
                if line_of(src, *pos) < line_of(src, at) || at >= src.trim_end().len() =>
            {
                let c = match k {
                    T::Lpar => '(',
                    T::Lsqb => '[',
                    _ => '{',
                };
                (format!("'{c}' was never closed"), *pos)
            }
            _ => fallback,
        }
    };
    let unterminated = |at: usize| {
        let rest = src
            .get(at..)
            .unwrap_or("")
            .trim_start_matches(|c: char| c.is_ascii_alphabetic());
        if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
            (
                format!(
                    "unterminated triple-quoted string literal (detected at line {})",
                    line_of(src, src.len())
                ),
                at,
            )
        } else {
            (
                format!(
                    "unterminated string literal (detected at line {})",
                    line_of(src, at)
                ),
                at,
            )
        }
    };
    match &e.error {
        ParseErrorType::Lexical(l) => match l {
            L::IndentationError => (
                "unindent does not match any outer indentation level".into(),
                at,
            ),
            L::UnclosedStringError => unterminated(at),
            L::FStringError(F::UnterminatedString | F::UnterminatedTripleQuotedString) => {
                unterminated(at)
            }
            L::Eof => unclosed(("unexpected EOF while parsing".into(), at)),
            L::LineContinuationError => (
                "unexpected character after line continuation character".into(),
                at,
            ),
            L::UnrecognizedToken { tok } if !tok.is_ascii() => (
                format!("invalid character '{tok}' (U+{:04X})", *tok as u32),
                at,
            ),
            _ => invalid,
        },
        ParseErrorType::UnexpectedIndentation => ("unexpected indent".into(), at),
        ParseErrorType::ExpectedToken { expected, .. } => match expected {
            T::Colon => ("expected ':'".into(), at),
            T::Indent => ("expected an indented block".into(), at),
            _ => unclosed(invalid),
        },
        ParseErrorType::InvalidAssignmentTarget
        | ParseErrorType::InvalidAugmentedAssignmentTarget => {
            let t = text_at(e.location).trim();
            let what = if t.starts_with(|c: char| c.is_ascii_digit() || c == '"' || c == '\'')
                || matches!(t, "None" | "True" | "False")
            {
                "literal"
            } else if t.ends_with(')') && !t.starts_with('(') {
                "function call"
            } else {
                "expression"
            };
            if matches!(e.error, ParseErrorType::InvalidAugmentedAssignmentTarget) {
                (
                    format!("'{what}' is an illegal expression for augmented assignment"),
                    at,
                )
            } else {
                (
                    format!("cannot assign to {what} here. Maybe you meant '==' instead of '='?"),
                    at,
                )
            }
        }
        ParseErrorType::InvalidDeleteTarget => {
            let t = text_at(e.location).trim();
            let what = if matches!(t, "None" | "True" | "False") {
                t
            } else if t.starts_with(|c: char| c.is_ascii_digit() || c == '"' || c == '\'') {
                "literal"
            } else if t.ends_with(')') && !t.starts_with('(') {
                "function call"
            } else {
                "expression"
            };
            (format!("cannot delete {what}"), at)
        }
        ParseErrorType::SimpleStatementsOnSameLine => {
            // `print "x"`: the statement before the error is the bare name `print`.
            let line_start = src[..at.min(src.len())]
                .rfind('\n')
                .map(|i| i + 1)
                .unwrap_or(0);
            let before = src.get(line_start..at).unwrap_or("").trim();
            if before == "print" || before == "exec" {
                (
                    format!(
                        "Missing parentheses in call to '{before}'. Did you mean {before}(...)?"
                    ),
                    line_start,
                )
            } else {
                unclosed(invalid)
            }
        }
        _ => unclosed(invalid),
    }
}

/// Parses and compiles a program.
pub(super) fn compile(src: &str, filename: &str, interactive: bool) -> Result<Module, SyntaxError> {
    let parsed = ruff_python_parser::parse_unchecked(src, ParseOptions::from(Mode::Module));
    if let Some(e) = parsed.errors().iter().min_by_key(|e| e.location.start()) {
        let (msg, at) = parse_error(src, e, parsed.tokens());
        let mut err = make_error(src, filename, at, msg);
        if err.msg == "unexpected indent"
            || err.msg.starts_with("expected an indented block")
            || err.msg.starts_with("unindent does not match")
        {
            err.kind = "IndentationError";
        }
        return Err(err);
    }
    let ast::Mod::Module(module) = parsed.syntax() else {
        return Err(make_error(src, filename, 0, "invalid syntax".into()));
    };
    let st = symtable::build(&module.body)
        .map_err(|e| make_error(src, filename, u32::from(e.range.start()) as usize, e.msg))?;
    let mut line_starts = vec![0u32];
    for (i, b) in src.bytes().enumerate() {
        if b == b'\n' {
            line_starts.push(i as u32 + 1);
        }
    }
    let mut c = Compiler {
        src,
        filename: filename.to_string(),
        line_starts,
        st,
        units: Vec::new(),
        // [0] is replaced by the module body at the end.
        codes: vec![CompiledCode {
            ops: vec![],
            consts: vec![],
            names: vec![],
            handlers: vec![],
            nlocals: 0,
            info: CodeInfo::default(),
            stacksize: 0,
        }],
        imports: Vec::new(),
        interactive,
        nesting: 0,
        line: 1,
    };
    c.push_unit(0, "<module>".into(), "<module>".into(), 1);
    c.stmts(&module.body)?;
    c.load_const(Const::None);
    c.emit(RETURN_VALUE, 0);
    let code = c.finish_unit(TextRange::default())?;
    c.codes[0] = code;
    Ok(Module {
        codes: c.codes,
        imports: c.imports,
    })
}

fn const_key(c: &Const, out: &mut String) {
    use std::fmt::Write;
    match c {
        Const::None => out.push('N'),
        Const::Bool(b) => out.push(if *b { 'T' } else { 'F' }),
        Const::Int(i) => {
            let _ = write!(out, "i{i};");
        }
        Const::BigInt(i) => {
            let _ = write!(out, "b{i};");
        }
        Const::Float(f) => {
            let _ = write!(out, "f{};", f.to_bits());
        }
        Const::Str(s) => {
            let _ = write!(out, "s{}:{s}", s.len());
        }
        Const::Ellipsis => out.push('E'),
        Const::Tuple(t) => {
            let _ = write!(out, "t{}(", t.len());
            for x in t {
                const_key(x, out);
            }
            out.push(')');
        }
    }
}

fn binop(op: ast::Operator) -> u32 {
    use ast::Operator as O;
    match op {
        O::Add => BIN_ADD,
        O::Sub => BIN_SUB,
        O::Mult => BIN_MUL,
        O::MatMult => BIN_MATMUL,
        O::Div => BIN_TRUEDIV,
        O::Mod => BIN_MOD,
        O::Pow => BIN_POW,
        O::LShift => BIN_LSHIFT,
        O::RShift => BIN_RSHIFT,
        O::BitOr => BIN_OR,
        O::BitXor => BIN_XOR,
        O::BitAnd => BIN_AND,
        O::FloorDiv => BIN_FLOORDIV,
    }
}

fn cmpop(op: ast::CmpOp) -> u32 {
    use ast::CmpOp as C;
    match op {
        C::Eq => CMP_EQ,
        C::NotEq => CMP_NE,
        C::Lt => CMP_LT,
        C::LtE => CMP_LE,
        C::Gt => CMP_GT,
        C::GtE => CMP_GE,
        C::Is => CMP_IS,
        C::IsNot => CMP_IS_NOT,
        C::In => CMP_IN,
        C::NotIn => CMP_NOT_IN,
    }
}

/// The value of an int literal (its token text when it does not fit a `u64`).
fn int_const(i: &ast::Int) -> Const {
    if let Some(v) = i.as_i64() {
        return Const::Int(v);
    }
    let text: String = i.to_string().chars().filter(|&c| c != '_').collect();
    let lower = text.to_ascii_lowercase();
    let (digits, radix) = if let Some(d) = lower.strip_prefix("0x") {
        (d, 16)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (d, 8)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (d, 2)
    } else {
        (lower.as_str(), 10)
    };
    match BigInt::from_str_radix(digits, radix) {
        Ok(b) => normalize_int(b),
        Err(_) => Const::Int(0),
    }
}

fn normalize_int(b: BigInt) -> Const {
    match b.to_i64() {
        Some(v) => Const::Int(v),
        None => Const::BigInt(b),
    }
}

/// The constant an expression folds to, if it is one.
fn const_of(e: &Expr) -> Option<Const> {
    Some(match e {
        Expr::NoneLiteral(_) => Const::None,
        Expr::BooleanLiteral(b) => Const::Bool(b.value),
        Expr::EllipsisLiteral(_) => Const::Ellipsis,
        Expr::StringLiteral(s) => Const::Str(s.value.to_str().to_string()),
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => int_const(i),
            ast::Number::Float(f) => Const::Float(*f),
            ast::Number::Complex { .. } => return None,
        },
        Expr::UnaryOp(u) if u.op == ast::UnaryOp::USub => match const_of(&u.operand)? {
            Const::Int(i) => match i.checked_neg() {
                Some(v) => Const::Int(v),
                None => Const::BigInt(-BigInt::from(i)),
            },
            Const::BigInt(b) => normalize_int(-b),
            Const::Float(f) => Const::Float(-f),
            _ => return None,
        },
        Expr::Tuple(t) => {
            let mut items = Vec::with_capacity(t.elts.len());
            for x in &t.elts {
                items.push(const_of(x)?);
            }
            Const::Tuple(items)
        }
        _ => return None,
    })
}

fn is_true_const(e: &Expr) -> bool {
    match const_of(e) {
        Some(Const::Bool(b)) => b,
        Some(Const::Int(i)) => i != 0,
        _ => false,
    }
}

impl<'a> Compiler<'a> {
    // ---------------------------------------------------------------- units

    fn u(&mut self) -> &mut Unit<'a> {
        self.units.last_mut().unwrap()
    }

    fn err(&self, range: TextRange, msg: impl Into<String>) -> SyntaxError {
        make_error(
            self.src,
            &self.filename,
            u32::from(range.start()) as usize,
            msg.into(),
        )
    }

    fn line_at(&self, pos: TextSize) -> u32 {
        let p = u32::from(pos);
        match self.line_starts.binary_search(&p) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    fn set_line(&mut self, r: TextRange) {
        self.line = self.line_at(r.start());
    }

    fn push_unit(&mut self, scope: usize, name: String, qualname: String, first_line: u32) {
        let s = &self.st.scopes[scope];
        let kind = s.kind;
        let mut varnames: Vec<String> = Vec::new();
        let mut slots = HashMap::new();
        let mut cell_slot = HashMap::new();
        let mut ncells_extra = Vec::new();
        if kind == ScopeKind::Class {
            varnames.push(".ns".to_string());
            slots.insert(".ns".to_string(), 0);
        }
        if kind == ScopeKind::Function {
            for p in s.params.iter().chain(s.locals.iter()) {
                slots.insert(p.clone(), varnames.len() as u32);
                varnames.push(p.clone());
            }
        }
        for c in &s.cellvars {
            if let Some(&slot) = slots.get(c) {
                if s.params.contains(c) {
                    cell_slot.insert(c.clone(), slot);
                    continue;
                }
            }
            cell_slot.insert(c.clone(), CELL_BASE + ncells_extra.len() as u32);
            ncells_extra.push(c.clone());
        }
        let free_names = s.freevars.clone();
        let info = CodeInfo {
            name,
            qualname,
            filename: self.filename.clone(),
            first_line,
            is_class_body: kind == ScopeKind::Class,
            argcount: if kind == ScopeKind::Class { 1 } else { 0 },
            ..CodeInfo::default()
        };
        self.units.push(Unit {
            scope,
            kind,
            ops: Vec::new(),
            lines: Vec::new(),
            consts: Vec::new(),
            const_map: HashMap::new(),
            names: Vec::new(),
            name_map: HashMap::new(),
            varnames,
            slots,
            cell_slot,
            ncells_extra,
            free_names,
            labels: Vec::new(),
            label_depth: Vec::new(),
            fixups: Vec::new(),
            prots: Vec::new(),
            closed: Vec::new(),
            fblocks: Vec::new(),
            depth: 0,
            exc_level: 0,
            info,
            overflow: false,
            broken: None,
        });
        // Entry: cells and free variables.
        let nfree = self.u().free_names.len() as u32;
        if nfree > 0 {
            self.emit(COPY_FREE_VARS, nfree);
        }
        let cells: Vec<u32> = {
            let u = self.units.last().unwrap();
            self.st.scopes[u.scope]
                .cellvars
                .iter()
                .map(|c| u.cell_slot[c])
                .collect()
        };
        for c in cells {
            self.emit(MAKE_CELL, c);
        }
    }

    /// Closes the current unit: resolves labels and slots, builds the handler table,
    /// checks the result.
    fn finish_unit(&mut self, range: TextRange) -> R<CompiledCode> {
        let mut u = self.units.pop().unwrap();
        if u.overflow {
            return Err(self.err(
                range,
                "too many constants, names or instructions in one code object",
            ));
        }
        if let Some(b) = &u.broken {
            return Err(self.err(range, format!("internal compiler error: {b}")));
        }
        let nplain = u.varnames.len() as u32;
        let ncell = u.ncells_extra.len() as u32;
        let nfree = u.free_names.len() as u32;
        let remap = |a: u32| -> u32 {
            if a >= FREE_BASE {
                nplain + ncell + (a - FREE_BASE)
            } else if a >= CELL_BASE {
                nplain + (a - CELL_BASE)
            } else {
                a
            }
        };
        for w in u.ops.iter_mut() {
            let op = opcode(*w);
            if matches!(
                op,
                LOAD_FAST
                    | STORE_FAST
                    | DELETE_FAST
                    | LOAD_DEREF
                    | STORE_DEREF
                    | LOAD_CLOSURE
                    | MAKE_CELL
            ) {
                *w = instr(op, remap(oparg(*w) as u32));
            }
        }
        for &pc in &u.fixups {
            let w = u.ops[pc];
            let l = oparg(w);
            let Some(target) = u.labels[l] else {
                return Err(self.err(range, "internal compiler error: unbound label"));
            };
            u.ops[pc] = instr(opcode(w), target);
        }
        let mut handlers = Vec::new();
        for &p in &u.closed {
            let pr = &u.prots[p];
            let Some(target) = u.labels[pr.target.0] else {
                return Err(self.err(range, "internal compiler error: unbound handler"));
            };
            for &(s, e) in &pr.ranges {
                if s < e {
                    handlers.push(Handler {
                        start: s,
                        end: e,
                        target,
                        depth: pr.depth,
                    });
                }
            }
        }
        let mut varnames = u.varnames.clone();
        varnames.extend(u.ncells_extra.iter().cloned());
        varnames.extend(u.free_names.iter().cloned());
        let scope = &self.st.scopes[u.scope];
        let mut cells: Vec<u32> = scope
            .cellvars
            .iter()
            .map(|c| remap(u.cell_slot[c]))
            .collect();
        cells.sort_unstable();
        u.info.lines = u.lines;
        u.info.varnames = varnames;
        u.info.cells = cells;
        u.info.nfree = nfree;
        let mut code = CompiledCode {
            ops: u.ops,
            consts: u.consts,
            names: u.names,
            handlers,
            nlocals: nplain + ncell + nfree,
            info: u.info,
            stacksize: 0,
        };
        // Codes made so far, plus this one, are the only ones it may name.
        match verify_code(&code, self.codes.len().max(1) + 1) {
            Ok(s) => code.stacksize = s,
            Err(e) => {
                debug_assert!(
                    false,
                    "compiler produced invalid code for {}: {e}",
                    code.info.qualname
                );
                return Err(self.err(range, format!("internal compiler error: {e}")));
            }
        }
        Ok(code)
    }

    /// Adds a finished code to the table; its index.
    fn add_code(&mut self, code: CompiledCode, range: TextRange) -> R<u32> {
        if self.codes.len() >= MAX_CODES {
            return Err(self.err(range, "too many functions in one program"));
        }
        self.codes.push(code);
        Ok(self.codes.len() as u32 - 1)
    }

    // ---------------------------------------------------------------- emission

    fn emit(&mut self, op: u8, arg: u32) {
        let line = self.line;
        let u = self.u();
        if arg > MAX_ARG {
            u.overflow = true;
        }
        u.ops.push(instr(op, arg & MAX_ARG));
        u.lines.push(line);
        u.depth += super::stack_effect(op, arg, false).unwrap_or(0);
        if u.depth < 0 && u.broken.is_none() {
            u.broken = Some(format!("negative depth at pc {}", u.ops.len() - 1));
        }
    }

    fn new_label(&mut self) -> Label {
        let u = self.u();
        u.labels.push(None);
        u.label_depth.push(None);
        Label(u.labels.len() - 1)
    }

    fn note_depth(&mut self, l: Label, d: i32) {
        let u = self.u();
        match u.label_depth[l.0] {
            None => u.label_depth[l.0] = Some(d),
            Some(old) if old != d && u.broken.is_none() => {
                u.broken = Some(format!("label {} reached with depths {old} and {d}", l.0));
            }
            _ => {}
        }
    }

    fn jump(&mut self, op: u8, l: Label) {
        let d = self.u().depth + super::stack_effect(op, 0, true).unwrap_or(0);
        self.note_depth(l, d);
        let line = self.line;
        let u = self.u();
        u.fixups.push(u.ops.len());
        u.ops.push(instr(op, l.0 as u32));
        u.lines.push(line);
        u.depth += super::stack_effect(op, 0, false).unwrap_or(0);
    }

    fn bind(&mut self, l: Label) {
        let u = self.u();
        let after_terminal = u.ops.last().is_some_and(|&w| super::is_terminal(opcode(w)));
        u.labels[l.0] = Some(u.ops.len() as u32);
        match u.label_depth[l.0] {
            Some(d) if after_terminal => u.depth = d,
            Some(d) if d != u.depth => {
                if u.broken.is_none() {
                    u.broken = Some(format!(
                        "label {} bound at depth {} but reached with {d}",
                        l.0, u.depth
                    ));
                }
            }
            Some(_) => {}
            None => {
                let d = u.depth;
                u.label_depth[l.0] = Some(d);
            }
        }
    }

    fn add_const(&mut self, c: Const) -> u32 {
        let mut k = String::new();
        const_key(&c, &mut k);
        let u = self.u();
        if let Some(&i) = u.const_map.get(&k) {
            return i;
        }
        u.consts.push(c);
        let i = u.consts.len() as u32 - 1;
        u.const_map.insert(k, i);
        i
    }

    fn load_const(&mut self, c: Const) {
        let i = self.add_const(c);
        self.emit(LOAD_CONST, i);
    }

    fn name_idx(&mut self, n: &str) -> u32 {
        let u = self.u();
        if let Some(&i) = u.name_map.get(n) {
            return i;
        }
        u.names.push(n.to_string());
        let i = u.names.len() as u32 - 1;
        u.name_map.insert(n.to_string(), i);
        i
    }

    fn emit_name(&mut self, op: u8, n: &str) {
        let i = self.name_idx(n);
        self.emit(op, i);
    }

    /// A hidden local slot of the current unit, by name.
    fn temp(&mut self, name: String) -> u32 {
        let u = self.u();
        if let Some(&s) = u.slots.get(&name) {
            return s;
        }
        let s = u.varnames.len() as u32;
        u.varnames.push(name.clone());
        u.slots.insert(name, s);
        s
    }

    // ---------------------------------------------------------------- protection

    fn protect(&mut self, target: Label) -> usize {
        let d = self.u().depth;
        self.note_depth(target, d + 1);
        let u = self.u();
        let pc = u.ops.len() as u32;
        u.prots.push(Prot {
            target,
            depth: d as u32,
            ranges: Vec::new(),
            open: Some(pc),
        });
        u.prots.len() - 1
    }

    fn suspend(&mut self, p: usize) {
        let u = self.u();
        let pc = u.ops.len() as u32;
        let pr = &mut u.prots[p];
        if let Some(s) = pr.open.take() {
            pr.ranges.push((s, pc));
        }
    }

    fn resume(&mut self, p: usize) {
        let u = self.u();
        let pc = u.ops.len() as u32;
        u.prots[p].open = Some(pc);
    }

    fn end_protect(&mut self, p: usize) {
        self.suspend(p);
        self.u().closed.push(p);
    }

    // ---------------------------------------------------------------- names

    fn scope(&self) -> &symtable::Scope {
        &self.st.scopes[self.units.last().unwrap().scope]
    }

    /// The provisional slot of a cell or free variable of the current unit.
    fn deref_slot(&self, name: &str) -> Option<u32> {
        let u = self.units.last().unwrap();
        if let Some(&s) = u.cell_slot.get(name) {
            return Some(s);
        }
        u.free_names
            .iter()
            .position(|n| n == name)
            .map(|i| FREE_BASE + i as u32)
    }

    fn name_op(&mut self, name: &str, ctx: Ctx, range: TextRange) -> R {
        let kind = self.units.last().unwrap().kind;
        let sym = self.scope().lookup(name);
        let (fast, deref, global, ns) = match ctx {
            Ctx::Load => (LOAD_FAST, LOAD_DEREF, LOAD_GLOBAL, LOAD_NAME),
            Ctx::Store => (STORE_FAST, STORE_DEREF, STORE_GLOBAL, STORE_NAME),
            Ctx::Del => (DELETE_FAST, 0, DELETE_GLOBAL, DELETE_NAME),
        };
        let deref_or_err = |s: &Self| -> R<u32> {
            if matches!(ctx, Ctx::Del) {
                return Err(s.err(
                    range,
                    format!("cannot delete variable '{name}' referenced by an inner function"),
                ));
            }
            s.deref_slot(name).ok_or_else(|| {
                s.err(
                    range,
                    format!("internal compiler error: no slot for '{name}'"),
                )
            })
        };
        match (kind, sym) {
            (ScopeKind::Module, _) => self.emit_name(global, name),
            (ScopeKind::Class, Sym::Local | Sym::GlobalImplicit) => self.emit_name(ns, name),
            (_, Sym::GlobalExplicit) | (ScopeKind::Function, Sym::GlobalImplicit) => {
                self.emit_name(global, name)
            }
            (_, Sym::Cell | Sym::Free) => {
                let s = deref_or_err(self)?;
                self.emit(deref, s);
            }
            (ScopeKind::Function, Sym::Local) => {
                let Some(&s) = self.units.last().unwrap().slots.get(name) else {
                    return Err(self.err(
                        range,
                        format!("internal compiler error: no slot for '{name}'"),
                    ));
                };
                self.emit(fast, s);
            }
        }
        Ok(())
    }

    // ---------------------------------------------------------------- statements

    fn stmts(&mut self, body: &'a [Stmt]) -> R {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn deeper(&mut self, r: TextRange, what: &str) -> R {
        self.nesting += 1;
        if self.nesting > symtable::MAX_NESTING {
            return Err(self.err(r, format!("too many nested {what}")));
        }
        Ok(())
    }

    fn stmt(&mut self, s: &'a Stmt) -> R {
        self.deeper(s.range(), "blocks")?;
        self.set_line(s.range());
        let r = self.stmt_inner(s);
        self.nesting -= 1;
        r
    }

    fn stmt_inner(&mut self, s: &'a Stmt) -> R {
        match s {
            Stmt::Expr(e) => {
                if self.interactive && self.units.len() == 1 {
                    self.emit_name(LOAD_BUILTIN, "__displayhook__");
                    self.expr(&e.value)?;
                    self.emit(CALL, 1);
                    self.emit(POP_TOP, 0);
                } else if const_of(&e.value).is_none() {
                    self.expr(&e.value)?;
                    self.emit(POP_TOP, 0);
                }
            }
            Stmt::Assign(a) => {
                self.expr(&a.value)?;
                let n = a.targets.len();
                for (i, t) in a.targets.iter().enumerate() {
                    if i + 1 < n {
                        self.emit(DUP_TOP, 0);
                    }
                    self.store(t)?;
                }
            }
            Stmt::AugAssign(a) => self.aug_assign(a)?,
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    self.expr(v)?;
                    self.store(&a.target)?;
                } else if !matches!(&*a.target, Expr::Name(_)) {
                    // `o.x: int` evaluates `o` (and `o[k]: int` evaluates `o` and `k`).
                    match &*a.target {
                        Expr::Attribute(at) => {
                            self.expr(&at.value)?;
                            self.emit(POP_TOP, 0);
                        }
                        Expr::Subscript(sb) => {
                            self.expr(&sb.value)?;
                            self.emit(POP_TOP, 0);
                            self.expr(&sb.slice)?;
                            self.emit(POP_TOP, 0);
                        }
                        _ => {}
                    }
                }
            }
            Stmt::Pass(_) => {}
            Stmt::If(i) => {
                let end = self.new_label();
                let mut next = self.new_label();
                self.cond_jump(&i.test, false, next)?;
                self.stmts(&i.body)?;
                for c in &i.elif_else_clauses {
                    self.jump(JUMP, end);
                    self.bind(next);
                    next = self.new_label();
                    if let Some(t) = &c.test {
                        self.set_line(t.range());
                        self.cond_jump(t, false, next)?;
                    }
                    self.stmts(&c.body)?;
                }
                self.bind(next);
                self.bind(end);
            }
            Stmt::While(w) => {
                let top = self.new_label();
                let exit = self.new_label();
                let brk = self.new_label();
                self.bind(top);
                if !is_true_const(&w.test) {
                    self.cond_jump(&w.test, false, exit)?;
                }
                self.u().fblocks.push(FBlock::Loop {
                    brk,
                    cont: top,
                    is_for: false,
                });
                self.stmts(&w.body)?;
                self.u().fblocks.pop();
                self.set_line(w.range);
                self.jump(JUMP, top);
                self.bind(exit);
                self.stmts(&w.orelse)?;
                self.bind(brk);
            }
            Stmt::For(f) => {
                if f.is_async {
                    return Err(self.err(f.range, "async for is not supported"));
                }
                let top = self.new_label();
                let exit = self.new_label();
                let brk = self.new_label();
                self.expr(&f.iter)?;
                self.set_line(f.range);
                self.emit(GET_ITER, 0);
                self.bind(top);
                self.jump(FOR_ITER, exit);
                self.store(&f.target)?;
                self.u().fblocks.push(FBlock::Loop {
                    brk,
                    cont: top,
                    is_for: true,
                });
                self.stmts(&f.body)?;
                self.u().fblocks.pop();
                self.set_line(f.range);
                self.jump(JUMP, top);
                self.bind(exit);
                self.stmts(&f.orelse)?;
                self.bind(brk);
            }
            Stmt::Break(b) => self.break_continue(b.range, true)?,
            Stmt::Continue(b) => self.break_continue(b.range, false)?,
            Stmt::Return(r) => self.return_stmt(r)?,
            Stmt::FunctionDef(f) => self.function_def(f)?,
            Stmt::ClassDef(c) => self.class_def(c)?,
            Stmt::Global(_) | Stmt::Nonlocal(_) => {}
            Stmt::Delete(d) => {
                for t in &d.targets {
                    self.delete(t)?;
                }
            }
            Stmt::Raise(r) => {
                let saved = self.u().depth;
                match (&r.exc, &r.cause) {
                    (None, _) => self.reraise(r.range)?,
                    (Some(e), None) => {
                        self.expr(e)?;
                        self.emit(RAISE, 1);
                    }
                    (Some(e), Some(c)) => {
                        self.expr(e)?;
                        self.expr(c)?;
                        self.emit(RAISE, 2);
                    }
                }
                self.u().depth = saved;
            }
            Stmt::Assert(a) => {
                let end = self.new_label();
                self.cond_jump(&a.test, true, end)?;
                self.emit_name(LOAD_BUILTIN, "AssertionError");
                if let Some(m) = &a.msg {
                    self.expr(m)?;
                    self.emit(CALL, 1);
                }
                self.emit(RAISE, 1);
                self.bind(end);
            }
            Stmt::Try(t) => {
                if t.is_star {
                    return Err(self.err(t.range, "except* is not supported"));
                }
                if t.finalbody.is_empty() {
                    self.try_except(t)?;
                } else {
                    self.try_finally(t)?;
                }
            }
            Stmt::With(w) => {
                if w.is_async {
                    return Err(self.err(w.range, "async with is not supported"));
                }
                self.with(w, 0)?;
            }
            Stmt::Import(i) => {
                for a in &i.names {
                    let full = a.name.id.as_str();
                    self.note_import(full);
                    self.emit_name(IMPORT_NAME, full);
                    match &a.asname {
                        Some(n) => self.name_op(n.id.as_str(), Ctx::Store, a.range)?,
                        None => {
                            let top = full.split('.').next().unwrap_or(full);
                            if top != full {
                                // `import a.b` binds `a` (having imported `a.b`).
                                self.emit(POP_TOP, 0);
                                self.note_import(top);
                                self.emit_name(IMPORT_NAME, top);
                            }
                            self.name_op(top, Ctx::Store, a.range)?;
                        }
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                if i.level > 0 {
                    return Err(self.err(i.range, "relative imports are not supported"));
                }
                let Some(m) = &i.module else {
                    return Err(self.err(i.range, "invalid syntax"));
                };
                let m = m.id.as_str();
                self.note_import(m);
                self.emit_name(IMPORT_NAME, m);
                for a in &i.names {
                    if a.name.id.as_str() == "*" {
                        self.emit(IMPORT_STAR, 0);
                        return Ok(());
                    }
                    self.emit_name(IMPORT_FROM, a.name.id.as_str());
                    let bound = a.asname.as_ref().unwrap_or(&a.name);
                    self.name_op(bound.id.as_str(), Ctx::Store, a.range)?;
                }
                self.emit(POP_TOP, 0);
            }
            Stmt::Match(m) => return Err(self.err(m.range, "match statements are not supported")),
            Stmt::TypeAlias(t) => return Err(self.err(t.range, "type aliases are not supported")),
            Stmt::IpyEscapeCommand(c) => return Err(self.err(c.range, "invalid syntax")),
        }
        Ok(())
    }

    fn note_import(&mut self, m: &str) {
        if !self.imports.iter().any(|x| x == m) {
            self.imports.push(m.to_string());
        }
    }

    /// Jumps to `l` when `e` is `when` (else falls through), consuming the value.
    fn cond_jump(&mut self, e: &'a Expr, when: bool, l: Label) -> R {
        if let Expr::UnaryOp(u) = e {
            if u.op == ast::UnaryOp::Not {
                return self.cond_jump(&u.operand, !when, l);
            }
        }
        self.expr(e)?;
        self.jump(
            if when {
                POP_JUMP_IF_TRUE
            } else {
                POP_JUMP_IF_FALSE
            },
            l,
        );
        Ok(())
    }

    fn reraise(&mut self, range: TextRange) -> R {
        let exc = self.u().fblocks.iter().rev().find_map(|f| match f {
            FBlock::Handler { exc, .. } => Some(*exc),
            _ => None,
        });
        match exc {
            Some(slot) => {
                self.emit(LOAD_FAST, slot);
                self.emit(RAISE, 0);
            }
            None => {
                let _ = range;
                self.emit_name(LOAD_BUILTIN, "RuntimeError");
                self.load_const(Const::Str("No active exception to reraise".into()));
                self.emit(CALL, 1);
                self.emit(RAISE, 1);
            }
        }
        Ok(())
    }

    fn aug_assign(&mut self, a: &'a ast::StmtAugAssign) -> R {
        let op = binop(a.op);
        match &*a.target {
            Expr::Name(n) => {
                self.name_op(n.id.as_str(), Ctx::Load, n.range)?;
                self.expr(&a.value)?;
                self.set_line(a.range);
                self.emit(INPLACE, op);
                self.name_op(n.id.as_str(), Ctx::Store, n.range)?;
            }
            Expr::Attribute(at) => {
                self.expr(&at.value)?;
                self.emit(DUP_TOP, 0);
                self.emit_name(LOAD_ATTR, at.attr.id.as_str());
                self.expr(&a.value)?;
                self.set_line(a.range);
                self.emit(INPLACE, op);
                self.emit(ROT_TWO, 0);
                self.emit_name(STORE_ATTR, at.attr.id.as_str());
            }
            Expr::Subscript(sb) => {
                self.expr(&sb.value)?;
                self.expr(&sb.slice)?;
                self.emit(DUP_TOP_TWO, 0);
                self.emit(BINARY_SUBSCR, 0);
                self.expr(&a.value)?;
                self.set_line(a.range);
                self.emit(INPLACE, op);
                self.emit(ROT_THREE, 0);
                self.emit(STORE_SUBSCR, 0);
            }
            other => {
                return Err(self.err(
                    other.range(),
                    "'expression' is an illegal expression for augmented assignment",
                ))
            }
        }
        Ok(())
    }

    /// Stores the value on top of the stack into a target.
    fn store(&mut self, t: &'a Expr) -> R {
        match t {
            Expr::Name(n) => self.name_op(n.id.as_str(), Ctx::Store, n.range)?,
            Expr::Attribute(a) => {
                self.expr(&a.value)?;
                self.emit_name(STORE_ATTR, a.attr.id.as_str());
            }
            Expr::Subscript(s) => {
                self.expr(&s.value)?;
                self.expr(&s.slice)?;
                self.emit(STORE_SUBSCR, 0);
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                let stars: Vec<usize> = elts
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| matches!(e, Expr::Starred(_)))
                    .map(|(i, _)| i)
                    .collect();
                match stars.as_slice() {
                    [] => self.emit(UNPACK_SEQUENCE, elts.len() as u32),
                    [i] => {
                        let before = *i as u32;
                        let after = (elts.len() - i - 1) as u32;
                        if before > 0xff || after > 0xffff {
                            return Err(self.err(
                                t.range(),
                                "too many expressions in star-unpacking assignment",
                            ));
                        }
                        self.emit(UNPACK_EX, before | after << 8);
                    }
                    _ => {
                        return Err(
                            self.err(t.range(), "multiple starred expressions in assignment")
                        )
                    }
                }
                for e in elts {
                    match e {
                        Expr::Starred(s) => self.store(&s.value)?,
                        _ => self.store(e)?,
                    }
                }
            }
            Expr::Starred(s) => {
                return Err(self.err(
                    s.range,
                    "starred assignment target must be in a list or tuple",
                ))
            }
            other => return Err(self.err(other.range(), "cannot assign to expression")),
        }
        Ok(())
    }

    fn delete(&mut self, t: &'a Expr) -> R {
        match t {
            Expr::Name(n) => self.name_op(n.id.as_str(), Ctx::Del, n.range)?,
            Expr::Attribute(a) => {
                self.expr(&a.value)?;
                self.emit_name(DELETE_ATTR, a.attr.id.as_str());
            }
            Expr::Subscript(s) => {
                self.expr(&s.value)?;
                self.expr(&s.slice)?;
                self.emit(DELETE_SUBSCR, 0);
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for e in elts {
                    self.delete(e)?;
                }
            }
            other => return Err(self.err(other.range(), "cannot delete expression")),
        }
        Ok(())
    }

    /// Emits what leaving `fblocks[stop..]` needs (innermost first), suspending their
    /// protected regions; returns those regions, to resume after the jump. With
    /// `pop_loops`, the iterators of `for` loops are popped too.
    fn unwind(&mut self, stop: usize, pop_loops: bool) -> R<Vec<usize>> {
        let mut suspended = Vec::new();
        let mut i = self.u().fblocks.len();
        while i > stop {
            i -= 1;
            let fb = self.u().fblocks[i].clone();
            match fb {
                FBlock::Loop { is_for, .. } => {
                    if is_for && pop_loops {
                        self.emit(POP_TOP, 0);
                    }
                }
                FBlock::TryBody(p) => {
                    self.suspend(p);
                    suspended.push(p);
                }
                FBlock::Handler {
                    name, prot, level, ..
                } => {
                    if let Some(p) = prot {
                        self.suspend(p);
                        suspended.push(p);
                    }
                    if let Some(n) = name {
                        self.clear_name(n)?;
                    }
                    self.emit(POP_EXC_INFO, level);
                }
                FBlock::Finally(body, p) => {
                    self.suspend(p);
                    suspended.push(p);
                    let saved = self.u().fblocks.clone();
                    let saved_level = self.u().exc_level;
                    self.u().fblocks.truncate(i);
                    self.stmts(body)?;
                    self.u().fblocks = saved;
                    self.u().exc_level = saved_level;
                }
                FBlock::With(p) => {
                    self.suspend(p);
                    suspended.push(p);
                    self.load_const(Const::None);
                    self.emit(DUP_TOP, 0);
                    self.emit(DUP_TOP, 0);
                    self.emit(CALL, 3);
                    self.emit(POP_TOP, 0);
                }
            }
        }
        Ok(suspended)
    }

    fn break_continue(&mut self, range: TextRange, is_break: bool) -> R {
        let found = self
            .u()
            .fblocks
            .iter()
            .rposition(|f| matches!(f, FBlock::Loop { .. }));
        let Some(li) = found else {
            return Err(self.err(
                range,
                if is_break {
                    "'break' outside loop"
                } else {
                    "'continue' not properly in loop"
                },
            ));
        };
        let FBlock::Loop { brk, cont, is_for } = self.u().fblocks[li].clone() else {
            unreachable!()
        };
        let saved = self.u().depth;
        let suspended = self.unwind(li + 1, false)?;
        self.set_line(range);
        if is_break {
            if is_for {
                self.emit(POP_TOP, 0);
            }
            self.jump(JUMP, brk);
        } else {
            self.jump(JUMP, cont);
        }
        for p in suspended {
            self.resume(p);
        }
        self.u().depth = saved;
        Ok(())
    }

    fn return_stmt(&mut self, r: &'a ast::StmtReturn) -> R {
        if self.units.last().unwrap().kind != ScopeKind::Function {
            return Err(self.err(r.range, "'return' outside function"));
        }
        let saved = self.u().depth;
        match &r.value {
            Some(v) => self.expr(v)?,
            None => self.load_const(Const::None),
        }
        let needs_unwind = self.u().fblocks.iter().any(|f| {
            matches!(
                f,
                FBlock::Finally(..) | FBlock::With(_) | FBlock::Handler { .. }
            )
        });
        if needs_unwind {
            let slot = self.temp(".ret".into());
            self.emit(STORE_FAST, slot);
            let suspended = self.unwind(0, true)?;
            self.set_line(r.range);
            self.emit(LOAD_FAST, slot);
            self.emit(RETURN_VALUE, 0);
            for p in suspended {
                self.resume(p);
            }
        } else {
            self.emit(RETURN_VALUE, 0);
        }
        self.u().depth = saved;
        Ok(())
    }

    /// `name = None; del name` (after an `except ... as name` clause).
    fn clear_name(&mut self, n: &str) -> R {
        self.load_const(Const::None);
        self.name_op(n, Ctx::Store, TextRange::default())?;
        let kind = self.units.last().unwrap().kind;
        if !matches!(self.scope().lookup(n), Sym::Cell | Sym::Free) || kind == ScopeKind::Module {
            self.name_op(n, Ctx::Del, TextRange::default())?;
        }
        Ok(())
    }

    fn exc_slot(&mut self) -> u32 {
        let level = self.u().exc_level;
        self.temp(format!(".exc{level}"))
    }

    fn try_except(&mut self, t: &'a ast::StmtTry) -> R {
        let n = t.handlers.len();
        for (i, h) in t.handlers.iter().enumerate() {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            if h.type_.is_none() && i + 1 < n {
                return Err(self.err(h.range, "default 'except:' must be last"));
            }
        }
        let handler = self.new_label();
        let end = self.new_label();
        let p = self.protect(handler);
        self.u().fblocks.push(FBlock::TryBody(p));
        self.stmts(&t.body)?;
        self.u().fblocks.pop();
        self.end_protect(p);
        self.stmts(&t.orelse)?;
        self.jump(JUMP, end);

        self.bind(handler);
        let exc = self.exc_slot();
        let level = self.u().exc_level as u32;
        self.u().exc_level += 1;
        self.emit(STORE_FAST, exc);
        self.emit(LOAD_FAST, exc);
        self.emit(PUSH_EXC_INFO, level);
        for h in &t.handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.set_line(h.range);
            let next = self.new_label();
            if let Some(ty) = &h.type_ {
                self.emit(LOAD_FAST, exc);
                self.expr(ty)?;
                self.set_line(h.range);
                self.emit(EXC_MATCH, 0);
                self.jump(POP_JUMP_IF_FALSE, next);
                self.emit(POP_TOP, 0);
            }
            match &h.name {
                Some(n) => {
                    let name = n.id.as_str();
                    self.emit(LOAD_FAST, exc);
                    self.name_op(name, Ctx::Store, n.range)?;
                    let cleanup = self.new_label();
                    let p2 = self.protect(cleanup);
                    self.u().fblocks.push(FBlock::Handler {
                        exc,
                        name: Some(name),
                        prot: Some(p2),
                        level,
                    });
                    self.stmts(&h.body)?;
                    self.u().fblocks.pop();
                    self.end_protect(p2);
                    self.clear_name(name)?;
                    self.emit(POP_EXC_INFO, level);
                    self.jump(JUMP, end);
                    // An error in the body: clear the name, raise the error on.
                    self.bind(cleanup);
                    self.clear_name(name)?;
                    self.emit(POP_EXC_INFO, level);
                    self.emit(RAISE, 0);
                }
                None => {
                    self.u().fblocks.push(FBlock::Handler {
                        exc,
                        name: None,
                        prot: None,
                        level,
                    });
                    self.stmts(&h.body)?;
                    self.u().fblocks.pop();
                    self.emit(POP_EXC_INFO, level);
                    self.jump(JUMP, end);
                }
            }
            self.bind(next);
            if h.type_.is_some() {
                self.emit(POP_TOP, 0);
            }
        }
        if t.handlers.last().is_some_and(|h| {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            h.type_.is_some()
        }) {
            self.emit(POP_EXC_INFO, level);
            self.emit(LOAD_FAST, exc);
            self.emit(RAISE, 0);
        }
        self.u().exc_level -= 1;
        self.bind(end);
        Ok(())
    }

    fn try_finally(&mut self, t: &'a ast::StmtTry) -> R {
        let handler = self.new_label();
        let end = self.new_label();
        let p = self.protect(handler);
        self.u().fblocks.push(FBlock::Finally(&t.finalbody, p));
        if t.handlers.is_empty() {
            self.stmts(&t.body)?;
        } else {
            self.try_except(t)?;
        }
        self.u().fblocks.pop();
        self.end_protect(p);
        self.stmts(&t.finalbody)?;
        self.jump(JUMP, end);

        self.bind(handler);
        let exc = self.exc_slot();
        let level = self.u().exc_level as u32;
        self.u().exc_level += 1;
        self.emit(STORE_FAST, exc);
        self.emit(LOAD_FAST, exc);
        self.emit(PUSH_EXC_INFO, level);
        self.u().fblocks.push(FBlock::Handler {
            exc,
            name: None,
            prot: None,
            level,
        });
        self.stmts(&t.finalbody)?;
        self.u().fblocks.pop();
        self.emit(POP_EXC_INFO, level);
        self.emit(LOAD_FAST, exc);
        self.emit(RAISE, 0);
        self.u().exc_level -= 1;
        self.bind(end);
        Ok(())
    }

    /// `with a as x, b as y: body` from item `i` on.
    fn with(&mut self, w: &'a ast::StmtWith, i: usize) -> R {
        if i == w.items.len() {
            return self.stmts(&w.body);
        }
        let item = &w.items[i];
        self.expr(&item.context_expr)?;
        self.set_line(item.range);
        self.emit(DUP_TOP, 0);
        self.emit_name(LOAD_ATTR, "__exit__");
        self.emit(ROT_TWO, 0);
        self.emit_name(LOAD_ATTR, "__enter__");
        self.emit(CALL, 0);
        match &item.optional_vars {
            Some(v) => self.store(v)?,
            None => self.emit(POP_TOP, 0),
        }
        let handler = self.new_label();
        let end = self.new_label();
        let p = self.protect(handler);
        self.u().fblocks.push(FBlock::With(p));
        self.with(w, i + 1)?;
        self.u().fblocks.pop();
        self.end_protect(p);
        self.set_line(item.range);
        self.load_const(Const::None);
        self.emit(DUP_TOP, 0);
        self.emit(DUP_TOP, 0);
        self.emit(CALL, 3);
        self.emit(POP_TOP, 0);
        self.jump(JUMP, end);

        // exit exc -> exit(type(exc), exc, None); raise on unless it returns true.
        self.bind(handler);
        let exc = self.exc_slot();
        let level = self.u().exc_level as u32;
        self.emit(STORE_FAST, exc);
        self.emit(LOAD_FAST, exc);
        self.emit(PUSH_EXC_INFO, level);
        self.emit_name(LOAD_BUILTIN, "type");
        self.emit(LOAD_FAST, exc);
        self.emit(CALL, 1);
        self.emit(LOAD_FAST, exc);
        self.load_const(Const::None);
        self.emit(CALL, 3);
        self.emit(POP_EXC_INFO, level);
        self.jump(POP_JUMP_IF_TRUE, end);
        self.emit(LOAD_FAST, exc);
        self.emit(RAISE, 0);
        self.bind(end);
        Ok(())
    }

    // ---------------------------------------------------------------- functions

    fn qualname(&self, name: &str) -> String {
        let u = self.units.last().unwrap();
        match u.kind {
            ScopeKind::Module => name.to_string(),
            ScopeKind::Class => format!("{}.{name}", u.info.qualname),
            ScopeKind::Function => format!("{}.<locals>.{name}", u.info.qualname),
        }
    }

    fn scope_id(&self, key: symtable::ScopeKey, r: TextRange) -> R<usize> {
        self.st
            .by_key
            .get(&key)
            .copied()
            .ok_or_else(|| self.err(r, "internal compiler error: unknown scope"))
    }

    /// Pushes the defaults of a parameter list; the `MAKE_FUNCTION` flags they need.
    fn defaults(&mut self, p: Option<&'a ast::Parameters>) -> R<u32> {
        let Some(p) = p else { return Ok(0) };
        let mut flags = 0;
        let pos: Vec<&Expr> = p
            .posonlyargs
            .iter()
            .chain(p.args.iter())
            .filter_map(|a| a.default.as_deref())
            .collect();
        if !pos.is_empty() {
            let consts: Option<Vec<Const>> = pos.iter().map(|e| const_of(e)).collect();
            match consts {
                Some(c) => self.load_const(Const::Tuple(c)),
                None => {
                    for e in &pos {
                        self.expr(e)?;
                    }
                    self.emit(BUILD_TUPLE, pos.len() as u32);
                }
            }
            flags |= FN_DEFAULTS;
        }
        let kw: Vec<(&str, &Expr)> = p
            .kwonlyargs
            .iter()
            .filter_map(|a| {
                a.default
                    .as_deref()
                    .map(|d| (a.parameter.name.id.as_str(), d))
            })
            .collect();
        if !kw.is_empty() {
            for (n, e) in &kw {
                self.load_const(Const::Str(n.to_string()));
                self.expr(e)?;
            }
            self.emit(BUILD_MAP, kw.len() as u32);
            flags |= FN_KWDEFAULTS;
        }
        Ok(flags)
    }

    fn set_params(&mut self, p: Option<&ast::Parameters>) {
        let Some(p) = p else { return };
        let info = &mut self.u().info;
        info.argcount = (p.posonlyargs.len() + p.args.len()) as u32;
        info.kwonlyargcount = p.kwonlyargs.len() as u32;
        info.varargs = p.vararg.is_some();
        info.varkw = p.kwarg.is_some();
    }

    /// Emits `MAKE_FUNCTION` for a finished child code (its closure built here).
    fn make_function(
        &mut self,
        code: CompiledCode,
        scope: usize,
        mut flags: u32,
        range: TextRange,
    ) -> R {
        let free = self.st.scopes[scope].freevars.clone();
        if !free.is_empty() {
            for n in &free {
                let Some(s) = self.deref_slot(n) else {
                    return Err(self.err(
                        range,
                        format!("internal compiler error: no closure slot for '{n}'"),
                    ));
                };
                self.emit(LOAD_CLOSURE, s);
            }
            self.emit(BUILD_TUPLE, free.len() as u32);
            flags |= FN_CLOSURE;
        }
        let idx = self.add_code(code, range)?;
        self.emit(MAKE_FUNCTION, idx | flags << FN_FLAG_SHIFT);
        Ok(())
    }

    fn function_def(&mut self, f: &'a ast::StmtFunctionDef) -> R {
        if f.is_async {
            return Err(self.err(f.range, "async functions are not supported"));
        }
        if f.type_params.is_some() {
            return Err(self.err(f.range, "type parameters are not supported"));
        }
        for d in &f.decorator_list {
            self.expr(&d.expression)?;
        }
        let def_line = self.line_at(f.name.range.start());
        self.line = def_line;
        let flags = self.defaults(Some(&f.parameters))?;
        let scope = self.scope_id(key_of(f.range, K_FUNC), f.range)?;
        let name = f.name.id.as_str();
        let qual = self.qualname(name);
        self.push_unit(scope, name.to_string(), qual, def_line);
        self.set_params(Some(&f.parameters));
        self.u().info.doc = docstring(&f.body);
        self.stmts(&f.body)?;
        let u = self.units.last().unwrap();
        let end = u.ops.len() as u32;
        if !u.ops.last().is_some_and(|&w| opcode(w) == RETURN_VALUE)
            || u.labels.iter().flatten().any(|&l| l == end)
        {
            self.load_const(Const::None);
            self.emit(RETURN_VALUE, 0);
        }
        let code = self.finish_unit(f.range)?;
        self.line = def_line;
        self.make_function(code, scope, flags, f.range)?;
        for _ in &f.decorator_list {
            self.emit(CALL, 1);
        }
        self.name_op(name, Ctx::Store, f.name.range)
    }

    fn class_def(&mut self, c: &'a ast::StmtClassDef) -> R {
        if c.type_params.is_some() {
            return Err(self.err(c.range, "type parameters are not supported"));
        }
        for d in &c.decorator_list {
            self.expr(&d.expression)?;
        }
        let def_line = self.line_at(c.name.range.start());
        self.line = def_line;
        let scope = self.scope_id(key_of(c.range, K_CLASS), c.range)?;
        let name = c.name.id.as_str();
        let qual = self.qualname(name);
        self.push_unit(scope, name.to_string(), qual.clone(), def_line);
        self.load_const(Const::Str(qual));
        self.emit_name(STORE_NAME, "__qualname__");
        if let Some(d) = docstring(&c.body) {
            self.load_const(Const::Str(d));
            self.emit_name(STORE_NAME, "__doc__");
        }
        self.stmts(&c.body)?;
        self.line = def_line;
        match self
            .units
            .last()
            .unwrap()
            .cell_slot
            .get("__class__")
            .copied()
        {
            Some(s) => self.emit(LOAD_CLOSURE, s),
            None => self.load_const(Const::None),
        }
        self.emit(RETURN_VALUE, 0);
        let code = self.finish_unit(c.range)?;
        self.line = def_line;
        self.make_function(code, scope, 0, c.range)?;
        self.load_const(Const::Str(name.to_string()));
        let empty: &[Expr] = &[];
        let bases = match &c.arguments {
            Some(a) => {
                if let Some(k) = a.keywords.first() {
                    return Err(self.err(k.range, "class keyword arguments are not supported"));
                }
                &a.args[..]
            }
            None => empty,
        };
        self.sequence(bases, BUILD_TUPLE)?;
        self.line = def_line;
        self.emit(BUILD_CLASS, 0);
        for _ in &c.decorator_list {
            self.emit(CALL, 1);
        }
        self.name_op(name, Ctx::Store, c.name.range)
    }

    fn lambda(&mut self, l: &'a ast::ExprLambda) -> R {
        let flags = self.defaults(l.parameters.as_deref())?;
        let scope = self.scope_id(key_of(l.range, K_LAMBDA), l.range)?;
        let qual = self.qualname("<lambda>");
        let line = self.line;
        self.push_unit(scope, "<lambda>".into(), qual, line);
        self.set_params(l.parameters.as_deref());
        self.expr(&l.body)?;
        self.emit(RETURN_VALUE, 0);
        let code = self.finish_unit(l.range)?;
        self.line = line;
        self.make_function(code, scope, flags, l.range)
    }

    /// A comprehension as a function of its first iterator; leaves its result.
    fn comprehension(
        &mut self,
        range: TextRange,
        name: &str,
        gens: &'a [ast::Comprehension],
        elt: &'a Expr,
        value: Option<&'a Expr>,
        build: u8,
    ) -> R {
        let Some(first) = gens.first() else {
            return Err(self.err(range, "invalid syntax"));
        };
        let scope = self.scope_id(key_of(range, K_COMP), range)?;
        let qual = self.qualname(name);
        let line = self.line;
        self.push_unit(scope, name.into(), qual, line);
        self.u().info.argcount = 1;
        self.emit(build, 0);
        let mut ends = Vec::new();
        for (i, g) in gens.iter().enumerate() {
            if g.is_async {
                return Err(self.err(g.range, "asynchronous comprehensions are not supported"));
            }
            let top = self.new_label();
            let exit = self.new_label();
            if i == 0 {
                let s = self.units.last().unwrap().slots[COMP_ARG];
                self.emit(LOAD_FAST, s);
            } else {
                self.expr(&g.iter)?;
                self.emit(GET_ITER, 0);
            }
            self.bind(top);
            self.jump(FOR_ITER, exit);
            self.store(&g.target)?;
            for c in &g.ifs {
                self.cond_jump(c, false, top)?;
            }
            ends.push((top, exit));
        }
        let depth = gens.len() as u32 + 1;
        match build {
            BUILD_MAP => {
                self.expr(elt)?;
                if let Some(v) = value {
                    self.expr(v)?;
                }
                self.emit(MAP_ADD, depth);
            }
            BUILD_SET => {
                self.expr(elt)?;
                self.emit(SET_ADD, depth);
            }
            _ => {
                self.expr(elt)?;
                self.emit(LIST_APPEND, depth);
            }
        }
        for (top, exit) in ends.into_iter().rev() {
            self.jump(JUMP, top);
            self.bind(exit);
        }
        self.emit(RETURN_VALUE, 0);
        let code = self.finish_unit(range)?;
        self.line = line;
        self.make_function(code, scope, 0, range)?;
        self.expr(&first.iter)?;
        self.emit(GET_ITER, 0);
        self.emit(CALL, 1);
        Ok(())
    }

    // ---------------------------------------------------------------- expressions

    fn expr(&mut self, e: &'a Expr) -> R {
        self.deeper(e.range(), "expressions")?;
        let saved_line = self.line;
        let line = self.line_at(e.range().start());
        self.line = line;
        let r = self.expr_inner(e);
        self.line = saved_line;
        self.nesting -= 1;
        r
    }

    /// Pushes the items of a display: `BUILD_*` of them, or, with starred items, a list
    /// extended piece by piece (converted to a tuple or set at the end).
    fn sequence(&mut self, elts: &'a [Expr], build: u8) -> R {
        if !elts.iter().any(|e| matches!(e, Expr::Starred(_))) {
            if build == BUILD_TUPLE && !elts.is_empty() {
                let consts: Option<Vec<Const>> = elts.iter().map(const_of).collect();
                if let Some(c) = consts {
                    self.load_const(Const::Tuple(c));
                    return Ok(());
                }
            }
            for e in elts {
                self.expr(e)?;
            }
            self.emit(build, elts.len() as u32);
            return Ok(());
        }
        let (start, add) = if build == BUILD_SET {
            (BUILD_SET, SET_UPDATE)
        } else {
            (BUILD_LIST, LIST_EXTEND)
        };
        let mut pending = 0u32;
        let mut started = false;
        for e in elts {
            match e {
                Expr::Starred(s) => {
                    if !started {
                        self.emit(start, pending);
                        started = true;
                    } else if pending > 0 {
                        self.emit(start, pending);
                        self.emit(add, 1);
                    }
                    pending = 0;
                    self.expr(&s.value)?;
                    self.emit(add, 1);
                }
                _ => {
                    self.expr(e)?;
                    pending += 1;
                }
            }
        }
        if pending > 0 {
            self.emit(start, pending);
            self.emit(add, 1);
        }
        if build == BUILD_TUPLE {
            self.emit(LIST_TO_TUPLE, 0);
        }
        Ok(())
    }

    fn expr_inner(&mut self, e: &'a Expr) -> R {
        if let Some(c) = const_of(e) {
            self.load_const(c);
            return Ok(());
        }
        match e {
            Expr::Name(n) => self.name_op(n.id.as_str(), Ctx::Load, n.range)?,
            Expr::BoolOp(b) => {
                let end = self.new_label();
                let op = if b.op == ast::BoolOp::And {
                    JUMP_IF_FALSE_OR_POP
                } else {
                    JUMP_IF_TRUE_OR_POP
                };
                let n = b.values.len();
                for (i, v) in b.values.iter().enumerate() {
                    self.expr(v)?;
                    if i + 1 < n {
                        self.jump(op, end);
                    }
                }
                self.bind(end);
            }
            Expr::Named(n) => {
                if self.units.last().unwrap().info.name.starts_with('<')
                    && self.units.last().unwrap().info.name.ends_with("comp>")
                    || self.units.last().unwrap().info.name == "<genexpr>"
                {
                    return Err(self.err(
                        n.range,
                        "assignment expressions in comprehensions are not supported",
                    ));
                }
                self.expr(&n.value)?;
                self.emit(DUP_TOP, 0);
                self.store(&n.target)?;
            }
            Expr::BinOp(b) => {
                self.expr(&b.left)?;
                self.expr(&b.right)?;
                self.emit(BINARY, binop(b.op));
            }
            Expr::UnaryOp(u) => {
                self.expr(&u.operand)?;
                let op = match u.op {
                    ast::UnaryOp::Invert => UN_INVERT,
                    ast::UnaryOp::Not => UN_NOT,
                    ast::UnaryOp::UAdd => UN_POS,
                    ast::UnaryOp::USub => UN_NEG,
                };
                self.emit(UNARY, op);
            }
            Expr::Lambda(l) => self.lambda(l)?,
            Expr::If(i) => {
                let other = self.new_label();
                let end = self.new_label();
                self.cond_jump(&i.test, false, other)?;
                self.expr(&i.body)?;
                self.jump(JUMP, end);
                self.bind(other);
                self.expr(&i.orelse)?;
                self.bind(end);
            }
            Expr::Dict(d) => {
                let mut pending = 0u32;
                let mut started = false;
                let has_splat = d.items.iter().any(|it| it.key.is_none());
                for it in &d.items {
                    match &it.key {
                        Some(k) => {
                            self.expr(k)?;
                            self.expr(&it.value)?;
                            pending += 1;
                        }
                        None => {
                            if !started {
                                self.emit(BUILD_MAP, pending);
                                started = true;
                            } else if pending > 0 {
                                self.emit(BUILD_MAP, pending);
                                self.emit(DICT_UPDATE, 1);
                            }
                            pending = 0;
                            self.expr(&it.value)?;
                            self.emit(DICT_UPDATE, 1);
                        }
                    }
                }
                if !has_splat {
                    self.emit(BUILD_MAP, pending);
                } else if pending > 0 {
                    self.emit(BUILD_MAP, pending);
                    self.emit(DICT_UPDATE, 1);
                }
            }
            Expr::Set(s) => self.sequence(&s.elts, BUILD_SET)?,
            Expr::List(l) => self.sequence(&l.elts, BUILD_LIST)?,
            Expr::Tuple(t) => self.sequence(&t.elts, BUILD_TUPLE)?,
            Expr::ListComp(c) => self.comprehension(
                c.range,
                "<listcomp>",
                &c.generators,
                &c.elt,
                None,
                BUILD_LIST,
            )?,
            Expr::SetComp(c) => {
                self.comprehension(c.range, "<setcomp>", &c.generators, &c.elt, None, BUILD_SET)?
            }
            Expr::DictComp(c) => {
                let Some(k) = &c.key else {
                    return Err(self.err(
                        c.range,
                        "dict unpacking cannot be used in dict comprehension",
                    ));
                };
                self.comprehension(
                    c.range,
                    "<dictcomp>",
                    &c.generators,
                    k,
                    Some(&c.value),
                    BUILD_MAP,
                )?
            }
            Expr::Generator(c) => {
                // Generators are not supported: a generator expression is computed
                // eagerly as a list, of which it yields an iterator (`iter(list)`).
                self.emit_name(LOAD_BUILTIN, "iter");
                self.comprehension(
                    c.range,
                    "<genexpr>",
                    &c.generators,
                    &c.elt,
                    None,
                    BUILD_LIST,
                )?;
                self.emit(CALL, 1);
            }
            Expr::Await(a) => return Err(self.err(a.range, "await is not supported")),
            Expr::Yield(y) => return Err(self.err(y.range, "yield is not supported")),
            Expr::YieldFrom(y) => return Err(self.err(y.range, "yield is not supported")),
            Expr::Compare(c) => self.compare(c)?,
            Expr::Call(c) => self.call(c)?,
            Expr::FString(f) => {
                let mut n = 0u32;
                let mut lit = String::new();
                for part in f.value.iter() {
                    match part {
                        ast::FStringPart::Literal(s) => lit.push_str(&s.value),
                        ast::FStringPart::FString(fs) => {
                            self.fstring_elements(&fs.elements, &mut lit, &mut n)?
                        }
                    }
                }
                self.flush_lit(&mut lit, &mut n);
                match n {
                    0 => self.load_const(Const::Str(String::new())),
                    1 => {}
                    _ => self.emit(BUILD_STRING, n),
                }
            }
            Expr::TString(t) => return Err(self.err(t.range, "template strings are not supported")),
            Expr::StringLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::EllipsisLiteral(_) => {
                unreachable!("constants are folded above")
            }
            Expr::BytesLiteral(b) => {
                return Err(self.err(b.range, "bytes literals are not supported"))
            }
            Expr::NumberLiteral(n) => {
                return Err(self.err(n.range, "complex numbers are not supported"))
            }
            Expr::Attribute(a) => {
                self.expr(&a.value)?;
                self.emit_name(LOAD_ATTR, a.attr.id.as_str());
            }
            Expr::Subscript(s) => {
                self.expr(&s.value)?;
                self.expr(&s.slice)?;
                self.emit(BINARY_SUBSCR, 0);
            }
            Expr::Slice(s) => {
                for b in [&s.lower, &s.upper] {
                    match b {
                        Some(v) => self.expr(v)?,
                        None => self.load_const(Const::None),
                    }
                }
                match &s.step {
                    Some(v) => {
                        self.expr(v)?;
                        self.emit(BUILD_SLICE, 3);
                    }
                    None => self.emit(BUILD_SLICE, 2),
                }
            }
            Expr::Starred(s) => return Err(self.err(s.range, "can't use starred expression here")),
            Expr::IpyEscapeCommand(c) => return Err(self.err(c.range, "invalid syntax")),
        }
        Ok(())
    }

    fn flush_lit(&mut self, lit: &mut String, n: &mut u32) {
        if !lit.is_empty() {
            self.load_const(Const::Str(std::mem::take(lit)));
            *n += 1;
        }
    }

    /// Pushes the pieces of an f-string (literal text gathered in `lit`), counting them in `n`.
    fn fstring_elements(
        &mut self,
        els: &'a ast::InterpolatedStringElements,
        lit: &mut String,
        n: &mut u32,
    ) -> R {
        for el in els.iter() {
            match el {
                ast::InterpolatedStringElement::Literal(l) => lit.push_str(&l.value),
                ast::InterpolatedStringElement::Interpolation(i) => {
                    let mut conv = match i.conversion {
                        ast::ConversionFlag::None => 0,
                        ast::ConversionFlag::Str => 1,
                        ast::ConversionFlag::Repr => 2,
                        ast::ConversionFlag::Ascii => 3,
                    };
                    if let Some(d) = &i.debug_text {
                        lit.push_str(d.as_str());
                        if conv == 0 && i.format_spec.is_none() {
                            conv = 2;
                        }
                    }
                    self.flush_lit(lit, n);
                    self.expr(&i.expression)?;
                    if let Some(spec) = &i.format_spec {
                        let mut sl = String::new();
                        let mut sn = 0u32;
                        self.fstring_elements(&spec.elements, &mut sl, &mut sn)?;
                        self.flush_lit(&mut sl, &mut sn);
                        match sn {
                            0 => self.load_const(Const::Str(String::new())),
                            1 => {}
                            _ => self.emit(BUILD_STRING, sn),
                        }
                        conv |= 4;
                    }
                    self.emit(FORMAT_VALUE, conv);
                    *n += 1;
                }
            }
        }
        Ok(())
    }

    fn compare(&mut self, c: &'a ast::ExprCompare) -> R {
        self.expr(&c.left)?;
        let n = c.ops.len();
        if n == 1 {
            self.expr(&c.comparators[0])?;
            self.emit(COMPARE, cmpop(c.ops[0]));
            return Ok(());
        }
        let cleanup = self.new_label();
        let end = self.new_label();
        for i in 0..n {
            self.expr(&c.comparators[i])?;
            if i + 1 < n {
                self.emit(DUP_TOP, 0);
                self.emit(ROT_THREE, 0);
                self.emit(COMPARE, cmpop(c.ops[i]));
                self.jump(JUMP_IF_FALSE_OR_POP, cleanup);
            } else {
                self.emit(COMPARE, cmpop(c.ops[i]));
            }
        }
        self.jump(JUMP, end);
        self.bind(cleanup);
        self.emit(ROT_TWO, 0);
        self.emit(POP_TOP, 0);
        self.bind(end);
        Ok(())
    }

    fn call(&mut self, c: &'a ast::ExprCall) -> R {
        let args = &c.arguments.args;
        let kws = &c.arguments.keywords;
        // Zero-argument `super()` in a method: `super(__class__, <first argument>)`.
        if let Expr::Name(n) = &*c.func {
            if n.id.as_str() == "super" && args.is_empty() && kws.is_empty() {
                let unit = self.units.last().unwrap();
                let scope = self.scope();
                if unit.kind == ScopeKind::Function
                    && scope.lookup("super") == Sym::GlobalImplicit
                    && scope.lookup("__class__") == Sym::Free
                    && unit.info.argcount + unit.info.varargs as u32 > 0
                {
                    let first = scope.params[0].clone();
                    self.emit_name(LOAD_BUILTIN, "super");
                    self.name_op("__class__", Ctx::Load, n.range)?;
                    self.name_op(&first, Ctx::Load, n.range)?;
                    self.emit(CALL, 2);
                    return Ok(());
                }
            }
        }
        let starred = args.iter().any(|a| matches!(a, Expr::Starred(_)));
        let splat = kws.iter().any(|k| k.arg.is_none());
        // `o.m(a, b)`: the method and `o` without a bound method in between.
        if let Expr::Attribute(at) = &*c.func {
            if !starred && !splat && kws.is_empty() {
                self.expr(&at.value)?;
                self.emit_name(LOAD_METHOD, at.attr.id.as_str());
                for a in args.iter() {
                    self.expr(a)?;
                }
                self.set_line(c.range());
                self.emit(CALL_METHOD, args.len() as u32);
                return Ok(());
            }
        }
        self.expr(&c.func)?;
        if starred || splat {
            self.sequence(args, BUILD_TUPLE)?;
            if kws.is_empty() {
                self.load_const(Const::None);
            } else {
                self.emit(BUILD_MAP, 0);
                let mut pending = 0u32;
                for k in kws.iter() {
                    match &k.arg {
                        Some(name) => {
                            self.load_const(Const::Str(name.id.to_string()));
                            self.expr(&k.value)?;
                            pending += 1;
                        }
                        None => {
                            if pending > 0 {
                                self.emit(BUILD_MAP, pending);
                                self.emit(DICT_UPDATE, 1);
                                pending = 0;
                            }
                            self.expr(&k.value)?;
                            self.emit(DICT_UPDATE, 1);
                        }
                    }
                }
                if pending > 0 {
                    self.emit(BUILD_MAP, pending);
                    self.emit(DICT_UPDATE, 1);
                }
            }
            self.set_line(c.range());
            self.emit(CALL_EX, 0);
            return Ok(());
        }
        for a in args.iter() {
            self.expr(a)?;
        }
        if kws.is_empty() {
            self.set_line(c.range());
            self.emit(CALL, args.len() as u32);
            return Ok(());
        }
        let mut names = Vec::new();
        for k in kws.iter() {
            let name = k.arg.as_ref().map(|n| n.id.to_string()).unwrap_or_default();
            if names.iter().any(|x: &Const| *x == Const::Str(name.clone())) {
                return Err(self.err(k.range, format!("keyword argument repeated: {name}")));
            }
            names.push(Const::Str(name));
            self.expr(&k.value)?;
        }
        self.load_const(Const::Tuple(names));
        self.set_line(c.range());
        self.emit(CALL_KW, (args.len() + kws.len()) as u32);
        Ok(())
    }
}

/// The docstring of a body: its first statement when that is a string literal.
fn docstring(body: &[Stmt]) -> Option<String> {
    match body.first() {
        Some(Stmt::Expr(e)) => match &*e.value {
            Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
            _ => None,
        },
        _ => None,
    }
}
