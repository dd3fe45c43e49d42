//! Flow graphs of every construct of the subset: snapshots of their text form, and a
//! differential test: evaluating each graph gives what the compiled function gives.

#[path = "corpus/bitcasts.rs"]
mod bitcasts;
#[path = "corpus/constructs.rs"]
mod constructs;

use constructs::{Error, Instr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use translator::flow::build::{build_program, Program};
use translator::flow::eval::{EvalError, Evaluator, Value};
use translator::flow::print::graph_text;
use translator::source::Crate;

const SOURCE: &str = include_str!("corpus/constructs.rs");

fn corpus() -> (Crate, Program) {
    let k = Crate::from_source("constructs", SOURCE).unwrap();
    let roots: Vec<String> = k.fns.keys().cloned().collect();
    let (prog, diags) = build_program(&k, &roots);
    let rendered: Vec<String> = diags.iter().map(|d| d.render(&k, false)).collect();
    assert!(diags.is_empty(), "{}", rendered.join("\n"));
    (k, prog)
}

trait ToValue {
    fn to_value(&self) -> Value;
}
macro_rules! int_to_value {
    ($($t:ty),*) => { $(impl ToValue for $t { fn to_value(&self) -> Value { Value::Int(*self as i128) } })* };
}
int_to_value!(i64, u8, u32, u64, usize);
impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}
impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Float(*self)
    }
}
impl ToValue for char {
    fn to_value(&self) -> Value {
        Value::Char(*self as u32)
    }
}
impl<T: ToValue> ToValue for [T] {
    fn to_value(&self) -> Value {
        Value::obj(translator::flow::eval::Obj::Seq(
            self.iter().map(|x| x.to_value()).collect(),
        ))
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            Some(x) => Value::variant("Some", vec![x.to_value()]),
            None => Value::variant("None", vec![]),
        }
    }
}
impl<T: ToValue, E: ToValue> ToValue for Result<T, E> {
    fn to_value(&self) -> Value {
        match self {
            Ok(x) => Value::variant("Ok", vec![x.to_value()]),
            Err(e) => Value::variant("Err", vec![e.to_value()]),
        }
    }
}
impl<A: ToValue, B: ToValue> ToValue for (A, B) {
    fn to_value(&self) -> Value {
        Value::Tuple(std::rc::Rc::new(vec![self.0.to_value(), self.1.to_value()]))
    }
}
impl ToValue for Error {
    fn to_value(&self) -> Value {
        match self {
            Error::Overflow => Value::variant("Overflow", vec![]),
            Error::BadOpcode(b) => Value::variant("BadOpcode", vec![b.to_value()]),
            Error::OutOfRange { index } => Value::variant("OutOfRange", vec![index.to_value()]),
        }
    }
}
impl ToValue for Instr {
    fn to_value(&self) -> Value {
        match self {
            Instr::Push(v) => Value::variant("Push", vec![v.to_value()]),
            Instr::Add => Value::variant("Add", vec![]),
            Instr::Jump { target } => Value::variant("Jump", vec![target.to_value()]),
            Instr::Halt => Value::variant("Halt", vec![]),
        }
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn i64(&mut self) -> i64 {
        match self.next() % 4 {
            0 => [0, 1, -1, 2, 3, 7, 9, 1000, i64::MAX, i64::MIN, -7][(self.next() % 11) as usize],
            1 => (self.next() % 200) as i64 - 100,
            2 => self.next() as i64 >> (self.next() % 64),
            _ => self.next() as i64,
        }
    }
    fn small(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Outcome of a run, as text: values by Debug (NaN equals NaN), any panic as `panic`.
fn outcome(r: Result<Value, EvalError>) -> String {
    match r {
        Ok(v) => format!("{v:?}"),
        Err(EvalError::Panic(_)) => "panic".into(),
        Err(e) => panic!("evaluation failed: {e:?}"),
    }
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Panics of the native functions are expected results: keep them off the output.
fn quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                default(info)
            }
        }));
    });
}

fn native<T: ToValue>(f: impl FnOnce() -> T) -> String {
    quiet_hook();
    QUIET.with(|q| q.set(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    match r {
        Ok(v) => format!("{:?}", v.to_value()),
        Err(_) => "panic".into(),
    }
}

/// Run `name` on `args` in the evaluator and compare with the native result.
fn agree(prog: &Program, k: &Crate, name: &str, args: Vec<Value>, native_result: String) {
    let mut ev = Evaluator::new(prog, k);
    let got = outcome(ev.call(name, args.clone()));
    assert_eq!(got, native_result, "{name}({args:?})");
}

#[test]
fn every_construct_evaluates_like_the_compiled_function() {
    let (k, prog) = corpus();
    let mut rng = Rng(42);
    for _ in 0..400 {
        let (a, b) = (rng.i64(), rng.i64());
        agree(
            &prog,
            &k,
            "arith",
            vec![a.to_value(), b.to_value()],
            native(|| constructs::arith(a, b)),
        );
        agree(
            &prog,
            &k,
            "checked",
            vec![a.to_value(), b.to_value()],
            native(|| constructs::checked(a, b)),
        );
        agree(
            &prog,
            &k,
            "division",
            vec![a.to_value(), b.to_value()],
            native(|| constructs::division(a, b)),
        );
        agree(
            &prog,
            &k,
            "logic",
            vec![a.to_value(), b.to_value()],
            native(|| constructs::logic(a, b)),
        );
        let (u, s) = (rng.next(), rng.small(200) as u32);
        agree(
            &prog,
            &k,
            "bits",
            vec![u.to_value(), s.to_value()],
            native(|| constructs::bits(u, s)),
        );
        agree(
            &prog,
            &k,
            "casts",
            vec![a.to_value()],
            native(|| constructs::casts(a)),
        );
        let (x, y) = (
            f64::from_bits(rng.next()),
            (rng.small(2000) as f64 - 1000.0) / 7.0,
        );
        let x = if rng.small(2) == 0 { x } else { y * 3.0 };
        agree(
            &prog,
            &k,
            "floats",
            vec![x.to_value(), y.to_value()],
            native(|| constructs::floats(x, y)),
        );
        agree(
            &prog,
            &k,
            "branches",
            vec![a.to_value()],
            native(|| constructs::branches(a)),
        );
        let byte = rng.small(256) as u8;
        agree(
            &prog,
            &k,
            "match_int",
            vec![byte.to_value()],
            native(|| constructs::match_int(byte)),
        );
        let c = ['a', 'z', 'Z', 'q'][rng.small(4) as usize];
        let bo = rng.small(2) == 0;
        agree(
            &prog,
            &k,
            "match_bool_char",
            vec![bo.to_value(), c.to_value()],
            native(|| constructs::match_bool_char(bo, c)),
        );
        let instr = match rng.small(4) {
            0 => Instr::Push(rng.i64()),
            1 => Instr::Add,
            2 => Instr::Jump {
                target: rng.small(100) as usize,
            },
            _ => Instr::Halt,
        };
        agree(
            &prog,
            &k,
            "match_enum",
            vec![instr.to_value(), a.to_value()],
            native(|| constructs::match_enum(instr, a)),
        );
        let n = rng.small(300) as i64 - 20;
        agree(
            &prog,
            &k,
            "while_sum",
            vec![n.to_value()],
            native(|| constructs::while_sum(n)),
        );
        agree(
            &prog,
            &k,
            "loop_break",
            vec![n.to_value()],
            native(|| constructs::loop_break(n)),
        );
        let nu = rng.small(40) as u32;
        agree(
            &prog,
            &k,
            "for_labels",
            vec![nu.to_value()],
            native(|| constructs::for_labels(nu)),
        );
        let code: Vec<u8> = (0..rng.small(6))
            .map(|_| [b'+', 3, 9, 200, 0][rng.small(5) as usize])
            .collect();
        let i = rng.small(8) as usize;
        agree(
            &prog,
            &k,
            "parse",
            vec![code.to_value(), i.to_value()],
            native(|| constructs::parse(&code, i)),
        );
        let j = rng.small(240) as usize;
        agree(
            &prog,
            &k,
            "fetch_twice",
            vec![code.to_value(), j.to_value()],
            native(|| constructs::fetch_twice(&code, j)),
        );
        let nm = rng.small(12) as usize;
        agree(
            &prog,
            &k,
            "machine",
            vec![a.to_value(), nm.to_value()],
            native(|| constructs::machine(a, nm)),
        );
        agree(
            &prog,
            &k,
            "arrays",
            vec![a.to_value()],
            native(|| constructs::arrays(a)),
        );
        let v: Vec<i64> = (0..rng.small(8)).map(|_| rng.i64()).collect();
        let kk = rng.small(10) as usize;
        agree(
            &prog,
            &k,
            "vectors",
            vec![v.to_value(), kk.to_value()],
            native(|| constructs::vectors(&v, kk)),
        );
        let (sa, sb) = (rng.small(10) as usize, rng.small(10) as usize);
        agree(
            &prog,
            &k,
            "slices",
            vec![v.to_value(), sa.to_value(), sb.to_value()],
            native(|| constructs::slices(&v, sa, sb)),
        );
        agree(
            &prog,
            &k,
            "tuples",
            vec![a.to_value(), b.to_value()],
            native(|| constructs::tuples(a, b)),
        );
        let bytes: Vec<u8> = (0..rng.small(12)).map(|_| rng.small(256) as u8).collect();
        let pi = rng.small(14) as usize;
        agree(
            &prog,
            &k,
            "panics",
            vec![bytes.to_value(), pi.to_value()],
            native(|| constructs::panics(&bytes, pi)),
        );
        let prog_code: Vec<u8> = (0..rng.small(16)).map(|_| rng.small(8) as u8).collect();
        let a0 = rng.small(50) as i64 - 10;
        agree(
            &prog,
            &k,
            "run",
            vec![prog_code.to_value(), a0.to_value()],
            native(|| constructs::run(&prog_code, a0)),
        );
    }
}

#[test]
fn graphs_of_every_construct() {
    let (_, prog) = corpus();
    for (name, g) in &prog.graphs {
        insta::assert_snapshot!(name.replace("::", "__"), graph_text(g));
    }
}

/// `residual_call!` keeps one call a call; the same function called without it is a call
/// that inlining looks into.
#[test]
fn residual_call_keeps_one_call_a_call() {
    let src = "pub fn g(x: i64) -> i64 {\n    x + 1\n}\nfn f(a: i64) -> i64 {\n    g(a) + hints::residual_call!(g(a))\n}\n";
    let k = Crate::from_source("rc", src).unwrap();
    let (prog, diags) = build_program(&k, &["f".to_string()]);
    let rendered: Vec<String> = diags.iter().map(|d| d.render(&k, false)).collect();
    assert!(diags.is_empty(), "{}", rendered.join("\n"));
    let text = graph_text(&prog.graphs["f"]);
    assert_eq!(text.matches("residual_call.g").count(), 1, "{text}");
    assert_eq!(text.matches("call.g").count(), 2, "{text}");
}

/// `to_bits`, `from_bits`, `is_nan` and the primitive types' constants: their graphs,
/// and evaluating them agrees with the compiled functions (NaN payloads included).
#[test]
fn bit_casts_evaluate_like_the_compiled_function() {
    let k = Crate::from_source("bitcasts", include_str!("corpus/bitcasts.rs")).unwrap();
    let roots: Vec<String> = k.fns.keys().cloned().collect();
    let (prog, diags) = build_program(&k, &roots);
    let rendered: Vec<String> = diags.iter().map(|d| d.render(&k, false)).collect();
    assert!(diags.is_empty(), "{}", rendered.join("\n"));
    for (name, g) in &prog.graphs {
        insta::assert_snapshot!(format!("bitcasts__{name}"), graph_text(g));
    }
    let mut rng = Rng(7);
    let edges = [
        0.0,
        -0.0,
        1.0,
        1.0 + f64::EPSILON,
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7ff0_0000_dead_beef),
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX,
        f64::MIN_POSITIVE / 2.0,
        bitcasts::box_int(-5),
    ];
    for i in 0..300 {
        let x = match i % 3 {
            0 => edges[rng.small(edges.len() as u64) as usize],
            1 => f64::from_bits(rng.next()),
            _ => rng.i64() as f64 / 3.0,
        };
        let u = if i % 2 == 0 {
            rng.next()
        } else {
            bitcasts::box_int(rng.i64()).to_bits()
        };
        // Floats by bits, so that NaN payloads count.
        let bits = |v: f64| Value::Int(v.to_bits() as i128);
        let mut ev = Evaluator::new(&prog, &k);
        let got = ev
            .call("bitcasts", vec![x.to_value(), u.to_value()])
            .unwrap();
        let Value::Tuple(t) = &got else {
            panic!("{got:?}")
        };
        let (b, y) = bitcasts::bitcasts(x, u);
        let Value::Float(gy) = t[1] else {
            panic!("{got:?}")
        };
        assert_eq!(
            (format!("{:?}", t[0]), format!("{:?}", bits(gy))),
            (format!("{:?}", b.to_value()), format!("{:?}", bits(y))),
            "bitcasts({x:?}, {u:#x})"
        );
        agree(
            &prog,
            &k,
            "constants",
            vec![x.to_value()],
            native(|| bitcasts::constants(x)),
        );
        let n = rng.i64();
        let mut ev = Evaluator::new(&prog, &k);
        let Value::Float(boxed) = ev.call("box_int", vec![n.to_value()]).unwrap() else {
            panic!("box_int")
        };
        assert_eq!(
            boxed.to_bits(),
            bitcasts::box_int(n).to_bits(),
            "box_int({n})"
        );
        agree(
            &prog,
            &k,
            "unbox_int",
            vec![x.to_value()],
            native(|| bitcasts::unbox_int(x)),
        );
    }
}

/// Out-of-range sub-slices panic with Rust's messages, checked in Rust's order.
#[test]
fn subslice_panics_with_rusts_messages() {
    let (k, prog) = corpus();
    quiet_hook();
    let v: Vec<i64> = vec![1, 2, 3];
    for a in 0..7usize {
        for b in 0..7usize {
            QUIET.with(|q| q.set(true));
            let native = catch_unwind(AssertUnwindSafe(|| constructs::slices(&v, a, b)));
            QUIET.with(|q| q.set(false));
            let want = match native {
                Ok(x) => Ok(Value::Int(x as i128)),
                Err(p) => Err(EvalError::Panic(
                    p.downcast_ref::<String>().cloned().unwrap_or_default(),
                )),
            };
            let mut ev = Evaluator::new(&prog, &k);
            let got = ev.call("slices", vec![v.to_value(), a.to_value(), b.to_value()]);
            assert_eq!(got, want, "slices(.., {a}, {b})");
        }
    }
}
