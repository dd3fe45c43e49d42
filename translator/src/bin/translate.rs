//! `translate`: turn a hinted interpreter into a JIT-compiling binary.

use clap::Parser;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use translator::driver::{self, Options};

/// Translate an interpreter written in Rust, marked with hints, into a binary whose JIT
/// compiles guest programs to machine code.
#[derive(Parser)]
#[command(name = "translate", version, about, long_about = None)]
struct Cli {
    /// A target under `targets/` (`tlr` or `targettlr`), or the path of a crate directory.
    #[arg(required_unless_present = "list")]
    target: Option<String>,

    /// List the targets with one line each.
    #[arg(long)]
    list: bool,

    /// Where to write the binary (default: `./NAME-c`).
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,

    /// Write the flow graphs as Graphviz DOT (and SVG when `dot` is installed).
    #[arg(long)]
    view: bool,

    /// The folder for `--view` (default: `./NAME-graphs`).
    #[arg(long, value_name = "DIR", requires = "view")]
    dot_dir: Option<PathBuf>,

    /// Where the targets are (default: this repository's `targets/`).
    #[arg(long, value_name = "DIR")]
    targets_dir: Option<PathBuf>,

    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let targets_dir = cli.targets_dir.unwrap_or_else(driver::default_targets_dir);
    if cli.list {
        let ts = driver::list_targets(&targets_dir);
        if ts.is_empty() {
            eprintln!("no targets in {}", targets_dir.display());
        }
        for t in ts {
            let name = if t.aliases.is_empty() {
                t.name
            } else {
                format!("{} ({})", t.name, t.aliases.join(", "))
            };
            println!("{name:<14} {}", t.description);
        }
        return ExitCode::SUCCESS;
    }
    let opts = Options {
        target: cli.target.unwrap(),
        targets_dir,
        output: cli.output,
        quiet: cli.quiet,
        view: cli.view,
        dot_dir: cli.dot_dir,
        color: std::io::stderr().is_terminal(),
    };
    match driver::front_end(&opts) {
        Ok((k, prog)) => {
            if opts.view {
                return ExitCode::SUCCESS;
            }
            match driver::back_end(&opts, &k, &prog) {
                Ok(_) => ExitCode::SUCCESS,
                Err(driver::Failure(msg)) => {
                    eprintln!("{msg}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(driver::Failure(msg)) => {
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}
