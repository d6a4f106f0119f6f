//! `linear(input, weight, bias)`: `input @ weight.T + bias`, what `nn.Linear` computes.

use crate::ops::{addmm, binary, matmul, movement};
use crate::{Result, Scalar, Tensor};

/// `input (*, in) @ weight.T (in, out) + bias (out)`. A 1-D `weight` (`in`) makes the
/// last dimension go away, as in PyTorch.
///
/// NOTE [ linear through addmm ]
/// With a bias and a 2-D weight, the product and the bias go through `addmm`, whose GEMM
/// writes `bias + input @ weight.T` in one pass (the accumulate epilogue) instead of a
/// product followed by a broadcast add; an input of more than 2 dims is flattened to
/// `(-1, in)` first when that is a view (contiguous rows), as PyTorch folds it, and the
/// result is viewed back. Without a bias it is `matmul`.
pub fn linear(input: &Tensor, weight: &Tensor, bias: Option<&Tensor>) -> Result<Tensor> {
    let wt = movement::t(weight)?;
    let Some(bias) = bias else {
        return matmul::matmul(input, &wt);
    };
    let one = Scalar::Int(1);
    match (input.ndim(), weight.ndim()) {
        // PyTorch sends every 2-D input with a bias to addmm (a 1-D weight is its error).
        (2, _) => addmm::addmm(bias, input, &wt, one, one),
        (n, 2) if n > 2 && input.is_contiguous() && input.shape()[n - 1] > 0 => {
            let k = input.shape()[n - 1] as i64;
            let flat = movement::reshape(input, &[-1, k])?;
            let out = addmm::addmm(bias, &flat, &wt, one, one)?;
            let mut shape: Vec<i64> = input.shape()[..n - 1].iter().map(|&d| d as i64).collect();
            shape.push(out.shape()[1] as i64);
            movement::reshape(&out, &shape)
        }
        _ => binary::add(&matmul::matmul(input, &wt)?, bias),
    }
}
