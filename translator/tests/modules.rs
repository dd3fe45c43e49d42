//! A target made of modules: paths resolve as rustc resolves them (`mod x;` files,
//! nested inline modules, `use crate::..`, `use super::*`, `self::`, `pub use`
//! re-exports, same-named items in different modules, an `impl` block in another module
//! than its type), every item keeps its module path in graphs and diagnostics, and the
//! generated code names items by their full paths.

mod common;
use std::path::{Path, PathBuf};
use std::process::Command;
use translator::driver::{annotated_portal, find_portals, render_all, Failure};
use translator::flow::build::{build_program, Program};
use translator::flow::print::graph_text;
use translator::source::Crate;

const LIB: &str = r#"//! `modvm`: one accumulator, bytes as instructions: `+` acc + 1, `d` acc * 2, `n` the
//! frame one deeper and acc + its depth, `<` back to the start while fewer than 40
//! steps were taken, `.` stop.
pub mod objects;
pub mod vm;

pub use objects::Error;
pub use vm::run;

mod util {
    /// The same name as `objects::helper`.
    pub fn helper(x: i64) -> i64 {
        x.wrapping_mul(2)
    }
}
"#;

const OBJECTS: &str = r#"pub const LIMIT: i64 = 1_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Overflow,
    BadOp(u8),
}

/// Only a name for its associated items here (the JIT has no red structs yet).
pub struct Frame {
    pub acc: i64,
}

impl Frame {
    pub const STEP: i64 = 1;

    pub fn start(acc: i64) -> i64 {
        acc
    }
}

pub fn helper(x: i64) -> i64 {
    x.wrapping_add(1)
}

pub mod inner {
    /// The same name as `objects::Frame`.
    pub struct Frame {
        pub depth: i64,
    }

    impl Frame {
        pub fn start() -> i64 {
            super::super::objects::inner::START
        }
    }

    pub static START: i64 = 3;
}
"#;

const VM: &str = r#"use super::*;
use crate::objects::{Frame, LIMIT};
use self::ops::Op;
use hints::{concrete, global_merge_point, portal};

pub mod ops {
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum Op {
        Inc,
        Dbl,
        Deeper,
        Back,
        Stop,
    }

    pub fn decode(b: u8) -> Option<Op> {
        match b {
            b'+' => Some(Op::Inc),
            b'd' => Some(super::ops::Op::Dbl),
            b'n' => Some(self::Op::Deeper),
            b'<' => Some(Op::Back),
            b'.' => Some(crate::vm::ops::Op::Stop),
            _ => None,
        }
    }
}

/// A method of `objects::inner::Frame`, declared here.
impl objects::inner::Frame {
    pub fn deeper(depth: i64) -> i64 {
        depth + Frame::STEP
    }
}

#[portal(greens(code, pc))]
pub fn run(code: &[u8], pc: usize, x: i64) -> Result<i64, Error> {
    let mut pc = pc;
    let mut acc = Frame::start(x);
    let mut steps: i64 = 0;
    let mut depth = objects::inner::Frame::start();
    while pc < code.len() {
        global_merge_point!();
        let b = concrete!(code[pc]);
        pc += 1;
        let op = match ops::decode(b) {
            Some(op) => op,
            None => return Err(objects::Error::BadOp(b)),
        };
        match op {
            Op::Inc => acc = objects::helper(acc),
            Op::Dbl => acc = util::helper(acc),
            Op::Deeper => {
                depth = objects::inner::Frame::deeper(depth);
                acc = acc.wrapping_add(depth);
            }
            Op::Back => {
                if steps < 40 {
                    pc = 0;
                }
            }
            Op::Stop => return Ok(acc),
        }
        steps += 1;
        if acc > LIMIT || acc < -LIMIT {
            return Err(Error::Overflow);
        }
    }
    Ok(acc)
}
"#;

const MAIN: &str = r#"use std::process::ExitCode;

fn main() -> ExitCode {
    let args = hints::args();
    let [prog, x] = args.as_slice() else {
        eprintln!("usage: modvm PROGRAM X");
        return ExitCode::from(2);
    };
    let Ok(x) = x.parse::<i64>() else {
        eprintln!("error: X must be an integer");
        return ExitCode::FAILURE;
    };
    match modvm::run(prog.as_bytes(), 0, x) {
        Ok(r) => {
            println!("{r}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:?}");
            ExitCode::FAILURE
        }
    }
}
"#;

/// The `modvm` crate in a fresh folder under `tag`, with `lib.rs` as given.
fn write_crate(tag: &str, lib: &str, vm: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("modules-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let root = dir.join("modvm");
    std::fs::create_dir_all(root.join("src")).unwrap();
    let hints = Path::new(env!("CARGO_MANIFEST_DIR")).join("../hints");
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"modvm\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nhints = {{ path = {:?} }}\n\n[workspace]\n",
            hints.canonicalize().unwrap()
        ),
    )
    .unwrap();
    std::fs::write(root.join("src/lib.rs"), lib).unwrap();
    std::fs::write(root.join("src/objects.rs"), OBJECTS).unwrap();
    std::fs::write(root.join("src/vm.rs"), vm).unwrap();
    std::fs::write(root.join("src/main.rs"), MAIN).unwrap();
    root
}

fn front(root: &Path) -> (Crate, Program, Vec<String>) {
    let k = Crate::load(root).unwrap();
    let portals = find_portals(&k).unwrap_or_else(|d| panic!("{d:?}"));
    let (prog, diags) = build_program(&k, &portals);
    let r: Vec<String> = diags.iter().map(|d| d.render(&k, false)).collect();
    (k, prog, r)
}

#[test]
fn paths_resolve_as_rustc_resolves_them() {
    let root = write_crate("resolve", LIB, VM);
    let (k, prog, errors) = front(&root);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(prog.roots, ["vm::run"]);
    let names: Vec<&str> = prog.graphs.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "objects::Frame::start",
            "objects::helper",
            "objects::inner::Frame::deeper",
            "objects::inner::Frame::start",
            "util::helper",
            "vm::ops::decode",
            "vm::run"
        ]
    );
    assert!(k.structs.contains_key("objects::Frame"));
    assert!(k.structs.contains_key("objects::inner::Frame"));
    let mut all = String::new();
    for (name, g) in &prog.graphs {
        all.push_str(&format!("== {name}\n{}\n", graph_text(g)));
    }
    insta::assert_snapshot!(all);
    // The generated frontend names every item by its full path.
    let (g, greens, a) = annotated_portal(&k, &prog, "vm::run").unwrap_or_else(|d| panic!("{d:?}"));
    let p = translator::timeshift::Portal {
        name: "vm::run".into(),
        graph: &g,
        ann: &a,
        greens,
    };
    let frontend = translator::timeshift::generate(&k, &[p]).unwrap_or_else(|d| panic!("{d:?}"));
    assert!(
        frontend.contains("::modvm::objects::Error::BadOp"),
        "{frontend}"
    );
    assert!(
        frontend.contains("::modvm::vm::__portal_hook_run"),
        "{frontend}"
    );
    assert!(
        frontend.contains("::modvm::vm::__portal_plain_run"),
        "{frontend}"
    );
    assert!(frontend.contains("pub mod portal_vm__run"), "{frontend}");
    let _ = std::fs::remove_dir_all(root.parent().unwrap());
}

#[test]
fn errors_in_modules_name_their_files_and_items() {
    let vm = VM
        .replace(
            "Op::Inc => acc = objects::helper(acc),",
            "Op::Inc => acc = objects::nothing(acc),",
        )
        .replace("b'<' => Some(Op::Back),", "b'<' => Some(Op::Back(1)),");
    let root = write_crate("errors", LIB, &vm);
    let (k, _, errors) = front(&root);
    assert_eq!(errors.len(), 2, "{}", errors.join("\n"));
    assert!(errors[0].contains("--> src/vm.rs:21:26"), "{}", errors[0]);
    assert!(
        errors[1].contains("call to `objects::nothing`"),
        "{}",
        errors[1]
    );
    assert!(errors[1].contains("--> src/vm.rs:50:"), "{}", errors[1]);
    let _ = k;
    let _ = std::fs::remove_dir_all(root.parent().unwrap());
}

/// Generated code names the portal's types from outside the crate: a type in a private
/// module is an error at the portal, not a failed build.
#[test]
fn types_the_jit_names_must_be_reachable() {
    let lib = LIB.replace("pub mod objects;", "mod objects;");
    let root = write_crate("private", &lib, VM);
    let (k, prog, errors) = front(&root);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let (g, greens, a) = annotated_portal(&k, &prog, "vm::run").unwrap_or_else(|d| panic!("{d:?}"));
    let p = translator::timeshift::Portal {
        name: "vm::run".into(),
        graph: &g,
        ann: &a,
        greens,
    };
    let ds = match translator::timeshift::generate(&k, &[p]) {
        Ok(_) => panic!("generated code for a private module's type"),
        Err(ds) => ds,
    };
    let Failure(out) = render_all(&k, &ds, false);
    assert!(
        out.contains("`objects::Error` is named by the generated JIT"),
        "{out}"
    );
    assert!(out.contains("--> src/vm.rs:"), "{out}");
    let _ = std::fs::remove_dir_all(root.parent().unwrap());
}

#[test]
fn view_names_graph_files_by_module_path() {
    let root = write_crate("view", LIB, VM);
    let dots = root.join("graphs");
    let out = Command::new(env!("CARGO_BIN_EXE_translate"))
        .arg(&root)
        .args(["--view", "-q", "--dot-dir"])
        .arg(&dots)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "vm.run.dot",
        "objects.helper.dot",
        "util.helper.dot",
        "vm.run.annotated.dot",
    ] {
        assert!(dots.join(f).is_file(), "{f}");
    }
    let _ = std::fs::remove_dir_all(root.parent().unwrap());
}

fn run(bin: &Path, mode: &[&str], args: &[&str]) -> (i32, String, String) {
    let o = Command::new(bin).args(mode).args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The whole translation of the multi-module interpreter: the JIT and the plain
/// interpreter agree.
#[test]
fn a_multi_module_interpreter_translates() {
    let root = write_crate("e2e", LIB, VM);
    let bin = root.parent().unwrap().join("modvm-c");
    common::translate(&root, &bin);
    for (prog, x) in [
        ("+d+.", "5"),
        ("+n<", "0"),
        ("dd<", "1"),
        ("+dn+<.", "-7"),
        ("d<", "999999"),
        ("+x", "1"),
    ] {
        let jit = run(&bin, &[], &[prog, x]);
        let plain = run(&bin, &["--no-jit"], &[prog, x]);
        assert_eq!(jit, plain, "{prog} {x}");
    }
    assert_eq!(run(&bin, &[], &["+d+.", "5"]).1, "13\n");
    let _ = std::fs::remove_dir_all(root.parent().unwrap());
}
