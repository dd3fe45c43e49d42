//! The plain interpreter's hook at its global merge point.
//!
//! `#[portal]` rewrites the first `global_merge_point!(..);` statement of the plain body
//! (`__portal_plain_NAME`) into
//!
//! ```ignore
//! {
//!     global_merge_point!(..);
//!     '__merge: {
//!         if let Some(__merge_hook) = __merge_hook_NAME.get() {
//!             // The pass counted on the greens (see `hints::hot`); a cold key goes on.
//!             let __merge_hash = CountKey::mix_into(&pc, CountKey::mix_into(&code, portal_start("NAME")));
//!             if !tick_hot(__merge_hash) {
//!                 break '__merge;
//!             }
//!             // Gathers the pointers into an array, calls the hook with them, a
//!             // function giving each one's type name (`std::any::type_name`) and the
//!             // hash, and returns the portal's result when the hook gave one. Out of
//!             // line in debug builds, whose frames would otherwise grow by its locals.
//!             unsafe fn __merge_call<R, T0, ..>(hook, counted, v0: *const T0, ..) -> Option<R> { .. }
//!             if let Some(r) = unsafe { __merge_call(*__merge_hook, Some(__merge_hash), addr_of_mut!(pc) as *const _, ..) } {
//!                 return r;
//!             }
//!         }
//!     }
//! }
//! ```
//!
//! The greens counted on are those the statement lists (`greens(..)`), else the
//! variables passed that are named like a green of the portal, in the portal's order,
//! when the type of every green parameter can be counted ([`countable`])
//! (`__merge_counted_NAME`); with none, nothing is counted here and the hook is called
//! at every pass with `None`, to count it itself.
//!
//! The variables passed, in declaration order (parameters first), are the local
//! bindings in scope at the statement (parameters, `let`s with a value, and the
//! bindings of enclosing `for`, `if let`, `while let` and `match` arms; only the visible
//! one of a shadowed name; none made inside closures or nested items), kept when their
//! name is an identifier token inside the innermost enclosing loop (its body, and a
//! `while` condition) or anywhere after that loop in the function body; with no
//! enclosing loop, anywhere after the statement. A `let` without a value is not passed
//! (it may be uninitialised there). `__merge_vars_NAME` lists them with whether each is
//! declared `mut` (`ref`/`ref mut` bindings are not): only those are written through.
//! The hook also gets each variable's type name (`std::any::type_name`), from
//! which the hook learns what the analysis does not keep: whether a variable is a
//! reference (`&T`, `&mut T`) or the value itself.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};

/// Stands for the merge point statement while the body is scanned.
const MARKER: &str = "__global_merge_point_here";

#[derive(Clone)]
struct Binding {
    ident: syn::Ident,
    mutable: bool,
    /// `false` for `let x;`: such a binding hides an older one but is not passed.
    init: bool,
}

struct Found {
    /// The merge point statement as written.
    stmt: syn::Macro,
    attrs: Vec<syn::Attribute>,
    span: Span,
    scope: Vec<Binding>,
    /// The innermost loop around the statement (an id given by `Scan`).
    innermost_loop: Option<usize>,
    /// Identifiers inside that loop's body (and `while` condition).
    in_loop: Vec<String>,
    /// How many identifiers of that loop expression come after the marker.
    rest_in_loop: usize,
}

/// Rewrites the first merge point statement of `f`'s body (of the portal `portal`,
/// whose green parameters are `portal_greens`) to count its passes and call `hook`,
/// and returns the variables passed and those counted on; both empty (and `f`
/// unchanged) when the body has no merge point statement.
pub(crate) fn add_merge_hook(
    f: &mut syn::ItemFn,
    hook: &syn::Ident,
    portal: &str,
    portal_greens: &[String],
) -> MergeVars {
    let mut scan = Scan::default();
    for a in &f.sig.inputs {
        if let syn::FnArg::Typed(pt) = a {
            bind_pat(&pt.pat, &mut scan.scope);
        }
    }
    scan.visit_block_mut(&mut f.block);
    let Some(found) = scan.found else {
        return MergeVars::default();
    };

    let body = idents(&f.block.to_token_stream());
    let at = body.iter().position(|i| i == MARKER).unwrap_or(body.len());
    let after = body.get(at + 1 + found.rest_in_loop..).unwrap_or(&[]);
    let mentioned: HashSet<&str> = found
        .in_loop
        .iter()
        .chain(after)
        .map(String::as_str)
        .collect();
    let passed: Vec<&Binding> = found
        .scope
        .iter()
        .enumerate()
        .filter(|(i, b)| !found.scope[i + 1..].iter().any(|c| c.ident == b.ident))
        .map(|(_, b)| b)
        .filter(|b| b.init && mentioned.contains(b.ident.unraw().to_string().as_str()))
        .collect();

    let span = found.span;
    let n = proc_macro2::Literal::usize_unsuffixed(passed.len());
    let ptrs = passed.iter().map(|b| {
        // The binding's own name resolution, reported at the merge point.
        let mut id = b.ident.clone();
        id.set_span(b.ident.span().located_at(span));
        if b.mutable {
            quote_spanned!(span=> ::std::ptr::addr_of_mut!(#id) as *const _)
        } else {
            quote_spanned!(span=> ::std::ptr::addr_of!(#id))
        }
    });
    let tys: Vec<syn::Ident> = (0..passed.len())
        .map(|i| quote::format_ident!("__T{}", i, span = span))
        .collect();
    let params: Vec<syn::Ident> = (0..passed.len())
        .map(|i| quote::format_ident!("__v{}", i, span = span))
        .collect();
    let (mac, attrs) = (&found.stmt, &found.attrs);
    // The merge point counts its passes here, on its greens (see `hints::hot`):
    // those it lists, or the variables passed that are named like a green of the
    // portal; it calls the hook only for a hot key, with the hash it counted. With no
    // such variable the hook counts every pass itself.
    let counted_names: Vec<syn::Ident> = match listed_greens(&found.stmt) {
        Some(greens) => greens,
        None => portal_greens
            .iter()
            .filter_map(|g| passed.iter().find(|b| b.ident.unraw() == g.as_str()))
            .map(|b| b.ident.clone())
            .collect(),
    };
    let (count, counted) = if counted_names.is_empty() {
        (quote!(), quote!(::std::option::Option::None))
    } else {
        let greens = counted_names.iter().map(|g| {
            let mut g = g.clone();
            g.set_span(g.span().located_at(span));
            g
        });
        (
            quote_spanned! {span=>
                const __MERGE_START: u64 = ::hints::hot::portal_start(#portal);
                let __merge_hash = __MERGE_START;
                #(let __merge_hash = ::hints::hot::CountKey::mix_into(&#greens, __merge_hash);)*
                if !::hints::hot::tick_hot(__merge_hash) {
                    break '__merge;
                }
            },
            quote_spanned!(span=> ::std::option::Option::Some(__merge_hash)),
        )
    };
    // The pointers and type names are gathered in a function of their own, so the
    // interpreter's frame (one per guest call in a recursive interpreter) grows by the
    // call's arguments only.
    let block = quote_spanned! {span=>
        {
            #(#attrs)* #mac;
            '__merge: {
            if let ::std::option::Option::Some(__merge_hook) = #hook.get() {
                #count
                fn __merge_type<#(#tys),*>(i: usize) -> &'static str {
                    let names: [&'static str; #n] = [#(::std::any::type_name::<#tys>()),*];
                    names.get(i).copied().unwrap_or("")
                }
                #[cfg_attr(debug_assertions, inline(never))]
                #[allow(clippy::too_many_arguments)]
                unsafe fn __merge_call<__R, #(#tys),*>(
                    hook: ::hints::rt::MergeFn,
                    counted: ::std::option::Option<u64>,
                    #(#params: *const #tys),*
                ) -> ::std::option::Option<__R> {
                    let vars: [*mut (); #n] = [#(#params as *mut ()),*];
                    let mut ret = ::std::mem::MaybeUninit::<__R>::uninit();
                    if hook(vars.as_ptr(), __merge_type::<#(#tys),*>, ret.as_mut_ptr().cast::<()>(), counted) {
                        ::std::option::Option::Some(ret.assume_init())
                    } else {
                        ::std::option::Option::None
                    }
                }
                if let ::std::option::Option::Some(__merge_r) =
                    unsafe { __merge_call(__merge_hook, #counted, #(#ptrs),*) }
                {
                    return __merge_r;
                }
            }
            }
        }
    };
    Replace(Some(block)).visit_block_mut(&mut f.block);
    MergeVars {
        passed: passed
            .iter()
            .map(|b| (b.ident.unraw().to_string(), b.mutable))
            .collect(),
        counted: counted_names
            .iter()
            .map(|g| g.unraw().to_string())
            .collect(),
    }
}

/// What `add_merge_hook` made of a merge point.
#[derive(Default)]
pub(crate) struct MergeVars {
    /// The variables passed to the hook, as (name, declared `mut`).
    pub passed: Vec<(String, bool)>,
    /// The greens the merge point counts its passes on, in order (none: the hook
    /// counts them).
    pub counted: Vec<String>,
}

/// Whether a value of type `ty`, as written, can be counted on (`hints::hot::CountKey`):
/// a reference, or a primitive integer, `bool`, `char` or float. When a green parameter
/// cannot, the merge point counts on nothing and the hook counts on the same greens.
pub(crate) fn countable(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(_) => true,
        syn::Type::Paren(p) => countable(&p.elem),
        syn::Type::Group(g) => countable(&g.elem),
        syn::Type::Path(p) if p.qself.is_none() => p.path.get_ident().is_some_and(|i| {
            matches!(
                i.to_string().as_str(),
                "i8" | "i16"
                    | "i32"
                    | "i64"
                    | "isize"
                    | "u8"
                    | "u16"
                    | "u32"
                    | "u64"
                    | "usize"
                    | "bool"
                    | "char"
                    | "f32"
                    | "f64"
            )
        }),
        _ => false,
    }
}

/// The variables a merge point statement lists in `greens(..)`, if it lists them.
fn listed_greens(m: &syn::Macro) -> Option<Vec<syn::Ident>> {
    let metas = m
        .parse_body_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
        .ok()?;
    metas.iter().find_map(|meta| match meta {
        syn::Meta::List(l) if l.path.is_ident("greens") => l
            .parse_args_with(
                syn::punctuated::Punctuated::<syn::Ident, syn::Token![,]>::parse_terminated,
            )
            .ok()
            .map(|ids| ids.into_iter().collect()),
        _ => None,
    })
}

fn is_merge_point(m: &syn::Macro) -> bool {
    m.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "global_merge_point")
}

fn is_marker(s: &syn::Stmt) -> bool {
    matches!(s, syn::Stmt::Expr(syn::Expr::Verbatim(t), None) if t.to_string() == MARKER)
}

/// The identifiers of `ts` in source order, also inside macro invocations.
fn idents(ts: &TokenStream) -> Vec<String> {
    fn go(ts: &TokenStream, out: &mut Vec<String>) {
        for t in ts.clone() {
            match t {
                TokenTree::Ident(i) => out.push(i.unraw().to_string()),
                TokenTree::Group(g) => go(&g.stream(), out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    go(ts, &mut out);
    out
}

/// The bindings a pattern makes, in order. An identifier pattern starting with a
/// capital letter (without `mut`, `ref` or `@`) is taken for a constant or unit variant.
fn bind_pat(p: &syn::Pat, out: &mut Vec<Binding>) {
    use syn::Pat;
    match p {
        Pat::Ident(i) => {
            let constant = i.by_ref.is_none()
                && i.mutability.is_none()
                && i.subpat.is_none()
                && i.ident.unraw().to_string().starts_with(char::is_uppercase);
            if !constant {
                out.push(Binding {
                    ident: i.ident.clone(),
                    mutable: i.mutability.is_some() && i.by_ref.is_none(),
                    init: true,
                });
            }
            if let Some((_, sub)) = &i.subpat {
                bind_pat(sub, out);
            }
        }
        // Every alternative binds the same names.
        Pat::Or(o) => {
            if let Some(first) = o.cases.first() {
                bind_pat(first, out);
            }
        }
        Pat::Paren(p) => bind_pat(&p.pat, out),
        Pat::Reference(r) => bind_pat(&r.pat, out),
        Pat::Type(t) => bind_pat(&t.pat, out),
        Pat::Slice(s) => s.elems.iter().for_each(|e| bind_pat(e, out)),
        Pat::Tuple(t) => t.elems.iter().for_each(|e| bind_pat(e, out)),
        Pat::TupleStruct(t) => t.elems.iter().for_each(|e| bind_pat(e, out)),
        Pat::Struct(s) => s.fields.iter().for_each(|f| bind_pat(&f.pat, out)),
        _ => {}
    }
}

/// Finds the first merge point statement (replacing it by the marker) with the bindings
/// in scope there, and the identifiers of its innermost enclosing loop.
#[derive(Default)]
struct Scan {
    scope: Vec<Binding>,
    loops: Vec<usize>,
    next_loop: usize,
    found: Option<Found>,
}

impl Scan {
    fn enter_loop(&mut self) -> usize {
        let id = self.next_loop;
        self.next_loop += 1;
        self.loops.push(id);
        id
    }

    /// After the loop `id`, whose tokens are `whole` and whose body (with a `while`
    /// condition) is `inside`.
    fn leave_loop(&mut self, id: usize, whole: TokenStream, inside: TokenStream) {
        self.loops.pop();
        if let Some(f) = &mut self.found {
            if f.innermost_loop == Some(id) {
                let all = idents(&whole);
                let at = all.iter().position(|i| i == MARKER).unwrap_or(all.len());
                f.rest_in_loop = all.len().saturating_sub(at + 1);
                f.in_loop = idents(&inside);
            }
        }
    }

    /// An `if`/`while` condition: `let` patterns (also in `&&` chains) bind for the body.
    fn visit_cond(&mut self, c: &mut syn::Expr) {
        match c {
            syn::Expr::Let(l) => {
                self.visit_expr_mut(&mut l.expr);
                bind_pat(&l.pat, &mut self.scope);
            }
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                self.visit_cond(&mut b.left);
                self.visit_cond(&mut b.right);
            }
            _ => self.visit_expr_mut(c),
        }
    }
}

impl VisitMut for Scan {
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        let mark = self.scope.len();
        for stmt in &mut b.stmts {
            if self.found.is_some() {
                break;
            }
            let mac = match stmt {
                syn::Stmt::Macro(m) if is_merge_point(&m.mac) => Some((&m.mac, &m.attrs)),
                syn::Stmt::Expr(syn::Expr::Macro(m), _) if is_merge_point(&m.mac) => {
                    Some((&m.mac, &m.attrs))
                }
                _ => None,
            };
            if let Some((mac, attrs)) = mac {
                self.found = Some(Found {
                    stmt: mac.clone(),
                    attrs: attrs.clone(),
                    span: mac.span(),
                    scope: self.scope.clone(),
                    innermost_loop: self.loops.last().copied(),
                    in_loop: Vec::new(),
                    rest_in_loop: 0,
                });
                let marker = syn::Ident::new(MARKER, Span::call_site());
                *stmt = syn::Stmt::Expr(syn::Expr::Verbatim(quote!(#marker)), None);
                break;
            }
            match stmt {
                syn::Stmt::Local(l) => match &mut l.init {
                    Some(init) => {
                        self.visit_expr_mut(&mut init.expr);
                        if let Some((_, d)) = &mut init.diverge {
                            self.visit_expr_mut(d);
                        }
                        bind_pat(&l.pat, &mut self.scope);
                    }
                    None => {
                        let start = self.scope.len();
                        bind_pat(&l.pat, &mut self.scope);
                        self.scope[start..].iter_mut().for_each(|b| b.init = false);
                    }
                },
                syn::Stmt::Expr(e, _) => self.visit_expr_mut(e),
                syn::Stmt::Item(_) | syn::Stmt::Macro(_) => {}
            }
        }
        self.scope.truncate(mark);
    }

    fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
        use syn::Expr;
        if self.found.is_some() {
            return;
        }
        let mark = self.scope.len();
        match e {
            // Their bindings and merge points belong to another body.
            Expr::Closure(_) | Expr::Async(_) | Expr::Macro(_) => {}
            Expr::If(i) => {
                self.visit_cond(&mut i.cond);
                self.visit_block_mut(&mut i.then_branch);
                self.scope.truncate(mark);
                if let Some((_, els)) = &mut i.else_branch {
                    self.visit_expr_mut(els);
                }
            }
            Expr::While(w) => {
                let id = self.enter_loop();
                self.visit_cond(&mut w.cond);
                self.visit_block_mut(&mut w.body);
                self.scope.truncate(mark);
                let (c, b) = (&w.cond, &w.body);
                let inside = quote!(#c #b);
                self.leave_loop(id, w.to_token_stream(), inside);
            }
            Expr::ForLoop(l) => {
                self.visit_expr_mut(&mut l.expr);
                let id = self.enter_loop();
                bind_pat(&l.pat, &mut self.scope);
                self.visit_block_mut(&mut l.body);
                self.scope.truncate(mark);
                self.leave_loop(id, l.to_token_stream(), l.body.to_token_stream());
            }
            Expr::Loop(l) => {
                let id = self.enter_loop();
                self.visit_block_mut(&mut l.body);
                self.leave_loop(id, l.to_token_stream(), l.body.to_token_stream());
            }
            Expr::Match(m) => {
                self.visit_expr_mut(&mut m.expr);
                for arm in &mut m.arms {
                    bind_pat(&arm.pat, &mut self.scope);
                    if let Some((_, g)) = &mut arm.guard {
                        self.visit_expr_mut(g);
                    }
                    self.visit_expr_mut(&mut arm.body);
                    self.scope.truncate(mark);
                }
            }
            _ => visit_mut::visit_expr_mut(self, e),
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Puts the hook block in place of the marker.
struct Replace(Option<TokenStream>);

impl VisitMut for Replace {
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        for stmt in &mut b.stmts {
            if self.0.is_none() {
                return;
            }
            if is_marker(stmt) {
                *stmt = syn::Stmt::Expr(syn::Expr::Verbatim(self.0.take().unwrap()), None);
                return;
            }
            self.visit_stmt_mut(stmt);
        }
    }
}
