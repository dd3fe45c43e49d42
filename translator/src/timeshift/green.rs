//! Green data in generated code: the Rust form of a green value, reads of green data,
//! and the traits the generated code needs of the interpreter's types.
//!
//! Green aggregates are never made while compiling (the binding-time analysis makes
//! every `Vec`, array and struct construction red), so every green struct, vector or
//! array is part of green data the portal was given: a green portal parameter, which
//! the entry interns into a copy that lives as long as the process and is never written
//! (`Jit::intern`). A green value of such a type is therefore a `&'static` reference
//! into that copy: a struct is `&'static S`, a `Vec<T>` or slice `&'static [T]`, an
//! array `&'static [T; N]`. Scalars and the crate's enums are values; tuples, `Option`
//! and `Result` hold the green forms of their parts. Reading a field or an item of green
//! data borrows it again (constant time, whatever the size of the data).

use super::layout::{norm, Types};
use crate::diag::Diagnostic;
use crate::flow::model::Span;
use crate::flow::types::Ty;
use crate::source::Crate;

impl Types<'_> {
    /// The Rust type of a green value of type `t` (see the module's documentation).
    pub fn green(&self, t: &Ty) -> Result<String, String> {
        Ok(match norm(t) {
            Ty::Vec(x) | Ty::Slice(x) => format!("&'static [{}]", self.rust(&x)?),
            Ty::Array(..) => format!("&'static {}", self.rust(t)?),
            Ty::Adt(n) if self.k.structs.contains_key(&n) => {
                format!("&'static {}", self.rust(t)?)
            }
            Ty::Tuple(ts) => {
                let parts: Result<Vec<String>, String> = ts.iter().map(|t| self.green(t)).collect();
                format!("({},)", parts?.join(", "))
            }
            Ty::Option(x) => format!("Option<{}>", self.green(&x)?),
            Ty::Result(a, b) => format!("Result<{}, {}>", self.green(&a)?, self.green(&b)?),
            t => self.rust(&t)?,
        })
    }

    /// Whether the green form of `t` is a reference of its own (a struct, vector or
    /// array): it is copied as it is (`.clone()` would clone what it points to).
    pub fn green_is_ref(&self, t: &Ty) -> bool {
        matches!(norm(t), Ty::Vec(_) | Ty::Array(..)) || self.is_struct(t)
    }

    /// Whether the green form of `t` is a value of its Rust type (it borrows nothing).
    pub fn green_is_owned(&self, t: &Ty) -> bool {
        match (self.green(t), self.rust(t)) {
            (Ok(g), Ok(r)) => g == r,
            _ => false,
        }
    }

    /// The green form of the green data `r` points to: `r` is a Rust expression of type
    /// `&'static T` for the Rust type `T` of `t`. `depth` keeps nested bindings apart.
    pub fn from_ref(&self, t: &Ty, r: &str, depth: usize) -> Result<String, String> {
        let x = format!("r{depth}");
        Ok(match norm(t) {
            Ty::Int(_) | Ty::Bool | Ty::F64 | Ty::Char | Ty::Unit | Ty::Never | Ty::Str => {
                format!("(*{r})")
            }
            Ty::Slice(_) => format!("(*{r})"),
            Ty::Vec(_) => format!("(&{r}[..])"),
            Ty::Array(..) => r.to_string(),
            Ty::Adt(n) if self.k.structs.contains_key(&n) => r.to_string(),
            Ty::Tuple(ts) => {
                let parts: Result<Vec<String>, String> = ts
                    .iter()
                    .enumerate()
                    .map(|(i, t)| self.from_ref(t, &format!("(&{x}.{i})"), depth + 1))
                    .collect();
                format!("{{ let {x} = {r}; ({},) }}", parts?.join(", "))
            }
            Ty::Option(t) => format!(
                "{r}.as_ref().map(|{x}| {})",
                self.from_ref(&t, &x, depth + 1)?
            ),
            Ty::Result(a, b) => format!(
                "match {r} {{ Ok({x}) => Ok({}), Err({x}) => Err({}) }}",
                self.from_ref(&a, &x, depth + 1)?,
                self.from_ref(&b, &x, depth + 1)?
            ),
            t => {
                if !self.green_is_owned(&t) {
                    return Err(format!(
                        "the JIT cannot read a green `{t}` out of green data yet: its structs or vectors would be copied"
                    ));
                }
                format!("{r}.clone()")
            }
        })
    }

    /// The crate's enums a green value of type `t` holds by value (the generated code
    /// clones green values, so they must be `Clone`).
    pub fn owned_enums(&self, t: &Ty, out: &mut Vec<String>) {
        match norm(t) {
            Ty::Adt(n) if self.k.enums.contains_key(&n) && !out.contains(&n) => out.push(n),
            Ty::Tuple(ts) => ts.iter().for_each(|t| self.owned_enums(t, out)),
            Ty::Option(x) => self.owned_enums(&x, out),
            Ty::Result(a, b) => {
                self.owned_enums(&a, out);
                self.owned_enums(&b, out);
            }
            _ => {}
        }
    }
}

/// The definition of the crate's struct or enum `name`: its file, attributes, generics
/// and where its name is.
fn type_item<'k>(
    k: &'k Crate,
    name: &str,
) -> Option<(u32, &'k [syn::Attribute], &'k syn::Generics, Span)> {
    match crate_type(k, name)? {
        (file, syn::Item::Struct(s)) => {
            Some((file, &s.attrs, &s.generics, k.span(file, s.ident.span())))
        }
        (file, syn::Item::Enum(e)) => {
            Some((file, &e.attrs, &e.generics, k.span(file, e.ident.span())))
        }
        _ => None,
    }
}

/// Whether the crate's type `name` derives or implements the standard trait `tr`
/// (`Clone`, `PartialEq`), by name.
pub fn implements(k: &Crate, name: &str, tr: &str) -> bool {
    fn impls(items: &[syn::Item], name: &str, tr: &str) -> bool {
        items.iter().any(|item| match item {
            syn::Item::Impl(i) => {
                i.trait_
                    .as_ref()
                    .is_some_and(|(_, p, _)| p.segments.last().is_some_and(|s| s.ident == tr))
                    && crate::source::type_name(&i.self_ty).as_deref() == Some(name)
            }
            syn::Item::Mod(m) => m
                .content
                .as_ref()
                .is_some_and(|(_, inner)| impls(inner, name, tr)),
            _ => false,
        })
    }
    let derived = type_item(k, name).is_some_and(|(_, attrs, _, _)| {
        attrs.iter().any(|a| {
            a.path().is_ident("derive")
                && a.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                )
                .is_ok_and(|ps| {
                    ps.iter()
                        .any(|p| p.segments.last().is_some_and(|s| s.ident == tr))
                })
        })
    });
    derived || k.files.iter().any(|f| impls(&f.ast.items, name, tr))
}

/// Check that every struct and enum of the crate in `t` implements each of `traits`
/// and has no generic parameters; `why` says what needs them. The error points at the
/// type's definition and says what to derive.
pub fn require(k: &Crate, t: &Ty, traits: &[&str], why: &str) -> Result<(), Diagnostic> {
    match norm(t) {
        Ty::Adt(n) => {
            let Some((_, _, generics, span)) = type_item(k, &n) else {
                return Ok(());
            };
            if !generics.params.is_empty() {
                return Err(Diagnostic::new(span, format!("`{n}` has generic parameters, but {why}"))
                    .label("generic parameters")
                    .help(format!("green data must be of types without lifetimes or type parameters: give `{n}` owned fields")));
            }
            let missing: Vec<&str> = traits
                .iter()
                .copied()
                .filter(|tr| !implements(k, &n, tr))
                .collect();
            if !missing.is_empty() {
                let list = missing.join(", ");
                return Err(Diagnostic::new(
                    span,
                    format!(
                        "`{n}` does not implement {}, but {why}",
                        missing
                            .iter()
                            .map(|m| format!("`{m}`"))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                )
                .label(format!("needs `{list}`"))
                .help(format!("add `#[derive({list})]` to `{n}`")));
            }
            Ok(())
        }
        Ty::Vec(x) | Ty::Slice(x) | Ty::Array(x, _) | Ty::Option(x) | Ty::Ref(_, x) => {
            require(k, &x, traits, why)
        }
        Ty::Tuple(ts) => ts.iter().try_for_each(|t| require(k, t, traits, why)),
        Ty::Result(a, b) => {
            require(k, &a, traits, why)?;
            require(k, &b, traits, why)
        }
        _ => Ok(()),
    }
}

/// Standard types through which data can change behind a shared reference.
const INTERIOR_MUTABLE: &[&str] = &[
    "Cell",
    "RefCell",
    "UnsafeCell",
    "OnceCell",
    "LazyCell",
    "Mutex",
    "RwLock",
    "OnceLock",
    "LazyLock",
];

/// Whether the portal parameter type `ty` (as written) is a `&'static` reference to data
/// that can never change: its type, and every struct and enum of the crate it names,
/// holds no type with interior mutability (`Cell`, `RefCell`, `Mutex`, atomics, ...).
/// Such data is never freed or written while the process runs, so the JIT keys it by
/// its address (`Jit::intern_static`) instead of comparing it with earlier copies.
pub fn is_static_frozen(k: &Crate, ty: &syn::Type) -> bool {
    static_referent(ty).is_some_and(|t| frozen(k, t, &mut Vec::new()))
}

/// What a shared `&'static` reference type refers to.
pub fn static_referent(ty: &syn::Type) -> Option<&syn::Type> {
    match ty {
        syn::Type::Reference(r)
            if r.mutability.is_none()
                && r.lifetime.as_ref().is_some_and(|l| l.ident == "static") =>
        {
            Some(&r.elem)
        }
        syn::Type::Paren(p) => static_referent(&p.elem),
        syn::Type::Group(g) => static_referent(&g.elem),
        _ => None,
    }
}

/// Whether data of type `ty` cannot change behind a shared reference; `seen` holds the
/// crate's types being checked (a recursive type is checked once).
fn frozen(k: &Crate, ty: &syn::Type, seen: &mut Vec<String>) -> bool {
    match ty {
        syn::Type::Reference(r) => r.mutability.is_none() && frozen(k, &r.elem, seen),
        syn::Type::Slice(s) => frozen(k, &s.elem, seen),
        syn::Type::Array(a) => frozen(k, &a.elem, seen),
        syn::Type::Tuple(t) => t.elems.iter().all(|t| frozen(k, t, seen)),
        syn::Type::Paren(p) => frozen(k, &p.elem, seen),
        syn::Type::Group(g) => frozen(k, &g.elem, seen),
        // A raw pointer's value is an address, which cannot change in place.
        syn::Type::Ptr(_) | syn::Type::Never(_) => true,
        syn::Type::Path(p) => {
            if p.qself.is_some() {
                return false;
            }
            p.path.segments.iter().all(|s| {
                let name = s.ident.to_string();
                if INTERIOR_MUTABLE.contains(&name.as_str()) || name.starts_with("Atomic") {
                    return false;
                }
                let args_frozen = match &s.arguments {
                    syn::PathArguments::AngleBracketed(a) => a.args.iter().all(|a| match a {
                        syn::GenericArgument::Type(t) => frozen(k, t, seen),
                        _ => true,
                    }),
                    syn::PathArguments::Parenthesized(_) => false,
                    syn::PathArguments::None => true,
                };
                args_frozen && item_frozen(k, &name, seen)
            })
        }
        _ => false,
    }
}

/// Whether the fields of the crate's struct or enum `name` are frozen (true for a name
/// that is not one of the crate's types: a standard type other than those of
/// [`INTERIOR_MUTABLE`]).
fn item_frozen(k: &Crate, name: &str, seen: &mut Vec<String>) -> bool {
    if seen.iter().any(|s| s == name) {
        return true;
    }
    let Some((_, item)) = crate_type(k, name) else {
        return true;
    };
    seen.push(name.to_string());
    let fields: Vec<&syn::Field> = match item {
        syn::Item::Struct(s) => s.fields.iter().collect(),
        syn::Item::Enum(e) => e.variants.iter().flat_map(|v| v.fields.iter()).collect(),
        _ => Vec::new(),
    };
    fields.iter().all(|f| frozen(k, &f.ty, seen))
}

/// The definition of the crate's struct or enum named `name` (its last path segment),
/// and the file it is in.
pub fn crate_type<'k>(k: &'k Crate, name: &str) -> Option<(u32, &'k syn::Item)> {
    fn find<'k>(items: &'k [syn::Item], name: &str) -> Option<&'k syn::Item> {
        items.iter().find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == name => Some(item),
            syn::Item::Enum(e) if e.ident == name => Some(item),
            syn::Item::Mod(m) => m.content.as_ref().and_then(|(_, inner)| find(inner, name)),
            _ => None,
        })
    }
    let last = name.rsplit("::").next().unwrap_or(name);
    k.files
        .iter()
        .enumerate()
        .find_map(|(f, file)| Some((f as u32, find(&file.ast.items, last)?)))
}
