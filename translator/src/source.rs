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
    pub item: syn::ItemFn,
    /// For a method, the type of its `impl` block.
    pub self_ty: Option<String>,
}

pub struct StructItem {
    pub file: u32,
    pub fields: Vec<(String, syn::Type)>,
    pub tuple: bool,
    pub copy: bool,
}

pub struct EnumItem {
    pub file: u32,
    /// Variant name and field types (named fields in declaration order).
    pub variants: Vec<(String, Vec<(Option<String>, syn::Type)>)>,
    pub copy: bool,
}

pub struct ConstItem {
    pub file: u32,
    pub ty: syn::Type,
    pub expr: syn::Expr,
}

/// A parsed crate.
pub struct Crate {
    pub name: String,
    pub root: PathBuf,
    pub files: Vec<SourceFile>,
    /// Functions by name: `f` for free functions, `Type::f` for methods.
    pub fns: BTreeMap<String, FnItem>,
    pub structs: BTreeMap<String, StructItem>,
    pub enums: BTreeMap<String, EnumItem>,
    /// Constants and immutable statics, by name (`NAME` or `Type::NAME`).
    pub consts: BTreeMap<String, ConstItem>,
    pub aliases: BTreeMap<String, syn::Type>,
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
        krate.add_file(&main, dir)?;
        Ok(krate)
    }

    /// A crate made of one source text (for tests and tools).
    pub fn from_source(name: &str, text: &str) -> Result<Crate, LoadError> {
        let mut krate = Crate::empty(name, Path::new(""));
        krate.push_file(PathBuf::from(format!("{name}.rs")), text.to_string())?;
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
        }
    }

    fn add_file(&mut self, path: &Path, _root: &Path) -> Result<(), LoadError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| LoadError::Io(path.to_path_buf(), e))?;
        self.push_file(path.to_path_buf(), text)
    }

    fn push_file(&mut self, path: PathBuf, text: String) -> Result<(), LoadError> {
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
        self.index_items(idx, &path, &items)
    }

    fn index_items(
        &mut self,
        file: u32,
        path: &Path,
        items: &[syn::Item],
    ) -> Result<(), LoadError> {
        for item in items {
            match item {
                syn::Item::Fn(f) => {
                    self.fns.entry(f.sig.ident.to_string()).or_insert(FnItem {
                        file,
                        item: f.clone(),
                        self_ty: None,
                    });
                }
                syn::Item::Impl(imp) if imp.trait_.is_none() => {
                    let Some(ty) = type_name(&imp.self_ty) else {
                        continue;
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
                                self.fns.insert(
                                    format!("{ty}::{}", m.sig.ident),
                                    FnItem {
                                        file,
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
                                        ty: c.ty.clone(),
                                        expr: c.expr.clone(),
                                    },
                                );
                            }
                            _ => {}
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
                    self.structs.insert(
                        s.ident.to_string(),
                        StructItem {
                            file,
                            fields,
                            tuple,
                            copy: derives_copy(&s.attrs),
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
                    self.enums.insert(
                        e.ident.to_string(),
                        EnumItem {
                            file,
                            variants,
                            copy: derives_copy(&e.attrs),
                        },
                    );
                }
                syn::Item::Const(c) => {
                    self.consts.insert(
                        c.ident.to_string(),
                        ConstItem {
                            file,
                            ty: (*c.ty).clone(),
                            expr: (*c.expr).clone(),
                        },
                    );
                }
                syn::Item::Static(s) if matches!(s.mutability, syn::StaticMutability::None) => {
                    self.consts.insert(
                        s.ident.to_string(),
                        ConstItem {
                            file,
                            ty: (*s.ty).clone(),
                            expr: (*s.expr).clone(),
                        },
                    );
                }
                syn::Item::Type(t) => {
                    self.aliases.insert(t.ident.to_string(), (*t.ty).clone());
                }
                syn::Item::Mod(m) if is_cfg_test(&m.attrs) => {}
                syn::Item::Mod(m) => match &m.content {
                    Some((_, inner)) => self.index_items(file, path, inner)?,
                    None => {
                        let dir = module_dir(path);
                        let name = m.ident.to_string();
                        let candidates = [
                            dir.join(format!("{name}.rs")),
                            dir.join(&name).join("mod.rs"),
                        ];
                        match candidates.iter().find(|p| p.is_file()) {
                            Some(p) => {
                                let p = p.clone();
                                self.add_file(&p, &self.root.clone())?
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
                },
                _ => {}
            }
        }
        Ok(())
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
