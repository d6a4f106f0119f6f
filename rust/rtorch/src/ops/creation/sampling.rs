//! Random sampling: `uniform_`, `normal_`, `random_`, `bernoulli(_)`, `randperm`, value for
//! value PyTorch's CPU streams from the same seed.
//!
//! NOTE [ Torch's CPU random streams ]
//! PyTorch's CPU kernels draw from one MT19937 serially; a seeded program gives the same
//! numbers only if every kernel draws the same words in the same order and rounds the
//! same way. Measured against torch 2.13 (x86-64, AVX2/AVX-512 builds, 10^5 draws each):
//! - Order: elements are visited in TensorIterator's order, i.e. dims sorted by stride
//!   (memory order for any permuted or sliced layout), not the logical order.
//! - `uniform_`: float/half/bfloat16 take 24 bits of one 32-bit word, float64 53 bits of a
//!   64-bit draw (two words, high first); the value is `fma(x, to - from, from)` in float
//!   (float64 for float64) with `from`/`to` as float, rounded once to the dtype; a result
//!   that rounds to `to` becomes `from`, so the range stays half-open.
//! - `normal_` on a contiguous tensor of >= 16 elements: Box-Muller over blocks of 16
//!   uniforms (u1 = 1 - u[j], u2 = u[j + 8]); float32 and float64 draw all n uniforms first,
//!   half types draw 16 per block (computed in float, then rounded); if n % 16 != 0 the last
//!   16 outputs are recomputed from 16 fresh uniforms. Otherwise (n < 16 or
//!   non-contiguous) one double normal at a time, the second Box-Muller value cached in
//!   the generator. The float32 block (also used by half types) rounds as torch's does on
//!   the same CPU: NOTE [ Torch's float32 Box-Muller ] in `backend/cpu/box_muller.rs`.
//! - `random_()`: `w % (max + 1)` per dtype (64-bit words for int64/float64, 2^digits + 1
//!   for floats, `w & 1` for bool); `random_(from, to)`: `w % (to - from) + from`, with a
//!   64-bit word when the range is >= 2^28 (any dtype).
//! - `bernoulli_(p: float)`: `u < p` with a 53-bit uniform; `bernoulli_(p: Tensor)`: 53 bits
//!   when `p` is float64, else 24 bits compared in float. torch's MKL build takes another
//!   path on Intel CPUs for the scalar form (MKL's MCG31 stream, seeded from one 32-bit
//!   draw); rtorch follows the default path, which torch takes on every other CPU.

use crate::autograd::{is_recording, record_node};
use crate::backend::{self, SampleKernel};
use crate::dtype::Real;
use crate::ops::inplace;
use crate::random::{default_generator, GenState, Generator};
use crate::{dispatch, ensure, DType, Result, Tensor};
use half::{bf16, f16};

pub(crate) fn gen_or_default(g: Option<&Generator>) -> Generator {
    g.cloned().unwrap_or_else(|| default_generator().clone())
}

fn check_float(kernel: &str, dtype: DType) -> Result<()> {
    if !dtype.is_floating_point() {
        return Err(crate::ops::unsupported(kernel, dtype));
    }
    Ok(())
}

/// Largest finite value of a float dtype, as f64.
fn float_max(dtype: DType) -> f64 {
    match dtype {
        DType::F16 => f16::MAX.to_f64(),
        DType::BF16 => bf16::MAX.to_f64(),
        DType::F32 => f32::MAX as f64,
        _ => f64::MAX,
    }
}

/// Significand bits of a float dtype (`std::numeric_limits<T>::digits`).
fn digits(dtype: DType) -> u32 {
    match dtype {
        DType::F16 => 11,
        DType::BF16 => 8,
        DType::F32 => 24,
        _ => 53,
    }
}

/// Runs a sampler as the in-place op `op` on `t`: straight into `t` when no autograd is
/// involved, else through `inplace::apply` (the history becomes `node`, whose gradient is
/// zero) with a buffer laid out like `t`, so the visiting order is the same.
pub(crate) fn sample_into(
    t: &Tensor,
    op: &str,
    node: &str,
    fill: impl FnOnce(&Tensor) -> Result<()>,
) -> Result<()> {
    if inplace::fast_path_ok(t, &[]) {
        inplace::check_writable(t, &[], op)?;
        fill(t)?;
        t.bump_version();
        return Ok(());
    }
    inplace::apply_named(t, &[], op, node, |src| {
        let buf = t.new_elementwise(src.shape(), src.dtype(), &[t.strides()])?;
        fill(&buf)?;
        Ok(buf)
    })
}

fn check_bounds(name: &str, v: f64, dtype: DType) -> Result<()> {
    let max = float_max(dtype);
    ensure!(
        v >= -max && v <= max,
        runtime,
        "{name} is out of bounds for {}",
        dtype.cpp_name()
    );
    Ok(())
}

/// `t.uniform_(from, to)`.
pub fn uniform_(t: &Tensor, from: f64, to: f64, g: Option<&Generator>) -> Result<()> {
    let dtype = t.dtype();
    check_float("check_uniform_bounds", dtype)?;
    ensure!(
        from <= to,
        runtime,
        "uniform_ expects to return a [from, to) range, but found from={from} > to={to}"
    );
    check_bounds("from", from, dtype)?;
    check_bounds("to", to, dtype)?;
    ensure!(
        to - from <= float_max(dtype),
        runtime,
        "uniform_ expects to-from <= std::numeric_limits<{}>::max(), but found to={to} and from={from} which result in to-from to exceed the limit",
        dtype.cpp_name()
    );
    let g = gen_or_default(g);
    sample_into(t, "uniform_", "UniformBackward0", |t| {
        backend::sample(SampleKernel::Uniform { from, to }, t, &mut g.0.lock())
    })
}

/// `t.normal_(mean, std)`.
pub fn normal_(t: &Tensor, mean: f64, std: f64, g: Option<&Generator>) -> Result<()> {
    let dtype = t.dtype();
    check_float("normal_kernel_cpu", dtype)?;
    ensure!(
        std >= 0.0,
        runtime,
        "normal expects std >= 0.0, but found std {std}"
    );
    let g = gen_or_default(g);
    sample_into(t, "normal_", "NormalBackward0", |t| {
        backend::sample(SampleKernel::Normal { mean, std }, t, &mut g.0.lock())
    })
}

/// Largest value of an integer dtype, or 2^digits for a float dtype (torch's `to_inc`
/// when `random_(from)` has no `to`).
fn max_inclusive(dtype: DType) -> i64 {
    match dtype {
        DType::Bool => 1,
        DType::U8 => u8::MAX as i64,
        DType::I8 => i8::MAX as i64,
        DType::I16 => i16::MAX as i64,
        DType::I32 => i32::MAX as i64,
        DType::I64 => i64::MAX,
        d => 1i64 << digits(d),
    }
}

/// Integer range of `dtype` for `random_`'s bounds checks.
fn check_random_bounds(from: i64, to_inc: i64, dtype: DType) -> Result<()> {
    let (min, max) = if dtype.is_floating_point() {
        (-float_max(dtype), float_max(dtype))
    } else {
        let lo = match dtype {
            DType::Bool | DType::U8 => 0,
            DType::I8 => i8::MIN as i64,
            DType::I16 => i16::MIN as i64,
            DType::I32 => i32::MIN as i64,
            _ => i64::MIN,
        };
        (lo as f64, max_inclusive(dtype) as f64)
    };
    let name = dtype.cpp_name();
    ensure!(
        from as f64 >= min && from as f64 <= max,
        runtime,
        "from is out of bounds for {name}"
    );
    ensure!(
        to_inc as f64 >= min && to_inc as f64 <= max,
        runtime,
        "to - 1 is out of bounds for {name}"
    );
    Ok(())
}

/// torch's `update_from`/`update_to`: a bound that the float dtype cannot hold exactly
/// moves inward to one it can.
fn float_bound(v: i64, dtype: DType, lower: bool) -> i64 {
    let step = if lower { 1 } else { -1 };
    let probe = v.saturating_add(step);
    let cast = dispatch!(
        FLOAT,
        dtype,
        T,
        { T::elem_from_f64(probe as f64).to_f64() },
        unreachable!("float_bound of {dtype:?}")
    );
    // NOTE: an out-of-range float -> int64 cast is undefined in C++; x86 gives INT64_MIN,
    // which is what torch's bounds check then reports.
    let cast = if cast.is_finite() && cast.abs() < 9.2e18 {
        cast as i64
    } else {
        i64::MIN
    };
    let moved = if lower { cast < v } else { cast >= v };
    if !moved {
        return v;
    }
    let n = 63 - (probe.unsigned_abs().max(1)).leading_zeros() as i64;
    let shift = (n - digits(dtype) as i64 + 1).max(0);
    cast.wrapping_add(step * (1i64 << shift))
}

/// `t.random_()`: each dtype's full range.
pub fn random_(t: &Tensor, g: Option<&Generator>) -> Result<()> {
    let dtype = t.dtype();
    let g = gen_or_default(g);
    sample_into(t, "random_", "RandomBackward2", |t| {
        // The 64-bit draws are int64's and float64's, whatever the range.
        let k = SampleKernel::Random {
            from: 0,
            range: max_inclusive(dtype) as u64 + 1,
            wide: matches!(dtype, DType::I64 | DType::F64),
        };
        backend::sample(k, t, &mut g.0.lock())
    })
}

/// `t.random_(from, to)`, and `random_(from, None)` ([from, max]).
pub fn random_from_to_(
    t: &Tensor,
    from: i64,
    to: Option<i64>,
    g: Option<&Generator>,
) -> Result<()> {
    random_range(t, from, to, "RandomBackward0", g)
}

/// `t.random_(to)`: [0, to).
pub fn random_to_(t: &Tensor, to: i64, g: Option<&Generator>) -> Result<()> {
    random_range(t, 0, Some(to), "RandomBackward1", g)
}

fn random_range(
    t: &Tensor,
    from: i64,
    to: Option<i64>,
    node: &str,
    g: Option<&Generator>,
) -> Result<()> {
    let dtype = t.dtype();
    let (from, range) = match to {
        Some(to) => {
            ensure!(
                from < to,
                runtime,
                "random_ expects 'from' to be less than 'to', but got from={from} >= to={to}"
            );
            let (mut from, mut to) = (from, to);
            if dtype.is_floating_point() {
                from = float_bound(from, dtype, true);
                to = float_bound(to, dtype, false);
                ensure!(
                    from < to,
                    runtime,
                    "random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from={from} >= to={to}"
                );
            }
            check_random_bounds(from, to - 1, dtype)?;
            (from, (to as i128 - from as i128) as u64)
        }
        None if from == i64::MIN => {
            if matches!(dtype, DType::F16 | DType::Bool) {
                return Err(crate::ops::unsupported(
                    "random_full_64_bits_range_kernel_cpu",
                    dtype,
                ));
            }
            ensure!(
                matches!(dtype, DType::I64 | DType::F64 | DType::F32 | DType::BF16),
                runtime,
                "random_full_64_bits_range_kernel_cpu handles only int64, double, float and bfloat16"
            );
            let g = gen_or_default(g);
            return sample_into(t, "random_", node, |t| {
                backend::sample(SampleKernel::Random64, t, &mut g.0.lock())
            });
        }
        None => {
            let mut from = from;
            let to_inc = max_inclusive(dtype);
            if dtype.is_floating_point() {
                from = float_bound(from, dtype, true);
                ensure!(
                    from < to_inc,
                    runtime,
                    "random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to dtype, but got from={from} > to_inc={to_inc}"
                );
            }
            check_random_bounds(from, to_inc, dtype)?;
            (from, (to_inc as i128 - from as i128 + 1) as u64)
        }
    };
    if t.numel() == 0 {
        return Ok(());
    }
    // NOTE: torch 2.13 draws 64 bits from a range of 2^28 on, for every dtype (measured).
    let wide = range >= 1 << 28;
    let g = gen_or_default(g);
    sample_into(t, "random_", node, |t| {
        let k = SampleKernel::Random { from, range, wide };
        backend::sample(k, t, &mut g.0.lock())
    })
}

/// `t.bernoulli_(p)` for a number `p`.
pub fn bernoulli_scalar_(t: &Tensor, p: f64, g: Option<&Generator>) -> Result<()> {
    ensure!(
        (0.0..=1.0).contains(&p),
        runtime,
        "bernoulli_ expects p to be in [0, 1], but got p={p}"
    );
    let g = gen_or_default(g);
    sample_into(t, "bernoulli_", "BernoulliBackward2", |t| {
        backend::sample(SampleKernel::Bernoulli(p), t, &mut g.0.lock())
    })
}

/// Probabilities of `p` broadcast to `shape`, in row-major order, checked to lie in [0, 1].
fn probabilities(p: &Tensor, shape: &[usize]) -> Result<Vec<f64>> {
    check_float("bernoulli_tensor_cpu_p_", p.dtype())?;
    let expanded = crate::ops::movement::expand(p, shape)?;
    let probs = expanded.to_vec::<f64>()?;
    ensure!(
        probs.iter().all(|v| (0.0..=1.0).contains(v)),
        runtime,
        "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)"
    );
    Ok(probs)
}

/// Fills `t` from probabilities `probs` (row-major, `t`'s shape); `p_dtype` picks the
/// uniform's precision.
fn bernoulli_fill(t: &Tensor, probs: &[f64], p_dtype: DType, s: &mut GenState) -> Result<()> {
    let double = p_dtype == DType::F64;
    backend::sample(SampleKernel::BernoulliTensor { probs, double }, t, s)
}

/// `t.bernoulli_(p)` for a tensor `p` broadcast to `t`.
pub fn bernoulli_tensor_(t: &Tensor, p: &Tensor, g: Option<&Generator>) -> Result<()> {
    let probs = probabilities(p, t.shape())?;
    let g = gen_or_default(g);
    sample_into(t, "bernoulli_", "BernoulliBackward1", |t| {
        bernoulli_fill(t, &probs, p.dtype(), &mut g.0.lock())?;
        Ok(())
    })
}

/// `bernoulli(p)`: a fresh contiguous tensor of `p`'s shape and dtype.
pub fn bernoulli(p: &Tensor, g: Option<&Generator>) -> Result<Tensor> {
    let probs = probabilities(p, p.shape())?;
    let out = p.new_empty(p.shape(), p.dtype())?;
    bernoulli_fill(&out, &probs, p.dtype(), &mut gen_or_default(g).0.lock())?;
    if is_recording() && p.requires_grad() {
        let meta = crate::autograd::TensorMeta::of(p);
        record_node(
            "BernoulliBackward0".into(),
            &[p],
            &[&out],
            Box::new(move |_, _| Ok(vec![Some(meta.zeros()?)])),
        );
    }
    Ok(out)
}

/// `randperm(n)`: torch's serial Fisher-Yates shuffle.
pub fn randperm(
    n: usize,
    dtype: DType,
    device: crate::Device,
    g: Option<&Generator>,
) -> Result<Tensor> {
    let g = gen_or_default(g);
    let mut s = g.0.lock();
    let mut r = crate::ops::factory::try_vec::<i64>(n)?;
    r.extend(0..n as i64);
    for i in 0..n.saturating_sub(1) {
        let z = if n - i >= 1 << 24 {
            s.random64() % (n - i) as u64
        } else {
            s.random() as u64 % (n - i) as u64
        };
        r.swap(i, i + z as usize);
    }
    drop(s);
    let t = Tensor::from_slice(&r, &[n])?;
    crate::backend::to_device(&crate::ops::cast::to_dtype(&t, dtype)?, device)
}

/// `randn`-style helper for Rust users: a fresh tensor of standard normals.
pub fn randn(
    shape: &[usize],
    dtype: DType,
    device: crate::Device,
    g: Option<&Generator>,
) -> Result<Tensor> {
    let t = Tensor::empty(shape, dtype, device)?;
    normal_(&t, 0.0, 1.0, g)?;
    Ok(t)
}

/// `rand`-style helper for Rust users: a fresh tensor of uniforms in [0, 1).
pub fn rand(
    shape: &[usize],
    dtype: DType,
    device: crate::Device,
    g: Option<&Generator>,
) -> Result<Tensor> {
    let t = Tensor::empty(shape, dtype, device)?;
    uniform_(&t, 0.0, 1.0, g)?;
    Ok(t)
}
