//! Element types, their Rust representations and PyTorch's type promotion.

use half::{bf16, f16};
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    Bool,
    U8,
    I8,
    I16,
    I32,
    I64,
    F16,
    BF16,
    F32,
    F64,
}

pub const ALL_DTYPES: [DType; 10] = [
    DType::Bool,
    DType::U8,
    DType::I8,
    DType::I16,
    DType::I32,
    DType::I64,
    DType::F16,
    DType::BF16,
    DType::F32,
    DType::F64,
];

impl DType {
    /// PyTorch's name (`torch.float32` is printed as `torch.` + this).
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::U8 => "uint8",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::F16 => "float16",
            DType::BF16 => "bfloat16",
            DType::F32 => "float32",
            DType::F64 => "float64",
        }
    }

    /// The legacy tensor-type name used in autograd error messages (`torch.FloatTensor`).
    pub fn legacy_name(self) -> &'static str {
        match self {
            DType::Bool => "BoolTensor",
            DType::U8 => "ByteTensor",
            DType::I8 => "CharTensor",
            DType::I16 => "ShortTensor",
            DType::I32 => "IntTensor",
            DType::I64 => "LongTensor",
            DType::F16 => "HalfTensor",
            DType::BF16 => "BFloat16Tensor",
            DType::F32 => "FloatTensor",
            DType::F64 => "DoubleTensor",
        }
    }

    /// The C++ scalar-type name PyTorch uses in "not implemented for 'Long'" messages.
    /// The C++ type name PyTorch prints in some errors ("out of bounds for unsigned char",
    /// "expected scalar type c10::Half").
    pub fn cpp_name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::U8 => "unsigned char",
            DType::I8 => "signed char",
            DType::I16 => "short int",
            DType::I32 => "int",
            DType::I64 => "long int",
            DType::F16 => "c10::Half",
            DType::BF16 => "c10::BFloat16",
            DType::F32 => "float",
            DType::F64 => "double",
        }
    }

    pub fn scalar_name(self) -> &'static str {
        match self {
            DType::Bool => "Bool",
            DType::U8 => "Byte",
            DType::I8 => "Char",
            DType::I16 => "Short",
            DType::I32 => "Int",
            DType::I64 => "Long",
            DType::F16 => "Half",
            DType::BF16 => "BFloat16",
            DType::F32 => "Float",
            DType::F64 => "Double",
        }
    }

    /// The C++ type name in PyTorch's conversion errors ("... to type int8_t ...").
    pub fn c_name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::U8 => "uint8_t",
            DType::I8 => "int8_t",
            DType::I16 => "int16_t",
            DType::I32 => "int",
            DType::I64 => "int64_t",
            DType::F16 => "c10::Half",
            DType::BF16 => "c10::BFloat16",
            DType::F32 => "float",
            DType::F64 => "double",
        }
    }

    pub fn from_name(name: &str) -> Option<DType> {
        ALL_DTYPES.iter().copied().find(|d| d.name() == name)
    }

    pub fn itemsize(self) -> usize {
        match self {
            DType::Bool | DType::U8 | DType::I8 => 1,
            DType::I16 | DType::F16 | DType::BF16 => 2,
            DType::I32 | DType::F32 => 4,
            DType::I64 | DType::F64 => 8,
        }
    }

    pub fn is_floating_point(self) -> bool {
        matches!(self, DType::F16 | DType::BF16 | DType::F32 | DType::F64)
    }

    /// The type PyTorch's kernels compute this one in: float32 for the half types.
    pub fn opmath(self) -> DType {
        match self {
            DType::F16 | DType::BF16 => DType::F32,
            d => d,
        }
    }

    /// No complex dtype exists yet; this is where the complex issue adds its rows.
    pub fn is_complex(self) -> bool {
        false
    }

    /// Whether a tensor of this dtype can carry a gradient: floating point or complex, as
    /// in PyTorch. Ask this, not `is_floating_point`, wherever autograd is meant.
    pub fn is_differentiable(self) -> bool {
        self.is_floating_point() || self.is_complex()
    }

    /// Integral in PyTorch's sense; `include_bool` as in `isIntegralType(t, includeBool)`.
    pub fn is_integral(self, include_bool: bool) -> bool {
        match self {
            DType::Bool => include_bool,
            DType::U8 | DType::I8 | DType::I16 | DType::I32 | DType::I64 => true,
            _ => false,
        }
    }

    pub fn is_signed(self) -> bool {
        !matches!(self, DType::Bool | DType::U8)
    }

    fn category(self) -> u8 {
        match self {
            DType::Bool => 0,
            d if d.is_floating_point() => 2,
            _ => 1,
        }
    }
}

/// `torch.promote_types`: the smallest dtype both convert to without losing category.
pub fn promote_types(a: DType, b: DType) -> DType {
    PROMOTE[a as usize][b as usize]
}

// NOTE [ Promotion table ]
// Promotion is a table, not an order: it is not monotone in any declaration order once
// uint8 meets int8 (int16, wider than both), float16 meets bfloat16 (float32), and, with
// the complex issue, float64 meets complex64 (complex128). Each new dtype adds a row and
// a column here; `tests/test_dtypes.py` checks every pair against torch.promote_types.
const PROMOTE: [[DType; 10]; 10] = {
    use DType::*;
    [
        //  Bool  U8   I8   I16  I32  I64  F16   BF16  F32  F64
        [Bool, U8, I8, I16, I32, I64, F16, BF16, F32, F64], // Bool
        [U8, U8, I16, I16, I32, I64, F16, BF16, F32, F64],  // U8
        [I8, I16, I8, I16, I32, I64, F16, BF16, F32, F64],  // I8
        [I16, I16, I16, I16, I32, I64, F16, BF16, F32, F64], // I16
        [I32, I32, I32, I32, I32, I64, F16, BF16, F32, F64], // I32
        [I64, I64, I64, I64, I64, I64, F16, BF16, F32, F64], // I64
        [F16, F16, F16, F16, F16, F16, F16, F32, F32, F64], // F16
        [BF16, BF16, BF16, BF16, BF16, BF16, F32, BF16, F32, F64], // BF16
        [F32, F32, F32, F32, F32, F32, F32, F32, F32, F64], // F32
        [F64, F64, F64, F64, F64, F64, F64, F64, F64, F64], // F64
    ]
};

/// What a participant of `result_type` is: PyTorch gives dimensioned tensors priority
/// over 0-dim tensors, and those over Python numbers (wrapped scalars).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    Dim,
    ZeroDim,
    Wrapped,
}

/// Accumulates `torch.result_type` over operands.
#[derive(Default, Clone, Copy)]
pub struct ResultType {
    dim: Option<DType>,
    zero: Option<DType>,
    wrapped: Option<DType>,
}

impl ResultType {
    pub fn add(&mut self, dtype: DType, priority: Priority, default_float: DType) {
        let (slot, dtype) = match priority {
            Priority::Dim => (&mut self.dim, dtype),
            Priority::ZeroDim => (&mut self.zero, dtype),
            // A Python float stands for the default dtype, an int for int64.
            Priority::Wrapped if dtype.is_floating_point() => (&mut self.wrapped, default_float),
            Priority::Wrapped => (&mut self.wrapped, dtype),
        };
        *slot = Some(match *slot {
            None => dtype,
            Some(prev) => promote_types(prev, dtype),
        });
    }

    pub fn result(&self) -> DType {
        let combine = |higher: Option<DType>, lower: Option<DType>| match (higher, lower) {
            (None, l) => l,
            (h, None) => h,
            (Some(h), Some(l)) => {
                if h.category() >= l.category() && h != DType::Bool {
                    Some(h)
                } else {
                    Some(promote_types(h, l))
                }
            }
        };
        combine(self.dim, combine(self.zero, self.wrapped)).unwrap_or(DType::F32)
    }
}

// NOTE [ Element traits ]
// Levels, so a kernel asks only for what it uses and complex types can join:
// `Element` is what storage needs (a dtype tag, Copy, a zero); `Real` adds order and the
// lossless-enough conversions through f64/i64 that kernels over ordered numbers use
// (comparisons, reductions, casts); `Float` is f32/f64, the two types float formulas are
// computed in (halves compute in f32). The CPU arithmetic sits on top, in
// `backend/cpu/num.rs` (NOTE [ Arithmetic traits ]): `Arith` (every real dtype),
// `Numeric` (no bool), `Bitwise` (integers and bool, no float). Each trait is implemented
// only for the dtypes that have its ops, and kernels reach a body through `dispatch!`
// over the matching set (NOTE [ Dtype sets ]), so a float can never reach a bit op.
// A float formula is written once: generic over `Float`/`Numeric`, or one closure body
// that `backend/cpu/unary.rs`'s `float!` instantiates for f32 and f64 (it needs std's
// inherent float methods). A complex type will be an `Element` with its own `Complex`
// trait, never a `Real`: it joins ALL, not REAL.

/// A Rust element type backing a dtype: what storage and copies need.
pub trait Element: Copy + Send + Sync + Default + 'static {
    const DTYPE: DType;
}

/// An ordered element type (every dtype today), with conversions through f64/i64.
pub trait Real: Element + PartialOrd {
    fn to_f64(self) -> f64;
    /// NOTE: not `from_f64`: `half`'s inherent `f16::from_f64`/`bf16::from_f64` would shadow
    /// it wherever the type is concrete (`with_dtype!` bodies), and they round differently
    /// (they drop the low 32 bits before rounding: 0.4189455f32 as f64 became bf16 0.41797
    /// instead of 0.41992); this one goes through float, as PyTorch does.
    fn elem_from_f64(v: f64) -> Self;
    fn to_i64(self) -> i64;
    fn from_i64(v: i64) -> Self;
    fn from_bool(v: bool) -> Self;
    fn is_nonzero(self) -> bool;
}

/// f32 and f64: the types float kernels are written against, once.
pub trait Float:
    Real
    + std::ops::Neg<Output = Self>
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
{
    fn from_f64(v: f64) -> Self;
    fn erf(self) -> Self;
    fn ln(self) -> Self;
    /// Correctly rounded, as IEEE 754 requires.
    fn sqrt(self) -> Self;
    /// The larger of two values, a NaN losing to a number (IEEE 754 maxNum).
    fn max_num(self, other: Self) -> Self;
}

impl Float for f32 {
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    fn erf(self) -> Self {
        libm::erff(self)
    }
    fn ln(self) -> Self {
        f32::ln(self)
    }
    fn sqrt(self) -> Self {
        f32::sqrt(self)
    }
    fn max_num(self, other: Self) -> Self {
        f32::max(self, other)
    }
}

impl Float for f64 {
    fn from_f64(v: f64) -> Self {
        v
    }
    fn erf(self) -> Self {
        libm::erf(self)
    }
    fn ln(self) -> Self {
        f64::ln(self)
    }
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    fn max_num(self, other: Self) -> Self {
        f64::max(self, other)
    }
}

macro_rules! int_element {
    ($t:ty, $d:expr) => {
        impl Element for $t {
            const DTYPE: DType = $d;
        }
        impl Real for $t {
            fn to_f64(self) -> f64 {
                self as f64
            }
            // NOTE: float → int casts truncate toward zero like C++; out-of-range values
            // saturate in Rust where C++ is undefined, which is the friendlier choice.
            fn elem_from_f64(v: f64) -> Self {
                v as $t
            }
            fn to_i64(self) -> i64 {
                self as i64
            }
            fn from_i64(v: i64) -> Self {
                v as $t
            }
            fn from_bool(v: bool) -> Self {
                v as $t
            }
            fn is_nonzero(self) -> bool {
                self != 0
            }
        }
    };
}
int_element!(u8, DType::U8);
int_element!(i8, DType::I8);
int_element!(i16, DType::I16);
int_element!(i32, DType::I32);
int_element!(i64, DType::I64);

impl Element for bool {
    const DTYPE: DType = DType::Bool;
}

impl Real for bool {
    fn to_f64(self) -> f64 {
        self as u8 as f64
    }
    fn elem_from_f64(v: f64) -> Self {
        v != 0.0
    }
    fn to_i64(self) -> i64 {
        self as i64
    }
    fn from_i64(v: i64) -> Self {
        v != 0
    }
    fn from_bool(v: bool) -> Self {
        v
    }
    fn is_nonzero(self) -> bool {
        self
    }
}

macro_rules! float_element {
    ($t:ty, $d:expr, $from:expr, $to:expr) => {
        impl Element for $t {
            const DTYPE: DType = $d;
        }
        impl Real for $t {
            fn to_f64(self) -> f64 {
                $to(self)
            }
            fn elem_from_f64(v: f64) -> Self {
                $from(v)
            }
            fn to_i64(self) -> i64 {
                $to(self) as i64
            }
            fn from_i64(v: i64) -> Self {
                $from(v as f64)
            }
            fn from_bool(v: bool) -> Self {
                $from(v as u8 as f64)
            }
            fn is_nonzero(self) -> bool {
                $to(self) != 0.0
            }
        }
    };
}
float_element!(f32, DType::F32, |v: f64| v as f32, |x: f32| x as f64);
float_element!(f64, DType::F64, |v: f64| v, |x: f64| x);
// NOTE: PyTorch converts double to half types through float (two roundings); doing the
// same keeps values identical to PyTorch's.
float_element!(
    f16,
    DType::F16,
    |v: f64| f16::from_f32(v as f32),
    f16::to_f64
);
float_element!(
    bf16,
    DType::BF16,
    |v: f64| bf16::from_f32(v as f32),
    bf16::to_f64
);

/// Runs `$body` with `$T` bound to the Rust type of `$dtype`, for every dtype: the sites
/// whose body is valid for all of them (copies, fills, comparisons). Same as
/// `dispatch!(ALL, …)`.
#[macro_export]
macro_rules! with_dtype {
    ($dtype:expr, $T:ident, $body:block) => {
        $crate::dispatch!(ALL, $dtype, $T, $body)
    };
}

// NOTE [ Dtype sets ]
// `dispatch!(SET, dtype, T, { body }, otherwise)` runs `body` with `T` bound to the Rust
// type of `dtype` when that dtype is in SET and evaluates `otherwise` (an error, usually
// `ops::unsupported`) for any other. The body is compiled only for the set's types, so it
// may use what exactly those types have (`Float`, `Bitwise`), a wrong dtype is an error
// instead of an instantiation of nonsense, and fewer bodies are compiled.
//
// The sets, PyTorch's names:
//   FLOAT     f16 bf16 f32 f64
//   INTEGRAL  u8 i8 i16 i32 i64 (no bool, as `isIntegralType(t, false)`)
//   BOOL      bool
//   REAL      BOOL | INTEGRAL | FLOAT: the ordered types (every dtype today)
//   ALL       every dtype: REAL, and the complex types once they exist
// joined with `|`: `dispatch!(INTEGRAL | BOOL, …)` for the bitwise ops, `FLOAT | INTEGRAL`
// for the ops that refuse bool. `dispatch!(ALL, dtype, T, { body })` takes no
// `otherwise` (it is `with_dtype!`). Adding a dtype means adding its row to the sets it
// belongs to below; every site whose set it joins then compiles its body for it.

/// Runs `$body` with `$T` bound to the Rust type of `$dtype` when it is in the set, else
/// `$otherwise` (NOTE [ Dtype sets ]).
#[macro_export]
macro_rules! dispatch {
    (ALL, $dtype:expr, $T:ident, $body:block) => {
        $crate::dispatch!(ALL, $dtype, $T, $body, unreachable!("every dtype is in ALL"))
    };
    ($($set:ident)|+, $dtype:expr, $T:ident, $body:block, $otherwise:expr) => {
        $crate::dispatch!(@rows [] [$($set)+] $dtype, $T, $body, $otherwise)
    };
    // Expands the named sets into (variant, Rust type) rows, one set at a time.
    (@rows [$($row:tt)*] [FLOAT $($more:ident)*] $($rest:tt)*) => {
        $crate::dispatch!(@rows [$($row)* F16 half::f16, BF16 half::bf16, F32 f32, F64 f64,]
            [$($more)*] $($rest)*)
    };
    (@rows [$($row:tt)*] [INTEGRAL $($more:ident)*] $($rest:tt)*) => {
        $crate::dispatch!(@rows [$($row)* U8 u8, I8 i8, I16 i16, I32 i32, I64 i64,]
            [$($more)*] $($rest)*)
    };
    (@rows [$($row:tt)*] [BOOL $($more:ident)*] $($rest:tt)*) => {
        $crate::dispatch!(@rows [$($row)* Bool bool,] [$($more)*] $($rest)*)
    };
    (@rows [$($row:tt)*] [REAL $($more:ident)*] $($rest:tt)*) => {
        $crate::dispatch!(@rows [$($row)*] [BOOL INTEGRAL FLOAT $($more)*] $($rest)*)
    };
    (@rows [$($row:tt)*] [ALL $($more:ident)*] $($rest:tt)*) => {
        $crate::dispatch!(@rows [$($row)*] [REAL $($more)*] $($rest)*)
    };
    (@rows [$($d:ident $t:ty,)*] [] $dtype:expr, $T:ident, $body:block, $otherwise:expr) => {{
        match $dtype {
            $(
                $crate::DType::$d => {
                    type $T = $t;
                    $body
                }
            )*
            // For ALL (and REAL, until complex exists) every dtype has an arm.
            #[allow(unreachable_patterns)]
            _ => $otherwise,
        }
    }};
}

/// A Python number: what `fill_`, `full`, `clamp(min=…)` and friends receive.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
}

impl Scalar {
    pub fn to_f64(self) -> f64 {
        match self {
            Scalar::Bool(b) => b as u8 as f64,
            Scalar::Int(i) => i as f64,
            Scalar::Float(f) => f,
        }
    }
    pub fn to_i64(self) -> i64 {
        match self {
            Scalar::Bool(b) => b as i64,
            Scalar::Int(i) => i,
            Scalar::Float(f) => f as i64,
        }
    }
    /// The dtype a Python number of this kind gets as a wrapped tensor.
    pub fn dtype(self) -> DType {
        match self {
            Scalar::Bool(_) => DType::Bool,
            Scalar::Int(_) => DType::I64,
            Scalar::Float(_) => DType::F64,
        }
    }
    pub fn cast<T: Real>(self) -> T {
        match self {
            Scalar::Bool(b) => T::from_bool(b),
            Scalar::Int(i) => T::from_i64(i),
            Scalar::Float(f) => T::elem_from_f64(f),
        }
    }

    /// Whether this number can be stored as `dtype` without overflow, by PyTorch's rule for
    /// Python numbers written into tensors: integers must lie in range (an unsigned type
    /// also takes negatives of in-range magnitude, which wrap), floats into integers must
    /// not exceed the range before truncation (NaN never fits), float32 rejects finite
    /// values beyond its range; bool, float64 and the half types take anything.
    pub fn fits(self, dtype: DType) -> bool {
        let (lo, hi): (i64, i64) = match dtype {
            DType::U8 => (0, u8::MAX as i64),
            DType::I8 => (i8::MIN as i64, i8::MAX as i64),
            DType::I16 => (i16::MIN as i64, i16::MAX as i64),
            DType::I32 => (i32::MIN as i64, i32::MAX as i64),
            DType::I64 => (i64::MIN, i64::MAX),
            DType::F32 => {
                return match self {
                    Scalar::Float(f) => !f.is_finite() || f.abs() <= f32::MAX as f64,
                    _ => true,
                }
            }
            _ => return true,
        };
        match self {
            Scalar::Bool(_) => true,
            Scalar::Int(i) if lo == 0 => i >= -hi && i <= hi,
            Scalar::Int(i) => i >= lo && i <= hi,
            // NOTE: `hi as f64` rounds i64::MAX up to 2^63, which PyTorch also accepts.
            Scalar::Float(f) => f >= lo as f64 && f <= hi as f64,
        }
    }

    /// `cast`, or PyTorch's overflow error when the number does not fit (see `fits`): the
    /// conversion every op that stores a Python number into a tensor goes through.
    pub fn try_cast<T: Real>(self) -> crate::Result<T> {
        self.check_fits(T::DTYPE)?;
        Ok(self.cast())
    }

    pub fn check_fits(self, dtype: DType) -> crate::Result<()> {
        if self.fits(dtype) {
            return Ok(());
        }
        Err(Self::overflow(dtype))
    }

    fn overflow(dtype: DType) -> crate::Error {
        crate::Error::runtime(format!(
            "value cannot be converted to type {} without overflow",
            dtype.c_name()
        ))
    }

    /// `check_fits`, and the half types reject finite numbers beyond their largest finite
    /// value too.
    ///
    /// NOTE [ Half range checks ]: PyTorch checks a number against a half type only where
    /// its kernel converts it to that type (fill_, full, linspace, masked_fill, index_fill,
    /// scatter, clamp); where, setitem and arange cast without a check, and kernels that
    /// compute halves in float32 (addcmul, addmm) check against float32 instead.
    pub fn check_converts(self, dtype: DType) -> crate::Result<()> {
        let max = match dtype {
            DType::F16 => f64::from(half::f16::MAX),
            DType::BF16 => f64::from(half::bf16::MAX),
            _ => return self.check_fits(dtype),
        };
        let v = self.to_f64();
        if v.is_finite() && v.abs() > max {
            return Err(Self::overflow(dtype));
        }
        Ok(())
    }
}

static DEFAULT_FLOAT: AtomicU8 = AtomicU8::new(DType::F32 as u8);

/// The dtype of float factories and of integer → float promotion (`get_default_dtype`).
pub fn default_float() -> DType {
    ALL_DTYPES[DEFAULT_FLOAT.load(Ordering::Relaxed) as usize]
}

pub fn set_default_float(d: DType) -> crate::Result<()> {
    crate::ensure!(
        d.is_floating_point(),
        type_error,
        "only floating-point types are supported as the default type"
    );
    DEFAULT_FLOAT.store(d as u8, Ordering::Relaxed);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use DType::*;

    #[test]
    fn scalar_fits() {
        assert!(!Scalar::Int(300).fits(I8));
        assert!(Scalar::Int(-255).fits(U8));
        assert!(!Scalar::Int(-256).fits(U8));
        assert!(!Scalar::Float(-0.5).fits(U8));
        assert!(!Scalar::Float(127.5).fits(I8));
        assert!(!Scalar::Float(f64::NAN).fits(I64));
        assert!(!Scalar::Float(1e39).fits(F32));
        assert!(Scalar::Float(f64::INFINITY).fits(F32));
        assert!(Scalar::Float(1e300).fits(F16));
        assert!(Scalar::Float(1e5).check_converts(F16).is_err());
        assert!(Scalar::Int(65504).check_converts(F16).is_ok());
        assert!(Scalar::Float(f64::INFINITY).check_converts(BF16).is_ok());
        assert!(Scalar::Float(1e39).check_converts(BF16).is_err());
        assert!(Scalar::Int(300).fits(Bool));
        assert_eq!(
            Scalar::Int(128).try_cast::<i8>().unwrap_err().msg,
            "value cannot be converted to type int8_t without overflow"
        );
    }

    #[test]
    fn promotion_table() {
        assert_eq!(promote_types(U8, I8), I16);
        assert_eq!(promote_types(Bool, I32), I32);
        assert_eq!(promote_types(I64, F16), F16);
        assert_eq!(promote_types(F16, BF16), F32);
        assert_eq!(promote_types(I16, U8), I16);
        assert_eq!(promote_types(F32, F64), F64);
    }

    #[test]
    fn result_type_priorities() {
        let rt = |ops: &[(DType, Priority)]| {
            let mut r = ResultType::default();
            for &(d, p) in ops {
                r.add(d, p, F32);
            }
            r.result()
        };
        // int tensor + python float -> default float
        assert_eq!(rt(&[(I32, Priority::Dim), (F64, Priority::Wrapped)]), F32);
        // int8 tensor + 0-dim int64 -> int8
        assert_eq!(rt(&[(I8, Priority::Dim), (I64, Priority::ZeroDim)]), I8);
        // int32 tensor + 0-dim float64 -> float64
        assert_eq!(rt(&[(I32, Priority::Dim), (F64, Priority::ZeroDim)]), F64);
        // float16 tensor + 0-dim float64 -> float16
        assert_eq!(rt(&[(F16, Priority::Dim), (F64, Priority::ZeroDim)]), F16);
        // bool tensor + python int -> int64
        assert_eq!(rt(&[(Bool, Priority::Dim), (I64, Priority::Wrapped)]), I64);
        // uint8 tensor + python int -> uint8
        assert_eq!(rt(&[(U8, Priority::Dim), (I64, Priority::Wrapped)]), U8);
    }
}
