//! A generator of random, deterministic Python programs for differential testing.
//!
//! A program is a function of its seed only (a xorshift generator, no crates). It
//! defines a few helper functions and a bounded recursive one, then runs statements over
//! integer variables (arithmetic around 2**63 and beyond: `+ - * // % << >>`, bitwise
//! operators, comparisons), a list and a dict indexed through `% len` guards, a float
//! and a string, inside `if`s and loops with small bounds; `try`/`except` around
//! operations that may fail on purpose (division by zero, a bad index, a missing key).
//! Values stay bounded: assignments reduce modulo one of a few moduli, the list and the
//! string are trimmed. Prints happen only outside loops, and every loop folds its values
//! into a checksum `T` that is printed at the end. About one program in eight is "large
//! and nasty": a loop of 10^5 iterations, ifs and loops nested ten deep, allocation in
//! loops and recursion 200 deep.

#![allow(dead_code)]

/// xorshift64*: small, fast and good enough for choosing program shapes.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // Scramble the seed so that neighbouring seeds start far apart; never zero.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

/// The moduli assignments reduce by: small primes, values around 2**63, and beyond.
const MODULI: &[&str] = &[
    "1000003",
    "(2 ** 31 - 1)",
    "(2 ** 63 - 25)",
    "(2 ** 63)",
    "(2 ** 63 + 7)",
    "(2 ** 64 + 13)",
    "(2 ** 89 - 1)",
    "(10 ** 20 + 39)",
];

/// Integer literals, many near the 64-bit edges.
const BIG_LITERALS: &[&str] = &[
    "(2 ** 63 - 1)",
    "(2 ** 63)",
    "(-(2 ** 63))",
    "(-(2 ** 63) - 1)",
    "(2 ** 64)",
    "(2 ** 62 + 3)",
    "(1 << 70)",
    "(-(1 << 65) + 11)",
    "9223372036854775807",
    "(10 ** 19)",
    "4611686018427387904",
    "(-4611686018427387905)",
];

/// The generator's state while one program is written.
struct Gen {
    rng: Rng,
    out: String,
    indent: usize,
    /// Integer names readable at this point (variables, loop indices, parameters).
    ints: Vec<String>,
    /// Names of the helper functions defined so far, with their arity.
    funcs: Vec<(String, usize)>,
    /// Loop nesting depth (for names of loop indices and for where prints may go).
    loops: usize,
    /// Statement nesting depth.
    depth: usize,
    /// Whether statements may touch the globals L, D, S, F, T (false inside helpers).
    globals: bool,
    /// Inside the 10^5-iteration loop: no calls of helpers.
    hot: bool,
    nasty: bool,
}

impl Gen {
    fn line(&mut self, s: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn modulus(&mut self) -> &'static str {
        *self.rng.pick(MODULI)
    }

    fn var(&mut self) -> String {
        let i = self.rng.below(self.ints.len() as u64) as usize;
        self.ints[i].clone()
    }

    fn literal(&mut self) -> String {
        match self.rng.below(6) {
            0 => self.rng.pick(BIG_LITERALS).to_string(),
            1 => format!("{}", self.rng.range(-1000, 1000)),
            _ => format!("{}", self.rng.range(-9, 40)),
        }
    }

    /// An integer expression of nesting at most `d`.
    fn int_expr(&mut self, d: u32) -> String {
        if d == 0 || self.rng.chance(1, 4) {
            return if self.rng.chance(2, 3) {
                self.var()
            } else {
                self.literal()
            };
        }
        let a = self.int_expr(d - 1);
        let b = self.int_expr(d - 1);
        match self.rng.below(20) {
            0..=2 => format!("({a} + {b})"),
            3..=4 => format!("({a} - {b})"),
            5..=6 => format!("({a} * {b})"),
            // Divisors guarded: `x or 7` is 7 when x is zero.
            7 => format!("({a} // ({b} or 7))"),
            8 => format!("({a} % ({b} or 13))"),
            9 => format!("({a} << {})", self.rng.range(0, 70)),
            10 => format!("({a} >> {})", self.rng.range(0, 80)),
            11 => format!("({a} << ({b} % 9))"),
            12 => format!("({a} & {b})"),
            13 => format!("({a} | {b})"),
            14 => format!("({a} ^ {b})"),
            15 => {
                let op = *self.rng.pick(&["<", "<=", ">", ">=", "==", "!="]);
                format!("({a} {op} {b})")
            }
            16 => {
                let c = self.int_expr(d - 1);
                format!("({a} if {c} > {b} else {b})")
            }
            17 => {
                let f = *self.rng.pick(&["abs", "-", "min", "max"]);
                match f {
                    "abs" => format!("abs({a})"),
                    "-" => format!("(-{a})"),
                    _ => format!("{f}({a}, {b})"),
                }
            }
            18 if !self.funcs.is_empty() && !self.hot => {
                let (name, arity) = self.rng.pick(&self.funcs).clone();
                let mut args = vec![a, b];
                args.truncate(arity);
                while args.len() < arity {
                    args.push(self.var());
                }
                format!("{name}({})", args.join(", "))
            }
            _ if self.globals => match self.rng.below(3) {
                0 => format!("L[{a} % len(L)]"),
                1 => format!("D.get({a} % 17, {b})"),
                _ => "len(S)".to_string(),
            },
            _ => format!("({a} + {b})"),
        }
    }

    fn cond(&mut self) -> String {
        let a = self.int_expr(2);
        let b = self.int_expr(1);
        let op = *self.rng.pick(&["<", "<=", ">", ">=", "==", "!="]);
        match self.rng.below(5) {
            0 => format!("{a} % 3 {op} {b} % 3"),
            1 => format!("{a} {op} {b} and {} > 0", self.var()),
            _ => format!("{a} {op} {b}"),
        }
    }

    /// Assigns to an existing integer variable (not a loop index).
    fn assign(&mut self) {
        let targets: Vec<String> = self
            .ints
            .iter()
            .filter(|n| n.starts_with('v') || n.starts_with('t'))
            .cloned()
            .collect();
        if targets.is_empty() {
            return;
        }
        let t = self.rng.pick(&targets).clone();
        let e = self.int_expr(3);
        let m = self.modulus();
        if self.loops == 0 && self.rng.chance(1, 4) {
            self.line(&format!("{t} = {e}"));
            self.line(&format!("{t} = {t} % {m}"));
        } else if self.rng.chance(1, 3) {
            let op = *self.rng.pick(&["+=", "-=", "*=", "^=", "|="]);
            self.line(&format!("{t} {op} {e}"));
            self.line(&format!("{t} %= {m}"));
        } else {
            self.line(&format!("{t} = ({e}) % {m}"));
        }
    }

    fn checksum(&mut self) {
        if self.globals {
            let v = self.var();
            self.line(&format!("T = (T * 31 + {v}) % (2 ** 61 - 1)"));
        }
    }

    fn stmt(&mut self) {
        let choice = self.rng.below(if self.globals { 16 } else { 9 });
        let nested_ok = self.depth < 3;
        match choice {
            0..=2 => self.assign(),
            3 if nested_ok => self.if_stmt(),
            4 if nested_ok => {
                let n = self.rng.range(1, 6);
                self.for_stmt(n)
            }
            5 if nested_ok => self.while_stmt(),
            6 => self.try_stmt(),
            7 => self.checksum(),
            8 => self.assign(),
            9 => {
                let e = self.int_expr(2);
                self.line(&format!("L.append({e} % 1000)"));
                self.line("if len(L) > 40:");
                self.line("    L = L[-20:]");
            }
            10 => {
                let (a, b) = (self.int_expr(2), self.int_expr(2));
                self.line(&format!("L[{a} % len(L)] = {b} % 100003"));
            }
            11 => {
                let (a, b) = (self.int_expr(2), self.int_expr(2));
                let m = self.modulus();
                self.line(&format!("D[{a} % 17] = {b} % {m}"));
            }
            12 => {
                let a = self.int_expr(2);
                let sep = *self.rng.pick(&["", "-", ":", "ab"]);
                self.line(&format!("S = (S + \"{sep}\" + str({a} % 1000))[-50:]"));
            }
            13 => {
                let a = self.int_expr(2);
                let c = *self.rng.pick(&["1.5", "0.25", "-0.75", "1.0000001", "3.0"]);
                self.line(&format!("F = F * {c} + float({a} % 1000) / 7.0"));
                self.line("if abs(F) > 1e12:");
                self.line("    F = F / 1e6");
            }
            14 if self.loops == 0 => {
                let vs: Vec<String> = (0..3).map(|_| self.var()).collect();
                self.line(&format!("print({})", vs.join(", ")));
            }
            _ => {
                let r = self.int_expr(2);
                let m = self.modulus();
                if let Some(t) = self.ints.iter().find(|n| n.starts_with('v')).cloned() {
                    self.line(&format!("{t} = (rec({r} % 25, {t}) + {t}) % {m}"));
                } else {
                    self.assign();
                }
            }
        }
    }

    fn block(&mut self, n: u64) {
        self.indent += 1;
        self.depth += 1;
        let before = self.out.len();
        for _ in 0..n {
            self.stmt();
        }
        if self.out.len() == before {
            self.line("pass");
        }
        self.depth -= 1;
        self.indent -= 1;
    }

    fn if_stmt(&mut self) {
        let c = self.cond();
        self.line(&format!("if {c}:"));
        let n = self.rng.range(1, 3) as u64;
        self.block(n);
        if self.rng.chance(1, 3) {
            let c = self.cond();
            self.line(&format!("elif {c}:"));
            self.block(1);
        }
        if self.rng.chance(1, 2) {
            self.line("else:");
            let n = self.rng.range(1, 2) as u64;
            self.block(n);
        }
    }

    fn for_stmt(&mut self, count: i64) {
        let idx = format!("i{}", self.loops);
        let header = match self.rng.below(4) {
            0 => format!("for {idx} in range({count}, 0, -1):"),
            1 => format!("for {idx} in range(-{count}, {count}, 2):"),
            _ => format!("for {idx} in range({count}):"),
        };
        self.line(&header);
        self.loops += 1;
        self.ints.push(idx);
        let n = self.rng.range(1, 4) as u64;
        self.block(n);
        if self.rng.chance(1, 4) {
            let c = self.cond();
            self.line(&format!("    if {c}:"));
            let kw = *self.rng.pick(&["break", "continue"]);
            self.line(&format!("        {kw}"));
        }
        self.indent += 1;
        self.checksum();
        self.indent -= 1;
        self.ints.pop();
        self.loops -= 1;
    }

    fn while_stmt(&mut self) {
        let w = format!("w{}", self.loops);
        let n = self.rng.range(1, 6);
        self.line(&format!("{w} = {n}"));
        self.line(&format!("while {w} > 0:"));
        self.line(&format!("    {w} -= 1"));
        self.loops += 1;
        self.ints.push(w);
        let n = self.rng.range(1, 3) as u64;
        self.block(n);
        self.ints.pop();
        self.loops -= 1;
    }

    fn try_stmt(&mut self) {
        let targets: Vec<String> = self
            .ints
            .iter()
            .filter(|n| n.starts_with('v') || n.starts_with('t'))
            .cloned()
            .collect();
        if targets.is_empty() {
            return;
        }
        let t = self.rng.pick(&targets).clone();
        let a = self.int_expr(2);
        let b = self.int_expr(1);
        let kind = if self.globals { self.rng.below(4) } else { 0 };
        self.line("try:");
        match kind {
            // Division whose divisor may be zero on purpose.
            0 => {
                let m = self.modulus();
                self.line(&format!("    {t} = ({a} // ({b} % 5)) % {m}"));
                self.line("except ZeroDivisionError as e:");
                self.line(&format!("    {t} = len(str(e)) + {t} % 1000"));
            }
            1 => {
                self.line(&format!("    {t} = L[{a} % (len(L) + 3)]"));
                self.line("except IndexError:");
                let n = self.rng.range(1, 9);
                self.line(&format!("    {t} = -{n}"));
            }
            2 => {
                self.line(&format!("    {t} = D[{a} % 23]"));
                self.line("except KeyError as e:");
                self.line(&format!("    {t} = e.args[0] + 1"));
            }
            _ => {
                self.line(&format!("    {t} = int(S[-3:] or \"x\") + {a} % 10"));
                self.line("except ValueError:");
                self.line(&format!("    {t} = 0"));
                self.line("finally:");
                self.line("    T = (T + 1) % (2 ** 61 - 1)");
            }
        }
    }

    fn helper(&mut self, k: usize) {
        let arity = self.rng.range(1, 3) as usize;
        let params: Vec<String> = (0..arity).map(|i| format!("p{i}")).collect();
        let name = format!("f{k}");
        self.line(&format!("def {name}({}):", params.join(", ")));
        let saved = std::mem::replace(&mut self.ints, params.clone());
        // Helpers call no other helpers, so a call costs a bounded amount of work.
        let saved_funcs = std::mem::take(&mut self.funcs);
        self.globals = false;
        self.indent += 1;
        let n = self.rng.range(0, 9);
        self.line(&format!("t0 = {n}"));
        self.ints.push("t0".into());
        // At most one loop level inside a helper.
        self.depth = 2;
        for _ in 0..self.rng.range(1, 4) {
            self.stmt();
        }
        self.depth = 0;
        let e = self.int_expr(2);
        let m = self.modulus();
        self.line(&format!("return ({e}) % {m}"));
        self.indent -= 1;
        self.ints = saved;
        self.funcs = saved_funcs;
        self.globals = true;
        self.funcs.push((name, arity));
    }
}

/// Whether the program of `seed` is one of the large, nasty ones.
pub fn is_nasty(seed: u64) -> bool {
    seed % 8 == 3
}

/// The program of `seed`.
pub fn program(seed: u64) -> String {
    let nasty = is_nasty(seed);
    let mut g = Gen {
        rng: Rng::new(seed),
        out: String::new(),
        indent: 0,
        ints: Vec::new(),
        funcs: Vec::new(),
        loops: 0,
        depth: 0,
        globals: true,
        hot: false,
        nasty,
    };
    g.line(&format!(
        "# random program, seed {seed}{}",
        if nasty { " (large)" } else { "" }
    ));
    g.line("def rec(n, a):");
    g.line("    if n <= 0:");
    g.line("        return a % 1009");
    g.line("    return (rec(n - 1, a * 3 + n) + n) % 1000003");
    for k in 0..g.rng.range(1, 4) as usize {
        g.helper(k);
    }
    g.line("T = 0");
    g.line("F = 0.5");
    g.line("S = \"s\"");
    let len = g.rng.range(1, 6);
    let items: Vec<String> = (0..len).map(|_| g.rng.range(-50, 50).to_string()).collect();
    g.line(&format!("L = [{}]", items.join(", ")));
    g.line("D = {0: 1}");
    let nvars = g.rng.range(2, 5);
    for i in 0..nvars {
        let lit = g.literal();
        g.line(&format!("v{i} = {lit}"));
        g.ints.push(format!("v{i}"));
    }
    for _ in 0..g.rng.range(4, 10) {
        g.stmt();
    }
    if nasty {
        nasty_parts(&mut g);
    }
    let vars: Vec<String> = (0..nvars).map(|i| format!("v{i}")).collect();
    g.line(&format!("print({})", vars.join(", ")));
    g.line("print(T, len(L), sum(L), sorted(D.items()))");
    g.line("print(S, repr(F))");
    g.out
}

/// The large parts: a hot loop, deep nesting, allocation, deep recursion.
fn nasty_parts(g: &mut Gen) {
    g.line("def deep(n):");
    g.line("    if n == 0:");
    g.line("        return 1");
    g.line("    return deep(n - 1) + n % 7");
    g.line("print(\"deep\", deep(200))");
    // A loop of 10^5 iterations with a moderate body.
    g.line("for big in range(100000):");
    g.loops += 1;
    g.ints.push("big".into());
    g.indent += 1;
    g.depth = 2;
    g.hot = true;
    for _ in 0..g.rng.range(2, 4) {
        g.assign();
    }
    g.hot = false;
    g.line("tmp = [big, big * 2, big % 7]");
    g.line("T = (T + tmp[big % 3]) % (2 ** 61 - 1)");
    g.depth = 0;
    g.indent -= 1;
    g.ints.pop();
    g.loops -= 1;
    // Ifs and loops nested ten deep; the loops have two iterations each.
    let start = g.indent;
    for level in 0..10 {
        if level % 2 == 0 {
            let idx = format!("n{level}");
            g.line(&format!("for {idx} in range(2):"));
            g.ints.push(idx);
            g.loops += 1;
        } else {
            let c = g.cond();
            g.line(&format!("if {c} or {level} > 4:"));
        }
        g.indent += 1;
    }
    g.depth = 3;
    g.assign();
    g.checksum();
    g.line("L.append(len(L) % 10)");
    g.line("if len(L) > 40:");
    g.line("    L = L[-20:]");
    g.depth = 0;
    g.indent = start;
    for level in 0..10 {
        if level % 2 == 0 {
            g.ints.pop();
            g.loops -= 1;
        }
    }
    g.line("print(\"nested\", T, len(L))");
}
