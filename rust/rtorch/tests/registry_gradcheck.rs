//! Walks the op registry: every unary and binary op must resolve by name, and every
//! differentiable one must match central finite differences in float64.

use rtorch::ops::{binary, reduce, registry, unary, Kind};
use rtorch::{autograd, Result, Tensor};

const EPS: f64 = 1e-6;

/// d(sum f(x))/dx by autograd, and by central differences, at the points `xs`.
fn check(name: &str, xs: &[f64], f: &dyn Fn(&Tensor) -> Result<Tensor>) {
    let x = Tensor::from_slice(xs, &[xs.len()]).unwrap();
    x.set_requires_grad(true).unwrap();
    let y = reduce::sum(&f(&x).unwrap(), None, false, None).unwrap();
    autograd::backward(&[y], &[], false, false, None).unwrap();
    let analytic = x.grad().expect("gradient").to_vec::<f64>().unwrap();
    for (i, &a) in analytic.iter().enumerate() {
        let at = |d: f64| {
            let mut v = xs.to_vec();
            v[i] += d;
            let t = Tensor::from_slice(&v, &[v.len()]).unwrap();
            reduce::sum(&f(&t).unwrap(), None, false, None)
                .unwrap()
                .to_vec::<f64>()
                .unwrap()[0]
        };
        let numeric = (at(EPS) - at(-EPS)) / (2.0 * EPS);
        assert!(
            (a - numeric).abs() <= 1e-5 + 1e-3 * numeric.abs(),
            "{name}: d/dx[{i}] analytic {a} vs numeric {numeric}"
        );
    }
}

#[test]
fn every_registered_unary_and_binary_op_resolves() {
    for op in registry() {
        match op.kind {
            Kind::Unary => assert!(
                unary::by_name(op.name).is_some() || op.name == "nan_to_num",
                "{}",
                op.name
            ),
            Kind::Binary => assert!(binary::by_name(op.name).is_some(), "{}", op.name),
            _ => {}
        }
    }
}

#[test]
fn differentiable_unary_ops_match_finite_differences() {
    // Points inside every op's domain and away from kinks and integers.
    let xs = [0.21, 0.37, 0.63, 0.79];
    for op in registry().filter(|o| o.kind == Kind::Unary && o.differentiable) {
        if let Some(f) = unary::by_name(op.name) {
            check(op.name, &xs, &f);
        }
    }
}

#[test]
fn differentiable_binary_ops_match_finite_differences() {
    let b = Tensor::from_slice(&[1.3f64, 1.45, 1.6, 1.7], &[4]).unwrap();
    let xs = [0.31, 0.47, 0.58, 0.82];
    for op in registry().filter(|o| o.kind == Kind::Binary && o.differentiable) {
        let f = binary::by_name(op.name).unwrap();
        check(op.name, &xs, &|x| f(x, &b));
        check(&format!("{} (rhs)", op.name), &xs, &|x| f(&b, x));
    }
}

#[test]
fn second_derivative_through_create_graph() {
    // d2/dx2 sum(x^3) = 6x
    let x = Tensor::from_slice(&[0.5f64, -1.5], &[2]).unwrap();
    x.set_requires_grad(true).unwrap();
    let y = reduce::sum(
        &binary::pow_scalar(&x, rtorch::Scalar::Int(3)).unwrap(),
        None,
        false,
        None,
    )
    .unwrap();
    let g = autograd::grad(&[y], &[], std::slice::from_ref(&x), true, true, false).unwrap();
    let gs = reduce::sum(g[0].as_ref().unwrap(), None, false, None).unwrap();
    let h = autograd::grad(&[gs], &[], std::slice::from_ref(&x), false, false, false).unwrap();
    assert_eq!(
        h[0].as_ref().unwrap().to_vec::<f64>().unwrap(),
        vec![3.0, -9.0]
    );
}

#[test]
fn inplace_modification_of_saved_tensor_is_detected() {
    let x = Tensor::from_slice(&[1.0f64, 2.0], &[2]).unwrap();
    x.set_requires_grad(true).unwrap();
    let y = unary::exp(&x).unwrap();
    let z = reduce::sum(&y, None, false, None).unwrap();
    binary::add_(&y, &Tensor::scalar(1.0f64)).unwrap();
    let err = autograd::backward(&[z], &[], false, false, None).unwrap_err();
    assert!(
        err.msg.contains("modified by an inplace operation"),
        "{}",
        err.msg
    );
}

#[test]
fn backward_twice_without_retain_graph_fails() {
    let x = Tensor::from_slice(&[1.0f64, 2.0], &[2]).unwrap();
    x.set_requires_grad(true).unwrap();
    let y = reduce::sum(&binary::mul(&x, &x).unwrap(), None, false, None).unwrap();
    autograd::backward(std::slice::from_ref(&y), &[], false, false, None).unwrap();
    let err = autograd::backward(&[y], &[], false, false, None).unwrap_err();
    assert!(
        err.msg.contains("backward through the graph a second time"),
        "{}",
        err.msg
    );
}
