//! End to end: `translate tlr` builds `tlr-c`, and `tlr-c` gives the plain interpreter's
//! results and errors with the JIT on either backend, on `square` and on generated
//! programs (seeded; `E2E_PROGRAMS` sets how many).

use std::path::{Path, PathBuf};
use std::process::Command;

fn translate_tlr(dir: &Path) -> PathBuf {
    let out = dir.join("tlr-c");
    let st = Command::new(env!("CARGO_BIN_EXE_translate"))
        .args(["tlr", "-q", "-o"])
        .arg(&out)
        .status()
        .expect("run translate");
    assert!(st.success(), "translate tlr failed");
    out
}

/// (exit code, stdout, stderr) of `tlr-c MODE... program arg`.
fn run(bin: &Path, mode: &[&str], prog: &Path, arg: i64) -> (i32, String, String) {
    let o = Command::new(bin)
        .args(mode)
        .arg(prog)
        .arg(arg.to_string())
        .output()
        .expect("run tlr-c");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

const MODES: [&[&str]; 3] = [
    &["--no-jit"],
    &["--backend", "x86"],
    &["--backend", "reference"],
];

fn check(bin: &Path, prog: &Path, arg: i64, what: &str) {
    let plain = run(bin, MODES[0], prog, arg);
    assert!(
        plain.0 == 0 || plain.0 == 1,
        "{what}: plain run crashed: {plain:?}"
    );
    for m in &MODES[1..] {
        let jit = run(bin, m, prog, arg);
        assert_eq!(jit, plain, "{what} a={arg} with {m:?}");
    }
}

fn mnemonic(op: i64) -> &'static str {
    [
        "?",
        "MOV_A_R",
        "MOV_R_A",
        "JUMP_IF_A",
        "SET_A",
        "ADD_R_TO_A",
        "RETURN_A",
        "ALLOCATE",
        "NEG_A",
    ][op as usize]
}

/// A random program: forward jumps, or a countdown loop around a random body, so every
/// program ends.
fn random_program(seed: u64) -> String {
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut lines = Vec::new();
    let looping = next() % 3 == 0;
    let base = if looping {
        // regs[0] counts down from 3; the body may use regs 1..3.
        lines
            .extend(["ALLOCATE 4", "MOV_A_R 1", "SET_A 3", "MOV_A_R 0", "loop:"].map(String::from));
        5
    } else {
        0
    };
    let n = 1 + (next() % 16) as usize;
    for i in 0..n {
        let mut op = 1 + (next() % 8) as i64;
        if looping && (op == 7 || op == 3) {
            op = 5; // no reallocation or jumps inside the loop body
        }
        let arg = match op {
            3 => (base + i + 1 + (next() % 3) as usize) as i64,
            4 => [0, 1, -1, i64::MAX, i64::MIN, 7][(next() % 6) as usize],
            7 => (next() % 5) as i64,
            _ if looping => 1 + (next() % 3) as i64,
            _ => (next() % 5) as i64 - (next() % 2) as i64,
        };
        lines.push(format!("{} {arg}", mnemonic(op)));
    }
    if looping {
        lines.extend(
            [
                "MOV_A_R 1",
                "SET_A -1",
                "ADD_R_TO_A 0",
                "MOV_A_R 0",
                "MOV_R_A 1",
                "MOV_A_R 3",
                "MOV_R_A 0",
                "JUMP_IF_A loop",
                "MOV_R_A 3",
            ]
            .map(String::from),
        );
    }
    if next() % 4 != 0 {
        lines.push("RETURN_A".into());
    }
    lines.join("\n") + "\n"
}

#[test]
fn tlr_c_agrees_with_the_plain_interpreter() {
    let dir = std::env::temp_dir().join(format!("tlr-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = translate_tlr(&dir);
    let square = Path::new(env!("CARGO_MANIFEST_DIR")).join("../targets/tlr/examples/square.tlr");
    for a in [1, 2, 7, 40, 1764] {
        check(&bin, &square, a, "square");
    }
    assert_eq!(
        run(&bin, &["--backend", "x86"], &square, 1764).1,
        "3111696\n"
    );
    let n: u64 = std::env::var("E2E_PROGRAMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let prog = dir.join("p.tlr");
    for seed in 0..n {
        let src = random_program(seed);
        std::fs::write(&prog, &src).unwrap();
        let a = [0, 1, 5, -3, i64::MAX][(seed % 5) as usize];
        check(&bin, &prog, a, &format!("seed {seed}:\n{src}"));
    }
    // Bad programs: the same message and status with and without the JIT.
    for (src, a) in [
        ("FOO 1\n", 0),
        ("SET_A x\n", 0),
        ("JUMP_IF_A nowhere\n", 1),
        ("MOV_R_A 0\nRETURN_A\n", 1),
        ("NEG_A\n", 1),
    ] {
        std::fs::write(&prog, src).unwrap();
        check(&bin, &prog, a, src);
        assert_eq!(run(&bin, &["--backend", "x86"], &prog, a).0, 1, "{src}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
