//! Ops that fold a dimension: reductions, scans and the softmax family.

pub mod histogram;
pub mod moments;
pub mod reduce;
pub mod scan;
pub mod softmax;
pub mod sort;
