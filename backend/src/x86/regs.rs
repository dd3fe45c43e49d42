//! Registers and value locations of the x86-64 backend.
//!
//! Register roles (System V):
//! - allocatable integer registers: `rsi rdi r8 r9` (caller-saved), `rbx r12 r13 r14 r15`
//!   (callee-saved, pushed by every prologue);
//! - integer scratch, never allocated: `rax` (also the parallel-move temporary), `rcx`
//!   (shift counts), `rdx` (division), `r10` (indirect-call targets, address bases),
//!   `r11` (memory-to-memory moves, big immediates);
//! - allocatable float registers `xmm0..xmm13` (all caller-saved); scratch `xmm14 xmm15`.
//!
//! Frame layout (every function and fragment of it shares one frame):
//! `[rbp+16+8k]` incoming stack argument k, `[rbp+8]` return address, `[rbp]` saved rbp,
//! `[rbp-8..rbp-40]` saved callee-saved registers, then spill slot i at `[rbp-48-8i]`.

pub const RAX: u8 = 0;
pub const RCX: u8 = 1;
pub const RDX: u8 = 2;
pub const RBX: u8 = 3;
/// The frame pointer: never allocated (slots are addressed from it).
pub const RBP: u8 = 5;
pub const RSI: u8 = 6;
pub const RDI: u8 = 7;
pub const R8: u8 = 8;
pub const R9: u8 = 9;
pub const R10: u8 = 10;
pub const R11: u8 = 11;
pub const R12: u8 = 12;
pub const R13: u8 = 13;
pub const R14: u8 = 14;
pub const R15: u8 = 15;

pub const CALLER_SAVED: [u8; 4] = [RSI, RDI, R8, R9];
pub const CALLEE_SAVED: [u8; 5] = [RBX, R12, R13, R14, R15];
pub const FLOAT_REGS: u8 = 14;
pub const XMM_SCRATCH: u8 = 14;
pub const XMM_SCRATCH2: u8 = 15;

pub const INT_ARG_REGS: [u8; 6] = [RDI, RSI, RDX, RCX, R8, R9];
pub const FLOAT_ARG_REGS: u8 = 8;

/// Bytes between rbp and the first spill slot: the five saved callee-saved registers.
pub const SAVE_AREA: i32 = 40;

/// Where a value lives.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Loc {
    Reg(u8),
    Xmm(u8),
    Slot(u32),
    /// Incoming stack argument k of the function (read-only, prologue only).
    InArg(u32),
    /// A constant's bits.
    Imm(u64),
}

impl Loc {
    pub fn is_reg(self) -> bool {
        matches!(self, Loc::Reg(_) | Loc::Xmm(_))
    }
}

/// The rbp-relative displacement of a spill slot.
pub fn slot_disp(slot: u32) -> i32 {
    -(SAVE_AREA + 8 + 8 * slot as i32)
}

/// The rbp-relative displacement of an incoming stack argument.
pub fn in_arg_disp(k: u32) -> i32 {
    16 + 8 * k as i32
}

/// Bytes from rbp down to rsp for a frame of `slots` spill slots, keeping rsp 16-byte
/// aligned (rbp itself is 16-byte aligned after the prologue's `push rbp`).
pub fn frame_bytes(slots: u32) -> i32 {
    (SAVE_AREA + 8 * slots as i32 + 15) & !15
}

pub fn is_caller_saved(l: Loc) -> bool {
    match l {
        Loc::Reg(r) => CALLER_SAVED.contains(&r),
        Loc::Xmm(_) => true,
        _ => false,
    }
}
