//! The real brainfuck programs of `../shared/bf/`, side by side: `bf-c` (the translated
//! interpreter with its JIT on x86-64), `bf-c --no-jit` (the same binary interpreting),
//! and `benches/c/bf.c`, a straightforward C interpreter that this benchmark compiles
//! with `gcc -O2`. Each run's output is checked against the program's expected output.
//! Contenders run in turn, round after round, and the best run of each counts.
//! Prints seconds per run (JIT compile time included) and ratios;
//! `cargo bench -p benches --bench bf_programs`. `BF_PROGRAMS` picks the programs
//! (comma-separated names, default `mandelbrot,hanoi,99beer`); `BF_RUNS` the rounds for
//! long programs (default 2). Without `../shared/bf/` (a plain clone) it says so and
//! measures nothing.

use benches::{print_table_in, repo, translate, Row};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn compile_c() -> Option<PathBuf> {
    let out = repo().join("target/bench/bf-gcc");
    let st = Command::new("gcc")
        .args(["-O2", "-o"])
        .arg(&out)
        .arg(repo().join("benches/c/bf.c"))
        .status();
    match st {
        Ok(s) if s.success() => Some(out),
        _ => {
            eprintln!("gcc is missing or failed: the C interpreter is left out");
            None
        }
    }
}

/// How long one run of `cmd args... program` takes, checking the output.
fn time(cmd: &Path, args: &[&str], program: &Path, expected: &[u8]) -> Duration {
    let start = Instant::now();
    let o = Command::new(cmd)
        .args(args)
        .arg(program)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let took = start.elapsed();
    assert!(
        o.status.success() && o.stdout == expected,
        "{} {args:?} {}: wrong output",
        cmd.display(),
        program.display()
    );
    took
}

/// A row whose time column is in seconds per run.
fn row(name: &str, t: Duration) -> Row {
    Row {
        name: name.to_string(),
        per_unit: t.as_secs_f64(),
    }
}

fn main() {
    let dir = repo().join("../shared/bf");
    if !dir.is_dir() {
        eprintln!(
            "skipped: ../shared/bf not found (a plain clone has no ../shared; CI provides it)"
        );
        return;
    }
    let bf_c = translate("bf");
    let gcc = compile_c();
    let names = std::env::var("BF_PROGRAMS").unwrap_or("mandelbrot,hanoi,99beer".into());
    let mut summary = Vec::new();
    for name in names.split(',') {
        let program = dir.join(format!("{name}.b"));
        let expected = std::fs::read(dir.join(format!("{name}.out"))).expect("expected output");
        // Rounds of one run of each contender in turn, the best of each kept: a slow
        // spell of the machine then costs every contender alike. `BF_RUNS` rounds for
        // long programs (default 2), 3 for short ones.
        let rounds = if name == "99beer" {
            3
        } else {
            std::env::var("BF_RUNS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(2)
        };
        let mut contenders: Vec<(&str, &Path, &[&str])> = vec![
            ("bf-c (JIT, x86-64)", bf_c.as_path(), &[]),
            ("bf-c --no-jit", bf_c.as_path(), &["--no-jit"]),
            (
                "bf-c --jit-threshold 1 (all at the first call)",
                bf_c.as_path(),
                &["--jit-threshold", "1"],
            ),
        ];
        if let Some(c) = &gcc {
            contenders.push(("C interpreter (gcc -O2)", c.as_path(), &[]));
        }
        let mut best = vec![Duration::MAX; contenders.len()];
        for _ in 0..rounds {
            for (i, (_, cmd, args)) in contenders.iter().enumerate() {
                best[i] = best[i].min(time(cmd, args, &program, &expected));
            }
        }
        let rows: Vec<Row> = contenders
            .iter()
            .zip(&best)
            .map(|((n, ..), t)| row(n, *t))
            .collect();
        let secs = |r: &Row| r.per_unit;
        print_table_in(
            &format!("bf {name}.b (JIT compile time included)"),
            "s/run",
            &rows,
            "bf-c (JIT, x86-64)",
        );
        let jit = secs(&rows[0]);
        let line = match rows.get(3) {
            Some(c) => format!(
                "{name}: JIT {:.2} s, speed-up over --no-jit {:.2}x (goal >= 12x), over the C interpreter {:.2}x (goal > 1x); everything compiled at the first call {:.2} s",
                jit,
                secs(&rows[1]) / jit,
                secs(c) / jit,
                secs(&rows[2])
            ),
            None => format!(
                "{name}: JIT {:.2} s, speed-up over --no-jit {:.2}x; everything compiled at the first call {:.2} s",
                jit,
                secs(&rows[1]) / jit,
                secs(&rows[2])
            ),
        };
        summary.push(line);
    }
    println!();
    for l in summary {
        println!("{l}");
    }
}
