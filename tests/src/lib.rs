//! End-to-end and cross-backend tests of the toolchain.
//!
//! - [`harness`]: run one function on every backend and compare;
//! - [`rng`]: a small seeded generator, so random tests are reproducible;
//! - [`random_program`]: random, always-terminating IR programs;
//! - `backend_*` test modules: the backend conformance suite.

pub mod harness;
pub mod random_program;
pub mod rng;

#[cfg(test)]
mod backend_calls;
#[cfg(test)]
mod backend_control;
#[cfg(test)]
mod backend_flexswitch;
#[cfg(all(test, target_arch = "x86_64", unix))]
mod backend_jitlog;
#[cfg(test)]
mod backend_ops;
#[cfg(test)]
mod backend_random;
