//! The autograd engine through in-place writes into views (CopySlices), from Rust.

use rtorch::ops::{binary, movement, reduce};
use rtorch::{autograd, Tensor};

fn leaf(v: &[f64], shape: &[usize]) -> Tensor {
    let t = Tensor::from_slice(v, shape).unwrap();
    t.set_requires_grad(true).unwrap();
    t
}

fn grad_of(y: &Tensor, x: &Tensor) -> Vec<f64> {
    let s = reduce::sum(y, None, false, None).unwrap();
    let g = autograd::grad(&[s], &[], std::slice::from_ref(x), true, false, false).unwrap();
    g[0].as_ref().unwrap().to_vec::<f64>().unwrap()
}

#[test]
fn writing_into_a_row_routes_gradients_through_copy_slices() {
    // b = x.clone(); b[0] *= w; y = b * b  =>  dy/dx = 2 b * (w on row 0, 1 elsewhere)
    let x = leaf(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let w = leaf(&[5.0, 7.0], &[2]);
    let b = movement::clone(&x).unwrap();
    let row = movement::select(&b, 0, 0).unwrap();
    binary::binary_("mul", &row, &w).unwrap();
    assert_eq!(b.grad_fn().unwrap().name, "CopySlices");
    assert_eq!(row.grad_fn().unwrap().name, "AsStridedBackward0");
    let y = binary::mul(&b, &b).unwrap();
    assert_eq!(grad_of(&y, &x), vec![50.0, 196.0, 6.0, 8.0]);
    // d/dw of sum(b*b) = 2 * (x0 * w) * x0 on row 0.
    let y = binary::mul(&b, &b).unwrap();
    assert_eq!(grad_of(&y, &w), vec![10.0, 56.0]);
}

#[test]
fn a_view_taken_before_its_base_changed_follows_the_base() {
    let x = leaf(&[1.0, 2.0, 3.0], &[3]);
    let b = movement::clone(&x).unwrap();
    let early = movement::slice(&b, 0, 1, 2, 1).unwrap();
    let three = Tensor::scalar(3.0f64);
    binary::binary_("mul", &b, &three).unwrap();
    assert_eq!(early.grad_fn().unwrap().name, "AsStridedBackward0");
    assert_eq!(grad_of(&early, &x), vec![0.0, 3.0, 3.0]);
}

#[test]
fn a_buffer_that_never_required_grad_gains_history() {
    let x = leaf(&[2.0, 3.0], &[2]);
    let buf = Tensor::zeros(&[3, 2], rtorch::DType::F64, rtorch::Device::Cpu).unwrap();
    let row = movement::select(&buf, 0, 1).unwrap();
    movement::copy_(&row, &binary::mul(&x, &x).unwrap()).unwrap();
    assert!(buf.requires_grad());
    assert_eq!(grad_of(&buf, &x), vec![4.0, 6.0]);
}
