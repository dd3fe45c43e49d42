//! Programs the JIT must not make slower: short runs and programs whose code is mostly
//! cold (straight-line code, many loops run a few times, deep nesting, vectors made in a
//! loop). Each runs with the JIT (default options), with everything compiled at the
//! first call (`--jit-threshold 1`) and with `--no-jit`; the table gives times, peak
//! memory (from `/usr/bin/time`, when the machine has it) and the JIT's ratio to
//! `--no-jit`. Goals: at most 1.1x for runs under 10 ms, 1.5x for the others, and
//! memory within 2x plus 32 MB.

use benches::{repo, translate};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Wall time and peak memory (kilobytes, when measurable) of one run; `None` when it
/// did not finish in `limit`.
fn run(
    bin: &Path,
    mode: &[&str],
    args: &[String],
    limit: Duration,
) -> Option<(Duration, Option<u64>)> {
    let gnu_time = Path::new("/usr/bin/time");
    let mut cmd = if gnu_time.exists() {
        let mut c = Command::new(gnu_time);
        c.args(["-f", "%M"]).arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(mode)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // A group of its own, so that a run past the limit is stopped with the binary
    // `/usr/bin/time` runs, not only `time`.
    use std::os::unix::process::CommandExt;
    cmd.process_group(0);
    let t = Instant::now();
    let mut child = cmd.spawn().expect("run a translated binary");
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if t.elapsed() > limit {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let elapsed = t.elapsed();
    let mut err = String::new();
    use std::io::Read;
    let _ = child.stderr.take().unwrap().read_to_string(&mut err);
    let kb = err.lines().last().and_then(|l| l.trim().parse().ok());
    Some((elapsed, kb))
}

fn best(
    bin: &Path,
    mode: &[&str],
    args: &[String],
    rounds: usize,
) -> Option<(Duration, Option<u64>)> {
    let limit = Duration::from_secs(60);
    let mut out: Option<(Duration, Option<u64>)> = None;
    for _ in 0..rounds {
        let r = run(bin, mode, args, limit)?;
        out = Some(match out {
            Some((t, m)) if t <= r.0 => (t, m.max(r.1)),
            Some((_, m)) => (r.0, m.max(r.1)),
            None => r,
        });
    }
    out
}

fn write(dir: &Path, name: &str, text: String) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn main() {
    let dir: PathBuf = repo().join("target/bench/short");
    std::fs::create_dir_all(&dir).unwrap();
    let bf = translate("bf");
    let tl = translate("tl");
    let tlr = translate("tlr");
    let mut programs: Vec<(String, &Path, Vec<String>)> = Vec::new();
    let beer = repo().join("../shared/bf/99beer.b");
    if beer.exists() {
        programs.push(("bf 99beer.b".into(), &bf, vec![beer.display().to_string()]));
    } else {
        eprintln!("skipped: 99beer (../shared/bf not found)");
    }
    programs.push((
        "bf straight: (>+ x10000 <- x10000) x10".into(),
        &bf,
        vec![write(
            &dir,
            "straight.b",
            (">+".repeat(10000) + &"<-".repeat(10000)).repeat(10),
        )],
    ));
    programs.push((
        "bf 30000 short loops: +[-] x30000".into(),
        &bf,
        vec![write(&dir, "loops.b", "+[-]".repeat(30000))],
    ));
    programs.push((
        "bf nesting 54000 deep".into(),
        &bf,
        vec![write(
            &dir,
            "nested.b",
            format!("+{}-{}", "[".repeat(54000), "]".repeat(54000)),
        )],
    ));
    let mut straight = vec!["PUSH 0".to_string()];
    for _ in 0..100_000 {
        straight.extend(["CALL f", "ADD", "NOP", "NOP"].map(String::from));
    }
    straight.extend(["RETURN", "f: PUSH 1", "RETURN"].map(String::from));
    programs.push((
        "tl 100k calls, 200k nops in line".into(),
        &tl,
        vec![write(&dir, "straight.tl", straight.join("\n")), "0".into()],
    ));
    programs.push((
        "tl factorial 20 (a short run)".into(),
        &tl,
        vec![
            repo()
                .join("targets/tl/examples/factorial.tl")
                .display()
                .to_string(),
            "20".into(),
        ],
    ));
    programs.push((
        "tlr square 100 (a short run)".into(),
        &tlr,
        vec![
            repo()
                .join("targets/tlr/examples/square.tlr")
                .display()
                .to_string(),
            "100".into(),
        ],
    ));
    programs.push((
        "tlr ALLOCATE 10000 in a loop, 100000 turns".into(),
        &tlr,
        vec![
            write(
                &dir,
                "alloc.tlr",
                "        ALLOCATE 2\n        MOV_A_R 0\nloop:   ALLOCATE 10000\n        MOV_A_R 0\n        SET_A 1\n        NEG_A\n        ADD_R_TO_A 0\n        MOV_A_R 0\n        JUMP_IF_A loop\n        RETURN_A\n".into(),
            ),
            "100000".into(),
        ],
    ));
    let modes: [(&str, &[&str]); 3] = [
        ("JIT", &[]),
        ("--jit-threshold 1", &["--jit-threshold", "1"]),
        ("--no-jit", &["--no-jit"]),
    ];
    let show = |r: &Option<(Duration, Option<u64>)>| match r {
        Some((t, Some(kb))) => {
            format!("{:>9.4} s {:>7.1} MB", t.as_secs_f64(), *kb as f64 / 1024.0)
        }
        Some((t, None)) => format!("{:>9.4} s {:>10}", t.as_secs_f64(), "-"),
        None => format!("{:>22}", "over 60 s"),
    };
    println!(
        "{:<46} {:>22} {:>22} {:>22} {:>8}",
        "program", modes[0].0, modes[1].0, modes[2].0, "JIT/no"
    );
    for (name, bin, args) in &programs {
        let rs: Vec<_> = modes.iter().map(|(_, m)| best(bin, m, args, 3)).collect();
        let ratio = match (&rs[0], &rs[2]) {
            (Some((j, _)), Some((p, _))) => format!("{:.2}x", j.as_secs_f64() / p.as_secs_f64()),
            _ => "-".into(),
        };
        println!(
            "{:<46} {} {} {} {:>8}",
            name,
            show(&rs[0]),
            show(&rs[1]),
            show(&rs[2]),
            ratio
        );
    }
}
