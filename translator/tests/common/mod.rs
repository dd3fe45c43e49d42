//! Pieces shared by the end-to-end tests (each test file uses some of them).
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// `translate TARGET -q -o OUT` (a target name or a crate's path), which must succeed.
pub fn translate(target: impl AsRef<std::ffi::OsStr>, out: &Path) {
    let target = target.as_ref();
    let st = Command::new(env!("CARGO_BIN_EXE_translate"))
        .arg(target)
        .args(["-q", "-o"])
        .arg(out)
        .status()
        .expect("run translate");
    assert!(
        st.success(),
        "translate {} failed",
        target.to_string_lossy()
    );
}

/// A seeded pseudo-random stream (splitmix64), for generated programs.
pub fn rng(seed: u64) -> impl FnMut() -> u64 {
    let mut s = seed;
    move || {
        s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}
