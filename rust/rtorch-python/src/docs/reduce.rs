//! Docstrings of `tensor/reduce.rs` (reductions, scans, softmax).

/// The arguments every `dim`/`keepdim` reduction shares.
macro_rules! reduce_args {
    () => {
        "Args:\n    input (Tensor): the input tensor.\n    dim (int or tuple of ints, optional): \
         the dimension(s) to reduce; all of them when None.\n    keepdim (bool): keep the \
         reduced dimensions with size 1.\n"
    };
}

macro_rules! doc_reduce {
    (sum) => { concat!(r#"sum(input, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor

The sum of the elements of ``input`` over ``dim`` (all of them when None). Integer and
bool inputs sum in int64 unless ``dtype`` says otherwise. numpy's ``axis=``/``keepdims=``
are accepted. Also the method ``Tensor.sum``.

"#, reduce_args!(), r#"
Keyword args:
    dtype (rtorch.dtype, optional): the dtype to cast to before summing.
    out (Tensor, optional): the output tensor.

Example::

    >>> x = rtorch.tensor([[1., 2.], [3., 4.]])
    >>> rtorch.sum(x)
    tensor(10.)
    >>> x.sum(dim=0)
    tensor([4., 6.])
"#) };
    (mean) => { concat!(r#"mean(input, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor

The arithmetic mean of the elements of ``input`` over ``dim`` (all of them when None);
``input`` must be floating point, or ``dtype`` must be given. Also the method
``Tensor.mean``.

"#, reduce_args!(), r#"
Keyword args:
    dtype (rtorch.dtype, optional): the dtype to cast to before averaging.
    out (Tensor, optional): the output tensor.

Example::

    >>> x = rtorch.tensor([[1., 2.], [3., 4.]])
    >>> rtorch.mean(x)
    tensor(2.5000)
    >>> x.mean(dim=1, keepdim=True)
    tensor([[1.5000],
            [3.5000]])
"#) };
    (prod) => { concat!("prod(input, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor\n\nThe product of the elements of ``input`` over ``dim`` (one int) or of all of them. Integer and bool inputs multiply in int64 unless ``dtype`` says otherwise.\n\n", reduce_args!(), "\nKeyword args:\n    dtype (rtorch.dtype, optional): the dtype to cast to first.\n    out (Tensor, optional): the output tensor.\n") };
    (max) => { "max(input, dim=None, keepdim=False, *, out=None) -> Tensor or (Tensor, Tensor)\n\nWithout ``dim`` the largest element (a 0-dim tensor); with an int ``dim`` the named tuple ``(values, indices)`` of the largest elements along it. NaN is the largest value. ``max(input, other)`` is ``maximum``.\n\nArgs:\n    input (Tensor): the input tensor.\n    dim (int, optional): the dimension to reduce.\n    keepdim (bool): keep the reduced dimension with size 1.\n\nKeyword args:\n    out (Tensor or tuple, optional): the output tensor(s).\n" };
    (min) => { "min(input, dim=None, keepdim=False, *, out=None) -> Tensor or (Tensor, Tensor)\n\nWithout ``dim`` the smallest element (a 0-dim tensor); with an int ``dim`` the named tuple ``(values, indices)`` of the smallest elements along it. NaN is the smallest value. ``min(input, other)`` is ``minimum``.\n\nArgs:\n    input (Tensor): the input tensor.\n    dim (int, optional): the dimension to reduce.\n    keepdim (bool): keep the reduced dimension with size 1.\n\nKeyword args:\n    out (Tensor or tuple, optional): the output tensor(s).\n" };
    (amax) => { concat!("amax(input, dim=(), keepdim=False, *, out=None) -> Tensor\n\nThe largest values of ``input`` over ``dim`` (all dimensions when empty or None), without indices; the gradient is shared evenly among equal maxima.\n\n", reduce_args!(), "\nKeyword args:\n    out (Tensor, optional): the output tensor.\n") };
    (amin) => { concat!("amin(input, dim=(), keepdim=False, *, out=None) -> Tensor\n\nThe smallest values of ``input`` over ``dim`` (all dimensions when empty or None), without indices; the gradient is shared evenly among equal minima.\n\n", reduce_args!(), "\nKeyword args:\n    out (Tensor, optional): the output tensor.\n") };
    (argmax) => { "argmax(input, dim=None, keepdim=False, *, out=None) -> Tensor\n\nThe int64 index of the largest element along ``dim``, or in the flattened ``input`` when ``dim`` is None (the first one on ties).\n\nArgs:\n    input (Tensor): the input tensor.\n    dim (int, optional): the dimension to reduce.\n    keepdim (bool): keep the reduced dimension with size 1.\n" };
    (argmin) => { "argmin(input, dim=None, keepdim=False, *, out=None) -> Tensor\n\nThe int64 index of the smallest element along ``dim``, or in the flattened ``input`` when ``dim`` is None (the first one on ties).\n\nArgs:\n    input (Tensor): the input tensor.\n    dim (int, optional): the dimension to reduce.\n    keepdim (bool): keep the reduced dimension with size 1.\n" };
    (var) => { concat!("var(input, dim=None, unbiased=True, keepdim=False, *, correction=1, out=None) -> Tensor\n\nThe variance over ``dim``: ``sum((x - mean)^2) / (N - correction)``. ``unbiased=False`` is ``correction=0``.\n\n", reduce_args!(), "    unbiased (bool): Bessel's correction (the older spelling of ``correction``).\n\nKeyword args:\n    correction (int): subtracted from the element count ``N``.\n") };
    (std) => { concat!("std(input, dim=None, unbiased=True, keepdim=False, *, correction=1, out=None) -> Tensor\n\nThe standard deviation over ``dim``: the square root of ``var`` with the same arguments.\n\n", reduce_args!(), "    unbiased (bool): Bessel's correction (the older spelling of ``correction``).\n\nKeyword args:\n    correction (int): subtracted from the element count ``N``.\n") };
    (norm) => { "norm(input, p='fro', dim=None, keepdim=False, dtype=None, *, out=None) -> Tensor\n\nThe vector ``p``-norm of ``input`` over ``dim`` (all elements when None): ``sum(|x|^p)^(1/p)``; ``'fro'`` is the 2-norm, ``inf``/``-inf`` the largest/smallest ``|x|``.\n\nArgs:\n    input (Tensor): a floating-point tensor.\n    p (float or str): the order of the norm.\n    dim (int or tuple of ints, optional): the dimension(s) to reduce.\n    keepdim (bool): keep the reduced dimensions with size 1.\n    dtype (rtorch.dtype, optional): the dtype to cast to first.\n" };
    (logsumexp) => { concat!("logsumexp(input, dim, keepdim=False, *, out=None) -> Tensor\n\n``log(sum(exp(input)))`` over ``dim``, computed without overflow (the maximum is taken out first).\n\n", reduce_args!(), "\nKeyword args:\n    out (Tensor, optional): the output tensor.\n") };
    (all) => { concat!("all(input, dim=None, keepdim=False) -> Tensor\n\nTrue if every element over ``dim`` (or of all ``input``) is non-zero; a bool tensor (uint8 for uint8 input).\n\n", reduce_args!()) };
    (any) => { concat!("any(input, dim=None, keepdim=False) -> Tensor\n\nTrue if some element over ``dim`` (or of all ``input``) is non-zero; a bool tensor (uint8 for uint8 input).\n\n", reduce_args!()) };
    (cumsum) => { "cumsum(input, dim, *, dtype=None, out=None) -> Tensor\n\nThe running sum along ``dim``: ``out_i = input_1 + ... + input_i``. Integer and bool inputs sum in int64 unless ``dtype`` says otherwise.\n\nArgs:\n    input (Tensor): the input tensor.\n    dim (int): the dimension to scan.\n\nKeyword args:\n    dtype (rtorch.dtype, optional): the dtype to cast to first.\n    out (Tensor, optional): the output tensor.\n" };
    (cumprod) => { "cumprod(input, dim, *, dtype=None, out=None) -> Tensor\n\nThe running product along ``dim``: ``out_i = input_1 * ... * input_i``. Integer and bool inputs multiply in int64 unless ``dtype`` says otherwise.\n\nArgs:\n    input (Tensor): the input tensor.\n    dim (int): the dimension to scan.\n\nKeyword args:\n    dtype (rtorch.dtype, optional): the dtype to cast to first.\n    out (Tensor, optional): the output tensor.\n" };
    (softmax) => { "softmax(input, dim, dtype=None, *, out=None) -> Tensor\n\n``exp(x_i) / sum_j exp(x_j)`` along ``dim``: each slice becomes positive and sums to 1 (the maximum is taken out first, so large inputs do not overflow).\n\nArgs:\n    input (Tensor): the input tensor.\n    dim (int): the dimension to normalise.\n    dtype (rtorch.dtype, optional): the dtype to cast to first.\n" };
    (log_softmax) => { "log_softmax(input, dim, dtype=None, *, out=None) -> Tensor\n\n``x_i - log(sum_j exp(x_j))`` along ``dim``: the logarithm of ``softmax``, computed directly for accuracy.\n\nArgs:\n    input (Tensor): the input tensor.\n    dim (int): the dimension to normalise.\n    dtype (rtorch.dtype, optional): the dtype to cast to first.\n" };
}
