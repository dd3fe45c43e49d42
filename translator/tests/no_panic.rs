//! The front end never panics on code that syn parses: every function of every Rust
//! file in this repository (and every target) is built, and must come out as a graph
//! or a diagnostic.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use translator::flow::build::build_fn;
use translator::source::Crate;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if p.is_dir() && name != "target" && !name.starts_with('.') {
            rust_files(&p, out);
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_function_of_the_repository_gives_a_graph_or_a_diagnostic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 20, "found only {} files", files.len());
    let (mut graphs, mut diags, mut fns) = (0, 0, 0);
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let Ok(k) = Crate::from_source("file", &text) else {
            continue; // not a standalone file syn accepts (none expected, but not our concern)
        };
        for name in k.fns.keys() {
            fns += 1;
            let r = catch_unwind(AssertUnwindSafe(|| build_fn(&k, name).map(|_| ())));
            match r {
                Ok(Ok(())) => graphs += 1,
                Ok(Err(d)) => {
                    // The diagnostic must render.
                    let _ = d.render(&k, false);
                    diags += 1
                }
                Err(_) => panic!("the front end panicked on `{name}` in {}", f.display()),
            }
        }
    }
    eprintln!(
        "{} files, {fns} functions: {graphs} graphs, {diags} diagnostics",
        files.len()
    );
    assert!(
        graphs > 50 && diags > 50,
        "{graphs} graphs, {diags} diagnostics"
    );
}
