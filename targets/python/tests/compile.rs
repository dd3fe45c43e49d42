//! The compiler: programs covering the language compile to code that keeps the stack
//! discipline (`verify`), small ones to the expected instructions, errors to CPython's
//! messages. The compiler recurses on the program's nesting, so every test runs on a
//! thread with a large stack.

use pyrs::compile::{compile_interactive, compile_module, dis, verify, Module, SyntaxError};

fn big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn ok(src: &str) -> Module {
    let src = src.to_string();
    big_stack(move || {
        let m = compile_module(&src, "t.py")
            .unwrap_or_else(|e| panic!("{e:?}\n{}", &src[..src.len().min(300)]));
        if let Err(e) = verify(&m) {
            panic!("{e}\n{}", dis(&m));
        }
        m
    })
}

fn err(src: &str) -> SyntaxError {
    let src = src.to_string();
    big_stack(move || match compile_module(&src, "t.py") {
        Ok(m) => panic!("compiled:\n{}", dis(&m)),
        Err(e) => e,
    })
}

fn check_err(src: &str, msg: &str, line: u32) {
    let e = err(src);
    assert_eq!((e.msg.as_str(), e.line), (msg, line), "{src:?} -> {e:?}");
}

#[test]
fn smoke() {
    let m = ok("x = 1\nprint(x + 2)\n");
    println!("{}", dis(&m));
}

const PROGRAMS: &[&str] = &[
    // expressions
    "a = 1 + 2 * 3 - 4 / 5 // 6 % 7 ** 8\nb = a << 1 >> 2 & 3 | 4 ^ 5\nc = -a, +a, ~a, not a\n",
    "x = a and b or c and not d\ny = (a or b) and c\n",
    "r = a < b\nr = a < b <= c != d\nr = a is b, a is not b, a in b, a not in b\n",
    "v = 1 if a else 2 if b else 3\n",
    "f = lambda x, y=2, *a, k, m=3, **kw: x + y\n",
    "f(1, 2)\nf(1, k=2, m=3)\nf(*a)\nf(1, *a, 2, *b, k=1, **kw)\nf(**kw)\nf(a=1, **kw, b=2)\n",
    "x = a[1]\nx = a[1:2]\nx = a[:]\nx = a[::2]\nx = a[1:2, 3]\nx = a.b.c\n",
    "l = [1, 2, *a, 3, *b]\nt = (1, *a)\ns = {1, 2, *a}\nd = {1: 2, **m, 3: 4}\ne = {**m}\nz = [], (), {}, {1}\n",
    "l = [x * y for x in a for y in b if x if y]\ns = {x for x in a}\nd = {k: v for k, v in items}\ng = list(x for x in a)\n",
    "def f(a):\n    return [x + a for x in a]\n",
    "s = f'{a} and {b!r:>{w}} {c!s} {d!a} {e=} {f:{g}.{h}}'\nt = f'' 'plain' f'{x}'\n",
    "n = 123456789012345678901234567890\nm = -9223372036854775808\no = 0xffffffffffffffffffff\nf = 1.5e3\n",
    "x = ...\ny = None, True, False\n",
    // statements
    "a = b = c = 1\na, b = b, a\n[a, *b, c] = x\n(a, b), c = x\na[i] = 1\no.x = 2\n",
    "a += 1\no.x -= 2\na[i] *= 3\na[i:j] |= x\n",
    "x: int = 1\ny: int\no.z: int = 2\n",
    "if a:\n    pass\nelif b:\n    x = 1\nelif c:\n    x = 2\nelse:\n    x = 3\n",
    "while a:\n    if b:\n        break\n    if c:\n        continue\n    a -= 1\nelse:\n    x = 1\n",
    "for i in range(10):\n    if i:\n        continue\n    for j in i:\n        break\nelse:\n    pass\n",
    "while True:\n    x = 1\n",
    "def f(a, b=1, *args, c, d=2, **kw):\n    global g\n    g = a\n    return a\n",
    "@dec\n@dec2(1)\ndef f():\n    pass\n",
    "def outer():\n    x = 1\n    def inner():\n        nonlocal x\n        x += 1\n        return x\n    return inner\n",
    "def f(a):\n    def g():\n        return a\n    return g\n",
    "def f():\n    x = 1\n    def g():\n        def h():\n            return x\n        return h\n    return g\n",
    "class A:\n    pass\nclass B(A):\n    x = 1\n    def m(self):\n        return self.x\nclass C(A, B):\n    pass\n",
    "class A(B):\n    def __init__(self):\n        super().__init__()\n    def m(self):\n        return __class__\n",
    "def f():\n    y = 1\n    class C:\n        y = 2\n        def m(self):\n            return y\n    return C\n",
    "@dec\nclass A(*bases):\n    def f(self, x=lambda: 1):\n        return [self for _ in x]\n",
    "try:\n    a()\nexcept E:\n    b()\nexcept (F, G) as e:\n    c(e)\nexcept:\n    raise\nelse:\n    d()\n",
    "try:\n    a()\nfinally:\n    b()\n",
    "try:\n    a()\nexcept E as e:\n    raise X from e\nelse:\n    pass\nfinally:\n    c()\n",
    "def f():\n    for x in y:\n        try:\n            if x:\n                return x\n            if y:\n                break\n            continue\n        finally:\n            g()\n    return 0\n",
    "def f():\n    try:\n        try:\n            return 1\n        finally:\n            a()\n    finally:\n        b()\n",
    "def f():\n    try:\n        pass\n    except E as e:\n        def g():\n            return e\n        return g\n",
    "for x in y:\n    try:\n        pass\n    except E as e:\n        continue\n",
    "raise\n",
    "raise E\n",
    "assert x\nassert x, 'msg'\n",
    "del a, b[1], c.d\ndef f():\n    x = 1\n    del x\n",
    "import os\nimport a.b\nimport a.b as c\nfrom m import x, y as z\nfrom n import *\n",
    "with a() as x, b():\n    pass\ndef f():\n    for i in y:\n        with c as d:\n            if i:\n                break\n            return d\n",
    "if (n := 10) > 5:\n    pass\n",
    "def f(*, a):\n    return a\ndef g(a, /, b):\n    return a\n",
    "class A:\n    x = 1\n    y = [x for _ in range(3)]\n    try:\n        pass\n    except E as e:\n        pass\n",
    "def f():\n    def g():\n        return g\n    return g\n",
    "def f(x):\n    return lambda: [x for _ in range(2)]\n",
    "'''docstring'''\ndef f():\n    'doc'\n    return\n",
];

#[test]
fn programs_compile_and_verify() {
    for p in PROGRAMS {
        ok(p);
    }
}

#[test]
fn interactive_displays_expressions() {
    let m = big_stack(|| compile_interactive("1 + 2\nx = 3\nx\n", "<stdin>").unwrap());
    verify(&m).unwrap();
    let d = dis(&m);
    assert_eq!(
        d.matches("LOAD_BUILTIN         0 __displayhook__").count(),
        2,
        "{d}"
    );
}

#[test]
fn dis_of_small_programs() {
    let m = ok("a = b < c < d\n");
    let d = dis(&m);
    let ops: Vec<String> = d
        .lines()
        .skip(1)
        .filter(|l| !l.trim_start().starts_with("handler"))
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            // [line] pc OP [arg [detail]]
            let i = if w[0].parse::<u32>().is_ok() && w.len() > 1 && w[1].parse::<u32>().is_ok() {
                2
            } else {
                1
            };
            w[i..].join(" ")
        })
        .collect();
    assert_eq!(
        ops,
        [
            "LOAD_GLOBAL 0 b",
            "LOAD_GLOBAL 1 c",
            "DUP_TOP 0",
            "ROT_THREE 0",
            "COMPARE 0 <",
            "JUMP_IF_FALSE_OR_POP 9",
            "LOAD_GLOBAL 2 d",
            "COMPARE 0 <",
            "JUMP 11",
            "ROT_TWO 0",
            "POP_TOP 0",
            "STORE_GLOBAL 3 a",
            "LOAD_CONST 0 None",
            "RETURN_VALUE 0",
        ],
        "{d}"
    );
}

fn ops_of(m: &Module, code: usize) -> Vec<String> {
    use pyrs::bytecode::{oparg, opcode};
    m.codes[code]
        .ops
        .iter()
        .map(|&w| format!("{} {}", pyrs::compile::opname(opcode(w)), oparg(w)))
        .collect()
}

#[test]
fn closures_and_cells() {
    let m = ok("def f(a):\n    b = 1\n    def g():\n        return a + b\n    return g\n");
    let f = &m.codes[2];
    assert_eq!(f.info.name, "f");
    assert_eq!(f.info.varnames, ["a", "g", "b"]);
    assert_eq!(f.info.cells, [0, 2]);
    assert_eq!(f.info.argcount, 1);
    let g = &m.codes[1];
    assert_eq!(g.info.qualname, "f.<locals>.g");
    assert_eq!(g.info.nfree, 2);
    assert_eq!(g.info.varnames, ["a", "b"]);
    assert_eq!(
        ops_of(&m, 1),
        [
            "COPY_FREE_VARS 2",
            "LOAD_DEREF 0",
            "LOAD_DEREF 1",
            "BINARY 0",
            "RETURN_VALUE 0"
        ]
    );
    let fo = ops_of(&m, 2);
    assert_eq!(&fo[..2], ["MAKE_CELL 0", "MAKE_CELL 2"]);
    assert!(
        fo.contains(&"LOAD_CLOSURE 0".to_string()) && fo.contains(&"LOAD_CLOSURE 2".to_string()),
        "{fo:?}"
    );
}

#[test]
fn class_cell_and_super() {
    let m = ok("class A(B):\n    def m(self):\n        return super().m()\n");
    let d = dis(&m);
    let m_code = m.codes.iter().find(|c| c.info.name == "m").unwrap();
    assert_eq!(m_code.info.nfree, 1);
    assert_eq!(m_code.info.varnames, ["self", "__class__"]);
    let body = m.codes.iter().find(|c| c.info.is_class_body).unwrap();
    assert_eq!(body.info.cells.len(), 1, "{d}");
    assert!(d.contains("LOAD_BUILTIN         0 super"), "{d}");
    assert!(d.contains("LOAD_DEREF           1 __class__"), "{d}");
    assert!(d.contains("LOAD_CLOSURE"), "{d}");
    assert!(d.contains("BUILD_CLASS"), "{d}");
}

#[test]
fn class_scope_is_skipped_by_methods() {
    let m = ok("x = 0\nclass A:\n    x = 1\n    def m(self):\n        return x\n");
    let mc = m.codes.iter().find(|c| c.info.name == "m").unwrap();
    assert_eq!(mc.info.nfree, 0);
    let d = dis(&m);
    assert!(d.contains("LOAD_GLOBAL          0 x"), "{d}");
    assert!(d.contains("STORE_NAME"), "{d}");
}

#[test]
fn line_numbers() {
    let m = ok("x = 1\n\ny = (x +\n     undefined)\n");
    let c = &m.codes[0];
    let pc = c.names.iter().position(|n| n == "undefined").unwrap() as u32;
    let at = c
        .ops
        .iter()
        .position(|&w| w == pyrs::bytecode::instr(pyrs::bytecode::LOAD_GLOBAL, pc))
        .unwrap();
    assert_eq!(c.info.lines[at], 4);
    assert_eq!(c.info.lines[0], 1);
    let m = ok("\n\ndef f(a, *b, c=1, **d):\n    pass\n");
    let f = &m.codes[1];
    assert_eq!(f.info.first_line, 3);
    assert_eq!(
        (
            f.info.argcount,
            f.info.kwonlyargcount,
            f.info.varargs,
            f.info.varkw
        ),
        (1, 1, true, true)
    );
    assert_eq!(f.info.varnames, ["a", "b", "c", "d"]);
}

#[test]
fn constants() {
    let m = ok("a = 123456789012345678901234567890\nb = -5\nc = (1, 'x', None)\nf(k=1)\n");
    use pyrs::compile::Const;
    let cs = &m.codes[0].consts;
    assert!(cs.iter().any(
        |c| matches!(c, Const::BigInt(b) if b.to_string() == "123456789012345678901234567890")
    ));
    assert!(cs.contains(&Const::Int(-5)));
    assert!(cs.contains(&Const::Tuple(vec![
        Const::Int(1),
        Const::Str("x".into()),
        Const::None
    ])));
    assert!(cs.contains(&Const::Tuple(vec![Const::Str("k".into())])));
    assert_eq!(m.imports, Vec::<String>::new());
    let m = ok("import a\nfrom b import c\nimport a\n");
    assert_eq!(m.imports, ["a", "b"]);
}

#[test]
fn syntax_errors() {
    check_err("x = (1,\ny = 2\n", "'(' was never closed", 1);
    check_err("if x\n    pass\n", "expected ':'", 1);
    check_err("x = 1\n  y = 2\n", "unexpected indent", 2);
    check_err(
        "if x:\n    a\n  b\n",
        "unindent does not match any outer indentation level",
        3,
    );
    check_err(
        "x = 'abc\n",
        "unterminated string literal (detected at line 1)",
        1,
    );
    check_err("x = = 1\n", "invalid syntax", 1);
    check_err("return 1\n", "'return' outside function", 1);
    check_err("x = 1\nbreak\n", "'break' outside loop", 2);
    check_err("continue\n", "'continue' not properly in loop", 1);
    check_err("class A:\n    return 1\n", "'return' outside function", 2);
    check_err(
        "def f(x):\n    global x\n",
        "name 'x' is parameter and global",
        2,
    );
    check_err(
        "def f():\n    nonlocal x\n",
        "no binding for nonlocal 'x' found",
        2,
    );
    check_err(
        "nonlocal x\n",
        "nonlocal declaration not allowed at module level",
        1,
    );
    check_err("def f():\n    yield 1\n", "yield is not supported", 2);
    check_err(
        "async def f():\n    pass\n",
        "async functions are not supported",
        1,
    );
    check_err(
        "match x:\n    case 1:\n        pass\n",
        "match statements are not supported",
        1,
    );
    check_err(
        "def f():\n    x = 1\n    def g():\n        return x\n    del x\n",
        "cannot delete variable 'x' referenced by an inner function",
        5,
    );
    check_err(
        "try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass\n",
        "default 'except:' must be last",
        3,
    );
    check_err(
        "def f(a, a):\n    pass\n",
        "duplicate argument 'a' in function definition",
        1,
    );
    check_err("f(a=1, a=2)\n", "keyword argument repeated: a", 1);
    check_err(
        "print 'x'\n",
        "Missing parentheses in call to 'print'. Did you mean print(...)?",
        1,
    );
    let e = err("a = 1\nb = (1 +\n");
    assert_eq!(
        (e.msg.as_str(), e.line, e.col, e.text.as_str()),
        ("'(' was never closed", 2, 5, "b = (1 +")
    );
    let e = err("x = 1\nfor x in y:\n  break\ncontinue\n");
    assert_eq!((e.line, e.col, e.text.as_str()), (4, 1, "continue"));
}

#[test]
fn large_program() {
    let mut src = String::new();
    let mut i = 0;
    while src.len() < 1 << 20 {
        src.push_str(&format!(
            "def f{i}(a, b=1):\n    x = a + b * {i}\n    for j in range(x):\n        if j % 2:\n            x += j\n    return [x, 'v{i}']\nv{i} = f{i}({i})\n"
        ));
        i += 1;
    }
    let m = ok(&src);
    assert_eq!(m.codes.len(), i + 1);
}

#[test]
fn deep_nesting() {
    let n = 100;
    // Nested expressions.
    let src = format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n));
    ok(&src);
    let src = format!("x = {}1{}\n", "[".repeat(n), "]".repeat(n));
    ok(&src);
    let src = format!("x = {}0\n", "1 + ".repeat(2000));
    ok(&src);
    let src = format!("x = {}0{}\n", "f(".repeat(n), ")".repeat(n));
    ok(&src);
    // Nested blocks.
    let mut src = String::new();
    for d in 0..n {
        src.push_str(&" ".repeat(d));
        src.push_str(if d % 3 == 0 {
            "if x:\n"
        } else if d % 3 == 1 {
            "for i in y:\n"
        } else {
            "try:\n"
        });
    }
    src.push_str(&" ".repeat(n));
    src.push_str("break\n");
    for d in (0..n).rev() {
        if d % 3 == 2 {
            src.push_str(&" ".repeat(d));
            src.push_str("finally:\n");
            src.push_str(&" ".repeat(d + 1));
            src.push_str("pass\n");
        }
    }
    ok(&src);
    // Nested functions.
    let mut src = String::new();
    for d in 0..n {
        src.push_str(&" ".repeat(d));
        src.push_str(&format!("def f{d}(a{d}):\n"));
    }
    src.push_str(&" ".repeat(n));
    src.push_str("return a0 + a50\n");
    ok(&src);
    // Too deep: an error, not a crash.
    let src = format!("x = {}1{}\n", "(-".repeat(5000), ")".repeat(5000));
    let e = big_stack(move || compile_module(&src, "t.py").map(|_| ()));
    if let Err(e) = e {
        assert!(
            e.msg.contains("too many nested") || e.msg.contains("invalid syntax"),
            "{e:?}"
        );
    }
}

/// Prints the disassembly of the program in `$PYSRC` (a debugging aid:
/// `PYSRC='x = 1' cargo test -p pyrs --test compile show -- --ignored --nocapture`).
#[test]
#[ignore]
fn show() {
    let src = std::env::var("PYSRC").unwrap_or_default();
    let m = ok(&src);
    println!("{}", dis(&m));
}

#[test]
fn nesting_near_the_limit_fits_in_64mb() {
    for n in [1000usize, 2900] {
        let src = format!("x = {}1{}\n", "(-".repeat(n), ")".repeat(n));
        let r = big_stack(move || compile_module(&src, "t.py").map(|m| verify(&m).unwrap()));
        assert!(r.is_ok(), "{n}: {r:?}");
        let mut src = String::new();
        for d in 0..n {
            src.push_str(&format!("{}if x{d}:\n", " ".repeat(d)));
        }
        src.push_str(&format!("{}pass\n", " ".repeat(n)));
        let r = big_stack(move || compile_module(&src, "t.py").map(|m| verify(&m).unwrap()));
        assert!(r.is_ok(), "{n}: {:?}", r.map_err(|e| e.msg));
    }
}

#[test]
fn moderate_nesting_fits_in_8mb() {
    let src = format!("x = {}1{}\n", "(-f(".repeat(100), "))".repeat(100));
    let r = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || compile_module(&src, "t.py").map(|m| verify(&m).unwrap()))
        .unwrap()
        .join()
        .unwrap();
    assert!(r.is_ok());
}

#[test]
fn unsupported_features_are_errors() {
    check_err("x = b'abc'\n", "bytes literals are not supported", 1);
    check_err("x = 1j\n", "complex numbers are not supported", 1);
    check_err(
        "x = [y := 1 for _ in z]\n",
        "assignment expressions in comprehensions are not supported",
        1,
    );
    check_err(
        "def f():\n    from m import *\n",
        "import * only allowed at module level",
        2,
    );
    check_err("from . import m\n", "relative imports are not supported", 1);
    check_err("x = lambda: (yield)\n", "yield is not supported", 1);
    check_err(
        "class A(metaclass=M):\n    pass\n",
        "class keyword arguments are not supported",
        1,
    );
    check_err(
        "try:\n    pass\nexcept* E:\n    pass\n",
        "except* is not supported",
        1,
    );
    // Empty and comment-only programs are fine.
    ok("");
    ok("# nothing\n");
}
