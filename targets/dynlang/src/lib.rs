//! dynlang: a dynamically typed stack language written the way real interpreters are:
//! tagged values ([`Value`]) in vectors, a [`Frame`] (value stack and locals) built for
//! each call, a heap of values shared by every call, and calls that are recursive calls
//! of the interpreter. It is the README's second example: the JIT is generated from this
//! source as written.
//!
//! A program is a string of one-byte instructions; the counter `x` is an argument.
//!
//! | instruction | effect |
//! |---|---|
//! | `0`..`9` | push that int |
//! | `f` `n` `t` | push 0.5, `None`, `True` |
//! | `+` `-` `*` | pop `b`, pop `a`, push `a op b` (ints overflow-checked; an int and a float make a float) |
//! | `<` | pop `b`, pop `a`, push `a < b` (numbers; bools compare as ints) |
//! | `d` `s` `p` | duplicate, swap, drop the top |
//! | `lK` `LK` | push local `K` (a digit); pop into local `K` |
//! | `h` | pop a value onto the heap |
//! | `g` | pop an int `i`, push `heap[i mod len]` |
//! | `H` | pop an int `i`, pop `v`, `heap[i mod len] = v` |
//! | `x` | push the counter |
//! | `j` | while the counter is positive: count it down, back to the start (of the program or function) |
//! | `?` | pop; when it is false (`0`, `0.0`, `False`, `None`), skip the next instruction |
//! | `c` | pop an int `n`: push the result of the function (the code after the first `:`) run with counter `n - 1` (a call) |
//! | `w` | pop and print the top (a helper that is called, not analysed, takes the frame) |
//! | `.` `:` | return the top (at the end: the top, or `None`) |
//!
//! Locals start as `0`.
//!
//! Errors: a type error, overflow, an empty stack or heap, calls nested more than
//! [`MAX_DEPTH`] deep, a bad instruction.

use hints::{concrete, elidable, global_merge_point, portal, residual};

/// The deepest nesting of calls.
pub const MAX_DEPTH: u32 = 200;

/// A value of the language: tagged, held in vectors by value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Type,
    Overflow,
    Underflow,
    TooDeep,
    BadOp(u8),
}

/// The state of one call: its value stack and locals.
pub struct Frame {
    pub stack: Vec<Value>,
    pub locals: Vec<Value>,
}

impl Frame {
    fn push(&mut self, v: Value) {
        self.stack.push(v);
    }
    fn pop(&mut self) -> Result<Value, Error> {
        match self.stack.pop() {
            Some(v) => Ok(v),
            None => Err(Error::Underflow),
        }
    }
}

/// Run `code` from `start` with counter `x`; `heap` is shared with every call, `depth`
/// counts the calls around this one.
#[portal(greens(code, start))]
pub fn run(
    code: &[u8],
    start: usize,
    heap: &mut Vec<Value>,
    x: i64,
    depth: u32,
) -> Result<Value, Error> {
    let mut pc = start;
    let mut x = x;
    let mut fr = Frame {
        stack: Vec::new(),
        locals: vec![Value::Int(0); 4],
    };
    while pc < code.len() {
        global_merge_point!(greens(code, pc));
        let op = concrete!(code[pc]);
        pc += 1;
        match op {
            b'0'..=b'9' => fr.push(Value::Int((op - b'0') as i64)),
            b'f' => fr.push(Value::Float(0.5)),
            b'n' => fr.push(Value::None),
            b't' => fr.push(Value::Bool(true)),
            b'+' | b'-' | b'*' | b'<' => {
                let b = fr.pop()?;
                let a = fr.pop()?;
                fr.push(binary(op, a, b)?);
            }
            b'd' => {
                let a = fr.pop()?;
                fr.push(a);
                fr.push(a);
            }
            b's' => {
                let b = fr.pop()?;
                let a = fr.pop()?;
                fr.push(b);
                fr.push(a);
            }
            b'p' => {
                fr.pop()?;
            }
            b'l' | b'L' => {
                let k = local(code, pc)?;
                pc += 1;
                if op == b'l' {
                    let v = fr.locals[k];
                    fr.push(v);
                } else {
                    fr.locals[k] = fr.pop()?;
                }
            }
            b'h' => {
                let v = fr.pop()?;
                heap.push(v);
            }
            b'g' => {
                let n = heap.len() as i64;
                match fr.pop()? {
                    Value::Int(_) if n == 0 => return Err(Error::Underflow),
                    Value::Int(i) => {
                        let v = heap[i.rem_euclid(n) as usize];
                        fr.push(v);
                    }
                    _ => return Err(Error::Type),
                }
            }
            b'H' => {
                let n = heap.len() as i64;
                let i = fr.pop()?;
                let v = fr.pop()?;
                match i {
                    Value::Int(_) if n == 0 => return Err(Error::Underflow),
                    Value::Int(i) => heap[i.rem_euclid(n) as usize] = v,
                    _ => return Err(Error::Type),
                }
            }
            b'x' => fr.push(Value::Int(x)),
            b'j' => {
                if x > 0 {
                    x -= 1;
                    pc = start;
                }
            }
            b'?' => {
                if !truth(fr.pop()?) {
                    pc += 1;
                }
            }
            b'c' => match fr.pop()? {
                Value::Int(n) => {
                    if depth >= MAX_DEPTH {
                        return Err(Error::TooDeep);
                    }
                    let f = function(code);
                    if f == 0 {
                        return Err(Error::BadOp(op));
                    }
                    let r = run(code, f, heap, n - 1, depth + 1)?;
                    fr.push(r);
                }
                _ => return Err(Error::Type),
            },
            b'w' => write_top(&mut fr)?,
            b'.' | b':' => return fr.pop(),
            _ => return Err(Error::BadOp(op)),
        }
    }
    match fr.stack.pop() {
        Some(v) => Ok(v),
        None => Ok(Value::None),
    }
}

/// Where the function starts: after the first `:` (0 when there is none). Called, not
/// analysed (it uses iterators), and pure: with a green `code` the JIT runs it while
/// compiling.
#[residual]
#[elidable]
pub fn function(code: &[u8]) -> usize {
    match code.iter().position(|b| *b == b':') {
        Some(i) => i + 1,
        None => 0,
    }
}

fn truth(v: Value) -> bool {
    match v {
        Value::None => false,
        Value::Bool(b) => b,
        Value::Int(i) => i != 0,
        Value::Float(f) => f != 0.0,
    }
}

/// The local named by the digit at `pc`.
fn local(code: &[u8], pc: usize) -> Result<usize, Error> {
    if pc >= code.len() {
        return Err(Error::BadOp(b'l'));
    }
    match concrete!(code[pc]) {
        d @ b'0'..=b'3' => Ok((d - b'0') as usize),
        d => Err(Error::BadOp(d)),
    }
}

/// `a op b` for `+ - * <`: ints with ints (overflow-checked), floats with ints or
/// floats, bools compared as ints.
fn binary(op: u8, a: Value, b: Value) -> Result<Value, Error> {
    Ok(match (a, b) {
        (Value::Int(x), Value::Int(y)) => match op {
            b'+' => Value::Int(x.checked_add(y).ok_or(Error::Overflow)?),
            b'-' => Value::Int(x.checked_sub(y).ok_or(Error::Overflow)?),
            b'*' => Value::Int(x.checked_mul(y).ok_or(Error::Overflow)?),
            _ => Value::Bool(x < y),
        },
        (Value::Float(x), Value::Float(y)) => float(op, x, y),
        (Value::Int(x), Value::Float(y)) => float(op, x as f64, y),
        (Value::Float(x), Value::Int(y)) => float(op, x, y as f64),
        (Value::Bool(x), Value::Bool(y)) if op == b'<' => Value::Bool(!x & y),
        _ => return Err(Error::Type),
    })
}

fn float(op: u8, x: f64, y: f64) -> Value {
    match op {
        b'+' => Value::Float(x + y),
        b'-' => Value::Float(x - y),
        b'*' => Value::Float(x * y),
        _ => Value::Bool(x < y),
    }
}

/// Pop the top of `fr`'s stack and print it (called, not analysed: compiled code lends
/// it the frame and sees the pop).
#[residual]
pub fn write_top(fr: &mut Frame) -> Result<(), Error> {
    let v = fr.pop()?;
    println!("{v:?}");
    Ok(())
}

/// The heap's values as the program shows them (called, not analysed).
#[residual]
pub fn show(heap: &[Value]) -> String {
    let items: Vec<String> = heap.iter().map(|v| format!("{v:?}")).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(code: &str, x: i64) -> (Result<Value, Error>, Vec<Value>) {
        let mut heap = Vec::new();
        let r = run(code.as_bytes(), 0, &mut heap, x, 0);
        (r, heap)
    }

    #[test]
    fn arithmetic_mixes_ints_and_floats() {
        assert_eq!(eval("12+.", 0).0, Ok(Value::Int(3)));
        assert_eq!(eval("1f+d*.", 0).0, Ok(Value::Float(2.25)));
        assert_eq!(eval("12<", 0).0, Ok(Value::Bool(true)));
        assert_eq!(eval("tn<", 0).0, Err(Error::Type));
        assert_eq!(eval("9d*d*d*d*d*d*d*d*d*d*d*", 0).0, Err(Error::Overflow));
    }

    #[test]
    fn locals_heap_loops_and_calls() {
        assert_eq!(eval("7L2l2l2+.", 0).0, Ok(Value::Int(14)));
        assert_eq!(eval("l0x+L0jl0.", 10).0, Ok(Value::Int(55)));
        let (r, heap) = eval("xh5j", 3);
        assert_eq!(r, Ok(Value::Int(5)));
        assert_eq!(
            heap,
            vec![Value::Int(3), Value::Int(2), Value::Int(1), Value::Int(0)]
        );
        // f(k) = f(k - 1) + 1, f(0) = 1.
        assert_eq!(eval("xc.:xd?c1+.", 6).0, Ok(Value::Int(6)));
        let (r, heap) = eval("1h2h3h94H0g1g+", 0);
        assert_eq!(r, Ok(Value::Int(10)));
        assert_eq!(heap, vec![Value::Int(1), Value::Int(9), Value::Int(3)]);
        assert_eq!(eval("3cpj1:x1+.", 4).0, Ok(Value::Int(1)));
        assert_eq!(eval("1c", 0).0, Err(Error::BadOp(b'c')));
        assert_eq!(eval("1c:1c", 0).0, Err(Error::TooDeep));
        assert_eq!(eval("@", 0).0, Err(Error::BadOp(b'@')));
        assert_eq!(eval("l9", 0).0, Err(Error::BadOp(b'9')));
    }
}
