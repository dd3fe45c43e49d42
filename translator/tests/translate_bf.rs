//! End to end for `bf`: `translate targetbf` builds `bf-c`, which gives byte-identical
//! output with and without the JIT on the real programs of `../shared/bf/` (checked
//! against their expected outputs) and on generated programs (seeded; `E2E_PROGRAMS`
//! sets how many), errors included. `../shared/` lies beside the repository, not in it:
//! on a plain clone the tests of the real programs pass without running and say so on
//! stderr (`--nocapture` shows it); the generated and bad programs always run.

mod common;
use common::rng;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// `bf-c`, translated once for all the tests of this file.
fn bf_c() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("bf-e2e-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("bf-c");
        common::translate("targetbf", &out);
        out
    })
}

/// `../shared/bf/` beside the repository, or `None` (after a line on stderr saying the
/// test is skipped, shown even when the harness captures output) when it is not there.
fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bf");
    if dir.is_dir() {
        Some(dir)
    } else {
        // Past the test harness's capture, so `cargo test` shows it.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: ../shared/bf not found (a plain clone has no ../shared; CI provides it)"
        );
        None
    }
}

/// (exit code, stdout bytes, stderr) of `bf-c MODE... PROGRAM` with `input` on stdin,
/// killed after `secs` seconds.
fn run(mode: &[&str], prog: &Path, input: &[u8], secs: u64) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(bf_c())
        .args(mode)
        .arg(prog)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run bf-c");
    // A program that stops before reading its input closes the pipe: not an error.
    let _ = child.stdin.take().unwrap().write_all(input);
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    let out = match rx.recv_timeout(std::time::Duration::from_secs(secs)) {
        Ok(o) => o.expect("wait for bf-c"),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("bf-c {mode:?} {}: no result after {secs} s", prog.display());
        }
    };
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Tiny units in a tiny code space: a run outgrows the code space and goes on in the
/// JIT's fallback engine.
const CRAMPED: &[&str] = &["--jit-max-states", "2", "--jit-code-space", "4K"];

/// Runs the real program `name` in each of `modes` against its expected output; runs
/// nothing when `../shared/bf/` is not there.
fn real_program(name: &str, modes: &[&[&str]]) {
    let Some(dir) = shared_dir() else {
        return;
    };
    let prog = dir.join(format!("{name}.b"));
    let expected = std::fs::read(dir.join(format!("{name}.out")))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join(format!("{name}.out")).display()));
    for m in modes {
        let (code, out, err) = run(m, &prog, b"", 300);
        assert_eq!((code, err.as_str()), (0, ""), "{name} {m:?}");
        assert!(
            out == expected,
            "{name} {m:?}: output differs from {name}.out"
        );
    }
}

#[test]
fn beer_gives_its_output_with_and_without_the_jit() {
    real_program(
        "99beer",
        &[
            &["--no-jit"],
            &["--backend", "x86"],
            &["--backend", "x86", "--jit-threshold", "1"],
            &["--backend", "reference", "--jit-threshold", "1"],
            &["--backend", "x86", "--jit-threshold", "2"],
            &["--jit-lazy-exits", "--jit-threshold", "1"],
        ],
    );
}

/// What the JIT compiled for a run, from its log: each unit's and fragment's counts of
/// merge states, paths and operations, without timings.
fn compile_counts(log: &str) -> String {
    log.lines()
        .filter_map(|l| l.strip_prefix("NOTE "))
        .filter(|l| l.contains(": compiled "))
        .map(|l| l.split(" in ").next().unwrap_or(l).to_string() + "\n")
        .collect()
}

/// The JIT log of a run of 99beer with `mode` (its output checked), or `None` without
/// ../shared.
fn beer_log(what: &str, mode: &[&str]) -> Option<String> {
    shared_dir()?;
    let dir = std::env::temp_dir().join(format!("bf-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("jit.log");
    let mut mode = mode.to_vec();
    mode.extend(["--jit-log", log.to_str().unwrap()]);
    real_program("99beer", &[&mode]);
    let text = String::from_utf8_lossy(&std::fs::read(&log).unwrap()).into_owned();
    let _ = std::fs::remove_dir_all(&dir);
    Some(text)
}

/// With hot-spot detection, compiled code is entered from the interpreter's loop and
/// leaves for it at code it never ran; the JIT log's last line counts both, and the
/// output is the program's.
#[test]
fn beer_enters_and_leaves_compiled_code_in_mid_run() {
    let Some(text) = beer_log("traffic", &["--jit-threshold", "20"]) else {
        return;
    };
    let end = text
        .lines()
        .find_map(|l| l.strip_prefix("NOTE end: "))
        .expect("the log's summary");
    let count = |what: &str| -> u64 {
        end.split([';', ','])
            .find(|p| p.contains(what))
            .and_then(|p| p.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    assert!(count("entries from the interpreter") >= 1, "{end}");
    assert!(count("exits to it") >= 1, "{end}");
    assert!(
        text.contains("passed merge key"),
        "the log says why a unit was compiled"
    );
}

/// A panic inside the compiler (injected with `--jit-test-panic`) leaves that unit
/// uncompiled, says so in the JIT log, and the run goes on with the right output
/// (checked by `beer_log`), compiling the loops that get hot later.
#[test]
fn a_panic_inside_the_compiler_leaves_its_unit_to_the_interpreter() {
    let Some(text) = beer_log("panic", &["--jit-threshold", "20", "--jit-test-panic", "0"]) else {
        return;
    };
    assert!(
        text.contains("run#0: loop from the interpreter, entry 0: not compiled")
            && text.contains("internal error while compiling: --jit-test-panic 0"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("run#1") && l.contains(": compiled ")),
        "a later unit is compiled:\n{text}"
    );
}

/// Loops that get hot one after another in the interpreter are entries into the unit
/// compiled for the first: one unit, whose later entries compile only what it lacked
/// (each new unit used to compile again everything the interpreter had run).
#[test]
fn loops_hot_in_turn_are_entries_of_one_unit() {
    let Some(text) = beer_log("entries", &["--jit-threshold", "20"]) else {
        return;
    };
    let units = text
        .lines()
        .filter(|l| l.contains(": loop from the interpreter, entry "))
        .count();
    let entries = text
        .lines()
        .filter(|l| l.contains(": the interpreter enters at entry "))
        .count();
    assert_eq!(units, 1, "{text}");
    assert!(entries >= 10, "{entries} entries:\n{text}");
    // An entry at a state the unit has a block for compiles no merge state.
    assert!(
        text.lines()
            .any(|l| l.contains("the interpreter enters at entry")
                && l.contains("compiled 0 merge states")),
        "{text}"
    );
}

/// How much a real program compiles to is a golden figure: a change in how paths are
/// followed, split and merged shows here. Off-the-tape errors need no path of their
/// own, and a path after a join goes on in line.
#[test]
fn what_99beer_compiles_to() {
    let Some(text) = beer_log("counts", &["--jit-threshold", "1"]) else {
        return;
    };
    insta::assert_snapshot!("beer_compile_counts", compile_counts(&text));
}

/// Programs whose code is mostly cold, each of which once made the JIT compile for
/// minutes or gigabytes: with hot-spot detection they give `--no-jit`'s output within
/// the run's time limit.
#[test]
fn mostly_cold_programs_stay_interpreted() {
    let dir = std::env::temp_dir().join(format!("bf-cold-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, src) in [
        (
            "straight",
            (">+".repeat(10000) + &"<-".repeat(10000)).repeat(10),
        ),
        ("loops", "+[-]".repeat(30000) + "+++[.-]"),
        (
            "nested",
            format!("+{}-{}+++[.-]", "[".repeat(54000), "]".repeat(54000)),
        ),
    ] {
        let prog = dir.join(format!("{name}.b"));
        std::fs::write(&prog, src).unwrap();
        let plain = run(&["--no-jit"], &prog, b"", 20);
        assert_eq!(plain.0, 0, "{name}: {}", plain.2);
        for m in [&[][..], &["--backend", "reference"][..]] {
            assert_eq!(run(m, &prog, b"", 20), plain, "{name} with {m:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_full_code_space_goes_on_in_the_fallback_engine() {
    if shared_dir().is_none() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("bf-full-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("jit.log");
    let mut mode = vec!["--jit-threshold", "1", "--jit-log", log.to_str().unwrap()];
    mode.extend_from_slice(CRAMPED);
    real_program("99beer", &[&mode]);
    let log = String::from_utf8_lossy(&std::fs::read(&log).unwrap()).into_owned();
    assert!(
        log.contains("code space exhausted") && log.contains("(fallback engine): compiled"),
        "the log shows no fallback:\n{log}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hanoi_gives_its_output_with_and_without_the_jit() {
    real_program("hanoi", &[&["--no-jit"], &["--backend", "x86"]]);
}

#[test]
fn mandelbrot_gives_its_output_with_and_without_the_jit() {
    real_program("mandelbrot", &[&["--no-jit"], &["--backend", "x86"]]);
}

/// Random commands at nesting `depth`. Every loop ends: its body leaves the pointer
/// where it found it, leaves the loop's cell alone except for one `-` at the end (so
/// the cell counts down), and nests only loops of the same kind on other cells. At the
/// top level `<` may move off the tape (an error).
fn bf_body(next: &mut impl FnMut() -> u64, depth: u32, out: &mut String) {
    let n = next() % 12;
    // The pointer's offset from the loop's cell (0 at the top level: no constraint).
    let mut at: i64 = 0;
    for _ in 0..n {
        match next() % 10 {
            0 | 1 => {
                out.push('>');
                at += 1;
            }
            2 if depth == 0 || at > 1 => {
                out.push('<');
                at -= 1;
            }
            3 | 4 if depth == 0 || at != 0 => out.push(if next() % 2 == 0 { '+' } else { '-' }),
            5 => out.push('.'),
            6 if depth == 0 || at != 0 => out.push(','),
            7 if depth < 2 && (depth == 0 || at != 0) => {
                out.push('[');
                bf_body(next, depth + 1, out);
                out.push_str("-]");
            }
            _ => {}
        }
    }
    if depth > 0 {
        // Back to the loop's cell.
        while at > 0 {
            out.push('<');
            at -= 1;
        }
    }
}

fn random_bf(seed: u64) -> String {
    let mut next = rng(seed);
    let mut s = String::new();
    bf_body(&mut next, 0, &mut s);
    s
}

#[test]
fn generated_programs_agree_with_the_plain_interpreter() {
    let dir = std::env::temp_dir().join(format!("bf-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let count: u64 = std::env::var("E2E_PROGRAMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let mut errors = 0;
    for seed in 0..count {
        let src = random_bf(seed);
        let prog = dir.join(format!("p{seed}.b"));
        std::fs::write(&prog, &src).unwrap();
        let input: Vec<u8> = (0..(seed % 5)).map(|i| (seed * 31 + i * 7) as u8).collect();
        let plain = run(&["--no-jit"], &prog, &input, 20);
        assert!(
            plain.0 == 0 || plain.0 == 1,
            "{src}: plain run crashed: {plain:?}"
        );
        errors += (plain.0 == 1) as u32;
        for m in [
            &["--backend", "x86", "--jit-threshold", "1"][..],
            &["--backend", "reference", "--jit-threshold", "1"][..],
            &["--backend", "x86", "--jit-threshold", "2"][..],
            &["--backend", "reference", "--jit-threshold", "3"][..],
            &["--jit-lazy-exits", "--jit-threshold", "1"][..],
            CRAMPED,
        ] {
            assert_eq!(
                run(m, &prog, &input, 20),
                plain,
                "program {src:?} with {m:?}"
            );
        }
    }
    // Both outcomes are exercised.
    assert!(
        errors > 0 && (errors as u64) < count,
        "{errors} of {count} programs failed"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_programs_are_the_same_errors_with_and_without_the_jit() {
    let dir = std::env::temp_dir().join(format!("bf-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (src, msg) in [
        ("+[>+<-", "unmatched `[` at line 1, column 2"),
        ("+\n-]", "unmatched `]` at line 2, column 2"),
        (
            "<",
            "the pointer moved off the tape (30000 cells) at command 0",
        ),
        (
            "+[>+]",
            "the pointer moved off the tape (30000 cells) at command 2",
        ),
    ] {
        let prog = dir.join("bad.b");
        std::fs::write(&prog, src).unwrap();
        let plain = run(&["--no-jit"], &prog, b"", 20);
        assert_eq!(plain.0, 1, "{src}");
        assert!(plain.2.contains(msg), "{src}: {}", plain.2);
        for m in common::JIT_MODES {
            assert_eq!(run(m, &prog, b"", 20), plain, "{src} with {m:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
