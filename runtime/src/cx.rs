//! The compilation context: the function being built, the frame pointer of the block
//! being emitted, and the budget of one compilation unit.
//!
//! **Invariant:** `frame` is a value of the current block (every block the driver
//! creates receives the frame pointer as its first parameter), so exits can be emitted
//! anywhere.
//!
//! **Virtual vectors.** A small vector made while compiling, of a length known then, is
//! not allocated: it is a [`Word::Virtual`] naming an entry of `heap`, whose elements are
//! words of the path (constants or values of the current block). Reads and writes at
//! constant indexes, `len`, `push` and `pop` work on those words, so they cost no code.
//! The vector is allocated (*forced*) only where it escapes: an index known only at run
//! time, a residual call that takes it by value or `&mut`, a return, a panic message, or
//! growing past [`MAX_VIRTUAL_LEN`]. A residual call that takes it by `&` gets a copy in
//! one of the frame's lent vectors, and it stays virtual; so does a slice of it at
//! constant bounds ([`Virtual::Slice`]). **Invariant:** `heap` belongs to the path being compiled; the
//! driver rebuilds it from block parameters each time it enters a block.

use crate::jit::{Jit, Status};
use crate::ops::Elem;
use crate::word::{Red, Stop, Word};
use backend::{BinOp, Block, FunctionBuilder, Helper, Kind, MemType, Value};

/// The longest vector kept virtual; a longer one is allocated.
pub const MAX_VIRTUAL_LEN: usize = 32;
const _: () = assert!(MAX_VIRTUAL_LEN <= crate::frame::LENT_WORDS);

/// An entry of the path's heap of vectors known while compiling.
#[derive(Clone, Debug, PartialEq)]
pub enum Virtual {
    /// Not allocated: its element type and elements (`elem.width()` words each).
    Vec { elem: Elem, items: Vec<Word> },
    /// Allocated by compiled code with a length known while compiling, which nothing
    /// has changed since: `ptr` is the vector, `data` its elements. Indexing checks
    /// against the constant length and addresses `data` directly.
    Sized {
        elem: Elem,
        len: usize,
        ptr: Word,
        data: Word,
    },
    /// A struct not allocated: the words of its fields in declaration order, of kinds
    /// `kinds`. Every path to it shares it (a field written through one is read through
    /// the others), as the interpreter's `&mut` do.
    Struct {
        kinds: &'static [Kind],
        fields: Vec<Word>,
    },
    /// The elements of a slice of a virtual vector (the slice's pointer word; its length
    /// word is a constant). A copy: nothing changes a vector while a slice borrows it.
    /// Forcing allocates a vector of them and stands for its elements' address.
    Slice { elem: Elem, items: Vec<Word> },
    /// Allocated, length unknown (or a struct allocated): the pointer word that stands
    /// for it from now on.
    Forced(Word),
}

impl Virtual {
    /// The words of the entry that vary at run time (elements, or pointers).
    pub(crate) fn words(&self) -> Vec<Word> {
        match self {
            Virtual::Vec { items, .. } | Virtual::Slice { items, .. } => items.clone(),
            Virtual::Struct { fields, .. } => fields.clone(),
            Virtual::Sized { ptr, data, .. } => vec![*ptr, *data],
            Virtual::Forced(p) => vec![*p],
        }
    }

    /// How many words [`Virtual::words`] gives.
    pub(crate) fn word_count(&self) -> usize {
        match self {
            Virtual::Vec { items, .. } | Virtual::Slice { items, .. } => items.len(),
            Virtual::Struct { fields, .. } => fields.len(),
            Virtual::Sized { .. } => 2,
            Virtual::Forced(_) => 1,
        }
    }

    /// The entry with its words replaced, in [`Virtual::words`] order.
    pub(crate) fn with_words(&self, words: &mut dyn Iterator<Item = Word>) -> Virtual {
        let mut next = |w: &Word| words.next().unwrap_or(*w);
        match self {
            Virtual::Vec { elem, items } => Virtual::Vec {
                elem: *elem,
                items: items.iter().map(&mut next).collect(),
            },
            Virtual::Slice { elem, items } => Virtual::Slice {
                elem: *elem,
                items: items.iter().map(&mut next).collect(),
            },
            Virtual::Struct { kinds, fields } => Virtual::Struct {
                kinds,
                fields: fields.iter().map(&mut next).collect(),
            },
            Virtual::Sized {
                elem,
                len,
                ptr,
                data,
            } => Virtual::Sized {
                elem: *elem,
                len: *len,
                ptr: next(ptr),
                data: next(data),
            },
            Virtual::Forced(p) => Virtual::Forced(next(p)),
        }
    }

    /// What a block's parameters depend on: the kind of entry, element type, length.
    pub(crate) fn shape(&self, key: &mut Vec<u64>) {
        match self {
            Virtual::Vec { elem, items } => key.extend([0, elem.code(), items.len() as u64]),
            Virtual::Sized { elem, len, .. } => key.extend([1, elem.code(), *len as u64]),
            Virtual::Forced(_) => key.push(2),
            Virtual::Struct { kinds, .. } => key.extend([3, Elem::Words(kinds).code()]),
            Virtual::Slice { elem, items } => key.extend([4, elem.code(), items.len() as u64]),
        }
        // Where it holds other virtual vectors or structs (numbered as a frozen state
        // numbers them), since those are not among a block's parameters.
        for (i, w) in self.words().iter().enumerate() {
            if let Word::Virtual(k) = w {
                key.extend([i as u64, *k as u64]);
            }
        }
        key.push(u64::MAX);
    }
}

pub struct Cx<'j> {
    pub b: FunctionBuilder,
    pub frame: Value,
    pub jit: &'j Jit,
    /// The virtual vectors of the path being compiled, by [`Word::Virtual`] number.
    pub heap: Vec<Virtual>,
    /// The promotion switches made so far (their site numbers in the JIT).
    pub(crate) sites: Vec<u64>,
    /// The shared exit blocks, by status and word kinds (see `exit_block`).
    exits: backend::FastMap<(i64, Vec<Kind>), Block>,
    // What the block being emitted knows of its values; emptied when a block is entered
    // (see `Cx::forget_block`). A value is local to its block, so an entry could not
    // match elsewhere anyway.
    /// What compiled code last loaded from or stored to an element, by (elements
    /// pointer, index): a later read of it reuses the word. Emptied by calls, and by a
    /// store of any other element.
    pub(crate) memory: backend::FastMap<(Value, Word), Word>,
    /// Results of integer operations by operation, type and operand words (see
    /// `Cx::int`).
    pub(crate) pure: backend::FastMap<(crate::green::IntOp, crate::word::IntTy, Word, Word), Red>,
    /// Comparisons with a constant: result -> (comparison, operand, constant). A split
    /// on one teaches the path a fact (see `Cx::learn`).
    pub(crate) tests: backend::FastMap<Value, (BinOp, Value, u64)>,
    /// Lower bounds (`x >=u low`, unsigned).
    pub(crate) lows: backend::FastMap<Value, u64>,
    /// Upper bounds (`x <u bound`, unsigned): from index checks made, splits on
    /// comparisons, and arithmetic on bounded values.
    pub(crate) bounds: backend::FastMap<Value, u64>,
    emitted: usize,
    max_ops: usize,
    /// Whether the unit may exit to the plain interpreter (see `driver::Limits`); the
    /// entry points it makes carry it on to the units compiled from them.
    pub(crate) interp_exits: bool,
    /// What the path may have allocated in the frame since it left a merge block (made a
    /// vector or a struct, or called a residual helper that takes or gives one): when it
    /// has, its jumps to merge blocks check for a due sweep.
    pub(crate) allocated: Allocated,
    /// The block that sweeps the frame before entering a merge block, by merge block
    /// (see `driver::jump_to_merge`).
    pub(crate) sweeps: backend::FastMap<Block, Block>,
}

/// What a path allocated since it left a merge block (see [`Cx::allocated`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Allocated {
    /// The path has not entered a merge block since its unit's start: whatever it
    /// allocates, it allocates once per run of the unit, and the frame frees it when the
    /// portal call returns; only a loop can allocate without bound.
    Once,
    /// Nothing since its last merge block.
    Nothing,
    /// Maybe something.
    Maybe,
}

impl<'j> Cx<'j> {
    /// The path allocates in the frame here.
    pub(crate) fn allocating(&mut self) {
        if self.allocated == Allocated::Nothing {
            self.allocated = Allocated::Maybe;
        }
    }

    pub(crate) fn new(b: FunctionBuilder, frame: Value, jit: &'j Jit, max_ops: usize) -> Self {
        Cx {
            b,
            frame,
            jit,
            heap: Vec::new(),
            sites: Vec::new(),
            exits: Default::default(),
            memory: Default::default(),
            pure: Default::default(),
            tests: Default::default(),
            lows: Default::default(),
            bounds: Default::default(),
            emitted: 0,
            max_ops,
            interp_exits: false,
            allocated: Allocated::Once,
            sweeps: Default::default(),
        }
    }

    pub fn emitted(&self) -> usize {
        self.emitted
    }

    /// Count one emitted operation against the unit's budget.
    pub(crate) fn tick(&mut self) -> Result<(), Stop> {
        self.emitted += 1;
        if self.emitted > self.max_ops {
            return Err(Stop::fail(format!(
                "more than {} operations in one unit (twice --jit-max-ops, within one block)",
                self.max_ops
            )));
        }
        Ok(())
    }

    /// Forget what the previous block knew of its values (a new block is entered).
    pub(crate) fn forget_block(&mut self) {
        reset(&mut self.memory);
        reset(&mut self.pure);
        reset(&mut self.tests);
        reset(&mut self.lows);
        reset(&mut self.bounds);
    }

    /// The path goes on knowing that the comparison `v` gave `truth`: record what that
    /// says of its operand (bounds, of which an index check is one).
    pub(crate) fn learn(&mut self, v: Value, truth: bool) {
        let Some((op, x, c)) = self.tests.get(&v).copied() else {
            return;
        };
        match (op, truth) {
            (BinOp::Eq, false) | (BinOp::Ne, true) if c == 0 => self.low(x, 1),
            (BinOp::Eq, true) | (BinOp::Ne, false) => {
                self.low(x, c);
                if c < u64::MAX {
                    self.bound(x, c + 1);
                }
            }
            (BinOp::Uge, false) | (BinOp::Ult, true) => self.bound(x, c),
            (BinOp::Uge, true) | (BinOp::Ult, false) => self.low(x, c),
            (BinOp::Ugt, false) | (BinOp::Ule, true) if c < u64::MAX => self.bound(x, c + 1),
            (BinOp::Ugt, true) | (BinOp::Ule, false) if c < u64::MAX => self.low(x, c + 1),
            _ => {}
        }
    }

    /// Record `x >=u low`.
    pub(crate) fn low(&mut self, x: Value, low: u64) {
        let l = self.lows.entry(x).or_insert(low);
        *l = (*l).max(low);
    }

    /// The known lower bound of `x` (0 when none).
    pub(crate) fn low_of(&self, x: Value) -> u64 {
        self.lows.get(&x).copied().unwrap_or(0)
    }

    /// What the bounds of `x` decide of the unsigned comparison `op(x, c)`, if anything.
    pub(crate) fn decide(&self, op: BinOp, x: Value, c: u64) -> Option<bool> {
        let low = self.low_of(x);
        // `x < high` when a bound is known.
        let high = self.bounds.get(&x).copied();
        let below = |k: u64| high.is_some_and(|h| h <= k);
        match op {
            BinOp::Eq | BinOp::Ne => {
                let differ = low > c || below(c);
                differ.then_some(op == BinOp::Ne)
            }
            BinOp::Ult => (low >= c).then_some(false).or(below(c).then_some(true)),
            BinOp::Uge => (low >= c).then_some(true).or(below(c).then_some(false)),
            BinOp::Ule => (c < u64::MAX && below(c + 1))
                .then_some(true)
                .or((low > c).then_some(false)),
            BinOp::Ugt => (low > c)
                .then_some(true)
                .or((c < u64::MAX && below(c + 1)).then_some(false)),
            _ => None,
        }
    }

    /// Record `x <u bound`.
    pub(crate) fn bound(&mut self, x: Value, bound: u64) {
        let b = self.bounds.entry(x).or_insert(bound);
        *b = (*b).min(bound);
    }

    /// Whether `x <u bound` is known.
    pub(crate) fn below(&self, x: Value, bound: u64) -> bool {
        self.bounds.get(&x).is_some_and(|b| *b <= bound)
    }

    /// The backend value of a word (a constant is materialised, a virtual vector
    /// allocated).
    pub fn val(&mut self, w: Word) -> Result<Value, Stop> {
        Ok(match self.concrete(w)? {
            Word::Var(v, _) => v,
            Word::Const(c, Kind::Int) => self.b.iconst(c as i64),
            Word::Const(c, Kind::Ptr) => self.b.pconst(c as usize),
            Word::Const(c, Kind::Float) => self.b.fconst(f64::from_bits(c)),
            Word::Virtual(_) => unreachable!("concrete() forces virtual vectors"),
        })
    }

    /// What `w` stands for now: a forced vector's pointer for a vector forced earlier.
    pub fn resolve(&self, w: Word) -> Word {
        match w {
            Word::Virtual(n) => match self.heap.get(n as usize) {
                Some(Virtual::Forced(p)) => *p,
                _ => w,
            },
            _ => w,
        }
    }

    /// The elements of `w` when it is a virtual vector (not forced).
    pub fn virtual_vec(&self, w: Word) -> Option<(Elem, &[Word])> {
        match self.resolve(w) {
            Word::Virtual(n) => match self.heap.get(n as usize) {
                Some(Virtual::Vec { elem, items }) => Some((*elem, items)),
                _ => None,
            },
            _ => None,
        }
    }

    /// A new virtual vector.
    pub(crate) fn new_virtual(&mut self, elem: Elem, items: Vec<Word>) -> Word {
        self.heap.push(Virtual::Vec { elem, items });
        Word::Virtual(self.heap.len() as u32 - 1)
    }

    /// A vector allocated by compiled code with the known length `len`.
    pub(crate) fn new_sized(&mut self, elem: Elem, len: usize, ptr: Word, data: Word) -> Word {
        self.heap.push(Virtual::Sized {
            elem,
            len,
            ptr,
            data,
        });
        Word::Virtual(self.heap.len() as u32 - 1)
    }

    /// The length and data pointer of `w` when it is a vector of known length.
    pub(crate) fn sized_vec(&self, w: Word) -> Option<(usize, Word)> {
        match self.resolve(w) {
            Word::Virtual(n) => match self.heap.get(n as usize) {
                Some(Virtual::Sized { len, data, .. }) => Some((*len, *data)),
                _ => None,
            },
            _ => None,
        }
    }

    /// `w`, with a virtual vector or struct allocated (forced) first (what it holds
    /// first). A vector of known length
    /// escapes here (whatever receives it may change its length), so it is known by its
    /// pointer only from now on.
    pub fn concrete(&mut self, w: Word) -> Result<Word, Stop> {
        let w = self.resolve(w);
        let Word::Virtual(n) = w else { return Ok(w) };
        let p = match self.heap.get(n as usize) {
            Some(Virtual::Vec { elem, items }) => {
                let (elem, items) = (*elem, items.clone());
                self.alloc_vec(elem, &items)?
            }
            Some(Virtual::Sized { ptr, .. }) => *ptr,
            Some(Virtual::Slice { elem, items }) => {
                let (elem, items) = (*elem, items.clone());
                let v = self.alloc_vec(elem, &items)?;
                let pv = self.val(v)?;
                Word::Var(self.load(MemType::Ptr, pv, 0)?, Kind::Ptr)
            }
            Some(Virtual::Struct { kinds, fields }) => {
                let (kinds, fields) = (*kinds, fields.clone());
                self.alloc_struct(kinds, &fields)?
            }
            _ => return Err(Stop::fail("a virtual vector that does not exist")),
        };
        self.heap[n as usize] = Virtual::Forced(p);
        Ok(p)
    }

    /// `words` with every virtual vector among them forced.
    pub fn concrete_words(&mut self, words: &[Word]) -> Result<Red, Stop> {
        words.iter().map(|w| self.concrete(*w)).collect()
    }

    pub(crate) fn bin(&mut self, op: BinOp, a: Value, b: Value) -> Result<Value, Stop> {
        self.tick()?;
        Ok(self.b.binary(op, a, b)?)
    }

    pub(crate) fn bin_i(&mut self, op: BinOp, a: Value, c: i64) -> Result<Value, Stop> {
        let c = self.b.iconst(c);
        self.bin(op, a, c)
    }

    pub(crate) fn call(&mut self, h: &Helper, args: &[Value]) -> Result<Option<Value>, Stop> {
        self.tick()?;
        self.memory.clear();
        Ok(self.b.call(h, args)?)
    }

    pub(crate) fn load(&mut self, ty: MemType, base: Value, off: i32) -> Result<Value, Stop> {
        self.tick()?;
        Ok(self.b.load(ty, base, off)?)
    }

    /// A block that exits compiled code with `status` and `words` written to the
    /// frame's `out`; returns it and the arguments to jump there with. One block per
    /// status and word kinds serves every exit of a function: the words, constants
    /// included, are its arguments, so exits cost a jump each and little code.
    fn exit_block(&mut self, status: Status, words: &[Word]) -> Result<(Block, Vec<Value>), Stop> {
        if words.len() > crate::frame::FRAME_WORDS {
            return Err(Stop::fail("value too large for the JIT frame"));
        }
        let words = self.concrete_words(words)?;
        let mut args = vec![self.frame];
        for w in &words {
            args.push(self.val(*w)?);
        }
        let kinds: Vec<Kind> = words.iter().map(|w| w.kind()).collect();
        let key = (status as i64, kinds);
        if let Some(b) = self.exits.get(&key) {
            return Ok((*b, args));
        }
        let here = self
            .b
            .current_block()
            .ok_or_else(|| Stop::fail("no current block"))?;
        let mut pk = vec![Kind::Ptr];
        pk.extend(&key.1);
        let blk = self.b.create_block(&pk);
        self.b.switch_to(blk)?;
        let params = self.b.params(blk).to_vec();
        let inner: Vec<Word> = params[1..]
            .iter()
            .zip(&key.1)
            .map(|(v, k)| Word::Var(*v, *k))
            .collect();
        let saved = std::mem::replace(&mut self.frame, params[0]);
        self.exit_here(status, &inner)?;
        self.frame = saved;
        self.b.switch_to(here)?;
        self.exits.insert(key, blk);
        Ok((blk, args))
    }

    /// End the current block with a jump to the exit for `status` and `words`.
    pub fn exit_jump(&mut self, status: Status, words: &[Word]) -> Result<(), Stop> {
        let (blk, args) = self.exit_block(status, words)?;
        self.tick()?;
        self.b.jump(blk, &args)?;
        Ok(())
    }

    /// End the current block: write `words` (at most `FRAME_WORDS`) to `out` and return
    /// `status`.
    fn exit_here(&mut self, status: Status, words: &[Word]) -> Result<(), Stop> {
        for (i, w) in words.iter().enumerate() {
            let v = self.val(*w)?;
            self.tick()?;
            self.b
                .store(word_mem(w.kind()), self.frame, 8 * i as i32, v)?;
        }
        let s = self.b.iconst(status as i64);
        self.b.ret(Some(s))?;
        Ok(())
    }

    /// The words of a panic: the number of `template`, then `args` for its `{}` holes.
    fn panic_words(&self, template: &str, args: &[Word]) -> Vec<Word> {
        let mut words = vec![Word::int(self.jit.message(template) as i64)];
        words.extend_from_slice(args);
        words
    }

    /// End the current block with a panic: `template` with `{}` holes filled by `args`.
    pub fn exit_panic(&mut self, template: &str, args: &[Word]) -> Result<(), Stop> {
        let words = self.panic_words(template, args);
        self.exit_jump(Status::Panic, &words)
    }

    /// When `cond` is nonzero, exit with `status` and `words` written to `out`.
    pub fn exit_if(&mut self, cond: Value, status: Status, words: &[Word]) -> Result<(), Stop> {
        let (blk, jargs) = self.exit_block(status, words)?;
        self.tick()?;
        self.b.exit_if(cond, blk, &jargs)?;
        Ok(())
    }

    /// When `cond` is nonzero, exit with the panic `template` (holes filled by `args`).
    pub fn panic_if(&mut self, cond: Value, template: &str, args: &[Word]) -> Result<(), Stop> {
        let words = self.panic_words(template, args);
        self.exit_if(cond, Status::Panic, &words)
    }

    /// A block that panics with `template` (no holes), for overflow side exits.
    pub fn panic_block(&mut self, template: &str) -> Result<(Block, Vec<Value>), Stop> {
        let words = self.panic_words(template, &[]);
        self.exit_block(Status::Panic, &words)
    }

    /// After a helper that returns nonzero when a panic was caught into the frame: exit
    /// with that panic.
    pub fn propagate_if(&mut self, status: Value) -> Result<(), Stop> {
        self.exit_if(status, Status::ResidualPanic, &[])
    }

    /// Call a residual helper `h(frame, args...) -> status` that writes its result's
    /// words to the frame's `out`; returns those words (of `kinds`).
    pub fn residual_call(
        &mut self,
        h: &Helper,
        args: &[Word],
        kinds: &[Kind],
    ) -> Result<Red, Stop> {
        self.residual_call_lending(h, args, kinds, &[])
    }

    /// [`Self::residual_call`], where the words at positions `lent` are vectors (or a
    /// slice's pointer word) that the callee takes by `&`: a virtual one is written to
    /// one of the frame's lent vectors for the call and stays virtual (a shared borrow
    /// can neither change it nor keep it past the call).
    pub fn residual_call_lending(
        &mut self,
        h: &Helper,
        args: &[Word],
        kinds: &[Kind],
        lent: &[usize],
    ) -> Result<Red, Stop> {
        if kinds.len() > crate::frame::FRAME_WORDS {
            return Err(Stop::fail("result too large for the JIT frame"));
        }
        let mut vals = vec![self.frame];
        let mut slot = 0;
        for (i, a) in args.iter().enumerate() {
            if lent.contains(&i) && slot < crate::frame::LENT_VECS {
                if let Some(v) = self.lend(slot, *a)? {
                    slot += 1;
                    vals.push(v);
                    continue;
                }
            }
            vals.push(self.val(*a)?);
        }
        // Only a result or an argument holding a pointer can leave a new vector or
        // struct in the frame (a result's encoding, a vector written back).
        let ptr = |k: &Kind| *k == Kind::Ptr;
        if kinds.iter().any(ptr) || args.iter().any(|a| ptr(&a.kind())) {
            self.allocating();
        }
        let status = self
            .call(h, &vals)?
            .ok_or_else(|| Stop::fail("helper returns nothing"))?;
        self.propagate_if(status)?;
        let mut out = Red::with_capacity(kinds.len());
        for (i, k) in kinds.iter().enumerate() {
            let v = self.load(word_mem(*k), self.frame, 8 * i as i32)?;
            out.push(Word::Var(v, *k));
        }
        Ok(out)
    }
}

impl<'j> Cx<'j> {
    /// Write the virtual vector or slice `w` into the frame's lent vector `slot`: the
    /// header's address for a vector, its elements' for a slice; `None` (nothing
    /// written) for anything else.
    fn lend(&mut self, slot: usize, w: Word) -> Result<Option<Value>, Stop> {
        let Word::Virtual(n) = self.resolve(w) else {
            return Ok(None);
        };
        let (elem, items, is_slice) = match self.heap.get(n as usize) {
            Some(Virtual::Vec { elem, items }) => (*elem, items.clone(), false),
            Some(Virtual::Slice { elem, items }) => (*elem, items.clone(), true),
            _ => return Ok(None),
        };
        let width = elem.width();
        let len = items.len() / width;
        if len * elem.size() > 8 * crate::frame::LENT_WORDS {
            return Ok(None);
        }
        let (head, data) = crate::frame::Frame::lent_offsets(slot);
        let fr = self.frame;
        for (k, x) in items.iter().enumerate() {
            let (mt, off) = elem.mem(k % width);
            let xv = self.val(*x)?;
            self.tick()?;
            self.b
                .store(mt, fr, (data + (k / width) * elem.size()) as i32 + off, xv)?;
        }
        let off = self.b.iconst(data as i64);
        let dp = self.bin(BinOp::PtrAdd, fr, off)?;
        if is_slice {
            return Ok(Some(dp));
        }
        let fields = [
            (0, dp),
            (8, self.b.iconst(len as i64)),
            (16, self.b.iconst(len as i64)),
            (24, self.b.iconst(elem.size() as i64)),
        ];
        for (at, v) in fields {
            self.tick()?;
            let mt = if at == 0 { MemType::Ptr } else { MemType::I64 };
            self.b.store(mt, fr, (head + at) as i32, v)?;
        }
        let off = self.b.iconst(head as i64);
        Ok(Some(self.bin(BinOp::PtrAdd, fr, off)?))
    }
}

/// How a word of kind `k` is stored in the frame's `out`.
pub fn word_mem(k: Kind) -> MemType {
    match k {
        Kind::Int => MemType::I64,
        Kind::Ptr => MemType::Ptr,
        Kind::Float => MemType::F64,
    }
}

/// Empty a block table. Clearing costs time in proportion to the table's capacity, so a
/// table a long block made large is dropped instead: blocks are many and mostly short.
fn reset<K, V>(m: &mut backend::FastMap<K, V>) {
    if m.capacity() > 256 {
        *m = Default::default();
    } else {
        m.clear();
    }
}
