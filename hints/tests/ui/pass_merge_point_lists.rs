use hints::{concrete, global_merge_point, portal};

// The loop's program counter is not named like the portal's green `start`: the merge
// point names its green and red variables.
#[portal(greens(code, start))]
fn run(code: &[u8], start: usize, acc: i64) -> i64 {
    let mut pc = start;
    let mut acc = acc;
    while pc < code.len() {
        global_merge_point!(greens(code, pc), reds(acc));
        let op = concrete!(code[pc]);
        pc += 1;
        acc += op as i64;
    }
    acc
}

#[portal(greens(code))]
fn count(code: &[u8], n: i64) -> i64 {
    let mut i = 0;
    let mut n = n;
    while i < code.len() {
        global_merge_point!(greens(code, i));
        i += 1;
        n -= 1;
    }
    n
}

fn main() {
    assert_eq!(run(b"ab", 1, 0), 98);
    assert_eq!(count(b"ab", 5), 3);
}
