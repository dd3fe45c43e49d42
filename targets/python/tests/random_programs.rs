//! Random programs (`tests/gen`) run under pyrs and under CPython (`python3`), which must
//! agree on standard output and the exit status. `PYRS_RANDOM_PROGRAMS` sets how many
//! (default 300), `PYRS_RANDOM_SEED` the first seed (default 1); programs run over two
//! threads, each limited to 60 s. The crate's `pyrs` binary is checked, and with
//! `PYRS_BIN` set also that binary (a translated `pyrs-c`) with the arguments of
//! `PYRS_ARGS`. A failing program is kept in a temporary folder; the report gives its
//! path and seed. Without `python3` the test says `skipped: python3 not found`.
//!
//! `cargo test -p pyrs --test random_programs -- --ignored write_random_programs` writes
//! the programs into `PYRS_RANDOM_OUT` (default: a temporary folder) without running
//! them, to look at or to feed to another interpreter.

mod gen;
mod harness;

use harness::{args_from_env, compare, parallel_map, python3};
use std::path::{Path, PathBuf};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);
const THREADS: usize = 2;

fn env_u64(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seeds() -> Vec<u64> {
    let first = env_u64("PYRS_RANDOM_SEED", 1);
    let n = env_u64("PYRS_RANDOM_PROGRAMS", 300);
    (first..first + n).collect()
}

fn scratch_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("pyrs-random-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temporary folder");
    d
}

/// The interpreters under test: the crate's binary when it exists, and `PYRS_BIN`.
fn contenders() -> Vec<(String, PathBuf, Vec<String>)> {
    let mut v = Vec::new();
    if let Some(bin) = option_env!("CARGO_BIN_EXE_pyrs") {
        v.push(("pyrs".to_string(), PathBuf::from(bin), Vec::new()));
    }
    if let Ok(bin) = std::env::var("PYRS_BIN") {
        let p = PathBuf::from(&bin);
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let p = if p.is_relative() && !p.is_file() && repo.join(&p).is_file() {
            repo.join(&p)
        } else {
            p
        };
        v.push((format!("PYRS_BIN {bin}"), p, args_from_env("PYRS_ARGS")));
    }
    v
}

#[test]
fn random_programs() {
    let Some(python) = python3() else {
        println!("skipped: python3 not found");
        return;
    };
    let bins = contenders();
    if bins.is_empty() {
        println!("skipped: the crate has no `pyrs` binary yet and PYRS_BIN is not set");
        return;
    }
    let dir = scratch_dir();
    let seeds = seeds();
    let results = parallel_map(&seeds, THREADS, |_, &seed| {
        let file = dir.join(format!("random_{seed}.py"));
        std::fs::write(&file, gen::program(seed)).expect("write program");
        let arg = vec![file.to_string_lossy().into_owned()];
        let reference = match harness::run(&python, &arg, &dir, LIMIT) {
            Ok(r) => r,
            Err(e) => return vec![format!("seed {seed}: {e}")],
        };
        let mut problems = Vec::new();
        if reference.timed_out || reference.code != Some(0) {
            // The generator promises programs that CPython runs to the end.
            problems.push(format!(
                "seed {seed}: python3 itself failed ({:?}, {}): the generator is wrong; program kept at {}",
                reference.code,
                reference.last_stderr_line(),
                file.display()
            ));
        }
        for (label, bin, extra) in &bins {
            let mut args = extra.clone();
            args.extend(arg.iter().cloned());
            let diff = match harness::run(bin, &args, &dir, LIMIT) {
                Ok(got) => compare(&reference, &got, false),
                Err(e) => Some(e),
            };
            if let Some(d) = diff {
                problems.push(format!(
                    "seed {seed}, {label}: program kept at {}\n    {d}",
                    file.display()
                ));
            }
        }
        if problems.is_empty() {
            let _ = std::fs::remove_file(&file);
        }
        problems
    });
    let failures: Vec<String> = results.into_iter().flatten().collect();
    println!(
        "{} random programs (seeds {}..={}), {} mismatches",
        seeds.len(),
        seeds.first().copied().unwrap_or(0),
        seeds.last().copied().unwrap_or(0),
        failures.len()
    );
    if failures.is_empty() {
        let _ = std::fs::remove_dir(&dir);
    } else {
        panic!(
            "{} random programs differ from python3:\n\n{}\n",
            failures.len(),
            failures.join("\n")
        );
    }
}

#[test]
#[ignore]
fn write_random_programs() {
    let dir = std::env::var("PYRS_RANDOM_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| scratch_dir());
    std::fs::create_dir_all(&dir).expect("output folder");
    for seed in seeds() {
        std::fs::write(dir.join(format!("random_{seed}.py")), gen::program(seed))
            .expect("write program");
    }
    println!("wrote {} programs to {}", seeds().len(), dir.display());
}

#[test]
fn generator_is_deterministic() {
    for seed in [1, 2, 3, 11, 1000] {
        assert_eq!(gen::program(seed), gen::program(seed));
    }
    assert_ne!(gen::program(1), gen::program(2));
    assert!(gen::program(3).contains("range(100000)"));
}
