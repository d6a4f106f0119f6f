//! Docstrings of `tensor/views.rs` (views, copies, conversions).

/// `Tensor.float()` and the other dtype shorthands.
macro_rules! cast_text {
    ($name:literal, $dtype:literal) => {
        concat!(
            $name,
            "() -> Tensor\n\n``self.to(rtorch.",
            $dtype,
            ")``: this tensor converted to ",
            $dtype,
            ", or itself when it already is.\n"
        )
    };
}

macro_rules! doc_views {
    (view) => { r#"view(*shape) -> Tensor

A tensor with the same data as this one and the given shape: no copy, so writes show
through both. One size may be -1 (inferred from the others). The strides must allow it
(a non-contiguous tensor may need ``reshape``). ``view(dtype)`` reinterprets the bytes as
another dtype of the same size instead.

Args:
    shape (torch.Size or ints or rtorch.dtype): the new shape (or dtype).

Example::

    >>> x = rtorch.arange(6)
    >>> x.view(2, 3)
    tensor([[0, 1, 2],
            [3, 4, 5]])
    >>> x.view(-1, 2).shape
    torch.Size([3, 2])
"# };
    (reshape) => { r#"reshape(input, shape) -> Tensor

``input`` with the given shape: a view when the strides allow it, otherwise a copy. One
size may be -1 (inferred from the others). The method takes the sizes as separate
arguments too: ``Tensor.reshape(*shape)``.

Args:
    input (Tensor): the tensor to reshape.
    shape (tuple of ints): the new shape.

Example::

    >>> x = rtorch.arange(6)
    >>> rtorch.reshape(x, (2, 3))
    tensor([[0, 1, 2],
            [3, 4, 5]])
    >>> x.reshape(3, -1).shape
    torch.Size([3, 2])
"# };
    (view_as) => { "view_as(other) -> Tensor\n\n``self.view(other.size())``.\n\nArgs:\n    other (Tensor): the tensor whose shape to take.\n" };
    (reshape_as) => { "reshape_as(other) -> Tensor\n\n``self.reshape(other.size())``.\n\nArgs:\n    other (Tensor): the tensor whose shape to take.\n" };
    (permute) => { "permute(input, dims) -> Tensor\n\nA view of ``input`` with its dimensions reordered: dimension ``i`` of the result is dimension ``dims[i]`` of ``input``. The method also takes the dims as separate arguments.\n\nArgs:\n    input (Tensor): the input tensor.\n    dims (tuple of ints): the new order of the dimensions.\n" };
    (transpose) => { "transpose(input, dim0, dim1) -> Tensor\n\nA view of ``input`` with dimensions ``dim0`` and ``dim1`` swapped.\n\nArgs:\n    input (Tensor): the input tensor.\n    dim0 (int): the first dimension.\n    dim1 (int): the second dimension.\n" };
    (swapaxes) => { "swapaxes(input, axis0, axis1) -> Tensor\n\nAlias of ``transpose``.\n" };
    (t) => { "t(input) -> Tensor\n\nThe transpose of a tensor of at most 2 dimensions (0-D and 1-D are returned as they are), a view.\n\nArgs:\n    input (Tensor): the input tensor.\n" };
    (expand) => { "expand(*sizes) -> Tensor\n\nA view of this tensor broadcast to ``sizes``: size-1 dimensions repeat without copying (stride 0) and new leading dimensions may be added; -1 keeps a size. Writing to the result is unsafe, as several elements share memory.\n\nArgs:\n    sizes (torch.Size or ints): the target shape.\n" };
    (expand_as) => { "expand_as(other) -> Tensor\n\n``self.expand(other.size())``.\n\nArgs:\n    other (Tensor): the tensor whose shape to take.\n" };
    (narrow) => { "narrow(input, dim, start, length) -> Tensor\n\nA view of ``input`` restricted to ``length`` elements from ``start`` along ``dim``.\n\nArgs:\n    input (Tensor): the input tensor.\n    dim (int): the dimension to narrow.\n    start (int or 0-dim Tensor): the first index kept.\n    length (int): how many indices to keep.\n" };
    (select) => { "select(input, dim, index) -> Tensor\n\nThe view ``input[..., index, ...]`` with ``index`` taken along ``dim``, which disappears.\n\nArgs:\n    input (Tensor): the input tensor.\n    dim (int): the dimension to index.\n    index (int): the index along it.\n" };
    (unsqueeze) => { "unsqueeze(input, dim) -> Tensor\n\nA view of ``input`` with a new size-1 dimension at position ``dim`` (negative counts from the end of the result).\n\nArgs:\n    input (Tensor): the input tensor.\n    dim (int): where to insert the dimension.\n" };
    (squeeze) => { "squeeze(input, dim=None) -> Tensor\n\nA view of ``input`` without its size-1 dimensions, or only those among ``dim`` (an int or a tuple); other dimensions named in ``dim`` are kept.\n\nArgs:\n    input (Tensor): the input tensor.\n    dim (int or tuple of ints, optional): the dimensions to remove.\n" };
    (flatten) => { "flatten(input, start_dim=0, end_dim=-1) -> Tensor\n\n``input`` with dimensions ``start_dim`` to ``end_dim`` merged into one: a view when possible, a copy otherwise, ``input`` itself when nothing merges.\n\nArgs:\n    input (Tensor): the input tensor.\n    start_dim (int): the first dimension to merge.\n    end_dim (int): the last dimension to merge.\n" };
    (unflatten) => { "unflatten(input, dim, sizes) -> Tensor\n\n``input`` with dimension ``dim`` split into ``sizes`` (one may be -1); the inverse of ``flatten``.\n\nArgs:\n    input (Tensor): the input tensor.\n    dim (int): the dimension to split.\n    sizes (tuple of ints): the new sizes, whose product is ``input.size(dim)``.\n" };
    (unbind) => { "unbind(input, dim=0) -> tuple of Tensors\n\nThe slices of ``input`` along ``dim``, each a view without that dimension.\n\nArgs:\n    input (Tensor): the input tensor.\n    dim (int): the dimension to remove.\n" };
    (split) => { "split(tensor, split_size_or_sections, dim=0) -> tuple of Tensors\n\nViews of ``tensor`` cut along ``dim``: chunks of ``split_size_or_sections`` elements (the last may be smaller), or of the listed sizes, which must sum to the dimension's size.\n\nArgs:\n    tensor (Tensor): the tensor to split.\n    split_size_or_sections (int or list of ints): one chunk size, or each chunk's size.\n    dim (int): the dimension to split.\n" };
    (chunk) => { "chunk(input, chunks, dim=0) -> tuple of Tensors\n\n``input`` cut along ``dim`` into at most ``chunks`` views of equal size (``ceil(size / chunks)``, the last smaller).\n\nArgs:\n    input (Tensor): the tensor to cut.\n    chunks (int): the number of chunks.\n    dim (int): the dimension to cut.\n" };
    (diagonal) => { "diagonal(input, offset=0, dim1=0, dim2=1) -> Tensor\n\nA view of the diagonal of ``input`` in the plane of ``dim1`` and ``dim2`` (above it for ``offset > 0``, below for ``offset < 0``), as the last dimension.\n\nArgs:\n    input (Tensor): the input tensor, at least 2-D.\n    offset (int): which diagonal.\n    dim1 (int): the first dimension of the plane.\n    dim2 (int): the second dimension of the plane.\n" };
    (as_strided) => { "as_strided(input, size, stride, storage_offset=None) -> Tensor\n\nA view of ``input``'s memory with the given sizes, strides (in elements) and storage offset (``input``'s when None). Elements may overlap; every one must lie inside the storage.\n\nArgs:\n    input (Tensor): the input tensor.\n    size (tuple of ints): the shape of the view.\n    stride (tuple of ints): the stride of each dimension.\n    storage_offset (int, optional): the offset of the first element.\n" };
    (flip) => { "flip(input, dims) -> Tensor\n\nA copy of ``input`` with the order of its elements reversed along each of ``dims``. The method also takes the dims as separate arguments.\n\nArgs:\n    input (Tensor): the input tensor.\n    dims (tuple of ints): the dimensions to reverse.\n" };
    (contiguous) => { "contiguous(memory_format=rtorch.contiguous_format) -> Tensor\n\nThis tensor itself when its memory is already laid out in ``memory_format``, else a copy that is.\n\nArgs:\n    memory_format (rtorch.memory_format): ``contiguous_format`` (row-major), ``channels_last`` (4-D, NHWC in memory) or ``channels_last_3d`` (5-D, NDHWC).\n" };
    (clone) => { "clone(input, *, memory_format=rtorch.preserve_format) -> Tensor\n\nA copy of ``input`` with its own memory; gradients flow back to ``input``.\n\nArgs:\n    input (Tensor): the tensor to copy.\n\nKeyword args:\n    memory_format (rtorch.memory_format): the stride order of the copy; ``preserve_format`` keeps ``input``'s (dense in the same order when ``input`` has gaps).\n" };
    (copy_) => { "copy_(src, non_blocking=False) -> Tensor\n\nCopies the elements of ``src`` (broadcast to this tensor's shape, converted to its dtype) into this tensor and returns it.\n\nArgs:\n    src (Tensor): the tensor to copy from.\n    non_blocking (bool): accepted for compatibility; copies are synchronous.\n" };
    (fill_) => { "fill_(value) -> Tensor\n\nSets every element of this tensor to ``value`` and returns it.\n\nArgs:\n    value (Number or 0-dim Tensor): the fill value.\n" };
    (zero_) => { "zero_() -> Tensor\n\nSets every element of this tensor to zero and returns it.\n" };
    (to) => { "to(*args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None) -> Tensor\n\nThis tensor converted to another dtype and/or device, given positionally or by keyword: ``to(dtype)``, ``to(device, dtype=None)``, ``to(other)`` (``other``'s dtype and device), each optionally followed by ``non_blocking`` and ``copy``. Returns ``self`` when nothing changes (its strides already suggest ``memory_format``), unless ``copy=True``.\n\nKeyword args:\n    dtype (rtorch.dtype, optional): the target dtype.\n    device (rtorch.device or str, optional): the target device.\n    non_blocking (bool): accepted and ignored, as on PyTorch's CPU (a CPU copy has finished when ``to`` returns).\n    copy (bool): always return a new tensor.\n    memory_format (rtorch.memory_format, optional): the stride order of a new tensor (``preserve_format`` when None).\n" };
    (cuda) => { "cuda(device=None, non_blocking=False) -> Tensor\n\nThis tensor on a CUDA device. rtorch has no CUDA backend yet: this raises, as torch does without a GPU.\n\nArgs:\n    device (rtorch.device or int, optional): the target GPU.\n    non_blocking (bool): accepted for compatibility.\n" };
    (cpu) => { "cpu(memory_format=rtorch.preserve_format) -> Tensor\n\nThis tensor on the CPU: itself when it is there already and its strides suggest ``memory_format``, else a copy.\n\nArgs:\n    memory_format (rtorch.memory_format): the stride order of a copy.\n" };
    (float) => { cast_text!("float", "float32") };
    (double) => { cast_text!("double", "float64") };
    (half) => { cast_text!("half", "float16") };
    (bfloat16) => { cast_text!("bfloat16", "bfloat16") };
    (long) => { cast_text!("long", "int64") };
    (int) => { cast_text!("int", "int32") };
    (short) => { cast_text!("short", "int16") };
    (char) => { cast_text!("char", "int8") };
    (byte) => { cast_text!("byte", "uint8") };
    (bool) => { cast_text!("bool", "bool") };
}
