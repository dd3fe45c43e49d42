//! The text form of TLR: one instruction a line, `;` starts a comment, `name:` defines a
//! label usable as a jump target. Bytecode is two words per instruction: opcode, operand.

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

fn mnemonic(s: &str) -> Option<(i64, bool)> {
    // (opcode, takes an operand)
    Some(match s {
        "MOV_A_R" => (MOV_A_R, true),
        "MOV_R_A" => (MOV_R_A, true),
        "JUMP_IF_A" => (JUMP_IF_A, true),
        "SET_A" => (SET_A, true),
        "ADD_R_TO_A" => (ADD_R_TO_A, true),
        "RETURN_A" => (RETURN_A, false),
        "ALLOCATE" => (ALLOCATE, true),
        "NEG_A" => (NEG_A, false),
        _ => return None,
    })
}

/// Assemble a program text into bytecode.
pub fn assemble(src: &str) -> Result<Vec<i64>, AsmError> {
    let mut labels = std::collections::HashMap::new();
    let mut instrs: Vec<(usize, i64, Option<String>)> = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let line = i + 1;
        let err = |m: String| AsmError { line, message: m };
        let mut text = raw.split(';').next().unwrap_or("").trim();
        while let Some((label, rest)) = text.split_once(':') {
            let label = label.trim();
            if label.is_empty() || !label.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Err(err(format!("bad label `{label}`")));
            }
            if labels.insert(label.to_string(), instrs.len()).is_some() {
                return Err(err(format!("label `{label}` defined twice")));
            }
            text = rest.trim();
        }
        if text.is_empty() {
            continue;
        }
        let mut parts = text.split_whitespace();
        let name = parts.next().unwrap();
        let (op, takes) =
            mnemonic(name).ok_or_else(|| err(format!("unknown instruction `{name}`")))?;
        let operand = parts.next();
        if parts.next().is_some() {
            return Err(err(format!("too many operands for `{name}`")));
        }
        match (takes, operand) {
            (true, None) => return Err(err(format!("`{name}` needs an operand"))),
            (false, Some(x)) => return Err(err(format!("`{name}` takes no operand, found `{x}`"))),
            _ => {}
        }
        instrs.push((line, op, operand.map(str::to_string)));
    }
    let mut code = Vec::with_capacity(instrs.len() * 2);
    for (line, op, operand) in instrs {
        let err = |m: String| AsmError { line, message: m };
        let arg = match operand {
            None => 0,
            Some(x) => match x.parse::<i64>() {
                Ok(v) => v,
                Err(_) if op == JUMP_IF_A => *labels
                    .get(&x)
                    .ok_or_else(|| err(format!("undefined label `{x}`")))?
                    as i64,
                Err(_) => return Err(err(format!("bad operand `{x}`: expected an integer"))),
            },
        };
        if op == JUMP_IF_A && (arg < 0 || arg as usize >= code.capacity() / 2) {
            return Err(err(format!("jump target {arg} is not an instruction")));
        }
        code.push(op);
        code.push(arg);
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_comments_and_errors() {
        let code = assemble("start: SET_A 3 ; three\n  JUMP_IF_A start\nRETURN_A\n").unwrap();
        assert_eq!(code, vec![SET_A, 3, JUMP_IF_A, 0, RETURN_A, 0]);
        let e = |s: &str| assemble(s).unwrap_err().to_string();
        assert_eq!(e("FOO 1"), "line 1: unknown instruction `FOO`");
        assert_eq!(
            e("\nSET_A x"),
            "line 2: bad operand `x`: expected an integer"
        );
        assert_eq!(e("JUMP_IF_A nowhere"), "line 1: undefined label `nowhere`");
        assert_eq!(
            e("RETURN_A 3"),
            "line 1: `RETURN_A` takes no operand, found `3`"
        );
        assert_eq!(e("SET_A"), "line 1: `SET_A` needs an operand");
        assert_eq!(
            e("JUMP_IF_A 5\nRETURN_A"),
            "line 1: jump target 5 is not an instruction"
        );
        assert_eq!(e("a: a: RETURN_A"), "line 1: label `a` defined twice");
    }
}
