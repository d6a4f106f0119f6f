//! Vector products and distances: `linalg.cross` and `cdist`, each one node as in PyTorch
//! (LinalgCrossBackward0, CdistBackward0, or EuclideanDistBackward0 between views for
//! cdist's matrix-product path), composed of engine ops without history.

use crate::autograd::{expose_saved, needs_grad, no_grad, record, Saved, SavedTensor};
use crate::layout::{broadcast_shapes, shape_str, wrap_dim};
use crate::ops::factory::ones_like;
use crate::ops::join::cat;
use crate::ops::matmul::matmul;
use crate::ops::movement::{contiguous, expand, reshape, transpose, unsqueeze};
use crate::ops::utility::roll;
use crate::ops::{binary, pointwise, reduce, unary, Kind, OpInfo};
use crate::{ensure, Result, Scalar, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::inputs("cross", Kind::Blas, &[&[2, 3], &[2, 3]], |t| {
        linalg_cross(&t[0], &t[1], 1)
    })
    .differentiable(),
    OpInfo::inputs("cdist", Kind::Blas, &[&[3, 2], &[4, 2]], |t| {
        cdist(&t[0], &t[1], 2.0)
    })
    .differentiable(),
];

/// `linalg.cross(a, b, dim)`: the 3-vector cross product along `dim`, inputs broadcast.
/// With `a'` = `a` rolled by -1 along `dim` and `a''` by -2: `a' * b'' - a'' * b'`.
pub fn linalg_cross(a: &Tensor, b: &Tensor, dim: i64) -> Result<Tensor> {
    ensure!(
        a.ndim() == b.ndim(),
        runtime,
        "linalg.cross: inputs must have the same number of dimensions."
    );
    let d = wrap_dim(dim, a.ndim())?;
    ensure!(
        a.ndim() > 0 && a.shape()[d] == 3 && b.shape()[d] == 3,
        runtime,
        "linalg.cross: inputs dimension {dim} must have length 3. Got {} and {}",
        a.shape().get(d).copied().unwrap_or(1),
        b.shape().get(d).copied().unwrap_or(1)
    );
    let shape = broadcast_shapes(a.shape(), b.shape())?;
    // No promotion: PyTorch's cross kernel wants one dtype.
    ensure!(
        a.dtype() == b.dtype(),
        runtime,
        "expected scalar type {} but found {}",
        a.dtype().scalar_name(),
        b.dtype().scalar_name()
    );
    if a.dtype() == crate::DType::Bool {
        return Err(crate::ops::unsupported("cross", a.dtype()));
    }
    let (a_shape, b_shape) = (a.dims(), b.dims());
    let out = no_grad(|| {
        let (a, b) = (expand(a, &shape)?, expand(b, &shape)?);
        let r = |t: &Tensor, s: i64| roll(t, &[s], &[d as i64]);
        binary::sub(
            &binary::mul(&r(&a, -1)?, &r(&b, -2)?)?,
            &binary::mul(&r(&a, -2)?, &r(&b, -1)?)?,
        )
    })?;
    if !needs_grad(&[a, b]) {
        return Ok(out);
    }
    // Each operand is kept only for the other's gradient, as PyTorch keeps them.
    let keep = |t: &Tensor, other: &Tensor| -> Result<Option<SavedTensor>> {
        other
            .requires_grad()
            .then(|| SavedTensor::input(t))
            .transpose()
    };
    let (sa, sb) = (keep(a, b)?, keep(b, a)?);
    let saved = vec![
        ("dim", Saved::int(dim)),
        ("other", sb.clone().into()),
        ("self", sa.clone().into()),
    ];
    let node = record("LinalgCrossBackward0", &[a, b], &[&out], move |ctx, g| {
        let ga = match (&sb, ctx.needs(0)) {
            (Some(sb), true) => Some(reduce::sum_to_shape(
                &linalg_cross(&sb.unpack(ctx)?, &g[0], dim)?,
                &a_shape,
            )?),
            _ => None,
        };
        let gb = match (&sa, ctx.needs(1)) {
            (Some(sa), true) => Some(reduce::sum_to_shape(
                &linalg_cross(&g[0], &sa.unpack(ctx)?, dim)?,
                &b_shape,
            )?),
            _ => None,
        };
        Ok(vec![ga, gb])
    });
    expose_saved(&node, || saved);
    Ok(out)
}

/// `cdist`'s `compute_mode`: whether p = 2 goes through a matrix product
/// (NOTE [ cdist through a matrix product ]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CdistMode {
    /// 'use_mm_for_euclid_dist_if_necessary' (the default): when either input has more
    /// than 25 rows.
    MmIfNecessary,
    /// 'use_mm_for_euclid_dist'.
    Mm,
    /// 'donot_use_mm_for_euclid_dist'.
    Direct,
}

impl CdistMode {
    /// The mode named by PyTorch's string (None is the default).
    pub fn parse(name: Option<&str>) -> Result<CdistMode> {
        Ok(match name {
            None | Some("use_mm_for_euclid_dist_if_necessary") => CdistMode::MmIfNecessary,
            Some("use_mm_for_euclid_dist") => CdistMode::Mm,
            Some("donot_use_mm_for_euclid_dist") => CdistMode::Direct,
            Some(other) => crate::bail!(value, "{other} is not a valid value for compute_mode"),
        })
    }
}

/// `cdist(x1, x2, p)` in the default compute mode.
pub fn cdist(x1: &Tensor, x2: &Tensor, p: f64) -> Result<Tensor> {
    cdist_with_mode(x1, x2, p, CdistMode::MmIfNecessary)
}

/// `cdist(x1, x2, p, compute_mode)`: the p-norm distance between each row of `x1` and each
/// row of `x2` (`[..., r1, m]` and `[..., r2, m]` give `[..., r1, r2]`, batch dims
/// broadcast).
pub fn cdist_with_mode(x1: &Tensor, x2: &Tensor, p: f64, mode: CdistMode) -> Result<Tensor> {
    for (t, name) in [(x1, "X1"), (x2, "X2")] {
        ensure!(
            t.ndim() >= 2,
            runtime,
            "cdist only supports at least 2D tensors, {name} got: {}D",
            t.ndim()
        );
        ensure!(
            t.dtype().is_floating_point(),
            runtime,
            "cdist only supports floating-point dtypes, {name} got: {}",
            t.dtype().scalar_name()
        );
    }
    let (c1, c2) = (x1.shape()[x1.ndim() - 1], x2.shape()[x2.ndim() - 1]);
    ensure!(
        c1 == c2,
        runtime,
        "X1 and X2 must have the same number of columns. X1: {c1} X2: {c2}"
    );
    ensure!(
        p >= 0.0,
        runtime,
        "cdist only supports non-negative p values"
    );
    ensure!(
        x1.dtype() == x2.dtype(),
        runtime,
        "cdist: X1 and X2 must have the same dtype, got {} and {}",
        x1.dtype().scalar_name(),
        x2.dtype().scalar_name()
    );
    let b1 = &x1.shape()[..x1.ndim() - 2];
    let b2 = &x2.shape()[..x2.ndim() - 2];
    ensure!(
        broadcast_shapes(b1, b2).is_ok(),
        runtime,
        "cdist: the batch dims {} and {} cannot be broadcast",
        shape_str(b1),
        shape_str(b2)
    );
    let (r1, r2) = (x1.shape()[x1.ndim() - 2], x2.shape()[x2.ndim() - 2]);
    let mm = match mode {
        CdistMode::Mm => true,
        CdistMode::MmIfNecessary => r1 > 25 || r2 > 25,
        CdistMode::Direct => false,
    };
    // NOTE [ cdist of half dtypes ]: PyTorch's direct kernel is float32/float64 only, but
    // empty results, zero columns and the matrix-product path never reach it, so those
    // compute for float16/bfloat16 too.
    let out_empty = r1 == 0 || r2 == 0 || broadcast_shapes(b1, b2)?.contains(&0);
    if !(out_empty || c1 == 0 || (p == 2.0 && mm)) {
        for t in [x1, x2] {
            if !matches!(t.dtype(), crate::DType::F32 | crate::DType::F64) {
                return Err(crate::ops::unsupported("cdist", t.dtype()));
            }
        }
    }
    if p == 2.0 && mm {
        return cdist_mm(x1, x2);
    }
    let (s1, s2) = (x1.dims(), x2.dims());
    let out = no_grad(|| {
        let mut diff = pairwise_diff(x1, x2)?;
        if p == f64::INFINITY {
            // PyTorch's inf-norm is a running max that a NaN comparison never raises, so
            // NaN components drop out (a row of NaNs gives 0); do the same.
            let zero = diff.new_zeros(&[], diff.dtype())?;
            diff = pointwise::where_(&unary::isnan(&diff)?, &zero, &diff)?;
        }
        if c1 == 0 {
            // No columns: every distance is 0 (PyTorch returns zeros, whatever p).
            let n = diff.ndim();
            return diff.new_zeros(&diff.shape()[..n - 1], diff.dtype());
        }
        let dist = reduce::vector_norm(&diff, p, Some(&[-1]), false)?;
        if p == 0.0 {
            // PyTorch's p = 0 kernel adds min(ceil(|d|), 1) per component, where a NaN
            // propagates (a count of nonzeros would take NaN as one): add 0, or NaN for a
            // row with a NaN component.
            let zero = diff.new_zeros(&[], diff.dtype())?;
            let nans = pointwise::where_(&unary::isnan(&diff)?, &diff, &zero)?;
            return binary::add(&dist, &reduce::sum(&nans, Some(&[-1]), false, None)?);
        }
        Ok(dist)
    })?;
    if needs_grad(&[x1, x2]) {
        let (k1, k2) = (SavedTensor::input(x1)?, SavedTensor::input(x2)?);
        let kr = SavedTensor::output(&out, 0);
        let saved = vec![
            ("p", Saved::scalar(Scalar::Float(p))),
            ("result", kr.clone().into()),
            ("x1", k1.clone().into()),
            ("x2", k2.clone().into()),
        ];
        let node = record("CdistBackward0", &[x1, x2], &[&out], move |ctx, g| {
            let (x1, x2, dist) = (k1.unpack(ctx)?, k2.unpack(ctx)?, kr.unpack(ctx)?);
            let diff = pairwise_diff(&x1, &x2)?;
            let w = binary::mul(&unsqueeze(&g[0], -1)?, &norm_grad(&diff, &dist, p)?)?;
            let g1 = reduce::sum(&w, Some(&[-2]), false, None)?;
            let g2 = unary::neg(&reduce::sum(&w, Some(&[-3]), false, None)?)?;
            Ok(vec![
                Some(reduce::sum_to_shape(&g1, &s1)?),
                Some(reduce::sum_to_shape(&g2, &s2)?),
            ])
        });
        expose_saved(&node, || saved);
    }
    Ok(out)
}

// NOTE [ cdist through a matrix product ]
// PyTorch computes Euclidean distances between many rows as one product:
// ||a - b||^2 = -2 a.b + ||a||^2 + ||b||^2, the three terms folded into one matmul by
// widening each row of x1 to [-2 a, ||a||^2, 1] and each row of x2 to [b, 1, ||b||^2],
// then clamped at 0 (cancellation can go below) and square-rooted. It is faster but
// loses the last bits where points are close, so its numbers differ from the direct
// difference; rtorch takes the same path under the same rule (p = 2 and the mode, by
// default more than 25 rows in either input) so that its numbers match torch's. The
// graph is torch's too: the inputs expanded and viewed as [B, r, m] batches (skipped when
// both are matrices), one EuclideanDistBackward0 node, and a view to the output shape.

/// The p = 2 distances through a matrix product, batch dims broadcast.
fn cdist_mm(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    let (n1, n2) = (x1.ndim(), x2.ndim());
    let (r1, r2, m) = (x1.shape()[n1 - 2], x2.shape()[n2 - 2], x1.shape()[n1 - 1]);
    let batch = broadcast_shapes(&x1.shape()[..n1 - 2], &x2.shape()[..n2 - 2])?;
    let dist = if n1 == 2 && n2 == 2 {
        euclidean_dist(x1, x2)?
    } else {
        let b = batch.iter().product::<usize>() as i64;
        let flat = |x: &Tensor, r: usize| -> Result<Tensor> {
            let full: Vec<usize> = batch.iter().copied().chain([r, m]).collect();
            // Copied (CloneBackward0) only where the expansion repeats rows, as torch.
            reshape(&contiguous(&expand(x, &full)?)?, &[b, r as i64, m as i64])
        };
        euclidean_dist(&flat(x1, r1)?, &flat(x2, r2)?)?
    };
    let shape: Vec<i64> = batch.iter().chain(&[r1, r2]).map(|&d| d as i64).collect();
    reshape(&dist, &shape)
}

/// `[..., r1, m]`, `[..., r2, m]` (same batch dims) -> `[..., r1, r2]` Euclidean distances
/// as one matrix product (NOTE [ cdist through a matrix product ]); one node,
/// EuclideanDistBackward0.
fn euclidean_dist(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    let out = no_grad(|| {
        let sq = |x: &Tensor| reduce::sum(&binary::mul(x, x)?, Some(&[-1]), true, None);
        let (n1, n2) = (sq(x1)?, sq(x2)?);
        let (o1, o2) = (ones_like(&n1)?, ones_like(&n2)?);
        let a = cat(&[binary::mul_scalar(x1, Scalar::Float(-2.0))?, n1, o1], -1)?;
        let b = cat(&[x2.clone(), o2, n2], -1)?;
        let sq_dist = matmul(&a, &transpose(&b, -1, -2)?)?;
        let zero = sq_dist.new_zeros(&[], sq_dist.dtype())?;
        unary::sqrt(&pointwise::clamp_min(&sq_dist, &zero)?)
    })?;
    if needs_grad(&[x1, x2]) {
        let (k1, k2) = (SavedTensor::input(x1)?, SavedTensor::input(x2)?);
        let kr = SavedTensor::output(&out, 0);
        let saved = vec![
            ("result", kr.clone().into()),
            ("x1", k1.clone().into()),
            ("x2", k2.clone().into()),
        ];
        let node = record(
            "EuclideanDistBackward0",
            &[x1, x2],
            &[&out],
            move |ctx, g| {
                let (x1, x2, dist) = (k1.unpack(ctx)?, k2.unpack(ctx)?, kr.unpack(ctx)?);
                // d dist_ij / d x1_i = (x1_i - x2_j) / dist_ij (0 where dist_ij = 0), so with
                // w = g / dist: g1 = x1 * rowsum(w) - w @ x2 and g2 = x2 * colsum(w) - w^T @ x1.
                let zero = dist.new_zeros(&[], dist.dtype())?;
                let w = pointwise::where_(
                    &binary::eq(&dist, &zero)?,
                    &zero,
                    &binary::div(&g[0], &dist)?,
                )?;
                let wt = transpose(&w, -1, -2)?;
                let g1 = binary::sub(
                    &binary::mul(&x1, &reduce::sum(&w, Some(&[-1]), true, None)?)?,
                    &matmul(&w, &x2)?,
                )?;
                let g2 = binary::sub(
                    &binary::mul(&x2, &reduce::sum(&wt, Some(&[-1]), true, None)?)?,
                    &matmul(&wt, &x1)?,
                )?;
                Ok(vec![Some(g1), Some(g2)])
            },
        );
        expose_saved(&node, || saved);
    }
    Ok(out)
}

/// `x1[..., i, None, :] - x2[..., None, j, :]`: `[..., r1, r2, m]`.
fn pairwise_diff(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary::sub(&unsqueeze(x1, -2)?, &unsqueeze(x2, -3)?)
}

/// d ||diff||_p / d diff, given the distances: zero where the distance is zero (and, for
/// p < 1, where a component is zero), as PyTorch's cdist backward defines it.
fn norm_grad(diff: &Tensor, dist: &Tensor, p: f64) -> Result<Tensor> {
    let zero = diff.new_zeros(&[], diff.dtype())?;
    let dist = unsqueeze(dist, -1)?;
    let dist_zero = binary::eq(&dist, &zero)?;
    if p == 0.0 {
        // Zero everywhere, NaN components too (PyTorch returns zeros for p = 0).
        return diff.new_zeros(diff.shape(), diff.dtype());
    }
    // PyTorch's sign in this backward is built of ceil/floor and clamps, which keep a NaN.
    let nan_sign = || pointwise::where_(&unary::isnan(diff)?, diff, &unary::sign(diff)?);
    if p == 1.0 {
        return nan_sign();
    }
    if p.is_infinite() {
        let at_max = binary::eq(&unary::abs(diff)?, &dist)?;
        return binary::mul(
            &nan_sign()?,
            &crate::ops::cast::to_dtype(&at_max, diff.dtype())?,
        );
    }
    let one = crate::ops::factory::full(&[], Scalar::Float(1.0), diff.dtype(), diff.device())?;
    let safe = pointwise::where_(&dist_zero, &one, &dist)?;
    let w = if p == 2.0 {
        binary::div(diff, &safe)?
    } else {
        let e = Scalar::Float(p - 1.0);
        let num = binary::mul(
            &unary::sign(diff)?,
            &binary::pow_scalar(&unary::abs(diff)?, e)?,
        )?;
        let w = binary::div(&num, &binary::pow_scalar(&safe, e)?)?;
        if p < 1.0 {
            pointwise::where_(&binary::eq(diff, &zero)?, &zero, &w)?
        } else {
            w
        }
    };
    pointwise::where_(&dist_zero, &zero, &w)
}
