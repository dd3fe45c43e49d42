//! Building flow graphs from syn functions (the analogue of PyPy's flow object space,
//! done as a direct lowering of the AST).
//!
//! Locals live in an environment mapping each local to its current operand. A block
//! boundary (a join after `if`/`match`, a loop header) gets one input per local in
//! scope; links pass the locals' current operands. So a graph never refers to a value
//! of another block (see [`super::model`]).
//!
//! Everything outside the supported subset (documented in `translator/docs/subset.md`)
//! is a [`Diagnostic`] at the offending span that says what to write instead.

use super::model::*;
use super::ops::{HintKind, MergeRule, OpKind, Prim};
use super::types::{IntTy, Ty};
use crate::diag::Diagnostic;
use crate::hints::{self, MacroHint};
use crate::source::{type_name, Crate};
use petgraph::stable_graph::StableDiGraph;
use petgraph::visit::Dfs;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use syn::spanned::Spanned;

type R<T> = Result<T, Diagnostic>;

/// The most values a range pattern may cover (each becomes a case of the switch).
pub const MAX_RANGE_CASES: i128 = 256;

/// The graphs of a set of functions and of everything they call in the crate.
#[derive(Default)]
pub struct Program {
    pub graphs: BTreeMap<String, Graph>,
    /// The functions the build started from.
    pub roots: Vec<String>,
}

/// Build graphs for `roots` and, transitively, for every crate function they call that
/// is not `#[residual]`. Returns the graphs built and every diagnostic of the functions
/// that could not be built (each once; the calls a failed function makes before and
/// after its errors are still followed, so independent functions report theirs too).
pub fn build_program(k: &Crate, roots: &[String]) -> (Program, Vec<Diagnostic>) {
    let mut prog = Program {
        graphs: BTreeMap::new(),
        roots: roots.to_vec(),
    };
    let mut diags = Vec::new();
    let mut todo: Vec<String> = roots.to_vec();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let (g, callees, errors) = build_fn_all(k, &name);
        todo.extend(callees.into_iter().filter(|c| !seen.contains(c)));
        match g {
            Some(g) => {
                prog.graphs.insert(name, g);
            }
            None => {
                for d in errors {
                    if !diags.contains(&d) {
                        diags.push(d);
                    }
                }
            }
        }
    }
    diags.sort_by_key(|d| (d.span.file, d.span.lo));
    (prog, diags)
}

/// Build the graph of one crate function (`f` or `Type::f`); also returns the crate
/// functions it calls that are to be analysed.
pub fn build_fn(k: &Crate, name: &str) -> R<(Graph, BTreeSet<String>)> {
    match build_fn_all(k, name) {
        (Some(g), callees, _) => Ok((g, callees)),
        (None, _, mut errors) => Err(errors.remove(0)),
    }
}

/// Build the graph of one crate function, going on after an error with the next
/// statement: the graph (`None` after any error), the crate functions it calls, and
/// every error found, in source order of discovery and never empty when there is no
/// graph. A statement that failed is skipped, and the names a failed `let` would have
/// bound are poisoned: using them later is not reported again.
pub fn build_fn_all(k: &Crate, name: &str) -> (Option<Graph>, BTreeSet<String>, Vec<Diagnostic>) {
    let Some(item) = k.fns.get(name) else {
        let d = Diagnostic::new(
            Span::default(),
            format!("no function `{name}` in the crate"),
        );
        return (None, BTreeSet::new(), vec![d]);
    };
    let mut b = Builder::new(k, item.file, item.module.clone(), item.self_ty.clone());
    if let Err(d) = b.function(name, &item.item) {
        b.record(d);
    }
    if b.errors.is_empty() && !b.failed {
        match b.finish(name, &item.item) {
            Ok(g) => return (Some(g), b.callees, Vec::new()),
            Err(d) => b.record(d),
        }
    }
    if b.errors.is_empty() {
        // Only follow-on errors were found: cannot happen without a first error, but a
        // graph must not be built from a function that failed.
        b.errors.push(b.err(
            &item.item.sig.ident,
            "internal error: an error was suppressed",
        ));
    }
    (None, b.callees, b.errors)
}

struct Local {
    name: String,
    ty: Ty,
    val: Operand,
}

struct LoopCtx {
    label: Option<String>,
    /// Where `continue` goes, and the locals it receives.
    cont: BlockId,
    shape: Vec<usize>,
    /// Where `break` goes (made at the first break), with a value input if any.
    brk: Option<(BlockId, Option<Ty>)>,
    /// `while`/`for` loops exit without a value, `loop` with the break's value.
    valued: bool,
}

/// An assignable place. The object and index operands of a field or item are held
/// (hidden locals, see [`Builder::hold`]) until the place is written, so that a
/// right-hand side that creates blocks (`?`, `unwrap()`, `if`, `match`) passes them on.
enum Place {
    Local(usize),
    /// The held object, the field's name and type.
    Field(usize, String, Ty),
    /// The held sequence and index, the item type.
    Index(usize, usize, Ty),
}

struct Builder<'k> {
    k: &'k Crate,
    file: u32,
    /// The module the function's paths are resolved in.
    module: String,
    self_ty: Option<String>,
    g: StableDiGraph<BlockData, Link>,
    var_types: Vec<Ty>,
    var_names: Vec<Option<String>>,
    cur: Option<BlockId>,
    locals: Vec<Local>,
    scopes: Vec<Vec<usize>>,
    loops: Vec<LoopCtx>,
    ret_ty: Ty,
    ret_block: BlockId,
    exc_block: BlockId,
    next_order: HashMap<BlockId, u32>,
    callees: BTreeSet<String>,
    params: Vec<(String, Ty)>,
    /// The errors found so far (the function has no graph if there is one).
    errors: Vec<Diagnostic>,
    /// Whether an error (maybe a follow-on one, not reported) was found.
    failed: bool,
    /// Names a failed `let` or parameter would have bound.
    poisoned: BTreeSet<String>,
}

fn unit() -> Operand {
    Operand::Const(Const::Unit, Ty::Unit)
}

fn int_const(v: i128, t: IntTy) -> Operand {
    Operand::Const(Const::Int(v), Ty::Int(t))
}

impl<'k> Builder<'k> {
    fn new(k: &'k Crate, file: u32, module: String, self_ty: Option<String>) -> Builder<'k> {
        let mut g = StableDiGraph::new();
        let ret_block = g.add_node(BlockData::default());
        let exc_block = g.add_node(BlockData::default());
        Builder {
            k,
            file,
            module,
            self_ty,
            g,
            var_types: Vec::new(),
            var_names: Vec::new(),
            cur: None,
            locals: Vec::new(),
            scopes: vec![Vec::new()],
            loops: Vec::new(),
            ret_ty: Ty::Unit,
            ret_block,
            exc_block,
            next_order: HashMap::new(),
            callees: BTreeSet::new(),
            params: Vec::new(),
            errors: Vec::new(),
            failed: false,
            poisoned: BTreeSet::new(),
        }
    }

    // ---- errors ----

    fn err(&self, node: &impl Spanned, msg: impl Into<String>) -> Diagnostic {
        self.k.error(self.file, node, msg)
    }

    fn unsupported(&self, node: &impl Spanned, what: &str, help: &str) -> Diagnostic {
        self.err(node, format!("{what} is not supported in analysed code"))
            .label("not supported")
            .help(help.to_string())
    }

    fn span(&self, node: &impl Spanned) -> Span {
        self.k.span(self.file, node.span())
    }

    /// An error caused by an earlier one (a use of a poisoned name): never reported.
    fn follow_on(&self) -> Diagnostic {
        Diagnostic::new(Span::default(), "")
    }

    /// Keep an error for the report (follow-on errors and repeats are dropped).
    fn record(&mut self, d: Diagnostic) {
        self.failed = true;
        if !d.message.is_empty() && !self.errors.contains(&d) {
            self.errors.push(d);
        }
    }

    // ---- graph construction ----

    fn new_var(&mut self, ty: Ty, name: Option<&str>) -> Var {
        self.var_types.push(ty);
        self.var_names.push(name.map(str::to_string));
        Var(self.var_types.len() as u32 - 1)
    }

    /// The locals a new block must receive: every local in scope, except those shadowed
    /// by a later local of the same name in the same scope (they can never be named again).
    fn visible(&self) -> Vec<usize> {
        let mut v: Vec<usize> = Vec::new();
        for scope in &self.scopes {
            for (i, &l) in scope.iter().enumerate() {
                let name = &self.locals[l].name;
                if !scope[i + 1..].iter().any(|&m| self.locals[m].name == *name) {
                    v.push(l);
                }
            }
        }
        v.sort();
        v.dedup();
        v
    }

    /// A block with an input per local of `shape` and one per `extra` type.
    fn join_block(&mut self, shape: &[usize], extra: &[Ty]) -> (BlockId, Vec<Var>) {
        let mut inputs = Vec::new();
        for &l in shape {
            let (ty, name) = (self.locals[l].ty.clone(), self.locals[l].name.clone());
            inputs.push(self.new_var(ty, Some(&name)));
        }
        let mut extras = Vec::new();
        for t in extra {
            let v = self.new_var(t.clone(), None);
            inputs.push(v);
            extras.push(v);
        }
        let b = self.g.add_node(BlockData {
            inputs,
            ..Default::default()
        });
        (b, extras)
    }

    /// Make `b` current, its inputs becoming the locals of `shape`.
    fn enter(&mut self, b: BlockId, shape: &[usize]) {
        let inputs = self.g[b].inputs.clone();
        for (i, &l) in shape.iter().enumerate() {
            self.locals[l].val = Operand::Var(inputs[i]);
        }
        self.cur = Some(b);
    }

    /// The current block, making an unreachable one if control cannot get here.
    fn cur(&mut self) -> BlockId {
        if let Some(b) = self.cur {
            return b;
        }
        let shape = self.visible();
        let (b, _) = self.join_block(&shape, &[]);
        self.enter(b, &shape);
        b
    }

    fn add_link(&mut self, from: BlockId, to: BlockId, args: Vec<Operand>, case: Case) {
        let order = self.next_order.entry(from).or_insert(0);
        let link = Link {
            args,
            case,
            order: *order,
        };
        *order += 1;
        self.g.add_edge(from, to, link);
    }

    fn shape_args(&self, shape: &[usize], extra: Vec<Operand>) -> Vec<Operand> {
        let mut a: Vec<Operand> = shape.iter().map(|&l| self.locals[l].val.clone()).collect();
        a.extend(extra);
        a
    }

    /// End the current block with a jump.
    fn goto(&mut self, to: BlockId, shape: &[usize], extra: Vec<Operand>) {
        if let Some(from) = self.cur.take() {
            let args = self.shape_args(shape, extra);
            self.add_link(from, to, args, Case::Always);
        }
    }

    /// End the current block with a two-way branch on a bool.
    fn branch(&mut self, cond: Operand, t: BlockId, f: BlockId, shape: &[usize]) {
        let from = self.cur();
        self.g[from].exitswitch = Some(cond);
        let args = self.shape_args(shape, vec![]);
        self.add_link(from, t, args.clone(), Case::Bool(true));
        self.add_link(from, f, args, Case::Bool(false));
        self.cur = None;
    }

    fn emit(&mut self, kind: OpKind, args: Vec<Operand>, ty: Ty, span: Span) -> Operand {
        let b = self.cur();
        let result = self.new_var(ty, None);
        self.g[b].ops.push(Op {
            kind,
            args,
            result,
            span,
        });
        Operand::Var(result)
    }

    fn bind(&mut self, name: &str, ty: Ty, val: Operand) -> usize {
        self.locals.push(Local {
            name: name.to_string(),
            ty,
            val,
        });
        let id = self.locals.len() - 1;
        self.scopes.last_mut().unwrap().push(id);
        id
    }

    /// Keep `v` alive while later operands are evaluated: it becomes a hidden local, so
    /// blocks those operands create receive it as an input. Read it back with
    /// [`Self::held`]; end with [`Self::release`].
    fn hold(&mut self, v: Operand, ty: &Ty) -> usize {
        let n = self.locals.len();
        self.bind(&format!("(operand {n})"), ty.clone(), v)
    }

    /// The current value of a held operand.
    fn held(&self, id: usize) -> Operand {
        self.locals[id].val.clone()
    }

    fn release(&mut self, id: usize) -> Operand {
        for scope in self.scopes.iter_mut().rev() {
            if let Some(i) = scope.iter().position(|&l| l == id) {
                scope.remove(i);
                break;
            }
        }
        self.locals[id].val.clone()
    }

    fn lookup(&self, name: &str) -> Option<usize> {
        for scope in self.scopes.iter().rev() {
            for &l in scope.iter().rev() {
                if self.locals[l].name == name {
                    return Some(l);
                }
            }
        }
        None
    }

    // ---- types ----

    fn ty_of(&self, t: &syn::Type) -> R<Ty> {
        resolve_type(self.k, self.self_ty.as_deref(), t, self.file, &self.module)
    }

    fn struct_field_ty(&self, sname: &str, field: &str, node: &impl Spanned) -> R<Ty> {
        let s = self
            .k
            .structs
            .get(sname)
            .ok_or_else(|| self.err(node, format!("`{sname}` is not a struct of the crate")))?;
        let (_, t) =
            s.fields.iter().find(|(n, _)| n == field).ok_or_else(|| {
                self.err(node, format!("struct `{sname}` has no field `{field}`"))
            })?;
        resolve_type(self.k, Some(sname), t, s.file, &s.module)
    }

    // ---- functions ----

    fn function(&mut self, name: &str, f: &syn::ItemFn) -> R<()> {
        if f.sig.asyncness.is_some()
            || f.sig.unsafety.is_some()
            || !f.sig.generics.params.is_empty()
        {
            return Err(self.unsupported(
                &f.sig,
                "an async, unsafe or generic function",
                "keep analysed functions plain; mark this one `#[residual]` to call it opaquely",
            ));
        }
        self.ret_ty = match &f.sig.output {
            syn::ReturnType::Default => Ty::Unit,
            syn::ReturnType::Type(_, t) => match self.ty_of(t) {
                Ok(t) => t,
                Err(d) => {
                    // The body is still read; `!` accepts whatever it returns.
                    self.record(d);
                    Ty::Never
                }
            },
        };
        let exc_ty = match &self.ret_ty {
            Ty::Result(_, e) => (**e).clone(),
            _ => Ty::Unit,
        };
        let rv = self.new_var(self.ret_ty.clone(), Some("return"));
        self.g[self.ret_block].inputs = vec![rv];
        let ev = self.new_var(exc_ty, Some("error"));
        self.g[self.exc_block].inputs = vec![ev];
        let mut inputs = Vec::new();
        for arg in &f.sig.inputs {
            let (pname, ty) = match arg {
                syn::FnArg::Receiver(r) => {
                    let Some(st) = self.self_ty.clone() else {
                        return Err(self.err(r, "`self` outside an impl block"));
                    };
                    if r.reference.is_none() && r.colon_token.is_some() {
                        return Err(self.unsupported(
                            r,
                            "a typed `self`",
                            "use `self`, `&self` or `&mut self`",
                        ));
                    }
                    ("self".to_string(), Ty::Adt(st))
                }
                syn::FnArg::Typed(pt) => {
                    let syn::Pat::Ident(id) = &*pt.pat else {
                        return Err(self.unsupported(
                            &pt.pat,
                            "a pattern parameter",
                            "name the parameter and destructure it with `let`",
                        ));
                    };
                    let ty = self.ty_of(&pt.ty).and_then(|ty| match &ty {
                        Ty::Ref(true, inner) if inner.is_scalar() => Err(self.unsupported(
                            &pt.ty,
                            "a `&mut` reference to a scalar",
                            "return the new value instead of writing through a reference",
                        )),
                        _ => Ok(ty),
                    });
                    match ty {
                        Ok(ty) => (id.ident.to_string(), ty),
                        Err(d) => {
                            self.record(d);
                            self.poisoned.insert(id.ident.to_string());
                            continue;
                        }
                    }
                }
            };
            let ty = strip_scalar_ref(ty);
            let v = self.new_var(ty.clone(), Some(&pname));
            inputs.push(v);
            self.params.push((pname.clone(), ty.clone()));
            self.bind(&pname, ty, Operand::Var(v));
        }
        let start = self.g.add_node(BlockData {
            inputs,
            ..Default::default()
        });
        self.cur = Some(start);
        let ret_ty = self.ret_ty.clone();
        // The body shares the parameters' scope, so `let x = x;` hides the parameter.
        let (v, t) = self.block_inner(&f.block, Some(&ret_ty))?;
        if self.cur.is_some() {
            self.check_ty(&t, &ret_ty, &f.block)?;
            let rb = self.ret_block;
            self.goto(rb, &[], vec![v]);
        }
        let _ = name;
        Ok(())
    }

    fn finish(&mut self, name: &str, f: &syn::ItemFn) -> R<Graph> {
        // The start block is the third node made (after return and except blocks).
        let start = self.g.node_indices().nth(2).expect("start block");
        // Drop blocks that cannot be reached.
        let mut reach = BTreeSet::new();
        let mut dfs = Dfs::new(&self.g, start);
        while let Some(n) = dfs.next(&self.g) {
            reach.insert(n);
        }
        let all: Vec<BlockId> = self.g.node_indices().collect();
        for n in all {
            if !reach.contains(&n) && n != self.ret_block && n != self.exc_block {
                self.g.remove_node(n);
            }
        }
        let mut graph = Graph {
            name: name.to_string(),
            params: std::mem::take(&mut self.params),
            ret_ty: self.ret_ty.clone(),
            g: std::mem::take(&mut self.g),
            start,
            return_block: self.ret_block,
            except_block: self.exc_block,
            var_types: std::mem::take(&mut self.var_types),
            var_names: std::mem::take(&mut self.var_names),
            span: self.span(&f.sig.ident),
        };
        super::simplify::join_blocks(&mut graph);
        graph.check().map_err(|e| {
            self.err(
                &f.sig.ident,
                format!("internal error: malformed graph: {e}"),
            )
        })?;
        Ok(graph)
    }

    fn check_ty(&self, got: &Ty, want: &Ty, node: &impl Spanned) -> R<()> {
        if got == want || *got == Ty::Never || *want == Ty::Never || compatible(got, want) {
            Ok(())
        } else {
            Err(self
                .err(
                    node,
                    format!("type mismatch: expected `{want}`, found `{got}`"),
                )
                .label(format!("this is `{got}`"))
                .help("add a type annotation or a cast with `as`"))
        }
    }

    // ---- blocks and statements ----

    fn block(&mut self, b: &syn::Block, expect: Option<&Ty>) -> R<(Operand, Ty)> {
        self.scopes.push(Vec::new());
        let r = self.block_inner(b, expect);
        self.scopes.pop();
        r
    }

    /// The statements of a block in the current scope. A statement that fails is recorded
    /// and skipped (the scopes and loops it opened are closed, and the path goes on in a
    /// fresh unreachable block), so one run reports the errors of every statement.
    fn block_inner(&mut self, b: &syn::Block, expect: Option<&Ty>) -> R<(Operand, Ty)> {
        let n = b.stmts.len();
        for (i, s) in b.stmts.iter().enumerate() {
            let last = i + 1 == n;
            let depth = self.scopes.len();
            let in_scope = self.scopes.last().map_or(0, Vec::len);
            let loops = self.loops.len();
            match self.stmt(s, last, expect) {
                Ok(Some(tail)) => return Ok(tail),
                Ok(None) => {}
                Err(d) => {
                    self.record(d);
                    self.scopes.truncate(depth);
                    if let Some(sc) = self.scopes.last_mut() {
                        sc.truncate(in_scope);
                    }
                    self.loops.truncate(loops);
                    if let syn::Stmt::Local(l) = s {
                        pat_names(&l.pat, &mut self.poisoned);
                    }
                    self.cur = None;
                }
            }
        }
        Ok((
            unit(),
            if self.cur.is_none() {
                Ty::Never
            } else {
                Ty::Unit
            },
        ))
    }

    /// One statement; `Some` with the block's value when it is the tail expression.
    fn stmt(&mut self, s: &syn::Stmt, last: bool, expect: Option<&Ty>) -> R<Option<(Operand, Ty)>> {
        {
            match s {
                syn::Stmt::Local(l) => self.local(l)?,
                syn::Stmt::Expr(e, semi) => {
                    if last && semi.is_none() {
                        return self.expr(e, expect).map(Some);
                    }
                    let (_, t) = self.expr(e, None)?;
                    if t == Ty::Never {
                        self.cur = None;
                    }
                }
                syn::Stmt::Macro(m) => {
                    let e = syn::Expr::Macro(syn::ExprMacro {
                        attrs: m.attrs.clone(),
                        mac: m.mac.clone(),
                    });
                    if last && m.semi_token.is_none() {
                        return self.expr(&e, expect).map(Some);
                    }
                    self.expr(&e, None)?;
                }
                syn::Stmt::Item(syn::Item::Const(c)) => {
                    let ty = self.ty_of(&c.ty)?;
                    let v = const_eval(self.k, &self.module, &c.expr, &ty, &mut Vec::new())
                        .ok_or_else(|| {
                            self.err(
                                &c.expr,
                                "a local constant must be a scalar constant expression",
                            )
                        })?;
                    self.bind(&c.ident.to_string(), ty.clone(), Operand::Const(v, ty));
                }
                syn::Stmt::Item(it) => {
                    return Err(self.unsupported(
                        it,
                        "an item inside a function",
                        "move the item to module level",
                    ));
                }
            }
        }
        Ok(None)
    }

    fn local(&mut self, l: &syn::Local) -> R<()> {
        let diverge = l
            .init
            .as_ref()
            .and_then(|i| i.diverge.as_ref())
            .map(|d| &*d.1);
        let (pat, annot) = match &l.pat {
            syn::Pat::Type(pt) => (&*pt.pat, Some(self.ty_of(&pt.ty)?)),
            p => (p, None),
        };
        let Some(init) = &l.init else {
            return Err(self.unsupported(
                l,
                "a `let` without a value",
                "initialise the variable where it is declared",
            ));
        };
        let (val, ty) = self.expr(&init.expr, annot.as_ref())?;
        let ty = match annot {
            Some(a) => {
                self.check_ty(&ty, &a, &init.expr)?;
                a
            }
            None => ty,
        };
        let val = self.copy_if_aggregate(&init.expr, val, &ty);
        if diverge.is_some() || !simple_pat(pat) {
            return self.let_pattern(pat, val, strip_scalar_ref(ty), diverge);
        }
        self.bind_pat(pat, val, ty)
    }

    /// A by-value aggregate read from a place is copied, so later writes through either
    /// name do not show through the other.
    fn copy_if_aggregate(&mut self, e: &syn::Expr, val: Operand, ty: &Ty) -> Operand {
        let is_place = matches!(
            e,
            syn::Expr::Path(_) | syn::Expr::Field(_) | syn::Expr::Index(_)
        );
        let copyable = match ty {
            Ty::Array(..) | Ty::Tuple(_) => true,
            Ty::Adt(n) => self.k.structs.get(n).is_some_and(|s| s.copy),
            _ => false,
        };
        if is_place && copyable {
            let sp = self.span(e);
            self.emit(OpKind::Copy, vec![val], ty.clone(), sp)
        } else {
            val
        }
    }

    fn bind_pat(&mut self, pat: &syn::Pat, val: Operand, ty: Ty) -> R<()> {
        match pat {
            syn::Pat::Ident(id) if id.subpat.is_none() && id.by_ref.is_none() => {
                let name = id.ident.to_string();
                let val = self.named(val, &ty, &name);
                self.bind(&name, ty, val);
                Ok(())
            }
            syn::Pat::Wild(_) => Ok(()),
            syn::Pat::Tuple(t) => {
                let Ty::Tuple(ts) = ty.clone() else {
                    return Err(
                        self.err(pat, format!("a tuple pattern for a value of type `{ty}`"))
                    );
                };
                if ts.len() != t.elems.len() {
                    return Err(self.err(pat, "tuple pattern of the wrong length"));
                }
                for (i, (p, t)) in t.elems.iter().zip(ts).enumerate() {
                    let sp = self.span(p);
                    let v = self.emit(OpKind::TupleGet(i), vec![val.clone()], t.clone(), sp);
                    self.bind_pat(p, v, t)?;
                }
                Ok(())
            }
            _ => Err(self.unsupported(pat, "this pattern", "bind a name, a tuple of names or `_`")),
        }
    }

    /// Give a name to a variable, for readable graphs.
    fn named(&mut self, val: Operand, _ty: &Ty, name: &str) -> Operand {
        if let Operand::Var(v) = val {
            if self.var_names[v.0 as usize].is_none() {
                self.var_names[v.0 as usize] = Some(name.to_string());
            }
        }
        val
    }

    // ---- expressions ----

    fn expr(&mut self, e: &syn::Expr, expect: Option<&Ty>) -> R<(Operand, Ty)> {
        use syn::Expr as E;
        let sp = self.span(e);
        match e {
            E::Lit(l) => self.lit(&l.lit, expect, false),
            E::Paren(p) => self.expr(&p.expr, expect),
            E::Group(g) => self.expr(&g.expr, expect),
            E::Path(p) => self.path_expr(p, expect),
            E::Unary(u) => self.unary(u, expect),
            E::Binary(b) => self.binary(b, expect),
            E::Assign(a) => {
                let place = self.place(&a.left)?;
                let pty = self.place_ty(&place);
                let (v, t) = self.expr(&a.right, Some(&pty))?;
                self.check_ty(&t, &pty, &a.right)?;
                self.write_place(place, v, sp);
                Ok((unit(), Ty::Unit))
            }
            E::Block(b) => {
                if b.label.is_some() {
                    return Err(self.unsupported(
                        e,
                        "a labelled block",
                        "use a labelled `loop` with `break`",
                    ));
                }
                self.block(&b.block, expect)
            }
            E::Unsafe(_) => Err(self.unsupported(
                e,
                "an `unsafe` block",
                "move it into a `#[residual]` helper",
            )),
            E::If(i) => self.if_expr(i, expect),
            E::Match(m) => {
                let arms: Vec<ArmRef> = m
                    .arms
                    .iter()
                    .map(|a| ArmRef {
                        pat: &a.pat,
                        guard: a.guard.as_ref().map(|g| &*g.1),
                        body: Body::Expr(&a.body),
                    })
                    .collect();
                self.match_expr(&m.expr, &arms, expect, e)
            }
            E::While(w) => self.while_loop(w),
            E::Loop(l) => self.loop_expr(l, expect),
            E::ForLoop(f) => self.for_loop(f),
            E::Break(b) => self.break_expr(b),
            E::Continue(c) => {
                let idx = self.find_loop(c.label.as_ref(), e)?;
                let (cont, shape) = (self.loops[idx].cont, self.loops[idx].shape.clone());
                self.goto(cont, &shape, vec![]);
                Ok((unit(), Ty::Never))
            }
            E::Return(r) => {
                let rt = self.ret_ty.clone();
                let v = match &r.expr {
                    Some(x) => {
                        let (v, t) = self.expr(x, Some(&rt))?;
                        self.check_ty(&t, &rt, x)?;
                        v
                    }
                    None => unit(),
                };
                let rb = self.ret_block;
                self.goto(rb, &[], vec![v]);
                Ok((unit(), Ty::Never))
            }
            E::Try(t) => self.try_expr(t),
            E::Call(c) => self.call(c, expect),
            E::MethodCall(m) => self.method_call(m, expect),
            E::Field(f) => {
                let (obj, oty) = self.expr(&f.base, None)?;
                self.field(obj, &oty, &f.member, sp, e)
            }
            E::Index(ix) => self.index(ix),
            E::Cast(c) => {
                let to = self.ty_of(&c.ty)?;
                let (v, from) = self.expr(&c.expr, None)?;
                if !(from.is_scalar() && to.is_scalar()) {
                    return Err(self.err(e, format!("cast from `{from}` to `{to}`")).help(
                        "only casts between integers, floats, bools and chars are analysed",
                    ));
                }
                if let (Operand::Const(Const::Int(i), _), Some(it)) = (&v, to.int()) {
                    return Ok((int_const(it.wrap(*i), it), to));
                }
                Ok((
                    self.emit(OpKind::Cast(to.clone()), vec![v], to.clone(), sp),
                    to,
                ))
            }
            E::Reference(r) => {
                let (v, t) = self.expr(&r.expr, expect.map(|t| t.strip_ref()))?;
                if r.mutability.is_some() && t.is_scalar() {
                    return Err(self.unsupported(
                        e,
                        "a `&mut` reference to a scalar",
                        "return the new value instead of writing through a reference",
                    ));
                }
                Ok((v, t))
            }
            E::Tuple(t) => {
                if t.elems.is_empty() {
                    return Ok((unit(), Ty::Unit));
                }
                let exp: Vec<Option<Ty>> = match expect {
                    Some(Ty::Tuple(ts)) if ts.len() == t.elems.len() => {
                        ts.iter().cloned().map(Some).collect()
                    }
                    _ => vec![None; t.elems.len()],
                };
                let mut vals = Vec::new();
                let mut tys = Vec::new();
                for (x, et) in t.elems.iter().zip(exp) {
                    let (v, ty) = self.expr(x, et.as_ref())?;
                    vals.push(v);
                    tys.push(ty);
                }
                let ty = Ty::Tuple(tys);
                Ok((self.emit(OpKind::NewTuple, vals, ty.clone(), sp), ty))
            }
            E::Array(a) => {
                let item = match expect {
                    Some(Ty::Array(t, _)) => Some((**t).clone()),
                    _ => None,
                };
                let (vals, it) = self.elems(a.elems.iter(), item, e)?;
                let ty = Ty::Array(Box::new(it), vals.len());
                Ok((self.emit(OpKind::ArrayLit, vals, ty.clone(), sp), ty))
            }
            E::Repeat(r) => {
                let item = match expect {
                    Some(Ty::Array(t, _)) => Some((**t).clone()),
                    _ => None,
                };
                let (v, it) = self.expr(&r.expr, item.as_ref())?;
                let n = self.const_usize(&r.len)?;
                let ty = Ty::Array(Box::new(it), n);
                let len = int_const(n as i128, IntTy::Usize);
                Ok((
                    self.emit(OpKind::ArrayRepeat, vec![v, len], ty.clone(), sp),
                    ty,
                ))
            }
            E::Struct(s) => self.struct_lit(s),
            E::Macro(m) => self.macro_expr(&m.mac, expect, e),
            E::Let(_) => {
                Err(self.unsupported(e, "`let` in this position", "use `if let` or `match`"))
            }
            E::Closure(_) => Err(self.unsupported(e, "a closure", "write a function and call it")),
            E::Range(_) => Err(self.unsupported(
                e,
                "a range value",
                "ranges are supported in `for` loops and slice indexing",
            )),
            _ => Err(self.unsupported(
                e,
                "this expression",
                "see translator/docs/subset.md for the supported subset",
            )),
        }
    }

    fn elems<'a>(
        &mut self,
        es: impl Iterator<Item = &'a syn::Expr>,
        item: Option<Ty>,
        node: &syn::Expr,
    ) -> R<(Vec<Operand>, Ty)> {
        let mut vals = Vec::new();
        let mut it = item;
        for x in es {
            let (v, t) = self.expr(x, it.as_ref())?;
            if let Some(want) = &it {
                self.check_ty(&t, want, x)?;
            } else {
                it = Some(t);
            }
            vals.push(v);
        }
        let it = it.ok_or_else(|| {
            self.err(node, "cannot tell the item type of an empty sequence")
                .help("add a type annotation")
        })?;
        Ok((vals, it))
    }

    fn lit(&mut self, l: &syn::Lit, expect: Option<&Ty>, negate: bool) -> R<(Operand, Ty)> {
        match l {
            syn::Lit::Int(i) => {
                let suffix = i.suffix();
                let it = if !suffix.is_empty() {
                    IntTy::from_name(suffix).ok_or_else(|| {
                        self.unsupported(
                            i,
                            "this integer type",
                            "use i8..i64, u8..u64, isize or usize",
                        )
                    })?
                } else if let Some(t) = expect.and_then(|t| t.int()) {
                    t
                } else if matches!(expect, Some(Ty::F64)) {
                    return Err(self
                        .err(i, "an integer literal where a float is expected")
                        .help("write it as a float, e.g. `1.0`"));
                } else {
                    return Err(self
                        .err(i, "cannot tell the type of this integer literal")
                        .label("type unknown")
                        .help("add a type annotation (`let x: i64 = 0;`) or a suffix (`0i64`)"));
                };
                let v: i128 = i.base10_parse().map_err(|e| self.err(i, e.to_string()))?;
                let v = if negate { -v } else { v };
                if !it.contains(v) {
                    return Err(self.err(i, format!("literal out of range for `{}`", it.name())));
                }
                Ok((int_const(v, it), Ty::Int(it)))
            }
            syn::Lit::Float(f) => {
                let v: f64 = f.base10_parse().map_err(|e| self.err(f, e.to_string()))?;
                let v = if negate { -v } else { v };
                Ok((Operand::Const(Const::Float(v), Ty::F64), Ty::F64))
            }
            syn::Lit::Bool(b) => Ok((Operand::Const(Const::Bool(b.value), Ty::Bool), Ty::Bool)),
            syn::Lit::Char(c) => Ok((
                Operand::Const(Const::Int(c.value() as i128), Ty::Char),
                Ty::Char,
            )),
            syn::Lit::Str(s) => Ok((Operand::Const(Const::Str(s.value()), Ty::Str), Ty::Str)),
            syn::Lit::Byte(b) => Ok((int_const(b.value() as i128, IntTy::U8), Ty::Int(IntTy::U8))),
            _ => Err(self.unsupported(
                l,
                "this literal",
                "use integer, float, bool, char or string literals",
            )),
        }
    }

    fn path_expr(&mut self, p: &syn::ExprPath, expect: Option<&Ty>) -> R<(Operand, Ty)> {
        let segs = path_segments(&p.path);
        if segs.len() == 1 {
            if let Some(l) = self.lookup(&segs[0]) {
                return Ok((self.locals[l].val.clone(), self.locals[l].ty.clone()));
            }
            if segs[0] == "None" {
                let ty = match expect {
                    Some(t @ Ty::Option(_)) => t.clone(),
                    _ => {
                        return Err(self
                            .err(p, "cannot tell the type of this `None`")
                            .help("add a type annotation"))
                    }
                };
                let sp = self.span(p);
                return Ok((
                    self.emit(
                        OpKind::NewVariant("Option".into(), "None".into()),
                        vec![],
                        ty.clone(),
                        sp,
                    ),
                    ty,
                ));
            }
        }
        if let Some((c, ty)) = primitive_const(&segs) {
            return Ok((Operand::Const(c, ty.clone()), ty));
        }
        let key = self.item_key(&segs);
        if let Some(c) = self.k.consts.get(&key) {
            let ty = resolve_type(self.k, self.self_ty.as_deref(), &c.ty, c.file, &c.module)?;
            if let Some(v) = const_eval(self.k, &c.module, &c.expr, &ty, &mut Vec::new()) {
                return Ok((Operand::Const(v, ty.clone()), ty));
            }
            // An aggregate constant: build it where it is used, its paths resolved where
            // it is declared.
            let (file, expr) = (c.file, c.expr.clone());
            let saved = std::mem::replace(&mut self.file, file);
            let saved_module = std::mem::replace(&mut self.module, c.module.clone());
            let r = self.expr(&expr, Some(&ty));
            self.file = saved;
            self.module = saved_module;
            return r;
        }
        // A unit enum variant.
        if segs.len() >= 2 {
            let (en, var) = (
                self.item_key(&segs[..segs.len() - 1]),
                segs.last().unwrap().clone(),
            );
            if let Some(en_item) = self.k.enums.get(&en) {
                if en_item
                    .variants
                    .iter()
                    .any(|(n, f)| *n == var && f.is_empty())
                {
                    let ty = Ty::Adt(en.clone());
                    let sp = self.span(p);
                    return Ok((
                        self.emit(OpKind::NewVariant(en, var), vec![], ty.clone(), sp),
                        ty,
                    ));
                }
            }
        }
        if segs.len() == 1 && self.poisoned.contains(&segs[0]) {
            return Err(self.follow_on());
        }
        Err(self
            .err(p, format!("cannot find `{}` in analysed code", segs.join("::")))
            .help("only locals, constants, immutable statics and enum variants of the crate can be named"))
    }

    /// The key of the item a path names from this function's module (see
    /// [`Crate::resolve`]); a path that names nothing of the crate is kept as written.
    fn item_key(&self, segs: &[String]) -> String {
        self.k
            .resolve(&self.module, segs, self.self_ty.as_deref())
            .unwrap_or_else(|| segs.join("::"))
    }

    fn unary(&mut self, u: &syn::ExprUnary, expect: Option<&Ty>) -> R<(Operand, Ty)> {
        let sp = self.span(u);
        match u.op {
            syn::UnOp::Neg(_) => {
                if let syn::Expr::Lit(l) = &*u.expr {
                    return self.lit(&l.lit, expect, true);
                }
                let (v, t) = self.expr(&u.expr, expect)?;
                let p = match t {
                    Ty::F64 => Prim::FloatNeg,
                    Ty::Int(it) if it.signed() => Prim::IntNeg,
                    _ => return Err(self.err(u, format!("cannot negate a `{t}`"))),
                };
                Ok((self.emit(OpKind::Prim(p), vec![v], t.clone(), sp), t))
            }
            syn::UnOp::Not(_) => {
                let (v, t) = self.expr(&u.expr, expect)?;
                let p = match t {
                    Ty::Bool => Prim::BoolNot,
                    Ty::Int(_) => Prim::IntInvert,
                    _ => return Err(self.err(u, format!("cannot apply `!` to a `{t}`"))),
                };
                Ok((self.emit(OpKind::Prim(p), vec![v], t.clone(), sp), t))
            }
            syn::UnOp::Deref(_) => {
                let (v, t) = self.expr(&u.expr, expect)?;
                Ok((v, strip_scalar_ref(t)))
            }
            _ => Err(self.unsupported(u, "this operator", "use `-`, `!` or `*`")),
        }
    }

    fn is_untyped_lit(e: &syn::Expr) -> bool {
        match e {
            syn::Expr::Lit(l) => matches!(&l.lit, syn::Lit::Int(i) if i.suffix().is_empty()),
            syn::Expr::Unary(u) => {
                matches!(u.op, syn::UnOp::Neg(_)) && Self::is_untyped_lit(&u.expr)
            }
            syn::Expr::Paren(p) => Self::is_untyped_lit(&p.expr),
            _ => false,
        }
    }

    fn binary(&mut self, b: &syn::ExprBinary, expect: Option<&Ty>) -> R<(Operand, Ty)> {
        use syn::BinOp as B;
        let sp = self.span(b);
        match b.op {
            B::And(_) | B::Or(_) => return self.short_circuit(b),
            B::AddAssign(_)
            | B::SubAssign(_)
            | B::MulAssign(_)
            | B::DivAssign(_)
            | B::RemAssign(_)
            | B::BitAndAssign(_)
            | B::BitOrAssign(_)
            | B::BitXorAssign(_)
            | B::ShlAssign(_)
            | B::ShrAssign(_) => {
                let place = self.place(&b.left)?;
                let pty = self.place_ty(&place);
                let cur = self.read_place(&place, sp);
                let shift = matches!(b.op, B::ShlAssign(_) | B::ShrAssign(_));
                let h = self.hold(cur, &pty);
                let (r, rt) = self.expr(&b.right, if shift { None } else { Some(&pty) })?;
                let cur = self.release(h);
                let op = assign_op(b.op);
                let v = self.arith(op, cur, &pty, r, &rt, sp, b)?;
                self.write_place(place, v.0, sp);
                return Ok((unit(), Ty::Unit));
            }
            _ => {}
        }
        let cmp = matches!(
            b.op,
            B::Eq(_) | B::Ne(_) | B::Lt(_) | B::Le(_) | B::Gt(_) | B::Ge(_)
        );
        let shift = matches!(b.op, B::Shl(_) | B::Shr(_));
        let lexpect = if cmp { None } else { expect };
        let ((l, lt), (r, rt)) =
            if Self::is_untyped_lit(&b.left) && !Self::is_untyped_lit(&b.right) && !shift {
                let r = self.expr(&b.right, lexpect)?;
                let l = self.expr(&b.left, Some(&r.1))?;
                (l, r)
            } else {
                let l = self.expr(&b.left, lexpect)?;
                let h = self.hold(l.0, &l.1);
                let r = if shift {
                    let e = if Self::is_untyped_lit(&b.right) {
                        Some(Ty::Int(IntTy::I32))
                    } else {
                        None
                    };
                    self.expr(&b.right, e.as_ref())?
                } else {
                    self.expr(&b.right, Some(&l.1))?
                };
                let l = (self.release(h), l.1);
                (l, r)
            };
        self.arith(b.op, l, &lt, r, &rt, sp, b)
    }

    #[allow(clippy::too_many_arguments)]
    fn arith(
        &mut self,
        op: syn::BinOp,
        l: Operand,
        lt: &Ty,
        r: Operand,
        rt: &Ty,
        sp: Span,
        node: &impl Spanned,
    ) -> R<(Operand, Ty)> {
        use syn::BinOp as B;
        let (lt, rt) = (strip_scalar_ref(lt.clone()), strip_scalar_ref(rt.clone()));
        let shift = matches!(op, B::Shl(_) | B::Shr(_));
        if !shift && lt != rt {
            return Err(self
                .err(
                    node,
                    format!("operands of different types: `{lt}` and `{rt}`"),
                )
                .help("convert one side with `as`"));
        }
        let (prim, result) = match (&lt, op) {
            (Ty::Int(_), B::Add(_)) => (Prim::IntAdd, lt.clone()),
            (Ty::Int(_), B::Sub(_)) => (Prim::IntSub, lt.clone()),
            (Ty::Int(_), B::Mul(_)) => (Prim::IntMul, lt.clone()),
            (Ty::Int(_), B::Div(_)) => (Prim::IntDiv, lt.clone()),
            (Ty::Int(_), B::Rem(_)) => (Prim::IntRem, lt.clone()),
            (Ty::Int(_), B::BitAnd(_)) => (Prim::IntAnd, lt.clone()),
            (Ty::Int(_), B::BitOr(_)) => (Prim::IntOr, lt.clone()),
            (Ty::Int(_), B::BitXor(_)) => (Prim::IntXor, lt.clone()),
            (Ty::Int(_), B::Shl(_)) if rt.int().is_some() => (Prim::IntShl, lt.clone()),
            (Ty::Int(_), B::Shr(_)) if rt.int().is_some() => (Prim::IntShr, lt.clone()),
            (Ty::Int(_), B::Eq(_)) => (Prim::IntEq, Ty::Bool),
            (Ty::Int(_), B::Ne(_)) => (Prim::IntNe, Ty::Bool),
            (Ty::Int(_), B::Lt(_)) => (Prim::IntLt, Ty::Bool),
            (Ty::Int(_), B::Le(_)) => (Prim::IntLe, Ty::Bool),
            (Ty::Int(_), B::Gt(_)) => (Prim::IntGt, Ty::Bool),
            (Ty::Int(_), B::Ge(_)) => (Prim::IntGe, Ty::Bool),
            (Ty::F64, B::Add(_)) => (Prim::FloatAdd, Ty::F64),
            (Ty::F64, B::Sub(_)) => (Prim::FloatSub, Ty::F64),
            (Ty::F64, B::Mul(_)) => (Prim::FloatMul, Ty::F64),
            (Ty::F64, B::Div(_)) => (Prim::FloatDiv, Ty::F64),
            (Ty::F64, B::Rem(_)) => (Prim::FloatRem, Ty::F64),
            (Ty::F64, B::Eq(_)) => (Prim::FloatEq, Ty::Bool),
            (Ty::F64, B::Ne(_)) => (Prim::FloatNe, Ty::Bool),
            (Ty::F64, B::Lt(_)) => (Prim::FloatLt, Ty::Bool),
            (Ty::F64, B::Le(_)) => (Prim::FloatLe, Ty::Bool),
            (Ty::F64, B::Gt(_)) => (Prim::FloatGt, Ty::Bool),
            (Ty::F64, B::Ge(_)) => (Prim::FloatGe, Ty::Bool),
            (Ty::Bool, B::Eq(_)) => (Prim::BoolEq, Ty::Bool),
            (Ty::Bool, B::Ne(_)) => (Prim::BoolNe, Ty::Bool),
            (Ty::Bool, B::BitAnd(_)) => (Prim::BoolAnd, Ty::Bool),
            (Ty::Bool, B::BitOr(_)) => (Prim::BoolOr, Ty::Bool),
            (Ty::Bool, B::BitXor(_)) => (Prim::BoolXor, Ty::Bool),
            (Ty::Char, B::Eq(_)) => (Prim::CharEq, Ty::Bool),
            (Ty::Char, B::Ne(_)) => (Prim::CharNe, Ty::Bool),
            (Ty::Char, B::Lt(_)) => (Prim::CharLt, Ty::Bool),
            (Ty::Char, B::Le(_)) => (Prim::CharLe, Ty::Bool),
            (Ty::Char, B::Gt(_)) => (Prim::CharGt, Ty::Bool),
            (Ty::Char, B::Ge(_)) => (Prim::CharGe, Ty::Bool),
            _ => {
                return Err(self
                    .err(node, format!("this operator on `{lt}` is not supported in analysed code"))
                    .help("operators are supported on integers, floats, bools and chars; compare enums with `match`"))
            }
        };
        Ok((
            self.emit(OpKind::Prim(prim), vec![l, r], result.clone(), sp),
            result,
        ))
    }

    fn short_circuit(&mut self, b: &syn::ExprBinary) -> R<(Operand, Ty)> {
        let is_and = matches!(b.op, syn::BinOp::And(_));
        let (l, lt) = self.expr(&b.left, Some(&Ty::Bool))?;
        self.check_ty(&lt, &Ty::Bool, &b.left)?;
        let shape = self.visible();
        let (rhs, _) = self.join_block(&shape, &[]);
        let (join, jv) = self.join_block(&shape, &[Ty::Bool]);
        let from = self.cur();
        self.g[from].exitswitch = Some(l);
        let args = self.shape_args(&shape, vec![]);
        let short = Operand::Const(Const::Bool(!is_and), Ty::Bool);
        let mut short_args = args.clone();
        short_args.push(short);
        self.add_link(from, rhs, args, Case::Bool(is_and));
        self.add_link(from, join, short_args, Case::Bool(!is_and));
        self.enter(rhs, &shape);
        let (r, rt) = self.expr(&b.right, Some(&Ty::Bool))?;
        self.check_ty(&rt, &Ty::Bool, &b.right)?;
        self.goto(join, &shape, vec![r]);
        self.enter(join, &shape);
        Ok((Operand::Var(jv[0]), Ty::Bool))
    }

    // ---- places ----

    fn place(&mut self, e: &syn::Expr) -> R<Place> {
        match e {
            syn::Expr::Path(p) if p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                self.lookup(&name).map(Place::Local).ok_or_else(|| {
                    if self.poisoned.contains(&name) {
                        self.follow_on()
                    } else {
                        self.err(e, format!("cannot find local `{name}`"))
                    }
                })
            }
            syn::Expr::Field(f) => {
                let (obj, oty) = self.expr(&f.base, None)?;
                let (name, fty) = self.field_info(&oty, &f.member, e)?;
                Ok(Place::Field(self.hold(obj, &oty), name, fty))
            }
            syn::Expr::Index(ix) => {
                let (seq, sty) = self.expr(&ix.expr, None)?;
                let item = sty
                    .item()
                    .cloned()
                    .ok_or_else(|| self.err(&ix.expr, format!("cannot index a `{sty}`")))?;
                let hs = self.hold(seq, &sty);
                let usize_t = Ty::Int(IntTy::Usize);
                let (i, it) = self.expr(&ix.index, Some(&usize_t))?;
                self.check_ty(&it, &usize_t, &ix.index)?;
                Ok(Place::Index(hs, self.hold(i, &usize_t), item))
            }
            syn::Expr::Paren(p) => self.place(&p.expr),
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => Err(self.unsupported(
                e,
                "assignment through `*`",
                "assign to a field or an item of the object instead, or return the new value",
            )),
            _ => Err(self.unsupported(
                e,
                "assignment to this expression",
                "assign to a local, a field or an item",
            )),
        }
    }

    fn place_ty(&self, p: &Place) -> Ty {
        match p {
            Place::Local(l) => self.locals[*l].ty.clone(),
            Place::Field(_, _, t) | Place::Index(_, _, t) => t.clone(),
        }
    }

    fn read_place(&mut self, p: &Place, sp: Span) -> Operand {
        match p {
            Place::Local(l) => self.locals[*l].val.clone(),
            Place::Field(o, n, t) => {
                let o = self.held(*o);
                self.emit(OpKind::GetField(n.clone()), vec![o], t.clone(), sp)
            }
            Place::Index(s, i, t) => {
                let (s, i) = (self.held(*s), self.held(*i));
                self.emit(OpKind::GetItem, vec![s, i], t.clone(), sp)
            }
        }
    }

    /// Write `v` to the place, releasing its held operands.
    fn write_place(&mut self, p: Place, v: Operand, sp: Span) {
        match p {
            Place::Local(l) => {
                let name = self.locals[l].name.clone();
                let ty = self.locals[l].ty.clone();
                let v = self.named(v, &ty, &name);
                self.locals[l].val = v;
            }
            Place::Field(o, n, _) => {
                let o = self.release(o);
                self.emit(OpKind::SetField(n), vec![o, v], Ty::Unit, sp);
            }
            Place::Index(s, i, _) => {
                let i = self.release(i);
                let s = self.release(s);
                self.emit(OpKind::SetItem, vec![s, i, v], Ty::Unit, sp);
            }
        }
    }

    fn field_info(&self, oty: &Ty, m: &syn::Member, node: &impl Spanned) -> R<(String, Ty)> {
        let name = match m {
            syn::Member::Named(i) => i.to_string(),
            syn::Member::Unnamed(i) => i.index.to_string(),
        };
        match oty.strip_ref() {
            Ty::Adt(s) => Ok((name.clone(), self.struct_field_ty(s, &name, node)?)),
            t => Err(self.err(node, format!("no field `{name}` on a `{t}`"))),
        }
    }

    fn field(
        &mut self,
        obj: Operand,
        oty: &Ty,
        m: &syn::Member,
        sp: Span,
        node: &syn::Expr,
    ) -> R<(Operand, Ty)> {
        if let (Ty::Tuple(ts), syn::Member::Unnamed(i)) = (oty.strip_ref(), m) {
            let t = ts
                .get(i.index as usize)
                .cloned()
                .ok_or_else(|| self.err(node, "tuple index out of range"))?;
            return Ok((
                self.emit(OpKind::TupleGet(i.index as usize), vec![obj], t.clone(), sp),
                t,
            ));
        }
        let (name, fty) = self.field_info(oty, m, node)?;
        Ok((
            self.emit(OpKind::GetField(name), vec![obj], fty.clone(), sp),
            fty,
        ))
    }

    fn index(&mut self, ix: &syn::ExprIndex) -> R<(Operand, Ty)> {
        let sp = self.span(ix);
        let (seq, sty) = self.expr(&ix.expr, None)?;
        let item = sty
            .item()
            .cloned()
            .ok_or_else(|| self.err(&ix.expr, format!("cannot index a `{sty}`")))?;
        let usize_t = Ty::Int(IntTy::Usize);
        if let syn::Expr::Range(r) = &*ix.index {
            let lo = match &r.start {
                Some(s) => self.expr(s, Some(&usize_t))?.0,
                None => int_const(0, IntTy::Usize),
            };
            let hi = match &r.end {
                Some(e) => {
                    let h = self.expr(e, Some(&usize_t))?.0;
                    if matches!(r.limits, syn::RangeLimits::Closed(_)) {
                        self.emit(
                            OpKind::Prim(Prim::IntAdd),
                            vec![h, int_const(1, IntTy::Usize)],
                            usize_t.clone(),
                            sp,
                        )
                    } else {
                        h
                    }
                }
                None => self.emit(OpKind::Len, vec![seq.clone()], usize_t.clone(), sp),
            };
            let ty = Ty::Slice(Box::new(item));
            return Ok((
                self.emit(OpKind::SubSlice, vec![seq, lo, hi], ty.clone(), sp),
                ty,
            ));
        }
        let h = self.hold(seq, &sty);
        let (i, it) = self.expr(&ix.index, Some(&usize_t))?;
        let seq = self.release(h);
        self.check_ty(&it, &usize_t, &ix.index)?;
        Ok((
            self.emit(OpKind::GetItem, vec![seq, i], item.clone(), sp),
            item,
        ))
    }

    fn struct_lit(&mut self, s: &syn::ExprStruct) -> R<(Operand, Ty)> {
        if s.rest.is_some() {
            return Err(self.unsupported(s, "struct update syntax `..`", "list every field"));
        }
        let segs = path_segments(&s.path);
        let name = self.item_key(&segs);
        if segs.len() >= 2 {
            let en = self.item_key(&segs[..segs.len() - 1]);
            let vname = segs.last().unwrap().clone();
            if let Some(e) = self.k.enums.get(&en) {
                let (_, decl) = e
                    .variants
                    .iter()
                    .find(|(n, _)| *n == vname)
                    .ok_or_else(|| self.err(s, format!("no variant `{vname}` in `{en}`")))?
                    .clone();
                let (file, module) = (e.file, e.module.clone());
                let mut vals: Vec<Option<Operand>> = vec![None; decl.len()];
                for f in &s.fields {
                    let fname = match &f.member {
                        syn::Member::Named(i) => i.to_string(),
                        syn::Member::Unnamed(i) => i.index.to_string(),
                    };
                    let pos = decl
                        .iter()
                        .position(|(n, _)| n.as_deref() == Some(&fname))
                        .ok_or_else(|| {
                            self.err(f, format!("no field `{fname}` in `{en}::{vname}`"))
                        })?;
                    let fty = resolve_type(self.k, Some(&en), &decl[pos].1, file, &module)?;
                    let (v, t) = self.expr(&f.expr, Some(&fty))?;
                    self.check_ty(&t, &fty, &f.expr)?;
                    vals[pos] = Some(v);
                }
                let vals: Vec<Operand> = vals
                    .into_iter()
                    .collect::<Option<_>>()
                    .ok_or_else(|| self.err(s, "missing fields"))?;
                let sp = self.span(s);
                let ty = Ty::Adt(en.clone());
                return Ok((
                    self.emit(OpKind::NewVariant(en, vname), vals, ty.clone(), sp),
                    ty,
                ));
            }
        }
        let st = self.k.structs.get(&name).ok_or_else(|| {
            self.unsupported(s, "a struct literal of a type outside the crate, or an enum variant with named fields", "use a struct of the crate")
        })?;
        let order: Vec<String> = st.fields.iter().map(|f| f.0.clone()).collect();
        let mut vals: Vec<Option<Operand>> = vec![None; order.len()];
        for f in &s.fields {
            let fname = match &f.member {
                syn::Member::Named(i) => i.to_string(),
                syn::Member::Unnamed(i) => i.index.to_string(),
            };
            let pos = order
                .iter()
                .position(|o| *o == fname)
                .ok_or_else(|| self.err(f, format!("no field `{fname}` in `{name}`")))?;
            let fty = self.struct_field_ty(&name, &fname, f)?;
            let (v, t) = self.expr(&f.expr, Some(&fty))?;
            self.check_ty(&t, &fty, &f.expr)?;
            vals[pos] = Some(v);
        }
        let vals: Option<Vec<Operand>> = vals.into_iter().collect();
        let vals = vals.ok_or_else(|| self.err(s, "missing fields"))?;
        let sp = self.span(s);
        let ty = Ty::Adt(name.clone());
        Ok((self.emit(OpKind::NewStruct(name), vals, ty.clone(), sp), ty))
    }

    // ---- control flow ----

    fn if_expr(&mut self, i: &syn::ExprIf, expect: Option<&Ty>) -> R<(Operand, Ty)> {
        if let syn::Expr::Let(l) = &*i.cond {
            let mut arms = vec![ArmRef {
                pat: &l.pat,
                guard: None,
                body: Body::Block(&i.then_branch),
            }];
            let wild = syn::Pat::Wild(syn::PatWild {
                attrs: vec![],
                underscore_token: Default::default(),
            });
            let else_body = match &i.else_branch {
                Some((_, e)) => Body::Expr(e),
                None => Body::Unit,
            };
            arms.push(ArmRef {
                pat: &wild,
                guard: None,
                body: else_body,
            });
            let node = syn::Expr::If(i.clone());
            return self.match_expr(&l.expr, &arms, expect, &node);
        }
        // As for `match`: with no expected type, the first type a branch tells.
        let peeked = match (expect, &i.else_branch) {
            (None, Some(_)) => self.peek_if(i),
            _ => None,
        };
        let expect = expect.or(peeked.as_ref());
        let (c, ct) = self.expr(&i.cond, Some(&Ty::Bool))?;
        self.check_ty(&ct, &Ty::Bool, &i.cond)?;
        let shape = self.visible();
        let (tb, _) = self.join_block(&shape, &[]);
        let (fb, _) = self.join_block(&shape, &[]);
        self.branch(c, tb, fb, &shape);
        let mut join = JoinState::default();
        self.enter(tb, &shape);
        let exp = if i.else_branch.is_some() {
            expect
        } else {
            Some(&Ty::Unit)
        };
        let (v, t) = self.block(&i.then_branch, exp)?;
        self.join_from(&mut join, &shape, v, t, &i.then_branch)?;
        self.enter(fb, &shape);
        let (v, t) = match &i.else_branch {
            Some((_, e)) => self.expr(e, join.ty.as_ref().or(expect))?,
            None => (unit(), Ty::Unit),
        };
        self.join_from(&mut join, &shape, v, t, &i.cond)?;
        Ok(self.join_end(join, &shape))
    }

    /// Send the current block's value to the join block of an `if`/`match`.
    fn join_from(
        &mut self,
        j: &mut JoinState,
        shape: &[usize],
        v: Operand,
        t: Ty,
        node: &impl Spanned,
    ) -> R<()> {
        if self.cur.is_none() || t == Ty::Never {
            self.cur = None;
            return Ok(());
        }
        match &j.ty {
            Some(jt) => self.check_ty(&t, jt, node)?,
            None => {
                let extra: Vec<Ty> = if t == Ty::Unit {
                    vec![]
                } else {
                    vec![t.clone()]
                };
                let (b, vars) = self.join_block(shape, &extra);
                j.block = Some((b, vars.first().copied()));
                j.ty = Some(t);
            }
        }
        let (b, has_value) = j.block.unwrap();
        self.goto(b, shape, if has_value.is_some() { vec![v] } else { vec![] });
        Ok(())
    }

    fn join_end(&mut self, j: JoinState, shape: &[usize]) -> (Operand, Ty) {
        match j.block {
            Some((b, v)) => {
                self.enter(b, shape);
                (v.map_or_else(unit, Operand::Var), j.ty.unwrap())
            }
            None => {
                self.cur = None;
                (unit(), Ty::Never)
            }
        }
    }

    /// The type of `e` when it can be told without building it: a local variable, a
    /// call of a crate function, a block, `if` or `match` whose value can be told.
    /// A `match` or `if` with no expected type takes the first type its arms tell as
    /// expected, so `Ok(..)` in a first arm gets the type a later arm's call has, as
    /// rustc infers it.
    fn peek_type(&self, e: &syn::Expr) -> Option<Ty> {
        use syn::Expr as E;
        let of_block = |b: &syn::Block| match b.stmts.last() {
            Some(syn::Stmt::Expr(x, None)) => self.peek_type(x),
            _ => None,
        };
        match strip_parens(e) {
            E::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                let l = self.lookup(&p.path.segments[0].ident.to_string())?;
                Some(self.locals[l].ty.clone())
            }
            E::Call(c) => {
                let E::Path(p) = &*c.func else { return None };
                let key = self.item_key(&path_segments(&p.path));
                if !self.k.fns.contains_key(&key) {
                    return None;
                }
                self.signature(&key).ok().map(|(_, r)| r)
            }
            E::Block(b) => of_block(&b.block),
            E::If(i) => self.peek_if(i),
            E::Match(m) => m.arms.iter().find_map(|a| self.peek_type(&a.body)),
            _ => None,
        }
    }

    /// [`Self::peek_type`] of an `if`: its first branch's, else its second's.
    fn peek_if(&self, i: &syn::ExprIf) -> Option<Ty> {
        let then = match i.then_branch.stmts.last() {
            Some(syn::Stmt::Expr(x, None)) => self.peek_type(x),
            _ => None,
        };
        then.or_else(|| i.else_branch.as_ref().and_then(|(_, x)| self.peek_type(x)))
    }

    fn match_expr(
        &mut self,
        scrut: &syn::Expr,
        arms: &[ArmRef<'_>],
        expect: Option<&Ty>,
        node: &syn::Expr,
    ) -> R<(Operand, Ty)> {
        let peeked = match expect {
            Some(_) => None,
            None => arms.iter().find_map(|a| match a.body {
                Body::Expr(x) => self.peek_type(x),
                Body::Block(b) => match b.stmts.last() {
                    Some(syn::Stmt::Expr(x, None)) => self.peek_type(x),
                    _ => None,
                },
                Body::Unit => None,
            }),
        };
        let expect = expect.or(peeked.as_ref());
        // A tuple expression is matched element by element, without building the tuple.
        if let syn::Expr::Tuple(t) = strip_parens(scrut) {
            if !t.elems.is_empty() {
                let mut cols = Vec::new();
                let mut tys = Vec::new();
                for x in &t.elems {
                    let (v, ty) = self.expr(x, None)?;
                    let ty = strip_scalar_ref(ty);
                    cols.push(self.hold(v, &ty));
                    tys.push(ty);
                }
                let r = self.match_arms(
                    &Val::Cols(cols.clone()),
                    &Ty::Tuple(tys),
                    arms,
                    expect,
                    node,
                );
                for c in cols.into_iter().rev() {
                    self.release(c);
                }
                return r;
            }
        }
        let (s, sty) = self.expr(scrut, None)?;
        let sty = strip_scalar_ref(sty);
        // One switch on the value when every arm is a flat pattern without a guard.
        let flat = !matches!(sty, Ty::Tuple(_))
            && arms
                .iter()
                .all(|a| a.guard.is_none() && self.pattern_cases(a.pat, &sty).is_ok());
        if !flat {
            let h = self.hold(s, &sty);
            let r = self.match_arms(&Val::Held(h), &sty, arms, expect, node);
            self.release(h);
            return r;
        }
        let shape = self.visible();
        let from = self.cur();
        let mut join = JoinState::default();
        let enum_like = matches!(sty.strip_ref(), Ty::Adt(n) if self.k.enums.contains_key(n))
            || matches!(sty, Ty::Option(_) | Ty::Result(..));
        let switch = if enum_like {
            let sp = self.span(scrut);
            self.emit(OpKind::VariantTag, vec![s.clone()], Ty::Str, sp)
        } else if matches!(sty, Ty::Int(_) | Ty::Bool | Ty::Char) {
            s.clone()
        } else {
            return Err(self.unsupported(
                scrut,
                &format!("a `match` on a `{sty}`"),
                "match on integers, bools, chars or enums",
            ));
        };
        let from = self.cur.unwrap_or(from);
        self.g[from].exitswitch = Some(switch);
        let mut used: Vec<Case> = Vec::new();
        let mut has_default = false;
        let mut arm_blocks = Vec::new();
        for a in arms {
            let cases = self.pattern_cases(a.pat, &sty)?;
            let binds = !matches!(cases.1, Binding::None);
            let extra: Vec<Ty> = if binds { vec![sty.clone()] } else { vec![] };
            let (b, sv) = self.join_block(&shape, &extra);
            let sv = sv.first().copied();
            let args = {
                let mut v = self.shape_args(&shape, vec![]);
                if binds {
                    v.push(s.clone());
                }
                v
            };
            let mut linked = false;
            for c in cases.0 {
                if has_default || used.contains(&c) {
                    continue;
                }
                if c == Case::Default {
                    has_default = true;
                }
                used.push(c.clone());
                self.add_link(from, b, args.clone(), c);
                linked = true;
            }
            arm_blocks.push((b, sv, cases.1, linked));
        }
        if !has_default {
            let complete = match &sty {
                Ty::Bool => used.len() == 2,
                Ty::Adt(n) => self
                    .k
                    .enums
                    .get(n)
                    .is_some_and(|e| e.variants.len() == used.len()),
                Ty::Option(_) | Ty::Result(..) => used.len() == 2,
                _ => false,
            };
            if !complete {
                return Err(self
                    .err(node, "this match has no `_` arm")
                    .help("add a `_ =>` arm"));
            }
        }
        self.cur = None;
        for (a, (b, sv, binding, linked)) in arms.iter().zip(arm_blocks) {
            if !linked {
                self.g.remove_node(b);
                continue;
            }
            self.enter(b, &shape);
            self.scopes.push(Vec::new());
            match binding {
                Binding::None => {}
                Binding::Whole(name) => {
                    self.bind(&name, sty.clone(), Operand::Var(sv.unwrap()));
                }
                Binding::Fields(variant, fields) => {
                    let ftys = self.variant_field_tys(&sty, &variant, a.pat)?;
                    for (i, name) in fields.into_iter().enumerate() {
                        if let Some(name) = name {
                            let ft = ftys[i].clone();
                            let sp = self.span(a.pat);
                            let v = self.emit(
                                OpKind::VariantField(variant.clone(), i),
                                vec![Operand::Var(sv.unwrap())],
                                ft.clone(),
                                sp,
                            );
                            let v = self.named(v, &ft, &name);
                            self.bind(&name, ft, v);
                        }
                    }
                }
            }
            let r = match a.body {
                Body::Expr(e) => self.expr(e, join.ty.as_ref().or(expect)),
                Body::Block(bl) => self.block(bl, join.ty.as_ref().or(expect)),
                Body::Unit => Ok((unit(), Ty::Unit)),
            };
            self.scopes.pop();
            let (v, t) = r?;
            self.join_from(&mut join, &shape, v, t, a.pat)?;
        }
        Ok(self.join_end(join, &shape))
    }

    fn variant_field_tys(&self, sty: &Ty, variant: &str, node: &impl Spanned) -> R<Vec<Ty>> {
        match sty {
            Ty::Option(t) => Ok(vec![(**t).clone()]),
            Ty::Result(t, e) => Ok(vec![if variant == "Ok" {
                (**t).clone()
            } else {
                (**e).clone()
            }]),
            Ty::Adt(n) => {
                let en = &self.k.enums[n];
                let (_, fields) = en
                    .variants
                    .iter()
                    .find(|(v, _)| v == variant)
                    .ok_or_else(|| self.err(node, format!("no variant `{variant}` in `{n}`")))?;
                fields
                    .iter()
                    .map(|(_, t)| resolve_type(self.k, Some(n), t, en.file, &en.module))
                    .collect()
            }
            _ => Err(self.err(node, "not an enum")),
        }
    }

    /// The cases a pattern matches, and what it binds.
    fn pattern_cases(&self, p: &syn::Pat, sty: &Ty) -> R<(Vec<Case>, Binding)> {
        use syn::Pat as P;
        let variant_names: Vec<String> = match sty {
            Ty::Adt(n) => self
                .k
                .enums
                .get(n)
                .map(|e| e.variants.iter().map(|v| v.0.clone()).collect())
                .unwrap_or_default(),
            Ty::Option(_) => vec!["Some".into(), "None".into()],
            Ty::Result(..) => vec!["Ok".into(), "Err".into()],
            _ => vec![],
        };
        let is_enum = !variant_names.is_empty();
        match p {
            P::Wild(_) => Ok((vec![Case::Default], Binding::None)),
            P::Ident(id) if id.subpat.is_none() => {
                let name = id.ident.to_string();
                if is_enum && variant_names.contains(&name) {
                    return Ok((vec![Case::Variant(name)], Binding::None));
                }
                // A name that is a constant (local or of the crate) is a constant pattern.
                let local_const = self.lookup(&name).and_then(|l| match &self.locals[l].val {
                    Operand::Const(c, _) if self.locals[l].name == name && id.mutability.is_none() && name.chars().next().is_some_and(|c| c.is_uppercase()) => Some(c.clone()),
                    _ => None,
                });
                let konst = local_const.or_else(|| self.k.consts.get(&self.item_key(std::slice::from_ref(&name))).and_then(|c| const_eval(self.k, &c.module, &c.expr, sty, &mut Vec::new())));
                match konst {
                    Some(Const::Int(i)) => Ok((vec![Case::Int(i)], Binding::None)),
                    Some(Const::Bool(b)) => Ok((vec![Case::Bool(b)], Binding::None)),
                    _ => Ok((vec![Case::Default], Binding::Whole(name))),
                }
            }
            P::Lit(l) if !is_enum => {
                let c = match &l.lit {
                    syn::Lit::Int(i) => Case::Int(i.base10_parse().map_err(|e| self.err(i, e.to_string()))?),
                    syn::Lit::Bool(b) => Case::Bool(b.value),
                    syn::Lit::Char(c) => Case::Int(c.value() as i128),
                    syn::Lit::Byte(b) => Case::Int(b.value() as i128),
                    _ => return Err(self.unsupported(p, "this literal pattern", "use integer, bool or char literals")),
                };
                Ok((vec![c], Binding::None))
            }
            P::Path(pp) => {
                let segs: Vec<String> = pp.path.segments.iter().map(|s| s.ident.to_string()).collect();
                if is_enum {
                    let v = segs.last().unwrap().clone();
                    if variant_names.contains(&v) {
                        return Ok((vec![Case::Variant(v)], Binding::None));
                    }
                    return Err(self.err(p, format!("`{}` is not a variant of `{sty}`", segs.join("::"))));
                }
                let key = self.item_key(&segs);
                let c = self.k.consts.get(&key).ok_or_else(|| self.err(p, format!("cannot find constant `{key}`")))?;
                match const_eval(self.k, &c.module, &c.expr, sty, &mut Vec::new()) {
                    Some(Const::Int(i)) => Ok((vec![Case::Int(i)], Binding::None)),
                    Some(Const::Bool(b)) => Ok((vec![Case::Bool(b)], Binding::None)),
                    _ => Err(self.err(p, format!("cannot evaluate constant `{key}` here"))),
                }
            }
            P::TupleStruct(ts) if is_enum => {
                let v = ts.path.segments.last().unwrap().ident.to_string();
                if !variant_names.contains(&v) {
                    return Err(self.err(p, format!("`{v}` is not a variant of `{sty}`")));
                }
                let mut names = Vec::new();
                for e in &ts.elems {
                    match e {
                        P::Ident(id) if id.subpat.is_none() => names.push(Some(id.ident.to_string())),
                        P::Wild(_) => names.push(None),
                        _ => return Err(self.unsupported(e, "a nested pattern", "bind a name here and `match` on it inside the arm")),
                    }
                }
                Ok((vec![Case::Variant(v.clone())], Binding::Fields(v, names)))
            }
            P::Struct(ps) if is_enum => {
                let v = ps.path.segments.last().unwrap().ident.to_string();
                let Ty::Adt(en) = sty else { unreachable!() };
                let decl = self.k.enums[en].variants.iter().find(|x| x.0 == v).ok_or_else(|| self.err(p, format!("no variant `{v}`")))?;
                let mut names = vec![None; decl.1.len()];
                for f in &ps.fields {
                    let fname = match &f.member {
                        syn::Member::Named(i) => i.to_string(),
                        syn::Member::Unnamed(i) => i.index.to_string(),
                    };
                    let pos = decl.1.iter().position(|(n, _)| n.as_deref() == Some(&fname)).ok_or_else(|| self.err(f, format!("no field `{fname}`")))?;
                    match &*f.pat {
                        P::Ident(id) if id.subpat.is_none() => names[pos] = Some(id.ident.to_string()),
                        P::Wild(_) => {}
                        other => return Err(self.unsupported(other, "a nested pattern", "bind a name here and `match` on it inside the arm")),
                    }
                }
                Ok((vec![Case::Variant(v.clone())], Binding::Fields(v, names)))
            }
            P::Or(o) => {
                let mut cases = Vec::new();
                for alt in &o.cases {
                    let (c, b) = self.pattern_cases(alt, sty)?;
                    if !matches!(b, Binding::None) {
                        return Err(self.unsupported(alt, "a binding inside an or-pattern", "split the arm"));
                    }
                    cases.extend(c);
                }
                Ok((cases, Binding::None))
            }
            P::Range(r) if !is_enum => {
                // A small range of literals is the list of its values.
                let bound = |e: &Option<Box<syn::Expr>>| -> Option<i128> {
                    match const_eval(self.k, &self.module, e.as_deref()?, sty, &mut Vec::new())? {
                        Const::Int(i) => Some(i),
                        _ => None,
                    }
                };
                let (lo, hi) = match (bound(&r.start), bound(&r.end)) {
                    (Some(lo), Some(hi)) => (lo, if matches!(r.limits, syn::RangeLimits::Closed(_)) { hi } else { hi - 1 }),
                    _ => return Err(self.unsupported(p, "an open or non-constant range pattern", "give both bounds as literals or constants")),
                };
                if hi < lo || hi - lo >= MAX_RANGE_CASES {
                    return Err(self.unsupported(p, &format!("a range pattern of more than {MAX_RANGE_CASES} values"), "test the range with `if` in a `_` arm"));
                }
                Ok(((lo..=hi).map(Case::Int).collect(), Binding::None))
            }
            _ => Err(self.unsupported(p, "this pattern", "use literals, constants, `_`, a name, or an enum variant with names for its fields")),
        }
    }

    // ---- general patterns ----
    //
    // A `match` whose patterns are not all flat (tuples, nested variants, literals inside
    // variants, struct patterns, `|` with bindings, guards) is tested arm by arm, in
    // order: each arm's pattern becomes a chain of the primitive switches (a variant
    // switch on `variant_tag`, a switch on an integer, bool or char), every mismatch
    // going to the next arm's test, so the first arm that matches wins as in Rust. The
    // size of the graph is linear in the size of the patterns.

    /// The variants of an enum type (the crate's, `Option`, `Result`); none for others.
    fn variant_names(&self, ty: &Ty) -> Vec<String> {
        match ty.strip_ref() {
            Ty::Adt(n) => self
                .k
                .enums
                .get(n)
                .map(|e| e.variants.iter().map(|v| v.0.clone()).collect())
                .unwrap_or_default(),
            Ty::Option(_) => vec!["Some".into(), "None".into()],
            Ty::Result(..) => vec!["Ok".into(), "Err".into()],
            _ => vec![],
        }
    }

    /// The sub-patterns of a tuple-like pattern with `..` expanded to wildcards (`None`).
    fn expand_rest<'p>(
        &self,
        elems: &'p syn::punctuated::Punctuated<syn::Pat, syn::Token![,]>,
        n: usize,
        node: &syn::Pat,
    ) -> R<Vec<Option<&'p syn::Pat>>> {
        let rest = elems.iter().position(|e| matches!(e, syn::Pat::Rest(_)));
        let given = elems.len() - rest.is_some() as usize;
        if given > n || (rest.is_none() && given != n) {
            return Err(self.err(
                node,
                format!("this pattern has {given} fields, but the value has {n}"),
            ));
        }
        let mut out = Vec::new();
        for (i, e) in elems.iter().enumerate() {
            if Some(i) == rest {
                out.extend(std::iter::repeat_n(None, n - given));
            } else {
                out.push(Some(e));
            }
        }
        Ok(out)
    }

    /// Resolve a pattern against the type of the value it matches.
    fn resolve_pat(&self, p: &syn::Pat, ty: &Ty) -> R<Pat> {
        use syn::Pat as P;
        let ty = strip_scalar_ref(ty.clone());
        let variants = self.variant_names(&ty);
        let is_enum = !variants.is_empty();
        let scalar = matches!(ty, Ty::Int(_) | Ty::Bool | Ty::Char);
        let sub = |this: &Self, p: Option<&syn::Pat>, t: &Ty| -> R<Pat> {
            match p {
                Some(p) => this.resolve_pat(p, t),
                None => Ok(Pat::Wild),
            }
        };
        match p {
            P::Wild(_) => Ok(Pat::Wild),
            P::Paren(x) => self.resolve_pat(&x.pat, &ty),
            P::Reference(r) => self.resolve_pat(&r.pat, &ty),
            P::Ident(id) => {
                let name = id.ident.to_string();
                if let Some((_, subpat)) = &id.subpat {
                    let inner = self.resolve_pat(subpat, &ty)?;
                    return Ok(Pat::Bind(name, Box::new(inner)));
                }
                if is_enum && variants.contains(&name) {
                    return Ok(Pat::Tags(vec![name]));
                }
                if scalar {
                    let (cases, b) = self.pattern_cases(p, &ty)?;
                    if matches!(b, Binding::None) {
                        return Ok(Pat::Cases(cases));
                    }
                }
                Ok(Pat::Bind(name, Box::new(Pat::Wild)))
            }
            P::Tuple(t) => {
                let Ty::Tuple(ts) = &ty else {
                    return Err(self.err(p, format!("a tuple pattern for a value of type `{ty}`")));
                };
                let elems = self.expand_rest(&t.elems, ts.len(), p)?;
                let mut out = Vec::new();
                for (e, t) in elems.into_iter().zip(ts) {
                    out.push((t.clone(), sub(self, e, t)?));
                }
                Ok(Pat::Tuple(out))
            }
            P::TupleStruct(ts) if is_enum => {
                let v = ts.path.segments.last().unwrap().ident.to_string();
                if !variants.contains(&v) {
                    return Err(self.err(p, format!("`{v}` is not a variant of `{ty}`")));
                }
                let ftys = self.variant_field_tys(&ty, &v, p)?;
                let elems = self.expand_rest(&ts.elems, ftys.len(), p)?;
                let mut fields = Vec::new();
                for (e, t) in elems.into_iter().zip(&ftys) {
                    fields.push((t.clone(), sub(self, e, t)?));
                }
                Ok(Pat::Variant(v, fields))
            }
            P::Struct(ps) if is_enum => {
                let v = ps.path.segments.last().unwrap().ident.to_string();
                let Ty::Adt(en) = &ty else {
                    return Err(self.err(p, format!("`{v}` has no named fields")));
                };
                let decl = self.k.enums[en]
                    .variants
                    .iter()
                    .find(|x| x.0 == v)
                    .ok_or_else(|| self.err(p, format!("no variant `{v}` in `{en}`")))?;
                let ftys = self.variant_field_tys(&ty, &v, p)?;
                let mut fields: Vec<(Ty, Pat)> =
                    ftys.iter().map(|t| (t.clone(), Pat::Wild)).collect();
                for f in &ps.fields {
                    let fname = member_name(&f.member);
                    let pos = decl
                        .1
                        .iter()
                        .enumerate()
                        .position(|(i, (n, _))| {
                            n.as_deref() == Some(&fname) || (n.is_none() && i.to_string() == fname)
                        })
                        .ok_or_else(|| self.err(f, format!("no field `{fname}` in `{v}`")))?;
                    fields[pos].1 = self.resolve_pat(&f.pat, &ftys[pos])?;
                }
                Ok(Pat::Variant(v, fields))
            }
            P::Struct(ps) => {
                let Ty::Adt(sn) = &ty else {
                    return Err(self.err(p, format!("a struct pattern for a value of type `{ty}`")));
                };
                let mut fields = Vec::new();
                for f in &ps.fields {
                    let fname = member_name(&f.member);
                    let ft = self.struct_field_ty(sn, &fname, f)?;
                    let fp = self.resolve_pat(&f.pat, &ft)?;
                    fields.push((fname, ft, fp));
                }
                Ok(Pat::Struct(fields))
            }
            P::TupleStruct(ts) => {
                let Ty::Adt(sn) = &ty else {
                    return Err(self.err(p, format!("a tuple struct pattern for a value of type `{ty}`")));
                };
                let n = self.k.structs.get(sn).map_or(0, |s| s.fields.len());
                let elems = self.expand_rest(&ts.elems, n, p)?;
                let mut fields = Vec::new();
                for (i, e) in elems.into_iter().enumerate() {
                    let fname = i.to_string();
                    let ft = self.struct_field_ty(sn, &fname, p)?;
                    let fp = sub(self, e, &ft)?;
                    fields.push((fname, ft, fp));
                }
                Ok(Pat::Struct(fields))
            }
            P::Path(pp) if is_enum => {
                let v = pp.path.segments.last().unwrap().ident.to_string();
                if !variants.contains(&v) {
                    return Err(self.err(p, format!("`{v}` is not a variant of `{ty}`")));
                }
                Ok(Pat::Tags(vec![v]))
            }
            P::Or(o) => {
                let alts: Vec<Pat> = o
                    .cases
                    .iter()
                    .map(|a| self.resolve_pat(a, &ty))
                    .collect::<R<_>>()?;
                if alts.iter().all(|a| matches!(a, Pat::Cases(_))) {
                    let mut all = Vec::new();
                    for a in alts {
                        let Pat::Cases(c) = a else { unreachable!() };
                        all.extend(c);
                    }
                    return Ok(Pat::Cases(all));
                }
                if alts.iter().all(|a| matches!(a, Pat::Tags(_))) {
                    let mut all = Vec::new();
                    for a in alts {
                        let Pat::Tags(c) = a else { unreachable!() };
                        all.extend(c);
                    }
                    return Ok(Pat::Tags(all));
                }
                Ok(Pat::Or(alts))
            }
            P::Lit(_) | P::Range(_) | P::Path(_) if scalar => {
                Ok(Pat::Cases(self.pattern_cases(p, &ty)?.0))
            }
            _ => Err(self.unsupported(
                p,
                "this pattern",
                "use literals, ranges, constants, `_`, names, `name @ pattern`, tuples, enum variants or structs",
            )),
        }
    }

    fn has_preds(&self, b: BlockId) -> bool {
        self.g
            .neighbors_directed(b, petgraph::Direction::Incoming)
            .next()
            .is_some()
    }

    /// A value being matched, as a held local (see [`Self::hold`]).
    fn val_held(&mut self, val: &Val, ty: &Ty, sp: Span) -> usize {
        match val {
            Val::Held(h) => *h,
            Val::Cols(cols) => {
                let args: Vec<Operand> = cols.iter().map(|&c| self.held(c)).collect();
                let t = self.emit(OpKind::NewTuple, args, ty.clone(), sp);
                self.hold(t, ty)
            }
        }
    }

    /// End the current block with a switch on `sw`: `ok` cases go to a new block, which
    /// becomes current (with every visible local), the `fail` case to `fail`.
    fn switch_test(&mut self, sw: Operand, ok: Vec<Case>, fail_case: Case, fail: &Fail) {
        let from = self.cur();
        self.g[from].exitswitch = Some(sw);
        let shape = self.visible();
        let (okb, _) = self.join_block(&shape, &[]);
        let args = self.shape_args(&shape, vec![]);
        for c in ok {
            self.add_link(from, okb, args.clone(), c);
        }
        let fargs = self.shape_args(&fail.shape, vec![]);
        self.add_link(from, fail.block, fargs, fail_case);
        self.cur = None;
        self.enter(okb, &shape);
    }

    /// Test that the held value `h` is one of the variants `names`.
    fn test_tags(&mut self, h: usize, ty: &Ty, names: &[String], fail: &Fail, sp: Span) {
        let all = self.variant_names(ty);
        let rest: Vec<&String> = all.iter().filter(|v| !names.contains(v)).collect();
        if rest.is_empty() {
            return;
        }
        let v = self.held(h);
        let tag = self.emit(OpKind::VariantTag, vec![v], Ty::Str, sp);
        let mut ok: Vec<Case> = Vec::new();
        for n in names {
            let c = Case::Variant(n.clone());
            if !ok.contains(&c) {
                ok.push(c);
            }
        }
        let fail_case = match rest.as_slice() {
            [one] => Case::Variant((*one).clone()),
            _ => Case::Default,
        };
        self.switch_test(tag, ok, fail_case, fail);
    }

    /// Emit the tests of `pat` on `val`: control goes on in the current block when it
    /// matches, and to `fail` when it does not. The bindings are pushed to `binds` as
    /// held locals, which live in the innermost scope.
    #[allow(clippy::too_many_arguments)]
    fn test_pat(
        &mut self,
        pat: &Pat,
        val: &Val,
        ty: &Ty,
        fail: &Fail,
        binds: &mut Vec<(String, usize)>,
        sp: Span,
    ) -> R<()> {
        match pat {
            Pat::Wild => {}
            Pat::Bind(name, inner) => {
                let h = self.val_held(val, ty, sp);
                binds.push((name.clone(), h));
                self.test_pat(inner, &Val::Held(h), ty, fail, binds, sp)?;
            }
            Pat::Cases(cases) => {
                let h = self.val_held(val, ty, sp);
                let mut ok: Vec<Case> = Vec::new();
                for c in cases {
                    if !ok.contains(c) {
                        ok.push(c.clone());
                    }
                }
                let complete = ok.contains(&Case::Default)
                    || (ok.contains(&Case::Bool(true)) && ok.contains(&Case::Bool(false)));
                if !complete {
                    let fail_case = match ok.as_slice() {
                        [Case::Bool(b)] => Case::Bool(!b),
                        _ => Case::Default,
                    };
                    let v = self.held(h);
                    self.switch_test(v, ok, fail_case, fail);
                }
            }
            Pat::Tags(names) => {
                let h = self.val_held(val, ty, sp);
                self.test_tags(h, ty, names, fail, sp);
            }
            Pat::Tuple(elems) => {
                let cols: Vec<Option<usize>> = match val {
                    Val::Cols(c) => c.iter().map(|&c| Some(c)).collect(),
                    Val::Held(h) => {
                        let mut cols = Vec::new();
                        for (i, (t, p)) in elems.iter().enumerate() {
                            if matches!(p, Pat::Wild) {
                                cols.push(None);
                                continue;
                            }
                            let v = self.held(*h);
                            let e = self.emit(OpKind::TupleGet(i), vec![v], t.clone(), sp);
                            cols.push(Some(self.hold(e, t)));
                        }
                        cols
                    }
                };
                for ((t, p), c) in elems.iter().zip(cols) {
                    if let Some(c) = c {
                        self.test_pat(p, &Val::Held(c), t, fail, binds, sp)?;
                    }
                }
            }
            Pat::Struct(fields) => {
                let h = self.val_held(val, ty, sp);
                let mut held = Vec::new();
                for (name, t, p) in fields {
                    if matches!(p, Pat::Wild) {
                        continue;
                    }
                    let v = self.held(h);
                    let f = self.emit(OpKind::GetField(name.clone()), vec![v], t.clone(), sp);
                    held.push((self.hold(f, t), t, p));
                }
                for (c, t, p) in held {
                    self.test_pat(p, &Val::Held(c), t, fail, binds, sp)?;
                }
            }
            Pat::Variant(name, fields) => {
                let h = self.val_held(val, ty, sp);
                self.test_tags(h, ty, std::slice::from_ref(name), fail, sp);
                let mut held = Vec::new();
                for (i, (t, p)) in fields.iter().enumerate() {
                    if matches!(p, Pat::Wild) {
                        continue;
                    }
                    let v = self.held(h);
                    let f = self.emit(
                        OpKind::VariantField(name.clone(), i),
                        vec![v],
                        t.clone(),
                        sp,
                    );
                    held.push((self.hold(f, t), t, p));
                }
                for (c, t, p) in held {
                    self.test_pat(p, &Val::Held(c), t, fail, binds, sp)?;
                }
            }
            Pat::Or(alts) => {
                // Each alternative is tested in turn; those that match meet in one block
                // whose inputs are the bindings, in the order of the first alternative.
                let shape = self.visible();
                let mut join: Option<(BlockId, Vec<Var>, Vec<String>)> = None;
                for (k, alt) in alts.iter().enumerate() {
                    let next = if k + 1 < alts.len() {
                        let (b, _) = self.join_block(&shape, &[]);
                        Some(Fail {
                            block: b,
                            shape: shape.clone(),
                        })
                    } else {
                        None
                    };
                    self.scopes.push(Vec::new());
                    let mut b = Vec::new();
                    let r = self.test_pat(alt, val, ty, next.as_ref().unwrap_or(fail), &mut b, sp);
                    let got: Vec<(String, Ty, Operand)> = b
                        .iter()
                        .map(|(n, h)| (n.clone(), self.locals[*h].ty.clone(), self.held(*h)))
                        .collect();
                    self.scopes.pop();
                    r?;
                    if join.is_none() {
                        let tys: Vec<Ty> = got.iter().map(|g| g.1.clone()).collect();
                        let (jb, vars) = self.join_block(&shape, &tys);
                        join = Some((jb, vars, got.iter().map(|g| g.0.clone()).collect()));
                    }
                    let (jb, _, names) = join.as_ref().unwrap();
                    let jb = *jb;
                    let mut vals = Vec::new();
                    for n in names {
                        match got.iter().find(|g| g.0 == *n) {
                            Some(g) if got.len() == names.len() => vals.push(g.2.clone()),
                            _ => return Err(Diagnostic::new(
                                sp,
                                "every alternative of this `|` pattern must bind the same names",
                            )),
                        }
                    }
                    self.goto(jb, &shape, vals);
                    match next {
                        Some(n) if self.has_preds(n.block) => self.enter(n.block, &shape),
                        Some(n) => {
                            self.g.remove_node(n.block);
                            break;
                        }
                        None => {}
                    }
                }
                let (jb, vars, names) = join.expect("an or-pattern has alternatives");
                self.enter(jb, &shape);
                for (n, v) in names.into_iter().zip(vars) {
                    let t = self.var_types[v.0 as usize].clone();
                    let h = self.hold(Operand::Var(v), &t);
                    binds.push((n, h));
                }
            }
        }
        Ok(())
    }

    /// Test `pat` on `val` with a fail exit to `fail`; on a match, the bindings' names,
    /// types and values in the current block (the test's hidden locals are gone).
    fn test_binds(
        &mut self,
        pat: &Pat,
        val: &Val,
        ty: &Ty,
        fail: &Fail,
        sp: Span,
    ) -> R<Vec<(String, Ty, Operand)>> {
        self.scopes.push(Vec::new());
        let mut binds = Vec::new();
        let r = self.test_pat(pat, val, ty, fail, &mut binds, sp);
        let vals = binds
            .iter()
            .map(|(n, h)| (n.clone(), self.locals[*h].ty.clone(), self.held(*h)))
            .collect();
        self.scopes.pop();
        r.map(|_| vals)
    }

    fn bind_all(&mut self, vals: Vec<(String, Ty, Operand)>) {
        for (n, t, v) in vals {
            let v = self.named(v, &t, &n);
            self.bind(&n, t, v);
        }
    }

    /// The arms of a `match` tested in order (see the section's comment).
    fn match_arms(
        &mut self,
        val: &Val,
        ty: &Ty,
        arms: &[ArmRef<'_>],
        expect: Option<&Ty>,
        node: &syn::Expr,
    ) -> R<(Operand, Ty)> {
        let pats: Vec<Pat> = arms
            .iter()
            .map(|a| self.resolve_pat(a.pat, ty))
            .collect::<R<_>>()?;
        let shape = self.visible();
        self.cur();
        let mut join = JoinState::default();
        let mut reachable = true;
        for (a, pat) in arms.iter().zip(&pats) {
            let (next, _) = self.join_block(&shape, &[]);
            let fail = Fail {
                block: next,
                shape: shape.clone(),
            };
            let sp = self.span(a.pat);
            let vals = self.test_binds(pat, val, ty, &fail, sp)?;
            self.scopes.push(Vec::new());
            self.bind_all(vals);
            let r = self.arm_body(a, &fail, join.ty.as_ref().or(expect));
            self.scopes.pop();
            let (v, t) = r?;
            self.join_from(&mut join, &shape, v, t, a.pat)?;
            if self.has_preds(next) {
                self.enter(next, &shape);
            } else {
                self.g.remove_node(next);
                reachable = false;
                break;
            }
        }
        if reachable {
            // No arm matched: rustc has checked that the match is exhaustive, so this
            // cannot happen.
            let sp = self.span(node);
            let msg = "internal error: entered unreachable code".to_string();
            self.emit(
                OpKind::Panic,
                vec![Operand::Const(Const::Str(msg), Ty::Str)],
                Ty::Never,
                sp,
            );
            self.panic_exit();
        }
        Ok(self.join_end(join, &shape))
    }

    /// An arm's guard (a `false` goes to `fail`) and body, its bindings in scope.
    fn arm_body(&mut self, a: &ArmRef<'_>, fail: &Fail, expect: Option<&Ty>) -> R<(Operand, Ty)> {
        if let Some(g) = a.guard {
            let (c, ct) = self.expr(g, Some(&Ty::Bool))?;
            self.check_ty(&ct, &Ty::Bool, g)?;
            self.switch_test(c, vec![Case::Bool(true)], Case::Bool(false), fail);
        }
        match a.body {
            Body::Expr(e) => self.expr(e, expect),
            Body::Block(bl) => self.block(bl, expect),
            Body::Unit => Ok((unit(), Ty::Unit)),
        }
    }

    /// `let PAT = e else { .. };` (`els` given) and `let PAT = e;` with a pattern that is
    /// more than names and tuples: the bindings go to the current scope.
    fn let_pattern(
        &mut self,
        pat: &syn::Pat,
        val: Operand,
        ty: Ty,
        els: Option<&syn::Expr>,
    ) -> R<()> {
        let p = self.resolve_pat(pat, &ty)?;
        let sp = self.span(pat);
        let h = self.hold(val, &ty);
        let shape = self.visible();
        let (elseb, _) = self.join_block(&shape, &[]);
        let fail = Fail {
            block: elseb,
            shape: shape.clone(),
        };
        let vals = self.test_binds(&p, &Val::Held(h), &ty, &fail, sp)?;
        self.release(h);
        let cont_shape = self.visible();
        let tys: Vec<Ty> = vals.iter().map(|v| v.1.clone()).collect();
        let (cont, vars) = self.join_block(&cont_shape, &tys);
        self.goto(
            cont,
            &cont_shape,
            vals.iter().map(|v| v.2.clone()).collect(),
        );
        if self.has_preds(elseb) {
            self.enter(elseb, &shape);
            match els {
                Some(e) => {
                    let (_, t) = self.expr(e, None)?;
                    if self.cur.is_some() && t != Ty::Never {
                        return Err(self
                            .err(e, "the `else` block of a `let ... else` must not finish")
                            .help("end it with `return`, `break`, `continue` or a panic"));
                    }
                    self.cur = None;
                }
                None => {
                    return Err(self
                        .err(pat, "a refutable pattern in `let`")
                        .help("use `let ... else`, `if let` or `match`"))
                }
            }
        } else {
            self.g.remove_node(elseb);
        }
        self.enter(cont, &cont_shape);
        let named: Vec<(String, Ty, Operand)> = vals
            .into_iter()
            .zip(vars)
            .map(|((n, t, _), v)| (n, t, Operand::Var(v)))
            .collect();
        self.bind_all(named);
        Ok(())
    }

    fn find_loop(&self, label: Option<&syn::Lifetime>, node: &impl Spanned) -> R<usize> {
        match label {
            None => self
                .loops
                .len()
                .checked_sub(1)
                .ok_or_else(|| self.err(node, "`break` or `continue` outside a loop")),
            Some(l) => {
                let name = l.ident.to_string();
                self.loops
                    .iter()
                    .rposition(|c| c.label.as_deref() == Some(&name))
                    .ok_or_else(|| self.err(node, format!("no loop labelled `'{name}`")))
            }
        }
    }

    fn break_expr(&mut self, b: &syn::ExprBreak) -> R<(Operand, Ty)> {
        let idx = self.find_loop(b.label.as_ref(), b)?;
        let (v, t) = match &b.expr {
            Some(e) => {
                if !self.loops[idx].valued {
                    return Err(self.err(b, "`break` with a value out of a `while` or `for` loop"));
                }
                let want = self.loops[idx].brk.as_ref().and_then(|x| x.1.clone());
                let (v, t) = self.expr(e, want.as_ref())?;
                (Some(v), Some(t))
            }
            None => (None, None),
        };
        let shape = self.loops[idx].shape.clone();
        let target = match &self.loops[idx].brk {
            Some((blk, ty)) => {
                if ty.is_some() != t.is_some() {
                    return Err(self.err(b, "every `break` of a loop must carry a value, or none"));
                }
                *blk
            }
            None => {
                let extra: Vec<Ty> = t.iter().cloned().collect();
                let (blk, _) = self.join_block(&shape, &extra);
                self.loops[idx].brk = Some((blk, t.clone()));
                blk
            }
        };
        self.goto(target, &shape, v.into_iter().collect());
        Ok((unit(), Ty::Never))
    }

    fn label(l: Option<&syn::Label>) -> Option<String> {
        l.map(|l| l.name.ident.to_string())
    }

    fn loop_expr(&mut self, l: &syn::ExprLoop, _expect: Option<&Ty>) -> R<(Operand, Ty)> {
        let shape = self.visible();
        let (head, _) = self.join_block(&shape, &[]);
        self.goto(head, &shape, vec![]);
        self.enter(head, &shape);
        self.loops.push(LoopCtx {
            label: Self::label(l.label.as_ref()),
            cont: head,
            shape: shape.clone(),
            brk: None,
            valued: true,
        });
        let r = self.block(&l.body, Some(&Ty::Unit));
        let ctx = self.loops.pop().unwrap();
        r?;
        self.goto(head, &shape, vec![]);
        match ctx.brk {
            None => Ok((unit(), Ty::Never)),
            Some((b, ty)) => {
                self.enter(b, &shape);
                match ty {
                    Some(t) => {
                        let v = *self.g[b].inputs.last().unwrap();
                        Ok((Operand::Var(v), t))
                    }
                    None => Ok((unit(), Ty::Unit)),
                }
            }
        }
    }

    fn while_loop(&mut self, w: &syn::ExprWhile) -> R<(Operand, Ty)> {
        let shape = self.visible();
        let label = Self::label(w.label.as_ref());
        if let syn::Expr::Let(lt) = &*w.cond {
            // `head: match e { PAT => { body; goto head } _ => goto exit }`
            let (head, _) = self.join_block(&shape, &[]);
            let (exit, _) = self.join_block(&shape, &[]);
            self.goto(head, &shape, vec![]);
            self.enter(head, &shape);
            let (v, ty) = self.expr(&lt.expr, None)?;
            let ty = strip_scalar_ref(ty);
            let p = self.resolve_pat(&lt.pat, &ty)?;
            let h = self.hold(v, &ty);
            let fail = Fail {
                block: exit,
                shape: shape.clone(),
            };
            let sp = self.span(&lt.pat);
            let vals = self.test_binds(&p, &Val::Held(h), &ty, &fail, sp)?;
            self.release(h);
            self.scopes.push(Vec::new());
            self.bind_all(vals);
            self.loops.push(LoopCtx {
                label,
                cont: head,
                shape: shape.clone(),
                brk: Some((exit, None)),
                valued: false,
            });
            let r = self.block(&w.body, Some(&Ty::Unit));
            self.loops.pop();
            self.scopes.pop();
            r?;
            self.goto(head, &shape, vec![]);
            self.enter(exit, &shape);
            return Ok((unit(), Ty::Unit));
        }
        let (_, exit) = self.cond_loop(
            label,
            &shape,
            None,
            |b| {
                let (c, ct) = b.expr(&w.cond, Some(&Ty::Bool))?;
                b.check_ty(&ct, &Ty::Bool, &w.cond)?;
                Ok(c)
            },
            |b| b.block(&w.body, Some(&Ty::Unit)).map(|_| ()),
        )?;
        self.enter(exit, &shape);
        Ok((unit(), Ty::Unit))
    }

    /// `head: if cond { body; goto continue-target } else { goto exit }`. The continue
    /// target is `latch` if given (the body then ends in it, current), else `head`.
    /// Returns the header and the exit block (not yet entered).
    fn cond_loop(
        &mut self,
        label: Option<String>,
        shape: &[usize],
        latch: Option<BlockId>,
        cond: impl FnOnce(&mut Self) -> R<Operand>,
        body: impl FnOnce(&mut Self) -> R<()>,
    ) -> R<(BlockId, BlockId)> {
        let (head, _) = self.join_block(shape, &[]);
        let (exit, _) = self.join_block(shape, &[]);
        self.goto(head, shape, vec![]);
        self.enter(head, shape);
        let c = cond(self)?;
        let (bb, _) = self.join_block(shape, &[]);
        self.branch(c, bb, exit, shape);
        self.enter(bb, shape);
        self.loops.push(LoopCtx {
            label,
            cont: latch.unwrap_or(head),
            shape: shape.to_vec(),
            brk: Some((exit, None)),
            valued: false,
        });
        let r = body(self);
        self.loops.pop();
        r?;
        match latch {
            Some(l) => {
                self.goto(l, shape, vec![]);
                self.enter(l, shape);
            }
            None => self.goto(head, shape, vec![]),
        }
        Ok((head, exit))
    }

    fn for_loop(&mut self, f: &syn::ExprForLoop) -> R<(Operand, Ty)> {
        let syn::Expr::Range(r) = &*f.expr else {
            return Err(self.unsupported(
                &f.expr,
                "a `for` loop over this",
                "loop over a range `a..b` or `a..=b`, indexing the sequence",
            ));
        };
        let (Some(start), Some(end)) = (&r.start, &r.end) else {
            return Err(self.unsupported(r, "an open range in a `for` loop", "give both bounds"));
        };
        let inclusive = matches!(r.limits, syn::RangeLimits::Closed(_));
        let (lo, hi) = if Self::is_untyped_lit(start) && !Self::is_untyped_lit(end) {
            let hi = self.expr(end, None)?;
            (self.expr(start, Some(&hi.1))?, hi)
        } else {
            let lo = self.expr(start, None)?;
            let hi = self.expr(end, Some(&lo.1))?;
            (lo, hi)
        };
        let ity = lo.1.clone();
        let Some(it) = ity.int() else {
            return Err(self.err(r, format!("a `for` loop over a range of `{ity}`")));
        };
        self.check_ty(&hi.1, &ity, end)?;
        self.scopes.push(Vec::new());
        let counter = self.bind("#i", ity.clone(), lo.0);
        self.bind("#end", ity.clone(), hi.0);
        let shape = self.visible();
        let (latch, _) = self.join_block(&shape, &[]);
        let sp = self.span(r);
        let (head, exit) = self.cond_loop(
            Self::label(f.label.as_ref()),
            &shape,
            Some(latch),
            |b| {
                let (i, e) = (
                    b.locals[counter].val.clone(),
                    b.locals[counter + 1].val.clone(),
                );
                let cmp = if inclusive { Prim::IntLe } else { Prim::IntLt };
                Ok(b.emit(OpKind::Prim(cmp), vec![i, e], Ty::Bool, sp))
            },
            |b| {
                b.scopes.push(Vec::new());
                let iv = b.locals[counter].val.clone();
                let r = b
                    .bind_pat(&f.pat, iv, ity.clone())
                    .and_then(|_| b.block(&f.body, Some(&Ty::Unit)));
                b.scopes.pop();
                r.map(|_| ())
            },
        )?;
        if inclusive {
            let i = self.locals[counter].val.clone();
            // Stop at the end value itself, so that `0..=MAX` does not overflow.
            let e = self.locals[counter + 1].val.clone();
            let last = self.emit(OpKind::Prim(Prim::IntEq), vec![i, e], Ty::Bool, sp);
            let (step, _) = self.join_block(&shape, &[]);
            self.branch(last, exit, step, &shape);
            self.enter(step, &shape);
        }
        let i = self.locals[counter].val.clone();
        let next = self.emit(
            OpKind::Prim(Prim::IntAdd),
            vec![i, int_const(1, it)],
            ity.clone(),
            sp,
        );
        self.locals[counter].val = next;
        self.goto(head, &shape, vec![]);
        self.enter(exit, &shape);
        self.scopes.pop();
        Ok((unit(), Ty::Unit))
    }

    fn try_expr(&mut self, t: &syn::ExprTry) -> R<(Operand, Ty)> {
        let (v, ty) = self.expr(&t.expr, None)?;
        let sp = self.span(t);
        let (ok_ty, err_ty, ok_v, err_v) = match &ty {
            Ty::Result(a, b) => ((**a).clone(), Some((**b).clone()), "Ok", "Err"),
            Ty::Option(a) => ((**a).clone(), None, "Some", "None"),
            _ => return Err(self.err(t, format!("`?` on a `{ty}`"))),
        };
        match (&self.ret_ty, &err_ty) {
            (Ty::Result(_, e), Some(et)) if **e == *et => {}
            (Ty::Option(_), None) => {}
            _ => {
                return Err(self
                    .err(
                        t,
                        format!("`?` on a `{ty}` in a function returning `{}`", self.ret_ty),
                    )
                    .help(
                        "`?` is supported when the error types are the same (no `From` conversion)",
                    ))
            }
        }
        let tag = self.emit(OpKind::VariantTag, vec![v.clone()], Ty::Str, sp);
        let from = self.cur();
        self.g[from].exitswitch = Some(tag);
        let shape = self.visible();
        let (okb, okv) = self.join_block(&shape, &[ty.clone()]);
        let mut args = self.shape_args(&shape, vec![]);
        args.push(v.clone());
        self.add_link(from, okb, args, Case::Variant(ok_v.into()));
        // The error path: the except block receives the error (unit for `None`).
        let (errb, errv) = self.join_block(&[], &[ty.clone()]);
        self.add_link(from, errb, vec![v], Case::Variant(err_v.into()));
        self.cur = Some(errb);
        let payload = match err_ty {
            Some(et) => self.emit(
                OpKind::VariantField(err_v.into(), 0),
                vec![Operand::Var(errv[0])],
                et,
                sp,
            ),
            None => unit(),
        };
        let eb = self.exc_block;
        self.goto(eb, &[], vec![payload]);
        self.enter(okb, &shape);
        let x = self.emit(
            OpKind::VariantField(ok_v.into(), 0),
            vec![Operand::Var(okv[0])],
            ok_ty.clone(),
            sp,
        );
        Ok((x, ok_ty))
    }

    // ---- calls ----

    fn args_for(
        &mut self,
        params: &[Ty],
        args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>,
        node: &impl Spanned,
    ) -> R<Vec<Operand>> {
        if params.len() != args.len() {
            return Err(self.err(
                node,
                format!("expected {} arguments, found {}", params.len(), args.len()),
            ));
        }
        // Each argument is held while the later ones are evaluated. (On an error the
        // function's graph is abandoned, so nothing needs releasing.)
        let mut held = Vec::new();
        for (a, p) in args.iter().zip(params) {
            let (v, t) = self.expr(a, Some(p))?;
            self.check_ty(&strip_scalar_ref(t), &strip_scalar_ref(p.clone()), a)?;
            held.push(self.hold(v, p));
        }
        Ok(held.into_iter().map(|h| self.release(h)).collect())
    }

    /// Parameter types (receiver included) and return type of a crate function.
    fn signature(&self, name: &str) -> R<(Vec<Ty>, Ty)> {
        let f = &self.k.fns[name];
        let st = f.self_ty.as_deref();
        let mut ps = Vec::new();
        for a in &f.item.sig.inputs {
            ps.push(match a {
                syn::FnArg::Receiver(_) => Ty::Adt(st.unwrap_or_default().to_string()),
                syn::FnArg::Typed(pt) => {
                    strip_scalar_ref(resolve_type(self.k, st, &pt.ty, f.file, &f.module)?)
                }
            });
        }
        let ret = match &f.item.sig.output {
            syn::ReturnType::Default => Ty::Unit,
            syn::ReturnType::Type(_, t) => resolve_type(self.k, st, t, f.file, &f.module)?,
        };
        Ok((ps, ret))
    }

    /// A call of the crate function `name`; a residual call when `residual` (a
    /// `residual_call!`) or the function is `#[residual]`.
    fn crate_call(
        &mut self,
        name: &str,
        args: Vec<Operand>,
        ret: Ty,
        sp: Span,
        residual: bool,
    ) -> Operand {
        let f = &self.k.fns[name];
        let kind = if residual || hints::has_attr(&f.item.attrs, "residual") {
            OpKind::ResidualCall(name.to_string())
        } else {
            self.callees.insert(name.to_string());
            OpKind::Call(name.to_string())
        };
        let mut args = args;
        if matches!(kind, OpKind::Call(_)) {
            // A vector or array given for a slice parameter (rustc's deref coercion of
            // `&v`) is the slice of all of it in the callee's graph, as `&v[..]` is.
            if let Ok((params, _)) = self.signature(name) {
                for (a, p) in args.iter_mut().zip(&params) {
                    let at = match &*a {
                        Operand::Var(v) => self.var_types[v.0 as usize].clone(),
                        Operand::Const(_, t) => t.clone(),
                    };
                    let at = at.strip_ref().clone();
                    if let (Ty::Vec(x) | Ty::Array(x, _), Ty::Slice(y)) = (&at, p.strip_ref()) {
                        if x == y {
                            let usize_t = Ty::Int(IntTy::Usize);
                            let n = self.emit(OpKind::Len, vec![a.clone()], usize_t, sp);
                            let lo = int_const(0, IntTy::Usize);
                            let ty = Ty::Slice(x.clone());
                            *a = self.emit(OpKind::SubSlice, vec![a.clone(), lo, n], ty, sp);
                        }
                    }
                }
            }
        }
        self.emit(kind, args, ret, sp)
    }

    fn call(&mut self, c: &syn::ExprCall, expect: Option<&Ty>) -> R<(Operand, Ty)> {
        let sp = self.span(c);
        let syn::Expr::Path(p) = &*c.func else {
            return Err(self.unsupported(
                &c.func,
                "a call through a computed function",
                "call a named function",
            ));
        };
        let segs = path_segments(&p.path);
        let last = segs.last().unwrap().clone();
        // Option / Result constructors.
        if segs.len() == 1 && matches!(last.as_str(), "Some" | "Ok" | "Err") {
            if c.args.len() != 1 {
                return Err(self.err(c, format!("`{last}` takes one argument")));
            }
            let (enum_name, inner_expect) = match (last.as_str(), expect) {
                ("Some", Some(Ty::Option(t))) => ("Option", Some((**t).clone())),
                ("Ok", Some(Ty::Result(t, _))) => ("Result", Some((**t).clone())),
                ("Err", Some(Ty::Result(_, e))) => ("Result", Some((**e).clone())),
                ("Some", _) => ("Option", None),
                _ => ("Result", None),
            };
            let (v, t) = self.expr(&c.args[0], inner_expect.as_ref())?;
            let ty = match (last.as_str(), expect) {
                (_, Some(e @ (Ty::Option(_) | Ty::Result(..)))) => e.clone(),
                ("Some", None) => Ty::Option(Box::new(t)),
                _ => {
                    return Err(self
                        .err(c, format!("cannot tell the type of this `{last}(..)`"))
                        .help("add a type annotation"))
                }
            };
            return Ok((
                self.emit(
                    OpKind::NewVariant(enum_name.into(), last),
                    vec![v],
                    ty.clone(),
                    sp,
                ),
                ty,
            ));
        }
        if segs.len() == 2 && segs[0] == "Vec" && segs[1] == "new" {
            let ty = match expect {
                Some(t @ Ty::Vec(_)) => t.clone(),
                _ => {
                    return Err(self
                        .err(c, "cannot tell the item type of this `Vec::new()`")
                        .help("add a type annotation"))
                }
            };
            return Ok((self.emit(OpKind::VecLit, vec![], ty.clone(), sp), ty));
        }
        // `Vec::with_capacity(n)`: an empty vector (its capacity is a matter of the
        // allocation, which the JIT makes as it likes); `n` is evaluated for its type.
        if segs.len() == 2 && segs[0] == "Vec" && segs[1] == "with_capacity" {
            let ty = match expect {
                Some(t @ Ty::Vec(_)) => t.clone(),
                _ => {
                    return Err(self
                        .err(
                            c,
                            "cannot tell the item type of this `Vec::with_capacity(..)`",
                        )
                        .help("add a type annotation"))
                }
            };
            if c.args.len() != 1 {
                return Err(self.err(c, "`Vec::with_capacity` takes one argument"));
            }
            let (_, nt) = self.expr(&c.args[0], Some(&Ty::Int(IntTy::Usize)))?;
            self.check_ty(&strip_scalar_ref(nt), &Ty::Int(IntTy::Usize), &c.args[0])?;
            return Ok((self.emit(OpKind::VecLit, vec![], ty.clone(), sp), ty));
        }
        if segs.len() == 1 && self.lookup(&last).is_none() && self.poisoned.contains(&last) {
            return Err(self.follow_on());
        }
        if let Some((prim, arg_ty, ty)) = float_bits_fn(&segs) {
            if c.args.len() != 1 {
                return Err(self.err(c, format!("`{}` takes one argument", segs.join("::"))));
            }
            let (a, at) = self.expr(&c.args[0], Some(&arg_ty))?;
            self.check_ty(&strip_scalar_ref(at), &arg_ty, &c.args[0])?;
            return Ok((self.emit(OpKind::Prim(prim), vec![a], ty.clone(), sp), ty));
        }
        let key = self.item_key(&segs);
        if self.k.fns.contains_key(&key) {
            return self.call_crate_fn(&key, c, sp, false);
        }
        // Tuple struct constructor.
        if let Some(st) = self.k.structs.get(&key) {
            if st.tuple {
                let tys: Vec<Ty> = st
                    .fields
                    .iter()
                    .map(|(_, t)| resolve_type(self.k, Some(&key), t, st.file, &st.module))
                    .collect::<R<_>>()?;
                let args = self.args_for(&tys, &c.args, c)?;
                let ty = Ty::Adt(key.clone());
                return Ok((self.emit(OpKind::NewStruct(key), args, ty.clone(), sp), ty));
            }
        }
        // Enum variant with fields.
        if segs.len() >= 2 {
            let en = self.item_key(&segs[..segs.len() - 1]);
            if let Some(e) = self.k.enums.get(&en) {
                if let Some((_, fields)) = e.variants.iter().find(|(n, _)| *n == last) {
                    let tys: Vec<Ty> = fields
                        .iter()
                        .map(|(_, t)| resolve_type(self.k, Some(&en), t, e.file, &e.module))
                        .collect::<R<_>>()?;
                    let args = self.args_for(&tys, &c.args, c)?;
                    let ty = Ty::Adt(en.clone());
                    return Ok((
                        self.emit(OpKind::NewVariant(en, last), args, ty.clone(), sp),
                        ty,
                    ));
                }
            }
        }
        Err(self
            .err(c, format!("call to `{}`, which is not a function of the crate", segs.join("::")))
            .label("unknown callee")
            .help("wrap the call in a function of the crate marked `#[residual]`, so its type is known and it is called opaquely"))
    }

    fn method_call(&mut self, m: &syn::ExprMethodCall, expect: Option<&Ty>) -> R<(Operand, Ty)> {
        let sp = self.span(m);
        let name = m.method.to_string();
        let (recv, rty) = self.expr(&m.receiver, None)?;
        // The receiver stays alive while the arguments are evaluated.
        let held = self.hold(recv, &rty);
        let rty = strip_scalar_ref(rty);
        let r = self.method_call_held(m, expect, held, rty, sp, name);
        self.release(held);
        r
    }

    fn method_call_held(
        &mut self,
        m: &syn::ExprMethodCall,
        expect: Option<&Ty>,
        held: usize,
        rty: Ty,
        sp: Span,
        name: String,
    ) -> R<(Operand, Ty)> {
        // Methods of the crate's own types.
        if let Ty::Adt(tn) = rty.strip_ref() {
            let key = format!("{tn}::{name}");
            if self.k.fns.contains_key(&key) {
                let (ps, ret) = self.signature(&key)?;
                let rest = self.args_for(&ps[1..], &m.args, m)?;
                let mut args = vec![self.held(held)];
                args.extend(rest);
                return Ok((self.crate_call(&key, args, ret.clone(), sp, false), ret));
            }
        }
        let nargs = m.args.len();
        // The receiver is held until the last argument is evaluated, not while the
        // method itself is lowered.
        if nargs == 0 {
            self.release(held);
        }
        let arg = |s: &mut Self, i: usize, t: Option<&Ty>| -> R<(Operand, Ty)> {
            let r = s.expr(&m.args[i], t);
            if i + 1 == nargs {
                s.release(held);
            }
            r
        };
        match (&rty, name.as_str(), nargs) {
            (Ty::Int(it), _, _) if int_method(&name).is_some() => {
                let (prim, argc, ret) = int_method(&name).unwrap();
                if nargs != argc {
                    return Err(self.err(m, format!("`{name}` takes {argc} arguments")));
                }
                let mut args = vec![self.held(held)];
                if argc == 1 {
                    let shift = matches!(prim, Prim::IntShlWrap | Prim::IntShrWrap);
                    let want = if shift { Ty::Int(IntTy::U32) } else { rty.clone() };
                    let (a, at) = arg(self, 0, Some(&want))?;
                    self.check_ty(&at, &want, &m.args[0])?;
                    args.push(a);
                }
                let ret = match ret {
                    MethodRet::Same => rty.clone(),
                    MethodRet::OptionSame => Ty::Option(Box::new(Ty::Int(*it))),
                };
                Ok((self.emit(OpKind::Prim(prim), args, ret.clone(), sp), ret))
            }
            (Ty::F64, "to_bits", 0) => {
                let t = Ty::Int(IntTy::U64);
                Ok((self.emit(OpKind::Prim(Prim::FloatToBits), vec![self.held(held)], t.clone(), sp), t))
            }
            (Ty::F64, "is_nan", 0) => {
                let x = self.held(held);
                Ok((self.emit(OpKind::Prim(Prim::FloatNe), vec![x.clone(), x], Ty::Bool, sp), Ty::Bool))
            }
            (t, "len", 0) if t.item().is_some() => Ok((self.emit(OpKind::Len, vec![self.held(held)], Ty::Int(IntTy::Usize), sp), Ty::Int(IntTy::Usize))),
            (t, "is_empty", 0) if t.item().is_some() => {
                let n = self.emit(OpKind::Len, vec![self.held(held)], Ty::Int(IntTy::Usize), sp);
                Ok((self.emit(OpKind::Prim(Prim::IntEq), vec![n, int_const(0, IntTy::Usize)], Ty::Bool, sp), Ty::Bool))
            }
            (Ty::Vec(item), "push", 1) => {
                let (a, at) = arg(self, 0, Some(item))?;
                self.check_ty(&at, item, &m.args[0])?;
                Ok((self.emit(OpKind::VecPush, vec![self.held(held), a], Ty::Unit, sp), Ty::Unit))
            }
            (Ty::Vec(_), "truncate", 1) => {
                let usize_t = Ty::Int(IntTy::Usize);
                let (a, at) = arg(self, 0, Some(&usize_t))?;
                self.check_ty(&at, &usize_t, &m.args[0])?;
                Ok((self.emit(OpKind::VecTruncate, vec![self.held(held), a], Ty::Unit, sp), Ty::Unit))
            }
            (Ty::Vec(_), "clear", 0) => {
                let zero = int_const(0, IntTy::Usize);
                Ok((self.emit(OpKind::VecTruncate, vec![self.held(held), zero], Ty::Unit, sp), Ty::Unit))
            }
            (Ty::Vec(item), "pop", 0) => {
                let t = Ty::Option(item.clone());
                Ok((self.emit(OpKind::VecPop, vec![self.held(held)], t.clone(), sp), t))
            }
            (t, "first" | "last", 0) if t.item().is_some() => {
                let item = t.item().unwrap().clone();
                let recv = self.held(held);
                self.first_last(&name, recv, rty.clone(), item, m)
            }
            (t, "clone" | "to_owned", 0) if t.is_scalar() => Ok((self.held(held), rty)),
            (t, "clone" | "to_vec", 0) if t.item().is_some() => {
                let item = t.item().unwrap().clone();
                let ty = if name == "to_vec" || matches!(t, Ty::Vec(_)) { Ty::Vec(Box::new(item)) } else { t.clone() };
                Ok((self.emit(OpKind::Copy, vec![self.held(held)], ty.clone(), sp), ty))
            }
            (Ty::Option(inner), "ok_or" | "unwrap_or" | "is_some" | "is_none" | "unwrap" | "expect", _) => {
                let inner = (**inner).clone();
                self.option_method(&name, held, rty.clone(), inner, m, expect)
            }
            _ => Err(self
                .err(m, format!("method `{name}` on a `{rty}` is not supported in analysed code"))
                .help("call a method of the crate, or wrap the call in a function marked `#[residual]`")),
        }
    }

    /// `v.first()`, `v.last()` of a vector or slice: a switch on `len(v) == 0`, `None`
    /// or `Some(getitem(v, 0))` / `Some(getitem(v, len - 1))`.
    fn first_last(
        &mut self,
        name: &str,
        recv: Operand,
        sty: Ty,
        item: Ty,
        m: &syn::ExprMethodCall,
    ) -> R<(Operand, Ty)> {
        let sp = self.span(m);
        let usize_t = Ty::Int(IntTy::Usize);
        let result_ty = Ty::Option(Box::new(item.clone()));
        // The sequence and its length cross into the `Some` block as hidden locals.
        self.scopes.push(Vec::new());
        let seq = self.bind("#seq", sty, recv.clone());
        let n = self.emit(OpKind::Len, vec![recv], usize_t.clone(), sp);
        let empty = self.emit(
            OpKind::Prim(Prim::IntEq),
            vec![n.clone(), int_const(0, IntTy::Usize)],
            Ty::Bool,
            sp,
        );
        let len = self.bind("#len", usize_t.clone(), n);
        let shape = self.visible();
        let (noneb, _) = self.join_block(&shape, &[]);
        let (someb, _) = self.join_block(&shape, &[]);
        self.branch(empty, noneb, someb, &shape);
        let mut join = JoinState::default();
        self.enter(someb, &shape);
        let i = if name == "first" {
            int_const(0, IntTy::Usize)
        } else {
            let n = self.locals[len].val.clone();
            self.emit(
                OpKind::Prim(Prim::IntSub),
                vec![n, int_const(1, IntTy::Usize)],
                usize_t,
                sp,
            )
        };
        let s = self.locals[seq].val.clone();
        let x = self.emit(OpKind::GetItem, vec![s, i], item, sp);
        let some = self.emit(
            OpKind::NewVariant("Option".into(), "Some".into()),
            vec![x],
            result_ty.clone(),
            sp,
        );
        self.join_from(&mut join, &shape, some, result_ty.clone(), m)?;
        self.enter(noneb, &shape);
        let none = self.emit(
            OpKind::NewVariant("Option".into(), "None".into()),
            vec![],
            result_ty.clone(),
            sp,
        );
        self.join_from(&mut join, &shape, none, result_ty, m)?;
        let r = self.join_end(join, &shape);
        self.scopes.pop();
        Ok(r)
    }

    /// `ok_or`, `unwrap_or`, `is_some`, `is_none`, `unwrap`, `expect` on an `Option`,
    /// lowered to a switch on the variant.
    fn option_method(
        &mut self,
        name: &str,
        held: usize,
        oty: Ty,
        inner: Ty,
        m: &syn::ExprMethodCall,
        expect: Option<&Ty>,
    ) -> R<(Operand, Ty)> {
        let sp = self.span(m);
        let (other, result_ty) = match name {
            "ok_or" => {
                let et = match expect {
                    Some(Ty::Result(_, e)) => Some((**e).clone()),
                    _ => None,
                };
                let (e, t) = self.expr(&m.args[0], et.as_ref())?;
                (Some(e), Ty::Result(Box::new(inner.clone()), Box::new(t)))
            }
            "unwrap_or" => {
                let (e, t) = self.expr(&m.args[0], Some(&inner))?;
                self.check_ty(&t, &inner, &m.args[0])?;
                (Some(e), inner.clone())
            }
            "is_some" | "is_none" => (None, Ty::Bool),
            _ => (None, inner.clone()),
        };
        let recv = self.release(held);
        // The other value crosses into the `None` block as a hidden local.
        self.scopes.push(Vec::new());
        let other_local = other.map(|o| {
            let t = match name {
                "ok_or" => match &result_ty {
                    Ty::Result(_, e) => (**e).clone(),
                    _ => unreachable!(),
                },
                _ => inner.clone(),
            };
            self.bind("#other", t, o)
        });
        let r = self.option_switch(name, recv, oty, inner, result_ty, other_local, sp, m);
        self.scopes.pop();
        r
    }

    #[allow(clippy::too_many_arguments)]
    fn option_switch(
        &mut self,
        name: &str,
        recv: Operand,
        oty: Ty,
        inner: Ty,
        result_ty: Ty,
        other_local: Option<usize>,
        sp: Span,
        m: &syn::ExprMethodCall,
    ) -> R<(Operand, Ty)> {
        let tag = self.emit(OpKind::VariantTag, vec![recv.clone()], Ty::Str, sp);
        let shape = self.visible();
        let from = self.cur();
        self.g[from].exitswitch = Some(tag);
        let (someb, sv) = self.join_block(&shape, &[oty.clone()]);
        let (noneb, _) = self.join_block(&shape, &[]);
        let mut args = self.shape_args(&shape, vec![]);
        self.add_link(from, noneb, args.clone(), Case::Variant("None".into()));
        args.push(recv);
        self.add_link(from, someb, args, Case::Variant("Some".into()));
        self.cur = None;
        let mut join = JoinState::default();
        self.enter(someb, &shape);
        let x = self.emit(
            OpKind::VariantField("Some".into(), 0),
            vec![Operand::Var(sv[0])],
            inner.clone(),
            sp,
        );
        let some_val = match name {
            "ok_or" => self.emit(
                OpKind::NewVariant("Result".into(), "Ok".into()),
                vec![x],
                result_ty.clone(),
                sp,
            ),
            "is_some" | "is_none" => Operand::Const(Const::Bool(name == "is_some"), Ty::Bool),
            _ => x,
        };
        self.join_from(&mut join, &shape, some_val, result_ty.clone(), m)?;
        self.enter(noneb, &shape);
        let other = other_local.map(|l| self.locals[l].val.clone());
        let (none_val, nt) = match name {
            "ok_or" => (
                self.emit(
                    OpKind::NewVariant("Result".into(), "Err".into()),
                    vec![other.unwrap()],
                    result_ty.clone(),
                    sp,
                ),
                result_ty.clone(),
            ),
            "unwrap_or" => (other.unwrap(), result_ty.clone()),
            "is_some" | "is_none" => (
                Operand::Const(Const::Bool(name == "is_none"), Ty::Bool),
                Ty::Bool,
            ),
            _ => {
                let msg = Operand::Const(
                    Const::Str(format!("called `Option::{name}()` on a `None` value")),
                    Ty::Str,
                );
                self.emit(OpKind::Panic, vec![msg], Ty::Never, sp);
                let eb = self.exc_block;
                let et = self.g[eb].inputs[0];
                let ety = self.var_types[et.0 as usize].clone();
                let dummy = Operand::Const(Const::Unit, ety);
                self.goto(eb, &[], vec![dummy]);
                (unit(), Ty::Never)
            }
        };
        self.join_from(&mut join, &shape, none_val, nt, m)?;
        Ok(self.join_end(join, &shape))
    }

    // ---- macros ----

    /// `residual_call!(f(args))`: a call of the crate function `f` that stays a call.
    fn residual_call(&mut self, mac: &syn::Macro, sp: Span) -> R<(Operand, Ty)> {
        let usage =
            "`residual_call!` takes a call of a function of this crate: `residual_call!(f(x))`";
        let c: syn::ExprCall = mac.parse_body().map_err(|_| self.err(mac, usage))?;
        let syn::Expr::Path(p) = &*c.func else {
            return Err(self.err(mac, usage));
        };
        let segs = path_segments(&p.path);
        let key = self.item_key(&segs);
        if !self.k.fns.contains_key(&key) {
            return Err(self.err(&c.func, usage).help(
                "wrap the call in a `pub` function of the crate, and call that with `residual_call!`",
            ));
        }
        self.call_crate_fn(&key, &c, sp, true)
    }

    /// The call `c` of the crate function `key` (see [`Self::crate_call`]).
    fn call_crate_fn(
        &mut self,
        key: &str,
        c: &syn::ExprCall,
        sp: Span,
        residual: bool,
    ) -> R<(Operand, Ty)> {
        let (ps, ret) = self.signature(key)?;
        let args = self.args_for(&ps, &c.args, c)?;
        Ok((self.crate_call(key, args, ret.clone(), sp, residual), ret))
    }

    fn macro_expr(
        &mut self,
        mac: &syn::Macro,
        expect: Option<&Ty>,
        node: &syn::Expr,
    ) -> R<(Operand, Ty)> {
        let sp = self.span(node);
        if let Some(h) = hints::macro_hint(mac) {
            return match h {
                MacroHint::GlobalMergePoint => {
                    let lists = hints::merge_point_lists(mac).map_err(|e| {
                        Diagnostic::new(self.k.span(self.file, e.span()), e.to_string())
                    })?;
                    let (rule, names) = match lists {
                        None => (MergeRule::ByName, vec![]),
                        Some(l) => {
                            let rule = MergeRule::Listed {
                                greens: l.greens.len(),
                                reds: l.reds.as_ref().map(Vec::len),
                            };
                            (
                                rule,
                                l.greens
                                    .into_iter()
                                    .chain(l.reds.into_iter().flatten())
                                    .collect(),
                            )
                        }
                    };
                    let mut args = Vec::new();
                    for id in &names {
                        let l = self.lookup(&id.to_string()).ok_or_else(|| {
                            self.err(id, format!("`{id}` is not a local variable here"))
                                .label("listed at the merge point")
                                .help("`greens(..)` and `reds(..)` name variables in scope at the merge point")
                        })?;
                        args.push(self.locals[l].val.clone());
                    }
                    Ok((
                        self.emit(OpKind::GlobalMergePoint(rule), args, Ty::Unit, sp),
                        Ty::Unit,
                    ))
                }
                MacroHint::ResidualCall => self.residual_call(mac, sp),
                MacroHint::Value(kind) => {
                    let e: syn::Expr =
                        mac.parse_body().map_err(|e| self.err(mac, e.to_string()))?;
                    let (v, t) = self.expr(&e, expect)?;
                    if kind != HintKind::Deepfreeze && !t.is_scalar() {
                        return Err(self.err(
                            mac,
                            format!(
                                "`{}!` needs an integer, bool, char or float, not a `{t}`",
                                mac.path.segments.last().unwrap().ident
                            ),
                        ));
                    }
                    Ok((self.emit(OpKind::Hint(kind), vec![v], t.clone(), sp), t))
                }
            };
        }
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        match name.as_str() {
            "panic" | "unreachable" | "unimplemented" | "todo" => {
                let msg = match name.as_str() {
                    "unreachable" => "internal error: entered unreachable code".to_string(),
                    _ => mac.tokens.to_string(),
                };
                self.emit(
                    OpKind::Panic,
                    vec![Operand::Const(Const::Str(msg), Ty::Str)],
                    Ty::Never,
                    sp,
                );
                self.panic_exit();
                Ok((unit(), Ty::Never))
            }
            "assert" | "debug_assert" => {
                let args = mac
                    .parse_body_with(
                        syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
                    )
                    .map_err(|e| self.err(mac, e.to_string()))?;
                let cond = args
                    .first()
                    .ok_or_else(|| self.err(mac, "`assert!` needs a condition"))?;
                let (c, ct) = self.expr(cond, Some(&Ty::Bool))?;
                self.check_ty(&ct, &Ty::Bool, cond)?;
                let shape = self.visible();
                let (okb, _) = self.join_block(&shape, &[]);
                let (failb, _) = self.join_block(&shape, &[]);
                self.branch(c, okb, failb, &shape);
                self.enter(failb, &shape);
                let msg = format!("assertion failed: {}", quote_tokens(cond));
                self.emit(
                    OpKind::Panic,
                    vec![Operand::Const(Const::Str(msg), Ty::Str)],
                    Ty::Never,
                    sp,
                );
                self.panic_exit();
                self.enter(okb, &shape);
                Ok((unit(), Ty::Unit))
            }
            "vec" => {
                let item = match expect {
                    Some(Ty::Vec(t)) => Some((**t).clone()),
                    _ => None,
                };
                let body = mac
                    .parse_body_with(|input: syn::parse::ParseStream| -> syn::Result<VecBody> {
                        if input.is_empty() {
                            return Ok(VecBody::List(Vec::new()));
                        }
                        let first: syn::Expr = input.parse()?;
                        if input.peek(syn::Token![;]) {
                            input.parse::<syn::Token![;]>()?;
                            return Ok(VecBody::Repeat(first, input.parse()?));
                        }
                        let mut items = vec![first];
                        while !input.is_empty() {
                            input.parse::<syn::Token![,]>()?;
                            if input.is_empty() {
                                break;
                            }
                            items.push(input.parse()?);
                        }
                        Ok(VecBody::List(items))
                    })
                    .map_err(|e| self.err(mac, e.to_string()))?;
                let elems = match body {
                    VecBody::Repeat(x, n) => {
                        let (v, it) = self.expr(&x, item.as_ref())?;
                        let (n, nt) = self.expr(&n, Some(&Ty::Int(IntTy::Usize)))?;
                        self.check_ty(&nt, &Ty::Int(IntTy::Usize), mac)?;
                        let ty = Ty::Vec(Box::new(it));
                        return Ok((self.emit(OpKind::VecRepeat, vec![v, n], ty.clone(), sp), ty));
                    }
                    VecBody::List(items) => items,
                };
                let (vals, it) = self.elems(elems.iter(), item, node)?;
                let ty = Ty::Vec(Box::new(it));
                Ok((self.emit(OpKind::VecLit, vals, ty.clone(), sp), ty))
            }
            "print" | "println" | "eprint" | "eprintln" | "write" | "writeln" | "format" => {
                Err(self.unsupported(
                    mac,
                    "I/O and formatting",
                    "move it into a function marked `#[residual]` and call that",
                ))
            }
            _ => Err(self.unsupported(
                mac,
                &format!("the macro `{name}!`"),
                "see translator/docs/subset.md for the supported macros",
            )),
        }
    }

    /// After a `panic` op: the block ends in the except block (the op itself never
    /// returns, so the link is not taken).
    fn panic_exit(&mut self) {
        let eb = self.exc_block;
        let et = self.g[eb].inputs[0];
        let ety = self.var_types[et.0 as usize].clone();
        self.goto(eb, &[], vec![Operand::Const(Const::Unit, ety)]);
    }

    fn const_usize(&self, e: &syn::Expr) -> R<usize> {
        match const_eval(
            self.k,
            &self.module,
            e,
            &Ty::Int(IntTy::Usize),
            &mut Vec::new(),
        ) {
            Some(Const::Int(n)) if n >= 0 => Ok(n as usize),
            _ => Err(self.err(e, "array length must be a constant")),
        }
    }
}

#[derive(Default)]
struct JoinState {
    /// The join block and its value input (none for a `()` value).
    block: Option<(BlockId, Option<Var>)>,
    ty: Option<Ty>,
}

enum Body<'a> {
    Expr(&'a syn::Expr),
    Block(&'a syn::Block),
    Unit,
}

struct ArmRef<'a> {
    pat: &'a syn::Pat,
    guard: Option<&'a syn::Expr>,
    body: Body<'a>,
}

enum Binding {
    None,
    Whole(String),
    /// Variant name and, per field, the name bound to it.
    Fields(String, Vec<Option<String>>),
}

/// A pattern resolved against the type of the value it matches.
enum Pat {
    Wild,
    /// `name` or `name @ pattern`.
    Bind(String, Box<Pat>),
    /// An integer, bool or char among these cases (literals, constants, ranges).
    Cases(Vec<Case>),
    /// One of these variants, whatever their fields.
    Tags(Vec<String>),
    /// A variant and the patterns of its fields, with their types.
    Variant(String, Vec<(Ty, Pat)>),
    Tuple(Vec<(Ty, Pat)>),
    /// A struct's fields by name, with their types.
    Struct(Vec<(String, Ty, Pat)>),
    /// Alternatives that bind the same names.
    Or(Vec<Pat>),
}

/// A value being matched: one held local, or the held elements of a tuple expression
/// (`match (a, b)` does not build the tuple).
enum Val {
    Held(usize),
    Cols(Vec<usize>),
}

/// Where a failed test goes, and the locals that block receives.
struct Fail {
    block: BlockId,
    shape: Vec<usize>,
}

enum VecBody {
    Repeat(syn::Expr, syn::Expr),
    List(Vec<syn::Expr>),
}

enum MethodRet {
    Same,
    OptionSame,
}

fn int_method(name: &str) -> Option<(Prim, usize, MethodRet)> {
    use MethodRet::*;
    Some(match name {
        "wrapping_add" => (Prim::IntAddWrap, 1, Same),
        "wrapping_sub" => (Prim::IntSubWrap, 1, Same),
        "wrapping_mul" => (Prim::IntMulWrap, 1, Same),
        "wrapping_neg" => (Prim::IntNegWrap, 0, Same),
        "wrapping_shl" => (Prim::IntShlWrap, 1, Same),
        "wrapping_shr" => (Prim::IntShrWrap, 1, Same),
        "checked_add" => (Prim::IntAddChecked, 1, OptionSame),
        "checked_sub" => (Prim::IntSubChecked, 1, OptionSame),
        "checked_mul" => (Prim::IntMulChecked, 1, OptionSame),
        "checked_div" => (Prim::IntDivChecked, 1, OptionSame),
        "checked_rem" => (Prim::IntRemChecked, 1, OptionSame),
        "checked_neg" => (Prim::IntNegChecked, 0, OptionSame),
        "min" => (Prim::IntMin, 1, Same),
        "max" => (Prim::IntMax, 1, Same),
        "abs" => (Prim::IntAbs, 0, Same),
        "rem_euclid" => (Prim::IntRemEuclid, 1, Same),
        "div_euclid" => (Prim::IntDivEuclid, 1, Same),
        _ => return None,
    })
}

/// `f64::to_bits(x)` and `f64::from_bits(u)` called by path: the op, the argument's
/// type and the result's.
fn float_bits_fn(segs: &[String]) -> Option<(Prim, Ty, Ty)> {
    match segs {
        [f, m] if f == "f64" && m == "to_bits" => {
            Some((Prim::FloatToBits, Ty::F64, Ty::Int(IntTy::U64)))
        }
        [f, m] if f == "f64" && m == "from_bits" => {
            Some((Prim::FloatFromBits, Ty::Int(IntTy::U64), Ty::F64))
        }
        _ => None,
    }
}

/// The associated constants of the primitive types (`i64::MAX`, `u8::MIN`, `u32::BITS`,
/// `f64::NAN`, `f64::INFINITY`, `f64::EPSILON`, ...) and the constants of
/// `std::f64::consts`, also named from `std::` or `core::`.
fn primitive_const(segs: &[String]) -> Option<(Const, Ty)> {
    let segs = match segs {
        [root, rest @ ..] if root == "std" || root == "core" => rest,
        s => s,
    };
    let float = |x: f64| Some((Const::Float(x), Ty::F64));
    match segs {
        [f, consts, c] if f == "f64" && consts == "consts" => {
            use std::f64::consts::*;
            float(match c.as_str() {
                "PI" => PI,
                "TAU" => TAU,
                "E" => E,
                "LN_2" => LN_2,
                "LN_10" => LN_10,
                "SQRT_2" => SQRT_2,
                _ => return None,
            })
        }
        [f, c] if f == "f64" => float(match c.as_str() {
            "NAN" => f64::NAN,
            "INFINITY" => f64::INFINITY,
            "NEG_INFINITY" => f64::NEG_INFINITY,
            "EPSILON" => f64::EPSILON,
            "MAX" => f64::MAX,
            "MIN" => f64::MIN,
            "MIN_POSITIVE" => f64::MIN_POSITIVE,
            _ => return None,
        }),
        [t, c] => {
            let it = IntTy::from_name(t)?;
            match c.as_str() {
                "MIN" => Some((Const::Int(it.min()), Ty::Int(it))),
                "MAX" => Some((Const::Int(it.max()), Ty::Int(it))),
                "BITS" => Some((Const::Int(it.bits() as i128), Ty::Int(IntTy::U32))),
                _ => None,
            }
        }
        _ => None,
    }
}

fn assign_op(op: syn::BinOp) -> syn::BinOp {
    use syn::BinOp as B;
    match op {
        B::AddAssign(_) => B::Add(Default::default()),
        B::SubAssign(_) => B::Sub(Default::default()),
        B::MulAssign(_) => B::Mul(Default::default()),
        B::DivAssign(_) => B::Div(Default::default()),
        B::RemAssign(_) => B::Rem(Default::default()),
        B::BitAndAssign(_) => B::BitAnd(Default::default()),
        B::BitOrAssign(_) => B::BitOr(Default::default()),
        B::BitXorAssign(_) => B::BitXor(Default::default()),
        B::ShlAssign(_) => B::Shl(Default::default()),
        B::ShrAssign(_) => B::Shr(Default::default()),
        other => other,
    }
}

/// Add the names a pattern binds to `out`.
fn pat_names(p: &syn::Pat, out: &mut BTreeSet<String>) {
    match p {
        syn::Pat::Ident(i) => {
            out.insert(i.ident.to_string());
        }
        syn::Pat::Type(t) => pat_names(&t.pat, out),
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|e| pat_names(e, out)),
        syn::Pat::TupleStruct(t) => t.elems.iter().for_each(|e| pat_names(e, out)),
        syn::Pat::Paren(x) => pat_names(&x.pat, out),
        syn::Pat::Reference(r) => pat_names(&r.pat, out),
        syn::Pat::Struct(s) => s.fields.iter().for_each(|f| pat_names(&f.pat, out)),
        syn::Pat::Slice(s) => s.elems.iter().for_each(|e| pat_names(e, out)),
        _ => {}
    }
}

fn quote_tokens(e: &syn::Expr) -> String {
    quote::ToTokens::to_token_stream(e).to_string()
}

/// References to scalars are the scalars themselves in the graph.
/// The names of a path's segments (`a::b::c` -> `["a", "b", "c"]`).
/// A `let` pattern that [`Builder::bind_pat`] takes: names, `_` and tuples of them.
fn simple_pat(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::Ident(id) => id.subpat.is_none() && id.by_ref.is_none(),
        syn::Pat::Wild(_) => true,
        syn::Pat::Tuple(t) => t.elems.iter().all(simple_pat),
        _ => false,
    }
}

fn member_name(m: &syn::Member) -> String {
    match m {
        syn::Member::Named(i) => i.to_string(),
        syn::Member::Unnamed(i) => i.index.to_string(),
    }
}

fn strip_parens(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Paren(p) => strip_parens(&p.expr),
        syn::Expr::Group(g) => strip_parens(&g.expr),
        e => e,
    }
}

fn path_segments(p: &syn::Path) -> Vec<String> {
    p.segments.iter().map(|s| s.ident.to_string()).collect()
}

fn strip_scalar_ref(t: Ty) -> Ty {
    match t {
        Ty::Ref(_, inner) if inner.is_scalar() => *inner,
        Ty::Ref(_, inner) => strip_scalar_ref(*inner),
        t => t,
    }
}

/// Types that may stand for each other: a reference and what it refers to.
fn compatible(a: &Ty, b: &Ty) -> bool {
    let (a, b) = (a.strip_ref(), b.strip_ref());
    match (a, b) {
        (Ty::Slice(x), Ty::Vec(y) | Ty::Array(y, _))
        | (Ty::Vec(y) | Ty::Array(y, _), Ty::Slice(x)) => x == y,
        _ => a == b,
    }
}

/// Resolve a syn type in the context of the crate (`self_ty` names `Self`).
/// `module` is where the type is written (its paths are resolved there); `file` holds it.
pub fn resolve_type(
    k: &Crate,
    self_ty: Option<&str>,
    t: &syn::Type,
    file: u32,
    module: &str,
) -> R<Ty> {
    let err = |msg: String| -> Diagnostic {
        k.error(file, t, msg)
            .label("not supported")
            .help("analysed code uses integers, bool, f64, char, references, arrays, slices, Vec, tuples, Option, Result and the crate's own structs and enums")
    };
    match t {
        syn::Type::Reference(r) => {
            let inner = resolve_type(k, self_ty, &r.elem, file, module)?;
            match inner {
                Ty::Str => Ok(Ty::Str),
                i if i.is_scalar() => Ok(Ty::Ref(r.mutability.is_some(), Box::new(i))),
                i => Ok(i),
            }
        }
        syn::Type::Paren(p) => resolve_type(k, self_ty, &p.elem, file, module),
        syn::Type::Group(g) => resolve_type(k, self_ty, &g.elem, file, module),
        syn::Type::Never(_) => Ok(Ty::Never),
        syn::Type::Tuple(tt) => {
            if tt.elems.is_empty() {
                return Ok(Ty::Unit);
            }
            Ok(Ty::Tuple(
                tt.elems
                    .iter()
                    .map(|e| resolve_type(k, self_ty, e, file, module))
                    .collect::<R<_>>()?,
            ))
        }
        syn::Type::Slice(s) => Ok(Ty::Slice(Box::new(resolve_type(
            k, self_ty, &s.elem, file, module,
        )?))),
        syn::Type::Array(a) => {
            let item = resolve_type(k, self_ty, &a.elem, file, module)?;
            match const_eval(k, module, &a.len, &Ty::Int(IntTy::Usize), &mut Vec::new()) {
                Some(Const::Int(n)) if n >= 0 => Ok(Ty::Array(Box::new(item), n as usize)),
                _ => Err(err("an array length that is not a constant".into())),
            }
        }
        syn::Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last().unwrap();
            let name = seg.ident.to_string();
            // The crate's own types, by the path rustc would resolve.
            let segs = path_segments(&p.path);
            if let Some(key) = k.resolve(module, &segs, self_ty) {
                if k.structs.contains_key(&key) || k.enums.contains_key(&key) {
                    return Ok(Ty::Adt(key));
                }
                if let Some(a) = k.aliases.get(&key) {
                    return resolve_type(k, self_ty, &a.ty, a.file, &a.module);
                }
            }
            let generic = |i: usize| -> R<Ty> {
                match &seg.arguments {
                    syn::PathArguments::AngleBracketed(a) => match a
                        .args
                        .iter()
                        .filter(|x| matches!(x, syn::GenericArgument::Type(_)))
                        .nth(i)
                    {
                        Some(syn::GenericArgument::Type(t)) => {
                            resolve_type(k, self_ty, t, file, module)
                        }
                        _ => Err(err(format!("`{name}` without its type argument"))),
                    },
                    _ => Err(err(format!("`{name}` without its type argument"))),
                }
            };
            if let Some(i) = IntTy::from_name(&name) {
                return Ok(Ty::Int(i));
            }
            match name.as_str() {
                "bool" => Ok(Ty::Bool),
                "f64" => Ok(Ty::F64),
                "char" => Ok(Ty::Char),
                "str" | "String" => Ok(Ty::Str),
                "Vec" => Ok(Ty::Vec(Box::new(generic(0)?))),
                "Box" | "Rc" => generic(0),
                "Option" => Ok(Ty::Option(Box::new(generic(0)?))),
                "Result" => Ok(Ty::Result(Box::new(generic(0)?), Box::new(generic(1)?))),
                "Self" => self_ty
                    .map(|s| Ty::Adt(s.to_string()))
                    .ok_or_else(|| err("`Self` outside an impl".into())),
                _ => Err(err(format!(
                    "the type `{}`",
                    type_name(t).unwrap_or_default()
                ))),
            }
        }
        _ => Err(err("this type".into())),
    }
}

/// Evaluate a constant expression of scalar type; `None` if it is not one.
pub fn const_eval(
    k: &Crate,
    module: &str,
    e: &syn::Expr,
    ty: &Ty,
    stack: &mut Vec<String>,
) -> Option<Const> {
    use syn::Expr as E;
    match e {
        E::Lit(l) => match &l.lit {
            syn::Lit::Int(i) => i.base10_parse::<i128>().ok().map(Const::Int),
            syn::Lit::Bool(b) => Some(Const::Bool(b.value)),
            syn::Lit::Float(f) => f.base10_parse::<f64>().ok().map(Const::Float),
            syn::Lit::Char(c) => Some(Const::Int(c.value() as i128)),
            syn::Lit::Byte(b) => Some(Const::Int(b.value() as i128)),
            _ => None,
        },
        E::Paren(p) => const_eval(k, module, &p.expr, ty, stack),
        E::Group(g) => const_eval(k, module, &g.expr, ty, stack),
        E::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => {
            match const_eval(k, module, &u.expr, ty, stack)? {
                Const::Int(i) => Some(Const::Int(-i)),
                Const::Float(f) => Some(Const::Float(-f)),
                _ => None,
            }
        }
        E::Cast(c) => const_eval(k, module, &c.expr, ty, stack).map(|v| match (v, ty.int()) {
            (Const::Int(i), Some(it)) => Const::Int(it.wrap(i)),
            (v, _) => v,
        }),
        E::Binary(b) => {
            let (Const::Int(x), Const::Int(y)) = (
                const_eval(k, module, &b.left, ty, stack)?,
                const_eval(k, module, &b.right, ty, stack)?,
            ) else {
                return None;
            };
            use syn::BinOp as B;
            Some(Const::Int(match b.op {
                B::Add(_) => x.checked_add(y)?,
                B::Sub(_) => x.checked_sub(y)?,
                B::Mul(_) => x.checked_mul(y)?,
                B::Div(_) => x.checked_div(y)?,
                B::Rem(_) => x.checked_rem(y)?,
                B::BitAnd(_) => x & y,
                B::BitOr(_) => x | y,
                B::BitXor(_) => x ^ y,
                B::Shl(_) => x.checked_shl(y as u32)?,
                B::Shr(_) => x.checked_shr(y as u32)?,
                _ => return None,
            }))
        }
        E::Path(p) => {
            if let Some((c, _)) = primitive_const(&path_segments(&p.path)) {
                return Some(c);
            }
            let name = k.resolve(module, &path_segments(&p.path), None)?;
            let c = k.consts.get(&name)?;
            if stack.contains(&name) {
                return None;
            }
            stack.push(name);
            let r = const_eval(k, &c.module, &c.expr, ty, stack);
            stack.pop();
            r
        }
        _ => None,
    }
}
