//! Docstrings of `tensor/math.rs` (pointwise math, products) and `tensor/blas.rs`.

/// A unary op's docstring: the function form, what it computes, its arguments.
macro_rules! unary_text {
    ($name:literal, $what:literal) => {
        concat!(
            $name,
            "(input, *, out=None) -> Tensor\n\n",
            $what,
            "\n\nAlso the method ``Tensor.",
            $name,
            "()``; ``Tensor.",
            $name,
            "_()`` works in place.\n\nArgs:\n    input (Tensor): the input tensor.\n\n",
            "Keyword args:\n    out (Tensor, optional): the output tensor.\n"
        )
    };
}

macro_rules! doc_unary {
    (neg) => { unary_text!("neg", "Negates each element: ``out_i = -input_i``.") };
    (abs) => { unary_text!("abs", "The absolute value of each element: ``out_i = |input_i|``.") };
    (sign) => { unary_text!("sign", "-1, 0 or 1 for each element, by its sign (a bool input stays bool).") };
    (exp) => { unary_text!("exp", "The exponential of each element: ``out_i = e ** input_i``. Integer inputs give the default float dtype.") };
    (expm1) => { unary_text!("expm1", "``exp(input_i) - 1``, accurate near zero.") };
    (log) => { unary_text!("log", "The natural logarithm of each element (NaN below zero, -inf at zero).") };
    (log1p) => { unary_text!("log1p", "``log(1 + input_i)``, accurate near zero.") };
    (log2) => { unary_text!("log2", "The base-2 logarithm of each element.") };
    (log10) => { unary_text!("log10", "The base-10 logarithm of each element.") };
    (sqrt) => { unary_text!("sqrt", "The square root of each element (NaN below zero).") };
    (rsqrt) => { unary_text!("rsqrt", "The reciprocal of the square root of each element: ``1 / sqrt(input_i)``.") };
    (square) => { unary_text!("square", "Each element squared: ``input_i * input_i``.") };
    (sin) => { unary_text!("sin", "The sine of each element (radians).") };
    (cos) => { unary_text!("cos", "The cosine of each element (radians).") };
    (tan) => { unary_text!("tan", "The tangent of each element (radians).") };
    (asin) => { unary_text!("asin", "The arcsine of each element, in radians (NaN outside [-1, 1]).") };
    (acos) => { unary_text!("acos", "The arccosine of each element, in radians (NaN outside [-1, 1]).") };
    (atan) => { unary_text!("atan", "The arctangent of each element, in radians.") };
    (sinh) => { unary_text!("sinh", "The hyperbolic sine of each element.") };
    (cosh) => { unary_text!("cosh", "The hyperbolic cosine of each element.") };
    (tanh) => { unary_text!("tanh", "The hyperbolic tangent of each element.") };
    (sigmoid) => { unary_text!("sigmoid", "The logistic function of each element: ``1 / (1 + exp(-input_i))``.") };
    (relu) => { unary_text!("relu", "Each element clamped below at zero: ``max(input_i, 0)``.") };
    (erf) => { unary_text!("erf", "The Gauss error function of each element.") };
    (erfc) => { unary_text!("erfc", "The complementary error function of each element: ``1 - erf(input_i)``, accurate where erf is close to 1.") };
    (reciprocal) => { unary_text!("reciprocal", "``1 / input_i``; integer inputs give the default float dtype.") };
    (floor) => { unary_text!("floor", "Each element rounded down to an integer value (integers unchanged).") };
    (ceil) => { unary_text!("ceil", "Each element rounded up to an integer value (integers unchanged).") };
    (trunc) => { unary_text!("trunc", "Each element rounded toward zero to an integer value.") };
    (frac) => { unary_text!("frac", "The fractional part of each element: ``input_i - trunc(input_i)``.") };
    (logical_not) => { unary_text!("logical_not", "True where an element is zero, False elsewhere (a bool tensor).") };
    (bitwise_not) => { unary_text!("bitwise_not", "The bitwise NOT of each element of an integer or bool tensor.") };
}

/// The in-place form of a unary op (generated with the op in `unary_methods!`).
macro_rules! doc_unary_inplace {
    ($name:ident) => {
        concat!(
            stringify!($name),
            "_() -> Tensor\n\nIn-place form of ``Tensor.",
            stringify!($name),
            "()``: writes the result into this tensor and returns it.\n"
        )
    };
}

/// A binary op's docstring; `$other` describes the second operand.
macro_rules! binary_text {
    ($name:literal, $other:literal, $what:literal) => {
        concat!(
            $name,
            "(input, other, *, out=None) -> Tensor\n\n",
            $what,
            "\n\n``input`` and ``other`` broadcast to a common shape and promote to a ",
            "common dtype. Also the method ``Tensor.",
            $name,
            "(other)``; ``Tensor.",
            $name,
            "_(other)`` works in place.\n\nArgs:\n    input (Tensor): the first operand.\n",
            "    other (",
            $other,
            "): the second operand.\n\n",
            "Keyword args:\n    out (Tensor, optional): the output tensor.\n"
        )
    };
}

macro_rules! doc_binary {
    (mul) => { concat!(binary_text!("mul", "Tensor or Number", "The elementwise product: ``out_i = input_i * other_i``."), r#"
Example::

    >>> a = rtorch.tensor([1., 2., 3.])
    >>> rtorch.mul(a, a)
    tensor([1., 4., 9.])
    >>> a * 2
    tensor([2., 4., 6.])
"#) };
    (floor_divide) => { binary_text!("floor_divide", "Tensor or Number", "``input_i / other_i`` rounded down (toward -inf), in the promoted dtype.") };
    (remainder) => { binary_text!("remainder", "Tensor or Number", "The Python-style modulus: ``input_i - floor(input_i / other_i) * other_i``, with the sign of ``other``.") };
    (fmod) => { binary_text!("fmod", "Tensor or Number", "The C-style remainder of ``input_i / other_i``, with the sign of ``input``.") };
    (pow) => { concat!("pow(input, exponent, *, out=None) -> Tensor\n\n",
        "Raises each element of ``input`` to ``exponent`` (a tensor or a number): ",
        "``out_i = input_i ** exponent_i``. The operands broadcast and promote; ",
        "``rtorch.pow`` also takes a number as ``input``. Also the method ",
        "``Tensor.pow(exponent)``; ``Tensor.pow_(exponent)`` works in place.\n\n",
        "Args:\n    input (Tensor or Number): the base.\n    exponent (Tensor or Number): the exponent.\n\n",
        "Keyword args:\n    out (Tensor, optional): the output tensor.\n") };
    (atan2) => { binary_text!("atan2", "Tensor", "The angle of the point ``(other_i, input_i)``: the arctangent of ``input_i / other_i`` in the right quadrant.") };
    (maximum) => { binary_text!("maximum", "Tensor", "The larger of each pair of elements (NaN if either is NaN).") };
    (minimum) => { binary_text!("minimum", "Tensor", "The smaller of each pair of elements (NaN if either is NaN).") };
    (eq) => { binary_text!("eq", "Tensor or Number", "``input_i == other_i`` as a bool tensor.") };
    (ne) => { binary_text!("ne", "Tensor or Number", "``input_i != other_i`` as a bool tensor.") };
    (lt) => { binary_text!("lt", "Tensor or Number", "``input_i < other_i`` as a bool tensor.") };
    (le) => { binary_text!("le", "Tensor or Number", "``input_i <= other_i`` as a bool tensor.") };
    (gt) => { binary_text!("gt", "Tensor or Number", "``input_i > other_i`` as a bool tensor.") };
    (ge) => { binary_text!("ge", "Tensor or Number", "``input_i >= other_i`` as a bool tensor.") };
    (logical_and) => { binary_text!("logical_and", "Tensor", "True where both elements are non-zero (a bool tensor).") };
    (logical_or) => { binary_text!("logical_or", "Tensor", "True where either element is non-zero (a bool tensor).") };
    (logical_xor) => { binary_text!("logical_xor", "Tensor", "True where exactly one of the two elements is non-zero (a bool tensor).") };
    (bitwise_and) => { binary_text!("bitwise_and", "Tensor or Number", "The bitwise AND of integer or bool elements.") };
    (bitwise_or) => { binary_text!("bitwise_or", "Tensor or Number", "The bitwise OR of integer or bool elements.") };
    (bitwise_xor) => { binary_text!("bitwise_xor", "Tensor or Number", "The bitwise XOR of integer or bool elements.") };
    (bitwise_left_shift) => { binary_text!("bitwise_left_shift", "Tensor or Number", "Each integer element shifted left by ``other_i`` bits: ``input_i << other_i``.") };
    (bitwise_right_shift) => { binary_text!("bitwise_right_shift", "Tensor or Number", "Each integer element shifted right (arithmetically) by ``other_i`` bits: ``input_i >> other_i``.") };
    (add) => { r#"add(input, other, *, alpha=1, out=None) -> Tensor

Adds ``other``, scaled by ``alpha``, to ``input``: ``out_i = input_i + alpha * other_i``.

``input`` and ``other`` broadcast to a common shape and promote to a common dtype;
``rtorch.add`` also takes a number as ``input``. Also the method
``Tensor.add(other, *, alpha=1)``; ``Tensor.add_`` works in place.

Args:
    input (Tensor or Number): the first operand.
    other (Tensor or Number): the operand to add.

Keyword args:
    alpha (Number): the multiplier of ``other``.
    out (Tensor, optional): the output tensor.

Example::

    >>> a = rtorch.tensor([1., 2., 3.])
    >>> rtorch.add(a, 10)
    tensor([11., 12., 13.])
    >>> rtorch.add(a, a, alpha=2)
    tensor([3., 6., 9.])
"# };
    (sub) => { r#"sub(input, other, *, alpha=1, out=None) -> Tensor

Subtracts ``other``, scaled by ``alpha``, from ``input``: ``out_i = input_i - alpha * other_i``.

``input`` and ``other`` broadcast to a common shape and promote to a common dtype;
``rtorch.sub`` also takes a number as ``input``. Bool operands are refused (use
``logical_xor``). Also the method ``Tensor.sub(other, *, alpha=1)``; ``Tensor.sub_`` works
in place.

Args:
    input (Tensor or Number): the first operand.
    other (Tensor or Number): the operand to subtract.

Keyword args:
    alpha (Number): the multiplier of ``other``.
    out (Tensor, optional): the output tensor.

Example::

    >>> a = rtorch.tensor([5, 7])
    >>> rtorch.sub(a, 2)
    tensor([3, 5])
    >>> rtorch.sub(a, a, alpha=2)
    tensor([-5, -7])
"# };
    (div) => { r#"div(input, other, *, rounding_mode=None, out=None) -> Tensor

Divides ``input`` by ``other`` elementwise. Without ``rounding_mode`` it is true division
(integer inputs give the default float dtype); ``"trunc"`` rounds the quotient toward zero
and ``"floor"`` toward -inf, keeping integer dtypes.

``input`` and ``other`` broadcast to a common shape and promote to a common dtype;
``rtorch.div`` also takes a number as ``input``. Also the method
``Tensor.div(other, *, rounding_mode=None)``; ``Tensor.div_`` works in place.

Args:
    input (Tensor or Number): the dividend.
    other (Tensor or Number): the divisor.

Keyword args:
    rounding_mode (str, optional): None, ``"trunc"`` or ``"floor"``.
    out (Tensor, optional): the output tensor.

Example::

    >>> a = rtorch.tensor([5, -5])
    >>> rtorch.div(a, 2)
    tensor([ 2.5000, -2.5000])
    >>> rtorch.div(a, 2, rounding_mode="floor")
    tensor([ 2, -3])
"# };
}

/// The in-place form of a binary op (generated with the op in `binary_methods!`).
macro_rules! doc_binary_inplace {
    ($name:ident) => {
        concat!(
            stringify!($name),
            "_(other) -> Tensor\n\nIn-place form of ``Tensor.",
            stringify!($name),
            "(other)``: writes the result into this tensor (``other`` broadcasts to its ",
            "shape, the result must fit its dtype) and returns it.\n"
        )
    };
}

macro_rules! doc_math {
    (add_) => { "add_(other, *, alpha=1) -> Tensor\n\nIn-place form of ``Tensor.add``: adds ``alpha * other`` to this tensor and returns it.\n" };
    (sub_) => { "sub_(other, *, alpha=1) -> Tensor\n\nIn-place form of ``Tensor.sub``: subtracts ``alpha * other`` from this tensor and returns it.\n" };
    (addcmul_) => { "addcmul_(tensor1, tensor2, *, value=1) -> Tensor\n\nIn-place form of ``Tensor.addcmul``: adds ``value * tensor1 * tensor2`` to this tensor and returns it.\n" };
    (addcdiv_) => { "addcdiv_(tensor1, tensor2, *, value=1) -> Tensor\n\nIn-place form of ``Tensor.addcdiv``: adds ``value * tensor1 / tensor2`` to this tensor and returns it.\n" };
    (div_) => { "div_(other, *, rounding_mode=None) -> Tensor\n\nIn-place form of ``Tensor.div``: divides this tensor by ``other`` and returns it (true division needs a float tensor).\n" };
    (clamp) => { r#"clamp(input, min=None, max=None, *, out=None) -> Tensor

Clamps each element into ``[min, max]``: ``out_i = min(max(input_i, min), max)``. Either
bound may be None (not both); a bound may be a number or a tensor that broadcasts. When
``min > max`` every element becomes ``max``. Also the method ``Tensor.clamp``; ``clip`` is
an alias.

Args:
    input (Tensor): the input tensor.
    min (Number or Tensor, optional): the lower bound.
    max (Number or Tensor, optional): the upper bound.
"# };
    (clip) => { "clip(input, min=None, max=None, *, out=None) -> Tensor\n\nAlias of ``clamp``.\n" };
    (clamp_) => { "clamp_(min=None, max=None) -> Tensor\n\nIn-place form of ``Tensor.clamp``.\n" };
    (clamp_min_) => { "clamp_min_(min) -> Tensor\n\nIn-place form of ``Tensor.clamp_min``.\n" };
    (clamp_max_) => { "clamp_max_(max) -> Tensor\n\nIn-place form of ``Tensor.clamp_max``.\n" };
    (clamp_min) => { "clamp_min(input, min, *, out=None) -> Tensor\n\nClamps each element below at ``min`` (a number or a tensor): ``max(input_i, min)``.\n\nArgs:\n    input (Tensor): the input tensor.\n    min (Number or Tensor): the lower bound.\n" };
    (clamp_max) => { "clamp_max(input, max, *, out=None) -> Tensor\n\nClamps each element above at ``max`` (a number or a tensor): ``min(input_i, max)``.\n\nArgs:\n    input (Tensor): the input tensor.\n    max (Number or Tensor): the upper bound.\n" };
    (lerp) => { "lerp(input, end, weight, *, out=None) -> Tensor\n\nLinear interpolation from ``input`` to ``end``: ``input_i + weight_i * (end_i - input_i)``. The three broadcast; ``weight`` is a number or a tensor.\n\nArgs:\n    input (Tensor): the start points.\n    end (Tensor): the end points.\n    weight (Number or Tensor): the interpolation weight.\n" };
    (where_method) => { "where(condition, other) -> Tensor\n\nThe method form of ``rtorch.where(condition, self, other)``: elements of this tensor where ``condition`` is True, of ``other`` elsewhere.\n\nArgs:\n    condition (Tensor): a bool tensor.\n    other (Tensor or Number): the values where ``condition`` is False.\n" };
    (masked_fill) => { "masked_fill(mask, value) -> Tensor\n\nA copy of this tensor with ``value`` wherever the bool ``mask`` (broadcast to this tensor's shape) is True.\n\nArgs:\n    mask (Tensor): a bool tensor.\n    value (Number or 0-dim Tensor): the fill value.\n" };
    (masked_fill_) => { "masked_fill_(mask, value) -> Tensor\n\nIn-place form of ``Tensor.masked_fill``.\n" };
    (addcmul) => { "addcmul(input, tensor1, tensor2, *, value=1, out=None) -> Tensor\n\n``input + value * tensor1 * tensor2``, elementwise, the three broadcast.\n\nArgs:\n    input (Tensor): the tensor to add to.\n    tensor1 (Tensor): the first factor.\n    tensor2 (Tensor): the second factor.\n\nKeyword args:\n    value (Number): the multiplier of the product.\n" };
    (addcdiv) => { "addcdiv(input, tensor1, tensor2, *, value=1, out=None) -> Tensor\n\n``input + value * tensor1 / tensor2``, elementwise, the three broadcast (integer division is refused).\n\nArgs:\n    input (Tensor): the tensor to add to.\n    tensor1 (Tensor): the numerator.\n    tensor2 (Tensor): the denominator.\n\nKeyword args:\n    value (Number): the multiplier of the quotient.\n" };
    (nan_to_num) => { "nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None) -> Tensor\n\nReplaces NaN by ``nan``, +inf by ``posinf`` and -inf by ``neginf`` (by default the dtype's largest and lowest finite values).\n\nArgs:\n    input (Tensor): the input tensor.\n    nan (float): the value for NaN.\n    posinf (float, optional): the value for +inf.\n    neginf (float, optional): the value for -inf.\n" };
    (round) => { "round(input, *, decimals=0, out=None) -> Tensor\n\nRounds each element to ``decimals`` decimal places, halves to even.\n\nArgs:\n    input (Tensor): the input tensor.\n\nKeyword args:\n    decimals (int): the number of decimal places (negative rounds left of the point).\n" };
    (round_) => { "round_(*, decimals=0) -> Tensor\n\nIn-place form of ``Tensor.round``.\n" };
    (isnan) => { "isnan(input) -> Tensor\n\nA bool tensor, True where ``input`` is NaN.\n\nArgs:\n    input (Tensor): the input tensor.\n" };
    (isinf) => { "isinf(input) -> Tensor\n\nA bool tensor, True where ``input`` is +inf or -inf.\n\nArgs:\n    input (Tensor): the input tensor.\n" };
    (isfinite) => { "isfinite(input) -> Tensor\n\nA bool tensor, True where ``input`` is neither NaN nor infinite.\n\nArgs:\n    input (Tensor): the input tensor.\n" };
    (mm) => { r#"mm(input, mat2, *, out=None) -> Tensor

The matrix product of the ``(n, m)`` matrix ``input`` and the ``(m, p)`` matrix ``mat2``,
an ``(n, p)`` matrix. No broadcasting (see ``matmul``); both must have the same dtype.
Also the method ``Tensor.mm(mat2)``.

Args:
    input (Tensor): the first matrix.
    mat2 (Tensor): the second matrix.

Keyword args:
    out (Tensor, optional): the output tensor.

Example::

    >>> a = rtorch.tensor([[1., 2.], [3., 4.]])
    >>> rtorch.mm(a, rtorch.eye(2))
    tensor([[1., 2.],
            [3., 4.]])
"# };
    (bmm) => { "bmm(input, mat2, *, out=None) -> Tensor\n\nBatched matrix product: ``(b, n, m) @ (b, m, p) -> (b, n, p)``, one product per batch entry, no broadcasting.\n\nArgs:\n    input (Tensor): the first batch of matrices.\n    mat2 (Tensor): the second batch of matrices.\n\nKeyword args:\n    out (Tensor, optional): the output tensor.\n" };
    (matmul) => { r#"matmul(input, other, *, out=None) -> Tensor

The matrix product of two tensors (the ``@`` operator), by their dimensions: 1-D with 1-D
is the dot product, 2-D with 2-D the matrix product, a 1-D operand is a vector that
gains then loses a dimension, and beyond 2-D the leading (batch) dimensions broadcast.
Also the method ``Tensor.matmul(other)``.

Args:
    input (Tensor): the first operand.
    other (Tensor): the second operand.

Keyword args:
    out (Tensor, optional): the output tensor.

Example::

    >>> a = rtorch.tensor([[1., 2.], [3., 4.]])
    >>> rtorch.matmul(a, rtorch.tensor([1., 1.]))
    tensor([3., 7.])
    >>> (a @ a).shape
    torch.Size([2, 2])
"# };
    (mv) => { "mv(input, vec, *, out=None) -> Tensor\n\nThe product of the ``(n, m)`` matrix ``input`` and the length-``m`` vector ``vec``, a length-``n`` vector.\n\nArgs:\n    input (Tensor): the matrix.\n    vec (Tensor): the vector.\n\nKeyword args:\n    out (Tensor, optional): the output tensor.\n" };
    (dot) => { "dot(input, other, *, out=None) -> Tensor\n\nThe dot product of two 1-D tensors of the same length and dtype, a 0-dim tensor.\n\nArgs:\n    input (Tensor): the first vector.\n    other (Tensor): the second vector.\n\nKeyword args:\n    out (Tensor, optional): the output tensor.\n" };
    (outer) => { "outer(input, vec2, *, out=None) -> Tensor\n\nThe outer product of two 1-D tensors: ``out[i, j] = input[i] * vec2[j]``.\n\nArgs:\n    input (Tensor): the first vector.\n    vec2 (Tensor): the second vector.\n\nKeyword args:\n    out (Tensor, optional): the output tensor.\n" };
    (ger) => { "ger(input, vec2) -> Tensor\n\nAlias of ``outer``.\n" };
    (nonzero) => { "nonzero(input, *, as_tuple=False, out=None) -> Tensor or tuple of Tensors\n\nThe indices of the non-zero elements: an ``(n, input.ndim)`` int64 tensor, one row per element in row-major order, or with ``as_tuple`` one 1-D index tensor per dimension (what ``rtorch.where(condition)`` returns).\n\nArgs:\n    input (Tensor): the input tensor.\n\nKeyword args:\n    as_tuple (bool): return a tuple of index tensors.\n" };
    (argwhere) => { "argwhere(input) -> Tensor\n\nThe ``(n, input.ndim)`` indices of the non-zero elements, as ``nonzero(input)``.\n\nArgs:\n    input (Tensor): the input tensor.\n" };
}

/// The `add*` BLAS family: one text for the method and the `rtorch` function.
macro_rules! blas_text {
    ($name:literal, $a:literal, $b:literal, $what:literal) => {
        concat!(
            $name,
            "(input, ",
            $a,
            ", ",
            $b,
            ", *, beta=1, alpha=1, out=None) -> Tensor\n\n",
            $what,
            "\n\n``input`` broadcasts to the product's shape; with ``beta=0`` it is ignored ",
            "(NaN and inf in it do not propagate). Also the method ``Tensor.",
            $name,
            "`` (without ``out``); ``Tensor.",
            $name,
            "_`` works in place. The 2018 overloads ",
            "that take ``beta`` and ``alpha`` positionally first still work, with a ",
            "deprecation warning.\n\nArgs:\n    input (Tensor): the tensor to add.\n    ",
            $a,
            " (Tensor): the first factor.\n    ",
            $b,
            " (Tensor): the second factor.\n\n",
            "Keyword args:\n    beta (Number): the multiplier of ``input``.\n",
            "    alpha (Number): the multiplier of the product.\n",
            "    out (Tensor, optional): the output tensor.\n"
        )
    };
}

macro_rules! doc_blas {
    (addmm) => { blas_text!("addmm", "mat1", "mat2", "``beta * input + alpha * (mat1 @ mat2)`` for matrices ``(n, m)`` and ``(m, p)``.") };
    (addmv) => { blas_text!("addmv", "mat", "vec", "``beta * input + alpha * (mat @ vec)`` for a matrix ``(n, m)`` and a vector ``(m)``.") };
    (addr) => { blas_text!("addr", "vec1", "vec2", "``beta * input + alpha * outer(vec1, vec2)`` for vectors ``(n)`` and ``(m)``.") };
    (addbmm) => { blas_text!("addbmm", "batch1", "batch2", "``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``: the batch of products ``(b, n, m) @ (b, m, p)`` summed into one ``(n, p)`` matrix.") };
    (baddbmm) => { blas_text!("baddbmm", "batch1", "batch2", "``beta * input + alpha * (batch1 @ batch2)``, one product per batch entry: ``(b, n, m) @ (b, m, p) -> (b, n, p)``.") };
}
