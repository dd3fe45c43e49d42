//! [`FunctionBuilder`]: the only way to make a [`Function`]. Every call checks its
//! operands, so an ill-formed sequence (wrong kind, a value from another block, a jump
//! with the wrong arguments, an unterminated block) is a [`BuildError`] and never
//! reaches a backend.

use crate::ir::*;
use std::fmt;

/// Why a builder call was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// An operand has the wrong kind.
    KindMismatch {
        what: String,
        expected: Kind,
        found: Kind,
    },
    /// A value that does not exist, or belongs to another block.
    UndefinedValue(String),
    /// A block that does not exist in this function.
    UnknownBlock(String),
    /// Jump arguments do not match the destination's parameters.
    ArgumentMismatch(String),
    /// No current block, or the current block is already terminated.
    NoCurrentBlock,
    /// A block was left without a terminator.
    Unterminated(Block),
    /// Anything else: the message says what.
    Invalid(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::KindMismatch {
                what,
                expected,
                found,
            } => write!(
                f,
                "{what}: expected a {expected} value, found a {found} value"
            ),
            BuildError::UndefinedValue(s) => write!(f, "use of an undefined value: {s}"),
            BuildError::UnknownBlock(s) => write!(f, "unknown block: {s}"),
            BuildError::ArgumentMismatch(s) => write!(f, "argument mismatch: {s}"),
            BuildError::NoCurrentBlock => {
                write!(f, "no current block (select an unterminated block first)")
            }
            BuildError::Unterminated(b) => write!(f, "{b} has no terminator"),
            BuildError::Invalid(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for BuildError {}

pub type BuildResult<T> = Result<T, BuildError>;

/// What a fragment needs to know of the function it extends: the parameter kinds of
/// every existing block, and of every existing switch its value and argument kinds.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionShape {
    pub name: String,
    pub sig: Sig,
    /// Shared with the builders of fragments (cheap to copy; the function's list grows
    /// in place once they are gone).
    pub block_params: std::sync::Arc<Vec<Vec<Kind>>>,
    pub value_count: u32,
    /// For each switch: the kinds of its arguments (what a case's entry receives).
    pub switch_args: std::sync::Arc<Vec<Vec<Kind>>>,
}

impl FunctionShape {
    /// The shape of a whole function.
    pub fn of(f: &Function) -> FunctionShape {
        let mut shape = FunctionShape {
            name: f.name.clone(),
            sig: f.sig.clone(),
            block_params: Default::default(),
            value_count: 0,
            switch_args: Default::default(),
        };
        shape.extend(f);
        shape
    }

    /// Take in a fragment (or the first part) of the function.
    pub fn extend(&mut self, f: &Function) {
        debug_assert_eq!(self.block_params.len() as u32, f.first_block);
        for b in f.block_ids() {
            let kinds = f.block(b).params.iter().map(|p| f.kind(*p)).collect();
            std::sync::Arc::make_mut(&mut self.block_params).push(kinds);
        }
        self.value_count = f.value_count();
        for &b in &f.switches {
            if let Terminator::FlexSwitch { args, .. } = &f.block(b).term {
                std::sync::Arc::make_mut(&mut self.switch_args)
                    .push(args.iter().map(|a| f.kind(*a)).collect());
            }
        }
    }

    /// Check that `frag` is a case fragment that fits this shape for `switch`.
    pub fn check_fragment(&self, frag: &Function, switch: SwitchId) -> BuildResult<()> {
        let args = self
            .switch_args
            .get(switch.index())
            .ok_or_else(|| BuildError::Invalid(format!("no {switch} in {}", self.name)))?;
        if frag.first_block as usize != self.block_params.len()
            || frag.first_value != self.value_count
            || frag.first_switch as usize != self.switch_args.len()
        {
            return Err(BuildError::Invalid(format!(
                "fragment was built for another state of {} (a fragment must be added before \
                 the next builder for the same function is made)",
                self.name
            )));
        }
        if frag.sig != self.sig {
            return Err(BuildError::Invalid("fragment signature differs".into()));
        }
        let entry: Vec<Kind> = frag
            .block(frag.entry)
            .params
            .iter()
            .map(|p| frag.kind(*p))
            .collect();
        if &entry != args {
            return Err(BuildError::ArgumentMismatch(format!(
                "fragment entry takes {entry:?}, {switch} passes {args:?}"
            )));
        }
        Ok(())
    }
}

struct PartialBlock {
    params: Vec<Value>,
    insts: Vec<Inst>,
    term: Option<Terminator>,
    /// Made by [`FunctionBuilder::create_private_block`].
    private: bool,
}

/// Builds one function, or one fragment for a flexswitch case.
///
/// ```
/// use backend::{FunctionBuilder, Kind, Sig, BinOp};
/// let mut b = FunctionBuilder::new("add1", Sig::new(&[Kind::Int], Some(Kind::Int)));
/// let x = b.params(b.entry())[0];
/// let one = b.iconst(1);
/// let r = b.binary(BinOp::Add, x, one).unwrap();
/// b.ret(Some(r)).unwrap();
/// let f = b.finish().unwrap();
/// assert_eq!(f.blocks.len(), 1);
/// ```
pub struct FunctionBuilder {
    name: String,
    sig: Sig,
    first_block: u32,
    first_value: u32,
    first_switch: u32,
    /// Parameter kinds of the blocks of the function being extended.
    foreign_blocks: std::sync::Arc<Vec<Vec<Kind>>>,
    values: Vec<ValueData>,
    blocks: Vec<PartialBlock>,
    switches: Vec<Block>,
    current: Option<Block>,
    /// Whether [`FunctionBuilder::finish`] runs the block-local rewrites of `opt`.
    optimize: bool,
    /// The constants made so far, by kind and bits: a constant may be read in any
    /// block, so one value serves every use of it.
    consts: crate::FastMap<(Kind, u64), Value>,
}

impl FunctionBuilder {
    /// Start a function. Its entry block is current and has one parameter per argument.
    pub fn new(name: &str, sig: Sig) -> FunctionBuilder {
        let params = sig.params.clone();
        let mut b = FunctionBuilder {
            name: name.to_string(),
            sig,
            first_block: 0,
            first_value: 0,
            first_switch: 0,
            foreign_blocks: Default::default(),
            values: Vec::new(),
            blocks: Vec::new(),
            switches: Vec::new(),
            current: None,
            optimize: true,
            consts: Default::default(),
        };
        let entry = b.create_block(&params);
        b.current = Some(entry);
        b
    }

    /// Start the fragment for a case of `switch` in the function of `shape`. Its entry
    /// block is current and receives the switch's arguments; it may jump to any block of
    /// the function.
    pub fn fragment(shape: &FunctionShape, switch: SwitchId) -> BuildResult<FunctionBuilder> {
        let args = shape
            .switch_args
            .get(switch.index())
            .ok_or_else(|| BuildError::Invalid(format!("no {switch} in {}", shape.name)))?
            .clone();
        let mut b = FunctionBuilder {
            name: format!("{}.{switch}", shape.name),
            sig: shape.sig.clone(),
            first_block: shape.block_params.len() as u32,
            first_value: shape.value_count,
            first_switch: shape.switch_args.len() as u32,
            foreign_blocks: shape.block_params.clone(),
            values: Vec::new(),
            blocks: Vec::new(),
            switches: Vec::new(),
            current: None,
            optimize: true,
            consts: Default::default(),
        };
        let entry = b.create_block(&args);
        b.current = Some(entry);
        Ok(b)
    }

    /// The entry block.
    pub fn entry(&self) -> Block {
        Block(self.first_block)
    }

    /// The parameters of a block made by this builder.
    pub fn params(&self, b: Block) -> &[Value] {
        &self.own_block(b).expect("block of this builder").params
    }

    /// The block instructions are added to, if any.
    pub fn current_block(&self) -> Option<Block> {
        self.current
    }

    /// A new, empty block like [`FunctionBuilder::create_block`] that only jumps made
    /// by this builder enter: [`FunctionBuilder::finish`] drops the parameters it does
    /// not use, and the arguments passed to them. (A later fragment cannot jump to it.)
    pub fn create_private_block(&mut self, kinds: &[Kind]) -> Block {
        let b = self.create_block(kinds);
        self.blocks.last_mut().expect("just made").private = true;
        b
    }

    /// A new, empty block with parameters of the given kinds.
    pub fn create_block(&mut self, kinds: &[Kind]) -> Block {
        let block = Block(self.first_block + self.blocks.len() as u32);
        let params = kinds
            .iter()
            .enumerate()
            .map(|(i, k)| {
                self.new_value(
                    *k,
                    ValueDef::Param {
                        block,
                        index: i as u32,
                    },
                )
            })
            .collect();
        self.blocks.push(PartialBlock {
            params,
            insts: Vec::new(),
            term: None,
            private: false,
        });
        block
    }

    /// Make `b` current. It must belong to this builder and not be terminated.
    pub fn switch_to(&mut self, b: Block) -> BuildResult<()> {
        let data = self
            .own_block(b)
            .ok_or_else(|| BuildError::UnknownBlock(b.to_string()))?;
        if data.term.is_some() {
            return Err(BuildError::Invalid(format!("{b} is already terminated")));
        }
        self.current = Some(b);
        Ok(())
    }

    pub fn iconst(&mut self, v: i64) -> Value {
        self.constant(Kind::Int, v as u64)
    }
    pub fn pconst(&mut self, p: usize) -> Value {
        self.constant(Kind::Ptr, p as u64)
    }
    pub fn fconst(&mut self, v: f64) -> Value {
        self.constant(Kind::Float, v.to_bits())
    }

    /// The value of the constant `bits` of `kind` (made once per builder).
    fn constant(&mut self, kind: Kind, bits: u64) -> Value {
        if let Some(v) = self.consts.get(&(kind, bits)) {
            return *v;
        }
        let v = self.new_value(kind, ValueDef::Const(bits));
        self.consts.insert((kind, bits), v);
        v
    }

    /// The kind of a value of this builder.
    pub fn kind(&self, v: Value) -> BuildResult<Kind> {
        self.value_data(v).map(|d| d.kind)
    }

    pub fn binary(&mut self, op: BinOp, a: Value, b: Value) -> BuildResult<Value> {
        let (ka, kb, kr) = op.kinds();
        self.check(a, ka, op.name())?;
        self.check(b, kb, op.name())?;
        self.push(InstOp::Binary(op, a, b), Some(kr))
            .map(|v| v.unwrap())
    }

    pub fn unary(&mut self, op: UnOp, a: Value) -> BuildResult<Value> {
        let (ka, kr) = op.kinds();
        self.check(a, ka, op.name())?;
        self.push(InstOp::Unary(op, a), Some(kr))
            .map(|v| v.unwrap())
    }

    /// `a op b`, or a jump to `overflow` with `args` when the result does not fit.
    pub fn overflow(
        &mut self,
        op: OvfOp,
        a: Value,
        b: Value,
        overflow: Block,
        args: &[Value],
    ) -> BuildResult<Value> {
        self.check(a, Kind::Int, op.name())?;
        self.check(b, Kind::Int, op.name())?;
        let t = self.target(overflow, args)?;
        self.push(InstOp::Overflow(op, a, b, t), Some(Kind::Int))
            .map(|v| v.unwrap())
    }

    /// A side exit: jump to `exit` with `args` when `cond` is nonzero; otherwise the
    /// block goes on.
    pub fn exit_if(&mut self, cond: Value, exit: Block, args: &[Value]) -> BuildResult<()> {
        self.check(cond, Kind::Int, "exit_if")?;
        let t = self.target(exit, args)?;
        self.push(InstOp::ExitIf(cond, t), None).map(|_| ())
    }

    /// Load from `base + offset`.
    pub fn load(&mut self, ty: MemType, base: Value, offset: i32) -> BuildResult<Value> {
        let a = self.address(base, None, 1, offset)?;
        self.push(InstOp::Load(ty, a), Some(ty.kind()))
            .map(|v| v.unwrap())
    }

    /// Load from `base + index * scale + offset` (an array item).
    pub fn load_indexed(
        &mut self,
        ty: MemType,
        base: Value,
        index: Value,
        scale: u8,
        offset: i32,
    ) -> BuildResult<Value> {
        let a = self.address(base, Some(index), scale, offset)?;
        self.push(InstOp::Load(ty, a), Some(ty.kind()))
            .map(|v| v.unwrap())
    }

    /// Store `value` (truncated to the width of `ty`) at `base + offset`.
    pub fn store(
        &mut self,
        ty: MemType,
        base: Value,
        offset: i32,
        value: Value,
    ) -> BuildResult<()> {
        let a = self.address(base, None, 1, offset)?;
        self.check(value, ty.kind(), "store")?;
        self.push(InstOp::Store(ty, a, value), None).map(|_| ())
    }

    /// Store at `base + index * scale + offset` (an array item).
    pub fn store_indexed(
        &mut self,
        ty: MemType,
        base: Value,
        index: Value,
        scale: u8,
        offset: i32,
        value: Value,
    ) -> BuildResult<()> {
        let a = self.address(base, Some(index), scale, offset)?;
        self.check(value, ty.kind(), "store")?;
        self.push(InstOp::Store(ty, a, value), None).map(|_| ())
    }

    /// Call a helper; the result is `None` for a helper that returns nothing.
    pub fn call(&mut self, helper: &Helper, args: &[Value]) -> BuildResult<Option<Value>> {
        self.check_call_args(&helper.sig, args, &helper.name)?;
        if helper.addr == 0 {
            return Err(BuildError::Invalid(format!(
                "helper {} has a null address",
                helper.name
            )));
        }
        self.push(
            InstOp::Call(Box::new(Callee::Helper(helper.clone())), args.to_vec()),
            helper.sig.ret,
        )
    }

    /// Call through a function pointer of signature `sig`.
    pub fn call_indirect(
        &mut self,
        sig: &Sig,
        fnptr: Value,
        args: &[Value],
    ) -> BuildResult<Option<Value>> {
        self.check(fnptr, Kind::Ptr, "call_indirect")?;
        self.check_call_args(sig, args, "call_indirect")?;
        self.push(
            InstOp::Call(
                Box::new(Callee::Indirect(fnptr, sig.clone())),
                args.to_vec(),
            ),
            sig.ret,
        )
    }

    pub fn jump(&mut self, block: Block, args: &[Value]) -> BuildResult<()> {
        let t = self.target(block, args)?;
        self.terminate(Terminator::Jump(t))
    }

    /// Go to `then` if `cond` is non-zero, else to `otherwise`.
    pub fn branch(
        &mut self,
        cond: Value,
        then: Block,
        then_args: &[Value],
        otherwise: Block,
        otherwise_args: &[Value],
    ) -> BuildResult<()> {
        self.check(cond, Kind::Int, "branch condition")?;
        let then = self.target(then, then_args)?;
        let otherwise = self.target(otherwise, otherwise_args)?;
        self.terminate(Terminator::Branch {
            cond,
            then,
            otherwise,
        })
    }

    pub fn ret(&mut self, value: Option<Value>) -> BuildResult<()> {
        match (value, self.sig.ret) {
            (Some(v), Some(k)) => self.check(v, k, "return")?,
            (None, None) => {}
            (Some(_), None) => {
                return Err(BuildError::Invalid(
                    "return with a value from a function that returns nothing".into(),
                ))
            }
            (None, Some(k)) => {
                return Err(BuildError::Invalid(format!(
                    "return without a value from a function that returns {k}"
                )))
            }
        }
        self.terminate(Terminator::Return(value))
    }

    /// End the current block with a flexswitch on `value` (an int or a pointer). Cases,
    /// added later with a backend's `add_case`, receive `args`; values without a case go
    /// to `default`.
    pub fn flexswitch(
        &mut self,
        value: Value,
        args: &[Value],
        default: Block,
        default_args: &[Value],
    ) -> BuildResult<SwitchId> {
        let k = self.kind(value)?;
        if k == Kind::Float {
            return Err(BuildError::KindMismatch {
                what: "flexswitch value".into(),
                expected: Kind::Int,
                found: k,
            });
        }
        self.check_local(value)?;
        for a in args {
            self.check_local(*a)?;
        }
        let default = self.target(default, default_args)?;
        let id = SwitchId(self.first_switch + self.switches.len() as u32);
        let block = self.current.ok_or(BuildError::NoCurrentBlock)?;
        self.terminate(Terminator::FlexSwitch {
            id,
            value,
            args: args.to_vec(),
            default,
        })?;
        self.switches.push(block);
        Ok(id)
    }

    /// Whether [`FunctionBuilder::finish`] optimises the function (on by default): folds
    /// constant offsets, widens range guards and removes dead arithmetic, block by block
    /// (see `backend/src/opt.rs`). Off only to compare against the function as written.
    pub fn set_optimize(&mut self, on: bool) {
        self.optimize = on;
    }

    /// Check that every block is terminated and hand over the function, optimised
    /// unless [`FunctionBuilder::set_optimize`] turned that off.
    pub fn finish(mut self) -> BuildResult<Function> {
        self.drop_unused_params();
        let mut blocks = Vec::with_capacity(self.blocks.len());
        let private: Vec<bool> = self.blocks.iter().map(|b| b.private).collect();
        for (i, b) in self.blocks.into_iter().enumerate() {
            let term = b
                .term
                .ok_or(BuildError::Unterminated(Block(self.first_block + i as u32)))?;
            blocks.push(BlockData {
                params: b.params,
                insts: b.insts,
                term,
                unreached: false,
            });
        }
        let mut f = Function {
            name: self.name,
            sig: self.sig,
            entry: Block(self.first_block),
            first_block: self.first_block,
            first_value: self.first_value,
            first_switch: self.first_switch,
            values: self.values,
            blocks,
            switches: self.switches,
        };
        if self.optimize {
            crate::opt::optimize(&mut f, &private);
        }
        Ok(f)
    }

    // ---- internals ----

    /// Drop the parameters of private blocks that nothing reads, with the arguments
    /// jumps pass to them, and so on for parameters read only by such arguments (one
    /// worklist over use counts: linear in the function's size).
    fn drop_unused_params(&mut self) {
        let (first_v, first_b) = (self.first_value, self.first_block);
        let ix = |v: Value| v.0.checked_sub(first_v).map(|i| i as usize);
        let own = |b: Block| b.0.checked_sub(first_b).map(|i| i as usize);
        let mut uses = vec![0u32; self.values.len()];
        // Every jump as (from block, slot, to block); see `target_mut` for slots.
        let mut jumps: Vec<(u32, u32, u32)> = Vec::new();
        for (bi, b) in self.blocks.iter().enumerate() {
            for (slot, inst) in b.insts.iter().enumerate() {
                inst.op.each_use(|v| {
                    if let Some(i) = ix(v) {
                        uses[i] += 1;
                    }
                });
                if let InstOp::Overflow(_, _, _, t) | InstOp::ExitIf(_, t) = &inst.op {
                    if let Some(tb) = own(t.block) {
                        jumps.push((bi as u32, slot as u32, tb as u32));
                    }
                }
            }
            if let Some(t) = &b.term {
                t.each_use(|v| {
                    if let Some(i) = ix(v) {
                        uses[i] += 1;
                    }
                });
                for (k, t) in t.targets().into_iter().flatten().enumerate() {
                    if let Some(tb) = own(t.block) {
                        jumps.push((bi as u32, TERM_SLOT + k as u32, tb as u32));
                    }
                }
            }
        }
        // The places that jump to block `b`: `from[start[b]..start[b + 1]]`.
        let mut start = vec![0usize; self.blocks.len() + 1];
        for j in &jumps {
            start[j.2 as usize + 1] += 1;
        }
        for b in 0..self.blocks.len() {
            start[b + 1] += start[b];
        }
        let mut from = vec![(0u32, 0u32); jumps.len()];
        let mut next = start.clone();
        for &(bi, slot, tb) in &jumps {
            from[next[tb as usize]] = (bi, slot);
            next[tb as usize] += 1;
        }
        let incoming = |b: usize| &from[start[b]..start[b + 1]];
        let private_param = |values: &[ValueData], blocks: &[PartialBlock], v: Value| match ix(v)
            .map(|i| values[i].def)
        {
            Some(ValueDef::Param { block, index }) => own(block)
                .is_some_and(|b| blocks[b].private)
                .then_some((block, index)),
            _ => None,
        };
        let mut work: Vec<Value> = Vec::new();
        for b in &self.blocks {
            if b.private {
                work.extend(b.params.iter().filter(|p| uses[ix(**p).unwrap()] == 0));
            }
        }
        if work.is_empty() {
            return;
        }
        let mut dead = vec![false; self.values.len()];
        while let Some(p) = work.pop() {
            let pi = ix(p).unwrap();
            if dead[pi] {
                continue;
            }
            dead[pi] = true;
            let (block, index) =
                private_param(&self.values, &self.blocks, p).expect("a private parameter");
            for &(bi, slot) in incoming(own(block).unwrap()) {
                let a = target_of(&self.blocks[bi as usize], slot).args[index as usize];
                if let Some(i) = ix(a) {
                    uses[i] -= 1;
                    if uses[i] == 0 && private_param(&self.values, &self.blocks, a).is_some() {
                        work.push(a);
                    }
                }
            }
        }
        for tb in 0..self.blocks.len() {
            let b = &self.blocks[tb];
            if !b.private || !b.params.iter().any(|p| dead[ix(*p).unwrap()]) {
                continue;
            }
            let keep: Vec<bool> = b.params.iter().map(|p| !dead[ix(*p).unwrap()]).collect();
            for &(bi, slot) in incoming(tb) {
                let t = target_mut(&mut self.blocks[bi as usize], slot);
                let mut k = keep.iter();
                t.args.retain(|_| *k.next().unwrap_or(&true));
            }
            let block = Block(first_b + tb as u32);
            let b = &mut self.blocks[tb];
            b.params.retain(|p| !dead[ix(*p).unwrap()]);
            for (j, p) in b.params.iter().enumerate() {
                self.values[ix(*p).unwrap()].def = ValueDef::Param {
                    block,
                    index: j as u32,
                };
            }
        }
    }

    fn new_value(&mut self, kind: Kind, def: ValueDef) -> Value {
        let v = Value(self.first_value + self.values.len() as u32);
        self.values.push(ValueData { kind, def });
        v
    }

    fn own_block(&self, b: Block) -> Option<&PartialBlock> {
        b.0.checked_sub(self.first_block)
            .and_then(|i| self.blocks.get(i as usize))
    }

    fn value_data(&self, v: Value) -> BuildResult<&ValueData> {
        v.0.checked_sub(self.first_value)
            .and_then(|i| self.values.get(i as usize))
            .ok_or_else(|| BuildError::UndefinedValue(v.to_string()))
    }

    /// `v` exists and may be used in the current block.
    fn check_local(&self, v: Value) -> BuildResult<()> {
        let cur = self.current.ok_or(BuildError::NoCurrentBlock)?;
        match self.value_data(v)?.def {
            ValueDef::Const(_) => Ok(()),
            ValueDef::Param { block, .. } | ValueDef::Inst { block, .. } if block == cur => Ok(()),
            ValueDef::Param { block, .. } | ValueDef::Inst { block, .. } => {
                Err(BuildError::UndefinedValue(format!(
                    "{v} is defined in {block}, not in {cur}: pass it as a block argument"
                )))
            }
        }
    }

    /// `what` names the operand in the error; it is formatted only for an error.
    fn check(&self, v: Value, expected: Kind, what: impl fmt::Display) -> BuildResult<()> {
        self.check_local(v)?;
        let found = self.value_data(v)?.kind;
        if found != expected {
            return Err(BuildError::KindMismatch {
                what: format!("{what} operand {v}"),
                expected,
                found,
            });
        }
        Ok(())
    }

    fn check_call_args(&self, sig: &Sig, args: &[Value], name: &str) -> BuildResult<()> {
        if sig.params.len() > MAX_ARGS {
            return Err(BuildError::Invalid(format!(
                "{name} takes {} arguments; at most {MAX_ARGS} are supported",
                sig.params.len()
            )));
        }
        if args.len() != sig.params.len() {
            return Err(BuildError::ArgumentMismatch(format!(
                "{name} takes {} arguments, {} given",
                sig.params.len(),
                args.len()
            )));
        }
        for (a, k) in args.iter().zip(&sig.params) {
            self.check(*a, *k, name)?;
        }
        Ok(())
    }

    fn block_kinds(&self, b: Block) -> BuildResult<Vec<Kind>> {
        if let Some(own) = self.own_block(b) {
            return Ok(own
                .params
                .iter()
                .map(|p| self.values[(p.0 - self.first_value) as usize].kind)
                .collect());
        }
        self.foreign_blocks
            .get(b.0 as usize)
            .cloned()
            .ok_or_else(|| BuildError::UnknownBlock(b.to_string()))
    }

    fn target(&self, block: Block, args: &[Value]) -> BuildResult<Target> {
        let kinds = self.block_kinds(block)?;
        if kinds.len() != args.len() {
            return Err(BuildError::ArgumentMismatch(format!(
                "{block} takes {} arguments, {} given",
                kinds.len(),
                args.len()
            )));
        }
        for (a, k) in args.iter().zip(&kinds) {
            self.check(*a, *k, format_args!("argument for {block}"))?;
        }
        if block == self.entry() || block.0 == 0 {
            // An entry block receives the ABI arguments (or a switch's arguments); a loop
            // goes to a header block of its own.
            return Err(BuildError::Invalid(format!(
                "{block} is an entry block and cannot be a jump target; jump to a loop header block"
            )));
        }
        Ok(Target {
            block,
            args: args.to_vec(),
        })
    }

    fn address(
        &self,
        base: Value,
        index: Option<Value>,
        scale: u8,
        offset: i32,
    ) -> BuildResult<Address> {
        self.check(base, Kind::Ptr, "address base")?;
        if let Some(i) = index {
            self.check(i, Kind::Int, "address index")?;
        }
        if !matches!(scale, 1 | 2 | 4 | 8) {
            return Err(BuildError::Invalid(format!(
                "scale {scale}: must be 1, 2, 4 or 8"
            )));
        }
        Ok(Address {
            base,
            index,
            scale,
            offset,
        })
    }

    fn push(&mut self, op: InstOp, result_kind: Option<Kind>) -> BuildResult<Option<Value>> {
        let cur = self.current.ok_or(BuildError::NoCurrentBlock)?;
        let index = self.blocks[(cur.0 - self.first_block) as usize].insts.len() as u32;
        let result = result_kind.map(|k| self.new_value(k, ValueDef::Inst { block: cur, index }));
        self.blocks[(cur.0 - self.first_block) as usize]
            .insts
            .push(Inst { op, result });
        Ok(result)
    }

    fn terminate(&mut self, term: Terminator) -> BuildResult<()> {
        let cur = self.current.take().ok_or(BuildError::NoCurrentBlock)?;
        self.blocks[(cur.0 - self.first_block) as usize].term = Some(term);
        Ok(())
    }
}

/// Slots from here on name a terminator's targets (in [`Terminator::targets`] order);
/// below, the instruction of that index.
const TERM_SLOT: u32 = u32::MAX - 4;

/// The target of block `b` at `slot` (see [`TERM_SLOT`]).
fn target_of(b: &PartialBlock, slot: u32) -> &Target {
    if slot >= TERM_SLOT {
        return b.term.as_ref().expect("terminated").targets()[(slot - TERM_SLOT) as usize]
            .expect("slots name targets");
    }
    match &b.insts[slot as usize].op {
        InstOp::Overflow(_, _, _, t) | InstOp::ExitIf(_, t) => t,
        _ => unreachable!("slots name jumps"),
    }
}

/// [`target_of`], to change.
fn target_mut(b: &mut PartialBlock, slot: u32) -> &mut Target {
    if slot >= TERM_SLOT {
        let [first, second] = b.term.as_mut().expect("terminated").targets_mut();
        return if slot == TERM_SLOT { first } else { second }.expect("slots name targets");
    }
    match &mut b.insts[slot as usize].op {
        InstOp::Overflow(_, _, _, t) | InstOp::ExitIf(_, t) => t,
        _ => unreachable!("slots name jumps"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int_fn() -> FunctionBuilder {
        FunctionBuilder::new("f", Sig::new(&[Kind::Int, Kind::Float], Some(Kind::Int)))
    }

    /// A private block loses the parameters it never reads, and so do the private
    /// blocks that only passed values on to them; the jumps lose those arguments.
    #[test]
    fn private_blocks_drop_unused_parameters() {
        let mut b = FunctionBuilder::new("f", Sig::new(&[Kind::Int, Kind::Int], Some(Kind::Int)));
        let p = b.params(b.entry()).to_vec();
        // side(a, b, c): returns a; c only goes on to last(c), which ignores it.
        let side = b.create_private_block(&[Kind::Int, Kind::Int, Kind::Int]);
        let last = b.create_private_block(&[Kind::Int, Kind::Int]);
        let open = b.create_block(&[Kind::Int]);
        let c = b.binary(BinOp::Lt, p[0], p[1]).unwrap();
        b.exit_if(c, side, &[p[0], p[1], p[1]]).unwrap();
        b.jump(open, &[p[1]]).unwrap();
        b.switch_to(side).unwrap();
        let sp = b.params(side).to_vec();
        b.jump(last, &[sp[0], sp[2]]).unwrap();
        b.switch_to(last).unwrap();
        let lp = b.params(last).to_vec();
        b.ret(Some(lp[0])).unwrap();
        b.switch_to(open).unwrap();
        let op = b.params(open).to_vec();
        b.ret(Some(op[0])).unwrap();
        let f = b.finish().unwrap();
        assert_eq!(f.block(side).params.len(), 1, "{f}");
        assert_eq!(f.block(last).params.len(), 1, "{f}");
        assert_eq!(
            f.block(open).params.len(),
            1,
            "a block that is not private keeps its parameters"
        );
        let entry = f.block(f.entry);
        let InstOp::ExitIf(_, t) = &entry.insts[1].op else {
            panic!("{f}")
        };
        assert_eq!(t.args, vec![p[0]], "{f}");
        for kind in [crate::BackendKind::Reference, crate::BackendKind::X86] {
            let jit = crate::new_backend(kind, None).unwrap();
            let id = jit.compile(f.clone()).unwrap();
            for v in [3u64, 9] {
                let got = unsafe { jit.call(id, &[v, 5]) };
                assert_eq!(got, if v < 5 { v } else { 5 }, "{kind:?}");
            }
        }
    }

    #[test]
    fn kind_mismatch_is_an_error() {
        let mut b = int_fn();
        let p = b.params(b.entry()).to_vec();
        let e = b.binary(BinOp::Add, p[0], p[1]).unwrap_err();
        assert!(
            matches!(
                e,
                BuildError::KindMismatch {
                    expected: Kind::Int,
                    found: Kind::Float,
                    ..
                }
            ),
            "{e}"
        );
        assert!(b.ret(Some(p[1])).is_err());
        let ptr = b.pconst(16);
        assert!(b.load(MemType::I64, p[0], 0).is_err(), "int as address");
        assert!(
            b.store(MemType::F64, ptr, 0, p[0]).is_err(),
            "int stored as f64"
        );
    }

    #[test]
    fn values_are_local_to_their_block() {
        let mut b = int_fn();
        let p = b.params(b.entry()).to_vec();
        let next = b.create_block(&[Kind::Int]);
        b.jump(next, &[p[0]]).unwrap();
        b.switch_to(next).unwrap();
        let e = b.binary(BinOp::Add, p[0], p[0]).unwrap_err();
        assert!(matches!(e, BuildError::UndefinedValue(_)), "{e}");
        assert!(e.to_string().contains("pass it as a block argument"));
        let bogus = Value(999);
        assert!(matches!(
            b.ret(Some(bogus)),
            Err(BuildError::UndefinedValue(_))
        ));
    }

    #[test]
    fn jumps_are_checked() {
        let mut b = int_fn();
        let p = b.params(b.entry()).to_vec();
        let two = b.create_block(&[Kind::Int, Kind::Int]);
        assert!(matches!(
            b.jump(two, &[p[0]]),
            Err(BuildError::ArgumentMismatch(_))
        ));
        assert!(matches!(
            b.jump(two, &[p[0], p[1]]),
            Err(BuildError::KindMismatch { .. })
        ));
        assert!(matches!(
            b.jump(Block(77), &[]),
            Err(BuildError::UnknownBlock(_))
        ));
        assert!(
            b.jump(b.entry(), &[p[0], p[1]]).is_err(),
            "entry is not a target"
        );
        b.jump(two, &[p[0], p[0]]).unwrap();
        assert_eq!(b.ret(Some(p[0])).unwrap_err(), BuildError::NoCurrentBlock);
        assert!(b.switch_to(b.entry()).is_err(), "terminated");
    }

    #[test]
    fn unterminated_blocks_and_bad_calls_are_errors() {
        let mut b = int_fn();
        let p = b.params(b.entry()).to_vec();
        let _dangling = b.create_block(&[]);
        let h = Helper::new("h", 0x1000, Sig::new(&[Kind::Int], Some(Kind::Int)));
        assert!(matches!(
            b.call(&h, &[]),
            Err(BuildError::ArgumentMismatch(_))
        ));
        assert!(b
            .call(&Helper::new("null", 0, Sig::new(&[], None)), &[])
            .is_err());
        let many = Sig::new(&[Kind::Int; MAX_ARGS + 1], None);
        let args = vec![p[0]; MAX_ARGS + 1];
        assert!(b.call(&Helper::new("many", 0x1000, many), &args).is_err());
        let base = b.pconst(8);
        assert!(
            b.load_indexed(MemType::I8, base, p[0], 3, 0).is_err(),
            "scale 3"
        );
        assert!(
            b.flexswitch(p[1], &[], Block(1), &[]).is_err(),
            "float switch"
        );
        b.ret(Some(p[0])).unwrap();
        assert!(matches!(
            b.finish(),
            Err(BuildError::Unterminated(Block(1)))
        ));
    }
}
