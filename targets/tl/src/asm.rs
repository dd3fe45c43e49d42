//! The text form of TL: one instruction a line, `;` starts a comment, `name:` defines a
//! label. `BR_COND` and `CALL` take a label (assembled to the offset from the next
//! instruction) or an integer offset; `PUSH`, `ROLL`, `PICK` and `PUT` take an integer.

use crate::*;

/// Why a program text was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsmError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for AsmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for AsmError {}

/// What an instruction's operand is.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Operand {
    None,
    Int,
    /// An integer offset or a label.
    Target,
}

const MNEMONICS: &[(&str, i64, Operand)] = &[
    ("NOP", NOP, Operand::None),
    ("PUSH", PUSH, Operand::Int),
    ("POP", POP, Operand::None),
    ("SWAP", SWAP, Operand::None),
    ("ROLL", ROLL, Operand::Int),
    ("PICK", PICK, Operand::Int),
    ("PUT", PUT, Operand::Int),
    ("ADD", ADD, Operand::None),
    ("SUB", SUB, Operand::None),
    ("MUL", MUL, Operand::None),
    ("DIV", DIV, Operand::None),
    ("EQ", EQ, Operand::None),
    ("NE", NE, Operand::None),
    ("LT", LT, Operand::None),
    ("LE", LE, Operand::None),
    ("GT", GT, Operand::None),
    ("GE", GE, Operand::None),
    ("BR_COND", BR_COND, Operand::Target),
    ("BR_COND_STK", BR_COND_STK, Operand::None),
    ("CALL", CALL, Operand::Target),
    ("RETURN", RETURN, Operand::None),
    ("PUSHARG", PUSHARG, Operand::None),
];

/// The mnemonic of an opcode, for disassembly and generated programs.
pub fn mnemonic(op: i64) -> Option<&'static str> {
    MNEMONICS.iter().find(|m| m.1 == op).map(|m| m.0)
}

/// Whether an opcode takes an operand word.
pub fn takes_operand(op: i64) -> bool {
    MNEMONICS.iter().any(|m| m.1 == op && m.2 != Operand::None)
}

/// Assemble a program text into bytecode.
pub fn assemble(src: &str) -> Result<Vec<i64>, AsmError> {
    let mut labels = std::collections::HashMap::new();
    let mut instrs: Vec<(usize, i64, Operand, Option<String>)> = Vec::new();
    let mut words = 0usize;
    for (i, raw) in src.lines().enumerate() {
        let line = i + 1;
        let err = |m: String| AsmError { line, message: m };
        let mut text = raw.split(';').next().unwrap_or("").trim();
        while let Some((label, rest)) = text.split_once(':') {
            let label = label.trim();
            if label.is_empty() || !label.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Err(err(format!("bad label `{label}`")));
            }
            if labels.insert(label.to_string(), words).is_some() {
                return Err(err(format!("label `{label}` defined twice")));
            }
            text = rest.trim();
        }
        if text.is_empty() {
            continue;
        }
        let mut parts = text.split_whitespace();
        let name = parts.next().unwrap();
        let &(_, op, kind) = MNEMONICS
            .iter()
            .find(|m| m.0 == name)
            .ok_or_else(|| err(format!("unknown instruction `{name}`")))?;
        let operand = parts.next();
        if parts.next().is_some() {
            return Err(err(format!("too many operands for `{name}`")));
        }
        match (kind, operand) {
            (Operand::None, Some(x)) => {
                return Err(err(format!("`{name}` takes no operand, found `{x}`")))
            }
            (Operand::Int | Operand::Target, None) => {
                return Err(err(format!("`{name}` needs an operand")))
            }
            _ => {}
        }
        words += if kind == Operand::None { 1 } else { 2 };
        instrs.push((line, op, kind, operand.map(str::to_string)));
    }
    let mut code = Vec::with_capacity(words);
    for (line, op, kind, operand) in instrs {
        let err = |m: String| AsmError { line, message: m };
        code.push(op);
        let Some(x) = operand else { continue };
        let value = match x.parse::<i64>() {
            Ok(v) => v,
            Err(_) if kind == Operand::Target => {
                let target = *labels
                    .get(&x)
                    .ok_or_else(|| err(format!("undefined label `{x}`")))?;
                // Offsets count from the instruction after this one.
                target as i64 - (code.len() as i64 + 1)
            }
            Err(_) => return Err(err(format!("bad operand `{x}`: expected an integer"))),
        };
        code.push(value);
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factorial_assembles_as_in_pypy() {
        // tl.py's bytes for FACTORIAL_SOURCE, with the branch offsets as words.
        let code = assemble(include_str!("../examples/factorial.tl")).unwrap();
        assert_eq!(
            code,
            vec![2, 1, 22, 6, 0, 2, 1, 15, 18, 12, 4, 6, 1, 10, 4, 2, 1, 9, 2, 1, 18, -19, 3, 21]
        );
    }

    #[test]
    fn errors() {
        let e = |s: &str| assemble(s).unwrap_err().to_string();
        assert_eq!(e("FOO"), "line 1: unknown instruction `FOO`");
        assert_eq!(
            e("\nPUSH x"),
            "line 2: bad operand `x`: expected an integer"
        );
        assert_eq!(e("BR_COND nowhere"), "line 1: undefined label `nowhere`");
        assert_eq!(e("POP 3"), "line 1: `POP` takes no operand, found `3`");
        assert_eq!(e("PICK"), "line 1: `PICK` needs an operand");
        assert_eq!(e("a: a: NOP"), "line 1: label `a` defined twice");
        assert_eq!(e("PUSH 1 2"), "line 1: too many operands for `PUSH`");
    }
}
