//! The proof that the JIT is generated: a small interpreter that no target has, written
//! into a temporary crate with hints, translated by path, and run with and without the
//! JIT. Nothing in the toolchain knows its opcodes.

mod common;
use std::path::{Path, PathBuf};
use std::process::Command;

const LIB: &str = r#"
//! `acc`: a two-register machine. The program is a byte string:
//! `+` x += y, `-` y -= 1, `*` x *= 2, `~` swap x and y, `p` x += y % 4 (promoted),
//! `<` back to the start when y != 0, `.` stop; a bank of 4 cells: `s` cell[y % 4] = x,
//! `r` x = cell[y % 4] (indexes known only at run time), `t` x = the cells' total (a
//! helper that is called, not analysed); two banks of 31 cells at constant indexes:
//! `A` a[0] += y, x ^= a[0]; `B` b[30] += x, y ^= b[30] & 7; `d` x = x * 3 + 1 (wrapping)
//! by a helper that is analysable but called where `d` uses it; `m` x = x and y combined
//! by their kinds (a match on the pair, with guards). At the end the result is x.
use hints::{concrete, global_merge_point, portal, promote, residual, residual_call};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Overflow,
    BadOp(u8),
}

#[portal(greens(code, start))]
pub fn run(code: &[u8], start: usize, x: i64, y: i64) -> Result<i64, Error> {
    // The loop's program counter is not named like the portal's green: the merge point
    // lists its greens (and its reds).
    let mut pc = start;
    let mut x = x;
    let mut y = y;
    let mut cells: Vec<i64> = vec![0; 4];
    let mut a: Vec<i64> = vec![0; 31];
    let mut b: Vec<i64> = vec![0; 31];
    while pc < code.len() {
        global_merge_point!(greens(code, pc), reds(x, y, cells, a, b));
        let op = concrete!(code[pc]);
        pc += 1;
        match op {
            b'+' => x = x.checked_add(y).ok_or(Error::Overflow)?,
            b'-' => y = y.checked_sub(1).ok_or(Error::Overflow)?,
            b'*' => x = x.checked_mul(2).ok_or(Error::Overflow)?,
            b'~' => {
                let t = x;
                x = y;
                y = t;
            }
            b'<' => {
                if y != 0 {
                    pc = 0;
                }
            }
            b'p' => {
                // A run-time value made green: the code after it is compiled per value.
                let k = promote!(y % 4);
                x = x.checked_add(k).ok_or(Error::Overflow)?;
            }
            b's' => cells[y.rem_euclid(4) as usize] = x,
            b'r' => x = cells[y.rem_euclid(4) as usize],
            b't' => x = total(&cells),
            b'd' => x = residual_call!(step(x)),
            b'A' => {
                a[0] = a[0].wrapping_add(y);
                x ^= a[0];
            }
            b'B' => {
                b[30] = b[30].wrapping_add(x);
                y ^= b[30] & 7;
            }
            b'm' => x = combine(classify(x), classify(y)),
            b'.' => return Ok(x),
            _ => return Err(Error::BadOp(op)),
        }
    }
    Ok(x)
}

/// The kinds of values of a dynamic language, for `m`.
#[derive(Clone, Copy)]
pub enum Val {
    Nil,
    Small(i64),
    Big(i64),
    Flag(bool),
}

pub fn classify(v: i64) -> Val {
    if v == 0 {
        Val::Nil
    } else if v == 1 || v == -1 {
        Val::Flag(v > 0)
    } else if v > -100 && v < 100 {
        Val::Small(v)
    } else {
        Val::Big(v)
    }
}

/// A binary operation by the kinds of both operands.
pub fn combine(a: Val, b: Val) -> i64 {
    match (a, b) {
        (Val::Small(p), Val::Small(q)) if p < q => q - p,
        (Val::Small(p), Val::Small(q)) => p.wrapping_add(q),
        (Val::Big(p), Val::Small(q)) | (Val::Small(q), Val::Big(p)) => p.wrapping_sub(q),
        (Val::Flag(true), Val::Flag(f)) => if f { 3 } else { 2 },
        (Val::Nil, Val::Nil) => 7,
        (Val::Nil, Val::Small(n) | Val::Big(n)) | (Val::Small(n) | Val::Big(n), Val::Nil) => n,
        (Val::Big(p), Val::Big(q)) => p ^ q,
        (Val::Flag(_), _) | (_, Val::Flag(_)) => 1,
    }
}

/// `x * 3 + 1`, wrapping.
pub fn step(x: i64) -> i64 {
    x.wrapping_mul(3).wrapping_add(1)
}

/// The sum of the cells, wrapping.
#[residual]
pub fn total(cells: &[i64]) -> i64 {
    cells.iter().fold(0i64, |a, c| a.wrapping_add(*c))
}
"#;

const MAIN: &str = r#"
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = hints::args();
    let [prog, x, y] = args.as_slice() else {
        eprintln!("usage: acc PROGRAM X Y");
        return ExitCode::from(2);
    };
    let (Ok(x), Ok(y)) = (x.parse::<i64>(), y.parse::<i64>()) else {
        eprintln!("error: X and Y must be integers");
        return ExitCode::FAILURE;
    };
    match acc::run(prog.as_bytes(), 0, x, y) {
        Ok(r) => {
            println!("{r}");
            ExitCode::SUCCESS
        }
        Err(acc::Error::Overflow) => {
            eprintln!("error: integer overflow");
            ExitCode::FAILURE
        }
        Err(acc::Error::BadOp(b)) => {
            eprintln!("error: bad instruction byte {b}");
            ExitCode::FAILURE
        }
    }
}
"#;

fn write_crate(dir: &Path) -> PathBuf {
    write_crate_with(dir, LIB)
}

/// Both tests translate a crate named `acc` (into the same `target/translate/acc-c`):
/// one at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The `acc` crate with `lib` as its `lib.rs` (and the `main` above).
fn write_crate_with(dir: &Path, lib: &str) -> PathBuf {
    let root = dir.join("acc");
    std::fs::create_dir_all(root.join("src")).unwrap();
    let hints = Path::new(env!("CARGO_MANIFEST_DIR")).join("../hints");
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"acc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nhints = {{ path = {:?} }}\n\n[workspace]\n",
            hints.canonicalize().unwrap()
        ),
    )
    .unwrap();
    std::fs::write(root.join("src/lib.rs"), lib).unwrap();
    std::fs::write(root.join("src/main.rs"), MAIN).unwrap();
    root
}

fn run(bin: &Path, mode: &[&str], args: &[&str]) -> (i32, String, String) {
    let o = Command::new(bin).args(mode).args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_new_interpreter_translates_by_path() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = std::env::temp_dir().join(format!("newlang-{}", std::process::id()));
    let krate = write_crate(&dir);
    let bin = dir.join("acc-c");
    common::translate(&krate, &bin);
    let cases: &[(&str, &str, &str)] = &[
        ("+-<", "0", "100000"),
        ("+-<", "0", "1"),
        ("*-<", "1", "62"),
        ("*-<", "1", "64"),
        ("-+<", "0", "5"),
        ("~-~.", "9", "3"),
        ("+.+", "1", "2"),
        ("+?", "1", "2"),
        ("", "5", "6"),
        ("p-<", "0", "1000"),
        ("pp+-<", "7", "37"),
        // The cells: written and read at run-time indexes, and passed to a helper.
        ("s-+s-r~t", "5", "9"),
        ("s+-r<t", "3", "50"),
        ("~s~-<t", "1", "12"),
        ("st", "-7", "3"),
        // `m`: a match on the kinds of x and y, with guards, in a loop.
        ("m-<", "3", "150"),
        ("mm-<", "-200", "40"),
        ("m-<", "-5", "90"),
        ("m.", "0", "0"),
        ("m.", "1", "-1"),
        ("m.", "1", "1"),
        ("m*-<", "5", "30"),
    ];
    for (prog, x, y) in cases {
        let plain = run(&bin, &["--no-jit"], &[prog, x, y]);
        for mode in common::JIT_MODES {
            assert_eq!(
                run(&bin, mode, &[prog, x, y]),
                plain,
                "{prog} {x} {y} {mode:?}"
            );
        }
    }
    assert_eq!(run(&bin, &[], &["+-<", "0", "100000"]).1, "5000050000\n");
    assert_eq!(
        run(&bin, &[], &["*-<", "1", "64"]).2,
        "error: integer overflow\n"
    );
    // The JIT did compile: its log names the portal's unit.
    let log = dir.join("jit.log");
    let log_s = log.to_str().unwrap();
    run(
        &bin,
        &["--jit-threshold", "1", "--jit-log", log_s],
        &["+-<", "0", "1000"],
    );
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        text.contains("run#0: compiled"),
        "no compiled unit in the log:\n{text}"
    );
    // A call kept a call by `residual_call!` gives what the interpreter gives.
    for (x, y) in [("1", "20"), ("-7", "5")] {
        let args = ["d-<", x, y];
        let jit = run(&bin, &["--jit-threshold", "1", "--jit-log", log_s], &args);
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(text.contains("run#0: compiled"), "{text}");
        assert_eq!(jit, run(&bin, &["--no-jit"], &args));
    }
    // The cells, indexed at run time and passed to a helper, are compiled too.
    run(
        &bin,
        &["--jit-threshold", "1", "--jit-log", log_s],
        &["s+-r<t", "3", "50"],
    );
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        text.contains("run#0: compiled") && !text.contains("not compiled"),
        "{text}"
    );
    // `p` promotes `y % 4` in a loop: one switch, one case per value, each compiled
    // once; with at most 2 cases, the other values go the generic way, same results.
    run(
        &bin,
        &["--jit-threshold", "1", "--jit-log", log_s],
        &["p-<", "0", "1000"],
    );
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    for v in 0..4 {
        assert_eq!(
            text.matches(&format!("promotion switch 0: case {v}: compiled"))
                .count(),
            1,
            "case {v} of the switch in the log:\n{text}"
        );
    }
    assert_eq!(text.matches(": case ").count(), 4, "{text}");
    // A promotion where the state's words (two banks of 31 cells kept virtual, and more)
    // would not fit the frame: the banks are allocated there, and the unit compiles.
    for (x, y) in [("1", "50"), ("-3", "9")] {
        let args = ["p-<AB", x, y];
        let jit = run(&bin, &["--jit-threshold", "1", "--jit-log", log_s], &args);
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(
            text.contains("run#0: compiled") && !text.contains("not compiled"),
            "{text}"
        );
        assert_eq!(jit, run(&bin, &["--no-jit"], &args));
    }
    for (prog, x, y) in [("p-<", "0", "1000"), ("pp+-<", "7", "37")] {
        let small = run(
            &bin,
            &[
                "--jit-threshold",
                "1",
                "--jit-max-cases",
                "2",
                "--jit-log",
                log_s,
            ],
            &[prog, x, y],
        );
        assert_eq!(small, run(&bin, &["--no-jit"], &[prog, x, y]), "{prog}");
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(text.contains("2 cases, the most"), "{text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The README's example interpreter translates and agrees with itself without the JIT.
#[test]
fn the_readme_example_translates() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let start = readme
        .find("```rust\nuse hints::{concrete, global_merge_point, portal};")
        .expect("the README's example")
        + "```rust\n".len();
    let lib = &readme[start..start + readme[start..].find("```").unwrap()];
    let dir = std::env::temp_dir().join(format!("readme-{}", std::process::id()));
    let krate = write_crate_with(&dir, lib);
    let bin = dir.join("acc-c");
    common::translate(&krate, &bin);
    for (prog, x, y) in [("+-<", "0", "100000"), ("+.", "2", "3"), ("+?", "1", "2")] {
        let plain = run(&bin, &["--no-jit"], &[prog, x, y]);
        assert_eq!(run(&bin, &[], &[prog, x, y]), plain, "{prog}");
    }
    assert_eq!(run(&bin, &[], &["+-<", "0", "100000"]).1, "5000050000\n");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A NaN-boxing interpreter (`corpus/nanbox.rs`, the same `acc` interface): its words
/// go through `to_bits` and `from_bits`.
const NANBOX: &str = include_str!("corpus/nanbox.rs");

/// The front end takes the NaN-boxing interpreter without a diagnostic, and the bit
/// casts of red words become bit moves of the compiled code.
#[test]
fn the_nan_boxing_interpreter_generates_a_frontend() {
    use translator::flow::build::build_program;
    let k = translator::source::Crate::from_source("acc", NANBOX).unwrap();
    let portals = translator::driver::find_portals(&k).unwrap_or_else(|d| panic!("{d:?}"));
    let (prog, diags) = build_program(&k, &portals);
    let r: Vec<String> = diags.iter().map(|d| d.render(&k, false)).collect();
    assert!(diags.is_empty(), "{}", r.join("\n"));
    let (g, greens, a) = translator::driver::annotated_portal(&k, &prog, &portals[0])
        .unwrap_or_else(|d| panic!("{d:?}"));
    let ann = translator::bta::annotated_text(&g, &a);
    assert!(
        ann.contains("float_to_bits") && ann.contains("float_from_bits"),
        "{ann}"
    );
    let p = translator::timeshift::Portal {
        name: portals[0].clone(),
        graph: &g,
        ann: &a,
        greens,
    };
    let frontend = translator::timeshift::generate(&k, &[p]).unwrap_or_else(|d| panic!("{d:?}"));
    assert!(
        frontend.contains("cx.float_bits(true") && frontend.contains("cx.float_bits(false"),
        "{frontend}"
    );
    // `box_int(-1)` is known while compiling: a bit cast of green values.
    assert!(frontend.contains(": f64 = f64::from_bits("), "{frontend}");
}

#[test]
fn a_nan_boxing_interpreter_agrees_with_and_without_the_jit() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = std::env::temp_dir().join(format!("nanbox-{}", std::process::id()));
    let krate = write_crate_with(&dir, NANBOX);
    let bin = dir.join("acc-c");
    common::translate(&krate, &bin);
    let cases: &[(&str, &str, &str)] = &[
        // Integers only, then integers that outgrow 48 bits and go on as floats.
        ("+-<", "0", "100000"),
        ("*-<", "1", "60"),
        ("*-<", "-3", "70"),
        // Floats and integers mixed in the loop; halving; truncating back.
        ("f+h-<", "1", "300"),
        ("h+-<i", "7", "41"),
        ("+~f~-<", "2", "30"),
        // NaN: a float NaN is not a boxed integer; its bits are the result.
        ("n+-<", "0", "10"),
        ("n.", "0", "0"),
        ("ni.", "0", "0"),
        // The bits of a word read as an integer, in a loop.
        ("~f~b-<", "0", "25"),
        ("fb.", "-5", "-9"),
        ("~fh~b.", "3", "7"),
        ("+?", "1", "2"),
        ("", "-140737488355328", "5"),
        ("*.", "140737488355327", "0"),
    ];
    for (prog, x, y) in cases {
        let plain = run(&bin, &["--no-jit"], &[prog, x, y]);
        assert_eq!(
            plain.0 == 0,
            !prog.contains('?'),
            "{prog} {x} {y}: {plain:?}"
        );
        for mode in common::JIT_MODES {
            assert_eq!(
                run(&bin, mode, &[prog, x, y]),
                plain,
                "{prog} {x} {y} {mode:?}"
            );
        }
    }
    // The loops were compiled, not interpreted.
    let log = dir.join("jit.log");
    let log_s = log.to_str().unwrap();
    for prog in ["f+h-<", "~f~b-<"] {
        run(
            &bin,
            &["--jit-threshold", "1", "--jit-log", log_s],
            &[prog, "1", "100"],
        );
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(
            text.contains("run#0: compiled") && !text.contains("not compiled"),
            "{prog}:\n{text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
