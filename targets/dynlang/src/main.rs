//! `dynlang PROGRAM X`: run a dynlang program (a file; whitespace and `#` comments are
//! ignored) with counter `X` and a heap holding the ints 0 to 99, print its result and
//! the heap. Translated (`dynlang-c`),
//! the same `main` runs with the JIT; see `hints::args`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = hints::args();
    let [path, x] = args.as_slice() else {
        eprintln!("usage: dynlang [--no-jit] PROGRAM X");
        return ExitCode::from(2);
    };
    let src = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code: Vec<u8> = src
        .lines()
        .flat_map(|l| l.split('#').next().unwrap_or("").bytes())
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let Ok(x) = x.parse::<i64>() else {
        eprintln!("error: X must be an integer, found `{x}`");
        return ExitCode::FAILURE;
    };
    // Calls recurse; give them room for `dynlang::MAX_DEPTH` levels.
    let run = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let mut heap: Vec<dynlang::Value> = (0..100).map(dynlang::Value::Int).collect();
            let r = dynlang::run(&code, 0, &mut heap, x, 0);
            (r, heap)
        });
    let (result, heap) = match run.map(|t| t.join()) {
        Ok(Ok(r)) => r,
        Ok(Err(_)) => return ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot start the interpreter: {e}");
            return ExitCode::FAILURE;
        }
    };
    let shown = if heap.len() > 10 {
        format!(
            "{} values, last {}",
            heap.len(),
            dynlang::show(&heap[heap.len() - 5..])
        )
    } else {
        dynlang::show(&heap)
    };
    match result {
        Ok(v) => {
            println!("{v:?} heap {shown}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("error {e:?} heap {shown}");
            ExitCode::FAILURE
        }
    }
}
