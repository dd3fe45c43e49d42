//! pyrs: a Python 3 interpreter written for the translator. `translate targetjit`
//! turns it into `pyrs-c`, the interpreter with a generated JIT.
//!
//! Data flow: source text → [`compile`] (parser, scopes, bytecode) → [`load`] (code
//! objects appended to the object space's code table: [`bytecode::Code`], green data of
//! the JIT) → the dispatch loop ([`interp::run`], the portal) running them on
//! [`value::Value`]s, with the object space ([`space::Space`]) holding everything on the
//! heap and the residual operations ([`ops`]) doing what the loop does not inline.

pub mod alloc;
pub mod builtins;
pub mod bytecode;
pub mod compile;
pub mod format;
pub mod gc;
pub mod interp;
pub mod load;
pub mod modules;
pub mod numeric;
pub mod objects;
pub mod ops;
pub mod proto;
pub mod set;
pub mod space;
pub mod stdlib;
pub mod traceback;
pub mod value;

/// The interpreter makes and drops many small vectors (frames' locals and stacks, call
/// arguments, object payloads): see [`alloc`].
#[global_allocator]
static ALLOC: alloc::Allocator = alloc::Allocator;
