//! Linear algebra: matrix products today; decompositions and solvers join here.

pub mod addmm;
pub mod matmul;
pub mod products;
