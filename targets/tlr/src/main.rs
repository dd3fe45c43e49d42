//! `tlr PROGRAM ARG`: run a TLR program and print the result. Translated (`tlr-c`), the
//! same `main` runs with the JIT; see `hints::args`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = hints::args();
    let [path, arg] = args.as_slice() else {
        eprintln!("usage: tlr [--no-jit] PROGRAM ARG");
        return ExitCode::from(2);
    };
    let src = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = match tlr::asm::assemble(&src) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(a) = arg.parse::<i64>() else {
        eprintln!("error: ARG must be an integer, found `{arg}`");
        return ExitCode::FAILURE;
    };
    match tlr::interpret(&code, 0, a) {
        Ok(r) => {
            println!("{r}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
