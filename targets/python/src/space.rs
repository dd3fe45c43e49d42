//! The object space: the heap, interned strings (symbols), the builtin classes and
//! namespace, modules, the code table with its [`CodeInfo`]s, the recursion limit and
//! the source text tracebacks quote. One `Space` serves a whole run of the program.
//!
//! Every object is made by [`Space::alloc`], which reuses the slots the collector
//! ([`crate::gc`]) freed and says when the next collection is due; constants and
//! interned strings are always roots.

use crate::bytecode::{Code, CodeInfo};
use crate::objects::*;
use crate::value::Value;
use std::collections::HashMap;

/// Names interned first, in this order, so their symbol ids are the constants `S_*`.
pub const PREINTERNED: &[&str] = &[
    "__init__",
    "__str__",
    "__repr__",
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__hash__",
    "__len__",
    "__getitem__",
    "__setitem__",
    "__delitem__",
    "__contains__",
    "__iter__",
    "__next__",
    "__call__",
    "__bool__",
    "__neg__",
    "__pos__",
    "__invert__",
    "__abs__",
    "__name__",
    "__class__",
    "__dict__",
    "__doc__",
    "__module__",
    "__qualname__",
    "__getattr__",
    "__setattr__",
    "__delattr__",
    "__enter__",
    "__exit__",
    "__new__",
    "__index__",
    "__int__",
    "__float__",
    "__format__",
    "args",
    "__code__",
    "__mro__",
    "__bases__",
    "__main__",
    "__builtins__",
    "__file__",
    "__cause__",
    "__context__",
    "__traceback__",
    "__set_name__",
    "__init_subclass__",
    "__reversed__",
    "__missing__",
    "__round__",
    "__floor__",
    "__ceil__",
    "__trunc__",
    "__suppress_context__",
];
pub const S_INIT: u32 = 0;
pub const S_STR: u32 = 1;
pub const S_REPR: u32 = 2;
pub const S_EQ: u32 = 3;
pub const S_NE: u32 = 4;
pub const S_LT: u32 = 5;
pub const S_LE: u32 = 6;
pub const S_GT: u32 = 7;
pub const S_GE: u32 = 8;
pub const S_HASH: u32 = 9;
pub const S_LEN: u32 = 10;
pub const S_GETITEM: u32 = 11;
pub const S_SETITEM: u32 = 12;
pub const S_DELITEM: u32 = 13;
pub const S_CONTAINS: u32 = 14;
pub const S_ITER: u32 = 15;
pub const S_NEXT: u32 = 16;
pub const S_CALL: u32 = 17;
pub const S_BOOL: u32 = 18;
pub const S_NEG: u32 = 19;
pub const S_POS: u32 = 20;
pub const S_INVERT: u32 = 21;
pub const S_ABS: u32 = 22;
pub const S_NAME: u32 = 23;
pub const S_CLASS: u32 = 24;
pub const S_DICT: u32 = 25;
pub const S_DOC: u32 = 26;
pub const S_MODULE: u32 = 27;
pub const S_QUALNAME: u32 = 28;
pub const S_GETATTR: u32 = 29;
pub const S_SETATTR: u32 = 30;
pub const S_DELATTR: u32 = 31;
pub const S_ENTER: u32 = 32;
pub const S_EXIT: u32 = 33;
pub const S_NEW: u32 = 34;
pub const S_INDEX: u32 = 35;
pub const S_INT: u32 = 36;
pub const S_FLOAT: u32 = 37;
pub const S_FORMAT: u32 = 38;
pub const S_ARGS: u32 = 39;
pub const S_CODE: u32 = 40;
pub const S_MRO: u32 = 41;
pub const S_BASES: u32 = 42;
pub const S_MAIN: u32 = 43;
pub const S_BUILTINS: u32 = 44;
pub const S_FILE: u32 = 45;
pub const S_CAUSE: u32 = 46;
pub const S_CONTEXT: u32 = 47;
pub const S_TRACEBACK: u32 = 48;
pub const S_SET_NAME: u32 = 49;
pub const S_INIT_SUBCLASS: u32 = 50;
pub const S_REVERSED: u32 = 51;
pub const S_MISSING: u32 = 52;
pub const S_ROUND: u32 = 53;
pub const S_FLOOR: u32 = 54;
pub const S_CEIL: u32 = 55;
pub const S_TRUNC: u32 = 56;
pub const S_SUPPRESS_CONTEXT: u32 = 57;

/// The builtin classes.
#[derive(Clone, Debug)]
pub struct Classes {
    pub object: Value,
    pub type_: Value,
    pub none: Value,
    pub bool_: Value,
    pub int: Value,
    pub float: Value,
    pub str_: Value,
    pub list: Value,
    pub tuple: Value,
    pub dict: Value,
    pub set: Value,
    pub frozenset: Value,
    pub range: Value,
    pub slice: Value,
    pub function: Value,
    pub builtin: Value,
    pub method: Value,
    pub module: Value,
    pub cell: Value,
    pub code: Value,
    pub iterator: Value,
    pub property: Value,
    pub classmethod: Value,
    pub staticmethod: Value,
    pub super_: Value,
    pub notimpl: Value,
    pub ellipsis: Value,
    pub base_exception: Value,
}

/// The builtin exception classes: name and base, bases first.
const EXCEPTIONS: &[(&str, &str)] = &[
    ("BaseException", ""),
    ("Exception", "BaseException"),
    ("SystemExit", "BaseException"),
    ("KeyboardInterrupt", "BaseException"),
    ("GeneratorExit", "BaseException"),
    ("ArithmeticError", "Exception"),
    ("ZeroDivisionError", "ArithmeticError"),
    ("OverflowError", "ArithmeticError"),
    ("FloatingPointError", "ArithmeticError"),
    ("LookupError", "Exception"),
    ("IndexError", "LookupError"),
    ("KeyError", "LookupError"),
    ("TypeError", "Exception"),
    ("ValueError", "Exception"),
    ("UnicodeError", "ValueError"),
    ("NameError", "Exception"),
    ("UnboundLocalError", "NameError"),
    ("AttributeError", "Exception"),
    ("RuntimeError", "Exception"),
    ("RecursionError", "RuntimeError"),
    ("NotImplementedError", "RuntimeError"),
    ("StopIteration", "Exception"),
    ("AssertionError", "Exception"),
    ("ImportError", "Exception"),
    ("ModuleNotFoundError", "ImportError"),
    ("OSError", "Exception"),
    ("FileNotFoundError", "OSError"),
    ("EOFError", "Exception"),
    ("MemoryError", "Exception"),
    ("SystemError", "Exception"),
    ("BufferError", "Exception"),
    ("SyntaxError", "Exception"),
    ("IndentationError", "SyntaxError"),
    ("TabError", "IndentationError"),
    ("ReferenceError", "Exception"),
    ("PermissionError", "OSError"),
    ("FileExistsError", "OSError"),
    ("IsADirectoryError", "OSError"),
    ("NotADirectoryError", "OSError"),
    ("TimeoutError", "OSError"),
    ("InterruptedError", "OSError"),
    ("ConnectionError", "OSError"),
    ("Warning", "Exception"),
    ("UserWarning", "Warning"),
    ("DeprecationWarning", "Warning"),
    ("RuntimeWarning", "Warning"),
    ("SyntaxWarning", "Warning"),
    ("FutureWarning", "Warning"),
    ("PendingDeprecationWarning", "Warning"),
    ("ImportWarning", "Warning"),
    ("UnicodeWarning", "Warning"),
    ("BytesWarning", "Warning"),
    ("ResourceWarning", "Warning"),
];

/// The slots of the class attribute cache (a power of two).
const ATTR_CACHE: usize = 1024;

/// The slots of the bound-method cache (see [`Space::bound_method`]).
const BM_CACHE: usize = 512;
/// Entries of [`Space::arity_cache`] (a power of two).
pub const ARITY_CACHE: usize = 256;

/// The slots of the global lookup cache (a power of two).
pub const GLOBAL_CACHE: usize = 1024;

/// One slot of [`Space::global_cache`]: the value `name` had in the globals dict
/// `globals` (or, absent there, in the builtins) while that dict had version `gver` and
/// the builtins dict version `bver`. Every change of a dict bumps its version, so a slot
/// whose handle, name and both versions match holds the current value.
#[derive(Clone, Copy, Debug)]
pub struct GlobalSlot {
    pub globals: u32,
    pub name: u32,
    pub gver: u64,
    pub bver: u64,
    pub value: Value,
}

/// The slots of each instance attribute cache (a power of two).
pub const INST_CACHE: usize = 1024;

/// One slot of [`Space::inst_get`] or [`Space::inst_set`]: what reading or writing
/// attribute `name` of an instance of class `cls` with layout `layout` does, valid while
/// `epoch` equals [`Space::class_epoch`] (layouts never change, so a name's slot in a
/// layout is fixed; the class's attributes are fixed for an epoch). `kind` is one of
/// the `IA_*` constants of [`crate::proto`]; `idx` a slot or a layout; `attr` the class
/// attribute.
#[derive(Clone, Copy, Debug)]
pub struct InstSlot {
    pub cls: u32,
    pub layout: u32,
    pub name: u32,
    pub kind: u32,
    pub idx: u32,
    pub epoch: u64,
    pub attr: Value,
}

impl InstSlot {
    pub const EMPTY: InstSlot = InstSlot {
        cls: u32::MAX,
        layout: 0,
        name: 0,
        kind: 0,
        idx: 0,
        epoch: 0,
        attr: Value::Undef,
    };
}

impl GlobalSlot {
    pub const EMPTY: GlobalSlot = GlobalSlot {
        globals: u32::MAX,
        name: 0,
        gver: 0,
        bver: 0,
        value: Value::Undef,
    };
}

/// The object space.
pub struct Space {
    pub heap: Vec<Object>,
    /// The code table: codes only get appended, between top-level runs, so code indexes
    /// stay valid. Appending makes a new table and leaves the old one as it was: a table
    /// is never changed or freed, so the portal's green `codes: &'static [Code]` is keyed
    /// by its address, and a call into the portal from residual code costs nothing to
    /// intern, whatever the size of the program.
    pub codes: &'static [Code],
    /// Same index as `codes`.
    pub infos: Vec<CodeInfo>,
    /// Symbol id → its str object.
    pub syms: Vec<Value>,
    pub sym_ids: HashMap<String, u32>,
    pub cls: Classes,
    /// Builtin exception classes by name.
    pub exc: HashMap<&'static str, Value>,
    /// The builtins namespace (a dict).
    pub builtins: Value,
    /// Imported modules by name.
    pub modules: HashMap<String, Value>,
    /// `.py` modules loaded but not yet run: name → code index of the module body.
    pub pending: HashMap<String, u32>,
    /// The depth of the portal frame running now (0 for the module body): the portal
    /// sets it before residual calls that may call back, and residual calls into the
    /// portal pass `depth + 1` and restore it.
    pub depth: u32,
    /// The recursion limit in force: `sys.getrecursionlimit()` capped at
    /// `modules::MAX_LIMIT`, so portal recursion cannot overflow the stack.
    pub limit: u32,
    /// `sys.getrecursionlimit()`.
    pub limit_requested: u32,
    /// Source lines by file name, for tracebacks.
    pub sources: HashMap<String, Vec<String>>,
    pub layouts: Vec<Layout>,
    /// Buffered stdout.
    pub out: Vec<u8>,
    /// Code indexes `pyrsjit.enable` was asked to compile (each also given to the JIT with
    /// `hints::enable_jit`, which compiles it at its next call).
    pub jit_requests: Vec<u32>,
    pub argv: Vec<String>,
    /// The address of a local of the interpreter thread's first frame and the usable
    /// stack size below it, for [`Space::stack_ok`].
    pub stack_base: usize,
    pub stack_size: usize,
    /// A direct-mapped cache of bound methods (receiver, function) → object, so a
    /// method called in a loop does not make an object per call.
    pub bm_cache: Vec<(Value, Value, u32)>,
    /// The argument counts of built-in methods by (type handle, symbol): a
    /// direct-mapped cache of `builtins::method_arity`. Built-in types are never
    /// freed, so an entry never goes stale.
    pub arity_cache: Vec<(u32, u32, Option<(usize, usize)>)>,
    /// Handles of containers being repr'd (to print `[...]` for cycles).
    pub repr_stack: Vec<u32>,
    /// A direct-mapped cache of class attribute lookups: (class handle, symbol, epoch,
    /// result or `Undef`). Valid while its epoch equals `class_epoch`.
    pub attr_cache: std::cell::RefCell<Vec<(u32, u32, u64, Value)>>,
    /// Bumped whenever any class's attributes change (a collector that reuses handles
    /// must bump it too).
    pub class_epoch: std::cell::Cell<u64>,
    /// A direct-mapped cache of global and builtin lookups by (globals handle, symbol),
    /// guarded by the versions of both dicts (see [`GlobalSlot`]); the collector empties
    /// it, since it reuses handles.
    pub global_cache: Vec<GlobalSlot>,
    /// Direct-mapped caches of instance attribute reads and writes by (class, layout,
    /// symbol), see [`InstSlot`].
    pub inst_get: Vec<InstSlot>,
    pub inst_set: Vec<InstSlot>,
    /// The name of a builtin type's method by symbol id (`""` when no builtin type has
    /// a method of that name), filled as symbols are called as methods.
    pub method_names: Vec<Option<&'static str>>,
    /// Per symbol, which built-in types have a receiver method of that name: bit `k`
    /// for the [`Kind`] numbered `k`, valid when bit `32 + k` is set (filled on first use
    /// by [`Space::has_receiver_method`]).
    pub builtin_methods: Vec<u64>,
    /// The one-char strings of the ASCII chars (made once, always roots).
    pub chars: Vec<Value>,
    /// Per code object (by index), the strs of its name and qualified name once a
    /// function of it was made (`Undef` before; always roots): every function of a code
    /// shares them.
    pub code_names: Vec<(Value, Value)>,
    pub true_str: Value,
    pub empty_str: Value,
    pub empty_tuple: Value,
    /// The directory `.py` modules are imported from.
    pub path: String,
    /// Freed heap slots, reused by [`Space::alloc`].
    pub free: Vec<u32>,
    /// The weight ([`units`]) of the objects made since the last collection.
    pub allocated: usize,
    /// A collection is due after this many allocations.
    pub gc_threshold: usize,
    /// Set when a collection is due; the dispatch loop collects at its next safe point
    /// (see [`crate::gc`]).
    pub gc_pending: bool,
    /// How many residual calls into the dispatch loop are running (collections happen
    /// only when none is).
    pub nesting: u32,
    /// Snapshots of the frames suspended in direct calls, flat: each is its function,
    /// locals and stack, then `Int(i)` with `i` the index where it starts.
    pub frames: Vec<Value>,
    /// The exceptions being handled, innermost last: (frame depth, handler nesting
    /// level in that frame, exception). Entries deeper than `depth` belong to frames
    /// that have been left and are dropped when seen.
    pub exc_info: Vec<(u32, u32, Value)>,
}

/// The fewest allocations between two collections.
pub const GC_MIN: usize = 1 << 18;

impl Space {
    pub fn new() -> Space {
        let mut vm = Space {
            heap: Vec::with_capacity(1 << 16),
            codes: &[],
            infos: Vec::new(),
            syms: Vec::new(),
            sym_ids: HashMap::new(),
            cls: Classes {
                object: Value::Undef,
                type_: Value::Undef,
                none: Value::Undef,
                bool_: Value::Undef,
                int: Value::Undef,
                float: Value::Undef,
                str_: Value::Undef,
                list: Value::Undef,
                tuple: Value::Undef,
                dict: Value::Undef,
                set: Value::Undef,
                frozenset: Value::Undef,
                range: Value::Undef,
                slice: Value::Undef,
                function: Value::Undef,
                builtin: Value::Undef,
                method: Value::Undef,
                module: Value::Undef,
                cell: Value::Undef,
                code: Value::Undef,
                iterator: Value::Undef,
                property: Value::Undef,
                classmethod: Value::Undef,
                staticmethod: Value::Undef,
                super_: Value::Undef,
                notimpl: Value::Undef,
                ellipsis: Value::Undef,
                base_exception: Value::Undef,
            },
            exc: HashMap::new(),
            builtins: Value::Undef,
            modules: HashMap::new(),
            pending: HashMap::new(),
            depth: 0,
            limit: 1000,
            limit_requested: 1000,
            sources: HashMap::new(),
            layouts: vec![Layout::default()],
            out: Vec::with_capacity(1 << 14),
            jit_requests: Vec::new(),
            argv: Vec::new(),
            stack_base: 0,
            stack_size: 0,
            bm_cache: vec![(Value::Undef, Value::Undef, 0); BM_CACHE],
            arity_cache: vec![(u32::MAX, u32::MAX, None); ARITY_CACHE],
            repr_stack: Vec::new(),
            chars: Vec::new(),
            code_names: Vec::new(),
            attr_cache: std::cell::RefCell::new(vec![(u32::MAX, 0, 0, Value::Undef); ATTR_CACHE]),
            class_epoch: std::cell::Cell::new(1),
            global_cache: vec![GlobalSlot::EMPTY; GLOBAL_CACHE],
            inst_get: vec![InstSlot::EMPTY; INST_CACHE],
            inst_set: vec![InstSlot::EMPTY; INST_CACHE],
            method_names: Vec::new(),
            builtin_methods: Vec::new(),
            true_str: Value::Undef,
            empty_str: Value::Undef,
            empty_tuple: Value::Undef,
            path: ".".to_string(),
            free: Vec::new(),
            allocated: 0,
            gc_threshold: GC_MIN,
            gc_pending: false,
            nesting: 0,
            frames: Vec::new(),
            exc_info: Vec::new(),
        };
        for name in PREINTERNED {
            vm.intern(name);
        }
        vm.empty_str = vm.new_str(String::new());
        for c in 0u8..128 {
            let v = vm.new_str((c as char).to_string());
            vm.chars.push(v);
        }
        vm.empty_tuple = vm.alloc(Object::Tuple(Vec::new()));
        vm.true_str = vm.new_str("True".to_string());
        let object = vm.make_builtin_class("object", &[], Kind::Object);
        vm.cls.object = object;
        let mk =
            |vm: &mut Space, name: &str, kind: Kind| vm.make_builtin_class(name, &[object], kind);
        vm.cls.type_ = mk(&mut vm, "type", Kind::Type);
        vm.cls.none = mk(&mut vm, "NoneType", Kind::NoneType);
        vm.cls.int = mk(&mut vm, "int", Kind::Int);
        let int = vm.cls.int;
        vm.cls.bool_ = vm.make_builtin_class("bool", &[int], Kind::Bool);
        vm.cls.float = mk(&mut vm, "float", Kind::Float);
        vm.cls.str_ = mk(&mut vm, "str", Kind::Str);
        vm.cls.list = mk(&mut vm, "list", Kind::List);
        vm.cls.tuple = mk(&mut vm, "tuple", Kind::Tuple);
        vm.cls.dict = mk(&mut vm, "dict", Kind::Dict);
        vm.cls.set = mk(&mut vm, "set", Kind::Set);
        vm.cls.frozenset = mk(&mut vm, "frozenset", Kind::FrozenSet);
        vm.cls.range = mk(&mut vm, "range", Kind::Range);
        vm.cls.slice = mk(&mut vm, "slice", Kind::Slice);
        vm.cls.function = mk(&mut vm, "function", Kind::Function);
        vm.cls.builtin = mk(&mut vm, "builtin_function_or_method", Kind::BuiltinFunction);
        vm.cls.method = mk(&mut vm, "method", Kind::Method);
        vm.cls.module = mk(&mut vm, "module", Kind::Module);
        vm.cls.cell = mk(&mut vm, "cell", Kind::Cell);
        vm.cls.code = mk(&mut vm, "code", Kind::Code);
        vm.cls.iterator = mk(&mut vm, "iterator", Kind::Iterator);
        vm.cls.property = mk(&mut vm, "property", Kind::Property);
        vm.cls.classmethod = mk(&mut vm, "classmethod", Kind::ClassMethod);
        vm.cls.staticmethod = mk(&mut vm, "staticmethod", Kind::StaticMethod);
        vm.cls.super_ = mk(&mut vm, "super", Kind::Super);
        vm.cls.notimpl = mk(&mut vm, "NotImplementedType", Kind::NotImplementedType);
        vm.cls.ellipsis = mk(&mut vm, "ellipsis", Kind::Ellipsis);
        for (name, base) in EXCEPTIONS {
            let bases = if base.is_empty() {
                vec![object]
            } else {
                vec![vm.exc[base]]
            };
            let c = vm.make_builtin_class(name, &bases, Kind::Exception);
            vm.exc.insert(name, c);
        }
        vm.cls.base_exception = vm.exc["BaseException"];
        vm.builtins = vm.alloc(Object::Dict(Box::default()));
        crate::builtins::install(&mut vm);
        vm
    }

    fn make_builtin_class(&mut self, name: &str, bases: &[Value], kind: Kind) -> Value {
        let mut mro = Vec::new();
        if let Some(&b) = bases.first() {
            if let Object::Class(c) = self.obj(b) {
                mro = c.mro.clone();
            }
        }
        let v = self.alloc(Object::Class(Box::new(Class {
            name: name.to_string(),
            qualname: name.to_string(),
            bases: bases.to_vec(),
            mro: Vec::new(),
            dict: Dict::new(),
            kind,
            version: 0,
            builtin: true,
        })));
        mro.insert(0, v);
        if let Object::Class(c) = self.obj_mut(v) {
            c.mro = mro;
        }
        v
    }

    /// Make an object; the one allocation path of the heap.
    #[inline]
    pub fn alloc(&mut self, o: Object) -> Value {
        self.allocated += units(&o);
        if self.allocated >= self.gc_threshold {
            self.gc_pending = true;
        }
        if let Some(h) = self.free.pop() {
            self.heap[h as usize] = o;
            return Value::Obj(h);
        }
        let h = self.heap.len() as u32;
        self.heap.push(o);
        Value::Obj(h)
    }

    /// The object behind a handle value (`Free` for non-objects).
    #[inline]
    pub fn obj(&self, v: Value) -> &Object {
        match v {
            Value::Obj(h) => &self.heap[h as usize],
            _ => &Object::Free,
        }
    }

    #[inline]
    pub fn obj_mut(&mut self, v: Value) -> &mut Object {
        match v {
            Value::Obj(h) => &mut self.heap[h as usize],
            _ => panic!("obj_mut of a non-object"),
        }
    }

    /// The symbol id of `s`, interning it (its str object becomes immortal).
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.sym_ids.get(s) {
            return id;
        }
        let v = self.new_str(s.to_string());
        let id = self.syms.len() as u32;
        self.syms.push(v);
        self.sym_ids.insert(s.to_string(), id);
        id
    }

    /// The str object of a symbol.
    #[inline]
    pub fn sym_str(&self, id: u32) -> Value {
        self.syms[id as usize]
    }

    pub fn sym_name(&self, id: u32) -> &str {
        self.str_of(self.syms[id as usize]).unwrap_or("")
    }

    pub fn new_str(&mut self, s: String) -> Value {
        self.alloc(Object::Str(Str::new(s)))
    }

    pub fn new_list(&mut self, items: Vec<Value>) -> Value {
        self.alloc(Object::List(items))
    }

    pub fn new_tuple(&mut self, items: Vec<Value>) -> Value {
        if items.is_empty() {
            return self.empty_tuple;
        }
        self.alloc(Object::Tuple(items))
    }

    /// The string of a str value.
    #[inline]
    pub fn str_of(&self, v: Value) -> Option<&str> {
        match self.obj(v) {
            Object::Str(s) => Some(&s.s),
            _ => None,
        }
    }

    /// The class of a value.
    pub fn type_of(&self, v: Value) -> Value {
        match v {
            Value::Undef | Value::None => self.cls.none,
            Value::Bool(_) => self.cls.bool_,
            Value::Int(_) => self.cls.int,
            Value::Float(_) => self.cls.float,
            Value::Obj(h) => match &self.heap[h as usize] {
                Object::Str(_) => self.cls.str_,
                Object::BigInt(_) => self.cls.int,
                Object::List(_) => self.cls.list,
                Object::Tuple(_) => self.cls.tuple,
                Object::Dict(_) => self.cls.dict,
                Object::Set(_) => self.cls.set,
                Object::FrozenSet(_) => self.cls.frozenset,
                Object::Range { .. } | Object::BigRange(_) => self.cls.range,
                Object::Slice { .. } => self.cls.slice,
                Object::Iter(_) | Object::DictView { .. } => self.cls.iterator,
                Object::Function(_) => self.cls.function,
                Object::BoundMethod { .. } => self.cls.method,
                Object::Builtin(_) | Object::BuiltinMethod { .. } => self.cls.builtin,
                Object::Class(_) => self.cls.type_,
                Object::Instance(i) => i.class,
                Object::Cell(_) => self.cls.cell,
                Object::Module { .. } => self.cls.module,
                Object::Code(_) => self.cls.code,
                Object::Property { .. } => self.cls.property,
                Object::ClassMethod(_) => self.cls.classmethod,
                Object::StaticMethod(_) => self.cls.staticmethod,
                Object::Super { .. } => self.cls.super_,
                Object::NotImplemented => self.cls.notimpl,
                Object::Ellipsis => self.cls.ellipsis,
                Object::Free => self.cls.object,
            },
        }
    }

    pub fn class(&self, c: Value) -> Option<&Class> {
        match self.obj(c) {
            Object::Class(c) => Some(c),
            _ => None,
        }
    }

    /// The `__name__` of a value's class (`'int'`, `'Foo'`).
    pub fn type_name(&self, v: Value) -> String {
        let t = self.type_of(v);
        match self.class(t) {
            Some(c) => c.name.clone(),
            None => "object".to_string(),
        }
    }

    /// Whether class `c` is `base` or derives from it.
    pub fn is_subclass(&self, c: Value, base: Value) -> bool {
        match self.class(c) {
            Some(cl) => cl.mro.contains(&base),
            None => false,
        }
    }

    pub fn isinstance(&self, v: Value, cls: Value) -> bool {
        let t = self.type_of(v);
        t == cls || self.is_subclass(t, cls)
    }

    /// A new exception of class `cls` with the given arguments.
    pub fn new_exc_args(&mut self, cls: Value, args: Vec<Value>) -> Value {
        let args = self.new_tuple(args);
        self.alloc(Object::Instance(Box::new(Instance {
            class: cls,
            layout: 0,
            slots: Vec::new(),
            exc: Some(Box::new(ExcState {
                args,
                tb: Vec::new(),
                cause: Value::None,
                context: Value::None,
                suppress_context: false,
            })),
            base: Value::Undef,
        })))
    }

    /// A new exception of the builtin class `name` with message `msg`.
    pub fn err(&mut self, name: &str, msg: impl Into<String>) -> Value {
        let cls = match self.exc.get(name) {
            Some(&c) => c,
            None => self.exc["Exception"],
        };
        let m = self.new_str(msg.into());
        self.new_exc_args(cls, vec![m])
    }

    pub fn type_error(&mut self, msg: impl Into<String>) -> Value {
        self.err("TypeError", msg)
    }

    pub fn value_error(&mut self, msg: impl Into<String>) -> Value {
        self.err("ValueError", msg)
    }

    /// The exception state of an exception instance.
    pub fn exc_state(&mut self, e: Value) -> Option<&mut ExcState> {
        match e {
            Value::Obj(h) => match &mut self.heap[h as usize] {
                Object::Instance(i) => i.exc.as_deref_mut(),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether the interpreter thread's stack has room for another level of nesting;
    /// deep recursion through Rust (repr of nested lists, calls through builtins) stops
    /// with a `RecursionError` instead of overflowing.
    pub fn stack_ok(&self) -> bool {
        if self.stack_base == 0 {
            return true;
        }
        let here = 0u8;
        let addr = &here as *const u8 as usize;
        let used = self.stack_base.saturating_sub(addr);
        used < self.stack_size
    }

    /// A bound method object for (receiver, function), reusing a recent one.
    pub fn bound_method(&mut self, recv: Value, func: Value) -> Value {
        let k = (value_bits(recv) ^ value_bits(func).rotate_left(7)) as usize;
        let k = (k ^ (k >> 9)) % BM_CACHE;
        let (r, f, h) = self.bm_cache[k];
        if r == recv && f == func && h != 0 {
            return Value::Obj(h);
        }
        let v = self.alloc(Object::BoundMethod { recv, func });
        if let Value::Obj(h) = v {
            self.bm_cache[k] = (recv, func, h);
        }
        v
    }

    /// A builtin method object for (receiver, name), reusing a recent one.
    /// Whether the built-in type of kind `kind` has a method `name` called on a receiver
    /// ([`crate::builtins::has_method`], and neither a dunder nor one of the class
    /// methods `fromkeys` and `maketrans`), remembered per symbol.
    pub fn has_receiver_method(&mut self, kind: Kind, name: u32) -> bool {
        let k = kind as u32;
        debug_assert!(k < 32);
        let i = name as usize;
        if let Some(&bits) = self.builtin_methods.get(i) {
            if bits & (1 << (32 + k)) != 0 {
                return bits & (1 << k) != 0;
            }
        }
        let n = self.sym_name(name);
        let has = crate::builtins::has_method(kind, n)
            && !n.starts_with("__")
            && n != "fromkeys"
            && n != "maketrans";
        if self.builtin_methods.len() <= i {
            self.builtin_methods.resize(i + 1, 0);
        }
        self.builtin_methods[i] |= (1 << (32 + k)) | ((has as u64) << k);
        has
    }

    pub fn builtin_method(&mut self, recv: Value, name: u32) -> Value {
        let k = (value_bits(recv) ^ (name as u64).wrapping_mul(0x9e3779b97f4a7c15)) as usize;
        let k = (k ^ (k >> 13)) % BM_CACHE;
        let (r, f, h) = self.bm_cache[k];
        if r == recv && f == Value::Int(-(name as i64) - 1) && h != 0 {
            return Value::Obj(h);
        }
        let v = self.alloc(Object::BuiltinMethod { recv, name });
        if let Value::Obj(h) = v {
            self.bm_cache[k] = (recv, Value::Int(-(name as i64) - 1), h);
        }
        v
    }

    /// Write to the buffered stdout (flushed when large, at exit, before tracebacks and
    /// on `input()`; a closed pipe is ignored).
    pub fn write_out(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
        if self.out.len() > 1 << 16 {
            self.flush();
        }
    }

    pub fn flush(&mut self) {
        use std::io::Write;
        if !self.out.is_empty() {
            let mut o = std::io::stdout().lock();
            let _ = o.write_all(&self.out);
            let _ = o.flush();
            self.out.clear();
        }
    }
}

impl Default for Space {
    fn default() -> Space {
        Space::new()
    }
}

/// The weight of an object for scheduling collections: one per object plus one per 64
/// bytes it owns.
pub fn units(o: &Object) -> usize {
    1 + match o {
        Object::Str(s) => s.s.len() / 64,
        Object::List(v) | Object::Tuple(v) => v.len() / 4,
        Object::BigInt(b) => (b.bits() / 512) as usize,
        Object::Dict(d) => d.entries.len() / 2,
        Object::Set(t) | Object::FrozenSet(t) => t.table.len() / 4,
        _ => 0,
    }
}

/// Write to stderr, ignoring errors (a closed stderr must not stop the program).
pub fn write_err(s: &str) {
    use std::io::Write;
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(s.as_bytes());
    let _ = e.flush();
}

/// A value's bits for hashing identities.
pub fn value_bits(v: Value) -> u64 {
    match v {
        Value::Undef => 1,
        Value::None => 2,
        Value::Bool(b) => 3 + b as u64,
        Value::Int(i) => (i as u64).wrapping_mul(31).wrapping_add(5),
        Value::Float(f) => f.to_bits().wrapping_mul(17),
        Value::Obj(h) => (h as u64).wrapping_mul(0x9e3779b97f4a7c15) >> 3,
    }
}
