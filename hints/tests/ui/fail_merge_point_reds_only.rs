fn main() {
    let acc = 0;
    hints::global_merge_point!(reds(acc));
}
