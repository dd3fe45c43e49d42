//! Register allocation by linear scan over lifetime intervals, one block at a time.
//!
//! Because values are block-local (see [`crate::ir`]), every interval lies inside one
//! block: positions are `0` for the block's parameters, `2i+1` for the uses of
//! instruction `i`, `2i+2` for its result, and `2n+1` for the terminator's uses. An
//! interval that runs past the start of another's is live at the same time.
//!
//! - Parameters whose locations were fixed earlier (by a jump already compiled, or by
//!   the flexswitch a fragment hangs from) keep them.
//! - An interval that crosses a call prefers a callee-saved register; one left in a
//!   caller-saved register gets a save slot. Values never change, so it is stored there
//!   before the first call it crosses only, and loaded back after a call only when it is
//!   read before the next call it crosses (or at all, after the last).
//! - When registers run out, the interval that ends last goes to a stack slot for its
//!   whole life (no splitting).
//!
//! **Invariant:** two intervals that overlap never share a register or a slot.

use super::regs::*;
use crate::ir::*;
use crate::FastMap as HashMap;

/// The result of allocating one block.
#[derive(Debug, Default)]
pub struct BlockAlloc {
    /// For each instruction index that is a call: the registers to save around it and
    /// the slots they go to.
    pub call_saves: HashMap<usize, Vec<CallSave>>,
    /// One past the highest slot index used.
    pub slots: u32,
}

/// A caller-saved register holding a value live across a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallSave {
    pub reg: Loc,
    pub slot: u32,
    /// Store the register before the call (the first call the value crosses).
    pub save: bool,
    /// Load the register after the call (the value is read before the next call it
    /// crosses).
    pub restore: bool,
}

#[derive(Debug)]
struct Interval {
    value: Value,
    float: bool,
    start: u32,
    end: u32,
    fixed: Option<Loc>,
    hint: Option<Loc>,
    crosses_call: bool,
    loc: Option<Loc>,
}

/// Tables reused from block to block of one function, indexed by value number from the
/// function's `first_value` (values are block-local, so a block only reads entries it
/// wrote).
pub struct Scratch {
    /// The interval of each value of the block being allocated.
    interval: Vec<u32>,
}

impl Scratch {
    pub fn new(f: &Function) -> Scratch {
        Scratch {
            interval: vec![u32::MAX; f.values.len()],
        }
    }
}

/// Allocate block `b` of `f`, writing the location of every parameter and instruction
/// result of the block into `locs` (indexed by value number from `f.first_value`).
/// `fixed` gives the parameter locations if they are already decided; `target_params`
/// gives the decided parameter locations of other blocks, used as hints so that values
/// flow into them without moves.
///
/// `no_uses[i]`: instruction `i` does not read its operands when it runs (see
/// `emit::Plan::no_uses`), so they need not live until it.
pub fn allocate(
    f: &Function,
    b: Block,
    fixed: Option<&[Loc]>,
    target_params: &dyn Fn(Block) -> Option<Vec<Loc>>,
    no_uses: &[bool],
    scratch: &mut Scratch,
    locs: &mut [Loc],
) -> BlockAlloc {
    let data = f.block(b);
    let n = data.insts.len() as u32;
    let first = f.first_value;
    let slot = |v: Value| v.0.checked_sub(first).map(|i| i as usize);
    let mut ivs: Vec<Interval> = Vec::new();
    let table = &mut scratch.interval;
    let mut add = |v: Value, start: u32, fixed: Option<Loc>, ivs: &mut Vec<Interval>| {
        table[slot(v).expect("a value of this function")] = ivs.len() as u32;
        ivs.push(Interval {
            value: v,
            float: f.kind(v) == Kind::Float,
            start,
            end: start,
            fixed,
            hint: None,
            crosses_call: false,
            loc: None,
        });
    };
    for (i, p) in data.params.iter().enumerate() {
        add(*p, 0, fixed.map(|fx| fx[i]), &mut ivs);
    }
    for (i, inst) in data.insts.iter().enumerate() {
        if let Some(r) = inst.result {
            add(r, 2 * i as u32 + 2, None, &mut ivs);
        }
    }
    let table = &scratch.interval;
    // The interval of a value of this block (constants have none).
    let index = |v: Value| -> Option<usize> {
        let i = table[slot(v)?];
        (i != u32::MAX).then_some(i as usize)
    };
    let mut calls = Vec::new();
    let extend = |v: Value, pos: u32, ivs: &mut Vec<Interval>| {
        if let Some(i) = index(v) {
            ivs[i].end = ivs[i].end.max(pos);
        }
    };
    for (i, inst) in data.insts.iter().enumerate() {
        if !no_uses.get(i).copied().unwrap_or(false) {
            inst.op.each_use(|u| extend(u, 2 * i as u32 + 1, &mut ivs));
        }
        if matches!(inst.op, InstOp::Call(..)) {
            calls.push(2 * i as u32 + 1);
        }
    }
    data.term.each_use(|u| extend(u, 2 * n + 1, &mut ivs));
    // Hints: results that are passed to a block whose parameters are placed already
    // go straight there; otherwise a result reuses its first operand's register when
    // that operand dies at the same instruction.
    for t in data.term.targets().into_iter().flatten() {
        if let Some(locs) = target_params(t.block) {
            for (a, l) in t.args.iter().zip(locs) {
                if let Some(i) = index(*a) {
                    if ivs[i].hint.is_none() && l.is_reg() {
                        ivs[i].hint = Some(l);
                    }
                }
            }
        }
    }
    for iv in ivs.iter_mut() {
        iv.crosses_call = calls.iter().any(|&c| iv.start < c && iv.end > c);
    }

    // The scan. Intervals are created in start order already.
    let mut active: Vec<usize> = Vec::new();
    for cur in 0..ivs.len() {
        let start = ivs[cur].start;
        active.retain(|&a| ivs[a].end >= start);
        if let Some(l) = ivs[cur].fixed {
            ivs[cur].loc = Some(l);
            if l.is_reg() {
                active.push(cur);
            }
            continue;
        }
        // The operand-reuse hint, computed now that operand locations are known.
        if ivs[cur].hint.is_none() {
            if let ValueDef::Inst { index: ii, .. } = f.value(ivs[cur].value).def {
                if let InstOp::Binary(_, a, _) | InstOp::Unary(_, a) = &data.insts[ii as usize].op {
                    if let Some(ai) = index(*a) {
                        if ivs[ai].end == start - 1 && ivs[ai].float == ivs[cur].float {
                            ivs[cur].hint = ivs[ai].loc.filter(|l| l.is_reg());
                        }
                    }
                }
            }
        }
        let busy = |l: Loc, active: &[usize], ivs: &[Interval]| {
            active.iter().any(|&a| ivs[a].loc == Some(l))
        };
        let float = ivs[cur].float;
        let candidates: Vec<Loc> = if float {
            (0..FLOAT_REGS).map(Loc::Xmm).collect()
        } else if ivs[cur].crosses_call {
            CALLEE_SAVED
                .iter()
                .chain(CALLER_SAVED.iter())
                .map(|r| Loc::Reg(*r))
                .collect()
        } else {
            CALLER_SAVED
                .iter()
                .chain(CALLEE_SAVED.iter())
                .map(|r| Loc::Reg(*r))
                .collect()
        };
        let hint = ivs[cur]
            .hint
            .filter(|h| candidates.contains(h) && !busy(*h, &active, &ivs));
        let free = hint.or_else(|| {
            candidates
                .iter()
                .copied()
                .find(|c| !busy(*c, &active, &ivs))
        });
        match free {
            Some(l) => {
                ivs[cur].loc = Some(l);
                active.push(cur);
            }
            None => {
                // Spill whichever ends last: an active, movable interval or this one.
                let victim = active
                    .iter()
                    .copied()
                    .filter(|&a| ivs[a].fixed.is_none() && ivs[a].float == float)
                    .max_by_key(|&a| ivs[a].end);
                match victim {
                    Some(v) if ivs[v].end > ivs[cur].end => {
                        ivs[cur].loc = ivs[v].loc.take();
                        active.retain(|&a| a != v);
                        active.push(cur);
                    }
                    _ => {}
                }
            }
        }
    }

    // Stack slots: spilled intervals, and save slots for caller-saved registers live
    // across calls. Fixed parameter slots are taken for their parameter's life.
    let mut taken: Vec<(u32, u32, u32)> = Vec::new(); // (slot, start, end)
    for iv in &ivs {
        if let Some(Loc::Slot(s)) = iv.loc {
            taken.push((s, iv.start, iv.end));
        }
    }
    let pick = |start: u32, end: u32, taken: &mut Vec<(u32, u32, u32)>| -> u32 {
        let mut s = 0;
        while taken
            .iter()
            .any(|&(t, a, b)| t == s && a <= end && start <= b)
        {
            s += 1;
        }
        taken.push((s, start, end));
        s
    };
    let mut save_slot: HashMap<usize, u32> = HashMap::default();
    for i in 0..ivs.len() {
        if ivs[i].loc.is_none() {
            let s = pick(ivs[i].start, ivs[i].end, &mut taken);
            ivs[i].loc = Some(Loc::Slot(s));
        } else if ivs[i].crosses_call && is_caller_saved(ivs[i].loc.unwrap()) {
            let s = pick(ivs[i].start, ivs[i].end, &mut taken);
            save_slot.insert(i, s);
        }
    }
    let mut out = BlockAlloc::default();
    for iv in &ivs {
        locs[slot(iv.value).expect("a value of this function")] = iv.loc.unwrap();
    }
    if !save_slot.is_empty() {
        // The positions at which each saved value is read.
        let mut reads: HashMap<usize, Vec<u32>> = HashMap::default();
        for &i in save_slot.keys() {
            reads.insert(i, Vec::new());
        }
        let mut note = |v: Value, pos: u32| {
            if let Some(i) = index(v) {
                if let Some(r) = reads.get_mut(&i) {
                    r.push(pos);
                }
            }
        };
        for (i, inst) in data.insts.iter().enumerate() {
            if !no_uses.get(i).copied().unwrap_or(false) {
                inst.op.each_use(|u| note(u, 2 * i as u32 + 1));
            }
        }
        data.term.each_use(|u| note(u, 2 * n + 1));
        let mut order: Vec<(&usize, &u32)> = save_slot.iter().collect();
        order.sort();
        for (k, &c) in calls.iter().enumerate() {
            let inst = ((c - 1) / 2) as usize;
            let mut saves = Vec::new();
            for &(&i, &s) in &order {
                let iv = &ivs[i];
                if !(iv.start < c && iv.end > c) {
                    continue;
                }
                let save = !calls[..k].iter().any(|&p| iv.start < p);
                let next = calls[k + 1..].iter().copied().find(|&p| p < iv.end);
                let restore = reads[&i]
                    .iter()
                    .any(|&u| u > c && next.is_none_or(|p| u <= p));
                saves.push(CallSave {
                    reg: iv.loc.unwrap(),
                    slot: s,
                    save,
                    restore,
                });
            }
            out.call_saves.insert(inst, saves);
        }
    } else {
        for &c in &calls {
            out.call_saves.insert(((c - 1) / 2) as usize, Vec::new());
        }
    }
    out.slots = taken.iter().map(|t| t.0 + 1).max().unwrap_or(0);
    if let Some(fx) = fixed {
        for l in fx {
            if let Loc::Slot(s) = l {
                out.slots = out.slots.max(s + 1);
            }
        }
    }
    out
}

/// Choose parameter locations for a block first reached by a jump whose arguments are
/// at `arg_locs`: keep each argument's register where possible, so the jump needs no
/// moves; give constants, duplicates and stack values a free register, or a slot. An
/// integer argument in a caller-saved register moves to a callee-saved one while one is
/// free: a parameter is live from its block's start, often across calls, and in a
/// caller-saved register it would be saved and restored around each of them (later
/// jumps to the block bring their values there directly, see `allocate`'s hints).
pub fn place_params(kinds: &[Kind], arg_locs: &[Loc]) -> Vec<Loc> {
    let mut out: Vec<Loc> = Vec::with_capacity(kinds.len());
    let mut pending = Vec::new();
    let kept_callee_saved: Vec<Loc> = arg_locs
        .iter()
        .filter(|l| matches!(l, Loc::Reg(r) if CALLEE_SAVED.contains(r)))
        .copied()
        .collect();
    let mut free_callee_saved = CALLEE_SAVED
        .iter()
        .map(|r| Loc::Reg(*r))
        .filter(|l| !kept_callee_saved.contains(l));
    for (i, l) in arg_locs.iter().enumerate() {
        let fits = match (kinds[i], l) {
            (Kind::Float, Loc::Xmm(_)) => true,
            (Kind::Int | Kind::Ptr, Loc::Reg(_)) => true,
            _ => false,
        };
        if fits && !out.contains(l) {
            let better = match l {
                Loc::Reg(r) if !CALLEE_SAVED.contains(r) => free_callee_saved.next(),
                _ => None,
            };
            out.push(better.unwrap_or(*l));
        } else {
            out.push(Loc::Imm(0)); // placeholder
            pending.push(i);
        }
    }
    // Left over when registers run out: an argument in a stack slot keeps it (the jump
    // copies nothing for it), the others get slots no parameter has.
    let mut slotless = Vec::new();
    for i in pending {
        let cands: Vec<Loc> = if kinds[i] == Kind::Float {
            (0..FLOAT_REGS).map(Loc::Xmm).collect()
        } else {
            CALLEE_SAVED
                .iter()
                .chain(CALLER_SAVED.iter())
                .map(|r| Loc::Reg(*r))
                .collect()
        };
        out[i] = match cands.into_iter().find(|c| !out.contains(c)) {
            Some(c) => c,
            None => match arg_locs[i] {
                Loc::Slot(s) if !out.contains(&Loc::Slot(s)) => Loc::Slot(s),
                _ => {
                    slotless.push(i);
                    continue;
                }
            },
        };
    }
    let mut next_slot = 0;
    for i in slotless {
        while out.contains(&Loc::Slot(next_slot)) {
            next_slot += 1;
        }
        out[i] = Loc::Slot(next_slot);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{new_backend, BackendKind, FunctionBuilder};

    extern "C" fn bump(x: i64) -> i64 {
        x + 1
    }

    /// `f(a)`: eight sums of `a` made before three calls and read after the last, so
    /// more values cross the calls than there are callee-saved registers.
    fn sums_across_calls() -> Function {
        let h = Helper::new(
            "bump",
            bump as usize,
            Sig::new(&[Kind::Int], Some(Kind::Int)),
        );
        let mut b = FunctionBuilder::new("f", Sig::new(&[Kind::Int], Some(Kind::Int)));
        let a = b.params(b.entry())[0];
        let sums: Vec<Value> = (1..=8)
            .map(|k| {
                let c = b.iconst(k);
                b.binary(BinOp::Add, a, c).unwrap()
            })
            .collect();
        let mut t = a;
        for _ in 0..3 {
            t = b.call(&h, &[t]).unwrap().unwrap();
        }
        let mut acc = t;
        for s in sums {
            acc = b.binary(BinOp::Mul, acc, s).unwrap();
        }
        b.ret(Some(acc)).unwrap();
        b.finish().unwrap()
    }

    #[test]
    fn a_value_is_saved_before_its_first_call_and_restored_before_its_next_read() {
        let f = sums_across_calls();
        let entry = f.block_ids().next().unwrap();
        let no_uses = vec![false; f.block(entry).insts.len()];
        let mut locs = vec![Loc::Imm(0); f.values.len()];
        let alloc = allocate(
            &f,
            entry,
            None,
            &|_| None,
            &no_uses,
            &mut Scratch::new(&f),
            &mut locs,
        );
        let mut calls: Vec<_> = alloc.call_saves.iter().collect();
        calls.sort_by_key(|(i, _)| **i);
        assert_eq!(calls.len(), 3);
        let saved: Vec<_> = calls[0].1.iter().map(|c| (c.reg, c.slot)).collect();
        assert!(!saved.is_empty(), "some sum is in a caller-saved register");
        for (k, (_, saves)) in calls.iter().enumerate() {
            assert_eq!(saves.len(), saved.len(), "the same values cross every call");
            for c in saves.iter() {
                assert_eq!(c.save, k == 0, "stored before the first call only: {c:?}");
                assert_eq!(c.restore, k == 2, "loaded after the last call only: {c:?}");
            }
        }
    }

    #[test]
    fn parameters_prefer_callee_saved_registers_and_keep_their_slots() {
        // Two arguments in caller-saved registers take callee-saved ones, one already in
        // a callee-saved register keeps it.
        let locs = place_params(
            &[Kind::Int, Kind::Ptr, Kind::Int],
            &[Loc::Reg(RSI), Loc::Reg(RBX), Loc::Reg(R8)],
        );
        assert_eq!(locs, vec![Loc::Reg(R12), Loc::Reg(RBX), Loc::Reg(R13)]);
        // With the registers taken, arguments in stack slots stay where they are (the jump
        // moves nothing for them) and a constant gets a slot no other parameter has.
        let mut kinds = vec![Kind::Int; CALLEE_SAVED.len() + CALLER_SAVED.len()];
        let mut args: Vec<Loc> = CALLEE_SAVED
            .iter()
            .chain(CALLER_SAVED.iter())
            .map(|r| Loc::Reg(*r))
            .collect();
        kinds.extend([Kind::Int, Kind::Float, Kind::Int]);
        args.extend([Loc::Slot(7), Loc::Slot(0), Loc::Imm(5)]);
        let n = args.len();
        let got = place_params(&kinds, &args);
        assert_eq!(got[..n - 3], args[..n - 3]);
        assert_eq!(got[n - 3], Loc::Slot(7));
        assert!(
            matches!(got[n - 2], Loc::Xmm(_)),
            "a float takes a free xmm register"
        );
        assert_eq!(got[n - 1], Loc::Slot(0));
    }

    /// `f(a)`: fourteen values `a + k` passed through a chain of blocks (more than the
    /// registers: some sit in stack slots), each block branching on `a + k < 2k + 2`,
    /// which compares a value in a slot with a constant where it is.
    fn compares_in_slots() -> Function {
        const N: i64 = 14;
        let mut b = FunctionBuilder::new("g", Sig::new(&[Kind::Int], Some(Kind::Int)));
        let a = b.params(b.entry())[0];
        let mut vals: Vec<Value> = (0..N)
            .map(|k| {
                let c = b.iconst(k);
                b.binary(BinOp::Add, a, c).unwrap()
            })
            .collect();
        let mut acc = b.iconst(0);
        for k in 0..N {
            let kinds = vec![Kind::Int; N as usize + 1];
            let (yes, no, join) = (
                b.create_block(&kinds),
                b.create_block(&kinds),
                b.create_block(&kinds),
            );
            let bound = b.iconst(2 * k + 2);
            let cond = b.binary(BinOp::Lt, vals[k as usize], bound).unwrap();
            let mut args = vals.clone();
            args.push(acc);
            b.branch(cond, yes, &args, no, &args).unwrap();
            for (blk, bit) in [(yes, 1i64 << k), (no, 0)] {
                b.switch_to(blk).unwrap();
                let ps = b.params(blk).to_vec();
                let c = b.iconst(bit);
                let acc2 = b.binary(BinOp::Or, ps[N as usize], c).unwrap();
                let mut jargs = ps[..N as usize].to_vec();
                jargs.push(acc2);
                b.jump(join, &jargs).unwrap();
            }
            b.switch_to(join).unwrap();
            let ps = b.params(join).to_vec();
            vals = ps[..N as usize].to_vec();
            acc = ps[N as usize];
        }
        let mut sum = acc;
        for v in vals {
            sum = b.binary(BinOp::Add, sum, v).unwrap();
        }
        b.ret(Some(sum)).unwrap();
        b.finish().unwrap()
    }

    #[test]
    fn values_in_slots_compare_right() {
        let want = |a: i64| {
            let bits = (0..14)
                .filter(|&k| a + k < 2 * k + 2)
                .fold(0i64, |m, k| m | 1 << k);
            (0..14).fold(bits, |s, k| s.wrapping_add(a + k))
        };
        agree(
            compares_in_slots,
            &[-3, 0, 1, 2, 5, 9, 13, 100, -1 << 40],
            want,
        );
    }

    /// `f(a)` on both backends gives `want(a)` for each of `args`.
    fn agree(f: fn() -> Function, args: &[i64], want: impl Fn(i64) -> i64) {
        for kind in [BackendKind::X86, BackendKind::Reference] {
            let be = new_backend(kind, None).unwrap();
            let id = be.compile(f()).unwrap();
            for &a in args {
                let got = unsafe { be.call(id, &[a as u64]) } as i64;
                assert_eq!(got, want(a), "{kind:?}, a = {a}");
            }
        }
    }

    #[test]
    fn values_kept_across_calls_come_back_right() {
        let want = |a: i64| (1..=8).fold(a + 3, |acc: i64, k| acc.wrapping_mul(a + k));
        agree(sums_across_calls, &[0, 5, -9, 1 << 20], want);
    }
}
