#[hints::portal(greens(x))]
struct S {
    x: i64,
}

fn main() {}
