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
    let mut m = Regs {
        acc: 1,
        regs: [0; 4],
    };
    m.acc = stack.pop().unwrap_or(5);
    m.regs[(i + 1) % 4] = pick(stack.pop()?, regs[0]);
    m.acc += if c { regs[1] } else { stack.pop()? };
    m.regs[i % 4] += match stack.pop() {
        Some(x) => x,
        None => -1,
    };
    let mut v: Vec<i64> = vec![0; 3];
    v[i % 3] = stack.pop().expect("empty");
    Some(
        regs[0]
            + regs[1] * 3
            + regs[2] * 5
            + regs[3] * 7
            + m.acc * 11
            + m.regs[0] * 13
            + m.regs[1] * 17
            + m.regs[2] * 19
            + m.regs[3] * 23
            + v[0] * 29
            + v[1] * 31
            + v[2] * 37,
    )
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Ref(u32),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Code {
    Stop,
    At(i64),
    Pair { a: i64, b: i64 },
}

/// A binary operation of a dynamic language: a match on a pair of values, with guards
/// that fail and fall through, `|` with bindings, literals and ranges inside variants and
/// a binding of a whole element.
pub fn binop(a: Value, b: Value, op: u8) -> Value {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) if op == 0 => match x.checked_add(y) {
            Some(z) => Value::Int(z),
            None => Value::Float(x as f64 + y as f64),
        },
        (Value::Int(x), Value::Int(y)) if op == 1 => Value::Bool(x < y),
        (Value::Int(x), Value::Int(y)) => Value::Int(x.wrapping_mul(y)),
        (Value::Float(x), Value::Int(y)) | (Value::Int(y), Value::Float(x)) => {
            Value::Float(x + y as f64)
        }
        (Value::Float(x), Value::Float(y)) if x < y => Value::Float(y - x),
        (Value::Float(x), Value::Float(y)) => Value::Float(x - y),
        (Value::Bool(p), Value::Bool(q)) => Value::Bool(p ^ q),
        (Value::None, _) | (_, Value::None) => Value::None,
        (Value::Ref(r), Value::Int(0)) => Value::Ref(r),
        (Value::Ref(r), Value::Int(1..=9)) => Value::Ref(r + 1),
        (Value::Ref(r), Value::Ref(s)) if r == s => Value::Bool(true),
        (Value::Bool(true), _) => Value::Int(1),
        (Value::Bool(false), Value::Int(n)) => Value::Int(-n),
        (x, _) => x,
    }
}

/// Nested `Option`s and `Result`s, `name @ pattern`, struct-like variants with literal
/// fields.
pub fn nested(o: Option<Option<i64>>, r: Result<Option<i64>, Code>) -> i64 {
    let a: i64 = match o {
        Some(Some(0)) => 100,
        Some(Some(x @ 1..=5)) => x * 10,
        Some(Some(x)) if x < 0 => -x,
        Some(Some(x)) => x,
        w @ Some(None) => match w {
            Some(_) => -1,
            None => -3,
        },
        None => -2,
    };
    let b: i64 = match r {
        Ok(Some(x)) if x % 2 == 0 => x / 2,
        Ok(Some(x)) | Err(Code::At(x)) => x,
        Ok(None) => 7,
        Err(Code::Stop) => 8,
        Err(Code::Pair { a, b: 0 }) => a,
        Err(Code::Pair { a, b }) => a.wrapping_mul(b),
    };
    a.wrapping_add(b)
}

pub struct Frame {
    pub pc: usize,
    pub top: Option<i64>,
    pub flags: (bool, u8),
}

/// Struct patterns with nested fields, matched by value and through a reference; a
/// tuple value (not a tuple expression) matched; `let` with a struct pattern.
pub fn frames(pc: usize, top: Option<i64>, f: bool, g: u8) -> i64 {
    let fr = Frame {
        pc,
        top,
        flags: (f, g),
    };
    let a: i64 = match &fr {
        Frame { pc: 0, .. } => 1,
        Frame {
            top: Some(t),
            flags: (true, _),
            ..
        } if *t > 10 => *t,
        Frame {
            top: None,
            flags: (_, 3 | 4),
            pc,
        } => *pc as i64 * 2,
        Frame { flags: (b, n), .. } => {
            if *b {
                *n as i64
            } else {
                -(*n as i64)
            }
        }
    };
    let Frame { pc: p, flags, .. } = fr;
    let b: i64 = match flags {
        (true, 0..=2) => 10,
        (x, y) if x == (y > 100) => 20 + y as i64,
        (_, y) => y as i64,
    };
    a.wrapping_add(b).wrapping_add(p as i64)
}

/// `while let` with a nested pattern, `let ... else`, `if let` on a tuple.
pub fn drain(mut v: Vec<Value>, k: i64) -> i64 {
    let mut s: i64 = 0;
    while let Some(Value::Int(x)) = v.pop() {
        if x == k {
            break;
        }
        if x < 0 {
            continue;
        }
        s = s.wrapping_add(x);
    }
    let Some(last) = v.pop() else {
        return s;
    };
    let Value::Int(n) = last else {
        return s.wrapping_add(1000);
    };
    s = s.wrapping_add(n);
    if let (Some(Value::Float(f)), 0..=9) = (v.pop(), k) {
        s = s.wrapping_add(f as i64);
    }
    s.wrapping_sub(v.len() as i64)
}
