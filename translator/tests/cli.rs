//! End-to-end tests of the `translate` command.

use std::path::{Path, PathBuf};
use std::process::Command;

fn translate() -> Command {
    Command::new(env!("CARGO_BIN_EXE_translate"))
}

/// A throwaway crate with a hinted interpreter, in a fresh temporary folder.
fn temp_crate(tag: &str, lib: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("translate-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src/ops")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!("[package]\nname = \"{tag}\"\nversion = \"0.1.0\"\n"),
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), lib).unwrap();
    dir
}

const COUNTER: &str = r#"
mod ops;

#[portal(greens(code, pc))]
pub fn interpret(code: &[u8], pc: usize, a: i64) -> Result<i64, ops::Error> {
    let mut pc = pc;
    let mut a = a;
    loop {
        global_merge_point!();
        let op = concrete!(code[pc]);
        pc += 1;
        match op {
            0 => return Ok(a),
            1 => a = ops::step(a)?,
            2 => {
                if a != 0 {
                    pc = code[pc] as usize;
                } else {
                    pc += 1;
                }
            }
            _ => return Err(ops::Error::Bad),
        }
    }
}
"#;

const OPS: &str = r#"
pub enum Error { Bad, Overflow }

pub fn step(a: i64) -> Result<i64, Error> {
    a.checked_sub(1).ok_or(Error::Overflow)
}
"#;

#[test]
fn view_writes_one_dot_file_per_graph() {
    let dir = temp_crate("counter", COUNTER);
    std::fs::write(dir.join("src/ops.rs"), OPS).unwrap();
    let dots = dir.join("graphs");
    let out = translate()
        .arg(&dir)
        .arg("--view")
        .arg("--dot-dir")
        .arg(&dots)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("[1/4] reading"), "progress:\n{err}");
    assert!(err.contains("portal: interpret"), "{err}");
    assert!(err.contains("2 graphs"), "{err}");
    let main = std::fs::read_to_string(dots.join("interpret.dot")).unwrap();
    assert!(main.starts_with("digraph \"interpret\""), "{main}");
    assert!(main.contains("global_merge_point"), "{main}");
    assert!(main.contains("hint_concrete"), "{main}");
    assert!(
        main.contains("label=\"0: "),
        "switch cases label the edges:\n{main}"
    );
    // `step` is in `mod ops`: its graph is named by its module path.
    assert!(dots.join("ops.step.dot").is_file());
    // The portal after inlining, coloured by binding time: `code` green, `a` red.
    let ann = std::fs::read_to_string(dots.join("interpret.annotated.dot")).unwrap();
    assert!(
        ann.contains("<font color=\"#007000\">v2 code</font>"),
        "{ann}"
    );
    assert!(ann.contains("#c00000"), "{ann}");
    assert!(
        ann.contains("peripheries=2"),
        "merge blocks are drawn double:\n{ann}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn quiet_prints_nothing() {
    let dir = temp_crate("quiet", COUNTER);
    std::fs::write(dir.join("src/ops.rs"), OPS).unwrap();
    let out = translate()
        .arg(&dir)
        .args(["--view", "-q", "--dot-dir"])
        .arg(dir.join("g"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stderr.is_empty() && out.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unsupported_code_is_a_located_error() {
    let lib = COUNTER.replace("1 => a = ops::step(a)?,", "1 => a = (|x: i64| x)(a),");
    let dir = temp_crate("closure", &lib);
    std::fs::write(dir.join("src/ops.rs"), OPS).unwrap();
    let out = translate().arg(&dir).arg("--view").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--> src/lib.rs:14:22"), "{err}");
    assert!(
        err.contains("a call through a computed function is not supported"),
        "{err}"
    );
    assert!(
        err.contains("could not translate `closure` due to 1 previous error"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_targets_are_clear_errors() {
    let out = translate().arg("no-such-target").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("no target `no-such-target`"), "{err}");

    let dir = temp_crate("noportal", "pub fn f(a: i64) -> i64 { a }\n");
    let out = translate().arg(&dir).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("no portal"), "{err}");

    let dir2 = temp_crate("syntax", "pub fn f( {\n");
    let out = translate().arg(&dir2).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("lib.rs:1:") && err.contains("syntax error"),
        "{err}"
    );

    let bad_green = COUNTER.replace("greens(code, pc)", "greens(code, nope)");
    let dir3 = temp_crate("badgreen", &bad_green);
    std::fs::write(dir3.join("src/ops.rs"), OPS).unwrap();
    let out = translate().arg(&dir3).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no parameter `nope`"), "{err}");
    for d in [dir, dir2, dir3] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn list_and_help() {
    let out = translate().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("--view") && help.contains("--list") && help.contains("--output"),
        "{help}"
    );
    let empty = std::env::temp_dir().join(format!("translate-cli-empty-{}", std::process::id()));
    std::fs::create_dir_all(empty.join("demo")).unwrap();
    std::fs::write(
        empty.join("demo/Cargo.toml"),
        "[package]\nname = \"demo\"\ndescription = \"A demo target\"\n",
    )
    .unwrap();
    let out = translate()
        .arg("--list")
        .arg("--targets-dir")
        .arg(&empty)
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(
        list.contains("demo") && list.contains("A demo target"),
        "{list}"
    );
    let _ = std::fs::remove_dir_all(&empty);
    let _ = Path::new("");
}

#[test]
fn the_tlr_target_by_both_names() {
    for name in ["targettlr", "tlr"] {
        let dots =
            std::env::temp_dir().join(format!("translate-cli-tlr-{name}-{}", std::process::id()));
        let out = translate()
            .args([name, "--view", "--dot-dir"])
            .arg(&dots)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        let dot = std::fs::read_to_string(dots.join("interpret.dot")).unwrap();
        assert!(
            dot.contains("global_merge_point") && dot.contains("variant_tag"),
            "{dot}"
        );
        assert!(dots.join("register.dot").is_file());
        let _ = std::fs::remove_dir_all(&dots);
    }
}
