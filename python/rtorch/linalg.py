"""`rtorch.linalg`: linear algebra functions. The decompositions and solvers come with the
LAPACK issue; today this namespace holds the products that already exist as tensor ops."""

from ._C import Tensor

matmul = Tensor.matmul

__all__ = ["matmul"]
