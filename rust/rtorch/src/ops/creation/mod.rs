//! Ops that make tensors from nothing but arguments: fills, ranges and random samples.

pub mod distributions;
pub mod factory;
pub mod random_ops;
pub mod sampling;
