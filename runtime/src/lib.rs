//! The run-time half of a translated interpreter: everything the generated JIT frontend
//! (the *generating extension* that `translate` writes for a portal) calls while it
//! compiles and while compiled code runs.
//!
//! ```text
//!  portal call ──▶ Jit::unit_for ─(green key seen?)─▶ compiled Unit ──▶ Backend::call(frame, reds)
//!                       │ no                                              │ status, out words
//!                       ▼                                                 ▼
//!               driver::compile_unit ──Extension::step per block──▶ Cx (red ops emitted,
//!                  (merges by green key, splits on red values,         constants folded)
//!                   limits; failure ──▶ plain interpreter)
//! ```
//!
//! - [`word`]: red values as lists of machine words (constant or run-time).
//! - [`green`]: green integer operations with Rust's semantics (panics become [`Stop`]).
//! - [`cx`]: the compilation context; [`ops`]: the red operations it emits.
//! - [`driver`]: one compilation unit: worklist of states, merge table, splits, exits.
//! - [`frame`]: the memory compiled code shares with Rust: out words and red vectors.
//! - [`jit`]: options, the backend, the cache of compiled units and entry/exit.
//! - [`hot`]: the counters of hot-spot detection (merge-point passes, portal calls).
//! - [`entry`]: a unit entered from the interpreter's merge point: its values unpacked.
//!
//! **Invariants.** Compiled code never touches memory the interpreter would not: every
//! index is bounds-checked against the vector's length before a load or store. A unit that
//! cannot be compiled (limits, unsupported operation, backend error) is never fatal: the
//! portal runs the plain interpreter for that green key, and the JIT log says so once.
//! A continuation the backend cannot take in the middle of a run (its code space is
//! full) is compiled for the fallback engine, the reference backend, instead; at the
//! interpreter's merge point, where the plain interpreter can go on, it does instead.

pub mod cx;
pub mod driver;
pub mod entry;
pub mod frame;
pub mod frozen;
pub mod green;
pub mod hot;
pub mod jit;
pub mod ops;
pub mod word;

pub use backend::{Helper, Kind, MemType, Sig};
pub use cx::Cx;
pub use driver::{Extension, MergeKey, Next};
pub use frame::Frame;
pub use jit::{Jit, Options, Status};
pub use word::{IntTy, Red, Stop, Word};
