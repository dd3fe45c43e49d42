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

fn value(v: patterns::Value) -> Value {
    use patterns::Value as V;
    match v {
        V::None => Value::variant("None", vec![]),
        V::Bool(b) => Value::variant("Bool", vec![Value::Bool(b)]),
        V::Int(i) => Value::variant("Int", vec![int(i)]),
        V::Float(f) => Value::variant("Float", vec![Value::Float(f)]),
        V::Ref(r) => Value::variant("Ref", vec![Value::Int(r as i128)]),
    }
}

/// Values of every variant, with the edge cases of their payloads.
fn values() -> Vec<patterns::Value> {
    use patterns::Value as V;
    let mut v = vec![V::None, V::Bool(false), V::Bool(true)];
    for i in [0, 1, 5, 9, 10, -3, i64::MAX, i64::MIN] {
        v.push(V::Int(i));
    }
    for f in [0.5, -2.25, 1e300] {
        v.push(V::Float(f));
    }
    for r in [0, 7, u32::MAX] {
        v.push(V::Ref(r));
    }
    v
}

#[test]
fn pair_matches_with_guards() {
    let (k, prog) = corpus();
    for a in values() {
        for b in values() {
            for op in 0..3u8 {
                let want = native(|| value(patterns::binop(a, b, op)));
                agree(
                    &prog,
                    &k,
                    "binop",
                    vec![value(a), value(b), Value::Int(op as i128)],
                    want,
                );
            }
        }
    }
}

#[test]
fn nested_options_and_results() {
    use patterns::Code;
    let (k, prog) = corpus();
    let ints = [0, 1, 4, 5, 6, -7, 12, i64::MIN];
    let mut opts: Vec<Option<Option<i64>>> = vec![None, Some(None)];
    opts.extend(ints.iter().map(|&i| Some(Some(i))));
    let mut ress: Vec<Result<Option<i64>, Code>> = vec![Ok(None), Err(Code::Stop)];
    for &i in &ints {
        ress.push(Ok(Some(i)));
        ress.push(Err(Code::At(i)));
        ress.push(Err(Code::Pair { a: i, b: 0 }));
        ress.push(Err(Code::Pair { a: i, b: 3 }));
    }
    let code = |c: Code| match c {
        Code::Stop => Value::variant("Stop", vec![]),
        Code::At(i) => Value::variant("At", vec![int(i)]),
        Code::Pair { a, b } => Value::variant("Pair", vec![int(a), int(b)]),
    };
    for &o in &opts {
        for &r in &ress {
            let ov = match o {
                None => Value::variant("None", vec![]),
                Some(x) => Value::variant("Some", vec![opt(x)]),
            };
            let rv = match r {
                Ok(x) => Value::variant("Ok", vec![opt(x)]),
                Err(c) => Value::variant("Err", vec![code(c)]),
            };
            let want = native(|| int(patterns::nested(o, r)));
            agree(&prog, &k, "nested", vec![ov, rv], want);
        }
    }
}

#[test]
fn struct_patterns_and_tuple_values() {
    let (k, prog) = corpus();
    for pc in [0usize, 1, 6] {
        for top in [None, Some(3), Some(11), Some(-20)] {
            for f in [false, true] {
                for g in [0u8, 2, 3, 4, 101, 200] {
                    let want = native(|| int(patterns::frames(pc, top, f, g)));
                    agree(
                        &prog,
                        &k,
                        "frames",
                        vec![
                            Value::Int(pc as i128),
                            opt(top),
                            Value::Bool(f),
                            Value::Int(g as i128),
                        ],
                        want,
                    );
                }
            }
        }
    }
}

#[test]
fn while_let_and_let_else() {
    let (k, prog) = corpus();
    let vals = values();
    let mut seed = 7u64;
    for _ in 0..300 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let n = (seed >> 60) as usize;
        let v: Vec<patterns::Value> = (0..n)
            .map(|i| {
                let r = (seed >> (i * 4 % 56)) as usize;
                if r.is_multiple_of(3) {
                    patterns::Value::Int((r % 13) as i64 - 3)
                } else {
                    vals[r % vals.len()]
                }
            })
            .collect();
        let kk = (seed >> 20) as i64 % 12;
        let want = native(|| int(patterns::drain(v.clone(), kk)));
        let seqv = Value::obj(Obj::Seq(v.iter().map(|&x| value(x)).collect()));
        agree(&prog, &k, "drain", vec![seqv, int(kk)], want);
    }
}
