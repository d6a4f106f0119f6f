//! `rtorch._C._fft`: PyTorch's home of the `torch.fft` kernels (`fft_fft`, `fft_rfft`…).
//! The namespace exists so that the complex + FFT issue only adds functions here (with
//! rustfft behind them); it registers none yet, and `rtorch.fft` does not exist.

use pyo3::prelude::*;

/// Adds `_C._fft`'s functions to `m` (none yet).
pub fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
