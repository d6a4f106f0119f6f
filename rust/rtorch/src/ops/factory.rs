//! Tensor creation: constant fills, ranges, identity, and random sampling.

use super::iter::{map1, SendPtr};
use crate::random::{default_generator, Generator};
use crate::{bail, ensure, with_dtype, DType, Element, Result, Scalar, Tensor};

/// `full`, and through it `fill_`, `full_like`, `new_full`: a value that does not fit
/// `dtype` is PyTorch's overflow error.
pub fn full(shape: &[usize], value: Scalar, dtype: DType) -> Result<Tensor> {
    value.check_fits(dtype)?;
    let t = Tensor::try_uninit(shape, dtype)?;
    fill_raw(&t, value);
    Ok(t)
}

/// `full_like` and the other `*_like` factories: laid out like `x` (PyTorch's default
/// `preserve_format`; NOTE [ Output layout of elementwise ops ]).
pub fn full_like(x: &Tensor, value: Scalar, dtype: DType) -> Result<Tensor> {
    value.check_fits(dtype)?;
    if x.is_contiguous() && value.to_f64() == 0.0 {
        return Tensor::try_zeros(x.shape(), dtype); // calloc: pages zeroed lazily
    }
    let t = Tensor::try_uninit_like(x.shape(), dtype, &[x.strides()])?;
    fill_raw(&t, value);
    Ok(t)
}

/// Writes `value` into every element of `t` (no autograd, no version bump); callers
/// passing a user's number check it with `Scalar::check_fits` first.
pub(crate) fn fill_raw(t: &Tensor, value: Scalar) {
    let shape = t.dims();
    with_dtype!(t.dtype(), T, {
        let v: T = value.cast();
        let p = t.data_ptr::<T>();
        // SAFETY: `t` is a valid view; the source operand is a stride-0 read of `v`.
        unsafe {
            map1::<T, T>(
                &shape,
                (SendPtr(p), t.strides()),
                (SendPtr(&v as *const T as *mut T), &vec![0; shape.len()]),
                1,
                |x| x,
            )
        }
    });
}

/// An empty Vec with room for `n` elements, or PyTorch's out-of-memory error (a plain
/// `Vec::with_capacity` aborts the process when the allocation fails).
fn try_vec<T>(n: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| {
        crate::Error::runtime(format!(
            "DefaultCPUAllocator: not enough memory: you tried to allocate {} bytes.",
            n.saturating_mul(std::mem::size_of::<T>())
        ))
    })?;
    Ok(v)
}

pub fn zeros_like(x: &Tensor) -> Result<Tensor> {
    Tensor::try_zeros(x.shape(), x.dtype())
}

pub fn ones_like(x: &Tensor) -> Result<Tensor> {
    full(x.shape(), Scalar::Int(1), x.dtype())
}

pub fn zeros_like_shape(like: &Tensor, shape: &[usize]) -> Result<Tensor> {
    Tensor::try_zeros(shape, like.dtype())
}

/// Number of elements of `arange(start, end, step)`, with PyTorch's checks (made on the
/// numbers as given, before any conversion to the result dtype).
fn arange_len(start: f64, end: f64, step: f64, dtype: DType) -> Result<usize> {
    ensure!(step != 0.0, runtime, "step must be nonzero");
    ensure!(
        start.is_finite() && end.is_finite(),
        runtime,
        "unsupported range: {start} -> {end}"
    );
    ensure!(
        (step > 0.0 && end >= start) || (step < 0.0 && end <= start),
        runtime,
        "upper bound and lower bound inconsistent with step sign"
    );
    if dtype == DType::I64 {
        // int64 counts in integers after truncating all three numbers, so a fractional
        // start or end can drop an element (arange(2.3, 8.8) has 6, not 7).
        let (s, e, st) = (start as i64, end as i64, step as i64);
        ensure!(st != 0, value, "step must be nonzero");
        let n = (e as i128 - s as i128 + st as i128 - st.signum() as i128) / st as i128;
        return Ok(n.max(0) as usize);
    }
    Ok(((end - start) / step).ceil().max(0.0) as usize)
}

pub fn arange(start: f64, end: f64, step: f64, dtype: DType) -> Result<Tensor> {
    if dtype == DType::Bool {
        return Err(super::unsupported("arange_cpu", dtype));
    }
    let n = arange_len(start, end, step, dtype)?;
    let t = Tensor::try_uninit(&[n], dtype)?;
    with_dtype!(dtype, T, {
        let p = t.data_ptr::<T>();
        // Integers step in int64 from the truncated start by the truncated step (wrapping
        // into narrower types); half types in float32; float32/64 in float64.
        let (si, sti) = (start as i64, step as i64);
        let (sf, stf) = (start as f32, step as f32);
        for i in 0..n {
            let v = match dtype {
                d if d.is_integral(false) => {
                    T::from_i64(si.wrapping_add((i as i64).wrapping_mul(sti)))
                }
                DType::F16 | DType::BF16 => T::from_f64((sf + i as f32 * stf) as f64),
                _ => T::from_f64(start + i as f64 * step),
            };
            // SAFETY: i < n.
            unsafe { *p.add(i) = v };
        }
    });
    Ok(t)
}

/// `linspace` with PyTorch's arithmetic, which fills the first half from `start` and the
/// second from `end` (both ends exact): floating types compute the step and each value in
/// their own type (float32/64 with a fused multiply-add; the half types round after every
/// operation, the index included), integer types truncate the ends to the dtype and step
/// in float64. `steps == 1` gives `start`.
pub fn linspace(start: f64, end: f64, steps: i64, dtype: DType) -> Result<Tensor> {
    ensure!(steps >= 0, runtime, "number of steps must be non-negative");
    if dtype == DType::Bool {
        return Err(super::unsupported("linspace_cpu", dtype));
    }
    let (s, e) = (Scalar::Float(start), Scalar::Float(end));
    s.check_fits(dtype)?;
    e.check_fits(dtype)?;
    let n = steps as usize;
    let t = Tensor::try_uninit(&[n], dtype)?;
    // A single step is `start` (an empty first half would make it `end`).
    let half = if n == 1 { 1 } else { n / 2 };
    // Index of value i counted from the end it is filled from, and the sign of the step.
    let from_end = |i: usize| {
        if i < half {
            (i as f64, 1.0)
        } else {
            ((n - 1 - i) as f64, -1.0)
        }
    };
    with_dtype!(dtype, T, {
        let p = t.data_ptr::<T>();
        let put = |i: usize, v: T| unsafe {
            // SAFETY: i < n.
            *p.add(i) = v
        };
        match dtype {
            DType::F32 => {
                let (a, b) = (start as f32, end as f32);
                let step = if n > 1 { (b - a) / (n - 1) as f32 } else { 0.0 };
                for i in 0..n {
                    let (k, sgn) = from_end(i);
                    let base = if sgn > 0.0 { a } else { b };
                    put(
                        i,
                        T::from_f64((sgn as f32 * step).mul_add(k as f32, base) as f64),
                    );
                }
            }
            DType::F16 | DType::BF16 => {
                let r = |v: f32| T::from_f64(v as f64).to_f64() as f32;
                let (a, b) = (r(start as f32), r(end as f32));
                let step = if n > 1 {
                    r(r(b - a) / r((n - 1) as f32))
                } else {
                    0.0
                };
                for i in 0..n {
                    let (k, sgn) = from_end(i);
                    let d = r(step * r(k as f32));
                    put(i, T::from_f64(if sgn > 0.0 { a + d } else { b - d } as f64));
                }
            }
            d if d.is_integral(false) => {
                let (a, b) = (s.cast::<T>().to_i64() as f64, e.cast::<T>().to_i64() as f64);
                let step = if n > 1 { (b - a) / (n - 1) as f64 } else { 0.0 };
                for i in 0..n {
                    let (k, sgn) = from_end(i);
                    let base = if sgn > 0.0 { a } else { b };
                    put(i, T::from_f64((sgn * step).mul_add(k, base)));
                }
            }
            _ => {
                let step = if n > 1 {
                    (end - start) / (n - 1) as f64
                } else {
                    0.0
                };
                for i in 0..n {
                    let (k, sgn) = from_end(i);
                    let base = if sgn > 0.0 { start } else { end };
                    put(i, T::from_f64((sgn * step).mul_add(k, base)));
                }
            }
        }
    });
    Ok(t)
}

pub fn logspace(start: f64, end: f64, steps: i64, base: f64, dtype: DType) -> Result<Tensor> {
    if dtype == DType::Bool {
        return Err(super::unsupported("logspace_cpu", dtype));
    }
    // PyTorch range-checks the ends as given; a whole number arrives here as f64 but was
    // an int (`logspace(-2, 100, 1, dtype=uint8)` is fine: int -2 wraps into uint8).
    let given = |v: f64| {
        if v.fract() == 0.0 && v.abs() < 9.0e18 {
            Scalar::Int(v as i64)
        } else {
            Scalar::Float(v)
        }
    };
    given(start).check_fits(dtype)?;
    given(end).check_fits(dtype)?;
    // Integer results take their exponents from the truncated ends, as PyTorch.
    let (start, end) = if dtype.is_integral(false) {
        (start.trunc(), end.trunc())
    } else {
        (start, end)
    };
    let lin = linspace(start, end, steps, DType::F64)?;
    let v: Vec<f64> = lin.to_vec::<f64>()?.iter().map(|&e| base.powf(e)).collect();
    with_dtype!(dtype, T, {
        let vals: Vec<T> = v.iter().map(|&x| T::from_f64(x)).collect();
        Tensor::from_slice(&vals, &[v.len()])
    })
}

pub fn eye(n: usize, m: usize, dtype: DType) -> Result<Tensor> {
    let t = Tensor::try_zeros(&[n, m], dtype)?;
    with_dtype!(dtype, T, {
        let p = t.data_ptr::<T>();
        for i in 0..n.min(m) {
            // SAFETY: i*m + i < n*m.
            unsafe { *p.add(i * m + i) = T::from_i64(1) };
        }
    });
    Ok(t)
}

fn gen_or_default(g: Option<&Generator>) -> Generator {
    g.cloned().unwrap_or_else(|| default_generator().clone())
}

fn mantissa_digits(dtype: DType) -> u32 {
    match dtype {
        DType::F16 => 11,
        DType::BF16 => 8,
        DType::F32 => 24,
        _ => 53,
    }
}

fn check_float(op: &str, dtype: DType) -> Result<()> {
    if !dtype.is_floating_point() {
        bail!(
            runtime,
            "\"{op}\" not implemented for '{}'",
            dtype.scalar_name()
        );
    }
    Ok(())
}

/// Fills contiguous `t` in order from `f` (PyTorch's serial CPU kernels).
fn fill_serial(t: &Tensor, mut f: impl FnMut() -> f64) {
    with_dtype!(t.dtype(), T, {
        let p = t.data_ptr::<T>();
        for i in 0..t.numel() {
            // SAFETY: contiguous, i < numel.
            unsafe { *p.add(i) = T::from_f64(f()) };
        }
    });
}

/// `uniform_(from, to)` into contiguous `t` (no autograd).
pub fn uniform_raw(t: &Tensor, from: f64, to: f64, g: Option<&Generator>) -> Result<()> {
    check_float("check_uniform_bounds", t.dtype())?;
    crate::ensure!(
        from <= to,
        runtime,
        "uniform_ expects to return a [from, to) range, but found from={from} > to={to}"
    );
    let g = gen_or_default(g);
    let mut s = g.0.lock();
    let digits = mantissa_digits(t.dtype());
    let (from_t, to_t) = (round_to(from, t.dtype()), round_to(to, t.dtype()));
    fill_serial(t, || s.uniform(digits) * (to_t - from_t) + from_t);
    Ok(())
}

fn round_to(v: f64, dtype: DType) -> f64 {
    with_dtype!(dtype, T, { T::from_f64(v).to_f64() })
}

/// `normal_(mean, std)` into contiguous `t`, with PyTorch's two code paths (16-blocks of
/// Box–Muller over pre-drawn uniforms for n >= 16, scalar sampling otherwise).
pub fn normal_raw(t: &Tensor, mean: f64, std: f64, g: Option<&Generator>) -> Result<()> {
    check_float("normal_kernel_cpu", t.dtype())?;
    ensure!(
        std >= 0.0,
        runtime,
        "normal expects std >= 0.0, but found std {std}"
    );
    let g = gen_or_default(g);
    let mut s = g.0.lock();
    let n = t.numel();
    if n >= 16 {
        let digits = mantissa_digits(t.dtype());
        let single = t.dtype() != DType::F64;
        let mut data: Vec<f64> = (0..n).map(|_| s.uniform(digits)).collect();
        let fill16 = |d: &mut [f64]| {
            for j in 0..8 {
                let (u1, u2) = (1.0 - d[j], d[j + 8]);
                if single {
                    let (u1, u2) = (u1 as f32, u2 as f32);
                    let r = (-2.0f32 * u1.ln()).sqrt();
                    let th = 2.0f32 * std::f32::consts::PI * u2;
                    d[j] = (r * th.cos() * std as f32 + mean as f32) as f64;
                    d[j + 8] = (r * th.sin() * std as f32 + mean as f32) as f64;
                } else {
                    let r = (-2.0 * u1.ln()).sqrt();
                    let th = 2.0 * std::f64::consts::PI * u2;
                    d[j] = r * th.cos() * std + mean;
                    d[j + 8] = r * th.sin() * std + mean;
                }
            }
        };
        let mut i = 0;
        while i + 16 <= n {
            fill16(&mut data[i..i + 16]);
            i += 16;
        }
        if n % 16 != 0 {
            // PyTorch redraws and recomputes the last 16 values.
            let tail = &mut data[n - 16..];
            for v in tail.iter_mut() {
                *v = s.uniform(digits);
            }
            fill16(tail);
        }
        let mut it = data.into_iter();
        fill_serial(t, || it.next().unwrap());
    } else {
        fill_serial(t, || s.normal_f64() * std + mean);
    }
    Ok(())
}

/// Integers uniform in [low, high) (`randint`, `random_`).
pub fn randint_raw(t: &Tensor, low: i64, high: i64, g: Option<&Generator>) -> Result<()> {
    ensure!(
        high > low,
        runtime,
        "random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
    );
    let range = (high as i128 - low as i128) as u64;
    let g = gen_or_default(g);
    let mut s = g.0.lock();
    let wide = range >= 1 << 32;
    with_dtype!(t.dtype(), T, {
        let p = t.data_ptr::<T>();
        for i in 0..t.numel() {
            let v = if wide {
                s.random64()
            } else {
                s.random() as u64
            };
            let r = ((v % range) as i128 + low as i128) as i64;
            // SAFETY: contiguous, i < numel.
            unsafe { *p.add(i) = T::from_i64(r) };
        }
    });
    Ok(())
}

pub fn randperm(n: usize, dtype: DType, g: Option<&Generator>) -> Result<Tensor> {
    let g = gen_or_default(g);
    let mut s = g.0.lock();
    let mut r = try_vec::<i64>(n)?;
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
    super::cast::to_dtype(&t, dtype)
}

/// `bernoulli(p)`: 1 with probability p per element.
pub fn bernoulli(p: &Tensor, g: Option<&Generator>) -> Result<Tensor> {
    check_float("bernoulli_tensor_cpu_p_", p.dtype())?;
    let probs = p.to_vec::<f64>()?;
    ensure!(
        probs.iter().all(|&v| (0.0..=1.0).contains(&v)),
        runtime,
        "Expected p_in >= 0 && p_in <= 1 to be true, but got false."
    );
    let g = gen_or_default(g);
    let mut s = g.0.lock();
    let out = Tensor::try_uninit(p.shape(), p.dtype())?;
    let mut it = probs.into_iter();
    fill_serial(&out, || {
        if s.uniform(24) < it.next().unwrap() {
            1.0
        } else {
            0.0
        }
    });
    Ok(out)
}
