//! The text of an uncaught exception, as CPython prints it: the frames it went
//! through (outermost first, with their source lines), its cause's (or else its
//! context's) traceback before it, and `Name: message`.

use crate::proto;
use crate::space::Space;
use crate::value::Value;

/// `Name: message` (or `Name` alone) of exception `e`.
pub fn exc_line(vm: &mut Space, e: Value) -> String {
    let name = vm.type_name(e);
    let msg = match proto::str(vm, e) {
        Ok(s) => s,
        Err(_) => "<exception str() failed>".to_string(),
    };
    if msg.is_empty() {
        name
    } else {
        format!("{name}: {msg}")
    }
}

/// The whole traceback text of `e`.
pub fn format(vm: &mut Space, e: Value) -> String {
    let mut seen = Vec::new();
    format_chain(vm, e, &mut seen)
}

/// The traceback text of `e` after those of its cause or context; `seen` holds the
/// exceptions already printed (each is printed once).
fn format_chain(vm: &mut Space, e: Value, seen: &mut Vec<Value>) -> String {
    let mut out = String::new();
    seen.push(e);
    let (cause, context, suppress) = match vm.exc_state(e) {
        Some(s) => (s.cause, s.context, s.suppress_context),
        None => (Value::None, Value::None, false),
    };
    if cause != Value::None && !seen.contains(&cause) && vm.exc_state(cause).is_some() {
        out.push_str(&format_chain(vm, cause, seen));
        out.push_str("\nThe above exception was the direct cause of the following exception:\n\n");
    } else if !suppress
        && context != Value::None
        && !seen.contains(&context)
        && vm.exc_state(context).is_some()
    {
        out.push_str(&format_chain(vm, context, seen));
        out.push_str("\nDuring handling of the above exception, another exception occurred:\n\n");
    }
    let tb = vm.exc_state(e).map(|s| s.tb.clone()).unwrap_or_default();
    if !tb.is_empty() {
        out.push_str("Traceback (most recent call last):\n");
        let mut last = String::new();
        let mut repeats = 0;
        for &(f, pc) in tb.iter().rev() {
            let info = &vm.infos[f as usize];
            let line = info
                .lines
                .get(pc as usize)
                .copied()
                .unwrap_or(info.first_line);
            let mut entry = format!(
                "  File \"{}\", line {}, in {}\n",
                info.filename, line, info.name
            );
            if let Some(src) = vm.sources.get(&info.filename) {
                if let Some(l) = src.get(line.wrapping_sub(1) as usize) {
                    let t = l.trim();
                    if !t.is_empty() {
                        entry.push_str(&format!("    {t}\n"));
                    }
                }
            }
            if entry == last {
                repeats += 1;
                if repeats >= 3 {
                    continue;
                }
            } else {
                if repeats >= 3 {
                    out.push_str(&format!(
                        "  [Previous line repeated {} more time{}]\n",
                        repeats - 2,
                        if repeats - 2 == 1 { "" } else { "s" }
                    ));
                }
                repeats = 0;
                last = entry.clone();
            }
            out.push_str(&entry);
        }
        if repeats >= 3 {
            out.push_str(&format!(
                "  [Previous line repeated {} more time{}]\n",
                repeats - 2,
                if repeats - 2 == 1 { "" } else { "s" }
            ));
        }
    }
    out.push_str(&exc_line(vm, e));
    out.push('\n');
    out
}
