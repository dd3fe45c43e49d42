fn main() {
    let (a, b) = (1, 2);
    let x: i64 = hints::concrete!(a, b);
    let _ = x;
}
