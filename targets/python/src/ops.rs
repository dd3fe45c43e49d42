//! The residual operations: what the dispatch loop (`interp::run`) calls for every
//! instruction that is not int/float/bool/local/stack/jump work. Each is a `pub`
//! `#[residual]` free function taking the object space first; the JIT calls them as
//! they are. Errors are exception values.

use crate::bytecode::*;
use crate::numeric;
use crate::objects::*;
use crate::proto::{self, R};
use crate::space::*;
use crate::value::Value;
use hints::residual;
use std::cmp::Ordering;

pub use crate::numeric::{to_bigint as to_bigint_of, to_f64 as to_f64_of};

/// The int of an int-like value.
pub fn to_bigint(vm: &Space, v: Value) -> Option<num_bigint::BigInt> {
    numeric::to_bigint(vm, v)
}

/// The float of a number.
pub fn to_f64(vm: &Space, v: Value) -> Option<f64> {
    numeric::to_f64(vm, v)
}

/// An index (`__index__`): ints and bools; TypeError otherwise.
pub fn to_index(vm: &mut Space, v: Value) -> R<i64> {
    match v {
        Value::Int(i) => Ok(i),
        Value::Bool(b) => Ok(b as i64),
        _ => match vm.obj(v) {
            Object::BigInt(_) => Err(vm.err(
                "OverflowError",
                "Python int too large to convert to C ssize_t",
            )),
            Object::Instance(i) => {
                let cls = i.class;
                if let Some(m) = proto::lookup(vm, cls, S_INDEX) {
                    let r = proto::call_bound(vm, m, v, &[], &[])?;
                    return to_index(vm, r);
                }
                let t = vm.type_name(v);
                Err(vm.type_error(format!("'{t}' object cannot be interpreted as an integer")))
            }
            _ => {
                let t = vm.type_name(v);
                Err(vm.type_error(format!("'{t}' object cannot be interpreted as an integer")))
            }
        },
    }
}

pub fn str_string(vm: &mut Space, v: Value) -> R<String> {
    proto::str(vm, v)
}

pub fn repr_string(vm: &mut Space, v: Value) -> R<String> {
    proto::repr(vm, v)
}

// ---- names ----

fn globals_of(vm: &Space, func: Value) -> Value {
    match vm.obj(func) {
        Object::Function(f) => f.globals,
        _ => Value::Undef,
    }
}

fn name_error(vm: &mut Space, name: u32) -> Value {
    let n = vm.sym_name(name).to_string();
    vm.err("NameError", format!("name '{n}' is not defined"))
}

#[residual]
pub fn load_global(vm: &mut Space, func: Value, name: u32) -> Result<Value, Value> {
    let g = globals_of(vm, func);
    let gh = match g {
        Value::Obj(h) => h,
        _ => u32::MAX - 1,
    };
    let (gver, bver) = (dict_version(vm, g), dict_version(vm, vm.builtins));
    let k = global_slot(gh, name);
    let e = vm.global_cache[k];
    if e.globals == gh && e.name == name && e.gver == gver && e.bver == bver {
        return Ok(e.value);
    }
    let v = match proto::dict_get_sym(vm, g, name) {
        Some(v) => v,
        None => match proto::dict_get_sym(vm, vm.builtins, name) {
            Some(v) => v,
            None => return Err(name_error(vm, name)),
        },
    };
    vm.global_cache[k] = GlobalSlot {
        globals: gh,
        name,
        gver,
        bver,
        value: v,
    };
    Ok(v)
}

/// The version of a dict object (0 for anything else).
#[inline]
fn dict_version(vm: &Space, d: Value) -> u64 {
    match vm.obj(d) {
        Object::Dict(d) => d.version,
        _ => 0,
    }
}

/// The slot of [`Space::global_cache`] for symbol `name` in globals `gh`.
#[inline]
fn global_slot(gh: u32, name: u32) -> usize {
    ((gh as usize).wrapping_mul(0x9e37) ^ (name as usize).wrapping_mul(31)) & (GLOBAL_CACHE - 1)
}

#[residual]
pub fn store_global(vm: &mut Space, func: Value, name: u32, v: Value) -> Result<(), Value> {
    let g = globals_of(vm, func);
    let k = vm.sym_str(name);
    proto::dict_set(vm, g, k, v)
}

#[residual]
pub fn delete_global(vm: &mut Space, func: Value, name: u32) -> Result<(), Value> {
    let g = globals_of(vm, func);
    let k = vm.sym_str(name);
    match proto::dict_del(vm, g, k)? {
        Some(_) => Ok(()),
        None => Err(name_error(vm, name)),
    }
}

#[residual]
pub fn load_name(vm: &mut Space, ns: Value, func: Value, name: u32) -> Result<Value, Value> {
    if let Some(v) = proto::dict_get_sym(vm, ns, name) {
        return Ok(v);
    }
    load_global(vm, func, name)
}

#[residual]
pub fn store_name(vm: &mut Space, ns: Value, name: u32, v: Value) -> Result<(), Value> {
    let k = vm.sym_str(name);
    proto::dict_set(vm, ns, k, v)
}

#[residual]
pub fn delete_name(vm: &mut Space, ns: Value, name: u32) -> Result<(), Value> {
    let k = vm.sym_str(name);
    match proto::dict_del(vm, ns, k)? {
        Some(_) => Ok(()),
        None => Err(name_error(vm, name)),
    }
}

#[residual]
pub fn load_builtin(vm: &mut Space, name: u32) -> Result<Value, Value> {
    // Cached as a lookup in no globals (handle `u32::MAX - 1`).
    let gh = u32::MAX - 1;
    let bver = dict_version(vm, vm.builtins);
    let k = global_slot(gh, name);
    let e = vm.global_cache[k];
    if e.globals == gh && e.name == name && e.bver == bver {
        return Ok(e.value);
    }
    match proto::dict_get_sym(vm, vm.builtins, name) {
        Some(v) => {
            vm.global_cache[k] = GlobalSlot {
                globals: gh,
                name,
                gver: 0,
                bver,
                value: v,
            };
            Ok(v)
        }
        None => Err(name_error(vm, name)),
    }
}

// ---- attributes ----

#[residual]
pub fn getattr(vm: &mut Space, o: Value, name: u32) -> Result<Value, Value> {
    proto::getattr(vm, o, name)
}

/// `o.name` about to be called: `(function, o)` when it is a function of `o`'s class
/// that `o` does not shadow (the call passes `o` first; no bound method is made), else
/// `(o.name, Undef)`.
#[residual]
pub fn load_method(vm: &mut Space, o: Value, name: u32) -> Result<(Value, Value), Value> {
    if let Some(f) = proto::method_of(vm, o, name) {
        return Ok((f, o));
    }
    if let Some(f) = proto::builtin_method_of(vm, o, name) {
        return Ok((f, o));
    }
    Ok((proto::getattr(vm, o, name)?, Value::Undef))
}

#[residual]
pub fn setattr(vm: &mut Space, o: Value, name: u32, v: Value) -> Result<(), Value> {
    proto::setattr(vm, o, name, v)
}

#[residual]
pub fn delattr(vm: &mut Space, o: Value, name: u32) -> Result<(), Value> {
    proto::delattr(vm, o, name)
}

// ---- operators ----

const DUNDERS: [&str; 13] = [
    "add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "lshift", "rshift", "and", "or",
    "xor", "matmul",
];

/// Call dunder `name` of `a`'s class with `b`; `None` when it has none or it returned
/// `NotImplemented`.
fn try_dunder(vm: &mut Space, a: Value, name: &str, b: Value) -> R<Option<Value>> {
    if !matches!(vm.obj(a), Object::Instance(_)) {
        return Ok(None);
    }
    let s = vm.intern(name);
    match proto::lookup_type(vm, a, s) {
        Some(m) => {
            let r = proto::call_bound(vm, m, a, &[b], &[])?;
            if matches!(vm.obj(r), Object::NotImplemented) {
                Ok(None)
            } else {
                Ok(Some(r))
            }
        }
        None => Ok(None),
    }
}

/// `a op b`.
#[residual]
pub fn binary(vm: &mut Space, op: u32, a: Value, b: Value) -> Result<Value, Value> {
    if let (Value::Bool(x), Value::Bool(y)) = (a, b) {
        match op {
            BIN_AND => return Ok(Value::Bool(x & y)),
            BIN_OR => return Ok(Value::Bool(x | y)),
            BIN_XOR => return Ok(Value::Bool(x ^ y)),
            _ => {}
        }
    }
    if let Some(r) = numeric::binary(vm, op, a, b) {
        return r;
    }
    if let Some(r) = builtin_binary(vm, op, a, b)? {
        return Ok(r);
    }
    // The operators' methods are looked up on instances only: built-in operands
    // were handled above.
    let d = DUNDERS[(op as usize).min(12)];
    if matches!(vm.obj(a), Object::Instance(_)) {
        if let Some(r) = try_dunder(vm, a, &format!("__{d}__"), b)? {
            return Ok(r);
        }
    }
    if matches!(vm.obj(b), Object::Instance(_)) {
        if let Some(r) = try_dunder(vm, b, &format!("__r{d}__"), a)? {
            return Ok(r);
        }
    }
    let (ba, bb) = (proto::base_of(vm, a), proto::base_of(vm, b));
    if ba != Value::Undef || bb != Value::Undef {
        let x = if ba != Value::Undef { ba } else { a };
        let y = if bb != Value::Undef { bb } else { b };
        return binary(vm, op, x, y);
    }
    if op == BIN_MOD {
        if let Some(s) = vm.str_of(a) {
            let s = s.to_string();
            let r = crate::format::percent(vm, &s, b)?;
            return Ok(vm.new_str(r));
        }
    }
    let seq = |vm: &Space, v: Value| match vm.obj(v) {
        Object::Str(_) => Some("str"),
        Object::List(_) => Some("list"),
        Object::Tuple(_) => Some("tuple"),
        _ => None,
    };
    if op == BIN_ADD {
        if let Some(k) = seq(vm, a) {
            if !matches!(vm.obj(b), Object::Instance(_)) {
                let t = vm.type_name(b);
                return Err(vm.type_error(format!("can only concatenate {k} (not \"{t}\") to {k}")));
            }
        }
    }
    if op == BIN_MUL {
        let other = if seq(vm, a).is_some() {
            Some(b)
        } else if seq(vm, b).is_some() {
            Some(a)
        } else {
            None
        };
        if let Some(o) = other {
            if !matches!(vm.obj(o), Object::Instance(_)) {
                let t = vm.type_name(o);
                return Err(
                    vm.type_error(format!("can't multiply sequence by non-int of type '{t}'"))
                );
            }
        }
    }
    Err(numeric::unsupported(vm, op, a, b))
}

/// `a op= b`: lists extend in place, instances may define `__iop__`.
#[residual]
pub fn inplace(vm: &mut Space, op: u32, a: Value, b: Value) -> Result<Value, Value> {
    if let Value::Obj(h) = a {
        match &vm.heap[h as usize] {
            Object::List(_) if op == BIN_ADD => {
                let items = proto::collect(vm, b)?;
                if let Object::List(l) = &mut vm.heap[h as usize] {
                    l.extend(items);
                }
                return Ok(a);
            }
            Object::List(_) if op == BIN_MUL => {
                let n = to_index(vm, b)?.max(0) as usize;
                if let Object::List(l) = &mut vm.heap[h as usize] {
                    let orig = l.clone();
                    l.clear();
                    for _ in 0..n {
                        l.extend_from_slice(&orig);
                    }
                }
                return Ok(a);
            }
            Object::Set(_)
                if matches!(op, BIN_OR | BIN_AND | BIN_SUB | BIN_XOR)
                    && matches!(vm.obj(b), Object::Set(_) | Object::FrozenSet(_)) =>
            {
                crate::set::inplace(vm, set_char(op), a, b)?;
                return Ok(a);
            }
            Object::Dict(_) if op == BIN_OR => {
                dict_update(vm, a, b)?;
                return Ok(a);
            }
            Object::Instance(_) => {
                let d = DUNDERS[(op as usize).min(12)];
                if let Some(r) = try_dunder(vm, a, &format!("__i{d}__"), b)? {
                    return Ok(r);
                }
            }
            _ => {}
        }
    }
    binary(vm, op, a, b)
}

fn repeat(items: &[Value], n: i64) -> Vec<Value> {
    let n = n.max(0) as usize;
    let mut out = Vec::with_capacity(items.len() * n);
    for _ in 0..n {
        out.extend_from_slice(items);
    }
    out
}

/// Operators on builtin containers and strings.
fn builtin_binary(vm: &mut Space, op: u32, a: Value, b: Value) -> R<Option<Value>> {
    if op == BIN_MUL
        && numeric::is_int(vm, a)
        && matches!(
            vm.obj(b),
            Object::Str(_) | Object::List(_) | Object::Tuple(_)
        )
    {
        return builtin_binary(vm, op, b, a);
    }
    if op == BIN_MUL
        && matches!(vm.obj(b), Object::BigInt(_))
        && matches!(
            vm.obj(a),
            Object::Str(_) | Object::List(_) | Object::Tuple(_)
        )
    {
        return Err(vm.err(
            "OverflowError",
            "cannot fit 'int' into an index-sized integer",
        ));
    }
    if op == BIN_OR
        && matches!(vm.obj(a), Object::Class(_))
        && (matches!(vm.obj(b), Object::Class(_)) || b == Value::None)
    {
        // `int | None` (a union of types): the tuple of them, which isinstance takes.
        let mut items = Vec::new();
        for x in [a, b] {
            let x = if x == Value::None { vm.cls.none } else { x };
            match vm.obj(x) {
                Object::Tuple(t) => items.extend_from_slice(&t.clone()),
                _ => items.push(x),
            }
        }
        return Ok(Some(vm.new_tuple(items)));
    }
    let Value::Obj(ha) = a else {
        return Ok(None);
    };
    match (&vm.heap[ha as usize], vm.obj(b)) {
        (Object::Str(x), Object::Str(y)) if op == BIN_ADD => {
            let s = Str::concat(x, y);
            Ok(Some(vm.alloc(Object::Str(s))))
        }
        (Object::Str(x), _) if op == BIN_MUL && numeric::is_int(vm, b) => {
            let n = match b {
                Value::Int(n) => n,
                Value::Bool(x) => x as i64,
                _ => {
                    return Err(vm.err(
                        "OverflowError",
                        "cannot fit 'int' into an index-sized integer",
                    ))
                }
            };
            if n > 0 && (x.s.len() as u128) * (n as u128) > (1u128 << 34) {
                return Err(vm.err("MemoryError", ""));
            }
            let s = x.s.repeat(n.max(0) as usize);
            Ok(Some(vm.new_str(s)))
        }
        (Object::List(x), Object::List(y)) if op == BIN_ADD => {
            let mut l = x.clone();
            l.extend_from_slice(y);
            Ok(Some(vm.new_list(l)))
        }
        (Object::Tuple(x), Object::Tuple(y)) if op == BIN_ADD => {
            let mut l = x.clone();
            l.extend_from_slice(y);
            Ok(Some(vm.new_tuple(l)))
        }
        (Object::List(x), _) if op == BIN_MUL && numeric::is_int(vm, b) => {
            let n = to_index(vm, b)?;
            let x = match vm.obj(a) {
                Object::List(x) => x.clone(),
                _ => Vec::new(),
            };
            if n > 0 && (x.len() as u128) * (n as u128) > (1u128 << 28) {
                return Err(vm.err("MemoryError", ""));
            }
            Ok(Some(vm.new_list(repeat(&x, n))))
        }
        (Object::Tuple(x), _) if op == BIN_MUL && numeric::is_int(vm, b) => {
            let x = x.clone();
            let n = to_index(vm, b)?;
            if n > 0 && (x.len() as u128) * (n as u128) > (1u128 << 28) {
                return Err(vm.err("MemoryError", ""));
            }
            Ok(Some(vm.new_tuple(repeat(&x, n))))
        }
        (Object::Set(_) | Object::FrozenSet(_), Object::Set(_) | Object::FrozenSet(_))
            if matches!(op, BIN_OR | BIN_AND | BIN_SUB | BIN_XOR) =>
        {
            crate::set::binop(vm, set_char(op), a, b).map(Some)
        }
        (Object::Dict(_), Object::Dict(_)) if op == BIN_OR => {
            let d = match vm.obj(a) {
                Object::Dict(d) => d.clone(),
                _ => Box::default(),
            };
            let r = vm.alloc(Object::Dict(d));
            dict_update(vm, r, b)?;
            Ok(Some(r))
        }
        (Object::DictView { d, what: 0 }, Object::Set(_) | Object::DictView { .. })
            if matches!(op, BIN_OR | BIN_AND | BIN_SUB | BIN_XOR) =>
        {
            let d = *d;
            let xs = crate::set::from_iter(vm, d, false)?;
            crate::set::binop(vm, set_char(op), xs, b).map(Some)
        }
        _ => Ok(None),
    }
}

/// A new set of `items`.
pub fn new_set_of(vm: &mut Space, items: &[Value]) -> R<Value> {
    let s = crate::set::new(vm, crate::set::SetTable::new(), false);
    for &i in items {
        crate::set::add(vm, s, i)?;
    }
    Ok(s)
}

/// The set operator of a `BIN_*` operator.
fn set_char(op: u32) -> char {
    match op {
        BIN_OR => '|',
        BIN_AND => '&',
        BIN_SUB => '-',
        _ => '^',
    }
}

/// `op a`.
#[residual]
pub fn unary(vm: &mut Space, op: u32, a: Value) -> Result<Value, Value> {
    if op == UN_NOT {
        return Ok(Value::Bool(!proto::truth(vm, a)?));
    }
    match (op, a) {
        (UN_NEG, Value::Int(i)) => {
            if let Some(r) = i.checked_neg() {
                return Ok(Value::Int(r));
            }
        }
        (UN_NEG, Value::Float(f)) => return Ok(Value::Float(-f)),
        (UN_POS, Value::Int(_) | Value::Float(_)) => return Ok(a),
        (UN_INVERT, Value::Int(i)) => return Ok(Value::Int(!i)),
        (_, Value::Bool(b)) => return unary(vm, op, Value::Int(b as i64)),
        _ => {}
    }
    if let Some(b) = to_bigint(vm, a) {
        let r = match op {
            UN_NEG => -b,
            UN_POS => b,
            _ => !b,
        };
        return Ok(numeric::int_value(vm, r));
    }
    let (name, sym) = match op {
        UN_NEG => ("-", S_NEG),
        UN_POS => ("+", S_POS),
        _ => ("~", S_INVERT),
    };
    if let Some(m) = proto::lookup_type(vm, a, sym) {
        return proto::call_bound(vm, m, a, &[], &[]);
    }
    let t = vm.type_name(a);
    Err(vm.type_error(format!("bad operand type for unary {name}: '{t}'")))
}

fn cmp_symbol(op: u32) -> &'static str {
    ["<", "<=", "==", "!=", ">", ">="][(op as usize).min(5)]
}

fn ord_ok(op: u32, o: Ordering) -> bool {
    match op {
        CMP_LT => o == Ordering::Less,
        CMP_LE => o != Ordering::Greater,
        CMP_EQ => o == Ordering::Equal,
        CMP_NE => o != Ordering::Equal,
        CMP_GT => o == Ordering::Greater,
        _ => o != Ordering::Less,
    }
}

/// The reflected comparison (`a < b` is `b > a`).
fn reflect(op: u32) -> u32 {
    match op {
        CMP_LT => CMP_GT,
        CMP_LE => CMP_GE,
        CMP_GT => CMP_LT,
        CMP_GE => CMP_LE,
        o => o,
    }
}

const CMP_DUNDER: [u32; 6] = [S_LT, S_LE, S_EQ, S_NE, S_GT, S_GE];

/// A rich comparison (`op` from `CMP_LT` to `CMP_GE`) with dunder methods and their
/// reflections; may return any value a `__lt__` returns.
pub fn compare_rich(vm: &mut Space, op: u32, a: Value, b: Value) -> R<Value> {
    if let Some(o) = numeric::num_cmp(vm, a, b) {
        return Ok(Value::Bool(match o {
            Some(o) => ord_ok(op, o),
            None => op == CMP_NE,
        }));
    }
    let ai = matches!(vm.obj(a), Object::Instance(_));
    let bi = matches!(vm.obj(b), Object::Instance(_));
    if ai || bi {
        // A subclass's reflected method first, as CPython does.
        let bfirst = bi
            && ai
            && vm.type_of(a) != vm.type_of(b)
            && vm.is_subclass(vm.type_of(b), vm.type_of(a));
        let order: [(Value, Value, u32); 2] = if bfirst {
            [(b, a, reflect(op)), (a, b, op)]
        } else {
            [(a, b, op), (b, a, reflect(op))]
        };
        for (x, y, o) in order {
            if !matches!(vm.obj(x), Object::Instance(_)) {
                continue;
            }
            if let Some(m) = proto::lookup_type(vm, x, CMP_DUNDER[o as usize]) {
                if let Object::Builtin(_) = vm.obj(m) {
                    continue;
                }
                let r = proto::call_bound(vm, m, x, &[y], &[])?;
                if !matches!(vm.obj(r), Object::NotImplemented) {
                    return Ok(r);
                }
            } else if o == CMP_NE {
                if let Some(m) = proto::lookup_type(vm, x, S_EQ) {
                    let r = proto::call_bound(vm, m, x, &[y], &[])?;
                    if !matches!(vm.obj(r), Object::NotImplemented) {
                        let t = proto::truth(vm, r)?;
                        return Ok(Value::Bool(!t));
                    }
                }
            }
        }
        let (ba, bb) = (proto::base_of(vm, a), proto::base_of(vm, b));
        if ba != Value::Undef || bb != Value::Undef {
            let x = if ba != Value::Undef { ba } else { a };
            let y = if bb != Value::Undef { bb } else { b };
            return compare_rich(vm, op, x, y);
        }
        if op == CMP_EQ {
            return Ok(Value::Bool(a == b));
        }
        if op == CMP_NE {
            return Ok(Value::Bool(a != b));
        }
    } else if let Some(o) = builtin_cmp(vm, op, a, b)? {
        return Ok(Value::Bool(o));
    }
    match op {
        CMP_EQ => Ok(Value::Bool(a == b)),
        CMP_NE => Ok(Value::Bool(a != b)),
        _ => {
            let (ta, tb) = (vm.type_name(a), vm.type_name(b));
            Err(vm.type_error(format!(
                "'{}' not supported between instances of '{ta}' and '{tb}'",
                cmp_symbol(op)
            )))
        }
    }
}

/// Comparisons of builtin values other than numbers; `None` when not comparable.
fn builtin_cmp(vm: &mut Space, op: u32, a: Value, b: Value) -> R<Option<bool>> {
    if !vm.stack_ok() {
        return Err(proto::recursion_error(vm));
    }
    match (vm.obj(a), vm.obj(b)) {
        (Object::Str(x), Object::Str(y)) => Ok(Some(ord_ok(op, x.s.cmp(&y.s)))),
        (Object::List(x), Object::List(y)) | (Object::Tuple(x), Object::Tuple(y)) => {
            if (op == CMP_EQ || op == CMP_NE) && x.len() != y.len() {
                return Ok(Some(op == CMP_NE));
            }
            // Item by item, each read again after the comparison before it: an `__eq__`
            // may change a list (as CPython, which compares up to the current lengths).
            let items = |vm: &Space, v: Value| match vm.obj(v) {
                Object::List(x) | Object::Tuple(x) => x.len(),
                _ => 0,
            };
            let item = |vm: &Space, v: Value, i: usize| match vm.obj(v) {
                Object::List(x) | Object::Tuple(x) => x[i],
                _ => Value::None,
            };
            let mut i = 0;
            while i < items(vm, a) && i < items(vm, b) {
                let (x, y) = (item(vm, a, i), item(vm, b, i));
                if !proto::eq(vm, x, y)? {
                    if op == CMP_EQ {
                        return Ok(Some(false));
                    }
                    if op == CMP_NE {
                        return Ok(Some(true));
                    }
                    let r = compare_rich(vm, op, x, y)?;
                    return Ok(Some(proto::truth(vm, r)?));
                }
                i += 1;
            }
            Ok(Some(ord_ok(op, items(vm, a).cmp(&items(vm, b)))))
        }
        (Object::Dict(x), Object::Dict(y)) => {
            if op != CMP_EQ && op != CMP_NE {
                return Ok(None);
            }
            if x.len != y.len {
                return Ok(Some(op == CMP_NE));
            }
            let items = x.items();
            for (k, v) in items {
                match proto::dict_get(vm, b, k)? {
                    Some(w) if proto::eq(vm, v, w)? => {}
                    _ => return Ok(Some(op == CMP_NE)),
                }
            }
            Ok(Some(op == CMP_EQ))
        }
        (Object::Set(x) | Object::FrozenSet(x), Object::Set(y) | Object::FrozenSet(y)) => {
            let (xk, yk, xl, yl) = (x.keys(), y.keys(), x.used, y.used);
            let sub = |vm: &mut Space, ks: &[Value], other: Value| -> R<bool> {
                for &k in ks {
                    if !contains(vm, other, k)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            };
            Ok(Some(match op {
                CMP_EQ => xl == yl && sub(vm, &xk, b)?,
                CMP_NE => !(xl == yl && sub(vm, &xk, b)?),
                CMP_LE => sub(vm, &xk, b)?,
                CMP_LT => xl < yl && sub(vm, &xk, b)?,
                CMP_GE => sub(vm, &yk, a)?,
                _ => xl > yl && sub(vm, &yk, a)?,
            }))
        }
        (
            Object::Range { .. } | Object::BigRange(_),
            Object::Range { .. } | Object::BigRange(_),
        ) if op == CMP_EQ || op == CMP_NE => {
            let (Some(x), Some(y)) = (proto::range_parts(vm, a), proto::range_parts(vm, b)) else {
                return Ok(None);
            };
            let (nx, ny) = (proto::big_range_len(&x), proto::big_range_len(&y));
            let one = num_bigint::BigInt::from(1);
            let eq = nx == ny
                && (nx == num_bigint::BigInt::from(0)
                    || (x[0] == y[0] && (nx == one || x[2] == y[2])));
            Ok(Some(eq == (op == CMP_EQ)))
        }
        _ => Ok(None),
    }
}

/// `r[lo:hi:step]` of the range `r` = `[start, stop, step]`.
fn big_range_slice(
    vm: &mut Space,
    r: &[num_bigint::BigInt; 3],
    lo: Value,
    hi: Value,
    step: Value,
) -> R<Value> {
    use num_bigint::BigInt;
    use num_traits::{Signed, Zero};
    let int_of = |vm: &mut Space, v: Value| -> R<Option<BigInt>> {
        if v == Value::None {
            return Ok(None);
        }
        match numeric::to_bigint(vm, v) {
            Some(b) => Ok(Some(b)),
            None => Ok(Some(BigInt::from(to_index(vm, v)?))),
        }
    };
    let st = int_of(vm, step)?.unwrap_or_else(|| BigInt::from(1));
    if st.is_zero() {
        return Err(vm.value_error("slice step cannot be zero"));
    }
    let n = proto::big_range_len(r);
    let (lower, upper) = if st.is_negative() {
        (BigInt::from(-1), &n - 1)
    } else {
        (BigInt::zero(), n.clone())
    };
    let clamp = |x: Option<BigInt>, default: &BigInt| -> BigInt {
        match x {
            None => default.clone(),
            Some(x) => {
                let x = if x.is_negative() { x + &n } else { x };
                if x < lower {
                    lower.clone()
                } else if x > upper {
                    upper.clone()
                } else {
                    x
                }
            }
        }
    };
    let a = int_of(vm, lo)?;
    let b = int_of(vm, hi)?;
    let (da, db) = if st.is_negative() {
        (upper.clone(), lower.clone())
    } else {
        (lower.clone(), upper.clone())
    };
    let a = clamp(a, &da);
    let b = clamp(b, &db);
    let start = &r[0] + a * &r[2];
    let stop = &r[0] + b * &r[2];
    let step = &r[2] * st;
    Ok(proto::new_range(vm, start, stop, step))
}

/// `a OP b` for every `CMP_*` operator.
#[residual]
pub fn compare(vm: &mut Space, op: u32, a: Value, b: Value) -> Result<Value, Value> {
    match op {
        CMP_IS => Ok(Value::Bool(is(a, b))),
        CMP_IS_NOT => Ok(Value::Bool(!is(a, b))),
        CMP_IN => Ok(Value::Bool(contains(vm, b, a)?)),
        CMP_NOT_IN => Ok(Value::Bool(!contains(vm, b, a)?)),
        CMP_EQ => {
            if let (Value::Obj(_), Value::Obj(_)) = (a, b) {
                if let (Object::Str(x), Object::Str(y)) = (vm.obj(a), vm.obj(b)) {
                    return Ok(Value::Bool(x.s == y.s));
                }
            }
            compare_rich(vm, op, a, b)
        }
        _ => compare_rich(vm, op, a, b),
    }
}

/// Identity: the same object, or the same unboxed value.
pub fn is(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// `item in container`.
pub fn contains(vm: &mut Space, container: Value, item: Value) -> R<bool> {
    let Value::Obj(h) = container else {
        let t = vm.type_name(container);
        return Err(vm.type_error(format!("argument of type '{t}' is not iterable")));
    };
    match &vm.heap[h as usize] {
        Object::Str(s) => match vm.obj(item) {
            Object::Str(x) => Ok(s.s.contains(x.s.as_str())),
            _ => {
                let t = vm.type_name(item);
                Err(vm.type_error(format!(
                    "'in <string>' requires string as left operand, not {t}"
                )))
            }
        },
        Object::List(_) | Object::Tuple(_) => {
            let mut i = 0;
            loop {
                let x = match &vm.heap[h as usize] {
                    Object::List(l) | Object::Tuple(l) => match l.get(i) {
                        Some(x) => *x,
                        None => return Ok(false),
                    },
                    _ => return Ok(false),
                };
                if is(x, item) || proto::eq(vm, x, item)? {
                    return Ok(true);
                }
                i += 1;
            }
        }
        Object::Dict(_) => {
            let hs = proto::hash(vm, item)?;
            Ok(proto::dict_find(vm, container, item, hs)?.is_some())
        }
        Object::Set(_) | Object::FrozenSet(_) => {
            // An unhashable set looks itself up as a frozenset.
            if let Object::Set(t) = vm.obj(item) {
                let t = t.clone();
                let f = crate::set::new(vm, t, true);
                return crate::set::contains(vm, container, f);
            }
            crate::set::contains(vm, container, item)
        }
        Object::DictView { d, what: 0 } => {
            let d = *d;
            contains(vm, d, item)
        }
        Object::Range { start, stop, step } => {
            let (start, stop, step) = (*start, *stop, *step);
            match item {
                Value::Int(i) => {
                    let (i, start, stop, step) =
                        (i as i128, start as i128, stop as i128, step as i128);
                    Ok(if step > 0 {
                        i >= start && i < stop && (i - start) % step == 0
                    } else {
                        i <= start && i > stop && (start - i) % (-step) == 0
                    })
                }
                Value::Obj(_) if matches!(vm.obj(item), Object::BigInt(_)) => {
                    let x = numeric::to_bigint(vm, item).unwrap_or_default();
                    let p = proto::range_parts(vm, container).unwrap_or_default();
                    Ok(proto::big_range_contains(&p, &x))
                }
                _ => {
                    let items = proto::collect(vm, container)?;
                    for x in items {
                        if proto::eq(vm, x, item)? {
                            return Ok(true);
                        }
                    }
                    Ok(false)
                }
            }
        }
        Object::BigRange(p) => {
            let p = (**p).clone();
            match item {
                Value::Int(_) | Value::Bool(_) | Value::Obj(_) => {
                    match numeric::to_bigint(vm, item) {
                        Some(x) => Ok(proto::big_range_contains(&p, &x)),
                        None => Ok(false),
                    }
                }
                _ => Ok(false),
            }
        }
        Object::Instance(inst) => {
            let cls = inst.class;
            if let Some(m) = proto::lookup(vm, cls, S_CONTAINS) {
                let r = proto::call_bound(vm, m, container, &[item], &[])?;
                return proto::truth(vm, r);
            }
            let base = proto::base_of(vm, container);
            if base != Value::Undef {
                return contains(vm, base, item);
            }
            iter_contains(vm, container, item)
        }
        _ => iter_contains(vm, container, item),
    }
}

fn iter_contains(vm: &mut Space, container: Value, item: Value) -> R<bool> {
    let it = proto::get_iter(vm, container)?;
    loop {
        let x = proto::next(vm, it)?;
        if x == Value::Undef {
            return Ok(false);
        }
        if proto::eq(vm, x, item)? {
            return Ok(true);
        }
    }
}

#[residual]
pub fn truth(vm: &mut Space, v: Value) -> Result<bool, Value> {
    proto::truth(vm, v)
}

// ---- subscripts ----

/// Normalize a possibly negative index into `0..len`, `None` when out of range.
fn norm_index(i: i64, len: usize) -> Option<usize> {
    let j = if i < 0 { i + len as i64 } else { i };
    if j >= 0 && (j as usize) < len {
        Some(j as usize)
    } else {
        None
    }
}

/// The `(start, stop, step)` of a slice over `len` items (`slice.indices`).
pub fn slice_indices(vm: &mut Space, s: Value, len: usize) -> R<(i64, i64, i64)> {
    let (lo, hi, st) = match vm.obj(s) {
        Object::Slice { lo, hi, step } => (*lo, *hi, *step),
        _ => (Value::None, Value::None, Value::None),
    };
    let len = len as i64;
    let step = if st == Value::None {
        1
    } else {
        clamp_index(vm, st)?
    };
    if step == 0 {
        return Err(vm.value_error("slice step cannot be zero"));
    }
    let (dlo, dhi) = if step < 0 { (len - 1, -1) } else { (0, len) };
    let fix = |vm: &mut Space, v: Value, d: i64| -> R<i64> {
        if v == Value::None {
            return Ok(d);
        }
        let mut i = clamp_index(vm, v)?;
        if i < 0 {
            i += len;
            if i < 0 {
                i = if step < 0 { -1 } else { 0 };
            }
        } else if i >= len {
            i = if step < 0 { len - 1 } else { len };
        }
        Ok(i)
    };
    let a = fix(vm, lo, dlo)?;
    let b = fix(vm, hi, dhi)?;
    Ok((a, b, step))
}

/// A slice bound (also the bounds of `str.find` and its family): an int (clamped
/// into i64), or `__index__`.
pub fn clamp_index(vm: &mut Space, v: Value) -> R<i64> {
    match vm.obj(v) {
        Object::BigInt(b) => Ok(if b.sign() == num_bigint::Sign::Minus {
            i64::MIN / 2
        } else {
            i64::MAX / 2
        }),
        _ => match to_index(vm, v) {
            Ok(i) => Ok(i),
            Err(_) => Err(
                vm.type_error("slice indices must be integers or None or have an __index__ method")
            ),
        },
    }
}

fn slice_positions(start: i64, stop: i64, step: i64) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = start;
    if step > 0 {
        while i < stop {
            out.push(i as usize);
            i += step;
        }
    } else {
        while i > stop {
            out.push(i as usize);
            i += step;
        }
    }
    out
}

fn index_type_error(vm: &mut Space, what: &str, k: Value) -> Value {
    let t = vm.type_name(k);
    vm.type_error(format!(
        "{what} indices must be integers or slices, not {t}"
    ))
}

/// `o[k]`.
#[residual]
pub fn getitem(vm: &mut Space, o: Value, k: Value) -> Result<Value, Value> {
    let Value::Obj(h) = o else {
        let t = vm.type_name(o);
        return Err(vm.type_error(format!("'{t}' object is not subscriptable")));
    };
    match (&vm.heap[h as usize], k) {
        (Object::List(l), Value::Int(i)) => match norm_index(i, l.len()) {
            Some(j) => Ok(l[j]),
            None => Err(vm.err("IndexError", "list index out of range")),
        },
        (Object::Tuple(l), Value::Int(i)) => match norm_index(i, l.len()) {
            Some(j) => Ok(l[j]),
            None => Err(vm.err("IndexError", "tuple index out of range")),
        },
        (Object::Str(s), Value::Int(i)) => {
            let r = match norm_index(i, s.nchars) {
                Some(j) => {
                    if s.ascii {
                        return Ok(vm.chars[s.s.as_bytes()[j] as usize]);
                    }
                    s.s.chars().nth(j).map(|c| c.to_string())
                }
                None => None,
            };
            match r {
                Some(c) => Ok(vm.new_str(c)),
                None => Err(vm.err("IndexError", "string index out of range")),
            }
        }
        (Object::Dict(_), _) => match proto::dict_get(vm, o, k)? {
            Some(v) => Ok(v),
            None => Err(key_error(vm, k)),
        },
        (
            Object::List(_) | Object::Tuple(_) | Object::Str(_) | Object::Range { .. },
            Value::Bool(b),
        ) => getitem(vm, o, Value::Int(b as i64)),
        (Object::List(l) | Object::Tuple(l), _) => {
            let is_list = matches!(vm.obj(o), Object::List(_));
            if matches!(vm.obj(k), Object::Slice { .. }) {
                let n = l.len();
                let (a, b, s) = slice_indices(vm, k, n)?;
                let items: Vec<Value> = match vm.obj(o) {
                    Object::List(l) | Object::Tuple(l) => {
                        if s == 1 {
                            if a < b {
                                l[a as usize..b as usize].to_vec()
                            } else {
                                Vec::new()
                            }
                        } else {
                            slice_positions(a, b, s).into_iter().map(|i| l[i]).collect()
                        }
                    }
                    _ => Vec::new(),
                };
                return Ok(if is_list {
                    vm.new_list(items)
                } else {
                    vm.new_tuple(items)
                });
            }
            if let Object::BigInt(_) = vm.obj(k) {
                return Err(vm.err("IndexError", "cannot fit 'int' into an index-sized integer"));
            }
            if let Object::Instance(_) = vm.obj(k) {
                let i = to_index(vm, k)?;
                return getitem(vm, o, Value::Int(i));
            }
            Err(index_type_error(
                vm,
                if is_list { "list" } else { "tuple" },
                k,
            ))
        }
        (Object::Str(s), _) => {
            if matches!(vm.obj(k), Object::Slice { .. }) {
                let ascii = s.ascii;
                let n = s.nchars;
                let (a, b, st) = slice_indices(vm, k, n)?;
                let Object::Str(s) = vm.obj(o) else {
                    unreachable!()
                };
                let r: String = if ascii && st == 1 {
                    if a < b {
                        s.s[a as usize..b as usize].to_string()
                    } else {
                        String::new()
                    }
                } else if ascii {
                    let bytes = s.s.as_bytes();
                    slice_positions(a, b, st)
                        .into_iter()
                        .map(|i| bytes[i] as char)
                        .collect()
                } else {
                    let chars: Vec<char> = s.s.chars().collect();
                    slice_positions(a, b, st)
                        .into_iter()
                        .map(|i| chars[i])
                        .collect()
                };
                return Ok(vm.new_str(r));
            }
            if let Object::BigInt(_) = vm.obj(k) {
                return Err(vm.err("IndexError", "cannot fit 'int' into an index-sized integer"));
            }
            if let Object::Instance(_) = vm.obj(k) {
                if let Ok(i) = to_index(vm, k) {
                    return getitem(vm, o, Value::Int(i));
                }
            }
            let t = vm.type_name(k);
            Err(vm.type_error(format!("string indices must be integers, not '{t}'")))
        }
        (Object::Range { start, step, .. }, _) => {
            let (start, step) = (*start, *step);
            let n = proto::range_len(vm, o);
            if matches!(vm.obj(k), Object::Slice { .. }) {
                let (a, b, s) = slice_indices(vm, k, n as usize)?;
                let at = |k: i64| {
                    (start as i128 + k as i128 * step as i128)
                        .clamp(i64::MIN as i128, i64::MAX as i128) as i64
                };
                let st =
                    (step as i128 * s as i128).clamp(i64::MIN as i128, i64::MAX as i128) as i64;
                return Ok(vm.alloc(Object::Range {
                    start: at(a),
                    stop: at(b),
                    step: st,
                }));
            }
            if let Object::BigInt(_) = vm.obj(k) {
                return Err(vm.err("IndexError", "range object index out of range"));
            }
            let i = to_index(vm, k)?;
            match norm_index(i, n as usize) {
                Some(j) => Ok(Value::Int(
                    (start as i128 + j as i128 * step as i128) as i64,
                )),
                None => Err(vm.err("IndexError", "range object index out of range")),
            }
        }
        (Object::BigRange(p), _) => {
            let p = (**p).clone();
            if let Object::Slice { lo, hi, step } = vm.obj(k) {
                let (lo, hi, step) = (*lo, *hi, *step);
                return big_range_slice(vm, &p, lo, hi, step);
            }
            let i = match numeric::to_bigint(vm, k) {
                Some(i) => i,
                None => num_bigint::BigInt::from(to_index(vm, k)?),
            };
            match proto::big_range_item(&p, &i) {
                Some(x) => Ok(numeric::int_value(vm, x)),
                None => Err(vm.err("IndexError", "range object index out of range")),
            }
        }
        (Object::Instance(inst), _) => {
            let cls = inst.class;
            match proto::lookup(vm, cls, S_GETITEM) {
                Some(m) => proto::call_bound(vm, m, o, &[k], &[]),
                None => {
                    let base = proto::base_of(vm, o);
                    if base != Value::Undef {
                        return match getitem(vm, base, k) {
                            Err(e) if matches!(vm.obj(base), Object::Dict(_)) => {
                                let ke = vm.exc["KeyError"];
                                match proto::lookup(vm, cls, S_MISSING) {
                                    Some(m) if proto::exc_matches(vm, e, ke) => {
                                        proto::call_bound(vm, m, o, &[k], &[])
                                    }
                                    _ => Err(e),
                                }
                            }
                            r => r,
                        };
                    }
                    let t = vm.type_name(o);
                    Err(vm.type_error(format!("'{t}' object is not subscriptable")))
                }
            }
        }
        (Object::Class(_), _) => {
            // `list[int]` and the like in annotations.
            let s = vm.intern("__class_getitem__");
            if let Some(m) = proto::lookup(vm, o, s) {
                let f = match vm.obj(m) {
                    Object::ClassMethod(f) => *f,
                    _ => m,
                };
                return proto::call(vm, f, &[o, k], &[]);
            }
            // `list[int]` and the like: generic aliases, left as the class.
            let c = &vm.cls;
            if [
                c.list,
                c.dict,
                c.tuple,
                c.set,
                c.frozenset,
                c.type_,
                c.object,
            ]
            .contains(&o)
            {
                return Ok(o);
            }
            Err(vm.type_error("'type' object is not subscriptable"))
        }
        _ => {
            let t = vm.type_name(o);
            Err(vm.type_error(format!("'{t}' object is not subscriptable")))
        }
    }
}

pub fn key_error(vm: &mut Space, k: Value) -> Value {
    let c = vm.exc["KeyError"];
    vm.new_exc_args(c, vec![k])
}

/// `o[k] = v`.
#[residual]
pub fn setitem(vm: &mut Space, o: Value, k: Value, v: Value) -> Result<(), Value> {
    let Value::Obj(h) = o else {
        let t = vm.type_name(o);
        return Err(vm.type_error(format!("'{t}' object does not support item assignment")));
    };
    match (&mut vm.heap[h as usize], k) {
        (Object::List(l), Value::Int(i)) => match norm_index(i, l.len()) {
            Some(j) => {
                l[j] = v;
                Ok(())
            }
            None => Err(vm.err("IndexError", "list assignment index out of range")),
        },
        (Object::Dict(_), _) => proto::dict_set(vm, o, k, v),
        (Object::List(_), Value::Bool(b)) => setitem(vm, o, Value::Int(b as i64), v),
        (Object::List(l), _) => {
            let n = l.len();
            if matches!(vm.obj(k), Object::Slice { .. }) {
                let (a, b, s) = slice_indices(vm, k, n)?;
                let items = if v == o {
                    match vm.obj(o) {
                        Object::List(l) => l.clone(),
                        _ => Vec::new(),
                    }
                } else {
                    proto::collect(vm, v)?
                };
                if s == 1 {
                    let b = b.max(a);
                    if let Object::List(l) = &mut vm.heap[h as usize] {
                        l.splice(a as usize..b as usize, items);
                    }
                    return Ok(());
                }
                let pos = slice_positions(a, b, s);
                if pos.len() != items.len() {
                    return Err(vm.value_error(format!(
                        "attempt to assign sequence of size {} to extended slice of size {}",
                        items.len(),
                        pos.len()
                    )));
                }
                if let Object::List(l) = &mut vm.heap[h as usize] {
                    for (p, x) in pos.into_iter().zip(items) {
                        l[p] = x;
                    }
                }
                return Ok(());
            }
            let i = match vm.obj(k) {
                Object::Instance(_) => to_index(vm, k)?,
                _ => return Err(index_type_error(vm, "list", k)),
            };
            setitem(vm, o, Value::Int(i), v)
        }
        (Object::Instance(inst), _) => {
            let cls = inst.class;
            match proto::lookup(vm, cls, S_SETITEM) {
                Some(m) => {
                    proto::call_bound(vm, m, o, &[k, v], &[])?;
                    Ok(())
                }
                None if proto::base_of(vm, o) != Value::Undef => {
                    let base = proto::base_of(vm, o);
                    setitem(vm, base, k, v)
                }
                None => {
                    let t = vm.type_name(o);
                    Err(vm.type_error(format!("'{t}' object does not support item assignment")))
                }
            }
        }
        _ => {
            let t = vm.type_name(o);
            Err(vm.type_error(format!("'{t}' object does not support item assignment")))
        }
    }
}

/// `del o[k]`.
#[residual]
pub fn delitem(vm: &mut Space, o: Value, k: Value) -> Result<(), Value> {
    let Value::Obj(h) = o else {
        let t = vm.type_name(o);
        return Err(vm.type_error(format!("'{t}' object doesn't support item deletion")));
    };
    match &vm.heap[h as usize] {
        Object::List(l) => {
            let n = l.len();
            if matches!(vm.obj(k), Object::Slice { .. }) {
                let (a, b, s) = slice_indices(vm, k, n)?;
                let mut pos = slice_positions(a, b, s);
                pos.sort_unstable();
                if let Object::List(l) = &mut vm.heap[h as usize] {
                    for p in pos.into_iter().rev() {
                        l.remove(p);
                    }
                }
                return Ok(());
            }
            let i = match k {
                Value::Int(i) => i,
                Value::Bool(b) => b as i64,
                _ => return Err(index_type_error(vm, "list", k)),
            };
            match norm_index(i, n) {
                Some(j) => {
                    if let Object::List(l) = &mut vm.heap[h as usize] {
                        l.remove(j);
                    }
                    Ok(())
                }
                None => Err(vm.err("IndexError", "list assignment index out of range")),
            }
        }
        Object::Dict(_) => match proto::dict_del(vm, o, k)? {
            Some(_) => Ok(()),
            None => Err(key_error(vm, k)),
        },
        Object::Instance(inst) => {
            let cls = inst.class;
            match proto::lookup(vm, cls, S_DELITEM) {
                Some(m) => {
                    proto::call_bound(vm, m, o, &[k], &[])?;
                    Ok(())
                }
                None if proto::base_of(vm, o) != Value::Undef => {
                    let base = proto::base_of(vm, o);
                    delitem(vm, base, k)
                }
                None => {
                    let t = vm.type_name(o);
                    Err(vm.type_error(format!("'{t}' object doesn't support item deletion")))
                }
            }
        }
        _ => {
            let t = vm.type_name(o);
            Err(vm.type_error(format!("'{t}' object doesn't support item deletion")))
        }
    }
}

#[residual]
pub fn build_slice(vm: &mut Space, lo: Value, hi: Value, step: Value) -> Value {
    let step = if step == Value::Undef {
        Value::None
    } else {
        step
    };
    vm.alloc(Object::Slice { lo, hi, step })
}

// ---- building ----

#[residual]
pub fn build_tuple(vm: &mut Space, items: &[Value]) -> Value {
    vm.new_tuple(items.to_vec())
}

#[residual]
pub fn build_list(vm: &mut Space, items: &[Value]) -> Value {
    vm.new_list(items.to_vec())
}

#[residual]
pub fn build_set(vm: &mut Space, items: &[Value]) -> Result<Value, Value> {
    new_set_of(vm, items)
}

#[residual]
pub fn build_map(vm: &mut Space, pairs: &[Value]) -> Result<Value, Value> {
    let d = proto::new_dict(vm);
    for i in 0..pairs.len() / 2 {
        proto::dict_set(vm, d, pairs[2 * i], pairs[2 * i + 1])?;
    }
    Ok(d)
}

#[residual]
pub fn build_string(vm: &mut Space, parts: &[Value]) -> Value {
    let mut s = String::new();
    for &p in parts {
        if let Some(x) = vm.str_of(p) {
            s.push_str(x);
        }
    }
    vm.new_str(s)
}

#[residual]
pub fn list_append(vm: &mut Space, l: Value, v: Value) -> Result<(), Value> {
    match vm.obj_mut(l) {
        Object::List(items) => {
            items.push(v);
            Ok(())
        }
        _ => Err(vm.type_error("LIST_APPEND on a non-list")),
    }
}

#[residual]
pub fn set_add(vm: &mut Space, s: Value, v: Value) -> Result<(), Value> {
    crate::set::add(vm, s, v)
}

#[residual]
pub fn map_add(vm: &mut Space, d: Value, k: Value, v: Value) -> Result<(), Value> {
    proto::dict_set(vm, d, k, v)
}

#[residual]
pub fn list_extend(vm: &mut Space, l: Value, it: Value) -> Result<(), Value> {
    let items = match proto::collect(vm, it) {
        Ok(i) => i,
        Err(e) => {
            let te = vm.exc["TypeError"];
            if proto::exc_matches(vm, e, te) && !matches!(vm.obj(it), Object::Instance(_)) {
                let t = vm.type_name(it);
                return Err(vm.type_error(format!("Value after * must be an iterable, not {t}")));
            }
            return Err(e);
        }
    };
    if let Object::List(x) = vm.obj_mut(l) {
        x.extend(items);
    }
    Ok(())
}

#[residual]
pub fn set_update(vm: &mut Space, s: Value, it: Value) -> Result<(), Value> {
    crate::set::update(vm, s, it)
}

/// `d.update(m)` for a dict, a mapping with `keys()`, or an iterable of pairs.
#[residual]
pub fn dict_update(vm: &mut Space, d: Value, m: Value) -> Result<(), Value> {
    if let Object::Dict(src) = vm.obj(m) {
        let items = src.items();
        for (k, v) in items {
            proto::dict_set(vm, d, k, v)?;
        }
        return Ok(());
    }
    let keys_sym = vm.intern("keys");
    if matches!(vm.obj(m), Object::Instance(_)) {
        if let Some(keys) = proto::getattr_opt(vm, m, keys_sym)? {
            let ks = proto::call(vm, keys, &[], &[])?;
            let ks = proto::collect(vm, ks)?;
            for k in ks {
                let v = getitem(vm, m, k)?;
                proto::dict_set(vm, d, k, v)?;
            }
            return Ok(());
        }
    }
    let items = match proto::collect(vm, m) {
        Ok(i) => i,
        Err(_) => {
            let t = vm.type_name(m);
            return Err(vm.type_error(format!("'{t}' object is not a mapping")));
        }
    };
    for (n, it) in items.into_iter().enumerate() {
        let kv = match proto::collect(vm, it) {
            Ok(kv) => kv,
            Err(_) => {
                return Err(vm.type_error(format!(
                    "cannot convert dictionary update sequence element #{n} to a sequence"
                )))
            }
        };
        if kv.len() != 2 {
            return Err(vm.value_error(format!(
                "dictionary update sequence element #{n} has length {}; 2 is required",
                kv.len()
            )));
        }
        proto::dict_set(vm, d, kv[0], kv[1])?;
    }
    Ok(())
}

#[residual]
pub fn list_to_tuple(vm: &mut Space, l: Value) -> Value {
    let items = match vm.obj(l) {
        Object::List(x) => x.clone(),
        _ => Vec::new(),
    };
    vm.new_tuple(items)
}

/// `str(v)`, `repr(v)` or `ascii(v)` (`conv` 0/1, 2, 3), then `format(.., spec)` when
/// `spec` is not `Undef`.
#[residual]
pub fn format_value(vm: &mut Space, v: Value, conv: u32, spec: Value) -> Result<Value, Value> {
    let v = match conv {
        2 => {
            let s = proto::repr(vm, v)?;
            vm.new_str(s)
        }
        3 => {
            let s = proto::ascii_escape(&proto::repr(vm, v)?);
            vm.new_str(s)
        }
        1 => {
            let s = proto::str(vm, v)?;
            vm.new_str(s)
        }
        _ => v,
    };
    let spec_s = match vm.str_of(spec) {
        Some(s) => s.to_string(),
        None => String::new(),
    };
    if spec_s.is_empty() && matches!(vm.obj(v), Object::Str(_)) {
        return Ok(v);
    }
    let s = format(vm, v, &spec_s)?;
    Ok(vm.new_str(s))
}

/// `format(v, spec)`, with `__format__` of instances.
pub fn format(vm: &mut Space, v: Value, spec: &str) -> R<String> {
    if let Object::Instance(_) = vm.obj(v) {
        if let Some(m) = proto::lookup_type(vm, v, S_FORMAT) {
            let sp = vm.new_str(spec.to_string());
            let r = proto::call_bound(vm, m, v, &[sp], &[])?;
            return match vm.str_of(r) {
                Some(s) => Ok(s.to_string()),
                None => Err(vm.type_error("__format__ must return a str")),
            };
        }
    }
    crate::format::format_value(vm, v, spec)
}

/// `seq` when it is a tuple or list of exactly `n` items, else a new tuple of the `n`
/// items it iterates (an error for another count): what [`item_at`] reads, so the
/// dispatch loop pushes the items without lending its stack.
#[residual]
pub fn unpack_sequence(vm: &mut Space, seq: Value, n: u32) -> Result<Value, Value> {
    let n = n as usize;
    if let Object::Tuple(items) | Object::List(items) = vm.obj(seq) {
        if items.len() == n {
            return Ok(seq);
        }
    }
    let items = unpack_items(vm, seq)?;
    if items.len() != n {
        return Err(if items.len() > n {
            vm.value_error(format!("too many values to unpack (expected {n})"))
        } else {
            vm.value_error(format!(
                "not enough values to unpack (expected {n}, got {})",
                items.len()
            ))
        });
    }
    Ok(vm.new_tuple(items))
}

/// The two items of `seq` (`a, b = seq`): one call where [`unpack_sequence`] and
/// [`item_at`] take three.
#[residual]
pub fn unpack_pair(vm: &mut Space, seq: Value) -> Result<(Value, Value), Value> {
    if let Object::Tuple(items) | Object::List(items) = vm.obj(seq) {
        if let [a, b] = items[..] {
            return Ok((a, b));
        }
    }
    let t = unpack_sequence(vm, seq, 2)?;
    Ok((item_at(vm, t, 0), item_at(vm, t, 1)))
}

/// The three items of `seq` (`a, b, c = seq`), as [`unpack_pair`] gives two.
#[residual]
pub fn unpack_triple(vm: &mut Space, seq: Value) -> Result<(Value, Value, Value), Value> {
    if let Object::Tuple(items) | Object::List(items) = vm.obj(seq) {
        if let [a, b, c] = items[..] {
            return Ok((a, b, c));
        }
    }
    let t = unpack_sequence(vm, seq, 3)?;
    Ok((item_at(vm, t, 0), item_at(vm, t, 1), item_at(vm, t, 2)))
}

/// Item `i` of the tuple or list `seq` (which [`unpack_sequence`] vouched for).
#[residual]
pub fn item_at(vm: &mut Space, seq: Value, i: u32) -> Value {
    match vm.obj(seq) {
        Object::Tuple(items) | Object::List(items) => items[i as usize],
        _ => unreachable!("unpack_sequence gives a tuple or a list"),
    }
}

fn unpack_items(vm: &mut Space, seq: Value) -> R<Vec<Value>> {
    match proto::collect(vm, seq) {
        Ok(i) => Ok(i),
        Err(e) => {
            let te = vm.exc["TypeError"];
            if proto::exc_matches(vm, e, te)
                && !matches!(vm.obj(seq), Object::Instance(_) | Object::Iter(_))
            {
                let t = vm.type_name(seq);
                return Err(vm.type_error(format!("cannot unpack non-iterable {t} object")));
            }
            Err(e)
        }
    }
}

/// Starred unpacking: `before` items, a list of the middle, `after` items.
#[residual]
pub fn unpack_ex(
    vm: &mut Space,
    seq: Value,
    before: u32,
    after: u32,
    stack: &mut Vec<Value>,
) -> Result<(), Value> {
    let items = unpack_items(vm, seq)?;
    let (b, a) = (before as usize, after as usize);
    if items.len() < b + a {
        return Err(vm.value_error(format!(
            "not enough values to unpack (expected at least {}, got {})",
            b + a,
            items.len()
        )));
    }
    let n = items.len();
    for i in (0..a).rev() {
        stack.push(items[n - a + i]);
    }
    let mid = vm.new_list(items[b..n - a].to_vec());
    stack.push(mid);
    for i in (0..b).rev() {
        stack.push(items[i]);
    }
    Ok(())
}

// ---- iteration ----

#[residual]
pub fn get_iter(vm: &mut Space, o: Value) -> Result<Value, Value> {
    proto::get_iter(vm, o)
}

/// The next item, `Value::Undef` when exhausted.
#[residual]
pub fn for_iter(vm: &mut Space, it: Value) -> Result<Value, Value> {
    proto::next(vm, it)
}

// ---- calls ----

#[residual]
pub fn call(vm: &mut Space, callee: Value, args: &[Value]) -> Result<Value, Value> {
    proto::call(vm, callee, args, &[])
}

/// A call whose last `len(names)` arguments are keywords (`names` a tuple of strs).
#[residual]
pub fn call_kw(
    vm: &mut Space,
    callee: Value,
    args: &[Value],
    names: Value,
) -> Result<Value, Value> {
    let names = match vm.obj(names) {
        Object::Tuple(t) => t.clone(),
        _ => Vec::new(),
    };
    let npos = args.len().saturating_sub(names.len());
    let kw: Vec<(Value, Value)> = names
        .iter()
        .copied()
        .zip(args[npos..].iter().copied())
        .collect();
    proto::call(vm, callee, &args[..npos], &kw)
}

/// `callee(*args, **kwargs)`: `args` a tuple (or any iterable), `kwargs` a dict or `None`.
#[residual]
pub fn call_ex(vm: &mut Space, callee: Value, args: Value, kwargs: Value) -> Result<Value, Value> {
    let a = match vm.obj(args) {
        Object::Tuple(t) | Object::List(t) => t.clone(),
        _ => match proto::collect(vm, args) {
            Ok(a) => a,
            Err(_) => {
                let t = vm.type_name(args);
                return Err(vm.type_error(format!("argument after * must be an iterable, not {t}")));
            }
        },
    };
    let mut kw = Vec::new();
    match vm.obj(kwargs) {
        Object::Dict(d) => {
            for (k, v) in d.items() {
                kw.push((k, v));
            }
        }
        _ => {
            if kwargs != Value::None && kwargs != Value::Undef {
                let t = vm.type_name(kwargs);
                return Err(vm.type_error(format!("argument after ** must be a mapping, not {t}")));
            }
        }
    }
    for (k, _) in &kw {
        if vm.str_of(*k).is_none() {
            return Err(vm.type_error("keywords must be strings"));
        }
    }
    proto::call(vm, callee, &a, &kw)
}

/// Added to [`fast_code`]'s result for a bound method: the call passes the receiver
/// first and runs the method's function.
pub const FAST_BOUND: i64 = 1 << 32;

/// The code index to run `callee` with `nargs` positional arguments directly (a
/// Python function taking exactly that many positional parameters and nothing else;
/// plus [`FAST_BOUND`] for a method bound to a receiver that takes the receiver and
/// `nargs` more), or -1.
#[residual]
pub fn fast_code(vm: &mut Space, callee: Value, nargs: u32) -> i64 {
    if let Value::Obj(h) = callee {
        match &vm.heap[h as usize] {
            Object::Function(f) if f.simple_nargs == nargs as i32 => return f.code as i64,
            Object::BoundMethod {
                func: Value::Obj(fh),
                ..
            } => match &vm.heap[*fh as usize] {
                Object::Function(f) if f.simple_nargs == nargs as i32 + 1 => {
                    return f.code as i64 + FAST_BOUND
                }
                _ => {}
            },
            _ => {}
        }
    }
    -1
}

/// The receiver of a bound method.
#[residual]
pub fn bound_self(vm: &mut Space, m: Value) -> Value {
    match vm.obj(m) {
        Object::BoundMethod { recv, .. } => *recv,
        _ => Value::None,
    }
}

/// The function of a bound method.
#[residual]
pub fn bound_func(vm: &mut Space, m: Value) -> Value {
    match vm.obj(m) {
        Object::BoundMethod { func, .. } => *func,
        _ => m,
    }
}

/// A new function of code `code` in the globals of `func`; absent parts `Undef`.
#[residual]
pub fn make_function(
    vm: &mut Space,
    func: Value,
    code: u32,
    defaults: Value,
    kwdefaults: Value,
    closure: Value,
) -> Value {
    let globals = globals_of(vm, func);
    new_function(vm, globals, code, defaults, kwdefaults, closure)
}

/// A function of code `code` over `globals`.
pub fn new_function(
    vm: &mut Space,
    globals: Value,
    code: u32,
    defaults: Value,
    kwdefaults: Value,
    closure: Value,
) -> Value {
    let info = &vm.infos[code as usize];
    let simple = !info.varargs && !info.varkw && info.kwonlyargcount == 0 && !info.is_class_body;
    let simple_nargs = if simple { info.argcount as i32 } else { -1 };
    let c = code as usize;
    let (name, qualname) = match vm.code_names.get(c) {
        Some(&(n, q)) if n != Value::Undef => (n, q),
        _ => {
            let (n, q) = (info.name.clone(), info.qualname.clone());
            let names = (vm.new_str(n), vm.new_str(q));
            if vm.code_names.len() <= c {
                vm.code_names.resize(c + 1, (Value::Undef, Value::Undef));
            }
            vm.code_names[c] = names;
            names
        }
    };
    vm.alloc(Object::Function(Box::new(Function {
        code,
        globals,
        defaults,
        kwdefaults,
        closure,
        name,
        qualname,
        simple_nargs,
        dict: Value::Undef,
    })))
}

/// Run class body `body` with a fresh namespace and make the class `name(*bases)`.
#[residual]
pub fn build_class(
    vm: &mut Space,
    func: Value,
    body: Value,
    name: Value,
    bases: Value,
) -> Result<Value, Value> {
    let ns = proto::new_dict(vm);
    let code = match vm.obj(body) {
        Object::Function(f) => f.code,
        _ => return Err(vm.type_error("__build_class__: func must be a function")),
    };
    let module_key = vm.sym_str(S_MODULE);
    let g = globals_of(vm, func);
    let main = proto::dict_get_sym(vm, g, S_NAME).unwrap_or(vm.sym_str(S_MAIN));
    proto::dict_set(vm, ns, module_key, main)?;
    let qk = vm.sym_str(S_QUALNAME);
    let q = vm.infos[code as usize].qualname.clone();
    let qv = vm.new_str(q.clone());
    proto::dict_set(vm, ns, qk, qv)?;
    let r = proto::run_code(vm, code, body, &[ns])?;
    let bases: Vec<Value> = match vm.obj(bases) {
        Object::Tuple(t) => t.clone(),
        _ => Vec::new(),
    };
    let name_s = vm.str_of(name).unwrap_or("").to_string();
    let cls = make_class(vm, &name_s, &q, &bases, ns)?;
    if let Object::Cell(_) = vm.obj(r) {
        *vm.obj_mut(r) = Object::Cell(cls);
    }
    // `__set_name__` of descriptors, `__init_subclass__` of bases.
    Ok(cls)
}

/// A class named `name` with bases `bases` and the attributes of dict `ns`.
pub fn make_class(
    vm: &mut Space,
    name: &str,
    qualname: &str,
    bases: &[Value],
    ns: Value,
) -> R<Value> {
    let mut bases = bases.to_vec();
    for &b in &bases {
        if !matches!(vm.obj(b), Object::Class(_)) {
            let t = vm.type_name(b);
            return Err(vm.type_error(format!("bases must be types, not {t}")));
        }
    }
    if bases.is_empty() {
        bases.push(vm.cls.object);
    }
    // C3 linearization.
    let mut seqs: Vec<Vec<Value>> = Vec::new();
    for &b in &bases {
        seqs.push(vm.class(b).map(|c| c.mro.clone()).unwrap_or_default());
    }
    seqs.push(bases.clone());
    let mut mro = Vec::new();
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            break;
        }
        let mut cand = None;
        for s in &seqs {
            let c = s[0];
            if !seqs.iter().any(|t| t[1..].contains(&c)) {
                cand = Some(c);
                break;
            }
        }
        let Some(c) = cand else {
            let names: Vec<String> = bases
                .iter()
                .map(|&b| vm.class(b).map(|c| c.name.clone()).unwrap_or_default())
                .collect();
            return Err(vm.type_error(format!(
                "Cannot create a consistent method resolution order (MRO) for bases {}",
                names.join(", ")
            )));
        };
        mro.push(c);
        for s in seqs.iter_mut() {
            if s[0] == c {
                s.remove(0);
            }
        }
    }
    let mut kind = Kind::Object;
    for &c in &mro {
        if let Some(cl) = vm.class(c) {
            if cl.kind != Kind::Object {
                kind = cl.kind;
                break;
            }
        }
    }
    // A class that defines `__eq__` but not `__hash__` is unhashable.
    if proto::dict_get_sym(vm, ns, S_EQ).is_some() && proto::dict_get_sym(vm, ns, S_HASH).is_none()
    {
        let k = vm.sym_str(S_HASH);
        proto::dict_set(vm, ns, k, Value::None)?;
    }
    let dict = match vm.obj(ns) {
        Object::Dict(d) => (**d).clone(),
        _ => Dict::new(),
    };
    let cls = vm.alloc(Object::Class(Box::new(Class {
        name: name.to_string(),
        qualname: qualname.to_string(),
        bases,
        mro: Vec::new(),
        dict,
        kind,
        version: 0,
        builtin: false,
    })));
    mro.insert(0, cls);
    if let Object::Class(c) = vm.obj_mut(cls) {
        c.mro = mro;
    }
    Ok(cls)
}

// ---- exceptions ----

/// The exception `raise exc from cause` propagates (`cause` `Undef` when absent).
#[residual]
pub fn raise(vm: &mut Space, exc: Value, cause: Value) -> Value {
    let e = match vm.obj(exc) {
        Object::Class(c) if c.kind == Kind::Exception => match proto::call(vm, exc, &[], &[]) {
            Ok(e) => e,
            Err(e) => return e,
        },
        Object::Instance(i) if i.exc.is_some() => exc,
        _ => return vm.type_error("exceptions must derive from BaseException"),
    };
    if cause != Value::Undef {
        let c = match vm.obj(cause) {
            Object::Class(c) if c.kind == Kind::Exception => match proto::call(vm, cause, &[], &[])
            {
                Ok(e) => e,
                Err(e) => return e,
            },
            Object::Instance(i) if i.exc.is_some() => cause,
            _ if cause == Value::None => Value::None,
            _ => return vm.type_error("exception causes must derive from BaseException"),
        };
        if let Some(st) = vm.exc_state(e) {
            st.cause = c;
            st.suppress_context = true;
        }
    }
    set_context(vm, e);
    e
}

/// Drops the handled exceptions of frames deeper than the running one and of its
/// handlers at nesting levels `>= level`.
fn drop_exc_info(vm: &mut Space, level: u32) {
    let d = vm.depth;
    while let Some(&(fd, l, _)) = vm.exc_info.last() {
        if fd > d || (fd == d && l >= level) {
            vm.exc_info.pop();
        } else {
            break;
        }
    }
}

/// Exception `e` is being handled by the handler at nesting level `level` of the frame.
#[residual]
pub fn push_exc_info(vm: &mut Space, e: Value, level: u32) {
    drop_exc_info(vm, level);
    let d = vm.depth;
    vm.exc_info.push((d, level, e));
}

/// The handler at nesting level `level` of the running frame is left.
#[residual]
pub fn pop_exc_info(vm: &mut Space, level: u32) {
    drop_exc_info(vm, level);
}

/// The exception being handled now (`None` when none is).
pub fn handled_exception(vm: &mut Space) -> Value {
    drop_exc_info(vm, u32::MAX);
    match vm.exc_info.last() {
        Some(&(_, _, e)) => e,
        None => Value::None,
    }
}

/// Sets `__context__` of `e`, being raised, to the exception being handled (as CPython
/// does, breaking a cycle through `e` in that exception's context chain).
fn set_context(vm: &mut Space, e: Value) {
    let h = handled_exception(vm);
    if h == Value::None || h == e || vm.exc_state(h).is_none() {
        return;
    }
    let mut o = h;
    let mut steps = 0;
    loop {
        let c = match vm.exc_state(o) {
            Some(st) => st.context,
            None => break,
        };
        if c == Value::None || steps > 10_000 {
            break;
        }
        if c == e {
            if let Some(st) = vm.exc_state(o) {
                st.context = Value::None;
            }
            break;
        }
        o = c;
        steps += 1;
    }
    if let Some(st) = vm.exc_state(e) {
        st.context = h;
    }
}

/// Whether exception `e` matches `t` (a class or a tuple of classes).
#[residual]
pub fn exc_match(vm: &mut Space, e: Value, t: Value) -> Result<bool, Value> {
    let ok = match vm.obj(t) {
        Object::Class(c) => c.kind == Kind::Exception,
        Object::Tuple(ts) => ts
            .iter()
            .all(|&c| matches!(vm.obj(c), Object::Class(cl) if cl.kind == Kind::Exception)),
        _ => false,
    };
    if !ok {
        return Err(
            vm.type_error("catching classes that do not inherit from BaseException is not allowed")
        );
    }
    Ok(proto::exc_matches(vm, e, t))
}

/// Record that exception `e` passed through instruction `pc` of code `f`.
#[residual]
pub fn traceback_add(vm: &mut Space, e: Value, f: usize, pc: usize) {
    let fresh = match vm.exc_state(e) {
        Some(st) => st.tb.is_empty(),
        None => false,
    };
    if fresh {
        set_context(vm, e);
    }
    if let Some(st) = vm.exc_state(e) {
        if st.tb.len() < 100_000 {
            st.tb.push((f as u32, pc as u32));
        }
    }
}

#[residual]
pub fn unbound_local(vm: &mut Space, f: usize, slot: u32) -> Value {
    let n = vm.infos[f]
        .varnames
        .get(slot as usize)
        .cloned()
        .unwrap_or_default();
    vm.err(
        "UnboundLocalError",
        format!("cannot access local variable '{n}' where it is not associated with a value"),
    )
}

/// The error of reading an empty cell in slot `slot` of code `f`.
#[residual]
pub fn unbound_deref(vm: &mut Space, f: usize, slot: u32) -> Value {
    let info = &vm.infos[f];
    let n = info
        .varnames
        .get(slot as usize)
        .cloned()
        .unwrap_or_default();
    let free = (slot as usize) >= info.varnames.len().saturating_sub(info.nfree as usize);
    if free {
        vm.err("NameError", format!("cannot access free variable '{n}' where it is not associated with a value in enclosing scope"))
    } else {
        unbound_local(vm, f, slot)
    }
}

/// A safe point of the collector (see [`crate::gc`]): collect when one is due and no
/// residual call is suspended below this frame.
#[residual]
pub fn gc_point(vm: &mut Space, func: Value, locals: &[Value], stack: &[Value]) {
    if vm.nesting == 0 {
        crate::gc::collect(vm, func, locals, stack);
    }
}

/// Save a snapshot of the calling frame before a direct call (a root of the collector
/// while the callee runs).
#[residual]
pub fn frame_save(vm: &mut Space, func: Value, locals: &[Value], stack: &[Value]) {
    // One reservation and a copy loop: the frames are a few words, too short for
    // `memcpy` to pay. The snapshot ends with where it starts, for `frame_drop`.
    let fr = &mut vm.frames;
    let start = fr.len();
    let n = locals.len() + stack.len() + 2;
    fr.reserve(n);
    // SAFETY: the reservation makes room for the `n` values written, and all of them
    // are written before the length takes them in.
    unsafe {
        let mut p = fr.as_mut_ptr().add(start);
        p.write(func);
        for &v in locals {
            p = p.add(1);
            p.write(v);
        }
        for &v in stack {
            p = p.add(1);
            p.write(v);
        }
        p.add(1).write(Value::Int(start as i64));
        fr.set_len(start + n);
    }
}

/// Drop the snapshot [`frame_save`] made.
#[residual]
pub fn frame_drop(vm: &mut Space) {
    if let Some(Value::Int(start)) = vm.frames.last() {
        let start = *start as usize;
        vm.frames.truncate(start);
    }
}

/// Whether the interpreter thread's stack has room for more nesting (checked by the
/// dispatch loop every 16 levels of direct calls).
#[residual]
pub fn stack_room(vm: &mut Space) -> bool {
    vm.stack_ok()
}

#[residual]
pub fn recursion_error(vm: &mut Space) -> Value {
    proto::recursion_error(vm)
}

/// `ZeroDivisionError` by kind: 0 `/` on ints, 1 `//` on ints, 2 `%` on ints, 3 float
/// `/`, 4 float `//`, 5 float `%`.
#[residual]
pub fn zero_division(vm: &mut Space, kind: u32) -> Value {
    let m = match kind {
        0 => "division by zero",
        1 => "integer division or modulo by zero",
        2 => "integer modulo by zero",
        3 => "float division by zero",
        4 => "float floor division by zero",
        _ => "float modulo",
    };
    vm.err("ZeroDivisionError", m)
}

// ---- cells ----

#[residual]
pub fn new_cell(vm: &mut Space, v: Value) -> Value {
    vm.alloc(Object::Cell(v))
}

/// The contents of a cell (`Undef` when empty).
#[residual]
pub fn cell_get(vm: &mut Space, c: Value) -> Value {
    match vm.obj(c) {
        Object::Cell(v) => *v,
        _ => Value::Undef,
    }
}

#[residual]
pub fn cell_set(vm: &mut Space, c: Value, v: Value) {
    if let Value::Obj(h) = c {
        if let Object::Cell(x) = &mut vm.heap[h as usize] {
            *x = v;
        }
    }
}

/// Cell `i` of the closure of `func`.
#[residual]
pub fn closure_cell(vm: &mut Space, func: Value, i: u32) -> Value {
    let cl = match vm.obj(func) {
        Object::Function(f) => f.closure,
        _ => Value::Undef,
    };
    match vm.obj(cl) {
        Object::Tuple(t) => t.get(i as usize).copied().unwrap_or(Value::Undef),
        _ => vm.alloc(Object::Cell(Value::Undef)),
    }
}

// ---- imports ----

#[residual]
pub fn import_name(vm: &mut Space, func: Value, name: u32) -> Result<Value, Value> {
    let _ = func;
    let n = vm.sym_name(name).to_string();
    crate::modules::import(vm, &n)
}

#[residual]
pub fn import_from(vm: &mut Space, m: Value, name: u32) -> Result<Value, Value> {
    match proto::getattr_opt(vm, m, name)? {
        Some(v) => Ok(v),
        None => {
            let n = vm.sym_name(name).to_string();
            let mn = match vm.obj(m) {
                Object::Module { name, .. } => name.clone(),
                _ => "?".into(),
            };
            Err(vm.err(
                "ImportError",
                format!("cannot import name '{n}' from '{mn}'"),
            ))
        }
    }
}

#[residual]
pub fn import_star(vm: &mut Space, func: Value, m: Value) -> Result<(), Value> {
    let d = match vm.obj(m) {
        Object::Module { dict, .. } => *dict,
        _ => return Ok(()),
    };
    let items = match vm.obj(d) {
        Object::Dict(x) => x.items(),
        _ => Vec::new(),
    };
    let g = globals_of(vm, func);
    for (k, v) in items {
        if vm.str_of(k).map(|s| s.starts_with('_')).unwrap_or(true) {
            continue;
        }
        proto::dict_set(vm, g, k, v)?;
    }
    Ok(())
}

/// The error of an opcode the dispatch loop does not know (a compiler bug).
#[residual]
pub fn bad_opcode(vm: &mut Space, op: u32) -> Value {
    vm.err("SystemError", format!("unknown opcode {op}"))
}
