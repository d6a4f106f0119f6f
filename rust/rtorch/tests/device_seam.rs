//! The device seam: every allocation names a device, raw data is reached only through the
//! checked `cpu_ptr`, and autograd remembers devices. No CUDA kernel exists yet, so a
//! CUDA allocation must fail with an error (never a panic, never a CPU tensor).

use rtorch::autograd::TensorMeta;
use rtorch::backend::{self, UnaryKernel};
use rtorch::ops::{factory, sampling};
use rtorch::{DType, Device, ErrorKind, Tensor};

#[test]
fn cuda_allocations_fail_cleanly() {
    let attempts = [
        Tensor::empty(&[2], DType::F32, Device::Cuda(0)),
        Tensor::zeros(&[2], DType::F32, Device::Cuda(0)),
        factory::full(&[2], rtorch::Scalar::Int(1), DType::I64, Device::Cuda(0)),
        factory::arange(0.0, 3.0, 1.0, DType::F32, Device::Cuda(1)),
        factory::eye(2, 2, DType::F64, Device::Cuda(0)),
        sampling::randn(&[3], DType::F32, Device::Cuda(0), None),
        sampling::randperm(4, DType::I64, Device::Cuda(0), None),
    ];
    for r in attempts {
        let Err(e) = r else {
            panic!("a CUDA tensor cannot exist yet")
        };
        // No driver: RuntimeError as in torch; a driver but no kernels: NotImplementedError.
        assert!(
            matches!(e.kind, ErrorKind::Runtime | ErrorKind::NotImplemented),
            "{e:?}"
        );
        assert!(
            e.msg.contains("NVIDIA driver")
                || e.msg.contains("CUDA")
                || e.msg.contains("not compiled"),
            "{}",
            e.msg
        );
    }
}

#[test]
fn cpu_ptr_checks_the_element_type() {
    let x = Tensor::zeros(&[3], DType::F32, Device::Cpu).unwrap();
    assert!(x.cpu_ptr::<f32>().is_ok());
    let e = x.cpu_ptr::<f64>().unwrap_err();
    assert!(
        e.msg.contains("Float") && e.msg.contains("Double"),
        "{}",
        e.msg
    );
    assert!(x.cpu_ptr::<i32>().is_err());
}

#[test]
fn outputs_follow_their_inputs_and_metadata_keeps_the_device() {
    let x = Tensor::from_slice(&[1.0f64, -2.0], &[2]).unwrap();
    let y = x.new_empty(&[4], DType::I32).unwrap();
    assert_eq!(
        (y.device(), y.dtype(), y.shape()),
        (Device::Cpu, DType::I32, &[4][..])
    );
    let meta = TensorMeta::of(&x);
    assert_eq!(meta.device, Device::Cpu);
    let z = meta.zeros().unwrap();
    assert_eq!(z.to_vec::<f64>().unwrap(), vec![0.0, 0.0]);
    assert_eq!(z.dtype(), DType::F64);
}

#[test]
fn the_unary_switch_runs_cpu_kernels_by_id() {
    let x = Tensor::from_slice(&[0.0f32, 1.0, -1.5], &[3]).unwrap();
    let out = x.new_empty(&[3], DType::F32).unwrap();
    backend::unary(UnaryKernel::Exp, &x, &out).unwrap();
    let got = out.to_vec::<f32>().unwrap();
    for (g, v) in got.iter().zip([0.0f32, 1.0, -1.5]) {
        assert!((g - v.exp()).abs() <= 1e-6 * v.exp().max(1.0));
    }
    backend::unary(UnaryKernel::Relu, &x, &out).unwrap();
    assert_eq!(out.to_vec::<f32>().unwrap(), vec![0.0, 1.0, 0.0]);
    // A float kernel asked of an integer output is an error, not garbage.
    let ints = x.new_empty(&[3], DType::I64).unwrap();
    assert!(backend::unary(UnaryKernel::Exp, &ints, &ints).is_err());
}
