//! `targets/dynlang` (a dynamically typed interpreter: tagged values, a frame, a shared
//! heap, recursive calls) side by side: `dynlang-c` with its JIT on x86-64 against
//! `dynlang-c --no-jit`, on an integer loop, a float loop, a list (heap) loop, a loop of
//! calls and a recursion, each checked to print the same result. Contenders run in
//! turn, `DYN_RUNS` rounds (default 3), the best of each counts. Prints seconds per run
//! (JIT compile time included) and the speed-ups; `cargo bench -p benches --bench dynlang`.

use benches::{print_table_in, repo, translate, Row};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// How long `dynlang-c args... program x` takes, and what it prints.
fn time(bin: &Path, args: &[&str], program: &Path, x: u64) -> (Duration, String) {
    let start = Instant::now();
    let o = Command::new(bin)
        .args(args)
        .arg(program)
        .arg(x.to_string())
        .output()
        .expect("run dynlang-c");
    let took = start.elapsed();
    assert!(
        o.status.success(),
        "{} {args:?} {}",
        bin.display(),
        program.display()
    );
    (took, String::from_utf8_lossy(&o.stdout).into_owned())
}

fn main() {
    let bin = translate("dynlang");
    let rounds: usize = std::env::var("DYN_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let programs: [(&str, &str, u64); 5] = [
        ("sum", "integer loop", 3_000_000),
        ("float", "float loop", 3_000_000),
        ("heap", "list loop", 1_000_000),
        ("calls", "call loop", 300_000),
        ("recursion", "recursion", 30_000),
    ];
    let mut summary = Vec::new();
    for (name, what, x) in programs {
        let program = repo().join(format!("targets/dynlang/examples/{name}.dyn"));
        let contenders: [(&str, &[&str]); 2] = [
            ("dynlang-c (JIT, x86-64)", &[]),
            ("dynlang-c --no-jit", &["--no-jit"]),
        ];
        let mut best = [Duration::MAX; 2];
        let mut outputs = Vec::new();
        for _ in 0..rounds {
            for (i, (_, args)) in contenders.iter().enumerate() {
                let (t, out) = time(&bin, args, &program, x);
                best[i] = best[i].min(t);
                outputs.push(out);
            }
        }
        assert!(
            outputs.windows(2).all(|w| w[0] == w[1]),
            "{name}: the JIT and the plain interpreter disagree: {outputs:?}"
        );
        let rows: Vec<Row> = contenders
            .iter()
            .zip(best)
            .map(|((n, _), t)| Row {
                name: n.to_string(),
                per_unit: t.as_secs_f64(),
            })
            .collect();
        print_table_in(
            &format!("dynlang {name}.dyn {x} ({what}; JIT compile time included)"),
            "s/run",
            &rows,
            "dynlang-c (JIT, x86-64)",
        );
        summary.push(format!(
            "{what} ({name}.dyn {x}): JIT {:.3} s, speed-up over --no-jit {:.2}x (goal >= 5x)",
            rows[0].per_unit,
            rows[1].per_unit / rows[0].per_unit
        ));
    }
    println!();
    for l in summary {
        println!("{l}");
    }
}
