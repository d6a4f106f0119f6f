//! The kernels behind `torch.nn.functional`: `linear` today; convolution, pooling,
//! normalisation and losses join here as one file per family.

pub mod linear;
