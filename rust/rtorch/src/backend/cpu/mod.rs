//! The CPU kernels: strided loops, per-dtype arithmetic and the reduction walker. Op
//! semantics (dtypes, broadcasting, derivatives) stay in `ops/`.

pub mod binary;
pub mod iter;
pub mod num;
pub mod reduce_iter;
pub mod unary;
