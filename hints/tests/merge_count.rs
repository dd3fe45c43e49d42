//! A merge point counts each key's passes itself, on its greens, and calls the
//! merge hook only once the key is hot, with the hash it counted.

use hints::{global_merge_point, portal};

// Listed greens.
#[portal(greens(code))]
fn counted(code: &'static [usize], rounds: usize) -> usize {
    let mut pc = 0;
    let mut n = 0;
    while n < rounds {
        global_merge_point!(greens(code, pc));
        n += 1;
        pc = (pc + 1) % 2;
    }
    n
}

static CALLS: std::sync::Mutex<Vec<(usize, Option<u64>)>> = std::sync::Mutex::new(Vec::new());

unsafe fn record(
    vars: *const *mut (),
    _types: fn(usize) -> &'static str,
    _ret: *mut (),
    counted: Option<u64>,
) -> bool {
    let n = *(*vars.add(2) as *const usize);
    CALLS.lock().unwrap().push((n, counted));
    false
}

#[test]
fn listed_greens_are_counted_by_the_merge_point() {
    use hints::hot::{self, CountKey};
    static CODE: [usize; 2] = [7, 8];
    let code: &'static [usize] = &CODE;
    // `code` is named only by the merge point: counted there, not passed.
    assert_eq!(
        __merge_vars_counted,
        &[("rounds", false), ("pc", true), ("n", true)]
    );
    hot::set_threshold(3);
    __merge_hook_counted.set(record);
    assert_eq!(counted(code, 8), 8);
    let key = |pc: usize| pc.mix_into(code.mix_into(hot::portal_start("counted")));
    // Two keys (pc 0 and 1) passed in turn: each is hot from its third pass on.
    assert_eq!(
        *CALLS.lock().unwrap(),
        [
            (4, Some(key(0))),
            (5, Some(key(1))),
            (6, Some(key(0))),
            (7, Some(key(1)))
        ]
    );
    assert_ne!(key(0), key(1));
}

// No list: the variables named like a green of the portal are counted on, in the
// portal's order.
#[portal(greens(code, pc))]
fn by_name(code: &'static [usize], pc: usize, rounds: usize) -> usize {
    let mut pc = pc;
    let mut n = 0;
    while n < rounds {
        global_merge_point!();
        n += code[pc];
        pc = 1 - pc;
    }
    n
}

static BY_NAME: std::sync::Mutex<Vec<(usize, Option<u64>)>> = std::sync::Mutex::new(Vec::new());

unsafe fn record_by_name(
    vars: *const *mut (),
    _types: fn(usize) -> &'static str,
    _ret: *mut (),
    counted: Option<u64>,
) -> bool {
    let pc = *(*vars.add(2) as *const usize);
    BY_NAME.lock().unwrap().push((pc, counted));
    false
}

#[test]
fn greens_named_like_the_portals_are_counted_by_the_merge_point() {
    use hints::hot::{self, CountKey};
    static CODE: [usize; 2] = [1, 1];
    let code: &'static [usize] = &CODE;
    assert_eq!(__merge_counted_by_name, &["code", "pc"]);
    assert_eq!(
        __merge_vars_by_name,
        &[
            ("code", false),
            ("rounds", false),
            ("pc", true),
            ("n", true)
        ]
    );
    hot::set_threshold(3);
    __merge_hook_by_name.set(record_by_name);
    assert_eq!(by_name(code, 0, 7), 7);
    let key = |pc: usize| pc.mix_into(code.mix_into(hot::portal_start("by_name")));
    let calls = BY_NAME.lock().unwrap().clone();
    assert_eq!(
        calls,
        [(0, Some(key(0))), (1, Some(key(1))), (0, Some(key(0)))]
    );
}

// A green parameter whose type cannot be counted on (an owned vector): the merge point
// leaves counting to the hook, which it calls at every pass without a hash.
#[portal(greens(program, pc))]
fn owned(program: Vec<u8>, pc: usize) -> usize {
    let mut pc = pc;
    let mut n = 0;
    while pc < program.len() {
        global_merge_point!();
        n += program[pc] as usize;
        pc += 1;
    }
    n
}

static OWNED: std::sync::Mutex<Vec<Option<u64>>> = std::sync::Mutex::new(Vec::new());

unsafe fn record_owned(
    _vars: *const *mut (),
    _types: fn(usize) -> &'static str,
    _ret: *mut (),
    counted: Option<u64>,
) -> bool {
    OWNED.lock().unwrap().push(counted);
    false
}

#[test]
fn a_green_that_cannot_be_counted_on_leaves_counting_to_the_hook() {
    assert!(__merge_counted_owned.is_empty());
    __merge_hook_owned.set(record_owned);
    assert_eq!(owned(vec![1, 2, 3], 0), 6);
    assert_eq!(*OWNED.lock().unwrap(), [None, None, None]);
}
