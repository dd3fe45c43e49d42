//! Shared pieces of the benchmarks: timing and the ratio table every benchmark prints.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `translate TARGET` (release build of the translator) into `target/bench/TARGET-c`:
/// what a user gets.
pub fn translate(target: &str) -> PathBuf {
    let out = repo().join(format!("target/bench/{target}-c"));
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let st = translate_command()
        .args([target, "-q", "-o"])
        .arg(&out)
        .status()
        .expect("run translate");
    assert!(st.success(), "translate {target} failed");
    out
}

/// `cargo run --release -p translator --bin translate --` from the repository, for
/// the arguments to add.
pub fn translate_command() -> Command {
    let mut c = Command::new(env!("CARGO"));
    c.current_dir(repo()).args([
        "run",
        "--release",
        "-q",
        "-p",
        "translator",
        "--bin",
        "translate",
        "--",
    ]);
    c
}

/// A seeded pseudo-random stream (splitmix64), for generated programs.
pub fn rng(seed: u64) -> impl FnMut() -> u64 {
    let mut s = seed;
    move || {
        s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The best of `runs` timings of `f` (the least disturbed by the rest of the machine).
pub fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed());
        out = Some(r);
    }
    (best, out.expect("at least one run"))
}

/// One measured contender: a name and its time per unit of work, in the unit its table
/// prints (nanoseconds from [`Row::new`]).
pub struct Row {
    pub name: String,
    pub per_unit: f64,
}

impl Row {
    /// `total` spent on `units` units of work.
    pub fn new(name: &str, total: Duration, units: u64) -> Row {
        Row {
            name: name.to_string(),
            per_unit: total.as_secs_f64() * 1e9 / units as f64,
        }
    }
}

/// Print the contenders as a table with each one's time relative to `baseline`
/// (a row name).
pub fn print_table(title: &str, unit: &str, rows: &[Row], baseline: &str) {
    print_table_in(title, &format!("ns/{unit}"), rows, baseline)
}

/// [`print_table`] with the time column headed `header` (for rows whose
/// `per_unit` is in another unit, as `s/run`).
pub fn print_table_in(title: &str, header: &str, rows: &[Row], baseline: &str) {
    let base = rows
        .iter()
        .find(|r| r.name == baseline)
        .expect("baseline row")
        .per_unit;
    println!("\n{title}");
    println!(
        "{:<28} {:>14} {:>12}",
        "contender",
        header,
        format!("x {baseline}")
    );
    for r in rows {
        println!(
            "{:<28} {:>14.3} {:>12.2}",
            r.name,
            r.per_unit,
            r.per_unit / base
        );
    }
}
