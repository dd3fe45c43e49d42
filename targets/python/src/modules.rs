//! Modules: the builtin ones (`sys`, `math`, `time`, `pyrsjit`) and `.py` modules
//! loaded beside the program, each run once on first import.

use crate::numeric::{int_value, to_bigint, to_f64};
use crate::objects::*;
use crate::proto::{self, R};
use crate::space::*;
use crate::value::Value;
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

/// The largest recursion limit honoured: deeper portal nesting than this could
/// overflow the interpreter thread's stack.
pub const MAX_LIMIT: u32 = 150_000;

fn module(vm: &mut Space, name: &str) -> (Value, Value) {
    let d = proto::new_dict(vm);
    let m = vm.alloc(Object::Module {
        name: name.to_string(),
        dict: d,
    });
    let k = vm.sym_str(S_NAME);
    let n = vm.new_str(name.to_string());
    let _ = proto::dict_set(vm, d, k, n);
    (m, d)
}

fn put(vm: &mut Space, d: Value, name: &str, v: Value) {
    let k = vm.intern(name);
    let ks = vm.sym_str(k);
    let _ = proto::dict_set(vm, d, ks, v);
}

fn put_fn(vm: &mut Space, d: Value, name: &'static str) {
    let short = name.rsplit('.').next().unwrap_or(name);
    let f = vm.alloc(Object::Builtin(name));
    put(vm, d, short, f);
}

/// `import name`.
pub fn import(vm: &mut Space, name: &str) -> R<Value> {
    if let Some(&m) = vm.modules.get(name) {
        return Ok(m);
    }
    let m = match name {
        "sys" => {
            let (m, d) = module(vm, "sys");
            let argv: Vec<Value> = vm.argv.clone().into_iter().map(|a| vm.new_str(a)).collect();
            let argv = vm.new_list(argv);
            put(vm, d, "argv", argv);
            put(vm, d, "maxsize", Value::Int(i64::MAX));
            for f in [
                "sys.exit",
                "sys.setrecursionlimit",
                "sys.getrecursionlimit",
                "sys.intern",
                "sys.getsizeof",
                "sys.set_int_max_str_digits",
                "sys.get_int_max_str_digits",
            ] {
                put_fn(vm, d, f);
            }
            let (out, od) = module(vm, "sys.stdout");
            put_fn(vm, od, "sys.stdout.write");
            put_fn(vm, od, "sys.stdout.flush");
            put(vm, d, "stdout", out);
            let (err, ed) = module(vm, "sys.stderr");
            put_fn(vm, ed, "sys.stderr.write");
            put_fn(vm, ed, "sys.stderr.flush");
            put(vm, d, "stderr", err);
            let (inp, id) = module(vm, "sys.stdin");
            put_fn(vm, id, "sys.stdin.readline");
            put_fn(vm, id, "sys.stdin.read");
            put_fn(vm, id, "sys.stdin.readlines");
            put(vm, d, "stdin", inp);
            let v = vm.new_str("3.11.0 (pyrs)".to_string());
            put(vm, d, "version", v);
            let vi = version_info(vm)?;
            put(vm, d, "version_info", vi);
            let p = vm.new_str("linux".to_string());
            put(vm, d, "platform", p);
            let bo = vm.new_str(
                if cfg!(target_endian = "little") {
                    "little"
                } else {
                    "big"
                }
                .to_string(),
            );
            put(vm, d, "byteorder", bo);
            let path = vm.new_str(vm.path.clone());
            let pl = vm.new_list(vec![path]);
            put(vm, d, "path", pl);
            let mods = proto::new_dict(vm);
            put(vm, d, "modules", mods);
            m
        }
        "math" => {
            let (m, d) = module(vm, "math");
            for f in [
                "math.sqrt",
                "math.floor",
                "math.ceil",
                "math.sin",
                "math.cos",
                "math.tan",
                "math.asin",
                "math.acos",
                "math.atan",
                "math.atan2",
                "math.exp",
                "math.log",
                "math.log2",
                "math.log10",
                "math.isnan",
                "math.isinf",
                "math.isfinite",
                "math.fabs",
                "math.gcd",
                "math.lcm",
                "math.factorial",
                "math.pow",
                "math.hypot",
                "math.trunc",
                "math.copysign",
                "math.fmod",
                "math.degrees",
                "math.radians",
                "math.sinh",
                "math.cosh",
                "math.tanh",
                "math.isqrt",
                "math.comb",
                "math.perm",
                "math.prod",
                "math.fsum",
                "math.isclose",
                "math.modf",
                "math.frexp",
                "math.ldexp",
                "math.dist",
                "math.log1p",
                "math.expm1",
            ] {
                put_fn(vm, d, f);
            }
            put(vm, d, "pi", Value::Float(std::f64::consts::PI));
            put(vm, d, "e", Value::Float(std::f64::consts::E));
            put(vm, d, "tau", Value::Float(std::f64::consts::TAU));
            put(vm, d, "inf", Value::Float(f64::INFINITY));
            put(vm, d, "nan", Value::Float(f64::NAN));
            m
        }
        "time" => {
            let (m, d) = module(vm, "time");
            for f in [
                "time.time",
                "time.perf_counter",
                "time.sleep",
                "time.monotonic",
                "time.process_time",
                "time.time_ns",
                "time.perf_counter_ns",
            ] {
                put_fn(vm, d, f);
            }
            m
        }
        "__future__" => {
            let (m, d) = module(vm, "__future__");
            for f in [
                "annotations",
                "division",
                "print_function",
                "absolute_import",
                "generators",
                "with_statement",
            ] {
                put(vm, d, f, Value::Bool(true));
            }
            m
        }
        "typing" => {
            // For annotations: every name is a class that subscripting leaves as it is.
            let (m, d) = module(vm, "typing");
            let o = vm.cls.object;
            for n in [
                "Any",
                "List",
                "Dict",
                "Set",
                "FrozenSet",
                "Tuple",
                "Optional",
                "Union",
                "Callable",
                "Iterable",
                "Iterator",
                "Sequence",
                "Mapping",
                "MutableMapping",
                "Type",
                "Generator",
                "NoReturn",
                "ClassVar",
                "Final",
                "Literal",
                "Deque",
                "DefaultDict",
                "Counter",
                "Hashable",
                "Sized",
                "AnyStr",
                "Protocol",
                "Generic",
            ] {
                put(vm, d, n, o);
            }
            put_fn(vm, d, "typing.TypeVar");
            put_fn(vm, d, "typing.cast");
            put(vm, d, "TYPE_CHECKING", Value::Bool(false));
            m
        }
        "pyrsjit" => {
            let (m, d) = module(vm, "pyrsjit");
            put_fn(vm, d, "pyrsjit.enable");
            m
        }
        _ => match vm.pending.get(name).copied() {
            Some(code) => {
                let (m, d) = module(vm, name);
                let b = vm.builtins;
                put(vm, d, "__builtins__", b);
                let f = vm.new_str(format!("{}/{}.py", vm.path, name));
                put(vm, d, "__file__", f);
                vm.modules.insert(name.to_string(), m);
                let func =
                    crate::ops::new_function(vm, d, code, Value::Undef, Value::Undef, Value::Undef);
                if let Err(e) = proto::run_code(vm, code, func, &[]) {
                    vm.modules.remove(name);
                    return Err(e);
                }
                return Ok(m);
            }
            None => {
                return Err(vm.err("ModuleNotFoundError", format!("No module named '{name}'")));
            }
        },
    };
    vm.modules.insert(name.to_string(), m);
    Ok(m)
}

fn float_arg(vm: &mut Space, args: &[Value], i: usize, fname: &str) -> R<f64> {
    let Some(&v) = args.get(i) else {
        return Err(vm.type_error(format!(
            "{fname}() missing required argument (pos {})",
            i + 1
        )));
    };
    match to_f64(vm, v) {
        Some(f) => {
            if f.is_infinite() && matches!(vm.obj(v), Object::BigInt(_)) {
                return Err(vm.err("OverflowError", "int too large to convert to float"));
            }
            Ok(f)
        }
        None => {
            if let Some(m) = proto::lookup_type(vm, v, S_FLOAT) {
                let r = proto::call_bound(vm, m, v, &[], &[])?;
                if let Some(f) = to_f64(vm, r) {
                    return Ok(f);
                }
            }
            let t = vm.type_name(v);
            Err(vm.type_error(format!("must be real number, not {t}")))
        }
    }
}

fn int_arg(vm: &mut Space, args: &[Value], i: usize) -> R<BigInt> {
    let v = args.get(i).copied().unwrap_or(Value::None);
    match to_bigint(vm, v) {
        Some(b) => Ok(b),
        None => {
            let t = vm.type_name(v);
            Err(vm.type_error(format!("'{t}' object cannot be interpreted as an integer")))
        }
    }
}

fn domain(vm: &mut Space) -> Value {
    vm.value_error("math domain error")
}

fn checked(vm: &mut Space, r: f64, x: f64) -> R<Value> {
    if r.is_nan() && !x.is_nan() {
        return Err(domain(vm));
    }
    if r.is_infinite() && x.is_finite() {
        return Err(vm.err("OverflowError", "math range error"));
    }
    Ok(Value::Float(r))
}

/// `sys.version_info`: a tuple whose class names its fields.
fn version_info(vm: &mut Space) -> R<Value> {
    let rel = vm.new_str("final".to_string());
    let fields = [
        ("major", Value::Int(3)),
        ("minor", Value::Int(11)),
        ("micro", Value::Int(0)),
        ("releaselevel", rel),
        ("serial", Value::Int(0)),
    ];
    let ns = proto::new_dict(vm);
    let mut items = Vec::new();
    for (k, v) in fields {
        let ks = vm.new_str(k.to_string());
        proto::dict_set(vm, ns, ks, v)?;
        items.push(v);
    }
    let t = vm.cls.tuple;
    let cls = crate::ops::make_class(vm, "version_info", "sys.version_info", &[t], ns)?;
    let base = vm.new_tuple(items);
    Ok(vm.alloc(Object::Instance(Box::new(Instance {
        class: cls,
        layout: 0,
        slots: Vec::new(),
        exc: None,
        base,
    }))))
}

/// Call the module function `name` (`math.sqrt`, `sys.exit`, ...).
pub fn call(vm: &mut Space, name: &'static str, args: &[Value], kw: &[(Value, Value)]) -> R<Value> {
    let _ = kw;
    // The name after the module's (a byte scan: `rsplit` costs more than most calls).
    let short = match name.bytes().rposition(|b| b == b'.') {
        Some(i) => &name[i + 1..],
        None => name,
    };
    let f1 = |vm: &mut Space| float_arg(vm, args, 0, short);
    match name {
        "sys.exit" => {
            let c = vm.exc["SystemExit"];
            Err(vm.new_exc_args(c, args.to_vec()))
        }
        "sys.setrecursionlimit" => {
            let n = int_arg(vm, args, 0)?;
            let n = n.to_i64().unwrap_or(i64::MAX);
            if n < 1 {
                return Err(vm.value_error("recursion limit must be greater or equal than 1"));
            }
            vm.limit_requested = n.min(u32::MAX as i64) as u32;
            vm.limit = vm.limit_requested.min(MAX_LIMIT);
            Ok(Value::None)
        }
        "sys.getrecursionlimit" => Ok(Value::Int(vm.limit_requested as i64)),
        "sys.get_int_max_str_digits" => Ok(Value::Int(
            crate::format::MAX_STR_DIGITS.load(std::sync::atomic::Ordering::Relaxed) as i64,
        )),
        "sys.set_int_max_str_digits" => {
            let n = int_arg(vm, args, 0)?.to_i64().unwrap_or(-1);
            if n != 0 && !(640..=i64::MAX).contains(&n) {
                return Err(vm.value_error("maxdigits must be 0 or larger than 640"));
            }
            crate::format::MAX_STR_DIGITS.store(n as usize, std::sync::atomic::Ordering::Relaxed);
            Ok(Value::None)
        }
        "sys.intern" => Ok(args.first().copied().unwrap_or(Value::None)),
        "sys.getsizeof" => Ok(Value::Int(64)),
        "sys.stdout.write" | "sys.stderr.write" => {
            let s = match args.first().and_then(|&a| vm.str_of(a)) {
                Some(s) => s.to_string(),
                None => {
                    let t = args.first().map(|&a| vm.type_name(a)).unwrap_or_default();
                    return Err(vm.type_error(format!("write() argument must be str, not {t}")));
                }
            };
            if name == "sys.stdout.write" {
                vm.write_out(&s);
            } else {
                vm.flush();
                crate::space::write_err(&s);
            }
            Ok(Value::Int(s.chars().count() as i64))
        }
        "sys.stdout.flush" | "sys.stderr.flush" => {
            vm.flush();
            Ok(Value::None)
        }
        "sys.stdin.readlines" => {
            vm.flush();
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut s);
            let lines: Vec<Value> = s
                .split_inclusive('\n')
                .map(|l| vm.new_str(l.to_string()))
                .collect();
            Ok(vm.new_list(lines))
        }
        "sys.stdin.readline" | "sys.stdin.read" => {
            vm.flush();
            let mut s = String::new();
            if name == "sys.stdin.read" {
                let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut s);
            } else {
                let _ = std::io::stdin().read_line(&mut s);
            }
            Ok(vm.new_str(s))
        }
        "math.sqrt" => {
            let x = f1(vm)?;
            if x < 0.0 {
                return Err(domain(vm));
            }
            Ok(Value::Float(x.sqrt()))
        }
        "math.floor" | "math.ceil" | "math.trunc" => {
            let v = args.first().copied().unwrap_or(Value::None);
            if let Some(b) = to_bigint(vm, v) {
                return Ok(int_value(vm, b));
            }
            if let Value::Obj(_) = v {
                let s = match short {
                    "floor" => S_FLOOR,
                    "ceil" => S_CEIL,
                    _ => S_TRUNC,
                };
                if let Some(m) = proto::lookup_type(vm, v, s) {
                    return proto::call_bound(vm, m, v, &[], &[]);
                }
            }
            let x = f1(vm)?;
            if x.is_nan() {
                return Err(vm.value_error("cannot convert float NaN to integer"));
            }
            if x.is_infinite() {
                return Err(vm.err("OverflowError", "cannot convert float infinity to integer"));
            }
            let r = match short {
                "floor" => x.floor(),
                "ceil" => x.ceil(),
                _ => x.trunc(),
            };
            Ok(crate::builtins::float_to_int(vm, r))
        }
        "math.sin" | "math.cos" | "math.tan" | "math.asin" | "math.acos" | "math.atan"
        | "math.exp" | "math.sinh" | "math.cosh" | "math.tanh" | "math.log1p" | "math.expm1" => {
            let x = f1(vm)?;
            if (short == "sin" || short == "cos" || short == "tan") && x.is_infinite() {
                return Err(domain(vm));
            }
            let r = match short {
                "sin" => x.sin(),
                "cos" => x.cos(),
                "tan" => x.tan(),
                "asin" => x.asin(),
                "acos" => x.acos(),
                "atan" => x.atan(),
                "exp" => x.exp(),
                "sinh" => x.sinh(),
                "cosh" => x.cosh(),
                "tanh" => x.tanh(),
                "log1p" => {
                    if x <= -1.0 {
                        return Err(domain(vm));
                    }
                    x.ln_1p()
                }
                _ => x.exp_m1(),
            };
            checked(vm, r, x)
        }
        "math.atan2" => {
            let (y, x) = (f1(vm)?, float_arg(vm, args, 1, short)?);
            Ok(Value::Float(y.atan2(x)))
        }
        "math.log" | "math.log2" | "math.log10" => {
            let v = args.first().copied().unwrap_or(Value::None);
            // Logs of big ints beyond float range.
            let lnx = match vm.obj(v) {
                Object::BigInt(b) if b.is_positive() => {
                    let bits = b.bits();
                    let shift = bits.saturating_sub(60);
                    let top = (b >> shift as usize).to_f64().unwrap_or(1.0);
                    top.ln() + shift as f64 * std::f64::consts::LN_2
                }
                _ => {
                    let x = f1(vm)?;
                    if x <= 0.0 {
                        return Err(domain(vm));
                    }
                    x.ln()
                }
            };
            let r = match short {
                "log2" => lnx / std::f64::consts::LN_2,
                "log10" => lnx / std::f64::consts::LN_10,
                _ => {
                    if args.len() > 1 {
                        let b = float_arg(vm, args, 1, short)?;
                        if b <= 0.0 {
                            return Err(domain(vm));
                        }
                        let lb = b.ln();
                        if lb == 0.0 {
                            return Err(vm.err("ZeroDivisionError", "float division by zero"));
                        }
                        lnx / lb
                    } else {
                        lnx
                    }
                }
            };
            let r = if short == "log10" && (r - r.round()).abs() < 1e-12 {
                r.round()
            } else {
                r
            };
            let r = if short == "log2" && (r - r.round()).abs() < 1e-12 {
                r.round()
            } else {
                r
            };
            Ok(Value::Float(r))
        }
        "math.isnan" => Ok(Value::Bool(f1(vm)?.is_nan())),
        "math.isinf" => Ok(Value::Bool(f1(vm)?.is_infinite())),
        "math.isfinite" => Ok(Value::Bool(f1(vm)?.is_finite())),
        "math.fabs" => Ok(Value::Float(f1(vm)?.abs())),
        "math.gcd" | "math.lcm" => {
            let mut acc = if short == "gcd" {
                BigInt::zero()
            } else {
                BigInt::from(1)
            };
            for i in 0..args.len() {
                let b = int_arg(vm, args, i)?;
                acc = if short == "gcd" {
                    num_integer::Integer::gcd(&acc, &b)
                } else {
                    num_integer::Integer::lcm(&acc, &b)
                };
            }
            Ok(int_value(vm, acc))
        }
        "math.factorial" => {
            let v = args.first().copied().unwrap_or(Value::None);
            if let Value::Float(_) = v {
                return Err(vm.type_error("'float' object cannot be interpreted as an integer"));
            }
            let n = int_arg(vm, args, 0)?;
            if n.is_negative() {
                return Err(vm.value_error("factorial() not defined for negative values"));
            }
            let n = n.to_u64().unwrap_or(u64::MAX);
            if n > 100_000 {
                return Err(vm.err(
                    "OverflowError",
                    "factorial() argument should not exceed 100000",
                ));
            }
            let mut r = BigInt::from(1);
            for i in 2..=n {
                r *= i;
            }
            Ok(int_value(vm, r))
        }
        "math.comb" | "math.perm" => {
            let n = int_arg(vm, args, 0)?;
            let k = if args.len() > 1 {
                int_arg(vm, args, 1)?
            } else {
                n.clone()
            };
            if n.is_negative() || k.is_negative() {
                return Err(vm.value_error(format!("{short}() not defined for negative values")));
            }
            if k > n {
                return Ok(Value::Int(0));
            }
            let (Some(n), Some(k)) = (n.to_u64(), k.to_u64()) else {
                return Err(vm.err("OverflowError", "Python int too large to convert to C long"));
            };
            let k = if short == "comb" { k.min(n - k) } else { k };
            let mut r = BigInt::from(1);
            for i in 0..k {
                r *= n - i;
                if short == "comb" {
                    r /= i + 1;
                }
            }
            Ok(int_value(vm, r))
        }
        "math.isqrt" => {
            let n = int_arg(vm, args, 0)?;
            if n.is_negative() {
                return Err(vm.value_error("isqrt() argument must be nonnegative"));
            }
            Ok(int_value(vm, n.sqrt()))
        }
        "math.pow" => {
            let (x, y) = (f1(vm)?, float_arg(vm, args, 1, short)?);
            if x == 0.0 && y < 0.0 {
                return Err(domain(vm));
            }
            if x < 0.0 && y.fract() != 0.0 && y.is_finite() {
                return Err(domain(vm));
            }
            checked(vm, x.powf(y), x)
        }
        "math.hypot" => {
            let mut s = 0.0f64;
            for i in 0..args.len() {
                let x = float_arg(vm, args, i, short)?;
                s = s.hypot(x);
            }
            Ok(Value::Float(s))
        }
        "math.dist" => {
            let p = proto::collect(vm, args.first().copied().unwrap_or(Value::None))?;
            let q = proto::collect(vm, args.get(1).copied().unwrap_or(Value::None))?;
            let mut s = 0.0f64;
            for (a, b) in p.iter().zip(q.iter()) {
                let (a, b) = (to_f64(vm, *a).unwrap_or(0.0), to_f64(vm, *b).unwrap_or(0.0));
                s = s.hypot(a - b);
            }
            Ok(Value::Float(s))
        }
        "math.copysign" => Ok(Value::Float(
            f1(vm)?.copysign(float_arg(vm, args, 1, short)?),
        )),
        "math.fmod" => {
            let (x, y) = (f1(vm)?, float_arg(vm, args, 1, short)?);
            if y == 0.0 {
                return Err(domain(vm));
            }
            Ok(Value::Float(x % y))
        }
        "math.degrees" => Ok(Value::Float(f1(vm)?.to_degrees())),
        "math.radians" => Ok(Value::Float(f1(vm)?.to_radians())),
        "math.prod" => {
            let items = proto::collect(vm, args.first().copied().unwrap_or(Value::None))?;
            let mut acc = Value::Int(1);
            for it in items {
                acc = crate::ops::binary(vm, crate::bytecode::BIN_MUL, acc, it)?;
            }
            Ok(acc)
        }
        "math.fsum" => {
            let items = proto::collect(vm, args.first().copied().unwrap_or(Value::None))?;
            // Neumaier summation.
            let (mut s, mut c) = (0.0f64, 0.0f64);
            for it in items {
                let x = match to_f64(vm, it) {
                    Some(x) => x,
                    None => return Err(vm.type_error("must be real number")),
                };
                let t = s + x;
                if s.abs() >= x.abs() {
                    c += (s - t) + x;
                } else {
                    c += (x - t) + s;
                }
                s = t;
            }
            Ok(Value::Float(s + c))
        }
        "math.isclose" => {
            let (a, b) = (f1(vm)?, float_arg(vm, args, 1, short)?);
            let rel = kw
                .iter()
                .find(|(k, _)| vm.str_of(*k) == Some("rel_tol"))
                .and_then(|(_, v)| to_f64(vm, *v))
                .unwrap_or(1e-9);
            let abs = kw
                .iter()
                .find(|(k, _)| vm.str_of(*k) == Some("abs_tol"))
                .and_then(|(_, v)| to_f64(vm, *v))
                .unwrap_or(0.0);
            if a == b {
                return Ok(Value::Bool(true));
            }
            if a.is_infinite() || b.is_infinite() {
                return Ok(Value::Bool(false));
            }
            let d = (a - b).abs();
            Ok(Value::Bool(
                d <= (rel * b.abs()).max(rel * a.abs()) || d <= abs,
            ))
        }
        "math.modf" => {
            let x = f1(vm)?;
            let i = x.trunc();
            Ok(vm.new_tuple(vec![Value::Float(x - i), Value::Float(i)]))
        }
        "math.frexp" => {
            let x = f1(vm)?;
            if x == 0.0 || !x.is_finite() {
                return Ok(vm.new_tuple(vec![Value::Float(x), Value::Int(0)]));
            }
            let e = x.abs().log2().floor() as i32 + 1;
            let mut m = x / 2f64.powi(e);
            let mut e = e;
            if m.abs() >= 1.0 {
                m /= 2.0;
                e += 1;
            }
            if m.abs() < 0.5 {
                m *= 2.0;
                e -= 1;
            }
            Ok(vm.new_tuple(vec![Value::Float(m), Value::Int(e as i64)]))
        }
        "math.ldexp" => {
            let x = f1(vm)?;
            let e = int_arg(vm, args, 1)?.to_i32().unwrap_or(0);
            checked(vm, x * 2f64.powi(e), x)
        }
        "time.time" => {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0);
            Ok(Value::Float(t))
        }
        "time.time_ns" => {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as i64)
                .unwrap_or(0);
            Ok(Value::Int(t))
        }
        "time.perf_counter" | "time.monotonic" | "time.process_time" => {
            Ok(Value::Float(start_instant().elapsed().as_secs_f64()))
        }
        "time.perf_counter_ns" => Ok(Value::Int(start_instant().elapsed().as_nanos() as i64)),
        "time.sleep" => {
            let x = f1(vm)?;
            if x.is_nan() {
                return Err(vm.value_error("Invalid value NaN (not a number)"));
            }
            if x < 0.0 {
                return Err(vm.value_error("sleep length must be non-negative"));
            }
            vm.flush();
            std::thread::sleep(std::time::Duration::from_secs_f64(x.min(1e9)));
            Ok(Value::None)
        }
        "typing.TypeVar" => Ok(vm.cls.object),
        "typing.cast" => Ok(args.get(1).copied().unwrap_or(Value::None)),
        "pyrsjit.enable" => {
            let v = args.first().copied().unwrap_or(Value::None);
            let code = match vm.obj(v) {
                Object::Code(c) => Some(*c),
                Object::Function(f) => Some(f.code),
                _ => None,
            };
            match code {
                Some(c) => {
                    vm.jit_requests.push(c);
                    // The portal is `interp::run` with greens `(codes, f)`: `f` is the
                    // code's index in the code table.
                    hints::enable_jit("run", "f", c as u64);
                    Ok(Value::None)
                }
                None => {
                    let t = vm.type_name(v);
                    Err(vm.type_error(format!(
                        "enable() expects a function or code object, not {t}"
                    )))
                }
            }
        }
        _ => Err(vm.err("NotImplementedError", name.to_string())),
    }
}

fn start_instant() -> std::time::Instant {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *START.get_or_init(std::time::Instant::now)
}
