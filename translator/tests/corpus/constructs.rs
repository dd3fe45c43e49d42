//! One function per construct of the analysable subset. This file is compiled into the
//! test binary and also read by the translator: the graphs, evaluated, must agree with
//! the compiled functions.
#![allow(dead_code, clippy::all)]

pub const LIMIT: i64 = 1000;
pub const SHIFT: u32 = 3;
pub static TABLE: [u8; 4] = [10, 20, 30, 40];

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Error {
    Overflow,
    BadOpcode(u8),
    OutOfRange { index: usize },
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Instr {
    Push(i64),
    Add,
    Jump { target: usize },
    Halt,
}

pub struct Machine {
    pub acc: i64,
    pub regs: Vec<i64>,
}

impl Machine {
    pub fn bump(&mut self, by: i64) -> i64 {
        self.acc = self.acc.wrapping_add(by);
        self.acc
    }

    pub fn store(&mut self, i: usize) {
        self.regs[i] = self.acc;
    }

    pub fn total(&self) -> i64 {
        let mut s: i64 = 0;
        for i in 0..self.regs.len() {
            s = s.wrapping_add(self.regs[i]);
        }
        s + self.acc % 7
    }
}

/// Integer arithmetic with overflow checks (panics like a debug build).
pub fn arith(a: i64, b: i64) -> i64 {
    a * 3 + b - 7
}

/// Wrapping and checked arithmetic, `?` on an `Option`.
pub fn checked(a: i64, b: i64) -> Option<i64> {
    let x = a.checked_add(b)?;
    let y = x.checked_mul(2)?;
    Some(y.wrapping_sub(a.wrapping_mul(b)))
}

/// Division and remainder (panic on zero and overflow), min/max/abs, euclid.
pub fn division(a: i64, b: i64) -> i64 {
    let q = a / b;
    let r = a % b;
    q.max(r).min(LIMIT) + a.rem_euclid(b).abs()
}

/// Comparisons with `&&`, `||` and `!`.
pub fn logic(a: i64, b: i64) -> bool {
    (a < b && b != 3) || !(a >= 0) || a == LIMIT
}

/// Bit operations and shifts.
pub fn bits(a: u64, s: u32) -> u64 {
    let x = (a << (s % 64)) ^ (a >> SHIFT);
    (x & 0xff00) | (!a & 0xff) | a.wrapping_shl(s)
}

/// `as` casts between integers, floats and bools.
pub fn casts(a: i64) -> i64 {
    let b = a as u8;
    let c = a as i32;
    let f = a as f64 * 0.5;
    let t = (a > 0) as i64;
    b as i64 + c as i64 + f as i64 + t + (f as u8) as i64
}

/// Floats.
pub fn floats(x: f64, y: f64) -> f64 {
    let z = x * y - x / 3.0;
    if z > 10.0 {
        z % 7.0
    } else if z != z {
        -1.0
    } else {
        -z
    }
}

/// `if`/`else` as statements and as expressions, early `return`.
pub fn branches(a: i64) -> i64 {
    if a < 0 {
        return -1;
    }
    let mut r: i64 = 0;
    if a % 2 == 0 {
        r += 10;
    }
    let k: i64 = if a > 100 {
        3
    } else if a > 10 {
        2
    } else {
        1
    };
    r + k
}

/// `match` on integers: literals, constants, or-patterns, bindings, `_`.
pub fn match_int(x: u8) -> i64 {
    const SEVEN: u8 = 7;
    match x {
        0 => 100,
        1 | 2 | 3 => 200,
        SEVEN => 700,
        255 => -1,
        other => other as i64 * 2,
    }
}

/// `match` on a bool and on a char.
pub fn match_bool_char(b: bool, c: char) -> i64 {
    let x: i64 = match b {
        true => 1,
        false => 2,
    };
    let y: i64 = match c {
        'a' => 10,
        'z' | 'Z' => 20,
        _ => 30,
    };
    x + y
}

/// `match` on enum variants with fields (tuple and named), `if let`.
pub fn match_enum(i: Instr, acc: i64) -> i64 {
    let r = match i {
        Instr::Push(v) => acc.wrapping_add(v),
        Instr::Add => acc * 2,
        Instr::Jump { target } => target as i64,
        Instr::Halt => 0,
    };
    if let Instr::Push(v) = i {
        r - v
    } else {
        r
    }
}

/// `while` loops.
pub fn while_sum(n: i64) -> i64 {
    let mut i: i64 = 0;
    let mut s: i64 = 0;
    while i < n {
        s += i;
        i += 1;
    }
    s
}

/// `loop` with `break value`.
pub fn loop_break(n: i64) -> i64 {
    let mut i: i64 = 0;
    let r = loop {
        if i * i > n {
            break i;
        }
        i += 1;
    };
    r * 10
}

/// `for` over ranges, labelled `break` and `continue`.
pub fn for_labels(n: u32) -> u32 {
    let mut count: u32 = 0;
    'outer: for i in 0..n {
        for j in 0..=i {
            if j == 3 {
                continue 'outer;
            }
            if i + j > 20 {
                break 'outer;
            }
            count += i * j + 1;
        }
    }
    count
}

/// `?` on a `Result`, errors as enum values with fields.
pub fn parse(code: &[u8], i: usize) -> Result<i64, Error> {
    let b = fetch(code, i)?;
    let v = match b {
        0..=9 => b as i64,
        b'+' => 100,
        _ => return Err(Error::BadOpcode(b)),
    };
    (v * 1000).checked_add(i as i64).ok_or(Error::Overflow)
}

/// An `if` with no expected type whose first branch is `Err(..)`: its type is the one
/// a later branch tells (a call), as rustc infers it.
pub fn fetch_twice(code: &[u8], i: usize) -> Result<u8, Error> {
    let r = if i % 2 == 1 {
        if i > 100 {
            Err(Error::Overflow)
        } else {
            let r = fetch(code, i / 2);
            r
        }
    } else {
        fetch(code, i)
    };
    r
}

fn fetch(code: &[u8], i: usize) -> Result<u8, Error> {
    if i >= code.len() {
        return Err(Error::OutOfRange { index: i });
    }
    Ok(code[i])
}

/// Struct fields through `&mut`, methods through the crate's `impl` blocks.
pub fn machine(a: i64, n: usize) -> i64 {
    let mut m = Machine {
        acc: a,
        regs: vec![0; 4],
    };
    for i in 0..n {
        m.bump(i as i64);
        m.store(i % 4);
    }
    m.regs[0] += 1;
    m.total()
}

/// Fixed arrays: by-value copies, indexing, `len`.
pub fn arrays(a: i64) -> i64 {
    let mut xs: [i64; 4] = [a, 2, 3, 4];
    let ys = xs;
    xs[1] = 100;
    let zs = [7i64; 3];
    xs[0] + xs[1] + ys[1] + zs[2] + xs.len() as i64 + TABLE[2] as i64
}

/// Slices and vectors: indexing, sub-slices, `len`, `push`, `pop`, `is_empty`.
pub fn vectors(v: &[i64], k: usize) -> i64 {
    let mut stack: Vec<i64> = Vec::new();
    for i in 0..v.len() {
        stack.push(v[i]);
    }
    let tail = &v[k..];
    let mut s: i64 = tail.len() as i64;
    while !stack.is_empty() {
        let x = stack.pop().unwrap_or(0);
        s = s.wrapping_mul(3).wrapping_add(x);
    }
    s
}

/// Sub-slices with run-time bounds of every range form, of a vector and of a slice;
/// `truncate`, `clear`, `first`, `last`.
pub fn slices(v: &[i64], a: usize, b: usize) -> i64 {
    let mut stack: Vec<i64> = Vec::new();
    for i in 0..v.len() {
        stack.push(v[i]);
    }
    let mid = &stack[a..b];
    let head = &v[..b];
    let inner = &mid[1..];
    let mut s: i64 = mid.len() as i64 * 1000 + head.len() as i64 * 100 + inner.len() as i64;
    for i in 0..inner.len() {
        s = s.wrapping_mul(7).wrapping_add(inner[i]);
    }
    if let Some(x) = head.first() {
        s = s.wrapping_add(*x).wrapping_add(*x);
    }
    match mid.last() {
        Some(x) => s = s.wrapping_sub(*x),
        None => s = s.wrapping_add(2),
    }
    stack.truncate(a);
    s = s.wrapping_add(stack.len() as i64 * 10);
    stack.truncate(b + 5);
    stack.push(1);
    s = s.wrapping_add(stack.len() as i64);
    if let Some(x) = stack.last() {
        s = s.wrapping_add(*x);
    }
    stack.clear();
    match stack.first() {
        Some(x) => s + x,
        None => s + stack.len() as i64,
    }
}

/// Tuples: made, returned, destructured, indexed.
pub fn tuples(a: i64, b: i64) -> (i64, bool) {
    let p = (a, b);
    let (x, y) = p;
    let q = swap(x, y);
    (q.0 - p.1, q.1 > 0)
}

fn swap(a: i64, b: i64) -> (i64, i64) {
    (b, a)
}

/// Panics: explicit, `assert!`, indexing out of bounds.
pub fn panics(v: &[u8], i: usize) -> u8 {
    assert!(i != 7);
    if i == 9 {
        panic!("nine");
    }
    v[i]
}

/// A small register-machine interpreter: the shape of the JIT's targets.
pub fn run(code: &[u8], a0: i64) -> Result<i64, Error> {
    let mut regs: Vec<i64> = vec![0; 4];
    let mut a = a0;
    let mut pc: usize = 0;
    let mut steps: u32 = 0;
    loop {
        steps += 1;
        if steps > 10_000 {
            return Ok(-1);
        }
        let op = fetch(code, pc)?;
        pc += 1;
        match op {
            0 => return Ok(a),
            1 => {
                let r = fetch(code, pc)? as usize % 4;
                pc += 1;
                regs[r] = a;
            }
            2 => {
                let r = fetch(code, pc)? as usize % 4;
                pc += 1;
                a = a.checked_add(regs[r]).ok_or(Error::Overflow)?;
            }
            3 => {
                let t = fetch(code, pc)? as usize;
                pc += 1;
                if a != 0 {
                    pc = t;
                }
            }
            4 => a -= 1,
            5 => a = -a,
            other => return Err(Error::BadOpcode(other)),
        }
    }
}
