//! The merge hook: where the plain interpreter meets the JIT in the middle of its loop.
//!
//! `#[portal]` makes the plain body call `__merge_hook_NAME` at `global_merge_point!()`
//! with a pointer to each local variable in scope, named in `__merge_vars_NAME` (see
//! `hints-macros`). The generated `merge` function reads the merge block's green inputs
//! from those variables, counts the pass (`Jit::merge_unit`), and once the key is hot
//! runs its unit with the red inputs encoded as for a portal call. The unit returns
//! (the portal returns its value), panics (raised in the interpreter), or exits back at
//! a merge key that is not hot (`Status::Interp`): the state's values are decoded and
//! written into the interpreter's `mut` variables, and the interpreter goes on from its
//! merge point.
//!
//! **Invariant:** the hook exists only when every live input of the merge block (one
//! read from the merge point on) is a named variable of a type it can pass both ways;
//! a dead input is zero words in the unit's state and asks nothing of the interpreter (see [`Gen::merge_hook`]); otherwise the
//! translator says why, and compiled code is entered at portal calls only.

use super::*;

/// The generated hook and the line of `install` that sets it.
pub(super) struct MergeHook {
    pub block: usize,
    pub code: String,
    pub install: String,
    /// Whether `code` defines `count_hash` (the merge point counts its passes itself,
    /// on its greens: see `hints::hot`).
    pub counted_in_interp: bool,
}

impl Gen<'_, '_> {
    /// The merge hook of the portal, or why it has none.
    pub(super) fn merge_hook(&mut self) -> R<Result<MergeHook, String>> {
        let g = self.g();
        let Some(b) = g.blocks_in_order().into_iter().find(|b| {
            g.g[*b]
                .ops
                .iter()
                .any(|op| matches!(op.kind, OpKind::GlobalMergePoint(_)))
        }) else {
            return Ok(Err("the portal has no `global_merge_point!()`".into()));
        };
        let data = &g.g[b];
        if !matches!(
            data.ops.first().map(|o| &o.kind),
            Some(OpKind::GlobalMergePoint(_))
        ) {
            return Ok(Err(
                "`global_merge_point!()` is not the first statement of its block".into(),
            ));
        }
        let root = self.t.root.clone();
        let ret = self.portal_ret();
        let rt_ty = norm(&g.ret_ty);
        let ri = self.t.id(&rt_ty);
        let n = self.p.name.clone();
        let mut names = Vec::new();
        // Reads the greens through the hook's pointer array `vp`.
        let mut read_greens = String::new();
        let mut fields = Vec::new();
        let mut enc = String::new();
        let mut dec = String::new();
        // Run after every value is decoded: loans given back, then replaced values.
        let mut after = String::new();
        let mut write_greens = String::new();
        let mut green_vars = Vec::new();
        let mut green_back = Vec::new();
        let mut layouts: Vec<String> = Vec::new();
        let mut owned = String::new();
        // Red variables that may be references: (input, whether a `&mut` can be lent).
        let mut ref_checks: Vec<String> = Vec::new();
        // Green variables that must be references.
        let mut green_refs: Vec<String> = Vec::new();
        // Whether the hook can write a new value into the variable (a reference it
        // cannot: its binding must not be `mut`).
        let mut writable = Vec::new();
        let mut nargs = 0;
        // Inputs nothing reads from the merge point on (a parameter used only before
        // the loop): not asked of the interpreter, zero words in the unit's state.
        let live = crate::bta::live_vars(g);
        let mut dead = Vec::new();
        for (j, v) in data.inputs.iter().enumerate() {
            let Some(name) = g.var_names[v.0 as usize].clone() else {
                return Ok(Err(format!(
                    "the merge point's input {} is not a variable of the source",
                    var(*v)
                )));
            };
            names.push(format!("{name:?}"));
            let raw = g.ty(*v).clone();
            let t = norm(&raw);
            if !self.red(*v) {
                // Green data in the interpreter is what the portal's entry interned
                // (or parts of it), so the JIT keys it by address, as compiled code.
                let rust = match &t {
                    Ty::Int(_) | Ty::Bool | Ty::Char | Ty::F64 | Ty::Slice(_) | Ty::Str
                        if !self.is_tag(*v) =>
                    {
                        self.state_ty(*v)?
                    }
                    // A green struct is borrowed from interned data: the variable must
                    // be a reference (checked by its type name on the first call).
                    Ty::Adt(_) if self.t.is_struct(&t) && !self.is_tag(*v) => {
                        green_refs.push(j.to_string());
                        self.state_ty(*v)?
                    }
                    _ => {
                        return Ok(Err(format!(
                            "the green variable `{name}` has type `{t}`; the merge hook reads integers, bools, chars, floats, slices and strings"
                        )))
                    }
                };
                let _ = write!(
                    read_greens,
                    "let x{j}: {rust} = *(*vp.add(ix[{j}]) as *const {rust});"
                );
                green_vars.push(format!("x{j}"));
                fields.push(format!("x{j}"));
                green_back.push(format!("y{j}"));
                writable.push(true);
                let _ = write!(
                    write_greens,
                    "if muts[{j}] {{ *(vars[ix[{j}]] as *mut {rust}) = y{j}; }}"
                );
                continue;
            }
            let ti = self.t.id(&t);
            let kinds = match self.t.kinds(&t) {
                Ok(k) => k.len(),
                Err(m) => return Ok(Err(format!("the red variable `{name}`: {m}"))),
            };
            if !live.contains(v) {
                dead.push(j);
                writable.push(true);
                layouts.extend(vec!["rt::entry::Layout::Keep".to_string(); kinds]);
                nargs += kinds;
                fields.push(format!("rt::word::zeros(KINDS_{ti})"));
                let _ = write!(enc, "args.extend([0u64; {kinds}]);");
                let _ = write!(dec, "rt::word::skip(&mut it, {kinds});");
                continue;
            }
            // How the unit takes its words (see `runtime::entry`): unpacked when the
            // variable holds the value itself.
            let ls = match self.t.entry_layouts(&t) {
                Ok(ls) if ls.len() == kinds => ls,
                _ => vec!["rt::entry::Layout::Keep".to_string(); kinds],
            };
            layouts.extend(ls);
            let _ = write!(
                owned,
                "owned[{nargs}..{}].fill(refs[{j}] == 0);",
                nargs + kinds
            );
            nargs += kinds;
            fields.push(format!("rt::word::zeros(KINDS_{ti})"));
            let rust = self.t.rust(&t).map_err(|m| self.err(g.span, m))?;
            let borrowed = rust.replace("&'static ", "&'_ ");
            match &raw {
                // Only references to scalars keep their reference in graphs.
                Ty::Ref(false, _) => {
                    writable.push(false);
                    let _ = write!(
                        enc,
                        "enc_{ti}(&**(vars[ix[{j}]] as *const &{rust}), fr, &mut args);"
                    );
                    let _ = write!(dec, "rt::word::skip(&mut it, {kinds});");
                }
                Ty::Ref(true, _) => {
                    return Ok(Err(format!(
                        "the variable `{name}` is a `&mut {t}`, which the merge hook cannot lend"
                    )))
                }
                Ty::Slice(_) | Ty::Str => {
                    // Read only: a slice or string is its (pointer, length) value.
                    writable.push(false);
                    let _ = write!(
                        enc,
                        "enc_{ti}(&*(vars[ix[{j}]] as *const {borrowed}), fr, &mut args);"
                    );
                    let _ = write!(dec, "rt::word::skip(&mut it, {kinds});");
                }
                // An opaque struct: its address, whether the variable holds it
                // (`refs[j]` 0), a `&` (1) or a `&mut` (2) to it; never written back.
                _ if self.t.is_opaque(&t) => {
                    writable.push(true);
                    let _ = write!(
                        enc,
                        "args.push(match refs[{j}] {{ 0 => vars[ix[{j}]] as u64, 1 => *(vars[ix[{j}]] as *const &{rust}) as *const {rust} as u64, _ => &**(vars[ix[{j}]] as *const &mut {rust}) as *const {rust} as u64 }});"
                    );
                    let _ = write!(dec, "rt::word::skip(&mut it, {kinds});");
                    ref_checks.push(format!("({j}, true)"));
                }
                _ if t.is_scalar() => {
                    writable.push(true);
                    let _ = write!(
                        enc,
                        "enc_{ti}(&*(vars[ix[{j}]] as *const {rust}), fr, &mut args);"
                    );
                    let _ = write!(
                        dec,
                        "if muts[{j}] {{ *(vars[ix[{j}]] as *mut {rust}) = dec_{ti}(&mut it, fr); }} else {{ rt::word::skip(&mut it, {kinds}); }}"
                    );
                }
                // A vector, struct, enum or tuple: the variable holds it (`refs[j]`
                // 0), a `&` to it (1) or a `&mut` to it (2), as its type name says.
                _ => {
                    writable.push(true);
                    let lendable = matches!(&t, Ty::Vec(elem) if self.t.scalar(elem).is_ok());
                    let lends = matches!(&t, Ty::Vec(_)) || self.t.is_struct(&t);
                    let by_mut_ref = if lendable {
                        format!("let l = rt::frame::LentVec::new(fr, &mut **(vars[ix[{j}]] as *mut &mut {rust})); args.push(l.word()); lent{j} = Some(l);")
                    } else if lends {
                        format!("let p = &mut **(vars[ix[{j}]] as *mut &mut {rust}); let w = {{ let mut w: Vec<u64> = Vec::new(); enc_{ti}(&*p, fr, &mut w); w[0] }}; args.push(w); copied{j} = Some(rt::frame::CopiedBack::new(p, w, fr, dec_{ti}));")
                    } else {
                        "unreachable!(\"a `&mut` the hook cannot lend (refused on the first call)\")".to_string()
                    };
                    let owned = if lendable {
                        // A `mut` vector of scalars lends its buffer (no copy) and gets
                        // it back when the loan drops, unless the exit's state holds
                        // another vector for it, which then replaces it.
                        format!("if muts[{j}] {{ let l = rt::frame::LentVec::new(fr, &mut *(vars[ix[{j}]] as *mut {rust})); args.push(l.word()); lent{j} = Some(l); }} else {{ enc_{ti}(&*(vars[ix[{j}]] as *const {rust}), fr, &mut args); }}")
                    } else {
                        format!("enc_{ti}(&*(vars[ix[{j}]] as *const {rust}), fr, &mut args);")
                    };
                    let lent_ty = match &t {
                        Ty::Vec(elem) if lendable => format!(
                            "rt::frame::LentVec<{}>",
                            self.t.rust(elem).map_err(|m| self.err(g.span, m))?
                        ),
                        _ => "rt::frame::LentVec<u8>".to_string(),
                    };
                    let _ = write!(
                        enc,
                        "let mut lent{j}: Option<{lent_ty}> = None; let mut copied{j}: Option<rt::frame::CopiedBack<'_, {rust}>> = None; match refs[{j}] {{ 0 => {{ {owned} }} 1 => enc_{ti}(&**(vars[ix[{j}]] as *const &{rust}), fr, &mut args), _ => {{ {by_mut_ref} }} }}"
                    );
                    if lendable {
                        let _ = write!(
                            dec,
                            "let w{j} = it.next().unwrap_or(0); let new{j} = if refs[{j}] == 0 && muts[{j}] && lent{j}.as_ref().map(|l| l.word()) != Some(w{j}) {{ Some(dec_{ti}(&mut rt::word::Words::new(&[w{j}]), fr)) }} else {{ None }};"
                        );
                    } else {
                        let _ = write!(
                            dec,
                            "let new{j} = if refs[{j}] == 0 && muts[{j}] {{ Some(dec_{ti}(&mut it, fr)) }} else {{ rt::word::skip(&mut it, {kinds}); None }};"
                        );
                    }
                    let _ = write!(
                        after,
                        "drop(lent{j}); drop(copied{j}); if let Some(x) = new{j} {{ *(vars[ix[{j}]] as *mut {rust}) = x; }}"
                    );
                    ref_checks.push(format!("({j}, {lends})"));
                }
            }
        }
        let green_pattern = tuple(&green_back);
        let gtuple = tuple(&green_vars);
        // The hash a pass is counted under: the one the plain interpreter's merge point
        // computes (`#[portal]`) on its greens, those it lists or else the inputs named
        // like a green of the portal; with none, the merge key's, on every green input
        // (the hook counts then).
        let green_input = |name: &str| {
            data.inputs
                .iter()
                .position(|v| !self.red(*v) && g.var_names[v.0 as usize].as_deref() == Some(name))
        };
        let counted: Vec<(String, usize)> = match &data.ops[0].kind {
            OpKind::GlobalMergePoint(MergeRule::Listed { greens, .. }) => {
                let mut out = Vec::new();
                for a in &data.ops[0].args[..*greens] {
                    let name = a
                        .var()
                        .and_then(|v| g.var_names[v.0 as usize].clone())
                        .unwrap_or_default();
                    let Some(j) = green_input(&name) else {
                        return Ok(Err(format!(
                            "the listed green `{name}` is not a green input of the merge point's block"
                        )));
                    };
                    out.push((name, j));
                }
                out
            }
            _ => self
                .p
                .greens
                .iter()
                .filter_map(|name| green_input(name).map(|j| (name.clone(), j)))
                .collect(),
        };
        let count_expr = (!counted.is_empty()).then(|| {
            let short = n.rsplit("::").next().unwrap_or(&n);
            counted
                .iter()
                .fold(format!("rt::hot::portal_start({short:?})"), |e, (_, j)| {
                    format!("rt::hot::CountKey::mix_into(&x{j}, {e})")
                })
        });
        let counted_names = counted
            .iter()
            .map(|(name, _)| format!("{name:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        let counted_item = portal_item(&root, &n, "__merge_counted_");
        let counted_in_interp = count_expr.is_some();
        let hash_expr = count_expr.clone().unwrap_or_else(|| {
            format!(
                "rt::word::GreenKey::mix(&{gtuple}, rt::hot::start({}))",
                b.index()
            )
        });
        let count_hash = match &count_expr {
            Some(e) => format!(
                "
/// The hash the plain interpreter counts a pass of the merge point under, for a state
/// at its block (`None` for others): see `Extension::count_hash`.
pub fn count_hash(s: &State) -> Option<u64> {{
    let State::B{bi} {{ g, .. }} = s else {{ return None }};
    let {green_pattern} = g;
    {rebind}
    Some({e})
}}
",
                bi = b.index(),
                rebind = green_vars
                    .iter()
                    .zip(&green_back)
                    .map(|(x, y)| format!("let {x} = *{y};"))
                    .collect::<String>(),
            ),
            None => String::new(),
        };
        let start = self.state_value(b, &fields);
        let bi = b.index();
        let count = names.len();
        let vars_item = portal_item(&root, &n, "__merge_vars_");
        let hook_item = portal_item(&root, &n, "__merge_hook_");
        let code = format!(
            "
/// Where the interpreter's variable of each input of the merge block is in the merge
/// hook's pointers, and whether its binding is `mut` (set by `install`).
const WRITABLE: [bool; {count}] = [{writable}];
static MERGE_VARS: std::sync::OnceLock<([usize; {count}], [bool; {count}])> = std::sync::OnceLock::new();

/// Set the portal's merge hook, unless a variable it needs is missing from the
/// interpreter's merge point (then compiled code is entered at portal calls only).
pub fn install_merge() -> Result<(), String> {{
    // Without the JIT the interpreter's merge point costs one test of an empty hook.
    if !rt::jit::with(|jit| jit.enabled()) {{
        return Ok(());
    }}
    let vars = {vars_item};
    let mut ix = [0usize; {count}];
    let mut muts = [false; {count}];
    // Inputs the unit never reads (see `DEAD`) need no variable.
    const DEAD: [bool; {count}] = [{dead}];
    for (j, name) in [{names}].iter().enumerate() {{
        let Some(k) = vars.iter().position(|(n, _)| n == name) else {{
            if DEAD[j] {{
                ix[j] = usize::MAX;
                continue;
            }}
            return Err(format!(\"`{{name}}` is not passed by the merge point\"));
        }};
        ix[j] = k;
        muts[j] = vars[k].1;
        if muts[j] && !WRITABLE[j] {{
            return Err(format!(\"`{{name}}` is a `mut` reference, which the JIT cannot give a new value\"));
        }}
    }}
    // The merge point counts its passes on these greens, in this order, as the driver
    // does from a state (`count_hash`); or, when one of them has a type it cannot
    // count on, on none, and `merge` counts on them instead.
    let counted: &[&str] = &[{counted_names}];
    if !{counted_item}.is_empty() && {counted_item} != counted {{
        return Err(format!(\"the merge point counts its passes on {{:?}}, the JIT on {{counted:?}}\", {counted_item}));
    }}
    let _ = MERGE_VARS.set((ix, muts));
    {hook_item}.set(merge);
    Ok(())
}}

/// What each input's variable holds, by its type name: the value (0), a `&` to it (1)
/// or a `&mut` to it (2); an error (and no more entries from the merge point) for a
/// reference the hook cannot serve.
static MERGE_REFS: std::sync::OnceLock<Result<[u8; {count}], String>> = std::sync::OnceLock::new();

unsafe fn reference_kinds(types: fn(usize) -> &'static str, ix: &[usize; {count}], muts: &[bool; {count}]) -> Result<[u8; {count}], String> {{
    let names = [{names}];
    let mut refs = [0u8; {count}];
    for j in 0..{count} {{
        if ix[j] == usize::MAX {{
            continue;
        }}
        let t = types(ix[j]);
        refs[j] = if t.starts_with(\"&mut \") {{ 2 }} else if t.starts_with('&') {{ 1 }} else {{ 0 }};
    }}
    let checks: [(usize, bool); {nchecks}] = [{ref_checks}];
    for (j, lends) in checks {{
        let why = if refs[j] == 2 && !lends {{
            Some(\"a `&mut` of a value that is not a vector or a struct\")
        }} else if refs[j] != 0 && muts[j] {{
            Some(\"a `mut` reference, which the JIT cannot give a new value\")
        }} else {{
            None
        }};
        if let Some(why) = why {{
            let why = format!(\"`{{}}` is {{why}}\", names[j]);
            rt::jit::no_merge_hook({n:?}, &why);
            return Err(why);
        }}
    }}
    let green_refs: [usize; {ngreen_refs}] = [{green_refs}];
    for j in green_refs {{
        if refs[j] != 1 {{
            let why = format!(\"the green `{{}}` is not a shared reference\", names[j]);
            rt::jit::no_merge_hook({n:?}, &why);
            return Err(why);
        }}
    }}
    Ok(refs)
}}

/// The merge hook (see the module `merge_hook` of the translator). The merge point
/// counts its passes itself, on its greens, and calls only at a hot key, with the hash
/// it counted (`counted`); one that cannot count (no greens, or one of a type it cannot
/// count on) calls at every pass, and the pass is counted here, under the same hash,
/// without the thread's JIT. A hot key goes on in [`merge_hot`].
///
/// # Safety
/// `vars` are the pointers `#[portal]` passes, in the order of its `__merge_vars_`
/// list, `types` gives their type names; `ret` has room for the portal's result.
unsafe fn merge(vars: *const *mut (), types: fn(usize) -> &'static str, ret: *mut (), counted: Option<u64>) -> bool {{
    let hash = match counted {{
        Some(h) => h,
        None => {{
            let Some((ix, _)) = MERGE_VARS.get() else {{ return false }};
            // `install_merge` found each green's variable among `vars`.
            let vp = vars;
            {read_greens}
            let h = {hash_expr};
            if !rt::hot::tick_hot(h) {{
                return false;
            }}
            h
        }}
    }};
    merge_hot(vars, types, ret, hash)
}}
{count_hash}

/// [`merge`] at a hot key, whose hash it counted: run its unit (compiled the first
/// time), and take back the state it exits with.
///
/// # Safety
/// As for [`merge`].
#[cold]
#[inline(never)]
unsafe fn merge_hot(vars: *const *mut (), types: fn(usize) -> &'static str, ret: *mut (), hot: u64) -> bool {{
    if rt::hot::off() {{
        // Nothing more is compiled: the merge point stops calling.
        {hook_item}.clear();
        return false;
    }}
    let Some((ix, muts)) = MERGE_VARS.get() else {{ return false }};
    let vp = vars;
    let vars = std::slice::from_raw_parts(vars, {vars_item}.len());
    // Once per key the interpreter is at: a unit that exits back to it at another key
    // leaves it there as if it had just arrived (the exit's key is counted, so it
    // becomes hot and gets a unit of its own like any other).
    let mut counted = Some(hot);
    loop {{
        {read_greens}
        // The first key was counted by `merge`; a key an exit leaves at is counted here.
        let hash = match counted.take() {{
            Some(h) => h,
            None => {{
                let h = {hash_expr};
                if !rt::hot::tick_hot(h) {{
                    return false;
                }}
                h
            }}
        }};
        let refs = match MERGE_REFS.get_or_init(|| reference_kinds(types, ix, muts)) {{
            Ok(r) => r,
            Err(_) => return false,
        }};
        let done = rt::jit::with(|jit| {{
            if !jit.merge_hot(hash) {{
                return Some(false);
            }}
            let mut frame = jit.frame();
            let fr: *mut rt::Frame = &mut *frame;
            let mut args: Vec<u64> = Vec::with_capacity({nargs});
            {enc}
            static LAYOUTS: [rt::entry::Layout; {nargs}] = [{layouts}];
            let mut owned = [false; {nargs}];
            {owned}
            let Some(f) = jit.merge_unit::<Ext>({n:?}, {bi}, hash, |key| {{ rt::word::GreenKey::key(&{gtuple}, key) }}, || {start}, &mut args, &LAYOUTS, &owned) else {{
                return Some(false);
            }};
            let status = jit.run_chain::<Ext>({n:?}, f, &mut frame, &args);
            match status {{
                rt::Status::Return => {{
                    std::ptr::write(ret as *mut {ret}, dec_{ri}(&mut rt::word::Words::new(&frame.out), fr));
                    Some(true)
                }}
                rt::Status::Interp => {{
                    let id = frame.out[0];
                    let Some(State::B{bi} {{ g, .. }}) = jit.interp_state::<Ext>(id) else {{
                        unreachable!(\"an exit to the interpreter at the merge block\")
                    }};
                    let words = jit.interp_words::<Ext>(id, &frame.out[2..]);
                    let mut it = rt::word::Words::new(&words);
                    {dec}
                    {after}
                    let {green_pattern} = g;
                    {write_greens}
                    None
                }}
                _ => jit.raise(status, &mut frame),
            }}
        }});
        if let Some(done) = done {{
            return done;
        }}
    }}
}}
",
            names = names.join(", "),
            dead = (0..names.len()).map(|j| dead.contains(&j).to_string()).collect::<Vec<_>>().join(", "),
            layouts = layouts.join(", "),
            ref_checks = ref_checks.iter().map(|c| format!("{c},")).collect::<String>(),
            nchecks = ref_checks.len(),
            green_refs = green_refs.iter().map(|c| format!("{c},")).collect::<String>(),
            ngreen_refs = green_refs.len(),
            writable = writable.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(", "),
        );
        Ok(Ok(MergeHook {
            block: bi,
            code,
            install: format!("{}::install_merge()", portal_mod(&n)),
            counted_in_interp,
        }))
    }
}
