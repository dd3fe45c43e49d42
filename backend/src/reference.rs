//! The reference backend: interprets the IR. It is the executable specification of every
//! operation; [`eval_binary`], [`eval_unary`] and [`OvfOp::eval`] are the definitions the
//! x86 backend is tested against.
//!
//! Values are held as raw 64-bit patterns (floats as their bits). Helpers are real native
//! calls, so a helper may call back into the backend (to add a flexswitch case) while a
//! function runs: no internal borrow is held across a call.

use crate::builder::FunctionShape;
use crate::ir::*;
use crate::{native_call, Backend, CodeStats, CompileError, FuncId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// The meaning of a two-operand operation on raw 64-bit patterns.
pub fn eval_binary(op: BinOp, a: u64, b: u64) -> u64 {
    use BinOp::*;
    let (x, y) = (a as i64, b as i64);
    let (f, g) = (f64::from_bits(a), f64::from_bits(b));
    let bool_ = |c: bool| c as u64;
    match op {
        Add | PtrAdd => x.wrapping_add(y) as u64,
        Sub | PtrDiff => x.wrapping_sub(y) as u64,
        Mul => x.wrapping_mul(y) as u64,
        Div => {
            if y == 0 {
                0
            } else {
                x.wrapping_div(y) as u64
            }
        }
        Rem => {
            if y == 0 {
                0
            } else {
                x.wrapping_rem(y) as u64
            }
        }
        FloorDiv => {
            if y == 0 {
                0
            } else {
                let q = x.wrapping_div(y);
                let r = x.wrapping_rem(y);
                (if r != 0 && ((r ^ y) < 0) { q - 1 } else { q }) as u64
            }
        }
        FloorMod => {
            if y == 0 {
                0
            } else {
                let r = x.wrapping_rem(y);
                (if r != 0 && ((r ^ y) < 0) { r + y } else { r }) as u64
            }
        }
        And => a & b,
        Or => a | b,
        Xor => a ^ b,
        Shl => a.wrapping_shl(b as u32 & 63),
        Shr => a.wrapping_shr(b as u32 & 63),
        Sar => x.wrapping_shr(b as u32 & 63) as u64,
        AddOverflows => bool_(x.checked_add(y).is_none()),
        SubOverflows => bool_(x.checked_sub(y).is_none()),
        MulOverflows => bool_(x.checked_mul(y).is_none()),
        UAddOverflows => bool_(a.checked_add(b).is_none()),
        USubOverflows => bool_(a < b),
        Eq | PtrEq => bool_(a == b),
        Ne | PtrNe => bool_(a != b),
        Lt => bool_(x < y),
        Le => bool_(x <= y),
        Gt => bool_(x > y),
        Ge => bool_(x >= y),
        Ult => bool_(a < b),
        Ule => bool_(a <= b),
        Ugt => bool_(a > b),
        Uge => bool_(a >= b),
        FAdd => (f + g).to_bits(),
        FSub => (f - g).to_bits(),
        FMul => (f * g).to_bits(),
        FDiv => (f / g).to_bits(),
        FEq => bool_(f == g),
        FNe => bool_(f != g),
        FLt => bool_(f < g),
        FLe => bool_(f <= g),
        FGt => bool_(f > g),
        FGe => bool_(f >= g),
    }
}

/// The meaning of a one-operand operation on raw 64-bit patterns.
pub fn eval_unary(op: UnOp, a: u64) -> u64 {
    match op {
        UnOp::Neg => (a as i64).wrapping_neg() as u64,
        UnOp::Not => !a,
        UnOp::IsTrue => (a != 0) as u64,
        UnOp::FNeg => (-f64::from_bits(a)).to_bits(),
        UnOp::IntToFloat => (a as i64 as f64).to_bits(),
        UnOp::FloatToInt => f64::from_bits(a) as i64 as u64,
        UnOp::IntToPtr | UnOp::PtrToInt | UnOp::FloatToBits | UnOp::BitsToFloat => a,
    }
}

/// Read `ty` at `addr`, extended to 64 bits.
///
/// # Safety
/// `addr` must be valid for a read of `ty.size()` bytes.
pub unsafe fn load(ty: MemType, addr: usize) -> u64 {
    let p = addr as *const u8;
    match ty {
        MemType::I8 => p.cast::<i8>().read_unaligned() as i64 as u64,
        MemType::U8 => p.read_unaligned() as u64,
        MemType::I16 => p.cast::<i16>().read_unaligned() as i64 as u64,
        MemType::U16 => p.cast::<u16>().read_unaligned() as u64,
        MemType::I32 => p.cast::<i32>().read_unaligned() as i64 as u64,
        MemType::U32 => p.cast::<u32>().read_unaligned() as u64,
        MemType::I64 | MemType::Ptr | MemType::F64 => p.cast::<u64>().read_unaligned(),
    }
}

/// Write the low `ty.size()` bytes of `v` at `addr`.
///
/// # Safety
/// `addr` must be valid for a write of `ty.size()` bytes.
pub unsafe fn store(ty: MemType, addr: usize, v: u64) {
    let p = addr as *mut u8;
    match ty.size() {
        1 => p.write_unaligned(v as u8),
        2 => p.cast::<u16>().write_unaligned(v as u16),
        4 => p.cast::<u32>().write_unaligned(v as u32),
        _ => p.cast::<u64>().write_unaligned(v),
    }
}

struct FuncState {
    shape: FunctionShape,
    /// Every block of the function and its fragments, by block index.
    blocks: Vec<Rc<BlockData>>,
    /// The value table of the function and its fragments (only constants are read).
    consts: Vec<Option<u64>>,
    /// For each switch, value -> case entry block, and the order cases were added.
    cases: Vec<(HashMap<i64, Block>, Vec<i64>)>,
}

impl FuncState {
    fn take_in(&mut self, f: Function) {
        for v in &f.values {
            self.consts.push(match v.def {
                ValueDef::Const(b) => Some(b),
                _ => None,
            });
        }
        for _ in &f.switches {
            self.cases.push((HashMap::new(), Vec::new()));
        }
        self.blocks.extend(f.blocks.into_iter().map(Rc::new));
    }
}

/// Interprets functions; see the module documentation.
#[derive(Default)]
pub struct ReferenceBackend {
    funcs: RefCell<Vec<FuncState>>,
    stats: RefCell<CodeStats>,
    log: RefCell<Option<crate::jitlog::JitLog>>,
}

impl ReferenceBackend {
    pub fn new() -> ReferenceBackend {
        ReferenceBackend::default()
    }

    /// A backend that writes the notes of [`Backend::note`] to `log`.
    pub fn with_log(log: Option<crate::jitlog::JitLog>) -> ReferenceBackend {
        ReferenceBackend {
            log: RefCell::new(log),
            ..ReferenceBackend::default()
        }
    }

    fn count(&self, f: &Function, fragment: bool) {
        let mut s = self.stats.borrow_mut();
        if fragment {
            s.fragments += 1;
        } else {
            s.functions += 1;
        }
        s.operations += f.operation_count();
    }

    fn block(&self, func: FuncId, b: Block) -> (Rc<BlockData>, usize) {
        let funcs = self.funcs.borrow();
        let st = &funcs[func.index()];
        (st.blocks[b.index()].clone(), st.consts.len())
    }

    fn run(&self, func: FuncId, args: &[u64]) -> u64 {
        let mut regs: Vec<u64> = Vec::new();
        let consts = {
            let funcs = self.funcs.borrow();
            funcs[func.index()].consts.clone()
        };
        let mut consts = consts;
        let mut block = Block(0);
        let mut incoming: Vec<u64> = args.to_vec();
        loop {
            let (data, nvalues) = self.block(func, block);
            if nvalues > regs.len() {
                regs.resize(nvalues, 0);
            }
            if nvalues > consts.len() {
                consts = self.funcs.borrow()[func.index()].consts.clone();
            }
            for (p, v) in data.params.iter().zip(&incoming) {
                regs[p.index()] = *v;
            }
            let get = |regs: &Vec<u64>, v: Value| consts[v.index()].unwrap_or(regs[v.index()]);
            let addr = |regs: &Vec<u64>, a: &Address| {
                let base = get(regs, a.base) as i64;
                let idx = a.index.map_or(0, |i| get(regs, i) as i64);
                base.wrapping_add(idx.wrapping_mul(a.scale as i64))
                    .wrapping_add(a.offset as i64) as usize
            };
            let mut exit: Option<&Target> = None;
            for inst in &data.insts {
                let r = match &inst.op {
                    InstOp::Binary(op, a, b) => eval_binary(*op, get(&regs, *a), get(&regs, *b)),
                    InstOp::Unary(op, a) => eval_unary(*op, get(&regs, *a)),
                    InstOp::Overflow(op, a, b, t) => {
                        match op.eval(get(&regs, *a) as i64, get(&regs, *b) as i64) {
                            Some(r) => r as u64,
                            None => {
                                exit = Some(t);
                                break;
                            }
                        }
                    }
                    InstOp::ExitIf(c, t) => {
                        if get(&regs, *c) != 0 {
                            exit = Some(t);
                            break;
                        }
                        0
                    }
                    InstOp::Load(ty, a) => unsafe { load(*ty, addr(&regs, a)) },
                    InstOp::Store(ty, a, v) => {
                        unsafe { store(*ty, addr(&regs, a), get(&regs, *v)) };
                        0
                    }
                    InstOp::Call(callee, args) => {
                        let raw: Vec<u64> = args.iter().map(|a| get(&regs, *a)).collect();
                        let target = match &**callee {
                            Callee::Helper(h) => h.addr,
                            Callee::Indirect(p, _) => get(&regs, *p) as usize,
                        };
                        unsafe { native_call::call(target, callee.sig(), &raw) }
                    }
                };
                if let Some(res) = inst.result {
                    regs[res.index()] = r;
                }
            }
            let next = match exit {
                Some(t) => t,
                None => match &data.term {
                    Terminator::Jump(t) => t,
                    Terminator::Branch {
                        cond,
                        then,
                        otherwise,
                    } => {
                        if get(&regs, *cond) != 0 {
                            then
                        } else {
                            otherwise
                        }
                    }
                    Terminator::Return(v) => return v.map_or(0, |v| get(&regs, v)),
                    Terminator::FlexSwitch {
                        id,
                        value,
                        args,
                        default,
                    } => {
                        let seen = get(&regs, *value) as i64;
                        let case = self.funcs.borrow()[func.index()].cases[id.index()]
                            .0
                            .get(&seen)
                            .copied();
                        match case {
                            Some(entry) => {
                                incoming = args.iter().map(|a| get(&regs, *a)).collect();
                                block = entry;
                                continue;
                            }
                            None => default,
                        }
                    }
                },
            };
            incoming = next.args.iter().map(|a| get(&regs, *a)).collect();
            block = next.block;
        }
    }
}

impl Backend for ReferenceBackend {
    fn name(&self) -> &'static str {
        "reference"
    }

    fn note(&self, text: &str) {
        if let Some(log) = self.log.borrow_mut().as_mut() {
            let _ = log.note(text);
            let _ = log.flush();
        }
    }

    fn compile(&self, func: Function) -> Result<FuncId, CompileError> {
        self.count(&func, false);
        let mut st = FuncState {
            shape: FunctionShape::of(&func),
            blocks: Vec::new(),
            consts: Vec::new(),
            cases: Vec::new(),
        };
        st.take_in(func);
        let mut funcs = self.funcs.borrow_mut();
        funcs.push(st);
        Ok(FuncId(funcs.len() as u32 - 1))
    }

    fn shape(&self, func: FuncId) -> Result<FunctionShape, CompileError> {
        self.funcs
            .borrow()
            .get(func.index())
            .map(|s| s.shape.clone())
            .ok_or(CompileError::UnknownFunction(func))
    }

    fn add_case(
        &self,
        func: FuncId,
        switch: SwitchId,
        value: i64,
        fragment: Function,
    ) -> Result<(), CompileError> {
        let mut funcs = self.funcs.borrow_mut();
        let st = funcs
            .get_mut(func.index())
            .ok_or(CompileError::UnknownFunction(func))?;
        crate::admit_case(
            &st.shape,
            &st.cases[switch.index()].1,
            switch,
            value,
            &fragment,
        )?;
        drop(funcs);
        self.count(&fragment, true);
        let mut funcs = self.funcs.borrow_mut();
        let st = &mut funcs[func.index()];
        st.shape.extend(&fragment);
        let entry = fragment.entry;
        st.take_in(fragment);
        let cases = &mut st.cases[switch.index()];
        cases.0.insert(value, entry);
        cases.1.push(value);
        Ok(())
    }

    fn cases(&self, func: FuncId, switch: SwitchId) -> Vec<i64> {
        self.funcs
            .borrow()
            .get(func.index())
            .and_then(|s| s.cases.get(switch.index()))
            .map(|c| c.1.clone())
            .unwrap_or_default()
    }

    unsafe fn call(&self, func: FuncId, args: &[u64]) -> u64 {
        {
            let funcs = self.funcs.borrow();
            let st = funcs.get(func.index()).expect("unknown function");
            assert_eq!(args.len(), st.shape.sig.params.len(), "argument count");
        }
        self.run(func, args)
    }

    fn stats(&self) -> CodeStats {
        self.stats.borrow().clone()
    }
}
