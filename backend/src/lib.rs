//! Run-time code generation: the interface generated JIT frontends call to emit code,
//! and its two implementations.
//!
//! ```text
//!  frontend ──FunctionBuilder──▶ ir::Function ──Backend::compile──▶ FuncId ──Backend::call──▶ result
//!                                   (checked)        │                 ▲
//!                                                    ├─ reference: interprets the IR (the spec)
//!                                                    └─ x86: register allocation + x86-64 machine code
//!  running code ──default path of a flexswitch──▶ helper ──Backend::add_case──▶ new case, patched in
//! ```
//!
//! - [`ir`]: the operations, blocks and functions; [`builder`]: the checked way to make them.
//! - [`reference::ReferenceBackend`] defines what every operation means.
//! - [`x86::X86Backend`] compiles the same functions to machine code; the conformance suite
//!   (`tests/`) checks that both agree.
//! - [`jitlog`] writes and reads the log of compiled code; [`viewcode`] disassembles it.
//!
//! **Invariant:** a [`Backend`] only ever receives well-formed functions (the builder
//! checks them), and compiling one either succeeds or returns a [`CompileError`] that
//! leaves every earlier function runnable.

pub mod builder;
pub mod ir;
pub mod jitlog;
pub mod native_call;
mod opt;
pub mod reference;
pub mod viewcode;
#[cfg(all(target_arch = "x86_64", unix))]
pub mod x86;

pub use builder::{BuildError, FunctionBuilder, FunctionShape};
pub use ir::{
    Address, BinOp, Block, Callee, Function, Helper, Kind, MemType, OvfOp, Sig, SwitchId, UnOp,
    Value,
};

use std::fmt;

/// A hash map for the compiler's own small keys (values, blocks, words): foldhash's
/// fast hasher with a fixed seed, so compiling is fast and deterministic. Not for keys
/// an attacker chooses.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
/// The set of [`FastMap`].
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

/// A function compiled by a backend.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncId(pub(crate) u32);

impl FuncId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Why a backend did not compile something. Never fatal: the caller can go on without
/// the code (for a JIT, by interpreting instead).
#[derive(Clone, Debug, PartialEq)]
pub enum CompileError {
    /// The fragment does not fit the function (see [`FunctionShape::check_fragment`]).
    Build(BuildError),
    UnknownFunction(FuncId),
    /// A case for this value exists already.
    DuplicateCase {
        switch: SwitchId,
        value: i64,
    },
    /// The code space reserved for compiled code is full.
    CodeSpaceExhausted {
        needed: usize,
        available: usize,
    },
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Build(e) => write!(f, "{e}"),
            CompileError::UnknownFunction(id) => write!(f, "unknown function #{}", id.0),
            CompileError::DuplicateCase { switch, value } => {
                write!(f, "{switch} already has a case for {value}")
            }
            CompileError::CodeSpaceExhausted { needed, available } => write!(
                f,
                "code space exhausted: {needed} bytes needed, {available} available"
            ),
        }
    }
}

impl std::error::Error for CompileError {}

impl From<BuildError> for CompileError {
    fn from(e: BuildError) -> Self {
        CompileError::Build(e)
    }
}

/// What a backend has compiled so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeStats {
    pub functions: usize,
    pub fragments: usize,
    /// Machine-code bytes (0 for a backend that does not emit machine code).
    pub code_bytes: usize,
    /// IR instructions and terminators compiled.
    pub operations: usize,
}

/// The code generation interface (PyPy's rgenop): compile functions, run them, and grow
/// their flexswitches while they run.
///
/// Methods take `&self` so that a helper called from running code may compile more code
/// (that is how flexswitch cases get added); backends are single-threaded.
pub trait Backend {
    /// `"reference"` or `"x86"`.
    fn name(&self) -> &'static str;

    /// Compile a whole function.
    fn compile(&self, func: Function) -> Result<FuncId, CompileError>;

    /// What a fragment for this function must fit; see [`Backend::case_builder`].
    fn shape(&self, func: FuncId) -> Result<FunctionShape, CompileError>;

    /// Compile `fragment` as the case `value` of `switch`. The next time the switch sees
    /// `value`, control goes straight to the fragment's entry.
    fn add_case(
        &self,
        func: FuncId,
        switch: SwitchId,
        value: i64,
        fragment: Function,
    ) -> Result<(), CompileError>;

    /// The values that have a case in `switch`, in the order they were added.
    fn cases(&self, func: FuncId, switch: SwitchId) -> Vec<i64>;

    /// Run a compiled function with raw 64-bit arguments (float arguments as their bits);
    /// returns the raw result, 0 for a function that returns nothing.
    ///
    /// # Safety
    /// The function may call helpers and access memory through the pointers it is given;
    /// the caller vouches that doing so is safe.
    unsafe fn call(&self, func: FuncId, args: &[u64]) -> u64;

    /// The machine-code address of `func`, when it is native code whose only parameter
    /// is a pointer and whose result is an integer (`extern "sysv64" fn(*mut u8) ->
    /// u64`), so a caller may call it directly; `None` for an interpreting backend.
    fn native_entry(&self, _func: FuncId) -> Option<usize> {
        None
    }

    fn stats(&self) -> CodeStats;

    /// Write a note (a line of text for people) into the JIT log, if there is one.
    fn note(&self, _text: &str) {}

    /// A builder for a case of `switch`: its entry receives the switch's arguments.
    fn case_builder(
        &self,
        func: FuncId,
        switch: SwitchId,
    ) -> Result<FunctionBuilder, CompileError> {
        Ok(FunctionBuilder::fragment(&self.shape(func)?, switch)?)
    }
}

/// The checks every backend makes before compiling a case: the fragment fits the
/// function's current shape, and `value` has no case yet (`existing` lists the values
/// that do).
pub(crate) fn admit_case(
    shape: &FunctionShape,
    existing: &[i64],
    switch: SwitchId,
    value: i64,
    fragment: &Function,
) -> Result<(), CompileError> {
    shape.check_fragment(fragment, switch)?;
    if existing.contains(&value) {
        return Err(CompileError::DuplicateCase { switch, value });
    }
    Ok(())
}

/// Which backend to make; see [`new_backend`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BackendKind {
    Reference,
    X86,
}

impl std::str::FromStr for BackendKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "reference" => Ok(BackendKind::Reference),
            "x86" | "x86-64" | "x86_64" => Ok(BackendKind::X86),
            _ => Err(format!(
                "unknown backend `{s}` (expected `x86` or `reference`)"
            )),
        }
    }
}

/// The machine-code bytes a backend reserves unless told otherwise (address space; pages
/// are used as code fills them).
pub const DEFAULT_CODE_SPACE: usize = 64 << 20;

/// Make a backend. `jit_log`, if given, receives the log of every function compiled
/// (see [`jitlog`]); the reference backend, which emits no machine code, writes only
/// the notes of [`Backend::note`] there.
pub fn new_backend(
    kind: BackendKind,
    jit_log: Option<jitlog::JitLog>,
) -> std::io::Result<Box<dyn Backend>> {
    new_backend_with_code_space(kind, jit_log, DEFAULT_CODE_SPACE)
}

/// [`new_backend`] with `code_space` bytes for machine code: compiling past them is
/// [`CompileError::CodeSpaceExhausted`] (the reference backend has no such limit).
pub fn new_backend_with_code_space(
    kind: BackendKind,
    jit_log: Option<jitlog::JitLog>,
    code_space: usize,
) -> std::io::Result<Box<dyn Backend>> {
    match kind {
        BackendKind::Reference => Ok(Box::new(reference::ReferenceBackend::with_log(jit_log))),
        #[cfg(all(target_arch = "x86_64", unix))]
        BackendKind::X86 => Ok(Box::new(x86::X86Backend::with_capacity(
            code_space, jit_log,
        )?)),
        #[cfg(not(all(target_arch = "x86_64", unix)))]
        BackendKind::X86 => {
            drop((jit_log, code_space));
            Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "the x86 backend needs an x86-64 Unix host",
            ))
        }
    }
}
