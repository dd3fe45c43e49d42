//! Patterns and assignments of the analysable subset. This file is compiled into the test
//! binary and also read by the translator: the graphs, evaluated, must agree with the
//! compiled functions.
#![allow(dead_code, clippy::all)]

pub struct Regs {
    pub acc: i64,
    pub regs: [i64; 4],
}

fn pick(a: i64, b: i64) -> i64 {
    a * 2 + b
}

/// Assignments to items and fields whose right-hand side creates blocks (`unwrap()`,
/// `?`, `if`, `match`, a call with `?` in its arguments): the place's object and index,
/// evaluated first, cross those blocks.
pub fn assign_blocks(mut stack: Vec<i64>, i: usize, c: bool) -> Option<i64> {
    let mut regs: [i64; 4] = [0; 4];
    regs[0] = stack.pop().unwrap();
    regs[i % 4] += if c { 2 } else { stack.pop()? };
    regs[1] = match stack.pop() {
        Some(x) => x,
        None => 7,
    };
    let mut m = Regs { acc: 1, regs: [0; 4] };
    m.acc = stack.pop().unwrap_or(5);
    m.regs[(i + 1) % 4] = pick(stack.pop()?, regs[0]);
    m.acc += if c { regs[1] } else { stack.pop()? };
    m.regs[i % 4] += match stack.pop() {
        Some(x) => x,
        None => -1,
    };
    let mut v: Vec<i64> = vec![0; 3];
    v[i % 3] = stack.pop().expect("empty");
    Some(regs[0] + regs[1] * 3 + regs[2] * 5 + regs[3] * 7 + m.acc * 11 + m.regs[0] * 13
        + m.regs[1] * 17 + m.regs[2] * 19 + m.regs[3] * 23 + v[0] * 29 + v[1] * 31 + v[2] * 37)
}
