//! Where kernels run. `ops/` decides what an op means (argument checks, result dtype,
//! broadcasting, the derivative); a backend computes it. Each kernel family has an id
//! enum here (`UnaryKernel`…) and one function that switches on the device, so a CUDA
//! backend maps ids to kernel names and a profiler has one place to hook.

pub mod cpu;
#[cfg(feature = "cuda")]
pub mod cuda;
#[cfg(not(feature = "cuda"))]
#[path = "no_cuda.rs"]
pub mod cuda;

use crate::{Device, Result, Tensor};

/// Copies `t` to `device` (a no-op returning `t` when it is there already).
pub fn to_device(t: &Tensor, device: Device) -> Result<Tensor> {
    if t.device() == device {
        return Ok(t.clone());
    }
    cuda::copy("to", t, device)
}

/// The kernels of the one-input elementwise ops (`ops/elementwise/unary.rs` decides their
/// dtypes and derivatives). A CUDA backend maps `name()` to its kernel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum UnaryKernel {
    // Float kernels: input and output are already in the result's float dtype.
    Exp,
    Expm1,
    Log,
    Log1p,
    Log2,
    Log10,
    Sqrt,
    Rsqrt,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Sigmoid,
    Erf,
    Reciprocal,
    Floor,
    Ceil,
    /// Half to even, as PyTorch and NumPy round.
    Round,
    Trunc,
    Frac,
    /// `round(x, decimals)`: scale by `10^|decimals|`, round half to even, scale back.
    RoundDecimals(i64),
    /// NaN and infinities replaced by the given values.
    NanToNum {
        nan: f64,
        posinf: f64,
        neginf: f64,
    },
    // Any dtype in, the same dtype out.
    Neg,
    Abs,
    Sign,
    Relu,
    BitwiseNot,
    // Any dtype in, bool out.
    IsNan,
    IsInf,
    IsFinite,
    LogicalNot,
}

impl UnaryKernel {
    pub fn name(self) -> &'static str {
        use UnaryKernel::*;
        match self {
            Exp => "exp",
            Expm1 => "expm1",
            Log => "log",
            Log1p => "log1p",
            Log2 => "log2",
            Log10 => "log10",
            Sqrt => "sqrt",
            Rsqrt => "rsqrt",
            Sin => "sin",
            Cos => "cos",
            Tan => "tan",
            Asin => "asin",
            Acos => "acos",
            Atan => "atan",
            Sinh => "sinh",
            Cosh => "cosh",
            Tanh => "tanh",
            Sigmoid => "sigmoid",
            Erf => "erf",
            Reciprocal => "reciprocal",
            Floor => "floor",
            Ceil => "ceil",
            Round | RoundDecimals(_) => "round",
            Trunc => "trunc",
            Frac => "frac",
            NanToNum { .. } => "nan_to_num",
            Neg => "neg",
            Abs => "abs",
            Sign => "sign",
            Relu => "relu",
            BitwiseNot => "bitwise_not",
            IsNan => "isnan",
            IsInf => "isinf",
            IsFinite => "isfinite",
            LogicalNot => "logical_not",
        }
    }
}

/// `out = k(x)` elementwise; `out` has `x`'s shape and the dtype the op decided.
pub fn unary(k: UnaryKernel, x: &Tensor, out: &Tensor) -> Result<()> {
    match x.device() {
        Device::Cpu => cpu::unary::run(k, x, out),
        Device::Cuda(_) => Err(cuda::no_kernel(k.name())),
    }
}
