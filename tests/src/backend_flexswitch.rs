//! Flexswitches grown while the code runs: the default path calls back into Rust, which
//! compiles a case for the value seen and adds it; the next time that value goes
//! straight to the case. Cases themselves contain switches that grow the same way.

use backend::{Backend, BinOp, FuncId, FunctionBuilder, Helper, Kind, Sig, SwitchId};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

struct Ctx<'a> {
    backend: &'a dyn Backend,
    func: Cell<Option<FuncId>>,
    outer: SwitchId,
    misses: Cell<usize>,
    inner_misses: Cell<usize>,
    /// The switch inside the case for each outer value.
    inner: RefCell<HashMap<i64, SwitchId>>,
}

impl<'a> Ctx<'a> {
    fn new(backend: &'a dyn Backend) -> Ctx<'a> {
        Ctx {
            backend,
            func: Cell::new(None),
            outer: SwitchId::from_index(0),
            misses: Cell::new(0),
            inner_misses: Cell::new(0),
            inner: RefCell::new(HashMap::new()),
        }
    }
}

fn miss_helper() -> Helper {
    Helper::new(
        "on_miss",
        on_miss as *const () as usize,
        Sig::new(&[Kind::Ptr, Kind::Int], None),
    )
}

fn inner_miss_helper() -> Helper {
    Helper::new(
        "on_inner_miss",
        on_inner_miss as *const () as usize,
        Sig::new(&[Kind::Ptr, Kind::Int, Kind::Int], None),
    )
}

/// The case for outer value `v`: `S2: flexswitch y [x, y] default D2`, where
/// `D2: call on_inner_miss(ctx, switch, y); jump S2`.
extern "C" fn on_miss(ctx: *const Ctx<'_>, v: i64) {
    let ctx = unsafe { &*ctx };
    ctx.misses.set(ctx.misses.get() + 1);
    let func = ctx.func.get().unwrap();
    let mut b = ctx.backend.case_builder(func, ctx.outer).unwrap();
    let p = b.params(b.entry()).to_vec();
    let s2 = b.create_block(&[Kind::Int, Kind::Int]);
    let d2 = b.create_block(&[Kind::Int, Kind::Int]);
    b.jump(s2, &[p[0], p[1]]).unwrap();
    b.switch_to(s2).unwrap();
    let q = b.params(s2).to_vec();
    let sw = b
        .flexswitch(q[1], &[q[0], q[1]], d2, &[q[0], q[1]])
        .unwrap();
    b.switch_to(d2).unwrap();
    let r = b.params(d2).to_vec();
    let c = b.pconst(ctx as *const Ctx as usize);
    let swc = b.iconst(sw.index() as i64);
    b.call(&inner_miss_helper(), &[c, swc, r[1]]).unwrap();
    b.jump(s2, &[r[0], r[1]]).unwrap();
    ctx.inner.borrow_mut().insert(v, sw);
    ctx.backend
        .add_case(func, ctx.outer, v, b.finish().unwrap())
        .unwrap();
}

/// The inner case for y = `w`: return `x * 1000 + w * 7`.
extern "C" fn on_inner_miss(ctx: *const Ctx<'_>, sw: i64, w: i64) {
    let ctx = unsafe { &*ctx };
    ctx.inner_misses.set(ctx.inner_misses.get() + 1);
    let func = ctx.func.get().unwrap();
    let sw = SwitchId::from_index(sw as usize);
    let mut b = ctx.backend.case_builder(func, sw).unwrap();
    let p = b.params(b.entry()).to_vec();
    let k = b.iconst(1000);
    let t = b.binary(BinOp::Mul, p[0], k).unwrap();
    let wc = b.iconst(w.wrapping_mul(7));
    let r = b.binary(BinOp::Add, t, wc).unwrap();
    b.ret(Some(r)).unwrap();
    ctx.backend
        .add_case(func, sw, w, b.finish().unwrap())
        .unwrap();
}

/// `f(x, y)`: `S: flexswitch x [x, y] default D`, `D: call on_miss(ctx, x); jump S`.
fn build(ctx: &Ctx<'_>) -> (backend::Function, SwitchId) {
    let mut b = FunctionBuilder::new(
        "switchy",
        Sig::new(&[Kind::Int, Kind::Int], Some(Kind::Int)),
    );
    let p = b.params(b.entry()).to_vec();
    let s = b.create_block(&[Kind::Int, Kind::Int]);
    let d = b.create_block(&[Kind::Int, Kind::Int]);
    b.jump(s, &[p[0], p[1]]).unwrap();
    b.switch_to(s).unwrap();
    let q = b.params(s).to_vec();
    let sw = b.flexswitch(q[0], &[q[0], q[1]], d, &[q[0], q[1]]).unwrap();
    b.switch_to(d).unwrap();
    let r = b.params(d).to_vec();
    let c = b.pconst(ctx as *const Ctx as usize);
    b.call(&miss_helper(), &[c, r[0]]).unwrap();
    b.jump(s, &[r[0], r[1]]).unwrap();
    (b.finish().unwrap(), sw)
}

#[test]
fn cases_added_one_by_one_while_running() {
    for backend in crate::harness::backends() {
        let ctx = Ctx::new(&*backend);
        let (f, sw) = build(&ctx);
        assert_eq!(sw, ctx.outer);
        ctx.func.set(Some(backend.compile(f).unwrap()));
        let id = ctx.func.get().unwrap();
        // 20 outer values (more than one chunk of cases), 3 inner values each, in an
        // interleaved order, three rounds.
        let mut seen = std::collections::HashSet::new();
        let mut seen_inner = std::collections::HashSet::new();
        for round in 0..3 {
            for k in 0..60i64 {
                let x = (k * 7) % 20 - 5 + if k % 11 == 0 { 1 << 40 } else { 0 };
                let y = (k + round) % 3 - 1;
                let r = unsafe { backend.call(id, &[x as u64, y as u64]) } as i64;
                assert_eq!(
                    r,
                    x.wrapping_mul(1000) + y * 7,
                    "{} x={x} y={y}",
                    backend.name()
                );
                seen.insert(x);
                seen_inner.insert((x, y));
                assert_eq!(
                    ctx.misses.get(),
                    seen.len(),
                    "{}: one miss per new value",
                    backend.name()
                );
                assert_eq!(
                    ctx.inner_misses.get(),
                    seen_inner.len(),
                    "{}",
                    backend.name()
                );
            }
        }
        let cases = backend.cases(id, ctx.outer);
        assert_eq!(cases.len(), seen.len());
        let stats = backend.stats();
        assert_eq!(
            stats.fragments,
            seen.len() + seen_inner.len(),
            "{}",
            backend.name()
        );
    }
}

#[test]
fn bad_fragments_are_refused() {
    for backend in crate::harness::backends() {
        let ctx = Ctx::new(&*backend);
        let (f, sw) = build(&ctx);
        let id = backend.compile(f).unwrap();
        let mk = |r: i64| {
            let mut b = backend.case_builder(id, sw).unwrap();
            let c = b.iconst(r);
            b.ret(Some(c)).unwrap();
            b.finish().unwrap()
        };
        let stale = mk(2);
        backend.add_case(id, sw, 1, mk(1)).unwrap();
        assert!(matches!(
            backend.add_case(id, sw, 1, mk(1)),
            Err(backend::CompileError::DuplicateCase { .. }) | Err(backend::CompileError::Build(_))
        ));
        // Built before the first case was added: numbering is stale.
        assert!(
            backend.add_case(id, sw, 2, stale).is_err(),
            "{}",
            backend.name()
        );
        assert!(backend.case_builder(id, SwitchId::from_index(5)).is_err());
        assert_eq!(unsafe { backend.call(id, &[1, 0]) }, 1);
    }
}
