fn helper(x: i64) -> i64 {
    x + 1
}

fn main() {
    let y = hints::residual_call!(helper);
    let _ = (y, helper(1));
}
