//! The flow-graph model (after PyPy's `flowspace/model.py`).
//!
//! A [`Graph`] is a set of blocks stored in a petgraph graph: nodes are [`BlockData`],
//! edges are [`Link`]s. A block has input variables, a list of [`Op`]s and exits; when it
//! has more than one exit, its `exitswitch` is the value the exits are chosen by, and
//! each link carries the [`Case`] it is taken for.
//!
//! **Invariants** (checked by [`Graph::check`]):
//! - a variable is defined once, as a block input or an op result, and used only in the
//!   block that defines it; values reach other blocks only as link arguments;
//! - a link passes exactly as many arguments as its target has inputs;
//! - the return block has one input (the returned value) and the except block one (the
//!   error of a `?`); neither has ops or exits. Every other block has at least one exit.

use super::ops::OpKind;
use super::types::Ty;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use std::fmt;

/// A variable of a graph.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Var(pub u32);

impl fmt::Display for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

/// A block of a graph (a petgraph node index).
pub type BlockId = NodeIndex;

/// A constant operand.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    Int(i128),
    Bool(bool),
    Float(f64),
    Unit,
    Str(String),
}

impl fmt::Display for Const {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Const::Int(i) => write!(f, "{i}"),
            Const::Bool(b) => write!(f, "{b}"),
            Const::Float(x) => write!(f, "{x:?}"),
            Const::Unit => f.write_str("()"),
            Const::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// What an op reads: a variable of the same block or a constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Var(Var),
    Const(Const, Ty),
}

impl Operand {
    pub fn var(&self) -> Option<Var> {
        match self {
            Operand::Var(v) => Some(*v),
            Operand::Const(..) => None,
        }
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Var(v) => write!(f, "{v}"),
            Operand::Const(c, _) => write!(f, "{c}"),
        }
    }
}

/// Where in the source something came from: file index and byte range.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: u32,
    pub lo: u32,
    pub hi: u32,
}

/// One operation: `result = kind(args)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Op {
    pub kind: OpKind,
    pub args: Vec<Operand>,
    pub result: Var,
    pub span: Span,
}

/// The value a link is taken for, when its block has several exits.
#[derive(Clone, Debug, PartialEq)]
pub enum Case {
    /// The only exit.
    Always,
    Bool(bool),
    Int(i128),
    /// An enum variant, by name.
    Variant(String),
    /// Any value not listed by the other exits.
    Default,
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Case::Always => Ok(()),
            Case::Bool(b) => write!(f, "{b}"),
            Case::Int(i) => write!(f, "{i}"),
            Case::Variant(v) => f.write_str(v),
            Case::Default => f.write_str("default"),
        }
    }
}

/// An edge: go to `target`, passing `args` to its inputs, when the exitswitch is `case`.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub args: Vec<Operand>,
    pub case: Case,
    /// Position among the block's exits (petgraph does not keep edge order).
    pub order: u32,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BlockData {
    pub inputs: Vec<Var>,
    pub ops: Vec<Op>,
    pub exitswitch: Option<Operand>,
}

/// The flow graph of one function.
#[derive(Clone, Debug)]
pub struct Graph {
    /// The function's path, e.g. `interpret` or `Machine::step`.
    pub name: String,
    pub params: Vec<(String, Ty)>,
    pub ret_ty: Ty,
    pub g: StableDiGraph<BlockData, Link>,
    pub start: BlockId,
    pub return_block: BlockId,
    pub except_block: BlockId,
    /// The type of every variable, by index.
    pub var_types: Vec<Ty>,
    /// The source variable name of each variable, where there is one.
    pub var_names: Vec<Option<String>>,
    /// Where the function is.
    pub span: Span,
}

impl Graph {
    pub fn block(&self, b: BlockId) -> &BlockData {
        &self.g[b]
    }

    /// The exits of `b` in order: (link, target).
    pub fn exits(&self, b: BlockId) -> Vec<(&Link, BlockId)> {
        let mut v: Vec<(&Link, BlockId)> =
            self.g.edges(b).map(|e| (e.weight(), e.target())).collect();
        v.sort_by_key(|(l, _)| l.order);
        v
    }

    /// Edge ids of the exits of `b` in order.
    pub fn exit_edges(&self, b: BlockId) -> Vec<EdgeIndex> {
        let mut v: Vec<EdgeIndex> = self.g.edges(b).map(|e| e.id()).collect();
        v.sort_by_key(|e| self.g[*e].order);
        v
    }

    /// Blocks in a stable order: start first, then by a depth-first walk along exits in
    /// order, return and except blocks last.
    pub fn blocks_in_order(&self) -> Vec<BlockId> {
        let mut seen = std::collections::HashSet::new();
        let mut order = Vec::new();
        let mut stack = vec![self.start];
        while let Some(b) = stack.pop() {
            if b == self.return_block || b == self.except_block || !seen.insert(b) {
                continue;
            }
            order.push(b);
            for (_, t) in self.exits(b).into_iter().rev() {
                stack.push(t);
            }
        }
        order.push(self.return_block);
        order.push(self.except_block);
        order
    }

    pub fn ty(&self, v: Var) -> &Ty {
        &self.var_types[v.0 as usize]
    }

    pub fn operand_ty<'a>(&'a self, o: &'a Operand) -> &'a Ty {
        match o {
            Operand::Var(v) => self.ty(*v),
            Operand::Const(_, t) => t,
        }
    }

    /// Number of ops in all blocks.
    pub fn op_count(&self) -> usize {
        self.g.node_weights().map(|b| b.ops.len()).sum()
    }

    /// Check the invariants of the module documentation.
    pub fn check(&self) -> Result<(), String> {
        use std::collections::HashSet;
        let mut defined: HashSet<Var> = HashSet::new();
        for b in self.g.node_indices() {
            let data = &self.g[b];
            let mut local: HashSet<Var> = HashSet::new();
            for v in &data.inputs {
                if !defined.insert(*v) {
                    return Err(format!("{v} defined twice"));
                }
                local.insert(*v);
            }
            let uses_ok = |o: &Operand, local: &HashSet<Var>| match o {
                Operand::Var(v) => local.contains(v),
                _ => true,
            };
            for op in &data.ops {
                for a in &op.args {
                    if !uses_ok(a, &local) {
                        return Err(format!("{a} used in {} outside its block", op.kind));
                    }
                }
                if !defined.insert(op.result) {
                    return Err(format!("{} defined twice", op.result));
                }
                local.insert(op.result);
            }
            if let Some(s) = &data.exitswitch {
                if !uses_ok(s, &local) {
                    return Err(format!("exitswitch {s} not defined in its block"));
                }
            }
            let exits = self.exits(b);
            let terminal = b == self.return_block || b == self.except_block;
            if terminal {
                if !exits.is_empty() || !data.ops.is_empty() || data.inputs.len() != 1 {
                    return Err("return/except block must have one input and nothing else".into());
                }
            } else if exits.is_empty() {
                return Err(format!("block {} has no exits", b.index()));
            }
            if exits.len() > 1 && data.exitswitch.is_none() {
                return Err(format!(
                    "block {} has several exits and no exitswitch",
                    b.index()
                ));
            }
            for (l, t) in exits {
                if l.args.len() != self.g[t].inputs.len() {
                    return Err(format!(
                        "link {} -> {} passes {} args to {} inputs",
                        b.index(),
                        t.index(),
                        l.args.len(),
                        self.g[t].inputs.len()
                    ));
                }
                for a in &l.args {
                    if !uses_ok(a, &local) {
                        return Err(format!(
                            "link argument {a} not defined in block {}",
                            b.index()
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}
