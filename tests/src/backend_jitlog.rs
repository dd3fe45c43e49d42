//! The x86 backend's JIT log, read back and disassembled by viewcode: every function
//! and fragment appears with its labels, helper calls are named, and patched switch
//! slots show the cases added.

use backend::jitlog::{parse, JitLog};
use backend::{Backend, BinOp, FunctionBuilder, Helper, Kind, Sig};

extern "C" fn twice(x: i64) -> i64 {
    x * 2
}

#[test]
fn log_of_functions_fragments_and_patches() {
    let dir = std::env::temp_dir().join(format!("jitlog-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("log.txt");
    {
        let be = backend::x86::X86Backend::new(Some(JitLog::to_file(&path).unwrap())).unwrap();
        let h = Helper::new(
            "twice",
            twice as *const () as usize,
            Sig::new(&[Kind::Int], Some(Kind::Int)),
        );
        let mut b = FunctionBuilder::new("logged", Sig::new(&[Kind::Int], Some(Kind::Int)));
        let x = b.params(b.entry())[0];
        let s = b.create_block(&[Kind::Int]);
        let d = b.create_block(&[Kind::Int]);
        b.jump(s, &[x]).unwrap();
        b.switch_to(s).unwrap();
        let v = b.params(s)[0];
        let sw = b.flexswitch(v, &[v], d, &[v]).unwrap();
        b.switch_to(d).unwrap();
        let y = b.params(d)[0];
        let r = b.call(&h, &[y]).unwrap().unwrap();
        b.ret(Some(r)).unwrap();
        let id = be.compile(b.finish().unwrap()).unwrap();
        assert_eq!(unsafe { be.call(id, &[21]) }, 42);
        for k in 0..8 {
            let mut c = be.case_builder(id, sw).unwrap();
            let p = c.params(c.entry())[0];
            let m = c.iconst(100);
            let r = c.binary(BinOp::Add, p, m).unwrap();
            c.ret(Some(r)).unwrap();
            be.add_case(id, sw, k, c.finish().unwrap()).unwrap();
        }
        for k in 0..8 {
            assert_eq!(unsafe { be.call(id, &[k as u64]) }, k as u64 + 100);
        }
        assert_eq!(unsafe { be.call(id, &[9]) }, 18);
        be.log_note("done");
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let log = parse(&text).unwrap();
    // The function, 8 fragments, and one extra chunk of switch slots (6 per chunk).
    assert_eq!(
        log.regions.len(),
        1 + 8 + 1,
        "{:?}",
        log.regions.iter().map(|r| &r.name).collect::<Vec<_>>()
    );
    assert_eq!(log.patches, 8 + 1);
    assert_eq!(log.notes, vec!["done".to_string()]);
    let out = backend::viewcode::render(&log);
    assert!(out.contains("; twice"), "helper call named:\n{out}");
    assert!(out.contains("logged.block1:"), "labels:\n{out}");
    assert!(out.contains("logged.switch0.default"), "{out}");
    assert!(
        out.contains("; logged.switch0.block3"),
        "a patched slot jumps to its case:\n{out}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
