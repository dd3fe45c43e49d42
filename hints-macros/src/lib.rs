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
//! | `concrete!(x)` | `x` must be green; `translate` explains why when it is not |
//! | `promote!(x)` | make the red value `x` green at run time (a switch on its value) |
//! | `deepfreeze!(x)` | everything reachable from `x` is immutable: reads with green indices are green |
//! | `#[elidable]` | the function is pure: a call with green arguments is folded while compiling |
//! | `#[residual]` | never look inside the function: calls to it stay calls |

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
    Ok(f.into_token_stream())
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
#[proc_macro]
pub fn global_merge_point(input: TokenStream) -> TokenStream {
    let input: proc_macro2::TokenStream = input.into();
    if !input.is_empty() {
        return syn::Error::new(input.span(), "`global_merge_point!()` takes no arguments")
            .to_compile_error()
            .into();
    }
    quote!(()).into()
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

fn expand(r: syn::Result<proc_macro2::TokenStream>) -> TokenStream {
    r.unwrap_or_else(|e| e.to_compile_error()).into()
}
