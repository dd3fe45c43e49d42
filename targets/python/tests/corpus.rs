//! The corpus of `tests/corpus/*.py` run under pyrs and under CPython (`python3`), the
//! reference: standard output, the exit status and the last non-empty line of standard
//! error must agree. Every program runs with `tests/corpus` as its working directory
//! and its file name as the only argument, over two threads, each run limited to 60 s.
//! All mismatches are collected and listed, each with its first differing line.
//!
//! `corpus_pyrs` runs the crate's `pyrs` binary. `corpus_pyrs_bin` runs the binary named
//! by `PYRS_BIN` (a translated `pyrs-c`), with the space-separated arguments of
//! `PYRS_ARGS` before the file name (e.g. `--no-jit`), and does nothing when `PYRS_BIN`
//! is not set. `PYRS_CORPUS_FILTER` keeps only the programs whose name contains it;
//! `PYRS_PYTHON` names another reference interpreter. Without `python3` both tests say
//! `skipped: python3 not found` and pass.

mod harness;

use harness::{args_from_env, compare, parallel_map, python3, Outcome};
use std::path::{Path, PathBuf};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);
const THREADS: usize = 2;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// The corpus file names, sorted, after `PYRS_CORPUS_FILTER`.
fn programs() -> Vec<String> {
    let filter = std::env::var("PYRS_CORPUS_FILTER").unwrap_or_default();
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("tests/corpus")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".py") && n.contains(&filter))
        .collect();
    names.sort();
    names
}

/// Runs the whole corpus under `bin extra_args... FILE` and under python3; panics with
/// the list of mismatches.
fn check_corpus(bin: &Path, extra_args: &[String], label: &str) {
    let Some(python) = python3() else {
        println!("skipped: python3 not found");
        return;
    };
    let dir = corpus_dir();
    let names = programs();
    assert!(!names.is_empty(), "no programs in {}", dir.display());
    let results = parallel_map(&names, THREADS, |_, name| {
        let reference = harness::run(&python, &[name.clone()], &dir, LIMIT);
        let mut args = extra_args.to_vec();
        args.push(name.clone());
        let got = harness::run(bin, &args, &dir, LIMIT);
        check_one(name, reference, got)
    });
    let failures: Vec<String> = results.into_iter().flatten().collect();
    println!(
        "{label}: {} programs, {} mismatches",
        names.len(),
        failures.len()
    );
    if !failures.is_empty() {
        panic!(
            "{label} ({} {}): {} of {} corpus programs differ from python3:\n\n{}\n",
            bin.display(),
            extra_args.join(" "),
            failures.len(),
            names.len(),
            failures.join("\n")
        );
    }
}

/// `None` when the program agrees, else a report.
fn check_one(
    name: &str,
    reference: Result<Outcome, String>,
    got: Result<Outcome, String>,
) -> Option<String> {
    let reference = match reference {
        Ok(r) if r.timed_out => return Some(format!("{name}: python3 timed out")),
        Ok(r) => r,
        Err(e) => return Some(format!("{name}: {e}")),
    };
    let got = match got {
        Ok(g) => g,
        Err(e) => return Some(format!("{name}: {e}")),
    };
    compare(&reference, &got, true).map(|d| format!("{name}:\n    {d}"))
}

#[test]
fn corpus_pyrs() {
    let Some(bin) = option_env!("CARGO_BIN_EXE_pyrs") else {
        println!("skipped: the crate has no `pyrs` binary yet");
        return;
    };
    check_corpus(Path::new(bin), &[], "pyrs");
}

#[test]
fn corpus_pyrs_bin() {
    let Ok(bin) = std::env::var("PYRS_BIN") else {
        println!("skipped: PYRS_BIN is not set (a translated pyrs-c to run the corpus under)");
        return;
    };
    let bin = resolve(PathBuf::from(bin));
    check_corpus(&bin, &args_from_env("PYRS_ARGS"), "PYRS_BIN");
}

/// A relative `PYRS_BIN` is looked up from the test's working directory (the crate),
/// then from the repository's root (where `translate` leaves `pyrs-c`); a bare name
/// found in neither is left to `PATH`.
fn resolve(bin: PathBuf) -> PathBuf {
    if bin.is_absolute() {
        return bin;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    [std::env::current_dir().unwrap().join(&bin), repo.join(&bin)]
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or(bin)
}
