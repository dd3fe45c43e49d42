//! `viewcode LOG`: disassemble a JIT log (see `backend::jitlog`), with labels and the
//! names of called helpers. Reads standard input when LOG is `-` or missing.

use std::io::Read;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") || args.len() > 1 {
        eprintln!("usage: viewcode [LOG]\n\nDisassembles a JIT log written by a translated binary \
                   (for example with PYRSJITLOG=LOG or --jit-log LOG).\nReads standard input when LOG is `-` or missing.");
        return if args.len() > 1 {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let path = args.first().map(String::as_str).unwrap_or("-");
    let mut text = String::new();
    let read = if path == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    if let Err(e) = read {
        eprintln!("error: cannot read {path}: {e}");
        return ExitCode::FAILURE;
    }
    match backend::jitlog::parse(&text) {
        Ok(log) => {
            use std::io::Write;
            let text = backend::viewcode::render(&log);
            match std::io::stdout().lock().write_all(text.as_bytes()) {
                // A reader that stopped early (`viewcode log | head`) is not an error.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("error: cannot write the listing: {e}");
                    ExitCode::FAILURE
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            eprintln!("error: {path}: {e}");
            ExitCode::FAILURE
        }
    }
}
