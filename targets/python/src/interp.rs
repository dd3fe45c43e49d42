//! The dispatch loop: the portal the translator turns into a JIT. It is written in the
//! analysable subset (`translator/docs/subset.md`): int/float/bool work, locals, the
//! value stack and jumps are done here (that is what compiled code does in registers);
//! everything else is a call of a residual operation in [`crate::ops`]. As plain Rust it
//! is the interpreter without the JIT, and the JIT's cold path.
//!
//! Invariants: the code table `codes` and the code index `f` are green (the JIT
//! specialises on them); `vm.depth` equals `depth` whenever a residual operation that
//! may call back into Python code runs; an error of an instruction goes to the innermost
//! handler of `codes[f].handlers` containing it, or is returned. The collector's safe
//! points are a frame's entry and its backward jumps (`ops::gc_point` with the frame's
//! function, locals and stack); a direct call saves a snapshot of the calling frame
//! (`ops::frame_save`) for as long as the callee runs.

// The loop is written in the translator's subset: index loops instead of iterators and
// slice copies, comparisons instead of range methods.
#![allow(
    clippy::manual_memcpy,
    clippy::manual_range_contains,
    clippy::type_complexity
)]

use crate::bytecode::*;
use crate::ops;
use crate::space::Space;
use crate::value::Value;
use hints::{concrete, global_merge_point, portal, promote};

/// The value-stack slots a frame starts with.
const STACK_ROOM: usize = 8;

/// Run code `f` of the code table as function `func` (its globals and closure), with
/// `args` the parameter slots already bound (for a class body: the namespace dict) and
/// `depth` frames around it.
#[portal(greens(codes, f))]
pub fn run(
    codes: &'static [Code],
    f: usize,
    vm: &mut Space,
    func: Value,
    args: &[Value],
    depth: u32,
) -> Result<Value, Value> {
    let mut locals = vec![Value::Undef; codes[f].nlocals as usize];
    // A green count: compiled code copies the parameters at constant indexes.
    for i in 0..codes[f].nparams as usize {
        locals[i] = args[i];
    }
    // Room for most functions' stacks: growing it costs more than the unused slots.
    let mut stack: Vec<Value> = Vec::with_capacity(STACK_ROOM);
    let mut pc: usize = 0;
    vm.depth = depth;
    if vm.gc_pending {
        ops::gc_point(vm, func, &locals, &stack);
    }
    let code = &codes[f];
    loop {
        global_merge_point!(greens(codes, f, pc));
        let w = concrete!(code.ops[pc]);
        let op = opcode(w);
        let arg = oparg(w);
        pc += 1;
        let mut reraise = false;
        let r: Result<(), Value> = match op {
            LOAD_CONST => {
                stack.push(code.consts[arg]);
                Ok(())
            }
            // An arm serves its instruction and the superinstructions (see
            // `bytecode`) that start or end with it: `a2` is the argument of a
            // superinstruction's second instruction, read when its part runs, and
            // `pc` passes that instruction first (its errors are reported at it).
            LOAD_FAST | LOAD_FAST_LOAD_FAST | LOAD_FAST_LOAD_CONST => {
                let v = locals[arg];
                match v {
                    Value::Undef => Err(ops::unbound_local(vm, f, arg as u32)),
                    _ => {
                        stack.push(v);
                        if op == LOAD_FAST {
                            Ok(())
                        } else {
                            let a2 = oparg(concrete!(code.ops[pc]));
                            pc += 1;
                            let v2 = if op == LOAD_FAST_LOAD_CONST {
                                code.consts[a2]
                            } else {
                                locals[a2]
                            };
                            match v2 {
                                Value::Undef => Err(ops::unbound_local(vm, f, a2 as u32)),
                                _ => {
                                    stack.push(v2);
                                    Ok(())
                                }
                            }
                        }
                    }
                }
            }
            STORE_FAST | STORE_FAST_STORE_FAST | STORE_FAST_LOAD_FAST => {
                locals[arg] = stack.pop().unwrap();
                if op == STORE_FAST {
                    Ok(())
                } else {
                    let a2 = oparg(concrete!(code.ops[pc]));
                    pc += 1;
                    if op == STORE_FAST_STORE_FAST {
                        locals[a2] = stack.pop().unwrap();
                        Ok(())
                    } else {
                        let v = locals[a2];
                        match v {
                            Value::Undef => Err(ops::unbound_local(vm, f, a2 as u32)),
                            _ => {
                                stack.push(v);
                                Ok(())
                            }
                        }
                    }
                }
            }
            DELETE_FAST => match locals[arg] {
                Value::Undef => Err(ops::unbound_local(vm, f, arg as u32)),
                _ => {
                    locals[arg] = Value::Undef;
                    Ok(())
                }
            },
            LOAD_DEREF => {
                let v = ops::cell_get(vm, locals[arg]);
                match v {
                    Value::Undef => Err(ops::unbound_deref(vm, f, arg as u32)),
                    _ => {
                        stack.push(v);
                        Ok(())
                    }
                }
            }
            STORE_DEREF => {
                let v = stack.pop().unwrap();
                ops::cell_set(vm, locals[arg], v);
                Ok(())
            }
            LOAD_CLOSURE => {
                stack.push(locals[arg]);
                Ok(())
            }
            LOAD_GLOBAL => push(&mut stack, ops::load_global(vm, func, code.names[arg])),
            STORE_GLOBAL => {
                let v = stack.pop().unwrap();
                ops::store_global(vm, func, code.names[arg], v)
            }
            DELETE_GLOBAL => ops::delete_global(vm, func, code.names[arg]),
            LOAD_NAME => push(
                &mut stack,
                ops::load_name(vm, locals[0], func, code.names[arg]),
            ),
            STORE_NAME => {
                let v = stack.pop().unwrap();
                ops::store_name(vm, locals[0], code.names[arg], v)
            }
            DELETE_NAME => ops::delete_name(vm, locals[0], code.names[arg]),
            LOAD_BUILTIN => push(&mut stack, ops::load_builtin(vm, code.names[arg])),
            LOAD_ATTR | LOAD_FAST_LOAD_ATTR => {
                let fused = op == LOAD_FAST_LOAD_ATTR;
                match receiver(vm, f, &mut stack, &locals, fused, arg) {
                    Ok(o) => {
                        let name = attr_name(code, pc, fused, arg);
                        pc += fused as usize;
                        push(&mut stack, ops::getattr(vm, o, code.names[name]))
                    }
                    Err(e) => Err(e),
                }
            }
            STORE_ATTR => {
                let o = stack.pop().unwrap();
                let v = stack.pop().unwrap();
                ops::setattr(vm, o, code.names[arg], v)
            }
            DELETE_ATTR => {
                let o = stack.pop().unwrap();
                ops::delattr(vm, o, code.names[arg])
            }
            // One arm for the binary operators and the superinstructions ending in
            // them, so that the JIT has one copy of the operation.
            BINARY | INPLACE | LOAD_FAST_BINARY | LOAD_CONST_BINARY | LOAD_CONST_INPLACE => {
                let b = if op == LOAD_FAST_BINARY {
                    locals[arg]
                } else if op == LOAD_CONST_BINARY || op == LOAD_CONST_INPLACE {
                    code.consts[arg]
                } else {
                    stack.pop().unwrap()
                };
                match b {
                    Value::Undef => Err(ops::unbound_local(vm, f, arg as u32)),
                    _ => {
                        let mut bop = arg as u32;
                        if op != BINARY && op != INPLACE {
                            bop = oparg(concrete!(code.ops[pc])) as u32;
                            pc += 1;
                        }
                        let a = stack.pop().unwrap();
                        if op == INPLACE || op == LOAD_CONST_INPLACE {
                            push(&mut stack, inplace_op(vm, bop, a, b))
                        } else {
                            push(&mut stack, binary_op(vm, bop, a, b))
                        }
                    }
                }
            }
            UNARY => {
                let a = stack.pop().unwrap();
                let r = match (arg as u32, a) {
                    (UN_NOT, Value::Bool(x)) => Ok(Value::Bool(!x)),
                    (UN_NOT, Value::Int(x)) => Ok(Value::Bool(x == 0)),
                    (UN_NOT, Value::None) => Ok(Value::Bool(true)),
                    (UN_NEG, Value::Float(x)) => Ok(Value::Float(-x)),
                    (UN_NEG, Value::Int(x)) => match x.checked_neg() {
                        Some(y) => Ok(Value::Int(y)),
                        None => ops::unary(vm, arg as u32, a),
                    },
                    _ => ops::unary(vm, arg as u32, a),
                };
                push(&mut stack, r)
            }
            // Comparisons, with the superinstructions taking the right operand from a
            // local or a constant, or jumping on the result.
            COMPARE
            | LOAD_FAST_COMPARE
            | LOAD_CONST_COMPARE
            | COMPARE_POP_JUMP_IF_FALSE
            | COMPARE_POP_JUMP_IF_TRUE => {
                let b = if op == LOAD_FAST_COMPARE {
                    locals[arg]
                } else if op == LOAD_CONST_COMPARE {
                    code.consts[arg]
                } else {
                    stack.pop().unwrap()
                };
                match b {
                    Value::Undef => Err(ops::unbound_local(vm, f, arg as u32)),
                    _ => {
                        let mut cop = arg as u32;
                        if op == LOAD_FAST_COMPARE || op == LOAD_CONST_COMPARE {
                            cop = oparg(concrete!(code.ops[pc])) as u32;
                            pc += 1;
                        }
                        let a = stack.pop().unwrap();
                        match compare_op(vm, cop, a, b) {
                            Ok(v) => {
                                if op == COMPARE_POP_JUMP_IF_FALSE || op == COMPARE_POP_JUMP_IF_TRUE
                                {
                                    let target = oparg(concrete!(code.ops[pc]));
                                    pc += 1;
                                    match truth(vm, v) {
                                        Ok(t) => {
                                            if op == COMPARE_POP_JUMP_IF_TRUE {
                                                if t {
                                                    pc = target;
                                                }
                                            } else if !t {
                                                pc = target;
                                            }
                                            Ok(())
                                        }
                                        Err(e) => Err(e),
                                    }
                                } else {
                                    stack.push(v);
                                    Ok(())
                                }
                            }
                            Err(e) => Err(e),
                        }
                    }
                }
            }
            BINARY_SUBSCR | LOAD_FAST_BINARY_SUBSCR => {
                let k = if op == BINARY_SUBSCR {
                    stack.pop().unwrap()
                } else {
                    locals[arg]
                };
                match k {
                    Value::Undef => Err(ops::unbound_local(vm, f, arg as u32)),
                    _ => {
                        if op != BINARY_SUBSCR {
                            pc += 1;
                        }
                        let o = stack.pop().unwrap();
                        push(&mut stack, ops::getitem(vm, o, k))
                    }
                }
            }
            STORE_SUBSCR => {
                let k = stack.pop().unwrap();
                let o = stack.pop().unwrap();
                let v = stack.pop().unwrap();
                ops::setitem(vm, o, k, v)
            }
            DELETE_SUBSCR => {
                let k = stack.pop().unwrap();
                let o = stack.pop().unwrap();
                ops::delitem(vm, o, k)
            }
            BUILD_SLICE => {
                let mut step = Value::Undef;
                if arg == 3 {
                    step = stack.pop().unwrap();
                }
                let hi = stack.pop().unwrap();
                let lo = stack.pop().unwrap();
                let s = ops::build_slice(vm, lo, hi, step);
                stack.push(s);
                Ok(())
            }
            BUILD_TUPLE => {
                let base = stack.len() - arg;
                let t = ops::build_tuple(vm, &stack[base..]);
                stack.truncate(base);
                stack.push(t);
                Ok(())
            }
            BUILD_LIST => {
                let base = stack.len() - arg;
                let t = ops::build_list(vm, &stack[base..]);
                stack.truncate(base);
                stack.push(t);
                Ok(())
            }
            BUILD_SET => {
                let base = stack.len() - arg;
                let r = ops::build_set(vm, &stack[base..]);
                stack.truncate(base);
                match r {
                    Ok(t) => {
                        stack.push(t);
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            BUILD_MAP => {
                let base = stack.len() - 2 * arg;
                let r = ops::build_map(vm, &stack[base..]);
                stack.truncate(base);
                match r {
                    Ok(t) => {
                        stack.push(t);
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            BUILD_STRING => {
                let base = stack.len() - arg;
                let t = ops::build_string(vm, &stack[base..]);
                stack.truncate(base);
                stack.push(t);
                Ok(())
            }
            LIST_APPEND => {
                let v = stack.pop().unwrap();
                let l = stack[stack.len() - arg];
                ops::list_append(vm, l, v)
            }
            SET_ADD => {
                let v = stack.pop().unwrap();
                let s = stack[stack.len() - arg];
                ops::set_add(vm, s, v)
            }
            MAP_ADD => {
                let v = stack.pop().unwrap();
                let k = stack.pop().unwrap();
                let d = stack[stack.len() - arg];
                ops::map_add(vm, d, k, v)
            }
            LIST_EXTEND => {
                let it = stack.pop().unwrap();
                let l = stack[stack.len() - 1];
                ops::list_extend(vm, l, it)
            }
            SET_UPDATE => {
                let it = stack.pop().unwrap();
                let s = stack[stack.len() - 1];
                ops::set_update(vm, s, it)
            }
            DICT_UPDATE => {
                let m = stack.pop().unwrap();
                let d = stack[stack.len() - 1];
                ops::dict_update(vm, d, m)
            }
            LIST_TO_TUPLE => {
                let l = stack.pop().unwrap();
                let t = ops::list_to_tuple(vm, l);
                stack.push(t);
                Ok(())
            }
            FORMAT_VALUE => {
                let mut spec = Value::Undef;
                if arg & 4 != 0 {
                    spec = stack.pop().unwrap();
                }
                let v = stack.pop().unwrap();
                match ops::format_value(vm, v, (arg & 3) as u32, spec) {
                    Ok(s) => {
                        stack.push(s);
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            UNPACK_SEQUENCE => {
                let s = stack.pop().unwrap();
                // Two and three items, the common counts, take one residual call.
                if arg == 2 {
                    match ops::unpack_pair(vm, s) {
                        Ok((a, b)) => {
                            stack.push(b);
                            stack.push(a);
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                } else if arg == 3 {
                    match ops::unpack_triple(vm, s) {
                        Ok((a, b, c)) => {
                            stack.push(c);
                            stack.push(b);
                            stack.push(a);
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                } else {
                    match ops::unpack_sequence(vm, s, arg as u32) {
                        Ok(t) => {
                            // Last item first; `t` holds exactly `arg` items.
                            for i in 0..arg {
                                stack.push(ops::item_at(vm, t, (arg - 1 - i) as u32));
                            }
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
            }
            UNPACK_EX => {
                let s = stack.pop().unwrap();
                ops::unpack_ex(vm, s, (arg & 0xff) as u32, (arg >> 8) as u32, &mut stack)
            }
            JUMP => {
                if arg < pc && vm.gc_pending {
                    ops::gc_point(vm, func, &locals, &stack);
                }
                pc = arg;
                Ok(())
            }
            POP_JUMP_IF_FALSE => {
                let v = stack.pop().unwrap();
                match truth(vm, v) {
                    Ok(t) => {
                        if !t {
                            pc = arg;
                        }
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            POP_JUMP_IF_TRUE => {
                let v = stack.pop().unwrap();
                match truth(vm, v) {
                    Ok(t) => {
                        if t {
                            pc = arg;
                        }
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            JUMP_IF_FALSE_OR_POP => {
                let v = stack[stack.len() - 1];
                match truth(vm, v) {
                    Ok(t) => {
                        if t {
                            stack.pop();
                        } else {
                            pc = arg;
                        }
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            JUMP_IF_TRUE_OR_POP => {
                let v = stack[stack.len() - 1];
                match truth(vm, v) {
                    Ok(t) => {
                        if t {
                            pc = arg;
                        } else {
                            stack.pop();
                        }
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            GET_ITER => {
                let o = stack.pop().unwrap();
                match ops::get_iter(vm, o) {
                    Ok(it) => {
                        stack.push(it);
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            FOR_ITER | FOR_ITER_STORE_FAST => {
                let it = stack[stack.len() - 1];
                match ops::for_iter(vm, it) {
                    Ok(v) => {
                        match v {
                            Value::Undef => {
                                stack.pop();
                                pc = arg;
                            }
                            _ => {
                                if op == FOR_ITER {
                                    stack.push(v);
                                } else {
                                    let a2 = oparg(concrete!(code.ops[pc]));
                                    pc += 1;
                                    locals[a2] = v;
                                }
                            }
                        }
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            POP_TOP => {
                stack.pop();
                Ok(())
            }
            DUP_TOP => {
                let v = stack[stack.len() - 1];
                stack.push(v);
                Ok(())
            }
            DUP_TOP_TWO => {
                let b = stack[stack.len() - 1];
                let a = stack[stack.len() - 2];
                stack.push(a);
                stack.push(b);
                Ok(())
            }
            ROT_TWO => {
                let b = stack.pop().unwrap();
                let a = stack.pop().unwrap();
                stack.push(b);
                stack.push(a);
                Ok(())
            }
            ROT_THREE => {
                let c = stack.pop().unwrap();
                let b = stack.pop().unwrap();
                let a = stack.pop().unwrap();
                stack.push(c);
                stack.push(a);
                stack.push(b);
                Ok(())
            }
            ROT_FOUR => {
                let d = stack.pop().unwrap();
                let c = stack.pop().unwrap();
                let b = stack.pop().unwrap();
                let a = stack.pop().unwrap();
                stack.push(d);
                stack.push(a);
                stack.push(b);
                stack.push(c);
                Ok(())
            }
            LOAD_METHOD | LOAD_FAST_LOAD_METHOD => {
                let fused = op == LOAD_FAST_LOAD_METHOD;
                match receiver(vm, f, &mut stack, &locals, fused, arg) {
                    Ok(o) => {
                        let name = attr_name(code, pc, fused, arg);
                        pc += fused as usize;
                        match ops::load_method(vm, o, code.names[name]) {
                            Ok((m, s)) => {
                                stack.push(m);
                                stack.push(s);
                                Ok(())
                            }
                            Err(e) => Err(e),
                        }
                    }
                    Err(e) => Err(e),
                }
            }
            CALL | CALL_METHOD => {
                // Below the arguments: the callee, or for `CALL_METHOD` the method
                // and its receiver (`Undef` when the method is bound already). The
                // callee takes its arguments from the stack as they lie, from `first`
                // (at the receiver when there is one). Whether there is a receiver and
                // which code runs are promoted, and the stack positions are computed
                // after the promotions: compiled code knows them all as constants and
                // keeps the stack virtual.
                let mut below: usize = 1;
                let mut recv: usize = 0;
                if op == CALL_METHOD {
                    below = 2;
                    let r: usize = match stack[stack.len() - arg - 1] {
                        Value::Undef => 0,
                        _ => 1,
                    };
                    recv = promote!(r);
                }
                let callee = stack[stack.len() - arg - below];
                let mut g = promote!(ops::fast_code(vm, callee, (arg + recv) as u32));
                let base = stack.len() - arg;
                let mut first = base - recv;
                let mut fv = callee;
                if g >= ops::FAST_BOUND {
                    if recv == 0 {
                        // The bound method's self takes the slot below the arguments
                        // (the callee's, or the empty receiver's).
                        first = base - 1;
                        stack[first] = ops::bound_self(vm, callee);
                        fv = ops::bound_func(vm, callee);
                    } else {
                        g = -1;
                    }
                }
                let r = if g >= 0 {
                    let g = (g & 0xffffffff) as usize;
                    if depth + 1 >= vm.limit || ((depth & 15) == 15 && !ops::stack_room(vm)) {
                        Err(ops::recursion_error(vm))
                    } else {
                        ops::frame_save(vm, func, &locals, &stack);
                        let r = run(codes, g, vm, fv, &stack[first..], depth + 1);
                        ops::frame_drop(vm);
                        vm.depth = depth;
                        r
                    }
                } else {
                    ops::call(vm, callee, &stack[first..])
                };
                stack.truncate(base - below);
                push(&mut stack, r)
            }
            CALL_KW => {
                let names = stack.pop().unwrap();
                let base = stack.len() - arg;
                let callee = stack[base - 1];
                let r = ops::call_kw(vm, callee, &stack[base..], names);
                stack.truncate(base - 1);
                push(&mut stack, r)
            }
            CALL_EX => {
                let kwargs = stack.pop().unwrap();
                let cargs = stack.pop().unwrap();
                let callee = stack.pop().unwrap();
                push(&mut stack, ops::call_ex(vm, callee, cargs, kwargs))
            }
            MAKE_FUNCTION => {
                let flags = (arg >> 20) as u32;
                let mut closure = Value::Undef;
                let mut kwdefaults = Value::Undef;
                let mut defaults = Value::Undef;
                if flags & FN_CLOSURE != 0 {
                    closure = stack.pop().unwrap();
                }
                if flags & FN_KWDEFAULTS != 0 {
                    kwdefaults = stack.pop().unwrap();
                }
                if flags & FN_DEFAULTS != 0 {
                    defaults = stack.pop().unwrap();
                }
                let fv = ops::make_function(
                    vm,
                    func,
                    (arg & 0xfffff) as u32,
                    defaults,
                    kwdefaults,
                    closure,
                );
                stack.push(fv);
                Ok(())
            }
            BUILD_CLASS => {
                let bases = stack.pop().unwrap();
                let name = stack.pop().unwrap();
                let body = stack.pop().unwrap();
                match ops::build_class(vm, func, body, name, bases) {
                    Ok(c) => {
                        stack.push(c);
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            RETURN_VALUE => {
                return Ok(stack.pop().unwrap());
            }
            RAISE => {
                if arg == 0 {
                    reraise = true;
                    Err(stack.pop().unwrap())
                } else if arg == 1 {
                    let e = stack.pop().unwrap();
                    Err(ops::raise(vm, e, Value::Undef))
                } else {
                    let cause = stack.pop().unwrap();
                    let e = stack.pop().unwrap();
                    Err(ops::raise(vm, e, cause))
                }
            }
            EXC_MATCH => {
                let t = stack.pop().unwrap();
                let e = stack[stack.len() - 1];
                match ops::exc_match(vm, e, t) {
                    Ok(b) => {
                        stack.push(Value::Bool(b));
                        Ok(())
                    }
                    Err(x) => Err(x),
                }
            }
            IMPORT_NAME => match ops::import_name(vm, func, code.names[arg]) {
                Ok(m) => {
                    stack.push(m);
                    Ok(())
                }
                Err(e) => Err(e),
            },
            IMPORT_FROM => {
                let m = stack[stack.len() - 1];
                push(&mut stack, ops::import_from(vm, m, code.names[arg]))
            }
            IMPORT_STAR => {
                let m = stack.pop().unwrap();
                ops::import_star(vm, func, m)
            }
            MAKE_CELL => {
                locals[arg] = ops::new_cell(vm, locals[arg]);
                Ok(())
            }
            COPY_FREE_VARS => {
                let nl = code.nlocals as usize;
                for i in 0..arg {
                    locals[nl - arg + i] = ops::closure_cell(vm, func, i as u32);
                }
                Ok(())
            }
            PUSH_EXC_INFO => {
                let e = stack.pop().unwrap();
                ops::push_exc_info(vm, e, arg as u32);
                Ok(())
            }
            POP_EXC_INFO => {
                ops::pop_exc_info(vm, arg as u32);
                Ok(())
            }
            NOP => Ok(()),
            _ => Err(ops::bad_opcode(vm, op as u32)),
        };
        match r {
            Ok(_) => {}
            Err(e) => {
                let at = pc - 1;
                if !reraise {
                    ops::traceback_add(vm, e, f, at);
                }
                let mut found = false;
                let mut target: usize = 0;
                let mut hdepth: usize = 0;
                for i in 0..code.handlers.len() {
                    let h = code.handlers[i];
                    if !found && h.start as usize <= at && at < h.end as usize {
                        found = true;
                        target = h.target as usize;
                        hdepth = h.depth as usize;
                    }
                }
                if !found {
                    return Err(e);
                }
                stack.truncate(hdepth);
                stack.push(e);
                pc = target;
            }
        }
    }
}

/// Push the value of an instruction that succeeded; an error goes on to the handler
/// lookup unchanged.
/// The receiver of an attribute instruction: popped, or for its form fused with
/// `LOAD_FAST` (`fused`) local `arg`, which must be bound.
fn receiver(
    vm: &mut Space,
    f: usize,
    stack: &mut Vec<Value>,
    locals: &[Value],
    fused: bool,
    arg: usize,
) -> Result<Value, Value> {
    if !fused {
        return Ok(stack.pop().unwrap());
    }
    match locals[arg] {
        Value::Undef => Err(ops::unbound_local(vm, f, arg as u32)),
        o => Ok(o),
    }
}

/// The name operand of an attribute instruction at `pc` (the word after it): its
/// argument, or for its fused form (`fused`) the operand of the next word.
fn attr_name(code: &Code, pc: usize, fused: bool, arg: usize) -> usize {
    if fused {
        oparg(concrete!(code.ops[pc]))
    } else {
        arg
    }
}

fn push(stack: &mut Vec<Value>, r: Result<Value, Value>) -> Result<(), Value> {
    match r {
        Ok(v) => {
            stack.push(v);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// The truth of a value: inline for None, bools, ints and floats.
fn truth(vm: &mut Space, v: Value) -> Result<bool, Value> {
    match v {
        Value::None => Ok(false),
        Value::Bool(b) => Ok(b),
        Value::Int(i) => Ok(i != 0),
        Value::Float(x) => Ok(x != 0.0),
        _ => ops::truth(vm, v),
    }
}

/// Python's `//` on ints (`None` on overflow or a zero divisor).
fn int_floordiv(x: i64, y: i64) -> Option<i64> {
    match x.checked_div(y) {
        None => None,
        Some(q) => {
            let r = x - q * y;
            if r != 0 && ((r < 0) != (y < 0)) {
                Some(q - 1)
            } else {
                Some(q)
            }
        }
    }
}

/// Python's `%` on ints (`None` on overflow or a zero divisor).
fn int_mod(x: i64, y: i64) -> Option<i64> {
    match x.checked_rem(y) {
        None => None,
        Some(r) => {
            if r != 0 && ((r < 0) != (y < 0)) {
                Some(r + y)
            } else {
                Some(r)
            }
        }
    }
}

const EXACT: i64 = 1 << 53;

/// `a op b` with ints and floats inline; everything else (and overflow) residual.
#[inline(always)]
fn binary_op(vm: &mut Space, op: u32, a: Value, b: Value) -> Result<Value, Value> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            let r = match op {
                BIN_ADD => x.checked_add(y),
                BIN_SUB => x.checked_sub(y),
                BIN_MUL => x.checked_mul(y),
                BIN_FLOORDIV => {
                    if y == 0 {
                        return Err(ops::zero_division(vm, 1));
                    }
                    int_floordiv(x, y)
                }
                BIN_MOD => {
                    if y == 0 {
                        return Err(ops::zero_division(vm, 2));
                    }
                    int_mod(x, y)
                }
                BIN_TRUEDIV => {
                    if y == 0 {
                        return Err(ops::zero_division(vm, 0));
                    }
                    if x > -EXACT && x < EXACT && y > -EXACT && y < EXACT {
                        return Ok(Value::Float(x as f64 / y as f64));
                    }
                    None
                }
                BIN_AND => Some(x & y),
                BIN_OR => Some(x | y),
                BIN_XOR => Some(x ^ y),
                BIN_RSHIFT => {
                    if y >= 0 && y < 64 {
                        Some(x >> y)
                    } else {
                        None
                    }
                }
                _ => None,
            };
            match r {
                Some(v) => Ok(Value::Int(v)),
                None => ops::binary(vm, op, a, b),
            }
        }
        (Value::Float(x), Value::Float(y)) => float_op(vm, op, x, y, a, b),
        (Value::Int(x), Value::Float(y)) => float_op(vm, op, x as f64, y, a, b),
        (Value::Float(x), Value::Int(y)) => float_op(vm, op, x, y as f64, a, b),
        _ => ops::binary(vm, op, a, b),
    }
}

/// `a op= b`: as `a op b` for two ints or two floats, else residual.
#[inline(always)]
fn inplace_op(vm: &mut Space, op: u32, a: Value, b: Value) -> Result<Value, Value> {
    let numbers = match (a, b) {
        (Value::Int(_), Value::Int(_)) => true,
        (Value::Float(_), Value::Float(_)) => true,
        _ => false,
    };
    if numbers {
        binary_op(vm, op, a, b)
    } else {
        ops::inplace(vm, op, a, b)
    }
}

#[inline(always)]
fn float_op(vm: &mut Space, op: u32, x: f64, y: f64, a: Value, b: Value) -> Result<Value, Value> {
    match op {
        BIN_ADD => Ok(Value::Float(x + y)),
        BIN_SUB => Ok(Value::Float(x - y)),
        BIN_MUL => Ok(Value::Float(x * y)),
        BIN_TRUEDIV => {
            if y == 0.0 {
                Err(ops::zero_division(vm, 3))
            } else {
                Ok(Value::Float(x / y))
            }
        }
        _ => ops::binary(vm, op, a, b),
    }
}

fn cmp_int(op: u32, x: i64, y: i64) -> Option<bool> {
    match op {
        CMP_LT => Some(x < y),
        CMP_LE => Some(x <= y),
        CMP_EQ => Some(x == y),
        CMP_NE => Some(x != y),
        CMP_GT => Some(x > y),
        CMP_GE => Some(x >= y),
        _ => None,
    }
}

fn cmp_float(op: u32, x: f64, y: f64) -> Option<bool> {
    match op {
        CMP_LT => Some(x < y),
        CMP_LE => Some(x <= y),
        CMP_EQ => Some(x == y),
        CMP_NE => Some(x != y),
        CMP_GT => Some(x > y),
        CMP_GE => Some(x >= y),
        _ => None,
    }
}

/// Identity of two values.
fn same(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Undef, Value::Undef) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Obj(x), Value::Obj(y)) => x == y,
        _ => false,
    }
}

/// `a op b` for comparisons: numbers and identity inline.
#[inline(always)]
fn compare_op(vm: &mut Space, op: u32, a: Value, b: Value) -> Result<Value, Value> {
    if op == CMP_IS {
        return Ok(Value::Bool(same(a, b)));
    }
    if op == CMP_IS_NOT {
        return Ok(Value::Bool(!same(a, b)));
    }
    let r = match (a, b) {
        (Value::Int(x), Value::Int(y)) => cmp_int(op, x, y),
        (Value::Float(x), Value::Float(y)) => cmp_float(op, x, y),
        (Value::Int(x), Value::Float(y)) => {
            if x > -EXACT && x < EXACT {
                cmp_float(op, x as f64, y)
            } else {
                None
            }
        }
        (Value::Float(x), Value::Int(y)) => {
            if y > -EXACT && y < EXACT {
                cmp_float(op, x, y as f64)
            } else {
                None
            }
        }
        _ => None,
    };
    match r {
        Some(t) => Ok(Value::Bool(t)),
        None => ops::compare(vm, op, a, b),
    }
}
