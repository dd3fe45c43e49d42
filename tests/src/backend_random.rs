//! Thousands of random programs (see [`crate::random_program`]), each run on every
//! backend with the same inputs and a fresh copy of the same buffer, and as written
//! (not optimised by the builder) on the reference backend: results and buffer
//! contents must agree. `CONFORMANCE_PROGRAMS` and `CONFORMANCE_SEED` change
//! how many and which.

use crate::harness::backends;
use crate::random_program::{generate, generate_with, BUF_BYTES};
use crate::rng::Rng;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_programs_agree_across_backends() {
    let count = env_u64("CONFORMANCE_PROGRAMS", 3000);
    let seed0 = env_u64("CONFORMANCE_SEED", 0x5eed);
    let mut bs = backends();
    for n in 0..count {
        if n % 2000 == 1999 {
            // Compiled code is never freed: start over before the code space fills.
            bs = backends();
        }
        let seed = seed0.wrapping_add(n);
        let f = generate(seed);
        let mut ids: Vec<_> = bs.iter().map(|b| b.compile(f.clone()).unwrap()).collect();
        // Last: the program as written, on the reference backend.
        let plain = generate_with(seed, false);
        ids.push(bs[0].compile(plain.clone()).unwrap());
        let runs: Vec<(&dyn backend::Backend, &str)> = bs
            .iter()
            .map(|b| (b.as_ref(), b.name()))
            .chain([(bs[0].as_ref(), "the unoptimised program")])
            .collect();
        let mut rng = Rng::new(seed ^ 0xabcdef);
        for _ in 0..3 {
            let (a, b, x) = (
                rng.edgy_i64() as u64,
                rng.edgy_i64() as u64,
                rng.edgy_f64().to_bits(),
            );
            let init: Vec<u8> = (0..BUF_BYTES).map(|_| rng.next_u64() as u8).collect();
            let mut outcomes = Vec::new();
            for ((be, _), id) in runs.iter().zip(&ids) {
                let mut buf = init.clone();
                let r = unsafe { be.call(*id, &[a, b, x, buf.as_mut_ptr() as u64]) };
                outcomes.push((r, buf));
            }
            for (o, (_, name)) in outcomes.iter().zip(&runs).skip(1) {
                if *o != outcomes[0] {
                    panic!(
                        "seed {seed}: {name} disagrees with the reference on ({a:#x}, {b:#x}, {x:#x}):\n\
                         result {:#x} vs {:#x}, buffers equal: {}\n{f}\nas written:\n{plain}",
                        o.0,
                        outcomes[0].0,
                        o.1 == outcomes[0].1
                    );
                }
            }
        }
    }
}
