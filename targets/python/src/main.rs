//! `pyrs`: the command line of the Python interpreter (`pyrs-c` when translated).
//!
//! `pyrs PROGRAM.py ARGS...`, `pyrs -c CMD ARGS...`, `pyrs` (a prompt when stdin is a
//! terminal, else the program read from stdin), `pyrs -i [PROGRAM.py]` (the prompt
//! after the program, even when stdin is not a terminal). The interpreter runs on a
//! thread with a large stack so deep recursion ends in `RecursionError`.

use pyrs::compile::{self, SyntaxError};
use pyrs::objects::Object;
use pyrs::space::{write_err, Space};
use pyrs::value::Value;
use pyrs::{interp, load, proto, traceback};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

/// The interpreter thread's stack.
const STACK: usize = 1 << 30;

enum Mode {
    File(String),
    Command(String),
    Stdin,
}

/// `-h`: the options python3 has that pyrs takes, in python3's words.
const HELP: &str = "usage: pyrs [option] ... [-c cmd | file | -] [arg] ...
Options:
-c cmd : program passed in as string (terminates option list)
-h     : print this help message and exit (also -? or --help)
-i     : inspect interactively after running script; forces a prompt even
         if stdin does not appear to be a terminal
-V     : print the Python version number and exit (also --version)
-B, -E, -O, -s, -S, -u : accepted and ignored
file   : program read from script file
-      : program read from stdin (default; interactive mode if a tty)
arg ...: arguments passed to program in sys.argv[1:]
";

fn main() -> ExitCode {
    let args = hints::args();
    let mut i = 0;
    let mut inspect = false;
    let mut mode = Mode::Stdin;
    let mut argv: Vec<String> = Vec::new();
    while i < args.len() {
        let a = &args[i];
        if a == "-i" {
            inspect = true;
            i += 1;
        } else if a == "-c" {
            let Some(cmd) = args.get(i + 1) else {
                write_err("Argument expected for the -c option\n");
                return ExitCode::from(2);
            };
            mode = Mode::Command(cmd.clone());
            argv.push("-c".to_string());
            argv.extend(args[i + 2..].iter().cloned());
            break;
        } else if a == "-h" || a == "-?" || a == "--help" {
            print!("{HELP}");
            if let Some(jit) = hints::jit_usage() {
                println!("\n{jit}");
            }
            return ExitCode::SUCCESS;
        } else if a == "-V" || a == "--version" {
            println!("Python 3.11 (pyrs)");
            return ExitCode::SUCCESS;
        } else if a == "-u" || a == "-O" || a == "-B" || a == "-E" || a == "-s" || a == "-S" {
            i += 1;
        } else if a == "-" {
            argv.push(String::new());
            argv.extend(args[i + 1..].iter().cloned());
            break;
        } else if a.starts_with('-') && a.len() > 1 {
            write_err(&format!("Unknown option: {a}\n"));
            write_err("usage: pyrs [-i] [-c cmd | file | -] [arg] ...\n");
            return ExitCode::from(2);
        } else {
            mode = Mode::File(a.clone());
            argv.extend(args[i..].iter().cloned());
            break;
        }
    }
    if argv.is_empty() {
        argv.push(String::new());
    }
    let child = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || run(mode, argv, inspect));
    match child.map(|t| t.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(_)) => ExitCode::from(70),
        Err(e) => {
            write_err(&format!("pyrs: cannot start the interpreter thread: {e}\n"));
            ExitCode::from(70)
        }
    }
}

/// Print a syntax error as CPython does.
fn print_syntax_error(e: &SyntaxError) {
    let mut s = format!("  File \"{}\", line {}\n", e.filename, e.line);
    if !e.text.trim().is_empty() {
        let stripped = e.text.trim_start();
        let removed = e.text.chars().count() - stripped.chars().count();
        let text = stripped.trim_end();
        s.push_str(&format!("    {text}\n"));
        let col = (e.col as usize)
            .saturating_sub(1)
            .saturating_sub(removed)
            .min(text.chars().count());
        s.push_str(&format!("    {}^\n", " ".repeat(col)));
    }
    s.push_str(&format!("{}: {}\n", e.kind, e.msg));
    write_err(&s);
}

/// The exit status for an uncaught exception (printing it), or for `SystemExit`.
fn report(vm: &mut Space, e: Value) -> u8 {
    vm.flush();
    let se = vm.exc["SystemExit"];
    if vm.isinstance(e, se) {
        let args = vm.exc_state(e).map(|s| s.args).unwrap_or(Value::None);
        let items = proto::collect(vm, args).unwrap_or_default();
        let code = if items.len() == 1 {
            items[0]
        } else if items.is_empty() {
            Value::None
        } else {
            args
        };
        return match code {
            Value::None => 0,
            Value::Int(n) => n as u8,
            Value::Bool(b) => b as u8,
            _ => {
                let s = proto::str(vm, code).unwrap_or_default();
                write_err(&format!("{s}\n"));
                1
            }
        };
    }
    let t = traceback::format(vm, e);
    write_err(&t);
    let _ = std::io::stderr().flush();
    1
}

fn run(mode: Mode, argv: Vec<String>, inspect: bool) -> u8 {
    let mut vm = Space::new();
    let here = 0u8;
    vm.stack_base = &here as *const u8 as usize;
    vm.stack_size = STACK - (64 << 20);
    vm.argv = argv;
    if std::env::var_os("PYRS_GC_STRESS").is_some() {
        // Collect at nearly every safe point (to test the collector's roots).
        vm.gc_threshold = 16;
    }
    let (src, filename, dir) = match &mode {
        Mode::File(path) => match std::fs::read(path) {
            Ok(bytes) => {
                let path = &std::path::absolute(path)
                    .map(|p| p.to_string_lossy().to_string())
                    .unwrap_or(path.clone());
                let dir = std::path::Path::new(path)
                    .parent()
                    .map(|p| p.to_string_lossy().to_string())
                    .unwrap_or_default();
                let dir = if dir.is_empty() { ".".to_string() } else { dir };
                (
                    String::from_utf8_lossy(&bytes).into_owned(),
                    path.clone(),
                    dir,
                )
            }
            Err(e) => {
                let shown = std::path::absolute(path)
                    .map(|p| p.to_string_lossy().to_string())
                    .unwrap_or(path.clone());
                let errno = e.raw_os_error().unwrap_or(2);
                let msg = match errno {
                    2 => "No such file or directory".to_string(),
                    13 => "Permission denied".to_string(),
                    21 => "Is a directory".to_string(),
                    _ => e.to_string(),
                };
                write_err(&format!(
                    "pyrs-c: can't open file '{shown}': [Errno {errno}] {msg}\n"
                ));
                return 2;
            }
        },
        Mode::Command(c) => (c.clone(), "<string>".to_string(), ".".to_string()),
        Mode::Stdin => {
            if inspect || std::io::stdin().is_terminal() {
                return repl(&mut vm, None, inspect);
            }
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut s);
            (s, "<stdin>".to_string(), ".".to_string())
        }
    };
    vm.path = dir.clone();
    let idx = match load::load_program(&mut vm, &src, &filename, &dir) {
        Ok(i) => i,
        Err(e) => {
            print_syntax_error(&e);
            return 1;
        }
    };
    let func = load::main_function(&mut vm, idx, None, &filename);
    let codes = vm.codes;
    let r = match run_guarded(codes, idx, &mut vm, func) {
        Some(r) => r,
        None => return 70,
    };
    let status = match r {
        Ok(_) => 0,
        Err(e) => report(&mut vm, e),
    };
    vm.flush();
    if inspect {
        let se = vm.exc["SystemExit"];
        if let Err(e) = r {
            if vm.isinstance(e, se) {
                return status;
            }
        }
        let g = match vm.obj(func) {
            Object::Function(f) => Some(f.globals),
            _ => None,
        };
        return repl(&mut vm, g, true);
    }
    status
}

/// Run a module body; `None` after an internal error (a bug of the interpreter), with
/// what the program printed flushed first.
fn run_guarded(
    codes: &'static [pyrs::bytecode::Code],
    idx: u32,
    vm: &mut Space,
    func: Value,
) -> Option<Result<Value, Value>> {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        interp::run(codes, idx as usize, vm, func, &[], 0)
    }));
    match r {
        Ok(r) => Some(r),
        Err(_) => {
            vm.flush();
            write_err("pyrs: internal error (see the message above)\n");
            None
        }
    }
}

/// Whether a syntax error says the input stopped in the middle of a statement.
fn incomplete(e: &SyntaxError) -> bool {
    let m = e.msg.to_ascii_lowercase();
    m.contains("never closed")
        || m.contains("unexpected eof")
        || m.contains("end of file")
        || m.contains("expected an indented block")
        || m.contains("incomplete")
        || m.contains("unterminated triple")
}

/// The interactive prompt: statements are read (a compound statement ends with an
/// empty line) and run one after the other in the same namespace.
fn repl(vm: &mut Space, globals: Option<Value>, forced: bool) -> u8 {
    let _ = forced;
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut g = globals;
    loop {
        write_err(">>> ");
        let mut buf = String::new();
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => {
                write_err("\n");
                vm.flush();
                return 0;
            }
            Ok(_) => {}
        }
        if line.trim().is_empty() {
            continue;
        }
        buf.push_str(&line);
        let first = line.trim_end();
        let mut needs_more = first.ends_with(':') || first.ends_with('\\');
        if !needs_more {
            if let Err(e) = compile::compile_interactive(&buf, "<stdin>") {
                needs_more = incomplete(&e);
            }
        }
        if needs_more {
            loop {
                write_err("... ");
                let mut l = String::new();
                match input.read_line(&mut l) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                if l.trim().is_empty() {
                    break;
                }
                buf.push_str(&l);
            }
        }
        let m = match compile::compile_interactive(&buf, "<stdin>") {
            Ok(m) => m,
            Err(e) => {
                vm.flush();
                print_syntax_error(&e);
                continue;
            }
        };
        let idx = load::load(vm, &m);
        if let Err(e) = load::load_imports(vm, &m.imports, &vm.path.clone()) {
            print_syntax_error(&e);
            continue;
        }
        let func = load::main_function(vm, idx, g, "<stdin>");
        if g.is_none() {
            if let Object::Function(f) = vm.obj(func) {
                g = Some(f.globals);
            }
        }
        let codes = vm.codes;
        let Some(r) = run_guarded(codes, idx, vm, func) else {
            return 70;
        };
        vm.flush();
        if let Err(e) = r {
            let se = vm.exc["SystemExit"];
            let is_exit = vm.isinstance(e, se);
            let st = report(vm, e);
            if is_exit {
                return st;
            }
        }
    }
}
