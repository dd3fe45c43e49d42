//! How compile time and code size grow with the program: `bf-c` on generated brainfuck
//! programs of 10, 100, 1,000 and 10,000 commands, straight-line and looping (loops of
//! about 12 commands that count a cell down). Each program runs briefly, so the time is
//! mostly the JIT's; the operations and machine-code bytes come from the JIT log.
//! Prints per-command figures: they stay flat when growth is linear.
//! `cargo bench -p benches --bench compile_growth`.

use benches::{best_of, repo, rng, translate};
use std::path::Path;
use std::process::Command;

/// `n` straight-line commands; the pointer stays within cells 1..=8 (starting at 1).
fn straight(next: &mut impl FnMut() -> u64, n: usize, at: &mut i64, out: &mut String) {
    for _ in 0..n {
        let c = match next() % 4 {
            0 if *at < 8 => '>',
            1 if *at > 1 => '<',
            2 => '-',
            _ => '+',
        };
        match c {
            '>' => *at += 1,
            '<' => *at -= 1,
            _ => {}
        }
        out.push(c);
    }
}

fn program(n: usize, looping: bool) -> String {
    let mut next = rng(n as u64 * 2 + looping as u64);
    let mut s = String::from(">");
    let mut at = 1;
    if !looping {
        straight(&mut next, n - 1, &mut at, &mut s);
        return s;
    }
    // Cell 0 counts each loop down from 3: `<+++[>` body `<-]>`.
    while s.len() < n {
        s.push_str("<+++[>");
        straight(
            &mut next,
            10.min(n.saturating_sub(s.len() + 4)),
            &mut at,
            &mut s,
        );
        while at > 1 {
            s.push('<');
            at -= 1;
        }
        s.push_str("<-]>");
    }
    s
}

/// (operations, machine-code bytes) from a JIT log: the operations its notes count,
/// the bytes of its code regions.
fn log_figures(log: &Path) -> (u64, u64) {
    let text = String::from_utf8_lossy(&std::fs::read(log).unwrap()).into_owned();
    let parsed = backend::jitlog::parse(&text).expect("a JIT log");
    let ops = parsed
        .notes
        .iter()
        .filter_map(|n| n.split(" operations").next()?.split_whitespace().last())
        .filter_map(|x| x.parse::<u64>().ok())
        .sum();
    let bytes = parsed.regions.iter().map(|r| r.bytes.len() as u64).sum();
    (ops, bytes)
}

fn main() {
    let bf_c = translate("bf");
    let dir = repo().join("target/bench/growth");
    std::fs::create_dir_all(&dir).unwrap();
    println!(
        "\n{:<10} {:>8} {:>10} {:>12} {:>10} {:>10} {:>10} {:>12}",
        "shape", "commands", "ops", "code bytes", "ms", "ops/cmd", "bytes/cmd", "us/cmd"
    );
    for looping in [false, true] {
        for n in [10usize, 100, 1000, 10000] {
            let src = program(n, looping);
            let prog = dir.join(format!("p{n}{}.b", if looping { "l" } else { "s" }));
            std::fs::write(&prog, &src).unwrap();
            let log = dir.join("jit.log");
            let (t, ()) = best_of(3, || {
                let st = Command::new(&bf_c)
                    .arg("--jit-log")
                    .arg(&log)
                    .arg(&prog)
                    .status()
                    .expect("run bf-c");
                assert!(st.success(), "bf-c failed on {}", prog.display());
            });
            let (ops, bytes) = log_figures(&log);
            let cmds = src.len() as f64;
            println!(
                "{:<10} {:>8} {:>10} {:>12} {:>10.2} {:>10.1} {:>10.1} {:>12.2}",
                if looping { "looping" } else { "straight" },
                src.len(),
                ops,
                bytes,
                t.as_secs_f64() * 1e3,
                ops as f64 / cmds,
                bytes as f64 / cmds,
                t.as_secs_f64() * 1e6 / cmds
            );
        }
    }
}
