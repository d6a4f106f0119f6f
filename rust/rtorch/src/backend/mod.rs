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

use crate::layout::Layout;
use crate::{Device, Result, Scalar, Tensor};

/// Copies `t` to `device` (a no-op returning `t` when it is there already).
pub fn to_device(t: &Tensor, device: Device) -> Result<Tensor> {
    if t.device() == device {
        return Ok(t.clone());
    }
    cuda::to_device("to", t, device)
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
    Erfc,
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
            Erfc => "erfc",
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
        Device::Cuda(_) => cuda::unary(k, x, out),
    }
}

/// How `div` rounds its quotient (`rounding_mode=None | 'trunc' | 'floor'`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RoundingMode {
    True,
    Trunc,
    Floor,
}

/// The kernels of the two-input elementwise ops (`ops/elementwise/binary.rs` decides
/// their dtypes and derivatives).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BinaryKernel {
    /// a + alpha * b
    Add(Scalar),
    /// a - alpha * b
    Sub(Scalar),
    Mul,
    Div(RoundingMode),
    Rem,
    Fmod,
    Pow,
    Atan2,
    Maximum,
    Minimum,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    LogicalAnd,
    LogicalOr,
    LogicalXor,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
}

impl BinaryKernel {
    pub fn name(self) -> &'static str {
        match self {
            BinaryKernel::Add(_) => "add",
            BinaryKernel::Sub(_) => "sub",
            BinaryKernel::Mul => "mul",
            BinaryKernel::Div(RoundingMode::True) => "div",
            BinaryKernel::Div(RoundingMode::Trunc) => "div_trunc",
            BinaryKernel::Div(RoundingMode::Floor) => "div_floor",
            BinaryKernel::Rem => "remainder",
            BinaryKernel::Fmod => "fmod",
            BinaryKernel::Pow => "pow",
            BinaryKernel::Atan2 => "atan2",
            BinaryKernel::Maximum => "maximum",
            BinaryKernel::Minimum => "minimum",
            BinaryKernel::Eq => "eq",
            BinaryKernel::Ne => "ne",
            BinaryKernel::Lt => "lt",
            BinaryKernel::Le => "le",
            BinaryKernel::Gt => "gt",
            BinaryKernel::Ge => "ge",
            BinaryKernel::LogicalAnd => "logical_and",
            BinaryKernel::LogicalOr => "logical_or",
            BinaryKernel::LogicalXor => "logical_xor",
            BinaryKernel::BitAnd => "bitwise_and",
            BinaryKernel::BitOr => "bitwise_or",
            BinaryKernel::BitXor => "bitwise_xor",
            BinaryKernel::Shl => "bitwise_left_shift",
            BinaryKernel::Shr => "bitwise_right_shift",
        }
    }
}

impl BinaryKernel {
    /// Comparisons and logical ops: a bool result from any compute dtype.
    pub fn gives_bool(self) -> bool {
        use BinaryKernel::*;
        matches!(
            self,
            Eq | Ne | Lt | Le | Gt | Ge | LogicalAnd | LogicalOr | LogicalXor
        )
    }
}

/// `out = k(a, b)` elementwise: `a` and `b` are in the op's compute dtype and their
/// layouts broadcast to `out`'s shape; `out` is in the op's result dtype.
pub fn binary(
    k: BinaryKernel,
    a: (&Tensor, &Layout),
    b: (&Tensor, &Layout),
    out: &Tensor,
) -> Result<()> {
    match out.device() {
        Device::Cpu => cpu::binary::run(k, a, b, out),
        Device::Cuda(_) => cuda::binary(k, a, b, out),
    }
}

/// The kernels of the three-input pointwise ops (`ops/elementwise/pointwise.rs` decides
/// their dtypes and derivatives).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TernaryKernel {
    /// `c ? a : b` with the condition first (bool), the values in `out`'s dtype.
    Where,
    /// `a + (value * b) * c`, computed in PyTorch's opmath type.
    Addcmul(Scalar),
    /// `a + (value * b) / c`.
    Addcdiv(Scalar),
    /// `lerp(start, end, weight)` from the nearer end; with a number weight the kernel
    /// reads it (full precision) instead of the third operand.
    Lerp(Option<f64>),
    /// `minimum(maximum(a, b), c)`: `clamp` with both bounds, one pass; `true` when both
    /// bounds are numbers (torch's scalar kernel, whose picks differ on signed zeros).
    Clamp(bool),
}

impl TernaryKernel {
    pub fn name(self) -> &'static str {
        match self {
            TernaryKernel::Where => "where",
            TernaryKernel::Addcmul(_) => "addcmul",
            TernaryKernel::Addcdiv(_) => "addcdiv",
            TernaryKernel::Lerp(_) => "lerp",
            TernaryKernel::Clamp(_) => "clamp",
        }
    }
}

/// `out = k(a, b, c)` elementwise: the operands' layouts broadcast to `out`'s shape, the
/// values already in `out`'s dtype.
pub fn ternary(
    k: TernaryKernel,
    a: (&Tensor, &Layout),
    b: (&Tensor, &Layout),
    c: (&Tensor, &Layout),
    out: &Tensor,
) -> Result<()> {
    match out.device() {
        Device::Cpu => cpu::ternary::run(k, a, b, c, out),
        Device::Cuda(_) => cuda::ternary(k, a, b, c, out),
    }
}

/// The kernels of the reductions (`ops/reduction/` decides the dims, the dtypes and the
/// derivatives; mean, norm and logsumexp are composed of these). Each writes fresh
/// contiguous outputs that hold the kept dims in order (with or without keepdim's 1s).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ReduceKernel {
    /// Into a floating output: a float64 sum of the input's values. Into an integer or
    /// bool output: a wrapping int64 sum of the elements converted first (truncated;
    /// into bool, `!= 0`), as PyTorch converts before summing.
    Sum,
    /// The product in the input's dtype (the op casts to the result dtype first).
    Prod,
    /// The 2-norm of a float32 / float64 input: the square root of a float64 sum of
    /// squares, in one pass, written in the output's float dtype.
    Norm2,
    /// amax / amin: NaN propagates.
    Max,
    Min,
    /// Values (the input's dtype) and int64 indices of the max / min along one dim: NaN
    /// wins, then the first occurrence.
    ArgMax,
    ArgMin,
    /// Whether every / some element is nonzero, into a bool or uint8 output.
    All,
    Any,
    /// The sum of squared deviations over `max(0, N - correction)`, in one pass (NOTE
    /// [ Variance in one pass ]); `Std` takes its square root in the same pass.
    Var {
        correction: f64,
    },
    Std {
        correction: f64,
    },
}

impl ReduceKernel {
    pub fn name(self) -> &'static str {
        use ReduceKernel::*;
        match self {
            Sum => "sum",
            Prod => "prod",
            Norm2 => "norm",
            Max => "amax",
            Min => "amin",
            ArgMax => "argmax",
            ArgMin => "argmin",
            All => "all",
            Any => "any",
            Var { .. } => "var",
            Std { .. } => "std",
        }
    }

    /// How many outputs the kernel writes: the values, and for ArgMax / ArgMin the indices.
    pub fn outputs(self) -> usize {
        match self {
            ReduceKernel::ArgMax | ReduceKernel::ArgMin => 2,
            _ => 1,
        }
    }
}

/// Reduces `x` over `dims` (wrapped, in any order) into `out` (`k.outputs()` tensors).
pub fn reduce(k: ReduceKernel, x: &Tensor, dims: &[usize], out: &[&Tensor]) -> Result<()> {
    match x.device() {
        Device::Cpu => cpu::reduce::run(k, x, dims, out),
        Device::Cuda(_) => cuda::reduce(k, x, dims, out),
    }
}

/// The kernels of the inclusive scans along a dim (`ops/reduction/scan.rs`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScanKernel {
    CumSum,
    CumProd,
}

impl ScanKernel {
    pub fn name(self) -> &'static str {
        match self {
            ScanKernel::CumSum => "cumsum",
            ScanKernel::CumProd => "cumprod",
        }
    }
}

/// `out = k(x)` along `dim`; `x` is already in `out`'s dtype and shape.
pub fn scan(k: ScanKernel, x: &Tensor, dim: usize, out: &Tensor) -> Result<()> {
    match x.device() {
        Device::Cpu => cpu::scan::run(k, x, dim, out),
        Device::Cuda(_) => cuda::scan(k, x, dim, out),
    }
}

/// The kernels that order the elements of each line along a dim (`ops/reduction/sort.rs`):
/// each writes values and int64 indices, `len` of them per line (`SortKernel::len`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SortKernel {
    /// The whole line in order; equal elements keep their order (NOTE [ Sort order ]).
    Sort {
        descending: bool,
    },
    /// The `k` largest (smallest) elements, in order.
    TopK {
        k: usize,
        largest: bool,
    },
    /// The element of rank `k` (0-based) in ascending order.
    Kth {
        k: usize,
    },
    /// The lower median; a NaN in the line wins unless `ignore_nan`.
    Median {
        ignore_nan: bool,
    },
    /// The most frequent value (the smallest on ties) and its last index.
    Mode,
    /// Running max / min with the index where it was last reached.
    CumMax,
    CumMin,
}

impl SortKernel {
    pub fn name(self) -> &'static str {
        match self {
            SortKernel::Sort { .. } => "sort",
            SortKernel::TopK { .. } => "topk",
            SortKernel::Kth { .. } => "kthvalue",
            SortKernel::Median { ignore_nan: false } => "median",
            SortKernel::Median { ignore_nan: true } => "nanmedian",
            SortKernel::Mode => "mode",
            SortKernel::CumMax => "cummax",
            SortKernel::CumMin => "cummin",
        }
    }

    /// How many outputs per line of `n` elements.
    pub fn len(self, n: usize) -> usize {
        match self {
            SortKernel::Sort { .. } | SortKernel::CumMax | SortKernel::CumMin => n,
            SortKernel::TopK { k, .. } => k,
            SortKernel::Kth { .. } | SortKernel::Median { .. } | SortKernel::Mode => 1,
        }
    }
}

/// Orders each line of `x` along `dim` into `values` (x's dtype) and `indices` (int64),
/// both of x's rank with `k.len(n)` elements along `dim`.
pub fn sort(
    k: SortKernel,
    x: &Tensor,
    dim: usize,
    values: &Tensor,
    indices: &Tensor,
) -> Result<()> {
    match x.device() {
        Device::Cpu => cpu::sort::run(k, x, dim, values, indices),
        Device::Cuda(_) => cuda::sort(k, x, dim, values, indices),
    }
}

/// For each element of `input`, where it would be inserted in its line of `sorted` (the
/// last dim; a 1-D `sorted` serves every element): the first position whose value is
/// greater (`right`) or not less than it. `out` is int64 or int32, of input's shape.
pub fn search(sorted: &Tensor, input: &Tensor, right: bool, out: &Tensor) -> Result<()> {
    match input.device() {
        Device::Cpu => cpu::sort::search(sorted, input, right, out),
        Device::Cuda(_) => cuda::search(sorted, input, right, out),
    }
}

/// The fused softmax kernels over the last dim (`ops/reduction/softmax.rs` composes the
/// other dims from reductions and decides the dtype and the derivative).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SoftmaxKernel {
    Softmax,
    LogSoftmax,
}

impl SoftmaxKernel {
    pub fn name(self) -> &'static str {
        match self {
            SoftmaxKernel::Softmax => "_softmax",
            SoftmaxKernel::LogSoftmax => "_log_softmax",
        }
    }

    /// The name of the fused backward kernel (PyTorch's).
    pub fn backward_name(self) -> &'static str {
        match self {
            SoftmaxKernel::Softmax => "_softmax_backward_data",
            SoftmaxKernel::LogSoftmax => "_log_softmax_backward_data",
        }
    }
}

/// `out = k(x)` over `dim`; `x` is contiguous float32 or float64, `out` fresh in its
/// dtype and shape.
pub fn softmax(k: SoftmaxKernel, x: &Tensor, dim: usize, out: &Tensor) -> Result<()> {
    match x.device() {
        Device::Cpu => cpu::softmax::run(k, x, dim, out),
        Device::Cuda(_) => cuda::softmax(k, x, dim, out),
    }
}

/// `out` = the gradient of `k` over the last dim from its result `y` and the incoming
/// gradient `g` (contiguous, same float32 / float64 dtype and shape; `out` fresh).
pub fn softmax_backward(k: SoftmaxKernel, y: &Tensor, g: &Tensor, out: &Tensor) -> Result<()> {
    match y.device() {
        Device::Cpu => cpu::softmax::run_backward(k, y, g, out),
        Device::Cuda(_) => cuda::softmax_backward(k, y, g, out),
    }
}

/// The kernels that write values into an existing tensor (`ops/creation/` checks the
/// arguments and allocates).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FillKernel {
    /// Every element of the view (the value already checked to fit the dtype).
    Value(Scalar),
    /// `arange`'s values into a fresh contiguous 1-d tensor.
    Arange { start: f64, step: f64 },
    /// `linspace`'s values (filled from both ends) into a fresh contiguous 1-d tensor.
    Linspace { start: f64, end: f64 },
    /// Ones on the main diagonal of a zeroed matrix.
    Eye,
}

impl FillKernel {
    pub fn name(self) -> &'static str {
        match self {
            FillKernel::Value(_) => "fill_",
            FillKernel::Arange { .. } => "arange",
            FillKernel::Linspace { .. } => "linspace",
            FillKernel::Eye => "eye",
        }
    }
}

/// Writes `k`'s values into `t`.
pub fn fill(k: FillKernel, t: &Tensor) -> Result<()> {
    match t.device() {
        Device::Cpu => cpu::fill::run(k, t),
        Device::Cuda(_) => cuda::fill(k, t),
    }
}

/// The random samplers (`ops/creation/sampling.rs` checks the arguments, picks the
/// generator and records the history). Each fills every element of a view in the order
/// and with the draws of PyTorch's CPU streams (NOTE [ Torch's CPU random streams ]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SampleKernel<'a> {
    /// Uniform in `[from, to)`.
    Uniform {
        from: f64,
        to: f64,
    },
    Normal {
        mean: f64,
        std: f64,
    },
    /// `w % range + from` from a 32-bit word, or a 64-bit one when `wide`.
    Random {
        from: i64,
        range: u64,
        wide: bool,
    },
    /// A whole 64-bit word as an int64 (`random_(from=int64 min)`).
    Random64,
    /// True with probability `p`.
    Bernoulli(f64),
    /// True with the probability at the same row-major position; 53-bit uniforms when
    /// `double` (a float64 `p`), else 24-bit ones compared in float.
    BernoulliTensor {
        probs: &'a [f64],
        double: bool,
    },
    /// `-log1p(-u) / lambda` from a 53-bit uniform, in double, then rounded.
    Exponential(f64),
    /// `ceil(log(u) / log1p(-p))` from a 53-bit uniform (any real dtype).
    Geometric(f64),
    /// `median + sigma * tan(pi * (u - 0.5))` from a 53-bit uniform.
    Cauchy {
        median: f64,
        sigma: f64,
    },
    /// `exp` of a double normal (the generator's cached one first).
    LogNormal {
        mean: f64,
        std: f64,
    },
}

impl SampleKernel<'_> {
    pub fn name(self) -> &'static str {
        match self {
            SampleKernel::Uniform { .. } => "uniform_",
            SampleKernel::Normal { .. } => "normal_",
            SampleKernel::Random { .. } | SampleKernel::Random64 => "random_",
            SampleKernel::Bernoulli(_) | SampleKernel::BernoulliTensor { .. } => "bernoulli_",
            SampleKernel::Exponential(_) => "exponential_",
            SampleKernel::Geometric(_) => "geometric_",
            SampleKernel::Cauchy { .. } => "cauchy_",
            SampleKernel::LogNormal { .. } => "log_normal_",
        }
    }
}

/// Fills `t` with `k`'s draws from the generator state `gen` (a CUDA backend would take
/// its own generator's state).
pub fn sample(k: SampleKernel<'_>, t: &Tensor, gen: &mut crate::random::GenState) -> Result<()> {
    match t.device() {
        Device::Cpu => cpu::sample::run(k, t, gen),
        Device::Cuda(_) => cuda::sample(k, t, gen),
    }
}

/// Writes `src` (already broadcast to `dst`'s shape) into `dst`, converting the dtype as
/// C++ casts do: the one copy kernel behind clone, contiguous, `copy_` and `to(dtype)`
/// (PyTorch's `copy_`).
pub fn copy(dst: &Tensor, src: &Tensor) -> Result<()> {
    match (dst.device(), src.device()) {
        (Device::Cpu, Device::Cpu) => cpu::copy::run(dst, src),
        _ => cuda::copy(dst, src),
    }
}

/// `dst[i] += src[i]` one element at a time in `dst`'s logical order, so an element that
/// the view `dst` names more than once receives every contribution (`ops/view_grad.rs`'s
/// gradient through overlapping views); `src` is contiguous, in `dst`'s dtype and shape.
pub fn accumulate(dst: &Tensor, src: &Tensor) -> Result<()> {
    match dst.device() {
        Device::Cpu => cpu::copy::accumulate(dst, src),
        Device::Cuda(_) => cuda::accumulate(dst, src),
    }
}

/// The first element of a non-empty `t` as a number of its kind (PyTorch's `item`; on a
/// device, a copy to the host).
pub fn item(t: &Tensor) -> Result<Scalar> {
    match t.device() {
        Device::Cpu => cpu::query::item(t),
        Device::Cuda(_) => cuda::item(t),
    }
}

/// Whether the integer or bool `t` holds a zero (integer division's zero-divisor check).
pub fn has_zero(t: &Tensor) -> Result<bool> {
    match t.device() {
        Device::Cpu => cpu::query::has_zero(t),
        Device::Cuda(_) => cuda::has_zero(t),
    }
}

/// The kernels that write index tensors (`ops/shape/indexing.rs`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IndexKernel {
    /// The coordinates of the true elements of a contiguous bool tensor, in row-major
    /// order, into an int64 `[count, ndim]` output (any strides).
    Nonzero,
}

impl IndexKernel {
    pub fn name(self) -> &'static str {
        match self {
            IndexKernel::Nonzero => "nonzero",
        }
    }
}

/// `out = k(x)`; `out` is sized by the op (for `Nonzero`, from a count of `x`).
pub fn index(k: IndexKernel, x: &Tensor, out: &Tensor) -> Result<()> {
    match x.device() {
        Device::Cpu => cpu::index::run(k, x, out),
        Device::Cuda(_) => cuda::index(k, x, out),
    }
}

/// The counting kernels (`ops/reduction/histogram.rs`; NOTE [ Histogram accumulation ]).
/// `x` (and weights, edges) are contiguous; every element of `out` (contiguous, sized by
/// the op) is written.
#[derive(Clone, Copy, Debug)]
pub enum HistogramKernel<'a> {
    /// `out[x[i]] += weights[i]` (1 without weights) over an int64 `x` whose values the op
    /// checked to lie in `[0, out.numel())`; weights float32/float64 of `out`'s dtype.
    BinCount { weights: Option<&'a Tensor> },
    /// `out.numel()` equal bins over `[lo, hi]` (histc, histogram with a bin count): NaN
    /// and values outside skipped, `hi` counted in the last bin; `edges` are the bin
    /// edges the op returns, which a position rounded across one is moved back to.
    Uniform {
        lo: f64,
        hi: f64,
        edges: Option<&'a Tensor>,
        weights: Option<&'a Tensor>,
    },
    /// Bins between consecutive sorted `edges` (`out.numel() + 1` of them).
    Edges {
        edges: &'a Tensor,
        weights: Option<&'a Tensor>,
    },
}

impl HistogramKernel<'_> {
    pub fn name(self) -> &'static str {
        match self {
            HistogramKernel::BinCount { .. } => "bincount",
            HistogramKernel::Uniform { .. } => "histc",
            HistogramKernel::Edges { .. } => "histogram",
        }
    }
}

/// `out = k(x)`: see `HistogramKernel`.
pub fn histogram(k: HistogramKernel<'_>, x: &Tensor, out: &Tensor) -> Result<()> {
    match x.device() {
        Device::Cpu => cpu::histogram::run(k, x, out),
        Device::Cuda(_) => cuda::histogram(k, x, out),
    }
}

/// One indexed dim of a gather or scatter: indices in `[0, size)` (or `[-size, size)`
/// with `negative`, counted from the end) step `stride` elements through the data
/// tensor. `check: false` reads the index as a flat offset already checked
/// (`index_offsets` built it). `fresh`: a scatter's destination is the op's new output,
/// dropped if it fails, so indices may be checked as they are written instead of all
/// before the first write (NOTE [ Scatter check and lines ]).
#[derive(Clone, Copy, Debug)]
pub struct IndexDim {
    pub size: usize,
    pub stride: isize,
    pub check: bool,
    pub negative: bool,
    pub fresh: bool,
}

/// How `scatter` combines a source element with its target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScatterReduce {
    Assign,
    Add,
    Mul,
    Max,
    Min,
}

/// `out[p] = src[p + idx[p] * d.stride]` over `out`'s shape; `src` and `idx` are viewed
/// at that shape (`src` with stride 0 along the indexed dim). Returns the first index
/// out of range, if any (then `out` is partly written: it is the op's fresh output).
pub fn gather(out: &Tensor, src: &Tensor, idx: &Tensor, d: IndexDim) -> Result<Option<i64>> {
    match out.device() {
        Device::Cpu => cpu::scatter::gather(out, src, idx, d),
        Device::Cuda(_) => cuda::indexed("gather"),
    }
}

/// `dst[p + idx[p] * d.stride] = reduce(that, src[p])` over `idx`'s shape, in row-major
/// order (a repeated target takes the last write). Every index is checked before the
/// first write: one out of range is returned and `dst` is untouched.
pub fn scatter(
    dst: &Tensor,
    idx: &Tensor,
    src: &Tensor,
    d: IndexDim,
    reduce: ScatterReduce,
) -> Result<Option<i64>> {
    match dst.device() {
        Device::Cpu => cpu::scatter::scatter(dst, idx, src, d, reduce),
        Device::Cuda(_) => cuda::indexed("scatter"),
    }
}

/// `off[p] += idx[p] * d.stride` (an int64 `off` at `idx`'s broadcast shape): one of the
/// index tensors of `x[i, j]` folded into flat offsets. Returns the first index out of
/// range, if any.
pub fn index_offsets(off: &Tensor, idx: &Tensor, d: IndexDim) -> Result<Option<i64>> {
    match off.device() {
        Device::Cpu => cpu::scatter::index_offsets(off, idx, d),
        Device::Cuda(_) => cuda::indexed("index"),
    }
}

/// The matrix products (`ops/linalg/` decides shapes, dtypes and derivatives). Operands
/// are matrices or batches of them, their batch dims broadcast to `out`'s; `out` is
/// fresh (never aliasing them).
#[derive(Clone, Copy, Debug)]
pub enum GemmKernel<'a> {
    /// `out = a @ b`: mm, bmm, mv, dot, matmul.
    Mm,
    /// `out = beta * input + alpha * (a @ b)` for float32/float64, with `input` read
    /// through its layout broadcast to `out` (NOTE [ addmm in one pass ]): beta = 0 never
    /// reads `input`, alpha = 0 skips the product.
    Addmm {
        input: (&'a Tensor, &'a Layout),
        beta: f64,
        alpha: f64,
    },
}

impl GemmKernel<'_> {
    /// PyTorch's name for the kernel: the batched one (`bmm`, `baddbmm`) when the result
    /// has a batch dimension.
    pub fn name(self, out: &Tensor) -> &'static str {
        match (self, out.ndim() > 2) {
            (GemmKernel::Mm, false) => "mm",
            (GemmKernel::Mm, true) => "bmm",
            (GemmKernel::Addmm { .. }, false) => "addmm",
            (GemmKernel::Addmm { .. }, true) => "baddbmm",
        }
    }
}

/// `out = k(a, b)`.
pub fn gemm(k: GemmKernel<'_>, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    match out.device() {
        Device::Cpu => cpu::gemm::run(k, a, b, out),
        Device::Cuda(_) => cuda::gemm(k, a, b, out),
    }
}
