//! The CPU kernels, one file per kernel family of `backend/mod.rs`, and the machinery they
//! share: strided loops, per-dtype arithmetic and the reduction walker. Op semantics
//! (dtypes, broadcasting, derivatives) stay in `ops/`.

pub mod binary;
pub mod box_muller;
pub mod copy;
pub mod fill;
pub mod gemm;
pub mod half;
pub mod histogram;
pub mod index;
pub mod iter;
pub(crate) mod moments;
pub mod num;
pub mod query;
pub mod reduce;
pub mod reduce_iter;
mod reduce_run;
pub mod sample;
pub mod scan;
pub mod scatter;
pub mod simd;
pub mod softmax;
pub mod sort;
pub mod ternary;
pub mod transpose;
pub mod unary;
