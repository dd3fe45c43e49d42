//! Compiling one function or fragment to x86-64 machine code.
//!
//! ```text
//! ir::Function ──allocate each block (regalloc)──▶ locations ──emit──▶ bytes at a known address
//! ```
//!
//! Code is assembled into a buffer for the exact address it will occupy, so jumps to
//! blocks compiled earlier (for a fragment: blocks of the function it extends) are plain
//! relative jumps. Nothing is written to executable memory here.
//!
//! **Invariant:** at every block label, `rsp == rbp - frame_bytes(frame of the block)`
//! and each block parameter is in the location recorded for it in [`FuncLayout`].

use super::asm::{self, Alu, Cond, Dest, FAlu, Ops};
use super::moves;
use super::regalloc::{self, BlockAlloc};
use super::regs::*;
use crate::ir::*;
use crate::FastMap as HashMap;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};

/// A memory operand: `[base + index * scale + disp]`.
#[derive(Copy, Clone, Debug)]
struct Mem {
    base: u8,
    /// The index register and its scale (1, 2, 4 or 8).
    index: Option<(u8, u8)>,
    disp: i32,
}

/// Emit one instruction with the memory operand `$m` between the tokens `$pre` and
/// `$post` (dynasm takes scales only as literals, so one arm per scale).
macro_rules! at_mem {
    ($ops:expr, $m:expr, [$($pre:tt)*], [$($post:tt)*]) => {{
        let m: Mem = $m;
        let (base, disp) = (m.base, m.disp);
        match m.index {
            None => dynasm!($ops ; .arch x64 ; $($pre)* [Rq(base) + disp] $($post)*),
            Some((i, 1)) => dynasm!($ops ; .arch x64 ; $($pre)* [Rq(base) + Rq(i) * 1 + disp] $($post)*),
            Some((i, 2)) => dynasm!($ops ; .arch x64 ; $($pre)* [Rq(base) + Rq(i) * 2 + disp] $($post)*),
            Some((i, 4)) => dynasm!($ops ; .arch x64 ; $($pre)* [Rq(base) + Rq(i) * 4 + disp] $($post)*),
            Some((i, _)) => dynasm!($ops ; .arch x64 ; $($pre)* [Rq(base) + Rq(i) * 8 + disp] $($post)*),
        }
    }};
}

/// Cases per flexswitch chunk; a full chunk is continued by a new one.
pub const SWITCH_SLOTS: usize = 6;
/// Bytes of one case slot: `mov r11, imm64; cmp rax, r11; je rel32`.
pub const SLOT_BYTES: usize = 19;

/// What the machine code of a function looks like from outside, kept across fragments.
#[derive(Clone, Debug, Default)]
pub struct FuncLayout {
    /// Per block index: parameter locations.
    pub param_locs: Vec<Option<Vec<Loc>>>,
    /// Per block index: absolute address of the label.
    pub block_addr: Vec<usize>,
    /// Per block index: spill slots of the frame expected at the label.
    pub block_frame: Vec<u32>,
    pub switches: Vec<SwitchLayout>,
}

/// A flexswitch in machine code (see [`SWITCH_SLOTS`]).
#[derive(Clone, Debug)]
pub struct SwitchLayout {
    /// First slot of the chunk now being filled.
    pub chunk: usize,
    /// Slots of that chunk already holding a case.
    pub used: usize,
    /// The chunk's final `jmp rel32`.
    pub tail: usize,
    /// Where values without a case go.
    pub default_stub: usize,
    /// Locations of the switch's arguments: a case's entry parameters.
    pub arg_locs: Vec<Loc>,
    /// Spill slots of the frame at the switch.
    pub frame: u32,
}

/// What an address of compiled code is, for the log: `NAME.blockN`, `NAME.switchN`,
/// `NAME.switchN.default`.
#[derive(Copy, Clone, Debug)]
pub enum Label {
    Block(Block),
    Switch(SwitchId),
    SwitchDefault(SwitchId),
    /// The addresses of the helpers the code calls through memory (data, not code: one
    /// 8-byte word each, to the end of the code).
    Helpers,
}

impl Label {
    pub fn name(self, function: &str) -> String {
        match self {
            Label::Block(b) => format!("{function}.{b}"),
            Label::Switch(id) => format!("{function}.{id}"),
            Label::SwitchDefault(id) => format!("{function}.{id}.default"),
            Label::Helpers => format!("{function}.{HELPERS_LABEL}"),
        }
    }
}

/// The output of [`compile`].
pub struct Compiled {
    pub bytes: Vec<u8>,
    pub entry: usize,
    /// Addresses for the log to name (formatted only when there is a log).
    pub labels: Vec<(usize, Label)>,
    /// Helpers called.
    pub symbols: Vec<(usize, String)>,
}

/// The last part of the name of a [`Label::Helpers`] (what `viewcode` shows as data).
pub const HELPERS_LABEL: &str = "helpers";

struct Pending {
    label: DynamicLabel,
    target: Target,
}

struct Emitter<'a> {
    ops: Ops,
    /// The address the code will occupy.
    base: usize,
    f: &'a Function,
    layout: &'a mut FuncLayout,
    /// Per block of `f` (by index from `f.first_block`): its allocation.
    allocs: Vec<BlockAlloc>,
    /// Per value of `f` (by index from `f.first_value`): its location (values are
    /// block-local, so each has one).
    locs: Vec<Loc>,
    labels: HashMap<Block, DynamicLabel>,
    frame: u32,
    /// Each block's fusion plan, made with its register allocation.
    /// Per block (by index from `f.first_block`): its fusion plan, until emitted.
    plans: Vec<Option<Plan>>,
    /// Side exits and branch stubs emitted after the blocks.
    stubs: Vec<Pending>,
    symbols: Vec<(usize, String)>,
    /// The helpers out of `call rel32` reach and the labels of their words, laid out
    /// after the code: each is called as `call [rip + d]` (6 bytes, against 12 for
    /// `mov rax, imm64; call rax`).
    helper_words: Vec<(usize, DynamicLabel)>,
    /// New switches: (id, chunk offset, tail offset, stub offset, arg locs).
    new_switches: Vec<(SwitchId, usize, usize, usize, Vec<Loc>)>,
}

/// Compile `f` to run at `base`. For a whole function, `layout` is empty and filled;
/// for a fragment it describes the function so far, `entry_locs` are the switch's
/// argument locations and `parent_frame` the frame at the switch.
pub fn compile(
    f: &Function,
    layout: &mut FuncLayout,
    base: usize,
    entry_locs: Option<(Vec<Loc>, u32)>,
) -> Compiled {
    let nblocks = f.block_count() as usize;
    layout.param_locs.resize(nblocks, None);
    layout.block_addr.resize(nblocks, 0);
    layout.block_frame.resize(nblocks, 0);
    let is_fragment = entry_locs.is_some();
    let parent_frame = entry_locs.as_ref().map_or(0, |e| e.1);
    if let Some((locs, _)) = &entry_locs {
        layout.param_locs[f.entry.index()] = Some(locs.clone());
    }

    // Pass 1: allocate every block, fixing parameter locations as jumps reach them.
    let mut allocs = Vec::with_capacity(f.blocks.len());
    let mut plans = Vec::with_capacity(f.blocks.len());
    let mut locs = vec![Loc::Imm(0); f.values.len()];
    let mut frame = parent_frame;
    // How many times each value is read (values are block-local, so per block too).
    let mut uses = vec![0u32; f.values.len()];
    let mut count = |v: Value| {
        if let Some(i) = v.0.checked_sub(f.first_value) {
            uses[i as usize] += 1;
        }
    };
    for data in &f.blocks {
        data.insts.iter().for_each(|i| i.op.each_use(&mut count));
        data.term.each_use(&mut count);
    }
    let mut scratch = regalloc::Scratch::new(f);
    for b in f.block_ids() {
        if f.block(b).unreached {
            plans.push(None);
            allocs.push(regalloc::BlockAlloc::default());
            continue;
        }
        let fixed = layout.param_locs[b.index()].clone();
        let p = plan(f, b, &uses);
        let alloc = {
            let lay = &*layout;
            let tp = |t: Block| lay.param_locs.get(t.index()).cloned().flatten();
            regalloc::allocate(
                f,
                b,
                fixed.as_deref(),
                &tp,
                &p.no_uses,
                &mut scratch,
                &mut locs,
            )
        };
        plans.push(Some(p));
        if fixed.is_none() {
            let ps = f.block(b).params.iter();
            let pl = ps.map(|p| locs[(p.0 - f.first_value) as usize]).collect();
            layout.param_locs[b.index()] = Some(pl);
        }
        frame = frame.max(alloc.slots);
        f.block(b).each_target(|t| {
            if layout.param_locs[t.block.index()].is_none() {
                let arg_locs: Vec<Loc> = t.args.iter().map(|a| loc_of(f, &locs, *a)).collect();
                let kinds: Vec<Kind> = t.args.iter().map(|a| f.kind(*a)).collect();
                let locs = regalloc::place_params(&kinds, &arg_locs);
                for l in &locs {
                    if let Loc::Slot(s) = l {
                        frame = frame.max(s + 1);
                    }
                }
                layout.param_locs[t.block.index()] = Some(locs);
            }
        });
        allocs.push(alloc);
    }
    for b in f.block_ids() {
        layout.block_frame[b.index()] = frame;
    }
    if is_fragment {
        layout.block_frame[f.entry.index()] = parent_frame;
    }

    let mut e = Emitter {
        ops: Ops::new(base),
        base,
        f,
        layout,
        allocs,
        locs,
        labels: HashMap::default(),
        frame,
        plans,
        stubs: Vec::new(),
        symbols: Vec::new(),
        helper_words: Vec::new(),
        new_switches: Vec::new(),
    };
    for b in f.reached_block_ids() {
        let l = e.ops.new_dynamic_label();
        e.labels.insert(b, l);
    }

    // Pass 2: emit.
    let order: Vec<Block> = f.reached_block_ids().collect();
    for (i, &b) in order.iter().enumerate() {
        let next = order.get(i + 1).copied();
        let label = e.labels[&b];
        asm::bind(&mut e.ops, label);
        if b == f.entry {
            if is_fragment {
                if frame > parent_frame {
                    let fb = frame_bytes(frame);
                    dynasm!(e.ops ; .arch x64 ; lea rsp, [rbp - fb]);
                }
            } else {
                e.prologue();
            }
        }
        e.block(b, next);
    }
    let stubs = std::mem::take(&mut e.stubs);
    for p in stubs {
        asm::bind(&mut e.ops, p.label);
        let alloc_locs: Vec<Loc> = p
            .target
            .args
            .iter()
            .map(|a| loc_of(f, &e.locs, *a))
            .collect();
        e.goto(p.target.block, &alloc_locs, None);
    }
    // The helpers' addresses, 8-aligned after the code.
    let helper_words = std::mem::take(&mut e.helper_words);
    let mut helpers_at = None;
    if !helper_words.is_empty() {
        while (base + e.ops.offset().0) % 8 != 0 {
            e.ops.push(0xcc);
        }
        helpers_at = Some(base + e.ops.offset().0);
        for (addr, l) in helper_words {
            asm::bind(&mut e.ops, l);
            e.ops.push_u64(addr as u64);
        }
    }

    let resolve = |ops: &Ops, l: DynamicLabel| -> usize {
        base + ops
            .labels()
            .resolve_dynamic(l)
            .expect("every label is bound")
            .0
    };
    let mut labels = Vec::new();
    for b in f.reached_block_ids() {
        let addr = resolve(&e.ops, e.labels[&b]);
        e.layout.block_addr[b.index()] = addr;
        labels.push((addr, Label::Block(b)));
    }
    for (id, chunk, tail, stub, arg_locs) in std::mem::take(&mut e.new_switches) {
        let sw = SwitchLayout {
            chunk: base + chunk,
            used: 0,
            tail: base + tail,
            default_stub: base + stub,
            arg_locs,
            frame,
        };
        labels.push((sw.chunk, Label::Switch(id)));
        labels.push((sw.default_stub, Label::SwitchDefault(id)));
        if e.layout.switches.len() <= id.index() {
            e.layout.switches.resize(id.index() + 1, sw.clone());
        }
        e.layout.switches[id.index()] = sw;
    }
    if let Some(at) = helpers_at {
        labels.push((at, Label::Helpers));
    }
    let entry = e.layout.block_addr[f.entry.index()];
    let symbols = std::mem::take(&mut e.symbols);
    let bytes = e.ops.finalize().expect("all labels resolve");
    Compiled {
        bytes,
        entry,
        labels,
        symbols,
    }
}

/// The location of `v` (a value of `f`, whose locations are `locs`): its allocated
/// place, or an immediate for a constant.
fn loc_of(f: &Function, locs: &[Loc], v: Value) -> Loc {
    match f.const_bits(v) {
        Some(bits) => Loc::Imm(bits),
        None => locs[(v.0 - f.first_value) as usize],
    }
}

/// The bytes of an empty flexswitch chunk at `addr` whose tail jumps to `tail_target`.
pub fn empty_chunk(addr: usize, tail_target: usize) -> Vec<u8> {
    let tail = addr + SWITCH_SLOTS * SLOT_BYTES;
    let mut out = Vec::with_capacity(SWITCH_SLOTS * SLOT_BYTES + 5);
    for i in 0..SWITCH_SLOTS {
        let slot = addr + i * SLOT_BYTES;
        out.push(0xe9);
        out.extend(rel32(slot + 5, tail).to_le_bytes());
        out.extend([0xcc; SLOT_BYTES - 5]);
    }
    out.push(0xe9);
    out.extend(rel32(tail + 5, tail_target).to_le_bytes());
    out
}

/// The bytes of a filled case slot at `addr`: if `rax == value` go to `target`.
pub fn case_slot(addr: usize, value: i64, target: usize) -> Vec<u8> {
    let mut out = vec![0x49, 0xbb];
    out.extend(value.to_le_bytes());
    out.extend([0x4c, 0x39, 0xd8, 0x0f, 0x84]);
    out.extend(rel32(addr + SLOT_BYTES, target).to_le_bytes());
    debug_assert_eq!(out.len(), SLOT_BYTES);
    out
}

/// `jmp rel32` at `addr` to `target`.
pub fn jmp_bytes(addr: usize, target: usize) -> Vec<u8> {
    let mut out = vec![0xe9];
    out.extend(rel32(addr + 5, target).to_le_bytes());
    out
}

fn rel32(from_end: usize, to: usize) -> i32 {
    let d = to as i64 - from_end as i64;
    i32::try_from(d).expect("code stays within 2 GiB")
}

impl Emitter<'_> {
    fn loc(&self, v: Value) -> Loc {
        loc_of(self.f, &self.locs, v)
    }

    fn prologue(&mut self) {
        let sub = frame_bytes(self.frame) - SAVE_AREA;
        dynasm!(self.ops ; .arch x64
            ; push rbp ; mov rbp, rsp
            ; push rbx ; push r12 ; push r13 ; push r14 ; push r15
        );
        if sub > 0 {
            dynasm!(self.ops ; .arch x64 ; sub rsp, sub);
        }
        // Arguments arrive as System V places them; move them to the entry's locations.
        let entry = self.f.entry;
        let params = self.f.block(entry).params.clone();
        let (mut ni, mut nf, mut ns) = (0usize, 0u8, 0u32);
        let mut mv = Vec::new();
        for p in params {
            let src = match self.f.kind(p) {
                Kind::Float if nf < FLOAT_ARG_REGS => {
                    nf += 1;
                    Loc::Xmm(nf - 1)
                }
                Kind::Int | Kind::Ptr if ni < INT_ARG_REGS.len() => {
                    ni += 1;
                    Loc::Reg(INT_ARG_REGS[ni - 1])
                }
                _ => {
                    ns += 1;
                    Loc::InArg(ns - 1)
                }
            };
            mv.push((self.locs[(p.0 - self.f.first_value) as usize], src));
        }
        self.moves(&mv);
    }

    fn epilogue(&mut self) {
        dynasm!(self.ops ; .arch x64
            ; lea rsp, [rbp - SAVE_AREA]
            ; pop r15 ; pop r14 ; pop r13 ; pop r12 ; pop rbx ; pop rbp
            ; ret
        );
    }

    fn moves(&mut self, mv: &[(Loc, Loc)]) {
        for (d, s) in moves::sequence(mv) {
            asm::mov(&mut self.ops, d, s);
        }
    }

    fn dest(&self, b: Block) -> Dest {
        match self.labels.get(&b) {
            Some(l) => Dest::Label(*l),
            None => {
                assert!(
                    !self.f.owns_block(b),
                    "a jump to {b}, which the optimiser found unreached"
                );
                Dest::Abs(self.layout.block_addr[b.index()])
            }
        }
    }

    /// Move arguments (at `arg_locs`) into `target`'s parameters, set rsp for its frame,
    /// and jump, unless `fallthrough` is `target` and no jump is needed.
    fn goto(&mut self, target: Block, arg_locs: &[Loc], fallthrough: Option<Block>) {
        let tframe = self.layout.block_frame[target.index()];
        let params = self.layout.param_locs[target.index()]
            .clone()
            .expect("parameters of a jump target are placed");
        let mv: Vec<(Loc, Loc)> = params
            .iter()
            .copied()
            .zip(arg_locs.iter().copied())
            .collect();
        if tframe > self.frame {
            let fb = frame_bytes(tframe);
            dynasm!(self.ops ; .arch x64 ; lea rsp, [rbp - fb]);
        }
        self.moves(&mv);
        if tframe < self.frame {
            let fb = frame_bytes(tframe);
            dynasm!(self.ops ; .arch x64 ; lea rsp, [rbp - fb]);
        }
        if fallthrough != Some(target) || tframe != self.frame {
            let d = self.dest(target);
            asm::jmp(&mut self.ops, d);
        }
    }

    /// True if jumping to `t` from block `b` needs no moves and no frame change.
    fn direct(&self, t: &Target) -> bool {
        let params = self.layout.param_locs[t.block.index()].as_ref().unwrap();
        self.layout.block_frame[t.block.index()] == self.frame
            && t.args.iter().zip(params).all(|(a, p)| self.loc(*a) == *p)
    }

    /// A conditional jump to `t`: straight there if possible, else through a stub.
    fn jcc_to(&mut self, c: Cond, t: &Target) {
        if self.direct(t) {
            let d = self.dest(t.block);
            asm::jcc(&mut self.ops, c, d);
        } else {
            let label = self.ops.new_dynamic_label();
            asm::jcc(&mut self.ops, c, Dest::Label(label));
            self.stubs.push(Pending {
                label,
                target: t.clone(),
            });
        }
    }

    /// Put an integer operand in a register: its own if it has one, else `scratch`.
    fn in_reg(&mut self, l: Loc, scratch: u8) -> u8 {
        match l {
            Loc::Reg(r) => r,
            _ => {
                asm::mov(&mut self.ops, Loc::Reg(scratch), l);
                scratch
            }
        }
    }

    /// Set the flags for a fused test and return the condition to jump on.
    fn fused_test(&mut self, t: &Fused) -> Cond {
        match ovf_test(t.op) {
            Some((_, alu, _)) => {
                // The flags of the same arithmetic emitted just before are still set.
                if t.reuse {
                    return t.cond;
                }
                let (lx, ly) = (self.loc(t.x), self.loc(t.y));
                asm::mov(&mut self.ops, Loc::Reg(RAX), lx);
                asm::alu(&mut self.ops, alu, RAX, ly);
            }
            None => self.compare(t.x, t.y),
        }
        t.cond
    }

    fn block(&mut self, b: Block, next: Option<Block>) {
        let data = self.f.block(b);
        let Plan {
            skip,
            exits,
            branch: fused,
            no_uses,
        } = self.plans[(b.0 - self.f.first_block) as usize]
            .take()
            .expect("every block has a plan");
        // An exit just before a jump: when the exit goes to the next block, or the jump
        // closes a loop on this block, jump on the opposite condition to the jump's
        // target and go on to the exit's (falling through, or one jump more when
        // leaving the loop).
        let n = data.insts.len();
        let flipped = match (data.insts.last().map(|i| &i.op), &data.term) {
            (Some(InstOp::ExitIf(_, t)), Terminator::Jump(u)) => (self.direct(u)
                && ((Some(t.block) == next && self.direct(t)) || (u.block == b && t.block != b)))
                .then_some((u, t)),
            _ => None,
        };
        for (i, inst) in data.insts.iter().enumerate() {
            if skip[i] {
                continue;
            }
            let InstOp::ExitIf(c, t) = &inst.op else {
                // An overflow test reading this instruction's flags comes next.
                let flags_read = no_uses.get(i + 1).copied().unwrap_or(false);
                self.inst(b, i, inst, flags_read);
                continue;
            };
            let cond = match exits.get(&i) {
                Some(f) => self.fused_test(f),
                None => {
                    let lc = self.loc(*c);
                    let r = self.in_reg(lc, RAX);
                    dynasm!(self.ops ; .arch x64 ; test Rq(r), Rq(r));
                    Cond::Ne
                }
            };
            match flipped.filter(|_| i + 1 == n) {
                Some((u, _)) => self.jcc_to(cond.invert(), u),
                None => self.jcc_to(cond, t),
            }
        }
        match &data.term {
            // Already taken by the flipped exit; now the exit.
            Terminator::Jump(_) if flipped.is_some() => {
                let (_, t) = flipped.expect("checked");
                let locs: Vec<Loc> = t.args.iter().map(|a| self.loc(*a)).collect();
                self.goto(t.block, &locs, next);
            }
            Terminator::Jump(t) => {
                let locs: Vec<Loc> = t.args.iter().map(|a| self.loc(*a)).collect();
                self.goto(t.block, &locs, next);
            }
            Terminator::Branch {
                cond,
                then,
                otherwise,
            } => {
                let c = if let Some(f) = &fused {
                    self.fused_test(f)
                } else {
                    let l = self.loc(*cond);
                    match l {
                        Loc::Imm(v) => {
                            // A constant condition: one way only.
                            let t = if v != 0 { then } else { otherwise };
                            let locs: Vec<Loc> = t.args.iter().map(|a| self.loc(*a)).collect();
                            self.goto(t.block, &locs, next);
                            return;
                        }
                        l => {
                            let r = self.in_reg(l, RAX);
                            dynasm!(self.ops ; .arch x64 ; test Rq(r), Rq(r));
                        }
                    }
                    Cond::Ne
                };
                // Prefer falling through into the next block; else, in a loop closed
                // here, go round on the conditional jump (one branch per turn).
                let (c, taken, rest) = if Some(then.block) == next && self.direct(then) {
                    (c.invert(), otherwise, then)
                } else if otherwise.block == b
                    && then.block != b
                    && Some(then.block) != next
                    && self.direct(otherwise)
                {
                    (c.invert(), otherwise, then)
                } else {
                    (c, then, otherwise)
                };
                self.jcc_to(c, taken);
                let locs: Vec<Loc> = rest.args.iter().map(|a| self.loc(*a)).collect();
                self.goto(rest.block, &locs, next);
            }
            Terminator::Return(v) => {
                if let Some(v) = v {
                    let l = self.loc(*v);
                    let dst = if self.f.kind(*v) == Kind::Float {
                        Loc::Xmm(0)
                    } else {
                        Loc::Reg(RAX)
                    };
                    asm::mov(&mut self.ops, dst, l);
                }
                self.epilogue();
            }
            Terminator::FlexSwitch {
                id,
                value,
                args,
                default,
            } => {
                let vl = self.loc(*value);
                asm::mov(&mut self.ops, Loc::Reg(RAX), vl);
                let chunk = self.ops.offset().0;
                let base = self.base;
                let tail_target = base + chunk + SWITCH_SLOTS * SLOT_BYTES + 5;
                for byte in empty_chunk(base + chunk, tail_target) {
                    self.ops.push(byte);
                }
                let tail = chunk + SWITCH_SLOTS * SLOT_BYTES;
                let stub = self.ops.offset().0;
                debug_assert_eq!(base + stub, tail_target);
                let arg_locs: Vec<Loc> = args.iter().map(|a| self.loc(*a)).collect();
                let dlocs: Vec<Loc> = default.args.iter().map(|a| self.loc(*a)).collect();
                self.goto(default.block, &dlocs, None);
                // A constant argument stays an immediate: the case's entry parameter
                // is placed at `Loc::Imm`, so the case reads it as a constant.
                self.new_switches.push((*id, chunk, tail, stub, arg_locs));
            }
        }
    }

    fn compare(&mut self, x: Value, y: Value) {
        let (lx, ly) = (self.loc(x), self.loc(y));
        if let Loc::Imm(v) = ly {
            // A value in memory is compared where it is.
            if asm::cmp_mem_imm(&mut self.ops, lx, v) {
                return;
            }
        }
        let r = self.in_reg(lx, RAX);
        if ly == Loc::Imm(0) {
            // The same flags as `cmp r, 0`, shorter.
            dynasm!(self.ops ; .arch x64 ; test Rq(r), Rq(r));
        } else {
            asm::alu(&mut self.ops, Alu::Cmp, r, ly);
        }
    }

    fn inst(&mut self, b: Block, i: usize, inst: &Inst, flags_read: bool) {
        let dst = inst.result.map(|r| self.loc(r));
        match &inst.op {
            InstOp::Binary(op, x, y) => self.binary(*op, *x, *y, dst.unwrap(), flags_read),
            InstOp::Unary(op, x) => self.unary(*op, *x, dst.unwrap()),
            InstOp::Overflow(op, x, y, t) => {
                let (lx, ly) = (self.loc(*x), self.loc(*y));
                asm::mov(&mut self.ops, Loc::Reg(RAX), lx);
                let alu = match op {
                    OvfOp::AddOvf => Alu::Add,
                    OvfOp::SubOvf => Alu::Sub,
                    OvfOp::MulOvf => Alu::Imul,
                };
                asm::alu(&mut self.ops, alu, RAX, ly);
                self.jcc_to(Cond::O, t);
                asm::mov(&mut self.ops, dst.unwrap(), Loc::Reg(RAX));
            }
            InstOp::ExitIf(..) => unreachable!("`block` emits exits"),
            InstOp::Load(ty, a) => self.load(*ty, a, dst.unwrap()),
            InstOp::Store(ty, a, v) => self.store(*ty, a, *v),
            InstOp::Call(callee, args) => self.call(b, i, callee, args, dst),
        }
    }

    /// **Invariant:** when `flags_read`, `Add`, `Sub` and `Mul` end with their ALU
    /// instruction (at most a `mov` after it), so its flags are still set for the fused
    /// overflow test that reuses them (see [`Fused::reuse`]); otherwise an addition of
    /// a register and a register or constant into a third register is one `lea`.
    fn binary(&mut self, op: BinOp, x: Value, y: Value, d: Loc, flags_read: bool) {
        use BinOp::*;
        let (lx, ly) = (self.loc(x), self.loc(y));
        if let (false, Loc::Reg(r), Loc::Reg(s)) = (flags_read, d, lx) {
            let imm = |v: u64, neg: bool| {
                let v = if neg {
                    (v as i64).checked_neg()?
                } else {
                    v as i64
                };
                i32::try_from(v).ok()
            };
            match (op, ly) {
                (Add | PtrAdd, Loc::Imm(v)) | (Sub, Loc::Imm(v)) if r != s => {
                    if let Some(k) = imm(v, op == Sub) {
                        dynasm!(self.ops ; .arch x64 ; lea Rq(r), [Rq(s) + k]);
                        return;
                    }
                }
                (Add | PtrAdd, Loc::Reg(t)) if r != s && r != t => {
                    dynasm!(self.ops ; .arch x64 ; lea Rq(r), [Rq(s) + Rq(t) * 1]);
                    return;
                }
                _ => {}
            }
        }
        let alu = match op {
            Add | PtrAdd => Some(Alu::Add),
            Sub | PtrDiff => Some(Alu::Sub),
            Mul => Some(Alu::Imul),
            And => Some(Alu::And),
            Or => Some(Alu::Or),
            Xor => Some(Alu::Xor),
            _ => None,
        };
        if let Some(alu) = alu {
            match d {
                Loc::Reg(r) if ly != d => {
                    asm::mov(&mut self.ops, d, lx);
                    asm::alu(&mut self.ops, alu, r, ly);
                }
                Loc::Reg(r) if alu.commutative() => asm::alu(&mut self.ops, alu, r, lx),
                _ => {
                    asm::mov(&mut self.ops, Loc::Reg(RAX), lx);
                    asm::alu(&mut self.ops, alu, RAX, ly);
                    asm::mov(&mut self.ops, d, Loc::Reg(RAX));
                }
            }
            return;
        }
        if let Some((_, alu, cond)) = ovf_test(op) {
            asm::mov(&mut self.ops, Loc::Reg(RAX), lx);
            asm::alu(&mut self.ops, alu, RAX, ly);
            asm::set_rax(&mut self.ops, cond);
            asm::mov(&mut self.ops, d, Loc::Reg(RAX));
            return;
        }
        if let Some(c) = int_cond(op) {
            self.compare(x, y);
            asm::set_rax(&mut self.ops, c);
            asm::mov(&mut self.ops, d, Loc::Reg(RAX));
            return;
        }
        match op {
            Shl | Shr | Sar => {
                let r = match d {
                    Loc::Reg(r) => r,
                    _ => RAX,
                };
                match ly {
                    Loc::Imm(v) => {
                        asm::mov(&mut self.ops, Loc::Reg(r), lx);
                        let n = (v & 63) as i8;
                        match op {
                            Shl => dynasm!(self.ops ; .arch x64 ; shl Rq(r), n),
                            Shr => dynasm!(self.ops ; .arch x64 ; shr Rq(r), n),
                            _ => dynasm!(self.ops ; .arch x64 ; sar Rq(r), n),
                        }
                    }
                    _ => {
                        asm::mov(&mut self.ops, Loc::Reg(RCX), ly);
                        asm::mov(&mut self.ops, Loc::Reg(r), lx);
                        match op {
                            Shl => dynasm!(self.ops ; .arch x64 ; shl Rq(r), cl),
                            Shr => dynasm!(self.ops ; .arch x64 ; shr Rq(r), cl),
                            _ => dynasm!(self.ops ; .arch x64 ; sar Rq(r), cl),
                        }
                    }
                }
                asm::mov(&mut self.ops, d, Loc::Reg(r));
            }
            Div | Rem | FloorDiv | FloorMod => self.division(op, lx, ly, d),
            FAdd | FSub | FMul | FDiv => {
                let falu = match op {
                    FAdd => FAlu::Add,
                    FSub => FAlu::Sub,
                    FMul => FAlu::Mul,
                    _ => FAlu::Div,
                };
                match d {
                    Loc::Xmm(r) if ly != d => {
                        asm::mov(&mut self.ops, d, lx);
                        asm::falu(&mut self.ops, falu, r, ly);
                    }
                    _ => {
                        asm::mov(&mut self.ops, Loc::Xmm(XMM_SCRATCH), lx);
                        asm::falu(&mut self.ops, falu, XMM_SCRATCH, ly);
                        asm::mov(&mut self.ops, d, Loc::Xmm(XMM_SCRATCH));
                    }
                }
            }
            FEq | FNe | FLt | FLe | FGt | FGe => {
                // ucomisd a, b sets CF/ZF like an unsigned compare, and PF when unordered.
                // a < b is b > a: swap so that only "above" conditions are needed.
                let (a, bb) = if matches!(op, FLt | FLe) {
                    (ly, lx)
                } else {
                    (lx, ly)
                };
                asm::mov(&mut self.ops, Loc::Xmm(XMM_SCRATCH), a);
                asm::falu(&mut self.ops, FAlu::Ucomi, XMM_SCRATCH, bb);
                match op {
                    FEq => {
                        dynasm!(self.ops ; .arch x64 ; sete al ; setnp cl ; and al, cl ; movzx eax, al)
                    }
                    FNe => {
                        dynasm!(self.ops ; .arch x64 ; setne al ; setp cl ; or al, cl ; movzx eax, al)
                    }
                    FGt | FLt => asm::set_rax(&mut self.ops, Cond::A),
                    _ => asm::set_rax(&mut self.ops, Cond::Ae),
                }
                asm::mov(&mut self.ops, d, Loc::Reg(RAX));
            }
            _ => unreachable!("{op:?} handled above"),
        }
    }

    /// Division with the semantics of [`crate::reference::eval_binary`].
    fn division(&mut self, op: BinOp, lx: Loc, ly: Loc, d: Loc) {
        asm::mov(&mut self.ops, Loc::Reg(R11), ly);
        asm::mov(&mut self.ops, Loc::Reg(RAX), lx);
        let zero = self.ops.new_dynamic_label();
        let minus1 = self.ops.new_dynamic_label();
        let done = self.ops.new_dynamic_label();
        let quotient = matches!(op, BinOp::Div | BinOp::FloorDiv);
        dynasm!(self.ops ; .arch x64
            ; test r11, r11 ; jz =>zero
            ; cmp r11, -1 ; je =>minus1
            ; cqo ; idiv r11
        );
        match op {
            BinOp::FloorDiv | BinOp::FloorMod => {
                let ok = self.ops.new_dynamic_label();
                dynasm!(self.ops ; .arch x64
                    ; test rdx, rdx ; jz =>ok
                    ; mov rcx, rdx ; xor rcx, r11 ; jns =>ok
                );
                if quotient {
                    dynasm!(self.ops ; .arch x64 ; dec rax);
                } else {
                    dynasm!(self.ops ; .arch x64 ; add rdx, r11);
                }
                asm::bind(&mut self.ops, ok);
            }
            _ => {}
        }
        if !quotient {
            dynasm!(self.ops ; .arch x64 ; mov rax, rdx);
        }
        dynasm!(self.ops ; .arch x64 ; jmp =>done ; =>minus1);
        if quotient {
            dynasm!(self.ops ; .arch x64 ; neg rax ; jmp =>done);
        }
        dynasm!(self.ops ; .arch x64 ; =>zero ; xor eax, eax ; =>done);
        asm::mov(&mut self.ops, d, Loc::Reg(RAX));
    }

    fn unary(&mut self, op: UnOp, x: Value, d: Loc) {
        let lx = self.loc(x);
        match op {
            UnOp::Neg | UnOp::Not => {
                let r = match d {
                    Loc::Reg(r) => r,
                    _ => RAX,
                };
                asm::mov(&mut self.ops, Loc::Reg(r), lx);
                if op == UnOp::Neg {
                    dynasm!(self.ops ; .arch x64 ; neg Rq(r));
                } else {
                    dynasm!(self.ops ; .arch x64 ; not Rq(r));
                }
                asm::mov(&mut self.ops, d, Loc::Reg(r));
            }
            UnOp::IsTrue => {
                let r = self.in_reg(lx, RAX);
                dynasm!(self.ops ; .arch x64 ; test Rq(r), Rq(r));
                asm::set_rax(&mut self.ops, Cond::Ne);
                asm::mov(&mut self.ops, d, Loc::Reg(RAX));
            }
            // A float lives in an xmm register or a stack slot, an integer in a general
            // register or a stack slot: `mov` between the two kinds is a `movq`.
            UnOp::IntToPtr | UnOp::PtrToInt | UnOp::FloatToBits | UnOp::BitsToFloat => {
                asm::mov(&mut self.ops, d, lx)
            }
            UnOp::FNeg => {
                asm::mov(&mut self.ops, Loc::Reg(RAX), lx);
                dynasm!(self.ops ; .arch x64 ; btc rax, 63);
                asm::mov(&mut self.ops, d, Loc::Reg(RAX));
            }
            UnOp::IntToFloat => {
                let r = self.in_reg(lx, RAX);
                dynasm!(self.ops ; .arch x64 ; xorps xmm14, xmm14 ; cvtsi2sd xmm14, Rq(r));
                asm::mov(&mut self.ops, d, Loc::Xmm(XMM_SCRATCH));
            }
            UnOp::FloatToInt => {
                asm::mov(&mut self.ops, Loc::Xmm(XMM_SCRATCH), lx);
                let done = self.ops.new_dynamic_label();
                let nan = self.ops.new_dynamic_label();
                // cvttsd2si gives i64::MIN for NaN and out-of-range values; fix those
                // up to Rust's saturating `as`.
                dynasm!(self.ops ; .arch x64
                    ; cvttsd2si rax, xmm14
                    ; cmp rax, 1 ; jno =>done
                    ; ucomisd xmm14, xmm14 ; jp =>nan
                    ; xorps xmm15, xmm15 ; ucomisd xmm14, xmm15 ; jbe =>done
                    ; mov rax, QWORD i64::MAX ; jmp =>done
                    ; =>nan ; xor eax, eax
                    ; =>done
                );
                asm::mov(&mut self.ops, d, Loc::Reg(RAX));
            }
        }
    }

    /// The memory operand of `a`: base and index in registers (their own, else `r10`
    /// and `r11`), a constant index folded into the displacement when it fits.
    fn mem(&mut self, a: &Address) -> Mem {
        let lb = self.loc(a.base);
        let base = self.in_reg(lb, R10);
        let Some(index) = a.index else {
            return Mem {
                base,
                index: None,
                disp: a.offset,
            };
        };
        let li = self.loc(index);
        if let Loc::Imm(v) = li {
            let disp = (v as i64)
                .checked_mul(a.scale as i64)
                .and_then(|x| x.checked_add(a.offset as i64))
                .and_then(|x| i32::try_from(x).ok());
            if let Some(disp) = disp {
                return Mem {
                    base,
                    index: None,
                    disp,
                };
            }
        }
        let idx = self.in_reg(li, R11);
        Mem {
            base,
            index: Some((idx, a.scale)),
            disp: a.offset,
        }
    }

    fn load(&mut self, ty: MemType, a: &Address, d: Loc) {
        let m = self.mem(a);
        if ty == MemType::F64 {
            let x = match d {
                Loc::Xmm(x) => x,
                _ => XMM_SCRATCH,
            };
            match m.index {
                None => asm::base_form(
                    &mut self.ops,
                    Some(0xf2),
                    false,
                    &[0x0f, 0x10],
                    x,
                    m.base,
                    m.disp,
                ),
                Some(_) => at_mem!(self.ops, m, [movsd Rx(x), QWORD], []),
            }
            asm::mov(&mut self.ops, d, Loc::Xmm(x));
            return;
        }
        let r = match d {
            Loc::Reg(r) => r,
            _ => RAX,
        };
        match ty {
            MemType::I8 => at_mem!(self.ops, m, [movsx Rq(r), BYTE], []),
            MemType::U8 => at_mem!(self.ops, m, [movzx Rd(r), BYTE], []),
            MemType::I16 => at_mem!(self.ops, m, [movsx Rq(r), WORD], []),
            MemType::U16 => at_mem!(self.ops, m, [movzx Rd(r), WORD], []),
            MemType::I32 => at_mem!(self.ops, m, [movsxd Rq(r), DWORD], []),
            MemType::U32 => at_mem!(self.ops, m, [mov Rd(r), DWORD], []),
            _ => match m.index {
                None => asm::base_form(&mut self.ops, None, true, &[0x8b], r, m.base, m.disp),
                Some(_) => at_mem!(self.ops, m, [mov Rq(r), QWORD], []),
            },
        }
        asm::mov(&mut self.ops, d, Loc::Reg(r));
    }

    fn store(&mut self, ty: MemType, a: &Address, v: Value) {
        let lv = self.loc(v);
        // The value goes to a scratch register unless it has one the store can name
        // (the address may use r10/r11; the byte forms of rsp..rdi need care).
        if ty == MemType::F64 {
            let x = match lv {
                Loc::Xmm(x) => x,
                l => {
                    asm::mov(&mut self.ops, Loc::Xmm(XMM_SCRATCH), l);
                    XMM_SCRATCH
                }
            };
            let m = self.mem(a);
            match m.index {
                None => asm::base_form(
                    &mut self.ops,
                    Some(0xf2),
                    false,
                    &[0x0f, 0x11],
                    x,
                    m.base,
                    m.disp,
                ),
                Some(_) => at_mem!(self.ops, m, [movsd QWORD], [, Rx(x)]),
            }
            return;
        }
        let r = match lv {
            Loc::Reg(r) if r != R10 && r != R11 && (ty.size() > 1 || !(4..8).contains(&r)) => r,
            l => {
                asm::mov(&mut self.ops, Loc::Reg(RAX), l);
                RAX
            }
        };
        let m = self.mem(a);
        match ty.size() {
            1 => at_mem!(self.ops, m, [mov BYTE], [, Rb(r)]),
            2 => at_mem!(self.ops, m, [mov WORD], [, Rw(r)]),
            4 => at_mem!(self.ops, m, [mov DWORD], [, Rd(r)]),
            _ => match m.index {
                None => asm::base_form(&mut self.ops, None, true, &[0x89], r, m.base, m.disp),
                Some(_) => at_mem!(self.ops, m, [mov QWORD], [, Rq(r)]),
            },
        }
    }

    fn call(&mut self, b: Block, i: usize, callee: &Callee, args: &[Value], d: Option<Loc>) {
        let saves = self.allocs[(b.0 - self.f.first_block) as usize]
            .call_saves
            .get(&i)
            .cloned()
            .unwrap_or_default();
        for c in saves.iter().filter(|c| c.save) {
            asm::mov(&mut self.ops, Loc::Slot(c.slot), c.reg);
        }
        if let Callee::Indirect(p, _) = callee {
            let lp = self.loc(*p);
            asm::mov(&mut self.ops, Loc::Reg(R10), lp);
        }
        let sig = callee.sig();
        let (mut ni, mut nf) = (0usize, 0u8);
        let mut reg_moves = Vec::new();
        let mut stack = Vec::new();
        for (a, k) in args.iter().zip(&sig.params) {
            let l = self.loc(*a);
            match k {
                Kind::Float if nf < FLOAT_ARG_REGS => {
                    reg_moves.push((Loc::Xmm(nf), l));
                    nf += 1;
                }
                Kind::Int | Kind::Ptr if ni < INT_ARG_REGS.len() => {
                    reg_moves.push((Loc::Reg(INT_ARG_REGS[ni]), l));
                    ni += 1;
                }
                _ => stack.push(l),
            }
        }
        let pad = ((stack.len() * 8 + 15) & !15) as i32;
        if pad > 0 {
            dynasm!(self.ops ; .arch x64 ; sub rsp, pad);
            for (k, l) in stack.iter().enumerate() {
                asm::mov(&mut self.ops, Loc::Reg(RAX), *l);
                let o = 8 * k as i32;
                dynasm!(self.ops ; .arch x64 ; mov QWORD [rsp + o], rax);
            }
        }
        self.moves(&reg_moves);
        match callee {
            Callee::Helper(h) => {
                self.symbols.push((h.addr, h.name.clone()));
                // A `call rel32` when the helper is within reach of this code (the
                // code is assembled for its final address), else through `rax`.
                let next = self.base + self.ops.offset().0 + 5;
                let reach = (h.addr as i64).checked_sub(next as i64);
                if reach.is_some_and(|r| i32::try_from(r).is_ok()) {
                    let a = h.addr;
                    dynasm!(self.ops ; .arch x64 ; call extern a);
                } else {
                    let l = match self.helper_words.iter().find(|(a, _)| *a == h.addr) {
                        Some((_, l)) => *l,
                        None => {
                            let l = self.ops.new_dynamic_label();
                            self.helper_words.push((h.addr, l));
                            l
                        }
                    };
                    dynasm!(self.ops ; .arch x64 ; call QWORD [=>l]);
                }
            }
            Callee::Indirect(..) => dynasm!(self.ops ; .arch x64 ; call r10),
        }
        if pad > 0 {
            dynasm!(self.ops ; .arch x64 ; add rsp, pad);
        }
        if let Some(d) = d {
            let src = if sig.ret == Some(Kind::Float) {
                Loc::Xmm(0)
            } else {
                Loc::Reg(RAX)
            };
            asm::mov(&mut self.ops, d, src);
        }
        for c in saves.iter().filter(|c| c.restore) {
            asm::mov(&mut self.ops, c.reg, Loc::Slot(c.slot));
        }
    }
}

/// The condition code of an integer or pointer comparison.
/// A test fused into a conditional jump: `op(x, y)` computed into the flags, jump on
/// `cond`.
#[derive(Clone, Debug)]
pub(crate) struct Fused {
    cond: Cond,
    op: BinOp,
    x: Value,
    y: Value,
    /// An overflow test right after the same arithmetic: it reads the flags that
    /// arithmetic left, not its operands.
    reuse: bool,
}

/// Which instructions of a block are computed into the flags at the branch or exit
/// they feed, for the emitter and the register allocator alike.
pub(crate) struct Plan {
    /// Instructions not emitted: they are part of a fused test.
    pub skip: Vec<bool>,
    /// Fused tests of `ExitIf` instructions, by index.
    pub exits: HashMap<usize, Fused>,
    /// The fused test of the block's `Branch`.
    pub branch: Option<Fused>,
    /// Instructions whose operands need not live until they run (an overflow test that
    /// reads the flags of the arithmetic before it).
    pub no_uses: Vec<bool>,
}

/// `uses[i]`: how many times value `first_value + i` of `f` is read.
pub(crate) fn plan(f: &Function, b: Block, uses: &[u32]) -> Plan {
    let data = f.block(b);
    let n = data.insts.len();
    let mut p = Plan {
        skip: vec![false; n],
        exits: HashMap::default(),
        branch: None,
        no_uses: vec![false; n],
    };
    let take = |p: &mut Plan, first: usize, end: usize, t: &Fused| -> bool {
        if p.skip[first..end].iter().any(|s| *s) {
            return false;
        }
        p.skip[first..end].iter_mut().for_each(|s| *s = true);
        if t.reuse {
            p.no_uses[first] = true;
        }
        true
    };
    for (i, inst) in data.insts.iter().enumerate() {
        if let InstOp::ExitIf(c, _) = inst.op {
            if let Some((first, t)) = fusable(f, b, i, c, uses) {
                if take(&mut p, first, i, &t) {
                    p.exits.insert(i, t);
                }
            }
        }
    }
    if let Terminator::Branch { cond, .. } = &data.term {
        if let Some((first, t)) = fusable(f, b, n, *cond, uses) {
            if take(&mut p, first, n, &t) {
                p.branch = Some(t);
            }
        }
    }
    p
}

/// The instructions that compute the condition `cond` tested at position `at` of block
/// `b` (an `ExitIf` or, at `insts.len()`, the terminator), when they can be replaced by
/// a flags test there: a comparison or overflow test, possibly tested through
/// `eq(_, 0/1)`/`ne(_, 0/1)`, each link computed just before the next and used by it
/// only. Returns the index of the chain's first instruction and the test.
fn fusable(f: &Function, b: Block, at: usize, cond: Value, uses: &[u32]) -> Option<(usize, Fused)> {
    let data = f.block(b);
    let single = |v: Value, i: usize| -> Option<(BinOp, Value, Value)> {
        let inst = data.insts.get(i)?;
        match inst.op {
            InstOp::Binary(op, x, y)
                if inst.result == Some(v)
                    && uses.get((v.0 - f.first_value) as usize) == Some(&1) =>
            {
                Some((op, x, y))
            }
            _ => None,
        }
    };
    let (mut v, mut i, mut invert) = (cond, at, false);
    loop {
        let (op, x, y) = single(v, i.checked_sub(1)?)?;
        i -= 1;
        let zero = f.value(y).def == ValueDef::Const(0);
        let one = f.value(y).def == ValueDef::Const(1);
        let chained = i > 0 && single(x, i - 1).is_some_and(|(o, ..)| flag_cond(o).is_some());
        if matches!(op, BinOp::Eq | BinOp::Ne) && (zero || one) && chained {
            // `x` is 0 or 1: `eq(x, 0)` and `ne(x, 1)` are its negation.
            invert ^= (op == BinOp::Eq) == zero;
            v = x;
            continue;
        }
        let c = flag_cond(op)?;
        let c = if invert { c.invert() } else { c };
        let reuse = ovf_test(op).is_some_and(|(base, ..)| {
            i > 0
                && matches!(data.insts[i - 1].op, InstOp::Binary(o, a, c2)
                    if o == base && ((a, c2) == (x, y) || (base != BinOp::Sub && (a, c2) == (y, x))))
        });
        return Some((
            i,
            Fused {
                cond: c,
                op,
                x,
                y,
                reuse,
            },
        ));
    }
}

/// For an overflow test: the arithmetic it tests, the ALU instruction that sets its
/// flag, and the condition that is that flag (overflow for signed, carry for unsigned).
fn ovf_test(op: BinOp) -> Option<(BinOp, Alu, Cond)> {
    Some(match op {
        BinOp::AddOverflows => (BinOp::Add, Alu::Add, Cond::O),
        BinOp::SubOverflows => (BinOp::Sub, Alu::Sub, Cond::O),
        BinOp::MulOverflows => (BinOp::Mul, Alu::Imul, Cond::O),
        BinOp::UAddOverflows => (BinOp::Add, Alu::Add, Cond::B),
        BinOp::USubOverflows => (BinOp::Sub, Alu::Sub, Cond::B),
        _ => return None,
    })
}

/// The condition under which an integer comparison or overflow test gives 1.
fn flag_cond(op: BinOp) -> Option<Cond> {
    match ovf_test(op) {
        Some((_, _, c)) => Some(c),
        None => int_cond(op),
    }
}

fn int_cond(op: BinOp) -> Option<Cond> {
    use BinOp::*;
    Some(match op {
        Eq | PtrEq => Cond::E,
        Ne | PtrNe => Cond::Ne,
        Lt => Cond::L,
        Le => Cond::Le,
        Gt => Cond::G,
        Ge => Cond::Ge,
        Ult => Cond::B,
        Ule => Cond::Be,
        Ugt => Cond::A,
        Uge => Cond::Ae,
        _ => return None,
    })
}
