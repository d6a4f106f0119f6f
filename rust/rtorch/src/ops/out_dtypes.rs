//! The dtype rules of the index, sorting, counting and sampling ops' `out=` variants
//! (NOTE [ Out dtype rules ]). `out::check_dtype` asks `single` first and falls back to
//! the cast rule; `pair` checks an `out=(values, indices)` pair before either is written.

use crate::{ensure, DType, Result};

// NOTE [ Out dtype rules ]
// Most of PyTorch's out variants accept any dtype the result casts to, but the kernels of
// issue 9's families check their out themselves, each with its own rule and words:
// gather/scatter/index_*/sort/topk/tril/diag/cross want the result's dtype exactly,
// index_select and masked_select and take and histc say so in other words, the searches
// want int64 (int32 with out_int32=True), multinomial wants int64. For the (values,
// indices) ops the two outs are checked together before anything is written, in the
// order PyTorch checks them (median: the indices first), so a refused call leaves both
// outs as they were.

/// The rule of a single-output op, or None where the cast rule applies.
pub(super) fn single(op: &str, result: DType, out: DType) -> Option<Result<()>> {
    match rule(op, result, out) {
        Ok(true) => Some(Ok(())),
        Ok(false) => None,
        Err(e) => Some(Err(e)),
    }
}

/// Checks `op`'s rule; false when `op` has none.
fn rule(op: &str, result: DType, out: DType) -> Result<bool> {
    let same = result == out;
    match op {
        "index_add" | "index_copy" | "index_reduce" | "take_along_dim" | "gather" | "scatter"
        | "scatter_add" | "scatter_reduce" | "msort" | "tril" | "triu" | "diag" | "cross"
        | "linalg_cross" | "sort" | "topk" | "kthvalue" | "median" | "nanmedian" | "mode"
        | "cummax" | "cummin" | "argsort" | "isin" => exact(result, out)?,
        "index_select" | "masked_select" => {
            ensure!(
                same,
                runtime,
                "{op}(): self and result must have the same scalar type"
            );
        }
        "take" => {
            ensure!(
                same,
                runtime,
                "take(): self and out expected to have the same dtype, but got self.dtype = {} and out.dtype = {}",
                result.scalar_name(),
                out.scalar_name()
            );
        }
        "where" => {
            ensure!(
                same,
                runtime,
                "Expected out type to be {} but got {}",
                result.scalar_name(),
                out.scalar_name()
            );
        }
        "histc" | "histogram" => {
            ensure!(
                same,
                runtime,
                "torch.histogram: input tensor and hist tensor should have the same dtype, but got input {} and hist {}",
                result.cpp_name(),
                out.cpp_name()
            );
        }
        "searchsorted" | "bucketize" => {
            ensure!(
                same,
                runtime,
                "torch.searchsorted(): output tensor's dtype is wrong, it can only be Int(int32) or Long(int64) depending on whether out_int32 flag is True, but we got output tensor's dtype {} and out_int32 flag is {}",
                out.scalar_name(),
                if result == DType::I32 { "True" } else { "False" }
            );
        }
        "multinomial" => {
            ensure!(
                out == DType::I64,
                runtime,
                "multinomial expects Long tensor out, got: {}",
                out.scalar_name()
            );
        }
        "tensordot" => {
            ensure!(
                same,
                runtime,
                "tensordot: Expected the output tensor to have dtype {}, but got an output tensor with dtype {}",
                result.scalar_name(),
                out.scalar_name()
            );
        }
        "normal" if !out.is_floating_point() => crate::bail!(
            not_implemented,
            "\"normal_kernel_cpu\" not implemented for '{}'",
            out.scalar_name()
        ),
        "randperm" if out == DType::Bool => {
            crate::bail!(not_implemented, "\"randperm\" not implemented for 'Bool'")
        }
        // bernoulli samples straight into its out, whatever its dtype.
        "bernoulli" => {}
        _ => return Ok(false),
    }
    Ok(true)
}

/// "Expected out tensor to have dtype float, but got long int instead".
fn exact(result: DType, out: DType) -> Result<()> {
    ensure!(
        result == out,
        runtime,
        "Expected out tensor to have dtype {}, but got {} instead",
        result.cpp_name(),
        out.cpp_name()
    );
    Ok(())
}

/// The checks of an `out=(values, indices)` pair, in PyTorch's order; `values` is the
/// dtype of the values result (the indices are int64).
pub fn pair(op: &str, values: DType, outs: (DType, DType)) -> Result<()> {
    let (v, i) = outs;
    let long = DType::I64;
    match op {
        "kthvalue" => {
            ensure!(
                v == values,
                runtime,
                "output values must be of same type as input"
            );
            ensure!(
                i == long,
                runtime,
                "output indices must be of scalar type Long"
            );
        }
        "median" | "nanmedian" => {
            ensure!(
                i == long,
                runtime,
                "Expected tensor for argument #1 'indices' to have scalar type Long; but got {} instead (while checking arguments for median)",
                type_name(i)
            );
            ensure!(
                v == values,
                runtime,
                "Expected tensor for 'values' to have the same type as tensor for argument #2 'self'; but type {} does not equal {} (while checking arguments for median)",
                type_name(v),
                type_name(values)
            );
        }
        "mode" => {
            for (got, want, what) in [(v, values, "values"), (i, long, "indices")] {
                ensure!(
                    got == want,
                    runtime,
                    "expected scalar type '{}' but got '{}' for {what} output",
                    want.scalar_name(),
                    got.scalar_name()
                );
            }
        }
        "cummax" | "cummin" => {
            for (got, want) in [(v, values), (i, long)] {
                ensure!(
                    got == want,
                    runtime,
                    "expected scalar_type {} but found {}",
                    want.scalar_name(),
                    got.scalar_name()
                );
            }
        }
        "histogram" => {
            ensure!(
                v == values,
                runtime,
                "torch.histogram: input tensor and hist tensor should have the same dtype, but got input {} and hist {}",
                values.cpp_name(),
                v.cpp_name()
            );
            ensure!(
                i == values,
                runtime,
                "torch.histogram: input tensor and bin_edges tensor should have the same dtype, but got input {} and bin_edges {} for dimension 0",
                values.cpp_name(),
                i.cpp_name()
            );
        }
        _ => {
            exact(values, v)?;
            exact(long, i)?;
        }
    }
    Ok(())
}

/// The type name PyTorch's argument checks print: the legacy class where there is one.
fn type_name(d: DType) -> String {
    match d {
        DType::Bool => "CPUBoolType".into(),
        DType::BF16 => "CPUBFloat16Type".into(),
        _ => format!("torch.{}", d.legacy_name()),
    }
}
