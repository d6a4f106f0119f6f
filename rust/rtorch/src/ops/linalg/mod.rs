//! Linear algebra: matrix products today; decompositions and solvers join here.

mod gemm_kernel;
pub mod matmul;
