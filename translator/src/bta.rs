//! Binding-time analysis: which variables of a portal's (inlined) graph are green, known
//! while compiling, and which are red, known only when the compiled code runs (after
//! PyPy's `jit/hintannotator`).
//!
//! Rules, applied until nothing changes:
//! - the portal's green parameters and all constants are green; its other parameters red;
//! - allocating a mutable container (`vec!`, `Vec::new()`, arrays, structs) is red, and so
//!   is `pop`;
//! - reading from a container (`x[i]`, `len`, fields) is green when the container and the
//!   index are green (green data is immutable: it comes from `&` parameters or
//!   `deepfreeze!`);
//! - a residual call is green only for an `#[elidable]` function with green arguments;
//! - `promote!(x)` is green: compiled code switches on the run-time value of `x` and
//!   compiles what follows once per value seen (see `inline::split_promotions`);
//! - any other operation is green when all its arguments are;
//! - a block input is red when some link passes it a red value;
//! - at the global merge point, an input that the loop changes (a link from inside the
//!   loop passes it anything but its own previous value) is red unless it is one of the
//!   merge point's greens: the greens are the key that states merge by, and any other
//!   changing green would unroll the loop once per value. The merge point's greens are
//!   the variables `global_merge_point!(greens(..))` lists, or, for
//!   `global_merge_point!()`, the inputs named like one of the portal's greens;
//! - the variables `global_merge_point!(.., reds(..))` lists are red.
//!
//! Checks of a listed merge point: a listed green is green; a listed variable is live at
//! the merge point (something after it reads it); with `reds(..)`, every live named
//! variable there is listed. [`Annotation::merge_notes`] records, per input of each global
//! merge point, which rule decided its binding time (`--view` and [`annotated_text`]
//! show them; the reasons of red values quote them).
//!
//! Errors explain themselves: `concrete!(x)` on a red `x` reports the chain of operations
//! that made `x` red; mutating green data is an error.

use crate::diag::Diagnostic;
use crate::flow::model::*;
use crate::flow::ops::{HintKind, MergeRule, OpKind};
use crate::hints;
use crate::source::Crate;
use petgraph::visit::EdgeRef;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Why a variable is red: where, and the variable it got red from.
#[derive(Clone, Debug)]
pub struct Reason {
    pub span: Span,
    pub what: String,
    pub from: Option<Var>,
}

/// The result of the analysis.
pub struct Annotation {
    /// `red[v]` for every variable.
    pub red: Vec<bool>,
    pub why: Vec<Option<Reason>>,
    /// Blocks where states merge by green key: the global merge point's block and every
    /// loop header.
    pub merge_blocks: BTreeSet<BlockId>,
    /// For each block holding `global_merge_point!`, one line per input: the variable,
    /// its binding time and the rule that decided it.
    pub merge_notes: BTreeMap<BlockId, Vec<String>>,
}

impl Annotation {
    pub fn is_red(&self, v: Var) -> bool {
        self.red[v.0 as usize]
    }
    pub fn operand_red(&self, o: &Operand) -> bool {
        matches!(o, Operand::Var(v) if self.is_red(*v))
    }
}

/// The graph as text with every variable marked ` [green]` or ` [red]`, and the merge
/// blocks listed: what the snapshot tests compare.
pub fn annotated_text(g: &Graph, a: &Annotation) -> String {
    let mut s = crate::flow::print::graph_text_marked(g, &|v| {
        if a.is_red(v) {
            " [red]"
        } else {
            " [green]"
        }
    });
    let nums = crate::flow::print::block_numbers(g);
    let merges: Vec<String> = a
        .merge_blocks
        .iter()
        .map(|b| crate::flow::print::block_name(&nums, g, *b))
        .collect();
    s.push_str(&format!("merge blocks: {}\n", merges.join(", ")));
    for (b, lines) in &a.merge_notes {
        s.push_str(&format!(
            "global merge point {}:\n",
            crate::flow::print::block_name(&nums, g, *b)
        ));
        for l in lines {
            s.push_str(&format!("    {l}\n"));
        }
    }
    s
}

/// What decided the binding time of an input of a global merge point.
#[derive(Clone, Copy, PartialEq)]
enum Decided {
    /// Listed in `greens(..)`.
    ListedGreen,
    /// Listed in `reds(..)`.
    ListedRed,
    /// Changed by the loop, and named like a green of the portal (`global_merge_point!()`).
    NamedGreen,
    /// Changed by the loop, and not one of the merge point's greens.
    Changing,
    /// Not changed by the loop: it keeps the binding time it comes in with.
    Unchanged,
}

/// The global merge point's rule, for reasons and notes: how its greens are chosen.
fn not_green_text(rule: MergeRule, greens: &[String]) -> String {
    match rule {
        MergeRule::Listed { .. } => "not listed in `greens(..)`".into(),
        MergeRule::ByName => {
            let names: Vec<String> = greens.iter().map(|n| format!("`{n}`")).collect();
            if names.is_empty() {
                "not named like a green of the portal (it has none)".into()
            } else {
                format!(
                    "not named like a green of the portal ({})",
                    names.join(", ")
                )
            }
        }
    }
}

/// Annotate `g`, the inlined graph of a portal whose green parameters are `greens`.
pub fn annotate(g: &Graph, greens: &[String], k: &Crate) -> Result<Annotation, Vec<Diagnostic>> {
    let n = g.var_types.len();
    let mut a = Annotation {
        red: vec![false; n],
        why: vec![None; n],
        merge_blocks: BTreeSet::new(),
        merge_notes: BTreeMap::new(),
    };
    let start = &g.g[g.start];
    for ((name, _), v) in g.params.iter().zip(&start.inputs) {
        if !greens.contains(name) {
            a.red[v.0 as usize] = true;
            a.why[v.0 as usize] = Some(Reason {
                span: g.span,
                what: format!("`{name}` is a red parameter of the portal"),
                from: None,
            });
        }
    }
    let merge_points = global_merge_points(g);
    let mut decided: BTreeMap<BlockId, Vec<(Var, Decided)>> = BTreeMap::new();
    for &(m, op) in &merge_points {
        let OpKind::GlobalMergePoint(rule) = op.kind else {
            unreachable!("a global merge point")
        };
        let (listed_greens, listed_reds) = listed(op);
        let changing = changing_inputs(g, m);
        let mut ds = Vec::new();
        for &v in &g.g[m].inputs {
            let named_green = g.var_names[v.0 as usize]
                .as_ref()
                .is_some_and(|n| greens.contains(n));
            let d = if listed_greens.contains(&v) {
                Decided::ListedGreen
            } else if listed_reds.contains(&v) {
                Decided::ListedRed
            } else if !changing.contains(&v) {
                Decided::Unchanged
            } else if rule == MergeRule::ByName && named_green {
                Decided::NamedGreen
            } else {
                Decided::Changing
            };
            ds.push((v, d));
        }
        // A listed red that is not an input (computed in the block before the merge
        // point) is red too.
        for &v in &listed_reds {
            if !g.g[m].inputs.contains(&v) {
                ds.push((v, Decided::ListedRed));
            }
        }
        for &(v, d) in &ds {
            let what = match d {
                Decided::ListedRed => "red at the merge point: listed in `reds(..)`".to_string(),
                Decided::Changing => format!(
                    "red at the merge point: {}, and the loop changes it",
                    not_green_text(rule, greens)
                ),
                _ => continue,
            };
            if !a.red[v.0 as usize] {
                a.red[v.0 as usize] = true;
                a.why[v.0 as usize] = Some(Reason {
                    span: op.span,
                    what,
                    from: None,
                });
            }
        }
        decided.insert(m, ds);
    }
    let mut errors = Vec::new();
    let mut changed = true;
    while changed {
        changed = false;
        for b in g.g.node_indices() {
            let data = &g.g[b];
            for op in &data.ops {
                let red_arg = op.args.iter().find_map(|o| match o {
                    Operand::Var(v) if a.is_red(*v) => Some(*v),
                    _ => None,
                });
                let red = match &op.kind {
                    OpKind::VecRepeat
                    | OpKind::VecLit
                    | OpKind::ArrayRepeat
                    | OpKind::ArrayLit
                    | OpKind::NewStruct(_)
                    | OpKind::VecPop => Some((
                        format!("`{}` makes mutable data, which is red", op.kind),
                        None,
                    )),
                    OpKind::ResidualCall(f) => {
                        let elidable = k
                            .fns
                            .get(f)
                            .is_some_and(|fi| hints::has_attr(&fi.item.attrs, "elidable"));
                        if !elidable {
                            Some((format!("`{f}` is called, not looked into, so its result is red (mark it `#[elidable]` if it is pure)"), None))
                        } else {
                            red_arg
                                .map(|v| (format!("`{f}` is called with a red argument"), Some(v)))
                        }
                    }
                    // Green from here on: compiled code switches on the run-time value.
                    OpKind::Panic
                    | OpKind::GlobalMergePoint(_)
                    | OpKind::Hint(HintKind::Promote) => None,
                    _ => red_arg.map(|v| (format!("`{}` of a red value", op.kind), Some(v))),
                };
                if let Some((what, from)) = red {
                    let i = op.result.0 as usize;
                    if !a.red[i] {
                        a.red[i] = true;
                        a.why[i] = Some(Reason {
                            span: op.span,
                            what,
                            from,
                        });
                        changed = true;
                    }
                }
            }
            for e in g.g.edges(b) {
                let t = &g.g[e.target()];
                for (arg, inp) in e.weight().args.iter().zip(&t.inputs) {
                    if let Operand::Var(v) = arg {
                        if a.is_red(*v) && !a.is_red(*inp) {
                            a.red[inp.0 as usize] = true;
                            a.why[inp.0 as usize] = Some(Reason {
                                span: Span::default(),
                                what: "passed on".into(),
                                from: Some(*v),
                            });
                            changed = true;
                        }
                    }
                }
            }
        }
    }
    // Checks.
    for b in g.g.node_indices() {
        for op in &g.g[b].ops {
            match &op.kind {
                OpKind::Hint(HintKind::Concrete) if a.operand_red(&op.args[0]) => {
                    let mut d = Diagnostic::new(op.span, "this value must be green, but it is red")
                        .label("`concrete!` here")
                        .help("make every value it is computed from green: a green portal parameter, a constant, or a read of green data with a green index");
                    for line in chain(g, &a, op.args[0].var().unwrap(), k) {
                        d = d.note(line);
                    }
                    errors.push(d);
                }
                OpKind::Hint(HintKind::Deepfreeze) if a.operand_red(&op.args[0]) => errors.push(
                    Diagnostic::new(op.span, "`deepfreeze!` of a red value")
                        .label("this value is red")
                        .help("`deepfreeze!` declares green data immutable; compute the value from green values only"),
                ),
                OpKind::SetItem
                | OpKind::SetField(_)
                | OpKind::VecPush
                | OpKind::VecPop
                | OpKind::VecTruncate
                    if !a.operand_red(&op.args[0]) =>
                {
                    errors.push(
                        Diagnostic::new(op.span, "green data is mutated here")
                            .label("this container is green (known while compiling)")
                            .help("green data must be immutable; keep mutable data in red values (for example a `Vec` made inside the portal)"),
                    )
                }
                _ => {}
            }
        }
    }
    errors.extend(check_merge_points(g, &a, &merge_points, k));
    for (m, ds) in decided {
        let rule = match merge_points
            .iter()
            .find(|(b, _)| *b == m)
            .map(|(_, op)| &op.kind)
        {
            Some(OpKind::GlobalMergePoint(r)) => *r,
            _ => MergeRule::ByName,
        };
        let lines = ds
            .iter()
            .map(|&(v, d)| {
                let red = a.is_red(v);
                let colour = if red { "red" } else { "green" };
                let why = match d {
                    Decided::ListedGreen => "listed in `greens(..)`".to_string(),
                    Decided::ListedRed => "listed in `reds(..)`".to_string(),
                    Decided::NamedGreen if red => {
                        "named like a green of the portal, but passed a red value".to_string()
                    }
                    Decided::NamedGreen => "named like a green of the portal".to_string(),
                    Decided::Changing => {
                        format!("{}, and the loop changes it", not_green_text(rule, greens))
                    }
                    Decided::Unchanged => {
                        return format!(
                            "{}: {colour} as it comes in (the loop does not change it)",
                            crate::flow::print::var_label(g, v)
                        )
                    }
                };
                format!("{}: {colour}, {why}", crate::flow::print::var_label(g, v))
            })
            .collect();
        a.merge_notes.insert(m, lines);
    }
    a.merge_blocks.extend(merge_points.iter().map(|(b, _)| *b));
    a.merge_blocks.extend(loop_headers(g));
    if errors.is_empty() {
        Ok(a)
    } else {
        Err(errors)
    }
}

/// The blocks holding `global_merge_point!`, each with its (first) merge point op.
fn global_merge_points(g: &Graph) -> Vec<(BlockId, &Op)> {
    g.g.node_indices()
        .filter_map(|b| {
            g.g[b]
                .ops
                .iter()
                .find(|o| matches!(o.kind, OpKind::GlobalMergePoint(_)))
                .map(|o| (b, o))
        })
        .collect()
}

/// The variables a merge point op lists in `greens(..)` and in `reds(..)`.
fn listed(op: &Op) -> (Vec<Var>, Vec<Var>) {
    let OpKind::GlobalMergePoint(MergeRule::Listed { greens, .. }) = op.kind else {
        return (vec![], vec![]);
    };
    let vars = |ops: &[Operand]| ops.iter().filter_map(Operand::var).collect::<Vec<_>>();
    (vars(&op.args[..greens]), vars(&op.args[greens..]))
}

/// Whether a variable name is one the writer can list (not a hidden operand).
fn user_name(g: &Graph, v: Var) -> Option<&str> {
    g.var_names[v.0 as usize]
        .as_deref()
        .filter(|n| !n.starts_with('(') && !n.starts_with('#'))
}

/// The variables some operation, switch or return reads, directly or through the links
/// that pass them on. A block input is live when it is in this set. The merge point's
/// own arguments do not count: they only name variables.
pub(crate) fn live_vars(g: &Graph) -> HashSet<Var> {
    let mut live: HashSet<Var> = HashSet::new();
    for b in g.g.node_indices() {
        let data = &g.g[b];
        for op in &data.ops {
            if !matches!(op.kind, OpKind::GlobalMergePoint(_)) {
                live.extend(op.args.iter().filter_map(Operand::var));
            }
        }
        if let Some(sw) = &data.exitswitch {
            live.extend(sw.var());
        }
    }
    live.extend(g.g[g.return_block].inputs.iter().copied());
    live.extend(g.g[g.except_block].inputs.iter().copied());
    let mut changed = true;
    while changed {
        changed = false;
        for e in g.g.edge_indices() {
            let (_, t) = g.g.edge_endpoints(e).unwrap();
            for (arg, inp) in g.g[e].args.iter().zip(&g.g[t].inputs) {
                if let Operand::Var(v) = arg {
                    if live.contains(inp) && live.insert(*v) {
                        changed = true;
                    }
                }
            }
        }
    }
    live
}

/// The span of the listed variable `name` in the arguments of the merge point macro at
/// `sp` (its first whole-word occurrence there that is not a list's `greens`/`reds`), or
/// `sp` itself.
fn listed_span(k: &Crate, sp: Span, name: &str) -> Span {
    let Some(src) = k.files[sp.file as usize]
        .text
        .get(sp.lo as usize..sp.hi as usize)
    else {
        return sp;
    };
    let Some(open) = src.find('(') else { return sp };
    let bytes = src.as_bytes();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut from = open + 1;
    while let Some(i) = src[from..].find(name) {
        let (lo, hi) = (from + i, from + i + name.len());
        let whole = !is_word(bytes[lo - 1]) && bytes.get(hi).is_none_or(|c| !is_word(*c));
        if whole && !src[hi..].trim_start().starts_with('(') {
            return Span {
                file: sp.file,
                lo: sp.lo + lo as u32,
                hi: sp.lo + hi as u32,
            };
        }
        from = hi;
    }
    sp
}

/// The errors of listed merge points: a listed green that is red, a listed variable that
/// is not live there, and (with `reds(..)`) a live variable that is not listed.
fn check_merge_points(
    g: &Graph,
    a: &Annotation,
    merge_points: &[(BlockId, &Op)],
    k: &Crate,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let live = live_vars(g);
    let name = |v: Var| user_name(g, v).map_or_else(|| v.to_string(), |n| format!("`{n}`"));
    for &(m, op) in merge_points {
        let OpKind::GlobalMergePoint(MergeRule::Listed { reds, .. }) = op.kind else {
            continue;
        };
        let (listed_greens, listed_reds) = listed(op);
        let inputs = &g.g[m].inputs;
        let at = |v: Var| match user_name(g, v) {
            Some(n) => listed_span(k, op.span, n),
            None => op.span,
        };
        for &v in &listed_greens {
            if a.is_red(v) {
                let mut d = Diagnostic::new(
                    at(v),
                    format!("{} is listed in `greens(..)`, but it is red here", name(v)),
                )
                .label("listed green at the merge point")
                .help("a green of the merge point must be computed from green values only; list it in `reds(..)`, or leave it out of `greens(..)`");
                for line in chain(g, a, v, k) {
                    d = d.note(line);
                }
                errors.push(d);
            }
        }
        for &v in listed_greens.iter().chain(&listed_reds) {
            if inputs.contains(&v) && !live.contains(&v) {
                errors.push(
                    Diagnostic::new(
                        at(v),
                        format!("{} is listed at the merge point, but it is not live there", name(v)),
                    )
                    .label("not live here")
                    .help("nothing reads this variable after the merge point; remove it from the list"),
                );
            }
        }
        if reds.is_some() {
            let missing: Vec<String> = inputs
                .iter()
                .filter(|v| {
                    live.contains(v) && !listed_greens.contains(v) && !listed_reds.contains(v)
                })
                .filter_map(|v| user_name(g, *v).map(|n| format!("`{n}`")))
                .collect();
            if !missing.is_empty() {
                errors.push(
                    Diagnostic::new(
                        op.span,
                        format!(
                            "{} {} live at the merge point, but not listed in `greens(..)` or `reds(..)`",
                            missing.join(", "),
                            if missing.len() == 1 { "is" } else { "are" }
                        ),
                    )
                    .label("the merge point")
                    .help("with `reds(..)`, every variable live at the merge point is listed as green or red"),
                );
            }
        }
    }
    errors
}

/// The inputs of block `m` that a loop through `m` changes: some link into `m` from a
/// block reachable from `m` passes a value that is not the input's own value of the
/// previous visit (followed back through links that only pass values on).
fn changing_inputs(g: &Graph, m: BlockId) -> Vec<Var> {
    let mut input_of: std::collections::HashMap<Var, (BlockId, usize)> = Default::default();
    for b in g.g.node_indices() {
        for (i, v) in g.g[b].inputs.iter().enumerate() {
            input_of.insert(*v, (b, i));
        }
    }
    let inside: std::collections::HashSet<BlockId> = {
        let mut seen = std::collections::HashSet::new();
        let mut work = vec![m];
        while let Some(b) = work.pop() {
            for e in g.g.edges(b) {
                if seen.insert(e.target()) {
                    work.push(e.target());
                }
            }
        }
        seen
    };
    // Whether `o` is `target` unchanged; `seen` cuts cycles (a value that only goes
    // round a cycle is unchanged).
    fn same(
        g: &Graph,
        o: &Operand,
        target: Var,
        input_of: &std::collections::HashMap<Var, (BlockId, usize)>,
        seen: &mut std::collections::HashSet<BlockId>,
    ) -> bool {
        let Operand::Var(v) = o else { return false };
        if *v == target {
            return true;
        }
        let Some((b, i)) = input_of.get(v) else {
            return false;
        };
        if !seen.insert(*b) {
            return true;
        }
        g.g.edges_directed(*b, petgraph::Direction::Incoming)
            .all(|e| same(g, &e.weight().args[*i], target, input_of, seen))
    }
    let data = &g.g[m];
    let mut out = Vec::new();
    for (i, inp) in data.inputs.iter().enumerate() {
        let changes =
            g.g.edges_directed(m, petgraph::Direction::Incoming)
                .filter(|e| inside.contains(&e.source()))
                .any(|e| {
                    let mut seen = std::collections::HashSet::from([m]);
                    !same(g, &e.weight().args[i], *inp, &input_of, &mut seen)
                });
        if changes {
            out.push(*inp);
        }
    }
    out
}

/// Targets of back edges in a depth-first walk from the start block.
pub fn loop_headers(g: &Graph) -> BTreeSet<BlockId> {
    let mut heads = BTreeSet::new();
    let mut state: std::collections::HashMap<BlockId, u8> = Default::default();
    // Iterative DFS: 1 = on the stack, 2 = done.
    let mut stack: Vec<(BlockId, Vec<BlockId>)> = Vec::new();
    let succ = |b: BlockId| -> Vec<BlockId> { g.exits(b).into_iter().map(|(_, t)| t).collect() };
    state.insert(g.start, 1);
    stack.push((g.start, succ(g.start)));
    while let Some((b, rest)) = stack.last_mut() {
        let b = *b;
        if let Some(t) = rest.pop() {
            match state.get(&t) {
                Some(1) => {
                    heads.insert(t);
                }
                Some(_) => {}
                None => {
                    state.insert(t, 1);
                    let s = succ(t);
                    stack.push((t, s));
                }
            }
        } else {
            state.insert(b, 2);
            stack.pop();
        }
    }
    heads
}

/// The chain of reasons that made `v` red, one line each, from `v` back to its origin.
pub fn chain(g: &Graph, a: &Annotation, v: Var, k: &Crate) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = Some(v);
    let mut seen = BTreeSet::new();
    while let Some(v) = cur {
        if !seen.insert(v) || out.len() > 20 {
            break;
        }
        let Some(r) = &a.why[v.0 as usize] else { break };
        if r.what != "passed on" {
            let name = g.var_names[v.0 as usize]
                .as_ref()
                .map(|n| format!("`{n}` ({v})"))
                .unwrap_or_else(|| v.to_string());
            let at = if r.span == Span::default() {
                String::new()
            } else {
                format!(" at {}", k.location(r.span))
            };
            out.push(format!("{name} is red: {}{at}", r.what));
        }
        cur = r.from;
    }
    out
}
