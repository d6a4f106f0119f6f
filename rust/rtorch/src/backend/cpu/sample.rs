//! The CPU samplers: `uniform_`, `normal_`, `random_` and `bernoulli_` from the CPU
//! generator, value for value PyTorch's CPU streams (NOTE [ Torch's CPU random streams ]
//! in `ops/creation/sampling.rs`, which checks the arguments and picks the generator).

use crate::backend::SampleKernel;
use crate::dtype::Real;
use crate::random::GenState;
use crate::{dispatch, with_dtype, DType, Element, Result, Tensor};

/// Fills `t` with `k`'s draws from `s`; see `backend::sample`.
pub fn run(k: SampleKernel<'_>, t: &Tensor, s: &mut GenState) -> Result<()> {
    match k {
        SampleKernel::Uniform { from, to } => uniform(t, from, to, s),
        SampleKernel::Normal { mean, std } => normal(t, mean, std, s),
        SampleKernel::Random { from, range, wide } => with_dtype!(t.dtype(), T, {
            fill_in_order::<T>(t, |_| {
                let w = if wide {
                    s.random64()
                } else {
                    s.random() as u64
                };
                T::from_i64((w % range).wrapping_add(from as u64) as i64)
            })
        }),
        SampleKernel::Random64 => with_dtype!(t.dtype(), T, {
            fill_in_order::<T>(t, |_| T::from_i64(s.random64() as i64))
        }),
        SampleKernel::Bernoulli(p) => with_dtype!(t.dtype(), T, {
            fill_in_order::<T>(t, |_| T::from_bool(uniform53(s) < p))
        }),
        SampleKernel::BernoulliTensor { probs, double } => with_dtype!(t.dtype(), T, {
            if double {
                fill_in_order::<T>(t, |i| T::from_bool(uniform53(s) < probs[i]))
            } else {
                fill_in_order::<T>(t, |i| T::from_bool(uniform24(s) < probs[i] as f32))
            }
        }),
        // torch draws these in double and casts once (`static_cast<scalar_t>`).
        SampleKernel::Exponential(lambda) => {
            let scale = -1.0 / lambda;
            double_draws(t, "exponential_cpu", || scale * (-uniform53(s)).ln_1p())
        }
        SampleKernel::Cauchy { median, sigma } => double_draws(t, "cauchy_cpu", || {
            median + sigma * (std::f64::consts::PI * (uniform53(s) - 0.5)).tan()
        }),
        SampleKernel::LogNormal { mean, std } => double_draws(t, "log_normal_cpu", || {
            s.normal_f64().mul_add(std, mean).exp()
        }),
        SampleKernel::Geometric(p) => {
            let denom = (-p).ln_1p();
            dispatch!(
                INTEGRAL | FLOAT,
                t.dtype(),
                T,
                {
                    fill_in_order::<T>(t, |_| {
                        let k = (uniform53(s).ln() / denom).ceil();
                        // Integers: C++'s double -> int conversion keeps the low bits.
                        if T::DTYPE.is_floating_point() {
                            T::elem_from_f64(k)
                        } else {
                            T::from_i64(k as i64)
                        }
                    })
                },
                Err(crate::ops::unsupported("geometric_cpu", t.dtype()))
            )
        }
    }
}

/// Fills a float tensor with `draw()`s rounded to its dtype, in torch's visiting order.
fn double_draws(t: &Tensor, kernel: &str, mut draw: impl FnMut() -> f64) -> Result<()> {
    dispatch!(
        FLOAT,
        t.dtype(),
        T,
        { fill_in_order::<T>(t, |_| T::elem_from_f64(draw())) },
        Err(crate::ops::unsupported(kernel, t.dtype()))
    )
}

/// Dims of a tensor, outermost first, in the order TensorIterator visits them: sorted by
/// stride (insertion sort, ties between equal strides broken by size, stride-0 dims left
/// where they are).
fn visit_order(shape: &[usize], strides: &[isize]) -> Vec<usize> {
    let nd = shape.len();
    // perm[0] is the fastest-moving dim.
    let mut perm: Vec<usize> = (0..nd).rev().collect();
    let should_swap = |d0: usize, d1: usize| -> i32 {
        let (s0, s1) = (strides[d0], strides[d1]);
        if s0 == 0 || s1 == 0 {
            0
        } else if s0 < s1 {
            -1
        } else if s0 > s1 || shape[d0] > shape[d1] {
            1
        } else {
            0
        }
    };
    for i in 1..nd {
        let mut d1 = i;
        for d0 in (0..i).rev() {
            match should_swap(perm[d0], perm[d1]) {
                c if c > 0 => {
                    perm.swap(d0, d1);
                    d1 = d0;
                }
                c if c < 0 => break,
                _ => {}
            }
        }
    }
    perm.reverse();
    perm
}

/// Writes `next(logical_index)` into every element of `t` in torch's visiting order.
fn fill_in_order<T: Element>(t: &Tensor, mut next: impl FnMut(usize) -> T) -> Result<()> {
    let n = t.numel();
    let p = t.cpu_ptr::<T>()?;
    if t.is_contiguous() {
        for i in 0..n {
            // SAFETY: contiguous, i < numel.
            unsafe { *p.add(i) = next(i) };
        }
        return Ok(());
    }
    if n == 0 {
        return Ok(());
    }
    let (shape, strides) = (t.shape(), t.strides());
    let order = visit_order(shape, strides);
    let mut logical_strides = vec![0usize; shape.len()];
    let mut acc = 1;
    for d in (0..shape.len()).rev() {
        logical_strides[d] = acc;
        acc *= shape[d];
    }
    let mut idx = vec![0usize; order.len()];
    let (mut off, mut logical) = (0isize, 0usize);
    for _ in 0..n {
        // SAFETY: `off` walks the elements of `t`'s view.
        unsafe { *p.offset(off) = next(logical) };
        for k in (0..order.len()).rev() {
            let d = order[k];
            idx[k] += 1;
            off += strides[d];
            logical += logical_strides[d];
            if idx[k] < shape[d] {
                break;
            }
            off -= strides[d] * shape[d] as isize;
            logical -= logical_strides[d] * shape[d];
            idx[k] = 0;
        }
    }
    Ok(())
}

/// A uniform in [0, 1) from 24 bits of one word (float, half, bfloat16).
fn uniform24(s: &mut GenState) -> f32 {
    (s.random() & ((1 << 24) - 1)) as f32 * (1.0 / (1u32 << 24) as f32)
}

/// A uniform in [0, 1) from 53 bits of a 64-bit draw (float64).
fn uniform53(s: &mut GenState) -> f64 {
    (s.random64() & ((1 << 53) - 1)) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Float32 normals for `data` (uniforms in place) 16-blocks at a time, on the worker team
/// (the draws are sequential, the transform is not).
fn normal_blocks_f32(data: &mut [f32], mean: f32, std: f32) {
    const BLOCKS: usize = 256;
    let n = data.len() / 16 * 16;
    let base = super::iter::SendPtr(data.as_mut_ptr());
    crate::parallel::for_chunks(n.div_ceil(16 * BLOCKS), 16 * BLOCKS * 8, |c0, c1| {
        let (s, e) = (c0 * 16 * BLOCKS, (c1 * 16 * BLOCKS).min(n));
        // SAFETY: chunks [s, e) are disjoint parts of `data`.
        let chunk = unsafe { std::slice::from_raw_parts_mut(base.at(s as isize), e - s) };
        super::box_muller::blocks(chunk, mean, std);
    });
}

fn uniform(t: &Tensor, from: f64, to: f64, s: &mut GenState) -> Result<()> {
    let dtype = t.dtype();
    if (from, to) == (0.0, 1.0) && matches!(dtype, DType::F32 | DType::F64) {
        // `rand`: u * 1 + 0 is u exactly, and it is never 1, so the multiply-add (a
        // libm call where the build has no FMA) and the clamp can go.
        return match dtype {
            DType::F64 => fill_in_order::<f64>(t, |_| uniform53(s)),
            _ => fill_in_order::<f32>(t, |_| uniform24(s)),
        };
    }
    if dtype == DType::F64 {
        fill_in_order::<f64>(t, |_| {
            let y = uniform53(s).mul_add(to - from, from);
            if y == to {
                from
            } else {
                y
            }
        })?;
    } else {
        let (from_f, to_f) = (from as f32, to as f32);
        let width = to_f - from_f;
        dispatch!(
            FLOAT,
            dtype,
            T,
            {
                let (from_t, to_t) = (
                    T::elem_from_f64(from_f as f64),
                    T::elem_from_f64(to_f as f64),
                );
                fill_in_order::<T>(t, |_| {
                    let y = T::elem_from_f64(uniform24(s).mul_add(width, from_f) as f64);
                    if y == to_t {
                        from_t
                    } else {
                        y
                    }
                })?;
            },
            return Err(crate::ops::unsupported("check_uniform_bounds", dtype))
        );
    }
    Ok(())
}

fn normal(t: &Tensor, mean: f64, std: f64, s: &mut GenState) -> Result<()> {
    let dtype = t.dtype();
    let n = t.numel();
    if n < 16 || !t.is_contiguous() {
        dispatch!(
            FLOAT,
            dtype,
            T,
            {
                fill_in_order::<T>(t, |_| T::elem_from_f64(s.normal_f64().mul_add(std, mean)))?;
            },
            return Err(crate::ops::unsupported("normal_kernel_cpu", dtype))
        );
        return Ok(());
    }
    // The last block starts at n - 16 and is drawn afresh when n % 16 != 0.
    let starts = (0..n / 16)
        .map(|b| b * 16)
        .chain((!n.is_multiple_of(16)).then_some(n - 16));
    match dtype {
        DType::F64 => {
            let mut data: Vec<f64> = (0..n).map(|_| uniform53(s)).collect();
            for start in starts {
                if start % 16 != 0 {
                    for v in &mut data[start..] {
                        *v = uniform53(s);
                    }
                }
                let d = &mut data[start..start + 16];
                for j in 0..8 {
                    let radius = (-2.0 * (1.0 - d[j]).ln()).sqrt();
                    let theta = 2.0 * std::f64::consts::PI * d[j + 8];
                    d[j] = (radius * theta.cos()).mul_add(std, mean);
                    d[j + 8] = (radius * theta.sin()).mul_add(std, mean);
                }
            }
            let mut it = data.into_iter();
            fill_in_order::<f64>(t, |_| it.next().unwrap_or(0.0))?;
        }
        DType::F32 => {
            let (mean, std) = (mean as f32, std as f32);
            // SAFETY: `t` is contiguous with n float32 elements (checked above), fresh
            // or owned by the caller for the duration of the fill.
            let data = unsafe { std::slice::from_raw_parts_mut(t.cpu_ptr::<f32>()?, n) };
            data.iter_mut().for_each(|v| *v = uniform24(s));
            normal_blocks_f32(data, mean, std);
            if !n.is_multiple_of(16) {
                // The last block starts at n - 16 and is drawn afresh.
                let d = &mut data[n - 16..];
                d.iter_mut().for_each(|v| *v = uniform24(s));
                super::box_muller::blocks(d, mean, std);
            }
        }
        _ => {
            // Half types: 16 fresh uniforms per block, computed in float.
            let (mean, std) = (mean as f32, std as f32);
            let mut data = vec![0f32; n];
            for start in starts {
                let d = &mut data[start..start + 16];
                d.iter_mut().for_each(|v| *v = uniform24(s));
                super::box_muller::blocks(d, mean, std);
            }
            let mut it = data.into_iter();
            dispatch!(
                FLOAT,
                dtype,
                T,
                {
                    fill_in_order::<T>(t, |_| T::elem_from_f64(it.next().unwrap_or(0.0) as f64))?;
                },
                return Err(crate::ops::unsupported("normal_kernel_cpu", dtype))
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visit_order_follows_strides() {
        // A transposed (3, 4) tensor: shape (4, 3), strides (1, 4) -> dim 1 outermost.
        assert_eq!(visit_order(&[4, 3], &[1, 4]), vec![1, 0]);
        assert_eq!(visit_order(&[2, 3, 4], &[12, 4, 1]), vec![0, 1, 2]);
        assert_eq!(visit_order(&[2, 3, 4], &[1, 8, 2]), vec![1, 2, 0]);
    }
}
