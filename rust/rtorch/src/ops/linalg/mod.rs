//! Linear algebra: matrix products today; decompositions and solvers join here.

pub mod addmm;
mod gemm_kernel;
pub mod matmul;
