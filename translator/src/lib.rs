//! The translator: from a hinted interpreter's Rust source to a JIT-compiling binary.
//!
//! ```text
//! crate dir ──source::Crate::load──▶ syn ASTs + item index ──flow::build──▶ flow graphs
//!     (diagnostics: diag::Diagnostic, rustc-style)              └──flow::print / flow::dot──▶ text, Graphviz
//! ```
//!
//! - [`source`]: reading a crate (all module files) and indexing its items;
//! - [`hints`]: recognising the hint attributes and macros;
//! - [`flow`]: the flow-graph model, its builder, text and DOT forms, and evaluator;
//! - [`driver`]: the phases of `translate`, with progress output;
//! - [`diag`]: diagnostics.
//!
//! **Invariant:** the translator reads source and never runs target code; a user error is
//! a [`diag::Diagnostic`], a panic is a translator bug.

pub mod bta;
pub mod diag;
pub mod driver;
pub mod flow;
pub mod hints;
pub mod inline;
pub mod source;
pub mod timeshift;
