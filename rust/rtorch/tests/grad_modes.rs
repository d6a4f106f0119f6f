//! The grad-mode and inference-mode guards: what the engine records under each, and that
//! both come back on drop, also when the guarded code panics.

use rtorch::autograd::{self, GradMode, InferenceMode};
use rtorch::ops::binary::mul;
use rtorch::{DType, Device, Tensor};

fn leaf() -> Tensor {
    let t = Tensor::zeros(&[3], DType::F32, Device::Cpu).unwrap();
    t.set_requires_grad(true).unwrap();
    t
}

#[test]
fn inference_mode_stops_recording_even_with_grad_mode_on() {
    let x = leaf();
    {
        let _inference = InferenceMode::set(true);
        assert!(!autograd::is_grad_enabled());
        let _grad = GradMode::set(true);
        assert!(autograd::is_grad_enabled() && autograd::is_inference_mode_enabled());
        assert!(mul(&x, &x).unwrap().grad_fn().is_none());
    }
    assert!(autograd::is_grad_enabled() && !autograd::is_inference_mode_enabled());
    assert!(mul(&x, &x).unwrap().grad_fn().is_some());
}

#[test]
fn guards_restore_on_panic() {
    let caught = std::panic::catch_unwind(|| {
        let _inference = InferenceMode::set(true);
        let _grad = GradMode::set(false);
        panic!("inside the guards");
    });
    assert!(caught.is_err());
    assert!(autograd::is_grad_enabled() && !autograd::is_inference_mode_enabled());
}
