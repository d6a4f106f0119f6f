"""Finite-difference checks of autograd: ``gradcheck`` and ``gradgradcheck``.

The analytical Jacobian (from ``autograd.grad``, one output element at a time)
is compared with a numerical one (central differences, one input element at a
time). Both are gathered into float64 numpy arrays, so the comparison itself
needs nothing from the tensor library beyond ``.numpy()``.
"""

import warnings

import numpy as np

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


def _lib():
    # Imported lazily: this module is loaded while the rtorch package itself
    # is still initialising, and the tests swap in another library here.
    import rtorch

    return rtorch


class GradcheckError(RuntimeError):
    """Raised when analytical and numerical gradients disagree."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _to_array(t):
    # .double() first: numpy has no bfloat16, and float64 loses nothing.
    t = t.detach().double()
    if hasattr(t, "cpu"):
        t = t.cpu()
    return np.asarray(t.numpy(), dtype=np.float64).reshape(-1)


def _require(ok, message):
    if not ok:
        raise AssertionError(message)


def _differentiable_inputs(lib, inputs):
    """(position, tensor) of each input that gradcheck differentiates."""
    found = []
    for pos, inp in enumerate(inputs):
        if not (lib.is_tensor(inp) and inp.requires_grad):
            continue
        if getattr(inp.dtype, "is_complex", False):
            raise NotImplementedError("gradcheck: complex inputs are not supported yet")
        if inp.dtype != lib.float64:
            # Same advice torch gives: eps=1e-6 is below float32 resolution.
            warnings.warn(
                f"Input #{pos} requires gradient and is not a double precision "
                "floating point or complex. Finite differences in lower "
                "precision are unreliable, so this check is likely to fail.",
                UserWarning,
                stacklevel=4,
            )
        if inp.is_floating_point():
            found.append((pos, inp))
    if not found:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, "
            "but none of them have requires_grad=True."
        )
    return found


def _run_perturbed(lib, func, inputs, original, flat, shared, k, value):
    """Evaluate func with element k of input `original` set to `value`.

    `shared` means `flat` is a view of the input's own storage, so it is
    perturbed in place, as torch does: every alias of the input sees the new
    value, including a function that captures the tensor instead of using its
    argument. Otherwise (non-contiguous input) a fresh copy is passed instead.
    """
    with lib.no_grad():
        perturbed = flat if shared else flat.clone()
        perturbed[k] = value
    if shared:
        args = inputs
    else:
        with lib.no_grad():
            perturbed = perturbed.reshape(original.shape)
        # gradgradcheck's wrapper differentiates with respect to its
        # arguments, so the copy must require grad like the original.
        perturbed.requires_grad_(original.requires_grad)
        args = [perturbed if a is original else a for a in inputs]
    outs = _as_tuple(func(*args))
    # Cloned: outputs may alias the buffer that is perturbed next.
    return tuple(o.detach().clone() if lib.is_tensor(o) else o for o in outs)


def _check_same_meta(lib, out_a, out_b, index, eps):
    for attr in ("shape", "dtype") if lib.is_tensor(out_a) else ():
        a, b = getattr(out_a, attr), getattr(out_b, attr)
        _require(
            a == b,
            f"Expected `func` to return outputs with the same {attr} when inputs "
            f"are perturbed on index {index} by {eps}, but got: {attr}s {a} and {b}.",
        )


def _numerical_jacobians(lib, func, inputs, diff_inputs, func_out, eps):
    """jac[j][i]: (numel of input j, numel of output i) array, or None.

    Outputs that are not floating tensors get None: they have no Jacobian.
    """
    jacobians = []
    for _, inp in diff_inputs:
        n_in = inp.numel()
        per_output = [
            np.zeros((n_in, o.numel())) if lib.is_tensor(o) and o.is_floating_point() else None
            for o in func_out
        ]
        with lib.no_grad():
            try:
                flat, shared = inp.detach().view(-1), True
            except RuntimeError:
                flat, shared = inp.detach().clone().reshape(-1), False
        for k in range(n_in):
            with lib.no_grad():
                # The +-eps arithmetic happens in the input's own dtype, as it
                # does in torch, so float32 inputs see the same rounding.
                centre = flat[k].item()
                lower = (flat[k] - eps).item()
                upper = (flat[k] + eps).item()
            run = (lib, func, inputs, inp, flat, shared, k)
            try:
                outs_lo = _run_perturbed(*run, lower)
                outs_hi = _run_perturbed(*run, upper)
            finally:
                if shared:
                    with lib.no_grad():
                        flat[k] = centre  # exact: .item() round-trips
            index = tuple(int(i) for i in np.unravel_index(k, tuple(inp.shape)))
            for i, jac in enumerate(per_output):
                _check_same_meta(lib, outs_lo[i], outs_hi[i], index, eps)
                if jac is None:
                    continue
                with lib.no_grad():
                    column = (outs_hi[i] - outs_lo[i]) / (2 * eps)
                jac[k] = _to_array(column)
        jacobians.append(per_output)
    return jacobians


def _analytical_jacobians(lib, output, diff_inputs, check_grad_dtypes):
    """jac[j]: (numel of input j, numel of output) array built row by row."""
    tensors = [inp for _, inp in diff_inputs]
    n_out = output.numel()
    jacobians = [np.zeros((t.numel(), n_out)) for t in tensors]
    sizes_ok = True
    types_ok = True
    for r in range(n_out):
        with lib.no_grad():
            one_hot = lib.zeros_like(output).reshape(-1)
            one_hot[r] = 1.0
            one_hot = one_hot.reshape(output.shape)
        grads = lib.autograd.grad(
            output, tensors, grad_outputs=one_hot, retain_graph=True, allow_unused=True
        )
        for j, (grad, inp) in enumerate(zip(grads, tensors)):
            if grad is None:
                continue  # unused input: its row stays zero
            if grad.shape != inp.shape:
                sizes_ok = False
                continue
            if grad.dtype != inp.dtype:
                types_ok = False
            jacobians[j][:, r] = _to_array(grad)
    if not types_ok and check_grad_dtypes:
        raise GradcheckError("Gradient has dtype mismatch")
    if not sizes_ok:
        raise GradcheckError("Analytical gradient has incorrect size")
    return jacobians


def _check_reentrant(first, second, nondet_tol):
    for a, b in zip(first, second):
        # NaN differences compare False, as in torch, so they do not trip this.
        if a.size and np.abs(a - b).max() > nondet_tol:
            raise GradcheckError(
                "Backward is not reentrant, i.e., running backward twice with the "
                "same input and grad_output gave different values (allowed "
                f"nondeterminism nondet_tol={nondet_tol}). If this is expected, "
                "pass a larger nondet_tol."
            )


def _check_backward_scales_with_grad_output(lib, outputs, diff_inputs):
    # A zero grad_output must give zero gradients: catches backwards that
    # ignore grad_output, which one-hot rows cannot reveal for 1-element outputs.
    tensors = [inp for _, inp in diff_inputs]
    grads = lib.autograd.grad(
        outputs,
        tensors,
        grad_outputs=[lib.zeros_like(o) for o in outputs],
        allow_unused=True,
    )
    for grad, inp in zip(grads, tensors):
        if grad is None:
            continue
        if not np.all(_to_array(grad) == 0):
            raise GradcheckError("backward not multiplied by grad_output")
        if grad.dtype != inp.dtype:
            raise GradcheckError("grad is incorrect type")
        if grad.shape != inp.shape:
            raise GradcheckError("grad is incorrect size")


def _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_grad_dtypes):
    lib = _lib()
    inputs = _as_tuple(inputs)
    diff_inputs = _differentiable_inputs(lib, inputs)
    func_out = _as_tuple(func(*inputs))
    out_idx = [i for i, o in enumerate(func_out) if lib.is_tensor(o) and o.requires_grad]
    for i in out_idx:
        if getattr(func_out[i].dtype, "is_complex", False):
            raise NotImplementedError("gradcheck: complex outputs are not supported yet")

    numerical = _numerical_jacobians(lib, func, inputs, diff_inputs, func_out, eps)

    if not out_idx:
        # Nothing to back-propagate through, so the function must be constant.
        for per_output in numerical:
            for jac in per_output:
                if jac is not None and np.any(jac != 0):
                    raise GradcheckError("Numerical gradient for function expected to be zero")
        return True

    # The in-place perturbation bumped the inputs' version counters, which
    # invalidates the first graph for backward; rebuild it from the restored
    # inputs.
    func_out = _as_tuple(func(*inputs))
    # Indices in messages count differentiable outputs/inputs only, like torch.
    for i, oi in enumerate(out_idx):
        output = func_out[oi]
        analytical = _analytical_jacobians(lib, output, diff_inputs, check_grad_dtypes)
        again = _analytical_jacobians(lib, output, diff_inputs, check_grad_dtypes)
        _check_reentrant(analytical, again, nondet_tol)
        for j, (_, inp) in enumerate(diff_inputs):
            a = analytical[j]
            n = numerical[j][oi]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                raise GradcheckError(
                    f"Jacobian mismatch for output {i:d} with respect to input {j:d},\n"
                    f"numerical:{lib.tensor(n.tolist(), dtype=output.dtype)}\n"
                    f"analytical:{lib.tensor(a.tolist(), dtype=inp.dtype)}\n"
                )

    outputs = [func_out[oi] for oi in out_idx]
    _check_backward_scales_with_grad_output(lib, outputs, diff_inputs)
    # check_undefined_grad: torch also feeds "undefined" grad_outputs to the
    # backward; rtorch has no way to build one from Python, so that extra probe
    # is skipped (a None grad_output is already treated as zeros above).
    return True


def gradcheck(
    func,
    inputs,
    *,
    eps=1e-06,
    atol=1e-05,
    rtol=0.001,
    raise_exception=True,
    nondet_tol=0.0,
    check_undefined_grad=True,
    check_grad_dtypes=False,
    check_batched_grad=False,
    check_batched_forward_grad=False,
    check_forward_ad=False,
    check_backward_ad=True,
    fast_mode=False,
    masked=None,
):
    """Check analytical gradients of ``func`` against central differences.

    Returns True on success. On failure raises :class:`GradcheckError`, or
    returns False when ``raise_exception=False``.
    """
    _require(
        check_forward_ad or check_backward_ad,
        "Expected at least one of check_forward_ad or check_backward_ad to be True",
    )
    _require(
        check_backward_ad or not check_batched_grad,
        "Setting check_batched_grad=True requires check_backward_ad to be True",
    )
    _require(
        check_forward_ad or not check_batched_forward_grad,
        "Setting check_batched_forward_grad=True requires check_forward_ad to be True",
    )
    unsupported = {
        "check_forward_ad": check_forward_ad,
        "check_batched_grad": check_batched_grad,
        "check_batched_forward_grad": check_batched_forward_grad,
    }
    for name, value in unsupported.items():
        if value:
            raise NotImplementedError(
                f"gradcheck: {name}=True is not supported by rtorch yet (it needs "
                "forward-mode AD / vmap); pass it as False."
            )
    # fast_mode only trades accuracy of the check for speed (random projections
    # instead of full Jacobians); the full slow check is a strictly stronger
    # test, so we always run it. `masked` only matters for sparse inputs, which
    # rtorch does not have, so it has nothing to change here.
    del fast_mode, masked, check_undefined_grad
    try:
        return _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_grad_dtypes)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def gradgradcheck(
    func,
    inputs,
    grad_outputs=None,
    *,
    eps=1e-06,
    atol=1e-05,
    rtol=0.001,
    gen_non_contig_grad_outputs=False,
    raise_exception=True,
    nondet_tol=0.0,
    check_undefined_grad=True,
    check_grad_dtypes=False,
    check_batched_grad=False,
    check_fwd_over_rev=False,
    check_rev_over_rev=True,
    fast_mode=False,
    masked=False,
):
    """Check second derivatives by gradchecking the first-order gradients.

    The first-order gradients (w.r.t. the inputs requiring grad) are computed
    with ``create_graph=True`` for the given ``grad_outputs`` (seeded random
    float64 ones when omitted), and that function of (inputs, grad_outputs)
    is passed to :func:`gradcheck`.
    """
    _require(
        check_fwd_over_rev or check_rev_over_rev,
        "Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True",
    )
    for name, value in (
        ("check_undefined_grad", check_undefined_grad),
        ("check_batched_grad", check_batched_grad),
    ):
        _require(
            check_rev_over_rev or not value,
            f"Setting {name}=True requires check_rev_over_rev to be True",
        )
    if check_fwd_over_rev:
        raise NotImplementedError(
            "gradgradcheck: check_fwd_over_rev=True needs forward-mode AD, which "
            "rtorch does not support yet."
        )
    # gen_non_contig_grad_outputs only changes the memory layout of the grad
    # outputs, not their values; contiguous ones are used instead.
    del gen_non_contig_grad_outputs

    lib = _lib()
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        first = _as_tuple(func(*inputs))
        # Seeded, so that a failing gradgradcheck reproduces from run to run;
        # float64 draws, cast to each output's dtype (autograd expects that).
        gen = lib.Generator().manual_seed(0)
        grad_outputs = tuple(
            lib.randn(tuple(o.shape), dtype=lib.float64, generator=gen)
            .to(o.dtype if o.is_floating_point() else lib.float64)
            .requires_grad_(True)
            for o in first
            if lib.is_tensor(o) and o.requires_grad
        )
    else:
        grad_outputs = _as_tuple(grad_outputs)
    all_args = inputs + tuple(grad_outputs)
    n_inputs = len(inputs)

    # gradcheck hands the wrapper perturbed copies, so which arguments need
    # requires_grad is remembered here rather than read off the arguments.
    needs_grad = [lib.is_tensor(x) and x.requires_grad for x in all_args]

    def first_order_grads(*args):
        args = [x.requires_grad_() if need else x for x, need in zip(args, needs_grad)]
        ins, gos = args[:n_inputs], args[n_inputs:]
        outs = [o for o in _as_tuple(func(*ins)) if lib.is_tensor(o) and o.requires_grad]
        wrt = [x for x, need in zip(ins, needs_grad) if need]
        grads = lib.autograd.grad(outs, wrt, grad_outputs=gos, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(
        first_order_grads,
        all_args,
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
        nondet_tol=nondet_tol,
        check_undefined_grad=check_undefined_grad,
        check_grad_dtypes=check_grad_dtypes,
        check_batched_grad=check_batched_grad,
        check_forward_ad=False,
        check_backward_ad=check_rev_over_rev,
        fast_mode=fast_mode,
        masked=masked,
    )
