#[hints::residual]
const X: i64 = 1;

fn main() {}
