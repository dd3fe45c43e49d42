#[hints::portal(reds(a))]
fn run(code: &[u8], a: i64) -> i64 {
    code.len() as i64 + a
}

fn main() {}
