//! The JIT of a translated binary: its options, its backend, the compiled units by green
//! key, and the calls into compiled code.
//!
//! **Invariant:** a unit is compiled at most once per (portal, green key); a unit that
//! failed is remembered as failed, so the portal interprets that key from then on without
//! trying again, and the JIT log says why once.
//!
//! A unit can end a path with an exit to another unit ([`Status::Continue`]): where it
//! reached a limit, or at a promotion switch that is full or could not compile a case.
//! [`Jit::run_chain`] is the trampoline that runs units until one returns; the next unit
//! is compiled on the first exit to it and found in a table after that. Promotion
//! switches grow in place instead ([`promote_case`]). **Invariant:** an entry point is one
//! (portal, state key) pair, so a state reached again from any unit reuses the same
//! compiled continuations.
//!
//! **Fallback engine.** Compiled code may be in the middle of a portal call when its
//! backend cannot take another unit (its code space is full). The continuation is then
//! compiled for the reference backend, which interprets the same IR without a space
//! limit, and so are all later continuations: the run goes on, slower, with the same
//! results. A portal call that starts after that interprets its keys not compiled yet.

use crate::driver::{self, Cut, Extension, Frozen, Limits};
use crate::frame::Frame;
use crate::word::{GreenKey, Word};
use backend::{Backend, BackendKind, FuncId, SwitchId};
use std::any::Any;
use std::cell::RefCell;
use std::cell::{Cell, OnceCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

/// How compiled code ended (its return value).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(i64)]
pub enum Status {
    /// The portal returned; `out` holds the result's words.
    Return = 0,
    /// A panic: `out[0]` is the message number, `out[1..]` its arguments.
    Panic = 1,
    /// A residual call panicked; the payload is in the frame.
    ResidualPanic = 2,
    /// Go on in another unit: `out[0]` is the entry point, `out[1]` the promoted value
    /// (or 0), `out[2..]` the red words of its state.
    Continue = 3,
    /// Go on in the plain interpreter at its merge point: `out[0]` is the entry point
    /// of the state (see [`Jit::interp_state`]), `out[2..]` its red words, every
    /// virtual value among them allocated.
    Interp = 4,
}

impl Status {
    fn from_code(code: u64) -> Status {
        match code {
            0 => Status::Return,
            1 => Status::Panic,
            2 => Status::ResidualPanic,
            3 => Status::Continue,
            _ => Status::Interp,
        }
    }
}

/// The JIT's command-line options.
#[derive(Clone, Debug)]
pub struct Options {
    pub enabled: bool,
    pub backend: BackendKind,
    pub log: Option<PathBuf>,
    pub max_states: usize,
    pub max_ops: usize,
    /// Cases per promotion switch; later values go the generic way (see
    /// [`Jit::run_chain`]).
    pub max_cases: usize,
    /// Bytes of machine code the backend may emit; past them, units are run by the
    /// fallback engine (see the module documentation).
    pub code_space: usize,
    /// Compile side exits when first taken (else every path with its unit, the default:
    /// on the brainfuck benchmarks, compiling thousands of fragments costs more than
    /// compiling every path at once, and their code runs slower).
    pub lazy_exits: bool,
    /// Merge states compiled in line by another path that a path goes on through in
    /// line after making a block (see `driver::run_path`).
    pub run_on: usize,
    /// Passes of the plain interpreter through a merge point with one green key (or
    /// calls of the portal with one) before that key is compiled.
    pub threshold: u32,
    /// Bytes of red vectors and structs a frame allocates before compiled code frees
    /// those it no longer reaches (see [`crate::frame::sweep`]).
    pub sweep_at: usize,
    /// The compilation (counted from 0) made to panic, to check that a panic inside
    /// the compiler only leaves its unit uncompiled (`--jit-test-panic`).
    pub test_panic: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            enabled: true,
            backend: BackendKind::X86,
            log: None,
            max_states: 100_000,
            max_ops: 2_000_000,
            max_cases: 16,
            code_space: backend::DEFAULT_CODE_SPACE,
            lazy_exits: false,
            run_on: DEFAULT_RUN_ON,
            threshold: DEFAULT_THRESHOLD,
            sweep_at: crate::frame::sweep::DEFAULT_SWEEP_AT,
            test_panic: None,
        }
    }
}

/// Shapes of unpacked values a merge key may have units for (see [`Jit::merge_unit`]).
const MAX_SHAPES: u32 = 4;

/// The default of `--jit-run-on`.
pub const DEFAULT_RUN_ON: usize = 16;

/// The default of `--jit-threshold`.
pub const DEFAULT_THRESHOLD: u32 = crate::hot::DEFAULT_THRESHOLD;

pub const USAGE: &str = "JIT options (before the program's own arguments):
  --no-jit                 run the plain interpreter
  --backend x86|reference  the code generator (default x86)
  --jit-log FILE           log the compiled machine code to FILE (read it with viewcode);
                           without it, the file the environment variable NAMEJITLOG
                           names (NAME: the interpreter's crate, e.g. PYRSJITLOG)
  --jit-threshold N        passes of the interpreter through a loop (or calls of a
                           function) before it is compiled (default 1000)
  --jit-max-states N       merge states per compiled unit; more go to other units (default 100000)
  --jit-max-ops N          operations per compiled unit; more go to other units (default 2000000)
  --jit-max-cases N        cases per promotion switch; more values go through a table (default 16)
  --jit-lazy-exits         compile the paths of side exits when first taken, not with
                           their unit
  --jit-run-on N           merge states a path compiled after a join goes on through
                           in line before it makes blocks for them (default 16)
  --jit-code-space N[K|M]  bytes of machine code; when they are used up, later code is
                           interpreted by the reference backend (default 64M)
  --jit-sweep-at N[K|M]    bytes of vectors a compiled loop allocates before it frees
                           those it no longer reaches (default 2M; 1 sweeps at every
                           turn that allocated)
  --jit-test-panic N       (for tests) make the compilation numbered N (from 0) panic,
                           to check that the run goes on without that unit";

impl Options {
    /// Read the JIT's options from the front of `args` (after the program name); returns
    /// them and the arguments left for the program.
    pub fn parse(args: &[String]) -> Result<(Options, Vec<String>), String> {
        let mut o = Options::default();
        let mut i = 0;
        let value = |i: usize, name: &str| -> Result<String, String> {
            args.get(i + 1)
                .cloned()
                .ok_or_else(|| format!("`{name}` needs a value\n{USAGE}"))
        };
        let number = |s: String, name: &str| -> Result<usize, String> {
            s.parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("`{name}` needs a positive number, found `{s}`"))
        };
        // A number of bytes, with an optional K or M; at most 2048M.
        let bytes = |v: String, name: &str| -> Result<usize, String> {
            let (digits, unit) = match v.as_bytes().last() {
                Some(b'K' | b'k') => (&v[..v.len() - 1], 1 << 10),
                Some(b'M' | b'm') => (&v[..v.len() - 1], 1 << 20),
                _ => (&v[..], 1),
            };
            number(digits.to_string(), name)?
                .checked_mul(unit)
                .filter(|n| *n <= MAX_CODE_SPACE)
                .ok_or_else(|| format!("`{name} {v}` is too large: at most 2048M"))
        };
        while i < args.len() {
            match args[i].as_str() {
                "--no-jit" => o.enabled = false,
                "--jit-lazy-exits" => o.lazy_exits = true,
                "--backend" => {
                    o.backend = value(i, "--backend")?.parse()?;
                    i += 1;
                }
                "--jit-log" => {
                    o.log = Some(PathBuf::from(value(i, "--jit-log")?));
                    i += 1;
                }
                "--jit-threshold" => {
                    let n = number(value(i, "--jit-threshold")?, "--jit-threshold")?;
                    o.threshold = u32::try_from(n).unwrap_or(u32::MAX);
                    i += 1;
                }
                "--jit-max-states" => {
                    o.max_states = number(value(i, "--jit-max-states")?, "--jit-max-states")?;
                    i += 1;
                }
                "--jit-max-ops" => {
                    o.max_ops = number(value(i, "--jit-max-ops")?, "--jit-max-ops")?;
                    i += 1;
                }
                "--jit-run-on" => {
                    let v = value(i, "--jit-run-on")?;
                    o.run_on = v
                        .parse::<usize>()
                        .map_err(|_| format!("`--jit-run-on` needs a number, found `{v}`"))?;
                    i += 1;
                }
                "--jit-max-cases" => {
                    o.max_cases = number(value(i, "--jit-max-cases")?, "--jit-max-cases")?;
                    i += 1;
                }
                "--jit-code-space" => {
                    o.code_space = bytes(value(i, "--jit-code-space")?, "--jit-code-space")?;
                    i += 1;
                }
                "--jit-sweep-at" => {
                    o.sweep_at = bytes(value(i, "--jit-sweep-at")?, "--jit-sweep-at")?;
                    i += 1;
                }
                "--jit-test-panic" => {
                    let v = value(i, "--jit-test-panic")?;
                    let n = v
                        .parse::<usize>()
                        .map_err(|_| format!("`--jit-test-panic` needs a number, found `{v}`"))?;
                    o.test_panic = Some(n);
                    i += 1;
                }
                "--" => {
                    i += 1;
                    break;
                }
                _ => break,
            }
            i += 1;
        }
        Ok((o, args[i..].to_vec()))
    }
}

static OPTIONS: OnceLock<Options> = OnceLock::new();

/// Set the options of every thread's JIT (once, before the first portal call) and hand
/// the remaining arguments to the program (see `hints::args`).
pub fn configure(options: Options, program_args: Vec<String>) {
    crate::hot::set_threshold(options.threshold);
    crate::frame::sweep::set_sweep_at(options.sweep_at);
    let _ = OPTIONS.set(options);
    let _ = hints::rt::ARGS.set(program_args);
    let _ = hints::rt::JIT_USAGE.set(USAGE);
}

/// The options in force.
pub fn options() -> &'static Options {
    OPTIONS.get_or_init(Options::default)
}

/// Slots of the cache of units `unit_for` found (direct-mapped by a hash of the portal
/// and the key: a call finds its unit with one hash and one comparison).
const RECENT_UNITS: usize = 256;

/// The slot of [`Jit::recent`] for portal `p` (its name's address) and green key `key`:
/// the key's words mixed into `p` as [`GreenKey::mix`] mixes them, so a call that has
/// its greens rather than their key finds the same slot (see [`Jit::unit_for_greens`]).
fn recent_slot(p: usize, key: &[u64]) -> usize {
    recent_slot_of(key.iter().fold(p as u64, |h, w| crate::hot::mix(h, *w)))
}

/// The slot of [`Jit::recent`] for a key's hash (see [`recent_slot`]).
#[inline]
fn recent_slot_of(hash: u64) -> usize {
    (crate::hot::spread(hash) >> 32) as usize % RECENT_UNITS
}

/// The largest `--jit-code-space` (2 GiB: every rel32 jump and call inside it reaches).
pub const MAX_CODE_SPACE: usize = 2 << 30;

thread_local! {
    static JIT: Jit = Jit::new(options().clone());
}

/// Run `f` with this thread's JIT.
pub fn with<R>(f: impl FnOnce(&Jit) -> R) -> R {
    JIT.with(f)
}

/// Run `f` with the JIT that lent `frame` (this thread's JIT when none did).
///
/// # Safety
/// `frame` is a live frame of this thread.
#[inline]
pub unsafe fn with_owner<R>(frame: *const Frame, f: impl FnOnce(&Jit) -> R) -> R {
    let owner = (*frame).owner as *const Jit;
    if owner.is_null() {
        with(f)
    } else {
        // SAFETY: a JIT lends frames only to calls it runs, and outlives them.
        f(&*owner)
    }
}

/// The backends of a JIT: the one chosen by the options, and the reference backend that
/// takes over when it is full.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    Primary,
    Fallback,
}

/// A compiled unit: the engine that compiled it and its function there.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Unit {
    pub engine: Engine,
    pub func: FuncId,
    /// Its machine code's address when it can be called directly (see
    /// `Backend::native_entry`), else 0.
    pub native: usize,
    /// Where the function is entered: 0 at its start, else the case of its entry switch
    /// (an entry at one of its merge blocks; see `driver::compile_entry`).
    pub entry: u32,
}

impl Unit {
    /// The function as a whole (entered at its start): what its merge states, sites and
    /// entries are recorded under.
    pub fn function(self) -> Unit {
        Unit { entry: 0, ..self }
    }
}

/// A unit the interpreter enters at its start, which it may also enter at the merge
/// blocks of its global merge point (see `driver::compile_entry`).
struct EnteredFunction {
    unit: Unit,
    /// The switch at its start on the frame's entry case.
    switch: SwitchId,
    /// The type of its extension's states.
    state: std::any::TypeId,
}

/// Why a unit was not compiled.
#[derive(Clone, Debug)]
pub enum UnitError {
    /// Following its paths failed (the same state would fail on any backend).
    Paths(String),
    /// The backend refused the finished function (its code space is full).
    Backend(String),
}

impl std::fmt::Display for UnitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnitError::Paths(why) => f.write_str(why),
            UnitError::Backend(why) => write!(f, "backend: {why}"),
        }
    }
}

/// A unit: compiled, or failed (interpret instead).
type UnitEntry = Option<Unit>;

/// A state where compiled code exits to go on in another unit.
struct EntryPoint {
    /// The `Frozen<Extension::State>`, with the red words it had when it was first cut.
    state: Box<dyn Any>,
    why: Cut,
    /// Whether the units compiled from it may exit to the plain interpreter (they run
    /// in a chain entered from its merge point; see [`Jit::merge_unit`]).
    interp: bool,
    /// The compiled continuations, by promoted value (or 0 for a limit), looked up on
    /// every exit through the table.
    units: backend::FastMap<u64, Unit>,
}

/// A promotion switch in compiled code (see `driver::promotion_switch`).
struct Site {
    /// The unit it is in, once compiled.
    func: Option<Unit>,
    switch: SwitchId,
    /// The entry point of the state the switch promotes.
    entry: u64,
    /// Whether the log said the switch is full.
    full: bool,
    /// Whether compiling a case failed (misses go the generic way from then on).
    failed: bool,
    /// For the stub of an exit to the interpreter: the exits it took (its bridge is
    /// compiled at `--jit-threshold`). Counted here rather than in `hot`'s shared
    /// table, where keys of a crowded bucket could keep taking each other's slot.
    exits: u32,
}

pub struct Jit {
    pub options: Options,
    backend: Option<Box<dyn Backend>>,
    /// The reference backend, made when the primary one is first full.
    fallback: OnceCell<Box<dyn Backend>>,
    /// Whether the primary backend refused a unit: continuations go to the fallback.
    primary_full: Cell<bool>,
    messages: RefCell<(Vec<String>, HashMap<String, usize>)>,
    /// By portal, then green key (looked up on every portal call, without copying the key).
    units: RefCell<backend::FastMap<&'static str, backend::FastMap<Vec<u64>, UnitEntry>>>,
    /// Frames of finished portal calls, reset, for the next calls (see [`Jit::frame`]).
    frames: RefCell<Vec<Box<Frame>>>,
    /// The buffer green keys are written into (see [`Jit::unit_for`]).
    key_buf: Cell<Vec<u64>>,
    /// The units `unit_for` found, direct-mapped by portal (its name's address) and key
    /// (see [`recent_slot`]): a call whose unit is there finds it without hashing the
    /// portal's name (entries of `units` never change once made). `None` for a key
    /// that has no entry in `units` yet: its calls are counted straight away.
    recent: RefCell<Vec<Option<(usize, Vec<u64>, Option<UnitEntry>)>>>,
    /// By (address, length, type) of interned data: the addresses of the copies made
    /// of it (see [`Jit::intern`]).
    interned: RefCell<backend::FastMap<(usize, usize, std::any::TypeId), Vec<usize>>>,
    /// The copies `intern` made (address, length, type): immutable for the process's
    /// life, so interning one is itself, found without comparing contents.
    copies: RefCell<backend::FastSet<(usize, usize, std::any::TypeId)>>,
    entries: RefCell<Vec<EntryPoint>>,
    /// Units compiled so far (their names count up).
    compiled: std::cell::Cell<usize>,
    entry_ids: RefCell<HashMap<(std::any::TypeId, Cut, bool, driver::MergeKey), u64>>,
    sites: RefCell<Vec<Site>>,
    /// The merge states of each compiled unit: cases added later may jump to their
    /// blocks, and give a block to those compiled in line.
    blocks: RefCell<HashMap<Unit, driver::Merges>>,
    /// Units the interpreter enters at their start (newest last), which it may enter at
    /// their merge blocks too.
    entered: RefCell<Vec<EnteredFunction>>,
    /// Units entered from the plain interpreter's merge point, by state type and key
    /// (the merge block, then its green words).
    merge_units: RefCell<backend::FastMap<(std::any::TypeId, Vec<u64>), UnitEntry>>,
    /// The unit of each entry point of an exit to the interpreter that has one, by
    /// entry point (looked up on every such exit).
    interp_units: RefCell<Vec<Option<Unit>>>,
    /// Green hashes of hot merge keys whose unit failed to compile: the interpreter
    /// goes on there without trying again.
    failed_merges: RefCell<backend::FastSet<u64>>,
    /// How many shapes of unpacked values each hot merge key (by green hash) has units
    /// for (see [`Jit::merge_unit`]).
    shapes: RefCell<backend::FastMap<u64, u32>>,
    /// What crossed between the interpreter and compiled code (see [`Jit::finish`]).
    pub(crate) traffic: Cell<Traffic>,
    /// Whether [`Jit::summary`] was written.
    summarised: Cell<bool>,
    /// Whether the JIT log said that the plain interpreter counts a merge key under
    /// another hash than the driver computes from its state (see `merge_unit`).
    miscounted: Cell<bool>,
}

impl Drop for Jit {
    fn drop(&mut self) {
        self.summary();
    }
}

/// Counts of the crossings between the plain interpreter and compiled code.
#[derive(Copy, Clone, Debug, Default)]
pub struct Traffic {
    /// Runs of compiled code started at the interpreter's merge point.
    pub entries: u64,
    /// Exits of compiled code back to the interpreter.
    pub exits: u64,
    /// Exits to the interpreter that went on in the unit of their key instead.
    pub links: u64,
}

impl Jit {
    pub fn new(options: Options) -> Jit {
        let mut options = options;
        let backend = if options.enabled {
            let log = match &options.log {
                Some(p) => match backend::jitlog::JitLog::to_file(p) {
                    Ok(l) => Some(l),
                    Err(e) => {
                        eprintln!("warning: cannot write the JIT log {}: {e}", p.display());
                        None
                    }
                },
                None => None,
            };
            match backend::new_backend_with_code_space(options.backend, log, options.code_space) {
                Ok(b) => Some(b),
                Err(e) => {
                    eprintln!("warning: JIT disabled: {e}");
                    None
                }
            }
        } else {
            None
        };
        options.enabled = backend.is_some();
        Jit {
            options,
            backend,
            fallback: OnceCell::new(),
            primary_full: Cell::new(false),
            messages: RefCell::new((Vec::new(), HashMap::new())),
            units: RefCell::new(Default::default()),
            frames: RefCell::new(Vec::new()),
            key_buf: Cell::new(Vec::new()),
            recent: RefCell::new(vec![None; RECENT_UNITS]),
            interned: RefCell::new(Default::default()),
            merge_units: RefCell::new(Default::default()),
            interp_units: RefCell::new(Vec::new()),
            failed_merges: RefCell::new(Default::default()),
            shapes: RefCell::new(Default::default()),
            traffic: Cell::new(Traffic::default()),
            summarised: Cell::new(false),
            miscounted: Cell::new(false),
            copies: RefCell::new(Default::default()),
            entries: RefCell::new(Vec::new()),
            compiled: std::cell::Cell::new(0),
            entry_ids: RefCell::new(HashMap::new()),
            sites: RefCell::new(Vec::new()),
            blocks: RefCell::new(HashMap::new()),
            entered: RefCell::new(Vec::new()),
        }
    }

    #[inline]
    pub fn enabled(&self) -> bool {
        self.backend.is_some()
    }

    /// The primary backend (the one the JIT log belongs to).
    pub fn backend(&self) -> &dyn Backend {
        self.backend.as_deref().expect("the JIT is enabled")
    }

    /// The backend of `engine`.
    pub fn engine(&self, engine: Engine) -> &dyn Backend {
        match engine {
            Engine::Primary => self.backend(),
            Engine::Fallback => self
                .fallback
                .get_or_init(|| {
                    backend::new_backend(BackendKind::Reference, None)
                        .expect("the reference backend needs no resources")
                })
                .as_ref(),
        }
    }

    /// The number of a panic message template.
    pub fn message(&self, template: &str) -> usize {
        let mut m = self.messages.borrow_mut();
        if let Some(i) = m.1.get(template) {
            return *i;
        }
        let i = m.0.len();
        m.0.push(template.to_string());
        m.1.insert(template.to_string(), i);
        i
    }

    /// The text of the panic compiled code exited with.
    pub fn panic_message(&self, frame: &Frame) -> String {
        let m = self.messages.borrow();
        let template = m.0.get(frame.out[0] as usize).cloned().unwrap_or_default();
        let mut out = String::new();
        let mut args = frame.out[1..].iter();
        let mut parts = template.split("{}").peekable();
        while let Some(p) = parts.next() {
            out.push_str(p);
            if parts.peek().is_some() {
                out.push_str(&args.next().copied().unwrap_or(0).to_string());
            }
        }
        out
    }

    /// A process-lifetime copy of green data: equal contents at the same address give the
    /// same copy, so the copy's address can be part of a green key and compiled code can
    /// keep pointing at it. The copy is a clone (a deep copy: structs holding vectors are
    /// copied whole) that is never written or freed; data that differs from every copy
    /// made at its address is cloned into a new one. A copy is its own interned form
    /// (compiled code passes copies to recursive portal calls, and green reads borrow
    /// from them): found in constant time, so a call's green key does not cost the size
    /// of the program, and every depth of a recursion shares its units.
    pub fn intern<T: Clone + PartialEq + 'static>(&self, s: &[T]) -> &'static [T] {
        let key = (s.as_ptr() as usize, s.len(), std::any::TypeId::of::<T>());
        if self.copies.borrow().contains(&key) {
            // SAFETY: `key` names a leaked copy of `s.len()` values of `T`, never freed
            // or written.
            return unsafe { std::slice::from_raw_parts(s.as_ptr(), s.len()) };
        }
        let mut map = self.interned.borrow_mut();
        let list = map.entry(key).or_default();
        for &addr in list.iter() {
            // SAFETY: the copies listed under `key` are leaked slices of `s.len()`
            // values of `T` (the key's type), never freed or written.
            let t: &'static [T] = unsafe { std::slice::from_raw_parts(addr as *const T, s.len()) };
            if t == s {
                return t;
            }
        }
        let copy: &'static [T] = Box::leak(s.to_vec().into_boxed_slice());
        self.copies.borrow_mut().insert((
            copy.as_ptr() as usize,
            copy.len(),
            std::any::TypeId::of::<T>(),
        ));
        list.push(copy.as_ptr() as usize);
        copy
    }

    /// Green data the interpreter holds behind a `&'static` reference of a type without
    /// interior mutability (the translator checks the type): it can never change or be
    /// freed, so it is its own interned form, by address, with nothing copied or
    /// compared. Two equal such slices at different addresses are different keys.
    #[inline]
    pub fn intern_static<T: 'static>(&self, s: &'static [T]) -> &'static [T] {
        s
    }

    /// A frame for a call of compiled code: one a finished call left, or a new one. It
    /// goes back to the JIT, reset, when the guard drops, so a portal call allocates no
    /// frame in the steady state. The frame's `owner` is this JIT.
    #[inline]
    pub fn frame(&self) -> PooledFrame<'_> {
        let mut frame = self.frames.borrow_mut().pop().unwrap_or_default();
        frame.owner = self as *const Jit as *const ();
        PooledFrame {
            frame: Some(frame),
            pool: &self.frames,
        }
    }

    /// [`Self::unit_for`] for a call whose green arguments are `greens`: a unit in the
    /// `recent` table is found by comparing the greens with its key in place, so a call
    /// of a warm key writes and hashes no key.
    #[inline]
    pub fn unit_for_greens<E: Extension, K: GreenKey + ?Sized>(
        &self,
        portal: &'static str,
        greens: &K,
        start: impl FnOnce() -> E::State,
    ) -> Option<Unit> {
        self.backend.as_ref()?;
        let p = portal.as_ptr() as usize;
        let slot = recent_slot_of(greens.mix(p as u64));
        if let Some((q, k, e)) = &self.recent.borrow()[slot] {
            let mut rest = &k[..];
            if *q == p && greens.matches(&mut rest) && rest.is_empty() {
                if let Some(e) = e {
                    return *e;
                }
            }
        }
        self.unit_for::<E>(portal, |key| greens.key(key), start)
    }

    /// A recursive call of `portal` from compiled code running in frame `caller`, with
    /// its green arguments `greens` and its red ones as the words compiled code holds:
    /// the callee's unit runs in a frame of its own and its result's first `nres` words
    /// go to the caller's `out`. `Some(0)`, or `Some(1)` with a panic in the caller's
    /// frame; `None` when the callee's key has no compiled unit (the caller calls the
    /// portal instead).
    ///
    /// # Safety
    /// `caller` is the frame of the compiled code making the call; `reds` are the words
    /// of the portal's red parameters as the generated frontend encodes them.
    #[inline]
    pub unsafe fn call_words<E: Extension, K: GreenKey + ?Sized>(
        &self,
        caller: *mut Frame,
        portal: &'static str,
        greens: &K,
        reds: &[u64],
        nres: usize,
        start: impl FnOnce() -> E::State,
    ) -> Option<u64> {
        let f = self.unit_for_greens::<E, K>(portal, greens, start)?;
        let mut frame = self.frame();
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let status = self.run_chain::<E>(portal, f, &mut frame, reds);
            if status != Status::Return {
                self.raise(status, &mut frame)
            }
        }));
        Some(match run {
            Ok(()) => {
                crate::frame::copy_words(&mut (&mut (*caller).out)[..nres], &frame.out[..nres]);
                0
            }
            Err(p) => {
                (*caller).panic = Some(p);
                1
            }
        })
    }

    /// The compiled unit of `portal` for the green key that `key` writes, compiling it
    /// from `start` the first time; `None` when the portal must interpret this key (it
    /// could not be compiled, or the primary backend is full: interpreting beats the
    /// fallback engine there). The key is written into a buffer the JIT keeps, so a
    /// call whose unit exists allocates nothing for it.
    pub fn unit_for<E: Extension>(
        &self,
        portal: &'static str,
        key: impl FnOnce(&mut Vec<u64>),
        start: impl FnOnce() -> E::State,
    ) -> Option<Unit> {
        self.unit_for_forced::<E>(portal, false, false, key, start)
    }

    /// [`Self::unit_for`]; with `forced` (the interpreter asked for this key with
    /// `hints::enable_jit`), a key not compiled yet is compiled at once, however cold.
    /// With `counted`, the caller has counted this call already (see
    /// [`crate::hot::tick`]).
    pub fn unit_for_forced<E: Extension>(
        &self,
        portal: &'static str,
        forced: bool,
        counted: bool,
        key: impl FnOnce(&mut Vec<u64>),
        start: impl FnOnce() -> E::State,
    ) -> Option<Unit> {
        self.backend.as_ref()?;
        let mut buf = self.key_buf.take();
        buf.clear();
        key(&mut buf);
        let p = portal.as_ptr() as usize;
        let slot = recent_slot(p, &buf);
        let recent = match &self.recent.borrow()[slot] {
            // Keys are a few words: compared in line (a call of memcmp costs more).
            Some((q, k, e))
                if *q == p && k.len() == buf.len() && k.iter().zip(&buf).all(|(a, b)| a == b) =>
            {
                Some(*e)
            }
            _ => None,
        };
        let unit = match recent {
            Some(Some(e)) => e,
            // A cold key: counted here, compiled (by the way of the unit cache) once hot.
            Some(None)
                if !forced
                    && count_call(crate::hot::key_hash(u32::MAX, &buf), counted)
                        < self.options.threshold =>
            {
                None
            }
            _ => self.unit_not_recent::<E>(portal, forced, counted, &buf, slot, start),
        };
        self.key_buf.set(buf);
        unit
    }

    /// [`Self::unit_for_forced`] for a key that is not in the `recent` table: found in
    /// the unit cache, or compiled; then remembered at `slot`. Out of line, so that the
    /// lookup every guest call makes stays small.
    #[cold]
    #[inline(never)]
    fn unit_not_recent<E: Extension>(
        &self,
        portal: &'static str,
        forced: bool,
        counted: bool,
        buf: &[u64],
        slot: usize,
        start: impl FnOnce() -> E::State,
    ) -> Option<Unit> {
        let found = self
            .units
            .borrow()
            .get(portal)
            .and_then(|m| m.get(buf).copied());
        let e = match found {
            Some(e) => Some(e),
            // Counted; remembered as cold while it stays so.
            None => self.unit_miss::<E>(portal, buf.to_vec(), forced, counted, start),
        };
        let mut recent = self.recent.borrow_mut();
        let p = portal.as_ptr() as usize;
        match &mut recent[slot] {
            // The slot's key buffer is reused: cold keys that share a slot take it in
            // turns without allocating.
            Some((q, k, r)) => {
                *q = p;
                k.clear();
                k.extend_from_slice(buf);
                *r = e;
            }
            r => *r = Some((p, buf.to_vec(), e)),
        }
        e.flatten()
    }

    /// Whether the JIT compiles the hot merge key of hash `hash` (counted by
    /// [`crate::hot::tick_hot`]): it is on and the key did not fail to compile. Then
    /// [`Jit::merge_unit`] gives its unit.
    pub fn merge_hot(&self, hash: u64) -> bool {
        let ok = self.backend.is_some() && !self.failed_merges.borrow().contains(&hash);
        if !ok {
            // Not asked again (until another key takes the counter's slot).
            crate::hot::block(hash);
        }
        ok
    }

    /// The unit to enter from the plain interpreter's merge point at a hot key (block
    /// `block`, green words `key`, counted under `hash`: see
    /// [`crate::driver::Extension::count_hash`]), compiled from `start` the first time; `None` when it
    /// could not be compiled. `args` are the state's red words as the frontend encodes
    /// them, laid out as `layouts` (`owned`: the words of values the interpreter owns);
    /// the unit takes them unpacked (see [`crate::entry`]), with their shapes part of
    /// its key (after `MAX_SHAPES` shapes of a key, its units unpack only long vectors
    /// of scalars), and `args` is rewritten to the unit's arguments.
    ///
    /// # Safety
    /// The words of `args` laid out as vectors or structs point to live ones.
    pub unsafe fn merge_unit<E: Extension>(
        &self,
        portal: &'static str,
        block: u32,
        hash: u64,
        key: impl FnOnce(&mut Vec<u64>),
        start: impl FnOnce() -> E::State,
        args: &mut Vec<u64>,
        layouts: &[crate::entry::Layout],
        owned: &[bool],
    ) -> Option<Unit> {
        self.backend.as_ref()?;
        let mut buf = self.key_buf.take();
        buf.clear();
        key(&mut buf);
        let count = crate::hot::count(hash);
        let state = start();
        let green_words = buf.len();
        buf.push(block as u64);
        let shapes = self.shapes.borrow().get(&hash).copied().unwrap_or(0);
        let base = E::red_words(&state);
        let unpacked = crate::entry::unpack(&base, args, layouts, owned, shapes >= MAX_SHAPES);
        buf.extend_from_slice(&unpacked.shape);
        if !self
            .merge_units
            .borrow()
            .contains_key(&(std::any::TypeId::of::<E::State>(), buf.clone()))
        {
            *self.shapes.borrow_mut().entry(hash).or_default() += 1;
            // A key met the first time. The driver asks how warm a key is by the hash
            // it computes from a state: one that differs from the interpreter's (a green
            // whose type differs between the interpreter's variable and the state)
            // would leave every key cold to it.
            let expected = E::count_hash(&state)
                .unwrap_or_else(|| crate::hot::key_hash(block, &buf[..green_words]));
            if expected != hash && !self.miscounted.replace(true) {
                self.backend().note(&format!(
                    "{portal}: the interpreter counts merge key {:?} under another hash than the JIT computes; compiled code leaves for the interpreter at keys it passed",
                    &buf[..green_words]
                ));
            }
        }
        let crate::entry::Unpacked {
            words,
            vecs,
            args: unit_args,
            ..
        } = unpacked;
        let unit = self.hot_merge_unit::<E>(portal, &buf, hash, count, || Frozen {
            state: E::with_red_words(state, &mut words.into_iter()),
            vecs,
            memory: Vec::new(),
            keep_consts: false,
        });
        self.key_buf.set(buf);
        if unit.is_some() {
            let mut t = self.traffic.get();
            t.entries += 1;
            self.traffic.set(t);
            *args = unit_args;
        }
        unit
    }

    /// The unit of hot merge key `key` (green words, the block, then the lengths of its
    /// sized vectors; green hash `hash`), compiled on the first call as the
    /// continuation of the key's entry point (the one stubs of exits to the interpreter
    /// at this state make), so compiled code that exits there goes straight on in it
    /// (see [`Jit::run_chain`]).
    fn hot_merge_unit<E: Extension>(
        &self,
        portal: &'static str,
        key: &[u64],
        hash: u64,
        count: u32,
        start: impl FnOnce() -> Frozen<E::State>,
    ) -> Option<Unit> {
        let k = (std::any::TypeId::of::<E::State>(), key.to_vec());
        if let Some(u) = self.merge_units.borrow().get(&k) {
            return *u;
        }
        let unit = if self.primary_full.get() {
            None
        } else {
            self.backend().note(&format!(
                "{portal}: the interpreter passed merge key {key:?} {count} times"
            ));
            let id = self.entry_point::<E>(start(), Cut::Interp, true);
            self.continuation::<E>(portal, id, 0).ok()
        };
        if unit.is_none() {
            self.failed_merges.borrow_mut().insert(hash);
            crate::hot::block(hash);
        }
        self.merge_units.borrow_mut().insert(k, unit);
        unit
    }

    /// Say in the JIT log (once) what this JIT compiled and how often compiled code was
    /// entered from the interpreter and left for it.
    fn summary(&self) {
        if !self.enabled() || self.summarised.replace(true) || self.compiled.get() == 0 {
            return;
        }
        let t = self.traffic.get();
        let (sweeps, freed) = crate::frame::sweep::stats();
        self.backend().note(&format!(
            "end: {} units compiled; {} entries from the interpreter, {} exits to it, {} exits that went on in compiled code; {sweeps} sweeps freed {freed} red vectors and structs",
            self.compiled.get(),
            t.entries,
            t.exits,
            t.links
        ));
    }

    /// Whether compiled code that meets merge key `hash` (see [`crate::hot::key_hash`])
    /// should compile it in line: the interpreter has passed it often enough (see
    /// [`crate::hot::warm`]). Other keys end in stubs that exit to it (and become
    /// bridges once hot).
    pub fn warm(&self, hash: u64) -> bool {
        crate::hot::warm(hash)
    }

    /// The red words, in the state's order, of an exit to the interpreter at entry point
    /// `id` whose words are `out`: a vector the state holds as a sized vector is its
    /// pointer (its other words are its elements' address).
    pub fn interp_words<E: Extension>(&self, id: u64, out: &[u64]) -> Vec<u64> {
        let entries = self.entries.borrow();
        let Some(f) = entries
            .get(id as usize)
            .and_then(|e| e.state.downcast_ref::<Frozen<E::State>>())
        else {
            return out.to_vec();
        };
        let words = E::red_words(&f.state);
        let plain = words.iter().filter(|w| f.is_param(w)).count();
        let mut starts = Vec::with_capacity(f.vecs.len());
        let mut at = plain;
        for v in &f.vecs {
            starts.push(at);
            at += v.words().iter().filter(|w| f.is_param(w)).count();
        }
        let mut next = 0;
        words
            .iter()
            .map(|w| match w {
                Word::Virtual(k) => out.get(starts[*k as usize]).copied().unwrap_or(0),
                w if f.is_param(w) => {
                    next += 1;
                    out.get(next - 1).copied().unwrap_or(0)
                }
                w => w.as_const().unwrap_or(0),
            })
            .collect()
    }

    /// The state compiled code exited to the interpreter at ([`Status::Interp`], entry
    /// point `id`): its green values, and red words of which the frame holds the
    /// values.
    pub fn interp_state<E: Extension>(&self, id: u64) -> Option<E::State> {
        let entries = self.entries.borrow();
        let e = entries.get(id as usize)?;
        e.state
            .downcast_ref::<Frozen<E::State>>()
            .map(|f| f.state.clone())
    }

    /// Count a call with a key that has no unit; once the key is hot, compile (or
    /// refuse) its unit and remember it. `None` while the key is cold.
    fn unit_miss<E: Extension>(
        &self,
        portal: &'static str,
        key: Vec<u64>,
        forced: bool,
        counted: bool,
        start: impl FnOnce() -> E::State,
    ) -> Option<UnitEntry> {
        let hash = crate::hot::key_hash(u32::MAX, &key);
        let count = count_call(hash, counted);
        if count < self.options.threshold && !forced {
            return None;
        }
        let entry = if self.primary_full.get() {
            None
        } else {
            self.backend().note(&if count < self.options.threshold {
                format!("{portal}: portal called {count} times with green key {key:?}; compiled now: enabled by the interpreter (hints::enable_jit)")
            } else {
                format!("{portal}: portal called {count} times with green key {key:?}")
            });
            self.compile::<E>(
                portal,
                Engine::Primary,
                None,
                Frozen::plain(start()),
                ", interpreting instead",
                false,
            )
            .ok()
        };
        // From now on the key is found in `units`. A call counts it as hot and comes
        // here for its unit; a call of one that failed runs the plain portal at once.
        match entry {
            Some(_) => crate::hot::saturate(hash),
            None => crate::hot::block(hash),
        }
        self.units
            .borrow_mut()
            .entry(portal)
            .or_default()
            .insert(key, entry);
        Some(entry)
    }

    /// Compile a unit from `start` for `engine` under a fresh name and say in the JIT log
    /// what came of it: `what` describes the unit, `on_failure` what the JIT does instead.
    /// A backend that refuses a unit of the primary engine marks it full.
    fn compile<E: Extension>(
        &self,
        portal: &str,
        engine: Engine,
        what: Option<String>,
        start: Frozen<E::State>,
        on_failure: &str,
        interp: bool,
    ) -> Result<Unit, UnitError> {
        let n = self.compiled.get();
        self.compiled.set(n + 1);
        let name = format!("{portal}#{n}");
        let label = match what {
            Some(w) => format!("{name}: {w}"),
            None => name.clone(),
        };
        let label = match engine {
            Engine::Primary => label,
            Engine::Fallback => format!("{label} (fallback engine)"),
        };
        // A panic while compiling is a bug of the toolchain, but never the program's
        // end: the unit is not compiled, and the portal interprets instead.
        let compiled = quietly(|| {
            if self.options.test_panic == Some(n) {
                panic!("--jit-test-panic {n}");
            }
            driver::compile_unit::<E>(self, engine, &name, start, self.limits(interp))
        })
        .unwrap_or_else(|p| Err(UnitError::Paths(compile_panic(p))));
        match compiled {
            Ok((f, stats)) => {
                let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
                self.backend().note(&format!(
                    "{label}: compiled {} merge states, {} paths, {} operations in {:.1} ms \
                     (paths {:.1} ms, finishing {:.1} ms, machine code {:.1} ms)",
                    stats.merge_states,
                    stats.paths,
                    stats.operations,
                    ms(stats.paths_time + stats.finish_time + stats.backend_time),
                    ms(stats.paths_time),
                    ms(stats.finish_time),
                    ms(stats.backend_time),
                ));
                Ok(f)
            }
            Err(why) => {
                self.backend()
                    .note(&format!("{label}: not compiled{on_failure}: {why}"));
                if engine == Engine::Primary && matches!(why, UnitError::Backend(_)) {
                    self.primary_full.set(true);
                    // Nothing more is compiled: the interpreter stops counting.
                    crate::hot::turn_off();
                    self.backend().note(
                        "the code space is full: no more units are compiled, and the interpreter stops counting its merge point",
                    );
                }
                Err(why)
            }
        }
    }

    /// The entry point for going on at `s` (one per state key; a state without a key
    /// gets its own).
    pub fn entry_point<E: Extension>(&self, s: Frozen<E::State>, why: Cut, interp: bool) -> u64 {
        let key = match why {
            Cut::Lazy => None,
            _ => driver::frozen_key::<E>(&s)
                .map(|k| (std::any::TypeId::of::<E::State>(), why, interp, k)),
        };
        if let Some(k) = &key {
            if let Some(id) = self.entry_ids.borrow().get(k) {
                return *id;
            }
        }
        let mut entries = self.entries.borrow_mut();
        let id = entries.len() as u64;
        entries.push(EntryPoint {
            state: Box::new(s),
            why,
            interp,
            units: Default::default(),
        });
        if let Some(k) = key {
            self.entry_ids.borrow_mut().insert(k, id);
        }
        id
    }

    /// The unit that goes on at entry point `id` with promoted value `value`, compiled
    /// the first time (by the fallback engine once the primary one is full).
    fn continuation<E: Extension>(
        &self,
        portal: &'static str,
        id: u64,
        value: u64,
    ) -> Result<Unit, UnitError> {
        let (state, why, interp) = {
            let entries = self.entries.borrow();
            let e = entries
                .get(id as usize)
                .ok_or_else(|| UnitError::Paths(format!("no entry point {id}")))?;
            if let Some(known) = e.units.get(&value) {
                return Ok(*known);
            }
            let state = e
                .state
                .downcast_ref::<Frozen<E::State>>()
                .ok_or_else(|| UnitError::Paths("entry point of another portal".into()))?
                .clone();
            (state, e.why, e.interp)
        };
        let (start, what) = match why {
            Cut::Promote => (
                state.promoted::<E>(value),
                format!("continuation of entry {id} for value {value}"),
            ),
            Cut::Limit | Cut::Lazy => (state, format!("continuation of entry {id}")),
            Cut::Interp => (state, format!("loop from the interpreter, entry {id}")),
        };
        // An entry into a function that has the state already, if there is one.
        let entered = if why == Cut::Interp && !self.primary_full.get() {
            self.enter_function::<E>(portal, id, &start)
        } else {
            None
        };
        // The primary engine first, unless it is full; the fallback when it refuses.
        let primary = (entered.is_none() && !self.primary_full.get()).then(|| {
            self.compile::<E>(
                portal,
                Engine::Primary,
                Some(what.clone()),
                start.clone(),
                ", compiling it for the fallback engine",
                interp,
            )
        });
        let f = match (entered, primary) {
            (Some(f), _) => f,
            (None, Some(Ok(f))) => f,
            (None, Some(Err(e @ UnitError::Paths(_)))) => return Err(e),
            // Where the interpreter can go on (a merge point), it does: it runs faster
            // than the fallback engine.
            (None, None) if why == Cut::Interp => {
                return Err(UnitError::Backend("the code space is full".into()))
            }
            (None, Some(Err(e @ UnitError::Backend(_)))) if why == Cut::Interp => return Err(e),
            (None, None | Some(Err(UnitError::Backend(_)))) => {
                self.compile::<E>(portal, Engine::Fallback, Some(what), start, "", interp)?
            }
        };
        self.entries.borrow_mut()[id as usize]
            .units
            .insert(value, f);
        if why == Cut::Interp {
            let mut by_entry = self.interp_units.borrow_mut();
            if by_entry.len() <= id as usize {
                by_entry.resize(id as usize + 1, None);
            }
            by_entry[id as usize] = Some(f);
        }
        Ok(f)
    }

    /// Record that `unit`, which the interpreter enters, has the entry switch `switch`
    /// (see `driver::compile_unit`).
    pub(crate) fn entered_function<E: Extension>(&self, unit: Unit, switch: SwitchId) {
        if unit.engine != Engine::Primary {
            return;
        }
        self.entered.borrow_mut().push(EnteredFunction {
            unit: unit.function(),
            switch,
            state: std::any::TypeId::of::<E::State>(),
        });
    }

    /// An entry, for the interpreter's hot merge state `start` (entry point `id` of an
    /// exit to the interpreter), into a function the interpreter enters: the newest that
    /// compiled that state already (as a merge block, in line, or as a stub that exits
    /// to the interpreter there), else the newest while it has fewer than half
    /// `--jit-max-states` merge states. The entry's paths jump to the merge blocks the
    /// function has, so what it compiled is not compiled again. `None` when there is no
    /// such function or the entry could not be compiled (the log says why); the caller
    /// compiles a unit instead.
    fn enter_function<E: Extension>(
        &self,
        portal: &str,
        id: u64,
        start: &Frozen<E::State>,
    ) -> Option<Unit> {
        let key = driver::frozen_key::<E>(start)?;
        let stub = driver::switch_key(id);
        let state = std::any::TypeId::of::<E::State>();
        let (unit, switch) = {
            let entered = self.entered.borrow();
            let blocks = self.blocks.borrow();
            let ours = || entered.iter().rev().filter(|f| f.state == state);
            let has = |f: &EnteredFunction| {
                blocks
                    .get(&f.unit)
                    .is_some_and(|m| m.contains_key(&key) || m.contains_key(&stub))
            };
            // A function that has the state; else the newest, while it has room (what
            // it compiled already is jumped to, not compiled again).
            let f = ours().find(|f| has(f)).or_else(|| {
                ours().next().filter(|f| {
                    blocks.get(&f.unit).map_or(0, |m| m.len()) < self.options.max_states / 2
                })
            })?;
            (f.unit, f.switch)
        };
        // Cases 1, 2, ... of the entry switch, in the order they are compiled.
        let case = self.engine(unit.engine).cases(unit.func, switch).len() as u32 + 1;
        let name = format!("{portal} entry {case} of unit {}", unit.func.index());
        let compiled = quietly(|| {
            driver::compile_entry::<E>(self, unit, switch, case, start.clone(), self.limits(true))
        })
        .unwrap_or_else(|p| Err(compile_panic(p)));
        match compiled {
            Ok(stats) => {
                self.backend().note(&format!(
                    "{name}: the interpreter enters at entry {id}: compiled {} merge states, {} paths, {} operations",
                    stats.merge_states, stats.paths, stats.operations
                ));
                Some(Unit {
                    entry: case,
                    ..unit
                })
            }
            Err(why) => {
                self.backend().note(&format!(
                    "{name}: not compiled ({why}); a unit is compiled instead"
                ));
                None
            }
        }
    }

    /// A new promotion switch for entry point `entry`; its function is set by
    /// [`Jit::compiled_sites`].
    pub(crate) fn promotion_site(&self, entry: u64, switch: SwitchId) -> u64 {
        let mut sites = self.sites.borrow_mut();
        sites.push(Site {
            func: None,
            switch,
            entry,
            full: false,
            failed: false,
            exits: 0,
        });
        sites.len() as u64 - 1
    }

    /// Record that the promotion switches `sites` are in `func`.
    pub(crate) fn compiled_sites(&self, func: Unit, sites: &[u64]) {
        let mut all = self.sites.borrow_mut();
        for s in sites {
            all[*s as usize].func = Some(func.function());
        }
    }

    /// The merge states of `func`, taken out while a case is compiled against them (see
    /// [`Jit::put_merges`]).
    pub(crate) fn take_merges(&self, func: Unit) -> driver::Merges {
        self.blocks
            .borrow_mut()
            .get_mut(&func.function())
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Set the merge states of `func` (also giving back what [`Jit::take_merges`] took).
    pub(crate) fn put_merges(&self, func: Unit, merges: driver::Merges) {
        self.blocks.borrow_mut().insert(func.function(), merges);
    }

    /// Compile and patch in the case `value` of promotion switch `site`. `false` when
    /// the value must go the generic way instead: the switch is full or the case could
    /// not be compiled (the log says why).
    fn add_promotion_case<E: Extension>(&self, site: u64, value: u64) -> bool {
        let (func, switch, entry) = {
            let sites = self.sites.borrow();
            match sites.get(site as usize) {
                Some(Site {
                    func: Some(f),
                    switch,
                    entry,
                    failed: false,
                    ..
                }) => (*f, *switch, *entry),
                _ => return false,
            }
        };
        if self.engine(func.engine).cases(func.func, switch).len() >= self.options.max_cases {
            let mut sites = self.sites.borrow_mut();
            if !sites[site as usize].full {
                sites[site as usize].full = true;
                self.backend().note(&format!(
                    "promotion switch {site}: {} cases, the most; other values go through the table of entry {entry}",
                    self.options.max_cases
                ));
            }
            return false;
        }
        let (start, why, interp) = {
            let entries = self.entries.borrow();
            let Some(e) = entries.get(entry as usize) else {
                return false;
            };
            match e.state.downcast_ref::<Frozen<E::State>>() {
                Some(s) => (s.clone(), e.why, e.interp),
                None => return false,
            }
        };
        if why == Cut::Interp {
            // A stub of an exit to the interpreter: its bridge is compiled once it has
            // exited `--jit-threshold` times.
            let mut sites = self.sites.borrow_mut();
            let exits = &mut sites[site as usize].exits;
            *exits = exits.saturating_add(1);
            if *exits < self.options.threshold {
                return false;
            }
        }
        let what = match why {
            Cut::Lazy => format!("side exit {site}"),
            Cut::Interp => format!("bridge at the exit to the interpreter of entry {entry}"),
            _ => format!("promotion switch {site}: case {value}"),
        };
        let promote = why == Cut::Promote;
        match driver::compile_case::<E>(
            self,
            func,
            switch,
            value,
            start,
            promote,
            self.limits(interp),
        ) {
            Ok(stats) => {
                self.backend().note(&format!(
                    "{what}: compiled {} merge states, {} paths, {} operations",
                    stats.merge_states, stats.paths, stats.operations
                ));
                true
            }
            Err(why) => {
                self.backend().note(&format!(
                    "{what}: not compiled ({why}); it goes through the table of entry {entry}"
                ));
                // Not tried again: later misses go the generic way at once.
                self.sites.borrow_mut()[site as usize].failed = true;
                false
            }
        }
    }

    fn limits(&self, interp_exits: bool) -> Limits {
        Limits {
            interp_exits,
            max_states: self.options.max_states,
            max_ops: self.options.max_ops,
            lazy_exits: self.options.lazy_exits,
            run_on: self.options.run_on,
            block_at_start: false,
        }
    }

    /// Run unit `f` with `frame` and the words of its red parameters (copied into the
    /// frame, where units read them), then the units it continues in, until one returns
    /// or panics.
    ///
    /// # Safety
    /// `args` must be the words of the unit's red parameters, as the generated frontend
    /// encodes them.
    pub unsafe fn run_chain<E: Extension>(
        &self,
        portal: &'static str,
        f: Unit,
        frame: &mut Frame,
        args: &[u64],
    ) -> Status {
        let at = crate::frame::ENTRY_WORDS_AT;
        // `driver::compile_unit` compiled the first unit only if its words fit the frame.
        crate::frame::copy_words(&mut frame.out[at..at + args.len()], args);
        // What Rust gave compiled code stays out of sweeps. Units that follow one another
        // here hand on their state in `out`, so what they allocate is theirs to sweep.
        frame.pin();
        let mut f = f;
        loop {
            frame.entry_case = f.entry as u64;
            let code = if f.native != 0 {
                // SAFETY: `native_entry` vouched for this signature.
                let call: extern "sysv64" fn(*mut Frame) -> u64 = std::mem::transmute(f.native);
                call(frame)
            } else {
                let raw = [frame as *mut Frame as u64];
                self.engine(f.engine).call(f.func, &raw)
            };
            let status = Status::from_code(code);
            if status == Status::Interp {
                // Straight on in the unit of that merge key, if it is hot already.
                let id = frame.out[0];
                let known = self
                    .interp_units
                    .borrow()
                    .get(id as usize)
                    .copied()
                    .flatten();
                let mut t = self.traffic.get();
                match known {
                    Some(g) => {
                        t.links += 1;
                        self.traffic.set(t);
                        f = g;
                        continue;
                    }
                    None => {
                        t.exits += 1;
                        self.traffic.set(t);
                        return status;
                    }
                }
            }
            if status != Status::Continue {
                return status;
            }
            // The exit left the next unit's words in the frame, where it reads them.
            f = self.next_unit::<E>(portal, frame.out[0], frame.out[1]);
        }
    }

    /// The continuation unit at entry point `id` for `run_chain`. Out of line: compiling
    /// needs a large stack frame, which every portal call (a guest call, recursing)
    /// would otherwise reserve.
    #[inline(never)]
    #[cold]
    fn next_unit<E: Extension>(&self, portal: &'static str, id: u64, value: u64) -> Unit {
        match self.continuation::<E>(portal, id, value) {
            Ok(g) => g,
            Err(why) => panic!(
                "JIT internal error: cannot compile the continuation at entry point {id}: {why}"
            ),
        }
    }

    /// Finish a call of compiled code that did not return: raise its panic.
    pub fn raise(&self, status: Status, frame: &mut Frame) -> ! {
        match status {
            Status::ResidualPanic => match frame.panic.take() {
                Some(p) => std::panic::resume_unwind(p),
                None => panic!("panic in a residual call"),
            },
            _ => {
                let msg = self.panic_message(frame);
                panic!("{msg}")
            }
        }
    }
}

/// The count of portal key `hash` after this call: counted now, unless the caller
/// `counted` it already.
fn count_call(hash: u64, counted: bool) -> u32 {
    if counted {
        crate::hot::count(hash)
    } else {
        crate::hot::tick(hash)
    }
}

thread_local! {
    /// Whether this thread is inside [`quietly`].
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Run `f`, catching its panic, whose message the panic hook does not print: a panic
/// inside the compiler is said in the JIT log (the unit is not compiled), not on the
/// program's stderr. Panics outside go to the hook as before.
fn quietly<R>(f: impl FnOnce() -> R) -> Result<R, Box<dyn Any + Send>> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info)
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    r
}

/// What a panic caught while compiling says (a bug of the toolchain, never the
/// program's end).
fn compile_panic(p: Box<dyn Any + Send>) -> String {
    let what = p
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    format!("internal error while compiling: {what}")
}

/// Green data that compiled code holds, as the `'static` reference it is: compiled code
/// only ever sees data [`Jit::intern`] copied (or parts of it), which is never freed or
/// changed, so its address keys it as well as its contents.
///
/// # Safety
/// `x` is (part of) green data that compiled code was given.
pub unsafe fn immortal<T: ?Sized>(x: &T) -> &'static T {
    &*(x as *const T)
}

/// How many frames of finished calls the JIT keeps for the next calls (the depth of
/// recursion that runs without allocating frames).
const POOLED_FRAMES: usize = 256;

/// A frame lent by [`Jit::frame`] for one call of compiled code.
pub struct PooledFrame<'a> {
    frame: Option<Box<Frame>>,
    pool: &'a RefCell<Vec<Box<Frame>>>,
}

impl std::ops::Deref for PooledFrame<'_> {
    type Target = Frame;
    #[inline]
    fn deref(&self) -> &Frame {
        self.frame.as_ref().expect("a frame until dropped")
    }
}

impl std::ops::DerefMut for PooledFrame<'_> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Frame {
        self.frame.as_mut().expect("a frame until dropped")
    }
}

impl Drop for PooledFrame<'_> {
    #[inline]
    fn drop(&mut self) {
        if let Some(mut f) = self.frame.take() {
            f.reset();
            // Deep recursions leave many; some serve the calls that follow.
            if let Ok(mut pool) = self.pool.try_borrow_mut() {
                if pool.len() < POOLED_FRAMES {
                    pool.push(f);
                }
            }
        }
    }
}

/// Called by compiled code the first time a promotion switch sees `value`: compile the
/// case and patch it in (0), or say that the value goes the generic way (1).
pub(crate) extern "C" fn promote_case<E: Extension>(jit: *const Jit, site: u64, value: u64) -> u64 {
    // SAFETY: compiled code passes the address of the JIT that compiled it, which
    // lives as long as its thread and so outlives the call.
    let jit = unsafe { &*jit };
    match quietly(|| jit.add_promotion_case::<E>(site, value)) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(p) => {
            jit.backend().note(&format!(
                "promotion switch {site}: case {value} not compiled, it goes the generic way: {}",
                compile_panic(p)
            ));
            1
        }
    }
}

/// At the end of the program: say in the JIT log how often compiled code was entered
/// from the interpreter and left for it (each thread's JIT says it when the thread
/// ends; the main thread's, here).
pub fn finish() {
    with(Jit::summary)
}

/// Say in the JIT log that portal `portal` has no merge hook (`why`): its compiled code
/// is entered at portal calls only.
pub fn no_merge_hook(portal: &str, why: &str) {
    with(|jit| {
        if jit.enabled() {
            jit.backend().note(&format!(
                "{portal}: entered at portal calls only, not from the interpreter's loop: {why}"
            ));
        }
    })
}

/// Whether the interpreter asked (`hints::enable_jit`) for the portal `portal` (its
/// path, or its name alone) to be compiled when its green `green` is `value`.
#[inline]
pub fn enabled_by_interp(portal: &str, green: &str, value: u64) -> bool {
    if !hints::rt::ANY_ENABLED.load(std::sync::atomic::Ordering::Relaxed) {
        return false;
    }
    let short = portal.rsplit("::").next().unwrap_or(portal);
    hints::rt::enabled(portal, green, value) || hints::rt::enabled(short, green, value)
}

/// The environment variable that names a JIT log when `--jit-log` is not given:
/// `PYRSJITLOG` for the target crate `pyrs` (PyPy's `PYPYJITLOG`).
pub fn log_env_var(target: &str) -> String {
    format!("{}JITLOG", target.to_uppercase().replace('-', "_"))
}

/// For a translated binary's `main`: read the JIT options from the command line (and
/// the log's name from [`log_env_var`] of `target`, the interpreter's crate, when the
/// command line names none), print usage errors, and configure the JIT. Returns `false`
/// when the options are bad.
pub fn configure_from_env_args(target: &str) -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match Options::parse(&args) {
        Ok((mut o, rest)) => {
            if o.log.is_none() {
                if let Some(p) = std::env::var_os(log_env_var(target)).filter(|p| !p.is_empty()) {
                    o.log = Some(PathBuf::from(p));
                }
            }
            configure(o, rest);
            true
        }
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<(Options, Vec<String>), String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        Options::parse(&args)
    }

    #[test]
    fn options_come_before_the_program_and_its_arguments() {
        let (o, rest) = parse(&[
            "--jit-code-space",
            "64K",
            "--jit-lazy-exits",
            "--jit-max-cases",
            "3",
            "prog.b",
            "--no-jit",
        ])
        .unwrap();
        assert_eq!(o.code_space, 64 << 10);
        assert!(o.lazy_exits && o.enabled);
        assert_eq!(o.max_cases, 3);
        assert_eq!(rest, ["prog.b", "--no-jit"]);
        assert_eq!(
            parse(&["--jit-code-space", "2m"]).unwrap().0.code_space,
            2 << 20
        );
        assert_eq!(
            parse(&["--jit-code-space", "100"]).unwrap().0.code_space,
            100
        );
        assert_eq!(
            parse(&["--jit-test-panic", "0"]).unwrap().0.test_panic,
            Some(0)
        );
        assert!(parse(&["--jit-test-panic", "x"]).is_err());
        let (o, _) = parse(&["x"]).unwrap();
        assert!(!o.lazy_exits);
        assert_eq!(o.test_panic, None);
        assert_eq!(o.code_space, backend::DEFAULT_CODE_SPACE);
    }

    #[test]
    fn bad_options_say_what_is_wrong() {
        for (args, says) in [
            (&["--jit-code-space", "0"][..], "needs a positive number"),
            (&["--jit-code-space", "K"][..], "needs a positive number"),
            (
                &["--jit-code-space", "99999999999999999999M"][..],
                "positive number",
            ),
            (&["--jit-code-space", "18014398509481984M"][..], "too large"),
            (&["--jit-code-space", "100000000M"][..], "at most 2048M"),
            (&["--jit-code-space"][..], "needs a value"),
            (&["--backend", "arm"][..], "unknown backend"),
        ] {
            let e = parse(args).unwrap_err();
            assert!(e.contains(says), "{args:?}: {e}");
        }
    }

    #[test]
    fn an_interned_copy_is_its_own_interned_form() {
        let jit = Jit::new(Options::default());
        let code: Vec<i64> = (0..10_000).collect();
        let copy = jit.intern(&code);
        assert_ne!(copy.as_ptr(), code.as_ptr());
        assert_eq!(jit.intern(&code).as_ptr(), copy.as_ptr());
        // What compiled code passes on to a recursive call: the same copy back.
        assert_eq!(jit.intern(copy).as_ptr(), copy.as_ptr());
        assert_eq!(
            jit.intern(&copy[1..]).as_ptr(),
            jit.intern(&copy[1..]).as_ptr()
        );
        assert_ne!(jit.intern(&copy[1..]).as_ptr(), copy[1..].as_ptr());
        // Changed contents at the same address are a new copy.
        let mut code = code;
        code[5] = -1;
        let changed = jit.intern(&code);
        assert_ne!(changed.as_ptr(), copy.as_ptr());
        assert_eq!(changed[5], -1);
        assert_eq!(copy[5], 5);
    }

    #[test]
    fn green_data_that_is_not_copy_is_cloned_once() {
        #[derive(Clone, PartialEq, Debug)]
        struct Code {
            ops: Vec<i64>,
            name: String,
        }
        let jit = Jit::new(Options::default());
        let mut funcs = vec![
            Code {
                ops: vec![1, 2, 3],
                name: "main".into(),
            },
            Code {
                ops: vec![],
                name: "f".into(),
            },
        ];
        let copy = jit.intern(&funcs);
        assert_eq!(copy, &funcs[..]);
        assert_ne!(copy[0].ops.as_ptr(), funcs[0].ops.as_ptr());
        assert_eq!(jit.intern(&funcs).as_ptr(), copy.as_ptr());
        assert_eq!(jit.intern(copy).as_ptr(), copy.as_ptr());
        // A change deep inside is new data: a new copy, the old one unchanged.
        funcs[0].ops[2] = 4;
        let changed = jit.intern(&funcs);
        assert_ne!(changed.as_ptr(), copy.as_ptr());
        assert_eq!(changed[0].ops, [1, 2, 4]);
        assert_eq!(copy[0].ops, [1, 2, 3]);
        // One struct: a slice of one.
        let one = &jit.intern(std::slice::from_ref(&funcs[1]))[0];
        assert_eq!(one.name, "f");
        assert_eq!(
            &jit.intern(std::slice::from_ref(one))[0] as *const Code,
            one as *const Code
        );
    }

    /// A frontend whose every step panics (a toolchain bug, as the JIT sees it).
    struct Boom;
    impl crate::Extension for Boom {
        type State = ();
        fn step(_: &mut crate::Cx, _: ()) -> Result<crate::Next<()>, crate::Stop> {
            panic!("a bug in a generated frontend")
        }
        fn is_merge(_: &()) -> bool {
            false
        }
        fn state_key(_: &()) -> Option<crate::MergeKey> {
            None
        }
        fn promoted(s: (), _: u64) {
            s
        }
        fn red_words(_: &()) -> Vec<crate::Word> {
            Vec::new()
        }
        fn with_red_words(s: (), _: &mut dyn Iterator<Item = crate::Word>) {
            s
        }
    }

    #[test]
    fn a_panic_while_compiling_leaves_the_key_to_the_interpreter() {
        let jit = Jit::new(Options::default());
        assert!(jit.unit_for::<Boom>("boom", |k| k.push(1), || ()).is_none());
        // Remembered: the next call interprets at once.
        assert!(jit
            .unit_for::<Boom>("boom", |k| k.push(1), || unreachable!())
            .is_none());
    }
}
