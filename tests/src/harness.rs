//! Run the same function on every backend and insist on identical results.

use backend::{new_backend, Backend, BackendKind, FuncId, Function};

/// Every backend this host can run, the reference (the specification) first.
pub fn backends() -> Vec<Box<dyn Backend>> {
    let mut v = vec![new_backend(BackendKind::Reference, None).unwrap()];
    if cfg!(all(target_arch = "x86_64", unix)) {
        v.push(new_backend(BackendKind::X86, None).unwrap());
    }
    v
}

/// Compile `f` on every backend and call it with each argument list; panic with the
/// program text on the first disagreement. Returns the reference results.
pub fn check_all(f: &Function, inputs: &[Vec<u64>]) -> Vec<u64> {
    let bs = backends();
    let ids: Vec<FuncId> = bs.iter().map(|b| b.compile(f.clone()).unwrap()).collect();
    let mut out = Vec::new();
    for args in inputs {
        let want = unsafe { bs[0].call(ids[0], args) };
        for (b, id) in bs.iter().zip(&ids).skip(1) {
            let got = unsafe { b.call(*id, args) };
            assert_eq!(
                got,
                want,
                "{} disagrees with the reference on {args:x?}: {got:#x} vs {want:#x}\n{f}",
                b.name()
            );
        }
        out.push(want);
    }
    out
}
