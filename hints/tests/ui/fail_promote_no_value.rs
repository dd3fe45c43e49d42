fn main() {
    let x: i64 = hints::promote!();
    let _ = x;
}
