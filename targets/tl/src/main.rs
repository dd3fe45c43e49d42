//! `tl PROGRAM ARG`: run a TL program and print the result. Translated (`tl-c`), the
//! same `main` runs with the JIT; see `hints::args`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = hints::args();
    let [path, arg] = args.as_slice() else {
        eprintln!("usage: tl [--no-jit] PROGRAM ARG");
        return ExitCode::from(2);
    };
    let src = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = match tl::asm::assemble(&src) {
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
    // Nested `CALL`s recurse; give them room for `tl::MAX_DEPTH` levels.
    let run = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || tl::interpret(&code, 0, a, 0));
    let result = match run.map(|t| t.join()) {
        Ok(Ok(r)) => r,
        Ok(Err(_)) => return ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot start the interpreter: {e}");
            return ExitCode::FAILURE;
        }
    };
    match result {
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
