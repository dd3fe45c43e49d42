//! Simplifications applied to every graph after it is built (after PyPy's
//! `simplify.join_blocks`): a block whose only predecessor ends with a plain jump to it
//! is merged into that predecessor, its inputs replaced by the jump's arguments.

use super::model::*;
use petgraph::Direction;
use std::collections::HashMap;

/// Merge chains of blocks joined by single unconditional links.
pub fn join_blocks(g: &mut Graph) {
    loop {
        let candidate = g.g.node_indices().find(|&b| {
            if b == g.return_block || b == g.except_block {
                return false;
            }
            let exits = g.exits(b);
            if exits.len() != 1 || g.block(b).exitswitch.is_some() {
                return false;
            }
            let t = exits[0].1;
            t != b
                && t != g.return_block
                && t != g.except_block
                && t != g.start
                && g.g.edges_directed(t, Direction::Incoming).count() == 1
        });
        let Some(b) = candidate else { break };
        let edge = g.exit_edges(b)[0];
        let t = g.exits(b)[0].1;
        let link = g.g.remove_edge(edge).unwrap();
        let target = std::mem::take(&mut g.g[t]);
        let subst: HashMap<Var, Operand> = target.inputs.iter().copied().zip(link.args).collect();
        let sub = |o: &Operand| match o {
            Operand::Var(v) => subst.get(v).cloned().unwrap_or(Operand::Var(*v)),
            c => c.clone(),
        };
        let ops: Vec<Op> = target
            .ops
            .into_iter()
            .map(|mut op| {
                op.args = op.args.iter().map(sub).collect();
                op
            })
            .collect();
        let exitswitch = target.exitswitch.as_ref().map(sub);
        let outgoing: Vec<(BlockId, Link)> = g
            .exit_edges(t)
            .into_iter()
            .map(|e| {
                let (_, to) = g.g.edge_endpoints(e).unwrap();
                let mut l = g.g[e].clone();
                l.args = l.args.iter().map(sub).collect();
                (to, l)
            })
            .collect();
        g.g.remove_node(t);
        g.g[b].ops.extend(ops);
        g.g[b].exitswitch = exitswitch;
        for (to, l) in outgoing {
            g.g.add_edge(b, to, l);
        }
    }
}
