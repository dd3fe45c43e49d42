//! The residual-code IR: what a generated frontend asks a backend to compile.
//!
//! A [`Function`] is a list of blocks. Each block has typed parameters, a list of
//! instructions and one terminator. **Invariant:** a value is local to the block that
//! defines it (as a parameter or an instruction result); values cross block boundaries
//! only as arguments of a [`Target`]. Constants are the exception: they are usable in
//! every block. The [`crate::FunctionBuilder`] enforces these rules, so a `Function`
//! that exists is well formed.
//!
//! A function grows after it has run: every [`Terminator::FlexSwitch`] can gain cases,
//! each compiled as a *fragment*, a `Function` whose block and value numbers continue
//! the function's own and whose entry block receives the switch's arguments.

use std::fmt;

/// The kind of a run-time value. All are 64 bits wide in registers.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A signed 64-bit integer (also used for booleans: 0 is false, anything else true).
    Int,
    /// A machine address.
    Ptr,
    /// An IEEE 754 double.
    Float,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Int => "int",
            Kind::Ptr => "ptr",
            Kind::Float => "float",
        })
    }
}

/// A value of a function: a block parameter, an instruction result or a constant.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Value(pub(crate) u32);

/// A block (label) of a function.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Block(pub(crate) u32);

/// A flexswitch of a function; cases are added to it at run time.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SwitchId(pub(crate) u32);

impl Value {
    /// The index of the value in its function (stable, dense, in creation order).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl Block {
    /// The index of the block in its function (stable, dense, in creation order).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl SwitchId {
    /// The index of the switch in its function.
    pub fn index(self) -> usize {
        self.0 as usize
    }
    /// The switch with this index (for frontends that pass switch ids through helpers).
    pub fn from_index(i: usize) -> SwitchId {
        SwitchId(i as u32)
    }
}
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}
impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "block{}", self.0)
    }
}
impl fmt::Display for SwitchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "switch{}", self.0)
    }
}

/// A function signature: parameter kinds and an optional return kind.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Sig {
    pub params: Vec<Kind>,
    pub ret: Option<Kind>,
}

impl Sig {
    pub fn new(params: &[Kind], ret: Option<Kind>) -> Sig {
        Sig {
            params: params.to_vec(),
            ret,
        }
    }
}

/// The most arguments a call or a function may have (beyond the registers they go on
/// the stack).
pub const MAX_ARGS: usize = 32;

/// An `extern "C"` function that compiled code may call.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Helper {
    /// A name for logs and disassembly.
    pub name: String,
    /// The function's address.
    pub addr: usize,
    /// Its C signature, in [`Kind`]s.
    pub sig: Sig,
}

impl Helper {
    /// Describe an `extern "C"` function; `addr` is `f as usize`.
    pub fn new(name: &str, addr: usize, sig: Sig) -> Helper {
        Helper {
            name: name.to_string(),
            addr,
            sig,
        }
    }
}

/// Two-operand operations. Integer operations wrap on overflow.
///
/// Semantics that are not obvious, defined here and checked by the conformance suite:
/// - `Div`/`Rem` truncate toward zero (Rust `/`, `%`); `FloorDiv`/`FloorMod` round toward
///   negative infinity (Python `//`, `%`). A zero divisor gives 0 for all four;
///   `i64::MIN` divided by -1 gives `i64::MIN` and a remainder of 0.
/// - Shifts use the count modulo 64. `Shr` is logical, `Sar` arithmetic.
/// - Comparisons give 0 or 1 as [`Kind::Int`]. `Ult`..`Uge` compare as unsigned.
/// - Float comparisons are false when either side is NaN, except `FNe`, which is true.
/// - `PtrAdd` adds an integer byte offset to a pointer; `PtrDiff` subtracts two pointers.
/// - `AddOverflows`, `SubOverflows`, `MulOverflows` give 1 when the signed 64-bit
///   operation overflows, else 0 (Rust's `checked_*` returning `None`);
///   `UAddOverflows`, `USubOverflows` likewise for unsigned 64-bit (a carry, a borrow).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    FloorDiv,
    FloorMod,
    And,
    Or,
    Xor,
    Shl,
    Shr,
    Sar,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Ult,
    Ule,
    Ugt,
    Uge,
    FAdd,
    FSub,
    FMul,
    FDiv,
    FEq,
    FNe,
    FLt,
    FLe,
    FGt,
    FGe,
    PtrAdd,
    PtrDiff,
    PtrEq,
    PtrNe,
    AddOverflows,
    SubOverflows,
    MulOverflows,
    UAddOverflows,
    USubOverflows,
}

impl BinOp {
    /// Every binary operation, for tests and generators.
    pub const ALL: [BinOp; 42] = [
        BinOp::Add,
        BinOp::Sub,
        BinOp::Mul,
        BinOp::Div,
        BinOp::Rem,
        BinOp::FloorDiv,
        BinOp::FloorMod,
        BinOp::And,
        BinOp::Or,
        BinOp::Xor,
        BinOp::Shl,
        BinOp::Shr,
        BinOp::Sar,
        BinOp::Eq,
        BinOp::Ne,
        BinOp::Lt,
        BinOp::Le,
        BinOp::Gt,
        BinOp::Ge,
        BinOp::Ult,
        BinOp::Ule,
        BinOp::Ugt,
        BinOp::Uge,
        BinOp::FAdd,
        BinOp::FSub,
        BinOp::FMul,
        BinOp::FDiv,
        BinOp::FEq,
        BinOp::FNe,
        BinOp::FLt,
        BinOp::FLe,
        BinOp::FGt,
        BinOp::FGe,
        BinOp::PtrAdd,
        BinOp::PtrDiff,
        BinOp::PtrEq,
        BinOp::PtrNe,
        BinOp::AddOverflows,
        BinOp::SubOverflows,
        BinOp::MulOverflows,
        BinOp::UAddOverflows,
        BinOp::USubOverflows,
    ];

    /// The operand kinds and the result kind.
    pub fn kinds(self) -> (Kind, Kind, Kind) {
        use BinOp::*;
        use Kind::*;
        match self {
            Add | Sub | Mul | Div | Rem | FloorDiv | FloorMod | And | Or | Xor | Shl | Shr
            | Sar | Eq | Ne | Lt | Le | Gt | Ge | Ult | Ule | Ugt | Uge | AddOverflows
            | SubOverflows | MulOverflows | UAddOverflows | USubOverflows => (Int, Int, Int),
            FAdd | FSub | FMul | FDiv => (Float, Float, Float),
            FEq | FNe | FLt | FLe | FGt | FGe => (Float, Float, Int),
            PtrAdd => (Ptr, Int, Ptr),
            PtrDiff => (Ptr, Ptr, Int),
            PtrEq | PtrNe => (Ptr, Ptr, Int),
        }
    }

    /// The stable lower-case name used in text output and logs.
    pub fn name(self) -> &'static str {
        use BinOp::*;
        match self {
            Add => "int_add",
            Sub => "int_sub",
            Mul => "int_mul",
            Div => "int_div",
            Rem => "int_rem",
            FloorDiv => "int_floordiv",
            FloorMod => "int_floormod",
            And => "int_and",
            Or => "int_or",
            Xor => "int_xor",
            Shl => "int_shl",
            Shr => "int_shr",
            Sar => "int_sar",
            Eq => "int_eq",
            Ne => "int_ne",
            Lt => "int_lt",
            Le => "int_le",
            Gt => "int_gt",
            Ge => "int_ge",
            Ult => "uint_lt",
            Ule => "uint_le",
            Ugt => "uint_gt",
            Uge => "uint_ge",
            FAdd => "float_add",
            FSub => "float_sub",
            FMul => "float_mul",
            FDiv => "float_truediv",
            FEq => "float_eq",
            FNe => "float_ne",
            FLt => "float_lt",
            FLe => "float_le",
            FGt => "float_gt",
            FGe => "float_ge",
            PtrAdd => "ptr_add",
            PtrDiff => "ptr_diff",
            PtrEq => "ptr_eq",
            PtrNe => "ptr_ne",
            AddOverflows => "int_add_overflows",
            SubOverflows => "int_sub_overflows",
            MulOverflows => "int_mul_overflows",
            UAddOverflows => "uint_add_overflows",
            USubOverflows => "uint_sub_overflows",
        }
    }

    /// True for operations whose result is a 0/1 comparison outcome.
    pub fn is_comparison(self) -> bool {
        use BinOp::*;
        matches!(
            self,
            Eq | Ne
                | Lt
                | Le
                | Gt
                | Ge
                | Ult
                | Ule
                | Ugt
                | Uge
                | FEq
                | FNe
                | FLt
                | FLe
                | FGt
                | FGe
                | PtrEq
                | PtrNe
                | AddOverflows
                | SubOverflows
                | MulOverflows
                | UAddOverflows
                | USubOverflows
        )
    }
}

/// One-operand operations.
///
/// `FloatToInt` truncates toward zero and saturates like Rust's `as` (NaN gives 0).
/// `FloatToBits` and `BitsToFloat` move the 64 bits unchanged between a float and an
/// integer (Rust's `f64::to_bits` and `f64::from_bits`; NaN payloads are kept).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    Neg,
    Not,
    /// 1 if the operand is non-zero, else 0.
    IsTrue,
    FNeg,
    IntToFloat,
    FloatToInt,
    FloatToBits,
    BitsToFloat,
    IntToPtr,
    PtrToInt,
}

impl UnOp {
    pub const ALL: [UnOp; 10] = [
        UnOp::Neg,
        UnOp::Not,
        UnOp::IsTrue,
        UnOp::FNeg,
        UnOp::IntToFloat,
        UnOp::FloatToInt,
        UnOp::FloatToBits,
        UnOp::BitsToFloat,
        UnOp::IntToPtr,
        UnOp::PtrToInt,
    ];

    /// The operand kind and the result kind.
    pub fn kinds(self) -> (Kind, Kind) {
        use Kind::*;
        match self {
            UnOp::Neg | UnOp::Not | UnOp::IsTrue => (Int, Int),
            UnOp::FNeg => (Float, Float),
            UnOp::IntToFloat | UnOp::BitsToFloat => (Int, Float),
            UnOp::FloatToInt | UnOp::FloatToBits => (Float, Int),
            UnOp::IntToPtr => (Int, Ptr),
            UnOp::PtrToInt => (Ptr, Int),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            UnOp::Neg => "int_neg",
            UnOp::Not => "int_invert",
            UnOp::IsTrue => "int_is_true",
            UnOp::FNeg => "float_neg",
            UnOp::IntToFloat => "cast_int_to_float",
            UnOp::FloatToInt => "cast_float_to_int",
            UnOp::FloatToBits => "float_to_bits",
            UnOp::BitsToFloat => "float_from_bits",
            UnOp::IntToPtr => "cast_int_to_ptr",
            UnOp::PtrToInt => "cast_ptr_to_int",
        }
    }
}

/// Integer operations that branch to a side exit when the mathematical result does not
/// fit in an `i64`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum OvfOp {
    AddOvf,
    SubOvf,
    MulOvf,
}

impl OvfOp {
    pub const ALL: [OvfOp; 3] = [OvfOp::AddOvf, OvfOp::SubOvf, OvfOp::MulOvf];

    pub fn name(self) -> &'static str {
        match self {
            OvfOp::AddOvf => "int_add_ovf",
            OvfOp::SubOvf => "int_sub_ovf",
            OvfOp::MulOvf => "int_mul_ovf",
        }
    }

    /// The result, or `None` on overflow.
    pub fn eval(self, a: i64, b: i64) -> Option<i64> {
        match self {
            OvfOp::AddOvf => a.checked_add(b),
            OvfOp::SubOvf => a.checked_sub(b),
            OvfOp::MulOvf => a.checked_mul(b),
        }
    }
}

/// The type of a memory access: its width, and how a narrow integer is extended.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum MemType {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    Ptr,
    F64,
}

impl MemType {
    pub const ALL: [MemType; 9] = [
        MemType::I8,
        MemType::U8,
        MemType::I16,
        MemType::U16,
        MemType::I32,
        MemType::U32,
        MemType::I64,
        MemType::Ptr,
        MemType::F64,
    ];

    /// Width in bytes.
    pub fn size(self) -> usize {
        match self {
            MemType::I8 | MemType::U8 => 1,
            MemType::I16 | MemType::U16 => 2,
            MemType::I32 | MemType::U32 => 4,
            MemType::I64 | MemType::Ptr | MemType::F64 => 8,
        }
    }

    /// The word a load of this type gives after `bits` is stored as this type: the low
    /// bytes, sign- or zero-extended.
    pub fn extend(self, bits: u64) -> u64 {
        match self {
            MemType::I8 => bits as i8 as i64 as u64,
            MemType::U8 => bits as u8 as u64,
            MemType::I16 => bits as i16 as i64 as u64,
            MemType::U16 => bits as u16 as u64,
            MemType::I32 => bits as i32 as i64 as u64,
            MemType::U32 => bits as u32 as u64,
            MemType::I64 | MemType::Ptr | MemType::F64 => bits,
        }
    }

    /// The kind of the value loaded or stored.
    pub fn kind(self) -> Kind {
        match self {
            MemType::Ptr => Kind::Ptr,
            MemType::F64 => Kind::Float,
            _ => Kind::Int,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            MemType::I8 => "i8",
            MemType::U8 => "u8",
            MemType::I16 => "i16",
            MemType::U16 => "u16",
            MemType::I32 => "i32",
            MemType::U32 => "u32",
            MemType::I64 => "i64",
            MemType::Ptr => "ptr",
            MemType::F64 => "f64",
        }
    }
}

/// An address `base + index * scale + offset`; without an index it is `base + offset`.
#[derive(Clone, Debug, PartialEq)]
pub struct Address {
    pub base: Value,
    pub index: Option<Value>,
    /// 1, 2, 4 or 8.
    pub scale: u8,
    pub offset: i32,
}

/// Where a call goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Callee {
    Helper(Helper),
    /// A function pointer computed at run time, with its signature.
    Indirect(Value, Sig),
}

impl Callee {
    pub fn sig(&self) -> &Sig {
        match self {
            Callee::Helper(h) => &h.sig,
            Callee::Indirect(_, s) => s,
        }
    }
}

/// A jump destination with the arguments for the destination's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub block: Block,
    pub args: Vec<Value>,
}

/// A non-terminating instruction. `result` is `None` only for stores and void calls.
#[derive(Clone, Debug, PartialEq)]
pub struct Inst {
    pub op: InstOp,
    pub result: Option<Value>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum InstOp {
    Binary(BinOp, Value, Value),
    Unary(UnOp, Value),
    /// On overflow, control leaves through `overflow` and `result` is not defined.
    Overflow(OvfOp, Value, Value, Target),
    /// A side exit: jump to the target when the value is nonzero, else go on.
    ExitIf(Value, Target),
    Load(MemType, Address),
    Store(MemType, Address, Value),
    /// The callee is boxed: calls are rare, and every other instruction stays small.
    Call(Box<Callee>, Vec<Value>),
}

impl InstOp {
    /// Every value the instruction reads, side-exit arguments included.
    pub fn uses(&self) -> Vec<Value> {
        let mut out = Vec::new();
        self.each_use(|v| out.push(v));
        out
    }

    /// Call `f` on every value the operation reads, in [`InstOp::uses`] order, without
    /// allocating.
    pub fn each_use(&self, mut f: impl FnMut(Value)) {
        let addr = |a: &Address, f: &mut dyn FnMut(Value)| {
            f(a.base);
            if let Some(i) = a.index {
                f(i);
            }
        };
        match self {
            InstOp::Binary(_, a, b) => {
                f(*a);
                f(*b);
            }
            InstOp::Unary(_, a) => f(*a),
            InstOp::Overflow(_, a, b, t) => {
                f(*a);
                f(*b);
                t.args.iter().for_each(|v| f(*v));
            }
            InstOp::ExitIf(c, t) => {
                f(*c);
                t.args.iter().for_each(|v| f(*v));
            }
            InstOp::Load(_, a) => addr(a, &mut f),
            InstOp::Store(_, a, v) => {
                addr(a, &mut f);
                f(*v);
            }
            InstOp::Call(c, args) => {
                if let Callee::Indirect(g, _) = &**c {
                    f(*g);
                }
                args.iter().for_each(|v| f(*v));
            }
        }
    }

    /// Replace every value the operation reads (side-exit arguments included) by `f` of it.
    pub fn map_uses(&mut self, mut f: impl FnMut(Value) -> Value) {
        let addr = |a: &mut Address, f: &mut dyn FnMut(Value) -> Value| {
            a.base = f(a.base);
            if let Some(i) = &mut a.index {
                *i = f(*i);
            }
        };
        match self {
            InstOp::Binary(_, a, b) => {
                *a = f(*a);
                *b = f(*b);
            }
            InstOp::Unary(_, a) => *a = f(*a),
            InstOp::Overflow(_, a, b, t) => {
                *a = f(*a);
                *b = f(*b);
                t.map_args(&mut f);
            }
            InstOp::ExitIf(c, t) => {
                *c = f(*c);
                t.map_args(&mut f);
            }
            InstOp::Load(_, a) => addr(a, &mut f),
            InstOp::Store(_, a, v) => {
                addr(a, &mut f);
                *v = f(*v);
            }
            InstOp::Call(c, args) => {
                if let Callee::Indirect(g, _) = &mut **c {
                    *g = f(*g);
                }
                args.iter_mut().for_each(|v| *v = f(*v));
            }
        }
    }
}

impl Target {
    /// Replace every argument by `f` of it.
    pub fn map_args(&mut self, f: &mut impl FnMut(Value) -> Value) {
        self.args.iter_mut().for_each(|v| *v = f(*v));
    }
}

/// How a block ends.
#[derive(Clone, Debug, PartialEq)]
pub enum Terminator {
    Jump(Target),
    /// Go to `then` if `cond` is non-zero, else to `otherwise`.
    Branch {
        cond: Value,
        then: Target,
        otherwise: Target,
    },
    Return(Option<Value>),
    /// Dispatch on `value` to the cases added so far (each receives `args`), or go to
    /// `default`.
    FlexSwitch {
        id: SwitchId,
        value: Value,
        args: Vec<Value>,
        default: Target,
    },
}

impl Terminator {
    /// Every value the terminator reads, in [`Terminator::each_use`] order.
    pub fn uses(&self) -> Vec<Value> {
        let mut out = Vec::new();
        self.each_use(|v| out.push(v));
        out
    }

    /// The terminator's targets (flexswitch cases excluded: they are added later), first
    /// ones first.
    pub fn targets(&self) -> [Option<&Target>; 2] {
        match self {
            Terminator::Jump(t) => [Some(t), None],
            Terminator::Branch {
                then, otherwise, ..
            } => [Some(then), Some(otherwise)],
            Terminator::FlexSwitch { default, .. } => [Some(default), None],
            Terminator::Return(_) => [None, None],
        }
    }

    /// [`Terminator::targets`], to change.
    pub fn targets_mut(&mut self) -> [Option<&mut Target>; 2] {
        match self {
            Terminator::Jump(t) => [Some(t), None],
            Terminator::Branch {
                then, otherwise, ..
            } => [Some(then), Some(otherwise)],
            Terminator::FlexSwitch { default, .. } => [Some(default), None],
            Terminator::Return(_) => [None, None],
        }
    }

    /// The blocks control can go to (flexswitch cases excluded: they are added later).
    pub fn successors(&self) -> Vec<Block> {
        self.targets()
            .into_iter()
            .flatten()
            .map(|t| t.block)
            .collect()
    }

    /// Replace every value the terminator reads by `f` of it.
    pub fn map_uses(&mut self, mut f: impl FnMut(Value) -> Value) {
        match self {
            Terminator::Jump(t) => t.map_args(&mut f),
            Terminator::Branch {
                cond,
                then,
                otherwise,
            } => {
                *cond = f(*cond);
                then.map_args(&mut f);
                otherwise.map_args(&mut f);
            }
            Terminator::Return(v) => {
                if let Some(v) = v {
                    *v = f(*v);
                }
            }
            Terminator::FlexSwitch {
                value,
                args,
                default,
                ..
            } => {
                *value = f(*value);
                args.iter_mut().for_each(|v| *v = f(*v));
                default.map_args(&mut f);
            }
        }
    }

    /// Call `f` on every value the terminator reads, in [`Terminator::uses`] order.
    pub fn each_use(&self, mut f: impl FnMut(Value)) {
        match self {
            Terminator::Jump(t) => t.args.iter().for_each(|v| f(*v)),
            Terminator::Branch {
                cond,
                then,
                otherwise,
            } => {
                f(*cond);
                then.args.iter().for_each(|v| f(*v));
                otherwise.args.iter().for_each(|v| f(*v));
            }
            Terminator::Return(v) => v.iter().for_each(|v| f(*v)),
            Terminator::FlexSwitch {
                value,
                args,
                default,
                ..
            } => {
                f(*value);
                args.iter().for_each(|v| f(*v));
                default.args.iter().for_each(|v| f(*v));
            }
        }
    }
}

/// Where a value comes from.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum ValueDef {
    Param {
        block: Block,
        index: u32,
    },
    Inst {
        block: Block,
        index: u32,
    },
    /// A constant; the bits of an `i64`, a pointer or an `f64`.
    Const(u64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ValueData {
    pub kind: Kind,
    pub def: ValueDef,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BlockData {
    pub params: Vec<Value>,
    pub insts: Vec<Inst>,
    pub term: Terminator,
    /// No jump enters this block and none ever will: it is private (only jumps of its
    /// own function may enter it) and the optimiser sent every such jump elsewhere.
    /// Backends do not compile it; it stays so that block numbers keep their meaning.
    pub unreached: bool,
}

impl BlockData {
    /// Call `f` on every place the block can jump to: its side exits and overflow
    /// targets in order, then its terminator's targets.
    pub fn each_target(&self, mut f: impl FnMut(&Target)) {
        for inst in &self.insts {
            if let InstOp::Overflow(_, _, _, t) | InstOp::ExitIf(_, t) = &inst.op {
                f(t);
            }
        }
        self.term.targets().into_iter().flatten().for_each(f);
    }

    /// [`BlockData::each_target`], to change.
    pub fn each_target_mut(&mut self, mut f: impl FnMut(&mut Target)) {
        for inst in &mut self.insts {
            if let InstOp::Overflow(_, _, _, t) | InstOp::ExitIf(_, t) = &mut inst.op {
                f(t);
            }
        }
        self.term.targets_mut().into_iter().flatten().for_each(f);
    }
}

/// A finished, well-formed function or fragment.
///
/// Blocks numbered below `first_block` (values below `first_value`, switches below
/// `first_switch`) belong to the function this fragment extends; a whole function has all
/// three at 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    pub sig: Sig,
    pub entry: Block,
    pub first_block: u32,
    pub first_value: u32,
    pub first_switch: u32,
    /// Values numbered from `first_value`.
    pub values: Vec<ValueData>,
    /// Blocks numbered from `first_block`; `blocks[0]` is the entry.
    pub blocks: Vec<BlockData>,
    /// For each new switch (numbered from `first_switch`), the block it ends.
    pub switches: Vec<Block>,
}

impl Function {
    pub fn value(&self, v: Value) -> &ValueData {
        &self.values[(v.0 - self.first_value) as usize]
    }
    pub fn kind(&self, v: Value) -> Kind {
        self.value(v).kind
    }
    /// The constant bits of `v`, if it is a constant.
    pub fn const_bits(&self, v: Value) -> Option<u64> {
        match self.value(v).def {
            ValueDef::Const(b) => Some(b),
            _ => None,
        }
    }
    pub fn block(&self, b: Block) -> &BlockData {
        &self.blocks[(b.0 - self.first_block) as usize]
    }
    /// The blocks defined by this function or fragment, entry first.
    pub fn block_ids(&self) -> impl Iterator<Item = Block> + '_ {
        (0..self.blocks.len() as u32).map(move |i| Block(self.first_block + i))
    }
    /// The blocks a backend compiles: all but those [`BlockData::unreached`].
    pub fn reached_block_ids(&self) -> impl Iterator<Item = Block> + '_ {
        self.block_ids().filter(move |b| !self.block(*b).unreached)
    }
    /// The operations a backend compiles: the instructions and terminators of the
    /// blocks it compiles.
    pub fn operation_count(&self) -> usize {
        self.blocks
            .iter()
            .filter(|b| !b.unreached)
            .map(|b| b.insts.len() + 1)
            .sum()
    }
    /// True if `b` is defined by this function or fragment (not an earlier part).
    pub fn owns_block(&self, b: Block) -> bool {
        b.0 >= self.first_block && ((b.0 - self.first_block) as usize) < self.blocks.len()
    }
    pub fn value_count(&self) -> u32 {
        self.first_value + self.values.len() as u32
    }
    pub fn block_count(&self) -> u32 {
        self.first_block + self.blocks.len() as u32
    }
    pub fn switch_count(&self) -> u32 {
        self.first_switch + self.switches.len() as u32
    }
}

impl fmt::Display for Function {
    /// The text form: one block a paragraph, one instruction a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let val = |v: Value| -> String {
            match self.value(v).def {
                ValueDef::Const(bits) => match self.kind(v) {
                    Kind::Float => format!("{:?}", f64::from_bits(bits)),
                    Kind::Ptr => format!("ptr:{bits:#x}"),
                    Kind::Int => format!("{}", bits as i64),
                },
                _ => v.to_string(),
            }
        };
        let vals = |vs: &[Value]| vs.iter().map(|v| val(*v)).collect::<Vec<_>>().join(", ");
        let target = |t: &Target| format!("{}({})", t.block, vals(&t.args));
        let addr = |a: &Address| match a.index {
            Some(i) => format!("[{} + {}*{} + {}]", val(a.base), val(i), a.scale, a.offset),
            None => format!("[{} + {}]", val(a.base), a.offset),
        };
        writeln!(
            f,
            "function {}{:?} -> {:?}",
            self.name, self.sig.params, self.sig.ret
        )?;
        for b in self.block_ids() {
            let data = self.block(b);
            if data.unreached {
                writeln!(f, "{b}: unreached")?;
                continue;
            }
            let params: Vec<String> = data
                .params
                .iter()
                .map(|p| format!("{p}: {}", self.kind(*p)))
                .collect();
            writeln!(f, "{b}({}):", params.join(", "))?;
            for inst in &data.insts {
                let res = match inst.result {
                    Some(r) => format!("{r} = "),
                    None => String::new(),
                };
                let body = match &inst.op {
                    InstOp::Binary(op, a, b) => format!("{} {}, {}", op.name(), val(*a), val(*b)),
                    InstOp::Unary(op, a) => format!("{} {}", op.name(), val(*a)),
                    InstOp::Overflow(op, a, b, t) => {
                        format!("{} {}, {} else {}", op.name(), val(*a), val(*b), target(t))
                    }
                    InstOp::ExitIf(c, t) => format!("exit_if {} to {}", val(*c), target(t)),
                    InstOp::Load(ty, a) => format!("load.{} {}", ty.name(), addr(a)),
                    InstOp::Store(ty, a, v) => {
                        format!("store.{} {}, {}", ty.name(), addr(a), val(*v))
                    }
                    InstOp::Call(c, args) => match &**c {
                        Callee::Helper(h) => format!("call {}({})", h.name, vals(args)),
                        Callee::Indirect(p, _) => {
                            format!("call_indirect {}({})", val(*p), vals(args))
                        }
                    },
                };
                writeln!(f, "    {res}{body}")?;
            }
            let term = match &data.term {
                Terminator::Jump(t) => format!("jump {}", target(t)),
                Terminator::Branch {
                    cond,
                    then,
                    otherwise,
                } => format!(
                    "branch {}, {}, {}",
                    val(*cond),
                    target(then),
                    target(otherwise)
                ),
                Terminator::Return(Some(v)) => format!("return {}", val(*v)),
                Terminator::Return(None) => "return".to_string(),
                Terminator::FlexSwitch {
                    id,
                    value,
                    args,
                    default,
                } => format!(
                    "flexswitch {id} {} ({}) default {}",
                    val(*value),
                    vals(args),
                    target(default)
                ),
            };
            writeln!(f, "    {term}")?;
        }
        Ok(())
    }
}
