//! Recognising hints in source. Hints are matched by the last segment of their path, so
//! `#[portal(...)]`, `#[hints::portal(...)]` and `promote!(x)` / `hints::promote!(x)`
//! are all found however the hints crate was imported.
//!
//! | hint | form | meaning |
//! |---|---|---|
//! | portal | `#[portal(greens(a, b))]` on a function | the JIT's entry; `a`, `b` are green |
//! | global merge point | `global_merge_point!()`, `global_merge_point!(greens(a, b))`, `global_merge_point!(greens(a), reds(c))` | top of the dispatch loop; the variables green (and red) there |
//! | promote | `promote!(x)` | make a red value green at run time |
//! | concrete | `concrete!(x)` | `x` must be green |
//! | deepfreeze | `deepfreeze!(x)` | data reachable from `x` is immutable |
//! | elidable | `#[elidable]` on a function | pure: calls with green arguments fold |
//! | residual | `#[residual]` on a function | never looked into; always a call |
//! | residual call | `residual_call!(f(x))` | this call stays a call |

use crate::flow::ops::HintKind;

/// The hint an attribute is, by its last path segment.
pub fn attr_name(a: &syn::Attribute) -> Option<String> {
    let name = a.path().segments.last()?.ident.to_string();
    matches!(name.as_str(), "portal" | "elidable" | "residual").then_some(name)
}

pub fn has_attr(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| attr_name(a).as_deref() == Some(name))
}

/// The green parameter names of a `#[portal(greens(a, b))]` attribute, or an error text.
pub fn portal_greens(attrs: &[syn::Attribute]) -> Option<Result<Vec<String>, String>> {
    let a = attrs
        .iter()
        .find(|a| attr_name(a).as_deref() == Some("portal"))?;
    let mut greens = Vec::new();
    if matches!(a.meta, syn::Meta::Path(_)) {
        return Some(Ok(greens));
    }
    let r = a.parse_nested_meta(|m| {
        if m.path.is_ident("greens") {
            m.parse_nested_meta(|g| {
                greens.push(
                    g.path
                        .get_ident()
                        .ok_or_else(|| g.error("expected a parameter name"))?
                        .to_string(),
                );
                Ok(())
            })
        } else {
            Err(m.error("expected `greens(param, ...)`"))
        }
    });
    Some(r.map(|_| greens).map_err(|e| e.to_string()))
}

/// The hint a macro invocation is, by its last path segment.
pub enum MacroHint {
    Value(HintKind),
    GlobalMergePoint,
    ResidualCall,
}

pub fn macro_hint(m: &syn::Macro) -> Option<MacroHint> {
    let name = m.path.segments.last()?.ident.to_string();
    Some(match name.as_str() {
        "promote" => MacroHint::Value(HintKind::Promote),
        "concrete" => MacroHint::Value(HintKind::Concrete),
        "deepfreeze" => MacroHint::Value(HintKind::Deepfreeze),
        "global_merge_point" => MacroHint::GlobalMergePoint,
        "residual_call" => MacroHint::ResidualCall,
        _ => return None,
    })
}

/// The variables `global_merge_point!(greens(a, b), reds(c))` lists.
pub struct MergeLists {
    pub greens: Vec<syn::Ident>,
    /// `None` when `reds(..)` is not given.
    pub reds: Option<Vec<syn::Ident>>,
}

/// The lists of a `global_merge_point!` invocation: `None` for `global_merge_point!()`, or
/// an error at the offending tokens (the same checks as the macro's: only `greens(..)`
/// and `reds(..)`, each at most once, `reds` only with `greens`, plain names, none twice).
pub fn merge_point_lists(m: &syn::Macro) -> syn::Result<Option<MergeLists>> {
    use syn::parse::Parser;
    if m.tokens.is_empty() {
        return Ok(None);
    }
    let mut greens: Option<Vec<syn::Ident>> = None;
    let mut reds: Option<(proc_macro2::Span, Vec<syn::Ident>)> = None;
    let mut all: Vec<syn::Ident> = Vec::new();
    let parser = syn::meta::parser(|meta| {
        let is_greens = meta.path.is_ident("greens");
        if !is_greens && !meta.path.is_ident("reds") {
            return Err(meta.error(
                "expected `greens(name, ...)` or `reds(name, ...)`: the variables that are green and red at the merge point",
            ));
        }
        let kind = if is_greens { "greens" } else { "reds" };
        if (is_greens && greens.is_some()) || (!is_greens && reds.is_some()) {
            return Err(meta.error(format!("`{kind}(..)` is given twice")));
        }
        let mut names = Vec::new();
        meta.parse_nested_meta(|v| {
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
            reds = Some((syn::spanned::Spanned::span(&meta.path), names));
        }
        Ok(())
    });
    parser.parse2(m.tokens.clone())?;
    match (greens, reds) {
        (None, Some((span, _))) => Err(syn::Error::new(
            span,
            "`reds(..)` needs `greens(..)` too: `global_merge_point!(greens(..), reds(..))`",
        )),
        (None, None) => Ok(None),
        (Some(greens), reds) => Ok(Some(MergeLists {
            greens,
            reds: reds.map(|(_, r)| r),
        })),
    }
}
