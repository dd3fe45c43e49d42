//! The kinds of heap objects. Every object lives in the object space's heap
//! (`Space::heap`) and is named by a `u32` handle ([`Value::Obj`]); objects refer to
//! each other by [`Value`]s, never by Rust references, so the collector
//! ([`crate::gc`]) finds them by walking values.
//!
//! Designed for the JIT that comes later: instances keep their attribute layout (a
//! [`Layout`], shared by every instance that got the same attributes in the same order)
//! apart from the values (`Instance::slots`), and dicts and classes carry a version
//! number bumped on every change, so compiled code can guard on a layout or version
//! instead of looking names up.

use crate::value::Value;
use num_bigint::BigInt;

/// A string with its hash (computed when first needed) and its length in chars.
#[derive(Clone, Debug)]
pub struct Str {
    pub s: String,
    /// The hash, or -1 before it is computed (see [`Str::hash`]).
    pub hash_cache: std::cell::Cell<i64>,
    /// `s.is_ascii()`: chars are bytes, so `len` and indexing are O(1).
    pub ascii: bool,
    /// The number of chars.
    pub nchars: usize,
}

impl Str {
    pub fn new(s: String) -> Str {
        let ascii = s.is_ascii();
        let nchars = if ascii { s.len() } else { s.chars().count() };
        Str {
            s,
            hash_cache: std::cell::Cell::new(-1),
            ascii,
            nchars,
        }
    }

    /// `a + b` without scanning the result again.
    pub fn concat(a: &Str, b: &Str) -> Str {
        let mut s = String::with_capacity(a.s.len() + b.s.len());
        s.push_str(&a.s);
        s.push_str(&b.s);
        Str {
            s,
            hash_cache: std::cell::Cell::new(-1),
            ascii: a.ascii && b.ascii,
            nchars: a.nchars + b.nchars,
        }
    }

    /// The hash of the string (computed once).
    #[inline]
    pub fn hash(&self) -> i64 {
        let h = self.hash_cache.get();
        if h != -1 {
            return h;
        }
        let h = str_hash(&self.s);
        self.hash_cache.set(h);
        h
    }
}

/// FNV-1a over the UTF-8 bytes, never -1 (as CPython's hashes).
pub fn str_hash(s: &str) -> i64 {
    if s.is_empty() {
        return 0;
    }
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    let h = (h >> 1) as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

/// No entry in this slot of a dict's index table.
pub const EMPTY: u32 = u32::MAX;
/// An entry was deleted from this slot (probing goes on past it).
pub const DELETED: u32 = u32::MAX - 1;

/// One key of a dict or set; a deleted entry has `key == Value::Undef`.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub hash: i64,
    pub key: Value,
    pub value: Value,
}

/// An insertion-ordered hash table (dicts, sets, namespaces): `entries` in insertion
/// order with deleted ones tombstoned, `indices` an open-addressing table (a power of
/// two long) of entry positions. Key comparison may run Python code, so lookups are
/// done by the object space (`Space::dict_find`), which probes with [`Dict::probe`].
#[derive(Clone, Debug, Default)]
pub struct Dict {
    pub entries: Vec<Entry>,
    pub indices: Vec<u32>,
    /// Live entries.
    pub len: usize,
    /// Bumped on every insertion, deletion and value change.
    pub version: u64,
}

impl Dict {
    pub fn new() -> Dict {
        Dict::default()
    }

    /// The `i`th slot visited when probing for `hash` (CPython's perturbation scheme).
    pub fn probe_start(&self, hash: i64) -> (usize, u64) {
        let mask = self.indices.len().wrapping_sub(1);
        ((hash as u64 as usize) & mask, hash as u64)
    }

    /// The next slot after `i` with perturbation `perturb` (updated).
    pub fn probe_next(&self, i: usize, perturb: &mut u64) -> usize {
        let mask = self.indices.len() - 1;
        *perturb >>= 5;
        (i.wrapping_mul(5)
            .wrapping_add(1)
            .wrapping_add(*perturb as usize))
            & mask
    }

    /// Append an entry for a key known to be absent.
    pub fn insert_new(&mut self, hash: i64, key: Value, value: Value) {
        if (self.entries.len() + 1) * 3 >= self.indices.len() * 2 {
            self.rebuild();
        }
        let pos = self.entries.len() as u32;
        self.entries.push(Entry { hash, key, value });
        let (mut i, mut perturb) = self.probe_start(hash);
        loop {
            let ix = self.indices[i];
            if ix == EMPTY || ix == DELETED {
                self.indices[i] = pos;
                break;
            }
            i = self.probe_next(i, &mut perturb);
        }
        self.len += 1;
        self.version += 1;
    }

    /// Remove the entry at `pos` (found by a lookup).
    pub fn remove_at(&mut self, pos: usize) {
        let hash = self.entries[pos].hash;
        let (mut i, mut perturb) = self.probe_start(hash);
        loop {
            let ix = self.indices[i];
            if ix == EMPTY {
                break;
            }
            if ix as usize == pos {
                self.indices[i] = DELETED;
                break;
            }
            i = self.probe_next(i, &mut perturb);
        }
        self.entries[pos].key = Value::Undef;
        self.entries[pos].value = Value::Undef;
        self.len -= 1;
        self.version += 1;
        if self.len == 0 {
            self.entries.clear();
            self.indices.clear();
        }
    }

    /// Drop deleted entries and size the index table for the live ones plus growth.
    pub fn rebuild(&mut self) {
        self.entries.retain(|e| e.key != Value::Undef);
        let mut size = 8;
        while size * 2 <= (self.entries.len() + 1) * 3 {
            size *= 2;
        }
        size *= 2;
        self.indices = vec![EMPTY; size];
        for pos in 0..self.entries.len() {
            let (mut i, mut perturb) = self.probe_start(self.entries[pos].hash);
            while self.indices[i] != EMPTY {
                i = self.probe_next(i, &mut perturb);
            }
            self.indices[i] = pos as u32;
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.indices.clear();
        self.len = 0;
        self.version += 1;
    }

    /// The live entries' keys, in order.
    pub fn keys(&self) -> Vec<Value> {
        self.entries
            .iter()
            .filter(|e| e.key != Value::Undef)
            .map(|e| e.key)
            .collect()
    }

    pub fn values(&self) -> Vec<Value> {
        self.entries
            .iter()
            .filter(|e| e.key != Value::Undef)
            .map(|e| e.value)
            .collect()
    }

    pub fn items(&self) -> Vec<(Value, Value)> {
        self.entries
            .iter()
            .filter(|e| e.key != Value::Undef)
            .map(|e| (e.key, e.value))
            .collect()
    }
}

/// A Python function: a code index into the code table and what it closes over.
#[derive(Clone, Debug)]
pub struct Function {
    pub code: u32,
    /// The module dict (a `Dict` object).
    pub globals: Value,
    /// A tuple of positional defaults, or `Undef`.
    pub defaults: Value,
    /// A dict of keyword-only defaults, or `Undef`.
    pub kwdefaults: Value,
    /// A tuple of cells, or `Undef`.
    pub closure: Value,
    pub name: Value,
    pub qualname: Value,
    /// The number of arguments a call binds by position alone (the code takes exactly
    /// that many positional parameters and nothing else), or -1.
    pub simple_nargs: i32,
    /// Attributes set by the program (`f.attr = v`), a dict or `Undef`.
    pub dict: Value,
}

/// A class: builtin types and exception classes too.
#[derive(Clone, Debug)]
pub struct Class {
    pub name: String,
    pub qualname: String,
    pub bases: Vec<Value>,
    /// The method resolution order, the class itself first.
    pub mro: Vec<Value>,
    /// Class attributes keyed by str values.
    pub dict: Dict,
    /// Which builtin type this is, or derives from (instances of a subclass of
    /// `Exception` are exceptions): the builtin class's own kind.
    pub kind: Kind,
    /// Bumped on every change of this class's attributes.
    pub version: u64,
    /// One of the builtin classes (not made by the program).
    pub builtin: bool,
}

/// The builtin type a class is, or the builtin base it derives its instances from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Object,
    Type,
    NoneType,
    Bool,
    Int,
    Float,
    Str,
    List,
    Tuple,
    Dict,
    Set,
    FrozenSet,
    Range,
    Slice,
    Function,
    BuiltinFunction,
    Method,
    Module,
    Cell,
    Code,
    Iterator,
    Property,
    ClassMethod,
    StaticMethod,
    Super,
    NotImplementedType,
    Ellipsis,
    /// `BaseException` and every class deriving from it.
    Exception,
}

/// What an exception instance carries besides attributes.
#[derive(Clone, Debug)]
pub struct ExcState {
    /// A tuple.
    pub args: Value,
    /// Frames the exception went through, innermost first: (code index, pc).
    pub tb: Vec<(u32, u32)>,
    pub cause: Value,
    pub context: Value,
    /// `__suppress_context__`: set by `raise ... from ...`.
    pub suppress_context: bool,
}

/// An instance of a class made by the program (or of an exception class).
#[derive(Clone, Debug)]
pub struct Instance {
    pub class: Value,
    /// Index of its [`Layout`] in `Space::layouts`.
    pub layout: u32,
    pub slots: Vec<Value>,
    pub exc: Option<Box<ExcState>>,
    /// For an instance of a subclass of a builtin type (`class Stack(list)`): the
    /// builtin value it extends, which operations the class does not define act on;
    /// else `Undef`.
    pub base: Value,
}

/// The attribute names of instances, slot by slot, and the layouts reached by adding
/// one more name. Layout 0 has no attributes.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub names: Vec<u32>,
    pub next: Vec<(u32, u32)>,
}

/// What an iterator object walks.
#[derive(Clone, Debug)]
pub enum Iter {
    /// Over a list, tuple or str (by index; a str gives one-char strings).
    Seq {
        seq: Value,
        i: usize,
    },
    Range {
        cur: i64,
        stop: i64,
        step: i64,
    },
    /// Over a range with bounds outside `i64`: current, stop, step.
    BigRange(Box<[BigInt; 3]>),
    /// Keys (0), values (1) or items (2) of a dict or set; `len` is its size when made
    /// (a change of size is an error, as in CPython).
    Dict {
        d: Value,
        pos: usize,
        what: u8,
        len: usize,
    },
    /// A list of values made eagerly (`map`, `filter`, `zip`, `reversed`, ...).
    Values {
        items: Vec<Value>,
        i: usize,
    },
    /// The slots of a set from `pos`; `used` its size when made.
    Set {
        s: Value,
        pos: usize,
        used: usize,
    },
    Enumerate {
        it: Value,
        n: Value,
    },
    Zip {
        its: Vec<Value>,
    },
    /// An instance with `__next__`.
    User {
        obj: Value,
    },
    /// `iter(callable, sentinel)`.
    Callable {
        f: Value,
        sentinel: Value,
    },
    Done,
}

/// A heap object.
#[derive(Clone, Debug)]
pub enum Object {
    Str(Str),
    BigInt(BigInt),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Dict(Box<Dict>),
    Set(crate::set::SetTable),
    FrozenSet(crate::set::SetTable),
    Range {
        start: i64,
        stop: i64,
        step: i64,
    },
    /// A range whose start, stop or step is outside `i64` (`range(2 ** 64)`).
    BigRange(Box<[BigInt; 3]>),
    Slice {
        lo: Value,
        hi: Value,
        step: Value,
    },
    Iter(Iter),
    /// A view of a dict: keys (0), values (1), items (2).
    DictView {
        d: Value,
        what: u8,
    },
    Function(Box<Function>),
    /// A method bound to its receiver.
    BoundMethod {
        recv: Value,
        func: Value,
    },
    /// A builtin function, by name.
    Builtin(&'static str),
    /// A method of a builtin type bound to its receiver (`[].append`), by name.
    BuiltinMethod {
        recv: Value,
        name: u32,
    },
    Class(Box<Class>),
    Instance(Box<Instance>),
    Cell(Value),
    Module {
        name: String,
        dict: Value,
    },
    /// A code object (`f.__code__`): the index into the code table.
    Code(u32),
    Property {
        fget: Value,
        fset: Value,
        fdel: Value,
    },
    ClassMethod(Value),
    StaticMethod(Value),
    /// `super(cls, obj)`.
    Super {
        cls: Value,
        obj: Value,
    },
    NotImplemented,
    Ellipsis,
    /// A freed slot (reserved for the collector).
    Free,
}

#[cfg(test)]
mod tests {
    /// Heap slots stay small: large parts of objects are boxed.
    #[test]
    fn object_sizes() {
        assert_eq!(std::mem::size_of::<crate::value::Value>(), 16);
        assert!(std::mem::size_of::<super::Object>() <= 56);
    }
}
