//! The distribution samplers beyond uniform/normal/random/bernoulli: `exponential_`,
//! `geometric_`, `cauchy_`, `log_normal_`, `poisson`, `multinomial` and the tensor
//! overloads of `normal`, each drawing torch's CPU stream for the same seed.
//!
//! NOTE [ Which samplers follow torch's stream ]
//! Bit-identical to torch 2.13 CPU for the same seed and layout (tests/test_random_family.py
//! compares bytes): `exponential_`, `geometric_`, `cauchy_`, `log_normal_` (one double
//! draw per element in TensorIterator's order, rounded once to the dtype), `poisson`
//! (Hörmann's transformed rejection for rates >= 10, a product of uniforms below, in row-
//! major order), `multinomial` with replacement (per row: a cumulative sum in the
//! input's float type normalised by its total, its last entry forced to 1, then a binary
//! search per 53-bit uniform) and without replacement or with one sample (torch's
//! exponential race: `argmax` / top-k of `p / q` with `q ~ Exp(1)` drawn into a tensor laid
//! out like `p`), and `normal(mean, std)` (standard normals scaled and shifted by tensor
//! ops, as torch composes them).
//! Not guaranteed: the order of equal `p / q` keys in multinomial without replacement
//! (categories of probability 0, or half-precision ties): torch's top-k leaves it
//! unspecified, rtorch takes the lower index first. Errors raised part-way through torch's
//! kernels (a negative Poisson rate, an invalid row of a with-replacement multinomial)
//! are raised here before any draw, so the generator is left where it was.

use crate::autograd::{is_recording, record_node, GradMode, TensorMeta};
use crate::backend::{self, SampleKernel};
use crate::ops::sampling::{gen_or_default, sample_into};
use crate::ops::{binary, cast, factory, reduce};
use crate::random::{GenState, Generator};
use crate::{ensure, DType, Result, Scalar, Tensor};

/// A double as C++'s `ostream <<` prints it (6 significant digits, `%g`), which is how
/// torch's argument checks spell numbers.
pub fn cpp_g(v: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "nan".into()
        } else if v > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    if v == 0.0 {
        return if v.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let sci = format!("{v:.5e}");
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if (-4..6).contains(&exp) {
        trim(&format!("{v:.*}", (5 - exp) as usize))
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mant), exp.abs())
    }
}

fn check_continuous(t: &Tensor, what: &str, name: &str) -> Result<()> {
    ensure!(
        t.dtype().is_floating_point(),
        runtime,
        "{what} distribution is a continuous probability distribution. dtype must be a floating point but you specified {name}"
    );
    Ok(())
}

fn draw(
    t: &Tensor,
    op: &str,
    node: &str,
    k: SampleKernel<'_>,
    g: Option<&Generator>,
) -> Result<()> {
    let g = gen_or_default(g);
    sample_into(t, op, node, |t| backend::sample(k, t, &mut g.0.lock()))
}

/// `t.exponential_(lambd)`.
pub fn exponential_(t: &Tensor, lambda: f64, g: Option<&Generator>) -> Result<()> {
    ensure!(
        lambda > 0.0 && lambda.is_finite(),
        runtime,
        "exponential_ expects lambda > 0.0, but found lambda={}",
        cpp_g(lambda)
    );
    check_continuous(t, "Exponential", t.dtype().scalar_name())?;
    let k = SampleKernel::Exponential(lambda);
    draw(t, "exponential_", "ExponentialBackward0", k, g)
}

/// `t.geometric_(p)`: the number of Bernoulli(p) trials up to the first success.
pub fn geometric_(t: &Tensor, p: f64, g: Option<&Generator>) -> Result<()> {
    ensure!(
        p > 0.0 && p < 1.0,
        runtime,
        "geometric_ expects p to be in (0, 1), but got p={}",
        cpp_g(p)
    );
    if t.dtype() == DType::Bool {
        return Err(crate::ops::unsupported("geometric_cpu", t.dtype()));
    }
    draw(
        t,
        "geometric_",
        "GeometricBackward0",
        SampleKernel::Geometric(p),
        g,
    )
}

/// `t.cauchy_(median, sigma)`.
pub fn cauchy_(t: &Tensor, median: f64, sigma: f64, g: Option<&Generator>) -> Result<()> {
    ensure!(
        sigma > 0.0,
        runtime,
        "cauchy_ expects sigma > 0.0, but found sigma={}",
        cpp_g(sigma)
    );
    check_continuous(t, "Cauchy", crate::ops::out::cpp_type_name(t.dtype()))?;
    let k = SampleKernel::Cauchy { median, sigma };
    draw(t, "cauchy_", "CauchyBackward0", k, g)
}

/// `t.log_normal_(mean, std)`: `exp` of normals of `mean` and `std`.
pub fn log_normal_(t: &Tensor, mean: f64, std: f64, g: Option<&Generator>) -> Result<()> {
    ensure!(
        std > 0.0,
        runtime,
        "log_normal_ expects std > 0.0, but found std={}",
        cpp_g(std)
    );
    let k = SampleKernel::LogNormal { mean, std };
    draw(t, "log_normal_", "LogNormalBackward0", k, g)
}

/// Records `name` with a zero gradient for each input that requires one (the samplers'
/// outputs do not depend smoothly on their parameters; torch's formulas are zeros too).
fn record_zero_grad(name: &'static str, inputs: &[&Tensor], out: &Tensor) {
    if !is_recording() || !inputs.iter().any(|t| t.requires_grad()) {
        return;
    }
    let metas: Vec<TensorMeta> = inputs.iter().map(|t| TensorMeta::of(t)).collect();
    record_node(
        name.into(),
        inputs,
        &[out],
        Box::new(move |_, _| metas.iter().map(|m| Ok(Some(m.zeros()?))).collect()),
    );
}

extern "C" {
    // The C library's log-gamma, which torch's Poisson sampler calls too.
    fn lgamma(x: f64) -> f64;
}

/// One Poisson draw of rate `lambda` (>= 0) in torch's order of uniforms.
fn poisson_one(lambda: f64, s: &mut GenState) -> i64 {
    let mut u = || s.uniform(53);
    if lambda >= 10.0 {
        // Hörmann (1993), "The transformed rejection method for generating Poisson random
        // variables" (PTRS), with the paper's constants.
        let slam = lambda.sqrt();
        let loglam = lambda.ln();
        let b = 0.931 + 2.53 * slam;
        let a = -0.059 + 0.02483 * b;
        let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
        let vr = 0.9277 - 3.6224 / (b - 2.0);
        loop {
            let uu = u() - 0.5;
            let v = u();
            let us = 0.5 - uu.abs();
            let k = ((2.0 * a / us + b) * uu + lambda + 0.43).floor() as i64;
            if us >= 0.07 && v <= vr {
                return k;
            }
            if k < 0 || (us < 0.013 && v > us) {
                continue;
            }
            // SAFETY: lgamma is a pure C library function of a double.
            let lg = unsafe { lgamma(k as f64 + 1.0) };
            if v.ln() + inv_alpha.ln() - (a / (us * us) + b).ln()
                <= -lambda + k as f64 * loglam - lg
            {
                return k;
            }
        }
    } else if lambda == 0.0 {
        0
    } else {
        // Multiply uniforms until the product drops to exp(-lambda).
        let limit = (-lambda).exp();
        let (mut k, mut prod) = (0, 1.0);
        loop {
            prod *= u();
            if prod > limit {
                k += 1;
            } else {
                return k;
            }
        }
    }
}

/// `poisson(rates)`: a tensor of rates' shape and dtype.
pub fn poisson(rates: &Tensor, g: Option<&Generator>) -> Result<Tensor> {
    let dtype = rates.dtype();
    if !dtype.is_floating_point() {
        return Err(crate::ops::unsupported("poisson_cpu", dtype));
    }
    let lambdas = rates.to_vec::<f64>()?;
    ensure!(
        lambdas.iter().all(|&l| l >= 0.0),
        runtime,
        "invalid Poisson rate, expected rate to be non-negative"
    );
    let g = gen_or_default(g);
    let draws: Vec<f64> = {
        let mut s = g.0.lock();
        lambdas
            .iter()
            .map(|&l| poisson_one(l, &mut s) as f64)
            .collect()
    };
    let out = Tensor::from_slice(&draws, rates.shape())?;
    let out = crate::backend::to_device(&cast::to_dtype(&out, dtype)?, rates.device())?;
    record_zero_grad("PoissonBackward0", &[rates], &out);
    Ok(out)
}

/// `multinomial(probs, num_samples, replacement)`: int64 category indices per row.
pub fn multinomial(
    probs: &Tensor,
    n: i64,
    replacement: bool,
    g: Option<&Generator>,
) -> Result<Tensor> {
    let dtype = probs.dtype();
    ensure!(
        probs.ndim() == 1 || probs.ndim() == 2,
        runtime,
        "prob_dist must be 1 or 2 dim"
    );
    ensure!(
        dtype.is_floating_point(),
        runtime,
        "multinomial only supports floating-point dtypes for input, got: {}",
        dtype.scalar_name()
    );
    ensure!(n > 0, runtime, "cannot sample n_sample <= 0 samples");
    let cats = *probs.shape().last().unwrap_or(&0);
    ensure!(
        replacement || n as usize <= cats,
        runtime,
        "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
    );
    ensure!(
        cats <= 1 << 24,
        runtime,
        "number of categories cannot exceed 2^24"
    );
    let n = n as usize;
    let rows = if probs.ndim() == 2 {
        probs.shape()[0]
    } else {
        1
    };
    let out_shape: Vec<usize> = if probs.ndim() == 2 {
        vec![rows, n]
    } else {
        vec![n]
    };
    if rows * n == 0 {
        return Tensor::zeros(&out_shape, DType::I64, probs.device());
    }
    let g = gen_or_default(g);
    let idx = if !replacement || n == 1 {
        race(probs, rows, cats, n, &g)?
    } else {
        with_replacement(probs, rows, cats, n, &g)?
    };
    let out = Tensor::from_slice(&idx, &out_shape)?;
    crate::backend::to_device(&out, probs.device())
}

/// Without replacement: the `n` largest keys `p / q` per row, `q ~ Exp(1)` (the
/// exponential race; the first to finish is a draw from `p`, the next from the rest).
fn race(probs: &Tensor, rows: usize, cats: usize, n: usize, g: &Generator) -> Result<Vec<i64>> {
    let _no_grad = GradMode::set(false);
    let p = probs.to_vec::<f64>()?;
    ensure!(
        p.iter().all(|v| (0.0..f64::INFINITY).contains(v)),
        runtime,
        "probability tensor contains either `inf`, `nan` or element < 0"
    );
    // torch's test is an exact zero sum in the input's dtype.
    let dims: &[i64] = if probs.ndim() == 1 { &[0] } else { &[1] };
    let sums = reduce::sum(probs, Some(dims), false, None)?;
    ensure!(
        sums.to_vec::<f64>()?.iter().all(|&s| s != 0.0),
        runtime,
        "invalid multinomial distribution (sum of probabilities <= 0)"
    );
    let q = probs.new_elementwise(probs.shape(), probs.dtype(), &[probs.strides()])?;
    exponential_(&q, 1.0, Some(g))?;
    let keys = binary::div(probs, &q)?.to_vec::<f64>()?;
    let mut out = Vec::with_capacity(rows * n);
    let mut order: Vec<usize> = Vec::with_capacity(cats);
    for r in 0..rows {
        let row = &keys[r * cats..(r + 1) * cats];
        order.clear();
        order.extend(0..cats);
        // Largest first, lower index first among equals (NaN, from 0 / 0, sorts last).
        order.sort_by(|&a, &b| {
            let (x, y) = (row[a], row[b]);
            y.partial_cmp(&x)
                .unwrap_or_else(|| x.is_nan().cmp(&y.is_nan()))
                .then(a.cmp(&b))
        });
        out.extend(order[..n].iter().map(|&i| i as i64));
    }
    Ok(out)
}

/// With replacement: per row, a binary search of a 53-bit uniform in the normalised
/// cumulative sum, computed in the input's precision (float for half types).
fn with_replacement(
    probs: &Tensor,
    rows: usize,
    cats: usize,
    n: usize,
    g: &Generator,
) -> Result<Vec<i64>> {
    let p = probs.to_vec::<f64>()?;
    let double = probs.dtype() == DType::F64;
    let mut cums = Vec::with_capacity(rows);
    for r in 0..rows {
        let row = &p[r * cats..(r + 1) * cats];
        // The row checks in torch's order, before any draw.
        for &v in row {
            ensure!(
                v >= 0.0,
                runtime,
                "invalid multinomial distribution (encountering probability entry < 0)"
            );
            ensure!(
                v.is_finite(),
                runtime,
                "invalid multinomial distribution (encountering probability entry = infinity or NaN)"
            );
        }
        // The total in the input's precision (float for half types), as torch sums it.
        let total = if double {
            row.iter().sum::<f64>()
        } else {
            row.iter().fold(0f32, |a, &v| a + v as f32) as f64
        };
        ensure!(
            total > 0.0,
            runtime,
            "invalid multinomial distribution (sum of probabilities <= 0)"
        );
        let cum = if double {
            cumulative(row.iter().copied())
        } else {
            cumulative(row.iter().map(|&v| v as f32))
                .into_iter()
                .map(f64::from)
                .collect()
        };
        cums.push(cum);
    }
    let mut s = g.0.lock();
    let mut out = Vec::with_capacity(rows * n);
    for cum in &cums {
        for _ in 0..n {
            let u = s.uniform(53);
            out.push(cum.partition_point(|&c| c < u) as i64);
        }
    }
    Ok(out)
}

/// Running sums divided by the total (positive), the last forced to 1.
fn cumulative<F: num_like::Acc>(row: impl Iterator<Item = F>) -> Vec<F> {
    let mut sum = F::ZERO;
    let mut cum: Vec<F> = row
        .map(|v| {
            sum = sum + v;
            sum
        })
        .collect();
    for c in &mut cum {
        *c = *c / sum;
    }
    if let Some(last) = cum.last_mut() {
        *last = F::ONE;
    }
    cum
}

mod num_like {
    /// The two accumulation types of multinomial's cumulative sum.
    pub trait Acc: Copy + std::ops::Add<Output = Self> + std::ops::Div<Output = Self> {
        const ZERO: Self;
        const ONE: Self;
    }
    impl Acc for f32 {
        const ZERO: Self = 0.0;
        const ONE: Self = 1.0;
    }
    impl Acc for f64 {
        const ZERO: Self = 0.0;
        const ONE: Self = 1.0;
    }
}

/// Standard normals of `shape` in `dtype` (torch's first step of every tensor overload).
fn standard_normals(
    shape: &[usize],
    dtype: DType,
    like: &Tensor,
    g: Option<&Generator>,
) -> Result<Tensor> {
    let out = Tensor::empty(shape, dtype, like.device())?;
    crate::ops::sampling::normal_(&out, 0.0, 1.0, g)?;
    Ok(out)
}

fn check_std_tensor(std: &Tensor) -> Result<()> {
    let ok = std.numel() == 0
        || reduce::max_min_all(std, reduce::Extremum::Min)?.to_vec::<f64>()?[0] >= 0.0;
    ensure!(ok, runtime, "normal expects all elements of std >= 0.0");
    Ok(())
}

/// `normal(mean: Tensor, std: float)`: normals of `std` plus `mean`, in `mean`'s dtype.
pub fn normal_tensor_float(mean: &Tensor, std: f64, g: Option<&Generator>) -> Result<Tensor> {
    ensure!(
        std >= 0.0,
        runtime,
        "normal expects std >= 0.0, but found std {}",
        cpp_g(std)
    );
    let out = {
        let _no_grad = GradMode::set(false);
        let out = Tensor::empty(mean.shape(), mean.dtype(), mean.device())?;
        crate::ops::sampling::normal_(&out, 0.0, std, g)?;
        cast::to_dtype(&binary::add(&out, mean)?, mean.dtype())?
    };
    record_zero_grad("NormalBackward1", &[mean], &out);
    Ok(out)
}

/// `normal(mean: float, std: Tensor)`: standard normals times `std` plus `mean` (rounded
/// to the output's dtype first, as torch's 0-dim `mean` tensor is).
pub fn normal_float_tensor(mean: f64, std: &Tensor, g: Option<&Generator>) -> Result<Tensor> {
    check_std_tensor(std)?;
    let dtype = std.dtype();
    let out = {
        let _no_grad = GradMode::set(false);
        let z = standard_normals(std.shape(), dtype, std, g)?;
        let scaled = cast::to_dtype(&binary::mul(&z, std)?, dtype)?;
        let m = factory::full(&[], Scalar::Float(mean), dtype, std.device())?;
        cast::to_dtype(&binary::add(&scaled, &m)?, dtype)?
    };
    record_zero_grad("NormalBackward2", &[std], &out);
    Ok(out)
}

/// `normal(mean: Tensor, std: Tensor)`: broadcast together, in `mean`'s dtype.
pub fn normal_tensor_tensor(mean: &Tensor, std: &Tensor, g: Option<&Generator>) -> Result<Tensor> {
    check_std_tensor(std)?;
    let shape = crate::layout::broadcast_shapes(mean.shape(), std.shape())?;
    let dtype = mean.dtype();
    let out = {
        let _no_grad = GradMode::set(false);
        let z = standard_normals(&shape, dtype, mean, g)?;
        let scaled = cast::to_dtype(&binary::mul(&z, std)?, dtype)?;
        cast::to_dtype(&binary::add(&scaled, mean)?, dtype)?
    };
    record_zero_grad("NormalBackward3", &[mean, std], &out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::cpp_g;

    #[test]
    fn cpp_g_formats_like_ostream() {
        for (v, s) in [
            (-1.0, "-1"),
            (0.5, "0.5"),
            (1.123456789, "1.12346"),
            (1e-5, "1e-05"),
            (123456789.0, "1.23457e+08"),
            (100000.0, "100000"),
            (0.0001, "0.0001"),
        ] {
            assert_eq!(cpp_g(v), s);
        }
    }
}
