//! TL, the stack "toy language" of PyPy's 2007 JIT work (`pypy/jit/tl/tl.py`).
//!
//! A program is bytecode: an opcode word, followed by one operand word for the
//! instructions that take one. It runs on a stack of `i64`; `PUSHARG` pushes the input
//! argument. When control reaches the end of the code or a `RETURN`, the result is the
//! top of the stack.
//!
//! | instruction | effect (`a` is the top, `b` the one below) |
//! |---|---|
//! | `NOP` | nothing |
//! | `PUSH n` | push `n` |
//! | `POP` | drop the top |
//! | `SWAP` | exchange `a` and `b` |
//! | `ROLL r` | `r < -1`: move the top `-r - 1` places down; `r > 1`: bring the `r`th item up to the top |
//! | `PICK n` | push a copy of item `n` (0 is the top; negative counts from the bottom, as Python indexes) |
//! | `PUT n` | pop, then store into item `n` |
//! | `ADD` `SUB` `MUL` `DIV` | pop `a` and `b`, push `b op a` (`DIV` rounds toward negative infinity) |
//! | `EQ` `NE` `LT` `LE` `GT` `GE` | pop `a` and `b`, push 1 if `b op a` else 0 |
//! | `BR_COND off` | pop; if nonzero, jump by `off` words (from the next instruction) |
//! | `BR_COND_STK` | pop an offset, pop a condition; if nonzero, jump by the offset |
//! | `CALL off` | run the code at `off` words from the next instruction as a function (its own stack, argument 0) and push its result |
//! | `RETURN` | stop with the top of the stack |
//! | `PUSHARG` | push the input argument |
//!
//! Errors: `stack underflow`, `division by zero`, `integer overflow` (the numbers are
//! `i64`), a jump before the start, a bad opcode, calls nested more than
//! [`MAX_DEPTH`] deep. [`asm::assemble`] reads the text form; [`interpret`] is the
//! JIT's portal: `BR_COND_STK` jumps to a run-time target, so it promotes it.

pub mod asm;

use hints::{concrete, global_merge_point, portal, promote};

pub const NOP: i64 = 1;
pub const PUSH: i64 = 2;
pub const POP: i64 = 3;
pub const SWAP: i64 = 4;
pub const ROLL: i64 = 5;
pub const PICK: i64 = 6;
pub const PUT: i64 = 7;
pub const ADD: i64 = 8;
pub const SUB: i64 = 9;
pub const MUL: i64 = 10;
pub const DIV: i64 = 11;
pub const EQ: i64 = 12;
pub const NE: i64 = 13;
pub const LT: i64 = 14;
pub const LE: i64 = 15;
pub const GT: i64 = 16;
pub const GE: i64 = 17;
pub const BR_COND: i64 = 18;
pub const BR_COND_STK: i64 = 19;
pub const CALL: i64 = 20;
pub const RETURN: i64 = 21;
pub const PUSHARG: i64 = 22;

/// The deepest nesting of `CALL`s.
pub const MAX_DEPTH: u32 = 1000;

/// A run-time error of a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    StackUnderflow,
    DivisionByZero,
    Overflow,
    BadOpcode(i64),
    NegativeJump(i64),
    /// An operand word is missing at the end of the code.
    MissingOperand,
    TooDeep,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::StackUnderflow => write!(f, "stack underflow"),
            Error::DivisionByZero => write!(f, "division by zero"),
            Error::Overflow => write!(f, "integer overflow"),
            Error::BadOpcode(op) => write!(f, "bad opcode {op}"),
            Error::NegativeJump(t) => write!(f, "jump to position {t}, before the start"),
            Error::MissingOperand => write!(f, "the last instruction has no operand"),
            Error::TooDeep => write!(f, "calls nested more than {MAX_DEPTH} deep"),
        }
    }
}

/// Run `code` from word `pc` with input argument `arg`; `depth` is the number of
/// enclosing `CALL`s (0 for a program).
#[portal(greens(code, pc))]
pub fn interpret(code: &[i64], pc: usize, arg: i64, depth: u32) -> Result<i64, Error> {
    let mut pc = pc;
    let mut stack: Vec<i64> = Vec::new();
    while pc < code.len() {
        global_merge_point!();
        let op = concrete!(code[pc]);
        pc += 1;
        match op {
            NOP => {}
            PUSH => {
                let n = operand(code, pc)?;
                pc += 1;
                stack.push(n);
            }
            POP => {
                pop(&mut stack)?;
            }
            SWAP => {
                let a = pop(&mut stack)?;
                let b = pop(&mut stack)?;
                stack.push(a);
                stack.push(b);
            }
            ROLL => {
                let r = operand(code, pc)?;
                pc += 1;
                roll(&mut stack, r)?;
            }
            PICK => {
                let n = operand(code, pc)?;
                pc += 1;
                let i = index(stack.len(), n)?;
                let x = stack[i];
                stack.push(x);
            }
            PUT => {
                let n = operand(code, pc)?;
                pc += 1;
                let x = pop(&mut stack)?;
                let i = index(stack.len(), n)?;
                stack[i] = x;
            }
            ADD | SUB | MUL | DIV | EQ | NE | LT | LE | GT | GE => {
                let a = pop(&mut stack)?;
                let b = pop(&mut stack)?;
                stack.push(binary(op, b, a)?);
            }
            BR_COND => {
                let off = operand(code, pc)?;
                pc += 1;
                if pop(&mut stack)? != 0 {
                    pc = jump(pc, off)?;
                }
            }
            BR_COND_STK => {
                let off = pop(&mut stack)?;
                if pop(&mut stack)? != 0 {
                    let target = (pc as i64).checked_add(off).ok_or(Error::Overflow)?;
                    let target = promote!(target);
                    if target < 0 {
                        return Err(Error::NegativeJump(target));
                    }
                    pc = target as usize;
                }
            }
            CALL => {
                let off = operand(code, pc)?;
                pc += 1;
                if depth >= MAX_DEPTH {
                    return Err(Error::TooDeep);
                }
                let res = interpret(code, jump(pc, off)?, 0, depth + 1)?;
                stack.push(res);
            }
            RETURN => break,
            PUSHARG => stack.push(arg),
            _ => return Err(Error::BadOpcode(op)),
        }
    }
    pop(&mut stack)
}

/// The operand word at `pc`.
fn operand(code: &[i64], pc: usize) -> Result<i64, Error> {
    if pc >= code.len() {
        return Err(Error::MissingOperand);
    }
    Ok(concrete!(code[pc]))
}

fn pop(stack: &mut Vec<i64>) -> Result<i64, Error> {
    match stack.pop() {
        Some(x) => Ok(x),
        None => Err(Error::StackUnderflow),
    }
}

/// `pc + off`, a position in the code.
fn jump(pc: usize, off: i64) -> Result<usize, Error> {
    let t = (pc as i64).checked_add(off).ok_or(Error::Overflow)?;
    if t < 0 {
        return Err(Error::NegativeJump(t));
    }
    Ok(t as usize)
}

/// The position of item `n` of a stack of `len` (Python's `stack[-1 - n]`).
fn index(len: usize, n: i64) -> Result<usize, Error> {
    let i = (-1i64).checked_sub(n).ok_or(Error::StackUnderflow)?;
    let i = if i < 0 { i + len as i64 } else { i };
    if i < 0 || i >= len as i64 {
        return Err(Error::StackUnderflow);
    }
    Ok(i as usize)
}

/// `ROLL r`, as tl.py: `r < -1` moves the top down to `len + r`; `r > 1` brings the
/// item at `len - r` up to the top.
fn roll(stack: &mut Vec<i64>, r: i64) -> Result<(), Error> {
    let len = stack.len() as i64;
    if r < -1 {
        let i = len + r;
        if i < 0 {
            return Err(Error::StackUnderflow);
        }
        let top = stack[(len - 1) as usize];
        let mut j = len - 1;
        while j > i {
            stack[j as usize] = stack[(j - 1) as usize];
            j -= 1;
        }
        stack[i as usize] = top;
    } else if r > 1 {
        let i = len - r;
        if i < 0 {
            return Err(Error::StackUnderflow);
        }
        let x = stack[i as usize];
        let mut j = i;
        while j < len - 1 {
            stack[j as usize] = stack[(j + 1) as usize];
            j += 1;
        }
        stack[(len - 1) as usize] = x;
    }
    Ok(())
}

/// `b op a` for the arithmetic and comparison opcodes.
fn binary(op: i64, b: i64, a: i64) -> Result<i64, Error> {
    Ok(match op {
        ADD => b.checked_add(a).ok_or(Error::Overflow)?,
        SUB => b.checked_sub(a).ok_or(Error::Overflow)?,
        MUL => b.checked_mul(a).ok_or(Error::Overflow)?,
        DIV => {
            if a == 0 {
                return Err(Error::DivisionByZero);
            }
            let q = b.checked_div(a).ok_or(Error::Overflow)?;
            if b % a != 0 && (b < 0) != (a < 0) {
                q - 1
            } else {
                q
            }
        }
        EQ => (b == a) as i64,
        NE => (b != a) as i64,
        LT => (b < a) as i64,
        LE => (b <= a) as i64,
        GT => (b > a) as i64,
        _ => (b >= a) as i64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str, arg: i64) -> Result<i64, Error> {
        interpret(&asm::assemble(src).unwrap(), 0, arg, 0)
    }

    #[test]
    fn factorial() {
        let src = include_str!("../examples/factorial.tl");
        assert_eq!(run(src, 5), Ok(120));
        assert_eq!(run(src, 20), Ok(2432902008176640000));
        assert_eq!(run(src, 21), Err(Error::Overflow));
    }

    #[test]
    fn stack_operations() {
        assert_eq!(run("PUSH 1\nPUSH 2\nPUSH 3\nROLL 3", 0), Ok(1));
        assert_eq!(run("PUSH 1\nPUSH 2\nPUSH 3\nROLL -3\nPOP\nPOP", 0), Ok(3));
        assert_eq!(run("PUSH 7\nPUSH 8\nPICK 1", 0), Ok(7));
        assert_eq!(run("PUSH 7\nPUSH 8\nPICK -1", 0), Ok(7));
        assert_eq!(run("PUSH 7\nPUSH 8\nPUSH 9\nPUT 1\nPOP", 0), Ok(9));
        assert_eq!(run("PUSH -7\nPUSH 2\nDIV", 0), Ok(-4));
        assert_eq!(run("PUSH 7\nPUSH -2\nDIV", 0), Ok(-4));
        assert_eq!(run("PUSH 7\nPUSH 2\nDIV", 0), Ok(3));
        assert_eq!(run("PUSH 3\nPUSH 4\nLT", 0), Ok(1));
        assert_eq!(run("PUSH 3\nPUSH 4\nSWAP\nSUB", 0), Ok(1));
    }

    #[test]
    fn branches_and_calls() {
        // BR_COND_STK over a PUSH: offset 2 skips `PUSH 5`.
        assert_eq!(
            run(
                "PUSH 9\nPUSH 1\nPUSH 2\nBR_COND_STK\nPUSH 5\nPUSHARG\nADD",
                3
            ),
            Ok(12)
        );
        assert_eq!(
            run("CALL f\nPUSH 1\nADD\nRETURN\nf: PUSH 41\nRETURN", 0),
            Ok(42)
        );
    }

    #[test]
    fn errors() {
        assert_eq!(run("POP", 0), Err(Error::StackUnderflow));
        assert_eq!(run("", 0), Err(Error::StackUnderflow));
        assert_eq!(run("PUSH 1\nPUSH 0\nDIV", 0), Err(Error::DivisionByZero));
        assert_eq!(run("PUSH 1\nPICK 1", 0), Err(Error::StackUnderflow));
        assert_eq!(run("PUSH 1\nROLL 3", 0), Err(Error::StackUnderflow));
        assert_eq!(
            run("PUSH 1\nPUSH -9\nBR_COND_STK", 0),
            Err(Error::NegativeJump(-4))
        );
        assert_eq!(run("f: CALL f", 0), Err(Error::TooDeep));
        assert_eq!(interpret(&[99], 0, 0, 0), Err(Error::BadOpcode(99)));
        assert_eq!(interpret(&[PUSH], 0, 0, 0), Err(Error::MissingOperand));
    }
}
