//! Graphviz output: one node per block listing its inputs and operations, one edge per
//! link labelled with its switch value and arguments. After binding-time analysis the
//! same drawing colours every variable's definition green or red, and lists under each
//! global merge point which rule made each of its inputs green or red.

use super::model::*;
use super::print::{block_name, block_numbers, op_text, var_label};
use std::fmt::Write;

/// Text inside a quoted DOT string.
fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Text inside an HTML-like DOT label.
fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The binding times to draw: which variables are red, the merge blocks, and notes on
/// blocks (for each global merge point, the rule that decided each input's binding time).
pub struct Colouring<'a> {
    pub is_red: &'a dyn Fn(Var) -> bool,
    pub merges: &'a [BlockId],
    pub notes: &'a std::collections::BTreeMap<BlockId, Vec<String>>,
}

/// The DOT text of one graph.
pub fn graph_dot(g: &Graph) -> String {
    dot(g, None)
}

/// The DOT text of a graph after binding-time analysis: every variable's definition (a
/// block input or an operation's line) in green or red, and the merge blocks drawn
/// double.
pub fn annotated_dot(g: &Graph, c: &Colouring) -> String {
    dot(g, Some(c))
}

fn dot(g: &Graph, c: Option<&Colouring>) -> String {
    let nums = block_numbers(g);
    // A variable's text, in its colour when there is a colouring.
    let def = |v: Var, text: &str| match c {
        Some(c) => format!(
            "<font color=\"{}\">{}</font>",
            if (c.is_red)(v) { "#c00000" } else { "#007000" },
            html(text)
        ),
        None => html(text),
    };
    let mut s = String::new();
    let title = match c {
        Some(_) => format!(
            "{} (green: known while compiling; red: known when the code runs)",
            g.name
        ),
        None => g.name.clone(),
    };
    let _ = writeln!(s, "digraph \"{}\" {{", esc(&g.name));
    let _ = writeln!(
        s,
        "  label=\"{}\"; labelloc=t; fontname=monospace;",
        esc(&title)
    );
    let _ = writeln!(s, "  node [shape=box, fontname=monospace, fontsize=10];");
    let _ = writeln!(s, "  edge [fontname=monospace, fontsize=9];");
    let br = "<br align=\"left\"/>";
    for b in g.blocks_in_order() {
        let data = g.block(b);
        let inputs: Vec<String> = data
            .inputs
            .iter()
            .map(|v| def(*v, &var_label(g, *v)))
            .collect();
        let mut label = format!(
            "{}({}){br}",
            html(&block_name(&nums, g, b)),
            inputs.join(", ")
        );
        for op in &data.ops {
            let _ = write!(label, "{}{br}", def(op.result, &op_text(op)));
        }
        if let Some(sw) = &data.exitswitch {
            let _ = write!(label, "{}{br}", html(&format!("switch on {sw}")));
        }
        if let Some(notes) = c.and_then(|c| c.notes.get(&b)) {
            let _ = write!(label, "<i>at the global merge point:</i>{br}");
            for n in notes {
                let _ = write!(label, "<i>  {}</i>{br}", html(n));
            }
        }
        let mut style = if b == g.return_block {
            ", style=filled, fillcolor=\"#d0f0d0\""
        } else if b == g.except_block {
            ", style=filled, fillcolor=\"#f0d0d0\""
        } else if b == g.start {
            ", style=bold"
        } else {
            ""
        }
        .to_string();
        if c.is_some_and(|c| c.merges.contains(&b)) {
            style.push_str(", peripheries=2");
        }
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
