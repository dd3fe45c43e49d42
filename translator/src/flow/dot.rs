//! Graphviz output: one node per block listing its inputs and operations, one edge per
//! link labelled with its switch value and arguments.

use super::model::*;
use super::print::{block_name, block_numbers, op_text, var_label};
use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('<', "\\<")
        .replace('>', "\\>")
        .replace('{', "\\{")
        .replace('}', "\\}")
        .replace('|', "\\|")
}

/// The DOT text of one graph.
pub fn graph_dot(g: &Graph) -> String {
    let nums = block_numbers(g);
    let mut s = String::new();
    let _ = writeln!(s, "digraph \"{}\" {{", esc(&g.name));
    let _ = writeln!(
        s,
        "  label=\"{}\"; labelloc=t; fontname=monospace;",
        esc(&g.name)
    );
    let _ = writeln!(s, "  node [shape=box, fontname=monospace, fontsize=10];");
    let _ = writeln!(s, "  edge [fontname=monospace, fontsize=9];");
    for b in g.blocks_in_order() {
        let data = g.block(b);
        let name = block_name(&nums, g, b);
        let inputs: Vec<String> = data.inputs.iter().map(|v| var_label(g, *v)).collect();
        let mut label = format!("{}({})\\l", esc(&name), esc(&inputs.join(", ")));
        for op in &data.ops {
            label.push_str(&esc(&op_text(op)));
            label.push_str("\\l");
        }
        if let Some(sw) = &data.exitswitch {
            label.push_str(&esc(&format!("switch on {sw}")));
            label.push_str("\\l");
        }
        let style = if b == g.return_block {
            ", style=filled, fillcolor=\"#d0f0d0\""
        } else if b == g.except_block {
            ", style=filled, fillcolor=\"#f0d0d0\""
        } else if b == g.start {
            ", style=bold"
        } else {
            ""
        };
        let _ = writeln!(s, "  n{} [label=\"{label}\"{style}];", b.index());
        for (l, t) in g.exits(b) {
            let args: Vec<String> = l.args.iter().map(|a| a.to_string()).collect();
            let case = l.case.to_string();
            let lbl = if case.is_empty() {
                args.join(", ")
            } else {
                format!("{case}: {}", args.join(", "))
            };
            let _ = writeln!(
                s,
                "  n{} -> n{} [label=\"{}\"];",
                b.index(),
                t.index(),
                esc(&lbl)
            );
        }
    }
    s.push_str("}\n");
    s
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The DOT text of a graph after binding-time analysis: every variable's definition
/// (a block input or an operation's line) in green or red as `is_red` says, and the
/// merge blocks drawn double.
pub fn annotated_dot(g: &Graph, is_red: &dyn Fn(Var) -> bool, merges: &[BlockId]) -> String {
    let nums = block_numbers(g);
    let color = |v: Var| if is_red(v) { "#c00000" } else { "#007000" };
    let mut s = String::new();
    let _ = writeln!(s, "digraph \"{}\" {{", esc(&g.name));
    let _ = writeln!(
        s,
        "  label=\"{} (green: known while compiling; red: known when the code runs)\"; labelloc=t; fontname=monospace;",
        esc(&g.name)
    );
    let _ = writeln!(s, "  node [shape=box, fontname=monospace, fontsize=10];");
    let _ = writeln!(s, "  edge [fontname=monospace, fontsize=9];");
    for b in g.blocks_in_order() {
        let data = g.block(b);
        let inputs: Vec<String> = data
            .inputs
            .iter()
            .map(|v| {
                format!(
                    "<font color=\"{}\">{}</font>",
                    color(*v),
                    html(&var_label(g, *v))
                )
            })
            .collect();
        let mut label = format!(
            "{}({})<br align=\"left\"/>",
            html(&block_name(&nums, g, b)),
            inputs.join(", ")
        );
        for op in &data.ops {
            let _ = write!(
                label,
                "<font color=\"{}\">{}</font><br align=\"left\"/>",
                color(op.result),
                html(&op_text(op))
            );
        }
        if let Some(sw) = &data.exitswitch {
            let _ = write!(
                label,
                "{}<br align=\"left\"/>",
                html(&format!("switch on {sw}"))
            );
        }
        let style = if merges.contains(&b) {
            ", peripheries=2"
        } else {
            ""
        };
        let _ = writeln!(s, "  n{} [label=<{label}>{style}];", b.index());
        for (l, t) in g.exits(b) {
            let args: Vec<String> = l.args.iter().map(|a| a.to_string()).collect();
            let case = l.case.to_string();
            let lbl = if case.is_empty() {
                args.join(", ")
            } else {
                format!("{case}: {}", args.join(", "))
            };
            let _ = writeln!(
                s,
                "  n{} -> n{} [label=\"{}\"];",
                b.index(),
                t.index(),
                esc(&lbl)
            );
        }
    }
    s.push_str("}\n");
    s
}
