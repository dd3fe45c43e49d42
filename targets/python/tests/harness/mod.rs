//! Running programs for the differential tests: a child process with a time limit, its
//! output captured, and the comparison of two runs (stdout, exit status, last line of
//! stderr) with a short description of the first difference.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

/// What one run of a program left behind.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    /// The exit code; `None` when a signal ended the process (or the time limit did).
    pub code: Option<i32>,
    pub timed_out: bool,
    pub took: Duration,
}

impl Outcome {
    /// The last line of stderr that is not blank, trimmed at the end.
    pub fn last_stderr_line(&self) -> &str {
        self.stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim_end())
            .unwrap_or("")
    }
}

/// Runs `program args...` in `cwd` with stdin closed, killing it after `limit`.
/// `Err` when the program cannot be started at all.
pub fn run(
    program: &Path,
    args: &[String],
    cwd: &Path,
    limit: Duration,
) -> Result<Outcome, String> {
    run_env(program, args, &[], cwd, limit)
}

/// [`run`] with the environment variables `env` set.
pub fn run_env(
    program: &Path,
    args: &[String],
    env: &[(&str, &str)],
    cwd: &Path,
    limit: Duration,
) -> Result<Outcome, String> {
    let start = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(cwd)
        // CPython writes its standard streams in UTF-8 whatever the locale says.
        .env("PYTHONIOENCODING", "utf-8")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    // Both pipes drain on their own threads so that a chatty program never blocks on a
    // full pipe while this thread waits for it to end.
    let out_reader = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break Some(st),
            Ok(None) => {
                if start.elapsed() >= limit {
                    timed_out = true;
                    let _ = child.kill();
                    break child.wait().ok();
                }
                thread::sleep(Duration::from_millis(5));
            }
            Err(_) => break None,
        }
    };
    let took = start.elapsed();
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    Ok(Outcome {
        stdout,
        stderr,
        code: if timed_out {
            None
        } else {
            status.and_then(|s| s.code())
        },
        timed_out,
        took,
    })
}

/// `python3` when it runs (the reference interpreter), else `None`.
pub fn python3() -> Option<PathBuf> {
    let name = std::env::var("PYRS_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let ok = Command::new(&name)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    ok.then(|| PathBuf::from(name))
}

/// Shortens a line for a report.
pub fn clip(s: &str) -> String {
    const MAX: usize = 160;
    if s.chars().count() <= MAX {
        format!("{s:?}")
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head:?}...")
    }
}

/// The first line where two texts differ, as `line N: expected .. got ..`.
pub fn first_difference(expected: &str, got: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    for i in 0..e.len().max(g.len()) {
        match (e.get(i), g.get(i)) {
            (Some(a), Some(b)) if a == b => continue,
            (a, b) => {
                return format!(
                    "line {}: expected {} got {}",
                    i + 1,
                    a.map(|s| clip(s))
                        .unwrap_or_else(|| "<end of output>".into()),
                    b.map(|s| clip(s))
                        .unwrap_or_else(|| "<end of output>".into()),
                )
            }
        }
    }
    // Same lines: the difference is in the final newline.
    format!(
        "same lines, but expected {} bytes and got {} (trailing newline?)",
        expected.len(),
        got.len()
    )
}

/// Compares `got` against the reference run `expected`; `None` when they agree.
/// `compare_stderr` also compares the last non-empty line of stderr.
pub fn compare(expected: &Outcome, got: &Outcome, compare_stderr: bool) -> Option<String> {
    if got.timed_out {
        return Some(format!("timed out after {:.1} s", got.took.as_secs_f64()));
    }
    let mut problems = Vec::new();
    if expected.stdout != got.stdout {
        problems.push(format!(
            "stdout differs: {}",
            first_difference(&expected.stdout, &got.stdout)
        ));
    }
    if expected.code != got.code {
        problems.push(format!(
            "exit status: expected {:?} got {:?}",
            expected.code, got.code
        ));
    }
    if compare_stderr && expected.last_stderr_line() != got.last_stderr_line() {
        problems.push(format!(
            "last stderr line: expected {} got {}",
            clip(expected.last_stderr_line()),
            clip(got.last_stderr_line())
        ));
    }
    if problems.is_empty() {
        None
    } else {
        Some(problems.join("\n    "))
    }
}

/// Calls `f` on every item over `threads` threads and returns the results in the
/// items' order.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(usize, &T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= items.len() {
                    break;
                }
                let r = f(i, &items[i]);
                results.lock().unwrap()[i] = Some(r);
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every item ran"))
        .collect()
}

/// Extra arguments from a space-separated environment variable.
pub fn args_from_env(var: &str) -> Vec<String> {
    std::env::var(var)
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}
