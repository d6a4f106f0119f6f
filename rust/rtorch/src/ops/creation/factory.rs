//! Tensor creation: constant fills, ranges and identity (random sampling is in `sampling.rs`).

use crate::dtype::Real;
use crate::layout::MemoryFormat;
use crate::{ensure, with_dtype, DType, Device, Result, Scalar, Tensor};

/// The range check of a fill of `numel` elements (`full`, `fill_`): PyTorch sets a
/// one-element tensor through a shortcut that casts a half value without its range check
/// (NOTE [ Half range checks ]), so `full((1,), 1e5, dtype=float16)` is inf while two
/// elements are the overflow error.
pub fn check_fill_value(value: Scalar, dtype: DType, numel: usize) -> Result<()> {
    if numel == 1 {
        value.check_fits(dtype)
    } else {
        value.check_converts(dtype)
    }
}

/// `full`, and through it `fill_`, `full_like`, `new_full`: a value that does not fit
/// `dtype` is PyTorch's overflow error.
pub fn full(shape: &[usize], value: Scalar, dtype: DType, device: Device) -> Result<Tensor> {
    check_fill_value(value, dtype, shape.iter().product())?;
    let t = Tensor::empty(shape, dtype, device)?;
    fill_raw(&t, value)?;
    Ok(t)
}

/// `full` dense in `format` (`empty(..., memory_format=)`, a `*_like` given a format).
pub fn full_in(
    shape: &[usize],
    format: MemoryFormat,
    value: Scalar,
    dtype: DType,
    device: Device,
) -> Result<Tensor> {
    check_fill_value(value, dtype, shape.iter().product())?;
    // All-zero bits only: -0.0 must be written, calloc would give +0.0.
    let zero = value.to_f64().to_bits() == 0;
    let t = Tensor::empty_in(shape, format, dtype, device, zero)?;
    if !zero {
        fill_raw(&t, value)?;
    }
    Ok(t)
}

/// `full_like` and the other `*_like` factories, on `device`: laid out like `x` with
/// `Preserve` (PyTorch's default; NOTE [ Output layout of elementwise ops ]), else dense
/// in `format`.
pub fn full_like(
    x: &Tensor,
    value: Scalar,
    dtype: DType,
    device: Device,
    format: MemoryFormat,
) -> Result<Tensor> {
    if format != MemoryFormat::Preserve {
        return full_in(x.shape(), format, value, dtype, device);
    }
    check_fill_value(value, dtype, x.numel())?;
    if device != x.device() {
        return full(x.shape(), value, dtype, device);
    }
    if x.is_contiguous() && value.to_f64().to_bits() == 0 {
        return x.new_zeros(x.shape(), dtype); // calloc: pages zeroed lazily
    }
    let t = x.new_elementwise(x.shape(), dtype, &[x.strides()])?;
    fill_raw(&t, value)?;
    Ok(t)
}

/// Writes `value` into every element of `t` (no autograd, no version bump); callers
/// passing a user's number check it with `Scalar::check_fits` first.
pub(crate) fn fill_raw(t: &Tensor, value: Scalar) -> Result<()> {
    crate::backend::fill(crate::backend::FillKernel::Value(value), t)
}

/// An empty Vec with room for `n` elements, or PyTorch's out-of-memory error (a plain
/// `Vec::with_capacity` aborts the process when the allocation fails).
pub(crate) fn try_vec<T>(n: usize) -> Result<Vec<T>> {
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
    x.new_zeros(x.shape(), x.dtype())
}

pub fn ones_like(x: &Tensor) -> Result<Tensor> {
    full(x.shape(), Scalar::Int(1), x.dtype(), x.device())
}

pub fn zeros_like_shape(like: &Tensor, shape: &[usize]) -> Result<Tensor> {
    like.new_zeros(shape, like.dtype())
}

/// Number of elements of `arange(start, end, step)`, with PyTorch's checks (made on the
/// numbers as given, before any conversion to the result dtype).
pub fn arange_len(start: f64, end: f64, step: f64, dtype: DType) -> Result<usize> {
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

pub fn arange(start: f64, end: f64, step: f64, dtype: DType, device: Device) -> Result<Tensor> {
    if dtype == DType::Bool {
        return Err(crate::ops::unsupported("arange_cpu", dtype));
    }
    let n = arange_len(start, end, step, dtype)?;
    let t = Tensor::empty(&[n], dtype, device)?;
    crate::backend::fill(crate::backend::FillKernel::Arange { start, step }, &t)?;
    Ok(t)
}

/// `linspace` with PyTorch's arithmetic, which fills the first half from `start` and the
/// second from `end` (both ends exact): floating types compute the step and each value in
/// their own type (float32/64 with a fused multiply-add; the half types round after every
/// operation, the index included), integer types truncate the ends to the dtype and step
/// in float64. `steps == 1` gives `start`.
pub fn linspace(start: f64, end: f64, steps: i64, dtype: DType, device: Device) -> Result<Tensor> {
    ensure!(steps >= 0, runtime, "number of steps must be non-negative");
    if dtype == DType::Bool {
        return Err(crate::ops::unsupported("linspace_cpu", dtype));
    }
    let (s, e) = (Scalar::Float(start), Scalar::Float(end));
    s.check_converts(dtype)?;
    e.check_converts(dtype)?;
    let n = steps as usize;
    let t = Tensor::empty(&[n], dtype, device)?;
    crate::backend::fill(crate::backend::FillKernel::Linspace { start, end }, &t)?;
    Ok(t)
}

pub fn logspace(
    start: f64,
    end: f64,
    steps: i64,
    base: f64,
    dtype: DType,
    device: Device,
) -> Result<Tensor> {
    if dtype == DType::Bool {
        return Err(crate::ops::unsupported("logspace_cpu", dtype));
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
    given(start).check_converts(dtype)?;
    given(end).check_converts(dtype)?;
    // Integer results take their exponents from the truncated ends, as PyTorch, except
    // with one step: torch fills base ** start from the number as given (10 ** 0.5 -> 3).
    let (start, end) = if dtype.is_integral(false) && steps != 1 {
        (start.trunc(), end.trunc())
    } else {
        (start, end)
    };
    let lin = linspace(start, end, steps, DType::F64, Device::Cpu)?;
    let v: Vec<f64> = lin.to_vec::<f64>()?.iter().map(|&e| base.powf(e)).collect();
    with_dtype!(dtype, T, {
        let vals: Vec<T> = v.iter().map(|&x| T::elem_from_f64(x)).collect();
        crate::backend::to_device(&Tensor::from_slice(&vals, &[v.len()])?, device)
    })
}

pub fn eye(n: usize, m: usize, dtype: DType, device: Device) -> Result<Tensor> {
    let t = Tensor::zeros(&[n, m], dtype, device)?;
    crate::backend::fill(crate::backend::FillKernel::Eye, &t)?;
    Ok(t)
}

/// `empty_strided(size, stride)`: uninitialized elements on a fresh storage just large
/// enough for `strides` over `shape` (one past the farthest element, as PyTorch sizes it),
/// so a permuted or overlapping layout is made without a copy. Not a view: `_base` is None.
pub fn empty_strided(
    shape: &[usize],
    strides: &[isize],
    dtype: DType,
    device: Device,
) -> Result<Tensor> {
    ensure!(
        shape.len() == strides.len(),
        runtime,
        "dimensionality of sizes ({}) must match dimensionality of strides ({})",
        shape.len(),
        strides.len()
    );
    crate::layout::checked_numel(shape, "empty_strided")?;
    let extent = if shape.contains(&0) {
        Some(0)
    } else {
        shape
            .iter()
            .zip(strides)
            .try_fold(1isize, |acc, (&s, &st)| {
                (st >= 0).then_some(())?;
                (s as isize - 1).checked_mul(st)?.checked_add(acc)
            })
            .and_then(|n| (n as usize).checked_mul(dtype.itemsize()))
    };
    let Some(nbytes) = extent.filter(|&n| n <= isize::MAX as usize) else {
        crate::bail!(
            runtime,
            "Storage size calculation overflowed with sizes={:?} and strides={:?}",
            shape,
            strides
        );
    };
    let layout = crate::layout::Layout {
        shape: shape.iter().copied().collect(),
        strides: strides.iter().copied().collect(),
        offset: 0,
    };
    let storage = std::sync::Arc::new(crate::storage::Storage::uninit(nbytes, device)?);
    Ok(Tensor::from_parts(
        storage,
        layout,
        dtype,
        Default::default(),
        None,
    ))
}
