//! `out=`: an op computes its result as usual, then this writes it into the caller's tensor
//! with PyTorch's rules (NOTE [ Writing into out ]).

use super::binary::can_cast;
use crate::autograd::{self, GradMode};
use crate::layout::{shape_str, Dims};
use crate::{ensure, DType, Result, Tensor};

// NOTE [ Writing into out ]
// PyTorch's out variants: no autograd (an input or the out requiring grad with grad mode
// on is an error, raised before computing); the result dtype must be castable to the
// out's ("result type Float can't be cast to the desired output type Long"); an out of
// the wrong shape is resized to a fresh contiguous one (with a deprecation warning, which
// the bindings raise, when it held elements); the write goes through `copy_`, so it keeps
// the out's strides and bumps its version. The result is computed into a temporary and
// copied: one extra pass that the kernels can remove later by writing into `out` when its
// layout and dtype already fit.

/// PyTorch's error for `out=` with autograd: checked before the op runs. Ops the registry
/// marks as not differentiable (comparisons, floor_divide, bitwise…) accept inputs that
/// require grad, as their out variants do in PyTorch.
pub fn check_grad(op: &str, inputs: &[&Tensor], outs: &[&Tensor]) -> Result<()> {
    if super::registry().any(|o| o.name == op && !o.differentiable) {
        return Ok(());
    }
    let any = inputs.iter().chain(outs).any(|t| t.requires_grad());
    ensure!(
        !(any && autograd::is_recording()),
        runtime,
        "{op}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad."
    );
    Ok(())
}

/// The dtype rule of `op`'s out variant (most: the result must cast to the out's dtype).
fn check_dtype(op: &str, result: DType, out: DType) -> Result<()> {
    match op {
        "cat" | "stack" => {
            ensure!(
                can_cast(result, out),
                type_error,
                "torch.cat(): input types can't be cast to the desired output type {}",
                out.scalar_name()
            );
        }
        "amax" | "amin" => {
            ensure!(
            result == out,
            runtime,
            "Expected the dtype for input and out to match, but got {} for input's dtype and {} for out's dtype.",
            result.scalar_name(),
            out.scalar_name()
        );
        }
        "argmax" | "argmin" => {
            ensure!(
                out == DType::I64,
                runtime,
                "Expected out tensor to have dtype long int, but got {} instead",
                cpp_type_name(out)
            );
        }
        "nonzero" => {
            ensure!(
                out == DType::I64,
                runtime,
                "nonzero: Expected out tensor to have scalar type Long but got scalar type{}",
                out.scalar_name()
            );
        }
        "logsumexp" => {
            ensure!(
                out.is_floating_point(),
                runtime,
                "logsumexp(): Expected floating point type for result tensor, but got: {}",
                out.scalar_name()
            );
        }
        _ => match super::out_dtypes::single(op, result, out) {
            Some(checked) => checked?,
            None => super::binary::check_cast(result, out)?,
        },
    }
    Ok(())
}

/// The C++ type PyTorch's messages name for `d` (argmax's out check prints these).
pub(crate) fn cpp_type_name(d: DType) -> &'static str {
    match d {
        DType::Bool => "bool",
        DType::U8 => "unsigned char",
        DType::I8 => "signed char",
        DType::I16 => "short int",
        DType::I32 => "int",
        DType::I64 => "long int",
        DType::F16 => "c10::Half",
        DType::BF16 => "c10::BFloat16",
        DType::F32 => "float",
        DType::F64 => "double",
    }
}

/// Factories (and addbmm) resize their out silently; arange says how many elements it
/// computed; every other op warns that resizing a non-empty out is deprecated.
pub fn resize_warning(op: &str, old: &[usize], new: &[usize]) -> Option<String> {
    match op {
        "zeros" | "ones" | "empty" | "full" | "eye" | "linspace" | "logspace" | "rand"
        | "randn" | "randint" | "randperm" | "addbmm" | "multinomial" | "normal_size"
        | "bernoulli" => None,
        "arange" => Some(format!(
            "The number of elements in the out tensor of shape {} is {} which does not match the computed number of elements {}. Note that this may occur as a result of rounding error. The out tensor will be resized to a tensor of shape ({},).",
            shape_str(old),
            old.iter().product::<usize>(),
            new.iter().product::<usize>(),
            new.iter().product::<usize>()
        )),
        _ => Some(format!(
            "An output with one or more elements was resized since it had shape {}, which does not match the required output shape {}. This behavior is deprecated, and in a future PyTorch release outputs will not be resized unless they have zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).",
            shape_str(old),
            shape_str(new)
        )),
    }
}

/// Writes `op`'s `result` into `out`; returns the old shape when a non-empty `out` was
/// resized (the bindings turn it into `resize_warning`).
pub fn write(op: &str, result: &Tensor, out: &Tensor) -> Result<Option<Dims>> {
    check_dtype(op, result.dtype(), out.dtype())?;
    let mut resized = None;
    if out.shape() != result.shape() {
        if out.numel() != 0 {
            resized = Some(out.dims());
        }
        out.set_data(&out.new_empty(result.shape(), out.dtype())?)?;
    }
    let _mode = GradMode::set(false);
    super::movement::copy_(out, result)?;
    Ok(resized)
}
