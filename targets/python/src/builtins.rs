//! The builtin functions, the constructors of the builtin types and the methods of
//! builtin values (str, list, dict, set, tuple, int, float, and what `object`
//! provides), with CPython's behaviour and messages.

use crate::bytecode::*;
use crate::numeric::{self, int_value, to_bigint, to_f64};
use crate::objects::*;
use crate::ops;
use crate::proto::{self, R};
use crate::space::*;
use crate::value::Value;
use num_bigint::BigInt;
use num_traits::{Signed, Zero};

/// Builtin functions (not types), by name.
const FUNCTIONS: &[&str] = &[
    "print",
    "len",
    "repr",
    "abs",
    "min",
    "max",
    "sum",
    "sorted",
    "reversed",
    "isinstance",
    "issubclass",
    "hasattr",
    "getattr",
    "setattr",
    "delattr",
    "enumerate",
    "zip",
    "map",
    "filter",
    "any",
    "all",
    "chr",
    "ord",
    "hash",
    "divmod",
    "pow",
    "round",
    "iter",
    "next",
    "input",
    "id",
    "callable",
    "format",
    "hex",
    "oct",
    "bin",
    "exit",
    "quit",
    "ascii",
    "vars",
    "dir",
    "globals",
    "locals",
    "open",
    "__displayhook__",
];

/// Register the builtins in `vm.builtins`.
pub fn install(vm: &mut Space) {
    let b = vm.builtins;
    let set = |vm: &mut Space, name: &str, v: Value| {
        let k = vm.intern(name);
        let ks = vm.sym_str(k);
        let _ = proto::dict_set(vm, b, ks, v);
    };
    for name in FUNCTIONS {
        let v = vm.alloc(Object::Builtin(name));
        set(vm, name, v);
    }
    let c = vm.cls.clone();
    for (n, v) in [
        ("object", c.object),
        ("type", c.type_),
        ("int", c.int),
        ("bool", c.bool_),
        ("float", c.float),
        ("str", c.str_),
        ("list", c.list),
        ("tuple", c.tuple),
        ("dict", c.dict),
        ("set", c.set),
        ("frozenset", c.frozenset),
        ("range", c.range),
        ("slice", c.slice),
        ("property", c.property),
        ("classmethod", c.classmethod),
        ("staticmethod", c.staticmethod),
        ("super", c.super_),
    ] {
        set(vm, n, v);
    }
    let ni = vm.alloc(Object::NotImplemented);
    set(vm, "NotImplemented", ni);
    let el = vm.alloc(Object::Ellipsis);
    set(vm, "Ellipsis", el);
    let main = vm.sym_str(S_MAIN);
    set(vm, "__name__", main);
    let excs: Vec<(&'static str, Value)> = vm.exc.iter().map(|(k, v)| (*k, *v)).collect();
    for (n, v) in excs {
        set(vm, n, v);
    }
    let ose = vm.exc["OSError"];
    set(vm, "IOError", ose);
    set(vm, "EnvironmentError", ose);
}

fn kwarg(vm: &Space, kw: &[(Value, Value)], name: &str) -> Option<Value> {
    kw.iter()
        .find(|(k, _)| vm.str_of(*k) == Some(name))
        .map(|(_, v)| *v)
}

fn no_kwargs(vm: &mut Space, fname: &str, kw: &[(Value, Value)]) -> R<()> {
    if let Some((k, _)) = kw.first() {
        let k = vm.str_of(*k).unwrap_or("").to_string();
        return Err(vm.type_error(format!(
            "{fname}() got an unexpected keyword argument '{k}'"
        )));
    }
    Ok(())
}

fn nargs(vm: &mut Space, fname: &str, args: &[Value], min: usize, max: usize) -> R<()> {
    if args.len() < min || args.len() > max {
        let msg = if min == max {
            if min == 0 {
                format!("{fname}() takes no arguments ({} given)", args.len())
            } else if min == 1 {
                format!(
                    "{fname}() takes exactly one argument ({} given)",
                    args.len()
                )
            } else {
                format!("{fname} expected {min} arguments, got {}", args.len())
            }
        } else if args.len() < min {
            format!(
                "{fname} expected at least {min} argument{}, got {}",
                if min == 1 { "" } else { "s" },
                args.len()
            )
        } else {
            format!(
                "{fname} expected at most {max} argument{}, got {}",
                if max == 1 { "" } else { "s" },
                args.len()
            )
        };
        return Err(vm.type_error(msg));
    }
    Ok(())
}

fn new_str(vm: &mut Space, s: String) -> Value {
    vm.new_str(s)
}

/// Call the builtin function `name`.
pub fn call_builtin(
    vm: &mut Space,
    name: &'static str,
    args: &[Value],
    kw: &[(Value, Value)],
) -> R<Value> {
    if name.contains('.') {
        return crate::modules::call(vm, name, args, kw);
    }
    match name {
        "print" => {
            let sep = match kwarg(vm, kw, "sep") {
                Some(Value::None) | None => " ".to_string(),
                Some(s) => match vm.str_of(s) {
                    Some(s) => s.to_string(),
                    None => {
                        let t = vm.type_name(s);
                        return Err(vm.type_error(format!("sep must be None or a string, not {t}")));
                    }
                },
            };
            let end = match kwarg(vm, kw, "end") {
                Some(Value::None) | None => "\n".to_string(),
                Some(s) => match vm.str_of(s) {
                    Some(s) => s.to_string(),
                    None => {
                        let t = vm.type_name(s);
                        return Err(vm.type_error(format!("end must be None or a string, not {t}")));
                    }
                },
            };
            let mut out = String::new();
            for (i, &a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(&sep);
                }
                match vm.obj(a) {
                    Object::Str(s) => out.push_str(&s.s),
                    _ => match a {
                        Value::Int(n) => out.push_str(&n.to_string()),
                        _ => out.push_str(&proto::str(vm, a)?),
                    },
                }
            }
            out.push_str(&end);
            let to_err = match kwarg(vm, kw, "file") {
                Some(f) => matches!(vm.obj(f), Object::Module { name, .. } if name == "sys.stderr"),
                None => false,
            };
            if to_err {
                vm.flush();
                crate::space::write_err(&out);
            } else {
                vm.write_out(&out);
            }
            Ok(Value::None)
        }
        "len" => {
            nargs(vm, "len", args, 1, 1)?;
            Ok(Value::Int(proto::len(vm, args[0])?))
        }
        "repr" => {
            nargs(vm, "repr", args, 1, 1)?;
            let s = proto::repr(vm, args[0])?;
            Ok(new_str(vm, s))
        }
        "ascii" => {
            nargs(vm, "ascii", args, 1, 1)?;
            let s = proto::repr(vm, args[0])?;
            let o = proto::ascii_escape(&s);
            Ok(new_str(vm, o))
        }
        "abs" => {
            nargs(vm, "abs", args, 1, 1)?;
            let a = args[0];
            match a {
                Value::Int(i) => match i.checked_abs() {
                    Some(r) => Ok(Value::Int(r)),
                    None => Ok(int_value(vm, BigInt::from(i).abs())),
                },
                Value::Bool(b) => Ok(Value::Int(b as i64)),
                Value::Float(f) => Ok(Value::Float(f.abs())),
                _ => {
                    if let Object::BigInt(b) = vm.obj(a) {
                        let r = b.abs();
                        return Ok(int_value(vm, r));
                    }
                    if let Some(m) = proto::lookup_type(vm, a, S_ABS) {
                        return proto::call_bound(vm, m, a, &[], &[]);
                    }
                    let t = vm.type_name(a);
                    Err(vm.type_error(format!("bad operand type for abs(): '{t}'")))
                }
            }
        }
        "min" | "max" => min_max(vm, name, args, kw),
        "sum" => {
            if args.is_empty() || args.len() > 2 {
                return Err(vm.type_error(format!(
                    "sum() takes at most 2 arguments ({} given)",
                    args.len()
                )));
            }
            let mut acc = if args.len() > 1 {
                args[1]
            } else {
                kwarg(vm, kw, "start").unwrap_or(Value::Int(0))
            };
            if vm.str_of(acc).is_some() {
                return Err(vm.type_error("sum() can't sum strings [use ''.join(seq) instead]"));
            }
            let it = proto::get_iter(vm, args[0])?;
            loop {
                let v = proto::next(vm, it)?;
                if v == Value::Undef {
                    return Ok(acc);
                }
                acc = match (acc, v) {
                    (Value::Int(x), Value::Int(y)) if x.checked_add(y).is_some() => {
                        Value::Int(x + y)
                    }
                    (Value::Float(x), Value::Float(y)) => Value::Float(x + y),
                    _ => ops::binary(vm, BIN_ADD, acc, v)?,
                };
            }
        }
        "sorted" => {
            if args.len() != 1 {
                return Err(
                    vm.type_error(format!("sorted expected 1 argument, got {}", args.len()))
                );
            }
            let mut items = proto::collect(vm, args[0])?;
            sort_values(vm, &mut items, kw)?;
            Ok(vm.new_list(items))
        }
        "reversed" => {
            if args.len() != 1 {
                return Err(
                    vm.type_error(format!("reversed expected 1 argument, got {}", args.len()))
                );
            }
            let o = args[0];
            match vm.obj(o) {
                Object::List(_) | Object::Tuple(_) | Object::Str(_) | Object::Range { .. } => {
                    let mut items = proto::collect(vm, o)?;
                    items.reverse();
                    Ok(vm.alloc(Object::Iter(Iter::Values { items, i: 0 })))
                }
                Object::Dict(d) => {
                    let mut items = d.keys();
                    items.reverse();
                    Ok(vm.alloc(Object::Iter(Iter::Values { items, i: 0 })))
                }
                Object::Instance(_) => {
                    if let Some(m) = proto::lookup_type(vm, o, S_REVERSED) {
                        return proto::call_bound(vm, m, o, &[], &[]);
                    }
                    let n = proto::len(vm, o)?;
                    let mut items = Vec::new();
                    for i in (0..n).rev() {
                        items.push(ops::getitem(vm, o, Value::Int(i))?);
                    }
                    Ok(vm.alloc(Object::Iter(Iter::Values { items, i: 0 })))
                }
                _ => {
                    let t = vm.type_name(o);
                    Err(vm.type_error(format!("'{t}' object is not reversible")))
                }
            }
        }
        "isinstance" => {
            nargs(vm, "isinstance", args, 2, 2)?;
            let t = vm.type_of(args[0]);
            Ok(Value::Bool(class_matches(vm, t, args[1], "isinstance")?))
        }
        "issubclass" => {
            nargs(vm, "issubclass", args, 2, 2)?;
            if vm.class(args[0]).is_none() {
                return Err(vm.type_error("issubclass() arg 1 must be a class"));
            }
            Ok(Value::Bool(class_matches(
                vm,
                args[0],
                args[1],
                "issubclass",
            )?))
        }
        "hasattr" => {
            nargs(vm, "hasattr", args, 2, 2)?;
            let n = attr_name(vm, args[1])?;
            match proto::getattr_opt(vm, args[0], n) {
                Ok(v) => Ok(Value::Bool(v.is_some())),
                Err(e) => {
                    let ae = vm.exc["AttributeError"];
                    if proto::exc_matches(vm, e, ae) {
                        Ok(Value::Bool(false))
                    } else {
                        Err(e)
                    }
                }
            }
        }
        "getattr" => {
            nargs(vm, "getattr", args, 2, 3)?;
            let n = attr_name(vm, args[1])?;
            match proto::getattr_opt(vm, args[0], n) {
                Ok(Some(v)) => Ok(v),
                Ok(None) => {
                    if args.len() == 3 {
                        Ok(args[2])
                    } else {
                        Err(proto::attr_error(vm, args[0], n))
                    }
                }
                Err(e) => {
                    let ae = vm.exc["AttributeError"];
                    if args.len() == 3 && proto::exc_matches(vm, e, ae) {
                        Ok(args[2])
                    } else {
                        Err(e)
                    }
                }
            }
        }
        "setattr" => {
            nargs(vm, "setattr", args, 3, 3)?;
            let n = attr_name(vm, args[1])?;
            proto::setattr(vm, args[0], n, args[2])?;
            Ok(Value::None)
        }
        "delattr" => {
            nargs(vm, "delattr", args, 2, 2)?;
            let n = attr_name(vm, args[1])?;
            proto::delattr(vm, args[0], n)?;
            Ok(Value::None)
        }
        "enumerate" => {
            let (it, start) = match args.len() {
                1 => (args[0], kwarg(vm, kw, "start").unwrap_or(Value::Int(0))),
                2 => (args[0], args[1]),
                0 => return Err(vm.type_error("enumerate() missing required argument 'iterable'")),
                n => {
                    return Err(
                        vm.type_error(format!("enumerate() takes at most 2 arguments ({n} given)"))
                    )
                }
            };
            if !numeric::is_int(vm, start) {
                let t = vm.type_name(start);
                return Err(
                    vm.type_error(format!("'{t}' object cannot be interpreted as an integer"))
                );
            }
            let it = proto::get_iter(vm, it)?;
            Ok(vm.alloc(Object::Iter(Iter::Enumerate { it, n: start })))
        }
        "zip" => {
            let mut its = Vec::new();
            for &a in args {
                its.push(proto::get_iter(vm, a)?);
            }
            Ok(vm.alloc(Object::Iter(Iter::Zip { its })))
        }
        "map" => {
            if args.len() < 2 {
                return Err(vm.type_error("map() must have at least two arguments."));
            }
            let f = args[0];
            let mut its = Vec::new();
            for &a in &args[1..] {
                its.push(proto::get_iter(vm, a)?);
            }
            let mut items = Vec::new();
            'outer: loop {
                let mut cur = Vec::with_capacity(its.len());
                for &it in &its {
                    let v = proto::next(vm, it)?;
                    if v == Value::Undef {
                        break 'outer;
                    }
                    cur.push(v);
                }
                items.push(proto::call(vm, f, &cur, &[])?);
            }
            Ok(vm.alloc(Object::Iter(Iter::Values { items, i: 0 })))
        }
        "filter" => {
            nargs(vm, "filter", args, 2, 2)?;
            let f = args[0];
            let it = proto::get_iter(vm, args[1])?;
            let mut items = Vec::new();
            loop {
                let v = proto::next(vm, it)?;
                if v == Value::Undef {
                    break;
                }
                let keep = if f == Value::None {
                    proto::truth(vm, v)?
                } else {
                    let r = proto::call(vm, f, &[v], &[])?;
                    proto::truth(vm, r)?
                };
                if keep {
                    items.push(v);
                }
            }
            Ok(vm.alloc(Object::Iter(Iter::Values { items, i: 0 })))
        }
        "any" | "all" => {
            nargs(vm, name, args, 1, 1)?;
            let want = name == "any";
            let it = proto::get_iter(vm, args[0])?;
            loop {
                let v = proto::next(vm, it)?;
                if v == Value::Undef {
                    return Ok(Value::Bool(!want));
                }
                if proto::truth(vm, v)? == want {
                    return Ok(Value::Bool(want));
                }
            }
        }
        "chr" => {
            nargs(vm, "chr", args, 1, 1)?;
            let i = ops::to_index(vm, args[0])?;
            match u32::try_from(i).ok().and_then(char::from_u32) {
                Some(c) => Ok(new_str(vm, c.to_string())),
                None => Err(vm.value_error("chr() arg not in range(0x110000)")),
            }
        }
        "ord" => {
            nargs(vm, "ord", args, 1, 1)?;
            match vm.obj(args[0]) {
                Object::Str(s) => {
                    if s.nchars == 1 {
                        Ok(Value::Int(
                            s.s.chars().next().map(|c| c as i64).unwrap_or(0),
                        ))
                    } else {
                        let n = s.nchars;
                        Err(vm.type_error(format!(
                            "ord() expected a character, but string of length {n} found"
                        )))
                    }
                }
                _ => {
                    let t = vm.type_name(args[0]);
                    Err(vm.type_error(format!("ord() expected string of length 1, but {t} found")))
                }
            }
        }
        "hash" => {
            nargs(vm, "hash", args, 1, 1)?;
            Ok(Value::Int(proto::hash(vm, args[0])?))
        }
        "id" => {
            nargs(vm, "id", args, 1, 1)?;
            Ok(Value::Int(match args[0] {
                Value::Obj(h) => proto::addr(h) as i64,
                v => (value_bits(v) >> 4) as i64 & 0xffffffffff,
            }))
        }
        "divmod" => {
            nargs(vm, "divmod", args, 2, 2)?;
            if !numeric::is_number(vm, args[0]) && !matches!(vm.obj(args[0]), Object::Instance(_))
                || !numeric::is_number(vm, args[1])
                    && !matches!(vm.obj(args[1]), Object::Instance(_))
            {
                let (ta, tb) = (vm.type_name(args[0]), vm.type_name(args[1]));
                return Err(vm.type_error(format!(
                    "unsupported operand type(s) for divmod(): '{ta}' and '{tb}'"
                )));
            }
            let q = ops::binary(vm, BIN_FLOORDIV, args[0], args[1])?;
            let r = ops::binary(vm, BIN_MOD, args[0], args[1])?;
            Ok(vm.new_tuple(vec![q, r]))
        }
        "pow" => {
            match args.len() {
                0 => return Err(vm.type_error("pow() missing required argument 'base' (pos 1)")),
                1 => return Err(vm.type_error("pow() missing required argument 'exp' (pos 2)")),
                2 | 3 => {}
                n => {
                    return Err(
                        vm.type_error(format!("pow() takes at most 3 arguments ({n} given)"))
                    )
                }
            }
            if args.len() == 3 && args[2] != Value::None {
                let (b, e, m) = (
                    to_bigint(vm, args[0]),
                    to_bigint(vm, args[1]),
                    to_bigint(vm, args[2]),
                );
                let (Some(b), Some(e), Some(m)) = (b, e, m) else {
                    return Err(vm.type_error(
                        "pow() 3rd argument not allowed unless all arguments are integers",
                    ));
                };
                if m.is_zero() {
                    return Err(vm.value_error("pow() 3rd argument cannot be 0"));
                }
                let r = if e.is_negative() {
                    let inv = mod_inverse(&b, &m);
                    match inv {
                        Some(i) => i.modpow(&(-e), &m),
                        None => {
                            return Err(
                                vm.value_error("base is not invertible for the given modulus")
                            )
                        }
                    }
                } else {
                    b.modpow(&e, &m)
                };
                let r = if !r.is_zero() && (r.is_negative() != m.is_negative()) {
                    r + &m
                } else {
                    r
                };
                return Ok(int_value(vm, r));
            }
            ops::binary(vm, BIN_POW, args[0], args[1])
        }
        "round" => {
            match args.len() {
                0 => {
                    return Err(vm.type_error("round() missing required argument 'number' (pos 1)"))
                }
                1 | 2 => {}
                n => {
                    return Err(
                        vm.type_error(format!("round() takes at most 2 arguments ({n} given)"))
                    )
                }
            }
            let nd = if args.len() == 2 {
                args[1]
            } else {
                kwarg(vm, kw, "ndigits").unwrap_or(Value::None)
            };
            round(vm, args[0], nd)
        }
        "iter" => {
            nargs(vm, "iter", args, 1, 2)?;
            if args.len() == 2 {
                let callable = call_builtin(vm, "callable", &args[..1], &[])?;
                if callable != Value::Bool(true) {
                    return Err(vm.type_error("iter(v, w): v must be callable"));
                }
                return Ok(vm.alloc(Object::Iter(Iter::Callable {
                    f: args[0],
                    sentinel: args[1],
                })));
            }
            proto::get_iter(vm, args[0])
        }
        "next" => {
            nargs(vm, "next", args, 1, 2)?;
            let it = args[0];
            let ok = matches!(vm.obj(it), Object::Iter(_))
                || matches!(vm.obj(it), Object::Instance(i) if proto::lookup(vm, i.class, S_NEXT).is_some());
            if !ok {
                let t = vm.type_name(it);
                return Err(vm.type_error(format!("'{t}' object is not an iterator")));
            }
            let v = proto::next(vm, it)?;
            if v == Value::Undef {
                if args.len() == 2 {
                    return Ok(args[1]);
                }
                let si = vm.exc["StopIteration"];
                return Err(vm.new_exc_args(si, vec![]));
            }
            Ok(v)
        }
        "input" => {
            if let Some(&p) = args.first() {
                let s = proto::str(vm, p)?;
                vm.write_out(&s);
            }
            vm.flush();
            let mut line = String::new();
            match std::io::stdin().read_line(&mut line) {
                Ok(0) | Err(_) => Err(vm.err("EOFError", "EOF when reading a line")),
                Ok(_) => {
                    if line.ends_with('\n') {
                        line.pop();
                        if line.ends_with('\r') {
                            line.pop();
                        }
                    }
                    Ok(new_str(vm, line))
                }
            }
        }
        "callable" => {
            nargs(vm, "callable", args, 1, 1)?;
            let a = args[0];
            Ok(Value::Bool(match vm.obj(a) {
                Object::Function(_)
                | Object::BoundMethod { .. }
                | Object::Builtin(_)
                | Object::BuiltinMethod { .. }
                | Object::Class(_) => true,
                Object::Instance(i) => proto::lookup(vm, i.class, S_CALL).is_some(),
                _ => false,
            }))
        }
        "format" => {
            nargs(vm, "format", args, 1, 2)?;
            let spec = match args.get(1) {
                Some(&s) => match vm.str_of(s) {
                    Some(s) => s.to_string(),
                    None => {
                        let t = vm.type_name(s);
                        return Err(
                            vm.type_error(format!("format() argument 2 must be str, not {t}"))
                        );
                    }
                },
                None => String::new(),
            };
            let s = ops::format(vm, args[0], &spec)?;
            Ok(new_str(vm, s))
        }
        "hex" | "oct" | "bin" => {
            nargs(vm, name, args, 1, 1)?;
            let Some(b) = to_bigint(vm, args[0]) else {
                let t = vm.type_name(args[0]);
                return Err(
                    vm.type_error(format!("'{t}' object cannot be interpreted as an integer"))
                );
            };
            let m = b.abs();
            let body = match name {
                "hex" => format!("0x{:x}", m),
                "oct" => format!("0o{:o}", m),
                _ => format!("0b{:b}", m),
            };
            let s = if b.is_negative() {
                format!("-{body}")
            } else {
                body
            };
            Ok(new_str(vm, s))
        }
        "exit" | "quit" => {
            let c = vm.exc["SystemExit"];
            Err(vm.new_exc_args(c, args.to_vec()))
        }
        "vars" | "dir" | "globals" | "locals" => {
            if let Some(&o) = args.first() {
                let d = proto::getattr(vm, o, S_DICT)?;
                if name == "dir" {
                    let mut ks = proto::collect(vm, d)?;
                    sort_values(vm, &mut ks, &[])?;
                    return Ok(vm.new_list(ks));
                }
                return Ok(d);
            }
            Err(vm.err(
                "NotImplementedError",
                format!("{name}() without arguments is not supported"),
            ))
        }
        "open" => Err(vm.err("OSError", "open() is not supported")),
        "__displayhook__" => {
            let v = args.first().copied().unwrap_or(Value::None);
            if v != Value::None {
                let s = proto::repr(vm, v)?;
                vm.write_out(&s);
                vm.write_out("\n");
                let k = vm.intern("_");
                let ks = vm.sym_str(k);
                let b = vm.builtins;
                proto::dict_set(vm, b, ks, v)?;
            }
            Ok(Value::None)
        }
        _ => Err(vm.err("NotImplementedError", format!("builtin {name}"))),
    }
}

fn mod_inverse(a: &BigInt, m: &BigInt) -> Option<BigInt> {
    let (mut t, mut newt) = (BigInt::zero(), BigInt::from(1));
    let (mut r, mut newr) = (m.abs(), ((a % m) + m) % m);
    while !newr.is_zero() {
        let q = &r / &newr;
        let nt = &t - &q * &newt;
        t = std::mem::replace(&mut newt, nt);
        let nr = &r - &q * &newr;
        r = std::mem::replace(&mut newr, nr);
    }
    if r != BigInt::from(1) {
        return None;
    }
    if t.is_negative() {
        t += m.abs();
    }
    Some(t)
}

/// The symbol of an attribute name given as a value.
fn attr_name(vm: &mut Space, n: Value) -> R<u32> {
    match vm.str_of(n) {
        Some(s) => {
            let s = s.to_string();
            Ok(vm.intern(&s))
        }
        None => {
            let t = vm.type_name(n);
            Err(vm.type_error(format!("attribute name must be string, not '{t}'")))
        }
    }
}

/// Whether class `t` is (a subclass of) `spec`, a class or a tuple of them.
fn class_matches(vm: &mut Space, t: Value, spec: Value, fname: &str) -> R<bool> {
    match vm.obj(spec) {
        Object::Class(_) => Ok(t == spec || vm.is_subclass(t, spec)),
        Object::Tuple(items) => {
            let items = items.clone();
            for c in items {
                if class_matches(vm, t, c, fname)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(vm.type_error(format!(
            "{fname}() arg 2 must be a type, a tuple of types, or a union"
        ))),
    }
}

fn min_max(vm: &mut Space, name: &str, args: &[Value], kw: &[(Value, Value)]) -> R<Value> {
    let key = kwarg(vm, kw, "key").filter(|k| *k != Value::None);
    let default = kwarg(vm, kw, "default");
    for (k, _) in kw {
        let k = vm.str_of(*k).unwrap_or("");
        if k != "key" && k != "default" {
            let k = k.to_string();
            return Err(vm.type_error(format!("{name}() got an unexpected keyword argument '{k}'")));
        }
    }
    let items = match args.len() {
        0 => return Err(vm.type_error(format!("{name} expected at least 1 argument, got 0"))),
        1 => proto::collect(vm, args[0])?,
        _ => {
            if default.is_some() {
                return Err(vm.type_error(format!(
                    "Cannot specify a default for {name}() with multiple positional arguments"
                )));
            }
            args.to_vec()
        }
    };
    if items.is_empty() {
        return match default {
            Some(d) => Ok(d),
            None => Err(vm.value_error(format!("{name}() arg is an empty sequence"))),
        };
    }
    let op = if name == "min" { CMP_LT } else { CMP_GT };
    let mut best = items[0];
    let mut bestk = match key {
        Some(k) => proto::call(vm, k, &[best], &[])?,
        None => best,
    };
    for &it in &items[1..] {
        let k = match key {
            Some(kf) => proto::call(vm, kf, &[it], &[])?,
            None => it,
        };
        let better = match (k, bestk) {
            (Value::Int(a), Value::Int(b)) => {
                if op == CMP_LT {
                    a < b
                } else {
                    a > b
                }
            }
            _ => {
                let r = ops::compare_rich(vm, op, k, bestk)?;
                proto::truth(vm, r)?
            }
        };
        if better {
            best = it;
            bestk = k;
        }
    }
    Ok(best)
}

/// `a < b` for sorting.
fn less(vm: &mut Space, a: Value, b: Value) -> R<bool> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x < y),
        (Value::Float(x), Value::Float(y)) => Ok(x < y),
        _ => {
            match (vm.obj(a), vm.obj(b)) {
                (Object::Str(x), Object::Str(y)) => return Ok(x.s < y.s),
                // Tuples (the usual sort keys) and lists: the first unequal items
                // decide, as `compare_rich` has it, without its dispatch.
                (Object::Tuple(x), Object::Tuple(y)) | (Object::List(x), Object::List(y))
                    if x.len().min(y.len()) <= 4 =>
                {
                    let n = x.len().min(y.len());
                    let mut pairs = [(Value::None, Value::None); 4];
                    for i in 0..n {
                        pairs[i] = (x[i], y[i]);
                    }
                    let lens = (x.len(), y.len());
                    if !vm.stack_ok() {
                        return Err(proto::recursion_error(vm));
                    }
                    for &(p, q) in &pairs[..n] {
                        // Ints and identical items (the usual leading fields of sort
                        // keys) decide or pass without `eq`.
                        if let (Value::Int(x), Value::Int(y)) = (p, q) {
                            if x != y {
                                return Ok(x < y);
                            }
                            continue;
                        }
                        if p == q && !matches!(p, Value::Float(_)) {
                            continue;
                        }
                        if !proto::eq(vm, p, q)? {
                            return less(vm, p, q);
                        }
                    }
                    return Ok(lens.0 < lens.1);
                }
                _ => {}
            }
            let r = ops::compare_rich(vm, CMP_LT, a, b)?;
            proto::truth(vm, r)
        }
    }
}

/// A stable merge sort whose comparisons may fail.
fn merge_sort(vm: &mut Space, keys: &mut Vec<(Value, Value)>) -> R<()> {
    let n = keys.len();
    if n < 2 {
        return Ok(());
    }
    // Insertion sort for small runs, then bottom-up merges.
    const RUN: usize = 16;
    let mut start = 0;
    while start < n {
        let end = (start + RUN).min(n);
        for i in start + 1..end {
            let mut j = i;
            while j > start && less(vm, keys[j].0, keys[j - 1].0)? {
                keys.swap(j, j - 1);
                j -= 1;
            }
        }
        start = end;
    }
    let mut width = RUN;
    let mut buf: Vec<(Value, Value)> = Vec::with_capacity(n);
    while width < n {
        buf.clear();
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while i < mid && j < hi {
                if less(vm, keys[j].0, keys[i].0)? {
                    buf.push(keys[j]);
                    j += 1;
                } else {
                    buf.push(keys[i]);
                    i += 1;
                }
            }
            buf.extend_from_slice(&keys[i..mid]);
            buf.extend_from_slice(&keys[j..hi]);
            lo = hi;
        }
        std::mem::swap(keys, &mut buf);
        width *= 2;
    }
    Ok(())
}

/// Sort `items` in place with the `key=` and `reverse=` keywords.
pub fn sort_values(vm: &mut Space, items: &mut Vec<Value>, kw: &[(Value, Value)]) -> R<()> {
    let key = kwarg(vm, kw, "key").filter(|k| *k != Value::None);
    let reverse = match kwarg(vm, kw, "reverse") {
        Some(r) => proto::truth(vm, r)?,
        None => false,
    };
    for (k, _) in kw {
        let k = vm.str_of(*k).unwrap_or("");
        if k != "key" && k != "reverse" {
            let k = k.to_string();
            return Err(vm.type_error(format!("sort() got an unexpected keyword argument '{k}'")));
        }
    }
    let mut keyed = Vec::with_capacity(items.len());
    for &it in items.iter() {
        let k = match key {
            Some(kf) => proto::call(vm, kf, &[it], &[])?,
            None => it,
        };
        keyed.push((k, it));
    }
    if reverse {
        keyed.reverse();
    }
    merge_sort(vm, &mut keyed)?;
    if reverse {
        keyed.reverse();
    }
    items.clear();
    items.extend(keyed.into_iter().map(|(_, v)| v));
    Ok(())
}

/// `round(x, nd)`.
fn round(vm: &mut Space, x: Value, nd: Value) -> R<Value> {
    match x {
        Value::Float(f) => {
            if nd == Value::None {
                if f.is_nan() {
                    return Err(vm.value_error("cannot convert float NaN to integer"));
                }
                if f.is_infinite() {
                    return Err(vm.err("OverflowError", "cannot convert float infinity to integer"));
                }
                let r = f.round_ties_even();
                return Ok(float_to_int(vm, r));
            }
            let n = ops::to_index(vm, nd)?;
            if !f.is_finite() {
                return Ok(x);
            }
            if n > 300 {
                return Ok(x);
            }
            if n < -308 {
                return Ok(Value::Float(0.0f64.copysign(f)));
            }
            if n >= 0 {
                let s = format!("{:.*}", n as usize, f);
                Ok(Value::Float(s.parse().unwrap_or(f)))
            } else {
                let p = 10f64.powi((-n) as i32);
                let r = (f / p).round_ties_even() * p;
                Ok(Value::Float(r))
            }
        }
        _ if numeric::is_int(vm, x) => {
            let v = match x {
                Value::Bool(b) => Value::Int(b as i64),
                _ => x,
            };
            if nd == Value::None {
                return Ok(v);
            }
            let n = ops::to_index(vm, nd)?;
            if n >= 0 {
                return Ok(v);
            }
            let b = to_bigint(vm, v).unwrap_or_default();
            let p =
                num_traits::pow::Pow::pow(BigInt::from(10), n.saturating_neg().min(4000) as u32);
            let q = num_integer::Integer::div_floor(&b, &p);
            let r = &b - &q * &p;
            let twice = &r * 2;
            let q = if twice > p || (twice == p && num_integer::Integer::is_odd(&q)) {
                q + 1
            } else {
                q
            };
            Ok(int_value(vm, q * p))
        }
        _ => {
            if let Some(m) = proto::lookup_type(vm, x, S_ROUND) {
                let a: Vec<Value> = if nd == Value::None { vec![] } else { vec![nd] };
                return proto::call_bound(vm, m, x, &a, &[]);
            }
            let t = vm.type_name(x);
            Err(vm.type_error(format!("type {t} doesn't define __round__ method")))
        }
    }
}

/// An integral float as an int value.
pub fn float_to_int(vm: &mut Space, f: f64) -> Value {
    if f.abs() < 9.2e18 {
        Value::Int(f as i64)
    } else {
        let b: BigInt = num_traits::FromPrimitive::from_f64(f).unwrap_or_default();
        int_value(vm, b)
    }
}

// ---- constructors ----

/// Parse an int literal in `base` (0: by prefix), as `int(s, base)` does.
pub fn parse_int(s: &str, base: u32) -> Option<BigInt> {
    let t = s.trim();
    let (neg, t) = if let Some(r) = t.strip_prefix('-') {
        (true, r)
    } else if let Some(r) = t.strip_prefix('+') {
        (false, r)
    } else {
        (false, t)
    };
    let lower = t.to_ascii_lowercase();
    let (base, digits) = match base {
        0 => {
            if let Some(r) = lower.strip_prefix("0x") {
                (16, r.to_string())
            } else if let Some(r) = lower.strip_prefix("0o") {
                (8, r.to_string())
            } else if let Some(r) = lower.strip_prefix("0b") {
                (2, r.to_string())
            } else {
                if lower.len() > 1
                    && lower.starts_with('0')
                    && lower.chars().any(|c| c != '0' && c != '_')
                {
                    return None;
                }
                (10, lower.clone())
            }
        }
        16 => (16, lower.strip_prefix("0x").unwrap_or(&lower).to_string()),
        8 => (8, lower.strip_prefix("0o").unwrap_or(&lower).to_string()),
        2 => (2, lower.strip_prefix("0b").unwrap_or(&lower).to_string()),
        b => (b, lower.clone()),
    };
    let digits = digits.strip_prefix('_').unwrap_or(&digits);
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    let v = BigInt::parse_bytes(clean.as_bytes(), base)?;
    Some(if neg { -v } else { v })
}

/// Parse a float as `float(s)` does.
pub fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    let l = t.to_ascii_lowercase();
    let (sign, body) = if let Some(r) = l.strip_prefix('-') {
        (-1.0, r)
    } else if let Some(r) = l.strip_prefix('+') {
        (1.0, r)
    } else {
        (1.0, l.as_str())
    };
    match body {
        "inf" | "infinity" => return Some(sign * f64::INFINITY),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if body.is_empty() || body.contains("__") || body.starts_with('_') || body.ends_with('_') {
        return None;
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-' | '_'))
    {
        return None;
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    clean.parse::<f64>().ok().map(|f| sign * f)
}

/// Call a builtin type: `int(x)`, `str(x)`, `list(it)`, `dict(**kw)`, ...
pub fn construct(
    vm: &mut Space,
    kind: Kind,
    cls: Value,
    args: &[Value],
    kw: &[(Value, Value)],
) -> R<Value> {
    match kind {
        Kind::Int => {
            if args.len() > 2 {
                return Err(vm.type_error(format!(
                    "int() takes at most 2 arguments ({} given)",
                    args.len()
                )));
            }
            let base = if args.len() == 2 {
                Some(args[1])
            } else {
                kwarg(vm, kw, "base")
            };
            if args.is_empty() {
                return Ok(Value::Int(0));
            }
            let x = args[0];
            if let Some(b) = base {
                let b = ops::to_index(vm, b)?;
                if b != 0 && !(2..=36).contains(&b) {
                    return Err(vm.value_error("int() base must be >= 2 and <= 36, or 0"));
                }
                let Some(s) = vm.str_of(x) else {
                    return Err(vm.type_error("int() can't convert non-string with explicit base"));
                };
                let s = s.to_string();
                return match parse_int(&s, b as u32) {
                    Some(v) => Ok(int_value(vm, v)),
                    None => Err(vm.value_error(format!(
                        "invalid literal for int() with base {b}: {}",
                        proto::str_repr(&s)
                    ))),
                };
            }
            match x {
                Value::Int(_) => Ok(x),
                Value::Bool(b) => Ok(Value::Int(b as i64)),
                Value::Float(f) => {
                    if f.is_nan() {
                        return Err(vm.value_error("cannot convert float NaN to integer"));
                    }
                    if f.is_infinite() {
                        return Err(
                            vm.err("OverflowError", "cannot convert float infinity to integer")
                        );
                    }
                    Ok(float_to_int(vm, f.trunc()))
                }
                _ => match vm.obj(x) {
                    Object::BigInt(_) => Ok(x),
                    Object::Str(s) => {
                        let s = s.s.clone();
                        let limit = crate::format::MAX_STR_DIGITS
                            .load(std::sync::atomic::Ordering::Relaxed);
                        let digits = s
                            .trim()
                            .trim_start_matches(['-', '+'])
                            .chars()
                            .filter(|c| *c != '_')
                            .count();
                        if limit > 0
                            && digits > limit
                            && s.trim()
                                .trim_start_matches(['-', '+'])
                                .chars()
                                .all(|c| c.is_ascii_digit() || c == '_')
                        {
                            return Err(vm.value_error(format!("Exceeds the limit ({limit} digits) for integer string conversion: value has {digits} digits; use sys.set_int_max_str_digits() to increase the limit")));
                        }
                        match parse_int(&s, 10) {
                            Some(v) => Ok(int_value(vm, v)),
                            None => Err(vm.value_error(format!(
                                "invalid literal for int() with base 10: {}",
                                proto::str_repr(&s)
                            ))),
                        }
                    }
                    _ => {
                        for s in [S_INT, S_INDEX, S_TRUNC] {
                            if let Some(m) = proto::lookup_type(vm, x, s) {
                                return proto::call_bound(vm, m, x, &[], &[]);
                            }
                        }
                        let t = vm.type_name(x);
                        Err(vm.type_error(format!("int() argument must be a string, a bytes-like object or a real number, not '{t}'")))
                    }
                },
            }
        }
        Kind::Float => {
            if args.len() > 1 {
                return Err(vm.type_error(format!(
                    "float expected at most 1 argument, got {}",
                    args.len()
                )));
            }
            if args.is_empty() {
                return Ok(Value::Float(0.0));
            }
            let x = args[0];
            if let Some(f) = to_f64(vm, x) {
                if let Object::BigInt(_) = vm.obj(x) {
                    if f.is_infinite() {
                        return Err(vm.err("OverflowError", "int too large to convert to float"));
                    }
                }
                return Ok(Value::Float(f));
            }
            if let Some(s) = vm.str_of(x) {
                let s = s.to_string();
                return match parse_float(&s) {
                    Some(f) => Ok(Value::Float(f)),
                    None => Err(vm.value_error(format!(
                        "could not convert string to float: {}",
                        proto::str_repr(&s)
                    ))),
                };
            }
            if let Some(m) = proto::lookup_type(vm, x, S_FLOAT) {
                return proto::call_bound(vm, m, x, &[], &[]);
            }
            let t = vm.type_name(x);
            Err(vm.type_error(format!(
                "float() argument must be a string or a real number, not '{t}'"
            )))
        }
        Kind::Str => {
            if args.len() > 3 {
                return Err(vm.type_error(format!(
                    "str() takes at most 3 arguments ({} given)",
                    args.len()
                )));
            }
            if args.is_empty() {
                return Ok(vm.empty_str);
            }
            if vm.str_of(args[0]).is_some() {
                return Ok(args[0]);
            }
            let s = proto::str(vm, args[0])?;
            Ok(new_str(vm, s))
        }
        Kind::Bool => {
            if args.len() > 1 {
                return Err(vm.type_error(format!(
                    "bool expected at most 1 argument, got {}",
                    args.len()
                )));
            }
            if args.is_empty() {
                return Ok(Value::Bool(false));
            }
            Ok(Value::Bool(proto::truth(vm, args[0])?))
        }
        Kind::List => {
            no_kwargs(vm, "list", kw)?;
            nargs(vm, "list", args, 0, 1)?;
            let items = if args.is_empty() {
                Vec::new()
            } else {
                proto::collect(vm, args[0])?
            };
            Ok(vm.new_list(items))
        }
        Kind::Tuple => {
            nargs(vm, "tuple", args, 0, 1)?;
            if args.len() == 1 {
                if let Object::Tuple(_) = vm.obj(args[0]) {
                    return Ok(args[0]);
                }
            }
            let items = if args.is_empty() {
                Vec::new()
            } else {
                proto::collect(vm, args[0])?
            };
            Ok(vm.new_tuple(items))
        }
        Kind::Dict => {
            nargs(vm, "dict", args, 0, 1)?;
            let d = proto::new_dict(vm);
            if let Some(&m) = args.first() {
                if !matches!(vm.obj(m), Object::Dict(_) | Object::Instance(_)) {
                    proto::get_iter(vm, m)?;
                }
                ops::dict_update(vm, d, m)?;
            }
            for &(k, v) in kw {
                proto::dict_set(vm, d, k, v)?;
            }
            Ok(d)
        }
        Kind::Set | Kind::FrozenSet => {
            nargs(
                vm,
                if kind == Kind::Set {
                    "set"
                } else {
                    "frozenset"
                },
                args,
                0,
                1,
            )?;
            if kind == Kind::FrozenSet
                && args.len() == 1
                && matches!(vm.obj(args[0]), Object::FrozenSet(_))
            {
                return Ok(args[0]);
            }
            let s = crate::set::new(vm, crate::set::SetTable::new(), kind == Kind::FrozenSet);
            if let Some(&x) = args.first() {
                crate::set::update(vm, s, x)?;
            }
            Ok(s)
        }
        Kind::Range => {
            no_kwargs(vm, "range", kw)?;
            let mut v = [0i64, 0, 1];
            if args.is_empty() || args.len() > 3 {
                return Err(vm.type_error(format!(
                    "range expected at least 1 argument, got {}",
                    args.len()
                )));
            }
            if args.iter().any(|&a| matches!(vm.obj(a), Object::BigInt(_))) {
                let mut b = [BigInt::from(0), BigInt::from(0), BigInt::from(1)];
                for (i, &a) in args.iter().enumerate() {
                    b[i] = match to_bigint(vm, a) {
                        Some(x) => x,
                        None => BigInt::from(ops::to_index(vm, a)?),
                    };
                }
                let [x, y, z] = b;
                let (start, stop, step) = if args.len() == 1 {
                    (BigInt::from(0), x, BigInt::from(1))
                } else {
                    (x, y, z)
                };
                if step == BigInt::from(0) {
                    return Err(vm.value_error("range() arg 3 must not be zero"));
                }
                return Ok(proto::new_range(vm, start, stop, step));
            }
            for (i, &a) in args.iter().enumerate() {
                let x = match a {
                    Value::Int(x) => x,
                    Value::Bool(b) => b as i64,
                    _ => ops::to_index(vm, a)?,
                };
                v[i] = x;
            }
            let (start, stop, step) = if args.len() == 1 {
                (0, v[0], 1)
            } else {
                (v[0], v[1], v[2])
            };
            if step == 0 {
                return Err(vm.value_error("range() arg 3 must not be zero"));
            }
            Ok(vm.alloc(Object::Range { start, stop, step }))
        }
        Kind::Type => {
            if args.len() == 1 {
                return Ok(vm.type_of(args[0]));
            }
            if args.len() == 3 {
                let name = vm.str_of(args[0]).unwrap_or("").to_string();
                let bases = proto::collect(vm, args[1])?;
                let ns = proto::new_dict(vm);
                ops::dict_update(vm, ns, args[2])?;
                return ops::make_class(vm, &name, &name, &bases, ns);
            }
            Err(vm.type_error("type() takes 1 or 3 arguments"))
        }
        Kind::Property => {
            let get = |i: usize, n: &str| {
                args.get(i)
                    .copied()
                    .or_else(|| kwarg(vm, kw, n))
                    .unwrap_or(Value::None)
            };
            let (fget, fset, fdel) = (get(0, "fget"), get(1, "fset"), get(2, "fdel"));
            Ok(vm.alloc(Object::Property { fget, fset, fdel }))
        }
        Kind::ClassMethod => {
            nargs(vm, "classmethod", args, 1, 1)?;
            Ok(vm.alloc(Object::ClassMethod(args[0])))
        }
        Kind::StaticMethod => {
            nargs(vm, "staticmethod", args, 1, 1)?;
            Ok(vm.alloc(Object::StaticMethod(args[0])))
        }
        Kind::Super => {
            if args.len() != 2 {
                return Err(vm.err("RuntimeError", "super(): no arguments"));
            }
            Ok(vm.alloc(Object::Super {
                cls: args[0],
                obj: args[1],
            }))
        }
        Kind::Slice => {
            nargs(vm, "slice", args, 1, 3)?;
            let (lo, hi, step) = match args.len() {
                1 => (Value::None, args[0], Value::None),
                2 => (args[0], args[1], Value::None),
                _ => (args[0], args[1], args[2]),
            };
            Ok(vm.alloc(Object::Slice { lo, hi, step }))
        }
        _ => {
            let n = vm.class(cls).map(|c| c.name.clone()).unwrap_or_default();
            Err(vm.type_error(format!("cannot create '{n}' instances")))
        }
    }
}

// ---- methods ----

const STR_METHODS: &[&str] = &[
    "join",
    "split",
    "rsplit",
    "strip",
    "lstrip",
    "rstrip",
    "replace",
    "startswith",
    "endswith",
    "find",
    "rfind",
    "index",
    "rindex",
    "count",
    "upper",
    "lower",
    "capitalize",
    "title",
    "swapcase",
    "casefold",
    "isdigit",
    "isalpha",
    "isspace",
    "isalnum",
    "isupper",
    "islower",
    "isnumeric",
    "isdecimal",
    "isidentifier",
    "istitle",
    "isascii",
    "format",
    "zfill",
    "ljust",
    "rjust",
    "center",
    "splitlines",
    "partition",
    "rpartition",
    "encode",
    "removeprefix",
    "removesuffix",
    "expandtabs",
    "format_map",
    "maketrans",
    "translate",
    "__len__",
    "__getitem__",
    "__contains__",
    "__add__",
    "__mul__",
    "__eq__",
    "__lt__",
    "__hash__",
    "__str__",
    "__repr__",
];
const LIST_METHODS: &[&str] = &[
    "append",
    "extend",
    "pop",
    "insert",
    "remove",
    "index",
    "count",
    "sort",
    "reverse",
    "copy",
    "clear",
    "__len__",
    "__getitem__",
    "__setitem__",
    "__contains__",
    "__iter__",
    "__delitem__",
    "__eq__",
    "__repr__",
];
const TUPLE_METHODS: &[&str] = &[
    "index",
    "count",
    "__len__",
    "__getitem__",
    "__contains__",
    "__iter__",
    "__eq__",
    "__hash__",
];
const DICT_METHODS: &[&str] = &[
    "get",
    "keys",
    "values",
    "items",
    "pop",
    "setdefault",
    "update",
    "copy",
    "clear",
    "popitem",
    "fromkeys",
    "__len__",
    "__getitem__",
    "__setitem__",
    "__contains__",
    "__delitem__",
    "__iter__",
    "__eq__",
    "__repr__",
];
const SET_METHODS: &[&str] = &[
    "add",
    "remove",
    "discard",
    "pop",
    "union",
    "intersection",
    "difference",
    "symmetric_difference",
    "issubset",
    "issuperset",
    "isdisjoint",
    "copy",
    "clear",
    "update",
    "intersection_update",
    "difference_update",
    "symmetric_difference_update",
    "__len__",
    "__contains__",
    "__iter__",
];
const INT_METHODS: &[&str] = &[
    "bit_length",
    "conjugate",
    "bit_count",
    "to_bytes",
    "__index__",
    "__int__",
    "__float__",
    "__add__",
    "__sub__",
    "__mul__",
    "__eq__",
    "__lt__",
    "__hash__",
    "__str__",
    "__repr__",
    "__neg__",
    "__abs__",
    "__bool__",
];
const FLOAT_METHODS: &[&str] = &[
    "is_integer",
    "conjugate",
    "as_integer_ratio",
    "hex",
    "__int__",
    "__float__",
    "__add__",
    "__sub__",
    "__mul__",
    "__truediv__",
    "__eq__",
    "__lt__",
    "__hash__",
    "__str__",
    "__repr__",
    "__neg__",
    "__abs__",
    "__bool__",
    "__round__",
];
const OBJECT_METHODS: &[&str] = &[
    "__init__",
    "__str__",
    "__repr__",
    "__eq__",
    "__ne__",
    "__hash__",
    "__setattr__",
    "__getattribute__",
    "__delattr__",
    "__new__",
    "__init_subclass__",
    "__format__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
];
const EXC_METHODS: &[&str] = &["with_traceback", "add_note"];
const RANGE_METHODS: &[&str] = &[
    "index",
    "count",
    "__len__",
    "__contains__",
    "__iter__",
    "__getitem__",
];
const ITER_METHODS: &[&str] = &["__next__", "__iter__"];

/// Whether values of builtin kind `kind` have method `name`.
pub fn has_method(kind: Kind, name: &str) -> bool {
    let list: &[&str] = match kind {
        Kind::Str => STR_METHODS,
        Kind::List => LIST_METHODS,
        Kind::Tuple => TUPLE_METHODS,
        Kind::Dict => DICT_METHODS,
        Kind::Set | Kind::FrozenSet => SET_METHODS,
        Kind::Int | Kind::Bool => INT_METHODS,
        Kind::Float => FLOAT_METHODS,
        Kind::Range => RANGE_METHODS,
        Kind::Iterator => ITER_METHODS,
        Kind::Exception => EXC_METHODS,
        Kind::Object | Kind::Type => OBJECT_METHODS,
        _ => &[],
    };
    list.contains(&name)
        || (kind != Kind::Object
            && OBJECT_METHODS.contains(&name)
            && matches!(
                name,
                "__init__" | "__new__" | "__setattr__" | "__init_subclass__"
            ))
}

/// Attributes instances get from `object` and the builtin exception classes.
pub fn instance_builtin_attr(vm: &mut Space, o: Value, name: u32) -> R<Option<Value>> {
    let n = vm.sym_name(name);
    let is_exc = matches!(vm.obj(o), Object::Instance(i) if i.exc.is_some());
    if OBJECT_METHODS.contains(&n) || (is_exc && EXC_METHODS.contains(&n)) {
        return Ok(Some(vm.builtin_method(o, name)));
    }
    Ok(None)
}

/// Call method `name` of builtin value `recv`.
pub fn call_method(
    vm: &mut Space,
    recv: Value,
    name: u32,
    args: &[Value],
    kw: &[(Value, Value)],
) -> R<Value> {
    let n: &'static str = method_name(vm, name);
    // A method taken from a class: the receiver is the first argument.
    if let Object::Class(c) = vm.obj(recv) {
        let kind = c.kind;
        if n == "fromkeys" && kind == Kind::Dict {
            let d = proto::new_dict(vm);
            let keys = proto::collect(vm, args.first().copied().unwrap_or(vm.empty_tuple))?;
            let v = args.get(1).copied().unwrap_or(Value::None);
            for k in keys {
                proto::dict_set(vm, d, k, v)?;
            }
            return Ok(d);
        }
        if n == "maketrans" {
            return str_method(vm, vm.empty_str, n, args, kw);
        }
        if n == "__new__" {
            let Some(&c) = args.first() else {
                return Err(vm.type_error("object.__new__(): not enough arguments"));
            };
            let k = vm.class(c).map(|x| x.kind).unwrap_or(Kind::Object);
            if k != Kind::Object && k != Kind::Exception {
                if proto::is_builtin_class(vm, c) {
                    return construct(vm, k, c, &args[1..], kw);
                }
                let bc = proto::builtin_class_of(vm, k);
                let base = construct(vm, k, bc, &args[1..], kw)?;
                return Ok(vm.alloc(Object::Instance(Box::new(Instance {
                    class: c,
                    layout: 0,
                    slots: Vec::new(),
                    exc: None,
                    base,
                }))));
            }
            let exc = if k == Kind::Exception {
                let t = vm.new_tuple(args[1..].to_vec());
                Some(Box::new(ExcState {
                    args: t,
                    tb: Vec::new(),
                    cause: Value::None,
                    context: Value::None,
                    suppress_context: false,
                }))
            } else {
                None
            };
            return Ok(vm.alloc(Object::Instance(Box::new(Instance {
                class: c,
                layout: 0,
                slots: Vec::new(),
                exc,
                base: Value::Undef,
            }))));
        }
        let Some((&self_, rest)) = args.split_first() else {
            let cn = vm.class(recv).map(|c| c.name.clone()).unwrap_or_default();
            return Err(vm.type_error(format!("unbound method {cn}.{n}() needs an argument")));
        };
        return call_method(vm, self_, name, rest, kw);
    }
    if !matches!(vm.obj(recv), Object::Instance(_) | Object::Property { .. }) {
        let tv = vm.type_of(recv);
        let t = match tv {
            Value::Obj(t) => t,
            _ => u32::MAX,
        };
        let k = (t.wrapping_mul(0x9e37_79b9) ^ name.wrapping_mul(0x85eb_ca6b)) as usize
            % crate::space::ARITY_CACHE;
        let (ct, cn, mut arity) = vm.arity_cache[k];
        if ct != t || cn != name {
            let ty = vm.class(tv).map(|c| c.name.as_str()).unwrap_or("object");
            arity = method_arity(ty, n);
            vm.arity_cache[k] = (t, name, arity);
        }
        if let Some((lo, hi)) = arity {
            if args.len() < lo || args.len() > hi {
                let ty = vm.class(tv).map(|c| c.name.clone());
                let ty = ty.unwrap_or_else(|| "object".to_string());
                return Err(arity_error(vm, &ty, n, args.len(), lo, hi));
            }
        }
    }
    match vm.obj(recv) {
        Object::Str(_) => str_method(vm, recv, n, args, kw),
        Object::List(_) => list_method(vm, recv, n, args, kw),
        Object::Tuple(_) => tuple_method(vm, recv, n, args),
        Object::Dict(_) => dict_method(vm, recv, n, args, kw),
        Object::Set(_) | Object::FrozenSet(_) => set_method(vm, recv, n, args),
        Object::Property { fget, fset, fdel } => {
            let (mut g, mut s, mut d) = (*fget, *fset, *fdel);
            let f = args.first().copied().unwrap_or(Value::None);
            match n {
                "setter" => s = f,
                "getter" => g = f,
                _ => d = f,
            }
            Ok(vm.alloc(Object::Property {
                fget: g,
                fset: s,
                fdel: d,
            }))
        }
        Object::Range { .. } | Object::BigRange(_) => match n {
            "index" | "count" => {
                let x = args.first().copied().unwrap_or(Value::None);
                let c = ops::contains(vm, recv, x)?;
                if n == "count" {
                    return Ok(Value::Int(c as i64));
                }
                if !c {
                    let r = proto::repr(vm, x)?;
                    return Err(vm.value_error(format!("{r} is not in range")));
                }
                match (proto::range_parts(vm, recv), to_bigint(vm, x)) {
                    (Some([start, _, step]), Some(i)) => Ok(int_value(vm, (i - start) / step)),
                    _ => Ok(Value::Int(0)),
                }
            }
            _ => generic_dunder(vm, recv, n, args),
        },
        Object::Iter(_) => match n {
            "__next__" => {
                let v = proto::next(vm, recv)?;
                if v == Value::Undef {
                    let si = vm.exc["StopIteration"];
                    return Err(vm.new_exc_args(si, vec![]));
                }
                Ok(v)
            }
            _ => Ok(recv),
        },
        Object::Instance(_) => {
            let base = proto::base_of(vm, recv);
            if base != Value::Undef && n != "__init__" && n != "__new__" {
                return call_method(vm, base, name, args, kw);
            }
            object_method(vm, recv, n, args, kw)
        }
        _ => match recv {
            Value::Int(_) | Value::Bool(_) => int_method(vm, recv, n, args),
            Value::Float(f) => float_method(vm, f, n, args),
            _ => {
                if let Object::BigInt(_) = vm.obj(recv) {
                    return int_method(vm, recv, n, args);
                }
                object_method(vm, recv, n, args, kw)
            }
        },
    }
}

/// How many positional arguments method `name` of builtin values of type `ty` takes
/// (`usize::MAX`: any number).
fn method_arity(ty: &str, name: &str) -> Option<(usize, usize)> {
    const ANY: usize = usize::MAX;
    Some(match (ty, name) {
        (
            "str",
            "capitalize" | "casefold" | "isalnum" | "isalpha" | "isascii" | "isdecimal" | "isdigit"
            | "isidentifier" | "islower" | "isnumeric" | "isspace" | "istitle" | "isupper"
            | "lower" | "swapcase" | "title" | "upper",
        ) => (0, 0),
        ("str", "strip" | "lstrip" | "rstrip" | "splitlines" | "expandtabs") => (0, 1),
        ("str", "split" | "rsplit") => (0, 2),
        (
            "str",
            "partition" | "rpartition" | "removeprefix" | "removesuffix" | "zfill" | "join",
        ) => (1, 1),
        ("str", "ljust" | "rjust" | "center") => (1, 2),
        ("str", "find" | "rfind" | "index" | "rindex" | "count" | "startswith" | "endswith") => {
            (1, 3)
        }
        ("str", "replace") => (2, 3),
        ("list", "clear" | "copy" | "reverse" | "sort") => (0, 0),
        ("list", "pop") => (0, 1),
        ("list", "append" | "extend" | "remove" | "count") => (1, 1),
        ("list" | "tuple", "index") => (1, 3),
        ("list", "insert") => (2, 2),
        ("tuple", "count") => (1, 1),
        ("dict", "keys" | "values" | "items" | "copy" | "clear" | "popitem") => (0, 0),
        ("dict", "get" | "pop" | "setdefault") => (1, 2),
        ("dict", "update") => (0, 1),
        ("set" | "frozenset", "copy" | "clear" | "pop") => (0, 0),
        (
            "set" | "frozenset",
            "add"
            | "remove"
            | "discard"
            | "issubset"
            | "issuperset"
            | "isdisjoint"
            | "symmetric_difference"
            | "symmetric_difference_update",
        ) => (1, 1),
        (
            "set" | "frozenset",
            "union"
            | "intersection"
            | "difference"
            | "update"
            | "intersection_update"
            | "difference_update",
        ) => (0, ANY),
        ("int" | "bool", "bit_length" | "bit_count" | "conjugate") => (0, 0),
        ("float", "conjugate" | "is_integer" | "as_integer_ratio") => (0, 0),
        ("range", "index" | "count") => (1, 1),
        _ => return None,
    })
}

/// CPython's error for a call of method `ty.name` with `n` positional arguments
/// outside `lo..=hi`.
fn arity_error(vm: &mut Space, ty: &str, name: &str, n: usize, lo: usize, hi: usize) -> Value {
    // The str methods CPython parses with keywords or `PyArg_ParseTuple` word it as
    // `f() takes ..`; the others as `f expected ..`.
    let takes = ty == "str"
        && matches!(
            name,
            "splitlines"
                | "expandtabs"
                | "split"
                | "rsplit"
                | "find"
                | "rfind"
                | "index"
                | "rindex"
                | "count"
                | "startswith"
                | "endswith"
        );
    let plural = |k: usize| if k == 1 { "" } else { "s" };
    let msg = if takes && hi != 0 && !(lo == 1 && hi == 1) {
        if n < lo {
            format!(
                "{name}() takes at least {lo} argument{} ({n} given)",
                plural(lo)
            )
        } else {
            format!(
                "{name}() takes at most {hi} argument{} ({n} given)",
                plural(hi)
            )
        }
    } else if hi == 0 {
        format!("{ty}.{name}() takes no arguments ({n} given)")
    } else if lo == 1 && hi == 1 {
        format!("{ty}.{name}() takes exactly one argument ({n} given)")
    } else if lo == hi {
        format!("{name} expected {lo} arguments, got {n}")
    } else if n < lo {
        format!(
            "{name} expected at least {lo} argument{}, got {n}",
            if lo == 1 { "" } else { "s" }
        )
    } else {
        format!(
            "{name} expected at most {hi} argument{}, got {n}",
            if hi == 1 { "" } else { "s" }
        )
    };
    vm.type_error(msg)
}

/// Method names are symbols, immortal: their `&'static str` for matching.
/// [`leak_name`] of symbol `name`, remembered per symbol in `Space::method_names`.
fn method_name(vm: &mut Space, name: u32) -> &'static str {
    if let Some(Some(n)) = vm.method_names.get(name as usize) {
        return n;
    }
    let n = leak_name(vm.sym_name(name));
    if vm.method_names.len() <= name as usize {
        vm.method_names.resize(name as usize + 1, None);
    }
    vm.method_names[name as usize] = Some(n);
    n
}

fn leak_name(s: &str) -> &'static str {
    // Every method name a builtin type has is listed in the tables above.
    for list in [
        STR_METHODS,
        LIST_METHODS,
        TUPLE_METHODS,
        DICT_METHODS,
        SET_METHODS,
        INT_METHODS,
        FLOAT_METHODS,
        OBJECT_METHODS,
        EXC_METHODS,
        RANGE_METHODS,
        ITER_METHODS,
        &["setter", "getter", "deleter"][..],
    ] {
        for &m in list {
            if m == s {
                return m;
            }
        }
    }
    ""
}

/// Dunders like `x.__len__()` on builtin values, through the operators.
fn generic_dunder(vm: &mut Space, recv: Value, n: &str, args: &[Value]) -> R<Value> {
    let a = args.first().copied().unwrap_or(Value::None);
    match n {
        "__len__" => Ok(Value::Int(proto::len(vm, recv)?)),
        "__getitem__" => ops::getitem(vm, recv, a),
        "__setitem__" => {
            ops::setitem(vm, recv, a, args.get(1).copied().unwrap_or(Value::None))?;
            Ok(Value::None)
        }
        "__delitem__" => {
            ops::delitem(vm, recv, a)?;
            Ok(Value::None)
        }
        "__contains__" => Ok(Value::Bool(ops::contains(vm, recv, a)?)),
        "__iter__" => proto::get_iter(vm, recv),
        "__eq__" => ops::compare(vm, CMP_EQ, recv, a),
        "__lt__" => ops::compare(vm, CMP_LT, recv, a),
        "__hash__" => Ok(Value::Int(proto::hash(vm, recv)?)),
        "__str__" => {
            let s = proto::str(vm, recv)?;
            Ok(vm.new_str(s))
        }
        "__repr__" => {
            let s = proto::repr(vm, recv)?;
            Ok(vm.new_str(s))
        }
        "__add__" => ops::binary(vm, BIN_ADD, recv, a),
        "__sub__" => ops::binary(vm, BIN_SUB, recv, a),
        "__mul__" => ops::binary(vm, BIN_MUL, recv, a),
        "__truediv__" => ops::binary(vm, BIN_TRUEDIV, recv, a),
        "__neg__" => ops::unary(vm, UN_NEG, recv),
        "__bool__" => Ok(Value::Bool(proto::truth(vm, recv)?)),
        "__abs__" => call_builtin(vm, "abs", &[recv], &[]),
        "__int__" | "__index__" => construct(vm, Kind::Int, vm.cls.int, &[recv], &[]),
        "__float__" => construct(vm, Kind::Float, vm.cls.float, &[recv], &[]),
        "__round__" => round(vm, recv, a),
        _ => object_method(vm, recv, n, args, &[]),
    }
}

/// What `object` (and `BaseException`) provide, reached through `super()` or a class.
fn object_method(
    vm: &mut Space,
    recv: Value,
    n: &str,
    args: &[Value],
    kw: &[(Value, Value)],
) -> R<Value> {
    match n {
        "__init__" => {
            if proto::base_of(vm, recv) != Value::Undef {
                proto::init_base(vm, recv, args, kw)?;
                return Ok(Value::None);
            }
            if let Some(st) = vm.exc_state(recv) {
                let _ = st;
                let t = vm.new_tuple(args.to_vec());
                if let Some(st) = vm.exc_state(recv) {
                    st.args = t;
                }
            }
            let _ = kw;
            Ok(Value::None)
        }
        "__str__" => {
            let s = if vm.exc_state(recv).is_some() {
                proto::exc_str(vm, recv)?
            } else {
                default_repr(vm, recv)
            };
            Ok(vm.new_str(s))
        }
        "__repr__" => {
            let s = default_repr(vm, recv);
            Ok(vm.new_str(s))
        }
        "__eq__" => {
            let a = args.first().copied().unwrap_or(Value::None);
            if recv == a {
                Ok(Value::Bool(true))
            } else {
                Ok(vm.builtin_value("NotImplemented"))
            }
        }
        "__ne__" => {
            let a = args.first().copied().unwrap_or(Value::None);
            let r = ops::compare(vm, CMP_EQ, recv, a)?;
            Ok(Value::Bool(!proto::truth(vm, r)?))
        }
        "__lt__" | "__le__" | "__gt__" | "__ge__" => Ok(vm.builtin_value("NotImplemented")),
        "__hash__" => Ok(Value::Int(match recv {
            Value::Obj(h) => (h as i64) << 4,
            _ => proto::hash(vm, recv)?,
        })),
        "__setattr__" => {
            let (Some(&k), Some(&v)) = (args.first(), args.get(1)) else {
                return Err(vm.type_error("__setattr__ expected 2 arguments"));
            };
            let s = attr_name(vm, k)?;
            if let Value::Obj(h) = recv {
                if let Object::Instance(i) = vm.obj(recv) {
                    let l = i.layout;
                    proto::set_slot(vm, h, l, s, v);
                    return Ok(Value::None);
                }
            }
            proto::setattr(vm, recv, s, v)?;
            Ok(Value::None)
        }
        "__getattribute__" => {
            let k = args.first().copied().unwrap_or(Value::None);
            let s = attr_name(vm, k)?;
            proto::getattr(vm, recv, s)
        }
        "__delattr__" => {
            let k = args.first().copied().unwrap_or(Value::None);
            let s = attr_name(vm, k)?;
            proto::delattr(vm, recv, s)?;
            Ok(Value::None)
        }
        "__init_subclass__" => Ok(Value::None),
        "__format__" => {
            let spec = args
                .first()
                .and_then(|&s| vm.str_of(s))
                .unwrap_or("")
                .to_string();
            let s = crate::format::format_value(vm, recv, &spec)?;
            Ok(vm.new_str(s))
        }
        "with_traceback" => Ok(recv),
        "add_note" => Ok(Value::None),
        _ => {
            let t = vm.type_name(recv);
            Err(vm.err(
                "AttributeError",
                format!("'{t}' object has no attribute '{n}'"),
            ))
        }
    }
}

fn default_repr(vm: &mut Space, v: Value) -> String {
    if vm.exc_state(v).is_some() {
        let args = vm.exc_state(v).map(|s| s.args).unwrap_or(Value::None);
        let items = proto::collect(vm, args).unwrap_or_default();
        let mut parts = Vec::new();
        for a in items {
            parts.push(proto::repr(vm, a).unwrap_or_default());
        }
        return format!("{}({})", vm.type_name(v), parts.join(", "));
    }
    match v {
        Value::Obj(h) => {
            let t = vm.type_of(v);
            let q = vm.class(t).map(|c| c.qualname.clone()).unwrap_or_default();
            format!(
                "<{}.{q} object at 0x{:012x}>",
                proto::class_module(vm, t),
                proto::addr(h)
            )
        }
        _ => proto::repr(vm, v).unwrap_or_default(),
    }
}

impl Space {
    /// A builtin by name (`NotImplemented`, `len`, ...).
    pub fn builtin_value(&mut self, name: &str) -> Value {
        let s = self.intern(name);
        proto::dict_get_sym(self, self.builtins, s).unwrap_or(Value::None)
    }
}

fn int_method(vm: &mut Space, recv: Value, n: &str, args: &[Value]) -> R<Value> {
    let b = to_bigint(vm, recv).unwrap_or_default();
    match n {
        "bit_length" => Ok(Value::Int(b.bits() as i64)),
        "bit_count" => Ok(Value::Int(
            b.magnitude()
                .to_bytes_le()
                .iter()
                .map(|x| x.count_ones() as i64)
                .sum(),
        )),
        "conjugate" => Ok(int_value(vm, b)),
        "to_bytes" => Err(vm.err("NotImplementedError", "int.to_bytes")),
        _ => generic_dunder(vm, recv, n, args),
    }
}

fn float_method(vm: &mut Space, f: f64, n: &str, args: &[Value]) -> R<Value> {
    match n {
        "is_integer" => Ok(Value::Bool(f.is_finite() && f.fract() == 0.0)),
        "conjugate" => Ok(Value::Float(f)),
        "as_integer_ratio" => {
            if !f.is_finite() {
                return Err(vm.err("OverflowError", "cannot convert Infinity to integer ratio"));
            }
            let mut num = f;
            let mut den = BigInt::from(1);
            let mut k = 0;
            while num.fract() != 0.0 && k < 1100 {
                num *= 2.0;
                den *= 2;
                k += 1;
            }
            let nb: BigInt = num_traits::FromPrimitive::from_f64(num).unwrap_or_default();
            let g = num_integer::Integer::gcd(&nb, &den);
            let (a, b) = (int_value(vm, &nb / &g), int_value(vm, &den / &g));
            Ok(vm.new_tuple(vec![a, b]))
        }
        "hex" => Err(vm.err("NotImplementedError", "float.hex")),
        _ => generic_dunder(vm, Value::Float(f), n, args),
    }
}

fn tuple_method(vm: &mut Space, recv: Value, n: &str, args: &[Value]) -> R<Value> {
    match n {
        "index" | "count" => seq_index_count(vm, recv, n, args, "tuple"),
        _ => generic_dunder(vm, recv, n, args),
    }
}

fn seq_index_count(vm: &mut Space, recv: Value, n: &str, args: &[Value], what: &str) -> R<Value> {
    let Some(&x) = args.first() else {
        return Err(vm.type_error(format!("{n}() takes at least 1 argument (0 given)")));
    };
    let items = match vm.obj(recv) {
        Object::List(l) | Object::Tuple(l) => l.clone(),
        _ => Vec::new(),
    };
    if n == "count" {
        let mut c = 0;
        for it in items {
            if ops::is(it, x) || proto::eq(vm, it, x)? {
                c += 1;
            }
        }
        return Ok(Value::Int(c));
    }
    let len = items.len() as i64;
    let clampi = |v: i64| if v < 0 { (v + len).max(0) } else { v.min(len) };
    let start = match args.get(1) {
        Some(&s) => clampi(ops::to_index(vm, s)?),
        None => 0,
    };
    let end = match args.get(2) {
        Some(&s) => clampi(ops::to_index(vm, s)?),
        None => len,
    };
    for i in start..end {
        let it = items[i as usize];
        if ops::is(it, x) || proto::eq(vm, it, x)? {
            return Ok(Value::Int(i));
        }
    }
    let _ = what;
    if what == "tuple" {
        return Err(vm.value_error("tuple.index(x): x not in tuple"));
    }
    let r = proto::repr(vm, x)?;
    Err(vm.value_error(format!("{r} is not in list")))
}

fn list_items(vm: &Space, l: Value) -> &Vec<Value> {
    match vm.obj(l) {
        Object::List(x) => x,
        _ => unreachable!(),
    }
}

fn list_mut(vm: &mut Space, l: Value) -> &mut Vec<Value> {
    match vm.obj_mut(l) {
        Object::List(x) => x,
        _ => unreachable!(),
    }
}

fn list_method(
    vm: &mut Space,
    l: Value,
    n: &str,
    args: &[Value],
    kw: &[(Value, Value)],
) -> R<Value> {
    let arity = |vm: &mut Space, lo: usize, hi: usize| -> R<()> {
        if args.len() < lo || args.len() > hi {
            return Err(if lo == hi && lo == 0 {
                vm.type_error(format!(
                    "list.{n}() takes no arguments ({} given)",
                    args.len()
                ))
            } else if lo == hi && lo == 1 {
                vm.type_error(format!(
                    "list.{n}() takes exactly one argument ({} given)",
                    args.len()
                ))
            } else {
                vm.type_error(format!(
                    "{n} expected at most {hi} arguments, got {}",
                    args.len()
                ))
            });
        }
        Ok(())
    };
    match n {
        "append" => {
            arity(vm, 1, 1)?;
            list_mut(vm, l).push(args[0]);
            Ok(Value::None)
        }
        "extend" => {
            arity(vm, 1, 1)?;
            let items = proto::collect(vm, args[0])?;
            list_mut(vm, l).extend(items);
            Ok(Value::None)
        }
        "pop" => {
            arity(vm, 0, 1)?;
            let len = list_items(vm, l).len();
            if len == 0 {
                return Err(vm.err("IndexError", "pop from empty list"));
            }
            let i = match args.first() {
                Some(&i) => ops::to_index(vm, i)?,
                None => -1,
            };
            let j = if i < 0 { i + len as i64 } else { i };
            if j < 0 || j >= len as i64 {
                return Err(vm.err("IndexError", "pop index out of range"));
            }
            Ok(list_mut(vm, l).remove(j as usize))
        }
        "insert" => {
            if args.len() != 2 {
                return Err(
                    vm.type_error(format!("insert expected 2 arguments, got {}", args.len()))
                );
            }
            let i = ops::to_index(vm, args[0])?;
            let len = list_items(vm, l).len() as i64;
            let j = if i < 0 { (i + len).max(0) } else { i.min(len) };
            list_mut(vm, l).insert(j as usize, args[1]);
            Ok(Value::None)
        }
        "remove" => {
            arity(vm, 1, 1)?;
            let mut i = 0;
            loop {
                let it = match list_items(vm, l).get(i) {
                    Some(&x) => x,
                    None => return Err(vm.value_error("list.remove(x): x not in list")),
                };
                if ops::is(it, args[0]) || proto::eq(vm, it, args[0])? {
                    let ls = list_mut(vm, l);
                    if i < ls.len() {
                        ls.remove(i);
                    }
                    return Ok(Value::None);
                }
                i += 1;
            }
        }
        "index" | "count" => seq_index_count(vm, l, n, args, "list"),
        "sort" => {
            if !args.is_empty() {
                return Err(vm.type_error("sort() takes no positional arguments"));
            }
            let mut items = std::mem::take(list_mut(vm, l));
            let r = sort_values(vm, &mut items, kw);
            let cur = list_mut(vm, l);
            let modified = !cur.is_empty();
            *cur = items;
            r?;
            if modified {
                return Err(vm.value_error("list modified during sort"));
            }
            Ok(Value::None)
        }
        "reverse" => {
            arity(vm, 0, 0)?;
            list_mut(vm, l).reverse();
            Ok(Value::None)
        }
        "copy" => {
            arity(vm, 0, 0)?;
            let items = list_items(vm, l).clone();
            Ok(vm.new_list(items))
        }
        "clear" => {
            arity(vm, 0, 0)?;
            list_mut(vm, l).clear();
            Ok(Value::None)
        }
        _ => generic_dunder(vm, l, n, args),
    }
}

fn dict_method(
    vm: &mut Space,
    d: Value,
    n: &str,
    args: &[Value],
    kw: &[(Value, Value)],
) -> R<Value> {
    let a0 = args.first().copied().unwrap_or(Value::None);
    match n {
        "get" => {
            nargs(vm, "get", args, 1, 2)?;
            Ok(proto::dict_get(vm, d, a0)?.unwrap_or(args.get(1).copied().unwrap_or(Value::None)))
        }
        "keys" => Ok(vm.alloc(Object::DictView { d, what: 0 })),
        "values" => Ok(vm.alloc(Object::DictView { d, what: 1 })),
        "items" => Ok(vm.alloc(Object::DictView { d, what: 2 })),
        "pop" => {
            nargs(vm, "pop", args, 1, 2)?;
            match proto::dict_del(vm, d, a0)? {
                Some(v) => Ok(v),
                None => match args.get(1) {
                    Some(&v) => Ok(v),
                    None => Err(ops::key_error(vm, a0)),
                },
            }
        }
        "setdefault" => {
            nargs(vm, "setdefault", args, 1, 2)?;
            match proto::dict_get(vm, d, a0)? {
                Some(v) => Ok(v),
                None => {
                    let v = args.get(1).copied().unwrap_or(Value::None);
                    proto::dict_set(vm, d, a0, v)?;
                    Ok(v)
                }
            }
        }
        "update" => {
            nargs(vm, "update", args, 0, 1)?;
            if let Some(&m) = args.first() {
                if !matches!(vm.obj(m), Object::Dict(_) | Object::Instance(_)) {
                    proto::get_iter(vm, m)?;
                }
                ops::dict_update(vm, d, m)?;
            }
            for &(k, v) in kw {
                proto::dict_set(vm, d, k, v)?;
            }
            Ok(Value::None)
        }
        "copy" => {
            let c = match vm.obj(d) {
                Object::Dict(x) => x.clone(),
                _ => Box::default(),
            };
            Ok(vm.alloc(Object::Dict(c)))
        }
        "clear" => {
            if let Object::Dict(x) = vm.obj_mut(d) {
                x.clear();
            }
            Ok(Value::None)
        }
        "popitem" => {
            let last = match vm.obj(d) {
                Object::Dict(x) => x.entries.iter().rposition(|e| e.key != Value::Undef),
                _ => None,
            };
            match last {
                Some(p) => {
                    let (k, v) = match vm.obj_mut(d) {
                        Object::Dict(x) => {
                            let e = x.entries[p];
                            x.remove_at(p);
                            (e.key, e.value)
                        }
                        _ => (Value::None, Value::None),
                    };
                    Ok(vm.new_tuple(vec![k, v]))
                }
                None => Err(vm.err("KeyError", "popitem(): dictionary is empty")),
            }
        }
        "fromkeys" => {
            let nd = proto::new_dict(vm);
            let keys = proto::collect(vm, a0)?;
            let v = args.get(1).copied().unwrap_or(Value::None);
            for k in keys {
                proto::dict_set(vm, nd, k, v)?;
            }
            Ok(nd)
        }
        _ => generic_dunder(vm, d, n, args),
    }
}

fn set_method(vm: &mut Space, s: Value, n: &str, args: &[Value]) -> R<Value> {
    use crate::set;
    let a0 = args.first().copied().unwrap_or(Value::None);
    let frozen = matches!(vm.obj(s), Object::FrozenSet(_));
    match n {
        "add" => {
            nargs(vm, "set.add", args, 1, 1)?;
            set::add(vm, s, a0)?;
            Ok(Value::None)
        }
        "remove" => {
            nargs(vm, "set.remove", args, 1, 1)?;
            if set::discard(vm, s, a0)? {
                Ok(Value::None)
            } else {
                Err(ops::key_error(vm, a0))
            }
        }
        "discard" => {
            nargs(vm, "set.discard", args, 1, 1)?;
            set::discard(vm, s, a0)?;
            Ok(Value::None)
        }
        "pop" => match set::pop(vm, s) {
            Some(k) => Ok(k),
            None => Err(vm.err("KeyError", "pop from an empty set")),
        },
        "union" | "intersection" | "difference" | "symmetric_difference" => {
            let op = match n {
                "union" => '|',
                "intersection" => '&',
                "difference" => '-',
                _ => '^',
            };
            if args.is_empty() {
                let t = match vm.obj(s) {
                    Object::Set(t) | Object::FrozenSet(t) => t.copy_of(),
                    _ => set::SetTable::new(),
                };
                return Ok(set::new(vm, t, frozen));
            }
            let mut acc = s;
            for &o in args {
                acc = set::binop(vm, op, acc, o)?;
            }
            Ok(acc)
        }
        "update" | "intersection_update" | "difference_update" | "symmetric_difference_update" => {
            let op = match n {
                "update" => '|',
                "intersection_update" => '&',
                "difference_update" => '-',
                _ => '^',
            };
            for &o in args {
                set::inplace(vm, op, s, o)?;
            }
            Ok(Value::None)
        }
        "issubset" | "issuperset" | "isdisjoint" => {
            nargs(vm, n, args, 1, 1)?;
            let os = if matches!(vm.obj(a0), Object::Set(_) | Object::FrozenSet(_)) {
                a0
            } else {
                set::from_iter(vm, a0, false)?
            };
            match n {
                "issubset" => ops::compare(vm, CMP_LE, s, os),
                "issuperset" => ops::compare(vm, CMP_GE, s, os),
                _ => {
                    let i = set::binop(vm, '&', s, os)?;
                    Ok(Value::Bool(proto::len(vm, i)? == 0))
                }
            }
        }
        "copy" => {
            let t = match vm.obj(s) {
                Object::Set(t) | Object::FrozenSet(t) => t.copy_of(),
                _ => set::SetTable::new(),
            };
            Ok(set::new(vm, t, frozen))
        }
        "clear" => {
            if let Object::Set(t) = vm.obj_mut(s) {
                t.clear();
            }
            Ok(Value::None)
        }
        _ => generic_dunder(vm, s, n, args),
    }
}

/// Char index → byte offset in `s` (clamped).
fn byte_at(s: &str, ascii: bool, i: usize) -> usize {
    if ascii {
        return i.min(s.len());
    }
    s.char_indices().nth(i).map(|(b, _)| b).unwrap_or(s.len())
}

fn str_arg(vm: &Space, v: Value) -> Option<&str> {
    vm.str_of(v)
}

fn need_str(vm: &mut Space, v: Value, what: &str) -> R<String> {
    match vm.str_of(v) {
        Some(s) => Ok(s.to_string()),
        None => {
            let t = vm.type_name(v);
            Err(vm.type_error(format!("{what} must be str, not {t}")))
        }
    }
}

fn str_method(
    vm: &mut Space,
    recv: Value,
    n: &str,
    args: &[Value],
    kw: &[(Value, Value)],
) -> R<Value> {
    let (s, ascii, nchars) = match vm.obj(recv) {
        Object::Str(x) => (x.s.clone(), x.ascii, x.nchars),
        _ => (String::new(), true, 0),
    };
    let a0 = args.first().copied().unwrap_or(Value::None);
    let boolean = |b: bool| Ok(Value::Bool(b));
    match n {
        "join" => {
            nargs(vm, "str.join", args, 1, 1)?;
            let items = proto::collect(vm, a0)?;
            let mut out = String::new();
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(&s);
                }
                match vm.str_of(*it) {
                    Some(x) => out.push_str(x),
                    None => {
                        let t = vm.type_name(*it);
                        return Err(vm.type_error(format!(
                            "sequence item {i}: expected str instance, {t} found"
                        )));
                    }
                }
            }
            Ok(vm.new_str(out))
        }
        "split" | "rsplit" => {
            let sep = args
                .first()
                .copied()
                .or_else(|| kwarg(vm, kw, "sep"))
                .unwrap_or(Value::None);
            let maxsplit = match args.get(1).copied().or_else(|| kwarg(vm, kw, "maxsplit")) {
                Some(m) => ops::to_index(vm, m)?,
                None => -1,
            };
            let parts: Vec<String> = if sep == Value::None {
                split_whitespace(&s, maxsplit, n == "rsplit")
            } else {
                let sp = need_str(vm, sep, "must be str or None")
                    .map_err(|_| vm.type_error("must be str or None"))?;
                if sp.is_empty() {
                    return Err(vm.value_error("empty separator"));
                }
                if maxsplit < 0 {
                    s.split(sp.as_str()).map(|x| x.to_string()).collect()
                } else if n == "split" {
                    s.splitn(maxsplit as usize + 1, sp.as_str())
                        .map(|x| x.to_string())
                        .collect()
                } else {
                    let mut v: Vec<String> = s
                        .rsplitn(maxsplit as usize + 1, sp.as_str())
                        .map(|x| x.to_string())
                        .collect();
                    v.reverse();
                    v
                }
            };
            let vals: Vec<Value> = parts.into_iter().map(|p| vm.new_str(p)).collect();
            Ok(vm.new_list(vals))
        }
        "strip" | "lstrip" | "rstrip" => {
            let r: String = if a0 == Value::None {
                match n {
                    "strip" => s.trim(),
                    "lstrip" => s.trim_start(),
                    _ => s.trim_end(),
                }
                .to_string()
            } else {
                let cs: Vec<char> = need_str(vm, a0, "strip arg")?.chars().collect();
                let f = |c: char| cs.contains(&c);
                match n {
                    "strip" => s.trim_matches(f),
                    "lstrip" => s.trim_start_matches(f),
                    _ => s.trim_end_matches(f),
                }
                .to_string()
            };
            if r.len() == s.len() {
                return Ok(recv);
            }
            Ok(vm.new_str(r))
        }
        "replace" => {
            nargs(vm, "replace", args, 2, 3)?;
            let old = need_str(vm, args[0], "replace() argument 1")?;
            let new = need_str(vm, args[1], "replace() argument 2")?;
            let count = match args.get(2) {
                Some(&c) => ops::to_index(vm, c)?,
                None => -1,
            };
            let r = if count < 0 {
                s.replace(&old, &new)
            } else {
                s.replacen(&old, &new, count as usize)
            };
            Ok(vm.new_str(r))
        }
        "startswith" | "endswith" => {
            nargs(vm, n, args, 1, 3)?;
            let start = match args.get(1) {
                Some(&v) if v != Value::None => norm_char(ops::clamp_index(vm, v)?, nchars),
                _ => 0,
            };
            let end = match args.get(2) {
                Some(&v) if v != Value::None => norm_char(ops::clamp_index(vm, v)?, nchars),
                _ => nchars,
            };
            let sub = if start <= end {
                &s[byte_at(&s, ascii, start)..byte_at(&s, ascii, end)]
            } else {
                ""
            };
            let cands: Vec<Value> = match vm.obj(a0) {
                Object::Tuple(t) => t.clone(),
                Object::Str(_) => vec![a0],
                _ => {
                    let t = vm.type_name(a0);
                    return Err(vm.type_error(format!(
                        "{n} first arg must be str or a tuple of str, not {t}"
                    )));
                }
            };
            if start > end || start > nchars {
                return boolean(false);
            }
            for c in cands {
                let Some(p) = str_arg(vm, c) else {
                    let t = vm.type_name(c);
                    return Err(
                        vm.type_error(format!("tuple for {n} must only contain str, not {t}"))
                    );
                };
                if (n == "startswith" && sub.starts_with(p))
                    || (n == "endswith" && sub.ends_with(p))
                {
                    return boolean(true);
                }
            }
            boolean(false)
        }
        "find" | "rfind" | "index" | "rindex" | "count" => {
            nargs(vm, n, args, 1, 3)?;
            let sub = need_str(vm, a0, "must be str").map_err(|_| {
                let t = vm.type_name(a0);
                vm.type_error(format!("must be str, not {t}"))
            })?;
            let start = match args.get(1) {
                Some(&v) if v != Value::None => norm_char(ops::clamp_index(vm, v)?, nchars),
                _ => 0,
            };
            let end = match args.get(2) {
                Some(&v) if v != Value::None => norm_char(ops::clamp_index(vm, v)?, nchars),
                _ => nchars,
            };
            if start > end || start > nchars {
                return match n {
                    "count" => Ok(Value::Int(0)),
                    "index" | "rindex" => Err(vm.value_error("substring not found")),
                    _ => Ok(Value::Int(-1)),
                };
            }
            let (bs, be) = (byte_at(&s, ascii, start), byte_at(&s, ascii, end));
            let hay = &s[bs..be];
            if n == "count" {
                if sub.is_empty() {
                    return Ok(Value::Int(hay.chars().count() as i64 + 1));
                }
                return Ok(Value::Int(hay.matches(sub.as_str()).count() as i64));
            }
            let found = if n == "find" || n == "index" {
                hay.find(&sub)
            } else {
                hay.rfind(&sub)
            };
            match found {
                Some(b) => {
                    let ci = if ascii { b } else { hay[..b].chars().count() };
                    Ok(Value::Int((start + ci) as i64))
                }
                None => {
                    if n == "index" || n == "rindex" {
                        Err(vm.value_error("substring not found"))
                    } else {
                        Ok(Value::Int(-1))
                    }
                }
            }
        }
        "upper" => Ok(vm.new_str(s.to_uppercase())),
        "lower" | "casefold" => Ok(vm.new_str(s.to_lowercase())),
        "swapcase" => {
            let r: String = s
                .chars()
                .map(|c| {
                    if c.is_uppercase() {
                        c.to_lowercase().collect::<String>()
                    } else {
                        c.to_uppercase().collect()
                    }
                })
                .collect();
            Ok(vm.new_str(r))
        }
        "capitalize" => {
            let mut cs = s.chars();
            let r = match cs.next() {
                Some(c) => c.to_uppercase().collect::<String>() + &cs.as_str().to_lowercase(),
                None => String::new(),
            };
            Ok(vm.new_str(r))
        }
        "title" => {
            let mut r = String::new();
            let mut prev = false;
            for c in s.chars() {
                if prev {
                    r.extend(c.to_lowercase());
                } else {
                    r.extend(c.to_uppercase());
                }
                prev = c.is_alphabetic();
            }
            Ok(vm.new_str(r))
        }
        "istitle" => {
            let mut prev = false;
            let mut any = false;
            for c in s.chars() {
                if c.is_uppercase() {
                    if prev {
                        return boolean(false);
                    }
                    any = true;
                } else if c.is_lowercase() && !prev {
                    return boolean(false);
                }
                prev = c.is_alphabetic();
            }
            boolean(any)
        }
        "isdigit" | "isnumeric" | "isdecimal" => {
            boolean(!s.is_empty() && s.chars().all(|c| c.is_numeric()))
        }
        "isalpha" => boolean(!s.is_empty() && s.chars().all(|c| c.is_alphabetic())),
        "isspace" => boolean(!s.is_empty() && s.chars().all(|c| c.is_whitespace())),
        "isalnum" => boolean(!s.is_empty() && s.chars().all(|c| c.is_alphanumeric())),
        "isascii" => boolean(ascii),
        "isupper" => {
            boolean(s.chars().any(|c| c.is_uppercase()) && !s.chars().any(|c| c.is_lowercase()))
        }
        "islower" => {
            boolean(s.chars().any(|c| c.is_lowercase()) && !s.chars().any(|c| c.is_uppercase()))
        }
        "isidentifier" => {
            let mut cs = s.chars();
            boolean(match cs.next() {
                Some(c) if c == '_' || c.is_alphabetic() => {
                    cs.all(|c| c == '_' || c.is_alphanumeric())
                }
                _ => false,
            })
        }
        "format" => {
            let r = str_format(vm, &s, args, kw)?;
            Ok(vm.new_str(r))
        }
        "format_map" => {
            let mut kws = Vec::new();
            if let Object::Dict(d) = vm.obj(a0) {
                kws = d.items();
            }
            let r = str_format(vm, &s, &[], &kws)?;
            Ok(vm.new_str(r))
        }
        "zfill" => {
            nargs(vm, "zfill", args, 1, 1)?;
            let w = ops::to_index(vm, a0)?.max(0) as usize;
            if w > crate::format::MAX_WIDTH {
                return Err(vm.err("MemoryError", ""));
            }
            if nchars >= w {
                return Ok(recv);
            }
            let (sign, rest) = if s.starts_with('-') || s.starts_with('+') {
                s.split_at(1)
            } else {
                ("", s.as_str())
            };
            let r = format!("{sign}{}{rest}", "0".repeat(w - nchars));
            Ok(vm.new_str(r))
        }
        "ljust" | "rjust" | "center" => {
            nargs(vm, n, args, 1, 2)?;
            let w = ops::to_index(vm, a0)?.max(0) as usize;
            if w > crate::format::MAX_WIDTH {
                return Err(vm.err("MemoryError", ""));
            }
            let fill = match args.get(1) {
                Some(&f) => {
                    let fs = need_str(vm, f, "fill character")?;
                    if fs.chars().count() != 1 {
                        return Err(
                            vm.type_error("The fill character must be exactly one character long")
                        );
                    }
                    fs.chars().next().unwrap_or(' ')
                }
                None => ' ',
            };
            if nchars >= w {
                return Ok(recv);
            }
            let pad = w - nchars;
            let f = |k: usize| std::iter::repeat_n(fill, k).collect::<String>();
            let r = match n {
                "ljust" => format!("{s}{}", f(pad)),
                "rjust" => format!("{}{s}", f(pad)),
                _ => {
                    let left = pad / 2 + (pad & w & 1);
                    format!("{}{s}{}", f(left), f(pad - left))
                }
            };
            Ok(vm.new_str(r))
        }
        "splitlines" => {
            let keep = match args.first().copied().or_else(|| kwarg(vm, kw, "keepends")) {
                Some(k) => ops::to_index(vm, k)? != 0,
                None => false,
            };
            let mut parts = Vec::new();
            let mut cur = String::new();
            let cs: Vec<char> = s.chars().collect();
            let mut i = 0;
            while i < cs.len() {
                let c = cs[i];
                if matches!(
                    c,
                    '\n' | '\r'
                        | '\x0b'
                        | '\x0c'
                        | '\x1c'
                        | '\x1d'
                        | '\x1e'
                        | '\u{85}'
                        | '\u{2028}'
                        | '\u{2029}'
                ) {
                    let mut end = c.to_string();
                    if c == '\r' && i + 1 < cs.len() && cs[i + 1] == '\n' {
                        end.push('\n');
                        i += 1;
                    }
                    if keep {
                        cur.push_str(&end);
                    }
                    parts.push(std::mem::take(&mut cur));
                } else {
                    cur.push(c);
                }
                i += 1;
            }
            if !cur.is_empty() {
                parts.push(cur);
            }
            let vals: Vec<Value> = parts.into_iter().map(|p| vm.new_str(p)).collect();
            Ok(vm.new_list(vals))
        }
        "partition" | "rpartition" => {
            let sep = need_str(vm, a0, "partition arg")?;
            if sep.is_empty() {
                return Err(vm.value_error("empty separator"));
            }
            let found = if n == "partition" {
                s.find(&sep)
            } else {
                s.rfind(&sep)
            };
            let (a, b, c) = match found {
                Some(i) => (
                    s[..i].to_string(),
                    sep.clone(),
                    s[i + sep.len()..].to_string(),
                ),
                None => {
                    if n == "partition" {
                        (s.clone(), String::new(), String::new())
                    } else {
                        (String::new(), String::new(), s.clone())
                    }
                }
            };
            let (a, b, c) = (vm.new_str(a), vm.new_str(b), vm.new_str(c));
            Ok(vm.new_tuple(vec![a, b, c]))
        }
        "removeprefix" => {
            let p = need_str(vm, a0, "removeprefix arg")?;
            let r = s.strip_prefix(p.as_str()).unwrap_or(&s).to_string();
            Ok(vm.new_str(r))
        }
        "removesuffix" => {
            let p = need_str(vm, a0, "removesuffix arg")?;
            let r = s.strip_suffix(p.as_str()).unwrap_or(&s).to_string();
            Ok(vm.new_str(r))
        }
        "expandtabs" => {
            let ts = match args.first() {
                Some(&t) => ops::to_index(vm, t)?.max(0) as usize,
                None => 8,
            };
            let mut r = String::new();
            let mut col = 0;
            for c in s.chars() {
                if c == '\t' {
                    if ts > 0 {
                        let k = ts - col % ts;
                        r.push_str(&" ".repeat(k));
                        col += k;
                    }
                } else if c == '\n' || c == '\r' {
                    r.push(c);
                    col = 0;
                } else {
                    r.push(c);
                    col += 1;
                }
            }
            Ok(vm.new_str(r))
        }
        "encode" => Ok(recv),
        "maketrans" => {
            let d = proto::new_dict(vm);
            if args.len() >= 2 {
                let (x, y) = (
                    need_str(vm, args[0], "maketrans arg")?,
                    need_str(vm, args[1], "maketrans arg")?,
                );
                for (a, b) in x.chars().zip(y.chars()) {
                    let bv = vm.new_str(b.to_string());
                    proto::dict_set(vm, d, Value::Int(a as i64), bv)?;
                }
                if let Some(&z) = args.get(2) {
                    let z = need_str(vm, z, "maketrans arg")?;
                    for c in z.chars() {
                        proto::dict_set(vm, d, Value::Int(c as i64), Value::None)?;
                    }
                }
            } else if let Object::Dict(src) = vm.obj(a0) {
                for (k, v) in src.items() {
                    let k = match vm.str_of(k) {
                        Some(ks) => Value::Int(ks.chars().next().map(|c| c as i64).unwrap_or(0)),
                        None => k,
                    };
                    proto::dict_set(vm, d, k, v)?;
                }
            }
            Ok(d)
        }
        "translate" => {
            let mut r = String::new();
            for c in s.chars() {
                match proto::dict_get(vm, a0, Value::Int(c as i64))? {
                    Some(Value::None) => {}
                    Some(Value::Int(i)) => r.extend(u32::try_from(i).ok().and_then(char::from_u32)),
                    Some(v) => r.push_str(vm.str_of(v).unwrap_or("")),
                    None => r.push(c),
                }
            }
            Ok(vm.new_str(r))
        }
        _ => generic_dunder(vm, recv, n, args),
    }
}

fn norm_char(i: i64, n: usize) -> usize {
    if i < 0 {
        (i + n as i64).max(0) as usize
    } else {
        i as usize
    }
}

fn split_whitespace(s: &str, maxsplit: i64, right: bool) -> Vec<String> {
    if maxsplit < 0 {
        return s.split_whitespace().map(|x| x.to_string()).collect();
    }
    let mut out = Vec::new();
    if !right {
        let mut rest = s.trim_start();
        while !rest.is_empty() {
            if out.len() as i64 == maxsplit {
                out.push(rest.to_string());
                break;
            }
            match rest.find(char::is_whitespace) {
                Some(i) => {
                    out.push(rest[..i].to_string());
                    rest = rest[i..].trim_start();
                }
                None => {
                    out.push(rest.to_string());
                    break;
                }
            }
        }
    } else {
        let mut rest = s.trim_end();
        while !rest.is_empty() {
            if out.len() as i64 == maxsplit {
                out.push(rest.to_string());
                break;
            }
            match rest.rfind(char::is_whitespace) {
                Some(i) => {
                    let c = rest[i..].chars().next().map(|c| c.len_utf8()).unwrap_or(1);
                    out.push(rest[i + c..].to_string());
                    rest = rest[..i].trim_end();
                }
                None => {
                    out.push(rest.to_string());
                    break;
                }
            }
        }
        out.reverse();
    }
    out
}

/// `fmt.format(*args, **kw)`.
pub fn str_format(vm: &mut Space, fmt: &str, args: &[Value], kw: &[(Value, Value)]) -> R<String> {
    let c: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut auto = 0usize;
    let mut manual = false;
    while i < c.len() {
        let ch = c[i];
        if ch == '{' {
            if i + 1 < c.len() && c[i + 1] == '{' {
                out.push('{');
                i += 2;
                continue;
            }
            // Find the matching '}' (nested braces in the spec).
            let mut depth = 1;
            let mut j = i + 1;
            while j < c.len() && depth > 0 {
                if c[j] == '{' {
                    depth += 1;
                } else if c[j] == '}' {
                    depth -= 1;
                }
                if depth > 0 {
                    j += 1;
                }
            }
            if j >= c.len() {
                return Err(vm.value_error("expected '}' before end of string"));
            }
            let field: String = c[i + 1..j].iter().collect();
            i = j + 1;
            let (head, spec) = match field.find(':') {
                Some(p) => (field[..p].to_string(), field[p + 1..].to_string()),
                None => (field.clone(), String::new()),
            };
            let (name, conv) = match head.find('!') {
                Some(p) => (head[..p].to_string(), head[p + 1..].chars().next()),
                None => (head.clone(), None),
            };
            // The first part: index or keyword; then `.attr` and `[key]`.
            let first_end = name.find(['.', '[']).unwrap_or(name.len());
            let first = &name[..first_end];
            let mut v = if first.is_empty() {
                if manual {
                    return Err(vm.value_error("cannot switch from manual field specification to automatic field numbering"));
                }
                let k = auto;
                auto += 1;
                match args.get(k) {
                    Some(&v) => v,
                    None => {
                        return Err(vm.err(
                            "IndexError",
                            format!("Replacement index {k} out of range for positional args tuple"),
                        ))
                    }
                }
            } else if let Ok(k) = first.parse::<usize>() {
                manual = true;
                match args.get(k) {
                    Some(&v) => v,
                    None => {
                        return Err(vm.err(
                            "IndexError",
                            format!("Replacement index {k} out of range for positional args tuple"),
                        ))
                    }
                }
            } else {
                match kw.iter().find(|(k, _)| vm.str_of(*k) == Some(first)) {
                    Some(&(_, v)) => v,
                    None => {
                        let k = vm.new_str(first.to_string());
                        return Err(ops::key_error(vm, k));
                    }
                }
            };
            let mut rest = &name[first_end..];
            while !rest.is_empty() {
                if let Some(r) = rest.strip_prefix('.') {
                    let e = r.find(['.', '[']).unwrap_or(r.len());
                    let a = vm.intern(&r[..e]);
                    v = proto::getattr(vm, v, a)?;
                    rest = &r[e..];
                } else if let Some(r) = rest.strip_prefix('[') {
                    let e = r.find(']').unwrap_or(r.len());
                    let key = &r[..e];
                    let kv = match key.parse::<i64>() {
                        Ok(n) => Value::Int(n),
                        Err(_) => vm.new_str(key.to_string()),
                    };
                    v = ops::getitem(vm, v, kv)?;
                    rest = if e < r.len() { &r[e + 1..] } else { "" };
                } else {
                    break;
                }
            }
            let v = match conv {
                Some('r') | Some('a') => {
                    let s = proto::repr(vm, v)?;
                    vm.new_str(s)
                }
                Some('s') => {
                    let s = proto::str(vm, v)?;
                    vm.new_str(s)
                }
                _ => v,
            };
            let spec = if spec.contains('{') {
                str_format(vm, &spec, args, kw)?
            } else {
                spec
            };
            out.push_str(&ops::format(vm, v, &spec)?);
        } else if ch == '}' {
            if i + 1 < c.len() && c[i + 1] == '}' {
                out.push('}');
                i += 2;
                continue;
            }
            return Err(vm.value_error("Single '}' encountered in format string"));
        } else {
            out.push(ch);
            i += 1;
        }
    }
    Ok(out)
}
