//! Docstrings of `tensor/mod.rs` (the Tensor class: metadata, autograd state, conversion).

macro_rules! doc_tensor {
    (size) => { "size(dim=None) -> torch.Size or int\n\nThe shape of this tensor, a ``torch.Size`` (a tuple), or the size of dimension ``dim``.\n\nArgs:\n    dim (int, optional): the dimension to report (negative counts from the end).\n" };
    (stride) => { "stride(dim=None) -> tuple or int\n\nThe strides of this tensor, in elements: how far apart in memory consecutive indices of each dimension are; or the stride of dimension ``dim``.\n\nArgs:\n    dim (int, optional): the dimension to report.\n" };
    (dim) => { "dim() -> int\n\nThe number of dimensions of this tensor (``ndim``).\n" };
    (ndimension) => { "ndimension() -> int\n\nAlias of ``dim()``.\n" };
    (numel) => { "numel(input) -> int\n\nThe number of elements of ``input``: the product of its sizes.\n\nArgs:\n    input (Tensor): the input tensor.\n" };
    (nelement) => { "nelement() -> int\n\nAlias of ``numel()``.\n" };
    (element_size) => { "element_size() -> int\n\nThe size of one element in bytes (4 for float32).\n" };
    (is_contiguous) => { "is_contiguous(memory_format=rtorch.contiguous_format) -> bool\n\nTrue if the elements lie in memory without gaps in ``memory_format``'s order: row-major, or channels innermost for ``channels_last`` (4-D) and ``channels_last_3d`` (5-D).\n" };
    (is_floating_point) => { "is_floating_point() -> bool\n\nTrue if the dtype is a floating-point type (float16, bfloat16, float32, float64).\n" };
    (is_inference) => { "is_inference() -> bool\n\nTrue if this tensor was made in inference mode (``rtorch.inference_mode()``), or is a view or alias of one. Outside inference mode such a tensor cannot be changed in place, saved for backward or made to require grad.\n" };
    (is_complex) => { "is_complex() -> bool\n\nTrue if the dtype is complex: always False, rtorch has no complex dtypes yet.\n" };
    (storage_offset) => { "storage_offset() -> int\n\nThe index, in elements, of this tensor's first element in its storage.\n" };
    (data_ptr) => { "data_ptr() -> int\n\nThe address of this tensor's first element.\n" };
    (requires_grad_) => { "requires_grad_(requires_grad=True) -> Tensor\n\nSets whether autograd records operations on this tensor (leaf tensors only can be switched off) and returns it.\n\nArgs:\n    requires_grad (bool): the new value.\n" };
    (retain_grad) => { "retain_grad() -> None\n\nMakes this non-leaf tensor keep its ``.grad`` after ``backward()`` (leaves always do).\n" };
    (detach) => { "detach() -> Tensor\n\nA new tensor sharing this one's data, cut from the autograd graph (``requires_grad=False``). In-place changes to either are seen by both.\n" };
    (detach_) => { "detach_() -> Tensor\n\nCuts this tensor from the autograd graph in place, making it a leaf that does not require grad, and returns it.\n" };
    (item) => { "item() -> number\n\nThe value of a one-element tensor as a Python number (int, float or bool).\n" };
    (tolist) => { "tolist() -> list or number\n\nThe elements as nested Python lists of Python numbers (a number for a 0-dim tensor).\n" };
    (numpy) => { "numpy(*, force=False) -> numpy.ndarray\n\nA NumPy array sharing this tensor's memory. Refused for a tensor that requires grad unless ``force=True``, which detaches (and copies) first.\n\nKeyword args:\n    force (bool): detach and copy when sharing is not possible.\n" };
}
