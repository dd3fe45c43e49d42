//! SplitMix64: a tiny, seedable generator for reproducible random tests.

#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `num/den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next_u64() % den < num
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An integer biased toward edge values.
    pub fn edgy_i64(&mut self) -> i64 {
        const EDGES: [i64; 12] = [
            0,
            1,
            -1,
            2,
            -2,
            7,
            63,
            64,
            255,
            i64::MIN,
            i64::MAX,
            i64::MIN + 1,
        ];
        match self.below(4) {
            0 => *self.pick(&EDGES),
            1 => (self.next_u64() % 100) as i64 - 50,
            2 => self.next_u64() as i64 >> self.below(64),
            _ => self.next_u64() as i64,
        }
    }

    /// A float biased toward edge values.
    pub fn edgy_f64(&mut self) -> f64 {
        const EDGES: [f64; 10] = [
            0.0,
            -0.0,
            1.0,
            -1.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e300,
            -1e19,
            9.3e18,
        ];
        match self.below(3) {
            0 => *self.pick(&EDGES),
            1 => (self.next_u64() % 2000) as f64 / 8.0 - 125.0,
            _ => f64::from_bits(self.next_u64()),
        }
    }
}
