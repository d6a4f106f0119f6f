"""`rtorch.linalg`: linear algebra functions, from `rtorch._C._linalg` under PyTorch's
names. The decompositions and solvers come with the LAPACK issue."""

from ._C import _linalg

matmul = _linalg.linalg_matmul
vector_norm = _linalg.linalg_vector_norm
cross = _linalg.linalg_cross

__all__ = ["cross", "matmul", "vector_norm"]
