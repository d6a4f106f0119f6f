//! The device seam: where a storage lives. Only the CPU has kernels today; CUDA is probed
//! at run time (no toolkit needed to build) so `is_available()` is honest everywhere.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Device {
    Cpu,
    Cuda(usize),
}

impl Device {
    pub fn type_name(self) -> &'static str {
        match self {
            Device::Cpu => "cpu",
            Device::Cuda(_) => "cuda",
        }
    }
    pub fn index(self) -> Option<usize> {
        match self {
            Device::Cpu => None,
            Device::Cuda(i) => Some(i),
        }
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => f.write_str("cpu"),
            Device::Cuda(i) => write!(f, "cuda:{i}"),
        }
    }
}

/// Number of CUDA devices the driver reports; 0 when no driver library can be loaded.
#[cfg(feature = "cuda")]
pub fn cuda_device_count() -> usize {
    use std::sync::OnceLock;
    static COUNT: OnceLock<usize> = OnceLock::new();
    *COUNT.get_or_init(|| {
        // NOTE: cudarc panics (not errs) when libcuda cannot be loaded, so probe first and
        // keep the whole query inside catch_unwind; a missing driver means "no devices".
        std::panic::catch_unwind(|| {
            if !unsafe { cudarc::driver::sys::is_culib_present() } {
                return 0;
            }
            cudarc::driver::CudaContext::device_count()
                .map(|n| n as usize)
                .unwrap_or(0)
        })
        .unwrap_or(0)
    })
}

#[cfg(not(feature = "cuda"))]
pub fn cuda_device_count() -> usize {
    0
}

pub fn cuda_is_available() -> bool {
    cuda_device_count() > 0
}
