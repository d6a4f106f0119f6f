//! Elementwise ops: one output element from the elements at the same index of the
//! (broadcast) inputs.

pub mod binary;
mod binary_compute;
pub mod cast;
pub mod foreach;
pub mod pointwise;
pub mod unary;
