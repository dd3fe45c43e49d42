//! The garbage collector: mark and sweep over the heap, run only at safe points.
//!
//! A safe point is a place in the dispatch loop (a backward jump, a function's entry)
//! of a frame whose callers are all dispatch-loop frames linked by direct calls
//! (`Space::nesting == 0`: no residual Rust code is suspended below it, so no Rust
//! local holds a handle the collector cannot see). The roots are then: what the space
//! holds (builtins, modules, classes, interned strings, the code table's constants),
//! the snapshots of the suspended callers' frames (`Space::frames`, saved at each
//! direct call: a suspended frame does not change until its callee returns) and the
//! running frame's function, locals and stack. Freed handles are reused, so the caches
//! keyed by handles are cleared.

use crate::objects::*;
use crate::space::Space;
use crate::value::Value;

/// Mark everything reachable from the roots and free the rest.
pub fn collect(vm: &mut Space, func: Value, locals: &[Value], stack: &[Value]) {
    let n = vm.heap.len();
    let mut marked = vec![false; n];
    let mut work: Vec<u32> = Vec::new();
    let root = |v: Value, marked: &mut Vec<bool>, work: &mut Vec<u32>| {
        if let Value::Obj(h) = v {
            let i = h as usize;
            if i < marked.len() && !marked[i] {
                marked[i] = true;
                work.push(h);
            }
        }
    };
    root(func, &mut marked, &mut work);
    for &v in locals
        .iter()
        .chain(stack)
        .chain(&vm.frames)
        .chain(&vm.syms)
        .chain(&vm.chars)
    {
        root(v, &mut marked, &mut work);
    }
    for &(n, q) in &vm.code_names {
        root(n, &mut marked, &mut work);
        root(q, &mut marked, &mut work);
    }
    for &(_, _, v) in &vm.exc_info {
        root(v, &mut marked, &mut work);
    }
    for code in vm.codes.iter() {
        for &v in &code.consts {
            root(v, &mut marked, &mut work);
        }
    }
    for &v in vm.modules.values().chain(vm.exc.values()) {
        root(v, &mut marked, &mut work);
    }
    let c = vm.cls.clone();
    for v in [
        c.object,
        c.type_,
        c.none,
        c.bool_,
        c.int,
        c.float,
        c.str_,
        c.list,
        c.tuple,
        c.dict,
        c.set,
        c.frozenset,
        c.range,
        c.slice,
        c.function,
        c.builtin,
        c.method,
        c.module,
        c.cell,
        c.code,
        c.iterator,
        c.property,
        c.classmethod,
        c.staticmethod,
        c.super_,
        c.notimpl,
        c.ellipsis,
        c.base_exception,
        vm.builtins,
        vm.true_str,
        vm.empty_str,
        vm.empty_tuple,
    ] {
        root(v, &mut marked, &mut work);
    }
    let mut kids: Vec<Value> = Vec::new();
    while let Some(h) = work.pop() {
        kids.clear();
        children(&vm.heap[h as usize], &mut kids);
        for &k in &kids {
            root(k, &mut marked, &mut work);
        }
    }
    let mut live = 0;
    for (i, m) in marked.iter().enumerate() {
        if *m {
            live += crate::space::units(&vm.heap[i]);
        } else if !matches!(vm.heap[i], Object::Free) {
            vm.heap[i] = Object::Free;
            vm.free.push(i as u32);
        }
    }
    for e in vm.bm_cache.iter_mut() {
        *e = (Value::Undef, Value::Undef, 0);
    }
    vm.class_epoch.set(vm.class_epoch.get() + 1);
    for e in vm.global_cache.iter_mut() {
        *e = crate::space::GlobalSlot::EMPTY;
    }
    vm.allocated = 0;
    vm.gc_threshold = if vm.gc_threshold < 64 {
        vm.gc_threshold
    } else {
        (live * 2).max(crate::space::GC_MIN)
    };
    vm.gc_pending = false;
}

/// The values an object refers to.
fn children(o: &Object, out: &mut Vec<Value>) {
    match o {
        Object::Str(_)
        | Object::BigInt(_)
        | Object::Range { .. }
        | Object::BigRange(_)
        | Object::Builtin(_)
        | Object::Code(_) => {}
        Object::NotImplemented | Object::Ellipsis | Object::Free => {}
        Object::List(v) | Object::Tuple(v) => out.extend_from_slice(v),
        Object::Dict(d) => {
            for e in &d.entries {
                out.push(e.key);
                out.push(e.value);
            }
        }
        Object::Set(t) | Object::FrozenSet(t) => {
            for s in &t.table {
                out.push(s.key);
            }
        }
        Object::Slice { lo, hi, step } => out.extend_from_slice(&[*lo, *hi, *step]),
        Object::Iter(it) => match it {
            Iter::Seq { seq, .. } => out.push(*seq),
            Iter::Range { .. } | Iter::BigRange(_) | Iter::Done => {}
            Iter::Dict { d, .. } => out.push(*d),
            Iter::Values { items, .. } => out.extend_from_slice(items),
            Iter::Set { s, .. } => out.push(*s),
            Iter::Enumerate { it, n } => out.extend_from_slice(&[*it, *n]),
            Iter::Zip { its } => out.extend_from_slice(its),
            Iter::User { obj } => out.push(*obj),
            Iter::Callable { f, sentinel } => out.extend_from_slice(&[*f, *sentinel]),
        },
        Object::DictView { d, .. } => out.push(*d),
        Object::Function(f) => out.extend_from_slice(&[
            f.globals,
            f.defaults,
            f.kwdefaults,
            f.closure,
            f.name,
            f.qualname,
            f.dict,
        ]),
        Object::BoundMethod { recv, func } => out.extend_from_slice(&[*recv, *func]),
        Object::BuiltinMethod { recv, .. } => out.push(*recv),
        Object::Class(c) => {
            out.extend_from_slice(&c.bases);
            out.extend_from_slice(&c.mro);
            for e in &c.dict.entries {
                out.push(e.key);
                out.push(e.value);
            }
        }
        Object::Instance(i) => {
            out.push(i.class);
            out.push(i.base);
            out.extend_from_slice(&i.slots);
            if let Some(st) = &i.exc {
                out.extend_from_slice(&[st.args, st.cause, st.context]);
            }
        }
        Object::Cell(v) | Object::ClassMethod(v) | Object::StaticMethod(v) => out.push(*v),
        Object::Module { dict, .. } => out.push(*dict),
        Object::Property { fget, fset, fdel } => out.extend_from_slice(&[*fget, *fset, *fdel]),
        Object::Super { cls, obj } => out.extend_from_slice(&[*cls, *obj]),
    }
}
