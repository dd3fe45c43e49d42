//! How values of each type look in generated code: the Rust type of a green value, the
//! machine words of a red one (its *layout*), and the generated functions that convert
//! between the two (`enc_N`, `dec_N`, `lift_N`).
//!
//! Layouts: integers, bools and chars are one `Int` word; `f64` one `Float` word; `()`
//! none; a slice or `&str` is (pointer, length); a `Vec` of scalars is one `Ptr` to a red
//! vector; tuples concatenate; `Option`, `Result` and enums are a tag word (the variant's
//! index) followed by the fields of every variant in turn (unused ones are zero).

use crate::flow::types::{IntTy, Ty};
use crate::source::Crate;

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
                        let t = crate::flow::build::resolve_type(self.k, None, fty, e.file)
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
                self.scalar(&x)?;
                vec!["Ptr"]
            }
            Ty::Tuple(ts) => {
                let mut k = Vec::new();
                for t in &ts {
                    k.extend(self.kinds(t)?);
                }
                k
            }
            t @ (Ty::Option(_) | Ty::Result(..) | Ty::Adt(_)) => {
                if let Ty::Adt(n) = &t {
                    if self.k.structs.contains_key(n) {
                        return Err(format!(
                            "the JIT does not handle red structs yet (`{n}`); keep it green or pass its fields separately"
                        ));
                    }
                }
                let mut k = vec!["Int"];
                for v in self.variants(&t)? {
                    for f in &v.fields {
                        k.extend(self.kinds(f)?);
                    }
                }
                k
            }
            Ty::Array(..) => {
                return Err("the JIT does not handle red arrays yet; use a `Vec`".into())
            }
            Ty::Ref(..) => unreachable!("normalised"),
        })
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

    /// Where field `i` of variant `vi` starts in the enum's layout.
    pub fn field_offset(&self, t: &Ty, vi: usize, i: usize) -> Result<(usize, usize), String> {
        let vs = self.variants(t)?;
        let mut off = 1;
        for (j, v) in vs.iter().enumerate() {
            for (fi, f) in v.fields.iter().enumerate() {
                let n = self.kinds(f)?.len();
                if j == vi && fi == i {
                    return Ok((off, n));
                }
                off += n;
            }
        }
        Err(format!("no field {i} in variant {vi} of `{t}`"))
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
        let kinds = match self.kinds(t) {
            Ok(k) => k,
            // Green-only types get no conversions.
            Err(_) => return Ok(String::new()),
        };
        let kinds_s: Vec<String> = kinds.iter().map(|k| format!("rt::Kind::{k}")).collect();
        let (enc, dec) = self.codec(t)?;
        let liftable = !contains_vec(t);
        let lift = if liftable {
            format!(
                "let mut w = Vec::new(); enc_{i}(v, std::ptr::null_mut(), &mut w); Ok(rt::word::consts(KINDS_{i}, &w))"
            )
        } else {
            "let _ = v; Err(rt::Stop::fail(\"a green vector used where a red value is needed\"))"
                .to_string()
        };
        Ok(format!(
            "const KINDS_{i}: &[rt::Kind] = &[{kinds}];
#[allow(unused_variables)]
fn enc_{i}(v: &{borrowed}, fr: *mut rt::Frame, w: &mut Vec<u64>) {{ {enc} }}
#[allow(unused_variables)]
fn dec_{i}(w: &mut dyn Iterator<Item = u64>, fr: *mut rt::Frame) -> {rust} {{ {dec} }}
#[allow(unused_variables, dead_code)]
fn lift_{i}(v: &{rust}) -> Result<rt::Red, rt::Stop> {{ {lift} }}
",
            kinds = kinds_s.join(", "),
            // Encoding reads a borrowed slice of any lifetime (a red portal argument).
            borrowed = rust.replace("&'static ", "&'_ ")
        ))
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
            Ty::Slice(x) => {
                let xr = self.rust(&x)?;
                (
                    "w.push(v.as_ptr() as u64); w.push(v.len() as u64);".into(),
                    format!("{{ let p = {next} as *const {xr}; let n = {next} as usize; unsafe {{ std::slice::from_raw_parts(p, n) }} }}"),
                )
            }
            Ty::Vec(x) => {
                let xi = self.id(&x);
                let size = match norm(&x) {
                    Ty::Int(i) => i.bits() / 8,
                    Ty::Bool => 1,
                    Ty::Char => 4,
                    _ => 8,
                };
                let signed = matches!(norm(&x), Ty::Int(i) if i.signed());
                (
                    format!("let mut items = Vec::new(); for x in v.iter() {{ enc_{xi}(x, fr, &mut items); }} w.push(rt::frame::rvec_from_words(fr, &items, {size}) as u64);"),
                    format!("{{ let p = {next} as *const rt::frame::RVec; rt::frame::rvec_to_words(p, {signed}).into_iter().map(|x| dec_{xi}(&mut std::iter::once(x), fr)).collect() }}"),
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
            t @ (Ty::Option(_) | Ty::Result(..) | Ty::Adt(_)) => {
                let vs = self.variants(&t)?;
                let mut arms = Vec::new();
                let mut dec = String::from("let tag = w.next().unwrap_or(0); let mut r = None;");
                let sizes: Vec<usize> = vs
                    .iter()
                    .map(|v| v.fields.iter().map(|f| self.kinds(f).map(|k| k.len())).sum::<Result<usize, String>>())
                    .collect::<Result<_, _>>()?;
                for (vi, v) in vs.iter().enumerate() {
                    let binds: Vec<String> = (0..v.fields.len()).map(|j| format!("x{j}")).collect();
                    let pat = pattern(v, &binds);
                    let mut body = format!("w.push({vi});");
                    for (vj, _) in vs.iter().enumerate() {
                        if vj == vi {
                            for (j, f) in v.fields.iter().enumerate() {
                                let fi = self.id(f);
                                body.push_str(&format!("enc_{fi}(x{j}, fr, w);"));
                            }
                        } else {
                            body.push_str(&format!("w.extend(std::iter::repeat(0).take({}));", sizes[vj]));
                        }
                    }
                    arms.push(format!("{pat} => {{ {body} }}"));
                    let mut fields = Vec::new();
                    for f in &v.fields {
                        let fi = self.id(f);
                        fields.push(format!("dec_{fi}(w, fr)"));
                    }
                    let value = construct(v, &fields);
                    dec.push_str(&format!(
                        "if tag == {vi} {{ r = Some({value}); }} else {{ rt::word::skip(w, {}); }}",
                        sizes[vi]
                    ));
                }
                dec.push_str("r.expect(\"a valid variant tag\")");
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
