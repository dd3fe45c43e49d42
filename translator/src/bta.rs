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
//!   loop passes it anything but its own previous value) is red unless it has the name
//!   of one of the portal's greens: the greens are the key that states merge by, and any
//!   other changing green would unroll the loop once per value.
//!
//! Errors explain themselves: `concrete!(x)` on a red `x` reports the chain of operations
//! that made `x` red; mutating green data is an error.

use crate::diag::Diagnostic;
use crate::flow::model::*;
use crate::flow::ops::{HintKind, OpKind};
use crate::hints;
use crate::source::Crate;
use petgraph::visit::EdgeRef;
use std::collections::BTreeSet;

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
    s
}

/// Annotate `g`, the inlined graph of a portal whose green parameters are `greens`.
pub fn annotate(g: &Graph, greens: &[String], k: &Crate) -> Result<Annotation, Vec<Diagnostic>> {
    let n = g.var_types.len();
    let mut a = Annotation {
        red: vec![false; n],
        why: vec![None; n],
        merge_blocks: BTreeSet::new(),
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
    for m in global_merge_blocks(g) {
        for v in changing_inputs(g, m) {
            let named_green = g.var_names[v.0 as usize]
                .as_ref()
                .is_some_and(|n| greens.contains(n));
            if !named_green && !a.red[v.0 as usize] {
                a.red[v.0 as usize] = true;
                a.why[v.0 as usize] = Some(Reason {
                    span: g.span,
                    what: format!(
                        "`{}` changes from one visit of the global merge point to the next and is not a green of the portal",
                        g.var_names[v.0 as usize].as_deref().unwrap_or("a value")
                    ),
                    from: None,
                });
            }
        }
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
                    OpKind::Panic | OpKind::GlobalMergePoint | OpKind::Hint(HintKind::Promote) => {
                        None
                    }
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
                OpKind::SetItem | OpKind::SetField(_) | OpKind::VecPush | OpKind::VecPop
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
    a.merge_blocks.extend(global_merge_blocks(g));
    a.merge_blocks.extend(loop_headers(g));
    if errors.is_empty() {
        Ok(a)
    } else {
        Err(errors)
    }
}

/// The blocks holding `global_merge_point!()`.
fn global_merge_blocks(g: &Graph) -> Vec<BlockId> {
    g.g.node_indices()
        .filter(|b| {
            g.g[*b]
                .ops
                .iter()
                .any(|o| o.kind == OpKind::GlobalMergePoint)
        })
        .collect()
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
