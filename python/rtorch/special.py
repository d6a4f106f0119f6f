"""`rtorch.special`: PyTorch's special-function namespace, the functions rtorch has under
their `torch.special` names (each is the Tensor method of the same engine op, as
`rtorch.<name>` is; `out=` included)."""

from ._C import Tensor

erf = Tensor.erf
erfc = Tensor.erfc
expm1 = Tensor.expm1
log1p = Tensor.log1p
expit = Tensor.sigmoid

__all__ = ["erf", "erfc", "expit", "expm1", "log1p"]
