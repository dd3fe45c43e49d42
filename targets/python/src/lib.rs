//! pyrs: a Python 3 interpreter written for the translator. `translate targetjit`
//! turns it into `pyrs-c`, the interpreter with a generated JIT.
//!
//! Data flow: source text → [`compile`] (parser, scopes, bytecode) → code objects
//! ([`bytecode::Code`], green data of the JIT) → the dispatch loop (the portal) running
//! them on [`value::Value`]s, with the object space holding everything on the heap.

pub mod bytecode;
pub mod value;
