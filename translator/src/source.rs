//! Reading a crate: every module file, parsed with syn, and an index of its items.
//!
//! **Invariant:** the translator only reads source; it never runs or links target code.

use crate::diag::Diagnostic;
use crate::flow::model::Span;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct SourceFile {
    pub path: PathBuf,
    /// The crate root the path is shown relative to.
    pub root: PathBuf,
    pub text: String,
    pub ast: syn::File,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn display_path(&self) -> String {
        self.path
            .strip_prefix(&self.root)
            .unwrap_or(&self.path)
            .display()
            .to_string()
    }

    /// Byte offset of a syn line/column (1-based line, 0-based column in chars).
    pub fn offset(&self, lc: proc_macro2::LineColumn) -> usize {
        let Some(&start) = self.line_starts.get(lc.line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line = &self.text[start..];
        start
            + line
                .char_indices()
                .nth(lc.column)
                .map(|(i, _)| i)
                .unwrap_or(line.len())
    }

    /// (line, column), both 1-based, of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|s| *s <= offset);
        let start = self.line_starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }
}

/// A free function or a method.
pub struct FnItem {
    pub file: u32,
    /// The module its names are resolved in (where it, or its `impl` block, is).
    pub module: String,
    pub item: syn::ItemFn,
    /// For a method, the key of the type of its `impl` block.
    pub self_ty: Option<String>,
}

pub struct StructItem {
    pub file: u32,
    pub module: String,
    pub fields: Vec<(String, syn::Type)>,
    pub tuple: bool,
    pub copy: bool,
    /// Whether every field is `pub` (code outside the crate can build and read it).
    pub pub_fields: bool,
}

pub struct EnumItem {
    pub file: u32,
    pub module: String,
    /// Variant name and field types (named fields in declaration order).
    pub variants: Vec<(String, Vec<(Option<String>, syn::Type)>)>,
    pub copy: bool,
}

pub struct ConstItem {
    pub file: u32,
    pub module: String,
    pub ty: syn::Type,
    pub expr: syn::Expr,
}

pub struct AliasItem {
    pub file: u32,
    pub module: String,
    pub ty: syn::Type,
}

/// A module: what its names refer to. Module paths are keys too (`objects`,
/// `vm::frame`; the crate root is the empty path).
#[derive(Default)]
pub struct Module {
    pub parent: Option<String>,
    /// Declared `pub` (the root counts as public; `pub(crate)` does not).
    pub public: bool,
    /// Child modules: name -> module path.
    pub mods: BTreeMap<String, String>,
    /// Items declared here: name -> key.
    pub items: BTreeMap<String, String>,
    /// `use` imports: name -> the path as written.
    pub uses: BTreeMap<String, Vec<String>>,
    /// `use path::*` imports.
    pub globs: Vec<Vec<String>>,
}

/// What a path names.
#[derive(Clone, Debug, PartialEq)]
pub enum Res {
    Module(String),
    Item(String),
}

/// A parsed crate.
///
/// **Invariant:** every item has one key: its module path and name (`Value` at the
/// crate root, `objects::Value` in `mod objects`), and a method or associated constant
/// the key of its type and its name (`objects::Value::new`). Keys are what graphs,
/// diagnostics and `--view` show; generated code names an item `::CRATE::KEY`. Paths
/// in the source are resolved to keys as rustc resolves them ([`Crate::resolve`]).
pub struct Crate {
    pub name: String,
    pub root: PathBuf,
    pub files: Vec<SourceFile>,
    /// Functions and methods by key.
    pub fns: BTreeMap<String, FnItem>,
    pub structs: BTreeMap<String, StructItem>,
    pub enums: BTreeMap<String, EnumItem>,
    /// Constants and immutable statics, by key (`NAME`, `m::NAME` or `Type::NAME`).
    pub consts: BTreeMap<String, ConstItem>,
    pub aliases: BTreeMap<String, AliasItem>,
    pub modules: BTreeMap<String, Module>,
    /// Keys of the items declared `pub` (not `pub(crate)`).
    pub public: std::collections::BTreeSet<String>,
    /// `impl` blocks, indexed once every module is known: (file, module, block).
    impls: Vec<(u32, String, syn::ItemImpl)>,
}

/// The key of `name` in module `module`.
pub fn key_in(module: &str, name: &str) -> String {
    if module.is_empty() {
        name.to_string()
    } else {
        format!("{module}::{name}")
    }
}

/// Why a crate could not be read.
#[derive(Debug)]
pub enum LoadError {
    Io(PathBuf, std::io::Error),
    /// A syntax error, with file, line and column.
    Parse(String),
    NotACrate(PathBuf),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Io(p, e) => write!(f, "cannot read {}: {e}", p.display()),
            LoadError::Parse(m) => f.write_str(m),
            LoadError::NotACrate(p) => write!(
                f,
                "{} is not a crate (no Cargo.toml with src/lib.rs or src/main.rs)",
                p.display()
            ),
        }
    }
}

impl Crate {
    /// Read the crate in `dir` (a folder with `Cargo.toml` and `src/lib.rs` or
    /// `src/main.rs`), following `mod name;` declarations.
    pub fn load(dir: &Path) -> Result<Crate, LoadError> {
        let main = ["src/lib.rs", "src/main.rs"]
            .iter()
            .map(|p| dir.join(p))
            .find(|p| p.is_file())
            .ok_or_else(|| LoadError::NotACrate(dir.to_path_buf()))?;
        let name = std::fs::read_to_string(dir.join("Cargo.toml"))
            .ok()
            .and_then(|t| {
                t.lines().find_map(|l| {
                    l.trim().strip_prefix("name").map(|r| {
                        r.trim()
                            .trim_start_matches('=')
                            .trim()
                            .trim_matches('"')
                            .to_string()
                    })
                })
            })
            .unwrap_or_else(|| {
                dir.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            });
        let mut krate = Crate::empty(&name, dir);
        krate.add_file(&main, "")?;
        krate.index_impls();
        Ok(krate)
    }

    /// A crate made of one source text (for tests and tools).
    pub fn from_source(name: &str, text: &str) -> Result<Crate, LoadError> {
        let mut krate = Crate::empty(name, Path::new(""));
        krate.push_file(PathBuf::from(format!("{name}.rs")), text.to_string(), "")?;
        krate.index_impls();
        Ok(krate)
    }

    fn empty(name: &str, root: &Path) -> Crate {
        Crate {
            name: name.to_string(),
            root: root.to_path_buf(),
            files: Vec::new(),
            fns: BTreeMap::new(),
            structs: BTreeMap::new(),
            enums: BTreeMap::new(),
            consts: BTreeMap::new(),
            aliases: BTreeMap::new(),
            modules: BTreeMap::from([(
                String::new(),
                Module {
                    public: true,
                    ..Default::default()
                },
            )]),
            public: Default::default(),
            impls: Vec::new(),
        }
    }

    fn add_file(&mut self, path: &Path, module: &str) -> Result<(), LoadError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| LoadError::Io(path.to_path_buf(), e))?;
        self.push_file(path.to_path_buf(), text, module)
    }

    fn push_file(&mut self, path: PathBuf, text: String, module: &str) -> Result<(), LoadError> {
        let ast = syn::parse_file(&text).map_err(|e| {
            let lc = e.span().start();
            LoadError::Parse(format!(
                "{}:{}:{}: syntax error: {e}",
                path.display(),
                lc.line,
                lc.column + 1
            ))
        })?;
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let idx = self.files.len() as u32;
        let items = ast.items.clone();
        self.files.push(SourceFile {
            path: path.clone(),
            root: self.root.clone(),
            text,
            ast,
            line_starts,
        });
        self.index_items(idx, &path, module, &items)
    }

    /// Declare `name` (an item with key `key`) in `module`.
    fn declare(&mut self, module: &str, name: String, key: &str, vis: &syn::Visibility) {
        if matches!(vis, syn::Visibility::Public(_)) {
            self.public.insert(key.to_string());
        }
        if let Some(m) = self.modules.get_mut(module) {
            m.items.entry(name).or_insert_with(|| key.to_string());
        }
    }

    /// Methods and associated constants of every inherent `impl` block, under the key of
    /// the type the block's module resolves its self type to.
    fn index_impls(&mut self) {
        for (file, module, imp) in std::mem::take(&mut self.impls) {
            let ty = match &*imp.self_ty {
                syn::Type::Path(p) if p.qself.is_none() => {
                    let segs: Vec<String> = p
                        .path
                        .segments
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect();
                    match self.resolve(&module, &segs, None) {
                        Some(k) => k,
                        None => continue,
                    }
                }
                _ => continue,
            };
            for ii in &imp.items {
                match ii {
                    syn::ImplItem::Fn(m) => {
                        let f = syn::ItemFn {
                            attrs: m.attrs.clone(),
                            vis: m.vis.clone(),
                            sig: m.sig.clone(),
                            block: Box::new(m.block.clone()),
                        };
                        let key = format!("{ty}::{}", m.sig.ident);
                        if matches!(m.vis, syn::Visibility::Public(_)) {
                            self.public.insert(key.clone());
                        }
                        self.fns.insert(
                            key,
                            FnItem {
                                file,
                                module: module.clone(),
                                item: f,
                                self_ty: Some(ty.clone()),
                            },
                        );
                    }
                    syn::ImplItem::Const(c) => {
                        self.consts.insert(
                            format!("{ty}::{}", c.ident),
                            ConstItem {
                                file,
                                module: module.clone(),
                                ty: c.ty.clone(),
                                expr: c.expr.clone(),
                            },
                        );
                    }
                    _ => {}
                }
            }
        }
    }

    fn index_items(
        &mut self,
        file: u32,
        path: &Path,
        module: &str,
        items: &[syn::Item],
    ) -> Result<(), LoadError> {
        let module_s = module.to_string();
        for item in items {
            match item {
                syn::Item::Fn(f) => {
                    let key = key_in(module, &f.sig.ident.to_string());
                    self.declare(module, f.sig.ident.to_string(), &key, &f.vis);
                    self.fns.entry(key).or_insert(FnItem {
                        file,
                        module: module_s.clone(),
                        item: f.clone(),
                        self_ty: None,
                    });
                }
                syn::Item::Impl(imp) if imp.trait_.is_none() => {
                    self.impls.push((file, module_s.clone(), imp.clone()));
                }
                syn::Item::Use(u) => {
                    let mut out = Vec::new();
                    use_paths(&u.tree, &mut Vec::new(), &mut out);
                    let m = self.modules.get_mut(module).expect("module");
                    for (name, path) in out {
                        match name {
                            Some(n) => {
                                m.uses.entry(n).or_insert(path);
                            }
                            None => m.globs.push(path),
                        }
                    }
                }
                syn::Item::Struct(s) => {
                    let tuple = matches!(s.fields, syn::Fields::Unnamed(_));
                    let fields = s
                        .fields
                        .iter()
                        .enumerate()
                        .map(|(i, f)| {
                            (
                                f.ident.as_ref().map_or(i.to_string(), |id| id.to_string()),
                                f.ty.clone(),
                            )
                        })
                        .collect();
                    let key = key_in(module, &s.ident.to_string());
                    self.declare(module, s.ident.to_string(), &key, &s.vis);
                    self.structs.insert(
                        key,
                        StructItem {
                            file,
                            module: module_s.clone(),
                            fields,
                            tuple,
                            copy: derives_copy(&s.attrs),
                            pub_fields: s
                                .fields
                                .iter()
                                .all(|f| matches!(f.vis, syn::Visibility::Public(_))),
                        },
                    );
                }
                syn::Item::Enum(e) => {
                    let variants = e
                        .variants
                        .iter()
                        .map(|v| {
                            let fields = v
                                .fields
                                .iter()
                                .map(|f| (f.ident.as_ref().map(|i| i.to_string()), f.ty.clone()))
                                .collect();
                            (v.ident.to_string(), fields)
                        })
                        .collect();
                    let key = key_in(module, &e.ident.to_string());
                    self.declare(module, e.ident.to_string(), &key, &e.vis);
                    self.enums.insert(
                        key,
                        EnumItem {
                            file,
                            module: module_s.clone(),
                            variants,
                            copy: derives_copy(&e.attrs),
                        },
                    );
                }
                syn::Item::Const(c) => {
                    let key = key_in(module, &c.ident.to_string());
                    self.declare(module, c.ident.to_string(), &key, &c.vis);
                    self.consts.insert(
                        key,
                        ConstItem {
                            file,
                            module: module_s.clone(),
                            ty: (*c.ty).clone(),
                            expr: (*c.expr).clone(),
                        },
                    );
                }
                syn::Item::Static(s) if matches!(s.mutability, syn::StaticMutability::None) => {
                    let key = key_in(module, &s.ident.to_string());
                    self.declare(module, s.ident.to_string(), &key, &s.vis);
                    self.consts.insert(
                        key,
                        ConstItem {
                            file,
                            module: module_s.clone(),
                            ty: (*s.ty).clone(),
                            expr: (*s.expr).clone(),
                        },
                    );
                }
                syn::Item::Type(t) => {
                    let key = key_in(module, &t.ident.to_string());
                    self.declare(module, t.ident.to_string(), &key, &t.vis);
                    self.aliases.insert(
                        key,
                        AliasItem {
                            file,
                            module: module_s.clone(),
                            ty: (*t.ty).clone(),
                        },
                    );
                }
                syn::Item::Mod(m) if is_cfg_test(&m.attrs) => {}
                syn::Item::Mod(m) => {
                    let name = m.ident.to_string();
                    let sub = key_in(module, &name);
                    self.modules.insert(
                        sub.clone(),
                        Module {
                            parent: Some(module_s.clone()),
                            public: matches!(m.vis, syn::Visibility::Public(_)),
                            ..Default::default()
                        },
                    );
                    if let Some(parent) = self.modules.get_mut(module) {
                        parent.mods.insert(name.clone(), sub.clone());
                    }
                    match &m.content {
                        // An inline module's files are found as if it were a file of its own.
                        Some((_, inner)) => {
                            let inner_path = module_dir(path).join(format!("{name}.rs"));
                            self.index_items(file, &inner_path, &sub, inner)?
                        }
                        None => {
                            let dir = module_dir(path);
                            let candidates = [
                                dir.join(format!("{name}.rs")),
                                dir.join(&name).join("mod.rs"),
                            ];
                            match candidates.iter().find(|p| p.is_file()) {
                                Some(p) => {
                                    let p = p.clone();
                                    self.add_file(&p, &sub)?
                                }
                                None => {
                                    return Err(LoadError::Io(
                                        candidates[0].clone(),
                                        std::io::Error::new(
                                            std::io::ErrorKind::NotFound,
                                            "module file not found",
                                        ),
                                    ))
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The key of what `segs` names from module `module` (`self_ty` is the key `Self`
    /// stands for): an item (`objects::Value`), or a path into a type's associated items
    /// (`objects::Value::new`, `ops::Op::Add`). `None` for a module, or for a path that
    /// leaves the crate (`std::..`) or names nothing.
    pub fn resolve(&self, module: &str, segs: &[String], self_ty: Option<&str>) -> Option<String> {
        let (first, rest) = segs.split_first()?;
        let mut cur = match first.as_str() {
            "Self" => Res::Item(self_ty?.to_string()),
            _ => self.resolve_first(module, first, 0)?,
        };
        for (i, seg) in rest.iter().enumerate() {
            cur = match cur {
                Res::Module(m) => match seg.as_str() {
                    "super" => Res::Module(self.modules.get(&m)?.parent.clone()?),
                    "self" => Res::Module(m),
                    _ => self.lookup_in(&m, seg, 0)?,
                },
                // The rest names an associated item or variant of the type.
                Res::Item(key) => {
                    let key = self.alias_target(&key, 0).unwrap_or(key);
                    return Some(format!("{key}::{}", rest[i..].join("::")));
                }
            };
        }
        match cur {
            Res::Item(k) => Some(k),
            Res::Module(_) => None,
        }
    }

    /// What a path's first segment names from `module`.
    fn resolve_first(&self, module: &str, first: &str, depth: u32) -> Option<Res> {
        match first {
            "crate" => Some(Res::Module(String::new())),
            "self" => Some(Res::Module(module.to_string())),
            "super" => Some(Res::Module(self.modules.get(module)?.parent.clone()?)),
            _ => self.lookup_in(module, first, depth),
        }
    }

    /// A whole path, with the modules it may name, for `use` targets.
    fn resolve_res(&self, module: &str, segs: &[String], depth: u32) -> Option<Res> {
        let (first, rest) = segs.split_first()?;
        let mut cur = self.resolve_first(module, first, depth)?;
        for seg in rest {
            cur = match cur {
                Res::Module(m) => match seg.as_str() {
                    "super" => Res::Module(self.modules.get(&m)?.parent.clone()?),
                    "self" => Res::Module(m),
                    _ => self.lookup_in(&m, seg, depth)?,
                },
                Res::Item(k) => Res::Item(format!("{k}::{seg}")),
            };
        }
        Some(cur)
    }

    /// `name` in module `module`: a child module, an item declared there, a `use`
    /// import, or a name of a glob-imported module.
    fn lookup_in(&self, module: &str, name: &str, depth: u32) -> Option<Res> {
        if depth > 32 {
            return None;
        }
        // A lookup that needs itself (`use foo::*` naming `foo` through the glob
        // itself, globs importing each other) finds nothing there: each (module, name)
        // is looked up at most once on the way, so lookups stay linear.
        let key = (
            self as *const Crate as usize,
            module.to_string(),
            name.to_string(),
        );
        let entered = LOOKUPS.with(|l| {
            let mut l = l.borrow_mut();
            if l.contains(&key) {
                false
            } else {
                l.push(key.clone());
                true
            }
        });
        if !entered {
            return None;
        }
        let r = self.lookup_in_uncached(module, name, depth);
        LOOKUPS.with(|l| {
            let mut l = l.borrow_mut();
            if let Some(i) = l.iter().rposition(|k| *k == key) {
                l.remove(i);
            }
        });
        r
    }

    fn lookup_in_uncached(&self, module: &str, name: &str, depth: u32) -> Option<Res> {
        let m = self.modules.get(module)?;
        if let Some(k) = m.items.get(name) {
            return Some(Res::Item(k.clone()));
        }
        if let Some(p) = m.mods.get(name) {
            return Some(Res::Module(p.clone()));
        }
        if let Some(path) = m.uses.get(name) {
            return self.resolve_res(module, path, depth + 1);
        }
        m.globs
            .iter()
            .find_map(|g| match self.resolve_res(module, g, depth + 1)? {
                Res::Module(gm) if gm != module => self.lookup_in(&gm, name, depth + 1),
                _ => None,
            })
    }

    /// The struct or enum an alias key stands for, when it is a plain path.
    fn alias_target(&self, key: &str, depth: u32) -> Option<String> {
        let a = self.aliases.get(key)?;
        let syn::Type::Path(p) = &a.ty else {
            return None;
        };
        let segs: Vec<String> = p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let k = self.resolve(&a.module, &segs, None)?;
        if depth < 8 && self.aliases.contains_key(&k) {
            return self.alias_target(&k, depth + 1);
        }
        Some(k)
    }

    /// Whether generated code can name the item `key` as `::CRATE::KEY`: it is `pub`,
    /// and so is every module on its path.
    pub fn is_reachable(&self, key: &str) -> bool {
        if !self.public.contains(key) {
            return false;
        }
        if let Some(ty) = self.fns.get(key).and_then(|f| f.self_ty.as_ref()) {
            return self.is_reachable(ty);
        }
        self.is_public_module(key.rsplit_once("::").map_or("", |(m, _)| m))
    }

    /// Whether module `m` and every module around it are `pub`.
    pub fn is_public_module(&self, m: &str) -> bool {
        let mut m = Some(m.to_string());
        while let Some(p) = m {
            match self.modules.get(&p) {
                Some(md) if md.public => m = md.parent.clone(),
                _ => return false,
            }
        }
        true
    }

    /// The span of a syn node in file `file`.
    pub fn span(&self, file: u32, s: proc_macro2::Span) -> Span {
        let f = &self.files[file as usize];
        let lo = f.offset(s.start());
        let hi = f.offset(s.end()).max(lo);
        Span {
            file,
            lo: lo as u32,
            hi: hi as u32,
        }
    }

    /// `path:line:column` of a span.
    pub fn location(&self, s: Span) -> String {
        let f = &self.files[s.file as usize];
        let (l, c) = f.line_col(s.lo as usize);
        format!("{}:{l}:{c}", f.display_path())
    }

    /// A diagnostic for a syn node.
    pub fn error(
        &self,
        file: u32,
        node: &impl syn::spanned::Spanned,
        msg: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(self.span(file, node.span()), msg)
    }
}

/// The directory in which `mod x;` declared in `path` looks for `x.rs`.
fn module_dir(path: &Path) -> PathBuf {
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    match path.file_stem().and_then(|s| s.to_str()) {
        Some("lib" | "main" | "mod") => dir,
        Some(stem) => dir.join(stem),
        None => dir,
    }
}

/// The imports of a `use` tree: (name, path), with no name for a glob.
fn use_paths(
    t: &syn::UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Option<String>, Vec<String>)>,
) {
    match t {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                if let Some(last) = prefix.last() {
                    out.push((Some(last.clone()), prefix.clone()));
                }
            } else {
                let mut p = prefix.clone();
                p.push(name.clone());
                out.push((Some(name), p));
            }
        }
        syn::UseTree::Rename(r) => {
            let mut p = prefix.clone();
            if r.ident != "self" {
                p.push(r.ident.to_string());
            }
            out.push((Some(r.rename.to_string()), p));
        }
        syn::UseTree::Glob(_) => out.push((None, prefix.clone())),
        syn::UseTree::Group(g) => g.items.iter().for_each(|i| use_paths(i, prefix, out)),
    }
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.meta
                .require_list()
                .map(|l| l.tokens.to_string().contains("test"))
                .unwrap_or(false)
    })
}

fn derives_copy(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.meta
                .require_list()
                .map(|l| l.tokens.to_string().split(',').any(|t| t.trim() == "Copy"))
                .unwrap_or(false)
    })
}

/// The last path segment of a simple type path (`Machine`, `crate::vm::Machine`).
pub fn type_name(t: &syn::Type) -> Option<String> {
    match t {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

thread_local! {
    /// The (crate, module, name) lookups in progress on this thread (see
    /// `Crate::lookup_in`).
    static LOOKUPS: std::cell::RefCell<Vec<(usize, String, String)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}
