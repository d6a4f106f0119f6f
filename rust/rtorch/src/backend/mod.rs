//! Where kernels run. `ops/` decides what an op means; a backend computes it.

pub mod cpu;
