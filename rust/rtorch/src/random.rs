//! Random numbers: an MT19937 generator with PyTorch's CPU transforms, so a seeded
//! `rand`/`randn`/`randint`/`randperm` reproduces PyTorch's values.

use parking_lot::Mutex;
use std::sync::Arc;

const N: usize = 624;
const M: usize = 397;

#[derive(Clone)]
pub struct Mt19937 {
    state: [u32; N],
    index: usize,
    /// Seeded and never twisted: torch's state then says next = 0, not 624.
    fresh: bool,
}

impl Mt19937 {
    pub fn new(seed: u64) -> Self {
        let mut state = [0u32; N];
        state[0] = (seed & 0xffff_ffff) as u32;
        for j in 1..N {
            state[j] = 1812433253u32
                .wrapping_mul(state[j - 1] ^ (state[j - 1] >> 30))
                .wrapping_add(j as u32);
        }
        Mt19937 {
            state,
            index: N,
            fresh: true,
        }
    }

    fn twist(&mut self) {
        // NOTE: branch-free and without `% N`: the data-dependent branch on `y & 1`
        // mispredicted half the time, and with the modulos made the twist about half
        // of `rand`'s cost (4M float32: 21 ms against torch's 12 before).
        #[inline(always)]
        fn mix(cur: u32, next: u32, far: u32) -> u32 {
            let y = (cur & 0x8000_0000) | (next & 0x7fff_ffff);
            far ^ (y >> 1) ^ (0u32.wrapping_sub(y & 1) & 0x9908_b0df)
        }
        let st = &mut self.state;
        for i in 0..N - M {
            st[i] = mix(st[i], st[i + 1], st[i + M]);
        }
        for i in N - M..N - 1 {
            st[i] = mix(st[i], st[i + 1], st[i + M - N]);
        }
        st[N - 1] = mix(st[N - 1], st[0], st[M - 1]);
        self.index = 0;
        self.fresh = false;
    }

    pub fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }
}

/// Generator state: the engine plus the cached second normal sample (as in PyTorch).
#[derive(Clone)]
pub struct GenState {
    seed: u64,
    mt: Mt19937,
    next_normal: Option<f64>,
    /// torch's cached float normal: no rtorch kernel draws it, but a state keeps it.
    next_float_normal: Option<f32>,
}

impl GenState {
    fn new(seed: u64) -> Self {
        GenState {
            seed,
            mt: Mt19937::new(seed),
            next_normal: None,
            next_float_normal: None,
        }
    }

    pub fn random(&mut self) -> u32 {
        self.mt.next_u32()
    }

    pub fn random64(&mut self) -> u64 {
        let hi = self.mt.next_u32() as u64;
        let lo = self.mt.next_u32() as u64;
        (hi << 32) | lo
    }

    /// Uniform [0, 1) with `digits` mantissa bits: 32-bit draws below 32 digits.
    pub fn uniform(&mut self, digits: u32) -> f64 {
        let mask = (1u64 << digits) - 1;
        let v = if digits > 32 {
            self.random64()
        } else {
            self.random() as u64
        };
        (v & mask) as f64 / (1u64 << digits) as f64
    }

    /// One standard normal sample through PyTorch's scalar Box–Muller (with caching).
    pub fn normal_f64(&mut self) -> f64 {
        if let Some(v) = self.next_normal.take() {
            return v;
        }
        let u1 = self.uniform(53);
        let u2 = self.uniform(53);
        let r = (-2.0 * (-u2).ln_1p()).sqrt();
        let theta = 2.0 * std::f64::consts::PI * u1;
        self.next_normal = Some(r * theta.sin());
        r * theta.cos()
    }
}

/// A shareable generator (`torch.Generator`).
#[derive(Clone)]
pub struct Generator(pub Arc<Mutex<GenState>>);

/// The seed PyTorch's default CPU generator starts from.
pub const DEFAULT_SEED: u64 = 67280421310721;

impl Generator {
    pub fn new(seed: u64) -> Self {
        Generator(Arc::new(Mutex::new(GenState::new(seed))))
    }
    pub fn manual_seed(&self, seed: u64) {
        *self.0.lock() = GenState::new(seed);
    }
    pub fn initial_seed(&self) -> u64 {
        self.0.lock().seed
    }
    /// A fresh non-deterministic seed (`torch.seed()`).
    pub fn seed(&self) -> u64 {
        let s = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
            ^ (std::process::id() as u64).rotate_left(32);
        self.manual_seed(s);
        s
    }
    /// PyTorch's CPU generator state (`torch.get_rng_state()`), byte for byte, so a state
    /// saved by one library restores in the other; see NOTE [ RNG state layout ].
    pub fn get_state(&self) -> Vec<u8> {
        let s = self.0.lock();
        let mut out = vec![0u8; STATE_BYTES];
        let put = |out: &mut [u8], at: usize, b: &[u8]| out[at..at + b.len()].copy_from_slice(b);
        // `index` words of the current block are used; torch counts the draws left plus one.
        let left = (N - s.mt.index + 1) as i32;
        let next = if s.mt.fresh { 0 } else { s.mt.index as u64 };
        put(&mut out, 0, &s.seed.to_le_bytes());
        put(&mut out, 8, &left.to_le_bytes());
        put(&mut out, 12, &1i32.to_le_bytes()); // seeded
        put(&mut out, 16, &next.to_le_bytes());
        for (i, w) in s.mt.state.iter().enumerate() {
            put(&mut out, 24 + 8 * i, &u64::from(*w).to_le_bytes());
        }
        if let Some(v) = s.next_normal {
            put(&mut out, NORMAL_Y, &v.to_le_bytes());
            put(&mut out, NORMAL_VALID, &1i32.to_le_bytes());
        }
        if let Some(v) = s.next_float_normal {
            put(&mut out, FLOAT_NORMAL, &v.to_le_bytes());
            out[FLOAT_NORMAL + 4] = 1;
        }
        out
    }

    /// Restores a state from `get_state` or from torch.
    pub fn set_state(&self, bytes: &[u8]) -> crate::Result<()> {
        crate::ensure!(
            bytes.len() == STATE_BYTES,
            runtime,
            "Expected a CPUGeneratorImplState of size {STATE_BYTES} but found the input RNG state size to be {}",
            bytes.len()
        );
        let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
        let int = |at: usize| i32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        let (left, next) = (int(8), word(16));
        crate::ensure!(
            (1..=N as i32).contains(&left) && next <= N as u64,
            runtime,
            "set_rng_state: corrupt state (left {left}, next {next})"
        );
        let mut s = self.0.lock();
        s.seed = word(0);
        for i in 0..N {
            s.mt.state[i] = word(24 + 8 * i) as u32;
        }
        // left == 1: the block is used up (or fresh after seeding) and the next draw twists.
        s.mt.index = if left == 1 { N } else { N + 1 - left as usize };
        s.mt.fresh = left == 1 && next == 0;
        s.next_normal = (int(NORMAL_VALID) != 0)
            .then(|| f64::from_le_bytes(bytes[NORMAL_Y..NORMAL_Y + 8].try_into().unwrap()));
        s.next_float_normal = (bytes[FLOAT_NORMAL + 4] != 0)
            .then(|| f32::from_le_bytes(bytes[FLOAT_NORMAL..FLOAT_NORMAL + 4].try_into().unwrap()));
        Ok(())
    }
}

// NOTE [ RNG state layout ]
// torch serializes its CPU generator as a C struct (little-endian, 8-byte aligned):
//   0 u64 initial seed | 8 i32 left | 12 i32 seeded | 16 u64 next | 24 u64 state[624]
//   (each holding one 32-bit word) | 5016 f64 normal_x | 5024 f64 normal_y (the cached
//   double normal) | 5032 f64 normal_rho | 5040 i32 normal_is_valid | 5048 f32 cached float
//   normal | 5052 bool its validity | padding to 5056.
// torch's mt19937 keeps `left` (draws left in the block, plus one) and `next` (the word
// to read); after k draws from a fresh block left = 625 - k and next = k, which is
// rtorch's `index` = k. Measured against torch 2.13: seed 42, 3 draws -> left 622, next 3.
const STATE_BYTES: usize = 5056;
const NORMAL_Y: usize = 5024;
const NORMAL_VALID: usize = 5040;
const FLOAT_NORMAL: usize = 5048;

static DEFAULT: std::sync::OnceLock<Generator> = std::sync::OnceLock::new();

pub fn default_generator() -> &'static Generator {
    DEFAULT.get_or_init(|| Generator::new(DEFAULT_SEED))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mt19937_reference_value() {
        // The 10000th output of a default-seeded (5489) mt19937 is 4123659995 (C++ std).
        let mut m = Mt19937::new(5489);
        let mut v = 0;
        for _ in 0..10000 {
            v = m.next_u32();
        }
        assert_eq!(v, 4123659995);
    }
}
