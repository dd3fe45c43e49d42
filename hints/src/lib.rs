//! The hints that mark an interpreter for `translate`, and the little an interpreter's
//! `main` needs to run both untranslated and translated.
//!
//! The hints themselves are the macros of the `hints-macros` crate, re-exported here;
//! see its documentation and `docs/hints.md` for what each one means.
//!
//! A translated binary (`NAME-c`) takes the JIT's own options before the program's:
//! `--no-jit`, `--backend x86|reference`, `--jit-log FILE`. [`args`] gives `main` the
//! command line without them, so one `main` serves both builds.

pub use hints_macros::{
    concrete, deepfreeze, elidable, global_merge_point, portal, promote, residual, residual_call,
};

/// The command-line arguments after the program name, without the JIT's options.
///
/// In an untranslated build `--no-jit` is accepted and ignored (there is no JIT to turn
/// off); in a translated binary the JIT has read and removed all its options.
pub fn args() -> Vec<String> {
    match rt::ARGS.get() {
        Some(a) => a.clone(),
        None => std::env::args()
            .skip(1)
            .filter(|a| a != "--no-jit")
            .collect(),
    }
}

#[doc(hidden)]
pub mod rt {
    /// Set once by a translated binary before it runs the interpreter's `main`.
    pub static ARGS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
}
