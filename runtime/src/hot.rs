//! Hot-spot detection: the counters live in `hints` (see [`hints::hot`]), where
//! the plain interpreter counts the passes of a merge point that lists its greens
//! without calling into the JIT.

pub use hints::hot::*;
