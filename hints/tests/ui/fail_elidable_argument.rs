#[hints::elidable(pure)]
fn f(x: i64) -> i64 {
    x
}

fn main() {}
