//! Rewrites of a finished function, block by block, made by [`crate::FunctionBuilder::finish`]
//! before any backend sees it (so the reference backend runs exactly what machine code
//! runs). Each keeps what the function computes for every input, and each is linear in
//! the size of the function:
//!
//! 0. **Jumps skip empty blocks.** A jump to a block that has no instructions and only
//!    jumps on, passing its own parameters and constants, goes where that block goes with
//!    the arguments it would pass (a side exit into a brainfuck error path's first block
//!    goes straight to the shared exit). Private blocks no jump reaches any more are
//!    marked unreached, and backends do not compile them.
//! 1. **Offsets fold into their root.** In a chain of additions and subtractions of
//!    constants, `x + k1 - k2` becomes `x + (k1 - k2)`, so the chain is no longer a chain
//!    of dependent instructions, and a chain back to `x + 0` is `x` itself; an address
//!    indexed by `x + k` is indexed by `x` with `k * scale` added to its displacement.
//!    Masks fold the same way: `((y & m) + k) & m` is `(y + k) & m` for `m = 2^w - 1`,
//!    so a run of brainfuck `+` is one addition (and, by 5, one store). A constant
//!    index is all displacement. In the same walk, a load of an address the block has
//!    just stored to or loaded from (same base, index, scale, displacement and type, no
//!    call or possibly overlapping store since) is that value, when the value is already
//!    what the load would extend it to (see `Contents`).
//! 2. **Loops get a steady-state copy.** A block that loops on itself (through its
//!    terminator) and has side exits or overflow tests reading only values it passes back
//!    to itself unchanged gets a copy without them, which every jump back to the loop
//!    goes to: after one turn those tests passed with the same operands. (A brainfuck
//!    `[-]` keeps its tape index check only on entry.)
//!    In the copy, a load from an address the loop does not change, which no store of
//!    the loop may overlap except stores to that same address, becomes a parameter: the
//!    first turn passes what it last loaded or stored there, each later turn what it
//!    stored (the stores stay). A brainfuck `[->+<]` whose target cell was not in a
//!    register then has it in one, and may close as a countdown (4).
//! 3. **Range guards widen.** In a block that loops on itself, side exits whose
//!    conditions only test whether `root + c` lies in a range (comparisons with
//!    constants, carry and borrow tests, also through `== 0`/`== 1` negations) are
//!    replaced, when at least two test the same root (in any other block, at least
//!    `STRAIGHT_GUARDS`), by one test of `root` against the
//!    intersection of what they let through, placed at the first of them. When that test
//!    fails, control goes to a *slow copy* of the rest of the block, which keeps every
//!    original guard: the program does exactly what it did before, only the common case
//!    is shorter (a brainfuck `[>>>>>>>>>]` tests its index once a turn, not nine times).
//! 4. **Countdown loops run their last turn only.** A block that loops on itself while
//!    a counter steps by ±1 modulo `2^w` to 0, and otherwise only steps values by
//!    constants and stores at unchanged addresses (a brainfuck `[-]`, or `[->+++<]` with
//!    its cells in registers), computes how many turns it has left on entry, moves every
//!    stepped value to where it is before the last turn, and runs that turn once. No
//!    loads, calls or other exits may be in it, so nothing can see the turns skipped.
//! 5. **Dead code goes**: a store that a later store to the same address overwrites
//!    with nothing in between that could read it, then arithmetic whose result nothing
//!    reads (left behind by 1, 3 and such stores).
//!
//! Growth is bounded: a block gets at most one steady-state copy and one slow copy,
//! each no longer than the block; a closed countdown loop grows by
//! two instructions per stepped value.

use crate::ir::*;
use crate::{FastMap, FastSet};

/// Optimise every block of `f` (see the module doc); `private[i]` tells whether block
/// `i` is private (only jumps of `f` enter it).
pub(crate) fn optimize(f: &mut Function, private: &[bool]) {
    thread_jumps(f, private);
    let mut o = Opt {
        off: Default::default(),
        def: vec![u32::MAX; f.values.len()],
        masked: Default::default(),
        spare: Vec::new(),
        same: FastMap::default(),
        known: Contents::default(),
    };
    let n = f.blocks.len();
    for bi in 0..n {
        if f.blocks[bi].unreached {
            continue;
        }
        o.fold_offsets(f, bi);
        if let Some(steady) = steady_copy(f, bi) {
            // The copy is folded already; this records where its values are defined.
            o.fold_offsets(f, steady);
            if o.promote_loads(f, bi, steady) {
                o.fold_offsets(f, steady);
            }
            if !o.close_countdown(f, steady) {
                o.widen_guards(f, steady);
            }
        }
        if !o.close_countdown(f, bi) {
            o.widen_guards(f, bi);
        }
    }
    remove_dead_stores(f);
    remove_dead(f);
}

/// The most empty blocks a jump is sent through (a bound that also stops at a loop of
/// empty blocks).
const THREAD_STEPS: usize = 8;

/// An argument an empty block passes on: its own parameter of that index, or a constant.
#[derive(Copy, Clone)]
enum PassedOn {
    Param(usize),
    Const(Value),
}

/// Send every jump to an empty block that only jumps on (passing its parameters and
/// constants) to where that block goes, with the arguments it would pass (see the module
/// doc, 0). Then mark the private blocks no jump reaches any more as unreached.
fn thread_jumps(f: &mut Function, private: &[bool]) {
    let first_b = f.first_block;
    let own = |b: Block| b.0.checked_sub(first_b).map(|i| i as usize);
    // Where each empty block that only jumps on goes, and what it passes.
    let forward: Vec<Option<(Block, Vec<PassedOn>)>> = f
        .block_ids()
        .map(|b| {
            let data = f.block(b);
            let Terminator::Jump(t) = &data.term else {
                return None;
            };
            if !data.insts.is_empty() || t.block == b {
                return None;
            }
            let passed = t.args.iter().map(|a| match f.value(*a).def {
                ValueDef::Const(_) => Some(PassedOn::Const(*a)),
                ValueDef::Param { block, index } if block == b => {
                    Some(PassedOn::Param(index as usize))
                }
                _ => None,
            });
            Some((t.block, passed.collect::<Option<Vec<_>>>()?))
        })
        .collect();
    if forward.iter().all(Option::is_none) {
        return;
    }
    let thread = |t: &mut Target| {
        for _ in 0..THREAD_STEPS {
            let Some((to, passed)) = own(t.block).and_then(|i| forward[i].as_ref()) else {
                return;
            };
            t.args = passed
                .iter()
                .map(|p| match *p {
                    PassedOn::Param(j) => t.args[j],
                    PassedOn::Const(c) => c,
                })
                .collect();
            t.block = *to;
        }
    };
    f.blocks.iter_mut().for_each(|b| b.each_target_mut(thread));
    // What is still reached: the entry, every block that is not private (a later
    // fragment may enter it), and what their jumps reach.
    let n = f.blocks.len();
    let mut reached = vec![false; n];
    let mut work: Vec<usize> = (0..n)
        .filter(|&i| !private.get(i).copied().unwrap_or(false))
        .chain(own(f.entry))
        .collect();
    while let Some(i) = work.pop() {
        if std::mem::replace(&mut reached[i], true) {
            continue;
        }
        f.blocks[i].each_target(|t| {
            if let Some(j) = own(t.block).filter(|&j| !reached[j]) {
                work.push(j);
            }
        });
    }
    for (data, r) in f.blocks.iter_mut().zip(reached) {
        data.unreached = !r;
    }
}

/// Remove, block by block, a store that a later store to the same address (same base,
/// index, scale, displacement and width) overwrites before anything could read it: no
/// load, call, side exit or overflow test in between (see the module doc, 5).
fn remove_dead_stores(f: &mut Function) {
    // Stores since the last instruction that could read memory: (index, width, address).
    let mut open: Vec<(usize, usize, Address)> = Vec::new();
    let mut dead: Vec<usize> = Vec::new();
    for bi in 0..f.blocks.len() {
        open.clear();
        dead.clear();
        for (j, inst) in f.blocks[bi].insts.iter().enumerate() {
            match &inst.op {
                InstOp::Store(ty, a, _) => {
                    // Only the latest few are looked at: linear time on long blocks.
                    let recent = open.len().saturating_sub(16);
                    if let Some(k) = open[recent..]
                        .iter()
                        .position(|(_, w, b)| *w == ty.size() && b == a)
                    {
                        dead.push(open.remove(recent + k).0);
                    }
                    open.push((j, ty.size(), a.clone()));
                }
                InstOp::Binary(..) | InstOp::Unary(..) => {}
                _ => open.clear(),
            }
        }
        if !dead.is_empty() {
            dead.sort_unstable();
            let mut insts = std::mem::take(&mut f.blocks[bi].insts);
            let mut j = 0;
            insts.retain(|_| {
                j += 1;
                dead.binary_search(&(j - 1)).is_err()
            });
            renumber(f, Block(f.first_block + bi as u32), &insts);
            f.blocks[bi].insts = insts;
        }
    }
}

/// If block `bi` is a loop closed by its own terminator and has side exits or overflow
/// tests that only read values the loop passes back to itself unchanged (and constants,
/// through arithmetic), give it a *steady-state copy* without them (overflow tests
/// become plain arithmetic), and make every jump back to the loop go to the copy. Once
/// the loop has gone round, those tests passed with the same operands, so they would
/// pass again. Returns the copy's index.
fn steady_copy(f: &mut Function, bi: usize) -> Option<usize> {
    let id = Block(f.first_block + bi as u32);
    let block = &f.blocks[bi];
    if !loops_on_itself(block, id)
        || block.insts.iter().any(|i| {
            matches!(&i.op, InstOp::Overflow(_, _, _, t) | InstOp::ExitIf(_, t) if t.block == id)
        })
    {
        return None;
    }
    let back: Vec<&Target> = block
        .term
        .targets()
        .into_iter()
        .flatten()
        .filter(|t| t.block == id)
        .collect();
    let mut fixed: FastSet<Value> = block
        .params
        .iter()
        .enumerate()
        .filter(|(i, p)| back.iter().all(|t| t.args[*i] == **p))
        .map(|(_, p)| *p)
        .collect();
    if fixed.is_empty() {
        return None;
    }
    let is_fixed =
        |v: Value, fixed: &FastSet<Value>| fixed.contains(&v) || int_const(f, v).is_some();
    // Per instruction: dropped from the copy (a fixed test), or an overflow test kept as
    // plain arithmetic.
    let mut dropped = vec![false; block.insts.len()];
    let mut plain = vec![false; block.insts.len()];
    for (j, inst) in block.insts.iter().enumerate() {
        match &inst.op {
            InstOp::Binary(..) | InstOp::Unary(..) => {
                let mut all = true;
                inst.op.each_use(|v| all &= is_fixed(v, &fixed));
                if all {
                    fixed.insert(inst.result.expect("arithmetic has a result"));
                }
            }
            InstOp::ExitIf(c, _) if is_fixed(*c, &fixed) => dropped[j] = true,
            InstOp::Overflow(_, a, b, _) if is_fixed(*a, &fixed) && is_fixed(*b, &fixed) => {
                plain[j] = true;
                fixed.insert(inst.result.expect("an overflow test has a result"));
            }
            _ => {}
        }
    }
    if !dropped.iter().chain(&plain).any(|d| *d) {
        return None;
    }
    let copy = Block(f.first_block + f.blocks.len() as u32);
    let (params, insts, term) = (
        block.params.clone(),
        block.insts.clone(),
        block.term.clone(),
    );
    let mut copier = Copier::new(copy);
    let new_params = copier.params(f, &params);
    let mut new_insts = Vec::with_capacity(insts.len());
    for (j, inst) in insts.into_iter().enumerate() {
        if dropped[j] {
            continue;
        }
        let op = match inst.op {
            InstOp::Overflow(o, a, b, _) if plain[j] => InstOp::Binary(
                match o {
                    OvfOp::AddOvf => BinOp::Add,
                    OvfOp::SubOvf => BinOp::Sub,
                    OvfOp::MulOvf => BinOp::Mul,
                },
                a,
                b,
            ),
            op => op,
        };
        let at = new_insts.len();
        new_insts.push(copier.inst(f, at, op, inst.result));
    }
    let mut new_term = term;
    new_term.map_uses(|v| copier.value(v));
    for term in [&mut new_term, &mut f.blocks[bi].term] {
        for t in term.targets_mut().into_iter().flatten() {
            if t.block == id {
                t.block = copy;
            }
        }
    }
    f.blocks.push(BlockData {
        params: new_params,
        insts: new_insts,
        term: new_term,
        unreached: false,
    });
    Some(f.blocks.len() - 1)
}

/// Makes the parameters and instructions of a new block `block` from values and
/// instructions of another, with fresh values in place of the originals.
struct Copier {
    block: Block,
    /// Original value -> its copy.
    map: crate::FastMap<Value, Value>,
}

impl Copier {
    fn new(block: Block) -> Copier {
        Copier {
            block,
            map: crate::FastMap::default(),
        }
    }

    /// The copy of `v`, or `v` itself when it has none (a constant, or a value the new
    /// block is not given).
    fn value(&self, v: Value) -> Value {
        self.map.get(&v).copied().unwrap_or(v)
    }

    /// Fresh parameters standing for `originals`.
    fn params(&mut self, f: &mut Function, originals: &[Value]) -> Vec<Value> {
        let mut out = Vec::with_capacity(originals.len());
        for (j, v) in originals.iter().enumerate() {
            let def = ValueDef::Param {
                block: self.block,
                index: j as u32,
            };
            let p = new_value(f, f.kind(*v), def);
            self.map.insert(*v, p);
            out.push(p);
        }
        out
    }

    /// `op` reading copies, with a fresh result for `result`, as instruction `at`.
    fn inst(&mut self, f: &mut Function, at: usize, mut op: InstOp, result: Option<Value>) -> Inst {
        op.map_uses(|v| self.value(v));
        let result = result.map(|r| {
            let def = ValueDef::Inst {
                block: self.block,
                index: at as u32,
            };
            let n = new_value(f, f.kind(r), def);
            self.map.insert(r, n);
            n
        });
        Inst { op, result }
    }
}

/// True if `block` (numbered `id`) jumps back to itself through its terminator by a
/// jump or a branch (a flexswitch block is never copied: its switch is unique).
fn loops_on_itself(block: &BlockData, id: Block) -> bool {
    matches!(block.term, Terminator::Jump(_) | Terminator::Branch { .. })
        && block
            .term
            .targets()
            .into_iter()
            .flatten()
            .any(|t| t.block == id)
}

/// Per-value facts, indexed by value number minus `first_value`. Values are local to
/// their block, so one table serves every block.
struct Opt {
    /// `(root, c)`: the value is `root + c` (wrapping). Sparse: few values are offsets,
    /// and a large function has a million values.
    off: crate::FastMap<Value, (Value, i64)>,
    /// The index of the instruction defining the value in its block.
    def: Vec<u32>,
    /// `(y, m)`: the value is `y & m`, `m = 2^w - 1` (sparse, as `off`).
    masked: crate::FastMap<Value, (Value, u64)>,
    /// An empty instruction buffer to fill next (see `fold_offsets`).
    spare: Vec<Inst>,
    /// `fold_offsets`'s tables for one block, kept to be reused by the next.
    same: FastMap<Value, Value>,
    known: Contents,
}

/// What a block knows memory to hold: the value last loaded from or stored at an
/// address, for the latest few addresses (so that looking up stays constant-time on
/// long blocks). A store forgets every address it may overlap: any with another base or
/// index, and those with the same base and index whose bytes meet its own.
#[derive(Default)]
struct Contents(Vec<(MemType, Address, Value)>);

impl Contents {
    const KEPT: usize = 16;

    fn get(&self, ty: MemType, addr: &Address) -> Option<Value> {
        self.0
            .iter()
            .rev()
            .find(|(t, a, _)| *t == ty && a == addr)
            .map(|e| e.2)
    }

    /// Remember that `addr` holds `v` as `ty`. Nothing may be remembered for `ty` at
    /// `addr` already (a failed [`Contents::get`], or [`Contents::forget_overlapping`]
    /// first).
    fn remember(&mut self, ty: MemType, addr: &Address, v: Value) {
        if self.0.len() == Self::KEPT {
            self.0.remove(0);
        }
        self.0.push((ty, addr.clone(), v));
    }

    fn forget_overlapping(&mut self, ty: MemType, addr: &Address) {
        let (lo, hi) = (addr.offset as i64, addr.offset as i64 + ty.size() as i64);
        self.0.retain(|(t, a, _)| {
            let (alo, ahi) = (a.offset as i64, a.offset as i64 + t.size() as i64);
            a.base == addr.base
                && a.index == addr.index
                && (a.index.is_none() || a.scale == addr.scale)
                && (ahi <= lo || hi <= alo)
        });
    }

    fn clear(&mut self) {
        self.0.clear();
    }
}

/// A set of 64-bit words: empty, all, or `lo..=hi` read as unsigned, wrapping past
/// `u64::MAX` to 0 when `lo > hi`.
#[derive(Copy, Clone, Debug, PartialEq)]
enum Set {
    Empty,
    Full,
    Range(u64, u64),
}

impl Set {
    fn range(lo: u64, hi: u64) -> Set {
        if hi.wrapping_add(1) == lo {
            Set::Full
        } else {
            Set::Range(lo, hi)
        }
    }

    fn complement(self) -> Set {
        match self {
            Set::Empty => Set::Full,
            Set::Full => Set::Empty,
            Set::Range(lo, hi) => Set::Range(hi.wrapping_add(1), lo.wrapping_sub(1)),
        }
    }

    /// The signed range `lo..=hi` (`lo <= hi`).
    fn signed(lo: i64, hi: i64) -> Set {
        Set::range(lo as u64, hi as u64)
    }
}

/// The values of `x` for which `x op k` (or `k op x` when `x_right`) is true (non-zero),
/// for the tests a range guard may use.
fn truth_set(op: BinOp, k: u64, x_right: bool) -> Option<Set> {
    use BinOp::*;
    let ks = k as i64;
    // `k op x` as `x op' k`.
    let op = if x_right {
        match op {
            Ult => Ugt,
            Ule => Uge,
            Ugt => Ult,
            Uge => Ule,
            Lt => Gt,
            Le => Ge,
            Gt => Lt,
            Ge => Le,
            Eq | Ne | UAddOverflows => op,
            // `k - x` borrows when `x > k`.
            USubOverflows => {
                return Some(if k == u64::MAX {
                    Set::Empty
                } else {
                    Set::range(k + 1, u64::MAX)
                })
            }
            _ => return None,
        }
    } else {
        op
    };
    Some(match op {
        Eq => Set::Range(k, k),
        Ne => Set::Range(k, k).complement(),
        Ult | USubOverflows if k == 0 => Set::Empty,
        Ult | USubOverflows => Set::range(0, k - 1),
        Ule => Set::range(0, k),
        Ugt if k == u64::MAX => Set::Empty,
        Ugt => Set::range(k + 1, u64::MAX),
        Uge => Set::range(k, u64::MAX),
        Lt if ks == i64::MIN => Set::Empty,
        Lt => Set::signed(i64::MIN, ks - 1),
        Le => Set::signed(i64::MIN, ks),
        Gt if ks == i64::MAX => Set::Empty,
        Gt => Set::signed(ks + 1, i64::MAX),
        Ge => Set::signed(ks, i64::MAX),
        UAddOverflows if k == 0 => Set::Empty,
        UAddOverflows => Set::range(u64::MAX - k + 1, u64::MAX),
        _ => return None,
    })
}

/// The most loads of one loop that `Opt::promote_loads` looks at (each is checked
/// against every store of the loop).
const PROMOTED_LOADS: usize = 16;

/// The fewest range guards on one root that a block which does not loop on itself
/// widens (a slow copy of the rest of the block is the price).
const STRAIGHT_GUARDS: usize = 5;

/// A side exit recognised as a range guard: it is not taken exactly when
/// `root + c` (wrapping) is in `pass`.
struct Guard {
    /// The index of the `exit_if` in its block.
    at: usize,
    root: Value,
    /// The values of `root` for which the guard is surely not taken: `lo..=hi`, or `None`
    /// when it is never taken.
    rooted: Option<(u64, u64)>,
}

impl Opt {
    fn ix(f: &Function, v: Value) -> Option<usize> {
        v.0.checked_sub(f.first_value).map(|i| i as usize)
    }

    fn offset_of(&self, v: Value) -> (Value, i64) {
        self.off.get(&v).copied().unwrap_or((v, 0))
    }

    /// Fold constant offsets into their root in block `bi` (see the module doc, 1), and
    /// record where each instruction result is defined.
    fn fold_offsets(&mut self, f: &mut Function, bi: usize) {
        self.def.resize(f.values.len(), u32::MAX);
        // The block's instructions move to a buffer recycled from block to block.
        let mut old = std::mem::take(&mut f.blocks[bi].insts);
        let mut insts: Vec<Inst> = std::mem::take(&mut self.spare);
        insts.clear();
        insts.reserve(old.len());
        // Results equal to another value (an offset chain back at 0 from its root, a
        // load of what memory is known to hold), replaced in the uses that follow.
        let mut same = std::mem::take(&mut self.same);
        same.clear();
        // What memory holds, as far as this block has seen (see `Contents`).
        let mut known = std::mem::take(&mut self.known);
        known.clear();
        // Whether instructions were inserted or dropped (their indices change).
        let mut moved = false;
        for mut inst in old.drain(..) {
            if !same.is_empty() {
                inst.op.map_uses(|v| same.get(&v).copied().unwrap_or(v));
            }
            match &mut inst.op {
                InstOp::Binary(op @ (BinOp::Add | BinOp::Sub), a, b) => {
                    let r = inst.result.expect("arithmetic has a result");
                    let (x, k) = match (*op, int_const(f, *a), int_const(f, *b)) {
                        (BinOp::Add, None, Some(k)) => (*a, k),
                        (BinOp::Add, Some(k), None) => (*b, k),
                        (BinOp::Sub, None, Some(k)) => (*a, k.wrapping_neg()),
                        _ => {
                            self.push(f, &mut insts, inst);
                            continue;
                        }
                    };
                    let (root, c0) = self.offset_of(x);
                    let c = c0.wrapping_add(k);
                    if c == 0 {
                        same.insert(r, root);
                    } else {
                        if root != x {
                            *op = BinOp::Add;
                            *a = root;
                            *b = new_value(f, Kind::Int, ValueDef::Const(c as u64));
                        }
                        self.off.insert(r, (root, c));
                    }
                }
                InstOp::Binary(BinOp::And, a, b) => {
                    let r = inst.result.expect("arithmetic has a result");
                    let (x, m) = match (int_const(f, *a), int_const(f, *b)) {
                        (None, Some(m)) => (*a, m as u64),
                        (Some(m), None) => (*b, m as u64),
                        _ => {
                            self.push(f, &mut insts, inst);
                            continue;
                        }
                    };
                    if m != u64::MAX && m.wrapping_add(1).is_power_of_two() {
                        // `((y & m) + c) & m` is `(y + c) & m` for `m = 2^w - 1`.
                        let (base, c) = self.offset_of(x);
                        let mut src = x;
                        if let Some((y, m2)) = self.masked_of(base) {
                            if m2 == m {
                                let (yr, cy) = self.offset_of(y);
                                let total = cy.wrapping_add(c);
                                src = if total == 0 {
                                    yr
                                } else {
                                    let k = new_value(f, Kind::Int, ValueDef::Const(total as u64));
                                    let t = new_value(f, Kind::Int, ValueDef::Const(0));
                                    moved = true;
                                    self.resize(f);
                                    self.off.insert(t, (yr, total));
                                    self.push(
                                        f,
                                        &mut insts,
                                        Inst {
                                            op: InstOp::Binary(BinOp::Add, yr, k),
                                            result: Some(t),
                                        },
                                    );
                                    t
                                };
                                let mv = new_value(f, Kind::Int, ValueDef::Const(m));
                                inst.op = InstOp::Binary(BinOp::And, src, mv);
                            }
                        }
                        self.resize(f);
                        self.masked.insert(r, (src, m));
                    }
                }
                InstOp::Load(_, addr) | InstOp::Store(_, addr, _) => {
                    if let Some(i) = addr.index {
                        // A constant index is all displacement: `[b + 3*1 + 0]` is
                        // `[b + 3]`, the same address as any other spelling of it.
                        let (root, c) = match int_const(f, i) {
                            Some(k) => (None, k),
                            None => {
                                let (root, c) = self.offset_of(i);
                                (Some(root), c)
                            }
                        };
                        let disp = c
                            .checked_mul(addr.scale as i64)
                            .and_then(|d| d.checked_add(addr.offset as i64))
                            .and_then(|d| i32::try_from(d).ok());
                        if let (true, Some(d)) = (root != Some(i), disp) {
                            addr.index = root;
                            addr.offset = d;
                            if root.is_none() {
                                addr.scale = 1;
                            }
                        }
                    }
                    match &inst.op {
                        InstOp::Load(ty, addr) => {
                            let r = inst.result.expect("a load has a result");
                            if let Some(v) = known.get(*ty, addr) {
                                same.insert(r, v);
                                moved = true;
                                continue;
                            }
                            known.remember(*ty, addr, r);
                        }
                        InstOp::Store(ty, addr, v) => {
                            known.forget_overlapping(*ty, addr);
                            if self.fits(f, &insts, *ty, *v) {
                                known.remember(*ty, addr, *v);
                            }
                        }
                        _ => {}
                    }
                }
                InstOp::Call(..) => known.clear(),
                _ => {}
            }
            self.push(f, &mut insts, inst);
        }
        // The terminator reads values too.
        if !same.is_empty() {
            f.blocks[bi]
                .term
                .map_uses(|v| same.get(&v).copied().unwrap_or(v));
        }
        if moved {
            renumber(f, Block(f.first_block + bi as u32), &insts);
        }
        f.blocks[bi].insts = insts;
        self.spare = old;
        self.same = same;
        self.known = known;
    }

    /// Whether a load of `ty` gives back `v` after `v` is stored as `ty`: `v` is already
    /// what the load would extend it to (64-bit types; a load of `ty`; a constant that
    /// survives the round trip; `x & m` for such a constant `m >= 0`, which lies in
    /// `0..=m`).
    fn fits(&self, f: &Function, insts: &[Inst], ty: MemType, v: Value) -> bool {
        let survives = |c: i64| ty.extend(c as u64) == c as u64;
        if ty.size() == 8 {
            return true;
        }
        if let Some(c) = int_const(f, v) {
            return survives(c);
        }
        let Some(d) = self.def_at(f, insts, v) else {
            return false;
        };
        match &insts[d].op {
            InstOp::Load(t, _) => *t == ty,
            InstOp::Binary(BinOp::And, a, b) => int_const(f, *b)
                .or_else(|| int_const(f, *a))
                .is_some_and(|m| m >= 0 && survives(m)),
            _ => false,
        }
    }

    /// Append `inst` to `insts`, recording where its result is defined.
    fn push(&mut self, f: &Function, insts: &mut Vec<Inst>, inst: Inst) {
        if let Some(r) = inst.result {
            self.def[(r.0 - f.first_value) as usize] = insts.len() as u32;
        }
        insts.push(inst);
    }

    /// Grow the tables to the function's values.
    fn resize(&mut self, f: &Function) {
        self.def.resize(f.values.len(), u32::MAX);
    }

    /// `Some((y, m))` when `v` is `y & m` for `m = 2^w - 1`.
    fn masked_of(&self, v: Value) -> Option<(Value, u64)> {
        self.masked.get(&v).copied()
    }

    /// If block `bi` is a *countdown loop*, replace it by its last turn (see the module
    /// doc, 4): it loops on itself; every parameter is either passed back unchanged or
    /// an induction (`p + k`, or `(p + k) & (2^w - 1)`); one induction with `k = ±1` and
    /// a mask is the counter, and the loop leaves exactly when the counter's new value
    /// is 0; the body (all but the exit test) only computes from unchanged values,
    /// steps the inductions and stores unchanged or stepped values at unchanged
    /// addresses (no loads, calls or other exits). Then the number of turns `n` is known
    /// on entry, each induction before the last turn is `p + k * (n - 1)`, and running
    /// the body once from there leaves the memory and the values the loop would.
    fn close_countdown(&mut self, f: &mut Function, bi: usize) -> bool {
        let id = Block(f.first_block + bi as u32);
        let block = &f.blocks[bi];
        // The back edge, the exit, the loop's test, whether the test being true means
        // leaving, and how many instructions the body has.
        let (back, exit, cond, leave_if_true, body_len) = match &block.term {
            Terminator::Jump(t) if t.block == id => match block.insts.last() {
                Some(Inst {
                    op: InstOp::ExitIf(c, x),
                    ..
                }) if x.block != id => (t, x, *c, true, block.insts.len() - 1),
                _ => return false,
            },
            Terminator::Branch {
                cond,
                then,
                otherwise,
            } if (then.block == id) != (otherwise.block == id) => {
                if then.block == id {
                    (then, otherwise, *cond, false, block.insts.len())
                } else {
                    (otherwise, then, *cond, true, block.insts.len())
                }
            }
            _ => return false,
        };
        let body = &block.insts[..body_len];
        let at = |v: Value| self.def_at(f, body, v);
        // Inductions: (parameter, step, mask, its new value). `allowed`: the instructions
        // that step them or compute the loop's test, which may read stepped values.
        let mut fixed: FastSet<Value> = FastSet::default();
        let mut inds: Vec<(Value, i64, Option<u64>, Value)> = Vec::new();
        let mut allowed: FastSet<usize> = FastSet::default();
        for (p, a) in block.params.iter().zip(&back.args) {
            if p == a {
                fixed.insert(*p);
                continue;
            }
            let Some(d) = at(*a) else { return false };
            let (sum, mask) = match body[d].op {
                InstOp::Binary(BinOp::And, s, m) => match int_const(f, m) {
                    Some(m) if m > 0 && (m as u64).wrapping_add(1).is_power_of_two() => {
                        (s, Some(m as u64))
                    }
                    _ => return false,
                },
                _ => (*a, None),
            };
            let Some(ds) = at(sum) else { return false };
            let step = match body[ds].op {
                InstOp::Binary(BinOp::Add, x, k) if x == *p => int_const(f, k),
                InstOp::Binary(BinOp::Add, k, x) if x == *p => int_const(f, k),
                InstOp::Binary(BinOp::Sub, x, k) if x == *p => {
                    int_const(f, k).map(i64::wrapping_neg)
                }
                _ => None,
            };
            let Some(step) = step else { return false };
            allowed.insert(ds);
            allowed.insert(d);
            inds.push((*p, step, mask, *a));
        }
        // The test: through negations down to the counter's new value, or its
        // comparison with 0.
        let (v, mut negated, passed) = self.through_negations(f, body, cond);
        allowed.extend(passed);
        let counter = |v: Value| inds.iter().position(|ind| ind.3 == v);
        let counter = match counter(v) {
            // `v` itself: true when non-zero.
            Some(i) => Some((i, negated)),
            None => at(v).and_then(|d| match body[d].op {
                InstOp::Binary(op @ (BinOp::Eq | BinOp::Ne), a, b) => {
                    let x = match (int_const(f, a), int_const(f, b)) {
                        (None, Some(0)) => a,
                        (Some(0), None) => b,
                        _ => return None,
                    };
                    // `x != 0` is true when non-zero; `x == 0` the opposite.
                    negated ^= op == BinOp::Eq;
                    allowed.insert(d);
                    counter(x).map(|i| (i, negated))
                }
                _ => None,
            }),
        };
        // The loop must leave exactly when the counter's new value is 0.
        let Some((ci, negated)) = counter else {
            return false;
        };
        let (cp, cstep, cmask, _) = inds[ci];
        let Some(cmask) = cmask else { return false };
        if (cstep != 1 && cstep != -1) || leave_if_true != negated {
            // `leave_if_true == !negated`: leaving when the new value is non-zero.
            return false;
        }
        let results: FastSet<Value> = inds.iter().map(|i| i.3).collect();
        for (j, inst) in body.iter().enumerate() {
            let ok = match &inst.op {
                InstOp::Binary(..) | InstOp::Unary(..) => {
                    let mut all = true;
                    inst.op
                        .each_use(|u| all &= fixed.contains(&u) || int_const(f, u).is_some());
                    if all {
                        fixed.insert(inst.result.expect("arithmetic has a result"));
                    }
                    all || allowed.contains(&j)
                }
                InstOp::Store(_, a, v) => {
                    fixed.contains(&a.base)
                        && a.index
                            .is_none_or(|i| fixed.contains(&i) || int_const(f, i).is_some())
                        && (fixed.contains(v) || results.contains(v) || int_const(f, *v).is_some())
                }
                _ => false,
            };
            if !ok {
                return false;
            }
        }
        // Rewrite: n - 1 from the counter, each induction before the last turn, the
        // body once, then the exit.
        let exit = exit.clone();
        let mut insts = Vec::with_capacity(body_len + 2 + inds.len() * 2);
        let mut push = |f: &mut Function, op: BinOp, a: Value, b: Value| -> Value {
            let r = new_value(f, Kind::Int, ValueDef::Const(0));
            insts.push(Inst {
                op: InstOp::Binary(op, a, b),
                result: Some(r),
            });
            r
        };
        let int = |f: &mut Function, v: i64| new_value(f, Kind::Int, ValueDef::Const(v as u64));
        let minus1 = int(f, -1);
        let t = if cstep == -1 {
            push(f, BinOp::Add, cp, minus1)
        } else {
            push(f, BinOp::Xor, cp, minus1)
        };
        let m = int(f, cmask as i64);
        let turns_before = push(f, BinOp::And, t, m);
        let mut last: Vec<(Value, Value)> = Vec::new();
        for &(p, step, _, _) in &inds {
            let l = match step {
                1 => push(f, BinOp::Add, p, turns_before),
                -1 => push(f, BinOp::Sub, p, turns_before),
                k => {
                    let k = int(f, k);
                    let d = push(f, BinOp::Mul, turns_before, k);
                    push(f, BinOp::Add, p, d)
                }
            };
            last.push((p, l));
        }
        let body: Vec<Inst> = f.blocks[bi].insts[..body_len].to_vec();
        for mut inst in body {
            inst.op
                .map_uses(|u| last.iter().find(|l| l.0 == u).map_or(u, |l| l.1));
            insts.push(inst);
        }
        let mut exit = exit;
        exit.map_args(&mut |u| last.iter().find(|l| l.0 == u).map_or(u, |l| l.1));
        renumber(f, id, &insts);
        let block = &mut f.blocks[bi];
        block.insts = insts;
        block.term = Terminator::Jump(exit);
        true
    }

    /// The index in `insts` (a block's instructions, or a prefix of them) of the
    /// instruction defining `v`, if there is one.
    /// In the steady-state copy `si` of the loop `bi` (see [`steady_copy`]), replace
    /// loads whose address the loop does not change, and that no store of the loop may
    /// overlap except stores to the same address, by parameters: the loop passes on what
    /// it last stored there (or the parameter), and `bi` what it last stored or loaded
    /// there on its own turn. The stores stay. A brainfuck `[->+<]` whose target cell
    /// is loaded each turn then keeps it in a register (and may close as a countdown).
    /// Returns whether any load was replaced.
    fn promote_loads(&mut self, f: &mut Function, bi: usize, si: usize) -> bool {
        let sid = Block(f.first_block + si as u32);
        let copy = &f.blocks[si];
        if !matches!(copy.term, Terminator::Jump(_) | Terminator::Branch { .. }) {
            return false;
        }
        let back: Vec<&Target> = copy
            .term
            .targets()
            .into_iter()
            .flatten()
            .filter(|t| t.block == sid)
            .collect();
        // Parameters every turn passes on unchanged, by position.
        let fixed: Vec<usize> = (0..copy.params.len())
            .filter(|i| back.iter().all(|t| t.args[*i] == copy.params[*i]))
            .collect();
        let fixed_here = |v: Value, params: &[Value]| {
            int_const(f, v).is_some() || fixed.iter().any(|i| params[*i] == v)
        };
        if copy.insts.iter().any(|i| matches!(i.op, InstOp::Call(..))) {
            return false;
        }
        // May a store at `b` of `wb` bytes touch `a` of `wa` bytes? Only the same base and
        // index with disjoint bytes are known apart.
        let apart = |a: &Address, wa: usize, b: &Address, wb: usize| {
            a.base == b.base
                && a.index == b.index
                && (a.index.is_none() || a.scale == b.scale)
                && (b.offset as i64 + wb as i64 <= a.offset as i64
                    || a.offset as i64 + wa as i64 <= b.offset as i64)
        };
        let stores: Vec<(usize, MemType, &Address, Value)> = copy
            .insts
            .iter()
            .enumerate()
            .filter_map(|(k, i)| match &i.op {
                InstOp::Store(t, b, v) => Some((k, *t, b, *v)),
                _ => None,
            })
            .collect();
        // Candidates: (load index, type, address, last value stored there in the loop).
        // At most `PROMOTED_LOADS` loads are looked at, each against every store.
        let mut found: Vec<(usize, MemType, Address, Option<Value>)> = Vec::new();
        let loads = copy
            .insts
            .iter()
            .enumerate()
            .filter_map(|(j, i)| match &i.op {
                InstOp::Load(ty, a) => Some((j, *ty, a)),
                _ => None,
            })
            .filter(|(_, _, a)| {
                fixed_here(a.base, &copy.params)
                    && a.index.is_none_or(|x| fixed_here(x, &copy.params))
            })
            .take(PROMOTED_LOADS);
        for (j, ty, a) in loads {
            if found
                .iter()
                .any(|(_, t, b, _)| b == a && t.size() == ty.size())
            {
                continue;
            }
            let mut last = None;
            let mut ok = true;
            for &(k, t2, b, v) in &stores {
                if b == a && t2.size() == ty.size() {
                    // A store before the load would have been forwarded to it.
                    ok &= k > j && self.fits(f, &copy.insts, ty, v);
                    last = Some(v);
                } else {
                    ok &= apart(a, ty.size(), b, t2.size());
                }
            }
            if ok {
                found.push((j, ty, a.clone(), last));
            }
        }
        if found.is_empty() {
            return false;
        }
        // What the loop's first turn, in `bi`, leaves at each address: the address in
        // `bi`'s values (the fixed parameters are the same in both), then its last store
        // or load there, with no store in `bi` that may overlap it otherwise.
        let (first, copy) = (&f.blocks[bi], &f.blocks[si]);
        let to_first = |v: Value| match copy.params.iter().position(|p| *p == v) {
            Some(i) => first.params[i],
            None => v,
        };
        let mut entry: Vec<Option<Value>> = Vec::with_capacity(found.len());
        for (_, ty, a, _) in &found {
            let a1 = Address {
                base: to_first(a.base),
                index: a.index.map(to_first),
                scale: a.scale,
                offset: a.offset,
            };
            let mut value = None;
            for inst in &first.insts {
                match &inst.op {
                    InstOp::Store(t2, b, v) if *b == a1 && t2.size() == ty.size() => {
                        value = self.fits(f, &first.insts, *ty, *v).then_some(*v);
                    }
                    InstOp::Store(t2, b, _) if !apart(&a1, ty.size(), b, t2.size()) => {
                        value = None;
                    }
                    InstOp::Load(t2, b) if *b == a1 && t2 == ty => value = inst.result,
                    InstOp::Call(..) => value = None,
                    _ => {}
                }
            }
            entry.push(value);
        }
        let mut promoted = false;
        let mut drop: Vec<usize> = Vec::new();
        for ((j, _, _, last), value) in found.iter().zip(&entry) {
            let Some(value) = value else { continue };
            let r = f.blocks[si].insts[*j].result.expect("a load has a result");
            let index = f.blocks[si].params.len() as u32;
            let p = new_value(f, f.kind(r), ValueDef::Param { block: sid, index });
            let copy = &mut f.blocks[si];
            copy.params.push(p);
            let swap = |v: Value| if v == r { p } else { v };
            for inst in copy.insts.iter_mut() {
                inst.op.map_uses(swap);
            }
            copy.term.map_uses(swap);
            let passed = last.map(swap).unwrap_or(p);
            for t in copy.term.targets_mut().into_iter().flatten() {
                if t.block == sid {
                    t.args.push(passed);
                }
            }
            for t in f.blocks[bi].term.targets_mut().into_iter().flatten() {
                if t.block == sid {
                    t.args.push(*value);
                }
            }
            drop.push(*j);
            promoted = true;
        }
        if promoted {
            let mut insts = std::mem::take(&mut f.blocks[si].insts);
            let mut k = 0;
            insts.retain(|_| {
                k += 1;
                !drop.contains(&(k - 1))
            });
            renumber(f, sid, &insts);
            f.blocks[si].insts = insts;
        }
        promoted
    }

    fn def_at(&self, f: &Function, insts: &[Inst], v: Value) -> Option<usize> {
        let d = *self.def.get(Self::ix(f, v)?)? as usize;
        insts.get(d).filter(|i| i.result == Some(v)).map(|_| d)
    }

    /// `v` seen through `t == 0`, `t == 1`, `t != 0`, `t != 1` of 0/1 tests `t` defined
    /// in `insts`: the innermost value, whether `v` is its negation, and the indices of
    /// the instructions passed.
    fn through_negations(
        &self,
        f: &Function,
        insts: &[Inst],
        mut v: Value,
    ) -> (Value, bool, Vec<usize>) {
        let mut negated = false;
        let mut passed = Vec::new();
        while let Some(d) = self.def_at(f, insts, v) {
            let InstOp::Binary(op @ (BinOp::Eq | BinOp::Ne), a, b) = insts[d].op else {
                break;
            };
            let (t, k) = match (int_const(f, a), int_const(f, b)) {
                (None, Some(k)) => (a, k),
                (Some(k), None) => (b, k),
                _ => break,
            };
            let test = self.def_at(f, insts, t).is_some_and(
                |dt| matches!(insts[dt].op, InstOp::Binary(inner, ..) if inner.is_comparison()),
            );
            if !test || !(k == 0 || k == 1) {
                break;
            }
            // `t == 1` and `t != 0` are `t`; the other two negate it.
            negated ^= (op == BinOp::Eq) == (k == 0);
            passed.push(d);
            v = t;
        }
        (v, negated, passed)
    }

    /// `cond` as a range guard: its root, its offset and the set of `root + offset` it
    /// lets through.
    fn guard(&self, f: &Function, insts: &[Inst], cond: Value) -> Option<(Value, i64, Set)> {
        let (v, negated, _) = self.through_negations(f, insts, cond);
        let InstOp::Binary(op, a, b) = insts[self.def_at(f, insts, v)?].op else {
            return None;
        };
        let (x, k, x_right) = match (int_const(f, a), int_const(f, b)) {
            (None, Some(k)) => (a, k as u64, false),
            (Some(k), None) => (b, k as u64, true),
            _ => return None,
        };
        if f.kind(x) != Kind::Int {
            return None;
        }
        let truth = truth_set(op, k, x_right)?;
        let pass = if negated { truth } else { truth.complement() };
        let (root, c) = self.offset_of(x);
        Some((root, c, pass))
    }

    /// Widen the range guards of block `bi` (see the module doc, 3).
    fn widen_guards(&mut self, f: &mut Function, bi: usize) {
        let block = &f.blocks[bi];
        // A loop gains on every turn; a straight block only once per run through it.
        let least = if loops_on_itself(block, Block(f.first_block + bi as u32)) {
            2
        } else {
            STRAIGHT_GUARDS
        };
        if block
            .insts
            .iter()
            .filter(|i| matches!(i.op, InstOp::ExitIf(..)))
            .count()
            < least
        {
            return;
        }
        let mut guards: Vec<Guard> = Vec::new();
        for (at, inst) in block.insts.iter().enumerate() {
            let InstOp::ExitIf(cond, _) = inst.op else {
                continue;
            };
            let Some((root, c, pass)) = self.guard(f, &block.insts, cond) else {
                continue;
            };
            let rooted = match pass {
                Set::Full => None,
                Set::Range(lo, hi) if lo <= hi => {
                    // root + c in lo..=hi, without wrapping.
                    let lo = (lo as i128 - c as i128).max(0);
                    let hi = (hi as i128 - c as i128).min(u64::MAX as i128);
                    if lo > hi {
                        continue;
                    }
                    Some((lo as u64, hi as u64))
                }
                _ => continue,
            };
            guards.push(Guard { at, root, rooted });
        }
        // The root with the most guards.
        let mut counts: crate::FastMap<Value, usize> = crate::FastMap::default();
        let mut best: Option<(Value, usize)> = None;
        for g in &guards {
            let n = counts.entry(g.root).or_default();
            *n += 1;
            if best.is_none_or(|(_, m)| *n > m) {
                best = Some((g.root, *n));
            }
        }
        let Some((root, n)) = best else { return };
        if n < least {
            return;
        }
        // Intersect in block order, leaving in place a guard that would empty the range.
        let (mut lo, mut hi) = (0u64, u64::MAX);
        let mut chosen: FastSet<usize> = FastSet::default();
        for g in guards.iter().filter(|g| g.root == root) {
            match g.rooted {
                None => {}
                Some((l, h)) if l.max(lo) <= h.min(hi) => {
                    lo = l.max(lo);
                    hi = h.min(hi);
                }
                Some(_) => continue,
            }
            chosen.insert(g.at);
        }
        if chosen.len() < least {
            return;
        }
        let first = *chosen.iter().min().expect("two guards");
        let block_id = Block(f.first_block + bi as u32);
        let mut insts = std::mem::take(&mut f.blocks[bi].insts);
        let mut tail: Vec<Inst> = insts.split_off(first);
        if (lo, hi) != (0, u64::MAX) {
            let slow = slow_copy(f, bi, &insts, &tail);
            // Leave for the slow copy when root is outside lo..=hi.
            let int = |f: &mut Function, v: i64| new_value(f, Kind::Int, ValueDef::Const(v as u64));
            let mut test = |f: &mut Function, op: BinOp, a: Value, b: Value| {
                let r = new_value(f, Kind::Int, ValueDef::Const(0));
                insts.push(Inst {
                    op: InstOp::Binary(op, a, b),
                    result: Some(r),
                });
                r
            };
            let cond = if lo == 0 {
                let h = int(f, hi as i64);
                test(f, BinOp::Ugt, root, h)
            } else if hi == u64::MAX {
                let l = int(f, lo as i64);
                test(f, BinOp::Ult, root, l)
            } else {
                let l = int(f, lo.wrapping_neg() as i64);
                let t = test(f, BinOp::Add, root, l);
                let w = int(f, (hi - lo) as i64);
                test(f, BinOp::Ugt, t, w)
            };
            insts.push(Inst {
                op: InstOp::ExitIf(cond, slow),
                result: None,
            });
        }
        let mut at = first;
        tail.retain(|_| {
            at += 1;
            !chosen.contains(&(at - 1))
        });
        insts.extend(tail);
        renumber(f, block_id, &insts);
        f.blocks[bi].insts = insts;
    }
}

/// A new block running `tail` (the instructions of block `bi` from some point on) and
/// the block's terminator, with the values of `head` (the instructions before that
/// point) and the block's parameters it reads as parameters; the jump to it. Arithmetic
/// of `head` whose results only the copy reads is computed again in the copy, so the
/// common path does not keep it alive for the jump.
fn slow_copy(f: &mut Function, bi: usize, head: &[Inst], tail: &[Inst]) -> Target {
    let block = &f.blocks[bi];
    let mut before: FastSet<Value> = block.params.iter().copied().collect();
    before.extend(head.iter().filter_map(|i| i.result));
    // Values of `head` the copy reads; `needed` holds the members of `live` still read.
    let mut live: Vec<Value> = Vec::new();
    let mut needed: FastSet<Value> = FastSet::default();
    let note = |v: Value, live: &mut Vec<Value>, needed: &mut FastSet<Value>| {
        if before.contains(&v) && needed.insert(v) {
            live.push(v);
        }
    };
    for i in tail {
        i.op.each_use(|v| note(v, &mut live, &mut needed));
    }
    block.term.each_use(|v| note(v, &mut live, &mut needed));
    let mut again: Vec<Inst> = Vec::new();
    for inst in head.iter().rev() {
        let Some(r) = inst.result else { continue };
        if matches!(inst.op, InstOp::Binary(..) | InstOp::Unary(..)) && needed.remove(&r) {
            inst.op.each_use(|v| note(v, &mut live, &mut needed));
            again.push(inst.clone());
        }
    }
    again.reverse();
    live.retain(|v| needed.contains(v));
    let term = block.term.clone();
    let id = Block(f.first_block + f.blocks.len() as u32);
    let mut copier = Copier::new(id);
    let params = copier.params(f, &live);
    let mut insts = Vec::with_capacity(again.len() + tail.len());
    for (j, inst) in again.iter().chain(tail).enumerate() {
        insts.push(copier.inst(f, j, inst.op.clone(), inst.result));
    }
    let mut term = term;
    term.map_uses(|v| copier.value(v));
    f.blocks.push(BlockData {
        params,
        insts,
        term,
        unreached: false,
    });
    Target {
        block: id,
        args: live,
    }
}

/// Remove, block by block, pure instructions whose result nothing reads (see the module
/// doc, 5).
fn remove_dead(f: &mut Function) {
    let mut uses = vec![0u32; f.values.len()];
    let first = f.first_value;
    let count = |uses: &mut Vec<u32>, v: Value| {
        if let Some(i) = v.0.checked_sub(first) {
            uses[i as usize] += 1;
        }
    };
    for b in &f.blocks {
        for i in &b.insts {
            i.op.each_use(|v| count(&mut uses, v));
        }
        b.term.each_use(|v| count(&mut uses, v));
    }
    let mut keep: Vec<bool> = Vec::new();
    for bi in 0..f.blocks.len() {
        let insts = &f.blocks[bi].insts;
        keep.clear();
        keep.resize(insts.len(), true);
        let mut removed = false;
        for (j, inst) in insts.iter().enumerate().rev() {
            let pure = matches!(inst.op, InstOp::Binary(..) | InstOp::Unary(..));
            let Some(r) = inst.result else { continue };
            if pure && uses[(r.0 - first) as usize] == 0 {
                keep[j] = false;
                removed = true;
                inst.op.each_use(|v| {
                    if let Some(i) = v.0.checked_sub(first) {
                        uses[i as usize] -= 1;
                    }
                });
            }
        }
        if removed {
            let mut insts = std::mem::take(&mut f.blocks[bi].insts);
            let mut k = keep.iter();
            insts.retain(|_| *k.next().expect("one flag per instruction"));
            renumber(f, Block(f.first_block + bi as u32), &insts);
            f.blocks[bi].insts = insts;
        }
    }
}

/// Record `insts` as the instructions of `block`, at their positions.
fn renumber(f: &mut Function, block: Block, insts: &[Inst]) {
    for (j, inst) in insts.iter().enumerate() {
        if let Some(r) = inst.result {
            f.values[(r.0 - f.first_value) as usize].def = ValueDef::Inst {
                block,
                index: j as u32,
            };
        }
    }
}

fn int_const(f: &Function, v: Value) -> Option<i64> {
    if v.0 < f.first_value || f.kind(v) != Kind::Int {
        return None;
    }
    f.const_bits(v).map(|b| b as i64)
}

fn new_value(f: &mut Function, kind: Kind, def: ValueDef) -> Value {
    let v = Value(f.first_value + f.values.len() as u32);
    f.values.push(ValueData { kind, def });
    v
}

#[cfg(test)]
mod tests {
    use crate::ir::*;
    use crate::{new_backend, BackendKind, FunctionBuilder};

    const TAPE: i64 = 30000;

    /// Fill the blocks `off` (taken when move `k` would leave the tape) with returns of
    /// `-(k + 1)`, and finish the function.
    fn finish_with_moves_off(mut b: FunctionBuilder, off: &[Block], optimize: bool) -> Function {
        for (k, &o) in off.iter().enumerate() {
            b.switch_to(o).unwrap();
            let e = b.iconst(-(k as i64) - 1);
            b.ret(Some(e)).unwrap();
        }
        b.set_optimize(optimize);
        b.finish().unwrap()
    }

    /// `f(p, tape)`: a brainfuck `[>>>>>>>>>]` (`p` moves by 9 until a zero cell), each
    /// move checked like bf's `>`; the result is the final `p`, or `-(k + 1)` when move
    /// `k` would leave the tape.
    fn scan_loop(optimize: bool) -> Function {
        use Kind::*;
        let mut b = FunctionBuilder::new("scan", Sig::new(&[Int, Ptr], Some(Int)));
        let [p0, tape] = b.params(b.entry())[..] else {
            unreachable!()
        };
        let lp = b.create_block(&[Int, Ptr]);
        let done = b.create_block(&[Int]);
        let off: Vec<Block> = (0..9).map(|_| b.create_block(&[])).collect();
        b.jump(lp, &[p0, tape]).unwrap();
        b.switch_to(lp).unwrap();
        let [mut p, tape] = b.params(lp)[..] else {
            unreachable!()
        };
        for &o in &off {
            let one = b.iconst(1);
            let n = b.binary(BinOp::Add, p, one).unwrap();
            let end = b.iconst(TAPE);
            let out = b.binary(BinOp::Uge, n, end).unwrap();
            let t = b.iconst(1);
            let out = b.binary(BinOp::Eq, out, t).unwrap();
            b.exit_if(out, o, &[]).unwrap();
            p = n;
        }
        let cell = b.load_indexed(MemType::U8, tape, p, 1, 0).unwrap();
        b.branch(cell, lp, &[p, tape], done, &[p]).unwrap();
        b.switch_to(done).unwrap();
        let r = b.params(done)[0];
        b.ret(Some(r)).unwrap();
        finish_with_moves_off(b, &off, optimize)
    }

    /// `f(p, tape)`: a brainfuck `>+>>+>>+>>` that does not loop: each move checked like
    /// bf's `>`, each `+` storing its move's number; the result is the final `p`, or
    /// `-(k + 1)` when move `k` would leave the tape.
    fn straight_moves(optimize: bool) -> Function {
        use Kind::*;
        let mut b = FunctionBuilder::new("moves", Sig::new(&[Int, Ptr], Some(Int)));
        let [mut p, tape] = b.params(b.entry())[..] else {
            unreachable!()
        };
        let off: Vec<Block> = (0..9).map(|_| b.create_block(&[])).collect();
        for (k, &o) in off.iter().enumerate() {
            let one = b.iconst(1);
            let n = b.binary(BinOp::Add, p, one).unwrap();
            let end = b.iconst(TAPE);
            let out = b.binary(BinOp::Uge, n, end).unwrap();
            b.exit_if(out, o, &[]).unwrap();
            p = n;
            if k % 3 == 0 {
                let v = b.iconst(k as i64);
                b.store_indexed(MemType::U8, tape, p, 1, 0, v).unwrap();
            }
        }
        b.ret(Some(p)).unwrap();
        finish_with_moves_off(b, &off, optimize)
    }

    /// `f(p, tape)`: a brainfuck `+[->>>>>>>>>+<<<<<<<<<]` at `p` (a do-while loop: it
    /// counts the cell down from what `+` left and adds each turn to the cell nine to the
    /// right, which it loads every turn); the result is 0, or -1 when `p + 9` is off the
    /// tape.
    fn transfer_loop(optimize: bool) -> Function {
        use Kind::*;
        let mut b = FunctionBuilder::new("transfer", Sig::new(&[Int, Ptr], Some(Int)));
        let [p0, tape0] = b.params(b.entry())[..] else {
            unreachable!()
        };
        let lp = b.create_block(&[Int, Ptr, Int]);
        let (off, done) = (b.create_block(&[]), b.create_block(&[]));
        let end = b.iconst(TAPE - 9);
        let out = b.binary(BinOp::Uge, p0, end).unwrap();
        b.exit_if(out, off, &[]).unwrap();
        let c0 = b.load_indexed(MemType::U8, tape0, p0, 1, 0).unwrap();
        let one = b.iconst(1);
        let m = b.iconst(255);
        let c0 = b.binary(BinOp::Add, c0, one).unwrap();
        let c0 = b.binary(BinOp::And, c0, m).unwrap();
        b.jump(lp, &[c0, tape0, p0]).unwrap();
        b.switch_to(lp).unwrap();
        let [c, tape, p] = b.params(lp)[..] else {
            unreachable!()
        };
        let end = b.iconst(TAPE - 9);
        let out = b.binary(BinOp::Uge, p, end).unwrap();
        b.exit_if(out, off, &[]).unwrap();
        let c1 = b.binary(BinOp::Sub, c, one).unwrap();
        let c1 = b.binary(BinOp::And, c1, m).unwrap();
        b.store_indexed(MemType::U8, tape, p, 1, 0, c1).unwrap();
        let d = b.load_indexed(MemType::U8, tape, p, 1, 9).unwrap();
        let d1 = b.binary(BinOp::Add, d, one).unwrap();
        let d1 = b.binary(BinOp::And, d1, m).unwrap();
        b.store_indexed(MemType::U8, tape, p, 1, 9, d1).unwrap();
        b.branch(c1, lp, &[c1, tape, p], done, &[]).unwrap();
        b.switch_to(off).unwrap();
        let e = b.iconst(-1);
        b.ret(Some(e)).unwrap();
        b.switch_to(done).unwrap();
        let z = b.iconst(0);
        b.ret(Some(z)).unwrap();
        b.set_optimize(optimize);
        b.finish().unwrap()
    }

    /// `f(p, tape)`: a brainfuck `[-]` at `p`, whose index check does not change in the
    /// loop; the result is 0, or -1 when `p` is off the tape.
    fn clear_loop(optimize: bool) -> Function {
        use Kind::*;
        let mut b = FunctionBuilder::new("clear", Sig::new(&[Int, Ptr], Some(Int)));
        let [p0, tape] = b.params(b.entry())[..] else {
            unreachable!()
        };
        let lp = b.create_block(&[Int, Ptr]);
        let (off, done) = (b.create_block(&[]), b.create_block(&[]));
        b.jump(lp, &[p0, tape]).unwrap();
        b.switch_to(lp).unwrap();
        let [p, tape] = b.params(lp)[..] else {
            unreachable!()
        };
        let end = b.iconst(TAPE);
        let out = b.binary(BinOp::Uge, p, end).unwrap();
        b.exit_if(out, off, &[]).unwrap();
        let c = b.load_indexed(MemType::U8, tape, p, 1, 0).unwrap();
        let one = b.iconst(1);
        let c = b.binary(BinOp::Sub, c, one).unwrap();
        let m = b.iconst(255);
        let c = b.binary(BinOp::And, c, m).unwrap();
        b.store_indexed(MemType::U8, tape, p, 1, 0, c).unwrap();
        b.branch(c, lp, &[p, tape], done, &[]).unwrap();
        b.switch_to(off).unwrap();
        let e = b.iconst(-1);
        b.ret(Some(e)).unwrap();
        b.switch_to(done).unwrap();
        let z = b.iconst(0);
        b.ret(Some(z)).unwrap();
        b.set_optimize(optimize);
        b.finish().unwrap()
    }

    /// The backends this host runs, the reference first.
    fn backend_kinds() -> Vec<BackendKind> {
        let mut kinds = vec![BackendKind::Reference];
        if cfg!(all(target_arch = "x86_64", unix)) {
            kinds.push(BackendKind::X86);
        }
        kinds
    }

    /// Run `make(optimize)` both ways on the reference backend, and optimised on x86,
    /// from every start in `starts` on a tape with zero cells at `zeros`: the results and
    /// tapes agree.
    fn agree(make: impl Fn(bool) -> Function, starts: &[u64], zeros: &[usize]) {
        let make = &make;
        let kinds = backend_kinds();
        let runs: Vec<(Box<dyn crate::Backend>, crate::FuncId)> = [false, true]
            .iter()
            .flat_map(|&opt| {
                kinds.iter().map(move |&k| {
                    let be = new_backend(k, None).unwrap();
                    let id = be.compile(make(opt)).unwrap();
                    (be, id)
                })
            })
            .collect();
        for &p in starts {
            let mut outcomes = Vec::new();
            for (be, id) in &runs {
                let mut tape = vec![7u8; TAPE as usize + 64];
                for &z in zeros {
                    tape[z] = 0;
                }
                let r = unsafe { be.call(*id, &[p, tape.as_mut_ptr() as u64]) };
                outcomes.push((r, tape));
            }
            for o in &outcomes[1..] {
                assert_eq!(o.0, outcomes[0].0, "result from p = {p}");
                assert!(o.1 == outcomes[0].1, "tape from p = {p}");
            }
        }
    }

    /// `f(c, d, tape, p)`: a loop counting `c` down to 0 by 1 (mod 256) while `d` steps
    /// by 3 (mod 256) and `e` by -2 (mod 2^64), storing `c` and `d` at `p` and `p + 1`
    /// each turn; it leaves through a side exit (`exit_form`) or a branch, and returns
    /// `d * 2^32 + e`, `e` starting at 1000.
    fn countdown_loop(optimize: bool, exit_form: bool) -> Function {
        use Kind::*;
        let mut b = FunctionBuilder::new("countdown", Sig::new(&[Int, Int, Ptr, Int], Some(Int)));
        let [c0, d0, tape0, p0] = b.params(b.entry())[..] else {
            unreachable!()
        };
        let lp = b.create_block(&[Int, Int, Int, Ptr, Int]);
        let done = b.create_block(&[Int, Int]);
        let e0 = b.iconst(1000);
        b.jump(lp, &[c0, d0, e0, tape0, p0]).unwrap();
        b.switch_to(lp).unwrap();
        let [c, d, e, tape, p] = b.params(lp)[..] else {
            unreachable!()
        };
        let (one, three, two, m) = (b.iconst(1), b.iconst(3), b.iconst(2), b.iconst(255));
        let c1 = b.binary(BinOp::Sub, c, one).unwrap();
        let c1 = b.binary(BinOp::And, c1, m).unwrap();
        let d1 = b.binary(BinOp::Add, d, three).unwrap();
        let d1 = b.binary(BinOp::And, d1, m).unwrap();
        let e1 = b.binary(BinOp::Sub, e, two).unwrap();
        b.store_indexed(MemType::U8, tape, p, 1, 0, c1).unwrap();
        b.store_indexed(MemType::U8, tape, p, 1, 1, d1).unwrap();
        let zero = b.iconst(0);
        let more = b.binary(BinOp::Ne, c1, zero).unwrap();
        if exit_form {
            let z = b.iconst(0);
            let stop = b.binary(BinOp::Eq, more, z).unwrap();
            b.exit_if(stop, done, &[d1, e1]).unwrap();
            b.jump(lp, &[c1, d1, e1, tape, p]).unwrap();
        } else {
            b.branch(more, lp, &[c1, d1, e1, tape, p], done, &[d1, e1])
                .unwrap();
        }
        b.switch_to(done).unwrap();
        let [d, e] = b.params(done)[..] else {
            unreachable!()
        };
        let k = b.iconst(1 << 32);
        let hi = b.binary(BinOp::Mul, d, k).unwrap();
        let r = b.binary(BinOp::Add, hi, e).unwrap();
        b.ret(Some(r)).unwrap();
        b.set_optimize(optimize);
        b.finish().unwrap()
    }

    #[test]
    fn countdown_loops_run_their_last_turn_only() {
        for exit_form in [false, true] {
            let f = countdown_loop(true, exit_form);
            let looping = f.blocks.iter().enumerate().any(|(i, b)| {
                let id = Block(f.first_block + i as u32);
                b.term.successors().contains(&id)
            });
            assert!(!looping, "the loop is gone:\n{f}");
            let bs: Vec<_> = backend_kinds()
                .into_iter()
                .map(|k| new_backend(k, None).unwrap())
                .collect();
            let plain = bs[0].compile(countdown_loop(false, exit_form)).unwrap();
            let opt: Vec<_> = bs
                .iter()
                .map(|b| b.compile(countdown_loop(true, exit_form)).unwrap())
                .collect();
            // Every counter (0 runs 256 turns), high bits set or not, several d.
            for c in (0u64..=256).chain([u64::MAX, 0x1_0000_0005]) {
                for d in [0u64, 7, 254, 1 << 40] {
                    let run = |be: &dyn crate::Backend, id| {
                        let mut tape = vec![9u8; 4];
                        let r = unsafe { be.call(id, &[c, d, tape.as_mut_ptr() as u64, 1]) };
                        (r, tape)
                    };
                    let want = run(bs[0].as_ref(), plain);
                    for (be, id) in bs.iter().zip(&opt) {
                        assert_eq!(run(be.as_ref(), *id), want, "c = {c}, d = {d}");
                    }
                }
            }
        }
        insta::assert_snapshot!(
            "countdown_optimised",
            countdown_loop(true, true).to_string()
        );
    }

    /// `f(tape, p)`: brainfuck's `+++++>--<` at `p` (cells of `u8`), then returns the cell.
    fn increments(optimize: bool) -> Function {
        use Kind::*;
        let mut b = FunctionBuilder::new("increments", Sig::new(&[Ptr, Int], Some(Int)));
        let [tape, p] = b.params(b.entry())[..] else {
            unreachable!()
        };
        let m = b.iconst(255);
        let step = |b: &mut FunctionBuilder, at: Value, op: BinOp, n: usize| {
            let mut c = b.load_indexed(MemType::U8, tape, at, 1, 0).unwrap();
            for _ in 0..n {
                let one = b.iconst(1);
                let v = b.binary(op, c, one).unwrap();
                c = b.binary(BinOp::And, v, m).unwrap();
                b.store_indexed(MemType::U8, tape, at, 1, 0, c).unwrap();
            }
        };
        step(&mut b, p, BinOp::Add, 5);
        let one = b.iconst(1);
        let q = b.binary(BinOp::Add, p, one).unwrap();
        step(&mut b, q, BinOp::Sub, 2);
        let r = b.load_indexed(MemType::U8, tape, p, 1, 0).unwrap();
        b.ret(Some(r)).unwrap();
        b.set_optimize(optimize);
        b.finish().unwrap()
    }

    #[test]
    fn a_run_of_increments_is_one_step_and_one_store() {
        let f = increments(true);
        insta::assert_snapshot!("increments_optimised", f.to_string());
        let stores = f.blocks[0]
            .insts
            .iter()
            .filter(|i| matches!(i.op, InstOp::Store(..)))
            .count();
        assert_eq!(stores, 2, "{f}");
        let be = new_backend(BackendKind::Reference, None).unwrap();
        let (a, b) = (
            be.compile(increments(false)).unwrap(),
            be.compile(f).unwrap(),
        );
        for cells in [[0u8, 0], [254, 1], [255, 0], [7, 200]] {
            let (mut t1, mut t2) = (cells.to_vec(), cells.to_vec());
            let r1 = unsafe { be.call(a, &[t1.as_mut_ptr() as u64, 0]) };
            let r2 = unsafe { be.call(b, &[t2.as_mut_ptr() as u64, 0]) };
            assert_eq!((r1, t1), (r2, t2), "{cells:?}");
        }
    }

    #[test]
    fn scan_loop_tests_its_index_once_a_turn() {
        insta::assert_snapshot!("scan_plain", scan_loop(false).to_string());
        insta::assert_snapshot!("scan_optimised", scan_loop(true).to_string());
        // Near both ends of the tape, where the single test fails and the slow copy
        // finds which move leaves it; also a start whose moves wrap around.
        let starts: Vec<u64> = [0u64, 1, 5, 29970, 29980, 29989, 29990, 29991, 29995]
            .into_iter()
            .chain((29982..30002).step_by(1))
            .chain([u64::MAX - 3, u64::MAX])
            .collect();
        agree(scan_loop, &starts, &[45, 29999, 29990]);
    }

    #[test]
    fn straight_moves_test_their_index_once() {
        let f = straight_moves(true);
        let entry = f.block(f.entry);
        let exits = |b: &BlockData| {
            b.insts
                .iter()
                .filter(|i| matches!(i.op, InstOp::ExitIf(..)))
                .count()
        };
        assert_eq!(exits(entry), 1, "one widened test on the fast path:\n{f}");
        assert!(
            f.blocks.iter().any(|b| exits(b) == 9),
            "a slow copy keeps all nine:\n{f}"
        );
        let starts: Vec<u64> = (29985..30002)
            .chain([0, 7, u64::MAX - 4, u64::MAX])
            .collect();
        agree(straight_moves, &starts, &[]);
    }

    #[test]
    fn a_cell_loaded_every_turn_is_kept_in_a_register() {
        let f = transfer_loop(true);
        let looping_loads = f.blocks.iter().enumerate().any(|(i, b)| {
            super::loops_on_itself(b, Block(f.first_block + i as u32))
                && b.insts.iter().any(|i| matches!(i.op, InstOp::Load(..)))
        });
        assert!(!looping_loads, "a loop still loads every turn:\n{f}");
        insta::assert_snapshot!("transfer_optimised", f.to_string());
        let starts: Vec<u64> = [0u64, 1, 100, 29980, 29990, 29991, 29999, 30000, u64::MAX]
            .into_iter()
            .collect();
        agree(transfer_loop, &starts, &[1, 100, 29990]);
    }

    /// `f(p, tape)`: a loop counting the cell at `p` down (from one more than it holds)
    /// whose body loads, steps and stores cells at `p + 1 ..= p + 8` with types of
    /// different widths and signs (stores that overlap loads of other widths included),
    /// chosen by `seed`, and adds what it loads to a sum it returns; -1 when `p` is too
    /// close to the tape's end.
    fn memory_loop(seed: u64, optimize: bool) -> Function {
        use Kind::*;
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let tys = [
            MemType::U8,
            MemType::I8,
            MemType::U16,
            MemType::I16,
            MemType::U32,
        ];
        let mut b = FunctionBuilder::new("memory", Sig::new(&[Int, Ptr], Some(Int)));
        let [p0, tape0] = b.params(b.entry())[..] else {
            unreachable!()
        };
        let lp = b.create_block(&[Int, Ptr, Int, Int]);
        let (off, done) = (b.create_block(&[]), b.create_block(&[Int]));
        let end = b.iconst(TAPE - 16);
        let out = b.binary(BinOp::Uge, p0, end).unwrap();
        b.exit_if(out, off, &[]).unwrap();
        let c0 = b.load_indexed(MemType::U8, tape0, p0, 1, 0).unwrap();
        let (one, m) = (b.iconst(1), b.iconst(255));
        let c0 = b.binary(BinOp::Add, c0, one).unwrap();
        let c0 = b.binary(BinOp::And, c0, m).unwrap();
        let zero = b.iconst(0);
        b.jump(lp, &[c0, tape0, p0, zero]).unwrap();
        b.switch_to(lp).unwrap();
        let [c, tape, p, mut sum] = b.params(lp)[..] else {
            unreachable!()
        };
        let out = b.binary(BinOp::Uge, p, end).unwrap();
        b.exit_if(out, off, &[]).unwrap();
        let c1 = b.binary(BinOp::Sub, c, one).unwrap();
        let c1 = b.binary(BinOp::And, c1, m).unwrap();
        b.store_indexed(MemType::U8, tape, p, 1, 0, c1).unwrap();
        for _ in 0..1 + next(6) {
            let (ty, o) = (tys[next(5) as usize], 1 + next(8) as i32);
            match next(3) {
                0 => {
                    let v = b.load_indexed(ty, tape, p, 1, o).unwrap();
                    let k = b.iconst(next(7) as i64 - 3);
                    let w = b.binary(BinOp::Add, v, k).unwrap();
                    let (ty2, o2) = if next(2) == 0 {
                        (ty, o)
                    } else {
                        (tys[next(5) as usize], 1 + next(8) as i32)
                    };
                    b.store_indexed(ty2, tape, p, 1, o2, w).unwrap();
                }
                1 => {
                    let k = b.iconst(next(300) as i64 - 20);
                    b.store_indexed(ty, tape, p, 1, o, k).unwrap();
                }
                _ => {
                    let v = b.load_indexed(ty, tape, p, 1, o).unwrap();
                    sum = b.binary(BinOp::Add, sum, v).unwrap();
                }
            }
        }
        b.branch(c1, lp, &[c1, tape, p, sum], done, &[sum]).unwrap();
        b.switch_to(off).unwrap();
        let e = b.iconst(-1);
        b.ret(Some(e)).unwrap();
        b.switch_to(done).unwrap();
        let r = b.params(done)[0];
        b.ret(Some(r)).unwrap();
        b.set_optimize(optimize);
        b.finish().unwrap()
    }

    #[test]
    fn random_loops_over_memory_agree() {
        let starts = [0u64, 3, 100, TAPE as u64 - 17, TAPE as u64 - 16];
        for seed in 0..300 {
            agree(|o| memory_loop(seed, o), &starts, &[3, 104]);
        }
    }

    #[test]
    fn clear_loop_checks_its_index_on_entry_only() {
        let f = clear_loop(true);
        insta::assert_snapshot!("clear_optimised", f.to_string());
        agree(clear_loop, &[0, 1, 29999, 30000, 30001, u64::MAX], &[]);
    }

    /// Loads after stores and loads in one block: which are forwarded, which must stay.
    fn forwarding(optimize: bool) -> Function {
        use MemType::{I64, I8, U16, U8};
        let sig = Sig::new(&[Kind::Ptr, Kind::Ptr, Kind::Int], Some(Kind::Int));
        let mut b = FunctionBuilder::new("forwarding", sig);
        let [a, other, x] = b.params(b.entry())[..] else {
            unreachable!()
        };
        let mut loads = Vec::new();
        // Not sign-extended already: the load must stay.
        b.store(I8, a, 0, x).unwrap();
        loads.push(b.load(I8, a, 0).unwrap());
        // Masked to the byte: forwarded.
        let m = b.iconst(255);
        let low = b.binary(BinOp::And, x, m).unwrap();
        b.store(U8, a, 1, low).unwrap();
        loads.push(b.load(U8, a, 1).unwrap());
        // A narrower store inside the word: the load must stay.
        b.store(I64, a, 8, x).unwrap();
        let five = b.iconst(5);
        b.store(U8, a, 9, five).unwrap();
        loads.push(b.load(I64, a, 8).unwrap());
        // A store through another pointer may hit the word: the load must stay.
        b.store(I64, a, 16, x).unwrap();
        let three = b.iconst(3);
        b.store(I64, other, 0, three).unwrap();
        loads.push(b.load(I64, a, 16).unwrap());
        // The same load twice: the second is the first; a store elsewhere keeps it.
        loads.push(b.load(U16, a, 24).unwrap());
        b.store(U16, a, 26, x).unwrap();
        loads.push(b.load(U16, a, 24).unwrap());
        let mut sum = loads[0];
        for l in &loads[1..] {
            sum = b.binary(BinOp::Add, sum, *l).unwrap();
        }
        b.ret(Some(sum)).unwrap();
        b.set_optimize(optimize);
        b.finish().unwrap()
    }

    #[test]
    fn loads_are_forwarded_only_where_memory_is_known() {
        let f = forwarding(true);
        insta::assert_snapshot!("forwarding_optimised", f.to_string());
        let loads = |f: &Function| {
            f.blocks[0]
                .insts
                .iter()
                .filter(|i| matches!(i.op, InstOp::Load(..)))
                .count()
        };
        assert_eq!((loads(&forwarding(false)), loads(&f)), (6, 4), "{f}");
        for k in backend_kinds() {
            let be = new_backend(k, None).unwrap();
            let (plain, opt) = (
                be.compile(forwarding(false)).unwrap(),
                be.compile(forwarding(true)).unwrap(),
            );
            for x in [0u64, 0x1ff, u64::MAX, 300, 0x8000_0080] {
                // `other` apart from `a`, then on the word at `a + 16`.
                for apart in [true, false] {
                    let (mut m1, mut m2) = (vec![0u8; 64], vec![0u8; 64]);
                    let run = |be: &dyn crate::Backend, id, m: &mut Vec<u8>| {
                        let a = m.as_mut_ptr() as u64;
                        let other = if apart { a + 40 } else { a + 16 };
                        unsafe { be.call(id, &[a, other, x]) }
                    };
                    let r1 = run(&*be, plain, &mut m1);
                    let r2 = run(&*be, opt, &mut m2);
                    assert_eq!((r1, m1), (r2, m2), "{k:?}, x = {x:#x}, apart: {apart}");
                }
            }
        }
    }
}
