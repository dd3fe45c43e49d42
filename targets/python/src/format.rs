//! Text of numbers as Python writes them: `repr` of floats (the shortest string that
//! reads back, in fixed notation for exponents from -4 to 15), format specs
//! (`format(x, ">10.2f")`, f-strings) and `%`-formatting.

use crate::objects::Object;
use crate::ops;
use crate::space::Space;
use crate::value::Value;
use num_bigint::BigInt;

/// `repr(x)` of a float: `0.1`, `1e+16`, `1.5e-07`, `inf`, `nan`, `-0.0`, `1.0`.
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "inf".to_string()
        } else {
            "-inf".to_string()
        };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0.0".to_string()
        } else {
            "0.0".to_string()
        };
    }
    // Shortest round-trip digits and exponent from `{:e}`: "d.ddde-7".
    let e = format!("{:e}", x);
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if (-4..16).contains(&exp) {
        if exp < 0 {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(&digits);
        } else {
            let point = exp as usize + 1;
            if digits.len() <= point {
                out.push_str(&digits);
                for _ in digits.len()..point {
                    out.push('0');
                }
                out.push_str(".0");
            } else {
                out.push_str(&digits[..point]);
                out.push('.');
                out.push_str(&digits[point..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str(&exp_suffix(exp));
    }
    out
}

fn exp_suffix(exp: i32) -> String {
    if exp < 0 {
        format!("e-{:02}", -exp)
    } else {
        format!("e+{:02}", exp)
    }
}

/// The widest field and largest precision formatting makes (larger ones are errors,
/// not allocations that abort).
pub const MAX_WIDTH: usize = 1 << 24;

/// Marks a formatting error message that is an `OverflowError` (not a `ValueError`).
pub const OVERFLOW: &str = "\u{0}overflow:";

/// The error of a formatting message.
pub fn format_error(vm: &mut Space, m: String) -> Value {
    match m.strip_prefix(OVERFLOW) {
        Some(rest) => vm.err("OverflowError", rest.to_string()),
        None => vm.value_error(m),
    }
}

/// The largest precision (what Rust's formatting machinery accepts).
pub const MAX_PRECISION: usize = u16::MAX as usize;

/// A parsed format spec: `[[fill]align][sign][#][0][width][,|_][.precision][type]`.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    pub fill: char,
    pub align: Option<char>,
    pub sign: Option<char>,
    pub alt: bool,
    pub zero: bool,
    pub width: usize,
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    pub ty: Option<char>,
}

pub fn parse_spec(s: &str) -> Result<Spec, String> {
    let c: Vec<char> = s.chars().collect();
    let mut sp = Spec {
        fill: ' ',
        ..Spec::default()
    };
    let mut i = 0;
    let is_align = |ch: char| matches!(ch, '<' | '>' | '^' | '=');
    if c.len() >= 2 && is_align(c[1]) {
        sp.fill = c[0];
        sp.align = Some(c[1]);
        i = 2;
    } else if !c.is_empty() && is_align(c[0]) {
        sp.align = Some(c[0]);
        i = 1;
    }
    if i < c.len() && matches!(c[i], '+' | '-' | ' ') {
        sp.sign = Some(c[i]);
        i += 1;
    }
    if i < c.len() && c[i] == '#' {
        sp.alt = true;
        i += 1;
    }
    if i < c.len() && c[i] == '0' {
        sp.zero = true;
        i += 1;
    }
    let st = i;
    while i < c.len() && c[i].is_ascii_digit() {
        i += 1;
    }
    if i > st {
        sp.width = c[st..i]
            .iter()
            .collect::<String>()
            .parse()
            .map_err(|_| "Too many decimal digits in format string".to_string())?;
        if sp.width > MAX_WIDTH {
            return Err("Too many decimal digits in format string".to_string());
        }
    }
    if i < c.len() && (c[i] == ',' || c[i] == '_') {
        sp.grouping = Some(c[i]);
        i += 1;
    }
    if i < c.len() && c[i] == '.' {
        i += 1;
        let st = i;
        while i < c.len() && c[i].is_ascii_digit() {
            i += 1;
        }
        if i == st {
            return Err("Format specifier missing precision".to_string());
        }
        let p: usize = c[st..i]
            .iter()
            .collect::<String>()
            .parse()
            .map_err(|_| "Too many decimal digits in format string".to_string())?;
        if p > MAX_PRECISION {
            return Err("precision too big".to_string());
        }
        sp.precision = Some(p);
    }
    if i < c.len() {
        sp.ty = Some(c[i]);
        i += 1;
    }
    if i < c.len() {
        return Err("Invalid format specifier".to_string());
    }
    Ok(sp)
}

/// Pad `body` (with `sign` in front) to the spec's width. `numeric` selects right
/// alignment by default and makes `=`/zero padding go between sign and digits.
fn pad(sp: &Spec, sign: &str, body: &str, numeric: bool) -> String {
    let mut out = String::with_capacity(sign.len() + body.len());
    pad_into(&mut out, sp, sign, body, numeric);
    out
}

/// [`pad`], appending to `out`.
fn pad_into(out: &mut String, sp: &Spec, sign: &str, body: &str, numeric: bool) {
    let len = if sp.width == 0 {
        0
    } else {
        sign.chars().count() + body.chars().count()
    };
    if len >= sp.width {
        out.push_str(sign);
        out.push_str(body);
        return;
    }
    let n = sp.width - len;
    let (fill, align) = if sp.zero && sp.align.is_none() && numeric {
        ('0', '=')
    } else {
        (sp.fill, sp.align.unwrap_or(if numeric { '>' } else { '<' }))
    };
    let f = |out: &mut String, k: usize| out.extend(std::iter::repeat_n(fill, k));
    match align {
        '<' => {
            out.push_str(sign);
            out.push_str(body);
            f(out, n);
        }
        '^' => {
            f(out, n / 2);
            out.push_str(sign);
            out.push_str(body);
            f(out, n - n / 2);
        }
        '=' => {
            out.push_str(sign);
            f(out, n);
            out.push_str(body);
        }
        _ => {
            f(out, n);
            out.push_str(sign);
            out.push_str(body);
        }
    }
}

/// Insert `sep` every `every` digits from the right of the integer digits of `s`.
fn group(s: &str, sep: char, every: usize) -> String {
    let digit = |c: char| {
        if every == 4 {
            c.is_ascii_hexdigit()
        } else {
            c.is_ascii_digit()
        }
    };
    let (int, rest) = match s.find(|c: char| !digit(c)) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let mut out = String::new();
    let n = int.len();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (n - i) % every == 0 {
            out.push(sep);
        }
        out.push(ch);
    }
    out.push_str(rest);
    out
}

fn sign_of(neg: bool, sp: &Spec) -> &'static str {
    if neg {
        "-"
    } else {
        match sp.sign {
            Some('+') => "+",
            Some(' ') => " ",
            _ => "",
        }
    }
}

/// The most digits an int converts to or from in decimal (CPython's
/// `sys.get_int_max_str_digits()` default; 0 turns the limit off).
pub static MAX_STR_DIGITS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(4300);

/// The decimal text of a big int, or CPython's error past the digit limit.
pub fn int_to_decimal(i: &BigInt) -> Result<String, String> {
    let limit = MAX_STR_DIGITS.load(std::sync::atomic::Ordering::Relaxed);
    // Digits are at least bits * log10(2) - 1: skip the conversion when surely too long.
    let err = || {
        format!("Exceeds the limit ({limit} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit")
    };
    if limit > 0 && (i.bits() as f64 * std::f64::consts::LOG10_2 - 1.0) > limit as f64 {
        return Err(err());
    }
    let s = i.to_string();
    let n = s.trim_start_matches('-').len();
    if limit > 0 && n > limit {
        return Err(err());
    }
    Ok(s)
}

/// `format(i, spec)` for an int.
pub fn format_int(i: &BigInt, sp: &Spec) -> Result<String, String> {
    let neg = i.sign() == num_bigint::Sign::Minus;
    let m = if neg { -i } else { i.clone() };
    let body = match sp.ty {
        None | Some('d') | Some('n') => int_to_decimal(&m)?,
        Some('x') => format!("{}{:x}", if sp.alt { "0x" } else { "" }, m),
        Some('X') => format!("{}{:X}", if sp.alt { "0X" } else { "" }, m),
        Some('o') => format!("{}{:o}", if sp.alt { "0o" } else { "" }, m),
        Some('b') => format!("{}{:b}", if sp.alt { "0b" } else { "" }, m),
        Some('c') => match num_traits::ToPrimitive::to_u32(i).and_then(char::from_u32) {
            Some(c) => return Ok(pad(sp, "", &c.to_string(), false)),
            None => return Err(format!("{OVERFLOW}%c arg not in range(0x110000)")),
        },
        Some(t @ ('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%')) => {
            let f = num_traits::ToPrimitive::to_f64(i).unwrap_or(f64::INFINITY);
            let mut sp2 = sp.clone();
            sp2.ty = Some(t);
            return format_float(f, &sp2);
        }
        Some(t) => {
            return Err(format!(
                "Unknown format code '{t}' for object of type 'int'"
            ))
        }
    };
    let body = match (sp.grouping, sp.ty) {
        (Some(g), None | Some('d')) => group(&body, g, 3),
        (Some('_'), Some('x' | 'X' | 'o' | 'b')) => {
            let (prefix, digits) = body.split_at(if sp.alt { 2 } else { 0 });
            format!("{prefix}{}", group(digits, '_', 4))
        }
        _ => body,
    };
    Ok(pad(sp, sign_of(neg, sp), &body, true))
}

/// Python's `%e` text: mantissa with `prec` digits and a two-digit exponent at least.
fn exp_format(x: f64, prec: usize, upper: bool) -> String {
    let s = format!("{:.*e}", prec, x);
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let r = format!("{m}{}", exp_suffix(e));
    if upper {
        r.to_uppercase()
    } else {
        r
    }
}

/// `%g` with precision `p`: fixed or exponent notation, trailing zeros removed unless
/// `alt`. With `repr_style` (a spec with a precision and no type), exponent notation
/// starts one power of ten earlier and fixed notation keeps a digit after the point.
fn general_format(x: f64, p: usize, alt: bool, upper: bool, repr_style: bool) -> String {
    let p = if p == 0 { 1 } else { p };
    let exp: i32 = if x == 0.0 {
        0
    } else {
        let s = format!("{:.*e}", p - 1, x);
        s.split_once('e')
            .map(|(_, e)| e.parse().unwrap_or(0))
            .unwrap_or(0)
    };
    let limit = if repr_style { p as i32 - 1 } else { p as i32 };
    let mut r = if x != 0.0 && (exp < -4 || exp >= limit) {
        let s = exp_format(x, p - 1, upper);
        if alt {
            s
        } else {
            let (m, e) = s.split_at(s.find(['e', 'E']).unwrap_or(s.len()));
            let m = if m.contains('.') {
                m.trim_end_matches('0').trim_end_matches('.')
            } else {
                m
            };
            format!("{m}{e}")
        }
    } else {
        let s = format!(
            "{:.*}",
            ((p as i64 - 1 - exp as i64).max(0) as usize).min(MAX_PRECISION),
            x
        );
        let s = if alt || !s.contains('.') {
            s
        } else {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        if alt && !s.contains('.') {
            format!("{s}.")
        } else if repr_style && !s.contains('.') {
            format!("{s}.0")
        } else {
            s
        }
    };
    if upper {
        r = r.to_uppercase();
    }
    r
}

/// `format(x, spec)` for a float.
pub fn format_float(x: f64, sp: &Spec) -> Result<String, String> {
    let neg = x.is_sign_negative() && !x.is_nan();
    let a = x.abs();
    let special = |s: &str, upper: bool| {
        if upper {
            s.to_uppercase()
        } else {
            s.to_string()
        }
    };
    let body = match sp.ty {
        Some(t @ ('f' | 'F')) => {
            if !a.is_finite() {
                special(&float_repr(a), t == 'F')
            } else {
                let s = format!("{:.*}", sp.precision.unwrap_or(6), a);
                if sp.alt && !s.contains('.') {
                    format!("{s}.")
                } else {
                    s
                }
            }
        }
        Some(t @ ('e' | 'E')) => {
            if !a.is_finite() {
                special(&float_repr(a), t == 'E')
            } else {
                exp_format(a, sp.precision.unwrap_or(6), t == 'E')
            }
        }
        Some(t @ ('g' | 'G')) => {
            if !a.is_finite() {
                special(&float_repr(a), t == 'G')
            } else {
                general_format(a, sp.precision.unwrap_or(6), sp.alt, t == 'G', false)
            }
        }
        Some('%') => {
            if !a.is_finite() {
                format!("{}%", float_repr(a))
            } else {
                format!("{:.*}%", sp.precision.unwrap_or(6), a * 100.0)
            }
        }
        None => match sp.precision {
            None => float_repr(a),
            Some(p) => {
                if !a.is_finite() {
                    float_repr(a)
                } else {
                    general_format(a, p, sp.alt, false, true)
                }
            }
        },
        Some(t) => {
            return Err(format!(
                "Unknown format code '{t}' for object of type 'float'"
            ))
        }
    };
    let body = match sp.grouping {
        Some(g) => group(&body, g, 3),
        None => body,
    };
    Ok(pad(sp, sign_of(neg, sp), &body, true))
}

/// `format(s, spec)` for a str.
pub fn format_str(s: &str, sp: &Spec) -> Result<String, String> {
    match sp.ty {
        None | Some('s') => {}
        Some(t) => {
            return Err(format!(
                "Unknown format code '{t}' for object of type 'str'"
            ))
        }
    }
    if sp.sign.is_some() {
        return Err("Sign not allowed in string format specifier".to_string());
    }
    let s: String = match sp.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    let mut sp2 = sp.clone();
    if sp.zero && sp.align.is_none() {
        sp2.fill = '0';
        sp2.align = Some('<');
        sp2.zero = false;
    }
    Ok(pad(&sp2, "", &s, false))
}

/// `format(v, spec)` for any value (instances with `__format__` aside).
pub fn format_value(vm: &mut Space, v: Value, spec: &str) -> Result<String, Value> {
    let sp = match parse_spec(spec) {
        Ok(sp) => sp,
        Err(m) => return Err(vm.value_error(m)),
    };
    let r = match v {
        Value::Int(i) => format_int(&BigInt::from(i), &sp),
        Value::Bool(b) if !spec.is_empty() => format_int(&BigInt::from(b as i64), &sp),
        Value::Float(f) => format_float(f, &sp),
        Value::Obj(_) => match vm.obj(v) {
            Object::BigInt(b) => {
                let b = b.clone();
                format_int(&b, &sp)
            }
            Object::Str(s) => {
                let s = s.s.clone();
                format_str(&s, &sp)
            }
            _ => {
                if !spec.is_empty() {
                    let t = vm.type_name(v);
                    return Err(vm.type_error(format!(
                        "unsupported format string passed to {t}.__format__"
                    )));
                }
                let s = ops::str_string(vm, v)?;
                Ok(s)
            }
        },
        _ => {
            let s = ops::str_string(vm, v)?;
            if spec.is_empty() {
                Ok(s)
            } else {
                format_str(&s, &sp)
            }
        }
    };
    r.map_err(|m| format_error(vm, m))
}

/// `fmt % args`.
pub fn percent(vm: &mut Space, fmt: &str, args: Value) -> Result<String, Value> {
    let items: Vec<Value> = match vm.obj(args) {
        Object::Tuple(t) => t.clone(),
        _ => vec![args],
    };
    // Like CPython: an argument with items that is not a tuple or str may be used by
    // `%(key)s` and need not be used at all.
    let is_map = match vm.obj(args) {
        Object::Dict(_) | Object::List(_) | Object::Range { .. } | Object::DictView { .. } => true,
        Object::Instance(i) => crate::proto::lookup(vm, i.class, crate::space::S_GETITEM).is_some(),
        _ => false,
    };
    // Conversions and flags are ASCII: the format is scanned as bytes, and the text
    // between conversions is copied as it is.
    let c = fmt.as_bytes();
    let mut out = String::with_capacity(fmt.len() + 8 * items.len());
    let mut i = 0;
    let mut k = 0;
    while i < c.len() {
        if c[i] != b'%' {
            let st = i;
            while i < c.len() && c[i] != b'%' {
                i += 1;
            }
            out.push_str(&fmt[st..i]);
            continue;
        }
        i += 1;
        if i >= c.len() {
            return Err(vm.value_error("incomplete format"));
        }
        let mut keyed = None;
        if c[i] == b'(' {
            let st = i + 1;
            while i < c.len() && c[i] != b')' {
                i += 1;
            }
            if i >= c.len() {
                return Err(vm.value_error("incomplete format key"));
            }
            keyed = Some(fmt[st..i].to_string());
            i += 1;
        }
        let mut sp = Spec {
            fill: ' ',
            ..Spec::default()
        };
        let mut left = false;
        while i < c.len() && matches!(c[i], b'-' | b'+' | b' ' | b'#' | b'0') {
            match c[i] {
                b'-' => left = true,
                b'+' => sp.sign = Some('+'),
                b' ' => {
                    if sp.sign.is_none() {
                        sp.sign = Some(' ')
                    }
                }
                b'#' => sp.alt = true,
                _ => sp.zero = true,
            }
            i += 1;
        }
        let next_arg = |vm: &mut Space, k: &mut usize| -> Result<Value, Value> {
            if let Some(key) = &keyed {
                let kv = vm.new_str(key.clone());
                return ops::getitem(vm, args, kv);
            }
            if *k >= items.len() {
                return Err(vm.type_error("not enough arguments for format string"));
            }
            *k += 1;
            Ok(items[*k - 1])
        };
        if i < c.len() && c[i] == b'*' {
            let w = next_arg(vm, &mut k)?;
            sp.width = (ops::to_index(vm, w)?.max(0) as usize).min(MAX_WIDTH);
            i += 1;
        } else {
            let st = i;
            while i < c.len() && c[i].is_ascii_digit() {
                i += 1;
            }
            if i > st {
                sp.width = fmt[st..i].parse().unwrap_or(0usize).min(MAX_WIDTH);
            }
        }
        if i < c.len() && c[i] == b'.' {
            i += 1;
            let st = i;
            while i < c.len() && c[i].is_ascii_digit() {
                i += 1;
            }
            let p = if i > st {
                fmt[st..i].parse().unwrap_or(usize::MAX)
            } else {
                0
            };
            if p > MAX_PRECISION {
                return Err(vm.value_error("precision too big"));
            }
            sp.precision = Some(p);
        }
        if i >= c.len() {
            return Err(vm.value_error("incomplete format"));
        }
        // `i` is at a char boundary: everything before it is ASCII or copied text.
        let conv = fmt[i..].chars().next().unwrap_or('%');
        let conv_at = i;
        i += conv.len_utf8();
        if conv == '%' {
            out.push('%');
            continue;
        }
        if left {
            sp.align = Some('<');
            sp.zero = false;
        }
        let v = next_arg(vm, &mut k)?;
        // The common cases straight into the output: a str by `%s` and an int by `%d`
        // with no width or precision.
        if sp.width == 0 && sp.precision.is_none() {
            match (conv, v) {
                ('s', Value::Obj(_)) => {
                    if let Object::Str(x) = vm.obj(v) {
                        out.push_str(&x.s);
                        continue;
                    }
                }
                ('d' | 'i' | 'u', Value::Int(n)) if sp.sign.is_none() => {
                    use std::fmt::Write;
                    let _ = write!(out, "{n}");
                    continue;
                }
                _ => {}
            }
        }
        let piece = match conv {
            's' | 'r' | 'a' => {
                let s = match conv {
                    's' => ops::str_string(vm, v)?,
                    'r' => ops::repr_string(vm, v)?,
                    _ => crate::proto::ascii_escape(&ops::repr_string(vm, v)?),
                };
                let s: String = match sp.precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                };
                sp.zero = false;
                Ok(pad(&sp, "", &s, true))
            }
            'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                let n = match ops::to_bigint(vm, v) {
                    Some(n) => n,
                    None => match v {
                        Value::Float(f) if f.is_finite() => {
                            num_traits::FromPrimitive::from_f64(f.trunc()).unwrap_or_default()
                        }
                        _ => {
                            let t = vm.type_name(v);
                            return Err(vm.type_error(format!(
                                "%{conv} format: a real number is required, not {t}"
                            )));
                        }
                    },
                };
                sp.ty = Some(if matches!(conv, 'x' | 'X' | 'o') {
                    conv
                } else {
                    'd'
                });
                let r = format_int(&n, &sp);
                if let Some(p) = sp.precision {
                    r.map(|s| zero_extend(&s, p))
                } else {
                    r
                }
            }
            'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                let f = match ops::to_f64(vm, v) {
                    Some(f) => f,
                    None => {
                        let t = vm.type_name(v);
                        return Err(vm.type_error(format!("must be real number, not {t}")));
                    }
                };
                sp.ty = Some(conv);
                if sp.precision.is_none() {
                    sp.precision = Some(6);
                }
                format_float(f, &sp)
            }
            'c' => {
                let s = match v {
                    Value::Int(n) => char::from_u32(n as u32)
                        .map(|c| c.to_string())
                        .unwrap_or_default(),
                    _ => vm.str_of(v).unwrap_or("").to_string(),
                };
                Ok(pad(&sp, "", &s, true))
            }
            _ => {
                let at = fmt[..conv_at].chars().count();
                return Err(vm.value_error(format!(
                    "unsupported format character '{conv}' (0x{:x}) at index {at}",
                    conv as u32,
                )));
            }
        };
        match piece {
            Ok(p) => out.push_str(&p),
            Err(m) => return Err(format_error(vm, m)),
        }
    }
    if !is_map && k < items.len() && matches!(vm.obj(args), Object::Tuple(_)) {
        return Err(vm.type_error("not all arguments converted during string formatting"));
    }
    if !is_map && k == 0 && !matches!(vm.obj(args), Object::Tuple(_)) && items.len() == 1 {
        return Err(vm.type_error("not all arguments converted during string formatting"));
    }
    Ok(out)
}

/// Zero-extend the digits of an int's text to at least `p` digits (`%.3d`).
fn zero_extend(s: &str, p: usize) -> String {
    let t = s.trim_start();
    let lead = s.len() - t.len();
    let (sign, digits) = if t.starts_with('-') || t.starts_with('+') {
        t.split_at(1)
    } else {
        ("", t)
    };
    if digits.len() >= p {
        return s.to_string();
    }
    let z = "0".repeat(p - digits.len());
    format!(
        "{}{sign}{z}{digits}",
        " ".repeat(lead.saturating_sub(p - digits.len()))
    )
}
