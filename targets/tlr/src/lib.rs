//! TLR, the "toy language with registers" of PyPy's 2007 JIT work.
//!
//! A program is a list of instructions acting on an accumulator `a` (the input argument
//! to start with) and a bank of registers made by `ALLOCATE n`:
//!
//! | instruction | effect |
//! |---|---|
//! | `MOV_A_R n` | `regs[n] = a` |
//! | `MOV_R_A n` | `a = regs[n]` |
//! | `JUMP_IF_A target` | if `a != 0`, continue at `target` (a label or an instruction index) |
//! | `SET_A n` | `a = n` (any i64) |
//! | `ADD_R_TO_A n` | `a = a + regs[n]` |
//! | `RETURN_A` | stop with result `a` |
//! | `ALLOCATE n` | `regs = [0; n]` |
//! | `NEG_A` | `a = -a` |
//!
//! Integer overflow is the error `integer overflow`. [`asm::assemble`] reads the text
//! form; [`interpret`] runs bytecode and is the JIT's portal.

pub mod asm;

use hints::{concrete, global_merge_point, portal};

pub const MOV_A_R: i64 = 1;
pub const MOV_R_A: i64 = 2;
pub const JUMP_IF_A: i64 = 3;
pub const SET_A: i64 = 4;
pub const ADD_R_TO_A: i64 = 5;
pub const RETURN_A: i64 = 6;
pub const ALLOCATE: i64 = 7;
pub const NEG_A: i64 = 8;

/// The most registers `ALLOCATE` may make.
pub const MAX_REGS: i64 = 1 << 20;

/// A run-time error of a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Overflow,
    RegisterOutOfRange {
        reg: i64,
        len: usize,
    },
    BadAllocate(i64),
    /// Control ran past the last instruction.
    FellOffEnd,
    BadOpcode(i64),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Overflow => write!(f, "integer overflow"),
            Error::RegisterOutOfRange { reg, len } => {
                write!(f, "register {reg} out of range ({len} registers allocated)")
            }
            Error::BadAllocate(n) => write!(f, "cannot allocate {n} registers (0 to {MAX_REGS})"),
            Error::FellOffEnd => write!(f, "control ran past the end of the program"),
            Error::BadOpcode(op) => write!(f, "bad opcode {op}"),
        }
    }
}

/// Run `code` (pairs of opcode and operand, see [`asm::assemble`]) from word `pc` with
/// accumulator `a`.
#[portal(greens(code, pc))]
pub fn interpret(code: &[i64], pc: usize, a: i64) -> Result<i64, Error> {
    let mut pc = pc;
    let mut a = a;
    let mut regs: Vec<i64> = Vec::new();
    loop {
        global_merge_point!();
        if pc + 1 >= code.len() {
            return Err(Error::FellOffEnd);
        }
        let op = concrete!(code[pc]);
        let arg = concrete!(code[pc + 1]);
        pc += 2;
        match op {
            MOV_A_R => {
                let r = register(arg, regs.len())?;
                regs[r] = a;
            }
            MOV_R_A => {
                let r = register(arg, regs.len())?;
                a = regs[r];
            }
            JUMP_IF_A => {
                if a != 0 {
                    pc = arg as usize * 2;
                }
            }
            SET_A => a = arg,
            ADD_R_TO_A => {
                let r = register(arg, regs.len())?;
                a = a.checked_add(regs[r]).ok_or(Error::Overflow)?;
            }
            RETURN_A => return Ok(a),
            ALLOCATE => {
                if arg < 0 || arg > MAX_REGS {
                    return Err(Error::BadAllocate(arg));
                }
                regs = vec![0; arg as usize];
            }
            NEG_A => a = a.checked_neg().ok_or(Error::Overflow)?,
            _ => return Err(Error::BadOpcode(op)),
        }
    }
}

/// Register `arg` of a bank of `len`, or the error.
fn register(arg: i64, len: usize) -> Result<usize, Error> {
    if arg < 0 || arg as usize >= len {
        return Err(Error::RegisterOutOfRange { reg: arg, len });
    }
    Ok(arg as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square() {
        let code = asm::assemble(include_str!("../examples/square.tlr")).unwrap();
        assert_eq!(interpret(&code, 0, 1764), Ok(3111696));
        assert_eq!(interpret(&code, 0, 9), Ok(81));
    }

    #[test]
    fn errors() {
        let run = |src: &str, a: i64| interpret(&asm::assemble(src).unwrap(), 0, a);
        assert_eq!(
            run(
                "SET_A 9223372036854775807\nALLOCATE 1\nMOV_A_R 0\nADD_R_TO_A 0\nRETURN_A",
                0
            ),
            Err(Error::Overflow)
        );
        assert_eq!(
            run("ALLOCATE 2\nMOV_A_R 2\nRETURN_A", 0),
            Err(Error::RegisterOutOfRange { reg: 2, len: 2 })
        );
        assert_eq!(
            run("MOV_R_A 0\nRETURN_A", 0),
            Err(Error::RegisterOutOfRange { reg: 0, len: 0 })
        );
        assert_eq!(
            run("SET_A -9223372036854775808\nNEG_A\nRETURN_A", 0),
            Err(Error::Overflow)
        );
        assert_eq!(run("NEG_A", 5), Err(Error::FellOffEnd));
        assert_eq!(run("ALLOCATE -1", 5), Err(Error::BadAllocate(-1)));
        assert_eq!(Error::Overflow.to_string(), "integer overflow");
    }
}
