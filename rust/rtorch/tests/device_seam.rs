//! The device seam: every allocation names a device, raw data is reached only through the
//! checked `cpu_ptr`, autograd remembers devices, and every kernel family has one switch
//! on the device. No CUDA kernel exists yet, so a CUDA allocation must fail with an
//! error (never a panic, never a CPU tensor), and a CUDA tensor reaching a switch gets
//! the CUDA backend's error naming the kernel.

use rtorch::autograd::TensorMeta;
use rtorch::backend::{
    self, BinaryKernel, FillKernel, GemmKernel, IndexKernel, ReduceKernel, SampleKernel,
    ScanKernel, SoftmaxKernel, TernaryKernel, UnaryKernel,
};
use rtorch::layout::Layout;
use rtorch::ops::{factory, sampling};
use rtorch::storage::Storage;
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

/// A tensor on CUDA device 0 whose storage holds no memory: it reaches a kernel switch
/// without a GPU (nothing can read it, `cpu_ptr` refuses it).
fn on_cuda(shape: &[usize], dtype: DType) -> Tensor {
    let n: usize = shape.iter().product();
    let storage = Storage::unbacked(n * dtype.itemsize(), Device::Cuda(0)).unwrap();
    Tensor::from_storage(storage, Layout::contiguous(shape), dtype).unwrap()
}

/// The switch answered with the CUDA backend's error naming `kernel` (or, built without
/// the `cuda` feature, torch's "not compiled with CUDA").
#[track_caller]
fn assert_no_cuda_kernel(r: rtorch::Result<()>, kernel: &str) {
    let e = r.expect_err("no CUDA kernel exists yet");
    if cfg!(feature = "cuda") {
        assert_eq!(e.kind, ErrorKind::NotImplemented, "{e:?}");
        let want = format!("Could not run 'aten::{kernel}' with arguments from the 'CUDA' backend");
        assert!(e.msg.contains(&want), "{}", e.msg);
    } else {
        assert!(e.msg.contains("not compiled with CUDA"), "{}", e.msg);
    }
}

#[test]
fn unbacked_storage_is_never_on_the_cpu() {
    assert!(Storage::unbacked(8, Device::Cpu).is_err());
    let x = on_cuda(&[2], DType::F32);
    assert_eq!(x.device(), Device::Cuda(0));
    assert!(x.cpu_ptr::<f32>().is_err());
    assert!(x.to_vec::<f32>().is_err());
}

#[test]
fn every_kernel_switch_refuses_a_cuda_tensor_by_name() {
    let x = on_cuda(&[2, 3], DType::F32);
    let row = on_cuda(&[2], DType::F32);
    let idx = on_cuda(&[2], DType::I64);
    let sq = on_cuda(&[2, 2], DType::F32);
    let cpu = Tensor::zeros(&[2, 3], DType::F32, Device::Cpu).unwrap();

    assert_no_cuda_kernel(backend::unary(UnaryKernel::Exp, &x, &x), "exp");
    let l = x.layout().clone();
    let add = BinaryKernel::Add(rtorch::Scalar::Int(1));
    assert_no_cuda_kernel(backend::binary(add, (&x, &l), (&x, &l), &x), "add");

    let reductions = [
        (ReduceKernel::Sum, "sum"),
        (ReduceKernel::Prod, "prod"),
        (ReduceKernel::Max, "amax"),
        (ReduceKernel::Min, "amin"),
        (ReduceKernel::All, "all"),
        (ReduceKernel::Any, "any"),
        (ReduceKernel::Var { correction: 1.0 }, "var"),
        (ReduceKernel::Std { correction: 0.0 }, "std"),
    ];
    for (k, name) in reductions {
        assert_no_cuda_kernel(backend::reduce(k, &x, &[1], &[&row]), name);
    }
    for (k, name) in [
        (ReduceKernel::ArgMax, "argmax"),
        (ReduceKernel::ArgMin, "argmin"),
    ] {
        assert_no_cuda_kernel(backend::reduce(k, &x, &[1], &[&row, &idx]), name);
    }

    let out = on_cuda(&[2, 3], DType::F32);
    assert_no_cuda_kernel(backend::scan(ScanKernel::CumSum, &x, 1, &out), "cumsum");
    assert_no_cuda_kernel(backend::scan(ScanKernel::CumProd, &x, 0, &out), "cumprod");
    let softmax = backend::softmax(SoftmaxKernel::Softmax, &x, 1, &out);
    assert_no_cuda_kernel(softmax, "_softmax");
    let log_softmax = backend::softmax(SoftmaxKernel::LogSoftmax, &x, 0, &out);
    assert_no_cuda_kernel(log_softmax, "_log_softmax");
    let backward = backend::softmax_backward(SoftmaxKernel::Softmax, &x, &x, &out);
    assert_no_cuda_kernel(backward, "_softmax_backward_data");

    // Copies and casts: either side on the device is the CUDA backend's.
    assert_no_cuda_kernel(backend::copy(&out, &x), "copy_");
    assert_no_cuda_kernel(backend::copy(&on_cuda(&[2, 3], DType::F64), &x), "copy_");
    assert_no_cuda_kernel(backend::copy(&cpu, &x), "copy_");
    assert_no_cuda_kernel(backend::copy(&x, &cpu), "copy_");

    let cond = on_cuda(&[2, 3], DType::Bool);
    let lc = cond.layout().clone();
    let ternaries = [
        (TernaryKernel::Where, "where"),
        (
            TernaryKernel::Addcmul(rtorch::Scalar::Float(0.5)),
            "addcmul",
        ),
        (TernaryKernel::Addcdiv(rtorch::Scalar::Int(2)), "addcdiv"),
        (TernaryKernel::Lerp(Some(0.25)), "lerp"),
        (TernaryKernel::Lerp(None), "lerp"),
    ];
    for (k, name) in ternaries {
        let first = if k == TernaryKernel::Where { &cond } else { &x };
        let r = backend::ternary(k, (first, &lc), (&x, &l), (&x, &l), &out);
        assert_no_cuda_kernel(r, name);
    }

    let fills = [
        (FillKernel::Value(rtorch::Scalar::Int(3)), "fill_"),
        (
            FillKernel::Arange {
                start: 0.0,
                step: 1.0,
            },
            "arange",
        ),
        (
            FillKernel::Linspace {
                start: 0.0,
                end: 1.0,
            },
            "linspace",
        ),
        (FillKernel::Eye, "eye"),
    ];
    for (k, name) in fills {
        assert_no_cuda_kernel(backend::fill(k, &x), name);
    }
    let gen = rtorch::random::Generator::new(0);
    let probs = [0.5; 6];
    let samplers = [
        (SampleKernel::Uniform { from: 0.0, to: 1.0 }, "uniform_"),
        (
            SampleKernel::Normal {
                mean: 0.0,
                std: 1.0,
            },
            "normal_",
        ),
        (
            SampleKernel::Random {
                from: 0,
                range: 10,
                wide: false,
            },
            "random_",
        ),
        (SampleKernel::Random64, "random_"),
        (SampleKernel::Bernoulli(0.5), "bernoulli_"),
        (
            SampleKernel::BernoulliTensor {
                probs: &probs,
                double: true,
            },
            "bernoulli_",
        ),
    ];
    for (k, name) in samplers {
        assert_no_cuda_kernel(backend::sample(k, &x, &mut gen.0.lock()), name);
    }

    let nz = on_cuda(&[2, 2], DType::I64);
    assert_no_cuda_kernel(backend::index(IndexKernel::Nonzero, &cond, &nz), "nonzero");
    assert_no_cuda_kernel(backend::accumulate(&x, &x), "index_put_");
    let d = backend::IndexDim {
        size: 2,
        stride: 1,
        check: true,
        negative: false,
        fresh: false,
    };
    let ix = on_cuda(&[2, 2], DType::I64);
    let gathered = backend::gather(&x, &x, &ix, d).map(|_| ());
    assert_no_cuda_kernel(gathered, "gather");
    let reduce = backend::ScatterReduce::Add;
    let scattered = backend::scatter(&x, &ix, &x, d, reduce).map(|_| ());
    assert_no_cuda_kernel(scattered, "scatter");
    let offsets = backend::index_offsets(&ix, &ix, d).map(|_| ());
    assert_no_cuda_kernel(offsets, "index");
    assert_no_cuda_kernel(backend::item(&x).map(|_| ()), "_local_scalar_dense");
    assert_no_cuda_kernel(backend::has_zero(&idx).map(|_| ()), "eq");

    assert_no_cuda_kernel(backend::gemm(GemmKernel::Mm, &sq, &sq, &sq), "mm");
    let batch = on_cuda(&[3, 2, 2], DType::F32);
    assert_no_cuda_kernel(backend::gemm(GemmKernel::Mm, &batch, &batch, &batch), "bmm");
    let bias = on_cuda(&[2], DType::F32);
    let lb = bias.layout().broadcast_to(&[2, 2], "addmm").unwrap();
    let addmm = GemmKernel::Addmm {
        input: (&bias, &lb),
        beta: 1.0,
        alpha: 1.0,
    };
    assert_no_cuda_kernel(backend::gemm(addmm, &sq, &sq, &sq), "addmm");
}

/// Ops given a CUDA tensor fail with an error (today at their output's allocation,
/// before the kernel switch): never a panic, never a CPU result.
#[test]
fn ops_on_a_cuda_tensor_fail_cleanly() {
    use rtorch::ops::{cast, join, matmul, moments, movement, reduce, scan, softmax};
    let x = on_cuda(&[2, 3], DType::F32);
    let xt = movement::t(&x).unwrap();
    let attempts: Vec<(&str, rtorch::Result<Tensor>)> = vec![
        ("sum", reduce::sum(&x, None, false, None)),
        (
            "sum(dim)",
            reduce::sum(&x, Some(&[1]), true, Some(DType::F64)),
        ),
        ("mean", reduce::mean(&x, Some(&[0]), false, None)),
        ("prod", reduce::prod(&x, Some(1), false, None)),
        (
            "amax",
            reduce::amax_amin(&x, Some(&[1]), false, reduce::Extremum::Max),
        ),
        ("max()", reduce::max_min_all(&x, reduce::Extremum::Max)),
        (
            "max(dim)",
            reduce::max_min_dim(&x, 1, false, reduce::Extremum::Max).map(|p| p.0),
        ),
        (
            "argmin",
            reduce::argmax_argmin(&x, None, false, reduce::Extremum::Min),
        ),
        ("all", reduce::all_any(&x, None, false, ReduceKernel::All)),
        ("norm", reduce::norm(&x, 2.0, None, false)),
        ("var", moments::var(&x, Some(&[1]), 1.0, false)),
        ("std", moments::std(&x, None, 0.0, true)),
        ("cumsum", scan::cumsum(&x, 1, None)),
        ("cumprod", scan::cumprod(&x, 0, Some(DType::F64))),
        ("softmax", softmax::softmax(&x, 1, None)),
        ("log_softmax", softmax::log_softmax(&x, 0, None)),
        ("logsumexp", softmax::logsumexp(&x, &[1], false)),
        ("to(float64)", cast::to_dtype(&x, DType::F64)),
        ("clone", movement::clone(&x)),
        ("contiguous", movement::contiguous(&xt)),
        ("copy_", movement::copy_(&x, &x).map(|_| x.clone())),
        ("cat", join::cat(&[x.clone(), x.clone()], 0)),
        ("mm", matmul::mm(&x, &xt)),
        ("matmul", matmul::matmul(&xt, &x)),
    ];
    for (op, r) in attempts {
        let Err(e) = r else {
            panic!("{op}: a CUDA tensor cannot be computed on yet")
        };
        assert!(
            matches!(e.kind, ErrorKind::Runtime | ErrorKind::NotImplemented),
            "{op}: {e:?}"
        );
        assert!(
            e.msg.contains("NVIDIA driver")
                || e.msg.contains("CUDA")
                || e.msg.contains("cuda")
                || e.msg.contains("not compiled"),
            "{op}: {}",
            e.msg
        );
    }
}

#[test]
fn the_new_switches_run_cpu_kernels_by_id() {
    let x = Tensor::from_slice(&[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
    // A reduction writes its output's dtype: a float32 input summed into float64.
    let sums = x.new_empty(&[2], DType::F64).unwrap();
    backend::reduce(ReduceKernel::Sum, &x, &[1], &[&sums]).unwrap();
    assert_eq!(sums.to_vec::<f64>().unwrap(), vec![6.0, 15.0]);
    let (vals, idx) = (
        x.new_empty(&[3], DType::F32).unwrap(),
        x.new_empty(&[3], DType::I64).unwrap(),
    );
    backend::reduce(ReduceKernel::ArgMin, &x, &[0], &[&vals, &idx]).unwrap();
    assert_eq!(vals.to_vec::<f32>().unwrap(), vec![1.0, 2.0, 3.0]);
    assert_eq!(idx.to_vec::<i64>().unwrap(), vec![0, 0, 0]);
    // The wrong number of outputs is an error, not a write out of bounds.
    assert!(backend::reduce(ReduceKernel::ArgMax, &x, &[0], &[&vals]).is_err());
    let var = x.new_empty(&[], DType::F32).unwrap();
    backend::reduce(ReduceKernel::Var { correction: 0.0 }, &x, &[0, 1], &[&var]).unwrap();
    assert!((var.to_vec::<f32>().unwrap()[0] - 35.0 / 12.0).abs() < 1e-6);

    let out = x.new_empty(&[2, 3], DType::F32).unwrap();
    backend::scan(ScanKernel::CumProd, &x, 1, &out).unwrap();
    assert_eq!(
        out.to_vec::<f32>().unwrap(),
        vec![1.0, 2.0, 6.0, 4.0, 20.0, 120.0]
    );
    backend::softmax(SoftmaxKernel::Softmax, &x, 1, &out).unwrap();
    let rows = out.to_vec::<f32>().unwrap();
    assert!((rows[..3].iter().sum::<f32>() - 1.0).abs() < 1e-6);
    // Over dim 0 each column sums to 1 (the inner-dim kernel).
    backend::softmax(SoftmaxKernel::Softmax, &x, 0, &out).unwrap();
    let cols = out.to_vec::<f32>().unwrap();
    assert!((cols[0] + cols[3] - 1.0).abs() < 1e-6);

    // A cast is a copy into another dtype.
    let ints = x.new_empty(&[2, 3], DType::I32).unwrap();
    backend::copy(&ints, &x).unwrap();
    assert_eq!(ints.to_vec::<i32>().unwrap(), vec![1, 2, 3, 4, 5, 6]);

    let xt = rtorch::ops::movement::t(&x).unwrap();
    let prod = x.new_empty(&[2, 2], DType::F32).unwrap();
    backend::gemm(GemmKernel::Mm, &x, &xt, &prod).unwrap();
    assert_eq!(prod.to_vec::<f32>().unwrap(), vec![14.0, 32.0, 32.0, 77.0]);
    let bias = Tensor::from_slice(&[1.0f32, -1.0], &[2]).unwrap();
    let lb = bias.layout().broadcast_to(&[2, 2], "addmm").unwrap();
    let addmm = GemmKernel::Addmm {
        input: (&bias, &lb),
        beta: 2.0,
        alpha: 0.5,
    };
    backend::gemm(addmm, &x, &xt, &prod).unwrap();
    assert_eq!(prod.to_vec::<f32>().unwrap(), vec![9.0, 14.0, 18.0, 36.5]);
}

#[test]
fn the_ternary_fill_index_and_query_switches_run_cpu_kernels() {
    let a = Tensor::from_slice(&[1.0f64, 2.0, 3.0], &[3]).unwrap();
    let b = Tensor::from_slice(&[10.0f64, 20.0, 30.0], &[3]).unwrap();
    let cond = Tensor::from_slice(&[true, false, true], &[3]).unwrap();
    let out = a.new_empty(&[3], DType::F64).unwrap();
    let (la, lc) = (a.layout().clone(), cond.layout().clone());
    let r = backend::ternary(
        TernaryKernel::Where,
        (&cond, &lc),
        (&a, &la),
        (&b, &la),
        &out,
    );
    r.unwrap();
    assert_eq!(out.to_vec::<f64>().unwrap(), vec![1.0, 20.0, 3.0]);
    let addcmul = TernaryKernel::Addcmul(rtorch::Scalar::Float(0.5));
    backend::ternary(addcmul, (&a, &la), (&a, &la), (&b, &la), &out).unwrap();
    assert_eq!(out.to_vec::<f64>().unwrap(), vec![6.0, 22.0, 48.0]);
    let lerp = TernaryKernel::Lerp(Some(0.5));
    backend::ternary(lerp, (&a, &la), (&b, &la), (&b, &la), &out).unwrap();
    assert_eq!(out.to_vec::<f64>().unwrap(), vec![5.5, 11.0, 16.5]);

    let r = Tensor::empty(&[4], DType::I32, Device::Cpu).unwrap();
    backend::fill(
        FillKernel::Arange {
            start: 2.0,
            step: 3.0,
        },
        &r,
    )
    .unwrap();
    assert_eq!(r.to_vec::<i32>().unwrap(), vec![2, 5, 8, 11]);
    let eye = Tensor::zeros(&[2, 3], DType::F32, Device::Cpu).unwrap();
    backend::fill(FillKernel::Eye, &eye).unwrap();
    assert_eq!(eye.to_vec::<f32>().unwrap(), vec![1., 0., 0., 0., 1., 0.]);

    // nonzero's output has the count's rows; a short one is an error, not a stray write.
    let nz = Tensor::empty(&[2, 1], DType::I64, Device::Cpu).unwrap();
    backend::index(IndexKernel::Nonzero, &cond, &nz).unwrap();
    assert_eq!(nz.to_vec::<i64>().unwrap(), vec![0, 2]);
    let short = Tensor::empty(&[1, 1], DType::I64, Device::Cpu).unwrap();
    assert!(backend::index(IndexKernel::Nonzero, &cond, &short).is_err());

    // Overlapping views: every contribution lands (stride 0 names one element thrice).
    let acc = Tensor::zeros(&[1], DType::F64, Device::Cpu).unwrap();
    let rep = rtorch::ops::movement::as_strided(&acc, &[3], &[0], None).unwrap();
    backend::accumulate(&rep, &a).unwrap();
    assert_eq!(acc.to_vec::<f64>().unwrap(), vec![6.0]);

    assert_eq!(backend::item(&b).unwrap(), rtorch::Scalar::Float(10.0));
    let ints = Tensor::from_slice(&[3i64, 0, 5], &[3]).unwrap();
    assert!(backend::has_zero(&ints).unwrap());
    let odd = rtorch::ops::movement::as_strided(&ints, &[2], &[2], None).unwrap();
    assert!(!backend::has_zero(&odd).unwrap());
}
