//! The text form of graphs: what snapshot tests compare and `--view` prints.
//!
//! ```text
//! graph sum(n: i64) -> i64
//! block0(v2 n: i64):
//!     v3 = int_lt(v2, 10)
//!     switch v3: true -> block1(v2), false -> block2(v2)
//! ```

use super::model::*;
use std::collections::HashMap;
use std::fmt::Write;

/// Block numbers in printing order (start first, return and except last).
pub fn block_numbers(g: &Graph) -> HashMap<BlockId, usize> {
    g.blocks_in_order()
        .into_iter()
        .enumerate()
        .map(|(i, b)| (b, i))
        .collect()
}

pub fn var_label(g: &Graph, v: Var) -> String {
    match &g.var_names[v.0 as usize] {
        Some(n) if !n.starts_with('#') => format!("{v} {n}"),
        _ => v.to_string(),
    }
}

pub fn block_name(nums: &HashMap<BlockId, usize>, g: &Graph, b: BlockId) -> String {
    if b == g.return_block {
        "return".into()
    } else if b == g.except_block {
        "except".into()
    } else {
        format!("block{}", nums[&b])
    }
}

pub fn op_text(op: &Op) -> String {
    let args: Vec<String> = op.args.iter().map(|a| a.to_string()).collect();
    format!("{} = {}({})", op.result, op.kind, args.join(", "))
}

/// The exits of a block as text.
pub fn exits_text(g: &Graph, nums: &HashMap<BlockId, usize>, b: BlockId) -> String {
    let exits = g.exits(b);
    let link = |l: &Link, t: BlockId| {
        let args: Vec<String> = l.args.iter().map(|a| a.to_string()).collect();
        format!("{}({})", block_name(nums, g, t), args.join(", "))
    };
    match &g.block(b).exitswitch {
        None => exits
            .first()
            .map(|(l, t)| format!("goto {}", link(l, *t)))
            .unwrap_or_default(),
        Some(s) => {
            let parts: Vec<String> = exits
                .iter()
                .map(|(l, t)| format!("{} -> {}", l.case, link(l, *t)))
                .collect();
            format!("switch {s}: {}", parts.join(", "))
        }
    }
}

pub fn graph_text(g: &Graph) -> String {
    graph_text_marked(g, &|_| "")
}

/// [`graph_text`] with `mark(v)` after every variable's definition (the binding-time
/// analysis marks green and red this way).
pub fn graph_text_marked(g: &Graph, mark: &dyn Fn(Var) -> &'static str) -> String {
    let nums = block_numbers(g);
    let mut s = String::new();
    let params: Vec<String> = g.params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
    let _ = writeln!(s, "graph {}({}) -> {}", g.name, params.join(", "), g.ret_ty);
    for b in g.blocks_in_order() {
        let data = g.block(b);
        let inputs: Vec<String> = data
            .inputs
            .iter()
            .map(|v| format!("{}: {}{}", var_label(g, *v), g.ty(*v), mark(*v)))
            .collect();
        let _ = writeln!(s, "{}({}):", block_name(&nums, g, b), inputs.join(", "));
        for op in &data.ops {
            let _ = writeln!(s, "    {}{}", op_text(op), mark(op.result));
        }
        let ex = exits_text(g, &nums, b);
        if !ex.is_empty() {
            let _ = writeln!(s, "    {ex}");
        }
    }
    s
}
