//! In-place ops (`add_`, `mul_`, `clamp_`…): one path that keeps autograd correct.
//!
//! NOTE [ In-place ops and autograd ]
//! Without autograd an in-place op writes straight into its tensor. With autograd the op
//! runs out of place on a clone that carries the tensor's history (so whatever the op
//! saves is never overwritten), the result is copied in, and the tensor's history is
//! rebased onto the op's node, which is what PyTorch's rebase_history achieves. In-place
//! writes to views of tensors that require grad (PyTorch's CopySlices) are refused with
//! an error rather than risking a wrong gradient.

use super::cast::copy_into;
use crate::autograd::{is_grad_enabled, needs_grad, set_grad_enabled};
use crate::layout::shape_str;
use crate::{bail, ensure, Result, Tensor};

/// True when no autograd bookkeeping is needed for an in-place op on `a`.
pub fn fast_path_ok(a: &Tensor, others: &[&Tensor]) -> bool {
    !is_grad_enabled() || !(a.requires_grad() || others.iter().any(|t| t.requires_grad()))
}

/// Rejects writes that would be ill-defined or silently wrong.
pub fn check_writable(a: &Tensor, _others: &[&Tensor], op: &str) -> Result<()> {
    a.ensure_cpu(op)?;
    ensure!(
        !a.layout().has_internal_overlap(),
        runtime,
        "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation."
    );
    if is_grad_enabled() && a.is_leaf() && a.requires_grad() {
        bail!(
            runtime,
            "a leaf Variable that requires grad is being used in an in-place operation."
        );
    }
    Ok(())
}

/// `b`, or a copy of it when it partially overlaps `a` (reading while writing).
pub fn unalias(a: &Tensor, b: &Tensor) -> Tensor {
    if a.shares_storage(b) && a.layout() != b.layout() {
        super::cast::cast_copy(b, b.dtype())
    } else {
        b.clone()
    }
}

/// Runs `f` (the out-of-place op) and writes its result into `a`; see the NOTE above.
pub fn apply(
    a: &Tensor,
    others: &[&Tensor],
    op: &str,
    f: impl FnOnce(&Tensor) -> Result<Tensor>,
) -> Result<()> {
    check_writable(a, others, op)?;
    // `a`'s own history must survive the write, so the op reads a clone of it; whether the
    // result needs history at all is only known once the op has run (any input may
    // require grad, including ones captured by `f`).
    let src = if needs_grad(&[a]) {
        super::movement::clone(a)?
    } else {
        a.clone()
    };
    let out = f(&src)?;
    let track = is_grad_enabled() && out.requires_grad();
    if track && a.is_view() {
        bail!(
            not_implemented,
            "{op}: in-place operations on views with autograd are not supported yet; use an out-of-place op (e.g. torch.cat / torch.where) instead"
        );
    }
    ensure!(
        super::binary::can_cast(out.dtype(), a.dtype()),
        runtime,
        "result type {} can't be cast to the desired output type {}",
        out.dtype().scalar_name(),
        a.dtype().scalar_name()
    );
    ensure!(
        out.shape() == a.shape(),
        runtime,
        "output with shape {} doesn't match the broadcast shape {}",
        shape_str(a.shape()),
        shape_str(out.shape())
    );
    let prev = set_grad_enabled(false);
    copy_into(a, &unalias(a, &out));
    set_grad_enabled(prev);
    a.bump_version();
    if track {
        if let Some(f) = out.grad_fn() {
            a.set_history(f, out.output_nr());
        }
    }
    Ok(())
}
