//! Flow graphs: the first representation the translator derives from source.
//!
//! ```text
//! syn::ItemFn ──build──▶ Graph (model) ──print / dot──▶ text, Graphviz
//!                          └──eval──▶ the value the Rust function would compute
//! ```

pub mod build;
pub mod dot;
pub mod eval;
pub mod model;
pub mod ops;
pub mod print;
pub mod simplify;
pub mod types;
