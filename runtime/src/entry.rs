//! The state a unit entered from the plain interpreter starts from.
//!
//! The interpreter's variables arrive as the words the frontend encodes them to: a
//! struct is a pointer to its fields' words, a vector a pointer to a red vector. Taken
//! as they are, compiled code would load and store every field and element through
//! memory. Instead the entry *unpacks* what the interpreter owns, the way compiled code
//! keeps what it builds itself: a struct becomes a virtual struct of its fields' words,
//! a short vector a virtual vector of its elements' words, and a long vector of scalars
//! a vector of known length (its pointer and its elements' address), each word a
//! parameter of the unit. The shapes found (which values are unpacked, the vectors'
//! lengths) are part of the unit's key.
//!
//! **Invariant:** only values the interpreter owns are unpacked into virtuals (what a
//! reference points to must see compiled code's changes, so it stays in memory); an exit
//! to the interpreter allocates them again and the merge hook decodes them back.

use crate::cx::{Virtual, MAX_VIRTUAL_LEN};
use crate::frame::RVec;
use crate::ops::{Elem, Scalar};
use crate::word::Word;
use backend::Kind;

/// What one word of an encoded variable is, for unpacking.
#[derive(Debug)]
pub enum Layout {
    /// Taken as it is.
    Keep,
    /// A red vector with elements of this type.
    Vec(Elem),
    /// A red struct: the kinds of its fields' words, and the layout of each word.
    Struct(&'static [Kind], &'static [Layout]),
}

/// A unit's start unpacked from the words `args` (laid out as `layouts`, of the kinds of
/// the start state's words `base`; `owned` says which words the interpreter owns): the state's red words (placeholders for
/// parameters, or virtual numbers), the virtual entries (numbered as freezing numbers
/// them: those among the state's words first, then those inside them, in order), the
/// unit's arguments in the order its entry takes them, and the shape for its key.
pub struct Unpacked {
    pub words: Vec<Word>,
    pub vecs: Vec<Virtual>,
    pub args: Vec<u64>,
    pub shape: Vec<u64>,
}

/// Unpack `args`. With `keep_all`, nothing is unpacked but long vectors of scalars
/// (the shape then says so).
///
/// # Safety
/// Each word laid out as a vector or struct points to a live red vector or struct of
/// that layout.
pub unsafe fn unpack(
    base: &[Word],
    args: &[u64],
    layouts: &[Layout],
    owned: &[bool],
    keep_all: bool,
) -> Unpacked {
    let mut out = Unpacked {
        words: Vec::with_capacity(args.len()),
        vecs: Vec::new(),
        args: Vec::new(),
        shape: vec![keep_all as u64],
    };
    // Entries still to fill, in number order: (entry, word, layout, owned).
    let mut queue: Vec<(usize, u64, &Layout)> = Vec::new();
    let mut vec_args: Vec<Vec<u64>> = Vec::new();
    for (i, w) in args.iter().enumerate() {
        let l = layouts.get(i).unwrap_or(&Layout::Keep);
        let own = owned.get(i).copied().unwrap_or(false) && !keep_all;
        let word = match classify(*w, l, own, &mut out, &mut queue, &mut vec_args) {
            Some(k) => Word::Virtual(k),
            None => {
                out.args.push(*w);
                base.get(i).copied().unwrap_or(Word::Const(0, Kind::Int))
            }
        };
        out.words.push(word);
    }
    let mut next = 0;
    while next < queue.len() {
        let (k, w, l) = queue[next];
        next += 1;
        let mut params = Vec::new();
        let entry = match l {
            Layout::Vec(elem) => {
                let rv = &*(w as *const RVec);
                match elem {
                    _ if rv.len * elem.width() > MAX_VIRTUAL_LEN => {
                        params.extend([w, rv.ptr as u64]);
                        Virtual::Sized {
                            elem: *elem,
                            len: rv.len,
                            ptr: Word::Const(0, Kind::Ptr),
                            data: Word::Const(0, Kind::Ptr),
                        }
                    }
                    _ => {
                        let signed = matches!(elem, Elem::Scalar(Scalar::Int(t)) if t.signed());
                        let values = crate::frame::rvec_to_words(rv, signed);
                        let width = elem.width();
                        let items = (0..values.len())
                            .map(|i| Word::Const(0, elem.kind(i % width)))
                            .collect();
                        params.extend(values);
                        Virtual::Vec { elem: *elem, items }
                    }
                }
            }
            Layout::Struct(kinds, fields) => {
                let p = w as *const u64;
                let mut words = Vec::with_capacity(kinds.len());
                for (i, (kind, fl)) in kinds.iter().zip(fields.iter()).enumerate() {
                    let fw = *p.add(i);
                    match classify(fw, fl, true, &mut out, &mut queue, &mut vec_args) {
                        Some(k) => words.push(Word::Virtual(k)),
                        None => {
                            params.push(fw);
                            words.push(Word::Const(0, *kind));
                        }
                    }
                }
                Virtual::Struct {
                    kinds,
                    fields: words,
                }
            }
            Layout::Keep => unreachable!("a kept word is not queued"),
        };
        out.vecs[k] = entry;
        vec_args[k] = params;
    }
    for a in vec_args {
        out.args.extend(a);
    }
    out
}

/// The number of the virtual entry encoded word `w` of layout `l` becomes (queued to be
/// filled), or `None` when it stays a parameter; its shape is appended to the key.
unsafe fn classify<'l>(
    w: u64,
    l: &'l Layout,
    owned: bool,
    out: &mut Unpacked,
    queue: &mut Vec<(usize, u64, &'l Layout)>,
    vec_args: &mut Vec<Vec<u64>>,
) -> Option<u32> {
    let unpack = match l {
        Layout::Keep => false,
        Layout::Vec(elem) => {
            let rv = &*(w as *const RVec);
            match elem {
                // A long vector is taken with its length, owned or not.
                _ if rv.len * elem.width() > MAX_VIRTUAL_LEN => {
                    out.shape.extend([1, rv.len as u64]);
                    true
                }
                _ if owned && rv.len * elem.width() <= MAX_VIRTUAL_LEN => {
                    out.shape.extend([2, rv.len as u64]);
                    true
                }
                _ => false,
            }
        }
        Layout::Struct(..) => {
            if owned {
                out.shape.push(3);
            }
            owned
        }
    };
    if !unpack {
        out.shape.push(0);
        return None;
    }
    let k = out.vecs.len();
    out.vecs.push(Virtual::Forced(Word::Const(0, Kind::Ptr)));
    vec_args.push(Vec::new());
    queue.push((k, w, l));
    Some(k as u32)
}
