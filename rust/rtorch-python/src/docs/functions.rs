//! Docstrings of `functions/` (creation, joining, runtime, random).

/// The keyword arguments every factory takes.
macro_rules! factory_kwargs {
    () => {
        "Keyword args:\n    dtype (rtorch.dtype, optional): the dtype of the result (the default \
         float dtype when None).\n    device (rtorch.device, optional): the device (CPU).\n    \
         requires_grad (bool): whether autograd records operations on the result.\n    \
         layout (rtorch.layout, optional): only ``rtorch.strided``.\n    pin_memory \
         (bool): only False (pinned memory needs an accelerator).\n    out (Tensor, \
         optional): the output tensor.\n"
    };
}

/// The keyword arguments of the `*_like` factories.
macro_rules! like_kwargs {
    () => {
        "Keyword args:\n    dtype (rtorch.dtype, optional): the dtype (``input``'s when None).\n    \
         device (rtorch.device, optional): the device (``input``'s when None).\n    \
         requires_grad (bool): whether autograd records operations on the result.\n    \
         layout (rtorch.layout, optional): only ``rtorch.strided``.\n    pin_memory \
         (bool): only False (pinned memory needs an accelerator).\n    memory_format \
         (rtorch.memory_format, optional): the stride order of the result: \
         ``preserve_format`` keeps ``input``'s, ``channels_last`` is NHWC in memory.\n"
    };
}

/// A factory filled with one value: `zeros`, `ones`, `empty`.
macro_rules! filled_text {
    ($name:literal, $what:literal, $example:literal) => {
        concat!(
            $name,
            "(*size, *, out=None, dtype=None, layout=None, device=None, ",
            "pin_memory=False, requires_grad=False) -> Tensor\n\nA tensor of shape ``size`` ",
            $what,
            "\n\nArgs:\n    size (ints or tuple of ints): the shape of the result.\n\n",
            factory_kwargs!(),
            $example
        )
    };
}

macro_rules! like_text {
    ($name:literal, $args:literal, $what:literal) => {
        concat!(
            $name,
            "(input, ",
            $args,
            "*, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False, ",
            "memory_format=rtorch.preserve_format) -> Tensor\n\nA tensor of ",
            "``input``'s shape (and, by default, dtype and device) ",
            $what,
            "\n\nArgs:\n    input (Tensor): the tensor whose shape to take.\n\n",
            like_kwargs!()
        )
    };
}

macro_rules! doc_functions {
    (tensor) => { "tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor\n\nA new tensor holding a copy of ``data``: a number, nested lists or tuples of numbers, a NumPy array or a tensor. The dtype is inferred when not given (bool, int64, or the default float dtype).\n\nArgs:\n    data: the values.\n\nKeyword args:\n    dtype (rtorch.dtype, optional): the dtype of the result.\n    device (rtorch.device, optional): the device.\n    requires_grad (bool): whether autograd records operations on the result.\n    pin_memory (bool): refused when True (no CUDA).\n" };
    (as_tensor) => { "as_tensor(data, dtype=None, device=None) -> Tensor\n\n``data`` as a tensor, sharing memory when it already is one (or a NumPy array) of the requested dtype and device, copying otherwise.\n\nArgs:\n    data: a tensor, a NumPy array, a number or nested sequences.\n    dtype (rtorch.dtype, optional): the dtype of the result.\n    device (rtorch.device, optional): the device.\n" };
    (from_numpy) => { "from_numpy(ndarray) -> Tensor\n\nA tensor sharing memory with the NumPy array ``ndarray``: writes to either show in both. The array must have a supported dtype.\n\nArgs:\n    ndarray (numpy.ndarray): the array.\n" };
    (zeros) => { filled_text!("zeros", "filled with 0.", r#"
Example::

    >>> rtorch.zeros(2, 3)
    tensor([[0., 0., 0.],
            [0., 0., 0.]])
    >>> rtorch.zeros((2,), dtype=rtorch.int64)
    tensor([0, 0])
"#) };
    (ones) => { filled_text!("ones", "filled with 1.", r#"
Example::

    >>> rtorch.ones(2, 2)
    tensor([[1., 1.],
            [1., 1.]])
    >>> rtorch.ones(3, dtype=rtorch.bool)
    tensor([True, True, True])
"#) };
    (empty) => { "empty(*size, *, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False, memory_format=rtorch.contiguous_format) -> Tensor\n\nA tensor of shape ``size`` whose elements are not initialised.\n\nArgs:\n    size (ints or tuple of ints): the shape of the result.\n\nKeyword args:\n    dtype (rtorch.dtype, optional): the dtype (the default float dtype when None).\n    device (rtorch.device, optional): the device.\n    requires_grad (bool): whether autograd records operations on the result.\n    layout (rtorch.layout, optional): only ``rtorch.strided``.\n    pin_memory (bool): only False (pinned memory needs an accelerator).\n    memory_format (rtorch.memory_format): the stride order: ``contiguous_format``, or ``channels_last`` (4-D, NHWC in memory) and ``channels_last_3d`` (5-D).\n    out (Tensor, optional): the output tensor.\n" };
    (empty_strided) => { "empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False) -> Tensor\n\nA tensor of shape ``size`` with strides ``stride`` whose elements are not initialised. Its storage is just large enough for that layout, so a permuted or broadcast (stride 0) layout is made without a copy; writing through overlapping elements is ill-defined.\n\nArgs:\n    size (tuple of ints): the shape of the result.\n    stride (tuple of ints): the stride of each dim, in elements (non-negative).\n\nKeyword args:\n    dtype (rtorch.dtype, optional): the dtype (the default float dtype when None).\n    device (rtorch.device, optional): the device.\n    requires_grad (bool): whether autograd records operations on the result.\n    layout (rtorch.layout, optional): only ``rtorch.strided``.\n    pin_memory (bool): only False (pinned memory needs an accelerator).\n" };
    (full) => { concat!("full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False) -> Tensor\n\nA tensor of shape ``size`` filled with ``fill_value``; the dtype is inferred from the value (bool, int64 or the default float dtype) when not given.\n\nArgs:\n    size (tuple of ints): the shape of the result.\n    fill_value (Number): the value.\n\n", factory_kwargs!()) };
    (zeros_like) => { like_text!("zeros_like", "", "filled with 0.") };
    (ones_like) => { like_text!("ones_like", "", "filled with 1.") };
    (empty_like) => { like_text!("empty_like", "", "whose elements are not initialised.") };
    (full_like) => { like_text!("full_like", "fill_value, ", "filled with ``fill_value``.") };
    (arange) => { concat!(r#"arange(start=0, end, step=1, *, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False) -> Tensor

A 1-D tensor of the values from ``start`` (included) to ``end`` (excluded) ``step`` apart:
``ceil((end - start) / step)`` elements. With one argument it is ``end``. The dtype is
int64 when all three are integers, else the default float dtype.

Args:
    start (Number): the first value.
    end (Number): the bound, not reached.
    step (Number): the gap between values.

"#, factory_kwargs!(), r#"
Example::

    >>> rtorch.arange(5)
    tensor([0, 1, 2, 3, 4])
    >>> rtorch.arange(1, 2.5, 0.5)
    tensor([1.0000, 1.5000, 2.0000])
"#) };
    (linspace) => { concat!("linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False) -> Tensor\n\nA 1-D tensor of ``steps`` values evenly spaced from ``start`` to ``end``, both included.\n\nArgs:\n    start (Number): the first value.\n    end (Number): the last value.\n    steps (int): the number of values.\n\n", factory_kwargs!()) };
    (logspace) => { concat!("logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False) -> Tensor\n\nA 1-D tensor of ``steps`` values ``base ** x`` for ``x`` evenly spaced from ``start`` to ``end``, both included.\n\nArgs:\n    start (Number): the first exponent.\n    end (Number): the last exponent.\n    steps (int): the number of values.\n    base (float): the base.\n\n", factory_kwargs!()) };
    (eye) => { concat!("eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False) -> Tensor\n\nAn ``(n, m)`` matrix (square when ``m`` is None) with ones on the diagonal and zeros elsewhere.\n\nArgs:\n    n (int): the number of rows.\n    m (int, optional): the number of columns.\n\n", factory_kwargs!()) };
    (cat) => { r#"cat(tensors, dim=0, *, out=None) -> Tensor

The tensors joined along the existing dimension ``dim``: they must have the same shape
except in ``dim`` (1-D empty tensors are skipped), and promote to a common dtype.
``concat`` and ``concatenate`` are aliases.

Args:
    tensors (sequence of Tensors): the tensors to join.
    dim (int): the dimension to join along.

Keyword args:
    out (Tensor, optional): the output tensor.

Example::

    >>> x = rtorch.tensor([[1, 2], [3, 4]])
    >>> rtorch.cat([x, x])
    tensor([[1, 2],
            [3, 4],
            [1, 2],
            [3, 4]])
    >>> rtorch.cat([x, x], dim=1).shape
    torch.Size([2, 4])
"# };
    (stack) => { r#"stack(tensors, dim=0, *, out=None) -> Tensor

The tensors, all of the same shape, joined along a new dimension inserted at ``dim``.

Args:
    tensors (sequence of Tensors): the tensors to join.
    dim (int): where the new dimension goes.

Keyword args:
    out (Tensor, optional): the output tensor.

Example::

    >>> a = rtorch.tensor([1, 2])
    >>> rtorch.stack([a, a * 10])
    tensor([[ 1,  2],
            [10, 20]])
    >>> rtorch.stack([a, a], dim=1).shape
    torch.Size([2, 2])
"# };
    (where_) => { "where(condition, input, other, *, out=None) -> Tensor\n\nElements of ``input`` where ``condition`` is True and of ``other`` elsewhere; the three broadcast and ``input``/``other`` (tensors or numbers) promote. ``where(condition)`` alone is ``nonzero(condition, as_tuple=True)``.\n\nArgs:\n    condition (Tensor): a bool tensor.\n    input (Tensor or Number): the values where True.\n    other (Tensor or Number): the values where False.\n" };
    (broadcast_tensors) => { "broadcast_tensors(*tensors) -> tuple of Tensors\n\nThe tensors expanded to their common broadcast shape, as views.\n\nArgs:\n    *tensors (Tensor): the tensors to broadcast.\n" };
    (result_type) => { "result_type(tensor1, tensor2) -> rtorch.dtype\n\nThe dtype an arithmetic op on the two operands (tensors or numbers) would compute in, by the type-promotion rules.\n\nArgs:\n    tensor1 (Tensor or Number): the first operand.\n    tensor2 (Tensor or Number): the second operand.\n" };
    (promote_types) => { "promote_types(type1, type2) -> rtorch.dtype\n\nThe smallest dtype to which both dtypes convert without losing their kind (bool < integer < floating point).\n\nArgs:\n    type1 (rtorch.dtype): the first dtype.\n    type2 (rtorch.dtype): the second dtype.\n" };
    (can_cast) => { "can_cast(from_, to) -> bool\n\nTrue if casting ``from_`` to ``to`` is allowed by the promotion rules: it does not go down a kind (float to integer, integer to bool).\n\nArgs:\n    from_ (rtorch.dtype): the source dtype.\n    to (rtorch.dtype): the target dtype.\n" };
    (set_default_dtype) => { "set_default_dtype(d) -> None\n\nSets the floating-point dtype that factories and type inference use (float32 at start; float64, float16 and bfloat16 also allowed).\n\nArgs:\n    d (rtorch.dtype): the new default.\n" };
    (get_default_dtype) => { "get_default_dtype() -> rtorch.dtype\n\nThe default floating-point dtype (see ``set_default_dtype``).\n" };
    (set_num_threads) => { "set_num_threads(int) -> None\n\nSets the number of threads the CPU kernels use.\n\nArgs:\n    int (int): a positive thread count.\n" };
    (get_num_threads) => { "get_num_threads() -> int\n\nThe number of threads the CPU kernels use. The default is ``OMP_NUM_THREADS`` (or ``MKL_NUM_THREADS``) when set to a positive integer, capped at the CPUs this process may use (its affinity mask and cgroup CPU quota), else those CPUs.\n" };
    (get_num_interop_threads) => { "get_num_interop_threads() -> int\n\nThe number of inter-op threads (PyTorch's pool for ``torch.jit.fork``). rtorch runs every op on the calling thread, so this is only the reported value: the CPU count until set.\n" };
    (set_num_interop_threads) => { "set_num_interop_threads(int) -> None\n\nSets the number of inter-op threads; as in PyTorch, it can be set only once.\n\nArgs:\n    int (int): a positive thread count.\n" };
    (cuda_is_available) => { "cuda_is_available() -> bool\n\nWhether a CUDA device can be used: False while rtorch has no CUDA backend. Behind ``rtorch.cuda.is_available()``.\n" };
    (cuda_device_count) => { "cuda_device_count() -> int\n\nThe number of usable CUDA devices (0 while rtorch has no CUDA backend). Behind ``rtorch.cuda.device_count()``.\n" };
    (list_ops) => { "list_ops() -> list of dict\n\nThe engine's op registry: one dict per op (name, arity, domain, whether it is differentiable, dtypes), which the test suites walk.\n" };
    (rand) => { concat!(r#"rand(*size, *, generator=None, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False) -> Tensor

A tensor of shape ``size`` filled with samples from the uniform distribution on [0, 1).

Args:
    size (ints or tuple of ints): the shape of the result.

Keyword args:
    generator (rtorch.Generator, optional): the random stream to draw from.
"#, factory_kwargs!(), r#"
Example::

    >>> rtorch.rand(2, 3).shape
    torch.Size([2, 3])
    >>> bool(((rtorch.rand(100) >= 0) & (rtorch.rand(100) < 1)).all())
    True
"#) };
    (randn) => { concat!(r#"randn(*size, *, generator=None, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False) -> Tensor

A tensor of shape ``size`` filled with samples from the standard normal distribution
(mean 0, variance 1).

Args:
    size (ints or tuple of ints): the shape of the result.

Keyword args:
    generator (rtorch.Generator, optional): the random stream to draw from.
"#, factory_kwargs!(), r#"
Example::

    >>> rtorch.randn(4, 2).shape
    torch.Size([4, 2])
    >>> _ = rtorch.manual_seed(0)
    >>> a = rtorch.randn(3)
    >>> _ = rtorch.manual_seed(0)
    >>> rtorch.equal(a, rtorch.randn(3))
    True
"#) };
    (randint) => { concat!("randint(low=0, high, size, *, generator=None, out=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False) -> Tensor\n\nA tensor of shape ``size`` filled with integers drawn uniformly from [``low``, ``high``); int64 unless ``dtype`` says otherwise.\n\nArgs:\n    low (int): the smallest value.\n    high (int): one above the largest value.\n    size (tuple of ints): the shape of the result.\n\nKeyword args:\n    generator (rtorch.Generator, optional): the random stream to draw from.\n", factory_kwargs!()) };
    (randperm) => { concat!("randperm(n, *, generator=None, out=None, dtype=rtorch.int64, layout=None, device=None, pin_memory=False, requires_grad=False) -> Tensor\n\nA random permutation of the integers ``0 .. n-1``.\n\nArgs:\n    n (int): the number of values.\n\nKeyword args:\n    generator (rtorch.Generator, optional): the random stream to draw from.\n", factory_kwargs!()) };
    (bernoulli) => { "bernoulli(input, p=None, *, generator=None, out=None) -> Tensor\n\nDraws 0 or 1 for each element: 1 with probability ``input_i`` (or ``p`` when given), in ``input``'s dtype.\n\nArgs:\n    input (Tensor): the probabilities, in [0, 1].\n    p (float, optional): one probability for all elements.\n\nKeyword args:\n    generator (rtorch.Generator, optional): the random stream to draw from.\n    out (Tensor, optional): the output tensor (any dtype; not with ``p``).\n" };
    (manual_seed) => { "manual_seed(seed) -> rtorch.Generator\n\nSeeds the default random stream, so that the draws that follow repeat; returns the default generator.\n\nArgs:\n    seed (int): the seed.\n" };
    (seed) => { "seed() -> int\n\nSeeds the default random stream from a non-deterministic source and returns the seed.\n" };
    (initial_seed) => { "initial_seed() -> int\n\nThe seed the default random stream was last seeded with.\n" };
    (default_generator) => { "default_generator() -> rtorch.Generator\n\nThe default random stream, which the sampling functions use when no ``generator`` is given.\n" };
}
