//! Buffers of `HUGE_MIN` bytes and more: mapped directly (2 MiB-aligned) and kept for
//! reuse when freed.
//!
//! NOTE [ Huge pages ]
//! A fresh large output is dominated by the kernel, not by the op: every new page is
//! faulted in and zeroed by Linux. Measured on 2 Zen 4 cores of a VM (THP enabled=madvise,
//! defrag=madvise), float32, per op:
//!   - `a + a` of 4M elements with 4 KiB pages from glibc (torch's CPU allocator): 6.2 ms,
//!     492 page faults and 5.1 ms of system time in a fresh process, where glibc maps and
//!     unmaps each buffer until its dynamic threshold rises; 0.7-0.8 ms once it reuses its
//!     heap. Erratic, as issue 8 saw on an Intel VM.
//!   - `MADV_HUGEPAGE` on a fresh 2 MiB-aligned mapping per op (rtorch before this note):
//!     1M elements 0.20 ms, 4M 1.7 ms (0.9 ms of system time), 16M 8.5 ms.
//!   - the cache below: no page fault at all in steady state; 1M 0.09 ms, 4M 0.72 ms,
//!     16M 4.3 ms (the machine was busy; see benchmarks/README.md for quiet numbers).
//!
//! First touch is then what huge pages decide. 64 MiB zero-filled and touched once,
//! system time per buffer over 8 fresh buffers, two runs: with `MADV_HUGEPAGE` 87-147 ms
//! (65 faults, each a 2 MiB page the kernel must find contiguous, compacting memory
//! synchronously under defrag=madvise), without 35-49 ms (32769 faults of 4 KiB).
//! So the advice is off by default and the mapping stays 2 MiB-aligned, which lets a
//! kernel with THP `enabled=always` back it with huge pages when it has them free without
//! compacting; `RTORCH_HUGE_PAGES=1` asks for them (as PyTorch's `THP_MEM_ALLOC_ENABLE=1`).
//! Rechecked in the ninth session (same kind of machine, 2026-12-06, bench.py's 16M group,
//! 1 thread, rtorch with and without `RTORCH_HUGE_PAGES=1`): once a buffer is backed by
//! huge pages, streaming ops gain a third (sum of 16M float32 3.0 -> 2.06 ms, `add_`
//! 5.3 -> 4.1, `add` 8.9 -> 6.0; torch, on 4 KiB pages, 2.5, 4.6 and 37); on one shared
//! numpy buffer (huge pages: numpy advises them) rtorch and torch sum alike (1.77 vs 1.70
//! ms), so the remaining 16M misses at 4 KiB pages are page placement, not the kernels.
//! But first touch stays erratic: 8 fresh 64 MiB `rand` buffers took 37 or 167 ms each
//! with the advice in two fresh processes (58-73 without; torch 74), and `zeros` of 1 GiB
//! plus one `add_` 107 or 2229 ms (629-691 without; torch 450), depending on whether the
//! kernel had free huge pages or had to compact. A 20x worst case on first touch
//! outweighs a third on steady streaming, so the default stays off.
//!
//! NOTE [ Big-buffer cache ]
//! Training loops allocate the same large shapes every step. Freed big buffers are kept
//! (up to `cache_cap()` bytes in all, oldest given back first) and handed to the next
//! request that fits in them with at most a quarter to spare. A zeroed request served
//! from the cache is cleared by the worker team; a fresh mapping is already zero, so
//! `zeros` of 2 GiB costs no write at all until its pages are touched (as `calloc`).
//! The cache is only ever try-locked: a thread that finds it busy (or a forked child
//! whose parent held it) maps or unmaps directly instead of waiting.

use parking_lot::Mutex;
use std::sync::OnceLock;

/// Buffers of at least this many bytes take this path.
pub(super) const HUGE_MIN: usize = 4 << 20;
const HUGE_PAGE: usize = 2 << 20;

/// A mapping: `ptr` (2 MiB-aligned) valid for `len` bytes (a multiple of 2 MiB).
pub(super) struct Block {
    pub ptr: *mut u8,
    pub len: usize,
}

// SAFETY: plain memory owned by whoever holds the block.
unsafe impl Send for Block {}

struct Cache {
    blocks: Vec<Block>,
    bytes: usize,
}

static CACHE: Mutex<Cache> = Mutex::new(Cache {
    blocks: Vec::new(),
    bytes: 0,
});

/// The most bytes the cache holds: an eighth of physical memory, at most 2 GiB.
fn cache_cap() -> usize {
    static CAP: OnceLock<usize> = OnceLock::new();
    *CAP.get_or_init(|| {
        // SAFETY: sysconf has no preconditions.
        let (pages, size) = unsafe {
            (
                libc::sysconf(libc::_SC_PHYS_PAGES),
                libc::sysconf(libc::_SC_PAGESIZE),
            )
        };
        let phys = (pages.max(0) as usize).saturating_mul(size.max(0) as usize);
        (phys / 8).min(2 << 30)
    })
}

/// `RTORCH_HUGE_PAGES=1`: advise `MADV_HUGEPAGE` (NOTE [ Huge pages ]).
fn advise() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var("RTORCH_HUGE_PAGES").is_ok_and(|v| v.trim() == "1"))
}

/// A buffer of at least `nbytes`, zero-filled when `zeroed`; `None` when the system has
/// no memory for it.
pub(super) fn alloc(nbytes: usize, zeroed: bool) -> Option<Block> {
    let len = nbytes.checked_next_multiple_of(HUGE_PAGE)?;
    if let Some(b) = take_cached(len) {
        if zeroed {
            zero(b.ptr, nbytes);
        }
        return Some(b);
    }
    map(len)
}

/// Gives a buffer back: into the cache, or to the system when it does not fit.
pub(super) fn free(b: Block) {
    if b.len <= cache_cap() {
        if let Some(mut c) = CACHE.try_lock() {
            while c.bytes + b.len > cache_cap() && !c.blocks.is_empty() {
                let old = c.blocks.remove(0);
                c.bytes -= old.len;
                unmap(old);
            }
            c.bytes += b.len;
            c.blocks.push(b);
            return;
        }
    }
    unmap(b);
}

/// The smallest cached block of `len` bytes up to `len * 5 / 4`, the most recently freed
/// of equals (its lines may still be in cache).
fn take_cached(len: usize) -> Option<Block> {
    let mut c = CACHE.try_lock()?;
    let limit = len + len / 4;
    let (i, _) = c
        .blocks
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, b)| b.len >= len && b.len <= limit)
        .min_by_key(|(_, b)| b.len)?;
    let b = c.blocks.swap_remove(i);
    c.bytes -= b.len;
    Some(b)
}

/// Clears `nbytes` at `ptr` on the worker team (first touch in parallel too).
fn zero(ptr: *mut u8, nbytes: usize) {
    let p = crate::backend::cpu::iter::SendPtr(ptr);
    crate::parallel::for_chunks(nbytes, 1, move |s, e| {
        // SAFETY: [s, e) lies within the block's `nbytes`.
        unsafe { std::ptr::write_bytes(p.at(s as isize), 0, e - s) };
    });
}

fn map(len: usize) -> Option<Block> {
    let total = len.checked_add(HUGE_PAGE)?;
    // SAFETY: an anonymous private mapping; the slack around the aligned part is
    // unmapped right away, so exactly [ptr, ptr + len) stays mapped.
    unsafe {
        let raw = libc::mmap(
            std::ptr::null_mut(),
            total,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        if raw == libc::MAP_FAILED {
            return None;
        }
        let raw = raw as usize;
        let start = raw.next_multiple_of(HUGE_PAGE);
        if start > raw {
            libc::munmap(raw as *mut libc::c_void, start - raw);
        }
        let end = start + len;
        if raw + total > end {
            libc::munmap(end as *mut libc::c_void, raw + total - end);
        }
        if advise() {
            // A failure (THP compiled out) only loses the advice.
            libc::madvise(start as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
        }
        Some(Block {
            ptr: start as *mut u8,
            len,
        })
    }
}

fn unmap(b: Block) {
    // SAFETY: `b` is a whole mapping made by `map`, no longer referenced.
    unsafe { libc::munmap(b.ptr as *mut libc::c_void, b.len) };
}
