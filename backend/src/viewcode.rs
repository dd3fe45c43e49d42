//! Disassembly of a JIT log: each code region as it last was (patches applied), with
//! addresses, labels and the names of called helpers and jump targets.

use crate::jitlog::ParsedLog;
use iced_x86::{
    Decoder, DecoderOptions, Formatter, FormatterOutput, FormatterTextKind, IntelFormatter, OpKind,
};
use std::fmt::Write as _;

struct Out(String);
impl FormatterOutput for Out {
    fn write(&mut self, text: &str, _kind: FormatterTextKind) {
        self.0.push_str(text);
    }
}

/// The name of an address: a label, a helper, or a region start.
fn name_of(log: &ParsedLog, addr: u64) -> Option<String> {
    if let Some(n) = log.labels.get(&addr) {
        return Some(n.clone());
    }
    if let Some(n) = log.symbols.get(&addr) {
        return Some(n.clone());
    }
    log.regions
        .iter()
        .find(|r| r.addr == addr)
        .map(|r| r.name.clone())
}

/// Render the whole log as text.
pub fn render(log: &ParsedLog) -> String {
    let mut s = String::new();
    let total: usize = log.regions.iter().map(|r| r.bytes.len()).sum();
    let _ = writeln!(
        s,
        "; backend {}, {} regions, {} bytes, {} patches",
        if log.backend.is_empty() {
            "?"
        } else {
            &log.backend
        },
        log.regions.len(),
        total,
        log.patches
    );
    for note in &log.notes {
        let _ = writeln!(s, "; note: {note}");
    }
    let mut formatter = IntelFormatter::new();
    formatter.options_mut().set_first_operand_char_index(8);
    for r in &log.regions {
        let _ = writeln!(s, "\n{} @ {:#x} ({} bytes):", r.name, r.addr, r.bytes.len());
        let mut decoder = Decoder::with_ip(64, &r.bytes, r.addr, DecoderOptions::NONE);
        // The word at `addr` when it lies in this region (a helper's address).
        let word_at = |addr: u64| -> Option<u64> {
            let at = addr.checked_sub(r.addr)? as usize;
            let b = r.bytes.get(at..at + 8)?;
            Some(u64::from_le_bytes(b.try_into().ok()?))
        };
        while decoder.can_decode() {
            let ins = decoder.decode();
            let ip = ins.ip();
            if let Some(l) = log.labels.get(&ip) {
                let _ = writeln!(s, "{l}:");
                // The helpers' addresses end the code: words, not instructions.
                if l.ends_with(&format!(".{}", crate::x86::HELPERS_LABEL)) {
                    let mut at = ip;
                    while let Some(w) = word_at(at) {
                        let name = log.symbols.get(&w).map(String::as_str).unwrap_or("?");
                        let _ = writeln!(
                            s,
                            "  {at:012x}  {:<24} dq      {w:#x}    ; {name}",
                            format!("{w:016x}")
                        );
                        at += 8;
                    }
                    break;
                }
            }
            let mut out = Out(String::new());
            formatter.format(&ins, &mut out);
            let start = (ip - r.addr) as usize;
            let bytes: String = r.bytes[start..start + ins.len()]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let target = if ins.op_count() >= 1
                && matches!(
                    ins.op0_kind(),
                    OpKind::NearBranch16 | OpKind::NearBranch32 | OpKind::NearBranch64
                ) {
                name_of(log, ins.near_branch_target())
            } else if ins.is_ip_rel_memory_operand() {
                // `call [rip + d]`: the helper whose address is the word there.
                word_at(ins.ip_rel_memory_address()).and_then(|w| log.symbols.get(&w).cloned())
            } else {
                // `mov reg, imm64` loading a helper's address for an indirect call.
                let imm = ins.immediate64();
                if ins.op_count() == 2 && imm != 0 {
                    log.symbols.get(&imm).cloned()
                } else {
                    None
                }
            };
            let _ = write!(s, "  {ip:012x}  {bytes:<24} {}", out.0);
            if let Some(t) = target {
                let _ = write!(s, "    ; {t}");
            }
            s.push('\n');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jitlog::parse;

    #[test]
    fn disassembles_with_names() {
        // push rbp; call rel32 (to 0x2000); jmp rel8 back to the label at 0x1006; ret
        let call_rel = (0x2000i64 - (0x1000 + 1 + 5)) as i32;
        let mut code = vec![0x55, 0xe8];
        code.extend(call_rel.to_le_bytes());
        code.extend([0xeb, 0xfe, 0xc3]);
        let text = format!(
            "JITLOG 1\nBACKEND x86_64\nCODE 1000 {} f\nBYTES {}\nLABEL 1006 f.loop\nSYMBOL 2000 helper\n",
            code.len(),
            code.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let out = render(&parse(&text).unwrap());
        assert!(out.contains("push    rbp"), "{out}");
        assert!(out.contains("; helper"), "{out}");
        assert!(out.contains("f.loop:"), "{out}");
        assert!(out.contains("; f.loop"), "{out}");
    }
}
