//! In-place ops (`add_`, `mul_`, `clamp_`…): one path that keeps autograd correct.
//!
//! NOTE [ In-place ops and autograd ]
//! Without autograd an in-place op writes straight into its tensor. With autograd the op
//! runs out of place on a clone that carries the tensor's history (so whatever the op
//! saves is never overwritten), the result is copied in, and the tensor's history is
//! rebased onto the op's node, which is what PyTorch's rebase_history achieves. Writes
//! into views rebase the view's base instead; see NOTE [ Views and in-place autograd ].

use crate::autograd::{is_recording, needs_grad, record_node};
use crate::layout::{is_dense, shape_str};
use crate::{bail, ensure, Result, Tensor};

/// True when no autograd bookkeeping is needed for an in-place op on `a`.
pub fn fast_path_ok(a: &Tensor, others: &[&Tensor]) -> bool {
    !is_recording() || !(a.requires_grad() || others.iter().any(|t| t.requires_grad()))
}

/// Rejects writes that would be ill-defined or silently wrong.
pub fn check_writable(a: &Tensor, others: &[&Tensor], op: &str) -> Result<()> {
    // NOTE: `fill_`/`zero_` write one value, so aliased elements agree: PyTorch allows
    // them on expanded tensors.
    ensure!(
        matches!(op, "fill_" | "zero_") || !a.layout().has_internal_overlap(),
        runtime,
        "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation."
    );
    ensure!(
        !others.iter().any(|b| partial_overlap(a, b)),
        runtime,
        "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation."
    );
    ensure!(
        !a.is_inference() || crate::autograd::is_inference_mode_enabled(),
        runtime,
        "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details."
    );
    if is_recording() && a.is_leaf() && a.requires_grad() {
        bail!(
            runtime,
            "a leaf Variable that requires grad is being used in an in-place operation."
        );
    }
    Ok(())
}

/// PyTorch's partial-overlap rule between a written tensor and one it reads: both dense
/// (else PyTorch does not look, and `unalias` below copies), on one storage, covering the
/// same bytes with different strides (`x.t().add_(x)`) or overlapping bytes that are not
/// the same range (`x[1:].copy_(x[:-1])`). The same view (`x.add_(x)`) is fine.
fn partial_overlap(a: &Tensor, b: &Tensor) -> bool {
    if !a.shares_storage(b) || a.numel() == 0 || b.numel() == 0 {
        return false;
    }
    let (la, lb) = (a.layout(), b.layout());
    if !is_dense(&la.shape, &la.strides) || !is_dense(&lb.shape, &lb.strides) {
        return false;
    }
    let span = |t: &Tensor| {
        let size = t.dtype().itemsize();
        let begin = t.layout().offset * size;
        (begin, begin + t.numel() * size)
    };
    let ((a0, a1), (b0, b1)) = (span(a), span(b));
    if (a0, a1) == (b0, b1) {
        return la.strides != lb.strides;
    }
    a0 < b1 && b0 < a1
}

/// `b`, or a copy of it when it partially overlaps `a` (reading while writing).
pub fn unalias(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    if a.shares_storage(b) && a.layout() != b.layout() {
        super::cast::cast_copy(b, b.dtype())
    } else {
        Ok(b.clone())
    }
}

/// Runs `f` (the out-of-place op) and writes its result into `a`; see the NOTE above.
pub fn apply(
    a: &Tensor,
    others: &[&Tensor],
    op: &str,
    f: impl FnOnce(&Tensor) -> Result<Tensor>,
) -> Result<()> {
    let mut node = backward_name(op);
    // torch names the overload: `gt_(Tensor)` is GtBackward1, `gt_(Scalar)` GtBackward0.
    if is_comparison(op) && others.iter().any(|t| !t.is_wrapped_number()) {
        node = node.replace("Backward0", "Backward1");
    }
    apply_named(a, others, op, &node, f)
}

fn is_comparison(op: &str) -> bool {
    matches!(op, "eq_" | "ne_" | "lt_" | "le_" | "gt_" | "ge_")
}

/// `apply` with the name of the node recorded when the write cuts the gradient
/// (`random_` overloads are `RandomBackward0/1/2` in PyTorch).
pub fn apply_named(
    a: &Tensor,
    others: &[&Tensor],
    op: &str,
    node: &str,
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
    let mut out = f(&src)?;
    // In-place comparisons have a (zero) derivative in PyTorch, so an `other` that requires
    // grad gives the result history too; other non-differentiable ops (`logical_and_`) don't.
    let comparison = is_comparison(op);
    let any_grad = a.requires_grad() || comparison && others.iter().any(|t| t.requires_grad());
    if is_recording() && any_grad && !out.requires_grad() && a.dtype().is_differentiable() {
        // The write replaces values with constants or with a non-differentiable result
        // (`fill_`, `zero_`, `copy_` from a constant, `le_`…): their gradient is zero from
        // here on, but the result still has history, as in PyTorch.
        if !out.dtype().is_differentiable() {
            out = super::cast::to_dtype(&out, a.dtype())?;
        }
        let mut inputs: Vec<&Tensor> = vec![&src];
        inputs.extend_from_slice(others);
        // The derivative is zero for every input (a zeros tensor, not None, as in torch).
        let metas: Vec<_> = inputs
            .iter()
            .map(|t| crate::autograd::TensorMeta::of(t))
            .collect();
        record_node(
            node.to_string().into(),
            &inputs,
            &[&out],
            Box::new(move |_, _| metas.iter().map(|m| m.zeros().map(Some)).collect()),
        );
    }
    let track = is_recording() && out.requires_grad();
    if track {
        if let Some(base) = a.base() {
            super::view_grad::check_view_write(a, base)?;
        }
    }
    super::binary::check_cast(out.dtype(), a.dtype())?;
    ensure!(
        out.shape() == a.shape(),
        runtime,
        "output with shape {} doesn't match the broadcast shape {}",
        shape_str(a.shape()),
        shape_str(out.shape())
    );
    crate::autograd::no_grad(|| -> Result<()> {
        crate::backend::copy(a, &unalias(a, &out)?)?;
        Ok(())
    })?;
    a.bump_version();
    if track {
        if a.is_view() {
            super::view_grad::copy_slices(a, &out)?;
        } else if let Some(f) = out.grad_fn() {
            f.set_inplace_output(out.output_nr(), a);
            a.set_history(f, out.output_nr());
        }
    }
    Ok(())
}

/// PyTorch's node name for an in-place op: `fill_` -> `FillBackward0`.
fn backward_name(op: &str) -> String {
    let base = op.trim_end_matches('_');
    let mut name = String::new();
    for part in base.split('_') {
        let mut c = part.chars();
        if let Some(first) = c.next() {
            name.extend(first.to_uppercase());
            name.push_str(c.as_str());
        }
    }
    name + "Backward0"
}
