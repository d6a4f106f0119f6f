//! The engine's one thread pool, sized by `set_num_threads`, and safe across `fork()`.
//!
//! NOTE [ Fork safety ]
//! A rayon pool cannot survive `fork()`: the child inherits the pool's state but not its
//! threads, so its first parallel op deadlocks (DataLoader workers fork). A `pthread_atfork`
//! child handler bumps a generation counter; the next parallel op in the child sees a stale
//! generation, leaks the parent's pool (joining it would hang) and builds a fresh one.
//! Rayon's global pool is never used: every parallel region runs inside `install`.

use parking_lot::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Once};

static FORK_GENERATION: AtomicUsize = AtomicUsize::new(0);
static NUM_THREADS: AtomicUsize = AtomicUsize::new(0);
static POOL: Mutex<Option<(usize, Arc<rayon::ThreadPool>)>> = Mutex::new(None);
static ATFORK: Once = Once::new();

/// Work (in elements) below which kernels stay on the calling thread.
pub const GRAIN: usize = 32 * 1024;

extern "C" fn after_fork_in_child() {
    FORK_GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// The default thread count, looked up once.
///
/// NOTE: `available_parallelism` reads cgroup files on Linux (tens of microseconds), so
/// it must never run per op: it is resolved on first use and stored in `NUM_THREADS`.
fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

pub fn get_num_threads() -> usize {
    match NUM_THREADS.load(Ordering::Relaxed) {
        0 => {
            let n = default_threads().max(1);
            // A concurrent set_num_threads wins over this default.
            let _ = NUM_THREADS.compare_exchange(0, n, Ordering::Relaxed, Ordering::Relaxed);
            NUM_THREADS.load(Ordering::Relaxed)
        }
        n => n,
    }
}

pub fn set_num_threads(n: usize) {
    NUM_THREADS.store(n.max(1), Ordering::Relaxed);
    let mut pool = POOL.lock();
    if let Some((_, p)) = pool.take() {
        // In-flight users hold their own Arc; the old pool exits when they finish.
        drop(p);
    }
}

fn pool() -> Arc<rayon::ThreadPool> {
    ATFORK.call_once(|| unsafe {
        libc::pthread_atfork(None, None, Some(after_fork_in_child));
    });
    let generation = FORK_GENERATION.load(Ordering::SeqCst);
    let mut guard = POOL.lock();
    match guard.as_ref() {
        Some((g, p)) if *g == generation => return p.clone(),
        Some(_) => {
            // Forked child: the parent's pool threads do not exist here.
            let (_, stale) = guard.take().unwrap();
            std::mem::forget(stale);
        }
        None => {}
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(get_num_threads())
            .thread_name(|i| format!("rtorch-{i}"))
            .build()
            .expect("failed to start the rtorch thread pool"),
    );
    *guard = Some((generation, p.clone()));
    p
}

/// Runs `f` inside the engine pool (so rayon and faer calls in it use our threads).
pub fn install<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if get_num_threads() <= 1 {
        return f();
    }
    pool().install(f)
}

/// Calls `f(start, end)` over `0..n` split into chunks, in parallel when `n * cost` is large.
pub fn for_chunks(n: usize, cost: usize, f: impl Fn(usize, usize) + Sync + Send) {
    if n.saturating_mul(cost.max(1)) < GRAIN || n < 2 {
        f(0, n);
        return;
    }
    let threads = get_num_threads();
    if threads <= 1 {
        f(0, n);
        return;
    }
    let chunks = (threads * 4).min(n);
    let per = n.div_ceil(chunks);
    install(|| {
        use rayon::prelude::*;
        (0..chunks).into_par_iter().for_each(|c| {
            let s = c * per;
            let e = ((c + 1) * per).min(n);
            if s < e {
                f(s, e);
            }
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_op_after_fork_does_not_deadlock() {
        let sum = std::sync::atomic::AtomicUsize::new(0);
        for_chunks(1 << 20, 1, |s, e| {
            sum.fetch_add(e - s, Ordering::Relaxed);
        });
        assert_eq!(sum.load(Ordering::Relaxed), 1 << 20);
        unsafe {
            let pid = libc::fork();
            if pid == 0 {
                let sum = std::sync::atomic::AtomicUsize::new(0);
                for_chunks(1 << 20, 1, |s, e| {
                    sum.fetch_add(e - s, Ordering::Relaxed);
                });
                libc::_exit(if sum.load(Ordering::Relaxed) == 1 << 20 {
                    0
                } else {
                    1
                });
            }
            // Wait at most ~20 s for the child.
            let mut status = 0;
            for _ in 0..200 {
                if libc::waitpid(pid, &mut status, libc::WNOHANG) == pid {
                    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            libc::kill(pid, libc::SIGKILL);
            panic!("forked child deadlocked in a parallel op");
        }
    }
}
