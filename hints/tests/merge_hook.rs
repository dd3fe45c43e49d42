//! `#[portal]` gives the plain interpreter a hook at its global merge point: the
//! variables passed (`__merge_vars_NAME`), the function unchanged while no hook is set,
//! and a hook that reads and writes the variables and returns in place of the function.
//! The merge point counts its passes and calls the hook for hot keys only: these tests
//! set the threshold to 1, so that it calls at every pass (`merge_count.rs` counts).

use hints::{global_merge_point, portal};

/// Reads the `usize` variable at `vars[i]`.
unsafe fn get(vars: *const *mut (), i: usize) -> usize {
    *(*vars.add(i) as *const usize)
}

unsafe fn set(vars: *const *mut (), i: usize, v: usize) {
    *(*vars.add(i) as *mut usize) = v;
}

// `while`; the parameter `pc` is shadowed by the loop's `pc`.
#[portal(greens(code, pc))]
fn sum(code: &[usize], pc: usize, mut acc: usize) -> usize {
    let mut pc = pc;
    while pc < code.len() {
        global_merge_point!();
        acc += code[pc];
        pc += 1;
    }
    acc
}

// Same function, its hook set by `hook_writes_variables`.
#[portal(greens(code, pc))]
fn sum2(code: &[usize], pc: usize, mut acc: usize) -> usize {
    let mut pc = pc;
    while pc < code.len() {
        global_merge_point!();
        acc += code[pc];
        pc += 1;
    }
    acc
}

#[test]
fn while_loop_with_shadowed_parameter() {
    assert_eq!(
        __merge_vars_sum,
        &[("code", false), ("acc", true), ("pc", true)]
    );
    assert_eq!(sum(&[1, 2, 3, 4], 1, 10), 19);
}

/// Skips the element at `pc` 2 and adds 100 to `acc` there; never returns.
unsafe fn skip_two(
    vars: *const *mut (),
    _types: fn(usize) -> &'static str,
    _ret: *mut (),
    _counted: Option<u64>,
) -> bool {
    if get(vars, 2) == 2 {
        set(vars, 2, 3);
        set(vars, 1, get(vars, 1) + 100);
    }
    false
}

#[test]
fn hook_writes_variables() {
    assert_eq!(__merge_vars_sum2, __merge_vars_sum);
    assert_eq!(sum2(&[1, 2, 3, 4], 0, 0), 10);
    hints::hot::set_threshold(1);
    __merge_hook_sum2.set(skip_two);
    assert_eq!(sum2(&[1, 2, 3, 4], 0, 0), 1 + 2 + 100 + 4);
}

// `loop`; a tuple pattern; `moved` is moved before the loop and not named after it;
// `after` is named only after the loop; `unused` nowhere after its `let`; `n` only
// before the loop; a non-`mut` reference parameter.
#[portal(greens(code))]
fn run(code: &Vec<usize>, n: usize) -> usize {
    let (mut i, limit) = (0usize, n);
    let moved = vec![1usize, 2];
    let total: usize = moved.into_iter().sum();
    let after = 7usize;
    let unused = 3usize;
    let _ = unused;
    loop {
        global_merge_point!();
        if i >= limit {
            break;
        }
        i += code[i % code.len()];
    }
    i + after + total
}

/// Returns `1000 + i + limit + total + after` as soon as `i` is 2.
unsafe fn finish_early(
    vars: *const *mut (),
    _types: fn(usize) -> &'static str,
    ret: *mut (),
    _counted: Option<u64>,
) -> bool {
    let code = &**(*vars as *const &Vec<usize>);
    assert_eq!(code.len(), 2);
    let (i, limit, total, after) = (get(vars, 1), get(vars, 2), get(vars, 3), get(vars, 4));
    if i == 2 {
        *(ret as *mut usize) = 1000 + i + limit + total + after;
        return true;
    }
    false
}

#[test]
fn loop_with_tuple_pattern_and_moved_variable() {
    assert_eq!(
        __merge_vars_run,
        &[
            ("code", false),
            ("i", true),
            ("limit", false),
            ("total", false),
            ("after", false)
        ]
    );
    assert_eq!(run(&vec![1, 1], 5), 5 + 7 + 3);
    hints::hot::set_threshold(1);
    __merge_hook_run.set(finish_early);
    assert_eq!(run(&vec![1, 1], 5), 1000 + 2 + 5 + 3 + 7);
    // Never reaching `i == 2`, the function returns as written.
    assert_eq!(run(&vec![1, 1], 1), 1 + 7 + 3);
}

pub struct P {
    a: usize,
    b: usize,
}

// `for` inside `if let`; a struct pattern with a `ref` binding; a closure's parameter
// and a `let` after the merge point are not in scope; the `for`'s iterator expression
// (naming `m`) is not part of its body; names inside a macro invocation count.
#[portal(greens(p))]
fn nested(p: &P, k: usize) -> usize {
    let P { a, b: ref bb } = *p;
    let mut out = 0;
    let shown = 1usize;
    if let Some(m) = Some(k) {
        for j in 0..m {
            global_merge_point!();
            let q = |q: usize| q + j;
            out += q(a) + *bb;
            let _ = format!("{}", shown);
        }
    }
    out
}

#[test]
fn for_loop_in_if_let_with_struct_pattern() {
    assert_eq!(
        __merge_vars_nested,
        &[
            ("a", false),
            ("bb", false),
            ("out", true),
            ("shown", false),
            ("j", false)
        ]
    );
    // 0..3: out = (1 + 0 + 10) + (1 + 1 + 10) + (1 + 2 + 10)
    assert_eq!(nested(&P { a: 1, b: 10 }, 3), 36);
}

// No loop: the variables named after the statement.
#[portal(greens(x))]
fn straight(x: usize, y: usize) -> usize {
    let z = x + y;
    global_merge_point!();
    z * 2
}

unsafe fn answer(
    vars: *const *mut (),
    types: fn(usize) -> &'static str,
    ret: *mut (),
    _counted: Option<u64>,
) -> bool {
    // The hook learns each variable's type by its name.
    assert_eq!(types(0), "usize");
    *(ret as *mut usize) = get(vars, 0) + 90;
    true
}

// A reference among the variables: its type name says so.
#[portal(greens(code))]
fn refs(code: &[u8], heap: &mut Vec<i64>) -> usize {
    let mut pc = 0;
    while pc < code.len() {
        global_merge_point!();
        heap.push(code[pc] as i64);
        pc += 1;
    }
    pc
}

unsafe fn reference_types(
    _vars: *const *mut (),
    types: fn(usize) -> &'static str,
    _ret: *mut (),
    _counted: Option<u64>,
) -> bool {
    assert_eq!(types(0), "&[u8]");
    assert!(
        types(1).starts_with("&mut alloc::vec::Vec<i64"),
        "{}",
        types(1)
    );
    assert_eq!(types(2), "usize");
    REFS_HOOK_RAN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    false
}

static REFS_HOOK_RAN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[test]
fn the_hook_gets_type_names() {
    assert_eq!(
        __merge_vars_refs,
        &[("code", false), ("heap", false), ("pc", true)]
    );
    hints::hot::set_threshold(1);
    __merge_hook_refs.set(reference_types);
    let mut heap = Vec::new();
    assert_eq!(refs(b"ab", &mut heap), 2);
    assert_eq!(heap, vec![97, 98]);
    // Once a pass of the loop.
    assert_eq!(REFS_HOOK_RAN.load(std::sync::atomic::Ordering::Relaxed), 2);
}

#[test]
fn merge_point_outside_a_loop() {
    assert_eq!(__merge_vars_straight, &[("z", false)]);
    assert_eq!(straight(1, 2), 6);
    hints::hot::set_threshold(1);
    __merge_hook_straight.set(answer);
    assert_eq!(straight(1, 2), 93);
}

// No merge point: nothing is passed.
#[portal(greens(x))]
fn no_merge_point(x: usize) -> usize {
    let mut s = 0;
    for i in 0..x {
        s += i;
    }
    s
}

// A function without a result, and a `while let` binding.
#[portal(greens(items))]
fn drain(items: &mut Vec<usize>, out: &mut Vec<usize>) {
    while let Some(x) = items.pop() {
        global_merge_point!(greens(items));
        out.push(x);
    }
}

#[test]
fn no_merge_point_and_no_result() {
    assert!(__merge_vars_no_merge_point.is_empty());
    assert_eq!(no_merge_point(4), 6);
    assert_eq!(
        __merge_vars_drain,
        &[("items", false), ("out", false), ("x", false)]
    );
    let mut out = Vec::new();
    drain(&mut vec![1, 2], &mut out);
    assert_eq!(out, [2, 1]);
}

// A `match` arm's bindings; `done` is declared without a value (it may be
// uninitialised at the merge point); `hidden`'s block has ended, and the loop's own
// `hidden` comes after the merge point; a nested function's parameter is not in scope;
// `None` in a pattern is not a binding.
#[portal(greens(code))]
fn scopes(code: &[usize]) -> usize {
    let done;
    let mut acc = 0;
    {
        let hidden = 5;
        acc += hidden;
    }
    fn helper(acc: usize) -> usize {
        acc + 1
    }
    match code.first() {
        None => done = 0,
        Some(&first) => {
            let mut k = first;
            loop {
                global_merge_point!();
                if k == 0 {
                    break;
                }
                acc = helper(acc);
                k -= 1;
                let hidden = 1;
                acc -= hidden;
            }
            done = acc;
        }
    }
    done
}

#[test]
fn match_arm_and_uninitialised_let() {
    assert_eq!(__merge_vars_scopes, &[("acc", true), ("k", true)]);
    assert_eq!(scopes(&[3]), 5);
    assert_eq!(scopes(&[]), 0);
}
