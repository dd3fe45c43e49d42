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

/// An instruction on `[base + d]` (no index), encoded by hand with the shortest
/// displacement (dynasm gives a displacement known only at run time 32 bits, and frame
/// slots, out words, vectors and structs are most of what compiled code reads and
/// writes): `prefix`, a REX byte when needed (`w` for 64-bit operands; the high bits of
/// `reg` and `base`), `opcode`, then ModRM with `reg` (a register number or an opcode
/// extension), a SIB byte for an `rsp`/`r12` base, then the displacement.
pub fn base_form(
    ops: &mut Ops,
    prefix: Option<u8>,
    w: bool,
    opcode: &[u8],
    reg: u8,
    base: u8,
    d: i32,
) {
    if let Some(p) = prefix {
        ops.push(p);
    }
    let rex = 0x40 | (w as u8) << 3 | ((reg >> 3) & 1) << 2 | ((base >> 3) & 1);
    if rex != 0x40 {
        ops.push(rex);
    }
    for &b in opcode {
        ops.push(b);
    }
    let (md, short) = if d == 0 && base & 7 != 5 {
        (0x00, None)
    } else if let Ok(d8) = i8::try_from(d) {
        (0x40, Some(d8))
    } else {
        (0x80, None)
    };
    ops.push(md | (reg & 7) << 3 | (base & 7));
    if base & 7 == 4 {
        // rsp and r12 as a base need a SIB byte: no index, that base.
        ops.push(0x24);
    }
    match (md, short) {
        (0x40, Some(d8)) => ops.push(d8 as u8),
        (0x80, _) => {
            for b in d.to_le_bytes() {
                ops.push(b);
            }
        }
        _ => {}
    }
}

/// `mov r64, [rbp + d]`.
pub fn load_slot(ops: &mut Ops, r: u8, d: i32) {
    base_form(ops, None, true, &[0x8b], r, RBP, d);
}

/// `mov [rbp + d], r64`.
pub fn store_slot(ops: &mut Ops, d: i32, r: u8) {
    base_form(ops, None, true, &[0x89], r, RBP, d);
}

/// `cmp` of the 64-bit value in memory at `m` (a stack slot or incoming argument) with
/// the constant `v`, when `v` fits an `imm32` (sign-extended, as `cmp` reads it); `false`
/// (nothing emitted) otherwise.
pub fn cmp_mem_imm(ops: &mut Ops, m: Loc, v: u64) -> bool {
    if !matches!(m, Loc::Slot(_) | Loc::InArg(_)) || !fits_i32(v) {
        return false;
    }
    let o = disp(m);
    // `cmp r/m64, imm8` is 83 /7 ib; `cmp r/m64, imm32` is 81 /7 id.
    if fits_i8(v) {
        base_form(ops, None, true, &[0x83], 7, RBP, o);
        ops.push(v as u8);
    } else {
        base_form(ops, None, true, &[0x81], 7, RBP, o);
        for b in (v as i32).to_le_bytes() {
            ops.push(b);
        }
    }
    true
}

pub fn mov_imm(ops: &mut Ops, r: u8, v: u64) {
    if v == 0 {
        // `xor r32, r32` (31 /r), without the REX byte dynasm adds for a dynamic register.
        if r >= 8 {
            ops.push(0x45);
        }
        ops.push(0x31);
        ops.push(0xc0 | (r & 7) << 3 | (r & 7));
    } else if v <= u32::MAX as u64 {
        // `mov r32, imm32` (B8+r id), zero-extending: five bytes for the low registers.
        if r >= 8 {
            ops.push(0x41);
        }
        ops.push(0xb8 | (r & 7));
        for b in (v as u32).to_le_bytes() {
            ops.push(b);
        }
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
        (Loc::Reg(d), m) => load_slot(ops, d, disp(m)),
        (Loc::Xmm(d), Loc::Reg(s)) => dynasm!(ops ; .arch x64 ; movq Rx(d), Rq(s)),
        (Loc::Xmm(d), Loc::Xmm(s)) => dynasm!(ops ; .arch x64 ; movaps Rx(d), Rx(s)),
        (Loc::Xmm(d), Loc::Imm(v)) => {
            mov_imm(ops, R11, v);
            dynasm!(ops ; .arch x64 ; movq Rx(d), r11)
        }
        // `movsd xmm, m64` is F2 0F 10 /r; `movsd m64, xmm` is F2 0F 11 /r.
        (Loc::Xmm(d), m) => base_form(ops, Some(0xf2), false, &[0x0f, 0x10], d, RBP, disp(m)),
        (m, Loc::Reg(s)) => store_slot(ops, disp(m), s),
        (m, Loc::Xmm(s)) => base_form(ops, Some(0xf2), false, &[0x0f, 0x11], s, RBP, disp(m)),
        (m, Loc::Imm(v)) => {
            let o = disp(m);
            if fits_i32(v) {
                // `mov r/m64, imm32` (C7 /0 id), sign-extended.
                base_form(ops, None, true, &[0xc7], 0, RBP, o);
                for b in (v as i32).to_le_bytes() {
                    ops.push(b);
                }
            } else {
                dynasm!(ops ; .arch x64 ; mov r11, QWORD v as i64 ; mov QWORD [rbp + o], r11)
            }
        }
        (m, s) => {
            load_slot(ops, R11, disp(s));
            store_slot(ops, disp(m), R11);
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

#[cfg(test)]
mod tests {
    use super::*;
    use iced_x86::{Decoder, DecoderOptions, Formatter, IntelFormatter};

    fn text(bytes: &[u8]) -> String {
        let mut d = Decoder::new(64, bytes, DecoderOptions::NONE);
        let i = d.decode();
        assert_eq!(i.len(), bytes.len(), "one instruction: {bytes:02x?}");
        let mut out = String::new();
        IntelFormatter::new().format(&i, &mut out);
        out
    }

    fn dynasm_bytes(f: impl FnOnce(&mut Ops)) -> Vec<u8> {
        let mut ops = Ops::new(0);
        f(&mut ops);
        ops.finalize().unwrap()
    }

    /// The hand-encoded forms decode to what dynasm's own encoding of the same
    /// instruction decodes to, for every register, base and class of displacement.
    #[test]
    fn hand_encoded_memory_forms_match_dynasm() {
        let disps = [0i32, 8, -8, 127, -128, 128, -129, 4096, -4096];
        for reg in 0..16u8 {
            for d in disps {
                let mine = dynasm_bytes(|o| load_slot(o, reg, d));
                let theirs =
                    dynasm_bytes(|o| dynasm!(o ; .arch x64 ; mov Rq(reg), QWORD [rbp + d]));
                assert_eq!(text(&mine), text(&theirs));
                assert!(mine.len() <= theirs.len());
                let mine = dynasm_bytes(|o| store_slot(o, d, reg));
                let theirs =
                    dynasm_bytes(|o| dynasm!(o ; .arch x64 ; mov QWORD [rbp + d], Rq(reg)));
                assert_eq!(text(&mine), text(&theirs));
                let mine = dynasm_bytes(|o| mov(o, Loc::Xmm(reg), Loc::Slot(0)));
                let theirs =
                    dynasm_bytes(|o| dynasm!(o ; .arch x64 ; movsd Rx(reg), QWORD [rbp - 48]));
                assert_eq!(text(&mine), text(&theirs));
                for base in 0..16u8 {
                    let mine = dynasm_bytes(|o| base_form(o, None, true, &[0x8b], reg, base, d));
                    let theirs = dynasm_bytes(
                        |o| dynasm!(o ; .arch x64 ; mov Rq(reg), QWORD [Rq(base) + d]),
                    );
                    assert_eq!(text(&mine), text(&theirs), "reg {reg} base {base} disp {d}");
                    let mine = dynasm_bytes(|o| {
                        base_form(o, Some(0xf2), false, &[0x0f, 0x11], reg, base, d)
                    });
                    let theirs = dynasm_bytes(
                        |o| dynasm!(o ; .arch x64 ; movsd QWORD [Rq(base) + d], Rx(reg)),
                    );
                    assert_eq!(text(&mine), text(&theirs), "reg {reg} base {base} disp {d}");
                }
            }
        }
        for r in 0..16u8 {
            for v in [0u64, 1, 0x92fd10, u32::MAX as u64] {
                let mine = dynasm_bytes(|o| mov_imm(o, r, v));
                let theirs = dynasm_bytes(|o| dynasm!(o ; .arch x64 ; mov Rq(r), QWORD v as i64));
                let mut d = Decoder::new(64, &mine, DecoderOptions::NONE);
                let i = d.decode();
                assert_eq!(i.len(), mine.len());
                assert!(mine.len() < theirs.len(), "{mine:02x?}");
                // The same register, set to the same 64-bit value.
                let want = if v == 0 { "xor" } else { "mov" };
                assert!(text(&mine).starts_with(want), "{}", text(&mine));
                assert_eq!(
                    i.op0_register() as u32 - iced_x86::Register::EAX as u32,
                    r as u32
                );
                if v != 0 {
                    assert_eq!(i.immediate(1), v);
                }
            }
        }
        for v in [0u64, 1, 4, (-1i64) as u64, 1 << 20, i32::MIN as i64 as u64] {
            for slot in [0u32, 9, 10, 400] {
                let mine = dynasm_bytes(|o| mov(o, Loc::Slot(slot), Loc::Imm(v)));
                let d = slot_disp(slot);
                let theirs =
                    dynasm_bytes(|o| dynasm!(o ; .arch x64 ; mov QWORD [rbp + d], v as i32));
                assert_eq!(text(&mine), text(&theirs));
                assert!(mine.len() <= theirs.len());
            }
        }
        for v in [0u64, 1, 127, 128, (-1i64) as u64, 1 << 20] {
            let mine = dynasm_bytes(|o| assert!(cmp_mem_imm(o, Loc::Slot(3), v)));
            let o3 = slot_disp(3);
            let theirs = dynasm_bytes(|o| dynasm!(o ; .arch x64 ; cmp QWORD [rbp + o3], v as i32));
            assert_eq!(text(&mine), text(&theirs));
        }
    }
}
