//! End to end: `translate tlr` and `translate tl` build `tlr-c` and `tl-c`, and each
//! gives the plain interpreter's results and errors with the JIT on either backend, on
//! the examples and on generated programs (seeded; `E2E_PROGRAMS` sets how many per
//! target).

mod common;
use common::rng;
use std::path::{Path, PathBuf};
use std::process::Command;

fn translate(target: &str, dir: &Path) -> PathBuf {
    let out = dir.join(format!("{target}-c"));
    common::translate(target, &out);
    out
}

fn programs() -> u64 {
    std::env::var("E2E_PROGRAMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500)
}

/// (exit code, stdout, stderr) of `BIN MODE... program arg`.
fn run(bin: &Path, mode: &[&str], prog: &Path, arg: i64) -> (i32, String, String) {
    // Every generated program ends quickly; a hang is a failure, not a stuck test.
    common::run_watched(
        Command::new(bin).args(mode).arg(prog).arg(arg.to_string()),
        std::time::Duration::from_secs(20),
        std::time::Duration::from_millis(1),
        &format!("{} {mode:?} {} {arg}", bin.display(), prog.display()),
        |_| {},
    )
}

/// The plain interpreter, then each way of running with the JIT: everything compiled at
/// the first call on both backends; side exits compiled when first taken; tiny units in
/// a tiny code space, so runs go on in the JIT's fallback engine; compiled code entered
/// from the interpreter once a key is passed twice (or three times), leaving for it at
/// keys it never passed, the first with loops freeing the vectors they no longer reach
/// at every turn that allocated.
const MODES: [&[&str]; 7] = [
    &["--no-jit"],
    &["--backend", "x86", "--jit-threshold", "1"],
    &["--backend", "reference", "--jit-threshold", "1"],
    &["--jit-lazy-exits", "--jit-threshold", "1"],
    &[
        "--jit-max-states",
        "2",
        "--jit-code-space",
        "4K",
        "--jit-threshold",
        "1",
    ],
    common::JIT_MODES[2],
    &["--backend", "reference", "--jit-threshold", "3"],
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

/// A random program: forward jumps, or a countdown loop (of 3 to 2,000 turns) around a
/// random body, which may make a new register vector each turn, so every program ends.
fn random_tlr(seed: u64) -> String {
    let mut next = rng(seed);
    let mut lines = Vec::new();
    let looping = next() % 3 == 0;
    let base = if looping {
        // regs[0] counts down; the body may use regs 1..3.
        let turns = [3, 40, 2000][(next() % 3) as usize];
        lines.extend(
            [
                "ALLOCATE 4",
                "MOV_A_R 1",
                &format!("SET_A {turns}"),
                "MOV_A_R 0",
                "loop:",
            ]
            .map(String::from),
        );
        5
    } else {
        0
    };
    let n = 1 + (next() % 16) as usize;
    for i in 0..n {
        let mut op = 1 + (next() % 8) as i64;
        if looping && op == 7 {
            // A new register vector (short or long) that keeps the count.
            let size = [4, 4 + (next() % 30) as i64, 100][(next() % 3) as usize];
            lines.extend([
                "MOV_R_A 0".to_string(),
                format!("ALLOCATE {size}"),
                "MOV_A_R 0".to_string(),
            ]);
            continue;
        }
        if looping && op == 3 {
            op = 5; // no jumps inside the loop body
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

/// One target's differential test: translate it, then check its example (with the
/// arguments given and one expected output), generated programs and bad programs, each
/// with the JIT on both backends against `--no-jit`.
struct Differential<'a> {
    target: &'a str,
    example: &'a str,
    example_args: &'a [i64],
    /// An argument of the example and the x86 JIT's expected stdout.
    expect: (i64, &'a str),
    random: fn(u64) -> String,
    /// Bad programs and run-time errors: exit status 1 and the same message either way.
    bad: &'a [(&'a str, i64)],
    /// More checks on the translated binary, given it and the example's path.
    also: fn(&Path, &Path),
}

impl Differential<'_> {
    fn run(&self) {
        let t = self.target;
        let dir = std::env::temp_dir().join(format!("{t}-e2e-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bin = translate(t, &dir);
        let example = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../targets")
            .join(t)
            .join("examples")
            .join(self.example);
        for a in self.example_args {
            check(&bin, &example, *a, self.example);
        }
        let (a, out) = self.expect;
        assert_eq!(run(&bin, &["--backend", "x86"], &example, a).1, out);
        let prog = dir.join(format!("p.{t}"));
        for seed in 0..programs() {
            let src = (self.random)(seed);
            std::fs::write(&prog, &src).unwrap();
            let a = [0, 1, 5, -3, i64::MAX][(seed % 5) as usize];
            check(&bin, &prog, a, &format!("seed {seed}:\n{src}"));
        }
        for (src, a) in self.bad {
            std::fs::write(&prog, src).unwrap();
            check(&bin, &prog, *a, src);
            assert_eq!(run(&bin, &["--backend", "x86"], &prog, *a).0, 1, "{src}");
        }
        (self.also)(&bin, &example);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn tlr_c_agrees_with_the_plain_interpreter() {
    Differential {
        target: "tlr",
        example: "square.tlr",
        example_args: &[1, 2, 7, 40, 1764],
        expect: (1764, "3111696\n"),
        random: random_tlr,
        bad: &[
            ("FOO 1\n", 0),
            ("SET_A x\n", 0),
            ("JUMP_IF_A nowhere\n", 1),
            ("MOV_R_A 0\nRETURN_A\n", 1),
            ("NEG_A\n", 1),
        ],
        also: |bin, square| {
            square_loop_keeps_registers_in_registers(bin, square);
            vectors_made_in_a_loop_are_freed(bin);
        },
    }
    .run();
}

/// A loop that allocates a vector of 10,000 registers each turn and drops the last
/// runs in fixed memory with the JIT, as it does without.
fn vectors_made_in_a_loop_are_freed(bin: &Path) {
    let dir = bin.parent().unwrap();
    std::fs::write(
        dir.join("alloc.tlr"),
        "        ALLOCATE 2\n        MOV_A_R 0\nloop:   ALLOCATE 10000\n        MOV_A_R 0\n\
         \x20       SET_A 1\n        NEG_A\n        ADD_R_TO_A 0\n        MOV_A_R 0\n\
         \x20       JUMP_IF_A loop\n        RETURN_A\n",
    )
    .unwrap();
    let limit = std::time::Duration::from_secs(60);
    let mut peaks = Vec::new();
    for mode in [&["--no-jit"][..], &[], &["--jit-threshold", "1"]] {
        let (out, peak) =
            common::run_measuring_peak(bin, mode, &["alloc.tlr", "30000"], dir, limit);
        assert_eq!(out, "0\n", "{mode:?}");
        peaks.push(peak);
    }
    // 30,000 vectors of 80 KB: 2.4 GB if none were freed before the call returns.
    assert!(
        peaks.iter().all(|p| *p < peaks[0] + 32 * 1024),
        "peak memory (KB) without the JIT, with it, compiled at once: {peaks:?}"
    );
    // The JIT log says so.
    let log = dir.join("alloc.log");
    let (_, out, _) = common::run_bin(
        bin,
        &["--jit-log", log.to_str().unwrap()],
        [dir.join("alloc.tlr").display().to_string(), "3000".into()],
    );
    assert_eq!(out, "0\n");
    let text = std::fs::read_to_string(&log).unwrap();
    let sweeps = text
        .lines()
        .find_map(|l| {
            l.split("; ")
                .find_map(|p| p.strip_suffix(" red vectors and structs"))
        })
        .unwrap_or_else(|| panic!("no sweep count in the JIT log:\n{text}"));
    assert!(!sweeps.starts_with("0 sweeps"), "{sweeps}");
    eprintln!("alloc.tlr peaks (KB): --no-jit, JIT, --jit-threshold 1: {peaks:?}");
}

/// The JIT log of `square`: the loop (the block that jumps to itself) reads and writes
/// no memory, since the register array is virtual.
fn square_loop_keeps_registers_in_registers(bin: &Path, square: &Path) {
    let log = bin.with_extension("log");
    let (code, out, _) = run(
        bin,
        &["--jit-threshold", "1", "--jit-log", log.to_str().unwrap()],
        square,
        1764,
    );
    assert_eq!((code, out.as_str()), (0, "3111696\n"));
    let text = std::fs::read_to_string(&log).unwrap();
    let parsed = backend::jitlog::parse(&text).expect("a JIT log");
    let listing = backend::viewcode::render(&parsed);
    // Blocks: a label line, then instructions.
    let mut blocks: Vec<(String, Vec<&str>)> = Vec::new();
    for line in listing.lines() {
        if let Some(label) = line.strip_suffix(':').filter(|l| !l.starts_with(' ')) {
            blocks.push((label.trim().to_string(), Vec::new()));
        } else if let Some(b) = blocks.last_mut() {
            b.1.push(line);
        }
    }
    let loops: Vec<&(String, Vec<&str>)> = blocks
        .iter()
        .filter(|(label, body)| {
            body.iter()
                .any(|l| l.contains(" jmp ") && l.ends_with(&format!("; {label}")))
        })
        .collect();
    assert_eq!(loops.len(), 1, "one loop block expected:\n{listing}");
    let (label, body) = loops[0];
    for l in body {
        assert!(!l.contains('['), "{label} touches memory: {l}\n{listing}");
    }
}

/// A random TL instruction that cannot jump backward: (text, words).
fn tl_straight(next: &mut impl FnMut() -> u64) -> (String, usize) {
    let pick = |next: &mut dyn FnMut() -> u64, xs: &[i64]| xs[(next() % xs.len() as u64) as usize];
    match next() % 20 {
        0 => ("NOP".into(), 1),
        1..=4 => {
            let n = pick(next, &[0, 1, 2, 3, -1, 7, 100, i64::MAX, i64::MIN, 1 << 40]);
            (format!("PUSH {n}"), 2)
        }
        5 => ("POP".into(), 1),
        6 => ("SWAP".into(), 1),
        7 => (
            format!("ROLL {}", pick(next, &[-4, -3, -2, -1, 0, 1, 2, 3, 4])),
            2,
        ),
        8 => (format!("PICK {}", pick(next, &[0, 1, 2, 3, -1, -2])), 2),
        9 => (format!("PUT {}", pick(next, &[0, 1, 2, -1])), 2),
        10..=15 => {
            let ops = [
                "ADD", "SUB", "MUL", "DIV", "EQ", "NE", "LT", "LE", "GT", "GE",
            ];
            (ops[(next() % ops.len() as u64) as usize].into(), 1)
        }
        _ => ("PUSHARG".into(), 1),
    }
}

/// A random straight-line TL body with forward `BR_COND` and `BR_COND_STK` jumps (to
/// instruction starts or past the end of the body), ending with `end`.
fn tl_body(next: &mut impl FnMut() -> u64, label: &str, end: &str) -> Vec<String> {
    let n = 1 + (next() % 14) as usize;
    let mut instrs: Vec<(String, usize)> = (0..n).map(|_| tl_straight(next)).collect();
    // Forward jumps: a label on a later instruction, or a computed offset.
    let mut lines = Vec::new();
    let mut labels = 0;
    let mut i = 0;
    while i < instrs.len() {
        match next() % 8 {
            0 => {
                let t = i + 1 + (next() % 3) as usize;
                let name = format!("{label}_{labels}");
                labels += 1;
                lines.push(format!("BR_COND {name}"));
                let at = t.min(instrs.len());
                instrs.insert(at, (format!("{name}: NOP"), 1));
            }
            1 => {
                // Skip the next k instructions: their words.
                let k = (next() % 3) as usize;
                let off: usize = instrs[i..(i + k).min(instrs.len())]
                    .iter()
                    .map(|x| x.1)
                    .sum();
                if next() % 2 == 0 {
                    lines.push(format!("PUSH {off}"));
                } else {
                    // The same offset, computed from the argument: known only at run time.
                    lines.extend(["PUSHARG", "PUSH 0", "MUL"].map(String::from));
                    lines.push(format!("PUSH {off}"));
                    lines.push("ADD".into());
                }
                lines.push("BR_COND_STK".into());
            }
            _ => {}
        }
        lines.push(instrs[i].0.clone());
        i += 1;
    }
    lines.push(end.into());
    lines
}

/// The words of a TL instruction: 2 with an operand, else 1.
fn tl_words(instr: &str) -> usize {
    let instr = instr.rsplit(':').next().unwrap().trim();
    if instr.split_whitespace().count() > 1 {
        2
    } else {
        1
    }
}

/// A random TL program: a straight body, or a countdown loop (closed by `BR_COND`, by
/// `BR_COND_STK` with a constant offset, or by one computed from run-time values) that
/// adds the results of a called random function and, on even counts, skips an addition
/// through a `BR_COND_STK` whose offset changes from one iteration to the next.
fn random_tl(seed: u64) -> String {
    let mut next = rng(seed);
    let mut lines = Vec::new();
    if next() % 2 == 0 {
        lines.extend(tl_body(&mut next, "m", "RETURN"));
    } else {
        let count = 1 + next() % 6;
        lines.push("PUSH 0".into());
        lines.push(format!("PUSH {count}"));
        let mut body: Vec<String> = ["loop: SWAP", "CALL body", "ADD", "SWAP"]
            .map(String::from)
            .to_vec();
        if next() % 2 == 0 {
            // Stack [acc, n]: jump 5 words (over `SWAP PUSH 3 ADD SWAP`) when n is even.
            body.extend(
                [
                    "PUSH 1",
                    "PICK 1",
                    "PICK 0",
                    "PUSH 2",
                    "DIV",
                    "PUSH 2",
                    "MUL",
                    "EQ",
                    "PUSH 5",
                    "MUL",
                    "BR_COND_STK",
                    "SWAP",
                    "PUSH 3",
                    "ADD",
                    "SWAP",
                ]
                .map(String::from),
            );
        }
        body.extend(["PUSH 1", "SUB", "PICK 0"].map(String::from));
        let close: &[&str] = match next() % 3 {
            0 => &["BR_COND loop"],
            1 => &["PUSH -N", "BR_COND_STK"],
            // The offset computed from the counter: a run-time value to promote.
            _ => &["PICK 0", "PUSH 0", "MUL", "PUSH -N", "ADD", "BR_COND_STK"],
        };
        body.extend(close.iter().map(|x| x.to_string()));
        let n: usize = body.iter().map(|x| tl_words(x)).sum();
        lines.extend(body.into_iter().map(|x| x.replace("-N", &format!("-{n}"))));
        lines.push("POP".into());
        lines.push("RETURN".into());
        lines.push("body:".into());
        lines.extend(tl_body(&mut next, "b", "RETURN"));
    }
    lines.join("\n") + "\n"
}

#[test]
fn tl_c_agrees_with_the_plain_interpreter() {
    Differential {
        target: "tl",
        example: "factorial.tl",
        example_args: &[0, 1, 5, 20, 21, -4],
        expect: (5, "120\n"),
        random: random_tl,
        bad: &[
            ("FOO\n", 0),
            ("PUSH x\n", 0),
            ("BR_COND nowhere\n", 1),
            ("POP\n", 1),
            ("PUSH 1\nPUSH 0\nDIV\n", 1),
            ("PUSH 1\nPUSH -9\nBR_COND_STK\n", 1),
            ("f: CALL f\n", 1),
            ("PUSH 99\nPUSH 3\nBR_COND_STK\nPUSH 1\n", 1),
        ],
        also: |_, _| {},
    }
    .run();
}
