//! `rtorch._C`: the Python bindings. Each file converts arguments and delegates to the
//! engine crate; errors cross the boundary only through `errors::to_py`.
#![allow(
    clippy::too_many_arguments,
    reason = "bindings mirror PyTorch's signatures, keyword for keyword"
)]
#![allow(non_snake_case)]

mod autograd;
mod convert;
mod errors;
mod functions;
mod options;
mod out;
mod random;
mod run;
mod tensor;
mod tensor_blas;
mod tensor_math;
mod tensor_operators;
mod tensor_reduce;
mod tensor_views;
mod types;

use pyo3::prelude::*;

#[pymodule]
#[allow(non_snake_case)]
fn _C(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<tensor::PyTensor>()?;
    m.add_class::<types::PyDType>()?;
    m.add_class::<types::PyDevice>()?;
    m.add_class::<random::PyGenerator>()?;
    m.add_class::<autograd::PyNode>()?;
    m.add_class::<autograd::AccumulateGrad>()?;
    m.add_class::<autograd::PyInferenceMode>()?;
    m.add_class::<convert::ArrayHolder>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    for d in rtorch::dtype::ALL_DTYPES {
        m.add(d.name(), types::dtype_obj(py, d))?;
    }
    macro_rules! add_fns {
        ($($f:path),* $(,)?) => { $( m.add_function(wrap_pyfunction!($f, m)?)?; )* };
    }
    add_fns!(
        functions::tensor,
        functions::as_tensor,
        functions::from_numpy,
        functions::zeros,
        functions::ones,
        functions::empty,
        functions::full,
        functions::zeros_like,
        functions::ones_like,
        functions::empty_like,
        functions::full_like,
        functions::arange,
        functions::linspace,
        functions::logspace,
        functions::eye,
        random::rand,
        random::randn,
        random::randint,
        random::randperm,
        random::bernoulli,
        random::_uniform_,
        random::_normal_,
        random::_random_,
        random::_bernoulli_,
        random::manual_seed,
        random::seed,
        random::initial_seed,
        random::default_generator,
        tensor_blas::functions::addmm,
        tensor_blas::functions::addmv,
        tensor_blas::functions::addr,
        tensor_blas::functions::addbmm,
        tensor_blas::functions::baddbmm,
        functions::cat,
        functions::stack,
        functions::where_,
        functions::broadcast_tensors,
        functions::lerp,
        functions::result_type,
        functions::promote_types,
        functions::can_cast,
        functions::set_default_dtype,
        functions::get_default_dtype,
        functions::set_num_threads,
        functions::get_num_threads,
        functions::cuda_is_available,
        functions::cuda_device_count,
        functions::list_ops,
        functions::_is_number,
        functions::_test_panic,
        autograd::_backward,
        autograd::_grad,
        autograd::is_grad_enabled,
        autograd::_set_grad_enabled,
        autograd::is_inference_mode_enabled,
        autograd::_set_inference_mode,
    );
    tensor_math::number_functions::register(m)?;
    Ok(())
}
