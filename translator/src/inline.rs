//! Inlining: the portal's graph with every call to an analysed crate function replaced by
//! a copy of the callee's graph (after PyPy's `translator/backendopt/inline.py`).
//!
//! The rule is meant to be predictable: every call to a crate function that is not
//! `#[residual]` is inlined, except a call to a function already being inlined on that
//! path (recursion, including the portal calling itself), which stays a residual call.
//! [`MAX_INLINED_OPS`] bounds the growth; past it, calls stay residual calls.
//!
//! **Invariant:** the result satisfies [`Graph::check`]; the caller's live variables are
//! threaded through the callee's blocks as extra inputs, so values still reach other
//! blocks only as link arguments.

use crate::flow::build::Program;
use crate::flow::model::*;
use crate::flow::ops::{HintKind, OpKind};
use crate::flow::types::Ty;
use petgraph::visit::EdgeRef;
use std::collections::{BTreeSet, HashMap};

/// The most operations inlining may add to one portal.
pub const MAX_INLINED_OPS: usize = 20_000;

/// The portal's graph with calls inlined.
pub fn inline_portal(prog: &Program, portal: &str) -> Graph {
    let mut g = prog.graphs[portal].clone();
    // The chain of functions each block was inlined from.
    let mut chains: HashMap<BlockId, Vec<String>> = HashMap::new();
    for b in g.g.node_indices() {
        chains.insert(b, vec![portal.to_string()]);
    }
    let mut added = 0usize;
    loop {
        let Some((b, i, callee)) = find_call(&g) else {
            break;
        };
        let chain = chains[&b].clone();
        let callee_g = prog.graphs.get(&callee);
        let recursive = chain.contains(&callee);
        match callee_g {
            Some(cg) if !recursive && added + cg.op_count() <= MAX_INLINED_OPS => {
                added += cg.op_count();
                let mut chain2 = chain.clone();
                chain2.push(callee.clone());
                let new_blocks = inline_call(&mut g, b, i, cg);
                for nb in new_blocks.callee {
                    chains.insert(nb, chain2.clone());
                }
                chains.insert(new_blocks.continuation, chain);
            }
            _ => {
                let op = &mut g.g[b].ops[i];
                op.kind = OpKind::ResidualCall(callee);
            }
        }
    }
    debug_assert_eq!(g.check(), Ok(()));
    g
}

fn find_call(g: &Graph) -> Option<(BlockId, usize, String)> {
    for b in g.blocks_in_order() {
        for (i, op) in g.g[b].ops.iter().enumerate() {
            if let OpKind::Call(name) = &op.kind {
                return Some((b, i, name.clone()));
            }
        }
    }
    None
}

struct Inlined {
    callee: Vec<BlockId>,
    continuation: BlockId,
}

fn fresh(g: &mut Graph, ty: Ty, name: Option<String>) -> Var {
    let v = Var(g.var_types.len() as u32);
    g.var_types.push(ty);
    g.var_names.push(name);
    v
}

fn rename_operand(o: &Operand, map: &HashMap<Var, Var>) -> Operand {
    match o {
        Operand::Var(v) => Operand::Var(*map.get(v).unwrap_or(v)),
        c => c.clone(),
    }
}

/// Split block `b` after op `i`: op `i` is removed from `b` and returned, and a new
/// block takes the rest of `b` (its later ops, exitswitch and exits). The new block's
/// inputs are a fresh variable standing for op `i`'s result, then the variables of `b`
/// still needed after op `i` (`live`, in that order); `b` is left without exits.
pub fn split_after(g: &mut Graph, b: BlockId, i: usize) -> (Op, BlockId, Vec<Var>) {
    let op_i = g.g[b].ops[i].clone();
    let after: Vec<Op> = g.g[b].ops[i + 1..].to_vec();
    let exitswitch = g.g[b].exitswitch.clone();
    let exits: Vec<(Link, BlockId)> = g
        .exits(b)
        .into_iter()
        .map(|(l, t)| (l.clone(), t))
        .collect();

    // Variables of `b` still needed after op `i`.
    let mut defined: BTreeSet<Var> = g.g[b].inputs.iter().copied().collect();
    for op in &g.g[b].ops[..i] {
        defined.insert(op.result);
    }
    let mut used: BTreeSet<Var> = BTreeSet::new();
    let mut use_op = |o: &Operand| {
        if let Operand::Var(v) = o {
            used.insert(*v);
        }
    };
    for op in &after {
        op.args.iter().for_each(&mut use_op);
    }
    if let Some(s) = &exitswitch {
        use_op(s);
    }
    for (l, _) in &exits {
        l.args.iter().for_each(&mut use_op);
    }
    let live: Vec<Var> = used.intersection(&defined).copied().collect();

    let mut map: HashMap<Var, Var> = HashMap::new();
    let res = fresh(g, g.ty(op_i.result).clone(), None);
    map.insert(op_i.result, res);
    let mut inputs = vec![res];
    for v in &live {
        let nv = fresh(g, g.ty(*v).clone(), g.var_names[v.0 as usize].clone());
        map.insert(*v, nv);
        inputs.push(nv);
    }
    let mut ops = Vec::new();
    for op in after {
        let nr = fresh(
            g,
            g.ty(op.result).clone(),
            g.var_names[op.result.0 as usize].clone(),
        );
        map.insert(op.result, nr);
        ops.push(Op {
            args: op.args.iter().map(|a| rename_operand(a, &map)).collect(),
            result: nr,
            ..op
        });
    }
    let cont = g.g.add_node(BlockData {
        inputs,
        ops,
        exitswitch: exitswitch.as_ref().map(|s| rename_operand(s, &map)),
    });
    for (l, t) in &exits {
        g.g.add_edge(
            cont,
            *t,
            Link {
                args: l.args.iter().map(|a| rename_operand(a, &map)).collect(),
                ..l.clone()
            },
        );
    }
    let old: Vec<_> = g.g.edges(b).map(|e| e.id()).collect();
    for e in old {
        g.g.remove_edge(e);
    }
    g.g[b].ops.truncate(i);
    g.g[b].exitswitch = None;
    (op_i, cont, live)
}

/// Make every `promote!` the last operation of its block, with one exit passing its
/// result (green from there on) and the live variables to the rest of the block.
pub fn split_promotions(g: &mut Graph) {
    loop {
        let found = g.blocks_in_order().into_iter().find_map(|b| {
            let i = g.g[b]
                .ops
                .iter()
                .position(|o| o.kind == OpKind::Hint(HintKind::Promote))?;
            (!ends_block(g, b, i)).then_some((b, i))
        });
        let Some((b, i)) = found else { break };
        let (op, cont, live) = split_after(g, b, i);
        let result = op.result;
        g.g[b].ops.push(op);
        let mut args = vec![Operand::Var(result)];
        args.extend(live.iter().map(|v| Operand::Var(*v)));
        g.g.add_edge(
            b,
            cont,
            Link {
                args,
                case: Case::Always,
                order: 0,
            },
        );
    }
    debug_assert_eq!(g.check(), Ok(()));
}

/// Whether op `i` of `b` ends it as [`split_promotions`] leaves a promotion: the last
/// op, with one unconditional exit whose first argument is the op's result.
fn ends_block(g: &Graph, b: BlockId, i: usize) -> bool {
    let data = &g.g[b];
    let exits = g.exits(b);
    i + 1 == data.ops.len()
        && data.exitswitch.is_none()
        && exits.len() == 1
        && exits[0].0.args.first().and_then(|a| a.var()) == Some(data.ops[i].result)
}

/// Replace op `i` of block `b` (a call) by the callee's blocks.
fn inline_call(g: &mut Graph, b: BlockId, i: usize, callee: &Graph) -> Inlined {
    let (call, cont, live) = split_after(g, b, i);

    // The callee's blocks, each with the live variables as extra inputs.
    let mut bmap: HashMap<BlockId, BlockId> = HashMap::new();
    let mut live_in: HashMap<BlockId, Vec<Var>> = HashMap::new();
    let mut new_blocks = Vec::new();
    let mut vmaps: HashMap<BlockId, HashMap<Var, Var>> = HashMap::new();
    let result_ty = g.ty(call.result).clone();
    for cb in callee.g.node_indices() {
        let data = &callee.g[cb];
        let mut vmap: HashMap<Var, Var> = HashMap::new();
        let mut inputs = Vec::new();
        for v in &data.inputs {
            let nv = fresh(
                g,
                callee.ty(*v).clone(),
                callee.var_names[v.0 as usize].clone(),
            );
            vmap.insert(*v, nv);
            inputs.push(nv);
        }
        let mut extra = Vec::new();
        for v in &live {
            let nv = fresh(g, g.ty(*v).clone(), g.var_names[v.0 as usize].clone());
            extra.push(nv);
        }
        inputs.extend(extra.iter().copied());
        let mut ops = Vec::new();
        for op in &data.ops {
            let nr = fresh(
                g,
                callee.ty(op.result).clone(),
                callee.var_names[op.result.0 as usize].clone(),
            );
            vmap.insert(op.result, nr);
            ops.push(Op {
                args: op.args.iter().map(|a| rename_operand(a, &vmap)).collect(),
                result: nr,
                kind: op.kind.clone(),
                span: op.span,
            });
        }
        let mut exitswitch = data.exitswitch.as_ref().map(|s| rename_operand(s, &vmap));
        let mut tail: Option<Operand> = None;
        if cb == callee.return_block {
            tail = Some(Operand::Var(vmap[&data.inputs[0]]));
        } else if cb == callee.except_block {
            // `?` in the callee: the callee returns `Err(e)`.
            let e = vmap[&data.inputs[0]];
            let r = fresh(g, result_ty.clone(), None);
            if let Ty::Result(..) = &result_ty {
                ops.push(Op {
                    kind: OpKind::NewVariant("Result".into(), "Err".into()),
                    args: vec![Operand::Var(e)],
                    result: r,
                    span: call.span,
                });
                tail = Some(Operand::Var(r));
            } else {
                // Reached only after a panic (see `panic_exit` in the graph builder).
                ops.push(Op {
                    kind: OpKind::Panic,
                    args: vec![Operand::Const(
                        Const::Str("internal error: entered unreachable code".into()),
                        Ty::Str,
                    )],
                    result: r,
                    span: call.span,
                });
                tail = Some(Operand::Const(Const::Unit, result_ty.clone()));
            }
        }
        if tail.is_some() {
            exitswitch = None;
        }
        let nb = g.g.add_node(BlockData {
            inputs,
            ops,
            exitswitch,
        });
        // Remember the renaming for the links.
        bmap.insert(cb, nb);
        live_in.insert(nb, extra.clone());
        new_blocks.push(nb);
        if let Some(t) = tail {
            let mut args = vec![t];
            args.extend(extra.iter().map(|v| Operand::Var(*v)));
            g.g.add_edge(
                nb,
                cont,
                Link {
                    args,
                    case: Case::Always,
                    order: 0,
                },
            );
        }
        vmaps.insert(nb, vmap);
    }
    for e in callee.g.edge_indices() {
        let (s, t) = callee.g.edge_endpoints(e).unwrap();
        let l = &callee.g[e];
        let (ns, nt) = (bmap[&s], bmap[&t]);
        let mut args: Vec<Operand> = l
            .args
            .iter()
            .map(|a| rename_operand(a, &vmaps[&ns]))
            .collect();
        args.extend(live_in[&ns].iter().map(|v| Operand::Var(*v)));
        g.g.add_edge(
            ns,
            nt,
            Link {
                args,
                case: l.case.clone(),
                order: l.order,
            },
        );
    }
    // The call itself: go to the callee's start with the arguments and the live values.
    let mut args = call.args.clone();
    args.extend(live.iter().map(|v| Operand::Var(*v)));
    g.g.add_edge(
        b,
        bmap[&callee.start],
        Link {
            args,
            case: Case::Always,
            order: 0,
        },
    );
    Inlined {
        callee: new_blocks,
        continuation: cont,
    }
}
