//! Scopes: which names a function, class body, lambda or comprehension binds, and how
//! each of its names is reached (local slot, cell, free variable, global, class
//! namespace). Python's rules, as CPython's `symtable.c`:
//!
//! - A name assigned anywhere in a function (or a parameter) is local to it unless
//!   declared `global` or `nonlocal`.
//! - A name used but not bound in a function is free if an enclosing function binds
//!   it, else global. Class bodies are skipped when looking for the binding scope.
//! - A local captured by an inner scope is a cell; the inner scopes (and every scope
//!   between) hold it as a free variable.
//! - A function that names `super` or `__class__` inside a class has `__class__` free;
//!   the class body then holds a `__class__` cell.
//!
//! Scopes are found again by the compiler through [`ScopeKey`]: the source range of the
//! node that opens them.

use std::collections::{HashMap, HashSet};

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

/// The name of the one parameter of a comprehension's function (its first iterator).
pub const COMP_ARG: &str = ".0";

/// The source range of a node that opens a scope, with the kind of node (a function
/// and a comprehension may start at the same offset only if they differ in kind).
pub type ScopeKey = (u32, u32, u8);

pub fn key_of(r: TextRange, kind: u8) -> ScopeKey {
    (u32::from(r.start()), u32::from(r.end()), kind)
}

pub const K_FUNC: u8 = 0;
pub const K_CLASS: u8 = 1;
pub const K_LAMBDA: u8 = 2;
pub const K_COMP: u8 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Function,
    Class,
}

/// How a scope reaches one of its names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sym {
    /// A local slot of a function (or the namespace of a class body).
    Local,
    /// A local of a function captured by an inner scope: a cell in its slot.
    Cell,
    /// A variable of an enclosing function, through the closure.
    Free,
    /// Declared `global`.
    GlobalExplicit,
    /// Not bound in any enclosing function: globals, then builtins.
    GlobalImplicit,
}

const DEF_LOCAL: u8 = 1;
const DEF_PARAM: u8 = 2;
const DEF_GLOBAL: u8 = 4;
const DEF_NONLOCAL: u8 = 8;
const USE: u8 = 16;

#[derive(Debug)]
pub struct Scope {
    pub kind: ScopeKind,
    pub name: String,
    /// Flags of each name as written in the scope.
    flags: HashMap<String, u8>,
    /// The range of each name's first mention.
    first: HashMap<String, TextRange>,
    /// Names in the order first seen (for a deterministic slot order).
    order: Vec<String>,
    /// Parameters in slot order.
    pub params: Vec<String>,
    pub children: Vec<usize>,
    /// The resolved names.
    pub syms: HashMap<String, Sym>,
    /// Names this scope holds as cells, in slot order (parameters among them keep their slot).
    pub cellvars: Vec<String>,
    /// Names this scope holds as free variables, in slot order.
    pub freevars: Vec<String>,
    /// Locals that are neither parameters nor cells, in slot order.
    pub locals: Vec<String>,
}

impl Scope {
    fn new(kind: ScopeKind, name: String) -> Scope {
        Scope {
            kind,
            name,
            flags: HashMap::new(),
            first: HashMap::new(),
            order: Vec::new(),
            params: Vec::new(),
            children: Vec::new(),
            syms: HashMap::new(),
            cellvars: Vec::new(),
            freevars: Vec::new(),
            locals: Vec::new(),
        }
    }

    /// How a name is reached in this scope (names never mentioned are globals).
    pub fn lookup(&self, name: &str) -> Sym {
        self.syms.get(name).copied().unwrap_or(Sym::GlobalImplicit)
    }
}

/// A scope error: message and the range it is about.
pub struct ScopeError {
    pub msg: String,
    pub range: TextRange,
}

pub struct SymbolTable {
    /// All scopes; [0] is the module.
    pub scopes: Vec<Scope>,
    pub by_key: HashMap<ScopeKey, usize>,
}

/// Nesting beyond which the walk gives up with an error instead of risking the stack.
pub const MAX_NESTING: usize = 3000;

struct Builder {
    scopes: Vec<Scope>,
    by_key: HashMap<ScopeKey, usize>,
    stack: Vec<usize>,
    nesting: usize,
}

type R = Result<(), ScopeError>;

fn err<T>(msg: impl Into<String>, range: TextRange) -> Result<T, ScopeError> {
    Err(ScopeError {
        msg: msg.into(),
        range,
    })
}

impl Builder {
    fn cur(&mut self) -> &mut Scope {
        let i = *self.stack.last().unwrap();
        &mut self.scopes[i]
    }

    fn add(&mut self, name: &str, flag: u8, range: TextRange) -> R {
        let s = self.cur();
        let old = s.flags.get(name).copied().unwrap_or(0);
        if flag == DEF_GLOBAL || flag == DEF_NONLOCAL {
            let what = if flag == DEF_GLOBAL {
                "global"
            } else {
                "nonlocal"
            };
            if old & DEF_PARAM != 0 {
                return err(format!("name '{name}' is parameter and {what}"), range);
            }
            if flag == DEF_GLOBAL && old & DEF_NONLOCAL != 0
                || flag == DEF_NONLOCAL && old & DEF_GLOBAL != 0
            {
                return err(format!("name '{name}' is nonlocal and global"), range);
            }
            if old & DEF_LOCAL != 0 {
                return err(
                    format!("name '{name}' is assigned to before {what} declaration"),
                    range,
                );
            }
            if old & USE != 0 {
                return err(
                    format!("name '{name}' is used prior to {what} declaration"),
                    range,
                );
            }
        }
        if old == 0 {
            s.order.push(name.to_string());
            s.first.insert(name.to_string(), range);
        }
        s.flags.insert(name.to_string(), old | flag);
        Ok(())
    }

    fn enter(&mut self, kind: ScopeKind, name: String, key: ScopeKey) -> usize {
        let id = self.scopes.len();
        self.scopes.push(Scope::new(kind, name));
        let parent = *self.stack.last().unwrap();
        self.scopes[parent].children.push(id);
        self.by_key.insert(key, id);
        self.stack.push(id);
        id
    }

    fn deeper(&mut self, range: TextRange, what: &str) -> R {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return err(format!("too many nested {what}"), range);
        }
        Ok(())
    }

    fn stmts(&mut self, body: &[Stmt]) -> R {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn params_defaults(&mut self, p: &ast::Parameters) -> R {
        for a in p
            .posonlyargs
            .iter()
            .chain(p.args.iter())
            .chain(p.kwonlyargs.iter())
        {
            if let Some(d) = &a.default {
                self.expr(d)?;
            }
        }
        Ok(())
    }

    fn params_bind(&mut self, p: &ast::Parameters) -> R {
        let mut names: Vec<&ast::Identifier> = Vec::new();
        for a in p.posonlyargs.iter().chain(p.args.iter()) {
            names.push(&a.parameter.name);
        }
        if let Some(v) = &p.vararg {
            names.push(&v.name);
        }
        for a in p.kwonlyargs.iter() {
            names.push(&a.parameter.name);
        }
        if let Some(v) = &p.kwarg {
            names.push(&v.name);
        }
        for n in names {
            let s = n.id.as_str();
            if self.cur().flags.get(s).is_some_and(|f| f & DEF_PARAM != 0) {
                return err(
                    format!("duplicate argument '{s}' in function definition"),
                    n.range,
                );
            }
            self.add(s, DEF_PARAM, n.range)?;
            self.cur().params.push(s.to_string());
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> R {
        self.deeper(s.range(), "blocks")?;
        let r = self.stmt_inner(s);
        self.nesting -= 1;
        r
    }

    fn stmt_inner(&mut self, s: &Stmt) -> R {
        match s {
            Stmt::FunctionDef(f) => {
                for d in &f.decorator_list {
                    self.expr(&d.expression)?;
                }
                self.params_defaults(&f.parameters)?;
                self.add(f.name.id.as_str(), DEF_LOCAL, f.name.range)?;
                self.enter(
                    ScopeKind::Function,
                    f.name.id.to_string(),
                    key_of(f.range, K_FUNC),
                );
                self.params_bind(&f.parameters)?;
                self.stmts(&f.body)?;
                self.stack.pop();
            }
            Stmt::ClassDef(c) => {
                for d in &c.decorator_list {
                    self.expr(&d.expression)?;
                }
                if let Some(a) = &c.arguments {
                    for e in a.args.iter() {
                        self.expr(e)?;
                    }
                    for k in a.keywords.iter() {
                        self.expr(&k.value)?;
                    }
                }
                self.add(c.name.id.as_str(), DEF_LOCAL, c.name.range)?;
                self.enter(
                    ScopeKind::Class,
                    c.name.id.to_string(),
                    key_of(c.range, K_CLASS),
                );
                self.stmts(&c.body)?;
                self.stack.pop();
            }
            Stmt::Return(r) => {
                if let Some(v) = &r.value {
                    self.expr(v)?;
                }
            }
            Stmt::Delete(d) => {
                for t in &d.targets {
                    self.expr(t)?;
                }
            }
            Stmt::Assign(a) => {
                self.expr(&a.value)?;
                for t in &a.targets {
                    self.expr(t)?;
                }
            }
            Stmt::AugAssign(a) => {
                if let Expr::Name(n) = &*a.target {
                    self.add(n.id.as_str(), USE, n.range)?;
                }
                self.expr(&a.target)?;
                self.expr(&a.value)?;
            }
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    self.expr(v)?;
                }
                self.expr(&a.target)?;
            }
            Stmt::For(f) => {
                self.expr(&f.iter)?;
                self.expr(&f.target)?;
                self.stmts(&f.body)?;
                self.stmts(&f.orelse)?;
            }
            Stmt::While(w) => {
                self.expr(&w.test)?;
                self.stmts(&w.body)?;
                self.stmts(&w.orelse)?;
            }
            Stmt::If(i) => {
                self.expr(&i.test)?;
                self.stmts(&i.body)?;
                for c in &i.elif_else_clauses {
                    if let Some(t) = &c.test {
                        self.expr(t)?;
                    }
                    self.stmts(&c.body)?;
                }
            }
            Stmt::With(w) => {
                for it in &w.items {
                    self.expr(&it.context_expr)?;
                    if let Some(v) = &it.optional_vars {
                        self.expr(v)?;
                    }
                }
                self.stmts(&w.body)?;
            }
            Stmt::Raise(r) => {
                if let Some(e) = &r.exc {
                    self.expr(e)?;
                }
                if let Some(e) = &r.cause {
                    self.expr(e)?;
                }
            }
            Stmt::Try(t) => {
                self.stmts(&t.body)?;
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    if let Some(e) = &h.type_ {
                        self.expr(e)?;
                    }
                    if let Some(n) = &h.name {
                        self.add(n.id.as_str(), DEF_LOCAL, n.range)?;
                    }
                    self.stmts(&h.body)?;
                }
                self.stmts(&t.orelse)?;
                self.stmts(&t.finalbody)?;
            }
            Stmt::Assert(a) => {
                self.expr(&a.test)?;
                if let Some(m) = &a.msg {
                    self.expr(m)?;
                }
            }
            Stmt::Import(i) => {
                for a in &i.names {
                    let bound = match &a.asname {
                        Some(n) => n.id.to_string(),
                        None => a.name.id.split('.').next().unwrap_or("").to_string(),
                    };
                    self.add(&bound, DEF_LOCAL, a.range)?;
                }
            }
            Stmt::ImportFrom(i) => {
                for a in &i.names {
                    if a.name.id.as_str() == "*" {
                        if self.cur().kind != ScopeKind::Module {
                            return err("import * only allowed at module level", i.range);
                        }
                        continue;
                    }
                    let bound = a.asname.as_ref().unwrap_or(&a.name);
                    self.add(bound.id.as_str(), DEF_LOCAL, a.range)?;
                }
            }
            Stmt::Global(g) => {
                for n in &g.names {
                    if self.cur().kind != ScopeKind::Module {
                        self.add(n.id.as_str(), DEF_GLOBAL, g.range)?;
                    }
                }
            }
            Stmt::Nonlocal(g) => {
                if self.cur().kind == ScopeKind::Module {
                    return err("nonlocal declaration not allowed at module level", g.range);
                }
                for n in &g.names {
                    self.add(n.id.as_str(), DEF_NONLOCAL, g.range)?;
                }
            }
            Stmt::Expr(e) => self.expr(&e.value)?,
            Stmt::Pass(_) | Stmt::Break(_) | Stmt::Continue(_) => {}
            // Rejected by the compiler with a message of its own.
            Stmt::Match(_) | Stmt::TypeAlias(_) | Stmt::IpyEscapeCommand(_) => {}
        }
        Ok(())
    }

    fn comprehension(
        &mut self,
        range: TextRange,
        name: &str,
        gens: &[ast::Comprehension],
        elts: &[&Expr],
    ) -> R {
        let Some(first) = gens.first() else {
            return Ok(());
        };
        self.expr(&first.iter)?;
        self.enter(ScopeKind::Function, name.to_string(), key_of(range, K_COMP));
        self.add(COMP_ARG, DEF_PARAM, range)?;
        self.cur().params.push(COMP_ARG.to_string());
        for (i, g) in gens.iter().enumerate() {
            if i > 0 {
                self.expr(&g.iter)?;
            }
            self.expr(&g.target)?;
            for c in &g.ifs {
                self.expr(c)?;
            }
        }
        for e in elts {
            self.expr(e)?;
        }
        self.stack.pop();
        Ok(())
    }

    fn expr(&mut self, e: &Expr) -> R {
        self.deeper(e.range(), "expressions")?;
        let r = self.expr_inner(e);
        self.nesting -= 1;
        r
    }

    fn expr_inner(&mut self, e: &Expr) -> R {
        match e {
            Expr::Name(n) => {
                let flag = match n.ctx {
                    ast::ExprContext::Load => USE,
                    _ => DEF_LOCAL,
                };
                let id = n.id.as_str();
                self.add(id, flag, n.range)?;
                if flag == USE && id == "super" && self.cur().kind == ScopeKind::Function {
                    self.add("__class__", USE, n.range)?;
                }
            }
            Expr::BoolOp(b) => {
                for v in &b.values {
                    self.expr(v)?;
                }
            }
            Expr::Named(n) => {
                self.expr(&n.value)?;
                self.expr(&n.target)?;
            }
            Expr::BinOp(b) => {
                self.expr(&b.left)?;
                self.expr(&b.right)?;
            }
            Expr::UnaryOp(u) => self.expr(&u.operand)?,
            Expr::Lambda(l) => {
                if let Some(p) = &l.parameters {
                    self.params_defaults(p)?;
                }
                self.enter(
                    ScopeKind::Function,
                    "<lambda>".into(),
                    key_of(l.range, K_LAMBDA),
                );
                if let Some(p) = &l.parameters {
                    self.params_bind(p)?;
                }
                self.expr(&l.body)?;
                self.stack.pop();
            }
            Expr::If(i) => {
                self.expr(&i.test)?;
                self.expr(&i.body)?;
                self.expr(&i.orelse)?;
            }
            Expr::Dict(d) => {
                for it in &d.items {
                    if let Some(k) = &it.key {
                        self.expr(k)?;
                    }
                    self.expr(&it.value)?;
                }
            }
            Expr::Set(s) => {
                for v in &s.elts {
                    self.expr(v)?;
                }
            }
            Expr::ListComp(c) => {
                self.comprehension(c.range, "<listcomp>", &c.generators, &[&c.elt])?
            }
            Expr::SetComp(c) => {
                self.comprehension(c.range, "<setcomp>", &c.generators, &[&c.elt])?
            }
            Expr::Generator(c) => {
                self.comprehension(c.range, "<genexpr>", &c.generators, &[&c.elt])?
            }
            Expr::DictComp(c) => {
                let mut elts: Vec<&Expr> = Vec::new();
                if let Some(k) = &c.key {
                    elts.push(k);
                }
                elts.push(&c.value);
                self.comprehension(c.range, "<dictcomp>", &c.generators, &elts)?
            }
            Expr::Await(a) => self.expr(&a.value)?,
            Expr::Yield(y) => {
                if let Some(v) = &y.value {
                    self.expr(v)?;
                }
            }
            Expr::YieldFrom(y) => self.expr(&y.value)?,
            Expr::Compare(c) => {
                self.expr(&c.left)?;
                for v in c.comparators.iter() {
                    self.expr(v)?;
                }
            }
            Expr::Call(c) => {
                self.expr(&c.func)?;
                for a in c.arguments.args.iter() {
                    self.expr(a)?;
                }
                for k in c.arguments.keywords.iter() {
                    self.expr(&k.value)?;
                }
            }
            Expr::FString(f) => {
                for part in f.value.iter() {
                    if let ast::FStringPart::FString(fs) = part {
                        self.fstring_elements(&fs.elements)?;
                    }
                }
            }
            Expr::Attribute(a) => self.expr(&a.value)?,
            Expr::Subscript(s) => {
                self.expr(&s.value)?;
                self.expr(&s.slice)?;
            }
            Expr::Starred(s) => self.expr(&s.value)?,
            Expr::List(l) => {
                for v in &l.elts {
                    self.expr(v)?;
                }
            }
            Expr::Tuple(l) => {
                for v in &l.elts {
                    self.expr(v)?;
                }
            }
            Expr::Slice(s) => {
                for v in [&s.lower, &s.upper, &s.step].into_iter().flatten() {
                    self.expr(v)?;
                }
            }
            Expr::TString(_)
            | Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_)
            | Expr::IpyEscapeCommand(_) => {}
        }
        Ok(())
    }

    fn fstring_elements(&mut self, els: &ast::InterpolatedStringElements) -> R {
        for el in els.iter() {
            if let ast::InterpolatedStringElement::Interpolation(i) = el {
                self.expr(&i.expression)?;
                if let Some(spec) = &i.format_spec {
                    self.fstring_elements(&spec.elements)?;
                }
            }
        }
        Ok(())
    }
}

/// Builds the scopes of a module and resolves every name.
pub fn build(body: &[Stmt]) -> Result<SymbolTable, ScopeError> {
    let mut b = Builder {
        scopes: vec![Scope::new(ScopeKind::Module, "<module>".into())],
        by_key: HashMap::new(),
        stack: vec![0],
        nesting: 0,
    };
    b.stmts(body)?;
    let mut t = SymbolTable {
        scopes: b.scopes,
        by_key: b.by_key,
    };
    analyze(&mut t.scopes, 0, &HashSet::new(), 0)?;
    Ok(t)
}

/// Resolves the names of scope `id` given the names `bound` in enclosing functions;
/// returns the names it needs from its enclosing scopes (its free variables).
fn analyze(
    scopes: &mut Vec<Scope>,
    id: usize,
    bound: &HashSet<String>,
    depth: usize,
) -> Result<HashSet<String>, ScopeError> {
    if depth > MAX_NESTING {
        return err("too many nested scopes", TextRange::default());
    }
    let kind = scopes[id].kind;
    let order = scopes[id].order.clone();
    let mut syms: HashMap<String, Sym> = HashMap::new();
    let mut free: Vec<String> = Vec::new();
    for name in &order {
        let f = scopes[id].flags[name];
        let sym = if kind == ScopeKind::Module {
            Sym::GlobalImplicit
        } else if f & DEF_GLOBAL != 0 {
            Sym::GlobalExplicit
        } else if f & DEF_NONLOCAL != 0 {
            if !bound.contains(name) {
                let r = scopes[id].first.get(name).copied().unwrap_or_default();
                return err(format!("no binding for nonlocal '{name}' found"), r);
            }
            free.push(name.clone());
            Sym::Free
        } else if f & (DEF_LOCAL | DEF_PARAM) != 0 {
            Sym::Local
        } else if bound.contains(name) {
            free.push(name.clone());
            Sym::Free
        } else {
            Sym::GlobalImplicit
        };
        syms.insert(name.clone(), sym);
    }
    let mut newbound: HashSet<String> = bound.clone();
    match kind {
        ScopeKind::Module => newbound.clear(),
        ScopeKind::Function => {
            for (n, s) in &syms {
                match s {
                    Sym::Local | Sym::Free => {
                        newbound.insert(n.clone());
                    }
                    Sym::GlobalExplicit => {
                        newbound.remove(n);
                    }
                    _ => {}
                }
            }
        }
        ScopeKind::Class => {
            newbound.insert("__class__".to_string());
        }
    }
    let children = scopes[id].children.clone();
    let mut child_free: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for c in children {
        let cf = analyze(scopes, c, &newbound, depth + 1)?;
        // Keep a deterministic order: the child's free variable order.
        for n in &scopes[c].freevars {
            if cf.contains(n) && seen.insert(n.clone()) {
                child_free.push(n.clone());
            }
        }
    }
    let mut cellvars: Vec<String> = Vec::new();
    for n in child_free {
        let cur = syms.get(&n).copied();
        match (kind, cur) {
            (ScopeKind::Function, Some(Sym::Local)) => {
                syms.insert(n.clone(), Sym::Cell);
                cellvars.push(n);
            }
            (ScopeKind::Function, Some(Sym::Cell)) | (_, Some(Sym::Free)) => {}
            (ScopeKind::Class, _) if n == "__class__" => {
                if !cellvars.contains(&n) {
                    cellvars.push(n.clone());
                }
                syms.entry(n).or_insert(Sym::Cell);
            }
            (ScopeKind::Module, _) => {}
            _ => {
                // Passes through this scope: it needs it as a free variable too.
                if !free.contains(&n) {
                    free.push(n.clone());
                }
                syms.entry(n).or_insert(Sym::Free);
            }
        }
    }
    let s = &mut scopes[id];
    // Cells in slot order: parameters first (they keep their slot), then the others.
    let mut cells: Vec<String> = s
        .params
        .iter()
        .filter(|p| cellvars.contains(p))
        .cloned()
        .collect();
    for c in &cellvars {
        if !cells.contains(c) {
            cells.push(c.clone());
        }
    }
    s.cellvars = cells;
    s.locals = order
        .iter()
        .filter(|n| syms.get(*n) == Some(&Sym::Local) && !s.params.contains(n))
        .cloned()
        .collect();
    s.freevars = free.clone();
    s.syms = syms;
    Ok(free.into_iter().collect())
}
