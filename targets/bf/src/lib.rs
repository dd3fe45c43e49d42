//! Brainfuck, the smallest real language here: a tape of [`TAPE`] cells of `u8` (wrapping
//! arithmetic), a pointer, and eight commands.
//!
//! | command | effect |
//! |---|---|
//! | `>` `<` | move the pointer; leaving the tape is the error [`Error::OffTape`] |
//! | `+` `-` | add or subtract 1 (mod 256) in the cell |
//! | `.` | write the cell's byte to standard output (buffered; see [`flush`]) |
//! | `,` | read a byte from standard input into the cell; at end of input the cell is unchanged |
//! | `[` | if the cell is 0, continue after the matching `]` |
//! | `]` | if the cell is not 0, continue after the matching `[` |
//!
//! [`commands`] keeps the command bytes of a program text and pairs its brackets
//! (unbalanced ones are an error with their line and column); [`run`] is the JIT's
//! portal. The bracket table is computed once before the run and read through
//! `deepfreeze!`, so with the program it is known while compiling: a jump's target is a
//! constant of the compiled code.

use hints::{concrete, deepfreeze, global_merge_point, portal, residual};
use std::cell::RefCell;
use std::io::{Read, Write};

/// Cells on the tape.
pub const TAPE: usize = 30000;

/// A run-time error of a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The pointer moved off the tape, at command number `pc` (of the command bytes).
    OffTape { pc: usize },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::OffTape { pc } => write!(
                f,
                "the pointer moved off the tape ({TAPE} cells) at command {pc}"
            ),
        }
    }
}

/// A program ready to run: its command bytes and, for each bracket, the index of its
/// partner (0 for other commands).
pub struct Program {
    pub code: Vec<u8>,
    pub brackets: Vec<usize>,
}

/// The commands of program text `src` with their brackets paired; an unbalanced bracket
/// is an error naming its line and column.
pub fn commands(src: &[u8]) -> Result<Program, String> {
    let mut code = Vec::new();
    let mut brackets = Vec::new();
    // Open brackets: command index, line, column.
    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    let (mut line, mut col) = (1, 1);
    for &b in src {
        if b"<>+-.,[]".contains(&b) {
            let i = code.len();
            code.push(b);
            brackets.push(0);
            if b == b'[' {
                open.push((i, line, col));
            } else if b == b']' {
                let Some((j, _, _)) = open.pop() else {
                    return Err(format!("unmatched `]` at line {line}, column {col}"));
                };
                brackets[i] = j;
                brackets[j] = i;
            }
        }
        if b == b'\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    if let Some((_, l, c)) = open.pop() {
        return Err(format!("unmatched `[` at line {l}, column {c}"));
    }
    Ok(Program { code, brackets })
}

/// Run the commands `code` from `pc` on a fresh tape; `brackets` pairs the brackets (see
/// [`commands`]).
#[portal(greens(code, brackets, pc))]
pub fn run(code: &[u8], brackets: &[usize], pc: usize) -> Result<(), Error> {
    let brackets = deepfreeze!(brackets);
    let mut pc = pc;
    let mut ptr: usize = 0;
    let mut tape: Vec<u8> = vec![0; TAPE];
    loop {
        global_merge_point!();
        if pc >= code.len() {
            return Ok(());
        }
        let op = concrete!(code[pc]);
        match op {
            b'>' => {
                if ptr + 1 >= TAPE {
                    return Err(Error::OffTape { pc });
                }
                ptr += 1;
            }
            b'<' => {
                if ptr == 0 {
                    return Err(Error::OffTape { pc });
                }
                ptr -= 1;
            }
            b'+' => tape[ptr] = tape[ptr].wrapping_add(1),
            b'-' => tape[ptr] = tape[ptr].wrapping_sub(1),
            b'.' => put(tape[ptr]),
            b',' => {
                let c = get();
                if c >= 0 {
                    tape[ptr] = c as u8;
                }
            }
            b'[' => {
                if tape[ptr] == 0 {
                    pc = brackets[pc];
                }
            }
            b']' => {
                if tape[ptr] != 0 {
                    pc = brackets[pc];
                }
            }
            _ => {}
        }
        pc += 1;
    }
}

thread_local! {
    static OUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Write `b` to standard output (buffered until [`flush`] or 64 KiB).
#[residual]
pub fn put(b: u8) {
    OUT.with(|o| {
        let mut o = o.borrow_mut();
        o.push(b);
        if o.len() >= 1 << 16 {
            let _ = std::io::stdout().lock().write_all(&o);
            o.clear();
        }
    })
}

/// The next byte of standard input, or -1 at its end.
#[residual]
pub fn get() -> i64 {
    flush();
    let mut b = [0u8];
    match std::io::stdin().lock().read(&mut b) {
        Ok(1) => b[0] as i64,
        _ => -1,
    }
}

/// Write out what [`run`] has buffered.
pub fn flush() {
    OUT.with(|o| {
        let mut o = o.borrow_mut();
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&o);
        let _ = out.flush();
        o.clear();
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_pair_and_errors_name_the_place() {
        let p = commands(b"+[>[-]<]x").unwrap();
        assert_eq!(p.code, b"+[>[-]<]");
        assert_eq!(p.brackets, vec![0, 7, 0, 5, 0, 3, 0, 1]);
        assert_eq!(
            commands(b"+\n ]").err().unwrap(),
            "unmatched `]` at line 2, column 2"
        );
        assert_eq!(
            commands(b"[[]").err().unwrap(),
            "unmatched `[` at line 1, column 1"
        );
    }

    #[test]
    fn runs_and_stops_at_the_tape_ends() {
        let p = commands(b"++[->+<]>[-]").unwrap();
        assert_eq!(run(&p.code, &p.brackets, 0), Ok(()));
        let p = commands(b"<").unwrap();
        assert_eq!(run(&p.code, &p.brackets, 0), Err(Error::OffTape { pc: 0 }));
        let p = commands(b"+[>+]").unwrap();
        assert_eq!(run(&p.code, &p.brackets, 0), Err(Error::OffTape { pc: 2 }));
    }
}
