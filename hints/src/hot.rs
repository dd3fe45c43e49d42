//! Hot-spot detection: how often the plain interpreter passed each merge key (and each
//! portal entry key), counted cheaply enough to run on every pass.
//!
//! A key is hashed (its block and green words) into a bucket of two of the [`SLOTS`]
//! counters, each tagged with the rest of the hash. A key counts in the slot of its
//! bucket that holds its tag; a key that finds neither takes over the colder slot and
//! starts counting from 1. So a cold key never inherits the passes of others (a large
//! program passes many keys once each), two hot keys that share a bucket both become
//! hot, and two keys that share a bucket and a tag, which is rare, share a count.
//! Counts saturate, never wrap.
//!
//! A portal key whose unit is compiled stays at the highest count ([`saturate`]), so
//! its calls go on to the JIT; one whose unit failed is blocked ([`block`]), so its
//! calls run the plain portal without asking the JIT again.
//!
//! **Invariant:** the hash of a merge key is the same whether the interpreter computes
//! it from its variables or the driver from a state, so the driver can ask how hot a
//! state it meets is. The plain interpreter's merge point counts on its greens (those
//! `global_merge_point!(greens(..))` lists, else the variables named like a green of
//! the portal): their [`CountKey`]s mixed into [`portal_start`]. A merge point with no
//! such variable is counted by its merge hook, on all the green inputs of its merge
//! block ([`key_hash`]). A portal call is counted on its green arguments
//! ([`key_hash`] with block `u32::MAX`).
//!
//! This table lives in `hints`, below the JIT's runtime, because the plain interpreter
//! counts in it without calling into the JIT.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

/// Counters in the table (a power of two).
pub const SLOTS: usize = 1 << 16;

/// The hash of a key: `block` (a merge block, or `u32::MAX` for a portal entry) and the
/// key's green words.
pub fn key_hash(block: u32, words: &[u64]) -> u64 {
    words.iter().fold(start(block), |h, w| mix(h, *w))
}

/// The hash of a key of block `block` before its words (see [`mix`]).
pub fn start(block: u32) -> u64 {
    (block as u64).wrapping_mul(K)
}

/// `h` with word `w` mixed in: the word's multiple (off the chain from word to word,
/// so a key of several words hashes in a few cycles) into a rotated `h`. `spread`
/// finishes the hash where a counter is looked up.
#[inline]
pub fn mix(h: u64, w: u64) -> u64 {
    h.rotate_left(5) ^ w.wrapping_mul(K)
}

/// A hash's bits spread over the whole word: slots and tags are taken from it.
#[inline]
pub fn spread(hash: u64) -> u64 {
    (hash ^ hash >> 31).wrapping_mul(K)
}

const K: u64 = 0x517c_c1b7_2722_0a95;

/// The hash of a listed merge point's key before its greens: the portal's name's
/// (FNV-1a), so keys of two portals with the same greens differ.
pub const fn portal_start(portal: &str) -> u64 {
    let b = portal.as_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < b.len() {
        h = (h ^ b[i] as u64).wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
}

/// A green value as the counting hash of a merge point takes it (see
/// [`portal_start`]): integers, `bool`, `char` and floats by value (a float's bits),
/// references, slices and `str` by address. Green data is interned, so its address
/// stands for its contents (two slices that start at one address share counts).
#[diagnostic::on_unimplemented(
    message = "a green of `global_merge_point!` cannot be counted: `{Self}`",
    note = "a green of the merge point is an integer, `bool`, `char`, a float, or a reference"
)]
pub trait CountKey {
    /// `h` with this value's words mixed in ([`mix`]).
    fn mix_into(&self, h: u64) -> u64;
}

macro_rules! count_scalar {
    ($($t:ty),*) => {$(
        impl CountKey for $t {
            #[inline(always)]
            fn mix_into(&self, h: u64) -> u64 { mix(h, *self as u64) }
        }
    )*};
}
count_scalar!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, bool, char);

impl CountKey for f64 {
    #[inline(always)]
    fn mix_into(&self, h: u64) -> u64 {
        mix(h, self.to_bits())
    }
}
impl CountKey for f32 {
    #[inline(always)]
    fn mix_into(&self, h: u64) -> u64 {
        mix(h, self.to_bits() as u64)
    }
}
impl<T> CountKey for &T {
    #[inline(always)]
    fn mix_into(&self, h: u64) -> u64 {
        mix(h, *self as *const T as u64)
    }
}
impl<T> CountKey for &mut T {
    #[inline(always)]
    fn mix_into(&self, h: u64) -> u64 {
        mix(h, &**self as *const T as u64)
    }
}
impl<T> CountKey for &mut [T] {
    #[inline(always)]
    fn mix_into(&self, h: u64) -> u64 {
        mix(h, self.as_ptr() as u64)
    }
}
impl<T> CountKey for &[T] {
    #[inline(always)]
    fn mix_into(&self, h: u64) -> u64 {
        mix(h, self.as_ptr() as u64)
    }
}
impl CountKey for &str {
    #[inline(always)]
    fn mix_into(&self, h: u64) -> u64 {
        mix(h, self.as_ptr() as u64)
    }
}

/// The table of counters, one for the process: counting needs no access to a
/// thread's JIT. Counts are estimates (threads may lose each other's increments).
static COUNTERS: [AtomicU64; SLOTS] = [const { AtomicU64::new(0) }; SLOTS];

/// Bits a key sets when it is passed (the low bits of its hash pick one): whether the
/// interpreter ever passed a key, kept apart from the counters, where another key can
/// take a slot over. A key sets its bit when it takes a slot (its first pass, or the
/// first after losing its slot). A shared bit makes a key look passed; a key that
/// shares its bucket and tag with another may look never passed, which costs compiled
/// code an exit to the interpreter there, never a wrong result.
const SEEN_BITS: usize = 1 << 20;
static SEEN: [AtomicU64; SEEN_BITS / 64] = [const { AtomicU64::new(0) }; SEEN_BITS / 64];

/// Passes that make a key hot (`--jit-threshold`).
static THRESHOLD: AtomicU32 = AtomicU32::new(DEFAULT_THRESHOLD);

/// The default of `--jit-threshold`.
pub const DEFAULT_THRESHOLD: u32 = 1000;

/// Whether counting is off: the JIT can compile nothing more (its code space is full),
/// so the interpreter's merge point stops at one test.
static OFF: AtomicBool = AtomicBool::new(false);

/// Turn counting off for the rest of the process.
pub fn turn_off() {
    OFF.store(true, Ordering::Relaxed);
}

/// Whether counting is off (see [`turn_off`]).
#[inline]
pub fn off() -> bool {
    OFF.load(Ordering::Relaxed)
}

/// Set the passes that make a key hot.
pub fn set_threshold(n: u32) {
    THRESHOLD.store(n.max(1), Ordering::Relaxed);
}

/// The passes that make a key hot.
#[inline]
pub fn threshold() -> u32 {
    THRESHOLD.load(Ordering::Relaxed)
}

/// The first of the two slots of the bucket of a key whose spread hash is `s` (the
/// other follows it).
#[inline]
fn bucket(s: u64) -> usize {
    (s >> 40) as usize & (SLOTS - 1) & !1
}

/// The count a slot's word holds, a blocked key's as 0 (the first to be taken over).
#[inline]
fn held(v: u64) -> u32 {
    match v as u32 {
        BLOCKED => 0,
        n => n,
    }
}

/// The slot of `hash`'s bucket that counts it, with its word; else the colder slot of
/// the bucket (the one a new key takes over), with `None`.
#[inline]
fn slot(hash: u64) -> (&'static AtomicU64, Option<u64>) {
    slot_of(spread(hash))
}

/// [`slot`] of a key whose spread hash is `s`.
#[inline]
fn slot_of(s: u64) -> (&'static AtomicU64, Option<u64>) {
    let i = bucket(s);
    let t = tag(s);
    let (a, b) = (&COUNTERS[i], &COUNTERS[i + 1]);
    let va = a.load(Ordering::Relaxed);
    if va & TAG_BITS == t {
        return (a, Some(va));
    }
    let vb = b.load(Ordering::Relaxed);
    if vb & TAG_BITS == t {
        return (b, Some(vb));
    }
    (if held(va) <= held(vb) { a } else { b }, None)
}

/// The bits of a slot's word that hold its key's tag.
const TAG_BITS: u64 = 0xffff_ffff_0000_0000;

/// The tag of a key whose spread hash is `s` in its slot: the hash's low half (the
/// slot is chosen by high bits), kept in the high half of the slot's word, above the
/// count.
#[inline]
fn tag(s: u64) -> u64 {
    s << 32
}

/// The bit of [`SEEN`] of a key whose spread hash is `s`, as (word, mask).
#[inline]
fn seen_bit(s: u64) -> (&'static AtomicU64, u64) {
    let bit = (s >> 8) as usize & (SEEN_BITS - 1);
    (&SEEN[bit / 64], 1u64 << (bit % 64))
}

/// Count one pass of the key `hash`; returns its count after it. A key that has no
/// slot takes one over (and is marked seen): the passes of a key that keeps its slot
/// cost two loads and a store.
#[inline]
pub fn tick(hash: u64) -> u32 {
    let s = spread(hash);
    // The common pass, in line: the bucket's first slot counts the key.
    let first = &COUNTERS[bucket(s)];
    let v = first.load(Ordering::Relaxed);
    if v & TAG_BITS == tag(s) {
        let n = v as u32;
        if n < SATURATED {
            first.store(v.wrapping_add(1), Ordering::Relaxed);
            return n.wrapping_add(1);
        }
        if n == SATURATED {
            return n;
        }
    }
    tick_slot(s)
}

/// [`tick`] of a key whose spread hash is `s`, in whichever slot of its bucket.
#[inline(never)]
fn tick_slot(s: u64) -> u32 {
    let (c, v) = slot_of(s);
    let n = match v {
        Some(v) if v as u32 == BLOCKED => return 0,
        Some(v) => (v as u32).saturating_add(1).min(SATURATED),
        None => {
            let (seen, mask) = seen_bit(s);
            seen.fetch_or(mask, Ordering::Relaxed);
            1
        }
    };
    c.store(tag(s) | n as u64, Ordering::Relaxed);
    n
}

/// The count of a key that is never to be hot again (see [`block`]).
const BLOCKED: u32 = u32::MAX;

/// The highest count: a key counted this often stays there (see [`saturate`]).
const SATURATED: u32 = BLOCKED - 1;

/// Make the key `hash` count as hot from now on, with its slot (a portal key whose
/// unit is compiled: a call counts it and goes on to the JIT, see `Jit::unit_for_forced`).
/// Another key may still take the slot over; the key then counts up again.
pub fn saturate(hash: u64) {
    let s = spread(hash);
    slot_of(s)
        .0
        .store(tag(s) | SATURATED as u64, Ordering::Relaxed);
}

/// Make the key `hash` count as cold from now on (its unit could not be compiled):
/// the interpreter passes it without asking the JIT, until another key takes its slot.
pub fn block(hash: u64) {
    let s = spread(hash);
    slot_of(s)
        .0
        .store(tag(s) | BLOCKED as u64, Ordering::Relaxed);
}

/// Count one pass of the key `hash`; whether it is hot now.
#[inline]
pub fn tick_hot(hash: u64) -> bool {
    tick(hash) >= threshold()
}

/// Whether the key `hash` was ever passed (or shares its bit with one that was).
pub fn seen(hash: u64) -> bool {
    seen_of(spread(hash))
}

/// [`seen`] of a key whose spread hash is `s`.
#[inline]
fn seen_of(s: u64) -> bool {
    let (seen, mask) = seen_bit(s);
    seen.load(Ordering::Relaxed) & mask != 0
}

/// The passes that make a key warm: compiled code that meets it compiles it in line
/// rather than leaving for the interpreter there. Two: code the interpreter ran once
/// (setting up, straight-line code) is not compiled with a hot loop that leads to it,
/// and becomes a bridge if it gets hot itself. (One with `--jit-threshold 1`.)
pub fn warm_threshold() -> u32 {
    threshold().min(WARM_PASSES)
}

/// See [`warm_threshold`].
const WARM_PASSES: u32 = 2;

/// Whether the key `hash` is warm: passed [`warm_threshold`] times, or, when its
/// slot counts another key (or it was compiled and gave its slot back), passed at all.
pub fn warm(hash: u64) -> bool {
    let s = spread(hash);
    match slot_of(s).1 {
        Some(v) if v as u32 != BLOCKED => v as u32 >= warm_threshold(),
        _ => seen_of(s),
    }
}

/// The passes counted for `hash` (0 when its slot counts another key).
pub fn count(hash: u64) -> u32 {
    match slot(hash).1 {
        Some(v) if v as u32 != BLOCKED => v as u32,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket_of(hash: u64) -> usize {
        bucket(spread(hash))
    }

    fn tag_of(hash: u64) -> u64 {
        tag(spread(hash))
    }

    #[test]
    fn counts_per_key_and_saturates() {
        let a = key_hash(3, &[0x1000, 7]);
        let b = key_hash(3, &[0x1000, 8]);
        assert_ne!(a, b);
        let before = count(a);
        for _ in 0..5 {
            tick(a);
        }
        assert_eq!(count(a), before + 5);
        // Program counters next to each other land in different buckets.
        let buckets: std::collections::HashSet<usize> = (0..64u64)
            .map(|pc| bucket_of(key_hash(3, &[0x1000, pc])))
            .collect();
        assert!(buckets.len() >= 60, "{} buckets for 64 keys", buckets.len());
        tick(b);
        let (sb, _) = slot(b);
        sb.store(tag_of(b) | (SATURATED - 1) as u64, Ordering::Relaxed);
        assert_eq!(tick(b), SATURATED);
        assert_eq!(tick(b), SATURATED);
        block(b);
        assert_eq!((tick(b), count(b)), (0, 0));
        // A key of the same bucket takes over the colder slot: the blocked key's.
        let mut others = (1..)
            .map(|i| b.wrapping_add(i))
            .filter(|c| bucket_of(*c) == bucket_of(b) && tag_of(*c) != tag_of(b));
        let c = others.next().unwrap();
        assert_eq!(count(c), 0);
        assert_eq!(tick(c), 1);
        assert!(seen(b) && seen(c));
        // A compiled portal key stays hot where it is counted.
        saturate(c);
        assert_eq!((tick(c), tick(c)), (SATURATED, SATURATED));
    }

    #[test]
    fn two_hot_keys_of_one_bucket_both_become_hot() {
        // Two keys that share a bucket, passed in turn (two functions that call each
        // other), each count in a slot of their own.
        let a = key_hash(7, &[0x2000, 1]);
        let mut same = (2..)
            .map(|i| key_hash(7, &[0x2000, i]))
            .filter(|c| bucket_of(*c) == bucket_of(a) && tag_of(*c) != tag_of(a));
        let b = same.next().unwrap();
        let c = same.next().unwrap();
        COUNTERS[bucket_of(a)].store(0, Ordering::Relaxed);
        COUNTERS[bucket_of(a) + 1].store(0, Ordering::Relaxed);
        for _ in 0..100 {
            tick(a);
            tick(b);
        }
        assert_eq!((count(a), count(b)), (100, 100));
        // A third key takes over one of the two slots; the key it took restarts.
        assert_eq!(tick(c), 1);
        assert_eq!(count(a) + count(b), 100);
        assert_eq!(count(c), 1);
    }

    #[test]
    fn the_block_is_part_of_the_key() {
        assert_ne!(key_hash(1, &[5]), key_hash(2, &[5]));
    }
}
