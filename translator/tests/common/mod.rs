//! Pieces shared by the end-to-end tests (each test file uses some of them).
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// `translate TARGET -q -o OUT` (a target name or a crate's path), which must succeed.
pub fn translate(target: impl AsRef<std::ffi::OsStr>, out: &Path) {
    let target = target.as_ref();
    let st = Command::new(env!("CARGO_BIN_EXE_translate"))
        .arg(target)
        .args(["-q", "-o"])
        .arg(out)
        .status()
        .expect("run translate");
    assert!(
        st.success(),
        "translate {} failed",
        target.to_string_lossy()
    );
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

/// A crate `name` in `dir` whose `src/lib.rs` is `lib` and `src/main.rs` is `main`,
/// depending on the repository's `hints`; its folder.
pub fn write_crate(dir: &Path, name: &str, lib: &str, main: &str) -> std::path::PathBuf {
    let root = dir.join(name);
    std::fs::create_dir_all(root.join("src")).unwrap();
    let hints = Path::new(env!("CARGO_MANIFEST_DIR")).join("../hints");
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nhints = {{ path = {:?} }}\n\n[workspace]\n",
            hints.canonicalize().unwrap()
        ),
    )
    .unwrap();
    std::fs::write(root.join("src/lib.rs"), lib).unwrap();
    std::fs::write(root.join("src/main.rs"), main).unwrap();
    root
}

/// (exit code, stdout, stderr) of `bin MODE... ARGS...`.
pub fn run_bin(
    bin: &Path,
    mode: &[&str],
    args: impl IntoIterator<Item = String>,
) -> (i32, String, String) {
    let o = Command::new(bin).args(mode).args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// How many generated programs a differential test runs: `E2E_PROGRAMS`, else `default`.
pub fn programs(default: u64) -> u64 {
    std::env::var("E2E_PROGRAMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The ways of running with the JIT a differential test compares with `--no-jit`:
/// everything compiled at the first call (`--jit-threshold 1`), on both backends; and
/// compiled code entered from the interpreter's merge point once a key is passed
/// twice, leaving for the interpreter at keys it never passed and compiling bridges
/// there once they are hot, on both backends (on x86 with compiled loops freeing the
/// vectors they no longer reach at every turn that allocated).
pub const JIT_MODES: [&[&str]; 4] = [
    &["--backend", "x86", "--jit-threshold", "1"],
    &["--backend", "reference", "--jit-threshold", "1"],
    &[
        "--backend",
        "x86",
        "--jit-threshold",
        "2",
        "--jit-sweep-at",
        "1",
    ],
    &["--backend", "reference", "--jit-threshold", "2"],
];

/// Run `cmd` to its end: (exit code, stdout, stderr). Its outputs are read as it runs,
/// so a full pipe never stalls it; `tick(pid)` runs every `every` while it lives. A run
/// past `limit` is killed and fails the test, naming `what`.
pub fn run_watched(
    cmd: &mut Command,
    limit: std::time::Duration,
    every: std::time::Duration,
    what: &str,
    mut tick: impl FnMut(u32),
) -> (i32, String, String) {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            if let Some(mut r) = r {
                let _ = r.read_to_string(&mut s);
            }
            s
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    );
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{what}: no result after {limit:?}");
        }
        tick(child.id());
        std::thread::sleep(every);
    };
    (
        status.code().unwrap_or(-1),
        out.join().unwrap(),
        err.join().unwrap(),
    )
}

/// Run `bin MODE... ARGS...` in `dir`; its standard output and its peak resident memory
/// in KB (the high-water mark the kernel keeps, read until the process ends). Fails the
/// test past `limit`.
pub fn run_measuring_peak(
    bin: &Path,
    mode: &[&str],
    args: &[&str],
    dir: &Path,
    limit: std::time::Duration,
) -> (String, u64) {
    let mut peak = 0;
    let (_, out, _) = run_watched(
        Command::new(bin).args(mode).args(args).current_dir(dir),
        limit,
        std::time::Duration::from_millis(20),
        &format!("{args:?} {mode:?}"),
        |pid| {
            if let Some(kb) = std::fs::read_to_string(format!("/proc/{pid}/status"))
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find_map(|l| l.strip_prefix("VmHWM:"))
                        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                })
            {
                peak = peak.max(kb);
            }
        },
    );
    (out, peak)
}
