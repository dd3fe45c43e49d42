//! The targets' flow graphs: snapshots, and the tlr interpreter's graph evaluated
//! against the compiled interpreter on generated programs.

use translator::driver::{default_targets_dir, find_portals};
use translator::flow::build::{build_program, Program};
use translator::flow::eval::{EvalError, Evaluator, Value};
use translator::flow::print::graph_text;
use translator::source::Crate;

fn target(name: &str) -> (Crate, Program) {
    let k = Crate::load(&default_targets_dir().join(name)).unwrap();
    let portals = find_portals(&k).unwrap_or_else(|d| panic!("{d:?}"));
    let (prog, diags) = build_program(&k, &portals);
    let r: Vec<String> = diags.iter().map(|d| d.render(&k, false)).collect();
    assert!(diags.is_empty(), "{}", r.join("\n"));
    (k, prog)
}

#[test]
fn tlr_graphs() {
    let (_, prog) = target("tlr");
    for (name, g) in &prog.graphs {
        insta::assert_snapshot!(format!("tlr__{name}"), graph_text(g));
    }
}

/// The pipeline after the flow graphs, for one target: the annotated portal graph and
/// the generated frontend.
fn annotate_and_generate(name: &str) -> (String, String) {
    let (k, prog) = target(name);
    let portal = prog.roots[0].clone();
    let (g, greens, a) = translator::driver::annotated_portal(&k, &prog, &portal)
        .unwrap_or_else(|d| panic!("{d:?}"));
    let text = translator::bta::annotated_text(&g, &a);
    let p = translator::timeshift::Portal {
        name: portal,
        graph: &g,
        ann: &a,
        greens,
    };
    let frontend = translator::timeshift::generate(&k, &[p]).unwrap_or_else(|d| panic!("{d:?}"));
    (text, frontend)
}

#[test]
fn tlr_annotation_and_frontend() {
    let (ann, frontend) = annotate_and_generate("tlr");
    insta::assert_snapshot!("tlr_annotated", ann);
    insta::assert_snapshot!("tlr_frontend", frontend);
}

#[test]
fn tl_annotation_and_frontend() {
    let (ann, frontend) = annotate_and_generate("tl");
    assert!(
        ann.contains("hint_promote"),
        "BR_COND_STK promotes its target"
    );
    insta::assert_snapshot!("tl_annotated", ann);
    insta::assert_snapshot!("tl_frontend", frontend);
}

#[test]
fn bf_annotation_and_frontend() {
    let (ann, frontend) = annotate_and_generate("bf");
    // The pointer starts at 0 and moves by constants, but the loop changes it and it is
    // not a green of the portal: red, or every pointer value would compile the loop again.
    assert!(
        ann.contains("ptr: usize [red]"),
        "the pointer is red:\n{ann}"
    );
    assert!(
        !ann.contains("ptr: usize [green]"),
        "the pointer is red:\n{ann}"
    );
    insta::assert_snapshot!("bf_annotated", ann);
    insta::assert_snapshot!("bf_frontend", frontend);
}

fn error_value(e: &tlr::Error) -> Value {
    match e {
        tlr::Error::Overflow => Value::variant("Overflow", vec![]),
        tlr::Error::RegisterOutOfRange { reg, len } => Value::variant(
            "RegisterOutOfRange",
            vec![Value::Int(*reg as i128), Value::Int(*len as i128)],
        ),
        tlr::Error::BadAllocate(n) => Value::variant("BadAllocate", vec![Value::Int(*n as i128)]),
        tlr::Error::FellOffEnd => Value::variant("FellOffEnd", vec![]),
        tlr::Error::BadOpcode(o) => Value::variant("BadOpcode", vec![Value::Int(*o as i128)]),
    }
}

fn native(code: &[i64], a: i64) -> Value {
    match tlr::interpret(code, 0, a) {
        Ok(v) => Value::variant("Ok", vec![Value::Int(v as i128)]),
        Err(e) => Value::variant("Err", vec![error_value(&e)]),
    }
}

/// Random programs with forward jumps only (so they terminate), operands biased toward
/// the interesting edges (unallocated registers, overflow).
fn random_program(seed: u64) -> Vec<i64> {
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let n = 1 + (next() % 24) as usize;
    let mut code = Vec::new();
    for i in 0..n {
        let op = 1 + (next() % 8) as i64;
        let arg = match op {
            tlr::JUMP_IF_A => (i + 1 + (next() % 3) as usize) as i64,
            tlr::SET_A => [0, 1, -1, i64::MAX, i64::MIN, 7][(next() % 6) as usize],
            tlr::ALLOCATE => (next() % 5) as i64,
            _ => (next() % 5) as i64 - (next() % 2) as i64,
        };
        code.push(op);
        code.push(arg);
    }
    if next() % 4 != 0 {
        code.extend([tlr::RETURN_A, 0]);
    }
    code
}

#[test]
fn tlr_graph_evaluates_like_the_interpreter() {
    let (k, prog) = target("tlr");
    let square = tlr::asm::assemble(include_str!("../../targets/tlr/examples/square.tlr")).unwrap();
    let mut cases: Vec<(Vec<i64>, i64)> = (1..40).map(|a| (square.clone(), a)).collect();
    for seed in 0..3000 {
        cases.push((
            random_program(seed),
            [0, 1, 5, -3, i64::MAX][(seed % 5) as usize],
        ));
    }
    for (code, a) in cases {
        let mut ev = Evaluator::new(&prog, &k);
        let args = vec![
            Value::int_seq(code.iter().map(|x| *x as i128)),
            Value::Int(0),
            Value::Int(a as i128),
        ];
        let got = ev.call("interpret", args);
        match got {
            Ok(v) => assert_eq!(v, native(&code, a), "{code:?} a={a}"),
            Err(EvalError::Panic(m)) => {
                panic!("graph panicked where the interpreter did not: {m} on {code:?}")
            }
            Err(e) => panic!("{e:?}"),
        }
    }
}
