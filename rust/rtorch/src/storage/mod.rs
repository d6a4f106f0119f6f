//! Storage: one allocation shared by every view of it.
//!
//! NOTE [ Storage aliasing ]
//! Views alias one buffer and in-place ops write through any of them, exactly as in
//! PyTorch, so the buffer is a raw pointer rather than a `Vec` behind a lock: a lock per
//! access would cost more than a whole small op, and Rust's aliasing rules cannot express
//! "many writers that the user orders". Kernels get raw pointers from `Tensor::cpu_ptr`,
//! and concurrent mutation from several Python threads is the user's race, as in PyTorch.

use crate::{Device, Result};
use std::alloc::{self, Layout as AllocLayout};
use std::any::Any;

/// NOTE [ Storage alignment ]
/// Buffers of at least `SMALL_MAX` bytes are 64-byte aligned (a cache line; what
/// PyTorch's CPU allocator gives), smaller ones 16-byte aligned, which is what `malloc`
/// returns anyway: glibc serves an over-aligned request through `_int_memalign`, which
/// allocates more and frees the slack on both sides, ~600 instructions a call against
/// ~100 for `malloc` (cachegrind, `x + y` on 4x4 floats: ~5,900 instructions a call in
/// all). No kernel relies on the alignment (SIMD loads are unaligned); it only keeps large
/// rows from straddling cache lines.
const ALIGN: usize = 64;
const SMALL_ALIGN: usize = 16;
const SMALL_MAX: usize = 1024;

#[cfg(target_os = "linux")]
mod big;

enum Owner {
    /// Allocated here (NOTE [ Storage alignment ]); the layout frees it.
    Rust(AllocLayout),
    /// A big buffer (NOTE [ Huge pages ]) of this many mapped bytes.
    #[cfg(target_os = "linux")]
    Big(usize),
    /// Memory owned by someone else (a NumPy array); dropping the box releases it.
    External(#[allow(dead_code)] Box<dyn Any + Send + Sync>),
    /// No memory (zero bytes, or `unbacked`): `ptr` is dangling and never dereferenced.
    Empty,
}

pub struct Storage {
    ptr: *mut u8,
    nbytes: usize,
    device: Device,
    owner: Owner,
}

// SAFETY: see NOTE [ Storage aliasing ]; the buffer itself is plain memory.
unsafe impl Send for Storage {}
unsafe impl Sync for Storage {}

impl Storage {
    /// Uninitialized memory on `device` (callers fill every byte before reading).
    pub fn uninit(nbytes: usize, device: Device) -> Result<Storage> {
        match device {
            Device::Cpu => Self::alloc(nbytes, false),
            Device::Cuda(i) => crate::backend::cuda::alloc(nbytes, i),
        }
    }

    pub fn zeroed(nbytes: usize, device: Device) -> Result<Storage> {
        match device {
            Device::Cpu => Self::alloc(nbytes, true),
            Device::Cuda(i) => crate::backend::cuda::alloc(nbytes, i),
        }
    }

    /// NOTE: a failed allocation is an error, never `handle_alloc_error` (which aborts the
    /// process): a too-large tensor must be a Python RuntimeError, as in PyTorch.
    fn alloc(nbytes: usize, zeroed: bool) -> Result<Storage> {
        if nbytes == 0 {
            return Ok(Storage {
                ptr: std::ptr::NonNull::<u64>::dangling().as_ptr() as *mut u8,
                nbytes,
                device: Device::Cpu,
                owner: Owner::Empty,
            });
        }
        let oom = || {
            crate::Error::runtime(format!(
                "DefaultCPUAllocator: not enough memory: you tried to allocate {nbytes} bytes."
            ))
        };
        #[cfg(target_os = "linux")]
        if nbytes >= big::HUGE_MIN {
            let b = big::alloc(nbytes, zeroed).ok_or_else(oom)?;
            return Ok(Storage {
                ptr: b.ptr,
                nbytes,
                device: Device::Cpu,
                owner: Owner::Big(b.len),
            });
        }
        let align = if nbytes < SMALL_MAX {
            SMALL_ALIGN
        } else {
            ALIGN
        };
        let layout = AllocLayout::from_size_align(nbytes, align).map_err(|_| oom())?;
        // SAFETY: nbytes > 0.
        let ptr = unsafe {
            if zeroed {
                alloc::alloc_zeroed(layout)
            } else {
                alloc::alloc(layout)
            }
        };
        if ptr.is_null() {
            return Err(oom());
        }
        Ok(Storage {
            ptr,
            nbytes,
            device: Device::Cpu,
            owner: Owner::Rust(layout),
        })
    }

    /// Wraps foreign CPU memory without copying; `owner` keeps it alive.
    ///
    /// # Safety
    /// `ptr` must be valid for reads and writes of `nbytes` for as long as `owner` lives.
    pub unsafe fn from_external(
        ptr: *mut u8,
        nbytes: usize,
        owner: Box<dyn Any + Send + Sync>,
    ) -> Storage {
        Storage {
            ptr,
            nbytes,
            device: Device::Cpu,
            owner: Owner::External(owner),
        }
    }

    /// A storage that says it lives on `device` but holds no memory: how the device
    /// seam's tests put a tensor on a device this build cannot allocate on, to see every
    /// kernel switch refuse it. Nothing reads it: memory is reached only through
    /// `Tensor::cpu_ptr`, which refuses every device but the CPU, the one refused here.
    #[doc(hidden)]
    pub fn unbacked(nbytes: usize, device: Device) -> Result<Storage> {
        crate::ensure!(
            device != Device::Cpu,
            runtime,
            "Storage::unbacked: a CPU storage must own its memory"
        );
        Ok(Storage {
            ptr: std::ptr::NonNull::<u64>::dangling().as_ptr() as *mut u8,
            nbytes,
            device,
            owner: Owner::Empty,
        })
    }

    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr
    }
    pub fn nbytes(&self) -> usize {
        self.nbytes
    }
    pub fn device(&self) -> Device {
        self.device
    }
}

impl Drop for Storage {
    fn drop(&mut self) {
        match self.owner {
            // SAFETY: allocated in `alloc` with this layout.
            Owner::Rust(layout) => unsafe { alloc::dealloc(self.ptr, layout) },
            #[cfg(target_os = "linux")]
            Owner::Big(len) => big::free(big::Block { ptr: self.ptr, len }),
            _ => {}
        }
    }
}
