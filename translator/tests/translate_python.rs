//! `translate targetjit` builds `pyrs-c`, the Python interpreter of `targets/python` with
//! its generated JIT; every program of its corpus (`targets/python/tests/corpus`) and a
//! set of generated programs (`targets/python/tests/gen`) then runs under `pyrs-c` in
//! each JIT mode and with `--no-jit`. Each mode must agree with `python3` (the
//! reference: standard output, exit status, last line of standard error), and each JIT
//! mode with `--no-jit` (the JIT never changes what a program does). Without `python3`
//! the comparison with it is skipped, visibly; the JIT is still checked against the
//! plain interpreter.
//!
//! The modes: the default options (loops and functions compiled once hot, entered from
//! the interpreter and left for it); everything compiled at its first call
//! (`--jit-threshold 1`); compiled at the second pass, so nearly every merge key is
//! entered and left (`--jit-threshold 2`); and the reference backend as the spec of the
//! machine code (`--backend reference --jit-threshold 2`); and with the collector
//! running at nearly every safe point (`PYRS_GC_STRESS=1`), without the JIT and with
//! `--jit-threshold 2` (compiled loops also freeing the vectors they no longer reach at
//! every turn that allocated), so that no root is missed in either. `PYRS_JIT_PROGRAMS`
//! sets the number of generated programs (default 60). Last, PyPy's 2007 session: a function
//! enabled with `pyrsjit.enable` is compiled at its next call, into the log that
//! `PYRSJITLOG` names.

mod common;
#[path = "../../targets/python/tests/gen/mod.rs"]
mod gen;
#[path = "../../targets/python/tests/harness/mod.rs"]
mod harness;

use harness::{compare, parallel_map, python3, Outcome};
use std::path::{Path, PathBuf};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(120);

/// The environment variables and options of each mode.
type Mode = (
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
);

const GC_STRESS: &[(&str, &str)] = &[("PYRS_GC_STRESS", "1")];

const MODES: [Mode; 6] = [
    (&[], &[]),
    (&[], &["--jit-threshold", "1"]),
    (&[], &["--jit-threshold", "2"]),
    (&[], &["--backend", "reference", "--jit-threshold", "2"]),
    (GC_STRESS, &["--no-jit"]),
    (GC_STRESS, &["--jit-threshold", "2", "--jit-sweep-at", "1"]),
];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../targets/python/tests/corpus")
}

/// `bin mode... file` in `dir`.
fn run(bin: &Path, (env, mode): Mode, file: &str, dir: &Path) -> Result<Outcome, String> {
    let mut args: Vec<String> = mode.iter().map(|s| s.to_string()).collect();
    args.push(file.to_string());
    harness::run_env(bin, &args, env, dir, LIMIT)
}

/// The report of one program over every mode: `None` when all agree.
fn check(bin: &Path, python: Option<&Path>, file: &str, dir: &Path) -> Option<String> {
    let mut problems = Vec::new();
    let plain = match run(bin, (&[], &["--no-jit"]), file, dir) {
        Ok(o) => o,
        Err(e) => return Some(format!("{file}: {e}")),
    };
    if let Some(py) = python {
        match harness::run(py, &[file.to_string()], dir, LIMIT) {
            Ok(reference) => {
                if let Some(d) = compare(&reference, &plain, true) {
                    problems.push(format!("--no-jit against python3: {d}"));
                }
            }
            Err(e) => problems.push(e),
        }
    }
    for mode in MODES {
        match run(bin, mode, file, dir) {
            Ok(got) => {
                if let Some(d) = compare(&plain, &got, true) {
                    problems.push(format!("{mode:?} against --no-jit: {d}"));
                }
            }
            Err(e) => problems.push(e),
        }
    }
    if problems.is_empty() {
        None
    } else {
        Some(format!("{file}:\n    {}", problems.join("\n    ")))
    }
}

#[test]
fn pyrs_c_agrees_with_python3_and_with_its_plain_interpreter() {
    let dir = std::env::temp_dir().join(format!("pyrs-c-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("pyrs-c");
    common::translate("targetjit", &bin);
    let python = python3();
    if python.is_none() {
        eprintln!(
            "skipped: python3 not found; pyrs-c is checked against its plain interpreter only"
        );
    }
    let corpus = corpus_dir();
    let mut names: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".py"))
        .collect();
    names.sort();
    assert!(names.len() >= 200, "{} corpus programs", names.len());
    let mut failures: Vec<String> = parallel_map(&names, 2, |_, name| {
        check(&bin, python.as_deref(), name, &corpus)
    })
    .into_iter()
    .flatten()
    .collect();
    // Generated programs, written beside the binary.
    let n: u64 = std::env::var("PYRS_JIT_PROGRAMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let generated: Vec<String> = (1..=n)
        .map(|seed| {
            let name = format!("gen_{seed}.py");
            std::fs::write(dir.join(&name), gen::program(seed)).unwrap();
            name
        })
        .collect();
    failures.extend(
        parallel_map(&generated, 2, |_, name| {
            check(&bin, python.as_deref(), name, &dir)
        })
        .into_iter()
        .flatten(),
    );
    println!(
        "pyrs-c: {} corpus and {} generated programs, {} modes, {} failing",
        names.len(),
        generated.len(),
        MODES.len() + 1,
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} programs differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    the_2007_session_shows_the_machine_code_of_an_enabled_function(&bin, &dir);
    short_lived_objects_run_in_fixed_memory(&bin, &dir);
    let help = std::process::Command::new(&bin)
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.status.success()
            && text.starts_with("usage: pyrs")
            && text.contains("--jit-threshold"),
        "pyrs-c --help: {text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A loop that makes `PYRS_MEM_OBJECTS` (default ten million) short-lived objects
/// (instances, lists, strings, big ints) peaks under 100 MB, with the JIT and without.
fn short_lived_objects_run_in_fixed_memory(bin: &Path, dir: &Path) {
    let objects: u64 = std::env::var("PYRS_MEM_OBJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let program = format!(
        "class P:
    def __init__(self, x):
        self.x = x

def make(i):
    return [i, str(i), P(i), i * 2 ** 70]

def churn(n):
    total = 0
    i = 0
    while i < n:
        a, b, c, d = make(i)
        total += len(b) + c.x + (d >> 70)
        i += 1
    return total

print(churn({}))
",
        objects / 4
    );
    std::fs::write(dir.join("churn.py"), program).unwrap();
    let mut peaks = Vec::new();
    for mode in [&["--no-jit"][..], &[][..]] {
        let (stdout, peak) = common::run_measuring_peak(bin, mode, &["churn.py"], dir, LIMIT * 2);
        let n = (objects / 4) as u128;
        let expected =
            2 * (n * (n - 1) / 2) + (0..n).map(|i| i.to_string().len() as u128).sum::<u128>();
        assert_eq!(stdout.trim(), expected.to_string(), "{mode:?}");
        assert!(
            peak < 100 * 1024,
            "{mode:?}: {objects} short-lived objects peaked at {peak} KB"
        );
        peaks.push(format!("{mode:?}: {peak} KB"));
    }
    println!(
        "{objects} short-lived objects, peak memory: {}",
        peaks.join(", ")
    );
}

/// PyPy's 2007 JIT session with Python 3 names: `PYRSJITLOG=log ./pyrs-c`, `import
/// pyrsjit`, `pyrsjit.enable(f.__code__)`, `f(7)`; the log (as `viewcode` renders it)
/// has `f` compiled at its first call, and the prompt printed `35`.
fn the_2007_session_shows_the_machine_code_of_an_enabled_function(bin: &Path, dir: &Path) {
    use std::io::Write;
    let log = dir.join("session.log");
    let mut child = std::process::Command::new(bin)
        .arg("-i")
        .env("PYRSJITLOG", &log)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"def f(x): return x*5\n\nimport pyrsjit\npyrsjit.enable(f.__code__)\nf(7)\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "35");
    let text = std::fs::read_to_string(&log).expect("PYRSJITLOG names the log");
    assert!(
        text.contains("portal called 1 times") && text.contains("enabled by the interpreter"),
        "{text}"
    );
    let parsed = backend::jitlog::parse(&text).unwrap();
    let shown = backend::viewcode::render(&parsed);
    assert!(shown.contains("interp::run#0"), "{shown}");
    assert!(shown.contains("ret"), "no machine code shown:\n{shown}");
}
