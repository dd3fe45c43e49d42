//! How long `translate` takes on a large portal: an interpreter with many opcodes is
//! generated (each arm a few lines of red arithmetic, comparisons and stack accesses, in
//! the style of `targets/tl`, every arm different), translated by path, and the whole
//! run timed (front end, generation and the release build of the generated crate, with
//! the toolchain's dependencies already built). Prints the portal's blocks, the
//! frontend's lines and the seconds. `TRANSLATE_OPCODES` lists the opcode counts
//! (comma-separated; default `33,290`: about 600 and 5,000 blocks).
//! `cargo bench -p benches --bench translate_size`.

use benches::{repo, rng, translate_command};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The interpreter's source: opcode `i` (from 1) runs arm `i`; 0 stops.
fn interpreter(n: usize) -> String {
    let mut next = rng(n as u64);
    let mut arms = String::new();
    for i in 1..=n {
        let k = (next() % 90 + 3) as i64;
        let arm = match next() % 5 {
            0 => format!(
                "let a = pop(&mut stack)?; let b = pop(&mut stack)?; stack.push(a.wrapping_mul({k}) ^ (b - {k}));"
            ),
            1 => format!(
                "let n = operand(code, pc)?; pc += 1; let a = pop(&mut stack)?; stack.push(a + n * {k});"
            ),
            2 => format!(
                "let x = pop(&mut stack)?; if x > {k} {{ stack.push(x - {k}); }} else {{ stack.push(x + {i}); }}"
            ),
            3 => format!(
                "let j = index(stack.len(), {})?; let x = stack[j]; stack.push((x & {k}) | {i});",
                k % 3
            ),
            _ => format!(
                "let a = pop(&mut stack)?; let b = pop(&mut stack)?; if a < b {{ stack.push(b - a); stack.push({k}); }} else {{ stack.push(a - b); }}"
            ),
        };
        let _ = writeln!(arms, "            {i} => {{ {arm} }}");
    }
    format!(
        "//! A generated interpreter of {n} opcodes (see `benches/benches/translate_size.rs`).
use hints::{{concrete, global_merge_point, portal}};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {{
    StackUnderflow,
    MissingOperand,
    BadOpcode(i64),
}}

#[portal(greens(code, pc))]
pub fn interpret(code: &[i64], pc: usize, arg: i64) -> Result<i64, Error> {{
    let mut pc = pc;
    let mut stack: Vec<i64> = Vec::new();
    stack.push(arg);
    while pc < code.len() {{
        global_merge_point!();
        let op = concrete!(code[pc]);
        pc += 1;
        match op {{
            0 => break,
{arms}
            _ => return Err(Error::BadOpcode(op)),
        }}
    }}
    pop(&mut stack)
}}

fn operand(code: &[i64], pc: usize) -> Result<i64, Error> {{
    if pc >= code.len() {{
        return Err(Error::MissingOperand);
    }}
    Ok(concrete!(code[pc]))
}}

fn pop(stack: &mut Vec<i64>) -> Result<i64, Error> {{
    match stack.pop() {{
        Some(x) => Ok(x),
        None => Err(Error::StackUnderflow),
    }}
}}

fn index(len: usize, n: i64) -> Result<usize, Error> {{
    if n < 0 || n as usize >= len {{
        return Err(Error::StackUnderflow);
    }}
    Ok(len - 1 - n as usize)
}}
"
    )
}

const MAIN: &str = "//! `bigvm PROGRAM ARG`: the program is whitespace-separated integers.
fn main() -> std::process::ExitCode {
    let args = hints::args();
    let [path, arg] = args.as_slice() else {
        eprintln!(\"usage: bigvm [--no-jit] PROGRAM ARG\");
        return std::process::ExitCode::from(2);
    };
    let code: Vec<i64> = std::fs::read_to_string(path)
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    match bigvm::interpret(&code, 0, arg.parse().unwrap_or(0)) {
        Ok(r) => {
            println!(\"{r}\");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(\"error: {e:?}\");
            std::process::ExitCode::FAILURE
        }
    }
}
";

/// Write the interpreter crate of `n` opcodes into `dir`.
fn write_crate(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let hints = repo().join("hints").canonicalize().unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"bigvm\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nhints = {{ path = {:?} }}\n\n[workspace]\n",
            hints.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), interpreter(n)).unwrap();
    std::fs::write(dir.join("src/main.rs"), MAIN).unwrap();
}

/// Where scratch files go: `CARGO_TARGET_DIR` when it is absolute, else `target/`.
fn scratch() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(d) if d.is_absolute() => d.join("bench"),
        _ => repo().join("target/bench"),
    }
}

fn main() {
    let counts = std::env::var("TRANSLATE_OPCODES").unwrap_or("33,290".into());
    // The translator itself, built first so that it is not timed.
    let st = Command::new(env!("CARGO"))
        .current_dir(repo())
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "translator",
            "--bin",
            "translate",
        ])
        .status()
        .expect("cargo");
    assert!(st.success());
    println!(
        "\n{:>8} {:>8} {:>10} {:>10}",
        "opcodes", "blocks", "lines", "seconds"
    );
    for n in counts
        .split(',')
        .filter_map(|c| c.trim().parse::<usize>().ok())
    {
        let dir = scratch().join(format!("bigvm-{n}"));
        write_crate(&dir, n);
        let start = Instant::now();
        let o = translate_command()
            .arg(&dir)
            .arg("-o")
            .arg(dir.join("bigvm-c"))
            .output()
            .expect("run translate");
        let took = start.elapsed().as_secs_f64();
        let out =
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "translate failed:\n{out}");
        // `interpret: N blocks, M operations` and `L lines in ...` from its progress.
        let blocks = out
            .lines()
            .filter_map(|l| l.split_once("interpret: ")?.1.split(" blocks").next())
            .find_map(|b| b.trim().parse::<u64>().ok())
            .unwrap_or(0);
        let lines = out
            .lines()
            .find_map(|l| l.trim().split(" lines in ").next()?.parse::<u64>().ok())
            .unwrap_or(0);
        println!("{n:>8} {blocks:>8} {lines:>10} {took:>10.1}");
        // The translated interpreter runs: every opcode once, then 0 stops.
        let program: String = (1..=n).map(|i| format!("{i} 1 ")).collect::<String>() + "0";
        std::fs::write(dir.join("all.bvm"), program).unwrap();
        let plain = Command::new(dir.join("bigvm-c"))
            .args(["--no-jit"])
            .arg(dir.join("all.bvm"))
            .arg("5")
            .output()
            .expect("run bigvm-c");
        let jit = Command::new(dir.join("bigvm-c"))
            .arg(dir.join("all.bvm"))
            .arg("5")
            .output()
            .expect("run bigvm-c");
        assert_eq!(
            plain.stdout, jit.stdout,
            "the JIT and the interpreter differ"
        );
        assert_eq!(plain.status.code(), jit.status.code());
    }
}
