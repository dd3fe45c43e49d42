use hints::{
    concrete, deepfreeze, elidable, global_merge_point, portal, promote, residual, residual_call,
};

#[elidable]
fn cost(op: u8) -> i64 {
    op as i64
}

#[residual]
fn log(x: i64) -> i64 {
    x
}

fn twice(x: i64) -> i64 {
    2 * x
}

#[portal(greens(code, pc))]
fn run(code: &[u8], pc: usize, mut acc: i64) -> i64 {
    let mut pc = pc;
    let code = deepfreeze!(code);
    while pc < code.len() {
        global_merge_point!();
        let op = concrete!(code[pc]);
        pc += 1;
        acc += cost(op);
        let k = promote!(acc % 3);
        acc = log(acc + k);
        acc = residual_call!(twice(acc)) / 2;
    }
    acc
}

fn main() {
    assert_eq!(run(b"ab", 0, 0), 197);
}
