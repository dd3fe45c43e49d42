fn main() {
    let pc = 0;
    hints::global_merge_point!(pc);
}
