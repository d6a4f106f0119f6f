//! Linear algebra: matrix products today; decompositions and solvers join here.

pub mod matmul;
