//! Sets and frozensets laid out as CPython lays them out (open addressing with a
//! block of linear probes then perturbation, dummies for deleted keys, the same
//! growth policy), so they iterate, print and `pop` in CPython's order. Key
//! comparison may run Python code, so probing re-reads the table by handle after each
//! comparison.

use crate::objects::Object;
use crate::proto::{self, R};
use crate::space::Space;
use crate::value::Value;

const MINSIZE: usize = 8;
const LINEAR_PROBES: usize = 9;

/// One slot: empty (`Undef` key, hash 0), a dummy (`Undef` key, hash -1) or a key.
#[derive(Clone, Copy, Debug)]
pub struct Slot {
    pub hash: i64,
    pub key: Value,
}

const EMPTY: Slot = Slot {
    hash: 0,
    key: Value::Undef,
};

/// The table of a set.
#[derive(Clone, Debug)]
pub struct SetTable {
    pub table: Vec<Slot>,
    /// Keys plus dummies.
    pub fill: usize,
    /// Keys.
    pub used: usize,
    /// Where `pop` starts looking.
    pub finger: usize,
}

impl Default for SetTable {
    fn default() -> SetTable {
        SetTable::new()
    }
}

impl SetTable {
    pub fn new() -> SetTable {
        SetTable {
            table: vec![EMPTY; MINSIZE],
            fill: 0,
            used: 0,
            finger: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.used
    }

    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// The keys in table order.
    pub fn keys(&self) -> Vec<Value> {
        self.table
            .iter()
            .filter(|s| s.key != Value::Undef)
            .map(|s| s.key)
            .collect()
    }

    /// The (key, hash) pairs in table order.
    pub fn entries(&self) -> Vec<(Value, i64)> {
        self.table
            .iter()
            .filter(|s| s.key != Value::Undef)
            .map(|s| (s.key, s.hash))
            .collect()
    }

    fn mask(&self) -> usize {
        self.table.len() - 1
    }

    /// Insert a key known to be absent into a table without dummies.
    fn insert_clean(table: &mut [Slot], key: Value, hash: i64) {
        let mask = table.len() - 1;
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        loop {
            if table[i].key == Value::Undef {
                table[i] = Slot { hash, key };
                return;
            }
            if i + LINEAR_PROBES <= mask {
                for j in 1..=LINEAR_PROBES {
                    if table[i + j].key == Value::Undef {
                        table[i + j] = Slot { hash, key };
                        return;
                    }
                }
            }
            perturb >>= 5;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }

    /// Rebuild with the smallest table larger than `minused`.
    pub fn resize(&mut self, minused: usize) {
        let mut size = MINSIZE;
        while size <= minused {
            size <<= 1;
        }
        let mut nt = vec![EMPTY; size];
        for s in &self.table {
            if s.key != Value::Undef {
                SetTable::insert_clean(&mut nt, s.key, s.hash);
            }
        }
        self.table = nt;
        self.fill = self.used;
    }

    pub fn clear(&mut self) {
        *self = SetTable::new();
    }

    /// A copy as CPython's `set(other_set)` makes it.
    pub fn copy_of(&self) -> SetTable {
        let mut s = SetTable::new();
        if self.used == 0 {
            return s;
        }
        if self.used * 5 >= s.mask() * 3 {
            s.resize(self.used * 2);
        }
        if s.table.len() == self.table.len() && self.fill == self.used {
            s.table = self.table.clone();
        } else {
            for e in &self.table {
                if e.key != Value::Undef {
                    SetTable::insert_clean(&mut s.table, e.key, e.hash);
                }
            }
        }
        s.fill = self.used;
        s.used = self.used;
        s
    }
}

fn table(vm: &Space, s: Value) -> Option<&SetTable> {
    match vm.obj(s) {
        Object::Set(t) | Object::FrozenSet(t) => Some(t),
        _ => None,
    }
}

fn table_mut(vm: &mut Space, s: Value) -> Option<&mut SetTable> {
    match vm.obj_mut(s) {
        Object::Set(t) | Object::FrozenSet(t) => Some(t),
        _ => None,
    }
}

/// Whether stored key `k` (hash equal) is `key`.
fn same_key(vm: &mut Space, k: Value, key: Value) -> R<bool> {
    if k == key && !matches!(key, Value::Float(_)) {
        return Ok(true);
    }
    proto::eq(vm, k, key)
}

/// The slot holding `key`, if any.
pub fn find(vm: &mut Space, s: Value, key: Value, hash: i64) -> R<Option<usize>> {
    'restart: loop {
        let Some(t) = table(vm, s) else {
            return Ok(None);
        };
        let mut mask = t.mask();
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for j in 0..=probes {
                let (slot, len) = match table(vm, s) {
                    Some(t) => (t.table.get(i + j).copied(), t.table.len()),
                    None => return Ok(None),
                };
                let Some(slot) = slot else { continue 'restart };
                if slot.key == Value::Undef && slot.hash == 0 {
                    return Ok(None);
                }
                if slot.key != Value::Undef && slot.hash == hash {
                    if same_key(vm, slot.key, key)? {
                        return Ok(Some(i + j));
                    }
                    match table(vm, s) {
                        Some(t) if t.table.len() == len && t.table[i + j].key == slot.key => {
                            mask = t.mask()
                        }
                        _ => continue 'restart,
                    }
                }
            }
            perturb >>= 5;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }
}

/// Add `key` (hash `hash`).
pub fn add_hashed(vm: &mut Space, s: Value, key: Value, hash: i64) -> R<()> {
    'restart: loop {
        let Some(t) = table(vm, s) else { return Ok(()) };
        let mut mask = t.mask();
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        let mut freeslot: Option<usize> = None;
        loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for j in 0..=probes {
                let (slot, len) = match table(vm, s) {
                    Some(t) => (t.table.get(i + j).copied(), t.table.len()),
                    None => return Ok(()),
                };
                let Some(slot) = slot else { continue 'restart };
                if slot.key == Value::Undef && slot.hash == 0 {
                    let Some(t) = table_mut(vm, s) else {
                        return Ok(());
                    };
                    match freeslot {
                        Some(f) => {
                            t.used += 1;
                            t.table[f] = Slot { hash, key };
                        }
                        None => {
                            t.fill += 1;
                            t.used += 1;
                            t.table[i + j] = Slot { hash, key };
                            if t.fill * 5 >= mask * 3 {
                                let u = t.used;
                                t.resize(if u > 50000 { u * 2 } else { u * 4 });
                            }
                        }
                    }
                    return Ok(());
                }
                if slot.key != Value::Undef && slot.hash == hash {
                    if same_key(vm, slot.key, key)? {
                        return Ok(());
                    }
                    match table(vm, s) {
                        Some(t) if t.table.len() == len && t.table[i + j].key == slot.key => {
                            mask = t.mask()
                        }
                        _ => continue 'restart,
                    }
                } else if slot.key == Value::Undef && slot.hash == -1 && freeslot.is_none() {
                    freeslot = Some(i + j);
                }
            }
            perturb >>= 5;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }
}

pub fn add(vm: &mut Space, s: Value, key: Value) -> R<()> {
    let h = proto::hash(vm, key)?;
    add_hashed(vm, s, key, h)
}

pub fn contains(vm: &mut Space, s: Value, key: Value) -> R<bool> {
    let h = proto::hash(vm, key)?;
    Ok(find(vm, s, key, h)?.is_some())
}

/// Remove `key`; whether it was there.
pub fn discard_hashed(vm: &mut Space, s: Value, key: Value, hash: i64) -> R<bool> {
    match find(vm, s, key, hash)? {
        Some(i) => {
            if let Some(t) = table_mut(vm, s) {
                t.table[i] = Slot {
                    hash: -1,
                    key: Value::Undef,
                };
                t.used -= 1;
            }
            Ok(true)
        }
        None => Ok(false),
    }
}

pub fn discard(vm: &mut Space, s: Value, key: Value) -> R<bool> {
    let h = proto::hash(vm, key)?;
    discard_hashed(vm, s, key, h)
}

/// `s.pop()`: the key at or after the finger; `None` when empty.
pub fn pop(vm: &mut Space, s: Value) -> Option<Value> {
    let t = table_mut(vm, s)?;
    if t.used == 0 {
        return None;
    }
    let n = t.table.len();
    let mut i = t.finger & (n - 1);
    while t.table[i].key == Value::Undef {
        i = (i + 1) % n;
    }
    let k = t.table[i].key;
    t.table[i] = Slot {
        hash: -1,
        key: Value::Undef,
    };
    t.used -= 1;
    t.finger = i + 1;
    Some(k)
}

/// A new set (or frozenset) object with table `t`.
pub fn new(vm: &mut Space, t: SetTable, frozen: bool) -> Value {
    vm.alloc(if frozen {
        Object::FrozenSet(t)
    } else {
        Object::Set(t)
    })
}

/// `s.update(other)` (`set_update_internal`): sets merge table by table, dicts
/// by keys, other iterables item by item.
pub fn update(vm: &mut Space, s: Value, other: Value) -> R<()> {
    if let Some(o) = table(vm, other) {
        if s == other || o.used == 0 {
            return Ok(());
        }
        let entries = o.entries();
        let oused = o.used;
        let Some(t) = table_mut(vm, s) else {
            return Ok(());
        };
        if (t.fill + oused) * 5 >= t.mask() * 3 {
            let u = t.used;
            t.resize((u + oused) * 2);
        }
        if t.fill == 0 {
            let other_t = match vm.obj(other) {
                Object::Set(o) | Object::FrozenSet(o) => o.clone(),
                _ => return Ok(()),
            };
            let Some(t) = table_mut(vm, s) else {
                return Ok(());
            };
            if t.table.len() == other_t.table.len() && other_t.fill == other_t.used {
                t.table = other_t.table.clone();
            } else {
                for (k, h) in &entries {
                    SetTable::insert_clean(&mut t.table, *k, *h);
                }
            }
            t.fill = oused;
            t.used = oused;
            return Ok(());
        }
        for (k, h) in entries {
            add_hashed(vm, s, k, h)?;
        }
        return Ok(());
    }
    if let Object::Dict(d) = vm.obj(other) {
        let items = d
            .entries
            .iter()
            .filter(|e| e.key != Value::Undef)
            .map(|e| (e.key, e.hash))
            .collect::<Vec<_>>();
        let n = items.len();
        if let Some(t) = table_mut(vm, s) {
            if (t.fill + n) * 5 >= t.mask() * 3 {
                let u = t.used;
                t.resize((u + n) * 2);
            }
        }
        for (k, h) in items {
            add_hashed(vm, s, k, h)?;
        }
        return Ok(());
    }
    // A list or tuple of numbers and strs (whose hashing runs no Python code, so the
    // sequence cannot change meanwhile): its items, with the table sized for them once.
    let plain = |vm: &Space, v: &Value| match v {
        Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::None => true,
        Value::Obj(_) => matches!(vm.obj(*v), Object::Str(_)),
        _ => false,
    };
    let items = match vm.obj(other) {
        Object::List(x) | Object::Tuple(x) if x.iter().all(|v| plain(vm, v)) => Some(x.clone()),
        _ => None,
    };
    if let Some(items) = items {
        let n = items.len();
        if let Some(t) = table_mut(vm, s) {
            if (t.fill + n) * 5 >= t.mask() * 3 {
                let u = t.used;
                t.resize((u + n) * 2);
            }
        }
        for v in items {
            add(vm, s, v)?;
        }
        return Ok(());
    }
    let it = proto::get_iter(vm, other)?;
    loop {
        let v = proto::next(vm, it)?;
        if v == Value::Undef {
            return Ok(());
        }
        add(vm, s, v)?;
    }
}

/// A new set of the items of an iterable (`set(x)`).
pub fn from_iter(vm: &mut Space, x: Value, frozen: bool) -> R<Value> {
    let s = new(vm, SetTable::new(), frozen);
    update(vm, s, x)?;
    Ok(s)
}

/// A set object to use as the right operand of a set operation: `o` itself when it is
/// a set, else a new set of its items.
fn as_set(vm: &mut Space, o: Value) -> R<Value> {
    if table(vm, o).is_some() {
        return Ok(o);
    }
    from_iter(vm, o, false)
}

fn copy(vm: &mut Space, s: Value, frozen: bool) -> Value {
    let t = table(vm, s).map(|t| t.copy_of()).unwrap_or_default();
    new(vm, t, frozen)
}

/// `a | b`, `a & b`, `a - b`, `a ^ b` of sets (the result has `a`'s type).
pub fn binop(vm: &mut Space, op: char, a: Value, b: Value) -> R<Value> {
    let frozen = matches!(vm.obj(a), Object::FrozenSet(_));
    let b = as_set(vm, b)?;
    match op {
        '|' => {
            let r = copy(vm, a, frozen);
            update(vm, r, b)?;
            Ok(r)
        }
        '&' => {
            let r = new(vm, SetTable::new(), frozen);
            let (la, lb) = (
                table(vm, a).map(|t| t.used).unwrap_or(0),
                table(vm, b).map(|t| t.used).unwrap_or(0),
            );
            let (big, small) = if lb > la { (b, a) } else { (a, b) };
            let entries = table(vm, small).map(|t| t.entries()).unwrap_or_default();
            for (k, h) in entries {
                if find(vm, big, k, h)?.is_some() {
                    add_hashed(vm, r, k, h)?;
                }
            }
            Ok(r)
        }
        '-' => {
            let (la, lb) = (
                table(vm, a).map(|t| t.used).unwrap_or(0),
                table(vm, b).map(|t| t.used).unwrap_or(0),
            );
            if (la >> 2) > lb {
                let r = copy(vm, a, frozen);
                let entries = table(vm, b).map(|t| t.entries()).unwrap_or_default();
                for (k, h) in entries {
                    discard_hashed(vm, r, k, h)?;
                }
                return Ok(r);
            }
            let r = new(vm, SetTable::new(), frozen);
            let entries = table(vm, a).map(|t| t.entries()).unwrap_or_default();
            for (k, h) in entries {
                if find(vm, b, k, h)?.is_none() {
                    add_hashed(vm, r, k, h)?;
                }
            }
            Ok(r)
        }
        _ => {
            let r = copy(vm, b, frozen);
            let entries = table(vm, a).map(|t| t.entries()).unwrap_or_default();
            for (k, h) in entries {
                if !discard_hashed(vm, r, k, h)? {
                    add_hashed(vm, r, k, h)?;
                }
            }
            Ok(r)
        }
    }
}

/// `a |= b` and the like, in place.
pub fn inplace(vm: &mut Space, op: char, a: Value, b: Value) -> R<()> {
    match op {
        '|' => update(vm, a, b),
        '-' => {
            if a == b {
                if let Some(t) = table_mut(vm, a) {
                    t.clear();
                }
                return Ok(());
            }
            let b = as_set(vm, b)?;
            let entries = table(vm, b).map(|t| t.entries()).unwrap_or_default();
            for (k, h) in entries {
                discard_hashed(vm, a, k, h)?;
            }
            Ok(())
        }
        '^' => {
            if a == b {
                if let Some(t) = table_mut(vm, a) {
                    t.clear();
                }
                return Ok(());
            }
            let b = as_set(vm, b)?;
            let entries = table(vm, b).map(|t| t.entries()).unwrap_or_default();
            for (k, h) in entries {
                if !discard_hashed(vm, a, k, h)? {
                    add_hashed(vm, a, k, h)?;
                }
            }
            Ok(())
        }
        _ => {
            let r = binop(vm, '&', a, b)?;
            let t = table(vm, r).cloned().unwrap_or_default();
            if let Some(x) = table_mut(vm, a) {
                *x = t;
            }
            Ok(())
        }
    }
}

/// CPython's frozenset hash.
pub fn hash(t: &SetTable) -> i64 {
    let shuffle = |h: u64| ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167);
    let mut hash: u64 = 0;
    for s in &t.table {
        if s.key != Value::Undef {
            hash ^= shuffle(s.hash as u64);
        }
    }
    hash ^= (t.used as u64 + 1).wrapping_mul(1927868237);
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash.wrapping_mul(69069).wrapping_add(907133923);
    if hash == u64::MAX {
        590923713
    } else {
        hash as i64
    }
}
