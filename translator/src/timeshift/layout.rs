//! How values of each type look in generated code: the Rust type of a green value, the
//! machine words of a red one (its *layout*), and the generated functions that convert
//! between the two (`enc_N`, `dec_N`, `lift_N`).
//!
//! Layouts: integers, bools and chars are one `Int` word; `f64` one `Float` word; `()`
//! none; a slice or `&str` is (pointer to the first element, length), the elements laid
//! out as in a red vector of them; a `Vec` is one `Ptr` to a red vector
//! (of packed scalars, or of elements of several words, one 8-byte slot a word); tuples
//! concatenate; `Option`, `Result` and enums are a tag word (the variant's index)
//! followed by the variants' fields, floats held as their bits in `Int` words, variants
//! overlapping where their words' kinds agree (see `Types::enum_layout`; words the
//! value's variant does not use are zero); a
//! struct is one `Ptr` to its fields' words (virtual while compiling, see
//! `jit_runtime::cx`). A struct compiled code cannot hold (one with a field of a type
//! outside the subset: a `HashMap`, a `String`, a big integer) is *opaque*: one `Int`
//! word, the address of the Rust value, which analysed code only passes on to residual
//! calls and portal calls (see `Types::is_opaque`).

use crate::flow::types::{IntTy, Ty};
use crate::source::Crate;

/// The most words a vector element may have.
pub const MAX_ELEMENT_WORDS: usize = 32;

/// The most words a type's codecs take to be inlined wherever they are used.
const SMALL_CODEC_WORDS: usize = 8;

/// Kinds of words, as the names of `backend::Kind` variants.
pub type Kinds = Vec<&'static str>;

pub struct Types<'a> {
    pub k: &'a Crate,
    /// The crate's name as a Rust path root, e.g. `::tlr`.
    pub root: String,
    pub table: Vec<Ty>,
}

/// Strip references: in graphs (and here) a reference is the value it points to, except
/// slices and strings, which are (pointer, length).
pub fn norm(t: &Ty) -> Ty {
    match t {
        Ty::Ref(_, inner) => norm(inner),
        Ty::Tuple(ts) => Ty::Tuple(ts.iter().map(norm).collect()),
        Ty::Option(x) => Ty::Option(Box::new(norm(x))),
        Ty::Result(a, b) => Ty::Result(Box::new(norm(a)), Box::new(norm(b))),
        Ty::Vec(x) => Ty::Vec(Box::new(norm(x))),
        Ty::Slice(x) => Ty::Slice(Box::new(norm(x))),
        t => t.clone(),
    }
}

/// The variants of an enum-like type: (Rust path of the variant, field types, field
/// names when named).
pub struct Variant {
    pub path: String,
    pub name: String,
    pub fields: Vec<Ty>,
    pub names: Vec<Option<String>>,
}

impl<'a> Types<'a> {
    pub fn new(k: &'a Crate) -> Types<'a> {
        Types {
            k,
            root: format!("::{}", k.name.replace('-', "_")),
            table: Vec::new(),
        }
    }

    /// The number of a type in the table (generated functions are named after it).
    pub fn id(&mut self, t: &Ty) -> usize {
        let t = norm(t);
        if let Some(i) = self.table.iter().position(|x| *x == t) {
            return i;
        }
        self.table.push(t);
        self.table.len() - 1
    }

    pub fn is_enum(&self, t: &Ty) -> bool {
        match norm(t) {
            Ty::Option(_) | Ty::Result(..) => true,
            Ty::Adt(n) => self.k.enums.contains_key(&n),
            _ => false,
        }
    }

    pub fn variants(&self, t: &Ty) -> Result<Vec<Variant>, String> {
        Ok(match norm(t) {
            Ty::Option(x) => vec![
                Variant {
                    path: "None".into(),
                    name: "None".into(),
                    fields: vec![],
                    names: vec![],
                },
                Variant {
                    path: "Some".into(),
                    name: "Some".into(),
                    fields: vec![*x],
                    names: vec![None],
                },
            ],
            Ty::Result(a, b) => vec![
                Variant {
                    path: "Ok".into(),
                    name: "Ok".into(),
                    fields: vec![*a],
                    names: vec![None],
                },
                Variant {
                    path: "Err".into(),
                    name: "Err".into(),
                    fields: vec![*b],
                    names: vec![None],
                },
            ],
            Ty::Adt(n) => {
                let e = self
                    .k
                    .enums
                    .get(&n)
                    .ok_or_else(|| format!("`{n}` is not an enum"))?;
                let mut out = Vec::new();
                for (vn, fields) in &e.variants {
                    let mut tys = Vec::new();
                    let mut names = Vec::new();
                    for (fname, fty) in fields {
                        let t = crate::flow::build::resolve_type(
                            self.k,
                            Some(&n),
                            fty,
                            e.file,
                            &e.module,
                        )
                        .map_err(|d| d.message)?;
                        tys.push(norm(&t));
                        names.push(fname.clone());
                    }
                    out.push(Variant {
                        path: format!("{}::{n}::{vn}", self.root),
                        name: vn.clone(),
                        fields: tys,
                        names,
                    });
                }
                out
            }
            t => return Err(format!("`{t}` is not an enum")),
        })
    }

    pub fn variant_index(&self, t: &Ty, name: &str) -> Result<usize, String> {
        self.variants(t)?
            .iter()
            .position(|v| v.name == name)
            .ok_or_else(|| format!("no variant `{name}` in `{t}`"))
    }

    /// The Rust type of a green value.
    pub fn rust(&self, t: &Ty) -> Result<String, String> {
        Ok(match norm(t) {
            Ty::Int(i) => i.name().to_string(),
            Ty::Bool => "bool".into(),
            Ty::F64 => "f64".into(),
            Ty::Char => "char".into(),
            Ty::Unit | Ty::Never => "()".into(),
            Ty::Str => "&'static str".into(),
            Ty::Slice(x) => format!("&'static [{}]", self.rust(&x)?),
            Ty::Vec(x) => format!("Vec<{}>", self.rust(&x)?),
            Ty::Array(x, n) => format!("[{}; {n}]", self.rust(&x)?),
            Ty::Tuple(ts) => {
                let parts: Result<Vec<String>, String> = ts.iter().map(|t| self.rust(t)).collect();
                format!("({},)", parts?.join(", "))
            }
            Ty::Option(x) => format!("Option<{}>", self.rust(&x)?),
            Ty::Result(a, b) => format!("Result<{}, {}>", self.rust(&a)?, self.rust(&b)?),
            Ty::Adt(n) if !self.k.is_reachable(&n) => {
                return Err(format!(
                    "`{n}` is named by the generated JIT, outside the crate, so it must be reachable from there: declare it `pub`, and every module on its path `pub mod`"
                ))
            }
            Ty::Adt(n) => format!("{}::{n}", self.root),
            Ty::Ref(..) => unreachable!("normalised"),
        })
    }

    /// The layout of a red value.
    pub fn kinds(&self, t: &Ty) -> Result<Kinds, String> {
        Ok(match norm(t) {
            Ty::Int(_) | Ty::Bool | Ty::Char => vec!["Int"],
            Ty::F64 => vec!["Float"],
            Ty::Unit | Ty::Never => vec![],
            Ty::Str | Ty::Slice(_) => vec!["Ptr", "Int"],
            Ty::Vec(x) => {
                self.element_kinds(&x)?;
                vec!["Ptr"]
            }
            Ty::Tuple(ts) => {
                let mut k = Vec::new();
                for t in &ts {
                    k.extend(self.kinds(t)?);
                }
                k
            }
            Ty::Adt(n) if self.k.structs.contains_key(&n) => {
                // A reference to the struct's fields (see `field_kinds`), or the
                // address of an opaque one.
                match self.field_kinds(&Ty::Adt(n)) {
                    Ok(_) => vec!["Ptr"],
                    Err(_) => vec!["Int"],
                }
            }
            t @ (Ty::Option(_) | Ty::Result(..) | Ty::Adt(_)) => self.enum_layout(&t)?.0,
            Ty::Array(..) => {
                return Err("the JIT does not handle red arrays yet; use a `Vec`".into())
            }
            Ty::Ref(..) => unreachable!("normalised"),
        })
    }

    /// Whether `t` is one of the crate's structs that compiled code holds field by
    /// field (not an opaque one).
    pub fn is_struct(&self, t: &Ty) -> bool {
        matches!(norm(t), Ty::Adt(n) if self.k.structs.contains_key(&n)) && !self.is_opaque(t)
    }

    /// Whether `t` is an opaque struct: one of the crate's structs with a field whose
    /// type compiled code cannot hold. Compiled code keeps a reference to it as the
    /// address of the Rust value (one `Int` word) and never reads it: it passes it to
    /// residual calls and recursive portal calls, which see the caller's value itself.
    pub fn is_opaque(&self, t: &Ty) -> bool {
        matches!(norm(t), Ty::Adt(n) if self.k.structs.contains_key(&n))
            && self.field_kinds(t).is_err()
    }

    /// Why `t` is opaque (the first field compiled code cannot hold), if it is.
    pub fn opaque_reason(&self, t: &Ty) -> Option<String> {
        let Ty::Adt(n) = norm(t) else { return None };
        let st = self.k.structs.get(&n)?;
        self.field_kinds(t).err()?;
        for (f, fty) in &st.fields {
            let ty = crate::flow::build::resolve_type(self.k, Some(&n), fty, st.file, &st.module);
            let why = match ty {
                Err(d) => d.message,
                Ok(ft) => match self.kinds(&ft) {
                    Err(m) => m,
                    Ok(_) if self.is_opaque(&ft) => format!("the opaque `{ft}`"),
                    Ok(_) => continue,
                },
            };
            return Some(format!("its field `{f}` holds {why}"));
        }
        None
    }

    /// The fields of struct `t` in declaration order: names and types.
    pub fn struct_fields(&self, t: &Ty) -> Result<Vec<(String, Ty)>, String> {
        let Ty::Adt(n) = norm(t) else {
            return Err(format!("`{t}` is not a struct"));
        };
        let st = self
            .k
            .structs
            .get(&n)
            .ok_or_else(|| format!("`{n}` is not a struct"))?;
        st.fields
            .iter()
            .map(|(f, fty)| {
                crate::flow::build::resolve_type(self.k, Some(&n), fty, st.file, &st.module)
                    .map(|t| (f.clone(), norm(&t)))
                    .map_err(|d| d.message)
            })
            .collect()
    }

    /// The words of a red struct's fields, in declaration order (what compiled code
    /// keeps for it, virtual or allocated).
    pub fn field_kinds(&self, t: &Ty) -> Result<Kinds, String> {
        let mut k = Vec::new();
        for (f, ft) in self.struct_fields(t)? {
            if matches!(&ft, Ty::Adt(n) if self.k.structs.contains_key(n)) {
                if let Err(m) = self.field_kinds(&ft) {
                    return Err(format!("its field `{f}` is a `{ft}`, which is opaque: {m}"));
                }
            }
            k.extend(self.kinds(&ft)?);
        }
        Ok(k)
    }

    /// Where field `field` of struct `t` is among its words: (offset, count).
    pub fn field_words(&self, t: &Ty, field: &str) -> Result<(usize, usize), String> {
        let mut off = 0;
        for (f, ft) in self.struct_fields(t)? {
            let n = self.kinds(&ft)?.len();
            if f == field {
                return Ok((off, n));
            }
            off += n;
        }
        Err(format!("no field `{field}` in `{t}`"))
    }

    /// The words of a vector element of type `t`: its layout, which must hold no vector
    /// (elements are values) and at most [`MAX_ELEMENT_WORDS`] words.
    pub fn element_kinds(&self, t: &Ty) -> Result<Kinds, String> {
        if contains_vec(t) {
            return Err(format!(
                "the JIT does not handle vectors of `{t}` yet (a vector in a vector's element)"
            ));
        }
        let k = self.kinds(t)?;
        if k.is_empty() || k.len() > MAX_ELEMENT_WORDS {
            return Err(format!(
                "the JIT handles vectors of elements of 1 to {MAX_ELEMENT_WORDS} words; a `{t}` has {}",
                k.len()
            ));
        }
        Ok(k)
    }

    /// `runtime::ops::Elem` of a vector element type: packed scalars, or the words of
    /// the element's layout.
    pub fn elem(&mut self, t: &Ty) -> Result<String, String> {
        if let Ok(s) = self.scalar(t) {
            return Ok(format!("rt::ops::Elem::Scalar({s})"));
        }
        self.element_kinds(t)?;
        let i = self.id(t);
        Ok(format!("rt::ops::Elem::Words(KINDS_{i})"))
    }

    /// `runtime::ops::Scalar` of a scalar type.
    pub fn scalar(&self, t: &Ty) -> Result<String, String> {
        Ok(match norm(t) {
            Ty::Int(i) => format!("rt::ops::Scalar::Int(rt::IntTy::{})", int_variant(i)),
            Ty::Bool => "rt::ops::Scalar::Bool".into(),
            Ty::Char => "rt::ops::Scalar::Char".into(),
            Ty::F64 => "rt::ops::Scalar::F64".into(),
            t => return Err(format!("`{t}` is not a scalar type")),
        })
    }

    /// The kinds of a field's words in an enum's payload: its own, with floats held as
    /// their bits in `Int` words, so an `Int(i64)` and a `Float(f64)` variant share one
    /// word (see `jit_runtime::Cx::payload_words`).
    pub fn payload_kinds(&self, t: &Ty) -> Result<Kinds, String> {
        Ok(self
            .kinds(t)?
            .into_iter()
            .map(|k| if k == "Float" { "Int" } else { k })
            .collect())
    }

    /// Where field `i` of variant `vi` starts in the enum's layout.
    pub fn field_offset(&self, t: &Ty, vi: usize, i: usize) -> Result<(usize, usize), String> {
        let vs = self.variants(t)?;
        let (_, starts) = self.enum_layout(t)?;
        let (Some(v), Some(start)) = (vs.get(vi), starts.get(vi)) else {
            return Err(format!("no variant {vi} in `{t}`"));
        };
        let mut off = *start;
        for (fi, f) in v.fields.iter().enumerate() {
            let n = self.kinds(f)?.len();
            if fi == i {
                return Ok((off, n));
            }
            off += n;
        }
        Err(format!("no field {i} in variant {vi} of `{t}`"))
    }

    /// The layout of an enum: its words (the tag first) and the word where each
    /// variant's fields start. Variants overlap: each is placed at the first word from 1
    /// where its fields' words agree in kind with those placed before (first fit), so a
    /// value takes the tag and about its widest variant's words, not all variants' sum.
    pub fn enum_layout(&self, t: &Ty) -> Result<(Kinds, Vec<usize>), String> {
        let mut kinds: Kinds = vec!["Int"];
        let mut starts = Vec::new();
        for v in self.variants(t)? {
            let mut vk: Kinds = Vec::new();
            for f in &v.fields {
                vk.extend(self.payload_kinds(f)?);
            }
            let fits = |o: usize, kinds: &Kinds| {
                vk.iter()
                    .enumerate()
                    .all(|(j, k)| kinds.get(o + j).is_none_or(|x| x == k))
            };
            let mut o = 1;
            while !fits(o, &kinds) {
                o += 1;
            }
            for (j, k) in vk.iter().enumerate() {
                if o + j >= kinds.len() {
                    kinds.push(k);
                }
            }
            starts.push(o);
        }
        Ok((kinds, starts))
    }

    /// Whether a value of `t` in a red vector or slice (one 8-byte slot a word, see
    /// [`Self::element_kinds`]) is also a valid Rust value of `t` at the same address, so
    /// that a slice of them is lent to Rust as `&[T]` without decoding: one of the
    /// crate's enums with `#[repr(u64)]` (or `i64`, `usize`, `isize`, with or without
    /// `C`), no explicit discriminant, and at most one field a variant, a scalar. Its
    /// tag word is the variant's index, which is then Rust's discriminant, in the word
    /// Rust puts it; the field's word holds the scalar extended to 64 bits (a float's
    /// bits), and its low bytes are the field where Rust puts it: at offset 8, after the
    /// tag. (Going the other way needs the encoder: Rust leaves the bytes of a short
    /// field's word past the field undefined.)
    pub fn lends_in_place(&self, t: &Ty) -> bool {
        let Ty::Adt(n) = norm(t) else { return false };
        if !self.k.enums.contains_key(&n) {
            return false;
        }
        let Some((_, syn::Item::Enum(e))) = super::green::crate_type(self.k, &n) else {
            return false;
        };
        let word_tag = e.attrs.iter().any(|a| {
            a.path().is_ident("repr")
                && a.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Ident, syn::Token![,]>::parse_terminated,
                )
                .is_ok_and(|ids| {
                    ids.iter()
                        .any(|i| ["u64", "i64", "usize", "isize"].iter().any(|w| i == w))
                        && ids
                            .iter()
                            .all(|i| ["u64", "i64", "usize", "isize", "C"].iter().any(|w| i == w))
                })
        });
        if !word_tag || e.variants.iter().any(|v| v.discriminant.is_some()) {
            return false;
        }
        let Ok(variants) = self.variants(t) else {
            return false;
        };
        let scalar_fields = variants
            .iter()
            .all(|v| v.fields.len() <= 1 && v.fields.iter().all(|f| self.scalar(f).is_ok()));
        let Ok((kinds, starts)) = self.enum_layout(t) else {
            return false;
        };
        scalar_fields && kinds.len() <= 2 && starts.iter().all(|&s| s == 1)
    }

    /// The generated conversion functions of every type in the table (the table grows
    /// while they are written; all entries get theirs).
    pub fn functions(&mut self) -> Result<String, String> {
        let mut out = String::new();
        let mut i = 0;
        while i < self.table.len() {
            let t = self.table[i].clone();
            out.push_str(&self.functions_of(i, &t)?);
            i += 1;
        }
        Ok(out)
    }

    fn functions_of(&mut self, i: usize, t: &Ty) -> Result<String, String> {
        let rust = self.rust(t)?;
        if self.is_opaque(t) {
            // The address of the Rust value; decoded as a reference to it (the value
            // outlives every call of compiled code that holds it).
            return Ok(format!(
                "const KINDS_{i}: &[rt::Kind] = &[rt::Kind::Int];
#[allow(unused_variables)]
#[inline]
fn enc_{i}(v: &{rust}, fr: *mut rt::Frame, w: &mut impl rt::word::Sink) {{ w.push(v as *const {rust} as u64); }}
#[allow(unused_variables, clippy::mut_from_ref)]
#[inline]
fn dec_{i}(w: &mut rt::word::Words<'_>, fr: *mut rt::Frame) -> &'static mut {rust} {{ unsafe {{ &mut *(w.next().unwrap_or(0) as *mut {rust}) }} }}
#[allow(unused_variables, dead_code)]
fn lift_{i}(v: &{rust}) -> Result<rt::Red, rt::Stop> {{ Err(rt::Stop::fail(\"an opaque struct used as a green value\")) }}
"
            ));
        }
        let kinds = match self.kinds(t) {
            Ok(k) => k,
            // Green-only types get no conversions.
            Err(_) => return Ok(String::new()),
        };
        let kinds_s: Vec<String> = kinds.iter().map(|k| format!("rt::Kind::{k}")).collect();
        let (enc, dec) = self.codec(t)?;
        let liftable = !contains_vec(t) && !self.is_struct(t) && !self.holds_value_slice(t);
        let lift = if matches!(norm(t), Ty::Slice(x) if self.scalar(&x).is_err()) {
            // Green data in Rust's layout, for a residual call only (see
            // `Gen::residual`): compiled code never reads it.
            "Ok(rt::word::consts(KINDS_{i}, &[v.as_ptr() as u64, v.len() as u64]))"
                .replace("{i}", &i.to_string())
        } else if liftable {
            format!(
                "let mut w: Vec<u64> = Vec::new(); enc_{i}(v, std::ptr::null_mut(), &mut w); Ok(rt::word::consts(KINDS_{i}, &w))"
            )
        } else {
            "let _ = v; Err(rt::Stop::fail(\"a green vector used where a red value is needed\"))"
                .to_string()
        };
        // A red slice of values of several words decodes into a buffer of them (on
        // the stack when short), which a residual call borrows for the call.
        let decv = match norm(t) {
            Ty::Slice(x) if self.scalar(&x).is_err() => {
                let xi = self.id(&x);
                let xr = self.rust(&x)?;
                let width = self.element_kinds(&x)?.len();
                format!(
                    "#[allow(dead_code)]
fn decv_{i}(w: &mut rt::word::Words<'_>, fr: *mut rt::Frame) -> rt::word::Items<{xr}> {{ let p = w.next().unwrap_or(0) as *const u64; let n = w.next().unwrap_or(0) as usize; let mut v = rt::word::Items::new(); for x in unsafe {{ rt::frame::slots(p, n, {width}) }}.chunks_exact({width}) {{ v.push(dec_{xi}(&mut rt::word::Words::new(x), fr)); }} v }}
"
                )
            }
            _ => String::new(),
        };
        let fields = if self.is_struct(t) {
            let fk: Vec<String> = self
                .field_kinds(t)?
                .iter()
                .map(|k| format!("rt::Kind::{k}"))
                .collect();
            format!("const FIELDS_{i}: &[rt::Kind] = &[{}];\n", fk.join(", "))
        } else {
            String::new()
        };
        // Codecs of a few words are inlined even where rustc would not (a residual
        // call's result encoded into the frame is then a few stores).
        let inline = if kinds.len() <= SMALL_CODEC_WORDS {
            "#[inline(always)]"
        } else {
            "#[inline]"
        };
        Ok(format!(
            "{decv}{fields}const KINDS_{i}: &[rt::Kind] = &[{kinds}];
#[allow(unused_variables)]
{inline}
fn enc_{i}(v: &{borrowed}, fr: *mut rt::Frame, w: &mut impl rt::word::Sink) {{ {enc} }}
#[allow(unused_variables)]
{inline}
fn dec_{i}(w: &mut rt::word::Words<'_>, fr: *mut rt::Frame) -> {rust} {{ {dec} }}
#[allow(unused_variables, dead_code)]
fn lift_{i}(v: &{rust}) -> Result<rt::Red, rt::Stop> {{ {lift} }}
",
            kinds = kinds_s.join(", "),
            // Encoding reads a borrowed slice of any lifetime (a red portal argument).
            borrowed = rust.replace("&'static ", "&'_ ")
        ))
    }

    /// The `runtime::entry::Layout` of each word of a red `t`, as Rust expressions: what
    /// a unit entered from the interpreter may unpack (vectors whose elements hold no
    /// pointers, structs), every other word kept as it is.
    pub fn entry_layouts(&mut self, t: &Ty) -> Result<Vec<String>, String> {
        let keep = |n: usize| vec!["rt::entry::Layout::Keep".to_string(); n];
        let t = norm(t);
        Ok(match &t {
            Ty::Vec(x) => {
                let no_ptr = self.element_kinds(x).is_ok_and(|k| !k.contains(&"Ptr"));
                if no_ptr {
                    vec![format!("rt::entry::Layout::Vec({})", self.elem(x)?)]
                } else {
                    keep(1)
                }
            }
            Ty::Adt(_) if self.is_struct(&t) => {
                let i = self.id(&t);
                let mut words = Vec::new();
                for (_, ft) in self.struct_fields(&t)? {
                    words.extend(self.entry_layouts(&ft)?);
                }
                vec![format!(
                    "rt::entry::Layout::Struct(FIELDS_{i}, &[{}])",
                    words.join(", ")
                )]
            }
            Ty::Tuple(ts) => {
                let mut words = Vec::new();
                for x in ts {
                    words.extend(self.entry_layouts(x)?);
                }
                words
            }
            _ => keep(self.kinds(&t)?.len()),
        })
    }

    /// Whether `t` is, or holds, a slice of values of several words (which Rust sees
    /// in its own layout and compiled code in 8-byte slots, so it is copied between
    /// the two; see `codec`).
    pub fn holds_value_slice(&self, t: &Ty) -> bool {
        match norm(t) {
            Ty::Slice(x) => self.scalar(&x).is_err(),
            Ty::Tuple(ts) => ts.iter().any(|t| self.holds_value_slice(t)),
            Ty::Option(x) => self.holds_value_slice(&x),
            Ty::Result(a, b) => self.holds_value_slice(&a) || self.holds_value_slice(&b),
            _ => false,
        }
    }

    /// Bodies of `enc` (value `v` to words `w`) and `dec` (words to value) for `t`.
    fn codec(&mut self, t: &Ty) -> Result<(String, String), String> {
        let next = "w.next().unwrap_or(0)";
        Ok(match norm(t) {
            Ty::Int(i) => (
                "w.push(*v as i64 as u64);".into(),
                format!("{next} as i64 as {}", i.name()),
            ),
            Ty::Bool => ("w.push(*v as u64);".into(), format!("{next} != 0")),
            Ty::Char => (
                "w.push(*v as u32 as u64);".into(),
                format!("char::from_u32({next} as u32).unwrap_or('\\0')"),
            ),
            Ty::F64 => ("w.push(v.to_bits());".into(), format!("f64::from_bits({next})")),
            Ty::Unit | Ty::Never => (String::new(), "()".into()),
            Ty::Str => (
                "w.push(v.as_ptr() as u64); w.push(v.len() as u64);".into(),
                format!("{{ let p = {next} as *const u8; let n = {next} as usize; unsafe {{ std::str::from_utf8_unchecked(std::slice::from_raw_parts(p, n)) }} }}"),
            ),
            Ty::Slice(x) if self.scalar(&x).is_err() => {
                // Elements of several words: compiled code reads them from 8-byte
                // slots, so Rust's slice is copied into slots the frame owns, and a
                // red slice comes back as a `Vec` (see `decv`), never borrowed.
                let xi = self.id(&x);
                let width = self.element_kinds(&x)?.len();
                (
                    format!("let mut items: Vec<u64> = Vec::with_capacity(v.len() * {width}); for x in v.iter() {{ enc_{xi}(x, fr, &mut items); }} w.push(rt::frame::slots_from_words(fr, &items) as u64); w.push(v.len() as u64);"),
                    "unreachable!(\"a red slice of values is decoded into a `Vec` by `decv`\")".into(),
                )
            }
            Ty::Slice(x) => {
                let xr = self.rust(&x)?;
                (
                    "w.push(v.as_ptr() as u64); w.push(v.len() as u64);".into(),
                    format!("{{ let p = {next} as *const {xr}; let n = {next} as usize; unsafe {{ std::slice::from_raw_parts(p, n) }} }}"),
                )
            }
            Ty::Vec(x) => {
                let xi = self.id(&x);
                let width = self.element_kinds(&x)?.len();
                let size = match norm(&x) {
                    Ty::Int(i) => i.bits() as usize / 8,
                    Ty::Bool => 1,
                    Ty::Char => 4,
                    _ => 8 * width,
                };
                let signed = matches!(norm(&x), Ty::Int(i) if i.signed());
                let dec = if size > 8 {
                    format!("{{ let p = {next} as *const rt::frame::RVec; unsafe {{ rt::frame::rvec_slots(p) }}.chunks({width}).map(|x| dec_{xi}(&mut rt::word::Words::new(x), fr)).collect() }}")
                } else {
                    format!("{{ let p = {next} as *const rt::frame::RVec; rt::frame::rvec_to_words(p, {signed}).into_iter().map(|x| dec_{xi}(&mut rt::word::Words::new(&[x]), fr)).collect() }}")
                };
                (
                    format!("let mut items: Vec<u64> = Vec::with_capacity(v.len() * {width}); for x in v.iter() {{ enc_{xi}(x, fr, &mut items); }} w.push(rt::frame::rvec_from_words(fr, &items, {size}) as u64);"),
                    dec,
                )
            }
            Ty::Tuple(ts) => {
                let mut enc = String::new();
                let mut dec = Vec::new();
                for (j, x) in ts.iter().enumerate() {
                    let xi = self.id(x);
                    enc.push_str(&format!("enc_{xi}(&v.{j}, fr, w);"));
                    dec.push(format!("dec_{xi}(w, fr)"));
                }
                (enc, format!("({},)", dec.join(", ")))
            }
            Ty::Adt(n) if self.k.structs.contains_key(&n) => {
                let t = Ty::Adt(n.clone());
                let st = &self.k.structs[&n];
                if !st.pub_fields {
                    return Err(format!(
                        "the red struct `{n}` crosses between compiled code and Rust, which builds and reads it from outside the crate: make its fields `pub`"
                    ));
                }
                let tuple = st.tuple;
                let fields = self.struct_fields(&t)?;
                let words = self.field_kinds(&t)?.len();
                let mut enc = String::from("let mut fw: Vec<u64> = Vec::new();");
                let mut parts = Vec::new();
                for (f, ft) in &fields {
                    let fi = self.id(ft);
                    enc.push_str(&format!("enc_{fi}(&v.{f}, fr, &mut fw);"));
                    parts.push(if tuple {
                        format!("dec_{fi}(&mut it, fr)")
                    } else {
                        format!("{f}: dec_{fi}(&mut it, fr)")
                    });
                }
                enc.push_str("w.push(rt::frame::rstruct_from_words(fr, &fw) as u64);");
                let path = self.rust(&t)?;
                let value = if tuple {
                    format!("{path}({})", parts.join(", "))
                } else {
                    format!("{path} {{ {} }}", parts.join(", "))
                };
                (
                    enc,
                    format!("{{ let p = {next} as *const u64; let fw = rt::frame::rstruct_words(p, {words}); let mut it = rt::word::Words::new(&fw); {value} }}"),
                )
            }
            t @ (Ty::Option(_) | Ty::Result(..) | Ty::Adt(_)) => {
                let vs = self.variants(&t)?;
                let (layout, starts) = self.enum_layout(&t)?;
                let words = layout.len();
                let mut arms = Vec::new();
                let mut dec_arms = Vec::new();
                for (vi, v) in vs.iter().enumerate() {
                    let binds: Vec<String> = (0..v.fields.len()).map(|j| format!("x{j}")).collect();
                    let pat = pattern(v, &binds);
                    // The tag, zeros up to the variant's first word, its fields, and
                    // zeros up to the enum's width: written in place, no buffer. A
                    // variant whose fields fill the words after the tag needs no
                    // padding (the usual case: a tagged word).
                    let mut width = 0;
                    for f in &v.fields {
                        width += self.kinds(f)?.len();
                    }
                    let exact = starts[vi] == 1 && 1 + width == words;
                    let mut body = if exact {
                        format!("w.push({vi});")
                    } else {
                        format!(
                            "let at = w.len(); w.push({vi}); w.resize(at + {s}, 0);",
                            s = starts[vi]
                        )
                    };
                    for (j, f) in v.fields.iter().enumerate() {
                        let fi = self.id(f);
                        body.push_str(&format!("enc_{fi}(x{j}, fr, w);"));
                    }
                    if !exact {
                        body.push_str(&format!("w.resize(at + {words}, 0);"));
                    }
                    arms.push(format!("{pat} => {{ {body} }}"));
                    let mut fields = Vec::new();
                    for f in &v.fields {
                        let fi = self.id(f);
                        fields.push(format!("dec_{fi}(&mut it, fr)"));
                    }
                    let value = construct(v, &fields);
                    dec_arms.push(format!(
                        "{vi} => {{ let mut it = rt::word::Words::new(&e[{s}..]); {value} }}",
                        s = starts[vi]
                    ));
                }
                // A tagged word laid out as Rust lays it out: variants whose payload
                // may hold any bits (none, an integer, a float) are the words as they
                // are.
                let mut raw = String::new();
                if words == 2 && vs.len() <= 64 && self.lends_in_place(&t) {
                    let mut tags = 0u64;
                    for (vi, v) in vs.iter().enumerate() {
                        let any_bits = v
                            .fields
                            .iter()
                            .all(|f| matches!(norm(f), Ty::Int(_) | Ty::F64));
                        if any_bits {
                            tags |= 1 << vi;
                        }
                    }
                    if tags != 0 {
                        raw = format!(
                            "if e[0] < 64 && ({tags:#x}u64 >> e[0]) & 1 != 0 {{ return unsafe {{ rt::word::from_tag_and_payload(e[0], e[1]) }}; }}"
                        );
                    }
                }
                let dec = format!(
                    "let mut e = [0u64; {words}]; for x in e.iter_mut() {{ *x = w.next().unwrap_or(0); }} {raw} match e[0] {{ {} _ => unreachable!(\"a valid variant tag\") }}",
                    dec_arms.join(" ")
                );
                (format!("match v {{ {} }}", arms.join(" ")), format!("{{ {dec} }}"))
            }
            t => return Err(format!("the JIT cannot pass a `{t}` between compiled code and Rust")),
        })
    }
}

fn contains_vec(t: &Ty) -> bool {
    match t {
        Ty::Vec(_) => true,
        Ty::Tuple(ts) => ts.iter().any(contains_vec),
        Ty::Option(x) | Ty::Ref(_, x) => contains_vec(x),
        Ty::Result(a, b) => contains_vec(a) || contains_vec(b),
        _ => false,
    }
}

/// `Path::Variant { f: x, .. }` / `Path::Variant(x, ..)` / `Path::Variant` with `parts` as
/// the fields: a pattern (parts are bindings) or an expression (parts are values).
pub fn pattern(v: &Variant, parts: &[String]) -> String {
    if v.fields.is_empty() {
        return v.path.clone();
    }
    if v.names.iter().all(|n| n.is_some()) {
        let named: Vec<String> = v
            .names
            .iter()
            .zip(parts)
            .map(|(n, p)| format!("{}: {p}", n.as_ref().unwrap()))
            .collect();
        format!("{} {{ {} }}", v.path, named.join(", "))
    } else {
        format!("{}({})", v.path, parts.join(", "))
    }
}

/// An expression making variant `v` from field expressions.
pub fn construct(v: &Variant, fields: &[String]) -> String {
    pattern(v, fields)
}

pub fn int_variant(i: IntTy) -> &'static str {
    match i {
        IntTy::I8 => "I8",
        IntTy::I16 => "I16",
        IntTy::I32 => "I32",
        IntTy::I64 => "I64",
        IntTy::Isize => "Isize",
        IntTy::U8 => "U8",
        IntTy::U16 => "U16",
        IntTy::U32 => "U32",
        IntTy::U64 => "U64",
        IntTy::Usize => "Usize",
    }
}
