//! The bytecode: what the compiler (`compile.rs`) produces and the dispatch loop
//! (`interp.rs`) runs. A [`Code`] is green data for the JIT: the dispatch loop reads it
//! with green indexes (`codes[f].ops[pc]`), so everything the loop reads of it is known
//! while compiling, and it holds only what the loop needs (integers and [`Value`]s).
//! What only tracebacks, argument binding and `repr` need (names, line numbers) is in
//! [`CodeInfo`], kept by the object space beside the code table.
//!
//! An instruction is one `u32`: the opcode in the low 8 bits and its argument in the
//! high 24 (`op | arg << 8`, see [`instr`]). The value stack of a frame is a
//! `Vec<Value>`; "TOS" is its top, "TOS1" the one below.
//!
//! Invariants: every jump target is an instruction index within `ops`; the stack depth
//! at each instruction is the same on every path that reaches it (the compiler's stack
//! discipline), so the dispatch loop may `pop().unwrap()`; a handler's `depth` is the
//! stack depth at the start of its protected range.

use crate::value::Value;

/// Pack an instruction.
pub const fn instr(op: u8, arg: u32) -> u32 {
    op as u32 | (arg << 8)
}

/// The opcode of an instruction.
pub const fn opcode(w: u32) -> u8 {
    (w & 0xff) as u8
}

/// The argument of an instruction.
pub const fn oparg(w: u32) -> usize {
    (w >> 8) as usize
}

/// The largest argument an instruction can hold.
pub const MAX_ARG: u32 = (1 << 24) - 1;

/// A protected range of instructions: an exception raised by an instruction at `pc`
/// with `start <= pc < end` truncates the stack to `depth` values, pushes the
/// exception and continues at `target`. The innermost range is listed first: the first
/// entry containing `pc` wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handler {
    pub start: u32,
    pub end: u32,
    pub target: u32,
    pub depth: u32,
}

/// A compiled function body, module body, class body, lambda or comprehension.
#[derive(Clone, Debug, PartialEq)]
pub struct Code {
    /// The instructions (`op | arg << 8`).
    pub ops: Vec<u32>,
    /// Constants: `None`, bools, small ints and floats inline; strings, big ints and
    /// tuples of constants as handles of immortal objects made when compiling.
    pub consts: Vec<Value>,
    /// Names used by `*_GLOBAL`, `*_NAME`, `*_ATTR`, `IMPORT_*`, `LOAD_BUILTIN`: symbol ids of
    /// the object space's interned strings (`Space::intern`).
    pub names: Vec<u32>,
    /// The exception table, innermost ranges first.
    pub handlers: Vec<Handler>,
    /// Local slots: parameters first (positional, then `*args`, then keyword-only, then
    /// `**kwargs`), then the other locals, then cell variables, then free variables.
    pub nlocals: u32,
    /// Parameter slots, the first locals: every caller binds exactly these (a class
    /// body's one is its namespace dict).
    pub nparams: u32,
}

/// What only the residual side needs of a code object (same index as its [`Code`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CodeInfo {
    /// `f`, `<module>`, `<lambda>`, `<listcomp>`, the class name for a class body.
    pub name: String,
    /// `C.f`, `f.<locals>.g` (as CPython's `__qualname__`).
    pub qualname: String,
    pub filename: String,
    /// Line of the `def` (or 1 for a module).
    pub first_line: u32,
    /// The source line of each instruction.
    pub lines: Vec<u32>,
    /// The name of each local slot (`nlocals` of them; cells and free variables too).
    pub varnames: Vec<String>,
    /// Positional parameters (including those with defaults).
    pub argcount: u32,
    /// Keyword-only parameters (after `*` or `*args`).
    pub kwonlyargcount: u32,
    /// Has a `*args` parameter (its slot follows the positional ones).
    pub varargs: bool,
    /// Has a `**kwargs` parameter (its slot follows the keyword-only ones).
    pub varkw: bool,
    /// Slots that hold cells (variables captured by inner functions; `MAKE_CELL`).
    pub cells: Vec<u32>,
    /// How many free variables (the last slots; `COPY_FREE_VARS`).
    pub nfree: u32,
    /// A class body: its namespace dict is local slot 0 (an argument), and
    /// `LOAD_NAME`/`STORE_NAME` use it.
    pub is_class_body: bool,
    /// The docstring of a function (its `__doc__`).
    pub doc: Option<String>,
}

// Opcodes. Stack effects are written `before -> after`, top last.

/// Does nothing.
pub const NOP: u8 = 0;
/// `-> consts[arg]`
pub const LOAD_CONST: u8 = 1;
/// `-> locals[arg]`; `UnboundLocalError` when the slot is unbound.
pub const LOAD_FAST: u8 = 2;
/// `v ->`, `locals[arg] = v`
pub const STORE_FAST: u8 = 3;
/// `locals[arg]` becomes unbound (`UnboundLocalError` if it was).
pub const DELETE_FAST: u8 = 4;
/// `-> the contents of the cell in locals[arg]` (`NameError`/`UnboundLocalError` when empty).
pub const LOAD_DEREF: u8 = 5;
/// `v ->`, sets the contents of the cell in `locals[arg]`.
pub const STORE_DEREF: u8 = 6;
/// `-> the cell in locals[arg] itself` (to build a closure tuple).
pub const LOAD_CLOSURE: u8 = 7;
/// `-> globals[names[arg]]`, else `builtins[names[arg]]`, else `NameError`.
pub const LOAD_GLOBAL: u8 = 8;
/// `v ->`, `globals[names[arg]] = v`
pub const STORE_GLOBAL: u8 = 9;
/// `del globals[names[arg]]` (`NameError` when missing).
pub const DELETE_GLOBAL: u8 = 10;
/// Class bodies: `-> ns[names[arg]]`, else globals, else builtins (`ns` is `locals[0]`).
pub const LOAD_NAME: u8 = 11;
/// Class bodies: `v ->`, `ns[names[arg]] = v`.
pub const STORE_NAME: u8 = 12;
/// Class bodies: `del ns[names[arg]]`.
pub const DELETE_NAME: u8 = 13;
/// `-> builtins[names[arg]]` (for `AssertionError` and the like, not shadowable).
pub const LOAD_BUILTIN: u8 = 14;
/// `o -> o.names[arg]`
pub const LOAD_ATTR: u8 = 15;
/// `v o ->`, `o.names[arg] = v`
pub const STORE_ATTR: u8 = 16;
/// `o ->`, `del o.names[arg]`
pub const DELETE_ATTR: u8 = 17;

/// `a b -> a OP b`, `arg` one of the `BIN_*` operators.
pub const BINARY: u8 = 20;
/// `a b -> a OP= b` (in place for lists and the like), `arg` one of `BIN_*`.
pub const INPLACE: u8 = 21;
/// `a -> OP a`, `arg` one of the `UN_*` operators.
pub const UNARY: u8 = 22;
/// `a b -> a OP b`, `arg` one of the `CMP_*` operators.
pub const COMPARE: u8 = 23;
/// `o k -> o[k]`
pub const BINARY_SUBSCR: u8 = 24;
/// `v o k ->`, `o[k] = v`
pub const STORE_SUBSCR: u8 = 25;
/// `o k ->`, `del o[k]`
pub const DELETE_SUBSCR: u8 = 26;
/// `lo hi -> slice(lo, hi)` (arg 2) or `lo hi step -> slice(lo, hi, step)` (arg 3).
pub const BUILD_SLICE: u8 = 27;

/// `v1 .. vn -> (v1, .., vn)` (`arg` = n)
pub const BUILD_TUPLE: u8 = 30;
/// `v1 .. vn -> [v1, .., vn]`
pub const BUILD_LIST: u8 = 31;
/// `v1 .. vn -> {v1, .., vn}`
pub const BUILD_SET: u8 = 32;
/// `k1 v1 .. kn vn -> {k1: v1, ..}` (`arg` = n pairs)
pub const BUILD_MAP: u8 = 33;
/// `s1 .. sn -> s1 + .. + sn` (strings; f-strings)
pub const BUILD_STRING: u8 = 34;
/// `l .. v -> l ..`, appends `v` to the list `arg` values below the top after popping
/// `v` (`arg` = 1: the value just under it). For comprehensions.
pub const LIST_APPEND: u8 = 35;
/// As `LIST_APPEND`, adding to a set.
pub const SET_ADD: u8 = 36;
/// `d .. k v -> d ..`, `d[k] = v` with `d` `arg` values below after popping both.
pub const MAP_ADD: u8 = 37;
/// `l it -> l`, extends list `l` with the iterable `it` (`[*a, *b]`, `f(*a)`).
pub const LIST_EXTEND: u8 = 38;
/// `s it -> s`, adds the items of `it` to set `s`.
pub const SET_UPDATE: u8 = 39;
/// `d m -> d`, `d.update(m)` (`{**a}`, `f(**k)`).
pub const DICT_UPDATE: u8 = 40;
/// `l -> tuple(l)`
pub const LIST_TO_TUPLE: u8 = 41;
/// `v -> str(v)` with conversion `arg & 3` (0 none, 1 `!s`, 2 `!r`, 3 `!a`); with
/// `arg & 4`, `v spec -> format(v, spec)`.
pub const FORMAT_VALUE: u8 = 42;
/// `seq -> vn .. v1` (so that the first item is on top): exactly `arg` items, else
/// `ValueError`.
pub const UNPACK_SEQUENCE: u8 = 43;
/// `seq -> v_last .. [middle list] .. v1`: `arg & 0xff` items before the starred one
/// and `arg >> 8` after it.
pub const UNPACK_EX: u8 = 44;

/// `pc = arg`
pub const JUMP: u8 = 50;
/// `v ->`, jumps to `arg` when `v` is false.
pub const POP_JUMP_IF_FALSE: u8 = 51;
/// `v ->`, jumps to `arg` when `v` is true.
pub const POP_JUMP_IF_TRUE: u8 = 52;
/// `v -> v` and jumps to `arg` when `v` is false, else `v ->`.
pub const JUMP_IF_FALSE_OR_POP: u8 = 53;
/// `v -> v` and jumps to `arg` when `v` is true, else `v ->`.
pub const JUMP_IF_TRUE_OR_POP: u8 = 54;
/// `o -> iter(o)`
pub const GET_ITER: u8 = 55;
/// `it -> it next(it)`, or when exhausted `it ->` and jumps to `arg`.
pub const FOR_ITER: u8 = 56;

/// `v ->`
pub const POP_TOP: u8 = 60;
/// `v -> v v`
pub const DUP_TOP: u8 = 61;
/// `a b -> a b a b`
pub const DUP_TOP_TWO: u8 = 62;
/// `a b -> b a`
pub const ROT_TWO: u8 = 63;
/// `a b c -> c a b`
pub const ROT_THREE: u8 = 64;
/// `a b c d -> d a b c`
pub const ROT_FOUR: u8 = 65;

/// `f a1 .. an -> f(a1, .., an)` (`arg` = n)
pub const CALL: u8 = 70;
/// `f a1 .. an names -> f(..)` where `names` (a constant tuple of strings) names the
/// last `len(names)` of the `arg` = n arguments as keywords.
pub const CALL_KW: u8 = 71;
/// `f args kwargs -> f(*args, **kwargs)`: `args` a tuple, `kwargs` a dict or `None`.
pub const CALL_EX: u8 = 72;
/// `o -> m s`, for a call `o.names[arg](..)`: `m` a function of `o`'s class and `s` =
/// `o` when the attribute is that function bound to `o` (no bound method is made),
/// else `m` = `o.names[arg]` and `s` = `Undef`.
pub const LOAD_METHOD: u8 = 85;
/// `m s a1 .. an -> m(s, a1, .., an)`, or `m(a1, .., an)` when `s` is `Undef` (`arg` =
/// n): the call of a [`LOAD_METHOD`].
pub const CALL_METHOD: u8 = 86;
/// Makes a function of code `arg & 0xfffff` (an index into the code table). From the
/// stack, in this order below the top when present: the tuple of positional defaults
/// (`arg >> 20 & 1`), the dict of keyword-only defaults (`arg >> 20 & 2`), the tuple
/// of closure cells (`arg >> 20 & 8`). `.. -> function`.
pub const MAKE_FUNCTION: u8 = 73;
/// `body name bases -> class`: runs the class body function `body` with a new
/// namespace dict as its argument, then makes the class (`bases` a tuple). When the
/// body returns a cell (its `__class__` cell, for `super()`), the cell is set to the class.
pub const BUILD_CLASS: u8 = 74;
/// `v -> return v`
pub const RETURN_VALUE: u8 = 75;
/// `arg` = 0: `e ->`, raises `e` again as it is (its traceback goes on, `raise` with
/// no argument and the end of `finally`); 1: `e ->`, raises `e` (a class is called
/// first); 2: `e cause ->`, raises `e` with `__cause__` = `cause`.
pub const RAISE: u8 = 76;
/// `e t -> e b`: `b` says whether exception `e` matches `t` (a class or a tuple of
/// them), as `except t:` does.
pub const EXC_MATCH: u8 = 77;
/// `-> module`: imports the module named `names[arg]` (built in, or a `.py` file
/// compiled with the program).
pub const IMPORT_NAME: u8 = 78;
/// `m -> m m.names[arg]` (`ImportError` when missing).
pub const IMPORT_FROM: u8 = 79;
/// `m ->`: binds every public name of module `m` in the globals (`from m import *`).
pub const IMPORT_STAR: u8 = 80;
/// `locals[arg]` becomes a new cell holding its old value (empty when it was unbound);
/// emitted at entry for each slot of `CodeInfo::cells`.
pub const MAKE_CELL: u8 = 81;
/// The last `arg` local slots become the function's closure cells, in order; emitted
/// at entry when the code has free variables.
pub const COPY_FREE_VARS: u8 = 82;
/// `e ->`: `e` becomes the exception being handled (`__context__` of exceptions raised
/// until the matching `POP_EXC_INFO`), by the handler at nesting level `arg` of the
/// frame; exceptions handled at levels `>= arg` of the frame are no longer handled.
pub const PUSH_EXC_INFO: u8 = 83;
/// Leaving the handler at nesting level `arg`: exceptions handled at levels `>= arg`
/// of the frame are no longer handled.
pub const POP_EXC_INFO: u8 = 84;

// Superinstructions: only the loader makes them (see [`fuse_pairs`]), the compiler and
// its verifier never see them. `A_B` at `pc` does `A` with its own argument, then `B`
// with the argument of the instruction at `pc + 1`, which is `B` itself and stays in
// place, and goes on at `pc + 2`: one dispatch instead of two, and no stack traffic
// between the two when `B` consumes what `A` made. A jump may still land on `pc + 1`,
// which then runs alone; an error of the `B` part is reported at `pc + 1`.
pub const LOAD_FAST_LOAD_FAST: u8 = 100;
pub const LOAD_FAST_LOAD_CONST: u8 = 101;
pub const LOAD_FAST_LOAD_ATTR: u8 = 102;
pub const LOAD_FAST_LOAD_METHOD: u8 = 103;
pub const LOAD_FAST_BINARY: u8 = 104;
pub const LOAD_FAST_COMPARE: u8 = 105;
pub const LOAD_FAST_BINARY_SUBSCR: u8 = 106;
pub const LOAD_CONST_BINARY: u8 = 107;
pub const LOAD_CONST_INPLACE: u8 = 108;
pub const LOAD_CONST_COMPARE: u8 = 109;
pub const STORE_FAST_LOAD_FAST: u8 = 110;
pub const STORE_FAST_STORE_FAST: u8 = 111;
pub const COMPARE_POP_JUMP_IF_FALSE: u8 = 112;
pub const COMPARE_POP_JUMP_IF_TRUE: u8 = 113;
pub const FOR_ITER_STORE_FAST: u8 = 114;

/// The superinstructions: `(A_B, A, B, consumes)`, `consumes` when `B` takes what
/// `A` leaves straight from it (nothing pushed and popped between the two).
const SUPERINSTRUCTIONS: [(u8, u8, u8, bool); 15] = [
    (LOAD_FAST_LOAD_FAST, LOAD_FAST, LOAD_FAST, false),
    (LOAD_FAST_LOAD_CONST, LOAD_FAST, LOAD_CONST, false),
    (LOAD_FAST_LOAD_ATTR, LOAD_FAST, LOAD_ATTR, true),
    (LOAD_FAST_LOAD_METHOD, LOAD_FAST, LOAD_METHOD, true),
    (LOAD_FAST_BINARY, LOAD_FAST, BINARY, true),
    (LOAD_FAST_COMPARE, LOAD_FAST, COMPARE, true),
    (LOAD_FAST_BINARY_SUBSCR, LOAD_FAST, BINARY_SUBSCR, true),
    (LOAD_CONST_BINARY, LOAD_CONST, BINARY, true),
    (LOAD_CONST_INPLACE, LOAD_CONST, INPLACE, true),
    (LOAD_CONST_COMPARE, LOAD_CONST, COMPARE, true),
    (STORE_FAST_LOAD_FAST, STORE_FAST, LOAD_FAST, false),
    (STORE_FAST_STORE_FAST, STORE_FAST, STORE_FAST, false),
    (COMPARE_POP_JUMP_IF_FALSE, COMPARE, POP_JUMP_IF_FALSE, true),
    (COMPARE_POP_JUMP_IF_TRUE, COMPARE, POP_JUMP_IF_TRUE, true),
    (FOR_ITER_STORE_FAST, FOR_ITER, STORE_FAST, true),
];

/// The superinstruction doing instruction `a` then `b`, if there is one, and what it
/// saves: a dispatch, weighted to outweigh any amount of stack traffic, plus one when
/// it consumes.
fn superinstruction(a: u32, b: u32) -> Option<(u8, u64)> {
    let (a, b) = (opcode(a), opcode(b));
    SUPERINSTRUCTIONS
        .iter()
        .find(|&&(_, x, y, _)| x == a && y == b)
        .map(|&(s, _, _, consumes)| (s, (1 << 32) + consumes as u64))
}

/// Rewrite pairs of instructions into superinstructions, choosing the pairs (no two
/// overlapping) that save the most: as many dispatches as possible, and among those
/// the most stack traffic. Only the first instruction of a pair changes.
pub fn fuse_pairs(ops: &mut [u32]) {
    let n = ops.len();
    // best[i]: the saving of the best choice of pairs within `ops[i..]`.
    let mut best = vec![0u64; n + 2];
    for i in (0..n.saturating_sub(1)).rev() {
        best[i] = best[i + 1];
        if let Some((_, save)) = superinstruction(ops[i], ops[i + 1]) {
            best[i] = best[i].max(save + best[i + 2]);
        }
    }
    let mut i = 0;
    while i + 1 < n {
        match superinstruction(ops[i], ops[i + 1]) {
            Some((s, save)) if best[i] == save + best[i + 2] => {
                ops[i] = instr(s, oparg(ops[i]) as u32);
                i += 2;
            }
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fusing_keeps_second_instructions_and_prefers_consuming_pairs() {
        // `a + b` then `x = ..; y = x`: (LOAD_FAST, BINARY) saves a push and a pop
        // more than (LOAD_FAST, LOAD_FAST); the pairs do not overlap.
        let mut ops = vec![
            instr(LOAD_FAST, 0),
            instr(LOAD_FAST, 1),
            instr(BINARY, BIN_ADD),
            instr(STORE_FAST, 2),
            instr(LOAD_FAST, 2),
            instr(RETURN_VALUE, 0),
        ];
        let orig = ops.clone();
        fuse_pairs(&mut ops);
        assert_eq!(
            ops,
            vec![
                instr(LOAD_FAST, 0),
                instr(LOAD_FAST_BINARY, 1),
                instr(BINARY, BIN_ADD),
                instr(STORE_FAST_LOAD_FAST, 2),
                instr(LOAD_FAST, 2),
                instr(RETURN_VALUE, 0),
            ]
        );
        // Every superinstruction is followed by its second instruction, unchanged.
        for (i, &w) in ops.iter().enumerate() {
            if let Some(&(_, a, b, _)) = SUPERINSTRUCTIONS.iter().find(|t| t.0 == opcode(w)) {
                assert_eq!((opcode(orig[i]), oparg(w)), (a, oparg(orig[i])));
                assert_eq!(ops[i + 1], orig[i + 1]);
                assert_eq!(opcode(ops[i + 1]), b);
            }
        }
    }

    #[test]
    fn a_chain_of_loads_fuses_every_other_pair() {
        let mut ops = vec![instr(LOAD_FAST, 0); 5];
        fuse_pairs(&mut ops);
        let names: Vec<u8> = ops.iter().map(|&w| opcode(w)).collect();
        assert_eq!(
            names,
            [
                LOAD_FAST_LOAD_FAST,
                LOAD_FAST,
                LOAD_FAST_LOAD_FAST,
                LOAD_FAST,
                LOAD_FAST
            ]
        );
        let mut empty: Vec<u32> = Vec::new();
        fuse_pairs(&mut empty);
    }
}

// `BINARY`/`INPLACE` operators.
pub const BIN_ADD: u32 = 0;
pub const BIN_SUB: u32 = 1;
pub const BIN_MUL: u32 = 2;
pub const BIN_TRUEDIV: u32 = 3;
pub const BIN_FLOORDIV: u32 = 4;
pub const BIN_MOD: u32 = 5;
pub const BIN_POW: u32 = 6;
pub const BIN_LSHIFT: u32 = 7;
pub const BIN_RSHIFT: u32 = 8;
pub const BIN_AND: u32 = 9;
pub const BIN_OR: u32 = 10;
pub const BIN_XOR: u32 = 11;
pub const BIN_MATMUL: u32 = 12;

// `UNARY` operators.
pub const UN_NEG: u32 = 0;
pub const UN_POS: u32 = 1;
pub const UN_NOT: u32 = 2;
pub const UN_INVERT: u32 = 3;

// `COMPARE` operators.
pub const CMP_LT: u32 = 0;
pub const CMP_LE: u32 = 1;
pub const CMP_EQ: u32 = 2;
pub const CMP_NE: u32 = 3;
pub const CMP_GT: u32 = 4;
pub const CMP_GE: u32 = 5;
pub const CMP_IN: u32 = 6;
pub const CMP_NOT_IN: u32 = 7;
pub const CMP_IS: u32 = 8;
pub const CMP_IS_NOT: u32 = 9;

// `MAKE_FUNCTION` flags (in `arg >> 20`).
pub const FN_DEFAULTS: u32 = 1;
pub const FN_KWDEFAULTS: u32 = 2;
pub const FN_CLOSURE: u32 = 8;
/// Where the flags start in a `MAKE_FUNCTION` argument.
pub const FN_FLAG_SHIFT: u32 = 20;
