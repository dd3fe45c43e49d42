//! Compiling paths: from a start state, follow every path of the generating extension,
//! emitting code, until every path has ended in a return, a panic, an exit to the JIT
//! or a jump to a block compiled already. A unit is a function compiled this way; a
//! case of a promotion switch is a fragment of one.
//!
//! - **Merging.** A state at a merge block (the global merge point and every loop header
//!   of the portal) is looked up by its [`MergeKey`]: the block, the values of its green
//!   variables and the shapes of its vectors. The first state with a key is compiled in
//!   line, keeping constants it knows; the second gets a backend block whose parameters
//!   are the state's red words, and every later one jumps there. A path that meets a key
//!   it passed itself forgets the keys it passed since, so a loop body is compiled once
//!   more in line from the new block rather than as a block per bytecode.
//! - **Splitting.** A switch on a run-time value keeps its first case (the likely one,
//!   as the translator orders them) in the current block; the other cases leave through
//!   conditional exits. A constant picks its case while compiling.
//!   By default every exit goes to a block compiled with the unit (a pending path).
//! - **Lazy side exits** ([`Limits::lazy_exits`]). Such an exit goes to a stub instead:
//!   a flexswitch with no case yet, like a promotion switch's. The first time the exit
//!   is taken, the case's path is compiled as a fragment of the same function and
//!   patched in (see [`case_switch`]); a path never taken is never compiled.
//! - **Promotion.** A promoted constant picks the continuation while compiling; a
//!   run-time value ends the path with a flexswitch whose cases are compiled the first
//!   time each value arrives (see [`promotion_switch`]).
//! - **Limits.** At most `max_states` merge states and `max_ops` operations per unit. A
//!   path that reaches either limit ends with an exit to a new unit that starts at its
//!   state, so the size of one unit is bounded. A unit fails only on an error (an
//!   unsupported operation, a value too large for the frame); the portal then
//!   interprets (see [`crate::jit`]).

use crate::cx::{Allocated, Cx};
use crate::frozen::{
    block_args, enter, freeze, freeze_entry, live_shape_key, memory_args, param_kinds,
    remembered_args,
};
pub use crate::frozen::{frozen_key, Frozen, Index, MergeBlock};
use crate::jit::{Engine, Jit, Unit, UnitError};
use crate::ops::helper;
use crate::word::{Red, Stop, Word};
use backend::{Block, FunctionBuilder, Kind, Sig, Value};
use std::rc::Rc;

/// A merge block and the green values of a state there.
pub type MergeKey = (u32, Vec<u64>);

/// Where a block of the generating extension goes next.
pub enum Next<S> {
    Goto(S),
    /// The portal returns this value (its words).
    Return(Red),
    /// Continue with the state of the case equal to `value`, else `default`. The first
    /// case goes on in line (the likely one), or with `default_first` the default
    /// (when every case is unlikely); the others leave through side exits.
    Switch {
        value: Word,
        cases: Vec<(i64, S)>,
        default: Option<S>,
        default_first: bool,
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
    /// A side exit whose path is compiled when first taken. Its state keeps the
    /// constants it knows, so its entry point is its own (never shared by key).
    Lazy,
    /// A merge key that is not hot, met by a unit entered from the plain interpreter:
    /// the interpreter goes on from its merge point with the state's values.
    Interp,
}

/// The generated part: the states of a portal's generating extension and how to run
/// one block of it.
pub trait Extension {
    type State: Clone + 'static;
    /// Run the block the state is at: green operations run, red ones are emitted.
    fn step(cx: &mut Cx, s: Self::State) -> Result<Next<Self::State>, Stop>;
    /// Whether the state is at a merge block.
    fn is_merge(s: &Self::State) -> bool;
    /// Whether the state is at the block of `global_merge_point!`, where the plain
    /// interpreter can go on with its values (only when the frontend has a merge hook).
    fn is_global_merge(_s: &Self::State) -> bool {
        false
    }
    /// Whether running the state's block emits nothing: it runs green operations only
    /// and goes on to one state ([`Next::Goto`]) or returns ([`Next::Return`]), unless a
    /// green operation panics.
    fn is_silent(_s: &Self::State) -> bool {
        false
    }
    /// The key of any state whose green values can be keyed (equal keys: the same block
    /// and green values); `None` for the others. Every merge block's states have one.
    fn state_key(s: &Self::State) -> Option<MergeKey>;
    /// The hash the plain interpreter counts passes of the state's merge point under,
    /// when it is not the state key's [`crate::hot::key_hash`]: the merge point counts
    /// on its greens (those it lists, else the variables named like a green of the
    /// portal; see [`crate::hot`]). `None` elsewhere.
    fn count_hash(_s: &Self::State) -> Option<u64> {
        None
    }
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
    /// Time spent following paths and emitting operations.
    pub paths_time: std::time::Duration,
    /// Time spent finishing (checking and optimising) the function.
    pub finish_time: std::time::Duration,
    /// Time the backend took to compile the function.
    pub backend_time: std::time::Duration,
}

/// The limits of one unit, and how it treats side exits.
#[derive(Copy, Clone, Debug)]
pub struct Limits {
    pub max_states: usize,
    pub max_ops: usize,
    /// Compile the paths of side exits when they are first taken (else with the unit).
    pub lazy_exits: bool,
    /// End paths at merge keys of the global merge point that are not warm with an
    /// exit to the plain interpreter (see [`Cut::Interp`]); else compile them in line.
    pub interp_exits: bool,
    /// See [`crate::jit::Options::run_on`].
    pub run_on: usize,
    /// Give the start state a merge block even when the function has none for its key
    /// yet (an entry from the interpreter: see [`compile_entry`]).
    pub block_at_start: bool,
}

/// Compile the unit that starts at `start` for `engine`. Returns the unit, or why it
/// failed. A unit takes only the frame pointer: its entry loads the red words of
/// `start` from the frame's `out`, from `frame::ENTRY_WORDS_AT` on, where the exit that leads
/// to it left them (so a unit takes as many words as the frame holds, whatever the
/// calling convention allows).
pub fn compile_unit<E: Extension>(
    jit: &Jit,
    engine: Engine,
    name: &str,
    start: Frozen<E::State>,
    limits: Limits,
) -> Result<(Unit, UnitStats), UnitError> {
    let kinds = entry_kinds::<E>(&start).map_err(UnitError::Paths)?;
    let backend_error = |e: backend::BuildError| UnitError::Paths(format!("backend: {e}"));
    let mut b = FunctionBuilder::new(name, Sig::new(&[Kind::Ptr], Some(Kind::Int)));
    let entry = b.entry();
    let frame = b.params(entry)[0];
    // A unit the interpreter enters may later be entered at its other merge blocks: its
    // entry switches on the frame's entry case, whose cases are those entries (see
    // `compile_entry`), and whose default is the unit's own start.
    let entries = if limits.interp_exits {
        let own = b.create_block(&[Kind::Ptr]);
        let case = b
            .load(
                backend::MemType::I64,
                frame,
                crate::frame::Frame::entry_case_offset(),
            )
            .map_err(backend_error)?;
        let switch = b
            .flexswitch(case, &[frame], own, &[frame])
            .map_err(backend_error)?;
        b.switch_to(own).map_err(backend_error)?;
        Some(switch)
    } else {
        None
    };
    let first = load_entry_words(&mut b, &kinds).map_err(backend_error)?;
    let none = Merges::default();
    let mut merges = MergeTable::over(&none);
    let (f, mut stats, sites) =
        compile_paths::<E>(jit, b, first, start, &mut merges, limits, Allocated::Once)
            .map_err(UnitError::Paths)?;
    let t = std::time::Instant::now();
    let func = jit
        .engine(engine)
        .compile(f)
        .map_err(|e| UnitError::Backend(e.to_string()))?;
    stats.backend_time = t.elapsed();
    let native = jit.engine(engine).native_entry(func).unwrap_or(0);
    let unit = Unit {
        engine,
        func,
        native,
        entry: 0,
    };
    jit.put_merges(unit, merges.added);
    jit.compiled_sites(unit, &sites);
    if let Some(switch) = entries {
        jit.entered_function::<E>(unit, switch);
    }
    Ok((unit, stats))
}

/// The parameter kinds of a block that starts at `start` (the frame first), when its red
/// words fit the frame's `out`, where a unit or an entry finds them.
fn entry_kinds<E: Extension>(start: &Frozen<E::State>) -> Result<Vec<Kind>, String> {
    let kinds = param_kinds::<E>(start);
    if !crate::frame::entry_fits(kinds.len() - 1) {
        return Err(format!(
            "a state with {} red words does not fit the JIT frame",
            kinds.len() - 1
        ));
    }
    Ok(kinds)
}

/// End the current block (whose first parameter is the frame) with loads of the red
/// words of a unit's start from the frame's `out` (from `frame::ENTRY_WORDS_AT` on) and
/// a jump to a new block that takes them, of `kinds` (the frame first); returns it.
fn load_entry_words(b: &mut FunctionBuilder, kinds: &[Kind]) -> Result<Block, backend::BuildError> {
    let here = b
        .current_block()
        .ok_or(backend::BuildError::NoCurrentBlock)?;
    let frame = b.params(here)[0];
    let first = b.create_block(kinds);
    let mut args = vec![frame];
    for (i, k) in kinds[1..].iter().enumerate() {
        let at = 8 * (crate::frame::ENTRY_WORDS_AT + i) as i32;
        args.push(b.load(crate::cx::word_mem(*k), frame, at)?);
    }
    b.jump(first, &args)?;
    Ok(first)
}

/// Compile an entry of function `func` (a unit the interpreter enters) at `start`, a
/// state of the global merge point, as the case `case` of the function's entry switch
/// `switch` (see [`compile_unit`]): it loads the state's words as a unit does and goes
/// to the state's merge block, made when the function has none for it yet, so the
/// function's other paths that meet the state (a stub's bridge) jump there too. What
/// the function compiled already is not compiled again.
pub fn compile_entry<E: Extension>(
    jit: &Jit,
    func: Unit,
    switch: backend::SwitchId,
    case: u32,
    start: Frozen<E::State>,
    limits: Limits,
) -> Result<UnitStats, String> {
    let kinds = entry_kinds::<E>(&start)?;
    let backend = jit.engine(func.engine);
    let mut b = backend
        .case_builder(func.func, switch)
        .map_err(|e| format!("backend: {e}"))?;
    let first = load_entry_words(&mut b, &kinds).map_err(|e| format!("backend: {e}"))?;
    let limits = Limits {
        block_at_start: true,
        ..limits
    };
    compile_fragment::<E>(
        jit,
        func,
        switch,
        case as i64,
        b,
        first,
        start,
        limits,
        Allocated::Once,
    )
}

/// Compile the case `value` of the switch `switch` (in function `func`, whose entry
/// point state is `start`, before promotion when `promote`) and patch it in. The case
/// may jump to the merge blocks the function has already, and give a block to a merge
/// state the function compiled in line.
pub fn compile_case<E: Extension>(
    jit: &Jit,
    func: Unit,
    switch: backend::SwitchId,
    value: u64,
    start: Frozen<E::State>,
    promote: bool,
    limits: Limits,
) -> Result<UnitStats, String> {
    let backend = jit.engine(func.engine);
    let b = backend
        .case_builder(func.func, switch)
        .map_err(|e| format!("backend: {e}"))?;
    let start = if promote {
        start.promoted::<E>(value)
    } else {
        start
    };
    let entry = b.entry();
    compile_fragment::<E>(
        jit,
        func,
        switch,
        value as i64,
        b,
        entry,
        start,
        limits,
        Allocated::Maybe,
    )
}

/// Follow the paths from `start`, entered at block `entry` of fragment builder `b`, as
/// the case `value` of `switch` in function `func`, against the function's merge
/// states, and patch it in; the function's table takes what the fragment added only
/// once it is compiled (a failed fragment leaves no trace).
#[allow(clippy::too_many_arguments)]
fn compile_fragment<E: Extension>(
    jit: &Jit,
    func: Unit,
    switch: backend::SwitchId,
    value: i64,
    b: FunctionBuilder,
    entry: Block,
    start: Frozen<E::State>,
    limits: Limits,
    allocated: Allocated,
) -> Result<UnitStats, String> {
    let backend = jit.engine(func.engine);
    let mut base = jit.take_merges(func);
    let mut merges = MergeTable::over(&base);
    let compiled = compile_paths::<E>(jit, b, entry, start, &mut merges, limits, allocated)
        .and_then(|(f, stats, sites)| {
            backend
                .add_case(func.func, switch, value, f)
                .map_err(|e| format!("backend: {e}"))?;
            Ok((stats, sites))
        });
    let changes = merges.into_changes();
    if compiled.is_ok() {
        changes.apply(&mut base);
    }
    jit.put_merges(func, base);
    let (stats, sites) = compiled?;
    jit.compiled_sites(func, &sites);
    Ok(stats)
}

/// Follow every path from `start`, entered at block `entry`, and finish the
/// function or fragment. Returns it, what was compiled, and the promotion switches made.
/// `allocated`: what code before `entry` allocated in the frame since it left a merge
/// block (a case follows the code before its switch; a unit starts where the frame is
/// pinned).
fn compile_paths<E: Extension>(
    jit: &Jit,
    b: FunctionBuilder,
    entry: Block,
    start: Frozen<E::State>,
    merges: &mut MergeTable,
    limits: Limits,
    allocated: Allocated,
) -> Result<(backend::Function, UnitStats, Vec<u64>), String> {
    let frame = b.params(entry)[0];
    // Paths stop at `max_ops` between blocks; a single block may go beyond, up to a hard
    // limit.
    let mut cx = Cx::new(b, frame, jit, limits.max_ops.saturating_mul(2).max(100_000));
    cx.interp_exits = limits.interp_exits;
    let mut stats = UnitStats::default();
    let t = std::time::Instant::now();
    let mut pending: Vec<Pending<E::State>> = vec![Pending {
        block: entry,
        state: start,
        history: History::default(),
        allocated,
    }];
    // The start is compiled in line whatever its key's count: it is hot (a unit or a
    // bridge is compiled there because it is).
    let mut at_start = true;
    while let Some(p) = pending.pop() {
        let s = enter::<E>(&mut cx, p.block, p.state).map_err(describe)?;
        cx.allocated = p.allocated;
        stats.paths += 1;
        let start = std::mem::take(&mut at_start);
        run_path::<E>(&mut cx, s, p.history, merges, &mut pending, limits, start)
            .map_err(describe)?;
    }
    stats.merge_states = merges.added.len();
    stats.operations = cx.emitted();
    let sites = std::mem::take(&mut cx.sites);
    stats.paths_time = t.elapsed();
    let t = std::time::Instant::now();
    let f = cx.b.finish().map_err(|e| format!("backend: {e}"))?;
    stats.finish_time = t.elapsed();
    Ok((f, stats, sites))
}

/// Merge states seen in a unit: `None` for a key compiled inline once so far, the block
/// of a key that has one.
pub type Merges = backend::FastMap<MergeKey, Option<MergeBlock>>;

/// The merge states a compilation sees: those of the function so far (`base`, which it
/// does not change) and what it adds or forgets, which the JIT applies to the function's
/// table only once the code is compiled (a failed fragment leaves no trace).
pub(crate) struct MergeTable<'m> {
    base: &'m Merges,
    added: Merges,
    /// Keys of `base` compiled in line that this compilation forgets (see [`run_path`]).
    forgotten: backend::FastSet<MergeKey>,
}

/// What a compilation changed in a function's merge states (see [`MergeTable`]).
pub(crate) struct MergeChanges {
    added: Merges,
    forgotten: backend::FastSet<MergeKey>,
}

impl MergeChanges {
    pub(crate) fn apply(self, base: &mut Merges) {
        for k in &self.forgotten {
            base.remove(k);
        }
        base.extend(self.added);
    }
}

impl<'m> MergeTable<'m> {
    pub(crate) fn over(base: &'m Merges) -> Self {
        MergeTable {
            base,
            added: Merges::default(),
            forgotten: Default::default(),
        }
    }

    fn get(&self, k: &MergeKey) -> Option<&Option<MergeBlock>> {
        match self.added.get(k) {
            Some(e) => Some(e),
            None if self.forgotten.contains(k) => None,
            None => self.base.get(k),
        }
    }

    fn insert(&mut self, k: MergeKey, e: Option<MergeBlock>) {
        self.forgotten.remove(&k);
        self.added.insert(k, e);
    }

    /// Forget `k` when it was compiled in line (it has no block).
    fn forget_inline(&mut self, k: &MergeKey) {
        if matches!(self.get(k), Some(None)) {
            self.added.remove(k);
            if self.base.contains_key(k) {
                self.forgotten.insert(k.clone());
            }
        }
    }

    /// How many states the function has (an estimate: at least the real number).
    fn len(&self) -> usize {
        self.base.len() + self.added.len()
    }

    fn into_changes(self) -> MergeChanges {
        MergeChanges {
            added: self.added,
            forgotten: self.forgotten,
        }
    }
}

/// A path to compile: a block made for a state, and the merge keys the path passed
/// inline since it last entered a merge block (its *history*).
struct Pending<S> {
    block: Block,
    state: Frozen<S>,
    history: History,
    /// What the path that made it allocated since its last merge block.
    allocated: Allocated,
}

/// The merge keys a path passed inline since it last entered a merge block, newest
/// first. Paths split from one share what it had (a persistent list).
#[derive(Clone, Default)]
struct History(Option<Rc<HistoryNode>>);

struct HistoryNode {
    key: MergeKey,
    before: History,
}

impl History {
    fn push(&mut self, key: MergeKey) {
        let before = std::mem::take(self);
        *self = History(Some(Rc::new(HistoryNode { key, before })));
    }

    fn contains(&self, key: &MergeKey) -> bool {
        let mut at = &self.0;
        while let Some(n) = at {
            if n.key == *key {
                return true;
            }
            at = &n.before.0;
        }
        false
    }

    /// The keys passed after `key`, if the path passed `key`.
    fn since(&self, key: &MergeKey) -> Option<Vec<MergeKey>> {
        let mut out = Vec::new();
        let mut at = &self.0;
        while let Some(n) = at {
            if n.key == *key {
                return Some(out);
            }
            out.push(n.key.clone());
            at = &n.before.0;
        }
        None
    }
}

fn describe(s: Stop) -> String {
    match s {
        Stop::Fail(m) => m,
        Stop::Panic(m, _) => format!("unexpected panic while compiling: {m}"),
    }
}

/// Follow one path from `s` in the current block until it ends.
///
/// A key seen once and met again gets a block (the loop it closes is compiled from
/// there). When the path itself passed that key inline (a loop), the keys it passed
/// since then are forgotten, so the loop body is compiled once more inline from the new
/// block instead of giving each of them a block of its own.
fn run_path<E: Extension>(
    cx: &mut Cx,
    mut s: E::State,
    mut history: History,
    merges: &mut MergeTable,
    pending: &mut Vec<Pending<E::State>>,
    limits: Limits,
    mut at_start: bool,
) -> Result<(), Stop> {
    let mut run_on = 0;
    loop {
        let start = std::mem::take(&mut at_start);
        if cx.emitted() >= limits.max_ops {
            return cut::<E>(cx, Cut::Limit, Word::int(0), s);
        }
        if let Some((block, mut greens)) = E::merge_key(&s) {
            live_shape_key::<E>(cx, &s, &mut greens)?;
            let key = (block, greens);
            let found = match merges.get(&key) {
                None if start && limits.block_at_start => Some(&None),
                found => found,
            };
            match found {
                // Seen before and compiled as a block: jump there, or to the key's
                // general block when this state lacks a constant the block keeps.
                Some(Some(target)) => {
                    let target = target.clone();
                    let (frozen, words) = freeze::<E>(cx, s.clone(), false, true)?;
                    if let Some(kept) = fit(&target.consts, &words) {
                        let mut args = vals(cx, &kept)?;
                        args.extend(memory_args::<E>(cx, &frozen, &target.memory)?);
                        return jump_to_merge(cx, &target, &args);
                    }
                    // The key's other blocks: one keeping the constants the first
                    // state that did not fit shared with `target`, and one taking
                    // every word. So a key has at most three blocks.
                    let (shared, full) = (general_key(&key, 1), general_key(&key, 2));
                    for k in [&shared, &full] {
                        if let Some(Some(g)) = merges.get(k) {
                            let g = g.clone();
                            if let Some(kept) = fit(&g.consts, &words) {
                                let mut args = vals(cx, &kept)?;
                                args.extend(memory_args::<E>(cx, &frozen, &g.memory)?);
                                return jump_to_merge(cx, &g, &args);
                            }
                        }
                    }
                    let (gkey, keep) = match merges.get(&shared) {
                        Some(Some(_)) => (full, Vec::new()),
                        _ => {
                            let keep: Vec<bool> = target
                                .consts
                                .iter()
                                .zip(&words)
                                .map(|(c, w)| c.as_ref() == Some(w))
                                .collect();
                            (shared, keep)
                        }
                    };
                    forget_since(&mut history, &key, merges);
                    s = new_merge_block::<E>(cx, s, gkey, &words, &keep, merges)?;
                    history = History::default();
                    history.push(key);
                    run_on = limits.run_on;
                }
                // Seen once, inline: give it a block and compile it from there.
                // Compiled in line by another path, and this path came from a block it
                // made a few keys ago: go on in line (`Limits::run_on`: giving each
                // of them a block would cut the code after a join into a block per
                // state, where nothing else enters most of them; a later path that
                // meets one makes its block then, so a state is compiled at most that
                // many times more).
                Some(None) if run_on > 0 && !history.contains(&key) => {
                    run_on -= 1;
                    history.push(key);
                }
                // The block keeps the constants this state has (a length derived from
                // a vector's shape, a value's tag): states that have them too jump
                // there, others go to the key's general block, made when first needed,
                // whose parameters are every red word. So a key has at most two blocks.
                Some(None) => {
                    let (_, all) = freeze::<E>(cx, s.clone(), false, true)?;
                    let keep: Vec<bool> = all.iter().map(|w| w.as_const().is_some()).collect();
                    forget_since(&mut history, &key, merges);
                    s = new_merge_block::<E>(cx, s, key.clone(), &all, &keep, merges)?;
                    history = History::default();
                    history.push(key);
                    run_on = limits.run_on;
                }
                // A key the interpreter never passed, in a unit entered from it: a stub
                // that exits to the interpreter there.
                None if limits.interp_exits
                    && !start
                    && E::is_global_merge(&s)
                    && !cx.jit.warm(merge_hash::<E>(&s)) =>
                {
                    return interp_stub::<E>(cx, s, merges);
                }
                // First time: go on inline, keeping what is known of the red values.
                None => {
                    if merges.len() >= limits.max_states {
                        return cut::<E>(cx, Cut::Limit, Word::int(0), s);
                    }
                    merges.insert(key.clone(), None);
                    history.push(key);
                }
            }
        }
        match E::step(cx, s) {
            Ok(Next::Goto(n)) => s = n,
            Ok(Next::Return(words)) => return cx.exit_jump(crate::jit::Status::Return, &words),
            Ok(Next::Switch {
                value,
                mut cases,
                default,
                default_first,
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
                let default = default.map(|d| (d, default_first));
                s = emit_switch::<E>(cx, value, cases, default, &history, merges, pending, limits)?;
            }
            Ok(Next::Promote { value, state }) => match value.as_const() {
                Some(c) => s = E::promoted(state, c),
                None => return promotion_switch::<E>(cx, value, state, merges),
            },
            Err(Stop::Panic(msg, args)) => return cx.exit_panic(&msg, &args),
            Err(e) => return Err(e),
        }
    }
}

/// The key of another block `n` (1 or 2) of merge key `key` (see [`run_path`]): its
/// words end a shape key as no shape does.
fn general_key(key: &MergeKey, n: u64) -> MergeKey {
    let mut g = key.1.clone();
    g.extend([u64::MAX, u64::MAX - n]);
    (key.0, g)
}

/// Jump from the current block to a new merge block for state `s` (whose words, all of
/// them, are `all`), stored under `key`: it keeps the constants at the positions `keep`
/// marks (none when `keep` is empty), and takes the other words as parameters (its
/// remembered elements too). Returns the state in the new block.
fn new_merge_block<E: Extension>(
    cx: &mut Cx,
    s: E::State,
    key: MergeKey,
    all: &[Word],
    keep: &[bool],
    merges: &mut MergeTable,
) -> Result<E::State, Stop> {
    let keeping = keep.iter().any(|k| *k);
    let s = if keeping {
        crate::frozen::unkeep::<E>(cx, s, keep)?
    } else {
        s
    };
    let (mut frozen, words) = freeze::<E>(cx, s, keeping, true)?;
    if keeping {
        // Remembered elements stay parameters: a later state may hold other values.
        frozen.memory.retain(|m| m.2.as_const().is_none());
    }
    let blk = cx.b.create_block(&param_kinds::<E>(&frozen));
    let args = block_args::<E>(cx, &frozen, &words)?;
    let memory = frozen.memory.iter().map(|m| (m.0, m.1)).collect();
    let consts = if keeping {
        all.iter().zip(keep).map(|(w, k)| k.then_some(*w)).collect()
    } else {
        Vec::new()
    };
    let mb = MergeBlock {
        block: blk,
        memory,
        consts,
    };
    jump_to_merge(cx, &mb, &args)?;
    merges.insert(key, Some(mb));
    let s = enter::<E>(cx, blk, frozen)?;
    cx.allocated = Allocated::Nothing;
    Ok(s)
}

/// Jump to merge block `mb` with `args`. A path that may have allocated first checks
/// whether the frame is due a sweep ([`crate::frame::sweep`]), and if so goes through
/// the block's sweep block, which gives the sweep the jump's words (the block's roots)
/// and the constants the block keeps, then enters the block. One sweep block per merge
/// block and compilation; the check costs a load and a branch.
fn jump_to_merge(cx: &mut Cx, mb: &MergeBlock, args: &[Value]) -> Result<(), Stop> {
    if cx.allocated == Allocated::Maybe {
        let sweep = match cx.sweeps.get(&mb.block) {
            Some(b) => *b,
            None => sweep_block(cx, mb, args)?,
        };
        cx.tick()?;
        let due = cx.b.load(
            backend::MemType::I64,
            args[0],
            crate::frame::Frame::sweep_due_offset(),
        )?;
        cx.tick()?;
        cx.b.exit_if(due, sweep, args)?;
    }
    cx.tick()?;
    cx.b.jump(mb.block, args)?;
    Ok(())
}

/// The block that sweeps the frame and enters merge block `mb` (see [`jump_to_merge`]),
/// with parameters of the kinds of `args`; made in place, leaving the current block
/// current.
fn sweep_block(cx: &mut Cx, mb: &MergeBlock, args: &[Value]) -> Result<Block, Stop> {
    let here =
        cx.b.current_block()
            .ok_or_else(|| Stop::fail("a jump outside a block"))?;
    let kinds = args
        .iter()
        .map(|a| cx.b.kind(*a))
        .collect::<Result<Vec<_>, _>>()?;
    let blk = cx.b.create_private_block(&kinds);
    cx.b.switch_to(blk)?;
    let params = cx.b.params(blk).to_vec();
    let fr = params[0];
    let mut roots: Vec<Value> = params[1..]
        .iter()
        .copied()
        .filter(|p| cx.b.kind(*p).is_ok_and(|k| k != Kind::Float))
        .collect();
    for w in mb.consts.iter().flatten() {
        if let Word::Const(c, k) = *w {
            if k != Kind::Float {
                roots.push(cx.b.iconst(c as i64));
            }
        }
    }
    let add = helper(
        "sweep_roots",
        crate::frame::sweep_roots as *const () as usize,
        &[Kind::Ptr, Kind::Int],
        None,
    );
    for chunk in roots.chunks(crate::frame::FRAME_WORDS) {
        for (i, r) in chunk.iter().enumerate() {
            let mt = crate::cx::word_mem(cx.b.kind(*r)?);
            cx.tick()?;
            cx.b.store(mt, fr, 8 * i as i32, *r)?;
        }
        let n = cx.b.iconst(chunk.len() as i64);
        cx.tick()?;
        cx.b.call(&add, &[fr, n])?;
    }
    let sweep = helper(
        "sweep",
        crate::frame::sweep as *const () as usize,
        &[Kind::Ptr],
        None,
    );
    cx.tick()?;
    cx.b.call(&sweep, &[fr])?;
    cx.tick()?;
    cx.b.jump(mb.block, &params)?;
    cx.b.switch_to(here)?;
    cx.sweeps.insert(mb.block, blk);
    Ok(blk)
}

/// When the path meets `key` after passing it itself (a loop), forget the keys compiled
/// in line since then: the loop body is compiled again from the new block.
fn forget_since(history: &mut History, key: &MergeKey, merges: &mut MergeTable) {
    if let Some(after) = history.since(key) {
        for k in &after {
            merges.forget_inline(k);
        }
    }
}

/// The words of a state (all of them, constants included) that a merge block keeping
/// the constants `consts` takes as parameters; `None` when the state lacks one of those
/// constants. A general block (no `consts`) takes them all.
fn fit(consts: &[Option<Word>], words: &[Word]) -> Option<Vec<Word>> {
    if consts.is_empty() {
        return Some(words.to_vec());
    }
    if consts.len() != words.len() {
        return None;
    }
    let mut kept = Vec::with_capacity(words.len());
    for (c, w) in consts.iter().zip(words) {
        match c {
            Some(c) if c != w => return None,
            Some(_) => {}
            None => kept.push(*w),
        }
    }
    Some(kept)
}

fn vals(cx: &mut Cx, words: &[Word]) -> Result<Vec<Value>, Stop> {
    let mut args = vec![cx.frame];
    for w in words {
        args.push(cx.val(*w)?);
    }
    Ok(args)
}

/// The hot-counter hash of merge state `s` (as the plain interpreter computes it from
/// its variables).
fn merge_hash<E: Extension>(s: &E::State) -> u64 {
    if let Some(h) = E::count_hash(s) {
        return h;
    }
    match E::state_key(s) {
        Some((block, greens)) => crate::hot::key_hash(block, &greens),
        None => 0,
    }
}

/// End the path at merge state `s` with a stub: a switch without cases whose misses
/// count the key and exit to the plain interpreter, every virtual value allocated and
/// the state's red words in order after its entry point ([`Status::Interp`]). Once the
/// key is hot, the miss compiles the path from there as a case of the switch (a
/// bridge, which may jump to this function's merge blocks) instead.
///
/// [`Status::Interp`]: crate::jit::Status::Interp
fn interp_stub<E: Extension>(
    cx: &mut Cx,
    s: E::State,
    merges: &mut MergeTable,
) -> Result<(), Stop> {
    // The interpreter takes values: virtual vectors and structs are allocated, except
    // sized vectors (allocated already), which stay sized for the bridge and for the
    // unit of this key (see `Jit::merge_unit`); the interpreter gets their pointers
    // (`Jit::interp_words`).
    let mut words = Vec::new();
    for w in E::red_words(&s) {
        let w = cx.resolve(w);
        words.push(if cx.sized_vec(w).is_some() {
            w
        } else {
            cx.concrete(w)?
        });
    }
    let s = E::with_red_words(s, &mut words.into_iter());
    let (frozen, words) = freeze::<E>(cx, s, false, false)?;
    if !crate::frame::entry_fits(words.len()) {
        return Err(Stop::fail(format!(
            "an exit to the interpreter with {} words does not fit the JIT frame",
            words.len()
        )));
    }
    let kinds = param_kinds::<E>(&frozen);
    let entry = cx.jit.entry_point::<E>(frozen, Cut::Interp, true);
    let args = vals(cx, &words)?;
    let p = entry_switch::<E>(cx, merges, &kinds, entry, false, crate::jit::Status::Interp)?;
    cx.tick()?;
    cx.b.jump(p, &args)?;
    Ok(())
}

/// The block of the switch of entry point `entry` in this function (see
/// [`case_switch`]), made the first time: one per entry point, so a path that comes
/// back (a loop through it) jumps to the same switch.
fn entry_switch<E: Extension>(
    cx: &mut Cx,
    merges: &mut MergeTable,
    kinds: &[Kind],
    entry: u64,
    promoted: bool,
    miss: crate::jit::Status,
) -> Result<Block, Stop> {
    let key = switch_key(entry);
    if let Some(Some(p)) = merges.get(&key) {
        return Ok(p.block);
    }
    let p = case_switch::<E>(cx, kinds, entry, promoted, miss)?;
    merges.insert(
        key,
        Some(MergeBlock {
            block: p,
            memory: Vec::new(),
            consts: Vec::new(),
        }),
    );
    Ok(p)
}

/// End the path at `s`: exit to the JIT with the entry point of `s`, `value` (the
/// promoted value, or 0) and the words of `s` frozen.
fn cut<E: Extension>(cx: &mut Cx, why: Cut, value: Word, s: E::State) -> Result<(), Stop> {
    let (frozen, words) = freeze_entry::<E>(cx, s)?;
    let id = cx.jit.entry_point::<E>(frozen, why, cx.interp_exits);
    let mut out = vec![Word::int(id as i64), value];
    out.extend(words);
    cx.exit_jump(crate::jit::Status::Continue, &out)
}

/// End the path with a promotion switch on the run-time `value`, to go on at `s` once
/// its promoted input is set (see [`case_switch`]). The first time a value arrives,
/// `promote_case` compiles the case for it and patches it into the switch. A full
/// switch (see [`crate::jit::Options::max_cases`]) or a case that cannot be compiled
/// sends the value the generic way: an exit to the JIT, which runs the continuation
/// unit for the value.
fn promotion_switch<E: Extension>(
    cx: &mut Cx,
    value: Word,
    s: E::State,
    merges: &mut MergeTable,
) -> Result<(), Stop> {
    let (frozen, words) = freeze_entry::<E>(cx, s)?;
    let kinds = param_kinds::<E>(&frozen);
    let entry = cx
        .jit
        .entry_point::<E>(frozen, Cut::Promote, cx.interp_exits);
    let mut args = vals(cx, &words)?;
    args.push(cx.val(value)?);
    let p = entry_switch::<E>(
        cx,
        merges,
        &kinds,
        entry,
        true,
        crate::jit::Status::Continue,
    )?;
    cx.tick()?;
    cx.b.jump(p, &args)?;
    Ok(())
}

/// A new block `P` ending in a switch whose cases are compiled when first needed, to go
/// on at entry point `entry`; the current block and frame stay as they were. `P` takes
/// `kinds` (the frame pointer, then the entry's words) and, when `promoted`, the value
/// to switch on; a lazy side exit switches on 0 instead:
///
/// ```text
/// P(frame, words.., value): flexswitch value [frame, words..] default D
/// D(frame, words.., value): st = promote_case(jit, site, value)
///                           exit_if st != 0 -> exit Continue(entry, value, words..)
///                           jump P(frame, words.., value)
/// ```
///
/// `promote_case` compiles the case and patches it in; the jump back to `P` then takes
/// it. A stub of an exit to the interpreter exits with `miss` = `Status::Interp`
/// instead of `Continue` while its key is cold.
fn case_switch<E: Extension>(
    cx: &mut Cx,
    kinds: &[Kind],
    entry: u64,
    promoted: bool,
    miss: crate::jit::Status,
) -> Result<Block, Stop> {
    let here = cx.b.current_block();
    let saved_frame = cx.frame;
    let mut kinds = kinds.to_vec();
    if promoted {
        kinds.push(Kind::Int);
    }
    let n = if promoted {
        kinds.len() - 1
    } else {
        kinds.len()
    };
    let p = cx.b.create_block(&kinds);
    let d = cx.b.create_block(&kinds);
    cx.b.switch_to(p)?;
    let pp = cx.b.params(p).to_vec();
    let value = if promoted { pp[n] } else { cx.b.iconst(0) };
    cx.tick()?;
    let switch = cx.b.flexswitch(value, &pp[..n], d, &pp)?;
    let site = cx.jit.promotion_site(entry, switch);
    cx.sites.push(site);
    cx.b.switch_to(d)?;
    let dp = cx.b.params(d).to_vec();
    cx.frame = dp[0];
    let jit = cx.b.pconst(cx.jit as *const Jit as usize);
    let site_word = cx.b.iconst(site as i64);
    let value = if promoted { dp[n] } else { cx.b.iconst(0) };
    let h = backend::Helper::new(
        "promote_case",
        crate::jit::promote_case::<E> as *const () as usize,
        Sig::new(&[Kind::Ptr, Kind::Int, Kind::Int], Some(Kind::Int)),
    );
    // Not `Cx::call`: what the block being emitted remembers of memory stays valid.
    cx.tick()?;
    let st = cx.b.call(&h, &[jit, site_word, value])?.unwrap();
    let mut out = vec![Word::int(entry as i64), Word::Var(value, Kind::Int)];
    out.extend(
        dp[1..n]
            .iter()
            .zip(&kinds[1..n])
            .map(|(v, k)| Word::Var(*v, *k)),
    );
    cx.exit_if(st, miss, &out)?;
    cx.tick()?;
    cx.b.jump(p, &dp)?;
    cx.frame = saved_frame;
    if let Some(h) = here {
        cx.b.switch_to(h)?;
    }
    Ok(p)
}

/// The key under which the block of the promotion switch of entry point `entry` is
/// kept with the merge blocks (no block of a generating extension has this number).
pub(crate) fn switch_key(entry: u64) -> MergeKey {
    (u32::MAX, vec![entry])
}

/// `s` with every red word that is `value` replaced by the constant `c`.
fn known<E: Extension>(s: E::State, value: Word, c: i64) -> E::State {
    let words: Vec<Word> = E::red_words(&s)
        .into_iter()
        .map(|w| match (w, value) {
            (Word::Var(a, k), Word::Var(b, _)) if a == b => Word::Const(c as u64, k),
            _ => w,
        })
        .collect();
    E::with_red_words(s, &mut words.into_iter())
}

/// The most blocks [`skip_silent`] runs through.
const SILENT_STEPS: usize = 16;

/// Where a side exit's path goes through blocks that emit nothing.
enum Skipped<S> {
    /// On to a merge block or to one that may emit.
    State(S),
    /// The portal returns these words, all scalars.
    Return(Red),
    /// A green operation panics: the message and its words, all scalars.
    Panic(String, Red),
}

/// `s` moved on through blocks that emit nothing (see [`Extension::is_silent`]), up to a
/// merge block or one that may emit, or to the end of the portal (a return or a panic
/// whose words are scalars: its exit needs no code before it).
fn skip_silent<E: Extension>(cx: &mut Cx, mut s: E::State) -> Skipped<E::State> {
    let scalars = |cx: &Cx, words: &Red| {
        words
            .iter()
            .all(|w| !matches!(cx.resolve(*w), Word::Virtual(_)))
    };
    for _ in 0..SILENT_STEPS {
        if E::is_merge(&s) || !E::is_silent(&s) {
            break;
        }
        let before = (s.clone(), cx.emitted());
        let next = E::step(cx, s);
        debug_assert_eq!(cx.emitted(), before.1, "a silent block emitted code");
        match next {
            Ok(Next::Goto(n)) => s = n,
            Ok(Next::Return(words)) if scalars(cx, &words) => return Skipped::Return(words),
            Err(Stop::Panic(msg, args)) if scalars(cx, &args) => return Skipped::Panic(msg, args),
            _ => return Skipped::State(before.0),
        }
    }
    Skipped::State(s)
}

/// When `s` is at a merge state that has a block and the current path remembers every
/// element the block expects: leave the current block for it when `cond` holds, and
/// give back nothing. Otherwise give `s` back.
fn exit_to_merge_block<E: Extension>(
    cx: &mut Cx,
    cond: Value,
    s: E::State,
    merges: &MergeTable,
) -> Result<Option<E::State>, Stop> {
    let Some((block, mut greens)) = E::merge_key(&s) else {
        return Ok(Some(s));
    };
    live_shape_key::<E>(cx, &s, &mut greens)?;
    let Some(Some(target)) = merges.get(&(block, greens)) else {
        return Ok(Some(s));
    };
    let (frozen, words) = freeze::<E>(cx, s.clone(), false, true)?;
    let Some(kept) = fit(&target.consts, &words) else {
        return Ok(Some(s));
    };
    let Some(remembered) = remembered_args::<E>(cx, &frozen, &target.memory)? else {
        return Ok(Some(s));
    };
    let mut args = vals(cx, &kept)?;
    args.extend(remembered);
    cx.tick()?;
    cx.b.exit_if(cond, target.block, &args)?;
    Ok(None)
}

/// Split on the run-time `value`: every case but the first leaves the current block
/// through a conditional exit to a block of its own (a pending path); the first case
/// (the one the generating extension lists first: the translator puts cases that lead
/// back to a merge point before those that only return or panic) goes on in the current
/// block and is returned. In each case a state word that is the value becomes the case's
/// constant.
fn emit_switch<E: Extension>(
    cx: &mut Cx,
    value: Word,
    cases: Vec<(i64, E::State)>,
    default: Option<(E::State, bool)>,
    history: &History,
    merges: &MergeTable,
    pending: &mut Vec<Pending<E::State>>,
    limits: Limits,
) -> Result<E::State, Stop> {
    let v = cx.val(value)?;
    let mut cases = cases.into_iter().map(|(c, s)| (c, known::<E>(s, value, c)));
    let (default, default_first) = match default {
        Some((d, first)) => (Some(d), first),
        None => (None, false),
    };
    let mut side = |cx: &mut Cx, cond: Value, s: E::State| -> Result<(), Stop> {
        let s = match skip_silent::<E>(cx, s) {
            Skipped::State(s) => s,
            Skipped::Return(words) => {
                return cx.exit_if(cond, crate::jit::Status::Return, &words);
            }
            Skipped::Panic(msg, args) => return cx.panic_if(cond, &msg, &args),
        };
        let s = match exit_to_merge_block::<E>(cx, cond, s, merges)? {
            Some(s) => s,
            None => return Ok(()),
        };
        let (f, words) = freeze::<E>(cx, s, true, true)?;
        let kinds = param_kinds::<E>(&f);
        let args = block_args::<E>(cx, &f, &words)?;
        // A lazy exit leaves through the frame with its words when its case cannot be
        // compiled: one with more words is compiled with the unit.
        if limits.lazy_exits && crate::frame::entry_fits(kinds.len() - 1) {
            let entry = cx.jit.entry_point::<E>(f, Cut::Lazy, cx.interp_exits);
            let stub = case_switch::<E>(cx, &kinds, entry, false, crate::jit::Status::Continue)?;
            cx.tick()?;
            cx.b.exit_if(cond, stub, &args)?;
            return Ok(());
        }
        // Only this exit enters it: parameters its path does not read are dropped.
        let blk = cx.b.create_private_block(&kinds);
        cx.tick()?;
        cx.b.exit_if(cond, blk, &args)?;
        pending.push(Pending {
            block: blk,
            state: f,
            history: history.clone(),
            allocated: cx.allocated,
        });
        Ok(())
    };
    if default_first {
        // Every case leaves; the default goes on in line.
        for (c, s) in cases {
            let cond = cx.bin_i(backend::BinOp::Eq, v, c)?;
            side(cx, cond, s)?;
        }
        return default.ok_or_else(|| Stop::fail("a switch without a default"));
    }
    let Some((first, inline)) = cases.next() else {
        return default.ok_or_else(|| Stop::fail("a switch without cases"));
    };
    for (c, s) in cases {
        let cond = cx.bin_i(backend::BinOp::Eq, v, c)?;
        side(cx, cond, s)?;
    }
    if let Some(d) = default {
        let cond = cx.bin_i(backend::BinOp::Ne, v, first)?;
        side(cx, cond, d)?;
    }
    // Going on with `value == first`: what that says of a comparison's operand.
    if first == 0 || first == 1 {
        cx.learn(v, first == 1);
    }
    Ok(inline)
}
