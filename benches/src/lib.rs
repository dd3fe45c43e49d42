//! Shared pieces of the benchmarks: timing and the ratio table every benchmark prints.

use std::time::{Duration, Instant};

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

/// One measured contender: a name and its time per unit of work.
pub struct Row {
    pub name: String,
    pub ns_per_unit: f64,
}

impl Row {
    /// `total` spent on `units` units of work.
    pub fn new(name: &str, total: Duration, units: u64) -> Row {
        Row {
            name: name.to_string(),
            ns_per_unit: total.as_secs_f64() * 1e9 / units as f64,
        }
    }
}

/// Print the contenders as a table with each one's time relative to `baseline`
/// (a row name).
pub fn print_table(title: &str, unit: &str, rows: &[Row], baseline: &str) {
    print_table_in(title, &format!("ns/{unit}"), rows, baseline)
}

/// [`print_table`] with the time column headed `header` (for rows whose
/// `ns_per_unit` holds another unit, as `s/run`).
pub fn print_table_in(title: &str, header: &str, rows: &[Row], baseline: &str) {
    let base = rows
        .iter()
        .find(|r| r.name == baseline)
        .expect("baseline row")
        .ns_per_unit;
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
            r.ns_per_unit,
            r.ns_per_unit / base
        );
    }
}
