//! One compilation unit: from a start state, follow every path of the generating
//! extension, emitting code, until every path has ended in a return, a panic or a jump to
//! a state compiled already.
//!
//! - **Merging.** A state at a merge block (the global merge point and every loop header
//!   of the portal) is looked up by its [`MergeKey`], the block and the values of its
//!   green variables. The first state with a key is compiled inline, keeping constants
//!   it knows; the second gets a backend block whose parameters are the state's red
//!   words, and every later one jumps there. A bytecode loop therefore becomes a
//!   machine-code loop (after one peeled iteration), compiled once per green key, and
//!   straight-line bytecode keeps its constants folded.
//! - **Splitting.** A switch on a red word that is not a constant ends the block: each
//!   case continues in a new backend block (a pending path). A constant red word picks
//!   its case while compiling.
//! - **Promotion.** A promoted red word that is a constant picks the continuation while
//!   compiling; a run-time one ends the path with an exit to the JIT, which compiles the
//!   continuation specialised to the value the first time it is seen (see
//!   [`crate::jit::Jit::run_chain`]).
//! - **Limits.** At most `max_states` merge states and `max_ops` operations per unit.
//!   A path that reaches either limit ends with an exit to a new unit that starts at its
//!   state, so the size of one unit is bounded and compilation goes on lazily, only where
//!   the program goes. A unit fails only on an error (an unsupported operation, a value too
//!   large for the frame); the portal then interprets (see [`crate::jit`]).

use crate::cx::Cx;
use crate::jit::Jit;
use crate::word::{Red, Stop, Word};
use backend::{Block, FuncId, FunctionBuilder, Kind, Sig, Value};
use std::collections::HashMap;

/// A merge block and the green values of a state there.
pub type MergeKey = (u32, Vec<u64>);

/// Where a block of the generating extension goes next.
pub enum Next<S> {
    Goto(S),
    /// The portal returns this value (its words).
    Return(Red),
    /// Continue with the state of the case equal to `value`, else `default`.
    Switch {
        value: Word,
        cases: Vec<(i64, S)>,
        default: Option<S>,
    },
    /// Continue with `state` once its promoted green input is set to the run-time
    /// value of `value` (see [`Extension::promoted`]).
    Promote {
        value: Word,
        state: S,
    },
}

/// Why a path stops before its end: the state it stopped at goes to another unit.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cut {
    /// A promotion of a run-time value: the next unit is specialised to the value.
    Promote,
    /// The unit reached a limit.
    Limit,
}

/// The generated part: the states of a portal's generating extension and how to run
/// one block of it.
pub trait Extension {
    type State: Clone + 'static;
    /// Run the block the state is at: green operations run, red ones are emitted.
    fn step(cx: &mut Cx, s: Self::State) -> Result<Next<Self::State>, Stop>;
    /// Whether the state is at a merge block.
    fn is_merge(s: &Self::State) -> bool;
    /// The key of any state whose green values can be keyed (equal keys: the same block
    /// and green values); `None` for the others. Every merge block's states have one.
    fn state_key(s: &Self::State) -> Option<MergeKey>;
    /// The key of a state at a merge block; `None` elsewhere.
    fn merge_key(s: &Self::State) -> Option<MergeKey> {
        if Self::is_merge(s) {
            Self::state_key(s)
        } else {
            None
        }
    }
    /// The state of a [`Next::Promote`] with its promoted input set to `value` (the
    /// value's word).
    fn promoted(s: Self::State, value: u64) -> Self::State;
    /// The red words of a state, in a fixed order for its block.
    fn red_words(s: &Self::State) -> Vec<Word>;
    /// The state with its red words replaced, in [`Extension::red_words`] order.
    fn with_red_words(s: Self::State, words: &mut dyn Iterator<Item = Word>) -> Self::State;
}

/// What compiling a unit made.
#[derive(Clone, Debug, Default)]
pub struct UnitStats {
    pub merge_states: usize,
    pub paths: usize,
    pub operations: usize,
}

/// The limits of one unit.
#[derive(Copy, Clone, Debug)]
pub struct Limits {
    pub max_states: usize,
    pub max_ops: usize,
}

fn kinds(words: &[Word]) -> Vec<Kind> {
    let mut k = vec![Kind::Ptr];
    k.extend(words.iter().map(|w| w.kind()));
    k
}

/// A fresh block for a state: parameters are the frame and the state's red words.
fn block_for<E: Extension>(cx: &mut Cx, s: &E::State) -> (Block, Vec<Value>) {
    let (kinds, args) = block_args::<E>(cx, s);
    (cx.b.create_block(&kinds), args)
}

/// Enter `blk` (created by [`block_for`]): the state's red words become its parameters.
fn enter<E: Extension>(cx: &mut Cx, blk: Block, s: E::State) -> Result<E::State, Stop> {
    cx.b.switch_to(blk)?;
    let params = cx.b.params(blk).to_vec();
    cx.frame = params[0];
    let ks = kinds(&E::red_words(&s));
    let mut it = params[1..]
        .iter()
        .zip(&ks[1..])
        .map(|(v, k)| Word::Var(*v, *k));
    Ok(E::with_red_words(s, &mut it))
}

/// Compile the unit that starts at `start` (whose red words become the function's
/// parameters after the frame pointer). Returns the function, or why it failed.
pub fn compile_unit<E: Extension>(
    jit: &Jit,
    name: &str,
    start: E::State,
    limits: Limits,
) -> Result<(FuncId, UnitStats), String> {
    let words = E::red_words(&start);
    let sig = Sig::new(&kinds(&words), Some(Kind::Int));
    let b = FunctionBuilder::new(name, sig);
    let entry = b.entry();
    let frame = b.params(entry)[0];
    // Paths stop at `max_ops` between blocks; a single block may go beyond, up to a hard
    // limit.
    let mut cx = Cx::new(b, frame, jit, limits.max_ops.saturating_mul(2).max(100_000));
    let mut stats = UnitStats::default();
    let mut merges: HashMap<MergeKey, Option<Block>> = HashMap::new();
    let s = enter::<E>(&mut cx, entry, start).map_err(describe)?;
    let mut pending: Vec<E::State> = vec![s];
    // The first pending state is already in its block; later ones are entered here.
    let mut blocks: Vec<Option<Block>> = vec![None];
    while let Some(s) = pending.pop() {
        let blk = blocks.pop().unwrap();
        let s = match blk {
            Some(b) => enter::<E>(&mut cx, b, s).map_err(describe)?,
            None => s,
        };
        stats.paths += 1;
        let mut more = Vec::new();
        run_path::<E>(&mut cx, s, &mut merges, &mut more, limits).map_err(describe)?;
        for (b, s) in more {
            blocks.push(Some(b));
            pending.push(s);
        }
    }
    stats.merge_states = merges.len();
    stats.operations = cx.emitted();
    let f = cx.b.finish().map_err(|e| format!("backend: {e}"))?;
    let id = jit
        .backend()
        .compile(f)
        .map_err(|e| format!("backend: {e}"))?;
    Ok((id, stats))
}

fn describe(s: Stop) -> String {
    match s {
        Stop::Fail(m) => m,
        Stop::Panic(m, _) => format!("unexpected panic while compiling: {m}"),
    }
}

/// Follow one path from `s` in the current block until it ends.
fn run_path<E: Extension>(
    cx: &mut Cx,
    mut s: E::State,
    merges: &mut HashMap<MergeKey, Option<Block>>,
    pending: &mut Vec<(Block, E::State)>,
    limits: Limits,
) -> Result<(), Stop> {
    loop {
        if cx.emitted() >= limits.max_ops {
            return cut::<E>(cx, Cut::Limit, Word::int(0), s);
        }
        if let Some(key) = E::merge_key(&s) {
            match merges.get(&key) {
                // Seen before and compiled as a block: jump there.
                Some(Some(target)) => {
                    let target = *target;
                    let (_, args) = block_args::<E>(cx, &s);
                    cx.tick()?;
                    cx.b.jump(target, &args)?;
                    return Ok(());
                }
                // Seen once, inline: this key loops. Give it a block (its red words
                // generalised to parameters) and compile it from there.
                Some(None) => {
                    let (blk, args) = block_for::<E>(cx, &s);
                    cx.tick()?;
                    cx.b.jump(blk, &args)?;
                    merges.insert(key, Some(blk));
                    s = enter::<E>(cx, blk, s)?;
                }
                // First time: go on inline, keeping what is known of the red values.
                None => {
                    if merges.len() >= limits.max_states {
                        return cut::<E>(cx, Cut::Limit, Word::int(0), s);
                    }
                    merges.insert(key, None);
                }
            }
        }
        match E::step(cx, s) {
            Ok(Next::Goto(n)) => s = n,
            Ok(Next::Return(words)) => return cx.exit_here(crate::jit::Status::Return, &words),
            Ok(Next::Switch {
                value,
                mut cases,
                default,
            }) => {
                if let Some(c) = value.as_const() {
                    let pos = cases.iter().position(|(v, _)| *v as u64 == c);
                    s = match (pos, default) {
                        (Some(i), _) => cases.swap_remove(i).1,
                        (None, Some(d)) => d,
                        (None, None) => return Err(Stop::fail(format!("no case for value {c}"))),
                    };
                    continue;
                }
                return emit_switch::<E>(cx, value, cases, default, pending);
            }
            Ok(Next::Promote { value, state }) => match value.as_const() {
                Some(c) => s = E::promoted(state, c),
                None => return cut::<E>(cx, Cut::Promote, value, state),
            },
            Err(Stop::Panic(msg, args)) => return cx.exit_panic(&msg, &args),
            Err(e) => return Err(e),
        }
    }
}

/// End the path at `s`: exit to the JIT with the entry point of `s`, `value` (the
/// promoted value, or 0) and the red words of `s`.
fn cut<E: Extension>(cx: &mut Cx, why: Cut, value: Word, s: E::State) -> Result<(), Stop> {
    let words = E::red_words(&s);
    if words.len() + 2 > crate::frame::FRAME_WORDS {
        return Err(Stop::fail(format!(
            "a state with {} red words does not fit the JIT frame",
            words.len()
        )));
    }
    let id = cx.jit.entry_point::<E>(s, why);
    let mut out = vec![Word::int(id as i64), value];
    out.extend(words);
    cx.exit_here(crate::jit::Status::Continue, &out)
}

/// The parameter kinds of a block for `s` and the arguments that enter it: the frame
/// and the state's red words.
fn block_args<E: Extension>(cx: &mut Cx, s: &E::State) -> (Vec<Kind>, Vec<Value>) {
    let words = E::red_words(s);
    let mut args = vec![cx.frame];
    for w in &words {
        let v = cx.val(*w);
        args.push(v);
    }
    (kinds(&words), args)
}

/// End the block with a switch on the run-time `value`.
fn emit_switch<E: Extension>(
    cx: &mut Cx,
    value: Word,
    cases: Vec<(i64, E::State)>,
    default: Option<E::State>,
    pending: &mut Vec<(Block, E::State)>,
) -> Result<(), Stop> {
    let v = cx.val(value);
    let mut targets: Vec<(Option<i64>, E::State)> =
        cases.into_iter().map(|(c, s)| (Some(c), s)).collect();
    if let Some(d) = default {
        targets.push((None, d));
    }
    // A two-way switch on 0/1 is a branch.
    if targets.len() == 2 && targets.iter().all(|(c, _)| matches!(c, Some(0) | Some(1))) {
        let (c0, s0) = targets.remove(0);
        let (_, s1) = targets.remove(0);
        let (then_s, else_s) = if c0 == Some(1) { (s0, s1) } else { (s1, s0) };
        let (tb, ta) = block_for::<E>(cx, &then_s);
        let (eb, ea) = block_for::<E>(cx, &else_s);
        cx.tick()?;
        cx.b.branch(v, tb, &ta, eb, &ea)?;
        pending.push((eb, else_s));
        pending.push((tb, then_s));
        return Ok(());
    }
    let last = targets.len() - 1;
    for (i, (c, s)) in targets.into_iter().enumerate() {
        let (blk, args) = block_for::<E>(cx, &s);
        if i == last {
            cx.tick()?;
            cx.b.jump(blk, &args)?;
        } else {
            let c = c.expect("the default case is last");
            let cond = cx.bin_i(backend::BinOp::Eq, v, c)?;
            cx.tick()?;
            cx.b.exit_if(cond, blk, &args)?;
        }
        pending.push((blk, s));
    }
    Ok(())
}
