//! pyrs: a Python 3 interpreter written for the translator. `translate targetjit`
//! turns it into `pyrs-c`, the interpreter with a generated JIT.
//!
//! Data flow: source text → [`compile`] (parser, scopes, bytecode) → [`load`] (code
//! objects appended to the object space's code table: [`bytecode::Code`], green data of
//! the JIT) → the dispatch loop ([`interp::run`], the portal) running them on
//! [`value::Value`]s, with the object space ([`space::Space`]) holding everything on the
//! heap and the residual operations ([`ops`]) doing what the loop does not inline.

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
/// arguments, object payloads); mimalloc serves them from thread-local size classes.
#[global_allocator]
static ALLOC: MiMalloc = MiMalloc;

/// mimalloc behind Rust's allocator interface, taking its plain `mi_malloc` fast path
/// for the alignments that path guarantees (at least 16 for blocks of 16 bytes or
/// more, the block size for smaller ones: as `malloc`), and its aligned entry points
/// only for larger alignments.
struct MiMalloc;

/// The alignment `mi_malloc` gives every block at least as large (`MI_MAX_ALIGN_SIZE`).
const MI_MAX_ALIGN: usize = 16;

fn plain_alignment(layout: std::alloc::Layout) -> bool {
    layout.align() <= MI_MAX_ALIGN && layout.align() <= layout.size()
}

// SAFETY: every block comes from mimalloc and goes back to it; the plain entry points
// are used only for layouts whose alignment they guarantee (`plain_alignment`).
unsafe impl std::alloc::GlobalAlloc for MiMalloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        if plain_alignment(layout) {
            mi::mi_malloc(layout.size()) as *mut u8
        } else {
            mi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        if plain_alignment(layout) {
            mi::mi_zalloc(layout.size()) as *mut u8
        } else {
            mi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        libmimalloc_sys::mi_free(ptr as *mut std::ffi::c_void)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        use libmimalloc_sys as mi;
        let new = std::alloc::Layout::from_size_align_unchecked(new_size, layout.align());
        if plain_alignment(layout) && plain_alignment(new) {
            mi::mi_realloc(ptr as *mut std::ffi::c_void, new_size) as *mut u8
        } else {
            mi::mi_realloc_aligned(ptr as *mut std::ffi::c_void, new_size, layout.align())
                as *mut u8
        }
    }
}
