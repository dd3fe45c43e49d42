//! The object protocols residual code builds on: `repr`/`str`, hashing and equality,
//! dict and set access, attribute lookup (instances with layouts, classes with MROs,
//! descriptors), calls (argument binding, classes, bound methods) and iteration.
//! Anything here may run Python code (dunder methods) and so may fail with an
//! exception value.

use crate::bytecode::CodeInfo;
use crate::format;
use crate::numeric::{self, to_bigint};
use crate::objects::*;
use crate::space::*;
use crate::value::Value;

pub type R<T> = Result<T, Value>;

// ---- calls ----

/// Call `f(*args, **kw)`; `kw` pairs a str value with each keyword argument.
pub fn call(vm: &mut Space, f: Value, args: &[Value], kw: &[(Value, Value)]) -> R<Value> {
    let Value::Obj(h) = f else {
        let t = vm.type_name(f);
        return Err(vm.type_error(format!("'{t}' object is not callable")));
    };
    match &vm.heap[h as usize] {
        Object::Function(func) => {
            if kw.is_empty() && func.simple_nargs == args.len() as i32 {
                let code = func.code;
                return run_code(vm, code, f, args);
            }
            let code = func.code;
            let slots = bind(vm, f, args, kw)?;
            run_code(vm, code, f, &slots)
        }
        Object::BoundMethod { recv, func } => {
            let (recv, func) = (*recv, *func);
            let mut a = Vec::with_capacity(args.len() + 1);
            a.push(recv);
            a.extend_from_slice(args);
            call(vm, func, &a, kw)
        }
        Object::Builtin(name) => {
            let name = *name;
            crate::builtins::call_builtin(vm, name, args, kw)
        }
        Object::BuiltinMethod { recv, name } => {
            let (recv, name) = (*recv, *name);
            crate::builtins::call_method(vm, recv, name, args, kw)
        }
        Object::Class(c) => {
            let kind = c.kind;
            if kind != Kind::Object && kind != Kind::Exception && is_builtin_class(vm, f) {
                return crate::builtins::construct(vm, kind, f, args, kw);
            }
            new_instance(vm, f, args, kw)
        }
        Object::Instance(_) => match lookup_type(vm, f, S_CALL) {
            Some(m) => call_bound(vm, m, f, args, kw),
            None => {
                let t = vm.type_name(f);
                Err(vm.type_error(format!("'{t}' object is not callable")))
            }
        },
        Object::StaticMethod(g) => {
            let g = *g;
            call(vm, g, args, kw)
        }
        _ => {
            let t = vm.type_name(f);
            Err(vm.type_error(format!("'{t}' object is not callable")))
        }
    }
}

/// Whether `c` is one of the builtin classes themselves (not a subclass).
pub fn is_builtin_class(vm: &Space, c: Value) -> bool {
    match vm.class(c) {
        Some(cl) => cl.builtin,
        None => false,
    }
}

/// Call `m` (a class attribute: function, builtin, ...) with `recv` prepended.
pub fn call_bound(
    vm: &mut Space,
    m: Value,
    recv: Value,
    args: &[Value],
    kw: &[(Value, Value)],
) -> R<Value> {
    match vm.obj(m) {
        Object::Function(_) => {
            let mut a = Vec::with_capacity(args.len() + 1);
            a.push(recv);
            a.extend_from_slice(args);
            call(vm, m, &a, kw)
        }
        Object::StaticMethod(g) => {
            let g = *g;
            call(vm, g, args, kw)
        }
        Object::ClassMethod(g) => {
            let g = *g;
            let c = vm.type_of(recv);
            let mut a = vec![c];
            a.extend_from_slice(args);
            call(vm, g, &a, kw)
        }
        _ => call(vm, m, args, kw),
    }
}

/// Run code `code` of function `func` with its parameter slots bound, one level
/// deeper than the running frame.
pub fn run_code(vm: &mut Space, code: u32, func: Value, slots: &[Value]) -> R<Value> {
    let d = vm.depth;
    if d + 1 >= vm.limit || !vm.stack_ok() {
        return Err(recursion_error(vm));
    }
    let codes = vm.codes;
    vm.nesting += 1;
    let r = crate::interp::run(codes, code as usize, vm, func, slots, d + 1);
    vm.nesting -= 1;
    vm.depth = d;
    r
}

pub fn recursion_error(vm: &mut Space) -> Value {
    vm.err("RecursionError", "maximum recursion depth exceeded")
}

/// Bind call arguments to the parameter slots of a Python function.
pub fn bind(vm: &mut Space, f: Value, args: &[Value], kw: &[(Value, Value)]) -> R<Vec<Value>> {
    let Object::Function(func) = vm.obj(f) else {
        unreachable!()
    };
    let (code, defaults, kwdefaults, qualname) =
        (func.code, func.defaults, func.kwdefaults, func.qualname);
    let fname = vm.str_of(qualname).unwrap_or("?").to_string();
    let info: &CodeInfo = &vm.infos[code as usize];
    let argc = info.argcount as usize;
    let kwc = info.kwonlyargcount as usize;
    let (varargs, varkw) = (info.varargs, info.varkw);
    let nslots = argc + varargs as usize + kwc + varkw as usize;
    let mut slots = vec![Value::Undef; nslots];
    let npos = args.len().min(argc);
    slots[..npos].copy_from_slice(&args[..npos]);
    if args.len() > argc {
        if varargs {
            let t = vm.new_tuple(args[argc..].to_vec());
            slots[argc] = t;
        } else {
            let ndef = match vm.obj(defaults) {
                Object::Tuple(d) => d.len(),
                _ => 0,
            };
            let msg = if ndef > 0 {
                format!(
                    "{fname}() takes from {} to {argc} positional arguments but {} were given",
                    argc - ndef,
                    args.len()
                )
            } else {
                format!(
                    "{fname}() takes {argc} positional argument{} but {} {} given",
                    if argc == 1 { "" } else { "s" },
                    args.len(),
                    if args.len() == 1 { "was" } else { "were" }
                )
            };
            return Err(vm.type_error(msg));
        }
    } else if varargs {
        slots[argc] = vm.empty_tuple;
    }
    let kwstart = argc + varargs as usize;
    let mut kwdict = Value::Undef;
    if varkw {
        kwdict = vm.alloc(Object::Dict(Box::default()));
        slots[nslots - 1] = kwdict;
    }
    for &(k, v) in kw {
        let name = vm.str_of(k).unwrap_or("").to_string();
        let info = &vm.infos[code as usize];
        let mut found = None;
        for i in 0..argc {
            if info.varnames.get(i).map(|s| s.as_str()) == Some(name.as_str()) {
                found = Some(i);
            }
        }
        for i in 0..kwc {
            if info.varnames.get(kwstart + i).map(|s| s.as_str()) == Some(name.as_str()) {
                found = Some(kwstart + i);
            }
        }
        match found {
            Some(i) => {
                if slots[i] != Value::Undef {
                    return Err(vm.type_error(format!(
                        "{fname}() got multiple values for argument '{name}'"
                    )));
                }
                slots[i] = v;
            }
            None => {
                if varkw {
                    dict_set(vm, kwdict, k, v)?;
                } else {
                    return Err(vm.type_error(format!(
                        "{fname}() got an unexpected keyword argument '{name}'"
                    )));
                }
            }
        }
    }
    if npos < argc {
        let defs: Vec<Value> = match vm.obj(defaults) {
            Object::Tuple(d) => d.clone(),
            _ => Vec::new(),
        };
        let first_def = argc - defs.len().min(argc);
        let mut missing = Vec::new();
        for i in npos..argc {
            if slots[i] == Value::Undef {
                if i >= first_def {
                    slots[i] = defs[i - first_def];
                } else {
                    missing.push(vm.infos[code as usize].varnames[i].clone());
                }
            }
        }
        if !missing.is_empty() {
            return Err(missing_error(vm, &fname, &missing, "positional"));
        }
    }
    let mut missing = Vec::new();
    for i in 0..kwc {
        let s = kwstart + i;
        if slots[s] == Value::Undef {
            let name = vm.infos[code as usize].varnames[s].clone();
            let k = vm.new_str(name.clone());
            let d = if kwdefaults != Value::Undef {
                dict_get(vm, kwdefaults, k)?
            } else {
                None
            };
            match d {
                Some(d) => slots[s] = d,
                None => missing.push(name),
            }
        }
    }
    if !missing.is_empty() {
        return Err(missing_error(vm, &fname, &missing, "keyword-only"));
    }
    Ok(slots)
}

fn missing_error(vm: &mut Space, fname: &str, missing: &[String], what: &str) -> Value {
    let names: Vec<String> = missing.iter().map(|m| format!("'{m}'")).collect();
    let list = match names.len() {
        1 => names[0].clone(),
        2 => format!("{} and {}", names[0], names[1]),
        n => format!("{}, and {}", names[..n - 1].join(", "), names[n - 1]),
    };
    vm.type_error(format!(
        "{fname}() missing {} required {what} argument{}: {list}",
        missing.len(),
        if missing.len() == 1 { "" } else { "s" }
    ))
}

/// `cls(*args, **kw)` for a class made by the program.
fn new_instance(vm: &mut Space, cls: Value, args: &[Value], kw: &[(Value, Value)]) -> R<Value> {
    let is_exc = vm
        .class(cls)
        .map(|c| c.kind == Kind::Exception)
        .unwrap_or(false);
    let obj = if let Some(n) = lookup_user(vm, cls, S_NEW) {
        let mut a = vec![cls];
        a.extend_from_slice(args);
        let f = match vm.obj(n) {
            Object::StaticMethod(g) => *g,
            _ => n,
        };
        let o = call(vm, f, &a, kw)?;
        if !vm.isinstance(o, cls) {
            return Ok(o);
        }
        o
    } else {
        let exc = if is_exc {
            let t = vm.new_tuple(args.to_vec());
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
        let kind = vm.class(cls).map(|c| c.kind).unwrap_or(Kind::Object);
        let base = match kind {
            Kind::List | Kind::Dict | Kind::Set => {
                let c = builtin_class_of(vm, kind);
                crate::builtins::construct(vm, kind, c, &[], &[])?
            }
            Kind::Tuple | Kind::Str | Kind::Int | Kind::Float | Kind::FrozenSet | Kind::Bool => {
                let c = builtin_class_of(vm, kind);
                crate::builtins::construct(vm, kind, c, args, kw)?
            }
            _ => Value::Undef,
        };
        vm.alloc(Object::Instance(Box::new(Instance {
            class: cls,
            layout: 0,
            slots: Vec::new(),
            exc,
            base,
        })))
    };
    match lookup_user(vm, cls, S_INIT) {
        None if base_of(vm, obj) != Value::Undef => {
            init_base(vm, obj, args, kw)?;
        }
        Some(init) => {
            let r = call_bound(vm, init, obj, args, kw)?;
            if r != Value::None {
                let t = vm.type_name(r);
                return Err(vm.type_error(format!("__init__() should return None, not '{t}'")));
            }
        }
        None => {
            if !is_exc
                && (!args.is_empty() || !kw.is_empty())
                && lookup_user(vm, cls, S_NEW).is_none()
            {
                let n = vm.class(cls).map(|c| c.name.clone()).unwrap_or_default();
                return Err(vm.type_error(format!("{n}() takes no arguments")));
            }
        }
    }
    Ok(obj)
}

/// The builtin class of a builtin kind.
pub fn builtin_class_of(vm: &Space, kind: Kind) -> Value {
    let c = &vm.cls;
    match kind {
        Kind::List => c.list,
        Kind::Dict => c.dict,
        Kind::Set => c.set,
        Kind::FrozenSet => c.frozenset,
        Kind::Tuple => c.tuple,
        Kind::Str => c.str_,
        Kind::Int => c.int,
        Kind::Bool => c.bool_,
        Kind::Float => c.float,
        _ => c.object,
    }
}

/// The builtin value an instance of a builtin type's subclass extends (`Undef` for
/// other values).
#[inline]
pub fn base_of(vm: &Space, v: Value) -> Value {
    match vm.obj(v) {
        Object::Instance(i) => i.base,
        _ => Value::Undef,
    }
}

/// What the builtin `__init__` does for a subclass instance: fill the list, dict or
/// set it extends from the call's arguments.
pub fn init_base(vm: &mut Space, obj: Value, args: &[Value], kw: &[(Value, Value)]) -> R<()> {
    let base = base_of(vm, obj);
    match vm.obj(base) {
        Object::List(_) => {
            if let Some(&a) = args.first() {
                let items = collect(vm, a)?;
                if let Object::List(l) = vm.obj_mut(base) {
                    l.clear();
                    l.extend(items);
                }
            }
        }
        Object::Dict(_) => {
            if let Some(&a) = args.first() {
                crate::ops::dict_update(vm, base, a)?;
            }
            for &(k, v) in kw {
                dict_set(vm, base, k, v)?;
            }
        }
        Object::Set(_) => {
            if let Some(&a) = args.first() {
                crate::set::update(vm, base, a)?;
            }
        }
        _ => {}
    }
    Ok(())
}

// ---- attributes ----

/// Look `name` up along the MRO of class `cls`.
pub fn lookup(vm: &Space, cls: Value, name: u32) -> Option<Value> {
    let Value::Obj(ch) = cls else { return None };
    let epoch = vm.class_epoch.get();
    let k = ((ch as usize).wrapping_mul(31) ^ (name as usize).wrapping_mul(0x9e37))
        & (vm.attr_cache.borrow().len() - 1);
    let e = vm.attr_cache.borrow()[k];
    if e.0 == ch && e.1 == name && e.2 == epoch {
        return if e.3 == Value::Undef { None } else { Some(e.3) };
    }
    let r = lookup_mro(vm, cls, name);
    vm.attr_cache.borrow_mut()[k] = (ch, name, epoch, r.unwrap_or(Value::Undef));
    r
}

/// [`lookup`] without the cache.
fn lookup_mro(vm: &Space, cls: Value, name: u32) -> Option<Value> {
    let key = vm.sym_str(name);
    let Object::Str(ks) = vm.obj(key) else {
        return None;
    };
    let c = vm.class(cls)?;
    for &k in &c.mro {
        if let Some(cl) = vm.class(k) {
            if cl.dict.len > 0 {
                if let Some(v) = str_dict_get(vm, &cl.dict, key, ks) {
                    return Some(v);
                }
            }
        }
    }
    None
}

/// Look `name` up in the class of `v`.
pub fn lookup_type(vm: &Space, v: Value, name: u32) -> Option<Value> {
    lookup(vm, vm.type_of(v), name)
}

/// Look `name` up in a class's MRO, ignoring what builtin classes provide.
pub fn lookup_user(vm: &Space, cls: Value, name: u32) -> Option<Value> {
    lookup(vm, cls, name)
}

/// A dict keyed by strs, read with a str key without running Python code.
pub fn str_dict_get(vm: &Space, d: &Dict, key: Value, ks: &Str) -> Option<Value> {
    if d.indices.is_empty() {
        return None;
    }
    let (mut i, mut perturb) = d.probe_start(ks.hash());
    loop {
        let ix = d.indices[i];
        if ix == EMPTY {
            return None;
        }
        if ix != DELETED {
            let e = &d.entries[ix as usize];
            if e.key == key {
                return Some(e.value);
            }
            if e.hash == ks.hash() {
                if let Object::Str(s) = vm.obj(e.key) {
                    if s.s == ks.s {
                        return Some(e.value);
                    }
                }
            }
        }
        i = d.probe_next(i, &mut perturb);
    }
}

/// Read a global (or builtin) by symbol from a dict of strs.
pub fn dict_get_sym(vm: &Space, d: Value, name: u32) -> Option<Value> {
    let key = vm.sym_str(name);
    let Object::Str(ks) = vm.obj(key) else {
        return None;
    };
    match vm.obj(d) {
        Object::Dict(dd) => str_dict_get(vm, dd, key, ks),
        _ => None,
    }
}

/// Kinds of [`InstSlot`]: read or write slot `idx`; read a function of the class,
/// bound to the instance; read a class attribute that binds to nothing (`attr`); write
/// a new attribute, moving to layout `idx`.
pub const IA_SLOT: u32 = 1;
pub const IA_METHOD: u32 = 2;
pub const IA_VALUE: u32 = 3;
pub const IA_ADD: u32 = 4;

/// The slot of the instance attribute caches for (class handle, layout, symbol).
#[inline]
fn inst_slot(ch: u32, layout: u32, name: u32) -> usize {
    ((ch as usize).wrapping_mul(0x9e37)
        ^ (layout as usize).wrapping_mul(0x2c1b3)
        ^ (name as usize).wrapping_mul(31))
        & (INST_CACHE - 1)
}

/// The function of `o`'s class that `o.name` binds to `o`, when the instance attribute
/// cache knows it (a plain function of the class, not shadowed by the instance).
pub fn method_of(vm: &Space, o: Value, name: u32) -> Option<Value> {
    let Value::Obj(h) = o else { return None };
    let Object::Instance(inst) = &vm.heap[h as usize] else {
        return None;
    };
    let Value::Obj(ch) = inst.class else {
        return None;
    };
    let e = vm.inst_get[inst_slot(ch, inst.layout, name)];
    (e.kind == IA_METHOD
        && e.cls == ch
        && e.layout == inst.layout
        && e.name == name
        && e.epoch == vm.class_epoch.get())
    .then_some(e.attr)
}

/// For `o.name(..)` on a built-in str, list, tuple, dict, set, int or float: the
/// method taken from its type (`str.upper` for a str), which a call with `o` first
/// runs on `o`, so no bound method is made. `None` for every other object and for
/// names that are not methods of the type, dunders, or the class and static methods
/// (`dict.fromkeys`, `str.maketrans`), which take no receiver.
pub fn builtin_method_of(vm: &mut Space, o: Value, name: u32) -> Option<Value> {
    let kind = match o {
        Value::Int(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::Obj(h) => match &vm.heap[h as usize] {
            Object::Str(_) => Kind::Str,
            Object::List(_) => Kind::List,
            Object::Tuple(_) => Kind::Tuple,
            Object::Dict(_) => Kind::Dict,
            Object::Set(_) => Kind::Set,
            Object::FrozenSet(_) => Kind::FrozenSet,
            _ => return None,
        },
        _ => return None,
    };
    if !vm.has_receiver_method(kind, name) {
        return None;
    }
    let t = vm.type_of(o);
    Some(vm.builtin_method(t, name))
}

/// The slot of attribute `name` in layout `layout`.
#[inline]
pub fn layout_slot(vm: &Space, layout: u32, name: u32) -> Option<usize> {
    vm.layouts[layout as usize]
        .names
        .iter()
        .position(|&n| n == name)
}

/// The layout reached from `layout` by adding `name`.
pub fn layout_add(vm: &mut Space, layout: u32, name: u32) -> u32 {
    for &(n, l) in &vm.layouts[layout as usize].next {
        if n == name {
            return l;
        }
    }
    let mut names = vm.layouts[layout as usize].names.clone();
    names.push(name);
    let l = vm.layouts.len() as u32;
    vm.layouts.push(Layout {
        names,
        next: Vec::new(),
    });
    vm.layouts[layout as usize].next.push((name, l));
    l
}

/// Bind a class attribute found for an instance `obj`.
fn bind_attr(vm: &mut Space, attr: Value, obj: Value) -> R<Value> {
    match vm.obj(attr) {
        Object::Function(_) => Ok(vm.bound_method(obj, attr)),
        Object::ClassMethod(f) => {
            let f = *f;
            let c = vm.type_of(obj);
            Ok(vm.bound_method(c, f))
        }
        Object::StaticMethod(f) => Ok(*f),
        Object::Property { fget, .. } => {
            let g = *fget;
            if g == Value::None {
                return Err(vm.err("AttributeError", "property has no getter"));
            }
            call(vm, g, &[obj], &[])
        }
        _ => Ok(attr),
    }
}

/// `o.name`, or `None` when it has no such attribute (AttributeError not raised).
pub fn getattr_opt(vm: &mut Space, o: Value, name: u32) -> R<Option<Value>> {
    let Value::Obj(h) = o else {
        return builtin_attr(vm, o, name);
    };
    match &vm.heap[h as usize] {
        Object::Instance(inst) => {
            let (cls, layout) = (inst.class, inst.layout);
            let epoch = vm.class_epoch.get();
            let ch = match cls {
                Value::Obj(c) => c,
                _ => u32::MAX,
            };
            let k = inst_slot(ch, layout, name);
            let e = vm.inst_get[k];
            if e.cls == ch && e.layout == layout && e.name == name && e.epoch == epoch {
                match e.kind {
                    IA_SLOT => return Ok(Some(inst.slots[e.idx as usize])),
                    IA_METHOD => return Ok(Some(vm.bound_method(o, e.attr))),
                    _ => return Ok(Some(e.attr)),
                }
            }
            let ca = lookup(vm, cls, name);
            if let Some(a) = ca {
                if matches!(vm.obj(a), Object::Property { .. }) {
                    return bind_attr(vm, a, o).map(Some);
                }
            }
            let mut fill = InstSlot {
                cls: ch,
                layout,
                name,
                kind: IA_SLOT,
                idx: 0,
                epoch,
                attr: Value::Undef,
            };
            if let Some(i) = layout_slot(vm, layout, name) {
                if let Object::Instance(inst) = &vm.heap[h as usize] {
                    fill.idx = i as u32;
                    vm.inst_get[k] = fill;
                    return Ok(Some(inst.slots[i]));
                }
            }
            if let Some(a) = ca {
                match vm.obj(a) {
                    Object::Function(_) => fill.kind = IA_METHOD,
                    Object::ClassMethod(_) | Object::StaticMethod(_) => fill.kind = 0,
                    _ => fill.kind = IA_VALUE,
                }
                if fill.kind != 0 {
                    fill.attr = a;
                    vm.inst_get[k] = fill;
                }
                return bind_attr(vm, a, o).map(Some);
            }
            match name {
                S_CLASS => return Ok(Some(cls)),
                S_DICT => {
                    let mut d = Dict::new();
                    let names = vm.layouts[layout as usize].names.clone();
                    let vals = match &vm.heap[h as usize] {
                        Object::Instance(i) => i.slots.clone(),
                        _ => Vec::new(),
                    };
                    let dv = vm.alloc(Object::Dict(Box::default()));
                    for (k, v) in names.iter().zip(vals) {
                        let ks = vm.sym_str(*k);
                        dict_set(vm, dv, ks, v)?;
                    }
                    d.version = 0;
                    return Ok(Some(dv));
                }
                _ => {}
            }
            if let Some(Object::Instance(inst)) = vm.heap.get(h as usize) {
                if let Some(st) = &inst.exc {
                    match name {
                        S_ARGS => return Ok(Some(st.args)),
                        S_CAUSE => return Ok(Some(st.cause)),
                        S_CONTEXT => return Ok(Some(st.context)),
                        S_SUPPRESS_CONTEXT => return Ok(Some(Value::Bool(st.suppress_context))),
                        S_TRACEBACK => return Ok(Some(Value::None)),
                        _ => {}
                    }
                }
            }
            if vm.sym_name(name) == "code" {
                let se = vm.exc["SystemExit"];
                if vm.isinstance(o, se) {
                    let args = vm.exc_state(o).map(|s| s.args).unwrap_or(Value::None);
                    let items = match vm.obj(args) {
                        Object::Tuple(t) => t.clone(),
                        _ => Vec::new(),
                    };
                    return Ok(Some(match items.len() {
                        0 => Value::None,
                        1 => items[0],
                        _ => args,
                    }));
                }
            }
            if let Some(ga) = lookup(vm, cls, S_GETATTR) {
                let n = vm.sym_str(name);
                return match call_bound(vm, ga, o, &[n], &[]) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) => {
                        let ae = vm.exc["AttributeError"];
                        if exc_matches(vm, e, ae) {
                            Ok(None)
                        } else {
                            Err(e)
                        }
                    }
                };
            }
            let base = base_of(vm, o);
            if base != Value::Undef && name != S_INIT {
                if let Some(v) = builtin_attr(vm, base, name)? {
                    return Ok(Some(v));
                }
            }
            crate::builtins::instance_builtin_attr(vm, o, name)
        }
        Object::Class(c) => {
            let c_kind = c.kind;
            if let Some(a) = lookup(vm, o, name) {
                return match vm.obj(a) {
                    Object::ClassMethod(f) => {
                        let f = *f;
                        Ok(Some(vm.bound_method(o, f)))
                    }
                    Object::StaticMethod(f) => Ok(Some(*f)),
                    _ => Ok(Some(a)),
                };
            }
            let Object::Class(c) = &vm.heap[h as usize] else {
                unreachable!()
            };
            match name {
                S_NAME => {
                    let n = c.name.clone();
                    Ok(Some(vm.new_str(n)))
                }
                S_QUALNAME => {
                    let n = c.qualname.clone();
                    Ok(Some(vm.new_str(n)))
                }
                S_MRO => {
                    let m = c.mro.clone();
                    Ok(Some(vm.new_tuple(m)))
                }
                S_BASES => {
                    let m = c.bases.clone();
                    Ok(Some(vm.new_tuple(m)))
                }
                S_CLASS => Ok(Some(vm.cls.type_)),
                S_MODULE => Ok(Some(vm.sym_str(S_MAIN))),
                S_DOC => Ok(Some(Value::None)),
                S_DICT => {
                    let d = Box::new(c.dict.clone());
                    Ok(Some(vm.alloc(Object::Dict(d))))
                }
                _ => {
                    if crate::builtins::has_method(c_kind, vm.sym_name(name)) {
                        Ok(Some(vm.builtin_method(o, name)))
                    } else {
                        Ok(None)
                    }
                }
            }
        }
        Object::Module { dict, .. } => {
            let d = *dict;
            Ok(dict_get_sym(vm, d, name))
        }
        Object::Super { cls, obj } => {
            let (cls, obj) = (*cls, *obj);
            let t = if matches!(vm.obj(obj), Object::Class(_)) {
                obj
            } else {
                vm.type_of(obj)
            };
            let mro = vm.class(t).map(|c| c.mro.clone()).unwrap_or_default();
            let start = mro
                .iter()
                .position(|&c| c == cls)
                .map(|i| i + 1)
                .unwrap_or(mro.len());
            let key = vm.sym_str(name);
            for &k in &mro[start..] {
                let found = match (vm.class(k), vm.obj(key)) {
                    (Some(cl), Object::Str(ks)) => str_dict_get(vm, &cl.dict, key, ks),
                    _ => None,
                };
                if let Some(a) = found {
                    if matches!(vm.obj(obj), Object::Class(_)) {
                        return match vm.obj(a) {
                            Object::ClassMethod(f) => {
                                let f = *f;
                                Ok(Some(vm.bound_method(obj, f)))
                            }
                            Object::StaticMethod(f) => Ok(Some(*f)),
                            _ => Ok(Some(a)),
                        };
                    }
                    return bind_attr(vm, a, obj).map(Some);
                }
            }
            // What the builtin base class provides.
            let base = base_of(vm, obj);
            if base != Value::Undef && name != S_INIT {
                if let Some(v) = builtin_attr(vm, base, name)? {
                    return Ok(Some(v));
                }
            }
            // What `object` and the builtin exception classes provide.
            let n = vm.sym_name(name);
            if matches!(
                n,
                "__init__"
                    | "__str__"
                    | "__repr__"
                    | "__eq__"
                    | "__ne__"
                    | "__hash__"
                    | "__setattr__"
                    | "__getattribute__"
                    | "__delattr__"
                    | "__new__"
                    | "__init_subclass__"
                    | "__format__"
                    | "__lt__"
                    | "__le__"
                    | "__gt__"
                    | "__ge__"
            ) {
                return Ok(Some(vm.builtin_method(obj, name)));
            }
            Ok(None)
        }
        Object::Function(func) => {
            let (code, fname, qual, dict) = (func.code, func.name, func.qualname, func.dict);
            match name {
                S_NAME => Ok(Some(fname)),
                S_QUALNAME => Ok(Some(qual)),
                S_CODE => Ok(Some(vm.alloc(Object::Code(code)))),
                S_DOC => {
                    if dict != Value::Undef {
                        if let Some(v) = dict_get_sym(vm, dict, name) {
                            return Ok(Some(v));
                        }
                    }
                    match vm.infos[code as usize].doc.clone() {
                        Some(d) => Ok(Some(vm.new_str(d))),
                        None => Ok(Some(Value::None)),
                    }
                }
                S_MODULE => Ok(Some(vm.sym_str(S_MAIN))),
                S_CLASS => Ok(Some(vm.cls.function)),
                _ => {
                    if dict != Value::Undef {
                        return Ok(dict_get_sym(vm, dict, name));
                    }
                    Ok(None)
                }
            }
        }
        Object::BoundMethod { recv, func } => {
            let (recv, func) = (*recv, *func);
            match vm.sym_name(name) {
                "__self__" => Ok(Some(recv)),
                "__func__" => Ok(Some(func)),
                _ => getattr_opt(vm, func, name),
            }
        }
        Object::Property { fget, .. } => {
            let g = *fget;
            match vm.sym_name(name) {
                "setter" | "getter" | "deleter" => Ok(Some(vm.builtin_method(o, name))),
                "fget" => Ok(Some(g)),
                _ => builtin_attr(vm, o, name),
            }
        }
        _ => builtin_attr(vm, o, name),
    }
}

/// Attributes of builtin values: methods of str, list, dict, ...; `__class__`; int
/// and float attributes.
fn builtin_attr(vm: &mut Space, o: Value, name: u32) -> R<Option<Value>> {
    if name == S_CLASS {
        return Ok(Some(vm.type_of(o)));
    }
    if name == S_NAME || name == S_QUALNAME {
        let n = match vm.obj(o) {
            Object::Builtin(n) => Some(n.rsplit('.').next().unwrap_or(n).to_string()),
            Object::BuiltinMethod { name: m, .. } => Some(vm.sym_name(*m).to_string()),
            _ => None,
        };
        if let Some(n) = n {
            return Ok(Some(vm.new_str(n)));
        }
    }
    let t = vm.type_of(o);
    let kind = vm.class(t).map(|c| c.kind).unwrap_or(Kind::Object);
    let n = vm.sym_name(name);
    match (kind, n) {
        (Kind::Int | Kind::Bool, "real" | "numerator") => return Ok(Some(o)),
        (Kind::Int | Kind::Bool, "imag") => return Ok(Some(Value::Int(0))),
        (Kind::Int | Kind::Bool, "denominator") => return Ok(Some(Value::Int(1))),
        (Kind::Float, "real") => return Ok(Some(o)),
        (Kind::Float, "imag") => return Ok(Some(Value::Float(0.0))),
        (Kind::Range, "start" | "stop" | "step") => {
            if let Some([start, stop, step]) = range_parts(vm, o) {
                let x = match n {
                    "start" => start,
                    "stop" => stop,
                    _ => step,
                };
                return Ok(Some(numeric::int_value(vm, x)));
            }
        }
        (Kind::Slice, "start" | "stop" | "step") => {
            if let Object::Slice { lo, hi, step } = vm.obj(o) {
                return Ok(Some(match n {
                    "start" => *lo,
                    "stop" => *hi,
                    _ => *step,
                }));
            }
        }
        (Kind::Code, "co_name") => {
            if let Object::Code(c) = vm.obj(o) {
                let s = vm.infos[*c as usize].name.clone();
                return Ok(Some(vm.new_str(s)));
            }
        }
        _ => {}
    }
    if crate::builtins::has_method(kind, n) {
        return Ok(Some(vm.builtin_method(o, name)));
    }
    Ok(None)
}

/// `o.name` (AttributeError when missing).
pub fn getattr(vm: &mut Space, o: Value, name: u32) -> R<Value> {
    match getattr_opt(vm, o, name)? {
        Some(v) => Ok(v),
        None => Err(attr_error(vm, o, name)),
    }
}

pub fn attr_error(vm: &mut Space, o: Value, name: u32) -> Value {
    let n = vm.sym_name(name).to_string();
    let msg = match vm.obj(o) {
        Object::Module { name: m, .. } => format!("module '{m}' has no attribute '{n}'"),
        Object::Class(c) => format!("type object '{}' has no attribute '{n}'", c.name),
        _ => format!("'{}' object has no attribute '{n}'", vm.type_name(o)),
    };
    vm.err("AttributeError", msg)
}

/// `o.name = v`.
pub fn setattr(vm: &mut Space, o: Value, name: u32, v: Value) -> R<()> {
    let Value::Obj(h) = o else {
        return Err(setattr_error(vm, o, name));
    };
    match &vm.heap[h as usize] {
        Object::Instance(inst) => {
            let (cls, layout) = (inst.class, inst.layout);
            let epoch = vm.class_epoch.get();
            let ch = match cls {
                Value::Obj(c) => c,
                _ => u32::MAX,
            };
            let k = inst_slot(ch, layout, name);
            let e = vm.inst_set[k];
            if e.cls == ch && e.layout == layout && e.name == name && e.epoch == epoch {
                if let Object::Instance(inst) = &mut vm.heap[h as usize] {
                    if e.kind == IA_SLOT {
                        inst.slots[e.idx as usize] = v;
                    } else {
                        inst.layout = e.idx;
                        inst.slots.push(v);
                    }
                }
                return Ok(());
            }
            if let Some(a) = lookup(vm, cls, name) {
                if let Object::Property { fset, .. } = vm.obj(a) {
                    let s = *fset;
                    if s == Value::None {
                        let n = vm.sym_name(name).to_string();
                        return Err(vm.err("AttributeError", format!("can't set attribute '{n}'")));
                    }
                    call(vm, s, &[o, v], &[])?;
                    return Ok(());
                }
            }
            if let Some(sa) = lookup(vm, cls, S_SETATTR) {
                let n = vm.sym_str(name);
                call_bound(vm, sa, o, &[n, v], &[])?;
                return Ok(());
            }
            let fill = match layout_slot(vm, layout, name) {
                Some(i) => (IA_SLOT, i as u32),
                None => (IA_ADD, layout_add(vm, layout, name)),
            };
            vm.inst_set[k] = InstSlot {
                cls: ch,
                layout,
                name,
                kind: fill.0,
                idx: fill.1,
                epoch,
                attr: Value::Undef,
            };
            set_slot(vm, h, layout, name, v);
            Ok(())
        }
        Object::Class(_) => {
            let k = vm.sym_str(name);
            let hash = str_hash_of(vm, k);
            if let Object::Class(c) = &mut vm.heap[h as usize] {
                c.version += 1;
            }
            class_dict_set(vm, h, k, hash, v);
            Ok(())
        }
        Object::Module { dict, .. } => {
            let d = *dict;
            let k = vm.sym_str(name);
            dict_set(vm, d, k, v)
        }
        Object::Function(f) => {
            // `__name__` and `__qualname__` are the function's own fields (strs only).
            if name == S_NAME || name == S_QUALNAME {
                if !matches!(vm.obj(v), Object::Str(_)) {
                    let which = vm.sym_name(name).to_string();
                    return Err(vm.type_error(format!("{which} must be set to a string object")));
                }
                if let Object::Function(f) = &mut vm.heap[h as usize] {
                    if name == S_NAME {
                        f.name = v;
                    } else {
                        f.qualname = v;
                    }
                }
                return Ok(());
            }
            let mut d = f.dict;
            if d == Value::Undef {
                d = vm.alloc(Object::Dict(Box::default()));
                if let Object::Function(f) = &mut vm.heap[h as usize] {
                    f.dict = d;
                }
            }
            let k = vm.sym_str(name);
            dict_set(vm, d, k, v)
        }
        _ => Err(setattr_error(vm, o, name)),
    }
}

/// Set attribute `name` of the instance at handle `h` in its slots.
pub fn set_slot(vm: &mut Space, h: u32, layout: u32, name: u32, v: Value) {
    match layout_slot(vm, layout, name) {
        Some(i) => {
            if let Object::Instance(inst) = &mut vm.heap[h as usize] {
                inst.slots[i] = v;
            }
        }
        None => {
            let l = layout_add(vm, layout, name);
            if let Object::Instance(inst) = &mut vm.heap[h as usize] {
                inst.layout = l;
                inst.slots.push(v);
            }
        }
    }
}

fn setattr_error(vm: &mut Space, o: Value, name: u32) -> Value {
    let n = vm.sym_name(name).to_string();
    let t = vm.type_name(o);
    if vm
        .class(vm.type_of(o))
        .map(|c| {
            matches!(
                c.kind,
                Kind::Int
                    | Kind::Str
                    | Kind::Float
                    | Kind::List
                    | Kind::Tuple
                    | Kind::Dict
                    | Kind::NoneType
                    | Kind::Bool
            )
        })
        .unwrap_or(false)
    {
        return vm.err(
            "AttributeError",
            format!("'{t}' object has no attribute '{n}'"),
        );
    }
    vm.err(
        "AttributeError",
        format!("'{t}' object has no attribute '{n}'"),
    )
}

fn str_hash_of(vm: &Space, k: Value) -> i64 {
    match vm.obj(k) {
        Object::Str(s) => s.hash(),
        _ => 0,
    }
}

/// Set `k` (a str) in the dict of the class at handle `h`.
pub fn class_dict_set(vm: &mut Space, h: u32, k: Value, hash: i64, v: Value) {
    vm.class_epoch.set(vm.class_epoch.get() + 1);
    let ks = match vm.obj(k) {
        Object::Str(s) => s.clone(),
        _ => return,
    };
    let pos = {
        let Object::Class(c) = &vm.heap[h as usize] else {
            return;
        };
        str_dict_pos(vm, &c.dict, k, &ks)
    };
    if let Object::Class(c) = &mut vm.heap[h as usize] {
        match pos {
            Some(p) => {
                c.dict.entries[p].value = v;
                c.dict.version += 1;
            }
            None => c.dict.insert_new(hash, k, v),
        }
    }
}

fn str_dict_pos(vm: &Space, d: &Dict, key: Value, ks: &Str) -> Option<usize> {
    if d.indices.is_empty() {
        return None;
    }
    let (mut i, mut perturb) = d.probe_start(ks.hash());
    loop {
        let ix = d.indices[i];
        if ix == EMPTY {
            return None;
        }
        if ix != DELETED {
            let e = &d.entries[ix as usize];
            if e.key == key {
                return Some(ix as usize);
            }
            if e.hash == ks.hash() {
                if let Object::Str(s) = vm.obj(e.key) {
                    if s.s == ks.s {
                        return Some(ix as usize);
                    }
                }
            }
        }
        i = d.probe_next(i, &mut perturb);
    }
}

/// `del o.name`.
pub fn delattr(vm: &mut Space, o: Value, name: u32) -> R<()> {
    let Value::Obj(h) = o else {
        return Err(attr_error(vm, o, name));
    };
    match &vm.heap[h as usize] {
        Object::Instance(inst) => {
            let layout = inst.layout;
            let Some(i) = layout_slot(vm, layout, name) else {
                return Err(attr_error(vm, o, name));
            };
            let names = vm.layouts[layout as usize].names.clone();
            let mut slots = match &vm.heap[h as usize] {
                Object::Instance(i) => i.slots.clone(),
                _ => Vec::new(),
            };
            slots.remove(i);
            let mut l = 0;
            for (j, n) in names.iter().enumerate() {
                if j != i {
                    l = layout_add(vm, l, *n);
                }
            }
            if let Object::Instance(inst) = &mut vm.heap[h as usize] {
                inst.layout = l;
                inst.slots = slots;
            }
            Ok(())
        }
        Object::Class(_) | Object::Module { .. } => {
            let d = match &vm.heap[h as usize] {
                Object::Module { dict, .. } => *dict,
                _ => Value::Undef,
            };
            let k = vm.sym_str(name);
            if d != Value::Undef {
                if dict_del(vm, d, k)?.is_none() {
                    return Err(attr_error(vm, o, name));
                }
                return Ok(());
            }
            let ks = match vm.obj(k) {
                Object::Str(s) => s.clone(),
                _ => return Ok(()),
            };
            let pos = match &vm.heap[h as usize] {
                Object::Class(c) => str_dict_pos(vm, &c.dict, k, &ks),
                _ => None,
            };
            match pos {
                Some(p) => {
                    if let Object::Class(c) = &mut vm.heap[h as usize] {
                        c.dict.remove_at(p);
                        c.version += 1;
                    }
                    vm.class_epoch.set(vm.class_epoch.get() + 1);
                    Ok(())
                }
                None => Err(attr_error(vm, o, name)),
            }
        }
        _ => Err(attr_error(vm, o, name)),
    }
}

// ---- hashing, equality, dicts ----

/// `hash(v)`.
pub fn hash(vm: &mut Space, v: Value) -> R<i64> {
    match v {
        Value::Int(i) => Ok(numeric::hash_int(i)),
        Value::Bool(b) => Ok(b as i64),
        Value::Float(f) => Ok(numeric::hash_float(f)),
        Value::None => Ok(0x5f3759df),
        Value::Undef => Ok(0),
        Value::Obj(h) => match &vm.heap[h as usize] {
            Object::Str(s) => Ok(s.hash()),
            Object::BigInt(b) => Ok(numeric::hash_bigint(b)),
            Object::Tuple(items) => {
                let items = items.clone();
                if !vm.stack_ok() {
                    return Err(recursion_error(vm));
                }
                // CPython's tuple hash (xxHash-based).
                let mut acc: u64 = 2870177450012600261;
                for it in &items {
                    let lane = hash(vm, *it)? as u64;
                    acc = acc.wrapping_add(lane.wrapping_mul(14029467366897019727));
                    acc = acc.rotate_left(31);
                    acc = acc.wrapping_mul(11400714785074694791);
                }
                acc = acc.wrapping_add(items.len() as u64 ^ (2870177450012600261 ^ 3527539));
                let r = acc as i64;
                Ok(if r == -1 { 1546275796 } else { r })
            }
            Object::FrozenSet(t) => Ok(crate::set::hash(t)),
            Object::List(_) | Object::Dict(_) | Object::Set(_) | Object::Slice { .. } => {
                let t = vm.type_name(v);
                Err(vm.type_error(format!("unhashable type: '{t}'")))
            }
            Object::Instance(inst) => {
                let cls = inst.class;
                match lookup(vm, cls, S_HASH) {
                    Some(Value::None) => {
                        let t = vm.type_name(v);
                        Err(vm.type_error(format!("unhashable type: '{t}'")))
                    }
                    Some(m) => {
                        let r = call_bound(vm, m, v, &[], &[])?;
                        match to_bigint(vm, r) {
                            Some(b) => Ok(numeric::hash_bigint(&b)),
                            None => Err(vm.type_error("__hash__ method should return an integer")),
                        }
                    }
                    None => {
                        let base = base_of(vm, v);
                        if base != Value::Undef {
                            return hash(vm, base);
                        }
                        if lookup(vm, cls, S_EQ).is_some() {
                            let t = vm.type_name(v);
                            return Err(vm.type_error(format!("unhashable type: '{t}'")));
                        }
                        Ok((h as i64) << 4)
                    }
                }
            }
            _ => Ok((h as i64) << 4),
        },
    }
}

/// `a == b` as a bool.
pub fn eq(vm: &mut Space, a: Value, b: Value) -> R<bool> {
    if a == b {
        if let Value::Float(f) = a {
            return Ok(!f.is_nan());
        }
        if let Value::Obj(_) = a {
            if !matches!(vm.obj(a), Object::Instance(_)) {
                return Ok(true);
            }
        } else {
            return Ok(true);
        }
    }
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => return Ok(x == y),
        (Value::Obj(x), Value::Obj(y)) => {
            if let (Object::Str(s), Object::Str(t)) = (&vm.heap[x as usize], &vm.heap[y as usize]) {
                return Ok(s.s == t.s);
            }
        }
        _ => {}
    }
    let r = crate::ops::compare_rich(vm, crate::bytecode::CMP_EQ, a, b)?;
    truth(vm, r)
}

/// The entry position of `key` in the dict or set `d`.
pub fn dict_find(vm: &mut Space, d: Value, key: Value, hash: i64) -> R<Option<usize>> {
    let mut first = true;
    let mut i = 0usize;
    let mut perturb = 0u64;
    loop {
        let (ek, eh, ix) = {
            let dict = match vm.obj(d) {
                Object::Dict(x) => x,
                _ => return Ok(None),
            };
            if dict.indices.is_empty() {
                return Ok(None);
            }
            if first {
                let (a, b) = dict.probe_start(hash);
                i = a;
                perturb = b;
                first = false;
            } else {
                i = dict.probe_next(i, &mut perturb);
            }
            let i2 = i & (dict.indices.len() - 1);
            let ix = dict.indices[i2];
            if ix == EMPTY {
                return Ok(None);
            }
            if ix == DELETED {
                continue;
            }
            match dict.entries.get(ix as usize) {
                Some(e) => (e.key, e.hash, ix as usize),
                None => return Ok(None),
            }
        };
        if ek == key && !matches!(key, Value::Float(_)) {
            return Ok(Some(ix));
        }
        if eh == hash && eq(vm, ek, key)? {
            return Ok(Some(ix));
        }
    }
}

fn dict_mut(vm: &mut Space, d: Value) -> &mut Dict {
    match vm.obj_mut(d) {
        Object::Dict(x) => x,
        _ => unreachable!("dict_mut of a non-dict"),
    }
}

/// `d[k]`, `None` when missing.
pub fn dict_get(vm: &mut Space, d: Value, k: Value) -> R<Option<Value>> {
    if let Object::Str(ks) = vm.obj(k) {
        if let Object::Dict(dd) = vm.obj(d) {
            return Ok(str_dict_get(vm, dd, k, ks));
        }
    }
    let h = hash(vm, k)?;
    match dict_find(vm, d, k, h)? {
        Some(p) => match vm.obj(d) {
            Object::Dict(x) => Ok(Some(x.entries[p].value)),
            _ => Ok(None),
        },
        None => Ok(None),
    }
}

/// `d[k] = v` (also adds to sets, with `v` ignored).
pub fn dict_set(vm: &mut Space, d: Value, k: Value, v: Value) -> R<()> {
    if !matches!(vm.obj(d), Object::Dict(_)) {
        let t = vm.type_name(d);
        return Err(vm.type_error(format!("'{t}' object does not support item assignment")));
    }
    let h = hash(vm, k)?;
    match dict_find(vm, d, k, h)? {
        Some(p) => {
            let dd = dict_mut(vm, d);
            dd.entries[p].value = v;
            dd.version += 1;
        }
        None => dict_mut(vm, d).insert_new(h, k, v),
    }
    Ok(())
}

/// `del d[k]`: the removed value, `None` when missing.
pub fn dict_del(vm: &mut Space, d: Value, k: Value) -> R<Option<Value>> {
    if !matches!(vm.obj(d), Object::Dict(_)) {
        return Ok(None);
    }
    let h = hash(vm, k)?;
    match dict_find(vm, d, k, h)? {
        Some(p) => {
            let dd = dict_mut(vm, d);
            let v = dd.entries[p].value;
            dd.remove_at(p);
            Ok(Some(v))
        }
        None => Ok(None),
    }
}

pub fn new_dict(vm: &mut Space) -> Value {
    vm.alloc(Object::Dict(Box::default()))
}

// ---- truth, length, iteration ----

/// `bool(v)`.
pub fn truth(vm: &mut Space, v: Value) -> R<bool> {
    match v {
        Value::Undef | Value::None => Ok(false),
        Value::Bool(b) => Ok(b),
        Value::Int(i) => Ok(i != 0),
        Value::Float(f) => Ok(f != 0.0),
        Value::Obj(h) => match &vm.heap[h as usize] {
            Object::Str(s) => Ok(!s.s.is_empty()),
            Object::List(l) | Object::Tuple(l) => Ok(!l.is_empty()),
            Object::Dict(d) => Ok(d.len > 0),
            Object::Set(t) | Object::FrozenSet(t) => Ok(t.used > 0),
            Object::BigInt(_) => Ok(true),
            Object::Range { .. } => Ok(range_len(vm, v) > 0),
            Object::BigRange(p) => Ok(num_traits::Signed::is_positive(&big_range_len(p))),
            Object::Instance(inst) => {
                let cls = inst.class;
                if let Some(m) = lookup(vm, cls, S_BOOL) {
                    let r = call_bound(vm, m, v, &[], &[])?;
                    return match r {
                        Value::Bool(b) => Ok(b),
                        _ => {
                            let t = vm.type_name(r);
                            Err(vm.type_error(format!("__bool__ should return bool, returned {t}")))
                        }
                    };
                }
                if let Some(m) = lookup(vm, cls, S_LEN) {
                    let r = call_bound(vm, m, v, &[], &[])?;
                    return Ok(r != Value::Int(0));
                }
                let base = base_of(vm, v);
                if base != Value::Undef {
                    return truth(vm, base);
                }
                Ok(true)
            }
            Object::DictView { d, .. } => {
                let d = *d;
                truth(vm, d)
            }
            _ => Ok(true),
        },
    }
}

pub fn range_len(vm: &Space, r: Value) -> i64 {
    match vm.obj(r) {
        Object::Range { start, stop, step } => range_count(*start, *stop, *step),
        _ => 0,
    }
}

pub fn range_count(start: i64, stop: i64, step: i64) -> i64 {
    let n = if step > 0 && start < stop {
        (stop as i128 - start as i128 - 1) / step as i128 + 1
    } else if step < 0 && start > stop {
        (start as i128 - stop as i128 - 1) / (-(step as i128)) + 1
    } else {
        0
    };
    n.min(i64::MAX as i128) as i64
}

/// A range of `start`, `stop`, `step` (`step` not zero): a `Range` when all three fit
/// in `i64`.
pub fn new_range(
    vm: &mut Space,
    start: num_bigint::BigInt,
    stop: num_bigint::BigInt,
    step: num_bigint::BigInt,
) -> Value {
    use num_traits::ToPrimitive;
    match (start.to_i64(), stop.to_i64(), step.to_i64()) {
        (Some(start), Some(stop), Some(step)) => vm.alloc(Object::Range { start, stop, step }),
        _ => vm.alloc(Object::BigRange(Box::new([start, stop, step]))),
    }
}

/// Start, stop and step of a range (either representation).
pub fn range_parts(vm: &Space, r: Value) -> Option<[num_bigint::BigInt; 3]> {
    use num_bigint::BigInt;
    match vm.obj(r) {
        Object::Range { start, stop, step } => Some([
            BigInt::from(*start),
            BigInt::from(*stop),
            BigInt::from(*step),
        ]),
        Object::BigRange(b) => Some((**b).clone()),
        _ => None,
    }
}

/// The number of items of the range `[start, stop, step]`.
pub fn big_range_len(p: &[num_bigint::BigInt; 3]) -> num_bigint::BigInt {
    use num_bigint::BigInt;
    use num_traits::{Signed, Zero};
    let [start, stop, step] = p;
    let zero = BigInt::zero();
    if step.is_positive() && start < stop {
        (stop - start - 1) / step + 1
    } else if step.is_negative() && start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        zero
    }
}

/// Item `i` of the range `[start, stop, step]` (negative `i` from the end), `None`
/// when out of range.
pub fn big_range_item(
    p: &[num_bigint::BigInt; 3],
    i: &num_bigint::BigInt,
) -> Option<num_bigint::BigInt> {
    use num_traits::Signed;
    let n = big_range_len(p);
    let i = if i.is_negative() { i + &n } else { i.clone() };
    if i.is_negative() || i >= n {
        return None;
    }
    Some(&p[0] + i * &p[2])
}

/// Whether int `x` is an item of the range `[start, stop, step]`.
pub fn big_range_contains(p: &[num_bigint::BigInt; 3], x: &num_bigint::BigInt) -> bool {
    use num_traits::{Signed, Zero};
    let [start, stop, step] = p;
    let inside = if step.is_positive() {
        x >= start && x < stop
    } else {
        x <= start && x > stop
    };
    inside && ((x - start) % step).is_zero()
}

/// `len(v)`.
pub fn len(vm: &mut Space, v: Value) -> R<i64> {
    match vm.obj(v) {
        Object::Str(s) => Ok(s.nchars as i64),
        Object::List(l) | Object::Tuple(l) => Ok(l.len() as i64),
        Object::Dict(d) => Ok(d.len as i64),
        Object::Set(t) | Object::FrozenSet(t) => Ok(t.used as i64),
        Object::Range { .. } => Ok(range_len(vm, v)),
        Object::BigRange(p) => {
            use num_traits::ToPrimitive;
            match big_range_len(p).to_i64() {
                Some(n) => Ok(n),
                None => Err(vm.err(
                    "OverflowError",
                    "Python int too large to convert to C ssize_t",
                )),
            }
        }
        Object::DictView { d, .. } => {
            let d = *d;
            len(vm, d)
        }
        Object::Instance(inst) => {
            let cls = inst.class;
            match lookup(vm, cls, S_LEN) {
                Some(m) => {
                    let r = call_bound(vm, m, v, &[], &[])?;
                    match r {
                        Value::Int(i) if i >= 0 => Ok(i),
                        Value::Int(_) => Err(vm.value_error("__len__() should return >= 0")),
                        _ => {
                            let t = vm.type_name(r);
                            Err(vm.type_error(format!(
                                "'{t}' object cannot be interpreted as an integer"
                            )))
                        }
                    }
                }
                None => {
                    let base = base_of(vm, v);
                    if base != Value::Undef {
                        return len(vm, base);
                    }
                    let t = vm.type_name(v);
                    Err(vm.type_error(format!("object of type '{t}' has no len()")))
                }
            }
        }
        _ => {
            let t = vm.type_name(v);
            Err(vm.type_error(format!("object of type '{t}' has no len()")))
        }
    }
}

/// `iter(o)`.
pub fn get_iter(vm: &mut Space, o: Value) -> R<Value> {
    let it = match vm.obj(o) {
        Object::List(_) | Object::Tuple(_) | Object::Str(_) => Iter::Seq { seq: o, i: 0 },
        Object::Range { start, stop, step } => Iter::Range {
            cur: *start,
            stop: *stop,
            step: *step,
        },
        Object::BigRange(p) => Iter::BigRange(p.clone()),
        Object::Dict(d) => Iter::Dict {
            d: o,
            pos: 0,
            what: 0,
            len: d.len,
        },
        Object::Set(t) | Object::FrozenSet(t) => Iter::Set {
            s: o,
            pos: 0,
            used: t.used,
        },
        Object::DictView { d, what } => {
            let (d, what) = (*d, *what);
            let n = match vm.obj(d) {
                Object::Dict(x) => x.len,
                _ => 0,
            };
            Iter::Dict {
                d,
                pos: 0,
                what,
                len: n,
            }
        }
        Object::Iter(_) => return Ok(o),
        Object::Module { name, .. } if name == "sys.stdin" => {
            // Iterating `sys.stdin` reads lines until end of input.
            let f = vm.alloc(Object::Builtin("sys.stdin.readline"));
            let sentinel = vm.empty_str;
            Iter::Callable { f, sentinel }
        }
        Object::Instance(inst) => {
            let cls = inst.class;
            if let Some(m) = lookup(vm, cls, S_ITER) {
                let r = call_bound(vm, m, o, &[], &[])?;
                let ok = match vm.obj(r) {
                    Object::Iter(_) => true,
                    Object::Instance(i) => lookup(vm, i.class, S_NEXT).is_some(),
                    _ => false,
                };
                if !ok {
                    let t = vm.type_name(r);
                    return Err(
                        vm.type_error(format!("iter() returned non-iterator of type '{t}'"))
                    );
                }
                return Ok(r);
            }
            let base = base_of(vm, o);
            if base != Value::Undef && lookup(vm, cls, S_GETITEM).is_none() {
                return get_iter(vm, base);
            }
            if lookup(vm, cls, S_GETITEM).is_some() {
                let mut items = Vec::new();
                let mut i = 0i64;
                loop {
                    let gi = lookup(vm, cls, S_GETITEM).unwrap_or(Value::None);
                    match call_bound(vm, gi, o, &[Value::Int(i)], &[]) {
                        Ok(v) => items.push(v),
                        Err(e) => {
                            let ie = vm.exc["IndexError"];
                            let si = vm.exc["StopIteration"];
                            if exc_matches(vm, e, ie) || exc_matches(vm, e, si) {
                                break;
                            }
                            return Err(e);
                        }
                    }
                    i += 1;
                }
                Iter::Values { items, i: 0 }
            } else {
                let t = vm.type_name(o);
                return Err(vm.type_error(format!("'{t}' object is not iterable")));
            }
        }
        _ => {
            let t = vm.type_name(o);
            return Err(vm.type_error(format!("'{t}' object is not iterable")));
        }
    };
    Ok(vm.alloc(Object::Iter(it)))
}

/// The next item of iterator `it`, `Undef` when exhausted.
pub fn next(vm: &mut Space, it: Value) -> R<Value> {
    let Value::Obj(h) = it else {
        let t = vm.type_name(it);
        return Err(vm.type_error(format!("'{t}' object is not an iterator")));
    };
    let hu = h as usize;
    match &mut vm.heap[hu] {
        Object::Iter(Iter::Range { cur, stop, step }) => {
            let c = *cur;
            if (*step > 0 && c < *stop) || (*step < 0 && c > *stop) {
                *cur = c.saturating_add(*step);
                if *cur == c {
                    *cur = *stop;
                }
                return Ok(Value::Int(c));
            }
            return Ok(Value::Undef);
        }
        Object::Iter(Iter::BigRange(p)) => {
            use num_traits::Signed;
            let [cur, stop, step] = &mut **p;
            if (step.is_positive() && *cur < *stop) || (step.is_negative() && *cur > *stop) {
                let c = cur.clone();
                *cur += &*step;
                return Ok(numeric::int_value(vm, c));
            }
            return Ok(Value::Undef);
        }
        Object::Iter(Iter::Seq { seq, i }) => {
            let (seq, idx) = (*seq, *i);
            let r = match vm.obj(seq) {
                Object::List(l) | Object::Tuple(l) => {
                    if idx < l.len() {
                        Some(l[idx])
                    } else {
                        None
                    }
                }
                Object::Str(s) => {
                    if s.ascii {
                        if idx < s.s.len() {
                            Some(vm.chars[s.s.as_bytes()[idx] as usize])
                        } else {
                            None
                        }
                    } else {
                        // idx counts bytes for non-ASCII strings.
                        match s.s[idx.min(s.s.len())..].chars().next() {
                            Some(c) => {
                                let n = c.len_utf8();
                                let cs = c.to_string();
                                let v = vm.new_str(cs);
                                if let Object::Iter(Iter::Seq { i, .. }) = &mut vm.heap[hu] {
                                    *i += n - 1;
                                }
                                Some(v)
                            }
                            None => None,
                        }
                    }
                }
                _ => None,
            };
            match r {
                Some(v) => {
                    if let Object::Iter(Iter::Seq { i, .. }) = &mut vm.heap[hu] {
                        *i += 1;
                    }
                    return Ok(v);
                }
                None => {
                    vm.heap[hu] = Object::Iter(Iter::Done);
                    return Ok(Value::Undef);
                }
            }
        }
        Object::Iter(Iter::Values { items, i }) => {
            if *i < items.len() {
                *i += 1;
                return Ok(items[*i - 1]);
            }
            return Ok(Value::Undef);
        }
        Object::Iter(Iter::Dict { d, pos, what, len }) => {
            let (d, mut p, what, n0) = (*d, *pos, *what, *len);
            let (entry, cur_len, is_set) = match vm.obj(d) {
                Object::Dict(x) => {
                    while p < x.entries.len() && x.entries[p].key == Value::Undef {
                        p += 1;
                    }
                    (x.entries.get(p).copied(), x.len, false)
                }
                _ => (None, 0, false),
            };
            if cur_len != n0 {
                vm.heap[hu] = Object::Iter(Iter::Done);
                let m = if is_set {
                    "Set changed size during iteration"
                } else {
                    "dictionary changed size during iteration"
                };
                return Err(vm.err("RuntimeError", m));
            }
            if let Object::Iter(Iter::Dict { pos, .. }) = &mut vm.heap[hu] {
                *pos = p + 1;
            }
            return match entry {
                Some(e) => Ok(match what {
                    0 => e.key,
                    1 => e.value,
                    _ => vm.new_tuple(vec![e.key, e.value]),
                }),
                None => Ok(Value::Undef),
            };
        }
        Object::Iter(Iter::Set { s, pos, used }) => {
            let (s, mut p, n0) = (*s, *pos, *used);
            let (key, cur) = match vm.obj(s) {
                Object::Set(t) | Object::FrozenSet(t) => {
                    while p < t.table.len() && t.table[p].key == Value::Undef {
                        p += 1;
                    }
                    (t.table.get(p).map(|x| x.key), t.used)
                }
                _ => (None, 0),
            };
            if cur != n0 {
                vm.heap[hu] = Object::Iter(Iter::Done);
                return Err(vm.err("RuntimeError", "Set changed size during iteration"));
            }
            if let Object::Iter(Iter::Set { pos, .. }) = &mut vm.heap[hu] {
                *pos = p + 1;
            }
            return Ok(key.unwrap_or(Value::Undef));
        }
        Object::Iter(Iter::Enumerate { it: inner, n }) => {
            let (inner, n) = (*inner, *n);
            let v = next(vm, inner)?;
            if v == Value::Undef {
                return Ok(Value::Undef);
            }
            let n1 = crate::ops::binary(vm, crate::bytecode::BIN_ADD, n, Value::Int(1))?;
            if let Object::Iter(Iter::Enumerate { n, .. }) = &mut vm.heap[hu] {
                *n = n1;
            }
            return Ok(vm.new_tuple(vec![n, v]));
        }
        Object::Iter(Iter::Zip { its }) => {
            let its = its.clone();
            let mut out = Vec::with_capacity(its.len());
            for i in its {
                let v = next(vm, i)?;
                if v == Value::Undef {
                    vm.heap[hu] = Object::Iter(Iter::Done);
                    return Ok(Value::Undef);
                }
                out.push(v);
            }
            if out.is_empty() {
                return Ok(Value::Undef);
            }
            return Ok(vm.new_tuple(out));
        }
        Object::Iter(Iter::Callable { f, sentinel }) => {
            let (f, s) = (*f, *sentinel);
            let v = call(vm, f, &[], &[])?;
            if eq(vm, v, s)? {
                vm.heap[hu] = Object::Iter(Iter::Done);
                return Ok(Value::Undef);
            }
            return Ok(v);
        }
        Object::Iter(Iter::User { obj }) => {
            let o = *obj;
            return next(vm, o);
        }
        Object::Iter(Iter::Done) => return Ok(Value::Undef),
        Object::Instance(inst) => {
            let cls = inst.class;
            if let Some(m) = lookup(vm, cls, S_NEXT) {
                return match call_bound(vm, m, it, &[], &[]) {
                    Ok(v) => Ok(v),
                    Err(e) => {
                        let si = vm.exc["StopIteration"];
                        if exc_matches(vm, e, si) {
                            Ok(Value::Undef)
                        } else {
                            Err(e)
                        }
                    }
                };
            }
        }
        _ => {}
    }
    let t = vm.type_name(it);
    Err(vm.type_error(format!("'{t}' object is not an iterator")))
}

/// The items of an iterable.
pub fn collect(vm: &mut Space, o: Value) -> R<Vec<Value>> {
    match vm.obj(o) {
        Object::List(l) | Object::Tuple(l) => return Ok(l.clone()),
        Object::Dict(d) => return Ok(d.keys()),
        Object::Set(t) | Object::FrozenSet(t) => return Ok(t.keys()),
        _ => {}
    }
    let it = get_iter(vm, o)?;
    let mut out = Vec::new();
    loop {
        let v = next(vm, it)?;
        if v == Value::Undef {
            return Ok(out);
        }
        out.push(v);
    }
}

/// Whether exception `e` is an instance of `t` (a class or a tuple of them).
pub fn exc_matches(vm: &Space, e: Value, t: Value) -> bool {
    match vm.obj(t) {
        Object::Tuple(ts) => ts.iter().any(|&c| exc_matches(vm, e, c)),
        Object::Class(_) => vm.isinstance(e, t),
        _ => false,
    }
}

// ---- repr and str ----

/// `ascii()` of a repr: non-ASCII chars as `\x`, `\u` or `\U` escapes.
pub fn ascii_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        let n = c as u32;
        if c.is_ascii() {
            o.push(c)
        } else if n < 0x100 {
            o.push_str(&format!("\\x{n:02x}"))
        } else if n < 0x10000 {
            o.push_str(&format!("\\u{n:04x}"))
        } else {
            o.push_str(&format!("\\U{n:08x}"))
        }
    }
    o
}

/// `repr(s)` of a string.
pub fn str_repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

/// `repr(v)`.
pub fn repr(vm: &mut Space, v: Value) -> R<String> {
    match v {
        Value::Undef => Ok("<NULL>".into()),
        Value::None => Ok("None".into()),
        Value::Bool(b) => Ok(if b { "True" } else { "False" }.into()),
        Value::Int(i) => Ok(i.to_string()),
        Value::Float(f) => Ok(format::float_repr(f)),
        Value::Obj(h) => {
            if !vm.stack_ok() {
                return Err(recursion_error(vm));
            }
            match &vm.heap[h as usize] {
                Object::Str(s) => Ok(str_repr(&s.s)),
                Object::BigInt(b) => match crate::format::int_to_decimal(b) {
                    Ok(s) => Ok(s),
                    Err(m) => Err(vm.value_error(m)),
                },
                Object::List(_)
                | Object::Tuple(_)
                | Object::Set(_)
                | Object::FrozenSet(_)
                | Object::Dict(_) => container_repr(vm, v, h),
                Object::Range { start, stop, step } => Ok(if *step == 1 {
                    format!("range({start}, {stop})")
                } else {
                    format!("range({start}, {stop}, {step})")
                }),
                Object::BigRange(p) => {
                    let [start, stop, step] = &**p;
                    Ok(if *step == num_bigint::BigInt::from(1) {
                        format!("range({start}, {stop})")
                    } else {
                        format!("range({start}, {stop}, {step})")
                    })
                }
                Object::Slice { lo, hi, step } => {
                    let (a, b, c) = (*lo, *hi, *step);
                    Ok(format!(
                        "slice({}, {}, {})",
                        repr(vm, a)?,
                        repr(vm, b)?,
                        repr(vm, c)?
                    ))
                }
                Object::Function(f) => {
                    let q = f.qualname;
                    Ok(format!(
                        "<function {} at 0x{:012x}>",
                        vm.str_of(q).unwrap_or(""),
                        addr(h)
                    ))
                }
                Object::BoundMethod { recv, func } => {
                    let (r, f) = (*recv, *func);
                    let q = match vm.obj(f) {
                        Object::Function(f) => vm.str_of(f.qualname).unwrap_or("").to_string(),
                        _ => "?".into(),
                    };
                    let rs = repr(vm, r)?;
                    Ok(format!("<bound method {q} of {rs}>"))
                }
                Object::Builtin(n) => Ok(format!("<built-in function {n}>")),
                Object::BuiltinMethod { recv, name } => {
                    let (r, n) = (*recv, *name);
                    let t = vm.type_name(r);
                    Ok(format!(
                        "<built-in method {} of {t} object at 0x{:012x}>",
                        vm.sym_name(n),
                        addr(h)
                    ))
                }
                Object::Class(c) => {
                    if c.builtin {
                        Ok(format!("<class '{}'>", c.name))
                    } else {
                        Ok(format!("<class '{}.{}'>", class_module(vm, v), c.qualname))
                    }
                }
                Object::Instance(inst) => {
                    let cls = inst.class;
                    let is_exc = inst.exc.is_some();
                    if let Some(m) = lookup(vm, cls, S_REPR) {
                        let r = call_bound(vm, m, v, &[], &[])?;
                        return match vm.str_of(r) {
                            Some(s) => Ok(s.to_string()),
                            None => {
                                let t = vm.type_name(r);
                                Err(vm
                                    .type_error(format!("__repr__ returned non-string (type {t})")))
                            }
                        };
                    }
                    if is_exc {
                        let args = match vm.exc_state(v) {
                            Some(st) => st.args,
                            None => Value::None,
                        };
                        let n = vm.type_name(v);
                        let items = collect(vm, args)?;
                        let mut parts = Vec::new();
                        for a in items {
                            parts.push(repr(vm, a)?);
                        }
                        return Ok(format!("{n}({})", parts.join(", ")));
                    }
                    let base = base_of(vm, v);
                    if base != Value::Undef {
                        return repr(vm, base);
                    }
                    let q = vm
                        .class(cls)
                        .map(|c| c.qualname.clone())
                        .unwrap_or_default();
                    Ok(format!(
                        "<{}.{q} object at 0x{:012x}>",
                        class_module(vm, cls),
                        addr(h)
                    ))
                }
                Object::Module { name, .. } => Ok(format!("<module '{name}'>")),
                Object::Cell(_) => Ok(format!("<cell at 0x{:012x}>", addr(h))),
                Object::Code(c) => {
                    let n = vm.infos[*c as usize].name.clone();
                    Ok(format!("<code object {n} at 0x{:012x}>", addr(h)))
                }
                Object::NotImplemented => Ok("NotImplemented".into()),
                Object::Ellipsis => Ok("Ellipsis".into()),
                Object::DictView { d, what } => {
                    let (d, what) = (*d, *what);
                    let items = match vm.obj(d) {
                        Object::Dict(x) => match what {
                            0 => x.keys(),
                            1 => x.values(),
                            _ => {
                                let its = x.items();
                                let mut out = Vec::new();
                                for (k, v) in its {
                                    out.push(vm.new_tuple(vec![k, v]));
                                }
                                out
                            }
                        },
                        _ => Vec::new(),
                    };
                    let mut parts = Vec::new();
                    for i in items {
                        parts.push(repr(vm, i)?);
                    }
                    let n = ["dict_keys", "dict_values", "dict_items"][what.min(2) as usize];
                    Ok(format!("{n}([{}])", parts.join(", ")))
                }
                Object::Iter(_) => Ok(format!("<iterator object at 0x{:012x}>", addr(h))),
                Object::Property { .. } => Ok(format!("<property object at 0x{:012x}>", addr(h))),
                Object::ClassMethod(_) => Ok(format!("<classmethod object at 0x{:012x}>", addr(h))),
                Object::StaticMethod(_) => {
                    Ok(format!("<staticmethod object at 0x{:012x}>", addr(h)))
                }
                Object::Super { .. } => Ok("<super object>".into()),
                Object::Free => Ok("<freed>".into()),
            }
        }
    }
}

/// The `__module__` of a class made by the program (`__main__` by default).
pub fn class_module(vm: &Space, cls: Value) -> String {
    match dict_get_class_sym(vm, cls, S_MODULE).and_then(|m| vm.str_of(m).map(|s| s.to_string())) {
        Some(m) => m,
        None => "__main__".to_string(),
    }
}

/// A name in a class's own dict.
fn dict_get_class_sym(vm: &Space, cls: Value, name: u32) -> Option<Value> {
    let key = vm.sym_str(name);
    let Object::Str(ks) = vm.obj(key) else {
        return None;
    };
    str_dict_get(vm, &vm.class(cls)?.dict, key, ks)
}

/// A fake address for `<... at 0x...>`.
pub fn addr(h: u32) -> u64 {
    0x7f0000000000 + (h as u64) * 16
}

fn container_repr(vm: &mut Space, v: Value, h: u32) -> R<String> {
    let (open, close, items, kind) = match &vm.heap[h as usize] {
        Object::List(l) => ("[", "]", l.clone(), 0),
        Object::Tuple(l) => ("(", ")", l.clone(), 1),
        Object::Set(t) => ("{", "}", t.keys(), 2),
        Object::FrozenSet(t) => ("frozenset({", "})", t.keys(), 3),
        Object::Dict(d) => {
            let its = d.items();
            let mut flat = Vec::with_capacity(its.len() * 2);
            for (k, x) in its {
                flat.push(k);
                flat.push(x);
            }
            ("{", "}", flat, 4)
        }
        _ => unreachable!(),
    };
    if items.is_empty() {
        return Ok(match kind {
            0 => "[]",
            1 => "()",
            2 => "set()",
            3 => "frozenset()",
            _ => "{}",
        }
        .to_string());
    }
    if vm.repr_stack.contains(&h) {
        return Ok(match kind {
            0 => "[...]",
            4 => "{...}",
            _ => "...",
        }
        .to_string());
    }
    vm.repr_stack.push(h);
    let mut out = String::from(open);
    let r = (|| -> R<()> {
        if kind == 4 {
            for i in 0..items.len() / 2 {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&repr(vm, items[2 * i])?);
                out.push_str(": ");
                out.push_str(&repr(vm, items[2 * i + 1])?);
            }
        } else {
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&repr(vm, *x)?);
            }
        }
        Ok(())
    })();
    vm.repr_stack.pop();
    r?;
    if kind == 1 && items.len() == 1 {
        out.push(',');
    }
    out.push_str(close);
    let _ = v;
    Ok(out)
}

/// `str(v)`.
pub fn str(vm: &mut Space, v: Value) -> R<String> {
    match vm.obj(v) {
        Object::Str(s) => Ok(s.s.clone()),
        Object::Instance(inst) => {
            let cls = inst.class;
            let is_exc = inst.exc.is_some();
            if let Some(m) = lookup(vm, cls, S_STR) {
                let r = call_bound(vm, m, v, &[], &[])?;
                return match vm.str_of(r) {
                    Some(s) => Ok(s.to_string()),
                    None => {
                        let t = vm.type_name(r);
                        Err(vm.type_error(format!("__str__ returned non-string (type {t})")))
                    }
                };
            }
            if is_exc && lookup(vm, cls, S_REPR).is_none() {
                return exc_str(vm, v);
            }
            let base = base_of(vm, v);
            if base != Value::Undef && lookup(vm, cls, S_REPR).is_none() {
                return str(vm, base);
            }
            repr(vm, v)
        }
        _ => repr(vm, v),
    }
}

/// `str(e)` of an exception: its one argument, the tuple of several, or "".
pub fn exc_str(vm: &mut Space, e: Value) -> R<String> {
    let args = match vm.exc_state(e) {
        Some(st) => st.args,
        None => return Ok(String::new()),
    };
    let items = collect(vm, args)?;
    let key_error = vm.isinstance(e, vm.exc["KeyError"]);
    match items.len() {
        0 => Ok(String::new()),
        1 => {
            if key_error {
                repr(vm, items[0])
            } else {
                str(vm, items[0])
            }
        }
        _ => repr(vm, args),
    }
}
