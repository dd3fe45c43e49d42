//! The phases of `translate`, in order, with progress on stderr:
//!
//! 1. find the target crate (`targets/NAME`, `targets/targetNAME`'s short form, a name a
//!    target's manifest lists as an alias, or a path);
//! 2. parse every module file of it;
//! 3. find the portal (`#[portal]`) and build flow graphs for it and everything it calls;
//! 4. with `--view`, write the graphs as DOT (and SVG when `dot` is installed).

use crate::diag::Diagnostic;
use crate::flow::build::{build_program, Program};
use crate::flow::dot::graph_dot;
use crate::hints;
use crate::source::Crate;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where the repository's own targets are.
pub fn default_targets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("targets")
}

/// A target crate under `targets_dir`, with its one-line description.
pub struct TargetInfo {
    pub name: String,
    pub dir: PathBuf,
    pub description: String,
    /// Other names `translate` knows it by: `aliases = ["jit"]` in its manifest's
    /// `[package.metadata.translate]` (so `translate targetjit` finds `targets/python`).
    pub aliases: Vec<String>,
}

/// The `aliases = [..]` of a manifest's `[package.metadata.translate]` table.
fn manifest_aliases(text: &str) -> Vec<String> {
    let mut in_table = false;
    for l in text.lines() {
        let l = l.trim();
        if l.starts_with('[') {
            in_table = l == "[package.metadata.translate]";
            continue;
        }
        if let (true, Some(r)) = (in_table, l.strip_prefix("aliases")) {
            let r = r.trim().trim_start_matches('=').trim();
            let r = r.trim_start_matches('[').trim_end_matches(']');
            return r
                .split(',')
                .map(|a| a.trim().trim_matches('"').to_string())
                .filter(|a| !a.is_empty())
                .collect();
        }
    }
    Vec::new()
}

/// The targets in `targets_dir`, by name.
pub fn list_targets(targets_dir: &Path) -> Vec<TargetInfo> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(targets_dir) else {
        return out;
    };
    for e in rd.flatten() {
        let dir = e.path();
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let description = text
            .lines()
            .find_map(|l| {
                l.trim().strip_prefix("description").map(|r| {
                    r.trim()
                        .trim_start_matches('=')
                        .trim()
                        .trim_matches('"')
                        .to_string()
                })
            })
            .unwrap_or_default();
        out.push(TargetInfo {
            name: e.file_name().to_string_lossy().into_owned(),
            dir,
            description,
            aliases: manifest_aliases(&text),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Resolve `TARGET`: a crate directory path, or a target name (`tlr` or `targettlr`).
pub fn resolve_target(target: &str, targets_dir: &Path) -> Result<PathBuf, String> {
    let p = Path::new(target);
    if p.join("Cargo.toml").is_file() {
        return Ok(p.canonicalize().unwrap_or_else(|_| p.to_path_buf()));
    }
    let short = target
        .strip_prefix("target")
        .filter(|s| !s.is_empty())
        .unwrap_or(target);
    for name in [target, short] {
        let d = targets_dir.join(name);
        if d.join("Cargo.toml").is_file() {
            return Ok(d.canonicalize().unwrap_or(d));
        }
    }
    let targets = list_targets(targets_dir);
    if let Some(t) = targets
        .iter()
        .find(|t| t.aliases.iter().any(|a| a == target || a == short))
    {
        return Ok(t.dir.canonicalize().unwrap_or_else(|_| t.dir.clone()));
    }
    let known: Vec<String> = targets.into_iter().map(|t| t.name).collect();
    Err(format!(
        "no target `{target}`: not a crate directory, and not one of the targets in {} ({})",
        targets_dir.display(),
        if known.is_empty() {
            "none found".to_string()
        } else {
            known.join(", ")
        }
    ))
}

/// The portal functions of a crate: those with `#[portal]`.
pub fn find_portals(k: &Crate) -> Result<Vec<String>, Vec<Diagnostic>> {
    let mut portals = Vec::new();
    let mut errors = Vec::new();
    for (name, f) in &k.fns {
        match hints::portal_greens(&f.item.attrs) {
            None => {}
            Some(Ok(greens)) => {
                let params: Vec<String> = f
                    .item
                    .sig
                    .inputs
                    .iter()
                    .filter_map(|a| match a {
                        syn::FnArg::Typed(pt) => match &*pt.pat {
                            syn::Pat::Ident(i) => Some(i.ident.to_string()),
                            _ => None,
                        },
                        syn::FnArg::Receiver(_) => Some("self".into()),
                    })
                    .collect();
                for g in &greens {
                    if !params.contains(g) {
                        errors.push(
                            k.error(
                                f.file,
                                &f.item.sig,
                                format!("portal `{name}` has no parameter `{g}` to make green"),
                            )
                            .help(format!("the parameters are: {}", params.join(", "))),
                        );
                    }
                }
                portals.push(name.clone());
            }
            Some(Err(e)) => errors.push(
                k.error(f.file, &f.item.sig, format!("malformed `#[portal]`: {e}"))
                    .help("write `#[portal(greens(param, ...))]`"),
            ),
        }
    }
    if portals.is_empty() && errors.is_empty() {
        errors.push(Diagnostic::new(Default::default(), "no portal: no function is marked `#[portal(...)]`").help(
            "mark the interpreter's entry function with `#[portal(greens(bytecode, pc))]`, naming the parameters known at compile time",
        ));
    }
    if errors.is_empty() {
        Ok(portals)
    } else {
        Err(errors)
    }
}

/// What `translate` was asked to do.
pub struct Options {
    pub target: String,
    pub targets_dir: PathBuf,
    pub output: Option<PathBuf>,
    pub quiet: bool,
    pub view: bool,
    pub dot_dir: Option<PathBuf>,
    pub color: bool,
}

/// Why `translate` stopped; the message is printed as is.
pub struct Failure(pub String);

struct Progress {
    quiet: bool,
    started: Instant,
}

impl Progress {
    fn phase(&self, n: usize, total: usize, what: &str) {
        if !self.quiet {
            eprintln!("[{n}/{total}] {what}");
        }
    }
    fn done(&self, what: &str) {
        if !self.quiet {
            eprintln!(
                "      {what} ({:.2}s)",
                self.started.elapsed().as_secs_f64()
            );
        }
    }
}

/// Run the front end: returns the crate and its graphs, or the rendered diagnostics.
pub fn front_end(opts: &Options) -> Result<(Crate, Program), Failure> {
    let p = Progress {
        quiet: opts.quiet,
        started: Instant::now(),
    };
    let total = if opts.view { 4 } else { 7 };
    let dir = resolve_target(&opts.target, &opts.targets_dir).map_err(Failure)?;
    p.phase(1, total, &format!("reading {}", dir.display()));
    let k = Crate::load(&dir).map_err(|e| Failure(format!("error: {e}")))?;
    p.done(&format!(
        "{} files, {} functions",
        k.files.len(),
        k.fns.len()
    ));
    p.phase(2, total, "finding the portal");
    let portals = find_portals(&k).map_err(|ds| render_all(&k, &ds, opts.color))?;
    p.done(&format!("portal: {}", portals.join(", ")));
    p.phase(3, total, "building flow graphs");
    let (prog, diags) = build_program(&k, &portals);
    if !diags.is_empty() {
        return Err(render_all(&k, &diags, opts.color));
    }
    let blocks: usize = prog.graphs.values().map(|g| g.g.node_count()).sum();
    let ops: usize = prog.graphs.values().map(|g| g.op_count()).sum();
    p.done(&format!(
        "{} graphs, {blocks} blocks, {ops} operations",
        prog.graphs.len()
    ));
    if opts.view {
        let dir = opts
            .dot_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{}-graphs", k.name)));
        p.phase(4, total, &format!("writing graphs to {}", dir.display()));
        let n = write_dot(&prog, &dir).map_err(|e| {
            Failure(format!(
                "error: cannot write graphs to {}: {e}",
                dir.display()
            ))
        })?;
        // Each portal after inlining, coloured by the binding-time analysis (every
        // portal's errors are reported before stopping).
        let mut annotated = Vec::new();
        let mut diags = Vec::new();
        for name in &prog.roots {
            match annotated_portal(&k, &prog, name) {
                Ok(x) => annotated.push((name, x)),
                Err(ds) => diags.extend(ds),
            }
        }
        if !diags.is_empty() {
            return Err(render_all(&k, &diags, opts.color));
        }
        for (name, (g, _, a)) in annotated {
            let merges: Vec<_> = a.merge_blocks.iter().copied().collect();
            let dot = crate::flow::dot::annotated_dot(
                &g,
                &crate::flow::dot::Colouring {
                    is_red: &|v| a.is_red(v),
                    merges: &merges,
                    notes: &a.merge_notes,
                },
            );
            let path = dir.join(format!("{}.annotated.dot", name.replace("::", ".")));
            std::fs::write(&path, dot)
                .map_err(|e| Failure(format!("error: cannot write {}: {e}", path.display())))?;
            render_svg(&path);
        }
        p.done(&format!(
            "{n}, and each portal annotated (green/red) in PORTAL.annotated.dot"
        ));
    }
    Ok((k, prog))
}

/// Every diagnostic of a phase (each once, in order), then one line that counts them,
/// as rustc ends a failed build.
pub fn render_all(k: &Crate, ds: &[Diagnostic], color: bool) -> Failure {
    let mut unique: Vec<&Diagnostic> = Vec::new();
    for d in ds {
        if !unique.contains(&d) {
            unique.push(d);
        }
    }
    let mut s = String::new();
    for d in &unique {
        s.push_str(&d.render(k, color));
        s.push_str("\n\n");
    }
    s.push_str(&format!(
        "error: could not translate `{}` due to {}",
        k.name,
        if unique.len() == 1 {
            "1 previous error".to_string()
        } else {
            format!("{} previous errors", unique.len())
        }
    ));
    Failure(s)
}

/// `dot -Tsvg` of `path` next to it; whether it worked (not without Graphviz).
fn render_svg(path: &Path) -> bool {
    std::process::Command::new("dot")
        .arg("-Tsvg")
        .arg(path)
        .arg("-o")
        .arg(path.with_extension("svg"))
        .status()
        .is_ok_and(|s| s.success())
}

/// Write one `.dot` file per graph (and `.svg` when Graphviz is installed).
pub fn write_dot(prog: &Program, dir: &Path) -> std::io::Result<String> {
    std::fs::create_dir_all(dir)?;
    let mut svgs = 0;
    let has_dot = std::process::Command::new("dot").arg("-V").output().is_ok();
    for (name, g) in &prog.graphs {
        let path = dir.join(format!("{}.dot", name.replace("::", ".")));
        std::fs::write(&path, graph_dot(g))?;
        if has_dot {
            svgs += render_svg(&path) as usize;
        }
    }
    Ok(if has_dot {
        format!("{} DOT files, {svgs} SVG files", prog.graphs.len())
    } else {
        format!(
            "{} DOT files (install Graphviz's `dot` for SVG)",
            prog.graphs.len()
        )
    })
}

/// Portal `name`'s graph with its callees inlined and its promotions ending blocks: what
/// the binding-time analysis reads.
pub fn inlined_portal(prog: &Program, name: &str) -> crate::flow::model::Graph {
    let mut g = crate::inline::inline_portal(prog, name);
    crate::inline::split_promotions(&mut g);
    g
}

/// The green parameters `#[portal(greens(..))]` names.
pub fn portal_greens(k: &Crate, name: &str) -> Vec<String> {
    hints::portal_greens(&k.fns[name].item.attrs)
        .and_then(|r| r.ok())
        .unwrap_or_default()
}

/// Portal `name` inlined and annotated: its graph, green parameters and binding times.
pub fn annotated_portal(
    k: &Crate,
    prog: &Program,
    name: &str,
) -> Result<
    (
        crate::flow::model::Graph,
        Vec<String>,
        crate::bta::Annotation,
    ),
    Vec<Diagnostic>,
> {
    let g = inlined_portal(prog, name);
    let greens = portal_greens(k, name);
    let a = crate::bta::annotate(&g, &greens, k)?;
    Ok((g, greens, a))
}

/// The back end: inline, annotate and timeshift every portal, write the generated crate
/// and build it into `output`. Returns the path of the binary.
pub fn back_end(opts: &Options, k: &Crate, prog: &Program) -> Result<PathBuf, Failure> {
    let p = Progress {
        quiet: opts.quiet,
        started: Instant::now(),
    };
    let total = 7;
    p.phase(4, total, "inlining helpers into the portal");
    let mut inlined = Vec::new();
    for name in &prog.roots {
        let g = inlined_portal(prog, name);
        p.done(&format!(
            "{name}: {} blocks, {} operations",
            g.g.node_count(),
            g.op_count()
        ));
        inlined.push((name.clone(), g));
    }
    p.phase(5, total, "binding-time analysis");
    let mut anns = Vec::new();
    let mut diags = Vec::new();
    for (name, g) in &inlined {
        let greens = portal_greens(k, name);
        let a = match crate::bta::annotate(g, &greens, k) {
            Ok(a) => a,
            Err(ds) => {
                diags.extend(ds);
                continue;
            }
        };
        let reds = a.red.iter().filter(|r| **r).count();
        p.done(&format!(
            "{name}: {} green and {reds} red variables, {} merge blocks",
            a.red.len() - reds,
            a.merge_blocks.len()
        ));
        anns.push((greens, a));
    }
    if !diags.is_empty() {
        return Err(render_all(k, &diags, opts.color));
    }
    p.phase(6, total, "generating the JIT frontend");
    let portals: Vec<crate::timeshift::Portal> = inlined
        .iter()
        .zip(&anns)
        .map(|((name, g), (greens, a))| crate::timeshift::Portal {
            name: name.clone(),
            graph: g,
            ann: a,
            greens: greens.clone(),
        })
        .collect();
    let frontend =
        crate::timeshift::generate(k, &portals).map_err(|ds| render_all(k, &ds, opts.color))?;
    let bin = format!("{}-c", k.name);
    let build_dir = crate::timeshift::package::target_dir()
        .join("translate")
        .join(&bin);
    crate::timeshift::package::write_crate(&build_dir, &bin, &k.name, &k.root, &frontend)
        .map_err(|e| Failure(format!("error: {e}")))?;
    p.done(&format!(
        "{} lines in {}",
        frontend.lines().count(),
        build_dir.join("src/frontend.rs").display()
    ));
    p.phase(7, total, &format!("building {bin} (cargo build --release)"));
    let built = crate::timeshift::package::build(&build_dir, &bin, opts.quiet)
        .map_err(|e| Failure(format!("error: {e}")))?;
    let out = opts
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("./{bin}")));
    std::fs::copy(&built, &out)
        .map_err(|e| Failure(format!("error: cannot write {}: {e}", out.display())))?;
    p.done(&format!("wrote {}", out.display()));
    Ok(out)
}
