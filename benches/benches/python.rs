//! The Python programs of `benches/python/*.py` (nbody, spectral_norm, fannkuch,
//! richards, float, nqueens, fib, dict_str) side by side: `pyrs-c` (the translated
//! Python interpreter with its JIT), `pyrs-c --no-jit`, CPython (`/usr/bin/python3.11`
//! when present, else `python3`) and PyPy (`pypy3`, when installed). Every contender's
//! output must equal CPython's; a contender that disagrees is marked and makes the
//! benchmark fail after the table. Prints seconds per run (JIT compile time included)
//! and the JIT's speed-ups; `cargo bench -p benches --bench python`.
//!
//! `PYRS_C` names the pyrs-c binary (default `<repo>/pyrs-c`); without it the pyrs-c
//! columns say `missing` and the rest still runs. `PY_BENCHES` picks programs
//! (comma-separated names, default all), `PY_RUNS` the rounds (default 1; contenders run
//! in turn each round and the best run of each counts).

use benches::repo;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One way to run a program.
struct Contender {
    name: &'static str,
    cmd: Option<PathBuf>,
    args: Vec<String>,
    /// Why it is absent, when `cmd` is `None`.
    absent: &'static str,
}

/// Runs `cmd args... program` in the programs' folder: the time and the output, or why
/// it failed.
fn time(cmd: &Path, args: &[String], program: &Path) -> Result<(Duration, String), String> {
    let start = Instant::now();
    let o = Command::new(cmd)
        .args(args)
        .arg(program)
        .current_dir(program.parent().unwrap())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", cmd.display()))?;
    let took = start.elapsed();
    if !o.status.success() {
        let err = String::from_utf8_lossy(&o.stderr);
        return Err(format!(
            "{} {args:?} {}: {} ({})",
            cmd.display(),
            program.display(),
            o.status,
            err.lines().last().unwrap_or("")
        ));
    }
    Ok((took, String::from_utf8_lossy(&o.stdout).into_owned()))
}

fn runs(cmd: &str) -> bool {
    Command::new(cmd)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn contenders() -> Vec<Contender> {
    let pyrs_c = std::env::var("PYRS_C")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo().join("pyrs-c"));
    let pyrs_c = pyrs_c.is_file().then_some(pyrs_c);
    let cpython = if Path::new("/usr/bin/python3.11").is_file() {
        Some(PathBuf::from("/usr/bin/python3.11"))
    } else if runs("python3") {
        Some(PathBuf::from("python3"))
    } else {
        None
    };
    let pypy = runs("pypy3").then(|| PathBuf::from("pypy3"));
    vec![
        Contender {
            name: "pyrs-c",
            cmd: pyrs_c.clone(),
            args: vec![],
            absent: "missing",
        },
        Contender {
            name: "pyrs-c --no-jit",
            cmd: pyrs_c,
            args: vec!["--no-jit".into()],
            absent: "missing",
        },
        Contender {
            name: "python3",
            cmd: cpython,
            args: vec![],
            absent: "missing",
        },
        Contender {
            name: "pypy3",
            cmd: pypy,
            args: vec![],
            absent: "not installed",
        },
    ]
}

/// A cell of the table: seconds, or why there are none.
enum Cell {
    Secs(f64),
    Absent(&'static str),
    Failed,
    Wrong,
}

impl Cell {
    fn secs(&self) -> Option<f64> {
        match self {
            Cell::Secs(s) => Some(*s),
            _ => None,
        }
    }
    fn show(&self) -> String {
        match self {
            Cell::Secs(s) => format!("{s:.3}"),
            Cell::Absent(why) => why.to_string(),
            Cell::Failed => "failed".into(),
            Cell::Wrong => "WRONG".into(),
        }
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(jit), Some(other)) if jit > 0.0 => format!("{:.2}x", other / jit),
        _ => "-".into(),
    }
}

fn main() {
    let dir = repo().join("benches/python");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("benches/python")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".py").map(str::to_string))
        .collect();
    names.sort();
    if let Ok(pick) = std::env::var("PY_BENCHES") {
        let pick: Vec<&str> = pick.split(',').map(str::trim).collect();
        names.retain(|n| pick.contains(&n.as_str()));
    }
    let rounds: usize = std::env::var("PY_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let cs = contenders();
    for c in &cs {
        match &c.cmd {
            Some(p) => println!("{:<16} {} {}", c.name, p.display(), c.args.join(" ")),
            None => println!("{:<16} {}", c.name, c.absent),
        }
    }
    println!();
    println!(
        "{:<14} {:>10} {:>16} {:>10} {:>14} {:>13} {:>13} {:>13}",
        "program (s/run)",
        "pyrs-c",
        "pyrs-c --no-jit",
        "python3",
        "pypy3",
        "JIT/no-jit",
        "JIT/python3",
        "JIT/pypy3"
    );
    let mut problems = Vec::new();
    for name in &names {
        let program = dir.join(format!("{name}.py"));
        let mut best: Vec<Option<Duration>> = vec![None; cs.len()];
        let mut outputs: Vec<Option<String>> = vec![None; cs.len()];
        let mut failed = vec![false; cs.len()];
        for _ in 0..rounds {
            for (i, c) in cs.iter().enumerate() {
                let Some(cmd) = &c.cmd else { continue };
                if failed[i] {
                    continue;
                }
                match time(cmd, &c.args, &program) {
                    Ok((t, out)) => {
                        best[i] = Some(best[i].map_or(t, |b| b.min(t)));
                        outputs[i] = Some(out);
                    }
                    Err(e) => {
                        failed[i] = true;
                        problems.push(format!("{name}: {e}"));
                    }
                }
            }
        }
        // CPython's output is the reference; without CPython, the first that ran.
        let reference = outputs[2]
            .clone()
            .or_else(|| outputs.iter().flatten().next().cloned());
        let cells: Vec<Cell> = cs
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if c.cmd.is_none() {
                    Cell::Absent(c.absent)
                } else if failed[i] {
                    Cell::Failed
                } else if outputs[i] != reference {
                    problems.push(format!(
                        "{name}: {} printed {:?}, python3 {:?}",
                        c.name,
                        outputs[i].as_deref().unwrap_or(""),
                        reference.as_deref().unwrap_or("")
                    ));
                    Cell::Wrong
                } else {
                    Cell::Secs(best[i].unwrap().as_secs_f64())
                }
            })
            .collect();
        let jit = cells[0].secs();
        println!(
            "{:<14} {:>10} {:>16} {:>10} {:>14} {:>13} {:>13} {:>13}",
            name,
            cells[0].show(),
            cells[1].show(),
            cells[2].show(),
            cells[3].show(),
            ratio(jit, cells[1].secs()),
            ratio(jit, cells[2].secs()),
            ratio(jit, cells[3].secs()),
        );
    }
    println!("\n(ratios: how many times faster pyrs-c with its JIT is than the other)");
    if !problems.is_empty() {
        eprintln!();
        for p in &problems {
            eprintln!("{p}");
        }
        panic!(
            "{} contender runs failed or disagreed with python3",
            problems.len()
        );
    }
}
