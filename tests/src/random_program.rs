//! Random IR programs that always terminate, for comparing backends.
//!
//! Shape: `entry → head_0`; every `head_i(state)` decrements a fuel counter and goes to
//! `body_i(state)` or, with no fuel left, to `exit(state)`. Bodies run random
//! operations (arithmetic of both kinds, overflow and conditional side exits, runs of
//! range guards on one value stepped by constants, loads and stores into a buffer,
//! helper calls) and end with a random jump, branch or return to heads. The
//! state is `[fuel, buf, ints.., floats..]`, re-chosen from the values at hand at every
//! jump, so values flow between blocks in every permutation. Now and then a jump goes
//! through private blocks that only jump on (which the optimiser jumps past).

use crate::rng::Rng;
use backend::{
    BinOp, Block, Function, FunctionBuilder, Helper, Kind, MemType, OvfOp, Sig, UnOp, Value,
};

/// Bytes of the buffer a program reads and writes (all accesses stay inside it).
pub const BUF_BYTES: usize = 256;

extern "C" fn rh2(a: i64, b: i64) -> i64 {
    a.wrapping_mul(3) ^ b.rotate_left(7)
}
extern "C" fn rh5(a: i64, b: i64, c: i64, d: i64, e: i64) -> i64 {
    a.wrapping_sub(b).wrapping_mul(c | 1) ^ d.wrapping_add(e << 2)
}
extern "C" fn rh8(a: i64, b: i64, c: i64, d: i64, e: i64, f: i64, g: i64, h: i64) -> i64 {
    rh5(a, b, c, d, e).wrapping_add(f.wrapping_mul(g)) ^ h
}
extern "C" fn rf(x: f64, n: i64, y: f64) -> f64 {
    x * 0.5 + (n % 1000) as f64 - y
}

fn helpers() -> Vec<Helper> {
    use Kind::*;
    vec![
        Helper::new(
            "rh2",
            rh2 as *const () as usize,
            Sig::new(&[Int; 2], Some(Int)),
        ),
        Helper::new(
            "rh5",
            rh5 as *const () as usize,
            Sig::new(&[Int; 5], Some(Int)),
        ),
        Helper::new(
            "rh8",
            rh8 as *const () as usize,
            Sig::new(&[Int; 8], Some(Int)),
        ),
        Helper::new(
            "rf",
            rf as *const () as usize,
            Sig::new(&[Float, Int, Float], Some(Float)),
        ),
    ]
}

const INT_OPS: [BinOp; 27] = [
    BinOp::Add,
    BinOp::Sub,
    BinOp::Mul,
    BinOp::Div,
    BinOp::Rem,
    BinOp::FloorDiv,
    BinOp::FloorMod,
    BinOp::And,
    BinOp::Or,
    BinOp::Xor,
    BinOp::Shl,
    BinOp::Shr,
    BinOp::Sar,
    BinOp::Eq,
    BinOp::Ne,
    BinOp::Lt,
    BinOp::Le,
    BinOp::Gt,
    BinOp::Ge,
    BinOp::Ult,
    BinOp::Uge,
    BinOp::Add,
    BinOp::AddOverflows,
    BinOp::SubOverflows,
    BinOp::MulOverflows,
    BinOp::UAddOverflows,
    BinOp::USubOverflows,
];
/// Conditions the x86 backend computes into the flags when they feed only a jump.
const TESTS: [BinOp; 15] = [
    BinOp::Eq,
    BinOp::Ne,
    BinOp::Lt,
    BinOp::Le,
    BinOp::Gt,
    BinOp::Ge,
    BinOp::Ult,
    BinOp::Ule,
    BinOp::Ugt,
    BinOp::Uge,
    BinOp::AddOverflows,
    BinOp::SubOverflows,
    BinOp::MulOverflows,
    BinOp::UAddOverflows,
    BinOp::USubOverflows,
];
const FLOAT_OPS: [BinOp; 10] = [
    BinOp::FAdd,
    BinOp::FSub,
    BinOp::FMul,
    BinOp::FDiv,
    BinOp::FEq,
    BinOp::FNe,
    BinOp::FLt,
    BinOp::FLe,
    BinOp::FGt,
    BinOp::FGe,
];

struct Gen<'a> {
    rng: &'a mut Rng,
    b: FunctionBuilder,
    ni: usize,
    nf: usize,
    heads: Vec<Block>,
    helpers: Vec<Helper>,
}

/// Values at hand in the current block.
struct Pool {
    fuel: Value,
    buf: Value,
    ints: Vec<Value>,
    floats: Vec<Value>,
}

impl Gen<'_> {
    fn state_kinds(&self) -> Vec<Kind> {
        let mut k = vec![Kind::Int, Kind::Ptr];
        k.extend(std::iter::repeat(Kind::Int).take(self.ni));
        k.extend(std::iter::repeat(Kind::Float).take(self.nf));
        k
    }

    fn pool_of(&self, block: Block) -> Pool {
        let p = self.b.params(block).to_vec();
        Pool {
            fuel: p[0],
            buf: p[1],
            ints: p[2..2 + self.ni].to_vec(),
            floats: p[2 + self.ni..].to_vec(),
        }
    }

    fn int(&mut self, pool: &Pool) -> Value {
        if self.rng.chance(1, 6) {
            let v = self.rng.edgy_i64();
            self.b.iconst(v)
        } else {
            *self.rng.pick(&pool.ints)
        }
    }

    fn float(&mut self, pool: &Pool) -> Value {
        if self.rng.chance(1, 6) {
            let v = self.rng.edgy_f64();
            self.b.fconst(v)
        } else {
            *self.rng.pick(&pool.floats)
        }
    }

    fn state(&mut self, pool: &Pool) -> Vec<Value> {
        let mut s = vec![pool.fuel, pool.buf];
        for _ in 0..self.ni {
            let v = self.int(pool);
            s.push(v);
        }
        for _ in 0..self.nf {
            let v = self.float(pool);
            s.push(v);
        }
        s
    }

    /// `t`, or (now and then) a private block with no instructions that jumps on to `t`,
    /// maybe through another such block, passing its fuel and buffer and, for the other
    /// words, any of its parameters of the same kind or constants (what the optimiser
    /// sends jumps through).
    fn via(&mut self, t: Block) -> Block {
        if self.rng.chance(2, 3) {
            return t;
        }
        let next = self.via(t);
        let kinds = self.state_kinds();
        let here = self.b.current_block();
        let tramp = self.b.create_private_block(&kinds);
        self.b.switch_to(tramp).unwrap();
        let params = self.b.params(tramp).to_vec();
        let mut args = params[..2].to_vec();
        for (i, k) in kinds.iter().enumerate().skip(2) {
            let same: Vec<Value> = (2..kinds.len())
                .filter(|&j| kinds[j] == *k)
                .map(|j| params[j])
                .collect();
            args.push(match (self.rng.below(4), k) {
                (0, Kind::Float) => self.b.fconst(self.rng.edgy_f64()),
                (0, _) => self.b.iconst(self.rng.edgy_i64()),
                (1, _) => params[i],
                _ => *self.rng.pick(&same),
            });
        }
        self.b.jump(next, &args).unwrap();
        if let Some(h) = here {
            self.b.switch_to(h).unwrap();
        }
        tramp
    }

    /// An in-bounds address: `(index & 15) * scale + offset` with offset < 8.
    fn address(&mut self, pool: &Pool) -> (Option<Value>, u8, i32) {
        if self.rng.chance(1, 3) {
            return (None, 1, self.rng.below(BUF_BYTES - 8) as i32);
        }
        let x = self.int(pool);
        let m = self.b.iconst(15);
        let idx = self.b.binary(BinOp::And, x, m).unwrap();
        let scale = *self.rng.pick(&[1u8, 2, 4, 8]);
        (Some(idx), scale, self.rng.below(8) as i32)
    }

    /// A condition for a jump: a value of the pool, or a test made just for the jump
    /// (a comparison or overflow test, maybe tested again against 0 or 1), which the
    /// x86 backend fuses with the jump.
    fn cond(&mut self, pool: &Pool) -> Value {
        if self.rng.below(2) == 0 {
            return self.int(pool);
        }
        let op = *self.rng.pick(&TESTS);
        let (mut a, mut c) = (self.int(pool), self.int(pool));
        // Sometimes the arithmetic itself just before its overflow test (whose flags
        // the x86 backend reuses), operands maybe swapped.
        let base = match op {
            BinOp::AddOverflows => Some(BinOp::Add),
            BinOp::SubOverflows => Some(BinOp::Sub),
            BinOp::MulOverflows => Some(BinOp::Mul),
            BinOp::UAddOverflows => Some(BinOp::Add),
            BinOp::USubOverflows => Some(BinOp::Sub),
            _ => None,
        };
        if let Some(base) = base.filter(|_| self.rng.below(2) == 0) {
            self.b.binary(base, a, c).unwrap();
            if self.rng.below(2) == 0 {
                (a, c) = (c, a);
            }
        }
        let mut v = self.b.binary(op, a, c).unwrap();
        for _ in 0..self.rng.below(3) {
            let k = self.b.iconst(self.rng.below(2) as i64);
            let op = if self.rng.below(2) == 0 {
                BinOp::Eq
            } else {
                BinOp::Ne
            };
            v = self.b.binary(op, v, k).unwrap();
        }
        v
    }

    /// A run of side exits on one value stepped by small constants, each leaving when
    /// the value is outside a range (what the optimiser widens into one test), with
    /// loads and stores indexed by the stepped value between them.
    fn guard_run(&mut self, pool: &mut Pool) {
        let mut x = self.int(pool);
        // A bound near the inputs' edges, or near the start.
        let bound = |g: &mut Self| -> i64 {
            match g.rng.below(3) {
                0 => g.rng.edgy_i64(),
                1 => g.rng.below(40) as i64 - 8,
                _ => 30000 + g.rng.below(5) as i64 - 2,
            }
        };
        for _ in 0..2 + self.rng.below(8) {
            let step = self.rng.below(7) as i64 - 3;
            let k = self.b.iconst(step.abs());
            let op = if step < 0 { BinOp::Sub } else { BinOp::Add };
            x = self.b.binary(op, x, k).unwrap();
            pool.ints.push(x);
            let op = *self.rng.pick(&[
                BinOp::Uge,
                BinOp::Ugt,
                BinOp::Ult,
                BinOp::Ule,
                BinOp::Eq,
                BinOp::Ne,
                BinOp::Lt,
                BinOp::Ge,
                BinOp::UAddOverflows,
                BinOp::USubOverflows,
            ]);
            let k = bound(self);
            let k = self.b.iconst(k);
            let (a, c) = if self.rng.below(4) == 0 {
                (k, x)
            } else {
                (x, k)
            };
            let mut v = self.b.binary(op, a, c).unwrap();
            for _ in 0..self.rng.below(3) {
                let k = self.b.iconst(self.rng.below(2) as i64);
                let op = *self.rng.pick(&[BinOp::Eq, BinOp::Ne]);
                v = self.b.binary(op, v, k).unwrap();
            }
            let h = *self.rng.pick(&self.heads.clone());
            let st = self.state(pool);
            let h = self.via(h);
            self.b.exit_if(v, h, &st).unwrap();
            if self.rng.below(3) == 0 {
                let m = self.b.iconst(15);
                let idx = self.b.binary(BinOp::And, x, m).unwrap();
                let two = self.b.iconst(2);
                let idx = self.b.binary(BinOp::Add, idx, two).unwrap();
                let ty = *self.rng.pick(&[MemType::U8, MemType::I32, MemType::I64]);
                if self.rng.below(2) == 0 {
                    let r = self.b.load_indexed(ty, pool.buf, idx, 4, 3).unwrap();
                    pool.ints.push(r);
                } else {
                    let v = self.int(pool);
                    self.b.store_indexed(ty, pool.buf, idx, 4, 3, v).unwrap();
                }
            }
        }
    }

    /// A run of stores to one address of a value stepped by constants and masked to
    /// `w` bits each time (what the optimiser folds into one step and one store), now
    /// and then read back or left through a side exit in between.
    fn cell_run(&mut self, pool: &mut Pool) {
        let (idx, scale, off) = self.address(pool);
        let ty = *self.rng.pick(&[MemType::U8, MemType::U16, MemType::I64]);
        let mask = *self.rng.pick(&[255i64, 65535, 1, 15]);
        let m = self.b.iconst(mask);
        let mut v = self.int(pool);
        for _ in 0..2 + self.rng.below(6) {
            let k = self.rng.below(9) as i64 - 4;
            let kv = self.b.iconst(k.abs());
            let op = if k < 0 { BinOp::Sub } else { BinOp::Add };
            v = self.b.binary(op, v, kv).unwrap();
            v = self.b.binary(BinOp::And, v, m).unwrap();
            pool.ints.push(v);
            match idx {
                Some(i) => self
                    .b
                    .store_indexed(ty, pool.buf, i, scale, off, v)
                    .unwrap(),
                None => self.b.store(ty, pool.buf, off, v).unwrap(),
            }
            match self.rng.below(6) {
                0 => {
                    let r = match idx {
                        Some(i) => self.b.load_indexed(ty, pool.buf, i, scale, off).unwrap(),
                        None => self.b.load(ty, pool.buf, off).unwrap(),
                    };
                    pool.ints.push(r);
                }
                1 => {
                    let c = self.cond(pool);
                    let h = *self.rng.pick(&self.heads.clone());
                    let st = self.state(pool);
                    let h = self.via(h);
                    self.b.exit_if(c, h, &st).unwrap();
                }
                _ => {}
            }
        }
    }

    fn body(&mut self, pool: &mut Pool) {
        let n = self.rng.below(24);
        for _ in 0..n {
            match self.rng.below(20) {
                0..=6 => {
                    let op = *self.rng.pick(&INT_OPS);
                    let (a, c) = (self.int(pool), self.int(pool));
                    let r = self.b.binary(op, a, c).unwrap();
                    pool.ints.push(r);
                }
                7..=9 => {
                    let op = *self.rng.pick(&FLOAT_OPS);
                    let (a, c) = (self.float(pool), self.float(pool));
                    let r = self.b.binary(op, a, c).unwrap();
                    if op.is_comparison() {
                        pool.ints.push(r)
                    } else {
                        pool.floats.push(r)
                    }
                }
                10 => {
                    let op = *self.rng.pick(&UnOp::ALL);
                    let (ka, kr) = op.kinds();
                    let a = match ka {
                        Kind::Float => self.float(pool),
                        Kind::Ptr => pool.buf,
                        Kind::Int => self.int(pool),
                    };
                    if kr == Kind::Ptr || ka == Kind::Ptr {
                        // No stray pointers (they could not be dereferenced), and no
                        // addresses in results (each backend runs on its own buffer).
                        continue;
                    }
                    let r = self.b.unary(op, a).unwrap();
                    match kr {
                        Kind::Float => pool.floats.push(r),
                        _ => pool.ints.push(r),
                    }
                }
                11 | 17 if self.rng.below(3) < 2 => self.guard_run(pool),
                18 if self.rng.below(2) == 0 => self.cell_run(pool),
                11 if self.rng.below(2) == 0 => {
                    let cond = self.cond(pool);
                    let h = *self.rng.pick(&self.heads.clone());
                    let st = self.state(pool);
                    let h = self.via(h);
                    self.b.exit_if(cond, h, &st).unwrap();
                }
                11 | 12 => {
                    let op = *self.rng.pick(&OvfOp::ALL);
                    let (a, c) = (self.int(pool), self.int(pool));
                    let h = *self.rng.pick(&self.heads.clone());
                    let st = self.state(pool);
                    let r = self.b.overflow(op, a, c, h, &st).unwrap();
                    pool.ints.push(r);
                }
                13 | 14 => {
                    let ty = *self.rng.pick(&MemType::ALL);
                    if ty == MemType::Ptr {
                        continue;
                    }
                    let (idx, scale, off) = self.address(pool);
                    let r = match idx {
                        Some(i) => self.b.load_indexed(ty, pool.buf, i, scale, off).unwrap(),
                        None => self.b.load(ty, pool.buf, off).unwrap(),
                    };
                    match ty.kind() {
                        Kind::Float => pool.floats.push(r),
                        _ => pool.ints.push(r),
                    }
                }
                15 | 16 => {
                    let ty = *self.rng.pick(&MemType::ALL);
                    if ty == MemType::Ptr {
                        continue;
                    }
                    let v = match ty.kind() {
                        Kind::Float => self.float(pool),
                        _ => self.int(pool),
                    };
                    let (idx, scale, off) = self.address(pool);
                    match idx {
                        Some(i) => self
                            .b
                            .store_indexed(ty, pool.buf, i, scale, off, v)
                            .unwrap(),
                        None => self.b.store(ty, pool.buf, off, v).unwrap(),
                    }
                }
                _ => {
                    let h = self.rng.pick(&self.helpers).clone();
                    let args: Vec<Value> = h
                        .sig
                        .params
                        .iter()
                        .map(|k| match k {
                            Kind::Float => self.float(pool),
                            _ => self.int(pool),
                        })
                        .collect();
                    let r = self.b.call(&h, &args).unwrap().unwrap();
                    match h.sig.ret {
                        Some(Kind::Float) => pool.floats.push(r),
                        _ => pool.ints.push(r),
                    }
                }
            }
        }
    }
}

/// A random program `f(a: int, b: int, x: float, buf: ptr) -> int`; see the module doc.
pub fn generate(seed: u64) -> Function {
    generate_with(seed, true)
}

/// [`generate`]'s program, optimised by the builder or (`optimize` false) as written.
pub fn generate_with(seed: u64, optimize: bool) -> Function {
    let mut rng = Rng::new(seed);
    let ni = 2 + rng.below(5);
    let nf = 1 + rng.below(3);
    let nheads = 1 + rng.below(5);
    let sig = Sig::new(
        &[Kind::Int, Kind::Int, Kind::Float, Kind::Ptr],
        Some(Kind::Int),
    );
    let mut g = Gen {
        rng: &mut rng,
        b: FunctionBuilder::new(&format!("random{seed}"), sig),
        ni,
        nf,
        heads: Vec::new(),
        helpers: helpers(),
    };
    let kinds = g.state_kinds();
    let heads: Vec<Block> = (0..nheads).map(|_| g.b.create_block(&kinds)).collect();
    let bodies: Vec<Block> = (0..nheads).map(|_| g.b.create_block(&kinds)).collect();
    let exit = g.b.create_block(&kinds);
    g.heads = heads.clone();

    // entry: the first state from the arguments.
    let p = g.b.params(g.b.entry()).to_vec();
    let pool = Pool {
        fuel: {
            let f = 3 + g.rng.below(40) as i64;
            g.b.iconst(f)
        },
        buf: p[3],
        ints: vec![p[0], p[1]],
        floats: vec![p[2]],
    };
    let st = g.state(&pool);
    g.b.jump(heads[0], &st).unwrap();

    for (i, &h) in heads.iter().enumerate() {
        g.b.switch_to(h).unwrap();
        let pool = g.pool_of(h);
        let one = g.b.iconst(1);
        let fuel = g.b.binary(BinOp::Sub, pool.fuel, one).unwrap();
        let zero = g.b.iconst(0);
        let alive = g.b.binary(BinOp::Gt, fuel, zero).unwrap();
        let mut args = g.b.params(h).to_vec();
        args[0] = fuel;
        g.b.branch(alive, bodies[i], &args, exit, &args).unwrap();
    }
    for &body in &bodies {
        g.b.switch_to(body).unwrap();
        let mut pool = g.pool_of(body);
        g.body(&mut pool);
        match g.rng.below(10) {
            8 | 9 => {
                // A loop on itself (on fuel), passing some parameters back unchanged.
                let params = g.b.params(body).to_vec();
                let one = g.b.iconst(1);
                let fuel = g.b.binary(BinOp::Sub, pool.fuel, one).unwrap();
                let zero = g.b.iconst(0);
                let alive = g.b.binary(BinOp::Gt, fuel, zero).unwrap();
                let mut again = g.state(&pool);
                again[0] = fuel;
                for (a, p) in again.iter_mut().zip(&params).skip(2) {
                    if g.rng.below(2) == 0 {
                        *a = *p;
                    }
                }
                let t = *g.rng.pick(&heads);
                let st = g.state(&pool);
                if g.rng.below(2) == 0 {
                    g.b.branch(alive, body, &again, t, &st).unwrap();
                } else {
                    // Leave through a side exit, go round on the jump.
                    let dead = g.b.binary(BinOp::Le, fuel, zero).unwrap();
                    g.b.exit_if(dead, t, &st).unwrap();
                    g.b.jump(body, &again).unwrap();
                }
            }
            0 => {
                let v = g.int(&pool);
                g.b.ret(Some(v)).unwrap();
            }
            1..=3 => {
                let t = *g.rng.pick(&heads);
                let t = g.via(t);
                let st = g.state(&pool);
                g.b.jump(t, &st).unwrap();
            }
            _ => {
                let c = g.cond(&pool);
                let (t, e) = (*g.rng.pick(&heads), *g.rng.pick(&heads));
                let (t, e) = (g.via(t), g.via(e));
                let (s1, s2) = (g.state(&pool), g.state(&pool));
                g.b.branch(c, t, &s1, e, &s2).unwrap();
            }
        }
    }
    g.b.switch_to(exit).unwrap();
    let pool = g.pool_of(exit);
    let mut acc = pool.fuel;
    for v in pool.ints.iter().chain(pool.floats.iter()) {
        let v = if g.b.kind(*v).unwrap() == Kind::Float {
            g.b.unary(UnOp::FloatToInt, *v).unwrap()
        } else {
            *v
        };
        let k = g.b.iconst(0x9e37_79b9);
        let m = g.b.binary(BinOp::Mul, acc, k).unwrap();
        acc = g.b.binary(BinOp::Xor, m, v).unwrap();
    }
    g.b.ret(Some(acc)).unwrap();
    g.b.set_optimize(optimize);
    g.b.finish().unwrap()
}
