//! Using the engine directly from Rust: a tiny least-squares fit with autograd.
//!
//! Run: cargo run --release -p rtorch --example basic

use rtorch::ops::{binary, matmul, reduce, sampling};
use rtorch::{autograd, DType, Device, Result, Tensor};

fn main() -> Result<()> {
    // Data: y = x @ [2, -3] + 1.
    let x = sampling::randn(&[64, 2], DType::F32, Device::Cpu, None)?;
    let true_w = Tensor::from_slice(&[2.0f32, -3.0], &[2, 1])?;
    let y = binary::add(&matmul::matmul(&x, &true_w)?, &Tensor::scalar(1.0f32))?;

    let w = Tensor::zeros(&[2, 1], DType::F32, Device::Cpu)?;
    let b = Tensor::zeros(&[1], DType::F32, Device::Cpu)?;
    w.set_requires_grad(true)?;
    b.set_requires_grad(true)?;

    for step in 0..=200 {
        let pred = binary::add(&matmul::matmul(&x, &w)?, &b)?;
        let err = binary::sub(&pred, &y)?;
        let loss = reduce::mean(&binary::mul(&err, &err)?, None, false, None)?;
        autograd::backward(std::slice::from_ref(&loss), &[], false, false, None)?;
        // Plain SGD outside the graph (the guard restores grad mode, also on `?`).
        {
            let _no_grad = autograd::GradMode::set(false);
            for p in [&w, &b] {
                let g = p.grad().expect("gradient");
                binary::add_scaled_(p, &g, rtorch::Scalar::Float(-0.1))?;
                p.set_grad(None)?;
            }
        }
        if step % 50 == 0 {
            println!("step {step:3}  loss {:.6}", loss.to_vec::<f32>()?[0]);
        }
    }
    println!("w = {:?}, b = {:?}", w.to_vec::<f32>()?, b.to_vec::<f32>()?);
    Ok(())
}
