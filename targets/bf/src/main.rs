//! `bf PROGRAM`: run a brainfuck program, its input from standard input, its output to
//! standard output. Translated (`bf-c`), the same `main` runs with the JIT; see
//! `hints::args`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = hints::args();
    let [path] = args.as_slice() else {
        eprintln!("usage: bf [--no-jit] PROGRAM");
        return ExitCode::from(2);
    };
    let src = match std::fs::read(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let program = match bf::commands(&src) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = bf::run(&program.code, &program.brackets, 0);
    bf::flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
