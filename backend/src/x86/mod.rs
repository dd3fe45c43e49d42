//! The x86-64 backend: compiles [`crate::ir::Function`]s to machine code with dynasm.
//!
//! ```text
//! compile:  Function ─emit::compile─▶ bytes for address A ─commit─▶ executable at A
//! add_case: fragment ─emit::compile─▶ bytes ─commit─▶ patch a slot of the switch (alter)
//! ```
//!
//! The seed design targeted i386; this host runs 64-bit Rust processes whose heap and
//! helpers 32-bit code could not reach, so this backend emits x86-64 (System V ABI).
//!
//! **Invariants:**
//! - code never moves: all code lives in one region reserved up front (its capacity,
//!   [`crate::DEFAULT_CODE_SPACE`] unless given);
//!   compiling past its end is [`CompileError::CodeSpaceExhausted`], and nothing is
//!   written.
//! - code memory is never writable and executable at once: new code is committed and
//!   switch slots are patched through dynasmrt, which remaps the region for the write.
//! - a compile either commits all of its code or none of it.

mod asm;
mod emit;
mod moves;
mod regalloc;
mod regs;

use crate::builder::FunctionShape;
use crate::ir::*;
use crate::jitlog::JitLog;
use crate::{native_call, Backend, CodeStats, CompileError, FuncId};
use dynasmrt::x64::X64Relocation;
use dynasmrt::{AssemblyOffset, DynasmApi};
pub use emit::HELPERS_LABEL;
use emit::{FuncLayout, SLOT_BYTES, SWITCH_SLOTS};
use std::cell::RefCell;

struct FuncState {
    shape: FunctionShape,
    layout: FuncLayout,
    entry: usize,
    cases: Vec<Vec<i64>>,
}

struct Inner {
    asm: dynasmrt::Assembler<X64Relocation>,
    base: usize,
    capacity: usize,
    funcs: Vec<FuncState>,
    stats: CodeStats,
    log: Option<JitLog>,
}

/// Compiles to x86-64 machine code; see the module documentation.
pub struct X86Backend {
    inner: RefCell<Inner>,
}

impl X86Backend {
    /// A backend with the default code space, logging to `log` if given.
    pub fn new(log: Option<JitLog>) -> std::io::Result<X86Backend> {
        X86Backend::with_capacity(crate::DEFAULT_CODE_SPACE, log)
    }

    /// A backend whose code space holds `capacity` bytes.
    pub fn with_capacity(capacity: usize, log: Option<JitLog>) -> std::io::Result<X86Backend> {
        // The assembler also keeps a buffer of the whole capacity, which it would abort
        // the process failing to allocate: try first.
        let mut probe: Vec<u8> = Vec::new();
        probe.try_reserve_exact(capacity).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::OutOfMemory,
                format!("cannot reserve {capacity} bytes of code space: {e}"),
            )
        })?;
        drop(probe);
        let mut asm = dynasmrt::Assembler::<X64Relocation>::new_with_capacity(capacity)?;
        // The region starts with an `int3` guard byte; committing it also makes the
        // buffer's address readable.
        asm.push(0xcc);
        asm.commit()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let base = asm.reader().lock().ptr(AssemblyOffset(0)) as usize;
        Ok(X86Backend {
            inner: RefCell::new(Inner {
                asm,
                base,
                capacity,
                funcs: Vec::new(),
                stats: CodeStats::default(),
                log,
            }),
        })
    }

    /// The address of a compiled function's machine code.
    pub fn entry_address(&self, func: FuncId) -> Option<usize> {
        self.inner.borrow().funcs.get(func.index()).map(|f| f.entry)
    }

    /// Write a note into the JIT log, if there is one.
    pub fn log_note(&self, text: &str) {
        if let Some(log) = self.inner.borrow_mut().log.as_mut() {
            let _ = log.note(text);
            let _ = log.flush();
        }
    }
}

impl Inner {
    /// The address the next committed byte will have.
    fn next_addr(&self) -> usize {
        self.base + self.asm.offset().0
    }

    fn check_space(&self, len: usize) -> Result<(), CompileError> {
        let used = self.asm.offset().0;
        if used + len > self.capacity {
            return Err(CompileError::CodeSpaceExhausted {
                needed: len,
                available: self.capacity - used,
            });
        }
        Ok(())
    }

    /// Make `bytes` executable at [`Inner::next_addr`].
    fn append(&mut self, bytes: &[u8]) -> usize {
        let at = self.next_addr();
        self.asm.extend(bytes.iter().copied());
        self.asm.commit().expect("plain bytes have no relocations");
        debug_assert_eq!(
            self.asm.reader().lock().ptr(AssemblyOffset(0)) as usize,
            self.base,
            "code moved"
        );
        self.stats.code_bytes += bytes.len();
        at
    }

    /// Overwrite committed code at `addr`.
    fn patch(&mut self, addr: usize, bytes: &[u8]) {
        let off = addr - self.base;
        self.asm
            .alter(|m| {
                m.goto(AssemblyOffset(off));
                for b in bytes {
                    m.push(*b);
                }
            })
            .expect("patch within committed code");
        if let Some(log) = self.log.as_mut() {
            let _ = log.patch(addr, bytes);
            let _ = log.flush();
        }
    }

    fn log_code(&mut self, name: &str, addr: usize, c: &emit::Compiled) {
        if let Some(log) = self.log.as_mut() {
            let _ = log.code(addr, name, &c.bytes);
            for (a, l) in &c.labels {
                let _ = log.label(*a, &l.name(name));
            }
            for (a, n) in &c.symbols {
                let _ = log.symbol(*a, n);
            }
            let _ = log.flush();
        }
    }

    fn count_ops(&mut self, f: &Function) {
        self.stats.operations += f.operation_count();
    }
}

impl Backend for X86Backend {
    fn name(&self) -> &'static str {
        "x86"
    }

    fn note(&self, text: &str) {
        self.log_note(text);
    }

    fn compile(&self, func: Function) -> Result<FuncId, CompileError> {
        let mut inner = self.inner.borrow_mut();
        let mut layout = FuncLayout::default();
        let at = inner.next_addr();
        let c = emit::compile(&func, &mut layout, at, None);
        inner.check_space(c.bytes.len())?;
        let placed = inner.append(&c.bytes);
        debug_assert_eq!(placed, at);
        inner.log_code(&func.name, at, &c);
        inner.count_ops(&func);
        inner.stats.functions += 1;
        let id = FuncId(inner.funcs.len() as u32);
        inner.funcs.push(FuncState {
            shape: FunctionShape::of(&func),
            layout,
            entry: c.entry,
            cases: vec![Vec::new(); func.switches.len()],
        });
        Ok(id)
    }

    fn shape(&self, func: FuncId) -> Result<FunctionShape, CompileError> {
        self.inner
            .borrow()
            .funcs
            .get(func.index())
            .map(|f| f.shape.clone())
            .ok_or(CompileError::UnknownFunction(func))
    }

    fn add_case(
        &self,
        func: FuncId,
        switch: SwitchId,
        value: i64,
        fragment: Function,
    ) -> Result<(), CompileError> {
        let mut inner = self.inner.borrow_mut();
        let inner = &mut *inner;
        let at = inner.next_addr();
        let st = inner
            .funcs
            .get_mut(func.index())
            .ok_or(CompileError::UnknownFunction(func))?;
        crate::admit_case(
            &st.shape,
            &st.cases[switch.index()],
            switch,
            value,
            &fragment,
        )?;
        // A fragment only appends to the layout (its own blocks and switches), so taking
        // back a fragment that does not fit is cutting the layout back to these lengths.
        let layout = &mut st.layout;
        let lengths = (
            layout.param_locs.len(),
            layout.block_addr.len(),
            layout.block_frame.len(),
            layout.switches.len(),
        );
        let sw = layout.switches[switch.index()].clone();
        let c = emit::compile(&fragment, layout, at, Some((sw.arg_locs.clone(), sw.frame)));
        let chunk_full = sw.used == SWITCH_SLOTS;
        let chunk_len = SWITCH_SLOTS * SLOT_BYTES + 5;
        if let Err(e) = inner.check_space(c.bytes.len() + if chunk_full { chunk_len } else { 0 }) {
            let layout = &mut inner.funcs[func.index()].layout;
            layout.param_locs.truncate(lengths.0);
            layout.block_addr.truncate(lengths.1);
            layout.block_frame.truncate(lengths.2);
            layout.switches.truncate(lengths.3);
            return Err(e);
        }

        inner.append(&c.bytes);
        inner.log_code(&fragment.name, at, &c);
        let mut sw = sw;
        if chunk_full {
            // Continue the switch in a fresh chunk whose tail goes to the default path.
            let chunk_at = inner.next_addr();
            let bytes = emit::empty_chunk(chunk_at, sw.default_stub);
            inner.append(&bytes);
            if let Some(log) = inner.log.as_mut() {
                let _ = log.code(
                    chunk_at,
                    &format!("{}.{switch}.cases", fragment.name),
                    &bytes,
                );
                let _ = log.label(chunk_at, &format!("{}.{switch}", fragment.name));
            }
            let tail_patch = emit::jmp_bytes(sw.tail, chunk_at);
            inner.patch(sw.tail, &tail_patch);
            sw.chunk = chunk_at;
            sw.tail = chunk_at + SWITCH_SLOTS * SLOT_BYTES;
            sw.used = 0;
        }
        let slot = sw.chunk + sw.used * SLOT_BYTES;
        inner.patch(slot, &emit::case_slot(slot, value, c.entry));
        sw.used += 1;
        inner.count_ops(&fragment);
        inner.stats.fragments += 1;
        let st = &mut inner.funcs[func.index()];
        st.layout.switches[switch.index()] = sw;
        st.shape.extend(&fragment);
        st.cases[switch.index()].push(value);
        st.cases.resize(st.shape.switch_args.len(), Vec::new());
        Ok(())
    }

    fn cases(&self, func: FuncId, switch: SwitchId) -> Vec<i64> {
        self.inner
            .borrow()
            .funcs
            .get(func.index())
            .and_then(|f| f.cases.get(switch.index()).cloned())
            .unwrap_or_default()
    }

    unsafe fn call(&self, func: FuncId, args: &[u64]) -> u64 {
        // The signature copied out (no allocation): no borrow is held while the code
        // runs, since it may call back into the backend.
        let mut kinds = [Kind::Int; crate::ir::MAX_ARGS];
        let (entry, n, ret) = {
            let inner = self.inner.borrow();
            let f = inner.funcs.get(func.index()).expect("unknown function");
            let ps = &f.shape.sig.params;
            let n = ps.len().min(kinds.len());
            kinds[..n].copy_from_slice(&ps[..n]);
            (f.entry, ps.len(), f.shape.sig.ret)
        };
        native_call::call_kinds(entry, &kinds[..n.min(kinds.len())], ret, args)
    }

    fn native_entry(&self, func: FuncId) -> Option<usize> {
        let inner = self.inner.borrow();
        let f = inner.funcs.get(func.index())?;
        let sig = &f.shape.sig;
        (sig.params[..] == [Kind::Ptr] && sig.ret == Some(Kind::Int)).then_some(f.entry as usize)
    }

    fn stats(&self) -> CodeStats {
        self.inner.borrow().stats.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_space_the_machine_cannot_give_is_an_error() {
        let e = X86Backend::with_capacity(usize::MAX / 2, None).err();
        assert!(
            e.is_some_and(|e| e.to_string().contains("cannot reserve")),
            "no error for an impossible code space"
        );
        assert!(X86Backend::with_capacity(1 << 20, None).is_ok());
    }
}
