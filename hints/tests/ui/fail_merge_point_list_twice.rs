fn main() {
    let (code, pc) = (0, 1);
    hints::global_merge_point!(greens(code), greens(pc));
}
