//! Hints that mark an interpreter for `translate`.
//!
//! In an ordinary build every hint checks its arguments and expands to the code it was
//! given, unchanged: a hinted interpreter runs exactly as the plain one. `translate`
//! reads the hints from the source to build the JIT.
//!
//! ```ignore
//! use hints_macros::{concrete, global_merge_point, portal};
//!
//! #[portal(greens(code, pc))]          // the JIT's entry; `code` and `pc` are green
//! pub fn interpret(code: &[i64], pc: usize, a: i64) -> i64 {
//!     let mut pc = pc;
//!     let mut a = a;
//!     loop {
//!         global_merge_point!();       // top of the dispatch loop
//!         let op = concrete!(code[pc]); // must be known while compiling
//!         pc += 1;
//!         match op {
//!             0 => return a,
//!             _ => a += op,
//!         }
//!     }
//! }
//! ```
//!
//! | hint | meaning |
//! |---|---|
//! | `#[portal(greens(a, b))]` | the interpreter's entry function; the named parameters are green (compile-time), the others red (run-time) |
//! | `global_merge_point!()` | the top of the dispatch loop: compilation states with equal green values merge here |
//! | `global_merge_point!(greens(code, pc))` | the same, naming the variables that are green there; `reds(..)` may list the red ones too |
//! | `concrete!(x)` | `x` must be green; `translate` explains why when it is not |
//! | `promote!(x)` | make the red value `x` green at run time (a switch on its value) |
//! | `deepfreeze!(x)` | everything reachable from `x` is immutable: reads with green indices are green |
//! | `#[elidable]` | the function is pure: a call with green arguments is folded while compiling |
//! | `#[residual]` | never look inside the function: calls to it stay calls |
//! | `residual_call!(f(x))` | this one call stays a call; other calls of `f` are looked into |
//!
//! Which calls are looked into (inlined, so their green parts fold): every call of a
//! function of the interpreter's crate, except calls of `#[residual]` functions, calls
//! in `residual_call!`, recursive calls, and calls past 20,000 inlined operations per
//! portal. A call kept a call runs the function as written; its callee must be `pub`.
//!
//! Which values are green at the global merge point: the values the loop never changes
//! (the bytecode, its length) keep the binding time they come in with; of the values the
//! loop changes, only the merge point's greens stay green, and all others are red there,
//! even when they are computed from greens only (a data pointer that starts at 0 and
//! moves with `+= 1`): otherwise every value such a variable takes would compile the loop
//! again. The merge point's greens are
//! - with `global_merge_point!(greens(code, pc))`, the variables listed: the loop
//!   variable need not be named like a portal parameter
//!   (`let mut pc = start; loop { global_merge_point!(greens(code, pc)); .. }`); a listed
//!   green must be green (`translate` explains why when it is not);
//! - with `global_merge_point!()`, the variables named like one of the portal's greens
//!   (`let mut pc = pc;` keeps `pc` green).
//!
//! `global_merge_point!(greens(code, pc), reds(acc, stack))` also lists the red variables,
//! which are then red there; `translate` checks that every variable live at the merge
//! point is listed in one of the two, and that every listed variable is live there (a
//! variable in scope that nothing reads after the merge point is not live). A name that is
//! not a variable in scope is a compile error at the name, as is a name listed twice.
//! `translate --view` and the errors of `concrete!` say which rule made a variable red.
//!
//! In a translated binary the merge point counts how often the interpreter passes each
//! key, hashing its greens: a green there is an integer, `bool`, `char`, float or a
//! reference (slices and `str` count by address), or the merge point does not compile.
//!
//! `promote!` is for a red value that decides where the interpreter goes next, such as a
//! jump target computed at run time. The first time a value reaches the hint, compiled
//! code calls the JIT, which compiles what follows with the value as a constant and
//! patches it into a switch there; later runs with the same value go straight to that
//! code (at most `--jit-max-cases` values per switch; others go through a table):
//!
//! ```ignore
//! BR_COND_STK => {
//!     let off = pop(&mut stack)?;
//!     if pop(&mut stack)? != 0 {
//!         let target = promote!(pc as i64 + off); // green from here on
//!         pc = target as usize;                   // so `pc` stays green
//!     }
//! }
//! ```
//!
//! Only integers, bools, chars and floats can be promoted. The complete example
//! interpreters are `targets/tlr`, `targets/tl` and `targets/bf`.

mod merge;

use proc_macro::TokenStream;
use quote::{quote, ToTokens};
use syn::parse::{Parse, ParseStream, Parser};
use syn::spanned::Spanned;

/// Marks the interpreter's entry function. `greens(...)` names the parameters known at
/// compile time (typically the bytecode and the program counter).
#[proc_macro_attribute]
pub fn portal(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand(portal_impl(attr.into(), item.into()))
}

fn portal_impl(
    attr: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> syn::Result<proc_macro2::TokenStream> {
    let f: syn::ItemFn = syn::parse2(item)
        .map_err(|e| syn::Error::new(e.span(), "`#[portal]` goes on a function"))?;
    let mut greens: Vec<syn::Ident> = Vec::new();
    let parser = syn::meta::parser(|m| {
        if m.path.is_ident("greens") {
            m.parse_nested_meta(|g| {
                let id = g
                    .path
                    .get_ident()
                    .ok_or_else(|| g.error("expected a parameter name"))?;
                greens.push(id.clone());
                Ok(())
            })
        } else {
            Err(m.error("expected `greens(param, ...)`"))
        }
    });
    parser.parse2(attr)?;
    let params: Vec<String> = f
        .sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            syn::FnArg::Typed(pt) => match &*pt.pat {
                syn::Pat::Ident(i) => Some(i.ident.to_string()),
                _ => None,
            },
            syn::FnArg::Receiver(_) => Some("self".into()),
        })
        .collect();
    for g in &greens {
        if !params.contains(&g.to_string()) {
            return Err(syn::Error::new(
                g.span(),
                format!("`{g}` is not a parameter of `{}`; green parameters must be named in the signature", f.sig.ident),
            ));
        }
    }
    let greens: Vec<String> = greens.iter().map(|g| g.to_string()).collect();
    // The merge point counts on the variables named like these greens only when each
    // green parameter's type can be counted (see `merge::countable`); otherwise its hook
    // counts every pass.
    let countable = f.sig.inputs.iter().all(|a| match a {
        syn::FnArg::Typed(pt) => match &*pt.pat {
            syn::Pat::Ident(i) if greens.contains(&i.ident.to_string()) => merge::countable(&pt.ty),
            _ => true,
        },
        syn::FnArg::Receiver(_) => true,
    });
    let by_name: &[String] = if countable { &greens } else { &[] };
    portal_hook(f, by_name)
}

/// The portal with its hook: `NAME` checks the hook static `__portal_hook_NAME` (set by
/// a translated binary to enter the JIT; empty otherwise) and else runs
/// `__portal_plain_NAME`, the function as written. The JIT calls the plain function for
/// code it does not compile.
///
/// The plain function also calls the hook `__merge_hook_NAME` (when set) at its global
/// merge point, with pointers to the variables listed in `__merge_vars_NAME` (see
/// `merge`): when the hook returns `true` it has written the function's result, which
/// is returned; otherwise the loop goes on with the variables as the hook left them.
fn portal_hook(f: syn::ItemFn, greens: &[String]) -> syn::Result<proc_macro2::TokenStream> {
    if !f.sig.generics.params.is_empty() || f.sig.asyncness.is_some() || f.sig.unsafety.is_some() {
        return Err(syn::Error::new(
            f.sig.ident.span(),
            "a portal must be a plain `fn` without generics, `async` or `unsafe`",
        ));
    }
    let mut arg_names = Vec::new();
    let mut arg_types = Vec::new();
    let mut params = Vec::new();
    for (i, a) in f.sig.inputs.iter().enumerate() {
        match a {
            syn::FnArg::Receiver(r) => {
                return Err(syn::Error::new(
                    r.span(),
                    "a portal must be a free function, not a method",
                ))
            }
            syn::FnArg::Typed(pt) => {
                let name = quote::format_ident!("__arg{}", i);
                let ty = &pt.ty;
                params.push(quote!(#name: #ty));
                arg_names.push(name);
                arg_types.push(ty.clone());
            }
        }
    }
    let vis = &f.vis;
    let name = &f.sig.ident;
    let attrs = &f.attrs;
    let ret = &f.sig.output;
    let hook = quote::format_ident!("__portal_hook_{}", name);
    let plain = quote::format_ident!("__portal_plain_{}", name);
    let merge_hook = quote::format_ident!("__merge_hook_{}", name);
    let merge_vars = quote::format_ident!("__merge_vars_{}", name);
    let mut plain_fn = f.clone();
    plain_fn.sig.ident = plain.clone();
    plain_fn.vis = syn::parse_quote!(pub);
    plain_fn.attrs.retain(|a| !a.path().is_ident("doc"));
    let merge_counted = quote::format_ident!("__merge_counted_{}", name);
    let vars = merge::add_merge_hook(&mut plain_fn, &merge_hook, &name.to_string(), greens);
    let (var_names, var_muts): (Vec<String>, Vec<bool>) = vars.passed.into_iter().unzip();
    let counted = vars.counted;
    Ok(quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        pub static #hook: ::std::sync::OnceLock<fn(#(#arg_types),*) #ret> =
            ::std::sync::OnceLock::new();

        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        pub static #merge_hook: ::hints::rt::MergeHook = ::hints::rt::MergeHook::new();

        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        pub const #merge_vars: &[(&str, bool)] = &[#((#var_names, #var_muts)),*];

        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        pub const #merge_counted: &[&str] = &[#(#counted),*];

        #(#attrs)*
        #vis fn #name(#(#params),*) #ret {
            if let ::std::option::Option::Some(__hook) = #hook.get() {
                return __hook(#(#arg_names),*);
            }
            #plain(#(#arg_names),*)
        }

        #[doc(hidden)]
        #plain_fn
    })
}

/// Marks a pure function: a call whose arguments are all green is folded while compiling.
#[proc_macro_attribute]
pub fn elidable(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand(fn_marker("elidable", attr.into(), item.into()))
}

/// Marks a function the JIT never looks into: calls to it stay calls.
#[proc_macro_attribute]
pub fn residual(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand(fn_marker("residual", attr.into(), item.into()))
}

fn fn_marker(
    name: &str,
    attr: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> syn::Result<proc_macro2::TokenStream> {
    if !attr.is_empty() {
        return Err(syn::Error::new(
            attr.span(),
            format!("`#[{name}]` takes no arguments"),
        ));
    }
    let f: syn::ItemFn = syn::parse2(item)
        .map_err(|e| syn::Error::new(e.span(), format!("`#[{name}]` goes on a function")))?;
    Ok(f.into_token_stream())
}

/// The top of the dispatch loop, where compilation states merge by green key.
///
/// `global_merge_point!()` keeps green the values named like a green of the portal;
/// `global_merge_point!(greens(code, pc))` names the green variables instead, and
/// `global_merge_point!(greens(code, pc), reds(x, y))` also lists the red ones (then
/// `translate` checks that every variable live there is in one of the lists). A listed
/// name must be a variable in scope: the expansion borrows each one, so a misspelt or
/// moved variable is a compile error at its name.
#[proc_macro]
pub fn global_merge_point(input: TokenStream) -> TokenStream {
    expand(merge_point_impl(input.into()))
}

fn merge_point_impl(input: proc_macro2::TokenStream) -> syn::Result<proc_macro2::TokenStream> {
    let mut greens: Option<Vec<syn::Ident>> = None;
    let mut reds: Option<(proc_macro2::Span, Vec<syn::Ident>)> = None;
    let mut all: Vec<syn::Ident> = Vec::new();
    let parser = syn::meta::parser(|m| {
        let is_greens = m.path.is_ident("greens");
        if !is_greens && !m.path.is_ident("reds") {
            return Err(m.error(
                "expected `greens(name, ...)` or `reds(name, ...)`: the variables that are green and red at the merge point",
            ));
        }
        let kind = if is_greens { "greens" } else { "reds" };
        if (is_greens && greens.is_some()) || (!is_greens && reds.is_some()) {
            return Err(m.error(format!("`{kind}(..)` is given twice")));
        }
        let mut names = Vec::new();
        m.parse_nested_meta(|v| {
            let id = v
                .path
                .get_ident()
                .ok_or_else(|| v.error("expected the name of a local variable"))?;
            if all.contains(id) {
                return Err(syn::Error::new(
                    id.span(),
                    format!("`{id}` is listed twice; a variable is either green or red"),
                ));
            }
            all.push(id.clone());
            names.push(id.clone());
            Ok(())
        })?;
        if is_greens {
            greens = Some(names);
        } else {
            reds = Some((m.path.span(), names));
        }
        Ok(())
    });
    parser.parse2(input)?;
    if let (None, Some((span, _))) = (&greens, &reds) {
        return Err(syn::Error::new(
            *span,
            "`reds(..)` needs `greens(..)` too: `global_merge_point!(greens(..), reds(..))`",
        ));
    }
    Ok(quote!({ #(let _ = &#all;)* }))
}

struct One(syn::Expr);
impl Parse for One {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let e: syn::Expr = input.parse()?;
        if !input.is_empty() {
            return Err(input.error("expected one expression"));
        }
        Ok(One(e))
    }
}

fn value_hint(name: &str, input: TokenStream) -> TokenStream {
    let input: proc_macro2::TokenStream = input.into();
    if input.is_empty() {
        return syn::Error::new(
            proc_macro2::Span::call_site(),
            format!("`{name}!` needs a value: `{name}!(x)`"),
        )
        .to_compile_error()
        .into();
    }
    match syn::parse2::<One>(input) {
        Ok(One(e)) => quote!((#e)).into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Make a red value green at run time: the compiled code switches on its value.
#[proc_macro]
pub fn promote(input: TokenStream) -> TokenStream {
    value_hint("promote", input)
}

/// This value must be green (known while compiling).
#[proc_macro]
pub fn concrete(input: TokenStream) -> TokenStream {
    value_hint("concrete", input)
}

/// Everything reachable from this value is immutable.
#[proc_macro]
pub fn deepfreeze(input: TokenStream) -> TokenStream {
    value_hint("deepfreeze", input)
}

/// This one call stays a call in compiled code (the callee is not looked into here),
/// whatever the callee is: `residual_call!(helper(a, b))`. The callee must be a `pub`
/// function of the interpreter's crate.
#[proc_macro]
pub fn residual_call(input: TokenStream) -> TokenStream {
    let input: proc_macro2::TokenStream = input.into();
    let span = if input.is_empty() {
        proc_macro2::Span::call_site()
    } else {
        input.span()
    };
    match syn::parse2::<One>(input) {
        Ok(One(syn::Expr::Call(c))) if matches!(*c.func, syn::Expr::Path(_)) => quote!((#c)).into(),
        _ => syn::Error::new(
            span,
            "`residual_call!` takes a call of a named function: `residual_call!(f(x))`",
        )
        .to_compile_error()
        .into(),
    }
}

fn expand(r: syn::Result<proc_macro2::TokenStream>) -> TokenStream {
    r.unwrap_or_else(|e| e.to_compile_error()).into()
}
