//! In-place ops (`add_`, `mul_`, `clamp_`…): one path that keeps autograd correct.
//!
//! NOTE [ In-place ops and autograd ]
//! Without autograd an in-place op writes straight into its tensor. With autograd the op
//! runs out of place on a clone that carries the tensor's history (so whatever the op
//! saves is never overwritten), the result is copied in, and the tensor's history is
//! rebased onto the op's node, which is what PyTorch's rebase_history achieves. Writes
//! into views rebase the view's base instead; see NOTE [ Views and in-place autograd ].

use crate::autograd::{is_grad_enabled, needs_grad, record_node};
use crate::layout::shape_str;
use crate::{bail, ensure, Result, Tensor};

/// True when no autograd bookkeeping is needed for an in-place op on `a`.
pub fn fast_path_ok(a: &Tensor, others: &[&Tensor]) -> bool {
    !is_grad_enabled() || !(a.requires_grad() || others.iter().any(|t| t.requires_grad()))
}

/// Rejects writes that would be ill-defined or silently wrong.
pub fn check_writable(a: &Tensor, _others: &[&Tensor], op: &str) -> Result<()> {
    // NOTE: `fill_`/`zero_` write one value, so aliased elements agree: PyTorch allows
    // them on expanded tensors.
    ensure!(
        matches!(op, "fill_" | "zero_") || !a.layout().has_internal_overlap(),
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
    if is_grad_enabled() && any_grad && !out.requires_grad() && a.dtype().is_differentiable() {
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
    let track = is_grad_enabled() && out.requires_grad();
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
