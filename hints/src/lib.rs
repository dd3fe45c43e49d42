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

/// The help text of the JIT's own options in a translated binary (for an interpreter's
/// `--help`); `None` in an untranslated build.
pub fn jit_usage() -> Option<&'static str> {
    rt::JIT_USAGE.get().copied()
}

/// Ask the JIT to compile, at its next call, the portal `portal` called with the green
/// parameter named `green` equal to `value` (an integer green), without waiting for it
/// to get hot: PyPy's `pypyjit.enable(code)`. For example a Python interpreter whose
/// portal is `run(codes, f, ..)` with greens `(codes, f)` compiles code object `c` with
/// `hints::enable_jit("run", "f", c as u64)`. Does nothing without a JIT (untranslated,
/// or `--no-jit`); the JIT log says when a call was compiled because of it.
pub fn enable_jit(portal: &str, green: &str, value: u64) {
    let mut e = rt::ENABLED.lock().unwrap_or_else(|e| e.into_inner());
    let item = (portal.to_string(), green.to_string(), value);
    if !e.contains(&item) {
        e.push(item);
    }
    rt::ANY_ENABLED.store(true, std::sync::atomic::Ordering::Relaxed);
}

#[doc(hidden)]
pub mod hot;

#[doc(hidden)]
pub mod rt {
    /// Set by a translated binary's `main`: see [`super::jit_usage`].
    pub static JIT_USAGE: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();
    /// What [`super::enable_jit`] asked for: (portal, green parameter, value).
    pub static ENABLED: std::sync::Mutex<Vec<(String, String, u64)>> =
        std::sync::Mutex::new(Vec::new());
    /// Whether [`ENABLED`] has anything (so a portal call tests one flag).
    pub static ANY_ENABLED: std::sync::atomic::AtomicBool =
        std::sync::atomic::AtomicBool::new(false);

    /// Whether `enable_jit(portal, green, value)` was called.
    #[inline]
    pub fn enabled(portal: &str, green: &str, value: u64) -> bool {
        if !ANY_ENABLED.load(std::sync::atomic::Ordering::Relaxed) {
            return false;
        }
        ENABLED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|(p, g, v)| p == portal && g == green && *v == value)
    }

    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Set once by a translated binary before it runs the interpreter's `main`.
    pub static ARGS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();

    /// What `#[portal]`'s merge point calls: the variables' pointers, a function giving
    /// their type names, room for the portal's result, and the hash of the key when the
    /// merge point counted it itself (see [`crate::hot`]: then it calls only for a hot key);
    /// `true` when it returned the portal's result.
    pub type MergeFn =
        unsafe fn(*const *mut (), fn(usize) -> &'static str, *mut (), Option<u64>) -> bool;

    /// The merge hook of a portal (`__merge_hook_NAME`): empty, set by a translated
    /// binary, and emptied again when the JIT can compile nothing more, so the plain
    /// interpreter's merge point costs one load then.
    pub struct MergeHook(AtomicUsize);

    impl MergeHook {
        pub const fn new() -> MergeHook {
            MergeHook(AtomicUsize::new(0))
        }

        #[inline]
        pub fn get(&self) -> Option<MergeFn> {
            match self.0.load(Ordering::Relaxed) {
                0 => None,
                // SAFETY: only `set` stores a non-zero value, a `MergeFn`.
                p => Some(unsafe { std::mem::transmute::<usize, MergeFn>(p) }),
            }
        }

        pub fn set(&self, f: MergeFn) {
            self.0.store(f as usize, Ordering::Relaxed);
        }

        pub fn clear(&self) {
            self.0.store(0, Ordering::Relaxed);
        }
    }

    impl Default for MergeHook {
        fn default() -> Self {
            MergeHook::new()
        }
    }
}
