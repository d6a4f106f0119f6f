//! Walks the op registry: every op is called through its registry entry on float64
//! samples, and every differentiable one must match central finite differences with
//! respect to each of its inputs.

use rtorch::ops::{binary, reduce, registry, unary, Call, OpInfo};
use rtorch::{autograd, Result, Tensor};

const EPS: f64 = 1e-6;

/// Sample values for input `i` of shape `shape`: distinct (no ties for max/sort-like
/// ops), inside every op's domain and away from kinks and integers; the first input lies
/// in (0.2, 0.8), the others in (1.2, 1.8) (divisors, exponents, `pow`'s base side).
fn sample(i: usize, shape: &[usize]) -> Vec<f64> {
    let n: usize = shape.iter().product();
    (0..n)
        .map(|j| {
            let frac = (j as f64 * 0.618_033_988_7 + i as f64 * 0.31).fract();
            0.21 + 0.58 * frac + if i == 0 { 0.0 } else { 1.0 }
        })
        .collect()
}

fn inputs(op: &OpInfo, values: &[Vec<f64>]) -> Vec<Tensor> {
    op.shapes
        .iter()
        .zip(values)
        .map(|(s, v)| Tensor::from_slice(v, s).unwrap())
        .collect()
}

/// sum(op(inputs)) as a number.
fn value(op: &OpInfo, values: &[Vec<f64>]) -> f64 {
    let out = op.call(&inputs(op, values)).unwrap();
    reduce::sum(&out, None, false, None)
        .unwrap()
        .to_vec::<f64>()
        .unwrap()[0]
}

/// d(sum op)/d(input k) by autograd, and by central differences, at the samples.
fn gradcheck(op: &OpInfo) {
    let values: Vec<Vec<f64>> = op
        .shapes
        .iter()
        .enumerate()
        .map(|(i, s)| sample(i, s))
        .collect();
    let ts = inputs(op, &values);
    for t in &ts {
        t.set_requires_grad(true).unwrap();
    }
    let y = reduce::sum(&op.call(&ts).unwrap(), None, false, None).unwrap();
    autograd::backward(&[y], &[], false, false, None).unwrap();
    for (k, t) in ts.iter().enumerate() {
        let analytic = match t.grad() {
            Some(g) => g.to_vec::<f64>().unwrap(),
            None => vec![0.0; values[k].len()],
        };
        for (i, &a) in analytic.iter().enumerate() {
            let at = |d: f64| {
                let mut v = values.clone();
                v[k][i] += d;
                value(op, &v)
            };
            let numeric = (at(EPS) - at(-EPS)) / (2.0 * EPS);
            assert!(
                (a - numeric).abs() <= 1e-5 + 1e-3 * numeric.abs(),
                "{}: d/d(input {k})[{i}] analytic {a} vs numeric {numeric}",
                op.name
            );
        }
    }
}

/// Samples times ten, so integer casts stay distinct.
fn reduce_scale(t: &Tensor) -> Tensor {
    unary::scale(t, 10.0).unwrap()
}

#[test]
fn every_registered_op_runs_through_its_entry() {
    for op in registry() {
        let ts: Vec<Tensor> = op
            .shapes
            .iter()
            .enumerate()
            .map(|(i, s)| Tensor::from_slice(&sample(i, s), s).unwrap())
            .collect();
        let out = match op.call(&ts) {
            // Integer-only ops (bitwise_*) get integer samples.
            Err(e) if e.kind == rtorch::ErrorKind::NotImplemented && !op.differentiable => {
                let ints: Vec<Tensor> = ts
                    .iter()
                    .map(|t| rtorch::ops::cast::to_dtype(&reduce_scale(t), rtorch::DType::I64))
                    .collect::<Result<_>>()
                    .unwrap();
                op.call(&ints)
            }
            r => r,
        };
        assert!(out.is_ok(), "{}: {:?}", op.name, out.err());
        // A differentiable op gives its float result a history.
        if op.differentiable {
            for t in &ts {
                t.set_requires_grad(true).unwrap();
            }
            assert!(op.call(&ts).unwrap().requires_grad(), "{}", op.name);
        }
    }
}

#[test]
fn names_are_written_once_and_resolve() {
    let mut seen = std::collections::HashSet::new();
    for op in registry() {
        assert!(seen.insert(op.name), "{} is registered twice", op.name);
        match op.call {
            Call::Unary(_) if op.kind == rtorch::ops::Kind::Unary => {
                assert!(unary::by_name(op.name).is_some(), "{}", op.name)
            }
            Call::Binary(_) => assert!(binary::by_name(op.name).is_some(), "{}", op.name),
            _ => {}
        }
    }
}

#[test]
fn every_differentiable_op_matches_finite_differences() {
    let mut kinds = std::collections::HashSet::new();
    for op in registry().filter(|o| o.differentiable) {
        gradcheck(op);
        kinds.insert(format!("{:?}", op.kind));
    }
    // The gradcheck reaches every kind of op that has a derivative.
    for kind in ["Unary", "Binary", "Pointwise", "Reduction", "Join", "Blas"] {
        assert!(
            kinds.contains(kind),
            "no differentiable {kind} op was checked"
        );
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
