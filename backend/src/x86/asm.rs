//! Thin helpers over dynasm for the instruction forms the emitter uses: moves between
//! any two locations, ALU operations with a register destination, condition codes.

use super::regs::*;
use dynasmrt::x64::X64Relocation;
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi, VecAssembler};

pub type Ops = VecAssembler<X64Relocation>;

/// x86 condition codes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    E,
    Ne,
    L,
    Le,
    G,
    Ge,
    B,
    Be,
    A,
    Ae,
    O,
    No,
}

impl Cond {
    pub fn invert(self) -> Cond {
        match self {
            Cond::E => Cond::Ne,
            Cond::Ne => Cond::E,
            Cond::L => Cond::Ge,
            Cond::Ge => Cond::L,
            Cond::Le => Cond::G,
            Cond::G => Cond::Le,
            Cond::B => Cond::Ae,
            Cond::Ae => Cond::B,
            Cond::Be => Cond::A,
            Cond::A => Cond::Be,
            Cond::O => Cond::No,
            Cond::No => Cond::O,
        }
    }
}

/// Where a jump goes: a label of the code being assembled, or an absolute address.
#[derive(Copy, Clone, Debug)]
pub enum Dest {
    Label(dynasmrt::DynamicLabel),
    Abs(usize),
}

pub fn jcc(ops: &mut Ops, c: Cond, d: Dest) {
    macro_rules! j {
        ($ins:ident) => {
            match d {
                Dest::Label(l) => dynasm!(ops ; .arch x64 ; $ins =>l),
                Dest::Abs(a) => dynasm!(ops ; .arch x64 ; $ins extern a),
            }
        };
    }
    match c {
        Cond::E => j!(je),
        Cond::Ne => j!(jne),
        Cond::L => j!(jl),
        Cond::Le => j!(jle),
        Cond::G => j!(jg),
        Cond::Ge => j!(jge),
        Cond::B => j!(jb),
        Cond::Be => j!(jbe),
        Cond::A => j!(ja),
        Cond::Ae => j!(jae),
        Cond::O => j!(jo),
        Cond::No => j!(jno),
    }
}

pub fn jmp(ops: &mut Ops, d: Dest) {
    match d {
        Dest::Label(l) => dynasm!(ops ; .arch x64 ; jmp =>l),
        Dest::Abs(a) => dynasm!(ops ; .arch x64 ; jmp extern a),
    }
}

/// `al = cond ? 1 : 0; rax = al` (flags must be set).
pub fn set_rax(ops: &mut Ops, c: Cond) {
    match c {
        Cond::E => dynasm!(ops ; .arch x64 ; sete al),
        Cond::Ne => dynasm!(ops ; .arch x64 ; setne al),
        Cond::L => dynasm!(ops ; .arch x64 ; setl al),
        Cond::Le => dynasm!(ops ; .arch x64 ; setle al),
        Cond::G => dynasm!(ops ; .arch x64 ; setg al),
        Cond::Ge => dynasm!(ops ; .arch x64 ; setge al),
        Cond::B => dynasm!(ops ; .arch x64 ; setb al),
        Cond::Be => dynasm!(ops ; .arch x64 ; setbe al),
        Cond::A => dynasm!(ops ; .arch x64 ; seta al),
        Cond::Ae => dynasm!(ops ; .arch x64 ; setae al),
        Cond::O => dynasm!(ops ; .arch x64 ; seto al),
        Cond::No => dynasm!(ops ; .arch x64 ; setno al),
    }
    dynasm!(ops ; .arch x64 ; movzx eax, al);
}

/// Whether `v` is a sign-extended 8-bit immediate (the short form of ALU operations).
fn fits_i8(v: u64) -> bool {
    v as i64 >= i8::MIN as i64 && v as i64 <= i8::MAX as i64
}

fn fits_i32(v: u64) -> bool {
    v as i64 >= i32::MIN as i64 && v as i64 <= i32::MAX as i64
}

/// The rbp displacement of a memory location.
fn disp(l: Loc) -> i32 {
    match l {
        Loc::Slot(s) => slot_disp(s),
        Loc::InArg(k) => in_arg_disp(k),
        _ => unreachable!("not memory: {l:?}"),
    }
}

/// `cmp` of the 64-bit value in memory at `m` (a stack slot or incoming argument) with
/// the constant `v`, when `v` fits an `imm32` (sign-extended, as `cmp` reads it); `false`
/// (nothing emitted) otherwise.
pub fn cmp_mem_imm(ops: &mut Ops, m: Loc, v: u64) -> bool {
    if !matches!(m, Loc::Slot(_) | Loc::InArg(_)) || !fits_i32(v) {
        return false;
    }
    let o = disp(m);
    if fits_i8(v) {
        dynasm!(ops ; .arch x64 ; cmp QWORD [rbp + o], BYTE v as _)
    } else {
        dynasm!(ops ; .arch x64 ; cmp QWORD [rbp + o], v as i32)
    }
    true
}

pub fn mov_imm(ops: &mut Ops, r: u8, v: u64) {
    if v == 0 {
        dynasm!(ops ; .arch x64 ; xor Rd(r), Rd(r));
    } else if v <= u32::MAX as u64 {
        dynasm!(ops ; .arch x64 ; mov Rd(r), v as i32);
    } else if fits_i32(v) {
        dynasm!(ops ; .arch x64 ; mov Rq(r), v as i32);
    } else {
        dynasm!(ops ; .arch x64 ; mov Rq(r), QWORD v as i64);
    }
}

/// `dst = src` for any pair of locations (`dst` not an immediate). Uses `r11` for
/// memory-to-memory moves and for immediates going to xmm registers or memory.
/// Never changes flags unless it loads the constant 0 into a register.
pub fn mov(ops: &mut Ops, dst: Loc, src: Loc) {
    if dst == src {
        return;
    }
    match (dst, src) {
        (Loc::Reg(d), Loc::Reg(s)) => dynasm!(ops ; .arch x64 ; mov Rq(d), Rq(s)),
        (Loc::Reg(d), Loc::Xmm(s)) => dynasm!(ops ; .arch x64 ; movq Rq(d), Rx(s)),
        (Loc::Reg(d), Loc::Imm(v)) => mov_imm(ops, d, v),
        (Loc::Reg(d), m) => {
            let o = disp(m);
            dynasm!(ops ; .arch x64 ; mov Rq(d), QWORD [rbp + o])
        }
        (Loc::Xmm(d), Loc::Reg(s)) => dynasm!(ops ; .arch x64 ; movq Rx(d), Rq(s)),
        (Loc::Xmm(d), Loc::Xmm(s)) => dynasm!(ops ; .arch x64 ; movaps Rx(d), Rx(s)),
        (Loc::Xmm(d), Loc::Imm(v)) => {
            mov_imm(ops, R11, v);
            dynasm!(ops ; .arch x64 ; movq Rx(d), r11)
        }
        (Loc::Xmm(d), m) => {
            let o = disp(m);
            dynasm!(ops ; .arch x64 ; movsd Rx(d), QWORD [rbp + o])
        }
        (m, Loc::Reg(s)) => {
            let o = disp(m);
            dynasm!(ops ; .arch x64 ; mov QWORD [rbp + o], Rq(s))
        }
        (m, Loc::Xmm(s)) => {
            let o = disp(m);
            dynasm!(ops ; .arch x64 ; movsd QWORD [rbp + o], Rx(s))
        }
        (m, Loc::Imm(v)) => {
            let o = disp(m);
            if fits_i32(v) {
                dynasm!(ops ; .arch x64 ; mov QWORD [rbp + o], v as i32)
            } else {
                dynasm!(ops ; .arch x64 ; mov r11, QWORD v as i64 ; mov QWORD [rbp + o], r11)
            }
        }
        (m, s) => {
            let (o, so) = (disp(m), disp(s));
            dynasm!(ops ; .arch x64 ; mov r11, QWORD [rbp + so] ; mov QWORD [rbp + o], r11)
        }
    }
}

/// The integer ALU operations with a `dst op= src` form.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Alu {
    Add,
    Sub,
    And,
    Or,
    Xor,
    Cmp,
    Imul,
}

impl Alu {
    pub fn commutative(self) -> bool {
        matches!(self, Alu::Add | Alu::And | Alu::Or | Alu::Xor | Alu::Imul)
    }
}

/// `r op= src` for an integer source location.
pub fn alu(ops: &mut Ops, op: Alu, r: u8, src: Loc) {
    macro_rules! forms {
        ($ins:ident) => {
            match src {
                // (dynasm encodes `cmp` with a dynamic register with 32 bits here.)
                Loc::Imm(v) if fits_i8(v) => {
                    dynasm!(ops ; .arch x64 ; $ins Rq(r), BYTE v as _)
                }
                Loc::Reg(s) => dynasm!(ops ; .arch x64 ; $ins Rq(r), Rq(s)),
                Loc::Imm(v) if fits_i32(v) => dynasm!(ops ; .arch x64 ; $ins Rq(r), v as i32),
                Loc::Imm(v) => dynasm!(ops ; .arch x64 ; mov r11, QWORD v as i64 ; $ins Rq(r), r11),
                Loc::Xmm(_) => unreachable!("float operand in integer operation"),
                m => {
                    let o = disp(m);
                    dynasm!(ops ; .arch x64 ; $ins Rq(r), QWORD [rbp + o])
                }
            }
        };
    }
    match op {
        Alu::Add => forms!(add),
        Alu::Sub => forms!(sub),
        Alu::And => forms!(and),
        Alu::Or => forms!(or),
        Alu::Xor => forms!(xor),
        Alu::Cmp => forms!(cmp),
        Alu::Imul => match src {
            Loc::Reg(s) => dynasm!(ops ; .arch x64 ; imul Rq(r), Rq(s)),
            Loc::Imm(v) if fits_i32(v) => dynasm!(ops ; .arch x64 ; imul Rq(r), Rq(r), v as i32),
            Loc::Imm(v) => dynasm!(ops ; .arch x64 ; mov r11, QWORD v as i64 ; imul Rq(r), r11),
            Loc::Xmm(_) => unreachable!("float operand in integer operation"),
            m => {
                let o = disp(m);
                dynasm!(ops ; .arch x64 ; imul Rq(r), QWORD [rbp + o])
            }
        },
    }
}

/// The float operations with a `xmm op= src` form.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FAlu {
    Add,
    Sub,
    Mul,
    Div,
    Ucomi,
}

/// `x op= src` for a float source location.
pub fn falu(ops: &mut Ops, op: FAlu, x: u8, src: Loc) {
    let src = match src {
        Loc::Imm(v) => {
            mov(ops, Loc::Xmm(XMM_SCRATCH2), Loc::Imm(v));
            Loc::Xmm(XMM_SCRATCH2)
        }
        s => s,
    };
    macro_rules! forms {
        ($ins:ident) => {
            match src {
                Loc::Xmm(s) => dynasm!(ops ; .arch x64 ; $ins Rx(x), Rx(s)),
                Loc::Reg(_) | Loc::Imm(_) => unreachable!("integer operand in float operation"),
                m => {
                    let o = disp(m);
                    dynasm!(ops ; .arch x64 ; $ins Rx(x), QWORD [rbp + o])
                }
            }
        };
    }
    match op {
        FAlu::Add => forms!(addsd),
        FAlu::Sub => forms!(subsd),
        FAlu::Mul => forms!(mulsd),
        FAlu::Div => forms!(divsd),
        FAlu::Ucomi => forms!(ucomisd),
    }
}

/// Bind a label at the current position.
pub fn bind(ops: &mut Ops, l: dynasmrt::DynamicLabel) {
    dynasm!(ops ; .arch x64 ; =>l);
}
