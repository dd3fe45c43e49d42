//! A state between blocks: what of a path's state a block receives.
//!
//! Freezing a state numbers its vectors known while compiling (virtual or of known
//! length) in the order its red words name them, and lists the words a block for it
//! takes as parameters: its red words, the vectors' elements or pointers, and the
//! elements the path remembers (see `Cx::memory`). Entering a block does the reverse
//! with the block's parameters. A merge point passed for the first time is not frozen:
//! [`live_shape_key`] gives its key from the live state. The shape (which
//! words are vectors, their kinds and lengths) is part of a merge key, since a block's
//! parameters depend on it.

use crate::cx::{Cx, Virtual};
use crate::driver::{Extension, MergeKey};
use crate::ops::Elem;
use crate::word::{Stop, Word};
use backend::{Block, Kind, Value};
use std::borrow::Cow;

/// A state as a block or an entry point receives it: its virtual vectors (see
/// [`crate::cx`]) numbered from 0 in the order they first appear among its red words,
/// with their element types and lengths. The red words of the state are those of the
/// path it was frozen on; entering a block replaces them with the block's parameters.
///
/// A block that only one jump enters (a case of a switch) keeps the constants the state
/// knows (`keep_consts`), and so does a merge block, which states with those constants
/// enter (see [`MergeBlock::consts`]); an entry point, and a key's last merge block,
/// take every word as a parameter.
#[derive(Clone)]
pub struct Frozen<S> {
    pub state: S,
    /// The vectors known while compiling, numbered as the state's `Word::Virtual`s
    /// (never `Virtual::Forced`).
    pub vecs: Vec<Virtual>,
    /// Element values compiled code has loaded or stored (see `Cx::memory`): the vector
    /// (a `vecs` number), the index, and the value (a block parameter like the others).
    /// Not part of the key: a jump to a merge block supplies the elements the block
    /// expects (see [`memory_args`]).
    pub memory: Vec<(u32, Index, Word)>,
    pub keep_consts: bool,
}

/// The index of a remembered element: the state's red word at a position, or a constant.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Index {
    Word(usize),
    Const(u64),
}

/// A merge block and the remembered elements its parameters end with.
#[derive(Clone, Debug)]
pub struct MergeBlock {
    pub block: Block,
    pub memory: Vec<(u32, Index)>,
    /// Per word of a state with the block's key (as [`freeze`] lists them without
    /// keeping constants), the constant the block keeps there (not a parameter); empty
    /// for a block whose parameters are every word.
    pub consts: Vec<Option<Word>>,
}

impl<S> Frozen<S> {
    /// A state without virtual vectors.
    pub fn plain(state: S) -> Self {
        Frozen {
            state,
            vecs: Vec::new(),
            memory: Vec::new(),
            keep_consts: false,
        }
    }

    /// The state of an entry point at a promotion, with its promoted input set to
    /// `value`.
    pub fn promoted<E: Extension<State = S>>(self, value: u64) -> Self {
        Frozen {
            state: E::promoted(self.state, value),
            ..self
        }
    }

    /// The remembered element at index `i` of vector `k`, if the state remembers it.
    fn remembered(&self, k: u32, i: Index) -> Option<Word> {
        self.memory
            .iter()
            .find(|m| (m.0, m.1) == (k, i))
            .map(|m| m.2)
    }

    /// Whether `w`, a word of the state or an element of a virtual vector, is a block
    /// parameter.
    pub(crate) fn is_param(&self, w: &Word) -> bool {
        match w {
            Word::Virtual(_) => false,
            Word::Const(..) => !self.keep_consts,
            Word::Var(..) => true,
        }
    }
}

/// The key of a frozen state: its state key, then where its virtual vectors are among
/// its red words and their shapes (a block's parameters depend on them).
pub fn frozen_key<E: Extension>(f: &Frozen<E::State>) -> Option<MergeKey> {
    let (block, mut key) = E::state_key(&f.state)?;
    shape_key::<E>(f, &mut key);
    Some((block, key))
}

pub(crate) fn shape_key<E: Extension>(f: &Frozen<E::State>, key: &mut Vec<u64>) {
    push_shape(&E::red_words(&f.state), f.vecs.iter(), key);
}

/// Append to `key` where the vectors are among `words` (numbered as a frozen state
/// numbers them) and the shapes of `vecs`, those vectors in that order.
fn push_shape<'a>(words: &[Word], vecs: impl Iterator<Item = &'a Virtual>, key: &mut Vec<u64>) {
    for (i, w) in words.iter().enumerate() {
        if let Word::Virtual(k) = w {
            key.push(i as u64);
            key.push(*k as u64);
        }
    }
    for v in vecs {
        v.shape(key);
    }
}

/// Append to `key` what [`shape_key`] appends for `s` frozen on the current path, without
/// freezing it (a merge point passed for the first time needs only its key).
pub(crate) fn live_shape_key<E: Extension>(
    cx: &Cx,
    s: &E::State,
    key: &mut Vec<u64>,
) -> Result<(), Stop> {
    let (words, vecs) = number_vectors(cx, E::red_words(s))?;
    push_shape(&words, vecs.iter().map(|(_, v)| &**v), key);
    Ok(())
}

/// The red words `reds` of a state on the current path, resolved (see [`Cx::resolve`])
/// and with its virtual vectors and structs numbered from 0 in the order they first
/// appear, among the words and then inside those numbered before (a struct holding a
/// vector); and those entries in that order, with their numbers in the path's heap and
/// the `Word::Virtual`s they hold renumbered the same way.
fn number_vectors<'c>(
    cx: &'c Cx,
    reds: Vec<Word>,
) -> Result<(Vec<Word>, Vec<(u32, Cow<'c, Virtual>)>), Stop> {
    let mut vecs: Vec<(u32, Cow<'c, Virtual>)> = Vec::new();
    let number = |w: Word, vecs: &mut Vec<(u32, Cow<'c, Virtual>)>| -> Result<Word, Stop> {
        Ok(match cx.resolve(w) {
            Word::Virtual(n) => {
                let k = match vecs.iter().position(|(m, _)| *m == n) {
                    Some(k) => k,
                    None => {
                        let v = cx
                            .heap
                            .get(n as usize)
                            .ok_or_else(|| Stop::fail("a virtual vector that does not exist"))?;
                        vecs.push((n, Cow::Borrowed(v)));
                        vecs.len() - 1
                    }
                };
                Word::Virtual(k as u32)
            }
            w => w,
        })
    };
    let mut words = Vec::with_capacity(reds.len());
    for w in reds {
        words.push(number(w, &mut vecs)?);
    }
    let mut i = 0;
    while i < vecs.len() {
        let inner = vecs[i].1.words();
        if inner
            .iter()
            .any(|w| matches!(w, Word::Virtual(_)) || cx.resolve(*w) != *w)
        {
            let mut renumbered = Vec::with_capacity(inner.len());
            for w in inner {
                renumbered.push(number(w, &mut vecs)?);
            }
            let v = vecs[i].1.with_words(&mut renumbered.into_iter());
            vecs[i].1 = Cow::Owned(v);
        }
        i += 1;
    }
    Ok((words, vecs))
}

/// `s` with each constant among its words (as [`freeze`] lists them, constants included)
/// whose position `keep` does not mark made a value of the current block, so that a
/// block frozen from it keeping constants takes that word as a parameter.
pub(crate) fn unkeep<E: Extension>(
    cx: &mut Cx,
    s: E::State,
    keep: &[bool],
) -> Result<E::State, Stop> {
    let reds = E::red_words(&s);
    let (numbered_words, numbered) = number_vectors(cx, reds.clone())?;
    let heap_ids: Vec<u32> = numbered.iter().map(|(n, _)| *n).collect();
    let mut pos = 0;
    let mut generalise = |cx: &mut Cx, w: Word| -> Result<Word, Stop> {
        let at = pos;
        pos += 1;
        match w {
            Word::Const(_, k) if !keep.get(at).copied().unwrap_or(false) => {
                Ok(Word::Var(cx.val(w)?, k))
            }
            w => Ok(w),
        }
    };
    let mut words = Vec::with_capacity(reds.len());
    for (w, nw) in reds.iter().zip(&numbered_words) {
        words.push(match nw {
            Word::Virtual(_) => *w,
            _ => generalise(cx, *nw)?,
        });
    }
    for n in heap_ids {
        let v = cx.heap[n as usize].clone();
        let mut items = Vec::new();
        for w in v.words() {
            items.push(match cx.resolve(w) {
                Word::Virtual(_) => w,
                r => generalise(cx, r)?,
            });
        }
        cx.heap[n as usize] = v.with_words(&mut items.into_iter());
    }
    Ok(E::with_red_words(s, &mut words.into_iter()))
}

/// Freeze `s`: the frozen state and the words a block for it takes after the frame
/// pointer (the red words that are not virtual vectors, in order, then the elements of
/// each virtual vector; without constants when `keep_consts`).
///
/// With `with_memory`, the frozen state also keeps the remembered elements whose vector
/// and index it holds (their words are not among the returned ones).
pub(crate) fn freeze<E: Extension>(
    cx: &Cx,
    s: E::State,
    keep_consts: bool,
    with_memory: bool,
) -> Result<(Frozen<E::State>, Vec<Word>), Stop> {
    let (words, numbered) = number_vectors(cx, E::red_words(&s))?;
    let mut flat: Vec<Word> = words
        .iter()
        .filter(|w| !matches!(w, Word::Virtual(_)))
        .copied()
        .collect();
    for (_, v) in &numbered {
        flat.extend(v.words());
    }
    let mut memory = Vec::new();
    if with_memory {
        for ((data, index), value) in &cx.memory {
            let k = numbered.iter().position(
                |(_, v)| matches!(&**v, Virtual::Sized { data: Word::Var(d, _), .. } if d == data),
            );
            let at = match index {
                Word::Const(c, _) => Some(Index::Const(*c)),
                w => words.iter().position(|x| x == w).map(Index::Word),
            };
            if let (Some(k), Some(at)) = (k, at) {
                memory.push((k as u32, at, *value));
            }
        }
        memory.sort_by_key(|(k, i, _)| (*k, *i));
    }
    let vecs = numbered.into_iter().map(|(_, v)| v.into_owned()).collect();
    let state = E::with_red_words(s, &mut words.into_iter());
    let f = Frozen {
        state,
        vecs,
        memory,
        keep_consts,
    };
    flat.retain(|w| f.is_param(w));
    Ok((f, flat))
}

/// Freeze `s` for an entry point (an exit to the JIT names it, with its words in the
/// frame's `out` after the entry and the promoted value): every word a parameter, no
/// remembered elements. When its words would not fit the frame, its largest virtual
/// vectors are allocated first (each is then one word).
pub(crate) fn freeze_entry<E: Extension>(
    cx: &mut Cx,
    s: E::State,
) -> Result<(Frozen<E::State>, Vec<Word>), Stop> {
    loop {
        let (words, vecs) = number_vectors(cx, E::red_words(&s))?;
        let count = words
            .iter()
            .filter(|w| !matches!(w, Word::Virtual(_)))
            .count()
            + vecs.iter().map(|(_, v)| v.word_count()).sum::<usize>();
        if crate::frame::entry_fits(count) {
            break;
        }
        let largest = vecs
            .iter()
            .filter(|(_, v)| {
                matches!(
                    &**v,
                    Virtual::Vec { .. } | Virtual::Struct { .. } | Virtual::Slice { .. }
                ) && v.word_count() > 1
            })
            .max_by_key(|(_, v)| v.word_count())
            .map(|(n, _)| *n);
        match largest {
            Some(n) => {
                cx.concrete(Word::Virtual(n))?;
            }
            None => break,
        }
    }
    let (frozen, words) = freeze::<E>(cx, s, false, false)?;
    if !crate::frame::entry_fits(words.len()) {
        return Err(Stop::fail(format!(
            "a state with {} red words does not fit the JIT frame",
            words.len()
        )));
    }
    Ok((frozen, words))
}

/// The arguments of a jump into a new block for `f`: the frame pointer, `words` (from
/// [`freeze`]), then the remembered elements that are parameters.
pub(crate) fn block_args<E: Extension>(
    cx: &mut Cx,
    f: &Frozen<E::State>,
    words: &[Word],
) -> Result<Vec<Value>, Stop> {
    let mut args = vec![cx.frame];
    for w in words
        .iter()
        .chain(f.memory.iter().map(|m| &m.2).filter(|w| f.is_param(w)))
    {
        args.push(cx.val(*w)?);
    }
    Ok(args)
}

/// The kinds of the parameters of a block for `f`: the frame pointer, then the words
/// [`freeze`] gives.
pub(crate) fn param_kinds<E: Extension>(f: &Frozen<E::State>) -> Vec<Kind> {
    let mut k = vec![Kind::Ptr];
    k.extend(
        E::red_words(&f.state)
            .iter()
            .filter(|w| f.is_param(w))
            .map(|w| w.kind()),
    );
    for v in &f.vecs {
        k.extend(v.words().iter().filter(|w| f.is_param(w)).map(|w| w.kind()));
    }
    k.extend(
        f.memory
            .iter()
            .filter(|m| f.is_param(&m.2))
            .map(|m| m.2.kind()),
    );
    k
}

/// The values of the remembered elements `layout` expects, for a jump from the state
/// `f` frozen on the current path, when it remembers them all (no load is needed).
pub(crate) fn remembered_args<E: Extension>(
    cx: &mut Cx,
    f: &Frozen<E::State>,
    layout: &[(u32, Index)],
) -> Result<Option<Vec<Value>>, Stop> {
    let mut out = Vec::with_capacity(layout.len());
    for (k, i) in layout {
        match f.remembered(*k, *i) {
            Some(w) => out.push(cx.val(w)?),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

/// The values of the remembered elements `layout` expects, for a jump from the state
/// `f` frozen on the current path: its own where it remembers them, else loaded. The
/// load's index is clamped into the vector: a value at an index out of bounds is never
/// read, because every access checks its index before it looks at remembered values.
pub(crate) fn memory_args<E: Extension>(
    cx: &mut Cx,
    f: &Frozen<E::State>,
    layout: &[(u32, Index)],
) -> Result<Vec<Value>, Stop> {
    let words = E::red_words(&f.state);
    let mut out = Vec::new();
    for (k, i) in layout {
        if let Some(w) = f.remembered(*k, *i) {
            out.push(cx.val(w)?);
            continue;
        }
        let Some(Virtual::Sized {
            elem, len, data, ..
        }) = f.vecs.get(*k as usize)
        else {
            return Err(Stop::fail(
                "a remembered element of a vector the state lacks",
            ));
        };
        let (Elem::Scalar(elem), len) = (*elem, *len as i64) else {
            return Err(Stop::fail(
                "a remembered element of a vector of values of several words",
            ));
        };
        let data = cx.val(*data)?;
        // The index when it is known while compiling, else the word that holds it.
        let known = match i {
            Index::Const(c) => Ok(*c),
            Index::Word(p) => words[*p].as_const().ok_or(*p),
        };
        let index = match known {
            Ok(c) => cx.b.iconst((c as i64).clamp(0, len.max(1) - 1)),
            Err(p) => {
                let iv = cx.val(words[p])?;
                let inside = cx.bin_i(backend::BinOp::Ult, iv, len)?;
                let zero = cx.b.iconst(0);
                let mask = cx.bin(backend::BinOp::Sub, zero, inside)?;
                cx.bin(backend::BinOp::And, iv, mask)?
            }
        };
        let mt = elem.mem();
        cx.tick()?;
        out.push(cx.b.load_indexed(mt, data, index, mt.size() as u8, 0)?);
    }
    Ok(out)
}

/// Enter `blk` (a block with the [`param_kinds`] of `f`, or the function's entry): the red words
/// and the virtual vectors' elements become its parameters.
pub(crate) fn enter<E: Extension>(
    cx: &mut Cx,
    blk: Block,
    f: Frozen<E::State>,
) -> Result<E::State, Stop> {
    cx.b.switch_to(blk)?;
    let params = cx.b.params(blk).to_vec();
    cx.frame = params[0];
    let mut ps = params[1..].iter().copied();
    let mut next = |k: Kind| {
        ps.next()
            .map(|v| Word::Var(v, k))
            .ok_or_else(|| Stop::fail("a block with too few parameters for its state"))
    };
    let mut words = Vec::new();
    for w in E::red_words(&f.state) {
        words.push(if f.is_param(&w) { next(w.kind())? } else { w });
    }
    let mut heap = Vec::new();
    for v in &f.vecs {
        let ws = v
            .words()
            .iter()
            .map(|w| {
                if f.is_param(w) {
                    next(w.kind())
                } else {
                    Ok(*w)
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        heap.push(v.with_words(&mut ws.into_iter()));
    }
    cx.forget_block();
    for (k, i, w) in &f.memory {
        let value = if f.is_param(w) { next(w.kind())? } else { *w };
        let index = match i {
            Index::Word(p) => words[*p],
            Index::Const(c) => Word::int(*c as i64),
        };
        if let Some(Virtual::Sized {
            data: Word::Var(d, _),
            ..
        }) = heap.get(*k as usize)
        {
            cx.memory.insert((*d, index), value);
        }
    }
    cx.heap = heap;
    Ok(E::with_red_words(f.state, &mut words.into_iter()))
}
