//! Flow graphs of patterns (tuples, nested variants, guards, `|`, `while let`,
//! `let ... else`) and of assignments whose right-hand side creates blocks: snapshots of
//! their text form, and evaluation of each graph against the compiled function.

#[path = "corpus/patterns.rs"]
mod patterns;

use std::panic::{catch_unwind, AssertUnwindSafe};
use translator::flow::build::{build_program, Program};
use translator::flow::eval::{EvalError, Evaluator, Obj, Value};
use translator::flow::print::graph_text;
use translator::source::Crate;

const SOURCE: &str = include_str!("corpus/patterns.rs");

fn corpus() -> (Crate, Program) {
    let k = Crate::from_source("patterns", SOURCE).unwrap();
    let roots: Vec<String> = k.fns.keys().cloned().collect();
    let (prog, diags) = build_program(&k, &roots);
    let rendered: Vec<String> = diags.iter().map(|d| d.render(&k, false)).collect();
    assert!(diags.is_empty(), "{}", rendered.join("\n"));
    for (name, g) in &prog.graphs {
        g.check().unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    (k, prog)
}

fn int(i: i64) -> Value {
    Value::Int(i as i128)
}

fn seq(v: &[i64]) -> Value {
    Value::obj(Obj::Seq(v.iter().map(|&x| int(x)).collect()))
}

fn opt(v: Option<i64>) -> Value {
    match v {
        Some(x) => Value::variant("Some", vec![int(x)]),
        None => Value::variant("None", vec![]),
    }
}

/// Run `f`, giving its result as text (`panic` for a panic), quietly.
fn native(f: impl FnOnce() -> Value) -> String {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => format!("{v:?}"),
        Err(_) => "panic".into(),
    }
}

/// Evaluate `name` on `args` and compare with the native result.
fn agree(prog: &Program, k: &Crate, name: &str, args: Vec<Value>, want: String) {
    let mut ev = Evaluator::new(prog, k);
    let got = match ev.call(name, args.clone()) {
        Ok(v) => format!("{v:?}"),
        Err(EvalError::Panic(_)) => "panic".into(),
        Err(e) => panic!("{name}({args:?}): evaluation failed: {e:?}"),
    };
    assert_eq!(got, want, "{name}({args:?})");
}

#[test]
fn assignments_whose_value_creates_blocks() {
    let (k, prog) = corpus();
    for n in 0..10usize {
        for i in 0..5usize {
            for c in [false, true] {
                let stack: Vec<i64> = (0..n as i64).map(|x| x * 3 - 4).collect();
                let want = native(|| opt(patterns::assign_blocks(stack.clone(), i, c)));
                agree(
                    &prog,
                    &k,
                    "assign_blocks",
                    vec![seq(&stack), Value::Int(i as i128), Value::Bool(c)],
                    want,
                );
            }
        }
    }
}

#[test]
fn graphs_of_patterns() {
    let (_, prog) = corpus();
    for (name, g) in &prog.graphs {
        insta::assert_snapshot!(name.replace("::", "__"), graph_text(g));
    }
}
